"""Dataset versions in a database: an embedded SQLite file by default, PostgreSQL when given a URL.

A dataset is a (kind, name) pair; each import adds an immutable version to it. The active
version of a dataset is the newest one, unless a rollback made an older one active. Its id is
kept on the dataset row (``active_version_id``), so switching is one atomic update.

The frame of a version is stored whole as Parquet bytes (GeoParquet for a GeoDataFrame, which
keeps the CRS) in a separate payload table, so listing versions never reads the blobs. The same
SQLAlchemy Core code serves SQLite and PostgreSQL; several app processes may share one
PostgreSQL database and publish at the same moment.
"""
from __future__ import annotations

import io
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError

from wijkdata.errors import Probleem, WijkdataError

DEFAULT_DB_DIR = Path(__file__).resolve().parent.parent / "data"
DATABASE_FILENAME = "wijkdata.sqlite"
KINDS = ("buurten", "indicatoren", "initiatieven")
NAME_MAX = 200
T = TypeVar("T")
CONNECT_TIMEOUT = 10        # seconds to wait for a PostgreSQL server to answer

metadata = sa.MetaData()

datasets = sa.Table(
    "wijkdata_datasets", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(NAME_MAX), nullable=False),
    # No foreign key: versions already point at datasets, and a cycle would complicate
    # creating and dropping the tables. The store keeps it consistent in each transaction.
    sa.Column("active_version_id", sa.Integer, nullable=True),
    # Highest version number handed out, so a number is never reused after a delete.
    sa.Column("last_number", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("kind", "name", name="uq_wijkdata_datasets_kind_name"),
    sqlite_autoincrement=True,
)

