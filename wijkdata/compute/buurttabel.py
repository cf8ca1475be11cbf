"""The per-buurt table every page, report and export reads, and its roll-up to wijk and
gemeente.

:func:`buurtcijfers` joins the active data (:class:`~wijkdata.model.gegevens.Gegevens`) into
one row per buurt; the formulas it applies live in :mod:`wijkdata.compute.formulas`.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from wijkdata.compute import formulas
from wijkdata.compute.formulas import Drempels
from wijkdata.model.gegevens import Gegevens
from wijkdata.model.schema import (
    BOVENGRENS,
    CODE,
    GEMEENTECODE,
    GEMEENTENAAM,
    LONELINESS,
    NAAM,
    ONDERGRENS,
    WAARDE,
    WIJKCODE,
    WIJKNAAM,
)

STANDAARD_DREMPELS = Drempels()


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
    chosen = formulas.active_initiatieven(chosen) if len(chosen) else chosen
    has_list = len(gegevens.initiatieven_bron) > 0
    if has_list:
        frame["initiatieven"] = formulas.count_per_buurt(chosen, frame["buurtcode"]).values
    else:
        # No initiative list loaded at all: the count is unknown, not zero.
        frame["initiatieven"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["initiatieven_per_1000"] = formulas.per_1000(
        frame["initiatieven"].astype(float), frame["inwoners"], drempels.min_inwoners)
    if has_list and len(chosen):
        frame["afstand_initiatief_m"] = formulas.distance_to_nearest(
            buurten.reset_index(drop=True), chosen.geometry).values
    else:
        frame["afstand_initiatief_m"] = np.nan
    klassen = formulas.witte_vlekken(frame, drempels, eenzaam=f"{eenzaamheid}_pct")
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
    ``naam``, from the buurt formulas.

    For wijk and gemeente, counts are summed and percentages population-weighted
    (:func:`formulas.aggregate`); where the statistics give the area's own estimate (RIVM
    publishes wijk and gemeente figures with their intervals) that estimate is used instead.
    """
    if niveau == "buurt":
        return cijfers.rename(columns={"buurtcode": CODE, "buurtnaam": NAAM})
    pct_columns = [f"{k}_pct" for k in LONELINESS] + ["pct_65plus", "pct_eenpersoonshuishoudens"]
    present = [c for c in pct_columns if c in cijfers]
    out = formulas.aggregate(cijfers, niveau, percentages=present)
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
