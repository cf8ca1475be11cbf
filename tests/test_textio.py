import csv
import functools
import io
import zipfile

import numpy as np
import pytest

from wijkdata.errors import WijkdataError
from wijkdata.readers import textio


@pytest.mark.parametrize("cell, expected", [
    ("12,5", 12.5), ("12.5", 12.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("-", 0.0), ("\u2013", 0.0), ("3*", 3.0), ("-3,2", -3.2), ("1.234.567", 1234567.0),
])
def test_numbers_in_dutch_and_english_notation(cell, expected):
    assert textio.parse_number(cell) == expected


@pytest.mark.parametrize("cell", [".", "x", "", "-99997", "-99999999"])
def test_statline_symbols_and_cbs_codes_are_missing_never_zero(cell):
    assert np.isnan(textio.parse_number(cell))


def test_text_that_is_no_number_is_flagged():
    assert textio.parse_number("twaalf") is None


@pytest.mark.parametrize("data", [
    b"naam;aantal\nKoffietafel;12,5\n",
    "\ufeffnaam;aantal\nKoffietafel;12,5\n".encode("utf-8"),
    b"naam,aantal\nKoffietafel,12.5\n",
    "naam;aantal\nKoffietafel;12,5\n".encode("cp1252"),
])
def test_separator_bom_and_encoding_are_recognised(data):
    frame = textio.read_csv_text(data, "lijst.csv")
    assert list(frame.columns) == ["naam", "aantal"]
    assert textio.parse_number(frame["aantal"].iloc[0]) == 12.5


def test_windows_1252_names_survive():
    frame = textio.read_csv_text("naam;x\nCafé Tëst;1\n".encode("cp1252"), "l.csv")
    assert frame["naam"].iloc[0] == "Café Tëst"


@pytest.mark.parametrize("data, message", [
    (b"", "is leeg"),
    (b"naam;aantal\n", "geen gegevensrijen"),
    (b"\x00\x01\x02binary", "binair"),
    (b"{not json", "geen geldige JSON"),
])
def test_unreadable_files_give_a_dutch_message(data, message):
    with pytest.raises(WijkdataError, match=message):
        textio.read_table(data, "bestand.json" if data.startswith(b"{") else "bestand.csv")


def test_stem_drops_the_changing_cbs_suffix():
    assert textio.stem("HuishoudensTotaal_28") == textio.stem("HuishoudensTotaal_29")


def test_parse_numbers_tells_missing_from_not_a_number():
    import pandas as pd
    values, bad = textio.parse_numbers(pd.Series(["12,5", ".", "abc", "-"]))
    assert bad.tolist() == [False, False, True, False]
    assert values.iloc[0] == 12.5 and values.iloc[3] == 0.0
    assert values.iloc[1:3].isna().all()


# --- CSV: one separator detection that respects quoting --------------------------------------

DUTCH_EXCEL_LIST = (
    '\ufeffnaam;omschrijving;lat;lon;startdatum\r\n'
    '"Zingen op Koningsdag; met soesjes";"=HYPERLINK(""http://example.org"",""klik"")";'
    '52,37;4,89;5-8-2024\r\n'
    'Koffietafel;"Elke dinsdag\nkoffie; thee";52,1552;5,3872;1-3-2024\r\n').encode("utf-8")


def test_a_dutch_excel_list_reads_cell_for_cell():
    frame = textio.read_table(DUTCH_EXCEL_LIST, "lijst.csv")
    assert list(frame.columns) == ["naam", "omschrijving", "lat", "lon", "startdatum"]
    assert frame.values.tolist() == [
        ["Zingen op Koningsdag; met soesjes", '=HYPERLINK("http://example.org","klik")',
         "52,37", "4,89", "5-8-2024"],
        ["Koffietafel", "Elke dinsdag\nkoffie; thee", "52,1552", "5,3872", "1-3-2024"]]
    assert frame.index.tolist() == [0, 1]


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_the_separator_is_the_one_that_gives_a_constant_field_count(sep):
    # Every cell holds the other separators, quoted where the writer had to.
    others = "".join(s for s in ";,\t|" if s != sep)
    rows = [["naam", "omschrijving", "x"], [f'a{others}b', f'"c"{others}d', "1,5"],
            [f'-{others}-', 'd "e"', "2.5"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    assert textio.detect_separator(text) == sep
    assert textio.read_csv_text(text.encode("utf-8"), "t.csv").values.tolist() == rows[1:]


def test_separator_detection_cuts_a_long_sample_at_a_record_boundary():
    # A quoted cell with line breaks and separators straddles the sample's end.
    cell = '"' + "regel; met, alles\n" * 50 + '"'
    text = "naam;omschrijving\r\n" + "".join(f"n{i};{cell}\r\n" for i in range(200))
    assert len(text) > textio._SAMPLE_CHARS
    assert textio.detect_separator(text) == ";"


@pytest.mark.parametrize("text, line, words", [
    ("naam;x\r\n" + "a;1\r\n" * 12 + '"Koffie;1\r\nb;2\r\n', 14,
     "er staat een aanhalingsteken (\") dat niet wordt afgesloten"),
    ("naam;x\r\na;1\r\n\"Koffie\" bij Jan;2\r\n", 3, "na een aanhalingsteken"),
    ("naam;x\r\na;1\r\nb;2;3\r\nc;3\r\n", 3, "meer velden dan de kopregel"),
    # An unclosed quote early in a long file: the rest would be one enormous cell.
    ("naam;x\r\n\"a;1\r\n" + "b;2\r\n" * 40_000, 2, "niet wordt afgesloten"),
])
def test_an_unreadable_csv_names_the_line_in_dutch(text, line, words):
    with pytest.raises(WijkdataError) as caught:
        textio.read_table(text.encode("utf-8"), "lijst.csv")
    message = str(caught.value)
    assert "'lijst.csv'" in message and f"regel {line}" in message and words in message
    assert "Excel" in message                                  # advice
    assert "expected" not in message and "Error" not in message


def test_excel_unicode_text_is_utf16_with_tabs():
    data = "naam\tplaats\r\nCafé\tŁódź\r\n".encode("utf-16")
    assert textio.read_table(data, "lijst.txt").values.tolist() == [["Café", "Łódź"]]


def test_headers_empty_repeated_and_trailing_separators():
    data = b"naam;;naam;x;;\r\na;b;c;1;;\r\nd;;e;2;;\r\n"
    frame = textio.read_table(data, "t.csv")
    assert list(frame.columns) == ["naam", "kolom B", "naam (2)", "x"]
    assert frame.values.tolist() == [["a", "b", "c", "1"], ["d", "", "e", "2"]]


def test_blank_lines_keep_the_row_numbers_a_spreadsheet_shows():
    frame = textio.read_table(b"naam;x\r\na;1\r\n\r\n;\r\nb;2\r\n", "t.csv")
    assert [textio.spreadsheet_row(i) for i in frame.index] == [2, 5]


@pytest.mark.parametrize("text", ["NA", "null", "None", "nan", "#N/A", "NaN", "."])
def test_no_text_becomes_missing_in_a_csv(text):
    frame = textio.read_table(f"naam;omschrijving\r\n{text};{text}\r\n".encode(), "t.csv")
    assert frame.values.tolist() == [[text, text]]


# --- JSON -------------------------------------------------------------------------------------

def test_json_cells_are_text_without_missing_value_words():
    data = (b'{"value": [{"naam": "NA", "a": 1745.0, "b": null, "c": NaN, "d": [1, "x"]},'
            b' {"naam": "null", "a": 0.1, "e": true}]}')
    frame = textio.read_table(data, "t.json")
    assert frame.to_dict("records") == [
        {"naam": "NA", "a": "1745", "b": "", "c": "", "d": '[1, "x"]', "e": ""},
        {"naam": "null", "a": "0.1", "b": "", "c": "", "d": "", "e": "true"}]


def test_deeply_nested_json_is_refused_in_dutch():
    with pytest.raises(WijkdataError, match="te diep"):
        textio.read_table(b"[" * 100_000 + b"]" * 100_000, "t.json")


# --- XLSX ---------------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def xlsx(rows_xml: str, *, shared: list[str] | None = None, styles: str | None = None,
         workbook_pr: str = "", ns: str = MAIN, sheet_names=("Blad1",)) -> bytes:
    """A minimal workbook as Excel writes it (shared strings, styles), from sheet XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                         f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                         '</Relationships>')
        sheets = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                         for i, n in enumerate(sheet_names))
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{ns}" xmlns:r="{REL}">'
                         f'{workbook_pr}<sheets>{sheets}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" '
                       f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheet_names)))
        rels += (f'<Relationship Id="rId90" Type="{REL}/sharedStrings" '
                 'Target="sharedStrings.xml"/>'
                 f'<Relationship Id="rId91" Type="{REL}/styles" Target="/xl/styles.xml"/>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">{rels}'
                         '</Relationships>')
        for i in range(len(sheet_names)):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                             f'<worksheet xmlns="{ns}"><sheetData>{rows_xml}</sheetData>'
                             '</worksheet>')
        items = "".join(s if s.startswith("<") else f"<si><t xml:space=\"preserve\">{s}</t></si>"
                        for s in shared or [])
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{ns}">{items}</sst>')
        archive.writestr("xl/styles.xml", styles or (
            f'<styleSheet xmlns="{ns}"><numFmts><numFmt numFmtId="164" '
            'formatCode="d-m-yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/>'
            '<xf numFmtId="164"/><xf numFmtId="2"/></cellXfs></styleSheet>'))
    return buffer.getvalue()


def test_xlsx_as_excel_writes_it():
    shared = ["naam", "waarde", "NA", "Koffie &amp; thee",
              "<si><r><t>Rijke </t></r><r><rPr><b/></rPr><t>tekst</t></r>"
              "<rPh><t>fonetisch</t></rPh></si>",
              "regel_x000D_\nnieuw", "  spaties  "]
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1745</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" s="3"><v>52.369999999999997</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" s="1"><v>45509</v></c></row>'
        '<row r="5"><c r="A5" t="s"><v>5</v></c><c r="B5" s="2"><v>45509.6041666667</v></c></row>'
        '<row r="6"><c r="A6" t="s"><v>6</v></c><c r="B6" t="e"><f>NA()</f><v>#N/A</v></c></row>'
        '<row r="7"><c r="A7" t="str"><f>"null"</f><v>null</v></c><c r="B7" t="b"><v>1</v></c>'
        '</row>'
        '<row r="8"><c r="A8" t="inlineStr"><is><t>None</t></is></c>'
        '<c r="B8"><f>B2+1</f><v>1746</v></c></row>'
        '<row r="9"><c r="A9" t="s"><v>0</v></c><c r="B9"><v>nan</v></c></row>')
    frame = textio.read_table(xlsx(rows, shared=shared), "excel.xlsx")
    assert list(frame.columns) == ["naam", "waarde"]
    assert frame.values.tolist() == [
        ["NA", "1745"], ["Koffie & thee", "52.37"], ["Rijke tekst", "2024-08-05"],
        ["regel\r\nnieuw".replace("\r\n", "\n"), "2024-08-05 14:30:00"],
        ["spaties", "#N/A"], ["null", "WAAR"], ["None", "1746"], ["naam", ""]]


def test_a_formula_without_a_cached_value_reads_as_its_formula():
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>naam</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'
            '<row r="2"><c r="A2"><f>HYPERLINK("http://example.org","klik")</f></c>'
            '<c r="B2"><f t="shared" ref="B2:B4" si="0">A1+1</f></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c>'
            '<c r="B3"><f t="shared" si="0"/></c></row>'
            '<row r="4"><c r="A4" t="str"><f>A3</f><v></v></c><c r="B4"><f t="shared" si="0"/>'
            '<v>7</v></c></row>')
    frame = textio.read_table(xlsx(rows), "f.xlsx")
    assert frame.values.tolist() == [
        ['=HYPERLINK("http://example.org","klik")', "=A1+1"], ["b", "=A2+1"], ["", "7"]]


def test_xlsx_cells_that_look_missing_stay_text_with_openpyxl():
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["naam", "omschrijving", "aantal", "x"])
    sheet.append(["NA", "null", 1745, 52.37])
    sheet.append(["#N/A", "nan", 1745.0, "=A1+1"])
    sheet.append(["None", "NaN", 0.1 + 0.2, -3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    frame = textio.read_table(buffer.getvalue(), "o.xlsx")
    assert frame.values.tolist() == [["NA", "null", "1745", "52.37"],
                                     ["#N/A", "nan", "1745", "=A1+1"],
                                     ["None", "NaN", "0.3", "-3"]]


def test_xlsx_strict_namespace_1904_dates_and_rows_without_references():
    rows = ('<row><c t="inlineStr"><is><t>naam</t></is></c><c t="inlineStr"><is><t>datum</t>'
            '</is></c></row><row><c t="inlineStr"><is><t>a</t></is></c><c s="1"><v>0</v></c>'
            '</row>')
    styles = (f'<styleSheet xmlns="{STRICT}"><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/>'
              '</cellXfs></styleSheet>')
    data = xlsx(rows, ns=STRICT, styles=styles, workbook_pr='<workbookPr date1904="1"/>')
    assert textio.read_table(data, "s.xlsx").values.tolist() == [["a", "1904-01-01"]]


def test_xlsx_sheet_by_name_and_a_missing_sheet():
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
            '<row r="2"><c r="A2"><v>3</v></c></row>')
    data = xlsx(rows, sheet_names=("Toelichting", "Initiatieven"))
    assert textio.read_xlsx(data, "t.xlsx", sheet="Initiatieven").values.tolist() == [["3", ""]]
    with pytest.raises(WijkdataError, match="geen werkblad 'Lijst' \\(wel: Toelichting, "):
        textio.read_xlsx(data, "t.xlsx", sheet="Lijst")


@functools.cache
def _template() -> bytes:
    from wijkdata.readers.initiatieven import template_xlsx
    return template_xlsx()


def _replace_part(data: bytes, part: str, content: bytes | None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            if name != part:
                target.writestr(name, source.read(name))
            elif content is not None:
                target.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("make, words", [
    (lambda: _template()[:3000], "beschadigd of geen Excel-bestand"),
    (lambda: b"PK\x03\x04" + b"\x00" * 200, "beschadigd of geen Excel-bestand"),
    (lambda: b"dit is geen excel", "beschadigd of geen Excel-bestand"),
    (lambda: _replace_part(_template(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row"),
     "geen leesbare XML"),
    (lambda: _replace_part(_template(), "xl/workbook.xml", None), "geen Excel-werkmap"),
    (lambda: _replace_part(_template(), "xl/worksheets/sheet1.xml", None), "ontbreekt"),
    (lambda: xlsx('<row r="1"><c r="A1" t="s"><v>5</v></c></row>'), "ongeldige waarde"),
    (lambda: xlsx('<row r="1"><c r="A1"><v>twaalf</v></c></row>'), "ongeldige waarde"),
    (lambda: xlsx('<row r="1"><c r="1A"><v>1</v></c></row>'), "ongeldige waarde"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "oud Excel-bestand (.xls)"),
    (lambda: xlsx(""), "werkblad 'Blad1' is leeg"),
])
def test_a_damaged_xlsx_gives_a_dutch_message(make, words):
    with pytest.raises(WijkdataError) as caught:
        textio.read_table(make(), "kapot.xlsx")
    message = str(caught.value)
    assert "'kapot.xlsx'" in message and words in message


def test_damage_inside_the_zip_never_raises_anything_but_wijkdataerror():
    # Seeded byte mutations of every part of a real workbook, re-zipped so the XML layer
    # (not the zip checksum) sees them.
    import random
    rng = random.Random(9)
    source = zipfile.ZipFile(io.BytesIO(_template()))
    parts = source.namelist()
    for _ in range(300):
        part = rng.choice(parts)
        content = bytearray(source.read(part))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(content))
            content[at:at + rng.randint(0, 9)] = rng.choice(
                [b"", b'"', b"<", b' t="s"', b' s="99"', b"<v>x</v>", b"&#0;", bytes([at % 256])])
        data = _replace_part(_template(), part, bytes(content))
        try:
            textio.read_table(data, "m.xlsx")
        except WijkdataError:
            pass


def test_a_stray_cell_on_the_last_row_is_cheap():
    import time
    import tracemalloc

    from openpyxl import Workbook
    from openpyxl.styles import Font
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["naam", "lat", "lon"])
    for i in range(50):
        sheet.append([f"Koffietafel {i}", 52.1552, 5.3872])
    sheet.cell(row=1_048_576, column=1, value="x").font = Font(bold=True)
    sheet.cell(row=1_048_576, column=16_384).font = Font(bold=True)     # styled, empty
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert len(data) < 12_000

    tracemalloc.start()
    started = time.perf_counter()
    frame = textio.read_xlsx(data, "stray.xlsx")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Reading through pandas took 5-15 s and 0.4-3 GB here; streaming takes milliseconds.
    assert peak < 30 * 1024**2 and seconds < 5
    assert list(frame.columns) == ["naam", "lat", "lon"]
    assert len(frame) == 51
    assert textio.spreadsheet_row(frame.index[-1]) == 1_048_576
    assert frame.iloc[-1].tolist() == ["x", "", ""]


# --- read once ------------------------------------------------------------------------------------

def test_a_table_is_parsed_once_and_every_caller_gets_its_own_copy(monkeypatch):
    calls = []
    parse = textio._read_table
    monkeypatch.setattr(textio, "_read_table", lambda *a: calls.append(a) or parse(*a))
    data = DUTCH_EXCEL_LIST + b"extra;regel;52,1;5,1;\r\n"
    first = textio.read_table(data, "lijst.csv")
    first.iloc[0, 0] = "veranderd"
    second = textio.read_table(data, "lijst.csv")
    assert second.iloc[0, 0] == "Zingen op Koningsdag; met soesjes"
    assert len(calls) == 1
    textio.read_table(data, "andere-naam.csv")
    assert len(calls) == 2


def test_recognising_and_reading_a_workbook_parse_it_once(monkeypatch):
    from wijkdata.readers import detect_kind, read_file
    calls = []
    parse = textio._read_table
    monkeypatch.setattr(textio, "_read_table", lambda *a: calls.append(a) or parse(*a))
    data = _template() + b""
    textio._memo.clear()
    assert detect_kind(data, "sjabloon.xlsx") == "initiatieven"
    result = read_file(data, "sjabloon.xlsx")
    assert result.kind == "initiatieven" and len(result.frame) == 3
    assert len(calls) == 1


def test_a_sheet_that_unpacks_too_large_is_refused_before_reading(monkeypatch):
    # A real zip bomb is gigabytes; the limit is lowered instead.
    monkeypatch.setattr(textio, "_MAX_SHEET_BYTES", 10_000)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 500))
    with pytest.raises(WijkdataError, match="uitgepakt groter dan"):
        textio.read_xlsx(xlsx(rows), "bom.xlsx")


@pytest.mark.parametrize("code, expected", [
    ("General", None), ("#.##0,00", None), ("0%", None), ("0.00E+00", None), ("@", None),
    ('[$€-413] #.##0,00', None), ('"Datum: "0', None), ("_-* #,##0.00_-", None),
    ("d-m-yyyy", False), ("[$-413]d mmmm yyyy", False), ("yyyy-mm-dd h:mm:ss", False),
    ("mmm", False), ("d\\-m\\-yyyy", False),
    ("h:mm", True), ("[h]:mm:ss", True), ("mm:ss", True), ("h:mm AM/PM", True),
])
def test_number_formats_that_show_a_date_or_a_time(code, expected):
    assert textio._date_format(code) is expected


def test_doctests_of_textio():
    import doctest
    result = doctest.testmod(textio)
    assert result.attempted >= 2 and result.failed == 0
