"""Plotly figures for maps and charts. No Streamlit here: pages pass the figures on.

Maps use ``map_style="white-bg"``: the polygons never depend on a base map, so the map
draws in a council room without internet. One ``Choroplethmap`` trace carries every area
with a value (numeric ``z``), a second one the areas without a value in grey, named
"geen gegevens" in the legend — a missing value is never coloured as if it were low.

Under the polygons an optional base map (the PDOK BRT-Achtergrondkaart, grey) is a raster
layer whose tiles the *browser* fetches; the server never does. When they do not come (no
internet, a blocked host) the map paints as without it. Images made on the server
(:func:`zonder_achtergrond`) leave it out: kaleido would wait for tiles it may never get.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from wijkdata import instellingen
from wijkdata.escaping import plain_label
from wijkdata.formatting import GEEN_GEGEVENS, fmt_datum, fmt_kolom, fmt_verschil, is_missing
from wijkdata.model.schema import INDICATOREN, WGS84

log = logging.getLogger(__name__)

# Single-hue sequential scales are readable with every common colour-vision deficiency.
SCALE = [[0.0, "#f2f0f7"], [0.25, "#cbc9e2"], [0.5, "#9e9ac8"], [0.75, "#756bb1"],
         [1.0, "#54278f"]]
# Diverging, for a difference from the gemeente's average: orange below, purple above, white
# at the average (ColorBrewer PuOr, readable with colour-vision deficiencies).
DIVERGING = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#998ec3"],
             [1.0, "#542788"]]
MISSING_COLOUR = "#bdbdbd"
# Okabe–Ito colours: distinguishable with colour-vision deficiencies and on the purples.
WIJ_TYPE_COLOURS = {"bonding": "#E69F00", "bridging": "#009E73", "beide": "#000000"}
ACTIVITEIT_COLOURS = {
    "ontmoeting": "#E69F00", "eten en drinken": "#D55E00", "muziek en cultuur": "#CC79A7",
    "natuur en groen": "#009E73", "sport en bewegen": "#0072B2",
    "burenhulp en zorg": "#56B4E9", "digitaal": "#000000", "feest": "#F0E442",
}
FONT = "Source Sans Pro, Arial, sans-serif"
OUTLINE_MAX_AREAS = 2_000
# The ``bron`` of an initiative that came in as a report (wijkdata.meldingen.BRON_MELDING;
# the draw layer does not import that level).
BRON_MELDING = "melding"
# The map takes the left part of the figure; colour bar and legend sit beside it, so they
# never cover a buurt.
MAP_WIDTH = 0.8
# More initiative points than this make the map unreadable and slow; the page asks to pick
# a gemeente instead.
MAX_POINTS = 5000
# Dutch decimal comma and thousands dot in every number plotly writes (axes, colour bar).
SEPARATORS = ",."

# The base map: PDOK's BRT-Achtergrondkaart, grey variant, XYZ tiles of 256 px in Web
# Mercator (the WMTS RESTful template .../{Layer}/{TileMatrixSet}/{TileMatrix}/{TileCol}/
# {TileRow}.png, so column = x and row = y). The licence (CC BY 4.0) asks for the credit.
PDOK_ACHTERGRONDKAART = ("https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/"
                         "EPSG:3857/{z}/{x}/{y}.png")
ACHTERGRONDKAART_BRON = "Kaartgegevens © Kadaster"
ACHTERGRONDKAART_INSTELLING = "achtergrondkaart_url"
ACHTERGRONDKAART_UIT = "uit"
# A grey base map shows through a little, so streets and water help to find a buurt while
# the colours stay readable; dark thin outlines keep neighbouring buurten apart where the
# lighter fills let the map through.
FILL_OPACITY = 0.85
FILL_OPACITY_ACHTERGROND = 0.7
OUTLINE_COLOUR = "white"
OUTLINE_COLOUR_ACHTERGROND = "#4d4d4d"
ACHTERGROND_OPACITY = 0.8


def geojson_of(gebieden: gpd.GeoDataFrame, tolerance: float = 0.0) -> dict:
    """Areas as a GeoJSON FeatureCollection in EPSG:4326 with ``id`` = area code.

    ``tolerance`` (metres, in RD) simplifies the whole coverage at once
    (``shapely.coverage_simplify``), so neighbouring buurten keep their shared border and no
    gaps or slivers open between them.
    """
    geometry = gebieden.geometry
    if tolerance > 0 and len(geometry):
        simplified = shapely.coverage_simplify(geometry.values, tolerance)
        geometry = gpd.GeoSeries(simplified, index=gebieden.index, crs=gebieden.crs)
    geometry = geometry.to_crs(WGS84)
    coords_rounded = shapely.set_precision(geometry.values, 1e-6)
    features = [
        {"type": "Feature", "id": code, "properties": {},
         "geometry": json.loads(shapely.to_geojson(geom))}
        for code, geom in zip(gebieden["code"], coords_rounded) if geom is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def bounds_view(gebieden: gpd.GeoDataFrame, width: int = 640, height: int = 520) -> dict:
    """Centre and zoom so the areas fill a map of ``width`` × ``height`` pixels.

    MapLibre uses 512-pixel tiles: at zoom z the world is 512·2^z pixels wide, and a degree
    of latitude is stretched by 1/cos(lat) in Web Mercator.
    """
    if gebieden.empty:
        return {"center": {"lat": 52.2, "lon": 5.3}, "zoom": 6}
    minx, miny, maxx, maxy = gebieden.to_crs(WGS84).total_bounds
    lat = (miny + maxy) / 2
    span_x = max(maxx - minx, 1e-5)
    span_y = max((maxy - miny) / np.cos(np.radians(lat)), 1e-5)
    zoom_x = np.log2(width * 360 / (512 * span_x))
    zoom_y = np.log2(height * 360 / (512 * span_y))
    zoom = float(np.clip(min(zoom_x, zoom_y) - 0.15, 3, 17))
    return {"center": {"lat": lat, "lon": (minx + maxx) / 2}, "zoom": round(zoom, 2)}


def scaled_view(view: dict, width: int, height: int) -> dict:
    """A :func:`bounds_view` (made for its default 640 × 520 pixels) for a map of another
    size: the zoom changes by log2 of the size ratio (the tighter of the two sides)."""
    factor = min(width / 640, height / 520)
    return {**view, "zoom": round(float(view["zoom"] + np.log2(factor)), 2)}


def achtergrondkaart_url(secrets: Mapping | None = None) -> str | None:
    """The tile URL of the base map: the setting ``achtergrondkaart_url`` (environment
    ``WIJKDATA_ACHTERGRONDKAART_URL`` first, then ``[wijkdata]`` in the secrets), PDOK's grey
    BRT-Achtergrondkaart when not set, None when set to ``uit`` or to something that is no
    http(s) tile template with ``{z}``, ``{x}`` and ``{y}`` (logged, and the map simply has
    no base map)."""
    url = instellingen.waarde(ACHTERGRONDKAART_INSTELLING, secrets, PDOK_ACHTERGRONDKAART)
    if url.strip().lower() == ACHTERGRONDKAART_UIT:
        return None
    if not is_tegel_url(url):
        log.warning("Instelling %s is geen tegel-URL (http(s) met {z}, {x} en {y}): %r; "
                    "de kaart blijft zonder achtergrondkaart", ACHTERGRONDKAART_INSTELLING, url)
        return None
    return url


def is_tegel_url(url: str) -> bool:
    """An http(s) URL template with ``{z}``, ``{x}`` and ``{y}``, without spaces or quotes."""
    return (re.fullmatch(r"https?://[^\s\"'<>]+", url) is not None
            and all(part in url for part in ("{z}", "{x}", "{y}")))


# Where the browser tries one tile before the base map is shown: the middle of the country
# at a zoom every Dutch tile service has.
PROEFTEGEL_PLEK = (52.15, 5.38, 8)


def proeftegel(url: str, plek: tuple[float, float, int] = PROEFTEGEL_PLEK) -> str:
    """The address of the one tile of ``url`` (an XYZ template) that holds ``plek``
    (lat, lon, zoom), in the Web Mercator tiling every XYZ service uses."""
    lat, lon, zoom = plek
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n)
    return url.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))


def achtergrond_laag(url: str) -> dict:
    """The base map as a plotly map layer: raster tiles below every trace, credited."""
    return {"sourcetype": "raster", "source": [url], "below": "traces",
            "sourceattribution": ACHTERGRONDKAART_BRON, "opacity": ACHTERGROND_OPACITY,
            "name": "achtergrondkaart"}


def heeft_achtergrond(fig: go.Figure) -> bool:
    return any(layer.sourcetype == "raster" for layer in (fig.layout.map.layers or ()))


def zonder_achtergrond(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` without raster layers, for images made on the server (kaleido):
    there a tile that never arrives could hold up or spoil the PNG, and the server is not
    the one that fetches tiles. Polygons and points stay exactly as they are."""
    out = go.Figure(fig)
    if heeft_achtergrond(out):
        out.layout.map.layers = [layer for layer in out.layout.map.layers
                                 if layer.sourcetype != "raster"]
    return out


