"""The derived figures per buurt, wijk and gemeente.

Every figure is defined here once, with its formula; the command line, the pages and the
reports all call these functions. Missing stays missing: a buurt without a loneliness
estimate has NaN, never 0, and is not a witte vlek (nor "not a witte vlek") but unknown.
"""
from __future__ import annotations

from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from wijkdata import formatting
from wijkdata.model import codes
from wijkdata.model.gegevens import als_dag
from wijkdata.model.schema import (
    BOVENGRENS,
    BUURTCODE,
    CODE,
    GEMEENTECODE,
    INDICATOR,
    INITIATIEVEN,
    INWONERS,
    LAATST_BEVESTIGD,
    LEEFTIJD,
    LEEFTIJD_ALLE,
    ONDERGRENS,
    PER_1000,
    PERIODE,
    RD,
    WAARDE,
    WIJKCODE,
    pct,
)

MIN_INWONERS = 100          # below this, per-1,000 rates are not computed
EENZAAM_PCT = pct("eenzaam")  # the loneliness column witte vlekken use by default
STANDAARD_PERCENTAGES = (EENZAAM_PCT, pct("ernstig_eenzaam"))   # aggregate()'s default


# --- indicators --------------------------------------------------------------------------

def periods(indicatoren: pd.DataFrame, indicator: str) -> list[int]:
    """The periods for which ``indicator`` has at least one value, ascending."""
    rows = indicatoren[(indicatoren[INDICATOR] == indicator) & indicatoren[WAARDE].notna()]
    return sorted(int(p) for p in rows[PERIODE].dropna().unique())


def latest_period(indicatoren: pd.DataFrame, indicator: str) -> int | None:
    found = periods(indicatoren, indicator)
    return found[-1] if found else None


def indicator_values(indicatoren: pd.DataFrame, indicator: str, periode: int | None,
                     leeftijd: str = "18+") -> pd.DataFrame:
    """Value and 95% bounds of one indicator per area code, for one period and age group.

    CBS context figures are not split by age: for those the age group is ignored. When
    ``periode`` is None the latest period with data is used. Indexed by area code.
    """
    rows = indicatoren[indicatoren[INDICATOR] == indicator]
    if periode is None:
        periode = latest_period(indicatoren, indicator)
    rows = rows[rows[PERIODE] == periode]
    if (rows[LEEFTIJD] != LEEFTIJD_ALLE).any():
        rows = rows[rows[LEEFTIJD] == leeftijd]
    rows = rows.drop_duplicates(CODE, keep="first").set_index(CODE)
    return rows[[WAARDE, ONDERGRENS, BOVENGRENS]]


def latest_values(indicatoren: pd.DataFrame, indicator: str) -> pd.Series:
    """Per area code the value of the latest period that has one (for context figures such
    as ``inwoners`` whose year differs from the loneliness year)."""
    rows = indicatoren[(indicatoren[INDICATOR] == indicator) & indicatoren[WAARDE].notna()]
    rows = rows.sort_values(PERIODE).drop_duplicates(CODE, keep="last")
    return rows.set_index(CODE)[WAARDE]


# --- initiatives ---------------------------------------------------------------------------

def active_initiatieven(initiatieven: pd.DataFrame, on: date | None = None) -> pd.DataFrame:
    """Initiatives that have not ended before ``on`` (today by default). An empty end date
    means the initiative still runs."""
    if "einddatum" not in initiatieven:
        # No list loaded at all (an empty frame without columns), e.g. right after a fetch.
        return initiatieven
    on = pd.Timestamp(on or date.today())
    einde = pd.to_datetime(initiatieven["einddatum"], errors="coerce")
    return initiatieven[einde.isna() | (einde >= on)]


# An initiative that nobody has confirmed for longer than this may have stopped without
# anyone saying so: the Initiatieven page can show those apart (it still counts).
MOGELIJK_GESTOPT_JAREN = 2


def mogelijk_gestopt(initiatieven: pd.DataFrame, on: date | None = None, *,
                     jaren: int = MOGELIJK_GESTOPT_JAREN) -> pd.Series:
    """True for an initiative not confirmed for more than ``jaren`` years on ``on`` (today
    in the Netherlands by default): ``laatst_bevestigd`` + ``jaren`` calendar years lies
    before ``on``. Confirmed on 29 February, two years later is 28 February: on 1 March it
    is mogelijk gestopt. False where the date is missing (unknown is not "stopped"); callers
    that show it say "onbekend" (see :func:`bevestiging_onbekend`)."""
    on = pd.Timestamp(on or _vandaag())
    dagen = _dagen(initiatieven)
    grens = dagen + pd.DateOffset(years=jaren)
    return (dagen.notna() & (grens < on)).astype(bool)


