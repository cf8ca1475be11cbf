"""Reading a municipality's own list of initiatives (the "kleine wij's").

No national register exists: gemeenten, welfare organisations and neighbourhood funds keep
their lists in Excel, with Dutch headers in many spellings. This module recognises the
headers (:func:`suggest_mapping`), checks every row and reports each problem with its
spreadsheet row, and keeps personal data (AVG) out unless the analyst explicitly keeps it
for internal use.

Decisions, so that callers and tests agree:

- ``naam`` is required. ``activiteit``, ``wij_type`` and ``doelgroepen`` may be empty (stored
  as missing, one summarising warning per column); a value that is filled in must be known.
- Activities are matched case-insensitively after folding ``&``, ``+`` and ``/`` into "en",
  plus the small synonym table :data:`ACTIVITEIT_SYNONIEMEN`. ``wij_type`` accepts only
  bonding / bridging / beide (and "beiden", "bonding en bridging" for beide).
- Location per row, in this order: lat/lon (WGS84, decimal comma allowed), else RD x/y
  (EPSG:28992, metres), else only a buurtcode. Lat and lon that are clearly swapped are
  swapped back with a warning. Every row with coordinates gets all of lat, lon, x and y.
- ``locatie_verborgen`` rows keep their coordinates (needed to find the buurt); views show
  them at buurt level only.
- Dates are stored as ``datetime64`` (midnight, no time zone); a bare year means 1 January
  (start) or 31 December (end), with a warning.
- A file without a column for the name, or without any location column, raises
  :class:`~wijkdata.errors.WijkdataError`: no row could be read.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import io
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wijkdata.errors import Rapport, WijkdataError
from wijkdata.model import codes
from wijkdata.model.schema import (
    ACTIVITEITEN,
    DOELGROEPEN,
    INITIATIEF_COLUMNS,
    LAATST_BEVESTIGD,
    PERSOONSGEGEVENS_COLUMNS,
    WIJ_TYPES,
)
from wijkdata.readers.base import Ingelezen
from wijkdata.readers.textio import (
    MISSING_SYMBOLS,
    NIL_SYMBOLS,
    normalise_header,
    parse_number,
    spreadsheet_row,
)

if TYPE_CHECKING:
    import geopandas as gpd

KIND = "initiatieven"
RD_COLUMNS = ["x", "y"]
OUTPUT_COLUMNS = INITIATIEF_COLUMNS + RD_COLUMNS + ["bron_rij"]
# Read only when the file has such a column (it then follows OUTPUT_COLUMNS): the day the
# list's keeper last confirmed each initiative. Without it the list's publication day
# counts (gegevens.vul_herkomst).
OPTIONAL_COLUMNS = [LAATST_BEVESTIGD]
CANONICAL = INITIATIEF_COLUMNS + RD_COLUMNS + OPTIONAL_COLUMNS + PERSOONSGEGEVENS_COLUMNS
TEMPLATE_COLUMNS = [
    "naam", "omschrijving", "activiteit", "wij_type", "doelgroepen", "frequentie",
    "startdatum", "einddatum", "organisator", "buurtcode", "lat", "lon", "x", "y",
    "locatie_verborgen", LAATST_BEVESTIGD,
]
TEXT_COLUMNS = ["naam", "omschrijving", "frequentie", "organisator"]

# Rough boxes around the Netherlands (land and coastal water): a point outside is a typo or
# another country, never a Dutch initiative.
LON_RANGE = (3.2, 7.3)
LAT_RANGE = (50.7, 53.6)
RD_X_RANGE = (0.0, 300_000.0)
RD_Y_RANGE = (289_000.0, 629_000.0)

# Header variants as municipal lists spell them, compared after textio.normalise_header
# (lower case, accents and punctuation folded: "E-mail" -> "e mail", "wij_type" -> "wij type").
HEADER_SYNONIEMEN: dict[str, list[str]] = {
    "naam": ["naam", "naam initiatief", "initiatief", "titel", "naam van het initiatief",
             "initiatiefnaam", "naam activiteit", "name"],
    "omschrijving": ["omschrijving", "beschrijving", "korte omschrijving", "toelichting",
                     "description"],
    "activiteit": ["activiteit", "categorie", "soort", "soort activiteit", "type activiteit",
                   "thema", "soort initiatief"],
    "wij_type": ["wij type", "wijtype", "type verbinding", "soort verbinding", "type wij",
                 "bonding bridging"],
    "doelgroepen": ["doelgroep", "doelgroepen", "voor wie"],
    "frequentie": ["frequentie", "hoe vaak", "hoe vaak per"],
    "startdatum": ["start", "startdatum", "begindatum", "datum start", "begin", "gestart",
                   "startjaar", "sinds"],
    "einddatum": ["einddatum", "eind", "einde", "datum einde", "datum eind", "gestopt",
                  "tot en met"],
    "organisator": ["organisator", "organisatie", "georganiseerd door", "type organisator",
                    "soort organisator", "uitvoerder", "initiatiefnemer"],
    "buurtcode": ["buurtcode", "buurt code", "cbs buurtcode", "code buurt", "bu code",
                  "bu_code"],
    "lat": ["lat", "latitude", "breedtegraad", "noorderbreedte", "wgs84 lat"],
    "lon": ["lon", "lng", "long", "longitude", "lengtegraad", "oosterlengte", "wgs84 lon"],
    "x": ["x", "x coordinaat", "x rd", "rd x", "x coord", "xcoord", "x coordinaat rd"],
    "y": ["y", "y coordinaat", "y rd", "rd y", "y coord", "ycoord", "y coordinaat rd"],
    "contactpersoon": ["contactpersoon", "contact", "contactpersonen", "contact persoon",
                       "naam contactpersoon", "contactgegevens", "aanspreekpunt"],
    "email": ["e mail", "email", "mail", "e mailadres", "emailadres", "mailadres",
              "e mail adres", "e mail contactpersoon"],
    "telefoon": ["telefoon", "tel", "telefoonnummer", "mobiel", "tel nr", "telnr",
                 "telefoon nummer", "mobiel nummer", "06 nummer", "gsm"],
    "locatie_verborgen": ["locatie verborgen", "prive adres", "alleen buurt", "verborgen",
                          "prive", "adres verbergen"],
    LAATST_BEVESTIGD: ["laatst bevestigd", "bevestigd", "bevestigd op", "datum bevestigd",
                       "laatst gecontroleerd", "gecontroleerd op", "datum controle",
                       "laatste controle", "bijgewerkt", "laatst bijgewerkt", "peildatum",
                       "actueel per", "laatste update"],
}
# Never guessed from a look-alike header: "bijgewerkt door" holds a person, not a date.
_EXACT_ONLY = {LAATST_BEVESTIGD}
_SYNONYM_INDEX = {normalise_header(v): canonical
                  for canonical, variants in HEADER_SYNONIEMEN.items() for v in variants}
# Fuzzy matching of very short names ('x', 'tel', 'lat') finds nonsense; only longer names.
_FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 0.8

# Headers that point to a place without being coordinates or a buurtcode: enough, with a
# name column, to recognise a list of initiatives.
_PLACE_HINTS = {"buurt", "buurtnaam", "wijk", "wijknaam", "locatie", "adres", "postcode",
                "plaats", "straat", "waar"}

# Activity synonyms, after _fold_activity ("Eten & drinken" -> "eten en drinken"). Small on
# purpose: everything else is reported so the analyst chooses, rather than us guessing.
ACTIVITEIT_SYNONIEMEN = {
    "ontmoeten": "ontmoeting", "inloop": "ontmoeting", "koffietafel": "ontmoeting",
    "eten": "eten en drinken", "drinken": "eten en drinken", "samen eten": "eten en drinken",
    "koken": "eten en drinken", "maaltijd": "eten en drinken",
    "muziek": "muziek en cultuur", "cultuur": "muziek en cultuur", "kunst": "muziek en cultuur",
    "kunst en cultuur": "muziek en cultuur", "zingen": "muziek en cultuur",
    "natuur": "natuur en groen", "groen": "natuur en groen", "tuinieren": "natuur en groen",
    "groen en natuur": "natuur en groen",
    "sport": "sport en bewegen", "bewegen": "sport en bewegen", "wandelen": "sport en bewegen",
    "burenhulp": "burenhulp en zorg", "zorg": "burenhulp en zorg", "hulp": "burenhulp en zorg",
    "online": "digitaal", "digitale vaardigheden": "digitaal",
    "feesten": "feest", "buurtfeest": "feest",
}
WIJ_TYPE_SYNONIEMEN = {
    "beiden": "beide", "bonding en bridging": "beide", "bridging en bonding": "beide",
}
DOELGROEP_SYNONIEMEN = {
    "oudere": "ouderen", "senioren": "ouderen", "65+": "ouderen", "65-plussers": "ouderen",
    "jongere": "jongeren", "jeugd": "jongeren", "tieners": "jongeren",
    "gezin": "gezinnen",
    "nieuwkomer": "nieuwkomers", "statushouders": "nieuwkomers",
    "nieuwe nederlanders": "nieuwkomers",
    "mensen met beperking": "mensen met een beperking",
    "mensen met een handicap": "mensen met een beperking",
    "alle bewoners": "iedereen", "buurtbewoners": "iedereen", "alle leeftijden": "iedereen",
    "alle inwoners": "iedereen",
}
# Several target groups in one cell: "ouderen, jongeren", "ouderen/jongeren", "ouderen en
# jongeren" ("een" in "mensen met een beperking" is not a separator).
_DOELGROEP_SEPARATOR = re.compile(r"\s*(?:[,;/&]|\ben\b)\s*")

_JA = {"ja", "j", "yes", "y", "true", "waar", "1", "1.0", "x", "verborgen"}
_NEE = {"nee", "n", "no", "false", "onwaar", "0", "0.0"}

# The look-behind lets a match start only where a run of address characters starts: without
# it a long cell without '@' costs quadratic time (100,000 characters took 78 s).
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# Dutch numbers: 0 + 9 digits (06-12345678, 030 123 4567, (030) 1234567) or +31 / 0031 + 9
# digits (+31 6 12345678, +31 (0)6 12345678); single spaces, dashes, dots or brackets between.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)31[\s.\-]?(?:\(0\)[\s.\-]?)?|\(?0)(?:\d[\s.\-()]{0,2}){8}\d(?!\d)")
VERWIJDERD = "[verwijderd]"

_MAANDEN = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_ISO_DATE = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NL_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_NAME_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_SERIAL = re.compile(r"^\d+(?:[.,]\d+)?$")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in). Serials outside
# 1954..2119 are not a plausible start or end of an initiative.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)

def _exact_target(header: str) -> str | None:
    # "Startdatum (dd-mm-jjjj)" and "Lat (WGS84)": the part in brackets is a hint, not a name.
    for variant in (re.sub(r"\(.*?\)|\[.*?\]", " ", str(header)), str(header)):
        target = _SYNONYM_INDEX.get(normalise_header(variant))
        if target:
            return target
    return None


def _fuzzy_target(header: str) -> str | None:
    name = normalise_header(re.sub(r"\(.*?\)|\[.*?\]", " ", str(header)))
    if len(name) < _FUZZY_MIN_LENGTH:
        return None
    candidates = [k for k, target in _SYNONYM_INDEX.items()
                  if len(k) >= _FUZZY_MIN_LENGTH and target not in _EXACT_ONLY]
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=FUZZY_CUTOFF)
    return _SYNONYM_INDEX[match[0]] if match else None


def suggest_mapping(columns: list[str]) -> dict[str, str | None]:
    """For each source header the canonical column it most likely means, or None.

    Exact synonyms (:data:`HEADER_SYNONIEMEN`, after :func:`textio.normalise_header`) come
    first, then a fuzzy match (``difflib``, ratio >= :data:`FUZZY_CUTOFF`) for headers of at
    least four characters. Each canonical column is suggested once: the first header wins.

    Examples
    --------
    >>> suggest_mapping(["Naam initiatief", "E-mail", "Wij-type", "Opmerkingen"])
    {'Naam initiatief': 'naam', 'E-mail': 'email', 'Wij-type': 'wij_type', 'Opmerkingen': None}
    """
    result: dict[str, str | None] = {}
    taken: set[str] = set()
    exact = {c: _exact_target(c) for c in columns}
    for column in columns:
        target = exact[column]
        result[column] = target if target and target not in taken else None
        if target:
            taken.add(target)
    for column in columns:
        if result[column] is None and exact[column] is None:
            target = _fuzzy_target(column)
            if target and target not in taken:
                result[column] = target
                taken.add(target)
    return result


def looks_like_initiatieven(columns: list[str]) -> bool:
    """True for a name column plus an activity, target-group or location column."""
    targets = {t for t in suggest_mapping(list(columns)).values() if t}
    places = {normalise_header(c) for c in columns} & _PLACE_HINTS
    others = {"activiteit", "doelgroepen", "lat", "lon", "x", "y", "buurtcode"}
    return "naam" in targets and bool(targets & others or places)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _looks_personal(cells: pd.Series) -> str | None:
    """'email' or 'telefoon' when most filled cells are e-mail addresses or phone numbers."""
    filled = [c for c in cells if c]
    if not filled:
        return None
    for kind, pattern in (("email", _EMAIL), ("telefoon", _PHONE)):
        hits = sum(1 for c in filled if pattern.fullmatch(c))
        if hits * 2 > len(filled):
            return kind
    return None


def _looks_like_buurtcodes(cells: pd.Series) -> bool:
    filled = [c for c in cells if c]
    hits = sum(1 for c in filled if codes.is_valid(codes.clean_code(c), "buurt"))
    return bool(filled) and hits * 2 > len(filled)


def _join(values, limit: int = 10) -> str:
    values = [str(v) for v in values]
    text = ", ".join(values[:limit])
    return text + (f" en nog {len(values) - limit}" if len(values) > limit else "")


def _resolve_mapping(raw: pd.DataFrame, mapping: dict[str, str] | None,
                     rapport: Rapport) -> dict[str, str | None]:
    columns = list(raw.columns)
    targets = suggest_mapping(columns)
    if not mapping:
        return targets
    for header, target in mapping.items():
        if target and target not in CANONICAL:
            raise WijkdataError(
                f"Kolom '{header}' is gekoppeld aan '{target}', maar die kolom bestaat niet. "
                f"Kies uit: {', '.join(CANONICAL)}.")
        if header not in targets:
            rapport.warning(f"Kolom '{header}' uit de koppeling staat niet in het bestand.",
                            column=str(header))
    chosen = {h: (t or None) for h, t in mapping.items() if h in targets}
    seen: dict[str, str] = {}
    for header, target in chosen.items():
        if target and target in seen:
            raise WijkdataError(
                f"De kolommen '{seen[target]}' en '{header}' zijn allebei gekoppeld aan "
                f"'{target}'. Koppel er één.")
        if target:
            seen[target] = header
    for header in targets:
        if header in chosen:
            targets[header] = chosen[header]
        elif targets[header] in seen:
            targets[header] = None     # the analyst gave this column's role to another one
    return targets


def _handle_personal(raw: pd.DataFrame, targets: dict[str, str | None], keep_personal: bool,
                     rapport: Rapport) -> list[str]:
    """Drop (or, with keep_personal, route) columns with personal data; return the dropped."""
    by_header = [h for h, t in targets.items() if t in PERSOONSGEGEVENS_COLUMNS]
    by_pattern = {h: kind for h in raw.columns if h not in by_header
                  and (kind := _looks_personal(raw[h]))}
    dropped: list[str] = []
    if not keep_personal:
        dropped = by_header + list(by_pattern)
        for header in dropped:
            targets[header] = None
    else:
        for header, kind in by_pattern.items():
            taken = {t for h, t in targets.items() if h != header}
            if kind in taken:
                targets[header] = None
                dropped.append(header)
            else:
                targets[header] = kind
        kept = [h for h, t in targets.items() if t in PERSOONSGEGEVENS_COLUMNS]
        if kept:
            rapport.warning(
                "Persoonsgegevens worden bewaard voor intern gebruik (kolommen "
                f"{_join(repr(h) for h in kept)}). Ze komen nooit in het dashboard of in "
                "een export.")
    if dropped:
        rapport.warning(
            f"Deze kolommen bevatten persoonsgegevens en zijn niet ingelezen: "
            f"{_join(repr(h) for h in dropped)}.")
    return dropped


def _fold_activity(text: str) -> str:
    text = re.sub(r"[&+/]", " en ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def parse_activiteit(text: str) -> str | None:
    """The canonical activity for a cell, or None when unknown."""
    folded = _fold_activity(text)
    if folded in ACTIVITEITEN:
        return folded
    return ACTIVITEIT_SYNONIEMEN.get(folded)


def parse_wij_type(text: str) -> str | None:
    folded = _fold_activity(text)
    if folded in WIJ_TYPES:
        return folded
    return WIJ_TYPE_SYNONIEMEN.get(folded)


def parse_doelgroepen(text: str) -> tuple[list[str], list[str]]:
    """(canonical target groups in catalogue order, unknown parts) for one cell."""
    found, unknown = set(), []
    for part in _DOELGROEP_SEPARATOR.split(text.lower()):
        part = re.sub(r"\s+", " ", part).strip(" .")
        if not part:
            continue
        canonical = part if part in DOELGROEPEN else DOELGROEP_SYNONIEMEN.get(part)
        if canonical:
            found.add(canonical)
        else:
            unknown.append(part)
    return [d for d in DOELGROEPEN if d in found], unknown


def parse_datum(text: str, *, end: bool = False) -> tuple[dt.date, bool]:
    """One date cell: (date, year_only). Raises ValueError when it is not a date.

    Accepts ``2024-03-01`` (also with a time, as Excel cells arrive), ``1-3-2024``,
    ``01/03/2024``, ``1.3.2024`` (day first, as in Dutch), ``1 maart 2024``, an Excel serial
    number (``45352``) and a bare year (1 January, or 31 December when ``end``).
    """
    value = text.strip().lower()
    if m := _ISO_DATE.match(value):
        return dt.date(int(m[1]), int(m[2]), int(m[3])), False
    if m := _NL_DATE.match(value):
        return dt.date(int(m[3]), int(m[2]), int(m[1])), False
    if (m := _NAME_DATE.match(value)) and m[2] in _MAANDEN:
        return dt.date(int(m[3]), _MAANDEN[m[2]], int(m[1])), False
    if _YEAR.match(value):
        year = int(value)
        return (dt.date(year, 12, 31) if end else dt.date(year, 1, 1)), True
    if _SERIAL.match(value):
        serial = float(value.replace(",", "."))
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(serial)), False
    raise ValueError(value)


def _parse_coordinate(text: str) -> float | None:
    """NaN for an empty cell, None when not a number."""
    if text in MISSING_SYMBOLS or text in NIL_SYMBOLS:
        return np.nan
    number = parse_number(text)
    if number is None or np.isnan(number):
        return None
    return float(number)


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


@functools.lru_cache(maxsize=2)
def _transformer(source: int, target: int):
    from pyproj import Transformer
    return Transformer.from_crs(source, target, always_xy=True)


def rd_to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """RD New (EPSG:28992, metres) to WGS84 (EPSG:4326): returns (lat, lon) in degrees."""
    lon, lat = _transformer(28992, 4326).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lat, float), np.asarray(lon, float)


def wgs84_to_rd(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees to RD New metres: returns (x, y)."""
    x, y = _transformer(4326, 28992).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


