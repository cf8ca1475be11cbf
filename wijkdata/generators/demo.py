"""The embedded demo municipality: Lindewaarde (GM9999), a fictitious Dutch town.

Everything is generated deterministically from seed 42, so ``write_demo`` writes
byte-identical files on every run; ``scripts/make_demo.py`` regenerates the committed copy in
:data:`DEMO_DIR`. The files have the shape of the real sources (CBS Wijk- en buurtkaart as
GeoJSON, RIVM table 50120NED as a CBS OData CSV, a municipal list of initiatives) so that the
app reads them through its normal readers.

The town lies on the Veluwe between Kootwijk and Hoenderloo, where there is no town, so it
cannot be mistaken for a real place. Buurten are a Voronoi tessellation of blue-noise seed
points (denser in the centre) clipped to a smooth random outline whose southern edge follows
a canal (de Vaart); the shared buurt borders are given a gentle wiggle so they look like
streets and ditches, not ruler lines. Each wijk is a contiguous group of buurten.
"""
from __future__ import annotations

import csv
import io
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from wijkdata.generators import CBS_GEHEIM, JAAR_KAART
from wijkdata.model.gegevens import DEMO_DIR

SEED = 42

GEMEENTECODE = "GM9999"
GEMEENTENAAM = "Lindewaarde"
PERIODEN = (2016, 2020, 2022)

FILES = {
    "buurten": "buurten.geojson",
    "indicatoren": "eenzaamheid_50120NED.csv",
    "initiatieven": "initiatieven.csv",
}
README = "README.md"

# Centre of the town in RD New (EPSG:28992): heath and forest on the Veluwe.
CENTRE_RD = (189_000.0, 464_000.0)
N_BUURTEN = 38

# RIVM / CBS codes of table 50120NED.
LEEFTIJD_CODES = {"18+": "20300", "18-64": "53115", "65+": "80200"}
MARGES = {"waarde": "MW00000", "ondergrens": "MOG0095", "bovengrens": "MBG0095"}
RIVM_COLUMNS = {
    "eenzaam": "Eenzaam_27",
    "ernstig_eenzaam": "ErnstigZeerErnstigEenzaam_28",
    "emotioneel_eenzaam": "EmotioneelEenzaam_29",
    "sociaal_eenzaam": "SociaalEenzaam_30",
}

# Nederland (NL01) as RIVM publishes it, 18+; the brief's national figures for eenzaam.
NEDERLAND_18PLUS = {
    2016: {"eenzaam": 43.0, "ernstig_eenzaam": 9.6, "emotioneel_eenzaam": 26.4,
           "sociaal_eenzaam": 32.1},
    2020: {"eenzaam": 47.0, "ernstig_eenzaam": 11.2, "emotioneel_eenzaam": 31.2,
           "sociaal_eenzaam": 36.4},
    2022: {"eenzaam": 46.1, "ernstig_eenzaam": 11.8, "emotioneel_eenzaam": 30.1,
           "sociaal_eenzaam": 35.5},
}
# Share of adults aged 65+ in the Netherlands (for the NL 18-64 / 65+ split).
NEDERLAND_AANDEEL_65 = 0.25
# How much higher the 65+ figure is than the 18+ figure (percentage points).
DELTA_65 = {"eenzaam": 4.0, "ernstig_eenzaam": 1.2, "emotioneel_eenzaam": 6.0,
            "sociaal_eenzaam": 1.5}


@dataclass(frozen=True)
class WijkProfiel:
    nummer: int
    naam: str
    dichtheid: float            # inwoners per hectare
    pct_65: float
    pct_eenpersoons: float
    achterstand: float          # extra loneliness points (deprivation)
    aanbod: float               # how rich in initiatives (relative weight)
    buurthuis: str
    straten: tuple[str, ...]
    buurtnamen: tuple[str, ...]


WIJKEN = [
    WijkProfiel(1, "Centrum", 62, 19, 54, 1.0, 2.2, "De Linde",
                ("Kerkstraat", "Marktstraat", "Lindestraat", "Gasthuissteeg"),
                ("Binnenstad", "Marktkwartier", "Kerkbuurt", "Stationsbuurt", "Kloosterhof",
                 "Singelbuurt", "Poortkwartier", "Gasthuisbuurt", "Vestingbuurt")),
    WijkProfiel(2, "Oude Haven", 52, 25, 46, 3.5, 0.7, "Het Anker",
                ("Havenstraat", "Kadestraat", "Dijkstraat", "Touwslagerslaan"),
                ("Oude Haven", "Havenkade", "Scheepmakersbuurt", "Dijkzicht", "Werfkwartier",
                 "Ankerbuurt", "Visserseiland", "Kaaipark", "Touwbaan")),
    WijkProfiel(3, "Molenkwartier", 44, 21, 37, 0.5, 1.0, "De Wiek",
                ("Molenstraat", "Korenweg", "Maalderij", "Bakkerspad"),
                ("Molenstraat", "Korenmolen", "Het Maalveld", "Bakkersveld", "Molenakker",
                 "Windhoek", "Graanbuurt", "De Wieken", "Molenpark")),
    WijkProfiel(4, "De Hoven", 36, 30, 33, -1.0, 1.5, "De Hovenier",
                ("Rozenstraat", "Tulpstraat", "Hovenlaan", "Kastanjelaan"),
                ("Bloemenbuurt", "Hovenpark", "Vogelbuurt", "Boomgaard", "Hof van Linde",
                 "Kastanjehof", "De Weide", "Rozenhof", "Landgoed Hovenstein")),
    WijkProfiel(5, "Lindeveld", 48, 13, 28, -2.0, 0.8, "De Esdoorn",
                ("Rembrandtlaan", "Beethovenstraat", "Esdoornlaan", "Veldweg"),
                ("Lindeveld-Noord", "Lindeveld-Zuid", "Schildersbuurt", "Componistenbuurt",
                 "Esdoornbuurt", "Beekdal", "Oostakkers", "Het Veld", "Lindeveld-Oost")),
    WijkProfiel(6, "Vaartzoom", 40, 22, 41, 3.0, 0.5, "De Sluis",
                ("Vaartweg", "Sluisweg", "Jaagpad", "Brugstraat"),
                ("Vaartkant", "Zuiderakkers", "Sluiswachtersbuurt", "De Kreek", "Jaagpad",
                 "Rietkraag", "Vaartse Hoek", "Brugkwartier", "Industrieterrein De Vaart")),
]
# Planned number of buurten per wijk (same order as WIJKEN); they add up to N_BUURTEN.
WIJK_GROOTTE = (7, 6, 6, 7, 6, 6)
# Bearing (degrees anticlockwise from east) where the first outer wijk starts.
START_BEARING = 290
INDUSTRIETERREIN = "Industrieterrein De Vaart"
LANDGOED = "Landgoed Hovenstein"


