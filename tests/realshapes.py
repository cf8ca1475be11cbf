"""Files in the shapes CBS, RIVM, PDOK and municipalities really publish, built as bytes.

Every builder is deterministic (``random.Random(seed)``, or a string seed per area) and
follows what the real sources publish (README, "The data it reads"): padded codes, label
headers with theme paths, StatLine symbols, decimal commas, padded text values in Excel
exports, PDOK properties without a gemeentenaam, invalid rings, mis-encoded names, water
parts, empty statistics in a first release. Nothing is written the way pandas would write
it by default.

One fictitious gemeente underlies the builders (:func:`gebied`): the same ``gemeentecode``,
``buurten``, ``wijken`` and ``seed`` give the same codes, names and inwoners in the
boundaries, the Kerncijfers and the RIVM table, so the three join as real files do.

>>> files = almere_scenario()
>>> sorted(files)
['buurten_pdok_2024.geojson', 'gezondheid_50120NED.csv', 'kerncijfers_85984NED.csv']
"""
from __future__ import annotations

import csv
import functools
import io
import json
import math
import random
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Polygon, box

__all__ = [
    "gemeente_buurtcodes", "gebied", "pdok_buurten_geojson", "kerncijfers_odata_csv",
    "rivm_csv", "rivm_xlsx", "rivm_national_rows", "rivm_national_xlsx", "kwb_xlsx",
    "statline_kerncijfers_csv",
    "gemeente_gebieden_geojson", "wfs_wijkbuurtkaart_gpkg", "almere_scenario",
    "RIVM_COLUMNS",
]

# RIVM "Gezondheid per wijk en buurt": the loneliness columns and their suffixes per table.
# The suffixes differ between 50120NED and its predecessor 50090NED.
RIVM_COLUMNS = {
    "50120NED": ["MistEmotioneleSteun_23", "Eenzaam_27", "ErnstigZeerErnstigEenzaam_28",
                 "EmotioneelEenzaam_29", "SociaalEenzaam_30", "Mantelzorger_31",
                 "Vrijwilligerswerk_32"],
    "50090NED": ["Eenzaam_28", "ErnstigZeerErnstigEenzaam_29", "EmotioneelEenzaam_30",
                 "SociaalEenzaam_31", "Mantelzorger_32", "Vrijwilligerswerk_33"],
}
# Other topics of the RIVM table (not read by the dashboard), to make the table as wide as
# the real one. Suffixes are filled in around the loneliness columns.
_RIVM_OTHER_TOPICS = [
    "GoedZeerGoedErvarenGezondheid", "LangdurigeZiekteEnOfAandoening",
    "BeperktVanwegeGezondheid", "ErnstigBeperktVanwegeGezondheid", "Ondergewicht",
    "NormaalGewicht", "Overgewicht", "ErnstigOvergewicht", "Roker", "VoldoetAanAlcoholrichtlijn",
    "Drinker", "ZwareDrinker", "OvermatigeDrinker", "BeweegrichtlijnNagekomen",
    "WekelijkseSporters", "GoedOpgeleid", "HoogRisicoOpAngstOfDepressie",
    "VeelStressInAfgelopen4Weken", "MatigTotVeelRegieOverEigenLeven", "GeluidhinderDoorBuren",
    "GeluidhinderDoorVerkeer", "HinderVanGeurDoorVerkeer", "MoeiteMetRondkomen",
    "BeperktDoorHoorbeperking", "BeperktDoorGezichtsbeperking", "BeperktDoorMobiliteit",
    "ErgensBeperkt", "ZorgMantelzorgOntvangen", "Lezen", "Buitenspelen", "SlaaptSlecht",
    "Geldzorgen", "LaagOpgeleid", "KentBurenGoed", "VoeltZichVeiligInBuurt",
]
# Per period: what a RIVM table has measured (sociaal eenzaam from 2016 on).
_SOCIAAL_FROM = 2016
_LEEFTIJDEN = (("20300", 0.0), ("53115", -3.0), ("80200", 6.0))     # 18+, 18-64, 65+
_MARGES = ("MW00000", "MOG0095", "MBG0095")

_WIJKNAMEN = ["Stad-Centrum", "Haven", "Buiten", "Poort", "Hout", "Pampus", "Stad-West",
              "Stad-Oost", "Stad-Noord", "Oosterwold", "Nobelhorst", "Duin", "Kruidenwijk",
              "Waterwijk", "Filmwijk", "Literatuurwijk"]
_BUURT_DELEN = ["Bloemen", "Molen", "Kruiden", "Vogel", "Sterren", "Muziek", "Schilders",
                "Dichters", "Bomen", "Vaarten", "Dijk", "Polder", "Zeilers", "Film", "Sport",
                "Water", "Eilanden", "Park", "Kade", "Veld"]
_BUURT_EINDEN = ["wijk", "buurt", "kwartier", "park", "hof", "dreef", "veld", "kade", "eiland"]


# --- the fictitious gemeente ---------------------------------------------------------------

def gemeente_buurtcodes(gemeentecode: str = "GM0034", buurten: int = 238, wijken: int = 12,
                        letters: bool = True) -> list[str]:
    """The buurtcodes of a fictitious gemeente, in CBS order (by wijk, then buurt).

    Buurten are spread unevenly over the wijken (at least one each). With ``letters`` the
    last wijk has a code with letters (``WK0034AA``, buurten ``BU0034AA01`` ...), as CBS
    gives when a gemeente has 100+ wijken. The wijkcode of each buurt is
    ``codes.wijkcode(buurtcode)``.

    >>> gemeente_buurtcodes(buurten=5, wijken=2)
    ['BU00340101', 'BU00340102', 'BU00340103', 'BU00340104', 'BU0034AA01']
    """
    if not 1 <= wijken <= buurten or buurten > 99 * wijken:
        raise ValueError("need 1 <= wijken <= buurten <= 99 * wijken")
    gm = gemeentecode[2:]
    counts = _spread(buurten, wijken)
    result = []
    for w, count in enumerate(counts):
        tail = _wijk_tail(w, wijken, letters)
        result.extend(f"BU{gm}{tail}{b + 1:02d}" for b in range(count))
    return result


