"""wijkdata.upload: checks before reading, recognition, remembered mappings, report, coverage,
preview, publishing (also concurrently on PostgreSQL) and hostile files."""
from __future__ import annotations

import io
import re
import struct
import threading
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tests.factory import make_frames
from wijkdata import upload
from wijkdata.errors import WijkdataError
from wijkdata.escaping import escape_markdown
from wijkdata.export import spreadsheets
from wijkdata.model import datasets
from wijkdata.readers import read_file
from wijkdata.readers.gebieden import MAX_ZIP_MEMBERS
from wijkdata.store import Store, Versie

INITIATIEVEN_CSV = (
    b"Naam initiatief;Activiteit;Wij-type;Doelgroep;Lat;Lon;E-mail\n"
    b"Koffietafel;ontmoeting;bonding;ouderen;52,1;5,1;a@voorbeeld.nl\n"
    b"Buurtfeest;feest;bridging;iedereen;52,2;5,2;b@voorbeeld.nl\n"
    b"Kapot;onbekend;bonding;ouderen;52,2;5,2;\n"
)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def declare_size(data: bytes, size: int) -> bytes:
    """A zip whose central directory claims ``size`` unpacked bytes for its first member
    (a zip bomb as the directory shows it, without the gigabytes)."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    data[at + 24:at + 28] = struct.pack("<I", size)
    return bytes(data)


def geojson_of(frame: gpd.GeoDataFrame) -> bytes:
    return frame.to_crs(4326).to_json().encode("utf-8")


def gebieden_geojson() -> bytes:
    gebieden, _, _ = make_frames()
    frame = gebieden.rename(columns={"code": "buurtcode", "naam": "buurtnaam"})
    return geojson_of(frame[["buurtcode", "buurtnaam", "wijkcode", "gemeentecode",
                             "gemeentenaam", "geometry"]])


# --- check_upload ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data, options, fragment", [
    (b"", {}, "is leeg"),
    (b"x" * 2000, {"max_bytes": 1000}, "te groot"),
    (declare_size(zip_bytes({"a.shp": b"x"}), 3_000_000_000), {}, "uitgepakt"),
    (zip_bytes({f"f{i}.txt": b"" for i in range(MAX_ZIP_MEMBERS + 1)}), {}, "ingepakte bestanden"),
    (zip_bytes({"../../etc/evil.shp": b"x"}), {}, "buiten het zip-bestand"),
    (zip_bytes({"/abs/evil.shp": b"x"}), {}, "buiten het zip-bestand"),
    (zip_bytes({"C:\\evil.shp": b"x"}), {}, "buiten het zip-bestand"),
    (b"PK\x03\x04kapot", {}, "beschadigd zip-bestand"),
])
def test_check_upload_refuses_before_opening(data, options, fragment):
    with pytest.raises(WijkdataError, match=fragment) as caught:
        upload.check_upload(data, "bestand.zip", **options)
    assert "bestand.zip" in caught.value.message


def test_check_upload_accepts_an_excel_file_and_plain_text():
    xlsx = io.BytesIO()
    pd.DataFrame({"naam": ["a"]}).to_excel(xlsx, index=False)
    upload.check_upload(xlsx.getvalue(), "lijst.xlsx", max_bytes=10**6)
    upload.check_upload(INITIATIEVEN_CSV, "lijst.csv", max_bytes=10**6)


def test_zip_bomb_in_an_xlsx_is_refused_too():
    xlsx = io.BytesIO()
    pd.DataFrame({"naam": ["a"]}).to_excel(xlsx, index=False)
    with pytest.raises(WijkdataError, match="uitgepakt"):
        upload.check_upload(declare_size(xlsx.getvalue(), 4_000_000_000), "lijst.xlsx")


# --- recognise ------------------------------------------------------------------------------------

def test_recognise_kinds_and_columns():
    found = upload.recognise(INITIATIEVEN_CSV, "lijst.csv")
    assert found.kind == "initiatieven" and found.columns[0] == "Naam initiatief"
    assert upload.recognise(gebieden_geojson(), "buurten.geojson").kind == "buurten"
    stats = b"Codering_3;AantalInwoners_5\nBU00010000;100\n"
    assert upload.recognise(stats, "85984NED.csv").kind == "indicatoren"


def test_unknown_columns_give_no_kind_and_a_dutch_reason():
    found = upload.recognise(b"Titel;Plek\nKoffie;Centrum\n", "lijst.csv")
    assert found.kind is None and found.columns == ["Titel", "Plek"]
    assert "niet herkend" in found.melding


def test_geopackage_with_two_layers_lists_both(tmp_path):
    gebieden, _, _ = make_frames()
    frame = gebieden.rename(columns={"code": "buurtcode", "naam": "buurtnaam"})
    path = tmp_path / "wijkenbuurten.gpkg"
    frame.to_file(path, layer="buurten")
    frame.dissolve("wijkcode").reset_index()[["wijkcode", "geometry"]].to_file(path, layer="wijken")
    found = upload.recognise(path.read_bytes(), path.name)
    assert found.kind == "buurten" and sorted(found.layers) == ["buurten", "wijken"]


@pytest.mark.parametrize("data, fragment", [
    (b"naam;activiteit;lat;lon\n", "geen gegevensrijen"),         # 0 rows
    (b"\x00\x01binary", "geen tekstbestand"),
])
def test_unreadable_tables_raise_dutch_errors(data, fragment):
    with pytest.raises(WijkdataError, match=fragment):
        upload.recognise(data, "lijst.csv")


# --- escape_markdown ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[klik](https://kwaad.example)", "<script>alert(1)</script>", "**vet** _schuin_",
    ":red[rood] :material/home:", "$x^2$", "# kop", "`code`", "regel\nnieuw",
    "=HYPERLINK(\"http://x\")",
])
def test_escape_markdown_leaves_no_active_character(text):
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    # every ASCII punctuation character is preceded by a backslash
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped)
    assert re.sub(r"\\(.)", r"\1", escaped) == text.replace("\n", " ")


# --- remembered mappings --------------------------------------------------------------------------

def test_header_shape_ignores_order_case_and_accents_but_not_the_set():
    a = upload.header_shape(["Naam", "Categorie", "Coördinaat X"])
    assert a == upload.header_shape(["coordinaat x", "NAAM", "categorie"])
    assert a != upload.header_shape(["Naam", "Categorie"])
    assert a != upload.header_shape(["Naam", "Categorie", "Coördinaat X"], "indicatoren")


def test_mapping_is_remembered_per_shape(store_url):
    store = Store(store_url)
    memory = upload.Koppelingen(store)
    columns = ["Titel", "Plek", "Soort"]
    assert memory.recall(columns) is None
    memory.remember(columns, {"Titel": "naam", "Plek": "buurtcode", "Soort": None}, by="ana")
    again = upload.Koppelingen(Store(store_url)).recall(["soort", "TITEL", "plek"])
    assert again.mapping == {"soort": None, "TITEL": "naam", "plek": "buurtcode"}
    assert again.updated_by == "ana" and again.updated_at.tzinfo is not None
    memory.remember(columns, {"Titel": "naam", "Plek": None, "Soort": "activiteit"})
    assert memory.recall(columns).mapping["Soort"] == "activiteit"
    assert memory.recall(["Titel", "Plek"]) is None


def test_initial_mapping_prefers_remembered_over_suggestions():
    columns = ["Naam initiatief", "Plek"]
    assert upload.initial_mapping(columns) == {"Naam initiatief": "naam", "Plek": None}
    earlier = upload.Onthouden({"Naam initiatief": None, "Plek": "buurtcode"}, "",
                               datetime.now(UTC))
    assert upload.initial_mapping(columns, earlier) == {"Naam initiatief": None,
                                                       "Plek": "buurtcode"}


def test_example_cells_hide_personal_data():
    raw = pd.DataFrame({"Mail": ["a@b.nl", "c@d.nl"], "Wie": ["x@y.nl", "z@q.nl"],
                        "Naam": ["Koffie", "Feest"]})
    assert upload.voorbeeld(raw, "Mail") == "(persoonsgegevens, niet getoond)"
    assert upload.voorbeeld(raw, "Wie") == "(persoonsgegevens, niet getoond)"
    assert upload.voorbeeld(raw, "Naam") == "Koffie; Feest"


# --- report and preview ---------------------------------------------------------------------------

def test_report_table_has_dutch_columns_and_spreadsheet_rows():
    ingelezen = read_file(INITIATIEVEN_CSV, "lijst.csv")
    table = upload.rapport_table(ingelezen)
    assert list(table.columns) == ["soort", "rij", "kolom", "gebied", "waarde", "melding"]
    fout = table[table["soort"] == "fout"].iloc[0]
    assert (fout["rij"], fout["kolom"], fout["waarde"]) == (4, "Activiteit", "onbekend")
    assert "Onbekende activiteit" in fout["melding"]
    assert table["soort"].tolist().count("fout") == 1
    assert upload.ongeldige_rijen(ingelezen) == 1 and upload.geldige_rijen(ingelezen) == 2
    assert ingelezen.dropped_columns == ["E-mail"]


def test_report_export_neutralises_formulas_and_keeps_html_as_text():
    csv = (b"naam;activiteit;lat;lon\n"
           b"<script>alert(1)</script>;=HYPERLINK(\"http://x\");52,1;5,1\n")
    table = upload.rapport_table(read_file(csv, "lijst.csv"))
    text = spreadsheets.to_csv_bytes(spreadsheets.safe_table(table)).decode()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_boundaries_outside_the_netherlands_cannot_be_published(tmp_path):
    # lon/lat numbers in a GeoPackage that says RD: they land far outside the country
    frame = gpd.GeoDataFrame({"buurtcode": ["BU00010001"], "buurtnaam": ["A"]},
                             geometry=[box(5.1, 52.1, 5.11, 52.11)], crs=28992)
    path = tmp_path / "fout.gpkg"
    frame.to_file(path)
    ingelezen = upload.read_checked(path.read_bytes(), path.name)
    assert "niet in Nederland" in ingelezen.rapport.errors[0].message
    assert not ingelezen.usable(skip_invalid=True)
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    with pytest.raises(WijkdataError, match="geen goede rijen"):
        upload.publish(store, ingelezen, name="x", filename=path.name,
                       data=path.read_bytes(), skip_invalid=True)
    assert store.versions() == []


def test_boundaries_in_the_netherlands_pass_the_location_check():
    ingelezen = upload.read_checked(gebieden_geojson(), "b.geojson")
    assert ingelezen.rapport.ok
    table = upload.gebieden_samenvatting(ingelezen.frame)
    assert table.to_dict("list") == {"gemeentecode": ["GM0001", "GM0002"],
                                     "gemeentenaam": ["Gemeente 0001", "Gemeente 0002"],
                                     "wijken": [2, 2], "buurten": [6, 6]}


def test_dekking_counts_matches_per_level_and_names_the_missing_codes():
    gebieden, _, _ = make_frames()          # 12 buurten: BU0001wwbb and BU0002wwbb
    rows = [("BU00010000", 2022), ("BU00010001", 2022), ("BU99990000", 2022),
            ("WK000100", 2022), ("WK999900", 2020), ("GM0001", 2020), ("NL01", 2020)]
    indicatoren = pd.DataFrame({"code": [c for c, _ in rows], "indicator": "eenzaam",
                                "periode": [p for _, p in rows], "leeftijd": "18+",
                                "waarde": 30.0})
    result = upload.dekking(indicatoren, gebieden)
    assert result.perioden == [2020, 2022] and result.indicatoren == ["Eenzaam"]
    assert result.per_niveau.to_dict("list") == {
        "niveau": ["gemeente", "wijk", "buurt"], "in_bestand": [1, 2, 3],
        "gevonden": [1, 1, 2], "niet_gevonden": [0, 1, 1]}
    assert result.ontbrekend == ["BU99990000", "WK999900"]
    assert (result.buurten_actief, result.buurten_zonder_cijfers) == (12, 10)


def test_preview_map_escapes_html_in_hover_text():
    csv = (b"naam;activiteit;wij_type;lat;lon\n"
           b"<img src=x onerror=alert(1)>;feest;bonding;52,1;5,1\n")
    frame = read_file(csv, "lijst.csv").frame
    points = upload.initiatief_points(frame, None)
    figure = upload.preview_map(None, points)
    hover = [t for trace in figure.data for t in (trace.text or [])]
    assert hover and all("<img" not in t for t in hover) and "‹img" in hover[0]


def test_hidden_locations_are_not_shown_as_points_without_boundaries():
    csv = (b"naam;lat;lon;locatie verborgen\nThuis;52,1;5,1;ja\nBuurthuis;52,2;5,2;nee\n")
    points = upload.initiatief_points(read_file(csv, "lijst.csv").frame, None)
    assert points["naam"].tolist() == ["Buurthuis"]


def test_versies_table_shows_dutch_local_time():
    versie = Versie(id=7, dataset_id=1, kind="initiatieven", name="Wijkteams", number=3,
                    source_filename="lijst.csv", rows=12, checksum="", created_by="ana",
                    created_at=datetime(2024, 7, 1, 12, 0, tzinfo=UTC),
                    note="Bron: welzijn\nversie juli", active=True,
                    source_kind=datasets.INITIATIEVEN)
    row = upload.versies_table([versie]).iloc[0]
    assert row["datum"] == "01-07-2024 14:00" and row["actief"] == "ja"
    assert row["bron"] == "Initiatieven"
    assert row["toelichting"] == "Bron: welzijn · versie juli"
    assert row["dekking"] == "gemeenten van de lijst"
    smal = upload.versies_table([replace(versie, dekking=("WK003401", "WK003402"))]).iloc[0]
    assert smal["dekking"] == "WK003401, WK003402"
    assert upload.versie_label(versie) == ("Lijst met initiatieven · Wijkteams · versie 3 "
                                           "(actief) · 01-07-2024 14:00")


# --- publish --------------------------------------------------------------------------------------

def test_refused_publish_leaves_the_store_unchanged(store_url):
    store = Store(store_url)
    ingelezen = read_file(INITIATIEVEN_CSV, "lijst.csv")
    with pytest.raises(WijkdataError, match="1 fouten"):
        upload.publish(store, ingelezen, name="lijst", filename="lijst.csv",
                       data=INITIATIEVEN_CSV)
    assert store.versions() == [] and not store.has_data()


def test_publish_with_skip_stores_the_good_rows_with_source_and_note(store_url):
    store = Store(store_url)
    ingelezen = read_file(INITIATIEVEN_CSV, "lijst.csv")
    versie = upload.publish(store, ingelezen, name="lijst", filename="lijst.csv",
                            data=INITIATIEVEN_CSV, source="Welzijn Noord", note="maart",
                            created_by="ana", skip_invalid=True)
    assert (versie.rows, versie.created_by, versie.note) == (2, "ana", "Bron: Welzijn Noord\nmaart")
    stored = store.load(versie.id)
    assert stored["naam"].tolist() == ["Koffietafel", "Buurtfeest"]
    assert "email" not in stored.columns


def test_publish_keeps_the_dekking_the_analyst_typed(store_url):
    store = Store(store_url)
    ingelezen = read_file(INITIATIEVEN_CSV, "lijst.csv")
    gegeven = upload.dekking_uit_invoer(" wk003401; WK003402 ")
    versie = upload.publish(store, ingelezen, name="lijst", filename="lijst.csv",
                            data=INITIATIEVEN_CSV, skip_invalid=True, dekking=gegeven)
    assert versie.dekking == ("WK003401", "WK003402")
    leeg = upload.publish(store, ingelezen, name="lijst", filename="lijst.csv",
                          data=INITIATIEVEN_CSV, skip_invalid=True,
                          dekking=upload.dekking_uit_invoer("   "))
    assert leeg.dekking is None                          # empty field: the default
    assert [v.dekking for v in store.versions()] == [None, ("WK003401", "WK003402")]


@pytest.mark.parametrize("text", ["BU00340101", "WK0034", "Almere", "GM0034, 12"])
def test_a_wrong_dekking_is_a_dutch_error_naming_the_code(text):
    with pytest.raises(WijkdataError, match="geen gemeentecode .* of wijkcode"):
        upload.dekking_uit_invoer(text)


def test_a_dekking_with_a_file_that_is_no_initiative_list_is_refused(store_url):
    store = Store(store_url)
    ingelezen = read_file(gebieden_geojson(), "buurten.geojson")
    assert ingelezen.kind == "buurten"
    with pytest.raises(WijkdataError, match="alleen bij een lijst met initiatieven"):
        upload.publish(store, ingelezen, name="grenzen", filename="buurten.geojson",
                       data=gebieden_geojson(), dekking=("GM0034",))
    assert store.versions() == []


def test_the_default_dekking_is_shown_from_the_buurtcodes_of_the_list():
    from tests.factory import initiatieven_csv
    lijst = initiatieven_csv(["BU03630001", "BU00340101", "BU00340205"], n=6)
    assert upload.standaard_dekking_tekst(read_file(lijst, "lijst.csv")) == "GM0034, GM0363"
    # points only: the gemeenten are known once the list is joined to the boundaries
    assert upload.standaard_dekking_tekst(read_file(INITIATIEVEN_CSV, "lijst.csv")) == ""
    assert upload.standaard_dekking_tekst(read_file(gebieden_geojson(), "b.geojson")) == ""


def test_concurrent_publishes_through_the_upload_path_all_land(store_url):
    """Two app processes (two Store instances) publishing the same dataset at once."""
    ingelezen = read_file(INITIATIEVEN_CSV, "lijst.csv")
    stores = [Store(store_url), Store(store_url)]
    start = threading.Barrier(4)
    failures = []

    def worker(i):
        try:
            start.wait()
            for _ in range(3):
                upload.publish(stores[i % 2], ingelezen, name="lijst", filename="lijst.csv",
                               data=INITIATIEVEN_CSV, created_by=f"analist{i}",
                               skip_invalid=True)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    versies = Store(store_url).versions()
    assert sorted(v.number for v in versies) == list(range(1, 13))
    assert sum(v.active for v in versies) == 1
    assert all(len(stores[0].load(v.id)) == 2 for v in versies)
    for store in stores:
        store.dispose()


# --- hostile files --------------------------------------------------------------------------------

def test_windows_1252_csv_keeps_its_accents():
    csv = "naam;activiteit;lat;lon\nCafé Zwaan;ontmoeting;52,1;5,1\n".encode("cp1252")
    upload.check_upload(csv, "lijst.csv")
    assert upload.recognise(csv, "lijst.csv").kind == "initiatieven"
    assert read_file(csv, "lijst.csv").frame["naam"].tolist() == ["Café Zwaan"]


def test_path_traversal_in_a_shapefile_zip_is_refused_before_reading():
    data = zip_bytes({"../buurten.shp": b"x", "../buurten.dbf": b"x"})
    with pytest.raises(WijkdataError, match="buiten het zip-bestand"):
        upload.check_upload(data, "buurten.zip")


def test_200k_initiatives_are_read_and_published_in_reasonable_time(tmp_path, capsys):
    n = 200_000
    rng = np.random.default_rng(42)
    lat = 52.0 + rng.random(n) * 0.5
    lon = 5.0 + rng.random(n) * 0.5
    activiteiten = np.array(["ontmoeting", "feest", "digitaal", "sport en bewegen"])[
        np.arange(n) % 4]
    frame = pd.DataFrame({"naam": [f"Initiatief {i}" for i in range(n)],
                          "activiteit": activiteiten, "wij_type": "bonding",
                          "doelgroepen": "ouderen", "lat": lat.round(5), "lon": lon.round(5)})
    data = frame.to_csv(sep=";", index=False).encode()
    started = time.perf_counter()
    upload.check_upload(data, "groot.csv", max_bytes=500 * 1024**2)
    herkenning = upload.recognise(data, "groot.csv")
    ingelezen = read_file(data, "groot.csv", kind=herkenning.kind)
    read_seconds = time.perf_counter() - started
    store = Store(f"sqlite:///{tmp_path / 'groot.sqlite'}")
    versie = upload.publish(store, ingelezen, name="groot", filename="groot.csv", data=data)
    total = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n200k initiatieven: check+herkennen+lezen {read_seconds:.1f} s, "
              f"met publiceren {total:.1f} s")
    assert versie.rows == n and ingelezen.rapport.ok
    assert total < 120


def test_preview_table_is_readable_text_without_personal_data():
    csv = (b"naam;activiteit;lat;lon;startdatum;locatie verborgen;telefoon\n"
           b"Koffie;ontmoeting;52,1;5,1;1-3-2024;nee;06-12345678\n"
           b"Feest;;52,2;5,2;;ja;\n")
    ingelezen = read_file(csv, "lijst.csv", keep_personal=True)
    assert "telefoon" in ingelezen.frame.columns
    table = upload.preview_table(ingelezen)
    assert "telefoon" not in table.columns and "geometry" not in table.columns
    first, second = table.iloc[0], table.iloc[1]
    assert (first["lat"], first["startdatum"], first["locatie_verborgen"]) == \
        ("52,1", "01-03-2024", "nee")
    assert (second["activiteit"], second["startdatum"], second["locatie_verborgen"]) == \
        ("", "", "ja")


def test_every_mapping_choice_has_a_short_dutch_label():
    for target in upload.mapping_options()[1:]:
        assert target in upload.DOEL_LABELS and len(upload.mapping_label(target)) <= 40


def test_reading_maps_leaves_no_temporary_files(tmp_path, monkeypatch):
    import tempfile
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    gebieden, _, _ = make_frames()
    frame = gebieden.rename(columns={"code": "buurtcode", "naam": "buurtnaam"})
    gpkg = tmp_path / "b.gpkg"
    frame.to_file(gpkg, layer="buurten")
    frame[["buurtcode", "buurtnaam", "geometry"]].to_file(tmp_path / "b.shp")
    shp = zip_bytes({f"map/b{ext}": (tmp_path / f"b{ext}").read_bytes()
                     for ext in (".shp", ".shx", ".dbf", ".prj")})
    for data, name in ((gpkg.read_bytes(), "b.gpkg"), (shp, "b.zip")):
        upload.check_upload(data, name)
        found = upload.recognise(data, name)
        assert found.kind == "buurten"
        assert len(read_file(data, name, layer=found.layers[0]).frame) == 12
    assert list(scratch.iterdir()) == []


# --- dataset identity (wijkdata.model.datasets): what the file IS, never its name ---

KERNCIJFERS_CSV = (b"ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;"
                   b"AantalInwoners_5;k_65JaarOfOuder_12\n"
                   b"0;GM0001    ;Gemeente 0001;Gemeente  ;GM0001;9000;1800\n"
                   b"1;BU00010000;Gemeente 0001;Buurt     ;BU00010000;1200;300\n")
RIVM_CSV = (b"ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;Leeftijd;Marges;"
            b"Perioden;Eenzaam_27;ErnstigZeerErnstigEenzaam_28\n"
            b"0;BU00010000;Gemeente 0001;Buurt     ;BU00010000;20300;MW00000;2022JJ00;"
            b"45,1;11,0\n")


@pytest.mark.parametrize("data, name, expected", [
    (KERNCIJFERS_CSV, "rivm_50120NED_eenzaamheid_2024.csv", datasets.KERNCIJFERS),
    (KERNCIJFERS_CSV, "kwb-2024.csv", datasets.KERNCIJFERS),
    (RIVM_CSV, "85984NED_kerncijfers.csv", datasets.RIVM),
    (RIVM_CSV, "gegevens.csv", datasets.RIVM),
    (INITIATIEVEN_CSV, "rivm_gezondheid.csv", datasets.INITIATIEVEN),
    (None, "kerncijfers.geojson", datasets.GEBIEDEN),
])
def test_the_source_kind_comes_from_the_content_not_the_name(data, name, expected):
    data = gebieden_geojson() if data is None else data
    ingelezen = upload.read_checked(data, name, periode=2024)
    assert datasets.source_kind_of(ingelezen) == expected


def test_the_source_kind_of_a_stored_frame_without_a_source_format():
    _, indicatoren, _ = make_frames()
    # the factory's figures are loneliness (a RIVM indicator) with bron 'test'
    assert datasets.source_kind("indicatoren", indicatoren) == datasets.RIVM
    cbs = indicatoren.assign(indicator="inwoners")
    assert datasets.source_kind("indicatoren", cbs) == datasets.KERNCIJFERS
    cbs = cbs.assign(bron="RIVM/CBS 50090NED")              # the bron column decides first
    assert datasets.source_kind("indicatoren", cbs) == datasets.RIVM
    assert datasets.source_kind("indicatoren", cbs.assign(indicator="iets", bron="")) is None


def read(data: bytes, name: str):
    return upload.read_checked(data, name, periode=2024)


def publish_file(store, data, name, *, dataset=None):
    ingelezen = read(data, name)
    target = dataset or datasets.default_target(store, ingelezen).name
    return upload.publish(store, ingelezen, name=target, filename=name, data=data)


def test_a_file_of_another_source_defaults_to_a_new_dataset_named_after_it(store_url):
    store = Store(store_url)
    first = publish_file(store, KERNCIJFERS_CSV, "rivm.csv")
    assert (first.name, first.source_kind) == ("CBS Kerncijfers 2024", datasets.KERNCIJFERS)
    target = datasets.default_target(store, read(RIVM_CSV, "kerncijfers_2024.csv"))
    assert target.is_new and target.name == "RIVM gezondheid 2022"
    publish_file(store, RIVM_CSV, "kerncijfers_2024.csv")
    # the same source again: the next version of that dataset
    again = datasets.default_target(store, read(RIVM_CSV, "nieuw.csv"))
    assert not again.is_new and again.name == "RIVM gezondheid 2022"
    assert again.actief.source_kind == datasets.RIVM
    # a new name is never one that is taken, whatever its source
    store.publish("indicatoren", "CBS Kerncijfers 2023", make_frames()[1],
                  source_filename="x.csv", checksum="0", source_kind=datasets.RIVM)
    store.publish("buurten", "cbs kerncijfers 2023 ", make_frames()[0],
                  source_filename="x.gpkg", checksum="0")
    taken = [v.name for v in store.active_versions()]
    frame_2023 = read(KERNCIJFERS_CSV, "k.csv").frame.assign(periode=2023)
    assert datasets.new_name(datasets.KERNCIJFERS, frame_2023, taken) == \
        "CBS Kerncijfers 2023 (2)"
    assert datasets.unique_name("A", ["a", "A (2)"]) == "A (3)"
    store.dispose()


def test_a_version_stored_before_source_kinds_were_kept_is_derived_once(store_url):
    store = Store(store_url)
    gebieden, indicatoren, _ = make_frames()
    old = store.publish("indicatoren", "eenzaamheid", indicatoren, source_filename="x.csv",
                        checksum="0")
    assert old.source_kind is None
    assert datasets.source_kind_of_version(store, old) == datasets.RIVM
    assert store.version(old.id).source_kind == datasets.RIVM     # recorded
    target = datasets.default_target(store, read(RIVM_CSV, "rivm.csv"))
    assert target.name == "eenzaamheid" and target.actief.id == old.id
    store.dispose()


def test_replacing_names_what_disappears(store_url):
    store = Store(store_url)
    publish_file(store, KERNCIJFERS_CSV, "kwb.csv")
    rivm = read(RIVM_CSV, "rivm.csv")
    assert datasets.replacement(store, "indicatoren", "RIVM gezondheid 2022", rivm) is None
    change = datasets.replacement(store, "indicatoren", "CBS Kerncijfers 2024", rivm)
    assert change.verdwijnt == ["Inwoners", "65 jaar of ouder"]
    assert change.erbij == ["Eenzaam", "Ernstig eenzaam"]
    assert "Daarmee verdwijnen: Inwoners, 65 jaar of ouder." in change.melding
    assert "bevat CBS Kerncijfers, maar dit bestand is RIVM gezondheid" in change.melding
    assert "actieve versie 1" in change.melding
    # the same source with the same figures: a replacement, nothing disappears
    same = datasets.replacement(store, "indicatoren", "CBS Kerncijfers 2024",
                                read(KERNCIJFERS_CSV, "kwb.csv"))
    assert same.verdwijnt == [] and "verdwijnen" not in same.melding
    store.dispose()


def test_a_rollback_says_which_version_rows_and_figures_change(store_url):
    store = Store(store_url)
    first = publish_file(store, KERNCIJFERS_CSV, "kwb.csv")
    second = publish_file(store, RIVM_CSV, "rivm.csv", dataset=first.name)
    text = datasets.rollback_change(store, first.id)
    assert text.startswith("'CBS Kerncijfers 2024': versie 2 → versie 1. Rijen: 2 → 4.")
    assert "Erbij komen: Inwoners, 65 jaar of ouder." in text
    assert "Daarmee verdwijnen: Eenzaam, Ernstig eenzaam." in text
    assert "al de actieve versie" in datasets.rollback_change(store, second.id)
    store.dispose()


def test_boundaries_replacement_names_the_gemeenten_that_disappear(store_url):
    store = Store(store_url)
    gebieden, _, _ = make_frames(gemeenten=("0001", "0002"))
    store.publish("buurten", "Gebiedsindeling 2024", gebieden, source_filename="a.gpkg",
                  checksum="0", source_kind=datasets.GEBIEDEN)
    smaller = read(gebieden_geojson_of(make_frames(gemeenten=("0001",))[0]), "g.geojson")
    change = datasets.replacement(store, "buurten", "Gebiedsindeling 2024", smaller)
    assert change.verdwijnt == ["Gemeente 0002 (GM0002)"]
    store.dispose()


def gebieden_geojson_of(gebieden) -> bytes:
    frame = gebieden.rename(columns={"code": "buurtcode", "naam": "buurtnaam"})
    return geojson_of(frame[["buurtcode", "buurtnaam", "wijkcode", "gemeentecode",
                             "gemeentenaam", "geometry"]])


# --- what the Data page shows and asks, per kind --------------------------------------------

# Two initiatives inside buurt BU00010000 of the factory (RD x/y).
INITIATIEVEN_RD = (b"Naam initiatief;Activiteit;Wij-type;Doelgroep;x;y\n"
                   b"Koffie in de Linde;ontmoeting;bonding;ouderen;100200;450200\n"
                   b"Straatfeest Esdoorn;feest;bridging;iedereen;100300;450300\n")


def test_the_buurten_layer_is_offered_first():
    assert upload.voorkeurslaag(["gemeenten", "wijken", "buurten"]) == 2
    assert upload.voorkeurslaag(["gemeente_2024", "buurt_2024", "wijk_2024"]) == 1
    assert upload.voorkeurslaag(["a", "b"]) == 0


def test_each_kind_gets_its_own_questions():
    two_layers = upload.Herkenning("buurten", layers=["wijken", "buurten"])
    assert upload.vragen(two_layers, "buurten") == upload.Vragen(laag=True)
    assert upload.vragen(upload.Herkenning("buurten", layers=["buurten"]), "buurten") \
        == upload.Vragen()
    assert upload.vragen(upload.Herkenning("indicatoren", ["Perioden"]), "indicatoren") \
        == upload.Vragen(jaar=True)
    table = upload.Herkenning(None, ["naam", "wat"])
    assert upload.vragen(table, "initiatieven") == upload.Vragen(koppeling=True)
    # a boundary file read as a list has no columns to map
    assert upload.vragen(two_layers, "initiatieven") == upload.Vragen()


def test_report_summary_counts_rows_or_areas_errors_and_warnings():
    ingelezen = read_file(INITIATIEVEN_CSV, "lijst.csv")
    summary = upload.rapport_samenvatting(ingelezen)
    assert summary.startswith(f"Soort: {ingelezen.source_format}. 3 rijen gelezen: 2 goed, "
                              "1 met een fout. 1 fout en ")
    gebieden = read_file(gebieden_geojson(), "buurten.geojson")
    assert "12 gebieden gelezen: 12 goed, 0 met een fout. 0 fouten en 0 waarschuwingen." \
        in upload.rapport_samenvatting(gebieden)


def test_report_as_shown_says_heel_bestand_for_a_problem_without_a_row():
    table = pd.DataFrame({"soort": ["fout", "waarschuwing"],
                          "rij": pd.array([4, None], dtype="Int64"), "melding": ["a", "b"]})
    assert upload.rapport_weergave(table)["rij"].tolist() == ["4", "heel bestand"]
    assert table["rij"].dtype == "Int64"                   # the download keeps numbers


def test_preview_of_a_boundary_file_lists_gemeenten_and_maps_the_chosen_one():
    ingelezen = read_file(gebieden_geojson(), "buurten.geojson")
    toon = upload.voorbeeld_van(ingelezen, None)
    assert toon.regels == ["2 gemeenten, 12 buurten."]
    assert toon.tabel["gemeentecode"].tolist() == ["GM0001", "GM0002"]
    assert toon.gemeenten == {"GM0001": "Gemeente 0001 (GM0001)",
                              "GM0002": "Gemeente 0002 (GM0002)"}
    assert toon.kaart and not toon.melding
    figure = upload.voorbeeld_kaart(ingelezen, None, "GM0002")
    [areas] = [t for t in figure.data if t.type == "choroplethmap"]
    assert len(areas.locations) == 6 and all(c.startswith("BU0002") for c in areas.locations)


def test_preview_of_a_list_draws_its_buurten_up_to_the_limit(monkeypatch):
    gebieden, _, _ = make_frames()
    ingelezen = read_file(INITIATIEVEN_RD, "lijst.csv")
    toon = upload.voorbeeld_van(ingelezen, gebieden)
    assert toon.regels == ["2 initiatieven: 2 met coördinaten, 0 alleen met een buurtcode, "
                           "0 met een verborgen adres (op de kaart alleen op buurtniveau)."]
    assert toon.kaart and toon.toelichting == "" and toon.gemeenten is None

    def outlines():
        figure = upload.voorbeeld_kaart(ingelezen, gebieden)
        return [len(t.locations) for t in figure.data if t.type == "choroplethmap"]

    monkeypatch.setattr(upload, "MAX_VOORBEELD_BUURTEN", 6)     # gemeente 0001: 6 buurten
    assert outlines() == [6]
    monkeypatch.setattr(upload, "MAX_VOORBEELD_BUURTEN", 5)
    assert outlines() == []
    without = upload.voorbeeld_van(ingelezen, None)
    assert "alleen de initiatieven met coördinaten" in without.toelichting


def test_preview_of_figures_compares_codes_only_with_published_boundaries():
    gebieden, _, _ = make_frames()
    indicatoren = pd.DataFrame({"code": ["BU00010000", "BU99990000"], "indicator": "eenzaam",
                                "periode": 2022, "leeftijd": "18+", "waarde": 30.0})
    ingelezen = read_file(gebieden_geojson(), "buurten.geojson")
    ingelezen.kind, ingelezen.frame = "indicatoren", indicatoren
    zonder = upload.voorbeeld_van(ingelezen, None)
    assert zonder.regels == ["Jaren: 2022. Cijfers: Eenzaam."]
    assert "nog geen eigen gebiedsindeling" in zonder.melding and zonder.tabel is None
    met = upload.voorbeeld_van(ingelezen, gebieden)
    assert met.regels[1] == ("Gebieden vergeleken met de gepubliceerde gebiedsindeling (12 "
                             "buurten). Van die buurten hebben er 11 geen cijfers in dit "
                             "bestand.")
    assert met.tabel.to_dict("list") == {"niveau": ["buurt"], "in dit bestand": [2],
                                         "gevonden in de gebiedsindeling": [1],
                                         "niet gevonden": [1]}
    assert met.ontbrekend == "BU99990000" and met.ontbrekend_uitleg.startswith("Deze 1 codes")
    assert not met.kaart and not met.melding


def test_a_mapping_proposal_remembers_and_says_so(store_url):
    store = Store(store_url)
    columns = ["Naam initiatief", "Wat", "Doelgroep"]
    first = upload.koppeling_voorstel(store, columns)
    assert first.eerder is None and first.melding == ""
    assert first.start["Wat"] is None and first.herkend == 2 and first.open
    upload.Koppelingen(store).remember(columns, {**first.start, "Wat": "activiteit"})
    again = upload.koppeling_voorstel(store, columns)
    assert again.start["Wat"] == "activiteit" and again.herkend == 3 and not again.open
    assert re.search(r"De koppeling van toen \(\d\d-\d\d-\d{4}\) is overgenomen", again.melding)
    assert again.sleutel == first.sleutel


def test_a_version_is_no_longer_active_after_a_newer_publish(store_url):
    store = Store(store_url)
    first = publish_file(store, INITIATIEVEN_RD, "lijst.csv")
    assert upload.nog_actief(store, first)
    publish_file(store, INITIATIEVEN_RD + b"Derde;feest;bonding;ouderen;100300;450300\n",
                 "lijst.csv", dataset=first.name)
    assert not upload.nog_actief(store, first)
    # a publish that was confirmed against the first version is refused, nothing stored
    ingelezen = read(INITIATIEVEN_RD, "lijst.csv")
    with pytest.raises(WijkdataError, match="Intussen is er een andere versie"):
        upload.publish(store, ingelezen, name=first.name, filename="lijst.csv",
                       data=INITIATIEVEN_RD, replaces=first)
    assert [v.number for v in store.versions(kind="initiatieven")] == [2, 1]


def test_dataset_names_per_kind_and_a_taken_name():
    when = datetime(2024, 5, 1, tzinfo=UTC)
    versies = [Versie(i, i, kind, name, 1, "lijst.csv", 3, "", "", when, "", True)
               for i, (kind, name) in enumerate([("initiatieven", "Wijkteams"),
                                                 ("buurten", "CBS 2024"),
                                                 ("initiatieven", "Bibliotheek")])]
    assert upload.gegevenssets(versies, "initiatieven") == ["Bibliotheek", "Wijkteams"]
    assert upload.naam_bezet("Nieuw", versies) == ""
    assert upload.naam_bezet("  wijkteams ", versies).startswith(
        "Er is al een gegevensset met de naam 'wijkteams'.")


def test_too_large_a_file_names_both_sizes_in_dutch():
    with pytest.raises(WijkdataError) as info:
        upload.check_upload(b"x" * (3 * 1024**2 // 2), "groot.csv", max_bytes=1024**2)
    assert info.value.message == ("Het bestand 'groot.csv' is te groot (1,5 MB); het mag "
                                  "hoogstens 1,0 MB zijn.")
