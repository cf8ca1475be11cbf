"""Map geometry prepared once per dataset version, as files the browser fetches by URL.

Drawing a buurt map needs the borders in EPSG:4326, simplified to what the screen can show.
Simplifying and writing GeoJSON takes seconds at national scale, so it is done once per
*geometry* version and kept as files under ``static/kaart/<fingerprint>/`` next to
``app.py``. Streamlit serves that folder at ``app/static/...``
(``server.enableStaticServing``), so a figure refers to the borders by URL instead of
carrying them in every rerun, and every session and every app process reuses the same files
(and the browser fetches them once per page load). The fingerprint is a hash of the codes,
the hierarchy and every coordinate of the buurten, so two databases, a republished file or
the demo can never share files by accident, and identical borders always do.

Files per fingerprint (written atomically: a reader sees a whole file or none):

- ``nl-buurt.json``, ``nl-wijk.json``, ``nl-gemeente.json``: all areas of the country;
- ``<GMxxxx>-buurt.json``, ``-wijk.json``, ``-gemeente.json``: one gemeente, made when
  first asked for, so one gemeente's map stays small;
- ``<name>.meta.json`` beside each: lon/lat bounds (for the starting view), tolerance,
  feature count.

Simplification keeps shared borders: :func:`shapely.coverage_simplify` simplifies the whole
set of buurten as one coverage, so neighbours keep one common border (no gaps or slivers at
any zoom). The tolerance is 40% of a screen pixel at the map's starting zoom (so the
simplification is invisible there), at least 1 m. Wijken and gemeenten are the unions of the
simplified buurten, so their borders lie exactly on the buurt borders. Coordinates are
rounded to 5 decimals (about 1 m) for one gemeente and 4 decimals (about 10 m) for the
whole country; rounding is a function of the coordinate, so a shared vertex stays shared.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from wijkdata.model.schema import CODE, GEMEENTECODE, RD, WGS84, WIJKCODE

FORMAT_VERSION = 1
APP_ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = APP_ROOT / "static"           # what Streamlit serves at app/static/
URL_PREFIX = "app/static"                  # relative: also right behind server.baseUrlPath
SUBDIR = "kaart"
NIVEAUS = ("buurt", "wijk", "gemeente")
LAND = "nl"

PIXEL_FRACTION = 0.4                       # tolerance = this share of a pixel
MIN_TOLERANCE = 1.0                        # metres
DECIMALS = {"gemeente": 5, LAND: 4}

_lock = threading.Lock()
_memo: dict[tuple, Kaartlaag] = {}


@dataclass(frozen=True)
class Kaartlaag:
    """One prepared map layer: ``url`` for the figure (``geojson=url``), the file on disk,
    the starting ``view`` (``center``, ``zoom``), the simplification tolerance in metres and
    the number of areas."""

    url: str
    path: Path
    view: dict
    tolerance: float
    features: int

    @property
    def bytes(self) -> int:
        return self.path.stat().st_size


def fingerprint(buurten: gpd.GeoDataFrame) -> str:
    """A hash of the buurten's codes, wijk and gemeente, and every coordinate (in order).

    Two sets of buurten with the same fingerprint draw the same map. Costs about 0.2 s for
    four million vertices.
    """
    digest = hashlib.sha256(f"kaart-v{FORMAT_VERSION}".encode())
    for column in (CODE, WIJKCODE, GEMEENTECODE):
        values = buurten[column].astype(object).where(buurten[column].notna(), "")
        digest.update("\x1f".join(map(str, values)).encode())
    geometry = buurten.geometry.values
    digest.update(str(buurten.crs).encode())
    digest.update(np.asarray(shapely.get_num_coordinates(geometry), dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(shapely.get_coordinates(geometry)).tobytes())
    return digest.hexdigest()[:20]


def sleutel(gegevens) -> str:
    """The :func:`fingerprint` of the active data's buurten, computed once per data."""
    return gegevens.memo(("kaart_sleutel",), lambda: fingerprint(gegevens.buurten))


