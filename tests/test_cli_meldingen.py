"""The command line contract of issue 12, end to end in a subprocess:
``python -m wijkdata meldingen list|approve|reject``."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from tests.test_cli import run
from tests.test_meldingen import BUURT, invoer
from wijkdata.meldingen import LIJST_KOLOMMEN, MELDINGEN_DATASET, Meldingen
from wijkdata.store import Store


@pytest.fixture
def db(store_url):
    return store_url


@pytest.fixture
def three(db):
    """Three reports: a formula-like name with contact details, a plain one, and one without
    a point."""
    store = Store(db)
    m = Meldingen(store, per_minuut=100)
    ids = [m.indienen(invoer(naam='=HYPERLINK("http://x.nl","klik")',
                             omschrijving='regel 1\nregel 2; "quote", @ja'), sessie="a"),
           m.indienen(invoer(naam="Zingende straat", contact_email="zang@example.nl",
                             contact_telefoon="020 1234567"), sessie="b"),
           m.indienen(invoer(naam="Lief-en-leedpotje", lat=None, lon=None, wij_type="",
                             doelgroepen=(), activiteit=""), sessie="c")]
    store.dispose()
    return ids


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_list_csv_has_the_contract_columns_and_no_contact_details(db, three):
    result = run("meldingen", "list", db=db)
    assert result.returncode == 0, result.stderr
    reader = csv.reader(io.StringIO(result.stdout))
    assert next(reader) == LIJST_KOLOMMEN
    rows = csv_rows(result.stdout)
    assert [int(r["id"]) for r in rows] == three
    assert {r["status"] for r in rows} == {"nieuw"}
    first, _, third = rows
    assert first["naam"] == "'=HYPERLINK(\"http://x.nl\",\"klik\")"        # neutralised
    assert first["omschrijving"] == 'regel 1\nregel 2; "quote", @ja'
    assert (first["lat"], first["lon"], first["locatie_verborgen"]) == ("52.3731", "4.8992",
                                                                       "false")
    assert (third["lat"], third["lon"], third["wij_type"], third["behandeld"]) == ("",) * 4
    assert first["doelgroepen"] == "ouderen" and first["buurtcode"] == BUURT
    datetime.fromisoformat(first["ingediend"])
    assert first["ingediend"].endswith("+00:00")
    for secret in ("Anja", "example.nl", "06-1234", "1234567", "zang@"):
        assert secret not in result.stdout
    assert "nan" not in result.stdout.lower()


def test_list_json_is_one_array_with_null_for_missing(db, three):
    result = run("meldingen", "list", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and [d["id"] for d in data] == three
    assert all(list(d) == LIJST_KOLOMMEN for d in data)
    first, _, third = data
    assert first["naam"] == '=HYPERLINK("http://x.nl","klik")'                 # literal
    assert first["lat"] == pytest.approx(52.3731) and first["locatie_verborgen"] is False
    assert (third["lat"], third["lon"], third["wij_type"], third["behandeld"]) == (None,) * 4
    assert datetime.fromisoformat(first["ingediend"]).utcoffset().total_seconds() == 0
    assert "NaN" not in result.stdout and "example.nl" not in result.stdout


def test_approve_and_reject_then_list_per_status(db, three):
    approved = run("meldingen", "approve", str(three[0]), db=db)
    assert approved.returncode == 0, approved.stderr
    assert f"Melding {three[0]} goedgekeurd" in approved.stdout
    rejected = run("meldingen", "reject", str(three[1]), "--reden", "Geen initiatief", db=db)
    assert rejected.returncode == 0, rejected.stderr
    nieuw = csv_rows(run("meldingen", "list", db=db).stdout)
    assert [int(r["id"]) for r in nieuw] == [three[2]]
    goed = csv_rows(run("meldingen", "list", "--status", "goedgekeurd", db=db).stdout)
    assert [int(r["id"]) for r in goed] == [three[0]]
    datetime.fromisoformat(goed[0]["behandeld"])
    af = json.loads(run("meldingen", "list", "--status", "afgewezen", "--format", "json",
                        db=db).stdout)
    assert [d["id"] for d in af] == [three[1]] and af[0]["behandeld"]
    alle = json.loads(run("meldingen", "list", "--status", "alle", "--format", "json",
                          db=db).stdout)
    assert [d["status"] for d in alle] == ["goedgekeurd", "afgewezen", "nieuw"]
    store = Store(db)
    versies = [v for v in store.versions() if v.name == MELDINGEN_DATASET]
    assert len(versies) == 1 and versies[0].rows == 1
    m = Meldingen(store)
    assert m.melding(three[1]).reden == "Geen initiatief"
    assert m.melding(three[1]).contact_email == ""
    assert m.acties(three[0])["wie"].iloc[-1]             # the user who ran the command
    store.dispose()


def test_merged_reports_are_listed_under_alle_and_samengevoegd(db, three):
    store = Store(db)
    m = Meldingen(store)
    m.goedkeuren(three[0], door="a")
    m.samenvoegen(three[1], bron=MELDINGEN_DATASET, rij=0, door="a")
    store.dispose()
    alle = csv_rows(run("meldingen", "list", "--status", "alle", db=db).stdout)
    assert [r["status"] for r in alle] == ["goedgekeurd", "samengevoegd", "nieuw"]
    samen = csv_rows(run("meldingen", "list", "--status", "samengevoegd", db=db).stdout)
    assert [int(r["id"]) for r in samen] == [three[1]]


@pytest.mark.parametrize("args", [("approve", "{id}"), ("reject", "{id}", "--reden", "dubbel")])
def test_an_unknown_or_handled_report_exits_1_and_changes_nothing(db, three, args):
    unknown = run("meldingen", *[a.format(id=999) for a in args], db=db)
    assert unknown.returncode == 1
    assert "Melding 999 bestaat niet" in unknown.stderr and unknown.stdout == ""
    store = Store(db)
    Meldingen(store).afwijzen(three[0], reden="eerder", door="a")
    before = (store.versions(), run("meldingen", "list", "--status", "alle", db=db).stdout,
              Meldingen(store).acties(three[0]).to_dict("records"))
    handled = run("meldingen", *[a.format(id=three[0]) for a in args], db=db)
    assert handled.returncode == 1
    assert "al behandeld" in handled.stderr and "Traceback" not in handled.stderr
    after = (store.versions(), run("meldingen", "list", "--status", "alle", db=db).stdout,
             Meldingen(store).acties(three[0]).to_dict("records"))
    assert after == before
    store.dispose()


@pytest.mark.parametrize("args", [
    ("meldingen",),
    ("meldingen", "list", "--status", "open"),
    ("meldingen", "list", "--format", "xlsx"),
    ("meldingen", "approve"),
    ("meldingen", "approve", "drie"),
    ("meldingen", "reject", "1"),                        # --reden is required
    ("meldingen", "reject", "1", "--reden", "  "),
    ("meldingen", "approve", "1", "--reden", "x"),
])
def test_wrong_usage_exits_2_and_changes_nothing(tmp_path, args):
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    store = Store(db)
    melding_id = Meldingen(store).indienen(invoer(), sessie="s")
    result = run(*args, db=db)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "fout in de opdracht" in result.stderr
    assert Meldingen(store).melding(melding_id).status == "nieuw"
    store.dispose()


def test_an_empty_store_lists_only_the_header(tmp_path):
    db = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    assert run("meldingen", "list", db=db).stdout.strip() == ",".join(LIJST_KOLOMMEN)
    assert json.loads(run("meldingen", "list", "--format", "json", db=db).stdout) == []


def test_a_database_that_cannot_be_reached_gives_a_dutch_message(tmp_path):
    (tmp_path / "bestand").write_text("geen map")
    result = run("meldingen", "list", db=f"sqlite:///{tmp_path / 'bestand' / 'w.sqlite'}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bestand" in result.stderr
