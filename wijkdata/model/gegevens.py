"""The active data: what the dashboard and the exports work on.

The active data is the active version of every dataset in the store, or — while the store
holds no data at all — the bundled fictitious demo municipality. Every figure derives from a
:class:`Gegevens`, whose ``key`` names exactly the versions it was built from, so caches can
be keyed on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from wijkdata import formatting
from wijkdata.errors import WijkdataError
from wijkdata.model import codes
from wijkdata.model.schema import (
    BOVENGRENS,
    BRON,
    CODE,
    GEBIEDEN_COLUMNS,
    GEBIEDEN_SCHEMA,
    GEMEENTECODE,
    GEMEENTENAAM,
    INDICATOR,
    INDICATOREN_COLUMNS,
    INDICATOREN_SCHEMA,
    INITIATIEVEN_SCHEMA,
    LAATST_BEVESTIGD,
    LEEFTIJD,
    LEEFTIJD_ALLE,
    NAAM,
    NIVEAU,
    ONDERGRENS,
    PERIODE,
    RD,
    WAARDE,
    WIJKCODE,
    WIJKNAAM,
)

# The committed demo files; wijkdata.generators.demo writes them, the app only reads them.
DEMO_DIR = Path(__file__).resolve().parents[1] / "demo_data"
# How the demo is named on every screen, slide and report.
DEMO_NAAM = "Voorbeelddata (fictief)"
DEMO_FILES = {"buurten": "buurten.geojson", "indicatoren": "eenzaamheid_50120NED.csv",
              "initiatieven": "initiatieven.csv"}
# The day the demo's initiatives count as confirmed: 1 January of this year. Steady within a
# year, so the demo's pages and exports do not change from day to day, and never more than
# a year old, so the demo never reads "mogelijk gestopt" (two years) as it ages.
DEMO_BEVESTIGD = date(date.today().year, 1, 1)


# Context columns that boundary files (CBS Wijk- en buurtkaart) carry, as indicator keys.
CONTEXT_COLUMNS = ["inwoners", "pct_65plus", "huishoudens", "pct_eenpersoonshuishoudens"]


@dataclass
class Gegevens:
    gebieden: gpd.GeoDataFrame
    indicatoren: pd.DataFrame
    initiatieven_bron: pd.DataFrame
    versies: list = field(default_factory=list)
    is_demo: bool = False
    key: tuple = ()
    # code → name of every area some loaded source names (buurt, wijk, gemeente, NL01);
    # see :func:`namen_uit`. The names in ``gebieden`` are already filled from it.
    namen: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    # Per initiative list, in the order its rows follow each other in ``initiatieven_bron``:
    # (number of rows, the dekking stored with its version or None when none was given).
    # Empty: one list without a given dekking.
    lijsten: list = field(default_factory=list)

    @cached_property
    def buurten(self) -> gpd.GeoDataFrame:
        return self.gebieden[self.gebieden[NIVEAU] == "buurt"]

    @cached_property
    def initiatieven(self) -> gpd.GeoDataFrame:
        """All initiatives, joined to the buurten (see formulas.join_initiatieven_to_buurten)."""
        # The model sits below the formulas (tests/test_structure.py): imported when used.
        from wijkdata.compute import formulas
        if self.initiatieven_bron.empty:
            return gpd.GeoDataFrame(self.initiatieven_bron.assign(
                buurtcode=pd.Series(dtype=object), wijkcode=pd.Series(dtype=object),
                gemeentecode=pd.Series(dtype=object), op_buurtniveau=pd.Series(dtype=bool)),
                geometry=gpd.GeoSeries([], crs=RD), crs=RD)
        return formulas.join_initiatieven_to_buurten(self.initiatieven_bron, self.gebieden)

    @cached_property
    def dekking(self) -> tuple[str, ...]:
        """Gemeente- and wijkcodes where the initiative lists say something: outside them the
        supply is unknown, not zero. The union over the active lists of the dekking stored
        with each list's version, or — where none was given — the gemeenten in which that
        list's initiatives lie. Sorted; () without any list."""
        from wijkdata.compute.witte_vlekken import standaard_dekking
        if self.initiatieven_bron.empty:
            return ()
        lijsten = self.lijsten or [(len(self.initiatieven_bron), None)]
        found: set[str] = set()
        start = 0
        for rows, gegeven in lijsten:
            if gegeven is not None:
                found.update(gegeven)
            else:
                found.update(standaard_dekking(self.initiatieven.iloc[start:start + rows]))
            start += rows
        return tuple(sorted(found))

    @cached_property
    def gemeenten(self) -> pd.DataFrame:
        """code and naam of every gemeente with buurten, sorted by name."""
        frame = self.buurten[[GEMEENTECODE, GEMEENTENAAM]].drop_duplicates(GEMEENTECODE)
        frame = frame.rename(columns={GEMEENTECODE: CODE, GEMEENTENAAM: NAAM})
        frame[NAAM] = frame[NAAM].fillna(frame[CODE])
        return frame.sort_values(NAAM).reset_index(drop=True)

    def waarden(self, indicator: str, periode: int | None, leeftijd: str = "18+") -> pd.DataFrame:
        """:func:`formulas.indicator_values` of this data, computed once per argument set (a
        national table has about a million rows). Shared: never modify the result."""
        from wijkdata.compute import formulas
        return self.memo(("waarden", indicator, periode, leeftijd),
                          lambda: formulas.indicator_values(self.indicatoren, indicator,
                                                           periode, leeftijd))

    def laatste_waarden(self, indicator: str) -> pd.Series:
        """:func:`formulas.latest_values` of this data, computed once. Never modify it."""
        from wijkdata.compute import formulas
        return self.memo(("laatste", indicator),
                          lambda: formulas.latest_values(self.indicatoren, indicator))

    def perioden(self, indicator: str) -> list[int]:
        """:func:`formulas.periods` of this data, computed once (the sidebar asks on every
        rerun). Never modify the list."""
        from wijkdata.compute import formulas
        return self.memo(("perioden", indicator),
                          lambda: formulas.periods(self.indicatoren, indicator))

    def laatste_periode(self, indicator: str) -> int | None:
        found = self.perioden(indicator)
        return found[-1] if found else None

    def memo(self, key, compute):
        """``compute()``, computed once per ``key`` for this data."""
        # Gegevens is shared read-only between sessions (st.cache_resource); a lost race
        # only computes a value twice.
        memo = self.__dict__.setdefault("_memo_cache", {})
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    @property
    def is_empty(self) -> bool:
        return self.buurten.empty


