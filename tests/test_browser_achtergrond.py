"""The base map under the buurten, in a real Chromium (issue 13).

- Every request that does not go to 127.0.0.1 is blocked (a council room without internet)
  while the PDOK base map is configured: the Kaart still paints completely, the browser
  (not the server) is the one that tried to get the tiles, and the map still follows the
  page's choices.
- The base map pointed at a tile server started here (magenta tiles): the tiles are asked
  for, and drawn under the buurten; a tile server that accepts and never answers (a
  firewall that drops packets) leaves the map painted and working.

Screenshots with and without the base map, at 1280×800 and 1920×1080, land in artifacts/.
"""
from __future__ import annotations

import io
import math
import time

import pytest

from tests.browser import (
    after_rerun,
    exceptions,
    new_context,
    screenshot,
    start_server,
    wait_for_app,
    wait_for_charts,
    wait_for_tile_test,
)
from tests.tegelserver import Tegelserver
from wijkdata.draw import kaart

pytestmark = pytest.mark.browser

LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}

# What the map holds once drawn, read from plotly and MapLibre: the geojson sources with
# their features, the raster (base map) sources with the state of their tiles, the style's
# layer order, and the credit line MapLibre shows.
MAP_STATE = """() => {
  const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
  const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
              && gd._fullLayout.map._subplot.map;
  // Not map.isStyleLoaded(): that waits for every tile, and some may never come.
  if (!map || !map.style || !map.style._loaded) return null;
  const sources = map.getStyle().sources;
  const raster = Object.keys(sources).filter(id => sources[id].type === 'raster');
  const tiles = raster.flatMap(id => {
    // MapLibre's tile manager of the source (called sourceCaches before MapLibre 5).
    const managers = map.style.tileManagers || map.style.sourceCaches || {};
    const cache = managers[id];
    return cache ? cache.getIds().map(tile => cache.getTileByID(tile).state) : [];
  });
  const attribution = document.querySelector('.maplibregl-ctrl-attrib');
  // Per visible trace: how many areas (or points) it has, and how many its MapLibre source
  // holds once loaded and drawn (plotly names the source after the trace's uid).
  const traces = gd._fullData.filter(t => t.visible === true).map(t => {
    const id = t.type === 'choroplethmap' ? 'source-' + t.uid : 'source-' + t.uid + '-circle';
    const source = sources[id];
    const held = source && source.data && source.data.features ? source.data.features.length
                                                               : -1;
    const drawn = source && map.isSourceLoaded(id) && map.querySourceFeatures(id).length > 0;
    return {type: t.type, name: t.name, expected: (t.locations || t.lat || []).length,
            held: held, drawn: !!drawn};
  });
  return {
    complete: traces,
    raster: raster.length,
    tiles: tiles,
    layers: map.getStyle().layers.map(l => ({id: l.id, type: l.type,
                                            visibility: (l.layout || {}).visibility})),
    attribution: attribution ? attribution.textContent : '',
    colorbar: !!gd.querySelector('.colorbar'),
    legend: [...gd.querySelectorAll('.legend .traces')].map(t => t.textContent),
    traces: traces.length,
  };
}"""

# The buurten are drawn: every choropleth's source is loaded with its features, whatever
# the base map's tiles do (they may never come).
BUURTEN_GELADEN = """() => {
  const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
  const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
              && gd._fullLayout.map._subplot.map;
  if (!map || !map.style || !map.style._loaded || !gd.querySelector('.main-svg')) {
    return false;
  }
  const ids = gd._fullData.filter(t => t.type === 'choroplethmap' && t.visible === true)
    .map(t => 'source-' + t.uid);
  return ids.length > 0 && ids.every(id => map.getSource(id) && map.isSourceLoaded(id)
                                         && map.querySourceFeatures(id).length > 0);
}"""

# After a choice that removes the witte-vlek outlines: fewer visible traces in plotly, and
# fewer visible line layers drawn by MapLibre.
FEWER_TRACES = ("(before) => { const s = (" + MAP_STATE + ")(); "
                "return s && s.traces < before; }")
