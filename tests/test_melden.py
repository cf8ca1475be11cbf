"""The page Meld een initiatief and the Data page's tab Meldingen, through AppTest from
app.py: every validation message next to its field, the honeypot, the rate limit, and the
moderation (approve with and without edits, merge, reject with and without a reason)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests import apptest
from tests.apptest import texts, unescape
from tests.factory import publish
from wijkdata import meldingen
from wijkdata.meldingen import Invoer, Meldingen
from wijkdata.model.gegevens import load_active
from wijkdata.store import Store

MELDEN = "pages/melden.py"
DATA = "pages/data.py"
# A buurt of the factory's gemeente GM0001 (tests/factory.py); its list
# "testinitiatieven" has the initiative "Init 0001-code" there (by buurtcode).
BUURT = "BU00010001"
BESTAAND = "Init 0001-code"


@pytest.fixture
def store(store_dir) -> Store:
    """The app's store (SQLite in the test's data folder) with the factory's two gemeenten."""
    store = Store(apptest.url_of(store_dir))
    publish(store.url)
    return store


def elementen(node):
    """Every element under ``node`` in the order the page shows them."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from elementen(child)


def fout_na(at: AppTest, key: str) -> str | None:
    """The error shown right after the widget with ``key`` (or the first element of type
    ``key``, e.g. 'plotly_chart'); None when the next element is something else: a message
    stands next to its field."""
    reeks = list(elementen(at.main))
    for i, element in enumerate(reeks):
        if getattr(element, "key", None) == key or getattr(element, "type", None) == key:
            volgende = reeks[i + 1] if i + 1 < len(reeks) else None
            if type(volgende).__name__ == "Error":
                return unescape(volgende.value)
            return None
    raise AssertionError(f"geen veld {key}")


def formulier(at: AppTest, **velden) -> AppTest:
    """Fill in the form: text fields by name, 'buurt' as a buurtcode, 'activiteit' and
    'doelgroepen' as the pills' values, 'wij_type', 'thuis' (the box)."""
    for veld, waarde in velden.items():
        if veld == "buurt":
            at.selectbox(key="melden_buurtcode").select(waarde).run()
        elif veld in ("activiteit", "doelgroepen"):
            at.pills(key=f"melden_{veld}").set_value(waarde).run()
        elif veld == "wij_type":
            at.radio(key="melden_wij_type").set_value(waarde).run()
        elif veld == "thuis":
            at.checkbox(key="melden_locatie_verborgen").set_value(waarde).run()
        elif veld == "omschrijving":
            at.text_area(key="melden_omschrijving").input(waarde)
        else:
            at.text_input(key=f"melden_{veld}").input(waarde)
    assert not at.exception, at.exception
    return at


def versturen(at: AppTest) -> AppTest:
    at.button(key="melden_versturen").click().run()
    assert not at.exception, at.exception
    return at


def start_melden(**options) -> AppTest:
    at = apptest.start(MELDEN, **options)
    assert not at.exception, at.exception
    return at


def bedankt(at: AppTest) -> bool:
    return any("Dank u wel" in s.value for s in at.success)


# --- the form -------------------------------------------------------------------------------

