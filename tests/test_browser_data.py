"""The Data page in a real Chromium: upload a file through the page, publish it, see it on
the Kaart page; hostile file names stay text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import browser as browser_support
from tests import realshapes
from tests.factory import publish

pytestmark = pytest.mark.browser

CSV = ("Naam initiatief;Activiteit;Wij-type;Doelgroep;x;y\n"
       "Koffie in de Linde;ontmoeting;bonding;ouderen;100200;450200\n"
       "Straatfeest Esdoorn;feest;bridging;iedereen;100300;450300\n")


@pytest.fixture
def server(tmp_path):
    """A server on a fresh SQLite store holding the factory's two gemeenten."""
    publish(f"sqlite:///{tmp_path / 'wijkdata.sqlite'}")
    running = browser_support.start_server(
        {"WIJKDATA_DATA_DIR": str(tmp_path), "WIJKDATA_DATABASE_URL": ""},
        tmp_path / "server.log")
    yield running
    running.stop()


def open_page(page, url: str) -> None:
    page.goto(url)
    browser_support.wait_for_app(page)


def upload(page, path: Path) -> None:
    """Choose ``path`` in the uploader and wait for the run that checked it (a check shown
    for the previous file does not count)."""
    dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
    browser_support.after_rerun(page, lambda: dropzone.set_input_files(str(path)),
                                timeout=120_000)
    page.get_by_text("3. Controle").wait_for(timeout=120_000)
    browser_support.wait_for_app(page, timeout=120_000)


def selectbox(page, name: str):
    """The selectbox (a locator) whose combobox has the accessible name ``name``."""
    return page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_role("combobox", name=name, exact=True))


def test_upload_publish_and_see_it_on_the_kaart_page(server, page, tmp_path):
    open_page(page, f"{server.url}/kaart")
    assert page.get_by_text("3 initiatieven").first.is_visible()
    open_page(page, f"{server.url}/data")
    assert page.get_by_text("Hoogstens 500 MB per bestand").is_visible()
    path = tmp_path / "initiatieven_wijkteam.csv"
    path.write_text(CSV, encoding="utf-8")
    upload(page, path)
    assert page.get_by_text("Geen problemen gevonden.").is_visible()
    # a new dataset next to the factory's list (the default is a new version of that one,
    # since the file is a list of initiatives too)
    gegevensset = selectbox(page, "Gegevensset")
    browser_support.after_rerun(
        page, lambda: browser_support.choose_option(page, gegevensset, "Nieuwe gegevensset…"))
    # named after what the file is, never after the file
    assert page.get_by_label("Naam van de nieuwe gegevensset").input_value() == "Initiatieven"
    # the area the list covers: a wrong code is a Dutch error and publishing waits
    dekking = page.get_by_role(
        "textbox", name="Dekking (gemeente- of wijkcodes, leeg = de gemeenten van de "
        "initiatieven)")
    assert dekking.is_visible()

    def type_dekking(text):
        dekking.fill(text)
        dekking.press("Enter")
    browser_support.after_rerun(page, lambda: type_dekking("BU00010000"))
    page.get_by_text("geen gemeentecode", exact=False).first.wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Publiceren (2 rijen)").is_disabled()
    browser_support.after_rerun(page, lambda: type_dekking("GM0001"))
    assert page.get_by_text("geen gemeentecode", exact=False).count() == 0
    page.screenshot(path="/tmp/data_page_upload.png", full_page=True)
    browser_support.after_rerun(
        page, page.get_by_role("button", name="Publiceren (2 rijen)").click, timeout=120_000)
    page.get_by_text("Gepubliceerd:").wait_for(timeout=120_000)
    browser_support.wait_for_app(page)
    assert not browser_support.exceptions(page)
    page.get_by_role("tab", name="Versies").click()
    assert page.get_by_text("Initiatieven · versie 1 (actief)", exact=False).first.is_visible()
    page.screenshot(path="/tmp/data_page_versies.png")
    open_page(page, f"{server.url}/kaart")
    page.get_by_text("5 initiatieven").first.wait_for(timeout=60_000)
    assert not browser_support.exceptions(page)


@pytest.fixture
def empty_server(tmp_path):
    """A server on a fresh, empty SQLite store (the demo shows until something is published)."""
    running = browser_support.start_server(
        {"WIJKDATA_DATA_DIR": str(tmp_path), "WIJKDATA_DATABASE_URL": ""},
        tmp_path / "server.log")
    yield running
    running.stop()


def publish_with_defaults(page, path: Path) -> None:
    """Upload ``path`` on the Data page and publish it without touching any choice."""
    upload(page, path)
    assert not browser_support.exceptions(page)
    button = page.get_by_role("button", name=re.compile(r"^Publiceren \("))
    assert button.is_enabled(), f"{path.name}: publishing is not possible with the defaults"
    browser_support.after_rerun(page, button.click, timeout=120_000)
    page.get_by_text("Gepubliceerd:").wait_for(timeout=120_000)
    browser_support.wait_for_app(page, timeout=120_000)
    assert not browser_support.exceptions(page)


