"""Where a gemeente's initiatives come from (wijkdata.compute.bronnen): the count per
origin and the Overzicht's sentence."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from tests.factory import make_frames
from wijkdata.compute.bronnen import bronnen_tekst, bronnen_telling
from wijkdata.compute.formulas import join_initiatieven_to_buurten


def frame(*rijen) -> pd.DataFrame:
    """(gemeentecode, bron, einddatum) per initiative."""
    return pd.DataFrame(rijen, columns=["gemeentecode", "bron", "einddatum"])


VERLEDEN = pd.Timestamp(date.today() - timedelta(days=30))
TOEKOMST = pd.Timestamp(date.today() + timedelta(days=30))


def test_counts_per_origin_for_the_chosen_gemeente_running_initiatives_only():
    ini = frame(("GM0001", "Sociale kaart", pd.NaT), ("GM0001", "Sociale kaart", TOEKOMST),
                ("GM0001", "Welzijn Oost", pd.NaT), ("GM0001", "melding", pd.NaT),
                ("GM0001", "melding", VERLEDEN),            # ended: not counted
                ("GM0002", "melding", pd.NaT), ("GM0002", "Sociale kaart", pd.NaT))
    assert bronnen_telling(ini, "GM0001") == {"totaal": 4, "uit_lijsten": 3,
                                              "uit_meldingen": 1, "lijsten": 2}
    assert bronnen_telling(ini, "GM0002") == {"totaal": 2, "uit_lijsten": 1,
                                              "uit_meldingen": 1, "lijsten": 1}
    # None: all gemeenten together
    assert bronnen_telling(ini) == {"totaal": 6, "uit_lijsten": 4, "uit_meldingen": 2,
                                    "lijsten": 2}
    assert bronnen_telling(ini, "GM0003")["totaal"] == 0


def test_rows_without_a_bron_came_from_a_list():
    ini = frame(("GM0001", None, pd.NaT), ("GM0001", np.nan, pd.NaT), ("GM0001", "", pd.NaT),
                ("GM0001", " melding ", pd.NaT))
    assert bronnen_telling(ini, "GM0001") == {"totaal": 4, "uit_lijsten": 3,
                                              "uit_meldingen": 1, "lijsten": 1}
    zonder_kolom = ini.drop(columns="bron")
    assert bronnen_telling(zonder_kolom, "GM0001") == {"totaal": 4, "uit_lijsten": 4,
                                                       "uit_meldingen": 0, "lijsten": 1}
    leeg = pd.DataFrame()
    assert bronnen_telling(leeg, "GM0001") == {"totaal": 0, "uit_lijsten": 0,
                                               "uit_meldingen": 0, "lijsten": 0}


def test_the_count_matches_the_overzicht_count_on_joined_initiatives():
    # The frame the page passes: initiatives joined to the buurten (gemeentecode from the
    # point or the buurtcode), as Gegevens.initiatieven gives them.
    gebieden, _, initiatieven = make_frames(zonder_initiatieven=())
    initiatieven = initiatieven.assign(bron=["lijst"] * (len(initiatieven) - 1) + ["melding"])
    joined = join_initiatieven_to_buurten(initiatieven, gebieden)
    for gemeente in ("GM0001", "GM0002"):
        telling = bronnen_telling(joined, gemeente)
        assert telling["totaal"] == int((joined["gemeentecode"] == gemeente).sum()) == 3
    assert bronnen_telling(joined, "GM0002")["uit_meldingen"] == 1


@pytest.mark.parametrize("telling, zin", [
    ({"totaal": 42, "uit_lijsten": 39, "uit_meldingen": 3, "lijsten": 2},
     "Van de 42 initiatieven komen er 39 uit 2 lijsten van de gemeente en 3 uit meldingen "
     "van bewoners."),
    ({"totaal": 1234, "uit_lijsten": 1233, "uit_meldingen": 1, "lijsten": 1},
     "Van de 1.234 initiatieven komen er 1.233 uit de lijst van de gemeente en 1 uit een "
     "melding van bewoners."),
    ({"totaal": 12, "uit_lijsten": 12, "uit_meldingen": 0, "lijsten": 1},
     "Alle 12 initiatieven komen uit de lijst van de gemeente. Er zijn nog geen meldingen "
     "van bewoners."),
    ({"totaal": 1, "uit_lijsten": 1, "uit_meldingen": 0, "lijsten": 1},
     "Het enige initiatief komt uit de lijst van de gemeente. Er zijn nog geen meldingen "
     "van bewoners."),
    ({"totaal": 5, "uit_lijsten": 0, "uit_meldingen": 5, "lijsten": 0},
     "Alle 5 initiatieven komen uit meldingen van bewoners."),
    ({"totaal": 0, "uit_lijsten": 0, "uit_meldingen": 0, "lijsten": 0},
     "Hier is nog geen initiatief bekend."),
])
def test_the_sentence_in_plain_dutch_with_dutch_numbers(telling, zin):
    assert bronnen_tekst(telling) == zin
