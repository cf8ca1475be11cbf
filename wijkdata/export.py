"""Tables for download and for the command line: never personal data, never a formula.

CSV exports are UTF-8, comma-separated, with '.' as decimal mark and an empty cell for a
missing value, so other software reads them without guessing. XLSX exports are for people.
"""
from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd

from .columns import PERSOONSGEGEVENS_COLUMNS
from .readers.initiatieven import neutralise_formula

BUURT_EXPORT_COLUMNS = [
    "buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "inwoners",
    "eenzaam_pct", "eenzaam_ondergrens", "eenzaam_bovengrens", "ernstig_eenzaam_pct",
    "initiatieven", "initiatieven_per_1000", "afstand_initiatief_m", "witte_vlek",
    "wijknaam", "ernstig_eenzaam_ondergrens", "ernstig_eenzaam_bovengrens",
    "emotioneel_eenzaam_pct", "sociaal_eenzaam_pct", "pct_65plus",
    "pct_eenpersoonshuishoudens", "grens_eenzaam", "grens_aanbod", "periode", "leeftijd",
]
INITIATIEF_EXPORT_COLUMNS = [
    "naam", "omschrijving", "activiteit", "wij_type", "doelgroepen", "frequentie",
    "startdatum", "einddatum", "organisator", "buurtcode", "wijkcode", "gemeentecode",
    "lat", "lon", "op_buurtniveau",
]
def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop personal-data columns and neutralise formula text in every text column."""
    frame = frame.drop(columns=[c for c in PERSOONSGEGEVENS_COLUMNS if c in frame.columns])
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            # Only text: a number such as -3.5 is data, not a formula.
            frame[column] = frame[column].map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else v)
    return frame


def buurten_table(buurtcijfers: pd.DataFrame) -> pd.DataFrame:
    """The per-buurt export: the contract columns first, then the extra ones."""
    columns = [c for c in BUURT_EXPORT_COLUMNS if c in buurtcijfers.columns]
    table = buurtcijfers[columns].copy()
    table["initiatieven_per_1000"] = table["initiatieven_per_1000"].round(3)
    table["afstand_initiatief_m"] = table["afstand_initiatief_m"].round(0)
    return safe_table(table)


def initiatieven_table(initiatieven: pd.DataFrame) -> pd.DataFrame:
    """The initiatives without personal data; a hidden location is given at buurt level only
    (no coordinates)."""
    table = pd.DataFrame({c: initiatieven[c] if c in initiatieven else None
                          for c in INITIATIEF_EXPORT_COLUMNS}, index=initiatieven.index)
    hidden = table["op_buurtniveau"].fillna(False).astype(bool)
    table.loc[hidden, ["lat", "lon"]] = None
    for column in ("startdatum", "einddatum"):
        table[column] = pd.to_datetime(table[column], errors="coerce").dt.strftime("%Y-%m-%d")
    return safe_table(table.reset_index(drop=True))


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    out = table.copy()
    for column in out.columns:
        if str(out[column].dtype) == "boolean" or out[column].dtype == bool:
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
    return out.to_csv(index=False, sep=",", decimal=".", na_rep="").encode("utf-8")


def to_xlsx_bytes(table: pd.DataFrame, sheet: str = "Gegevens") -> bytes:
    out = table.copy()
    for column in out.columns:
        if str(out[column].dtype) == "boolean":
            out[column] = out[column].map(lambda v: None if pd.isna(v) else ("ja" if v else "nee"))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def to_geojson_bytes(table: pd.DataFrame, geometry: gpd.GeoSeries) -> bytes:
    """GeoJSON in EPSG:4326 (RFC 7946) with the table's columns as properties."""
    frame = gpd.GeoDataFrame(table.reset_index(drop=True),
                             geometry=geometry.reset_index(drop=True), crs=geometry.crs)
    frame = frame.to_crs("EPSG:4326")
    for column in frame.columns:
        if str(frame[column].dtype) == "boolean":
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return json.dumps(json.loads(frame.to_json(na="null", drop_id=True)),
                      ensure_ascii=False).encode("utf-8")
