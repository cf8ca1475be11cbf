"""The initiatives reader: header variants, locations, validation, privacy, template."""
from __future__ import annotations

import io
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from wijkdata.errors import WijkdataError
from wijkdata.escaping import neutralise_formula
from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, INITIATIEF_COLUMNS, WIJ_TYPES
from wijkdata.readers import textio
from wijkdata.readers.initiatieven import (
    OUTPUT_COLUMNS,
    VERWIJDERD,
    looks_like_initiatieven,
    parse_datum,
    parse_doelgroepen,
    read_initiatieven,
    suggest_mapping,
    template_csv,
    template_frame,
    template_xlsx,
)

# Amersfoort, the origin of RD New: x 155000, y 463000 is about lat 52.1552, lon 5.3872.
AMERSFOORT = {"lat": "52,1552", "lon": "5,3872"}


def csv_bytes(rows: list[dict], sep: str = ";") -> bytes:
    """A CSV as a Dutch Excel writes it: the header from the first row's keys."""
    header = list(rows[0])
    lines = [sep.join(header)] + [sep.join(str(r.get(h, "")) for h in header) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def read(rows: list[dict], filename: str = "lijst.csv", **kwargs):
    raw = textio.read_table(csv_bytes(rows), filename)
    return read_initiatieven(raw, filename, **kwargs)


def row(**cells) -> dict:
    """A valid row located in Amersfoort; keyword arguments replace or add cells."""
    base = {"naam": "Koffietafel", "activiteit": "ontmoeting", "wij_type": "bonding",
            "doelgroepen": "ouderen", **AMERSFOORT}
    base.update(cells)
    return base


def messages(result) -> str:
    return " | ".join(str(p) for p in result.rapport.errors + result.rapport.warnings)


# --- recognising headers ----------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ("naam", "naam"), ("Naam initiatief", "naam"), ("Titel", "naam"), ("INITIATIEF", "naam"),
    ("Beschrijving", "omschrijving"), ("Omschrijving", "omschrijving"),
    ("Categorie", "activiteit"), ("Soort", "activiteit"),
    ("wij-type", "wij_type"), ("Wij_type", "wij_type"), ("Type verbinding", "wij_type"),
    ("Doelgroep", "doelgroepen"), ("Doelgroepen", "doelgroepen"),
    ("Hoe vaak", "frequentie"), ("Begindatum", "startdatum"),
    ("Startdatum (dd-mm-jjjj)", "startdatum"), ("Einddatum", "einddatum"),
    ("Georganiseerd door", "organisator"), ("Organisatie", "organisator"),
    ("CBS buurtcode", "buurtcode"), ("Buurt code", "buurtcode"),
    ("Breedtegraad", "lat"), ("Latitude", "lat"), ("lng", "lon"), ("Lengtegraad", "lon"),
    ("X-coördinaat", "x"), ("x_rd", "x"), ("Y", "y"),
    ("Contactpersoon", "contactpersoon"), ("E-mail", "email"), ("mail", "email"),
    ("Tel.", "telefoon"), ("Telefoonnummer", "telefoon"), ("Mobiel", "telefoon"),
    ("Locatie verborgen", "locatie_verborgen"), ("Privé adres", "locatie_verborgen"),
    ("Alleen buurt", "locatie_verborgen"),
    ("Laatst bevestigd", "laatst_bevestigd"), ("Bijgewerkt", "laatst_bevestigd"),
    ("Peildatum", "laatst_bevestigd"), ("Laatst gecontroleerd", "laatst_bevestigd"),
    # a person, not a date: never guessed from a look-alike header
    ("Bijgewerkt door", None), ("Bevestigd door", None),
    # fuzzy: typos
    ("Omschrijvng", "omschrijving"), ("Organisatr", "organisator"),
    ("Begin datum", "startdatum"),
    # not ours
    ("Opmerkingen", None), ("Postcode", None), ("Buurt", None), ("Adres", None),
])
def test_suggest_mapping_header_variants(header, expected):
    assert suggest_mapping([header]) == {header: expected}


def test_suggest_mapping_gives_each_canonical_column_once():
    mapping = suggest_mapping(["Titel", "Naam", "E-mail", "Mail"])
    assert mapping == {"Titel": "naam", "Naam": None, "E-mail": "email", "Mail": None}


