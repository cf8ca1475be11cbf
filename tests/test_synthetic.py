"""The synthetic Netherlands, at a small scale: an exact coverage with CBS codes, detail,
figures in range, determinism, and a GeoPackage the normal reader accepts."""
import numpy as np
import pandas as pd
import pytest
import shapely

from wijkdata.generators import synthetic
from wijkdata.model import codes
from wijkdata.model.schema import INDICATOREN_COLUMNS, INITIATIEF_COLUMNS, LONELINESS
from wijkdata.readers import read_file

N_BUURTEN, N_GEMEENTEN, N_INITIATIEVEN = 300, 9, 600


@pytest.fixture(scope="module")
def nl():
    return synthetic.generate(N_BUURTEN, N_GEMEENTEN, N_INITIATIEVEN, seed=7)


def test_buurten_form_a_gap_free_coverage_without_overlaps(nl):
    geometry = nl.buurten.geometry.values
    assert shapely.is_valid(geometry).all()
    # gap_width: also no narrow gaps between neighbours, not only no overlaps
    assert shapely.coverage_is_valid(geometry, gap_width=1.0)
    union = shapely.union_all(geometry)
    assert abs(shapely.area(geometry).sum() - union.area) < 1e-6 * union.area
    assert union.geom_type == "Polygon"            # one country, no islands apart


def test_about_the_asked_number_of_buurten_with_full_resolution_borders(nl):
    assert abs(len(nl.buurten) - N_BUURTEN) < 0.05 * N_BUURTEN
    vertices = shapely.get_num_coordinates(nl.buurten.geometry.values)
    assert vertices.mean() > 150
    assert vertices.min() >= 40


def test_neighbours_share_their_border_vertex_for_vertex(nl):
    geometry = nl.buurten.geometry.values
    tree = shapely.STRtree(geometry)
    left, right = tree.query(geometry, predicate="touches")
    pairs = [(a, b) for a, b in zip(left, right) if a < b][:200]
    assert pairs
    shared_lengths = [shapely.intersection(geometry[a], geometry[b]).length for a, b in pairs]
    assert sum(length > 0 for length in shared_lengths) > 0.8 * len(pairs)
    for a, b in pairs:
        overlap = shapely.intersection(geometry[a], geometry[b]).area
        assert overlap < 1e-6


def test_cbs_codes_are_valid_unique_and_nested(nl):
    b = nl.buurten
    assert b["buurtcode"].is_unique
    assert all(codes.is_valid(c, "buurt") for c in b["buurtcode"])
    assert (b["wijkcode"] == codes.wijkcodes(b["buurtcode"])).all()
    assert (b["gemeentecode"] == codes.gemeentecodes(b["buurtcode"])).all()
    assert b["gemeentecode"].nunique() == N_GEMEENTEN
    assert "GM9999" not in set(b["gemeentecode"])          # the demo's code stays free
    per_wijk = b.groupby("wijkcode").size()
    assert 3 <= per_wijk.mean() <= 6
    # one name per gemeente and per wijk
    assert (b.groupby("gemeentecode")["gemeentenaam"].nunique() == 1).all()
    assert (b.groupby("wijkcode")["wijknaam"].nunique() == 1).all()


def test_context_figures_look_like_cbs_with_secret_values(nl):
    b = nl.buurten
    assert (b["aantal_inwoners"] % 5 == 0).all()
    small = b["aantal_inwoners"] < 50
    assert (b.loc[small, "percentage_personen_65_jaar_en_ouder"] == synthetic.CBS_GEHEIM).all()
    pct = b.loc[~small, "percentage_eenpersoonshuishoudens"]
    assert pct.between(0, 100).all()


def test_loneliness_for_four_periods_three_ages_with_intervals(nl):
    ind = nl.indicatoren
    assert list(ind.columns) == INDICATOREN_COLUMNS
    assert sorted(ind["periode"].unique()) == [2012, 2016, 2020, 2022]
    assert set(ind["leeftijd"]) == {"18+", "18-64", "65+"}
    assert set(ind["indicator"]) == set(LONELINESS)
    levels = {codes.niveau(c) for c in ind["code"].unique()}
    assert levels == {"buurt", "wijk", "gemeente", "land"}
    known = ind.dropna(subset=["waarde"])
    assert (known["ondergrens"] <= known["waarde"]).all()
    assert (known["waarde"] <= known["bovengrens"]).all()
    assert known["waarde"].between(0, 100).all()
    # no estimate for buurten under 100 inhabitants: missing, never 0
    few = set(nl.buurten.loc[nl.buurten["aantal_inwoners"] < 100, "buurtcode"])
    rows = ind[ind["code"].isin(few)]
    assert few and rows["waarde"].isna().all()


