"""Tests for wijkdata.meldingen: the form's checks, rate limits, honeypot, moderation in one
transaction, on SQLite and on a real PostgreSQL (fixture ``store_url``)."""
from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from wijkdata.errors import WijkdataError
from wijkdata.meldingen import (
    BRON_MELDING,
    LIJST_KOLOMMEN,
    MAX_LENGTE,
    MELDINGEN_DATASET,
    STATUSSEN,
    WIJ_TYPES,
    Invoer,
    Melding,
    Meldingen,
    TeVeelMeldingen,
    controleer,
    initiatief_frame,
    startdatum,
)
from wijkdata.model import datasets
from wijkdata.model.schema import INITIATIEVEN_SCHEMA
from wijkdata.store import Store, meldingen_table

BUURT = "BU03630001"          # Amsterdam, Burgwallen-Oude Zijde
BUURTEN = {"BU03630000", BUURT, "BU036300A2"}


def invoer(**kwargs) -> Invoer:
    values = dict(naam="Koffietafel De Buurtkamer",
                  omschrijving="Elke dinsdag koffie en een praatje in het buurthuis.",
                  activiteit="ontmoeting", wij_type="bonding", doelgroepen=("ouderen",),
                  frequentie="elke dinsdagochtend", sinds="2019", buurtcode=BUURT,
                  lat=52.3731, lon=4.8992, contact_naam="Anja de Vries",
                  contact_email="anja.devries@example.nl", contact_telefoon="06-12345678")
    values.update(kwargs)
    return Invoer(**values)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def meldingen(store):
    return Meldingen(store, per_minuut=1000)


def contact_in_database(store, melding_id):
    t = meldingen_table.c
    with store.engine.connect() as conn:
        return tuple(conn.execute(sa.select(t.contact_naam, t.contact_email, t.contact_telefoon)
                                  .where(t.id == melding_id)).one())


def snapshot(store, meldingen):
    """Everything a failed action must leave as it was."""
    alle = meldingen.lijst(None)
    return (store.versions(), store.state_key(), alle.to_dict("records"),
            {int(i): meldingen.acties(int(i)).to_dict("records") for i in alle["id"]},
            {int(i): contact_in_database(store, int(i)) for i in alle["id"]})


# --- controleer: one Dutch message per field ------------------------------------------------

def test_a_complete_report_has_no_messages():
    assert controleer(invoer(), BUURTEN) == {}
    assert controleer(invoer(buurtcode="bu03630001 ", lat=None, lon=None, contact_email="",
                             contact_telefoon="", doelgroepen=(), wij_type="",
                             activiteit="")) == {}
    for wij_type in WIJ_TYPES:
        assert controleer(invoer(wij_type=wij_type)) == {}


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"naam": ""}, "naam", "Vul de naam van het initiatief in"),
    ({"naam": "   \n"}, "naam", "Vul de naam van het initiatief in"),
    ({"naam": "K" * 121}, "naam", "te lang: 121 tekens. Gebruik er hoogstens 120"),
    ({"omschrijving": "o" * 1001}, "omschrijving", "1.001 tekens. Gebruik er hoogstens 1.000"),
    ({"activiteit": "breien"}, "activiteit", "Kies een soort activiteit uit de lijst"),
    ({"wij_type": "weet ik niet"}, "wij_type", "Wie komen er?"),
    ({"doelgroepen": ("ouderen", "katten")}, "doelgroepen", "Voor wie?"),
    ({"buurtcode": ""}, "buurtcode", "Kies de buurt waar het initiatief is"),
    ({"buurtcode": "Centrum"}, "buurtcode", "Deze buurt kennen we niet"),
    ({"buurtcode": "BU03639999"}, "buurtcode", "Deze buurt kennen we niet"),
    ({"lat": None}, "lat", "maar de helft bekend"),
    ({"lon": None}, "lat", "maar de helft bekend"),
    ({"lat": 48.8566, "lon": 2.3522}, "lat", "ligt niet in Nederland"),      # Paris
    ({"lat": 4.8992, "lon": 52.3731}, "lat", "ligt niet in Nederland"),      # swapped
    ({"lat": float("inf"), "lon": 4.9}, "lat", "ligt niet in Nederland"),
    ({"lat": "ergens", "lon": 4.9}, "lat", "ligt niet in Nederland"),
    ({"contact_email": "anja@"}, "contact_email", "Dit lijkt geen e-mailadres"),
    ({"contact_email": "anja devries@example.nl"}, "contact_email", "geen e-mailadres"),
    ({"contact_telefoon": "bel me maar"}, "contact_telefoon", "geen telefoonnummer"),
    ({"contact_telefoon": "06"}, "contact_telefoon", "geen telefoonnummer"),
])
def test_each_problem_gets_a_dutch_message_at_its_field(changes, field, fragment):
    fouten = controleer(invoer(**changes), BUURTEN)
    assert list(fouten) == [field]
    assert fragment in fouten[field]