@pytest.mark.parametrize("columns, expected", [
    (["Naam initiatief", "Categorie"], True),
    (["naam", "lat", "lon"], True),
    (["Titel", "Buurt"], True),
    (["naam", "buurtcode"], True),
    (["naam"], False),
    (["Categorie", "Doelgroep"], False),
    # CBS and PDOK area files have names and codes but no initiative name
    (["buurtcode", "buurtnaam", "wijkcode", "gemeentenaam", "water"], False),
    (["statcode", "statnaam", "rubriek", "jrstatcode"], False),
])
def test_looks_like_initiatieven(columns, expected):
    assert looks_like_initiatieven(columns) is expected


@pytest.mark.parametrize("header", ["naam", "Naam initiatief", "Titel", "initiatief"])
def test_read_accepts_naam_header_variants(header):
    result = read([{header: "Buurtmoestuin", "Categorie": "natuur", **AMERSFOORT}])
    assert result.rapport.ok, messages(result)
    assert result.frame.loc[0, "naam"] == "Buurtmoestuin"
    assert result.frame.loc[0, "activiteit"] == "natuur en groen"


def test_mapping_overrides_suggestions():
    rows = [{"Wat": "Jeu de boules", "Naam": "Piet Jansen", "Soort": "sport", **AMERSFOORT}]
    result = read(rows, mapping={"Wat": "naam", "Naam": None})
    assert result.rapport.ok, messages(result)
    assert result.frame.loc[0, "naam"] == "Jeu de boules"
    assert "Piet Jansen" not in result.frame.to_string()
    assert "'Naam'" in messages(result)        # reported as not used


def test_mapping_to_a_column_taken_by_a_suggestion_moves_it():
    rows = [{"naam": "oud", "Titel": "Buurtfeest", **AMERSFOORT}]
    result = read(rows, mapping={"Titel": "naam"})
    assert result.frame.loc[0, "naam"] == "Buurtfeest"


@pytest.mark.parametrize("mapping, fragment", [
    ({"Wat": "bestaat_niet"}, "die kolom bestaat niet"),
    ({"Wat": "naam", "Extra": "naam"}, "allebei gekoppeld aan 'naam'"),
])
def test_bad_mapping_raises(mapping, fragment):
    rows = [{"Wat": "Koffie", "Extra": "Thee", **AMERSFOORT}]
    with pytest.raises(WijkdataError, match=fragment):
        read(rows, mapping=mapping)


@pytest.mark.parametrize("columns, fragment", [
    (["Opmerking", "lat", "lon"], "geen kolom met de naam"),
    (["naam", "activiteit"], "geen kolom met een locatie"),
    (["naam", "lat"], "niet voor lon"),
])
def test_file_without_required_columns_raises(columns, fragment):
    rows = [{c: "1" for c in columns}]
    with pytest.raises(WijkdataError, match=fragment):
        read(rows)


# --- locations ----------------------------------------------------------------------------------

def test_decimal_comma_in_semicolon_csv():
    result = read([row(lat="52,0907", lon="5,1214")])
    assert result.rapport.ok, messages(result)
    assert result.frame.loc[0, ["lat", "lon"]].tolist() == [52.0907, 5.1214]
    # lat/lon also get RD x/y: Utrecht Domtoren is about (136 800, 455 800).
    assert result.frame.loc[0, "x"] == pytest.approx(136_800, abs=300)
    assert result.frame.loc[0, "y"] == pytest.approx(455_800, abs=300)


def test_decimal_point_in_comma_csv():
    raw = textio.read_table(csv_bytes([row(lat="52.0907", lon="5.1214")], sep=","), "a.csv")
    result = read_initiatieven(raw, "a.csv")
    assert result.frame.loc[0, "lat"] == 52.0907


def test_rd_coordinates_are_converted():
    result = read([{"naam": "Burendag", "x": "155000", "y": "463000"}])
    assert result.rapport.ok, messages(result)
    frame = result.frame
    assert frame.loc[0, "lat"] == pytest.approx(52.1552, abs=0.001)
    assert frame.loc[0, "lon"] == pytest.approx(5.3872, abs=0.001)
    assert frame.loc[0, ["x", "y"]].tolist() == [155000.0, 463000.0]
    assert frame["x"].dtype == float


