"""Reading area boundaries (buurten, wijken, gemeenten) from GeoPackage, GeoJSON or a
zipped shapefile into one GeoDataFrame in EPSG:28992 (RD New).

Recognised without configuration (see the README, "The data it reads"):

- the CBS Wijk- en buurtkaart GeoPackage (layers ``gemeenten``, ``wijken``, ``buurten``),
  with the newer snake_case columns (``buurtcode``, ``aantal_inwoners``, ...) or the older
  upper-case ones (``BU_CODE``, ``AANT_INW``, ...), also as a zipped shapefile;
- the PDOK / CBS gebiedsindelingen GeoJSON (``statcode``, ``statnaam``, ``jrstatcode``,
  ``rubriek``), in EPSG:4326;
- the Wijk- en buurtkaart taken from the PDOK WFS (year only in ``jaarstatcode``);
- any GeoJSON, GeoPackage or zipped shapefile with a column that holds CBS codes
  (``buurtcode``, ``bu_code``, ``statcode``, ``cbsCode``, ...). The column is chosen by
  its values having the CBS form, so a municipal ``code`` (``AA01``) next to a ``cbsCode``
  (``BU0363AA01``) is no problem. The form of each code decides its niveau (``BU`` + 8 →
  buurt, ``WK`` + 6 → wijk, ``GM`` + 4 → gemeente).

What the reader does to the areas, and why:

- Water parts (``water == 'JA'``, or a buurtcode ending in 97–99 unless ``water`` says
  ``NEE``) are left out: CBS splits areas into land and water, and maps and areas per
  inhabitant are about land. A warning says how many.
- Areas that after reprojection do not lie in the Netherlands (a wrong coordinate system
  in the file) are a file-level error and leave no areas: the one location check for the
  command line and the Data page.
- Pseudo-areas without residents ("Buitenland", "Groot binnenwater", "Buitenwater") are left
  out with a warning naming each one: they are not neighbourhoods, and a huge empty polygon
  of sea or lake would dominate a choropleth.
- Invalid geometry (self-intersections from generalisation) is repaired with
  :func:`shapely.make_valid`, keeping only the polygonal parts, with a warning naming the
  area. A missing or empty geometry, one without any area, and one with a coordinate that
  is NaN or infinite (a damaged file; GEOS cannot work with it) are row errors.
- Field names: the first field of a repeated name (a careless shapefile writer) keeps the
  name and is the one recognised, with a warning; later ones become ``BU_CODE (2)``, a
  field without a name ``kolom N``, as textio names a table's header.
- A coordinate system that PROJ cannot use (a damaged ``.prj``) is a Dutch file-level
  error; PROJ's own text goes to the log, not to the user.
- Codes are cleaned (padding, ``jrstatcode`` year prefix); a missing code, one not in the
  CBS form, and every repeat of a code already seen are row errors. Rows are counted as in
  a spreadsheet of the attribute table: the header is row 1, feature *n* is row *n* + 1.
- Names are shown as given: real PDOK files contain mis-encoded names ("Þ" for "è"), but
  guessing a repair would corrupt names that are right.
- Context figures, when the source has them, become float columns ``inwoners``,
  ``pct_65plus``, ``huishoudens``, ``pct_eenpersoonshuishoudens``; CBS codes for missing or
  secret values (≤ −99990) become NaN, never numbers; a figure column empty in every row
  (a first release) gets a warning. ``periode`` (nullable integer year)
  comes from ``jaar``, else the 4-digit prefix of ``jrstatcode``/``jaarstatcode``, else a
  year in the file name.
- A corrupt file (GeoJSON, GeoPackage, zip, shapefile) is a :class:`WijkdataError` naming
  the file; a property holding a list or object is read as its JSON text.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import sqlite3
import tempfile
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError

from wijkdata.errors import Rapport, WijkdataError
from wijkdata.formatting import fmt_bestandsgrootte
from wijkdata.model import codes
from wijkdata.model.schema import (
    CODE,
    GEBIEDEN_COLUMNS,
    GEMEENTECODE,
    GEMEENTENAAM,
    GEOMETRY,
    NAAM,
    NIVEAU,
    PERIODE,
    WIJKCODE,
    WIJKNAAM,
)
from wijkdata.readers.base import Ingelezen
from wijkdata.readers.textio import (
    CBS_MISSING_THRESHOLD,
    normalise_header,
    parse_number,
    spreadsheet_row,
)

_log = logging.getLogger(__name__)

RD = 28992
WGS84 = 4326

# Zip guards, checked on the zip's directory before GDAL opens anything. CBS's national
# wijk- en buurtkaart is a few hundred MB unpacked and has fewer than 20 members.
MAX_ZIP_BYTES = 2 * 1024**3
MAX_ZIP_MEMBERS = 1000

# Coordinates that fit the Netherlands: RD New (EPSG:28992) and lon/lat (EPSG:4326), with a
# margin for the sea areas CBS includes.
RD_BOUNDS = (0.0, 289_000.0, 300_000.0, 629_000.0)        # xmin, ymin, xmax, ymax
LONLAT_BOUNDS = (2.5, 50.0, 7.5, 54.0)

CONTEXT_COLUMNS = ["inwoners", "pct_65plus", "huishoudens", "pct_eenpersoonshuishoudens"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SHP_MAGIC = b"\x00\x00\x27\x0a"       # shapefile file code 9994, big-endian
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# What zipfile raises on a damaged directory: NotImplementedError for a garbled version or
# compression method, EOFError for a cut-off one.
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError)
_GEOJSON_TYPE = re.compile(rb'"type"\s*:\s*"(FeatureCollection|Feature)"')

# Header variants, in normalise_header form (lower case, punctuation as single spaces).
_ALIASES: dict[str, tuple[str, ...]] = {
    "buurtcode": ("buurtcode", "bu code", "buurt code", "buurtcode cbs"),
    "buurtnaam": ("buurtnaam", "bu naam", "buurt naam"),
    "wijkcode": ("wijkcode", "wk code", "wijk code"),
    "wijknaam": ("wijknaam", "wk naam", "wijk naam"),
    # 'gemeenteco' / 'gemeentena': long names cut to 10 characters in a shapefile.
    "gemeentecode": ("gemeentecode", "gm code", "gemeente code", "gemeenteco"),
    "gemeentenaam": ("gemeentenaam", "gm naam", "gemeente naam", "gemeentena"),
    "code": ("statcode", "code", "gwb code", "gwb code 10", "gebiedscode", "gebiedcode",
             "regiocode", "codering", "cbs code", "cbscode"),
    "naam": ("statnaam", "naam", "name", "gebiedsnaam", "gebiednaam", "regionaam",
             "regio naam", "gwb naam"),
    # 'jaarstatcode' in the Wijk- en buurtkaart taken from the PDOK WFS.
    "jrstatcode": ("jrstatcode", "jaarstatcode"),
    "jaar": ("jaar", "jaartal", "year"),
    "water": ("water",),
    "rubriek": ("rubriek",),
    "inwoners": ("aantal inwoners", "aant inw", "inwoners", "aantalinwoners"),
    "pct_65plus": ("percentage personen 65 jaar en ouder", "p 65 eo jr", "pct 65plus",
                   "pct 65 plus"),
    "huishoudens": ("aantal huishoudens", "aantal hh", "huishoudens"),
    "pct_eenpersoonshuishoudens": ("percentage eenpersoonshuishoudens", "p eenp hh",
                                   "pct eenpersoonshuishoudens"),
}

# Which column holds the area's own code, in order of preference, with the niveau it
# implies and the column that holds its name. A buurten layer also carries the wijkcode and
# gemeentecode of the parents, so the most specific code wins; ``jrstatcode`` (``2024BU...``)
# is a last resort because its year prefix is stripped by codes.clean_code. The order only
# breaks ties: a column is taken when its values have the CBS form (see _choose_code).
_CODE_CHOICES = [
    ("buurtcode", "buurt", "buurtnaam"),
    ("code", None, "naam"),
    ("wijkcode", "wijk", "wijknaam"),
    ("gemeentecode", "gemeente", "gemeentenaam"),
    ("jrstatcode", None, "naam"),
]

# A column is the code column when at least this share of its filled cells is a CBS code.
_CODE_SHARE = 0.5

# CBS numbers the water part of a wijk as a buurt ending in 97, 98 or 99 (``BU02339997``).
_WATER_TAILS = ("97", "98", "99")

_PSEUDO_AREA = re.compile(r"^\s*(groot\s+binnenwater|buitenwater|binnenwater|buitenland)\b",
                          re.IGNORECASE)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")

_GEOMETRY_WORDS = {"Point": "punt", "MultiPoint": "groep punten", "LineString": "lijn",
                   "MultiLineString": "groep lijnen", "LinearRing": "lijn"}

_LAYER_PREFERENCE = ("buurt", "wijk", "gemeente")

_UNREADABLE = ("Het bestand '{name}' kan niet worden gelezen als kaartbestand. Verwacht een "
               "GeoPackage (.gpkg), GeoJSON (.geojson) of een shapefile in een zip-bestand.")

# What pyogrio raises for a corrupt or unreadable file. UnboundLocalError: pyogrio 0.13's
# get_crs fails that way on a damaged .prj inside a zip (found by mutating a shapefile zip).
_GDAL_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
                pyogrio.errors.FeatureError, pyogrio.errors.CRSError, RuntimeError, OSError,
                ValueError, TypeError, UnboundLocalError, sqlite3.Error)


def looks_like_geo(data: bytes, filename: str) -> bool:
    """True when the bytes look like a geometry file: a GeoPackage (SQLite header), a zip
    that contains a ``.shp``, a bare ``.shp``, or GeoJSON (a JSON object whose ``type`` is
    ``FeatureCollection`` or ``Feature``).

    Only the start of the data is inspected. A CBS OData answer (``{"value": [...]}``) is
    JSON but not geo.

    Examples
    --------
    >>> looks_like_geo(b'{"type": "FeatureCollection", "features": []}', "x.geojson")
    True
    >>> looks_like_geo(b'{"value": [{"WijkenEnBuurten": "BU00340101"}]}', "x.json")
    False
    """
    if not data:
        return False
    if data.startswith(_SQLITE_MAGIC):
        return True
    if data.startswith(_SHP_MAGIC) and filename.lower().endswith(".shp"):
        return True
    if data.startswith(_ZIP_MAGICS):
        try:
            with zipfile.ZipFile(_bytes_io(data)) as archive:
                return any(_is_shp(name) for name in archive.namelist())
        except _ZIP_ERRORS:
            return False
    head = data[:1_000_000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    return _GEOJSON_TYPE.search(head) is not None


def list_layers(data: bytes, filename: str) -> list[str]:
    """The layers a user can choose from: the geometry layers of a GeoPackage, the ``.shp``
    members of a zip (paths inside the zip), and ``[]`` for GeoJSON (one layer, no choice).
    """
    kind = _detect(data, filename)
    if kind == "zip":
        return _zip_shapefiles(data, filename)
    if kind != "gpkg":
        return []
    with tempfile.TemporaryDirectory(prefix="wijkdata-") as tmp:
        path = _write_temp(data, tmp, ".gpkg")
        return _gpkg_layers(path, filename)


def read_gebieden(data: bytes, filename: str, *, layer: str | None = None) -> Ingelezen:
    """Read area boundaries into a GeoDataFrame in EPSG:28992.

    Parameters
    ----------
    data
        The file's bytes: GeoPackage, GeoJSON, or a zip holding a shapefile (also in a
        subfolder).
    filename
        The name the user gave the file; used in messages and for the year when the data
        has none.
    layer
        GeoPackage layer, or path of the ``.shp`` inside a zip. By default the layer of
        buurten (then wijken, then gemeenten) by name, or the only layer.

    Returns
    -------
    Ingelezen
        ``kind='buurten'``; ``frame`` has the columns ``columns.GEBIEDEN_COLUMNS``, the
        context columns the source has (float, NaN when missing), ``periode`` when known,
        and ``geometry``. Invalid rows are left out and listed in ``rapport.errors``.
        ``rows`` counts all features in the layer, water parts included.

    Raises
    ------
    WijkdataError
        When the file cannot be read as a map at all: empty, corrupt, not a geometry file,
        no code column, no features, an unsafe zip, or an unknown coordinate system.
    """
    kind = _detect(data, filename)
    rapport = Rapport()
    with tempfile.TemporaryDirectory(prefix="wijkdata-") as tmp:
        if kind == "gpkg":
            path = _write_temp(data, tmp, ".gpkg")
            layers = _gpkg_layers(path, filename)
            chosen = _choose_layer(layers, layer, filename)
            raw = _read(path, chosen, filename, rapport)
            extra = _wijknamen_from_gpkg(path, layers, chosen)
            container = "GeoPackage"
        elif kind == "zip":
            members = _zip_shapefiles(data, filename)
            chosen = _choose_layer(members, layer, filename)
            path = _write_temp(data, tmp, ".zip")
            raw = _read(f"/vsizip/{path}/{chosen}", None, filename, rapport)
            extra = None
            container = "shapefile in zip"
        else:
            path = _write_temp(data, tmp, ".geojson")
            chosen = None
            raw = _read(path, None, filename, rapport)
            extra = None
            container = "GeoJSON"

    if len(raw) == 0:
        raise WijkdataError(f"Het bestand '{filename}' bevat geen gebieden: de laag "
                            f"{_layer_text(chosen)}is leeg.")
    raw = _scalar_cells(raw)
    found = _find_columns(raw.columns)
    source_format = _source_format(found, container, chosen)
    raw = _to_rd(raw, filename, rapport)
    frame = _build(raw, found, filename, rapport, extra)
    frame = _check_location(frame, filename, rapport)
    return Ingelezen(kind="buurten", frame=frame, rapport=rapport, rows=len(raw),
                     source_format=source_format)


def _scalar_cells(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Cells that hold a list or an object (a GeoJSON property ``["a", "b"]`` arrives from
    GDAL as an array) become their JSON text, so every later step sees one value per cell
    and can report it as a value, e.g. a code that is not in the CBS form. When one feature
    holds a list, GDAL makes the whole column a list column: the other features' plain
    values arrive as lists of one, which are unwrapped."""
    for column in raw.columns:
        if column == raw.geometry.name or raw[column].dtype != object:
            continue
        cells = raw[column]
        nested = cells.map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray)))
        if nested.any():
            raw[column] = cells.where(~nested, cells[nested].map(_json_text))
    return raw