class _RowReader:
    """Checks one row at a time; problems go to the shared report with the source header."""

    def __init__(self, headers: dict[str, str], rapport: Rapport):
        self.headers = headers          # canonical -> source header
        self.rapport = rapport

    def error(self, message: str, rij: int, canonical: str, value: str | None = None) -> None:
        self.rapport.error(message, row=rij, column=self.headers.get(canonical, canonical),
                           value=value)

    def warning(self, message: str, rij: int, canonical: str) -> None:
        self.rapport.warning(message, row=rij, column=self.headers.get(canonical, canonical))

    def read(self, cells: dict[str, str], rij: int) -> dict | None:
        before = len(self.rapport.errors)
        record: dict = {"bron_rij": rij}

        for column in TEXT_COLUMNS:
            record[column] = self._scrub(cells.get(column, ""), rij, column) or None
        if not record["naam"]:
            self.error("De naam van het initiatief ontbreekt. Vul een naam in.", rij, "naam")

        record["activiteit"] = self._choice(
            cells.get("activiteit", ""), rij, "activiteit", parse_activiteit,
            f"Onbekende activiteit '{{v}}'. Kies uit: {', '.join(ACTIVITEITEN)}.")
        record["wij_type"] = self._choice(
            cells.get("wij_type", ""), rij, "wij_type", parse_wij_type,
            f"Onbekend wij-type '{{v}}'. Kies uit: {', '.join(WIJ_TYPES)} (of laat leeg).")
        record["doelgroepen"] = self._doelgroepen(cells.get("doelgroepen", ""), rij)

        record["startdatum"] = self._date(cells.get("startdatum", ""), rij, "startdatum")
        record["einddatum"] = self._date(cells.get("einddatum", ""), rij, "einddatum", end=True)
        if (record["startdatum"] and record["einddatum"]
                and record["einddatum"] < record["startdatum"]):
            self.error(f"De einddatum ({record['einddatum']:%d-%m-%Y}) ligt voor de startdatum "
                       f"({record['startdatum']:%d-%m-%Y}).", rij, "einddatum",
                       cells.get("einddatum"))

        if LAATST_BEVESTIGD in self.headers:
            record[LAATST_BEVESTIGD] = self._bevestigd(cells.get(LAATST_BEVESTIGD, ""), rij)
        record["locatie_verborgen"] = self._boolean(cells.get("locatie_verborgen", ""), rij)
        record.update(self._location(cells, rij))

        for column in PERSOONSGEGEVENS_COLUMNS:
            if column in self.headers:
                record[column] = cells.get(column, "") or None
        return record if len(self.rapport.errors) == before else None

    def _scrub(self, text: str, rij: int, column: str) -> str:
        # Personal data in free text is never stored, not even with keep_personal.
        scrubbed = _PHONE.sub(VERWIJDERD, _EMAIL.sub(VERWIJDERD, text))
        if scrubbed != text:
            self.warning("Een e-mailadres of telefoonnummer in de tekst is vervangen door "
                         f"{VERWIJDERD} (persoonsgegevens).", rij, column)
        return scrubbed

    def _choice(self, text, rij, column, parse, message):
        if not text:
            return None
        value = parse(text)
        if value is None:
            self.error(message.format(v=text), rij, column, text)
        return value

    def _doelgroepen(self, text: str, rij: int) -> str | None:
        if not text:
            return None
        found, unknown = parse_doelgroepen(text)
        for part in unknown:
            self.error(f"Onbekende doelgroep '{part}'. Kies een of meer uit: "
                       f"{', '.join(DOELGROEPEN)}; scheid ze met een komma.",
                       rij, "doelgroepen", text)
        return "; ".join(found) if found and not unknown else None

    def _date(self, text: str, rij: int, column: str, end: bool = False) -> dt.date | None:
        if not text:
            return None
        try:
            value, year_only = parse_datum(text, end=end)
        except ValueError:
            self.error(f"Datum '{text}' is niet te lezen. Schrijf een datum als 2024-03-01 "
                       "of 1-3-2024.", rij, column, text)
            return None
        if year_only:
            self.warning(f"Alleen een jaar ingevuld ('{text}'); gelezen als "
                         f"{value:%d-%m-%Y}.", rij, column)
        return value

    def _bevestigd(self, text: str, rij: int) -> dt.date | None:
        # Optional: an unreadable date costs the row nothing, the list's own day counts.
        if not text:
            return None
        try:
            value, _ = parse_datum(text)
        except ValueError:
            self.warning(f"Datum '{text}' is niet te lezen; voor dit initiatief telt de "
                         "datum van de lijst als laatst bevestigd.", rij, LAATST_BEVESTIGD)
            return None
        if value > dt.date.today() + dt.timedelta(days=1):
            self.warning(f"Laatst bevestigd op {value:%d-%m-%Y} ligt in de toekomst; de datum "
                         "van de lijst telt.", rij, LAATST_BEVESTIGD)
            return None
        return value

    def _boolean(self, text: str, rij: int) -> bool:
        value = text.lower()
        if value in _JA:
            return True
        if value in _NEE or not value:
            return False
        self.error(f"'{text}' is geen ja of nee. Vul ja in als alleen de buurt getoond mag "
                   "worden, anders nee (of laat leeg).", rij, "locatie_verborgen", text)
        return False

    def _numbers(self, cells, rij, names) -> list[float] | None:
        values, ok = [], True
        for name in names:
            text = cells.get(name, "")
            number = _parse_coordinate(text)
            if number is None:
                self.error(f"Coördinaat '{text}' is geen getal.", rij, name, text)
                ok = False
            values.append(number)
        if not ok:
            return None
        filled = [not np.isnan(v) for v in values]
        if any(filled) and not all(filled):
            empty = names[filled.index(False)]
            self.error(f"Alleen {' of '.join(n for n in names if n != empty)} is ingevuld; "
                       f"vul ook {empty} in.", rij, empty)
            return None
        return values if all(filled) else []

    def _location(self, cells: dict[str, str], rij: int) -> dict:
        place = {"lat": np.nan, "lon": np.nan, "x": np.nan, "y": np.nan, "buurtcode": None,
                 "_bron": None}
        code_text = cells.get("buurtcode", "")
        if code_text:
            code = codes.clean_code(code_text)
            if codes.is_valid(code, "buurt"):
                place["buurtcode"] = code
            else:
                self.error(f"Buurtcode '{code_text}' heeft niet de goede vorm: verwacht "
                           f"{codes.EXPECTED_FORM['buurt']}.", rij, "buurtcode", code_text)

        latlon = self._numbers(cells, rij, ["lat", "lon"])
        xy = self._numbers(cells, rij, ["x", "y"]) if not latlon else []
        if latlon:
            lat, lon = latlon
            if not (_within(lat, LAT_RANGE) and _within(lon, LON_RANGE)) \
                    and _within(lon, LAT_RANGE) and _within(lat, LON_RANGE):
                lat, lon = lon, lat
                self.warning(f"Lat en lon lijken omgewisseld (lat {cells['lat']}, lon "
                             f"{cells['lon']}); ze zijn omgedraaid.", rij, "lat")
            if _within(lat, LAT_RANGE) and _within(lon, LON_RANGE):
                place.update(lat=lat, lon=lon, _bron="wgs84")
            else:
                self.error(f"De coördinaten (lat {cells['lat']}, lon {cells['lon']}) liggen "
                           "buiten Nederland. Verwacht lat tussen 50,7 en 53,6 en lon tussen "
                           "3,2 en 7,3.", rij, "lat", f"{cells['lat']}, {cells['lon']}")
        elif xy:
            x, y = xy
            if _within(x, RD_X_RANGE) and _within(y, RD_Y_RANGE):
                place.update(x=x, y=y, _bron="rd")
            else:
                self.error(f"De RD-coördinaten (x {cells['x']}, y {cells['y']}) liggen buiten "
                           "Nederland. Verwacht x tussen 0 en 300.000 en y tussen 289.000 en "
                           "629.000 (meter, RD New).", rij, "x", f"{cells['x']}, {cells['y']}")
        elif latlon is not None and xy is not None and not code_text:
            self.error("Geen locatie: vul lat en lon in, of x en y (RD), of een buurtcode.",
                       rij, "buurtcode" if "buurtcode" in self.headers else "lat")
        return place