def test_buurtcode_only_rows_have_no_coordinates():
    result = read([{"naam": "Lief-en-leedpotje", "buurtcode": " bu00340101 "}])
    assert result.rapport.ok, messages(result)
    frame = result.frame
    assert frame.loc[0, "buurtcode"] == "BU00340101"
    assert frame.loc[0, ["lat", "lon", "x", "y"]].isna().all()


def test_swapped_lat_lon_is_swapped_back_with_a_warning():
    result = read([row(), row(lat="5,3872", lon="52,1552")])
    assert result.rapport.ok
    assert result.frame.loc[1, ["lat", "lon"]].tolist() == [52.1552, 5.3872]
    warning = [w for w in result.rapport.warnings if "omgewisseld" in w.message]
    assert [w.row for w in warning] == [3]


def test_buurten_fill_buurtcode_from_the_point():
    buurten = gpd.GeoDataFrame(
        {"code": ["BU00010001", "WK000100"], "niveau": ["buurt", "wijk"]},
        geometry=[box(154_000, 462_000, 156_000, 464_000), box(0, 300_000, 300_000, 600_000)],
        crs=28992)
    rows = [{"naam": "A", "x": "155000", "y": "463000", "buurtcode": ""},
            {"naam": "B", "x": "100000", "y": "400000", "buurtcode": ""},
            {"naam": "C", "x": "155000", "y": "463000", "buurtcode": "BU00340101"}]
    result = read(rows, buurten=buurten)
    assert result.frame["buurtcode"].tolist()[0] == "BU00010001"
    assert pd.isna(result.frame.loc[1, "buurtcode"])       # the wijk is not a buurt
    assert result.frame.loc[2, "buurtcode"] == "BU00340101"  # a given code is kept
    assert "rij 3" in messages(result)


# --- row errors: every one names the spreadsheet row, the column and what was expected -------

@pytest.mark.parametrize("cells, column, fragment", [
    ({"lat": "48,85", "lon": "2,35"}, "lat", "buiten Nederland"),
    ({"lat": "", "lon": "", "x": "400000", "y": "100000"}, "x", "RD-coördinaten"),
    ({"lat": "52°09'N", "lon": "5,38"}, "lat", "is geen getal"),
    ({"lat": "52,1", "lon": "onbekend"}, "lon", "'onbekend' is geen getal"),
    ({"lat": "52,1", "lon": ""}, "lon", "vul ook lon in"),
    ({"lat": "", "lon": "", "buurtcode": "WK003401"}, "buurtcode", "BU en 8 tekens"),
    ({"lat": "", "lon": "", "buurtcode": ""}, "buurtcode", "Geen locatie"),
    ({"activiteit": "knutselen"}, "activiteit", "Kies uit: ontmoeting, eten en drinken"),
    ({"wij_type": "verbindend"}, "wij_type", "Onbekend wij-type 'verbindend'"),
    ({"doelgroepen": "ouderen, honden"}, "doelgroepen", "Onbekende doelgroep 'honden'"),
    ({"startdatum": "31-02-2024"}, "startdatum", "niet te lezen"),
    ({"startdatum": "volgend jaar"}, "startdatum", "Schrijf een datum als 2024-03-01"),
    ({"startdatum": "1-3-2024", "einddatum": "2023-12-31"}, "einddatum",
     "ligt voor de startdatum"),
    ({"naam": ""}, "naam", "naam van het initiatief ontbreekt"),
    ({"locatie_verborgen": "misschien"}, "locatie_verborgen", "geen ja of nee"),
])
def test_row_errors(cells, column, fragment):
    full = {"buurtcode": "", "x": "", "y": "", "startdatum": "", "einddatum": "",
            "locatie_verborgen": ""}
    rows = [row(**full), row(**{**full, **cells}), row(**full, naam="Derde")]
    result = read(rows)
    assert result.rows == 3
    assert result.rapport.error_rows() == {3}
    [problem] = result.rapport.errors
    assert problem.column == column
    assert fragment in problem.message
    assert result.frame["bron_rij"].tolist() == [2, 4]      # invalid rows left out
    assert result.usable(skip_invalid=True) and not result.usable()


def test_all_problems_are_collected():
    rows = [row(naam="", activiteit="knutselen", startdatum="gisteren", lat="x1")]
    result = read(rows)
    assert {p.column for p in result.rapport.errors} == {"naam", "activiteit", "startdatum",
                                                         "lat"}
    assert result.frame.empty
    assert list(result.frame.columns) == OUTPUT_COLUMNS


