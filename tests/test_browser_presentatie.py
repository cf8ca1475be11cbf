"""Presentatie on a 1920×1080 projector, offline: type sizes, contrast, keys, URL, no scroll.

Screenshots of every step land in artifacts/ (look at them as the council would).
"""
import re

import pytest

from tests.browser import (
    after_rerun,
    choose_option,
    exceptions,
    new_context,
    screenshot,
    wait_for_app,
    wait_for_charts,
)
from wijkdata.export.presentatie import STAPPEN

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (fg, bg) => {
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const slide = [...document.querySelectorAll('.kw-slide')];
  const texts = slide.flatMap(s => [...s.querySelectorAll('p, li, td, span')])
      .filter(e => e.innerText.trim().length > 0);
  const titles = slide.flatMap(s => [...s.querySelectorAll('h1')]);
  const body = getComputedStyle(document.body).backgroundColor;
  const bg = body === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : body;
  const svgText = [...document.querySelectorAll('.js-plotly-plot svg text')]
      .filter(t => t.textContent.trim().length > 0 && t.getBBox().width > 0)
      .map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize));
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    minText: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize)), 999),
    minTitle: Math.min(...titles.map(e => parseFloat(getComputedStyle(e).fontSize)), 999),
    titles: titles.length,
    minContrast: Math.min(...texts.concat(titles)
        .map(e => contrast(getComputedStyle(e).color, bg)), 99),
    minChartFont: svgText.length ? Math.min(...svgText) : null,
    scrolls: document.scrollingElement.scrollHeight > window.innerHeight + 1 ||
             (main && main.scrollHeight > main.clientHeight + 1),
    sidebar: !!document.querySelector('[data-testid="stSidebar"]') &&
             getComputedStyle(document.querySelector('[data-testid="stSidebar"]'))
               .display !== 'none',
  };
}"""


@pytest.fixture
def projector(chromium):
    context = new_context(chromium, viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1",
                                                   "data:", "blob:"))
                  else route.abort())
    page = context.new_page()
    yield page
    context.close()


def open_step(page, server, stap, **query):
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    page.goto(f"{server.url}/presentatie?stap={stap}{extra}")
    # A fresh session can sit idle between its first runs (frame, then page) on a busy
    # machine; the step counts as open once its own title is on screen.
    title = "Presentatie voorbereiden" if stap == 0 else STAPPEN[stap - 1]
    page.locator("h1", has_text=title).first.wait_for(timeout=90_000)
    wait_for_app(page)
    wait_for_charts(page)                 # charts drawn, the map's borders loaded


def press_for_step(page, key: str, stap: int) -> None:
    """Press ``key`` (a presenter's key) and wait for step ``stap``.

    On a busy machine a key can arrive before the page's shortcut listeners are back after
    a rerun; such a key starts no run at all. Only then is it pressed again, so a slow but
    real step is never taken twice."""
    import time

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.browser import script_runs
    deadline = time.monotonic() + 90
    while True:
        before = script_runs(page)
        page.keyboard.press(key)
        try:
            page.wait_for_function(
                "([before, stap]) => (window.__kwRuns ?? 0) > before || "
                "new URLSearchParams(location.search).get('stap') === String(stap)",
                arg=[before, stap], timeout=20_000, polling=100)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
            wait_for_app(page)
    wait_for_step(page, stap)


def wait_for_step(page, stap: int) -> None:
    page.wait_for_function(
        f"() => new URLSearchParams(location.search).get('stap') === '{stap}'",
        timeout=90_000, polling=100)
    wait_for_app(page)


@pytest.mark.parametrize("stap", range(1, len(STAPPEN) + 1))
def test_every_step_is_readable_from_the_back_of_the_room(projector, demo_server, stap):
    open_step(projector, demo_server, stap)
    assert exceptions(projector) == []
    assert STAPPEN[stap - 1] in projector.inner_text("body")
    m = projector.evaluate(MEASURE)
    assert m["titles"] == 1
    assert m["minTitle"] >= 48, m
    assert m["minText"] >= 28, m
    assert m["minContrast"] >= 7, m
    if m["minChartFont"] is not None:
        assert m["minChartFont"] >= 20, m
    assert not m["scrolls"], m
    assert not m["sidebar"], m
    screenshot(projector, f"presentatie_stap{stap}_1920x1080")


def current_step(page) -> int:
    return int(re.search(r"[?&]stap=(\d+)", page.url).group(1))


def test_keys_and_clicker_move_the_steps_and_the_url_follows(projector, demo_server):
    open_step(projector, demo_server, 1)
    for key, expected in (("ArrowRight", 2), ("PageDown", 3), ("ArrowRight", 4),
                          ("PageUp", 3), ("ArrowLeft", 2)):
        press_for_step(projector, key, expected)
        assert STAPPEN[expected - 1] in projector.inner_text("body")
    # a reload (or a second screen with the same URL) lands on the same step
    projector.reload()
    wait_for_app(projector)
    assert current_step(projector) == 2
    assert STAPPEN[1] in projector.inner_text("body")


def test_big_buttons_work_too(projector, demo_server):
    open_step(projector, demo_server, 5)
    projector.get_by_role("button", name=re.compile("Volgende")).first.click()
    wait_for_step(projector, 6)
    after_rerun(projector,
                lambda: projector.get_by_role("button", name=re.compile("Stoppen")).first.click())
    projector.get_by_text("Presentatie voorbereiden").first.wait_for(timeout=90_000)
    assert "Presentatie voorbereiden" in projector.inner_text("body")


def test_the_chosen_buurt_survives_every_step_and_a_reload(projector, demo_server):
    from wijkdata.compute.buurttabel import buurtcijfers
    from wijkdata.export.presentatie import standaard_buurt
    from wijkdata.model.gegevens import load_demo
    data = load_demo()
    default = standaard_buurt(buurtcijfers(data))
    chosen = next(c for c in ("BU99990101", "BU99990102") if c != default)
    naam = data.buurten.set_index("code").loc[chosen, "naam"]
    open_step(projector, demo_server, 0)
    buurt = projector.get_by_test_id("stSelectbox").filter(has_text="Buurt om uit te lichten")
    after_rerun(projector, lambda: choose_option(projector, buurt, f"{naam} ({chosen})"))
    after_rerun(projector, lambda: projector.get_by_role(
        "button", name=re.compile("Start de presentatie")).click())
    for stap in range(2, len(STAPPEN) + 1):
        press_for_step(projector, "ArrowRight", stap)
        assert f"buurt={chosen}" in projector.url, stap
        if stap == 4:
            assert naam in projector.locator(".kw-slide").first.inner_text()
    # a reload of step 4 (a second screen, a crashed laptop) shows the same buurt
    projector.goto(projector.url.replace("stap=6", "stap=4"))
    wait_for_app(projector)
    assert naam in projector.locator(".kw-slide").first.inner_text()