def test_form_asks_every_question_with_an_example(store):
    at = start_melden()
    assert at.text_input(key="melden_naam").label == "Naam van het initiatief (verplicht)"
    assert at.text_input(key="melden_naam").placeholder.startswith("Bijvoorbeeld")
    assert at.text_area(key="melden_omschrijving").label == "Wat doen jullie?"
    assert at.pills(key="melden_activiteit").options[0] == "Ontmoeting"
    assert at.pills(key="melden_doelgroepen").label == "Voor wie?"
    wie = at.radio(key="melden_wij_type")
    # Explained in everyday words with an example, never the jargon.
    assert wie.label == "Wie komen er?"
    assert not any(w in " ".join(wie.options) for w in ("bonding", "bridging"))
    assert "Bijvoorbeeld" in str(wie.proto)
    buurt = at.selectbox(key="melden_buurtcode")
    # The buurten of the chosen gemeente by name with their wijk, the code kept as value.
    assert "Buurt 0001-0-1 (Wijk 0001-0)" in buurt.options
    assert "Buurt 0002-0-1 (Wijk 0002-0)" not in buurt.options
    assert "verwijderd zodra uw melding is behandeld" in texts(at)
    assert at.button(key="melden_versturen").label == "Versturen"
    # The honeypot is in the page, inside the container whose class the CSS hides.
    assert at.text_input(key="melden_website").label == "Laat dit veld leeg"
    assert "st-key-melden_honingpot" in " ".join(h.proto.body for h in at.get("html"))


def test_without_buurten_loaded_the_page_says_so_instead_of_a_form_that_cannot_be_sent(
        store_dir):
    # The store holds only an initiative list (the municipality is still setting up): a
    # report must name its buurt, so nobody fills in a form in vain.
    from tests.factory import make_frames
    _, _, initiatieven = make_frames()
    store = Store(apptest.url_of(store_dir))
    store.publish("initiatieven", "lijst", initiatieven, source_filename="lijst.csv",
                  checksum="0", created_by="test")
    store.dispose()
    at = start_melden()
    assert "Melden kan nog niet" in texts(at)
    assert not at.text_input and not at.button


def test_a_sent_report_is_stored_as_new_and_the_form_thanks(store):
    at = start_melden()
    formulier(at, naam="Koffie bij Els", omschrijving="Elke dinsdag koffie.",
              activiteit="ontmoeting", doelgroepen=["ouderen", "iedereen"],
              wij_type="bonding", frequentie="elke dinsdag", sinds="2019", buurt=BUURT,
              contact_email="els@voorbeeld.nl")
    versturen(at)
    assert bedankt(at) and "Wat gebeurt er nu?" in texts(at)
    nieuw = Meldingen(store).lijst("nieuw")
    assert nieuw["naam"].tolist() == ["Koffie bij Els"]
    melding = Meldingen(store).melding(int(nieuw["id"].iloc[0]))
    assert (melding.buurtcode, melding.activiteit, melding.wij_type) == (
        BUURT, "ontmoeting", "bonding")
    assert set(melding.doelgroepen) == {"ouderen", "iedereen"}
    assert melding.contact_email == "els@voorbeeld.nl"
    # Not on any page until approved.
    assert "Koffie bij Els" not in set(load_active(store).initiatieven_bron["naam"])
    # Another report starts from an empty form.
    at.button(key="melden_opnieuw").click().run()
    assert at.text_input(key="melden_naam").value == ""
    assert at.selectbox(key="melden_buurtcode").value is None


# Each case breaks one field; the message wijkdata.meldingen gives for it must stand right
# under that field, and nothing is stored.
# (Texts longer than MAX_LENGTE cannot be typed: every field has it as its max_chars, see
# test_every_text_field_is_capped_at_its_maximum.)
FOUTEN = [
    ("naam", {"naam": ""}),
    ("naam", {"naam": "   "}),
    ("buurtcode", {"buurt": None}),
    ("contact_email", {"contact_email": "els.voorbeeld.nl"}),
    ("contact_email", {"contact_email": "els@voorbeeld"}),
    ("contact_telefoon", {"contact_telefoon": "bel me"}),
    ("contact_telefoon", {"contact_telefoon": "06 12"}),
]


@pytest.mark.parametrize("veld, kapot", FOUTEN, ids=[f"{v}-{i}" for i, (v, _) in
                                                     enumerate(FOUTEN)])
