"""A synthetic Netherlands at real scale, for the benchmark and for scale tests.

About 14,800 buurten in 342 gemeenten and about 3,400 wijken, with full-resolution borders
(hundreds of vertices per buurt, as in the published CBS Wijk- en buurtkaart), CBS-style
context figures, RIVM-style loneliness (2012, 2016, 2020, 2022; 18+, 18-64, 65+; 95%
intervals) and 100,000 initiatives. Everything is fictitious and deterministic for a given
seed; nothing is committed: :func:`ensure` generates the files once and keeps them in a cache
folder (env ``WIJKDATA_CACHE_DIR``, else ``<data dir>/cache/synthetic``).

How the map is made, and why:

- Seed points are drawn inside a rough outline of the Netherlands (IJsselmeer left out), far
  denser around about sixty towns, then spread by two Lloyd steps. "Ghost" seeds fill a band
  outside the outline. The buurten are the Voronoi cells of the inside seeds: no cell is
  clipped, so every border vertex comes from one diagram and the coast is simply the edge
  between inside and ghost cells.
- The diagram is turned into a topology (vertices rounded to 1 cm, each edge stored once)
  and every edge is replaced by one wiggled, densified polyline (a smooth meander plus small
  parcel-scale steps, both zero at the junctions). Both neighbours reuse the very same
  coordinates, so the buurten form an exact coverage: no gaps, no overlaps, shared borders
  vertex for vertex.
- Gemeenten are the buurten nearest to each of 342 evenly spread centres; wijken are k-means
  groups of about 4.35 buurten inside a gemeente. Codes follow CBS: ``GM`` + 4,
  ``WK`` + gemeente + 2, ``BU`` + wijk + 2.

The boundaries are written as a GeoPackage in the CBS layout (layers ``buurten``, ``wijken``,
``gemeenten``; snake_case columns such as ``buurtcode`` and ``aantal_inwoners``; CBS's
-99997 for a secret figure), so the benchmark imports them through the normal reader.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon

from wijkdata.generators import CBS_GEHEIM, JAAR_KAART
from wijkdata.model.schema import DOELGROEPEN, INDICATOREN_COLUMNS, INITIATIEF_COLUMNS, WIJ_TYPES

GENERATOR_VERSION = 1
SEED = 2025
N_BUURTEN = 14_800
N_GEMEENTEN = 342
N_INITIATIEVEN = 100_000
BUURTEN_PER_WIJK = 4.1            # about 3,400 wijken (large gemeenten hit the cap of 99)
PERIODEN = (2012, 2016, 2020, 2022)
LEEFTIJDEN = ("18+", "18-64", "65+")
RD = "EPSG:28992"
BRON_RIVM = "RIVM Gezondheidsmonitor (synthetisch)"

# A rough outline of the Netherlands in RD New, kilometres, clockwise from Cadzand.
_OUTLINE_KM = [
    (13, 378), (22, 390), (30, 401), (44, 411), (50, 421), (58, 429), (65, 440), (72, 448),
    (80, 459), (92, 475), (100, 497), (104, 515), (108, 535), (112, 553), (125, 551),
    (157, 576), (168, 592), (186, 601), (204, 604), (222, 608), (241, 607), (251, 601),
    (259, 594), (270, 585), (277, 573), (270, 556), (262, 536), (256, 522), (262, 505),
    (258, 490), (261, 476), (250, 456), (245, 443), (226, 434), (213, 430), (198, 426),
    (196, 410), (210, 377), (200, 356), (190, 337), (206, 322), (200, 307), (176, 309),
    (177, 321), (186, 343), (172, 364), (156, 366), (121, 381), (81, 381), (72, 372),
    (55, 363), (35, 367),
]
_IJSSELMEER_KM = [(129, 547), (148, 563), (164, 553), (169, 531), (158, 513), (150, 497),
                  (136, 496), (131, 520)]
# Towns: (x km, y km, weight). Weight scales how many buurten crowd around the centre.
_STEDEN = [
    (121, 487, 5.0), (92, 437, 4.5), (81, 455, 4.0), (136, 456, 3.5), (161, 383, 2.5),
    (234, 582, 2.0), (133, 397, 2.0), (143, 485, 1.5), (113, 401, 1.8), (187, 428, 1.8),
    (194, 469, 1.5), (190, 444, 1.6), (104, 489, 1.6), (258, 471, 1.5), (155, 463, 1.5),
    (116, 497, 1.2), (149, 411, 1.5), (203, 503, 1.4), (93, 464, 1.5), (177, 318, 1.3),
    (105, 424, 1.2), (183, 579, 1.2), (111, 516, 1.1), (85, 447, 1.1), (208, 474, 1.0),
    (209, 376, 0.9), (173, 383, 0.9), (195, 322, 1.0), (255, 533, 0.9), (233, 557, 0.8),
    (31, 391, 0.6), (91, 392, 0.8), (162, 421, 0.8), (141, 471, 0.9), (106, 448, 0.8),
    (94, 452, 1.0), (174, 449, 0.8), (160, 503, 0.7), (133, 517, 0.7), (114, 549, 0.6),
    (127, 503, 0.7), (198, 355, 0.6), (190, 336, 0.7), (248, 476, 0.8), (238, 488, 0.7),
    (169, 483, 0.5), (190, 550, 0.5), (206, 565, 0.5), (207, 523, 0.4), (221, 443, 0.5),
    (156, 433, 0.4), (52, 392, 0.4), (28, 385, 0.5), (80, 385, 0.6), (169, 451, 0.6),
    (133, 448, 0.7), (118, 440, 0.5), (100, 414, 0.4), (147, 438, 0.4), (223, 497, 0.4),
]

_VOOR = ["Aal", "Beek", "Berg", "Bos", "Broek", "Dal", "Dijk", "Drie", "Eem", "Gouw", "Haar",
         "Heer", "Hoog", "Kamp", "Lange", "Lin", "Marl", "Meer", "Mid", "Nieuw", "Noord",
         "Oost", "Oud", "Ree", "Ros", "Schoon", "Sloot", "Stee", "Ter", "Vel", "Vree", "Wes",
         "Wolde", "Zand", "Zuid", "Zwa", "Eik", "Hazel", "Linde", "Wilg"]
_ACHTER = ["dam", "dorp", "drecht", "hoven", "huizen", "kerk", "land", "loo", "meer", "veen",
           "vliet", "waard", "wolde", "zijl", "horst", "brug", "rade", "broek", "stein", "sum",
           "werd", "dijk", "hout", "mond"]
_WIJKNAMEN = ["Centrum", "Noord", "Oost", "Zuid", "West", "Noordoost", "Zuidoost", "Zuidwest",
              "Noordwest", "Buitengebied", "Binnenstad", "Haven", "Molenwijk", "De Akkers",
              "Het Veld", "Bloemenwijk", "Bomenwijk", "Vogelwijk", "Waterwijk", "De Hoven"]
_BUURTNAMEN = ["Kerkbuurt", "Marktkwartier", "Stationsbuurt", "Molenbuurt", "De Weide",
               "Bloemenbuurt", "Vogelbuurt", "Schildersbuurt", "Componistenbuurt",
               "De Akkers", "Het Veld", "Dijkzicht", "Havenkwartier", "Parkbuurt", "Singel",
               "Bedrijventerrein", "Oude Dorp", "Nieuwe Dorp", "Beekdal", "Boomgaard",
               "De Laren", "Kastanjehof", "Rozenhof", "Lindehof", "Esdoornbuurt",
               "Verspreide huizen"]
_SJABLONEN = [
    ("Koffietafel {b}", "Elke week koffie en een praatje in het buurthuis.", "ontmoeting"),
    ("Buurtmaaltijd {b}", "Samen koken en eten met buren.", "eten en drinken"),
    ("Buurtkoor {b}", "Zingen met buren, iedereen mag meedoen.", "muziek en cultuur"),
    ("Moestuin {b}", "Samen tuinieren in de buurtmoestuin.", "natuur en groen"),
    ("Wandelgroep {b}", "Wekelijks wandelen door de buurt.", "sport en bewegen"),
    ("Boodschappenhulp {b}", "Buren doen boodschappen voor wie dat niet kan.",
     "burenhulp en zorg"),
    ("Digicafé {b}", "Hulp bij tablet, telefoon en DigiD.", "digitaal"),
    ("Straatfeest {b}", "Eén keer per jaar de straat dicht en samen eten.", "feest"),
    ("Lief-en-leedpotje {b}", "Een attentie bij ziekte, geboorte of verdriet.",
     "burenhulp en zorg"),
    ("Buurtapp {b}", "Een appgroep voor de straat.", "digitaal"),
]
_FREQUENTIES = ["wekelijks", "maandelijks", "jaarlijks", "eenmalig", "doorlopend"]
_ORGANISATOREN = ["bewoners", "welzijnsorganisatie", "kerk of moskee", "school",
                  "vereniging", "gemeente"]
# National loneliness (18+) by period, and the ratio of each indicator to 'eenzaam'.
_NL_EENZAAM = {2012: 43.0, 2016: 43.0, 2020: 47.0, 2022: 46.1}
_RATIO = {"eenzaam": 1.0, "ernstig_eenzaam": 0.25, "emotioneel_eenzaam": 0.66,
          "sociaal_eenzaam": 0.77}
_LEEFTIJD_VERSCHIL = {"18+": 0.0, "18-64": -1.0, "65+": 4.0}


@dataclass
class SynthetischNL:
    """The generated country. ``buurten`` is in the CBS GeoPackage layout (EPSG:28992);
    ``indicatoren`` and ``initiatieven`` in the canonical columns the readers produce."""

    buurten: gpd.GeoDataFrame
    indicatoren: pd.DataFrame
    initiatieven: pd.DataFrame


# --- geometry ---------------------------------------------------------------------------------

def outline() -> Polygon:
    """The rough land outline (RD New, metres), IJsselmeer as a hole."""
    shell = [(x * 1000.0, y * 1000.0) for x, y in _OUTLINE_KM]
    hole = [(x * 1000.0, y * 1000.0) for x, y in _IJSSELMEER_KM]
    return Polygon(shell, [hole])


def _density(x: np.ndarray, y: np.ndarray, scale: float) -> np.ndarray:
    """Relative density of buurt seeds: 1 in the countryside, up to ~120 in a large town."""
    d = np.ones_like(x)
    for sx, sy, w in _STEDEN:
        sigma = 2600.0 * math.sqrt(w) * scale
        r2 = (x - sx * 1000) ** 2 + (y - sy * 1000) ** 2
        d += 24.0 * w * np.exp(-r2 / (2 * sigma * sigma))
    return d


def _sample(rng, n: int, region, bounds, scale: float, *, inside: bool) -> np.ndarray:
    """``n`` points with the seed density, inside ``region`` (or outside it, in ``bounds``)."""
    shapely.prepare(region)
    minx, miny, maxx, maxy = bounds
    dmax = 1 + 24.0 * sum(w for *_, w in _STEDEN)
    found = []
    count = 0
    while count < n:
        m = max(4 * (n - count), 10_000)
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        keep = rng.uniform(0, dmax, m) < _density(x, y, scale)
        x, y = x[keep], y[keep]
        hit = shapely.contains_xy(region, x, y)
        if not inside:
            hit = ~hit
        pts = np.column_stack([x[hit], y[hit]])
        found.append(pts)
        count += len(pts)
    return np.concatenate(found)[:n]


def _mean_density(rng, region, scale: float, m: int = 40_000) -> float:
    """Mean of the seed density over ``region`` (Monte Carlo)."""
    minx, miny, maxx, maxy = region.bounds
    x = rng.uniform(minx, maxx, m)
    y = rng.uniform(miny, maxy, m)
    hit = shapely.contains_xy(region, x, y)
    return float(_density(x[hit], y[hit], scale).mean())


def _seeds_with_ghosts(rng, n: int, land: Polygon, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Buurt seeds inside ``land`` and ghost seeds in a band outside it, spread by Lloyd."""
    inside = _sample(rng, n, land, land.bounds, scale, inside=True)
    # A countryside cell (density 1) covers land area × mean density / n.
    rural_cell = land.area * _mean_density(rng, land, scale) / n
    band = land.buffer(6 * math.sqrt(rural_cell), quad_segs=4)
    ring = band.difference(land)
    n_ghost = int(ring.area * _mean_density(rng, ring, scale) / rural_cell) + 50
    ghosts = _sample(rng, n_ghost, ring, ring.bounds, scale, inside=True)
    spacing = math.sqrt(rural_cell)
    points = np.concatenate([inside, ghosts])
    box = shapely.box(*band.buffer(spacing * 10).bounds)
    for _ in range(2):
        cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=box, ordered=True)
        cells = shapely.intersection(np.asarray(cells.geoms), box)
        points = shapely.get_coordinates(shapely.centroid(cells))
    is_inside = shapely.contains_xy(land, points[:, 0], points[:, 1])
    return points, is_inside


