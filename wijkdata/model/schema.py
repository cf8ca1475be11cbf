"""The canonical frames: their column names, their written schemas, and the indicator
catalogue.

Loaders rename every source column to the names here, so nothing downstream sees a raw
CBS, RIVM or municipal header. Each canonical frame — :data:`GEBIEDEN_SCHEMA`,
:data:`INDICATOREN_SCHEMA`, :data:`INITIATIEVEN_SCHEMA` and the per-buurt table
:data:`BUURTCIJFERS_SCHEMA` — has one :class:`Schema`
here (column, kind, unit, missing allowed, description), and every other module takes its
column names from this module (``pct("eenzaam")``, never ``f"{key}_pct"``). Each indicator
has a Dutch label, a unit, a definition and a source: every figure on screen can reach them.

The schemas are our own small frozen dataclasses, not pandera: the checks we need (columns
present, dtype kind, missing allowed) fit in one function, run on every load in a few
milliseconds, and need no extra dependency in the app.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
from pandas.api import types

from wijkdata.errors import Probleem, WijkdataError

log = logging.getLogger(__name__)

# Coordinate systems: areas are kept and measured in RD New (metres); maps draw in WGS84.
RD = "EPSG:28992"
WGS84 = "EPSG:4326"

# --- gebieden (GeoDataFrame in EPSG:28992, one row per area) -----------------------------
CODE = "code"
NAAM = "naam"
NIVEAU = "niveau"            # 'buurt' | 'wijk' | 'gemeente'
WIJKCODE = "wijkcode"
WIJKNAAM = "wijknaam"
GEMEENTECODE = "gemeentecode"
GEMEENTENAAM = "gemeentenaam"
GEOMETRY = "geometry"
GEBIEDEN_COLUMNS = [CODE, NAAM, NIVEAU, WIJKCODE, WIJKNAAM, GEMEENTECODE, GEMEENTENAAM]

# --- indicatoren (long format) -------------------------------------------------------------
INDICATOR = "indicator"
PERIODE = "periode"          # int year
LEEFTIJD = "leeftijd"        # '18+' | '18-64' | '65+' | 'alle'
WAARDE = "waarde"
ONDERGRENS = "ondergrens"    # 95% lower bound, where the source gives it
BOVENGRENS = "bovengrens"
BRON = "bron"
INDICATOREN_COLUMNS = [CODE, INDICATOR, PERIODE, LEEFTIJD, WAARDE, ONDERGRENS, BOVENGRENS, BRON]

LEEFTIJDEN = ["18+", "18-64", "65+"]
LEEFTIJD_ALLE = "alle"       # CBS context figures are not split by age

# --- initiatieven ---------------------------------------------------------------------------
INITIATIEF_COLUMNS = [
    "naam", "omschrijving", "activiteit", "wij_type", "doelgroepen", "frequentie",
    "startdatum", "einddatum", "organisator", "buurtcode", "lat", "lon", "locatie_verborgen",
]
# Where an initiative comes from and how fresh it is (issue 12). Not in INITIATIEF_COLUMNS:
# the list a file is, and when it was published, are known only once it is stored;
# gegevens.load_active fills both per list (a list may give its own date per row).
BRON_MELDING = "melding"                 # the bron of an approved report
LAATST_BEVESTIGD = "laatst_bevestigd"
HERKOMST_COLUMNS = [BRON, LAATST_BEVESTIGD]
# Personal data (AVG): dropped on import unless explicitly kept for internal use, and never
# shown or exported.
PERSOONSGEGEVENS_COLUMNS = ["contactpersoon", "email", "telefoon"]

ACTIVITEITEN = [
    "ontmoeting", "eten en drinken", "muziek en cultuur", "natuur en groen",
    "sport en bewegen", "burenhulp en zorg", "digitaal", "feest",
]
WIJ_TYPES = ["bonding", "bridging", "beide"]
DOELGROEPEN = [
    "ouderen", "jongeren", "gezinnen", "nieuwkomers", "mensen met een beperking", "iedereen",
]

KINDS = ("buurten", "indicatoren", "initiatieven")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str            # '%' or 'aantal'
    definition: str
    bron: str
    higher_is_worse: bool = False
    # The source publishes a 95% interval (ondergrens, bovengrens) with each value: the RIVM
    # model estimates. CBS counts and shares come without one.
    interval: bool = False


_RIVM = "RIVM Gezondheidsmonitor Volwassenen en Ouderen (CBS-tabel 50120NED), modelschatting"
_CBS = "CBS Kerncijfers wijken en buurten"

INDICATOREN: dict[str, Indicator] = {i.key: i for i in [
    Indicator("eenzaam", "Eenzaam", "%",
              "Aandeel volwassenen met een score van 3 of hoger op de eenzaamheidsschaal van "
              "De Jong-Gierveld (11 vragen).", _RIVM, higher_is_worse=True, interval=True),
    Indicator("ernstig_eenzaam", "Ernstig eenzaam", "%",
              "Aandeel volwassenen met een score van 9 of hoger op de schaal van "
              "De Jong-Gierveld (ernstig of zeer ernstig eenzaam).", _RIVM, higher_is_worse=True,
              interval=True),
    Indicator("emotioneel_eenzaam", "Emotioneel eenzaam", "%",
              "Aandeel met een score van 2 of hoger op het deel 'emotionele eenzaamheid': "
              "het missen van een hechte band.", _RIVM, higher_is_worse=True, interval=True),
    Indicator("sociaal_eenzaam", "Sociaal eenzaam", "%",
              "Aandeel met een score van 2 of hoger op het deel 'sociale eenzaamheid': "
              "het missen van een breder netwerk. Gemeten vanaf 2016.", _RIVM,
              higher_is_worse=True, interval=True),
    Indicator("mist_emotionele_steun", "Mist emotionele steun", "%",
              "Aandeel volwassenen dat emotionele steun mist.", _RIVM, higher_is_worse=True,
              interval=True),
    Indicator("mantelzorger", "Mantelzorger", "%",
              "Aandeel volwassenen dat mantelzorg geeft.", _RIVM, interval=True),
    Indicator("vrijwilligerswerk", "Doet vrijwilligerswerk", "%",
              "Aandeel volwassenen dat vrijwilligerswerk doet.", _RIVM,
              interval=True),
    Indicator("inwoners", "Inwoners", "aantal",
              "Aantal inwoners op 1 januari.", _CBS),
    Indicator("pct_65plus", "65 jaar of ouder", "%",
              "Aandeel inwoners van 65 jaar of ouder.", _CBS),
    Indicator("huishoudens", "Huishoudens", "aantal",
              "Aantal particuliere huishoudens.", _CBS),
    Indicator("pct_eenpersoonshuishoudens", "Eenpersoonshuishoudens", "%",
              "Aandeel eenpersoonshuishoudens van alle particuliere huishoudens.", _CBS),
]}

LONELINESS = ["eenzaam", "ernstig_eenzaam", "emotioneel_eenzaam", "sociaal_eenzaam"]


# --- column names of the per-buurt table (wijkdata.compute.buurttabel.buurtcijfers) -------
BUURTCODE = "buurtcode"
BUURTNAAM = "buurtnaam"
INWONERS = "inwoners"
PCT_65PLUS = "pct_65plus"
PCT_EENPERSOONS = "pct_eenpersoonshuishoudens"
CONTEXT_PCT = [PCT_65PLUS, PCT_EENPERSOONS]
INITIATIEVEN = "initiatieven"
PER_1000 = "initiatieven_per_1000"
AFSTAND = "afstand_initiatief_m"
GRENS_EENZAAM = "grens_eenzaam"
GRENS_AANBOD = "grens_aanbod"
WITTE_VLEK = "witte_vlek"
KWADRANT = "kwadrant"
# The witte-vlek method (wijkdata.compute.witte_vlekken): supply within reach, certainty,
# coverage and rank.
BINNEN_BEREIK = "initiatieven_binnen_bereik"
BINNEN_BEREIK_PER_1000 = "initiatieven_binnen_bereik_per_1000"
BEREIK_M = "bereik_m"
AANBOD_BEKEND = "aanbod_bekend"
HOOG_EENZAAM = "hoog_eenzaam"
WEINIG_AANBOD = "weinig_aanbod"
GEEN_AANBOD_REGEL = "geen_aanbod_regel"
ZEKERHEID = "witte_vlek_zekerheid"
RANG = "witte_vlek_rang"
NIET_BEOORDEELD = "niet_beoordeeld"
REDEN = "witte_vlek_reden"


def pct(indicator: str) -> str:
    """The per-buurt column of a loneliness indicator's value (%): ``eenzaam`` → ``eenzaam_pct``."""
    return f"{indicator}_pct"


