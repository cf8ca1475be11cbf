"""Data: upload, check, map columns, preview, publish; versions; the initiative template.

For analysts only: app.py registers the page only for them, and the page checks again here
because a URL can be typed. Uploaded text (file names, headers, cell values, dataset names)
reaches the screen only through st.text, st.code, st.dataframe, widget options or
``escape_markdown`` — never as Markdown or HTML that could run or link.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import shapely
import streamlit as st

import auth
import ui
from wijkdata import meldingen, ophalen, upload
from wijkdata.draw import kaart
from wijkdata.errors import WijkdataError
from wijkdata.escaping import escape_markdown
from wijkdata.formatting import fmt_bestandsgrootte, fmt_tijdstip
from wijkdata.model import datasets
from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, WGS84, WIJ_TYPES
from wijkdata.readers import checksum, textio
from wijkdata.readers.initiatieven import TEMPLATE_COLUMNS, TOELICHTING, template_csv, template_xlsx

ui.frame_guard()
auth.refuse_unless_analyst()

ss = st.session_state
MAX_MB = int(st.get_option("server.maxUploadSize"))
MAX_BYTES = MAX_MB * 1024**2
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NIEUWE_SET = "Nieuwe gegevensset…"
MELDING = "data_melding"


def hoogte(frame: pd.DataFrame, most: int) -> int:
    """A table's height in pixels: every row, up to ``most``."""
    return min(38 + 35 * len(frame), most)


# --- 1 and 2: upload and recognise ---------------------------------------------------------

def choose_file():
    st.subheader("1. Kies een bestand")
    uploaded = st.file_uploader(
        "Kies een bestand of sleep het hierheen",
        type=["csv", "txt", "xlsx", "xlsm", "json", "geojson", "gpkg", "zip"],
        key=f"upload_{ss.get('upload_ronde', 0)}",
        help="Gebiedsindeling: GeoPackage, GeoJSON of een shapefile in een zip. Cijfers: een "
             "CSV of Excel-bestand van CBS of RIVM. Initiatieven: een CSV- of Excel-lijst.")
    st.caption(f"CSV, Excel (.xlsx), GeoJSON, GeoPackage (.gpkg) of een shapefile in een zip. "
               f"Hoogstens {MAX_MB} MB per bestand. Het bestand wordt pas bewaard als u op "
               "*Publiceren* klikt.")
    return uploaded


def recognise(data: bytes, filename: str, key: str):
    upload.check_upload(data, filename, max_bytes=MAX_BYTES)
    return ui.remembered("_herkenning", key, lambda: upload.recognise(data, filename))


def choose_kind(herkenning, key: str) -> str | None:
    st.subheader("2. Wat staat erin?")
    kinds = list(upload.KIND_LABELS)
    if herkenning.melding:
        st.info(herkenning.melding + " Kies zelf wat voor bestand het is.", icon="ℹ️")
    return st.radio("Soort gegevens", kinds, format_func=upload.KIND_LABELS.get,
                    index=kinds.index(herkenning.kind) if herkenning.kind else None,
                    key=f"soort_{key}", horizontal=True)


def choose_mapping(data: bytes, filename: str, columns: list[str], key: str) -> dict:
    """One choice per column of the file; the start is the mapping remembered for this
    header shape, else the suggestions from the header names."""
    raw = ui.remembered("_ruw", key, lambda: textio.read_table(data, filename))
    voorstel = upload.koppeling_voorstel(ui.store(), columns)
    options = upload.mapping_options()
    if voorstel.melding:
        st.info(voorstel.melding, icon="🔁")
    with st.expander(f"Kolommen: {voorstel.herkend} van de {len(columns)} gekoppeld",
                     expanded=voorstel.open):
        st.write("Bij elke kolom uit uw bestand staat waarvoor die wordt gebruikt. Klopt het "
                 "niet, kies dan een andere kolom of *(niet gebruiken)*.")
        head = st.columns([3, 3, 4])
        head[0].markdown("**Kolom in uw bestand**")
        head[1].markdown("**Voorbeeld**")
        head[2].markdown("**Gebruiken als**")
        mapping = {}
        for i, column in enumerate(columns):
            left, middle, right = st.columns([3, 3, 4])
            left.text(column)
            middle.text(upload.voorbeeld(raw, column) or "(leeg)")
            target = voorstel.start.get(column)
            choice = right.selectbox(
                f"Kolom {i + 1} gebruiken als", options,
                index=options.index(target) if target in options else 0,
                format_func=lambda o: o if o == upload.NIET_GEBRUIKEN else upload.mapping_label(o),
                key=f"koppeling_{voorstel.sleutel}_{i}", label_visibility="collapsed")
            mapping[column] = None if choice == upload.NIET_GEBRUIKEN else choice
            if target is None and voorstel.eerder is None:
                left.caption("niet herkend")
    return mapping


