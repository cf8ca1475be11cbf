"""Meld een initiatief: residents, adviesraad members and wijkwerkers report a small
initiative in a short form (B1, phone-sized, one column). A report is stored with status
'nieuw' and is shown nowhere until an analyst handles it (Data page, tab Meldingen).

What people type is checked by wijkdata.meldingen (its Dutch messages appear under their
field) and is never shown back as Markdown or HTML. The form is sent by the button's
callback, which runs before the page is drawn: so the messages can appear next to the
fields above the button, and a sent form starts empty.
"""
from __future__ import annotations

import logging
import secrets

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import shapely
import streamlit as st

import auth
import ui
from wijkdata import meldingen
from wijkdata.draw import kaart
from wijkdata.errors import WijkdataError
from wijkdata.escaping import escape_markdown
from wijkdata.model.gegevens import tekst
from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, WGS84

ui.frame_guard()
log = logging.getLogger(__name__)
ss = st.session_state

SESSIE = "_melden_sessie"        # a random id per browser session: the rate limit's unit
FOUTEN = "_melden_fouten"        # field -> (Dutch message, its value), from the last Versturen
FOUT = "_melden_fout"            # one message at the button (rate limit, unexpected error)
VERSTUURD = "_melden_verstuurd"  # the form was sent: show the thank-you
PLEK = "_melden_plek"            # (buurtcode, lat, lon) clicked on the map
# Container key: app.css hides the honeypot field by this class (.st-key-melden_honingpot).
HONINGPOT = "melden_honingpot"

# The Invoer fields a person types, with the widget that holds each.
TEKSTVELDEN = ("naam", "omschrijving", "frequentie", "sinds", "contact_naam",
               "contact_email", "contact_telefoon", "website")
KEUZEVELDEN = ("activiteit", "wij_type", "doelgroepen", "buurtcode", "locatie_verborgen")

BEDANKT = ("Dank u wel! Uw melding is verstuurd.")
WAT_NU = ("Een medewerker van de gemeente bekijkt uw melding. Klopt "
          "alles, dan komt het initiatief op de kaart van het dashboard. Staat het er al, "
          "dan voegen we uw melding erbij. Heeft u uw gegevens achtergelaten, dan kan de "
          "gemeente u een vraag stellen. Daarna worden uw gegevens verwijderd.")
NIET_GOED = "Uw melding is nog niet verstuurd. Kijk hierboven bij: {vragen}"
# The question a field belongs to, for the summary at the button (on a phone the messages
# under the fields are out of sight when Versturen is tapped).
VRAGEN = {"naam": "Naam van het initiatief", "omschrijving": "Wat doen jullie?",
          "activiteit": "Soort activiteit", "doelgroepen": "Voor wie?",
          "wij_type": "Wie komen er?", "frequentie": "Hoe vaak?", "sinds": "Sinds wanneer?",
          "buurtcode": "Waar?", "lat": "Waar?", "lon": "Waar?",
          "contact_naam": "Uw gegevens", "contact_email": "Uw gegevens",
          "contact_telefoon": "Uw gegevens"}


def key(field: str) -> str:
    return f"melden_{field}"


def sessie() -> str:
    if SESSIE not in ss:
        ss[SESSIE] = secrets.token_urlsafe(16)
    return ss[SESSIE]


# The fields whose message has a place on the page this run; the others (a spot while the
# map is hidden, say) are shown at the button, so no message is ever lost.
GETOOND: set[str] = set()


def huidig(field: str):
    """What the form holds for ``field`` now (the spot for lat/lon)."""
    value = ss.get(PLEK) if field in ("lat", "lon") else ss.get(key(field))
    return tuple(value) if isinstance(value, list) else value


def fout_bij(field: str) -> None:
    """The message for ``field`` from the last Versturen, right under that field — until
    the field is changed: a buurt chosen after the message removes 'Kies de buurt'."""
    GETOOND.add(field)
    message = open_fouten().get(field)
    if message:
        st.error(escape_markdown(message), icon=":material/error:")


def open_fouten() -> dict[str, str]:
    """Field -> message from the last Versturen, for the fields still as they were then:
    a question put right loses its message at once, before the next Versturen."""
    return {field: message for field, (message, toen) in ss.get(FOUTEN, {}).items()
            if huidig(field) == toen}


def max_lengte(field: str) -> int | None:
    return meldingen.MAX_LENGTE.get(field)


def tekstveld(field: str, label: str, voorbeeld: str, *, area: bool = False, **options):
    options.setdefault("placeholder", voorbeeld)
    # Typing commits without a rerun: on a phone a rerun after every field costs time and
    # can move the page; the values travel with the click on Versturen.
    widget = st.text_area if area else st.text_input
    widget(label, key=key(field), max_chars=max_lengte(field), on_change="ignore", **options)
    fout_bij(field)


# --- what the form sends ------------------------------------------------------------------

def invoer() -> meldingen.Invoer:
    """The form as a meldingen.Invoer (the spot only when it was clicked in the chosen
    buurt and the initiative is not at someone's home)."""
    values = {field: str(ss.get(key(field)) or "") for field in TEKSTVELDEN}
    buurtcode = ss.get(key("buurtcode")) or ""
    verborgen = bool(ss.get(key("locatie_verborgen")))
    plek = ss.get(PLEK)
    lat = lon = None
    if plek and plek[0] == buurtcode and not verborgen:
        lat, lon = plek[1], plek[2]
    return meldingen.Invoer(
        **values, activiteit=ss.get(key("activiteit")) or "",
        wij_type=ss.get(key("wij_type")) or "",
        doelgroepen=tuple(ss.get(key("doelgroepen")) or ()), buurtcode=buurtcode,
        lat=lat, lon=lon, locatie_verborgen=verborgen)


def versturen(buurtcodes: list[str]) -> None:
    """The click on Versturen (a callback, before the page is drawn)."""
    ss.pop(FOUTEN, None)
    ss.pop(FOUT, None)
    verzonden = invoer()
    try:
        # The rate limits an administrator may set (meldingen_per_sessie_per_uur, ..._per_minuut).
        beheer = meldingen.Meldingen.uit_instellingen(ui.store(), auth.instellingen())
        beheer.indienen(verzonden, sessie=sessie(), buurtcodes=buurtcodes)
    except meldingen.TeVeelMeldingen as exc:
        ss[FOUT] = exc.message
        return
    except WijkdataError as exc:
        ss[FOUTEN] = {p.column: (p.message, huidig(p.column)) for p in exc.problems
                      if p.column}
        if not ss[FOUTEN]:
            ss[FOUT] = exc.message
        return
    except Exception:
        log.exception("Onverwachte fout bij het versturen van een melding")
        ss[FOUT] = ui.ONVERWACHT
        return
    # A filled honeypot (a bot) stores nothing, and is thanked all the same.
    ss[VERSTUURD] = True
    for field in TEKSTVELDEN + KEUZEVELDEN + ("gemeente",):
        ss.pop(key(field), None)
    ss.pop(PLEK, None)


def opnieuw() -> None:
    ss.pop(VERSTUURD, None)


# --- the spot on a map --------------------------------------------------------------------

def raster(vlak, punten: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of a regular grid of about ``punten`` points inside ``vlak`` (WGS84):
    plotly's map reports clicks on points only, so these faint points make the whole buurt
    clickable. Never empty: a tiny buurt gets its inner point."""
    minx, miny, maxx, maxy = vlak.bounds
    breed = (maxx - minx) * np.cos(np.radians((miny + maxy) / 2))
    hoog = maxy - miny
    stap = max(np.sqrt(max(breed * hoog, 1e-12) / punten), 1e-6)
    xs = np.arange(minx + stap / 2, maxx, stap / np.cos(np.radians((miny + maxy) / 2)))
    ys = np.arange(miny + stap / 2, maxy, stap)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(vlak, gx, gy)
    if not inside.any():
        punt = vlak.representative_point()
        return np.array([punt.y]), np.array([punt.x])
    return gy[inside], gx[inside]


def randen(vlakken) -> tuple[list, list]:
    """The outlines of ``vlakken`` as one line trace's lat and lon (None between rings)."""
    lats: list = []
    lons: list = []
    for vlak in vlakken:
        for ring in shapely.get_rings(shapely.get_parts(vlak)):
            coords = np.asarray(ring.coords)
            lons += list(coords[:, 0]) + [None]
            lats += list(coords[:, 1]) + [None]
    return lats, lons


def plek_kaart(buurten: gpd.GeoDataFrame, buurtcode: str, plek) -> tuple[go.Figure, tuple]:
    """A small map of the chosen buurt (its neighbours in grey) with a clickable grid; the
    grid's (lat, lon) are returned too, to read a click by its point number."""
    buurt = buurten[buurten["code"] == buurtcode]
    vlak = buurt.geometry.iloc[0]
    lat, lon = raster(vlak)
    fig = go.Figure()
    rest_lat, rest_lon = randen(buurten[buurten["code"] != buurtcode].geometry)
    fig.add_trace(go.Scattermap(lat=rest_lat, lon=rest_lon, mode="lines",
                                line={"width": 1, "color": "#9e9e9e"}, hoverinfo="skip",
                                showlegend=False))
    rand_lat, rand_lon = randen(buurt.geometry)
    fig.add_trace(go.Scattermap(lat=rand_lat, lon=rand_lon, mode="lines",
                                line={"width": 3, "color": "#54278f"}, hoverinfo="skip",
                                showlegend=False))
    # Faint enough to read the streets of the base map through them.
    fig.add_trace(go.Scattermap(
        lat=lat, lon=lon, mode="markers", marker={"size": 16, "color": "#54278f",
                                                  "opacity": 0.12},
        selected={"marker": {"opacity": 0.12}}, unselected={"marker": {"opacity": 0.12}},
        hovertemplate="Hier<extra></extra>", showlegend=False, name="raster"))
    if plek:
        fig.add_trace(go.Scattermap(
            lat=[plek[0]], lon=[plek[1]], mode="markers",
            marker={"size": 22, "color": "#000000"}, hoverinfo="skip", showlegend=False,
            name="gekozen plek"))
    view = kaart.scaled_view(kaart.bounds_view(buurt.to_crs(WGS84) if buurt.crs != WGS84
                                               else buurt), 360, 300)
    # Streets help to find the spot; without internet the buurt's outline is enough.
    achtergrond = ui.achtergrondkaart()
    lagen = [kaart.achtergrond_laag(achtergrond)] if achtergrond else []
    fig.update_layout(map={"style": "white-bg", "layers": lagen, **view}, height=300,
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, clickmode="event+select",
                      uirevision=buurtcode, dragmode=False)
    return fig, (lat, lon)


def kies_plek(event_key: str, grid: tuple, buurtcode: str) -> None:
    """The click on the map (a callback): the clicked grid point becomes the spot."""
    event = ss.get(event_key)
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return
    for point in points or []:
        if point.get("curve_number") != 2:         # the grid trace
            continue
        index = point.get("point_index", point.get("point_number"))
        lat, lon = point.get("lat"), point.get("lon")
        if (lat is None or lon is None) and index is not None and index < len(grid[0]):
            lat, lon = float(grid[0][index]), float(grid[1][index])
        if lat is not None and lon is not None:
            ss[PLEK] = (buurtcode, round(float(lat), 6), round(float(lon), 6))
            return


def wis_plek() -> None:
    ss.pop(PLEK, None)


# --- the page -----------------------------------------------------------------------------

def waar(data) -> list[str]:
    """The question Waar?; returns the buurtcodes a report may name (the page shows the
    form only when buurten are loaded)."""
    st.subheader("Waar?", anchor=False)
    gemeenten = dict(zip(data.gemeenten["code"], data.gemeenten["naam"]))
    if len(gemeenten) > 1:
        if ss.get(key("gemeente")) not in gemeenten:
            gekozen = ss.get("gemeente")
            ss[key("gemeente")] = gekozen if gekozen in gemeenten else next(iter(gemeenten))
        st.selectbox("Gemeente", list(gemeenten), key=key("gemeente"),
                     format_func=gemeenten.get)
    gemeente = ss.get(key("gemeente")) if len(gemeenten) > 1 else next(iter(gemeenten))
    buurten = data.buurten[data.buurten["gemeentecode"] == gemeente]
    labels = {code: naam_met_wijk(naam, wijk, code) for code, naam, wijk in
              zip(buurten["code"], buurten["naam"], buurten["wijknaam"])}
    codes = sorted(labels, key=lambda c: labels[c].casefold())
    if ss.get(key("buurtcode")) is not None and ss.get(key("buurtcode")) not in codes:
        # A buurt of another gemeente (the gemeente was changed): choose again.
        ss[key("buurtcode")] = None
    st.selectbox("In welke buurt? (verplicht)", codes, index=None, key=key("buurtcode"),
                 format_func=labels.get, placeholder="Typ de naam van de buurt",
                 help="Typ een paar letters van de buurt. Achter de buurt staat de wijk.")
    fout_bij("buurtcode")
    st.checkbox("Het is bij iemand thuis", key=key("locatie_verborgen"),
                help="Dan laten we alleen de buurt zien, nooit het adres of de plek.")
    buurtcode = ss.get(key("buurtcode"))
    if buurtcode and not ss.get(key("locatie_verborgen")):
        plek = ss.get(PLEK)
        plek = plek[1:] if plek and plek[0] == buurtcode else None
        st.caption("Weet u de plek? Tik op de kaart op die plek. Dat hoeft niet.")
        wgs = buurten.to_crs(WGS84)
        fig, grid = plek_kaart(wgs, buurtcode, plek)
        event_key = f"melden_kaart_{buurtcode}"
        st.plotly_chart(fig, key=event_key, on_select=lambda: kies_plek(event_key, grid,
                                                                         buurtcode),
                        selection_mode="points", theme=None,
                        config={"displayModeBar": False, "scrollZoom": False})
        fout_bij("lat")
        if plek:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.caption("U koos een plek op de kaart (de zwarte stip).")
                st.button("Plek wissen", key="melden_plek_wissen", on_click=wis_plek,
                          icon=":material/close:")
    return codes


def naam_met_wijk(naam, wijk, code) -> str:
    """'naam (wijk)' as the buurt list shows it; the code where no name is known."""
    naam = tekst(naam) or code
    wijk = tekst(wijk)
    return f"{naam} ({wijk})" if wijk and wijk != naam else naam


def formulier(data) -> None:
    st.markdown("Kent u een klein initiatief in de buurt? Bijvoorbeeld een koffietafel, een "
                "moestuin van buren of een straat die samen Koningsdag viert. Vertel het ons. "
                "Dat duurt ongeveer twee minuten. Alleen de naam en de buurt zijn verplicht.")
    tekstveld("naam", "Naam van het initiatief (verplicht)",
              "Bijvoorbeeld: Koffietafel De Linde")
    tekstveld("omschrijving", "Wat doen jullie?",
              "Bijvoorbeeld: Elke dinsdagochtend drinken we koffie in het buurthuis. "
              "Iedereen is welkom.", area=True, height=110)
    st.pills("Soort activiteit", ACTIVITEITEN, key=key("activiteit"),
             format_func=str.capitalize, width="stretch",
             help="Kies wat het beste past. Bijvoorbeeld: een koffietafel is *ontmoeting*.")
    fout_bij("activiteit")
    st.pills("Voor wie?", DOELGROEPEN, selection_mode="multi", key=key("doelgroepen"),
             format_func=str.capitalize, width="stretch",
             help="U mag meer dan één groep kiezen.")
    fout_bij("doelgroepen")
    # WIJ_TYPES explains each kind with an example: the answer as the option, the example
    # ("Bijvoorbeeld: ...") smaller underneath.
    typen = list(meldingen.WIJ_TYPES)
    antwoord = {t: meldingen.WIJ_TYPES[t].partition(". ")[0] for t in typen}
    st.radio("Wie komen er?", typen, index=None, key=key("wij_type"),
             format_func=antwoord.get,
             captions=[meldingen.WIJ_TYPES[t].partition(". ")[2] for t in typen])
    fout_bij("wij_type")
    tekstveld("frequentie", "Hoe vaak?", "Bijvoorbeeld: elke dinsdagochtend")
    tekstveld("sinds", "Sinds wanneer?", "Bijvoorbeeld: 2019, of voorjaar 2023")
    buurtcodes = waar(data)
    st.subheader("Uw gegevens", anchor=False)
    st.caption("Niet verplicht. Dan kan de gemeente u een vraag stellen. Alleen de "
               "medewerkers van de gemeente die de meldingen bekijken, zien deze gegevens. Ze "
               "worden verwijderd zodra uw melding is behandeld.")
    tekstveld("contact_naam", "Uw naam", "Bijvoorbeeld: Fatima de Vries",
              autocomplete="name")
    tekstveld("contact_email", "Uw e-mailadres", "naam@voorbeeld.nl", type="email",
              validate="")
    tekstveld("contact_telefoon", "Uw telefoonnummer", "Bijvoorbeeld: 06 12345678",
              type="phone")
    with st.container(key=HONINGPOT):
        st.text_input("Laat dit veld leeg", key=key("website"), on_change="ignore",
                      autocomplete="off", max_chars=200)
    st.button("Versturen", type="primary", key="melden_versturen", width="stretch",
              icon=":material/send:", on_click=versturen, args=(buurtcodes,))
    open_ = open_fouten()
    for field, message in open_.items():
        if field not in GETOOND:
            st.error(escape_markdown(message), icon=":material/error:")
    vragen = dict.fromkeys(VRAGEN.get(field, field) for field in open_)
    if vragen:
        st.error(escape_markdown(NIET_GOED.format(vragen=", ".join(vragen))),
                 icon=":material/error:")
    if ss.get(FOUT):
        st.error(escape_markdown(ss[FOUT]), icon=":material/error:")


with st.container(width=720):
    st.title("Meld een initiatief", anchor=False)
    if ss.get(VERSTUURD):
        st.success(BEDANKT, icon=":material/check_circle:")
        st.markdown("**Wat gebeurt er nu?**")
        st.write(WAT_NU)
        st.button("Nog een initiatief melden", key="melden_opnieuw", on_click=opnieuw,
                  icon=":material/add:")
    elif (data := ui.gegevens()).buurten.empty:
        # A report names its buurt, and the buurten are not loaded yet (only possible while
        # the municipality sets the dashboard up): say so before anyone types in vain.
        st.info("Melden kan nog niet: de gemeente heeft de buurten nog niet in het "
                "dashboard gezet. Probeer het later nog eens.", icon=":material/schedule:")
    else:
        formulier(data)
