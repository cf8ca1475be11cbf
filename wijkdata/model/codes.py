"""CBS area codes: ``GM`` + 4, ``WK`` + 6, ``BU`` + 8 characters.

The wijkcode and gemeentecode are the leading digits of the buurtcode
(``BU00340101`` → ``WK003401`` → ``GM0034``). CBS uses letters in the last positions when a
gemeente has 100+ wijken or a wijk 100+ buurten, so the tail is alphanumeric.

Nederland is ``NL01`` in RIVM and most CBS tables and ``NL00`` in the Kerncijfers wijken en
buurten (StatLine, kwb-YYYY.xlsx): every ``NL0x`` is cleaned to :data:`NEDERLAND`, so one
code stands for the country whichever source it came from.
"""
from __future__ import annotations

import re

import pandas as pd

NEDERLAND = "NL01"

_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
    "land": re.compile(r"^NL0[0-9]$"),
}
_PREFIX_NIVEAU = {"GM": "gemeente", "WK": "wijk", "BU": "buurt", "NL": "land"}


_YEAR_PREFIX = re.compile(r"^\d{4}(?=GM|WK|BU)")


def clean_code(value) -> str | None:
    """Strip the padding CBS OData puts around codes; None for an empty cell.

    >>> clean_code("BU00340101  "), clean_code("2024BU00340101"), clean_code("NL00")
    ('BU00340101', 'BU00340101', 'NL01')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().upper()
    # A year prefix as in jrstatcode (``2024BU00340101``) is not part of the code.
    text = _YEAR_PREFIX.sub("", text)
    if _PATTERNS["land"].match(text):
        return NEDERLAND
    return text or None


def clean_codes(values: pd.Series) -> pd.Series:
    """:func:`clean_code` for a whole column at once (object Series, None where empty)."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.upper()
    text = text.str.replace(_YEAR_PREFIX, "", regex=True)
    text = text.where(~text.str.match(_PATTERNS["land"]), NEDERLAND)
    return text.astype(object).where(text != "", None)


def niveaus(cleaned: pd.Series) -> pd.Series:
    """:func:`niveau` for a column of cleaned codes (object Series, None where invalid)."""
    text = cleaned.astype(object).where(cleaned.notna(), "").astype(str)
    result = pd.Series([None] * len(cleaned), index=cleaned.index, dtype=object)
    for kind, pattern in _PATTERNS.items():
        result[text.str.match(pattern).to_numpy()] = kind
    return result


def niveau(code: str | None) -> str | None:
    """'buurt', 'wijk', 'gemeente' or 'land' for a valid code, else None."""
    if not code:
        return None
    kind = _PREFIX_NIVEAU.get(code[:2])
    if kind and _PATTERNS[kind].match(code):
        return kind
    return None


def is_valid(code: str | None, expected: str | None = None) -> bool:
    kind = niveau(code)
    return kind is not None and (expected is None or kind == expected)


def wijkcode(buurtcode: str) -> str:
    """``BU00340101`` → ``WK003401``."""
    return "WK" + buurtcode[2:8]


def gemeentecode(code: str) -> str:
    """``BU00340101`` or ``WK003401`` → ``GM0034``."""
    return "GM" + code[2:6]


def wijkcodes(buurtcodes: pd.Series) -> pd.Series:
    return "WK" + buurtcodes.str.slice(2, 8)


def gemeentecodes(codes: pd.Series) -> pd.Series:
    return "GM" + codes.str.slice(2, 6)


EXPECTED_FORM = {
    "buurt": "een buurtcode als BU00340101 (BU en 8 tekens)",
    "wijk": "een wijkcode als WK003401 (WK en 6 tekens)",
    "gemeente": "een gemeentecode als GM0034 (GM en 4 cijfers)",
    None: "een CBS-code als BU00340101, WK003401 of GM0034",
}
