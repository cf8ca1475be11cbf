"""Tests for wijkdata.store, on SQLite and on a real PostgreSQL (fixture ``store_url``)."""
from __future__ import annotations

import hashlib
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from shapely.geometry import Polygon

from tests import pg as pg_module
from wijkdata import store as store_module
from wijkdata.errors import WijkdataError
from wijkdata.store import DEFAULT_DB_DIR, Store, Versie, database_url


def plain_frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({
        "gebiedcode": [f"BU0363{i:04d}" for i in range(n)],
        "waarde": [1.5, np.nan, -2.0][:n] + [0.0] * max(0, n - 3),
        "aantal": list(range(n)),
    })


def geo_frame() -> gpd.GeoDataFrame:
    squares = [Polygon([(x, 0), (x + 100, 0), (x + 100, 100), (x, 100)]) for x in (0, 100)]
    return gpd.GeoDataFrame(
        {"buurtcode": ["BU03630000", "BU03630001"], "buurtnaam": ["Oost", "West"]},
        geometry=squares, crs="EPSG:28992",
    )


def publish(store: Store, name: str = "Amsterdam 2024", kind: str = "indicatoren",
            frame: pd.DataFrame | None = None, **kwargs) -> Versie:
    frame = plain_frame() if frame is None else frame
    kwargs.setdefault("source_filename", "bron.csv")
    kwargs.setdefault("checksum", hashlib.sha256(b"bron").hexdigest())
    return store.publish(kind, name, frame, **kwargs)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def test_empty_store(store):
    assert store.versions() == []
    assert store.active_versions() == []
    assert store.has_data() is False
    assert store.state_key() == ()


def test_plain_frame_round_trip(store):
    frame = plain_frame()
    before = datetime.now(UTC)
    v = publish(store, created_by="ambtenaar@gemeente.nl", note="eerste levering")
    assert (v.kind, v.name, v.number, v.rows, v.active) == ("indicatoren", "Amsterdam 2024",
                                                             1, 3, True)
    assert v.source_filename == "bron.csv"
    assert v.checksum == hashlib.sha256(b"bron").hexdigest()
    assert (v.created_by, v.note) == ("ambtenaar@gemeente.nl", "eerste levering")
    assert v.created_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= v.created_at <= datetime.now(UTC) + timedelta(seconds=5)
    loaded = store.load(v.id)
    assert not isinstance(loaded, gpd.GeoDataFrame)
    pd.testing.assert_frame_equal(loaded, frame)
    assert np.isnan(loaded["waarde"].iloc[1])  # a missing value stays missing, never 0
    assert store.has_data() is True


def test_geo_frame_round_trip_keeps_crs_and_geometry(store):
    frame = geo_frame()
    v = publish(store, kind="buurten", name="Buurten 2024", frame=frame)
    loaded = store.load(v.id)
    assert isinstance(loaded, gpd.GeoDataFrame)
    assert loaded.crs.to_epsg() == 28992
    assert loaded.geometry.geom_equals(frame.geometry).all()
    assert list(loaded["buurtcode"]) == ["BU03630000", "BU03630001"]
    assert loaded.geometry.area.tolist() == [10000.0, 10000.0]


def test_second_publish_adds_active_version_2(store):
    v1 = publish(store, frame=plain_frame(1))
    v2 = publish(store, frame=plain_frame(2))
    assert (v1.number, v2.number) == (1, 2)
    assert v1.dataset_id == v2.dataset_id
    listed = store.versions()
    assert [(v.number, v.active) for v in listed] == [(2, True), (1, False)]
    assert [v.id for v in store.active_versions()] == [v2.id]
    assert len(store.load(v2.id)) == 2 and len(store.load(v1.id)) == 1


def test_names_and_kinds_are_separate_datasets(store):
    a = publish(store, name="A")
    b = publish(store, name="B")
    c = publish(store, name="A", kind="initiatieven")
    assert {v.number for v in (a, b, c)} == {1}
    assert len({a.dataset_id, b.dataset_id, c.dataset_id}) == 3
    assert [v.id for v in store.versions(kind="initiatieven")] == [c.id]
    assert sorted(v.id for v in store.active_versions()) == sorted([a.id, b.id, c.id])
    assert store.state_key() == tuple(sorted([a.id, b.id, c.id]))


def test_name_is_stripped_so_it_matches_the_same_dataset(store):
    v1 = publish(store, name="Buurten")
    v2 = publish(store, name="  Buurten ")
    assert v2.dataset_id == v1.dataset_id and v2.number == 2


