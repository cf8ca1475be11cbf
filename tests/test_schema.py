"""The written schemas (wijkdata.model.schema) against what the readers, assemble and
buurtcijfers really produce, on real-shaped files, the demo and generated variety; and a
frame that breaks its schema is refused with a message naming the column."""
import logging
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import realshapes
from tests.factory import initiatieven_csv, make_frames
from wijkdata.compute.buurttabel import als_gebieden, buurtcijfers
from wijkdata.model import schema
from wijkdata.model.gegevens import assemble, load_demo, vul_herkomst
from wijkdata.model.schema import (
    BUURTCIJFERS_SCHEMA,
    DATUM,
    GEBIEDEN_SCHEMA,
    INDICATOREN,
    INDICATOREN_SCHEMA,
    INITIATIEVEN_SCHEMA,
    LONELINESS,
    TEKST,
    SchemaFout,
)
from wijkdata.readers import read_file

SCHEMAS = {"buurten": GEBIEDEN_SCHEMA, "indicatoren": INDICATOREN_SCHEMA,
           "initiatieven": INITIATIEVEN_SCHEMA}


def _read(files: dict[str, bytes]) -> dict[str, list]:
    frames = {"buurten": [], "indicatoren": [], "initiatieven": []}
    for name, data in files.items():
        ingelezen = read_file(data, name)
        assert ingelezen.usable(), (name, ingelezen.rapport.errors[:3])
        frames[ingelezen.kind].append((name, ingelezen.frame))
    return frames


@pytest.fixture(scope="module")
def almere():
    """What an analyst of Almere brings (PDOK buurten without gemeentenaam, CBS Kerncijfers
    OData CSV, RIVM 50120NED with buurt rows only) and a Dutch-Excel initiative list."""
    files = realshapes.almere_scenario()
    codes = [c for c in realshapes.gemeente_buurtcodes() if c.startswith("BU")]
    files["initiatieven_almere.csv"] = initiatieven_csv(codes)
    return _read(files)


# --- the readers' output on real-shaped files ----------------------------------------------

def test_every_reader_output_of_the_almere_files_matches_its_schema(almere):
    assert [name for name, _ in almere["buurten"]] == ["buurten_pdok_2024.geojson"]
    assert len(almere["indicatoren"]) == 2 and len(almere["initiatieven"]) == 1
    for kind, frames in almere.items():
        for name, frame in frames:
            if kind == "initiatieven":
                # bron and laatst_bevestigd are known once the list is stored: filled by
                # load_active (gegevens.vul_herkomst), as here.
                assert {"bron", "laatst_bevestigd"} - set(frame.columns) == {"bron",
                                                                             "laatst_bevestigd"}
                frame = vul_herkomst(frame, "initiatieven_almere", date(2025, 3, 3))
            assert SCHEMAS[kind].problemen(frame) == [], name


@pytest.mark.parametrize("name, make", [
    ("gezondheid_50090NED.xlsx", lambda: realshapes.rivm_xlsx(buurten=40, wijken=4)),
    ("kerncijfers_2024.csv", lambda: realshapes.statline_kerncijfers_csv(buurten=40,
                                                                         wijken=4)),
    ("kwb-2024.xlsx", lambda: realshapes.kwb_xlsx(buurten=40, wijken=4)),
    ("wijkbuurtkaart_2021.gpkg", lambda: realshapes.wfs_wijkbuurtkaart_gpkg()),
    ("gebieden_amsterdam.geojson", lambda: realshapes.gemeente_gebieden_geojson()),
])
def test_other_real_shapes_match_their_schema(name, make):
    ingelezen = read_file(make(), name)
    assert ingelezen.usable(), ingelezen.rapport.errors[:3]
    assert SCHEMAS[ingelezen.kind].problemen(ingelezen.frame) == []


# --- the per-buurt table --------------------------------------------------------------------

