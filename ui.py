"""Streamlit-aware helpers shared by app.py and the pages: cached loaders keyed on the active
dataset versions, the shared choices, error display and small widgets.

Dependencies point one way: pages → ui → wijkdata.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v2 as components

from wijkdata.compute import formulas
from wijkdata.compute.buurttabel import buurtcijfers
from wijkdata.compute.witte_vlekken import Methode
from wijkdata.draw.tabellen import LEEFTIJD_LABELS
from wijkdata.errors import WijkdataError, problemen_tabel
from wijkdata.escaping import escape_markdown
from wijkdata.export import spreadsheets
from wijkdata.formatting import GEEN_GEGEVENS, fmt_getal, kolom_formatter
from wijkdata.model.gegevens import DEMO_NAAM, Gegevens, load_active, tekst
from wijkdata.model.schema import INDICATOREN, KAART_INDICATOREN, LONELINESS, eenzaamheid_voor
from wijkdata.store import Store, database_url

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- the frame -----------

def frame_guard() -> None:
    """Call first in every page: make sure the page runs inside app.py's frame.

    Streamlit decides per process whether the app uses the old ``pages/`` folder mode: until
    some session has run app.py's ``st.navigation``, a fresh server that gets a deep link
    (``/kaart?gemeente=...``, a shared URL) runs the page file on its own, without the
    sidebar and the shared choices. Switching the flag off and rerunning makes Streamlit run
    app.py, which then opens the same page through ``st.navigation``. The flag is a Streamlit
    internal (checked on 1.67; re-check on upgrades; tests/test_browser.py covers it).
    """
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page(title: str, intro: str | None = None) -> tuple[Gegevens, Keuzes]:
    """The start every data page shares: frame guard, the active data and the shared
    choices, the title, the demo banner; stops with a friendly note when no buurten are
    loaded yet."""
    frame_guard()
    data = gegevens()
    st.title(title)
    if intro:
        st.markdown(intro)
    demo_banner(data)
    if no_data(data):
        st.stop()
    methode_melding()
    return data, keuzes()


# ---------------------------------------------------------------- loading (cached) -----


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    url = st.secrets.get("database_url") if _has_secrets() else None
    return _store(database_url(url))


def _has_secrets() -> bool:
    try:
        return "database_url" in st.secrets
    except FileNotFoundError:      # no secrets.toml (StreamlitSecretNotFoundError is one)
        return False


@st.cache_resource(show_spinner="Gegevens laden…", max_entries=4)
def _gegevens(url: str, key: tuple) -> Gegevens:
    # Keyed on the active version ids: a publish, rollback or delete in any session or
    # process changes the key, so every session sees new data on its next interaction.
    return load_active(_store(url))


def gegevens() -> Gegevens:
    s = store()
    return _gegevens(s.url, s.state_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _cijfers(key: tuple, url: str, gemeente: str | None, periode, leeftijd: str,
             eenzaamheid: str, methode: Methode, filters: tuple) -> pd.DataFrame:
    data = _gegevens(url, key)
    chosen = filtered_initiatieven(data, filters) if any(filters) else None
    return buurtcijfers(data, gemeentecode=gemeente, periode=periode, leeftijd=leeftijd,
                        eenzaamheid=eenzaamheid, methode=methode, initiatieven=chosen)


def cijfers(keuzes: Keuzes, *, filters: tuple = (None, None, None),
            methode: Methode | None = None, periode="keuze") -> pd.DataFrame:
    """Figures per buurt for the shared choices (optionally with initiative filters), rated
    by the chosen witte-vlek method (:func:`gekozen_methode`) unless ``methode`` is given."""
    s = store()
    eenzaamheid = eenzaamheid_voor(keuzes.indicator)
    return _cijfers(s.state_key(), s.url, keuzes.gemeente,
                    keuzes.periode if periode == "keuze" else periode, keuzes.leeftijd,
                    eenzaamheid, methode or gekozen_methode(), _freeze(filters))


def filtered_initiatieven(data: Gegevens, filters: tuple) -> pd.DataFrame:
    activiteiten, wij_types, doelgroepen = (list(f) if f else None for f in filters)
    return formulas.filter_initiatieven(formulas.active_initiatieven(data.initiatieven),
                                       activiteiten=activiteiten, wij_types=wij_types,
                                       doelgroepen=doelgroepen)


def _freeze(filters) -> tuple:
    return tuple(tuple(sorted(f)) if f else None for f in filters)


@st.cache_resource(show_spinner=False, max_entries=16)
def _geojson(key: tuple, url: str, gemeente: str | None, niveau: str) -> tuple[str, dict]:
    # The borders are prepared once per geometry version as a static file (shared by every
    # session and process, see wijkdata/draw/kaartcache.py); the figure refers to it by URL.
    from wijkdata.draw import kaartcache
    data = _gegevens(url, key)
    laag = kaartcache.laag(data.buurten, gemeente, niveau, key=kaartcache.sleutel(data))
    return laag.url, laag.view


def achtergrond_instelling() -> str | None:
    """Tile URL of the base map as set (``achtergrondkaart_url``; PDOK's grey
    BRT-Achtergrondkaart by default), None when switched off with ``uit``."""
    import auth
    from wijkdata.draw.kaart import achtergrondkaart_url
    return achtergrondkaart_url(auth.instellingen())


# {tile URL template: whether this browser fetched a tile of it}, answered by the tile test
TEGELTEST = "_achtergrond_bereikbaar"
_tegeltest = components.component(
    "kleine_wijs.tegeltest",
    js=(Path(__file__).parent / "componenten" / "tegeltest.js").read_text(encoding="utf-8"))


def tegeltest() -> None:
    """Once per session: the browser fetches one tile of the base map and says when it came
    (app.py draws this hidden on every run until then). Needed because plotly stops
    answering clicks on a map when a tile fails before the map's first paint, which is
    every tile in a council room without internet. A failure is not sent: the maps simply
    stay without the base map, and the check stays in the page, asking nothing more."""
    from wijkdata.draw.kaart import proeftegel
    url = achtergrond_instelling()
    antwoorden = st.session_state.setdefault(TEGELTEST, {})
    if url is None or antwoorden.get(url):
        return
    antwoord = _tegeltest(key="tegeltest", data={"url": proeftegel(url), "timeout_ms": 5000},
                          default={"bereikbaar": None}, on_bereikbaar_change=lambda: None)
    if antwoord.bereikbaar:
        antwoorden[url] = True
        # Once more from the top: the check leaves the page (browser tests wait for that)
        # and every map of this run is drawn with the base map.
        st.rerun()


def achtergrondkaart() -> str | None:
    """Tile URL of the base map under the buurten, once this browser has fetched one of its
    tiles (:func:`tegeltest`); None while that is unknown, when it failed, or when the base
    map is switched off. Pass it to kaart.choropleth(achtergrond=...); the browser fetches
    the tiles, the server never does."""
    url = achtergrond_instelling()
    return url if url and st.session_state.get(TEGELTEST, {}).get(url) else None


def geojson(keuzes: Keuzes, niveau: str | None = None) -> tuple[str, dict]:
    """(URL of the prepared GeoJSON, starting view) of the chosen gemeente (or the country
    when no gemeente is chosen) at ``niveau``: pass both to kaart.choropleth."""
    s = store()
    return _geojson(s.state_key(), s.url, keuzes.gemeente, niveau or keuzes.niveau)


# ---------------------------------------------------------------- shared choices -------

@dataclass(frozen=True)
class Keuzes:
    gemeente: str | None   # None: all gemeenten together
    niveau: str            # 'buurt' | 'wijk'
    indicator: str
    periode: int | None
    leeftijd: str

    @property
    def bestandsdeel(self) -> str:
        """The gemeente part of a download's file name."""
        return self.gemeente or "alle_gemeenten"