def root_dir(root: str | Path | None = None) -> Path:
    return Path(root) if root else STATIC_DIR


def laag(buurten: gpd.GeoDataFrame, gemeente: str | None, niveau: str, *,
         key: str | None = None, root: str | Path | None = None) -> Kaartlaag:
    """The prepared layer of ``niveau`` for one gemeente (or the country when None).

    ``buurten`` are all buurten (EPSG:28992, columns code, naam, wijkcode, wijknaam,
    gemeentecode); ``key`` is their :func:`fingerprint` when the caller has it already.
    Files are made on first use and then only looked up.
    """
    if niveau not in NIVEAUS:
        raise ValueError(f"niveau must be one of {NIVEAUS}")
    key = key or fingerprint(buurten)
    base = root_dir(root)
    scope = gemeente or LAND
    memo_key = (str(base), key, scope, niveau)
    found = _memo.get(memo_key)
    if found is not None and found.path.exists():
        return found
    folder = base / SUBDIR / key
    result = _read_meta(folder, scope, niveau, base)
    if result is None:
        with _locked(folder):
            result = _read_meta(folder, scope, niveau, base)
            if result is None:
                _prepare(buurten, gemeente, folder)
                result = _read_meta(folder, scope, niveau, base)
    if result is None:
        raise RuntimeError(f"kaartcache: {scope}-{niveau} was not written")
    _memo[memo_key] = result
    return result


def _stem(scope: str, niveau: str) -> str:
    # Codes come from validated files, but a file name never takes text unchecked.
    if not re.fullmatch(r"[A-Za-z0-9_]{1,32}", scope):
        scope = "x" + hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"{scope}-{niveau}"


