"""wijkdata.compute.witte_vlekken: reach, ties, certainty, coverage and rank, on fixtures that
can be checked by hand, and properties over generated gemeenten (hypothesis)."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from wijkdata.compute.witte_vlekken import (
    MOGELIJK,
    REDEN_AANBOD_ONBEKEND,
    REDEN_GEEN_EENZAAMHEID,
    ZEKER,
    Methode,
    beoordeel,
    binnen_bereik,
    in_dekking,
    parse_dekking,
    standaard_dekking,
)
from wijkdata.errors import WijkdataError

RD = "EPSG:28992"


def buurten_in_a_row(n: int, size: float = 1000.0) -> gpd.GeoDataFrame:
    """n square buurten of ``size`` m side by side along x, codes BU00340000 + i."""
    return gpd.GeoDataFrame(
        {"code": [f"BU0034{i:04d}" for i in range(n)]},
        geometry=[box(150_000 + i * size, 480_000, 150_000 + (i + 1) * size, 480_000 + size)
                  for i in range(n)], crs=RD)


def initiatieven_at(points, buurtcodes, op_buurtniveau=None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"buurtcode": buurtcodes,
         "op_buurtniveau": op_buurtniveau or [False] * len(buurtcodes)},
        geometry=[Point(p) if p else None for p in points], crs=RD)


# --- reach ---------------------------------------------------------------------------------------

def test_an_initiative_100_m_across_the_border_counts_for_both_at_500_m_and_one_at_0():
    buurten = buurten_in_a_row(2)
    # 100 m inside the second buurt, so 100 m from the first buurt's border
    init = initiatieven_at([(151_100, 480_500)], ["BU00340001"])
    assert binnen_bereik(buurten, init, 500).tolist() == [1, 1]
    assert binnen_bereik(buurten, init, 0).tolist() == [0, 1]
    assert binnen_bereik(buurten, init, 99).tolist() == [0, 1]


def test_an_initiative_known_only_by_buurtcode_counts_for_its_own_buurt_only():
    buurten = buurten_in_a_row(2)
    init = initiatieven_at([(150_999, 480_500)], ["BU00340000"], op_buurtniveau=[True])
    assert binnen_bereik(buurten, init, 500).tolist() == [1, 0]


def test_no_initiatives_gives_zero_counts():
    buurten = buurten_in_a_row(3)
    assert binnen_bereik(buurten, initiatieven_at([], []), 500).tolist() == [0, 0, 0]


def test_a_negative_reach_is_refused():
    with pytest.raises(ValueError):
        binnen_bereik(buurten_in_a_row(1), initiatieven_at([], []), -1)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6),
       xs=st.lists(st.tuples(st.floats(149_000, 157_000), st.floats(479_000, 481_500),
                             st.booleans()), max_size=25),
       bereik=st.sampled_from([0, 1, 250, 500, 2000]))
def test_within_reach_is_never_below_the_in_buurt_count_and_reach_0_is_that_count(
        n, xs, bereik):
    buurten = buurten_in_a_row(n)
    points = [Point(x, y) for x, y, _ in xs]
    # the buurt a point lies in (None outside), as the join does
    inside = [next((c for c, g in zip(buurten["code"], buurten.geometry) if g.contains(p)),
                   None) for p in points]
    init = initiatieven_at([(p.x, p.y) for p in points], inside,
                           op_buurtniveau=[h for _, _, h in xs])
    in_buurt = buurten["code"].map(pd.Series(inside).value_counts()).fillna(0).astype(int)
    counts = binnen_bereik(buurten, init, bereik)
    assert (counts >= in_buurt).all()
    if bereik == 0:
        assert counts.tolist() == in_buurt.tolist()
    assert (counts <= len(xs)).all()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5),
       xs=st.lists(st.tuples(st.floats(149_000, 156_000), st.floats(479_000, 481_500),
                             st.booleans(), st.integers(-1, 5)), max_size=20),
       bereik=st.sampled_from([0, 100, 500, 1500]))
def test_within_reach_counts_what_the_definition_says_one_buurt_at_a_time(n, xs, bereik):
    """The vectorised count against the rule written out per buurt and initiative: its own
    buurt (by code, also one not in the list), or its exact point within reach."""
    buurten = buurten_in_a_row(n)
    codes = [f"BU0034{c:04d}" if c >= 0 else None for *_, c in xs]
    init = initiatieven_at([(x, y) for x, y, *_ in xs], codes,
                           op_buurtniveau=[h for _, _, h, _ in xs])
    expected = [sum(1 for (x, y, hidden, _), own in zip(xs, codes)
                    if own == code or (bereik > 0 and not hidden
                                       and poly.distance(Point(x, y)) <= bereik))
                for code, poly in zip(buurten["code"], buurten.geometry)]
    assert binnen_bereik(buurten, init, bereik).tolist() == expected


def test_a_buurtcode_given_twice_counts_for_its_first_buurt():
    buurten = buurten_in_a_row(2)
    buurten.loc[1, "code"] = buurten.loc[0, "code"]
    init = initiatieven_at([None], ["BU00340000"], op_buurtniveau=[True])
    assert binnen_bereik(buurten, init, 500).tolist() == [1, 0]


# --- rating ---------------------------------------------------------------------------------

def gemeente(eenzaam, aanbod, *, ondergrens=None, inwoners=None, bekend=None,
             gemeentecode="GM0034") -> pd.DataFrame:
    n = len(eenzaam)
    return pd.DataFrame({
        "buurtcode": [f"BU0034{i:04d}" for i in range(n)],
        "gemeentecode": gemeentecode,
        "inwoners": inwoners or [1000] * n,
        "eenzaam_pct": eenzaam,
        "eenzaam_ondergrens": ondergrens or [v - 2 if v == v else np.nan for v in eenzaam],
        "initiatieven_binnen_bereik": [a for a in aanbod],
        "initiatieven_binnen_bereik_per_1000": [a for a in aanbod],   # 1,000 inwoners each
        "aanbod_bekend": bekend or [True] * n,
    })


def rate(frame, methode: Methode | None = None):
    return beoordeel(frame, methode or Methode(), eenzaam="eenzaam_pct",
                     ondergrens="eenzaam_ondergrens", aanbod_bekend="aanbod_bekend")


def test_ties_at_zero_read_as_no_initiative_within_reach():
    # six of eight buurten have nothing in reach: the bottom quartile is 0
    frame = gemeente([40, 42, 44, 46, 48, 50, 52, 60], [0, 0, 0, 0, 0, 0, 2, 3])
    out = rate(frame)
    assert out["grens_aanbod"].eq(0).all()
    assert out["geen_aanbod_regel"].all()
    vlekken = out[out["witte_vlek"].fillna(False)]
    # grens eenzaam = 75th percentile of the eight values = 50.5; the buurten at 52 and 60
    # are above it but have supply, so none with 0 in reach reaches the cut...
    assert out["grens_eenzaam"].iloc[0] == pytest.approx(50.5)
    assert vlekken.empty
    frame.loc[7, ["initiatieven_binnen_bereik", "initiatieven_binnen_bereik_per_1000"]] = 0
    out = rate(frame)
    assert out["witte_vlek"].tolist() == [False] * 7 + [True]
    assert "geen initiatief binnen 500 m" in out.loc[7, "witte_vlek_reden"]
    assert "per 1.000" not in out.loc[7, "witte_vlek_reden"].split(";")[1]


def test_an_interval_straddling_the_cut_is_mogelijk_and_one_above_it_zeker():
    eenzaam = [30, 32, 34, 36, 38, 40, 55, 56]
    onder = [28, 30, 32, 34, 36, 38, 45, 50]     # the cut: 40 + 0.25 × 15 = 43.75
    frame = gemeente(eenzaam, [0, 1, 1, 1, 1, 1, 0, 0], ondergrens=onder)
    out = rate(frame)
    assert out["grens_eenzaam"].iloc[0] == pytest.approx(43.75)
    assert out.loc[6, "witte_vlek_zekerheid"] == ZEKER          # 45 >= 43.75
    assert out.loc[7, "witte_vlek_zekerheid"] == ZEKER
    frame.loc[6, "eenzaam_ondergrens"] = 43.0                    # straddles the cut
    out = rate(frame)
    assert out.loc[6, "witte_vlek_zekerheid"] == MOGELIJK
    assert "ondergrens ligt onder de grens" in out.loc[6, "witte_vlek_reden"]
    # zeker before mogelijk, whatever the point estimates
    assert out.loc[7, "witte_vlek_rang"] == 1 and out.loc[6, "witte_vlek_rang"] == 2


def test_without_an_interval_a_witte_vlek_is_never_called_zeker():
    frame = gemeente([30, 32, 34, 36, 38, 40, 55, 56], [1, 1, 1, 1, 1, 1, 0, 0])
    frame["eenzaam_ondergrens"] = np.nan
    out = rate(frame)
    assert set(out["witte_vlek_zekerheid"].dropna()) == {MOGELIJK}
    assert "geen betrouwbaarheidsinterval" in out.loc[7, "witte_vlek_reden"]


def test_a_buurt_of_60_inhabitants_is_not_rated_and_says_why():
    frame = gemeente([30, 32, 34, 90], [1, 1, 1, 0], inwoners=[1000, 1000, 1000, 60])
    out = rate(frame)
    assert pd.isna(out.loc[3, "witte_vlek"])
    assert pd.isna(out.loc[3, "witte_vlek_zekerheid"])
    assert pd.isna(out.loc[3, "witte_vlek_rang"])
    assert out.loc[3, "witte_vlek_reden"] == \
        "Niet beoordeeld: te weinig inwoners (60; minimaal 100)."
    # an unrated buurt does not move the cuts: 90% is not in the quantile
    assert out.loc[0, "grens_eenzaam"] == pytest.approx(33.0)


def test_a_buurt_without_inhabitants_is_not_rated_even_with_no_minimum():
    # per_1000 gives no rate for 0 inhabitants (never an infinite one)
    frame = gemeente([30, 32, 34, 90], [1, 1, 1, np.nan], inwoners=[1000, 1000, 1000, 0])
    out = rate(frame, Methode(min_inwoners=0))
    assert pd.isna(out.loc[3, "witte_vlek"])
    assert out.loc[3, "witte_vlek_reden"].startswith("Niet beoordeeld: te weinig inwoners (0;")


def test_a_wijk_outside_the_dekking_is_not_rated_and_does_not_count_as_empty():
    codes = pd.Series(["BU00340101", "BU00340102", "BU00340201", "BU00340202"])
    bekend = in_dekking(codes, parse_dekking("WK003401"))
    assert bekend.tolist() == [True, True, False, False]
    frame = gemeente([30, 50, 60, 70], [1, 0, 0, 0], bekend=bekend.tolist())
    out = rate(frame)
    assert out.loc[2, "niet_beoordeeld"] == REDEN_AANBOD_ONBEKEND
    assert pd.isna(out.loc[3, "witte_vlek"])
    assert out.loc[1, "witte_vlek"]


def test_no_loneliness_value_is_not_rated():
    out = rate(gemeente([30, np.nan, 50, 60], [1, 0, 0, 0]))
    assert out.loc[1, "niet_beoordeeld"] == REDEN_GEEN_EENZAAMHEID
    assert "nan" not in " ".join(out["witte_vlek_reden"]).lower()


def test_cuts_are_per_gemeente():
    a = gemeente([10, 20, 30, 40], [0, 1, 2, 3], gemeentecode="GM0034")
    b = gemeente([50, 60, 70, 80], [0, 1, 2, 3], gemeentecode="GM0363")
    b["buurtcode"] = [f"BU0363{i:04d}" for i in range(4)]
    out = rate(pd.concat([a, b], ignore_index=True))
    assert out.loc[0, "grens_eenzaam"] == pytest.approx(32.5)
    assert out.loc[4, "grens_eenzaam"] == pytest.approx(72.5)
    assert out["witte_vlek_rang"].dropna().tolist() == []   # high loneliness has supply here


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(5, 80)), st.integers(0, 4),
                          st.integers(40, 3000)), min_size=1, max_size=40),
       st.floats(0.5, 0.95), st.floats(0.0, 0.3))
def test_a_higher_loneliness_quantile_never_gives_more_witte_vlekken(rows, q, dq):
    frame = gemeente([np.nan if e is None else e for e, _, _ in rows],
                     [a for _, a, _ in rows], inwoners=[n for _, _, n in rows])
    frame["initiatieven_binnen_bereik_per_1000"] = \
        frame["initiatieven_binnen_bereik"] / frame["inwoners"] * 1000
    low = rate(frame, Methode(eenzaam=q))
    high = rate(frame, Methode(eenzaam=min(q + dq, 1.0)))
    assert high["witte_vlek"].fillna(False).sum() <= low["witte_vlek"].fillna(False).sum()
    # ranks are 1..k without gaps
    ranks = sorted(low["witte_vlek_rang"].dropna().tolist())
    assert ranks == list(range(1, len(ranks) + 1))
    assert not any("nan" in r.lower() for r in low["witte_vlek_reden"])


# --- dekking ----------------------------------------------------------------------------------

def test_parse_dekking_takes_gemeenten_and_wijken_in_any_separator():
    assert parse_dekking("GM0034") == ("GM0034",)
    assert parse_dekking(" wk003401 , WK003402|WK003401") == ("WK003401", "WK003402")


@pytest.mark.parametrize("text", ["", "BU00340101", "Almere", "GM34"])
def test_parse_dekking_refuses_other_codes_in_dutch(text):
    with pytest.raises(WijkdataError, match="gemeentecode|Dekking"):
        parse_dekking(text)


def test_default_dekking_is_the_gemeenten_of_the_initiatives():
    frame = pd.DataFrame({"gemeentecode": ["GM0034", "GM0034", None, "GM0363"]})
    assert standaard_dekking(frame) == ("GM0034", "GM0363")