def _json_text(value):
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)) and len(value) == 1 \
            and not isinstance(value[0], (list, tuple, dict)):
        return value[0]
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def _check_location(frame: gpd.GeoDataFrame, filename: str,
                    rapport: Rapport) -> gpd.GeoDataFrame:
    """The areas must lie in the Netherlands (``RD_BOUNDS``) after reprojection. A file
    that names the wrong coordinate system (lon/lat numbers labelled as RD, or a file of
    another country) gets a file-level error and no areas: it must not be published onto
    the wrong place, also not by skipping invalid rows. One check for the command line and
    the Data page."""
    if len(frame) == 0:
        return frame
    xmin, ymin, xmax, ymax = frame.total_bounds
    if np.isfinite([xmin, ymin, xmax, ymax]).all() and _within((xmin, ymin, xmax, ymax),
                                                                RD_BOUNDS):
        return frame
    rapport.error(
        f"De gebieden in '{filename}' liggen na omrekenen niet in Nederland. Waarschijnlijk "
        "noemt het bestand het verkeerde coördinatenstelsel. Sla het opnieuw op met het "
        "juiste stelsel, bij voorkeur Rijksdriehoeksmeting (EPSG:28992).")
    return frame.iloc[0:0]


def _detect(data: bytes, filename: str) -> str:
    """'gpkg', 'zip' or 'geojson'; raises a Dutch WijkdataError for anything else."""
    if not data:
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    if data.startswith(_SQLITE_MAGIC):
        return "gpkg"
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    name = filename.lower()
    if name.endswith(".shp") or data.startswith(_SHP_MAGIC):
        raise WijkdataError(
            f"Het bestand '{filename}' is alleen het .shp-deel van een shapefile. Een "
            "shapefile bestaat uit meerdere bestanden (.shp, .shx, .dbf en .prj): zet ze "
            "samen in een zip-bestand en upload dat.")
    if looks_like_geo(data, filename):
        return "geojson"
    head = data[:1_000_000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        try:
            payload = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("value"), list):
            raise WijkdataError(
                f"Het bestand '{filename}' is een CBS-tabel (OData) zonder kaartvlakken. "
                "Upload voor de grenzen een GeoPackage, GeoJSON of shapefile in zip.")
        if payload is not None:
            raise WijkdataError(
                f"Het bestand '{filename}' is JSON, maar geen GeoJSON: verwacht een object "
                "met \"type\": \"FeatureCollection\".")
    raise WijkdataError(_UNREADABLE.format(name=filename))


