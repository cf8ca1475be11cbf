"""Prepared map files: simplified borders stay shared, files are written once and reused,
and the fingerprint follows the borders."""
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from wijkdata.draw import kaart, kaartcache
from wijkdata.generators import synthetic
from wijkdata.model.schema import RD


@pytest.fixture(scope="module")
def buurten():
    """About 250 buurten with full-resolution borders, in the canonical columns."""
    nl = synthetic.generate(250, 6, 10, seed=11)
    b = nl.buurten.rename(columns={"buurtcode": "code", "buurtnaam": "naam"})
    return gpd.GeoDataFrame(b[["code", "naam", "wijkcode", "wijknaam", "gemeentecode",
                               "gemeentenaam", "geometry"]], crs=RD)


@pytest.fixture(autouse=True)
def _fresh_memo():
    kaartcache.clear_memo()
    yield
    kaartcache.clear_memo()


def overlap_and_gap(original, simplified):
    """(sum of areas − union area, |union − original union|) relative to the total area."""
    total = shapely.union_all(original).area
    union = shapely.union_all(simplified)
    overlap = shapely.area(simplified).sum() - union.area
    gap = shapely.symmetric_difference(union, shapely.union_all(original)).area
    return overlap / total, gap / total


@pytest.mark.parametrize("tolerance", [5.0, 50.0, 250.0])
def test_coverage_simplification_keeps_shared_borders(buurten, tolerance):
    original = buurten.geometry.values
    simplified = kaartcache.simplify(original, tolerance)
    assert shapely.get_num_coordinates(simplified).sum() \
        < shapely.get_num_coordinates(original).sum()
    assert shapely.coverage_is_valid(simplified, gap_width=tolerance)
    overlap, _ = overlap_and_gap(original, simplified)
    assert overlap < 1e-9
    # the outside of the country may move by up to the tolerance; inside nothing opens up
    outer = shapely.union_all(simplified)
    assert shapely.get_num_interior_rings(outer) == \
        shapely.get_num_interior_rings(shapely.union_all(original))


def test_simplifying_buurten_one_by_one_would_open_gaps(buurten):
    # the check above can fail: the naive way breaks it
    one_by_one = shapely.simplify(buurten.geometry.values, 50.0)
    assert not shapely.coverage_is_valid(one_by_one, gap_width=50.0)


def geometry_of(path):
    data = json.loads(path.read_text())
    codes = [f["id"] for f in data["features"]]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
    return codes, gpd.GeoSeries(shapes, crs="EPSG:4326").to_crs(RD).values


@pytest.mark.parametrize("gemeente", [None, "first"])
def test_written_geojson_has_every_buurt_without_gaps_or_slivers(buurten, tmp_path, gemeente):
    if gemeente == "first":
        gemeente = buurten["gemeentecode"].iloc[0]
    laag = kaartcache.laag(buurten, gemeente, "buurt", root=tmp_path)
    areas = buurten if gemeente is None else buurten[buurten["gemeentecode"] == gemeente]
    codes, shapes = geometry_of(laag.path)
    assert codes == list(areas["code"])
    assert laag.features == len(areas)
    overlap, gap = overlap_and_gap(areas.geometry.values, shapes)
    # rounding to 4 or 5 decimals moves a vertex by at most a few metres, the same way for
    # both neighbours: no overlaps, and the outline within the tolerance
    assert overlap < 1e-4
    assert gap < 0.02
    raw = json.loads(laag.path.read_text())["features"][0]["geometry"]["coordinates"][0][0]
    assert 3 < raw[0] < 8 and 50 < raw[1] < 54          # lon/lat, as GeoJSON requires


def test_wijk_and_gemeente_layers_are_unions_of_the_simplified_buurten(buurten, tmp_path):
    buurt = kaartcache.laag(buurten, None, "buurt", root=tmp_path)
    wijk = kaartcache.laag(buurten, None, "wijk", root=tmp_path)
    gemeente = kaartcache.laag(buurten, None, "gemeente", root=tmp_path)
    codes, wijk_shapes = geometry_of(wijk.path)
    assert codes == sorted(buurten["wijkcode"].unique())
    assert gemeente.features == buurten["gemeentecode"].nunique()
    _, buurt_shapes = geometry_of(buurt.path)
    assert abs(shapely.area(wijk_shapes).sum() - shapely.area(buurt_shapes).sum()) \
        < 1e-3 * shapely.area(buurt_shapes).sum()


def test_files_are_written_once_and_found_by_another_process(buurten, tmp_path, monkeypatch):
    first = kaartcache.laag(buurten, None, "buurt", root=tmp_path)
    stamp = first.path.stat().st_mtime_ns
    kaartcache.clear_memo()                          # as a new process

    def fail(*args, **kwargs):
        raise AssertionError("prepared again")
    monkeypatch.setattr(kaartcache, "_prepare", fail)
    again = kaartcache.laag(buurten, None, "buurt", root=tmp_path)
    assert again == first
    assert again.path.stat().st_mtime_ns == stamp
    assert not list(first.path.parent.glob(".tmp-*"))