def choropleth(geojson: dict | str, cijfers: pd.DataFrame, column: str, *, indicator: str,
               view: dict, initiatieven: pd.DataFrame | None = None,
               kleur_op: str = "wij_type", height: int = 560, font_size: int = 14,
               highlight: str | None = None, verschil: bool = False,
               achtergrond: str | None = None) -> go.Figure:
    """The buurt (or wijk) map of ``column`` with initiatives as points on top.

    ``verschil``: ``column`` holds each area's difference from its gemeente's average
    (:func:`wijkdata.compute.formulas.verschil_met_gemeente`), drawn on a diverging scale
    with white at the average.

    ``cijfers`` needs ``code``, ``naam`` and ``column``; its rows decide which areas of
    ``geojson`` are drawn. ``geojson`` is a FeatureCollection or the URL of a prepared file
    (:mod:`wijkdata.draw.kaartcache`), which the browser fetches once instead of receiving the
    borders with every rerun.

    ``achtergrond``: the tile URL of a base map (:func:`achtergrondkaart_url`) drawn under
    the buurten, or None for none. The fills are then a little lighter and the outlines
    dark, so the colours stay readable over it.
    """
    info = INDICATOREN.get(indicator)
    unit = info.unit if info else ""
    label = info.label if info else column
    # The one rounding rule (wijkdata.formatting), by the indicator's unit where known.
    rule = indicator if info else column
    # ±inf is no measurement either: it would colour an area as if it were extreme.
    numbers = pd.to_numeric(cijfers[column], errors="coerce").astype(float)
    has = pd.Series(np.isfinite(numbers.to_numpy()), index=cijfers.index)
    fig = go.Figure()
    values = cijfers.loc[has]
    if verschil:
        text = [f"{naam_of_code(naam, code)}<br>{label}: {fmt_verschil(v)} t.o.v. het "
                "gemeentegemiddelde"
                for naam, code, v in zip(values["naam"], values["code"], values[column])]
        title = f"{label}: verschil met<br>het gemeentegemiddelde<br>(procentpunt)"
    else:
        text = [f"{naam_of_code(naam, code)}<br>{label}: {fmt_kolom(rule, v)}"
                for naam, code, v in zip(values["naam"], values["code"], values[column])]
        title = f"{label} ({unit})" if unit else label
    # White outlines separate the buurten of a gemeente; for thousands of areas (the whole
    # country) they are thinner than a pixel, only whiten the map and cost about a second of
    # drawing in the browser, so they are left out there.
    outline = 0.8 if len(cijfers) <= OUTLINE_MAX_AREAS else 0
    if len(values):
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=values["code"], z=numbers[has],
            featureidkey="id", colorscale=DIVERGING if verschil else SCALE,
            zmid=0 if verschil else None,
            marker={"line": {"width": outline,
                             "color": OUTLINE_COLOUR_ACHTERGROND if achtergrond
                             else OUTLINE_COLOUR},
                    "opacity": FILL_OPACITY_ACHTERGROND if achtergrond else FILL_OPACITY},
            colorbar={"title": {"text": title,
                                "font": {"size": font_size}}, "tickfont": {"size": font_size},
                      "ticksuffix": "%" if unit == "%" and not verschil else "", "len": 0.55,
                      "thickness": 18, "x": MAP_WIDTH + 0.02, "xanchor": "left",
                      "y": 0.9, "yanchor": "top"},
            text=text, hovertemplate="%{text}<extra></extra>", name=label, showlegend=False))
    missing = cijfers.loc[~has]
    if len(missing):
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=missing["code"], z=np.zeros(len(missing)),
            featureidkey="id", colorscale=[[0, MISSING_COLOUR], [1, MISSING_COLOUR]],
            showscale=False, marker={"line": {"width": 1.5, "color": "#636363"}, "opacity": 0.9},
            text=[f"{naam_of_code(n, c)}<br>{label}: {GEEN_GEGEVENS}"
                  for n, c in zip(missing["naam"], missing["code"])],
            hovertemplate="%{text}<extra></extra>", name="geen gegevens", showlegend=True))
    if highlight is not None and (cijfers["code"] == highlight).any():
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[highlight], z=[0], featureidkey="id",
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker={"line": {"width": 4, "color": "#000000"}}, hoverinfo="skip",
            name="gekozen buurt", showlegend=True))
    if initiatieven is not None and len(initiatieven):
        add_initiatief_points(fig, initiatieven, kleur_op, size=max(10, round(font_size * 0.7)))
    layers = [achtergrond_laag(achtergrond)] if achtergrond else []
    fig.update_layout(
        map={"style": "white-bg", "domain": {"x": [0, MAP_WIDTH], "y": [0, 1]},
             "layers": layers, **view},
        height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
        font={"family": FONT, "size": font_size, "color": "#111111"},
        separators=SEPARATORS,
        legend={"font": {"size": font_size}, "orientation": "v", "yanchor": "bottom", "y": 0.0,
                "x": MAP_WIDTH + 0.02, "xanchor": "left"},
        clickmode="event+select", uirevision="kaart")
    return fig


