"""The raadsinformatie PDF: made offline from the demo, with and without Chromium."""
import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.apptest import LEAKED
from wijkdata.compute.buurttabel import buurtcijfers
from wijkdata.draw import tabellen
from wijkdata.errors import WijkdataError
from wijkdata.export import images, raadsrapport
from wijkdata.model.gegevens import load_demo

VANDAAG = date(2026, 11, 24)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF with pdftotext (poppler-utils), or pypdf when that is installed."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                              capture_output=True, check=True)
        return done.stdout.decode("utf-8")
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        pytest.skip("pdftotext (apt-get install poppler-utils) or pypdf needed")
    return "\f".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def page_count(text: str) -> int:
    # pdftotext and the pypdf fallback separate pages with a form feed.
    return text.rstrip("\f").count("\f") + 1


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def top_five(demo):
    cijfers = buurtcijfers(demo, gemeentecode="GM9999")
    # Issue 11: the demo has four witte vlekken by the new method (five by the old one).
    names = list(tabellen.witte_vlekken_tabel(cijfers)["Buurt"].head(5))
    assert len(names) >= 3, "the demo should have a few witte vlekken"
    return names


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(images, "chromium_available", lambda: False)


@pytest.fixture(scope="module")
def report_without_chromium(demo):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "chromium_available", lambda: False)
        pdf = raadsrapport.raadsinformatie_pdf(demo, "GM9999", vandaag=VANDAAG)
    return pdf, pdf_text(pdf)


@pytest.fixture(scope="module")
def report_with_chromium(demo):
    if not images.chromium_available():
        pytest.skip("Chromium not installed (apt-get install chromium)")
    pdf = raadsrapport.raadsinformatie_pdf(demo, "GM9999", vandaag=VANDAAG)
    return pdf, pdf_text(pdf)


def check_contents(pdf: bytes, text: str, top_five: list[str]) -> None:
    assert pdf.startswith(b"%PDF-")
    flat = one_line(text)
    assert "Lindewaarde" in flat
    assert "Voorbeelddata (fictief)" in flat
    assert "24 november 2026" in flat
    for name in top_five:
        assert name in flat, name
    # The five profiles, in ranking order.
    positions = [flat.index(f"3.{i} {name}") for i, name in enumerate(top_five, start=1)]
    assert positions == sorted(positions)
    assert "Bronnen" in flat
    assert "RIVM Gezondheidsmonitor" in flat and "CBS Kerncijfers wijken en buurten" in flat
    for heading in ("Definities", "Zo rekenen we", "Waar u op moet letten", "Naar activiteit",
                    "Naar wij-type", "Alle witte vlekken", "Bijlage: cijfers per buurt"):
        assert heading in flat, heading
    pages = page_count(text)
    assert pages >= 5
    for number in range(1, pages + 1):
        assert f"Pagina {number} van {pages}" in flat
    # Dutch number formats, and the Markdown of the formulas turned into text.
    assert re.search(r"\d+,\d% \(\d+,\d–\d+,\d%\)", flat)
    assert "**" not in flat


def test_demo_report_without_chromium_keeps_every_table(report_without_chromium, top_five):
    pdf, text = report_without_chromium
    check_contents(pdf, text, top_five)
    flat = one_line(text)
    assert "De kaart kon niet worden getekend: op deze computer is geen Chromium" in flat
    assert flat.count("kon niet worden getekend") == 5   # map, quadrant, three count charts
    assert b"/Subtype /Image" not in pdf


@pytest.mark.browser
def test_demo_report_with_charts(report_with_chromium, top_five):
    pdf, text = report_with_chromium
    check_contents(pdf, text, top_five)
    assert "kon niet worden getekend" not in text
    # Map, quadrant and three count charts, without alpha masks.
    assert pdf.count(b"/Subtype /Image") == 5


