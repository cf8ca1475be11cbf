"""Tables for download and for the command line: never personal data, never a formula.

Two CSV dialects, each for its reader:

- **The command line** (:func:`to_csv_bytes`): UTF-8, comma-separated, '.' as decimal mark,
  ``true``/``false``, an empty cell for a missing value, so other software reads it without
  guessing. Scripts depend on it: it does not change.
- **The dashboard's downloads** (:func:`to_excel_csv_bytes`), for Dutch Excel, which reads a
  CSV with the Windows list separator and decimal mark of the Dutch locale: ``;`` between
  cells, a decimal comma, UTF-8 with a byte-order mark (without it Excel reads UTF-8 as
  Windows-1252: "cafÃ©"), CRLF line ends, ``ja``/``nee``, dates as dd-mm-jjjj. Every number
  is rounded by :mod:`wijkdata.formatting`, the rule the pages, slides and PDF use.

XLSX downloads (:func:`to_xlsx_bytes`) hold numbers as numbers, rounded by the same rule.
:func:`download_files` gives the dashboard both files of one table.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wijkdata import formatting
from wijkdata.escaping import neutralise_formula
from wijkdata.formatting import is_missing
from wijkdata.model.schema import (
    AFSTAND,
    BEREIK_M,
    BINNEN_BEREIK,
    BINNEN_BEREIK_PER_1000,
    BRON,
    BUURTCODE,
    BUURTNAAM,
    GEMEENTECODE,
    GEMEENTENAAM,
    GRENS_AANBOD,
    GRENS_EENZAAM,
    INITIATIEVEN,
    INWONERS,
    LAATST_BEVESTIGD,
    LEEFTIJD,
    PCT_65PLUS,
    PCT_EENPERSOONS,
    PER_1000,
    PERIODE,
    PERSOONSGEGEVENS_COLUMNS,
    RANG,
    REDEN,
    WIJKCODE,
    WIJKNAAM,
    WITTE_VLEK,
    ZEKERHEID,
    bovengrens,
    interval_kolommen,
    ondergrens,
    pct,
)

# The per-buurt table (schema.BUURTCIJFERS_SCHEMA) as the command line exports it; scripts
# depend on this order.
BUURT_EXPORT_COLUMNS = [
    BUURTCODE, BUURTNAAM, WIJKCODE, GEMEENTECODE, GEMEENTENAAM, INWONERS,
    *interval_kolommen("eenzaam"), pct("ernstig_eenzaam"),
    INITIATIEVEN, PER_1000, AFSTAND, WITTE_VLEK,
    WIJKNAAM, ondergrens("ernstig_eenzaam"), bovengrens("ernstig_eenzaam"),
    pct("emotioneel_eenzaam"), pct("sociaal_eenzaam"), PCT_65PLUS,
    PCT_EENPERSOONS, GRENS_EENZAAM, GRENS_AANBOD, PERIODE, LEEFTIJD,
    # Issue 11, the witte-vlek method: added at the end so no existing column moves.
    BINNEN_BEREIK, BINNEN_BEREIK_PER_1000, BEREIK_M, ZEKERHEID, RANG, REDEN,
]
INITIATIEF_EXPORT_COLUMNS = [
    "naam", "omschrijving", "activiteit", "wij_type", "doelgroepen", "frequentie",
    "startdatum", "einddatum", "organisator", "buurtcode", "wijkcode", "gemeentecode",
    "lat", "lon", "op_buurtniveau",
    # Issue 12, where an initiative comes from: added at the end so no existing column moves.
    BRON, LAATST_BEVESTIGD,
]
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Headers a person may give personal data under, besides the canonical names (AVG).
_PERSOONSGEGEVENS = {c.lower() for c in PERSOONSGEGEVENS_COLUMNS} | {
    "e-mail", "e-mailadres", "emailadres", "telefoonnummer", "contact"}
# Columns holding a date (canonical and Dutch headers), written as dd-mm-jjjj.
_DATUM_KOLOMMEN = {"startdatum", "einddatum", "sinds", "tot", "datum", "gepubliceerd",
                   LAATST_BEVESTIGD, "laatst bevestigd"}
_ISO_DATUM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NL_TIJDSTIP = re.compile(r"^\d{2}-\d{2}-\d{4}( \d{2}:\d{2})?$")


@dataclass(frozen=True)
class Download:
    """One file the dashboard offers: ``make`` builds the bytes only when asked."""

    label: str
    filename: str
    make: Callable[[], bytes]
    mime: str
    help: str


def download_files(table: pd.DataFrame, name: str) -> list[Download]:
    """The downloads of one table: a CSV that opens in Dutch Excel, and an Excel file.

    Both without personal data, with formula text neutralised and every number rounded by
    :mod:`wijkdata.formatting`. ``name`` becomes the file name (characters a file system
    may refuse become ``_``).
    """
    stem = bestandsnaam(name)
    return [
        Download("CSV", f"{stem}.csv", lambda: to_excel_csv_bytes(table), CSV_MIME,
                 "Tekstbestand voor Excel: puntkomma's tussen de kolommen en een "
                 "decimale komma, zoals de Nederlandse Excel het verwacht."),
        Download("Excel", f"{stem}.xlsx", lambda: to_xlsx_bytes(table), XLSX_MIME,
                 "Excel-werkmap (.xlsx): getallen als getallen, afgerond zoals op het scherm."),
    ]


def bestandsnaam(name: str) -> str:
    """``name`` as a safe file name without extension: letters (accents too), digits,
    ``-`` and ``_``; anything else becomes ``_``.

    Examples
    --------
    >>> bestandsnaam("kaart_'s-Hertogenbosch/buurt")
    'kaart__s-Hertogenbosch_buurt'
    """
    stem = re.sub(r"[^\w\-]+", "_", str(name)).strip("_.")
    return stem[:120] or "gegevens"


def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop personal-data columns and neutralise formula text in every text column."""
    frame = frame.drop(columns=[c for c in frame.columns
                                if str(c).strip().lower() in _PERSOONSGEGEVENS])
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            # Only text: a number such as -3.5 is data, not a formula.
            frame[column] = frame[column].map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else v)
    return frame