INDICATOR_CHOICES = KAART_INDICATOREN


def indicator_label(key: str) -> str:
    if key == "initiatieven_per_1000":
        return "Initiatieven per 1.000 inwoners"
    info = INDICATOREN[key]
    return f"{info.label} ({info.unit})" if info.unit == "%" else info.label


def periode_label(keuzes: Keuzes) -> str:
    """Which year and age group a figure is about ('2022, 18 jaar en ouder')."""
    if keuzes.indicator in LONELINESS:
        return f"{keuzes.periode or 'geen jaar'}, {LEEFTIJD_LABELS[keuzes.leeftijd]}"
    return "laatst bekende jaar, alle leeftijden"



def keuzes() -> Keuzes:
    ss = st.session_state
    from wijkdata.model.codes import NEDERLAND
    gemeente = ss.get("gemeente")
    # "Alle gemeenten" is kept in the URL as NL01; figures then cover every gemeente.
    return Keuzes(None if gemeente == NEDERLAND else gemeente, ss.get("niveau", "buurt"),
                  ss.get("indicator", "eenzaam"),
                  ss.get("periode"), ss.get("leeftijd", "18+"))


# ---------------------------------------------------------------- the witte-vlek method --
# Chosen once (the controls on the Witte vlekken page), kept in plain session keys and in the
# URL, and used by every page, chart, table, download, slide and the PDF. The keys hold what
# a person chooses: the highest .. % (loneliness), the lowest .. % (supply), metres, people.