@pytest.mark.browser
def test_demo_report_pages_render(report_with_chromium, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (apt-get install poppler-utils) needed")
    pdf, text = report_with_chromium
    (tmp_path / "rapport.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / "rapport.pdf"),
                    str(tmp_path / "pagina")], check=True)
    assert len(list(tmp_path.glob("pagina-*.png"))) == page_count(text)


def test_the_chosen_method_is_used_and_written_in_the_report(demo, no_chromium):
    from wijkdata.compute.witte_vlekken import Methode
    methode = Methode(eenzaam=0.5, aanbod=0.5, bereik_m=300, min_inwoners=150)
    pdf = raadsrapport.raadsinformatie_pdf(demo, "GM9999", vandaag=VANDAAG, methode=methode)
    flat = one_line(pdf_text(pdf))
    assert "bij de hoogste 50% van de buurten" in flat
    assert "binnen 300 m" in flat and "150 inwoners" in flat
    cijfers = buurtcijfers(demo, gemeentecode="GM9999", methode=methode)
    n = int(cijfers["witte_vlek"].fillna(False).sum())
    assert n > 4                                     # wider cuts than the defaults
    assert f"zijn er {n} witte vlekken" in flat
    default = one_line(pdf_text(raadsrapport.raadsinformatie_pdf(demo, "GM9999",
                                                                 vandaag=VANDAAG)))
    assert "bij de hoogste 25% van de buurten" in default and "zijn er 4 witte vlekken" in default
    assert not LEAKED.search(flat), LEAKED.search(flat)


def test_uploaded_names_are_escaped(demo, no_chromium):
    cijfers = buurtcijfers(demo, gemeentecode="GM9999")
    code = tabellen.witte_vlekken_tabel(cijfers)["Buurtcode"].iloc[0]
    nearby = tabellen.initiatieven_rond(demo, code, n=5)["naam"].iloc[0]
    gebieden = demo.gebieden.copy()
    gebieden.loc[gebieden["code"] == code, "naam"] = "Oude <b>Haven & Co"
    gebieden["gemeentenaam"] = "Linde & <Waarde>"
    bron = demo.initiatieven_bron.copy()
    bron.loc[bron["naam"] == nearby, "naam"] = "Koffie <i>& taart</para>"
    data = dataclasses.replace(demo, gebieden=gebieden, initiatieven_bron=bron)
    text = one_line(pdf_text(raadsrapport.raadsinformatie_pdf(data, "GM9999",
                                                              vandaag=VANDAAG)))
    assert "Oude <b>Haven & Co" in text
    assert "Linde & <Waarde>" in text
    assert "Koffie <i>& taart</para>" in text


def test_a_published_dataset_is_named_and_not_called_demo(demo, no_chromium):
    versie = SimpleNamespace(name="Eenzaamheid 2022 (RIVM)", kind="indicatoren", number=3,
                             # the store keeps UTC; the report shows Dutch summer time
                             rows=1234, created_at=datetime(2026, 10, 1, 7, 30, tzinfo=UTC),
                             created_by="analist", source_filename="50120NED.csv")
    data = dataclasses.replace(demo, is_demo=False, versies=[versie])
    text = one_line(pdf_text(raadsrapport.raadsinformatie_pdf(data, "GM9999",
                                                              vandaag=VANDAAG)))
    assert "Eenzaamheid 2022 (RIVM)" in text and "01-10-2026 09:30" in text
    assert "Voorbeelddata" not in text and "fictief" not in text


def test_the_report_gives_the_credits_the_licences_ask_for(demo, no_chromium):
    gebieden = demo.gebieden.assign(periode=pd.array([2024] * len(demo.gebieden),
                                                     dtype="Int64"))
    data = dataclasses.replace(demo, is_demo=False, gebieden=gebieden)
    text = one_line(pdf_text(raadsrapport.raadsinformatie_pdf(data, "GM9999",
                                                              vandaag=VANDAAG)))
    assert "Naamsvermelding" in text
    assert "Bron: CBS." in text and "Kadaster / CBS, 2024." in text
    assert "RIVM. Gezondheid per wijk en buurt, tabel 50120NED" in text
    # The PDF's maps have no base map, so no credit for one.
    assert "Kaartgegevens" not in text and "verzonnen" not in text


