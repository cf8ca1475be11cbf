"""National-scale benchmark: a synthetic Netherlands against the naive approach.

    python scripts/benchmark.py            # full run: ~14,800 buurten, 100,000 initiatives
    python scripts/benchmark.py --quick    # smaller country, fewer runs (a minute or two)
    python scripts/benchmark.py --lezen    # only reading files (national RIVM XLSX, stray cell)

Prints one table: each figure is the median of several runs, next to the target from the
issue and a naive baseline measured in the same run — a plotly ``choropleth_map`` with the
full-resolution borders embedded in the figure. The synthetic data is generated once and
cached (see wijkdata/generators/synthetic.py); the benchmark imports it into a temporary
store through the normal reader, so nothing of yours is touched. Measurements run through
the same functions the Kaart page uses (ui, kaart, kaartcache, gegevens), through AppTest,
and in Debian's Chromium against a real ``streamlit run`` server with no internet.

The reading section (``--lezen``, also part of the default run) checks a generated national
RIVM export in XLSX (17,341 rows x 43 columns, tests/realshapes.py) through
``wijkdata.readers.read_file`` and compares it with a plain ``pandas.read_excel`` of the same
sheet (openpyxl): the issue's target is a check of at most 1.5 x that time. It also reads a
small workbook (a few KB) with one stray cell on row 1,048,576 (target < 2 s, < 300 MB).
"""
from __future__ import annotations

import argparse
import gc
import gzip
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FILTERS = [["feest"], ["feest", "digitaal"], ["ontmoeting"], ["sport en bewegen"],
           ["eten en drinken", "muziek en cultuur"], ["natuur en groen"], ["burenhulp en zorg"],
           ["digitaal"], ["muziek en cultuur"], []]