def read(data, filename, kind, *, layer=None, periode=None, mapping=None,
         keep_personal=False, key=""):
    frozen = tuple(sorted((mapping or {}).items(), key=lambda kv: kv[0]))
    def compute():
        # The same check as `python -m wijkdata import` (upload.read_checked).
        return upload.read_checked(data, filename, kind=kind, layer=layer, periode=periode,
                                   mapping=mapping, keep_personal=keep_personal,
                                   max_bytes=MAX_BYTES)
    with st.spinner("Het bestand wordt gelezen en gecontroleerd…"):
        return ui.remembered("_ingelezen", (key, kind, layer, periode, frozen, keep_personal),
                          compute)


# --- 3 and 4: report and preview -------------------------------------------------------------

def report(ingelezen, key: str) -> bool:
    """The validation report; returns whether invalid rows are to be skipped."""
    st.subheader("3. Controle")
    fouten, waarschuwingen = ingelezen.rapport.errors, ingelezen.rapport.warnings
    slecht, goed = upload.ongeldige_rijen(ingelezen), upload.geldige_rijen(ingelezen)
    st.write(escape_markdown(upload.rapport_samenvatting(ingelezen)))
    if ingelezen.dropped_columns:
        st.warning("Deze kolommen bevatten persoonsgegevens (AVG). Ze worden niet ingelezen "
                   "en niet bewaard:", icon="🔒")
        st.code("\n".join(ingelezen.dropped_columns), language=None)
    if not fouten and not waarschuwingen:
        st.success("Geen problemen gevonden.", icon="✅")
        return False
    table = upload.rapport_table(ingelezen)
    ui.bestand_tabel(upload.rapport_weergave(table), width="stretch", height=hoogte(table, 320),
                     column_config={"melding": st.column_config.TextColumn(width="large")})
    ui.download_buttons(table, "controlerapport", key="rapport")
    skip = False
    if fouten and goed:
        skip = st.checkbox(f"Sla {upload.aantal(slecht, 'rij', 'rijen')} met een fout over en "
                           f"gebruik alleen de {upload.aantal(goed, 'goede rij', 'goede rijen')}",
                           key=f"overslaan_{key}")
    elif fouten:
        st.error("Er zijn geen goede rijen. Verbeter de fouten in het bestand en kies het "
                 "opnieuw.", icon="⚠️")
    return skip


def preview(ingelezen, data_actief) -> None:
    st.subheader("4. Voorbeeld")
    if ingelezen.frame.empty:
        st.info("Er zijn geen goede rijen om te laten zien.")
        return
    actief = upload.actieve_gebieden(data_actief)
    toon = upload.voorbeeld_van(ingelezen, actief)
    for regel in toon.regels:
        st.write(escape_markdown(regel))
    if toon.melding:
        st.info(toon.melding, icon="ℹ️")
    if toon.tabel is not None:
        ui.bestand_tabel(toon.tabel, width="stretch", height=hoogte(toon.tabel, 250))
    if toon.ontbrekend:
        st.caption(toon.ontbrekend_uitleg)
        st.code(toon.ontbrekend, language=None)
    if toon.toelichting:
        st.caption(toon.toelichting)
    if toon.kaart:
        gemeente = None
        if toon.gemeenten:
            gemeente = st.selectbox("Gemeente op de kaart", list(toon.gemeenten),
                                    format_func=toon.gemeenten.get, key="voorbeeld_gemeente")
        st.plotly_chart(upload.voorbeeld_kaart(ingelezen, actief, gemeente),
                        key="voorbeeld_kaart", config={"displayModeBar": False}, theme=None)
    st.caption("De eerste rijen zoals ze worden opgeslagen:")
    voorbeeld = upload.preview_table(ingelezen, 500)
    ui.bestand_tabel(voorbeeld, width="stretch", height=hoogte(voorbeeld, 320))


# --- 5: publish ----------------------------------------------------------------------------