def test_naamsvermeldingen():
    data = load_demo()
    assert raadsrapport.naamsvermeldingen(data)[0].startswith("De voorbeelddata is verzonnen")
    plain = dataclasses.replace(data, is_demo=False,
                                gebieden=data.gebieden.assign(periode=pd.NA))
    lines = raadsrapport.naamsvermeldingen(plain, achtergrondkaart=True)
    assert [line.split(".")[0] for line in lines] == [
        "Bron: CBS", "Kadaster / CBS", "RIVM", "Kaartgegevens © Kadaster"]


def test_without_an_initiative_list_the_report_says_so(demo, no_chromium):
    data = dataclasses.replace(demo, initiatieven_bron=pd.DataFrame())
    text = one_line(pdf_text(raadsrapport.raadsinformatie_pdf(data, "GM9999",
                                                              vandaag=VANDAAG)))
    assert "geen lijst met initiatieven geladen" in text
    assert "Er zijn geen witte vlekken" in text
    assert "Pagina 1 van" in text


def test_unknown_gemeente_is_a_dutch_error(demo):
    with pytest.raises(WijkdataError, match="GM0001 staat niet in de geladen gegevens"):
        raadsrapport.raadsinformatie_pdf(demo, "GM0001")


@pytest.mark.parametrize("day, expected", [(date(2026, 11, 24), "24 november 2026"),
                                           (date(2027, 3, 1), "1 maart 2027")])
def test_dutch_date(day, expected):
    assert raadsrapport.datum_nl(day) == expected


@pytest.mark.parametrize("text, expected", [
    ("Oude <b>Haven", "Oude &lt;b&gt;Haven"), ("A & B", "A &amp; B"), (None, ""),
    (float("nan"), ""), (12, "12")])
def test_markup_escapes(text, expected):
    assert raadsrapport.markup(text) == expected


def test_markdown_items_keep_bold_join_lines_and_escape():
    items = raadsrapport.markdown_items("""
- **Per 1.000 inwoners** = aantal ÷ inwoners
  × 1.000, onder <100 niet.
- **B & C**: twee
""")
    assert items == ["<b>Per 1.000 inwoners</b> = aantal ÷ inwoners × 1.000, onder &lt;100 niet.",
                     "<b>B &amp; C</b>: twee"]


def test_the_real_uitleg_and_kanttekeningen_become_items():
    assert len(raadsrapport.markdown_items(tabellen.KANTTEKENINGEN)) == 5
    items = raadsrapport.markdown_items(tabellen.UITLEG)
    assert all(item.startswith("<b>") for item in items)


def test_real_shaped_data_names_the_gemeente_and_never_prints_nan(tmp_path, no_chromium):
    # PDOK boundaries without gemeentenaam + CBS Kerncijfers (Gemeentenaam_1 = Almere) +
    # RIVM with buurt rows only + a list with empty cells, read and published as on the
    # Data page.
    from tests.apptest import LEAKED
    from tests.factory import almere_files, publish_files
    from wijkdata.model.gegevens import load_active
    from wijkdata.store import Store
    url = f"sqlite:///{tmp_path / 'wijkdata.sqlite'}"
    publish_files(url, almere_files())
    data = load_active(Store(url))
    text = one_line(pdf_text(raadsrapport.raadsinformatie_pdf(data, "GM0034",
                                                              vandaag=VANDAAG)))
    assert "Eenzaamheid en kleine wij's in Almere" in text
    assert "in GM0034" not in text
    # the gemeente's figure is weighted from the buurten, and says so
    assert "(berekend uit de buurten)" in text
    assert LEAKED.findall(text) == []