def empty_gegevens() -> Gegevens:
    gebieden = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in GEBIEDEN_COLUMNS},
                                geometry=gpd.GeoSeries([], crs=RD), crs=RD)
    return Gegevens(gebieden, pd.DataFrame(columns=INDICATOREN_COLUMNS), pd.DataFrame(),
                    key=("leeg",))


def context_to_indicatoren(gebieden: pd.DataFrame, bron: str) -> pd.DataFrame:
    """The CBS context columns of a boundary file as long indicator rows (age 'alle')."""
    present = [c for c in CONTEXT_COLUMNS if c in gebieden.columns]
    if not present or gebieden.empty:
        return pd.DataFrame(columns=INDICATOREN_COLUMNS)
    periode = (gebieden["periode"] if "periode" in gebieden
               else pd.Series(np.nan, index=gebieden.index))
    long = gebieden[[CODE] + present].assign(**{PERIODE: periode}).melt(
        id_vars=[CODE, PERIODE], var_name=INDICATOR, value_name=WAARDE)
    long[LEEFTIJD] = LEEFTIJD_ALLE
    long[ONDERGRENS] = np.nan
    long[BOVENGRENS] = np.nan
    long[BRON] = bron
    long[WAARDE] = pd.to_numeric(long[WAARDE], errors="coerce")
    return long[INDICATOREN_COLUMNS]


# Text that stands for a missing value after a careless str() somewhere upstream: never a name.
MISSING_TEXTS = frozenset({"", "nan", "NaN", "None", "none", "null", "NULL", "NaT", "<NA>"})


def schone_naam(value) -> str | None:
    """``value`` as a name, or None when it is missing (None, NaN, pd.NA, empty, or the
    text of a missing value such as 'nan')."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return None if text in MISSING_TEXTS else text


def tekst(value, missing: str = "") -> str:
    """A cell as text; ``missing`` for an empty cell (None, NaN, pd.NA, 'nan'), so no page,
    slide or PDF reads 'None' or 'nan'. A whole float (a year read as 2022.0) shows as 2022."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    found = schone_naam(value)
    return missing if found is None else found