def ondergrens(indicator: str) -> str:
    """The per-buurt column of the 95% lower bound (%) of a loneliness indicator."""
    return f"{indicator}_ondergrens"


def bovengrens(indicator: str) -> str:
    """The per-buurt column of the 95% upper bound (%) of a loneliness indicator."""
    return f"{indicator}_bovengrens"


def interval_kolommen(indicator: str) -> tuple[str, str, str]:
    """(value, lower bound, upper bound) columns of a loneliness indicator."""
    return pct(indicator), ondergrens(indicator), bovengrens(indicator)


def column_for(indicator: str) -> str:
    """The column of the per-buurt table that holds ``indicator`` (a loneliness indicator's
    ``<key>_pct``; the context figures and ``initiatieven_per_1000`` under their own name)."""
    return pct(indicator) if indicator in LONELINESS else indicator


def verschil(column: str) -> str:
    """The column with ``column``'s difference from the gemeente's average (percentage
    points), as the map draws it (:func:`wijkdata.compute.formulas.verschil_met_gemeente`)."""
    return f"{column}_verschil"


def heeft_verschil(indicator: str) -> bool:
    """Whether a difference from the gemeente's average can be shown: for a percentage."""
    info = INDICATOREN.get(indicator)
    return info is not None and info.unit == "%"


