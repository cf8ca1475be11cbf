"""A throwaway PostgreSQL cluster for tests and CI.

``start_cluster()`` runs ``initdb`` and ``pg_ctl start`` in a fresh temporary folder on a
free loopback port and returns a :class:`Cluster`; ``Cluster.stop()`` stops the server and
removes the folder. The server refuses to run as root, so as root every PostgreSQL command
runs as the ``postgres`` system user (created by the Debian package). Trust authentication
on 127.0.0.1 is acceptable only because the cluster lives for one test session.
"""
from __future__ import annotations

import atexit
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No usable PostgreSQL server binaries on this machine (the reason is the message)."""


def find_bindir() -> Path | None:
    """Folder holding ``initdb`` and ``pg_ctl``: Debian's versioned folder (newest) or PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).parent
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    root: Path
    port: int
    bindir: Path
    as_postgres_user: bool

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server and remove its folder; safe to call twice."""
        if not self.root.exists():
            return
        try:
            _run(self, [self.bindir / "pg_ctl", "-D", self.root / "data", "-m", "fast", "-w",
                        "stop"], check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _run(cluster: Cluster, argv: list, check: bool = True) -> subprocess.CompletedProcess:
    argv = [str(a) for a in argv]
    if cluster.as_postgres_user:
        # `su` (not sudo: absent on slim images) with a fixed shell, because the postgres
        # account's login shell may be /bin/false or nologin on some systems.
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def start_cluster(attempts: int = 3) -> Cluster:
    """Start a fresh cluster; raise :class:`PostgresUnavailable` when it cannot be done here."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin "
            "or PATH; install the 'postgresql' package or set WIJKDATA_TEST_PG_URL"
        )
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root but there is no 'postgres' system user to run the server as"
            ) from None
    last_error: Exception | None = None
    for _ in range(attempts):
        root = Path(tempfile.mkdtemp(prefix="wijkdata-pg-"))
        if as_root:
            shutil.chown(root, user="postgres")
        cluster = Cluster(root=root, port=free_port(), bindir=bindir, as_postgres_user=as_root)
        try:
            _run(cluster, [bindir / "initdb", "-D", root / "data", "-A", "trust", "-U", "postgres",
                           "-E", "UTF8", "--no-sync"])
            options = (f"-k {root} -p {cluster.port} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            _run(cluster, [bindir / "pg_ctl", "-D", root / "data", "-o", options,
                           "-l", root / "log", "-w", "-t", "60", "start"])
            # Backstop for a session that dies without running fixture teardown.
            atexit.register(cluster.stop)
            return cluster
        except RuntimeError as error:
            # Most likely the free port was taken between probing and starting; try another.
            log = root / "log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            last_error = RuntimeError(f"{error}\n{detail}")
            cluster.stop()
    raise RuntimeError(f"could not start a throwaway PostgreSQL cluster: {last_error}")