# Painted: after the map went idle (all sources loaded and drawn) with choropleth fills on
# screen. The check runs once per "idle" event, not in the polling loop: querying 15,000
# rendered features every 100 ms would itself slow the map down.
PAINTED_JS = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd._fullLayout.map._subplot) return false;
    const m = gd._fullLayout.map._subplot.map;
    if (!m) return false;
    if (!m.__painted) {
        m.__painted = {done: false};
        m.on('idle', () => {
            const fills = m.getStyle().layers.filter(l => l.type === 'fill').map(l => l.id);
            if (fills.length && m.queryRenderedFeatures({layers: fills}).length) {
                m.__painted.done = true;
            }
        });
        m.triggerRepaint();
    }
    return m.__painted.done;
}"""


# --- measuring ----------------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows: list[dict] = []
        self.notes: list[str] = []

    def add(self, figure, value, unit, *, target=None, naive=None, ratio_target=None,
            note=""):
        """``target``: the value must be <= target; ``ratio_target``: naive / value >= it."""
        ratio = naive / value if naive is not None and value not in (None, 0) else None
        checks = []
        if value is not None and target is not None:
            checks.append(value <= target)
        if ratio is not None and ratio_target is not None:
            checks.append(ratio >= ratio_target)
        if value is None:
            result = "not measured"
        elif checks:
            result = "met" if all(checks) else "MISSED"
        else:
            result = "(no target)"
        self.rows.append({"figure": figure, "value": value, "unit": unit, "target": target,
                          "ratio_target": ratio_target, "naive": naive, "ratio": ratio,
                          "result": result, "note": note})
        print(f"  {figure}: {_fmt(value, unit)}"
              + (f"  (naive {_fmt(naive, unit)}, {ratio:,.0f}×)" if ratio else "")
              + f"  {result}", flush=True)

    def print(self):
        header = ["figure", "value", "target", "naive baseline", "ratio", "met/missed"]
        lines = []
        for r in self.rows:
            target = "—"
            if r["target"] is not None:
                target = f"≤ {_fmt(r['target'], r['unit'])}"
            if r["ratio_target"] is not None:
                target += f", ≥ {r['ratio_target']}×"
            lines.append([r["figure"], _fmt(r["value"], r["unit"]), target,
                          _fmt(r["naive"], r["unit"]) if r["naive"] is not None else "—",
                          f"{r['ratio']:,.0f}×" if r["ratio"] is not None else "—",
                          r["result"]])
        widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
        sep = "-+-".join("-" * w for w in widths)
        print()
        print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
        print(sep)
        for line in lines:
            print(" | ".join(str(x).ljust(w) for x, w in zip(line, widths)))
        notes = [f"{r['figure']}: {r['note']}" for r in self.rows if r["note"]] + self.notes
        if notes:
            print()
            for note in notes:
                print(textwrap.fill(note, 100, initial_indent="* ", subsequent_indent="  "))


def _fmt(value, unit):
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.2f} MB" if value < 100 else f"{value:.0f} MB"
    if unit == "GB":
        return f"{value:.2f} GB"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value} {unit}"


def median_time(func, runs: int, setup=None) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        if setup:
            setup()
        gc.collect()
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def mb(n: int) -> float:
    return n / 1e6


# --- reading files ----------------------------------------------------------------------------

def bench_lezen(table, args):
    """Check of a national RIVM export in XLSX against a plain pandas.read_excel, and the
    stray-cell workbook. The memo in textio is emptied before each run: every run parses."""
    import io
    import tracemalloc
    from functools import partial

    import pandas as pd

    from tests.realshapes import rivm_national_xlsx
    from wijkdata.readers import read_file, textio
    from wijkdata.readers.indicatoren import read_indicatoren

    started = time.perf_counter()
    data = rivm_national_xlsx()
    print(f"National RIVM export generated in {time.perf_counter() - started:.1f} s "
          f"({mb(len(data)):.1f} MB)", flush=True)
    runs = min(args.runs, 3)
    name = "rivm_50090NED_nationaal.xlsx"

    def plain():
        return pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str)

    def check():
        return read_file(data, name)

    def parse():
        return textio.read_table(data, name)

    # Interleaved, so a change in the machine's load hits both sides of each ratio alike.
    times: dict[str, list[float]] = {"plain": [], "check": [], "parse": [], "rows": []}
    for _ in range(runs):
        t, frame = median_time(plain, 1)
        times["plain"].append(t)
        t, result = median_time(check, 1, setup=textio._memo.clear)
        times["check"].append(t)
        t, raw = median_time(parse, 1, setup=textio._memo.clear)
        times["parse"].append(t)
        times["rows"].append(median_time(partial(read_indicatoren, raw.copy(), name), 1)[0])
    t_plain, t_check, t_parse, t_rows = (statistics.median(times[k]) for k in times)
    ratio = statistics.median(c / p for c, p in zip(times["check"], times["plain"]))
    shape = f"{frame.shape[0]:,} rows x {frame.shape[1]} columns"
    table.add("Plain pandas.read_excel of the national RIVM XLSX (openpyxl, dtype=str)",
              t_plain, "s", note=shape)
    table.add("Check of that file, bytes to Ingelezen (read_file)", t_check, "s",
              note=f"kind {result.kind}, {len(result.frame):,} indicator rows, "
                   f"{len(result.rapport.errors)} errors, {len(result.rapport.warnings)} "
                   f"warnings; of which parsing the sheet (textio.read_table) {t_parse:.2f} s "
                   f"and the indicator rows (read_indicatoren) {t_rows:.2f} s")
    table.add("Check / plain read_excel", ratio, "×", target=1.5,
              note="median of the ratios of interleaved runs")

    stray = _stray_cell_xlsx()
    textio._memo.clear()
    tracemalloc.start()
    started = time.perf_counter()
    read = textio.read_xlsx(stray, "stray.xlsx")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    table.add("Small XLSX with a stray cell on row 1,048,576: time", seconds, "s", target=2.0,
              note=f"{len(stray) / 1024:.0f} KB, {len(read)} rows read")
    table.add("Small XLSX with a stray cell on row 1,048,576: peak memory", mb(peak), "MB",
              target=300.0, note="Python allocations while reading (tracemalloc)")


def _stray_cell_xlsx() -> bytes:
    """A list of 60 initiatives with one bold cell holding 'x' on the last row of the sheet."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["naam", "omschrijving", "activiteit", "lat", "lon"])
    for i in range(60):
        sheet.append([f"Koffietafel {i}", "Elke week koffie", "ontmoeting", 52.1552, 5.3872])
    sheet.cell(row=1_048_576, column=1, value="x").font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the steps ------------------------------------------------------------------------------

def make_data(args):
    from wijkdata.generators import synthetic
    start = time.perf_counter()
    files = synthetic.ensure(args.buurten, args.gemeenten, args.initiatieven)
    print(f"Synthetic data ready in {time.perf_counter() - start:.1f} s: {files.gpkg.parent}")
    return files