def test_every_validation_message_stands_next_to_its_field(store, veld, kapot):
    goed = {"naam": "Koffie bij Els", "buurt": BUURT}
    invoer = {**goed, **kapot}
    at = start_melden()
    formulier(at, **{k: v for k, v in invoer.items() if v is not None})
    versturen(at)
    verwacht = meldingen.controleer(Invoer(
        naam=invoer["naam"], omschrijving=invoer.get("omschrijving", ""),
        frequentie=invoer.get("frequentie", ""), sinds=invoer.get("sinds", ""),
        buurtcode=invoer.get("buurt") or "", contact_naam=invoer.get("contact_naam", ""),
        contact_email=invoer.get("contact_email", ""),
        contact_telefoon=invoer.get("contact_telefoon", "")))
    assert list(verwacht) == [veld]
    widget = "melden_buurtcode" if veld == "buurtcode" else f"melden_{veld}"
    assert fout_na(at, widget) == verwacht[veld]
    # Only that field has a message; the rest of the form is left alone.
    for other in ("melden_naam", "melden_buurtcode", "melden_contact_email"):
        if other != widget:
            assert fout_na(at, other) is None
    assert "Uw melding is nog niet verstuurd. Kijk hierboven bij: " in texts(at)
    assert not bedankt(at)
    assert Meldingen(store).lijst(None).empty


def test_an_empty_form_names_the_questions_at_the_button(store):
    at = versturen(start_melden())
    assert fout_na(at, "melden_naam") == "Vul de naam van het initiatief in."
    assert fout_na(at, "melden_buurtcode") == "Kies de buurt waar het initiatief is."
    # On a phone the fields are out of sight when Versturen is tapped: the last message
    # names the questions.
    assert unescape(at.error[-1].value) == ("Uw melding is nog niet verstuurd. Kijk "
                                            "hierboven bij: Naam van het initiatief, Waar?")
    assert Meldingen(store).lijst(None).empty
    # A field put right loses its message at once, before the next Versturen.
    formulier(at, buurt=BUURT)
    assert fout_na(at, "melden_buurtcode") is None
    assert fout_na(at, "melden_naam") == "Vul de naam van het initiatief in."
    # ... and from the summary at the button; with all put right, the summary is gone.
    assert unescape(at.error[-1].value) == ("Uw melding is nog niet verstuurd. Kijk "
                                            "hierboven bij: Naam van het initiatief")
    formulier(at, naam="Koffie op de hoek").run()
    assert not at.error


def test_every_text_field_is_capped_at_its_maximum(store):
    at = start_melden()
    for veld in ("naam", "frequentie", "sinds", "contact_naam", "contact_email",
                 "contact_telefoon"):
        assert at.text_input(key=f"melden_{veld}").proto.max_chars == \
            meldingen.MAX_LENGTE[veld]
    assert at.text_area(key="melden_omschrijving").proto.max_chars == \
        meldingen.MAX_LENGTE["omschrijving"]


def test_a_spot_outside_the_netherlands_is_refused_next_to_the_map(store):
    at = start_melden()
    formulier(at, naam="Koffie bij Els", buurt=BUURT)
    # What a click on the map leaves behind (the browser test clicks for real).
    at.session_state["_melden_plek"] = (BUURT, 48.85, 2.35)
    versturen(at)
    assert fout_na(at, "plotly_chart") == meldingen.controleer(
        Invoer(naam="x", buurtcode=BUURT, lat=48.85, lon=2.35))["lat"]
    assert Meldingen(store).lijst(None).empty


def test_at_someone_s_home_only_the_buurt_is_stored(store):
    at = start_melden()
    formulier(at, naam="Lief en leed", buurt=BUURT)
    at.session_state["_melden_plek"] = (BUURT, 52.1, 5.1)
    at.run()
    assert at.get("plotly_chart")
    formulier(at, thuis=True)
    assert not at.get("plotly_chart")          # no map to click a home on
    versturen(at)
    melding = Meldingen(store).melding(int(Meldingen(store).lijst()["id"].iloc[0]))
    assert melding.locatie_verborgen and melding.lat is None and melding.lon is None