def _paren(codes_: pd.Series, names: pd.Series) -> pd.DataFrame:
    """(code, naam) pairs with a real name, codes as text; a 'name' equal to its code is
    no name (readers put the code where a file has none)."""
    frame = pd.DataFrame({CODE: codes_.values, NAAM: names.values})
    frame = frame[frame[CODE].notna()]
    frame[CODE] = frame[CODE].astype(str).str.strip().str.upper()
    # Cleaned once per distinct name. Missing cells stay out of the mapping: None and NaN
    # would be two keys that pandas sees as one (InvalidIndexError in pandas 3).
    names = frame[NAAM].astype(object)
    missing = names.isna()
    unique = names[~missing].drop_duplicates()
    cleaned = dict(zip(unique, (schone_naam(v) for v in unique)))
    frame[NAAM] = names.map(cleaned).where(~missing, None)
    return frame[frame[NAAM].notna() & (frame[NAAM] != frame[CODE])]


def namen_uit(gebieden: list[pd.DataFrame], indicatoren: list[pd.DataFrame]) -> pd.Series:
    """code → name from every loaded source: boundary files first (their own names, then
    their wijknaam and gemeentenaam columns), then the statistics tables (the ``naam`` the
    tabellen reader gives each code, and a ``gemeentenaam`` column where a table carries one
    on every row, as CBS's ``Gemeentenaam_1``). The first source that names a code wins."""
    paren = []
    for frame in gebieden:
        for code_col, naam_col in ((CODE, NAAM), (WIJKCODE, WIJKNAAM),
                                   (GEMEENTECODE, GEMEENTENAAM)):
            if code_col in frame and naam_col in frame:
                paren.append(_paren(frame[code_col], frame[naam_col]))
    for frame in indicatoren:
        if CODE not in frame:
            continue
        # A long table repeats each code for every indicator, period and age: one row each.
        if NAAM in frame:
            eigen = frame[[CODE, NAAM]].drop_duplicates()
            paren.append(_paren(eigen[CODE], eigen[NAAM]))
        if GEMEENTENAAM in frame:
            rows = frame[[CODE, GEMEENTENAAM]].drop_duplicates()
            rows = rows[rows[CODE].astype(str).str.match(r"(BU|WK|GM)\d{4}")]
            gemeente = rows[CODE].astype(str).map(codes.gemeentecode)
            paren.append(_paren(gemeente, rows[GEMEENTENAAM]))
    if not paren:
        return pd.Series(dtype=object)
    alle = pd.concat(paren, ignore_index=True).drop_duplicates(CODE, keep="first")
    return pd.Series(alle[NAAM].values, index=alle[CODE].values, dtype=object)


def vul_namen(geo: gpd.GeoDataFrame, namen: pd.Series) -> gpd.GeoDataFrame:
    """The area, wijk and gemeente names of ``geo`` from ``namen`` where the file has none;
    the code where no source names the area, so no name is ever missing or 'nan'."""
    geo = geo.copy()
    for code_col, naam_col in ((CODE, NAAM), (WIJKCODE, WIJKNAAM),
                               (GEMEENTECODE, GEMEENTENAAM)):
        if code_col not in geo:
            continue
        found = geo[code_col].map(namen) if len(namen) else pd.Series(None, index=geo.index)
        code_text = geo[code_col].astype(object)
        filled = found.where(found.notna(), code_text)
        geo[naam_col] = filled.where(code_text.notna(), None).astype(object)
    return geo


