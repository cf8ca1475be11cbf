"""Fetching one gemeente's data from PDOK and CBS in one step (``python -m wijkdata fetch``
and the Data page tab "Ophalen bij CBS en PDOK").

Three sources, fetched one after the other, checked by the same readers as an uploaded file
(:func:`wijkdata.readers.read_file`, as :func:`wijkdata.upload.read_checked` does) and
published together or not at all (:meth:`Store.publish_together`):

- **gebieden** — the buurten, wijken and gemeente of that year from the PDOK OGC API
  Features of the CBS Wijk- en buurtkaart (``{pdok}/collections/{buurten|wijken|gemeenten}/
  items?f=json&gemeentecode=GM0034&limit=1000``; GeoJSON in CRS84, paged by ``links`` with
  ``rel: next``). Each collection is read as the GeoJSON file it is; the three together
  form one boundary version. Credit "Kadaster / CBS, <jaar>".
- **kerncijfers** — CBS Kerncijfers wijken en buurten of that year (CBS OData v3,
  ``{cbs}/{tabel}/TypedDataSet?$format=json&$filter=startswith(WijkenEnBuurten,'GM0034') or
  startswith(WijkenEnBuurten,'WK0034') or startswith(WijkenEnBuurten,'BU0034')``; the
  ``WijkenEnBuurten`` keys are padded with trailing spaces, so a prefix test fits them;
  paged by ``odata.nextLink``). Credit "Bron: CBS".
- **rivm** — RIVM Gezondheid per wijk en buurt, table 50120NED, on the same CBS OData API,
  with the same filter: every period, age group and margin (value and 95% bounds).
  Credit "RIVM".

The rows are kept only when their cleaned code belongs to the gemeente, whatever the server
sent (a filter that a server reads more loosely cannot bring in other gemeenten). The bytes
given to the readers are what the services answered, pages joined: a GeoJSON
FeatureCollection and an OData ``{"value": [...]}`` document — the shapes an analyst gets
when downloading by hand.

Settings (:mod:`wijkdata.instellingen`): ``cbs_odata_url``, ``pdok_url`` (may hold
``{jaar}``; without it ``/wijken-en-buurten-{jaar}/ogc/v1`` is appended) and ``timeout``
(seconds per request, default 30). Requests go through one :class:`requests.Session`, which
honours ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` from the environment, as municipal
networks need.

Any failure — no connection, a timeout, an HTTP error, an answer that is not JSON or not of
the expected shape, no rows for the gemeente, a file the reader refuses — is a Dutch
:class:`WijkdataError` naming the source and what to do instead (download the file and
upload it on the Data page). Nothing is published then.
"""
from __future__ import annotations

import argparse
import difflib
import getpass
import json
import logging
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote_plus, urlencode, urlsplit

import pandas as pd
import requests

from wijkdata import instellingen as settings
from wijkdata.errors import Rapport, WijkdataError
from wijkdata.formatting import fmt_bestandsgrootte, fmt_tijdstip
from wijkdata.model import codes
from wijkdata.readers import MAX_FILE_BYTES, Ingelezen, checksum, read_file

log = logging.getLogger(__name__)

CBS_ODATA_URL = "https://opendata.cbs.nl/ODataApi/odata"
PDOK_URL = "https://api.pdok.nl/cbs/wijken-en-buurten-{jaar}/ogc/v1"
TIMEOUT_S = 30.0

# CBS Kerncijfers wijken en buurten: one OData table per year. Checked against CBS StatLine
# (table pages "Kerncijfers wijken en buurten <jaar>") for 2022, 2023 and 2024, and against
# DATA_FORMATS.md for 2021, 2024 and 2025. Add a new year here when CBS publishes it.
KERNCIJFERS_TABELLEN = {
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}
# RIVM Gezondheid per wijk en buurt (all periods in one table), served by CBS.
RIVM_TABEL = "50120NED"
# PDOK serves the Wijk- en buurtkaart per year as an OGC API from 2023 on; older years sit in
# 'wijken-en-buurten-historisch' with other collections, which this module does not read.
PDOK_COLLECTIES = ("buurten", "wijken", "gemeenten")
PDOK_PAGINA = 1000          # features per request (the OGC API's usual maximum)
MAX_PAGINAS = 500           # a guard against a server whose 'next' never ends