@pytest.mark.parametrize("field", [f for f in MAX_LENGTE
                                   if f in {x.name for x in dataclasses.fields(Invoer)}
                                   and f not in ("website", "doelgroepen")])
def test_every_text_field_is_capped(field):
    maximum = MAX_LENGTE[field]
    at_cap = controleer(invoer(**{field: "a" * maximum}))
    assert "te lang" not in at_cap.get(field, "")
    over = controleer(invoer(**{field: "a" * (maximum + 1)}))
    assert "te lang" in over[field] and str(maximum).replace("000", ".000") in over[field]


def test_doelgroepen_are_capped_together():
    many = tuple(["ouderen", "jongeren", "gezinnen", "nieuwkomers", "iedereen"] * 20)
    assert "doelgroepen" not in controleer(invoer(doelgroepen=many))   # doubles are one
    fouten = controleer(invoer(doelgroepen=("x" * 301,)))
    assert "te lang" in fouten["doelgroepen"]


def test_a_buurt_outside_the_offered_list_is_refused():
    assert controleer(invoer(buurtcode="BU03630002")) == {}        # form only, no list
    assert "kennen we niet" in controleer(invoer(buurtcode="BU03630002"), BUURTEN)["buurtcode"]


def test_a_point_typed_with_a_decimal_comma_is_a_point():
    assert controleer(invoer(lat="52,3731", lon=" 4,8992")) == {}
    assert controleer(invoer(lat="", lon="")) == {}            # not given


def test_several_problems_are_given_together():
    fouten = controleer(invoer(naam="", lat=None, contact_email="nee"))
    assert set(fouten) == {"naam", "lat", "contact_email"}


@pytest.mark.parametrize(("sinds", "expected"), [
    ("2019", "2019-01-01"), ("sinds 2019", "2019-01-01"), ("1-3-2019", "2019-03-01"),
    ("2019-03-01", "2019-03-01"), ("1 maart 2019", "2019-03-01"),
    ("vorige zomer", None), ("", None), ("al heel lang", None), ("1066", None),
])
def test_sinds_becomes_a_start_date_only_when_it_is_one(sinds, expected):
    found = startdatum(sinds)
    assert (None if found is None else f"{found:%Y-%m-%d}") == expected


# --- indienen -----------------------------------------------------------------------------

def test_a_report_is_stored_as_new_and_listed_without_contact_details(meldingen):
    melding_id = meldingen.indienen(invoer(), sessie="sessie-1")
    assert isinstance(melding_id, int)
    assert meldingen.aantal_nieuw() == 1
    lijst = meldingen.lijst()
    assert list(lijst.columns) == LIJST_KOLOMMEN
    row = lijst.iloc[0]
    assert (row["id"], row["naam"], row["status"], row["buurtcode"]) == (
        melding_id, "Koffietafel De Buurtkamer", "nieuw", BUURT)
    assert row["doelgroepen"] == "ouderen" and row["lat"] == pytest.approx(52.3731)
    assert row["ingediend"].tzinfo is not None and pd.isna(row["behandeld"])
    text = lijst.to_csv()
    assert "Anja" not in text and "example.nl" not in text and "0612" not in text
    melding = meldingen.melding(melding_id)
    assert isinstance(melding, Melding)
    assert (melding.contact_naam, melding.contact_email, melding.contact_telefoon) == (
        "Anja de Vries", "anja.devries@example.nl", "06-12345678")
    assert melding.status == "nieuw" and melding.behandeld is None
    acties = meldingen.acties(melding_id)
    assert list(acties.columns) == ["wanneer", "wie", "actie", "toelichting"]
    assert list(acties["actie"]) == ["ingediend"]


def test_texts_are_stored_literally(meldingen):
    tricky = invoer(naam="<b>Zing</b> **mee** =SOM(A1)",
                    omschrijving="[klik](https://x.nl) @iedereen -1 \"quotes\" ; ,\nregel 2")
    melding = meldingen.melding(meldingen.indienen(tricky, sessie="s"))
    assert melding.naam == "<b>Zing</b> **mee** =SOM(A1)"
    assert melding.omschrijving == tricky.omschrijving


def test_a_report_with_problems_is_refused_per_field_and_not_stored(meldingen, store):
    with pytest.raises(WijkdataError, match="niet verstuurd") as info:
        meldingen.indienen(invoer(naam="", contact_email="x@"), sessie="s",
                           buurtcodes=BUURTEN)
    assert {p.column for p in info.value.problems} == {"naam", "contact_email"}
    assert all(p.message for p in info.value.problems)
    with pytest.raises(WijkdataError) as info:
        meldingen.indienen(invoer(buurtcode="BU03630002"), sessie="s", buurtcodes=BUURTEN)
    assert [p.column for p in info.value.problems] == ["buurtcode"]
    assert meldingen.lijst(None).empty and meldingen.aantal_nieuw() == 0


