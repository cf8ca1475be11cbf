"""Tables and figures as the pages show them: Dutch headers, ranked, explained.

Pages call one function per output and show the result; nothing here knows Streamlit.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from wijkdata import formatting
from wijkdata.compute import formulas
from wijkdata.compute.buurttabel import referentie
from wijkdata.compute.witte_vlekken import Methode
from wijkdata.model import codes
from wijkdata.model.gegevens import DEMO_NAAM, Gegevens
from wijkdata.model.gegevens import tekst as gegevens_tekst
from wijkdata.model.schema import (
    AFSTAND,
    BINNEN_BEREIK,
    BINNEN_BEREIK_PER_1000,
    BOVENGRENS,
    BRON,
    BUURTCODE,
    BUURTNAAM,
    CODE,
    GEMEENTECODE,
    INDICATOR,
    INDICATOREN,
    INITIATIEVEN,
    KWADRANT,
    LAATST_BEVESTIGD,
    LEEFTIJD,
    LEEFTIJDEN,
    NIET_BEOORDEELD,
    ONDERGRENS,
    PERIODE,
    RANG,
    REDEN,
    WAARDE,
    WIJKCODE,
    WITTE_VLEK,
    ZEKERHEID,
    interval_kolommen,
    pct,
)

LEEFTIJD_LABELS = {"18+": "18 jaar en ouder", "18-64": "18 tot 65 jaar",
                   "65+": "65 jaar en ouder", "alle": "alle leeftijden"}


def kerncijfers(gegevens: Gegevens, cijfers: pd.DataFrame, gemeentecode: str) -> dict:
    """Headline figures of one gemeente (from its buurt figures and its own estimates)."""
    periode = cijfers["periode"].iloc[0] if len(cijfers) else None
    leeftijd = cijfers["leeftijd"].iloc[0] if len(cijfers) else "18+"
    # For all gemeenten together there is no published estimate: weighted from the buurten.
    eigen = (referentie(gegevens, gemeentecode, "eenzaam", periode, leeftijd) if gemeentecode
             else {"waarde": np.nan, "ondergrens": np.nan, "bovengrens": np.nan})
    eigen["berekend"] = False
    if pd.isna(eigen["waarde"]) and len(cijfers):
        # The same weighting as the Buurtprofiel's reference (tabellen.gewogen).
        cijfers = cijfers.assign(gemeentecode=gemeentecode or "alle")
        agg = formulas.aggregate(cijfers, "gemeente")
        eigen["waarde"] = agg[pct("eenzaam")].iloc[0] if len(agg) else np.nan
        eigen["berekend"] = not pd.isna(eigen["waarde"])
    inwoners = cijfers["inwoners"].sum(min_count=1)
    initiatieven = cijfers["initiatieven"].sum(min_count=1) if len(cijfers) else pd.NA
    return {
        "buurten": len(cijfers),
        "inwoners": inwoners,
        "eenzaam": eigen,
        "initiatieven": initiatieven,
        "per_1000": formulas.per_1000(pd.Series([initiatieven], dtype=float),
                                     pd.Series([inwoners])).iloc[0]
        if not pd.isna(initiatieven) else np.nan,
        "witte_vlekken": int(cijfers["witte_vlek"].fillna(False).sum()),
        "zonder_gegevens": int(cijfers[pct("eenzaam")].isna().sum()),
        "periode": periode, "leeftijd": leeftijd,
    }


def witte_vlekken_tabel(cijfers: pd.DataFrame, eenzaamheid: str = "eenzaam",
                        alleen_vlekken: bool = True) -> pd.DataFrame:
    """The witte vlekken in the method's order (``witte_vlek_rang``: zeker before mogelijk,
    then the lower bound high first, then the supply low first); with ``alleen_vlekken``
    False the other rated buurten follow (highest loneliness first), the buurten that are
    not rated last.

    Columns are Dutch: "Rang" (1 = first within the gemeente, empty for a buurt that is no
    witte vlek), "Witte vlek" ja / nee / niet beoordeeld, "Zekerheid" zeker / mogelijk,
    the supply within reach ("Binnen bereik", "Per 1.000 inwoners" — what the method
    compares), the initiatives inside the buurt, and "Waarom": the method's sentence with the
    figures and both cuts, or why the buurt is not rated.
    """
    vlek = cijfers[WITTE_VLEK].fillna(False).astype(bool)
    rows = cijfers[vlek] if alleen_vlekken else cijfers
    waarde, onder, boven = interval_kolommen(eenzaamheid)
    order = pd.DataFrame({
        "groep": np.select([vlek, cijfers[WITTE_VLEK].notna()], [0, 1], 2)[
            cijfers.index.get_indexer(rows.index)],
        "rang": pd.to_numeric(rows[RANG], errors="coerce").astype(float),
        "waarde": -pd.to_numeric(rows[waarde], errors="coerce").astype(float),
        "aanbod": pd.to_numeric(rows[BINNEN_BEREIK_PER_1000], errors="coerce").astype(float),
        "code": rows[BUURTCODE].astype(str)}, index=rows.index)
    rows = rows.loc[order.sort_values(["groep", "rang", "waarde", "aanbod", "code"],
                                      na_position="last").index]
    table = pd.DataFrame({
        # Text: a buurt that is no witte vlek has no rank (empty), which is not a gap.
        "Rang": ["" if pd.isna(r) else str(int(r)) for r in rows[RANG]],
        "Buurt": rows[BUURTNAAM], "Buurtcode": rows[BUURTCODE], "Wijk": rows["wijknaam"],
        "Witte vlek": [_ja_nee(v) for v in rows[WITTE_VLEK]],
        "Zekerheid": [z if isinstance(z, str) and z else "" for z in rows[ZEKERHEID]],
        "Inwoners": rows["inwoners"],
        f"{INDICATOREN[eenzaamheid].label} (%)": rows[waarde],
        "Ondergrens (%)": rows[onder],
        "Bovengrens (%)": rows[boven],
        "Binnen bereik": rows[BINNEN_BEREIK],
        "Per 1.000 inwoners": rows[BINNEN_BEREIK_PER_1000],
        "In de buurt": rows[INITIATIEVEN],
        "Dichtstbijzijnde initiatief (m)": rows[AFSTAND],
        "Kwadrant": [k if isinstance(k, str) and k else NIET_BEOORDEELD_TEKST
                     for k in rows[KWADRANT]],
        "Waarom": [r if isinstance(r, str) and r else "" for r in rows[REDEN]],
    })
    # One rounding rule per column (formatting.rond): the table, the slides and the PDF
    # that quote it, and its downloads show the same number.
    for column in table.columns:
        if column not in TEKST_KOLOMMEN:
            table[column] = formatting.rond_reeks(column, table[column])
    return table.reset_index(drop=True)


NIET_BEOORDEELD_TEKST = "niet beoordeeld"
TEKST_KOLOMMEN = ("Rang", "Buurt", "Buurtcode", "Wijk", "Witte vlek", "Zekerheid", "Kwadrant",
                  "Waarom")


def _ja_nee(value) -> str:
    if value is None or value is pd.NA or pd.isna(value):
        return NIET_BEOORDEELD_TEKST
    return "ja" if bool(value) else "nee"


def grenzen_tekst(methode: Methode) -> str:
    """The chosen method in one Dutch phrase, for captions, slides and the PDF:
    "eenzaamheid bij de hoogste 25% van de buurten van de gemeente, initiatieven binnen
    500 m per 1.000 inwoners bij de laagste 25%, buurten vanaf 100 inwoners"."""
    return (f"eenzaamheid bij de hoogste {formatting.fmt_getal((1 - methode.eenzaam) * 100)}% "
            "van de buurten van de gemeente, initiatieven binnen "
            f"{formatting.fmt_getal(methode.bereik_m)} m per 1.000 inwoners bij de laagste "
            f"{formatting.fmt_getal(methode.aanbod * 100)}%, buurten vanaf "
            f"{formatting.fmt_getal(methode.min_inwoners)} inwoners")