def _check_structure(headers: dict[str, str], filename: str) -> None:
    problems = []
    if "naam" not in headers:
        problems.append("Er is geen kolom met de naam van het initiatief (bijvoorbeeld 'naam' "
                        "of 'Naam initiatief'). Koppel een kolom aan 'naam'.")
    if not any(c in headers for c in ("lat", "lon", "x", "y", "buurtcode")):
        problems.append("Er is geen kolom met een locatie. Verwacht lat en lon, x en y (RD) "
                        "of een buurtcode.")
    for a, b in (("lat", "lon"), ("x", "y")):
        if (a in headers) != (b in headers):
            have, miss = (a, b) if a in headers else (b, a)
            problems.append(f"Er is een kolom voor {have} ('{headers[have]}') maar niet voor "
                            f"{miss}. Koppel een kolom aan '{miss}'.")
    if problems:
        raise WijkdataError(
            f"'{filename}' is niet te lezen als lijst met initiatieven: " + " ".join(problems))


def _summarise_missing(frame: pd.DataFrame, headers: dict[str, str], rapport: Rapport) -> None:
    if frame.empty:
        return
    for column, label in (("activiteit", "de activiteit"), ("wij_type", "het wij-type"),
                          ("doelgroepen", "de doelgroep")):
        if column not in headers:
            rapport.warning(f"Het bestand heeft geen kolom voor {label}; die blijft leeg. "
                            "Filteren op dit kenmerk werkt dan niet.")
            continue
        empty = frame.loc[frame[column].isna(), "bron_rij"].tolist()
        if empty:
            rapport.warning(f"Bij {len(empty)} initiatieven is {label} leeg (rij "
                            f"{_join(empty)}). Ze tellen niet mee bij filteren op dit "
                            "kenmerk.", column=headers[column])


