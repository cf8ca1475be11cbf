"""Tables and texts as the pages show them (wijkdata.draw.tabellen).

Two kinds of data: the factory's hand-checkable gemeente (tests.factory.make_frames: buurt j
of a wijk is 30 + 5·j % in 2020 and 2 points more in 2022, ±3 points; the last buurt of each
gemeente has 60 inwoners and no figure; GM0001 publishes 36 % (35–37) for itself, NL01 42 %
(41,5–42,5)), and the Almere scenario as an analyst brings it (tests.realshapes: PDOK
buurten, CBS Kerncijfers, RIVM 50120NED with buurt rows only, a Dutch-Excel initiative list)
read through the readers and published.
"""
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factory import almere_files, make_frames, publish_files
from wijkdata.compute.buurttabel import buurtcijfers
from wijkdata.draw import tabellen
from wijkdata.export import spreadsheets
from wijkdata.model.gegevens import assemble, load_active
from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, INDICATOREN
from wijkdata.store import Store

# A cell that shows a missing value as text: what no table may ever hold.
MISSING_AS_TEXT = re.compile(r"\b(nan|NaN|None|null|NULL|NaT)\b|<NA>")

# The RIVM indicators of the Almere scenario: estimates with a 95% interval. The CBS
# figures (inwoners, shares) come without one.
RIVM_LABELS = {"Eenzaam", "Ernstig eenzaam", "Emotioneel eenzaam", "Sociaal eenzaam",
               "Mist emotionele steun", "Mantelzorger", "Doet vrijwilligerswerk"}
CBS_LABELS = {"Inwoners", "65 jaar of ouder", "Eenpersoonshuishoudens"}


def no_missing_as_text(table: pd.DataFrame) -> None:
    for column in table.columns:
        for value in table[column]:
            if isinstance(value, str):
                assert not MISSING_AS_TEXT.search(value), (column, value)


@pytest.fixture
def factory():
    gebieden, indicatoren, initiatieven = make_frames()
    gegevens = assemble([gebieden], [indicatoren], [initiatieven], key=("factory",))
    return gegevens, buurtcijfers(gegevens, gemeentecode="GM0001")


@pytest.fixture(scope="module")
def almere(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('almere') / 'wijkdata.sqlite'}"
    publish_files(url, almere_files())
    store = Store(url)
    gegevens = load_active(store)
    store.dispose()
    return gegevens, buurtcijfers(gegevens, gemeentecode="GM0034")


# --- kerncijfers ---------------------------------------------------------------------------

def test_kerncijfers_take_the_gemeente_s_own_estimate_with_its_interval(factory):
    gegevens, cijfers = factory
    kern = tabellen.kerncijfers(gegevens, cijfers, "GM0001")
    assert kern["buurten"] == 6
    assert kern["inwoners"] == 1000 + 2000 + 3000 + 1000 + 2000 + 60
    assert kern["eenzaam"] == {"waarde": 36.0, "ondergrens": 35.0, "bovengrens": 37.0,
                               "berekend": False}
    assert kern["initiatieven"] == 3
    assert kern["per_1000"] == pytest.approx(3 / 9060 * 1000)
    assert kern["witte_vlekken"] == 2                   # BU00010002 and BU00010101
    assert kern["zonder_gegevens"] == 1                 # the 60-inwoner buurt
    assert (kern["periode"], kern["leeftijd"]) == (2022, "18+")


def test_kerncijfers_are_weighted_from_the_buurten_when_the_source_has_no_gemeente_row(almere):
    gegevens, cijfers = almere
    kern = tabellen.kerncijfers(gegevens, cijfers, "GM0034")
    known = cijfers.dropna(subset=["eenzaam_pct", "inwoners"])
    expected = (known["eenzaam_pct"] * known["inwoners"]).sum() / known["inwoners"].sum()
    assert kern["eenzaam"]["waarde"] == pytest.approx(expected)
    assert kern["eenzaam"]["berekend"]
    assert np.isnan(kern["eenzaam"]["ondergrens"]) and np.isnan(kern["eenzaam"]["bovengrens"])
    assert kern["zonder_gegevens"] == cijfers["eenzaam_pct"].isna().sum() > 0
    assert kern["buurten"] == len(cijfers) == 238