@dataclass
class Buurt:
    code: str
    naam: str
    wijk: WijkProfiel
    geometry: Polygon                     # EPSG:28992
    inwoners: int = 0
    huishoudens: int = 0
    pct_65: float | None = None
    pct_eenpersoons: float | None = None
    # (indicator, periode, leeftijd) -> (waarde, ondergrens, bovengrens), or None = missing
    rivm: dict = field(default_factory=dict)

    @property
    def wijkcode(self) -> str:
        return f"WK9999{self.wijk.nummer:02d}"


@dataclass
class Demo:
    outline: Polygon                       # EPSG:28992
    buurten: list[Buurt]
    gebieden_rivm: list[tuple[str, str, str, dict]]   # (code, naam, soort, figures)
    initiatieven: list[dict]


# --- geometry -------------------------------------------------------------------------------

def town_outline(seed: int = SEED) -> Polygon:
    """The town's land outline in EPSG:28992: a smooth random blob of about 5 × 4 km whose
    southern edge follows the canal (de Vaart)."""
    rng = np.random.default_rng(seed)
    cx, cy = CENTRE_RD
    angles = np.linspace(0, 2 * math.pi, 96, endpoint=False)
    radius = np.ones_like(angles)
    for k in range(2, 6):
        radius += rng.normal(0, 0.16 / k) * np.cos(k * angles + rng.uniform(0, 2 * math.pi))
    blob = Polygon(np.column_stack([cx + 2700 * radius * np.cos(angles),
                                    cy + 2150 * radius * np.sin(angles)]))
    # The canal: a gentle meander across the south of the blob; the town is north of it.
    xs = np.linspace(cx - 3600, cx + 3600, 73)
    phase = rng.uniform(0, 2 * math.pi)
    ys = cy - 1350 + 260 * np.sin(xs / 1100 + phase) + 90 * np.sin(xs / 430 + 2 * phase)
    north = Polygon([*zip(xs, ys), (xs[-1], cy + 4000), (xs[0], cy + 4000)])
    outline = blob.intersection(north)
    return shapely.set_precision(outline, 0.01)


def _blue_noise_seeds(outline: Polygon, rng: np.random.Generator, n: int) -> np.ndarray:
    """Best-candidate blue noise: each new seed is the candidate farthest (relative to the
    local spacing) from the seeds so far; spacing grows from the centre outwards, so central
    buurten are small and outer buurten large."""
    cx, cy = CENTRE_RD
    minx, miny, maxx, maxy = outline.bounds
    inner = outline.buffer(-120)
    shapely.prepare(inner)

    def spacing(x, y):
        return 0.45 + math.hypot(x - cx, (y - cy) * 1.2) / 1800

    seeds = [(cx + rng.normal(0, 60), cy - 350 + rng.normal(0, 60))]
    while len(seeds) < n:
        best, best_score = None, -1.0
        pts = np.array(seeds)
        for _ in range(30):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if not inner.contains(Point(x, y)):
                continue
            d = np.min(np.hypot(pts[:, 0] - x, pts[:, 1] - y)) / spacing(x, y)
            if d > best_score:
                best, best_score = (x, y), d
        if best is not None:
            seeds.append(best)
    return np.array(seeds)


def _wiggle_edge(line: LineString, rng: np.random.Generator) -> LineString:
    """A straight Voronoi edge made to look like a street or ditch: a few intermediate points
    displaced sideways by a smooth curve that is zero, with zero slope, at both ends (so the
    edges meeting at a junction cannot cross)."""
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    n = int(min(9, max(2, round(length / 75))))
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    amps = [rng.normal(0, min(0.045 * length, 40) / j) for j in (1, 2, 3)]
    coords = [(x0, y0)]
    for i in range(1, n):
        t = (i + rng.uniform(-0.25, 0.25)) / n
        d = 4 * t * (1 - t) * sum(a * math.sin(math.pi * j * t) for j, a in
                                  zip((1, 2, 3), amps))
        coords.append((x0 + t * (x1 - x0) + d * nx, y0 + t * (y1 - y0) + d * ny))
    coords.append((x1, y1))
    return LineString(coords)


def _tessellate(outline: Polygon, seeds: np.ndarray, rng: np.random.Generator) -> list[Polygon]:
    """One polygon per seed (same order): Voronoi cells clipped to the outline, inner edges
    wiggled, faces rebuilt by polygonize so that neighbours share their border exactly."""
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(3000),
                                     ordered=True)
    clipped = [cell.intersection(outline) for cell in cells.geoms]
    network = shapely.line_merge(shapely.union_all([c.boundary for c in clipped]))
    border = outline.boundary.buffer(0.05)
    edges = []
    for line in sorted(network.geoms, key=lambda g: (round(g.centroid.x, 3),
                                                      round(g.centroid.y, 3))):
        if border.contains(line) or len(line.coords) != 2:
            edges.append(line)
        else:
            edges.append(_wiggle_edge(line, rng))
    faces = list(shapely.polygonize(edges).geoms)
    polygons = []
    for x, y in seeds:
        point = Point(x, y)
        matches = [f for f in faces if f.contains(point)]
        if len(matches) != 1:
            raise RuntimeError("demo: tessellation lost a buurt")
        polygons.append(shapely.set_precision(matches[0], 0.01))
    if len(faces) != len(seeds):
        raise RuntimeError("demo: tessellation produced extra faces")
    return polygons


