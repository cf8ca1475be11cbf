"""Every page through AppTest, starting from app.py as the real server does.

Runs on the demo (an empty store), on the factory's small data in a real SQLite store (two
gemeenten, missing values, and a gemeente without initiatives), and on real-shaped files
read through the readers (tests.realshapes: PDOK buurten without gemeentenaam, CBS
Kerncijfers, RIVM with buurt rows only, a Dutch-Excel initiative list).
"""
import pytest

from tests.apptest import leaked, readable_texts, start, texts, url_of
from tests.factory import almere_files, publish, publish_files

PAGES = ["pages/overzicht.py", "pages/kaart.py", "pages/buurtprofiel.py",
         "pages/witte_vlekken.py", "pages/initiatieven.py", "pages/over_de_data.py",
         "pages/presentatie.py"]


def gemeente_box(at):
    """The sidebar's gemeente choice; its widget key changes with its labels (app.py)."""
    return next(box for box in at.sidebar.selectbox if box.label == "Gemeente")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_with_the_banner(store_dir, page):
    at = start(page)
    assert not at.exception, at.exception
    if page not in ("pages/over_de_data.py", "pages/presentatie.py"):
        assert "Voorbeelddata (fictief)" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_small_data_with_missing_values(store_dir, page):
    publish(url_of(store_dir))
    at = start(page)
    assert not at.exception, at.exception
    assert "Voorbeelddata" not in texts(at)
    # and for the gemeente without any initiatives
    gemeente_box(at).set_value("GM0002").run()
    assert not at.exception, at.exception


def test_headline_figures_follow_the_chosen_gemeente(store_dir):
    publish(url_of(store_dir))
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatieven"] == "3"
    assert metrics["Inwoners"] == "9.060"          # 1000+2000+3000 + 1000+2000+60
    gemeente_box(at).set_value("GM0002").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatieven"] == "0"


def test_choices_survive_switching_pages(store_dir):
    publish(url_of(store_dir))
    at = start()
    gemeente_box(at).set_value("GM0002").run()
    at.switch_page("pages/witte_vlekken.py").run()
    assert gemeente_box(at).value == "GM0002"
    assert at.query_params["gemeente"] == ["GM0002"] or at.query_params["gemeente"] == "GM0002"


def test_url_reopens_gemeente_and_buurt(store_dir):
    publish(url_of(store_dir))
    at = start("pages/buurtprofiel.py", gemeente="GM0002", buurt="BU00020101")
    assert gemeente_box(at).value == "GM0002"
    assert at.selectbox(key="_buurt_keuze").value == "BU00020101"
    assert "Buurt 0002-1-1" in texts(at)


def test_store_without_boundaries_says_no_data_yet(store_dir):
    from tests.factory import make_frames
    from wijkdata.store import Store
    _, indicatoren, _ = make_frames()
    Store(url_of(store_dir)).publish("indicatoren", "alleen cijfers", indicatoren,
                                     source_filename="x.csv", checksum="0")
    for page in PAGES[:5]:
        at = start(page)
        assert not at.exception, at.exception
        assert "nog geen gegevens" in texts(at).lower()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_any_initiative_list(store_dir, page):
    """As right after 'python -m wijkdata fetch': boundaries and figures, no list yet."""
    publish(url_of(store_dir), initiatieven=False)
    at = start(page)
    assert not at.exception, at.exception
    assert "onverwachts" not in texts(at)
    assert "Voorbeelddata" not in texts(at)


def test_kaart_filter_changes_the_count_shown(store_dir):
    publish(url_of(store_dir))
    at = start("pages/kaart.py")
    assert "3 initiatieven" in texts(at)
    at.multiselect[0].set_value(["feest"]).run()          # activiteit
    assert not at.exception
    assert "1 initiatieven" in texts(at)


def test_kaart_shows_loneliness_as_its_difference_from_the_gemeente(store_dir):
    publish(url_of(store_dir))
    at = start("pages/kaart.py")
    toggle = next(t for t in at.toggle if t.label == "Verschil met het gemeentegemiddelde")
    assert not toggle.disabled
    toggle.set_value(True).run()
    assert not at.exception
    columns = [list(df.value.columns) for df in at.dataframe]
    assert any("Verschil met gemeentegemiddelde (procentpunt)" in c for c in columns)


