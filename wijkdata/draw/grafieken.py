"""Plotly charts (not maps): intervals, trends, age groups, the quadrant, counts.

Every chart goes with a table of the same numbers on the page. Fonts and line widths are
parameters so the council mode can scale them up.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wijkdata.draw.kaart import FONT, SEPARATORS, label_tekst, naam_of_code
from wijkdata.escaping import plain_label
from wijkdata.formatting import GEEN_GEGEVENS, fmt_kolom, fmt_pct
from wijkdata.model.schema import (
    BUURTCODE,
    BUURTNAAM,
    GEMEENTECODE,
    GRENS_AANBOD,
    GRENS_EENZAAM,
    KWADRANT,
    PER_1000,
)

# Okabe–Ito, safe with colour-vision deficiencies.
AREA_COLOURS = {"Buurt": "#D55E00", "Wijk": "#E69F00", "Gemeente": "#0072B2",
                "Nederland": "#000000"}
QUADRANT_COLOURS = {"witte vlek": "#D55E00", "eenzaam, wel aanbod": "#E69F00",
                    "minder eenzaam, weinig aanbod": "#56B4E9",
                    "minder eenzaam, wel aanbod": "#009E73", "onbekend": "#999999"}


def _layout(fig: go.Figure, *, height: int, font_size: int, title: str | None = None,
            **extra) -> go.Figure:
    fig.update_layout(height=height, font={"family": FONT, "size": font_size, "color": "#111111"},
                      legend_font={"size": font_size},
                      margin={"l": 20, "r": 20, "t": 50 if title else 20, "b": 20},
                      title={"text": title} if title else None, plot_bgcolor="white",
                      paper_bgcolor="white", separators=SEPARATORS, **extra)
    for update in (fig.update_xaxes, fig.update_yaxes):
        update(showline=True, linecolor="#444", gridcolor="#e5e5e5", automargin=True,
               tickfont={"size": font_size}, title_font={"size": font_size})
    return fig


def interval_chart(profiel: pd.DataFrame, indicators: list[str], *, height: int = 320,
                   font_size: int = 14, marker_size: int = 13,
                   line_width: float = 2.5) -> go.Figure:
    """Dots with 95% interval bars: buurt, wijk, gemeente, Nederland per indicator."""
    rows = profiel[profiel["indicator"].isin(indicators)]
    fig = go.Figure()
    levels = [("buurt", "Buurt"), ("wijk", "Wijk"), ("gemeente", "Gemeente"),
              ("nederland", "Nederland")]
    for level, label in levels:
        if rows[level].isna().all():
            continue
        value = rows[level]
        fig.add_trace(go.Scatter(
            y=rows["label"], x=value, mode="markers", name=label,
            marker={"size": marker_size, "color": AREA_COLOURS[label],
                    "symbol": {"buurt": "circle", "wijk": "diamond", "gemeente": "square",
                               "nederland": "x"}[level]},
            error_x={"type": "data", "symmetric": False, "thickness": line_width,
                     "array": (rows[f"{level}_boven"] - value).to_numpy(),
                     "arrayminus": (value - rows[f"{level}_onder"]).to_numpy()},
            text=[fmt_pct(v) for v in value], hovertemplate=f"{label}: %{{text}}<extra></extra>"))
    fig.update_xaxes(ticksuffix="%", rangemode="tozero", title="Percentage, met 95%-interval")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height=height, font_size=font_size,
                   legend={"orientation": "h", "y": -0.25})


def trend_chart(trend: pd.DataFrame, label: str, *, height: int = 320,
                font_size: int = 14) -> go.Figure:
    """Lines per area over the periods, with the 95% interval as a band."""
    fig = go.Figure()
    for gebied, rows in trend.groupby("gebied", sort=False):
        colour = AREA_COLOURS.get(gebied, "#444")
        if rows["ondergrens"].notna().all() and len(rows) > 1:
            fig.add_trace(go.Scatter(
                x=list(rows["periode"]) + list(rows["periode"][::-1]),
                y=list(rows["bovengrens"]) + list(rows["ondergrens"][::-1]),
                fill="toself", fillcolor=_alpha(colour, 0.15), line={"width": 0},
                hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(
            x=rows["periode"], y=rows["waarde"], mode="lines+markers", name=plain_label(gebied),
            line={"color": colour, "width": 3}, marker={"size": 9},
            error_y={"type": "data", "symmetric": False, "thickness": 1.5,
                     "array": (rows["bovengrens"] - rows["waarde"]).to_numpy(),
                     "arrayminus": (rows["waarde"] - rows["ondergrens"]).to_numpy()},
            text=[fmt_pct(v) for v in rows["waarde"]],
            hovertemplate=f"{plain_label(gebied)} %{{x}}: %{{text}}<extra></extra>"))
    fig.update_xaxes(tickmode="array", tickvals=sorted(trend["periode"].unique()),
                     title="Jaar")
    fig.update_yaxes(ticksuffix="%", title=label)
    return _layout(fig, height=height, font_size=font_size,
                   legend={"orientation": "h", "y": -0.3})


def leeftijd_chart(groepen: pd.DataFrame, label: str, *, height: int = 280,
                   font_size: int = 14) -> go.Figure:
    """Bars per age group with 95% intervals; a missing value has no bar and says so."""
    fig = go.Figure(go.Bar(
        x=groepen["leeftijd"], y=groepen["waarde"], marker_color="#756bb1",
        error_y={"type": "data", "symmetric": False, "thickness": 2,
                 "array": (groepen["bovengrens"] - groepen["waarde"]).to_numpy(),
                 "arrayminus": (groepen["waarde"] - groepen["ondergrens"]).to_numpy()},
        text=[fmt_pct(v) for v in groepen["waarde"]], textposition="inside",
        insidetextanchor="start", textfont={"color": "white"},
        hovertemplate="%{x}: %{text}<extra></extra>"))
    for leeftijd, waarde in zip(groepen["leeftijd"], groepen["waarde"]):
        if pd.isna(waarde):
            # No bar to carry the text: the gap is named where the bar would stand.
            fig.add_annotation(x=leeftijd, y=0, yanchor="bottom", showarrow=False,
                               text=GEEN_GEGEVENS, font={"size": font_size, "color": "#444"})
    fig.update_yaxes(ticksuffix="%", title=label, rangemode="tozero")
    return _layout(fig, height=height, font_size=font_size)


def quadrant_chart(cijfers: pd.DataFrame, eenzaam: str, label: str, *, height: int = 520,
                   font_size: int = 14, marker_size: int = 11, line_width: float = 2,
                   highlight=()) -> go.Figure:
    """Loneliness × initiatives per 1,000, with the threshold lines and the four quadrants.

    ``cijfers`` is the per-buurt table (:data:`~wijkdata.model.schema.BUURTCIJFERS_SCHEMA`);
    ``eenzaam`` its loneliness column, ``schema.pct(key)``.

    Buurten without one of the two figures are left out and counted in the title note.
    """
    known = cijfers[cijfers[eenzaam].notna() & cijfers[PER_1000].notna()]
    fig = go.Figure()
    for kwadrant, colour in QUADRANT_COLOURS.items():
        rows = known[known[KWADRANT] == kwadrant]
        if rows.empty:
            continue
        fig.add_trace(go.Scatter(
            x=rows[PER_1000], y=rows[eenzaam], mode="markers", name=kwadrant,
            marker={"size": marker_size, "color": colour, "line": {"width": 1, "color": "#222"},
                    "symbol": "diamond" if kwadrant == "witte vlek" else "circle"},
            text=[f"{naam_of_code(n, c)}<br>{label}: {fmt_kolom(eenzaam, e)}<br>"
                  f"{fmt_kolom(PER_1000, p)} per 1.000"
                  for n, c, e, p in zip(rows[BUURTNAAM], rows[BUURTCODE], rows[eenzaam],
                                        rows[PER_1000])],
            customdata=rows[BUURTCODE], hovertemplate="%{text}<extra></extra>"))
    several = GEMEENTECODE in known and known[GEMEENTECODE].nunique() > 1
    if several:
        # Each gemeente has its own thresholds: one pair of lines would mislead.
        fig.add_annotation(x=1, y=1.02, xref="paper", yref="paper", showarrow=False,
                           xanchor="right", yanchor="bottom",
                           text="De grenzen verschillen per gemeente; kies een gemeente om ze "
                                "te zien.")
    if len(known) and not several:
        grens_e = known[GRENS_EENZAAM].iloc[0]
        grens_a = known[GRENS_AANBOD].iloc[0]
        # The witte-vlek quadrant is shaded, so the logic is visible at a glance.
        fig.add_shape(type="rect", xref="x", yref="y", layer="below", line={"width": 0},
                      x0=-1e6, x1=grens_a, y0=grens_e, y1=1e6, fillcolor="rgba(213,94,0,0.10)")
        fig.add_hline(y=grens_e, line={"dash": "dash", "width": line_width, "color": "#444"},
                      annotation_text=f"grens eenzaamheid {fmt_kolom(GRENS_EENZAAM, grens_e)}",
                      annotation_position="top right", annotation_font_size=font_size)
        fig.add_vline(x=grens_a, line={"dash": "dash", "width": line_width, "color": "#444"},
                      annotation_text=f"grens aanbod {fmt_kolom(GRENS_AANBOD, grens_a)}",
                      annotation_position="bottom right", annotation_font_size=font_size)
        x_max = float(known[PER_1000].max())
        y_min, y_max = float(known[eenzaam].min()), float(known[eenzaam].max())
        pad_y = max((y_max - y_min) * 0.08, 1.0)
        fig.update_xaxes(range=[-0.04 * max(x_max, 1), x_max * 1.05 + 0.1])
        fig.update_yaxes(range=[y_min - pad_y, y_max + pad_y])
    for code in highlight:
        row = known[known[BUURTCODE] == code]
        if len(row):
            fig.add_annotation(x=row[PER_1000].iloc[0], y=row[eenzaam].iloc[0],
                               text=naam_of_code(row[BUURTNAAM].iloc[0], code),
                               showarrow=True,
                               arrowhead=2)
    fig.update_xaxes(title="Initiatieven per 1.000 inwoners", zeroline=False)
    fig.update_yaxes(title=f"{label} (%)", ticksuffix="%")
    return _layout(fig, height=height, font_size=font_size,
                   legend={"orientation": "h", "y": -0.2})


def count_chart(tellingen: pd.DataFrame, by: str, label: str, *, height: int = 300,
                font_size: int = 14) -> go.Figure:
    """Horizontal bars of ``tellingen`` (columns ``by`` and ``aantal``), the count written
    at each bar; an unnamed category reads "geen gegevens"."""
    rows = tellingen.sort_values("aantal")
    texts = [fmt_kolom("aantal", v) for v in rows["aantal"]]
    fig = go.Figure(go.Bar(x=rows["aantal"], y=[label_tekst(v) for v in rows[by]],
                           orientation="h", marker_color="#54278f", text=texts,
                           textposition="outside", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(title="Aantal initiatieven", rangemode="tozero")
    fig.update_yaxes(title=label)
    return _layout(fig, height=height, font_size=font_size)


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
