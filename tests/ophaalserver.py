"""A local stand-in for PDOK and the CBS OData API, for the tests of wijkdata.ophalen.

It answers in the shapes DATA_FORMATS.md ("Online sources") documents, for one fictitious
gemeente of real size (tests/realshapes.py: GM0034 with 238 buurten in 12 wijken):

- PDOK OGC API Features of the CBS Wijk- en buurtkaart, under
  ``/pdok/wijken-en-buurten-<jaar>/ogc/v1``: ``collections/<buurten|wijken|gemeenten>``
  (metadata) and ``.../items?f=json&gemeentecode=GM0034&limit=N`` (GeoJSON in CRS84 with
  snake_case properties, ``links`` with ``rel: next`` carrying a ``cursor``);
- the CBS OData v3 API under ``/cbs``: ``<tabel>?$format=json`` (the service document: the
  table exists), ``<tabel>/TypedDataSet?$format=json&$filter=...`` (``{"value": [...]}``
  with ``odata.nextLink`` while more rows follow) and ``<tabel>/WijkenEnBuurten`` (the
  dimension: ``Key`` padded, ``Title``). Only the filter shapes ``startswith(Dim,'X')`` and
  ``substringof('X',Dim)`` joined by ``or`` are understood; anything else is a 400, as a
  wrong query is at CBS. Without ``$format=json`` it answers Atom XML, as CBS does.

Pages are small (``page_pdok``, ``page_cbs``) so the client must follow the links. It fails
on purpose when told (:attr:`OphaalServer.storing`): ``500``, ``hang`` (sleeps past the
client's timeout), ``json`` (cut-off JSON) or ``leeg`` (an empty answer), for one source
(``pdok``, ``kerncijfers``, ``rivm``) on one page. It also acts as an HTTP proxy: a request
line with an absolute URL (``GET http://cbs.invalid/...``) is served as if for itself and
recorded in :attr:`OphaalServer.via_proxy`; a ``CONNECT`` (an HTTPS tunnel) is recorded in
:attr:`OphaalServer.tunnels` and refused.
"""
from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import shapely
from shapely.geometry import shape

from tests import realshapes

GEMEENTE = "GM0034"
GEMEENTENAAM = "Almere"
BUURTEN = 238
WIJKEN = 12
# Kerncijfers table per year, as wijkdata.ophalen.KERNCIJFERS_TABELLEN has them.
TABELLEN = {2021: "85039NED", 2022: "85318NED", 2023: "85618NED", 2024: "85984NED",
            2025: "86165NED"}
RIVM = "50120NED"