def publish_form(ingelezen, *, filename, data, skip, data_actief, mapping, columns,
                 key) -> None:
    st.subheader("5. Publiceren")
    kind = ingelezen.kind
    store = ui.store()
    actief = store.active_versions()
    bestaand = upload.gegevenssets(actief, kind)
    # What the file IS decides the default, never its name: the next version of the dataset
    # of the same source, else a new dataset named after the source.
    doel = datasets.default_target(store, ingelezen)
    options = bestaand + [NIEUWE_SET]
    keuze = st.selectbox(
        "Gegevensset", options,
        index=len(options) - 1 if doel.is_new else options.index(doel.name),
        format_func=lambda o: o if o == NIEUWE_SET else f"{o} (nieuwe versie)",
        key=f"publiceer_set_{key}",
        help="Een nieuwe versie vervangt de vorige versie van dezelfde gegevensset; u kunt "
             "altijd terug naar een eerdere versie. Een nieuwe gegevensset komt naast de "
             "bestaande.")
    bron_soort = datasets.source_kind_of(ingelezen)
    st.caption(f"Dit bestand is {datasets.source_label(bron_soort)}.")
    dubbel = ""
    vervanging = None
    if keuze == NIEUWE_SET:
        voorstel = doel.name if doel.is_new else datasets.new_name(
            bron_soort, ingelezen.frame, [v.name for v in actief])
        # The proposal in the key: when it changes (a year chosen above), the field follows.
        naam = st.text_input("Naam van de nieuwe gegevensset", value=voorstel,
                             max_chars=200, key=f"publiceer_naam_{key}_{voorstel}")
        dubbel = upload.naam_bezet(naam, actief)
        if dubbel:
            st.warning(escape_markdown(dubbel), icon="⚠️")
    else:
        naam = keuze
        vervanging = ui.remembered(
            "_vervanging", (key, kind, naam, store.state_key(), len(ingelezen.frame)),
            lambda: datasets.replacement(store, kind, naam, ingelezen))
    bron = st.text_input("Bron", value=ingelezen.source_format, key=f"publiceer_bron_{key}",
                         help="Waar komt het bestand vandaan? Bijvoorbeeld: CBS, 2024.")
    toelichting = st.text_area("Toelichting (niet verplicht)", key=f"publiceer_toelichting_{key}",
                               height=80)
    dekking, dekking_fout = kies_dekking(ingelezen, key)
    if data_actief.is_demo:
        st.info("Nu staat de voorbeelddata (fictief) in het dashboard. Zodra u iets publiceert, "
                "verdwijnt die. Publiceer ook een gebiedsindeling: zonder buurten toont het "
                "dashboard geen kaart.", icon="ℹ️")
    bevestigd = True
    if vervanging is not None:
        st.warning(escape_markdown(vervanging.melding), icon="⚠️")
        bevestigd = st.checkbox(
            f"Ja, vervang de actieve versie {vervanging.actief.number} van deze gegevensset",
            key=f"bevestig_{key}_{vervanging.actief.id}")
    usable = ingelezen.usable(skip)
    rijen = len(ingelezen.frame)
    if st.button(f"Publiceren ({upload.aantal(rijen, 'rij', 'rijen')})", type="primary",
                 disabled=not usable or bool(dubbel) or not bevestigd or dekking_fout,
                 key="publiceren",
                 icon=":material/publish:"):
        auth.refuse_unless_analyst()
        try:
            versie = upload.publish(store, ingelezen, name=naam, filename=filename, data=data,
                                    source=bron, note=toelichting, created_by=auth.user_label(),
                                    skip_invalid=skip, dekking=dekking,
                                    replaces=vervanging.actief if vervanging else None)
        except WijkdataError as exc:
            ui.show_error(exc)
            return
        if mapping is not None:         # only an initiative list has a column mapping
            upload.Koppelingen(store).remember(columns, mapping, by=auth.user_label())
        ui.flash_later(f"Gepubliceerd: {upload.versie_label(versie)}, {versie.rows} rijen. "
                       "Iedereen ziet de nieuwe gegevens bij de volgende klik.", MELDING)
        ss["upload_ronde"] = ss.get("upload_ronde", 0) + 1
        for name in ("_herkenning", "_ruw", "_ingelezen", "_vervanging"):
            ss.pop(name, None)
        st.rerun()
    elif not usable:
        st.caption("Publiceren kan pas als er goede rijen zijn en de fouten zijn verbeterd "
                   "of overgeslagen.")
    elif not bevestigd:
        st.caption("Publiceren kan pas als u hierboven bevestigt dat de actieve versie "
                   "vervangen mag worden.")


