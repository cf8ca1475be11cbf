"""Likely duplicates of a report (wijkdata.compute.dubbelen): hand cases that must and must
not match, the rules skipped on missing inputs, the order, the speed, and robustness
(hypothesis: odd unicode, empty names, NaN coordinates)."""
from __future__ import annotations

import io
import math
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import box

from tests.realshapes import pdok_buurten_geojson
from wijkdata.compute.dubbelen import (
    KOLOMMEN,
    buren_van,
    buurtcodes_erbij,
    mogelijke_dubbelen,
    naam_gelijkenis,
    normaliseer_naam,
)

BUURT = "BU03630001"
NAAST = "BU03630002"
VER = "BU03630099"
BUREN = {BUURT: {NAAST}, NAAST: {BUURT}, VER: set()}
# A spot in Amsterdam and a helper to put points a given number of metres east of it.
LAT, LON = 52.3702, 4.8952
_RD = Transformer.from_crs(4326, 28992, always_xy=True)
_WGS = Transformer.from_crs(28992, 4326, always_xy=True)


def oost(meter: float) -> tuple[float, float]:
    x, y = _RD.transform(LON, LAT)
    lon, lat = _WGS.transform(x + meter, y)
    return lat, lon


def melding(**velden) -> dict:
    base = {"id": 7, "naam": "Koffietafel De Buurtkamer", "activiteit": "ontmoeting",
            "buurtcode": BUURT, "lat": LAT, "lon": LON}
    return {**base, **velden}


def lijst(*rijen: dict, bron: str = "Sociale kaart") -> pd.DataFrame:
    defaults = {"naam": "", "activiteit": "", "buurtcode": None, "lat": np.nan, "lon": np.nan}
    return pd.DataFrame([{**defaults, **r} for r in rijen]).assign(bron=bron)


GEEN_MELDINGEN = pd.DataFrame(columns=["id", "naam", "activiteit", "buurtcode", "lat", "lon",
                                       "status"])


# --- the name score -------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Koffietafel De Buurtkamer", "koffie-tafel buurtkamer"),
    ("Zingende straat", "Straat zingt op Koningsdag"),
    ("Lief-en-leedpotje", "lief en leed potje"),
    ("Breiclub", "Breiclub wijkcentrum"),
    ("Vogelvlotten bouwen met jong en oud", "Vogelvlotten"),
    ("Stichting Repair Café Noord", "Repair cafe noord"),
    ("Taalcafé De Wereld", "TAALCAFE DE WERELD"),
])
def test_names_of_one_initiative_score_at_least_80(a, b):
    assert naam_gelijkenis(a, b) >= 80
    assert naam_gelijkenis(b, a) >= 80


@pytest.mark.parametrize("a, b", [
    ("Koffietafel De Buurtkamer", "Koffieochtend Het Trefpunt"),
    ("Buurtmoestuin Zuid", "Buurtbarbecue Zuid"),
    ("Taalcafé", "Repair Café"),
    ("Stichting De Wandelgroep", "Wandelclub"),
    ("Buurtkamer", "Buurthuis"),
    ("Samen eten", "Samen koken"),
])
def test_names_of_different_initiatives_score_below_80(a, b):
    assert naam_gelijkenis(a, b) < 80


def test_normalised_names_drop_accents_filler_words_and_join_hyphens():
    assert normaliseer_naam("Koffie-tafel De Buurtkamer!") == "koffietafel buurtkamer"
    assert normaliseer_naam("Stichting Café 't Hoekje") == "cafe hoekje"
    assert normaliseer_naam(None) == normaliseer_naam(math.nan) == normaliseer_naam("De") == ""
    assert math.isnan(naam_gelijkenis("Het", "Buurtkamer"))


# --- the rules ------------------------------------------------------------------------

