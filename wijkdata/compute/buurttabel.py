"""The per-buurt table every page, report and export reads, and its roll-up to wijk and
gemeente.

:func:`buurtcijfers` joins the active data (:class:`~wijkdata.model.gegevens.Gegevens`) into
one row per buurt; the formulas it applies live in :mod:`wijkdata.compute.formulas`.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from wijkdata.compute import formulas, witte_vlekken
from wijkdata.compute.witte_vlekken import Methode
from wijkdata.model.gegevens import Gegevens
from wijkdata.model.schema import (
    AANBOD_BEKEND,
    AFSTAND,
    BEREIK_M,
    BINNEN_BEREIK,
    BINNEN_BEREIK_PER_1000,
    BOVENGRENS,
    BUURTCIJFERS_SCHEMA,
    BUURTCODE,
    BUURTNAAM,
    CODE,
    CONTEXT_PCT,
    GEMEENTECODE,
    GEMEENTENAAM,
    GEOMETRY,
    INITIATIEVEN,
    INWONERS,
    LEEFTIJD,
    LONELINESS,
    NAAM,
    ONDERGRENS,
    PER_1000,
    PERIODE,
    WAARDE,
    WIJKCODE,
    WIJKNAAM,
    bovengrens,
    ondergrens,
    pct,
)

STANDAARD_METHODE = Methode()


def buurtcijfers(gegevens: Gegevens, *, gemeentecode: str | None = None,
                 periode: int | None = None, leeftijd: str = "18+",
                 eenzaamheid: str = "eenzaam", methode: Methode = STANDAARD_METHODE,
                 initiatieven: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per buurt with every figure the dashboard and the export show.

    The columns, their kinds, units and whether they may be empty are written in
    :data:`wijkdata.model.schema.BUURTCIJFERS_SCHEMA` (checked on every result): buurtcode,
    buurtnaam, wijk and gemeente, inwoners, per loneliness indicator its value and 95%
    bounds (``pct(key)``, ``ondergrens(key)``, ``bovengrens(key)``), the CBS context shares,
    the initiatives (count, per 1,000, distance), the witte-vlek classification, periode and
    leeftijd. ``eenzaamheid`` picks the loneliness indicator the witte vlekken are based on;
    ``initiatieven`` (a filtered subset of ``gegevens.initiatieven``) replaces all of them.
    Loneliness figures are of ``periode`` (the latest when None) and ``leeftijd``.
    """
    buurten = gegevens.buurten
    if gemeentecode:
        buurten = buurten[buurten[GEMEENTECODE] == gemeentecode]
    frame = pd.DataFrame({
        BUURTCODE: buurten[CODE].values, BUURTNAAM: buurten[NAAM].values,
        WIJKCODE: buurten[WIJKCODE].values, WIJKNAAM: buurten[WIJKNAAM].values,
        GEMEENTECODE: buurten[GEMEENTECODE].values, GEMEENTENAAM: buurten[GEMEENTENAAM].values,
    })
    if periode is None:
        periode = gegevens.laatste_periode(eenzaamheid)
    frame[INWONERS] = frame[BUURTCODE].map(gegevens.laatste_waarden(INWONERS))
    for key in LONELINESS:
        values = gegevens.waarden(key, periode, leeftijd)
        frame[pct(key)] = frame[BUURTCODE].map(values[WAARDE])
        frame[ondergrens(key)] = frame[BUURTCODE].map(values[ONDERGRENS])
        frame[bovengrens(key)] = frame[BUURTCODE].map(values[BOVENGRENS])
    for key in CONTEXT_PCT:
        frame[key] = frame[BUURTCODE].map(gegevens.laatste_waarden(key))

    chosen = gegevens.initiatieven if initiatieven is None else initiatieven
    chosen = formulas.active_initiatieven(chosen) if len(chosen) else chosen
    has_list = len(gegevens.initiatieven_bron) > 0
    if has_list:
        frame[INITIATIEVEN] = formulas.count_per_buurt(chosen, frame[BUURTCODE]).values
    else:
        # No initiative list loaded at all: the count is unknown, not zero.
        frame[INITIATIEVEN] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame[PER_1000] = formulas.per_1000(
        frame[INITIATIEVEN].astype(float), frame[INWONERS], methode.min_inwoners)
    if has_list and len(chosen):
        frame[AFSTAND] = formulas.distance_to_nearest(
            buurten.reset_index(drop=True), chosen.geometry).values
    else:
        frame[AFSTAND] = np.nan
    frame = pd.concat([frame, _witte_vlekken(gegevens, frame, buurten, chosen, has_list,
                                             eenzaamheid, methode)], axis=1)
    frame[PERIODE] = periode
    frame[LEEFTIJD] = leeftijd
    BUURTCIJFERS_SCHEMA.check(frame)
    return frame