def witte_vlekken_telling(cijfers: pd.DataFrame) -> dict:
    """How many buurten are witte vlek (zeker, mogelijk), not rated (per reason), and how
    many rated buurten have no initiative within reach."""
    vlek = cijfers[WITTE_VLEK].fillna(False).astype(bool)
    rated = cijfers[WITTE_VLEK].notna()
    redenen = cijfers.loc[~rated, NIET_BEOORDEELD].fillna("reden onbekend").value_counts()
    geen = rated & (pd.to_numeric(cijfers[BINNEN_BEREIK], errors="coerce") == 0)
    return {"witte_vlekken": int(vlek.sum()),
            "zeker": int((vlek & (cijfers[ZEKERHEID] == "zeker")).sum()),
            "mogelijk": int((vlek & (cijfers[ZEKERHEID] == "mogelijk")).sum()),
            "beoordeeld": int(rated.sum()), "niet_beoordeeld": int((~rated).sum()),
            "redenen": {str(k): int(v) for k, v in redenen.items()},
            "zonder_aanbod": int(geen.sum())}


def niet_beoordeeld_zin(telling: dict) -> str:
    """'12 buurten zijn niet beoordeeld: 10 te weinig inwoners, 2 geen cijfer over
    eenzaamheid.' — or '' when every buurt is rated."""
    n = telling["niet_beoordeeld"]
    if not n:
        return ""
    kop = "1 buurt is" if n == 1 else f"{formatting.fmt_getal(n)} buurten zijn"
    delen = ", ".join(f"{formatting.fmt_getal(v)} {k}" for k, v in telling["redenen"].items())
    return f"{kop} niet beoordeeld ({delen}); die staan niet in de figuur."