def _fill_buurtcodes(frame: pd.DataFrame, buurten: gpd.GeoDataFrame,
                     rapport: Rapport) -> None:
    """Give rows with a point but no buurtcode the code of the buurt the point lies in."""
    import geopandas as gpd

    todo = frame["buurtcode"].isna() & frame["x"].notna()
    if not todo.any() or buurten is None or len(buurten) == 0:
        return
    areas = buurten
    if "niveau" in areas.columns:
        areas = areas[areas["niveau"] == "buurt"]
    if areas.crs is not None and areas.crs.to_epsg() != 28992:
        areas = areas.to_crs(28992)
    points = gpd.GeoDataFrame(
        {"_row": frame.index[todo]},
        geometry=gpd.points_from_xy(frame.loc[todo, "x"], frame.loc[todo, "y"]), crs=28992)
    joined = gpd.sjoin(points, areas[["code", "geometry"]], how="left", predicate="within")
    joined = joined.drop_duplicates("_row").set_index("_row")
    frame.loc[joined.index, "buurtcode"] = joined["code"].where(joined["code"].notna(), None)
    outside = frame.loc[joined.index[joined["code"].isna()], "bron_rij"].tolist()
    if outside:
        rapport.warning(f"{len(outside)} initiatieven liggen in geen enkele ingelezen buurt "
                        f"(rij {_join(outside)}); ze hebben geen buurtcode.")


