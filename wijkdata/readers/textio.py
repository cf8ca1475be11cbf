"""Turning the bytes of a CSV, XLSX or JSON export into a frame of text cells.

Dutch files come as ``;``-separated with a decimal comma (Excel set to Dutch) or as
``,``/``.``; in UTF-8 with or without BOM, or Windows-1252. Everything is read as text first
so that each reader can report a bad cell with its spreadsheet row and column instead of
letting pandas guess (and silently turn ``"."`` into a missing value or ``"-"`` into text).
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import numpy as np
import pandas as pd

from ..errors import WijkdataError

# StatLine symbols (CBS "Verklaring van tekens"): '.' unknown/unreliable/secret, 'x' secret
# (older files), '-' and the en dash nil (zero by definition). An empty cell "cannot occur"
# and is missing too. Only the nil symbols mean 0.
MISSING_SYMBOLS = {"", ".", "x", "X", "?", "nan", "NaN", "NA", "null", "None"}
NIL_SYMBOLS = {"-", "\u2013", "\u2014"}
# CBS geo files encode missing or secret values as large negative numbers (-99999999,
# -99997, -99995, ...): anything at or below this is missing, never a number.
CBS_MISSING_THRESHOLD = -99990

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def decode(data: bytes, filename: str = "bestand") -> str:
    """Decode text bytes: UTF-8 (with or without BOM), else Windows-1252."""
    if not data:
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    if b"\x00" in data[:4096]:
        raise WijkdataError(
            f"Het bestand '{filename}' is geen tekstbestand (CSV of JSON); het lijkt binair.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_separator(text: str) -> str:
    """The field separator of a CSV text: ';', ',', tab or '|'."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {sep: header.count(sep) for sep in ";,\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv_text(data: bytes, filename: str = "bestand.csv") -> pd.DataFrame:
    """All cells as stripped text ('' for empty); header from the first line."""
    text = decode(data, filename)
    if not text.strip():
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    sep = sniff_separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_filter=False, skipinitialspace=False, engine="python")
    except (pd.errors.ParserError, csv.Error) as exc:
        raise WijkdataError(f"Het bestand '{filename}' is geen leesbare CSV: {exc}") from None
    return _tidy(frame, filename)


def read_xlsx(data: bytes, filename: str = "bestand.xlsx", sheet: str | int = 0) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=str, header=0,
                              engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise WijkdataError(f"Het bestand '{filename}' is geen leesbaar Excel-bestand "
                            f"(.xlsx): {exc}") from None
    frame = frame.fillna("")
    return _tidy(frame.astype(str), filename)


def read_json_records(data: bytes, filename: str = "bestand.json") -> pd.DataFrame:
    """CBS OData JSON (``{"value": [...]}``) or a plain list of records."""
    text = decode(data, filename)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WijkdataError(f"Het bestand '{filename}' is geen geldige JSON "
                            f"(regel {exc.lineno}, positie {exc.colno}).") from None
    if isinstance(payload, dict) and isinstance(payload.get("value"), list):
        payload = payload["value"]
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise WijkdataError(f"Het bestand '{filename}' bevat geen tabel: verwacht een lijst "
                            "met records of een CBS OData-antwoord met 'value'.")
    frame = pd.DataFrame.from_records(payload)
    frame = frame.map(lambda v: "" if v is None else str(v))
    return _tidy(frame, filename)


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read CSV, TXT, XLSX or JSON bytes by extension (content sniffed when unclear)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return read_xlsx(data, filename)
    if name.endswith(".json") or data.lstrip()[:1] in (b"{", b"["):
        return read_json_records(data, filename)
    return read_csv_text(data, filename)


def _tidy(frame: pd.DataFrame, filename: str) -> pd.DataFrame:
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.astype(object).map(lambda v: str(v).strip())
    # Excel often leaves rows that are empty in every column at the end.
    empty = (frame == "").all(axis=1)
    frame = frame.loc[~empty]
    if frame.empty:
        raise WijkdataError(f"Het bestand '{filename}' bevat geen gegevensrijen, "
                            "alleen een kopregel.")
    return frame


def spreadsheet_row(index) -> int:
    """The row number a spreadsheet shows for a data row with 0-based position ``index``:
    the header is row 1, so the first data row is row 2."""
    return int(index) + 2


def parse_number(text: str) -> float | None:
    """One cell as a number: ``12,5`` ``12.5`` ``1.234,5`` ``1,234.5`` ``-`` (0).

    Returns NaN for a missing value (StatLine symbol, empty, CBS negative code) and None when
    the cell is not a number at all.
    """
    value = str(text).strip().rstrip("*").strip()
    if value in MISSING_SYMBOLS:
        return np.nan
    if value in NIL_SYMBOLS:
        return 0.0
    value = value.replace("\u00a0", "").replace(" ", "").replace("%", "")
    if "," in value and "." in value:
        # The separator that comes last is the decimal mark.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    elif value.count(".") > 1:
        value = value.replace(".", "")     # 1.234.567 with dots as thousands
    if not _NUMBER.match(value):
        return None
    number = float(value)
    if number <= CBS_MISSING_THRESHOLD:
        return np.nan
    return number


def parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column: (floats with NaN for missing, mask of cells that are not numbers)."""
    # Series.map would turn parse_number's None ("not a number") into NaN ("missing"),
    # so the two are told apart on a plain list first.
    parsed = [parse_number(v) for v in cells]
    bad = pd.Series([v is None for v in parsed], index=cells.index)
    values = pd.Series([np.nan if v is None else v for v in parsed], index=cells.index,
                       dtype=float)
    return values, bad


def stem(column: str) -> str:
    """A CBS OData column name without its numeric suffix, which changes between years
    (``HuishoudensTotaal_28`` in 2021, ``HuishoudensTotaal_29`` in 2024)."""
    return re.sub(r"_\d+$", "", column.strip())


def normalise_header(header: str) -> str:
    """Lower-case, accents and punctuation folded: for matching header variants."""
    import unicodedata
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return text