def _witte_vlekken(gegevens: Gegevens, frame: pd.DataFrame, buurten: gpd.GeoDataFrame,
                   chosen: pd.DataFrame, has_list: bool, eenzaamheid: str,
                   methode: Methode) -> pd.DataFrame:
    """The supply within reach and the witte-vlek rating (:mod:`witte_vlekken`) of every
    buurt in ``frame``. Supply is unknown (not rated) without any initiative list, and
    outside the dekking of the lists (the gemeenten their initiatives lie in)."""
    out = pd.DataFrame(index=frame.index)
    if has_list:
        binnen = witte_vlekken.binnen_bereik(buurten.reset_index(drop=True), chosen,
                                             methode.bereik_m).values
        out[BINNEN_BEREIK] = pd.array(binnen, dtype="Int64")
    else:
        out[BINNEN_BEREIK] = pd.array([pd.NA] * len(frame), dtype="Int64")
    out[BINNEN_BEREIK_PER_1000] = formulas.per_1000(
        out[BINNEN_BEREIK].astype(float), frame[INWONERS], methode.min_inwoners)
    out[BEREIK_M] = float(methode.bereik_m)
    dekking = gegevens.dekking if has_list else ()
    out[AANBOD_BEKEND] = witte_vlekken.in_dekking(frame[BUURTCODE], dekking).to_numpy() \
        & has_list
    rating = witte_vlekken.beoordeel(
        pd.concat([frame, out], axis=1), methode, eenzaam=pct(eenzaamheid),
        ondergrens=ondergrens(eenzaamheid), aanbod=BINNEN_BEREIK_PER_1000,
        aantal=BINNEN_BEREIK, aanbod_bekend=AANBOD_BEKEND)
    return pd.concat([out, rating], axis=1)


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
        return buurten[[CODE, NAAM, GEOMETRY]].reset_index(drop=True)
    wijken = buurten[[WIJKCODE, WIJKNAAM, GEOMETRY]].dissolve(by=WIJKCODE, aggfunc="first")
    wijken = wijken.reset_index().rename(columns={WIJKCODE: CODE, WIJKNAAM: NAAM})
    wijken[NAAM] = wijken[NAAM].fillna(wijken[CODE])
    return wijken[[CODE, NAAM, GEOMETRY]]


def als_gebieden(cijfers: pd.DataFrame) -> pd.DataFrame:
    """The per-buurt table with ``code`` and ``naam`` for ``buurtcode`` and ``buurtnaam``,
    as the map and the other area-level functions read areas (:func:`gebiedcijfers`)."""
    return cijfers.rename(columns={BUURTCODE: CODE, BUURTNAAM: NAAM})


def gebiedcijfers(gegevens: Gegevens, cijfers: pd.DataFrame, niveau: str) -> pd.DataFrame:
    """Figures per area at ``niveau`` ('buurt', 'wijk' or 'gemeente') with ``code`` and
    ``naam``, from the buurt formulas.

    For wijk and gemeente, counts are summed and percentages population-weighted
    (:func:`formulas.aggregate`); where the statistics give the area's own estimate (RIVM
    publishes wijk and gemeente figures with their intervals) that estimate is used instead.
    """
    if niveau == "buurt":
        return als_gebieden(cijfers)
    pct_columns = [pct(k) for k in LONELINESS] + CONTEXT_PCT
    present = [c for c in pct_columns if c in cijfers]
    out = formulas.aggregate(cijfers, niveau, percentages=present)
    key, name = (WIJKCODE, WIJKNAAM) if niveau == "wijk" else (GEMEENTECODE, GEMEENTENAAM)
    names = cijfers.drop_duplicates(key).set_index(key)[name]
    out[NAAM] = out[CODE].map(names).fillna(out[CODE])
    periode = cijfers[PERIODE].iloc[0] if len(cijfers) else None
    leeftijd = cijfers[LEEFTIJD].iloc[0] if len(cijfers) else "18+"
    for indicator in LONELINESS:
        own = gegevens.waarden(indicator, periode, leeftijd)
        found = out[CODE].map(own[WAARDE])
        out[pct(indicator)] = found.where(found.notna(), out[pct(indicator)])
        out[ondergrens(indicator)] = out[CODE].map(own[ONDERGRENS])
        out[bovengrens(indicator)] = out[CODE].map(own[BOVENGRENS])
    for column in CONTEXT_PCT + [INWONERS]:
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
        return {WAARDE: row[WAARDE], ONDERGRENS: row[ONDERGRENS], BOVENGRENS: row[BOVENGRENS]}
    return {WAARDE: np.nan, ONDERGRENS: np.nan, BOVENGRENS: np.nan}