def test_the_schema_lists_exactly_the_columns_of_the_per_buurt_table_in_order(almere):
    data = assemble([f for _, f in almere["buurten"]], [f for _, f in almere["indicatoren"]],
                    [f for _, f in almere["initiatieven"]], key=("almere",))
    cijfers = buurtcijfers(data, gemeentecode="GM0034")
    assert len(cijfers) == 238
    assert list(cijfers.columns) == BUURTCIJFERS_SCHEMA.columns
    assert BUURTCIJFERS_SCHEMA.problemen(cijfers) == []
    # The canonical frames the pages read, after assemble, too.
    assert GEBIEDEN_SCHEMA.problemen(data.gebieden) == []
    assert INDICATOREN_SCHEMA.problemen(data.indicatoren) == []
    assert INITIATIEVEN_SCHEMA.problemen(data.initiatieven_bron) == []


def test_an_initiative_says_where_it_comes_from_and_when_it_was_confirmed():
    assert INITIATIEVEN_SCHEMA.columns[-2:] == ["bron", "laatst_bevestigd"]
    assert INITIATIEVEN_SCHEMA.kolom("bron").soort == TEKST
    assert INITIATIEVEN_SCHEMA.kolom("laatst_bevestigd").soort == DATUM
    frame = load_demo().initiatieven_bron
    assert INITIATIEVEN_SCHEMA.problemen(frame) == []
    zonder = frame.drop(columns=["bron"])
    assert [p.column for p in INITIATIEVEN_SCHEMA.problemen(zonder)] == ["bron"]
    getal = frame.assign(laatst_bevestigd=1.5)
    assert [p.column for p in INITIATIEVEN_SCHEMA.problemen(getal)] == ["laatst_bevestigd"]


def test_the_demo_matches_every_schema():
    data = load_demo()
    assert GEBIEDEN_SCHEMA.problemen(data.gebieden) == []
    assert INDICATOREN_SCHEMA.problemen(data.indicatoren) == []
    assert INITIATIEVEN_SCHEMA.problemen(data.initiatieven_bron) == []
    for eenzaamheid in LONELINESS:
        cijfers = buurtcijfers(data, eenzaamheid=eenzaamheid, leeftijd="65+")
        assert list(cijfers.columns) == BUURTCIJFERS_SCHEMA.columns
        assert BUURTCIJFERS_SCHEMA.problemen(cijfers) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gemeenten=st.integers(1, 3), buurten_per_wijk=st.integers(1, 4),
       missing=st.booleans(), initiatieven=st.booleans(), with_list=st.booleans(),
       blank=st.lists(st.integers(0, 10_000), max_size=12),
       periode=st.sampled_from([None, 2022, 1999]), leeftijd=st.sampled_from(["18+", "65+"]))
def test_the_per_buurt_table_matches_its_schema_whatever_is_missing(
        gemeenten, buurten_per_wijk, missing, initiatieven, with_list, blank, periode,
        leeftijd):
    gebieden, indicatoren, lijst = make_frames(
        gemeenten=tuple(f"{i + 1:04d}" for i in range(gemeenten)),
        buurten_per_wijk=buurten_per_wijk, missing=missing, initiatieven=initiatieven)
    # Secret or unestimated figures: any value may be empty, never 0.
    rows = sorted({i % len(indicatoren) for i in blank})
    indicatoren.loc[indicatoren.index[rows], "waarde"] = np.nan
    data = assemble([gebieden], [indicatoren], [lijst] if with_list else [], key=("h",))
    cijfers = buurtcijfers(data, periode=periode, leeftijd=leeftijd)
    assert list(cijfers.columns) == BUURTCIJFERS_SCHEMA.columns
    assert BUURTCIJFERS_SCHEMA.problemen(cijfers) == []
    if not with_list:
        assert cijfers[schema.INITIATIEVEN].isna().all()       # unknown, not 0


# --- refusal -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cijfers():
    gebieden, indicatoren, lijst = make_frames()
    return buurtcijfers(assemble([gebieden], [indicatoren], [lijst], key=("t",)))


