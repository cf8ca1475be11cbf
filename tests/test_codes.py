import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkdata.model import codes


@pytest.mark.parametrize("raw, expected", [
    ("BU00340101  ", "BU00340101"), ("2024BU00340101", "BU00340101"), ("gm0034", "GM0034"),
    ("", None), (None, None),
])
def test_clean_code_strips_padding_and_year_prefix(raw, expected):
    assert codes.clean_code(raw) == expected


@pytest.mark.parametrize("code, niveau", [
    ("BU00340101", "buurt"), ("BU0034AB01", "buurt"), ("BU00AB0101", None), ("BU003401AB", "buurt"),
    ("WK0034A1", "wijk"), ("GM0034", "gemeente"), ("NL01", "land"),
    ("BU0034010", None), ("XX00340101", None), ("GM034", None),
])
def test_niveau_recognises_the_cbs_forms(code, niveau):
    assert codes.niveau(code) == niveau


def test_wijk_and_gemeente_follow_from_the_buurtcode():
    assert codes.wijkcode("BU00340101") == "WK003401"
    assert codes.gemeentecode("BU00340101") == "GM0034"
    assert codes.gemeentecode("WK003401") == "GM0034"
    series = pd.Series(["BU00340101", "BU05990215"])
    assert list(codes.wijkcodes(series)) == ["WK003401", "WK059902"]
    assert list(codes.gemeentecodes(series)) == ["GM0034", "GM0599"]


@pytest.mark.parametrize("raw", ["NL00", "NL01", " nl00  ", "NL00      "])
def test_every_nederland_code_becomes_nl01(raw):
    assert codes.clean_code(raw) == codes.NEDERLAND
    assert codes.niveau(codes.clean_code(raw)) == "land"


_CODE_TEXT = st.one_of(
    st.from_regex(r"(\d{4})?(BU|WK|GM|bu|gm|NL)[0-9A-Z]{0,9}", fullmatch=True),
    st.text(alphabet="BUWKGMNL0123456789AZ ", max_size=14),
    st.just(""),
)


@given(values=st.lists(st.tuples(_CODE_TEXT, st.integers(0, 4), st.integers(0, 6)),
                       max_size=30))
def test_column_functions_agree_with_the_cell_functions(values):
    """Padded codes as OData writes them (spaces either side), with and without a year."""
    cells = pd.Series([" " * left + text + " " * right for text, left, right in values] +
                      [None], dtype=object)
    cleaned = codes.clean_codes(cells)
    assert list(cleaned) == [codes.clean_code(v) for v in cells]
    assert list(codes.niveaus(cleaned)) == [codes.niveau(c) for c in cleaned]