def test_rollback_makes_older_version_active(store):
    v1 = publish(store)
    v2 = publish(store)
    key_before = store.state_key()
    assert key_before == (v2.id,)
    back = store.rollback(v1.id)
    assert back.id == v1.id and back.active is True
    assert [v.id for v in store.active_versions()] == [v1.id]
    assert store.state_key() == (v1.id,) != key_before
    assert [(v.number, v.active) for v in store.versions()] == [(2, False), (1, True)]
    # A new import becomes active again, above the rolled-back one.
    v3 = publish(store)
    assert v3.number == 3 and store.state_key() == (v3.id,)


def test_delete_active_makes_newest_remaining_active(store):
    v1 = publish(store)
    publish(store)
    v3 = publish(store)
    store.rollback(v1.id)
    store.delete_version(v1.id)
    assert [(v.number, v.active) for v in store.versions()] == [(3, True), (2, False)]
    assert store.state_key() == (v3.id,)
    with pytest.raises(WijkdataError, match="bestaat niet"):
        store.load(v1.id)


def test_delete_inactive_keeps_active(store):
    v1 = publish(store)
    v2 = publish(store)
    store.delete_version(v1.id)
    assert [(v.id, v.active) for v in store.versions()] == [(v2.id, True)]


def test_delete_newest_does_not_reuse_its_number(store):
    v1 = publish(store)
    v2 = publish(store)
    store.delete_version(v2.id)
    assert store.state_key() == (v1.id,)
    v3 = publish(store)
    assert v3.number == 3  # "versie 2" keeps meaning the deleted import in notes and logs
    assert [v.number for v in store.versions()] == [3, 1]


def test_delete_last_version_removes_dataset(store):
    v1 = publish(store)
    store.delete_version(v1.id)
    assert store.versions() == [] and store.has_data() is False and store.state_key() == ()
    # The name can be used again and starts at version 1, with a fresh id.
    again = publish(store)
    assert again.number == 1 and again.id != v1.id


@pytest.mark.parametrize("operation", ["rollback", "delete_version", "load"])
def test_unknown_version_gives_dutch_error(store, operation):
    publish(store)
    with pytest.raises(WijkdataError, match="Versie 999 bestaat niet"):
        getattr(store, operation)(999)


@pytest.mark.parametrize("kind, name, frame, fragment", [
    ("wijken", "A", plain_frame(), "Onbekende soort gegevens 'wijken'"),
    ("buurten", "", plain_frame(), "de naam is nu leeg"),
    ("buurten", "   ", plain_frame(), "de naam is nu leeg"),
    ("buurten", "x" * 201, plain_frame(), "De naam is te lang (201 tekens)"),
    ("buurten", "A", plain_frame().iloc[0:0], "De tabel is leeg"),
    ("buurten", "A", None, "geen tabel"),
])
def test_bad_publish_gives_dutch_error_and_stores_nothing(store, kind, name, frame, fragment):
    with pytest.raises(WijkdataError, match="niet opgeslagen") as info:
        store.publish(kind, name, frame, source_filename="x.csv", checksum="0")
    assert fragment in str(info.value)
    assert store.versions() == [] and store.has_data() is False


def test_failure_mid_transaction_leaves_store_as_it_was(store, monkeypatch):
    v1 = publish(store)
    before = (store.versions(), store.active_versions(), store.has_data(), store.state_key())

    def broken_insert(self, conn, version_id, data, fmt):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(Store, "_insert_payload", broken_insert)
    with pytest.raises(RuntimeError, match="schijf vol"):
        publish(store)  # version row already inserted when the payload insert fails
    with pytest.raises(RuntimeError):
        publish(store, name="Nieuwe set")  # a new dataset row would be inserted as well
    after = (store.versions(), store.active_versions(), store.has_data(), store.state_key())
    assert after == before
    monkeypatch.undo()
    v2 = publish(store)
    assert v2.number == 2 and v1.number == 1


def test_unserialisable_frame_gives_dutch_error_and_stores_nothing(store):
    frame = pd.DataFrame({"a": [1, 2], "b": [{"x": 1}, [1, 2]]})  # mixed dict/list cells
    with pytest.raises(WijkdataError, match="niet opgeslagen"):
        publish(store, frame=frame)
    assert store.versions() == [] and store.has_data() is False