def _assign_wijken(seeds: np.ndarray, polygons: list[Polygon]) -> list[int]:
    """Index into WIJKEN for each buurt: the seeds nearest the town centre form Centrum; the
    others are taken clockwise by their bearing from the centre, starting south-south-east,
    and cut into consecutive groups of the planned size (Oude Haven, Molenkwartier, De Hoven,
    Lindeveld, Vaartzoom), so each
    wijk is a wedge; stray buurten are then moved until every wijk is contiguous."""
    cx, cy = seeds[0]
    distance = np.hypot(seeds[:, 0] - cx, (seeds[:, 1] - cy) * 1.15)
    order = list(np.argsort(distance, kind="stable"))
    assignment = [0] * len(seeds)
    outer = order[WIJK_GROOTTE[0]:]
    start = math.radians(START_BEARING)
    bearing = {i: (start - math.atan2(seeds[i][1] - cy, seeds[i][0] - cx)) % (2 * math.pi)
               for i in outer}
    outer.sort(key=lambda i: bearing[i])
    position = 0
    for w in range(1, len(WIJKEN)):
        for i in outer[position:position + WIJK_GROOTTE[w]]:
            assignment[i] = w
        position += WIJK_GROOTTE[w]
    for _ in range(20):
        moved = False
        for w in range(len(WIJKEN)):
            members = [i for i, a in enumerate(assignment) if a == w]
            union = shapely.union_all([polygons[i] for i in members])
            if union.geom_type == "Polygon":
                continue
            main = max(union.geoms, key=lambda g: g.area)
            for i in members:
                if polygons[i].intersection(main).area > 0:
                    continue
                # Move the stray buurt to the neighbouring wijk it shares most border with.
                shared = {}
                for j, other in enumerate(polygons):
                    if assignment[j] != w and polygons[i].touches(other):
                        length = polygons[i].intersection(other).length
                        shared[assignment[j]] = shared.get(assignment[j], 0) + length
                assignment[i] = max(sorted(shared), key=shared.get)
                moved = True
        if not moved:
            break
    return assignment


def _name_buurten(seeds, polygons, assignment, outline) -> list[Buurt]:
    """Codes BU9999WWBB and names: within a wijk, buurten are numbered from the town centre
    outwards. The industrial estate is the largest Vaartzoom buurt on the canal, the estate
    (landgoed) the largest De Hoven buurt on the town edge."""
    cx, cy = CENTRE_RD
    edge = outline.boundary
    buurten = []
    for w, wijk in enumerate(WIJKEN):
        members = [i for i, a in enumerate(assignment) if a == w]
        members.sort(key=lambda i: math.hypot(seeds[i][0] - cx, seeds[i][1] - cy))
        special = {"Vaartzoom": INDUSTRIETERREIN, "De Hoven": LANDGOED}.get(wijk.naam)
        names = [n for n in wijk.buurtnamen if n != special]
        special_index = None
        if special:
            on_edge = [i for i in members if polygons[i].intersection(edge).length > 200]
            special_index = max(on_edge, key=lambda i: polygons[i].area)
        for number, i in enumerate(members, start=1):
            naam = special if i == special_index else names.pop(0)
            buurten.append(Buurt(f"BU9999{wijk.nummer:02d}{number:02d}", naam, wijk,
                                 polygons[i]))
    return buurten


# --- CBS context figures --------------------------------------------------------------------

def _round_count_to_5(x: float) -> int:
    """CBS rounds buurt counts to multiples of 5."""
    return int(5 * round(x / 5))


def _fill_cbs_figures(buurten: list[Buurt], rng: random.Random) -> None:
    """Inwoners (density × area), % 65+, % eenpersoonshuishoudens and households."""
    for buurt in buurten:
        wijk = buurt.wijk
        ha = buurt.geometry.area / 10_000
        if buurt.naam == INDUSTRIETERREIN:
            # Caretakers' homes only: CBS keeps the count but makes the percentages secret.
            buurt.inwoners, buurt.huishoudens = 40, 20
            continue
        if buurt.naam == LANDGOED:
            inwoners = 140
        else:
            inwoners = ha * wijk.dichtheid * math.exp(rng.gauss(0, 0.3))
            inwoners = min(4000, max(300 + rng.uniform(0, 200), inwoners))
        buurt.inwoners = _round_count_to_5(inwoners)
        buurt.pct_65 = round(min(40, max(8, rng.gauss(wijk.pct_65, 4.5))), 1)
        buurt.pct_eenpersoons = round(min(65, max(20, rng.gauss(wijk.pct_eenpersoons, 6))), 1)
        if buurt.naam == "Kloosterhof":       # a care home: old and living alone
            buurt.pct_65, buurt.pct_eenpersoons = 39.0, 63.5
        p1 = buurt.pct_eenpersoons / 100
        # Persons per household: singles count 1, the others about 2.5 on average.
        buurt.huishoudens = _round_count_to_5(buurt.inwoners / (p1 + (1 - p1) * 2.5))


# --- RIVM loneliness ------------------------------------------------------------------------

def _halfwidth_for_adults(n: float, p: float) -> float:
    """Half-width of a plausible 95% interval for a percentage ``p`` estimated for ``n``
    adults: 0.8 + 140 / sqrt(n) points at p = 50%, scaled by sqrt(p(1-p)) / 0.5 like a
    binomial margin, at most 12 points."""
    base = 0.8 + 140 / math.sqrt(max(n, 1))
    return min(12.0, base * math.sqrt(p / 100 * (1 - p / 100)) / 0.5)


def _interval(value: float, n: float, rng: random.Random) -> tuple[float, float, float]:
    value = round(value, 1)
    hw = _halfwidth_for_adults(n, value)
    lower = max(0.0, value - hw * rng.uniform(0.9, 1.1))
    upper = min(100.0, value + hw * rng.uniform(0.9, 1.1))
    return value, round(lower, 1), round(upper, 1)


def _groepen(inwoners: float, pct_65: float) -> dict[str, float]:
    """Adults per age group: 80% of inwoners are 18+ (a typical Dutch share)."""
    n65 = inwoners * pct_65 / 100
    n18 = inwoners * 0.80
    return {"18+": n18, "65+": n65, "18-64": max(n18 - n65, 1.0)}