def kies_dekking(ingelezen, key: str) -> tuple[tuple[str, ...] | None, bool]:
    """An initiative list: the area it covers (upload.dekking_uit_invoer). Returns the codes
    (None: the default) and whether what was typed is wrong (then publishing waits)."""
    if not upload.vraagt_dekking(ingelezen):
        return None, False
    standaard = upload.standaard_dekking_tekst(ingelezen)
    tekst = st.text_input(upload.DEKKING_LABEL, key=f"publiceer_dekking_{key}",
                          placeholder=standaard or "bijvoorbeeld GM0034 of WK003401, WK003402",
                          help=upload.DEKKING_HELP)
    try:
        return upload.dekking_uit_invoer(tekst), False
    except WijkdataError as exc:
        ui.show_error(exc)
        return None, True


def new_data(data_actief) -> None:
    uploaded = choose_file()
    if uploaded is None:
        return
    data = uploaded.getvalue()
    filename = uploaded.name
    st.text(f"Gekozen: {filename} ({fmt_bestandsgrootte(len(data))})")
    key = f"{checksum(data)[:16]}_{len(data)}"
    try:
        herkenning = recognise(data, filename, key)
    except WijkdataError as exc:
        ui.show_error(exc)
        return
    kind = choose_kind(herkenning, key)
    if kind is None:
        return
    vragen = upload.vragen(herkenning, kind)
    layer = periode = mapping = None
    keep_personal = False
    if vragen.laag:
        layer = st.selectbox("Kaartlaag", herkenning.layers,
                             index=upload.voorkeurslaag(herkenning.layers), key=f"laag_{key}",
                             help="Het bestand heeft meerdere lagen. Kies de laag met de "
                                  "buurten.")
    if vragen.jaar:
        periode = st.number_input("Jaar van de cijfers (alleen nodig als het bestand geen "
                                  "jaar noemt)", min_value=1990, max_value=2100, value=None,
                                  step=1, key=f"jaar_{key}")
    if vragen.koppeling:
        mapping = choose_mapping(data, filename, herkenning.columns, key)
        keep_personal = st.checkbox(
            "Persoonsgegevens (contactpersoon, e-mail, telefoon) bewaren voor intern gebruik. "
            "Ze komen nooit in het dashboard of in een download.", key=f"bewaar_{key}")
    try:
        ingelezen = read(data, filename, kind, layer=layer,
                         periode=int(periode) if periode else None, mapping=mapping,
                         keep_personal=keep_personal, key=key)
    except WijkdataError as exc:
        ui.show_error(exc)
        return
    skip = report(ingelezen, key)
    preview(ingelezen, data_actief)
    publish_form(ingelezen, filename=filename, data=data, skip=skip, data_actief=data_actief,
                 mapping=mapping, columns=herkenning.columns, key=key)


# --- 6: versions ------------------------------------------------------------------------------

def versions() -> None:
    store = ui.store()
    versies = store.versions()
    if not versies:
        st.info("Er is nog niets gepubliceerd. Het dashboard toont de voorbeelddata (fictief).",
                icon="ℹ️")
        return
    st.write("Per gegevensset staat de nieuwste versie bovenaan. De actieve versie is wat "
             "iedereen in het dashboard ziet.")
    table = upload.versies_table(versies).drop(columns=["id"])
    ui.bestand_tabel(table, width="stretch", height=hoogte(table, 420))
    by_id = {v.id: v for v in versies}
    gekozen = st.selectbox("Kies een versie", list(by_id),
                           format_func=lambda i: upload.versie_label(by_id[i]),
                           key="versie_keuze")
    versie = by_id[gekozen]
    label = upload.versie_label(versie)
    left, right, _ = st.columns([2, 2, 3])
    if left.button("Deze versie actief maken…", disabled=versie.active, key="terugzetten",
                   icon=":material/history:"):
        ss["terugzet_id"] = versie.id
        ss.pop("verwijder_id", None)
    if not versie.active and ss.get("terugzet_id") == versie.id:
        verandering = ui.remembered("_terugzet", (versie.id, store.state_key()),
                                    lambda: datasets.rollback_change(store, versie.id))
        if ui.bevestiging("terugzet_id", versie.id, "Weet u zeker dat u deze versie actief "
                          f"wilt maken? {verandering}", "Ja, actief maken", detail=label,
                          knoppen="terugzetten"):
            change(lambda: store.rollback(versie.id), lambda: (
                f"Actief gemaakt: {upload.versie_label(store.version(versie.id))}. "
                f"{verandering}"))
    if right.button("Verwijderen…", key="verwijderen", icon=":material/delete:"):
        ss["verwijder_id"] = versie.id
        ss.pop("terugzet_id", None)
    if ui.bevestiging("verwijder_id", versie.id, "Weet u zeker dat u deze versie wilt "
                      "verwijderen? Dat kan niet ongedaan worden gemaakt." + (
                          " Het is de actieve versie: de vorige versie wordt dan actief."
                          if versie.active else ""), "Ja, verwijderen", detail=label,
                      knoppen="verwijderen"):
        change(lambda: store.delete_version(versie.id), lambda: f"Verwijderd: {label}.")


