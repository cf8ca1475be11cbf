"""Presentatie: council mode for the projector — six steps, one key per step."""
import streamlit as st

import ui
from wijkdata.compute.buurttabel import als_gebieden
from wijkdata.compute.formulas import active_initiatieven, in_gemeente
from wijkdata.draw import grafieken, kaart, tabellen
from wijkdata.export import presentatie
from wijkdata.model.gegevens import gemeente_naam, met_code
from wijkdata.model.schema import BUURTCODE, BUURTNAAM, INDICATOREN, LONELINESS, pct

ui.frame_guard()
data = ui.gegevens()
keuzes = ui.keuzes()
if ui.no_data(data):
    st.stop()

cijfers = ui.cijfers(keuzes)
initiatieven = active_initiatieven(data.initiatieven)
initiatieven = in_gemeente(initiatieven, keuzes.gemeente)
gemeentenaam = gemeente_naam(data, keuzes.gemeente)
ss = st.session_state
stap = ui.presentatie_stap()

if stap == 0:
    st.title("Presentatie voorbereiden")
    ui.demo_banner(data)
    ui.methode_melding()
    st.write("Kies wat u de raad wilt laten zien. Tijdens de presentatie gaat u met de "
             "pijltjestoetsen, Page Up/Page Down (ook op een presentatieklikker) of de "
             "grote knoppen naar de volgende of vorige stap. Escape stopt de presentatie.")
    namen = dict(zip(cijfers[BUURTCODE], cijfers[BUURTNAAM]))
    ui.blijvende_selectbox("Buurt om uit te lichten (stap 4)", list(namen), key="buurt",
                           default=presentatie.standaard_buurt(cijfers),
                           format_func=lambda c: met_code(namen[c], c))
    opties = list(initiatieven.index)
    ui.uitgelicht_default(presentatie.standaard_uitgelicht(initiatieven), opties)
    ui.blijvende_multiselect(f"Initiatieven om te laten zien (stap 5, hooguit "
                             f"{presentatie.MAX_UITGELICHT})", opties, key="uitgelicht",
                             max_selections=presentatie.MAX_UITGELICHT,
                             format_func=lambda i: presentatie.tekst(initiatieven.loc[i, "naam"]))
    ui.achtergrond_keuze()
    with st.container(horizontal=True):
        st.button("Start de presentatie", type="primary", icon=":material/slideshow:",
                  on_click=ui.presentatie_naar, args=(1,))
        ui.raadsinformatie_button(data, keuzes, "presentatie_pdf")
    st.stop()

ui.presentatie_css()
kop = presentatie.kop_html(stap, gemeentenaam, data.is_demo)
BIG = {"font_size": 24}

if stap == 1:
    links, rechts = st.columns([3, 2], gap="large")
    with links:
        geo, view = ui.geojson(keuzes, "buurt")
        view = kaart.scaled_view(view, width=round(1050 * kaart.MAP_WIDTH), height=800)
        fig = kaart.choropleth(geo, als_gebieden(cijfers), pct("eenzaam"),
                               indicator="eenzaam", view=view,
                               initiatieven=initiatieven, height=800,
                               achtergrond=ui.presentatie_achtergrond(), **BIG)
        ui.presentatie_figuur(fig, "kaart")
    with rechts:
        kern = tabellen.kerncijfers(data, cijfers, keuzes.gemeente)
        ui.slide(kop + presentatie.kern_html(kern, gemeentenaam))
elif stap == 2:
    ui.slide(kop)
    fig = grafieken.quadrant_chart(cijfers, pct("eenzaam"), INDICATOREN["eenzaam"].label,
                                   height=760, marker_size=20, line_width=4, **BIG)
    ui.presentatie_figuur(fig, "kwadrant")
elif stap == 3:
    ui.slide(kop + presentatie.vlekken_html(presentatie.top_vlekken(cijfers),
                                            ui.gekozen_methode()))
elif stap == 4:
    buurt = presentatie.gekozen_buurt(cijfers, ss.get("buurt"))
    rij = cijfers.set_index(BUURTCODE).loc[buurt]
    profiel = tabellen.profiel(data, cijfers, buurt)
    links, rechts = st.columns([2, 3], gap="large")
    with links:
        ui.slide(kop + presentatie.buurt_html(rij, profiel))
    with rechts:
        fig = grafieken.interval_chart(profiel, LONELINESS, height=760, marker_size=22,
                                       line_width=5, **BIG)
        ui.presentatie_figuur(fig, "profiel")
elif stap == 5:
    gekozen = presentatie.gekozen_uitgelicht(initiatieven, ss.get("uitgelicht", []))
    kaarten = [presentatie.initiatief_kaart(initiatieven.loc[i]) for i in gekozen]
    ui.slide(kop + presentatie.initiatieven_html(kaarten))
else:
    ui.slide(kop + presentatie.bronnen_html(presentatie.bronnen_regels(data)))

ui.presentatie_knoppen(stap, len(presentatie.STAPPEN))
