"""Figure exports: PNG through kaleido and the system's Chromium, standalone HTML."""
import contextlib
import io
import logging
import os
import re
import signal
import stat
from pathlib import Path

import kaleido
import plotly.graph_objects as go
import pytest
from PIL import Image

from wijkdata.compute.buurttabel import buurtcijfers, gebieden_op_niveau
from wijkdata.draw import kaart
from wijkdata.errors import WijkdataError
from wijkdata.export import images
from wijkdata.model.gegevens import load_demo

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

needs_chromium = pytest.mark.skipif(not images.chromium_available(),
                                    reason="Chromium not installed (apt-get install chromium)")


def bar_figure() -> go.Figure:
    # The default plotly template: a light blue plot area that the export must make white.
    return go.Figure(go.Bar(x=["a", "b"], y=[1, 3]), layout={"font": {"size": 8}})


@pytest.fixture(scope="module")
def demo_map() -> go.Figure:
    gegevens = load_demo()
    cijfers = buurtcijfers(gegevens, gemeentecode="GM9999")
    areas = gebieden_op_niveau(gegevens, "GM9999", "buurt")
    frame = cijfers.rename(columns={"buurtcode": "code", "buurtnaam": "naam"})
    return kaart.choropleth(kaart.geojson_of(areas, 5.0), frame, "eenzaam_pct",
                            indicator="eenzaam", view=kaart.bounds_view(areas, 600, 450),
                            initiatieven=gegevens.initiatieven)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        return image.size


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("width, height, scale", [(400, 300, 1), (500, 250, 2)])
def test_bar_chart_png_has_the_requested_size(width, height, scale):
    png = images.figure_png(bar_figure(), width=width, height=height, scale=scale)
    assert png_size(png) == (width * scale, height * scale)


@pytest.mark.browser
@needs_chromium
def test_png_has_a_white_background_and_leaves_the_figure_alone():
    fig = bar_figure()
    before = fig.to_json()
    png = images.figure_png(fig, width=400, height=300, scale=1)
    assert fig.to_json() == before
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        # Top right of the plot area, above the bars: the template's #E5ECF6 made white.
        assert rgb.getpixel((360, 40)) == (255, 255, 255)
        assert rgb.getpixel((2, 2)) == (255, 255, 255)


@pytest.mark.browser
@needs_chromium
def test_map_png_renders_offline_with_the_requested_size(demo_map):
    png = images.figure_png(demo_map, width=600, height=450, scale=2)
    assert png_size(png) == (1200, 900)
    with Image.open(io.BytesIO(png)) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    # Drawn, not blank: many colours (the purples, grey, the points).
    assert len(colours) > 50



def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, name) of every process below ``pid``, from /proc."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:                   # ended while we looked
            continue
        name = stat_line.split("(", 1)[1].rsplit(")", 1)[0]
        ppid = int(stat_line.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append((int(entry.name), name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


@pytest.mark.browser
@needs_chromium
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_chromium_that_died_is_restarted_and_the_png_still_made(caplog):
    # The first call starts kaleido's Chromium; then it dies (as when it was killed for
    # memory, or never came up on a busy machine): the next call logs the failure, starts
    # a fresh Chromium and still returns the image.
    images.figure_png(bar_figure(), width=300, height=200, scale=1)
    chromium = [pid for pid, name in descendants(os.getpid()) if "chrom" in name.lower()]
    assert chromium, "kaleido's Chromium should be running below this process"
    for pid in chromium:               # only the processes this test's call started
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="wijkdata.export.images"):
        png = images.figure_png(bar_figure(), width=300, height=200, scale=1)
    assert png_size(png) == (300, 200)
    warnings = [r for r in caplog.records if r.name == "wijkdata.export.images"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert "trying once more" in warnings[0].getMessage() and warnings[0].exc_info


def test_no_chromium_gives_the_dutch_message(monkeypatch):
    monkeypatch.setattr(images, "chromium_available", lambda: False)
    with pytest.raises(WijkdataError) as caught:
        images.figure_png(bar_figure())
    assert "geen Chromium geïnstalleerd" in caught.value.message
    assert "HTML-download" in caught.value.message


@pytest.fixture
def kaleido_crashes(monkeypatch):
    """A Chromium that is found but crashes on every figure."""
    class Server:
        _thread = None

    def broken(*args, **kwargs):
        raise RuntimeError("Chromium crashed")

    monkeypatch.setattr(images, "chromium_available", lambda: True)
    monkeypatch.setattr(images, "_server", lambda: Server())
    monkeypatch.setattr(kaleido, "calc_fig_sync", broken)


def test_a_kaleido_failure_becomes_a_dutch_error_not_a_traceback(kaleido_crashes):
    with pytest.raises(WijkdataError) as caught:
        images.figure_png(bar_figure())
    assert "PNG maken is niet gelukt" in caught.value.message
    assert "HTML-download" in caught.value.message


def test_a_failure_is_logged_with_its_traceback(kaleido_crashes, caplog):
    with caplog.at_level(logging.ERROR, logger="wijkdata.export.images"), \
            pytest.raises(WijkdataError):
        images.figure_png(bar_figure())
    record = caplog.records[-1]
    assert record.exc_info and "Chromium crashed" in str(record.exc_info[1])


@pytest.mark.parametrize("answer", [b"Error: could not render", b"", None, "text"])
def test_anything_but_a_png_is_an_error_never_bytes_of_a_png_file(monkeypatch, answer):
    # A .png download must hold an image or not be offered: never text with a .png name.
    class Server:
        _thread = None

    monkeypatch.setattr(images, "chromium_available", lambda: True)
    monkeypatch.setattr(images, "_server", lambda: Server())
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: answer)
    with pytest.raises(WijkdataError) as caught:
        images.figure_png(bar_figure())
    assert "PNG maken is niet gelukt" in caught.value.message


def test_a_server_that_will_not_start_becomes_a_dutch_error(monkeypatch):
    def cannot_start():
        raise RuntimeError("no browser")

    monkeypatch.setattr(images, "chromium_available", lambda: True)
    monkeypatch.setattr(images, "_server", cannot_start)
    with pytest.raises(WijkdataError, match="niet gelukt"):
        images.figure_png(bar_figure())


def test_browser_path_from_the_environment_is_used(monkeypatch, tmp_path):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    images._browser_path.cache_clear()
    try:
        assert images._browser_path() == str(fake)
        assert images.chromium_available()
    finally:
        images._browser_path.cache_clear()


def test_html_is_standalone_and_opens_offline(demo_map):
    before = demo_map.to_json()
    page = images.figure_html(demo_map, "Kaart <eenzaamheid> & initiatieven").decode("utf-8")
    assert demo_map.to_json() == before
    assert page.lower().startswith("<!doctype html>")
    assert '<html lang="nl">' in page
    assert "<title>Kaart &lt;eenzaamheid&gt; &amp; initiatieven</title>" in page
    assert "<eenzaamheid>" not in page
    # plotly.js itself is in the file, and no script is loaded from anywhere.
    assert "plotly.js v" in page and len(page) > 1_000_000
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.IGNORECASE)
    assert not re.search(r"src=[\"']https?://cdn", page)
    assert "mathjax" not in " ".join(re.findall(r"<script[^>]*>", page)).lower()
    assert page.count('charset="utf-8"') == 1


def test_html_title_keeps_dutch_characters():
    page = images.figure_html(bar_figure(), "Eenzaamheid in ’s-Hertogenbosch, café’s")
    assert "<title>Eenzaamheid in ’s-Hertogenbosch, café’s</title>".encode() in page

