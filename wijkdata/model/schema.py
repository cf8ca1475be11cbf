"""Canonical column names and the indicator catalogue.

Loaders rename every source column to the names here, so nothing downstream sees a raw
CBS, RIVM or municipal header. Each indicator has a Dutch label, a unit, a definition and a
source: every figure on screen can reach them.
"""
from __future__ import annotations

from dataclasses import dataclass

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


_RIVM = "RIVM Gezondheidsmonitor Volwassenen en Ouderen (CBS-tabel 50120NED), modelschatting"
_CBS = "CBS Kerncijfers wijken en buurten"

INDICATOREN: dict[str, Indicator] = {i.key: i for i in [
    Indicator("eenzaam", "Eenzaam", "%",
              "Aandeel volwassenen met een score van 3 of hoger op de eenzaamheidsschaal van "
              "De Jong-Gierveld (11 vragen).", _RIVM, higher_is_worse=True),
    Indicator("ernstig_eenzaam", "Ernstig eenzaam", "%",
              "Aandeel volwassenen met een score van 9 of hoger op de schaal van "
              "De Jong-Gierveld (ernstig of zeer ernstig eenzaam).", _RIVM, higher_is_worse=True),
    Indicator("emotioneel_eenzaam", "Emotioneel eenzaam", "%",
              "Aandeel met een score van 2 of hoger op het deel 'emotionele eenzaamheid': "
              "het missen van een hechte band.", _RIVM, higher_is_worse=True),
    Indicator("sociaal_eenzaam", "Sociaal eenzaam", "%",
              "Aandeel met een score van 2 of hoger op het deel 'sociale eenzaamheid': "
              "het missen van een breder netwerk. Gemeten vanaf 2016.", _RIVM,
              higher_is_worse=True),
    Indicator("mist_emotionele_steun", "Mist emotionele steun", "%",
              "Aandeel volwassenen dat emotionele steun mist.", _RIVM, higher_is_worse=True),
    Indicator("mantelzorger", "Mantelzorger", "%",
              "Aandeel volwassenen dat mantelzorg geeft.", _RIVM),
    Indicator("vrijwilligerswerk", "Doet vrijwilligerswerk", "%",
              "Aandeel volwassenen dat vrijwilligerswerk doet.", _RIVM),
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
