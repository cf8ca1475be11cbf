"""The "raadsinformatie" PDF for one gemeente: the report the griffie puts on the agenda.

Generated offline with reportlab (A4, built-in Helvetica, nothing fetched). Charts are PNG
images drawn by :mod:`wijkdata.export.images`; where no Chromium is installed the report is still
made, with a sentence in place of each chart, and every number stays in the tables. Nothing
depends on colour: tables have ruled cells, and each chart has a text that says what the
colours and shapes mean. Uploaded text (buurt and initiative names) is escaped before it goes
into reportlab's paragraph markup.
"""
from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from wijkdata.compute import formulas
from wijkdata.compute.buurttabel import als_gebieden, buurtcijfers, gebieden_op_niveau
from wijkdata.compute.witte_vlekken import Methode
from wijkdata.draw import grafieken, kaart, tabellen
from wijkdata.errors import WijkdataError
from wijkdata.escaping import escape_html
from wijkdata.export import images, spreadsheets
from wijkdata.formatting import GEEN_GEGEVENS, fmt_getal, fmt_interval, fmt_meters, fmt_pct
from wijkdata.model import codes
from wijkdata.model.gegevens import DEMO_NAAM, Gegevens, gemeente_naam, tekst
from wijkdata.model.schema import (
    BINNEN_BEREIK_PER_1000,
    BUURTNAAM,
    GRENS_AANBOD,
    GRENS_EENZAAM,
    INDICATOREN,
    INITIATIEVEN,
    INWONERS,
    KWADRANT,
    WIJKNAAM,
    ZEKERHEID,
    interval_kolommen,
    pct,
)

MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"]
TOP = 5
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
# Charts are drawn at a CSS width that makes their 15–16 px fonts about 8–9 pt on paper,
# and at scale 3 (about 400 dpi) so they stay sharp when printed.
CHART_CSS_WIDTH = 860
CHART_SCALE = 3
GRID = colors.HexColor("#777777")
HEADER_FILL = colors.HexColor("#e6e6e6")
GEEN_CHROMIUM = "op deze computer is geen Chromium geïnstalleerd"
TEKENEN_MISLUKT = "het maken van de afbeelding is mislukt"
MAP_Y = (0.14, 1.0)   # the map's share of the figure height; colour bar and legend below


def datum_nl(day: date) -> str:
    """24 november 2026."""
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"


def markup(text) -> str:
    """Text as reportlab paragraph markup: escaped, so a name such as '<b>&' stays text."""
    return escape_html(tekst(text), quote=False)


def markdown_items(text: str) -> list[str]:
    """The bullet items of a Markdown-ish text (``- `` items, ``**bold**``) as paragraph
    markup: continuation lines are joined, text escaped, bold kept as ``<b>``."""
    items: list[str] = []
    for line in text.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("- ") or not items:
            items.append(stripped[2:] if stripped.startswith("- ") else stripped)
        else:
            items[-1] += " " + stripped
    return [re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape_html(item, quote=False))
            for item in items]


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10,
                          leading=14, spaceAfter=6)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8, leading=10,
                                     spaceAfter=0, alignment=TA_RIGHT),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName="Helvetica-Bold",
                                    fontSize=8, leading=10, spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=body, fontName="Helvetica-Oblique",
                                  fontSize=8.5, leading=11, textColor=colors.HexColor("#222222")),
        "note": ParagraphStyle("note", parent=body, fontName="Helvetica-Oblique", borderWidth=0.8,
                               borderColor=GRID, borderPadding=8, spaceBefore=8, spaceAfter=14),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=0),
        "kicker": ParagraphStyle("kicker", parent=body, fontName="Helvetica-Bold", fontSize=11,
                                 leading=14, textColor=colors.HexColor("#333333")),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=24,
                                leading=30, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=13, leading=18,
                                   spaceAfter=14),
        "h1": ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=16,
                             leading=20, spaceBefore=4, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=12.5,
                             leading=16, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName="Helvetica-Bold", fontSize=10,
                             leading=13, spaceBefore=6, spaceAfter=3),
        "demo": ParagraphStyle("demo", parent=body, fontName="Helvetica-Bold", fontSize=11,
                               leading=15, borderWidth=1.5, borderColor=colors.black,
                               borderPadding=8, spaceBefore=8, spaceAfter=16),
    }