def _fill_loneliness(buurten: list[Buurt], rng: random.Random) -> None:
    """Eenzaam 18+ in 2022 rises with % 65+, % eenpersoonshuishoudens and the wijk's
    deprivation; the other indicators follow from it; 2016 is lower, 2020 a bit higher
    (the national pattern). The 18-64 figure is derived so that the 18+ figure is the
    population-weighted mean of 18-64 and 65+."""
    for buurt in buurten:
        if buurt.pct_65 is None:
            continue           # figures too small to publish: stays missing
        base = (44.5 + 0.32 * (buurt.pct_65 - 21) + 0.30 * (buurt.pct_eenpersoons - 40)
                + buurt.wijk.achterstand + rng.gauss(0, 1.8))
        base = min(60.0, max(35.0, base))
        values_2022 = {
            "eenzaam": base,
            "ernstig_eenzaam": min(20.0, max(8.0, 11.5 + 0.42 * (base - 46) + rng.gauss(0, 0.8))),
            "emotioneel_eenzaam": 29.5 + 0.7 * (base - 46) + rng.gauss(0, 1.2),
            "sociaal_eenzaam": 35.0 + 0.6 * (base - 46) + rng.gauss(0, 1.2),
        }
        shift_2016 = rng.gauss(3.4, 0.9)
        shift_2020 = rng.gauss(0.9, 0.6)
        groepen = _groepen(buurt.inwoners, buurt.pct_65)
        for indicator, v22 in values_2022.items():
            per_year = {2016: v22 - shift_2016 * (0.3 if "ernstig" in indicator else 1.0),
                        2020: v22 + shift_2020, 2022: v22}
            for periode, v18 in per_year.items():
                v18 = round(v18, 1)
                v65 = round(v18 + DELTA_65[indicator] + rng.gauss(0, 1.0), 1)
                v1864 = (groepen["18+"] * v18 - groepen["65+"] * v65) / groepen["18-64"]
                for leeftijd, value in (("18+", v18), ("65+", v65), ("18-64", v1864)):
                    buurt.rivm[(indicator, periode, leeftijd)] = _interval(
                        value, groepen[leeftijd], rng)
    # RIVM did not publish sociaal eenzaam for one buurt in 2016 (too few respondents).
    landgoed = next(b for b in buurten if b.naam == LANDGOED)
    for leeftijd in LEEFTIJD_CODES:
        landgoed.rivm[("sociaal_eenzaam", 2016, leeftijd)] = None


def _aggregate(buurten: list[Buurt], rng: random.Random) -> dict:
    """Population-weighted mean of the buurt values (missing buurten left out); the interval
    is narrower because it rests on the whole population of the area."""
    figures = {}
    for indicator in RIVM_COLUMNS:
        for periode in PERIODEN:
            for leeftijd in LEEFTIJD_CODES:
                total = weight = 0.0
                for buurt in buurten:
                    cell = buurt.rivm.get((indicator, periode, leeftijd))
                    if cell is None:
                        continue
                    n = _groepen(buurt.inwoners, buurt.pct_65)[leeftijd]
                    total += n * cell[0]
                    weight += n
                if weight:
                    figures[(indicator, periode, leeftijd)] = _interval(total / weight, weight,
                                                                        rng)
    return figures


def _nederland(rng: random.Random) -> dict:
    figures = {}
    for periode, values in NEDERLAND_18PLUS.items():
        for indicator, v18 in values.items():
            v65 = v18 + DELTA_65[indicator]
            v1864 = (v18 - NEDERLAND_AANDEEL_65 * v65) / (1 - NEDERLAND_AANDEEL_65)
            for leeftijd, value in (("18+", v18), ("65+", v65), ("18-64", v1864)):
                value = round(value, 1)
                hw = 0.3 if leeftijd != "65+" else 0.5
                figures[(indicator, periode, leeftijd)] = (value, round(value - hw, 1),
                                                           round(value + hw, 1))
    return figures


# --- initiatives ----------------------------------------------------------------------------