def test_initiatives_lie_in_their_buurt(nl):
    from wijkdata.compute.formulas import join_initiatieven_to_buurten
    ini = nl.initiatieven
    assert len(ini) == N_INITIATIEVEN
    assert list(ini.columns) == INITIATIEF_COLUMNS + ["x", "y", "bron_rij"]
    only_code = ini["x"].isna()
    assert 0.05 < only_code.mean() < 0.25
    gebieden = nl.buurten.rename(columns={"buurtcode": "code"}).assign(niveau="buurt")
    joined = join_initiatieven_to_buurten(ini, gebieden)
    assert joined["buurtcode"].notna().mean() > 0.97
    # some buurten have none: the witte vlekken must be possible
    assert nl.buurten["buurtcode"].isin(joined["buurtcode"]).mean() < 0.98


def test_same_seed_same_country_other_seed_other_country(nl):
    again = synthetic.generate(N_BUURTEN, N_GEMEENTEN, N_INITIATIEVEN, seed=7)
    assert (shapely.to_wkb(again.buurten.geometry.values)
            == shapely.to_wkb(nl.buurten.geometry.values)).all()
    pd.testing.assert_frame_equal(pd.DataFrame(again.buurten.drop(columns="geometry")),
                                  pd.DataFrame(nl.buurten.drop(columns="geometry")))
    pd.testing.assert_frame_equal(again.indicatoren, nl.indicatoren)
    pd.testing.assert_frame_equal(again.initiatieven, nl.initiatieven)
    other = synthetic.generate(N_BUURTEN, N_GEMEENTEN, 10, seed=8)
    assert not np.array_equal(shapely.get_coordinates(other.buurten.geometry.values[:3]),
                              shapely.get_coordinates(nl.buurten.geometry.values[:3]))


def test_geopackage_in_cbs_layout_passes_the_normal_reader(nl, tmp_path):
    import pyogrio
    path = synthetic.write_gpkg(nl, tmp_path / "wijkenbuurten_2024.gpkg")
    assert {name for name, _ in pyogrio.list_layers(path)} == {"buurten", "wijken",
                                                                "gemeenten"}
    result = read_file(path.read_bytes(), path.name)
    assert result.usable() and not result.rapport.errors
    assert result.source_format == "CBS Wijk- en buurtkaart (GeoPackage)"
    frame = result.frame
    assert len(frame) == len(nl.buurten)
    assert set(frame["code"]) == set(nl.buurten["buurtcode"])
    assert frame["wijknaam"].notna().all()                 # from the wijken layer
    assert frame["periode"].eq(2024).all()
    secret = nl.buurten.set_index("buurtcode")["percentage_personen_65_jaar_en_ouder"] < 0
    assert frame.set_index("code")["pct_65plus"][secret[secret].index].isna().all()
    wijken = pyogrio.read_dataframe(path, layer="wijken")
    assert len(wijken) == nl.buurten["wijkcode"].nunique()
    assert abs(wijken.area.sum() - nl.buurten.area.sum()) < 1e-6 * nl.buurten.area.sum()


def test_ensure_generates_once_and_then_reuses_the_cache(tmp_path, monkeypatch):
    first = synthetic.ensure(120, 4, 50, seed=3, folder=tmp_path / "nl")
    assert first.gpkg.exists() and first.indicatoren.exists() and first.initiatieven.exists()

    def fail(*args, **kwargs):
        raise AssertionError("generated again")
    monkeypatch.setattr(synthetic, "generate", fail)
    assert synthetic.ensure(120, 4, 50, seed=3, folder=tmp_path / "nl") == first


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKDATA_CACHE_DIR", str(tmp_path / "c"))
    assert synthetic.cache_dir() == tmp_path / "c" / "synthetic"
    monkeypatch.delenv("WIJKDATA_CACHE_DIR")
    monkeypatch.setenv("WIJKDATA_DATA_DIR", str(tmp_path / "d"))
    assert synthetic.cache_dir() == tmp_path / "d" / "cache" / "synthetic"