def test_witte_vlekken_thresholds_change_the_list(store_dir):
    at = start("pages/witte_vlekken.py")
    default = [s.value for s in at.subheader if "witte vlekken" in s.value][0]
    at.slider[0].set_value(50).run()
    at.slider[1].set_value(50).run()
    wider = [s.value for s in at.subheader if "witte vlekken" in s.value][0]
    assert int(wider.split()[0]) > int(default.split()[0])


def test_buurtprofiel_says_higher_only_when_intervals_do_not_overlap(store_dir):
    publish(url_of(store_dir))
    at = start("pages/buurtprofiel.py", buurt="BU00010002")
    table = at.dataframe[0].value
    eenzaam = table[table["Indicator"] == "Eenzaam"].iloc[0]
    # buurt 42 % (39–45) against gemeente 36 % (35–37): no overlap → higher
    assert eenzaam["Buurt t.o.v. gemeente"] == "hoger dan gemiddeld"
    assert eenzaam["Buurt"] == "42,0% (39,0–45,0%)"


@pytest.mark.parametrize("stap", range(1, 7))
def test_presentatie_steps_run_from_the_url(store_dir, stap):
    publish(url_of(store_dir))
    at = start("pages/presentatie.py", stap=str(stap), gemeente="GM0002")
    assert not at.exception, at.exception
    assert at.session_state["stap"] == stap
    button, expected = ("kw_volgende", stap + 1) if stap < 6 else ("kw_vorige", 5)
    at.button(key=button).click().run()
    assert at.session_state["stap"] == expected
    assert at.query_params["stap"] in ([str(expected)], str(expected))


@pytest.mark.parametrize("page", PAGES)
def test_all_gemeenten_together(store_dir, page):
    publish(url_of(store_dir))
    at = start(page, gemeente="NL01")
    assert not at.exception, at.exception
    assert gemeente_box(at).value == "NL01"
    if page == "pages/overzicht.py":
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Initiatieven"] == "3"          # GM0001's three, GM0002 has none
        assert metrics["Inwoners"] == "18.120"


# --- real-shaped data: names, references, the witte-vlek notice, nothing shown as nan -----

@pytest.fixture
def almere(store_dir):
    """The Almere scenario published into the app's store, each file with the page's
    defaults; returns the reader results by file name."""
    return publish_files(url_of(store_dir), almere_files())


def _walk(at):
    """Every page and every presentation step, as a user clicks through them."""
    for page in PAGES[:-1]:
        at.switch_page(page).run()
        yield page, at
    for stap in range(7):
        at.session_state["stap"] = stap
        at.switch_page("pages/presentatie.py").run()
        yield f"presentatie stap {stap}", at
    at.switch_page("pages/kaart.py").run()
    at.sidebar.radio(key="niveau").set_value("wijk").run()       # wijken: names from codes
    yield "kaart per wijk", at


def test_every_page_on_real_shaped_data_shows_names_and_never_nan(almere):
    at = start()
    assert not at.exception, at.exception
    gemeente = gemeente_box(at)
    # The gemeentenaam comes from the CBS Kerncijfers: PDOK boundaries have none.
    assert gemeente.options == ["Almere (GM0034)"]
    assert "Almere in cijfers" in texts(at)
    seen = []
    for where, step in _walk(at):
        assert not step.exception, (where, step.exception)
        assert leaked(step) == [], (where, leaked(step)[:5])
        shown = " ".join(readable_texts(step))
        assert "GM0034 (GM0034)" not in shown, where
        seen.append(where)
    assert len(seen) == len(PAGES) - 1 + 7 + 1
    # the slides name the gemeente too
    assert any("Almere" in t for t in readable_texts(at))


def test_buurtprofiel_on_buurt_only_rivm_has_weighted_references_as_the_overzicht(almere):
    at = start()
    eenzaam_overzicht = {m.label.split(" (")[0]: m.value for m in at.metric}["Eenzaam"]
    at.switch_page("pages/buurtprofiel.py").run()
    table = at.dataframe[0].value.set_index("Indicator")
    gemeente = table.loc["Eenzaam", "Gemeente"]
    assert gemeente == f"{eenzaam_overzicht} (berekend uit de buurten)"
    assert "berekend uit de buurten" in table.loc["Eenzaam", "Wijk"]
    assert "geen gegevens" not in table.loc["Eenzaam", "Wijk"]