def eenzaamheid_voor(indicator: str) -> str:
    """The loneliness indicator the witte vlekken, profiles and tables use when
    ``indicator`` is chosen: the indicator itself when it is one of :data:`LONELINESS`,
    else ``eenzaam`` (a context figure such as pct_65plus has no witte vlekken of its own)."""
    return indicator if indicator in LONELINESS else "eenzaam"


# The indicators a map can colour by: columns of the per-buurt table (see column_for).
KAART_INDICATOREN = LONELINESS + [PCT_65PLUS, PCT_EENPERSOONS, PER_1000]


# --- written schemas ---------------------------------------------------------------------
# Kinds of column, checked by their pandas dtype (see Schema.check).
TEKST = "tekst"          # object or string dtype
GETAL = "getal"          # any numeric dtype (int, float, Int64, Float64), not bool
GEHEEL = "geheel"        # an integer dtype (int64, Int64)
JA_NEE = "ja/nee"        # bool or the nullable boolean
DATUM = "datum"          # datetime64 (or text dates)
GEOMETRIE = "geometrie"  # a geopandas geometry column

_KIND_CHECKS = {
    TEKST: lambda d: types.is_object_dtype(d) or isinstance(d, pd.StringDtype),
    GETAL: lambda d: types.is_numeric_dtype(d) and not types.is_bool_dtype(d),
    GEHEEL: lambda d: types.is_integer_dtype(d),
    JA_NEE: lambda d: types.is_bool_dtype(d),
    # Text dates pass too: formulas.active_initiatieven reads both (pd.to_datetime).
    DATUM: lambda d: (types.is_datetime64_any_dtype(d) or types.is_object_dtype(d)
                      or isinstance(d, pd.StringDtype)),
    GEOMETRIE: lambda d: str(d) == "geometry",
}