FEWER_LINES = ("(before) => { const s = (" + MAP_STATE + ")(); return s && s.layers.filter("
               "l => l.type === 'line' && l.visibility === 'visible').length < before; }")


# Every visible trace's areas or points are in its source and drawn (MapLibre may draw a
# source a frame after another).
COMPLETE = ("() => { const s = (" + MAP_STATE + ")(); return !!s && s.complete.length > 0 && "
            "s.complete.every(t => t.held === t.expected && t.drawn); }")


def open_page(chromium, size: str, geblokkeerd: list[str]):
    """A page of ``size`` that reaches only 127.0.0.1; the other URLs asked for are kept
    in ``geblokkeerd``."""
    width, height = SIZES[size]
    context = new_context(chromium, viewport={"width": width, "height": height},
                                   locale="nl-NL")

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL):
            request_route.continue_()
        else:
            geblokkeerd.append(url)
            request_route.abort()

    context.route("**/*", route)
    return context, context.new_page()


def open_kaart(page, server) -> None:
    page.goto(f"{server.url}/kaart")
    page.locator("h1", has_text="Kaart").first.wait_for(timeout=90_000)
    wait_for_tile_test(page)         # every server here has a base map configured
    page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg").first.wait_for(
        state="attached", timeout=90_000)


def map_state(page) -> dict:
    """The map's state once every trace is drawn (:data:`COMPLETE`)."""
    page.wait_for_function(COMPLETE, timeout=90_000, polling=200)
    return page.evaluate(MAP_STATE)


def chart_pixels(page):
    """The map chart as RGB pixels (Pillow image)."""
    from PIL import Image
    chart = page.locator("[data-testid='stPlotlyChart']").first
    return Image.open(io.BytesIO(chart.screenshot())).convert("RGB")


def count(image, test) -> int:
    return sum(1 for pixel in image.get_flattened_data() if test(pixel))


def purple(pixel) -> bool:
    """A fill of the loneliness scale (purples): blue well above green."""
    r, g, b = pixel
    return b - g > 25 and r < 200


def magenta(pixel) -> bool:
    """The test tile's colour as drawn (layer opacity over the white map): red and blue
    high, green low — a colour no fill, outline or point of the map has."""
    r, g, b = pixel
    return r > 200 and b > 200 and g < 120


def wait_for_pixels(page, test, minimum: int, timeout: float = 90):
    """Screenshots of the chart until at least ``minimum`` pixels pass ``test`` (MapLibre
    draws a frame after its data arrived); returns the last image."""
    deadline = time.monotonic() + timeout
    while True:
        image = chart_pixels(page)
        if count(image, test) >= minimum or time.monotonic() > deadline:
            return image


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile (Web Mercator) that holds a point."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def start(tmp_path_factory, name: str, url: str):
    folder = tmp_path_factory.mktemp(name)
    return start_server({"WIJKDATA_DATA_DIR": str(folder), "WIJKDATA_DATABASE_URL": "",
                         "WIJKDATA_ACHTERGRONDKAART_URL": url}, folder / "server.log")


@pytest.fixture(scope="module")
def pdok_server(tmp_path_factory):
    # An empty value counts as not set: the default, PDOK's grey BRT-Achtergrondkaart.
    server = start(tmp_path_factory, "pdok", "")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tegels():
    with Tegelserver() as server:
        yield server


@pytest.fixture(scope="module")
def lokaal_server(tmp_path_factory, tegels):
    server = start(tmp_path_factory, "lokaal", tegels.url_template)
    yield server
    server.stop()


