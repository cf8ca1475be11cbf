"""One factory for small, hand-checkable test data in the canonical shapes.

``make_frames(**variants)`` returns the three frames the readers produce (gebieden,
indicatoren, initiatieven); ``publish(url, **variants)`` stores them as datasets so the app
and the command line run on them. Keyword arguments make the variants a test needs; no data
is copied between tests.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from wijkdata.model.schema import INDICATOREN_COLUMNS


def make_frames(*, gemeenten=("0001", "0002"), buurten_per_wijk=3, wijken=2,
                missing=True, initiatieven=True, zonder_initiatieven=("0002",)):
    """Square buurten (500 m) per gemeente; gemeente i lies 10 km east of gemeente i-1.

    - ``missing``: the last buurt of each gemeente has 60 inwoners and no loneliness figure.
    - ``zonder_initiatieven``: gemeenten that get no initiatives at all.
    Loneliness of buurt j in a wijk is 30 + 5·j % (18+), ±3 points interval.
    """
    geo_rows, ind_rows, ini_rows = [], [], []
    for g, gm in enumerate(gemeenten):
        codes = []
        for w in range(wijken):
            for b in range(buurten_per_wijk):
                code = f"BU{gm}{w:02d}{b:02d}"
                codes.append(code)
                x0 = 100000 + g * 10000 + b * 500
                y0 = 450000 + w * 500
                geo_rows.append({
                    "code": code, "naam": f"Buurt {gm}-{w}-{b}", "niveau": "buurt",
                    "wijkcode": f"WK{gm}{w:02d}", "wijknaam": f"Wijk {gm}-{w}",
                    "gemeentecode": f"GM{gm}", "gemeentenaam": f"Gemeente {gm}",
                    "inwoners": 1000.0 * (b + 1), "pct_65plus": 20.0, "periode": 2024,
                    "geometry": box(x0, y0, x0 + 500, y0 + 500)})
        last = codes[-1]
        if missing:
            geo_rows[-1]["inwoners"] = 60.0
        for code in codes:
            j = int(code[-1])
            for periode, shift in ((2020, 0.0), (2022, 2.0)):
                for leeftijd, extra in (("18+", 0.0), ("18-64", -5.0), ("65+", 8.0)):
                    value = np.nan if (missing and code == last) else 30 + 5 * j + shift + extra
                    ind_rows.append([code, "eenzaam", periode, leeftijd, value,
                                     value - 3, value + 3, "test"])
        for periode, value in ((2020, 34.0), (2022, 36.0)):
            ind_rows.append([f"GM{gm}", "eenzaam", periode, "18+", value, value - 1,
                             value + 1, "test"])
        if initiatieven and gm not in zonder_initiatieven:
            # two initiatives in the first buurt of the gemeente, one code-only in the second
            x0, y0 = 100000 + g * 10000, 450000
            for i, (activiteit, wij_type) in enumerate((("ontmoeting", "bonding"),
                                                        ("feest", "bridging"))):
                ini_rows.append(_initiatief(f"Init {gm}-{i}", activiteit, wij_type,
                                            x=x0 + 100 + 100 * i, y=y0 + 100))
            ini_rows.append(_initiatief(f"Init {gm}-code", "sport en bewegen", "beide",
                                        buurtcode=codes[1]))
    for value in ((2020, 40.0), (2022, 42.0)):
        ind_rows.append(["NL01", "eenzaam", value[0], "18+", value[1], value[1] - 0.5,
                         value[1] + 0.5, "test"])
    gebieden = gpd.GeoDataFrame(geo_rows, crs="EPSG:28992")
    indicatoren = pd.DataFrame(ind_rows, columns=INDICATOREN_COLUMNS)
    ini = pd.DataFrame(ini_rows)
    return gebieden, indicatoren, ini


def _initiatief(naam, activiteit, wij_type, *, x=np.nan, y=np.nan, buurtcode=None):
    return {"naam": naam, "omschrijving": f"Over {naam}", "activiteit": activiteit,
            "wij_type": wij_type, "doelgroepen": "ouderen; jongeren", "frequentie": "wekelijks",
            "startdatum": "2023-01-01", "einddatum": None, "organisator": "bewoners",
            "buurtcode": buurtcode, "lat": np.nan, "lon": np.nan, "x": x, "y": y,
            "locatie_verborgen": False}


def publish(url: str, **variants) -> None:
    """Store the factory's frames as three datasets in the database at ``url``."""
    from wijkdata.store import Store
    gebieden, indicatoren, initiatieven = make_frames(**variants)
    store = Store(url)
    store.publish("buurten", "testgebieden", gebieden, source_filename="test.gpkg",
                  checksum="0", created_by="test")
    store.publish("indicatoren", "testcijfers", indicatoren, source_filename="test.csv",
                  checksum="0", created_by="test")
    if len(initiatieven):
        store.publish("initiatieven", "testinitiatieven", initiatieven,
                      source_filename="test.csv", checksum="0", created_by="test")