def change(action, melding) -> None:
    """Roll back or delete (``action()``) for an analyst only, then show ``melding()`` after
    the rerun that brings the new data to the sidebar; a refusal is shown here."""
    auth.refuse_unless_analyst()
    try:
        action()
    except WijkdataError as exc:
        ui.show_error(exc)
        return
    ui.flash_later(melding(), MELDING)
    st.rerun()


# --- 7: template ----------------------------------------------------------------------------

def template() -> None:
    st.write("Houdt u een lijst met initiatieven bij? Gebruik dit sjabloon. Het heeft de "
             "kolommen die het dashboard kent, drie verzonnen voorbeelden en (in Excel) een "
             "tabblad met uitleg en keuzelijsten.")
    left, right, _ = st.columns([2, 2, 3])
    left.download_button("Sjabloon Excel (.xlsx)", template_xlsx(), "sjabloon_initiatieven.xlsx",
                         XLSX_MIME, key="sjabloon_xlsx", icon=":material/download:")
    right.download_button("Sjabloon CSV", template_csv(), "sjabloon_initiatieven.csv",
                          "text/csv", key="sjabloon_csv", icon=":material/download:")
    uitleg = pd.DataFrame(
        [(c, *TOELICHTING[c]) for c in TEMPLATE_COLUMNS],
        columns=["kolom", "verplicht", "uitleg", "toegestane waarden"])
    ui.bestand_tabel(uitleg, width="stretch",
          column_config={"uitleg": st.column_config.TextColumn(width="large")})
    st.caption("* Vul per initiatief lat en lon, óf x en y, óf een buurtcode in. Zet geen "
               "namen, e-mailadressen of telefoonnummers van personen in de lijst.")


# --- 8: meldingen (reports by residents) ------------------------------------------------------

def meldingen_tab(data_actief) -> None:
    """The new reports one at a time: the answers, the spot, likely duplicates, and the
    three ways to handle one. Contact details are shown here only, until it is handled."""
    beheer = meldingen.Meldingen(ui.store())
    st.write("Bewoners en wijkwerkers melden hier initiatieven die nog niet op de kaart "
             "staan. Niemand anders ziet een melding voordat u hem goedkeurt. Na goedkeuren, "
             "samenvoegen of afwijzen worden de contactgegevens van de melder verwijderd.")
    nieuw = beheer.lijst("nieuw")
    if nieuw.empty:
        st.info("Er zijn geen nieuwe meldingen.", icon="ℹ️")
        return
    buurten = data_actief.buurten
    namen = dict(zip(buurten["code"], buurten["naam"]))
    labels = {int(i): f"{naam} · {namen.get(code) or code or 'geen buurt'} · "
                      f"{fmt_tijdstip(ingediend)}"
              for i, naam, code, ingediend in zip(nieuw["id"], nieuw["naam"],
                                                   nieuw["buurtcode"], nieuw["ingediend"])}
    gekozen = st.selectbox(f"Nieuwe meldingen ({len(labels)})", list(labels),
                           format_func=labels.get, key="melding_keuze")
    melding = beheer.melding(gekozen)
    links, rechts = st.columns([3, 2])
    with links:
        melding_antwoorden(melding, namen)
    with rechts:
        melding_kaart(melding, buurten)
    dubbelen = ui.remembered(
        "_dubbelen", (gekozen, ui.store().state_key(), tuple(labels)),
        lambda: beheer.mogelijke_dubbelen(gekozen, buurten))
    st.markdown("**Misschien staat het er al**")
    if dubbelen.empty:
        st.caption("Geen initiatief of melding gevonden met een naam die erop lijkt in deze "
                   "of een buurbuurt, of dichtbij met dezelfde activiteit.")
    else:
        ui.bestand_tabel(dubbelen.drop(columns=["rij"]), width="stretch",
                         height=hoogte(dubbelen, 250))
    goedkeuren, samenvoegen, afwijzen = st.tabs(["Goedkeuren", "Samenvoegen", "Afwijzen"])
    with goedkeuren:
        melding_goedkeuren(beheer, melding, buurten)
    with samenvoegen:
        melding_samenvoegen(beheer, melding, dubbelen)
    with afwijzen:
        melding_afwijzen(beheer, melding)


