"""Reading CBS Kerncijfers and RIVM 50120NED/50090NED tables (OData CSV/JSON, StatLine
downloads, CBS's kwb-YYYY.xlsx, padded Excel exports)."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests import realshapes
from wijkdata.errors import WijkdataError
from wijkdata.model import codes
from wijkdata.model.schema import INDICATOREN, INDICATOREN_COLUMNS
from wijkdata.readers import read_file, textio
from wijkdata.readers.indicatoren import looks_like_indicatoren, read_indicatoren

# Kerncijfers, one area a row: code, gemeentenaam, soort regio, inwoners, 65+ (count),
# huishoudens, eenpersoonshuishoudens (count). '.' is unknown, '-' is nil.
KERN = [
    ("NL01", "Nederland", "Land", "18000000", "3600000", "8000000", "3200000"),
    ("GM0034", "Almere", "Gemeente", "1000", "250", "400", "160"),
    ("WK003401", "Almere", "Wijk", "600", "60", "300", "150"),
    ("BU00340101", "Almere", "Buurt", "200", "-", "100", "."),
    ("BU00340102", "Almere", "Buurt", "0", "0", "0", "0"),
]
# What KERN gives: (code, indicator) → waarde; NaN where a part is missing or inwoners is 0.
KERN_EXPECTED = {
    ("NL01", "pct_65plus"): 20.0, ("NL01", "pct_eenpersoonshuishoudens"): 40.0,
    ("GM0034", "inwoners"): 1000.0, ("GM0034", "pct_65plus"): 25.0,
    ("GM0034", "huishoudens"): 400.0, ("GM0034", "pct_eenpersoonshuishoudens"): 40.0,
    ("WK003401", "pct_65plus"): 10.0, ("WK003401", "pct_eenpersoonshuishoudens"): 50.0,
    ("BU00340101", "pct_65plus"): 0.0, ("BU00340101", "pct_eenpersoonshuishoudens"): np.nan,
    ("BU00340102", "inwoners"): 0.0, ("BU00340102", "pct_65plus"): np.nan,
}
ODATA_2024 = ["AantalInwoners_5", "k_65JaarOfOuder_12", "HuishoudensTotaal_29",
              "Eenpersoonshuishoudens_30"]
ODATA_2021 = ["AantalInwoners_5", "k_65JaarOfOuder_12", "HuishoudensTotaal_28",
              "Eenpersoonshuishoudens_29"]
STATLINE_KERN = ["Bevolking/Aantal inwoners (aantal)",
                 "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)",
                 "Huishoudens/Huishoudens totaal (aantal)",
                 "Huishoudens/Eenpersoonshuishoudens (aantal)"]

# RIVM 50120NED, one row per area, age, margin, period: code, naam, leeftijd, marge,
# periode, eenzaam, ernstig, emotioneel, sociaal (decimal comma, as in a Dutch CSV).
RIVM = [
    ("GM0034", "Almere", "18+", "waarde", 2022, "45,2", "12", "30", "."),
    ("GM0034", "Almere", "18+", "onder", 2022, "43,1", "11", "29", "."),
    ("GM0034", "Almere", "18+", "boven", 2022, "47,3", "13", "31", "."),
    ("BU00340101", "Stadshart", "18+", "waarde", 2022, "50,5", "14,5", "35", "36"),
    ("BU00340101", "Stadshart", "18+", "onder", 2022, "40", "10", "30", "31"),
    ("BU00340101", "Stadshart", "18+", "boven", 2022, "60", "19", "40", "41"),
    ("BU00340101", "Stadshart", "65+", "waarde", 2022, "55", "15", "37", "38"),
    ("BU00340101", "Stadshart", "65+", "onder", 2022, "48,5", "11", "32", "33"),
    ("BU00340101", "Stadshart", "65+", "boven", 2022, "61,5", "19", "42", "43"),
    ("BU00340101", "Stadshart", "18+", "waarde", 2016, "48", "-", "33", "34"),
]
_LEEFTIJD = {"odata": {"18+": "20300", "18-64": "53115", "65+": "80200"},
             "statline": {"18+": "18 jaar of ouder", "18-64": "18 tot 65 jaar",
                          "65+": "65 jaar of ouder"}}
_MARGE = {"odata": {"waarde": "MW00000", "onder": "MOG0095", "boven": "MBG0095"},
          "statline": {"waarde": "Waarde", "onder": "Ondergrens 95%-betrouwbaarheidsinterval",
                       "boven": "Bovengrens 95%-betrouwbaarheidsinterval"}}
RIVM_ODATA = ["Eenzaam_27", "ErnstigZeerErnstigEenzaam_28", "EmotioneelEenzaam_29",
              "SociaalEenzaam_30"]
RIVM_STATLINE = ["Eenzaamheid/Eenzaam (%)", "Eenzaamheid/Ernstig tot zeer ernstig eenzaam (%)",
                 "Eenzaamheid/Emotioneel eenzaam (%)", "Eenzaamheid/Sociaal eenzaam (%)"]


def _csv(header: list[str], rows: list[list], sep: str = ";") -> str:
    return "\n".join(sep.join(str(c) for c in line) for line in [header, *rows]) + "\n"


def _json_number(cell: str):
    """A text cell as OData JSON gives it: null for unknown, 0 for nil, else a number."""
    if cell in (".", "x", ""):
        return None
    if cell == "-":
        return 0
    number = float(cell.replace(",", "."))
    return int(number) if number.is_integer() else number


def kerncijfers(fmt: str = "odata_csv", *, rows=KERN, figures=ODATA_2024,
                filename: str = "85984NED_kerncijfers.csv",
                encoding: str = "utf-8") -> tuple[bytes, str]:
    """A Kerncijfers table in one of the shapes analysts bring, as (bytes, filename)."""
    if fmt == "odata_json":
        records = [{"ID": i, "WijkenEnBuurten": f"{code:<10}  ", "Gemeentenaam_1": f"{gem:<20}",
                    "SoortRegio_2": f"{soort:<10}", "Codering_3": code,
                    **{name: _json_number(v) for name, v in zip(figures, values)}}
                   for i, (code, gem, soort, *values) in enumerate(rows)]
        return json.dumps({"value": records}).encode(), filename.replace(".csv", ".json")
    if fmt == "odata_csv":
        header = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
                  *figures]
        lines = [[i, f"{code}  ", f"{gem}  ", f"{soort}   ", code, *values]
                 for i, (code, gem, soort, *values) in enumerate(rows)]
        return _csv(header, lines).encode(encoding), filename
    assert fmt == "statline_csv"
    header = ["Wijken en buurten", "Regioaanduiding/Gemeentenaam (naam)",
              "Regioaanduiding/Soort regio (omschrijving)", "Regioaanduiding/Codering (code)",
              *(figures if figures is not ODATA_2024 else STATLINE_KERN)]
    names = {"NL01": "Nederland", "GM0034": gem_name(rows), "WK003401": "Wijk 01 Stad",
             "BU00340101": "Stadshart", "BU00340102": "Parkwijk"}
    lines = [[names.get(code, code), gem, soort, code, *values]
             for code, gem, soort, *values in rows]
    return _csv(header, lines).encode(encoding), filename


def gem_name(rows) -> str:
    return next((gem for code, gem, *_ in rows if code.startswith("GM")), "")


def rivm(fmt: str = "odata_csv", *, rows=RIVM, filename: str = "50120NED_eenzaamheid.csv",
         with_marges: bool = True, extra: bool = True) -> tuple[bytes, str]:
    """A 50120NED table as (bytes, filename); ``extra`` adds a column the reader ignores."""
    if not with_marges:
        rows = [r for r in rows if r[3] == "waarde"]
    style = "statline" if fmt == "statline_csv" else "odata"
    if fmt == "odata_json":
        records = []
        for i, (code, _, lt, marge, jaar, *values) in enumerate(rows):
            record = {"ID": i, "WijkenEnBuurten": f"{code}    ", "Gemeentenaam_1": "Almere   ",
                      "SoortRegio_2": "Buurt  " if code.startswith("BU") else "Gemeente ",
                      "Codering_3": code, "Leeftijd": _LEEFTIJD[style][lt],
                      "Perioden": f"{jaar}JJ00"}
            if with_marges:
                record["Marges"] = _MARGE[style][marge]
            record.update({n: _json_number(v) for n, v in zip(RIVM_ODATA, values)})
            if extra:
                record["Roker_11"] = 20.5
            records.append(record)
        return json.dumps({"value": records}).encode(), filename.replace(".csv", ".json")
    if style == "odata":
        header = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
                  "Leeftijd", *(["Marges"] if with_marges else []), "Perioden", *RIVM_ODATA]
        lines = [[i, f"{code}  ", "Almere ", "Buurt " if code.startswith("BU") else "Gemeente ",
                  code, _LEEFTIJD[style][lt], *([_MARGE[style][m]] if with_marges else []),
                  f"{jaar}JJ00", *values]
                 for i, (code, _, lt, m, jaar, *values) in enumerate(rows)]
    else:
        header = ["Wijken en buurten", "Regioaanduiding/Codering (code)", "Leeftijd",
                  *(["Marges"] if with_marges else []), "Perioden", *RIVM_STATLINE]
        lines = [[naam, code, _LEEFTIJD[style][lt], *([_MARGE[style][m]] if with_marges else []),
                  str(jaar), *values]
                 for code, naam, lt, m, jaar, *values in rows]
    if extra:
        header.append("Roker_11" if style == "odata" else "Leefstijl/Roker (%)")
        lines = [line + ["20,5"] for line in lines]
    return _csv(header, lines).encode("utf-8"), filename


def read(data: bytes, filename: str, **options):
    return read_indicatoren(textio.read_table(data, filename), filename, **options)


def value(frame: pd.DataFrame, code: str, indicator: str, *, periode=None, leeftijd=None,
          column: str = "waarde") -> float:
    mask = (frame["code"] == code) & (frame["indicator"] == indicator)
    if periode is not None:
        mask &= frame["periode"] == periode
    if leeftijd is not None:
        mask &= frame["leeftijd"] == leeftijd
    found = frame.loc[mask, column]
    assert len(found) == 1, f"{code} {indicator}: {len(found)} rows"
    return float(found.iloc[0])


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


KERN_SHAPES = [
    pytest.param(dict(fmt="odata_csv"), id="odata-csv-semicolon"),
    pytest.param(dict(fmt="odata_json"), id="odata-json"),
    pytest.param(dict(fmt="odata_csv", figures=ODATA_2021), id="odata-2021-suffixes"),
    pytest.param(dict(fmt="statline_csv", encoding="utf-8-sig"), id="statline-utf8-bom"),
    pytest.param(dict(fmt="statline_csv", encoding="cp1252"), id="statline-cp1252"),
]


@pytest.mark.parametrize("shape", KERN_SHAPES)
def test_kerncijfers_shapes_give_the_same_figures(shape):
    ingelezen = read(*kerncijfers(**shape))
    frame = ingelezen.frame
    assert ingelezen.rapport.errors == []
    assert ingelezen.kind == "indicatoren"
    assert ingelezen.rows == len(KERN)
    assert list(frame.columns) == INDICATOREN_COLUMNS + ["niveau", "naam", "gemeentenaam"]
    assert len(frame) == len(KERN) * 4
    assert set(frame["indicator"]) <= set(INDICATOREN)
    assert set(frame["leeftijd"]) == {"alle"}
    assert set(frame["periode"]) == {2024}
    assert frame["ondergrens"].isna().all() and frame["bovengrens"].isna().all()
    for (code, indicator), expected in KERN_EXPECTED.items():
        assert same(value(frame, code, indicator), expected), (code, indicator)
    assert frame["bron"].iloc[0] == "CBS Kerncijfers wijken en buurten 2024 (85984NED)"
    assert "85984NED" in ingelezen.source_format


@pytest.mark.parametrize("shape", KERN_SHAPES)
def test_kerncijfers_levels_and_names(shape):
    frame = read(*kerncijfers(**shape)).frame
    levels = frame.drop_duplicates("code").set_index("code")["niveau"].to_dict()
    assert levels == {"NL01": "land", "GM0034": "gemeente", "WK003401": "wijk",
                      "BU00340101": "buurt", "BU00340102": "buurt"}
    names = frame.drop_duplicates("code").set_index("code")["naam"]
    assert names["NL01"] == "Nederland"
    assert names["GM0034"] == "Almere"


def test_statline_cp1252_name_survives():
    rows = [("GM1900", "Súdwest-Fryslân", "Gemeente", "1000", "200", "400", "100")]
    frame = read(*kerncijfers("statline_csv", rows=rows, encoding="cp1252")).frame
    assert set(frame["naam"]) == {"Súdwest-Fryslân"}
    assert value(frame, "GM1900", "pct_65plus") == 20.0


def test_padded_codes_are_cleaned_and_used_when_there_is_no_codering():
    csv = "WijkenEnBuurten;AantalInwoners_5\nBU00340101  ;1000\nGM0034    ;5000\n"
    frame = read(csv.encode(), "kerncijfers_2023.csv").frame
    assert list(frame["code"]) == ["BU00340101", "GM0034"]
    assert list(frame["niveau"]) == ["buurt", "gemeente"]
    assert list(frame["waarde"]) == [1000.0, 5000.0]


def test_missing_stays_missing_and_nil_is_zero():
    rows = [("GM0034", "Almere", "Gemeente", "1000", "-", ".", "x"),
            ("WK003401", "Almere", "Wijk", "600", "60", "300", "150")]
    frame = read(*kerncijfers(rows=rows)).frame
    assert value(frame, "GM0034", "pct_65plus") == 0.0
    assert math.isnan(value(frame, "GM0034", "huishoudens"))
    # The row is kept with NaN, so the dashboard can say "geen gegevens".
    assert math.isnan(value(frame, "GM0034", "pct_eenpersoonshuishoudens"))


@pytest.mark.parametrize("filename, periode, expected", [
    ("85984NED.csv", None, 2024),
    ("86165NED_TypedDataSet.csv", None, 2025),
    ("85039NED.csv", None, 2021),
    ("kerncijfers_wijken_2023.csv", None, 2023),
    ("kerncijfers.csv", 2022, 2022),
])
def test_period_of_a_kerncijfers_table(filename, periode, expected):
    ingelezen = read(*kerncijfers(filename=filename), periode=periode)
    assert set(ingelezen.frame["periode"]) == {expected}


def test_period_argument_that_contradicts_the_file_name_is_a_warning():
    ingelezen = read(*kerncijfers(filename="85984NED.csv"), periode=2020)
    assert set(ingelezen.frame["periode"]) == {2024}
    assert any("2020" in p.message for p in ingelezen.rapport.warnings)


def test_unknown_period_is_an_error_that_asks_for_the_year():
    ingelezen = read(*kerncijfers(filename="kerncijfers.csv"))
    assert ingelezen.frame.empty
    assert not ingelezen.usable(skip_invalid=True)
    [problem] = ingelezen.rapport.errors
    assert problem.row is None
    assert "jaar" in problem.message and "--period" in problem.message


@pytest.mark.parametrize("rows, filename, expected, warns", [
    # A value above 100 cannot be a percentage: counts (160 of 400 → 40 %).
    pytest.param(KERN[1:3], "85984NED.csv", {"GM0034": 40.0, "WK003401": 50.0}, False,
                 id="count-because-above-100"),
    # A value above its row's total cannot be a count: percentages, taken as they are.
    pytest.param([("GM0034", "Almere", "Gemeente", "1000", "250", "400", "38,5"),
                  ("BU00340101", "Almere", "Buurt", "50", "5", "20", "45")],
                 "84583NED.csv", {"GM0034": 38.5, "BU00340101": 45.0}, False,
                 id="percentage-because-above-total"),
    # Neither: an old table (2019) is taken as percentages, with a warning.
    pytest.param([("BU00340101", "Almere", "Buurt", "500", "50", "200", "30")],
                 "84583NED.csv", {"BU00340101": 30.0}, True, id="ambiguous-old-percentage"),
    # Neither: a recent table is taken as counts (30 of 200 → 15 %), with a warning.
    pytest.param([("BU00340101", "Almere", "Buurt", "500", "50", "200", "30")],
                 "85984NED.csv", {"BU00340101": 15.0}, True, id="ambiguous-new-count"),
])
def test_eenpersoonshuishoudens_count_or_percentage(rows, filename, expected, warns):
    ingelezen = read(*kerncijfers(rows=rows, filename=filename))
    assert ingelezen.rapport.errors == []
    for code, pct in expected.items():
        assert value(ingelezen.frame, code, "pct_eenpersoonshuishoudens") == pytest.approx(pct)
    warned = any("Eenpersoonshuishoudens" in p.message for p in ingelezen.rapport.warnings)
    assert warned == warns


def test_statline_unit_decides_count_or_percentage():
    figures = [*STATLINE_KERN[:3], "Huishoudens/Eenpersoonshuishoudens (%)"]
    rows = [("GM0034", "Almere", "Gemeente", "1000", "250", "400", "38,5")]
    ingelezen = read(*kerncijfers("statline_csv", rows=rows, figures=figures))
    assert value(ingelezen.frame, "GM0034", "pct_eenpersoonshuishoudens") == 38.5
    assert ingelezen.rapport.warnings == []


RIVM_SHAPES = [
    pytest.param("odata_csv", id="odata-csv"),
    pytest.param("odata_json", id="odata-json"),
    pytest.param("statline_csv", id="statline-labels"),
]


@pytest.mark.parametrize("fmt", RIVM_SHAPES)
def test_rivm_marges_pivot_onto_one_row(fmt):
    ingelezen = read(*rivm(fmt))
    frame = ingelezen.frame
    assert ingelezen.rapport.errors == []
    assert ingelezen.rows == len(RIVM)
    # 4 (area, age, period) groups × 4 loneliness indicators; the Roker column is ignored.
    assert len(frame) == 16
    assert set(frame["indicator"]) == {"eenzaam", "ernstig_eenzaam", "emotioneel_eenzaam",
                                       "sociaal_eenzaam"}
    bu = dict(code="BU00340101", periode=2022)
    assert value(frame, indicator="eenzaam", leeftijd="18+", **bu) == 50.5
    assert value(frame, indicator="eenzaam", leeftijd="18+", column="ondergrens", **bu) == 40
    assert value(frame, indicator="eenzaam", leeftijd="18+", column="bovengrens", **bu) == 60
    assert value(frame, indicator="eenzaam", leeftijd="65+", **bu) == 55
    assert value(frame, indicator="eenzaam", leeftijd="65+", column="ondergrens", **bu) == 48.5
    assert value(frame, indicator="eenzaam", leeftijd="65+", column="bovengrens", **bu) == 61.5
    assert value(frame, "GM0034", "eenzaam", column="bovengrens") == 47.3
    # '.' on every margin: kept, all NaN.
    row = frame[(frame["code"] == "GM0034") & (frame["indicator"] == "sociaal_eenzaam")]
    assert row[["waarde", "ondergrens", "bovengrens"]].isna().all(axis=None)
    # 2016 has no margin rows at all: value only, bounds NaN; '-' is 0.
    old = dict(code="BU00340101", periode=2016, leeftijd="18+")
    assert value(frame, indicator="ernstig_eenzaam", **old) == 0.0
    assert math.isnan(value(frame, indicator="eenzaam", column="ondergrens", **old))
    assert set(frame["bron"]) == {"RIVM/CBS 50120NED"}
    assert "50120NED" in ingelezen.source_format
    assert frame["periode"].dtype == np.int64


def test_rivm_statline_names_come_from_wijken_en_buurten():
    frame = read(*rivm("statline_csv")).frame
    names = frame.drop_duplicates("code").set_index("code")["naam"]
    assert names.to_dict() == {"GM0034": "Almere", "BU00340101": "Stadshart"}


@pytest.mark.parametrize("fmt", RIVM_SHAPES)
def test_rivm_wide_variant_without_marges(fmt):
    ingelezen = read(*rivm(fmt, with_marges=False))
    assert ingelezen.rapport.errors == []
    frame = ingelezen.frame
    assert len(frame) == 16
    assert value(frame, "BU00340101", "eenzaam", periode=2022, leeftijd="65+") == 55
    assert frame["ondergrens"].isna().all()


def test_rivm_without_leeftijd_column_assumes_adults_and_warns():
    csv = "Codering_3;Perioden;Eenzaam_27\nGM0034;2022JJ00;45,2\n"
    ingelezen = read(csv.encode(), "50120NED.csv")
    assert list(ingelezen.frame["leeftijd"]) == ["18+"]
    assert any("Leeftijd" in p.message for p in ingelezen.rapport.warnings)


def test_rivm_related_indicators_and_label_variants():
    csv = ("Codering_3;Leeftijd;Perioden;Mantelzorger_31;Vrijwilligerswerk_32;"
           "MistEmotioneleSteun_23\nGM0034;53115;2020;12,5;30;20\n")
    frame = read(csv.encode(), "gezondheid.csv").frame
    assert dict(zip(frame["indicator"], frame["waarde"])) == {
        "mantelzorger": 12.5, "vrijwilligerswerk": 30.0, "mist_emotionele_steun": 20.0}
    assert set(frame["leeftijd"]) == {"18-64"}
    assert set(frame["periode"]) == {2020}


def test_bound_on_the_wrong_side_is_a_warning_not_an_error():
    rows = [("GM0034", "Almere", "18+", "waarde", 2022, "45", "12", "30", "30"),
            ("GM0034", "Almere", "18+", "onder", 2022, "47", "11", "29", "29"),
            ("GM0034", "Almere", "18+", "boven", 2022, "50", "13", "31", "31")]
    ingelezen = read(*rivm(rows=rows))
    assert ingelezen.rapport.errors == []
    [warning] = ingelezen.rapport.warnings
    assert "ondergrens" in warning.message and warning.code == "GM0034"
    assert (warning.row, warning.column) == (2, "Eenzaam_27")
    assert value(ingelezen.frame, "GM0034", "eenzaam") == 45


def _replace(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    text = data.decode("utf-8")
    assert old in text
    return text.replace(old, new, count).encode("utf-8")


# (mutation of the RIVM OData CSV, expected message fragment, spreadsheet row, column).
# RIVM row 0 is spreadsheet row 2: GM0034 18+ MW00000 with eenzaam 45,2.
BROKEN_RIVM = [
    pytest.param((";GM0034;", ";GM34;"), "geen geldige gebiedscode", 2, "Codering_3",
                 id="bad-code"),
    pytest.param((";45,2;", ";veel;"), "geen getal; verwacht een getal, zoals 12,5", 2,
                 "Eenzaam_27", id="not-a-number"),
    pytest.param((";45,2;", ";145,2;"), "tussen 0 en 100", 2, "Eenzaam_27", id="above-100"),
    pytest.param((";45,2;", ";-5;"), "tussen 0 en 100", 2, "Eenzaam_27", id="negative-pct"),
    pytest.param(("20300;MW00000", "99999;MW00000"), "Onbekende leeftijdsgroep", 2,
                 "Leeftijd", id="unknown-leeftijd"),
    pytest.param(("MW00000", "MXX0000"), "Onbekende marge", 2, "Marges", id="unknown-marge"),
    pytest.param(("2022JJ00", "2022KW01"), "Onbekende periode", 2, "Perioden",
                 id="unknown-periode"),
]


@pytest.mark.parametrize("mutation, fragment, row, column", BROKEN_RIVM)
def test_broken_rivm_cells_are_reported_and_left_out(mutation, fragment, row, column):
    data, filename = rivm("odata_csv")
    ingelezen = read(_replace(data, *mutation), filename)
    matching = [p for p in ingelezen.rapport.errors if fragment in p.message]
    assert matching, [str(p) for p in ingelezen.rapport.errors]
    assert (matching[0].row, matching[0].column) == (row, column)
    assert ingelezen.rapport.error_rows() == {row}
    # The whole (GM0034, 18+, 2022) group goes, its bounds included; the rest stays.
    frame = ingelezen.frame
    gm = frame[(frame["code"] == "GM0034") & (frame["periode"] == 2022)]
    assert gm.empty
    assert len(frame) == 12
    assert ingelezen.usable(skip_invalid=True) and not ingelezen.usable()


def test_duplicate_rows_are_errors_on_every_copy():
    header = "Codering_3;Leeftijd;Perioden;Eenzaam_27\n"
    csv = header + "GM0034;20300;2022JJ00;45\nBU00340101;20300;2022JJ00;50\nGM0034;20300;2022;46\n"
    ingelezen = read(csv.encode(), "50120NED.csv")
    assert {p.row for p in ingelezen.rapport.errors} == {2, 4}
    assert all("meer dan één keer" in p.message and "rijen 2, 4" in p.message
               for p in ingelezen.rapport.errors)
    assert list(ingelezen.frame["code"]) == ["BU00340101"]


@pytest.mark.parametrize("row, fragment, column", [
    (("GM0034", "Almere", "Gemeente", "1000", "1250", "400", "160"), "Meer 65-plussers",
     "k_65JaarOfOuder_12"),
    (("GM0034", "Almere", "Gemeente", "-10", "5", "400", "160"), "negatief",
     "AantalInwoners_5"),
    (("GM0034", "Almere", "Gemeente", "1000", "250", "400", "500"),
     "Meer eenpersoonshuishoudens", "Eenpersoonshuishoudens_30"),
    (("GM0034", "Almere", "Gemeente", "1000", "250", "vierhonderd", "160"), "geen getal",
     "HuishoudensTotaal_29"),
    (("GM003", "Almere", "Gemeente", "1000", "250", "400", "160"), "geen geldige gebiedscode",
     "Codering_3"),
])
def test_broken_kerncijfers_rows(row, fragment, column):
    ingelezen = read(*kerncijfers(rows=[KERN[2], row]))
    [problem] = ingelezen.rapport.errors
    assert fragment in problem.message
    assert (problem.row, problem.column) == (3, column)
    assert set(ingelezen.frame["code"]) == {"WK003401"}


def test_row_numbers_skip_empty_lines_like_a_spreadsheet():
    csv = "Codering_3;AantalInwoners_5\nGM0034;1000\n;\nBU00340101;veel\n"
    ingelezen = read(csv.encode(), "85984NED.csv")
    [problem] = ingelezen.rapport.errors
    assert problem.row == 4
    assert problem.value == "veel"


@pytest.mark.parametrize("csv, fragment", [
    ("Codering_3;Roker_11\nGM0034;20\n", "geen kolom met cijfers"),
    ("Wijken en buurten;Eenzaamheid/Eenzaam (%)\nAlmere;45\nStadshart;50\n",
     "Alleen namen zijn niet genoeg"),
    # 65+ is a count; without inwoners no percentage can be made, and nothing else is there.
    ("Codering_3;k_65JaarOfOuder_12\nGM0034;250\n", "geen enkel cijfer"),
])
def test_unreadable_tables_raise_one_dutch_error(csv, fragment):
    with pytest.raises(WijkdataError, match=fragment):
        read(csv.encode(), "50120NED.csv")


@pytest.mark.parametrize("columns", [
    ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3", *ODATA_2024],
    ["ID", "WijkenEnBuurten", "Codering_3", "Leeftijd", "Marges", "Perioden", "Eenzaam_27"],
    ["Wijken en buurten", "Regioaanduiding/Codering (code)", *STATLINE_KERN],
    ["Wijken en buurten", "Regioaanduiding/Codering (code)", "Leeftijd", "Marges", "Perioden",
     *RIVM_STATLINE],
    ["WijkenEnBuurten", "HuishoudensTotaal_28"],
])
def test_looks_like_indicatoren(columns):
    assert looks_like_indicatoren(columns)


@pytest.mark.parametrize("columns", [
    # A boundary file's attribute table has inwoners but no CBS region column.
    ["buurtcode", "buurtnaam", "gemeentecode", "aantal_inwoners", "geometry"],
    ["naam", "omschrijving", "buurtcode", "postcode", "doelgroep"],
    ["WijkenEnBuurten", "Codering_3", "Roker_11"],
])
def test_does_not_look_like_indicatoren(columns):
    assert not looks_like_indicatoren(columns)


def test_bounds_without_their_value_row_are_left_out_with_a_warning():
    rows = [r for r in RIVM if not (r[0] == "GM0034" and r[3] == "waarde")]
    ingelezen = read(*rivm(rows=rows))
    assert ingelezen.rapport.errors == []
    assert "GM0034" not in set(ingelezen.frame["code"])
    assert len(ingelezen.frame) == 12
    [warning] = ingelezen.rapport.warnings
    assert "alleen de onder- en bovengrens" in warning.message and warning.code == "GM0034"


def test_soort_regio_that_contradicts_the_code_is_a_warning():
    csv = "Codering_3;SoortRegio_2;AantalInwoners_5\nGM0034;Buurt   ;1000\n"
    ingelezen = read(csv.encode(), "85984NED.csv")
    assert list(ingelezen.frame["niveau"]) == ["gemeente"]
    [warning] = ingelezen.rapport.warnings
    assert "soort regio" in warning.message and warning.row == 2


# --- real-shaped files (tests/realshapes.py) ----------------------------------------------

def _areas(**kwargs) -> dict[str, realshapes.Gebied]:
    return {a.code: a for a in realshapes.gebied(**kwargs)}


def by_code(frame: pd.DataFrame, indicator: str) -> pd.Series:
    part = frame[frame["indicator"] == indicator]
    return part.set_index("code")["waarde"]


@pytest.mark.parametrize("filename, sheet, year", [
    ("kwb-2024.xlsx", None, 2024),
    ("kwb-2023.xlsx", "Blad1", 2023),          # renamed sheet: the file name tells the year
])
def test_cbs_excel_edition_kwb_is_recognised_and_read(filename, sheet, year):
    data = realshapes.kwb_xlsx(year=year, sheet=sheet)
    ingelezen = read_file(data, filename)
    assert ingelezen.kind == "indicatoren" and ingelezen.rapport.errors == []
    assert "Excel-editie kwb" in ingelezen.source_format
    frame = ingelezen.frame
    assert set(frame["periode"]) == {year}
    areas = _areas()
    inwoners = by_code(frame, "inwoners")
    pct_65 = by_code(frame, "pct_65plus")
    pct_1p = by_code(frame, "pct_eenpersoonshuishoudens")
    for code in ("GM0034", "WK003401", "BU00340101", "BU0034AA01"):
        area = areas[code]
        assert inwoners[code] == area.inwoners
        assert pct_65[code] == pytest.approx(area.aantal_65plus / area.inwoners * 100)
        assert by_code(frame, "huishoudens")[code] == area.huishoudens
        assert pct_1p[code] == pytest.approx(area.eenpersoons / area.huishoudens * 100)
    tiny = next(a.code for a in areas.values() if a.niveau == "buurt" and 0 < a.inwoners < 100)
    assert math.isnan(pct_65[tiny]) and math.isnan(by_code(frame, "huishoudens")[tiny])
    levels = frame.drop_duplicates("code").set_index("code")
    assert levels.loc["NL01", "niveau"] == "land" and levels.loc["NL01", "naam"] == "Nederland"
    assert levels.loc["GM0034", "naam"] == "Almere"
    assert levels.loc["WK003401", "naam"] == areas["WK003401"].naam
    assert levels.loc["BU00340101", "naam"] == areas["BU00340101"].naam
    assert set(levels.loc[levels["niveau"] != "land", "gemeentenaam"]) == {"Almere"}
    assert levels.loc["NL01", "gemeentenaam"] == ""


def test_kwb_year_from_the_sheet_when_the_file_name_has_none():
    # textio passes the sheet's name on; CBS names it after the year.
    data = realshapes.kwb_xlsx(year=2023)
    raw = textio.read_table(data, "kerncijfers.xlsx")
    assert raw.attrs["sheet"] == "kwb-2023"
    assert set(read_indicatoren(raw, "kerncijfers.xlsx").frame["periode"]) == {2023}
    ingelezen = read_file(data, "kerncijfers.xlsx")
    assert set(ingelezen.frame["periode"]) == {2023}


def test_kwb_with_two_gemeenten_names_each_gemeente():
    data = realshapes.kwb_xlsx(gemeenten=(("GM0034", "Almere"), ("GM0363", "Amsterdam")),
                               buurten=10, wijken=2, nederland=False)
    frame = read_file(data, "kwb-2024.xlsx").frame.drop_duplicates("code")
    names = frame.set_index("code")["gemeentenaam"]
    assert names["BU00340101"] == "Almere" and names["BU03630101"] == "Amsterdam"


def test_rivm_50090ned_padded_excel_reads_as_the_csv_does():
    from_xlsx = read_file(realshapes.rivm_xlsx("50090NED", buurten=30, wijken=3),
                          "gezondheid_50090NED.xlsx")
    from_csv = read_file(realshapes.rivm_csv("50090NED", buurten=30, wijken=3),
                         "gezondheid_50090NED.csv")
    assert from_xlsx.rapport.errors == [] and from_csv.rapport.errors == []
    assert set(from_xlsx.frame["indicator"]) == {
        "eenzaam", "ernstig_eenzaam", "emotioneel_eenzaam", "sociaal_eenzaam", "mantelzorger",
        "vrijwilligerswerk"}
    pd.testing.assert_frame_equal(from_xlsx.frame, from_csv.frame)
    buurt = from_xlsx.frame[from_xlsx.frame["code"] == "BU00340101"]
    assert (buurt["ondergrens"] < buurt["waarde"]).all()
    assert set(buurt["naam"]) == {""} and set(buurt["gemeentenaam"]) == {"Almere"}


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.one_of(
    st.integers(0, 1000).map(lambda n: n / 10),
    st.none()), min_size=1, max_size=6),
    width=st.integers(0, 10), suffix=st.sampled_from(["_27", "_28", "_31", ""]))
def test_padded_text_values_and_any_suffix(cells, width, suffix):
    """Values as an Excel export holds them: right-aligned text, '.' for missing."""
    assume(any(c is not None for c in cells))
    header = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Codering_3",
              f"Eenzaam{suffix}"]
    lines = [header]
    for i, cell in enumerate(cells):
        text = "." if cell is None else f"{cell:.1f}"
        lines.append([str(i), "20300", "MW00000", f"BU003401{i:02d}  ", "2022JJ00",
                      f"BU003401{i:02d}", text.rjust(width)])
    data = "\n".join(";".join(line) for line in lines).encode()
    frame = read(data, "50090NED.csv").frame
    got = frame.set_index("code")["waarde"]
    for i, cell in enumerate(cells):
        expected = np.nan if cell is None else cell
        assert same(got[f"BU003401{i:02d}"], expected)


def test_statline_download_with_nl00_is_nederland_and_names_every_level():
    ingelezen = read(realshapes.statline_kerncijfers_csv(buurten=20, wijken=3),
                     "kerncijfers_wijken_2024.csv")
    assert ingelezen.rapport.errors == []
    frame = ingelezen.frame.drop_duplicates("code").set_index("code")
    assert "NL00" not in frame.index
    assert frame.loc["NL01", "niveau"] == "land" and frame.loc["NL01", "naam"] == "Nederland"
    areas = _areas(buurten=20, wijken=3)
    assert frame.loc["BU00340101", "naam"] == areas["BU00340101"].naam
    assert frame.loc["BU00340101", "gemeentenaam"] == "Almere"
    inwoners = by_code(ingelezen.frame, "inwoners")
    assert inwoners["NL01"] == 17_942_942 and inwoners["GM0034"] == areas["GM0034"].inwoners


def test_statline_download_without_codering_is_refused_with_advice():
    data = realshapes.statline_kerncijfers_csv(buurten=5, wijken=1, with_codering=False)
    with pytest.raises(WijkdataError, match="codering erbij"):
        read(data, "kerncijfers_2024.csv")


def test_a_figure_column_empty_in_every_row_is_named_not_silently_missing():
    header, rows = realshapes.rivm_national_rows(rows=600, periode=2012)
    data = "\n".join(";".join(str(c) for c in line) for line in [header, *rows]).encode()
    ingelezen = read(data, "rivm_50090NED.csv")
    assert "sociaal_eenzaam" not in set(ingelezen.frame["indicator"])
    messages = [str(w) for w in ingelezen.rapport.warnings]
    assert any("SociaalEenzaam_31 is in elke rij leeg" in m for m in messages), messages
    assert len(by_code(ingelezen.frame, "eenzaam")) == 600


def test_an_indicator_empty_in_one_period_is_left_out_for_that_period():
    data = realshapes.rivm_csv(buurten=12, wijken=2, levels=("gemeente", "buurt"),
                               periods=(2012, 2016))
    ingelezen = read(data, "gezondheid_50120NED.csv")
    sociaal = ingelezen.frame[ingelezen.frame["indicator"] == "sociaal_eenzaam"]
    assert set(sociaal["periode"]) == {2016}
    assert any("SociaalEenzaam_30 is in 2012 in elke rij leeg" in str(w)
               for w in ingelezen.rapport.warnings)
    eenzaam = ingelezen.frame[ingelezen.frame["indicator"] == "eenzaam"]
    assert set(eenzaam["periode"]) == {2012, 2016}


def test_every_figure_column_empty_is_a_dutch_error():
    csv = "Codering_3;Perioden;Eenzaam_27;SociaalEenzaam_30\nGM0034;2012JJ00;.;\n"
    with pytest.raises(WijkdataError, match="in elke rij leeg"):
        read(csv.encode(), "50120NED.csv")


def test_national_rivm_frame_is_read_per_column_not_per_cell(monkeypatch):
    """17,341 rows × 43 text cells: codes and numbers are handled per column, with Python
    calls only per distinct unusual value (0.7 s in all; per distinct code it took 2.8 s)."""
    header, rows = realshapes.rivm_national_rows()
    raw = pd.DataFrame([[str(c).strip() for c in row] for row in rows], columns=header)
    calls = {"clean_code": 0, "parse_number": 0}

    def counting(name, func):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return func(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(codes, "clean_code", counting("clean_code", codes.clean_code))
    monkeypatch.setattr(textio, "parse_number", counting("parse_number", textio.parse_number))
    ingelezen = read_indicatoren(raw, "rivm_50090NED.xlsx")
    assert len(by_code(ingelezen.frame, "eenzaam")) == 17_341
    assert calls["clean_code"] < 100 and calls["parse_number"] < 100, calls


def test_almere_scenario_names_and_codes_join():
    files = realshapes.almere_scenario()
    gebieden = read_file(files["buurten_pdok_2024.geojson"], "buurten_pdok_2024.geojson")
    kern = read_file(files["kerncijfers_85984NED.csv"], "kerncijfers_85984NED.csv")
    rivm_ = read_file(files["gezondheid_50120NED.csv"], "gezondheid_50120NED.csv")
    assert kern.rapport.errors == [] and rivm_.rapport.errors == []
    buurtcodes = set(gebieden.frame["code"])
    assert set(rivm_.frame["code"]) <= buurtcodes
    assert set(rivm_.frame["niveau"]) == {"buurt"}
    assert buurtcodes == set(kern.frame.loc[kern.frame["niveau"] == "buurt", "code"])
    assert gebieden.frame["gemeentenaam"].isna().all()          # PDOK has none ...
    named = kern.frame.drop_duplicates("code").set_index("code")
    assert named.loc["GM0034", "naam"] == "Almere"               # ... the Kerncijfers do
    assert set(named["gemeentenaam"]) == {"Almere"}
    assert set(rivm_.frame["gemeentenaam"]) == {"Almere"}
