"""One rounding rule for every number shown or exported, in Dutch text."""
import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkdata.formatting import (
    AANTAL,
    AFSTAND,
    GETAL,
    JAAR,
    PER_1000,
    PROCENT,
    fmt_bestandsgrootte,
    fmt_datum,
    fmt_getal,
    fmt_interval,
    fmt_kolom,
    fmt_meters,
    fmt_pct,
    fmt_tijdstip,
    kolom_formatter,
    lees_getal,
    rond,
    rond_reeks,
    soort,
)

MISSING = [None, np.nan, float("nan"), pd.NA, pd.NaT, float("inf"), -float("inf"), "", "x"]
FORBIDDEN = ("nan", "none", "inf", "null", "nat", "<na>")


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


@pytest.mark.parametrize("value, expected", [
    (0.5, "1"), (1.5, "2"), (2.5, "3"), (-0.5, "-1"), (0.49, "0"), (-0.04, "0"),
])
def test_half_up_not_bankers_rounding(value, expected):
    # Python's round(2.5) == 2 and round(0.5) == 0: people round 0,5 up.
    assert fmt_getal(value) == expected


def test_half_up_on_the_number_as_written():
    # 0.15 and 2.675 are stored in binary just below the half; written, they are halves.
    assert fmt_pct(0.15) == "0,2%" and fmt_getal(2.675, 2) == "2,68"
    assert rond("eenzaam_pct", 12.25) == 12.3 and rond("eenzaam_pct", 12.35) == 12.4


def test_155_metres_is_160_metres_everywhere():
    # The table, a slide, the PDF and a download all use these two functions.
    for column in ("afstand_initiatief_m", "afstand_m", "Dichtstbijzijnde initiatief (m)"):
        assert rond(column, 155) == 160
        assert rond(column, 154.9) == 150
    assert fmt_kolom("afstand_initiatief_m", 155) == "160 m" == fmt_meters(155)
    assert fmt_kolom("Dichtstbijzijnde initiatief (m)", 155) == "160"   # unit in the header


@pytest.mark.parametrize("metres, number, text", [
    (0, 0, "0 m"), (4, 0, "0 m"), (5, 10, "10 m"), (994.9, 990, "990 m"),
    (995, 1000, "1,0 km"), (1049, 1000, "1,0 km"), (1050, 1100, "1,1 km"),
    (1249, 1200, "1,2 km"), (1250, 1300, "1,3 km"), (12_345, 12_300, "12,3 km"),
])
def test_distances_to_10_m_and_from_1_km_to_100_m(metres, number, text):
    # From 1 km on the number itself is rounded to 100 m, so "1,2 km" and 1200 agree.
    assert rond("afstand_initiatief_m", metres) == number
    assert fmt_meters(metres) == text
    assert lees_getal(text) == number


@pytest.mark.parametrize("column, expected", [
    ("eenzaam_pct", PROCENT), ("eenzaam_ondergrens", PROCENT), ("pct_65plus", PROCENT),
    ("Eenzaam (%)", PROCENT), ("Ondergrens (%)", PROCENT), ("grens_eenzaam", PROCENT),
    ("eenzaam", PROCENT), ("inwoners", AANTAL), ("Inwoners", AANTAL),
    ("initiatieven", AANTAL), ("huishoudens", AANTAL), ("Aantal", AANTAL),
    ("initiatieven_per_1000", PER_1000), ("Per 1.000 inwoners", PER_1000),
    ("grens_aanbod", PER_1000), ("afstand_initiatief_m", AFSTAND),
    ("Dichtstbijzijnde initiatief (m)", AFSTAND), ("periode", JAAR), ("iets anders", GETAL),
])
def test_soort_from_canonical_names_and_dutch_headers(column, expected):
    assert soort(column) == expected


def test_counts_are_whole_numbers_and_years_have_no_thousands_dot():
    assert rond("inwoners", 1745.0) == 1745 and isinstance(rond("inwoners", 1745.0), int)
    assert fmt_kolom("inwoners", 1745.0) == "1.745"
    assert fmt_kolom("periode", 2022) == "2022"
    assert fmt_kolom("initiatieven_per_1000", 1.25) == "1,3"
    assert fmt_kolom("eenzaam_pct", 12.25) == "12,3%" and fmt_kolom("Eenzaam (%)", 12.25) == "12,3"


@pytest.mark.parametrize("value", MISSING)
def test_a_missing_value_is_never_zero_and_reads_geen_gegevens(value):
    for column in ("eenzaam_pct", "inwoners", "afstand_initiatief_m", "initiatieven_per_1000"):
        assert rond(column, value) is None
        assert fmt_kolom(column, value) == "geen gegevens"
    assert fmt_meters(value) == "geen gegevens" and fmt_pct(value) == "geen gegevens"


