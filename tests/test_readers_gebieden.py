"""Tests for wijkdata.readers.gebieden: every boundary format the analysts bring, built in
code as tiny files (a few 1 km squares near Almere in RD coordinates)."""
from __future__ import annotations

import io
import json
import math
import os
import random
import re
import struct
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.affinity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from tests import realshapes
from wijkdata.errors import WijkdataError
from wijkdata.model.schema import GEBIEDEN_COLUMNS
from wijkdata.readers import gebieden, read_file
from wijkdata.readers.gebieden import list_layers, looks_like_geo, read_gebieden

X0, Y0 = 140_000, 480_000


def square(i: int, size: float = 1000) -> Polygon:
    return box(X0 + i * 1000, Y0, X0 + i * 1000 + size, Y0 + size)


def bowtie(i: int) -> Polygon:
    """A ring that crosses itself: invalid, make_valid turns it into two triangles."""
    x, y = X0 + i * 1000, Y0
    return Polygon([(x, y), (x + 1000, y + 1000), (x + 1000, y), (x, y + 1000), (x, y)])


def new_buurten(**overrides) -> gpd.GeoDataFrame:
    """The buurten layer of a recent CBS Wijk- en buurtkaart (snake_case columns).

    Three land parts, and the water part of BU00340101.
    """
    columns = {
        "buurtcode": ["BU00340101", "BU00340102", "BU00340201", "BU00340101"],
        "buurtnaam": ["Centrum", "Haven", "Stad", "Centrum"],
        "wijkcode": ["WK003401", "WK003401", "WK003402", "WK003401"],
        "gemeentecode": ["GM0034", "GM0034", "GM0034", "GM0034"],
        "gemeentenaam": ["Almere", "Almere", "Almere", "Almere"],
        "water": ["NEE", "NEE", "NEE", "JA"],
        "aantal_inwoners": [1200, -99997, 800, -99997],
        "percentage_personen_65_jaar_en_ouder": [20, -99995, 15, -99997],
        "aantal_huishoudens": [600, 10, 400, -99997],
        "percentage_eenpersoonshuishoudens": [40, -99997, 30, -99997],
        "jrstatcode": ["2024BU00340101", "2024BU00340102", "2024BU00340201",
                       "2024BU00340101"],
        "jaar": [2024, 2024, 2024, 2024],
    }
    geometry = overrides.pop("geometry", [square(0), square(1), square(2), square(0, 200)])
    columns.update(overrides)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=28992)


def new_wijken() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"wijkcode": ["WK003401", "WK003402"], "wijknaam": ["Stadscentrum", "Stad"],
         "gemeentecode": ["GM0034", "GM0034"], "gemeentenaam": ["Almere", "Almere"],
         "water": ["NEE", "NEE"]},
        geometry=[box(X0, Y0, X0 + 2000, Y0 + 1000), square(2)], crs=28992)


def new_gemeenten() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"gemeentecode": ["GM0034"], "gemeentenaam": ["Almere"], "water": ["NEE"]},
        geometry=[box(X0, Y0, X0 + 3000, Y0 + 1000)], crs=28992)


def old_buurten() -> gpd.GeoDataFrame:
    """Older editions and shapefiles: upper-case columns, -99999999 for missing."""
    return gpd.GeoDataFrame(
        {"BU_CODE": ["BU00340101", "BU00340102"], "BU_NAAM": ["Centrum", "Haven"],
         "WK_CODE": ["WK003401", "WK003401"], "GM_CODE": ["GM0034", "GM0034"],
         "GM_NAAM": ["Almere", "Almere"], "WATER": ["NEE", "NEE"],
         "AANT_INW": [1200, -99999999], "AANTAL_HH": [600, -99999999],
         "P_65_EO_JR": [20, -99999999], "P_EENP_HH": [40, -99999999],
         "JRSTATCODE": ["2020BU00340101", "2020BU00340102"]},
        geometry=[square(0), square(1)], crs=28992)


def pdok() -> gpd.GeoDataFrame:
    """A PDOK gebiedsindeling: statcode etc., in lon/lat; only the buurtcode, so the wijk-
    and gemeentecode must be derived."""
    frame = gpd.GeoDataFrame(
        {"statcode": ["BU00340101", "BU00340102"], "statnaam": ["Centrum", "Hav\u00fen"],
         "jrstatcode": ["2024BU00340101", "2024BU00340102"], "rubriek": ["buurt", "buurt"],
         "id": [1, 2]},
        geometry=[square(0), square(1)], crs=28992)
    return frame.to_crs(4326)


def gpkg_bytes(tmp_path: Path, layers: dict[str, gpd.GeoDataFrame],
               name: str = "kaart.gpkg") -> bytes:
    path = tmp_path / name
    for layer, frame in layers.items():
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    return frame.to_json(drop_id=True).encode()


