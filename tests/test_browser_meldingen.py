"""A report sent through the real page in Chromium, on a phone-sized screen: listed by the
command line as nieuw, not on the Kaart; approved on the Data page, it is on the Kaart with
its bron; its contact details are then on no page, in no export and in no server log.
Screenshots of the form (390×844 and 1280×800) and the moderation tab go to artifacts/."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import browser
from tests.browser import (
    after_rerun,
    exceptions,
    new_context,
    wait_for_app,
    wait_for_charts,
)
from tests.factory import publish
from tests.tegelserver import Tegelserver

pytestmark = pytest.mark.browser

NAAM = "Vogelvlotten Kreekrand"
EMAIL = "els.vogel@voorbeeld.nl"
TELEFOON = "06 98765432"
BUURT_LABEL = "Buurt 0001-0-1 (Wijk 0001-0)"     # BU00010001 of tests/factory.py


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the factory's two gemeenten, with a base map from a local tile server (a
    resident reports online; while tiles fail to load plotly reports no click on the map)."""
    folder = tmp_path_factory.mktemp("meldingen_store")
    url = f"sqlite:///{folder / 'wijkdata.sqlite'}"
    publish(url)
    with Tegelserver(straten=True) as tegels:
        started = browser.start_server({"WIJKDATA_DATA_DIR": str(folder),
                                        "WIJKDATA_DATABASE_URL": "",
                                        "WIJKDATA_ACHTERGRONDKAART_URL": tegels.url_template},
                                       folder / "server.log")
        started.db = url
        yield started
        started.stop()