HOOGSTE = "hoogste"            # % of buurten with the highest loneliness: 100 × (1 − eenzaam)
LAAGSTE = "laagste"            # % of buurten with the lowest supply: 100 × aanbod
BEREIK = "bereik"              # metres from the buurt border
MIN_INWONERS = "min_inwoners"
# (lowest, highest, step) a control allows; a URL value outside these is ignored.
METHODE_BEREIK = {HOOGSTE: (5, 50, 5), LAAGSTE: (5, 50, 5), BEREIK: (0, 2000, 100),
                  MIN_INWONERS: (0, 5000, 50)}


def methode_standaard() -> dict[str, int]:
    """The defaults (wijkdata.compute.witte_vlekken.Methode) as the controls show them."""
    d = Methode()
    return {HOOGSTE: round((1 - d.eenzaam) * 100), LAAGSTE: round(d.aanbod * 100),
            BEREIK: round(d.bereik_m), MIN_INWONERS: int(d.min_inwoners)}


def methode_waarde(key: str, value) -> int | None:
    """``value`` (a number or URL text) as a whole number the control ``key`` allows, or
    None: not a whole number, outside the range, or off the step."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    low, high, step = METHODE_BEREIK[key]
    if not low <= number <= high or (number - low) % step:
        return None
    return number


def methode_keuzes() -> dict[str, int]:
    """The chosen values (valid ones from the session, the defaults for the rest); written
    back, so every page reads the same."""
    ss = st.session_state
    out = {}
    for key, default in methode_standaard().items():
        value = methode_waarde(key, ss.get(key))
        out[key] = default if value is None else value
        ss[key] = out[key]
    return out


def als_methode(keuze: dict[str, int]) -> Methode:
    return Methode(eenzaam=round(1 - keuze[HOOGSTE] / 100, 4),
                   aanbod=round(keuze[LAAGSTE] / 100, 4),
                   bereik_m=keuze[BEREIK], min_inwoners=keuze[MIN_INWONERS])


def gekozen_methode() -> Methode:
    """The witte-vlek method of this session (see :func:`methode_keuzes`)."""
    return als_methode(methode_keuzes())


def methode_uit_url(params) -> None:
    """Take the method's values from the URL (``params``: st.query_params); invalid ones
    are ignored, so a typed link never breaks a page."""
    for key in METHODE_BEREIK:
        if key in params:
            value = methode_waarde(key, params[key])
            if value is not None:
                st.session_state[key] = value


def methode_url() -> dict[str, str]:
    """The URL parameters of the method: only the values that differ from the defaults."""
    standaard = methode_standaard()
    return {key: str(value) for key, value in methode_keuzes().items()
            if value != standaard[key]}


def methode_herstellen() -> None:
    st.session_state.update(methode_standaard())


def methode_melding() -> None:
    """A short line on every page when the method differs from the defaults."""
    if methode_url():
        st.caption(f"Eigen grenzen voor witte vlekken: {methode_tekst(gekozen_methode())}. "
                   "Aan te passen op de pagina Witte vlekken.")


def methode_tekst(methode: Methode) -> str:
    from wijkdata.draw.tabellen import grenzen_tekst
    return grenzen_tekst(methode)


def is_waar(value) -> bool:
    """True only for a true value: numpy and pandas booleans count, a missing one (pd.NA,
    None, NaN) does not. ``value is True`` is always False for a numpy bool."""
    return False if value is None or value is pd.NA or pd.isna(value) else bool(value)


def show_error(exc: WijkdataError) -> None:
    """The one place where the project's own errors reach the user: the message, and the
    problems (row as a spreadsheet shows it, column, area, value) as a table."""
    # Messages quote file names and cell values: shown literally, never as Markdown.
    st.error(escape_markdown(exc.message), icon="⚠️")
    if exc.problems:
        bestand_tabel(problemen_tabel(exc.problems))


ONVERWACHT = ("Er ging iets onverwachts mis. Probeer het opnieuw; blijft het misgaan, meld "
              "het dan aan de beheerder. De technische details staan in het logboek van de "
              "server.")


class OnverwachteFout(Exception):
    """What the user sees of a bug: a Dutch message, no traceback (that goes to the log)."""

    # st.exception shows this instead of the class name above the message.
    alternate_name = "Fout"


@contextlib.contextmanager
def fouten_opvangen():
    """Around everything a page does (app.py wraps the page run in it): a WijkdataError no
    page caught is shown by :func:`show_error`; any other exception — a bug — goes with its
    traceback to the server log and the user reads :data:`ONVERWACHT`. It stays an exception
    element on the page, so tests that look for one still see it. st.stop and st.rerun pass
    through (Streamlit's control flow is no Exception)."""
    try:
        yield
    except WijkdataError as exc:
        show_error(exc)
    except Exception:
        log.exception("Onverwachte fout bij het tonen van een pagina")
        st.exception(OnverwachteFout(ONVERWACHT))


def demo_banner(data: Gegevens) -> None:
    if data.is_demo:
        st.info(f"**{DEMO_NAAM}.** Dit is een verzonnen gemeente om het dashboard "
                "te laten zien. Echte cijfers laadt u op de pagina Data.", icon="ℹ️")


def no_data(data: Gegevens) -> bool:
    """Show a friendly note and return True when there is nothing to show yet."""
    if data.is_empty:
        st.info("Er zijn nog geen gegevens over buurten geladen. Ga naar de pagina **Data** "
                "om een gebiedsindeling (CBS Wijk- en buurtkaart) en cijfers te laden.",
                icon="ℹ️")
        return True
    return False


def download_buttons(table: pd.DataFrame, name: str, key: str) -> None:
    """The downloads of a table (spreadsheets.download_files): a CSV that opens in Dutch Excel
    (';', decimal comma, UTF-8 with BOM) and an Excel file; without personal data, formulas
    neutralised, numbers rounded as on screen. Made only when a button is clicked."""
    with st.container(horizontal=True, gap="small"):
        for download in spreadsheets.download_files(table, name):
            extension = download.filename.rsplit(".", 1)[-1]
            st.download_button(download.label, download.make, download.filename,
                               download.mime, key=f"{key}_{extension}",
                               icon=":material/download:", help=download.help)


# ---------------------------------------------------------------- session helpers ------

def remembered(name: str, key, compute):
    """``compute()`` once per ``key`` in this session (only the last result is kept, in
    ``st.session_state[name]``), so a rerun for another choice does not redo the work (read a
    large file again)."""
    found = st.session_state.get(name)
    if found is not None and found[0] == key:
        return found[1]
    value = compute()
    st.session_state[name] = (key, value)
    return value


def flash_later(message: str, key: str = "_melding") -> None:
    """Keep ``message`` for :func:`flash` in the next run (the run after st.rerun, which
    shows the new data everywhere)."""
    st.session_state[key] = message


def flash(key: str = "_melding") -> None:
    """Show (once) the message kept by :func:`flash_later`: the result of a publish,
    rollback or delete."""
    message = st.session_state.pop(key, None)
    if message:
        st.success(escape_markdown(message), icon="✅")


def bevestiging(key: str, waarde, vraag: str, ja: str, *, detail: str = "",
                knoppen: str | None = None) -> bool:
    """A question that waits for an answer while ``st.session_state[key] == waarde`` (the
    button that asks sets it): the question as a warning, ``detail`` as plain text, then
    ``ja`` and "Annuleren" (widget keys ``<knoppen>_ja`` and ``<knoppen>_nee``). Returns
    True in the run where ``ja`` is clicked; either answer closes the question."""
    ss = st.session_state
    if ss.get(key) != waarde:
        return False
    st.warning(escape_markdown(vraag), icon="⚠️")
    if detail:
        st.text(detail)
    knoppen = knoppen or key
    yes, no, _ = st.columns([2, 2, 3])
    if yes.button(ja, type="primary", key=f"{knoppen}_ja"):
        ss.pop(key, None)
        return True
    if no.button("Annuleren", key=f"{knoppen}_nee"):
        ss.pop(key, None)
        st.rerun()
    return False


# ---------------------------------------------------------------- tables ---------------

def celtekst(value) -> str:
    """A text cell as a file holds it: an empty cell stays empty (never 'None' or 'nan');
    any other value exactly as the file or the store holds it, so a name 'NA' or 'null'
    stays text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:            # NaN
        return ""
    return str(value)


def bestand_tabel(frame: pd.DataFrame, **options) -> None:
    """st.dataframe for what a file holds (the Data page, error reports): text columns
    through :func:`celtekst`, number columns stay numbers (sorting works) with "geen
    gegevens" for a missing one."""
    shown = frame.copy()
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]) \
                or pd.api.types.is_bool_dtype(shown[column]):
            shown[column] = [celtekst(v) for v in shown[column]]
    options.setdefault("hide_index", True)
    st.dataframe(shown, placeholder=ONTBREKEND_GETAL, **options)