@pytest.mark.parametrize("size", list(SIZES))
def test_without_internet_the_map_paints_completely_and_keeps_working(
        chromium, pdok_server, size):
    geblokkeerd: list[str] = []
    context, page = open_page(chromium, size, geblokkeerd)
    try:
        open_kaart(page, pdok_server)
        # Errored tiles count as done for MapLibre: the map settles as it does offline.
        wait_for_charts(page)
        state = map_state(page)
        layers = page.evaluate("() => document.querySelector("
                               "\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
                               ".layout.map.layers")
        # The PDOK base map is configured; the browser tried one of its tiles itself (the
        # tile test), was refused, and so the map has no base map: a map whose tiles fail
        # before its first paint stops answering clicks (plotly), see ui.tegeltest.
        pdok = [u for u in geblokkeerd if u.startswith("https://service.pdok.nl/brt/")]
        assert pdok == [kaart.proeftegel(kaart.PDOK_ACHTERGRONDKAART)], pdok
        assert not layers and state["raster"] == 0
        # Complete: every buurt and every point of every trace in its source and drawn, the
        # colour bar and the legend.
        assert_complete(state)
        assert state["colorbar"] and any("geen gegevens" in t for t in state["legend"])
        assert any("witte vlek" in t for t in state["legend"]), state["legend"]
        image = wait_for_pixels(page, purple, 20_000)
        assert count(image, purple) >= 20_000
        assert count(image, magenta) == 0
        assert exceptions(page) == []
        screenshot(page, f"achtergrond_zonder_internet_{size}")

        # Still working after a failed base map: a choice redraws the map.
        vlak_lagen = visible_fills(state)
        after_rerun(page, lambda: page.get_by_text("Witte vlekken omlijnen").click())
        page.wait_for_function(FEWER_TRACES, arg=state["traces"], timeout=90_000, polling=200)
        page.wait_for_function(BUURTEN_GELADEN, timeout=90_000, polling=200)
        page.wait_for_function(FEWER_LINES, arg=visible_lines(state), timeout=90_000,
                               polling=200)
        after = map_state(page)
        assert not any("witte vlek" in t for t in after["legend"]), after["legend"]
        assert visible_fills(after) <= vlak_lagen
        assert exceptions(page) == []
    finally:
        context.close()


def assert_complete(state) -> None:
    traces = state["complete"]
    assert {t["type"] for t in traces} == {"choroplethmap", "scattermap"}, traces
    assert sum(t["expected"] for t in traces if t["name"] == "Eenzaam") >= 20, traces
    assert all(t["held"] == t["expected"] and t["drawn"] for t in traces), traces


def visible_fills(state) -> int:
    return sum(1 for layer in state["layers"]
               if layer["type"] == "fill" and layer["visibility"] == "visible")


def visible_lines(state) -> int:
    return sum(1 for layer in state["layers"]
               if layer["type"] == "line" and layer["visibility"] == "visible")


@pytest.mark.parametrize("size", list(SIZES))
def test_tiles_of_a_local_server_are_asked_for_and_drawn_under_the_buurten(
        chromium, lokaal_server, tegels, size):
    geblokkeerd: list[str] = []
    context, page = open_page(chromium, size, geblokkeerd)
    try:
        tegels.straten = False
        asked_before = len(tegels.paden)
        open_kaart(page, lokaal_server)
        wait_for_charts(page)                 # now also every tile of the base map loaded
        state = map_state(page)
        assert state["raster"] == 1 and state["tiles"] and \
            all(t == "loaded" for t in state["tiles"]), state["tiles"]
        # The browser asked the tile server, for tiles around the gemeente at a zoom that
        # fits a gemeente, and nothing went to the internet.
        asked = tegels.tegels()[asked_before:]
        assert asked, tegels.paden
        view = page.evaluate("() => document.querySelector("
                             "\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
                             "._fullLayout.map.center")
        zooms = {z for z, _, _ in asked}
        assert all(8 <= z <= 17 for z in zooms), zooms
        z = max(zooms)
        assert tile_of(view["lat"], view["lon"], z) in {(x, y) for zz, x, y in asked
                                                       if zz == z}
        assert geblokkeerd == []
        # Under the buurten: the raster layer comes before every trace layer in the style.
        ids = [layer["id"] for layer in state["layers"]]
        raster = [i for i, layer in enumerate(state["layers"]) if layer["type"] == "raster"]
        traces = [i for i, name in enumerate(ids) if name.startswith("plotly-trace-layer")]
        assert raster and traces and max(raster) < min(traces), ids
        assert kaart.ACHTERGRONDKAART_BRON in state["attribution"]
        assert_complete(state)
        # Drawn: the tile colour shows where no buurt lies, and the buurten keep their
        # purples on top of it.
        image = wait_for_pixels(page, magenta, 2_000)
        assert count(image, magenta) >= 2_000
        assert count(image, purple) >= 20_000
        assert exceptions(page) == []
        screenshot(page, f"achtergrond_testtegels_{size}")

        # The same with tiles that look like a grey street map, to judge readability.
        tegels.straten = True
        open_kaart(page, lokaal_server)
        wait_for_charts(page)
        wait_for_pixels(page, purple, 20_000)
        screenshot(page, f"achtergrond_met_kaart_{size}")
    finally:
        tegels.straten = False
        context.close()