def test_listing_does_not_read_payloads(store, monkeypatch):
    publish(store)
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *a: statements.append(statement))
    store.versions()
    store.active_versions()
    store.state_key()
    store.has_data()
    assert statements and not any("wijkdata_payloads" in s for s in statements)


def test_tables_are_created_once_and_reopened(store_url):
    first = Store(store_url)
    v = publish(first)
    first.dispose()
    second = Store(store_url)
    assert [x.id for x in second.versions()] == [v.id]
    second.dispose()


def test_concurrent_publishes_get_distinct_numbers(store_url):
    Store(store_url).dispose()  # tables exist before the race on the version numbers
    threads_n, per_thread = 2, 5
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def worker(i: int) -> None:
        own = Store(store_url)  # its own engine, like a second app process
        try:
            start.wait()
            for j in range(per_thread):
                publish(own, frame=plain_frame(1), note=f"{i}-{j}")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    s = Store(store_url)
    listed = s.versions()
    assert sorted(v.number for v in listed) == list(range(1, threads_n * per_thread + 1))
    assert len({v.dataset_id for v in listed}) == 1
    assert sorted(v.note for v in listed) == sorted(f"{i}-{j}" for i in range(threads_n)
                                                     for j in range(per_thread))
    assert [v.number for v in s.active_versions()] == [threads_n * per_thread]
    assert all(len(s.load(v.id)) == 1 for v in listed)
    s.dispose()


def test_concurrent_first_start_creates_tables_once(store_url):
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def worker() -> None:
        try:
            start.wait()
            Store(store_url).dispose()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert Store(store_url).versions() == []


class TestDatabaseUrl:
    @pytest.fixture(autouse=True)
    def clean_env(self, monkeypatch):
        monkeypatch.delenv("WIJKDATA_DATABASE_URL", raising=False)
        monkeypatch.delenv("WIJKDATA_DATA_DIR", raising=False)

    def test_explicit_wins(self, monkeypatch, tmp_path):
        monkeypatch.setenv("WIJKDATA_DATABASE_URL", "postgresql+psycopg://env@h/db")
        monkeypatch.setenv("WIJKDATA_DATA_DIR", str(tmp_path))
        explicit = f"sqlite:///{tmp_path / 'x' / 'eigen.sqlite'}"
        assert database_url(explicit) == explicit
        assert (tmp_path / "x").is_dir()  # the folder of an SQLite file is created

    def test_env_url_beats_data_dir(self, monkeypatch, tmp_path):
        monkeypatch.setenv("WIJKDATA_DATABASE_URL", "postgresql+psycopg://env@h/db")
        monkeypatch.setenv("WIJKDATA_DATA_DIR", str(tmp_path))
        assert database_url() == "postgresql+psycopg://env@h/db"
        assert database_url("") == "postgresql+psycopg://env@h/db"

    def test_data_dir_beats_default(self, monkeypatch, tmp_path):
        folder = tmp_path / "nieuw" / "data"
        monkeypatch.setenv("WIJKDATA_DATA_DIR", str(folder))
        assert database_url() == f"sqlite:///{folder.resolve() / 'wijkdata.sqlite'}"
        assert folder.is_dir()

    def test_default_is_data_folder_next_to_app(self, monkeypatch, tmp_path):
        assert DEFAULT_DB_DIR == Path(store_module.__file__).resolve().parent.parent / "data"
        # Point the default elsewhere so the test does not create data/ in the checkout.
        monkeypatch.setattr(store_module, "DEFAULT_DB_DIR", tmp_path / "data")
        assert database_url() == f"sqlite:///{tmp_path.resolve() / 'data' / 'wijkdata.sqlite'}"
        assert (tmp_path / "data").is_dir()

    @pytest.mark.parametrize("given", ["postgres://u:geheim@h:5432/db",
                                       "postgresql://u:geheim@h:5432/db"])
    def test_postgres_without_driver_uses_psycopg3(self, given):
        assert database_url(given) == "postgresql+psycopg://u:geheim@h:5432/db"

    def test_invalid_url_gives_dutch_error(self):
        with pytest.raises(WijkdataError, match="niet geldig"):
            database_url("geen url")

    def test_store_repr_hides_password(self, tmp_path):
        s = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
        assert "a.sqlite" in repr(s)
        s.dispose()
        assert "geheim" not in repr(type("X", (), {"url": "postgresql+psycopg://u:geheim@h/db",
                                                     "__repr__": Store.__repr__})())


