"""The council story's content: which witte vlekken, which initiatives, escaped text."""
import pandas as pd
import pytest

from tests.apptest import LEAKED
from wijkdata.compute.buurttabel import buurtcijfers
from wijkdata.export import presentatie
from wijkdata.model.gegevens import load_demo


@pytest.fixture(scope="module")
def demo():
    data = load_demo()
    return data, buurtcijfers(data)


# Updated for issue 11: the order is the method's rank, and each reason says zeker/mogelijk.
def test_top_vlekken_are_the_witte_vlekken_by_rank(demo):
    _, cijfers = demo
    vlekken = presentatie.top_vlekken(cijfers)
    expected = cijfers[cijfers["witte_vlek"].fillna(False)].sort_values(
        ["gemeentecode", "witte_vlek_rang"])["buurtnaam"].head(5).tolist()
    assert [v.naam for v in vlekken] == expected
    assert all("eenzaam" in v.reden and "inwoners" in v.reden for v in vlekken)
    assert all(v.reden.startswith(("zeker: ", "mogelijk: ")) for v in vlekken)
    assert all("binnen 500 m" in v.reden for v in vlekken)
    assert presentatie.standaard_buurt(cijfers) == vlekken[0].buurtcode


def test_default_initiatives_vary_in_activity_and_wij_type(demo):
    data, _ = demo
    chosen = data.initiatieven.loc[presentatie.standaard_uitgelicht(data.initiatieven)]
    assert len(chosen) == presentatie.MAX_UITGELICHT
    assert chosen["activiteit"].nunique() == len(chosen)
    assert chosen["wij_type"].nunique() == 3


def test_uploaded_text_is_escaped_in_slides():
    cards = presentatie.initiatieven_html([presentatie.initiatief_kaart(pd.Series({
        "naam": "<script>alert(1)</script>", "omschrijving": "<b>vet</b> & meer",
        "doelgroepen": "iedereen", "frequentie": "", "wij_type": "bonding",
        "activiteit": "feest"}))])
    assert "<script>" not in cards and "&lt;script&gt;" in cards
    assert "<b>vet</b>" not in cards
    bronnen = presentatie.bronnen_html(["naam' onclick='x"]).split("<ul class='kw-bronnen'>")[-1]
    assert "'" not in bronnen.replace("<li>", "").replace("</li>", "").replace("</ul>", "")


def test_no_witte_vlekken_and_no_initiatives_are_said_plainly():
    empty = pd.DataFrame({"buurtcode": ["BU00010001"], "buurtnaam": ["A"],
                          "eenzaam_pct": [float("nan")], "initiatieven_per_1000": [1.0],
                          "witte_vlek": pd.array([pd.NA], dtype="boolean"),
                          "initiatieven": [1], "inwoners": [100.0]})
    assert presentatie.top_vlekken(empty) == []
    html = presentatie.vlekken_html([])
    assert "geen buurt een witte vlek" in html and "hoogste 25%" in html
    assert presentatie.standaard_buurt(empty) == "BU00010001"
    assert "nog geen initiatieven" in presentatie.initiatieven_html([])


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, "nan", ""])
def test_an_empty_cell_never_reads_as_nan_or_none_on_a_slide(missing):
    kaart = presentatie.initiatief_kaart(pd.Series({
        "naam": "Breiclub", "omschrijving": missing, "doelgroepen": missing,
        "frequentie": missing, "wij_type": missing, "activiteit": missing}))
    assert kaart == {"naam": "Breiclub", "wat": "", "voor": "iedereen", "hoe_vaak": "",
                     "wij": "", "activiteit": ""}
    html = presentatie.initiatieven_html([kaart])
    assert not LEAKED.search(html) and "Voor:</b> iedereen</p>" in html
    kern = {"eenzaam": {"waarde": float("nan")}, "periode": None, "initiatieven": pd.NA,
            "buurten": 12, "witte_vlekken": 0}
    zinnen = " ".join(presentatie.kerntekst(kern, "Almere"))
    assert not LEAKED.search(zinnen)
    assert "geen cijfer" in zinnen and "jaar onbekend" in zinnen


# --- the base map on the presentation's map (issue 13) ------------------------------------

def map_layers(at) -> list[dict]:
    import json
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    maps = [spec["layout"]["map"] for spec in specs if "map" in spec["layout"]]
    assert len(maps) == 1
    return maps[0].get("layers", [])


def test_the_presenter_chooses_the_base_map_which_starts_as_the_setting(store_dir,
                                                                       monkeypatch):
    from tests.apptest import start
    from wijkdata.draw import kaart
    monkeypatch.delenv("WIJKDATA_ACHTERGRONDKAART_URL", raising=False)
    at = start("pages/presentatie.py", tegels={kaart.PDOK_ACHTERGRONDKAART: True})
    toggle = at.toggle(key="_achtergrond_keuze")
    assert toggle.label == "Achtergrondkaart tonen" and toggle.value and not toggle.disabled
    next(b for b in at.button if b.label == "Start de presentatie").click().run()
    assert not at.exception
    assert [layer["source"] for layer in map_layers(at)] == [[kaart.PDOK_ACHTERGRONDKAART]]
    # Off for this presentation (a council room without internet): kept through the steps.
    at.button(key="kw_stop").click().run()
    at.toggle(key="_achtergrond_keuze").set_value(False).run()
    next(b for b in at.button if b.label == "Start de presentatie").click().run()
    assert map_layers(at) == []
    at.button(key="kw_volgende").click().run()
    at.button(key="kw_vorige").click().run()
    assert at.session_state["stap"] == 1 and map_layers(at) == []
    at.button(key="kw_stop").click().run()
    assert at.toggle(key="_achtergrond_keuze").value is False


def test_with_the_base_map_switched_off_by_the_administrator_the_choice_is_off(
        store_dir, monkeypatch):
    from tests.apptest import start
    monkeypatch.setenv("WIJKDATA_ACHTERGRONDKAART_URL", "uit")
    at = start("pages/presentatie.py")
    toggle = at.toggle(key="_achtergrond_keuze")
    assert toggle.disabled and not toggle.value
    next(b for b in at.button if b.label == "Start de presentatie").click().run()
    assert not at.exception and map_layers(at) == []


def test_a_step_opened_from_a_link_shows_the_base_map_of_the_setting(store_dir, monkeypatch):
    from tests.apptest import start
    url = "https://tegels.example.nl/grijs/{z}/{x}/{y}.png"
    monkeypatch.delenv("WIJKDATA_ACHTERGRONDKAART_URL", raising=False)
    at = start("pages/presentatie.py", secrets={"wijkdata": {"achtergrondkaart_url": url}},
               tegels={url: True}, stap="1")
    assert not at.exception
    (layer,) = map_layers(at)
    assert layer["source"] == [url] and layer["sourceattribution"] == "Kaartgegevens © Kadaster"


def test_the_map_legend_on_the_slide_tells_no_data_from_the_grey_base_map():
    html = presentatie.kern_html({"eenzaam": {"waarde": 40.0}, "periode": 2022,
                                  "initiatieven": 3, "buurten": 2, "witte_vlekken": 0}, "A")
    assert "Grijs met donkere rand: geen gegevens" in html
