"""The Data page through AppTest, starting from app.py as the real server does: the seven
steps, hostile files, versions, and who may see the page."""
from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import apptest, realshapes
from tests.apptest import texts, unescape
from tests.factory import make_frames, publish
from wijkdata.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = "pages/data.py"
SIGN_IN = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                    "cookie_secret": "test", "client_id": "x", "client_secret": "y",
                    "server_metadata_url": "https://login.example/.well-known/openid-configuration"},
           "wijkdata": {"analisten": ["@gemeente.nl", "baas@elders.nl"]}}

# Two initiatives inside buurt BU00010000 of the factory (RD x/y), one with a bad activity.
CSV = (b"Naam initiatief;Activiteit;Wij-type;Doelgroep;x;y;Telefoon\n"
       b"Koffie in de Linde;ontmoeting;bonding;ouderen;100200;450200;06-12345678\n"
       b"Straatfeest Esdoorn;feest;bridging;iedereen;100300;450300;\n"
       b"Kapot;dansen op tafels;bonding;ouderen;100300;450300;\n")
GOOD_CSV = b"\n".join(CSV.split(b"\n")[:3]) + b"\n"


def store_of(folder: Path) -> Store:
    return Store(f"sqlite:///{folder / 'wijkdata.sqlite'}")


def start(page=DATA, **options) -> AppTest:
    return apptest.start(page, **options)


def gemeente_box(at: AppTest):
    """The sidebar's gemeente choice (its widget key changes with its labels, see app.py)."""
    return next(box for box in at.sidebar.selectbox if box.label == "Gemeente")


def plain(at) -> str:
    return "\n".join(t.value for t in at.text)


def frame_with(at, column: str):
    """The first table on the page with ``column``."""
    return [d.value for d in at.dataframe if column in d.value.columns][0]


def upload_file(at, name: str, data: bytes, mime="text/csv") -> AppTest:
    at.file_uploader[0].upload(name, data, mime).run()
    assert not at.exception, at.exception
    return at


def confirm_replacement(at) -> AppTest:
    """Tick "Ja, vervang de actieve versie …" (a new version of an existing dataset)."""
    box = [c for c in at.checkbox if c.key.startswith("bevestig_")]
    assert len(box) == 1, [c.key for c in at.checkbox]
    box[0].check().run()
    assert not at.exception, at.exception
    return at


def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_page_states_formats_and_the_size_limit(store_dir):
    at = start()
    assert not at.exception
    assert "Hoogstens 500 MB per bestand" in texts(at)
    assert [s.value for s in at.subheader] == ["1. Kies een bestand"]


def test_initiatives_flow_from_upload_to_the_kaart_page(store_dir):
    publish(str(store_of(store_dir).url))
    at = start("pages/kaart.py")
    assert "3 initiatieven" in texts(at)
    at.switch_page(DATA).run()
    upload_file(at, "lijst.csv", CSV)
    assert [s.value for s in at.subheader] == ["1. Kies een bestand", "2. Wat staat erin?",
                                               "3. Controle", "4. Voorbeeld", "5. Publiceren"]
    assert at.radio(key=at.radio[0].key).value == "initiatieven"
    # the report: one error, the phone column named as dropped personal data
    report = frame_with(at, "melding")
    error = report[report["soort"] == "fout"].iloc[0]
    assert (error["rij"], error["kolom"], error["waarde"]) == ("4", "Activiteit",
                                                                "dansen op tafels")
    assert "Telefoon" in [c.value for c in at.code][0]
    assert "06-12345678" not in plain(at) + texts(at)
    assert len(at.download_button) >= 2                   # report as CSV and Excel
    publish_button = at.button(key="publiceren")
    assert publish_button.disabled                         # an error, and not skipped yet
    assert store_of(store_dir).versions(kind="initiatieven")[0].name == "testinitiatieven"
    at.checkbox(key=[c.key for c in at.checkbox if c.key.startswith("overslaan")][0]).check().run()
    assert "Sla 1 rij met een fout over" in at.checkbox[-1].label or \
        any("Sla 1 rij" in c.label for c in at.checkbox)
    by_key(at.selectbox, "publiceer_set").set_value("Nieuwe gegevensset…").run()
    by_key(at.text_input, "publiceer_naam").set_value("Wijkteams").run()
    at.button(key="publiceren").click().run()
    assert not at.exception, at.exception
    assert "Gepubliceerd" in texts(at)
    versies = store_of(store_dir).versions(kind="initiatieven")
    assert {v.name: v.rows for v in versies} == {"testinitiatieven": 3, "Wijkteams": 2}
    assert len(at.file_uploader) == 1 and at.file_uploader[0].value is None   # cleared
    at.switch_page("pages/kaart.py").run()
    assert "5 initiatieven" in texts(at)


