"""Downloads for Dutch Excel (CSV and XLSX) and the command line's unchanged CSV."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkdata.compute.buurttabel import buurtcijfers
from wijkdata.draw import tabellen
from wijkdata.escaping import neutralise_formula
from wijkdata.export import spreadsheets
from wijkdata.formatting import fmt_kolom, lees_getal, rond
from wijkdata.model.gegevens import load_demo

FORBIDDEN = ("nan", "none", "null", "nat", "inf", "<na>")


def dutch_table() -> pd.DataFrame:
    """Real-shaped cells of the dashboard's tables, with numbers checkable by hand."""
    return pd.DataFrame({
        "Buurt": ['Café "De Hoek"; oost', "=HYPERLINK(\"http://x\",\"klik\")", None],
        "Buurtcode": ["BU03630001", "BU03630002", "BU0363AA01"],
        "Inwoners": [1745.0, np.nan, 20.0],
        "Eenzaam (%)": [12.25, np.nan, 0.05],
        "Per 1.000 inwoners": [1.25, 0.0, np.nan],
        "Dichtstbijzijnde initiatief (m)": [155.0, 1249.0, np.inf],
        "witte_vlek": pd.array([True, None, False], dtype="boolean"),
        "startdatum": ["2024-08-05", None, "ooit"],
        "email": ["jan@voorbeeld.nl", "", None],
        "Gepubliceerd": pd.to_datetime(["2024-07-01 12:00"] * 3, utc=True),
    })


def read_dutch(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""])


def test_csv_for_dutch_excel_bytes_by_hand():
    data = spreadsheets.to_excel_csv_bytes(dutch_table())
    assert data.startswith(b"\xef\xbb\xbf")                  # UTF-8 BOM: Excel reads é
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("Buurt;Buurtcode;Inwoners;Eenzaam (%);Per 1.000 inwoners;"
                        "Dichtstbijzijnde initiatief (m);witte_vlek;startdatum;Gepubliceerd")
    assert lines[1] == ('"Café ""De Hoek""; oost";BU03630001;1745;12,3;1,3;160;ja;05-08-2024;'
                        "01-07-2024 14:00")
    # Formula neutralised, missing values empty (never 0), 1249 m is 1,2 km = 1200.
    assert lines[2] == ('"\'=HYPERLINK(""http://x"",""klik"")";BU03630002;;;0,0;1200;;;'
                        "01-07-2024 14:00")
    assert lines[3] == ";BU0363AA01;20;0,1;;;nee;ooit;01-07-2024 14:00"
    assert lines[4:] == [""]
    assert b"jan@voorbeeld.nl" not in data                      # personal data dropped


def test_csv_opens_with_pandas_as_dutch_excel_would():
    frame = read_dutch(spreadsheets.to_excel_csv_bytes(dutch_table()))
    assert frame["Inwoners"].tolist()[0] == 1745 and frame["Inwoners"].isna().tolist()[1]
    assert frame["Eenzaam (%)"].tolist()[0] == 12.3
    assert frame["Per 1.000 inwoners"].tolist()[:2] == [1.3, 0.0]
    assert frame["Dichtstbijzijnde initiatief (m)"].tolist()[:2] == [160, 1200]
    assert "email" not in frame.columns


def test_counts_are_integers_never_1745_0():
    table = pd.DataFrame({"inwoners": [1745.0, 2.0], "initiatieven": [3, 0],
                          "huishoudens": [812.0, np.nan]})
    text = spreadsheets.to_excel_csv_bytes(table).decode("utf-8-sig")
    assert text == "inwoners;initiatieven;huishoudens\r\n1745;3;812\r\n2;0;\r\n"


def test_155_m_is_the_same_number_on_page_and_in_both_downloads():
    table = pd.DataFrame({"afstand_initiatief_m": [155.0]})
    assert fmt_kolom("afstand_initiatief_m", 155.0) == "160 m"           # page, slide, PDF
    assert read_dutch(spreadsheets.to_excel_csv_bytes(table)).iloc[0, 0] == 160
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(table))).active
    assert sheet["A2"].value == 160 and isinstance(sheet["A2"].value, int)


def test_xlsx_has_rounded_numbers_integers_dates_and_no_nan_text():
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(dutch_table()))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Buurt", "Buurtcode", "Inwoners")
    assert rows[1][2:7] == (1745, 12.3, 1.3, 160, "ja")
    assert isinstance(rows[1][2], int)
    assert rows[1][7] == datetime(2024, 8, 5)                  # a real date
    assert rows[1][8] == datetime(2024, 7, 1, 14, 0)            # Dutch summer time
    assert rows[2][0].startswith("'=HYPERLINK")                # not a formula
    assert rows[2][2:4] == (None, None) and rows[3][5] is None and rows[3][0] is None
    assert sheet["C2"].number_format == "#,##0" and sheet["D2"].number_format == "0.0"
    assert sheet["H2"].number_format == "dd-mm-yyyy"
    texts = [str(v).lower() for row in rows for v in row if isinstance(v, str)]
    assert not any(word == v for v in texts for word in FORBIDDEN)
    assert "email" not in rows[0]