def _topology(cells: np.ndarray):
    """Rings as vertex ids and the unique edges of a set of Voronoi cells.

    Vertices are rounded to 1 cm and identified by their rounded position, so that an edge
    computed twice (once per neighbour) becomes one edge.
    """
    rings = shapely.get_exterior_ring(cells)
    coords, index = shapely.get_coordinates(rings, return_index=True)
    q = np.round(coords * 100).astype(np.int64)
    key = q[:, 0] * 1_000_000_000 + q[:, 1]
    unique_keys, vertex = np.unique(key, return_inverse=True)
    vertex_xy = np.column_stack([unique_keys // 1_000_000_000,
                                 unique_keys % 1_000_000_000]) / 100.0
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ends = np.r_[starts[1:], len(index)]
    cell_rings = []
    for s, e in zip(starts, ends):
        ring = vertex[s:e - 1]                       # drop the closing vertex
        keep = np.r_[ring[1:] != ring[:-1], ring[0] != ring[-1]]
        cell_rings.append(ring[keep])
    a = np.concatenate([r for r in cell_rings])
    b = np.concatenate([np.roll(r, -1) for r in cell_rings])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    edge_keys, edge_of = np.unique(lo * len(vertex_xy) + hi, return_inverse=True)
    edges = np.column_stack([edge_keys // len(vertex_xy), edge_keys % len(vertex_xy)])
    forward = a < b
    return cell_rings, vertex_xy, edges, edge_of, forward


def _wiggle_edges(rng, vertex_xy, edges, detail: bool, calm: np.ndarray):
    """One densified, wiggled polyline per edge, from its lower to its higher vertex id.

    The displacement (normal to the edge) is a smooth meander of up to ~4% of the edge
    length plus small parcel-scale steps; both vanish at the ends (envelope 4t(1-t)), so
    edges meeting at a junction do not cross. ``calm`` edges get no displacement (they are
    densified straight, used where a wiggle made a buurt invalid).
    """
    p0 = vertex_xy[edges[:, 0]]
    p1 = vertex_xy[edges[:, 1]]
    delta = p1 - p0
    length = np.hypot(delta[:, 0], delta[:, 1])
    if detail:
        n_seg = np.clip((length / 12).astype(int) + 8, 12, 64)
    else:
        n_seg = np.clip((length / 200).astype(int) + 2, 2, 8)
    total = int(n_seg.sum() + len(edges))
    offsets = np.r_[0, np.cumsum(n_seg + 1)]
    edge_index = np.repeat(np.arange(len(edges)), n_seg + 1)
    step = np.arange(total) - offsets[edge_index]
    t = step / n_seg[edge_index]
    jitter = rng.uniform(-0.3, 0.3, total) / n_seg[edge_index]
    inner = (step > 0) & (step < n_seg[edge_index])
    t = np.where(inner, t + jitter, t)
    amp = np.minimum(length * 0.04, 60.0)
    a1, a2, a3 = (rng.normal(0, 1, len(edges)) * amp / j for j in (1, 2, 3))
    phase = rng.uniform(0, 2 * math.pi, len(edges))
    envelope = 4 * t * (1 - t)
    e = edge_index
    smooth = (a1[e] * np.sin(math.pi * t) + a2[e] * np.sin(2 * math.pi * t + phase[e])
              + a3[e] * np.sin(3 * math.pi * t + 2 * phase[e]))
    rough = rng.normal(0, 1, total) * np.minimum(length * 0.006, 3.0)[e]
    offset = envelope * (smooth + rough) * np.where(calm, 0.0, 1.0)[e]
    if not detail:
        offset = envelope * smooth * np.where(calm, 0.0, 1.0)[e]
    normal = np.column_stack([-delta[:, 1], delta[:, 0]]) / np.maximum(length, 1e-9)[:, None]
    xy = p0[e] + t[:, None] * delta[e] + offset[:, None] * normal[e]
    xy[~inner] = np.where((step == 0)[~inner, None], p0[e][~inner], p1[e][~inner])
    return xy, offsets


def _polygons(cell_rings, edge_of, forward, xy, offsets) -> np.ndarray:
    """Each cell's ring from its edges' polylines (reversed where walked backwards)."""
    parts, ring_ids = [], []
    position = 0
    for i, ring in enumerate(cell_rings):
        pieces = []
        for k in range(len(ring)):
            edge = edge_of[position + k]
            line = xy[offsets[edge]:offsets[edge + 1]]
            pieces.append(line[:-1] if forward[position + k] else line[::-1][:-1])
        position += len(ring)
        coords = np.concatenate(pieces + [pieces[0][:1]])
        parts.append(coords)
        ring_ids.append(np.full(len(coords), i))
    coords = np.concatenate(parts)
    rings = shapely.linearrings(coords, indices=np.concatenate(ring_ids))
    return shapely.polygons(rings)


def tessellate(n_buurten: int = N_BUURTEN, seed: int = SEED, *, detail: bool = True
               ) -> tuple[np.ndarray, np.ndarray]:
    """(polygons, seed points) of about ``n_buurten`` buurten forming an exact coverage.

    ``detail`` gives full-resolution borders (a few hundred vertices per buurt); without it
    borders have a handful of vertices (for quick tests).
    """
    rng = np.random.default_rng(seed)
    land = outline()
    scale = math.sqrt(N_BUURTEN / n_buurten)
    points, is_inside = _seeds_with_ghosts(rng, n_buurten, land, scale)
    box = shapely.box(*shapely.MultiPoint(points).envelope.buffer(50_000).bounds)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=box, ordered=True)
    cells = np.asarray(cells.geoms)[is_inside]
    seeds = points[is_inside]
    cell_rings, vertex_xy, edges, edge_of, forward = _topology(cells)
    calm = np.zeros(len(edges), dtype=bool)
    wiggle_rng = np.random.default_rng([seed, 1])
    state = wiggle_rng.bit_generator.state
    for _ in range(6):
        wiggle_rng.bit_generator.state = state       # same wiggles each round, fewer edges
        xy, offsets = _wiggle_edges(wiggle_rng, vertex_xy, edges, detail, calm)
        polygons = _polygons(cell_rings, edge_of, forward, xy, offsets)
        bad = np.flatnonzero(~shapely.is_valid(polygons))
        if not len(bad):
            return polygons, seeds
        starts = np.r_[0, np.cumsum([len(r) for r in cell_rings])]
        for i in bad:
            calm[edge_of[starts[i]:starts[i + 1]]] = True
    raise RuntimeError("synthetic: could not make every buurt valid")


def _kmeans(xy: np.ndarray, k: int, iterations: int = 8) -> np.ndarray:
    """Labels 0..k-1 of a small k-means, started from chunks along the x+y diagonal order."""
    if k <= 1:
        return np.zeros(len(xy), dtype=int)
    order = np.argsort(xy[:, 0] + xy[:, 1] * 1.3, kind="stable")
    labels = np.empty(len(xy), dtype=int)
    labels[order] = np.arange(len(xy)) * k // len(xy)
    for _ in range(iterations):
        centres = np.array([xy[labels == j].mean(axis=0) if (labels == j).any()
                            else xy[j % len(xy)] for j in range(k)])
        d = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = d.argmin(axis=1)
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def _gemeente_centres(rng, n: int, land: Polygon) -> np.ndarray:
    """``n`` evenly spread points in ``land`` (Lloyd on random points)."""
    minx, miny, maxx, maxy = land.bounds
    shapely.prepare(land)
    pts = []
    while len(pts) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(land, x, y):
            pts.append((x, y))
    points = np.array(pts)
    for _ in range(10):
        cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=land, ordered=True)
        cells = shapely.intersection(np.asarray(cells.geoms), land)
        centroids = shapely.get_coordinates(shapely.centroid(cells))
        ok = shapely.contains_xy(land, centroids[:, 0], centroids[:, 1])
        points = np.where(ok[:, None], centroids, points)
    return points