BEREKEND = "berekend uit de buurten"


def gewogen(gegevens: Gegevens, cijfers: pd.DataFrame, indicator: str, niveau: str,
            code: str) -> float:
    """The population-weighted figure of wijk or gemeente ``code`` from its buurten in
    ``cijfers``: sum(pct_i × inwoners_i) / sum(inwoners_i) over the buurten that have both
    (:func:`formulas.aggregate`, as the Overzicht computes it); NaN when none has both.
    Percentages of the period and age group of ``cijfers``."""
    key = {"wijk": WIJKCODE, "gemeente": GEMEENTECODE}[niveau]
    buurten = cijfers[cijfers[key] == code]
    if buurten.empty:
        return np.nan
    column = pct(indicator)
    if column in buurten:
        values = buurten[column]
    else:
        periode, leeftijd = buurten["periode"].iloc[0], buurten["leeftijd"].iloc[0]
        values = buurten["buurtcode"].map(gegevens.waarden(indicator, periode, leeftijd)[WAARDE])
    frame = pd.DataFrame({key: code, "inwoners": buurten["inwoners"].values,
                          column: pd.to_numeric(values, errors="coerce").values})
    agg = formulas.aggregate(frame, niveau, counts=(), percentages=[column])
    return float(agg[column].iloc[0]) if len(agg) else np.nan


def profiel(gegevens: Gegevens, cijfers: pd.DataFrame, buurtcode: str) -> pd.DataFrame:
    """Every indicator of one buurt against its wijk, gemeente and Nederland.

    One row per indicator: value and 95% bounds for buurt, wijk, gemeente, Nederland (NaN
    where not loaded), ``<level>_berekend`` (True where the value is not published for the
    area itself but computed from its buurten: counts summed, percentages weighted by
    inwoners, without an interval), and the verdict against the gemeente and Nederland,
    which says "hoger/lager dan gemiddeld" only when the intervals do not overlap.
    """
    row = cijfers[cijfers["buurtcode"] == buurtcode].iloc[0]
    periode, leeftijd = row["periode"], row["leeftijd"]
    areas = {"buurt": buurtcode, "wijk": row.get(WIJKCODE) or codes.wijkcode(buurtcode),
             "gemeente": row.get(GEMEENTECODE) or codes.gemeentecode(buurtcode),
             "nederland": codes.NEDERLAND}
    # Context figures the files give only per buurt: summed or population-weighted here.
    context = {}
    for level in ("wijk", "gemeente"):
        agg = formulas.aggregate(cijfers, level, percentages=["pct_65plus",
                                                               "pct_eenpersoonshuishoudens"])
        found = agg[agg[CODE] == areas[level]]
        if len(found):
            context[level] = found.iloc[0].to_dict()
    records = []
    for key, info in INDICATOREN.items():
        if key in ("huishoudens",):
            continue
        record = {"indicator": key, "label": info.label, "eenheid": info.unit}
        has_interval = info.interval
        for level, code in areas.items():
            berekend = False
            if has_interval:
                ref = referentie(gegevens, code, key, periode, leeftijd)
                if pd.isna(ref["waarde"]) and level in ("wijk", "gemeente"):
                    # The source has no estimate of its own for this area (a RIVM file
                    # with buurt rows only): weighted from its buurten, without interval.
                    value = gewogen(gegevens, cijfers, key, level, code)
                    berekend = not pd.isna(value)
                    ref = {"waarde": value, "ondergrens": np.nan, "bovengrens": np.nan}
            else:
                value = gegevens.laatste_waarden(key).get(code, np.nan)
                if pd.isna(value) and level in context:
                    value = context[level].get(key, np.nan)
                    berekend = not pd.isna(value)
                ref = {"waarde": value, "ondergrens": np.nan, "bovengrens": np.nan}
            record[level] = ref["waarde"]
            record[f"{level}_onder"] = ref["ondergrens"]
            record[f"{level}_boven"] = ref["bovengrens"]
            record[f"{level}_berekend"] = berekend
        if pd.isna(record["buurt"]) and all(pd.isna(record[lv]) for lv in ("wijk", "gemeente")):
            continue
        for level in ("gemeente", "nederland"):
            if not has_interval:
                # CBS counts and shares come without an interval: no verdict is given.
                record[f"vs_{level}"] = None
                continue
            record[f"vs_{level}"] = formulas.vergelijk(
                record["buurt"], record["buurt_onder"], record["buurt_boven"],
                record[level], record[f"{level}_onder"], record[f"{level}_boven"])
        records.append(record)
    return pd.DataFrame(records)