def _table(frame: pd.DataFrame, widths: list[float], styles, *, right: tuple[str, ...] = (),
           bold_first: bool = False, width: float = TEXT_WIDTH,
           emphasis: set[int] = frozenset(), compact: bool = False) -> Table:
    """A ruled table (readable in black and white) of text cells; the header repeats on
    every page the table continues on. Rows in ``emphasis`` (0 = first data row) are bold
    on light grey. ``compact``: 7.5 pt and narrow padding, so a wide table keeps one line
    per row."""
    if compact:
        styles = {k: ParagraphStyle(f"{k}_compact", parent=v, fontSize=7.5, leading=9.5)
                  for k, v in styles.items() if k.startswith("cell")}
    padding = 2.5 if compact else 4
    header = [Paragraph(markup(c), styles["cell_head"]) for c in frame.columns]
    rows = [header]
    for number, record in enumerate(frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, record):
            style = styles["cell_right"] if column in right else styles["cell"]
            text = markup(value)
            if number in emphasis or (bold_first and column == frame.columns[0]):
                text = f"<b>{text}</b>"
            cells.append(Paragraph(text, style))
        rows.append(cells)
    total = sum(widths)
    table = Table(rows, colWidths=[w * width / total for w in widths], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        *[("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#eeeeee")) for i in emphasis],
    ]))
    return table


class _Charts:
    """Draws charts as images; after the first failure (no Chromium) every chart becomes a
    sentence, so the report is made without waiting for a browser that is not there."""

    def __init__(self, styles):
        self.styles = styles
        self.failed: str | None = None if images.chromium_available() else GEEN_CHROMIUM

    def image(self, fig: go.Figure, what: str, *, css_width: int, css_height: int,
              width: float) -> list:
        if self.failed is None:
            try:
                png = images.figure_png(fig, width=css_width, height=css_height,
                                       scale=CHART_SCALE)
                height = width * css_height / css_width
                return [Image(_zonder_alfa(png), width=width, height=height)]
            except WijkdataError:
                self.failed = TEKENEN_MISLUKT
        return [Paragraph(f"{markup(what)} kon niet worden getekend: {self.failed}. "
                          "De cijfers staan in de tabellen van dit rapport.",
                          self.styles["note"])]


def _zonder_alfa(png: bytes) -> io.BytesIO:
    """The chart on white without its alpha channel: a third smaller in the PDF, and one
    image object instead of an image plus a mask."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as image:
        flat = PILImage.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
    out = io.BytesIO()
    flat.save(out, format="PNG")
    out.seek(0)
    return out


def _numbered_canvas(gemeente: str, datum: str, demo: bool):
    """A canvas class that writes the running header and 'Pagina x van y' at the end, when
    the number of pages is known."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            number = self._pageNumber
            self.saveState()
            self.setFillColor(colors.black)
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            if number > 1:
                top = PAGE_HEIGHT - MARGIN + 0.9 * cm
                self.setFont("Helvetica", 8.5)
                self.drawString(MARGIN, top, f"Raadsinformatie · Eenzaamheid en kleine wij's "
                                             f"in {gemeente}")
                if demo:
                    self.setFont("Helvetica-Bold", 8.5)
                    self.drawRightString(PAGE_WIDTH - MARGIN, top, DEMO_NAAM)
                self.line(MARGIN, top - 4, PAGE_WIDTH - MARGIN, top - 4)
            bottom = MARGIN - 1.0 * cm
            self.line(MARGIN, bottom + 11, PAGE_WIDTH - MARGIN, bottom + 11)
            self.setFont("Helvetica", 8.5)
            self.drawString(MARGIN, bottom, datum)
            self.drawRightString(PAGE_WIDTH - MARGIN, bottom, f"Pagina {number} van {total}")
            self.restoreState()

    return NumberedCanvas