def assemble(gebieden: list[gpd.GeoDataFrame], indicatoren: list[pd.DataFrame],
             initiatieven: list[pd.DataFrame], *, versies=(), is_demo=False,
             key=(), dekkingen=None, herkomst=None) -> Gegevens:
    """Combine the frames of several datasets of each kind into one :class:`Gegevens`.

    When two datasets give the same area, the one listed first wins; statistics tables win
    over the context columns of a boundary file for the same indicator, area and period.
    ``dekkingen`` gives, per frame of ``initiatieven``, the dekking stored with its version
    (None: not given, so the gemeenten of its initiatives); absent means None for each.
    ``herkomst`` gives, per frame of ``initiatieven``, (bron, date) to fill its ``bron`` and
    ``laatst_bevestigd`` where the frame has none (:func:`vul_herkomst`); absent: only the
    columns are added, empty where the frame has no value.
    """
    dekkingen = list(dekkingen) if dekkingen is not None else [None] * len(initiatieven)
    if len(dekkingen) != len(initiatieven):
        raise ValueError("dekkingen needs one entry per initiative frame")
    herkomst = list(herkomst) if herkomst is not None else [(None, None)] * len(initiatieven)
    if len(herkomst) != len(initiatieven):
        raise ValueError("herkomst needs one entry per initiative frame")
    initiatieven = [vul_herkomst(f, bron, bevestigd)
                    for f, (bron, bevestigd) in zip(initiatieven, herkomst)]
    geo = samengevoegde_gebieden(gebieden)
    context = [context_to_indicatoren(g, f"CBS Wijk- en buurtkaart{_jaar(g)}") for g in gebieden]
    frames = [f for f in list(indicatoren) + context if not f.empty]
    if frames:
        ind = pd.concat([f[INDICATOREN_COLUMNS] for f in frames], ignore_index=True)
        ind = ind.drop_duplicates([CODE, INDICATOR, PERIODE, LEEFTIJD], keep="first")
    else:
        ind = pd.DataFrame(columns=INDICATOREN_COLUMNS)
    ind[PERIODE] = pd.to_numeric(ind[PERIODE], errors="coerce").astype("Int64")
    for column in (WAARDE, ONDERGRENS, BOVENGRENS):
        ind[column] = pd.to_numeric(ind[column], errors="coerce").astype(float)
    ini = pd.concat(initiatieven, ignore_index=True) if initiatieven else pd.DataFrame()
    # Names once, here, so every page, slide, PDF and export shows the same name.
    namen = namen_uit(gebieden, indicatoren)
    geo = vul_namen(geo, namen)
    # The readers refused every bad file already: a mismatch here is a defect of ours.
    GEBIEDEN_SCHEMA.check(geo)
    INDICATOREN_SCHEMA.check(ind)
    if len(ini.columns):             # no initiative list at all: no columns to check
        INITIATIEVEN_SCHEMA.check(ini)
    lijsten = [(len(f), None if d is None else tuple(d))
               for f, d in zip(initiatieven, dekkingen)]
    return Gegevens(geo, ind, ini, versies=list(versies), is_demo=is_demo, key=tuple(key),
                    namen=namen, lijsten=lijsten)


def _jaar(gebieden: pd.DataFrame) -> str:
    if "periode" in gebieden and gebieden["periode"].notna().any():
        return f" {int(gebieden['periode'].dropna().max())}"
    return ""


def load_demo() -> Gegevens:
    """The bundled fictitious municipality, read through the normal readers."""
    from wijkdata.readers import read_file
    frames = {}
    for kind, name in DEMO_FILES.items():
        path = DEMO_DIR / name
        ingelezen = read_file(path.read_bytes(), name, kind=kind)
        if not ingelezen.usable():
            raise WijkdataError(f"De voorbeelddata '{name}' is beschadigd.",
                                ingelezen.rapport.errors)
        frames[kind] = ingelezen.frame
    return assemble([frames["buurten"]], [frames["indicatoren"]], [frames["initiatieven"]],
                    is_demo=True, key=("demo",), herkomst=[(DEMO_NAAM, DEMO_BEVESTIGD)])