def _names(rng, n: int) -> list[str]:
    combos = [v + a for v in _VOOR for a in _ACHTER]
    chosen = rng.choice(len(combos), size=n, replace=False)
    return [combos[i] for i in chosen]


def _hierarchy(rng, seeds: np.ndarray, n_gemeenten: int, land: Polygon) -> pd.DataFrame:
    """Codes and names per buurt (same order as ``seeds``)."""
    centres = _gemeente_centres(rng, n_gemeenten, land)
    tree = shapely.STRtree(shapely.points(centres))
    _, gemeente = tree.query_nearest(shapely.points(seeds), all_matches=False)
    # A centre that no buurt is nearest to gets the buurt nearest to it.
    counts = np.bincount(gemeente, minlength=n_gemeenten)
    for g in np.flatnonzero(counts == 0):
        d = np.hypot(*(seeds - centres[g]).T)
        for i in np.argsort(d):
            if counts[gemeente[i]] > 1:
                counts[gemeente[i]] -= 1
                gemeente[i] = g
                counts[g] += 1
                break
    numbers = np.sort(rng.choice(np.arange(3, 2000), size=n_gemeenten, replace=False))
    # Codes run roughly north to south, as the old CBS numbering by province did.
    order = np.argsort(-centres[:, 1], kind="stable")
    gm_number = np.empty(n_gemeenten, dtype=int)
    gm_number[order] = numbers
    gm_names = _names(rng, n_gemeenten)
    wijk_nr = np.zeros(len(seeds), dtype=int)
    buurt_nr = np.zeros(len(seeds), dtype=int)
    for g in range(n_gemeenten):
        members = np.flatnonzero(gemeente == g)
        xy = seeds[members]
        k = int(np.clip(round(len(members) / BUURTEN_PER_WIJK), 1, 99))
        k = max(k, math.ceil(len(members) / 99))
        labels = _kmeans(xy, k)
        centre = centres[g]
        wijk_centres = np.array([xy[labels == j].mean(axis=0) for j in range(labels.max() + 1)])
        wijk_order = np.argsort(np.hypot(*(wijk_centres - centre).T), kind="stable")
        rank = np.empty_like(wijk_order)
        rank[wijk_order] = np.arange(len(wijk_order))
        for j in range(labels.max() + 1):
            in_wijk = members[labels == j]
            d = np.hypot(*(seeds[in_wijk] - wijk_centres[j]).T)
            wijk_nr[in_wijk] = rank[j]
            buurt_nr[in_wijk[np.argsort(d, kind="stable")]] = np.arange(len(in_wijk))
    if wijk_nr.max() > 99 or buurt_nr.max() > 99:
        raise RuntimeError("synthetic: more than 100 wijken or buurten in one group")
    gm = gm_number[gemeente]
    frame = pd.DataFrame({
        "gemeentecode": [f"GM{n:04d}" for n in gm],
        "wijkcode": [f"WK{n:04d}{w:02d}" for n, w in zip(gm, wijk_nr)],
        "buurtcode": [f"BU{n:04d}{w:02d}{b:02d}" for n, w, b in zip(gm, wijk_nr, buurt_nr)],
        "gemeentenaam": [gm_names[g] for g in gemeente],
    })
    frame["wijknaam"] = [
        (_WIJKNAMEN[w] if w < len(_WIJKNAMEN) else f"Wijk {w:02d}") + f" {naam}"
        for w, naam in zip(wijk_nr, frame["gemeentenaam"])]
    pick = rng.integers(0, len(_BUURTNAMEN), len(seeds))
    frame["buurtnaam"] = [f"{_BUURTNAMEN[p]} {naam}" if b == 0 else
                          f"{_BUURTNAMEN[p]} {b}" for p, b, naam in
                          zip(pick, buurt_nr, frame["wijknaam"])]
    return frame


