"""The Overzicht says where the chosen gemeente's initiatives come from (lists or reports)
and invites people to report what is missing (issue 12), through AppTest from app.py."""
from __future__ import annotations

from tests.apptest import leaked, start, texts, url_of
from tests.factory import make_frames, publish
from wijkdata.store import Store


def gemeente_box(at):
    return next(box for box in at.sidebar.selectbox if box.label == "Gemeente")


def meldingen_publiceren(url: str) -> None:
    """Two approved reports in GM0001 as wijkdata.meldingen stores them: a dataset of
    initiatives whose rows carry bron 'melding'."""
    _, _, initiatieven = make_frames()
    gemeld = initiatieven.head(2).assign(naam=["Zingende straat", "Koffietafel"],
                                         bron="melding")
    Store(url).publish("initiatieven", "meldingen", gemeld, source_filename="meldingen",
                       checksum="1", created_by="test")


def page_links(at) -> list[tuple[str, str]]:
    """(label, page) of every page link in the main area."""
    return [(el.proto.label, el.proto.page) for el in at.main.get("page_link")]


def test_overzicht_counts_lists_and_reports_for_the_chosen_gemeente(store_dir):
    url = url_of(store_dir)
    publish(url)
    meldingen_publiceren(url)
    at = start()
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("Van de 5 initiatieven komen er 3 uit de lijst van de gemeente en 2 uit "
            "meldingen van bewoners.") in shown
    assert "Mist u een initiatief? Meld het" in shown
    assert {m.label: m.value for m in at.metric}["Initiatieven"] == "5"
    assert ("Meld een initiatief", "melden") in page_links(at)     # the page's url_path
    assert leaked(at) == []
    # All gemeenten together
    gemeente_box(at).set_value("NL01").run()
    assert not at.exception, at.exception
    assert "Van de 5 initiatieven komen er 3" in texts(at)
    # The gemeente without any initiative
    gemeente_box(at).set_value("GM0002").run()
    assert not at.exception, at.exception
    assert "Hier is nog geen initiatief bekend." in texts(at)
    assert "Van de 5 initiatieven" not in texts(at)


def test_overzicht_without_reports_says_so_and_still_invites(store_dir):
    publish(url_of(store_dir))
    at = start()
    assert not at.exception, at.exception
    assert ("Alle 3 initiatieven komen uit de lijst van de gemeente. Er zijn nog geen "
            "meldingen van bewoners.") in texts(at)
    assert ("Meld een initiatief", "melden") in page_links(at)


def test_the_invitation_opens_the_report_form(store_dir):
    publish(url_of(store_dir))
    at = start()
    at.switch_page("pages/melden.py").run()
    assert not at.exception, at.exception
    assert "Meld een initiatief" in texts(at)