def test_the_honeypot_stores_nothing_but_thanks(store):
    at = start_melden()
    formulier(at, naam="Goedkope horloges", buurt=BUURT, website="http://spam.example")
    versturen(at)
    assert bedankt(at)
    assert Meldingen(store).lijst(None).empty


def test_the_rate_limit_says_when_to_try_again(store, monkeypatch):
    monkeypatch.setenv("WIJKDATA_MELDINGEN_PER_SESSIE_PER_UUR", "2")
    at = start_melden()
    for naam in ("Eerste", "Tweede"):
        formulier(at, naam=naam, buurt=BUURT)
        versturen(at)
        assert bedankt(at)
        at.button(key="melden_opnieuw").click().run()
    formulier(at, naam="Derde", buurt=BUURT)
    versturen(at)
    assert not bedankt(at)
    boodschap = unescape(at.error[-1].value)
    assert "afgelopen uur" in boodschap and "opnieuw" in boodschap
    assert Meldingen(store).lijst()["naam"].tolist() == ["Eerste", "Tweede"]
    # The form keeps what was typed, so nothing is lost while waiting.
    assert at.text_input(key="melden_naam").value == "Derde"


def test_every_page_links_to_the_form(store):
    at = apptest.start()
    assert any(link.label == "Meld een initiatief" for link in at.sidebar.get("page_link"))
    at.switch_page(MELDEN).run()
    assert not at.exception and at.text_input(key="melden_naam")


# --- moderation -----------------------------------------------------------------------------

def meld(store: Store, naam: str, buurtcode: str = BUURT, **velden) -> int:
    invoer = Invoer(naam=naam, buurtcode=buurtcode, **velden)
    melding_id = Meldingen(store).indienen(invoer, sessie=f"test-{naam}")
    assert melding_id is not None
    return melding_id


def start_data(store) -> AppTest:
    at = apptest.start(DATA)
    assert not at.exception, at.exception
    return at


def tab(at: AppTest, prefix: str):
    return next(t for t in at.tabs if t.label.startswith(prefix))


def test_tab_counts_new_reports_and_shows_answers_contact_and_duplicates(store):
    meld(store, BESTAAND, activiteit="ontmoeting", contact_telefoon="06 12345678",
         omschrijving="<b>vet</b> [link](http://x.nl)")
    meld(store, "Moestuin", contact_email="jan@voorbeeld.nl")
    at = start_data(store)
    meldingen_tab = tab(at, "Meldingen")
    assert meldingen_tab.label == "Meldingen (2 nieuw)"
    shown = "\n".join(t.value for t in meldingen_tab.text)
    # Shown literally, contact details included (for the analyst only).
    assert "<b>vet</b> [link](http://x.nl)" in shown and "06 12345678" in shown
    dubbelen = [d.value for d in meldingen_tab.dataframe if "gelijkenis" in d.value.columns]
    assert dubbelen and BESTAAND in set(dubbelen[0]["naam"])
    assert meldingen_tab.get("plotly_chart")


def test_approve_with_an_edit_puts_the_initiative_on_the_map(store):
    melding_id = meld(store, "Koffie bij Els", contact_email="els@voorbeeld.nl")
    at = start_data(store)
    at.text_input(key=f"melding_{melding_id}_naam").input("Koffietafel Els").run()
    at.button(key=f"melding_{melding_id}_goedkeuren").click().run()
    assert not at.exception, at.exception
    assert any("Goedgekeurd" in s.value for s in at.success)
    melding = Meldingen(store).melding(melding_id)
    assert melding.status == "goedgekeurd" and melding.contact_email == ""
    data = load_active(store)
    rij = data.initiatieven_bron[data.initiatieven_bron["naam"] == "Koffietafel Els"]
    assert len(rij) == 1 and rij["bron"].iloc[0] == meldingen.BRON_MELDING
    assert tab(at, "Meldingen").label == "Meldingen"
    # The app's cached data follows (keyed on the store's state): the Initiatieven page
    # lists it at once.
    at.switch_page("pages/initiatieven.py").run()
    assert "Koffietafel Els" in set(at.dataframe[0].value["Naam"] if "Naam" in
                                    at.dataframe[0].value else at.dataframe[0].value["naam"])