def test_a_filled_honeypot_stores_nothing_and_logs_no_content(meldingen, caplog):
    caplog.set_level(logging.INFO)
    bot = invoer(naam="Goedkope pillen", website="https://spam.example")
    assert meldingen.indienen(bot, sessie="bot") is None
    assert meldingen.lijst(None).empty
    messages = [r.getMessage() for r in caplog.records if r.name == "wijkdata.meldingen"]
    assert any("verborgen veld" in m for m in messages)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "pillen" not in logged and "spam" not in logged and "Anja" not in logged


def test_the_sixth_report_of_a_session_within_the_hour_is_refused(meldingen, monkeypatch):
    for i in range(5):
        meldingen.indienen(invoer(naam=f"Initiatief {i}"), sessie="sessie-1")
    with pytest.raises(TeVeelMeldingen) as info:
        meldingen.indienen(invoer(naam="Initiatief 5"), sessie="sessie-1")
    assert "afgelopen uur al 5 initiatieven gemeld" in info.value.message
    assert "Probeer het over" in info.value.message and "minuten opnieuw" in info.value.message
    assert timedelta(minutes=55) < info.value.opnieuw_over <= timedelta(hours=1)
    assert len(meldingen.lijst()) == 5
    # another session may still report, and this one again once the hour has passed
    assert meldingen.indienen(invoer(naam="Ander"), sessie="sessie-2")
    later = meldingen._nu() + timedelta(minutes=61)
    monkeypatch.setattr(meldingen, "_nu", lambda: later)
    assert meldingen.indienen(invoer(naam="Initiatief 5"), sessie="sessie-1")
    assert len(meldingen.lijst()) == 7


def test_the_store_wide_cap_per_minute_holds(store, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    meldingen = Meldingen(store, per_sessie_per_uur=100, per_minuut=3)
    for i in range(3):
        meldingen.indienen(invoer(naam=f"N{i}"), sessie=f"sessie-{i}")
    with pytest.raises(TeVeelMeldingen, match="heel veel meldingen") as info:
        meldingen.indienen(invoer(naam="Geheime naam"), sessie="nieuwe sessie")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "te veel meldingen" in logged and "Geheime" not in logged and "Anja" not in logged
    assert info.value.opnieuw_over <= timedelta(minutes=1)
    assert len(meldingen.lijst()) == 3
    later = meldingen._nu() + timedelta(seconds=61)
    monkeypatch.setattr(meldingen, "_nu", lambda: later)
    assert meldingen.indienen(invoer(naam="N3"), sessie="nieuwe sessie")


def test_the_session_is_stored_only_as_a_hash(meldingen, store):
    meldingen.indienen(invoer(), sessie="geheime-sessie-123")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(meldingen_table.c.sessie)).scalar_one()
    assert "geheime" not in stored and len(stored) == 64


def test_limits_come_from_the_settings(store, monkeypatch):
    monkeypatch.setenv("WIJKDATA_MELDINGEN_PER_MINUUT", "7")
    m = Meldingen.uit_instellingen(store, {"meldingen_per_sessie_per_uur": "2"})
    assert (m.per_sessie_per_uur, m.per_minuut) == (2, 7)
    monkeypatch.delenv("WIJKDATA_MELDINGEN_PER_MINUUT")
    m = Meldingen.uit_instellingen(store, {})
    assert (m.per_sessie_per_uur, m.per_minuut) == (5, 30)


# --- goedkeuren ---------------------------------------------------------------------------

def test_approving_adds_the_initiative_to_the_meldingen_dataset(meldingen, store):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    versie = meldingen.goedkeuren(melding_id, door="analist.a")
    assert (versie.kind, versie.name, versie.number, versie.rows) == (
        "initiatieven", MELDINGEN_DATASET, 1, 1)
    assert versie.source_kind == datasets.MELDINGEN and versie.dekking is None
    assert versie.created_by == "analist.a" and versie.active
    frame = store.load(versie.id)
    assert set(INITIATIEVEN_SCHEMA.columns) | {"bron", "laatst_bevestigd"} <= set(frame.columns)
    INITIATIEVEN_SCHEMA.check(frame)
    row = frame.iloc[0]
    assert row["bron"] == BRON_MELDING
    assert str(frame["laatst_bevestigd"].dtype) == "datetime64[ns]"
    assert row["laatst_bevestigd"] == pd.Timestamp(pd.Timestamp.now(tz="Europe/Amsterdam")
                                                   .date())
    assert row["startdatum"] == pd.Timestamp("2019-01-01") and pd.isna(row["einddatum"])
    assert (row["naam"], row["activiteit"], row["wij_type"], row["doelgroepen"]) == (
        "Koffietafel De Buurtkamer", "ontmoeting", "bonding", "ouderen")
    assert row["buurtcode"] == BUURT and row["lat"] == pytest.approx(52.3731)
    assert 120_000 < row["x"] < 123_000 and 486_000 < row["y"] < 489_000   # RD of Amsterdam
    assert not any(c in frame.columns for c in ("contact_naam", "contact_email", "email"))
    assert "Anja" not in frame.astype(str).to_csv()
    melding = meldingen.melding(melding_id)
    assert melding.status == "goedgekeurd" and melding.behandeld_door == "analist.a"
    assert melding.behandeld is not None
    assert (melding.contact_naam, melding.contact_email, melding.contact_telefoon) == ("",) * 3
    assert contact_in_database(store, melding_id) == (None, None, None)
    acties = meldingen.acties(melding_id)
    assert list(acties["actie"]) == ["ingediend", "goedgekeurd"]
    assert acties["wie"].iloc[1] == "analist.a" and acties["wanneer"].iloc[1].tzinfo
    assert meldingen.aantal_nieuw() == 0