def _bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _is_shp(name: str) -> bool:
    return name.lower().endswith(".shp") and not name.endswith("/")


def check_zip(data: bytes, filename: str) -> list[zipfile.ZipInfo]:
    """The members of a zip (an ``.xlsx`` is one too), after checking that it is safe to
    open: at most ``MAX_ZIP_MEMBERS`` members, at most ``MAX_ZIP_BYTES`` unpacked as its
    directory declares, and no member name that points outside the zip. Only the central
    directory is read; nothing is unpacked."""
    try:
        with zipfile.ZipFile(_bytes_io(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS:
        raise WijkdataError(f"Het bestand '{filename}' is een beschadigd zip-bestand (ook "
                            "een Excel-bestand is een zip); het is misschien niet helemaal "
                            "geüpload.") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise WijkdataError(
            f"Het bestand '{filename}' bevat {len(infos)} ingepakte bestanden; dat is meer dan "
            f"de {MAX_ZIP_MEMBERS} die worden toegestaan. Het is niet geopend.")
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_BYTES:
        raise WijkdataError(
            f"Het bestand '{filename}' is uitgepakt {fmt_bestandsgrootte(total)} groot; dat is "
            f"meer dan de {fmt_bestandsgrootte(MAX_ZIP_BYTES)} die worden toegestaan. Het is "
            "niet geopend.")
    unsafe = [info.filename for info in infos if _unsafe_member(info.filename)]
    if unsafe:
        raise WijkdataError(
            f"Het bestand '{filename}' bevat namen die buiten het zip-bestand wijzen "
            f"({', '.join(unsafe[:5])}). Zo'n bestand wordt niet geopend; pak de bestanden "
            "uit en zip ze opnieuw.")
    return infos


def _zip_shapefiles(data: bytes, filename: str) -> list[str]:
    """The ``.shp`` members of a zip, after checking the zip is safe to open."""
    infos = check_zip(data, filename)
    members = sorted(info.filename for info in infos if _is_shp(info.filename)
                     and not PurePosixPath(info.filename).name.startswith("._"))
    if not members:
        raise WijkdataError(f"Het zip-bestand '{filename}' bevat geen shapefile (.shp).")
    return members


def _unsafe_member(name: str) -> bool:
    text = name.replace("\\", "/")
    return (text.startswith("/") or re.match(r"^[A-Za-z]:", text) is not None
            or ".." in text.split("/"))


def _write_temp(data: bytes, directory: str, suffix: str) -> str:
    path = os.path.join(directory, f"upload{suffix}")
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def _gpkg_layers(path: str, filename: str) -> list[str]:
    try:
        with _quiet():
            layers = pyogrio.list_layers(path)
    except _GDAL_ERRORS:
        raise WijkdataError(_UNREADABLE.format(name=filename)) from None
    # Non-spatial tables (geometry type None) are attribute tables, not maps.
    spatial = [str(name) for name, geometry_type in layers if geometry_type is not None]
    if not spatial:
        raise WijkdataError(f"Het bestand '{filename}' bevat geen kaartlagen met gebieden.")
    return spatial


def _choose_layer(layers: list[str], layer: str | None, filename: str) -> str:
    if layer is not None:
        if layer not in layers:
            raise WijkdataError(
                f"De laag '{layer}' staat niet in '{filename}'. Kies een van: "
                f"{', '.join(layers)}.")
        return layer
    if len(layers) == 1:
        return layers[0]
    stems = {name: PurePosixPath(name).stem.lower() for name in layers}
    if "buurten" in stems.values():
        return next(name for name, s in stems.items() if s == "buurten")
    for word in _LAYER_PREFERENCE:
        matching = [name for name, s in stems.items() if word in s]
        if len(matching) == 1:
            return matching[0]
        if matching:
            break
    raise WijkdataError(
        f"Het bestand '{filename}' bevat meerdere lagen en het is niet duidelijk welke de "
        f"gebieden bevat. Kies een laag: {', '.join(layers)}.")


def _layer_text(layer: str | None) -> str:
    return f"'{layer}' " if layer else ""


def _read(path: str, layer: str | None, filename: str,
          rapport: Rapport | None = None, *, read_geometry: bool = True) -> pd.DataFrame:
    """The layer as a frame with one column per field, under a name of its own.

    Field names need not be unique: a shapefile written by a careless tool can hold two
    fields ``BU_CODE``, or several without a name, and any format can have a field called
    ``geometry``. pyogrio gives every field of a repeated name the values of the last one,
    so the fields are then read by position. Names follow textio's rule for a table header:
    a field without a name is ``kolom N`` (its position), a repeat of a name ``BU_CODE (2)``.
    The first field of a name keeps it, so that is the one recognised; a warning names
    each repeated name.
    """
    try:
        with _quiet():
            frame = pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore",
                                           read_geometry=read_geometry)
            fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
            names, repeated = _unique_names(fields)
            if names != fields:
                meta, _, _, values = pyogrio.raw.read(path, layer=layer,
                                                      read_geometry=False)
    except _GDAL_ERRORS:
        raise WijkdataError(_UNREADABLE.format(name=filename)) from None
    if names == fields:
        return frame
    if list(meta["fields"]) != fields or any(len(v) != len(frame) for v in values):
        raise WijkdataError(_UNREADABLE.format(name=filename))
    columns = {name: _field_values(column, subtype, frame.index)
               for name, column, subtype in zip(names, values, meta["ogr_subtypes"])}
    if read_geometry:
        frame = gpd.GeoDataFrame(columns, geometry=frame.geometry.values, crs=frame.crs,
                                 index=frame.index)
    else:
        frame = pd.DataFrame(columns, index=frame.index)
    for name in repeated:
        if rapport is not None:
            rapport.warning(
                f"Het bestand heeft meer dan één kolom met de naam '{name}'. De eerste is "
                f"gebruikt; de volgende heten hier '{name} (2)' enzovoort. Geef elke kolom "
                "een eigen naam als een andere bedoeld is.", column=name)
    return frame


def _unique_names(fields: list[str]) -> tuple[list[str], list[str]]:
    """(a unique name per field, the names that were repeated); see :func:`_read`.

    >>> _unique_names(["BU_CODE", "", "BU_CODE", " ", "geometry"])
    (['BU_CODE', 'kolom 2', 'BU_CODE (2)', 'kolom 4', 'geometry (2)'], ['BU_CODE'])
    """
    taken = {GEOMETRY}                # the name the geometry column has in every frame
    seen: set[str] = set()
    names: list[str] = []
    repeated: list[str] = []
    for position, field in enumerate(fields, start=1):
        name = field if field.strip() else f"kolom {position}"
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name} ({n})"
        taken.add(unique)
        names.append(unique)
    return names, repeated


