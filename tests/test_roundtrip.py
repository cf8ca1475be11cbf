"""Property-based round trips: a table written the way Dutch users' programs write it reads
back through the project's readers with every cell identical.

"Identical" means after the normalisation textio documents for every format: whitespace
around a cell is removed and a line break inside a cell is ``\\n``; nothing else changes.
Initiative names and descriptions additionally go through the initiatives reader, which
replaces e-mail addresses and phone numbers by ``[verwijderd]`` (privacy); formula-like text
(``=``, ``+``, ``-``, ``@``) comes back as it was and is neutralised only on export.

Examples are derandomised (seeded from the test) so CI is reproducible; to explore new
examples locally set ``WIJKDATA_HYPOTHESIS_RANDOM=1`` (and ``WIJKDATA_HYPOTHESIS_EXAMPLES=2000``
for more of them).
"""
from __future__ import annotations

import csv
import io
import os
import re

import pandas as pd
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from wijkdata.readers import textio
from wijkdata.readers.initiatieven import _EMAIL, _PHONE, VERWIJDERD, read_initiatieven


def _examples(default: int) -> int:
    return int(os.environ.get("WIJKDATA_HYPOTHESIS_EXAMPLES") or default)


ROUNDTRIP = settings(
    max_examples=_examples(150), deadline=None,
    derandomize=os.environ.get("WIJKDATA_HYPOTHESIS_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters Dutch lists contain: separators, quotes, formula starts, HTML, accents, emoji,
# tabs and line breaks. Control characters other than tab and line breaks cannot be stored
# in XLSX and never occur in these files.
SPECIAL = list(";,\"'=+-@|<>&/\\#%.") + ["<b>", "</b>", "&amp;", "\t", "\n", "\r\n", " ",
                                          "\u00a0", "é", "ë", "ï", "ç", "ß", "€", "😀", "👍🏽",
                                          "Ǆ", "ĳ", "NA", "null", "None", "nan", "#N/A"]
_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"))
_PIECE = st.one_of(st.sampled_from(SPECIAL), st.text(_TEXT_CHARS, min_size=1, max_size=6))
# OOXML reads "_x000D_" as a carriage return, as Excel does; openpyxl writes it unescaped.
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
cells = st.lists(_PIECE, max_size=6).map("".join).filter(
    lambda s: not _OOXML_ESCAPE.search(s))
names = cells.filter(lambda s: textio._clean(s) != "")

HEADERS = ["WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3", "Eenzaam_28",
           "SociaalEenzaam_31", "Regioaanduiding/Gemeentenaam (naam)",
           "Bevolking/Aantal inwoners (aantal)", "naam", "Omschrijving", "Wijk", "Buurt (CBS)"]
cbs_cells = st.one_of(
    cells,
    st.sampled_from(["BU03630001  ", "GM0034    ", "    47.1", "       .", ".", "-", "x",
                     "Buurt     ", "2012JJ00", "MW00000", "1.234,5", "52,37", "5-8-2024"]))


def normalise(cell: str) -> str:
    """textio's documented normalisation."""
    return cell.strip().replace("\r\n", "\n").replace("\r", "\n")


def expected_frame(header: list[str], rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    """(index, cells) of the rows that hold a value, as textio returns them."""
    result = []
    for position, row in enumerate(rows):
        cleaned = [normalise(c) for c in row]
        if any(cleaned):
            result.append((position, cleaned))
    return result


# --- the dialects ----------------------------------------------------------------------------

SEPARATORS = [";", ",", "\t", "|"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252"]


@st.composite
def dialects(draw):
    return {"sep": draw(st.sampled_from(SEPARATORS)),
            "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
            "newline": draw(st.sampled_from(["\r\n", "\n"])),
            "encoding": draw(st.sampled_from(ENCODINGS))}


def write_csv(header: list[str], rows: list[list[str]], dialect: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect["sep"], quoting=dialect["quoting"],
                        lineterminator=dialect["newline"], quotechar='"', doublequote=True)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if dialect["encoding"] == "cp1252":
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:
            assume(False)
        # A Windows-1252 file that is also valid UTF-8 is read as UTF-8; only text such as
        # "Ã©" (mojibake itself) does that.
        assume(not _is_utf8(data) or data.isascii())
        return data
    return text.encode(dialect["encoding"])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def write_xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assert_cells(frame: pd.DataFrame, header: list[str], rows: list[list[str]]) -> None:
    expected = expected_frame(header, rows)
    assert list(frame.columns) == header
    assert frame.index.tolist() == [position for position, _ in expected]
    assert frame.values.tolist() == [cleaned for _, cleaned in expected]


# --- CBS / RIVM-like tables of text cells ---------------------------------------------------

@st.composite
def tables(draw):
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=2, max_size=6, unique=True))
    rows = draw(st.lists(st.lists(cbs_cells, min_size=len(header), max_size=len(header)),
                         min_size=1, max_size=8))
    assume(any(normalise(c) for row in rows for c in row))
    return header, rows


# Line breaks inside CSV cells are LF or CR LF, as Excel and every writer quote them; a lone
# CR in an unquoted cell is not something a writer produces (Python's writer does, with an
# LF terminator).
def _no_lone_cr(table) -> bool:
    return all("\r" not in c.replace("\r\n", "") for row in table[1] for c in row)


DUTCH_EXCEL = {"sep": ";", "quoting": csv.QUOTE_MINIMAL, "newline": "\r\n",
               "encoding": "utf-8-sig"}


@ROUNDTRIP
@given(tables().filter(_no_lone_cr), dialects())
# csv.Sniffer took "'" for the quote character here and read one column.
@example((["WijkenEnBuurten", "Gemeentenaam_1"], [["'", "',0"]]), DUTCH_EXCEL)
@example((["naam", "Omschrijving"], [["Zingen op Koningsdag; met soesjes",
                                      '=HYPERLINK("http://example.org","klik")'],
                                     ["Koffie, thee", "52,37"]]), DUTCH_EXCEL)
def test_csv_tables_read_back_cell_for_cell(table, dialect):
    header, rows = table
    data = write_csv(header, rows, dialect)
    assert_cells(textio.read_table(data, "tabel.csv"), header, rows)


@ROUNDTRIP
@given(tables())
def test_xlsx_tables_read_back_cell_for_cell(table):
    header, rows = table
    assert_cells(textio.read_table(write_xlsx(header, rows), "tabel.xlsx"), header, rows)


# --- initiative lists -----------------------------------------------------------------------

@st.composite
def initiatieven(draw):
    count = draw(st.integers(1, 8))
    naam = draw(st.lists(names, min_size=count, max_size=count))
    omschrijving = draw(st.lists(cells, min_size=count, max_size=count))
    # Decimal comma (Dutch Excel) or point, in the Netherlands.
    lat = draw(st.lists(st.integers(51_0000, 53_4000), min_size=count, max_size=count))
    lon = draw(st.lists(st.integers(4_0000, 7_0000), min_size=count, max_size=count))
    return naam, omschrijving, [v / 10_000 for v in lat], [v / 10_000 for v in lon]


def scrubbed(text: str) -> str | None:
    """What the initiatives reader stores for a text cell: personal data replaced."""
    text = normalise(text)
    return _PHONE.sub(VERWIJDERD, _EMAIL.sub(VERWIJDERD, text)) or None


def _as_rows(lijst, decimal: str) -> tuple[list[str], list[list[str]]]:
    naam, omschrijving, lat, lon = lijst
    header = ["Naam initiatief", "Omschrijving", "lat", "lon"]
    rows = [[n, o, f"{a:.4f}".replace(".", decimal), f"{b:.4f}".replace(".", decimal)]
            for n, o, a, b in zip(naam, omschrijving, lat, lon)]
    return header, rows


def assert_initiatieven(result, lijst) -> None:
    naam, omschrijving, lat, lon = lijst
    assert result.rapport.errors == []
    frame = result.frame
    assert frame["naam"].tolist() == [scrubbed(n) for n in naam]
    assert [None if pd.isna(v) else v for v in frame["omschrijving"]] == \
        [scrubbed(o) for o in omschrijving]
    assert frame["lat"].round(4).tolist() == lat
    assert frame["lon"].round(4).tolist() == lon


@settings(ROUNDTRIP, max_examples=_examples(100))
@given(initiatieven(), dialects(), st.sampled_from([",", "."]))
def test_csv_initiatieven_keep_names_and_descriptions(lijst, dialect, decimal):
    header, rows = _as_rows(lijst, decimal)
    assume(_no_lone_cr((header, rows)))
    data = write_csv(header, rows, dialect)
    raw = textio.read_table(data, "initiatieven.csv")
    assert_initiatieven(read_initiatieven(raw, "initiatieven.csv"), lijst)


@settings(ROUNDTRIP, max_examples=_examples(100))
@given(initiatieven())
def test_xlsx_initiatieven_keep_names_and_descriptions(lijst):
    naam, omschrijving, lat, lon = lijst
    header = ["Naam initiatief", "Omschrijving", "lat", "lon"]
    # Coordinates as numbers, as Excel stores them; text starting with '=' becomes a
    # formula without a cached value (openpyxl computes nothing), read back as its text.
    rows = [[n, o, a, b] for n, o, a, b in zip(naam, omschrijving, lat, lon)]
    raw = textio.read_table(write_xlsx(header, rows), "initiatieven.xlsx")
    assert_initiatieven(read_initiatieven(raw, "initiatieven.xlsx"), lijst)
