import pandas as pd
import pytest

from wijkdata import codes


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
