"""Charts and maps as files: PNG (kaleido driving the system's Chromium) and standalone HTML.

PNG export needs a Chromium on this computer; kaleido never downloads one here (no
``kaleido.get_chrome()``). Where none is installed, or rendering fails or takes too long,
:func:`figure_png` raises a Dutch :class:`WijkdataError` (the cause goes to the log with its
traceback) and never returns anything but a real PNG: the caller shows the message, and the
HTML download, which needs nothing but a browser to open it, remains. Both leave the figure
passed in unchanged: they work on a copy.
"""
from __future__ import annotations

import functools
import logging
import os
import shutil
import threading
import time
from pathlib import Path

import plotly.graph_objects as go

from wijkdata.draw.kaart import zonder_achtergrond
from wijkdata.errors import WijkdataError
from wijkdata.escaping import escape_html

log = logging.getLogger(__name__)

GEEN_CHROMIUM = ("PNG maken kan niet: op deze computer is geen Chromium geïnstalleerd. "
                 "Gebruik de HTML-download.")
PNG_MISLUKT = ("PNG maken is niet gelukt: Chromium gaf geen afbeelding terug. Probeer het "
               "opnieuw of gebruik de HTML-download.")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_FONT_SIZE = 12
# The first map of a process starts Chromium (~3 s); a render normally takes well under a
# second. Beyond this, something is stuck: better a message than a page that hangs.
RENDER_TIMEOUT_S = 120
# Closing a server whose Chromium died or hangs; beyond this its thread is left behind.
SHUTDOWN_TIMEOUT_S = 30

_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_server_lock = threading.Lock()   # starting the server, once per process
_render_lock = threading.Lock()   # kaleido's sync server answers one caller at a time


@functools.lru_cache(maxsize=1)
def _browser_path() -> str | None:
    explicit = os.environ.get("BROWSER_PATH")
    candidates = [explicit, "/usr/bin/chromium", *(shutil.which(n) for n in _BROWSER_NAMES)]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def chromium_available() -> bool:
    """Whether a Chromium (or Chrome) for PNG export is installed (the answer is cached)."""
    return _browser_path() is not None


def _server():
    """kaleido's global sync server, started on first use with MathJax off (no CDN)."""
    import kaleido

    server = kaleido._global_server  # noqa: SLF001 - the only way to see a dead server thread
    with _server_lock:
        thread = getattr(server, "_thread", None)
        if server.is_running() and thread is not None and not thread.is_alive():
            # Chromium failed to start or died: reset, so this call starts a fresh one.
            kaleido.stop_sync_server(silence_warnings=True)
        if not server.is_running():
            # kaleido looks for the browser on PATH or in BROWSER_PATH; point it at the one
            # found here, so it never falls back to a download.
            if _browser_path():
                os.environ.setdefault("BROWSER_PATH", _browser_path())
            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    return server


def _print_ready(fig: go.Figure) -> go.Figure:
    """A copy with a white background and fonts large enough to read on paper, and no base
    map: kaleido would wait for tiles it may never get (the pages strip it too)."""
    out = zonder_achtergrond(fig)
    font = out.layout.font
    size = font.size if font and font.size else MIN_FONT_SIZE
    out.update_layout(paper_bgcolor="white", plot_bgcolor="white",
                      font={"size": max(size, MIN_FONT_SIZE), "color": "#111111"})
    return out


class _RenderFailed(Exception):
    """One failed attempt; ``retry`` says whether a fresh Chromium may help."""

    def __init__(self, reason: str, cause: BaseException | None = None, retry: bool = True):
        super().__init__(reason)
        self.cause = cause
        self.retry = retry


def _restart_server() -> None:
    """Stop kaleido's server (and its Chromium), so the next call starts a fresh one.

    kaleido's own ``stop_sync_server`` waits without limit for the server thread, which
    never ends when its Chromium hangs: here the wait is bounded, and a thread that does not
    stop is left behind (a daemon thread; it holds no lock of ours)."""
    import kaleido

    server = kaleido._global_server  # noqa: SLF001 - see _server
    with _server_lock:
        if not server.is_running():
            return
        thread = getattr(server, "_thread", None)
        if thread is not None and thread.is_alive():
            server._task_queue.put(None)  # noqa: SLF001 - kaleido's own stop signal
            thread.join(SHUTDOWN_TIMEOUT_S)
            if thread.is_alive():
                log.warning("PNG: kaleido's server did not stop within %s s; left behind",
                            SHUTDOWN_TIMEOUT_S)
        server._initialized = False  # noqa: SLF001 - what kaleido's close() resets


