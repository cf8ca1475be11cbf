"""Fetching a gemeente from PDOK and CBS (wijkdata.ophalen), against the local server of
tests/ophaalserver.py: real shapes, paging, and every way the services can fail."""
from __future__ import annotations

import argparse
import json

import pytest
import requests

from tests.ophaalserver import OphaalServer
from wijkdata import ophalen
from wijkdata.errors import WijkdataError
from wijkdata.model.gegevens import load_active
from wijkdata.store import Store


def _wired() -> bool:
    """Whether ``python -m wijkdata fetch`` is part of the command line yet."""
    from wijkdata import cli
    try:
        cli.build_parser().parse_args(["fetch", "GM0034"])
        return True
    except SystemExit:
        return False


def fetch(*argv: str) -> int:
    """``python -m wijkdata fetch ARGV`` in this process: through cli.main once it is wired
    there, else through the same subcommand on its own parser."""
    from wijkdata import cli
    if _wired():
        return cli.main(["fetch", *argv])
    parser = argparse.ArgumentParser(prog="python -m wijkdata")
    ophalen.add_fetch_parser(parser.add_subparsers(dest="command", required=True))
    return ophalen.cmd_fetch(parser.parse_args(["fetch", *argv]))


@pytest.fixture(autouse=True)
def _own_log_handler():
    """cli.main sets up logging once, on the standard error of that moment (pytest's capture
    of one test, closed after it): drop that handler after each test, so the next test's
    command line writes its log to its own standard error."""
    import logging

    from wijkdata import logs
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, logs._MARK, False)]:
        root.removeHandler(handler)


@pytest.fixture
def server(monkeypatch):
    with OphaalServer() as running:
        for name, value in running.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("WIJKDATA_TIMEOUT", "5")
        yield running


def _staat(url: str) -> list[tuple]:
    store = Store(url)
    try:
        return [(v.id, v.kind, v.name, v.number, v.active, v.rows) for v in store.versions()]
    finally:
        store.dispose()


# --- the whole fetch ------------------------------------------------------------------------

def test_fetch_stores_three_versions_with_the_dashboard_data(server, store_url, capsys):
    assert fetch("GM0034", "--db", store_url) == 0
    out = capsys.readouterr().out

    store = Store(store_url)
    versies = store.versions()
    assert sorted((v.kind, v.source_kind) for v in versies) == [
        ("buurten", "gebieden"), ("indicatoren", "CBS Kerncijfers"),
        ("indicatoren", "RIVM gezondheid")]
    # The newest year all three sources have: CBS has 2025, PDOK only up to 2024.
    assert "jaar 2024" in out and {v.name for v in versies} == {
        "Gebiedsindeling 2024", "CBS Kerncijfers 2024", "RIVM gezondheid 2022"}
    for versie in versies:
        assert versie.source_filename.startswith(server.root), versie.source_filename
        assert "Opgehaald op" in versie.note and "GM0034" in versie.note
    assert "Kadaster / CBS, 2024" in next(v.note for v in versies if v.kind == "buurten")
    kern = next(v for v in versies if v.source_kind == "CBS Kerncijfers")
    # The source as a person reads it: the query decoded, the filter with its spaces.
    assert "/85984NED/TypedDataSet?$format=json&$filter=startswith(WijkenEnBuurten,'GM0034') " \
           "or startswith(WijkenEnBuurten,'WK0034')" in kern.source_filename

    gegevens = load_active(store)
    assert not gegevens.is_demo
    assert len(gegevens.buurten) == 238 and set(gegevens.gebieden["niveau"]) == {
        "buurt", "wijk", "gemeente"}
    eenzaam = gegevens.indicatoren[gegevens.indicatoren["indicator"] == "eenzaam"]
    buurt_eenzaam = eenzaam[eenzaam["code"].isin(gegevens.buurten["code"])]
    assert buurt_eenzaam["code"].nunique() >= 200
    assert set(buurt_eenzaam["periode"].astype(int)) == {2012, 2016, 2020, 2022}
    assert set(buurt_eenzaam["leeftijd"]) == {"18+", "18-64", "65+"}
    filled = buurt_eenzaam.dropna(subset=["waarde"])
    assert len(filled) and filled["ondergrens"].notna().all() and filled["bovengrens"].notna().all()
    assert (filled["ondergrens"] <= filled["waarde"]).all()
    # The neighbour whose code contains '0034' further on is not taken along.
    assert not gegevens.indicatoren["code"].eq("BU03400341").any()
    inwoners = gegevens.indicatoren[gegevens.indicatoren["indicator"] == "inwoners"]
    assert inwoners["code"].isin(gegevens.buurten["code"]).sum() >= 200
    store.dispose()

    # Every page was followed: PDOK's cursor and CBS's $skip.
    assert any("cursor=200" in r for r in server.requests)
    assert any("%24skip=9000" in r or "$skip=9000" in r for r in server.requests)
    assert "Opgeslagen voor gemeente GM0034, jaar 2024" in out