def test_boundaries_cbs_and_rivm_each_published_with_the_defaults_stay_side_by_side(
        empty_server, page, tmp_path):
    """The real order of work in a gemeente: PDOK buurten (no gemeentenaam), then CBS
    Kerncijfers, then RIVM gezondheid; each with the page's defaults. Every file becomes its
    own dataset, all three active, and the gemeente gets its name from the CBS table."""
    open_page(page, f"{empty_server.url}/data")
    for name, data in realshapes.almere_scenario().items():
        path = tmp_path / name
        path.write_bytes(data)
        publish_with_defaults(page, path)
    page.get_by_role("tab", name="Versies").click()
    browser_support.wait_for_app(page)
    labels = browser_support.option_labels(page, selectbox(page, "Kies een versie"))
    active = sorted(label.split(" · ")[1] for label in labels if "(actief)" in label)
    assert active == ["CBS Kerncijfers 2024", "Gebiedsindeling 2024", "RIVM gezondheid 2022"]
    assert len(labels) == 3                              # nothing replaced anything
    # the sidebar's gemeente choice: the name from the CBS table, as the boundaries have none
    assert "Almere (GM0034)" in sidebar_gemeente(page, "Almere (GM0034)")
    browser_support.screenshot(page, "data_three_sources")



def sidebar_gemeente(page, expected: str, timeout: float = 30_000) -> str:
    """The gemeente the sidebar shows, once it shows ``expected`` (or when ``timeout`` ms
    have passed: then the caller's assertion tells what it shows instead)."""
    script = """() => {
      const box = document.querySelector(
        "[data-testid='stSidebar'] [data-testid='stSelectbox']");
      if (!box) return null;
      const input = box.querySelector('input');
      return (input ? input.value : '') + ' ' + box.innerText;
    }"""
    try:
        page.wait_for_function(f"() => ({script})()?.includes({expected!r})",
                               timeout=timeout, polling=200)
    except Exception:         # playwright's TimeoutError: report what is shown
        pass
    return page.evaluate(script) or ""


def test_choosing_a_gemeente_in_the_sidebar_reaches_the_url_and_survives_a_reload(
        server, page):
    open_page(page, f"{server.url}/kaart")
    gemeente = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
    browser_support.after_rerun(
        page, lambda: browser_support.choose_option(page, gemeente, "Gemeente 0002 (GM0002)"))
    page.wait_for_url(re.compile(r".*gemeente=GM0002.*"), timeout=30_000)
    assert "Gemeente 0002 (GM0002)" in sidebar_gemeente(page, "Gemeente 0002 (GM0002)")
    open_page(page, page.url)
    assert "Gemeente 0002 (GM0002)" in sidebar_gemeente(page, "Gemeente 0002 (GM0002)")
    assert not browser_support.exceptions(page)


def test_hostile_file_name_and_values_stay_text(server, page, tmp_path):
    name = "[klik](https:⁄⁄kwaad.example) <img src=x onerror=alert(1)> **vet**.csv"
    path = tmp_path / name
    path.write_text("naam;activiteit;x;y\n"
                    "<b>vet</b><img src=y onerror=alert(2)>;feest;100200;450200\n"
                    "=HYPERLINK(\"http://kwaad.example\");onbekend;100200;450200\n",
                    encoding="utf-8")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, f"{server.url}/data")
    upload(page, path)
    app = page.get_by_test_id("stMain")
    # literal text on screen, no element created from it
    assert page.get_by_text("<img src=x onerror=alert(1)>", exact=False).first.is_visible()
    assert app.locator("img[src='x'], img[src='y'], b:text('vet')").count() == 0
    assert app.locator("a[href*='kwaad']").count() == 0
    assert not dialogs and not browser_support.exceptions(page)


SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "alleen-voor-de-test"
client_id = "test"
client_secret = "test"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[wijkdata]
analisten = ["@gemeente.nl"]
"""


def test_with_sign_in_configured_a_visitor_sees_only_the_sign_in_page(tmp_path, page):
    # Streamlit also reads ~/.streamlit/secrets.toml: a temporary HOME holds the test's.
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(SECRETS)
    publish(f"sqlite:///{tmp_path / 'wijkdata.sqlite'}")
    running = browser_support.start_server(
        {"WIJKDATA_DATA_DIR": str(tmp_path), "WIJKDATA_DATABASE_URL": "", "HOME": str(home)},
        tmp_path / "server.log")
    try:
        for path in ("", "/data", "/kaart"):
            open_page(page, f"{running.url}{path}")
            assert page.get_by_text("Log in om het dashboard te bekijken").is_visible()
            assert page.get_by_role("button", name="Inloggen").is_visible()
            assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
            assert page.get_by_text("Gemeente 0001").count() == 0       # no data shown
            assert page.locator("[data-testid='stSidebarNav'] a").count() == 0
            assert not browser_support.exceptions(page)
    finally:
        running.stop()