GEBIEDEN, KERNCIJFERS, RIVM = "gebieden", "kerncijfers", "rivm"
BRONNEN = (GEBIEDEN, KERNCIJFERS, RIVM)
BRON_LABELS = {GEBIEDEN: "Buurtgrenzen (PDOK)",
               KERNCIJFERS: "CBS Kerncijfers wijken en buurten",
               RIVM: "RIVM eenzaamheid (tabel 50120NED)"}


def naamsvermelding(bron: str, jaar: int | None = None) -> str:
    """The credit each licence asks for (CC BY 4.0)."""
    if bron == GEBIEDEN:
        return f"Kadaster / CBS, {jaar}" if jaar else "Kadaster / CBS"
    if bron == KERNCIJFERS:
        return "Bron: CBS"
    return "RIVM"


def _handmatig(bron: str, jaar: int | None) -> str:
    """What to download by hand when fetching fails."""
    if bron == GEBIEDEN:
        return (f"Download de CBS Wijk- en buurtkaart {jaar or ''} (GeoPackage, via cbs.nl of "
                "pdok.nl) zelf en lees die in op de pagina Data.").replace("  ", " ")
    if bron == KERNCIJFERS:
        tabel = KERNCIJFERS_TABELLEN.get(jaar, "")
        return (f"Download de tabel Kerncijfers wijken en buurten {jaar or ''} "
                f"{f'({tabel}) ' if tabel else ''}zelf van CBS StatLine (opendata.cbs.nl) en "
                "lees die in op de pagina Data.").replace("  ", " ")
    return ("Download de tabel Gezondheid per wijk en buurt (50120NED) zelf van CBS StatLine "
            "(opendata.cbs.nl) en lees die in op de pagina Data.")


# --- settings and the HTTP session -----------------------------------------------------------

@dataclass(frozen=True)
class Bronadressen:
    """Where to fetch: the CBS OData base, the PDOK OGC API base (``{jaar}`` filled in per
    year) and the timeout per request in seconds."""

    cbs_odata_url: str = CBS_ODATA_URL
    pdok_url: str = PDOK_URL
    timeout: float = TIMEOUT_S

    @classmethod
    def uit_instellingen(cls, secrets: Mapping | None = None) -> Bronadressen:
        timeout = settings.getal("timeout", secrets, TIMEOUT_S)
        return cls(cbs_odata_url=settings.waarde("cbs_odata_url", secrets, CBS_ODATA_URL)
                   .rstrip("/"),
                   pdok_url=settings.waarde("pdok_url", secrets, PDOK_URL).rstrip("/"),
                   timeout=timeout if timeout > 0 else TIMEOUT_S)

    def pdok(self, jaar: int) -> str:
        if "{jaar}" in self.pdok_url:
            return self.pdok_url.replace("{jaar}", str(jaar))
        return f"{self.pdok_url}/wijken-en-buurten-{jaar}/ogc/v1"


def sessie() -> requests.Session:
    """The session for every request: ``trust_env`` (the default) makes it use the proxy
    from ``HTTPS_PROXY``/``HTTP_PROXY`` and skip it for ``NO_PROXY``."""
    session = requests.Session()
    session.trust_env = True
    session.headers["User-Agent"] = "kleine-wijs/1 (+python-requests)"
    return session


# --- progress ---------------------------------------------------------------------------------

# voortgang(bron, fractie 0..1, Dutch text of this step)
Voortgang = Callable[[str, float, str], None]


def _stil(bron: str, fractie: float, tekst: str) -> None:
    pass


# --- requests with Dutch errors ---------------------------------------------------------------

def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _shown(url: str) -> str:
    """A URL as a person reads it: query decoded."""
    return unquote_plus(url)


