"""Dutch number formats, and the one rounding rule for every number shown or exported.

Every number the dashboard shows — in a page table, a map label, a slide, the PDF or a
download — goes through :func:`rond` (the rounded number) or :func:`fmt_kolom` (the same
number as Dutch text), so one distance is one number everywhere.

The rule depends on what a column holds (its *soort*), found from the column name by
:func:`soort` (canonical names such as ``eenzaam_pct`` and the Dutch headers of the
tables, such as ``Eenzaam (%)``):

=============  ===========================================  ==================
soort          rounded to                                   text
=============  ===========================================  ==================
``procent``    1 decimal                                    ``12,5%``
``per_1000``   1 decimal                                    ``1,3``
``aantal``     a whole number (inwoners, initiatieven, …)   ``1.745``
``afstand``    10 m below 1 km, 100 m from 1 km on          ``850 m``, ``1,2 km``
``jaar``       a whole number                               ``2022``
``coordinaat`` 6 decimals (about 0.1 m)                     ``52,123457``
``getal``      1 decimal (any other number)                 ``3,1``
=============  ===========================================  ==================

Distances from 1 km on are rounded to 100 m so that the number in a download (1200) and
the text on a slide ("1,2 km") are the same value, never a second rounding of it.

Rounding is half up (half away from zero, as people round by hand: 0,5 → 1 and 155 m →
160 m), on the decimal value as written (0,15 → 0,2), never Python's ``round()``, which
rounds half to even (``round(0.5) == 0``) and works on the binary value
(``round(0.15, 1) == 0.1``).

A missing value (None, NaN, NA, NaT, ±infinity, text that is no number) stays missing: it
is never 0 and reads "geen gegevens".
"""
from __future__ import annotations

import math
import numbers
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import numpy as np

GEEN_GEGEVENS = "geen gegevens"
TIJDZONE = ZoneInfo("Europe/Amsterdam")

PROCENT = "procent"
PER_1000 = "per_1000"
AANTAL = "aantal"
AFSTAND = "afstand"
JAAR = "jaar"
COORDINAAT = "coordinaat"
GETAL = "getal"
TEKST = "tekst"

#: Decimals per soort (``afstand`` is special: see :func:`rond`).
DECIMALEN: dict[str, int] = {PROCENT: 1, PER_1000: 1, AANTAL: 0, AFSTAND: -1, JAAR: 0,
                             COORDINAAT: 6, GETAL: 1}

#: Known columns (canonical names and Dutch table headers, compared in lower case).
KOLOM_SOORTEN: dict[str, str] = {
    **dict.fromkeys(["inwoners", "initiatieven", "huishoudens", "aantal", "buurten", "wijken",
                     "gemeenten", "witte_vlekken", "zonder_gegevens", "rijen", "versie",
                     "aantal initiatieven", "aantal inwoners", "witte vlekken"], AANTAL),
    **dict.fromkeys(["initiatieven_per_1000", "per_1000", "grens_aanbod",
                     "per 1.000 inwoners", "initiatieven per 1.000 inwoners"], PER_1000),
    **dict.fromkeys(["afstand_initiatief_m", "afstand_m", "afstand", "afstand tot initiatief",
                     "dichtstbijzijnde initiatief (m)"], AFSTAND),
    **dict.fromkeys(["grens_eenzaam", "waarde", "ondergrens", "bovengrens"], PROCENT),
    **dict.fromkeys(["periode", "jaar"], JAAR),
    **dict.fromkeys(["lat", "lon", "breedtegraad", "lengtegraad"], COORDINAAT),
}

# Large enough for every finite float with 6 decimals (1.8e308 has 309 digits).
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)


def soort(kolom, reeks=None) -> str:
    """What ``kolom`` holds: one of the soorten in :data:`DECIMALEN`, or ``"tekst"``.

    Known names first (:data:`KOLOM_SOORTEN`, an indicator key of
    :data:`wijkdata.model.schema.INDICATOREN` by its unit), then the form of the name
    (``*_pct``, ``pct_*``, ``… (%)``, ``*_ondergrens``, ``… (m)``, ``afstand…``,
    ``… per 1.000 …``). An unknown column is ``getal`` when ``reeks`` holds numbers with a
    fraction (or no ``reeks`` is given), ``aantal`` when it holds whole numbers only, and
    ``tekst`` when it holds no numbers.

    Examples
    --------
    >>> soort("afstand_initiatief_m"), soort("Eenzaam (%)"), soort("Inwoners")
    ('afstand', 'procent', 'aantal')
    """
    known = _soort_van_naam(kolom)
    if known is not None:
        return known
    return GETAL if reeks is None else _soort_van_reeks(reeks)


