"""ui.py, the Streamlit helpers shared by the pages: error display, tables, downloads, kept
choices, the two-step exports. Pure helpers are called directly; the rest runs in small
AppTest scripts (the function body is the script: imports go inside it)."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from tests import apptest
from tests.factory import publish
from wijkdata.errors import WijkdataError
from wijkdata.export.images import PNG_MISLUKT


def run(script, **state) -> AppTest:
    at = AppTest.from_function(script, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at


def download_labels(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def button(at: AppTest, label: str):
    [found] = [b for b in at.button if b.label == label]
    return found


# --- pure helpers ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (True, True), (np.bool_(True), True), (1, True), ("ja", True),
    (False, False), (np.bool_(False), False), (None, False), (pd.NA, False),
    (float("nan"), False), (np.nan, False),
])
def test_is_waar_counts_only_a_true_value(value, expected):
    assert ui.is_waar(value) is expected


@pytest.mark.parametrize("value, shown", [
    (None, ""), (pd.NA, ""), (pd.NaT, ""), (float("nan"), ""),
    ("NA", "NA"), ("null", "null"), ("None", "None"), (0, "0"), ("", ""),
])
def test_celtekst_keeps_text_as_the_file_has_it_and_a_gap_empty(value, shown):
    assert ui.celtekst(value) == shown


def test_tabel_weergave_says_ja_nee_onbekend_and_keeps_numbers():
    frame = pd.DataFrame({"naam": ["Linde", None], "actief": pd.array([True, None],
                                                                      dtype="boolean"),
                          "inwoners": [1200.0, np.nan]})
    shown = ui.tabel_weergave(frame)
    assert shown["naam"].tolist() == ["Linde", "—"]
    assert shown["actief"].tolist() == ["ja", "onbekend"]
    assert pd.api.types.is_float_dtype(shown["inwoners"])      # sorting stays numeric


def test_indicator_and_period_labels():
    assert ui.indicator_label("initiatieven_per_1000") == "Initiatieven per 1.000 inwoners"
    assert ui.indicator_label("eenzaam").endswith("(%)")
    keuzes = ui.Keuzes(None, "buurt", "eenzaam", 2022, "65+")
    assert ui.periode_label(keuzes).startswith("2022, ")
    assert ui.periode_label(ui.Keuzes("GM0001", "buurt", "pct_65plus", None, "18+")) \
        == "laatst bekende jaar, alle leeftijden"
    assert keuzes.bestandsdeel == "alle_gemeenten"


# --- errors ---------------------------------------------------------------------------------

def _show_error_script():
    from ui import show_error
    from wijkdata.errors import Probleem, WijkdataError
    show_error(WijkdataError("Het bestand '[klik](https://x.nl).csv' heeft 2 fouten.", [
        Probleem("Geen getal", row=4, column="Inwoners", code="BU00010000", value="veel"),
        Probleem("Er is geen kolom met een buurtcode."),
    ]))


def test_show_error_shows_the_message_literally_and_every_problem_in_a_table():
    at = run(_show_error_script)
    assert not at.exception
    [error] = at.error
    assert apptest.unescape(error.value) == "Het bestand '[klik](https://x.nl).csv' heeft 2 fouten."
    assert "\\[klik\\]" in error.value                          # never a link
    [table] = at.dataframe
    assert table.value.to_dict("list") == {
        "melding": ["Geen getal", "Er is geen kolom met een buurtcode."],
        "rij": ["4", "heel bestand"], "kolom": ["Inwoners", ""],
        "gebied": ["BU00010000", ""], "waarde": ["veel", ""]}
    assert apptest.leaked(at) == []


def _error_without_problems_script():
    from ui import show_error
    from wijkdata.errors import WijkdataError
    show_error(WijkdataError("Alleen een melding."))


def test_show_error_without_problems_shows_no_table():
    at = run(_error_without_problems_script)
    assert [e.value for e in at.error] == ["Alleen een melding\\."]
    assert len(at.dataframe) == 0


def _bug_script():
    import streamlit as st

    import ui
    from wijkdata.errors import WijkdataError
    with ui.fouten_opvangen():
        st.write("voor de fout")
        if st.session_state.get("soort") == "eigen":
            raise WijkdataError("Gemeente 'GM9999' komt niet voor.")
        {}["kolom"]
    st.write("na de fout")


def test_a_bug_goes_to_the_log_and_the_user_reads_dutch(caplog):
    with caplog.at_level(logging.ERROR, logger="ui"):
        at = run(_bug_script)
    [shown] = at.exception
    assert shown.value == ui.ONVERWACHT and shown.proto.type == "Fout"
    assert list(shown.proto.stack_trace) == []                  # no traceback on screen
    assert [m.value for m in at.markdown] == ["voor de fout", "na de fout"]
    [record] = [r for r in caplog.records if r.name == "ui"]
    assert record.levelno == logging.ERROR and record.exc_info[0] is KeyError


def test_an_uncaught_wijkdata_error_is_shown_as_one():
    at = run(_bug_script, soort="eigen")
    assert not at.exception
    assert [apptest.unescape(e.value) for e in at.error] == ["Gemeente 'GM9999' komt niet voor."]


# --- tables ---------------------------------------------------------------------------------

def _table_script():
    import numpy as np
    import pandas as pd

    import ui
    ui.table(pd.DataFrame({"Buurt": ["Linde", None], "Eenzaam (%)": [12.345, np.nan],
                           "Inwoners": [1745.0, np.nan]}), name="proef")


def test_table_shows_dutch_numbers_a_placeholder_and_downloads():
    at = run(_table_script)
    assert not at.exception
    texts = apptest.readable_texts(at)
    assert apptest.leaked(at) == []
    assert "12,3" in texts and "1.745" in texts and "geen gegevens" in texts and "—" in texts
    [table] = at.dataframe
    assert table.proto.placeholder == "geen gegevens"
    assert download_labels(at) == ["CSV", "Excel"]


def _long_table_script():
    import pandas as pd

    import ui
    ui.table(pd.DataFrame({"n": range(ui.MAX_TABLE_ROWS + 5)}))


def test_a_long_table_shows_the_first_rows_and_says_so():
    at = run(_long_table_script)
    assert [c.value for c in at.caption] == [
        "De eerste 1.000 van 1.005 rijen; de download bevat ze allemaal."]
    assert len(at.dataframe[0].value) == ui.MAX_TABLE_ROWS


def _bestand_tabel_script():
    import numpy as np
    import pandas as pd

    import ui
    ui.bestand_tabel(pd.DataFrame({"naam": ["NA", None, "null"], "waarde": [1.5, np.nan, 2]}))


def test_bestand_tabel_keeps_file_text_and_shows_geen_gegevens_for_a_missing_number():
    at = run(_bestand_tabel_script)
    [table] = at.dataframe
    assert table.value["naam"].tolist() == ["NA", "", "null"]
    assert table.proto.placeholder == "geen gegevens"
    assert "geen gegevens" in apptest.readable_texts(at)


# --- kept choices and session helpers ----------------------------------------------------------

def _kept_choice_script():
    import streamlit as st

    import ui
    if st.session_state.get("toon", True):
        ui.blijvende_selectbox("Buurt", ["BU01", "BU02", "BU03"], key="buurt", default="BU01")
    st.write(f"gekozen: {st.session_state.get('buurt')}")


def test_blijvende_selectbox_keeps_the_choice_while_the_widget_is_away():
    at = run(_kept_choice_script)
    assert at.selectbox[0].value == "BU01"
    at.selectbox[0].set_value("BU03").run()
    assert at.markdown[-1].value == "gekozen: BU03"
    at.session_state["toon"] = False
    at.run()                                  # a step without the widget
    assert len(at.selectbox) == 0 and at.markdown[-1].value == "gekozen: BU03"
    at.session_state["toon"] = True
    at.run()
    assert at.selectbox[0].value == "BU03"


def test_blijvende_selectbox_falls_back_to_the_default_for_an_unknown_choice():
    at = run(_kept_choice_script, buurt="BU99")
    assert at.selectbox[0].value == "BU01" and at.session_state["buurt"] == "BU01"


def _remembered_script():
    import streamlit as st

    import ui
    st.session_state.setdefault("rekenen", 0)

    def compute():
        st.session_state["rekenen"] += 1
        return st.session_state["sleutel"] * 10

    st.write(f"{ui.remembered('_uitkomst', st.session_state['sleutel'], compute)} "
             f"na {st.session_state['rekenen']} keer rekenen")
    if st.session_state.get("melden"):
        ui.flash_later("Gepubliceerd: versie 2.")
        st.session_state["melden"] = False
    else:
        ui.flash()


def test_remembered_computes_once_per_key_and_flash_shows_once():
    at = run(_remembered_script, sleutel=1, melden=True)
    assert at.markdown[0].value == "10 na 1 keer rekenen" and not at.success
    at.run()
    assert at.markdown[0].value == "10 na 1 keer rekenen"     # same key: not again
    assert [apptest.unescape(s.value) for s in at.success] == ["Gepubliceerd: versie 2."]
    at.run()
    assert not at.success                                      # shown once
    at.session_state["sleutel"] = 2
    at.run()
    assert at.markdown[0].value == "20 na 2 keer rekenen"


# --- two-step exports -------------------------------------------------------------------------

def _export_script():
    import streamlit as st

    import ui
    from wijkdata.errors import WijkdataError

    def make():
        uitkomst = st.session_state["uitkomst"]
        if uitkomst == "eigen":
            raise WijkdataError("PNG maken is niet gelukt.")
        if uitkomst == "bug":
            raise ValueError("kapot")
        return b"\x89PNG-echt"

    failure = ui.export_buttons(ui.PNG, "kaart.png", make, key="kaart",
                                version=lambda: st.session_state["versie"])
    if failure is not None:
        ui.show_export_failure(failure)


def test_an_export_is_offered_only_after_it_was_made():
    at = run(_export_script, uitkomst="goed", versie=1)
    assert [b.label for b in at.button] == ["PNG maken"] and download_labels(at) == []
    button(at, "PNG maken").click().run()
    assert not at.warning and download_labels(at) == ["PNG downloaden"]
    [download] = at.get("download_button")
    assert download.proto.url                                 # the bytes were handed over
    at.run()
    assert download_labels(at) == ["PNG downloaden"]          # still offered on a rerun
    at.session_state["versie"] = 2                            # another gemeente, say
    at.run()
    assert download_labels(at) == []                          # the old file is not offered


@pytest.mark.parametrize("uitkomst, message", [
    ("eigen", "PNG maken is niet gelukt."), ("bug", ui.EXPORT_MISLUKT),
])
def test_a_failed_export_warns_in_dutch_logs_and_offers_no_download(caplog, uitkomst,
                                                                    message):
    at = run(_export_script, uitkomst="goed", versie=1)
    button(at, "PNG maken").click().run()
    assert download_labels(at) == ["PNG downloaden"]
    at.session_state["uitkomst"] = uitkomst
    with caplog.at_level(logging.WARNING, logger="ui"):
        button(at, "PNG maken").click().run()
    assert not at.exception
    assert [apptest.unescape(w.value) for w in at.warning] == [message]
    assert download_labels(at) == []                # not even the file made before
    [record] = [r for r in caplog.records if r.name == "ui"]
    assert record.exc_info is not None and "kaart.png" in record.getMessage()


def test_a_failing_png_on_a_real_page_warns_and_offers_no_download(store_dir, monkeypatch,
                                                                   caplog):
    from wijkdata.export import images

    def failing(fig, **options):
        raise WijkdataError(PNG_MISLUKT)

    monkeypatch.setattr(images, "chromium_available", lambda: True)
    monkeypatch.setattr(images, "figure_png", failing)
    publish(apptest.url_of(store_dir))
    at = apptest.start("pages/witte_vlekken.py")
    assert not at.exception
    with caplog.at_level(logging.WARNING, logger="ui"):
        button(at, "PNG maken").click().run()
    assert not at.exception
    assert [apptest.unescape(w.value) for w in at.warning] == [PNG_MISLUKT]
    assert "PNG downloaden" not in download_labels(at)
    assert "HTML" in download_labels(at)                      # the other way out remains
    assert any(r.exc_info and r.name == "ui" for r in caplog.records)


def test_without_chromium_png_cannot_be_asked_for(store_dir, monkeypatch):
    from wijkdata.export import images
    monkeypatch.setattr(images, "chromium_available", lambda: False)
    at = apptest.start("pages/witte_vlekken.py")
    png = button(at, "PNG maken")
    assert png.disabled and "geen Chromium" in png.help


def test_raadsinformatie_is_made_then_downloaded(store_dir, monkeypatch):
    from wijkdata.export import raadsrapport
    monkeypatch.setattr(raadsrapport, "raadsinformatie_pdf",
                        lambda data, gemeente, **options: b"%PDF-1.7 " + gemeente.encode())
    at = apptest.start()
    assert "Raadsinformatie: PDF downloaden" not in download_labels(at)
    button(at, "Raadsinformatie: PDF maken").click().run()
    assert not at.exception and not at.warning
    assert "Raadsinformatie: PDF downloaden" in download_labels(at)


def test_a_failed_raadsinformatie_gives_its_dutch_reason_and_no_pdf(store_dir, monkeypatch):
    from wijkdata.export import raadsrapport

    def failing(data, gemeente, **options):
        raise WijkdataError(f"Gemeente {gemeente} staat niet in de geladen gegevens.")

    monkeypatch.setattr(raadsrapport, "raadsinformatie_pdf", failing)
    at = apptest.start()
    button(at, "Raadsinformatie: PDF maken").click().run()
    assert any("staat niet in de geladen gegevens" in apptest.unescape(w.value)
               for w in at.warning)
    assert "Raadsinformatie: PDF downloaden" not in download_labels(at)


def _question_script():
    import streamlit as st

    import ui
    if st.button("Verwijderen…", key="vraag"):
        st.session_state["verwijder_id"] = 7
    if ui.bevestiging("verwijder_id", 7, "Weet u het zeker? [echt]", "Ja, verwijderen",
                      detail="versie 7", knoppen="verwijderen"):
        st.session_state["verwijderd"] = st.session_state.get("verwijderd", 0) + 1


def test_a_question_waits_for_its_answer_and_closes_after_it():
    at = run(_question_script)
    assert not at.warning and [b.label for b in at.button] == ["Verwijderen…"]
    at.button(key="vraag").click().run()
    assert [apptest.unescape(w.value) for w in at.warning] == ["Weet u het zeker? [echt]"]
    assert [t.value for t in at.text] == ["versie 7"]
    at.button(key="verwijderen_nee").click().run()
    assert not at.warning and "verwijderd" not in at.session_state
    at.button(key="vraag").click().run()
    at.button(key="verwijderen_ja").click().run()
    assert at.session_state["verwijderd"] == 1
    at.run()
    assert not at.warning and at.session_state["verwijderd"] == 1    # answered once


# --- the witte-vlek method's choices (issue 11) -------------------------------------------

@pytest.mark.parametrize(("key", "value", "expected"), [
    ("hoogste", "30", 30), ("hoogste", 25, 25), ("hoogste", "33", None),     # off the step
    ("hoogste", "0", None), ("hoogste", "abc", None), ("hoogste", None, None),
    ("laagste", " 50 ", 50), ("bereik", "0", 0), ("bereik", "-100", None),
    ("bereik", "2500", None), ("min_inwoners", "150", 150), ("min_inwoners", "7", None)])
def test_methode_waarde_takes_only_what_a_control_allows(key, value, expected):
    assert ui.methode_waarde(key, value) == expected


def test_the_defaults_make_the_default_method():
    from wijkdata.compute.witte_vlekken import Methode
    assert ui.als_methode(ui.methode_standaard()) == Methode()
    chosen = ui.als_methode({**ui.methode_standaard(), "hoogste": 30, "bereik": 0})
    assert (chosen.eenzaam, chosen.bereik_m) == (0.7, 0)