def _field_values(values: np.ndarray, subtype: str, index: pd.Index) -> pd.Series:
    """One field as pyogrio.read_dataframe gives it: a JSON field (a GeoJSON property that
    holds a list or object) parsed; text that is not JSON stays text."""
    column = pd.Series(values, index=index)
    if subtype == "OFSTJSON":
        column = column.map(_json_value)
    return column


def _json_value(value):
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@contextlib.contextmanager
def _quiet():
    """GDAL's own notes (a missing .prj, an odd GeoPackage header) are replaced by the
    reader's Dutch warnings; they never reach the user as Python warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def _wijknamen_from_gpkg(path: str, layers: list[str], chosen: str) -> dict[str, str] | None:
    """wijkcode → wijknaam from a 'wijken' layer next to the chosen buurten layer.

    The CBS buurten layer has the wijkcode but not always the wijknaam; the wijken layer in
    the same GeoPackage has both.
    """
    wijken = [name for name in layers if name != chosen and "wijk" in name.lower()]
    if "buurt" not in chosen.lower() or len(wijken) != 1:
        return None
    try:
        table = _read(path, wijken[0], "", read_geometry=False)
    except WijkdataError:
        return None
    found = _find_columns(table.columns)
    if "wijkcode" not in found or "wijknaam" not in found:
        return None
    keys = _each(table[found["wijkcode"]], codes.clean_code)
    names = _text(table[found["wijknaam"]])
    return {k: v for k, v in zip(keys, names) if k and v}


def _find_columns(columns) -> dict[str, str]:
    """Role → source column name, matching header variants case-insensitively."""
    by_norm: dict[str, str] = {}
    for column in columns:
        if column == GEOMETRY:
            continue
        by_norm.setdefault(normalise_header(column), column)
    found = {}
    for role, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in by_norm:
                found[role] = by_norm[alias]
                break
    return found


def _source_format(found: dict[str, str], container: str, layer: str | None) -> str:
    cbs_names = {"buurten", "wijken", "gemeenten"}
    if container == "GeoPackage" and ("water" in found or (layer or "") in cbs_names):
        return "CBS Wijk- en buurtkaart (GeoPackage)"
    if container == "shapefile in zip" and "water" in found:
        return "CBS Wijk- en buurtkaart (shapefile in zip)"
    if container == "GeoJSON" and "code" in found and "rubriek" in found \
            and normalise_header(found["code"]) == "statcode":
        return "PDOK gebiedsindeling (GeoJSON)"
    return {"GeoPackage": "GeoPackage", "shapefile in zip": "Shapefile (zip)",
            "GeoJSON": "GeoJSON"}[container]


def _to_rd(frame: gpd.GeoDataFrame, filename: str, rapport: Rapport) -> gpd.GeoDataFrame:
    """Reproject to EPSG:28992; guess the CRS from the coordinates only when the file has
    none (a shapefile without .prj), and say so."""
    # A shape with a coordinate that is not a number (a damaged file) is a row error in
    # _build; it must not decide the coordinate system of the other areas.
    finite = _finite_shapes(frame.geometry)
    present = frame.geometry[finite]
    bounds = present.total_bounds if len(present) else None
    crs = frame.crs
    if crs is not None and CRS.from_user_input(crs).is_geographic and bounds is not None \
            and not _within(bounds, LONLAT_BOUNDS) and _within(bounds, RD_BOUNDS):
        # GeoJSON is lon/lat by definition (RFC 7946), so GDAL reports EPSG:4326 for every
        # GeoJSON without a "crs" member, also for RD coordinates exported by older tools.
        rapport.warning(
            "Het bestand noemt lengte- en breedtegraden, maar de coördinaten zijn "
            "Rijksdriehoeksmeting (RD, EPSG:28992). Ze zijn als RD gelezen; controleer op de "
            "kaart of de gebieden op de goede plek liggen.")
        return frame.set_crs(RD, allow_override=True)
    if crs is None:
        if bounds is None:
            return frame.set_crs(RD)
        if _within(bounds, RD_BOUNDS):
            rapport.warning(
                "Het bestand zegt niet in welk coördinatenstelsel het is (bij een shapefile "
                "ontbreekt het .prj-bestand). De coördinaten passen bij "
                "Rijksdriehoeksmeting (RD, EPSG:28992); die is aangenomen. Controleer op de "
                "kaart of de gebieden op de goede plek liggen.")
            return frame.set_crs(RD)
        if _within(bounds, LONLAT_BOUNDS):
            rapport.warning(
                "Het bestand zegt niet in welk coördinatenstelsel het is (bij een shapefile "
                "ontbreekt het .prj-bestand). De coördinaten passen bij lengte- en "
                "breedtegraden (WGS 84, EPSG:4326); die is aangenomen. Controleer op de "
                "kaart of de gebieden op de goede plek liggen.")
            return frame.set_crs(WGS84).to_crs(RD)
        raise WijkdataError(
            f"Het bestand '{filename}' zegt niet in welk coördinatenstelsel het is, en de "
            "coördinaten passen niet bij Rijksdriehoeksmeting (RD) of lengte- en "
            "breedtegraden in Nederland. Voeg het .prj-bestand toe aan de zip, of sla het "
            "bestand op met coördinatenstelsel EPSG:28992.")
    try:
        if CRS.from_user_input(crs).to_epsg() == RD:
            return frame.set_crs(RD, allow_override=True)
        with _quiet():
            converted = frame.to_crs(RD)
    except (CRSError, ProjError, ValueError, TypeError) as exc:
        # PROJ's own text ("Invalid value for lat_0") is for whoever debugs, not the user.
        _log.info("Coördinatenstelsel van %r niet om te rekenen naar EPSG:28992: %s: %s",
                  filename, type(exc).__name__, exc)
        raise WijkdataError(
            f"Het coördinatenstelsel dat '{filename}' noemt (bij een shapefile het "
            ".prj-bestand) is beschadigd of onbekend, zodat de gebieden niet kunnen worden "
            "omgerekend naar Rijksdriehoeksmeting. Sla het bestand opnieuw op met "
            "coördinatenstelsel EPSG:28992.") from None
    if bounds is not None and not np.isfinite(converted.geometry[finite].total_bounds).all():
        # Coordinates outside the valid range of the stated system (e.g. metres in a file
        # that says lon/lat) turn into infinity instead of failing.
        raise WijkdataError(
            f"De coördinaten in '{filename}' passen niet bij het coördinatenstelsel dat het "
            f"bestand noemt ({CRS.from_user_input(crs).name}). Sla het bestand opnieuw op met "
            "het juiste coördinatenstelsel, bij voorkeur EPSG:28992.")
    return converted


def _finite_shapes(geometries: gpd.GeoSeries) -> pd.Series:
    """True where a geometry is present, not empty, and every x and y is a finite number
    (no NaN or infinity, which a damaged file can hold and GEOS cannot work with)."""
    shapes = np.asarray(geometries.array, dtype=object)
    coordinates, owner = shapely.get_coordinates(shapes, return_index=True)
    broken = np.zeros(len(shapes), dtype=bool)
    broken[owner[~np.isfinite(coordinates).all(axis=1)]] = True
    present = ~(geometries.isna() | geometries.is_empty).to_numpy()
    return pd.Series(present & ~broken, index=geometries.index)


def _within(bounds, box) -> bool:
    xmin, ymin, xmax, ymax = bounds
    return box[0] <= xmin and xmax <= box[2] and box[1] <= ymin and ymax <= box[3]


def _build(raw: gpd.GeoDataFrame, found: dict[str, str], filename: str, rapport: Rapport,
           wijknamen: dict[str, str] | None) -> gpd.GeoDataFrame:
    choice = _choose_code(raw)
    if choice is None:
        columns = ", ".join(str(c) for c in raw.columns if c != GEOMETRY) or "geen"
        raise WijkdataError(
            f"In '{filename}' is geen kolom met CBS-gebiedscodes gevonden (zoals buurtcode, "
            f"BU_CODE of statcode). Gevonden kolommen: {columns}.")
    code_role, code_column, expected_level, name_role = choice
    positions = np.arange(len(raw))
    rows = pd.Series([spreadsheet_row(i) for i in positions], index=raw.index)
    raw_codes = raw[code_column]
    cleaned, levels = _clean_codes(raw_codes)
    if expected_level is None:
        # A generic column (statcode, code): the form of the valid codes tells the level
        # the file is about; only used to phrase the expected form in messages.
        usable = levels[levels.isin(["buurt", "wijk", "gemeente"])]
        form_level = usable.mode().iloc[0] if len(usable) else None
    else:
        form_level = expected_level
    keep = pd.Series(True, index=raw.index)

    is_water = _water(raw, found, cleaned, levels)
    if is_water.any():
        count = int(is_water.sum())
        parts = "1 waterdeel is" if count == 1 else f"{count} waterdelen zijn"
        why = (f"kolom '{found['water']}' is JA, of " if "water" in found else "") + \
            "de buurtcode eindigt op 97, 98 of 99"
        rapport.warning(f"{parts} weggelaten ({why}): de kaart toont alleen het land van elk "
                        "gebied.", column=found.get("water"))
    keep &= ~is_water

    if name_role in found:
        names = raw[found[name_role]]
    elif "naam" in found:
        names = raw[found["naam"]]
    else:
        names = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    names = _text(names)

    pseudo = keep & _each(names, lambda n: bool(n and _PSEUDO_AREA.match(n))).astype(bool)
    for index in raw.index[pseudo]:
        rapport.warning(
            f"'{names[index]}' is geen woongebied en is weggelaten.",
            row=int(rows[index]), code=cleaned[index], value=names[index])
    keep &= ~pseudo

    column_name = str(code_column)
    for index in raw.index[keep]:
        code, level = cleaned[index], levels[index]
        ok = level in ("buurt", "wijk", "gemeente") and (
            expected_level is None or level == expected_level)
        if not ok:
            value = raw_codes[index]
            shown = None if value is None or (isinstance(value, float) and pd.isna(value)) \
                else str(value)
            what = ("De code ontbreekt" if not code
                    else f"De code '{shown.strip()}' heeft niet de vorm van een CBS-code")
            rapport.error(f"{what}; verwacht {codes.EXPECTED_FORM[form_level]}.",
                          row=int(rows[index]), column=column_name, value=shown)
            keep[index] = False

    seen: set[str] = set()
    for index in raw.index[keep]:
        code = cleaned[index]
        if code in seen:
            rapport.error("Deze code komt al eerder in het bestand voor; elk gebied mag maar "
                          "één keer voorkomen.", row=int(rows[index]), column=column_name,
                          code=code, value=code)
            keep[index] = False
        seen.add(code)

    geometries = raw.geometry.copy()
    for index in raw.index[keep]:
        geometry, problem = _repair(geometries[index])
        if problem == "missing":
            rapport.error("Dit gebied heeft geen vorm: de geometrie ontbreekt, is leeg of "
                          "heeft geen oppervlakte.",
                          row=int(rows[index]), column=GEOMETRY, code=cleaned[index])
            keep[index] = False
        elif problem == "not_finite":
            rapport.error("De vorm van dit gebied heeft coördinaten die geen geldig getal "
                          "zijn; het bestand is waarschijnlijk beschadigd. Sla het opnieuw op "
                          "vanuit het programma waarmee het is gemaakt.",
                          row=int(rows[index]), column=GEOMETRY, code=cleaned[index])
            keep[index] = False
        elif problem == "unrepairable":
            rapport.error("De vorm van dit gebied is ongeldig en kan niet automatisch worden "
                          "hersteld; controleer de rand van dit gebied.",
                          row=int(rows[index]), column=GEOMETRY, code=cleaned[index])
            keep[index] = False
        elif problem == "not_polygon":
            kind = _GEOMETRY_WORDS.get(geometries[index].geom_type, "andere vorm")
            rapport.error(f"Dit gebied is geen vlak maar een {kind}; verwacht een vlak "
                          "(polygoon of multipolygoon).",
                          row=int(rows[index]), column=GEOMETRY, code=cleaned[index])
            keep[index] = False
        else:
            if problem == "repaired":
                rapport.warning("De vorm van dit gebied was ongeldig (bijvoorbeeld een rand "
                                "die zichzelf snijdt) en is automatisch hersteld.",
                                row=int(rows[index]), column=GEOMETRY, code=cleaned[index])
            geometries[index] = geometry

    part = raw.loc[keep]
    code_values = cleaned[keep].astype(str)
    level_values = levels[keep].astype(str)
    out = pd.DataFrame(index=part.index)
    out[CODE] = code_values
    out[NAAM] = names[keep].where(names[keep].notna(), code_values)
    out[NIVEAU] = level_values

    parent_wk = _parent_codes(part, found.get("wijkcode"), code_role == "wijkcode")
    parent_gm = _parent_codes(part, found.get("gemeentecode"), code_role == "gemeentecode")
    is_buurt = level_values == "buurt"
    is_wijk = level_values == "wijk"
    is_gemeente = level_values == "gemeente"
    wijk = pd.Series(None, index=part.index, dtype=object)
    wijk[is_buurt] = parent_wk[is_buurt].where(parent_wk[is_buurt].notna(),
                                               codes.wijkcodes(code_values[is_buurt]))
    wijk[is_wijk] = code_values[is_wijk]
    out[WIJKCODE] = wijk
    gemeente = parent_gm.where(parent_gm.notna(), codes.gemeentecodes(code_values))
    gemeente[is_gemeente] = code_values[is_gemeente]
    out[GEMEENTECODE] = gemeente

    wijknaam = pd.Series(None, index=part.index, dtype=object)
    if "wijknaam" in found and code_role != "wijkcode":
        wijknaam[is_buurt] = _text(part[found["wijknaam"]])[is_buurt]
    if wijknamen:
        from_layer = _each(out[WIJKCODE], wijknamen.get)
        wijknaam = wijknaam.where(wijknaam.notna(), from_layer)
    wijknaam[is_wijk] = out.loc[is_wijk, NAAM]
    out[WIJKNAAM] = wijknaam
    gemeentenaam = pd.Series(None, index=part.index, dtype=object)
    if "gemeentenaam" in found and code_role != "gemeentecode":
        gemeentenaam = _text(part[found["gemeentenaam"]])
    gemeentenaam[is_gemeente] = out.loc[is_gemeente, NAAM]
    out[GEMEENTENAAM] = gemeentenaam
    for column in GEBIEDEN_COLUMNS:
        out[column] = out[column].astype("str").where(out[column].notna(), None)

    empty = []
    for role in CONTEXT_COLUMNS:
        if role in found:
            out[role] = _numbers(part[found[role]])
            if len(out) and out[role].isna().all():
                empty.append(str(found[role]))
    if empty:
        # A first release of the Wijk- en buurtkaart has the areas but no figures yet.
        listed = ", ".join(f"'{c}'" for c in empty)
        rapport.warning(
            f"{'De kolom' if len(empty) == 1 else 'De kolommen'} {listed} "
            f"{'is' if len(empty) == 1 else 'zijn'} in elke rij leeg: dit bestand geeft "
            "alleen de grenzen. Neem de cijfers uit de CBS Kerncijfers wijken en buurten.")

    periode = _periode(part, found, filename)
    if periode is not None:
        out[PERIODE] = periode

    out = out[GEBIEDEN_COLUMNS + [c for c in out.columns if c not in GEBIEDEN_COLUMNS]]
    result = gpd.GeoDataFrame(out, geometry=geometries[keep], crs=RD)
    result = result.rename_geometry(GEOMETRY) if result.geometry.name != GEOMETRY else result
    return result.reset_index(drop=True)


def _clean_codes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(cleaned codes, niveau) per cell; None where a cell holds no CBS code. Each distinct
    value is looked at once."""
    cleaned = _each(values, codes.clean_code)
    return cleaned, _each(cleaned, codes.niveau)


