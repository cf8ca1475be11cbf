"""Uploaded text made safe for each place it is shown: one function per target.

Names, descriptions and file names come from uploads and forms; none of them may become
Markdown, HTML, a plotly label tag or a spreadsheet formula. Every module escapes through
here, so each rule is written once.
"""
from __future__ import annotations

import html
import re

from wijkdata.formatting import is_missing


def escape_markdown(text) -> str:
    """``text`` as literal Markdown: every ASCII punctuation character backslash-escaped.

    CommonMark lets any ASCII punctuation be escaped, so links (``[a](b)``), emphasis, HTML
    tags, Streamlit's ``:red[...]`` and ``:material/...:`` directives and ``$`` maths all
    show as the characters typed. Line breaks become spaces (a message is one paragraph).

    Examples
    --------
    >>> escape_markdown("[klik](https://x.nl) <b>")
    '\\\\[klik\\\\]\\\\(https\\\\:\\\\/\\\\/x\\\\.nl\\\\) \\\\<b\\\\>'
    """
    text = re.sub(r"[\r\n]+", " ", "" if text is None else str(text))
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def escape_html(value, *, quote: bool = True) -> str:
    """``value`` as HTML text (slides, the standalone chart page, reportlab paragraphs);
    a missing value is the empty text, never "nan"."""
    return "" if is_missing(value) else html.escape(str(value), quote=quote)


def plain_label(value) -> str:
    """Uploaded text shown in plotly hover labels: plotly interprets a few HTML tags there,
    so angle brackets are replaced and text can never become markup or a link. A missing
    value (None, NaN, NA, NaT) is the empty text, never "nan"."""
    if is_missing(value):
        return ""
    return str(value).replace("<", "‹").replace(">", "›")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_formula(value: str) -> str:
    """Put an apostrophe before a cell that a spreadsheet would run as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and their
    full-width forms) get a leading ``'`` (OWASP "CSV injection"). Export numbers as numbers:
    a negative number passed as text is neutralised too. Anything not a string is returned
    unchanged.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula("Koffietafel")
    'Koffietafel'
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