def shapefile_zip(tmp_path: Path, frame: gpd.GeoDataFrame, folder: str = "",
                  prj: bool = True, stem: str = "buurt_2020") -> bytes:
    out = tmp_path / "shp"
    out.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        frame.to_file(out / f"{stem}.shp", driver="ESRI Shapefile", engine="pyogrio")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in sorted(out.iterdir()):
            if part.stem != stem or (part.suffix == ".prj" and not prj):
                continue
            archive.write(part, f"{folder}{part.name}")
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def by_code(result) -> pd.DataFrame:
    return result.frame.set_index("code")


def messages(problems) -> str:
    return " | ".join(str(p) for p in problems)


@pytest.mark.parametrize("fmt, filename, expected_format, year", [
    ("new_gpkg", "wijkenbuurten_2024_v1.gpkg", "CBS Wijk- en buurtkaart (GeoPackage)", 2024),
    ("old_gpkg", "buurt_2020.gpkg", "CBS Wijk- en buurtkaart (GeoPackage)", 2020),
    ("old_shp_root", "buurt_2020.zip", "CBS Wijk- en buurtkaart (shapefile in zip)", 2020),
    ("old_shp_subfolder", "buurt_2020.zip", "CBS Wijk- en buurtkaart (shapefile in zip)",
     2020),
    ("pdok", "buurten.geojson", "PDOK gebiedsindeling (GeoJSON)", 2024),
])
def test_formats_read_to_the_same_areas(tmp_path, fmt, filename, expected_format, year):
    data = {
        "new_gpkg": lambda: gpkg_bytes(tmp_path, {"gemeenten": new_gemeenten(),
                                                  "wijken": new_wijken(),
                                                  "buurten": new_buurten()}),
        "old_gpkg": lambda: gpkg_bytes(tmp_path, {"buurt_2020": old_buurten()}),
        "old_shp_root": lambda: shapefile_zip(tmp_path, old_buurten()),
        "old_shp_subfolder": lambda: shapefile_zip(tmp_path, old_buurten(),
                                                   folder="WijkBuurtkaart_2020/"),
        "pdok": lambda: geojson_bytes(pdok()),
    }[fmt]()
    assert looks_like_geo(data, filename)

    result = read_gebieden(data, filename)

    assert result.kind == "buurten"
    assert result.source_format == expected_format
    assert result.rapport.ok, result.rapport.errors
    frame = result.frame
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs.to_epsg() == 28992
    assert list(frame.columns[:len(GEBIEDEN_COLUMNS)]) == GEBIEDEN_COLUMNS
    assert frame.geometry.name == "geometry"
    rows = by_code(result)
    assert rows.loc["BU00340101", "naam"] == "Centrum"
    assert rows.loc["BU00340101", "niveau"] == "buurt"
    assert rows.loc["BU00340101", "wijkcode"] == "WK003401"
    assert rows.loc["BU00340102", "gemeentecode"] == "GM0034"
    assert int(rows.loc["BU00340101", "periode"]) == year
    # 1 km² squares survive the round trip through lon/lat.
    assert rows.loc["BU00340101", "geometry"].area == pytest.approx(1_000_000, rel=1e-3)
    assert rows.loc["BU00340101", "geometry"].bounds[0] == pytest.approx(X0, abs=1)


def test_new_gpkg_water_missing_codes_context_and_wijknaam(tmp_path):
    data = gpkg_bytes(tmp_path, {"gemeenten": new_gemeenten(), "wijken": new_wijken(),
                                 "buurten": new_buurten()})

    result = read_gebieden(data, "wijkenbuurten_2024_v1.gpkg")

    assert result.rows == 4                      # the water part counts as read
    assert sorted(result.frame["code"]) == ["BU00340101", "BU00340102", "BU00340201"]
    assert "1 waterdeel is weggelaten" in messages(result.rapport.warnings)
    rows = by_code(result)
    # The land part was kept, not the 200 m water part with the same code.
    assert rows.loc["BU00340101", "geometry"].area == pytest.approx(1_000_000)
    assert rows.loc["BU00340101", "inwoners"] == 1200.0
    assert rows.loc["BU00340101", "pct_65plus"] == 20.0
    assert rows.loc["BU00340101", "huishoudens"] == 600.0
    assert rows.loc["BU00340101", "pct_eenpersoonshuishoudens"] == 40.0
    for column in ["inwoners", "pct_65plus", "pct_eenpersoonshuishoudens"]:
        assert math.isnan(rows.loc["BU00340102", column]), column
        assert result.frame[column].dtype == float
    assert rows.loc["BU00340102", "huishoudens"] == 10.0
    assert rows.loc["BU00340201", "gemeentenaam"] == "Almere"
    # The buurten layer has no wijknaam; it comes from the wijken layer of the same file.
    assert rows.loc["BU00340101", "wijknaam"] == "Stadscentrum"
    assert rows.loc["BU00340201", "wijknaam"] == "Stad"