def import_boundaries(files, store_dirs: list[Path]):
    """Read, validate and store the GeoPackage into a fresh store (one per run)."""
    from wijkdata.readers import checksum, read_file
    from wijkdata.store import Store
    folder = store_dirs.pop(0)

    def run():
        data = files.gpkg.read_bytes()
        ingelezen = read_file(data, files.gpkg.name)
        if not ingelezen.usable():
            raise SystemExit(f"import refused: {ingelezen.rapport.errors[:3]}")
        Store(f"sqlite:///{folder / 'wijkdata.sqlite'}").publish(
            "buurten", "Wijk- en buurtkaart (synthetisch)", ingelezen.frame,
            source_filename=files.gpkg.name, checksum=checksum(data), created_by="benchmark")
        return folder
    return run


def publish_rest(files, folder: Path):
    import pandas as pd

    from wijkdata.store import Store
    store = Store(f"sqlite:///{folder / 'wijkdata.sqlite'}")
    store.publish("indicatoren", "Eenzaamheid (synthetisch)", pd.read_parquet(files.indicatoren),
                  source_filename="indicatoren.parquet", checksum="synthetisch")
    store.publish("initiatieven", "Initiatieven (synthetisch)",
                  pd.read_parquet(files.initiatieven), source_filename="initiatieven.parquet",
                  checksum="synthetisch")
    return store


def naive_map(buurten, cijfers, column, view, points=None):
    """The naive baseline: full-resolution borders as GeoJSON embedded in a
    plotly.express choropleth_map (one trace, numeric colour), serialised as Streamlit does."""
    import plotly.express as px
    import plotly.io as pio

    from wijkdata.draw import kaart
    geo = json.loads(buurten[["code", "geometry"]].to_crs("EPSG:4326").to_json(drop_id=True))
    fig = px.choropleth_map(cijfers, geojson=geo, locations="code",
                            featureidkey="properties.code", color=column, hover_name="naam",
                            map_style="white-bg", center=view["center"], zoom=view["zoom"],
                            color_continuous_scale=kaart.SCALE, height=560)
    if points is not None and len(points):
        kaart.add_initiatief_points(fig, points, "wij_type")
    return pio.to_json(fig, validate=False)


def our_map(data, cijfers, niveau, gemeente, column, points=None):
    """What the Kaart page does for the map: figures per area, the prepared layer, the
    figure, and Streamlit's serialisation (plotly.io.to_json(validate=False))."""
    import plotly.io as pio

    from wijkdata.compute.buurttabel import gebiedcijfers
    from wijkdata.draw import kaart, kaartcache
    gebieden = gebiedcijfers(data, cijfers, niveau)
    laag = kaartcache.laag(data.buurten, gemeente, niveau, key=kaartcache.sleutel(data))
    fig = kaart.choropleth(laag.url, gebieden, column, indicator="eenzaam", view=laag.view,
                           initiatieven=points)
    return pio.to_json(fig, validate=False), laag