def test_unrecognised_columns_are_mapped_and_remembered(store_dir):
    publish(str(store_of(store_dir).url))
    csv = b"Benaming;Omschr kort;bu\nKoffie;Elke week;BU00010001\nFeest;Jaarlijks;BU00010002\n"
    at = upload_file(start(), "eigen.csv", csv)
    assert at.radio[0].value is None
    assert "niet herkend" in texts(at)
    at.radio[0].set_value("initiatieven").run()
    mapping = [s for s in at.selectbox if s.key.startswith("koppeling_")]
    assert [s.value for s in mapping] == ["(niet gebruiken)", "(niet gebruiken)",
                                         "(niet gebruiken)"]
    mapping[0].set_value("naam").run()
    mapping = [s for s in at.selectbox if s.key.startswith("koppeling_")]
    mapping[1].set_value("omschrijving").run()
    mapping = [s for s in at.selectbox if s.key.startswith("koppeling_")]
    mapping[2].set_value("buurtcode").run()
    assert not at.exception, at.exception
    assert at.button(key="publiceren").disabled        # replaces 'testinitiatieven': ask
    confirm_replacement(at)
    assert not at.button(key="publiceren").disabled
    at.button(key="publiceren").click().run()
    assert store_of(store_dir).load(
        store_of(store_dir).versions(kind="initiatieven")[0].id)["naam"].tolist() == \
        ["Koffie", "Feest"]
    # the same shape again (columns in another order): the mapping comes back
    again = b"bu;Benaming;Omschr kort\nBU00010003;Buurtapp;Digitaal\n"
    upload_file(at, "eigen_mei.csv", again)
    at.radio[0].set_value("initiatieven").run()
    mapping = {s.key.rsplit("_", 1)[1]: s.value for s in at.selectbox
               if s.key.startswith("koppeling_")}
    assert mapping == {"0": "buurtcode", "1": "naam", "2": "omschrijving"}
    assert "overgenomen" in texts(at)


def test_hostile_file_name_and_cells_are_shown_as_text_only(store_dir):
    name = "[klik](https://kwaad.example) <img src=x onerror=alert(1)> **vet**.csv"
    at = upload_file(start(), name, b"naam;activiteit;lat;lon\n")        # 0 rows
    message = at.error[0].value
    assert "geen gegevensrijen" in unescape(message)
    for active in (r"\[klik", r"\(https", r"<img", r"\*\*vet"):
        assert not re.search(r"(?<!\\)" + active, message), active   # only escaped forms
    assert "\\[klik\\]" in message and "\\<img" in message
    assert name in plain(at)
    csv = (b"naam;activiteit;lat;lon\n"
           b"<script>alert(1)</script>;ontmoeting;52,1;5,1\n"
           b"=HYPERLINK(\"http://kwaad.example\");feest;52,1;5,1\n")
    at = upload_file(start(), "lijst.csv", csv)
    shown = "\n".join(str(e.value) for elements in (at.markdown, at.error, at.warning, at.info)
                      for e in elements)
    assert "<script>" not in shown and "=HYPERLINK" not in shown
    preview = frame_with(at, "bron_rij")
    assert "<script>alert(1)</script>" in preview["naam"].tolist()


