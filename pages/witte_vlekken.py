"""Witte vlekken: the method's controls (kept for every page and in the URL), the quadrant
and the ranked table."""
import streamlit as st

import ui
from wijkdata.draw import grafieken, tabellen
from wijkdata.escaping import escape_markdown
from wijkdata.model.gegevens import tekst
from wijkdata.model.schema import INDICATOREN, eenzaamheid_voor, pct

data, keuzes = ui.page("Witte vlekken")

eenzaamheid = eenzaamheid_voor(keuzes.indicator)
label = INDICATOREN[eenzaamheid].label
st.markdown(f"Een **witte vlek** is een buurt waar het percentage *{label.lower()}* hoog "
            "is en er weinig initiatieven in de buurt of vlakbij zijn, vergeleken met de "
            "andere buurten van dezelfde gemeente. U kiest zelf de grenzen; ze gelden op "
            "alle pagina's, in de presentatie, de raadsinformatie (PDF) en de downloads.")


def _kopieer(widget: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget]


# Each control writes a plain session key (ui.HOOGSTE, ...), which outlives this page and is
# mirrored in the URL by app.py; the widget is filled from it before it is drawn.
keuze = ui.methode_keuzes()
standaard = ui.methode_standaard()
ss = st.session_state
for key in keuze:
    ss[f"_methode_{key}"] = keuze[key]
c1, c2, c3, c4 = st.columns([3, 3, 2, 2])
c1.slider(f"{label}: bij de hoogste … van de buurten", *ui.METHODE_BEREIK[ui.HOOGSTE][:2],
          step=ui.METHODE_BEREIK[ui.HOOGSTE][2], format="%d%%", key=f"_methode_{ui.HOOGSTE}",
          on_change=_kopieer, args=(f"_methode_{ui.HOOGSTE}", ui.HOOGSTE),
          help=f"Standaard: de hoogste {standaard[ui.HOOGSTE]}% (bovenste kwart).")
c2.slider("Initiatieven binnen bereik per 1.000 inwoners: bij de laagste … van de buurten",
          *ui.METHODE_BEREIK[ui.LAAGSTE][:2], step=ui.METHODE_BEREIK[ui.LAAGSTE][2],
          format="%d%%", key=f"_methode_{ui.LAAGSTE}",
          on_change=_kopieer, args=(f"_methode_{ui.LAAGSTE}", ui.LAAGSTE),
          help=f"Standaard: de laagste {standaard[ui.LAAGSTE]}%.")
c3.number_input("Bereik (meter van de buurtgrens)", *ui.METHODE_BEREIK[ui.BEREIK][:2],
                step=ui.METHODE_BEREIK[ui.BEREIK][2], key=f"_methode_{ui.BEREIK}",
                on_change=_kopieer, args=(f"_methode_{ui.BEREIK}", ui.BEREIK),
                help="Initiatieven in de buurt én binnen deze afstand van de rand tellen "
                     f"mee (hemelsbreed). Standaard {standaard[ui.BEREIK]} m; 0 = alleen in "
                     "de buurt zelf.")
c4.number_input("Minimaal aantal inwoners", *ui.METHODE_BEREIK[ui.MIN_INWONERS][:2],
                step=ui.METHODE_BEREIK[ui.MIN_INWONERS][2], key=f"_methode_{ui.MIN_INWONERS}",
                on_change=_kopieer, args=(f"_methode_{ui.MIN_INWONERS}", ui.MIN_INWONERS),
                help="Kleinere buurten beoordelen we niet: een paar bewoners meer of minder "
                     f"verandert het cijfer per 1.000 te sterk. Standaard "
                     f"{standaard[ui.MIN_INWONERS]}.")
if keuze != standaard:
    st.button("Standaardgrenzen terugzetten", on_click=ui.methode_herstellen,
              icon=":material/restart_alt:")

methode = ui.gekozen_methode()
cijfers = ui.cijfers(keuzes, methode=methode)
telling = tabellen.witte_vlekken_telling(cijfers)
tabel = tabellen.witte_vlekken_tabel(cijfers, eenzaamheid)

st.markdown("Het gekleurde vlak linksboven zijn de **witte vlekken**: veel eenzaamheid, "
            "weinig initiatieven binnen bereik. Een dicht ruitje is *zeker* een witte vlek "
            "(ook de ondergrens van het 95%-interval ligt boven de grens), een open ruitje "
            "*mogelijk*.")
intervallen = st.toggle("Toon de 95%-intervallen", key="kwadrant_intervallen")
ui.chart(grafieken.quadrant_chart(cijfers, pct(eenzaamheid), label, intervallen=intervallen),
         name=f"witte_vlekken_{keuzes.bestandsdeel}", key="kwadrant")
niet = tabellen.niet_beoordeeld_zin(telling)
if niet:
    st.caption(niet)
with st.expander("De cijfers van deze figuur als tabel"):
    ui.table(tabellen.witte_vlekken_tabel(cijfers, eenzaamheid, alleen_vlekken=False),
             name=f"kwadrant_{keuzes.bestandsdeel}",
             column_config={
                 "Waarom": st.column_config.TextColumn(width="large"),
                 "Per 1.000 inwoners": st.column_config.NumberColumn(
                     "Per 1.000 inw.", width="small",
                     help="Initiatieven binnen bereik per 1.000 inwoners")})

st.subheader(f"{telling['witte_vlekken']} witte vlekken ({ui.periode_label(keuzes)})")
st.caption(f"{telling['zeker']} zeker, {telling['mogelijk']} mogelijk. Grenzen: "
           f"{tabellen.grenzen_tekst(methode)}.")
if tabel.empty:
    st.write("Met deze grenzen is geen buurt een witte vlek.")
else:
    # The reason is one long sentence: the table keeps the figures, the reason of each
    # witte vlek reads in full below it (a table cell is cut off on a 1280 px screen).
    kort = tabel[["Rang", "Buurt", "Wijk", "Zekerheid", f"{label} (%)", "Ondergrens (%)",
                  "Binnen bereik", "Per 1.000 inwoners", "In de buurt"]]
    # Every witte vlek in view without scrolling inside the table (up to 20; a row is
    # 35 px, the header 38 px).
    ui.table(kort, height=min(len(kort), 20) * 35 + 38, column_config={
        "Rang": st.column_config.TextColumn("Nr.", width=50),
        # Narrow enough that all nine columns fit a 1280 px screen without scrolling.
        "Zekerheid": st.column_config.TextColumn(width=75),
        "Binnen bereik": st.column_config.NumberColumn(width=95),
        "Per 1.000 inwoners": st.column_config.NumberColumn(
            "Per 1.000 inw.", width=92, help="Initiatieven binnen bereik per 1.000 inwoners"),
        "In de buurt": st.column_config.NumberColumn(
            "In de buurt", width=82, help="Initiatieven in de buurt zelf")})
    with st.expander("Waarom elke buurt een witte vlek is", expanded=True):
        st.markdown("\n".join(
            f"- Nr. {r['Rang']}: **{escape_markdown(tekst(r['Buurt'], r['Buurtcode']))}** — "
            f"{escape_markdown(r['Waarom'])}" for _, r in tabel.iterrows()))
ui.download_buttons(tabellen.witte_vlekken_tabel(cijfers, eenzaamheid, alleen_vlekken=False),
                    f"witte_vlekken_{keuzes.bestandsdeel}", "witte_vlekken")
st.caption("De download bevat alle buurten met de reden waarom ze wel of niet een witte "
           "vlek zijn, met de gekozen grenzen in die reden.")