def raadsinformatie_pdf(gegevens: Gegevens, gemeentecode: str, *, periode=None,
                        leeftijd: str = "18+", vandaag: date | None = None,
                        methode: Methode | None = None) -> bytes:
    """The raadsinformatie report of one gemeente as PDF bytes (A4, Dutch).

    Contents: title page (date, data versions, key figures), the loneliness map with the
    initiatives, the witte-vlekken quadrant and ranked table, the profiles of the top five
    witte vlekken, the initiatives by activity and wij-type, sources, definitions, formulas,
    caveats, and an appendix with the figures of every buurt. Raises :class:`WijkdataError`
    when the gemeente has no buurten in the data. ``methode``: the witte-vlek method the
    dashboard uses (its values are written in the text).
    """
    vandaag = vandaag or tabellen.vandaag()
    methode = methode or Methode()
    gemeentecode = str(gemeentecode).strip().upper()
    if not (gegevens.buurten["gemeentecode"] == gemeentecode).any():
        raise WijkdataError(f"Gemeente {gemeentecode} staat niet in de geladen gegevens: "
                            "er is geen rapport te maken.")
    naam = gemeente_naam(gegevens, gemeentecode)
    cijfers = buurtcijfers(gegevens, gemeentecode=gemeentecode, periode=periode,
                           leeftijd=leeftijd, methode=methode)
    styles = _styles()
    charts = _Charts(styles)
    kern = tabellen.kerncijfers(gegevens, cijfers, gemeentecode)
    vlekken = tabellen.witte_vlekken_tabel(cijfers)
    eigen = gegevens.initiatieven
    eigen = eigen[eigen["gemeentecode"] == gemeentecode] if len(eigen) else eigen
    # "Now running" as the buurt figures count them (today), whatever date is printed.
    actief = formulas.active_initiatieven(eigen) if len(eigen) else eigen

    story: list = []
    story += _titelpagina(gegevens, naam, kern, vlekken, vandaag, styles)
    story += _kaart(gegevens, gemeentecode, cijfers, actief, charts, styles)
    story += _witte_vlekken(cijfers, vlekken, charts, styles, methode)
    story += _profielen(gegevens, cijfers, vlekken, actief, styles)
    story += _initiatieven(actief, len(gegevens.initiatieven_bron) > 0, charts, styles)
    story += _bronnen(gegevens, gemeentecode, kern, styles, methode)
    story += _bijlage(cijfers, styles)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"Raadsinformatie eenzaamheid en kleine wij's – {naam}",
        author="Kleine wij's", subject="Eenzaamheid en buurtinitiatieven per buurt",
        lang="nl-NL")
    doc.build(story, canvasmaker=_numbered_canvas(naam, datum_nl(vandaag), gegevens.is_demo))
    return buffer.getvalue()


def _titelpagina(gegevens, naam, kern, vlekken, vandaag, styles) -> list:
    s = styles
    leeftijd = tabellen.LEEFTIJD_LABELS.get(kern["leeftijd"], kern["leeftijd"])
    out = [Spacer(1, 2.5 * cm), Paragraph("RAADSINFORMATIE", s["kicker"]), Spacer(1, 4),
           Paragraph(f"Eenzaamheid en kleine wij's in {markup(naam)}", s["title"]),
           Paragraph("Waar voelen bewoners zich vaak eenzaam, en waar zijn weinig kleine "
                     "buurtinitiatieven? De witte vlekken per buurt.", s["subtitle"]),
           Paragraph(f"<b>Datum:</b> {datum_nl(vandaag)}", s["body"]),
           Paragraph(f"<b>Cijfers over eenzaamheid:</b> {markup(kern['periode'] or 'onbekend')}, "
                     f"{markup(leeftijd)}", s["body"])]
    if gegevens.is_demo:
        out.append(Paragraph(
            f"{DEMO_NAAM}. Deze rapportage gaat over een verzonnen gemeente. De "
            "cijfers en initiatieven zijn nagemaakt om het dashboard te laten zien; ze zeggen "
            "niets over een echte gemeente of buurt.", s["demo"]))
    else:
        out.append(Spacer(1, 10))
    eenzaam = kern["eenzaam"]
    kerntabel = pd.DataFrame({
        "Kerncijfer": ["Buurten", "Inwoners", "Eenzaam (gemeente, 95%-interval)",
                       "Initiatieven die nu lopen", "Initiatieven per 1.000 inwoners",
                       "Witte vlekken", "Buurten zonder cijfer over eenzaamheid"],
        "Waarde": [fmt_getal(kern["buurten"]), fmt_getal(kern["inwoners"]),
                   (f"{fmt_pct(eenzaam['waarde'])} ({tabellen.BEREKEND})"
                    if eenzaam.get("berekend") else
                    f"{fmt_pct(eenzaam['waarde'])} "
                    f"{fmt_interval(eenzaam['ondergrens'], eenzaam['bovengrens'])}".strip()),
                   fmt_getal(kern["initiatieven"], missing="geen lijst geladen"),
                   fmt_getal(kern["per_1000"], 1),
                   f"{fmt_getal(kern['witte_vlekken'])} "
                   f"({fmt_getal(int((vlekken['Zekerheid'] == 'zeker').sum()))} zeker, "
                   f"{fmt_getal(int((vlekken['Zekerheid'] == 'mogelijk').sum()))} mogelijk)",
                   fmt_getal(kern["zonder_gegevens"])]})
    out += [Paragraph("In het kort", s["h2"]),
            _table(kerntabel, [3, 2], s, right=("Waarde",), width=12 * cm), Spacer(1, 4)]
    if len(vlekken):
        namen = ", ".join(markup(n) for n in vlekken["Buurt"].head(TOP))
        out.append(Paragraph(f"<b>Grootste witte vlekken:</b> {namen}.", s["body"]))
    versies = tabellen.geladen(gegevens)
    out.append(Paragraph("Gebruikte gegevens", s["h2"]))
    if versies.empty:
        out.append(Paragraph("Er is niet vastgelegd welke versies van de gegevens dit zijn.",
                             s["body"]))
    else:
        out.append(_table(versies, [3] + [2] * (len(versies.columns) - 1), s))
    out += [Paragraph("Inhoud", s["h2"]),
            Paragraph("1 Kaart: eenzaamheid per buurt · 2 Witte vlekken · "
                      f"3 {_top_titel(len(vlekken))} · 4 Initiatieven · 5 Bronnen, definities "
                      "en kanttekeningen · Bijlage: cijfers per buurt", s["small"]),
            PageBreak()]
    return out