def _wijk_tail(w: int, wijken: int, letters: bool) -> str:
    if letters and w == wijken - 1 and wijken > 1:
        return "AA"
    return f"{w + 1:02d}"


def _spread(total: int, parts: int) -> list[int]:
    """``total`` over ``parts`` unevenly (weights 1..5 in a fixed pattern), each ≥ 1, ≤ 99."""
    weights = [1 + (i * 7 + 3) % 5 for i in range(parts)]
    counts = [1] * parts
    rest = total - parts
    scale = sum(weights)
    shares = [rest * w / scale for w in weights]
    for i, share in enumerate(shares):
        counts[i] += int(share)
    i = 0
    while sum(counts) < total:
        if counts[i % parts] < 99:
            counts[i % parts] += 1
        i += 1
    return counts


@dataclass
class Gebied:
    """One area of the fictitious gemeente. Counts are CBS-like (age groups rounded to 5)."""

    code: str
    naam: str
    niveau: str            # 'gemeente' | 'wijk' | 'buurt'
    wijkcode: str | None
    inwoners: int
    mannen: int
    aantal_65plus: int
    huishoudens: int
    eenpersoons: int
    leeftijden: tuple[int, int, int, int, int]     # 0-14, 15-24, 25-44, 45-64, 65+

    @property
    def tiny(self) -> bool:
        return self.inwoners < 100


@functools.lru_cache(maxsize=32)
def gebied(gemeentecode: str = "GM0034", gemeentenaam: str = "Almere", buurten: int = 238,
           wijken: int = 12, seed: int = 0, letters: bool = True) -> tuple[Gebied, ...]:
    """The gemeente, its wijken and buurten in CBS order: gemeente, then each wijk followed
    by its buurten. About one buurt in twelve is tiny (fewer than 100 inwoners, some 0: an
    industrial estate), as real gemeenten have. Wijk and gemeente are sums of their buurten.
    """
    rng = random.Random(seed)
    buurtcodes = gemeente_buurtcodes(gemeentecode, buurten, wijken, letters)
    names = _buurtnamen(rng, len(buurtcodes))
    by_wijk: dict[str, list[Gebied]] = {}
    for code, naam in zip(buurtcodes, names):
        roll = rng.random()
        if roll < 0.03:
            inwoners = 0
        elif roll < 0.085:
            inwoners = rng.choice([5, 15, 25, 40, 55, 70, 85, 95])
        else:
            inwoners = int(rng.lognormvariate(7.4, 0.6))
        wijkcode = "WK" + code[2:8]
        by_wijk.setdefault(wijkcode, []).append(_make_gebied(rng, code, naam, "buurt",
                                                             wijkcode, inwoners))
    result = []
    wijk_rows = []
    for w, (wijkcode, members) in enumerate(by_wijk.items()):
        naam = f"{gemeentenaam} {_WIJKNAMEN[w % len(_WIJKNAMEN)]}" + (
            f" {w // len(_WIJKNAMEN) + 1}" if w >= len(_WIJKNAMEN) else "")
        wijk_rows.append((_sum_gebied(wijkcode, naam, "wijk", wijkcode, members), members))
    gemeente = _sum_gebied(gemeentecode, gemeentenaam, "gemeente", None,
                           [w for w, _ in wijk_rows])
    result.append(gemeente)
    for wijk, members in wijk_rows:
        result.append(wijk)
        result.extend(members)
    return tuple(result)