def test_kerncijfers_without_an_initiative_list_say_unknown_not_zero():
    gebieden, indicatoren, _ = make_frames()
    gegevens = assemble([gebieden], [indicatoren], [], key=("zonder lijst",))
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001")
    kern = tabellen.kerncijfers(gegevens, cijfers, "GM0001")
    assert pd.isna(kern["initiatieven"]) and pd.isna(kern["per_1000"])
    assert kern["witte_vlekken"] == 0                   # unknown is not a witte vlek


# --- witte vlekken --------------------------------------------------------------------------

WITTE_VLEKKEN_KOPPEN = ["Rang", "Buurt", "Buurtcode", "Wijk", "Witte vlek", "Zekerheid",
                        "Inwoners", "Eenzaam (%)", "Ondergrens (%)", "Bovengrens (%)",
                        "Binnen bereik", "Per 1.000 inwoners", "In de buurt",
                        "Dichtstbijzijnde initiatief (m)", "Kwadrant", "Waarom"]


# Updated for issue 11 (the old quartile-only method ranked by the value and said "onbekend").
def test_witte_vlekken_follow_the_method_rank_zeker_before_mogelijk(factory):
    _, cijfers = factory
    tabel = tabellen.witte_vlekken_tabel(cijfers, alleen_vlekken=False)
    assert list(tabel.columns) == WITTE_VLEKKEN_KOPPEN
    # 42 % (bound 39 % above the 37 % cut: zeker) before 37 % (bound 34 %: mogelijk); then
    # the other rated buurten by loneliness (37 %, then 32 % twice by supply and code); the
    # buurt of 60 inhabitants (not rated) last.
    assert list(tabel["Buurtcode"]) == ["BU00010002", "BU00010101", "BU00010001",
                                        "BU00010000", "BU00010100", "BU00010102"]
    assert list(tabel["Rang"]) == ["1", "2", "", "", "", ""]
    assert list(tabel["Zekerheid"]) == ["zeker", "mogelijk", "", "", "", ""]
    assert list(tabel["Witte vlek"]) == ["ja", "ja", "nee", "nee", "nee", "niet beoordeeld"]
    only = tabellen.witte_vlekken_tabel(cijfers)
    assert list(only["Buurtcode"]) == ["BU00010002", "BU00010101"]


def test_witte_vlekken_rank_follows_the_lower_bound_not_the_value():
    # Two witte vlekken, both mogelijk: the one with the higher lower bound comes first
    # although its value is lower.
    cijfers = pd.DataFrame({
        "buurtcode": ["BU00010001", "BU00010002"], "buurtnaam": ["A", "B"],
        "wijknaam": ["W", "W"], "witte_vlek": pd.array([True, True], dtype="boolean"),
        "witte_vlek_zekerheid": ["mogelijk", "mogelijk"], "witte_vlek_rang": [2, 1],
        "inwoners": [500, 500], "eenzaam_pct": [60.0, 55.0],
        "eenzaam_ondergrens": [40.0, 50.0], "eenzaam_bovengrens": [70.0, 60.0],
        "initiatieven_binnen_bereik": [0, 0], "initiatieven_binnen_bereik_per_1000": [0.0, 0.0],
        "initiatieven": [0, 0], "afstand_initiatief_m": [800.0, 900.0],
        "kwadrant": ["witte vlek"] * 2, "witte_vlek_reden": ["x", "y"]})
    assert list(tabellen.witte_vlekken_tabel(cijfers)["Buurt"]) == ["B", "A"]