def test_unknown_columns_keep_text_and_say_ja_nee():
    assert fmt_kolom("naam", "Koffie & praat") == "Koffie & praat"
    assert fmt_kolom("naam", None) == "geen gegevens" == fmt_kolom("naam", np.nan)
    assert fmt_kolom("witte_vlek", np.bool_(True)) == "ja"
    assert fmt_kolom("witte_vlek", False) == "nee"
    assert fmt_kolom("iets", 3.14159) == "3,1"


def test_rond_reeks_gives_integers_for_counts_and_keeps_missing():
    counts = rond_reeks("inwoners", pd.Series([1745.0, np.nan, 2.5]))
    assert str(counts.dtype) == "Int64" and counts.tolist()[0] == 1745
    assert counts.isna().tolist() == [False, True, False] and counts.iloc[2] == 3
    shares = rond_reeks("eenzaam_pct", pd.Series([12.25, np.inf]))
    assert shares.iloc[0] == 12.3 and math.isnan(shares.iloc[1])
    names = pd.Series(["a", None])
    assert rond_reeks("naam", names) is names


def test_times_are_dutch_time():
    summer = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    assert fmt_tijdstip(summer) == "01-07-2024 14:00"
    assert fmt_tijdstip(datetime(2024, 1, 1, 23, 30)) == "02-01-2024 00:30"   # naive = UTC
    assert fmt_tijdstip(pd.NaT) == "" and fmt_datum(None) == ""
    assert fmt_datum(pd.Timestamp("2024-08-05")) == "05-08-2024"


numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.floats(min_value=-1e6, max_value=1e6),
                    st.integers(min_value=-10**20, max_value=10**20),
                    st.decimals(places=3, min_value=-10**6, max_value=10**6))
columns = st.sampled_from(["eenzaam_pct", "Eenzaam (%)", "inwoners", "initiatieven_per_1000",
                           "afstand_initiatief_m", "Dichtstbijzijnde initiatief (m)",
                           "periode", "lat", "iets"])


@given(columns, numbers)
def test_text_is_never_nan_and_reads_back_as_the_rounded_number(column, value):
    text = fmt_kolom(column, value)
    assert not any(word in text.lower() for word in FORBIDDEN)
    rounded = rond(column, value)
    if rounded is None:
        assert text == "geen gegevens"
        return
    assert lees_getal(text) == Decimal(str(rounded))


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 3))
def test_fmt_getal_is_half_up_of_the_written_number(value, decimals):
    text = fmt_getal(value, decimals)
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals),
                                             context=Context(prec=400, rounding=ROUND_HALF_UP))
    assert lees_getal(text) == expected


def test_kolom_formatter_for_a_table_on_screen_matches_fmt_kolom():
    fmt = kolom_formatter("Dichtstbijzijnde initiatief (m)", pd.Series([155.0, np.nan]))
    assert fmt(155.0) == fmt_kolom("Dichtstbijzijnde initiatief (m)", 155.0) == "160"
    assert fmt(np.nan) == "geen gegevens"
    whole = kolom_formatter("Versie", pd.Series([1.0, 2.0]))
    assert whole(2.0) == "2"
    assert kolom_formatter("iets", pd.Series([0.25, 1.0]))(0.25) == "0,3"
    assert kolom_formatter("witte_vlek", pd.Series([True]))(np.bool_(False)) == "nee"


@pytest.mark.parametrize("size, text", [
    (1, "1 kB"), (300, "1 kB"), (1536, "2 kB"), (1023 * 1024, "1.023 kB"),
    (1024**2 - 1, "1,0 MB"), (1024**2, "1,0 MB"), (1_572_864, "1,5 MB"),
    (int(99.96 * 1024**2), "100 MB"), (500 * 1024**2, "500 MB"), (2 * 1024**3, "2.048 MB"),
])
def test_file_sizes_in_kb_and_mb_with_a_decimal_comma(size, text):
    assert fmt_bestandsgrootte(size) == text


def test_a_difference_has_its_sign_and_unit_and_a_gap_stays_a_gap():
    from wijkdata.formatting import fmt_verschil
    assert fmt_verschil(3.25) == "+3,3 procentpunt"        # half up
    assert fmt_verschil(-0.5) == "-0,5 procentpunt"
    assert fmt_verschil(0.04) == "0,0 procentpunt"
    assert fmt_verschil(float("nan")) == "geen gegevens"