# --- figures ----------------------------------------------------------------------------------

def _round_counts_to_5(values: np.ndarray) -> np.ndarray:
    """CBS rounds buurt counts to multiples of 5."""
    return (5 * np.round(values / 5)).astype(float)


def _add_cbs_columns(rng, frame: pd.DataFrame, area_m2: np.ndarray) -> None:
    """Inwoners, % 65+, households and % one-person households (CBS Kerncijfers style)."""
    n = len(frame)
    ha = area_m2 / 10_000
    # Denser (smaller) buurten hold more people per hectare.
    density = np.clip(25 * (ha / 20) ** -0.55, 0.3, 180) * rng.lognormal(0, 0.45, n)
    inwoners = _round_counts_to_5(np.clip(density * ha, 0, 30_000))
    industrial = rng.uniform(size=n) < 0.03
    inwoners[industrial] = _round_counts_to_5(rng.uniform(0, 45, industrial.sum()))
    urban = np.clip(np.log10(np.maximum(density, 1)) / 2.2, 0, 1)
    pct_65 = np.clip(rng.normal(24 - 6 * urban, 5.5), 2, 60).round(0)
    pct_een = np.clip(rng.normal(28 + 22 * urban, 7.5), 5, 85).round(0)
    persons_per_household = np.clip(rng.normal(2.4 - 0.5 * urban, 0.2), 1.2, 3.5)
    huishoudens = _round_counts_to_5(inwoners / persons_per_household)
    secret = inwoners < 50
    frame["aantal_inwoners"] = inwoners
    frame["percentage_personen_65_jaar_en_ouder"] = np.where(secret, CBS_GEHEIM, pct_65)
    frame["aantal_huishoudens"] = huishoudens
    frame["percentage_eenpersoonshuishoudens"] = np.where(secret, CBS_GEHEIM, pct_een)