def test_similar_name_in_the_same_or_a_neighbouring_buurt_matches_but_not_further_away():
    ini = lijst({"naam": "koffie-tafel buurtkamer", "buurtcode": BUURT},
                {"naam": "Koffietafel buurtkamer", "buurtcode": NAAST},
                {"naam": "Koffietafel Buurtkamer", "buurtcode": VER},
                {"naam": "Jeu de boules", "buurtcode": BUURT})
    uit = mogelijke_dubbelen(melding(lat=None, lon=None), ini, GEEN_MELDINGEN, BUREN)
    assert list(uit.columns) == KOLOMMEN
    assert list(uit["rij"]) == [0, 1]
    assert list(uit["reden"]) == ["Lijkt op de naam (100%) in dezelfde buurt",
                                  "Lijkt op de naam (100%) in een buurt ernaast"]
    assert uit["afstand_m"].isna().all()
    assert list(uit["soort"]) == ["initiatief", "initiatief"]
    assert list(uit["bron"]) == ["Sociale kaart", "Sociale kaart"]
    # Without buren only the same buurt counts.
    assert list(mogelijke_dubbelen(melding(), ini, GEEN_MELDINGEN)["rij"]) == [0]


def test_near_with_the_same_activity_matches_whatever_the_name():
    rows = []
    for meter, activiteit in [(40, "ontmoeting"), (140, "ontmoeting"), (160, "ontmoeting"),
                              (20, "feest"), (10, "")]:
        lat, lon = oost(meter)
        rows.append({"naam": f"Anders {meter}", "activiteit": activiteit, "lat": lat,
                     "lon": lon, "buurtcode": VER})
    uit = mogelijke_dubbelen(melding(), lijst(*rows), GEEN_MELDINGEN, BUREN)
    assert list(uit["rij"]) == [0, 1]
    assert list(uit["reden"]) == ["Op 40 m, zelfde activiteit", "Op 140 m, zelfde activiteit"]
    assert uit["afstand_m"].round().tolist() == [40, 140]
    # The threshold is a parameter.
    assert list(mogelijke_dubbelen(melding(), lijst(*rows), GEEN_MELDINGEN,
                                   afstand_m=200)["rij"]) == [0, 1, 2]


def test_rd_coordinates_of_the_list_count_when_it_has_no_lat_lon():
    x, y = _RD.transform(LON, LAT)
    ini = lijst({"naam": "Iets anders", "activiteit": "Ontmoeting ", "x": x + 30, "y": y})
    uit = mogelijke_dubbelen(melding(), ini, GEEN_MELDINGEN)
    assert uit["reden"].tolist() == ["Op 30 m, zelfde activiteit"]


def drie_buurten() -> gpd.GeoDataFrame:
    """BUURT: 500 m square around the spot of melding(); NAAST: the square east of it; VER:
    5 km further east."""
    x, y = _RD.transform(LON, LAT)
    return gpd.GeoDataFrame(
        {"code": [BUURT, NAAST, VER], "niveau": "buurt"},
        geometry=[box(x - 250, y - 250, x + 250, y + 250),
                  box(x + 250, y - 250, x + 750, y + 250),
                  box(x + 5000, y - 250, x + 5500, y + 250)], crs=28992)


