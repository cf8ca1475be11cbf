"""The command line contract, end to end: `python -m wijkdata ...` in a subprocess."""
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_store import bad_database
from wijkdata.model.gegevens import DEMO_DIR

ROOT = Path(__file__).resolve().parents[1]
DEMO_BUURTEN = DEMO_DIR / "buurten.geojson"
DEMO_CIJFERS = DEMO_DIR / "eenzaamheid_50120NED.csv"
DEMO_INITIATIEVEN = DEMO_DIR / "initiatieven.csv"


def run(*args, db=None, cwd=ROOT):
    env_args = list(args)
    if db:
        env_args += ["--db", db]
    return subprocess.run([sys.executable, "-m", "wijkdata", *env_args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def test_check_json_on_a_good_file():
    result = run("check", str(DEMO_INITIATIEVEN), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["kind"] == "initiatieven"
    assert report["rows"] == 100
    assert report["errors"] == []
    assert set(report) >= {"kind", "rows", "errors", "warnings"}


@pytest.mark.parametrize("path, kind", [(DEMO_BUURTEN, "buurten"), (DEMO_CIJFERS, "indicatoren")])
def test_check_detects_the_kind(path, kind):
    result = run("check", str(path), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["kind"] == kind


def bad_list(tmp_path) -> Path:
    path = tmp_path / "lijst.csv"
    path.write_text("naam;activiteit;lat;lon\n"
                    "Koffietafel;ontmoeting;52,1;5,1\n"
                    ";ontmoeting;52,1;5,1\n"
                    "Buurtfeest;feest;12,0;5,1\n", encoding="utf-8")
    return path


def test_check_reports_row_and_column_of_every_problem(tmp_path):
    result = run("check", str(bad_list(tmp_path)), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    rows = sorted(e["row"] for e in report["errors"])
    assert rows == [3, 4]                      # header is row 1
    assert {e["column"] for e in report["errors"]} >= {"naam"}
    assert all(e["message"] for e in report["errors"])
    skipped = run("check", str(bad_list(tmp_path)), "--json", "--skip-invalid")
    assert skipped.returncode == 0


@pytest.mark.parametrize("content, name, message", [
    (None, "bestaat_niet.csv", "bestaat niet"),
    (b"", "leeg.csv", "leeg"),
    (b"\x00\x01\x02\x03" * 50, "binair.csv", "binair"),
    (b"PK\x03\x04 kapot", "kapot.xlsx", "Excel"),
    (b"a;b\n1;2\n", "onbekend.csv", "Onbekend soort bestand"),
])
def test_unreadable_files_exit_1_with_a_dutch_message_and_no_traceback(tmp_path, content, name,
                                                                        message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("check", str(path))
    assert result.returncode == 1
    assert message.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr + result.stdout


def test_wrong_usage_exits_2():
    assert run("check").returncode == 2
    assert run("export", "--age", "12+").returncode == 2
    assert run("frobnicate").returncode == 2


def test_import_export_datasets_round_trip(db, tmp_path):
    for path in (DEMO_BUURTEN, DEMO_CIJFERS, DEMO_INITIATIEVEN):
        result = run("import", str(path), db=db)
        assert result.returncode == 0, result.stdout + result.stderr
    listing = run("datasets", db=db)
    assert listing.returncode == 0
    active = [line for line in listing.stdout.splitlines()
              if line.startswith("* ") and not line.startswith("* =")]
    assert len(active) == 3
    # an initiative list says what it covers (here: the default)
    assert "    dekking: de gemeenten van de lijst" in listing.stdout.splitlines()

    out = tmp_path / "buurten.csv"
    result = run("export", "--gemeente", "GM9999", "--output", str(out), db=db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 38
    for column in ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam",
                   "inwoners", "eenzaam_pct", "eenzaam_ondergrens", "eenzaam_bovengrens",
                   "ernstig_eenzaam_pct", "initiatieven", "initiatieven_per_1000",
                   "afstand_initiatief_m", "witte_vlek"]:
        assert column in rows[0], column
    tiny = next(r for r in rows if r["buurtnaam"] == "Industrieterrein De Vaart")
    assert tiny["eenzaam_pct"] == "" and tiny["initiatieven_per_1000"] == ""
    assert tiny["witte_vlek"] == ""                     # unknown, neither true nor false
    assert {r["witte_vlek"] for r in rows} == {"true", "false", ""}
    assert all("," not in r["eenzaam_pct"] for r in rows)   # '.' as decimal mark


def test_export_period_and_age(db):
    run("import", str(DEMO_BUURTEN), db=db)
    run("import", str(DEMO_CIJFERS), db=db)
    a = run("export", "--period", "2016", "--age", "65+", db=db)
    b = run("export", db=db)
    assert a.returncode == 0 and b.returncode == 0
    rows_a = list(csv.DictReader(io.StringIO(a.stdout)))
    rows_b = list(csv.DictReader(io.StringIO(b.stdout)))
    assert rows_a[0]["periode"] == "2016" and rows_a[0]["leeftijd"] == "65+"
    assert rows_b[0]["periode"] == "2022"
    assert rows_a[0]["eenzaam_pct"] != rows_b[0]["eenzaam_pct"]


def test_export_initiatives_without_personal_data_and_formulas(db, tmp_path):
    path = tmp_path / "lijst.csv"
    path.write_text("naam;omschrijving;activiteit;buurtcode;contactpersoon;e-mail\n"
                    "=HYPERLINK(\"http://x\");Koffie;ontmoeting;BU99990101;Jan Jansen;"
                    "jan@example.nl\n", encoding="utf-8")
    run("import", str(DEMO_BUURTEN), db=db)
    assert run("import", str(path), db=db).returncode == 0
    result = run("export", "--what", "initiatieven", db=db)
    assert result.returncode == 0, result.stderr
    assert "Jan Jansen" not in result.stdout and "jan@example.nl" not in result.stdout
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["naam"].startswith("'=")
    assert row["buurtcode"] == "BU99990101" and row["wijkcode"] == "WK999901"


def test_refused_import_stores_nothing(db, tmp_path):
    result = run("import", str(bad_list(tmp_path)), db=db)
    assert result.returncode == 1
    assert "Nog geen datasets" in run("datasets", db=db).stdout


def test_export_geojson(db):
    run("import", str(DEMO_BUURTEN), db=db)
    result = run("export", "--format", "geojson", db=db)
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 38
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][:2]
    assert 3 < lon < 8 and 50 < lat < 54


def test_export_unknown_gemeente_is_a_dutch_error(db):
    result = run("export", "--demo", "--gemeente", "GM0000", db=db)
    assert result.returncode == 1 and "komt niet voor" in result.stderr


# --- every --db problem: exit 1, a Dutch message naming the URL, never a traceback ----------

DB_PROBLEMS = {
    "not a database": "geen database van Kleine wij's",
    "folder instead of file": "wijst naar een map",
    "file instead of folder": "daar moet een map staan",
    "no permission": "Geen toestemming",
    "unknown scheme": "onbekend soort database",
    "missing driver": "niet geïnstalleerd",
    "invalid": "niet geldig",
    "server down": "niet bereikbaar",
}


# Every problem with `datasets`; the other commands that open the store with a few of them
# (each run starts Python: the whole grid would take minutes on a busy machine).
@pytest.mark.parametrize("command, case", [
    *((["datasets"], case) for case in DB_PROBLEMS),
    (["export"], "not a database"), (["export"], "no permission"),
    (["import", str(DEMO_INITIATIEVEN)], "server down"),
    (["import", str(DEMO_INITIATIEVEN)], "file instead of folder"),
])
def test_every_database_problem_exits_1_with_a_dutch_message(tmp_path, command, case):
    fragment = DB_PROBLEMS[case]
    url = bad_database(tmp_path, case)
    result = run(*command, db=url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "geheim" not in result.stderr + result.stdout              # the password
    shown = url.replace("geheim", "***").replace("postgresql://", "postgresql+psycopg://")
    assert shown in result.stderr or url.split("///", 1)[-1] in result.stderr


# --- export: never the demo unasked; initiatives without boundaries --------------------------

def test_export_on_an_empty_store_is_refused_unless_the_demo_is_asked(db, tmp_path):
    out = tmp_path / "buurten.csv"
    result = run("export", "--output", str(out), db=db)
    assert result.returncode == 1
    assert "Er zijn nog geen gegevens gepubliceerd" in result.stderr
    assert "--demo" in result.stderr and not out.exists()
    demo = run("export", "--demo", "--output", str(out), db=db)
    assert demo.returncode == 0, demo.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 38 and rows[0]["gemeentecode"] == "GM9999"


def test_initiatives_without_boundaries_export_with_their_own_codes(db, tmp_path):
    path = tmp_path / "lijst.csv"
    path.write_text("naam;activiteit;buurtcode;lat;lon\n"
                    "Koffie;ontmoeting;BU03630001;52,37;4,89\n"
                    "Buurtfeest;feest;BU0363AA01;;\n"
                    "Wandelen;sport en bewegen;;52,1;5,1\n", encoding="utf-8")
    assert run("import", str(path), db=db).returncode == 0
    result = run("export", "--what", "initiatieven", db=db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["naam"], r["buurtcode"], r["gemeentecode"]) for r in rows] == [
        ("Koffie", "BU03630001", "GM0363"), ("Buurtfeest", "BU0363AA01", "GM0363"),
        ("Wandelen", "", "")]
    assert rows[0]["lat"] == "52.37" and rows[2]["lon"] == "5.1"
    one = run("export", "--what", "initiatieven", "--gemeente", "GM0363", db=db)
    assert one.returncode == 0 and len(list(csv.DictReader(io.StringIO(one.stdout)))) == 2
    geo = json.loads(run("export", "--what", "initiatieven", "--format", "geojson",
                         db=db).stdout)
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert round(lon, 2) == 4.89 and round(lat, 2) == 52.37
    assert geo["features"][1]["geometry"] is None        # only a code, no boundaries: no point
    buurten = run("export", db=db)
    assert buurten.returncode == 1 and buurten.stdout == ""
    assert "gebiedsindeling" in buurten.stderr and "Traceback" not in buurten.stderr


# --- import: the dataset is chosen by what the file is, not by its name -----------------------

KERNCIJFERS_CSV = ("ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;"
                   "AantalInwoners_5;k_65JaarOfOuder_12\n"
                   "0;GM9999    ;Lindewaarde;Gemeente  ;GM9999;25000;5000\n"
                   "1;BU99990101;Lindewaarde;Buurt     ;BU99990101;1070;200\n")


def active_datasets(db) -> dict[str, str]:
    """name → source kind of every active dataset, from `datasets`."""
    from wijkdata.store import Store
    return {v.name: v.source_kind for v in Store(db).active_versions()}


def test_import_picks_the_dataset_by_what_the_file_is(db, tmp_path):
    # A CBS table whose name suggests RIVM, and the RIVM file under two other names.
    misleading = tmp_path / "eenzaamheid_50120NED.csv"
    misleading.write_text(KERNCIJFERS_CSV, encoding="utf-8")
    rivm_again = tmp_path / "kerncijfers_2024.csv"
    rivm_again.write_bytes(DEMO_CIJFERS.read_bytes())
    assert run("import", str(DEMO_CIJFERS), db=db).returncode == 0
    result = run("import", str(misleading), "--period", "2024", db=db)
    assert result.returncode == 0, result.stderr
    assert "Opgeslagen: indicatoren 'CBS Kerncijfers 2024' versie 1" in result.stdout
    result = run("import", str(rivm_again), db=db)
    assert "Opgeslagen: indicatoren 'RIVM gezondheid 2022' versie 2" in result.stdout
    assert "Let op: Dit bestand vervangt de actieve versie 1" in result.stdout
    assert active_datasets(db) == {"RIVM gezondheid 2022": "RIVM gezondheid",
                                   "CBS Kerncijfers 2024": "CBS Kerncijfers"}
    # --name still decides; putting CBS figures into the RIVM set says what disappears
    result = run("import", str(misleading), "--period", "2024", "--name",
                 "RIVM gezondheid 2022", db=db)
    assert result.returncode == 0
    assert "Daarmee verdwijnen: Eenzaam, Ernstig eenzaam" in result.stdout
    assert "versie 3" in result.stdout


def test_check_and_import_refuse_what_the_data_page_refuses(db, tmp_path):
    """One check for both ways in: a zip pointing outside itself is refused by the same words
    on the command line as on the Data page (upload.check_upload)."""
    import zipfile
    path = tmp_path / "gebieden.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../buurten.shp", b"x")
    for result in (run("check", str(path)), run("import", str(path), db=db)):
        assert result.returncode == 1
        assert "buiten het zip-bestand" in result.stderr
        assert "Traceback" not in result.stderr
    assert "Nog geen datasets" in run("datasets", db=db).stdout


def test_boundaries_lying_in_australia_are_refused_and_nothing_is_stored(db, tmp_path):
    """The location check lives in the boundaries reader, so `import` refuses what the Data
    page refuses: areas that do not lie in the Netherlands, also with --skip-invalid."""
    import geopandas as gpd
    from shapely.geometry import box
    frame = gpd.GeoDataFrame({"buurtcode": ["BU00340101", "BU00340102"],
                              "buurtnaam": ["Haven", "Kade"]},
                             geometry=[box(151.20, -33.87, 151.21, -33.86),
                                       box(151.21, -33.87, 151.22, -33.86)], crs=4326)
    path = tmp_path / "sydney.geojson"
    path.write_text(frame.to_json(), encoding="utf-8")
    for extra in ([], ["--skip-invalid"]):
        result = run("import", str(path), *extra, db=db)
        assert result.returncode == 1, result.stdout
        assert "niet in Nederland" in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert "Nog geen datasets" in run("datasets", db=db).stdout


def run_with_planted_bug(db) -> subprocess.CompletedProcess:
    """`datasets` with a bug planted in the store: a bug cannot be made on purpose through
    the command line."""
    code = ("import sys, wijkdata.cli as cli, wijkdata.store as store\n"
            "def broken(self, kind=None):\n"
            "    raise KeyError('kolom')\n"
            "store.Store.versions = broken\n"
            f"sys.exit(cli.main(['datasets', '--db', {db!r}]))\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)


def test_an_unexpected_error_is_a_dutch_message_with_the_details_in_a_file(db):
    result = run_with_planted_bug(db)
    assert result.returncode == 1
    assert "Er ging iets onverwachts mis" in result.stderr
    assert "Traceback" not in result.stderr
    log = Path(result.stderr.split("staan in ")[1].split(". Stuur")[0])
    try:
        assert "KeyError: 'kolom'" in log.read_text(encoding="utf-8")
    finally:
        log.unlink()


def test_an_unexpected_error_is_logged_with_time_level_and_logger(db, tmp_path):
    result = run_with_planted_bug(db)
    [line] = [line for line in result.stderr.splitlines() if " ERROR " in line]
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR wijkdata\.cli: Onverwachte "
                    r"fout in 'python -m wijkdata datasets'; traceback in \S+", line), line
    Path(line.rsplit(" in ", 1)[1]).unlink()



# --- issue 11: the witte-vlek method on the command line (Almere, 100 initiatives as points) --

@pytest.fixture(scope="module")
def almere_db(tmp_path_factory):
    """The Almere-sized scenario imported through the command line, as a job would."""
    from tests.factory import almere_files
    folder = tmp_path_factory.mktemp("almere")
    url = f"sqlite:///{folder / 'almere.sqlite'}"
    for name, data in almere_files(punten=100).items():
        (folder / name).write_bytes(data)
        result = run("import", str(folder / name), db=url)
        assert result.returncode == 0, result.stdout + result.stderr
    return url


def export_rows(db, *options) -> list[dict]:
    result = run("export", "--gemeente", "GM0034", *options, db=db)
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


NIEUWE_KOLOMMEN = ["initiatieven_binnen_bereik", "initiatieven_binnen_bereik_per_1000",
                   "bereik_m", "witte_vlek_zekerheid", "witte_vlek_rang", "witte_vlek_reden"]


def test_export_has_the_method_columns_with_their_types(almere_db):
    result = run("export", "--gemeente", "GM0034", db=almere_db)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    # the existing contract keeps its order; the new columns come after it
    assert header[:14] == ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode",
                           "gemeentenaam", "inwoners", "eenzaam_pct", "eenzaam_ondergrens",
                           "eenzaam_bovengrens", "ernstig_eenzaam_pct", "initiatieven",
                           "initiatieven_per_1000", "afstand_initiatief_m", "witte_vlek"]
    assert header[-6:] == NIEUWE_KOLOMMEN
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 238
    for r in rows:
        assert re.fullmatch(r"\d+", r["initiatieven_binnen_bereik"]), r
        assert int(r["initiatieven_binnen_bereik"]) >= int(r["initiatieven"])
        assert r["bereik_m"] == "500"
        assert r["witte_vlek"] in ("true", "false", "")
        assert r["witte_vlek_zekerheid"] in ("zeker", "mogelijk", "")
        assert (r["witte_vlek_zekerheid"] != "") == (r["witte_vlek"] == "true")
        assert (r["witte_vlek_rang"] != "") == (r["witte_vlek"] == "true")
        assert r["witte_vlek_reden"].endswith(".") and "nan" not in r["witte_vlek_reden"]
        if r["initiatieven_binnen_bereik_per_1000"]:
            float(r["initiatieven_binnen_bereik_per_1000"])
    vlekken = [r for r in rows if r["witte_vlek"] == "true"]
    assert vlekken, "the Almere scenario has witte vlekken"
    # ranks 1..n within the gemeente, zeker before mogelijk
    ordered = sorted(vlekken, key=lambda r: int(r["witte_vlek_rang"]))
    assert [int(r["witte_vlek_rang"]) for r in ordered] == list(range(1, len(vlekken) + 1))
    zekerheid = [r["witte_vlek_zekerheid"] for r in ordered]
    assert zekerheid == sorted(zekerheid, key=lambda z: z != "zeker")


def test_an_unrated_buurt_is_empty_with_its_reason(almere_db):
    rows = export_rows(almere_db)
    unrated = [r for r in rows if r["witte_vlek"] == ""]
    assert unrated
    for r in unrated:
        assert r["witte_vlek_zekerheid"] == "" and r["witte_vlek_rang"] == ""
        assert r["witte_vlek_reden"].startswith("Niet beoordeeld:")
    few = [r for r in rows if r["inwoners"] and float(r["inwoners"]) < 100]
    assert few and all(r["witte_vlek"] == "" and "te weinig inwoners" in r["witte_vlek_reden"]
                       for r in few)
    # a lower minimum rates them (when they have a loneliness figure)
    lower = {r["buurtcode"]: r for r in export_rows(almere_db, "--min-inwoners", "0")}
    rated_now = [r for r in few if r["eenzaam_pct"] and lower[r["buurtcode"]]["witte_vlek"]]
    assert all("te weinig" not in lower[r["buurtcode"]]["witte_vlek_reden"] for r in rated_now)


def test_bereik_0_gives_the_in_buurt_counts(almere_db):
    rows = export_rows(almere_db, "--bereik", "0")
    assert all(r["initiatieven_binnen_bereik"] == r["initiatieven"] for r in rows)
    assert {r["bereik_m"] for r in rows} == {"0"}
    wide = export_rows(almere_db)
    assert sum(int(r["initiatieven_binnen_bereik"]) for r in wide) > \
        sum(int(r["initiatieven"]) for r in rows)


def test_a_higher_loneliness_quantile_never_gives_more_witte_vlekken(almere_db):
    counts = []
    for q in ("0.5", "0.75", "0.9", "1"):
        rows = export_rows(almere_db, "--eenzaam-kwantiel", q)
        counts.append(sum(r["witte_vlek"] == "true" for r in rows))
    assert counts == sorted(counts, reverse=True), counts
    assert counts[0] > counts[-1]


@pytest.mark.parametrize("option, value", [
    ("--eenzaam-kwantiel", "1.5"), ("--eenzaam-kwantiel", "-0.1"), ("--aanbod-kwantiel", "x"),
    ("--bereik", "-1"), ("--bereik", "nan"), ("--min-inwoners", "-5"),
    ("--min-inwoners", "10.5")])
def test_a_method_option_out_of_range_exits_2_in_dutch(db, option, value):
    result = run("export", option, value, "--demo", db=db)
    assert result.returncode == 2
    assert option in result.stderr and "geef een" in result.stderr
    assert "Traceback" not in result.stderr and "invalid" not in result.stderr
    assert result.stdout == ""


def test_import_with_dekking_narrows_the_rated_buurten(db, tmp_path):
    for path in (DEMO_BUURTEN, DEMO_CIJFERS):
        assert run("import", str(path), db=db).returncode == 0
    rows_before = list(csv.DictReader(io.StringIO(run("export", db=db).stdout)))
    wijken = sorted({r["wijkcode"] for r in rows_before})
    result = run("import", str(DEMO_INITIATIEVEN), "--dekking", wijken[0], db=db)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = list(csv.DictReader(io.StringIO(run("export", db=db).stdout)))
    buiten = [r for r in rows if r["wijkcode"] != wijken[0]]
    # not rated; the reason is the unknown supply (or a reason that comes first: too few
    # inhabitants, no loneliness figure)
    assert buiten and all(r["witte_vlek"] == "" and r["witte_vlek_reden"].startswith(
        "Niet beoordeeld") for r in buiten)
    assert sum("aanbod onbekend" in r["witte_vlek_reden"] for r in buiten) >= len(buiten) - 2
    binnen = [r for r in rows if r["wijkcode"] == wijken[0]]
    assert any(r["witte_vlek"] in ("true", "false") for r in binnen)
    # a new version without --dekking covers the gemeente again
    assert run("import", str(DEMO_INITIATIEVEN), db=db).returncode == 0
    rows = list(csv.DictReader(io.StringIO(run("export", db=db).stdout)))
    assert not any("aanbod onbekend" in r["witte_vlek_reden"] for r in rows)


@pytest.mark.parametrize("dekking", ["BU00340101", "Almere", "WK0034"])
def test_import_with_a_wrong_dekking_exits_2_and_stores_nothing(db, dekking):
    result = run("import", str(DEMO_INITIATIEVEN), "--dekking", dekking, db=db)
    assert result.returncode == 2
    assert "geen gemeentecode" in result.stderr and "Traceback" not in result.stderr
    assert "Nog geen datasets" in run("datasets", db=db).stdout


def test_dekking_with_a_file_that_is_no_initiative_list_exits_2(db):
    result = run("import", str(DEMO_BUURTEN), "--dekking", "GM0034", db=db)
    assert result.returncode == 2
    assert "alleen bij een lijst met initiatieven" in result.stderr
    assert "Nog geen datasets" in run("datasets", db=db).stdout


def test_fetch_without_a_reachable_source_exits_1_in_dutch_and_stores_nothing(db, monkeypatch):
    # Port 9 (discard) refuses at once on loopback: "no internet" without waiting for a
    # timeout. The full fetch on a local server that answers is in tests/test_ophalen.py.
    monkeypatch.setenv("WIJKDATA_CBS_ODATA_URL", "http://127.0.0.1:9/odata")
    monkeypatch.setenv("WIJKDATA_PDOK_URL", "http://127.0.0.1:9/pdok")
    result = run("fetch", "GM0034", db=db)
    assert result.returncode == 1
    assert "niets opgeslagen" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Nog geen datasets" in run("datasets", db=db).stdout


def test_fetch_without_a_gemeente_is_wrong_usage():
    assert run("fetch").returncode == 2
