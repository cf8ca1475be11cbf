"""Where the initiatives of a gemeente come from: the lists that were loaded, or reports by
residents and wijkwerkers (issue 12). The Overzicht says it in one sentence and invites
people to report what is missing.

Only an approved report carries ``bron`` 'melding' (wijkdata.meldingen.goedkeuren sets it);
every other row came from a list, also where ``bron`` is empty or the column absent (a frame
assembled before issue 12), so no initiative is ever counted as "unknown origin".
"""
from __future__ import annotations

import pandas as pd

from wijkdata.compute.formulas import active_initiatieven
from wijkdata.formatting import fmt_getal
from wijkdata.model.schema import BRON, BRON_MELDING, GEMEENTECODE


def bronnen_telling(initiatieven: pd.DataFrame, gemeentecode: str | None = None) -> dict:
    """The running initiatives (the ones the Overzicht's count holds: not ended before
    today) of ``gemeentecode`` (None: all), split by where they come from.

    Returns ``{"totaal", "uit_lijsten", "uit_meldingen", "lijsten"}``: counts, and the
    number of different lists the listed ones come from.
    """
    frame = initiatieven
    if gemeentecode is not None and len(frame):
        codes = frame[GEMEENTECODE] if GEMEENTECODE in frame else pd.Series(
            None, index=frame.index, dtype=object)
        frame = frame[codes.astype(object).eq(gemeentecode).fillna(False).astype(bool)]
    if len(frame):
        frame = active_initiatieven(frame)
    bron = (frame[BRON].astype(object) if BRON in frame
            else pd.Series(None, index=frame.index, dtype=object))
    tekst = bron.map(lambda v: v.strip() if isinstance(v, str) else "")
    gemeld = tekst.eq(BRON_MELDING)
    lijsten = tekst[~gemeld]
    return {
        "totaal": int(len(frame)),
        "uit_lijsten": int((~gemeld).sum()),
        "uit_meldingen": int(gemeld.sum()),
        # A list without a name is still one list.
        "lijsten": int(lijsten.nunique() or (1 if len(lijsten) else 0)),
    }


def _aantal(n: int, enkelvoud: str, meervoud: str) -> str:
    return f"{fmt_getal(n)} {enkelvoud if n == 1 else meervoud}"


def bronnen_tekst(telling: dict) -> str:
    """One plain sentence (B1) for the Overzicht, e.g. 'Van de 42 initiatieven komen er 39
    uit 2 lijsten van de gemeente en 3 uit meldingen van bewoners.'"""
    totaal, lijst, gemeld = telling["totaal"], telling["uit_lijsten"], telling["uit_meldingen"]
    if totaal == 0:
        return "Hier is nog geen initiatief bekend."
    uit_lijsten = ("uit de lijst van de gemeente" if telling["lijsten"] <= 1 else
                   f"uit {fmt_getal(telling['lijsten'])} lijsten van de gemeente")
    uit_meldingen = ("uit een melding" if gemeld == 1 else "uit meldingen") + \
        " van bewoners"
    onderwerp = ("Het enige initiatief komt" if totaal == 1
                 else f"Alle {fmt_getal(totaal)} initiatieven komen")
    if gemeld == 0:
        return f"{onderwerp} {uit_lijsten}. Er zijn nog geen meldingen van bewoners."
    if lijst == 0:
        return f"{onderwerp} {uit_meldingen}."
    return (f"Van de {_aantal(totaal, 'initiatief', 'initiatieven')} komen er "
            f"{fmt_getal(lijst)} {uit_lijsten} en {fmt_getal(gemeld)} {uit_meldingen}.")