def test_error_column_is_the_source_header():
    result = read([{"Naam initiatief": "Koffie", "Categorie": "knutselen", **AMERSFOORT}])
    assert [(p.row, p.column) for p in result.rapport.errors] == [(2, "Categorie")]


def test_row_numbers_survive_empty_lines_in_excel():
    # textio drops rows that are empty everywhere; the others keep their spreadsheet row.
    rows = [row(), {k: "" for k in row()}, row(activiteit="knutselen")]
    result = read(rows)
    assert result.rapport.error_rows() == {4}


# --- values ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("ontmoeting", "ontmoeting"), ("Eten & drinken", "eten en drinken"),
    ("ETEN EN DRINKEN", "eten en drinken"), ("muziek", "muziek en cultuur"),
    ("Cultuur", "muziek en cultuur"), ("natuur/groen", "natuur en groen"),
    ("groen", "natuur en groen"), ("Sport", "sport en bewegen"), ("bewegen", "sport en bewegen"),
    ("burenhulp", "burenhulp en zorg"), ("zorg", "burenhulp en zorg"),
    ("Feesten", "feest"), ("online", "digitaal"),
])
def test_activity_synonyms(text, expected):
    result = read([row(activiteit=text)])
    assert result.rapport.ok, messages(result)
    assert result.frame.loc[0, "activiteit"] == expected


@pytest.mark.parametrize("text, expected", [
    ("bonding", "bonding"), ("Bridging", "bridging"), ("BEIDE", "beide"), ("beiden", "beide"),
    ("bonding & bridging", "beide"),
])
def test_wij_types(text, expected):
    assert read([row(wij_type=text)]).frame.loc[0, "wij_type"] == expected


@pytest.mark.parametrize("text, expected, unknown", [
    ("ouderen", ["ouderen"], []),
    ("Jongeren, ouderen", ["ouderen", "jongeren"], []),
    ("ouderen; gezinnen / nieuwkomers", ["ouderen", "gezinnen", "nieuwkomers"], []),
    ("jongeren en ouderen", ["ouderen", "jongeren"], []),
    ("Mensen met een beperking", ["mensen met een beperking"], []),
    ("senioren, jeugd", ["ouderen", "jongeren"], []),
    ("ouderen, katten", ["ouderen"], ["katten"]),
])
def test_parse_doelgroepen(text, expected, unknown):
    assert parse_doelgroepen(text) == (expected, unknown)


def test_doelgroepen_stored_joined_in_catalogue_order():
    result = read([row(doelgroepen="iedereen/ouderen")])
    assert result.frame.loc[0, "doelgroepen"] == "ouderen; iedereen"
    assert set(result.frame.loc[0, "doelgroepen"].split("; ")) <= set(DOELGROEPEN)


@pytest.mark.parametrize("text, expected, year_only", [
    ("2024-03-01", "2024-03-01", False), ("1-3-2024", "2024-03-01", False),
    ("01-03-2024", "2024-03-01", False), ("1/3/2024", "2024-03-01", False),
    ("1.3.2024", "2024-03-01", False), ("2024-03-01 00:00:00", "2024-03-01", False),
    ("1 maart 2024", "2024-03-01", False), ("45352", "2024-03-01", False),
    ("2024", "2024-01-01", True),
])
def test_parse_datum(text, expected, year_only):
    value, only_year = parse_datum(text)
    assert value.isoformat() == expected and only_year is year_only


@pytest.mark.parametrize("text", ["31-02-2024", "13-13-2024", "maandag", "12", "2024-3"])
def test_parse_datum_rejects(text):
    with pytest.raises(ValueError):
        parse_datum(text)


def test_dates_are_datetimes_and_a_year_warns():
    result = read([row(startdatum="2019", einddatum="2020")])
    assert result.frame.loc[0, "startdatum"] == pd.Timestamp("2019-01-01")
    assert result.frame.loc[0, "einddatum"] == pd.Timestamp("2020-12-31")
    assert {w.row for w in result.rapport.warnings if "jaar" in w.message} == {2}