def test_a_chosen_year_and_a_name_instead_of_a_code(server, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    assert fetch("almere", "--year", "2023", "--db", url) == 0
    names = {name for _, _, name, *_ in _staat(url)}
    assert "Gebiedsindeling 2023" in names and "CBS Kerncijfers 2023" in names
    assert any("/cbs/85618NED/TypedDataSet" in r for r in server.requests)
    assert any("wijken-en-buurten-2023" in r for r in server.requests)


def test_progress_reaches_every_source(server):
    steps: list[tuple[str, float, str]] = []
    resultaat = ophalen.ophalen("GM0034", 2024, voortgang=lambda *a: steps.append(a))
    assert [o.bron for o in resultaat.opgehaald] == list(ophalen.BRONNEN)
    for bron in ophalen.BRONNEN:
        fractions = [f for b, f, _ in steps if b == bron]
        assert fractions and max(fractions) >= 0.95 and fractions == sorted(fractions)
    assert any("buurten: 238 opgehaald" in t for _, _, t in steps)


def test_a_server_without_startswith_gets_the_substringof_filter(server):
    server.startswith = False
    resultaat = ophalen.ophalen("GM0034", 2024)
    kern = next(o for o in resultaat.opgehaald if o.bron == "kerncijfers")
    # substringof('0034', ...) also matches the neighbour BU03400341: checked by code after.
    assert kern.aantal == 251
    assert "BU03400341" not in set(kern.ingelezen.frame["code"])
    assert any("substringof" in r for r in server.requests)


def test_pdok_codes_without_gm_are_asked_for_again(server):
    server.pdok_zonder_gm = True
    resultaat = ophalen.ophalen("GM0034", 2024)
    gebieden = resultaat.opgehaald[0].ingelezen.frame
    assert (gebieden["niveau"] == "buurt").sum() == 238
    assert set(gebieden["gemeentecode"]) == {"GM0034"}
    assert any("gemeentecode=0034&" in r for r in server.requests)


# --- failures: Dutch message, exit 1, store unchanged ---------------------------------------

FAILURES = [
    ("pdok", "500", 1, "Buurtgrenzen (PDOK)", "foutcode 500"),
    ("pdok", "hang", 1, "Buurtgrenzen (PDOK)", "geen antwoord"),
    ("pdok", "json", 2, "Buurtgrenzen (PDOK)", "geen geldige JSON"),
    ("kerncijfers", "500", 0, "CBS Kerncijfers", "foutcode 500"),
    ("kerncijfers", "hang", 0, "CBS Kerncijfers", "geen antwoord"),
    ("kerncijfers", "json", 0, "CBS Kerncijfers", "geen geldige JSON"),
    ("kerncijfers", "leeg", 0, "CBS Kerncijfers", "geen rijen voor gemeente GM0034"),
    ("rivm", "500", 3, "RIVM eenzaamheid", "foutcode 500"),
    ("rivm", "hang", 3, "RIVM eenzaamheid", "geen antwoord"),
    ("rivm", "json", 3, "RIVM eenzaamheid", "geen geldige JSON"),
]


@pytest.fixture(scope="module")
def gevulde_store(tmp_path_factory):
    """A store that already holds one fetch: a failed fetch must leave it exactly so."""
    path = tmp_path_factory.mktemp("gevuld") / "w.sqlite"
    with OphaalServer() as running:
        store = Store(f"sqlite:///{path}")
        ophalen.haal_op(store, "GM0034", 2023,
                        adressen=ophalen.Bronadressen(running.cbs_url, running.pdok_url, 5))
        store.dispose()
    return path


@pytest.mark.parametrize("bron,mode,page,label,reason", FAILURES,
                         ids=[f"{b}-{m}" for b, m, *_ in FAILURES])
def test_a_failing_source_stores_nothing(bron, mode, page, label, reason, gevulde_store,
                                         tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    (tmp_path / "w.sqlite").write_bytes(gevulde_store.read_bytes())
    before = _staat(url)
    with OphaalServer(hang_s=3) as running:
        for name, value in running.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("WIJKDATA_TIMEOUT", "0,5")     # a Dutch decimal comma, too
        running.storing = (bron, mode, page)
        assert fetch("GM0034", "--year", "2024", "--db", url) == 1
    err = capsys.readouterr().err
    assert label in err and reason in err, err
    assert "niets opgeslagen" in err.lower() and "pagina Data" in err
    assert "Traceback" not in err
    assert _staat(url) == before


def test_a_failure_while_storing_stores_none_of_the_three(server, store_url, monkeypatch):
    store = Store(store_url)
    resultaat = ophalen.ophalen("GM0034", 2024)
    original = Store._insert_version
    calls = []

    def third_fails(self, conn, nieuw):
        calls.append(nieuw.kind)
        if len(calls) == 3:
            raise WijkdataError("De schijf is vol.")
        return original(self, conn, nieuw)

    monkeypatch.setattr(Store, "_insert_version", third_fails)
    with pytest.raises(WijkdataError, match="De schijf is vol"):
        ophalen.publiceren(store, resultaat)
    assert len(calls) == 3 and store.versions() == []
    monkeypatch.setattr(Store, "_insert_version", original)
    assert len(ophalen.publiceren(store, resultaat).versies) == 3
    store.dispose()


def test_an_unknown_gemeente_stores_nothing(server, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    assert fetch("GM9999", "--db", url) == 1
    err = capsys.readouterr().err
    assert "PDOK kent geen buurten van gemeente GM9999" in err and "pagina Data" in err
    assert _staat(url) == []


def test_an_unknown_name_suggests_a_gemeente(server, tmp_path, capsys):
    assert fetch("Almeer", "--year", "2024", "--db", f"sqlite:///{tmp_path / 'w.sqlite'}") == 1
    assert "Bedoelt u 'Almere'?" in capsys.readouterr().err


def test_an_empty_gemeente_asks_for_one_before_any_request(server):
    with pytest.raises(WijkdataError, match="Vul een gemeentecode"):
        ophalen.ophalen("  ")
    assert server.requests == []


def test_a_year_without_a_table_is_refused(server, tmp_path, capsys):
    assert fetch("GM0034", "--year", "2019", "--db", f"sqlite:///{tmp_path / 'w.sqlite'}") == 1
    assert "Kies een van deze jaren: 2021, 2022, 2023, 2024, 2025" in capsys.readouterr().err


def test_a_year_pdok_does_not_have(server, tmp_path, capsys):
    assert fetch("GM0034", "--year", "2025", "--db", f"sqlite:///{tmp_path / 'w.sqlite'}") == 1
    err = capsys.readouterr().err
    assert "Buurtgrenzen (PDOK)" in err and "foutcode 404" in err


def test_no_connection_at_all(tmp_path, monkeypatch, capsys):
    # A port nobody listens on: bind one, note it, close it.
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("WIJKDATA_CBS_ODATA_URL", f"http://127.0.0.1:{port}/cbs")
    monkeypatch.setenv("WIJKDATA_PDOK_URL", f"http://127.0.0.1:{port}/pdok")
    assert fetch("GM0034", "--db", f"sqlite:///{tmp_path / 'w.sqlite'}") == 1
    err = capsys.readouterr().err
    assert "geen verbinding met 127.0.0.1" in err and "geen internet" in err


# --- proxy from the environment -------------------------------------------------------------

def _no_proxy_exceptions(monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY",
                 "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_http_proxy_from_the_environment_is_used(tmp_path, monkeypatch):
    _no_proxy_exceptions(monkeypatch)
    with OphaalServer() as proxy:
        # Hosts that do not exist: only through the proxy can this work.
        monkeypatch.setenv("WIJKDATA_CBS_ODATA_URL", "http://opendata.cbs.invalid/cbs")
        monkeypatch.setenv("WIJKDATA_PDOK_URL",
                           "http://api.pdok.invalid/pdok/wijken-en-buurten-{jaar}/ogc/v1")
        monkeypatch.setenv("HTTP_PROXY", proxy.root)
        assert fetch("GM0034", "--year", "2024", "--db",
                     f"sqlite:///{tmp_path / 'w.sqlite'}") == 0
    hosts = {p.split("/")[2] for p in proxy.via_proxy}
    assert hosts == {"opendata.cbs.invalid", "api.pdok.invalid"}


def test_https_proxy_from_the_environment_is_used(tmp_path, monkeypatch, capsys):
    _no_proxy_exceptions(monkeypatch)
    with OphaalServer() as proxy:
        monkeypatch.setenv("WIJKDATA_CBS_ODATA_URL", "https://opendata.cbs.invalid/cbs")
        monkeypatch.setenv("WIJKDATA_PDOK_URL", "https://api.pdok.invalid/pdok")
        monkeypatch.setenv("HTTPS_PROXY", proxy.root)
        assert fetch("GM0034", "--year", "2024", "--db",
                     f"sqlite:///{tmp_path / 'w.sqlite'}") == 1
    # The tunnel was asked of the proxy; it refused, and the message says so.
    assert proxy.tunnels and proxy.tunnels[0].startswith("api.pdok.invalid:443")
    assert "proxy" in capsys.readouterr().err


def test_no_proxy_is_honoured(monkeypatch):
    _no_proxy_exceptions(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.gemeente.invalid:8080")
    monkeypatch.setenv("NO_PROXY", "intern.gemeente.invalid")
    session = ophalen.sessie()
    settings = session.merge_environment_settings(
        "https://opendata.cbs.nl/ODataApi/odata", {}, None, None, None)
    assert settings["proxies"].get("https") == "http://proxy.gemeente.invalid:8080"
    assert requests.utils.should_bypass_proxies("https://intern.gemeente.invalid/x",
                                                no_proxy=None)


# --- small parts -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,code", [("GM0034", "GM0034"), ("gm34", "GM0034"),
                                       ("34", "GM0034"), (" 0363 ", "GM0363"),
                                       ("Almere", None), ("GM12345", None), ("", None)])
def test_gemeentecode_uit(text, code):
    assert ophalen.gemeentecode_uit(text) == code


def test_code_of_naam():
    gemeenten = {"GM0034": "Almere", "GM0363": "Amsterdam", "GM0518": "'s-Gravenhage"}
    assert ophalen.code_of_naam("  amsterdam ", gemeenten) == "GM0363"
    assert ophalen.code_of_naam("'S-GRAVENHAGE", gemeenten) == "GM0518"
    with pytest.raises(WijkdataError, match="Vul een gemeentecode"):
        ophalen.code_of_naam(" ", gemeenten)
    with pytest.raises(WijkdataError, match="geen gemeente met de naam 'Utrecht'"):
        ophalen.code_of_naam("Utrecht", gemeenten)


def test_odata_filter_takes_gemeente_wijken_and_buurten():
    assert ophalen.odata_filters("GM0034")[1] == "substringof('0034',WijkenEnBuurten)"
    assert ophalen.odata_filter("GM0034") == (
        "startswith(WijkenEnBuurten,'GM0034') or startswith(WijkenEnBuurten,'WK0034') or "
        "startswith(WijkenEnBuurten,'BU0034')")


def test_settings(monkeypatch):
    for name in ("CBS_ODATA_URL", "PDOK_URL", "TIMEOUT"):
        monkeypatch.delenv(f"WIJKDATA_{name}", raising=False)
    standaard = ophalen.Bronadressen.uit_instellingen({})
    assert standaard.cbs_odata_url == "https://opendata.cbs.nl/ODataApi/odata"
    assert standaard.pdok(2024) == "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
    assert standaard.timeout == 30
    secrets = {"pdok_url": "https://proxy.gemeente.nl/pdok/", "timeout": "12",
               "cbs_odata_url": "https://cbs.example/odata/"}
    eigen = ophalen.Bronadressen.uit_instellingen(secrets)
    assert eigen.pdok(2023) == "https://proxy.gemeente.nl/pdok/wijken-en-buurten-2023/ogc/v1"
    assert eigen.cbs_odata_url == "https://cbs.example/odata" and eigen.timeout == 12
    monkeypatch.setenv("WIJKDATA_TIMEOUT", "0")       # nonsense: the default, not zero
    assert ophalen.Bronadressen.uit_instellingen(secrets).timeout == 30


def test_naamsvermelding():
    assert ophalen.naamsvermelding("gebieden", 2024) == "Kadaster / CBS, 2024"
    assert ophalen.naamsvermelding("kerncijfers") == "Bron: CBS"
    assert ophalen.naamsvermelding("rivm") == "RIVM"


def test_the_server_refuses_other_filter_shapes(server):
    # The stand-in must be strict, or a wrong query shape would pass these tests.
    answer = requests.get(f"{server.cbs_url}/85984NED/TypedDataSet",
                          params={"$format": "json", "$filter": "Gemeentenaam_1 eq 'Almere'"},
                          timeout=5)
    assert answer.status_code == 400
    answer = requests.get(f"{server.cbs_url}/85984NED/TypedDataSet", timeout=5)
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)                       # Atom XML without $format=json


# --- the Data page tab ------------------------------------------------------------------------

def _tab(store_dir):
    from tests import apptest
    at = apptest.start("pages/data.py")
    assert not at.exception, at.exception
    tab = next(t for t in at.tabs if t.label == "Ophalen bij CBS en PDOK")
    return at, tab


def _start(at, tab, gemeente: str, jaar=None):
    tab.text_input(key="ophalen_gemeente").input(gemeente)
    if jaar is not None:
        tab.selectbox(key="ophalen_jaar").set_value(jaar)
    next(b for b in tab.button if b.label == "Ophalen en publiceren").click()
    return at.run()


def test_the_data_page_fetches_and_publishes(server, store_dir):
    from tests.apptest import texts
    at, tab = _tab(store_dir)
    assert tab.selectbox(key="ophalen_jaar").value == "Nieuwste jaar dat er is"
    at = _start(at, tab, "Almere")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert "Opgehaald en gepubliceerd voor gemeente GM0034, jaar 2024" in shown
    assert "Kadaster / CBS, 2024" in shown and "Bron: CBS" in shown
    store = Store(f"sqlite:///{store_dir / 'wijkdata.sqlite'}")
    assert len(store.versions()) == 3
    assert len(load_active(store).buurten) == 238
    store.dispose()
    # Over de data gives the credits the licences ask for, with the year fetched, and the
    # base map's once this browser has fetched one of its tiles (ui.tegeltest).
    import ui
    from wijkdata.draw import kaart
    at.session_state[ui.TEGELTEST] = {kaart.PDOK_ACHTERGRONDKAART: True}
    at.switch_page("pages/over_de_data.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    for credit in ("Bron: CBS", "Kadaster / CBS, 2024", "RIVM. Gezondheid per wijk en buurt",
                   "Kaartgegevens © Kadaster"):
        assert credit in shown, credit


def test_over_de_data_without_base_map_gives_no_map_credit(store_dir, monkeypatch):
    from tests import apptest
    from tests.apptest import texts
    monkeypatch.setenv("WIJKDATA_ACHTERGRONDKAART_URL", "uit")
    at = apptest.start("pages/over_de_data.py")
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Bron: CBS" in shown and "Kadaster / CBS" in shown and "verzonnen" in shown
    assert "Kaartgegevens" not in shown


def test_over_de_data_gives_no_map_credit_while_the_base_map_cannot_be_fetched(
        store_dir, monkeypatch):
    # Set, but this browser's tile test failed (no internet): no base map is shown.
    from tests import apptest
    from tests.apptest import texts
    from wijkdata.draw import kaart
    monkeypatch.delenv("WIJKDATA_ACHTERGRONDKAART_URL", raising=False)
    at = apptest.start("pages/over_de_data.py",
                       tegels={kaart.PDOK_ACHTERGRONDKAART: False})
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Kadaster / CBS" in shown and "Kaartgegevens" not in shown


def test_the_data_page_shows_a_failure_and_stores_nothing(server, store_dir, monkeypatch):
    monkeypatch.setenv("WIJKDATA_TIMEOUT", "0.5")
    server.hang_s = 3
    server.storing = ("rivm", "hang", 2)
    at, tab = _tab(store_dir)
    at = _start(at, tab, "GM0034", 2023)
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors and "RIVM eenzaamheid" in errors[0] and "pagina Data" in errors[0]
    # The bars stayed, each with its last step: the first two sources done, RIVM not.
    bars = [p.value for p in at.get("progress")]
    assert len(bars) == 3 and bars[0] >= 95 and bars[1] >= 95 and bars[2] < 95, bars
    store = Store(f"sqlite:///{store_dir / 'wijkdata.sqlite'}")
    assert store.versions() == []
    store.dispose()