def test_a_second_approval_builds_on_the_active_version(meldingen, store):
    first = meldingen.indienen(invoer(), sessie="s")
    second = meldingen.indienen(invoer(naam="Zingende straat", activiteit="muziek en cultuur",
                                       wij_type="beide", sinds="vorige zomer", lat=None,
                                       lon=None, locatie_verborgen=True), sessie="s")
    meldingen.goedkeuren(first, door="a")
    versie = meldingen.goedkeuren(second, door="b")
    frame = store.load(versie.id)
    assert versie.number == 2 and list(frame["naam"]) == ["Koffietafel De Buurtkamer",
                                                         "Zingende straat"]
    assert list(frame["melding_id"]) == [first, second]
    zingen = frame.iloc[1]
    assert pd.isna(zingen["startdatum"]) and pd.isna(zingen["lat"]) and pd.isna(zingen["x"])
    assert zingen["omschrijving"].endswith("Bestaat sinds: vorige zomer.")
    assert bool(zingen["locatie_verborgen"]) is True
    assert [v.active for v in store.versions()] == [True, False]


def test_approving_applies_the_analysts_edits(meldingen, store):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    versie = meldingen.goedkeuren(melding_id, door="a", wijzigingen={
        "naam": "Koffietafel Buurtkamer Oost", "doelgroepen": ["ouderen", "nieuwkomers"],
        "lat": None, "lon": None})
    row = store.load(versie.id).iloc[0]
    assert row["naam"] == "Koffietafel Buurtkamer Oost"
    assert row["doelgroepen"] == "ouderen; nieuwkomers" and pd.isna(row["lat"])
    melding = meldingen.melding(melding_id)
    assert melding.naam == "Koffietafel Buurtkamer Oost" and melding.lat is None
    assert "aangepast: naam, doelgroepen, lat, lon" in meldingen.acties(melding_id)[
        "toelichting"].iloc[-1]


@pytest.mark.parametrize(("wijzigingen", "fragment"), [
    ({"naam": ""}, "Vul de naam"),
    ({"buurtcode": "onbekend"}, "kennen we niet"),
    ({"contact_email": "ander@example.nl"}, "kunnen niet aangepast worden"),
    ({"status": "goedgekeurd"}, "kunnen niet aangepast worden"),
])
def test_a_bad_edit_changes_nothing(meldingen, store, wijzigingen, fragment):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    before = snapshot(store, meldingen)
    with pytest.raises(WijkdataError) as info:
        meldingen.goedkeuren(melding_id, door="a", wijzigingen=wijzigingen)
    assert fragment in str(info.value)
    assert snapshot(store, meldingen) == before


def test_initiatief_frame_keeps_dates_as_days():
    frame = initiatief_frame(invoer(sinds="1-3-2019"), melding_id=4,
                             vandaag=pd.Timestamp("2026-12-02"))
    assert frame["startdatum"].iloc[0] == pd.Timestamp("2019-03-01")
    assert frame["laatst_bevestigd"].iloc[0] == pd.Timestamp("2026-12-02")
    assert frame["melding_id"].iloc[0] == 4


# --- samenvoegen and afwijzen ---------------------------------------------------------------

def gemeente_lijst() -> pd.DataFrame:
    """A municipality's list as the reader stores it: no bron or laatst_bevestigd yet."""
    return pd.DataFrame({
        "naam": ["Buurtmoestuin Zuid", "Koffietafel Buurtkamer", "Taalcafé"],
        "activiteit": ["natuur en groen", "ontmoeting", "ontmoeting"],
        "buurtcode": [BUURT, BUURT, "BU03630000"],
        "lat": [np.nan, 52.3731, np.nan], "lon": [np.nan, 4.8992, np.nan],
        "x": [np.nan, 121_800.0, np.nan], "y": [np.nan, 487_000.0, np.nan],
        "locatie_verborgen": [False, False, True],
    })


