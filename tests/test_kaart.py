"""Map figures: offline style, missing values visible, text never markup, clicks parsed."""
import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from wijkdata.draw import kaart


def areas():
    return gpd.GeoDataFrame({"code": ["BU00010001", "BU00010002"], "naam": ["A", "B"]},
                            geometry=[box(100000, 450000, 101000, 451000),
                                      box(101000, 450000, 102000, 451000)], crs="EPSG:28992")


def test_map_is_offline_and_missing_values_get_their_own_grey_trace():
    gebieden = areas()
    cijfers = pd.DataFrame({"code": gebieden["code"], "naam": ["<a href='x'>A</a>", "B"],
                            "eenzaam_pct": [40.0, np.nan]})
    fig = kaart.choropleth(kaart.geojson_of(gebieden), cijfers, "eenzaam_pct",
                           indicator="eenzaam", view=kaart.bounds_view(gebieden))
    assert fig.layout.map.style == "white-bg"
    values, missing = fig.data[0], fig.data[1]
    assert list(values.locations) == ["BU00010001"]
    assert missing.name == "geen gegevens" and list(missing.locations) == ["BU00010002"]
    assert "<a" not in values.text[0] and "‹a" in values.text[0]


def test_geojson_keeps_codes_and_shared_borders():
    geo = kaart.geojson_of(areas(), tolerance=5)
    assert [f["id"] for f in geo["features"]] == ["BU00010001", "BU00010002"]
    lon, lat = geo["features"][0]["geometry"]["coordinates"][0][0]
    assert 3 < lon < 8 and 50 < lat < 54


def test_clicked_code_reads_plotly_selection():
    clicked = {"selection": {"points": [{"location": "BU00010002"}]}}
    assert kaart.clicked_code(clicked) == "BU00010002"
    assert kaart.clicked_code({"selection": {"points": [{"lat": 52, "lon": 5}]}}) is None
    assert kaart.clicked_code(None) is None


def test_view_centres_on_the_areas():
    view = kaart.bounds_view(areas())
    assert 52.0 < view["center"]["lat"] < 52.1 and 4.5 < view["center"]["lon"] < 4.7
    assert 10 < view["zoom"] < 16


def test_scaled_view_zooms_out_for_a_smaller_map():
    view = {"center": {"lat": 52, "lon": 5}, "zoom": 12.0}
    assert kaart.scaled_view(view, 320, 520)["zoom"] == 11.0       # half as wide: one level out
    assert kaart.scaled_view(view, 1280, 1040)["zoom"] == 13.0


FORBIDDEN = ("nan", "none", "null", "nat", "<na>", "inf")


def hover_texts(fig) -> list[str]:
    return [t for trace in fig.data for t in (trace.text or [])]


def test_hover_texts_round_by_the_rule_and_never_say_nan():
    gebieden = areas()
    cijfers = pd.DataFrame({"code": gebieden["code"], "naam": [None, "B"],
                            "eenzaam_pct": [12.25, np.inf]})
    fig = kaart.choropleth(kaart.geojson_of(gebieden), cijfers, "eenzaam_pct",
                           indicator="eenzaam", view=kaart.bounds_view(gebieden))
    # No name: the code; 12,25 half up; infinity is no figure and gets the grey trace.
    assert hover_texts(fig) == ["BU00010001<br>Eenzaam: 12,3%", "B<br>Eenzaam: geen gegevens"]
    assert list(fig.data[1].locations) == ["BU00010002"]
    assert fig.layout.separators == ",."          # 12,5 on the colour bar, not 12.5
    assert not any(w in t.lower() for t in hover_texts(fig) for w in FORBIDDEN)


def test_counts_on_the_map_are_whole_numbers():
    gebieden = areas()
    cijfers = pd.DataFrame({"code": gebieden["code"], "naam": ["A", "B"],
                            "inwoners": [1745.0, 20.4]})
    fig = kaart.choropleth(kaart.geojson_of(gebieden), cijfers, "inwoners",
                           indicator="inwoners", view=kaart.bounds_view(gebieden))
    assert hover_texts(fig) == ["A<br>Inwoners: 1.745", "B<br>Inwoners: 20"]


def test_initiative_hover_missing_fields_read_geen_gegevens_and_text_stays_literal():
    points = gpd.GeoDataFrame(
        {"naam": ["<b>Koffie</b>", None], "activiteit": [np.nan, "feest"],
         "wij_type": ["bonding", "bonding"], "doelgroepen": [pd.NA, "iedereen"],
         "op_buurtniveau": pd.array([pd.NA, True], dtype="boolean")},
        geometry=gpd.points_from_xy([100500, 101500], [450500, 450500]), crs="EPSG:28992")
    fig = kaart.go.Figure()
    kaart.add_initiatief_points(fig, points, "wij_type")
    assert list(fig.data[0].text) == [
        "‹b›Koffie‹/b›<br>geen gegevens · bonding<br>voor: geen gegevens",
        "initiatief zonder naam<br>feest · bonding<br>voor: iedereen<br>(locatie op buurtniveau)"]


def test_witte_vlekken_are_outlined_zeker_and_mogelijk_apart():
    import plotly.graph_objects as go
    cijfers = pd.DataFrame({
        "buurtcode": ["BU00010001", "BU00010002", "BU00010003", "BU00010004"],
        "witte_vlek": pd.array([True, True, False, pd.NA], dtype="boolean"),
        "witte_vlek_zekerheid": ["zeker", "mogelijk", None, None]})
    fig = kaart.add_witte_vlekken(go.Figure(), {"type": "FeatureCollection", "features": []},
                                  cijfers)
    traces = {t.name: t for t in fig.data}
    assert set(traces) == {"witte vlek, zeker (zwarte rand): 1",
                           "witte vlek, mogelijk (oranje rand): 1"}
    zeker, mogelijk = traces.values()
    assert list(zeker.locations) == ["BU00010001"] and list(mogelijk.locations) == ["BU00010002"]
    assert zeker.marker.line.color != mogelijk.marker.line.color
    assert zeker.marker.line.width > mogelijk.marker.line.width


def test_a_difference_from_the_gemeente_is_drawn_around_white_and_says_procentpunt():
    gebieden = areas()
    cijfers = pd.DataFrame({"code": gebieden["code"], "naam": ["A", "B"],
                            "eenzaam_pct_verschil": [3.24, -0.5]})
    fig = kaart.choropleth(kaart.geojson_of(gebieden), cijfers, "eenzaam_pct_verschil",
                           indicator="eenzaam", view=kaart.bounds_view(gebieden),
                           verschil=True)
    values = fig.data[0]
    assert values.zmid == 0 and values.colorscale[2][1] == "#f7f7f7"
    assert "procentpunt" in values.colorbar.title.text and not values.colorbar.ticksuffix
    assert hover_texts(fig) == [
        "A<br>Eenzaam: +3,2 procentpunt t.o.v. het gemeentegemiddelde",
        "B<br>Eenzaam: -0,5 procentpunt t.o.v. het gemeentegemiddelde"]
