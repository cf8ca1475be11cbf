"""The embedded demo municipality (wijkdata.generators.demo) and its committed files."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkdata.generators import demo
from wijkdata.model import codes, schema
from wijkdata.readers.textio import parse_number, read_csv_text

ROOT = demo.DEMO_DIR.parent.parent
ALL_FILES = [*demo.FILES.values(), demo.README]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A fresh generation, so the content tests check the generator, not a stale copy."""
    path = tmp_path_factory.mktemp("demo")
    demo.write_demo(path)
    return path


@pytest.fixture(scope="module")
def buurten(folder):
    return gpd.read_file(folder / demo.FILES["buurten"]).to_crs(28992)


@pytest.fixture(scope="module")
def rivm(folder):
    frame = pd.read_csv(folder / demo.FILES["indicatoren"], sep=";", dtype=str,
                        keep_default_na=False)
    for column in demo.RIVM_COLUMNS.values():
        frame[column] = frame[column].map(parse_number)
    return frame


@pytest.fixture(scope="module")
def initiatieven(folder):
    return read_csv_text((folder / demo.FILES["initiatieven"]).read_bytes(), "initiatieven.csv")


@pytest.fixture(scope="module")
def punten(initiatieven):
    """Initiatives with a point, in EPSG:28992."""
    with_point = initiatieven[initiatieven["lat"] != ""]
    lon = with_point["lon"].map(parse_number)
    lat = with_point["lat"].map(parse_number)
    return gpd.GeoDataFrame(with_point, geometry=gpd.points_from_xy(lon, lat),
                            crs=4326).to_crs(28992)


def _rivm_values(rivm, soort="Buurt", leeftijd="18+", marge="waarde", periode=2022,
                 indicator="eenzaam"):
    rows = rivm[(rivm["SoortRegio_2"].str.strip() == soort)
                & (rivm["Leeftijd"] == demo.LEEFTIJD_CODES[leeftijd])
                & (rivm["Marges"] == demo.MARGES[marge])
                & (rivm["Perioden"] == f"{periode}JJ00")]
    return rows.set_index("Codering_3")[demo.RIVM_COLUMNS[indicator]]


# --- determinism ----------------------------------------------------------------------------

def test_two_runs_are_byte_identical(folder, tmp_path):
    demo.write_demo(tmp_path)
    for name in ALL_FILES:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_committed_files_are_up_to_date(folder):
    for name in ALL_FILES:
        committed = demo.DEMO_DIR / name
        assert committed.exists(), f"{committed} ontbreekt: run python scripts/make_demo.py"
        assert committed.read_bytes() == (folder / name).read_bytes(), (
            f"{name} is stale: run python scripts/make_demo.py")


def test_script_writes_the_same_files(folder, tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for name in ALL_FILES:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_demo_is_small(folder):
    assert sum((folder / name).stat().st_size for name in ALL_FILES) < 1_000_000


def test_readme_says_fictitious(folder):
    text = (folder / demo.README).read_text(encoding="utf-8")
    assert "fictief" in text and "scripts/make_demo.py" in text


# --- buurten --------------------------------------------------------------------------------

def test_buurten_properties_look_like_the_cbs_wijk_en_buurtkaart(folder, buurten):
    raw = json.loads((folder / demo.FILES["buurten"]).read_text(encoding="utf-8"))
    assert raw["type"] == "FeatureCollection"
    expected = ["buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode",
                "gemeentenaam", "water", "aantal_inwoners",
                "percentage_personen_65_jaar_en_ouder", "aantal_huishoudens",
                "percentage_eenpersoonshuishoudens", "jaar"]
    assert all(list(f["properties"]) == expected for f in raw["features"])
    assert set(buurten["water"]) == {"NEE"}
    assert set(buurten["jaar"]) == {2024}
    assert set(buurten["gemeentecode"]) == {"GM9999"}
    assert set(buurten["gemeentenaam"]) == {"Lindewaarde"}


def test_coordinates_are_lon_lat_with_six_decimals(folder):
    raw = json.loads((folder / demo.FILES["buurten"]).read_text(encoding="utf-8"))
    coords = np.array([xy for f in raw["features"] for xy in f["geometry"]["coordinates"][0]])
    assert 3.3 < coords[:, 0].min() and coords[:, 0].max() < 7.3      # lon in the Netherlands
    assert 50.7 < coords[:, 1].min() and coords[:, 1].max() < 53.6
    assert np.allclose(coords, np.round(coords, 6), rtol=0, atol=1e-12)


def test_codes_and_counts(buurten):
    assert 30 <= len(buurten) <= 45
    assert 5 <= buurten["wijkcode"].nunique() <= 7
    assert buurten["buurtcode"].is_unique and buurten["buurtnaam"].is_unique
    assert all(codes.is_valid(c, "buurt") for c in buurten["buurtcode"])
    assert (codes.wijkcodes(buurten["buurtcode"]) == buurten["wijkcode"]).all()
    assert buurten["buurtcode"].str.startswith("BU9999").all()
    # Each wijk has one name, and a wijk of at least three buurten.
    assert (buurten.groupby("wijkcode")["wijknaam"].nunique() == 1).all()
    assert buurten.groupby("wijkcode").size().min() >= 3


def test_polygons_are_valid_and_not_too_detailed(buurten):
    assert buurten.geometry.is_valid.all()
    assert (buurten.geom_type == "Polygon").all()
    vertices = shapely.get_num_coordinates(buurten.geometry.values)
    assert vertices.min() >= 10 and vertices.max() <= 80


def test_buurten_do_not_overlap(buurten):
    geoms = list(buurten.geometry)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right):
        if i < j:
            assert geoms[i].intersection(geoms[j]).area < 1.0, (i, j)     # m²