def test_url_is_relative_to_the_app_and_names_the_fingerprint(buurten, tmp_path):
    laag = kaartcache.laag(buurten, None, "wijk", root=tmp_path)
    key = kaartcache.fingerprint(buurten)
    assert laag.url == f"app/static/kaart/{key}/nl-wijk.json"
    assert laag.path == tmp_path / "kaart" / key / "nl-wijk.json"
    assert kaartcache.STATIC_DIR == kaartcache.APP_ROOT / "static"
    assert (kaartcache.APP_ROOT / "app.py").exists()


def test_fingerprint_changes_with_any_border_or_code(buurten):
    key = kaartcache.fingerprint(buurten)
    assert kaartcache.fingerprint(buurten.copy()) == key
    moved = buurten.copy()
    moved.loc[moved.index[0], "geometry"] = shapely.affinity.translate(
        moved.geometry.iloc[0], 0.01, 0)
    assert kaartcache.fingerprint(moved) != key
    renamed = buurten.copy()
    renamed.loc[renamed.index[0], "code"] = "BU00000000"
    assert kaartcache.fingerprint(renamed) != key
    regrouped = buurten.copy()
    regrouped.loc[regrouped.index[0], "wijkcode"] = "WK000000"
    assert kaartcache.fingerprint(regrouped) != key


def test_tolerance_is_a_fraction_of_a_pixel_at_the_starting_zoom():
    country = kaartcache.tolerance_for({"center": {"lat": 52.1, "lon": 5.3}, "zoom": 6.2})
    town = kaartcache.tolerance_for({"center": {"lat": 52.1, "lon": 5.3}, "zoom": 12})
    street = kaartcache.tolerance_for({"center": {"lat": 52.1, "lon": 5.3}, "zoom": 18})
    assert 150 < country < 400
    assert 2 < town < 10
    assert street == kaartcache.MIN_TOLERANCE


def test_view_is_the_bounds_view_of_the_areas(buurten, tmp_path):
    gemeente = buurten["gemeentecode"].iloc[0]
    laag = kaartcache.laag(buurten, gemeente, "buurt", root=tmp_path)
    expected = kaart.bounds_view(buurten[buurten["gemeentecode"] == gemeente])
    assert laag.view["zoom"] == pytest.approx(expected["zoom"], abs=0.01)
    assert laag.view["center"]["lat"] == pytest.approx(expected["center"]["lat"], abs=1e-6)


def test_single_part_multipolygons_are_written_as_polygons(tmp_path):
    square = shapely.box(100_000, 450_000, 100_500, 450_500)
    areas = gpd.GeoDataFrame({"code": ["BU00010001", "BU00010002"],
                              "naam": ["a", "b"], "wijkcode": ["WK000100"] * 2,
                              "wijknaam": ["w"] * 2, "gemeentecode": ["GM0001"] * 2,
                              "gemeentenaam": ["g"] * 2},
                             geometry=[shapely.MultiPolygon([square]),
                                       shapely.affinity.translate(square, 500)], crs=RD)
    laag = kaartcache.laag(areas, "GM0001", "buurt", root=tmp_path)
    features = json.loads(laag.path.read_text())["features"]
    assert [f["geometry"]["type"] for f in features] == ["Polygon", "Polygon"]
    assert [f["id"] for f in features] == ["BU00010001", "BU00010002"]
    assert all(f["properties"] == {} and f["type"] == "Feature" for f in features)


def test_choropleth_takes_the_url_instead_of_the_geometry(buurten, tmp_path):
    import pandas as pd
    laag = kaartcache.laag(buurten, None, "buurt", root=tmp_path)
    cijfers = pd.DataFrame({"code": buurten["code"], "naam": buurten["naam"],
                            "eenzaam_pct": np.linspace(30, 60, len(buurten))})
    fig = kaart.choropleth(laag.url, cijfers, "eenzaam_pct", indicator="eenzaam",
                           view=laag.view)
    assert fig.data[0].geojson == laag.url
    assert len(fig.to_json()) < 200_000          # the borders are not in the figure


def test_exports_get_the_geometry_embedded_instead_of_the_url(buurten, tmp_path):
    import pandas as pd
    laag = kaartcache.laag(buurten, None, "wijk", root=tmp_path)
    wijken = sorted(buurten["wijkcode"].unique())
    cijfers = pd.DataFrame({"code": wijken, "naam": wijken,
                            "eenzaam_pct": [40.0] * (len(wijken) - 1) + [np.nan]})
    fig = kaart.choropleth(laag.url, cijfers, "eenzaam_pct", indicator="eenzaam",
                           view=laag.view)
    embedded = kaartcache.embed_geojson(fig, root=tmp_path)
    assert all(isinstance(t.geojson, dict) for t in embedded.data)
    assert len(embedded.data[0].geojson["features"]) == len(wijken)
    assert fig.data[0].geojson == laag.url                  # the original is untouched
    outside = kaart.choropleth("app/static/../../etc/passwd", cijfers, "eenzaam_pct",
                               indicator="eenzaam", view=laag.view)
    with pytest.raises(ValueError):
        kaartcache.embed_geojson(outside, root=tmp_path)
