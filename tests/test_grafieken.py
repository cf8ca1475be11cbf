"""Chart texts: numbers by the one rounding rule, Dutch separators, never 'nan' or 'None'."""
import numpy as np
import pandas as pd
import pytest

from wijkdata.draw import grafieken

FORBIDDEN = ("nan", "none", "null", "nat", "<na>", "inf")


def all_texts(fig) -> list[str]:
    texts = [str(t) for trace in fig.data for t in (trace.text if trace.text is not None else [])]
    texts += [str(a.text) for a in fig.layout.annotations]
    texts += [str(trace.name) for trace in fig.data if trace.name is not None]
    return texts


def assert_clean(fig):
    for text in all_texts(fig):
        assert not any(word in text.lower() for word in FORBIDDEN), text
    assert fig.layout.separators == ",."


def quadrant_cijfers() -> pd.DataFrame:
    return pd.DataFrame({
        "buurtcode": ["BU03630001", "BU03630002", "BU03630003", "BU03630004", "BU03630005"],
        "buurtnaam": ["Oost", None, "West", "Noord", "Zuid"],
        "gemeentecode": ["GM0363"] * 5,
        "eenzaam_pct": [52.25, 40.0, np.nan, 51.0, 50.5],
        "eenzaam_ondergrens": [50.0, 38.0, np.nan, 47.0, 49.0],
        "eenzaam_bovengrens": [54.5, 42.0, np.nan, 55.0, 52.0],
        "initiatieven_per_1000": [0.0, 3.05, 1.0, 0.0, 0.0],
        "initiatieven_binnen_bereik_per_1000": [0.25, 3.05, 1.0, 0.0, 0.0],
        "bereik_m": [500] * 5,
        "witte_vlek": pd.array([True, False, pd.NA, True, True], dtype="boolean"),
        "witte_vlek_zekerheid": ["zeker", None, None, "mogelijk", "mogelijk"],
        "kwadrant": ["witte vlek", "minder eenzaam, wel aanbod", None, "witte vlek",
                     "witte vlek"],
        "grens_eenzaam": [49.95] * 5, "grens_aanbod": [0.35] * 5,
    })


# Updated for issue 11: x is the supply within reach, zeker and mogelijk are two traces.
def test_quadrant_hover_and_threshold_texts_use_the_rule():
    fig = grafieken.quadrant_chart(quadrant_cijfers(), "eenzaam_pct", "Eenzaam",
                                   highlight=["BU03630002"])
    hover = {trace.name: list(trace.text) for trace in fig.data}
    assert hover["witte vlek, zeker"] == [
        "Oost<br>Eenzaam: 52,3% (50,0–54,5%)<br>0,3 per 1.000 binnen 500 m"]
    # No name: the code. 3,05 half up is 3,1.
    assert hover["minder eenzaam, wel aanbod"] == [
        "BU03630002<br>Eenzaam: 40,0% (38,0–42,0%)<br>3,1 per 1.000 binnen 500 m"]
    notes = [a.text for a in fig.layout.annotations]
    assert "grens eenzaamheid 50,0%" in notes and "grens aanbod 0,4" in notes
    assert "BU03630002" in notes
    assert_clean(fig)


def test_quadrant_tells_zeker_from_mogelijk_and_spreads_the_ties_at_zero():
    fig = grafieken.quadrant_chart(quadrant_cijfers(), "eenzaam_pct", "Eenzaam")
    traces = {t.name: t for t in fig.data}
    zeker, mogelijk = traces["witte vlek, zeker"], traces["witte vlek, mogelijk"]
    assert zeker.marker.symbol != mogelijk.marker.symbol
    assert zeker.marker.color != mogelijk.marker.color
    # The unrated buurt is not drawn at all.
    drawn = [c for t in fig.data for c in t.customdata]
    assert "BU03630003" not in drawn and len(drawn) == 4
    # Two buurten at 0 within reach: labelled band, spread apart, both inside it.
    notes = [a.text for a in fig.layout.annotations]
    assert "2 buurten zonder initiatief binnen 500 m" in notes
    xs = list(mogelijk.x)
    assert len(set(xs)) == 2
    band = [s for s in fig.layout.shapes if s.yref == "paper"][0]
    assert all(band.x0 <= x <= band.x1 for x in xs)
    assert fig.layout.xaxis.title.text == "Initiatieven binnen 500 m per 1.000 inwoners"
    assert zeker.error_y.array is None
    with_intervals = grafieken.quadrant_chart(quadrant_cijfers(), "eenzaam_pct", "Eenzaam",
                                              intervallen=True)
    zeker = {t.name: t for t in with_intervals.data}["witte vlek, zeker"]
    assert list(zeker.error_y.arrayminus) == pytest.approx([2.25])
    assert_clean(with_intervals)


