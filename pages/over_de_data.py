"""Over de data: sources, definitions, formulas, thresholds, caveats, active datasets."""
import streamlit as st

import ui
from wijkdata.draw import tabellen
from wijkdata.escaping import escape_markdown
from wijkdata.export.raadsrapport import naamsvermeldingen

ui.frame_guard()
data = ui.gegevens()
st.title("Over de data")
ui.demo_banner(data)

st.header("Geladen gegevens")
ui.table(tabellen.geladen(data), name="gegevens")

st.header("Bronvermelding")
st.markdown("\n".join(f"- {escape_markdown(regel)}" for regel in naamsvermeldingen(
    data, achtergrondkaart=ui.achtergrondkaart() is not None)))

st.header("Definities")
ui.table(tabellen.definities(), name="definities",
         column_config={"Definitie": st.column_config.TextColumn(width="large")})

st.header("Zo rekenen we")
ui.methode_melding()
st.markdown(tabellen.uitleg(ui.gekozen_methode()))

st.header("Waar u op moet letten")
st.markdown(tabellen.KANTTEKENINGEN)