def test_merging_confirms_that_row_today_in_a_new_version_of_its_list(meldingen, store):
    lijst = store.publish("initiatieven", "Initiatieven Amsterdam", gemeente_lijst(),
                          source_filename="initiatieven.xlsx", checksum="abc",
                          source_kind="initiatieven", dekking=["GM0363"])
    melding_id = meldingen.indienen(invoer(), sessie="s")
    versie = meldingen.samenvoegen(melding_id, bron="Initiatieven Amsterdam", rij=1,
                                   door="analist.b")
    assert (versie.name, versie.number, versie.dekking) == ("Initiatieven Amsterdam", 2,
                                                            ("GM0363",))
    assert (versie.source_filename, versie.checksum, versie.source_kind) == (
        "initiatieven.xlsx", "abc", "initiatieven")
    frame = store.load(versie.id)
    vandaag = pd.Timestamp(pd.Timestamp.now(tz="Europe/Amsterdam").date())
    eerder = pd.Timestamp(lijst.created_at.astimezone(
        pd.Timestamp.now(tz="Europe/Amsterdam").tzinfo).date())
    assert list(frame["laatst_bevestigd"]) == [eerder, vandaag, eerder]
    assert list(frame["bron"]) == ["Initiatieven Amsterdam"] * 3
    pd.testing.assert_frame_equal(frame[gemeente_lijst().columns], gemeente_lijst())
    melding = meldingen.melding(melding_id)
    assert melding.status == "samengevoegd" and melding.behandeld_door == "analist.b"
    assert contact_in_database(store, melding_id) == (None, None, None)
    laatste = meldingen.acties(melding_id).iloc[-1]
    assert (laatste["actie"], laatste["wie"]) == ("samengevoegd", "analist.b")
    assert "rij 2" in laatste["toelichting"]
    assert not any(v.name == MELDINGEN_DATASET for v in store.versions())


@pytest.mark.parametrize(("bron", "rij", "fragment"), [
    ("Initiatieven Amsterdam", 3, "geen rij 4"),
    ("Initiatieven Amsterdam", -1, "geen rij 0"),
    ("Bestaat niet", 0, "geen actieve lijst"),
    ("Initiatieven Amsterdam", "twee", "geen rijnummer"),
])
def test_a_failed_merge_changes_nothing(meldingen, store, bron, rij, fragment):
    store.publish("initiatieven", "Initiatieven Amsterdam", gemeente_lijst(),
                  source_filename="i.xlsx", checksum="abc")
    melding_id = meldingen.indienen(invoer(), sessie="s")
    before = snapshot(store, meldingen)
    with pytest.raises(WijkdataError, match=fragment):
        meldingen.samenvoegen(melding_id, bron=bron, rij=rij, door="a")
    assert snapshot(store, meldingen) == before
    assert not any(v.name == "Bestaat niet" for v in store.versions())


def test_rejecting_keeps_the_reason_and_removes_contact_details(meldingen, store):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    assert meldingen.afwijzen(melding_id, reden="Dit is een bedrijf, geen initiatief.",
                              door="analist.c") is None
    melding = meldingen.melding(melding_id)
    assert (melding.status, melding.reden, melding.behandeld_door) == (
        "afgewezen", "Dit is een bedrijf, geen initiatief.", "analist.c")
    assert contact_in_database(store, melding_id) == (None, None, None)
    laatste = meldingen.acties(melding_id).iloc[-1]
    assert (laatste["actie"], laatste["wie"], laatste["toelichting"]) == (
        "afgewezen", "analist.c", "Dit is een bedrijf, geen initiatief.")
    assert store.versions() == []


@pytest.mark.parametrize("reden", ["", "   ", "r" * 501])
def test_rejecting_needs_a_reason_of_sensible_length(meldingen, store, reden):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    before = snapshot(store, meldingen)
    with pytest.raises(WijkdataError, match="reden"):
        meldingen.afwijzen(melding_id, reden=reden, door="a")
    assert snapshot(store, meldingen) == before


ACTIONS = {
    "goedkeuren": lambda m, i: m.goedkeuren(i, door="tweede"),
    "samenvoegen": lambda m, i: m.samenvoegen(i, bron="Initiatieven Amsterdam", rij=0,
                                              door="tweede"),
    "afwijzen": lambda m, i: m.afwijzen(i, reden="dubbel", door="tweede"),
}


