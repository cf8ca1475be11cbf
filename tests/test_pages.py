"""Every page through AppTest, starting from app.py as the real server does.

Runs on the demo (an empty store) and on the factory's small data in a real SQLite store:
two gemeenten, missing values, and a gemeente without initiatives.
"""
import pytest

from tests.apptest import start, texts, url_of
from tests.factory import publish

PAGES = ["pages/overzicht.py", "pages/kaart.py", "pages/buurtprofiel.py",
         "pages/witte_vlekken.py", "pages/initiatieven.py", "pages/over_de_data.py",
         "pages/presentatie.py"]


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
    at.sidebar.selectbox(key="gemeente").set_value("GM0002").run()
    assert not at.exception, at.exception


def test_headline_figures_follow_the_chosen_gemeente(store_dir):
    publish(url_of(store_dir))
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatieven"] == "3"
    assert metrics["Inwoners"] == "9.060"          # 1000+2000+3000 + 1000+2000+60
    at.sidebar.selectbox(key="gemeente").set_value("GM0002").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatieven"] == "0"


def test_choices_survive_switching_pages(store_dir):
    publish(url_of(store_dir))
    at = start()
    at.sidebar.selectbox(key="gemeente").set_value("GM0002").run()
    at.switch_page("pages/witte_vlekken.py").run()
    assert at.sidebar.selectbox(key="gemeente").value == "GM0002"
    assert at.query_params["gemeente"] == ["GM0002"] or at.query_params["gemeente"] == "GM0002"


def test_url_reopens_gemeente_and_buurt(store_dir):
    publish(url_of(store_dir))
    at = start("pages/buurtprofiel.py", gemeente="GM0002", buurt="BU00020101")
    assert at.sidebar.selectbox(key="gemeente").value == "GM0002"
    assert at.selectbox(key="buurt").value == "BU00020101"
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


def test_kaart_filter_changes_the_count_shown(store_dir):
    publish(url_of(store_dir))
    at = start("pages/kaart.py")
    assert "3 initiatieven" in texts(at)
    at.multiselect[0].set_value(["feest"]).run()          # activiteit
    assert not at.exception
    assert "1 initiatieven" in texts(at)


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
    assert at.sidebar.selectbox(key="gemeente").value == "NL01"
    if page == "pages/overzicht.py":
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Initiatieven"] == "3"          # GM0001's three, GM0002 has none
        assert metrics["Inwoners"] == "18.120"