def _kaart(gegevens, gemeentecode, cijfers, actief, charts, styles) -> list:
    s = styles
    out = [Paragraph("1 Kaart: eenzaamheid per buurt", s["h1"]),
           Paragraph("Hoe donkerder de buurt, hoe meer volwassenen zich eenzaam voelen "
                     "(schatting van het RIVM). Buurten met een dikke zwarte rand zijn zeker een "
                     "witte vlek, met een oranje rand mogelijk een witte vlek. Grijze buurten "
                     "hebben geen cijfer. De stippen zijn initiatieven "
                     "die nu lopen: oranje = bonding (mensen die op elkaar lijken), groen = "
                     "bridging (mensen die verschillen), zwart = beide. De cijfers per buurt "
                     "staan in de bijlage.", s["body"])]
    areas = gebieden_op_niveau(gegevens, gemeentecode, "buurt")
    css_w = CHART_CSS_WIDTH
    css_h = int(css_w * _hoogte_breedte(areas) / (MAP_Y[1] - MAP_Y[0]))
    css_h = min(max(css_h, 420), 1000)
    if charts.failed is None:
        fig = _kaart_figuur(areas, cijfers, actief, css_w, css_h)
    else:
        fig = go.Figure()
    out += charts.image(fig, "De kaart", css_width=css_w, css_height=css_h,
                        width=TEXT_WIDTH)
    out.append(PageBreak() if charts.failed is None else Spacer(1, 12))
    return out


def _hoogte_breedte(areas) -> float:
    """Height ÷ width of the areas as the web map shows them (Web Mercator)."""
    if areas.empty:
        return 0.75
    minx, miny, maxx, maxy = areas.to_crs("EPSG:3857").total_bounds
    return float(min(max((maxy - miny) / max(maxx - minx, 1.0), 0.45), 1.3))


def _kaart_figuur(areas, cijfers, actief, css_w, css_h) -> go.Figure:
    # Colour bar and legend sit in a strip below the map, so neither hides a buurt.
    view = kaart.bounds_view(areas, width=css_w, height=int(css_h * (MAP_Y[1] - MAP_Y[0])))
    geo = kaart.geojson_of(areas, tolerance=2.0)
    frame = als_gebieden(cijfers)
    fig = kaart.choropleth(geo, frame, pct("eenzaam"), indicator="eenzaam", view=view,
                           height=css_h, font_size=16)
    kaart.add_witte_vlekken(fig, geo, cijfers)
    # Added after the outlines, so the points stay on top.
    if len(actief):
        kaart.add_initiatief_points(fig, actief, "wij_type")
    fig.update_layout(
        map={"domain": {"x": [0, 1], "y": list(MAP_Y)}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.0, "x": 1.0,
                "xanchor": "right", "bgcolor": "white"},
        margin={"l": 4, "r": 4, "t": 4, "b": 4})
    fig.update_traces(selector={"type": "choroplethmap"},
                      colorbar={"orientation": "h", "x": 0.0, "xanchor": "left", "y": 0.0,
                                "yanchor": "bottom", "len": 0.4, "thickness": 14,
                                "title": {"side": "top"}, "bgcolor": "white"})
    return fig


