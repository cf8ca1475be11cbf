"""What a person sees and clicks: the real server in Debian's Chromium, with no internet.

Screenshots of every page at 1280×800 land in artifacts/ (look at them).
"""
import io
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import (
    after_rerun,
    axe_violations,
    choose_option,
    exceptions,
    screenshot,
    start_server,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

PAGES = {"overzicht": "", "kaart": "kaart", "buurtprofiel": "buurtprofiel",
         "witte_vlekken": "witte_vlekken", "initiatieven": "initiatieven",
         "over_de_data": "over_de_data"}


def open_page(page, server, path="", **query):
    url = f"{server.url}/{path}"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    page.goto(url)
    wait_for_app(page)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_without_error_and_passes_axe(page, demo_server, name):
    open_page(page, demo_server, PAGES[name])
    wait_for_charts(page)
    assert exceptions(page) == []
    assert "Voorbeelddata (fictief)" in page.inner_text("body")
    # the frame is there: the shared gemeente choice in the sidebar
    assert page.get_by_test_id("stSidebar").get_by_text("Gemeente").count() >= 1
    screenshot(page, f"pagina_{name}_1280x800")
    violations = axe_violations(page)
    assert violations == [], violations


def _purples(colours) -> list:
    return [c for c in colours if c[2] > c[1] + 30 and c[0] > c[1]]


def map_pixels(page, timeout: float = 90):
    """The colours inside the map, from a screenshot of its element, once the map has
    loaded its borders and painted them (polled: MapLibre paints after the figure mounts,
    later on a busy machine)."""
    import time

    from PIL import Image
    element = page.locator(".js-plotly-plot").first
    element.wait_for(state="visible", timeout=timeout * 1000)
    wait_for_charts(page, timeout * 1000)
    deadline = time.monotonic() + timeout
    while True:
        image = Image.open(io.BytesIO(element.screenshot())).convert("RGB")
        colours = {colour for _, colour in image.getcolors(maxcolors=1 << 24)}
        if len(_purples(colours)) > 20 or time.monotonic() > deadline:
            return image, colours
        page.wait_for_timeout(250)       # poll interval, not a wait for a state


def test_map_is_painted_with_the_network_unreachable(page, demo_server):
    open_page(page, demo_server, "kaart")
    image, colours = map_pixels(page)
    # the purple choropleth scale and the grey "geen gegevens" fill are drawn
    assert len(_purples(colours)) > 20, "no choropleth colours painted"
    assert any(abs(c[0] - 0xbd) < 6 and abs(c[1] - 0xbd) < 6 and abs(c[2] - 0xbd) < 6
               for c in colours), "missing-value grey not painted"


def project(page, lon, lat):
    """Page coordinates of a lon/lat point on the plotly map."""
    return page.evaluate(
        """([lon, lat]) => {
            const gd = document.querySelector('.js-plotly-plot');
            const map = gd._fullLayout.map._subplot.map;
            const p = map.project([lon, lat]);
            const box = map.getCanvas().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""", [lon, lat])


def test_clicking_a_buurt_opens_its_profile(page, demo_server):
    from wijkdata.model.gegevens import load_demo
    buurten = load_demo().buurten.to_crs("EPSG:4326").set_index("code")
    target = "BU99990203"                      # Scheepmakersbuurt, a witte vlek
    point = buurten.geometry[target].representative_point()
    open_page(page, demo_server, "kaart")
    map_pixels(page)
    x, y = project(page, point.x, point.y)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r".*/buurtprofiel.*"), timeout=30_000)
    wait_for_app(page)
    assert "Scheepmakersbuurt" in page.get_by_test_id("stHeading").all_inner_texts()[1]
    assert f"buurt={target}" in page.url


SHOWN = re.compile(r"(\d+) initiatieven getoond")


def shown_count(page) -> int:
    text = page.get_by_text(SHOWN).first.inner_text()
    return int(SHOWN.search(text).group(1))


