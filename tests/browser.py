"""Real-browser support: a `streamlit run` server on 127.0.0.1 and Debian's Chromium through
Playwright (never `playwright install`: that downloads a browser).

Use the fixtures in tests/conftest.py: ``app_server`` (a server on the demo, or on a store
given by ``WIJKDATA_DATABASE_URL``) and ``page`` (a fresh 1280×800 Chromium page).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run", "--disable-quic",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(env: dict[str, str], log: Path, timeout: float = 60) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.headless=true", "--server.address=127.0.0.1",
               f"--server.port={port}", "--browser.gatherUsageStats=false",
               "--server.fileWatcherType=none"]
    handle = log.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=handle,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return Server(url, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout} s")


# How long an action (a click, a fill) may wait for its element: as long as the state waits
# below, since a busy 2-core machine can take half a minute to draw the Data page.
GEDULD_MS = 90_000


def new_context(chromium, **options):
    """A browser context (``chromium.new_context(**options)``) whose actions wait as long
    as the state waits do, not Playwright's default 30 s."""
    context = chromium.new_context(**options)
    context.set_default_timeout(GEDULD_MS)
    return context


APP = "[data-testid='stApp']"
# True once the app has been connected and not running for ``quiet`` ms without a break:
# a rerun requested by the last action may start a moment after it, and on a busy machine
# that moment is longer. Polled in the page, so no fixed sleep decides anything. The
# base-map tile test (ui.tegeltest) must not be fetching, and when it found the tiles,
# the run it starts must have drawn the page without it (the app then reruns once).
_QUIET = """(quiet) => {
  const app = document.querySelector("[data-testid='stApp']");
  const tegeltest = document.documentElement.dataset.kwTegeltest;
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && tegeltest !== 'bezig'
      && !(tegeltest === 'bereikbaar' && document.querySelector('.st-key-tegeltest'));
  const now = performance.now();
  if (!idle) { window.__kwIdleSince = null; return false; }
  if (window.__kwIdleSince == null) window.__kwIdleSince = now;
  return now - window.__kwIdleSince >= quiet;
}"""
# Counts the script runs the page has seen (each switch of the app to 'running').
_RUNS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (window.__kwRuns === undefined && app) {
    window.__kwRuns = 0;
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__kwRuns += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__kwRuns ?? 0;
}"""
# Every chart element holds a drawn plotly figure; every map has its borders: plotly
# fetches a GeoJSON given by URL itself before it hands the polygons to MapLibre, so the
# map counts as painted only when each choropleth has a loaded source with features in it.
_CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
  .every(box => {
    const gd = box.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout || !gd.querySelector('.main-svg')) return false;
    if (!gd._fullLayout.map) return true;
    const map = gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (!map || !map.loaded() || !map.areTilesLoaded() || map.isMoving()) return false;
    const choropleths = (gd._fullData || []).filter(t => t.type === 'choroplethmap'
                                                      && t.visible !== false).length;
    const sources = Object.entries(map.getStyle().sources)
      .filter(([, source]) => source.type === 'geojson').map(([id]) => id);
    const filled = sources.filter(id => map.isSourceLoaded(id)
                                        && map.querySourceFeatures(id).length > 0);
    return filled.length >= Math.min(choropleths, 1);
  })"""


def wait_for_app(page, timeout: float = 90_000, quiet: int = 500) -> None:
    """Wait until the connected app has finished its script run and stayed idle for
    ``quiet`` ms (the state, polled in the page)."""
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", state="attached",
                           timeout=timeout)
    page.evaluate("() => { window.__kwIdleSince = null; }")
    page.wait_for_function(_QUIET, arg=quiet, timeout=timeout, polling=100)


def wait_for_tile_test(page, timeout: float = 90_000) -> None:
    """On a server with a base map configured: wait until this page's tile test has its
    answer (ui.tegeltest; at most 5 s after the first run) and the run it starts is over,
    so the map is drawn with or without the base map for good."""
    page.wait_for_function("() => ['bereikbaar', 'onbereikbaar'].includes("
                           "document.documentElement.dataset.kwTegeltest)",
                           timeout=timeout, polling=100)
    wait_for_app(page, timeout)


def script_runs(page) -> int:
    """How many script runs the page has seen so far (counting starts at the first call)."""
    return page.evaluate(_RUNS)


def after_rerun(page, action, timeout: float = 90_000) -> None:
    """Do ``action`` (a click, a key press) that makes Streamlit rerun, and wait until that
    new run has finished — not a run from before the action."""
    before = page.evaluate(_RUNS)
    action()
    page.wait_for_function(
        """(before) => (window.__kwRuns ?? 0) > before && document.querySelector(
             "[data-testid='stApp']").getAttribute('data-test-script-state') === 'notRunning'""",
        arg=before, timeout=timeout, polling=100)
    wait_for_app(page, timeout)


def wait_for_charts(page, timeout: float = 90_000) -> None:
    """Wait until every chart on the page is drawn and every map has loaded its borders."""
    page.wait_for_function(_CHARTS_DRAWN, timeout=timeout, polling=200)


def with_open_list(page, widget, options, act, timeout: float = 90_000):
    """Open the list of a selectbox or multiselect ``widget`` until ``options`` (a locator)
    shows, return ``act()``, and close the list.

    A busy machine may still be rerunning when the list is opened; the rerun redraws the
    widget and closes the list, so opening is retried until the options show."""
    import time
    deadline = time.monotonic() + timeout / 1000
    while True:
        wait_for_app(page, timeout)
        widget.locator("input").first.click()
        try:
            options.first.wait_for(state="visible", timeout=5_000)
            result = act()
            break
        except Exception:     # playwright's TimeoutError: the list closed or never opened
            if time.monotonic() > deadline:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    return result


def choose_option(page, widget, name: str, timeout: float = 90_000) -> None:
    """Pick option ``name`` in a selectbox or multiselect ``widget`` (a locator), the list
    opened by :func:`with_open_list`."""
    import re
    option = page.get_by_role("option", name=re.compile(rf"^\s*{re.escape(name)}\s*$"))
    with_open_list(page, widget, option, lambda: option.first.click(timeout=5_000), timeout)


def option_labels(page, widget, timeout: float = 90_000) -> list[str]:
    """The option labels of a selectbox ``widget``, the list opened by
    :func:`with_open_list`."""
    options = page.get_by_role("option")
    return with_open_list(page, widget, options,
                          lambda: [o.inner_text() for o in options.all()], timeout)


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all("[data-testid='stException']")]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_source() -> str:
    """axe-core's browser script: from npm (node_modules) when present, else the copy that
    the PyPI package axe-playwright-python ships."""
    npm = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if npm.exists():
        return npm.read_text()
    import axe_playwright_python
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    page.add_script_tag(content=axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]