def _witte_vlekken(cijfers, vlekken, charts, styles, methode: Methode) -> list:
    s = styles
    known = cijfers[cijfers[GRENS_EENZAAM].notna()]
    grens_e = known[GRENS_EENZAAM].iloc[0] if len(known) else float("nan")
    grens_a = known[GRENS_AANBOD].iloc[0] if len(known) else float("nan")
    telling = tabellen.witte_vlekken_telling(cijfers)
    bereik = f"{fmt_getal(methode.bereik_m)} m"
    if len(known) and grens_a == 0:
        aanbod = f"er is geen enkel initiatief binnen {bereik} van de buurt"
    else:
        aanbod = (f"het aantal initiatieven binnen {bereik} per 1.000 inwoners hoort bij de "
                  f"laagste {fmt_getal(methode.aanbod * 100)}% (tot en met "
                  f"{fmt_getal(grens_a, 1)})")
    out = [Paragraph("2 Witte vlekken", s["h1"]),
           Paragraph(
               "Een <b>witte vlek</b> is een buurt waar eenzaamheid bij de hoogste "
               f"{fmt_getal((1 - methode.eenzaam) * 100)}% van de buurten van de gemeente "
               f"hoort (vanaf {fmt_pct(grens_e)}) én {aanbod}. <b>Zeker</b>: ook de "
               "ondergrens van het 95%-interval ligt boven de grens voor eenzaamheid; "
               "<b>mogelijk</b>: alleen de schatting zelf. Buurten met minder dan "
               f"{fmt_getal(methode.min_inwoners)} inwoners beoordelen we niet. "
               f"Met deze grenzen zijn er {fmt_getal(telling['witte_vlekken'])} witte vlekken: "
               f"{fmt_getal(telling['zeker'])} zeker en {fmt_getal(telling['mogelijk'])} "
               "mogelijk. In de figuur staat elke buurt als een punt: hoe hoger, hoe meer "
               "eenzaamheid; hoe verder naar rechts, hoe meer initiatieven binnen bereik. De "
               "witte vlekken staan linksboven, in het gearceerde vak.", s["body"])]
    niet = tabellen.niet_beoordeeld_zin(telling)
    if niet:
        out.append(Paragraph(markup(niet), s["body"]))
    label = INDICATOREN["eenzaam"].label
    fig = grafieken.quadrant_chart(cijfers, pct("eenzaam"), label, height=560, font_size=16,
                                   marker_size=12)
    out += charts.image(fig, "De figuur met de witte vlekken", css_width=CHART_CSS_WIDTH,
                        css_height=560, width=TEXT_WIDTH)
    out += [Spacer(1, 6), Paragraph("Alle witte vlekken, in volgorde: zeker voor mogelijk",
                                    s["h2"])]
    if vlekken.empty:
        out.append(Paragraph("Met deze grenzen is geen enkele buurt een witte vlek.", s["body"]))
    else:
        eenzaam_col = f"{label} (%)"
        tabel = pd.DataFrame({
            "Nr.": list(vlekken["Rang"]),
            "Buurt": vlekken["Buurt"], "Wijk": vlekken["Wijk"],
            "Zeker?": list(vlekken["Zekerheid"]),
            "Inwoners": [fmt_getal(v) for v in vlekken["Inwoners"]],
            "Eenzaam (95%-interval)": [
                f"{fmt_pct(v)} {fmt_interval(lo, hi)}".strip() for v, lo, hi in
                zip(vlekken[eenzaam_col], vlekken["Ondergrens (%)"], vlekken["Bovengrens (%)"])],
            f"Binnen {bereik}": [fmt_getal(v) for v in vlekken["Binnen bereik"]],
            "Per 1.000 inwoners": [fmt_getal(v, 1, missing="te weinig inwoners")
                                   for v in vlekken["Per 1.000 inwoners"]],
            "Afstand tot initiatief": [fmt_meters(v) for v in
                                       vlekken["Dichtstbijzijnde initiatief (m)"]],
        })
        out.append(_table(tabel, [0.5, 2.3, 1.8, 1.2, 1.2, 2.4, 1.3, 1.3, 1.5], s,
                          right=("Nr.", "Inwoners", f"Binnen {bereik}", "Per 1.000 inwoners",
                                 "Afstand tot initiatief")))
    out.append(PageBreak())
    return out