# --- real-shaped files, read and published as an analyst would --------------------------

def initiatieven_csv(buurtcodes: list[str], n: int = 24, seed: int = 0) -> bytes:
    """A municipal initiative list as Dutch Excel saves it: ';'-separated, UTF-8 with BOM,
    CRLF, quoted cells with ';' and doubled quotes, coordinates left out (buurtcode only),
    dates as 5-8-2024, and empty cells where a list has gaps (no frequency, no
    description, no end date)."""
    import csv
    import io
    import random

    from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, WIJ_TYPES
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Naam initiatief", "Omschrijving", "Activiteit", "Wij-type", "Doelgroep",
                     "Frequentie", "Startdatum", "Einddatum", "Organisator", "Buurtcode",
                     "Contactpersoon"])
    for i in range(n):
        writer.writerow([
            f"Koffie & \"praat\" {i}; met soesjes" if i % 5 == 0 else f"Buurtinitiatief {i}",
            "" if i % 3 == 0 else f"Samen iets doen, keer {i}",
            ACTIVITEITEN[i % len(ACTIVITEITEN)], WIJ_TYPES[i % len(WIJ_TYPES)],
            "; ".join(rng.sample(DOELGROEPEN, 1 + i % 2)),
            "" if i % 4 == 0 else rng.choice(["wekelijks", "maandelijks", "jaarlijks"]),
            f"{1 + i % 28}-{1 + i % 12}-2023", "", "bewoners",
            buurtcodes[(i * 7) % len(buurtcodes)], f"Persoon {i}"])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def publish_files(url: str, files: dict[str, bytes]) -> dict[str, object]:
    """Read each file through the project's reader and publish it with the page's
    defaults (the file name as dataset name). Returns file name → the reader's result."""
    import hashlib
    from pathlib import PurePath

    from wijkdata.readers import read_file
    from wijkdata.store import Store
    store = Store(url)
    results = {}
    for name, data in files.items():
        ingelezen = read_file(data, name)
        assert ingelezen.usable(), (name, ingelezen.rapport.errors[:3])
        store.publish(ingelezen.kind, PurePath(name).stem, ingelezen.frame,
                      source_filename=name, checksum=hashlib.sha256(data).hexdigest(),
                      created_by="test")
        results[name] = ingelezen
    store.dispose()
    return results


def almere_files(seed: int = 0, *, punten: int = 0) -> dict[str, bytes]:
    """tests.realshapes.almere_scenario (PDOK buurten without gemeentenaam, CBS Kerncijfers
    OData CSV, RIVM 50120NED with buurt rows only) plus a Dutch-Excel initiative list: by
    buurtcode only, or — with ``punten`` > 0 — that many initiatives with RD coordinates at
    random places in the gemeente, as a list with addresses geocoded by the gemeente."""
    from tests.realshapes import almere_scenario, gemeente_buurtcodes
    files = almere_scenario(seed)
    codes = [c for c in gemeente_buurtcodes() if c.startswith("BU")]
    if punten:
        files["initiatieven_almere.csv"] = initiatieven_met_punten_csv(
            files["buurten_pdok_2024.geojson"], punten, seed=seed)
    else:
        files["initiatieven_almere.csv"] = initiatieven_csv(codes, seed=seed)
    return files


def initiatieven_met_punten_csv(buurten_geojson: bytes, n: int, seed: int = 0) -> bytes:
    """``n`` initiatives at uniformly random points inside the buurten of a GeoJSON, as a
    ';'-separated Dutch-Excel CSV with RD x/y (decimal comma) and no buurtcode."""
    import csv
    import io

    import geopandas as gpd
    import shapely

    from wijkdata.model.schema import ACTIVITEITEN, WIJ_TYPES
    # the PDOK fixture has invalid rings on purpose, as the real files do
    area = gpd.read_file(io.BytesIO(buurten_geojson)).to_crs("EPSG:28992").make_valid() \
        .union_all()
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = area.bounds
    points = []
    while len(points) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if area.contains(shapely.Point(x, y)):
            points.append((x, y))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Naam initiatief", "Activiteit", "Wij-type", "Startdatum", "X", "Y"])
    for i, (x, y) in enumerate(points):
        writer.writerow([f"Buurtinitiatief {i}", ACTIVITEITEN[i % len(ACTIVITEITEN)],
                         WIJ_TYPES[i % len(WIJ_TYPES)], f"{1 + i % 28}-{1 + i % 12}-2023",
                         f"{x:.1f}".replace(".", ","), f"{y:.1f}".replace(".", ",")])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