def test_a_missing_column_is_refused_with_its_name(cijfers, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(SchemaFout) as info:
        BUURTCIJFERS_SCHEMA.check(cijfers.drop(columns=["sociaal_eenzaam_bovengrens"]))
    assert "'sociaal_eenzaam_bovengrens' ontbreekt" in info.value.message
    assert "niet in uw bestand" in info.value.message
    assert [p.column for p in info.value.problems] == ["sociaal_eenzaam_bovengrens"]
    assert "sociaal_eenzaam_bovengrens" in caplog.text        # the server log has it too


def test_a_column_of_the_wrong_kind_is_refused_with_its_name(cijfers):
    wrong = cijfers.assign(inwoners=cijfers["inwoners"].map(lambda v: f"{v:.0f} mensen"))
    with pytest.raises(SchemaFout) as info:
        BUURTCIJFERS_SCHEMA.check(wrong)
    assert "'inwoners' hoort getal te zijn" in info.value.message
    with pytest.raises(SchemaFout, match="'witte_vlek' hoort ja/nee te zijn"):
        BUURTCIJFERS_SCHEMA.check(cijfers.assign(witte_vlek=cijfers["witte_vlek"].map(
            {True: "ja", False: "nee"})))


def test_an_empty_cell_where_none_is_allowed_is_refused_but_empty_figures_pass(cijfers):
    leeg = cijfers.copy()
    leeg.loc[leeg.index[0], "buurtcode"] = None
    with pytest.raises(SchemaFout, match="'buurtcode' mag niet leeg zijn, maar heeft 1 lege"):
        BUURTCIJFERS_SCHEMA.check(leeg)
    # A whole column of unknown figures (no list, no estimate) is honest, not wrong.
    BUURTCIJFERS_SCHEMA.check(cijfers.assign(eenzaam_pct=None, initiatieven=pd.NA))


def test_assemble_refuses_a_frame_our_code_built_wrongly():
    gebieden, indicatoren, lijst = make_frames()
    indicatoren.loc[indicatoren.index[3], "code"] = None
    with pytest.raises(SchemaFout, match="tabel indicatoren.*'code' mag niet leeg zijn"):
        assemble([gebieden], [indicatoren], [lijst])


# --- the helpers every module takes its column names from ----------------------------------

def test_column_names_of_an_indicator():
    assert schema.interval_kolommen("ernstig_eenzaam") == (
        "ernstig_eenzaam_pct", "ernstig_eenzaam_ondergrens", "ernstig_eenzaam_bovengrens")
    assert schema.column_for("sociaal_eenzaam") == "sociaal_eenzaam_pct"
    assert schema.column_for("pct_65plus") == "pct_65plus"
    assert schema.column_for("initiatieven_per_1000") == "initiatieven_per_1000"
    assert set(schema.KAART_INDICATOREN) <= set(BUURTCIJFERS_SCHEMA.columns) | set(LONELINESS)
    assert {schema.column_for(k) for k in schema.KAART_INDICATOREN} <= set(
        BUURTCIJFERS_SCHEMA.columns)


def test_the_loneliness_indicator_of_a_choice():
    assert schema.eenzaamheid_voor("emotioneel_eenzaam") == "emotioneel_eenzaam"
    assert schema.eenzaamheid_voor("pct_65plus") == "eenzaam"
    assert schema.eenzaamheid_voor("initiatieven_per_1000") == "eenzaam"


def test_an_indicator_has_an_interval_exactly_when_its_source_publishes_one(almere):
    bounds = pd.concat([f for _, f in almere["indicatoren"]])
    with_bounds = set(bounds.loc[bounds["ondergrens"].notna(), "indicator"])
    without = set(bounds["indicator"]) - with_bounds
    assert with_bounds and without
    assert all(INDICATOREN[k].interval for k in with_bounds)
    assert not any(INDICATOREN[k].interval for k in without if k in INDICATOREN)
    assert {k for k, i in INDICATOREN.items() if i.interval} == set(LONELINESS) | {
        "mist_emotionele_steun", "mantelzorger", "vrijwilligerswerk"}


def test_the_area_view_of_the_per_buurt_table(cijfers):
    gebieden = als_gebieden(cijfers)
    assert list(gebieden["code"]) == list(cijfers["buurtcode"])
    assert list(gebieden["naam"]) == list(cijfers["buurtnaam"])
    assert "buurtcode" not in gebieden