def _halfwidth_small_area(p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Half the 95% interval of a small-area model estimate (percentage points): a
    binomial interval over an effective sample that grows with the population."""
    n_eff = np.clip(np.sqrt(np.maximum(n, 1)) * 2.5, 25, 2_000)
    return np.clip(1.96 * np.sqrt(p / 100 * (1 - p / 100) / n_eff) * 100, 0.3, 15)


def _loneliness_long(rng, frame: pd.DataFrame) -> pd.DataFrame:
    """RIVM-style estimates per buurt, wijk, gemeente and NL01 in the canonical long format.

    Buurt level: the national figure of the period, shifted by the share of one-person
    households and of 65+, plus a persistent buurt effect. Wijk and gemeente figures are the
    population-weighted means of their buurten with narrower intervals. Buurten with fewer
    than 100 inhabitants get no estimate (RIVM does not publish them).
    """
    n = len(frame)
    inwoners = frame["aantal_inwoners"].to_numpy(float)
    pct_een = frame["percentage_eenpersoonshuishoudens"].to_numpy(float)
    pct_65 = frame["percentage_personen_65_jaar_en_ouder"].to_numpy(float)
    pct_een = np.where(pct_een < 0, 35, pct_een)
    pct_65 = np.where(pct_65 < 0, 20, pct_65)
    effect = rng.normal(0, 3.5, n)
    blocks = []
    levels = [("buurt", frame["buurtcode"].to_numpy(), None),
              ("wijk", None, "wijkcode"), ("gemeente", None, "gemeentecode")]
    for periode in PERIODEN:
        drift = rng.normal(0, 0.8, n)
        for leeftijd in LEEFTIJDEN:
            base = (_NL_EENZAAM[periode] + _LEEFTIJD_VERSCHIL[leeftijd]
                    + 0.22 * (pct_een - 37) + 0.08 * (pct_65 - 21) + effect + drift)
            for indicator, ratio in _RATIO.items():
                value = np.clip(base * ratio, 1, 95)
                for level, codes, key in levels:
                    if level == "buurt":
                        v, pop = value, inwoners
                        v = np.where(pop >= 100, v, np.nan)
                        out_codes = codes
                        narrow = 1.0
                    else:
                        has = ~np.isnan(np.where(inwoners >= 100, value, np.nan))
                        w = np.where(has, inwoners, 0.0)
                        groups = frame[key].to_numpy()
                        g = pd.DataFrame({"k": groups, "vw": value * w, "w": w,
                                          "pop": inwoners}).groupby("k", sort=True).sum()
                        v = (g["vw"] / g["w"].replace(0, np.nan)).to_numpy()
                        pop = g["pop"].to_numpy()
                        out_codes = g.index.to_numpy()
                        narrow = 0.6
                    hw = _halfwidth_small_area(np.nan_to_num(v, nan=50), pop) * narrow
                    blocks.append(pd.DataFrame({
                        "code": out_codes, "indicator": indicator, "periode": periode,
                        "leeftijd": leeftijd, "waarde": np.round(v, 1),
                        "ondergrens": np.round(v - hw, 1), "bovengrens": np.round(v + hw, 1)}))
                nl = round(_NL_EENZAAM[periode] * ratio + _LEEFTIJD_VERSCHIL[leeftijd] * ratio, 1)
                blocks.append(pd.DataFrame({
                    "code": ["NL01"], "indicator": [indicator], "periode": [periode],
                    "leeftijd": [leeftijd], "waarde": [nl], "ondergrens": [round(nl - 0.4, 1)],
                    "bovengrens": [round(nl + 0.4, 1)]}))
    long = pd.concat(blocks, ignore_index=True)
    long["bron"] = BRON_RIVM
    long["periode"] = long["periode"].astype("Int64")
    for column in ("waarde", "ondergrens", "bovengrens"):
        long[column] = long[column].astype(float)
    long = long.sort_values(["code", "indicator", "periode", "leeftijd"], kind="stable")
    return long[INDICATOREN_COLUMNS].reset_index(drop=True)


def _initiatieven_frame(rng, frame: pd.DataFrame, polygons: np.ndarray, seeds: np.ndarray,
                        n: int) -> pd.DataFrame:
    """``n`` initiatives: per buurt in proportion to its population with a strong buurt
    effect (so some buurten have none: the witte vlekken); 80% with a point, 12% only a
    buurtcode, 8% run from a home (point given, location hidden)."""
    from pyproj import Transformer
    inwoners = frame["aantal_inwoners"].to_numpy(float)
    weight = (inwoners + 20) ** 0.85 * rng.lognormal(0, 0.9, len(frame))
    weight[rng.uniform(size=len(frame)) < 0.12] = 0.0       # buurten without any
    buurt = rng.choice(len(frame), size=n, p=weight / weight.sum())
    buurt.sort(kind="stable")
    # A point inside the buurt: part of the way from the seed to a border vertex (the cells
    # are star-shaped around their seed).
    coords, index = shapely.get_coordinates(shapely.get_exterior_ring(polygons),
                                            return_index=True)
    starts = np.r_[0, np.flatnonzero(index[1:] != index[:-1]) + 1]
    counts = np.bincount(index, minlength=len(polygons))
    pick = starts[buurt] + (rng.uniform(size=n) * (counts[buurt] - 1)).astype(int)
    u = rng.uniform(0.05, 0.75, n)
    xy = seeds[buurt] + u[:, None] * (coords[pick] - seeds[buurt])
    soort = rng.uniform(size=n)
    alleen_code = soort < 0.12
    verborgen = (soort >= 0.12) & (soort < 0.20)
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(xy[:, 0], xy[:, 1])
    sjabloon = rng.integers(0, len(_SJABLONEN), n)
    buurtnamen = frame["buurtnaam"].to_numpy()
    codes = frame["buurtcode"].to_numpy()
    groepen = ["; ".join(sorted(set(rng.choice(DOELGROEPEN, size=rng.integers(1, 3)))))
               for _ in range(64)]
    start = (np.datetime64("2012-01-01") + rng.integers(0, 4800, n).astype("timedelta64[D]"))
    ended = rng.uniform(size=n) < 0.08
    einde = np.where(ended, start + rng.integers(30, 900, n).astype("timedelta64[D]"),
                     np.datetime64("NaT"))
    out = pd.DataFrame({
        "naam": [_SJABLONEN[s][0].format(b=buurtnamen[b]) for s, b in zip(sjabloon, buurt)],
        "omschrijving": [_SJABLONEN[s][1] for s in sjabloon],
        "activiteit": [_SJABLONEN[s][2] for s in sjabloon],
        "wij_type": np.asarray(WIJ_TYPES)[rng.integers(0, len(WIJ_TYPES), n)],
        "doelgroepen": [groepen[i] for i in rng.integers(0, len(groepen), n)],
        "frequentie": np.asarray(_FREQUENTIES)[rng.integers(0, len(_FREQUENTIES), n)],
        "startdatum": start.astype("datetime64[s]"),
        "einddatum": einde.astype("datetime64[s]"),
        "organisator": np.asarray(_ORGANISATOREN)[rng.integers(0, len(_ORGANISATOREN), n)],
        "buurtcode": np.where(alleen_code | verborgen, codes[buurt], None),
        "lat": np.where(alleen_code, np.nan, np.round(lat, 6)),
        "lon": np.where(alleen_code, np.nan, np.round(lon, 6)),
        "locatie_verborgen": verborgen,
        "x": np.where(alleen_code, np.nan, xy[:, 0]),
        "y": np.where(alleen_code, np.nan, xy[:, 1]),
    })
    for column in ("naam", "omschrijving", "activiteit", "wij_type", "doelgroepen",
                   "frequentie", "organisator", "buurtcode"):
        out[column] = out[column].astype("str").where(out[column].notna(), np.nan)
    out["bron_rij"] = np.arange(2, n + 2)
    return out[INITIATIEF_COLUMNS + ["x", "y", "bron_rij"]]


def generate(n_buurten: int = N_BUURTEN, n_gemeenten: int = N_GEMEENTEN,
             n_initiatieven: int = N_INITIATIEVEN, seed: int = SEED, *,
             detail: bool = True) -> SynthetischNL:
    """Generate the synthetic Netherlands in memory (deterministic for given arguments).

    National scale (the defaults) takes about a minute on two cores; tests use a few hundred
    buurten.
    """
    polygons, seeds = tessellate(n_buurten, seed, detail=detail)
    rng = np.random.default_rng([seed, 2])
    frame = _hierarchy(rng, seeds, n_gemeenten, outline())
    _add_cbs_columns(rng, frame, shapely.area(polygons))
    frame["water"] = "NEE"
    frame["jaar"] = JAAR_KAART
    order = np.argsort(frame["buurtcode"].to_numpy(), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    polygons, seeds = polygons[order], seeds[order]
    buurten = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(polygons, crs=RD), crs=RD)
    indicatoren = _loneliness_long(rng, frame)
    initiatieven = _initiatieven_frame(rng, frame, polygons, seeds, n_initiatieven)
    return SynthetischNL(buurten, indicatoren, initiatieven)


# --- writing and the cache ---------------------------------------------------------------------

_BUURT_COLUMNS = ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam",
                  "water", "aantal_inwoners", "percentage_personen_65_jaar_en_ouder",
                  "aantal_huishoudens", "percentage_eenpersoonshuishoudens", "jaar"]


def layers(nl: SynthetischNL) -> dict[str, gpd.GeoDataFrame]:
    """The three CBS layers: buurten, and wijken and gemeenten as unions of their buurten
    (``shapely.coverage_union_all``: the buurten form an exact coverage)."""
    buurten = nl.buurten
    out = {"buurten": buurten[_BUURT_COLUMNS + ["geometry"]]}
    for name, key, extra in (("wijken", "wijkcode", ["wijknaam", "gemeentecode",
                                                     "gemeentenaam"]),
                             ("gemeenten", "gemeentecode", ["gemeentenaam"])):
        groups = buurten.groupby(key, sort=True)
        sums = groups[["aantal_inwoners", "aantal_huishoudens"]].sum()
        first = groups[extra].first() if extra else pd.DataFrame(index=sums.index)
        geometry = [shapely.coverage_union_all(part.geometry.values)
                    for _, part in groups]
        frame = pd.concat([first, sums], axis=1).reset_index()
        frame["water"] = "NEE"
        frame["jaar"] = JAAR_KAART
        out[name] = gpd.GeoDataFrame(frame, geometry=geometry, crs=RD)
    return out


def write_gpkg(nl: SynthetischNL, path: str | Path) -> Path:
    """Write the GeoPackage in the CBS layout (layers buurten, wijken, gemeenten)."""
    import pyogrio
    path = Path(path)
    if path.exists():
        path.unlink()
    for name, frame in layers(nl).items():
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG",
                                promote_to_multi=True)
    return path


def cache_dir() -> Path:
    """Where generated files are kept: env ``WIJKDATA_CACHE_DIR``, else
    ``<data dir>/cache/synthetic`` (the data dir as in :func:`wijkdata.store.database_url`)."""
    explicit = os.environ.get("WIJKDATA_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser() / "synthetic"
    from wijkdata.store import DEFAULT_DB_DIR
    data_dir = os.environ.get("WIJKDATA_DATA_DIR", "").strip() or DEFAULT_DB_DIR
    return Path(data_dir).expanduser() / "cache" / "synthetic"


@dataclass(frozen=True)
class Bestanden:
    """Paths of a generated dataset: the GeoPackage (CBS layout) and the statistics and
    initiatives as Parquet in the canonical columns."""

    gpkg: Path
    indicatoren: Path
    initiatieven: Path


def ensure(n_buurten: int = N_BUURTEN, n_gemeenten: int = N_GEMEENTEN,
           n_initiatieven: int = N_INITIATIEVEN, seed: int = SEED, *,
           folder: str | Path | None = None) -> Bestanden:
    """The generated files, made once per set of arguments and then reused from the cache."""
    params = {"version": GENERATOR_VERSION, "n_buurten": n_buurten,
              "n_gemeenten": n_gemeenten, "n_initiatieven": n_initiatieven, "seed": seed}
    tag = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]
    target = Path(folder) if folder else cache_dir() / f"nl_{n_buurten}_{tag}"
    files = Bestanden(target / "buurten_synthetisch_2024.gpkg",
                      target / "indicatoren.parquet", target / "initiatieven.parquet")
    done = target / "params.json"
    if done.exists() and all(p.exists() for p in (files.gpkg, files.indicatoren,
                                                  files.initiatieven)):
        return files
    target.mkdir(parents=True, exist_ok=True)
    nl = generate(n_buurten, n_gemeenten, n_initiatieven, seed)
    write_gpkg(nl, files.gpkg)
    nl.indicatoren.to_parquet(files.indicatoren, index=False)
    nl.initiatieven.to_parquet(files.initiatieven, index=False)
    done.write_text(json.dumps(params, indent=1))
    return files