class _Ophaler:
    def __init__(self, adressen: Bronadressen, session: requests.Session | None = None):
        self.adressen = adressen
        self.session = session or sessie()

    def _fout(self, bron: str, jaar: int | None, reden: str) -> WijkdataError:
        anders = _handmatig(bron, jaar).replace("Download", "Of download", 1)
        return WijkdataError(f"Ophalen van {BRON_LABELS[bron]} lukte niet: {reden}. Er is "
                             f"niets opgeslagen. Probeer het later opnieuw. {anders}")

    def get(self, url: str, bron: str, jaar: int | None, *, params=None,
            allow: tuple[int, ...] = ()) -> requests.Response:
        """GET ``url``; a Dutch WijkdataError naming ``bron`` for every failure, except a
        status in ``allow`` (returned for the caller to judge)."""
        timeout = self.adressen.timeout
        try:
            response = self.session.get(url, params=params, timeout=timeout)
        except requests.exceptions.ProxyError:
            raise self._fout(bron, jaar, f"de proxy weigerde de verbinding met {_host(url)}. "
                             "Controleer de proxy-instelling (HTTPS_PROXY)") from None
        except requests.exceptions.Timeout:
            raise self._fout(bron, jaar, f"{_host(url)} gaf binnen {timeout:g} seconden geen "
                             "antwoord") from None
        except requests.exceptions.ConnectionError:
            raise self._fout(bron, jaar, f"er is geen verbinding met {_host(url)}: deze "
                             "computer heeft geen internet, of een proxy of firewall houdt "
                             "het tegen") from None
        except requests.exceptions.RequestException as exc:
            log.warning("Request to %s failed: %r", url, exc)
            raise self._fout(bron, jaar, f"het verzoek aan {_host(url)} mislukte") from None
        if response.status_code in allow:
            return response
        if response.status_code >= 400:
            # Details at KLEINE_WIJS_LOG=DEBUG; the user reads the Dutch message.
            log.debug("%s answered %s for %s", _host(url), response.status_code,
                      response.url)
            extra = (" (niet gevonden: bestaat dit jaar of deze tabel daar?)"
                     if response.status_code == 404 else "")
            raise self._fout(bron, jaar, f"{_host(url)} antwoordde met foutcode "
                             f"{response.status_code}{extra}")
        return response

    def get_json(self, url: str, bron: str, jaar: int | None, *, params=None,
                 allow: tuple[int, ...] = ()):
        """The JSON of GET ``url``; None when the status is in ``allow``."""
        response = self.get(url, bron, jaar, params=params, allow=allow)
        if response.status_code in allow:
            return None
        try:
            return response.json()
        except ValueError:
            raise self._fout(bron, jaar, f"het antwoord van {_host(url)} is geen geldige "
                             "JSON (onvolledig of een foutpagina)") from None

    # --- availability ---------------------------------------------------------------------

    def pdok_heeft(self, jaar: int) -> bool:
        url = f"{self.adressen.pdok(jaar)}/collections/buurten"
        return self.get(url, GEBIEDEN, jaar, params={"f": "json"},
                        allow=(400, 404, 410)).status_code == 200

    def cbs_heeft(self, tabel: str, bron: str, jaar: int | None) -> bool:
        url = f"{self.adressen.cbs_odata_url}/{tabel}"
        return self.get(url, bron, jaar, params={"$format": "json"},
                        allow=(400, 404, 410)).status_code == 200

    # --- data -------------------------------------------------------------------------------

    def pdok_collectie(self, jaar: int, collectie: str, gemeente: str,
                       voortgang: Callable[[int], None]) -> tuple[list, str]:
        """All features of ``collectie`` whose ``gemeentecode`` is ``gemeente`` (as the
        server compares it), following ``next`` links; and the first URL (the source)."""
        url = f"{self.adressen.pdok(jaar)}/collections/{collectie}/items"
        params = {"f": "json", "gemeentecode": gemeente, "limit": PDOK_PAGINA}
        first = f"{url}?{urlencode(params)}"
        features: list = []
        for _ in range(MAX_PAGINAS):
            page = self.get_json(url, GEBIEDEN, jaar, params=params)
            if not isinstance(page, dict) or not isinstance(page.get("features"), list):
                raise self._fout(GEBIEDEN, jaar, f"het antwoord van {_host(url)} is geen "
                                 "GeoJSON FeatureCollection")
            features.extend(page["features"])
            voortgang(len(features))
            nxt = next((link.get("href") for link in page.get("links") or []
                        if isinstance(link, dict) and link.get("rel") == "next"
                        and link.get("href")), None)
            if not nxt or not page["features"]:
                return features, first
            url, params = nxt, None
        raise self._fout(GEBIEDEN, jaar, f"{_host(url)} bleef nieuwe pagina's geven")

    def odata_rijen(self, tabel: str, filters: list[str], bron: str, jaar: int | None,
                    voortgang: Callable[[int], None]) -> tuple[list, str]:
        """All rows of ``tabel`` matching the first of ``filters`` the server accepts (a
        400 on the first page: the next one), following ``odata.nextLink``."""
        url = f"{self.adressen.cbs_odata_url}/{tabel}/TypedDataSet"
        for n, filter_ in enumerate(filters):
            params = {"$format": "json", "$filter": filter_}
            last = n == len(filters) - 1
            page = self.get_json(url, bron, jaar, params=params, allow=() if last else (400,))
            if page is not None:
                return self._pages(url, page, bron, jaar, voortgang), \
                    f"{url}?{urlencode(params)}"
            log.debug("%s refused the filter %r; trying the next", _host(url), filter_)
        raise AssertionError("unreachable: the last filter raises")

    def _pages(self, url, page, bron, jaar, voortgang) -> list:
        rows: list = []
        for _ in range(MAX_PAGINAS):
            if not isinstance(page, dict) or not isinstance(page.get("value"), list):
                raise self._fout(bron, jaar, f"het antwoord van {_host(url)} is geen "
                                 "OData-tabel (verwacht 'value')")
            rows.extend(page["value"])
            voortgang(len(rows))
            nxt = page.get("odata.nextLink") or page.get("@odata.nextLink")
            if not nxt or not page["value"]:
                return rows
            url = nxt
            page = self.get_json(url, bron, jaar)
        raise self._fout(bron, jaar, f"{_host(url)} bleef nieuwe pagina's geven")

    def gemeenten(self, jaar: int) -> dict[str, str]:
        """gemeentecode → naam, from the WijkenEnBuurten dimension of the year's
        Kerncijfers table."""
        tabel = KERNCIJFERS_TABELLEN[jaar]
        url = f"{self.adressen.cbs_odata_url}/{tabel}/WijkenEnBuurten"
        page = self.get_json(url, KERNCIJFERS, jaar,
                             params={"$format": "json", "$filter": "startswith(Key,'GM')"})
        values = page.get("value") if isinstance(page, dict) else None
        if not isinstance(values, list):
            raise self._fout(KERNCIJFERS, jaar, "de lijst met gemeenten heeft niet de "
                             "verwachte vorm")
        found = {}
        for row in values:
            if isinstance(row, dict):
                code = codes.clean_code(row.get("Key"))
                if codes.niveau(code) == "gemeente":
                    found[code] = str(row.get("Title") or "").strip()
        return found


