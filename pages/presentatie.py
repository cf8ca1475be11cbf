"""Presentatie: council mode for the projector — six steps, one key per step."""
import streamlit as st

import ui
from wijkdata.compute.formulas import active_initiatieven, in_gemeente
from wijkdata.draw import grafieken, kaart, tabellen
from wijkdata.export import presentatie
from wijkdata.model.gegevens import DEMO_NAAM, gemeente_naam, met_code

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
    st.write("Kies wat u de raad wilt laten zien. Tijdens de presentatie gaat u met de "
             "pijltjestoetsen, Page Up/Page Down (ook op een presentatieklikker) of de "
             "grote knoppen naar de volgende of vorige stap. Escape stopt de presentatie.")
    namen = dict(zip(cijfers["buurtcode"], cijfers["buurtnaam"]))
    ui.blijvende_selectbox("Buurt om uit te lichten (stap 4)", list(namen), key="buurt",
                           default=presentatie.standaard_buurt(cijfers),
                           format_func=lambda c: met_code(namen[c], c))
    opties = list(initiatieven.index)
    ui.uitgelicht_default(presentatie.standaard_uitgelicht(initiatieven), opties)
    ui.blijvende_multiselect(f"Initiatieven om te laten zien (stap 5, hooguit "
                             f"{presentatie.MAX_UITGELICHT})", opties, key="uitgelicht",
                             max_selections=presentatie.MAX_UITGELICHT,
                             format_func=lambda i: presentatie.tekst(initiatieven.loc[i, "naam"]))
    with st.container(horizontal=True):
        st.button("Start de presentatie", type="primary", icon=":material/slideshow:",
                  on_click=ui.presentatie_naar, args=(1,))
        ui.raadsinformatie_button(data, keuzes, "presentatie_pdf")
    st.stop()

ui.presentatie_css()
titel = presentatie.STAPPEN[stap - 1]
kop = (f"<p class='kw-stap'>Stap {stap} van {len(presentatie.STAPPEN)} · "
       f"{ui.escape(gemeentenaam)}{' · ' + DEMO_NAAM if data.is_demo else ''}</p>"
       f"<h1>{ui.escape(titel)}</h1>")
BIG = {"font_size": 24}

if stap == 1:
    links, rechts = st.columns([3, 2], gap="large")
    with links:
        geo, view = ui.geojson(keuzes, "buurt")
        view = kaart.scaled_view(view, width=round(1050 * kaart.MAP_WIDTH), height=800)
        fig = kaart.choropleth(geo, cijfers.rename(columns={"buurtcode": "code",
                                                            "buurtnaam": "naam"}),
                               "eenzaam_pct", indicator="eenzaam", view=view,
                               initiatieven=initiatieven, height=800, **BIG)
        ui.presentatie_figuur(fig, "kaart")
    with rechts:
        kern = tabellen.kerncijfers(data, cijfers, keuzes.gemeente)
        ui.slide(kop + "<ul>" + "".join(f"<li>{ui.escape(t)}</li>" for t in
                                          presentatie.kerntekst(kern, gemeentenaam)) +
                 "</ul><p>Paars: hoe donkerder, hoe meer eenzaamheid. Grijs: geen gegevens. "
                 "Punten: initiatieven.</p>")
elif stap == 2:
    ui.slide(kop)
    fig = grafieken.quadrant_chart(cijfers, "eenzaam_pct", "Eenzaam", height=760,
                                   marker_size=20, line_width=4, **BIG)
    ui.presentatie_figuur(fig, "kwadrant")
elif stap == 3:
    vlekken = presentatie.top_vlekken(cijfers)
    items = "".join(f"<li><span class='kw-groot'>{ui.escape(v.naam)}</span>"
                    f"<span class='kw-reden'>{ui.escape(v.reden)}</span></li>"
                    for v in vlekken)
    ui.slide(kop + (f"<ol>{items}</ol>" if vlekken else
                    "<p>Met de huidige grenzen is geen buurt een witte vlek.</p>") +
             "<p>Witte vlek: eenzaamheid bij de hoogste 25% van de buurten én initiatieven "
             "per 1.000 inwoners bij de laagste 25%.</p>")
elif stap == 4:
    buurt = ss.get("buurt") if ss.get("buurt") in set(cijfers["buurtcode"]) else \
        presentatie.standaard_buurt(cijfers)
    rij = cijfers.set_index("buurtcode").loc[buurt]
    profiel = tabellen.profiel(data, cijfers, buurt)
    links, rechts = st.columns([2, 3], gap="large")
    with links:
        ui.slide(kop + ui.buurt_slide(rij, profiel))
    with rechts:
        fig = grafieken.interval_chart(profiel, ["eenzaam", "ernstig_eenzaam",
                                                 "emotioneel_eenzaam", "sociaal_eenzaam"],
                                       height=760, marker_size=22, line_width=5, **BIG)
        ui.presentatie_figuur(fig, "profiel")
elif stap == 5:
    gekozen = [i for i in ss.get("uitgelicht", []) if i in initiatieven.index] or \
        presentatie.standaard_uitgelicht(initiatieven)
    kaarten = [presentatie.initiatief_kaart(initiatieven.loc[i]) for i in gekozen]
    ui.slide(kop + ui.initiatief_cards(kaarten))
else:
    ui.slide(kop + ui.bronnen_slide(data))

ui.presentatie_knoppen(stap, len(presentatie.STAPPEN))