def test_witte_vlekken_say_why_with_both_cuts_and_the_reach(factory):
    _, cijfers = factory
    tabel = tabellen.witte_vlekken_tabel(cijfers, alleen_vlekken=False).set_index("Buurtcode")
    assert tabel.loc["BU00010002", "Waarom"] == (
        "Witte vlek (zeker): eenzaam 42,0% (ondergrens 39,0%) ≥ grens 37,0%; 0 initiatieven "
        "binnen 500 m (0,0 per 1.000 inwoners) ≤ grens 0,5 per 1.000.")
    assert tabel.loc["BU00010000", "Waarom"].startswith("Geen witte vlek: eenzaam 32,0%")
    assert tabel.loc["BU00010102", "Waarom"] == (
        "Niet beoordeeld: te weinig inwoners (60; minimaal 100).")


def test_telling_counts_zeker_mogelijk_and_the_reasons_not_rated(factory):
    _, cijfers = factory
    telling = tabellen.witte_vlekken_telling(cijfers)
    assert (telling["witte_vlekken"], telling["zeker"], telling["mogelijk"]) == (2, 1, 1)
    assert telling["redenen"] == {"te weinig inwoners": 1}
    assert tabellen.niet_beoordeeld_zin(telling) == (
        "1 buurt is niet beoordeeld (1 te weinig inwoners); die staan niet in de figuur.")


def test_uitleg_fills_in_the_chosen_method():
    from wijkdata.compute.witte_vlekken import Methode
    text = tabellen.uitleg(Methode(eenzaam=0.7, aanbod=0.2, bereik_m=300, min_inwoners=50))
    assert "hoogste 30%" in text and "laagste 20%" in text
    assert "300 m" in text and "50 inwoners" in text
    assert "{" not in text
    for word in ("zeker", "mogelijk", "dekking", "Niet beoordeeld", "Voorbeeld",
                 "geen initiatief binnen bereik"):
        assert word in text, word


def test_witte_vlekken_keep_a_missing_figure_missing(factory):
    _, cijfers = factory
    tabel = tabellen.witte_vlekken_tabel(cijfers, alleen_vlekken=False).set_index("Buurtcode")
    onbekend = tabel.loc["BU00010102"]
    assert onbekend["Kwadrant"] == "niet beoordeeld"
    for column in ("Eenzaam (%)", "Ondergrens (%)", "Bovengrens (%)", "Per 1.000 inwoners"):
        assert pd.isna(onbekend[column]), column
    assert onbekend["Inwoners"] == 60 and onbekend["In de buurt"] == 0    # known: a real 0
    no_missing_as_text(tabel.reset_index())


# Updated for issue 11: the witte vlekken come first in the method's rank, then the other
# rated buurten by loneliness, the buurten that are not rated last.
def test_witte_vlekken_ranking_holds_on_real_shaped_data_with_ties(almere):
    _, cijfers = almere
    tabel = tabellen.witte_vlekken_tabel(cijfers, alleen_vlekken=False)
    assert len(tabel) == len(cijfers)
    groep = tabel["Witte vlek"].map({"ja": 0, "nee": 1, "niet beoordeeld": 2})
    assert groep.is_monotonic_increasing
    vlekken = tabel[groep == 0]
    assert list(vlekken["Rang"]) == [str(i) for i in range(1, len(vlekken) + 1)]
    zeker = list(vlekken["Zekerheid"])
    assert zeker == sorted(zeker, key=lambda z: z != "zeker")          # zeker before mogelijk
    rest = tabel[groep == 1]
    pct, per_1000 = rest["Eenzaam (%)"], rest["Per 1.000 inwoners"]
    assert pct.is_monotonic_decreasing
    ties = 0
    for (a, b) in zip(rest.index[:-1], rest.index[1:]):
        if pct[a] == pct[b]:
            ties += 1
            if pd.notna(per_1000[a]) and pd.notna(per_1000[b]):
                assert per_1000[a] <= per_1000[b], (a, b)
    assert ties > 0                                  # the scenario has equal percentages
    only = tabellen.witte_vlekken_tabel(cijfers)
    assert set(only["Witte vlek"]) == {"ja"} and set(only["Kwadrant"]) == {"witte vlek"}
    assert len(only) == cijfers["witte_vlek"].fillna(False).sum()
    no_missing_as_text(tabel)