def _soort_van_naam(kolom) -> str | None:
    from wijkdata.model.schema import INDICATOREN

    name = str(kolom).strip().lower()
    if name in KOLOM_SOORTEN:
        return KOLOM_SOORTEN[name]
    if name in INDICATOREN:
        return PROCENT if INDICATOREN[name].unit == "%" else AANTAL
    if (name.endswith(("_pct", "_ondergrens", "_bovengrens", "%)"))
            or name.startswith("pct_")):
        return PROCENT
    if "per 1.000" in name or "per_1000" in name:
        return PER_1000
    if name.endswith(("(m)", "_m")) or name.startswith("afstand"):
        return AFSTAND
    return None


def _soort_van_reeks(reeks) -> str:
    import pandas as pd

    series = pd.Series(reeks)
    if pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean":
        return TEKST
    if pd.api.types.is_integer_dtype(series):
        return AANTAL
    if not pd.api.types.is_numeric_dtype(series):
        return TEKST
    values = pd.to_numeric(series, errors="coerce")
    values = values[values.map(_finite)]
    if len(values) and bool((values == values.round()).all()):
        return AANTAL
    return GETAL


def _finite(value) -> bool:
    return _decimal(value) is not None


def _decimal(value) -> Decimal | None:
    """``value`` as an exact Decimal of the number as written, or None when missing."""
    if value is None or isinstance(value, (str, bytes)) and not str(value).strip():
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) \
            and abs(int(value)) <= 2 ** 53:
        # Beyond 2**53 an integer goes through float below, as the rounded number does, so
        # text and number stay the same value.
        return Decimal(int(value))
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number):
        return None
    if number.is_integer() and abs(number) < 2 ** 53:
        return Decimal(int(number))
    # repr gives the shortest text that reads back as the same float: 0.15, not
    # 0.1499999999999999944488848768742172978818416595458984375.
    return Decimal(repr(number))


def _quantize(number: Decimal, decimals: int) -> Decimal:
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP,
                              context=_CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded   # never "-0,0"


def _afstand(number: Decimal) -> Decimal:
    metres = _quantize(number, -1)
    return metres if abs(metres) < 1000 else _quantize(number, -2)


def _rond_decimal(soort_: str, value) -> Decimal | None:
    number = _decimal(value)
    if number is None:
        return None
    if soort_ == AFSTAND:
        return _afstand(number)
    return _quantize(number, DECIMALEN.get(soort_, DECIMALEN[GETAL]))


def rond_waarde(soort_: str, value):
    """``value`` rounded by the rule of ``soort_``: an int for ``aantal``, ``jaar`` and
    ``afstand``, a float otherwise, None when missing.

    Examples
    --------
    >>> rond_waarde("afstand", 155), rond_waarde("procent", 0.05), rond_waarde("aantal", 2.5)
    (160, 0.1, 3)
    """
    if soort_ == TEKST:
        return value
    number = _rond_decimal(soort_, value)
    if number is None:
        return None
    if soort_ in (AANTAL, JAAR, AFSTAND):
        return int(number)
    return float(number)


def rond(kolom, value):
    """``value`` of column ``kolom`` rounded by the rule (see the module docstring).

    Examples
    --------
    >>> rond("afstand_initiatief_m", 155), rond("eenzaam_pct", 12.25), rond("inwoners", 1745.0)
    (160, 12.3, 1745)
    >>> rond("eenzaam_pct", float("nan")) is None
    True
    """
    return rond_waarde(soort(kolom), value)