def trend(gegevens: Gegevens, indicator: str, codes_: dict[str, str],
          leeftijd: str) -> pd.DataFrame:
    """Value and bounds per period for several areas: columns gebied, periode, waarde,
    ondergrens, bovengrens, berekend (long; periods without a value are left out, not
    zero).

    A wijk or gemeente the source gives no figures of its own for (a RIVM file with buurt
    rows only) gets, per period, the figure of its buurten weighted by their inwoners
    (the latest count), without an interval, and ``berekend`` True — as the profile does.
    """
    ind = gegevens.indicatoren
    rows = ind[(ind[INDICATOR] == indicator) & ind[CODE].isin(codes_.values())
               & (ind[LEEFTIJD] == leeftijd) & ind[WAARDE].notna()]
    names = {code: label for label, code in codes_.items()}
    out = rows.assign(gebied=rows[CODE].map(names), berekend=False)[
        ["gebied", PERIODE, WAARDE, ONDERGRENS, BOVENGRENS, "berekend"]]
    eigen = set(rows[CODE])
    for label, code in codes_.items():
        if code not in eigen and codes.niveau(code) in ("wijk", "gemeente"):
            reeks = _gewogen_reeks(gegevens, indicator, code, leeftijd)
            if len(reeks):
                out = pd.concat([out, reeks.assign(gebied=label, berekend=True)],
                                ignore_index=True)
    return out.sort_values(["gebied", PERIODE]).reset_index(drop=True)


def _gewogen_reeks(gegevens: Gegevens, indicator: str, code: str,
                   leeftijd: str) -> pd.DataFrame:
    """Per period: sum(waarde_i × inwoners_i) / sum(inwoners_i) over the buurten of wijk or
    gemeente ``code`` that have both (inwoners: the latest count)."""
    key = WIJKCODE if codes.niveau(code) == "wijk" else GEMEENTECODE
    buurten = gegevens.buurten.loc[gegevens.buurten[key] == code, CODE]
    inwoners = gegevens.laatste_waarden("inwoners")
    ind = gegevens.indicatoren
    rows = ind[(ind[INDICATOR] == indicator) & (ind[LEEFTIJD] == leeftijd)
               & ind[CODE].isin(set(buurten)) & ind[WAARDE].notna()]
    gewicht = rows[CODE].map(inwoners)
    rows, gewicht = rows[gewicht.notna()], gewicht[gewicht.notna()]
    if rows.empty:
        return pd.DataFrame(columns=[PERIODE, WAARDE, ONDERGRENS, BOVENGRENS])
    teller = (rows[WAARDE] * gewicht).groupby(rows[PERIODE]).sum()
    noemer = gewicht.groupby(rows[PERIODE]).sum()
    waarde = (teller / noemer).rename(WAARDE)
    return waarde.reset_index().assign(**{ONDERGRENS: np.nan, BOVENGRENS: np.nan})


def leeftijdsgroepen(gegevens: Gegevens, indicator: str, code: str, periode) -> pd.DataFrame:
    """The indicator for each age group of one area in one period."""
    records = []
    for leeftijd in LEEFTIJDEN:
        ref = referentie(gegevens, code, indicator, periode, leeftijd)
        records.append({"leeftijd": LEEFTIJD_LABELS[leeftijd], **ref})
    return pd.DataFrame(records)


