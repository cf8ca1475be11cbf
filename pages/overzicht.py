"""Overzicht: which data is loaded, the headline figures of the gemeente, a small map and
the top witte vlekken."""
import streamlit as st

import ui
from wijkdata.compute import bronnen
from wijkdata.compute.buurttabel import als_gebieden
from wijkdata.draw import kaart, tabellen
from wijkdata.formatting import fmt_getal, fmt_interval, fmt_pct
from wijkdata.model.gegevens import gemeente_naam, tekst
from wijkdata.model.schema import pct

data, keuzes = ui.page(
    "Kleine wij's",
    intro="Waar in de gemeente zijn kleine initiatieven die buren verbinden, en waar is "
          "eenzaamheid hoog? Buurten met veel eenzaamheid en weinig initiatieven heten hier "
          "**witte vlekken**.")

cijfers = ui.cijfers(keuzes)
k = tabellen.kerncijfers(data, cijfers, keuzes.gemeente)
naam = gemeente_naam(data, keuzes.gemeente)
st.subheader(f"{naam} in cijfers")
cols = st.columns(4)
cols[0].metric("Inwoners", fmt_getal(k["inwoners"]),
               help="CBS Kerncijfers wijken en buurten: som van de buurten.")
if k["eenzaam"].get("berekend"):
    uitleg = ("RIVM Gezondheidsmonitor, modelschattingen per buurt. De geladen cijfers hebben "
              "geen eigen schatting voor de gemeente: dit cijfer is berekend uit de buurten "
              "(gewogen naar het aantal inwoners), zonder interval.")
else:
    uitleg = ("RIVM Gezondheidsmonitor, modelschatting. 95%-interval: "
              + (fmt_interval(k["eenzaam"]["ondergrens"], k["eenzaam"]["bovengrens"])
                 or "niet bekend"))
cols[1].metric(f"Eenzaam ({tekst(k['periode'], 'geen jaar')}, {keuzes.leeftijd})",
               fmt_pct(k["eenzaam"]["waarde"]), help=uitleg)
cols[2].metric("Initiatieven", fmt_getal(k["initiatieven"], missing="geen lijst geladen"),
               help=f"{fmt_getal(k['per_1000'], 1)} per 1.000 inwoners.")
telling = tabellen.witte_vlekken_telling(cijfers)
cols[3].metric("Witte vlekken", fmt_getal(k["witte_vlekken"]),
               help=f"{telling['zeker']} zeker, {telling['mogelijk']} mogelijk. Grenzen: "
                    f"{tabellen.grenzen_tekst(ui.gekozen_methode())}.")
if k["zonder_gegevens"]:
    st.caption(f"Van {k['zonder_gegevens']} van de {k['buurten']} buurten is geen cijfer over "
               "eenzaamheid bekend (te klein of geheim); die staan grijs op de kaart.")
# Where the initiatives come from, and the invitation to add what no list holds (issue 12).
herkomst, melden = st.columns([4, 1], vertical_alignment="center")
herkomst.markdown(bronnen.bronnen_tekst(bronnen.bronnen_telling(data.initiatieven,
                                                                  keuzes.gemeente))
                  + " Mist u een initiatief? Meld het: na een controle komt het op de kaart.")
melden.page_link("pages/melden.py", label="Meld een initiatief",
                 icon=":material/add_location_alt:")

left, right = st.columns([3, 2])
with left:
    geo, view = ui.geojson(keuzes, "buurt")
    # the left column is about 480 px wide on a 1280 px laptop screen
    view = kaart.scaled_view(view, width=round(480 * kaart.MAP_WIDTH), height=380)
    fig = kaart.choropleth(geo, als_gebieden(cijfers), pct("eenzaam"), indicator="eenzaam",
                           view=view, height=380, achtergrond=ui.achtergrondkaart())
    ui.chart(fig, name=f"kaart_{keuzes.bestandsdeel}", key="overzicht_kaart")
    with st.expander("De cijfers van de kaart als tabel"):
        ui.table(tabellen.kaart_tabel(cijfers), name=f"eenzaamheid_{keuzes.bestandsdeel}")
    st.page_link("pages/kaart.py", label="Naar de kaart", icon=":material/map:")
with right:
    st.markdown("**Grootste witte vlekken**")
    top = tabellen.witte_vlekken_tabel(cijfers).head(5)
    if top.empty:
        st.write("Geen witte vlekken gevonden met de huidige grenzen.")
    else:
        # Four columns do not fit the right-hand column on a 1280 px screen: the certainty
        # goes in front of the name (● zeker, ○ mogelijk), explained under the table.
        shown = top.assign(Buurt=[f"{'●' if z == 'zeker' else '○'} {tekst(b, c)}" for b, c, z
                                  in zip(top["Buurt"], top["Buurtcode"], top["Zekerheid"])])
        ui.table(shown[["Buurt", "Eenzaam (%)", "Per 1.000 inwoners"]],
                 column_config={"Buurt": st.column_config.TextColumn(width=142),
                                "Eenzaam (%)": st.column_config.Column("Eenzaam", width=68),
                                "Per 1.000 inwoners": st.column_config.Column(
                                    "Per 1.000 inw.", width=96,
                                    help="Initiatieven binnen bereik per 1.000 inwoners")})
        st.caption("● zeker een witte vlek, ○ mogelijk (de ondergrens ligt onder de grens).")
        # The download keeps the certainty as its own column, without the symbols.
        ui.download_buttons(top[["Rang", "Buurt", "Buurtcode", "Zekerheid", "Eenzaam (%)",
                                 "Per 1.000 inwoners"]],
                            f"top_witte_vlekken_{keuzes.bestandsdeel}", "tabel_top_witte_vlekken")
    st.page_link("pages/witte_vlekken.py", label="Alle witte vlekken",
                 icon=":material/crop_free:")
    st.page_link("pages/buurtprofiel.py", label="Een buurt bekijken",
                 icon=":material/location_city:")
    st.page_link("pages/initiatieven.py", label="Alle initiatieven",
                 icon=":material/diversity_3:")
    ui.raadsinformatie_button(data, keuzes, "overzicht_pdf")

st.subheader("Geladen gegevens")
ui.table(tabellen.geladen(data), name="gegevens")