def test_buurten_cover_the_town_without_gaps(buurten):
    union = shapely.union_all(list(buurten.geometry))
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    outline = demo.town_outline()
    assert union.area == pytest.approx(outline.area, rel=1e-3)
    assert union.symmetric_difference(outline).area < 1e-3 * outline.area
    # A town of roughly 5 × 4 km.
    minx, miny, maxx, maxy = union.bounds
    assert 4000 < maxx - minx < 6500 and 3000 < maxy - miny < 5500


def test_every_wijk_is_contiguous(buurten):
    for wijkcode, group in buurten.groupby("wijkcode"):
        assert shapely.union_all(list(group.geometry)).geom_type == "Polygon", wijkcode


def test_not_a_grid(buurten):
    """Irregular shapes: areas differ and hardly any buurt is a rectangle."""
    areas = buurten.geometry.area
    assert areas.max() / areas.min() > 3
    rectangularity = areas / buurten.geometry.envelope.area
    assert (rectangularity > 0.95).sum() == 0


def test_context_figures(buurten):
    secret = buurten["percentage_personen_65_jaar_en_ouder"] == demo.CBS_GEHEIM
    assert secret.sum() == 1
    tiny = buurten[secret].iloc[0]
    assert tiny["buurtnaam"] == demo.INDUSTRIETERREIN and tiny["aantal_inwoners"] < 100
    assert tiny["percentage_eenpersoonshuishoudens"] == demo.CBS_GEHEIM
    assert parse_number(str(tiny["percentage_eenpersoonshuishoudens"])) != \
        parse_number(str(tiny["percentage_eenpersoonshuishoudens"]))          # NaN: missing
    rest = buurten[~secret]
    assert rest["percentage_personen_65_jaar_en_ouder"].between(8, 40).all()
    assert rest["percentage_eenpersoonshuishoudens"].between(20, 65).all()
    small = buurten["aantal_inwoners"] < 300
    assert 1 <= small.sum() <= 2
    assert buurten.loc[~small, "aantal_inwoners"].between(300, 4000).all()
    assert (buurten["aantal_inwoners"] % 5 == 0).all()
    assert (buurten["aantal_huishoudens"] < buurten["aantal_inwoners"]).all()


# --- RIVM 50120NED --------------------------------------------------------------------------

def test_rivm_file_has_the_cbs_odata_shape(folder, rivm, buurten):
    text = (folder / demo.FILES["indicatoren"]).read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;Leeftijd;Marges;Perioden;"
        "Eenzaam_27;ErnstigZeerErnstigEenzaam_28;EmotioneelEenzaam_29;SociaalEenzaam_30")
    assert (rivm["WijkenEnBuurten"].str.len() == 10).all()
    assert set(rivm["SoortRegio_2"]) == {"Buurt     ", "Wijk      ", "Gemeente  ", "Land      "}
    assert (rivm["WijkenEnBuurten"].str.strip() == rivm["Codering_3"]).all()
    assert rivm["ID"].tolist() == [str(i) for i in range(len(rivm))]
    areas = {"NL01", "GM9999", *buurten["wijkcode"], *buurten["buurtcode"]}
    assert set(rivm["Codering_3"]) == areas
    assert len(rivm) == len(areas) * 3 * 3 * 3          # leeftijd × marges × perioden
    cells = re.findall(r";([^;\n]*)", "\n".join(
        line.split(";", 8)[-1] for line in text.splitlines()[1:]))
    assert all(re.fullmatch(r"\.|\d{1,3},\d", c) for c in cells)