def melding_antwoorden(melding, namen: dict) -> None:
    """What the melder answered, shown literally (st.text)."""
    buurt = namen.get(melding.buurtcode)
    regels = [
        ("Naam", melding.naam), ("Wat doen jullie?", melding.omschrijving),
        ("Soort activiteit", melding.activiteit),
        ("Wie komen er?", melding.wij_type),
        ("Voor wie?", ", ".join(melding.doelgroepen)), ("Hoe vaak?", melding.frequentie),
        ("Sinds wanneer?", melding.sinds),
        ("Buurt", f"{buurt} ({melding.buurtcode})" if buurt else melding.buurtcode),
        ("Bij iemand thuis", "ja" if melding.locatie_verborgen else "nee"),
        ("Ingediend", fmt_tijdstip(melding.ingediend)),
    ]
    st.text("\n".join(f"{vraag}: {antwoord or '—'}" for vraag, antwoord in regels))
    contact = [(label, getattr(melding, field)) for label, field in
               (("Naam", "contact_naam"), ("E-mail", "contact_email"),
                ("Telefoon", "contact_telefoon"))]
    if any(value for _, value in contact):
        st.markdown("**Contactgegevens** (alleen voor u; ze worden verwijderd zodra de "
                    "melding is behandeld)")
        st.text("\n".join(f"{label}: {value or '—'}" for label, value in contact))
    else:
        st.caption("De melder liet geen contactgegevens achter.")


def melding_kaart(melding, buurten) -> None:
    """A small map: the buurt's outline and the spot, when the melder gave one."""
    buurt = buurten[buurten["code"] == melding.buurtcode]
    heeft_plek = melding.lat is not None and melding.lon is not None
    if buurt.empty and not heeft_plek:
        st.caption("Geen plek bekend: de buurt staat niet in de geladen gebieden.")
        return
    fig = go.Figure()
    if not buurt.empty:
        wgs = buurt.to_crs(WGS84)
        lats, lons = [], []
        for ring in shapely.get_rings(shapely.get_parts(wgs.geometry.iloc[0])):
            coords = list(ring.coords)
            lons += [c[0] for c in coords] + [None]
            lats += [c[1] for c in coords] + [None]
        fig.add_trace(go.Scattermap(lat=lats, lon=lons, mode="lines", hoverinfo="skip",
                                    line={"width": 3, "color": "#54278f"}, showlegend=False))
        view = kaart.scaled_view(kaart.bounds_view(wgs), 360, 260)
    else:
        view = {"center": {"lat": melding.lat, "lon": melding.lon}, "zoom": 14}
    if heeft_plek:
        fig.add_trace(go.Scattermap(lat=[melding.lat], lon=[melding.lon], mode="markers",
                                    marker={"size": 16, "color": "#000000"},
                                    hoverinfo="skip", showlegend=False))
    achtergrond = ui.achtergrondkaart()
    lagen = [kaart.achtergrond_laag(achtergrond)] if achtergrond else []
    fig.update_layout(map={"style": "white-bg", "layers": lagen, **view}, height=260,
                      margin={"l": 0, "r": 0, "t": 0, "b": 0})
    st.plotly_chart(fig, key=f"melding_kaart_{melding.id}", theme=None,
                    config={"displayModeBar": False})
    if not heeft_plek:
        st.caption("Alleen de buurt is bekend"
                   + (" (het is bij iemand thuis)." if melding.locatie_verborgen else "."))