def test_a_tile_server_that_never_answers_leaves_the_map_painted_and_working(
        chromium, lokaal_server, tegels):
    geblokkeerd: list[str] = []
    context, page = open_page(chromium, "1280x800", geblokkeerd)
    tegels.hang = True
    try:
        asked_before = len(tegels.paden)
        open_kaart(page, lokaal_server)
        # The tiles never come, so MapLibre never settles: wait for the buurten instead.
        page.wait_for_function(BUURTEN_GELADEN, timeout=90_000, polling=200)
        wait_for_app(page)
        image = wait_for_pixels(page, purple, 20_000)
        assert count(image, purple) >= 20_000
        assert len(tegels.paden) > asked_before          # asked, and left waiting
        state = map_state(page)
        # The tile test gave up after 5 s: the map goes on without a base map.
        assert state["raster"] == 0
        assert_complete(state)
        assert state["colorbar"] and any("witte vlek" in t for t in state["legend"])
        after_rerun(page, lambda: page.get_by_text("Witte vlekken omlijnen").click())
        page.wait_for_function(FEWER_LINES, arg=visible_lines(state), timeout=90_000,
                               polling=200)
        after = map_state(page)
        assert not any("witte vlek" in t for t in after["legend"]), after["legend"]
        assert exceptions(page) == []
    finally:
        tegels.hang = False
        context.close()


def test_the_presentation_shows_the_base_map_until_the_presenter_switches_it_off(
        chromium, lokaal_server, tegels):
    geblokkeerd: list[str] = []
    context, page = open_page(chromium, "1920x1080", geblokkeerd)
    tegels.straten = True
    try:
        page.goto(f"{lokaal_server.url}/presentatie?stap=0")
        page.locator("h1", has_text="Presentatie voorbereiden").first.wait_for(timeout=90_000)
        wait_for_tile_test(page)
        keuze = page.locator("[data-testid='stCheckbox']").filter(
            has_text="Achtergrondkaart tonen").locator("input")
        assert keuze.is_checked()                     # the setting gives a base map
        asked_before = len(tegels.paden)
        after_rerun(page, lambda: page.get_by_role("button",
                                                   name="Start de presentatie").click())
        page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg").first.wait_for(
            state="attached", timeout=90_000)
        wait_for_charts(page)
        state = map_state(page)
        assert state["raster"] == 1 and state["tiles"] and \
            all(t == "loaded" for t in state["tiles"]), state["tiles"]
        assert len(tegels.paden) > asked_before
        assert kaart.ACHTERGRONDKAART_BRON in state["attribution"]
        assert_complete(state)
        screenshot(page, "achtergrond_presentatie_met_kaart_1920x1080")

        # Switched off before the start: the same map without it, and no tile asked for.
        after_rerun(page, lambda: page.get_by_role("button", name="Stoppen").click())
        after_rerun(page, lambda: page.get_by_text("Achtergrondkaart tonen").click())
        assert not keuze.is_checked()
        asked_before = len(tegels.paden)
        after_rerun(page, lambda: page.get_by_role("button",
                                                   name="Start de presentatie").click())
        page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg").first.wait_for(
            state="attached", timeout=90_000)
        wait_for_charts(page)
        state = map_state(page)
        assert state["raster"] == 0 and state["attribution"].strip() == ""
        assert_complete(state)
        assert len(tegels.paden) == asked_before
        assert exceptions(page) == [] and geblokkeerd == []
        screenshot(page, "achtergrond_presentatie_zonder_kaart_1920x1080")
    finally:
        tegels.straten = False
        context.close()