def test_intervals_contain_the_value(rivm):
    for indicator in demo.RIVM_COLUMNS:
        for leeftijd in demo.LEEFTIJD_CODES:
            for periode in demo.PERIODEN:
                kwargs = dict(leeftijd=leeftijd, periode=periode, indicator=indicator)
                for soort in ("Buurt", "Wijk", "Gemeente", "Land"):
                    value = _rivm_values(rivm, soort, marge="waarde", **kwargs)
                    lower = _rivm_values(rivm, soort, marge="ondergrens", **kwargs)
                    upper = _rivm_values(rivm, soort, marge="bovengrens", **kwargs)
                    present = value.notna()
                    assert (lower[present] < value[present]).all()
                    assert (value[present] < upper[present]).all()
                    assert (lower.isna() == value.isna()).all()


def test_interval_width_depends_on_population(rivm, buurten):
    def halfwidth(soort):
        return ((_rivm_values(rivm, soort, marge="bovengrens")
                 - _rivm_values(rivm, soort, marge="ondergrens")) / 2).dropna()

    buurt = halfwidth("Buurt")
    assert buurt.between(2.5, 13.5).all()
    inwoners = buurten.set_index("buurtcode")["aantal_inwoners"].reindex(buurt.index)
    assert buurt[inwoners.idxmin()] > buurt[inwoners.idxmax()]
    assert halfwidth("Wijk").max() < buurt.median()
    assert halfwidth("Gemeente").iloc[0] < halfwidth("Wijk").min()


def test_nederland_as_published(rivm):
    for periode, expected in [(2016, 43.0), (2020, 47.0), (2022, 46.1)]:
        assert _rivm_values(rivm, "Land", periode=periode)["NL01"] == expected


def test_missing_values_stay_missing(rivm, buurten):
    tiny = buurten.loc[buurten["aantal_inwoners"] < 100, "buurtcode"].tolist()
    assert len(tiny) == 1
    rows = rivm[rivm["Codering_3"] == tiny[0]]
    assert rows[list(demo.RIVM_COLUMNS.values())].isna().all().all()
    others = rivm[rivm["Codering_3"] != tiny[0]]
    missing = others[others.isna().any(axis=1)]
    assert set(missing["Perioden"]) == {"2016JJ00"}
    assert missing["Codering_3"].nunique() == 1
    assert missing[["Eenzaam_27", "ErnstigZeerErnstigEenzaam_28"]].notna().all().all()
    assert missing["SociaalEenzaam_30"].isna().all()


def test_loneliness_is_plausible(rivm):
    eenzaam = _rivm_values(rivm).dropna()
    assert eenzaam.between(33, 62).all() and eenzaam.max() - eenzaam.min() > 15
    ernstig = _rivm_values(rivm, indicator="ernstig_eenzaam").dropna()
    assert ernstig.between(7, 21).all()
    ouderen = _rivm_values(rivm, leeftijd="65+").dropna()
    assert (ouderen > eenzaam).mean() > 0.9
    gemeente = {p: _rivm_values(rivm, "Gemeente", periode=p)["GM9999"] for p in demo.PERIODEN}
    assert gemeente[2016] < gemeente[2020]


def test_loneliness_follows_demography(rivm, buurten):
    frame = buurten.set_index("buurtcode")
    frame["eenzaam"] = _rivm_values(rivm)
    frame = frame.dropna(subset=["eenzaam"])
    assert frame["eenzaam"].corr(frame["percentage_personen_65_jaar_en_ouder"]) > 0.2
    assert frame["eenzaam"].corr(frame["percentage_eenpersoonshuishoudens"]) > 0.4


def test_wijk_and_gemeente_are_population_weighted(rivm, buurten):
    """A wijk figure is sum(inwoners × buurt figure) / sum(inwoners), missing buurten left
    out (18+ is a fixed 80% of inwoners in the demo, so inwoners weigh the same)."""
    frame = buurten.set_index("buurtcode")
    frame["eenzaam"] = _rivm_values(rivm)
    frame = frame.dropna(subset=["eenzaam"])
    frame["gewogen"] = frame["eenzaam"] * frame["aantal_inwoners"]
    sums = frame.groupby("wijkcode")[["gewogen", "aantal_inwoners"]].sum()
    expected = sums["gewogen"] / sums["aantal_inwoners"]
    wijken = _rivm_values(rivm, "Wijk")
    assert np.allclose(wijken[expected.index], expected, atol=0.06)
    gemeente = frame["gewogen"].sum() / frame["aantal_inwoners"].sum()
    assert _rivm_values(rivm, "Gemeente")["GM9999"] == pytest.approx(gemeente, abs=0.06)


# --- initiatieven ---------------------------------------------------------------------------

