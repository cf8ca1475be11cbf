"""A seeded mutation fuzzer for every file reader: corrupt input must end in a Dutch
``WijkdataError`` (or be read), never in another exception, a hang or a memory blow-up.

Seed files are built in code in the shapes analysts bring (README, "The data it reads";
tests/realshapes.py): CSV, XLSX, CBS OData JSON, GeoJSON, GeoPackage and zipped shapefiles
(also in a subfolder), plus the demo files and, when importable, the builders of the test
suite. Each fuzz file is one seed with one to three mutations: byte-level (truncate, flip
bits, insert, delete, duplicate, shuffle, blank, overwrite an integer) or format-aware (a
member of a zip or an XLSX changed and re-zipped, so the XML and DBF parsers see it; a JSON
value replaced by an array, object, null or huge number; unbalanced quotes and mixed
separators in CSV; a GeoPackage cell, geometry or metadata row changed through SQLite).

Every file goes through two paths, each in a worker process with its own time limit:

- ``read_file``: ``wijkdata.readers.read_file(data, filename)``, kind detection included;
- ``data_page``: what the Data page does with the file when the analyst takes every default
  (:func:`data_page`): ``wijkdata.upload.check_upload``, ``wijkdata.upload.recognise``, the
  column mapping, ``wijkdata.upload.read_checked`` and the report, preview and map.

Outcomes per path: ``ok``, ``wijkdata`` (a WijkdataError), ``other`` (any other exception),
``timeout`` (over the limit, 10 s), ``memory`` (resident memory over the limit, 2 GB, or the
address-space limit hit), ``crash`` (the worker died, e.g. a segfault in a C library). A
file's outcome is the worst of its two paths. Every file that is not ``ok``/``wijkdata`` is
saved with a ``.txt`` holding the traceback and the command that reproduces it.

    python scripts/fuzz_readers.py --seed 1 --count 5000 --jobs 2 --out artifacts/fuzz
    python scripts/fuzz_readers.py --repro artifacts/fuzz/s1-000042__kerncijfers.xlsx

Exit code 1 when any file ends in something other than ``ok``/``wijkdata``.

Two figures are reported but do not fail the run: a WijkdataError whose message contains
the text of the library exception it replaced (English parser text shown to the user), and
an error logged by wijkdata as unexpected (a catch-all that may hide a bug).
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import faulthandler
import functools
import io
import json
import logging
import multiprocessing
import os
import random
import re
import resource
import shlex
import signal
import sqlite3
import struct
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORMATS = ("csv", "xlsx", "json", "geojson", "gpkg", "zip")
PATHS = ("read_file", "data_page")
# Worst last: a file's outcome is the worst of its paths.
OUTCOMES = ("ok", "wijkdata", "other", "memory", "timeout", "crash")
FAILING = {"other", "memory", "timeout", "crash"}
TIMEOUT_SECONDS = 10.0
MEMORY_LIMIT_BYTES = 2 * 1024**3
DEMO_DIR = ROOT / "wijkdata" / "demo_data"


# --- seeds -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seed:
    """One valid (or nearly valid) input file: ``name`` is the file name the reader sees,
    ``small`` marks seeds cheap enough for the test suite's sample."""

    name: str
    fmt: str
    data: bytes
    small: bool = True


def _csv_text(rows: list[list], sep: str = ";", quote_all: bool = False,
              newline: str = "\n") -> str:
    import csv
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


INITIATIEVEN_HEADER = ["naam", "omschrijving", "activiteit", "wij_type", "doelgroepen",
                       "frequentie", "startdatum", "einddatum", "organisator", "buurtcode",
                       "lat", "lon", "locatie_verborgen"]
INITIATIEVEN_ROWS = [
    ["Zingen op Koningsdag; met soesjes", 'Koor "De Lijster" zingt', "cultuur", "bridging",
     "ouderen; gezinnen", "jaarlijks", "27-4-2024", "", "bewoners", "BU03630001",
     "52,372", "4,893", "nee"],
    ['=HYPERLINK("http://example.org","klik")', "Koffie\nen een praatje", "ontmoeting",
     "bonding", "ouderen", "wekelijks", "5-8-2024", "31-12-2025", "welzijn", "",
     "52,3601", "4,8852", "ja"],
    ["NA", "null", "sport en bewegen", "beide", "jongeren", "maandelijks", "2023", "",
     "sportclub", "BU03630002", "", "", "nee"],
    ["Taalcafé Zuid 😀", "<b>Nederlands</b> oefenen", "taal", "bridging", "nieuwkomers",
     "wekelijks", "1-9-2022", "", "bibliotheek", "BU0363AA01", "52.35", "4.90", "nee"],
    ["  Repair café", "+ kom langs", "repair", "beide", "iedereen", "maandelijks",
     "2021-03-01", "", "bewoners", "", "", "", "nee"],
]

KERN_HEADER = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
               "AantalInwoners_5", "k_65JaarOfOuder_12", "HuishoudensTotaal_29",
               "Eenpersoonshuishoudens_30"]
KERN_ROWS = [
    ["NL01", "Nederland", "Land", "17942942", "3600000", "8000000", "3200000"],
    ["GM0034", "Almere", "Gemeente", "218096", "30000", "90000", "30000"],
    ["WK003401", "Almere", "Wijk", "600", "60", "300", "150"],
    ["BU00340101", "Almere", "Buurt", "200", "-", "100", "."],
    ["BU00340102", "Almere", "Buurt", "0", "0", "0", "0"],
]

RIVM_HEADER_50120 = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
                     "Leeftijd", "Marges", "Perioden", "Eenzaam_27",
                     "ErnstigZeerErnstigEenzaam_28", "EmotioneelEenzaam_29",
                     "SociaalEenzaam_30"]
RIVM_HEADER_50090 = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden",
                     "Gemeentenaam_1", "SoortRegio_2", "Codering_3", "Eenzaam_28",
                     "ErnstigZeerErnstigEenzaam_29", "EmotioneelEenzaam_30",
                     "SociaalEenzaam_31", "Mantelzorger_32", "Vrijwilligerswerk_33"]
_MARGES = ("MW00000", "MOG0095", "MBG0095")


def _rivm_records() -> list[dict]:
    records = []
    for code, soort in (("GM0034", "Gemeente"), ("WK003401", "Wijk"),
                        ("BU00340101", "Buurt"), ("BU00340102", "Buurt")):
        for leeftijd in ("20300", "80200"):
            for m, marge in enumerate(_MARGES):
                base = 40.0 + len(records) % 7
                shift = (-2.5, 0.0, 2.5)[m]
                records.append({
                    "WijkenEnBuurten": f"{code:<10}", "Gemeentenaam_1": "Almere    ",
                    "SoortRegio_2": f"{soort:<10}", "Codering_3": code,
                    "Leeftijd": leeftijd, "Marges": marge, "Perioden": "2022JJ00",
                    "Eenzaam": round(base + shift, 1),
                    "Ernstig": None if code == "BU00340102" else round(10 + shift, 1),
                    "Emotioneel": round(28 + shift, 1), "Sociaal": round(33 + shift, 1)})
    return records