def bench_maps(table, data, args):
    from wijkdata.compute import formulas
    from wijkdata.compute.buurttabel import buurtcijfers
    from wijkdata.draw import kaartcache
    runs = args.runs
    column = "eenzaam_pct"
    cijfers_nl = buurtcijfers(data)
    buurten = data.buurten

    # national, cold: first preparation for this geometry version (temporary roots, so the
    # app's own prepared files are not touched)
    roots = [Path(tempfile.mkdtemp(prefix="kaart-cold-")) for _ in range(args.cold_runs)]

    def cold():
        root = roots.pop(0)
        laag = kaartcache.laag(buurten, None, "buurt", key=kaartcache.sleutel(data), root=root)
        shutil.rmtree(root, ignore_errors=True)
        return laag
    t_cold, _ = median_time(cold, args.cold_runs, setup=kaartcache.clear_memo)

    def new_process():
        kaartcache.clear_memo()
        # a new process computes the fingerprint again
        return kaartcache.laag(buurten, None, "buurt", key=kaartcache.fingerprint(buurten))
    kaartcache.laag(buurten, None, "buurt", key=kaartcache.sleutel(data))      # the app's files
    t_new, _ = median_time(new_process, runs)

    t_warm, (spec, laag) = median_time(
        lambda: our_map(data, cijfers_nl, "buurt", None, column), runs)
    geo_bytes = laag.bytes
    geo_gz = len(gzip.compress(laag.path.read_bytes(), 5))
    fig_bytes = len(spec.encode())

    print("  naive national map (full resolution embedded) ...", flush=True)
    view = laag.view
    gebieden = cijfers_nl.rename(columns={"buurtcode": "code", "buurtnaam": "naam"})
    if args.no_naive:
        t_naive = naive_bytes = None
    else:
        t_naive, naive_spec = median_time(lambda: naive_map(buurten, gebieden, column, view),
                                          args.naive_runs)
        naive_bytes = len(naive_spec.encode())
        del naive_spec
        gc.collect()

    import shapely
    vertices = int(shapely.get_num_coordinates(buurten.geometry.values).sum())
    table.add("National buurt map: build, warm", t_warm, "s", target=0.3,
              naive=t_naive, ratio_target=100,
              note=f"{len(cijfers_nl):,} buurten with {vertices:,} vertices at full resolution "
                   f"({vertices / len(buurten):.0f} per buurt); figure + serialisation as "
                   "st.plotly_chart does it")
    table.add("National buurt map: build, cold (first time per dataset version)",
              t_cold + t_warm, "s", naive=t_naive,
              note=f"simplify the coverage (tolerance {laag.tolerance:g} m) and write the files "
                   "once; every later session and process reuses them")
    table.add("National buurt map: build, cold in a new process (files exist)",
              t_new + t_warm, "s", naive=t_naive)
    naive_mb = mb(naive_bytes) if naive_bytes else None
    table.add("National buurt map: bytes sent, uncompressed (figure + GeoJSON)",
              mb(fig_bytes + geo_bytes), "MB", target=3.0, naive=naive_mb,
              ratio_target=50,
              note=f"figure {mb(fig_bytes):.2f} MB + GeoJSON {mb(geo_bytes):.2f} MB; the "
                   "GeoJSON is fetched once per page load, reruns send only the figure")
    table.add("National buurt map: bytes on the wire (GeoJSON gzip as Streamlit serves it)",
              mb(fig_bytes + geo_gz), "MB", target=3.0, naive=naive_mb,
              ratio_target=50,
              note=f"GeoJSON {mb(geo_gz):.2f} MB gzip; the figure counted uncompressed, although "
                   "the app's config turns on websocket compression (a conservative figure)")

    # one gemeente: the largest (worst case), with its initiatives on top as on the page
    sizes = buurten["gemeentecode"].value_counts()
    gemeente = sizes.index[0]
    cijfers_gm = buurtcijfers(data, gemeentecode=gemeente)
    points = formulas.active_initiatieven(data.initiatieven)
    points = points[points["gemeentecode"] == gemeente]
    kaartcache.clear_memo()
    gm_root = Path(tempfile.mkdtemp(prefix="kaart-gm-"))
    t_gm_cold, _ = median_time(
        lambda: kaartcache.laag(buurten, gemeente, "buurt", key=kaartcache.sleutel(data),
                                root=gm_root), 1)
    shutil.rmtree(gm_root, ignore_errors=True)
    t_gm, (spec_gm, laag_gm) = median_time(
        lambda: our_map(data, cijfers_gm, "buurt", gemeente, column, points), runs)
    gm_bytes = len(spec_gm.encode()) + laag_gm.bytes
    gm_view = laag_gm.view
    gebieden_gm = cijfers_gm.rename(columns={"buurtcode": "code", "buurtnaam": "naam"})
    t_gm_naive, naive_gm = (None, None) if args.no_naive else median_time(
        lambda: naive_map(buurten[buurten["gemeentecode"] == gemeente], gebieden_gm, column,
                          gm_view, points), max(args.naive_runs, 3))
    table.add(f"One gemeente's map: build, warm (largest: {gemeente})", t_gm, "s",
              target=0.1, naive=t_gm_naive,
              note=f"{sizes.iloc[0]} buurten and {len(points):,} initiatives drawn; a "
                   f"median gemeente has {int(sizes.median())} buurten. First preparation of "
                   f"its files: {t_gm_cold:.2f} s, once")
    table.add("One gemeente's map: bytes sent, uncompressed (figure + GeoJSON)",
              mb(gm_bytes), "MB", naive=mb(len(naive_gm.encode())) if naive_gm else None)
    return gemeente