# --- gewogen --------------------------------------------------------------------------------

def test_gewogen_weighs_by_inwoners_over_the_buurten_with_a_figure(factory):
    gegevens, cijfers = factory
    assert tabellen.gewogen(gegevens, cijfers, "eenzaam", "wijk", "WK000100") == \
        pytest.approx((32 * 1000 + 37 * 2000 + 42 * 3000) / 6000)
    # WK000101: the 60-inwoner buurt has no figure and so no weight
    assert tabellen.gewogen(gegevens, cijfers, "eenzaam", "wijk", "WK000101") == \
        pytest.approx((32 * 1000 + 37 * 2000) / 3000)
    assert np.isnan(tabellen.gewogen(gegevens, cijfers, "eenzaam", "wijk", "WK999999"))


def test_gewogen_reads_an_indicator_that_is_not_in_the_buurt_table(almere):
    gegevens, cijfers = almere
    assert "mantelzorger_pct" not in cijfers
    waarden = gegevens.waarden("mantelzorger", 2022, "18+")["waarde"]
    wijk = cijfers[cijfers["wijkcode"] == "WK003401"]
    frame = pd.DataFrame({"w": wijk["inwoners"].values,
                          "v": wijk["buurtcode"].map(waarden).values}).dropna()
    expected = (frame["v"] * frame["w"]).sum() / frame["w"].sum()
    assert tabellen.gewogen(gegevens, cijfers, "mantelzorger", "wijk", "WK003401") == \
        pytest.approx(expected)


# --- profiel and profiel_tabel --------------------------------------------------------------

def test_profiel_compares_only_where_the_intervals_allow_it(factory):
    gegevens, cijfers = factory
    profiel = tabellen.profiel(gegevens, cijfers, "BU00010002").set_index("indicator")
    eenzaam = profiel.loc["eenzaam"]
    assert (eenzaam["buurt"], eenzaam["buurt_onder"], eenzaam["buurt_boven"]) == (42, 39, 45)
    assert (eenzaam["gemeente"], eenzaam["gemeente_onder"]) == (36, 35)
    assert eenzaam["vs_gemeente"] == "hoger dan gemiddeld"          # 39 > 37
    assert eenzaam["vs_nederland"] == "niet duidelijk verschillend"  # 39–45 holds 42
    assert eenzaam["wijk_berekend"] and not eenzaam["gemeente_berekend"]
    inwoners = profiel.loc["inwoners"]
    assert (inwoners["buurt"], inwoners["wijk"], inwoners["gemeente"]) == (3000, 6000, 9060)
    assert pd.isna(inwoners["vs_gemeente"]) and pd.isna(inwoners["vs_nederland"])


def test_profiel_has_intervals_only_for_the_estimates(almere):
    gegevens, cijfers = almere
    code = cijfers.dropna(subset=["eenzaam_pct"])["buurtcode"].iloc[0]
    profiel = tabellen.profiel(gegevens, cijfers, code).set_index("label")
    assert set(profiel.index) == RIVM_LABELS | CBS_LABELS
    for label in RIVM_LABELS:
        row = profiel.loc[label]
        assert row["buurt_onder"] < row["buurt"] < row["buurt_boven"], label
        assert row["vs_gemeente"] in ("hoger dan gemiddeld", "lager dan gemiddeld",
                                      "niet duidelijk verschillend"), label
    for label in CBS_LABELS:
        row = profiel.loc[label]
        for level in ("buurt", "wijk", "gemeente", "nederland"):
            assert pd.isna(row[f"{level}_onder"]) and pd.isna(row[f"{level}_boven"]), label
        assert pd.isna(row["vs_gemeente"]) and pd.isna(row["vs_nederland"]), label


