"""The council story: six steps from the gemeente map to sources and caveats.

The content of each step is chosen here (which witte vlekken, which buurt, which
initiatives, in which words); the page only lays it out in big type.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wijkdata.compute.witte_vlekken import Methode
from wijkdata.escaping import escape_html
from wijkdata.formatting import fmt_getal, fmt_pct
from wijkdata.model.gegevens import DEMO_NAAM, Gegevens, tekst
from wijkdata.model.schema import (
    AFSTAND,
    BEREIK_M,
    BINNEN_BEREIK,
    BUURTCODE,
    BUURTNAAM,
    INDICATOREN,
    INITIATIEVEN,
    INWONERS,
    RANG,
    WITTE_VLEK,
    ZEKERHEID,
    interval_kolommen,
    pct,
)

STAPPEN = [
    "Eenzaamheid en kleine wij's",
    "Waar is veel eenzaamheid en weinig aanbod?",
    "De witte vlekken",
    "Een buurt van dichtbij",
    "Kleine wij's in beeld",
    "Bronnen en kanttekeningen",
]
MAX_UITGELICHT = 4


@dataclass(frozen=True)
class Vlek:
    buurtcode: str
    naam: str
    reden: str


def top_vlekken(cijfers: pd.DataFrame, n: int = 5, eenzaamheid: str = "eenzaam") -> list[Vlek]:
    """The first n witte vlekken by the method's rank (zeker before mogelijk, then the lower
    bound high first, then the supply low first), each with one short reason that says
    zeker or mogelijk."""
    rows = cijfers[cijfers[WITTE_VLEK].fillna(False).astype(bool)]
    if rows.empty:
        return []
    order = pd.DataFrame({"rang": pd.to_numeric(rows[RANG], errors="coerce"),
                          "zeker": rows[ZEKERHEID] != "zeker",
                          "waarde": -pd.to_numeric(rows[pct(eenzaamheid)], errors="coerce"),
                          "code": rows[BUURTCODE].astype(str)}, index=rows.index)
    rows = rows.loc[order.sort_values(["rang", "zeker", "waarde", "code"]).index].head(n)
    label = INDICATOREN[eenzaamheid].label.lower()
    return [Vlek(r[BUURTCODE], tekst(r[BUURTNAAM], r[BUURTCODE]),
                 f"{_zekerheid(r[ZEKERHEID])}: {fmt_pct(r[pct(eenzaamheid)])} {label}, "
                 f"{_aantal(r[BINNEN_BEREIK])}{_binnen(r.get(BEREIK_M))} voor "
                 f"{fmt_getal(r[INWONERS])} inwoners")
            for _, r in rows.iterrows()]


def _zekerheid(value) -> str:
    return "zeker" if value == "zeker" else "mogelijk"


def _binnen(bereik) -> str:
    if bereik is None or pd.isna(bereik):
        return " binnen bereik"
    return " in de buurt" if bereik == 0 else f" binnen {fmt_getal(bereik)} m"


def _aantal(n) -> str:
    if pd.isna(n):
        return "onbekend aantal initiatieven"
    return "geen initiatieven" if n == 0 else ("1 initiatief" if n == 1 else
                                                f"{fmt_getal(n)} initiatieven")


def standaard_buurt(cijfers: pd.DataFrame) -> str | None:
    """The buurt to show when none is chosen: the first witte vlek, else the loneliest."""
    vlekken = top_vlekken(cijfers, 1)
    if vlekken:
        return vlekken[0].buurtcode
    known = cijfers.dropna(subset=[pct("eenzaam")])
    if known.empty:
        return cijfers[BUURTCODE].iloc[0] if len(cijfers) else None
    return known.sort_values(pct("eenzaam"), ascending=False)[BUURTCODE].iloc[0]


def gekozen_buurt(cijfers: pd.DataFrame, keuze) -> str | None:
    """The buurt of step 4: ``keuze`` when it is a buurt of ``cijfers``, else
    :func:`standaard_buurt`."""
    if keuze is not None and keuze in set(cijfers[BUURTCODE]):
        return keuze
    return standaard_buurt(cijfers)


def standaard_uitgelicht(initiatieven: pd.DataFrame, n: int = MAX_UITGELICHT) -> list:
    """A varied default selection: each a different activity, taking the wij-types in
    turn (bridging, bonding, beide), so the council sees the range of small wij's.
    Returns index labels of ``initiatieven``."""
    if initiatieven.empty:
        return []
    chosen, seen = [], set()
    turns = ["bridging", "bonding", "beide"]
    ranked = initiatieven.sort_values("naam")
    for round_ in range(n * len(turns)):
        wij = turns[round_ % len(turns)]
        pool = ranked[(ranked["wij_type"] == wij) & ~ranked["activiteit"].isin(seen)
                      & ~ranked.index.isin(chosen)]
        if len(pool):
            chosen.append(pool.index[0])
            seen.add(pool["activiteit"].iloc[0])
        if len(chosen) == n:
            break
    if len(chosen) < n:                  # fewer kinds than places: fill in by name
        chosen += [i for i in ranked.index if i not in chosen][: n - len(chosen)]
    return chosen


def gekozen_uitgelicht(initiatieven: pd.DataFrame, keuze) -> list:
    """The initiatives of step 5: those of ``keuze`` still in ``initiatieven``, else
    :func:`standaard_uitgelicht`."""
    gekozen = [i for i in keuze or [] if i in initiatieven.index]
    return gekozen or standaard_uitgelicht(initiatieven)


def kerntekst(kern: dict, gemeentenaam: str) -> list[str]:
    """Three short sentences for the first step, from tabellen.kerncijfers."""
    jaar = tekst(kern["periode"], "jaar onbekend")
    if pd.isna(kern["eenzaam"]["waarde"]):
        lines = [f"Over eenzaamheid in {gemeentenaam} is geen cijfer bekend ({jaar})."]
    else:
        lines = [f"{fmt_pct(kern['eenzaam']['waarde'])} van de volwassenen in {gemeentenaam} "
                 f"voelt zich eenzaam ({jaar})."]
    if not pd.isna(kern["initiatieven"]):
        lines.append(f"{fmt_getal(kern['initiatieven'])} kleine initiatieven in "
                     f"{fmt_getal(kern['buurten'])} buurten.")
    lines.append(f"{fmt_getal(kern['witte_vlekken'])} witte vlekken: veel eenzaamheid, "
                 "weinig aanbod.")
    return lines


def initiatief_kaart(row: pd.Series) -> dict:
    """What a featured initiative card says: name, what, for whom, how often, wij-type."""
    wij = {"bonding": "verbindt mensen die op elkaar lijken (bonding)",
           "bridging": "verbindt mensen die van elkaar verschillen (bridging)",
           "beide": "verbindt gelijken én verschillenden"}.get(tekst(row.get("wij_type")), "")
    return {"naam": tekst(row["naam"], "naam onbekend"), "wat": tekst(row.get("omschrijving")),
            "voor": tekst(row.get("doelgroepen"), "iedereen"),
            "hoe_vaak": tekst(row.get("frequentie")), "wij": wij,
            "activiteit": tekst(row.get("activiteit"))}


# --- slide HTML: every value from a file is escaped, so uploaded text stays text ----------

def kop_html(stap: int, gemeentenaam: str, is_demo: bool) -> str:
    """The head of every step: 'Stap 2 van 6 · Almere' (and the demo's name) and its title."""
    regel = f"Stap {stap} van {len(STAPPEN)} · {gemeentenaam}"
    if is_demo:
        regel += f" · {DEMO_NAAM}"
    return (f"<p class='kw-stap'>{escape_html(regel)}</p>"
            f"<h1>{escape_html(STAPPEN[stap - 1])}</h1>")


def kern_html(kern: dict, gemeentenaam: str) -> str:
    """Step 1: the :func:`kerntekst` sentences and how to read the map beside them."""
    regels = "".join(f"<li>{escape_html(t)}</li>" for t in kerntekst(kern, gemeentenaam))
    # "met donkere rand": under a grey base map (streets) plain "grijs" would be ambiguous.
    return (f"<ul>{regels}</ul><p>Paars: hoe donkerder, hoe meer eenzaamheid. Grijs met "
            "donkere rand: geen gegevens. Punten: initiatieven.</p>")


def vlekken_html(vlekken: list[Vlek], methode: Methode | None = None) -> str:
    """Step 3: the :func:`top_vlekken`, each with its reason, and what a witte vlek is."""
    if vlekken:
        items = "".join(f"<li><span class='kw-groot'>{escape_html(v.naam)}</span>"
                        f"<span class='kw-reden'>{escape_html(v.reden)}</span></li>"
                        for v in vlekken)
        lijst = f"<ol>{items}</ol>"
    else:
        lijst = "<p>Met de huidige grenzen is geen buurt een witte vlek.</p>"
    from wijkdata.draw.tabellen import grenzen_tekst
    methode = methode or Methode()
    return (lijst + f"<p>Witte vlek: {escape_html(grenzen_tekst(methode))}. Zeker: ook de "
            "ondergrens van de schatting ligt boven de grens; mogelijk: alleen de schatting "
            "zelf.</p>")

def buurt_html(rij: pd.Series, profiel: pd.DataFrame) -> str:
    """Step 4: the buurt's name, its key figures and the verdict against the gemeente."""
    from wijkdata.formatting import fmt_interval, fmt_meters
    eenzaam = profiel[profiel["indicator"] == "eenzaam"]
    oordeel = eenzaam["vs_gemeente"].iloc[0] if len(eenzaam) else None
    waarde, onder, boven = interval_kolommen("eenzaam")
    regels = [
        "<p class='kw-groot'>"
        f"{escape_html(tekst(rij[BUURTNAAM], rij.get(BUURTCODE, rij.name)))}</p>",
        f"<p>{escape_html(fmt_pct(rij[waarde]))} eenzaam "
        f"{escape_html(fmt_interval(rij[onder], rij[boven]))}</p>",
    ]
    if oordeel:
        regels.append(f"<p>Vergeleken met de gemeente: <b>{escape_html(oordeel)}</b>.</p>")
    regels.append(f"<p>{escape_html(fmt_getal(rij[INWONERS]))} inwoners · "
                  f"{escape_html(_aantal(rij[INITIATIEVEN]))}</p>")
    afstand = fmt_meters(rij[AFSTAND])
    regels.append(f"<p>Dichtstbijzijnde initiatief: {escape_html(afstand)}</p>")
    return "".join(regels)


def initiatieven_html(kaarten: list[dict]) -> str:
    """Step 5: up to four cards with what an initiative does and for whom."""
    if not kaarten:
        return "<p>Er zijn nog geen initiatieven bekend in deze gemeente.</p>"
    cards = "".join(
        f"<div class='kw-card'><h2>{escape_html(k['naam'])}</h2><p>{escape_html(k['wat'])}</p>"
        f"<p><b>Voor:</b> {escape_html(k['voor'])}"
        f"{(' · ' + escape_html(k['hoe_vaak'])) if k['hoe_vaak'] else ''}</p>"
        f"<p>{escape_html(k['wij'])}</p></div>" for k in kaarten)
    return f"<div class='kw-cards'>{cards}</div>"


def bronnen_regels(gegevens: Gegevens) -> list[str]:
    """Step 6: one line per dataset the figures come from (the demo names itself)."""
    if gegevens.is_demo:
        return [f"{DEMO_NAAM}: een verzonnen gemeente."]
    from wijkdata.formatting import fmt_datum
    return [f"{v.name} ({v.kind}), versie {v.number}, {fmt_datum(v.created_at)}"
            for v in gegevens.versies]


def bronnen_html(versies_tekst: list[str]) -> str:
    """Step 6: sources and the caveats, in a few lines."""
    bronnen = "".join(f"<li>{escape_html(v)}</li>" for v in versies_tekst)
    return (
        "<ul class='kw-bronnen'>"
        "<li><b>Eenzaamheid</b>: RIVM Gezondheidsmonitor Volwassenen en Ouderen "
        "(modelschattingen per buurt, met 95%-interval).</li>"
        "<li><b>Inwoners en huishoudens</b>: CBS Kerncijfers wijken en buurten.</li>"
        "<li><b>Initiatieven</b>: lijsten van gemeente en partners; er is geen landelijk "
        "register, dus weinig initiatieven kan ook betekenen: weinig bekend.</li>"
        "<li><b>Let op</b>: zorginstellingen kleuren de cijfers van kleine buurten; kleine "
        "aantallen zijn onzeker; 'geen gegevens' is nooit nul.</li>"
        f"</ul><p><b>Gegevens</b></p><ul class='kw-bronnen'>{bronnen}</ul>")