def test_buurtprofiel_says_when_a_buurt_is_a_witte_vlek(store_dir):
    # BU99990204 (Dijkzicht) is a witte vlek of the demo by the issue-11 method (mogelijk,
    # first); witte_vlek is a numpy or pandas bool there, for which `is True` is always False.
    at = start("pages/buurtprofiel.py", buurt="BU99990204")
    assert any("mogelijk een witte vlek" in w.value and "nr. 1" in w.value
               for w in at.warning)
    assert "Witte vlek (mogelijk" in texts(at)
    at = start("pages/buurtprofiel.py", buurt="BU99990101")      # Binnenstad: no witte vlek
    assert not any("witte vlek" in w.value for w in at.warning)


def _slide(at) -> str:
    return " ".join(h.proto.body for h in at.get("html") if "kw-slide" in h.proto.body)


def test_presentatie_keeps_the_chosen_buurt_and_initiatives_through_every_step(store_dir):
    at = start("pages/presentatie.py")
    default = at.session_state["buurt"]
    chosen = next(o for o in ("BU99990101", "BU99990102") if o != default)
    at.selectbox(key="_buurt_keuze").set_value(chosen).run()
    featured = [at.session_state["uitgelicht"][-1]]          # one of the four defaults
    at.multiselect(key="_uitgelicht_keuze").set_value(featured).run()
    assert at.session_state["uitgelicht"] == featured
    next(b for b in at.button if b.label == "Start de presentatie").click().run()
    assert at.session_state["stap"] == 1
    for stap in range(2, 7):
        at.button(key="kw_volgende").click().run()
        assert at.session_state["stap"] == stap
        assert at.session_state["buurt"] == chosen, stap
        assert at.query_params["buurt"] in ([chosen], chosen), stap
        assert at.session_state["uitgelicht"] == featured
    # back to step 4: the chosen buurt's slide
    at.button(key="kw_vorige").click().run()
    at.button(key="kw_vorige").click().run()
    assert at.session_state["stap"] == 4
    from wijkdata.model.gegevens import load_demo
    naam = load_demo().buurten.set_index("code").loc[chosen, "naam"]
    assert naam in _slide(at)


def test_presentatie_reload_reopens_the_chosen_buurt(store_dir):
    from wijkdata.model.gegevens import load_demo
    naam = load_demo().buurten.set_index("code").loc["BU99990102", "naam"]
    at = start("pages/presentatie.py", stap="4", buurt="BU99990102")
    assert naam in _slide(at)


def test_presentatie_survives_a_url_with_too_many_or_unknown_choices(store_dir):
    at = start("pages/presentatie.py", uitgelicht="30,11,32,77,1,2,3", buurt="BU00000000")
    assert not at.exception, at.exception
    assert at.session_state["uitgelicht"] == [30, 11, 32, 77]
    assert at.session_state["buurt"] != "BU00000000"


# --- the witte-vlek method: chosen once, used everywhere (issue 11) -------------------------

def vlekken_kop(at) -> int:
    return int([s.value for s in at.subheader if "witte vlekken" in s.value][0].split()[0])


