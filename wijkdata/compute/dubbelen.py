"""Likely duplicates of a report (melding) among the known initiatives and other reports.

A moderator sees, next to a new report, what it may already be. Two rules, from issue 12:

- **naam**: the same or a neighbouring buurt *and* a similar name;
- **plek**: within ``afstand_m`` metres (RD New, EPSG:28992) *and* the same activiteit.

A rule whose inputs are missing on either side (no buurtcode, no point, no activiteit, a
name that is empty once normalised) is skipped for that pair; it never raises. A list
geocoded from addresses has points but no buurtcodes: :func:`buurtcodes_erbij` first gives
those rows the buurt their point lies in, as the dashboard places them, so the name rule
sees them too.

The name score. Names are normalised first: lower case, accents stripped (café → cafe),
hyphens joined (Dutch writes one compound as ``koffie-tafel`` or ``koffietafel``), other
punctuation to spaces, and filler words dropped (de, het, een, stichting, ...). Then the
score is the larger of two rapidfuzz scores:

- ``fuzz.WRatio``: the best of plain, token-sorted, token-set and partial matches, scaled
  down when the lengths differ a lot. It finds a name told longer ("Zingende straat" vs
  "Straat zingt op Koningsdag": 86; "Breiclub" vs "Breiclub wijkcentrum": 90) where
  ``token_set_ratio`` gives 58 for the first (the words *zingende* and *zingt* differ) and
  100 for every name that merely contains another, however short.
- ``fuzz.ratio`` on the names without spaces: one compound split differently
  ("Lief-en-leedpotje" vs "lief en leed potje", "Koffietafel De Buurtkamer" vs
  "koffie-tafel buurtkamer": 100).

Different initiatives in one buurt stay below the default threshold of 80: "Koffietafel De
Buurtkamer" vs "Koffieochtend Het Trefpunt" 50, "Buurtmoestuin Zuid" vs "Buurtbarbecue
Zuid" 67, "Taalcafé" vs "Repair Café" 56 (tests/test_dubbelen.py holds these cases).

Everything is vectorised (rapidfuzz ``cdist`` in C++, pyproj on arrays, numpy distances):
5,000 initiatives take a few tens of milliseconds.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Mapping
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from wijkdata.compute.formulas import join_initiatieven_to_buurten
from wijkdata.formatting import fmt_getal, fmt_meters
from wijkdata.model.schema import BRON_MELDING, BUURTCODE, CODE, NIVEAU, RD, WGS84

SOORT_INITIATIEF = "initiatief"
SOORT_MELDING = "melding"
KOLOMMEN = ["soort", "bron", "rij", "naam", "buurtcode", "gelijkenis", "afstand_m", "reden"]

# Words that say nothing about which initiative it is. Kept short on purpose: 'buurt',
# 'club' or 'koffie' do tell initiatives apart.
VULWOORDEN = frozenset({
    "de", "het", "een", "en", "van", "der", "den", "in", "op", "voor", "met", "aan", "bij",
    "te", "t", "s", "stichting", "vereniging", "st", "stg", "ver",
})
# Two boundaries that should touch often leave slivers of a few centimetres between them
# (digitised separately, simplified, or rounded to millimetres): buurten within a metre count
# as neighbours.
BUREN_MARGE_M = 1.0
_NIET_WOORD = re.compile(r"[^0-9a-z]+")


def normaliseer_naam(naam) -> str:
    """A name as compared: 'Koffie-tafel De Buurtkamer!' -> 'koffietafel buurtkamer'.
    A missing or non-text value gives ''."""
    if not isinstance(naam, str):
        return ""
    return _normaliseer(naam)


# The moderator opens report after report against the same lists: each name is normalised
# once per process.
@lru_cache(maxsize=200_000)
def _normaliseer(naam: str) -> str:
    text = naam.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    # A hyphen or apostrophe between letters joins one word (koffie-tafel, buurt'huis).
    text = re.sub(r"(?<=\w)[-‐‑–'’](?=\w)", "", text)
    words = [w for w in _NIET_WOORD.split(text) if w and w not in VULWOORDEN]
    return " ".join(words)


def naam_gelijkenis(a, b) -> float:
    """The score of two names (0–100) as :func:`mogelijke_dubbelen` computes it; NaN when a
    name is empty once normalised."""
    x, y = normaliseer_naam(a), normaliseer_naam(b)
    if not x or not y:
        return math.nan
    return float(max(fuzz.WRatio(x, y), fuzz.ratio(x.replace(" ", ""), y.replace(" ", ""))))


def _scores(naam: str, namen: list[str]) -> np.ndarray:
    """Score of one normalised name against many (NaN where one is empty), in C++."""
    out = np.full(len(namen), np.nan)
    if not naam or not namen:
        return out
    filled = np.array([bool(n) for n in namen])
    if not filled.any():
        return out
    rest = [n for n in namen if n]
    wratio = process.cdist([naam], rest, scorer=fuzz.WRatio)[0]
    compact = process.cdist([naam.replace(" ", "")], [n.replace(" ", "") for n in rest],
                            scorer=fuzz.ratio)[0]
    out[filled] = np.maximum(wratio, compact)
    return out


@lru_cache(maxsize=1)
def _naar_rd():
    from pyproj import Transformer
    return Transformer.from_crs(WGS84, RD, always_xy=True)


def _getallen(frame: pd.DataFrame, kolom: str) -> np.ndarray:
    if kolom not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[kolom], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _rd_punten(frame: pd.DataFrame) -> np.ndarray:
    """(n, 2) RD coordinates: the list's own x/y where given, else from lat/lon; NaN where
    neither gives a point in range."""
    lat, lon = _getallen(frame, "lat"), _getallen(frame, "lon")
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    xy = np.full((len(frame), 2), np.nan)
    if ok.any():
        x, y = _naar_rd().transform(lon[ok], lat[ok])
        xy[ok] = np.column_stack([x, y])
    eigen = np.column_stack([_getallen(frame, "x"), _getallen(frame, "y")])
    heeft_eigen = np.isfinite(eigen).all(axis=1)
    xy[heeft_eigen] = eigen[heeft_eigen]
    xy[~np.isfinite(xy).all(axis=1)] = np.nan
    return xy


def _punt_van(melding: Mapping) -> np.ndarray:
    return _rd_punten(pd.DataFrame([{k: _veld(melding, k) for k in ("lat", "lon", "x", "y")}]))[0]


def zonder_buurt(initiatieven: pd.DataFrame) -> np.ndarray:
    """Per row: True where it has a point (lat/lon or RD x/y) but no buurtcode, the rows
    :func:`buurtcodes_erbij` places."""
    if initiatieven is None or not len(initiatieven):
        return np.zeros(0, dtype=bool)
    codes = _tekst(initiatieven[BUURTCODE].to_numpy() if BUURTCODE in initiatieven
                   else [None] * len(initiatieven))
    return codes.eq("").to_numpy() & np.isfinite(_rd_punten(initiatieven)).all(axis=1)


def buurtcodes_erbij(initiatieven: pd.DataFrame,
                     gebieden: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """``initiatieven`` (a copy: same rows, order and index) where every row with a point but
    no buurtcode has the code of the buurt of ``gebieden`` that point lies in.

    The point in polygon is the dashboard's own
    (:func:`~wijkdata.compute.formulas.join_initiatieven_to_buurten`), so a report is
    compared with the buurt the map shows the initiative in. A buurtcode the list gives is
    kept as it is, and a point outside every buurt stays without one (the place rule still
    sees it). ``gebieden``: boundaries with ``code`` and ``geometry`` (only rows with
    ``niveau`` 'buurt' count when it has that column; no CRS means RD). Without boundaries,
    or nothing to place, ``initiatieven`` comes back unchanged."""
    todo = zonder_buurt(initiatieven)
    if not todo.any() or gebieden is None or not len(gebieden):
        return initiatieven
    vlakken = gebieden if NIVEAU in gebieden else gebieden.assign(**{NIVEAU: "buurt"})
    if vlakken.crs is None:
        vlakken = vlakken.set_crs(RD)
    elif vlakken.crs != RD:
        vlakken = vlakken.to_crs(RD)
    xy = _rd_punten(initiatieven)[todo]
    # Positions, not the caller's index: that may repeat (lists concatenated as they are).
    punten = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], BUURTCODE: None})
    gevonden = join_initiatieven_to_buurten(punten, vlakken)[BUURTCODE]
    uit = initiatieven.copy()
    codes = (uit[BUURTCODE] if BUURTCODE in uit else pd.Series(None, index=uit.index))
    codes = codes.astype(object).to_numpy(copy=True)
    codes[todo] = [c if isinstance(c, str) and c else None for c in gevonden]
    uit[BUURTCODE] = codes
    return uit


def _tekst(waarden) -> pd.Series:
    """Text values stripped; anything missing or not text becomes ''."""
    s = pd.Series(waarden, dtype=object)
    return s.map(lambda v: v.strip() if isinstance(v, str) else "")


def _veld(melding, naam: str):
    """A field of the report, which may be a mapping or a dataclass (meldingen.Melding)."""
    if isinstance(melding, Mapping):
        return melding.get(naam)
    return getattr(melding, naam, None)


def _kandidaten(initiatieven: pd.DataFrame, meldingen: pd.DataFrame, melding) -> pd.DataFrame:
    """Initiatives and other reports in one frame with soort, bron and rij."""
    delen = []
    if initiatieven is not None and len(initiatieven):
        ini = pd.DataFrame(initiatieven).reset_index(drop=True)
        bron = (_tekst(ini["bron"]) if "bron" in ini else pd.Series("", index=ini.index))
        if "rij" in ini:
            # The caller knows each row's position in its own list.
            rij = pd.to_numeric(ini["rij"], errors="coerce")
        else:
            # The active lists are concatenated in order: the position within one bron.
            rij = ini.groupby(bron.to_numpy(), sort=False).cumcount()
        delen.append(ini.assign(soort=SOORT_INITIATIEF, bron=bron.to_numpy(),
                                rij=rij.to_numpy()))
    if meldingen is not None and len(meldingen):
        mel = pd.DataFrame(meldingen).reset_index(drop=True)
        ids = pd.to_numeric(mel["id"], errors="coerce") if "id" in mel else \
            pd.Series(np.nan, index=mel.index)
        keep = pd.Series(True, index=mel.index)
        eigen_id = pd.to_numeric(pd.Series([_veld(melding, "id")]), errors="coerce").iloc[0]
        if pd.notna(eigen_id):
            keep &= ids != eigen_id
        if "status" in mel:
            # Approved and merged reports are in the initiative lists already; rejected ones
            # are no initiative. Only open reports can be a second report of this one.
            keep &= _tekst(mel["status"]).eq("nieuw")
        mel = mel[keep.to_numpy()]
        delen.append(mel.assign(soort=SOORT_MELDING, bron=BRON_MELDING,
                                rij=ids[keep.to_numpy()].to_numpy()))
    if not delen:
        return pd.DataFrame(columns=["soort", "bron", "rij", "naam", BUURTCODE])
    return pd.concat(delen, ignore_index=True)


def leeg_resultaat() -> pd.DataFrame:
    return pd.DataFrame({
        "soort": pd.Series(dtype=object), "bron": pd.Series(dtype=object),
        "rij": pd.Series(dtype="Int64"), "naam": pd.Series(dtype=object),
        "buurtcode": pd.Series(dtype=object), "gelijkenis": pd.Series(dtype=float),
        "afstand_m": pd.Series(dtype=float), "reden": pd.Series(dtype=object)})


def mogelijke_dubbelen(melding: Mapping, initiatieven: pd.DataFrame, meldingen: pd.DataFrame,
                       buren: Mapping[str, set[str]] | None = None, *,
                       drempel: float = 80, afstand_m: float = 150) -> pd.DataFrame:
    """The initiatives and other open reports that ``melding`` may be a second report of.

    ``melding``: a mapping (or dataclass) with naam, activiteit, buurtcode, lat, lon and
    optionally id (that report itself is left out of ``meldingen``). ``initiatieven``: the
    active initiatives with naam, activiteit, buurtcode, lat/lon (or RD x/y), bron and
    optionally ``rij`` (its 0-based position in its list; without it, the position among
    the rows of the same bron). ``meldingen``: reports as ``Meldingen.lijst`` gives them
    (id, status; only status 'nieuw' is compared). ``buren``: buurtcode -> neighbouring
    buurtcodes (:func:`buren_van`); without it only the same buurt counts.

    Returns columns ``soort`` ('initiatief' | 'melding'), ``bron``, ``rij`` (for a report
    its id), ``naam``, ``buurtcode``, ``gelijkenis`` (0–100, NaN without a name),
    ``afstand_m`` (NaN without two points) and ``reden`` (Dutch), most likely first: a
    match on both rules, then on the name (by similarity, the same buurt before one next
    to it), then on the place only (nearest first).
    """
    alle = _kandidaten(initiatieven, meldingen, melding)
    if alle.empty:
        return leeg_resultaat()

    naam = normaliseer_naam(_veld(melding, "naam"))
    namen = [normaliseer_naam(n) for n in alle["naam"]] if "naam" in alle else [""] * len(alle)
    gelijkenis = _scores(naam, namen)

    eigen_buurt = _tekst([_veld(melding, "buurtcode")]).str.upper().iloc[0]
    codes = _tekst(alle[BUURTCODE] if BUURTCODE in alle else [""] * len(alle)).str.upper()
    zelfde_buurt = (codes == eigen_buurt).to_numpy() & bool(eigen_buurt)
    naast = set(buren.get(eigen_buurt, ())) if (buren and eigen_buurt) else set()
    buurt_ernaast = codes.isin({str(c).upper() for c in naast}).to_numpy() & ~zelfde_buurt
    naam_regel = (zelfde_buurt | buurt_ernaast) & (np.nan_to_num(gelijkenis, nan=-1) >= drempel)

    punt = _punt_van(melding)
    afstand = np.hypot(*(_rd_punten(alle) - punt).T) if len(alle) else np.array([])
    activiteit = _tekst([_veld(melding, "activiteit")]).str.casefold().iloc[0]
    activiteiten = _tekst(alle["activiteit"] if "activiteit" in alle
                          else [""] * len(alle)).str.casefold()
    plek_regel = ((np.nan_to_num(afstand, nan=np.inf) <= afstand_m)
                  & (activiteiten == activiteit).to_numpy() & bool(activiteit))

    treffer = naam_regel | plek_regel
    if not treffer.any():
        return leeg_resultaat()
    uit = alle.loc[treffer, ["soort", "bron", "rij"]].reset_index(drop=True)
    uit["naam"] = alle.loc[treffer, "naam"].to_numpy() if "naam" in alle else None
    uit["buurtcode"] = alle.loc[treffer, BUURTCODE].to_numpy() if BUURTCODE in alle else None
    # Whole percentages, as the reason says them; the order follows the same number.
    score = np.floor(gelijkenis[treffer] + 0.5)
    uit["gelijkenis"] = score
    uit["afstand_m"] = afstand[treffer]
    uit["rij"] = pd.to_numeric(uit["rij"], errors="coerce").round().astype("Int64")

    redenen = []
    for op_naam, zelfde, op_plek, procent, meter in zip(
            naam_regel[treffer], zelfde_buurt[treffer], plek_regel[treffer],
            score, afstand[treffer]):
        delen = []
        if op_naam:
            waar = "dezelfde buurt" if zelfde else "een buurt ernaast"
            delen.append(f"Lijkt op de naam ({fmt_getal(procent)}%) in {waar}")
        if op_plek:
            delen.append(f"op {fmt_meters(meter)}, zelfde activiteit")
        tekst = "; ".join(delen)
        redenen.append(tekst[:1].upper() + tekst[1:])
    uit["reden"] = redenen

    regels = np.where(naam_regel[treffer] & plek_regel[treffer], 0,
                      np.where(naam_regel[treffer], 1, 2))
    meters = np.nan_to_num(afstand[treffer], nan=np.inf)
    volgorde = pd.DataFrame({
        "regels": regels,
        # A name match ranks by its similarity, a place match (names differ) by distance.
        "eerst": np.where(regels == 2, meters, -np.nan_to_num(score, nan=-1)),
        "zelfde": ~zelfde_buurt[treffer],
        "afstand": meters})
    order = volgorde.sort_values(["regels", "eerst", "zelfde", "afstand"], kind="stable").index
    return uit.loc[order, KOLOMMEN].reset_index(drop=True)


def buren_van(gebieden: gpd.GeoDataFrame,
              alleen: Collection[str] | None = None) -> dict[str, set[str]]:
    """buurtcode -> the buurtcodes whose boundary touches it (within a metre, see
    BUREN_MARGE_M). Measured in RD; one spatial index query for all buurten at once, so the
    whole country (~14,800 buurten with real detail) takes about two seconds. With
    ``alleen``, only those buurten get an entry (their neighbours are still found among all
    buurten): for one report that is milliseconds. Only rows with niveau 'buurt' count when
    the frame has that column; rows without a geometry have no buren."""
    frame = gebieden
    if NIVEAU in frame:
        frame = frame[frame[NIVEAU] == "buurt"]
    if frame.crs is not None and frame.crs != RD:
        frame = frame.to_crs(RD)
    codes = frame[CODE].astype(str).to_numpy()
    geoms = np.asarray(frame.geometry.values, dtype=object)
    gevraagd = None if alleen is None else {str(c).strip().upper() for c in alleen
                                            if isinstance(c, str)}
    uit: dict[str, set[str]] = {c: set() for c in codes
                                if gevraagd is None or c.upper() in gevraagd}
    bruikbaar = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    if not bruikbaar.any():
        return uit
    geoms = geoms[bruikbaar]
    codes = codes[bruikbaar]
    if not shapely.is_valid(geoms).all():
        geoms = shapely.make_valid(geoms)
    boom = shapely.STRtree(geoms)
    vraag = np.arange(len(codes)) if gevraagd is None else np.flatnonzero(
        np.isin(np.char.upper(codes.astype(str)), list(gevraagd)))
    links, rechts = boom.query(geoms[vraag], predicate="dwithin", distance=BUREN_MARGE_M)
    links = vraag[links]
    anders = codes[links] != codes[rechts]
    for a, b in zip(codes[links][anders], codes[rechts][anders]):
        uit[a].add(b)
    return uit