class OphaalServer:
    """``with OphaalServer() as server:`` — ``server.cbs_url`` and ``server.pdok_url`` are
    the base URLs to give wijkdata.ophalen (settings ``cbs_odata_url``, ``pdok_url``)."""

    def __init__(self, *, pdok_jaren=(2023, 2024), cbs_jaren=(2023, 2024, 2025),
                 page_pdok: int = 50, page_cbs: int = 1000, hang_s: float = 5.0):
        self.pdok_jaren = set(pdok_jaren)
        self.cbs_tabellen = {TABELLEN[j] for j in cbs_jaren} | {RIVM}
        self.page_pdok = page_pdok
        self.page_cbs = page_cbs
        self.hang_s = hang_s
        self.delay_s = 0.0          # a pause before every answer: a slow network
        self.startswith = True      # False: refuse startswith() as an unknown function (400)
        # True: PDOK holds gemeentecode without 'GM' ('0034') and filters on that form
        self.pdok_zonder_gm = False
        # (source, mode, page): 'pdok' | 'kerncijfers' | 'rivm'; '500' | 'hang' | 'json' |
        # 'leeg'; the 0-based page of that source's data requests that fails.
        self.storing: tuple[str, str, int] | None = None
        self.requests: list[str] = []
        self.via_proxy: list[str] = []
        self.tunnels: list[str] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._counts: dict[str, int] = {}

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> OphaalServer:
        handler = _handler_for(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> OphaalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def cbs_url(self) -> str:
        return f"{self.root}/cbs"

    @property
    def pdok_url(self) -> str:
        return f"{self.root}/pdok/wijken-en-buurten-{{jaar}}/ogc/v1"

    def env(self) -> dict[str, str]:
        """Environment variables that point the app and the command line here."""
        return {"WIJKDATA_CBS_ODATA_URL": self.cbs_url, "WIJKDATA_PDOK_URL": self.pdok_url}

    # --- failing on purpose ----------------------------------------------------------------

    def _page_fails(self, source: str) -> str | None:
        with self._lock:
            page = self._counts.get(source, 0)
            self._counts[source] = page + 1
        if self.storing and self.storing[0] == source and self.storing[2] == page:
            return self.storing[1]
        return None


def _handler_for(server: OphaalServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):        # quiet test output
            pass

        def do_CONNECT(self):                # an HTTPS tunnel through this "proxy"
            server.tunnels.append(self.path)
            self._send(403, b"no tunnels here", "text/plain")

        def do_GET(self):
            path = self.path
            if path.startswith("http://") or path.startswith("https://"):
                server.via_proxy.append(path)
                parts = urlsplit(path)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
            server.requests.append(path)
            if server.delay_s:
                time.sleep(server.delay_s)
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            try:
                status, body, kind = _route(server, path, base)
            except _Hang:
                time.sleep(server.hang_s)
                status, body, kind = 200, b'{"value": []}', "application/json"
            self._send(status, body, kind)

        def _send(self, status: int, body: bytes, kind: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass                          # the client gave up (a timeout): fine

    return Handler


class _Hang(Exception):
    pass


_PDOK = re.compile(r"^/pdok/wijken-en-buurten-(\d{4})/ogc/v1/collections/"
                   r"(buurten|wijken|gemeenten)(/items)?/?$")
_CBS = re.compile(r"^/cbs/(\w+)(/TypedDataSet|/WijkenEnBuurten|/DataProperties)?/?$")


def _json(payload) -> tuple[int, bytes, str]:
    return 200, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json"


def _failure(mode: str | None, empty) -> tuple[int, bytes, str] | None:
    if mode == "500":
        return 500, b"<html><body>Internal Server Error</body></html>", "text/html"
    if mode == "hang":
        raise _Hang()
    if mode == "json":
        return 200, b'{"value": [{"ID": 0, "WijkenEnBuurten": "BU0034', "application/json"
    if mode == "leeg":
        return _json(empty)
    return None


def _route(server: OphaalServer, path: str, base: str) -> tuple[int, bytes, str]:
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    match = _PDOK.match(parts.path)
    if match:
        jaar, collection, items = int(match[1]), match[2], match[3]
        if jaar not in server.pdok_jaren:
            return 404, b'{"code":"Not Found","description":"Not Found"}', "application/json"
        if not items:
            return _json({"id": collection, "title": collection, "links": [],
                          "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]})
        return _pdok_items(server, jaar, collection, query, base + parts.path)
    match = _CBS.match(parts.path)
    if match:
        tabel, what = match[1], match[2]
        if tabel not in server.cbs_tabellen:
            return 404, b"<html>Not Found</html>", "text/html"
        if query.get("$format") != "json":
            return (200, b'<?xml version="1.0" encoding="utf-8"?><feed xmlns='
                    b'"http://www.w3.org/2005/Atom"></feed>', "application/atom+xml")
        if not what:
            return _json({"odata.metadata": f"{base}/cbs/{tabel}/$metadata",
                          "value": [{"name": "TableInfos", "url": f"{base}/cbs/{tabel}/TableInfos"},
                                    {"name": "TypedDataSet",
                                     "url": f"{base}/cbs/{tabel}/TypedDataSet"}]})
        if what == "/WijkenEnBuurten":
            return _dimension(tabel, query)
        if what == "/TypedDataSet":
            return _dataset(server, tabel, query, base + parts.path)
        return _json({"value": []})
    return 404, b"not found", "text/plain"


# --- PDOK ------------------------------------------------------------------------------------

def _pdok_items(server, jaar, collection, query, url) -> tuple[int, bytes, str]:
    if query.get("f", "json") != "json":
        return 400, b'{"description":"unknown f"}', "application/json"
    failed = _failure(server._page_fails("pdok"),
                      {"type": "FeatureCollection", "features": [], "links": [],
                       "numberReturned": 0})
    if failed:
        return failed
    code = query.get("gemeentecode", "")
    features = []
    if code == (GEMEENTE[2:] if server.pdok_zonder_gm else GEMEENTE):
        features = _pdok_features(jaar)[collection]
    if server.pdok_zonder_gm:
        features = json.loads(json.dumps(features))
        for feature in features:
            feature["properties"]["gemeentecode"] = GEMEENTE[2:]
    limit = min(int(query.get("limit", 10)), server.page_pdok)
    start = int(query.get("cursor", "0") or 0)
    page = features[start:start + limit]
    links = [{"rel": "self", "type": "application/geo+json", "title": "This document as GeoJSON",
              "href": f"{url}?{urlencode(query)}"}]
    if start + limit < len(features):
        links.append({"rel": "next", "type": "application/geo+json", "title": "Next page",
                      "href": f"{url}?{urlencode(dict(query, cursor=start + limit))}"})
    return _json({"type": "FeatureCollection", "timeStamp": "2026-12-02T12:00:00Z",
                  "links": links, "features": page, "numberReturned": len(page)})


_FEATURES: dict[int, dict[str, list]] = {}


def _pdok_features(jaar: int) -> dict[str, list]:
    """The buurten, wijken and gemeente of GM0034 as PDOK's OGC API serves them: snake_case
    properties of the Wijk- en buurtkaart, the gemeente also as a water part."""
    if jaar in _FEATURES:
        return _FEATURES[jaar]
    gebied = {a.code: a for a in realshapes.gebied(GEMEENTE, GEMEENTENAAM, BUURTEN, WIJKEN)}
    source = json.loads(realshapes.pdok_buurten_geojson(GEMEENTE, BUURTEN, WIJKEN, year=jaar))
    buurten, by_wijk = [], {}
    for i, feature in enumerate(source["features"]):
        code = feature["properties"]["statcode"]
        area = gebied[code]
        by_wijk.setdefault(area.wijkcode, []).append(shapely.make_valid(shape(feature["geometry"])))
        buurten.append({"type": "Feature", "id": i + 1, "geometry": feature["geometry"],
                        "properties": {
                            "buurtcode": code, "buurtnaam": feature["properties"]["statnaam"],
                            "wijkcode": area.wijkcode, "gemeentecode": GEMEENTE,
                            "gemeentenaam": GEMEENTENAAM, "jaarstatcode": f"{jaar}{code}",
                            "jaar": jaar, "water": "NEE", "indelingswijziging_wijken_en_buurten": 1,
                            "aantal_inwoners": area.inwoners if area.inwoners else -99997,
                            "percentage_personen_65_jaar_en_ouder": -99997,
                            "aantal_huishoudens": area.huishoudens or -99997}})
    wijken, outlines = [], []
    for i, (wijkcode, parts) in enumerate(by_wijk.items()):
        outline = shapely.union_all(parts)
        outlines.append(outline)
        wijken.append({"type": "Feature", "id": i + 1,
                       "geometry": shapely.geometry.mapping(outline),
                       "properties": {"wijkcode": wijkcode, "wijknaam": gebied[wijkcode].naam,
                                      "gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTENAAM,
                                      "jaarstatcode": f"{jaar}{wijkcode}", "jaar": jaar,
                                      "water": "NEE",
                                      "aantal_inwoners": gebied[wijkcode].inwoners}})
    land = shapely.union_all(outlines)
    water = shapely.box(*land.bounds).difference(land.buffer(0.001))
    gemeenten = [{"type": "Feature", "id": n + 1, "geometry": shapely.geometry.mapping(geometry),
                  "properties": {"gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTENAAM,
                                 "jaarstatcode": f"{jaar}{GEMEENTE}", "jaar": jaar,
                                 "water": water_flag,
                                 "aantal_inwoners": gebied[GEMEENTE].inwoners
                                 if water_flag == "NEE" else -99997}}
                 for n, (geometry, water_flag) in enumerate(((land, "NEE"), (water, "JA")))]
    _FEATURES[jaar] = {"buurten": _round_trip(buurten), "wijken": _round_trip(wijken),
                       "gemeenten": _round_trip(gemeenten)}
    return _FEATURES[jaar]


def _round_trip(features):
    return json.loads(json.dumps(features))       # tuples → lists, as on the wire


# --- CBS OData ------------------------------------------------------------------------------

_STARTS = re.compile(r"^startswith\((\w+),'([^']*)'\)$")
_SUBSTRING = re.compile(r"^substringof\('([^']*)',(\w+)\)$")


def _parse_filter(text: str):
    """A predicate for the OData filters this server understands, or None (a 400)."""
    tests = []
    for term in re.split(r"\s+or\s+", text.strip()):
        term = term.strip().strip("()").strip() if term.count("(") != term.count(")") else term
        if match := _STARTS.match(term):
            tests.append(lambda row, c=match[1], p=match[2]: str(row.get(c, "")).startswith(p))
        elif match := _SUBSTRING.match(term):
            tests.append(lambda row, c=match[2], p=match[1]: p in str(row.get(c, "")))
        else:
            return None
    return lambda row: any(t(row) for t in tests)


def _dataset(server, tabel, query, url) -> tuple[int, bytes, str]:
    source = "rivm" if tabel == RIVM else "kerncijfers"
    failed = _failure(server._page_fails(source), {"odata.metadata": "", "value": []})
    if failed:
        return failed
    rows = _rivm_rows() if tabel == RIVM else _kern_rows(tabel)
    if "$filter" in query:
        keep = _parse_filter(query["$filter"])
        if not server.startswith and "startswith" in query["$filter"]:
            keep = None
        if keep is None:
            return 400, json.dumps({"odata.error": {"code": "", "message": {
                "lang": "nl-NL", "value": "Unsupported filter"}}}).encode(), "application/json"
        rows = [r for r in rows if keep(r)]
    skip = int(query.get("$skip", "0") or 0)
    page = rows[skip:skip + server.page_cbs]
    payload = {"odata.metadata": f"{url.rsplit('/', 1)[0]}/$metadata#Cbs.OData.WebAPI."
                                 "TypedDataSet", "value": page}
    if skip + server.page_cbs < len(rows):
        following = dict(query, **{"$skip": skip + server.page_cbs})
        payload["odata.nextLink"] = f"{url}?{urlencode(following)}"
    return _json(payload)


def _dimension(tabel, query) -> tuple[int, bytes, str]:
    rows = _kern_rows(tabel) if tabel != RIVM else _rivm_rows()
    seen, values = set(), []
    for row in rows:
        key = row["WijkenEnBuurten"]
        if key in seen:
            continue
        seen.add(key)
        naam = row.get("Gemeentenaam_1", "").strip() if key.startswith("GM") else key.strip()
        values.append({"Key": key, "Title": naam, "Description": None,
                       "DimensionGroupId": "1"})
    values.insert(0, {"Key": "NL01      ", "Title": "Nederland", "Description": None,
                      "DimensionGroupId": "0"})
    values.insert(1, {"Key": "GM0363    ", "Title": "Amsterdam", "Description": None,
                      "DimensionGroupId": "1"})
    if "$filter" in query:
        keep = _parse_filter(query["$filter"].replace("Key", "WijkenEnBuurten"))
        if keep is None:
            return 400, b'{"odata.error": {}}', "application/json"
        values = [v for v in values if keep({"WijkenEnBuurten": v["Key"]})]
    return _json({"odata.metadata": "", "value": values})


_ROWS: dict[str, list] = {}


def _number(text: str):
    text = text.strip()
    if text in ("", "."):
        return None                   # OData has null where a CSV shows '' or '.'
    try:
        return int(text)
    except ValueError:
        return float(text)


def _kern_rows(tabel: str) -> list[dict]:
    if tabel not in _ROWS:
        jaar = {v: k for k, v in TABELLEN.items()}[tabel]
        text = realshapes.kerncijfers_odata_csv(GEMEENTE, GEMEENTENAAM, BUURTEN, WIJKEN,
                                                year=jaar).decode("utf-8")
        rows = []
        for record in csv.DictReader(io.StringIO(text)):
            rows.append({k: (v if k in ("WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2",
                                        "Codering_3") else _number(v))
                         for k, v in record.items()})
        # A neighbouring gemeente whose buurtcode contains '0034' further on: a filter on
        # a substring alone would take it along.
        rows.append({**rows[-1], "ID": len(rows), "WijkenEnBuurten": "BU03400341",
                     "Gemeentenaam_1": "Houten".ljust(40), "Codering_3": "BU03400341"})
        _ROWS[tabel] = rows
    return _ROWS[tabel]


def _rivm_rows() -> list[dict]:
    if RIVM not in _ROWS:
        header, records = realshapes._rivm_records(
            RIVM, GEMEENTE, GEMEENTENAAM, BUURTEN, WIJKEN, ("land", "gemeente", "wijk", "buurt"),
            (2012, 2016, 2020, 2022), 0)
        _ROWS[RIVM] = [dict(zip(header, record)) for record in records]
    return _ROWS[RIVM]