# (naam, omschrijving, activiteit, wij_type, doelgroepen, frequentie, organisator, plek)
# plek: 'punt' = a public place, 'geen' = no fixed place (only a buurt), 'thuis' = run from a
# private home (exact point hidden).
TEMPLATES = [
    ("Koffietafel {buurthuis}", "Elke dinsdagochtend koffie en een praatje voor wie even onder "
     "de mensen wil zijn.", "ontmoeting", "bridging", ["ouderen", "iedereen"], "wekelijks",
     "welzijnsorganisatie", "punt"),
    ("Buurtkamer {buurt}", "Een huiskamer in de buurt waar je zonder afspraak binnenloopt voor "
     "koffie, een spelletje of hulp bij een formulier.", "ontmoeting", "beide", ["iedereen"],
     "wekelijks", "welzijnsorganisatie", "punt"),
    ("Breicafé {buurt}", "Samen breien en haken in de woonkamer van een buurtbewoonster; "
     "beginners leren het van de vaste bezoekers.", "ontmoeting", "bonding", ["ouderen"],
     "wekelijks", "bewoners", "thuis"),
    ("Spelletjesmiddag {buurthuis}", "Klaverjassen, rummikub en sjoelen op vrijdagmiddag.",
     "ontmoeting", "bonding", ["ouderen"], "wekelijks", "bewoners", "punt"),
    ("Taalcafé {buurt}", "Nederlands oefenen in een ontspannen gesprek met vrijwilligers uit de "
     "buurt.", "ontmoeting", "bridging", ["nieuwkomers"], "wekelijks", "bibliotheek", "punt"),
    ("Mannenochtend {buurthuis}", "Mannen uit de buurt drinken koffie, klussen samen en praten "
     "over van alles.", "ontmoeting", "bonding", ["ouderen"], "wekelijks",
     "welzijnsorganisatie", "punt"),
    ("Ouderkamer {buurt}", "Ouders met jonge kinderen ontmoeten elkaar op school terwijl de "
     "kinderen spelen.", "ontmoeting", "bridging", ["gezinnen", "nieuwkomers"], "wekelijks",
     "school", "punt"),
    ("Open kerk {buurt}", "Elke zaterdag is de kerk open voor een kop thee en een luisterend "
     "oor.", "ontmoeting", "bridging", ["iedereen"], "wekelijks", "kerk of moskee", "punt"),
    ("Bankje erbij {straat}", "Bewoners zetten een bankje bij de voordeur en nodigen "
     "voorbijgangers uit voor een praatje.", "ontmoeting", "bridging", ["ouderen", "iedereen"],
     "doorlopend", "bewoners", "punt"),
    ("Jongerenhonk {buurt}", "Een eigen plek voor jongeren om te chillen, te gamen en plannen "
     "te maken.", "ontmoeting", "bonding", ["jongeren"], "wekelijks", "welzijnsorganisatie",
     "punt"),
    ("Samen eten in {buurthuis}", "Eens per maand koken bewoners een driegangenmenu voor wie "
     "niet graag alleen eet.", "eten en drinken", "beide", ["ouderen", "iedereen"],
     "maandelijks", "welzijnsorganisatie", "punt"),
    ("Wereldkeuken {buurt}", "Bewoners koken gerechten uit hun land van herkomst en eten samen "
     "aan lange tafels.", "eten en drinken", "bridging", ["nieuwkomers", "iedereen"],
     "maandelijks", "bewoners", "punt"),
    ("Buurtbarbecue {straat}", "De straat gaat dicht voor een barbecue waar iedereen iets "
     "meeneemt.", "eten en drinken", "bonding", ["iedereen", "gezinnen"], "jaarlijks",
     "bewoners", "punt"),
    ("Soepmiddag {buurt}", "Op woensdag staat er soep klaar; wie wil blijft voor een praatje.",
     "eten en drinken", "bridging", ["ouderen"], "wekelijks", "kerk of moskee", "punt"),
    ("Iftar met de buren {buurt}", "Tijdens de ramadan nodigt de moskee buren uit voor de "
     "maaltijd bij zonsondergang.", "eten en drinken", "bridging", ["iedereen"], "jaarlijks",
     "kerk of moskee", "punt"),
    ("Kookclub {buurthuis}", "Jongeren leren koken met verse producten en eten daarna samen.",
     "eten en drinken", "bonding", ["jongeren"], "wekelijks", "welzijnsorganisatie", "punt"),
    ("Buurtontbijt {buurt}", "Op zaterdagochtend een gezamenlijk ontbijt voor bewoners van "
     "alle leeftijden.", "eten en drinken", "beide", ["iedereen", "gezinnen"], "maandelijks",
     "bewoners", "punt"),
    ("Zingen op Koningsdag {in_buurt}", "De hele straat zingt op Koningsdag samen oude "
     "meezingers, met een draaiorgel en oranjekoek.", "muziek en cultuur", "bonding",
     ["iedereen"], "jaarlijks", "bewoners", "punt"),
    ("Buurtkoor {buurt}", "Een koor zonder auditie: iedereen die graag zingt is welkom.",
     "muziek en cultuur", "bridging", ["iedereen"], "wekelijks", "bewoners", "punt"),
    ("Leesclub {buurt}", "Eens per maand bespreken buurtbewoners een boek in de bibliotheek.",
     "muziek en cultuur", "bonding", ["ouderen", "iedereen"], "maandelijks", "bibliotheek",
     "punt"),
    ("Muziekles op school {buurt}", "Kinderen uit de wijk leren gratis een instrument van "
     "muzikanten uit de buurt.", "muziek en cultuur", "bridging", ["jongeren", "gezinnen"],
     "wekelijks", "school", "punt"),
    ("Schilderclub {buurthuis}", "Samen schilderen en tekenen, met tips van een "
     "amateurkunstenaar.", "muziek en cultuur", "bonding",
     ["ouderen", "mensen met een beperking"], "wekelijks", "welzijnsorganisatie", "punt"),
    ("Verhalen van {buurt}", "Oudere bewoners vertellen over de buurt van vroeger; jongeren "
     "nemen de verhalen op.", "muziek en cultuur", "bridging", ["ouderen", "jongeren"],
     "eenmalig", "bibliotheek", "punt"),
    ("Filmavond {buurthuis}", "Een film op groot scherm met popcorn, daarna napraten.",
     "muziek en cultuur", "beide", ["iedereen"], "maandelijks", "welzijnsorganisatie", "punt"),
    ("Vlotten bouwen voor vogels", "Jong en oud bouwen drijvende nestvlotten voor de visdiefjes "
     "in de Vaart.", "natuur en groen", "bridging", ["jongeren", "ouderen"], "eenmalig",
     "bewoners", "punt"),
    ("Geveltuintjes {straat}", "Bewoners halen tegels weg en planten samen geveltuintjes.",
     "natuur en groen", "bonding", ["iedereen"], "eenmalig", "bewoners", "punt"),
    ("Buurtmoestuin {buurt}", "Een gezamenlijke moestuin waar bewoners samen zaaien, wieden en "
     "oogsten.", "natuur en groen", "beide", ["iedereen", "mensen met een beperking"],
     "doorlopend", "bewoners", "punt"),
    ("Plantjesruil {buurt}", "Stekjes en zaden ruilen op het plein, met koffie.",
     "natuur en groen", "bridging", ["iedereen"], "jaarlijks", "bibliotheek", "punt"),
    ("Opschoonploeg {buurt}", "Eens per maand prikken buren samen zwerfafval; verzamelen bij "
     "het speeltuintje.", "natuur en groen", "bonding", ["iedereen"], "maandelijks",
     "bewoners", "punt"),
    ("Natuurwandeling langs de Vaart", "Een gids laat ouders en kinderen de vogels en planten "
     "langs het water zien.", "natuur en groen", "bridging", ["gezinnen"], "maandelijks",
     "welzijnsorganisatie", "punt"),
    ("Schooltuin {buurt}", "Leerlingen en grootouders werken samen in de schooltuin.",
     "natuur en groen", "bridging", ["jongeren", "ouderen"], "wekelijks", "school", "punt"),
    ("Jeu de boules {buurt}", "Elke week jeu de boules op de baan bij het buurthuis; "
     "nieuwe spelers krijgen uitleg.", "sport en bewegen", "bonding", ["ouderen"],
     "wekelijks", "bewoners", "punt"),
    ("Wandelvoetbal {buurt}", "Voetbal in wandeltempo voor 60-plussers bij de plaatselijke "
     "club.", "sport en bewegen", "bonding", ["ouderen"], "wekelijks", "sportclub", "punt"),
    ("Bewegen in het park {buurt}", "Gymnastiek in de buitenlucht voor alle leeftijden.",
     "sport en bewegen", "bridging", ["ouderen", "iedereen"], "wekelijks",
     "welzijnsorganisatie", "punt"),
    ("Straatvoetbal {buurt}", "Op het trapveldje organiseren jongeren zelf een competitie.",
     "sport en bewegen", "bonding", ["jongeren"], "wekelijks", "bewoners", "punt"),
    ("Wandelgroep {buurt}", "Elke donderdag een rondje van een uur door de wijk, in een rustig "
     "tempo.", "sport en bewegen", "bridging", ["ouderen", "mensen met een beperking"],
     "wekelijks", "welzijnsorganisatie", "punt"),
    ("Fietsmaatjes {buurt}", "Vrijwilligers fietsen op een duofiets met bewoners die zelf niet "
     "meer kunnen fietsen.", "sport en bewegen", "bridging",
     ["ouderen", "mensen met een beperking"], "doorlopend", "welzijnsorganisatie", "punt"),
    ("Zwemles voor vrouwen {buurt}", "Vrouwen die nooit hebben leren zwemmen krijgen les in een "
     "besloten uur.", "sport en bewegen", "bonding", ["nieuwkomers"], "wekelijks", "sportclub",
     "punt"),
    ("Sportdag {buurt}", "Een sportieve middag op het schoolplein voor kinderen en hun ouders.",
     "sport en bewegen", "beide", ["gezinnen", "jongeren"], "jaarlijks", "school", "punt"),
    ("Lief-en-leedpotje {straat}", "Buren leggen samen geld in om elkaar een kaart of bloemen "
     "te sturen bij ziekte, geboorte of verlies.", "burenhulp en zorg", "bonding",
     ["iedereen"], "doorlopend", "bewoners", "geen"),
    ("Boodschappenmaatje {buurt}", "Buren doen boodschappen voor wie slecht ter been is.",
     "burenhulp en zorg", "bridging", ["ouderen", "mensen met een beperking"], "doorlopend",
     "bewoners", "geen"),
    ("Klussendienst {buurt}", "Handige buurtbewoners helpen met kleine klusjes in huis.",
     "burenhulp en zorg", "bridging", ["ouderen"], "doorlopend", "welzijnsorganisatie", "geen"),
    ("Repair Café {buurt}", "Samen kapotte spullen repareren onder het genot van koffie.",
     "burenhulp en zorg", "beide", ["iedereen"], "maandelijks", "bewoners", "punt"),
    ("Maatjesproject {buurt}", "Een vrijwilliger komt wekelijks langs voor een wandeling of "
     "een praatje.", "burenhulp en zorg", "bridging", ["ouderen"], "doorlopend",
     "welzijnsorganisatie", "geen"),
    ("Welkom {in_buurt}", "Buurtbewoners heten nieuwe bewoners welkom en wijzen hen de weg.",
     "burenhulp en zorg", "bridging", ["nieuwkomers"], "doorlopend", "bewoners", "geen"),
    ("Oppascirkel {buurt}", "Ouders passen om beurten bij elkaar thuis op elkaars kinderen.",
     "burenhulp en zorg", "bonding", ["gezinnen"], "doorlopend", "bewoners", "thuis"),
    ("Mantelzorgcafé {buurthuis}", "Mantelzorgers delen ervaringen en tips bij een kop koffie.",
     "burenhulp en zorg", "bonding", ["iedereen"], "maandelijks", "welzijnsorganisatie",
     "punt"),
    ("Huiswerkhulp {buurt}", "Studenten en gepensioneerde leraren helpen kinderen met hun "
     "huiswerk.", "burenhulp en zorg", "bridging", ["jongeren", "nieuwkomers"], "wekelijks",
     "bibliotheek", "punt"),
    ("Kookpunt {buurt}", "Een buurtbewoner kookt thuis een portie extra voor buren die niet "
     "meer zelf koken.", "burenhulp en zorg", "bridging",
     ["ouderen", "mensen met een beperking"], "wekelijks", "bewoners", "thuis"),
    ("Buurtapp {buurt}", "Een groepsapp waarin buren elkaar helpen, spullen uitlenen en "
     "uitnodigen.", "digitaal", "bonding", ["iedereen"], "doorlopend", "bewoners", "geen"),
    ("Digitaal spreekuur {buurt}", "Hulp bij DigiD, de telefoon of de computer, zonder "
     "afspraak.", "digitaal", "bridging", ["ouderen", "nieuwkomers"], "wekelijks",
     "bibliotheek", "punt"),
    ("Klik en Tik {buurthuis}", "In kleine groepjes leren werken met tablet en internet.",
     "digitaal", "bridging", ["ouderen"], "wekelijks", "welzijnsorganisatie", "punt"),
    ("Videobellen met de klas {buurt}", "Leerlingen van de middelbare school leggen ouderen uit "
     "hoe videobellen werkt.", "digitaal", "bridging", ["jongeren", "ouderen"], "maandelijks",
     "school", "punt"),
    ("Gamemiddag {buurthuis}", "Samen gamen voor jongeren met en zonder beperking.",
     "digitaal", "beide", ["jongeren", "mensen met een beperking"], "wekelijks",
     "welzijnsorganisatie", "punt"),
    ("Spullendelen {buurt}", "Een website waarop buren gereedschap en spullen aan elkaar "
     "uitlenen.", "digitaal", "bonding", ["iedereen"], "doorlopend", "bewoners", "geen"),
    ("Burendag {buurt}", "Op Burendag zetten bewoners tafels buiten en maken ze kennis met "
     "elkaar.", "feest", "beide", ["iedereen"], "jaarlijks", "bewoners", "punt"),
    ("Straatfeest {straat}", "Een jaarlijks feest met springkussen, muziek en een buffet waar "
     "iedereen iets voor meeneemt.", "feest", "bonding", ["gezinnen", "iedereen"], "jaarlijks",
     "bewoners", "punt"),
    ("Suikerfeest voor de buurt {buurt}", "Aan het eind van de ramadan is iedereen welkom voor "
     "thee en lekkernijen.", "feest", "bridging", ["iedereen", "nieuwkomers"], "jaarlijks",
     "kerk of moskee", "punt"),
    ("Kerstdiner voor wie alleen is {buurt}", "Een feestelijk kerstdiner voor buurtbewoners "
     "die de feestdagen anders alleen doorbrengen.", "feest", "bridging",
     ["ouderen", "iedereen"], "jaarlijks", "kerk of moskee", "punt"),
    ("Sint Maarten {in_buurt}", "Kinderen lopen met lampionnen langs de huizen; ouderen delen "
     "snoep uit.", "feest", "bridging", ["gezinnen", "ouderen"], "jaarlijks", "school",
     "punt"),
    ("Buitenspeeldag {straat}", "De straat is een middag autovrij zodat kinderen buiten kunnen "
     "spelen.", "feest", "bonding", ["gezinnen", "jongeren"], "jaarlijks", "bewoners", "punt"),
    ("Nieuwjaarsborrel {buurthuis}", "Buren proosten samen op het nieuwe jaar in het "
     "buurthuis.", "feest", "bonding", ["iedereen"], "jaarlijks", "bewoners", "punt"),
    ("Dansavond voor iedereen {buurt}", "Een dansavond voor jongeren met en zonder beperking.",
     "feest", "bridging", ["jongeren", "mensen met een beperking"], "jaarlijks",
     "welzijnsorganisatie", "punt"),
    ("Zomerfeest {buurthuis}", "Een middag met muziek, spelletjes en hapjes uit alle "
     "windstreken.", "feest", "beide", ["iedereen"], "jaarlijks", "welzijnsorganisatie",
     "punt"),
    ("Huiskamerconcert {buurt}", "Een buurtbewoonster opent haar woonkamer voor een klein "
     "concert van muzikanten uit de wijk.", "muziek en cultuur", "bridging", ["iedereen"],
     "maandelijks", "bewoners", "thuis"),
    ("Naaiatelier {buurt}", "In het buurthuis leren vrouwen samen kleding maken en "
     "herstellen.", "ontmoeting", "bridging", ["nieuwkomers"], "wekelijks", "bewoners",
     "punt"),
    ("Koersbal {buurthuis}", "Koersbal op de mat in de grote zaal, met koffie na afloop.",
     "sport en bewegen", "bonding", ["ouderen"], "wekelijks", "welzijnsorganisatie", "punt"),
]