def _top_titel(aantal: int) -> str:
    n = min(aantal, TOP)
    if n <= 1:
        return "De grootste witte vlek"
    return f"De {['', 'één', 'twee', 'drie', 'vier', 'vijf'][n]} grootste witte vlekken"


def _profielen(gegevens, cijfers, vlekken, actief, styles) -> list:
    s = styles
    out = [Paragraph(f"3 {_top_titel(len(vlekken))}", s["h1"])]
    if vlekken.empty:
        return out + [Paragraph("Er zijn geen witte vlekken, dus ook geen profielen.",
                                s["body"]), PageBreak()]
    out.append(Paragraph(
        "Per buurt: waarom het een witte vlek is, de cijfers naast die van de wijk, de "
        "gemeente en Nederland (met het 95%-interval tussen haakjes), en de initiatieven in "
        "en rond de buurt. We noemen een buurt alleen hoger of lager dan de gemeente als de "
        "intervallen elkaar niet overlappen.", s["body"]))
    for nr, (_, rij) in enumerate(vlekken.head(TOP).iterrows(), start=1):
        code = rij["Buurtcode"]
        profiel = tabellen.profiel(gegevens, cijfers, code)
        tabel = tabellen.profiel_tabel(profiel)
        # A count has no interval: comparing it with the gemeente says nothing.
        tabel.loc[profiel["eenheid"].values != "%", "Buurt t.o.v. gemeente"] = "—"
        tabel = tabel[["Indicator", "Buurt", "Wijk", "Gemeente", "Nederland",
                       "Buurt t.o.v. gemeente"]]
        blok = [Paragraph(f"3.{nr} {markup(rij['Buurt'])}", s["h2"]),
                Paragraph(f"Buurtcode {markup(code)} · wijk {markup(rij['Wijk'])} · "
                          f"{fmt_getal(rij['Inwoners'])} inwoners", s["small"]),
                Spacer(1, 3),
                Paragraph(f"<b>Waarom een witte vlek:</b> {markup(rij['Waarom'])}", s["body"]),
                # Point widths: at 7.5 pt every value with its interval fits on one line.
                _table(tabel, [93, 74, 74, 74, 74, 92], s, compact=True)]
        rond = tabellen.initiatieven_rond(gegevens, code, n=5, initiatieven=actief) \
            if len(actief) else pd.DataFrame()
        blok.append(Paragraph("Initiatieven in en rond de buurt", s["h3"]))
        if rond.empty:
            blok.append(Paragraph("Geen initiatieven bekend in of rond deze buurt.", s["body"]))
        else:
            rond = spreadsheets.safe_table(rond.head(5))
            lijst = pd.DataFrame({
                "Initiatief": rond["naam"], "Activiteit": rond["activiteit"],
                "Wij-type": rond["wij_type"], "Voor wie": rond["doelgroepen"],
                "Waar": ["in de buurt" if binnen else f"op {fmt_meters(m)}"
                         for binnen, m in zip(rond["in_buurt"], rond["afstand_m"])]})
            blok.append(_table(lijst, [3.4, 2.2, 1.4, 2.4, 1.4], s))
        out += [KeepTogether(blok), Spacer(1, 8)]
    out.append(PageBreak())
    return out