def melding_goedkeuren(beheer, melding, buurten) -> None:
    """Approve, after optional edits of the answers (only what changed is passed on)."""
    st.write("Het initiatief komt op de kaart als nieuwe versie van de gegevensset "
             f"*{meldingen.MELDINGEN_DATASET}*. U kunt eerst de antwoorden verbeteren.")
    sleutel = f"melding_{melding.id}"
    codes = sorted(buurten["code"])
    namen = dict(zip(buurten["code"], buurten["naam"]))
    with st.expander("Eerst aanpassen (niet verplicht)"):
        nieuw = {
            "naam": st.text_input("Naam", melding.naam, key=f"{sleutel}_naam",
                                  max_chars=meldingen.MAX_LENGTE["naam"]),
            "omschrijving": st.text_area("Wat doen jullie?", melding.omschrijving,
                                         key=f"{sleutel}_omschrijving",
                                         max_chars=meldingen.MAX_LENGTE["omschrijving"]),
            "activiteit": st.selectbox(
                "Soort activiteit", ACTIVITEITEN, key=f"{sleutel}_activiteit",
                index=ACTIVITEITEN.index(melding.activiteit)
                if melding.activiteit in ACTIVITEITEN else None),
            "wij_type": st.selectbox(
                "Wij-type", WIJ_TYPES, key=f"{sleutel}_wij_type",
                index=WIJ_TYPES.index(melding.wij_type)
                if melding.wij_type in WIJ_TYPES else None),
            "doelgroepen": tuple(st.multiselect(
                "Voor wie?", DOELGROEPEN, key=f"{sleutel}_doelgroepen",
                default=[d for d in melding.doelgroepen if d in DOELGROEPEN])),
            "frequentie": st.text_input("Hoe vaak?", melding.frequentie,
                                        key=f"{sleutel}_frequentie",
                                        max_chars=meldingen.MAX_LENGTE["frequentie"]),
            "buurtcode": st.selectbox(
                "Buurt", codes, key=f"{sleutel}_buurtcode",
                index=codes.index(melding.buurtcode) if melding.buurtcode in codes else None,
                format_func=lambda c: f"{namen.get(c) or c} ({c})"),
        }
    wijzigingen = {veld: waarde for veld, waarde in nieuw.items()
                   if waarde is not None and waarde != getattr(melding, veld)}
    if wijzigingen:
        st.caption("Aangepast: " + ", ".join(wijzigingen) + ".")
    if st.button("Goedkeuren", type="primary", key=f"{sleutel}_goedkeuren",
                 icon=":material/check:"):
        melding_actie(lambda: beheer.goedkeuren(melding.id, door=auth.user_label(),
                                                wijzigingen=wijzigingen or None),
                      f"Goedgekeurd: {nieuw['naam'] or melding.naam}. Het initiatief staat "
                      "nu op de kaart; iedereen ziet het bij de volgende klik.")


def melding_samenvoegen(beheer, melding, dubbelen: pd.DataFrame) -> None:
    """Merge with one of the likely duplicates that is an initiative of a list."""
    kandidaten = dubbelen[dubbelen["soort"] == "initiatief"] if not dubbelen.empty \
        else dubbelen
    if kandidaten.empty:
        st.caption("Samenvoegen kan met een initiatief dat hierboven bij *Misschien staat "
                   "het er al* staat. Er is geen initiatief gevonden dat erop lijkt.")
        return
    st.write("Staat het initiatief al in een lijst? Dan telt het daar als vandaag bevestigd, "
             "en komt het er niet nog een keer bij.")
    opties = list(range(len(kandidaten)))
    gekozen = st.radio(
        "Samenvoegen met", opties, key=f"melding_{melding.id}_samen",
        # Radio options are Markdown: names from lists and reports shown literally.
        format_func=lambda i: escape_markdown(f"{kandidaten['naam'].iloc[i]} (lijst "
                                              f"{kandidaten['bron'].iloc[i]})"))
    rij = kandidaten.iloc[gekozen]
    vraag = f"samenvoegen_{melding.id}"
    if st.button("Samenvoegen…", key=f"melding_{melding.id}_samenvoegen",
                 icon=":material/merge:"):
        ss[vraag] = (str(rij["bron"]), int(rij["rij"]))
    doel = ss.get(vraag)
    if doel and ui.bevestiging(vraag, doel, "Weet u zeker dat u deze melding wilt "
                               "samenvoegen met het initiatief hieronder?",
                               "Ja, samenvoegen", detail=f"{rij['naam']} (lijst {doel[0]})",
                               knoppen=f"melding_{melding.id}_samen_vraag"):
        melding_actie(lambda: beheer.samenvoegen(melding.id, bron=doel[0], rij=doel[1],
                                                 door=auth.user_label()),
                      f"Samengevoegd met {rij['naam']} (lijst {doel[0]}). Dat initiatief "
                      "telt nu als vandaag bevestigd.")


def melding_afwijzen(beheer, melding) -> None:
    """Reject, with a reason (required; kept in the action log)."""
    reden = st.text_input("Reden (verplicht)", key=f"melding_{melding.id}_reden",
                          max_chars=meldingen.MAX_LENGTE.get("reden"),
                          placeholder="Bijvoorbeeld: geen initiatief, maar een bedrijf")
    if st.button("Afwijzen", key=f"melding_{melding.id}_afwijzen", icon=":material/block:"):
        if not (reden or "").strip():
            st.error("Schrijf eerst op waarom u de melding afwijst.", icon="⚠️")
            return
        melding_actie(lambda: beheer.afwijzen(melding.id, reden=reden,
                                              door=auth.user_label()),
                      f"Afgewezen: {melding.naam}.")