def _render_once(spec: dict, opts: dict) -> bytes:
    """One rendering through kaleido's server; raises :class:`_RenderFailed`."""
    result: dict = {}

    def render():
        import kaleido
        try:
            # kaleido's own call (plotly.io.to_image adds options the running server ignores,
            # with a warning each time).
            result["png"] = kaleido.calc_fig_sync(spec, opts=opts)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            result["error"] = exc

    with _render_lock:
        try:
            server = _server()
        except Exception as exc:
            raise _RenderFailed("kaleido's Chromium could not be started", exc) from exc
        # The sync server waits forever for an answer if its Chromium died; a worker thread
        # and a deadline keep this call from hanging with it.
        worker = threading.Thread(target=render, daemon=True, name="wijkdata-png")
        worker.start()
        deadline = time.monotonic() + RENDER_TIMEOUT_S
        while worker.is_alive():
            worker.join(0.05)
            thread = getattr(server, "_thread", None)
            if time.monotonic() > deadline:
                # Waited long enough once: a second wait as long would leave the page hanging.
                raise _RenderFailed(f"no image after {RENDER_TIMEOUT_S} s", retry=False)
            if thread is not None and not thread.is_alive() and worker.is_alive():
                raise _RenderFailed("kaleido's Chromium stopped during rendering")
    if "error" in result:
        raise _RenderFailed("rendering failed", result["error"])
    png = result.get("png")
    if not isinstance(png, bytes) or not png.startswith(PNG_SIGNATURE):
        raise _RenderFailed(f"kaleido returned no PNG ({png[:40] if png else png!r})")
    return png


def _exc_info(failure: _RenderFailed):
    error = failure.cause or failure
    return type(error), error, error.__traceback__


def figure_png(fig: go.Figure, *, width: int = 1200, height: int = 700,
               scale: float = 2) -> bytes:
    """The figure as PNG bytes of ``width·scale`` × ``height·scale`` pixels.

    A failed attempt (Chromium that did not start on a busy machine, or died) is logged and
    tried once more with a freshly started Chromium. Raises :class:`WijkdataError` (Dutch)
    when no Chromium is installed or the second attempt fails too; the cause of each failure
    is logged with its traceback.
    """
    if not chromium_available():
        raise WijkdataError(GEEN_CHROMIUM)
    try:
        spec = _print_ready(fig).to_dict()
    except Exception as exc:
        log.exception("PNG: figure could not be prepared")
        raise WijkdataError(PNG_MISLUKT) from exc
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    try:
        return _render_once(spec, opts)
    except _RenderFailed as failure:
        if not failure.retry:
            log.error("PNG: %s; rendering given up", failure, exc_info=_exc_info(failure))
            raise WijkdataError(PNG_MISLUKT) from (failure.cause or failure)
        log.warning("PNG: %s; restarting kaleido's Chromium and trying once more", failure,
                    exc_info=_exc_info(failure))
    _restart_server()
    try:
        return _render_once(spec, opts)
    except _RenderFailed as failure:
        log.error("PNG: %s (second attempt); rendering given up", failure,
                  exc_info=_exc_info(failure))
        raise WijkdataError(PNG_MISLUKT) from (failure.cause or failure)


def figure_html(fig: go.Figure, title: str) -> bytes:
    """The figure as one standalone HTML file (UTF-8) that opens offline.

    plotly.js is inlined (≈4.5 MB) and MathJax left out, so nothing is fetched from a CDN.
    """
    figure = go.Figure(fig)
    figure.update_layout(paper_bgcolor="white")
    body = figure.to_html(include_plotlyjs=True, include_mathjax=False, full_html=True,
                          config={"displaylogo": False, "responsive": True})
    safe_title = escape_html(title)
    head = (f'<head>\n<meta charset="utf-8" />\n<title>{safe_title}</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
            '<style>body{font-family:Arial,Helvetica,sans-serif;margin:1rem;color:#111;'
            'background:#fff}h1{font-size:1.4rem;margin:0 0 .75rem}</style>')
    page = body.replace("<html>", '<html lang="nl">', 1)
    page = page.replace('<meta charset="utf-8" />', "", 1)
    page = page.replace("<head>", head, 1)
    page = page.replace("<body>", f"<body>\n<h1>{safe_title}</h1>", 1)
    return page.encode("utf-8")