def test_approve_without_edits(store):
    melding_id = meld(store, "Buurtbarbecue", activiteit="feest")
    at = start_data(store)
    at.button(key=f"melding_{melding_id}_goedkeuren").click().run()
    assert not at.exception, at.exception
    assert Meldingen(store).melding(melding_id).status == "goedgekeurd"
    assert "Buurtbarbecue" in set(load_active(store).initiatieven_bron["naam"])


def test_merge_with_a_listed_duplicate_confirms_it_today(store):
    melding_id = meld(store, BESTAAND, contact_naam="Els")
    at = start_data(store)
    at.button(key=f"melding_{melding_id}_samenvoegen").click().run()
    assert "Weet u zeker" in texts(at)
    at.button(key=f"melding_{melding_id}_samen_vraag_ja").click().run()
    assert not at.exception, at.exception
    assert any("Samengevoegd" in s.value for s in at.success)
    melding = Meldingen(store).melding(melding_id)
    assert melding.status == "samengevoegd" and melding.contact_naam == ""
    initiatieven = load_active(store).initiatieven_bron
    # No second initiative: the list's own row counts as confirmed.
    assert (initiatieven["naam"] == BESTAAND).sum() == 1


def test_reject_needs_a_reason(store):
    melding_id = meld(store, "Reclame", contact_telefoon="0612345678")
    at = start_data(store)
    at.button(key=f"melding_{melding_id}_afwijzen").click().run()
    assert "waarom" in unescape(" ".join(e.value for e in at.error))
    assert Meldingen(store).melding(melding_id).status == "nieuw"
    at.text_input(key=f"melding_{melding_id}_reden").input("Een winkel, geen initiatief")
    at.button(key=f"melding_{melding_id}_afwijzen").click().run()
    assert not at.exception, at.exception
    melding = Meldingen(store).melding(melding_id)
    assert melding.status == "afgewezen" and melding.contact_telefoon == ""
    assert melding.reden == "Een winkel, geen initiatief"
    assert "Reclame" not in set(load_active(store).initiatieven_bron["naam"])
    acties = Meldingen(store).acties(melding_id)
    assert acties["actie"].iloc[-1] and acties["wie"].iloc[-1]


def test_a_report_handled_elsewhere_meanwhile_is_no_longer_offered(store):
    melding_id = meld(store, "Dubbel klikken")
    at = start_data(store)
    Meldingen(store).afwijzen(melding_id, reden="al gedaan", door="collega")
    at.button(key=f"melding_{melding_id}_goedkeuren").click().run()
    assert not at.exception, at.exception
    assert "Er zijn geen nieuwe meldingen" in texts(at)
    assert Meldingen(store).melding(melding_id).status == "afgewezen"
    assert "Dubbel klikken" not in set(load_active(store).initiatieven_bron["naam"])


def test_names_in_the_merge_choice_are_shown_literally(store):
    from tests.factory import make_frames
    _, _, initiatieven = make_frames()
    vijandig = "**Vet** [klik](http://e.nl) <b>x</b>"
    rij = initiatieven[initiatieven["naam"] == BESTAAND].assign(naam=vijandig)
    store.publish("initiatieven", "tweede lijst", rij, source_filename="t.csv", checksum="1",
                  created_by="test")
    melding_id = meld(store, vijandig)
    at = start_data(store)
    keuze = at.radio(key=f"melding_{melding_id}_samen")
    shown = [unescape(o) for o in keuze.options]
    assert f"{vijandig} (lijst tweede lijst)" in shown
    assert all(o != unescape(o) for o in keuze.options if "Vet" in o)   # escaped