def test_xlsx_drops_control_characters_an_xlsx_cannot_hold():
    table = pd.DataFrame({"naam": ["Koffie\x0b uur\x00"], "Sinds": [date(2024, 1, 2)]})
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(table, "a/b:c"))).active
    assert sheet["A2"].value == "Koffie uur" and sheet.title == "a_b_c"
    assert sheet["B2"].value == datetime(2024, 1, 2)


def test_download_files_for_the_dashboard():
    downloads = spreadsheets.download_files(dutch_table(), "witte_vlekken_'s-Hertogenbosch")
    assert [(d.label, d.filename, d.mime) for d in downloads] == [
        ("CSV", "witte_vlekken__s-Hertogenbosch.csv", "text/csv"),
        ("Excel", "witte_vlekken__s-Hertogenbosch.xlsx", spreadsheets.XLSX_MIME)]
    assert downloads[0].make().startswith(b"\xef\xbb\xbf")
    assert downloads[1].make().startswith(b"PK")                # a zip: the xlsx container
    assert all(d.help for d in downloads)


def test_the_command_line_csv_contract_stays_as_it_is():
    # Scripts read this: ',' between cells, '.' as decimal mark, true/false, no BOM.
    table = pd.DataFrame({"buurtcode": ["BU00010001", "BU00010002"],
                          "eenzaam_pct": [12.25, np.nan], "inwoners": [1745.0, 20.0],
                          "witte_vlek": pd.array([True, None], dtype="boolean")})
    assert spreadsheets.to_csv_bytes(table) == (
        b"buurtcode,eenzaam_pct,inwoners,witte_vlek\n"
        b"BU00010001,12.25,1745.0,true\n"
        b"BU00010002,,20.0,\n")


def test_real_shaped_witte_vlekken_download_reads_back():
    cijfers = buurtcijfers(load_demo(), gemeentecode="GM9999")
    table = tabellen.witte_vlekken_tabel(cijfers, alleen_vlekken=False)
    frame = read_dutch(spreadsheets.to_excel_csv_bytes(table))
    assert len(frame) == len(table) and list(frame.columns) == list(table.columns)
    assert pd.api.types.is_integer_dtype(frame["Inwoners"].dropna())
    expected = [rond("Eenzaam (%)", v) for v in table["Eenzaam (%)"]]
    assert [None if pd.isna(v) else v for v in frame["Eenzaam (%)"]] == expected
    data = spreadsheets.to_excel_csv_bytes(table).decode("utf-8-sig").lower()
    cells = [c for line in csv.reader(io.StringIO(data), delimiter=";") for c in line]
    assert not any(c in FORBIDDEN for c in cells)


def test_buurten_for_the_command_line_keep_their_rounding():
    cijfers = buurtcijfers(load_demo(), gemeentecode="GM9999")
    table = spreadsheets.buurten_table(cijfers)
    assert table["initiatieven_per_1000"].equals(cijfers["initiatieven_per_1000"].round(3))


number_columns = ["eenzaam_pct", "inwoners", "initiatieven_per_1000", "afstand_initiatief_m",
                  "lat", "iets"]
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(min_value=-1e7, max_value=1e7),
                   st.sampled_from([0.5, 1.5, 2.5, 155.0, 154.9999, 0.05, -0.05]))
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(*([floats] * len(number_columns)), texts), min_size=1, max_size=6))
def test_any_numbers_and_text_round_trip_through_the_dutch_csv(rows):
    table = pd.DataFrame(rows, columns=[*number_columns, "naam"])
    data = spreadsheets.to_excel_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert read[0] == [*number_columns, "naam"] and len(read) == len(rows) + 1
    for row, cells in zip(rows, read[1:]):
        for column, value, cell in zip(number_columns, row, cells):
            rounded = rond(column, value)
            assert cell.lower() not in FORBIDDEN
            if rounded is None:
                assert cell == ""
            else:
                assert "." not in cell and lees_getal(cell) == Decimal(str(rounded))
        name = row[-1]
        # Formula text (also full-width ＝ ＋ －) gets an apostrophe; other text is kept.
        assert cells[-1] == neutralise_formula(name)
        assert cells[-1] == name or cells[-1] == "'" + name