def test_a_list_with_only_points_is_matched_on_the_name_in_the_buurt_its_point_lies_in():
    # A municipal list geocoded from addresses: points (lat/lon or RD x/y), no buurtcodes.
    x, y = _RD.transform(LON, LAT)
    ini = lijst({"naam": "Koffietafel De Linde", "activiteit": "ontmoeting",
                 "lat": oost(200)[0], "lon": oost(200)[1]},           # BUURT, 200 m
                {"naam": "Koffietafel De Linde", "x": x + 600, "y": y},   # NAAST
                {"naam": "Koffietafel De Linde", "lat": oost(5200)[0],
                 "lon": oost(5200)[1]},                                # VER
                {"naam": "Jeu de boules De Vijver", "activiteit": "ontmoeting",
                 "lat": oost(5300)[0], "lon": oost(5300)[1]},          # VER, other name
                {"naam": "Koffietafel De Linde", "buurtcode": BUURT},    # code only
                {"naam": "Buurtmoestuin", "activiteit": "ontmoeting", "buurtcode": BUURT})
    gebieden = drie_buurten()
    melding_ = melding(naam="koffietafel de linde")
    # Before: only the row with a buurtcode; the place rule misses the first (200 m).
    assert list(mogelijke_dubbelen(melding_, ini, GEEN_MELDINGEN, BUREN)["rij"]) == [4]

    geplaatst = buurtcodes_erbij(ini, gebieden)
    assert geplaatst["buurtcode"].tolist() == [BUURT, NAAST, VER, VER, BUURT, BUURT]
    uit = mogelijke_dubbelen(melding_, geplaatst, GEEN_MELDINGEN, buren_van(gebieden))
    assert list(uit["rij"]) == [0, 4, 1]
    assert list(uit["reden"]) == ["Lijkt op de naam (100%) in dezelfde buurt"] * 2 + [
        "Lijkt op de naam (100%) in een buurt ernaast"]
    assert round(uit["afstand_m"][0]) == 200 and math.isnan(uit["afstand_m"][1])
    # The report without a point: the name rule alone, the same answer.
    assert list(mogelijke_dubbelen(melding(naam="Koffietafel de Linde", lat=None, lon=None),
                                   geplaatst, GEEN_MELDINGEN, BUREN)["rij"]) == [0, 4, 1]


def test_placing_keeps_a_given_buurtcode_the_rows_and_the_index_and_leaves_the_rest():
    x, y = _RD.transform(LON, LAT)
    ini = lijst({"naam": "A", "buurtcode": NAAST, "lat": LAT, "lon": LON},   # own code wins
                {"naam": "B", "buurtcode": " ", "x": x, "y": y},
                {"naam": "C", "lat": oost(-3000)[0], "lon": oost(-3000)[1]},  # in no buurt
                {"naam": "D", "lat": math.inf, "lon": LON},
                {"naam": "E"}).set_axis([3, 3, 1, 0, 9])
    geplaatst = buurtcodes_erbij(ini, drie_buurten().to_crs(4326))   # any CRS
    assert geplaatst["buurtcode"].fillna("").tolist() == [NAAST, BUURT, "", "", ""]
    assert geplaatst.index.tolist() == [3, 3, 1, 0, 9]
    pd.testing.assert_frame_equal(geplaatst.drop(columns="buurtcode"),
                                  ini.drop(columns="buurtcode"))
    assert ini["buurtcode"].tolist()[1] == " "                     # the caller's frame as it was
    assert buurtcodes_erbij(ini, None) is ini
    assert buurtcodes_erbij(ini, drie_buurten().iloc[:0]) is ini
    zonder_kolom = pd.DataFrame({"naam": ["F"], "x": [x], "y": [y]})
    assert buurtcodes_erbij(zonder_kolom, drie_buurten())["buurtcode"].tolist() == [BUURT]


def test_both_rules_rank_first_then_name_then_place_nearest_first():
    near = oost(30)
    nearer = oost(10)
    ini = lijst({"naam": "Iets heel anders", "activiteit": "ontmoeting", "lat": near[0],
                 "lon": near[1]},
                {"naam": "Koffietafel Buurtkamer", "buurtcode": NAAST},
                {"naam": "Nog iets anders", "activiteit": "ontmoeting", "lat": nearer[0],
                 "lon": nearer[1]},
                {"naam": "Koffietafel de Buurtkamer", "activiteit": "ontmoeting",
                 "buurtcode": BUURT, "lat": near[0], "lon": near[1]},
                {"naam": "Koffietafel Buurtkamer Oost", "buurtcode": BUURT})
    uit = mogelijke_dubbelen(melding(), ini, GEEN_MELDINGEN, BUREN)
    assert list(uit["rij"]) == [3, 1, 4, 2, 0]
    assert uit["reden"][0] == ("Lijkt op de naam (100%) in dezelfde buurt; op 30 m, "
                               "zelfde activiteit")
    assert uit["gelijkenis"][0] == 100