class SchemaFout(WijkdataError):
    """A frame our own code built does not match its schema: a defect of the program, not of
    an uploaded file (the readers refuse a bad file long before). Logged where it is raised;
    the message is Dutch and names the table and the column."""


@dataclass(frozen=True)
class Kolom:
    """One column of a canonical frame."""

    naam: str
    soort: str                  # TEKST, GETAL, GEHEEL, JA_NEE, DATUM or GEOMETRIE
    omschrijving: str           # Dutch, one line
    eenheid: str = ""           # '%', 'aantal', 'm', 'jaar', 'per 1.000 inwoners', or ''
    leeg_mag: bool = True       # may a cell be missing (NaN, None, pd.NA)?


@dataclass(frozen=True)
class Schema:
    """The written schema of one canonical frame. Columns not listed may follow (a boundary
    file's context columns, the reader's ``bron_rij``); the listed ones must be there."""

    naam: str                   # how a message names the table, in Dutch
    kolommen: tuple[Kolom, ...]

    @property
    def columns(self) -> list[str]:
        return [k.naam for k in self.kolommen]

    def kolom(self, naam: str) -> Kolom:
        return next(k for k in self.kolommen if k.naam == naam)

    def problemen(self, frame: pd.DataFrame) -> list[Probleem]:
        """What in ``frame`` does not match: a missing column, a column of the wrong kind, a
        missing value where none is allowed. A column without any value passes the kind
        check (an all-empty column has no kind to speak of: None, NaN or pd.NA)."""
        found = []
        for kolom in self.kolommen:
            if kolom.naam not in frame.columns:
                found.append(Probleem(f"de kolom '{kolom.naam}' ontbreekt", column=kolom.naam))
                continue
            series = frame[kolom.naam]
            missing = series.isna()
            if not _KIND_CHECKS[kolom.soort](series.dtype) and not missing.all():
                found.append(Probleem(
                    f"de kolom '{kolom.naam}' hoort {kolom.soort} te zijn, maar is "
                    f"{series.dtype}", column=kolom.naam, value=str(series.dtype)))
            elif not kolom.leeg_mag and missing.any():
                found.append(Probleem(
                    f"de kolom '{kolom.naam}' mag niet leeg zijn, maar heeft "
                    f"{int(missing.sum())} lege cellen", column=kolom.naam))
        return found

    def check(self, frame: pd.DataFrame) -> None:
        """Raise :class:`SchemaFout` (and log it) when ``frame`` does not match."""
        found = self.problemen(frame)
        if found:
            message = (f"Fout in het programma (niet in uw bestand): de tabel {self.naam} "
                       f"klopt niet: {'; '.join(p.message for p in found)}. "
                       "Meld dit aan de beheerder.")
            log.error("%s", message)
            raise SchemaFout(message, found)


_CODE_OMSCHRIJVING = "CBS-code van het gebied (BU…, WK…, GM…, NL01)"

GEBIEDEN_SCHEMA = Schema("gebieden", (
    Kolom(CODE, TEKST, _CODE_OMSCHRIJVING, leeg_mag=False),
    Kolom(NAAM, TEKST, "naam van het gebied; de code waar geen bron een naam geeft"),
    Kolom(NIVEAU, TEKST, "'buurt', 'wijk' of 'gemeente'", leeg_mag=False),
    Kolom(WIJKCODE, TEKST, "code van de wijk waar het gebied in ligt"),
    Kolom(WIJKNAAM, TEKST, "naam van die wijk"),
    Kolom(GEMEENTECODE, TEKST, "code van de gemeente waar het gebied in ligt"),
    Kolom(GEMEENTENAAM, TEKST, "naam van die gemeente"),
    Kolom(GEOMETRY, GEOMETRIE, "grens van het gebied (in de app: EPSG:28992, meter)"),
))