def rond_reeks(kolom, reeks):
    """A whole column rounded: ``Int64`` for counts, years and distances, float for the
    rest, missing as ``<NA>``/NaN (never 0). Text columns come back unchanged."""
    import pandas as pd

    series = reeks if isinstance(reeks, pd.Series) else pd.Series(reeks)
    soort_ = soort(kolom, series)
    if soort_ == TEKST:
        return series
    values = [rond_waarde(soort_, v) for v in series]
    if soort_ in (AANTAL, JAAR, AFSTAND):
        return pd.Series(values, index=series.index, dtype="Int64", name=series.name)
    return pd.Series([math.nan if v is None else v for v in values], index=series.index,
                     dtype=float, name=series.name)


def _text(number: Decimal, decimals: int, thousands: bool = True) -> str:
    text = format(number, f"{',' if thousands else ''}.{max(decimals, 0)}f")
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def fmt_waarde(soort_: str, value, *, eenheid: bool = True, duizendtallen: bool = True,
               missing: str = GEEN_GEGEVENS) -> str:
    """``value`` as Dutch text by the rule of ``soort_``; with ``eenheid`` the unit is
    written too (``%``, ``m``/``km``), for a column whose header does not say it.
    ``duizendtallen=False`` leaves out the thousands dots (for a CSV cell: ``1745``)."""
    if soort_ == TEKST:
        return missing if is_missing(value) else str(value)
    number = _rond_decimal(soort_, value)
    if number is None:
        return missing
    thousands = duizendtallen and soort_ not in (JAAR, COORDINAAT)
    if soort_ == AFSTAND:
        if eenheid and abs(number) >= 1000:
            return f"{_text(number.scaleb(-3), 1, thousands)} km"
        text = _text(number, 0, thousands)
        return f"{text} m" if eenheid else text
    decimals = max(DECIMALEN.get(soort_, DECIMALEN[GETAL]), 0)
    text = _text(number, decimals, thousands)
    return f"{text}%" if soort_ == PROCENT and eenheid else text


def fmt_kolom(kolom, value, *, eenheid: bool | None = None,
              missing: str = GEEN_GEGEVENS) -> str:
    """``value`` of column ``kolom`` as Dutch text, rounded by :func:`rond`.

    ``eenheid=None`` writes the unit unless the header already names it in brackets
    (``Eenzaam (%)``, ``Dichtstbijzijnde initiatief (m)``).

    Examples
    --------
    >>> fmt_kolom("afstand_initiatief_m", 155), fmt_kolom("afstand_initiatief_m", 1249)
    ('160 m', '1,2 km')
    >>> fmt_kolom("Eenzaam (%)", 12.25), fmt_kolom("eenzaam_pct", 12.25)
    ('12,3', '12,3%')
    >>> fmt_kolom("inwoners", 1745.0), fmt_kolom("inwoners", None)
    ('1.745', 'geen gegevens')
    """
    if eenheid is None:
        eenheid = not re.search(r"\((%|m|km)\)\s*$", str(kolom))
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nee"
    soort_ = _soort_van_naam(kolom)
    if soort_ is None:
        # An unknown column: a number is a number, anything else is shown as written.
        soort_ = GETAL if isinstance(value, numbers.Number) else TEKST
    return fmt_waarde(soort_, value, eenheid=eenheid, missing=missing)


def kolom_formatter(kolom, reeks=None, *, missing: str = GEEN_GEGEVENS):
    """A function value → Dutch text for every cell of one column, for a table on screen
    (``Styler.format``): the rule is found once, from the name and, for an unknown column,
    from ``reeks`` (whole numbers only: ``aantal``). The same text as :func:`fmt_kolom`.

    Examples
    --------
    >>> import pandas as pd
    >>> fmt = kolom_formatter("Rijen", pd.Series([3.0, None]))
    >>> fmt(1745.0), fmt(None)
    ('1.745', 'geen gegevens')
    """
    soort_ = soort(kolom, reeks)
    eenheid = not re.search(r"\((%|m|km)\)\s*$", str(kolom))

    def fmt(value) -> str:
        if isinstance(value, (bool, np.bool_)):
            return "ja" if value else "nee"
        if soort_ == TEKST or (isinstance(value, str) and _decimal(value) is None):
            return missing if is_missing(value) else str(value)
        return fmt_waarde(soort_, value, eenheid=eenheid, missing=missing)

    return fmt


def is_missing(value) -> bool:
    """The one test for a gap: None, NaN, pd.NA and NaT are missing; a list or an array is a
    value. Every module that shows or exports a cell asks this, so no gap becomes "nan"."""
    if value is None:
        return True
    try:
        import pandas as pd
        return bool(pd.isna(value))
    except (TypeError, ValueError):      # a list or an array is a value
        return False