def test_other_open_reports_are_compared_but_not_the_report_itself_nor_handled_ones():
    mel = pd.DataFrame({
        "id": [7, 8, 9, 10],
        "naam": ["Koffietafel De Buurtkamer"] * 4,
        "activiteit": ["ontmoeting"] * 4, "buurtcode": [BUURT] * 4,
        "lat": [np.nan] * 4, "lon": [np.nan] * 4,
        "status": ["nieuw", "nieuw", "goedgekeurd", "afgewezen"]})
    uit = mogelijke_dubbelen(melding(), lijst(), mel, BUREN)
    assert uit[["soort", "bron", "rij"]].values.tolist() == [["melding", "melding", 8]]


def test_rij_is_the_position_within_each_list_or_the_callers_own():
    a = lijst({"naam": "Breiclub", "buurtcode": BUURT}, {"naam": "Koffietafel Buurtkamer",
                                                         "buurtcode": BUURT}, bron="A")
    b = lijst({"naam": "Koffietafel Buurtkamer", "buurtcode": BUURT}, bron="B")
    uit = mogelijke_dubbelen(melding(), pd.concat([a, b], ignore_index=True), GEEN_MELDINGEN)
    assert sorted(uit[["bron", "rij"]].values.tolist()) == [["A", 1], ["B", 0]]
    eigen = pd.concat([a, b], ignore_index=True).assign(rij=[5, 6, 7])
    uit = mogelijke_dubbelen(melding(), eigen, GEEN_MELDINGEN)
    assert sorted(uit["rij"].tolist()) == [6, 7]


def test_missing_inputs_skip_a_rule_and_never_raise():
    lat, lon = oost(20)
    ini = lijst({"naam": "Koffietafel Buurtkamer", "activiteit": "ontmoeting",
                 "buurtcode": BUURT, "lat": lat, "lon": lon})
    # no buurtcode: only the place rule
    uit = mogelijke_dubbelen(melding(buurtcode=None), ini, GEEN_MELDINGEN, BUREN)
    assert uit["reden"].tolist() == ["Op 20 m, zelfde activiteit"]
    assert uit["gelijkenis"].tolist() == [100]        # still said, it helps the moderator
    # no point: only the name rule
    uit = mogelijke_dubbelen(melding(lat=np.nan, lon=None), ini, GEEN_MELDINGEN, BUREN)
    assert uit["reden"].tolist() == ["Lijkt op de naam (100%) in dezelfde buurt"]
    # no activity: only the name rule
    uit = mogelijke_dubbelen(melding(activiteit=""), ini, GEEN_MELDINGEN, BUREN)
    assert uit["reden"].tolist() == ["Lijkt op de naam (100%) in dezelfde buurt"]
    # nothing to compare with, or frames without the columns
    assert mogelijke_dubbelen(melding(), lijst(), GEEN_MELDINGEN).empty
    assert list(mogelijke_dubbelen(melding(), pd.DataFrame(), pd.DataFrame()).columns) == KOLOMMEN
    assert mogelijke_dubbelen(melding(), pd.DataFrame({"x": [1]}), None).empty
    # an empty name never matches on the name
    empty = lijst({"naam": "", "buurtcode": BUURT}, {"naam": None, "buurtcode": BUURT})
    assert mogelijke_dubbelen(melding(naam="De"), empty, GEEN_MELDINGEN).empty


def test_a_report_given_as_a_dataclass_works_too():
    from dataclasses import dataclass

    @dataclass
    class Melding:
        naam: str
        buurtcode: str
        activiteit: str = ""
        lat: float | None = None
        lon: float | None = None
        id: int = 1

    ini = lijst({"naam": "Zingende straat", "buurtcode": BUURT})
    uit = mogelijke_dubbelen(Melding("Straat zingt op Koningsdag", BUURT), ini, GEEN_MELDINGEN)
    assert len(uit) == 1 and uit["gelijkenis"][0] >= 80