def initiatieven_rond(gegevens: Gegevens, buurtcode: str, n: int = 8,
                      initiatieven: pd.DataFrame | None = None) -> pd.DataFrame:
    """Initiatives in the buurt, then the nearest ones around it, with distance in metres
    (0 inside the buurt), each with its bron and laatst_bevestigd."""
    pool = gegevens.initiatieven if initiatieven is None else initiatieven
    pool = formulas.active_initiatieven(pool) if len(pool) else pool
    buurt = gegevens.buurten[gegevens.buurten[CODE] == buurtcode]
    columns = ["naam", "omschrijving", "activiteit", "wij_type", "doelgroepen", "frequentie",
               "in_buurt", "afstand_m", BRON, LAATST_BEVESTIGD]
    if buurt.empty or pool.empty:
        return pd.DataFrame(columns=columns)
    # A frame assembled without its versions may lack them: unknown, never an error.
    pool = pool.assign(**{c: pool[c] if c in pool else None for c in (BRON, LAATST_BEVESTIGD)})
    shape = buurt.geometry.iloc[0]
    distance = pool.geometry.distance(shape)
    frame = pool.assign(afstand_m=distance.round(0), in_buurt=pool["buurtcode"] == buurtcode)
    frame.loc[frame["in_buurt"], "afstand_m"] = 0.0
    inside = frame[frame["in_buurt"]]
    around = frame[~frame["in_buurt"]].sort_values("afstand_m").head(max(n - len(inside), 3))
    out = pd.concat([inside, around])
    return out[columns].reset_index(drop=True)


def tellingen(initiatieven: pd.DataFrame, by: str) -> pd.DataFrame:
    """Number of initiatives per activity, wij-type or target group (an initiative with
    several target groups counts once for each), with every allowed value listed (0 too)."""
    from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, WIJ_TYPES
    allowed = {"activiteit": ACTIVITEITEN, "wij_type": WIJ_TYPES, "doelgroepen": DOELGROEPEN}[by]
    values = initiatieven[by].fillna("")
    if by == "doelgroepen":
        values = values.str.split(";").explode().str.strip()
    counts = values[values != ""].value_counts()
    out = pd.DataFrame({by: allowed, "aantal": [int(counts.get(v, 0)) for v in allowed]})
    extra = [v for v in counts.index if v not in allowed]
    if extra:
        out = pd.concat([out, pd.DataFrame({by: extra, "aantal": [int(counts[v]) for v in extra]})])
    return out.reset_index(drop=True)


def geladen(gegevens: Gegevens) -> pd.DataFrame:
    """Which datasets are active: name, kind, version, rows, date, by whom, source file."""
    if gegevens.is_demo:
        from wijkdata.model.gegevens import DEMO_FILES
        return pd.DataFrame({"Dataset": [DEMO_NAAM] * 3,
                             "Soort": list(DEMO_FILES), "Bestand": list(DEMO_FILES.values())})
    return pd.DataFrame([{
        "Dataset": v.name, "Soort": v.kind, "Versie": v.number, "Rijen": v.rows,
        "Gepubliceerd": formatting.fmt_tijdstip(v.created_at), "Door": v.created_by,
        "Bestand": v.source_filename} for v in gegevens.versies])


def vandaag() -> date:
    """Today in the Netherlands (a server may run in UTC: at 00:30 CEST it is still
    yesterday there)."""
    return datetime.now(formatting.TIJDZONE).date()


def profiel_tabel(profiel: pd.DataFrame) -> pd.DataFrame:
    """The profile as people read it: formatted values with intervals and the verdicts."""
    from wijkdata.formatting import fmt_getal, fmt_interval, fmt_pct

    def cell(row, level):
        value = row[level]
        if row["eenheid"] == "%":
            interval = fmt_interval(row[f"{level}_onder"], row[f"{level}_boven"])
            text = f"{fmt_pct(value)} {interval}".strip()
        else:
            text = fmt_getal(value)
        if row.get(f"{level}_berekend") is not None and bool(row.get(f"{level}_berekend")):
            text += f" ({BEREKEND})"
        return text

    return pd.DataFrame({
        "Indicator": profiel["label"],
        "Buurt": [cell(r, "buurt") for _, r in profiel.iterrows()],
        "Wijk": [cell(r, "wijk") for _, r in profiel.iterrows()],
        "Gemeente": [cell(r, "gemeente") for _, r in profiel.iterrows()],
        "Nederland": [cell(r, "nederland") for _, r in profiel.iterrows()],
        "Buurt t.o.v. gemeente": profiel["vs_gemeente"].fillna("—"),
        "Buurt t.o.v. Nederland": profiel["vs_nederland"].fillna("—"),
    })