def test_old_columns_negative_codes_are_missing(tmp_path):
    result = read_gebieden(shapefile_zip(tmp_path, old_buurten()), "buurt_2020.zip")

    rows = by_code(result)
    assert rows.loc["BU00340101", "inwoners"] == 1200.0
    assert rows.loc["BU00340102", ["inwoners", "huishoudens", "pct_65plus",
                                   "pct_eenpersoonshuishoudens"]].isna().all()


def test_truncated_shapefile_names_are_recognised(tmp_path):
    frame = new_buurten().drop(columns=["water", "jaar", "jrstatcode"]).iloc[:3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # the truncation warning is the point here
        data = shapefile_zip(tmp_path, frame, stem="buurten")
    rows = by_code(read_gebieden(data, "buurten.zip"))
    assert rows.loc["BU00340201", "gemeentenaam"] == "Almere"


@pytest.mark.parametrize("layer, niveau, code, naam, wijkcode, gemeentenaam", [
    ("buurten", "buurt", "BU00340101", "Centrum", "WK003401", "Almere"),
    ("wijken", "wijk", "WK003401", "Stadscentrum", "WK003401", "Almere"),
    ("gemeenten", "gemeente", "GM0034", "Almere", None, "Almere"),
])
def test_gpkg_layer_choice_sets_niveau(tmp_path, layer, niveau, code, naam, wijkcode,
                                       gemeentenaam):
    data = gpkg_bytes(tmp_path, {"gemeenten": new_gemeenten(), "wijken": new_wijken(),
                                 "buurten": new_buurten()})
    assert list_layers(data, "wijkenbuurten_2024_v1.gpkg") == ["gemeenten", "wijken",
                                                               "buurten"]

    result = read_gebieden(data, "wijkenbuurten_2024_v1.gpkg", layer=layer)

    rows = by_code(result)
    assert set(result.frame["niveau"]) == {niveau}
    assert rows.loc[code, "naam"] == naam
    assert rows.loc[code, "gemeentecode"] == "GM0034"
    assert rows.loc[code, "gemeentenaam"] == gemeentenaam
    if wijkcode is None:
        assert pd.isna(rows.loc[code, "wijkcode"])
    else:
        assert rows.loc[code, "wijkcode"] == wijkcode
    assert int(rows.loc[code, "periode"]) == 2024    # from the file name


def test_default_layer_is_the_only_one_or_by_name(tmp_path):
    data = gpkg_bytes(tmp_path, {"wijken": new_wijken(), "gemeenten": new_gemeenten()})
    assert set(read_gebieden(data, "kaart.gpkg").frame["niveau"]) == {"wijk"}


def test_several_unrecognisable_layers_are_listed(tmp_path):
    data = gpkg_bytes(tmp_path, {"laag_a": new_wijken(), "laag_b": new_gemeenten()})
    with pytest.raises(WijkdataError, match="meerdere lagen.*laag_a, laag_b"):
        read_gebieden(data, "kaart.gpkg")
    with pytest.raises(WijkdataError, match="'parken' staat niet"):
        read_gebieden(data, "kaart.gpkg", layer="parken")


def test_derived_codes_and_names_as_given(tmp_path):
    result = read_gebieden(geojson_bytes(pdok()), "buurten.geojson")

    rows = by_code(result)
    assert rows.loc["BU00340102", "wijkcode"] == "WK003401"
    assert rows.loc["BU00340102", "gemeentecode"] == "GM0034"
    assert pd.isna(rows.loc["BU00340102", "wijknaam"])
    assert rows.loc["BU00340102", "naam"] == "Hav\u00fen"       # mis-encoded, kept as given
    assert not {"inwoners", "pct_65plus"} & set(result.frame.columns)


def test_generic_geojson_with_padded_codes_and_mixed_levels():
    frame = gpd.GeoDataFrame(
        {"Code": [" GM0034 ", "wk003401", "BU00340101  "], "Naam": ["Almere", "Stad", "Hof"],
         "Inwoners": ["1200", ".", "15"]},
        geometry=[square(0), square(1), square(2)], crs=28992)
    text = json.loads(frame.to_json(drop_id=True))
    text["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}

    result = read_gebieden(json.dumps(text).encode(), "gebieden.json")

    assert result.source_format == "GeoJSON"
    rows = by_code(result)
    assert list(result.frame["niveau"]) == ["gemeente", "wijk", "buurt"]
    assert rows.loc["WK003401", "wijkcode"] == "WK003401"
    assert rows.loc["WK003401", "wijknaam"] == "Stad"
    assert rows.loc["GM0034", "gemeentenaam"] == "Almere"
    assert rows.loc["GM0034", "inwoners"] == 1200.0
    assert math.isnan(rows.loc["WK003401", "inwoners"])
    assert "periode" not in result.frame.columns


def test_bowtie_is_repaired_with_a_warning_naming_the_code(tmp_path):
    frame = new_buurten(geometry=[square(0), bowtie(1), square(2), square(0, 200)])
    data = gpkg_bytes(tmp_path, {"buurten": frame})

    result = read_gebieden(data, "kaart.gpkg")

    assert result.rapport.ok
    repaired = [w for w in result.rapport.warnings if w.code == "BU00340102"]
    assert len(repaired) == 1 and "hersteld" in repaired[0].message
    assert repaired[0].row == 3
    geometry = by_code(result).loc["BU00340102", "geometry"]
    assert geometry.is_valid and geometry.geom_type == "MultiPolygon"
    assert geometry.area == pytest.approx(500_000)       # two triangles of 250,000 m²


def test_row_errors_bad_code_duplicate_and_missing_geometry(tmp_path):
    frame = gpd.GeoDataFrame(
        {"buurtcode": ["BU00340101", "1234", None, "BU00340101", "BU00340104"],
         "buurtnaam": ["A", "B", "C", "D", "E"]},
        geometry=[square(0), square(1), square(2), square(3), None], crs=28992)
    data = gpkg_bytes(tmp_path, {"buurten": frame})

    result = read_gebieden(data, "kaart.gpkg")

    assert result.rows == 5
    assert list(result.frame["code"]) == ["BU00340101"]
    errors = {e.row: e for e in result.rapport.errors}
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3].column == "buurtcode" and errors[3].value == "1234"
    assert "'1234' heeft niet de vorm" in errors[3].message
    assert "BU00340101" in errors[3].message
    assert "ontbreekt" in errors[4].message
    assert "al eerder" in errors[5].message and errors[5].code == "BU00340101"
    assert errors[6].column == "geometry" and "geen vorm" in errors[6].message
    assert not result.usable() and result.usable(skip_invalid=True)


def test_points_and_lines_are_not_areas():
    frame = gpd.GeoDataFrame(
        {"buurtcode": ["BU00340101", "BU00340102", "BU00340103"]},
        geometry=[square(0), square(1).centroid, square(2).exterior], crs=28992)

    result = read_gebieden(geojson_bytes(frame.to_crs(4326)), "b.geojson")

    assert list(result.frame["code"]) == ["BU00340101"]
    assert [(e.row, e.code) for e in result.rapport.errors] == [(3, "BU00340102"),
                                                                (4, "BU00340103")]
    assert "geen vlak" in result.rapport.errors[0].message


def test_pseudo_areas_are_left_out_with_a_warning(tmp_path):
    frame = gpd.GeoDataFrame(
        {"gemeentecode": ["GM0034", "GM0998"], "gemeentenaam": ["Almere", "Buitenland"]},
        geometry=[square(0), square(1)], crs=28992)
    result = read_gebieden(gpkg_bytes(tmp_path, {"gemeenten": frame}), "kaart.gpkg")

    assert list(result.frame["code"]) == ["GM0034"]
    assert any(w.code == "GM0998" and "Buitenland" in w.message
               for w in result.rapport.warnings)


def test_shapefile_without_prj_in_rd_range_is_assumed_rd(tmp_path):
    frame = old_buurten().set_crs(None, allow_override=True)
    data = shapefile_zip(tmp_path, frame, prj=False)

    result = read_gebieden(data, "buurt_2020.zip")

    assert result.frame.crs.to_epsg() == 28992
    assert "EPSG:28992" in messages(result.rapport.warnings)
    assert result.frame.geometry.iloc[0].bounds[0] == pytest.approx(X0)


def test_shapefile_without_prj_in_lonlat_is_assumed_wgs84(tmp_path):
    frame = old_buurten().to_crs(4326).set_crs(None, allow_override=True)
    result = read_gebieden(shapefile_zip(tmp_path, frame, prj=False), "buurt_2020.zip")

    assert "EPSG:4326" in messages(result.rapport.warnings)
    assert result.frame.geometry.iloc[0].bounds[0] == pytest.approx(X0, abs=1)


def test_geojson_with_rd_coordinates_but_no_crs_member():
    # GDAL calls every GeoJSON without "crs" lon/lat; RD numbers are recognised instead.
    data = geojson_bytes(old_buurten().set_crs(None, allow_override=True))
    result = read_gebieden(data, "buurten.geojson")

    assert result.frame.geometry.iloc[0].bounds[0] == pytest.approx(X0)
    assert "Rijksdriehoeksmeting" in messages(result.rapport.warnings)


def test_zip_with_several_shapefiles_picks_buurten(tmp_path):
    first = tmp_path / "a"
    first.mkdir()
    buurt = zipfile.ZipFile(io.BytesIO(shapefile_zip(first, old_buurten(), stem="buurt_2020")))
    wijk_frame = new_wijken().rename(columns={
        "wijkcode": "WK_CODE", "wijknaam": "WK_NAAM", "gemeentecode": "GM_CODE",
        "gemeentenaam": "GM_NAAM"})
    second = tmp_path / "b"
    second.mkdir()
    wijk = zipfile.ZipFile(io.BytesIO(shapefile_zip(second, wijk_frame, stem="wijk_2020")))
    members = {f"kaart/{n}": buurt.read(n) for n in buurt.namelist()}
    members |= {f"kaart/{n}": wijk.read(n) for n in wijk.namelist()}
    data = zip_of(members)

    assert list_layers(data, "kaart.zip") == ["kaart/buurt_2020.shp", "kaart/wijk_2020.shp"]
    assert set(read_gebieden(data, "kaart.zip").frame["niveau"]) == {"buurt"}
    chosen = read_gebieden(data, "kaart.zip", layer="kaart/wijk_2020.shp")
    assert set(chosen.frame["niveau"]) == {"wijk"}


def test_temp_files_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    read_gebieden(shapefile_zip(tmp_path, old_buurten(), folder="sub/"), "buurt.zip")
    read_gebieden(gpkg_bytes(tmp_path, {"buurten": new_buurten()}), "kaart.gpkg")
    assert os.listdir(tmp_path / "tmp") == []


@pytest.mark.parametrize("data, filename, expected", [
    (b"{\"value\": [{\"WijkenEnBuurten\": \"BU00340101\"}]}", "85984NED.json", False),
    (b"{\"type\": \"FeatureCollection\", \"features\": []}", "x.json", True),
    (b"\xef\xbb\xbf {\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}", "x.geojson",
     True),
    (b"SQLite format 3\x00" + bytes(100), "x.gpkg", True),
    (b"code;naam\nBU00340101;Centrum\n", "x.csv", False),
    (b"", "x.gpkg", False),
    (b"PK\x03\x04garbage", "x.zip", False),
])
def test_looks_like_geo(data, filename, expected):
    assert looks_like_geo(data, filename) is expected


def test_looks_like_geo_zip_needs_a_shp():
    assert looks_like_geo(zip_of({"map/buurt.shp": b"x", "map/buurt.dbf": b"y"}), "a.zip")
    assert not looks_like_geo(zip_of({"tabel.xlsx": b"x"}), "a.zip")


def empty_geojson(_tmp_path):
    return b'{"type": "FeatureCollection", "features": []}', "leeg.geojson"


def empty_gpkg(tmp_path):
    return gpkg_bytes(tmp_path, {"buurten": new_buurten().iloc[0:0]}), "leeg.gpkg"


def no_code_column(tmp_path):
    frame = gpd.GeoDataFrame({"omschrijving": ["park"]}, geometry=[square(0)], crs=28992)
    return gpkg_bytes(tmp_path, {"parken": frame}), "parken.gpkg"


def far_away_without_crs(tmp_path):
    frame = gpd.GeoDataFrame({"BU_CODE": ["BU00340101"]},
                             geometry=[box(5_000_000, 5_000_000, 5_001_000, 5_001_000)])
    return shapefile_zip(tmp_path, frame, prj=False), "ver.zip"


def lonlat_out_of_range(_tmp_path):
    feature = {"type": "Feature", "properties": {"statcode": "BU00340101"},
               "geometry": box(500_000, 5_000_000, 501_000, 5_001_000).__geo_interface__}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode(), "x.json"


def evil_zip(_tmp_path):
    return zip_of({"../evil.shp": b"x", "evil.dbf": b"y"}), "evil.zip"


def absolute_zip(_tmp_path):
    return zip_of({"/etc/evil.shp": b"x"}), "evil.zip"


def zip_without_shp(_tmp_path):
    return zip_of({"leesmij.txt": b"hallo"}), "leeg.zip"


@pytest.mark.parametrize("make, expected", [
    (lambda _: (b"", "kaart.gpkg"), "is leeg"),
    (lambda _: (os.urandom(2048), "kaart.gpkg"), "kan niet worden gelezen als kaartbestand"),
    (lambda _: (b"SQLite format 3\x00" + os.urandom(4000), "kaart.gpkg"),
     "kan niet worden gelezen als kaartbestand"),
    (lambda _: (b"PK\x03\x04" + os.urandom(200), "kaart.zip"), "beschadigd zip-bestand"),
    (lambda _: (b"\x00\x00\x27\x0a" + bytes(96), "buurt.shp"), "zet ze samen in een zip"),
    (lambda _: (b'{"value": []}', "85984NED.json"), "CBS-tabel"),
    (lambda _: (b'[1, 2, 3]', "x.json"), "geen GeoJSON"),
    (lambda _: (b'{"type": "FeatureCollection", "features": [', "x.geojson"),
     "kan niet worden gelezen"),
    (empty_geojson, "bevat geen gebieden"),
    (empty_gpkg, "bevat geen gebieden"),
    (no_code_column, "geen kolom met CBS-gebiedscodes"),
    (far_away_without_crs, "coördinatenstelsel"),
    (lonlat_out_of_range, "passen niet bij het coördinatenstelsel"),
    (evil_zip, "buiten het zip-bestand"),
    (absolute_zip, "buiten het zip-bestand"),
    (zip_without_shp, "geen shapefile"),
])
def test_broken_inputs_raise_dutch_errors(tmp_path, make, expected):
    data, filename = make(tmp_path)
    with pytest.raises(WijkdataError) as caught:
        read_gebieden(data, filename)
    assert expected in str(caught.value)


@pytest.mark.parametrize("constant, value, expected", [
    ("MAX_ZIP_MEMBERS", 3, "meer dan de 3"),
    ("MAX_ZIP_BYTES", 1000, "uitgepakt"),
])
def test_zip_limits(tmp_path, monkeypatch, constant, value, expected):
    data = shapefile_zip(tmp_path, old_buurten())         # 5 members, a few kB unpacked
    monkeypatch.setattr(gebieden, constant, value)
    with pytest.raises(WijkdataError, match=expected):
        read_gebieden(data, "buurt.zip")
    with pytest.raises(WijkdataError, match=expected):
        list_layers(data, "buurt.zip")


def test_list_layers_for_geojson_is_empty():
    assert list_layers(geojson_bytes(pdok()), "buurten.geojson") == []


def test_numbers_as_text_in_geojson_follow_cbs_missing_codes():
    frame = pdok().assign(aantal_inwoners=["-99997", "12,5"])
    rows = by_code(read_gebieden(geojson_bytes(frame), "b.geojson"))
    assert math.isnan(rows.loc["BU00340101", "inwoners"])
    assert rows.loc["BU00340102", "inwoners"] == 12.5
    assert np.issubdtype(rows["inwoners"].dtype, np.floating)


# --- real-shaped files (tests/realshapes.py) ----------------------------------------------

def _features(data: bytes) -> dict:
    return json.loads(data)


def _collection(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def test_pdok_gebiedsindeling_reads_every_buurt_with_repair_and_names_as_given():
    result = read_gebieden(realshapes.pdok_buurten_geojson(), "buurten_pdok_2024.geojson")
    frame = by_code(result)
    assert result.source_format == "PDOK gebiedsindeling (GeoJSON)"
    assert len(frame) == 238 and result.rapport.ok
    assert frame["gemeentecode"].eq("GM0034").all() and frame["gemeentenaam"].isna().all()
    assert frame.loc["BU0034AA01", "wijkcode"] == "WK0034AA"
    assert "\u00de" in frame.iloc[4]["naam"]                    # shown as given
    assert [p.code for p in result.rapport.warnings] == [frame.index[2]]   # the bowtie
    assert frame["periode"].eq(2024).all()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(["identificatie", "code", "cbsCode", "naam", "type"]))
def test_municipal_export_takes_the_column_with_cbs_codes_in_any_order(order):
    payload = _features(realshapes.gemeente_gebieden_geojson(buurten=6, wijken=2))
    for feature in payload["features"]:
        feature["properties"] = {k: feature["properties"][k] for k in order}
    result = read_gebieden(_collection(payload), "gebieden.geojson")
    assert result.rapport.ok, messages(result.rapport.errors)
    assert list(result.frame["code"]) == [f["properties"]["cbsCode"]
                                          for f in payload["features"]]
    assert result.frame["wijkcode"].str.match(r"^WK0363A[AB]$").all()


def test_municipal_export_with_wijken_gives_both_levels():
    data = realshapes.gemeente_gebieden_geojson(buurten=6, wijken=2, met_wijken=True)
    frame = by_code(read_gebieden(data, "gebieden.geojson"))
    assert frame.loc["WK0363AA", "niveau"] == "wijk"
    assert frame.loc["BU0363AB01", "niveau"] == "buurt"


def test_only_municipal_codes_still_names_the_expected_form():
    payload = _features(realshapes.gemeente_gebieden_geojson(buurten=3, wijken=1))
    for feature in payload["features"]:
        del feature["properties"]["cbsCode"]
    result = read_gebieden(_collection(payload), "gebieden.geojson")
    assert len(result.frame) == 0
    assert "'AA01' heeft niet de vorm van een CBS-code" in messages(result.rapport.errors)


def test_wfs_wijkbuurtkaart_year_from_jaarstatcode_water_and_empty_figures():
    data = realshapes.wfs_wijkbuurtkaart_gpkg(buurten=12, wijken=2)
    result = read_gebieden(data, "download.gpkg")                # no year in the name
    frame = by_code(result)
    assert len(frame) == 12 and result.rows == 14
    assert frame["periode"].eq(2021).all()
    assert not frame.index.str.match(r"^BU\d{6}9[7-9]$").any()
    text = messages(result.rapport.warnings)
    assert "2 waterdelen zijn weggelaten" in text
    assert "'aantal_inwoners'" in text and "in elke rij leeg" in text
    assert frame["inwoners"].isna().all()


@pytest.mark.parametrize("water, kept", [(None, False), ("NEE", True), ("JA", False)])
def test_water_part_by_code_ending_97_to_99(water, kept):
    payload = _features(realshapes.pdok_buurten_geojson(buurten=4, wijken=1, invalid=False))
    properties = payload["features"][-1]["properties"]
    properties["statcode"] = "BU00340199"
    if water is not None:
        for feature in payload["features"]:
            feature["properties"]["water"] = "NEE"
        properties["water"] = water
    frame = by_code(read_gebieden(_collection(payload), "b.geojson"))
    assert ("BU00340199" in frame.index) is kept
    assert len(frame) == 3 + kept


def _moved(data: bytes, dx: float, dy: float) -> bytes:
    payload = _features(data)
    for feature in payload["features"]:
        geometry = shapely.geometry.shape(feature["geometry"])
        feature["geometry"] = shapely.affinity.translate(geometry, dx, dy).__geo_interface__
    return json.dumps(payload).encode()


def test_boundaries_in_australia_are_refused_by_the_reader_itself():
    data = _moved(realshapes.pdok_buurten_geojson(buurten=5, wijken=1), 146.0, -86.0)
    for result in (read_gebieden(data, "sydney.geojson"),
                   read_file(data, "sydney.geojson")):       # command line and Data page
        assert len(result.frame) == 0 and not result.usable(skip_invalid=True)
        assert "liggen na omrekenen niet in Nederland" in messages(result.rapport.errors)
        assert "sydney.geojson" in messages(result.rapport.errors)


def test_rd_labelled_file_outside_the_netherlands_is_refused(tmp_path):
    frame = new_buurten().iloc[:3].copy()
    frame["geometry"] = frame.geometry.translate(-400_000, 0)      # west of the RD range
    result = read_gebieden(gpkg_bytes(tmp_path, {"buurten": frame}), "kaart.gpkg")
    assert len(result.frame) == 0
    assert "niet in Nederland" in messages(result.rapport.errors)


@pytest.mark.parametrize("key, value", [
    ("statcode", ["BU00340101", "BU00340102"]),
    ("statnaam", ["Centrum", "Haven"]),
    ("statnaam", {"nl": "Centrum"}),
    ("jrstatcode", [2024]),
])
def test_a_property_holding_an_array_or_object_is_a_value_not_a_crash(key, value):
    payload = _features(realshapes.pdok_buurten_geojson(buurten=3, wijken=1, invalid=False))
    payload["features"][0]["properties"][key] = value
    result = read_gebieden(_collection(payload), "b.geojson")
    if key == "statcode":
        assert len(result.frame) == 2
        assert "heeft niet de vorm van een CBS-code" in messages(result.rapport.errors)
    else:
        assert len(result.frame) == 3 and result.rapport.ok


def _shapefile_zip_with_prj(tmp_path, damage) -> bytes:
    """A zipped shapefile of three PDOK buurten whose .prj is changed by ``damage``."""
    frame = gpd.read_file(io.BytesIO(realshapes.pdok_buurten_geojson(
        buurten=3, wijken=1, invalid=False))).to_crs(28992)
    data = shapefile_zip(tmp_path, frame, folder="map/", stem="buurt")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["map/buurt.prj"] = damage(members["map/buurt.prj"])
    return zip_of(members)


@pytest.mark.parametrize("damage", [
    lambda prj: prj.replace(b"Greenwich", b"Green\x95ich"),     # not UTF-8 (found by fuzzing)
    lambda prj: prj[:40],
    lambda prj: b"\xff\xfe\x00garbage",
])
def test_damaged_prj_in_a_zip_is_a_dutch_error(tmp_path, damage):
    try:
        result = read_gebieden(_shapefile_zip_with_prj(tmp_path, damage), "buurten.zip")
    except WijkdataError as error:
        assert "buurten.zip" in str(error)
    else:                      # GDAL ignores a .prj it cannot parse: then RD is guessed
        assert len(result.frame) == 3


def _mutations(rng: random.Random, data: bytes):
    """Truncated, bit-flipped, inserted, blanked and shuffled copies of ``data``."""
    for op in ("truncate", "flip", "insert", "blank", "shuffle") * 8:
        copy = bytearray(data)
        if op == "truncate":
            yield bytes(copy[:rng.randrange(1, len(copy))])
            continue
        for _ in range(rng.randint(1, 12)):
            i = rng.randrange(len(copy))
            if op == "flip":
                copy[i] ^= 1 << rng.randrange(8)
            elif op == "insert":
                copy[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            elif op == "blank":
                copy[i:i + 40] = bytes(len(copy[i:i + 40]))
            else:
                j, n = rng.randrange(len(copy)), rng.randint(1, 30)
                copy[i:i + n], copy[j:j + n] = copy[j:j + n], copy[i:i + n]
        yield bytes(copy)


@pytest.mark.parametrize("filename", ["buurten.geojson", "kaart.gpkg", "buurten.zip"])
def test_mutated_boundary_files_give_only_dutch_errors(tmp_path, filename):
    if filename.endswith(".geojson"):
        data = realshapes.pdok_buurten_geojson(buurten=6, wijken=2)
    elif filename.endswith(".gpkg"):
        data = realshapes.wfs_wijkbuurtkaart_gpkg(buurten=4, wijken=1)
    else:
        data = _shapefile_zip_with_prj(tmp_path, lambda prj: prj)
    rng = random.Random(filename)
    for mutated in _mutations(rng, data):
        try:
            read_gebieden(mutated, filename)
        except WijkdataError:
            pass


def _with_dbf_names(data: bytes, names: dict[int, bytes]) -> bytes:
    """A zipped shapefile whose .dbf field ``i`` is renamed to ``names[i]`` in the header,
    as a tool that does not check its field names writes it (DBF: a 32-byte header, then a
    32-byte descriptor per field whose first 11 bytes are the NUL-padded name)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    stem = next(name for name in members if name.endswith(".dbf"))
    dbf = bytearray(members[stem])
    for field, name in names.items():
        start = 32 + 32 * field
        dbf[start:start + 11] = name.ljust(11, b"\x00")
    members[stem] = bytes(dbf)
    return zip_of(members)


def test_a_repeated_column_name_keeps_the_first_column_with_a_warning(tmp_path):
    # Fields 0..3 are BU_CODE, BU_NAAM, WK_CODE, GM_CODE: the names become a second
    # 'BU_CODE' and the codes must still come from the first.
    data = _with_dbf_names(shapefile_zip(tmp_path, old_buurten()), {1: b"BU_CODE"})

    result = read_gebieden(data, "buurt_2020.zip")

    assert list(result.frame["code"]) == ["BU00340101", "BU00340102"]
    assert result.rapport.ok
    repeated = [w for w in result.rapport.warnings if w.column == "BU_CODE"]
    assert len(repeated) == 1
    assert "BU_CODE" in repeated[0].message and "eerste" in repeated[0].message


def test_columns_without_a_name_are_read_without_a_warning(tmp_path):
    # Two fields without a name (found by fuzzing): neither is a repeat of a real name.
    data = _with_dbf_names(shapefile_zip(tmp_path, old_buurten()), {5: b"", 6: b""})

    result = read_gebieden(data, "buurt_2020.zip")

    assert list(result.frame["code"]) == ["BU00340101", "BU00340102"]
    assert result.rapport.ok
    assert "eerste" not in messages(result.rapport.warnings)


# A corner inside the area's bounding box, so only this point's bytes hold the value.
_MARK_Y = Y0 + 500.25


def _with_non_finite_point(data: bytes, bad: float) -> bytes:
    """The file with the y of the corner at ``_MARK_Y`` replaced by ``bad`` (NaN or
    infinity): writers refuse such coordinates, a damaged file holds them anyway."""
    def patched(content: bytes) -> bytes:
        mark = struct.pack("<d", _MARK_Y)
        assert content.count(mark) <= 1
        return content.replace(mark, struct.pack("<d", bad))
    if not data.startswith(b"PK"):
        return patched(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return zip_of({name: patched(archive.read(name)) for name in archive.namelist()})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("fmt", ["gpkg", "zip", "zip_zonder_prj"])
def test_non_finite_coordinates_are_a_row_error_naming_the_area(tmp_path, fmt, bad):
    x = X0 + 1000
    frame = old_buurten()
    frame["geometry"] = [square(0), Polygon([(x, Y0), (x + 1000, Y0), (x + 1000, Y0 + 1000),
                                             (x + 500, _MARK_Y), (x, Y0 + 1000)])]
    if fmt == "gpkg":
        data = gpkg_bytes(tmp_path, {"buurten": frame})
    else:
        data = shapefile_zip(tmp_path, frame, prj=fmt == "zip")
    data = _with_non_finite_point(data, bad)

    result = read_gebieden(data, f"buurt_2020.{'gpkg' if fmt == 'gpkg' else 'zip'}")

    assert list(result.frame["code"]) == ["BU00340101"]
    assert [(e.row, e.column, e.code) for e in result.rapport.errors] == [
        (3, "geometry", "BU00340102")]
    assert "coördinaten" in result.rapport.errors[0].message


def test_a_prj_with_an_impossible_parameter_is_a_dutch_error_without_proj_text(tmp_path,
                                                                                caplog):
    def impossible(prj: bytes) -> bytes:        # a latitude of origin beyond the pole
        damaged = re.sub(rb'("Latitude_Of_Origin",)[0-9.]+', rb"\g<1>152.1", prj)
        assert damaged != prj
        return damaged

    with caplog.at_level("DEBUG", logger="wijkdata.readers.gebieden"):
        with pytest.raises(WijkdataError) as raised:
            read_gebieden(_shapefile_zip_with_prj(tmp_path, impossible), "buurten.zip")

    text = str(raised.value)
    assert "buurten.zip" in text and ".prj" in text and "EPSG:28992" in text
    for english in ("lat_0", "Proj", "transformation", "Error"):
        assert english not in text
    assert "lat_0" in caplog.text             # the detail is kept for whoever debugs it
