import numpy as np
import pytest

from wijkdata.formatting import fmt_getal, fmt_interval, fmt_meters, fmt_pct


@pytest.mark.parametrize("value, decimals, expected", [
    (1234, 0, "1.234"), (1234.56, 1, "1.234,6"), (12.5, 1, "12,5"), (0, 0, "0"),
    (np.nan, 0, "geen gegevens"), (None, 1, "geen gegevens"),
])
def test_dutch_numbers(value, decimals, expected):
    assert fmt_getal(value, decimals) == expected


def test_pct_interval_and_metres():
    assert fmt_pct(12.5) == "12,5%"
    assert fmt_interval(10.24, 14.76) == "(10,2–14,8%)"
    assert fmt_interval(np.nan, 3) == ""
    assert fmt_meters(0) == "0 m" and fmt_meters(1234) == "1,2 km" and fmt_meters(846) == "850 m"