PROFIEL_KOPPEN = ["Indicator", "Buurt", "Wijk", "Gemeente", "Nederland",
                  "Buurt t.o.v. gemeente", "Buurt t.o.v. Nederland"]


def test_profiel_tabel_reads_as_dutch_text(factory):
    gegevens, cijfers = factory
    tabel = tabellen.profiel_tabel(tabellen.profiel(gegevens, cijfers, "BU00010002"))
    assert list(tabel.columns) == PROFIEL_KOPPEN
    tabel = tabel.set_index("Indicator")
    assert tabel.loc["Eenzaam", "Buurt"] == "42,0% (39,0–45,0%)"
    assert tabel.loc["Eenzaam", "Gemeente"] == "36,0% (35,0–37,0%)"
    assert tabel.loc["Eenzaam", "Wijk"] == "38,7% (berekend uit de buurten)"
    assert tabel.loc["Eenzaam", "Buurt t.o.v. gemeente"] == "hoger dan gemiddeld"
    assert tabel.loc["Inwoners", "Buurt"] == "3.000"
    assert tabel.loc["Inwoners", "Nederland"] == "geen gegevens"
    assert tabel.loc["Inwoners", "Buurt t.o.v. gemeente"] == "—"


def test_profiel_tabel_shows_an_interval_only_for_an_estimate(almere):
    gegevens, cijfers = almere
    code = cijfers.dropna(subset=["eenzaam_pct"])["buurtcode"].iloc[0]
    tabel = tabellen.profiel_tabel(tabellen.profiel(gegevens, cijfers, code))
    tabel = tabel.set_index("Indicator")
    interval = re.compile(r"^\d+,\d% \(\d+,\d–\d+,\d%\)$")
    for label in RIVM_LABELS:
        assert interval.match(tabel.loc[label, "Buurt"]), (label, tabel.loc[label, "Buurt"])
    for label in CBS_LABELS:
        assert "(" not in tabel.loc[label, "Buurt"] and "–" not in tabel.loc[label, "Buurt"]
        assert tabel.loc[label, "Buurt t.o.v. gemeente"] == "—"
    no_missing_as_text(tabel.reset_index())


# --- trend and leeftijdsgroepen --------------------------------------------------------------

def test_trend_leaves_out_periods_without_a_value(factory):
    gegevens, _ = factory
    trend = tabellen.trend(gegevens, "eenzaam", {"Buurt": "BU00010102", "Gemeente": "GM0001",
                                                 "Nederland": "NL01"}, "18+")
    assert "Buurt" not in set(trend["gebied"])            # no figures: no rows, never 0
    gemeente = trend[trend["gebied"] == "Gemeente"].set_index("periode")
    assert list(gemeente.index) == [2020, 2022]
    assert list(gemeente["waarde"]) == [34.0, 36.0]
    assert list(gemeente["ondergrens"]) == [33.0, 35.0] and not gemeente["berekend"].any()
    assert list(trend.loc[trend["gebied"] == "Nederland", "waarde"]) == [40.0, 42.0]


def test_leeftijdsgroepen_name_each_group_in_dutch_and_keep_gaps(factory):
    gegevens, _ = factory
    groepen = tabellen.leeftijdsgroepen(gegevens, "eenzaam", "BU00010002", 2022)
    assert list(groepen["leeftijd"]) == ["18 jaar en ouder", "18 tot 65 jaar",
                                         "65 jaar en ouder"]
    assert list(groepen["waarde"]) == [42.0, 37.0, 50.0]
    assert list(groepen["ondergrens"]) == [39.0, 34.0, 47.0]
    leeg = tabellen.leeftijdsgroepen(gegevens, "eenzaam", "BU00010102", 2022)
    assert leeg[["waarde", "ondergrens", "bovengrens"]].isna().all().all()


# --- initiatives ----------------------------------------------------------------------------