@pytest.mark.parametrize("name, data, fragment", [
    ("bom.zip", zip_with({"a.shp": b"x"}), "uitgepakt"),
    ("veel.zip", zip_with({f"{i}.txt": b"" for i in range(1001)}), "ingepakte bestanden"),
    ("pad.zip", zip_with({"../../buurten.shp": b"x"}), "buiten het zip-bestand"),
    ("leeg.csv", b"naam;lat;lon\n", "geen gegevensrijen"),
])
def test_hostile_archives_get_a_dutch_message_never_a_traceback(store_dir, name, data,
                                                               fragment):
    if name == "bom.zip":
        raw = bytearray(data)
        at_ = raw.find(b"PK\x01\x02")
        raw[at_ + 24:at_ + 28] = struct.pack("<I", 3_000_000_000)
        data = bytes(raw)
    at = upload_file(start(), name, data, "application/zip")
    assert fragment in unescape(at.error[0].value)
    assert not at.exception


def test_windows_1252_list_reads_its_accents(store_dir):
    csv = "naam;activiteit;lat;lon\nCafé Zwaan;ontmoeting;52,1;5,1\n".encode("cp1252")
    at = upload_file(start(), "lijst.csv", csv)
    assert frame_with(at, "bron_rij")["naam"].tolist() == ["Café Zwaan"]


def test_boundaries_file_publishes_a_new_gemeente_for_the_sidebar(store_dir):
    gebieden, _, _ = make_frames(gemeenten=("0003",))
    data = gebieden.rename(columns={"code": "buurtcode", "naam": "buurtnaam"}) \
        .to_crs(4326).to_json().encode()
    at = start()
    assert gemeente_box(at).value != "GM0003"   # the demo
    upload_file(at, "buurten.geojson", data, "application/geo+json")
    assert at.radio[0].value == "buurten"
    assert "1 gemeenten, 6 buurten." in texts(at)
    assert at.get("plotly_chart")
    at.button(key="publiceren").click().run()
    assert not at.exception, at.exception
    assert gemeente_box(at).options == ["Gemeente 0003 (GM0003)"]