def test_changing_a_filter_changes_the_counts(page, demo_server):
    open_page(page, demo_server, "kaart")
    before = shown_count(page)
    activiteit = page.get_by_test_id("stMultiSelect").first
    after_rerun(page, lambda: choose_option(page, activiteit, "feest"))
    # the pick is on the widget, and the count that follows it has changed
    assert activiteit.get_by_text("feest", exact=True).count() >= 1
    page.wait_for_function(
        """(before) => { const m = document.body.innerText.match(/(\\d+) initiatieven getoond/);
                         return m && Number(m[1]) !== before; }""",
        arg=before, timeout=90_000, polling=200)
    after = shown_count(page)
    assert 0 < after < before


def test_a_shared_url_reopens_gemeente_and_buurt(page, tmp_path):
    # A fresh server whose first visitor arrives on a deep link, as when a colleague opens
    # a shared URL: the page must still run inside app.py's frame (ui.frame_guard).
    server = start_server({"WIJKDATA_DATA_DIR": str(tmp_path)}, tmp_path / "server.log")
    try:
        open_page(page, server, "buurtprofiel", gemeente="GM9999", buurt="BU99990604")
        assert exceptions(page) == []
        headings = " ".join(page.get_by_test_id("stHeading").all_inner_texts())
        assert "Sluiswachtersbuurt" in headings
        gemeente = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
        shown = gemeente.locator("input").input_value() + gemeente.inner_text()
        assert "Lindewaarde (GM9999)" in shown
    finally:
        server.stop()


def make_then_download(page, make: str, download: str, timeout: float = 180_000):
    """Click ``make`` ("PNG maken"), wait for its run, then download through ``download``
    ("PNG downloaden"); returns (file name, bytes). The first PNG of a server starts
    kaleido's Chromium; on a machine whose cores are all busy that start can fail once and
    the page then says "probeer het opnieuw": a person would click again, and so does this
    (once)."""
    offered = page.get_by_test_id("stDownloadButton").get_by_text(download, exact=True)
    for _attempt in range(2):
        after_rerun(page, lambda: page.get_by_role("button", name=make).first.click(),
                    timeout=timeout)
        if offered.count():
            break
        assert page.get_by_test_id("stAlert").filter(has_text="Probeer het opnieuw").count()
    with page.expect_download(timeout=timeout) as info:
        offered.first.click()
    return info.value.suggested_filename, open(info.value.path(), "rb").read()


def test_chart_png_is_made_then_downloaded_as_a_real_png(page, demo_server):
    open_page(page, demo_server, "witte_vlekken")
    downloads = page.get_by_test_id("stDownloadButton")
    assert downloads.get_by_text("PNG downloaden", exact=True).count() == 0
    name, data = make_then_download(page, "PNG maken", "PNG downloaden")
    assert name.endswith(".png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert exceptions(page) == []
    screenshot(page, "png_downloaden")


def test_chart_downloads_offline_html(page, demo_server):
    open_page(page, demo_server, "witte_vlekken")
    wait_for_charts(page)
    button = page.get_by_test_id("stDownloadButton").get_by_text("HTML", exact=True).first
    # The HTML is made on the server when clicked (a deferred download). A click that lands
    # while a busy server is still finishing a rerun can go unanswered; a person clicks
    # again, and so does this (once).
    download = None
    for _attempt in range(2):
        try:
            with page.expect_download(timeout=90_000) as info:
                button.click()
            download = info.value
            break
        except PlaywrightTimeout:
            assert exceptions(page) == []
            wait_for_app(page)
    assert download is not None, "no HTML download after two clicks"
    data = open(download.path(), "rb").read()
    assert download.suggested_filename.endswith(".html")
    assert b'<html lang="nl">' in data[:200]
    # plotly.js is inside the file: no script is fetched from elsewhere
    assert b'<script src="http' not in data and b"<script src='http" not in data
    assert len(data) > 1_000_000


def test_raadsinformatie_pdf_download(page, demo_server):
    open_page(page, demo_server, "")
    name, data = make_then_download(page, "Raadsinformatie: PDF maken",
                                    "Raadsinformatie: PDF downloaden", timeout=120_000)
    assert name.endswith(".pdf")
    assert data.startswith(b"%PDF")
    assert len(data) > 50_000