def initiatieven_rond_tabel(rond: pd.DataFrame) -> pd.DataFrame:
    """The initiatives around a buurt as the Buurtprofiel lists them: where, what, from which
    list and since when confirmed first; the long description last."""
    from wijkdata.formatting import fmt_meters
    return pd.DataFrame({
        "Initiatief": rond["naam"],
        "Waar": ["in de buurt" if inside else f"op {fmt_meters(d)}"
                 for inside, d in zip(rond["in_buurt"], rond["afstand_m"])],
        "Activiteit": rond["activiteit"],
        "Bron": [gegevens_tekst(v, ONBEKEND) for v in rond.get(BRON, [None] * len(rond))],
        "Laatst bevestigd": [formatting.fmt_datum(_als_datum(v), missing=ONBEKEND)
                             for v in rond.get(LAATST_BEVESTIGD, [None] * len(rond))],
        "Wij-type": rond["wij_type"], "Voor wie": rond["doelgroepen"],
        "Hoe vaak": rond["frequentie"], "Wat": rond["omschrijving"],
    })


# Column widths (pixels) of the initiative tables, wide enough for their longest usual
# value ("mogelijk gestopt", "27-12-2025", a list's name): st.dataframe sizes a column by a
# sample of its cells and would cut the status of the rows it did not measure.
KOLOMBREEDTES = {
    "Naam": 220, "Initiatief": 220, "Status": 140, "Laatst bevestigd": 130, "Bron": 180,
    "Waar": 110, "Omschrijving": 300, "Wat": 300, "Activiteit": 150, "Wij-type": 90,
    "Voor wie": 210, "Hoe vaak": 130, "Sinds": 100, "Tot": 100, "Organisator": 170,
    "Buurtcode": 110, "Locatie op buurtniveau": 170,
}