MAX_TABLE_ROWS = 1000
# What a missing cell shows. st.dataframe draws a missing cell itself (as "None" unless a
# placeholder is given): a Styler format never reaches it.
ONTBREKEND_GETAL = GEEN_GEGEVENS
ONTBREKENDE_TEKST = "—"


def tabel_weergave(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as st.dataframe should get it: text and yes/no columns as the words shown
    (a missing text is "—", a missing yes/no "onbekend"); number columns stay numbers, so
    sorting works, and their missing cells show the table's placeholder."""
    shown = frame.copy()
    for column in shown.columns:
        series = shown[column]
        if pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean":
            shown[column] = [("onbekend" if v is None or v is pd.NA or pd.isna(v) else
                              ("ja" if v else "nee")) for v in series]
        elif not pd.api.types.is_numeric_dtype(series):
            shown[column] = [tekst(v, ONTBREKENDE_TEKST) for v in series]
    return shown


def table(frame: pd.DataFrame, *, name: str | None = None, **options) -> None:
    """st.dataframe with Dutch numbers, each column rounded by its rule
    (formatting.kolom_formatter: 12,5 and 1.234 and 160 m, as on slides, in the PDF and in
    the downloads) and "geen gegevens" for a missing number; the numbers underneath stay
    numbers, so sorting still works.

    With ``name``, CSV and Excel downloads of the same table follow it.
    """
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    options.setdefault("placeholder", ONTBREKEND_GETAL)
    shown = frame
    if len(frame) > MAX_TABLE_ROWS:
        # Styling is per cell: tens of thousands of rows would make every rerun slow.
        shown = frame.head(MAX_TABLE_ROWS)
        st.caption(f"De eerste {fmt_getal(MAX_TABLE_ROWS)} van {fmt_getal(len(frame))} rijen; "
                   "de download bevat ze allemaal.")
    shown = tabel_weergave(shown)
    formats = {column: kolom_formatter(column, frame[column], missing=ONTBREKEND_GETAL)
               for column in shown.columns if pd.api.types.is_numeric_dtype(shown[column])}
    st.dataframe(shown.style.format(formats), **options)
    if name:
        download_buttons(frame, name, key=f"tabel_{name}")


# ---------------------------------------------------------------- presentatie -----------

def presentatie_stap() -> int:
    from wijkdata.export.presentatie import STAPPEN
    try:
        stap = int(st.session_state.get("stap", 0))
    except (TypeError, ValueError):
        stap = 0
    stap = max(0, min(stap, len(STAPPEN)))
    st.session_state["stap"] = stap
    return stap


def presentatie_naar(stap: int) -> None:
    from wijkdata.export.presentatie import STAPPEN
    st.session_state["stap"] = max(0, min(stap, len(STAPPEN)))


def uitgelicht_default(default: list, options: list) -> None:
    """Keep the featured initiatives valid for the current gemeente (URL or earlier pick),
    at most presentatie.MAX_UITGELICHT of them (a URL can hold more)."""
    from wijkdata.export.presentatie import MAX_UITGELICHT
    current = [i for i in st.session_state.get("uitgelicht", []) if i in set(options)]
    chosen = current or [i for i in default if i in set(options)]
    st.session_state["uitgelicht"] = chosen[:MAX_UITGELICHT]


# Choices that must outlive the widget that sets them live in plain session keys ("buurt",
# "uitgelicht", mirrored in the URL by app.py). Streamlit forgets a widget's key as soon as a
# run does not draw that widget (a page or presentation step without it), so each widget
# gets its own key, is filled from the plain key before it is drawn, and copies a new pick
# back in its on_change callback.

def _bewaar(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def blijvende_selectbox(label: str, options: list, *, key: str, default,
                        format_func=str, **kwargs):
    """A selectbox whose choice is kept in ``st.session_state[key]`` across pages, steps and
    reloads; ``default`` when the kept choice is not among ``options``. Returns the choice."""
    ss = st.session_state
    if ss.get(key) not in options:
        ss[key] = default
    widget_key = f"_{key}_keuze"
    ss[widget_key] = ss[key]
    st.selectbox(label, options, key=widget_key, format_func=format_func,
                 on_change=_bewaar, args=(widget_key, key), **kwargs)
    return ss[key]


def blijvende_toggle(label: str, *, key: str, default: bool, **kwargs) -> bool:
    """A toggle kept in ``st.session_state[key]`` (see :func:`blijvende_selectbox`); starts
    at ``default``. Returns the choice."""
    ss = st.session_state
    if not isinstance(ss.get(key), bool):
        ss[key] = default
    widget_key = f"_{key}_keuze"
    ss[widget_key] = ss[key]
    st.toggle(label, key=widget_key, on_change=_bewaar, args=(widget_key, key), **kwargs)
    return ss[key]


def presentatie_achtergrond() -> str | None:
    """The base map of the presentation's map: the setting's URL while the presenter's
    choice "Achtergrondkaart tonen" (key ``achtergrond``, default on when the setting
    gives one) is on, else None."""
    url = achtergrondkaart()
    return url if url and st.session_state.get(ACHTERGROND, True) else None


ACHTERGROND = "achtergrond"


def achtergrond_keuze() -> None:
    """The presenter's choice whether the map shows the base map (the tiles come from the
    internet: a council room may have none)."""
    url = achtergrond_instelling()
    blijvende_toggle("Achtergrondkaart tonen", key=ACHTERGROND, default=url is not None,
                     disabled=url is None,
                     help="Straten en water onder de buurten (PDOK, Kaartgegevens © "
                          "Kadaster). Zonder internet blijft de kaart gewoon zonder "
                          "achtergrond." if url else
                          "De beheerder heeft de achtergrondkaart uitgezet.")


def blijvende_multiselect(label: str, options: list, *, key: str, format_func=str, **kwargs):
    """A multiselect kept in ``st.session_state[key]`` (see :func:`blijvende_selectbox`)."""
    ss = st.session_state
    widget_key = f"_{key}_keuze"
    ss[widget_key] = [v for v in ss.get(key, []) if v in set(options)]
    st.multiselect(label, options, key=widget_key, format_func=format_func,
                   on_change=_bewaar, args=(widget_key, key), **kwargs)
    return ss[key]


def presentatie_css() -> None:
    from pathlib import Path
    css = (Path(__file__).parent / "presentatie.css").read_text(encoding="utf-8")
    st.html(f"<style>{css}</style>")


def slide(markup: str) -> None:
    """Our own slide markup; every value from a file was escaped by wijkdata.export.presentatie."""
    st.html(f"<div class='kw-slide'>{markup}</div>")


def presentatie_figuur(fig, key: str) -> None:
    st.plotly_chart(fig, width="stretch", key=f"presentatie_{key}",
                    config={"displayModeBar": False, "scrollZoom": False}, theme=None)


def presentatie_knoppen(stap: int, aantal: int) -> None:
    """Previous / next as big buttons with the keys a presenter (or a clicker) sends."""
    with st.container(horizontal=True, horizontal_alignment="center", gap="large"):
        st.button("Vorige", icon=":material/arrow_back:", shortcut="Left",
                  disabled=stap <= 1, on_click=presentatie_naar, args=(stap - 1,),
                  key="kw_vorige")
        st.button("Stoppen", icon=":material/close:", shortcut="Esc",
                  on_click=presentatie_naar, args=(0,), key="kw_stop")
        st.button("Volgende", icon=":material/arrow_forward:", shortcut="Right",
                  type="primary", disabled=stap >= aantal, on_click=presentatie_naar,
                  args=(stap + 1,), key="kw_volgende")
    # Presentation clickers send PageUp / PageDown: two more shortcuts, kept out of sight.
    with st.container(key="kw_klikker"):
        st.button("Vorige (Page Up)", shortcut="PageUp", on_click=presentatie_naar,
                  args=(max(stap - 1, 1),), key="kw_pageup")
        st.button("Volgende (Page Down)", shortcut="PageDown", on_click=presentatie_naar,
                  args=(min(stap + 1, aantal),), key="kw_pagedown")


# ---------------------------------------------------------------- chart exports ---------

def chart(fig, *, name: str, key: str, **options) -> None:
    """A chart with its PNG and standalone-HTML downloads underneath."""
    options.setdefault("width", "stretch")
    options.setdefault("theme", None)
    options.setdefault("config", {"displayModeBar": False})
    st.plotly_chart(fig, key=key, **options)
    chart_downloads(fig, name=name, key=key)


def chart_downloads(fig, *, name: str, key: str) -> None:
    """PNG (drawn by the server's own Chromium through kaleido: first "PNG maken", then
    "PNG downloaden" with the image) and HTML with plotly.js inside, which opens without
    internet."""
    from wijkdata.export import images
    has_chromium = images.chromium_available()
    with st.container(horizontal=True, gap="small"):
        failure = export_buttons(
            PNG, f"{name}.png", lambda: images.figure_png(als_beeld(fig)),
            key=f"{key}_png", version=lambda: _figure_version(fig), disabled=not has_chromium,
            help=None if has_chromium else "Een PNG maken kan hier niet: op deze computer "
                                           "is geen Chromium geïnstalleerd. Gebruik HTML.")
        st.download_button("HTML", lambda: images.figure_html(embed_geojson(fig), name),
                           f"{name}.html",
                           "text/html", key=f"{key}_html", icon=":material/code:",
                           help="Interactieve grafiek als los bestand; opent ook zonder internet.")
    if failure is not None:
        show_export_failure(failure)


def als_beeld(fig):
    """The figure as kaleido gets it for a PNG: borders inside it and no base map (tiles
    the server's Chromium may never get would hold up the image)."""
    from wijkdata.draw.kaart import zonder_achtergrond
    return zonder_achtergrond(embed_geojson(fig))


def embed_geojson(fig):
    """Maps on screen load their borders from a URL of this server; a PNG (kaleido) or an
    offline HTML file cannot reach it, so the borders go into the exported figure."""
    from wijkdata.draw.kaartcache import embed_geojson as embed
    return embed(fig)


def _figure_version(fig) -> str:
    # What a made PNG shows: when the figure changes (another gemeente, indicator, year),
    # the PNG made before is no longer offered.
    return hashlib.sha256(fig.to_json().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Soort:
    """A kind of export file: the word on its buttons ("PNG maken", "PNG downloaden"), its
    MIME type and its icon."""

    woord: str
    mime: str
    icon: str


PNG = Soort("PNG", "image/png", ":material/image:")
PDF = Soort("PDF", "application/pdf", ":material/picture_as_pdf:")
EXPORT_MISLUKT = ("Het bestand kon niet worden gemaakt door een onverwachte fout. Probeer het "
                  "opnieuw; de technische details staan in het logboek van de server.")


def export_buttons(soort: Soort, filename: str, make, *, key: str, version,
                   label: str = "", disabled: bool = False,
                   help: str | None = None) -> WijkdataError | None:
    """A file that takes a while to make, in two steps: "<PNG> maken" makes it (``make()``
    returns the bytes); once made, "<PNG> downloaden" offers exactly those bytes. A download
    never carries anything else: when making fails, no download button appears, the cause
    goes to the log with its traceback, and the WijkdataError is returned for the caller to
    show (:func:`show_export_failure`, outside a row of buttons).

    ``version()`` names what the file would show; a file made for another version is not
    offered (asked only when a file was made, since it may cost a moment)."""
    ss = st.session_state
    kept = f"_export_{key}"
    if kept in ss and ss[kept][0] != version():
        del ss[kept]
    failure = None
    prefix = f"{label}: " if label else ""
    if st.button(f"{prefix}{soort.woord} maken", key=f"{key}_maken", icon=soort.icon,
                 disabled=disabled, help=help):
        ss.pop(kept, None)
        try:
            with st.spinner(f"{soort.woord} wordt gemaakt…"):
                ss[kept] = (version(), make())
        except WijkdataError as exc:
            log.warning("Export %s (%s) niet gemaakt: %s", filename, soort.woord, exc.message,
                        exc_info=True)
            failure = exc
        except Exception:
            log.exception("Export %s (%s) mislukt door een onverwachte fout", filename,
                          soort.woord)
            failure = WijkdataError(EXPORT_MISLUKT)
    if kept in ss:
        st.download_button(f"{prefix}{soort.woord} downloaden", ss[kept][1], filename,
                           soort.mime, key=f"{key}_downloaden", icon=":material/download:",
                           type="primary", on_click="ignore")
    return failure


def show_export_failure(exc: WijkdataError) -> None:
    """Why a file could not be made: a warning (the rest of the page works on)."""
    st.warning(escape_markdown(exc.message), icon="⚠️")


def raadsinformatie_button(data: Gegevens, keuzes: Keuzes, key: str) -> None:
    """The PDF report for the agenda, made only when asked (a few seconds), then offered
    for download (see :func:`export_buttons`)."""
    from wijkdata.export.raadsrapport import raadsinformatie_pdf
    methode = gekozen_methode()
    if keuzes.gemeente is None:
        st.caption("Kies één gemeente om de raadsinformatie (PDF) te maken.")
        return
    failure = export_buttons(
        PDF, f"raadsinformatie_{keuzes.gemeente}.pdf",
        lambda: raadsinformatie_pdf(data, keuzes.gemeente, periode=keuzes.periode,
                                    leeftijd=keuzes.leeftijd, methode=methode),
        key=key, label="Raadsinformatie",
        version=lambda: (store().state_key(), keuzes.gemeente, keuzes.periode,
                         keuzes.leeftijd, methode),
        help="Kaart, witte vlekken, profielen, initiatieven en bronnen op A4, om bij de "
             "agenda te voegen.")
    if failure is not None:
        show_export_failure(failure)