@pytest.mark.parametrize("first", sorted(ACTIONS))
@pytest.mark.parametrize("second", sorted(ACTIONS))
def test_a_handled_report_cannot_be_handled_again(meldingen, store, first, second):
    store.publish("initiatieven", "Initiatieven Amsterdam", gemeente_lijst(),
                  source_filename="i.xlsx", checksum="abc")
    melding_id = meldingen.indienen(invoer(), sessie="s")
    ACTIONS[first](meldingen, melding_id)
    status = meldingen.melding(melding_id).status
    before = snapshot(store, meldingen)
    with pytest.raises(WijkdataError, match=f"al behandeld \\({status} door tweede op"):
        ACTIONS[second](meldingen, melding_id)
    assert snapshot(store, meldingen) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_unknown_report_gives_a_dutch_error_and_changes_nothing(meldingen, store, action):
    store.publish("initiatieven", "Initiatieven Amsterdam", gemeente_lijst(),
                  source_filename="i.xlsx", checksum="abc")
    meldingen.indienen(invoer(), sessie="s")
    before = snapshot(store, meldingen)
    with pytest.raises(WijkdataError, match="Melding 999 bestaat niet"):
        ACTIONS[action](meldingen, 999)
    assert snapshot(store, meldingen) == before
    with pytest.raises(WijkdataError, match="bestaat niet"):
        meldingen.melding(999)
    with pytest.raises(WijkdataError, match="bestaat niet"):
        meldingen.acties(999)


def test_a_failure_while_publishing_changes_nothing(meldingen, store, monkeypatch):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    before = snapshot(store, meldingen)

    def full_disk(self, conn, version_id, data, fmt):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(Store, "_insert_payload", full_disk)
    with pytest.raises(RuntimeError, match="schijf vol"):
        meldingen.goedkeuren(melding_id, door="a")
    assert snapshot(store, meldingen) == before
    assert meldingen.melding(melding_id).contact_email == "anja.devries@example.nl"
    monkeypatch.undo()
    assert meldingen.goedkeuren(melding_id, door="a").number == 1


def test_lists_per_status(meldingen, store):
    store.publish("initiatieven", "Initiatieven Amsterdam", gemeente_lijst(),
                  source_filename="i.xlsx", checksum="abc")
    ids = [meldingen.indienen(invoer(naam=f"M{i}"), sessie="s") for i in range(4)]
    meldingen.goedkeuren(ids[0], door="a")
    meldingen.samenvoegen(ids[1], bron="Initiatieven Amsterdam", rij=0, door="a")
    meldingen.afwijzen(ids[2], reden="geen initiatief", door="a")
    assert list(meldingen.lijst()["id"]) == [ids[3]]
    for status, expected in zip(STATUSSEN, [ids[3], ids[0], ids[1], ids[2]]):
        assert list(meldingen.lijst(status)["id"]) == [expected]
    assert list(meldingen.lijst(None)["id"]) == ids == list(meldingen.lijst("alle")["id"])
    handled = meldingen.lijst("goedgekeurd").iloc[0]
    assert handled["behandeld"] >= handled["ingediend"]
    assert meldingen.aantal_nieuw() == 1
    with pytest.raises(WijkdataError, match="Onbekende status"):
        meldingen.lijst("open")


def test_an_empty_list_has_the_columns(meldingen):
    lijst = meldingen.lijst()
    assert list(lijst.columns) == LIJST_KOLOMMEN and lijst.empty


# --- at the same moment (threads with their own Store, like app processes) -------------------

def run_together(n, work):
    """Run ``work(i)`` in n threads that start at once; returns (results, errors) per i."""
    start = threading.Barrier(n)
    results, errors = {}, {}

    def worker(i):
        try:
            start.wait()
            results[i] = work(i)
        except BaseException as error:  # noqa: BLE001 - inspected by the test
            errors[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads)
    return results, errors


def test_twenty_reports_at_once_are_all_stored_once(store_url):
    Store(store_url).dispose()      # tables exist before the race

    def send(i):
        own = Store(store_url)
        try:
            return Meldingen(own, per_minuut=100).indienen(
                invoer(naam=f"Initiatief {i:02d}"), sessie=f"sessie-{i}")
        finally:
            own.dispose()

    results, errors = run_together(20, send)
    assert errors == {}
    store = Store(store_url)
    lijst = Meldingen(store).lijst()
    assert len(lijst) == 20 and sorted(lijst["id"]) == sorted(results.values())
    assert sorted(lijst["naam"]) == [f"Initiatief {i:02d}" for i in range(20)]
    store.dispose()


def test_the_cap_per_minute_holds_when_reports_arrive_at_once(store_url):
    Store(store_url).dispose()

    def send(i):
        own = Store(store_url)
        try:
            return Meldingen(own, per_minuut=5).indienen(invoer(naam=f"I{i}"),
                                                         sessie=f"sessie-{i}")
        finally:
            own.dispose()

    results, errors = run_together(12, send)
    assert len(results) == 5 and len(errors) == 7
    assert all(isinstance(e, TeVeelMeldingen) for e in errors.values())
    store = Store(store_url)
    assert len(Meldingen(store).lijst()) == 5
    store.dispose()


