"""Shared fixtures: a real PostgreSQL for store tests, the AppTest pages fix, the CI skip rule."""
from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import browser as browser_support  # noqa: E402  (needs ROOT on sys.path)
from tests import pg  # noqa: E402  (needs ROOT on sys.path)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (see tests/pg.py)")


# (node id, reason) of every skipped test or module in this session.
_SKIPPED: list[tuple[str, str]] = []


def _record_skip(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIPPED.append((report.nodeid, reason))


def pytest_sessionstart(session):
    _SKIPPED.clear()


def pytest_collectreport(report):
    # A module-level importorskip shows up here, not as a test report.
    _record_skip(report)


def pytest_runtest_logreport(report):
    _record_skip(report)


def pytest_sessionfinish(session, exitstatus):
    # In CI every test must really run: a skip there means a missing browser, database or
    # package that would otherwise go unnoticed.
    if _in_ci() and _SKIPPED and session.exitstatus in (0, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _in_ci() and _SKIPPED:
        terminalreporter.section("CI=true: skipped tests fail the run", sep="=", red=True)
        for nodeid, reason in _SKIPPED:
            terminalreporter.line(f"SKIPPED {nodeid}: {reason}", red=True)


@pytest.fixture(autouse=True)
def _apptest_keeps_app_frame():
    """Keep AppTest running pages through app.py, as the real server does.

    With a ``pages/`` folder, AppTest resets ``PagesManager.uses_pages_directory`` before each
    run, so reruns take the legacy multipage path and run a page without ``app.py``. Forcing
    the flag to False after every ``PagesManager.__init__`` keeps the real server's behaviour.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        yield
        return
    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    with mock.patch.object(PagesManager, "__init__", init), \
            mock.patch.object(PagesManager, "uses_pages_directory",
                              PagesManager.uses_pages_directory):
        yield


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """An empty folder as the app's data folder: the app's store is SQLite in it."""
    monkeypatch.delenv("WIJKDATA_DATABASE_URL", raising=False)
    monkeypatch.setenv("WIJKDATA_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def pg_url():
    """URL of a PostgreSQL server for this session: WIJKDATA_TEST_PG_URL or a throwaway cluster."""
    explicit = os.environ.get("WIJKDATA_TEST_PG_URL")
    if explicit:
        yield explicit
        return
    try:
        cluster = pg.start_cluster()
    except pg.PostgresUnavailable as reason:
        pytest.skip(f"PostgreSQL not available: {reason}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """Database URL of a fresh, empty database for one test, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wijkdata.sqlite'}"
        return
    import sqlalchemy as sa

    server_url = sa.make_url(request.getfixturevalue("pg_url"))
    if server_url.drivername in {"postgresql", "postgres"}:
        server_url = server_url.set(drivername="postgresql+psycopg")
    name = f"wijkdata_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            # FILE_COPY (PostgreSQL 15+) is several times faster for a tiny test database.
            fast = conn.dialect.server_version_info >= (15,)
            strategy = " STRATEGY = FILE_COPY" if fast else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + strategy)
        yield server_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            # FORCE (PostgreSQL 13+) ends connections a Store under test left in its pool.
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


# --- real browser ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, shared by the session."""
    path = browser_support.chromium_path()
    if path is None:
        pytest.skip("Chromium not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path,
                                             args=browser_support.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """A `streamlit run` server on the demo: an empty store in a temporary folder."""
    folder = tmp_path_factory.mktemp("demo_store")
    server = browser_support.start_server(
        {"WIJKDATA_DATA_DIR": str(folder), "WIJKDATA_DATABASE_URL": ""}, folder / "server.log")
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    """A fresh page at 1280×800 that can reach only 127.0.0.1 (no internet, as in a
    council room): every other request is aborted."""
    context = browser_support.new_context(chromium, viewport={"width": 1280, "height": 800},
                                           locale="nl-NL")
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1",
                                                   "data:", "blob:"))
                  else route.abort())
    page = context.new_page()
    yield page
    context.close()
