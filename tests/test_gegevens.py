"""buurtcijfers, names, references and the aggregation on the factory data, checked by hand."""
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factory import make_frames
from wijkdata.compute import formulas
from wijkdata.compute.buurttabel import buurtcijfers, gebiedcijfers
from wijkdata.draw import tabellen
from wijkdata.formatting import fmt_pct
from wijkdata.model.gegevens import MISSING_TEXTS, assemble, gemeente_naam, met_code, tekst
from wijkdata.model.schema import INDICATOREN_COLUMNS


@pytest.fixture
def gegevens():
    gebieden, indicatoren, initiatieven = make_frames()
    return assemble([gebieden], [indicatoren], [initiatieven], key=("test",))


def test_one_row_per_buurt_with_counts_rates_and_missing_values(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001").set_index("buurtcode")
    assert len(cijfers) == 6
    assert cijfers.loc["BU00010000", "initiatieven"] == 2          # two points in buurt 0
    assert cijfers.loc["BU00010001", "initiatieven"] == 1          # the code-only one
    assert cijfers.loc["BU00010000", "initiatieven_per_1000"] == pytest.approx(2.0)
    assert cijfers.loc["BU00010001", "inwoners"] == 2000
    # the last buurt: 60 inwoners → no rate; no loneliness figure → no verdict
    assert np.isnan(cijfers.loc["BU00010102", "initiatieven_per_1000"])
    assert np.isnan(cijfers.loc["BU00010102", "eenzaam_pct"])
    assert cijfers["witte_vlek"].isna()["BU00010102"]
    # latest period (2022) by default: 30 + 5·j + 2
    assert cijfers.loc["BU00010002", "eenzaam_pct"] == pytest.approx(42.0)
    assert cijfers.loc["BU00010002", "eenzaam_ondergrens"] == pytest.approx(39.0)
    assert cijfers.loc["BU00010000", "afstand_initiatief_m"] == 0
    # the nearest is the code-only initiative, placed mid-buurt 1 (x = 100750): 250 m away
    assert cijfers.loc["BU00010002", "afstand_initiatief_m"] == pytest.approx(250.0)


def test_period_and_age_group_choose_the_figures(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001", periode=2020, leeftijd="65+")
    assert cijfers.set_index("buurtcode").loc["BU00010002", "eenzaam_pct"] == pytest.approx(48.0)


def test_gemeente_without_initiatives_counts_zero_and_has_no_distance(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0002")
    assert (cijfers["initiatieven"] == 0).all()
    # distance is to the nearest initiative anywhere: GM0001 lies 10 km to the west
    assert (cijfers["afstand_initiatief_m"] > 8000).all()


def test_no_initiative_list_at_all_means_unknown_not_zero():
    gebieden, indicatoren, _ = make_frames()
    gegevens = assemble([gebieden], [indicatoren], [], key=("x",))
    cijfers = buurtcijfers(gegevens)
    assert cijfers["initiatieven"].isna().all()
    assert cijfers["initiatieven_per_1000"].isna().all()
    assert cijfers["witte_vlek"].isna().all()


def test_wijk_figures_prefer_nothing_invented(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001")
    wijken = gebiedcijfers(gegevens, cijfers, "wijk").set_index("code")
    # wijk 00: buurten 0,1,2 with 1000, 2000, 3000 inwoners and 32, 37, 42 %
    expected = (32 * 1000 + 37 * 2000 + 42 * 3000) / 6000
    assert wijken.loc["WK000100", "eenzaam_pct"] == pytest.approx(expected)
    assert wijken.loc["WK000100", "initiatieven"] == 3
    gemeente = gebiedcijfers(gegevens, cijfers, "gemeente").set_index("code")
    # the gemeente has its own published estimate (36 % in 2022): that one is used
    assert gemeente.loc["GM0001", "eenzaam_pct"] == pytest.approx(36.0)
    assert gemeente.loc["GM0001", "eenzaam_ondergrens"] == pytest.approx(35.0)


# --- names: from whichever loaded source has them --------------------------------------

def _pdok_and_statistics():
    """Boundaries as PDOK gives them (buurt names only: no wijknaam, no gemeentenaam) and
    statistics that name the gemeente and one wijk (CBS Kerncijfers: gemeente and wijk rows
    with a name, Gemeentenaam_1 on every row)."""
    gebieden, indicatoren, initiatieven = make_frames()
    gebieden = gebieden.assign(wijknaam=None, gemeentenaam=None)
    gebieden.loc[gebieden["code"] == "BU00010001", "naam"] = "BU00010001"   # no name
    extra = pd.DataFrame([
        ["GM0001", "inwoners", 2024, "alle", 9060.0, np.nan, np.nan, "CBS", "Almere", "Almere"],
        ["WK000100", "inwoners", 2024, "alle", 6000.0, np.nan, np.nan, "CBS", "Stad",
         "Almere"],
        ["WK000101", "inwoners", 2024, "alle", 3060.0, np.nan, np.nan, "CBS", "nan", "Almere"],
        ["BU00010000", "inwoners", 2024, "alle", 1000.0, np.nan, np.nan, "CBS", "",
         "Almere"],
    ], columns=INDICATOREN_COLUMNS + ["naam", "gemeentenaam"])
    return gebieden, [indicatoren, extra], initiatieven


def test_names_come_from_the_statistics_when_the_boundaries_have_none():
    gebieden, indicatoren, initiatieven = _pdok_and_statistics()
    data = assemble([gebieden], indicatoren, [initiatieven], key=("x",))
    assert gemeente_naam(data, "GM0001") == "Almere"
    # GM0002 is named nowhere: its code, shown once ("GM0002", never "GM0002 (GM0002)")
    assert gemeente_naam(data, "GM0002") == "GM0002"
    assert dict(zip(data.gemeenten["code"], data.gemeenten["naam"])) == {
        "GM0001": "Almere", "GM0002": "GM0002"}
    assert met_code("Almere", "GM0001") == "Almere (GM0001)"
    assert met_code("GM0002", "GM0002") == "GM0002"
    cijfers = buurtcijfers(data, gemeentecode="GM0001").set_index("buurtcode")
    assert cijfers.loc["BU00010000", "wijknaam"] == "Stad"
    # 'nan' in a statistics file is no name: the code is shown instead
    assert cijfers.loc["BU00010100", "wijknaam"] == "WK000101"
    assert cijfers.loc["BU00010001", "buurtnaam"] == "BU00010001"
    assert (cijfers["gemeentenaam"] == "Almere").all()
    wijken = gebiedcijfers(data, cijfers.reset_index(), "wijk").set_index("code")
    assert wijken.loc["WK000100", "naam"] == "Stad"


def test_a_name_in_the_boundaries_wins_over_the_statistics():
    gebieden, indicatoren, initiatieven = _pdok_and_statistics()
    gebieden.loc[gebieden["gemeentecode"] == "GM0001", "gemeentenaam"] = "Almere-Stad"
    data = assemble([gebieden], indicatoren, [initiatieven], key=("x",))
    assert gemeente_naam(data, "GM0001") == "Almere-Stad"


MISSING = st.sampled_from([None, np.nan, pd.NA, "", " ", "nan", "NaN", "None", "null", "NaT"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(MISSING, st.text(min_size=1, max_size=12)), min_size=12,
                max_size=12),
       st.lists(st.one_of(MISSING, st.text(min_size=1, max_size=12)), min_size=3, max_size=3))
def test_no_name_is_ever_missing_or_the_text_of_a_missing_value(buurtnamen, andere):
    gebieden, indicatoren, _ = make_frames()
    gebieden["naam"] = pd.Series(buurtnamen, dtype=object).values
    gebieden["wijknaam"] = None
    gebieden["gemeentenaam"] = None
    named = pd.DataFrame({"code": ["GM0001", "WK000100", "WK000101"], "indicator": "inwoners",
                          "periode": 2024, "leeftijd": "alle", "waarde": 1.0,
                          "ondergrens": np.nan, "bovengrens": np.nan, "bron": "x",
                          "naam": pd.Series(andere, dtype=object)})
    data = assemble([gebieden], [indicatoren, named], [], key=("x",))
    for column in ("naam", "wijknaam", "gemeentenaam"):
        values = data.buurten[column]
        assert values.notna().all()
        assert not values.astype(str).str.strip().isin(MISSING_TEXTS).any()
    assert all(tekst(v) not in MISSING_TEXTS - {""} for v in buurtnamen + andere)


# --- the buurt profile's references ----------------------------------------------------

def _alleen_buurtrijen():
    """The RIVM table with buurt rows only (as 50120NED is often downloaded per buurt)."""
    gebieden, indicatoren, initiatieven = make_frames()
    indicatoren = indicatoren[indicatoren["code"].str.startswith("BU")]
    return assemble([gebieden], [indicatoren], [initiatieven], key=("buurt-only",))


def test_profile_references_are_weighted_from_the_buurten_when_the_source_has_none():
    data = _alleen_buurtrijen()
    cijfers = buurtcijfers(data, gemeentecode="GM0001")
    profiel = tabellen.profiel(data, cijfers, "BU00010002").set_index("indicator")
    eenzaam = profiel.loc["eenzaam"]
    # wijk 00: 32, 37, 42 % with 1000, 2000, 3000 inwoners
    assert eenzaam["wijk"] == pytest.approx((32 * 1000 + 37 * 2000 + 42 * 3000) / 6000)
    # the gemeente: the last buurt has no figure, so it carries no weight
    kern = tabellen.kerncijfers(data, cijfers, "GM0001")
    assert eenzaam["gemeente"] == pytest.approx(kern["eenzaam"]["waarde"])
    assert eenzaam["gemeente"] == pytest.approx(
        (32 * 1000 + 37 * 2000 + 42 * 3000 + 32 * 1000 + 37 * 2000) / 9000)
    assert kern["eenzaam"]["berekend"]
    assert eenzaam["wijk_berekend"] and eenzaam["gemeente_berekend"]
    assert np.isnan(eenzaam["gemeente_onder"]) and np.isnan(eenzaam["gemeente_boven"])
    # no interval on one side: never "hoger" or "lager"
    assert eenzaam["vs_gemeente"] == "niet duidelijk verschillend"
    assert np.isnan(eenzaam["nederland"]) and not eenzaam["nederland_berekend"]
    tabel = tabellen.profiel_tabel(profiel.reset_index()).set_index("Indicator")
    assert tabel.loc["Eenzaam", "Gemeente"] == f"{fmt_pct(kern['eenzaam']['waarde'])} " \
                                               "(berekend uit de buurten)"
    assert tabel.loc["Eenzaam", "Nederland"] == "geen gegevens"


def test_a_published_reference_is_used_with_its_interval():
    gebieden, indicatoren, initiatieven = make_frames()
    data = assemble([gebieden], [indicatoren], [initiatieven], key=("t",))
    cijfers = buurtcijfers(data, gemeentecode="GM0001")
    eenzaam = tabellen.profiel(data, cijfers, "BU00010002").set_index("indicator").loc[
        "eenzaam"]
    assert eenzaam["gemeente"] == pytest.approx(36.0)
    assert eenzaam["gemeente_onder"] == pytest.approx(35.0)
    assert not eenzaam["gemeente_berekend"]
    assert eenzaam["wijk_berekend"]          # the factory publishes no wijk rows


# --- the witte-vlekken download and local times -----------------------------------------

def test_witte_vlekken_table_holds_the_classification_and_its_reason(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001")
    tabel = tabellen.witte_vlekken_tabel(cijfers, alleen_vlekken=False).set_index("Buurtcode")
    # issue 11: a buurt that cannot be rated says so, with the reason that comes first
    assert set(tabel["Witte vlek"]) <= {"ja", "nee", "niet beoordeeld"}
    assert tabel.loc["BU00010102", "Witte vlek"] == "niet beoordeeld"
    assert tabel.loc["BU00010102", "Kwadrant"] == "niet beoordeeld"
    assert tabel.loc["BU00010102", "Waarom"] == \
        "Niet beoordeeld: te weinig inwoners (60; minimaal 100)."
    known = cijfers.set_index("buurtcode")["witte_vlek"].dropna()
    for code, value in known.items():
        assert tabel.loc[code, "Witte vlek"] == ("ja" if value else "nee")
        assert "grens" in tabel.loc[code, "Waarom"]
    assert str(tabel["Inwoners"].dtype) == "Int64"          # counts are whole numbers


def test_publication_times_are_shown_as_the_clock_in_the_netherlands():
    from types import SimpleNamespace
    gegevens = SimpleNamespace(is_demo=False, versies=[
        SimpleNamespace(name=name, kind="indicatoren", number=1, rows=10, created_by="a",
                        source_filename="x.csv", created_at=moment)
        for name, moment in (("zomer", datetime(2024, 7, 1, 22, 30, tzinfo=UTC)),
                             ("winter", datetime(2024, 1, 15, 23, 30, tzinfo=UTC)))])
    geladen = tabellen.geladen(gegevens).set_index("Dataset")
    assert geladen.loc["zomer", "Gepubliceerd"] == "02-07-2024 00:30"     # CEST, UTC+2
    assert geladen.loc["winter", "Gepubliceerd"] == "16-01-2024 00:30"    # CET, UTC+1


def test_trend_of_a_gemeente_without_own_figures_is_weighted_per_year():
    data = _alleen_buurtrijen()
    trend = tabellen.trend(data, "eenzaam", {"Buurt": "BU00010002", "Gemeente": "GM0001"},
                             "18+")
    gemeente = trend[trend["gebied"] == "Gemeente"].set_index("periode")
    assert list(gemeente.index) == [2020, 2022]
    assert gemeente["berekend"].all() and gemeente["ondergrens"].isna().all()
    # 2022: the same weighting as the profile (32/37/42 % twice, the 60-inwoner buurt
    # has no figure); 2020 is two points lower in every buurt
    assert gemeente.loc[2022, "waarde"] == pytest.approx(
        (32 * 1000 + 37 * 2000 + 42 * 3000 + 32 * 1000 + 37 * 2000) / 9000)
    assert gemeente.loc[2020, "waarde"] == pytest.approx(gemeente.loc[2022, "waarde"] - 2)
    assert not trend.loc[trend["gebied"] == "Buurt", "berekend"].any()


# --- dekking: the area each initiative list covers, kept with its version -------------------

def test_dekking_is_the_union_of_each_active_list_given_or_by_default(tmp_path):
    from wijkdata.model.gegevens import load_active
    from wijkdata.store import Store
    gebieden, indicatoren, lijst_0001 = make_frames()
    _, _, lijst_0002 = make_frames(zonder_initiatieven=("0001",))
    store = Store(f"sqlite:///{tmp_path / 'dekking.sqlite'}")
    for kind, name, frame, dekking in (
            ("buurten", "grenzen", gebieden, None), ("indicatoren", "cijfers", indicatoren, None),
            # a partial list: the analyst says it covers only wijk 00 of GM0001
            ("initiatieven", "lijst 0001", lijst_0001, ("WK000100",)),
            ("initiatieven", "lijst 0002", lijst_0002, None)):
        store.publish(kind, name, frame, source_filename=f"{name}.csv", checksum="0",
                      dekking=dekking)
    gegevens = load_active(store)
    store.dispose()
    # list 0002 gave none: the gemeente its initiatives lie in
    assert gegevens.dekking == ("GM0002", "WK000100")
    cijfers = buurtcijfers(gegevens).set_index("buurtcode")
    buiten = cijfers.loc["BU00010100"]                     # wijk 01 of GM0001: not covered
    assert not buiten["aanbod_bekend"] and pd.isna(buiten["witte_vlek"])
    assert "aanbod onbekend" in buiten["niet_beoordeeld"]
    assert buiten["initiatieven"] == 0                     # counted, but not read as empty
    binnen = cijfers.loc[["BU00010000", "BU00010001", "BU00020000", "BU00020001"]]
    assert binnen["aanbod_bekend"].all() and binnen["witte_vlek"].notna().all()


def test_without_a_stored_dekking_each_list_covers_its_own_gemeenten(gegevens):
    assert gegevens.dekking == ("GM0001",)
    cijfers = buurtcijfers(gegevens).set_index("buurtcode")
    assert not cijfers.loc["BU00020000", "aanbod_bekend"]
    assert cijfers.loc["BU00010000", "aanbod_bekend"]


def test_the_demo_still_loads_with_its_own_gemeente_as_dekking():
    from wijkdata.model.gegevens import load_demo
    demo = load_demo()
    assert demo.dekking == tuple(sorted(demo.initiatieven["gemeentecode"].dropna().unique()))
    assert len(demo.dekking) >= 1


# --- bron and laatst_bevestigd: where an initiative comes from, and how fresh it is -------

def _zet_datum(store, versie, moment):
    """Give a stored version another publication moment, as if published then."""
    from wijkdata.store import versions_table
    with store.engine.begin() as conn:
        conn.execute(versions_table.update().where(versions_table.c.id == versie.id)
                     .values(created_at=moment))


def _ouder_lijst_csv() -> bytes:
    """A second list of Almere as a welfare organisation keeps it: its own column
    'Laatst bevestigd' (Dutch dates, one cell empty, one unreadable)."""
    rows = ["Naam;Activiteit;Buurtcode;Laatst bevestigd",
            "Taalcafé;ontmoeting;BU00340101;3-3-2021",
            "Wandelclub;sport en bewegen;BU00340102;",
            "Repair café;burenhulp en zorg;BU00340103;ooit",
            "Zangkoor;muziek en cultuur;BU00340104;29-2-2024"]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def test_each_initiative_carries_its_own_lists_name_and_date(store_url):
    """Real-shaped: the Almere files plus two more initiative lists, published on three
    different days. Every row carries the name of its own list and the Dutch day of that
    list's version; a list's own 'Laatst bevestigd' wins where it has a readable date."""
    from datetime import date

    from tests.factory import almere_files, publish_files
    from wijkdata.model.gegevens import load_active
    from wijkdata.store import Store
    files = almere_files()
    files["welzijn_almere.csv"] = _ouder_lijst_csv()
    publish_files(store_url, files)
    store = Store(store_url)
    versies = {v.name: v for v in store.active_versions() if v.kind == "initiatieven"}
    assert set(versies) == {"initiatieven_almere", "welzijn_almere"}
    # 23:30 UTC on 31 May is 1 June in the Netherlands (summer time).
    _zet_datum(store, versies["initiatieven_almere"], datetime(2025, 5, 31, 23, 30, tzinfo=UTC))
    _zet_datum(store, versies["welzijn_almere"], datetime(2024, 11, 5, 9, 0, tzinfo=UTC))
    gegevens = load_active(store)
    store.dispose()

    ini = gegevens.initiatieven
    assert str(ini["laatst_bevestigd"].dtype) == "datetime64[ns]"
    assert ini["bron"].notna().all() and ini["laatst_bevestigd"].notna().all()
    gemeente = ini[ini["bron"] == "initiatieven_almere"]
    assert len(gemeente) == 24
    assert set(gemeente["laatst_bevestigd"]) == {pd.Timestamp(2025, 6, 1)}
    welzijn = ini[ini["bron"] == "welzijn_almere"].set_index("naam")["laatst_bevestigd"]
    assert welzijn.to_dict() == {
        "Taalcafé": pd.Timestamp(2021, 3, 3),        # its own date
        "Wandelclub": pd.Timestamp(2024, 11, 5),     # empty cell: the list's day
        "Repair café": pd.Timestamp(2024, 11, 5),    # unreadable: the list's day
        "Zangkoor": pd.Timestamp(2024, 2, 29)}
    assert (ini["laatst_bevestigd"] == ini["laatst_bevestigd"].dt.normalize()).all()
    # the join to the buurten kept both, and every buurtcode found its buurt
    assert ini.loc[ini["bron"] == "welzijn_almere", "gemeentecode"].eq("GM0034").all()
    assert date(2025, 6, 1) == gemeente["laatst_bevestigd"].iloc[0].date()


def test_a_frame_that_names_its_bron_keeps_it_and_its_date():
    from datetime import date

    from wijkdata.model.gegevens import vul_herkomst
    frame = pd.DataFrame({
        "naam": ["uit melding", "leeg", "tekst nan", "samengevoegd"],
        "bron": ["melding", None, "nan", ""],
        "laatst_bevestigd": pd.to_datetime(["2026-01-05", None, None, "2025-12-24 14:00"],
                                           format="ISO8601")})
    out = vul_herkomst(frame, "buurtlijst", date(2026, 3, 1))
    assert out["bron"].tolist() == ["melding", "buurtlijst", "buurtlijst", "buurtlijst"]
    assert out["laatst_bevestigd"].tolist() == [
        pd.Timestamp(2026, 1, 5), pd.Timestamp(2026, 3, 1), pd.Timestamp(2026, 3, 1),
        pd.Timestamp(2025, 12, 24)]                      # to the day
    assert pd.isna(frame["bron"].iloc[1])              # the caller's frame is untouched
    # without the columns at all, and text dates as the store may hold them (ISO only)
    kaal = vul_herkomst(pd.DataFrame({"naam": ["a", "b"], "laatst_bevestigd":
                                      ["2024-02-29", "03-04-2024"]}), "lijst", None)
    assert kaal["bron"].tolist() == ["lijst", "lijst"]
    assert kaal["laatst_bevestigd"].iloc[0] == pd.Timestamp(2024, 2, 29)
    assert pd.isna(kaal["laatst_bevestigd"].iloc[1])     # never guessed day- or month-first


def test_a_moment_with_a_time_zone_counts_as_its_dutch_day():
    from wijkdata.model.gegevens import als_dag
    moments = pd.Series(pd.to_datetime(["2025-03-29 23:30", "2025-06-30 21:59",
                                        "2025-06-30 22:00"]).tz_localize("UTC"))
    assert als_dag(moments).tolist() == [pd.Timestamp(2025, 3, 30), pd.Timestamp(2025, 6, 30),
                                         pd.Timestamp(2025, 7, 1)]


def test_the_demo_has_a_fixed_bron_and_date():
    from wijkdata.model.gegevens import DEMO_BEVESTIGD, DEMO_NAAM, load_demo
    ini = load_demo().initiatieven
    assert set(ini["bron"]) == {DEMO_NAAM} == {"Voorbeelddata (fictief)"}
    assert set(ini["laatst_bevestigd"]) == {pd.Timestamp(DEMO_BEVESTIGD)}
    # Never old enough to read "mogelijk gestopt", whatever year the demo is shown in.
    assert not formulas.mogelijk_gestopt(ini).any()


def test_assemble_without_versions_leaves_bron_and_date_unknown_not_invented(gegevens):
    ini = gegevens.initiatieven
    assert ini["bron"].isna().all() and ini["laatst_bevestigd"].isna().all()
