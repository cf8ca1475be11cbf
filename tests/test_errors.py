"""wijkdata.errors: one problem shape, collected in a report, raised once with every problem."""
from wijkdata.errors import Probleem, Rapport, WijkdataError


def test_a_problem_names_row_column_and_area_in_dutch():
    p = Probleem("geen geldige buurtcode", row=7, column="Buurtcode", code="BU0034X",
                 value="BU0034X")
    assert str(p) == "rij 7, kolom 'Buurtcode', gebied BU0034X: geen geldige buurtcode"
    assert str(Probleem("het bestand is leeg")) == "het bestand is leeg"


def test_as_dict_keeps_every_part_with_the_value_last():
    p = Probleem("leeg", row=3, column="Naam")
    assert list(p.as_dict()) == ["message", "row", "column", "code", "value"]
    assert p.as_dict()["row"] == 3 and p.as_dict()["value"] is None


def test_a_report_collects_errors_and_warnings_and_knows_the_error_rows():
    rapport = Rapport()
    rapport.warning("datum onduidelijk", row=4)
    assert rapport.ok
    rapport.error("geen naam", row=2, column="Naam")
    rapport.error("geen naam", row=2, column="Omschrijving")
    rapport.error("bestand zonder kop")
    other = Rapport()
    other.error("lege rij", row=9)
    rapport.extend(other)
    assert not rapport.ok
    assert rapport.error_rows() == {2, 9}
    assert len(rapport.warnings) == 1


def test_the_error_lists_at_most_twenty_problems_and_counts_the_rest():
    problems = [Probleem("geen geldige buurtcode", row=r) for r in range(2, 27)]
    error = WijkdataError("25 rijen hebben een fout.", problems)
    lines = str(error).splitlines()
    assert lines[0] == "25 rijen hebben een fout."
    assert len(lines) == 1 + 20 + 1
    assert lines[-1] == "- ... en nog 5 andere problemen"
    assert error.message == "25 rijen hebben een fout."


def test_an_error_without_problems_is_just_its_message():
    error = WijkdataError("Het bestand is leeg.")
    assert str(error) == "Het bestand is leeg." and error.problems == [] and error.warnings == []


def test_the_problem_table_has_dutch_headers_and_no_nan():
    from wijkdata.errors import problemen_tabel
    table = problemen_tabel([Probleem("geen naam", row=4, column="Naam"),
                             Probleem("bestand zonder kop", value=None)])
    assert list(table.columns) == ["melding", "rij", "kolom", "gebied", "waarde"]
    assert table["rij"].tolist() == ["4", "heel bestand"]
    assert table.loc[1].tolist() == ["bestand zonder kop", "heel bestand", "", "", ""]
    assert "nan" not in table.to_string().lower()