INDICATOREN_SCHEMA = Schema("indicatoren", (
    Kolom(CODE, TEKST, _CODE_OMSCHRIJVING, leeg_mag=False),
    Kolom(INDICATOR, TEKST, "sleutel van de indicator in INDICATOREN", leeg_mag=False),
    Kolom(PERIODE, GEHEEL, "jaar van het cijfer; leeg als het bestand geen jaar geeft",
          "jaar"),
    Kolom(LEEFTIJD, TEKST, "'18+', '18-64', '65+' of 'alle'", leeg_mag=False),
    Kolom(WAARDE, GETAL, "het cijfer, in de eenheid van de indicator; leeg = geheim of "
          "niet geschat, nooit 0"),
    Kolom(ONDERGRENS, GETAL, "ondergrens van het 95%-interval, waar de bron die geeft"),
    Kolom(BOVENGRENS, GETAL, "bovengrens van het 95%-interval, waar de bron die geeft"),
    Kolom(BRON, TEKST, "bron van het cijfer", leeg_mag=False),
))

INITIATIEVEN_SCHEMA = Schema("initiatieven", (
    Kolom("naam", TEKST, "naam van het initiatief"),
    Kolom("omschrijving", TEKST, "wat het initiatief doet"),
    Kolom("activiteit", TEKST, "een van ACTIVITEITEN, of leeg"),
    Kolom("wij_type", TEKST, "'bonding', 'bridging' of 'beide', of leeg"),
    Kolom("doelgroepen", TEKST, "DOELGROEPEN, gescheiden door ';'"),
    Kolom("frequentie", TEKST, "hoe vaak het plaatsvindt"),
    Kolom("startdatum", DATUM, "eerste dag"),
    Kolom("einddatum", DATUM, "laatste dag; leeg = loopt nog"),
    Kolom("organisator", TEKST, "wie het organiseert"),
    Kolom(BUURTCODE, TEKST, "buurt van het initiatief; leeg als alleen een punt bekend is"),
    Kolom("lat", GETAL, "breedtegraad (WGS84)", "graden"),
    Kolom("lon", GETAL, "lengtegraad (WGS84)", "graden"),
    Kolom("locatie_verborgen", JA_NEE, "bij iemand thuis: alleen de buurt tonen",
          leeg_mag=False),
    # Missing only where a frame is assembled without its versions (tests, scripts):
    # load_active and load_demo fill both in every row.
    Kolom(BRON, TEKST, "de lijst waar het initiatief uit komt (naam van de dataset), of "
          "'melding' voor een goedgekeurde melding"),
    Kolom(LAATST_BEVESTIGD, DATUM, "dag waarop het initiatief voor het laatst bevestigd is: "
          "de datum van de lijst (of de eigen datum in de lijst), van de goedkeuring of van "
          "het samenvoegen"),
))


def _loneliness_columns() -> tuple[Kolom, ...]:
    out = []
    for key in LONELINESS:
        label = INDICATOREN[key].label.lower()
        out += [Kolom(pct(key), GETAL, f"{label}: modelschatting RIVM", "%"),
                Kolom(ondergrens(key), GETAL, f"{label}: ondergrens 95%-interval", "%"),
                Kolom(bovengrens(key), GETAL, f"{label}: bovengrens 95%-interval", "%")]
    return tuple(out)


