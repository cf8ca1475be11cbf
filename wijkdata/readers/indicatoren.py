"""Statistics tables: CBS Kerncijfers wijken en buurten and RIVM 50120NED, in long format.

Three shapes arrive, all already read into a frame of text cells by
:func:`textio.read_table`:

1. CBS OData *Kerncijfers wijken en buurten* (85984NED, 86165NED, ...): one row per area,
   columns ``WijkenEnBuurten``, ``Codering_3``, ``AantalInwoners_5``, ``k_65JaarOfOuder_12``,
   ``HuishoudensTotaal_29``, ``Eenpersoonshuishoudens_30``, ...
2. RIVM *Gezondheid per wijk en buurt* (50120NED, OData): one row per area, age group
   (``Leeftijd``), margin (``Marges``: value, lower or upper 95% bound) and period
   (``Perioden``), columns ``Eenzaam_27``, ``ErnstigZeerErnstigEenzaam_28``, ...
3. StatLine CSV downloads of either table, with label headers such as
   ``Bevolking/Aantal inwoners (aantal)`` or ``Eenzaam (%)``, with a ``Nederland`` row coded
   ``NL00`` (read as Nederland, :data:`codes.NEDERLAND`).
4. CBS's Excel edition of the Kerncijfers (``kwb-2024.xlsx``): one row per area, short
   lower-case columns ``gwb_code_10``, ``regio`` (name), ``gm_naam``, ``recs`` (level),
   ``a_inw``, ``a_65_oo``, ``a_hh``, ``a_1p_hh`` (all counts), '.' for missing. The year
   comes from the file name, else the sheet name.

RIVM's predecessor table 50090NED has other suffixes (``Eenzaam_28``, ``SociaalEenzaam_31``)
and, exported to Excel, values as padded text (``'    47.1'``, missing ``'       .'``): the
stems and :func:`textio.parse_number` read it like 50120NED.

A column is recognised by a *key*: the last part of a nested label, without its unit in
parentheses and without the CBS ``_N`` suffix, lower-cased without spaces or punctuation.
``Eenpersoonshuishoudens_30``, ``Eenpersoonshuishoudens_29`` and
``Huishoudens/Eenpersoonshuishoudens (aantal)`` all give ``eenpersoonshuishoudens``. The
suffixes change from year to year, so they are never part of a key.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wijkdata.errors import Rapport, WijkdataError
from wijkdata.model import codes
from wijkdata.model.schema import (
    BOVENGRENS,
    BRON,
    CODE,
    GEMEENTENAAM,
    INDICATOR,
    INDICATOREN,
    INDICATOREN_COLUMNS,
    LEEFTIJD,
    LEEFTIJD_ALLE,
    LEEFTIJDEN,
    NAAM,
    NIVEAU,
    ONDERGRENS,
    PERIODE,
    WAARDE,
)
from wijkdata.readers import textio
from wijkdata.readers.base import Ingelezen

__all__ = ["looks_like_indicatoren", "read_indicatoren", "TABLE_YEARS"]

OUTPUT_COLUMNS = INDICATOREN_COLUMNS + [NIVEAU, NAAM, GEMEENTENAAM]

# Kerncijfers wijken en buurten: the table has no period column, the table id tells the year.
TABLE_YEARS = {
    "84583NED": 2019, "84799NED": 2020, "85039NED": 2021, "85318NED": 2022,
    "85618NED": 2023, "85984NED": 2024, "86165NED": 2025,
}

# Column key → role. Keys of OData names and of StatLine labels are both listed where they
# differ (``ErnstigZeerErnstigEenzaam`` vs. "Ernstig tot zeer ernstig eenzaam").
_DIMENSIONS = {
    "codering": "code",
    "wijkenenbuurten": "gebied",
    "gemeentenaam": "gemeentenaam",
    "soortregio": "soortregio",
    "leeftijd": "leeftijd",
    "marges": "marges",
    "perioden": "perioden",
    # CBS Excel edition kwb-YYYY.xlsx: gwb_code_10 / gwb_code (code), regio (the area's own
    # name), gm_naam, recs (Gemeente / Wijk / Buurt). gwb_code_8 has the same key as
    # gwb_code_10 once the _N suffix is gone, so the first of them (gwb_code_10) is taken.
    "gwbcode": "code",
    "regio": "naam",
    "gmnaam": "gemeentenaam",
    "recs": "soortregio",
}
_RIVM_COLUMNS = {
    "eenzaam": "eenzaam",
    "ernstigzeerernstigeenzaam": "ernstig_eenzaam",
    "ernstigtotzeerernstigeenzaam": "ernstig_eenzaam",
    "ernstigeenzaam": "ernstig_eenzaam",
    "emotioneeleenzaam": "emotioneel_eenzaam",
    "sociaaleenzaam": "sociaal_eenzaam",
    "mantelzorger": "mantelzorger",
    "vrijwilligerswerk": "vrijwilligerswerk",
    "mistemotionelesteun": "mist_emotionele_steun",
}
# CBS columns are inputs, not all indicators: the 65+ column is a count of persons that
# becomes pct_65plus, the one-person households column a count or a percentage.
_CBS_COLUMNS = {
    "aantalinwoners": "inwoners",
    "k65jaarofouder": "aantal_65plus",
    "65jaarofouder": "aantal_65plus",
    "huishoudenstotaal": "huishoudens",
    "eenpersoonshuishoudens": "eenpersoonshuishoudens",
    # kwb-YYYY.xlsx: a_ columns are counts (aantal), also a_65_oo and a_1p_hh.
    "ainw": "inwoners",
    "a65oo": "aantal_65plus",
    "ahh": "huishoudens",
    "a1phh": "eenpersoonshuishoudens",
}
_KWB_COUNTS = {"ainw", "a65oo", "ahh", "a1phh"}
_ROLES = _DIMENSIONS | _RIVM_COLUMNS | _CBS_COLUMNS
_INPUT_ROLES = set(_RIVM_COLUMNS.values()) | set(_CBS_COLUMNS.values())

# 50120NED dimension codes, and the labels a StatLine download or cbsodata shows instead.
_LEEFTIJD_CODES = {"20300": "18+", "53115": "18-64", "80200": "65+"}
_LEEFTIJD_LABELS = {
    "18 jaar of ouder": "18+", "18 jaar en ouder": "18+", "18": "18+", "18 plus": "18+",
    "18 tot 65 jaar": "18-64", "18 64 jaar": "18-64", "18 64": "18-64",
    "18 tot en met 64 jaar": "18-64",
    "65 jaar of ouder": "65+", "65 jaar en ouder": "65+", "65": "65+", "65 plus": "65+",
}
_MARGE_CODES = {"MW00000": WAARDE, "MOG0095": ONDERGRENS, "MBG0095": BOVENGRENS}
_MARGES = [WAARDE, ONDERGRENS, BOVENGRENS]
_PERIODE = re.compile(r"^(\d{4})\s*(JJ00|\*)?$", re.IGNORECASE)
_SOORT_REGIO = {"gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt", "land": "land",
                "nederland": "land"}

# Eenpersoonshuishoudens is a count in the Kerncijfers tables from 2020 on (checked against
# public code reading 84799NED and later); older tables gave a percentage. Used only when
# the values themselves cannot tell (see _eenpersoons_is_count).
_EENPERSOONS_COUNT_FROM = 2020

_EXPECTED_COLUMNS = (
    "CBS Kerncijfers: AantalInwoners, k_65JaarOfOuder, HuishoudensTotaal, "
    "Eenpersoonshuishoudens; RIVM 50120NED: Eenzaam, ErnstigZeerErnstigEenzaam, "
    "EmotioneelEenzaam, SociaalEenzaam, Mantelzorger, Vrijwilligerswerk, MistEmotioneleSteun "
    "(met of zonder _nummer erachter), of de kopjes van een StatLine-download zoals "
    "'Bevolking/Aantal inwoners (aantal)' of 'Eenzaam (%)'")


def _column_key(header: str) -> tuple[str, str | None]:
    """(key, unit) of a header; unit is '%', 'aantal', another word, or None when absent.

    >>> _column_key("Huishoudens/Eenpersoonshuishoudens (%)")
    ('eenpersoonshuishoudens', '%')
    >>> _column_key("k_65JaarOfOuder_12")
    ('k65jaarofouder', None)
    """
    last = str(header).split("/")[-1].strip()
    unit = None
    match = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", last)
    if match:
        last, unit_text = match.group(1), match.group(2)
        if "%" in unit_text or "procent" in unit_text.lower():
            unit = "%"
        else:
            unit = textio.normalise_header(unit_text)
            unit = "aantal" if "aantal" in unit else unit
    key = textio.normalise_header(textio.stem(last)).replace(" ", "")
    return key, unit


def _roles(columns) -> tuple[dict[str, str], dict[str, str | None]]:
    """role → first column with that role, and role → unit of that column."""
    found: dict[str, str] = {}
    units: dict[str, str | None] = {}
    for column in columns:
        key, unit = _column_key(column)
        role = _ROLES.get(key)
        if role and role not in found:
            found[role] = column
            units[role] = "aantal" if key in _KWB_COUNTS else unit
    return found, units


def looks_like_indicatoren(columns: list[str]) -> bool:
    """True for a CBS Kerncijfers or RIVM 50120NED/50090NED table, as OData, StatLine
    download or CBS's kwb-YYYY.xlsx: at least one known figure column and a column with the
    area ('Codering', 'WijkenEnBuurten' or 'gwb_code_10'). A boundary file with
    ``aantal_inwoners`` but no such column is not a statistics table."""
    found, _ = _roles(columns)
    return bool(_INPUT_ROLES & found.keys()) and bool({"code", "gebied"} & found.keys())


def read_indicatoren(raw: pd.DataFrame, filename: str, *,
                     periode: int | None = None) -> Ingelezen:
    """Read a CBS or RIVM statistics table into long indicator rows.

    Output columns, one row per (code, indicator, periode, leeftijd):

    - :data:`columns.INDICATOREN_COLUMNS`: ``code`` (clean CBS code; Nederland is
      ``NL01`` also where the file says ``NL00``), ``indicator``, ``periode`` (int year),
      ``leeftijd`` ('18+', '18-64', '65+'; 'alle' for CBS figures), ``waarde``,
      ``ondergrens``, ``bovengrens`` (floats, NaN when missing), ``bron``;
    - ``niveau``: 'buurt', 'wijk', 'gemeente' or 'land', from the code;
    - ``naam``: the area's name where the file has one (``regio`` in kwb, the
      ``WijkenEnBuurten`` label in a StatLine download, ``Gemeentenaam_1`` on gemeente rows,
      'Nederland' for the country), else '' (OData buurt rows carry only the code);
    - ``gemeentenaam``: the name of the row's gemeente (``Gemeentenaam_1``, ``gm_naam``, or
      the gemeente row of the same file), '' when unknown and for Nederland — so a
      gemeentenaam reaches the screen when the boundaries (PDOK) have none.

    Units: counts for ``inwoners`` and ``huishoudens``, percentages (0–100) for all others.
    Derived figures:

    - ``pct_65plus = k_65JaarOfOuder / AantalInwoners * 100`` (NaN when either is missing
      or there are no inwoners);
    - ``pct_eenpersoonshuishoudens = Eenpersoonshuishoudens / HuishoudensTotaal * 100``
      when the column is a count, the column itself when it is a percentage.

    Missing values (StatLine '.', 'x', empty, null, padded text such as ``'       .'``)
    stay NaN; only '-' is 0. A figure column empty in every row is left out with a warning
    naming it; so is an indicator for a period in which every row is empty (sociaal
    eenzaam in 2012). Rows with an error are left out and reported in ``rapport``; a file
    without any known figure column or without area codes raises :class:`WijkdataError`.

    Work is done per column (and per distinct value where parsing is needed), never per
    cell of the whole table: a national RIVM file (17,341 × 43) reads in about a second.
    """
    rapport = Rapport()
    sheet = raw.attrs.get("sheet") if isinstance(raw.attrs, dict) else None
    found, units = _roles(raw.columns)
    # Only the recognised columns are used: converting the rest would cost time for nothing.
    raw = raw[list(dict.fromkeys(found.values()))].astype(str)
    inputs = [role for role in found if role in _INPUT_ROLES]
    if not inputs:
        raise WijkdataError(
            f"In '{filename}' staat geen kolom met cijfers die dit programma kent. "
            f"Verwacht bijvoorbeeld: {_EXPECTED_COLUMNS}.")
    rows = _spreadsheet_rows(raw)
    table_id = _table_id(filename)
    is_rivm = any(role in _RIVM_COLUMNS.values() for role in inputs)
    statline = any(" " in found[role] or "/" in found[role] for role in found)

    code_column = _code_column(raw, found, filename)
    base = pd.DataFrame({"row": rows}, index=raw.index)
    base[CODE], base[NIVEAU] = _codes(raw[code_column], code_column, rows, rapport)
    base[NAAM] = _names(raw, found, code_column, base)
    base[GEMEENTENAAM] = _gemeentenamen(raw, found, base)
    _check_soort_regio(raw, found, base, rapport)

    file_periode = None
    if "perioden" in found:
        base[PERIODE] = _map_cells(raw[found["perioden"]], _parse_periode, found["perioden"],
                                   rows, rapport, "Onbekende periode '{}'; verwacht een jaar, "
                                   "zoals 2022 of 2022JJ00.")
    else:
        file_periode = _file_periode(filename, periode, rapport, sheet)
        base[PERIODE] = np.nan if file_periode is None else file_periode

    if "leeftijd" in found:
        base[LEEFTIJD] = _map_cells(
            raw[found["leeftijd"]], _parse_leeftijd, found["leeftijd"], rows, rapport,
            "Onbekende leeftijdsgroep '{}'; verwacht 18 jaar of ouder (20300), "
            "18 tot 65 jaar (53115) of 65 jaar of ouder (80200).")
    elif is_rivm:
        base[LEEFTIJD] = "18+"
        rapport.warning("Er is geen kolom 'Leeftijd': aangenomen dat de cijfers over "
                        "volwassenen van 18 jaar of ouder gaan.")
    else:
        base[LEEFTIJD] = LEEFTIJD_ALLE

    if "marges" in found:
        base["marge"] = _map_cells(
            raw[found["marges"]], _parse_marge, found["marges"], rows, rapport,
            "Onbekende marge '{}'; verwacht Waarde (MW00000), Ondergrens (MOG0095) of "
            "Bovengrens (MBG0095).")
    else:
        base["marge"] = WAARDE

    values, sources = _indicator_values(raw, found, units, base, file_periode, rapport)
    _check_duplicates(base, rapport)

    bron = _bron(is_rivm, table_id)
    frame = _long_frame(base, values, sources, bron, rapport)
    # Problems in file order, as the user will go through the file.
    rapport.errors.sort(key=lambda p: -1 if p.row is None else p.row)
    rapport.warnings.sort(key=lambda p: -1 if p.row is None else p.row)
    name = ("RIVM Gezondheid per wijk en buurt" if is_rivm
            else "CBS Kerncijfers wijken en buurten")
    kwb = "code" in found and textio.normalise_header(found["code"]).startswith("gwb")
    details = [d for d in (table_id, "StatLine-download" if statline else None,
                           "Excel-editie kwb" if kwb else None) if d]
    source_format = f"{name} ({', '.join(details)})" if details else name
    return Ingelezen("indicatoren", frame, rapport, rows=len(raw), source_format=source_format)


def _spreadsheet_rows(raw: pd.DataFrame) -> pd.Series:
    # textio drops rows that are empty everywhere but keeps the other rows' index labels, so
    # the label (not the position) is the data row's place in the file.
    if pd.api.types.is_integer_dtype(raw.index):
        labels = list(raw.index)
    else:
        labels = list(range(len(raw)))
    return pd.Series([textio.spreadsheet_row(i) for i in labels], index=raw.index)


def _table_id(filename: str) -> str | None:
    match = re.search(r"(\d{5}NED)", filename, re.IGNORECASE)
    return match.group(1).upper() if match else None


def _file_periode(filename: str, periode: int | None, rapport: Rapport,
                  sheet: str | None = None) -> int | None:
    """The year of a table without a period column: from the known table id, else a year
    20xx in the file name (``kwb-2024.xlsx``), else in the sheet name (``kwb-2024``), else
    the ``periode`` argument."""
    table_id = _table_id(filename)
    found = TABLE_YEARS.get(table_id) if table_id else None
    for text in (filename, sheet or ""):
        if found is not None:
            break
        match = re.search(r"(?<!\d)(20\d{2})(?!\d)", text)
        found = int(match.group(1)) if match else None
    if found is None:
        if periode is None:
            rapport.error(
                f"Het jaar van de cijfers in '{filename}' is onbekend: de tabel heeft geen "
                "kolom 'Perioden' en de bestandsnaam noemt geen jaar of bekend tabelnummer. "
                "Zet het jaar in de bestandsnaam (bijvoorbeeld kerncijfers_2024.csv) of geef "
                "het jaar op (op de opdrachtregel met --period).")
        return periode
    if periode is not None and int(periode) != found:
        rapport.warning(f"Opgegeven jaar {periode} wijkt af van het jaar {found} dat uit de "
                        f"bestandsnaam '{filename}' blijkt; {found} is gebruikt.")
    return found


def _code_column(raw: pd.DataFrame, found: dict[str, str], filename: str) -> str:
    """'Codering' when present, else 'WijkenEnBuurten' when it holds codes (as in OData
    TypedDataSet, where it is the padded code; cbsodata and StatLine put the name there)."""
    if "code" in found:
        return found["code"]
    if "gebied" in found:
        cells = raw[found["gebied"]]
        filled = cells[cells != ""]
        valid = codes.niveaus(codes.clean_codes(filled)).notna()
        if len(filled) and valid.mean() >= 0.5:
            return found["gebied"]
    raise WijkdataError(
        f"In '{filename}' staan geen gebiedscodes (zoals BU00340101): verwacht een kolom "
        "'Codering' (in een StatLine-download 'Regioaanduiding/Codering (code)') of codes in "
        "de kolom 'WijkenEnBuurten'. Alleen namen zijn niet genoeg om de cijfers aan de juiste "
        "buurten te koppelen: download de tabel opnieuw met de codering erbij.")


def _codes(cells: pd.Series, column: str, rows: pd.Series,
           rapport: Rapport) -> tuple[pd.Series, pd.Series]:
    cleaned = codes.clean_codes(cells)
    levels = codes.niveaus(cleaned)
    for index in levels.index[levels.isna()]:
        value = cells[index]
        what = f"'{value}' is geen geldige gebiedscode" if value else "De gebiedscode ontbreekt"
        rapport.error(f"{what}; verwacht {codes.EXPECTED_FORM[None]}.",
                      row=int(rows[index]), column=column, value=value)
    return cleaned.where(levels.notna()), levels


def _names(raw: pd.DataFrame, found: dict[str, str], code_column: str,
           base: pd.DataFrame) -> pd.Series:
    """The area name: 'WijkenEnBuurten' when it holds a name rather than the code, else the
    gemeentenaam for gemeente rows and 'Nederland' for the country."""
    names = pd.Series("", index=raw.index, dtype=object)
    if "naam" in found:
        names = raw[found["naam"]].astype(object)
    elif "gebied" in found and found["gebied"] != code_column:
        cells = raw[found["gebied"]].astype(object)
        is_code = codes.niveaus(codes.clean_codes(cells)).notna()
        names = cells.where(~is_code, "")
    if "gemeentenaam" in found:
        gemeente = (names == "") & (base[NIVEAU] == "gemeente")
        names = names.where(~gemeente, raw[found["gemeentenaam"]])
    names = names.where(~((names == "") & (base[NIVEAU] == "land")), "Nederland")
    return names.astype(str)


def _gemeentenamen(raw: pd.DataFrame, found: dict[str, str], base: pd.DataFrame) -> pd.Series:
    """The gemeentenaam of each row's gemeente: the file's gemeentenaam column, else the name
    of the gemeente row with the same gemeentecode in this file; '' for Nederland and where
    neither is known."""
    niveau = base[NIVEAU]
    if "gemeentenaam" in found:
        names = raw[found["gemeentenaam"]].astype(object)
    else:
        names = pd.Series("", index=raw.index, dtype=object)
    is_gemeente = niveau == "gemeente"
    names = names.where(~(is_gemeente & (names == "")), base[NAAM])
    known = base[CODE].where(is_gemeente & (names != ""))
    lookup = dict(zip(known.dropna(), names[known.notna()]))
    lower = niveau.isin(["wijk", "buurt"]) & (names == "")
    if lower.any() and lookup:
        parent = codes.gemeentecodes(base.loc[lower, CODE].astype(str))
        names = names.where(~lower, parent.map(lookup))
    names = names.where(niveau.isin(["gemeente", "wijk", "buurt"]), "")
    return names.fillna("").astype(object)


def _check_soort_regio(raw, found, base, rapport: Rapport) -> None:
    # The level is taken from the code; SoortRegio says the same in a sound file.
    if "soortregio" not in found:
        return
    cells = raw[found["soortregio"]]
    soort = cells.map({v: _SOORT_REGIO.get(textio.normalise_header(v)) for v in cells.unique()})
    differs = soort.notna() & base[NIVEAU].notna() & (soort != base[NIVEAU])
    if differs.any():
        first = differs.idxmax()
        rapport.warning(
            f"Bij {int(differs.sum())} rijen past de soort regio niet bij de code (eerste: "
            f"'{raw.at[first, found['soortregio']]}' bij {base.at[first, CODE]}); het niveau "
            "is uit de code genomen.", row=int(base.at[first, "row"]),
            column=found["soortregio"], code=base.at[first, CODE])


def _parse_periode(value: str) -> int | None:
    match = _PERIODE.match(value.strip())
    return int(match.group(1)) if match else None


def _parse_leeftijd(value: str) -> str | None:
    value = value.strip()
    if value in _LEEFTIJD_CODES:
        return _LEEFTIJD_CODES[value]
    if value in LEEFTIJDEN:
        return value
    return _LEEFTIJD_LABELS.get(textio.normalise_header(value))


def _parse_marge(value: str) -> str | None:
    value = value.strip()
    if value.upper() in _MARGE_CODES:
        return _MARGE_CODES[value.upper()]
    folded = textio.normalise_header(value)
    for marge in _MARGES:
        if folded.startswith(marge):
            return marge
    return None


def _map_cells(cells: pd.Series, parse, column: str, rows: pd.Series, rapport: Rapport,
               message: str) -> pd.Series:
    """Parse a dimension column through its distinct values; unknown values are row errors
    and NaN."""
    lookup = {v: parse(v) for v in cells.unique()}
    mapped = cells.map(lookup)
    for index in mapped.index[mapped.isna()]:
        rapport.error(message.format(cells[index]), row=int(rows[index]), column=column,
                      value=cells[index])
    return mapped.astype(object)


def _numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Floats (NaN for missing) and a mask of cells that are not numbers at all.

    Plain numbers go through a fast vectorised path; everything else (StatLine symbols,
    thousands separators, text) through :func:`textio.parse_number`, which decides.
    """
    text = cells.astype(str)
    fast = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    fast = fast.astype(float)
    simple = fast.notna() & np.isfinite(fast) & (text.str.count(r"[.,]") <= 1)
    result = fast.where(simple)
    result = result.where(~(result <= textio.CBS_MISSING_THRESHOLD))
    slow = text[~simple]
    lookup = {v: textio.parse_number(v) for v in slow.unique()}
    not_numbers = {v for v, parsed in lookup.items() if parsed is None}
    result[~simple] = slow.map({v: np.nan if p is None else p for v, p in lookup.items()})
    bad = ~simple & text.isin(not_numbers)
    return result.astype(float), bad


