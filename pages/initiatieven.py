"""Initiatieven: searchable, filterable table and counts by activity, wij-type, target group."""
import streamlit as st

import ui
from wijkdata.compute import formulas
from wijkdata.draw import grafieken, tabellen
from wijkdata.export import spreadsheets
from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, WIJ_TYPES

data, keuzes = ui.page("Initiatieven")

alle = data.initiatieven
alle = formulas.in_gemeente(alle, keuzes.gemeente)
if alle.empty:
    st.info("Voor deze gemeente zijn nog geen initiatieven bekend. Een lijst laadt u op de "
            "pagina Data.", icon="ℹ️")
    st.stop()

zoek = st.text_input("Zoeken", placeholder="Naam, omschrijving of organisator")
beeindigd = st.checkbox("Ook initiatieven tonen die gestopt zijn",
                        help="Standaard ziet u alleen initiatieven zonder einddatum in het "
                             "verleden; alleen die tellen mee op de kaart en in de cijfers.")
if not beeindigd:
    alle = formulas.active_initiatieven(alle)
with st.container(horizontal=True):
    activiteiten = st.multiselect("Activiteit", ACTIVITEITEN, placeholder="Alle")
    wij_types = st.multiselect("Wij-type", WIJ_TYPES, placeholder="Alle")
    doelgroepen = st.multiselect("Doelgroep", DOELGROEPEN, placeholder="Alle")
vandaag = tabellen.vandaag()
gefilterd = formulas.filter_initiatieven(alle, activiteiten=activiteiten, wij_types=wij_types,
                                        doelgroepen=doelgroepen, zoek=zoek)
aantal_mogelijk = int(formulas.mogelijk_gestopt(gefilterd, vandaag).sum())
tonen = st.segmented_control(
    "Tonen", ["alle", "mogelijk gestopt"], default="alle", required=True,
    key="bevestiging",
    format_func=lambda k: {"alle": "Alle", "mogelijk gestopt": "Alleen mogelijk gestopt "
                           f"({aantal_mogelijk})"}[k],
    help=f"Mogelijk gestopt: al meer dan {formulas.MOGELIJK_GESTOPT_JAREN} jaar niet "
         "bevestigd. Ze tellen nog mee op de kaart en in de cijfers.")
gekozen = formulas.filter_initiatieven(gefilterd,
                                      alleen_mogelijk_gestopt=tonen == "mogelijk gestopt",
                                      on=vandaag)
st.markdown(f"**{len(gekozen)} van {len(alle)} initiatieven**")
tabel = spreadsheets.initiatieven_table(gekozen)
status = tabellen.initiatief_status(gekozen, vandaag)
scherm = tabellen.initiatieven_scherm(tabel, status)
ui.table(scherm, column_config=tabellen.kolombreedtes(scherm))
ui.download_buttons(tabellen.initiatieven_weergave(tabel, status),
                    f"initiatieven_{keuzes.bestandsdeel}",
                    key=f"tabel_initiatieven_{keuzes.bestandsdeel}")
st.caption(tabellen.STATUS_UITLEG)

for by, label in (("activiteit", "Activiteit"), ("wij_type", "Wij-type"),
                  ("doelgroepen", "Doelgroep")):
    telling = tabellen.tellingen(gekozen, by)
    st.markdown(f"**Aantal per {label.lower()}**")
    left, right = st.columns([3, 2])
    with left:
        ui.chart(grafieken.count_chart(telling, by, label, height=80 + 32 * len(telling)),
                 name=f"initiatieven_per_{by}", key=f"telling_{by}")
    with right:
        ui.table(telling.rename(columns={by: label, "aantal": "Aantal"}),
                 name=f"aantal_per_{by}")
if "doelgroepen" in gekozen:
    st.caption("Een initiatief voor meerdere doelgroepen telt bij elke doelgroep mee.")