# Outlines of the witte vlekken: zeker thick black, mogelijk thinner orange (Okabe–Ito), so
# the two differ in lightness and width too, not in hue alone.
VLEK_RANDEN = {"zeker": ("witte vlek, zeker (zwarte rand)", "#000000", 4.5),
               "mogelijk": ("witte vlek, mogelijk (oranje rand)", "#E69F00", 3.0)}


def add_witte_vlekken(fig: go.Figure, geojson: dict | str, cijfers: pd.DataFrame, *,
                      code: str = "buurtcode") -> go.Figure:
    """Outline the witte vlekken of ``cijfers`` (the per-buurt table: ``code``,
    ``witte_vlek``, ``witte_vlek_zekerheid``) on a map of buurten, zeker and mogelijk told
    apart by colour and width; a legend entry each."""
    vlek = cijfers["witte_vlek"].fillna(False).astype(bool)
    for zekerheid, (name, colour, width) in VLEK_RANDEN.items():
        is_zeker = cijfers["witte_vlek_zekerheid"] == "zeker"
        rows = cijfers[vlek & (is_zeker if zekerheid == "zeker" else ~is_zeker)]
        if rows.empty:
            continue
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=list(rows[code]), z=[0] * len(rows), featureidkey="id",
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker={"line": {"width": width, "color": colour}}, hoverinfo="skip",
            name=f"{name}: {len(rows)}", showlegend=True))
    return fig