def _initiatieven(actief, has_list, charts, styles) -> list:
    s = styles
    out = [Paragraph("4 Initiatieven", s["h1"])]
    if not has_list:
        return out + [Paragraph("Er is geen lijst met initiatieven geladen. Daarom staan hier "
                                "geen aantallen: het aantal is onbekend, niet nul.", s["body"]),
                      PageBreak()]
    veilig = spreadsheets.initiatieven_table(actief)
    out.append(Paragraph(
        f"In de gemeente lopen nu {fmt_getal(len(veilig))} bekende initiatieven. "
        "<b>Bonding</b>: mensen die op elkaar lijken vinden elkaar. <b>Bridging</b>: mensen "
        "die van elkaar verschillen ontmoeten elkaar. Een initiatief kan ook beide doen. Een "
        "initiatief voor meer doelgroepen telt bij elke doelgroep mee.", s["body"]))
    for by, titel, label in (("activiteit", "Naar activiteit", "Activiteit"),
                             ("wij_type", "Naar wij-type", "Wij-type"),
                             ("doelgroepen", "Naar doelgroep", "Doelgroep")):
        telling = tabellen.tellingen(veilig, by)
        tabel = pd.DataFrame({label: telling[by],
                              "Aantal": [fmt_getal(v) for v in telling["aantal"]]})
        table = _table(tabel, [2.6, 1], s, right=("Aantal",), width=5.8 * cm)
        css_h = 90 + 34 * len(telling)
        fig = grafieken.count_chart(telling, by, label, height=css_h, font_size=15)
        fig.update_yaxes(title=None)
        # Room for the number printed after the longest bar.
        fig.update_xaxes(range=[0, max(float(telling["aantal"].max()), 1.0) * 1.18])
        chart_width = TEXT_WIDTH - 6.4 * cm
        beeld_ = charts.image(fig, f"De grafiek '{titel.lower()}'", css_width=520,
                              css_height=css_h, width=chart_width)
        rij = Table([[table, beeld_]], colWidths=[6.4 * cm, chart_width], hAlign="LEFT")
        rij.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        out += [KeepTogether([Paragraph(titel, s["h2"]), rij]), Spacer(1, 4)]
    out.append(PageBreak())
    return out


def naamsvermeldingen(gegevens: Gegevens, *, achtergrondkaart: bool = False) -> list[str]:
    """The credits the open licences of the sources ask for (CC BY 4.0), one line each:
    "Bron: CBS" for the Kerncijfers wijken en buurten, "Kadaster / CBS, <jaar>" for the Wijk-
    en buurtkaart (the year of the boundaries, when known), "RIVM" for Gezondheid per wijk
    en buurt, and — only where the base map is shown — "Kaartgegevens © Kadaster". The Over
    de data page and this report show the same lines."""
    jaren = pd.to_numeric(gegevens.gebieden.get("periode", pd.Series(dtype=float)),
                          errors="coerce").dropna()
    jaar = f", {int(jaren.max())}" if len(jaren) else ""
    lines = [
        "Bron: CBS. Kerncijfers wijken en buurten (inwoners, leeftijd, huishoudens), "
        "licentie CC BY 4.0.",
        f"Kadaster / CBS{jaar}. Wijk- en buurtkaart (buurtgrenzen), via PDOK, licentie "
        "CC BY 4.0.",
        "RIVM. Gezondheid per wijk en buurt, tabel 50120NED (eenzaamheid), via CBS, licentie "
        "CC BY 4.0.",
    ]
    if achtergrondkaart:
        lines.append("Kaartgegevens © Kadaster. BRT-Achtergrondkaart (onder de buurten op de "
                     "kaarten), via PDOK, licentie CC BY 4.0.")
    if gegevens.is_demo:
        lines.insert(0, "De voorbeelddata is verzonnen; ze heeft de vorm van deze bronnen.")
    return lines