def buurten_table(buurtcijfers: pd.DataFrame) -> pd.DataFrame:
    """The per-buurt export: the contract columns first, then the extra ones."""
    columns = [c for c in BUURT_EXPORT_COLUMNS if c in buurtcijfers.columns]
    table = buurtcijfers[columns].copy()
    table["initiatieven_per_1000"] = table["initiatieven_per_1000"].round(3)
    table["afstand_initiatief_m"] = table["afstand_initiatief_m"].round(0)
    if BINNEN_BEREIK_PER_1000 in table:
        table[BINNEN_BEREIK_PER_1000] = table[BINNEN_BEREIK_PER_1000].round(3)
    if BEREIK_M in table:
        bereik = table[BEREIK_M]
        # 500, not 500.0, when the reach is whole metres (as it nearly always is).
        if bereik.notna().all() and (bereik == bereik.round(0)).all():
            table[BEREIK_M] = bereik.astype("int64")
    return safe_table(table)


def initiatieven_table(initiatieven: pd.DataFrame) -> pd.DataFrame:
    """The initiatives without personal data; a hidden location is given at buurt level only
    (no coordinates). Dates as ISO text (``2025-03-03``), empty when missing: the command
    line writes them so, the dashboard's downloads turn them into dates."""
    table = pd.DataFrame({c: initiatieven[c] if c in initiatieven else None
                          for c in INITIATIEF_EXPORT_COLUMNS}, index=initiatieven.index)
    hidden = table["op_buurtniveau"].fillna(False).astype(bool)
    table.loc[hidden, ["lat", "lon"]] = None
    for column in ("startdatum", "einddatum", LAATST_BEVESTIGD):
        table[column] = pd.to_datetime(table[column], errors="coerce").dt.strftime("%Y-%m-%d")
    return safe_table(table.reset_index(drop=True))


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The command line's CSV: UTF-8, ``,``, ``.``, ``true``/``false``, empty when missing."""
    out = table.copy()
    for column in out.columns:
        if str(out[column].dtype) == "boolean" or out[column].dtype == bool:
            out[column] = out[column].map(
                lambda v: "" if pd.isna(v) else ("true" if v else "false"))
    return out.to_csv(index=False, sep=",", decimal=".", na_rep="").encode("utf-8")