# --- what each version's file is (source_kind), and databases from an older release ---------

def test_source_kind_is_kept_with_the_version(store):
    v = publish(store, source_kind="RIVM gezondheid")
    assert v.source_kind == "RIVM gezondheid"
    assert store.versions()[0].source_kind == "RIVM gezondheid"
    assert publish(store, name="Zonder").source_kind is None


def test_dekking_is_kept_with_an_initiative_version(store):
    lijst = pd.DataFrame({"naam": ["Koffie", "Wandelen"], "buurtcode": ["BU00340101", None]})
    v = publish(store, name="Almere", kind="initiatieven", frame=lijst,
                dekking=("WK003401", "WK003402", "WK003401"))
    assert v.dekking == ("WK003401", "WK003402")            # duplicates once, order kept
    assert store.version(v.id).dekking == ("WK003401", "WK003402")
    assert store.active_versions()[0].dekking == ("WK003401", "WK003402")
    zonder = publish(store, name="Almere", kind="initiatieven", frame=lijst)
    assert zonder.number == 2 and zonder.dekking is None    # not given: NULL, not ''
    store.rollback(v.id)
    assert store.active_versions()[0].dekking == ("WK003401", "WK003402")


@pytest.mark.parametrize("kind, dekking", [("indicatoren", ("GM0034",)),
                                           ("initiatieven", ()),
                                           ("initiatieven", ("GM0034,GM0363",))])
def test_a_dekking_that_cannot_be_stored_is_refused_and_nothing_is_stored(store, kind, dekking):
    with pytest.raises(WijkdataError) as raised:
        publish(store, kind=kind, dekking=dekking)
    assert "dekking" in str(raised.value.problems[0]).lower()
    assert store.versions() == []


def make_old_database(url: str) -> None:
    """The three tables as the first release made them (no source_kind), with one version."""
    engine = sa.create_engine(url)
    try:
        store_module.metadata.create_all(engine, tables=[
            store_module.datasets, store_module.versions_table, store_module.payloads])
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE wijkdata_versions DROP COLUMN source_kind"))
            conn.execute(sa.text("ALTER TABLE wijkdata_versions DROP COLUMN dekking"))
        data, fmt = store_module._serialise(plain_frame())
        with engine.begin() as conn:
            dataset_id = conn.execute(sa.text(
                "INSERT INTO wijkdata_datasets (kind, name, last_number) "
                "VALUES ('indicatoren', 'Oud', 1) RETURNING id")).scalar_one()
            version_id = conn.execute(sa.text(
                "INSERT INTO wijkdata_versions (dataset_id, number, source_filename, rows, "
                "checksum, created_by, created_at, note) VALUES (:d, 1, 'oud.csv', 3, '0', "
                "'iemand', :t, '') RETURNING id"),
                {"d": dataset_id, "t": datetime(2024, 5, 1, tzinfo=UTC)}).scalar_one()
            conn.execute(sa.text("UPDATE wijkdata_datasets SET active_version_id = :v"),
                         {"v": version_id})
            conn.execute(sa.text("INSERT INTO wijkdata_payloads (version_id, format, data) "
                                 "VALUES (:v, :f, :d)"), {"v": version_id, "f": fmt, "d": data})
    finally:
        engine.dispose()


def test_a_database_of_the_first_release_gets_the_new_column(store_url):
    make_old_database(store_url)
    store = Store(store_url)
    try:
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns("wijkdata_versions")}
        assert {"source_kind", "dekking"} <= columns
        (old,) = store.versions()
        assert (old.name, old.source_kind, old.active, old.dekking) == ("Oud", None, True, None)
        pd.testing.assert_frame_equal(store.load(old.id), plain_frame())
        store.set_source_kind(old.id, "CBS Kerncijfers")
        assert store.version(old.id).source_kind == "CBS Kerncijfers"
        store.set_source_kind(old.id, "RIVM gezondheid")   # only fills an empty one
        assert store.version(old.id).source_kind == "CBS Kerncijfers"
        new = publish(store, name="Oud", source_kind="CBS Kerncijfers")
        assert new.number == 2 and new.source_kind == "CBS Kerncijfers"
    finally:
        store.dispose()
    Store(store_url).dispose()                              # opening again changes nothing


def test_two_processes_upgrading_an_old_database_at_once(store_url):
    make_old_database(store_url)
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def worker() -> None:
        try:
            start.wait()
            Store(store_url).dispose()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert Store(store_url).versions()[0].source_kind is None