def test_interval_trend_and_age_charts_say_geen_gegevens_for_a_gap():
    profiel = pd.DataFrame({
        "indicator": ["eenzaam"], "label": ["Eenzaam"],
        **{level: [v] for level, v in [("buurt", 47.15), ("wijk", np.nan), ("gemeente", 45.0),
                                       ("nederland", np.nan)]},
        **{f"{level}_{b}": [np.nan] for level in ("buurt", "wijk", "gemeente", "nederland")
           for b in ("onder", "boven")}})
    interval = grafieken.interval_chart(profiel, ["eenzaam"])
    assert [list(t.text) for t in interval.data] == [["47,2%"], ["45,0%"]]
    assert_clean(interval)

    trend = pd.DataFrame({"gebied": ["Buurt", "Buurt"], "periode": [2020, 2022],
                          "waarde": [np.nan, 12.25], "ondergrens": [np.nan, 10.0],
                          "bovengrens": [np.nan, 14.5]})
    chart = grafieken.trend_chart(trend, "Eenzaam")
    assert list(chart.data[-1].text) == ["geen gegevens", "12,3%"]
    assert_clean(chart)

    groepen = pd.DataFrame({"leeftijd": ["18 tot 65 jaar", "65 jaar en ouder"],
                            "waarde": [30.05, None], "ondergrens": [28.0, None],
                            "bovengrens": [32.0, None]})
    bars = grafieken.leeftijd_chart(groepen, "Eenzaam")
    assert list(bars.data[0].text) == ["30,1%", "geen gegevens"]
    # No bar for 65+, so the gap is written where the bar would be.
    assert [(a.x, a.text) for a in bars.layout.annotations] == [("65 jaar en ouder",
                                                                 "geen gegevens")]
    assert_clean(bars)


def test_count_chart_writes_whole_numbers_and_names_a_missing_category():
    tellingen = pd.DataFrame({"activiteit": ["ontmoeting", None], "aantal": [1745, 3]})
    fig = grafieken.count_chart(tellingen, "activiteit", "Activiteit")
    assert list(fig.data[0].text) == ["3", "1.745"]
    assert list(fig.data[0].y) == ["geen gegevens", "ontmoeting"]
    assert_clean(fig)


def test_quadrant_of_a_large_gemeente_spreads_its_many_zeros_and_keeps_witte_vlekken_on_top():
    # 220 buurten, 180 without an initiative within reach, loneliness rounded to whole
    # percents as RIVM publishes it (so many ties).
    rng = np.random.default_rng(13)
    n, zeros = 220, 180
    eenzaam = np.round(rng.uniform(38, 56, n))
    aanbod = np.r_[np.zeros(zeros), rng.uniform(0.1, 6, n - zeros)]
    hoog = eenzaam >= 52
    kwadrant = np.where(hoog & (aanbod == 0), "witte vlek",
                        np.where(hoog, "eenzaam, wel aanbod",
                                 np.where(aanbod == 0, "minder eenzaam, weinig aanbod",
                                          "minder eenzaam, wel aanbod")))
    cijfers = pd.DataFrame({
        "buurtcode": [f"BU0034{i:04d}" for i in range(n)], "buurtnaam": "B",
        "gemeentecode": "GM0034", "eenzaam_pct": eenzaam,
        "initiatieven_binnen_bereik_per_1000": aanbod, "bereik_m": 500,
        "witte_vlek": pd.array(kwadrant == "witte vlek", dtype="boolean"),
        "witte_vlek_zekerheid": np.where((kwadrant == "witte vlek") & (eenzaam >= 54),
                                         "zeker", np.where(kwadrant == "witte vlek",
                                                           "mogelijk", None)),
        "kwadrant": kwadrant, "grens_eenzaam": 51.5, "grens_aanbod": 0.0,
    })
    fig = grafieken.quadrant_chart(cijfers, "eenzaam_pct", "Eenzaam")
    at_zero = [(x, y) for t in fig.data for x, y in zip(t.x, t.y) if x < 0]
    assert len(at_zero) == zeros
    # As many columns as buurten share one value, so ties on y never share a spot.
    ties = pd.Series(eenzaam[:zeros]).value_counts().max()
    assert 5 < ties <= 15
    columns = {x for x, _ in at_zero}
    assert len(columns) in (ties, ties + 1)
    assert len(set(at_zero)) == zeros
    band = [s for s in fig.layout.shapes if s.yref == "paper"][0]
    assert all(band.x0 <= x <= band.x1 for x in columns)
    # Witte vlekken drawn last (zeker on top), the legend still in the rule's order.
    names = [t.name for t in fig.data]
    assert names[-2:] == ["witte vlek, mogelijk", "witte vlek, zeker"]
    ranked = [t.name for t in sorted(fig.data, key=lambda t: t.legendrank)]
    assert ranked == [g[0] for g in grafieken.QUADRANT_GROEPEN
                      if g[0] in names]
    # The band's count sits above the plot area, where no cut line runs.
    (label,) = [a for a in fig.layout.annotations if "zonder initiatief" in a.text]
    assert label.text == "180 buurten zonder initiatief binnen 500 m"
    assert label.yref == "paper" and label.y >= 1 and label.yanchor == "bottom"
    assert_clean(fig)