def test_five_thousand_initiatives_answer_well_under_a_second():
    rng = np.random.default_rng(0)
    n = 5000
    words = ["koffie", "tafel", "buurt", "moestuin", "zingen", "jeu", "boules", "breiclub",
             "wandel", "groep", "taal", "café", "repair", "eten", "samen", "senioren"]
    ini = pd.DataFrame({
        "naam": [" ".join(rng.choice(words, 3)) + f" {i}" for i in range(n)],
        "activiteit": rng.choice(["ontmoeting", "feest", "eten en drinken"], n),
        "buurtcode": [f"BU0363{i:04d}" for i in rng.integers(0, 400, n)],
        "lat": LAT + rng.normal(0, 0.02, n), "lon": LON + rng.normal(0, 0.03, n),
        "bron": "lijst"})
    mel = ini.head(200).assign(id=range(200), status="nieuw")
    mogelijke_dubbelen(melding(), ini, mel, BUREN)          # warm: the transformer
    start = time.perf_counter()
    for naam in ["Koffie tafel buurt", "Senioren wandelgroep", "Zingende straat"]:
        uit = mogelijke_dubbelen(melding(naam=naam, buurtcode="BU03630001"), ini, mel, BUREN)
    per_call = (time.perf_counter() - start) / 3
    assert per_call < 0.5, per_call
    assert not uit.empty


# --- robustness -------------------------------------------------------------------------

namen = st.one_of(st.none(), st.just(math.nan), st.text(max_size=40),
                  st.sampled_from(["De", "Koffietafel", "ﬁ café", "ZAAL\u0301", "\u200b",
                                   "'t", "-", "Ⅻ", "😀 buurt"]))
getallen = st.one_of(st.none(), st.just(math.nan), st.just(math.inf),
                     st.floats(allow_nan=True, allow_infinity=True, width=32),
                     st.floats(50.7, 53.5))
codes = st.one_of(st.none(), st.just(math.nan), st.sampled_from([BUURT, NAAST, VER, "", " "]),
                  st.text(max_size=10))
rijen = st.fixed_dictionaries({
    "naam": namen, "activiteit": st.one_of(st.none(), st.sampled_from(["ontmoeting", "", "x"])),
    "buurtcode": codes, "lat": getallen, "lon": st.one_of(getallen, st.floats(3.3, 7.2))})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(m=rijen, ini=st.lists(rijen, max_size=12), mel=st.lists(rijen, max_size=5))
def test_any_input_gives_the_columns_and_only_rows_a_rule_explains(m, ini, mel):
    initiatieven = pd.DataFrame(ini, columns=["naam", "activiteit", "buurtcode", "lat", "lon"])
    meldingen = pd.DataFrame(mel, columns=["naam", "activiteit", "buurtcode", "lat", "lon"])
    meldingen["id"] = range(len(meldingen))
    uit = mogelijke_dubbelen(m, initiatieven, meldingen, BUREN)
    assert list(uit.columns) == KOLOMMEN
    assert len(uit) <= len(initiatieven) + len(meldingen)
    scores = uit["gelijkenis"].dropna()
    assert ((scores >= 0) & (scores <= 100)).all()
    for reden, score, meter in zip(uit["reden"], uit["gelijkenis"], uit["afstand_m"]):
        assert reden and "nan" not in reden.lower()
        if reden.startswith("Lijkt"):
            assert score >= 80
        if " m, zelfde activiteit" in reden:
            assert meter <= 150
    assert not uit["rij"].isna().any()


# --- buren ----------------------------------------------------------------------------