def test_initiatieven_file_is_a_dutch_excel_export(folder, initiatieven):
    data = (folder / demo.FILES["initiatieven"]).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].split(b"\n")[0].decode() == ";".join(schema.INITIATIEF_COLUMNS)
    assert list(initiatieven.columns) == schema.INITIATIEF_COLUMNS
    assert 90 <= len(initiatieven) <= 110
    assert initiatieven["naam"].is_unique
    assert (initiatieven["omschrijving"].str.len() > 20).all()
    assert initiatieven["lat"].str.contains(",").any()     # decimal comma


def test_every_kind_appears(initiatieven):
    assert set(initiatieven["activiteit"]) == set(schema.ACTIVITEITEN)
    assert set(initiatieven["wij_type"]) == set(schema.WIJ_TYPES)
    doelgroepen = {d for cell in initiatieven["doelgroepen"] for d in cell.split(", ")}
    assert doelgroepen == set(schema.DOELGROEPEN)
    assert set(initiatieven["frequentie"]) == {"wekelijks", "maandelijks", "jaarlijks",
                                               "eenmalig", "doorlopend"}
    assert set(initiatieven["organisator"]) == {"bewoners", "welzijnsorganisatie",
                                                "kerk of moskee", "sportclub", "school",
                                                "bibliotheek"}
    assert set(initiatieven["locatie_verborgen"]) == {"ja", "nee"}


def test_dates(initiatieven):
    start = initiatieven["startdatum"].map(date.fromisoformat)
    assert start.min() >= date(2010, 1, 1) and start.max() <= date(2025, 12, 31)
    ended = initiatieven[initiatieven["einddatum"] != ""]
    assert (ended["frequentie"] == "eenmalig").all()
    assert (ended["einddatum"].map(date.fromisoformat)
            >= ended["startdatum"].map(date.fromisoformat)).all()


def test_locations(initiatieven, punten, buurten):
    only_code = initiatieven[initiatieven["lat"] == ""]
    assert 6 <= len(only_code) <= 16
    assert (only_code["lon"] == "").all()
    assert only_code["buurtcode"].isin(buurten["buurtcode"]).all()
    hidden = punten[punten["locatie_verborgen"] == "ja"]
    assert 3 <= len(hidden) <= 8
    # A hidden point still says in which buurt it lies, so the app can show it there.
    polygons = buurten.set_index("buurtcode").geometry
    assert all(polygons[row.buurtcode].contains(row.geometry) for row in hidden.itertuples())
    town = shapely.union_all(list(buurten.geometry))
    assert punten.geometry.within(town).all()


def test_no_personal_data(folder, initiatieven):
    assert not set(schema.PERSOONSGEGEVENS_COLUMNS) & set(initiatieven.columns)
    text = (folder / demo.FILES["initiatieven"]).read_text(encoding="utf-8-sig")
    assert "@" not in text
    assert not re.search(r"\b0\d{1,3}[- ]?\d{6,8}\b", text)      # Dutch phone numbers


def _per_buurt(initiatieven, punten, buurten):
    joined = gpd.sjoin(punten[["geometry"]], buurten[["buurtcode", "geometry"]],
                       predicate="within")
    codes_ = pd.concat([joined["buurtcode"],
                        initiatieven.loc[initiatieven["lat"] == "", "buurtcode"]])
    return codes_.value_counts().reindex(buurten["buurtcode"], fill_value=0)


def test_initiatives_are_spread_unevenly(initiatieven, punten, buurten):
    counts = _per_buurt(initiatieven, punten, buurten)
    assert counts.sum() == len(initiatieven)
    assert counts.max() >= 6 and (counts == 0).sum() >= 4


def test_witte_vlekken_are_visible(initiatieven, punten, buurten, rivm):
    """Default definition: eenzaam 18+ (2022) in the top quartile of the gemeente and
    initiatives per 1,000 inwoners in the bottom quartile (per 1,000 only from 100 inwoners)."""
    frame = buurten.set_index("buurtcode")
    frame["aantal"] = _per_buurt(initiatieven, punten, buurten)
    frame["per1000"] = (frame["aantal"] / frame["aantal_inwoners"] * 1000).where(
        frame["aantal_inwoners"] >= 100)
    frame["eenzaam"] = _rivm_values(rivm)
    hoog = frame["eenzaam"] >= frame["eenzaam"].quantile(0.75)
    laag = frame["per1000"] <= frame["per1000"].quantile(0.25)
    assert (hoog & laag).sum() >= 4
    # Also with strict inequalities, so another quantile convention finds them too.
    strict = ((frame["eenzaam"] > frame["eenzaam"].quantile(0.75))
              & (frame["per1000"] < frame["per1000"].quantile(0.25)))
    assert strict.sum() >= 4
    # And some lonely buurten are rich in initiatives: loneliness alone does not decide.
    assert (hoog & (frame["per1000"] > frame["per1000"].median())).any()