BUURTCIJFERS_SCHEMA = Schema("met cijfers per buurt", (
    Kolom(BUURTCODE, TEKST, "CBS-buurtcode (BU + 8 cijfers)", leeg_mag=False),
    Kolom(BUURTNAAM, TEKST, "naam van de buurt; de code waar geen bron een naam geeft"),
    Kolom(WIJKCODE, TEKST, "code van de wijk"),
    Kolom(WIJKNAAM, TEKST, "naam van de wijk"),
    Kolom(GEMEENTECODE, TEKST, "code van de gemeente"),
    Kolom(GEMEENTENAAM, TEKST, "naam van de gemeente"),
    Kolom(INWONERS, GETAL, "inwoners op 1 januari (CBS, laatste jaar)", "aantal"),
    *_loneliness_columns(),
    Kolom(PCT_65PLUS, GETAL, "inwoners van 65 jaar of ouder (CBS, laatste jaar)", "%"),
    Kolom(PCT_EENPERSOONS, GETAL, "eenpersoonshuishoudens (CBS, laatste jaar)", "%"),
    Kolom(INITIATIEVEN, GEHEEL, "lopende initiatieven in de buurt; leeg = geen lijst "
          "geladen (onbekend, niet 0)", "aantal"),
    Kolom(PER_1000, GETAL, "initiatieven ÷ inwoners × 1.000; leeg onder het minimum aantal "
          "inwoners", "per 1.000 inwoners"),
    Kolom(AFSTAND, GETAL, "afstand van de buurtrand tot het dichtstbijzijnde initiatief "
          "(0 = in de buurt)", "m"),
    Kolom(BINNEN_BEREIK, GEHEEL, "lopende initiatieven in de buurt of binnen het bereik van "
          "haar rand; leeg = geen lijst geladen", "aantal"),
    Kolom(BINNEN_BEREIK_PER_1000, GETAL, "initiatieven binnen bereik ÷ inwoners × 1.000; leeg "
          "onder het minimum aantal inwoners", "per 1.000 inwoners"),
    Kolom(BEREIK_M, GETAL, "het bereik: afstand tot de buurtrand waarbinnen een initiatief "
          "meetelt (rechte lijn)", "m", leeg_mag=False),
    Kolom(AANBOD_BEKEND, JA_NEE, "ligt de buurt in het gebied dat de initiatievenlijsten "
          "dekken", leeg_mag=False),
    Kolom(GRENS_EENZAAM, GETAL, "grens voor 'veel eenzaamheid' in de gemeente (kwantiel van "
          "de beoordeelde buurten)", "%"),
    Kolom(GRENS_AANBOD, GETAL, "grens voor 'weinig aanbod' in de gemeente (kwantiel van de "
          "initiatieven binnen bereik per 1.000)", "per 1.000 inwoners"),
    Kolom(HOOG_EENZAAM, JA_NEE, "eenzaamheid op of boven de grens; leeg = niet beoordeeld"),
    Kolom(WEINIG_AANBOD, JA_NEE, "aanbod op of onder de grens; leeg = niet beoordeeld"),
    Kolom(GEEN_AANBOD_REGEL, JA_NEE, "de grens voor aanbod is 0: de regel is 'geen "
          "initiatief binnen bereik'; leeg = niet beoordeeld"),
    Kolom(WITTE_VLEK, JA_NEE, "witte vlek: ja, nee, of leeg = niet beoordeeld (zie reden)"),
    Kolom(ZEKERHEID, TEKST, "'zeker' (ook de ondergrens haalt de grens) of 'mogelijk'; leeg "
          "= geen witte vlek"),
    Kolom(RANG, GEHEEL, "plaats binnen de gemeente (1 = eerst): zeker voor mogelijk, dan "
          "ondergrens hoog-laag, dan aanbod laag-hoog; leeg = geen witte vlek"),
    Kolom(NIET_BEOORDEELD, TEKST, "waarom de buurt niet beoordeeld is; leeg = beoordeeld"),
    Kolom(REDEN, TEKST, "één zin: de cijfers en de grenzen, of waarom niet beoordeeld",
          leeg_mag=False),
    Kolom(KWADRANT, TEKST, "vak van de kwadrantfiguur; leeg = niet beoordeeld"),
    Kolom(PERIODE, GEHEEL, "jaar van de eenzaamheidscijfers; leeg als er geen zijn", "jaar"),
    Kolom(LEEFTIJD, TEKST, "leeftijdsgroep van de eenzaamheidscijfers", leeg_mag=False),
))
