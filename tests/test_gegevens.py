"""buurtcijfers and the aggregation on the factory data, checked by hand."""
import numpy as np
import pytest

from tests.factory import make_frames
from wijkdata.gegevens import assemble, buurtcijfers, gebiedcijfers


@pytest.fixture
def gegevens():
    gebieden, indicatoren, initiatieven = make_frames()
    return assemble([gebieden], [indicatoren], [initiatieven], key=("test",))


def test_one_row_per_buurt_with_counts_rates_and_missing_values(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001").set_index("buurtcode")
    assert len(cijfers) == 6
    assert cijfers.loc["BU00010000", "initiatieven"] == 2          # two points in buurt 0
    assert cijfers.loc["BU00010001", "initiatieven"] == 1          # the code-only one
    assert cijfers.loc["BU00010000", "initiatieven_per_1000"] == pytest.approx(2.0)
    assert cijfers.loc["BU00010001", "inwoners"] == 2000
    # the last buurt: 60 inwoners → no rate; no loneliness figure → no verdict
    assert np.isnan(cijfers.loc["BU00010102", "initiatieven_per_1000"])
    assert np.isnan(cijfers.loc["BU00010102", "eenzaam_pct"])
    assert cijfers["witte_vlek"].isna()["BU00010102"]
    # latest period (2022) by default: 30 + 5·j + 2
    assert cijfers.loc["BU00010002", "eenzaam_pct"] == pytest.approx(42.0)
    assert cijfers.loc["BU00010002", "eenzaam_ondergrens"] == pytest.approx(39.0)
    assert cijfers.loc["BU00010000", "afstand_initiatief_m"] == 0
    # the nearest is the code-only initiative, placed mid-buurt 1 (x = 100750): 250 m away
    assert cijfers.loc["BU00010002", "afstand_initiatief_m"] == pytest.approx(250.0)


def test_period_and_age_group_choose_the_figures(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001", periode=2020, leeftijd="65+")
    assert cijfers.set_index("buurtcode").loc["BU00010002", "eenzaam_pct"] == pytest.approx(48.0)


def test_gemeente_without_initiatives_counts_zero_and_has_no_distance(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0002")
    assert (cijfers["initiatieven"] == 0).all()
    # distance is to the nearest initiative anywhere: GM0001 lies 10 km to the west
    assert (cijfers["afstand_initiatief_m"] > 8000).all()


def test_no_initiative_list_at_all_means_unknown_not_zero():
    gebieden, indicatoren, _ = make_frames()
    gegevens = assemble([gebieden], [indicatoren], [], key=("x",))
    cijfers = buurtcijfers(gegevens)
    assert cijfers["initiatieven"].isna().all()
    assert cijfers["initiatieven_per_1000"].isna().all()
    assert cijfers["witte_vlek"].isna().all()


def test_wijk_figures_prefer_nothing_invented(gegevens):
    cijfers = buurtcijfers(gegevens, gemeentecode="GM0001")
    wijken = gebiedcijfers(gegevens, cijfers, "wijk").set_index("code")
    # wijk 00: buurten 0,1,2 with 1000, 2000, 3000 inwoners and 32, 37, 42 %
    expected = (32 * 1000 + 37 * 2000 + 42 * 3000) / 6000
    assert wijken.loc["WK000100", "eenzaam_pct"] == pytest.approx(expected)
    assert wijken.loc["WK000100", "initiatieven"] == 3
    gemeente = gebiedcijfers(gegevens, cijfers, "gemeente").set_index("code")
    # the gemeente has its own published estimate (36 % in 2022): that one is used
    assert gemeente.loc["GM0001", "eenzaam_pct"] == pytest.approx(36.0)
    assert gemeente.loc["GM0001", "eenzaam_ondergrens"] == pytest.approx(35.0)