def test_a_threshold_chosen_on_witte_vlekken_holds_on_every_page_and_in_the_pdf(
        store_dir, monkeypatch):
    from tests.test_raadsrapport import pdf_text
    from wijkdata.export import images
    monkeypatch.setattr(images, "chromium_available", lambda: False)   # PDF without charts
    at = start("pages/witte_vlekken.py")
    default = vlekken_kop(at)
    at.slider(key="_methode_hoogste").set_value(50).run()
    wider = vlekken_kop(at)
    assert wider > default
    assert at.query_params["hoogste"] in (["50"], "50")
    assert "laagste" not in at.query_params                 # defaults stay out of the URL

    at.switch_page("pages/overzicht.py").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Witte vlekken"] == str(wider)
    assert "Eigen grenzen voor witte vlekken" in texts(at)
    at.button(key="overzicht_pdf_maken").click().run()
    pdf = at.session_state["_export_overzicht_pdf"][1]
    flat = " ".join(pdf_text(pdf).split())
    assert "bij de hoogste 50% van de buurten" in flat
    assert f"zijn er {wider} witte vlekken" in flat

    for page in ("pages/kaart.py", "pages/buurtprofiel.py", "pages/initiatieven.py",
                 "pages/over_de_data.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert "hoogste 50%" in texts(at), page
    at.switch_page("pages/witte_vlekken.py").run()
    assert at.slider(key="_methode_hoogste").value == 50      # the control remembers it
    assert vlekken_kop(at) == wider


def test_a_link_with_thresholds_reopens_them_and_a_bad_value_is_ignored(store_dir):
    wide = start("pages/overzicht.py", hoogste="50", bereik="300")
    fresh = start("pages/overzicht.py")
    bad = start("pages/overzicht.py", hoogste="abc", bereik="-5", min_inwoners="7")
    metric = {at_id: {m.label: m.value for m in at.metric}["Witte vlekken"]
              for at_id, at in (("wide", wide), ("fresh", fresh), ("bad", bad))}
    assert int(metric["wide"]) > int(metric["fresh"])
    assert metric["bad"] == metric["fresh"]
    assert not bad.exception
    assert "Eigen grenzen" not in texts(bad) and "Eigen grenzen" in texts(wide)
    assert wide.query_params["bereik"] in (["300"], "300")


def test_standaard_terugzetten_clears_the_url(store_dir):
    at = start("pages/witte_vlekken.py", laagste="50")
    assert at.slider(key="_methode_laagste").value == 50
    button = next(b for b in at.button if b.label == "Standaardgrenzen terugzetten")
    button.click().run()
    assert at.slider(key="_methode_laagste").value == 25
    assert "laagste" not in at.query_params


# --- Initiatieven: bron, laatst bevestigd and the mogelijk-gestopt filter -----------------

def test_initiatieven_page_shows_bron_and_filters_the_mogelijk_gestopt(store_dir):
    """Real-shaped: Almere's list (published today) and a welfare organisation's list with
    its own 'Laatst bevestigd' (one years old, one empty, one recent)."""
    from datetime import timedelta

    from wijkdata.draw.tabellen import vandaag
    recent = vandaag() - timedelta(days=30)
    files = almere_files()
    files["welzijn_almere.csv"] = ("Naam;Activiteit;Buurtcode;Laatst bevestigd\r\n"
                                   "Taalcafé;ontmoeting;BU00340101;3-3-2021\r\n"
                                   "Wandelclub;sport en bewegen;BU00340102;\r\n"
                                   f"Zangkoor;muziek en cultuur;BU00340104;{recent:%d-%m-%Y}\r\n"
                                   ).encode()
    publish_files(url_of(store_dir), files)
    at = start("pages/initiatieven.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("Naam")
    assert len(table) == 27
    assert table.loc["Taalcafé", ["Status", "Bron", "Laatst bevestigd"]].tolist() == [
        "mogelijk gestopt", "welzijn_almere", "03-03-2021"]
    assert table.loc["Wandelclub", "Status"] == "loopt"          # the list's day: today
    assert table.loc["Zangkoor", "Laatst bevestigd"] == f"{recent:%d-%m-%Y}"
    assert set(table.loc[table["Bron"] == "initiatieven_almere", "Status"]) == {"loopt"}
    assert "27 van 27 initiatieven" in texts(at)
    assert "Mogelijk gestopt" in texts(at)                      # the explanation
    assert leaked(at) == []

    keuze = at.button_group(key="bevestiging")
    assert keuze.value == "alle"
    keuze.set_value("mogelijk gestopt").run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["Naam"].tolist() == ["Taalcafé"]
    assert "1 van 27 initiatieven" in texts(at)

    # the Buurtprofiel lists the initiatives around a buurt with their bron
    at.switch_page("pages/buurtprofiel.py").run()
    assert not at.exception, at.exception
    rond = next(df.value for df in at.dataframe if "Initiatief" in df.value.columns)
    assert {"Bron", "Laatst bevestigd"} <= set(rond.columns)
    assert set(rond["Bron"]) <= {"initiatieven_almere", "welzijn_almere"}
