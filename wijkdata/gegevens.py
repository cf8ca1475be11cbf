"""The active data: what the dashboard and the exports work on.

The active data is the active version of every dataset in the store, or — while the store
holds no data at all — the bundled fictitious demo municipality. Every figure derives from a
:class:`Gegevens`, whose ``key`` names exactly the versions it was built from, so caches can
be keyed on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import codes, figures
from .columns import (
    BOVENGRENS,
    BRON,
    CODE,
    GEMEENTECODE,
    GEMEENTENAAM,
    INDICATOR,
    INDICATOREN_COLUMNS,
    LEEFTIJD,
    LEEFTIJD_ALLE,
    LONELINESS,
    NAAM,
    ONDERGRENS,
    PERIODE,
    WAARDE,
    WIJKCODE,
    WIJKNAAM,
)
from .errors import WijkdataError
from .figures import RD, Drempels

DEMO_DIR = Path(__file__).parent / "demo_data"
DEMO_LABEL = "Voorbeelddata (fictief)"
DEMO_FILES = {"buurten": "buurten.geojson", "indicatoren": "eenzaamheid_50120NED.csv",
              "initiatieven": "initiatieven.csv"}

STANDAARD_DREMPELS = Drempels()

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

    @cached_property
    def buurten(self) -> gpd.GeoDataFrame:
        return self.gebieden[self.gebieden["niveau"] == "buurt"]

    @cached_property
    def initiatieven(self) -> gpd.GeoDataFrame:
        """All initiatives, joined to the buurten (see figures.join_initiatieven_to_buurten)."""
        if self.initiatieven_bron.empty:
            return gpd.GeoDataFrame(self.initiatieven_bron.assign(
                buurtcode=pd.Series(dtype=object), wijkcode=pd.Series(dtype=object),
                gemeentecode=pd.Series(dtype=object), op_buurtniveau=pd.Series(dtype=bool)),
                geometry=gpd.GeoSeries([], crs=RD), crs=RD)
        return figures.join_initiatieven_to_buurten(self.initiatieven_bron, self.gebieden)

    @cached_property
    def gemeenten(self) -> pd.DataFrame:
        """code and naam of every gemeente with buurten, sorted by name."""
        frame = self.buurten[[GEMEENTECODE, GEMEENTENAAM]].drop_duplicates(GEMEENTECODE)
        frame = frame.rename(columns={GEMEENTECODE: CODE, GEMEENTENAAM: NAAM})
        frame[NAAM] = frame[NAAM].fillna(frame[CODE])
        return frame.sort_values(NAAM).reset_index(drop=True)

    @cached_property
    def kaart_sleutel(self) -> str:
        """Fingerprint of the buurt borders (see :func:`kaartcache.fingerprint`): prepared
        map files are shared by every Gegevens with the same borders."""
        from .kaartcache import fingerprint
        return fingerprint(self.buurten)

    def waarden(self, indicator: str, periode: int | None, leeftijd: str = "18+") -> pd.DataFrame:
        """:func:`figures.indicator_values` of this data, computed once per argument set (a
        national table has about a million rows). Shared: never modify the result."""
        return self._memo(("waarden", indicator, periode, leeftijd),
                          lambda: figures.indicator_values(self.indicatoren, indicator,
                                                           periode, leeftijd))

    def laatste_waarden(self, indicator: str) -> pd.Series:
        """:func:`figures.latest_values` of this data, computed once. Never modify it."""
        return self._memo(("laatste", indicator),
                          lambda: figures.latest_values(self.indicatoren, indicator))

    def perioden(self, indicator: str) -> list[int]:
        """:func:`figures.periods` of this data, computed once (the sidebar asks on every
        rerun). Never modify the list."""
        return self._memo(("perioden", indicator),
                          lambda: figures.periods(self.indicatoren, indicator))

    def laatste_periode(self, indicator: str) -> int | None:
        found = self.perioden(indicator)
        return found[-1] if found else None

    def _memo(self, key, compute):
        # Gegevens is shared read-only between sessions (st.cache_resource); a lost race
        # only computes a value twice.
        memo = self.__dict__.setdefault("_memo_cache", {})
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    @property
    def is_empty(self) -> bool:
        return self.buurten.empty

    @property
    def label(self) -> str:
        return DEMO_LABEL if self.is_demo else "Gepubliceerde gegevens"


def empty_gegevens() -> Gegevens:
    gebieden = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in
                                 [CODE, NAAM, "niveau", WIJKCODE, WIJKNAAM, GEMEENTECODE,
                                  GEMEENTENAAM]}, geometry=gpd.GeoSeries([], crs=RD), crs=RD)
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
    unique = frame[NAAM].drop_duplicates()
    cleaned = dict(zip(unique, (schone_naam(v) for v in unique)))
    frame[NAAM] = frame[NAAM].map(cleaned)
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
             key=()) -> Gegevens:
    """Combine the frames of several datasets of each kind into one :class:`Gegevens`.

    When two datasets give the same area, the one listed first wins; statistics tables win
    over the context columns of a boundary file for the same indicator, area and period.
    """
    if gebieden:
        geo = pd.concat([g.to_crs(RD) for g in gebieden], ignore_index=True)
        geo = gpd.GeoDataFrame(geo.drop_duplicates(CODE, keep="first"), crs=RD)
    else:
        geo = empty_gegevens().gebieden
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
    return Gegevens(geo, ind, ini, versies=list(versies), is_demo=is_demo, key=tuple(key),
                    namen=namen)


def _jaar(gebieden: pd.DataFrame) -> str:
    if "periode" in gebieden and gebieden["periode"].notna().any():
        return f" {int(gebieden['periode'].dropna().max())}"
    return ""


def load_demo() -> Gegevens:
    """The bundled fictitious municipality, read through the normal readers."""
    from .readers import read_file
    frames = {}
    for kind, name in DEMO_FILES.items():
        path = DEMO_DIR / name
        ingelezen = read_file(path.read_bytes(), name, kind=kind)
        if not ingelezen.usable():
            raise WijkdataError(f"De voorbeelddata '{name}' is beschadigd.",
                                ingelezen.rapport.errors)
        frames[kind] = ingelezen.frame
    return assemble([frames["buurten"]], [frames["indicatoren"]], [frames["initiatieven"]],
                    is_demo=True, key=("demo",))


def load_active(store) -> Gegevens:
    """The active versions of every dataset in ``store``; the demo while it is empty."""
    if not store.has_data():
        return load_demo()
    versies = store.active_versions()
    by_kind: dict[str, list] = {"buurten": [], "indicatoren": [], "initiatieven": []}
    for versie in sorted(versies, key=lambda v: v.created_at, reverse=True):
        by_kind[versie.kind].append(store.load(versie.id))
    return assemble(by_kind["buurten"], by_kind["indicatoren"], by_kind["initiatieven"],
                    versies=versies, key=store.state_key())


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


def buurtcijfers(gegevens: Gegevens, *, gemeentecode: str | None = None,
                 periode: int | None = None, leeftijd: str = "18+",
                 eenzaamheid: str = "eenzaam", drempels: Drempels = STANDAARD_DREMPELS,
                 initiatieven: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per buurt with every figure the dashboard and the export show.

    Columns: buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, gemeentenaam, inwoners,
    for each loneliness indicator ``<key>_pct``, ``<key>_ondergrens``, ``<key>_bovengrens``;
    pct_65plus, pct_eenpersoonshuishoudens; initiatieven (count), initiatieven_per_1000,
    afstand_initiatief_m, grens_eenzaam, grens_aanbod, witte_vlek, kwadrant, periode,
    leeftijd. ``eenzaamheid`` picks the loneliness indicator the witte vlekken are based on;
    ``initiatieven`` (a filtered subset of ``gegevens.initiatieven``) replaces all of them.
    Loneliness figures are of ``periode`` (the latest when None) and ``leeftijd``.
    """
    buurten = gegevens.buurten
    if gemeentecode:
        buurten = buurten[buurten[GEMEENTECODE] == gemeentecode]
    frame = pd.DataFrame({
        "buurtcode": buurten[CODE].values, "buurtnaam": buurten[NAAM].values,
        WIJKCODE: buurten[WIJKCODE].values, WIJKNAAM: buurten[WIJKNAAM].values,
        GEMEENTECODE: buurten[GEMEENTECODE].values, GEMEENTENAAM: buurten[GEMEENTENAAM].values,
    })
    if periode is None:
        periode = gegevens.laatste_periode(eenzaamheid)
    frame["inwoners"] = frame["buurtcode"].map(gegevens.laatste_waarden("inwoners"))
    for key in LONELINESS:
        values = gegevens.waarden(key, periode, leeftijd)
        frame[f"{key}_pct"] = frame["buurtcode"].map(values[WAARDE])
        frame[f"{key}_ondergrens"] = frame["buurtcode"].map(values[ONDERGRENS])
        frame[f"{key}_bovengrens"] = frame["buurtcode"].map(values[BOVENGRENS])
    for key in ("pct_65plus", "pct_eenpersoonshuishoudens"):
        frame[key] = frame["buurtcode"].map(gegevens.laatste_waarden(key))

    chosen = gegevens.initiatieven if initiatieven is None else initiatieven
    chosen = figures.active_initiatieven(chosen) if len(chosen) else chosen
    has_list = len(gegevens.initiatieven_bron) > 0
    if has_list:
        frame["initiatieven"] = figures.count_per_buurt(chosen, frame["buurtcode"]).values
    else:
        # No initiative list loaded at all: the count is unknown, not zero.
        frame["initiatieven"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["initiatieven_per_1000"] = figures.per_1000(
        frame["initiatieven"].astype(float), frame["inwoners"], drempels.min_inwoners)
    if has_list and len(chosen):
        frame["afstand_initiatief_m"] = figures.distance_to_nearest(
            buurten.reset_index(drop=True), chosen.geometry).values
    else:
        frame["afstand_initiatief_m"] = np.nan
    klassen = figures.witte_vlekken(frame, drempels, eenzaam=f"{eenzaamheid}_pct")
    frame = pd.concat([frame, klassen], axis=1)
    frame["periode"] = periode
    frame["leeftijd"] = leeftijd
    return frame


def gebieden_op_niveau(gegevens: Gegevens, gemeentecode: str | None,
                       niveau: str) -> gpd.GeoDataFrame:
    """Areas to draw (code, naam, geometry in RD): the buurten, or their wijken.

    Wijk polygons are the union of their buurten (so they match the buurt map exactly);
    names come from the file's wijknaam.
    """
    buurten = gegevens.buurten
    if gemeentecode:
        buurten = buurten[buurten[GEMEENTECODE] == gemeentecode]
    if niveau == "buurt":
        return buurten[[CODE, NAAM, "geometry"]].reset_index(drop=True)
    wijken = buurten[[WIJKCODE, WIJKNAAM, "geometry"]].dissolve(by=WIJKCODE, aggfunc="first")
    wijken = wijken.reset_index().rename(columns={WIJKCODE: CODE, WIJKNAAM: NAAM})
    wijken[NAAM] = wijken[NAAM].fillna(wijken[CODE])
    return wijken[[CODE, NAAM, "geometry"]]


def gebiedcijfers(gegevens: Gegevens, cijfers: pd.DataFrame, niveau: str) -> pd.DataFrame:
    """Figures per area at ``niveau`` ('buurt', 'wijk' or 'gemeente') with ``code`` and
    ``naam``, from the buurt figures.

    For wijk and gemeente, counts are summed and percentages population-weighted
    (:func:`figures.aggregate`); where the statistics give the area's own estimate (RIVM
    publishes wijk and gemeente figures with their intervals) that estimate is used instead.
    """
    if niveau == "buurt":
        return cijfers.rename(columns={"buurtcode": CODE, "buurtnaam": NAAM})
    pct_columns = [f"{k}_pct" for k in LONELINESS] + ["pct_65plus", "pct_eenpersoonshuishoudens"]
    present = [c for c in pct_columns if c in cijfers]
    out = figures.aggregate(cijfers, niveau, percentages=present)
    key, name = (WIJKCODE, WIJKNAAM) if niveau == "wijk" else (GEMEENTECODE, GEMEENTENAAM)
    names = cijfers.drop_duplicates(key).set_index(key)[name]
    out[NAAM] = out[CODE].map(names).fillna(out[CODE])
    periode = cijfers["periode"].iloc[0] if len(cijfers) else None
    leeftijd = cijfers["leeftijd"].iloc[0] if len(cijfers) else "18+"
    for indicator in LONELINESS:
        own = gegevens.waarden(indicator, periode, leeftijd)
        found = out[CODE].map(own[WAARDE])
        out[f"{indicator}_pct"] = found.where(found.notna(), out[f"{indicator}_pct"])
        out[f"{indicator}_ondergrens"] = out[CODE].map(own[ONDERGRENS])
        out[f"{indicator}_bovengrens"] = out[CODE].map(own[BOVENGRENS])
    for column in ("pct_65plus", "pct_eenpersoonshuishoudens", "inwoners"):
        own = gegevens.laatste_waarden(column)
        if column in out:
            found = out[CODE].map(own)
            out[column] = found.where(found.notna(), out[column])
    return out


def referentie(gegevens: Gegevens, code: str, indicator: str, periode, leeftijd: str) -> dict:
    """Value and 95% bounds of an area's own published estimate (wijk, gemeente, NL01)."""
    values = gegevens.waarden(indicator, periode, leeftijd)
    if code in values.index:
        row = values.loc[code]
        return {"waarde": row[WAARDE], "ondergrens": row[ONDERGRENS],
                "bovengrens": row[BOVENGRENS]}
    return {"waarde": np.nan, "ondergrens": np.nan, "bovengrens": np.nan}