def _missing(value) -> bool:
    return _decimal(value) is None


def fmt_getal(value, decimals: int = 0, missing: str = GEEN_GEGEVENS) -> str:
    """1234.5 → '1.234,5' (decimals=1); thousands with a dot, decimal comma, half up."""
    number = _decimal(value)
    if number is None:
        return missing
    return _text(_quantize(number, decimals), decimals)


def fmt_bestandsgrootte(size: int) -> str:
    """A file size in bytes as Dutch text, in binary units (1 kB = 1024 bytes, as file
    managers and Streamlit's upload limit count them): below 1 MB whole kilobytes (at least
    1 kB: an empty file is refused before it is shown); from 1 MB one decimal, from 100 MB
    whole megabytes.

    >>> fmt_bestandsgrootte(300), fmt_bestandsgrootte(1_572_864), fmt_bestandsgrootte(2 * 1024**3)
    ('1 kB', '1,5 MB', '2.048 MB')
    """
    # The thresholds sit half a unit early, so a size never reads "1.024 kB" or "100,0 MB".
    if size < 1023.5 * 1024:
        return f"{fmt_getal(max(1, size / 1024))} kB"
    megabytes = size / 1024**2
    return f"{fmt_getal(megabytes, 1 if megabytes < 99.95 else 0)} MB"


def fmt_pct(value, decimals: int = 1, missing: str = GEEN_GEGEVENS) -> str:
    """12.5 → '12,5%'."""
    if _missing(value):
        return missing
    return f"{fmt_getal(value, decimals)}%"


def fmt_verschil(value, decimals: int = 1, missing: str = GEEN_GEGEVENS) -> str:
    """A difference in percentage points with its sign: 3.24 → '+3,2 procentpunt', -0.5 →
    '-0,5 procentpunt'; a difference that rounds to 0 has no sign."""
    number = _decimal(value)
    if number is None:
        return missing
    text = fmt_getal(number, decimals)
    sign = "+" if _quantize(number, decimals) > 0 else ""
    return f"{sign}{text} procentpunt"


def fmt_interval(lower, upper, decimals: int = 1) -> str:
    """'(10,2–14,8%)' or '' when a bound is missing."""
    if _missing(lower) or _missing(upper):
        return ""
    return f"({fmt_getal(lower, decimals)}–{fmt_getal(upper, decimals)}%)"


def fmt_meters(value, missing: str = GEEN_GEGEVENS) -> str:
    """Distances by the ``afstand`` rule: '0 m', '850 m', '1,2 km'."""
    return fmt_waarde(AFSTAND, value, missing=missing)


def tijdstip(value) -> datetime | None:
    """A moment in Dutch time (Europe/Amsterdam, summer time included). A moment without a
    time zone is taken as UTC, as the store keeps it."""
    if is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TIJDZONE)


def fmt_tijdstip(value, missing: str = "") -> str:
    """'05-08-2024 14:30' in Dutch time (see :func:`tijdstip`)."""
    moment = tijdstip(value)
    return missing if moment is None else moment.strftime("%d-%m-%Y %H:%M")


def fmt_datum(value, missing: str = "") -> str:
    """A date as 'dd-mm-jjjj' ('05-08-2024'); a moment in time gives its Dutch date."""
    if is_missing(value):
        return missing
    if isinstance(value, datetime) or hasattr(value, "to_pydatetime"):
        moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        if moment.tzinfo is not None:
            moment = moment.astimezone(TIJDZONE)
        return moment.strftime("%d-%m-%Y")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return missing


def lees_getal(text: str) -> Decimal | None:
    """Dutch number text back to a number: '1.234,5' → Decimal('1234.5'); the inverse of
    :func:`fmt_getal` (a unit such as '%', 'm' or 'km' is taken off, km as metres)."""
    text = str(text).strip()
    factor = 1
    for unit, times in (("km", 1000), ("m", 1), ("%", 1)):
        if text.endswith(unit):
            text, factor = text[: -len(unit)].strip(), times
            break
    try:
        return Decimal(text.replace(".", "").replace(",", ".")) * factor
    except InvalidOperation:
        return None