def add_initiatief_points(fig: go.Figure, initiatieven: gpd.GeoDataFrame, kleur_op: str,
                          size: int = 10) -> None:
    """One scatter trace per wij-type (or activity); hover shows name, activity and target
    group, and where the list has them its source (``bron``) and when it was last confirmed
    (``laatst_bevestigd``) — never contact details. Text goes in as data, which plotly
    renders as text."""
    points = initiatieven[initiatieven.geometry.notna()].to_crs(WGS84)
    colours = WIJ_TYPE_COLOURS if kleur_op == "wij_type" else ACTIVITEIT_COLOURS
    for value, colour in colours.items():
        group = points[points[kleur_op] == value]
        if group.empty:
            continue
        hover = [
            f"{plain_label(n) or 'initiatief zonder naam'}<br>{label_tekst(a)} · {label_tekst(w)}"
            f"<br>voor: {label_tekst(d)}" + ("<br>(locatie op buurtniveau)" if _ja(b) else "")
            + herkomst_tekst(bron, datum)
            for n, a, w, d, b, bron, datum in zip(
                group["naam"], group["activiteit"], group["wij_type"], group["doelgroepen"],
                group["op_buurtniveau"], _kolom(group, "bron"), _kolom(group, "laatst_bevestigd"))
        ]
        fig.add_trace(go.Scattermap(
            lat=group.geometry.y, lon=group.geometry.x, mode="markers",
            marker={"size": size, "color": colour}, name=f"{value}",
            text=hover, hovertemplate="%{text}<extra></extra>",
            legendgroup="initiatieven", legendgrouptitle={"text": "Initiatieven"}))


def _kolom(frame: pd.DataFrame, column: str):
    """The column's values, or missing values where an older frame lacks the column."""
    return frame[column] if column in frame else [None] * len(frame)


def herkomst_tekst(bron, datum) -> str:
    """'<br>bron: ... · bevestigd: 05-08-2024' for the hover; a part that is missing is left
    out (never 'nan'), and nothing at all when both are."""
    delen = []
    naam = "" if is_missing(bron) else plain_label(bron).strip()
    if naam:
        delen.append(f"bron: {'melding van een inwoner' if naam == BRON_MELDING else naam}")
    dag = fmt_datum(_als_datum(datum))
    if dag:
        delen.append(f"laatst bevestigd: {dag}")
    return "<br>" + " · ".join(delen) if delen else ""


def _als_datum(value):
    # A date may come as text from an older store or a CSV; unreadable text counts as none.
    if isinstance(value, str):
        value = pd.to_datetime(value, errors="coerce")
    return value


def label_tekst(value) -> str:
    """Uploaded text for a label, "geen gegevens" when missing or blank."""
    return plain_label(value).strip() or GEEN_GEGEVENS


def naam_of_code(naam, code) -> str:
    """An area's name for a label; its code where no name is known."""
    return plain_label(naam).strip() or plain_label(code).strip() or GEEN_GEGEVENS


def _ja(value) -> bool:
    """True only for a real yes: NA (unknown) is no, and never raises as ``bool(pd.NA)``."""
    return not is_missing(value) and bool(value)


def clicked_code(selection) -> str | None:
    """The area code of the first clicked polygon in a plotly selection event, if any.

    Streamlit passes ``{"selection": {"points": [{"location": code, ...}, ...]}}``; points
    of the initiative layer have no ``location`` and are ignored.
    """
    try:
        points = selection["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        code = point.get("location") if isinstance(point, dict) else None
        if code:
            return str(code)
    return None