def _source_format(filename: str) -> str:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        return "Lijst met initiatieven (Excel)"
    if name.endswith(".json"):
        return "Lijst met initiatieven (JSON)"
    return "Lijst met initiatieven (CSV)"


def _empty_frame(keep_personal: bool) -> pd.DataFrame:
    columns = OUTPUT_COLUMNS + (PERSOONSGEGEVENS_COLUMNS if keep_personal else [])
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def read_initiatieven(raw: pd.DataFrame, filename: str, *, mapping: dict[str, str] | None = None,
                      keep_personal: bool = False,
                      buurten: gpd.GeoDataFrame | None = None) -> Ingelezen:
    """Check a list of initiatives and return its valid rows in the canonical columns.

    ``raw`` is a frame of text cells (:func:`textio.read_table`); its index is the 0-based
    data row, so ``bron_rij`` = index + 2 is the row a spreadsheet shows. ``mapping``
    (source header -> canonical column, or None to ignore a column) overrides the suggested
    mapping for the headers it names. Personal-data columns are left out and listed in
    ``dropped_columns`` unless ``keep_personal``. With ``buurten`` (EPSG:28992, columns
    ``code``, ``niveau``, ``geometry``) rows with a point but no buurtcode get the code of the
    buurt the point lies in.

    The frame has :data:`OUTPUT_COLUMNS`: text columns as strings (missing = NaN), ``lat``/
    ``lon`` in degrees (WGS84) and ``x``/``y`` in metres (RD New) as floats, dates as
    ``datetime64``, ``locatie_verborgen`` as bool, ``bron_rij`` as int.
    """
    rapport = Rapport()
    raw = raw.astype(object).map(_cell) if len(raw.columns) else raw.copy()
    raw.columns = [str(c).strip() for c in raw.columns]
    targets = _resolve_mapping(raw, mapping, rapport)
    dropped = _handle_personal(raw, targets, keep_personal, rapport)

    headers = {t: h for h, t in targets.items() if t}
    if "buurtcode" not in headers:
        # A column "Buurt" that holds CBS codes rather than names.
        for header, target in targets.items():
            if target is None and header not in dropped and _looks_like_buurtcodes(raw[header]):
                targets[header] = "buurtcode"
                headers["buurtcode"] = header
                rapport.warning(f"Kolom '{header}' bevat buurtcodes en is gebruikt als "
                                "buurtcode.", column=header)
                break
    _check_structure(headers, filename)

    unused = [h for h, t in targets.items() if t is None and h not in dropped]
    if unused:
        rapport.warning(f"Deze kolommen worden niet gebruikt: {_join(repr(h) for h in unused)}. "
                        "Koppel ze aan een kolom als ze wel bedoeld zijn.")

    reader = _RowReader(headers, rapport)
    labels = raw.index if pd.api.types.is_integer_dtype(raw.index) else range(len(raw))
    records = []
    # Plain lists, not iterrows: building a Series per row took most of the time for a
    # list of 200,000 initiatives.
    roles = list(headers)
    columns = [raw[headers[role]].tolist() for role in roles]
    for label, values in zip(labels, zip(*columns)):
        cells = dict(zip(roles, values))
        record = reader.read(cells, spreadsheet_row(label))
        if record is not None:
            records.append(record)

    frame = _build_frame(records, keep_personal,
                         [c for c in OPTIONAL_COLUMNS if c in headers])
    _summarise_missing(frame, headers, rapport)
    if buurten is not None:
        _fill_buurtcodes(frame, buurten, rapport)
    return Ingelezen(kind=KIND, frame=frame, rapport=rapport, rows=len(raw),
                     source_format=_source_format(filename), dropped_columns=dropped)