def test_two_analysts_approving_the_same_report_give_one_initiative(store_url):
    store = Store(store_url)
    melding_id = Meldingen(store).indienen(invoer(), sessie="s")

    def approve(i):
        own = Store(store_url)
        try:
            return Meldingen(own).goedkeuren(melding_id, door=f"analist-{i}")
        finally:
            own.dispose()

    results, errors = run_together(2, approve)
    assert len(results) == 1 and len(errors) == 1
    error = next(iter(errors.values()))
    assert isinstance(error, WijkdataError) and "al behandeld" in error.message
    versies = [v for v in store.versions() if v.name == MELDINGEN_DATASET]
    assert len(versies) == 1 and versies[0].rows == 1
    assert len(store.load(versies[0].id)) == 1
    winner = next(iter(results))
    assert Meldingen(store).melding(melding_id).behandeld_door == f"analist-{winner}"
    assert list(Meldingen(store).acties(melding_id)["actie"]) == ["ingediend", "goedgekeurd"]
    store.dispose()


def test_two_reports_approved_at_once_both_end_up_in_the_list(store_url):
    # The list is read under its lock: neither approval may build on the version without
    # the other's initiative.
    store = Store(store_url)
    ids = [Meldingen(store).indienen(invoer(naam=f"M{i}"), sessie="s") for i in range(4)]

    def approve(i):
        own = Store(store_url)
        try:
            return Meldingen(own).goedkeuren(ids[i], door=f"analist-{i}")
        finally:
            own.dispose()

    results, errors = run_together(4, approve)
    assert errors == {}
    active = next(v for v in store.active_versions() if v.name == MELDINGEN_DATASET)
    assert active.number == 4
    assert sorted(store.load(active.id)["naam"]) == ["M0", "M1", "M2", "M3"]
    store.dispose()


# --- likely duplicates ------------------------------------------------------------------------

def buurten_naast_elkaar():
    import geopandas as gpd
    from shapely.geometry import box
    return gpd.GeoDataFrame(
        {"code": [BUURT, "BU03630000", "BU03630009"], "niveau": ["buurt"] * 3},
        geometry=[box(121_000, 486_500, 122_000, 487_500),     # BUURT
                  box(122_000, 486_500, 123_000, 487_500),     # touches BUURT
                  box(130_000, 486_500, 131_000, 487_500)],    # far away
        crs="EPSG:28992")


def test_likely_duplicates_name_list_and_row_as_merging_takes_them(meldingen, store):
    store.publish("initiatieven", "Initiatieven Amsterdam", gemeente_lijst(),
                  source_filename="i.xlsx", checksum="abc")
    melding_id = meldingen.indienen(invoer(), sessie="s")
    tweede = meldingen.indienen(invoer(naam="Koffie-tafel de Buurtkamer"), sessie="t")
    ander = meldingen.indienen(invoer(naam="Schaakclub", activiteit="sport en bewegen",
                                      lat=None, lon=None), sessie="u")
    found = meldingen.mogelijke_dubbelen(melding_id)
    assert list(found.columns) == ["soort", "bron", "rij", "naam", "buurtcode", "gelijkenis",
                                   "afstand_m", "reden"]
    pairs = {(r.soort, r.bron, int(r.rij)) for r in found.itertuples()}
    assert ("initiatief", "Initiatieven Amsterdam", 1) in pairs
    assert ("melding", BRON_MELDING, tweede) in pairs
    assert not any(rij in (melding_id, ander) for soort, _, rij in pairs if soort == "melding")
    assert ("initiatief", "Initiatieven Amsterdam", 0) not in pairs   # Buurtmoestuin
    row = next(r for r in found.itertuples() if r.soort == "initiatief")
    versie = meldingen.samenvoegen(melding_id, bron=row.bron, rij=int(row.rij), door="a")
    assert store.load(versie.id)["naam"].iloc[int(row.rij)] == "Koffietafel Buurtkamer"


def test_a_similar_name_in_a_neighbouring_buurt_counts_with_boundaries(meldingen, store):
    lijst = gemeente_lijst().iloc[[1]].assign(buurtcode="BU03630000", lat=np.nan, lon=np.nan,
                                              x=np.nan, y=np.nan)
    store.publish("initiatieven", "Lijst", lijst, source_filename="i.csv", checksum="0")
    melding_id = meldingen.indienen(invoer(lat=None, lon=None), sessie="s")
    assert meldingen.mogelijke_dubbelen(melding_id).empty          # only the same buurt
    gebieden = buurten_naast_elkaar()
    with_boundaries = meldingen.mogelijke_dubbelen(melding_id, gebieden)
    assert list(with_boundaries["bron"]) == ["Lijst"] and list(with_boundaries["rij"]) == [0]
    from wijkdata.compute.dubbelen import buren_van
    pd.testing.assert_frame_equal(
        meldingen.mogelijke_dubbelen(melding_id, buren_van(gebieden)), with_boundaries)