def kolombreedtes(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """st.dataframe's ``column_config`` for ``table``: a width for each known column."""
    return {c: {"width": KOLOMBREEDTES[c]} for c in table.columns if c in KOLOMBREEDTES}


def definities() -> pd.DataFrame:
    """Every indicator with its unit, definition and source."""
    return pd.DataFrame([{"Indicator": i.label, "Eenheid": i.unit, "Definitie": i.definition,
                          "Bron": i.bron} for i in INDICATOREN.values()])


UITLEG = """
- **Initiatieven in de buurt**: een initiatief met coördinaten telt in de buurt waar het punt
  ligt; een initiatief met alleen een buurtcode (of een adres dat we niet tonen) telt in die
  buurt. Initiatieven met een einddatum in het verleden tellen niet mee.
- **Aanbod binnen bereik**: de initiatieven in de buurt én die op hooguit {bereik} m van de
  rand van de buurt (hemelsbreed, gemeten in het Rijksdriehoekstelsel). Een initiatief vlak
  over de grens telt dus ook mee voor de buurt ernaast. Een initiatief met alleen een
  buurtcode telt alleen in zijn eigen buurt.
- **Per 1.000 inwoners** = aanbod binnen bereik ÷ inwoners × 1.000. Onder de {min_inwoners}
  inwoners rekenen we dit niet uit ("te weinig inwoners"): een paar bewoners meer of minder
  verandert het cijfer dan te sterk.
- **Afstand tot het dichtstbijzijnde initiatief**: kortste afstand in meters van de rand van de
  buurt tot een initiatief (0 als er een in de buurt is).
- **Wijk en gemeente**: aantallen tellen we op. Percentages wegen we naar het aantal
  inwoners per buurt (nooit een gewoon gemiddelde van buurtpercentages). Waar het RIVM een
  eigen schatting voor de wijk of gemeente geeft, tonen we die, met interval.
- **Witte vlek**: een buurt met veel eenzaamheid en weinig aanbod, vergeleken met de andere
  buurten van dezelfde gemeente. *Veel eenzaamheid*: het percentage eenzamen hoort bij de
  hoogste {q_eenzaam}% van de buurten. *Weinig aanbod*: het aanbod binnen bereik per 1.000
  inwoners hoort bij de laagste {q_aanbod}%. Hebben veel buurten geen enkel initiatief binnen
  bereik, dan is die grens 0; dan staat er gewoon "geen initiatief binnen bereik".
- **Zeker of mogelijk**: de cijfers over eenzaamheid zijn schattingen met een 95%-interval.
  *Zeker* een witte vlek: ook de ondergrens van het interval ligt op of boven de grens.
  *Mogelijk* een witte vlek: alleen de schatting zelf ligt op of boven de grens, of er is
  geen interval bekend.
- **Volgorde**: eerst de zekere witte vlekken, dan de mogelijke; daarbinnen de hoogste
  ondergrens eerst, en bij gelijke stand het minste aanbod eerst.
- **Niet beoordeeld**: een buurt met minder dan {min_inwoners} inwoners, zonder cijfer over
  eenzaamheid, of buiten de **dekking** van de initiatievenlijst. De dekking is het gebied
  waar de lijst iets over zegt: de gemeenten waarin de initiatieven liggen, of de wijken
  die de beheerder opgeeft als de lijst maar een deel van de gemeente beschrijft. Buiten
  de dekking weten we niet of er initiatieven zijn; een onbekend aanbod is geen nul. Zo'n
  buurt is geen witte vlek en ook geen "gewone" buurt: we weten het niet.
- **Voorbeeld**: in een gemeente ligt de grens voor eenzaamheid op 52,0% en de grens voor
  aanbod op 0 (de meeste buurten hebben niets binnen bereik). Buurt A: 55,0% eenzaam
  (interval 53,0 tot 57,0%), geen initiatief binnen {bereik} m. Ook de ondergrens 53,0%
  ligt boven 52,0%: A is *zeker* een witte vlek. Buurt B: 54,0% (interval 49,0 tot 59,0%),
  ook niets binnen bereik: de schatting ligt boven de grens, de ondergrens niet. B is
  *mogelijk* een witte vlek en komt na A. Buurt C: 56,0% eenzaam, maar 200 m over de grens
  is een koffieochtend: C heeft aanbod binnen bereik en is geen witte vlek.
- **Hoger of lager dan gemiddeld**: alleen als de 95%-intervallen van de buurt en van het
  gebied waarmee we vergelijken elkaar niet overlappen. Anders: "niet duidelijk verschillend".
"""


def uitleg(methode: Methode) -> str:
    """:data:`UITLEG` with the chosen method's numbers filled in."""
    return UITLEG.format(min_inwoners=formatting.fmt_getal(methode.min_inwoners),
                         q_eenzaam=formatting.fmt_getal((1 - methode.eenzaam) * 100),
                         q_aanbod=formatting.fmt_getal(methode.aanbod * 100),
                         bereik=formatting.fmt_getal(methode.bereik_m))


KANTTEKENINGEN = """
- **Schattingen, geen tellingen.** De cijfers over eenzaamheid per buurt zijn
  modelschattingen van het RIVM op basis van de Gezondheidsmonitor. Kijk daarom naar het
  95%-interval: de echte waarde ligt waarschijnlijk binnen die grenzen.
- **Zorginstellingen.** Een verpleeghuis of woonzorgcentrum in een kleine buurt kan de
  cijfers sterk kleuren.
- **Kleine aantallen.** CBS rondt aantallen in kleine buurten af en houdt sommige cijfers
  geheim. Die tonen we als "geen gegevens" (grijs op de kaart), nooit als nul.
- **Initiatieven.** Er is geen landelijk register. De lijst is zo volledig als de gemeente
  en haar partners hem bijhouden. Weinig initiatieven op de kaart kan ook betekenen: weinig
  bekend.
- **Privacy.** Namen van contactpersonen, e-mailadressen en telefoonnummers worden bij het
  inlezen verwijderd en nooit getoond of gedownload. Initiatieven bij iemand thuis staan
  midden in hun buurt, niet op het adres.
"""


INITIATIEF_KOPPEN = {
    "naam": "Naam", "omschrijving": "Omschrijving", "activiteit": "Activiteit",
    "wij_type": "Wij-type", "doelgroepen": "Voor wie", "frequentie": "Hoe vaak",
    "startdatum": "Sinds", "einddatum": "Tot", "organisator": "Organisator",
    "buurtcode": "Buurtcode", "wijkcode": "Wijkcode", "gemeentecode": "Gemeentecode",
    "lat": "Breedtegraad", "lon": "Lengtegraad", "op_buurtniveau": "Locatie op buurtniveau",
    BRON: "Bron", LAATST_BEVESTIGD: "Laatst bevestigd", "status": "Status",
}

# What the Status column says (initiatief_status).
LOOPT = "loopt"
MOGELIJK_GESTOPT = "mogelijk gestopt"
GESTOPT = "gestopt"
ONBEKEND = "onbekend"
STATUS_UITLEG = (
    f"*{MOGELIJK_GESTOPT.capitalize()}*: al meer dan "
    f"{formulas.MOGELIJK_GESTOPT_JAREN} jaar niet bevestigd. Bevestigd is de datum van de "
    "lijst waar het initiatief in staat (of de datum in die lijst zelf), van de goedkeuring "
    "van een melding of van het samenvoegen met een melding. Zo'n initiatief telt nog mee "
    "op de kaart en in de cijfers: vraag na of het nog bestaat. *Gestopt*: de einddatum is "
    f"voorbij. *{ONBEKEND.capitalize()}*: geen datum bekend.")


def initiatief_status(initiatieven: pd.DataFrame, vandaag: date | None = None) -> pd.Series:
    """Per initiative, in words: "gestopt" (its end date has passed), "mogelijk gestopt"
    (not confirmed for more than two years, :func:`formulas.mogelijk_gestopt`), "onbekend"
    (no date of confirmation) or "loopt"."""
    vandaag = vandaag or _vandaag_nl()
    gestopt = ~initiatieven.index.isin(
        formulas.active_initiatieven(initiatieven, vandaag).index)
    mogelijk = formulas.mogelijk_gestopt(initiatieven, vandaag).to_numpy()
    onbekend = formulas.bevestiging_onbekend(initiatieven).to_numpy()
    return pd.Series(np.select([gestopt, mogelijk, onbekend],
                               [GESTOPT, MOGELIJK_GESTOPT, ONBEKEND], LOOPT),
                     index=initiatieven.index, dtype=object)


def _vandaag_nl() -> date:
    return datetime.now(formatting.TIJDZONE).date()


def initiatieven_weergave(table: pd.DataFrame, status: pd.Series | None = None) -> pd.DataFrame:
    """The initiatives table (export.spreadsheets.initiatieven_table) with Dutch column
    headers; with ``status`` (:func:`initiatief_status` of the same rows) a column "Status"
    after the name. The download of the Initiatieven page: its dates stay ISO text, which
    the download writes as dates (a missing one as an empty cell)."""
    table = table.copy()
    if status is not None:
        table.insert(1, "status", list(status))
    return table.rename(columns=INITIATIEF_KOPPEN)


# The Initiatieven page's columns, in this order: what people look for first, before the
# codes a table scrolls to. No coordinates.
SCHERM_KOLOMMEN = ["naam", "status", LAATST_BEVESTIGD, BRON, "omschrijving", "activiteit",
                   "wij_type", "doelgroepen", "frequentie", "startdatum", "einddatum",
                   "organisator", "buurtcode", "op_buurtniveau"]


def initiatieven_scherm(table: pd.DataFrame, status: pd.Series) -> pd.DataFrame:
    """The initiatives as the Initiatieven page shows them: ``table`` is
    export.spreadsheets.initiatieven_table of the rows, ``status`` their
    :func:`initiatief_status`. Dutch headers, dates as dd-mm-jjjj ("onbekend" when nobody
    knows when it was last confirmed; an empty start or end date stays empty), the bron
    ("onbekend" when not known)."""
    table = table.assign(status=list(status))
    table = table[[c for c in SCHERM_KOLOMMEN if c in table.columns]].copy()
    for column in ("startdatum", "einddatum", LAATST_BEVESTIGD):
        if column in table:
            missing = ONBEKEND if column == LAATST_BEVESTIGD else ""
            table[column] = [formatting.fmt_datum(_als_datum(v), missing=missing)
                             for v in table[column]]
    if BRON in table:
        table[BRON] = [gegevens_tekst(v, ONBEKEND) for v in table[BRON]]
    return table.rename(columns=INITIATIEF_KOPPEN).reset_index(drop=True)


def _als_datum(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def kaart_tabel(cijfers: pd.DataFrame, eenzaamheid: str = "eenzaam") -> pd.DataFrame:
    """The numbers behind a loneliness map: one row per buurt, with the interval."""
    label = INDICATOREN[eenzaamheid].label
    waarde, onder, boven = interval_kolommen(eenzaamheid)
    return pd.DataFrame({
        "Buurt": cijfers[BUURTNAAM], "Buurtcode": cijfers[BUURTCODE],
        f"{label} (%)": cijfers[waarde], "Ondergrens (%)": cijfers[onder],
        "Bovengrens (%)": cijfers[boven],
        "Initiatieven": cijfers["initiatieven"],
    }).reset_index(drop=True)