def _buurtnamen(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    seen = set()
    while len(names) < n:
        name = rng.choice(_BUURT_DELEN) + rng.choice(_BUURT_EINDEN)
        if name in seen:
            name = f"{name} {rng.choice(['Noord', 'Zuid', 'Oost', 'West', 'Midden'])}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def _round5(n: float) -> int:
    return int(5 * round(n / 5))


def _make_gebied(rng, code, naam, niveau, wijkcode, inwoners) -> Gebied:
    share65 = rng.uniform(0.05, 0.32)
    shares = [rng.uniform(0.10, 0.22), rng.uniform(0.08, 0.15), rng.uniform(0.2, 0.32)]
    ages = [_round5(inwoners * s) for s in shares]
    a65 = _round5(inwoners * share65)
    ages.append(max(0, _round5(inwoners) - sum(ages) - a65))
    ages.append(a65)
    huishoudens = _round5(inwoners / rng.uniform(1.7, 2.6))
    eenpersoons = _round5(huishoudens * rng.uniform(0.2, 0.6))
    return Gebied(code, naam, niveau, wijkcode, inwoners, _round5(inwoners * 0.49), a65,
                  huishoudens, min(eenpersoons, huishoudens), tuple(ages))


def _sum_gebied(code, naam, niveau, wijkcode, members) -> Gebied:
    return Gebied(code, naam, niveau, wijkcode,
                  sum(m.inwoners for m in members), sum(m.mannen for m in members),
                  sum(m.aantal_65plus for m in members), sum(m.huishoudens for m in members),
                  sum(m.eenpersoons for m in members),
                  tuple(sum(m.leeftijden[i] for m in members) for i in range(5)))


# --- geometry ------------------------------------------------------------------------------

# Almere in RD New: the centre of the fictitious outline; lon/lat about (5.2, 52.37).
_ALMERE_RD = (143_500.0, 487_000.0)
_AMSTERDAM_RD = (121_500.0, 487_500.0)


def _outline(rng: random.Random, centre, radius: float = 7_000.0, corners: int = 23) -> Polygon:
    """An irregular star-shaped outline around ``centre`` (RD metres)."""
    cx, cy = centre
    points = []
    for i in range(corners):
        angle = 2 * math.pi * i / corners
        r = radius * rng.uniform(0.7, 1.15)
        points.append((cx + r * math.cos(angle) * 1.2, cy + r * math.sin(angle) * 0.9))
    return Polygon(points)


def _sample_inside(rng: random.Random, polygon, n: int) -> list[tuple[float, float]]:
    xmin, ymin, xmax, ymax = polygon.bounds
    shapely.prepare(polygon)
    points: list[tuple[float, float]] = []
    tries = 0
    while len(points) < n:
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        tries += 1
        if polygon.contains(shapely.Point(x, y)) or tries > 200_000:
            points.append((x, y))
    return points


def _polygonal(geometry):
    """The polygonal part of a clipped cell (a clip can leave lines or points beside it)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"
             and not g.is_empty]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _cells(rng: random.Random, region, n: int) -> list:
    """``n`` contiguous, irregular cells covering ``region``: Voronoi cells of random seeds,
    clipped to it."""
    if n == 1:
        return [region]
    seeds = _sample_inside(rng, region, n)
    xmin, ymin, xmax, ymax = region.bounds
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=box(
        xmin - 1000, ymin - 1000, xmax + 1000, ymax + 1000), ordered=True)
    return [_polygonal(cell.intersection(region)) for cell in shapely.get_parts(cells)]


def _buurt_polygons(codes_in_order: list[str], seed: int, centre) -> dict[str, object]:
    """buurtcode → polygon in RD: wijken as Voronoi cells of the outline, buurten as Voronoi
    cells of their wijk, so buurten nest in wijken and together cover the gemeente."""
    rng = random.Random(seed)
    outline = _outline(rng, centre)
    wijken: dict[str, list[str]] = {}
    for code in codes_in_order:
        wijken.setdefault(code[:8], []).append(code)
    result = {}
    for wijk_polygon, members in zip(_cells(rng, outline, len(wijken)), wijken.values()):
        for code, cell in zip(members, _cells(rng, wijk_polygon, len(members))):
            result[code] = cell
    return result


def _to_lonlat(geometries: list) -> list:
    from pyproj import Transformer
    transformer = Transformer.from_crs(28992, 4326, always_xy=True)
    return [shapely.transform(g, lambda xy: _transform(transformer, xy)) for g in geometries]


def _transform(transformer, xy):
    import numpy as np
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([np.round(lon, 6), np.round(lat, 6)])


def _self_intersecting(polygon: Polygon) -> Polygon:
    """The same ring with two neighbouring vertices swapped: a self-intersection, as
    generalisation leaves in real PDOK files."""
    if polygon.geom_type != "Polygon":
        polygon = max(polygon.geoms, key=lambda p: p.area)
    ring = list(polygon.exterior.coords)[:-1]
    for i in range(len(ring) - 1):
        swapped = ring[:i] + [ring[i + 1], ring[i]] + ring[i + 2:]
        candidate = Polygon(swapped + [swapped[0]])
        if not candidate.is_valid:
            return candidate
    raise AssertionError("could not make the ring invalid")


def _geojson_geometry(geometry) -> dict:
    mapping = shapely.geometry.mapping(geometry)
    return json.loads(json.dumps(mapping))    # tuples → lists, as a real file has


def _feature_collection(features: list[dict], name: str | None = None,
                        crs84: bool = False) -> bytes:
    payload: dict = {"type": "FeatureCollection"}
    if name:
        payload["name"] = name
    if crs84:
        payload["crs"] = {"type": "name",
                          "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    payload["features"] = features
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pdok_buurten_geojson(gemeentecode: str = "GM0034", buurten: int = 238, wijken: int = 12,
                         year: int = 2024, seed: int = 0, gemeentenaam: str = "Almere",
                         invalid: bool = True, misencoded: bool = True) -> bytes:
    """A PDOK / CBS gebiedsindeling of the buurten of one gemeente as GeoJSON (EPSG:4326).

    Properties as PDOK has them, in this order: ``statcode`` (``BU00340101``),
    ``jrstatcode`` (``2024BU00340101``), ``statnaam``, ``rubriek`` (``buurt``), ``id``; no
    gemeentenaam, no wijkcode. Polygons are irregular and contiguous. With ``invalid``, the
    3rd buurt's ring crosses itself; with ``misencoded``, the 5th buurt's name has "Þ"
    where "è" was meant.
    """
    areas = [a for a in gebied(gemeentecode, gemeentenaam, buurten, wijken, seed)
             if a.niveau == "buurt"]
    polygons = _buurt_polygons([a.code for a in areas], seed, _ALMERE_RD)
    lonlat = _to_lonlat([polygons[a.code] for a in areas])
    features = []
    for i, (area, geometry) in enumerate(zip(areas, lonlat)):
        naam = area.naam
        if misencoded and i == 4:
            naam = "Cr\u00devecoeur"          # 'Crèvecoeur' as PDOK sometimes spells it
        if invalid and i == 2:
            geometry = _self_intersecting(geometry)
        features.append({
            "type": "Feature",
            "geometry": _geojson_geometry(geometry),
            "properties": {"statcode": area.code, "jrstatcode": f"{year}{area.code}",
                           "statnaam": naam, "rubriek": "buurt", "id": 10_000 + i},
        })
    return _feature_collection(features, name=f"cbs_buurten_{year}")


def gemeente_gebieden_geojson(gemeentecode: str = "GM0363", gemeentenaam: str = "Amsterdam",
                              buurten: int = 40, wijken: int = 4, seed: int = 0,
                              met_wijken: bool = False) -> bytes:
    """A municipal Gebieden API export (as Amsterdam publishes it) as GeoJSON in EPSG:4326.

    Properties in the export's order: ``identificatie``, ``code`` (the municipal code,
    ``AA01``) BEFORE ``cbsCode`` (``BU0363AA01``), ``naam``, ``type`` (``buurt``/``wijk``),
    ``beginGeldigheid``. Wijk codes have letters (``AA``, ``AB``, ...), so every CBS code
    has letters. With ``met_wijken`` the wijken are features too (``code`` ``AA``,
    ``cbsCode`` ``WK0363AA``), listed before their buurten.
    """
    rng = random.Random(seed)
    counts = _spread(buurten, wijken)
    gm = gemeentecode[2:]
    tails = [chr(65 + w // 26) + chr(65 + w % 26) for w in range(wijken)]
    codes_in_order = [f"BU{gm}{t}{b + 1:02d}" for t, n in zip(tails, counts) for b in range(n)]
    polygons = _buurt_polygons(codes_in_order, seed, _AMSTERDAM_RD)
    names = _buurtnamen(rng, len(codes_in_order))
    features = []
    number = 0
    for tail in tails:
        members = [c for c in codes_in_order if c[6:8] == tail]
        if met_wijken:
            number += 1
            wijk = shapely.union_all([polygons[c] for c in members])
            features.append(_gebieden_feature(number, tail, f"WK{gm}{tail}",
                                              f"{gemeentenaam} {tail}", "wijk", wijk))
        for code in members:
            number += 1
            features.append(_gebieden_feature(number, code[6:], code,
                                              names[codes_in_order.index(code)], "buurt",
                                              polygons[code]))
    return _feature_collection(features)


def _gebieden_feature(number, code, cbs_code, naam, soort, geometry_rd) -> dict:
    geometry = _to_lonlat([geometry_rd])[0]
    return {"type": "Feature",
            "properties": {"identificatie": f"0363{'03' if soort == 'buurt' else '02'}"
                                            f"{number:010d}",
                           "code": code, "cbsCode": cbs_code, "naam": naam, "type": soort,
                           "beginGeldigheid": "2022-03-24"},
            "geometry": _geojson_geometry(geometry)}


def wfs_wijkbuurtkaart_gpkg(year: int = 2021, gemeentecode: str = "GM0233",
                            gemeentenaam: str = "Oostwold", buurten: int = 12, wijken: int = 2,
                            seed: int = 0, water: bool = True) -> bytes:
    """The buurten of one gemeente taken from the PDOK WFS Wijk- en buurtkaart, saved as a
    GeoPackage (layer ``buurten``, EPSG:28992), as a first release has it.

    Snake_case columns (``buurtcode, jaarstatcode, buurtnaam, wijkcode, gemeentecode,
    gemeentenaam, ind_wbi, water, omgevingsadressendichtheid, stedelijkheid,
    aantal_inwoners, ...``); the year only in ``jaarstatcode`` (``2021BU02330001``), no
    ``jaar``; every statistic empty. With ``water``, each wijk has a water part whose code
    ends in 97–99 (``BU02330197``), ``water = 'JA'``.
    """
    import geopandas as gpd

    areas = [a for a in gebied(gemeentecode, gemeentenaam, buurten, wijken, seed,
                               letters=False) if a.niveau == "buurt"]
    polygons = _buurt_polygons([a.code for a in areas], seed, (233_000.0, 582_000.0))
    rows = []
    for area in areas:
        rows.append(_wfs_row(year, area.code, area.naam, gemeentecode, gemeentenaam, "NEE",
                             polygons[area.code]))
    if water:
        for w, wijkcode in enumerate(dict.fromkeys(a.wijkcode for a in areas)):
            members = [polygons[a.code] for a in areas if a.wijkcode == wijkcode]
            hull = shapely.union_all(members)
            lake = shapely.buffer(hull.boundary, 120).difference(hull)
            lake = _polygonal(lake) if not lake.is_empty else hull.buffer(50)
            code = f"BU{wijkcode[2:]}{97 + w % 3}"
            rows.append(_wfs_row(year, code, "Water", gemeentecode, gemeentenaam, "JA", lake))
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=28992)
    with tempfile.TemporaryDirectory(prefix="realshapes-") as tmp:
        path = Path(tmp) / f"wijkenbuurten_wfs_{year}.gpkg"
        frame.to_file(path, layer="buurten", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


_WFS_STATISTICS = [
    "aantal_inwoners", "mannen", "vrouwen", "percentage_personen_0_tot_15_jaar",
    "percentage_personen_15_tot_25_jaar", "percentage_personen_25_tot_45_jaar",
    "percentage_personen_45_tot_65_jaar", "percentage_personen_65_jaar_en_ouder",
    "aantal_huishoudens", "percentage_eenpersoonshuishoudens",
    "gemiddelde_huishoudensgrootte", "bevolkingsdichtheid_inwoners_per_km2",
    "oppervlakte_totaal_in_ha", "oppervlakte_land_in_ha", "oppervlakte_water_in_ha",
]


def _wfs_row(year, code, naam, gemeentecode, gemeentenaam, water, geometry) -> dict:
    row = {"buurtcode": code, "jaarstatcode": f"{year}{code}", "buurtnaam": naam,
           "wijkcode": "WK" + code[2:8], "gemeentecode": gemeentecode,
           "gemeentenaam": gemeentenaam, "ind_wbi": 1, "water": water,
           "omgevingsadressendichtheid": None, "stedelijkheid": None}
    # A first release: the geometry is there, every statistic still empty (null).
    row.update({name: None for name in _WFS_STATISTICS})
    row["geometry"] = geometry
    return row


# --- statistics: shared helpers ------------------------------------------------------------

def _number(value: float | int | None, decimal: str = ".", digits: int = 1) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}".replace(".", decimal)


def _csv_bytes(header: list[str], rows: list[list[str]], sep: str, *, bom: bool = False,
               quote_all: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def _pad(text: str, width: int) -> str:
    return text.ljust(width)


_SOORT = {"gemeente": "Gemeente", "wijk": "Wijk", "buurt": "Buurt", "land": "Land"}


# --- CBS Kerncijfers wijken en buurten (OData 85984NED) ------------------------------------

_KERN_ODATA_COLUMNS = [
    "ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
    "IndelingswijzigingWijkenEnBuurten_4", "AantalInwoners_5", "Mannen_6", "Vrouwen_7",
    "k_0Tot15Jaar_8", "k_15Tot25Jaar_9", "k_25Tot45Jaar_10", "k_45Tot65Jaar_11",
    "k_65JaarOfOuder_12", "Ongehuwd_13", "Gehuwd_14", "Gescheiden_15", "Verweduwd_16",
    "GeborenInNederland_17", "GeborenBuitenNederland_18", "Europa_19", "Turkije_20",
    "Marokko_21", "Suriname_22", "Indonesie_23", "OverigBuitenEuropa_24",
    "GeboorteTotaal_25", "GeboorteRelatief_26", "SterfteTotaal_27", "SterfteRelatief_28",
    "HuishoudensTotaal_29", "Eenpersoonshuishoudens_30", "HuishoudensZonderKinderen_31",
    "HuishoudensMetKinderen_32", "GemiddeldeHuishoudensgrootte_33", "Bevolkingsdichtheid_34",
    "Woningvoorraad_35", "GemiddeldeWOZWaardeVanWoningen_36", "Eengezinswoning_37",
    "Meergezinswoning_38",
]


def kerncijfers_odata_csv(gemeentecode: str = "GM0034", gemeentenaam: str = "Almere",
                          buurten: int = 238, wijken: int = 12, year: int = 2024,
                          sep: str = ",", seed: int = 0) -> bytes:
    """CBS Kerncijfers wijken en buurten (85984NED) as an OData TypedDataSet saved to CSV.

    Gemeente, wijk and buurt rows in CBS order. ``WijkenEnBuurten`` holds the code padded
    to 10 with trailing spaces, ``Gemeentenaam_1`` the name padded to 40, ``SoortRegio_2``
    padded to 10, ``Codering_3`` the clean code. Counts are integers (age groups rounded to
    5); missing values are empty (OData null), a few are '.'. Tiny buurten (< 100 inwoners)
    have their household figures missing. Decimals use '.', or ',' when ``sep`` is ';'.
    """
    decimal = "," if sep == ";" else "."
    rng = random.Random(f"kern-{seed}")
    rows = []
    for i, area in enumerate(gebied(gemeentecode, gemeentenaam, buurten, wijken, seed)):
        missing = "." if i % 17 == 5 else ""
        tiny = area.tiny and area.niveau == "buurt"
        hh = (missing, missing) if tiny else (str(area.huishoudens), str(area.eenpersoons))
        ages = [missing] * 5 if tiny else [str(n) for n in area.leeftijden]
        size = "" if tiny or not area.huishoudens else _number(
            area.inwoners / area.huishoudens, decimal)
        filler = [str(rng.randint(0, max(1, area.inwoners // 3))) for _ in range(16)]
        woz = str(rng.randint(180, 420)) if not tiny else missing
        rows.append([
            str(i), _pad(area.code, 10), _pad(gemeentenaam, 40), _pad(_SOORT[area.niveau], 10),
            area.code, "1", str(area.inwoners),
            str(area.mannen), str(area.inwoners - area.mannen), *ages,
            *filler[:12], filler[12], _number(rng.uniform(5, 15), decimal), filler[13],
            _number(rng.uniform(5, 12), decimal), *hh,
            str(_round5(area.huishoudens * 0.4)), str(_round5(area.huishoudens * 0.3)), size,
            str(rng.randint(200, 9000)), str(_round5(area.huishoudens * 1.02)), woz,
            str(rng.randint(20, 90)), str(rng.randint(10, 80)),
        ])
    assert all(len(r) == len(_KERN_ODATA_COLUMNS) for r in rows)
    return _csv_bytes(_KERN_ODATA_COLUMNS, rows, sep)


# --- StatLine label download of the Kerncijfers -------------------------------------------

_STATLINE_KERN = [
    ("Wijken en buurten", "naam"),
    ("Regioaanduiding/Gemeentenaam (naam)", "gemeentenaam"),
    ("Regioaanduiding/Soort regio (omschrijving)", "soort"),
    ("Regioaanduiding/Codering (code)", "codering"),
    ("Regioaanduiding/Indelingswijziging wijken en buurten (code)", "ind"),
    ("Bevolking/Aantal inwoners (aantal)", "inwoners"),
    ("Bevolking/Geslacht/Mannen (aantal)", "mannen"),
    ("Bevolking/Geslacht/Vrouwen (aantal)", "vrouwen"),
    ("Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)", "a0"),
    ("Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)", "a1"),
    ("Bevolking/Leeftijdsgroepen/25 tot 45 jaar (aantal)", "a2"),
    ("Bevolking/Leeftijdsgroepen/45 tot 65 jaar (aantal)", "a3"),
    ("Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)", "a4"),
    ("Bevolking/Particuliere huishoudens/Huishoudens totaal (aantal)", "hh"),
    ("Bevolking/Particuliere huishoudens/Eenpersoonshuishoudens (aantal)", "hh1"),
    ("Bevolking/Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)", "hhgr"),
    ("Bevolking/Bevolkingsdichtheid (aantal inwoners per km²)", "dicht"),
]


def statline_kerncijfers_csv(gemeentecode: str = "GM0034", gemeentenaam: str = "Almere",
                             buurten: int = 238, wijken: int = 12, year: int = 2024,
                             seed: int = 0, with_codering: bool = True) -> bytes:
    """A StatLine download (CSV, "met labels") of the Kerncijfers: ';' separator, decimal
    comma, UTF-8 with BOM, every cell quoted, label headers with the theme path
    (``Regioaanduiding/Codering (code)``, ``Bevolking/Aantal inwoners (aantal)``), codes
    padded to 10, '.' for unknown, and a ``Nederland`` row with code ``NL00`` first.

    Without ``with_codering`` the download has only names: such a file cannot be joined.
    """
    rng = random.Random(f"statline-{seed}")
    nl = Gebied("NL00", "Nederland", "land", None, 17_942_942, 8_898_370, 3_657_225,
                8_178_840, 3_198_310, (2_721_835, 2_184_375, 4_545_820, 4_834_690, 3_657_225))
    areas = (nl, *gebied(gemeentecode, gemeentenaam, buurten, wijken, seed))
    columns = [(label, key) for label, key in _STATLINE_KERN
               if with_codering or key != "codering"]
    rows = []
    for area in areas:
        tiny = area.tiny and area.niveau == "buurt"
        values = {
            "naam": area.naam, "gemeentenaam": _pad(gemeentenaam if area.niveau != "land"
                                                    else "Nederland", 20),
            "soort": _pad(_SOORT[area.niveau], 10), "codering": _pad(area.code, 10),
            "ind": "1", "inwoners": str(area.inwoners), "mannen": str(area.mannen),
            "vrouwen": str(area.inwoners - area.mannen),
            "hh": "." if tiny else str(area.huishoudens),
            "hh1": "." if tiny else str(area.eenpersoons),
            "hhgr": "." if tiny or not area.huishoudens
            else _number(area.inwoners / area.huishoudens, ","),
            "dicht": str(rng.randint(100, 9000)),
        }
        for i in range(5):
            values[f"a{i}"] = "." if tiny else str(area.leeftijden[i])
        rows.append([values[key] for _, key in columns])
    return _csv_bytes([label for label, _ in columns], rows, ";", bom=True, quote_all=True)


# --- RIVM Gezondheid per wijk en buurt (50120NED / 50090NED) -------------------------------

def _rivm_header(table: str, figure_columns: int | None = None) -> list[str]:
    """The dimensions, then the figure columns in suffix order: the table's loneliness
    columns at their suffixes, other topics filling the remaining suffixes from 4 up."""
    known = RIVM_COLUMNS[table]
    taken = {int(c.rsplit("_", 1)[1]): c for c in known}
    total = figure_columns if figure_columns is not None else len(known)
    figures = []
    suffix, other = 4, 0
    while len(figures) < total:
        if suffix in taken:
            figures.append(taken[suffix])
        elif figure_columns is not None and total - len(figures) > sum(
                1 for s in taken if s > suffix):
            figures.append(f"{_RIVM_OTHER_TOPICS[other % len(_RIVM_OTHER_TOPICS)]}_{suffix}")
            other += 1
        suffix += 1
        if figure_columns is None and suffix > max(taken):
            break
    if figure_columns is None:
        figures = [c for c in figures if c in known]
    dims = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1",
            "SoortRegio_2", "Codering_3"]
    return dims + figures


def _rivm_areas(gemeentecode, gemeentenaam, buurten, wijken, seed, levels):
    areas = []
    if "land" in levels:
        areas.append(Gebied("NL01", "Nederland", "land", None, 17_942_942, 0, 0, 0, 0,
                            (0, 0, 0, 0, 0)))
    for area in gebied(gemeentecode, gemeentenaam, buurten, wijken, seed):
        if area.niveau in levels:
            areas.append(area)
    return areas


def _rivm_value(column: str, area: Gebied, periode: int, leeftijd_shift: float,
                seed: int) -> float | None:
    """A plausible estimate for one figure: eenzaam around 45 %, ernstig around 11 %, ...;
    None where RIVM gives nothing (a buurt under 100 inwoners; sociaal eenzaam before
    2016)."""
    stem = column.rsplit("_", 1)[0]
    if area.niveau == "buurt" and area.tiny:
        return None
    if stem == "SociaalEenzaam" and periode < _SOCIAAL_FROM:
        return None
    base = {"Eenzaam": 46.0, "ErnstigZeerErnstigEenzaam": 11.0, "EmotioneelEenzaam": 31.0,
            "SociaalEenzaam": 36.0, "Mantelzorger": 14.0, "Vrijwilligerswerk": 27.0,
            "MistEmotioneleSteun": 9.0}.get(stem, 30.0)
    rng = random.Random(f"{seed}-{area.code}-{stem}")      # same area, same level each year
    spread = 8.0 if area.niveau == "buurt" else 3.0 if area.niveau == "wijk" else 1.0
    value = base + rng.uniform(-spread, spread) + (periode - 2020) * 0.4 + leeftijd_shift
    return round(min(95.0, max(1.0, value)), 1)


def _halfwidth(area: Gebied, value: float) -> float:
    """Half the 95% interval: wide for small buurten (a model estimate), narrow for a
    gemeente."""
    n = max(30.0, area.inwoners * 0.15)
    p = value / 100
    return round(min(20.0, 196 * math.sqrt(p * (1 - p) / n) + 0.3), 1)


def _rivm_records(table, gemeentecode, gemeentenaam, buurten, wijken, levels, periods, seed,
                  figure_columns=None):
    """(header, rows of values or None) of a RIVM table in OData order: area, age, margin,
    period nested as CBS serves them."""
    header = _rivm_header(table, figure_columns)
    figures = header[8:]
    records = []
    ident = 0
    for area in _rivm_areas(gemeentecode, gemeentenaam, buurten, wijken, seed, levels):
        naam = "Nederland" if area.niveau == "land" else gemeentenaam
        for leeftijd, shift in _LEEFTIJDEN:
            for periode in periods:
                values = [_rivm_value(c, area, periode, shift, seed) for c in figures]
                for marge in _MARGES:
                    if marge == "MW00000":
                        cells = values
                    else:
                        sign = -1 if marge == "MOG0095" else 1
                        cells = [None if v is None else
                                 round(min(100.0, max(0.0, v + sign * _halfwidth(area, v))), 1)
                                 for v in values]
                    records.append([ident, leeftijd, marge, _pad(area.code, 10),
                                    f"{periode}JJ00", _pad(naam, 40),
                                    _pad(_SOORT[area.niveau], 10), _pad(area.code, 10),
                                    *cells])
                    ident += 1
    return header, records


def rivm_csv(table: str = "50120NED", gemeentecode: str = "GM0034", buurten: int = 238,
             wijken: int = 12, levels=("buurt",), periods=(2016, 2020, 2022), seed: int = 0,
             sep: str = ",", gemeentenaam: str = "Almere") -> bytes:
    """RIVM Gezondheid per wijk en buurt (``table`` 50120NED or 50090NED) as an OData
    TypedDataSet saved to CSV: one row per area × Leeftijd (20300/53115/80200) × Perioden
    (``2022JJ00``) × Marges (MW00000 value, MOG0095/MBG0095 95% bounds).

    ``WijkenEnBuurten``, ``Gemeentenaam_1``, ``SoortRegio_2`` and ``Codering_3`` are padded
    with trailing spaces; buurt rows carry the code, never a buurt name. ``levels`` picks the
    rows: any of "land" (NL01), "gemeente", "wijk", "buurt" — buurt rows only is a real
    case. Missing values are empty; buurten under 100 inwoners have none; sociaal eenzaam
    is empty before 2016. Decimals '.' (',' when ``sep`` is ';').
    """
    decimal = "," if sep == ";" else "."
    header, records = _rivm_records(table, gemeentecode, gemeentenaam, buurten, wijken,
                                    levels, periods, seed)
    rows = [[str(r[0]), *r[1:8], *(_number(v, decimal) if v is not None else "" for v in r[8:])]
            for r in records]
    return _csv_bytes(header, rows, sep)


def _xlsx_text(value: float | None) -> str:
    """A figure as a StatLine Excel export holds it: text right-aligned in 8 characters."""
    return "       ." if value is None else f"{value:8.1f}"


def rivm_xlsx(table: str = "50090NED", gemeentecode: str = "GM0034", buurten: int = 238,
              wijken: int = 12, levels=("buurt",), periods=(2016, 2020, 2022), seed: int = 0,
              padded: bool = True, gemeentenaam: str = "Almere", sheet: str | None = None
              ) -> bytes:
    """The same table as :func:`rivm_csv`, exported to Excel. With ``padded`` every figure
    is a text cell right-aligned in 8 characters (``'    47.1'``) and missing is
    ``'       .'``, as such exports hold them; without, figures are numbers and missing is
    an empty cell. ``ID`` is a number, the dimensions text (padded codes)."""
    header, records = _rivm_records(table, gemeentecode, gemeentenaam, buurten, wijken,
                                    levels, periods, seed)
    return _write_xlsx(sheet or table, header, (
        [r[0], *r[1:8], *((_xlsx_text(v) if padded else v) for v in r[8:])]
        for r in records))


def _write_xlsx(sheet: str, header: list[str], rows) -> bytes:
    """A one-sheet workbook as Excel writes it: text in the shared-strings table, numbers
    as numbers. Written directly (openpyxl without lxml needs over a minute for the national
    file; this takes a few seconds), and read back by openpyxl and pandas like any export.
    """
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def column_letter(i: int) -> str:
        letters = ""
        i += 1
        while i:
            i, rest = divmod(i - 1, 26)
            letters = chr(65 + rest) + letters
        return letters

    letters = [column_letter(i) for i in range(max(len(header), 1) + 64)]
    lines = []
    count = 0
    for r, row in enumerate([header, *rows], start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{letters[c]}{r}"
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:
                index = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            count += 1
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    last = f"{letters[len(header) - 1]}{len(lines)}"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheet_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<worksheet {ns} {rel_ns}><dimension ref="A1:{last}"/><sheetData>'
                 + "".join(lines) + "</sheetData></worksheet>")
    shared = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>'
                     for text in strings)
    shared_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {ns} '
                  f'count="{count}" uniqueCount="{len(strings)}">{shared}</sst>')
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} '
            f'{rel_ns}><sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
        "xl/sharedStrings.xml": shared_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def _national_codes(rng: random.Random, rows: int) -> list[tuple[str, str, str]]:
    """(code, soort, gemeentenaam) of NL01, 342 gemeenten, their wijken and buurten:
    ``rows`` areas in total, in CBS order."""
    gemeenten = max(1, min(342, rows // 50))       # 342 gemeenten at the national size
    numbers = sorted(rng.sample(range(3, 2000), gemeenten))
    rest = rows - 1 - gemeenten
    wijk_total = max(gemeenten, rest // 5)
    buurt_total = rest - wijk_total
    wijken_per = _spread(wijk_total, gemeenten)
    result = [("NL01", "Land", "Nederland")]
    buurten_left = buurt_total
    wijken_left = wijk_total
    for number, n_wijken in zip(numbers, wijken_per):
        gm = f"{number:04d}"
        naam = f"Gemeente {gm}"
        result.append((f"GM{gm}", "Gemeente", naam))
        for w in range(n_wijken):
            wijken_left -= 1
            share = buurten_left if wijken_left == 0 else min(
                99, max(0, round(buurten_left / (wijken_left + 1) + rng.uniform(-2, 2))))
            share = min(share, buurten_left)
            buurten_left -= share
            tail = f"{w:02d}" if w < 100 else "A" + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[w % 36]
            result.append((f"WK{gm}{tail}", "Wijk", naam))
            result.extend((f"BU{gm}{tail}{b:02d}", "Buurt", naam) for b in range(share))
    return result


def rivm_national_rows(rows: int = 17341, columns: int = 43, seed: int = 0,
                       periode: int = 2012, table: str = "50090NED"):
    """(header, rows) of the national RIVM export of :func:`rivm_national_xlsx`, every
    cell as the Excel export holds it (``ID`` a number, the rest text)."""
    rng = random.Random(seed)
    header = _rivm_header(table, columns - 8)
    figures = header[8:]
    sociaal = [i for i, c in enumerate(figures) if c.startswith("SociaalEenzaam_")]
    areas = _national_codes(rng, rows)
    # Padded value texts drawn from a small pool: real files repeat values a lot, and the
    # pool keeps generation fast.
    pool = [f"{v / 10:8.1f}" for v in range(50, 800)]
    missing = "       ."
    result = []
    for i, (code, soort, naam) in enumerate(areas):
        cells = [pool[rng.randrange(len(pool))] for _ in figures]
        if soort == "Buurt" and rng.random() < 0.07:
            cells = [missing] * len(figures)
        if periode < _SOCIAAL_FROM:
            for j in sociaal:
                cells[j] = missing
        result.append([i, "20300", "MW00000", _pad(code, 10), f"{periode}JJ00",
                       _pad(naam, 40), _pad(soort, 10), _pad(code, 10), *cells])
    return header, result


def rivm_national_xlsx(rows: int = 17341, columns: int = 43, seed: int = 0,
                       periode: int = 2012, table: str = "50090NED") -> bytes:
    """A national RIVM export in Excel as shared around: ``rows`` data rows (NL01, every
    GM, WK and BU), one Leeftijd (18+), one margin (the value), one period, ``columns``
    columns (8 dimensions, the rest figures as padded text, ``'       .'`` for missing).
    In ``periode`` 2012 the ``SociaalEenzaam`` column is empty ('       .') in every row: it
    was first measured in 2016. Generated in a few seconds.
    """
    header, data = rivm_national_rows(rows, columns, seed, periode, table)
    return _write_xlsx(table, header, data)


# --- CBS Excel edition kwb-YYYY.xlsx -------------------------------------------------------

_KWB_NAMED = [
    "gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi",
    "a_inw", "a_man", "a_vrouw", "a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo",
    "a_ongeh", "a_gehuwd", "a_gesch", "a_verwed", "a_geb_nl", "a_geb_eu", "a_geb_neu",
    "a_lgb_nl", "a_lgb_eu", "a_geb", "p_geb", "a_ste", "p_ste", "a_hh", "a_1p_hh",
    "a_hh_z_k", "a_hh_m_k", "g_hhgro", "bev_dich", "a_woning", "g_woz", "p_1gezw",
    "p_mgezw", "p_bewndw", "p_leegsw", "p_koopw", "p_huurw", "p_wcorpw", "p_ov_hw",
    "p_e_o_w", "p_bjj2k", "p_bjo2k", "g_ele", "g_gas", "p_stadsv", "g_ink_po", "g_ink_pi",
    "p_ink_li", "p_ink_hi", "g_hh_sti", "p_hh_li", "p_hh_hi", "p_hh_lkk", "p_hh_osm",
    "a_soz_wb", "a_soz_ao", "a_soz_ww", "a_soz_ow", "a_jz_tn", "p_jz_tn", "a_wmo_t",
    "p_wmo_t", "a_bedv", "a_bed_a", "a_bed_bf", "a_bed_gi", "a_bed_hj", "a_bed_kl",
    "a_bed_mn", "a_bed_ru", "a_pau", "a_bst_b", "a_bst_nb", "g_pau_hh", "g_pau_km",
    "a_m2w", "g_afs_hp", "g_afs_gs", "g_afs_kv", "g_afs_sc", "g_3km_sc", "a_opp_ha",
    "a_lan_ha", "a_wat_ha", "pst_mvp", "pst_dekp", "ste_mvs", "ste_oad",
]


def _kwb_header() -> list[str]:
    fillers = [f"g_afs_{i:02d}" for i in range(120 - len(_KWB_NAMED))]
    return _KWB_NAMED[:-4] + fillers + _KWB_NAMED[-4:]


def kwb_xlsx(year: int = 2024, gemeenten=(("GM0034", "Almere"),), buurten: int = 238,
             wijken: int = 12, sheet: str | None = None, seed: int = 0,
             nederland: bool = True) -> bytes:
    """CBS's Excel edition of the Kerncijfers wijken en buurten (``kwb-2024.xlsx``): one sheet
    (default name ``kwb-YYYY``), one row per area, 120 short lower-case columns
    (``gwb_code_10, gwb_code_8, regio, gm_naam, recs, gwb_code, ind_wbi, a_inw, ...,
    a_65_oo, ..., a_hh, a_1p_hh, ...``). ``recs`` is Land/Gemeente/Wijk/Buurt; counts are
    numbers, ``g_hhgro`` a decimal; '.' (text) for missing or secret — tiny buurten have
    their age groups and households '.'. With ``nederland``, the first row is Nederland
    (``NL00``)."""
    header = _kwb_header()
    rng = random.Random(f"kwb-{seed}")

    def row_of(area: Gebied, gm_naam: str):
        tiny = area.tiny and area.niveau == "buurt"
        secret = "."
        values = {
            "gwb_code_10": area.code, "gwb_code_8": area.code[2:], "regio": area.naam,
            "gm_naam": gm_naam, "recs": _SOORT[area.niveau], "gwb_code": area.code,
            "ind_wbi": 1 if area.niveau != "land" else secret,
            "a_inw": area.inwoners, "a_man": area.mannen,
            "a_vrouw": area.inwoners - area.mannen,
            "a_hh": secret if tiny else area.huishoudens,
            "a_1p_hh": secret if tiny else area.eenpersoons,
            "g_hhgro": secret if tiny or not area.huishoudens
            else round(area.inwoners / area.huishoudens, 1),
            "bev_dich": rng.randint(100, 9000),
        }
        for key, n in zip(("a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"),
                          area.leeftijden):
            values[key] = secret if tiny else n
        cells = []
        for column in header:
            if column in values:
                cells.append(values[column])
            elif column.startswith("p_") or column.startswith("g_"):
                cells.append(secret if tiny or rng.random() < 0.05
                             else round(rng.uniform(0, 100), 1))
            else:
                cells.append(secret if tiny else rng.randint(0, max(1, area.inwoners // 4)))
        return cells

    def generate():
        if nederland:
            nl = Gebied("NL00", "Nederland", "land", None, 17_942_942, 8_898_370, 3_657_225,
                        8_178_840, 3_198_310,
                        (2_721_835, 2_184_375, 4_545_820, 4_834_690, 3_657_225))
            yield row_of(nl, "Nederland")
        for g, (gemeentecode, gemeentenaam) in enumerate(gemeenten):
            for area in gebied(gemeentecode, gemeentenaam, buurten, wijken, seed + g):
                yield row_of(area, gemeentenaam)

    return _write_xlsx(sheet or f"kwb-{year}", header, generate())


# --- the three-source real case ------------------------------------------------------------

def almere_scenario(seed: int = 0) -> dict[str, bytes]:
    """File name → bytes of what an analyst of Almere brings: PDOK buurten 2024 (GeoJSON,
    no gemeentenaam), CBS Kerncijfers 85984NED (OData CSV with gemeente, wijk and buurt
    rows) and RIVM 50120NED with buurt rows only. The three share codes and inwoners."""
    return {
        "buurten_pdok_2024.geojson": pdok_buurten_geojson(seed=seed),
        "kerncijfers_85984NED.csv": kerncijfers_odata_csv(seed=seed),
        "gezondheid_50120NED.csv": rivm_csv(levels=("buurt",), seed=seed),
    }