@pytest.mark.parametrize("text, expected", [
    ("ja", True), ("Nee", False), ("x", True), ("", False), ("TRUE", True), ("0", False),
])
def test_locatie_verborgen(text, expected):
    assert read([row(locatie_verborgen=text)]).frame.loc[0, "locatie_verborgen"] == expected


def test_empty_optional_values_stay_missing_with_one_warning():
    result = read([row(wij_type=""), row(wij_type=""), row()])
    assert result.rapport.ok
    assert result.frame["wij_type"].isna().tolist() == [True, True, False]
    [warning] = [w for w in result.rapport.warnings if "wij-type" in w.message]
    assert "rij 2, 3" in warning.message


def test_text_is_kept_as_plain_stripped_strings():
    result = read([row(naam="  <b>Soep</b> & brood  ", omschrijving="=1+1")])
    assert result.frame.loc[0, "naam"] == "<b>Soep</b> & brood"
    assert result.frame.loc[0, "omschrijving"] == "=1+1"


def test_frame_columns_and_format():
    result = read([row()], filename="lijst.csv")
    assert list(result.frame.columns) == INITIATIEF_COLUMNS + ["x", "y", "bron_rij"]
    assert result.kind == "initiatieven"
    assert result.source_format == "Lijst met initiatieven (CSV)"


# --- personal data ---------------------------------------------------------------------------

def personal_rows():
    return [row(Contactpersoon="Jan de Vries", **{"E-mail": "jan@example.nl"},
                Telefoon="06-12345678", Bereikbaar="030 123 4567", Info="a.b@voorbeeld.nl"),
            row(Contactpersoon="Els", **{"E-mail": "els@example.nl"},
                Telefoon="+31 6 12345678", Bereikbaar="(030) 1234567", Info="")]


def test_personal_columns_dropped_by_header_and_by_pattern():
    result = read(personal_rows())
    assert result.rapport.ok
    assert result.dropped_columns == ["Contactpersoon", "E-mail", "Telefoon", "Bereikbaar",
                                      "Info"]
    [warning] = [w for w in result.rapport.warnings if "persoonsgegevens" in w.message]
    for header in result.dropped_columns:
        assert f"'{header}'" in warning.message
    text = result.frame.to_string()
    for secret in ("Jan de Vries", "jan@example.nl", "12345678", "voorbeeld.nl"):
        assert secret not in text
    assert not {"contactpersoon", "email", "telefoon"} & set(result.frame.columns)


def test_keep_personal_keeps_them():
    result = read(personal_rows(), keep_personal=True)
    assert result.dropped_columns == ["Bereikbaar", "Info"]   # no free canonical column
    frame = result.frame
    assert frame.loc[0, "contactpersoon"] == "Jan de Vries"
    assert frame.loc[0, "email"] == "jan@example.nl"
    assert frame.loc[1, "telefoon"] == "+31 6 12345678"
    assert "intern gebruik" in messages(result)


def test_pattern_column_kept_under_free_personal_name():
    rows = [row(Bereikbaar="06 1234 5678"), row(Bereikbaar="0612345678")]
    result = read(rows, keep_personal=True)
    assert result.frame["telefoon"].tolist() == ["06 1234 5678", "0612345678"]


@pytest.mark.parametrize("text, kept", [
    ("Mail naar piet@example.nl voor info", "Mail naar [verwijderd] voor info"),
    ("Bel 06-12345678 of kom langs", "Bel [verwijderd] of kom langs"),
    ("Bel +31 (0)30 123 45 67.", "Bel [verwijderd]."),
    ("Van 09.00-12.00 uur, sinds 01-03-2024", "Van 09.00-12.00 uur, sinds 01-03-2024"),
])
def test_contact_details_in_free_text_are_blanked(text, kept):
    result = read([row(omschrijving=""), row(omschrijving=text)], keep_personal=True)
    assert result.frame.loc[1, "omschrijving"] == kept
    blanked = [w for w in result.rapport.warnings if VERWIJDERD in w.message]
    assert [(w.row, w.column) for w in blanked] == ([(3, "omschrijving")] if kept != text
                                                    else [])
    assert all(w.value is None for w in blanked)


