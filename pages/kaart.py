"""Kaart: the chosen indicator per buurt or wijk, initiatives on top, filters; a click on a
buurt opens its profile."""
import streamlit as st

import ui
from wijkdata.compute import formulas
from wijkdata.compute.buurttabel import gebiedcijfers
from wijkdata.draw import kaart
from wijkdata.model.schema import (
    ACTIVITEITEN,
    CODE,
    DOELGROEPEN,
    INITIATIEVEN,
    INWONERS,
    NAAM,
    WIJ_TYPES,
    column_for,
    heeft_verschil,
    verschil,
)

data, keuzes = ui.page("Kaart")

with st.container(horizontal=True):
    activiteiten = st.multiselect("Activiteit", ACTIVITEITEN, placeholder="Alle activiteiten")
    wij_types = st.multiselect("Wij-type", WIJ_TYPES, placeholder="Alle wij-types",
                               help="Bonding: verbindt mensen die op elkaar lijken. Bridging: "
                                    "verbindt mensen die van elkaar verschillen.")
    doelgroepen = st.multiselect("Doelgroep", DOELGROEPEN, placeholder="Alle doelgroepen")
    kleur_op = st.radio("Kleur van de punten", ["wij_type", "activiteit"], horizontal=True,
                        format_func={"wij_type": "wij-type", "activiteit": "activiteit"}.get)
    omlijnen = st.toggle("Witte vlekken omlijnen", value=True, key="kaart_vlekken",
                         disabled=keuzes.niveau != "buurt",
                         help="Zwarte rand: zeker een witte vlek; oranje rand: mogelijk. "
                              "Alleen op niveau buurt.")
    kan_verschil = keuzes.niveau == "buurt" and heeft_verschil(keuzes.indicator)
    als_verschil = st.toggle("Verschil met het gemeentegemiddelde", key="kaart_verschil",
                             disabled=not kan_verschil,
                             help="Kleur elke buurt naar hoeveel procentpunt zij boven (paars) "
                                  "of onder (oranje) het gemiddelde van haar eigen gemeente "
                                  "ligt. Alleen voor percentages, op niveau buurt.")

filters = (activiteiten, wij_types, doelgroepen)
cijfers = ui.cijfers(keuzes, filters=filters)
gebieden = gebiedcijfers(data, cijfers, keuzes.niveau)
points = ui.filtered_initiatieven(data, filters)
points = formulas.in_gemeente(points, keuzes.gemeente)
te_veel = len(points) > kaart.MAX_POINTS
if te_veel:
    points = points.iloc[0:0]
column = column_for(keuzes.indicator)
als_verschil = als_verschil and kan_verschil
if als_verschil:
    gebieden[verschil(column)] = formulas.verschil_met_gemeente(gebieden, column)
geo, view = ui.geojson(keuzes)

st.markdown(f"**{ui.indicator_label(keuzes.indicator)}** per {keuzes.niveau} · "
            f"{ui.periode_label(keuzes)} · **{len(points)} initiatieven** getoond")
if te_veel:
    st.caption("Bij alle gemeenten samen staan de initiatieven niet op de kaart (te veel "
               "punten om te lezen). Kies een gemeente om ze te zien.")
fig = kaart.choropleth(geo, gebieden, verschil(column) if als_verschil else column,
                       indicator=keuzes.indicator, view=view, initiatieven=points,
                       kleur_op=kleur_op, highlight=st.session_state.get("buurt"),
                       verschil=als_verschil, achtergrond=ui.achtergrondkaart())
if omlijnen and keuzes.niveau == "buurt":
    kaart.add_witte_vlekken(fig, geo, cijfers)
event = st.plotly_chart(fig, width="stretch", on_select="rerun", selection_mode="points",
                        key="kaart", theme=None,
                        config={"displayModeBar": True, "displaylogo": False,
                                "modeBarButtonsToRemove": ["select", "lasso"]})
code = kaart.clicked_code(event)
if code and keuzes.niveau == "buurt":
    st.session_state["buurt"] = code
    st.switch_page("pages/buurtprofiel.py")
elif code:
    st.info(f"U klikte op wijk {code}. Kies niveau *buurt* om een buurtprofiel te openen.")
ui.chart_downloads(fig, name=f"kaart_{keuzes.bestandsdeel}_{keuzes.niveau}", key="kaart")

st.caption("Grijs met donkere rand: geen gegevens (te weinig inwoners, geheim of niet "
           "geschat). Punten op buurtniveau staan midden in hun buurt, niet op een adres. "
           "Klik op een buurt om het profiel te openen.")
with st.expander("De cijfers van deze kaart als tabel"):
    extra = [verschil(column)] if als_verschil else []
    table = gebieden[[CODE, NAAM, INWONERS, column, *extra, INITIATIEVEN]].rename(columns={
        CODE: "Code", NAAM: "Naam", INWONERS: "Inwoners",
        column: ui.indicator_label(keuzes.indicator), INITIATIEVEN: "Initiatieven",
        verschil(column): "Verschil met gemeentegemiddelde (procentpunt)"})
    ui.table(table, name=f"kaart_{keuzes.bestandsdeel}_{keuzes.niveau}")