def open_page(page, server, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    assert not exceptions(page), exceptions(page)


def shot(page, name: str, width: int) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own box, so the window
    is made as tall as the page for the picture, then set back."""
    size = page.viewport_size
    height = page.evaluate("""() => {
        const main = document.querySelector("[data-testid='stMain']");
        return Math.max(main ? main.scrollHeight : 0, document.body.scrollHeight);
    }""")
    page.set_viewport_size({"width": width, "height": max(size["height"], height + 40)})
    wait_for_app(page)
    browser.screenshot(page, name)
    page.set_viewport_size(size)
    wait_for_app(page)


def choose_buurt(page, label: str) -> None:
    """Pick ``label`` in the buurt list. Not browser.choose_option: that closes the list
    with Escape, and Escape clears a selectbox that starts empty (index=None)."""
    box = page.locator(".st-key-melden_buurtcode")
    option = page.get_by_role("option", name=label, exact=True)
    for _ in range(10):
        wait_for_app(page)
        box.locator("input").first.click()
        try:
            option.first.wait_for(state="visible", timeout=5_000)
        except Exception:        # a rerun closed the list: open it again
            continue
        after_rerun(page, lambda: option.first.click())
        break
    assert box.locator("input").first.input_value() == label


def cli_list(server, status: str = "nieuw") -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "wijkdata", "meldingen", "list", "--status", status,
         "--format", "json", "--db", server.db],
        capture_output=True, text=True, cwd=browser.ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def kaart_texts(page, server) -> str:
    """Every text the Kaart's figure holds (hover labels of the initiatives)."""
    open_page(page, server, "kaart?gemeente=GM0001")
    wait_for_charts(page)
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(gd => (gd.data || []).map(t => JSON.stringify(t.text || t.hovertext || '')))
        .join('\\n')""")


def test_a_report_from_a_phone_is_moderated_onto_the_kaart(server, chromium):
    phone = new_context(chromium, viewport={"width": 390, "height": 844}, locale="nl-NL",
                                 is_mobile=True, has_touch=True)
    page = phone.new_page()
    open_page(page, server, "melden")
    # On a phone the menu is closed: the form is what a resident sees first.
    assert page.get_by_role("heading", name="Meld een initiatief").is_visible()
    shot(page, "melden_390x844", 390)
    # Sent empty: the messages stand under their fields.
    after_rerun(page, lambda: page.get_by_role("button", name="Versturen").click())
    page.get_by_text("Vul de naam van het initiatief in.").wait_for()
    shot(page, "melden_390x844_fouten", 390)
    page.get_by_label("Naam van het initiatief (verplicht)").fill(NAAM)
    page.get_by_label("Wat doen jullie?").fill("Jong en oud bouwen vlotten voor vogels.")
    after_rerun(page, lambda: page.get_by_role("radio", name="Natuur en groen").click())
    after_rerun(page, lambda: page.get_by_text("Vooral mensen die van elkaar verschillen")
                .click())
    choose_buurt(page, BUURT_LABEL)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    wait_for_charts(page)               # the base map's tiles too: clicks count from then on
    # Tap the middle of the buurt on the small map: the grid point there becomes the spot.
    kaart = page.locator("[data-testid='stPlotlyChart']").first
    kaart.scroll_into_view_if_needed()
    box = kaart.bounding_box()
    after_rerun(page, lambda: page.mouse.click(box["x"] + box["width"] / 2,
                                               box["y"] + box["height"] / 2))
    page.get_by_text("U koos een plek op de kaart").wait_for()
    page.get_by_label("Uw e-mailadres").fill(EMAIL)
    page.get_by_label("Uw telefoonnummer").fill(TELEFOON)
    shot(page, "melden_390x844_ingevuld", 390)
    after_rerun(page, lambda: page.get_by_role("button", name="Versturen").click())
    page.get_by_text("Dank u wel! Uw melding is verstuurd.").wait_for()
    shot(page, "melden_390x844_bedankt", 390)
    assert not exceptions(page)
    phone.close()

    nieuw = cli_list(server)
    assert [m["naam"] for m in nieuw] == [NAAM]
    assert nieuw[0]["status"] == "nieuw" and nieuw[0]["buurtcode"] == "BU00010001"
    assert nieuw[0]["lat"] is not None and nieuw[0]["activiteit"] == "natuur en groen"
    assert EMAIL not in json.dumps(nieuw)

    desk = new_context(chromium, viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = desk.new_page()
    assert NAAM not in kaart_texts(page, server)

    open_page(page, server, "data")
    page.get_by_role("tab", name="Meldingen (1 nieuw)").click()
    page.get_by_text(EMAIL).first.wait_for()      # the contact, for the analyst only
    wait_for_charts(page)
    shot(page, "meldingen_tab_1280x800", 1280)
    after_rerun(page, lambda: page.get_by_role("button", name="Goedkeuren").click())
    page.get_by_text("Goedgekeurd").first.wait_for()
    assert not exceptions(page)
    assert cli_list(server, "goedgekeurd")[0]["naam"] == NAAM

    hover = kaart_texts(page, server)
    assert NAAM in hover and "melding van een inwoner" in hover

    # Handled: the contact details are gone from every page, export and the server log.
    for path in ("kaart?gemeente=GM0001", "initiatieven?gemeente=GM0001", "data",
                 "overzicht?gemeente=GM0001"):
        open_page(page, server, path)
        content = page.content()
        assert EMAIL not in content and TELEFOON not in content, path
    open_page(page, server, "data")
    page.get_by_role("tab", name="Meldingen").click()
    assert EMAIL not in page.content()
    open_page(page, server, "initiatieven?gemeente=GM0001")
    # The initiatives table's CSV (made on the server when clicked; a click that lands while
    # a busy server finishes a rerun can go unanswered, so a person clicks again, once).
    button = page.get_by_test_id("stDownloadButton").get_by_text("CSV", exact=True).first
    download = None
    for _attempt in range(2):
        try:
            with page.expect_download(timeout=90_000) as info:
                button.click()
            download = info.value
            break
        except PlaywrightTimeout:
            wait_for_app(page)
    assert download is not None, "no CSV download after two clicks"
    export = open(download.path(), encoding="utf-8-sig").read()
    assert NAAM in export and EMAIL not in export and TELEFOON not in export
    log = server.log.read_text(errors="replace")
    assert EMAIL not in log and TELEFOON not in log
    desk.close()


def test_the_form_at_1280(server, page):
    open_page(page, server, "melden")
    shot(page, "melden_1280x800", 1280)
    box = page.locator("[class*='st-key-melden_honingpot']")
    # The honeypot is in the page for bots, never on screen and never reached with Tab:
    # from the phone number field the next stop is the send button.
    assert box.count() == 1
    rect = box.bounding_box()
    assert rect is None or rect["x"] + rect["width"] <= 0 or rect["width"] <= 1
    page.get_by_label("Uw telefoonnummer").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('[class*=\"st-key-\"]')"
                            "?.className || ''")
    assert "st-key-melden_versturen" in focused, focused