def _seed_csv() -> list[Seed]:
    seeds = []
    rows = [INITIATIEVEN_HEADER, *INITIATIEVEN_ROWS]
    seeds.append(Seed("initiatieven_excel.csv", "csv",
                      ("\ufeff" + _csv_text(rows, ";", newline="\r\n")).encode("utf-8")))
    comma = [[c.replace(",", ".") if i in (10, 11) else c for i, c in enumerate(r)]
             for r in rows]
    seeds.append(Seed("initiatieven_komma.csv", "csv",
                      _csv_text(comma, ",").encode("cp1252", errors="replace")))
    rd = [["Naam initiatief", "Categorie", "Postcode", "x", "y", "E-mail"],
          ["Buurtmoestuin", "natuur", "1011 AB", "121000", "487000", "a@example.org"],
          ["Eetclub", "eten", "1012 CD", "121500,5", "487200,25", "06-12345678"],
          ["Wandelen", "bewegen", "", "", "", ""]]
    seeds.append(Seed("lijst_welzijn.txt", "csv", _csv_text(rd, "\t").encode("utf-8")))
    kern = [KERN_HEADER] + [[i, f"{c}  ", f"{g}  ", f"{s}   ", c, *v]
                            for i, (c, g, s, *v) in enumerate(KERN_ROWS)]
    seeds.append(Seed("85984NED_kerncijfers.csv", "csv", _csv_text(kern, ";").encode()))
    statline = [["Wijken en buurten", "Regioaanduiding/Gemeentenaam (naam)",
                 "Regioaanduiding/Soort regio (omschrijving)",
                 "Regioaanduiding/Codering (code)", "Bevolking/Aantal inwoners (aantal)",
                 "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)",
                 "Huishoudens/Huishoudens totaal (aantal)",
                 "Huishoudens/Eenpersoonshuishoudens (aantal)"],
                ["Nederland", "Nederland", "Land", "NL00      ", "17942942", "3600000",
                 "8000000", "3200000"],
                ["Almere", "Almere", "Gemeente", "GM0034    ", "218096", "30000", "90000",
                 "30000"],
                ["Stadshart", "Almere", "Buurt", "BU00340101", "200", "-", "100", "."],
                ["Parkwijk", "Almère", "Buurt", "BU00340102", "0", "x", "0", "0"]]
    seeds.append(Seed("Kerncijfers_wijken_en_buurten_2024.csv", "csv",
                      ("\ufeff" + _csv_text(statline, ";", quote_all=True)).encode("utf-8")))
    records = _rivm_records()
    rivm = [RIVM_HEADER_50120] + [
        [i, r["WijkenEnBuurten"], r["Gemeentenaam_1"], r["SoortRegio_2"], r["Codering_3"],
         r["Leeftijd"], r["Marges"], r["Perioden"],
         *("" if r[k] is None else str(r[k]).replace(".", ",")
           for k in ("Eenzaam", "Ernstig", "Emotioneel", "Sociaal"))]
        for i, r in enumerate(records)]
    seeds.append(Seed("50120NED_eenzaamheid.csv", "csv", _csv_text(rivm, ";").encode()))
    old = [RIVM_HEADER_50090] + [
        [i, r["Leeftijd"], r["Marges"], r["WijkenEnBuurten"], "2016JJ00",
         r["Gemeentenaam_1"], r["SoortRegio_2"], r["Codering_3"],
         *(f"{'.' if r[k] is None else r[k]:>8}"
           for k in ("Eenzaam", "Ernstig", "Emotioneel", "Sociaal")), "    12.0", "       ."]
        for i, r in enumerate(records)]
    seeds.append(Seed("50090NED.csv", "csv", _csv_text(old, ",").encode()))
    for name in ("initiatieven.csv", "eenzaamheid_50120NED.csv"):
        data = (DEMO_DIR / name).read_bytes()
        seeds.append(Seed(f"demo_{name}", "csv", data, small=False))
        lines = data.split(b"\n")
        seeds.append(Seed(f"demo_kort_{name}", "csv", b"\n".join(lines[:25]) + b"\n"))
    return seeds


