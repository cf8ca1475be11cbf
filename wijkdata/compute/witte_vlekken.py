"""The witte-vlek method: supply within reach, certainty from the 95% interval, ties, and the
buurten that cannot be rated.

A buurt is rated when it has at least ``min_inwoners`` inhabitants, a loneliness value, and
lies inside the *dekking* (the area the active initiative lists cover). Among the rated
buurten of one gemeente:

- **hoog eenzaam**: value >= the gemeente's ``eenzaam`` quantile (the cut). *Zeker* when the
  95% lower bound is >= the cut too; *mogelijk* when only the value is (or the source gives
  no interval: then the reason says so, it is never called zeker).
- **weinig aanbod**: initiatives within reach per 1,000 inhabitants <= the ``aanbod``
  quantile. When that cut is 0 (ties: most buurten have nothing in reach), the rule is
  "geen initiatief binnen bereik", and it is said that way.
- **witte vlek** = hoog eenzaam and weinig aanbod; ranked within the gemeente: zeker before
  mogelijk, then the lower bound (high first), then the supply (low first).

*Binnen bereik* means inside the buurt or within ``bereik_m`` metres (straight line, in
EPSG:28992) of its border. An initiative known only by its buurtcode (or with a hidden
address) counts for its own buurt only.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from wijkdata.compute.formulas import MIN_INWONERS
from wijkdata.errors import WijkdataError
from wijkdata.formatting import fmt_getal, fmt_pct
from wijkdata.model import codes
from wijkdata.model.schema import RD

BEREIK_M = 500
ZEKER = "zeker"
MOGELIJK = "mogelijk"
GEEN_AANBOD_REGEL = "geen initiatief binnen bereik"

REDEN_TE_WEINIG_INWONERS = "te weinig inwoners"
REDEN_GEEN_EENZAAMHEID = "geen cijfer over eenzaamheid"
REDEN_AANBOD_ONBEKEND = "aanbod onbekend: buiten het gebied dat de initiatievenlijst dekt"
REDEN_GEEN_INWONERS = "aantal inwoners onbekend"


@dataclass(frozen=True)
class Methode:
    """Every choice that decides which buurten are witte vlekken."""

    eenzaam: float = 0.75        # quantile of loneliness within the gemeente
    aanbod: float = 0.25         # quantile of supply within reach per 1,000
    bereik_m: float = BEREIK_M   # metres from the buurt border
    min_inwoners: int = MIN_INWONERS   # below this a buurt is not rated


# --- supply within reach ----------------------------------------------------------------------

def binnen_bereik(buurten: gpd.GeoDataFrame, initiatieven: gpd.GeoDataFrame,
                  bereik_m: float, *, code: str = "code") -> pd.Series:
    """Number of initiatives inside each buurt or within ``bereik_m`` metres of its border.

    ``buurten`` has ``code`` and polygons; ``initiatieven`` has ``buurtcode``,
    ``op_buurtniveau`` (True: only the buurt is known, or the address is hidden) and points.
    An initiative counts for the buurt its buurtcode names, and — when its exact point is
    known and ``bereik_m`` > 0 — for every buurt within that distance. So the result is
    never below the in-buurt count, and ``bereik_m == 0`` gives exactly the in-buurt count.
    Integer Series indexed like ``buurten``.
    """
    if bereik_m < 0 or not np.isfinite(bereik_m):
        raise ValueError(f"bereik_m must be a finite number >= 0, got {bereik_m!r}")
    n = len(buurten)
    if n == 0 or len(initiatieven) == 0:
        return pd.Series(np.zeros(n, dtype=int), index=buurten.index)
    # Pairs (buurt position, initiative position), as arrays: the own buurt of each
    # initiative, plus every buurt within reach of its point. A pair found both ways
    # counts once (np.unique on buurt * N + initiative), so at national scale (14,800
    # buurten, 100,000 initiatives) no Python object is made per pair.
    buurtcodes = pd.Index(buurten[code].astype(object))
    first = ~buurtcodes.duplicated()          # a code given twice: its first buurt
    found = buurtcodes[first].get_indexer(initiatieven["buurtcode"].astype(object))
    known = found >= 0
    own = np.flatnonzero(first)[found]
    buurt_pos = [own[known]]
    ini_pos = [np.flatnonzero(known)]

    if bereik_m > 0:
        exact = ~initiatieven.get("op_buurtniveau", pd.Series(False, index=initiatieven.index)) \
            .fillna(False).astype(bool).to_numpy()
        points = initiatieven.geometry
        if points.crs is not None and str(points.crs) != RD:
            points = points.to_crs(RD)
        points = points.to_numpy()
        usable = exact & ~shapely.is_missing(points) & ~shapely.is_empty(points)
        which = np.flatnonzero(usable)
        polygons = buurten.geometry
        if polygons.crs is not None and str(polygons.crs) != RD:
            polygons = polygons.to_crs(RD)
        polygons = polygons.to_numpy()
        if len(which):
            # Only points near these buurten go into the tree: one gemeente's table then
            # does not index all of the country's initiatives.
            minx, miny, maxx, maxy = shapely.total_bounds(polygons)
            x, y = shapely.get_x(points[which]), shapely.get_y(points[which])
            which = which[(x >= minx - bereik_m) & (x <= maxx + bereik_m)
                          & (y >= miny - bereik_m) & (y <= maxy + bereik_m)]
        if len(which):
            tree = shapely.STRtree(points[which])
            rows, hits = tree.query(polygons, predicate="dwithin", distance=bereik_m)
            buurt_pos.append(rows)
            ini_pos.append(which[hits])
    width = np.int64(len(initiatieven))
    keys = np.unique(np.concatenate(buurt_pos).astype(np.int64) * width
                     + np.concatenate(ini_pos).astype(np.int64))
    counts = np.bincount(keys // width, minlength=n)
    return pd.Series(counts.astype(int), index=buurten.index)


# --- dekking: where the initiative lists say something ---------------------------------------

def parse_dekking(text: str) -> tuple[str, ...]:
    """``"GM0034"`` or ``"WK003401,WK003402"`` (also separated by ``|``, ``;`` or spaces) →
    cleaned gemeente- and wijkcodes. Anything else is a Dutch error naming the code."""
    parts = [p for p in (text or "").replace("|", ",").replace(";", ",").replace(" ", ",")
             .split(",") if p.strip()]
    if not parts:
        raise WijkdataError("Geef bij dekking minstens één gemeentecode (GM0034) of wijkcode "
                            "(WK003401) op.")
    found = []
    for part in parts:
        cleaned = codes.clean_code(part)
        if codes.niveau(cleaned) not in ("gemeente", "wijk"):
            raise WijkdataError(
                f"Dekking: '{part.strip()}' is geen gemeentecode (GM + 4 cijfers) of wijkcode "
                "(WK + 6 cijfers). Voorbeeld: GM0034 of WK003401,WK003402.")
        found.append(cleaned)
    return tuple(dict.fromkeys(found))


def standaard_dekking(initiatieven: pd.DataFrame) -> tuple[str, ...]:
    """The gemeenten in which the list's initiatives lie (by their buurtcode; a list as read,
    before it is joined to the buurten, has no gemeentecode yet)."""
    gemeenten = initiatieven.get("gemeentecode")
    if gemeenten is None:
        buurtcodes = initiatieven.get("buurtcode")
        if buurtcodes is None:
            return ()
        gemeenten = buurtcodes.dropna().map(lambda c: codes.gemeentecode(str(c)))
    return tuple(sorted({g for g in gemeenten.dropna() if codes.is_valid(g, "gemeente")}))


def in_dekking(buurtcodes: pd.Series, dekking: Iterable[str] | None) -> pd.Series:
    """True where the buurt's gemeente or wijk is in ``dekking``; all True for None (no
    initiative list loaded restricts nothing: then supply is unknown everywhere anyway)."""
    if dekking is None:
        return pd.Series(True, index=buurtcodes.index)
    allowed = set(dekking)
    text = buurtcodes.astype(object).where(buurtcodes.notna(), "").astype(str)
    gemeente = "GM" + text.str.slice(2, 6)
    wijk = "WK" + text.str.slice(2, 8)
    return gemeente.isin(allowed) | wijk.isin(allowed)


# --- rating ------------------------------------------------------------------------------------

def beoordeel(frame: pd.DataFrame, methode: Methode = Methode(), *,
              eenzaam: str, ondergrens: str, aanbod: str = "initiatieven_binnen_bereik_per_1000",
              aantal: str = "initiatieven_binnen_bereik", inwoners: str = "inwoners",
              aanbod_bekend: str | None = None, groep: str = "gemeentecode") -> pd.DataFrame:
    """Rate each buurt of ``frame`` by :class:`Methode`, within its ``groep`` (gemeente).

    ``aanbod_bekend`` names a boolean column (False outside the dekking, or without any
    initiative list); absent means known everywhere. Returns, on the same index:
    ``grens_eenzaam``, ``grens_aanbod`` (the cuts, NaN for an unrated buurt),
    ``hoog_eenzaam``, ``weinig_aanbod``, ``witte_vlek`` (nullable booleans, <NA> when not
    rated), ``witte_vlek_zekerheid`` ('zeker' / 'mogelijk' / None), ``geen_aanbod_regel``
    (True where the supply cut is 0: the rule is then "geen
    initiatief binnen bereik"), ``witte_vlek_rang`` (1 = first within
    the gemeente, <NA> when not a witte vlek), ``niet_beoordeeld`` (the reason, or None) and
    ``witte_vlek_reden`` (one Dutch sentence) and ``kwadrant`` (the box of the quadrant
    figure, None when not rated).
    """
    index = frame.index
    waarde = pd.to_numeric(frame[eenzaam], errors="coerce").astype(float)
    onder = pd.to_numeric(frame[ondergrens], errors="coerce").astype(float) \
        if ondergrens in frame else pd.Series(np.nan, index=index)
    per_1000 = pd.to_numeric(frame[aanbod], errors="coerce").astype(float)
    n_inw = pd.to_numeric(frame[inwoners], errors="coerce").astype(float)
    bekend = frame[aanbod_bekend].fillna(False).astype(bool) if aanbod_bekend \
        else pd.Series(True, index=index)

    reden = pd.Series([None] * len(frame), index=index, dtype=object)
    reden[~bekend] = REDEN_AANBOD_ONBEKEND
    reden[waarde.isna()] = REDEN_GEEN_EENZAAMHEID
    # A buurt without inhabitants has no rate even when the minimum is 0 (per_1000).
    reden[(n_inw < methode.min_inwoners) | (n_inw <= 0)] = REDEN_TE_WEINIG_INWONERS
    reden[n_inw.isna()] = REDEN_GEEN_INWONERS
    # per_1000 is missing exactly when inhabitants are unknown or too few; any other gap in
    # supply is unknown supply.
    reden[reden.isna() & per_1000.isna()] = REDEN_AANBOD_ONBEKEND
    rated = reden.isna()

    groups = frame.loc[rated, groep]
    grens_eenzaam = groups.map(waarde[rated].groupby(groups).quantile(methode.eenzaam))
    grens_aanbod = groups.map(per_1000[rated].groupby(groups).quantile(methode.aanbod))
    out = pd.DataFrame(index=index)
    out["grens_eenzaam"] = grens_eenzaam.reindex(index).astype(float)
    out["grens_aanbod"] = grens_aanbod.reindex(index).astype(float)
    # Ties at zero: when most buurten have nothing in reach the cut is 0, and the rule is
    # "no initiative within reach" rather than a quartile that is not there.
    geen_regel = (out["grens_aanbod"] == 0).fillna(False)

    hoog = waarde >= out["grens_eenzaam"]
    laag = per_1000 <= out["grens_aanbod"]
    vlek = hoog & laag
    zeker = vlek & (onder >= out["grens_eenzaam"])
    out["hoog_eenzaam"] = pd.array(hoog.where(rated, None), dtype="boolean")
    out["weinig_aanbod"] = pd.array(laag.where(rated, None), dtype="boolean")
    out["witte_vlek"] = pd.array(vlek.where(rated, None), dtype="boolean")
    zekerheid = pd.Series([None] * len(frame), index=index, dtype=object)
    zekerheid[vlek & rated] = MOGELIJK
    zekerheid[zeker & rated] = ZEKER
    out["witte_vlek_zekerheid"] = zekerheid
    out["geen_aanbod_regel"] = pd.array(geen_regel.where(rated, None), dtype="boolean")
    out["witte_vlek_rang"] = _rang(frame[groep], vlek & rated, zeker & rated, onder, waarde,
                                   per_1000, frame.get("buurtcode", pd.Series(index, index=index)))
    out["niet_beoordeeld"] = reden
    aantallen = frame[aantal] if aantal in frame else pd.Series(np.nan, index=index)
    out["kwadrant"] = pd.Series(np.select(
        [hoog & laag, hoog & ~laag, ~hoog & laag],
        ["witte vlek", "eenzaam, wel aanbod", "minder eenzaam, weinig aanbod"],
        default="minder eenzaam, wel aanbod"), index=index, dtype=object).where(rated, None)
    out["witte_vlek_reden"] = [
        _zin(*row, methode) for row in zip(
            reden, waarde, onder, per_1000, aantallen, out["grens_eenzaam"],
            out["grens_aanbod"], geen_regel, vlek, zeker, n_inw)]
    # The order of the per-buurt table's schema (model.schema.BUURTCIJFERS_SCHEMA).
    return out[["grens_eenzaam", "grens_aanbod", "hoog_eenzaam", "weinig_aanbod",
                "geen_aanbod_regel", "witte_vlek", "witte_vlek_zekerheid", "witte_vlek_rang",
                "niet_beoordeeld", "witte_vlek_reden", "kwadrant"]]


def _rang(groep: pd.Series, vlek: pd.Series, zeker: pd.Series, onder: pd.Series,
          waarde: pd.Series, aanbod: pd.Series, code: pd.Series) -> pd.Series:
    """1, 2, ... within each gemeente: zeker first, then the lower bound (high first; an
    unknown bound after the known ones), then the supply (low first); the value and the code
    break what is left, so the order never depends on row order."""
    rows = pd.DataFrame({
        "groep": groep, "zeker": ~zeker, "onder": -onder.fillna(-np.inf),
        "aanbod": aanbod, "waarde": -waarde, "code": code.astype(str)})[vlek]
    ordered = rows.sort_values(["groep", "zeker", "onder", "aanbod", "waarde", "code"])
    rang = ordered.groupby("groep").cumcount() + 1
    return pd.array(rang.reindex(groep.index), dtype="Int64")


def _zin(reden, waarde, onder, per_1000, aantal, grens_e, grens_a, geen_regel, vlek, zeker,
         inwoners, methode: Methode) -> str:
    """One Dutch sentence: why the buurt is (not) a witte vlek, with its figures and cuts."""
    if reden == REDEN_TE_WEINIG_INWONERS:
        return (f"Niet beoordeeld: te weinig inwoners ({fmt_getal(inwoners)}; "
                f"minimaal {fmt_getal(methode.min_inwoners)}).")
    if reden is not None:
        return f"Niet beoordeeld: {reden}."
    bereik = f"{fmt_getal(methode.bereik_m)} m"
    eenzaam = f"eenzaam {fmt_pct(waarde)}"
    if np.isfinite(onder):
        eenzaam += f" (ondergrens {fmt_pct(onder)})"
    eenzaam += (" ≥ " if waarde >= grens_e else " < ") + f"grens {fmt_pct(grens_e)}"
    n = "?" if pd.isna(aantal) else fmt_getal(aantal)
    woord = "initiatief" if n == "1" else "initiatieven"
    if geen_regel and per_1000 == 0:
        aanbod = f"geen initiatief binnen {bereik}"
    else:
        aanbod = f"{n} {woord} binnen {bereik} ({fmt_getal(per_1000, 1)} per 1.000 inwoners)"
        aanbod += (f"; de grens is: {GEEN_AANBOD_REGEL}" if geen_regel else
                   (" ≤ " if per_1000 <= grens_a else " > ")
                   + f"grens {fmt_getal(grens_a, 1)} per 1.000")
    if not vlek:
        return f"Geen witte vlek: {eenzaam}; {aanbod}."
    if zeker:
        return f"Witte vlek (zeker): {eenzaam}; {aanbod}."
    waarom = ("er is geen betrouwbaarheidsinterval bekend" if not np.isfinite(onder)
              else "de ondergrens ligt onder de grens")
    return f"Witte vlek (mogelijk, {waarom}): {eenzaam}; {aanbod}."