def _code_share(values: pd.Series, level: str | None) -> float:
    """The share of filled cells that are CBS area codes (of ``level`` when given)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return 0.0
    text = _each(values, lambda v: str(v).strip() if v is not None else "")
    filled = text[text != ""]
    if filled.empty:
        return 0.0
    lookup = {v: codes.niveau(codes.clean_code(v)) for v in filled.unique()}
    found = filled.map(lookup)
    good = found.isin([level] if level else ["buurt", "wijk", "gemeente"])
    return float(good.mean())


def _choose_code(raw: gpd.GeoDataFrame) -> tuple[str, str, str | None, str] | None:
    """(role, column, expected niveau, name role) of the column with the areas' own codes.

    Decided by the values, not by the header alone: a municipal export can hold its own
    code (``code`` = ``AA01``) next to the CBS code (``cbsCode`` = ``BU0363AA01``). Every
    column whose header is a known code header is a candidate, in the order of
    ``_CODE_CHOICES``; the first whose filled cells are mostly (≥ 50 %) CBS codes wins.
    When no candidate has such values, any other text column that does is taken; when none
    has, the first candidate, so its cells are reported as not having the CBS form.
    """
    columns = [c for c in raw.columns if c != raw.geometry.name]
    by_role: dict[str, list[str]] = {}
    for column in columns:
        norm = normalise_header(column)
        for role, aliases in _ALIASES.items():
            if norm in aliases:
                by_role.setdefault(role, []).append(column)
    candidates = [(role, column, level, name_role)
                  for role, level, name_role in _CODE_CHOICES
                  for column in sorted(by_role.get(role, []),
                                       key=lambda c: _ALIASES[role].index(normalise_header(c)))]
    for candidate in candidates:
        if _code_share(raw[candidate[1]], candidate[2]) >= _CODE_SHARE:
            return candidate
    listed = {column for _, column, _, _ in candidates}
    for column in columns:
        if column not in listed and _code_share(raw[column], None) >= _CODE_SHARE:
            return ("code", column, None, "naam")
    return candidates[0] if candidates else None


def _water(raw: pd.DataFrame, found: dict[str, str], cleaned: pd.Series,
           levels: pd.Series) -> pd.Series:
    """Which rows are water parts: ``water == 'JA'``, or a buurtcode ending in 97–99 (how
    CBS numbers the water of a wijk, also where a file has no water column). An explicit
    ``water == 'NEE'`` keeps the row."""
    if "water" in found:
        water = _each(raw[found["water"]], lambda v: str(v).strip().upper() if v else "")
    else:
        water = pd.Series("", index=raw.index, dtype=object)
    tail = _each(cleaned, lambda c: c[-2:] if c else "")
    by_code = (levels == "buurt") & tail.isin(_WATER_TAILS)
    return ((water == "JA") | ((water != "NEE") & by_code)).astype(bool)


def _repair(geometry) -> tuple[object, str | None]:
    """(polygonal geometry, problem): problem is None, 'repaired', 'missing' (no geometry,
    empty, or no area left after repair), 'not_polygon' (points or lines), 'not_finite' (a
    coordinate that is NaN or infinite) or 'unrepairable' (GEOS could not repair it)."""
    if geometry is None or geometry.is_empty:
        return None, "missing"
    geometry = shapely.force_2d(geometry)
    if not np.isfinite(shapely.get_coordinates(geometry)).all():
        return None, "not_finite"
    try:
        return _polygonal(geometry)
    except shapely.errors.GEOSException:
        # Not seen with finite coordinates; kept as a row error so one area cannot stop
        # the file, and logged as unexpected so it is noticed.
        _log.exception("GEOS kon een vorm met eindige coördinaten niet herstellen")
        return None, "unrepairable"


def _polygonal(geometry) -> tuple[object, str | None]:
    problem = None
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        problem = "repaired"
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry, problem
    polygons = _polygons(geometry)
    if not polygons:
        return None, "missing" if problem else "not_polygon"
    result = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    if not result.is_valid:
        result = shapely.union_all(polygons)
    return result, problem


def _polygons(geometry) -> list:
    """The polygons inside a (nested) geometry collection; lines and points are dropped
    because they have no area."""
    if geometry.geom_type == "Polygon":
        return [] if geometry.is_empty else [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in shapely.get_parts(geometry) for p in _polygons(part)]
    return []


def _text(values: pd.Series) -> pd.Series:
    return _each(values, lambda v: str(v).strip() or None if v is not None else None)


def _each(values: pd.Series, func) -> pd.Series:
    """``func`` applied to each value (missing values passed as None), as an object Series.

    Unlike ``Series.map`` this never turns a None result into NaN in pandas' string dtype,
    so results can be tested with ``if value``.
    """
    def plain(v):
        return None if v is None or (not isinstance(v, (str, bytes)) and pd.isna(v)) else v
    return pd.Series([func(plain(v)) for v in values], index=values.index, dtype=object)


def _parent_codes(part: pd.DataFrame, column: str | None, is_own_code: bool) -> pd.Series:
    """Cleaned parent codes from the file, or NaN where the file has none (then they are
    derived from the area's own code)."""
    if column is None or is_own_code:
        return pd.Series(None, index=part.index, dtype=object)
    return _each(part[column], lambda v: codes.clean_code(v)
                 if codes.niveau(codes.clean_code(v)) else None)


def _numbers(values: pd.Series) -> pd.Series:
    """Floats; NaN for missing and for CBS's codes for missing or secret (≤ −99990)."""
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
    else:
        # Text that is not a number at all (parse_number → None) is missing too: these are
        # optional context figures, not the data the file is uploaded for.
        parsed = _each(values, lambda v: np.nan if v is None else parse_number(str(v)))
        numbers = pd.to_numeric(parsed, errors="coerce").astype(float)
    return numbers.where(numbers > CBS_MISSING_THRESHOLD, np.nan)


def _periode(part: pd.DataFrame, found: dict[str, str], filename: str) -> pd.Series | None:
    """Year per area: ``jaar``, else the prefix of ``jrstatcode`` (``2024BU...``), else a year
    in the file name (``wijkenbuurten_2024_v1.gpkg``)."""
    years = pd.Series(np.nan, index=part.index, dtype=float)
    if "jaar" in found:
        years = _numbers(part[found["jaar"]])
        years = years.where((years >= 1900) & (years <= 2100), np.nan)
    if "jrstatcode" in found:
        prefix = _each(part[found["jrstatcode"]],
                       lambda v: float(str(v).strip()[:4])
                       if v is not None and re.match(r"^\d{4}", str(v).strip()) else np.nan)
        prefix = prefix.astype(float)
        years = years.where(years.notna(), prefix)
    if years.isna().any():
        match = _YEAR_IN_NAME.search(Path(filename).name)
        if match:
            years = years.fillna(float(match.group(1)))
    if years.isna().all():
        return None
    return years.round().astype("Int64")