def _bronnen(gegevens, gemeentecode, kern, styles, methode: Methode) -> list:
    s = styles
    periode = markup(kern["periode"] or "onbekend")
    initiatief_bron = ("een verzonnen lijst (voorbeelddata)" if gegevens.is_demo else
                       "de lijst die de gemeente en haar partners bijhouden")
    bronnen = [
        f"<b>Eenzaamheid, emotionele steun, mantelzorg en vrijwilligerswerk</b>: "
        f"{markup(INDICATOREN['eenzaam'].bron)}"
        f", cijfers van {periode}. Het RIVM schat deze cijfers per buurt met een model op basis "
        "van de Gezondheidsmonitor van GGD'en, RIVM en CBS.",
        f"<b>Inwoners, leeftijd en huishoudens</b>: {markup(INDICATOREN['inwoners'].bron)}.",
        "<b>Buurtgrenzen</b>: CBS Wijk- en buurtkaart.",
        f"<b>Initiatieven</b>: {initiatief_bron}. Contactgegevens staan er niet in.",
    ]
    codes_ = set(gegevens.buurten.loc[gegevens.buurten["gemeentecode"] == gemeentecode, "code"])
    codes_ |= {gemeentecode, codes.NEDERLAND} | {codes.wijkcode(c) for c in codes_}
    ind = gegevens.indicatoren
    if "bron" in ind:
        gevonden = sorted({str(b) for b in ind.loc[ind["code"].isin(codes_), "bron"].dropna()
                           if str(b).strip()})
        if gevonden:
            bronnen.append("<b>Bronvermelding in de geladen bestanden</b>: "
                           + "; ".join(markup(b) for b in gevonden) + ".")
    out = [Paragraph("5 Bronnen, definities en kanttekeningen", s["h1"]),
           Paragraph("Bronnen", s["h2"])]
    out += [Paragraph(b, s["bullet"], bulletText="•") for b in bronnen]
    out.append(Paragraph("Welke bestanden precies zijn gebruikt, staat op de eerste pagina "
                         "onder 'Gebruikte gegevens'.", s["body"]))
    # What the open licences ask: the credits, as on the Over de data page.
    out.append(Paragraph("Naamsvermelding", s["h2"]))
    out += [Paragraph(markup(line), s["bullet"], bulletText="•")
            for line in naamsvermeldingen(gegevens)]
    out += [Paragraph("Definities", s["h2"]),
            _table(tabellen.definities(), [2.2, 1.2, 5.3, 4], s, bold_first=True)]
    uitleg = tabellen.uitleg(methode)
    out.append(Paragraph("Zo rekenen we", s["h2"]))
    out += [Paragraph(item, s["bullet"], bulletText="•") for item in markdown_items(uitleg)]
    out.append(CondPageBreak(5 * cm))
    out.append(Paragraph("Waar u op moet letten", s["h2"]))
    out += [Paragraph(item, s["bullet"], bulletText="•")
            for item in markdown_items(tabellen.KANTTEKENINGEN)]
    out.append(PageBreak())
    return out


def _kwadrant(kwadrant, zekerheid) -> str:
    if not isinstance(kwadrant, str) or not kwadrant:
        return "niet beoordeeld"
    if kwadrant == "witte vlek" and isinstance(zekerheid, str) and zekerheid:
        return f"witte vlek ({zekerheid})"
    return kwadrant


def _bijlage(cijfers, styles) -> list:
    s = styles
    rows = cijfers.sort_values([WIJKNAAM, BUURTNAAM], na_position="last")
    waarde, onder, boven = interval_kolommen("eenzaam")
    tabel = pd.DataFrame({
        "Buurt": rows[BUURTNAAM], "Wijk": rows[WIJKNAAM],
        "Inwoners": [fmt_getal(v) for v in rows[INWONERS]],
        "Eenzaam (95%-interval)": [f"{fmt_pct(v)} {fmt_interval(lo, hi)}".strip() for v, lo, hi
                                   in zip(rows[waarde], rows[onder], rows[boven])],
        "Initiatieven in de buurt": [fmt_getal(v, missing="onbekend")
                                     for v in rows[INITIATIEVEN]],
        "Binnen bereik per 1.000": [
            fmt_getal(p, 1, missing="te weinig inwoners" if pd.notna(n) else GEEN_GEGEVENS)
            for p, n in zip(rows[BINNEN_BEREIK_PER_1000], rows[INITIATIEVEN])],
        "Kwadrant": [_kwadrant(k, z) for k, z in zip(rows[KWADRANT], rows[ZEKERHEID])],
    })
    # The witte vlekken in bold on grey, so they stand out without colour.
    vlek_rows = {i for i, k in enumerate(tabel["Kwadrant"]) if k.startswith("witte vlek")}
    table = _table(tabel, [92, 62, 40, 76, 46, 46, 114], s,
                   right=("Inwoners", "Initiatieven in de buurt", "Binnen bereik per 1.000"),
                   emphasis=vlek_rows, compact=True)
    return [Paragraph("Bijlage: cijfers per buurt", s["h1"]),
            Paragraph("Alle buurten van de gemeente, per wijk. De kolom 'Kwadrant' zegt in welk "
                      "vak van de figuur in hoofdstuk 2 de buurt valt; witte vlekken staan vet "
                      "op een grijze achtergrond. 'Niet beoordeeld' betekent: te weinig "
                      "inwoners, een cijfer ontbreekt of het aanbod is onbekend, dus we weten "
                      "niet of de buurt een witte vlek is.", s["body"]), table]