def test_initiatieven_rond_lists_the_buurt_s_own_first_then_the_nearest(factory):
    gegevens, _ = factory
    rond = tabellen.initiatieven_rond(gegevens, "BU00010000")
    assert list(rond["naam"]) == ["Init 0001-0", "Init 0001-1", "Init 0001-code"]
    assert list(rond["in_buurt"]) == [True, True, False]
    assert list(rond["afstand_m"]) == [0.0, 0.0, 250.0]
    # GM0002 has none of its own: the three of GM0001, 9 to 10 km west, nearest first
    elders = tabellen.initiatieven_rond(gegevens, "BU00020000")
    assert not elders["in_buurt"].any() and elders["afstand_m"].is_monotonic_increasing
    assert elders["afstand_m"].min() > 9000


def test_initiatieven_rond_on_real_shaped_data(almere):
    gegevens, cijfers = almere
    code = cijfers.sort_values("initiatieven", ascending=False)["buurtcode"].iloc[0]
    rond = tabellen.initiatieven_rond(gegevens, code, n=8)
    inside = rond[rond["in_buurt"]]
    assert len(inside) == cijfers.set_index("buurtcode").loc[code, "initiatieven"] > 0
    assert (inside["afstand_m"] == 0).all() and rond.index[rond["in_buurt"]].max() < len(inside)
    around = rond[~rond["in_buurt"]]
    assert len(around) == max(8 - len(inside), 3)
    assert around["afstand_m"].is_monotonic_increasing and (around["afstand_m"] > 0).all()


def test_initiatieven_rond_of_an_unknown_buurt_is_empty(factory):
    gegevens, _ = factory
    assert tabellen.initiatieven_rond(gegevens, "BU99990000").empty


def test_initiatieven_rond_has_the_same_columns_when_empty(factory):
    gegevens, _ = factory
    full = tabellen.initiatieven_rond(gegevens, "BU00010000")
    empty = tabellen.initiatieven_rond(gegevens, "BU99990000")
    assert list(empty.columns) == list(full.columns)
    assert tabellen.initiatieven_rond_tabel(empty).empty


def test_initiatieven_rond_tabel_says_where_in_words(almere):
    gegevens, cijfers = almere
    code = cijfers.sort_values("initiatieven", ascending=False)["buurtcode"].iloc[0]
    rond = tabellen.initiatieven_rond(gegevens, code)
    tabel = tabellen.initiatieven_rond_tabel(rond)
    assert list(tabel.columns) == ["Initiatief", "Waar", "Activiteit", "Bron",
                                   "Laatst bevestigd", "Wij-type", "Voor wie", "Hoe vaak",
                                   "Wat"]
    assert set(tabellen.kolombreedtes(tabel)) == set(tabel.columns)
    assert set(tabel["Bron"]) == {"initiatieven_almere"}
    assert all(re.fullmatch(r"\d{2}-\d{2}-\d{4}", d) for d in tabel["Laatst bevestigd"])
    for inside, waar in zip(rond["in_buurt"], tabel["Waar"]):
        assert waar == "in de buurt" if inside else re.match(r"^op \d[\d.,]* k?m$", waar)
    # The list leaves some descriptions and frequencies empty: they stay missing.
    assert tabel["Wat"].isna().any() or tabel["Hoe vaak"].isna().any()
    no_missing_as_text(tabel)


def test_tellingen_list_every_allowed_value_and_count_each_target_group():
    initiatieven = pd.DataFrame({
        "activiteit": ["feest", None, "feest", "kaartclub"],
        "doelgroepen": ["ouderen; jongeren", "ouderen", None, ""],
    })
    activiteit = tabellen.tellingen(initiatieven, "activiteit").set_index("activiteit")
    assert list(activiteit.index) == ACTIVITEITEN + ["kaartclub"]   # unknown values too
    assert activiteit.loc["feest", "aantal"] == 2 and activiteit.loc["kaartclub", "aantal"] == 1
    assert activiteit.loc["ontmoeting", "aantal"] == 0
    assert activiteit["aantal"].sum() == 3                 # the missing one is not counted
    groepen = tabellen.tellingen(initiatieven, "doelgroepen").set_index("doelgroepen")
    assert list(groepen.index) == DOELGROEPEN
    assert groepen.loc["ouderen", "aantal"] == 2 and groepen.loc["jongeren", "aantal"] == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(DOELGROEPEN), max_size=3, unique=True), max_size=25))