def _build_frame(records: list[dict], keep_personal: bool,
                 optional: list[str] = ()) -> pd.DataFrame:
    if not records:
        frame = _empty_frame(keep_personal)
        return frame.assign(**{c: pd.Series(dtype="datetime64[ns]") for c in optional})
    frame = pd.DataFrame.from_records(records)
    wgs = (frame["_bron"] == "wgs84").to_numpy()
    rd = (frame["_bron"] == "rd").to_numpy()
    if wgs.any():
        x, y = wgs84_to_rd(frame.loc[wgs, "lat"], frame.loc[wgs, "lon"])
        frame.loc[wgs, "x"], frame.loc[wgs, "y"] = x, y
    if rd.any():
        lat, lon = rd_to_wgs84(frame.loc[rd, "x"], frame.loc[rd, "y"])
        frame.loc[rd, "lat"], frame.loc[rd, "lon"] = lat, lon
    for column in ("lat", "lon", "x", "y"):
        frame[column] = frame[column].astype(float)
    for column in ("startdatum", "einddatum", *optional):
        frame[column] = pd.to_datetime(frame[column])
    frame["locatie_verborgen"] = frame["locatie_verborgen"].astype(bool)
    frame["bron_rij"] = frame["bron_rij"].astype(int)
    columns = (OUTPUT_COLUMNS + list(optional)
               + (PERSOONSGEGEVENS_COLUMNS if keep_personal else []))
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    return frame[columns].reset_index(drop=True)