# --- a database that cannot be opened: a Dutch message, the URL without password -------------

def _not_writable_folder(tmp_path: Path) -> Path:
    """A folder this process may not create files in: a read-only folder, or (as root, who
    may write everywhere) a folder under /sys, which nobody may create."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/sys/wijkdata-test")
    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def bad_database(tmp_path: Path, case: str) -> str:
    if case == "not a database":
        (tmp_path / "notities.txt").write_text("boodschappen: melk, brood\n" * 100)
        return f"sqlite:///{tmp_path / 'notities.txt'}"
    if case == "folder instead of file":
        (tmp_path / "map").mkdir()
        return f"sqlite:///{tmp_path / 'map'}"
    if case == "file instead of folder":
        (tmp_path / "bestand").write_text("x")
        return f"sqlite:///{tmp_path / 'bestand' / 'sub' / 'wijkdata.sqlite'}"
    if case == "no permission":
        return f"sqlite:///{_not_writable_folder(tmp_path) / 'wijkdata.sqlite'}"
    if case == "unknown scheme":
        return "mysql://beheer:geheim@db.example/wijk"
    if case == "missing driver":
        return "postgresql+psycopg2://beheer:geheim@db.example/wijk"
    if case == "invalid":
        return "postgres:/kapot//beheer:geheim@db"
    if case == "server down":
        return f"postgresql://beheer:geheim@127.0.0.1:{pg_module.free_port()}/wijk"
    raise AssertionError(case)


@pytest.mark.parametrize("case, fragment", [
    ("not a database", "geen database van Kleine wij's"),
    ("folder instead of file", "wijst naar een map"),
    ("file instead of folder", "is een bestand, maar daar moet een map staan"),
    ("no permission", "Geen toestemming"),
    ("unknown scheme", "onbekend soort database ('mysql')"),
    ("missing driver", "niet geïnstalleerd"),
    ("invalid", "niet geldig"),
    ("server down", "is niet bereikbaar"),
])
def test_a_database_that_cannot_be_opened_gives_a_dutch_error(tmp_path, case, fragment):
    url = bad_database(tmp_path, case)
    with pytest.raises(WijkdataError) as info:
        Store(url)
    message = str(info.value)
    assert fragment in message
    assert "geheim" not in message
    assert "sqlite:///" in message or "://beheer:***@" in message or "'/" in message
    # and nothing was made where it should not be
    assert not (tmp_path / "bestand").is_dir()


@pytest.mark.postgres
def test_postgresql_login_and_database_problems_are_named(pg_url):
    server = sa.make_url(pg_url).set(drivername="postgresql+psycopg")
    with pytest.raises(WijkdataError, match="bestaat niet op de server") as info:
        Store(server.set(database="bestaat_niet_42").render_as_string(hide_password=False))
    assert "bestaat_niet_42" in str(info.value)
    with pytest.raises(WijkdataError, match="weigert de aanmelding") as info:
        Store(server.set(username="onbekende_rol", password="geheim")
              .render_as_string(hide_password=False))
    assert "geheim" not in str(info.value) and "onbekende_rol:***@" in str(info.value)


@pytest.mark.postgres
def test_a_database_that_disappears_while_open_gives_a_dutch_error(pg_url):
    server = sa.make_url(pg_url).set(drivername="postgresql+psycopg")
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql('CREATE DATABASE "wijkdata_verdwijnt"')
    store = Store(server.set(database="wijkdata_verdwijnt").render_as_string(hide_password=False))
    try:
        publish(store)
        with admin.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE "wijkdata_verdwijnt" WITH (FORCE)')
        with pytest.raises(WijkdataError, match="bestaat niet op de server"):
            store.versions()
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS "wijkdata_verdwijnt" WITH (FORCE)')
        admin.dispose()


# --- several versions in one transaction (publish_together, run_write) ----------------------

def together_item(name: str, kind: str = "indicatoren", frame=None, **kwargs) -> dict:
    return {"kind": kind, "name": name, "frame": plain_frame() if frame is None else frame,
            "source_filename": "bron.csv", "checksum": "0", **kwargs}


def test_publish_together_stores_every_version_active(store):
    old = publish(store, name="Initiatieven", kind="initiatieven")
    made = store.publish_together([
        together_item("Initiatieven", kind="initiatieven", dekking=["GM0363"],
                      source_kind="initiatieven", created_by="analist"),
        together_item("Amsterdam 2024", frame=plain_frame(2), note="samen"),
    ])
    assert [(v.kind, v.name, v.number, v.rows) for v in made] == [
        ("initiatieven", "Initiatieven", 2, 3), ("indicatoren", "Amsterdam 2024", 1, 2)]
    assert made[0].dekking == ("GM0363",) and made[0].created_by == "analist"
    assert made[1].note == "samen"
    assert sorted(v.id for v in store.active_versions()) == sorted(v.id for v in made)
    assert old.id not in store.state_key()
    assert len(store.load(made[1].id)) == 2


def test_publish_together_with_a_bad_item_stores_nothing(store):
    publish(store)
    before = (store.versions(), store.state_key())
    with pytest.raises(WijkdataError, match="niet opgeslagen") as info:
        store.publish_together([together_item("Nieuw"),
                                together_item("Leeg", frame=plain_frame(0))])
    assert "leeg" in str(info.value)
    assert (store.versions(), store.state_key()) == before


def test_publish_together_failing_mid_transaction_stores_nothing(store, monkeypatch):
    publish(store)
    before = (store.versions(), store.active_versions(), store.state_key())
    calls = []
    original = Store._insert_payload

    def second_fails(self, conn, version_id, data, fmt):
        calls.append(version_id)
        if len(calls) == 2:       # the first version and its payload are written by now
            raise RuntimeError("schijf vol")
        original(self, conn, version_id, data, fmt)

    monkeypatch.setattr(Store, "_insert_payload", second_fails)
    with pytest.raises(RuntimeError, match="schijf vol"):
        store.publish_together([together_item("Amsterdam 2024"), together_item("Nieuwe set")])
    assert len(calls) == 2
    assert (store.versions(), store.active_versions(), store.state_key()) == before
    monkeypatch.undo()
    made = store.publish_together([together_item("Amsterdam 2024"), together_item("Nieuw")])
    assert [v.number for v in made] == [2, 1]


def test_publish_together_of_nothing_stores_nothing(store):
    assert store.publish_together([]) == []
    assert store.versions() == []


def test_run_write_rolls_back_its_own_writes_with_a_failing_action(store):
    def action(conn):
        store.publish_in(conn, "indicatoren", "Binnen", plain_frame(), source_filename="x",
                         checksum="0")
        raise WijkdataError("Bewust mislukt.")

    with pytest.raises(WijkdataError, match="Bewust"):
        store.run_write(action)
    assert store.versions() == []


def test_active_frame_in_reads_through_the_transaction(store):
    v = publish(store, name="Lijst", kind="initiatieven")

    def action(conn):
        assert store.lock_dataset(conn, "initiatieven", "Lijst") == v.dataset_id
        versie, frame = store.active_frame_in(conn, "initiatieven", "Lijst")
        missing = store.active_frame_in(conn, "initiatieven", "Bestaat niet")
        return versie, frame, missing

    versie, frame, missing = store.run_write(action)
    assert versie == v and missing == (None, None)
    pd.testing.assert_frame_equal(frame, plain_frame())


def test_concurrent_publish_together_keeps_pairs_whole(store_url):
    # Two processes each publishing the same two datasets together, in opposite order: no
    # deadlock surfaces, and every pair gets consecutive numbers in both datasets.
    Store(store_url).dispose()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker(i: int) -> None:
        own = Store(store_url)
        try:
            start.wait()
            for j in range(4):
                names = ["A", "B"] if i == 0 else ["B", "A"]
                own.publish_together([together_item(n, frame=plain_frame(1), note=f"{i}-{j}")
                                      for n in names])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    s = Store(store_url)
    per_name = {n: {v.number: v.note for v in s.versions() if v.name == n} for n in "AB"}
    assert sorted(per_name["A"]) == list(range(1, 9))
    assert per_name["A"] == per_name["B"]   # published together: the same order in both
    active = {v.name: v.note for v in s.active_versions()}
    assert active["A"] == active["B"]
    s.dispose()


def test_a_database_without_the_meldingen_tables_gets_them(store_url):
    # Made by a release before issue 12: opening it adds the tables for reports.
    make_old_database(store_url)
    store = Store(store_url)
    try:
        tables = set(sa.inspect(store.engine).get_table_names())
        assert {"wijkdata_meldingen", "wijkdata_melding_acties"} <= tables
        assert [v.name for v in store.versions()] == ["Oud"]
    finally:
        store.dispose()