def test_tellingen_count_each_listed_target_group_once(lists):
    initiatieven = pd.DataFrame({"doelgroepen": ["; ".join(g) if g else None for g in lists]},
                                dtype=object)
    groepen = tabellen.tellingen(initiatieven, "doelgroepen").set_index("doelgroepen")
    for groep in DOELGROEPEN:
        assert groepen.loc[groep, "aantal"] == sum(groep in g for g in lists)


def test_tellingen_on_real_shaped_data(almere):
    gegevens, _ = almere
    wij = tabellen.tellingen(gegevens.initiatieven, "wij_type")
    assert wij["aantal"].sum() == gegevens.initiatieven["wij_type"].notna().sum() == 24


# --- definities, kaart_tabel, initiatieven_weergave ------------------------------------------

def test_definities_name_every_indicator_with_unit_definition_and_source():
    tabel = tabellen.definities()
    assert list(tabel.columns) == ["Indicator", "Eenheid", "Definitie", "Bron"]
    assert list(tabel["Indicator"]) == [i.label for i in INDICATOREN.values()]
    assert set(tabel["Eenheid"]) == {"%", "aantal"}
    assert (tabel["Definitie"].str.len() > 10).all() and tabel["Bron"].str.len().all()


def test_kaart_tabel_holds_the_numbers_behind_the_map(almere):
    _, cijfers = almere
    tabel = tabellen.kaart_tabel(cijfers)
    assert list(tabel.columns) == ["Buurt", "Buurtcode", "Eenzaam (%)", "Ondergrens (%)",
                                   "Bovengrens (%)", "Initiatieven"]
    assert list(tabel["Buurtcode"]) == list(cijfers["buurtcode"])
    missing = cijfers["eenzaam_pct"].isna().to_numpy()
    assert missing.any() and tabel.loc[missing, "Eenzaam (%)"].isna().all()
    assert (tabel.loc[~missing, "Ondergrens (%)"] <= tabel.loc[~missing, "Eenzaam (%)"]).all()
    sociaal = tabellen.kaart_tabel(cijfers, "sociaal_eenzaam")
    assert "Sociaal eenzaam (%)" in sociaal.columns
    assert list(sociaal["Sociaal eenzaam (%)"].fillna(-1)) == \
        list(cijfers["sociaal_eenzaam_pct"].fillna(-1))
    no_missing_as_text(tabel)


def test_initiatieven_weergave_has_dutch_headers_only(almere):
    gegevens, _ = almere
    tabel = tabellen.initiatieven_weergave(spreadsheets.initiatieven_table(
        gegevens.initiatieven))
    assert list(tabel.columns) == ["Naam", "Omschrijving", "Activiteit", "Wij-type",
                                   "Voor wie", "Hoe vaak", "Sinds", "Tot", "Organisator",
                                   "Buurtcode", "Wijkcode", "Gemeentecode", "Breedtegraad",
                                   "Lengtegraad", "Locatie op buurtniveau", "Bron",
                                   "Laatst bevestigd"]
    assert len(tabel) == 24
    assert tabel["Tot"].isna().all()                    # no end dates in the list: missing
    no_missing_as_text(tabel)


# --- bron, laatst bevestigd and the status on the Initiatieven page -------------------------

def _twee_lijsten_almere(tmp_path):
    """Almere's files plus a second list with its own 'Laatst bevestigd' (one old, one empty,
    one on a leap day), published, then loaded as the pages load it."""
    files = almere_files()
    files["welzijn_almere.csv"] = (
        "Naam;Activiteit;Buurtcode;Einddatum;Laatst bevestigd\r\n"
        "Taalcafé;ontmoeting;BU00340101;;3-3-2021\r\n"
        "Wandelclub;sport en bewegen;BU00340102;;\r\n"
        "Zangkoor;muziek en cultuur;BU00340104;;29-2-2024\r\n"
        "=HYPERLINK(\"http://x\");feest;BU00340104;1-1-2025;2022-01-01\r\n").encode()
    url = f"sqlite:///{tmp_path / 'wijkdata.sqlite'}"
    publish_files(url, files)
    store = Store(url)
    gegevens = load_active(store)
    store.dispose()
    return gegevens


