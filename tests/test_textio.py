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
    "naam;aantal\nKoffietafel;12,5\n".encode("utf-8"),
    "\ufeffnaam;aantal\nKoffietafel;12,5\n".encode("utf-8"),
    "naam,aantal\nKoffietafel,12.5\n".encode("utf-8"),
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
