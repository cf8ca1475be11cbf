"""wijkdata.upload: checks before reading, recognition, remembered mappings, report, coverage,
preview, publishing (also concurrently on PostgreSQL) and hostile files."""
from __future__ import annotations

import io
import re
import struct
import threading
import time
import zipfile
from datetime import datetime, timezone

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tests.factory import make_frames
from wijkdata import export, upload
from wijkdata.errors import WijkdataError
from wijkdata.readers import read_file
from wijkdata.readers.gebieden import MAX_ZIP_MEMBERS
from wijkdata.store import Store, Versie

INITIATIEVEN_CSV = (
    "Naam initiatief;Activiteit;Wij-type;Doelgroep;Lat;Lon;E-mail\n"
    "Koffietafel;ontmoeting;bonding;ouderen;52,1;5,1;a@voorbeeld.nl\n"
    "Buurtfeest;feest;bridging;iedereen;52,2;5,2;b@voorbeeld.nl\n"
    "Kapot;onbekend;bonding;ouderen;52,2;5,2;\n"
).encode("utf-8")


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


# --- check_upload ----------------------------------------------------------------------------

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


# --- recognise ----------------------------------------------------------------------------------

def test_recognise_kinds_and_columns():
    found = upload.recognise(INITIATIEVEN_CSV, "lijst.csv")
    assert found.kind == "initiatieven" and found.columns[0] == "Naam initiatief"
    assert upload.recognise(gebieden_geojson(), "buurten.geojson").kind == "buurten"
    stats = "Codering_3;AantalInwoners_5\nBU00010000;100\n".encode()
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
    escaped = upload.escape_markdown(text)
    assert "\n" not in escaped
    # every ASCII punctuation character is preceded by a backslash
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped)
    assert re.sub(r"\\(.)", r"\1", escaped) == text.replace("\n", " ")


# --- remembered mappings -------------------------------------------------------------------------

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
                               datetime.now(timezone.utc))
    assert upload.initial_mapping(columns, earlier) == {"Naam initiatief": None,
                                                       "Plek": "buurtcode"}


def test_example_cells_hide_personal_data():
    raw = pd.DataFrame({"Mail": ["a@b.nl", "c@d.nl"], "Wie": ["x@y.nl", "z@q.nl"],
                        "Naam": ["Koffie", "Feest"]})
    assert upload.voorbeeld(raw, "Mail") == "(persoonsgegevens, niet getoond)"
    assert upload.voorbeeld(raw, "Wie") == "(persoonsgegevens, niet getoond)"
    assert upload.voorbeeld(raw, "Naam") == "Koffie; Feest"


# --- report and preview ------------------------------------------------------------------------------

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
    csv = ("naam;activiteit;lat;lon\n"
           "<script>alert(1)</script>;=HYPERLINK(\"http://x\");52,1;5,1\n").encode()
    table = upload.rapport_table(read_file(csv, "lijst.csv"))
    text = export.to_csv_bytes(export.safe_table(table)).decode()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_boundaries_outside_the_netherlands_cannot_be_published(tmp_path):
    # lon/lat numbers in a GeoPackage that says RD: they land far outside the country
    frame = gpd.GeoDataFrame({"buurtcode": ["BU00010001"], "buurtnaam": ["A"]},
                             geometry=[box(5.1, 52.1, 5.11, 52.11)], crs=28992)
    path = tmp_path / "fout.gpkg"
    frame.to_file(path)
    ingelezen = upload.check_location(read_file(path.read_bytes(), path.name))
    assert "niet in Nederland" in ingelezen.rapport.errors[0].message
    assert not ingelezen.usable(skip_invalid=True)
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    with pytest.raises(WijkdataError, match="geen goede rijen"):
        upload.publish(store, ingelezen, name="x", filename=path.name,
                       data=path.read_bytes(), skip_invalid=True)
    assert store.versions() == []


def test_boundaries_in_the_netherlands_pass_the_location_check():
    ingelezen = upload.check_location(read_file(gebieden_geojson(), "b.geojson"))
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
    csv = ("naam;activiteit;wij_type;lat;lon\n"
           "<img src=x onerror=alert(1)>;feest;bonding;52,1;5,1\n").encode()
    frame = read_file(csv, "lijst.csv").frame
    points = upload.initiatief_points(frame, None)
    figure = upload.preview_map(None, points)
    hover = [t for trace in figure.data for t in (trace.text or [])]
    assert hover and all("<img" not in t for t in hover) and "‹img" in hover[0]


def test_hidden_locations_are_not_shown_as_points_without_boundaries():
    csv = ("naam;lat;lon;locatie verborgen\nThuis;52,1;5,1;ja\nBuurthuis;52,2;5,2;nee\n").encode()
    points = upload.initiatief_points(read_file(csv, "lijst.csv").frame, None)
    assert points["naam"].tolist() == ["Buurthuis"]


def test_versies_table_shows_dutch_local_time():
    versie = Versie(id=7, dataset_id=1, kind="initiatieven", name="Wijkteams", number=3,
                    source_filename="lijst.csv", rows=12, checksum="", created_by="ana",
                    created_at=datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc),
                    note="Bron: welzijn\nversie juli", active=True)
    row = upload.versies_table([versie]).iloc[0]
    assert row["datum"] == "01-07-2024 14:00" and row["actief"] == "ja"
    assert row["toelichting"] == "Bron: welzijn · versie juli"
    assert upload.versie_label(versie) == ("Lijst met initiatieven · Wijkteams · versie 3 "
                                           "(actief) · 01-07-2024 14:00")


# --- publish ---------------------------------------------------------------------------------------

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


# --- hostile files ------------------------------------------------------------------------------

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
    csv = ("naam;activiteit;lat;lon;startdatum;locatie verborgen;telefoon\n"
           "Koffie;ontmoeting;52,1;5,1;1-3-2024;nee;06-12345678\n"
           "Feest;;52,2;5,2;;ja;\n").encode()
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