# ---------------------------------------------------------------- cells, one rule -------

def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not _is_bool(value)


def _is_date_column(column) -> bool:
    name = str(column).strip().lower()
    return name in _DATUM_KOLOMMEN or name.endswith("datum")


def _soort(column, series: pd.Series) -> str:
    """The rounding rule of a column; an object column counts only its numbers."""
    if series.dtype == object:
        numbers = series[series.map(_is_number)]
        if numbers.empty:
            return formatting.TEKST
        series = pd.to_numeric(numbers)
    return formatting.soort(column, series)


@dataclass(frozen=True)
class _Cell:
    """One value as the exports see it: ``kind`` is 'leeg', 'tekst', 'getal', 'ja_nee',
    'datum' or 'tijdstip'; ``value`` the rounded number, text, bool, date or datetime."""

    kind: str
    value: object = None


def _cells(column, series: pd.Series) -> list[_Cell]:
    """Every value of a column classified and rounded once, for both CSV and XLSX."""
    soort = _soort(column, series)
    is_date_column = _is_date_column(column)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert(formatting.TIJDZONE)
    cells = []
    for value in series.tolist():
        if is_missing(value):
            cells.append(_Cell("leeg"))
        elif _is_bool(value):
            cells.append(_Cell("ja_nee", bool(value)))
        elif isinstance(value, (datetime, date)):
            cells.append(_moment(value))
        elif _is_number(value):
            rounded = formatting.rond_waarde(
                soort if soort != formatting.TEKST else formatting.GETAL, value)
            cells.append(_Cell("leeg") if rounded is None else _Cell("getal", rounded))
        elif isinstance(value, str):
            cells.append(_date_text(value) if is_date_column else _Cell("tekst", value))
        else:
            cells.append(_Cell("tekst", str(value)))
    return cells


def _moment(value) -> _Cell:
    if isinstance(value, datetime):
        moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        if moment.tzinfo is not None:
            moment = moment.astimezone(formatting.TIJDZONE).replace(tzinfo=None)
        if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
            return _Cell("datum", moment.date())
        return _Cell("tijdstip", moment.replace(second=0, microsecond=0))
    return _Cell("datum", value)


def _date_text(text: str) -> _Cell:
    """ISO dates ('2024-08-05', as the initiatives table holds them) and Dutch moments
    ('05-08-2024 14:30') become dates; any other text stays text."""
    stripped = text.strip()
    try:
        if _ISO_DATUM.match(stripped):
            return _Cell("datum", date.fromisoformat(stripped))
        if _NL_TIJDSTIP.match(stripped):
            fmt = "%d-%m-%Y %H:%M" if " " in stripped else "%d-%m-%Y"
            moment = datetime.strptime(stripped, fmt)
            return _Cell("tijdstip", moment) if " " in stripped else _Cell("datum", moment.date())
    except ValueError:
        pass
    return _Cell("tekst", text)


def _columns(table: pd.DataFrame) -> tuple[list[str], list[str], list[list[_Cell]]]:
    safe = safe_table(table)
    headers = [neutralise_formula(str(c)) for c in safe.columns]
    soorten = [_soort(c, safe[c]) for c in safe.columns]
    columns = [_cells(c, safe[c]) for c in safe.columns]
    return headers, soorten, columns


