"""Buurtprofiel: every figure of one buurt against its wijk, the gemeente and Nederland."""
import pandas as pd
import streamlit as st

import ui
from wijkdata.draw import grafieken, tabellen
from wijkdata.escaping import escape_markdown
from wijkdata.formatting import fmt_getal, fmt_meters
from wijkdata.model import codes
from wijkdata.model.gegevens import met_code, tekst
from wijkdata.model.schema import (
    AFSTAND,
    BEREIK_M,
    BINNEN_BEREIK,
    BINNEN_BEREIK_PER_1000,
    BUURTCODE,
    BUURTNAAM,
    INDICATOREN,
    INITIATIEVEN,
    INWONERS,
    LONELINESS,
    PER_1000,
    RANG,
    REDEN,
    WIJKNAAM,
    WITTE_VLEK,
    ZEKERHEID,
    eenzaamheid_voor,
)

data, keuzes = ui.page("Buurtprofiel")

cijfers = ui.cijfers(keuzes)
namen = dict(zip(cijfers[BUURTCODE], cijfers[BUURTNAAM]))
buurtcode = ui.blijvende_selectbox(
    "Buurt", list(namen), key="buurt", default=next(iter(namen)),
    format_func=lambda c: met_code(namen[c], c),
    help="Typ om te zoeken. U kunt ook op de kaart op een buurt klikken.")
rij = cijfers[cijfers[BUURTCODE] == buurtcode].iloc[0]
eenzaamheid = eenzaamheid_voor(keuzes.indicator)
label = INDICATOREN[eenzaamheid].label

st.subheader(f"{tekst(rij[BUURTNAAM], buurtcode)}, "
             f"wijk {tekst(rij[WIJKNAAM], codes.wijkcode(buurtcode))}")
cols = st.columns(4)
cols[0].metric("Inwoners", fmt_getal(rij[INWONERS]))
cols[1].metric("Initiatieven in de buurt", fmt_getal(rij[INITIATIEVEN],
                                                     missing="geen lijst geladen"))
cols[2].metric("Binnen bereik per 1.000 inw.",
               fmt_getal(rij[BINNEN_BEREIK_PER_1000], 1, missing="niet berekend"),
               help=f"{fmt_getal(rij[BINNEN_BEREIK], missing='onbekend')} initiatieven in de "
                    f"buurt of binnen {fmt_getal(rij[BEREIK_M])} m van de rand. In de buurt "
                    f"zelf: {fmt_getal(rij[PER_1000], 1, missing='niet berekend')} per 1.000.")
cols[3].metric("Dichtstbijzijnde initiatief", fmt_meters(rij[AFSTAND]))
# witte_vlek is a nullable boolean: True, False or unknown (pd.NA), never `is True`.
if ui.is_waar(rij[WITTE_VLEK]):
    st.warning(f"Deze buurt is **{tekst(rij[ZEKERHEID], 'mogelijk')} een witte vlek** "
               f"(nr. {fmt_getal(rij[RANG])} in de gemeente): veel eenzaamheid en weinig "
               "initiatieven binnen bereik, vergeleken met de andere buurten van de gemeente.",
               icon="🔎")
if isinstance(rij[REDEN], str) and rij[REDEN]:
    st.caption(escape_markdown(rij[REDEN]))

profiel = tabellen.profiel(data, cijfers, buurtcode)
st.markdown(f"**Vergeleken met wijk, gemeente en Nederland** ({ui.periode_label(keuzes)}). "
            "De lijnen zijn 95%-intervallen: de cijfers zijn schattingen. "
            "'Hoger' of 'lager' staat er alleen als de intervallen niet overlappen.")
ui.chart(grafieken.interval_chart(profiel, LONELINESS), name=f"profiel_{buurtcode}",
         key="profiel_intervallen")
berekend = [naam for level, naam in (("wijk", "de wijk"), ("gemeente", "de gemeente"))
            if profiel.get(f"{level}_berekend", pd.Series(dtype=bool)).fillna(False).any()]
if berekend:
    st.caption(f"De geladen cijfers geven geen eigen schatting voor {' en '.join(berekend)}. "
               "Die cijfers zijn berekend uit de buurten (gewogen naar het aantal inwoners) "
               "en hebben daarom geen interval.")
ui.table(tabellen.profiel_tabel(profiel), name=f"profiel_{buurtcode}")

left, right = st.columns(2)
with left:
    st.markdown(f"**{label}: verloop over de jaren**")
    trend = tabellen.trend(data, eenzaamheid, {"Buurt": buurtcode,
                                                 "Gemeente": codes.gemeentecode(buurtcode),
                                                 "Nederland": codes.NEDERLAND},
                             keuzes.leeftijd)
    if trend.empty:
        st.write("Geen cijfers over meerdere jaren.")
    else:
        ui.chart(grafieken.trend_chart(trend, f"{label} (%)"), name=f"trend_{buurtcode}",
                 key="profiel_trend")
        if trend["berekend"].any():
            st.caption("De lijn van de gemeente is berekend uit de buurten (gewogen naar het "
                       "aantal inwoners), zonder interval.")
        with st.expander("Tabel"):
            ui.table(trend, name=f"trend_{buurtcode}")
with right:
    st.markdown(f"**{label} per leeftijdsgroep ({tekst(keuzes.periode, 'geen jaar')})**")
    groepen = tabellen.leeftijdsgroepen(data, eenzaamheid, buurtcode, keuzes.periode)
    ui.chart(grafieken.leeftijd_chart(groepen, f"{label} (%)"),
             name=f"leeftijden_{buurtcode}", key="profiel_leeftijd")
    with st.expander("Tabel"):
        ui.table(groepen, name=f"leeftijden_{buurtcode}")

st.markdown("**Initiatieven in en rond de buurt**")
rond = tabellen.initiatieven_rond(data, buurtcode)
if rond.empty:
    st.write("Geen initiatieven bekend.")
else:
    rond_tabel = tabellen.initiatieven_rond_tabel(rond)
    ui.table(rond_tabel, name=f"initiatieven_rond_{buurtcode}",
             column_config=tabellen.kolombreedtes(rond_tabel))