def _xlsx(sheets: dict[str, list[list]], formulas: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell, formula in (formulas or {}).items():
            sheet[cell] = formula           # no cached value, as a program writes it
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _seed_xlsx() -> list[Seed]:
    seeds = []
    rows = [INITIATIEVEN_HEADER] + [
        [float(c.replace(",", ".")) if i in (10, 11) and c else c for i, c in enumerate(r)]
        for r in INITIATIEVEN_ROWS]
    rows[1][6] = dt.datetime(2024, 4, 27)
    seeds.append(Seed("initiatieven.xlsx", "xlsx",
                      _xlsx({"Initiatieven": rows}, {"A4": '=CONCAT("Buurt","kamer")'})))
    kwb = ["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi",
           "a_inw", "a_man", "a_vrouw", "a_00_14", "a_65_oo", "a_hh", "a_1p_hh", "bev_dich"]
    kwb_rows = [kwb,
                ["GM0344", "344", "Utrecht", "Utrecht", "Gemeente", "GM0344", ".", 361924,
                 178000, 183924, 60000, 40000, 180000, 90000, 3700],
                ["WK034401", "34401", "Binnenstad", "Utrecht", "Wijk", "WK034401", "1", 18000,
                 9000, 9000, 1500, 2000, 11000, "."],
                ["BU03440101", "3440101", "Domplein e.o.", "Utrecht", "Buurt", "BU03440101",
                 "1", 1200, 600, 600, 100, ".", 800, 500, 9000],
                ["BU03440102", "3440102", "Lange Elisabethstraat", "Utrecht", "Buurt",
                 "BU03440102", "1", ".", ".", ".", ".", ".", ".", ".", "."]]
    seeds.append(Seed("kwb-2023.xlsx", "xlsx", _xlsx({"kwb-2023": kwb_rows})))
    records = _rivm_records()
    old = [RIVM_HEADER_50090] + [
        [i, r["Leeftijd"], r["Marges"], r["WijkenEnBuurten"], "2012JJ00",
         r["Gemeentenaam_1"], r["SoortRegio_2"], r["Codering_3"],
         f"{r['Eenzaam']:>8}", f"{'.' if r['Ernstig'] is None else r['Ernstig']:>8}",
         f"{r['Emotioneel']:>8}", None, "    12.0", "       ."]
        for i, r in enumerate(records)]
    seeds.append(Seed("50090NED_export.xlsx", "xlsx", _xlsx({"Blad1": old})))
    kern = [KERN_HEADER] + [[i, f"{c}  ", g, s, c, *(int(x) if x.isdigit() else x for x in v)]
                            for i, (c, g, s, *v) in enumerate(KERN_ROWS)]
    seeds.append(Seed("85984NED.xlsx", "xlsx", _xlsx({"Data": kern, "Toelichting": [
        ["Bron: CBS"], ["Licentie CC BY 4.0"]]})))
    return seeds


def _seed_json() -> list[Seed]:
    kern = [{"ID": i, "WijkenEnBuurten": f"{c:<10}  ", "Gemeentenaam_1": f"{g:<20}",
             "SoortRegio_2": f"{s:<10}", "Codering_3": c,
             **{name: (None if x == "." else 0 if x == "-" else int(x))
                for name, x in zip(KERN_HEADER[5:], v)}}
            for i, (c, g, s, *v) in enumerate(KERN_ROWS)]
    rivm = [{"ID": i, **{k: r[k] for k in ("WijkenEnBuurten", "Gemeentenaam_1",
                                             "SoortRegio_2", "Codering_3", "Leeftijd",
                                             "Marges", "Perioden")},
             "Eenzaam_27": r["Eenzaam"], "ErnstigZeerErnstigEenzaam_28": r["Ernstig"],
             "EmotioneelEenzaam_29": r["Emotioneel"], "SociaalEenzaam_30": r["Sociaal"]}
            for i, r in enumerate(_rivm_records())]
    ini = [dict(zip(INITIATIEVEN_HEADER, r)) for r in INITIATIEVEN_ROWS]
    return [
        Seed("85984NED_TypedDataSet.json", "json",
             json.dumps({"odata.metadata": "https://opendata.cbs.nl/ODataApi/odata/85984NED/"
                         "$metadata#Cbs.OData.WebAPI.TypedDataSet", "value": kern}).encode()),
        Seed("50120NED.json", "json", json.dumps({"value": rivm}, indent=1).encode()),
        Seed("initiatieven.json", "json", json.dumps(ini, ensure_ascii=False).encode()),
    ]


# Small squares near Almere, in lon/lat and in RD.
_LON0, _LAT0 = 5.20, 52.37
_X0, _Y0 = 140_000, 480_000


def _lonlat_square(i: int) -> list:
    x, y, d = _LON0 + i * 0.01, _LAT0, 0.008
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def _feature(properties: dict, coordinates: list) -> dict:
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Polygon", "coordinates": coordinates}}


def _seed_geojson() -> list[Seed]:
    pdok = {"type": "FeatureCollection", "features": [
        _feature({"statcode": f"BU0034010{i}", "jrstatcode": f"2024BU0034010{i}",
                  "statnaam": name, "rubriek": "buurt", "id": i}, _lonlat_square(i))
        for i, name in enumerate(["Centrum", "Haven", "Stad Þ"], start=1)]}
    gemeente = {"type": "FeatureCollection", "features": [
        _feature({"code": code, "cbsCode": f"BU0363{code}", "naam": name,
                  "inwoners": inw}, _lonlat_square(i))
        for i, (code, name, inw) in enumerate([("AA01", "Kop van Zuid", 1200),
                                               ("AA02", "Burgwallen", None),
                                               ("0003", "Haven", 0)])]}
    bowtie = [[[_X0, _Y0], [_X0 + 1000, _Y0 + 1000], [_X0 + 1000, _Y0], [_X0, _Y0 + 1000],
               [_X0, _Y0]]]
    mixed = {"type": "FeatureCollection",
             "crs": {"type": "name",
                     "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
             "features": [
                 _feature({"code": "GM0034  ", "naam": "Almere"},
                          [[[_X0, _Y0], [_X0 + 3000, _Y0], [_X0 + 3000, _Y0 + 1000],
                            [_X0, _Y0 + 1000], [_X0, _Y0]]]),
                 _feature({"code": "WK003401", "naam": "Stad"}, bowtie),
                 _feature({"code": " BU00340101", "naam": "Centrum",
                           "aantal_inwoners": -99997}, bowtie)]}
    demo = (DEMO_DIR / "buurten.geojson").read_bytes()
    demo_small = json.loads(demo)
    demo_small["features"] = demo_small["features"][:4]
    return [
        Seed("gebiedsindeling_2024.geojson", "geojson", json.dumps(pdok).encode()),
        Seed("gebieden_gemeente.geojson", "geojson", json.dumps(gemeente).encode()),
        Seed("buurten_rd.json", "geojson", json.dumps(mixed, indent=2).encode()),
        Seed("demo_buurten.geojson", "geojson", demo, small=False),
        Seed("demo_kort_buurten.geojson", "geojson", json.dumps(demo_small).encode()),
    ]


def _frames():
    import geopandas as gpd
    from shapely.geometry import box

    def square(i, size=1000):
        return box(_X0 + i * 1000, _Y0, _X0 + i * 1000 + size, _Y0 + size)

    new_buurten = gpd.GeoDataFrame({
        "buurtcode": ["BU00340101", "BU00340102", "BU00340201", "BU00340101"],
        "buurtnaam": ["Centrum", "Haven", "Stad", "Centrum"],
        "wijkcode": ["WK003401", "WK003401", "WK003402", "WK003401"],
        "gemeentecode": ["GM0034"] * 4, "gemeentenaam": ["Almere"] * 4,
        "water": ["NEE", "NEE", "NEE", "JA"],
        "aantal_inwoners": [1200, -99997, 800, -99997],
        "percentage_personen_65_jaar_en_ouder": [20, -99995, 15, -99997],
        "jrstatcode": ["2024BU00340101", "2024BU00340102", "2024BU00340201",
                       "2024BU00340101"],
        "jaar": [2024] * 4},
        geometry=[square(0), square(1), square(2), square(0, 200)], crs=28992)
    wijken = gpd.GeoDataFrame(
        {"wijkcode": ["WK003401", "WK003402"], "wijknaam": ["Stadscentrum", "Stad"],
         "gemeentecode": ["GM0034"] * 2, "water": ["NEE", "NEE"]},
        geometry=[box(_X0, _Y0, _X0 + 2000, _Y0 + 1000), square(2)], crs=28992)
    gemeenten = gpd.GeoDataFrame(
        {"gemeentecode": ["GM0034"], "gemeentenaam": ["Almere"], "water": ["NEE"]},
        geometry=[box(_X0, _Y0, _X0 + 3000, _Y0 + 1000)], crs=28992)
    wfs_2021 = gpd.GeoDataFrame(
        {"buurtcode": ["BU02330001", "BU02339997"], "buurtnaam": ["Dorp", "Water"],
         "wijkcode": ["WK023300", "WK023399"], "gemeentecode": ["GM0233"] * 2,
         "gemeentenaam": ["Doesburg"] * 2, "water": ["NEE", "JA"],
         "jaarstatcode": ["2021BU02330001", "2021BU02339997"],
         "aantal_inwoners": [None, None]},
        geometry=[square(0), square(1)], crs=28992)
    old = gpd.GeoDataFrame(
        {"BU_CODE": ["BU00340101", "BU00340102"], "BU_NAAM": ["Centrum", "Haven"],
         "WK_CODE": ["WK003401", "WK003401"], "GM_CODE": ["GM0034", "GM0034"],
         "GM_NAAM": ["Almere", "Almere"], "WATER": ["NEE", "NEE"],
         "AANT_INW": [1200, -99999999], "P_65_EO_JR": [20, -99999999],
         "JRSTATCODE": ["2020BU00340101", "2020BU00340102"]},
        geometry=[square(0), square(1)], crs=28992)
    return new_buurten, wijken, gemeenten, wfs_2021, old


def _seed_gpkg_zip(tmp: Path) -> list[Seed]:
    new_buurten, wijken, gemeenten, wfs_2021, old = _frames()
    seeds = []

    def gpkg(name: str, layers: dict) -> Seed:
        path = tmp / name
        for layer, frame in layers.items():
            frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return Seed(name, "gpkg", path.read_bytes())

    seeds.append(gpkg("wijkenbuurten_2024_v1.gpkg",
                      {"gemeenten": gemeenten, "wijken": wijken, "buurten": new_buurten}))
    seeds.append(gpkg("wijkenbuurten_wfs.gpkg", {"buurten": wfs_2021}))
    seeds.append(gpkg("buurt_oud.gpkg", {"buurt_2020": old}))

    def shapefile(name: str, frame, folder: str = "", prj: bool = True,
                  stem: str = "buurt_2020") -> Seed:
        out = tmp / f"shp-{name}"
        out.mkdir()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame.to_file(out / f"{stem}.shp", driver="ESRI Shapefile", engine="pyogrio")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(out.iterdir()):
                if part.suffix == ".prj" and not prj:
                    continue
                archive.write(part, f"{folder}{part.name}")
        return Seed(name, "zip", buffer.getvalue())

    seeds.append(shapefile("buurt_2020.zip", old))
    seeds.append(shapefile("wijkbuurtkaart_2020.zip", old, folder="WijkBuurtkaart_2020/data/"))
    seeds.append(shapefile("zonder_prj.zip", old, prj=False))
    seeds.append(shapefile("pdok_buurten.zip", wfs_2021.to_crs(4326), stem="buurten"))
    return seeds


def _seed_from_tests(tmp: Path) -> list[Seed]:
    """Seeds from the test suite's own builders, when they can be imported (the tests are
    not installed with the package). A builder that fails is skipped with a note."""
    seeds: list[Seed] = []

    def add(name: str, fmt: str, build) -> None:
        try:
            data = build()
        except Exception as exc:        # a changed builder must not stop the fuzzer
            print(f"note: seed {name} skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
            return
        seeds.append(Seed(name, fmt, data))

    try:
        from tests import factory
        gebieden, _, initiatieven = factory.make_frames(gemeenten=("0001",), wijken=1)
    except Exception as exc:
        print(f"note: tests.factory not used: {type(exc).__name__}: {exc}", file=sys.stderr)
    else:
        add("factory_buurten.geojson", "geojson",
            lambda: gebieden.to_crs(4326).to_json(drop_id=True).encode())
        add("factory_initiatieven.csv", "csv",
            lambda: initiatieven.to_csv(index=False, sep=";").encode())
    try:
        from tests import test_readers_tabellen as tabellen
    except Exception as exc:
        print(f"note: tabellen builders not used: {type(exc).__name__}: {exc}",
              file=sys.stderr)
    else:
        add("test_kerncijfers_statline.csv", "csv",
            lambda: tabellen.kerncijfers("statline_csv", encoding="cp1252")[0])
        add("test_rivm_statline.csv", "csv", lambda: tabellen.rivm("statline_csv")[0])
        add("test_rivm.json", "json", lambda: tabellen.rivm("odata_json")[0])
    seeds.extend(_seed_realshapes())
    return seeds


# Builders of tests/realshapes.py, with small sizes so a mutated file reads fast:
# (function, keyword arguments, file name the reader sees).
REALSHAPES = [
    ("pdok_buurten_geojson", {"buurten": 12, "wijken": 2}, "buurten_pdok_2024.geojson"),
    ("gemeente_gebieden_geojson", {"buurten": 8, "wijken": 2, "met_wijken": True},
     "gebieden_amsterdam.geojson"),
    ("wfs_wijkbuurtkaart_gpkg", {"buurten": 6, "wijken": 2}, "wijkenbuurten_2021.gpkg"),
    ("kerncijfers_odata_csv", {"buurten": 12, "wijken": 2}, "kerncijfers_85984NED.csv"),
    ("statline_kerncijfers_csv", {"buurten": 12, "wijken": 2},
     "Kerncijfers_wijken_en_buurten_2024.csv"),
    ("statline_kerncijfers_csv", {"buurten": 6, "wijken": 2, "with_codering": False},
     "Kerncijfers_zonder_codering.csv"),
    ("rivm_csv", {"table": "50120NED", "buurten": 6, "wijken": 2, "periods": (2022,),
                  "levels": ("gemeente", "wijk", "buurt")}, "gezondheid_50120NED.csv"),
    ("rivm_csv", {"table": "50090NED", "buurten": 6, "wijken": 2, "periods": (2012, 2016),
                  "sep": ";"}, "50090NED.csv"),
    ("rivm_xlsx", {"buurten": 6, "wijken": 2, "periods": (2016,)}, "50090NED_export.xlsx"),
    ("kwb_xlsx", {"buurten": 8, "wijken": 2}, "kwb-2024.xlsx"),
]


def _seed_realshapes() -> list[Seed]:
    """Small files from ``tests/realshapes.py`` (real-shaped fixtures), when it exists."""
    import inspect
    try:
        from tests import realshapes
    except ImportError:
        return []
    except Exception as exc:
        print(f"note: tests/realshapes.py not used: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return []
    seeds = []
    for function_name, options, filename in REALSHAPES:
        function = getattr(realshapes, function_name, None)
        if function is None:
            continue
        try:
            known = inspect.signature(function).parameters
            data = function(**{k: v for k, v in options.items() if k in known})
        except Exception as exc:        # a changed builder must not stop the fuzzer
            print(f"note: realshapes.{function_name} skipped: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            continue
        fmt = _format_of(data, filename) if isinstance(data, bytes) else None
        if fmt is not None:
            small = fmt == "gpkg" or len(data) <= 100_000     # a GeoPackage is 100 KB empty
            seeds.append(Seed(f"rs_{filename}", fmt, data, small=small))
    return seeds


def _format_of(data: bytes, filename: str) -> str | None:
    name = filename.lower()
    if data.startswith(b"SQLite format 3"):
        return "gpkg"
    if data.startswith(b"PK"):
        return "xlsx" if name.endswith((".xlsx", ".xlsm")) else "zip"
    if name.endswith(".geojson") or b'"FeatureCollection"' in data[:5000]:
        return "geojson"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    return None


@functools.lru_cache(maxsize=2)
def build_seeds(small: bool = False) -> dict[str, list[Seed]]:
    """Seeds by format; ``small`` keeps only the cheap ones (for the test sample). Built once
    per process (a few seconds: GeoPackages and shapefiles are written through GDAL)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-seeds-") as tmp:
        seeds = [*_seed_csv(), *_seed_xlsx(), *_seed_json(), *_seed_geojson(),
                 *_seed_gpkg_zip(Path(tmp)), *_seed_from_tests(Path(tmp))]
    by_format: dict[str, list[Seed]] = {fmt: [] for fmt in FORMATS}
    for seed in seeds:
        if seed.small or not small:
            by_format[seed.fmt].append(seed)
    return by_format


# --- mutations ---------------------------------------------------------------------------

TOKENS = [b'"', b"'", b";", b",", b"\t", b"|", b"\n", b"\r", b"\r\n", b"\x00", b"\xff\xfe",
          b"\xef\xbb\xbf", b"{", b"}", b"[", b"]", b'"type":', b"-99999999", b"1e309",
          b"NaN", b"null", b"=1+1", b"\\", b"%s%n", "\u00e9".encode("cp1252"),
          "\U0001f600".encode(), b"\xc3", b"9" * 400, b"<", b">", b"&amp;", b"]]>"]
INTERESTING_INTS = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF,
                    0x80000000, 0x10000]


def _span(rng: random.Random, size: int, most: int | None = None) -> tuple[int, int]:
    start = rng.randrange(size)
    longest = max(1, min(most or size, size - start))
    return start, start + rng.randint(1, longest)


def m_truncate(rng, data):
    if len(data) < 2:
        return b""
    if rng.random() < 0.5:
        return data[:rng.randrange(1, len(data))]
    return data[:len(data) - rng.randint(1, min(64, len(data) - 1))]


def m_flip_bits(rng, data):
    buffer = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 8, 32])):
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def m_insert(rng, data):
    position = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        payload = rng.choice(TOKENS)
    else:
        payload = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return data[:position] + payload + data[position:]


def m_delete(rng, data):
    start, end = _span(rng, len(data), max(1, len(data) // 4))
    return data[:start] + data[end:]


def m_duplicate(rng, data):
    start, end = _span(rng, len(data), 512)
    times = rng.choice([1, 1, 2, 10, 200])
    position = rng.randrange(len(data) + 1)
    return data[:position] + data[start:end] * times + data[position:]


def m_shuffle(rng, data):
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(1, 7))))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]
    rng.shuffle(chunks)
    return b"".join(chunks)


def m_blank(rng, data):
    start, end = _span(rng, len(data), 256)
    fill = rng.choice([b"\x00", b" ", b"\xff"])
    return data[:start] + fill * (end - start) + data[end:]


def m_integer(rng, data):
    """Overwrite 2, 4 or 8 bytes with a boundary integer: sizes, offsets and counts in zip
    headers, SQLite pages, shapefile and DBF headers."""
    fmt = rng.choice(["<H", ">H", "<I", ">I", "<Q"])
    width = struct.calcsize(fmt)
    if len(data) < width:
        return data
    value = rng.choice(INTERESTING_INTS) & ((1 << (8 * width)) - 1)
    position = rng.randrange(len(data) - width + 1)
    return data[:position] + struct.pack(fmt, value) + data[position + width:]


BYTE_MUTATIONS = {"truncate": m_truncate, "flip_bits": m_flip_bits, "insert": m_insert,
                  "delete": m_delete, "duplicate": m_duplicate, "shuffle": m_shuffle,
                  "blank": m_blank, "integer": m_integer}


def _byte_mutation(rng, data) -> tuple[str, bytes]:
    name = rng.choice(sorted(BYTE_MUTATIONS))
    return name, BYTE_MUTATIONS[name](rng, data) if data else data


# CSV: work on decoded text, write back in the seed's encoding.

def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _sep_of(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max(";,\t|", key=header.count)


CELL_VALUES = ["", ".", "-", "x", "1e309", "-1e309", "-99999999", "99999999999999999999999",
               "1.234.567,89", "NaN", "inf", "=SUM(A1:A9)", "@cmd", '"', '""', "\u2013",
               "2024-02-30", "31-12-9999", "0000", "BU", "GM00340", "BU0034010199999",
               "\u00a0", "x" * 100_000, "\U0001f600", "\x00", "ja;nee", "1,2,3", "52,3;4,9"]


def m_csv_quote(rng, text):
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    position = rng.randrange(len(lines[i]) + 1)
    lines[i] = lines[i][:position] + rng.choice(['"', '"', "'", '""', '"""']) + \
        lines[i][position:]
    return "\n".join(lines)


def m_csv_separators(rng, text):
    sep = _sep_of(text)
    other = rng.choice([s for s in ";,\t|" if s != sep])
    lines = text.split("\n")
    for i in rng.sample(range(len(lines)), rng.randint(1, len(lines))):
        lines[i] = lines[i].replace(sep, other)
    return "\n".join(lines)


def m_csv_fields(rng, text):
    sep = _sep_of(text)
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines[i] = lines[i] + sep * rng.choice([1, 2, 50])
    else:
        parts = lines[i].split(sep)
        lines[i] = sep.join(parts[:rng.randrange(len(parts) + 1)])
    return "\n".join(lines)


def m_csv_cell(rng, text):
    sep = _sep_of(text)
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    parts = lines[i].split(sep)
    parts[rng.randrange(len(parts))] = rng.choice(CELL_VALUES)
    lines[i] = sep.join(parts)
    return "\n".join(lines)


def m_csv_header(rng, text):
    sep = _sep_of(text)
    lines = text.split("\n")
    parts = lines[0].split(sep)
    choice = rng.randrange(4)
    if choice == 0:
        parts[rng.randrange(len(parts))] = ""
    elif choice == 1:
        parts[rng.randrange(len(parts))] = rng.choice(parts)
    elif choice == 2:
        return "\n".join(lines[1:])
    else:
        parts = [p.upper() for p in parts]
    lines[0] = sep.join(parts)
    return "\n".join(lines)


def m_csv_lines(rng, text):
    choice = rng.randrange(4)
    if choice == 0:
        return text.replace("\r\n", "\n").replace("\n", "\r")
    if choice == 1:
        return text.replace("\n", "\r\n", rng.randint(1, 5))
    lines = text.split("\n")
    extra = rng.choice(["", _sep_of(text) * 8, "   ", "\x0c", "# opmerking"])
    for _ in range(rng.randint(1, 5)):
        lines.insert(rng.randrange(len(lines) + 1), extra)
    return "\n".join(lines)


CSV_MUTATIONS = {"csv_quote": m_csv_quote, "csv_separators": m_csv_separators,
                 "csv_fields": m_csv_fields, "csv_cell": m_csv_cell,
                 "csv_header": m_csv_header, "csv_lines": m_csv_lines}


def mutate_csv(rng, data) -> tuple[str, bytes]:
    text, encoding = _decode(data)
    if not text:
        return _byte_mutation(rng, data)
    if rng.random() < 0.1:
        target = rng.choice(["utf-16", "utf-8-sig", "cp1252", "utf-8"])
        return f"csv_encoding:{target}", text.encode(target, errors="replace")
    name = rng.choice(sorted(CSV_MUTATIONS))
    text = CSV_MUTATIONS[name](rng, text)
    if encoding == "utf-8-sig":
        # decode() dropped a BOM if there was one; put it back.
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    return name, text.encode(encoding, errors="replace")


# JSON and GeoJSON: change a value in the parsed document.

HUGE = 10**400
JSON_VALUES = [[], {}, [1, 2], {"a": 1}, None, 1e308, -1e308, HUGE, -HUGE, -99999999, 0,
               "", "x" * 100_000, True, [[[]]], {"type": "Feature"}, "NaN", "1e309",
               [None] * 1000, {"coordinates": []}, "\U0001f600", "\x00"]
DEEP = "__FUZZ_DEEP__"


def _nodes(document, path=(), found=None, limit=5000):
    """Paths to every value in a JSON document (up to ``limit``)."""
    found = [] if found is None else found
    if len(found) >= limit:
        return found
    found.append(path)
    if isinstance(document, dict):
        for key, value in document.items():
            _nodes(value, (*path, key), found, limit)
    elif isinstance(document, list):
        for i, value in enumerate(document[:200]):
            _nodes(value, (*path, i), found, limit)
    return found


def _set(document, path, value):
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


def _property_paths(document) -> list[tuple]:
    """Paths to the values of each record's or feature's properties."""
    records = []
    if isinstance(document, dict) and isinstance(document.get("features"), list):
        records = [(("features", i, "properties"), f.get("properties"))
                   for i, f in enumerate(document["features"]) if isinstance(f, dict)]
    elif isinstance(document, dict) and isinstance(document.get("value"), list):
        records = [(("value", i), r) for i, r in enumerate(document["value"])]
    elif isinstance(document, list):
        records = [((i,), r) for i, r in enumerate(document)]
    return [(*path, key) for path, record in records if isinstance(record, dict)
            for key in record]


def mutate_json(rng, data) -> tuple[str, bytes]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return _byte_mutation(rng, data)
    choice = rng.random()
    properties = _property_paths(document)
    if choice < 0.45 and properties:
        path = rng.choice(properties)
        value = rng.choice(JSON_VALUES + [DEEP])
        name = f"json_property:{type(value).__name__}"
    elif choice < 0.8:
        path = rng.choice(_nodes(document))
        value = rng.choice(JSON_VALUES + [DEEP])
        name = f"json_value:{type(value).__name__}"
    else:
        paths = [p for p in _nodes(document) if p]
        if not paths:
            return _byte_mutation(rng, data)
        path = rng.choice(paths)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict):
            value = parent.pop(path[-1])
            if rng.random() < 0.5:
                parent[rng.choice(["", "type", "value", "Codering_3", "statcode",
                                   str(path[-1]).upper(), str(path[-1]) + " "])] = value
            return "json_key", json.dumps(document).encode()
        del parent[path[-1]]
        return "json_drop_item", json.dumps(document).encode()
    document = _set(document, path, value)
    text = json.dumps(document, ensure_ascii=rng.random() < 0.5)
    if value == DEEP:
        depth = rng.choice([100, 1000, 100_000])
        text = text.replace(f'"{DEEP}"', "[" * depth + "]" * depth)
        name = f"json_deep:{depth}"
    return name, text.encode()


# Zip-based files (XLSX, zipped shapefile): change one member and zip again.

def _xml_mutation(rng, text: str) -> tuple[str, str]:
    choice = rng.randrange(8)
    if choice == 7 and "</sheetData>" in text:
        # One stray cell far below the data, as a file touched at its last row has.
        row = rng.choice([1048576, 1048576, 500000, 65536])
        column = rng.choice(["A", "B", "XFD"])
        cell = rng.choice([f'<c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c>',
                           f'<c r="{column}{row}"><v>1</v></c>', f'<c r="{column}{row}" />'])
        return "xml_far_row", text.replace("</sheetData>",
                                           f'<row r="{row}">{cell}</row></sheetData>', 1)
    if choice == 0:
        refs = list(re.finditer(r'\br="([A-Z]+)(\d+)"', text))
        if refs:
            hit = rng.choice(refs)
            row = rng.choice([1048576, 1048577, 100000, 0, 2**31])
            return "xml_far_cell", text[:hit.start()] + f'r="{hit.group(1)}{row}"' + \
                text[hit.end():]
        dims = list(re.finditer(r'<dimension ref="[^"]*"', text))
        if dims:
            hit = rng.choice(dims)
            return "xml_dimension", text[:hit.start()] + '<dimension ref="A1:XFD1048576"' + \
                text[hit.end():]
    if choice == 1:
        values = list(re.finditer(r"<v>([^<]*)</v>", text))
        if values:
            hit = rng.choice(values)
            new = rng.choice(["99999", "-1", "1e309", "abc", "", "NaN", "4294967296"])
            return "xml_value", text[:hit.start()] + f"<v>{new}</v>" + text[hit.end():]
    if choice == 2:
        types = list(re.finditer(r'\bt="(\w+)"', text))
        if types:
            hit = rng.choice(types)
            new = rng.choice(["s", "n", "e", "b", "d", "str", "inlineStr", "x"])
            return "xml_cell_type", text[:hit.start()] + f't="{new}"' + text[hit.end():]
    if choice == 3:
        tags = [m.start() for m in re.finditer(r"[<>]", text)]
        if tags:
            i = rng.choice(tags)
            return "xml_break_tag", text[:i] + text[i + 1:]
    if choice == 4:
        lol = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
               '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')
        head = text.find("?>")
        if head != -1:
            body = re.sub(r"<v>[^<]*</v>|<t>[^<]*</t>", lambda m: m.group(0)[:3] + "&d;" +
                          m.group(0)[-4:], text[head + 2:], count=3)
            return "xml_entities", text[:head + 2] + lol + body
    if choice == 5:
        strings = list(re.finditer(r"<t[^>]*>([^<]*)</t>", text))
        if strings:
            hit = rng.choice(strings)
            new = rng.choice(["", "x" * 100_000, "\u0000", "&#0;", "NA", "null", "=1+1"])
            return "xml_string", text[:hit.start(1)] + new + text[hit.end(1):]
    # Fall back to cutting the XML somewhere.
    cut = rng.randrange(len(text) + 1) if text else 0
    return "xml_truncate", text[:cut]


def mutate_zip(rng, data) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:       # an earlier mutation broke the zip: mutate its bytes instead
        return _byte_mutation(rng, data)
    if not members:
        return _byte_mutation(rng, data)
    choice = rng.random()
    if choice < 0.1 and len(members) > 1:
        index = rng.randrange(len(members))
        name = f"zip_drop:{members[index][0].filename}"
        del members[index]
    elif choice < 0.15:
        info, content = rng.choice(members)
        members.append((copy.copy(info), content[: len(content) // 2]))
        name = f"zip_duplicate_name:{info.filename}"
    else:
        # Prefer the members a parser reads: XML sheets, shared strings, DBF, SHP.
        weights = [3 if re.search(r"(sheet\d*\.xml|sharedStrings|workbook\.xml|\.dbf|\.shp|"
                                  r"\.shx|\.prj|styles\.xml)$", info.filename) else 1
                   for info, _ in members]
        index = rng.choices(range(len(members)), weights)[0]
        info, content = members[index]
        if info.filename.endswith((".xml", ".rels")) and rng.random() < 0.6:
            what, text = _xml_mutation(rng, content.decode("utf-8", errors="replace"))
            content = text.encode("utf-8")
        else:
            what, content = _byte_mutation(rng, content)
        members[index] = (info, content)
        name = f"zip_member:{info.filename}:{what}"
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")         # duplicate member names are on purpose
        for info, content in members:
            archive.writestr(info, content)
    return name, buffer.getvalue()


# GeoPackage: change the SQLite database through SQLite, so GDAL sees a valid database with
# bad content.

SQL_VALUES = [None, "", "x" * 10_000, -99999999, 2**63 - 1, -(2**63), 1e308, float("inf"),
              b"\x00\x01", b"GP\x00\x01\xff\xff\xff\xff", "BU", "Point", "\U0001f600", 0]


def mutate_gpkg(rng, data) -> tuple[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="fuzz-gpkg-") as tmp:
        path = os.path.join(tmp, "f.gpkg")
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            name = _mutate_gpkg_file(rng, path)
        except (sqlite3.Error, IndexError, ValueError):
            return _byte_mutation(rng, data)
        with open(path, "rb") as handle:
            return name, handle.read()


def _mutate_gpkg_file(rng, path: str) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        table = rng.choice(tables)
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        geometry = conn.execute("SELECT column_name FROM gpkg_geometry_columns "
                                "WHERE table_name = ?", (table,)).fetchone()
        rowids = [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}"')]
        choice = rng.randrange(6)
        if choice == 0 and rowids:
            column = rng.choice(columns)
            value = rng.choice(SQL_VALUES)
            conn.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
                         (value, rng.choice(rowids)))
            name = f"gpkg_cell:{column}:{type(value).__name__}"
        elif choice == 1 and rowids and geometry:
            rowid = rng.choice(rowids)
            blob = conn.execute(f'SELECT "{geometry[0]}" FROM "{table}" WHERE rowid = ?',
                                (rowid,)).fetchone()[0] or b""
            what, blob = _byte_mutation(rng, bytes(blob))
            conn.execute(f'UPDATE "{table}" SET "{geometry[0]}" = ? WHERE rowid = ?',
                         (blob, rowid))
            name = f"gpkg_geometry:{what}"
        elif choice == 2:
            column, value = rng.choice([("srs_id", 999999), ("srs_id", -1),
                                        ("geometry_type_name", "POINT"),
                                        ("geometry_type_name", "NONSENSE"),
                                        ("table_name", "bestaat_niet"), ("z", 7)])
            conn.execute(f'UPDATE gpkg_geometry_columns SET "{column}" = ? '
                         "WHERE table_name = ?", (value, table))
            name = f"gpkg_geometry_columns:{column}"
        elif choice == 3:
            column, value = rng.choice([("definition", "GEOGCS[onzin"),
                                        ("definition", ""), ("organization_coordsys_id", 0),
                                        ("srs_id", 4326)])
            conn.execute(f'UPDATE gpkg_spatial_ref_sys SET "{column}" = ? '
                         "WHERE srs_id = 28992", (value,))
            name = f"gpkg_srs:{column}"
        elif choice == 4:
            column, value = rng.choice([("data_type", "attributes"), ("min_x", "abc"),
                                        ("table_name", "weg"), ("srs_id", 1234)])
            conn.execute(f'UPDATE gpkg_contents SET "{column}" = ? WHERE table_name = ?',
                         (value, table))
            name = f"gpkg_contents:{column}"
        else:
            # Copies of the rows (same codes: duplicates), doubling the table each time.
            doublings = rng.choice([1, 5, 11])
            names = ", ".join(f'"{c}"' for c in columns if c != "fid")
            for _ in range(doublings):
                conn.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{table}"')
            name = f"gpkg_rows:x{2**doublings}"
        conn.commit()
    return name


FORMAT_MUTATIONS = {"csv": mutate_csv, "json": mutate_json, "geojson": mutate_json,
                    "xlsx": mutate_zip, "zip": mutate_zip, "gpkg": mutate_gpkg}


@dataclass(frozen=True)
class FuzzFile:
    index: int
    seed: Seed
    data: bytes
    mutations: tuple[str, ...]

    @property
    def filename(self) -> str:
        return self.seed.name


def make_file(seed: int, index: int, seeds: dict[str, list[Seed]]) -> FuzzFile:
    """File ``index`` of run ``seed``: the same inputs give the same bytes."""
    rng = random.Random(f"fuzz:{seed}:{index}")
    fmt = FORMATS[index % len(FORMATS)]
    chosen = rng.choice(seeds[fmt])
    data = chosen.data
    done = []
    for _ in range(rng.choices([1, 2, 3], [0.75, 0.18, 0.07])[0]):
        if data and rng.random() < 0.55:
            name, data = FORMAT_MUTATIONS[fmt](rng, data)
        else:
            name, data = _byte_mutation(rng, data)
        done.append(name)
    return FuzzFile(index, chosen, data, tuple(done))


# --- running one file in a worker --------------------------------------------------------

class _UnexpectedLog(logging.Handler):
    """Counts errors wijkdata logs as unexpected (``logger.exception``)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}")


def _where(tb) -> tuple[str, str]:
    """(the innermost wijkdata frame, the innermost frame) as 'path:function:line'."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return "", ""
    own = [f for f in frames if f"{os.sep}wijkdata{os.sep}" in f.filename]
    where = _short(own[-1].filename, own[-1].name, own[-1].lineno) if own else ""
    return where, _short(frames[-1].filename, frames[-1].name, frames[-1].lineno)


def data_page(data: bytes, filename: str) -> None:
    """What the Data page (``pages/data.py``) does with an uploaded file when the analyst
    takes every default, without Streamlit or a store: the cheap checks, recognising the
    kind, for a list of initiatives the suggested column mapping and the example cells, the
    read with the recognised kind and the preferred map layer, then the report table, the
    preview table and the summaries and preview map of its kind."""
    from wijkdata import upload
    from wijkdata.readers import textio

    upload.check_upload(data, filename)
    herkenning = upload.recognise(data, filename)
    kind = herkenning.kind
    if kind is None:
        return                  # the page asks the analyst to choose
    layer = mapping = None
    if kind == "buurten" and len(herkenning.layers) > 1:
        stems = [Path(name).stem.lower() for name in herkenning.layers]
        layer = next((herkenning.layers[i] for test in (lambda s: s == "buurten",
                                                        lambda s: "buurt" in s)
                      for i, s in enumerate(stems) if test(s)), herkenning.layers[0])
    if kind == "initiatieven" and herkenning.columns:
        raw = textio.read_table(data, filename)
        mapping = upload.initial_mapping(herkenning.columns)
        for column in herkenning.columns:
            upload.voorbeeld(raw, column)
    ingelezen = upload.read_checked(data, filename, kind=kind, layer=layer, mapping=mapping)
    upload.rapport_table(ingelezen)
    upload.ongeldige_rijen(ingelezen)
    upload.geldige_rijen(ingelezen)
    frame = ingelezen.frame
    if frame.empty:
        return
    if kind == "buurten":
        gemeenten = upload.gebieden_samenvatting(frame)
        if len(gemeenten):
            first = gemeenten["gemeentecode"].iloc[0]
            upload.preview_map(frame[frame["gemeentecode"] == first])
    elif kind == "initiatieven":
        upload.initiatieven_samenvatting(frame)
        upload.preview_map(None, upload.initiatief_points(frame, None))
    else:
        upload.dekking(frame, None)
    upload.preview_table(ingelezen, 500)


def run_path(path: str, data: bytes, filename: str) -> dict:
    """Run one path on one file in this process; the result as a plain dict."""
    from wijkdata.errors import WijkdataError
    from wijkdata.readers import read_file

    handler = _UnexpectedLog()
    logging.getLogger("wijkdata").addHandler(handler)
    start = time.perf_counter()
    result = {"path": path, "outcome": "ok", "type": "", "where": "", "deepest": "",
              "message": "", "traceback": "", "leak": ""}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if path == "read_file":
                read_file(data, filename)
            else:
                data_page(data, filename)
    except WijkdataError as exc:
        result.update(outcome="wijkdata", type="WijkdataError", message=str(exc))
        result["where"], result["deepest"] = _where(exc.__traceback__)
        cause = exc.__cause__ or exc.__context__
        if cause is not None and str(cause) and str(cause) in str(exc):
            result["leak"] = f"{type(cause).__name__}: {cause}"
            result["traceback"] = "".join(traceback.format_exception(exc, chain=True))
    except MemoryError as exc:
        result.update(outcome="memory", type="MemoryError", message=str(exc)[:2000],
                      traceback=traceback.format_exc())
        result["where"], result["deepest"] = _where(exc.__traceback__)
    except BaseException as exc:        # noqa: B036 - everything else is a finding
        if isinstance(exc, KeyboardInterrupt):
            raise
        result.update(outcome="other", type=type(exc).__name__, message=str(exc)[:2000],
                      traceback=traceback.format_exc())
        result["where"], result["deepest"] = _where(exc.__traceback__)
    finally:
        logging.getLogger("wijkdata").removeHandler(handler)
    result["seconds"] = time.perf_counter() - start
    result["logged"] = "\n".join(handler.records)[:2000]
    return result


def _worker(conn, log_path: str, address_limit: int) -> None:
    """Worker loop: receive (data, filename, paths), send one result per path."""
    # Not a with-block: the log stays open for the worker process's whole life.
    log = open(log_path, "a", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    faulthandler.enable(file=log)
    # On a timeout or memory kill the parent asks for the stack first: where it hangs.
    faulthandler.register(signal.SIGUSR1, file=log, all_threads=False)
    logging.getLogger("wijkdata").propagate = False
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (address_limit, address_limit))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        data, filename, paths = task
        for path in paths:
            conn.send(run_path(path, data, filename))


def _status(pid: int | str, field_name: str) -> int:
    """A size from /proc/<pid>/status in bytes (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Worker:
    """One worker process, reused from file to file; killed and replaced after a timeout,
    a memory blow-up or a crash.

    Reuse is safe for the outcomes: a reader's cache keyed on the bytes returns what a fresh
    read of the same bytes gives, so running ``read_file`` before ``data_page`` in one process
    changes only how long the second takes (as on the Data page, which reads after it
    recognises). ``read_file`` runs first, so its time is that of a first read.
    """

    def __init__(self, context, log_dir: str, number: int, memory_limit: int):
        self.context, self.log_path = context, os.path.join(log_dir, f"worker{number}.log")
        self.memory_limit = memory_limit
        self.task = None
        self._start()

    def _start(self):
        parent, child = self.context.Pipe()
        # The limits are on top of what the worker has after the fork; the address-space
        # limit catches a blow-up between two polls of the resident size.
        self.base_rss = _status("self", "VmRSS")
        limit = _status("self", "VmSize") + self.memory_limit
        self.process = self.context.Process(target=_worker, args=(child, self.log_path, limit),
                                            daemon=True)
        self.process.start()
        child.close()
        self.conn = parent

    def submit(self, fuzz_file, paths: tuple[str, ...], results: list[dict]) -> None:
        """Run ``paths`` on the file; ``results`` holds those of its paths already run."""
        self.task, self.paths, self.results = fuzz_file, paths, results
        self.started = time.monotonic()
        self.deadline = self.started + TIMEOUT_SECONDS
        with open(self.log_path, "w"):
            pass
        self.conn.send((fuzz_file.data, fuzz_file.filename, paths))

    def poll(self, ready) -> bool:
        """Collect answers; stop the worker when it is too slow, too big or dead. True when
        every path of the task has a result."""
        if self.conn in ready or self.process.sentinel in ready:
            with contextlib.suppress(EOFError, OSError):
                while self.conn.poll():
                    self.results.append(self.conn.recv())
                    self.paths = self.paths[1:]
                    self.started = time.monotonic()
                    self.deadline = self.started + TIMEOUT_SECONDS
        if not self.paths:
            return True
        now = time.monotonic()
        grown = _status(self.process.pid, "VmRSS") - self.base_rss
        if not self.process.is_alive():
            result = _killed_result(self.paths[0], "crash", now - self.started,
                                    f"De worker stopte (exitcode {self.process.exitcode}).",
                                    self.log_tail())
        elif now > self.deadline:
            result = _killed_result(self.paths[0], "timeout", now - self.started,
                                    f"Langer dan {TIMEOUT_SECONDS:g} s; de worker is gestopt.",
                                    self.stack())
        elif grown > self.memory_limit:
            result = _killed_result(self.paths[0], "memory", now - self.started,
                                    f"Geheugen {grown / 1024**3:.1f} GB boven de start, meer "
                                    f"dan {self.memory_limit / 1024**3:.1f} GB; de worker is "
                                    "gestopt.", self.stack())
        else:
            return False
        self.restart()
        remaining = self.paths[1:]
        self.results.append(result)
        if not remaining:
            return True
        # The file's other path runs all the same, in the new worker.
        self.submit(self.task, remaining, self.results)
        return False

    def restart(self):
        self.process.kill()
        self.process.join()
        self.conn.close()
        self._start()

    def stack(self) -> str:
        """The worker's Python stack now (faulthandler), read from its log once the dump
        has stopped growing."""
        before = self._log_size()
        with contextlib.suppress(OSError):
            os.kill(self.process.pid, signal.SIGUSR1)
        end, size, stable_since = time.monotonic() + 3, before, time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.05)
            now = self._log_size()
            if now != size:
                size, stable_since = now, time.monotonic()
            elif size > before and time.monotonic() - stable_since > 0.2:
                break
        return self.log_tail(start=before)

    def _log_size(self) -> int:
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_tail(self, start: int = 0, limit: int = 16_000) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(start)
                return handle.read().decode("utf-8", errors="replace")[-limit:]
        except OSError:
            return ""

    def stop(self):
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


_FAULT_FRAME = re.compile(r'File "([^"]+)", line (\d+) in (\S+)')


def _short(name: str, function: str, line) -> str:
    for marker in ("/wijkdata/", "/site-packages/", "/lib/python"):
        if marker in name:
            name = name[name.index(marker) + 1:]
            break
    return f"{name}:{function}:{line}"


def _killed_result(path: str, outcome: str, seconds: float, detail: str,
                   stack: str = "") -> dict:
    """A path stopped from outside; ``stack`` is faulthandler's dump (innermost first)."""
    frames = _FAULT_FRAME.findall(stack)
    own = [f for f in frames if f"{os.sep}wijkdata{os.sep}" in f[0]]
    where = _short(own[0][0], own[0][2], own[0][1]) if own else ""
    deepest = _short(frames[0][0], frames[0][2], frames[0][1]) if frames else ""
    return {"path": path, "outcome": outcome, "type": outcome.upper(), "where": where,
            "deepest": deepest, "message": detail,
            "traceback": f"{detail}\n{stack}".strip(), "leak": "", "seconds": seconds,
            "logged": ""}


def run_files(files, jobs: int, memory_limit: int = MEMORY_LIMIT_BYTES):
    """Run every FuzzFile through each path in ``jobs`` worker processes.

    Yields (FuzzFile, [result per path, in PATHS order]) as files complete. A path that does
    not answer within the time limit, grows the worker past the memory limit or kills it
    gets that outcome; the file's other path then runs in a fresh worker.
    """
    # Imported before the fork, so a replaced worker starts at once.
    import wijkdata.readers
    import wijkdata.upload  # noqa: F401 - imported for its side effect (loaded before the fork)
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="fuzz-workers-") as log_dir:
        workers = [Worker(context, log_dir, n, memory_limit) for n in range(jobs)]
        pending = iter(files)
        try:
            while True:
                for worker in workers:
                    if worker.task is None:
                        fuzz_file = next(pending, None)
                        if fuzz_file is None:
                            break
                        worker.submit(fuzz_file, PATHS, [])
                busy = [w for w in workers if w.task is not None]
                if not busy:
                    return
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             timeout=0.2)
                for worker in busy:
                    if worker.poll(ready):
                        fuzz_file, results, worker.task = worker.task, worker.results, None
                        yield fuzz_file, results
        finally:
            for worker in workers:
                worker.stop()


# --- figures and saved failures ----------------------------------------------------------

def worst(results: list[dict]) -> str:
    return max((r["outcome"] for r in results), key=OUTCOMES.index)


@dataclass
class Summary:
    seed: int
    files: int = 0
    wall_seconds: float = 0.0
    per_format: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    outcome_by_format: dict = field(default_factory=lambda: defaultdict(Counter))
    path_outcomes: dict = field(default_factory=lambda: defaultdict(Counter))
    other_types: Counter = field(default_factory=Counter)
    distinct: dict = field(default_factory=dict)          # key -> info
    leaks: dict = field(default_factory=dict)             # where -> info
    logged: dict = field(default_factory=dict)            # where -> info
    max_seconds: float = 0.0
    max_file: str = ""
    saved: list = field(default_factory=list)

    @property
    def failures(self) -> int:
        return sum(self.outcomes[o] for o in FAILING)

    def add(self, fuzz_file: FuzzFile, results: list[dict], saved: str | None) -> None:
        self.files += 1
        fmt = fuzz_file.seed.fmt
        outcome = worst(results)
        self.per_format[fmt] += 1
        self.outcomes[outcome] += 1
        self.outcome_by_format[fmt][outcome] += 1
        for result in results:
            self.path_outcomes[result["path"]][result["outcome"]] += 1
            if result["seconds"] > self.max_seconds:
                self.max_seconds = result["seconds"]
                self.max_file = f"{_label(fuzz_file)} ({result['path']})"
            if result["outcome"] in FAILING:
                if result["outcome"] == "other":
                    self.other_types[result["type"]] += 1
                where = _strip_line(result["where"])
                if where:
                    key = f"{result['type']} @ {where}"
                elif result["outcome"] == "other":
                    key = f"{result['type']} @ (geen wijkdata-regel)"
                else:
                    key = f"{result['type']} @ {fmt}"
                self._keep(self.distinct, key, fuzz_file, result, saved)
            if result["leak"]:
                self._keep(self.leaks, _strip_line(result["where"]), fuzz_file, result, saved)
            if result["logged"]:
                self._keep(self.logged, _strip_line(result["where"]) or result["logged"][:80],
                           fuzz_file, result, saved)

    @staticmethod
    def _keep(table, key, fuzz_file, result, saved):
        info = table.setdefault(key, {"count": 0, "size": None})
        info["count"] += 1
        info.setdefault("formats", Counter())[fuzz_file.seed.fmt] += 1
        info.setdefault("paths", Counter())[result["path"]] += 1
        if info["size"] is None or len(fuzz_file.data) < info["size"]:
            info.update(size=len(fuzz_file.data), file=saved or _label(fuzz_file),
                        message=result["message"][:300], leak=result["leak"][:300],
                        logged=result["logged"][:300], where=result["where"],
                        deepest=result["deepest"],
                        frames=_last_frames(result["traceback"]))

    def report(self) -> str:
        lines = [f"Fuzz run seed {self.seed}: {self.files} files in {self.wall_seconds:.0f} s "
                 f"({self.files / max(self.wall_seconds, 1e-9):.1f} files/s)"]
        lines.append("files per format: " + ", ".join(
            f"{fmt} {self.per_format[fmt]}" for fmt in FORMATS))
        lines.append("outcome per file: " + ", ".join(
            f"{o} {self.outcomes[o]}" for o in OUTCOMES))
        for fmt in FORMATS:
            counts = self.outcome_by_format.get(fmt, Counter())
            lines.append(f"  {fmt:8} " + ", ".join(f"{o} {counts[o]}" for o in OUTCOMES
                                                   if counts[o]))
        for path in PATHS:
            counts = self.path_outcomes.get(path, Counter())
            lines.append(f"path {path}: " + ", ".join(f"{o} {counts[o]}" for o in OUTCOMES
                                                     if counts[o]))
        lines.append("other exceptions by type: " + (", ".join(
            f"{t} {n}" for t, n in self.other_types.most_common()) or "none"))
        lines.append(f"timeouts (> {TIMEOUT_SECONDS:g} s): {self.outcomes['timeout']}; "
                     f"memory: {self.outcomes['memory']}; crashes: {self.outcomes['crash']}")
        lines.append(f"max seconds per path: {self.max_seconds:.2f} ({self.max_file})")
        lines.append(f"distinct failures: {len(self.distinct)}")
        for key, info in sorted(self.distinct.items(), key=lambda kv: -kv[1]["count"]):
            lines.append(f"  {info['count']:5}  {key}  [{info['deepest']}]  e.g. {info['file']}")
        lines.append("not failing, but worth a look: WijkdataError showing the library's "
                     f"own text: {sum(i['count'] for i in self.leaks.values())} "
                     f"({len(self.leaks)} places); errors logged as unexpected: "
                     f"{sum(i['count'] for i in self.logged.values())}")
        for key, info in sorted(self.leaks.items(), key=lambda kv: -kv[1]["count"]):
            lines.append(f"  leak {info['count']:5}  {key}: {info['leak'][:100]}")
        for key, info in sorted(self.logged.items(), key=lambda kv: -kv[1]["count"]):
            lines.append(f"  logged {info['count']:5}  {key}: {info['logged'][:100]}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        def plain(value):
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value
        return plain({k: getattr(self, k) for k in (
            "seed", "files", "wall_seconds", "per_format", "outcomes", "outcome_by_format",
            "path_outcomes", "other_types", "distinct", "leaks", "logged", "max_seconds",
            "max_file")})


def _strip_line(where: str) -> str:
    return where.rsplit(":", 1)[0] if where.count(":") >= 2 else where


def _last_frames(text: str, count: int = 4) -> str:
    """The innermost ``count`` frames of a traceback, or of a faulthandler dump (which lists
    the innermost frame first)."""
    lines = text.rstrip().splitlines()
    if any(line.startswith("Stack (most recent call first)") for line in lines):
        frames = [line for line in lines if line.lstrip().startswith("File ")]
        return "\n".join(frames[:count])
    frames = [i for i, line in enumerate(lines) if line.lstrip().startswith("File ")]
    if not frames:
        return "\n".join(lines[-6:])
    return "\n".join(lines[frames[max(0, len(frames) - count)]:])


def _label(fuzz_file: FuzzFile) -> str:
    return f"#{fuzz_file.index} {fuzz_file.filename} [{'+'.join(fuzz_file.mutations)}]"


def save_failure(out: Path, seed: int, fuzz_file: FuzzFile, results: list[dict]) -> str:
    """Write the file and a .txt with traceback and the command that reproduces it."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"s{seed}-{fuzz_file.index:06d}__{fuzz_file.filename}"
    path.write_bytes(fuzz_file.data)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    lines = [f"file: {fuzz_file.filename} (seed file), {len(fuzz_file.data)} bytes",
             f"run: --seed {seed}, file #{fuzz_file.index}",
             f"mutations: {', '.join(fuzz_file.mutations)}",
             f"repro: python scripts/fuzz_readers.py --repro {shlex.quote(str(shown))}",
             f"regenerate: python scripts/fuzz_readers.py --seed {seed} --only "
             f"{fuzz_file.index}", ""]
    for result in results:
        lines.append(f"== {result['path']}: {result['outcome']} {result['type']} "
                     f"({result['seconds']:.2f} s)")
        if result["where"]:
            lines.append(f"raised in wijkdata at {result['where']}; innermost "
                         f"{result['deepest']}")
        if result["message"] and result["outcome"] != "ok" \
                and not result["traceback"].startswith(result["message"]):
            lines.append(f"message: {result['message'][:1000]}")
        if result["traceback"]:
            lines.append(result["traceback"].rstrip())
        if result["logged"]:
            lines.append("logged by wijkdata:\n" + result["logged"])
        lines.append("")
    Path(f"{path}.txt").write_text("\n".join(lines), encoding="utf-8")
    return str(shown)


def run(seed: int = 1, count: int = 5000, jobs: int = 2, out: Path | None = None,
        small: bool = False, only: list[int] | None = None, progress: bool = False,
        save_notes: bool = False) -> Summary:
    """Generate ``count`` files of run ``seed`` (or only the indices ``only``), run them,
    save failures under ``out``; returns the figures."""
    seeds = build_seeds(small=small)
    indices = list(only) if only is not None else list(range(count))
    files = (make_file(seed, i, seeds) for i in indices)
    summary = Summary(seed)
    start = time.monotonic()
    for done, (fuzz_file, results) in enumerate(run_files(files, jobs), start=1):
        outcome = worst(results)
        saved = None
        noteworthy = save_notes and any(r["leak"] or r["logged"] for r in results)
        if out is not None and (outcome in FAILING or noteworthy):
            saved = save_failure(out if outcome in FAILING else out / "notes", seed,
                                 fuzz_file, results)
        summary.add(fuzz_file, results, saved)
        if progress and (done % 250 == 0 or outcome in FAILING):
            elapsed = time.monotonic() - start
            print(f"[{done}/{len(indices)} {elapsed:.0f} s] "
                  + (f"{outcome}: {_label(fuzz_file)} "
                     f"{'; '.join(r['type'] for r in results if r['outcome'] in FAILING)}"
                     if outcome in FAILING else "progress"), flush=True)
    summary.wall_seconds = time.monotonic() - start
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"summary-seed{seed}.json").write_text(
            json.dumps(summary.as_dict(), indent=1, ensure_ascii=False, default=str))
    return summary


def repro(path: Path) -> int:
    """Run one saved file through both paths (in a worker, with the limits) and print the
    outcome and traceback of each."""
    name = path.name.split("__", 1)[1] if "__" in path.name else path.name
    data = path.read_bytes()
    fuzz_file = FuzzFile(0, Seed(name, _format_of(data, name) or "?", b""), data, ("repro",))
    print(f"{path} as '{name}', {len(data)} bytes")
    failed = False
    for _, results in run_files([fuzz_file], jobs=1):
        for result in results:
            print(f"== {result['path']}: {result['outcome']} {result['type']} "
                  f"({result['seconds']:.2f} s)")
            if result["message"] and result["outcome"] != "ok" \
                    and not result["traceback"].startswith(result["message"]):
                print(f"message: {result['message'][:1000]}")
            if result["traceback"]:
                print(result["traceback"].rstrip())
            failed = failed or result["outcome"] in FAILING
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="the run: same seed, same files")
    parser.add_argument("--count", type=int, default=5000, help="number of files")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--out", type=Path, default=Path("artifacts/fuzz"),
                        help="where failing files, their .txt and the summary go")
    parser.add_argument("--small", action="store_true",
                        help="only the small seed files (the test suite's sample)")
    parser.add_argument("--only", type=int, nargs="+", metavar="INDEX",
                        help="run only these file numbers of the seed")
    parser.add_argument("--notes", action="store_true",
                        help="also save files whose WijkdataError shows library text, "
                             "under OUT/notes")
    parser.add_argument("--repro", type=Path, metavar="FILE",
                        help="run one saved file and print the traceback")
    args = parser.parse_args(argv)
    if args.repro:
        return repro(args.repro)
    summary = run(args.seed, args.count, args.jobs, args.out, small=args.small,
                  only=args.only, progress=True, save_notes=args.notes)
    print(summary.report())
    if summary.failures:
        print(f"{summary.failures} files failed; saved under {args.out}")
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
