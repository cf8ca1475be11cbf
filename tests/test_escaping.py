"""wijkdata.escaping: uploaded text stays text in Markdown, HTML, plotly labels and
spreadsheets, and a missing value never becomes the text "nan"."""
import html
import math
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkdata.escaping import escape_html, escape_markdown, neutralise_formula, plain_label

MISSING = [None, float("nan"), np.nan, pd.NA, pd.NaT]


@given(st.text())
def test_escape_html_gives_back_the_text_and_no_tag(text):
    escaped = escape_html(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert html.unescape(escaped) == text


def test_escape_html_without_quotes_is_what_reportlab_reads():
    assert escape_html('De "Brink" & <b>', quote=False) == 'De "Brink" &amp; &lt;b&gt;'


@pytest.mark.parametrize("missing", MISSING)
def test_missing_values_are_empty_text_not_nan(missing):
    assert escape_html(missing) == ""
    assert plain_label(missing) == ""


def test_numbers_are_shown_as_numbers():
    assert escape_html(12) == "12"
    assert plain_label(3.5) == "3.5"


@given(st.text())
def test_plain_label_has_no_angle_brackets_and_keeps_the_rest(text):
    label = plain_label(text)
    assert "<" not in label and ">" not in label
    assert len(label) == len(text)


def test_plain_label_turns_a_link_tag_into_text():
    assert plain_label("<a href='x'>klik</a>") == "‹a href='x'›klik‹/a›"


@given(st.text())
def test_escape_markdown_leaves_one_line_and_no_bare_punctuation(text):
    escaped = escape_markdown(text)
    assert "\n" not in escaped and "\r" not in escaped
    # every ASCII punctuation character is preceded by a backslash
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            i += 2
            continue
        assert escaped[i] not in string.punctuation, escaped
        i += 1


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
    ("+31 6 1234", "'+31 6 1234"),
    ("-5", "'-5"),
    ("@naam", "'@naam"),
    ("＝1+1", "'＝1+1"),
    ("Koffietafel", "Koffietafel"),
    ("", ""),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_neutralise_formula_leaves_numbers_and_gaps_alone():
    assert neutralise_formula(-5) == -5
    assert math.isnan(neutralise_formula(float("nan")))
    assert neutralise_formula(None) is None
