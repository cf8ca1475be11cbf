"""Turning the bytes of a CSV, XLSX or JSON export into a frame of text cells.

Dutch files come as ``;``-separated with a decimal comma (Excel set to Dutch) or as
``,``/``.``; in UTF-8 with or without BOM, or Windows-1252. Everything is read as text first
so that each reader can report a bad cell with its spreadsheet row and column instead of
letting pandas guess (and silently turn ``"."`` or ``"NA"`` into a missing value, or
``1745`` into ``1745.0``).

What every reader here returns, whatever the format:

- one column per header cell, each cell a ``str``; an empty cell is ``""``. No text is ever
  turned into a missing value (``NA``, ``null``, ``None``, ``nan``, ``#N/A`` stay text); the
  readers of each kind decide what a cell means.
- normalisation, the same for every format: whitespace around a cell is removed (spaces,
  tabs, line breaks, non-breaking spaces); text inside a cell is kept exactly, except that a
  line break inside a cell is always ``\\n`` (Excel stores Alt+Enter as LF; CSV writers and
  XML parsers differ on CR LF).
- the index is the spreadsheet row minus 2 (header on row 1: the first data row has index 0,
  see :func:`spreadsheet_row`); rows that are empty in every column are left out, so the
  index can have gaps.
- an empty header becomes ``kolom D`` (its spreadsheet letter), a repeated header
  ``naam (2)``; a column with neither header nor any value (trailing separators) is dropped.
- XLSX: a number cell as the shortest text that gives the same number (``1745``, ``52.37``;
  at most the 15 significant digits Excel shows), a date cell as ``2024-08-05`` (with
  `` 14:30:00`` when it has a time), a formula its cached value, or its formula text
  (``=A1+1``) when the file holds no cached value (export neutralises such text).

A file is parsed once per check: :func:`read_table` remembers the last few tables it read,
keyed on the bytes, so recognising a file and then reading it costs one parse.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import math
import re
import threading
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import OrderedDict

import numpy as np
import pandas as pd

from wijkdata.errors import Probleem, WijkdataError

log = logging.getLogger(__name__)

# StatLine symbols (CBS "Verklaring van tekens"): '.' unknown/unreliable/secret, 'x' secret
# (older files), '-' and the en dash nil (zero by definition). An empty cell "cannot occur"
# and is missing too. Only the nil symbols mean 0. Used for number cells only: in a text
# column these are ordinary text.
MISSING_SYMBOLS = {"", ".", "x", "X", "?", "nan", "NaN", "NA", "null", "None"}
NIL_SYMBOLS = {"-", "\u2013", "\u2014"}
# CBS geo files encode missing or secret values as large negative numbers (-99999999,
# -99997, -99995, ...): anything at or below this is missing, never a number.
CBS_MISSING_THRESHOLD = -99990

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")

# The separators Dutch users' files come with, in order of preference when a file is
# ambiguous (Dutch Excel writes ';').
SEPARATORS = (";", ",", "\t", "|")
# Characters of the file used to choose the separator: enough records to see the field
# count settle, little enough to take milliseconds.
_SAMPLE_CHARS = 64_000
_SEPARATOR_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}
_CSV_ADVICE = ("Open het bestand in Excel en sla het opnieuw op als 'CSV (gescheiden door "
               "lijstscheidingsteken)', of lever het aan als Excel-werkmap (.xlsx).")
_XLSX_ADVICE = "Open het in Excel en sla het opnieuw op als Excel-werkmap (.xlsx)."
# An OLE2 compound file: an old .xls workbook, or an .xlsx protected with a password.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def decode(data: bytes, filename: str = "bestand") -> str:
    """Decode text bytes: UTF-16 with BOM (Excel's "Unicode-tekst"), UTF-8 (with or without
    BOM), else Windows-1252."""
    if not data:
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise WijkdataError(
                f"Het bestand '{filename}' begint als UTF-16-tekst maar is beschadigd. "
                f"{_CSV_ADVICE}") from None
    if data.startswith(_OLE_MAGIC):
        raise _old_excel(filename)
    if b"\x00" in data[:4096]:
        raise WijkdataError(
            f"Het bestand '{filename}' is geen tekstbestand (CSV of JSON); het lijkt binair.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _old_excel(filename: str) -> WijkdataError:
    return WijkdataError(
        f"'{filename}' is een oud Excel-bestand (.xls) of een Excel-bestand met een "
        "wachtwoord. Open het in Excel, haal een eventueel wachtwoord weg en sla het op als "
        "Excel-werkmap (.xlsx).")


# --- CSV ---------------------------------------------------------------------------------

def detect_separator(text: str) -> str:
    """The field separator of a CSV text: ``;``, ``,``, tab or ``|``.

    Each candidate parses a sample (the first ~64,000 characters, cut at a record boundary)
    with the csv module, so separators, doubled quotes and line breaks inside quoted cells
    count as text. The right separator gives more than one field in the header and the same
    field count in (nearly) every record, with every quoted cell closed properly. Ranked by:
    header fields > 1, share of records with the header's field count, parsed without a
    quoting error, fewest quote characters left inside cells (a wrong separator cuts quoted
    cells open), most fields, then the order of :data:`SEPARATORS`.
    """
    sample = _sample(text)
    scored = [(_separator_score(sample, sep), -order, sep)
              for order, sep in enumerate(SEPARATORS)]
    return max(scored)[2]


def _sample(text: str) -> str:
    """The start of ``text`` up to a record boundary: the last line break before
    :data:`_SAMPLE_CHARS` outside quotes (an even number of quote characters before it; a
    doubled quote counts twice, so this holds whatever the separator). The whole text when
    it is short or no such boundary exists (an unclosed quote early on)."""
    if len(text) <= _SAMPLE_CHARS:
        return text
    window = text[:_SAMPLE_CHARS]
    quotes = window.count('"')
    end = len(window)
    while (newline := window.rfind("\n", 0, end)) >= 0:
        quotes -= window.count('"', newline, end)
        if quotes % 2 == 0:
            return window[:newline + 1]
        end = newline
    return text


def _separator_score(sample: str, sep: str) -> tuple:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep, quotechar='"',
                        doublequote=True, strict=True)
    counts: list[tuple[int, int]] = []
    leaks = 0
    clean = True
    try:
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            counts.append((len(record), _trimmed_length(record)))
            leaks += sum('"' in field for field in record)
    except csv.Error:
        clean = False
    if not counts:
        return (False, 0.0, clean, 0, 0)
    header = counts[0][0]
    rest = counts[1:]
    # A record fits when it has the header's field count, allowing for empty fields that
    # some writers add or leave out at the end of a line.
    fitting = sum(1 for raw, trimmed in rest if trimmed <= header <= raw)
    share = fitting / len(rest) if rest else 1.0
    return (header > 1, round(share, 2), clean, -leaks, header)


def _trimmed_length(record: list[str]) -> int:
    length = len(record)
    while length and not record[length - 1].strip():
        length -= 1
    return length


def read_csv_text(data: bytes, filename: str = "bestand.csv") -> pd.DataFrame:
    """All cells as text (see the module docstring); header from the first non-empty line.

    Raises :class:`WijkdataError` naming the line (``regel``, as a text editor counts) of a
    quote that is not closed, or of lines with more filled fields than the header.
    """
    text = decode(data, filename)
    if not text.strip():
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    sep = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"',
                        doublequote=True, strict=True)
    records: list[list[str]] = []
    starts: list[int] = []          # the line on which each record starts
    start = 1
    try:
        for record in reader:
            records.append(record)
            starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _csv_error(filename, str(exc), start, reader.line_num, sep) from None

    header_at = next((i for i, r in enumerate(records) if any(f.strip() for f in r)), None)
    if header_at is None:
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    header = [_clean(f) for f in records[header_at]]
    width = len(header)
    rows, index, too_long = [], [], []
    # Only a quoted cell can hold a line break; without quotes or CRs plain strip suffices.
    breaks = '"' in text and "\r" in text
    for position in range(header_at + 1, len(records)):
        record = records[position]
        if len(record) > width:
            if _trimmed_length(record) > width:
                too_long.append((starts[position], _trimmed_length(record)))
                continue
            record = record[:width]
        if breaks:
            rows.append([_clean(f) if "\r" in f else f.strip() for f in record])
        else:
            rows.append([f.strip() for f in record])
        # Excel shows each record on one row, the header on row header_at + 1.
        index.append(position - 1)
    if too_long:
        raise _too_many_fields(filename, too_long, width, sep)
    return _frame(header, rows, index, filename)


def _csv_error(filename: str, message: str, start: int, line: int,
               sep: str) -> WijkdataError:
    if "expected after" in message:
        return WijkdataError(
            f"'{filename}' is geen leesbare CSV: regel {line}: na een aanhalingsteken (\") dat "
            f"een cel afsluit staat nog tekst vóór de volgende {_SEPARATOR_NAMES[sep]}. Zet "
            "een aanhalingsteken binnen een cel dubbel (\"\") en de hele cel tussen "
            f"aanhalingstekens. {_CSV_ADVICE}")
    if "end of data" in message or "field larger than field limit" in message:
        return WijkdataError(
            f"'{filename}' is geen leesbare CSV: regel {start}: er staat een aanhalingsteken "
            "(\") dat niet wordt afgesloten, zodat de rest van het bestand in één cel zou "
            "vallen. Sluit de cel af met een aanhalingsteken, of zet een aanhalingsteken "
            f"binnen een cel dubbel (\"\"). {_CSV_ADVICE}")
    log.warning("csv error not translated: %s", message)
    return WijkdataError(f"'{filename}' is geen leesbare CSV: regel {line} is niet te lezen. "
                         f"{_CSV_ADVICE}")


def _too_many_fields(filename: str, lines: list[tuple[int, int]], width: int,
                     sep: str) -> WijkdataError:
    name = _SEPARATOR_NAMES[sep]
    problems = [Probleem(f"regel {line}: {count} gevulde velden, de kopregel heeft er {width}")
                for line, count in lines]
    return WijkdataError(
        f"'{filename}' is geen leesbare CSV: {len(lines)} regel(s) hebben meer velden dan de "
        f"kopregel (eerste: regel {lines[0][0]}). Waarschijnlijk staat er een {name} in een "
        "cel zonder aanhalingstekens eromheen: zet zo'n cel tussen aanhalingstekens. "
        f"{_CSV_ADVICE}", problems=problems)


def _clean(cell: str) -> str:
    """The documented normalisation of one cell: outer whitespace off, line breaks LF."""
    cell = cell.strip()
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell


# --- XLSX --------------------------------------------------------------------------------

# Built-in number formats that show a date or time (ECMA-376 18.8.30; 27-36 and 50-58 are
# the East Asian date formats).
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} \
    | set(range(50, 59))
_BUILTIN_TIME_FORMATS = {18, 19, 20, 21, 45, 46, 47}
# Excel's largest sheet (1,048,576 rows x 16,384 columns) never needs this much XML for the
# tables read here; national CBS and RIVM tables are a few hundred MB at most.
_MAX_SHEET_BYTES = 4 * 1024**3
# Parts of a number format that are not format codes: quoted text, an escaped character,
# padding (_x, *x), brackets ([Red], [$-413], [h]); and the elapsed-time brackets.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|general', re.IGNORECASE)
_ELAPSED_TIME = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Everything a damaged or foreign file can make the zip and XML layers raise.
_XLSX_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ET.ParseError,
                KeyError, IndexError, ValueError, EOFError, OSError, NotImplementedError,
                RuntimeError, OverflowError)


def read_xlsx(data: bytes, filename: str = "bestand.xlsx", sheet: str | int = 0) -> pd.DataFrame:
    """One sheet (the first, or by name) as text cells (see the module docstring).

    Streams the sheet's XML: only rows that hold a value cost time and memory, so a stray
    cell on row 1,048,576 is cheap. Raises :class:`WijkdataError` for a damaged file, an old
    ``.xls`` or a sheet that does not exist.
    """
    if data.startswith(_OLE_MAGIC):
        raise _old_excel(filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name, header, rows, index = _Workbook(archive, filename).read_sheet(sheet)
    except WijkdataError:
        raise
    except _XLSX_ERRORS as exc:
        log.info("unreadable xlsx %s: %r", filename, exc)
        raise WijkdataError(
            f"'{filename}' is beschadigd of geen Excel-bestand: {_xlsx_reason(exc)}. "
            f"{_XLSX_ADVICE}") from None
    frame = _frame(header, rows, index, filename)
    # CBS names the sheet of its Excel edition after the year ('kwb-2023'): the tabellen
    # reader takes the year from here when the file name does not give it.
    frame.attrs["sheet"] = name
    return frame


def _xlsx_reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "het is geen volledig zip-archief (een .xlsx is een zip-bestand)"
    if isinstance(exc, RuntimeError | NotImplementedError):
        return "het archief is versleuteld of op een onbekende manier ingepakt"
    if isinstance(exc, KeyError):
        return "een onderdeel van de werkmap ontbreekt"
    if isinstance(exc, ET.ParseError | zlib.error):
        return "een onderdeel van de werkmap is geen leesbare XML"
    return "een cel of onderdeel heeft een ongeldige waarde"


class _Workbook:
    """The parts of an XLSX workbook needed to read one sheet's cells as text."""

    def __init__(self, archive: zipfile.ZipFile, filename: str):
        self.archive = archive
        self.filename = filename
        names = set(archive.namelist())
        book_path = self._office_document(names)
        if book_path not in names:
            raise WijkdataError(
                f"'{filename}' is een zip-bestand maar geen Excel-werkmap (er staat geen "
                "werkmap in). Lever een .xlsx, .csv of .json aan.")
        book = ET.fromstring(archive.read(book_path))
        ns = _namespace(book.tag)
        props = book.find(f"{ns}workbookPr")
        date1904 = props is not None and props.get("date1904", "") in ("1", "true")
        # Excel for Mac used to count days from 1904 (openpyxl's MAC_EPOCH).
        self.epoch = dt.datetime(1904, 1, 1) if date1904 else None
        rels = self._relationships(book_path, names)
        self.sheets: list[tuple[str, str]] = []
        rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
        strict_rel_ns = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"
        for element in book.iter(f"{ns}sheet"):
            rid = element.get(f"{rel_ns}id") or element.get(f"{strict_rel_ns}id")
            target = rels.get(rid, ("", ""))[1]
            self.sheets.append((element.get("name", ""), target))
        by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
        self.strings = self._shared_strings(by_type.get("sharedStrings"), names)
        self.date_styles = self._date_styles(by_type.get("styles"), names)

    def _office_document(self, names: set[str]) -> str:
        """The workbook part named by the package's relationships (``xl/workbook.xml``)."""
        for kind, path in self._relationships("", names).values():
            if kind.endswith("/officeDocument"):
                return path
        return "xl/workbook.xml"

    def _relationships(self, part: str, names: set[str]) -> dict[str, tuple[str, str]]:
        """Id → (type, part path) of a part's relationships."""
        folder, _, base = part.rpartition("/")
        rels_path = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        if not part:
            rels_path = "_rels/.rels"
        if rels_path not in names:
            return {}
        result = {}
        for element in ET.fromstring(self.archive.read(rels_path)):
            target = element.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = "/".join(p for p in (folder, target) if p)
            result[element.get("Id")] = (element.get("Type", ""), _normpath(path))
        return result

    def _shared_strings(self, path: str | None, names: set[str]) -> list[str]:
        if not path or path not in names:
            return []
        strings = []
        with self.archive.open(path) as stream:
            for _, element in ET.iterparse(stream):
                if element.tag.endswith("}si"):
                    strings.append(_clean(_string_item(element, element.tag[:-2])))
                    element.clear()
        return strings

    def _date_styles(self, path: str | None, names: set[str]) -> dict[int, bool]:
        """Cell styles (index of the ``s`` attribute) whose number format shows a date or a
        time: style → True for a time of day only."""
        if not path or path not in names:
            return {}
        styles = ET.fromstring(self.archive.read(path))
        ns = _namespace(styles.tag)
        formats = {}
        for element in styles.iter(f"{ns}numFmt"):
            formats[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
        cell_xfs = styles.find(f"{ns}cellXfs")
        dates = {}
        for position, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            number_format = int(xf.get("numFmtId", "0"))
            if number_format in formats:
                kind = _date_format(formats[number_format])
                if kind is not None:
                    dates[position] = kind
            elif number_format in _BUILTIN_DATE_FORMATS:
                dates[position] = number_format in _BUILTIN_TIME_FORMATS
        return dates

    def read_sheet(self, sheet: str | int) -> tuple[str, list[str], list[list[str]], list[int]]:
        """(sheet name, header, data rows, index) of one sheet; rows empty in every column
        left out."""
        names = [name for name, _ in self.sheets]
        if isinstance(sheet, int):
            if not 0 <= sheet < len(self.sheets):
                raise WijkdataError(f"'{self.filename}' heeft geen werkblad nummer {sheet + 1} "
                                    f"(wel: {', '.join(names) or 'geen enkel werkblad'}).")
            name, path = self.sheets[sheet]
        else:
            if sheet not in names:
                raise WijkdataError(f"'{self.filename}' heeft geen werkblad '{sheet}' (wel: "
                                    f"{', '.join(names)}).")
            name, path = self.sheets[names.index(sheet)]
        # The declared size bounds what the zip module will inflate: a small file that
        # unpacks to gigabytes (a zip bomb) is refused before any work.
        if self.archive.getinfo(path).file_size > _MAX_SHEET_BYTES:
            raise WijkdataError(f"Het werkblad '{name}' in '{self.filename}' is uitgepakt groter "
                                f"dan {_MAX_SHEET_BYTES // 1024**3} GB; dat kan dit programma "
                                "niet lezen. Lever een kleiner deel aan, of een CSV.")
        with self.archive.open(path) as stream:
            found = list(_SheetReader(self).rows(stream))
        if not found:
            raise WijkdataError(f"Het bestand '{self.filename}' bevat geen gegevens: het "
                                f"werkblad '{name}' is leeg.")
        used = sorted({column for _, cells in found for column, _ in cells})
        position = {column: i for i, column in enumerate(used)}
        _, header_cells = found[0]
        # Every used column holds a value somewhere, so an empty header gets its letter.
        header = [f"kolom {_column_letter(column)}" for column in used]
        for column, text in header_cells:
            header[position[column]] = text
        rows, index = [], []
        for number, cells in found[1:]:
            row = [""] * len(used)
            for column, text in cells:
                row[position[column]] = text
            rows.append(row)
            index.append(number - 2)
        return name, header, rows, index


class _SheetReader:
    """Streams the rows of one worksheet's XML, yielding only rows that hold a value."""

    def __init__(self, book: _Workbook):
        self.book = book
        self.shared_formulas: dict[str, tuple[str, str]] = {}
        self.columns: dict[str, int] = {}

    def rows(self, stream):
        """(row number, [(0-based column, text), ...]) for each row with a filled cell."""
        row_tag = None
        last_row = 0
        for _, element in ET.iterparse(stream):
            if row_tag is None:
                ns = _namespace(element.tag)
                row_tag = f"{ns}row"
                self.ns, self.v, self.f, self.inline = ns, f"{ns}v", f"{ns}f", f"{ns}is"
                self.t = f"{ns}t"
            if element.tag != row_tag:
                continue
            number = element.get("r")
            last_row = int(number) if number else last_row + 1
            cells = []
            last_column = -1
            for cell in element:
                ref = cell.get("r")
                last_column = self._column(ref) if ref else last_column + 1
                text = self._text(cell, ref)
                if text:
                    cells.append((last_column, text))
            # Cleared rows stay behind as empty elements: a few dozen bytes per row.
            element.clear()
            if cells:
                yield last_row, cells

    def _column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is None:
            column = 0
            for char in letters.upper():
                if not "A" <= char <= "Z":
                    raise ValueError(f"cell reference {ref!r}")
                column = column * 26 + ord(char) - 64
            column -= 1
            self.columns[letters] = column
        return column

    def _text(self, cell, ref: str | None) -> str:
        """One cell as text: its value, or its formula when no value was cached."""
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(self.inline)
            if inline is None:
                return ""
            if len(inline) == 1 and inline[0].tag == self.t:      # plain text, no runs
                return _clean(_unescape(inline[0].text or ""))
            return _clean(_string_item(inline, self.ns))
        value = cell.find(self.v)
        if value is None:
            raw = None
        else:
            raw = value.text or ""
        formula = cell.find(self.f)
        if formula is not None:
            self._remember_shared(formula, ref)
            # openpyxl writes an empty <v/> for a formula without a cached value; a cached
            # empty text has t="str".
            if raw is None or (raw == "" and kind != "str"):
                return _clean(self._formula_text(formula, ref))
        if not raw:
            return ""
        if kind == "s":
            return self.book.strings[int(raw)]
        if kind in ("str", "e", "d"):
            return _clean(_unescape(raw))
        if kind == "b":
            return "WAAR" if raw.strip() in ("1", "true") else "ONWAAR"
        if not raw.strip():
            return ""
        number = float(raw)
        if not math.isfinite(number):
            return ""       # "nan"/"inf" is no Excel number; a program meant an empty cell
        style = cell.get("s")
        if style is not None:
            time_only = self.book.date_styles.get(int(style))
            if time_only is not None:
                return _date_text(number, self.book.epoch, time_only)
        return number_text(number)

    def _remember_shared(self, formula, ref: str | None) -> None:
        if formula.get("t") == "shared" and formula.text and ref:
            self.shared_formulas[formula.get("si", "")] = (formula.text, ref)

    def _formula_text(self, formula, ref: str | None) -> str:
        if formula.text:
            return "=" + formula.text
        master = self.shared_formulas.get(formula.get("si", ""))
        if master is None or ref is None:
            return ""
        text, origin = master
        from openpyxl.formula.translate import Translator
        try:
            return Translator("=" + text, origin=origin).translate_formula(ref)
        except Exception:     # noqa: BLE001 - a formula openpyxl cannot shift: show the source
            return "=" + text


def _date_format(code: str) -> bool | None:
    """Whether an Excel number format shows a date (False), only a time (True) or neither
    (None). Only the first section counts (positive numbers); quoted text, escaped
    characters and bracketed parts (colours, locales such as ``[$-413]``) are not codes,
    except elapsed time (``[h]:mm``). ``m`` is minutes next to ``h`` or ``s``, else months.

    >>> _date_format("d-m-yyyy"), _date_format("h:mm"), _date_format("#.##0,00")
    (False, True, None)
    """
    first = code.split(";")[0]
    elapsed = _ELAPSED_TIME.search(first) is not None
    plain = _FORMAT_NOISE.sub("", first).lower()
    if "d" in plain or "y" in plain:
        return False
    if elapsed or "h" in plain or "s" in plain:
        return True
    return False if "m" in plain else None


def _namespace(tag: str) -> str:
    return tag[:tag.index("}") + 1] if tag.startswith("{") else ""


def _normpath(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _string_item(element, ns: str) -> str:
    """The text of a shared string or inline string: plain ``<t>`` or rich-text runs
    ``<r><t>``; phonetic hints (``<rPh>``) are not part of the text."""
    parts = []
    for child in element:
        if child.tag == f"{ns}t":
            parts.append(child.text or "")
        elif child.tag == f"{ns}r":
            run = child.find(f"{ns}t")
            if run is not None:
                parts.append(run.text or "")
    return _unescape("".join(parts))


def _unescape(text: str) -> str:
    """OOXML stores control characters as ``_xHHHH_`` (``_x000D_`` for CR) and a literal
    ``_x`` as ``_x005F_x``; Excel shows the characters."""
    if "_x" not in text:
        return text
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _column_letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def number_text(number: float) -> str:
    """A spreadsheet number as text that reads back as the same number: integers without
    ``.0``; otherwise the shortest form, cut to the 15 significant digits Excel shows
    (``0.30000000000000004`` → ``0.3``).

    >>> number_text(1745.0), number_text(52.37), number_text(0.1 + 0.2)
    ('1745', '52.37', '0.3')
    """
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = repr(number)
    digits = len(text.split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
    if digits > 15:
        text = f"{number:.15g}"
    return text


def _date_text(serial: float, epoch: dt.datetime | None, time_only: bool) -> str:
    """An Excel date serial as ``2024-08-05``, ``2024-08-05 14:30:00`` with a time, or
    ``14:30:00`` for a time format; a number no date can have stays a number.

    Serials count days from 1899-12-30 (1900 system; Excel's non-existent 29 February 1900
    makes serials below 61 one day off, corrected here) or from 1904-01-01; the fraction is
    the time of day, rounded to the second.
    """
    seconds = round(serial * 86_400)
    if time_only:
        return (dt.datetime.min + dt.timedelta(seconds=seconds % 86_400)).time().isoformat()
    base = epoch or dt.datetime(1899, 12, 30)
    if epoch is None and serial < 61:
        if serial < 1:
            return number_text(serial)      # Excel shows "0-1-1900": no date
        base = dt.datetime(1899, 12, 31)
    try:
        value = base + dt.timedelta(seconds=seconds)
    except OverflowError:
        return number_text(serial)
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(sep=" ")


# --- JSON --------------------------------------------------------------------------------

def read_json_records(data: bytes, filename: str = "bestand.json") -> pd.DataFrame:
    """CBS OData JSON (``{"value": [...]}``) or a plain list of records, as text cells.

    ``null`` and a missing key are empty cells; numbers as in :func:`number_text`; ``true``
    and ``false`` as text; a nested list or object as its JSON text.
    """
    text = decode(data, filename)
    try:
        # NaN and Infinity are not JSON; some writers emit them for a missing value.
        payload = json.loads(text, parse_constant=lambda _: None)
    except json.JSONDecodeError as exc:
        raise WijkdataError(f"Het bestand '{filename}' is geen geldige JSON "
                            f"(regel {exc.lineno}, positie {exc.colno}).") from None
    except RecursionError:
        raise WijkdataError(f"Het bestand '{filename}' is geen tabel: de JSON is te diep "
                            "genest.") from None
    if isinstance(payload, dict) and isinstance(payload.get("value"), list):
        payload = payload["value"]
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise WijkdataError(f"Het bestand '{filename}' bevat geen tabel: verwacht een lijst "
                            "met records of een CBS OData-antwoord met 'value'.")
    if not payload:
        raise WijkdataError(f"Het bestand '{filename}' bevat geen gegevensrijen.")
    keys: dict[str, None] = {}
    for record in payload:
        keys.update(dict.fromkeys(record))
    header = [_clean(str(key)) for key in keys]
    rows = [[_json_text(record.get(key)) for key in keys] for record in payload]
    return _frame(header, rows, list(range(len(rows))), filename)


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value) if np.isfinite(value) else ""
    if isinstance(value, int | str):
        return _clean(str(value))
    return json.dumps(value, ensure_ascii=False)


# --- any table -----------------------------------------------------------------------------

_MEMO_ENTRIES = 4
_MEMO_CELLS = 20_000_000      # about 1 GB of short strings at most, across the entries
_memo: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_memo_lock = threading.Lock()


def read_table(data: bytes, filename: str, sheet: str | int = 0) -> pd.DataFrame:
    """Read CSV, TXT, XLSX or JSON bytes by extension (content sniffed when unclear).

    The last few tables read are remembered, keyed on the SHA-256 of the bytes, the file
    name and the sheet: recognising a file and then reading it parse it once. Each call
    returns its own copy, so a caller may change it.
    """
    key = (hashlib.sha256(data).digest(), filename, sheet)
    with _memo_lock:
        frame = _memo.get(key)
        if frame is not None:
            _memo.move_to_end(key)
            return frame.copy()
    frame = _read_table(data, filename, sheet)
    with _memo_lock:
        _memo[key] = frame
        while len(_memo) > _MEMO_ENTRIES or (
                len(_memo) > 1 and sum(f.size for f in _memo.values()) > _MEMO_CELLS):
            _memo.popitem(last=False)
    return frame.copy()


def _read_table(data: bytes, filename: str, sheet: str | int) -> pd.DataFrame:
    name = filename.lower()
    try:
        if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04" \
                or data.startswith(_OLE_MAGIC):
            return read_xlsx(data, filename, sheet)
        if name.endswith(".json") or data.lstrip()[:1] in (b"{", b"["):
            return read_json_records(data, filename)
        return read_csv_text(data, filename)
    except WijkdataError:
        raise
    except MemoryError:
        raise WijkdataError(f"Het bestand '{filename}' is te groot om in het geheugen te "
                            "lezen. Lever een kleiner deel aan.") from None
    except Exception:
        # A bug of ours, not the user's file: keep the traceback for us, tell the user.
        log.exception("reading %s failed", filename)
        raise WijkdataError(f"Het bestand '{filename}' kon door een fout in dit programma niet "
                            "gelezen worden. Probeer het opnieuw op te slaan als .xlsx of "
                            ".csv; meld het als het blijft gebeuren.") from None


def _frame(header: list[str], rows: list[list[str]], index: list[int],
           filename: str) -> pd.DataFrame:
    """A frame of text cells from a header and equally long (or shorter) rows: names made
    unique, empty unnamed columns dropped, rows empty in every column left out."""
    width = len(header)
    filled = [i for i, row in enumerate(rows) if any(row)]
    if not filled:
        raise WijkdataError(f"Het bestand '{filename}' bevat geen gegevensrijen, "
                            "alleen een kopregel.")
    rows = [rows[i] for i in filled]
    index = [index[i] for i in filled]
    short = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
    columns = list(zip(*short)) if short else [()] * width
    names: list[str] = []
    keep: list[int] = []
    taken: set[str] = set()
    for c, name in enumerate(header):
        name = name.lstrip("\ufeff").strip()
        if not name:
            if not any(columns[c]):
                continue
            name = f"kolom {_column_letter(c)}"
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name} ({n})"
        taken.add(unique)
        names.append(unique)
        keep.append(c)
    frame = pd.DataFrame({n: pd.Series(list(columns[c]), dtype=object)
                          for n, c in zip(names, keep)})
    frame.index = pd.Index(index, dtype="int64")
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