def bevestiging_onbekend(initiatieven: pd.DataFrame) -> pd.Series:
    """True where an initiative has no ``laatst_bevestigd`` date."""
    return _dagen(initiatieven).isna()


def _dagen(initiatieven: pd.DataFrame) -> pd.Series:
    if LAATST_BEVESTIGD not in initiatieven:
        return pd.Series(pd.NaT, index=initiatieven.index, dtype="datetime64[ns]")
    return als_dag(initiatieven[LAATST_BEVESTIGD])


def _vandaag() -> date:
    # The Netherlands' date: a server in UTC is still on yesterday at 00:30 CEST.
    return datetime.now(formatting.TIJDZONE).date()


def in_gemeente(frame: pd.DataFrame, gemeentecode: str | None) -> pd.DataFrame:
    """The rows of one gemeente; every row when ``gemeentecode`` is None (all gemeenten)."""
    if gemeentecode is None:
        return frame
    return frame[frame[GEMEENTECODE] == gemeentecode]


def filter_initiatieven(initiatieven: pd.DataFrame, *, activiteiten=None, wij_types=None,
                        doelgroepen=None, zoek: str | None = None,
                        alleen_mogelijk_gestopt: bool = False,
                        on: date | None = None) -> pd.DataFrame:
    """Keep the initiatives that match every given filter (None or empty = no filter).

    ``doelgroepen`` matches an initiative that serves any of the chosen groups; an
    initiative for "iedereen" matches every group. ``alleen_mogelijk_gestopt`` keeps only
    those not confirmed for more than two years on ``on`` (:func:`mogelijk_gestopt`).
    """
    keep = pd.Series(True, index=initiatieven.index)
    if alleen_mogelijk_gestopt:
        keep &= mogelijk_gestopt(initiatieven, on)
    if activiteiten:
        keep &= initiatieven["activiteit"].isin(list(activiteiten))
    if wij_types:
        keep &= initiatieven["wij_type"].isin(list(wij_types))
    if doelgroepen:
        wanted = set(doelgroepen) | {"iedereen"}
        text = initiatieven["doelgroepen"].fillna("")
        # Decided once per distinct text (a list has few combinations), not once per row.
        matches = {value: bool({g.strip() for g in str(value).split(";") if g.strip()} & wanted)
                   for value in pd.unique(text)}
        keep &= text.map(matches).astype(bool)
    if zoek:
        needle = zoek.strip().lower()
        organisator = initiatieven.get("organisator",
                                       pd.Series("", index=initiatieven.index))
        text = (initiatieven["naam"].fillna("") + " " + initiatieven["omschrijving"].fillna("")
                + " " + organisator.fillna(""))
        keep &= text.str.lower().str.contains(needle, regex=False)
    return initiatieven[keep]