# --- the downloadable template ---------------------------------------------------------------

TOELICHTING = {
    "naam": ("ja", "Naam van het initiatief, zoals bewoners het noemen.", ""),
    "omschrijving": ("nee", "Korte omschrijving: wat gebeurt er, voor wie. Geen namen, "
                     "e-mailadressen of telefoonnummers.", ""),
    "activiteit": ("nee", "Soort activiteit. Kies één waarde.", ", ".join(ACTIVITEITEN)),
    "wij_type": ("nee", "Bonding: mensen die op elkaar lijken vinden elkaar. Bridging: mensen "
                 "die van elkaar verschillen ontmoeten elkaar. Beide: allebei.",
                 ", ".join(WIJ_TYPES)),
    "doelgroepen": ("nee", "Voor wie. Eén of meer waarden, gescheiden door een komma.",
                    ", ".join(DOELGROEPEN)),
    "frequentie": ("nee", "Hoe vaak, in woorden: 'elke dinsdag', 'maandelijks', 'jaarlijks'.",
                   ""),
    "startdatum": ("nee", "Wanneer het begon, als 2024-03-01 of 1-3-2024.", ""),
    "einddatum": ("nee", "Wanneer het stopte of stopt; leeg als het doorloopt.", ""),
    "organisator": ("nee", "Wie organiseert het, als soort: bewonersgroep, buurthuis, kerk, "
                    "welzijnsorganisatie. Geen namen van personen.", ""),
    "buurtcode": ("*", "CBS-buurtcode, " + codes.EXPECTED_FORM["buurt"] + ". Verplicht als er "
                  "geen coördinaten zijn.", ""),
    "lat": ("*", "Breedtegraad (WGS84), bijvoorbeeld 52,155. Samen met lon.", "50,7 tot 53,6"),
    "lon": ("*", "Lengtegraad (WGS84), bijvoorbeeld 5,387. Samen met lat.", "3,2 tot 7,3"),
    "x": ("*", "RD-coördinaat x in meter (RD New), in plaats van lat en lon.",
          "0 tot 300.000"),
    "y": ("*", "RD-coördinaat y in meter (RD New), samen met x.", "289.000 tot 629.000"),
    "locatie_verborgen": ("nee", "Ja als het initiatief bij iemand thuis is: de kaart toont "
                          "dan alleen de buurt, niet het adres.", "ja, nee"),
    LAATST_BEVESTIGD: ("nee", "Wanneer u voor het laatst hoorde dat het nog loopt, als "
                       "2025-06-01 of 1-6-2025. Leeg: de datum waarop u de lijst laadt. "
                       "Na twee jaar zonder bevestiging heet een initiatief 'mogelijk "
                       "gestopt'.", ""),
}

