"""Map figures: offline style, missing values visible, text never markup, clicks parsed."""
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from wijkdata.draw import kaart
from wijkdata.export import images


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


# --- the base map (issue 13) -------------------------------------------------------------

def figure(achtergrond=None):
    gebieden = areas()
    cijfers = pd.DataFrame({"code": gebieden["code"], "naam": ["A", "B"],
                            "eenzaam_pct": [40.0, np.nan]})
    return kaart.choropleth(kaart.geojson_of(gebieden), cijfers, "eenzaam_pct",
                            indicator="eenzaam", view=kaart.bounds_view(gebieden),
                            achtergrond=achtergrond)


def test_the_base_map_is_a_credited_raster_layer_below_the_buurten():
    fig = figure(kaart.PDOK_ACHTERGRONDKAART)
    (layer,) = fig.layout.map.layers
    assert layer.sourcetype == "raster" and layer.below == "traces"
    assert list(layer.source) == [
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"]
    assert layer.sourceattribution == "Kaartgegevens © Kadaster"
    # The polygons never depend on it: the style stays the offline one.
    assert fig.layout.map.style == "white-bg" and kaart.heeft_achtergrond(fig)
    # Plotly accepts it as it will send it (validated on the way to JSON).
    assert json.loads(fig.to_json())["layout"]["map"]["layers"][0]["below"] == "traces"


def test_without_a_base_map_there_is_no_layer_and_the_colours_are_as_before():
    zonder, met = figure(None), figure("http://127.0.0.1:1/{z}/{x}/{y}.png")
    assert not zonder.layout.map.layers and not kaart.heeft_achtergrond(zonder)
    assert zonder.data[0].marker.opacity == kaart.FILL_OPACITY
    assert zonder.data[0].marker.line.color == "white"
    # Over a base map: lighter fills so streets show through, dark outlines between buurten.
    assert met.data[0].marker.opacity < zonder.data[0].marker.opacity
    assert met.data[0].marker.line.color == kaart.OUTLINE_COLOUR_ACHTERGROND
    # The grey of "geen gegevens" stays solid: it must not look like the base map.
    assert met.data[1].marker.opacity == zonder.data[1].marker.opacity


@pytest.mark.parametrize("env, secrets, expected", [
    (None, None, kaart.PDOK_ACHTERGRONDKAART),                       # not set: PDOK
    ("uit", None, None),
    (" UIT ", {"achtergrondkaart_url": "https://x.nl/{z}/{x}/{y}.png"}, None),
    (None, {"achtergrondkaart_url": "uit"}, None),
    (None, {"achtergrondkaart_url": "https://tegels.gemeente.nl/{z}/{x}/{y}.png"},
     "https://tegels.gemeente.nl/{z}/{x}/{y}.png"),
    ("http://127.0.0.1:8080/t/{z}/{x}/{y}.png", {"achtergrondkaart_url": "uit"},
     "http://127.0.0.1:8080/t/{z}/{x}/{y}.png"),                     # environment first
    ("", None, kaart.PDOK_ACHTERGRONDKAART),                         # empty counts as unset
    # Not a tile template: no base map rather than a map that asks one URL for every tile.
    ("https://tegels.nl/kaart.png", None, None),
    ("javascript:alert(1)//{z}{x}{y}", None, None),
    ("ftp://tegels.nl/{z}/{x}/{y}.png", None, None),
])
def test_the_setting_chooses_the_base_map(monkeypatch, env, secrets, expected):
    if env is None:
        monkeypatch.delenv("WIJKDATA_ACHTERGRONDKAART_URL", raising=False)
    else:
        monkeypatch.setenv("WIJKDATA_ACHTERGRONDKAART_URL", env)
    assert kaart.achtergrondkaart_url(secrets) == expected


def test_images_leave_the_base_map_out_and_keep_everything_else():
    fig = figure(kaart.PDOK_ACHTERGRONDKAART)
    fig.update_layout(map_layers=[*fig.layout.map.layers,
                                  {"sourcetype": "geojson", "source": {"type": "FeatureCollection",
                                                                      "features": []}}])
    beeld = kaart.zonder_achtergrond(fig)
    assert [layer.sourcetype for layer in beeld.layout.map.layers] == ["geojson"]
    assert kaart.heeft_achtergrond(fig)                  # the original is left alone
    assert beeld.to_dict()["data"] == fig.to_dict()["data"]
    assert kaart.zonder_achtergrond(figure(None)).to_dict() == figure(None).to_dict()


def test_initiative_hover_says_source_and_last_confirmed_in_dutch_and_never_nan():
    points = gpd.GeoDataFrame(
        {"naam": ["Koffie", "Soep", "Zang", "Wandel"], "activiteit": ["ontmoeting"] * 4,
         "wij_type": ["bonding"] * 4, "doelgroepen": ["iedereen"] * 4,
         "op_buurtniveau": [False] * 4,
         "bron": ["initiatieven_2024", "melding", None, np.nan],
         "laatst_bevestigd": pd.to_datetime(["2024-08-05", None, "2023-01-31", None])},
        geometry=gpd.points_from_xy([100500] * 4, [450500] * 4), crs="EPSG:28992")
    fig = kaart.go.Figure()
    kaart.add_initiatief_points(fig, points, "wij_type")
    base = "<br>ontmoeting · bonding<br>voor: iedereen"
    assert list(fig.data[0].text) == [
        f"Koffie{base}<br>bron: initiatieven_2024 · laatst bevestigd: 05-08-2024",
        f"Soep{base}<br>bron: melding van een inwoner",
        f"Zang{base}<br>laatst bevestigd: 31-01-2023",
        f"Wandel{base}"]
    assert not any(w in t.lower() for t in fig.data[0].text for w in FORBIDDEN)


def test_initiative_hover_without_the_new_columns_is_as_before():
    points = gpd.GeoDataFrame(
        {"naam": ["Koffie"], "activiteit": ["feest"], "wij_type": ["beide"],
         "doelgroepen": ["jongeren"], "op_buurtniveau": [True]},
        geometry=gpd.points_from_xy([100500], [450500]), crs="EPSG:28992")
    fig = kaart.go.Figure()
    kaart.add_initiatief_points(fig, points, "wij_type")
    assert list(fig.data[0].text) == [
        "Koffie<br>feest · beide<br>voor: jongeren<br>(locatie op buurtniveau)"]


def test_source_text_is_shown_as_text_and_a_date_given_as_text_is_read():
    assert kaart.herkomst_tekst("<b>lijst</b>", "2024-02-29") == \
        "<br>bron: ‹b›lijst‹/b› · laatst bevestigd: 29-02-2024"
    assert kaart.herkomst_tekst("  ", "geen datum") == ""
    assert kaart.herkomst_tekst(pd.NA, pd.NaT) == ""


@pytest.mark.skipif(not images.chromium_available(), reason="needs Chromium for kaleido")
def test_a_png_of_a_map_with_an_unreachable_base_map_is_made_without_asking_for_tiles():
    # A tile server that never answers: with the layer in, kaleido waits until it gives up
    # (checked by hand: a timeout; an unreachable host gives "Map error."). The PNG path
    # (ui.als_beeld) leaves the layer out, so the image is made and no tile is asked for.
    from tests.tegelserver import Tegelserver
    with Tegelserver(hang=True) as server:
        fig = figure(server.url_template)
        png = images.figure_png(kaart.zonder_achtergrond(fig), width=400, height=300, scale=1)
        assert png.startswith(b"\x89PNG") and server.paden == []


# --- the Kaart page passes the setting on (AppTest, through app.py) ------------------------

def page_layers(at) -> list[dict]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return spec["layout"]["map"].get("layers", [])


@pytest.mark.parametrize("env, secrets, expected", [
    (None, None, [kaart.PDOK_ACHTERGRONDKAART]),
    ("uit", None, None),
    (None, {"wijkdata": {"achtergrondkaart_url": "https://t.example.nl/{z}/{x}/{y}.png"}},
     ["https://t.example.nl/{z}/{x}/{y}.png"]),
])
def test_the_kaart_page_draws_the_base_map_of_the_setting(store_dir, monkeypatch, env,
                                                          secrets, expected):
    from tests.apptest import start
    if env is None:
        monkeypatch.delenv("WIJKDATA_ACHTERGRONDKAART_URL", raising=False)
    else:
        monkeypatch.setenv("WIJKDATA_ACHTERGRONDKAART_URL", env)
    at = start("pages/kaart.py", secrets=secrets,
               tegels={url: True for url in expected or []})
    assert not at.exception
    layers = page_layers(at)
    assert [layer["source"] for layer in layers] == ([expected] if expected else [])


@pytest.mark.parametrize("tegels", [None, {kaart.PDOK_ACHTERGRONDKAART: False}])
def test_no_base_map_until_the_browser_fetched_one_of_its_tiles(store_dir, monkeypatch,
                                                                tegels):
    # Unknown yet, or failed (a council room without internet): plotly would stop answering
    # clicks on a map whose tiles fail before its first paint.
    from tests.apptest import start
    monkeypatch.delenv("WIJKDATA_ACHTERGRONDKAART_URL", raising=False)
    at = start("pages/kaart.py", tegels=tegels)
    assert not at.exception and at.get("plotly_chart")
    assert page_layers(at) == []
