"""Plotly charts (not maps): intervals, trends, age groups, the quadrant, counts.

Every chart goes with a table of the same numbers on the page. Fonts and line widths are
parameters so the council mode can scale them up.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wijkdata.draw.kaart import FONT, SEPARATORS, label_tekst, naam_of_code
from wijkdata.escaping import plain_label
from wijkdata.formatting import GEEN_GEGEVENS, fmt_getal, fmt_interval, fmt_kolom, fmt_pct
from wijkdata.model.schema import (
    BEREIK_M,
    BINNEN_BEREIK_PER_1000,
    BUURTCODE,
    BUURTNAAM,
    GEMEENTECODE,
    GRENS_AANBOD,
    GRENS_EENZAAM,
    KWADRANT,
    PER_1000,
    WITTE_VLEK,
    ZEKERHEID,
    bovengrens,
    ondergrens,
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


# The four boxes of the quadrant, the witte vlek split by certainty: shape and colour both
# differ (filled vs open diamond; Okabe–Ito vermilion vs reddish purple), so the two read
# apart in grey print and with colour-vision deficiencies.
QUADRANT_GROEPEN = [
    # (legend name, kwadrant, zekerheid, colour, symbol)
    ("witte vlek, zeker", "witte vlek", "zeker", "#D55E00", "diamond"),
    ("witte vlek, mogelijk", "witte vlek", "mogelijk", "#CC79A7", "diamond-open"),
    ("veel eenzaamheid, wel aanbod", "eenzaam, wel aanbod", None, "#E69F00", "circle"),
    ("minder eenzaam, weinig aanbod", "minder eenzaam, weinig aanbod", None, "#56B4E9",
     "square"),
    ("minder eenzaam, wel aanbod", "minder eenzaam, wel aanbod", None, "#009E73", "circle"),
]


def quadrant_chart(cijfers: pd.DataFrame, eenzaam: str, label: str, *, height: int = 520,
                   font_size: int = 14, marker_size: int = 11, line_width: float = 2,
                   highlight=(), intervallen: bool = False) -> go.Figure:
    """Loneliness × initiatives within reach per 1,000, with the two cuts and the witte-vlek
    box shaded.

    ``cijfers`` is the per-buurt table (:data:`~wijkdata.model.schema.BUURTCIJFERS_SCHEMA`);
    ``eenzaam`` its loneliness column, ``schema.pct(key)``. Only rated buurten are drawn
    (``witte_vlek`` not empty; the page says how many are not rated and why). Buurten with
    no initiative within reach (x = 0, often most of them) are spread across a grey band at
    0 labelled with their count, so ties do not stack into one dot. Zeker and mogelijk
    witte vlekken differ in shape and colour; ``intervallen`` adds the 95% intervals.
    """
    x_col = BINNEN_BEREIK_PER_1000 if BINNEN_BEREIK_PER_1000 in cijfers else PER_1000
    rated = cijfers[WITTE_VLEK].notna() if WITTE_VLEK in cijfers else cijfers[KWADRANT].notna()
    known = cijfers[rated & cijfers[eenzaam].notna() & cijfers[x_col].notna()]
    x_max = float(known[x_col].max()) if len(known) else 1.0
    op_nul = known[x_col] == 0
    nul = int(op_nul.sum())
    # Half the width of the band at x = 0, in data units: wider when more buurten share it
    # (in a gemeente of 200+ buurten most can sit there), so their markers stay apart.
    kolommen = _band_kolommen(known.loc[op_nul, eenzaam])
    half = max(x_max, 1.0) * 0.007 * kolommen
    x_plot = _spreid_nullen(known, x_col, eenzaam, half, kolommen)
    bereik = known[BEREIK_M].dropna().iloc[0] if BEREIK_M in known and \
        known[BEREIK_M].notna().any() else None
    key = eenzaam.removesuffix("_pct")
    onder, boven = ondergrens(key), bovengrens(key)
    fig = go.Figure()
    zekerheid = known[ZEKERHEID] if ZEKERHEID in known else pd.Series(None, index=known.index)
    # Drawn last-to-first so the witte vlekken lie on top (zeker over mogelijk); the
    # legend keeps the list's order.
    for rank, (name, kwadrant, zeker, colour, symbol) in reversed(
            list(enumerate(QUADRANT_GROEPEN))):
        mask = known[KWADRANT] == kwadrant
        if zeker == "mogelijk":
            mask &= zekerheid != "zeker"
        elif zeker == "zeker":
            mask &= zekerheid == "zeker"
        rows = known[mask]
        if rows.empty:
            continue
        open_ = symbol.endswith("-open")
        trace = go.Scatter(
            x=x_plot[mask], y=rows[eenzaam], mode="markers", name=name, legendrank=rank,
            marker={"size": marker_size + (2 if kwadrant == "witte vlek" else 0),
                    "color": colour, "symbol": symbol,
                    "line": {"width": 2.5 if open_ else 1, "color": colour if open_ else "#222"}},
            text=[_hover(n, c, label, eenzaam, e, lo, hi, a, bereik)
                  for n, c, e, lo, hi, a in zip(
                      rows[BUURTNAAM], rows[BUURTCODE], rows[eenzaam],
                      rows[onder] if onder in rows else [None] * len(rows),
                      rows[boven] if boven in rows else [None] * len(rows), rows[x_col])],
            customdata=rows[BUURTCODE], hovertemplate="%{text}<extra></extra>")
        if intervallen and onder in rows and boven in rows:
            trace.error_y = {"type": "data", "symmetric": False, "thickness": 1,
                             "color": colour, "width": 0,
                             "array": (rows[boven] - rows[eenzaam]).to_numpy(),
                             "arrayminus": (rows[eenzaam] - rows[onder]).to_numpy()}
        fig.add_trace(trace)
    several = GEMEENTECODE in known and known[GEMEENTECODE].nunique() > 1
    if nul:
        fig.add_shape(type="rect", xref="x", yref="paper", layer="below", line={"width": 0},
                      x0=-2.2 * half, x1=-0.2 * half, y0=0, y1=1,
                      fillcolor="rgba(0,0,0,0.07)")
        binnen = f" binnen {fmt_getal(bereik)} m" if bereik is not None else " binnen bereik"
        woord = "buurt" if nul == 1 else "buurten"
        # Above the plot area: inside it the supply cut's line would cross the text.
        fig.add_annotation(x=-2.2 * half, y=1.0, xref="x", yref="paper", xanchor="left",
                           yanchor="bottom", showarrow=False, align="left",
                           font={"size": font_size - 1, "color": "#333"},
                           text=f"{fmt_getal(nul)} {woord} zonder initiatief{binnen}")
    if several:
        # Each gemeente has its own thresholds: one pair of lines would mislead.
        fig.add_annotation(x=1, y=1.02, xref="paper", yref="paper", showarrow=False,
                           xanchor="right", yanchor="bottom",
                           text="De grenzen verschillen per gemeente; kies een gemeente om ze "
                                "te zien.")
    if len(known) and not several:
        grens_e = known[GRENS_EENZAAM].iloc[0]
        grens_a = known[GRENS_AANBOD].iloc[0]
        # The witte-vlek box is shaded, so the logic is visible at a glance; with a cut of 0
        # it is the band of buurten without any initiative within reach.
        fig.add_shape(type="rect", xref="x", yref="y", layer="below", line={"width": 0},
                      x0=-1e6, x1=max(grens_a, 0),
                      y0=grens_e, y1=1e6, fillcolor="rgba(213,94,0,0.12)")
        fig.add_hline(y=grens_e, line={"dash": "dash", "width": line_width, "color": "#444"},
                      annotation_text=f"grens eenzaamheid {fmt_kolom(GRENS_EENZAAM, grens_e)}",
                      annotation_position="top right", annotation_font_size=font_size)
        if grens_a > 0:
            fig.add_vline(x=grens_a, line={"dash": "dash", "width": line_width, "color": "#444"},
                          annotation_text=f"grens aanbod {fmt_kolom(GRENS_AANBOD, grens_a)}",
                          annotation_position="bottom right", annotation_font_size=font_size)
        y_lo = known[onder] if intervallen and onder in known else known[eenzaam]
        y_hi = known[boven] if intervallen and boven in known else known[eenzaam]
        y_min = float(pd.concat([y_lo, known[eenzaam]]).min())
        y_max = float(pd.concat([y_hi, known[eenzaam]]).max())
        pad_y = max((y_max - y_min) * 0.08, 1.0)
        fig.update_xaxes(range=[-2.6 * half, x_max * 1.05 + half])
        fig.update_yaxes(range=[y_min - pad_y, y_max + pad_y])
    for code in highlight:
        hit = known[BUURTCODE] == code
        if hit.any():
            row = known[hit]
            fig.add_annotation(x=x_plot[hit].iloc[0], y=row[eenzaam].iloc[0],
                               text=naam_of_code(row[BUURTNAAM].iloc[0], code),
                               showarrow=True, arrowhead=2)
    titel = "Initiatieven binnen bereik per 1.000 inwoners" if x_col != PER_1000 else \
        "Initiatieven per 1.000 inwoners"
    if bereik is not None:
        titel = f"Initiatieven binnen {fmt_getal(bereik)} m per 1.000 inwoners"
    fig.update_xaxes(title=titel, zeroline=False)
    fig.update_yaxes(title=f"{label} (%)", ticksuffix="%")
    _layout(fig, height=height, font_size=font_size,
            legend={"orientation": "h", "y": -0.2, "title": {"text": ""}})
    if nul or several:
        # Room above the plot for the band's count and the note on the cuts.
        fig.update_layout(margin_t=20 + 2 * font_size)
    return fig


def _band_kolommen(y: pd.Series) -> int:
    """Columns in the band at 0 for buurten with loneliness ``y``: as many as buurten share
    one value (RIVM publishes whole percents, so a large gemeente has ten or more on one),
    so ties sit side by side; at least 5, at most 15, always odd, so a stride of 2 visits
    every column."""
    ties = int(y.value_counts().max()) if len(y) else 0
    return min(15, max(5, ties + (ties % 2 == 0)))


def _spreid_nullen(known: pd.DataFrame, x_col: str, y_col: str, half: float,
                   kolommen: int) -> pd.Series:
    """x to draw: buurten at exactly 0 are spread over a band just left of the axis'
    0 (from −2,2 × half to −0,2 × half), by their rank on y, so ties stay visible and never
    mix with buurten that have a little supply; the order is fixed (no randomness), the
    hover keeps the real 0."""
    x = known[x_col].astype(float).copy()
    nul = x == 0
    if nul.any():
        order = known.loc[nul, y_col].rank(method="first").astype(int) - 1
        # ``kolommen`` columns across the band; neighbours on y go to different columns.
        midden = (kolommen - 1) / 2
        offsets = ((order * 2) % kolommen - midden) / midden * half * 0.72
        x[nul] = (-1.2 * half + offsets).astype(float)
    return x


def _hover(naam, code, label, eenzaam, waarde, onder, boven, aanbod, bereik) -> str:
    text = f"{naam_of_code(naam, code)}<br>{label}: {fmt_kolom(eenzaam, waarde)}"
    interval = fmt_interval(onder, boven) if onder is not None and boven is not None else ""
    if interval:
        text += f" {interval}"
    binnen = f" binnen {fmt_getal(bereik)} m" if bereik is not None else ""
    return text + f"<br>{fmt_kolom(PER_1000, aanbod)} per 1.000{binnen}"


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