def melding_actie(action, melding: str) -> None:
    """Approve, merge or reject (``action()``) for an analyst only; the result after the
    rerun that brings the new data (and the new count) to every page."""
    auth.refuse_unless_analyst()
    try:
        action()
    except WijkdataError as exc:
        ui.show_error(exc)
        return
    ui.flash_later(melding, MELDING)
    st.rerun()


# --- 9: fetching from CBS and PDOK ------------------------------------------------------------

NIEUWSTE_JAAR = "Nieuwste jaar dat er is"


def ophalen_tab() -> None:
    """One gemeente's boundaries (PDOK), Kerncijfers (CBS) and loneliness figures (RIVM),
    fetched and published together (wijkdata.ophalen); a progress bar per source."""
    st.write("Haal voor één gemeente in één keer de buurtgrenzen (PDOK), de CBS Kerncijfers "
             "wijken en buurten en de eenzaamheidscijfers van RIVM op. Ze worden gecontroleerd "
             "zoals een bestand dat u inleest, en samen gepubliceerd, of helemaal niet.")
    st.caption("Hiervoor is internet nodig. Lukt het niet, download de bestanden dan zelf en "
               "lees ze in bij *Nieuwe gegevens*.")
    with st.form("ophalen_form", border=False):
        gemeente = st.text_input("Gemeente (code of naam)", placeholder="GM0034 of Almere",
                                 key="ophalen_gemeente")
        jaar = st.selectbox("Jaar", [NIEUWSTE_JAAR, *sorted(ophalen.KERNCIJFERS_TABELLEN,
                                                            reverse=True)],
                            key="ophalen_jaar",
                            help="Het jaar van de buurtindeling en de kerncijfers. De "
                                 "eenzaamheidscijfers komen uit alle jaren die RIVM heeft.")
        gestart = st.form_submit_button("Ophalen en publiceren", type="primary",
                                        icon=":material/cloud_download:")
    if not gestart:
        return
    auth.refuse_unless_analyst()
    balken = {bron: st.progress(0.0, text=f"{ophalen.BRON_LABELS[bron]}: wacht")
              for bron in ophalen.BRONNEN}

    def voortgang(bron: str, fractie: float, tekst: str) -> None:
        balken[bron].progress(fractie, text=f"{ophalen.BRON_LABELS[bron]}: {tekst}")

    try:
        resultaat = ophalen.haal_op(
            ui.store(), gemeente, None if jaar == NIEUWSTE_JAAR else int(jaar),
            adressen=ophalen.Bronadressen.uit_instellingen(auth.instellingen()),
            voortgang=voortgang, created_by=auth.user_label())
    except WijkdataError as exc:
        ui.show_error(exc)
        return
    ui.flash_later("\n\n".join(
        [f"Opgehaald en gepubliceerd voor gemeente {resultaat.gemeentecode}, jaar "
         f"{resultaat.jaar}. Iedereen ziet de nieuwe gegevens bij de volgende klik.",
         *ophalen.samenvatting(resultaat), *resultaat.vervangen]), MELDING)
    st.rerun()


st.title("Data")
st.write("Lees nieuwe gegevens in: een gebiedsindeling van CBS, cijfers van CBS of RIVM, of de "
         "lijst met initiatieven. U ziet eerst wat er in het bestand staat en wat er niet "
         "klopt. Pas als u op *Publiceren* klikt, ziet iedereen de nieuwe gegevens.")
ui.flash(MELDING)
try:
    actief = ui.gegevens()
except WijkdataError as exc:
    ui.show_error(exc)
    st.stop()
# The number of new reports in the tab's label: an analyst sees at once that some wait.
aantal_meldingen = meldingen.Meldingen(ui.store()).aantal_nieuw()
tab_nieuw, tab_ophalen, tab_versies, tab_sjabloon, tab_meldingen = st.tabs(
    ["Nieuwe gegevens", "Ophalen bij CBS en PDOK", "Versies", "Sjabloon voor initiatieven",
     f"Meldingen ({aantal_meldingen} nieuw)" if aantal_meldingen else "Meldingen"],
    # A key keeps the chosen tab when a message appears above the tabs after a rerun.
    key="data_tabs")
with tab_nieuw:
    new_data(actief)
with tab_ophalen:
    ophalen_tab()
with tab_versies:
    versions()
with tab_sjabloon:
    template()
with tab_meldingen:
    meldingen_tab(actief)