def _code(base: pd.DataFrame, index) -> str | None:
    code = base.at[index, CODE]
    return None if pd.isna(code) else code


def _fmt(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def _indicator_values(raw, found, units, base, file_periode,
                      rapport) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """Indicator key → float series over the rows of ``raw``, after checking every cell;
    and indicator key → the file column it comes from."""
    rows = base["row"]
    parsed: dict[str, pd.Series] = {}
    empty: list[str] = []
    for role in [r for r in found if r in _INPUT_ROLES]:
        column = found[role]
        numbers, bad = _numbers(raw[column])
        for index in bad.index[bad]:
            rapport.error(f"'{raw.at[index, column]}' is geen getal; verwacht een getal, zoals "
                          "12,5 (of '.' als het cijfer ontbreekt).", row=int(rows[index]),
                          column=column, code=_code(base, index), value=raw.at[index, column])
        if len(numbers) and numbers.isna().all() and not bad.any():
            # Not measured (RIVM's sociaal eenzaam before 2016), or left out of the export:
            # rows of missing values would look like gaps in the data, so say it instead.
            rapport.warning(f"{column} is in elke rij leeg: in dit bestand staat voor dit "
                            "cijfer geen enkele waarde (zo meet RIVM sociaal eenzaam pas "
                            "vanaf 2016). De kolom is overgeslagen.", column=column)
            empty.append(column)
            continue
        parsed[role] = numbers

    def is_percentage(role: str) -> bool:
        return role in _RIVM_COLUMNS.values() or units.get(role) == "%"

    if "eenpersoonshuishoudens" in parsed and units.get("eenpersoonshuishoudens") is None:
        as_count = _eenpersoons_is_count(parsed["eenpersoonshuishoudens"],
                                         parsed.get("huishoudens"), file_periode, rapport)
        units["eenpersoonshuishoudens"] = "aantal" if as_count else "%"

    for role, numbers in parsed.items():
        column = found[role]
        if is_percentage(role):
            wrong, expected = (numbers < 0) | (numbers > 100), "een percentage van 0 tot en met 100"
            what = "ligt niet tussen 0 en 100"
        else:
            wrong, expected = numbers < 0, "een aantal van 0 of meer"
            what = "is negatief"
        for index in wrong.index[wrong]:
            rapport.error(f"{_fmt(numbers[index])} {what}; verwacht {expected}.",
                          row=int(rows[index]), column=column, code=_code(base, index),
                          value=raw.at[index, column])

    values: dict[str, pd.Series] = {}
    sources = {role: found[role] for role in parsed} | {
        "pct_65plus": found.get("aantal_65plus"),
        "pct_eenpersoonshuishoudens": found.get("eenpersoonshuishoudens")}
    for role in ("inwoners", "huishoudens", *_RIVM_COLUMNS.values()):
        if role in parsed:
            values[role] = parsed[role]
    if "aantal_65plus" in parsed:
        if is_percentage("aantal_65plus"):
            values["pct_65plus"] = parsed["aantal_65plus"]
        elif "inwoners" in parsed:
            values["pct_65plus"] = _share(parsed["aantal_65plus"], parsed["inwoners"],
                                          found["aantal_65plus"], "65-plussers", "inwoners",
                                          raw, base, rapport)
        else:
            rapport.warning(f"De kolom '{found['aantal_65plus']}' telt personen van 65 jaar of "
                            "ouder, maar er is geen kolom met het aantal inwoners: het "
                            "percentage 65-plussers kan niet berekend worden.")
    if "eenpersoonshuishoudens" in parsed:
        if is_percentage("eenpersoonshuishoudens"):
            values["pct_eenpersoonshuishoudens"] = parsed["eenpersoonshuishoudens"]
        elif "huishoudens" in parsed:
            values["pct_eenpersoonshuishoudens"] = _share(
                parsed["eenpersoonshuishoudens"], parsed["huishoudens"],
                found["eenpersoonshuishoudens"], "eenpersoonshuishoudens", "huishoudens",
                raw, base, rapport)
        else:
            rapport.warning(f"De kolom '{found['eenpersoonshuishoudens']}' telt "
                            "eenpersoonshuishoudens, maar er is geen kolom met het totaal "
                            "aantal huishoudens: het percentage kan niet berekend worden.")
    if not values and empty and not parsed:
        raise WijkdataError(f"Alle kolommen met cijfers zijn in elke rij leeg ("
                            f"{', '.join(empty)}): er is niets in te lezen.", rapport.errors,
                            rapport.warnings)
    if not values:
        raise WijkdataError("Uit de kolommen van dit bestand is geen enkel cijfer te halen. "
                            f"Verwacht bijvoorbeeld: {_EXPECTED_COLUMNS}.", rapport.errors,
                            rapport.warnings)
    return values, sources


def _share(part: pd.Series, total: pd.Series, column: str, part_name: str, total_name: str,
           raw, base, rapport: Rapport) -> pd.Series:
    """``part / total * 100``; NaN when either is missing or total is 0. A part larger than
    its total is a row error."""
    share = (part / total.where(total > 0)) * 100
    for index in share.index[share > 100]:
        rapport.error(f"Meer {part_name} ({_fmt(part[index])}) dan {total_name} "
                      f"({_fmt(total[index])}); verwacht een aantal dat niet groter is dan het "
                      f"aantal {total_name}.", row=int(base.at[index, 'row']), column=column,
                      code=_code(base, index), value=raw.at[index, column])
    return share.where(share <= 100)


def _eenpersoons_is_count(values: pd.Series, totals: pd.Series | None,
                          periode: int | None, rapport: Rapport) -> bool:
    """Whether an OData ``Eenpersoonshuishoudens`` column (no unit in its name) is a count.

    Rule: a percentage never exceeds 100, and a count never exceeds the HuishoudensTotaal
    of its row (CBS rounds both counts the same way, so that stays true after rounding).
    So any value above 100 means a count; otherwise any value above its row's total means a
    percentage. When neither happens (only small buurten, or no totals), the table year
    decides: a count from 2020 on, a percentage before — with a warning, as that is an
    assumption.
    """
    if (values > 100).any():
        return True
    if totals is not None and (values > totals).any():
        return False
    as_count = periode is None or periode >= _EENPERSOONS_COUNT_FROM
    rapport.warning(
        "Uit de cijfers in de kolom Eenpersoonshuishoudens blijkt niet of het aantallen of "
        f"percentages zijn; aangenomen: {'aantallen' if as_count else 'percentages'}"
        f"{f' (tabel van {periode})' if periode else ''}. Controleer dit in de tabel bij CBS.")
    return as_count


def _check_duplicates(base: pd.DataFrame, rapport: Rapport) -> None:
    """Every row of a (code, periode, leeftijd, marge) that occurs more than once is an
    error: which of them is right cannot be known."""
    keys = [CODE, PERIODE, LEEFTIJD, "marge"]
    complete = base.dropna(subset=keys)
    duplicated = complete[complete.duplicated(keys, keep=False)]
    for _, group in duplicated.groupby(keys, sort=False):
        listed = ", ".join(str(r) for r in group["row"])
        first = group.iloc[0]
        for row in group["row"]:
            rapport.error(
                f"Deze regel staat meer dan één keer in het bestand (rijen {listed}): "
                f"gebied {first[CODE]}, periode {int(first[PERIODE])}, leeftijd "
                f"{first[LEEFTIJD]}, {first['marge']}.", row=int(row), code=first[CODE])


def _bron(is_rivm: bool, table_id: str | None):
    if is_rivm:
        text = f"RIVM/CBS {table_id}" if table_id else "RIVM/CBS Gezondheid per wijk en buurt"
        return lambda periode: text
    suffix = f" ({table_id})" if table_id else ""
    return lambda periode: f"CBS Kerncijfers wijken en buurten {periode}{suffix}"


def _long_frame(base: pd.DataFrame, values: dict[str, pd.Series], sources: dict[str, str],
                bron, rapport) -> pd.DataFrame:
    """One row per (code, indicator, periode, leeftijd) with the margins side by side; leave
    out every group that has a row with an error, and warn about bounds on the wrong side.

    The margins are matched once on the file's rows (about 17,000 in a national file), and
    each indicator is then a handful of array lookups, not a reshape of every cell.
    """
    keys = [CODE, PERIODE, LEEFTIJD]
    bad_rows = rapport.error_rows()
    # A row with an unknown margin still names its group, so that group goes as a whole;
    # a row without a valid code, period or age names no group and only goes itself.
    usable = base.dropna(subset=keys).fillna({"marge": "onbekend"})
    if usable.empty:
        return _empty()
    group = usable.groupby(keys, sort=False).ngroup()
    bad = usable["row"].isin(bad_rows)
    if bad.any():
        keep = ~bad.groupby(group).transform("any")
        usable, group = usable[keep], group[keep]
    is_value = usable["marge"] == WAARDE
    has_value = is_value.groupby(group).transform("any")
    if len(usable) and not has_value.all():
        # Bounds without their value row (the value row was broken or filtered away) are
        # not a figure to show: leave the group out rather than show bounds around nothing.
        lost = usable[~has_value].drop_duplicates(keys)
        first = lost.iloc[0]
        rapport.warning(
            f"Bij {len(lost)} combinaties van gebied, periode en leeftijd staan alleen de "
            "onder- en bovengrens, niet de waarde (Marges = MW00000); die zijn weggelaten "
            f"(eerste: {first[CODE]}, {int(first[PERIODE])}, {first[LEEFTIJD]}).",
            row=int(first["row"]), code=first[CODE])
        usable, group, is_value = usable[has_value], group[has_value], is_value[has_value]
    if usable.empty:
        return _empty()

    heads = usable[is_value]
    head_group = group[is_value].to_numpy()
    first_row = usable["row"].groupby(group).min()
    # Position (within ``usable``) of each group's lower and upper bound row, -1 for none.
    bounds = {}
    for marge in (ONDERGRENS, BOVENGRENS):
        chosen = (usable["marge"] == marge).to_numpy()
        lookup = pd.Series(np.flatnonzero(chosen), index=group.to_numpy()[chosen])
        lookup = lookup[~lookup.index.duplicated()]
        bounds[marge] = lookup.reindex(head_group).fillna(-1).astype(int).to_numpy()
    base_positions = base.index.get_indexer(usable.index)
    value_positions = np.flatnonzero(is_value.to_numpy())
    common = {
        CODE: heads[CODE].to_numpy(dtype=object), PERIODE: heads[PERIODE].astype(int).to_numpy(),
        LEEFTIJD: heads[LEEFTIJD].to_numpy(dtype=object),
        NIVEAU: heads[NIVEAU].to_numpy(dtype=object), NAAM: heads[NAAM].to_numpy(dtype=object),
        GEMEENTENAAM: heads[GEMEENTENAAM].to_numpy(dtype=object),
        "row": first_row.reindex(head_group).to_numpy(),
        "value_row": heads["row"].to_numpy(),
    }
    order = {key: i for i, key in enumerate(INDICATOREN)}
    pieces = []
    for indicator, numbers in values.items():
        cells = numbers.to_numpy(dtype=float)[base_positions]
        piece = dict(common)
        piece[INDICATOR] = np.full(len(heads), indicator, dtype=object)
        piece[WAARDE] = cells[value_positions]
        for marge, positions in bounds.items():
            piece[marge] = np.where(positions >= 0, cells[np.maximum(positions, 0)], np.nan)
        if indicator not in _RIVM_COLUMNS.values():
            piece[LEEFTIJD] = np.full(len(heads), LEEFTIJD_ALLE, dtype=object)
        piece["_order"] = np.full(len(heads), order[indicator])
        pieces.append(pd.DataFrame(piece))
    frame = pd.concat(pieces, ignore_index=True)
    frame[BRON] = frame[PERIODE].map({p: bron(p) for p in frame[PERIODE].unique()})
    frame = frame.sort_values(["row", "_order", LEEFTIJD], kind="stable")
    frame = _drop_empty_periods(frame, sources, rapport)
    _warn_bounds(frame, sources, rapport)
    frame = frame[OUTPUT_COLUMNS].reset_index(drop=True)
    for column in (WAARDE, ONDERGRENS, BOVENGRENS):
        frame[column] = frame[column].astype(float)
    frame[PERIODE] = frame[PERIODE].astype(int)
    return frame


def _drop_empty_periods(frame: pd.DataFrame, sources: dict[str, str],
                        rapport: Rapport) -> pd.DataFrame:
    """Leave out an indicator in a period where every row is empty (value and bounds): it
    was not measured then (RIVM's sociaal eenzaam in 2012), so rows of missing values would
    only look like gaps. A warning names the column and the year."""
    filled = frame[[WAARDE, ONDERGRENS, BOVENGRENS]].notna().any(axis=1)
    measured = filled.groupby([frame[INDICATOR], frame[PERIODE]]).transform("any")
    if measured.all():
        return frame
    for _, row in frame.loc[~measured, [INDICATOR, PERIODE]].drop_duplicates().iterrows():
        column = sources.get(row[INDICATOR]) or INDICATOREN[row[INDICATOR]].label
        rapport.warning(f"{column} is in {int(row[PERIODE])} in elke rij leeg: voor dat jaar "
                        "staat dit cijfer niet in het bestand en is het weggelaten.",
                        column=column)
    return frame[measured]


def _warn_bounds(frame: pd.DataFrame, sources: dict[str, str], rapport: Rapport) -> None:
    low = frame[ONDERGRENS] > frame[WAARDE]
    high = frame[WAARDE] > frame[BOVENGRENS]
    for index in frame.index[low | high]:
        row = frame.loc[index]
        if low[index]:
            what = f"de ondergrens ({_fmt(row[ONDERGRENS])}) is hoger dan de waarde"
        else:
            what = f"de bovengrens ({_fmt(row[BOVENGRENS])}) is lager dan de waarde"
        label = INDICATOREN[row[INDICATOR]].label
        rapport.warning(f"{label}, {row[PERIODE]}, leeftijd {row[LEEFTIJD]}: {what} "
                        f"({_fmt(row[WAARDE])}); controleer het bestand.",
                        row=None if pd.isna(row["value_row"]) else int(row["value_row"]),
                        column=sources.get(row[INDICATOR]), code=row[CODE])


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})
    for column in (WAARDE, ONDERGRENS, BOVENGRENS):
        frame[column] = frame[column].astype(float)
    frame[PERIODE] = frame[PERIODE].astype(int)
    return frame