# ---------------------------------------------------------------- CSV for Dutch Excel ---

def _csv_text(cell: _Cell, soort: str) -> str:
    if cell.kind == "leeg":
        return ""
    if cell.kind == "ja_nee":
        return "ja" if cell.value else "nee"
    if cell.kind == "datum":
        return cell.value.strftime("%d-%m-%Y")
    if cell.kind == "tijdstip":
        return cell.value.strftime("%d-%m-%Y %H:%M")
    if cell.kind == "getal":
        # Already rounded; written without thousands dots, which Excel would take for a
        # decimal mark in another locale and pandas would not read as a number.
        rule = soort if soort != formatting.TEKST else formatting.GETAL
        return formatting.fmt_waarde(rule, cell.value, eenheid=False, duizendtallen=False,
                                     missing="")
    return cell.value


def to_excel_csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` as a CSV that Dutch Excel opens in columns (see the module docstring).

    Read it back with ``pandas.read_csv(io.BytesIO(data), sep=";", decimal=",",
    encoding="utf-8-sig")``.
    """
    headers, soorten, columns = _columns(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\r\n")
    writer.writerow(headers)
    for row in zip(*columns):
        writer.writerow([_csv_text(cell, soort) for cell, soort in zip(row, soorten)])
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- XLSX ------------------

_NUMBER_FORMATS = {
    formatting.PROCENT: "0.0", formatting.PER_1000: "0.0", formatting.GETAL: "0.0",
    formatting.AANTAL: "#,##0", formatting.AFSTAND: "#,##0", formatting.JAAR: "0",
    formatting.COORDINAAT: "0.000000", formatting.TEKST: "General",
}


def _xlsx_value(cell: _Cell):
    if cell.kind == "leeg":
        return None
    if cell.kind == "ja_nee":
        return "ja" if cell.value else "nee"
    if cell.kind == "tekst":
        # Control characters are not allowed in an XLSX file; a pasted text may hold them.
        return ILLEGAL_CHARACTERS_RE.sub("", cell.value)
    return cell.value


def to_xlsx_bytes(table: pd.DataFrame, sheet: str = "Gegevens") -> bytes:
    """``table`` as an Excel workbook: numbers as numbers rounded by the rule (counts as
    whole numbers), dates as dates, ``ja``/``nee``, an empty cell for a missing value."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, soorten, columns = _columns(table)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "Gegevens"
    worksheet.append([ILLEGAL_CHARACTERS_RE.sub("", h) for h in headers])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in zip(*columns):
        worksheet.append([_xlsx_value(cell) for cell in row])
    for index, (soort, cells) in enumerate(zip(soorten, columns), start=1):
        number_format = _NUMBER_FORMATS.get(soort, "General")
        for sheet_cell, cell in zip(worksheet.iter_rows(min_row=2, min_col=index,
                                                        max_col=index), cells):
            if cell.kind == "getal":
                sheet_cell[0].number_format = number_format
            elif cell.kind == "datum":
                sheet_cell[0].number_format = "dd-mm-yyyy"
            elif cell.kind == "tijdstip":
                sheet_cell[0].number_format = "dd-mm-yyyy hh:mm"
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_geojson_bytes(table: pd.DataFrame, geometry: gpd.GeoSeries) -> bytes:
    """GeoJSON in EPSG:4326 (RFC 7946) with the table's columns as properties."""
    frame = gpd.GeoDataFrame(table.reset_index(drop=True),
                             geometry=geometry.reset_index(drop=True), crs=geometry.crs)
    frame = frame.to_crs("EPSG:4326")
    for column in frame.columns:
        if str(frame[column].dtype) == "boolean":
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return json.dumps(json.loads(frame.to_json(na="null", drop_id=True)),
                      ensure_ascii=False).encode("utf-8")