# Initiatives the brief's readers will recognise, pinned to a buurt when it has room.
PINNED = {
    "Binnenstad": ["Koffietafel {buurthuis}", "Taalcafé {buurt}"],
    "Bloemenbuurt": ["Zingen op Koningsdag {in_buurt}"],
    "Molenstraat": ["Lief-en-leedpotje {straat}"],
    "Vaartkant": ["Vlotten bouwen voor vogels"],
    "Dijkzicht": ["Natuurwandeling langs de Vaart"],
    "Havenkade": ["Buurtapp {buurt}"],
    INDUSTRIETERREIN: ["Repair Café {buurt}"],
}

# Yearly events fall on their day (the start date is the first edition).
FEESTDAGEN = {"Koningsdag": (4, 27), "Kerstdiner": (12, 24), "Sint Maarten": (11, 11),
              "Burendag": (9, 23), "Nieuwjaarsborrel": (1, 6), "Buitenspeeldag": (6, 12),
              "Iftar": (3, 20), "Suikerfeest": (4, 10)}

N_INITIATIEVEN = 100
N_WITTE_VLEKKEN = 5


def _allocate(buurten: list[Buurt], rng: random.Random) -> dict[str, int]:
    """Initiatives per buurt. Five buurten well inside the top quartile of loneliness (at
    most two per wijk) get none: the witte vlekken. One quiet, not-lonely buurt gets none
    either; every other buurt gets at least one and the rest is spread by population and the
    wijk's richness."""
    ranked = sorted((b for b in buurten if b.rivm),
                    key=lambda b: -b.rivm[("eenzaam", 2022, "18+")][0])
    witte: list[str] = []
    per_wijk: dict[str, int] = {}
    for b in ranked[:len(ranked) // 4]:
        # The care home buurt has activities inside the care home: not a witte vlek.
        if b.naam in PINNED or b.naam == "Kloosterhof" or per_wijk.get(b.wijkcode, 0) == 2:
            continue
        if len(witte) < N_WITTE_VLEKKEN:
            witte.append(b.code)
            per_wijk[b.wijkcode] = per_wijk.get(b.wijkcode, 0) + 1
    quiet = next(b.code for b in reversed(ranked)
                 if b.naam not in PINNED and b.inwoners >= 100)
    counts = {b.code: (0 if b.code in witte or b.code == quiet else 1) for b in buurten}
    weights = {}
    for b in buurten:
        if counts[b.code] == 0 or b.inwoners < 100:
            continue
        weight = b.wijk.aanbod * math.sqrt(b.inwoners / 1000) * math.exp(rng.gauss(0, 0.5))
        if b.naam in ("Bloemenbuurt", "Binnenstad", "Molenstraat", "Kloosterhof"):
            weight *= 3.0
        weights[b.code] = weight
    codes = sorted(weights)
    for _ in range(N_INITIATIEVEN - sum(counts.values())):
        code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        counts[code] += 1
    return counts


def _in(buurtnaam: str) -> str:
    """'in de Bloemenbuurt', 'in het Werfkwartier', but 'in Het Maalveld', 'in Kastanjehof'."""
    if " " not in buurtnaam and buurtnaam.endswith("buurt"):
        return f"in de {buurtnaam}"
    if " " not in buurtnaam and buurtnaam.endswith("kwartier"):
        return f"in het {buurtnaam}"
    return f"in {buurtnaam}"


def _random_point(polygon: Polygon, rng: random.Random) -> Point:
    inner = polygon.buffer(-25)
    if inner.is_empty:
        inner = polygon
    minx, miny, maxx, maxy = inner.bounds
    while True:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if inner.contains(point):
            return point


def _initiatief_rows(buurten: list[Buurt], rng: random.Random, to_wgs84) -> list[dict]:
    """The initiatives as rows of the municipal CSV: text cells, coordinates with a decimal
    comma, sorted by start date and name."""
    counts = _allocate(buurten, rng)
    by_name = {t[0]: t for t in TEMPLATES}
    used_templates: dict[str, int] = {t[0]: 0 for t in TEMPLATES}
    rows = []
    names = set()
    for buurt in buurten:
        n = counts[buurt.code]
        chosen = [by_name[name] for name in PINNED.get(buurt.naam, [])][:n]
        while len(chosen) < n:
            # Prefer the least used templates so every kind appears and names vary; templates
            # without a placeholder name one specific event and are only pinned.
            least = min(used_templates.values())
            pool = [t for t in TEMPLATES if used_templates[t[0]] <= least + 1
                    and t not in chosen and "{" in t[0]]
            chosen.append(rng.choice(pool))
        for template in chosen:
            used_templates[template[0]] += 1
            naam_t, omschrijving, activiteit, wij_type, doelgroepen, frequentie, org, plek = \
                template
            straat = (buurt.naam if buurt.naam.endswith(("straat", "pad"))
                      else rng.choice(buurt.wijk.straten))
            parts = {"buurt": buurt.naam, "in_buurt": _in(buurt.naam),
                     "buurthuis": buurt.wijk.buurthuis, "straat": straat}
            naam = naam_t.format(**parts)
            if naam in names:
                # A buurthuis is in one buurt; elsewhere the activity is named after the buurt.
                naam = naam_t.format(**{**parts, "buurthuis": buurt.naam})
            if naam in names:
                naam = f"{naam} ({buurt.naam})"
            names.add(naam)
            if frequentie == "eenmalig":
                start = date(2023, 3, 1) + timedelta(days=rng.randrange(0, 800))
                eind = start.isoformat()
            else:
                start = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 4900))
                eind = ""
            for word, (month, day) in FEESTDAGEN.items():
                if word in naam:
                    start = date(start.year, month, day)
            rows.append({
                "naam": naam, "omschrijving": omschrijving, "activiteit": activiteit,
                "wij_type": wij_type, "doelgroepen": ", ".join(doelgroepen),
                "frequentie": frequentie, "startdatum": start.isoformat(), "einddatum": eind,
                "organisator": org, "buurt": buurt, "plek": plek,
            })
    # Location: a point for most; only the buurtcode for initiatives without a fixed place;
    # the point hidden (shown at buurt level) for those run from a private home.
    for row in rows:
        buurt = row.pop("buurt")
        plek = row.pop("plek")
        row["buurtcode"] = ""
        row["lat"] = row["lon"] = ""
        row["locatie_verborgen"] = "nee"
        if plek == "geen":
            row["buurtcode"] = buurt.code
            continue
        point = _random_point(buurt.geometry, rng)
        lon, lat = to_wgs84(point.x, point.y)
        row["lat"] = f"{lat:.6f}".replace(".", ",")
        row["lon"] = f"{lon:.6f}".replace(".", ",")
        if plek == "thuis":
            row["buurtcode"] = buurt.code
            row["locatie_verborgen"] = "ja"
    rows.sort(key=lambda r: (r["startdatum"], r["naam"]))
    return rows