versions_table = sa.Table(
    "wijkdata_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dataset_id", sa.Integer,
              sa.ForeignKey("wijkdata_datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("source_filename", sa.Text, nullable=False, default=""),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("checksum", sa.Text, nullable=False, default=""),
    sa.Column("created_by", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    # What the file is (wijkdata.model.datasets.SOURCE_KINDS: 'gebieden', 'CBS Kerncijfers', ...),
    # decided from its content. Added after the first release: NULL for versions stored
    # before, derived from their frame when needed (see datasets.source_kind_of).
    sa.Column("source_kind", sa.String(32), nullable=True),
    # Initiative lists only: the area the list covers (gemeente- and wijkcodes joined by ','),
    # as the analyst narrowed it. NULL: not given, so the gemeenten of its initiatives
    # (wijkdata.compute.witte_vlekken.standaard_dekking). Added with issue 11.
    sa.Column("dekking", sa.Text, nullable=True),
    sa.UniqueConstraint("dataset_id", "number", name="uq_wijkdata_versions_dataset_number"),
    # AUTOINCREMENT: SQLite must never reuse the id of a deleted version, or an old id held
    # by a page or a cache key would silently point at different data.
    sqlite_autoincrement=True,
)

payloads = sa.Table(
    "wijkdata_payloads", metadata,
    sa.Column("version_id", sa.Integer,
              sa.ForeignKey("wijkdata_versions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("format", sa.String(16), nullable=False),  # 'parquet' or 'geoparquet'
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Reports of initiatives by residents (wijkdata.meldingen). A report is its own row until an
# analyst handles it; only then does it become part of a dataset version. Texts are stored
# literally: escaping is for the place they are shown.
meldingen_table = sa.Table(
    "wijkdata_meldingen", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("naam", sa.Text, nullable=False),
    sa.Column("omschrijving", sa.Text, nullable=False, default=""),
    sa.Column("activiteit", sa.Text, nullable=False, default=""),
    sa.Column("wij_type", sa.Text, nullable=False, default=""),
    sa.Column("doelgroepen", sa.Text, nullable=False, default=""),      # joined by '; '
    sa.Column("frequentie", sa.Text, nullable=False, default=""),
    sa.Column("sinds", sa.Text, nullable=False, default=""),
    sa.Column("buurtcode", sa.Text, nullable=False, default=""),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("locatie_verborgen", sa.Boolean, nullable=False, default=False),
    # Contact details for the municipality only; set to NULL when the report is handled.
    sa.Column("contact_naam", sa.Text, nullable=True),
    sa.Column("contact_email", sa.Text, nullable=True),
    sa.Column("contact_telefoon", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    # sha256 of the browser session, only to count reports per session per hour.
    sa.Column("sessie", sa.String(64), nullable=False, default=""),
    sa.Column("ingediend", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("behandeld", sa.DateTime(timezone=True), nullable=True),
    sa.Column("behandeld_door", sa.Text, nullable=True),
    sa.Column("reden", sa.Text, nullable=True),
    sa.Index("ix_wijkdata_meldingen_sessie_ingediend", "sessie", "ingediend"),
    sqlite_autoincrement=True,
)

melding_acties = sa.Table(
    "wijkdata_melding_acties", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("melding_id", sa.Integer,
              sa.ForeignKey("wijkdata_meldingen.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("wanneer", sa.DateTime(timezone=True), nullable=False),
    sa.Column("wie", sa.Text, nullable=False, default=""),
    sa.Column("actie", sa.String(32), nullable=False),
    sa.Column("toelichting", sa.Text, nullable=False, default=""),
    sqlite_autoincrement=True,
)


def database_url(explicit: str | None = None) -> str:
    """The database URL to use: ``explicit``, else env ``WIJKDATA_DATABASE_URL``, else the
    SQLite file ``wijkdata.sqlite`` in ``DEFAULT_DB_DIR`` (env ``WIJKDATA_DATA_DIR`` overrides
    the folder). For SQLite the folder is created when missing.
    """
    url = (explicit or "").strip() or os.environ.get("WIJKDATA_DATABASE_URL", "").strip()
    if not url:
        folder = Path(os.environ.get("WIJKDATA_DATA_DIR", "").strip() or DEFAULT_DB_DIR)
        url = f"sqlite:///{folder.expanduser().resolve() / DATABASE_FILENAME}"
    url = _normalise_url(url)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not parsed.database.startswith("file:"):
        _make_folder(Path(parsed.database).expanduser(), url)
    return url


def shown_url(url: str) -> str:
    """The URL as it may be shown: the password replaced by ``***``."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _make_folder(path: Path, url: str) -> None:
    """The folder of an SQLite file, created when missing; a Dutch error when it cannot be."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return
    except FileExistsError:
        pass          # a file where a folder should be (mkdir says 'exists', not 'not a dir')
    except NotADirectoryError:
        pass
    except PermissionError:
        raise WijkdataError(
            f"Geen toestemming om de map '{folder}' te maken voor de database '{shown_url(url)}'. "
            "Kies een map waarin u mag schrijven (met --db of WIJKDATA_DATA_DIR), of vraag de "
            "beheerder om schrijfrechten.") from None
    except OSError as error:
        raise WijkdataError(
            f"De map '{folder}' voor de database '{shown_url(url)}' kan niet gemaakt worden "
            f"({error.strerror or error}). Kies een andere plek met --db of "
            "WIJKDATA_DATA_DIR.") from None
    blocker = next((p for p in [folder, *folder.parents] if p.exists() and not p.is_dir()),
                   folder)
    raise WijkdataError(
        f"De database '{shown_url(url)}' kan niet gemaakt worden: '{blocker}' is een bestand, "
        "maar daar moet een map staan. Kies een ander pad voor de database, of verplaats dat "
        "bestand.")


URL_EXAMPLES = ("sqlite:///pad/naar/wijkdata.sqlite of "
                "postgresql://gebruiker:wachtwoord@server:5432/database")


def _normalise_url(url: str) -> str:
    # Hosting panels hand out 'postgres://' or 'postgresql://'; without a driver SQLAlchemy
    # would pick psycopg2, while the project installs psycopg 3.
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise WijkdataError(f"De database-URL '{_mask(url)}' is niet geldig. Schrijf hem als "
                            f"{URL_EXAMPLES}.") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql", "postgres"):
        # The store uses SQLite- and PostgreSQL-specific statements (upserts, locks).
        raise WijkdataError(
            f"De database-URL '{shown_url(url)}' noemt een onbekend soort database "
            f"('{parsed.drivername}'). Kleine wij's werkt met SQLite (een bestand) of "
            f"PostgreSQL (een server). Schrijf de URL als {URL_EXAMPLES}.")
    if parsed.drivername in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _mask(text: str) -> str:
    # An unparsable URL may still hold 'user:password@': never repeat the password.
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", text)


@dataclass(frozen=True)
class Versie:
    """One version of a dataset, without its payload. ``number`` counts 1, 2, 3 per dataset;
    ``created_at`` is in UTC; ``checksum`` is the sha256 of the source file's bytes."""

    id: int
    dataset_id: int
    kind: str
    name: str
    number: int
    source_filename: str
    rows: int
    checksum: str
    created_by: str
    created_at: datetime
    note: str
    active: bool
    source_kind: str | None = None     # see wijkdata.model.datasets; None for older versions
    # Initiative lists: the gemeente- and wijkcodes the list covers, as given on upload;
    # None when not given (then the gemeenten of its initiatives count).
    dekking: tuple[str, ...] | None = None


class Store:
    """Dataset versions in the database at ``url`` (see :func:`database_url`)."""

    # Retries of a whole write transaction after a lost race (unique constraint, deadlock,
    # serialisation failure, SQLite busy); each retry starts from scratch, so nothing is
    # half-written.
    RETRIES = 8

    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        self._sqlite = sa.make_url(self.url).get_backend_name() == "sqlite"
        try:
            if self._sqlite:
                self.engine = sa.create_engine(self.url)
                event.listen(self.engine, "connect", _sqlite_on_connect)
                event.listen(self.engine, "begin", _sqlite_on_begin)
            else:
                query = sa.make_url(self.url).query
                # A server that does not answer must not hang a page or a scheduled job.
                connect_args = {} if "connect_timeout" in query else {
                    "connect_timeout": CONNECT_TIMEOUT}
                self.engine = sa.create_engine(self.url, pool_pre_ping=True,
                                               connect_args=connect_args)
        except (ImportError, sa.exc.NoSuchModuleError):
            driver = sa.make_url(self.url).drivername
            raise WijkdataError(
                f"De database-URL '{shown_url(self.url)}' vraagt om het stuurprogramma "
                f"'{driver}', en dat is niet geïnstalleerd. Schrijf de URL als "
                f"{URL_EXAMPLES}.") from None
        with self._translated_errors():
            self._create_tables()

    def __repr__(self) -> str:
        return f"Store({sa.make_url(self.url).render_as_string(hide_password=True)!r})"

    def dispose(self) -> None:
        """Close the pooled connections (the store stays usable; it reconnects on demand)."""
        self.engine.dispose()

    def _create_tables(self) -> None:
        names = {t.name for t in metadata.sorted_tables}
        inspector = sa.inspect(self.engine)
        if names <= set(inspector.get_table_names()) and not _missing_columns(inspector):
            return
        for attempt in range(self.RETRIES):
            try:
                with self._write() as conn:
                    if not self._sqlite:
                        # Two processes starting at once would both see the tables missing
                        # and collide on CREATE TABLE; the lock makes the second one wait and
                        # then find them (create_all checks first).
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": 0x77696A6B})
                    metadata.create_all(conn, checkfirst=True)
                    # Databases made by an older release lack newer columns: add them (under
                    # the same lock, and on SQLite under BEGIN IMMEDIATE, so only once).
                    for table, column, sql_type in _missing_columns(sa.inspect(conn)):
                        conn.execute(sa.text(
                            f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
                return
            except DBAPIError as error:
                if attempt == self.RETRIES - 1 or not _is_retryable_at_start(error):
                    raise
                _pause(attempt)

    def _translated_errors(self):
        """``with`` block: a database that cannot be opened or reached becomes a Dutch
        WijkdataError naming the URL (without password) and what to do."""
        return _TranslatedErrors(self.url)

    def _write(self):
        """A connection in a write transaction (on SQLite: BEGIN IMMEDIATE, see below)."""
        return _WriteTransaction(self.engine)

    def publish(self, kind: str, name: str, frame: pd.DataFrame, *, source_filename: str,
                checksum: str, created_by: str = "", note: str = "",
                source_kind: str | None = None,
                dekking: Iterable[str] | None = None) -> Versie:
        """Store ``frame`` as a new version of dataset (kind, name) and make it active.

        ``source_kind`` says what the file is (see :mod:`wijkdata.model.datasets`);
        ``dekking`` (initiatieven only) the gemeente- and wijkcodes the list covers, checked
        by :func:`wijkdata.compute.witte_vlekken.parse_dekking` before. All in one
        transaction: when anything fails, nothing is stored.
        """
        nieuw = _prepare(kind, name, frame, source_filename=source_filename,
                         checksum=checksum, created_by=created_by, note=note,
                         source_kind=source_kind, dekking=dekking)
        return self.run_write(lambda conn: self._insert_version(conn, nieuw))

    def publish_together(self, items: list[dict]) -> list[Versie]:
        """Several new versions in ONE transaction: all of them are stored and made active,
        or none (a bad item, a full disk or a lost connection leaves the store as it was).

        Each item holds the keyword arguments of :meth:`publish` (``kind``, ``name``,
        ``frame``, ``source_filename``, ``checksum``, ``created_by``, ``note``,
        ``source_kind``, ``dekking``). Returns the versions in the order of ``items``.
        """
        prepared = [_prepare(**item) for item in items]   # every check before writing
        if not prepared:
            return []

        def insert_all(conn) -> list[Versie]:
            # Lock the datasets in one fixed order, so two processes publishing the same
            # datasets together queue instead of deadlocking.
            for kind, name in sorted({(p.kind, p.name) for p in prepared}):
                if self.lock_dataset(conn, kind, name) is None:
                    raise _Retry()
            return [self._insert_version(conn, p) for p in prepared]

        return self.run_write(insert_all)

    def run_write(self, action: Callable[[sa.Connection], T]) -> T:
        """Run ``action(conn)`` in one write transaction and return its result.

        After a lost race (unique constraint, deadlock, serialisation failure, SQLite busy)
        the whole action runs again from the start, so it must do all its reading and
        writing through ``conn``. Any exception rolls everything back: nothing is stored.
        Other modules (wijkdata.meldingen) use this to change their own tables and publish
        a version (:meth:`publish_in`) in the same transaction.
        """
        with self._translated_errors():
            for attempt in range(self.RETRIES):
                try:
                    with self._write() as conn:
                        return action(conn)
                except (_Retry, DBAPIError) as error:
                    if not isinstance(error, _Retry) and not _is_transient(error):
                        raise
                    if attempt == self.RETRIES - 1:
                        raise
                    _pause(attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self):
        """``with`` block: a connection for reading (errors of an unreachable database as
        Dutch messages), for modules with their own tables (wijkdata.meldingen)."""
        with self._translated_errors(), self.engine.connect() as conn:
            yield conn

    def one_at_a_time(self, conn, key: int) -> None:
        """Inside :meth:`run_write`: let only one transaction at a time past this point for
        ``key`` (PostgreSQL: an advisory lock held until the transaction ends; SQLite:
        BEGIN IMMEDIATE already admits one writer at a time). For a count-then-insert that
        every app process must see in order, such as a rate limit."""
        if not self._sqlite:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(key)})

    def publish_in(self, conn, kind: str, name: str, frame: pd.DataFrame, *,
                   source_filename: str, checksum: str, created_by: str = "", note: str = "",
                   source_kind: str | None = None,
                   dekking: Iterable[str] | None = None) -> Versie:
        """:meth:`publish` inside the write transaction ``conn`` of :meth:`run_write`."""
        nieuw = _prepare(kind, name, frame, source_filename=source_filename,
                         checksum=checksum, created_by=created_by, note=note,
                         source_kind=source_kind, dekking=dekking)
        return self._insert_version(conn, nieuw)

    def lock_dataset(self, conn, kind: str, name: str) -> int | None:
        """Inside :meth:`run_write`: create dataset (kind, name) when missing and lock it
        until the transaction ends (PostgreSQL: FOR UPDATE; SQLite: the whole database is
        locked already). Read its active frame (:meth:`active_frame_in`) only after this,
        or a concurrent publisher's version could be overwritten. None when the dataset was
        deleted meanwhile (raise to start the transaction again)."""
        return self._lock_or_create_dataset(conn, kind, name)

    def active_frame_in(self, conn, kind: str, name: str) -> tuple[Versie | None,
                                                                  pd.DataFrame | None]:
        """The active version of dataset (kind, name) and its frame, read through ``conn``;
        (None, None) when there is no such dataset or it has no active version."""
        version_id = conn.execute(
            sa.select(datasets.c.active_version_id)
            .where(datasets.c.kind == kind, datasets.c.name == name)
        ).scalar_one_or_none()
        if version_id is None:
            return None, None
        row = conn.execute(sa.select(payloads.c.format, payloads.c.data)
                           .where(payloads.c.version_id == version_id)).first()
        if row is None:
            return None, None
        return self._version(version_id, conn), _deserialise(bytes(row.data), row.format)

    def _insert_version(self, conn, nieuw: _Nieuw) -> Versie:
        dataset_id = self._lock_or_create_dataset(conn, nieuw.kind, nieuw.name)
        if dataset_id is None:
            # The dataset was deleted between creating and locking it; start over.
            raise _Retry()
        number = conn.execute(
            datasets.update().where(datasets.c.id == dataset_id)
            .values(last_number=datasets.c.last_number + 1)
            .returning(datasets.c.last_number)
        ).scalar_one()
        row = dict(nieuw.row, created_at=datetime.now(UTC))
        version_id = conn.execute(
            versions_table.insert()
            .values(dataset_id=dataset_id, number=number, **row)
            .returning(versions_table.c.id)
        ).scalar_one()
        self._insert_payload(conn, version_id, nieuw.data, nieuw.fmt)
        conn.execute(datasets.update().where(datasets.c.id == dataset_id)
                     .values(active_version_id=version_id))
        return self._version(version_id, conn)

    def _insert_payload(self, conn, version_id: int, data: bytes, fmt: str) -> None:
        conn.execute(payloads.insert().values(version_id=version_id, format=fmt, data=data))

    def _lock_or_create_dataset(self, conn, kind: str, name: str) -> int | None:
        # Insert-if-missing that tolerates a race: a concurrent insert of the same (kind, name)
        # waits for the other transaction and then does nothing. FOR UPDATE then serialises
        # publishers of one dataset, so version numbers never collide (on SQLite the whole
        # database is already locked by BEGIN IMMEDIATE, and FOR UPDATE is left out).
        if self._sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        conn.execute(insert(datasets).values(kind=kind, name=name)
                     .on_conflict_do_nothing(index_elements=["kind", "name"]))
        return conn.execute(
            sa.select(datasets.c.id)
            .where(datasets.c.kind == kind, datasets.c.name == name)
            .with_for_update()
        ).scalar_one_or_none()

    def _select_versions(self):
        return (
            sa.select(
                versions_table.c.id, versions_table.c.dataset_id, datasets.c.kind,
                datasets.c.name, versions_table.c.number, versions_table.c.source_filename,
                versions_table.c.rows, versions_table.c.checksum, versions_table.c.created_by,
                versions_table.c.created_at, versions_table.c.note,
                versions_table.c.source_kind, versions_table.c.dekking,
                (versions_table.c.id == datasets.c.active_version_id).label("active"),
            )
            .join(datasets, datasets.c.id == versions_table.c.dataset_id)
        )

    def versions(self, kind: str | None = None) -> list[Versie]:
        """All versions, grouped per dataset (by kind, then name), newest first per dataset."""
        query = self._select_versions().order_by(
            datasets.c.kind, datasets.c.name, versions_table.c.number.desc())
        if kind is not None:
            query = query.where(datasets.c.kind == kind)
        with self._translated_errors(), self.engine.connect() as conn:
            return [_versie(r) for r in conn.execute(query)]

    def active_versions(self) -> list[Versie]:
        """The active version of each dataset, by kind, then name."""
        query = (self._select_versions()
                 .where(versions_table.c.id == datasets.c.active_version_id)
                 .order_by(datasets.c.kind, datasets.c.name))
        with self._translated_errors(), self.engine.connect() as conn:
            return [_versie(r) for r in conn.execute(query)]

    def _version(self, version_id: int, conn=None) -> Versie:
        query = self._select_versions().where(versions_table.c.id == version_id)
        if conn is None:
            with self._translated_errors(), self.engine.connect() as own:
                row = own.execute(query).first()
        else:
            row = conn.execute(query).first()
        if row is None:
            raise WijkdataError(f"Versie {version_id} bestaat niet (meer).")
        return _versie(row)

    def version(self, version_id: int) -> Versie:
        """Metadata of one version; WijkdataError when it does not exist."""
        return self._version(version_id)

    def load(self, version_id: int) -> pd.DataFrame:
        """The frame of a version, as published (a GeoDataFrame keeps geometry and CRS)."""
        with self._translated_errors(), self.engine.connect() as conn:
            row = conn.execute(
                sa.select(payloads.c.format, payloads.c.data)
                .where(payloads.c.version_id == version_id)
            ).first()
        if row is None:
            raise WijkdataError(f"Versie {version_id} bestaat niet (meer).")
        return _deserialise(bytes(row.data), row.format)

    def rollback(self, version_id: int) -> Versie:
        """Make version ``version_id`` the active version of its dataset."""
        with self._translated_errors(), self._write() as conn:
            dataset_id = self._lock_dataset_of(conn, version_id)
            conn.execute(datasets.update().where(datasets.c.id == dataset_id)
                         .values(active_version_id=version_id))
        return self._version(version_id)

    def delete_version(self, version_id: int) -> None:
        """Delete one version. When it was active, the newest remaining version becomes active;
        when it was the last one, the dataset itself is removed."""
        with self._translated_errors(), self._write() as conn:
            dataset_id = self._lock_dataset_of(conn, version_id)
            conn.execute(payloads.delete().where(payloads.c.version_id == version_id))
            conn.execute(versions_table.delete().where(versions_table.c.id == version_id))
            newest = conn.execute(
                sa.select(versions_table.c.id)
                .where(versions_table.c.dataset_id == dataset_id)
                .order_by(versions_table.c.number.desc()).limit(1)
            ).scalar_one_or_none()
            if newest is None:
                conn.execute(datasets.delete().where(datasets.c.id == dataset_id))
                return
            active = conn.execute(sa.select(datasets.c.active_version_id)
                                  .where(datasets.c.id == dataset_id)).scalar_one()
            if active == version_id or active is None:
                conn.execute(datasets.update().where(datasets.c.id == dataset_id)
                             .values(active_version_id=newest))

    def _lock_dataset_of(self, conn, version_id: int) -> int:
        dataset_id = conn.execute(
            sa.select(versions_table.c.dataset_id).where(versions_table.c.id == version_id)
        ).scalar_one_or_none()
        if dataset_id is not None:
            conn.execute(sa.select(datasets.c.id).where(datasets.c.id == dataset_id)
                         .with_for_update())
            # Re-read under the lock: another process may have deleted the version meanwhile.
            still_there = conn.execute(
                sa.select(versions_table.c.id).where(versions_table.c.id == version_id)
            ).scalar_one_or_none()
            if still_there is not None:
                return dataset_id
        raise WijkdataError(f"Versie {version_id} bestaat niet (meer).")

    def set_source_kind(self, version_id: int, source_kind: str) -> None:
        """Record what a version's file is, for versions stored before that was kept (the
        rest of a version never changes)."""
        with self._translated_errors(), self._write() as conn:
            conn.execute(versions_table.update()
                         .where(versions_table.c.id == version_id,
                                versions_table.c.source_kind.is_(None))
                         .values(source_kind=source_kind))

    def has_data(self) -> bool:
        """True when there is at least one dataset (the demo shows only while this is False)."""
        with self._translated_errors(), self.engine.connect() as conn:
            return conn.execute(sa.select(datasets.c.id).limit(1)).first() is not None

    def state_key(self) -> tuple:
        """Sorted ids of the active versions: a cheap cache key for the active data. It changes
        on every publish, rollback and delete of an active version (ids are never reused);
        deleting an inactive version leaves the active data, and so the key, unchanged."""
        with self._translated_errors(), self.engine.connect() as conn:
            ids = conn.execute(
                sa.select(datasets.c.active_version_id)
                .where(datasets.c.active_version_id.is_not(None))
                .order_by(datasets.c.active_version_id)
            ).scalars()
            return tuple(int(i) for i in ids)


class _Retry(Exception):
    pass


# Raised inside Store.run_write's action to run the whole transaction again (a lost race,
# such as a dataset deleted between creating and locking it).
Retry = _Retry


@dataclass(frozen=True)
class _Nieuw:
    """A checked, serialised version waiting to be inserted."""

    kind: str
    name: str
    data: bytes
    fmt: str
    row: dict


def _prepare(kind: str, name: str, frame: pd.DataFrame, *, source_filename: str,
             checksum: str, created_by: str = "", note: str = "",
             source_kind: str | None = None,
             dekking: Iterable[str] | None = None) -> _Nieuw:
    """Check and serialise one version before any transaction starts (see Store.publish)."""
    problems = []
    if kind not in KINDS:
        problems.append(f"Onbekende soort gegevens '{kind}'. Kies uit: {', '.join(KINDS)}.")
    name = "" if name is None else str(name).strip()
    if not name:
        problems.append("Geef de gegevensset een naam; de naam is nu leeg.")
    elif len(name) > NAME_MAX:
        problems.append(f"De naam is te lang ({len(name)} tekens); "
                        f"gebruik er hoogstens {NAME_MAX}.")
    if not isinstance(frame, pd.DataFrame):
        problems.append("Er is geen tabel om op te slaan.")
    elif len(frame) == 0:
        problems.append("De tabel is leeg: er zijn geen rijen om op te slaan.")
    dekking = None if dekking is None else tuple(dict.fromkeys(
        str(c).strip() for c in dekking if str(c).strip()))
    if dekking is not None and kind != "initiatieven":
        problems.append("Een dekking hoort alleen bij een lijst met initiatieven.")
    elif dekking is not None and (not dekking or any("," in c for c in dekking)):
        problems.append("De dekking is leeg of bevat een ongeldige code.")
    if problems:
        raise WijkdataError("De gegevens zijn niet opgeslagen.",
                            [Probleem(p) for p in problems])
    data, fmt = _serialise(frame)
    row = {
        "source_filename": source_filename or "",
        "rows": int(len(frame)),
        "checksum": checksum or "",
        "created_by": created_by or "",
        "note": note or "",
        "source_kind": source_kind or None,
        "dekking": ",".join(dekking) if dekking else None,
    }
    return _Nieuw(kind, name, data, fmt, row)


# Columns added after the first release: (table, column, SQL type), added when missing.
ADDED_COLUMNS = [("wijkdata_versions", "source_kind", "VARCHAR(32)"),
                 ("wijkdata_versions", "dekking", "TEXT")]


def _missing_columns(inspector) -> list[tuple[str, str, str]]:
    tables = set(inspector.get_table_names())
    missing = []
    for table, column, sql_type in ADDED_COLUMNS:
        if table in tables and column not in {c["name"] for c in inspector.get_columns(table)}:
            missing.append((table, column, sql_type))
    return missing


def _is_retryable_at_start(error: DBAPIError) -> bool:
    # Creating tables races with another process (duplicate table or column, busy file);
    # a database that cannot be opened at all is not worth retrying.
    text = str(error.orig).lower()
    return _is_transient(error) or "already exists" in text or "duplicate column" in text


class _TranslatedErrors:
    """See :meth:`Store._translated_errors`."""

    def __init__(self, url: str):
        self.url = url

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or not isinstance(exc, DBAPIError):
            return False
        translated = open_error(self.url, exc)
        if translated is None:
            return False
        raise translated from None


def open_error(url: str, error: DBAPIError) -> WijkdataError | None:
    """A Dutch error for a database that cannot be opened, reached or written; None for other
    errors (bugs, lost races), which are not the user's to fix."""
    if isinstance(error, (IntegrityError, sa.exc.DataError)):
        return None
    detail = str(getattr(error, "orig", error))
    text = detail.lower()
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if isinstance(error, sa.exc.ProgrammingError) and code != "42501":
        return None
    logging.getLogger(__name__).info("database %s: %s", shown_url(url), detail)
    shown = shown_url(url)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_error(shown, Path(parsed.database or "").expanduser(), text)
    if code == "42501" or "permission denied" in text:
        return WijkdataError(
            f"De database '{shown}' staat niet toe dat Kleine wij's zijn tabellen maakt of "
            "bijwerkt (geen toestemming). Vraag de beheerder van de server om rechten op de "
            "database, of gebruik een andere gebruiker in de URL.")
    if "password" in text or "authentication" in text or ("role" in text
                                                          and "does not exist" in text):
        return WijkdataError(
            f"De databaseserver van '{shown}' weigert de aanmelding. Controleer de "
            "gebruikersnaam en het wachtwoord in de URL.")
    if "database" in text and "does not exist" in text:
        return WijkdataError(
            f"De database '{parsed.database}' bestaat niet op de server van '{shown}'. "
            "Controleer de naam in de URL, of laat de beheerder de database aanmaken.")
    if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return WijkdataError(
            f"De databaseserver van '{shown}' is niet bereikbaar. Controleer of de server "
            "draait en of de naam van de server en de poort in de URL kloppen; probeer het "
            "daarna opnieuw.")
    return WijkdataError(
        f"De database '{shown}' kan niet gebruikt worden. Controleer de URL en of de server "
        "draait.")


def _sqlite_error(shown: str, path: Path, text: str) -> WijkdataError:
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return WijkdataError(
            f"'{path}' is geen database van Kleine wij's: het bestand bestaat, maar het is geen "
            "SQLite-database (of het is beschadigd). Kies met --db of WIJKDATA_DATA_DIR een "
            "ander bestand, of verplaats dit bestand.")
    if path.is_dir():
        return WijkdataError(
            f"De database '{shown}' wijst naar een map ('{path}'), niet naar een bestand. "
            f"Geef de naam van een databasebestand in die map, bijvoorbeeld "
            f"sqlite:///{path / DATABASE_FILENAME}.")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        return WijkdataError(
            f"De database '{shown}' kan niet gemaakt worden: '{blocker}' is een bestand, maar "
            "daar moet een map staan. Kies een ander pad voor de database, of verplaats dat "
            "bestand.")
    if "readonly" in text or "read-only" in text or "unable to open" in text \
            or "permission" in text or "access" in text:
        return WijkdataError(
            f"Geen toestemming om de database '{shown}' te openen of te schrijven. Kies een "
            "map waarin u mag schrijven (met --db of WIJKDATA_DATA_DIR), of vraag de beheerder "
            "om schrijfrechten op het bestand en de map.")
    if "locked" in text or "busy" in text:
        return WijkdataError(
            f"De database '{shown}' is bezet door een ander programma. Probeer het over een "
            "minuut opnieuw.")
    return WijkdataError(
        f"De database '{shown}' kan niet gebruikt worden. Controleer het pad en of de schijf "
        "vol of alleen-lezen is.")


class _WriteTransaction:
    """``with`` block: a connection in a transaction marked as a write (commit or rollback)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def __enter__(self):
        self.conn = self.engine.connect().execution_options(wijkdata_write=True)
        self.transaction = self.conn.begin()
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.transaction.commit()
            else:
                self.transaction.rollback()
        finally:
            self.conn.close()
        return False


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    # Take transaction control from the sqlite3 module so BEGIN is emitted by us (below);
    # WAL lets readers go on while one process writes; busy_timeout makes a second writer wait
    # instead of failing at once.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL is stored in the file, so it is set once. Switching needs an exclusive lock that
    # SQLite does not wait for, so processes opening a new file together retry briefly.
    for attempt in range(50):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error).lower() or attempt == 49:
                raise
            time.sleep(0.02 + 0.02 * random.random())
    cursor.close()


def _sqlite_on_begin(conn) -> None:
    # A write starts with BEGIN IMMEDIATE: it takes the write lock up front, so two writers
    # queue on busy_timeout rather than deadlocking when both try to upgrade a read lock.
    if conn.get_execution_options().get("wijkdata_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _is_transient(error: DBAPIError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in ("40001", "40P01"):  # serialization_failure, deadlock_detected
        return True
    return "database is locked" in str(error.orig).lower()


def _pause(attempt: int) -> None:
    time.sleep(min(0.5, 0.01 * 2 ** attempt) * (0.5 + random.random()))


def _is_geo(frame: pd.DataFrame) -> bool:
    try:
        import geopandas as gpd
    except ImportError:
        return False
    return isinstance(frame, gpd.GeoDataFrame)


def _serialise(frame: pd.DataFrame) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    try:
        frame.to_parquet(buffer)
        fmt = "geoparquet" if _is_geo(frame) else "parquet"
    except Exception as error:  # pyarrow raises several unrelated types for odd cell values
        raise WijkdataError(
            "De gegevens zijn niet opgeslagen: de tabel bevat waarden die niet bewaard kunnen "
            f"worden ({type(error).__name__}: {error})."
        ) from error
    return buffer.getvalue(), fmt


def _deserialise(data: bytes, fmt: str) -> pd.DataFrame:
    if fmt == "geoparquet":
        import geopandas as gpd

        return gpd.read_parquet(io.BytesIO(data))
    return pd.read_parquet(io.BytesIO(data))


def _versie(row) -> Versie:
    created_at = row.created_at
    if created_at.tzinfo is None:
        # SQLite keeps no time zone; the store writes UTC.
        created_at = created_at.replace(tzinfo=UTC)
    else:
        created_at = created_at.astimezone(UTC)
    return Versie(
        id=int(row.id), dataset_id=int(row.dataset_id), kind=row.kind, name=row.name,
        number=int(row.number), source_filename=row.source_filename, rows=int(row.rows),
        checksum=row.checksum, created_by=row.created_by, created_at=created_at,
        note=row.note, active=bool(row.active), source_kind=row.source_kind,
        dekking=tuple(row.dekking.split(",")) if row.dekking else None,
    )
