"""The derived figures on tiny data whose answers can be checked by hand."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from wijkdata.compute import formulas


def make_buurten(n=4, gemeente="0001"):
    """n square buurten of 1 km side in a row, in RD, starting at x=100000."""
    rows = []
    for i in range(n):
        code = f"BU{gemeente}01{i:02d}"
        rows.append({"code": code, "naam": f"Buurt {i}", "niveau": "buurt",
                     "wijkcode": f"WK{gemeente}01", "gemeentecode": f"GM{gemeente}",
                     "geometry": box(100000 + i * 1000, 450000, 101000 + i * 1000, 451000)})
    return gpd.GeoDataFrame(rows, crs="EPSG:28992")


def make_initiatieven(points=(), buurtcodes=()):
    rows = [{"naam": f"P{i}", "x": x, "y": y, "buurtcode": None, "activiteit": "ontmoeting",
             "wij_type": "bonding", "doelgroepen": "ouderen", "locatie_verborgen": False}
            for i, (x, y) in enumerate(points)]
    rows += [{"naam": f"C{i}", "x": np.nan, "y": np.nan, "buurtcode": code,
              "activiteit": "feest", "wij_type": "bridging", "doelgroepen": "iedereen",
              "locatie_verborgen": False} for i, code in enumerate(buurtcodes)]
    return pd.DataFrame(rows)


def test_point_in_polygon_wins_over_listed_code_and_code_only_rows_count():
    buurten = make_buurten(3)
    ini = make_initiatieven(points=[(100500, 450500), (101500, 450500)],
                            buurtcodes=["BU00010102"])
    ini.loc[0, "buurtcode"] = "BU00010101"          # wrong code in the list; the point decides
    joined = formulas.join_initiatieven_to_buurten(ini, buurten)
    assert list(joined["buurtcode"]) == ["BU00010100", "BU00010101", "BU00010102"]
    assert list(joined["wijkcode"]) == ["WK000101"] * 3
    assert list(joined["op_buurtniveau"]) == [False, False, True]
    # the code-only initiative is placed inside its buurt, so distances can be measured
    assert joined.geometry.iloc[2].within(buurten.geometry.iloc[2])
    counts = formulas.count_per_buurt(joined, buurten["code"])
    assert counts.tolist() == [1, 1, 1]


def test_hidden_location_is_moved_to_the_buurt_anchor():
    buurten = make_buurten(1)
    ini = make_initiatieven(points=[(100100, 450100)])
    ini["locatie_verborgen"] = True
    joined = formulas.join_initiatieven_to_buurten(ini, buurten)
    anchor = buurten.geometry.iloc[0].representative_point()
    assert joined.geometry.iloc[0].equals(anchor)
    assert bool(joined["op_buurtniveau"].iloc[0])


def test_per_1000_is_empty_below_the_minimum_population():
    rates = formulas.per_1000(pd.Series([3, 3, 3, 0]), pd.Series([1500, 99, np.nan, 200]))
    assert rates.iloc[0] == pytest.approx(2.0)
    assert np.isnan(rates.iloc[1]) and np.isnan(rates.iloc[2])
    assert rates.iloc[3] == 0.0


def test_per_1000_of_a_buurt_without_inhabitants_is_missing_even_with_no_minimum():
    rates = formulas.per_1000(pd.Series([2, 0, 1]), pd.Series([0, 0, 40]), min_inwoners=0)
    assert rates.iloc[:2].isna().all() and rates.iloc[2] == pytest.approx(25.0)


def test_distance_to_nearest_initiative_in_metres():
    buurten = make_buurten(4)
    points = gpd.GeoSeries([Point(100500, 450500)], crs="EPSG:28992")
    distance = formulas.distance_to_nearest(buurten, points)
    # inside buurt 0; buurt 1 starts 500 m east of the point; buurt 3 at 2,500 m
    assert distance.tolist() == [0.0, 500.0, 1500.0, 2500.0]


def test_distance_without_any_initiative_is_missing_not_zero():
    distance = formulas.distance_to_nearest(make_buurten(2), gpd.GeoSeries([], crs="EPSG:28992"))
    assert distance.isna().all()


@pytest.mark.parametrize("buurt, ref, expected", [
    ((30, 28, 32), (20, 19, 21), "hoger dan gemiddeld"),
    ((10, 8, 12), (20, 19, 21), "lager dan gemiddeld"),
    ((30, 20, 40), (25, 24, 26), "niet duidelijk verschillend"),
    ((30, np.nan, np.nan), (20, 19, 21), "niet duidelijk verschillend"),
    ((np.nan, np.nan, np.nan), (20, 19, 21), None),
])
def test_vergelijk_only_claims_a_difference_when_intervals_do_not_overlap(buurt, ref, expected):
    assert formulas.vergelijk(*buurt, *ref) == expected


def test_aggregate_weights_percentages_by_population_and_sums_counts():
    frame = pd.DataFrame({
        "wijkcode": ["WK1", "WK1", "WK2"], "gemeentecode": ["GM1"] * 3,
        "inwoners": [1000, 3000, 500], "initiatieven": [2, 4, 0],
        "eenzaam_pct": [20.0, 40.0, np.nan], "ernstig_eenzaam_pct": [np.nan] * 3,
    })
    wijken = formulas.aggregate(frame, "wijk").set_index("code")
    # (20×1000 + 40×3000) / 4000 = 35, not the plain mean 30
    assert wijken.loc["WK1", "eenzaam_pct"] == pytest.approx(35.0)
    assert wijken.loc["WK1", "initiatieven"] == 6
    assert wijken.loc["WK1", "initiatieven_per_1000"] == pytest.approx(1.5)
    assert np.isnan(wijken.loc["WK2", "eenzaam_pct"])        # missing stays missing
    assert np.isnan(wijken.loc["WK1", "ernstig_eenzaam_pct"])
    gemeente = formulas.aggregate(frame, "gemeente").set_index("code")
    assert gemeente.loc["GM1", "eenzaam_pct"] == pytest.approx(35.0)
    assert gemeente.loc["GM1", "eenzaam_pct_dekking"] == pytest.approx(4000 / 4500 * 100)


def test_filter_initiatieven_doelgroep_matches_iedereen_too():
    ini = pd.DataFrame({"naam": ["a", "b", "c"], "omschrijving": ["", "", "koffie"],
                        "activiteit": ["feest", "ontmoeting", "ontmoeting"],
                        "wij_type": ["bonding", "bridging", "beide"],
                        "doelgroepen": ["ouderen", "iedereen", "jongeren; gezinnen"]})
    assert list(formulas.filter_initiatieven(ini, doelgroepen=["ouderen"])["naam"]) == ["a", "b"]
    assert list(formulas.filter_initiatieven(ini, activiteiten=["ontmoeting"],
                                            wij_types=["beide"])["naam"]) == ["c"]
    assert list(formulas.filter_initiatieven(ini, zoek="KOFFIE")["naam"]) == ["c"]


def test_ended_initiatives_do_not_count():
    ini = pd.DataFrame({"naam": ["a", "b", "c"],
                        "einddatum": ["2020-01-01", None, "2999-01-01"]})
    active = formulas.active_initiatieven(ini, on=pd.Timestamp("2025-01-01").date())
    assert list(active["naam"]) == ["b", "c"]


def test_without_any_initiative_list_nothing_is_active_and_nothing_fails():
    """Right after a fetch there are boundaries and figures but no list: the store gives an
    empty frame without columns."""
    assert formulas.active_initiatieven(pd.DataFrame()).empty


def test_without_boundaries_initiatives_keep_their_own_place_and_codes():
    """No boundaries published yet (an empty gebieden frame, as the store gives): points stay
    where the list puts them, the buurtcode comes from the list, wijk and gemeente from
    that code; a hidden or code-only initiative gets no point rather than a wrong one."""
    from wijkdata.model.gegevens import empty_gegevens
    ini = make_initiatieven(points=[(100500, 450500), (101500, 450500)],
                            buurtcodes=["BU0363AA01", None])
    ini.loc[0, "buurtcode"] = "BU00340101"
    ini.loc[1, "locatie_verborgen"] = True
    joined = formulas.join_initiatieven_to_buurten(ini, empty_gegevens().gebieden)
    assert joined.geometry.iloc[0].equals(Point(100500, 450500))
    assert joined.geometry.iloc[1:].isna().all()          # hidden, code-only, nothing
    def cells(column):
        return [None if pd.isna(v) else v for v in joined[column]]
    assert cells("buurtcode") == ["BU00340101", None, "BU0363AA01", None]
    assert cells("gemeentecode") == ["GM0034", None, "GM0363", None]
    assert cells("wijkcode") == ["WK003401", None, "WK0363AA", None]
    assert list(joined["op_buurtniveau"]) == [False, True, True, True]
    assert joined.crs.to_epsg() == 28992


def test_difference_from_the_gemeente_is_against_its_population_weighted_average():
    frame = pd.DataFrame({"gemeentecode": ["GM1", "GM1", "GM1", "GM2", "GM2"],
                          "inwoners": [1000, 3000, np.nan, 500, 500],
                          "eenzaam_pct": [40.0, 48.0, 50.0, np.nan, 30.0]})
    # GM1: (40 × 1000 + 48 × 3000) / 4000 = 46; the buurt without inwoners still gets its
    # difference, but does not weigh in the average. GM2: only the buurt with a value counts.
    assert formulas.verschil_met_gemeente(frame, "eenzaam_pct").tolist()[:3] == [-6, 2, 4]
    out = formulas.verschil_met_gemeente(frame, "eenzaam_pct")
    assert np.isnan(out.iloc[3]) and out.iloc[4] == 0


# --- laatst bevestigd: mogelijk gestopt after more than two years ---------------------------

def _bevestigd(*dagen):
    return pd.DataFrame({"naam": [f"I{i}" for i in range(len(dagen))],
                         "laatst_bevestigd": pd.to_datetime(list(dagen))})


@pytest.mark.parametrize("bevestigd, vandaag, gestopt", [
    ("2024-12-02", "2026-12-02", False),     # exactly two years: not more than two
    ("2024-12-01", "2026-12-02", True),      # two years and a day
    ("2024-12-03", "2026-12-02", False),
    # confirmed on a leap day: two years later is 28 February
    ("2024-02-29", "2026-02-28", False),
    ("2024-02-29", "2026-03-01", True),
    # two years before a leap day is 28 February, then 29 February is a day more
    ("2026-02-28", "2028-02-28", False),
    ("2026-02-28", "2028-02-29", True),
    ("2026-03-01", "2028-02-29", False),
    ("2026-03-01", "2028-03-01", False),
    ("2026-03-01", "2028-03-02", True),
])
def test_mogelijk_gestopt_after_more_than_two_calendar_years(bevestigd, vandaag, gestopt):
    from datetime import date
    frame = _bevestigd(bevestigd)
    found = formulas.mogelijk_gestopt(frame, date.fromisoformat(vandaag))
    assert found.tolist() == [gestopt]


def test_an_unknown_date_is_not_mogelijk_gestopt_but_onbekend():
    from datetime import date
    frame = _bevestigd("2020-01-01", None, "2026-01-01")
    assert formulas.mogelijk_gestopt(frame, date(2026, 12, 2)).tolist() == [True, False, False]
    assert formulas.bevestiging_onbekend(frame).tolist() == [False, True, False]
    zonder = frame.drop(columns=["laatst_bevestigd"])
    assert not formulas.mogelijk_gestopt(zonder, date(2026, 12, 2)).any()
    assert formulas.bevestiging_onbekend(zonder).all()


def test_mogelijk_gestopt_reads_moments_with_a_time_zone_as_their_dutch_day():
    from datetime import date
    # 30 November 2024 23:30 UTC is 1 December in the Netherlands
    frame = pd.DataFrame({"laatst_bevestigd": pd.to_datetime(
        ["2024-11-30 23:30"]).tz_localize("UTC")})
    assert formulas.mogelijk_gestopt(frame, date(2026, 12, 1)).tolist() == [False]
    assert formulas.mogelijk_gestopt(frame, date(2026, 12, 2)).tolist() == [True]


def test_filter_keeps_only_the_mogelijk_gestopt_when_asked():
    from datetime import date
    frame = _bevestigd("2020-05-01", "2026-05-01", None).assign(
        omschrijving="", activiteit="feest", wij_type="beide", doelgroepen="iedereen")
    alle = formulas.filter_initiatieven(frame, on=date(2026, 12, 2))
    assert alle["naam"].tolist() == ["I0", "I1", "I2"]
    oud = formulas.filter_initiatieven(frame, alleen_mogelijk_gestopt=True, on=date(2026, 12, 2))
    assert oud["naam"].tolist() == ["I0"]
    both = formulas.filter_initiatieven(frame, alleen_mogelijk_gestopt=True, zoek="I1",
                                        on=date(2026, 12, 2))
    assert both.empty


def test_the_join_keeps_bron_and_laatst_bevestigd():
    buurten = make_buurten(2)
    ini = make_initiatieven(points=[(100500, 450500)], buurtcodes=["BU00010101"])
    ini["bron"] = ["gemeentelijst", "melding"]
    ini["laatst_bevestigd"] = pd.to_datetime(["2025-03-03", "2026-11-30"])
    joined = formulas.join_initiatieven_to_buurten(ini, buurten)
    assert joined["bron"].tolist() == ["gemeentelijst", "melding"]
    assert joined["laatst_bevestigd"].tolist() == [pd.Timestamp(2025, 3, 3),
                                                   pd.Timestamp(2026, 11, 30)]
    assert list(joined["buurtcode"]) == ["BU00010100", "BU00010101"]
