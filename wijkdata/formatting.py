"""Dutch number formats: 12,5% and 1.234 inwoners. A missing value reads "geen gegevens"."""
from __future__ import annotations

import math
import re

GEEN_GEGEVENS = "geen gegevens"


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def fmt_getal(value, decimals: int = 0, missing: str = GEEN_GEGEVENS) -> str:
    """1234.5 → '1.234,5' (decimals=1); thousands with a dot, decimal comma."""
    if _missing(value):
        return missing
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def fmt_pct(value, decimals: int = 1, missing: str = GEEN_GEGEVENS) -> str:
    """12.5 → '12,5%'."""
    if _missing(value):
        return missing
    return f"{fmt_getal(value, decimals)}%"


def fmt_interval(lower, upper, decimals: int = 1) -> str:
    """'(10,2–14,8%)' or '' when a bound is missing."""
    if _missing(lower) or _missing(upper):
        return ""
    return f"({fmt_getal(lower, decimals)}–{fmt_getal(upper, decimals)}%)"


def fmt_meters(value) -> str:
    """Distances: '0 m', '850 m', '1,2 km'."""
    if _missing(value):
        return GEEN_GEGEVENS
    if value >= 1000:
        return f"{fmt_getal(value / 1000, 1)} km"
    return f"{fmt_getal(round(value, -1))} m"


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
