"""Witte vlekken: the quadrant scatter with adjustable thresholds and the ranked table."""
import streamlit as st

import ui
from wijkdata.compute.witte_vlekken import Methode
from wijkdata.draw import grafieken, tabellen
from wijkdata.model.schema import INDICATOREN, WITTE_VLEK, eenzaamheid_voor, pct

data, keuzes = ui.page("Witte vlekken")

eenzaamheid = eenzaamheid_voor(keuzes.indicator)
label = INDICATOREN[eenzaamheid].label
st.markdown(f"Een **witte vlek** is een buurt waar *{label.lower()}* hoog is en er weinig "
            "initiatieven zijn, vergeleken met de andere buurten van dezelfde gemeente. "
            "U kiest zelf de grenzen.")
c1, c2, c3 = st.columns(3)
q_eenzaam = c1.slider(f"{label}: bij de hoogste … van de buurten", 5, 50, 25, step=5,
                      format="%d%%", help="Standaard: de hoogste 25% (bovenste kwart).")
q_aanbod = c2.slider("Initiatieven per 1.000 inwoners: bij de laagste … van de buurten",
                     5, 50, 25, step=5, format="%d%%", help="Standaard: de laagste 25%.")
min_inwoners = c3.number_input("Minimaal aantal inwoners voor een cijfer per 1.000", 0, 5000,
                               100, step=50)
methode = Methode(eenzaam=1 - q_eenzaam / 100, aanbod=q_aanbod / 100,
                   min_inwoners=int(min_inwoners))
cijfers = ui.cijfers(keuzes, methode=methode)
tabel = tabellen.witte_vlekken_tabel(cijfers, eenzaamheid)

st.markdown("Het gekleurde vlak linksboven zijn de **witte vlekken**: veel eenzaamheid, "
            "weinig initiatieven.")
ui.chart(grafieken.quadrant_chart(cijfers, pct(eenzaamheid), label),
         name=f"witte_vlekken_{keuzes.bestandsdeel}", key="kwadrant")
with st.expander("De cijfers van deze figuur als tabel"):
    ui.table(tabellen.witte_vlekken_tabel(cijfers, eenzaamheid, alleen_vlekken=False),
             name=f"kwadrant_{keuzes.bestandsdeel}")
onbekend = int(cijfers[WITTE_VLEK].isna().sum())
if onbekend:
    st.caption(f"{onbekend} {'buurt staat' if onbekend == 1 else 'buurten staan'} niet in de "
               f"figuur: geen cijfer over eenzaamheid of minder dan {min_inwoners} inwoners.")

st.subheader(f"{len(tabel)} witte vlekken ({ui.periode_label(keuzes)})")
if tabel.empty:
    st.write("Met deze grenzen is geen buurt een witte vlek.")
else:
    ui.table(tabel,
             column_config={"Waarom": st.column_config.TextColumn(width="large")})
ui.download_buttons(tabellen.witte_vlekken_tabel(cijfers, eenzaamheid, alleen_vlekken=False),
                    f"witte_vlekken_{keuzes.bestandsdeel}", "witte_vlekken")
st.caption("De download bevat alle buurten met de reden waarom ze wel of niet een witte "
           "vlek zijn.")