# --- assembling and writing -----------------------------------------------------------------

def make_demo(seed: int = SEED) -> Demo:
    """Generate the whole demo municipality in memory (deterministic for a given seed)."""
    rng_np = np.random.default_rng(seed)
    rng = random.Random(seed)
    outline = town_outline(seed)
    seeds = _blue_noise_seeds(outline, rng_np, N_BUURTEN)
    polygons = _tessellate(outline, seeds, rng_np)
    assignment = _assign_wijken(seeds, polygons)
    buurten = _name_buurten(seeds, polygons, assignment, outline)
    _fill_cbs_figures(buurten, rng)
    _fill_loneliness(buurten, rng)
    gebieden = [("NL01", "Nederland", "Land", _nederland(rng)),
                (GEMEENTECODE, GEMEENTENAAM, "Gemeente", _aggregate(buurten, rng))]
    for wijk in WIJKEN:
        members = [b for b in buurten if b.wijk is wijk]
        gebieden.append((f"WK9999{wijk.nummer:02d}", wijk.naam, "Wijk",
                         _aggregate(members, rng)))
        gebieden.extend((b.code, b.naam, "Buurt", b.rivm) for b in members)
    transformer = Transformer.from_crs(28992, 4326, always_xy=True)
    initiatieven = _initiatief_rows(buurten, rng, transformer.transform)
    return Demo(outline, buurten, gebieden, initiatieven)