# --- what the caller asks ---------------------------------------------------------------------

_CODE = re.compile(r"^(?:GM)?\s*(\d{1,4})$", re.IGNORECASE)


def gemeentecode_uit(tekst: str) -> str | None:
    """'GM0034', 'gm34', '34' and '0034' → 'GM0034'; None when ``tekst`` is no code (a
    name, perhaps)."""
    match = _CODE.match((tekst or "").strip())
    return f"GM{int(match[1]):04d}" if match else None


def code_of_naam(tekst: str, gemeenten: Mapping[str, str]) -> str:
    """The gemeentecode for a code or a name (case and spaces ignored); a Dutch error with
    suggestions when it is not found."""
    tekst = (tekst or "").strip()
    if not tekst:
        raise WijkdataError("Vul een gemeentecode (zoals GM0034) of de naam van een gemeente "
                            "in.")
    code = gemeentecode_uit(tekst)
    if code:
        return code
    wanted = " ".join(tekst.casefold().split())
    for found, naam in gemeenten.items():
        if " ".join(naam.casefold().split()) == wanted:
            return found
    by_name = {naam.casefold(): naam for naam in gemeenten.values()}
    close = difflib.get_close_matches(wanted, list(by_name), n=3, cutoff=0.6)
    hint = (" Bedoelt u " + " of ".join(f"'{by_name[c]}'" for c in close) + "?") if close else ""
    raise WijkdataError(f"Er is geen gemeente met de naam '{tekst}' gevonden.{hint} U kunt ook "
                        "de gemeentecode invullen, zoals GM0034.")


def odata_filter(gemeentecode: str) -> str:
    """The OData filter for a gemeente, its wijken and buurten (codes padded at the end)."""
    digits = gemeentecode[2:]
    return " or ".join(f"startswith(WijkenEnBuurten,'{prefix}{digits}')"
                       for prefix in ("GM", "WK", "BU"))


def odata_filters(gemeentecode: str) -> list[str]:
    """:func:`odata_filter`, and — for a server that refuses ``startswith`` — the
    ``substringof`` form the cbsodataR package uses. That one is looser (``BU03400341``
    contains '0034'), so the rows are checked by code afterwards in any case."""
    return [odata_filter(gemeentecode),
            f"substringof('{gemeentecode[2:]}',WijkenEnBuurten)"]


def _van_gemeente(code, gemeentecode: str) -> bool:
    cleaned = codes.clean_code(code)
    return codes.niveau(cleaned) in ("gemeente", "wijk", "buurt") and \
        codes.gemeentecode(cleaned) == gemeentecode


def _feature_van_gemeente(properties: Mapping, gemeentecode: str) -> bool:
    """Whether a PDOK feature lies in ``gemeentecode``: by its own code (buurtcode,
    wijkcode) or its gemeentecode, also when that is given without 'GM' ('0034')."""
    for key in ("buurtcode", "wijkcode", "gemeentecode", "statcode"):
        value = properties.get(key)
        if value is None:
            continue
        text = str(value).strip()
        if key == "gemeentecode" and text.isdigit():
            return f"GM{int(text):04d}" == gemeentecode
        return _van_gemeente(text, gemeentecode)
    return False


# --- one fetch --------------------------------------------------------------------------------

@dataclass
class Opgehaald:
    """One source, fetched and read: the reader's result, the bytes as given to the reader,
    the file name it was read under, the first URL and when it was fetched (UTC)."""

    bron: str
    ingelezen: Ingelezen
    data: bytes
    bestandsnaam: str
    url: str
    opgehaald: datetime
    aantal: int                      # features or rows fetched


@dataclass
class Resultaat:
    gemeentecode: str
    jaar: int
    opgehaald: list[Opgehaald] = field(default_factory=list)
    versies: list = field(default_factory=list)
    vervangen: list[str] = field(default_factory=list)     # Dutch notes on what is replaced


def beschikbare_jaar(ophaler: _Ophaler, voortgang: Voortgang = _stil) -> int:
    """The newest year whose three sources the servers have."""
    voortgang(RIVM, 0.0, "Controleren of tabel 50120NED er is")
    if not ophaler.cbs_heeft(RIVM_TABEL, RIVM, None):
        raise ophaler._fout(RIVM, None, "de tabel 50120NED is niet gevonden")
    for jaar in sorted(KERNCIJFERS_TABELLEN, reverse=True):
        voortgang(GEBIEDEN, 0.0, f"Controleren of {jaar} er is")
        if ophaler.cbs_heeft(KERNCIJFERS_TABELLEN[jaar], KERNCIJFERS, jaar) and \
                ophaler.pdok_heeft(jaar):
            return jaar
    raise WijkdataError(
        "Er is geen jaar gevonden waarvoor PDOK en CBS allebei de gegevens hebben "
        f"(geprobeerd: {', '.join(str(j) for j in sorted(KERNCIJFERS_TABELLEN, reverse=True))}"
        "). Er is niets opgeslagen. Kies een jaar met --year, of download de bestanden zelf "
        "en lees ze in op de pagina Data.")


def _read(bron: str, jaar: int, data: bytes, filename: str, kind: str,
          periode: int | None = None) -> Ingelezen:
    # What upload.read_checked does for a file (only the command line may import upload):
    # the size check, then the reader of its kind, which checks location and codes.
    try:
        if len(data) > MAX_FILE_BYTES:
            raise WijkdataError(f"Het antwoord is te groot ({fmt_bestandsgrootte(len(data))}).")
        ingelezen = read_file(data, filename, kind=kind, periode=periode)
    except WijkdataError as exc:
        raise WijkdataError(f"De gegevens van {BRON_LABELS[bron]} zijn opgehaald, maar niet "
                            f"bruikbaar: {exc.message} Er is niets opgeslagen. "
                            f"{_handmatig(bron, jaar)}", exc.problems) from None
    if not ingelezen.usable():
        raise WijkdataError(f"De gegevens van {BRON_LABELS[bron]} zijn opgehaald, maar de "
                            f"controle vond {len(ingelezen.rapport.errors)} fouten. Er is "
                            f"niets opgeslagen. {_handmatig(bron, jaar)}",
                            ingelezen.rapport.errors[:20])
    return ingelezen


def _gebieden(ophaler: _Ophaler, gemeente: str, jaar: int, voortgang: Voortgang) -> Opgehaald:
    when = datetime.now(UTC)
    collections: dict[str, list] = {}
    first_url = ""
    filterwaarde = gemeente
    for n, collectie in enumerate(PDOK_COLLECTIES):
        def step(count, n=n, collectie=collectie):
            voortgang(GEBIEDEN, min(0.85, (n + 0.5) / len(PDOK_COLLECTIES) * 0.85),
                      f"{collectie}: {count} opgehaald")
        features, url = ophaler.pdok_collectie(jaar, collectie, filterwaarde, step)
        if collectie == "buurten" and not features and filterwaarde == gemeente:
            # Not verified against PDOK: should an edition hold the code without 'GM'
            # (as some WFS editions did), ask again in that form.
            filterwaarde = gemeente[2:]
            features, url = ophaler.pdok_collectie(jaar, collectie, filterwaarde, step)
        features = [f for f in features if isinstance(f, dict)
                    and _feature_van_gemeente(f.get("properties") or {}, gemeente)]
        first_url = first_url or url
        if collectie == "buurten" and not features:
            raise ophaler._fout(GEBIEDEN, jaar, f"PDOK kent geen buurten van gemeente "
                                f"{gemeente} in {jaar}. Controleer de gemeentecode (bestond de "
                                "gemeente in dat jaar?)")
        collections[collectie] = features
    voortgang(GEBIEDEN, 0.9, "controleren zoals een ingelezen bestand")
    frames, rapport, rows, parts = [], Rapport(), 0, []
    for collectie, features in collections.items():
        if not features:
            continue
        data = json.dumps({"type": "FeatureCollection", "features": features},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        parts.append(data)
        ingelezen = _read(GEBIEDEN, jaar, data,
                          f"pdok_{collectie}_{jaar}_{gemeente}.geojson", "buurten")
        frames.append(ingelezen.frame)
        rapport.extend(ingelezen.rapport)
        rows += ingelezen.rows
    frame = pd.concat(frames, ignore_index=True)
    import geopandas as gpd
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=frames[0].crs)
    # Names as the reader gives them; a wijk's name from the wijken collection.
    ingelezen = Ingelezen(kind="buurten", frame=frame, rapport=rapport, rows=rows,
                          source_format="PDOK CBS Wijken en Buurten (OGC API, GeoJSON)")
    data = b"\n".join(parts)
    return Opgehaald(GEBIEDEN, ingelezen, data, f"pdok_wijken_en_buurten_{jaar}_{gemeente}.geojson",
                     first_url, when, sum(len(f) for f in collections.values()))


def _odata(ophaler: _Ophaler, bron: str, tabel: str, gemeente: str, jaar: int,
           voortgang: Voortgang, periode: int | None) -> Opgehaald:
    when = datetime.now(UTC)
    rows, url = ophaler.odata_rijen(
        tabel, odata_filters(gemeente), bron, jaar,
        lambda count: voortgang(bron, min(0.85, 0.1 + count / 12_000), f"{count} rijen opgehaald"))
    rows = [r for r in rows if isinstance(r, dict)
            and _van_gemeente(r.get("WijkenEnBuurten"), gemeente)]
    if not rows:
        raise ophaler._fout(bron, jaar, f"de tabel {tabel} heeft geen rijen voor gemeente "
                            f"{gemeente}. Controleer de gemeentecode")
    voortgang(bron, 0.9, "controleren zoals een ingelezen bestand")
    data = json.dumps({"odata.metadata": f"{ophaler.adressen.cbs_odata_url}/{tabel}/$metadata",
                       "value": rows}, ensure_ascii=False).encode("utf-8")
    filename = f"{tabel}_{gemeente}.json"
    ingelezen = _read(bron, jaar, data, filename, "indicatoren", periode)
    return Opgehaald(bron, ingelezen, data, filename, url, when, len(rows))


def ophalen(gemeente: str, jaar: int | None = None, *, adressen: Bronadressen | None = None,
            voortgang: Voortgang | None = None,
            session: requests.Session | None = None) -> Resultaat:
    """Fetch and check the three sources for ``gemeente`` (a code such as 'GM0034' or a
    name) and ``jaar`` (None: the newest year all three have). Nothing is stored."""
    voortgang = voortgang or _stil
    if not (gemeente or "").strip():                # before asking any server
        code_of_naam("", {})
    ophaler = _Ophaler(adressen or Bronadressen.uit_instellingen(), session)
    code = gemeentecode_uit(gemeente)
    if jaar is None:
        jaar = beschikbare_jaar(ophaler, voortgang)
    elif jaar not in KERNCIJFERS_TABELLEN:
        raise WijkdataError(
            f"Voor {jaar} is de CBS-tabel niet bekend. Kies een van deze jaren: "
            f"{', '.join(str(j) for j in sorted(KERNCIJFERS_TABELLEN))}.")
    if code is None:
        code = code_of_naam(gemeente, ophaler.gemeenten(jaar))
    resultaat = Resultaat(code, jaar)
    for bron, fetch in ((GEBIEDEN, lambda: _gebieden(ophaler, code, jaar, voortgang)),
                        (KERNCIJFERS, lambda: _odata(ophaler, KERNCIJFERS,
                                                     KERNCIJFERS_TABELLEN[jaar], code, jaar,
                                                     voortgang, jaar)),
                        (RIVM, lambda: _odata(ophaler, RIVM, RIVM_TABEL, code, jaar,
                                              voortgang, None))):
        voortgang(bron, 0.05, "bezig met ophalen")
        resultaat.opgehaald.append(fetch())
        voortgang(bron, 0.95, "opgehaald en gecontroleerd; wacht op de andere bronnen")
    return resultaat


def publiceren(store, resultaat: Resultaat, *, created_by: str = "") -> Resultaat:
    """Publish the three sources of ``resultaat`` as one new version each, in ONE
    transaction (:meth:`Store.publish_together`): all or nothing."""
    from wijkdata.model import datasets
    items = []
    taken: set[str] = set()
    for opgehaald in resultaat.opgehaald:
        ingelezen = opgehaald.ingelezen
        doel = datasets.default_target(store, ingelezen)
        name = doel.name
        if name in taken:                   # two new datasets of the same base name
            name = datasets.unique_name(name, taken)
        taken.add(name)
        vervanging = datasets.replacement(store, ingelezen.kind, name, ingelezen)
        if vervanging is not None:
            resultaat.vervangen.append(f"{BRON_LABELS[opgehaald.bron]}: {vervanging.melding}")
        items.append({
            "kind": ingelezen.kind, "name": name, "frame": ingelezen.frame,
            "source_filename": _shown(opgehaald.url), "checksum": checksum(opgehaald.data),
            "created_by": created_by,
            "note": _note(
                _shown(opgehaald.url),
                f"Opgehaald op {fmt_tijdstip(opgehaald.opgehaald)} voor gemeente "
                f"{resultaat.gemeentecode}, jaar {resultaat.jaar}. "
                f"{naamsvermelding(opgehaald.bron, resultaat.jaar)}."),
            "source_kind": datasets.source_kind_of(ingelezen),
            "dekking": None,
        })
    resultaat.versies = store.publish_together(items)
    return resultaat