_TEMPLATE_ROWS = [
    {"naam": "Koffietafel De Zonnehoek (voorbeeld)",
     "omschrijving": "Elke week koffie en een praatje in het buurthuis. Fictief voorbeeld.",
     "activiteit": "ontmoeting", "wij_type": "bonding", "doelgroepen": "ouderen",
     "frequentie": "elke dinsdagochtend", "startdatum": dt.date(2023, 9, 5),
     "einddatum": None, "organisator": "bewonersgroep", "buurtcode": None,
     "lat": 52.1561, "lon": 5.3878, "x": np.nan, "y": np.nan, "locatie_verborgen": False,
     LAATST_BEVESTIGD: dt.date(2025, 10, 7)},
    {"naam": "Samen zingen op Koningsdag (voorbeeld)",
     "omschrijving": "De straat zingt samen, jong en oud. Fictief voorbeeld.",
     "activiteit": "muziek en cultuur", "wij_type": "bridging",
     "doelgroepen": "iedereen", "frequentie": "jaarlijks", "startdatum": dt.date(2024, 4, 27),
     "einddatum": dt.date(2024, 4, 27), "organisator": "bewoners", "buurtcode": None,
     "lat": np.nan, "lon": np.nan, "x": 155500.0, "y": 463400.0, "locatie_verborgen": True,
     LAATST_BEVESTIGD: dt.date(2024, 4, 27)},
    {"naam": "Vlotten bouwen voor vogels (voorbeeld)",
     "omschrijving": "Jong en oud bouwen broedvlotten voor de vijver. Fictief voorbeeld.",
     "activiteit": "natuur en groen", "wij_type": "beide",
     "doelgroepen": "ouderen; jongeren", "frequentie": "maandelijks",
     "startdatum": dt.date(2022, 3, 1), "einddatum": None, "organisator": "natuurvereniging",
     "buurtcode": "BU99990102", "lat": np.nan, "lon": np.nan, "x": np.nan, "y": np.nan,
     "locatie_verborgen": False, LAATST_BEVESTIGD: None},
]


def template_frame() -> pd.DataFrame:
    """The template columns (:data:`TEMPLATE_COLUMNS`) with three fictitious example rows:
    one located by lat/lon, one by RD x/y (at a private home, so hidden), one by buurtcode
    only (``BU9999...``: gemeente 9999 does not exist)."""
    frame = pd.DataFrame(_TEMPLATE_ROWS, columns=TEMPLATE_COLUMNS)
    for column in ("startdatum", "einddatum", LAATST_BEVESTIGD):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("lat", "lon", "x", "y"):
        frame[column] = frame[column].astype(float)
    return frame


def _dutch_number(value: float) -> str:
    if np.isnan(value):
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def _template_cells(value, column: str) -> object:
    """A template value as a spreadsheet cell: dates and numbers typed, booleans ja/nee."""
    if column == "locatie_verborgen":
        return "ja" if value else "nee"
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def template_csv() -> bytes:
    """The template as CSV for Dutch Excel: UTF-8 with BOM, ';' separated, decimal comma."""
    frame = template_frame()
    text = pd.DataFrame({
        c: [_dutch_number(v) if c in ("lat", "lon", "x", "y")
            else ("" if (cell := _template_cells(v, c)) is None else str(cell))
            for v in frame[c]]
        for c in TEMPLATE_COLUMNS})
    buffer = io.StringIO()
    text.to_csv(buffer, sep=";", index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The template as Excel: sheet 'Initiatieven' (columns and example rows, drop-down
    lists for activiteit, wij_type and locatie_verborgen) and sheet 'Toelichting' (per column
    whether it is required, what it means and the allowed values)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Initiatieven"
    sheet.append(TEMPLATE_COLUMNS)
    frame = template_frame()
    for _, row in frame.iterrows():
        sheet.append([_template_cells(row[c], c) for c in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = 40 if column in ("naam", "omschrijving") else 18
        if column in ("startdatum", "einddatum", LAATST_BEVESTIGD):
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for column, values in (("activiteit", ACTIVITEITEN), ("wij_type", WIJ_TYPES),
                           ("locatie_verborgen", ["ja", "nee"])):
        letter = sheet.cell(row=1, column=TEMPLATE_COLUMNS.index(column) + 1).column_letter
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                                    allow_blank=True)
        validation.error = f"Kies uit: {', '.join(values)}."
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}1000")

    notes = workbook.create_sheet("Toelichting")
    notes.append(["kolom", "verplicht", "uitleg", "toegestane waarden"])
    for column in TEMPLATE_COLUMNS:
        required, explanation, allowed = TOELICHTING[column]
        notes.append([column, required, explanation, allowed])
    notes.append([])
    notes.append(["*", "", "Vul per initiatief lat en lon, of x en y, of een buurtcode in.", ""])
    notes.append(["", "", "Zet geen namen, e-mailadressen of telefoonnummers van personen in "
                  "de lijst: dat zijn persoonsgegevens.", ""])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (20, 10, 80, 60)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