def join_initiatieven_to_buurten(initiatieven: pd.DataFrame,
                                 buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give every initiative a buurtcode, wijkcode and gemeentecode, and a point in RD.

    An initiative with coordinates gets the buurt its point lies in (point in polygon in
    EPSG:28992), which wins over a buurtcode in the list. One with only a buurtcode is placed
    on a point inside that buurt (``representative_point``) so that distances can be
    measured; ``op_buurtniveau`` marks it (and initiatives with a hidden location), so a map
    never suggests an exact address. Initiatives outside every known buurt keep their own
    buurtcode (or none).
    """
    frame = initiatieven.copy()
    no_xy = pd.Series(False, index=frame.index)
    has_xy = frame["x"].notna() & frame["y"].notna() if "x" in frame else no_xy
    points = gpd.GeoSeries(gpd.points_from_xy(frame["x"].where(has_xy),
                                              frame["y"].where(has_xy)),
                           index=frame.index, crs=RD)
    buurt_polygons = buurten[buurten["niveau"] == "buurt"][[CODE, "geometry"]]
    located = gpd.GeoDataFrame({"geometry": points[has_xy]}, crs=RD)
    found = gpd.sjoin(located, buurt_polygons, how="left", predicate="within")
    found = found[~found.index.duplicated(keep="first")]
    frame[BUURTCODE] = frame[BUURTCODE].where(frame[BUURTCODE].fillna("") != "", None)
    frame.loc[found.index, BUURTCODE] = found[CODE].where(
        found[CODE].notna(), frame.loc[found.index, BUURTCODE])

    anchors = buurt_polygons.drop_duplicates(CODE).set_index(CODE).geometry \
        .representative_point()

    def anchor_of(rows: pd.Series) -> gpd.GeoSeries:
        # reindex (not map) keeps the geometry type when no code is found, e.g. when no
        # boundaries are loaded at all: the initiative then has no point, never a wrong one.
        return gpd.GeoSeries(anchors.reindex(frame.loc[rows, BUURTCODE].values).values,
                             index=frame.index[rows], crs=RD)

    on_buurt = ~has_xy
    points = points.copy()
    points.loc[on_buurt] = anchor_of(on_buurt)
    hidden = frame.get("locatie_verborgen", no_xy).fillna(False).astype(bool)
    frame["op_buurtniveau"] = on_buurt | hidden
    # A hidden location is shown on its buurt's anchor point, never at the address.
    points.loc[hidden & has_xy] = anchor_of(hidden & has_xy)
    # Vectorised codes.is_valid / wijkcode / gemeentecode (100,000 rows in milliseconds).
    text = frame[BUURTCODE].astype(object).where(frame[BUURTCODE].notna(), "").astype(str)
    valid_code = text.str.fullmatch(codes._PATTERNS["buurt"].pattern)
    frame[WIJKCODE] = ("WK" + text.str.slice(2, 8)).where(valid_code)
    frame[GEMEENTECODE] = ("GM" + text.str.slice(2, 6)).where(valid_code)
    result = gpd.GeoDataFrame(frame, geometry=points, crs=RD)
    return result


def count_per_buurt(initiatieven: pd.DataFrame, buurtcodes: pd.Series) -> pd.Series:
    """Number of initiatives per buurtcode, 0 for a buurt without any (a real zero: the
    list was loaded and holds none there)."""
    counts = initiatieven[BUURTCODE].value_counts()
    return buurtcodes.map(counts).fillna(0).astype(int).set_axis(buurtcodes.values)


def per_1000(aantal: pd.Series, inwoners: pd.Series, min_inwoners: int = MIN_INWONERS) -> pd.Series:
    """aantal / inwoners × 1,000; NaN where inwoners is missing or below ``min_inwoners``
    (a rate over a handful of residents is noise, shown as "te weinig inwoners"). A buurt
    without inhabitants has no rate, whatever the minimum (never an infinite one)."""
    inwoners = pd.to_numeric(inwoners, errors="coerce")
    enough = (inwoners >= min_inwoners) & (inwoners > 0)
    return (aantal / inwoners * 1000).where(enough)


def distance_to_nearest(buurten: gpd.GeoDataFrame, points: gpd.GeoSeries) -> pd.Series:
    """Distance in metres (EPSG:28992) from each buurt polygon to the nearest initiative
    point; 0 when one lies inside the buurt, NaN when there are no initiatives at all."""
    polygons = buurten.to_crs(RD).geometry.values
    points = points[points.notna() & ~points.is_empty]
    if points.empty:
        return pd.Series(np.nan, index=buurten.index)
    if points.crs is not None and points.crs != RD:
        points = points.to_crs(RD)
    tree = shapely.STRtree(points.values)
    distance = np.full(len(polygons), np.nan)
    # Most buurten hold an initiative: one cheap "intersects" query (each polygon prepared
    # once) settles those at 0 m; only the rest need the nearest-neighbour search.
    has_geometry = ~shapely.is_missing(polygons)
    hits, _ = tree.query(polygons, predicate="intersects")
    inside = np.zeros(len(polygons), dtype=bool)
    inside[hits] = True
    distance[inside] = 0.0
    rest = np.flatnonzero(~inside & has_geometry)
    if len(rest):
        distance[rest] = _nearest_outside(tree, points.values, polygons[rest])
    return pd.Series(distance, index=buurten.index)


def _nearest_outside(tree, points: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Exact distance from each polygon to the nearest point, without a nearest-neighbour
    search on the full polygons (slow for borders with hundreds of vertices): the point
    nearest to the polygon's bounding box gives an upper bound u; only points within u of
    the polygon can be nearer, and those few are measured exactly."""
    (which, nearest_to_box) = tree.query_nearest(shapely.envelope(polygons), all_matches=False)
    bound = np.full(len(polygons), np.inf)
    bound[which] = shapely.distance(polygons[which], points[nearest_to_box])
    best = bound.copy()
    finite = np.isfinite(bound)
    rows, candidates = tree.query(polygons[finite], predicate="dwithin",
                                  distance=bound[finite])
    rows = np.flatnonzero(finite)[rows]
    np.minimum.at(best, rows, shapely.distance(polygons[rows], points[candidates]))
    return np.where(np.isfinite(best), best, np.nan)


# --- witte vlekken -------------------------------------------------------------------------

# --- comparison ----------------------------------------------------------------------------

def vergelijk(waarde, onder, boven, ref_waarde, ref_onder, ref_boven) -> str | None:
    """"hoger dan gemiddeld" / "lager dan gemiddeld" only when the 95% intervals do not
    overlap; otherwise "niet duidelijk verschillend". None when a value is missing. When an
    interval is missing on either side, no claim of a difference is made."""
    values = [waarde, ref_waarde]
    if any(v is None or pd.isna(v) for v in values):
        return None
    bounds = [onder, boven, ref_onder, ref_boven]
    if any(b is None or pd.isna(b) for b in bounds):
        return "niet duidelijk verschillend"
    if onder > ref_boven:
        return "hoger dan gemiddeld"
    if boven < ref_onder:
        return "lager dan gemiddeld"
    return "niet duidelijk verschillend"


# --- aggregation -------------------------------------------------------------------------

def verschil_met_gemeente(buurtcijfers: pd.DataFrame, column: str, *,
                          weight: str = INWONERS) -> pd.Series:
    """Each buurt's ``column`` minus its gemeente's average, in percentage points.

    The average is weighted as :func:`aggregate` weighs the gemeente: sum(pct_i × inwoners_i)
    / sum(inwoners_i) over the gemeente's buurten that have both. As the Leefbaarometer shows
    its scores, this shows where a buurt stands within its own gemeente, so a gemeente whose
    buurten are all high does not look uniformly dark. NaN where the buurt's value or the
    average is missing.
    """
    value = pd.to_numeric(buurtcijfers[column], errors="coerce").astype(float)
    w = pd.to_numeric(buurtcijfers[weight], errors="coerce").astype(float)
    has = value.notna() & w.notna()
    groups = buurtcijfers[GEMEENTECODE]
    num = (value * w).where(has).groupby(groups).transform(lambda s: s.sum(min_count=1))
    den = w.where(has).groupby(groups).transform(lambda s: s.sum(min_count=1))
    return value - num / den


def aggregate(buurtcijfers: pd.DataFrame, niveau: str, *, counts=(INITIATIEVEN,),
              percentages=STANDAARD_PERCENTAGES,
              weight: str = INWONERS, min_inwoners: int = MIN_INWONERS) -> pd.DataFrame:
    """Aggregate buurt figures to 'wijk' or 'gemeente'.

    Counts and inhabitants are summed. Percentages are weighted by inhabitants:
    sum(pct_i × inwoners_i) / sum(inwoners_i) over the buurten that have both; when no buurt
    has both the result is NaN (never a plain mean of buurt percentages, never 0).
    ``dekking_pct`` is the share of the inhabitants covered by those buurten. Per-1,000
    rates are recomputed from the summed counts.
    """
    key = {"wijk": WIJKCODE, "gemeente": GEMEENTECODE}[niveau]
    frame = buurtcijfers.copy()
    w = pd.to_numeric(frame[weight], errors="coerce")
    out = pd.DataFrame(index=pd.Index(sorted(frame[key].dropna().unique()), name=CODE))
    out[weight] = w.groupby(frame[key]).sum(min_count=1)
    for column in counts:
        out[column] = frame[column].groupby(frame[key]).sum(min_count=1)
    for column in percentages:
        has = frame[column].notna() & w.notna()
        num = (frame[column] * w).where(has).groupby(frame[key]).sum(min_count=1)
        den = w.where(has).groupby(frame[key]).sum(min_count=1)
        out[column] = num / den
        out[f"{column}_dekking"] = (den / out[weight] * 100).reindex(out.index)
    if INITIATIEVEN in counts:
        out[PER_1000] = per_1000(out[INITIATIEVEN], out[weight], min_inwoners)
    return out.reset_index()