def bench_join_export(table, data, args):
    from wijkdata.compute import formulas
    from wijkdata.compute.buurttabel import buurtcijfers
    from wijkdata.export import spreadsheets
    bron = data.initiatieven_bron
    t_join, joined = median_time(
        lambda: formulas.join_initiatieven_to_buurten(bron, data.gebieden), args.runs)
    table.add(f"{len(bron):,} initiatives joined to buurten", t_join, "s", target=1.0,
              note=f"{joined['buurtcode'].notna().mean():.1%} placed in a buurt")

    from wijkdata.compute import witte_vlekken
    buurten = data.buurten.reset_index(drop=True)
    t_reach, binnen = median_time(
        lambda: witte_vlekken.binnen_bereik(buurten, joined, witte_vlekken.BEREIK_M), args.runs)
    table.add(f"Initiatives within {witte_vlekken.BEREIK_M} m of each of {len(buurten):,} "
              "buurten (witte-vlek supply)", t_reach, "s",
              note=f"{int(binnen.sum()):,} buurt-initiative pairs; "
                   f"{(binnen == 0).mean():.1%} of buurten with none in reach")

    def export_all():
        data.__dict__.pop("_memo_cache", None)        # as a fresh command-line process
        cijfers = buurtcijfers(data)
        return spreadsheets.to_csv_bytes(spreadsheets.buurten_table(cijfers))
    t_export, csv = median_time(export_all, args.runs)
    rows = csv.count(b"\n") - 1
    table.add("Per-buurt export, whole country (CSV)", t_export, "s",
              note=f"{rows:,} rows, {mb(len(csv)):.1f} MB; as `python -m wijkdata export` "
                   "after loading")


def country_rerun_proxy(table, data, args):
    """A filter change for the whole country through the functions the Kaart page calls."""
    import plotly.io as pio

    from wijkdata.compute import formulas
    from wijkdata.compute.buurttabel import buurtcijfers, gebiedcijfers
    from wijkdata.draw import kaart, kaartcache
    filters = iter(FILTERS * 3)

    def rerun():
        chosen = next(filters)
        ini = formulas.filter_initiatieven(formulas.active_initiatieven(data.initiatieven),
                                          activiteiten=chosen or None)
        cijfers = buurtcijfers(data, initiatieven=ini if chosen else None)
        gebieden = gebiedcijfers(data, cijfers, "buurt")
        laag = kaartcache.laag(data.buurten, None, "buurt", key=kaartcache.sleutel(data))
        fig = kaart.choropleth(laag.url, gebieden, "eenzaam_pct", indicator="eenzaam",
                               view=laag.view)
        return pio.to_json(fig, validate=False)
    t, _ = median_time(rerun, args.runs)
    return t


class _KeepFrame:
    """The AppTest fix from tests/conftest.py (``_apptest_keeps_app_frame``): with a
    ``pages/`` folder AppTest would rerun a page without app.py; keep the real server's way."""

    def __enter__(self):
        from streamlit.runtime.pages_manager import PagesManager
        original = PagesManager.__init__

        def init(self, *a, **k):
            original(self, *a, **k)
            PagesManager.uses_pages_directory = False
        self._patches = [mock.patch.object(PagesManager, "__init__", init),
                         mock.patch.object(PagesManager, "uses_pages_directory",
                                           PagesManager.uses_pages_directory)]
        for p in self._patches:
            p.start()

    def __exit__(self, *exc):
        for p in reversed(self._patches):
            p.stop()


def _gemeente_box(at):
    """The sidebar's gemeente choice; its widget key changes with its labels (app.py)."""
    return next(box for box in at.sidebar.selectbox if box.label == "Gemeente")


def bench_apptest(table, store_dir: Path, gemeente: str, args, proxy_country: float):
    """Filter-change reruns of the real Kaart page, for one gemeente and for "Alle gemeenten"
    (NL01: the sidebar offers it whenever several gemeenten are loaded)."""
    from streamlit.testing.v1 import AppTest

    from wijkdata.model.codes import NEDERLAND
    os.environ["WIJKDATA_DATA_DIR"] = str(store_dir)
    os.environ.pop("WIJKDATA_DATABASE_URL", None)
    with _KeepFrame():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        start = time.perf_counter()
        at.run()
        first = time.perf_counter() - start
        at.switch_page("pages/kaart.py").run()
        if at.exception:
            raise RuntimeError(f"the app failed: {str(at.exception[0].message)[:200]}")
        _gemeente_box(at).set_value(gemeente).run()
        if at.exception:
            raise RuntimeError(f"AppTest: {at.exception[0].message}")

        def filter_reruns():
            values = iter(FILTERS * 3)
            times = []
            for _ in range(args.runs):
                at.multiselect[0].set_value(next(values))
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
                if at.exception:
                    raise RuntimeError(f"AppTest: {at.exception[0].message}")
            return statistics.median(times)

        t_gm = filter_reruns()
        table.add("Kaart page filter-change rerun, one gemeente (AppTest)", t_gm, "s",
                  target=0.5, note=f"{gemeente}; the first run of a new AppTest (loading the "
                                   f"national data) took {first:.1f} s")
        _gemeente_box(at).set_value(NEDERLAND).run()
        if at.exception:
            raise RuntimeError(f"AppTest: {at.exception[0].message}")
        t_nl = filter_reruns()
        table.add("Kaart page filter-change rerun, country (AppTest)", t_nl, "s", target=2.0,
                  note=f"'Alle gemeenten' chosen; through the functions alone: "
                       f"{proxy_country:.3f} s")