def samengevoegde_gebieden(gebieden: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Boundary frames as one, in RD; where two give the same code, the one listed first
    wins (the newest version, as :func:`load_active` lists them)."""
    if not gebieden:
        return empty_gegevens().gebieden
    geo = pd.concat([g.to_crs(RD) for g in gebieden], ignore_index=True)
    return gpd.GeoDataFrame(geo.drop_duplicates(CODE, keep="first"), crs=RD)


def nieuwste_eerst(versies) -> list:
    """Dataset versions newest first: the order in which they win (:func:`assemble`)."""
    return sorted(versies, key=lambda v: v.created_at, reverse=True)


def load_active(store) -> Gegevens:
    """The active versions of every dataset in ``store``; the demo while it is empty."""
    if not store.has_data():
        return load_demo()
    versies = store.active_versions()
    by_kind: dict[str, list] = {"buurten": [], "indicatoren": [], "initiatieven": []}
    dekkingen, herkomst = [], []
    for versie in nieuwste_eerst(versies):
        by_kind[versie.kind].append(store.load(versie.id))
        if versie.kind == "initiatieven":
            dekkingen.append(getattr(versie, "dekking", None))
            herkomst.append((versie.name, bevestigd_op(versie)))
    return assemble(by_kind["buurten"], by_kind["indicatoren"], by_kind["initiatieven"],
                    versies=versies, key=store.state_key(), dekkingen=dekkingen,
                    herkomst=herkomst)


def bevestigd_op(versie) -> date | None:
    """The day a list version confirms its initiatives: the Dutch date of its
    ``created_at`` (the store keeps UTC; at 00:30 CEST it is already the next day here)."""
    moment = formatting.tijdstip(getattr(versie, "created_at", None))
    return None if moment is None else moment.date()


def als_dag(values) -> pd.Series:
    """Dates as ``datetime64[ns]`` at midnight, without a time zone; NaT where missing or
    unreadable. Moments with a time zone count in Dutch time; text is read as ISO 8601
    (as the store and the exports write it), never guessing day-first or month-first."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert(formatting.TIJDZONE).dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.Series([_dag(v) for v in series], index=series.index, dtype=object)
    return pd.to_datetime(series, errors="coerce").astype("datetime64[ns]").dt.normalize()


def _dag(value):
    if formatting.is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, datetime):       # pd.Timestamp too
        if value.tzinfo is not None:
            value = value.astimezone(formatting.TIJDZONE).replace(tzinfo=None)
        return pd.Timestamp(value)
    if isinstance(value, date):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(date.fromisoformat(str(value).strip()[:10]))
    except ValueError:
        return None


def vul_herkomst(frame: pd.DataFrame, bron: str | None, bevestigd) -> pd.DataFrame:
    """``frame`` with ``bron`` and ``laatst_bevestigd`` in every row where it has none:
    ``bron`` (the dataset name) where the column is missing or the cell empty,
    ``bevestigd`` (the day of the list version) where no date is given. A value the frame
    holds wins: an approved report keeps 'melding', a merged initiative its merge date, a
    list with its own 'laatst bevestigd' column that date. ``laatst_bevestigd`` becomes
    ``datetime64[ns]`` at midnight (:func:`als_dag`).

    Whoever publishes a new version of a list built from an old one (a merge) first fills
    the old version's values with this function, so the rows that were not touched keep
    their own date instead of getting the new version's. A frame without any column (no
    list at all) stays as it is."""
    if not len(frame.columns):
        return frame
    frame = frame.copy()
    if BRON in frame.columns:
        eigen = frame[BRON].astype(object)
        # Vectorised schone_naam: a national list has hundreds of thousands of rows.
        leeg = eigen.isna() | eigen.astype(str).str.strip().isin(MISSING_TEXTS)
        frame[BRON] = eigen.where(~leeg, bron)
    else:
        frame[BRON] = pd.Series(bron, index=frame.index, dtype=object)
    dagen = (als_dag(frame[LAATST_BEVESTIGD]) if LAATST_BEVESTIGD in frame.columns
             else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"))
    if bevestigd is not None and not formatting.is_missing(bevestigd):
        dagen = dagen.fillna(als_dag(pd.Series([bevestigd])).iloc[0])
    frame[LAATST_BEVESTIGD] = dagen
    return frame


def gemeente_naam(gegevens: Gegevens, gemeentecode: str | None) -> str:
    """The gemeente's name (its code when no loaded source names it); "alle gemeenten" for
    None."""
    if gemeentecode is None:
        return "alle gemeenten"
    found = gegevens.gemeenten[gegevens.gemeenten[CODE] == gemeentecode]
    if not found.empty:
        return found[NAAM].iloc[0]
    return naam_van(gegevens, gemeentecode)


def naam_van(gegevens: Gegevens, code: str) -> str:
    """The name of any area code from the loaded sources, else the code itself."""
    return gegevens.namen.get(code, code)


def met_code(naam, code) -> str:
    """'Almere (GM0034)'; just 'GM0034' when the name is unknown (it is the code then)."""
    naam = schone_naam(naam)
    return code if naam is None or naam == code else f"{naam} ({code})"
