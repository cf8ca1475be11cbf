"""Every page on real-shaped data in a real browser: no 'nan', 'None', 'null' or 'NaT' on
screen, no error box, the gemeente by its name.

The data are the files an analyst of Almere brings (tests.realshapes.almere_scenario: PDOK
buurten without gemeentenaam, CBS Kerncijfers as an OData CSV, RIVM 50120NED with buurt rows
only) and a Dutch-Excel initiative list, read through the readers and published into the
SQLite store of a `streamlit run` server. Screenshots at 1280×800 land in artifacts/.
"""
import pytest

from tests.apptest import LEAKED
from tests.browser import exceptions, screenshot, start_server, wait_for_app, wait_for_charts
from tests.factory import almere_files, publish_files
from wijkdata.export.presentatie import STAPPEN

pytestmark = pytest.mark.browser

PAGES = {"overzicht": "", "kaart": "kaart", "buurtprofiel": "buurtprofiel",
         "witte_vlekken": "witte_vlekken", "initiatieven": "initiatieven",
         "over_de_data": "over_de_data",
         **{f"presentatie_stap{s}": f"presentatie?stap={s}" for s in range(len(STAPPEN) + 1)}}

# st.dataframe paints its cells on a canvas; the table kept for screen readers holds their
# text, but leaves a missing cell empty whatever the canvas shows there ("None" without a
# placeholder). That case is checked in tests/test_pages.py, which reads each table as the
# browser draws it (tests.apptest.readable_texts).
_GRID_TEXT = """() => [...document.querySelectorAll(
    "[data-testid='stDataFrame'] table, [data-testid='stTable'] table")]
    .map(t => t.textContent).join('\\n')"""


@pytest.fixture(scope="module")
def almere_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("almere_store")
    publish_files(f"sqlite:///{folder / 'wijkdata.sqlite'}", almere_files())
    server = start_server({"WIJKDATA_DATA_DIR": str(folder), "WIJKDATA_DATABASE_URL": ""},
                          folder / "server.log")
    yield server
    server.stop()


def shown_text(page) -> str:
    main = page.get_by_test_id("stMain").inner_text()
    sidebar = page.get_by_test_id("stSidebar")
    side = sidebar.inner_text() if sidebar.count() and sidebar.is_visible() else ""
    return "\n".join([main, side, page.evaluate(_GRID_TEXT)])


@pytest.mark.parametrize("name", PAGES)
def test_every_page_on_real_shaped_data_shows_no_missing_value_as_text(page, almere_server,
                                                                       name):
    page.goto(f"{almere_server.url}/{PAGES[name]}")
    wait_for_app(page)
    wait_for_charts(page)
    assert exceptions(page) == []
    text = shown_text(page)
    screenshot(page, f"echt_{name}_1280x800")
    found = sorted({m.group(0) for m in LEAKED.finditer(text)})
    lines = [line for line in text.splitlines() if LEAKED.search(line)][:5]
    assert found == [], lines
    assert "GM0034 (GM0034)" not in text
    if not name.startswith("presentatie_stap") or name == "presentatie_stap0":
        # the frame's gemeente choice names the gemeente from the CBS Kerncijfers
        gemeente = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
        shown = gemeente.locator("input").input_value() + gemeente.inner_text()
        assert "Almere (GM0034)" in shown
    else:
        assert "Almere" in page.locator(".kw-slide").first.inner_text()


# --- the quadrant on an Almere-sized list with points (issue 11) ----------------------------

@pytest.fixture(scope="module")
def almere_punten_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("almere_punten")
    publish_files(f"sqlite:///{folder / 'wijkdata.sqlite'}", almere_files(punten=100))
    server = start_server({"WIJKDATA_DATA_DIR": str(folder), "WIJKDATA_DATABASE_URL": ""},
                          folder / "server.log")
    yield server
    server.stop()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_quadrant_on_almere_points_reads_with_ties_and_certainty(page, almere_punten_server,
                                                                 size):
    import re
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{almere_punten_server.url}/witte_vlekken")
    wait_for_app(page)
    wait_for_charts(page)
    assert exceptions(page) == []
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    # The band at 0 carries its count; the legend says zeker and mogelijk in Dutch.
    svg = chart.inner_text()
    assert re.search(r"\d+ buurten zonder initiatief binnen 500 m", svg), svg[:300]
    assert "witte vlek, zeker" in svg or "witte vlek, mogelijk" in svg
    chart.screenshot(path=str(screenshot(page, f"kwadrant_almere_{size[0]}x{size[1]}")
                              .with_name(f"kwadrant_almere_{size[0]}x{size[1]}_figuur.png")))
    # The ranked table shows every witte vlek without scrolling inside it (up to 20 rows):
    # it is as tall as its rows, and no wider than the page.
    n = int(re.search(r"(\d+) witte vlekken", shown_text(page)).group(1))
    tabel = page.locator("[data-testid='stDataFrame']").last
    tabel.scroll_into_view_if_needed()
    box = tabel.bounding_box()
    main = page.locator("[data-testid='stMainBlockContainer']").bounding_box()
    assert box["height"] >= min(n, 20) * 35 + 38 - 2, (n, box)
    assert box["x"] + box["width"] <= main["x"] + main["width"] + 1, (box, main)
    tabel.screenshot(path=str(screenshot(page, f"witte_vlekken_tabel_{size[0]}x{size[1]}")))
    # The reasons read in full below the table (not cut off in a cell).
    text = shown_text(page)
    assert "Nr. 1:" in text and re.search(r"Witte vlek \((zeker|mogelijk)", text)
    assert not LEAKED.search(text), LEAKED.search(text)