def lijst_met_punten_csv(*rijen: tuple[str, str, float, float]) -> bytes:
    """A municipal list geocoded from addresses, as Dutch Excel saves it: ';', decimal
    comma, RD X/Y and no buurtcode."""
    regels = ["Naam initiatief;Activiteit;X;Y"] + [
        f"{naam};{activiteit};{x:.1f};{y:.1f}".replace(".", ",")
        for naam, activiteit, x, y in rijen]
    return ("\ufeff" + "\r\n".join(regels) + "\r\n").encode("utf-8")


def test_a_list_with_only_coordinates_is_found_by_name_in_the_buurt_of_its_point(
        meldingen, store):
    from tests import factory
    from wijkdata.readers import read_file
    from wijkdata.readers.initiatieven import rd_to_wgs84
    gebieden, _, _ = factory.make_frames()       # 500 m squares; BU00010000 at 100000, 450000
    store.publish("buurten", "Wijk- en buurtkaart", gebieden, source_filename="wbk.gpkg",
                  checksum="0")
    ingelezen = read_file(lijst_met_punten_csv(
        ("Koffietafel De Linde", "Ontmoeting", 100_100.0, 450_100.0),        # BU00010000
        # 10 km east, another name: never proposed for these reports.
        ("Jeu de boules De Vijver", "Sport en bewegen", 110_100.0, 450_100.0)),
        "initiatieven_gemeente.csv")
    assert ingelezen.usable() and ingelezen.frame["buurtcode"].isna().all()
    store.publish("initiatieven", "Initiatieven gemeente", ingelezen.frame,
                  source_filename="initiatieven_gemeente.csv", checksum="1")

    # In the same buurt, with a spot 424 m away (too far for the place rule).
    (lat,), (lon,) = rd_to_wgs84([100_400.0], [450_400.0])
    hier = meldingen.indienen(invoer(naam="koffietafel de linde", buurtcode="BU00010000",
                                     lat=lat, lon=lon), sessie="s")
    found = meldingen.mogelijke_dubbelen(hier)
    found = found[found["soort"] == "initiatief"]
    assert found[["bron", "rij", "buurtcode"]].values.tolist() == [
        ["Initiatieven gemeente", 0, "BU00010000"]]
    assert found["reden"].tolist() == ["Lijkt op de naam (100%) in dezelfde buurt"]
    assert round(found["afstand_m"].iloc[0]) == 424

    # In the buurt next to it, without a spot: with the boundaries the page passes.
    ernaast = meldingen.indienen(invoer(naam="Koffietafel de Linde", buurtcode="BU00010001",
                                        lat=None, lon=None), sessie="t")
    assert meldingen.mogelijke_dubbelen(ernaast).empty        # buren need the boundaries
    found = meldingen.mogelijke_dubbelen(ernaast, gebieden)
    found = found[found["soort"] == "initiatief"]
    assert found[["bron", "rij"]].values.tolist() == [["Initiatieven gemeente", 0]]
    assert found["reden"].tolist() == ["Lijkt op de naam (100%) in een buurt ernaast"]

    # The stored list itself is left as it was read.
    active = next(v for v in store.active_versions() if v.kind == "initiatieven")
    assert store.load(active.id)["buurtcode"].isna().all()


def test_an_approved_report_is_not_its_own_duplicate(meldingen):
    melding_id = meldingen.indienen(invoer(), sessie="s")
    meldingen.goedkeuren(melding_id, door="a")
    assert meldingen.mogelijke_dubbelen(melding_id).empty
    nog_een = meldingen.indienen(invoer(naam="Koffietafel Buurtkamer"), sessie="t")
    found = meldingen.mogelijke_dubbelen(nog_een)
    assert list(zip(found["soort"], found["bron"], found["rij"])) == [
        ("initiatief", MELDINGEN_DATASET, 0)]


def test_an_approved_report_is_an_initiative_of_the_active_data(store_url):
    # Through the same store as every list: the dashboard's data holds it, with its bron,
    # in its buurt, and the dekking is the gemeente of that buurt.
    from tests import factory
    from wijkdata.model.gegevens import load_active
    factory.publish(store_url)
    store = Store(store_url)
    meldingen = Meldingen(store)
    before = load_active(store)
    buurt = before.buurten["code"].iloc[-1]          # a buurt of GM0002, which has no list
    melding_id = meldingen.indienen(invoer(buurtcode=buurt, lat=None, lon=None), sessie="s")
    assert "Koffietafel De Buurtkamer" not in set(before.initiatieven["naam"])
    assert "Koffietafel De Buurtkamer" not in set(load_active(store).initiatieven["naam"])
    meldingen.goedkeuren(melding_id, door="a")
    after = load_active(store)
    row = after.initiatieven[after.initiatieven["naam"] == "Koffietafel De Buurtkamer"]
    assert len(row) == 1 and row["bron"].iloc[0] == BRON_MELDING
    assert row["buurtcode"].iloc[0] == buurt and row["gemeentecode"].iloc[0] == "GM0002"
    assert "GM0002" in after.dekking and "GM0002" not in before.dekking
    store.dispose()