def test_status_says_gestopt_mogelijk_gestopt_onbekend_or_loopt(tmp_path):
    from datetime import date
    ini = _twee_lijsten_almere(tmp_path).initiatieven.copy()
    ini.loc[ini["naam"] == "Wandelclub", "laatst_bevestigd"] = pd.NaT   # as assembled bare
    status = tabellen.initiatief_status(ini, date(2026, 3, 1)).set_axis(ini["naam"].values)
    assert status["Taalcafé"] == "mogelijk gestopt"
    assert status["Wandelclub"] == "onbekend"
    assert status["Zangkoor"] == "mogelijk gestopt"             # 29-2-2024 + 2 jaar < 1 maart
    assert tabellen.initiatief_status(ini, date(2026, 2, 28)).set_axis(
        ini["naam"].values)["Zangkoor"] == "loopt"
    assert status['=HYPERLINK("http://x")'] == "gestopt"         # its end date has passed
    # the gemeente's own list was published today: it runs
    assert (status[ini["bron"].eq("initiatieven_almere").to_numpy()] == "loopt").all()


def test_the_initiatieven_page_shows_bron_date_and_status_in_words(tmp_path):
    from datetime import date
    gegevens = _twee_lijsten_almere(tmp_path)
    ini = gegevens.initiatieven.copy()
    ini.loc[ini["naam"] == "Wandelclub", ["laatst_bevestigd", "bron"]] = [pd.NaT, None]
    vandaag = date(2026, 12, 2)
    export = spreadsheets.initiatieven_table(ini)
    status = tabellen.initiatief_status(ini, vandaag)
    scherm = tabellen.initiatieven_scherm(export, status)
    assert list(scherm.columns)[:4] == ["Naam", "Status", "Laatst bevestigd", "Bron"]
    assert set(tabellen.kolombreedtes(scherm)) == set(scherm.columns)
    assert "Breedtegraad" not in scherm and "Lengtegraad" not in scherm
    rij = scherm.set_index("Naam")
    assert rij.loc["Taalcafé", "Laatst bevestigd"] == "03-03-2021"
    assert rij.loc["Taalcafé", "Bron"] == "welzijn_almere"
    assert rij.loc["Taalcafé", "Status"] == "mogelijk gestopt"
    assert rij.loc["Wandelclub", ["Laatst bevestigd", "Bron", "Status"]].tolist() == [
        "onbekend", "onbekend", "onbekend"]
    assert rij.loc["Taalcafé", "Sinds"] == ""                 # no start date: empty, not 'NaT'
    assert rij.loc["Buurtinitiatief 1", "Sinds"] == "02-02-2023"
    no_missing_as_text(scherm)
    # formula text stays neutralised on the page as in the download
    assert "'=HYPERLINK(\"http://x\")" in rij.index
    # the download: every export column, Dutch headers, the status; dates stay dates
    download = tabellen.initiatieven_weergave(export, status)
    assert list(download.columns)[:2] == ["Naam", "Status"]
    assert list(download.columns)[-2:] == ["Bron", "Laatst bevestigd"]
    assert download.set_index("Naam").loc["Taalcafé", "Laatst bevestigd"] == "2021-03-03"
    assert pd.isna(download.set_index("Naam").loc["Wandelclub", "Laatst bevestigd"])


def test_the_status_explanation_names_the_two_years():
    assert "meer dan 2 jaar niet bevestigd" in tabellen.STATUS_UITLEG
    assert "telt nog mee" in tabellen.STATUS_UITLEG