def _number(value) -> str:
    """One decimal with a decimal comma; '.' (StatLine: unknown) when missing."""
    return "." if value is None else f"{value:.1f}".replace(".", ",")


def buurten_geojson(demo: Demo) -> str:
    """The buurten as a CBS Wijk- en buurtkaart-style GeoJSON in EPSG:4326."""
    transformer = Transformer.from_crs(28992, 4326, always_xy=True)
    lines = ['{', '"type": "FeatureCollection",', '"name": "buurten",', '"features": [']
    features = []
    for b in demo.buurten:
        polygon = b.geometry.normalize().reverse()    # exterior counter-clockwise (RFC 7946)
        ring = shapely.get_coordinates(polygon.exterior)
        lon, lat = transformer.transform(ring[:, 0], ring[:, 1])
        coords = [[round(float(x), 6), round(float(y), 6)] for x, y in zip(lon, lat)]
        secret = b.pct_65 is None
        properties = {
            "buurtcode": b.code, "buurtnaam": b.naam, "wijkcode": b.wijkcode,
            "wijknaam": b.wijk.naam, "gemeentecode": GEMEENTECODE,
            "gemeentenaam": GEMEENTENAAM, "water": "NEE", "aantal_inwoners": b.inwoners,
            "percentage_personen_65_jaar_en_ouder": CBS_GEHEIM if secret else b.pct_65,
            "aantal_huishoudens": b.huishoudens,
            "percentage_eenpersoonshuishoudens": CBS_GEHEIM if secret else b.pct_eenpersoons,
            "jaar": JAAR_KAART,
        }
        feature = {"type": "Feature", "properties": properties,
                   "geometry": {"type": "Polygon", "coordinates": [coords]}}
        features.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    lines.append(",\n".join(features))
    lines.append("]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def eenzaamheid_csv(demo: Demo) -> str:
    """RIVM table 50120NED as CBS OData CSV: one row per area × age × margin × period."""
    out = io.StringIO()
    header = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
              "Leeftijd", "Marges", "Perioden", *RIVM_COLUMNS.values()]
    out.write(";".join(header) + "\n")
    row_id = 0
    for code, _naam, soort, figures in demo.gebieden_rivm:
        gemeentenaam = "Nederland" if code == "NL01" else GEMEENTENAAM
        for leeftijd, leeftijd_code in LEEFTIJD_CODES.items():
            for marge_index, marge_code in enumerate(MARGES.values()):
                for periode in PERIODEN:
                    cells = [str(row_id), code.ljust(10), gemeentenaam, soort.ljust(10),
                             code, leeftijd_code, marge_code, f"{periode}JJ00"]
                    for indicator in RIVM_COLUMNS:
                        cell = figures.get((indicator, periode, leeftijd))
                        cells.append(_number(None if cell is None else cell[marge_index]))
                    out.write(";".join(cells) + "\n")
                    row_id += 1
    return out.getvalue()


def initiatieven_csv(demo: Demo) -> str:
    """The initiatives as a municipality's Excel export: ';' separated, decimal comma."""
    from wijkdata.model.schema import INITIATIEF_COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INITIATIEF_COLUMNS, delimiter=";",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo.initiatieven)
    return out.getvalue()


README_TEXT = (
    "Deze bestanden zijn fictief: de gemeente Lindewaarde (GM9999) bestaat niet.\n"
    "Ze zijn gemaakt door `python scripts/make_demo.py` (wijkdata/generators/demo.py); "
    "pas ze niet met de hand aan.\n"
)


def write_demo(folder: str | Path = DEMO_DIR, seed: int = SEED) -> list[Path]:
    """Write the demo files into ``folder`` (created if needed); returns the paths written.

    The initiatives CSV gets a UTF-8 BOM, as Excel writes it; the other files are plain
    UTF-8 with Unix line endings, so that the output is byte-identical on every run.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    demo = make_demo(seed)
    contents = {
        FILES["buurten"]: buurten_geojson(demo).encode("utf-8"),
        FILES["indicatoren"]: eenzaamheid_csv(demo).encode("utf-8"),
        FILES["initiatieven"]: initiatieven_csv(demo).encode("utf-8-sig"),
        README: README_TEXT.encode("utf-8"),
    }
    paths = []
    for name, data in contents.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths

