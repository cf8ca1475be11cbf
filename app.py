"""Kleine wij's — the frame: page navigation and the shared choices in the sidebar.

Everything drawn here is shared by every page; the choices live in session state and in the
URL (?gemeente=...&buurt=...), so a link reopens the same view; so do the witte-vlek method's
thresholds (?hoogste=30&laagste=25&bereik=500&min_inwoners=100, only where not the default).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

import auth
import ui
from wijkdata import logs
from wijkdata.model.codes import NEDERLAND
from wijkdata.model.gegevens import DEMO_NAAM, met_code
from wijkdata.model.schema import LEEFTIJDEN

st.set_page_config(page_title="Kleine wij's", page_icon="🏘️", layout="wide",
                   # Open on a screen, closed on a phone: a resident who opens the report
                   # form on a phone sees the form, not the menu over it.
                   initial_sidebar_state="auto")

# Residents report an initiative here; with sign-in configured and
# [wijkdata] melden_zonder_inloggen = true it is the one page open without signing in.
MELDEN = st.Page("pages/melden.py", title="Meld een initiatief",
                 icon=":material/add_location_alt:", url_path="melden")
PAGES = [
    st.Page("pages/overzicht.py", title="Overzicht", icon=":material/home:", default=True),
    st.Page("pages/kaart.py", title="Kaart", icon=":material/map:", url_path="kaart"),
    st.Page("pages/buurtprofiel.py", title="Buurtprofiel", icon=":material/location_city:",
            url_path="buurtprofiel"),
    st.Page("pages/witte_vlekken.py", title="Witte vlekken", icon=":material/crop_free:",
            url_path="witte_vlekken"),
    st.Page("pages/initiatieven.py", title="Initiatieven", icon=":material/diversity_3:",
            url_path="initiatieven"),
    MELDEN,
    st.Page("pages/over_de_data.py", title="Over de data", icon=":material/info:",
            url_path="over_de_data"),
    st.Page("pages/presentatie.py", title="Presentatie", icon=":material/slideshow:",
            url_path="presentatie"),
]
QUERY_KEYS = ("gemeente", "buurt", "niveau", "indicator", "periode", "leeftijd", "stap",
              "uitgelicht")


def restore_from_url() -> None:
    """Once per session: take the choices from the URL, so a shared link reopens the view."""
    if st.session_state.get("_url_restored"):
        return
    st.session_state["_url_restored"] = True
    params = st.query_params
    for key in QUERY_KEYS:
        if key in params:
            value = params[key]
            if key in ("periode", "stap"):
                value = int(value) if value.isdigit() else None
            elif key == "uitgelicht":
                value = [int(v) for v in value.split(",") if v.isdigit()]
            st.session_state[key] = value
    ui.methode_uit_url(params)


def sidebar(data) -> None:
    gemeenten = data.gemeenten
    names = dict(zip(gemeenten["code"], gemeenten["naam"]))
    ss = st.session_state
    if len(names) > 1:
        # With several gemeenten loaded (a GGD region, a province, the country) the whole
        # area can be shown at once; witte vlekken stay defined within each gemeente.
        names = {NEDERLAND: "Alle gemeenten", **names}
    if ss.get("gemeente") not in names and names:
        ss["gemeente"] = gemeenten["code"].iloc[0]
    with st.sidebar:
        st.markdown("### Kleine wij's")
        if data.is_demo:
            st.caption(DEMO_NAAM)
        # Every page invites people to report what is missing from the map.
        st.page_link(MELDEN, label="Meld een initiatief", icon=":material/add_location_alt:",
                     help="Kent u een klein initiatief in de buurt dat niet op de kaart "
                          "staat? Meld het hier.")
        if not names:
            st.caption("Nog geen gebieden geladen.")
            return
        labels = {c: n if c == NEDERLAND else met_code(n, c) for c, n in names.items()}
        # Streamlit keeps a selectbox's old labels while its key stays the same, so a name
        # that arrives later (CBS Kerncijfers naming a gemeente the boundaries left nameless)
        # would show only after a reload. The widget's key therefore changes with its labels;
        # the choice itself lives in "gemeente" (read by the pages and mirrored to the URL).
        widget = "_gemeente_" + hashlib.sha1(
            repr(sorted(labels.items())).encode("utf-8")).hexdigest()[:10]
        ss[widget] = ss["gemeente"]
        st.selectbox("Gemeente", list(labels), key=widget, format_func=labels.__getitem__,
                     on_change=lambda: ss.__setitem__("gemeente", ss[widget]),
                     help="Typ een naam of een code (GM…) om te zoeken.")
        st.radio("Niveau", ["buurt", "wijk"], key="niveau", horizontal=True,
                 format_func=str.capitalize)
        if ss.get("indicator") not in ui.INDICATOR_CHOICES:
            ss["indicator"] = "eenzaam"
        st.selectbox("Indicator", ui.INDICATOR_CHOICES, key="indicator",
                     format_func=ui.indicator_label)
        available = data.perioden("eenzaam") or [None]
        if ss.get("periode") not in available:
            ss["periode"] = available[-1]
        st.selectbox("Jaar (eenzaamheid)", available, key="periode",
                     format_func=lambda p: "geen gegevens" if p is None else str(p))
        if ss.get("leeftijd") not in LEEFTIJDEN:
            ss["leeftijd"] = "18+"
        st.selectbox("Leeftijdsgroep", LEEFTIJDEN, key="leeftijd",
                     format_func=ui.LEEFTIJD_LABELS.get)
        st.caption("Bronnen: CBS, RIVM Gezondheidsmonitor en eigen lijsten van de gemeente. "
                   "Zie *Over de data*.")


def mirror_to_url() -> None:
    wanted = {}
    for key in QUERY_KEYS:
        value = st.session_state.get(key)
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if value not in (None, "", 0):        # step 0 (preparing) needs no parameter
            wanted[key] = str(value)
    # The witte-vlek method: only what differs from the defaults, so plain links stay short.
    wanted.update(ui.methode_url())
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


logs.configure()
# Before the sign-in gate: the page open without signing in needs the same styles.
st.html(f"<style>{(Path(__file__).parent / 'app.css').read_text(encoding='utf-8')}</style>")
# Before the gate too: the report form's map may get the base map as well.
ui.tegeltest()
auth.require_sign_in(open_pages=[MELDEN], guard=ui.fouten_opvangen)
restore_from_url()
# One place for what no page caught: the project's own errors shown, bugs logged with their
# traceback and told to the user in Dutch.
with ui.fouten_opvangen():
    data = ui.gegevens()
    DATA_PAGE = st.Page("pages/data.py", title="Data", icon=":material/upload_file:",
                        url_path="data")
    navigation = st.navigation(PAGES + ([DATA_PAGE] if auth.is_analyst() else []))
    sidebar(data)
    mirror_to_url()
    navigation.run()
