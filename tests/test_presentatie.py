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