def _read_meta(folder: Path, scope: str, niveau: str, base: Path) -> Kaartlaag | None:
    stem = _stem(scope, niveau)
    meta_path = folder / f"{stem}.meta.json"
    path = folder / f"{stem}.json"
    if not (meta_path.exists() and path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    relative = path.relative_to(base).as_posix()
    return Kaartlaag(f"{URL_PREFIX}/{relative}", path, view_of_bounds(meta["bounds"]),
                     meta["tolerance"], meta["features"])


def view_of_bounds(bounds) -> dict:
    """:func:`kaart.bounds_view` (its default map size) of a lon/lat box."""
    from wijkdata.draw.kaart import bounds_view
    box = gpd.GeoDataFrame(geometry=[shapely.box(*bounds)], crs=WGS84)
    return bounds_view(box)


@contextlib.contextmanager
def _locked(folder: Path):
    """One preparer per folder at a time, across processes (others wait, then find the
    files); threads of one process share the module lock."""
    folder.mkdir(parents=True, exist_ok=True)
    with _lock:
        try:
            import fcntl
        except ImportError:             # not on POSIX: atomic writes still keep files whole
            yield
            return
        with open(folder / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _prepare(buurten: gpd.GeoDataFrame, gemeente: str | None, folder: Path) -> None:
    """Write the three levels of one scope: the country, or one gemeente."""
    areas = buurten[buurten[GEMEENTECODE] == gemeente] if gemeente else buurten
    areas = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    areas = areas.to_crs(RD) if areas.crs is not None and str(areas.crs) != RD else areas
    scope = gemeente or LAND
    bounds = [float(v) for v in areas.to_crs(WGS84).total_bounds] if len(areas) else \
        [3.3, 50.7, 7.3, 53.6]
    tolerance = tolerance_for(view_of_bounds(bounds))
    simplified = simplify(areas.geometry.values, tolerance)
    decimals = DECIMALS[LAND] if scope == LAND else DECIMALS["gemeente"]
    for niveau in NIVEAUS:
        codes, geometry = _level(areas, simplified, niveau)
        text = feature_collection(codes, geometry, decimals)
        _write(folder / f"{_stem(scope, niveau)}.json", text)
        meta = {"bounds": bounds, "tolerance": tolerance, "features": len(codes),
                "niveau": niveau, "scope": scope, "format": FORMAT_VERSION}
        _write(folder / f"{_stem(scope, niveau)}.meta.json", json.dumps(meta))


def simplify(geometry: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a set of polygons as one coverage (shared borders stay shared)."""
    if tolerance <= 0 or not len(geometry):
        return np.asarray(geometry)
    return shapely.coverage_simplify(np.asarray(geometry), tolerance)


def _level(areas: gpd.GeoDataFrame, simplified: np.ndarray, niveau: str
           ) -> tuple[list[str], np.ndarray]:
    if niveau == "buurt":
        return list(areas[CODE]), simplified
    key = WIJKCODE if niveau == "wijk" else GEMEENTECODE
    groups = pd.Series(np.arange(len(areas)), index=areas[key].to_numpy())
    groups = groups[groups.index.notna()]
    codes, geometry = [], []
    for code, positions in groups.groupby(level=0, sort=True):
        codes.append(code)
        # union_all, not coverage_union: robust also when an uploaded file's buurten
        # overlap a little; on simplified borders it is fast.
        geometry.append(shapely.union_all(simplified[positions.to_numpy()]))
    return codes, np.asarray(geometry, dtype=object)


def tolerance_for(view: dict) -> float:
    """Metres: ``PIXEL_FRACTION`` of a pixel at the view's zoom (512-pixel tiles, Web
    Mercator: a pixel is 40,075,017 m × cos(lat) / (512 × 2^zoom))."""
    lat = math.radians(view["center"]["lat"])
    metres_per_pixel = 40_075_016.686 * math.cos(lat) / (512 * 2 ** view["zoom"])
    return round(max(MIN_TOLERANCE, PIXEL_FRACTION * metres_per_pixel), 1)


def feature_collection(codes, geometry: np.ndarray, decimals: int) -> str:
    """GeoJSON text in EPSG:4326 with ``id`` = code and empty properties.

    ``geometry`` is in RD. Coordinates are rounded per vertex (not snapped as a whole), so
    vertices shared by neighbours stay identical.
    """
    geometry = np.asarray(geometry, dtype=object)
    # A MultiPolygon of one part (as the CBS GeoPackage stores every buurt) as a Polygon.
    single = (shapely.get_type_id(geometry) == 6) & (shapely.get_num_geometries(geometry) == 1)
    geometry = np.where(single, shapely.get_geometry(geometry, 0), geometry)
    wgs = gpd.GeoSeries(geometry, crs=RD).to_crs(WGS84).values
    rounded = shapely.set_precision(wgs, 10.0 ** -decimals, mode="pointwise")
    parts = shapely.to_geojson(rounded)
    features = [f'{{"type":"Feature","id":{json.dumps(str(code))},"properties":{{}},'
                f'"geometry":{part}}}'
                for code, part in zip(codes, parts) if part is not None]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def embed_geojson(fig, root: str | Path | None = None):
    """A copy of ``fig`` with every prepared-file URL replaced by the GeoJSON itself.

    A PNG made by kaleido or a standalone HTML file cannot fetch ``app/static/...``; call
    this before such an export. Figures without such URLs come back unchanged (a copy).
    """
    import plotly.graph_objects as go
    base = root_dir(root)
    prefix = f"{URL_PREFIX}/"
    out = go.Figure(fig)
    loaded: dict[str, dict] = {}
    for trace in out.data:
        url = getattr(trace, "geojson", None)
        if isinstance(url, str) and url.startswith(prefix):
            path = (base / url[len(prefix):]).resolve()
            if base.resolve() not in path.parents:
                raise ValueError(f"not a prepared map file: {url}")
            if url not in loaded:
                loaded[url] = json.loads(path.read_text(encoding="utf-8"))
            trace.geojson = loaded[url]
    return out


def clear_memo() -> None:
    """Forget looked-up layers (tests; files stay)."""
    _memo.clear()