@pytest.mark.parametrize("value", [np.nan, None, pd.NA, np.inf])
def test_a_missing_value_is_an_empty_cell_in_both_files(value):
    table = pd.DataFrame({"eenzaam_pct": pd.Series([value, 1.0], dtype=object),
                          "code": ["a", "b"]})
    text = spreadsheets.to_excel_csv_bytes(table).decode("utf-8-sig")
    assert text == "eenzaam_pct;code\r\n;a\r\n1,0;b\r\n"
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(table))).active
    assert sheet["A2"].value is None and sheet["A3"].value == 1.0


def test_the_initiatives_download_reads_back_through_the_projects_own_reader():
    from wijkdata.upload import read_file

    initiatieven = load_demo().initiatieven
    table = tabellen.initiatieven_weergave(spreadsheets.initiatieven_table(initiatieven))
    ingelezen = read_file(spreadsheets.to_excel_csv_bytes(table), "initiatieven.csv")
    assert not ingelezen.rapport.errors
    back = ingelezen.frame.reset_index(drop=True)
    assert back["naam"].tolist() == table["Naam"].tolist()
    shown = table["Breedtegraad"].notna()
    expected = [rond("lat", v) for v in table.loc[shown, "Breedtegraad"]]
    assert back.loc[shown, "lat"].tolist() == expected
    starts = pd.to_datetime(table["Sinds"])
    assert back["startdatum"].tolist() == starts.tolist()


# --- bron and laatst_bevestigd in every initiatives export ---------------------------------

def _twee_lijsten(url: str) -> None:
    """Almere's real-shaped files and a second list under a name that is a formula (its
    file name), with its own 'Laatst bevestigd' column: one date, one empty cell."""
    from tests.factory import almere_files, publish_files
    files = almere_files()
    files["=1+1.csv"] = ("Naam;Activiteit;Buurtcode;Laatst bevestigd\r\n"
                         "Taalcafé;ontmoeting;BU00340101;3-3-2021\r\n"
                         "Wandelclub;sport en bewegen;BU00340102;\r\n").encode()
    publish_files(url, files)


def test_the_command_line_exports_bron_and_laatst_bevestigd_as_iso(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    _twee_lijsten(url)
    result = subprocess.run([sys.executable, "-m", "wijkdata", "export", "--what",
                             "initiatieven", "--db", url], capture_output=True, text=True,
                            timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[-2:] == ["bron", "laatst_bevestigd"]
    assert list(rows[0])[:-2] == spreadsheets.INITIATIEF_EXPORT_COLUMNS[:-2]
    assert len(rows) == 26
    vandaag = tabellen.vandaag().isoformat()     # published just now
    lijst = [r for r in rows if r["bron"] == "initiatieven_almere"]
    assert len(lijst) == 24 and {r["laatst_bevestigd"] for r in lijst} == {vandaag}
    eigen = {r["naam"]: r for r in rows if r["naam"] in ("Taalcafé", "Wandelclub")}
    assert eigen["Taalcafé"]["bron"] == "'=1+1"                  # neutralised, as any text
    assert eigen["Taalcafé"]["laatst_bevestigd"] == "2021-03-03"
    assert eigen["Wandelclub"]["laatst_bevestigd"] == vandaag   # empty cell: the list's day


def test_the_initiatives_downloads_hold_bron_and_the_date_as_a_date(tmp_path):
    from wijkdata.model.gegevens import load_active
    from wijkdata.store import Store
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    _twee_lijsten(url)
    store = Store(url)
    ini = load_active(store).initiatieven
    store.dispose()
    ini.loc[ini["naam"] == "Wandelclub", "laatst_bevestigd"] = pd.NaT
    export = spreadsheets.initiatieven_table(ini)
    table = tabellen.initiatieven_weergave(export, tabellen.initiatief_status(
        ini, date(2026, 12, 2)))
    text = spreadsheets.to_excel_csv_bytes(table).decode("utf-8-sig")
    rows = {r["Naam"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert rows["Taalcafé"]["Bron"] == "'=1+1"
    assert rows["Taalcafé"]["Laatst bevestigd"] == "03-03-2021"    # Dutch Excel's date
    assert rows["Taalcafé"]["Status"] == "mogelijk gestopt"
    assert rows["Wandelclub"]["Laatst bevestigd"] == ""            # missing: an empty cell
    assert rows["Wandelclub"]["Status"] == "onbekend"
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(table))).active
    header = [c.value for c in sheet[1]]
    kolom = header.index("Laatst bevestigd")
    cellen = {r[0].value: r[kolom] for r in sheet.iter_rows(min_row=2)}
    assert cellen["Taalcafé"].value == datetime(2021, 3, 3)
    assert cellen["Taalcafé"].number_format == "dd-mm-yyyy"
    assert cellen["Wandelclub"].value is None
    assert [r[header.index("Bron")].value for r in sheet.iter_rows(min_row=2)
            if r[0].value == "Taalcafé"] == ["'=1+1"]