def test_wrong_coordinate_system_cannot_be_published(store_dir, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box
    frame = gpd.GeoDataFrame({"buurtcode": ["BU00010001"], "buurtnaam": ["A"]},
                             geometry=[box(5.1, 52.1, 5.11, 52.11)], crs=28992)
    path = tmp_path / "verkeerd.gpkg"
    frame.to_file(path)
    at = upload_file(start(), path.name, path.read_bytes(), "application/geopackage+sqlite3")
    assert "niet in Nederland" in frame_with(at, "melding")["melding"].iloc[0]
    assert at.button(key="publiceren").disabled
    assert not [c for c in at.checkbox if c.key.startswith("overslaan")]


def test_geopackage_with_two_layers_offers_the_choice(store_dir, tmp_path):
    gebieden, _, _ = make_frames()
    frame = gebieden.rename(columns={"code": "buurtcode", "naam": "buurtnaam"})
    path = tmp_path / "wijkenbuurten.gpkg"
    frame.to_file(path, layer="wijken_en_meer")
    frame.to_file(path, layer="buurten")
    at = upload_file(start(), path.name, path.read_bytes(), "application/geopackage+sqlite3")
    layer = [s for s in at.selectbox if s.key.startswith("laag_")][0]
    assert layer.value == "buurten" and sorted(layer.options) == ["buurten", "wijken_en_meer"]


def test_indicators_show_periods_and_codes_that_do_not_match(store_dir):
    publish(str(store_of(store_dir).url))
    csv = (b"Codering_3;SoortRegio_2;AantalInwoners_5\n"
           b"BU00010000;Buurt;1200\nBU99990000;Buurt;800\nGM0001;Gemeente;9000\n")
    at = upload_file(start(), "kerncijfers_2024.csv", csv)
    assert at.radio[0].value == "indicatoren"
    shown = texts(at)
    assert "Jaren: 2024" in shown and "Inwoners" in shown
    coverage = frame_with(at, "niveau")
    assert coverage.set_index("niveau")["niet gevonden"].to_dict() == {"gemeente": 0, "buurt": 1}
    assert "BU99990000" in [c.value for c in at.code][-1]


def test_versions_roll_back_and_delete_with_confirmation(store_dir):
    store = store_of(store_dir)
    publish(str(store.url))
    gebieden, _, _ = make_frames()
    second = store.publish("buurten", "testgebieden", gebieden, source_filename="b.gpkg",
                           checksum="1")
    at = start()
    assert "testgebieden" in frame_with(at, "versie")["naam"].tolist()
    first = [v for v in store.versions("buurten") if v.number == 1][0]
    at.selectbox(key="versie_keuze").set_value(first.id).run()
    at.button(key="terugzetten").click().run()
    # a rollback asks first and says what changes; cancel keeps the active version
    assert "Weet u zeker dat u deze versie actief wilt maken? 'testgebieden': versie 2 → " \
        "versie 1." in texts(at)
    at.button(key="terugzetten_nee").click().run()
    assert not store.version(first.id).active and "Weet u zeker" not in texts(at)
    at.button(key="terugzetten").click().run()
    at.button(key="terugzetten_ja").click().run()
    assert not at.exception, at.exception
    assert store.version(first.id).active and "Actief gemaakt" in texts(at)
    # delete asks first; cancel keeps it
    at.selectbox(key="versie_keuze").set_value(second.id).run()
    at.button(key="verwijderen").click().run()
    assert "Weet u zeker" in texts(at)
    at.button(key="verwijderen_nee").click().run()
    assert store.version(second.id)
    at.button(key="verwijderen").click().run()
    at.button(key="verwijderen_ja").click().run()
    assert not at.exception, at.exception
    assert second.id not in {v.id for v in store.versions()}
    assert "Verwijderd" in texts(at)


# --- which dataset a file goes to, and asking before a replacement ---------------------------

KERNCIJFERS = (b"ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;"
               b"k_65JaarOfOuder_12\n"
               b"0;GM0001    ;Gemeente 0001;Gemeente  ;GM0001;9000;1800\n"
               b"1;BU00010000;Gemeente 0001;Buurt     ;BU00010000;1200;300\n")
RIVM = (b"ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;Leeftijd;Marges;Perioden;"
        b"Eenzaam_27;ErnstigZeerErnstigEenzaam_28\n"
        b"0;BU00010000;Gemeente 0001;Buurt     ;BU00010000;20300;MW00000;2022JJ00;45,1;11,0\n"
        b"1;BU00010001;Gemeente 0001;Buurt     ;BU00010001;20300;MW00000;2022JJ00;40,3;9,0\n")


def by_key(widgets, prefix: str):
    found = [w for w in widgets if w.key.startswith(prefix)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def only_boundaries(store_dir) -> Store:
    store = store_of(store_dir)
    gebieden, _, _ = make_frames(gemeenten=("0001",))
    store.publish("buurten", "testgebieden", gebieden, source_filename="b.gpkg", checksum="0")
    return store


def test_each_source_defaults_to_its_own_dataset_by_what_the_file_is(store_dir):
    store = only_boundaries(store_dir)
    # a CBS table with a RIVM-like name: a new dataset named after what it is
    at = upload_file(start(), "rivm_eenzaamheid_2024.csv", KERNCIJFERS)
    assert by_key(at.selectbox, "publiceer_set").value == "Nieuwe gegevensset…"
    assert by_key(at.text_input, "publiceer_naam").value == "CBS Kerncijfers 2024"
    assert "Dit bestand is CBS Kerncijfers." in texts(at)
    at.button(key="publiceren").click().run()
    assert not at.exception, at.exception
    # a RIVM file after it: again a NEW dataset, never version 2 of the CBS one
    upload_file(at, "kerncijfers.csv", RIVM)
    assert by_key(at.selectbox, "publiceer_set").value == "Nieuwe gegevensset…"
    assert by_key(at.text_input, "publiceer_naam").value == "RIVM gezondheid 2022"
    assert not [c for c in at.checkbox if c.key.startswith("bevestig_")]
    at.button(key="publiceren").click().run()
    assert {v.name: (v.number, v.source_kind) for v in store.active_versions()} == {
        "testgebieden": (1, None), "CBS Kerncijfers 2024": (1, "CBS Kerncijfers"),
        "RIVM gezondheid 2022": (1, "RIVM gezondheid")}
    # the same source again: the next version of its dataset, after a confirmation
    upload_file(at, "rivm_nieuw.csv", RIVM)
    assert by_key(at.selectbox, "publiceer_set").value == "RIVM gezondheid 2022"
    assert "Dit bestand vervangt de actieve versie 1 van 'RIVM gezondheid 2022'" in texts(at)
    assert at.button(key="publiceren").disabled
    confirm_replacement(at).button(key="publiceren").click().run()
    assert not at.exception, at.exception
    rivm = [v for v in store.active_versions() if v.name == "RIVM gezondheid 2022"][0]
    assert rivm.number == 2


def test_choosing_another_sources_dataset_names_what_disappears(store_dir):
    store = only_boundaries(store_dir)
    at = upload_file(start(), "kwb.csv", KERNCIJFERS)
    by_key(at.number_input, "jaar_").set_value(2024).run()
    at.button(key="publiceren").click().run()
    upload_file(at, "rivm.csv", RIVM)
    by_key(at.selectbox, "publiceer_set").set_value("CBS Kerncijfers 2024").run()
    shown = texts(at)
    assert "Daarmee verdwijnen: Inwoners, 65 jaar of ouder." in shown
    assert "bevat CBS Kerncijfers, maar dit bestand is RIVM gezondheid" in shown
    assert at.button(key="publiceren").disabled
    confirm_replacement(at)
    assert not at.button(key="publiceren").disabled
    # changing one's mind: back to a new dataset, no question asked
    by_key(at.selectbox, "publiceer_set").set_value("Nieuwe gegevensset…").run()
    assert "Daarmee verdwijnen" not in texts(at)
    assert not at.button(key="publiceren").disabled
    assert [v.number for v in store.versions("indicatoren")] == [1]


def test_a_new_dataset_never_takes_an_existing_name(store_dir):
    only_boundaries(store_dir)
    at = upload_file(start(), "kwb_2024.csv", KERNCIJFERS)
    at.button(key="publiceren").click().run()
    upload_file(at, "kwb_2024_opnieuw.csv", KERNCIJFERS)
    by_key(at.selectbox, "publiceer_set").set_value("Nieuwe gegevensset…").run()
    assert by_key(at.text_input, "publiceer_naam").value == "CBS Kerncijfers 2024 (2)"
    by_key(at.text_input, "publiceer_naam").set_value(" cbs kerncijfers 2024").run()
    assert "Er is al een gegevensset met de naam" in texts(at)
    assert at.button(key="publiceren").disabled


def test_templates_are_offered_as_csv_and_excel(store_dir):
    at = start()
    labels = [b.proto.label for b in at.download_button]
    assert "Sjabloon Excel (.xlsx)" in labels and "Sjabloon CSV" in labels
    uitleg = frame_with(at, "toegestane waarden")
    assert "bonding, bridging, beide" in uitleg["toegestane waarden"].tolist()


# --- who may see the page ----------------------------------------------------------------

def nav_pages(at) -> list[str]:
    # The pages st.navigation registered in the last run (AppTest keeps them to resolve
    # switch_page; there is no public accessor in 1.67).
    return [info.get("page_name") for info in at._registered_pages.values()]


def test_without_sign_in_configured_the_data_page_is_there(store_dir):
    at = start(page=None)
    assert "Data" in nav_pages(at)


def test_signed_out_visitor_sees_only_the_sign_in_page(store_dir):
    at = start(page=None, secrets=SIGN_IN, user={"is_logged_in": False})
    assert not at.exception, at.exception
    assert "Log in om het dashboard te bekijken" in texts(at)
    assert nav_pages(at) == ["Inloggen"]
    assert not at.sidebar.selectbox                      # no data, no choices
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(DATA)


def test_signed_in_non_analyst_gets_no_data_page_and_a_typed_url_is_refused(store_dir):
    user = {"is_logged_in": True, "email": "b@elders.nl"}
    at = start(page=None, secrets=SIGN_IN, user=user)
    assert "Data" not in nav_pages(at) and "Kaart" in nav_pages(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(DATA)
    # the page file run on its own checks again at its top
    page = AppTest.from_file(str(ROOT / DATA), default_timeout=60)
    page.secrets.update(SIGN_IN)
    page.user = user
    page.run()
    assert not page.exception, page.exception
    assert "alleen voor analisten" in page.error[0].value
    assert not page.file_uploader


def test_signed_in_analyst_publishes_under_their_address(store_dir):
    publish(str(store_of(store_dir).url))
    user = {"is_logged_in": True, "email": "A.Jansen@Gemeente.nl"}
    at = start(page=None, secrets=SIGN_IN, user=user)
    assert "Data" in nav_pages(at)
    at.switch_page(DATA).run()
    upload_file(at, "lijst.csv", GOOD_CSV)
    confirm_replacement(at).button(key="publiceren").click().run()
    assert not at.exception, at.exception
    newest = store_of(store_dir).versions(kind="initiatieven")[0]
    assert newest.created_by == "A.Jansen@Gemeente.nl" and newest.number == 2


def dataframe_texts(at: AppTest) -> list[str]:
    """Every cell of every table on the page as the browser draws it (a missing cell as
    the table's placeholder, 'None' without one)."""
    return [t for frame in at.dataframe for t in apptest._dataframe_texts(frame.proto)]


def test_tables_of_real_files_with_gaps_never_show_none_or_nan(store_dir):
    """PDOK buurten have no gemeentenaam and a damaged polygon; the CBS table has '.' gaps
    and its first publish makes a versions table: no cell reads None or nan."""
    files = realshapes.almere_scenario()
    at = upload_file(start(), "buurten_pdok_2024.geojson",
                     files["buurten_pdok_2024.geojson"], "application/geo+json")
    summary = frame_with(at, "gemeentenaam")
    assert summary["gemeentenaam"].isna().all() or (summary["gemeentenaam"] == "").all()
    cells = dataframe_texts(at)
    assert len(at.dataframe) >= 2 and cells
    assert not [t for t in cells if apptest.LEAKED.search(t)], cells[:40]
    # the gemeente map choice names the gemeente by its code when no name is known
    assert at.selectbox(key="voorbeeld_gemeente").options == ["GM0034 (GM0034)"]
    at.button(key="publiceren").click().run()
    assert not at.exception, at.exception
    at = upload_file(at, "kerncijfers_85984NED.csv", files["kerncijfers_85984NED.csv"])
    cells = dataframe_texts(at)
    assert len(at.dataframe) >= 3 and cells           # coverage, preview, versions
    assert not [t for t in cells if apptest.LEAKED.search(t)], cells[:40]


def test_an_initiative_list_gets_a_dekking_field_that_refuses_a_wrong_code(store_dir):
    publish(str(store_of(store_dir).url))
    at = start()
    upload_file(at, "lijst.csv", GOOD_CSV)
    by_key(at.selectbox, "publiceer_set").set_value("Nieuwe gegevensset…").run()
    by_key(at.text_input, "publiceer_naam").set_value("Wijk 00").run()
    veld = by_key(at.text_input, "publiceer_dekking")
    assert veld.label.startswith("Dekking (gemeente- of wijkcodes, leeg = de gemeenten")
    veld.set_value("BU00010000").run()
    assert not at.exception, at.exception
    assert any("geen gemeentecode" in e.value for e in at.error)
    assert at.button(key="publiceren").disabled
    by_key(at.text_input, "publiceer_dekking").set_value("wk000100").run()
    assert not at.error and not at.button(key="publiceren").disabled
    at.button(key="publiceren").click().run()
    assert not at.exception, at.exception
    versie = next(v for v in store_of(store_dir).versions(kind="initiatieven")
                  if v.name == "Wijk 00")
    assert versie.dekking == ("WK000100",)


def test_no_dekking_field_for_boundaries(store_dir):
    only_boundaries(store_dir)
    at = start()
    gebieden, _, _ = make_frames(gemeenten=("0002",))
    upload_file(at, "buurten.geojson", gebieden.to_crs("EPSG:4326").to_json().encode(),
                mime="application/geo+json")
    assert "5. Publiceren" in [s.value for s in at.subheader]
    assert not [w for w in at.text_input if w.key.startswith("publiceer_dekking")]