def _raster(n: int, gap: float = 0.0) -> gpd.GeoDataFrame:
    """n × n square buurten of 500 m, each shrunk by ``gap`` on its east and north side."""
    cellen = [box(120_000 + i * 500, 480_000 + j * 500,
                  120_000 + (i + 1) * 500 - gap, 480_000 + (j + 1) * 500 - gap)
              for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame({"code": [f"BU{k:08d}" for k in range(n * n)],
                             "niveau": "buurt"}, geometry=cellen, crs=28992)


def test_buren_are_the_touching_buurten_corners_included_and_slivers_bridged():
    grid = _raster(3, gap=0.05)          # 5 cm between buurten, as digitised borders leave
    buren = buren_van(grid)
    midden = grid["code"][4]
    assert buren[midden] == set(grid["code"]) - {midden}
    hoek = grid["code"][0]
    assert buren[hoek] == {grid["code"][1], grid["code"][3], grid["code"][4]}
    # 5 m apart is not a neighbour
    assert all(b == set() for b in buren_van(_raster(3, gap=5)).values())


def test_buren_of_real_shaped_boundaries_match_a_brute_force_check_and_are_symmetric():
    geo = gpd.read_file(io.BytesIO(pdok_buurten_geojson(buurten=120))).to_crs(28992)
    geo = geo.rename(columns={c: "code" for c in geo.columns if c.lower() in
                              ("statcode", "buurtcode", "code")})
    buren = buren_van(geo)
    codes_ = geo["code"].tolist()
    geoms = geo.geometry.tolist()
    expected = {c: {codes_[j] for j, g in enumerate(geoms)
                    if j != i and shapely.distance(geoms[i], g) <= 1.0}
                for i, c in enumerate(codes_)}
    assert buren == expected
    assert all(a in buren[b] for a in buren for b in buren[a])
    # Voronoi buurten of a whole gemeente: every buurt has neighbours, a few, not all.
    assert all(2 <= len(v) <= 20 for v in buren.values())


def test_buren_only_of_buurten_in_rd_without_geometry_none_and_national_scale_is_quick():
    grid = _raster(2).to_crs(4326)
    wijk = gpd.GeoDataFrame({"code": ["WK00000000"], "niveau": ["wijk"]},
                            geometry=[box(4, 51, 5, 52)], crs=4326)
    leeg = gpd.GeoDataFrame({"code": ["BU99999999"], "niveau": ["buurt"]},
                            geometry=[None], crs=4326)
    buren = buren_van(pd.concat([grid, wijk, leeg], ignore_index=True))
    assert "WK00000000" not in buren and buren["BU99999999"] == set()
    assert buren["BU00000000"] == {"BU00000001", "BU00000002", "BU00000003"}
    groot = _raster(122)                 # 14,884 buurten
    start = time.perf_counter()
    buren = buren_van(groot)
    assert time.perf_counter() - start < 10
    assert len(buren) == 122 * 122 and len(buren["BU00000500"]) == 8


def test_buren_of_only_the_buurten_asked_for_are_the_same_and_quick():
    grid = _raster(122)
    grid["geometry"] = shapely.segmentize(grid.geometry.values, 5)   # ~400 points a buurt
    alle = buren_van(_raster(20))
    for code in ("BU00000000", "BU00000021", "BU00000399"):
        assert buren_van(_raster(20), alleen=[code]) == {code: alle[code]}
    assert buren_van(_raster(20), alleen=["bu00000021 "]) == {"BU00000021": alle["BU00000021"]}
    assert buren_van(_raster(20), alleen=[]) == {}
    assert buren_van(_raster(20), alleen=["BU99999999", None]) == {}
    start = time.perf_counter()
    een = buren_van(grid, alleen=["BU00007000"])
    assert time.perf_counter() - start < 1.0
    assert len(een["BU00007000"]) == 8


@settings(max_examples=200, deadline=None)
@given(naam=namen, hoofdletters=st.booleans())
def test_any_name_with_letters_matches_itself_in_the_same_buurt(naam, hoofdletters):
    ini = lijst({"naam": naam.upper() if hoofdletters and isinstance(naam, str) else naam,
                 "buurtcode": BUURT})
    uit = mogelijke_dubbelen(melding(naam=naam, lat=None, lon=None), ini, GEEN_MELDINGEN)
    if normaliseer_naam(naam) and normaliseer_naam(ini["naam"][0]):
        assert uit["gelijkenis"].tolist() == [100]
        assert uit["reden"].tolist() == ["Lijkt op de naam (100%) in dezelfde buurt"]
    else:
        assert uit.empty