def _browser_module():
    spec = importlib.util.spec_from_file_location("wijkdata_bench_browser",
                                                  ROOT / "tests" / "browser.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


NAIVE_APP = '''
import json
import plotly.express as px
import streamlit as st
from wijkdata.draw import kaart
from wijkdata.model.gegevens import load_active
from wijkdata.compute.buurttabel import buurtcijfers
from wijkdata.store import Store

st.set_page_config(layout="wide")

@st.cache_resource
def data():
    return load_active(Store())

g = data()
gemeente = st.query_params.get("gemeente")
buurten = (g.buurten if gemeente in (None, "NL01")
           else g.buurten[g.buurten["gemeentecode"] == gemeente])
cijfers = buurtcijfers(g, gemeentecode=None if gemeente in (None, "NL01") else gemeente)
cijfers = cijfers.rename(columns={"buurtcode": "code", "buurtnaam": "naam"})
geo = json.loads(buurten[["code", "geometry"]].to_crs("EPSG:4326").to_json(drop_id=True))
view = kaart.bounds_view(buurten)
fig = px.choropleth_map(cijfers, geojson=geo, locations="code", featureidkey="properties.code",
                        color="eenzaam_pct", hover_name="naam", map_style="white-bg",
                        center=view["center"], zoom=view["zoom"], height=560,
                        color_continuous_scale=kaart.SCALE)
st.plotly_chart(fig)
'''


def _start(browser, script: Path, env: dict, log: Path):
    """``streamlit run`` of any script (browser.start_server always runs app.py)."""
    import subprocess
    import urllib.request
    port = browser.free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
               "--server.address=127.0.0.1", f"--server.port={port}",
               "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
               "--server.maxMessageSize=1000"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return browser.Server(url, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


def _visit(chromium, browser, url: str, timeout_s: float) -> tuple[float | None, dict]:
    """Navigation to map painted in a fresh context (no HTTP cache), only 127.0.0.1
    reachable; plus bytes received over HTTP for *.json and over the websocket."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1",
                                                   "data:", "blob:")) else route.abort())
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    info = {"geojson": 0, "ws": 0, "encoding": None}
    urls = {}

    def response(event):
        urls[event["requestId"]] = event["response"]["url"]
        if event["response"]["url"].endswith(".json"):
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            info["encoding"] = headers.get("content-encoding", "identity")

    def finished(event):
        if urls.get(event["requestId"], "").endswith(".json"):
            info["geojson"] += event["encodedDataLength"]

    def frame(event):
        payload = event["response"]["payloadData"]
        info["ws"] += len(payload) * 3 // 4 if event["response"]["opcode"] == 2 else len(payload)
    cdp.on("Network.responseReceived", response)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    start = time.perf_counter()
    try:
        page.goto(url)
        page.wait_for_function(PAINTED_JS, polling=100, timeout=timeout_s * 1000)
        elapsed = time.perf_counter() - start
        errors = browser.exceptions(page)
        if errors:
            raise RuntimeError(errors[0][:300])
    except Exception as exc:        # a timeout or a page error is a result here
        print(f"    ({type(exc).__name__}: {str(exc)[:160]})")
        elapsed = None
    finally:
        context.close()
    return elapsed, info


def bench_browser(table, store_dir: Path, gemeente: str, args):
    from wijkdata.model.codes import NEDERLAND
    browser = _browser_module()
    path = browser.chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        path = None
    if path is None:
        table.notes.append("Chromium or Playwright missing: browser figures not measured.")
        return
    env = {"WIJKDATA_DATA_DIR": str(store_dir), "WIJKDATA_DATABASE_URL": ""}
    log_dir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    server = browser.start_server(env, log_dir / "app.log")
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=path, args=browser.CHROMIUM_ARGS)
            first, _ = _visit(chromium, browser, f"{server.url}/kaart?gemeente={gemeente}", 300)
            results = [_visit(chromium, browser, f"{server.url}/kaart?gemeente={gemeente}", 60)
                       for _ in range(args.browser_runs)]
            times = [t for t, _ in results if t is not None]
            info = results[-1][1]
            naive_gm = naive_nl = None
            if not (args.no_naive_browser or args.no_naive):
                naive_gm, naive_nl = _naive_browser(chromium, browser, env, gemeente, args)
            table.add("Chromium: navigation to map painted, one gemeente",
                      statistics.median(times) if times else None, "s", target=3.0,
                      naive=naive_gm,
                      note=f"{gemeente}, fresh browser context each time, data loaded in the "
                           f"server; the very first visit after the server started (loading "
                           f"the national data) took {first or float('nan'):.1f} s. Received: "
                           f"GeoJSON {mb(info['geojson']):.2f} MB ({info['encoding']}), "
                           f"websocket {mb(info['ws']):.2f} MB")
            # "Alle gemeenten": the sidebar offers it whenever several gemeenten are loaded.
            nl_url = f"{server.url}/kaart?gemeente={NEDERLAND}"
            _visit(chromium, browser, nl_url, 300)      # the first country map of this server
            nl = [_visit(chromium, browser, nl_url, 120) for _ in range(args.browser_runs)]
            nl_times = [t for t, _ in nl if t is not None]
            table.add("Chromium: navigation to map painted, country (Alle gemeenten)",
                      statistics.median(nl_times) if nl_times else None, "s",
                      target=6.0, naive=naive_nl,
                      note=f"received: GeoJSON {mb(nl[-1][1]['geojson']):.2f} MB "
                           f"({nl[-1][1]['encoding']}), websocket {mb(nl[-1][1]['ws']):.2f} MB")
            demo = _demo_floor(chromium, browser, log_dir, args)
            if demo:
                table.notes.append(
                    f"For scale: the bundled demo municipality (38 buurten) takes "
                    f"{demo:.2f} s from navigation to painted map on this machine, in the same "
                    "way: Streamlit's and plotly's own start-up is most of every browser figure.")
            chromium.close()
        table.add("Peak memory of the app process (national data loaded)",
                  _peak_gb(server.process.pid), "GB", target=1.5,
                  note="VmHWM (peak resident memory) of the `streamlit run` process after the "
                       "visits above")
    finally:
        server.stop()


def _peak_gb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1e6


def _demo_floor(chromium, browser, log_dir: Path, args) -> float | None:
    """Navigation to painted map for the demo (an empty store), as a floor."""
    empty = log_dir / "empty_store"
    empty.mkdir()
    server = browser.start_server({"WIJKDATA_DATA_DIR": str(empty),
                                   "WIJKDATA_DATABASE_URL": ""}, log_dir / "demo.log")
    try:
        _visit(chromium, browser, f"{server.url}/kaart", 120)
        times = [t for t, _ in (_visit(chromium, browser, f"{server.url}/kaart", 60)
                                for _ in range(args.browser_runs)) if t is not None]
        return statistics.median(times) if times else None
    finally:
        server.stop()


def _naive_browser(chromium, browser, env, gemeente, args):
    folder = Path(tempfile.mkdtemp(prefix="bench-naive-"))
    script = folder / "naive_app.py"
    script.write_text(NAIVE_APP)
    server = _start(browser, script, {**env, "PYTHONPATH": str(ROOT)}, folder / "naive.log")
    try:
        _visit(chromium, browser, f"{server.url}/?gemeente={gemeente}", 300)   # load data
        gm = [t for t, _ in (_visit(chromium, browser, f"{server.url}/?gemeente={gemeente}", 60)
                             for _ in range(args.browser_runs)) if t is not None]
        print("    naive country map in Chromium (may take minutes) ...", flush=True)
        nl, _ = _visit(chromium, browser, f"{server.url}/?gemeente=NL01", args.naive_timeout)
        if nl is None:
            browser_note = f"naive country map not painted within {args.naive_timeout:.0f} s"
            print(f"    {browser_note}")
            nl = args.naive_timeout     # a lower bound for the ratio
        return (statistics.median(gm) if gm else None), nl
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- main ----------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smaller country (3,000 buurten) and fewer runs")
    parser.add_argument("--runs", type=int, help="runs per figure (median); default 5, quick 3")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--no-naive-browser", action="store_true",
                        help="skip the naive maps in Chromium")
    parser.add_argument("--no-naive", action="store_true",
                        help="skip every naive baseline (no ratios; for a fast check)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store")
    parser.add_argument("--lezen", action="store_true",
                        help="only the reading section: national RIVM XLSX and stray cell")
    args = parser.parse_args(argv)
    if args.quick:
        args.buurten, args.gemeenten, args.initiatieven = 3_000, 70, 20_000
        args.runs = args.runs or 3
        args.cold_runs, args.naive_runs, args.browser_runs = 1, 1, 2
        args.naive_timeout = 60.0
    else:
        args.buurten, args.gemeenten, args.initiatieven = 14_800, 342, 100_000
        args.runs = args.runs or 5
        args.cold_runs, args.naive_runs, args.browser_runs = 2, 2, 3
        args.naive_timeout = 180.0
    started = time.perf_counter()
    print(("Benchmark of reading files" if args.lezen else
           f"Benchmark: {args.buurten:,} buurten, {args.gemeenten} gemeenten, "
           f"{args.initiatieven:,} initiatives")
          + f"; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}", flush=True)

    table = Table()
    print("Reading files ...", flush=True)
    bench_lezen(table, args)
    if args.lezen:
        table.notes.append(f"Load average at the end {os.getloadavg()[0]:.1f} on "
                           f"{os.cpu_count()} cores (other work slows every figure; the ratio "
                           "compares runs made under the same load).")
        table.print()
        return 0

    from wijkdata.draw import kaartcache
    from wijkdata.generators import synthetic
    from wijkdata.model.gegevens import load_active

    files = make_data(args)
    synthetic.cache_dir().mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="wijkdata-bench-", dir=synthetic.cache_dir()))
    try:
        stores = [work / f"store{i}" for i in range(args.runs)]
        for s in stores:
            s.mkdir()
        print("Import of the national boundaries ...", flush=True)
        queue = list(stores)
        t_import, store_dir = median_time(import_boundaries(files, queue), len(stores))
        buurten_info = synthetic_info(files)
        table.add("Import of the national boundaries (read, validate, store), cold", t_import,
                  "s", note=buurten_info)
        store = publish_rest(files, store_dir)
        t_load, data = median_time(lambda: load_active(store), 1)
        table.notes.append(f"Loading the active data from the store (once per process and "
                           f"dataset version, shared by every session): {t_load:.1f} s.")
        print("Join and export ...", flush=True)
        bench_join_export(table, data, args)
        print("Maps ...", flush=True)
        gemeente = bench_maps(table, data, args)
        proxy = country_rerun_proxy(table, data, args)
        fingerprint = kaartcache.sleutel(data)
        del data
        gc.collect()
        print("AppTest ...", flush=True)
        try:
            bench_apptest(table, store_dir, gemeente, args, proxy)
        except Exception as exc:     # reported in the table; the rest still runs
            table.add("Kaart page filter-change rerun, one gemeente (AppTest)", None, "s",
                      target=0.5, note=f"AppTest failed: {type(exc).__name__}: {exc}")
        if not args.no_browser:
            print("Chromium ...", flush=True)
            try:
                bench_browser(table, store_dir, gemeente, args)
            except Exception as exc:     # reported in the notes; the table still prints
                table.notes.append(f"Chromium part failed: {type(exc).__name__}: {exc}")
        table.notes.append(f"Total benchmark time {time.perf_counter() - started:.0f} s; "
                           f"load average at the end {os.getloadavg()[0]:.1f} on "
                           f"{os.cpu_count()} cores (other work on the machine slows every "
                           "figure).")
        table.print()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(kaartcache.STATIC_DIR / kaartcache.SUBDIR / fingerprint,
                          ignore_errors=True) if "fingerprint" in locals() else None
    return 0


def synthetic_info(files) -> str:
    import pyogrio
    info = pyogrio.read_info(files.gpkg, layer="buurten")
    wijken = pyogrio.read_info(files.gpkg, layer="wijken")["features"]
    gemeenten = pyogrio.read_info(files.gpkg, layer="gemeenten")["features"]
    return (f"GeoPackage {mb(files.gpkg.stat().st_size):.0f} MB: {info['features']:,} buurten, "
            f"{wijken:,} wijken, {gemeenten} gemeenten")


if __name__ == "__main__":
    sys.exit(main())