def _note(url: str, text: str) -> str:
    # The same form as upload.version_note: "Bron: …" on the first line.
    return f"Bron: {url}\n{text}"


def haal_op(store, gemeente: str, jaar: int | None = None, *,
            adressen: Bronadressen | None = None, voortgang: Voortgang | None = None,
            created_by: str = "", session: requests.Session | None = None) -> Resultaat:
    """:func:`ophalen` then :func:`publiceren`: the one call of the Data page and the CLI."""
    resultaat = ophalen(gemeente, jaar, adressen=adressen, voortgang=voortgang,
                        session=session)
    return publiceren(store, resultaat, created_by=created_by)


def samenvatting(resultaat: Resultaat) -> list[str]:
    """One Dutch line per published version, for the page and the command line."""
    lines = []
    for opgehaald, versie in zip(resultaat.opgehaald, resultaat.versies):
        eenheid = "gebieden" if opgehaald.bron == GEBIEDEN else "rijen"
        lines.append(f"{BRON_LABELS[opgehaald.bron]}: {opgehaald.aantal} {eenheid} "
                     f"opgehaald, opgeslagen als '{versie.name}' versie {versie.number}. "
                     f"{naamsvermelding(opgehaald.bron, resultaat.jaar)}.")
    return lines


# --- command line -----------------------------------------------------------------------------

def add_fetch_parser(subparsers) -> argparse.ArgumentParser:
    """``python -m wijkdata fetch GMxxxx [--year YYYY] [--db URL]``."""
    fetch = subparsers.add_parser(
        "fetch", help="haal buurtgrenzen (PDOK), CBS Kerncijfers en RIVM-eenzaamheid op voor "
                      "één gemeente en sla ze samen op")
    fetch.add_argument("gemeente", metavar="GMxxxx",
                       help="gemeentecode (GM0034) of naam van de gemeente")
    fetch.add_argument("--year", type=int, help="jaar van de buurtindeling en de kerncijfers "
                                                "(standaard het nieuwste dat er is)")
    fetch.add_argument("--db", help="database-URL (standaard WIJKDATA_DATABASE_URL of SQLite)")
    return fetch


def cmd_fetch(args, out=None, err=None) -> int:
    """Fetch and publish; a line per step on standard output, errors in Dutch on standard
    error. 0 when published, 1 when not (the store is unchanged)."""
    from wijkdata.store import Store
    out = out or sys.stdout
    err = err or sys.stderr
    laatste: dict[str, str] = {}

    def voortgang(bron: str, fractie: float, tekst: str) -> None:
        line = f"{BRON_LABELS[bron]}: {tekst}"
        if laatste.get(bron) != line:
            laatste[bron] = line
            print(line, file=out, flush=True)

    try:
        store = Store(getattr(args, "db", None))
        jaar_tekst = f"jaar {args.year}" if args.year else "het nieuwste jaar"
        print(f"Ophalen voor {args.gemeente}, {jaar_tekst}.", file=out, flush=True)
        resultaat = haal_op(store, args.gemeente, args.year, voortgang=voortgang,
                            created_by=_user())
    except WijkdataError as exc:
        print(f"Fout: {exc}", file=err)
        return 1
    for line in resultaat.vervangen:
        print(f"Let op: {line}", file=out)
    print(f"Opgeslagen voor gemeente {resultaat.gemeentecode}, jaar {resultaat.jaar} "
          "(alle drie samen):", file=out)
    for line in samenvatting(resultaat):
        print(f"  {line}", file=out)
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