# --- formulas --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+31 6", "'+31 6"), ("-2+3", "'-2+3"),
    ("@cmd", "'@cmd"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Koffietafel", "Koffietafel"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


# --- the template ----------------------------------------------------------------------------

def test_template_frame():
    frame = template_frame()
    assert 2 <= len(frame) <= 3
    assert set(INITIATIEF_COLUMNS) <= set(frame.columns)
    assert frame["naam"].str.contains("voorbeeld").all()
    assert set(frame["activiteit"]) <= set(ACTIVITEITEN)
    assert set(frame["wij_type"]) <= set(WIJ_TYPES)


@pytest.mark.parametrize("make, filename, fmt", [
    (template_csv, "sjabloon.csv", "Lijst met initiatieven (CSV)"),
    (template_xlsx, "sjabloon.xlsx", "Lijst met initiatieven (Excel)"),
])
def test_template_round_trip(make, filename, fmt):
    result = read_initiatieven(textio.read_table(make(), filename), filename)
    assert result.rapport.errors == []
    assert result.rapport.warnings == []
    assert result.source_format == fmt
    expected = template_frame()
    frame = result.frame
    assert frame["naam"].tolist() == expected["naam"].tolist()
    assert frame["startdatum"].tolist() == expected["startdatum"].tolist()
    assert frame["locatie_verborgen"].tolist() == expected["locatie_verborgen"].tolist()
    assert frame.loc[0, "lat"] == pytest.approx(expected.loc[0, "lat"])
    assert frame.loc[1, "x"] == pytest.approx(expected.loc[1, "x"])
    assert not math.isnan(frame.loc[1, "lat"])           # RD row converted
    assert frame.loc[2, "buurtcode"] == "BU99990102"
    # The day last confirmed is read back; an empty one stays empty (the list's day counts).
    assert frame["laatst_bevestigd"].iloc[:2].tolist() == \
        expected["laatst_bevestigd"].iloc[:2].tolist()
    assert pd.isna(frame.loc[2, "laatst_bevestigd"])


def test_template_csv_is_for_dutch_excel():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    header, first = data.decode("utf-8-sig").splitlines()[:2]
    assert header.split(";")[0] == "naam"
    assert ";52,1561;5,3878;" in first


def test_template_xlsx_sheets_and_explanation():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == ["Initiatieven", "Toelichting"]
    notes = pd.DataFrame(workbook["Toelichting"].values).fillna("")
    explained = dict(zip(notes[0], notes[3]))
    assert set(template_frame().columns) <= set(explained)
    for column, allowed in (("activiteit", ACTIVITEITEN), ("wij_type", WIJ_TYPES),
                            ("doelgroepen", DOELGROEPEN)):
        assert all(value in explained[column] for value in allowed)
    assert np.all([c.value for c in workbook["Initiatieven"][1]] == list(template_frame()))


def test_excel_with_typed_cells():
    import datetime as dt

    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Naam initiatief", "Wijk", "Categorie", "Startdatum", "X", "Y", "E-mail"])
    sheet.append(["Repair café", "Centrum", "Burenhulp", dt.datetime(2021, 5, 1), 155000,
                  463000.5, "a@b.nl"])
    sheet.append(["Buurtapp", "Noord", "digitaal", 44197, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_initiatieven(textio.read_table(buffer.getvalue(), "lijst.xlsx"), "lijst.xlsx")
    assert result.source_format == "Lijst met initiatieven (Excel)"
    assert result.frame["startdatum"].tolist() == [pd.Timestamp("2021-05-01")]
    assert result.frame.loc[0, "y"] == 463000.5
    assert result.dropped_columns == ["E-mail"]
    [problem] = result.rapport.errors
    assert (problem.row, problem.message.startswith("Geen locatie")) == (3, True)


# --- real-shaped files: Dutch Excel CSV, XLSX text that looks missing, formulas --------------

def test_a_dutch_excel_list_is_read_without_problems():
    data = ('\ufeffNaam initiatief;Omschrijving;Categorie;lat;lon;Startdatum\r\n'
            '"Zingen op Koningsdag; met soesjes";"=HYPERLINK(""http://example.org"",""klik"")";'
            'muziek;52,37;4,89;5-8-2024\r\n'
            'Koffietafel;"Elke dinsdag\nkoffie; thee";ontmoeten;52,1552;5,3872;1-3-2024\r\n'
            ).encode("utf-8")
    result = read_initiatieven(textio.read_table(data, "lijst.csv"), "lijst.csv")
    assert result.rapport.errors == []
    frame = result.frame
    assert frame["naam"].tolist() == ["Zingen op Koningsdag; met soesjes", "Koffietafel"]
    assert frame["omschrijving"].tolist() == ['=HYPERLINK("http://example.org","klik")',
                                              "Elke dinsdag\nkoffie; thee"]
    assert frame["startdatum"].tolist() == [pd.Timestamp("2024-08-05"),
                                            pd.Timestamp("2024-03-01")]
    assert frame["lat"].tolist() == [52.37, 52.1552]
    assert neutralise_formula(frame.loc[0, "omschrijving"]).startswith("'=")


def test_xlsx_names_that_look_missing_and_formulas_stay_text():
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["naam", "omschrijving", "x", "y"])
    for naam, omschrijving in (("NA", "null"), ("None", "nan"), ("#N/A", "NaN"),
                               ('=A1&" samen"', "=1+1")):
        sheet.append([naam, omschrijving, 155000, 463000])
    buffer = io.BytesIO()
    workbook.save(buffer)     # openpyxl stores formulas without a cached value
    result = read_initiatieven(textio.read_table(buffer.getvalue(), "l.xlsx"), "l.xlsx")
    assert result.rapport.errors == []
    assert result.frame["naam"].tolist() == ["NA", "None", "#N/A", '=A1&" samen"']
    assert result.frame["omschrijving"].tolist() == ["null", "nan", "NaN", "=1+1"]
    assert result.frame["x"].tolist() == [155000.0] * 4


@pytest.mark.parametrize("text", ["x" * 100_000, "x" * 100_000 + "@", "a@" + "b." * 50_000])
def test_a_long_description_is_scrubbed_in_linear_time(text):
    import time
    started = time.perf_counter()
    result = read([row(omschrijving=text)])
    # The quadratic pattern took 78 s for the first text; linear takes milliseconds.
    assert time.perf_counter() - started < 5
    assert result.frame.loc[0, "omschrijving"] == text


# --- laatst bevestigd: optional, the list's own date per initiative ---------------------------

def test_a_list_may_say_when_each_initiative_was_last_confirmed():
    result = read([row(naam="Taalcafé", **{"Laatst bevestigd": "3-3-2025"}),
                   row(naam="Koor", **{"Laatst bevestigd": ""}),
                   row(naam="Soep", **{"Laatst bevestigd": "1 mrt 2024"}),
                   row(naam="Jeu de boules", **{"Laatst bevestigd": "2023-11-30"})])
    assert not result.rapport.errors
    frame = result.frame
    assert list(frame.columns) == OUTPUT_COLUMNS + ["laatst_bevestigd"]
    assert pd.api.types.is_datetime64_any_dtype(frame["laatst_bevestigd"])
    assert frame["laatst_bevestigd"].tolist()[0] == pd.Timestamp(2025, 3, 3)
    assert pd.isna(frame["laatst_bevestigd"].iloc[1])        # the list's own day counts later
    assert frame["laatst_bevestigd"].tolist()[2:] == [pd.Timestamp(2024, 3, 1),
                                                      pd.Timestamp(2023, 11, 30)]


def test_an_unreadable_or_future_confirmation_costs_the_row_nothing():
    result = read([row(naam="Taalcafé", Peildatum="vorige week"),
                   row(naam="Koor", Peildatum="1-1-2999"),
                   row(naam="Soep", Peildatum="5-8-2024")])
    assert not result.rapport.errors
    assert result.frame["naam"].tolist() == ["Taalcafé", "Koor", "Soep"]
    assert result.frame["laatst_bevestigd"].isna().tolist() == [True, True, False]
    text = messages(result)
    assert "'vorige week' is niet te lezen" in text and "ligt in de toekomst" in text
    [onleesbaar] = [w for w in result.rapport.warnings if "vorige week" in w.message]
    assert (onleesbaar.row, onleesbaar.column) == (2, "Peildatum")


def test_without_such_a_column_the_frame_has_none():
    result = read([row(**{"Bijgewerkt door": "Piet"})])
    assert list(result.frame.columns) == OUTPUT_COLUMNS
    assert "'Bijgewerkt door'" in messages(result)            # reported as not used
    empty = read([row(naam="", Bijgewerkt="3-3-2025")])       # no valid row at all
    assert empty.frame.empty and "laatst_bevestigd" in empty.frame.columns
