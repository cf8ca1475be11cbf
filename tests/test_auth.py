"""auth: who may view and who may publish, with and without sign-in configured."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import auth

SIGN_IN = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                    "cookie_secret": "test", "client_id": "x", "client_secret": "y",
                    "server_metadata_url": "https://login.example/.well-known/openid-configuration"}}


@pytest.mark.parametrize("email, entries, expected", [
    ("a.jansen@gemeente.nl", ["a.jansen@gemeente.nl"], True),
    ("A.Jansen@Gemeente.NL", ["a.jansen@gemeente.nl"], True),
    ("b@gemeente.nl", ["@gemeente.nl"], True),
    ("b@nepgemeente.nl", ["@gemeente.nl"], False),          # a suffix is not the domain
    ("b@sub.gemeente.nl", ["@gemeente.nl"], False),         # nor a subdomain
    ("b@gemeente.nl.evil.example", ["@gemeente.nl"], False),
    ("a.jansen@gemeente.nl", ["b@gemeente.nl"], False),
    ("", ["@gemeente.nl"], False),
    (None, ["@gemeente.nl"], False),
    ("@gemeente.nl", ["@gemeente.nl"], False),               # not an address
    ("a@b@gemeente.nl", ["@gemeente.nl"], False),
    ("a@gemeente.nl", [], False),
])
def test_matches(email, entries, expected):
    assert auth.matches(email, entries) is expected


def _probe():
    import streamlit as st

    import auth
    st.text(f"{auth.sign_in_configured()}|{auth.may_view()}|{auth.is_analyst()}|"
            f"{auth.user_label()}|{','.join(auth.analisten())}")


def probe(secrets=None, user=None) -> list[str]:
    at = AppTest.from_function(_probe)
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at.text[0].value.split("|")


def test_without_sign_in_everyone_at_the_machine_is_analyst():
    configured, view, analyst, label, _ = probe()
    assert (configured, view, analyst) == ("False", "True", "True")
    assert label            # the computer's user name


@pytest.mark.parametrize("user, analisten, expected", [
    ({"is_logged_in": False}, ["@gemeente.nl"], ("False", "False")),
    ({"email": "a@gemeente.nl"}, ["@gemeente.nl"], ("False", "False")),   # no login flag
    ({"is_logged_in": True, "email": "a@gemeente.nl"}, ["@gemeente.nl"], ("True", "True")),
    ({"is_logged_in": True, "email": "a@GEMEENTE.nl"}, ["A@gemeente.nl"], ("True", "True")),
    ({"is_logged_in": True, "email": "b@elders.nl"}, ["@gemeente.nl"], ("True", "False")),
    ({"is_logged_in": True, "email": "a@gemeente.nl"}, [], ("True", "False")),
    ({"is_logged_in": True, "email": "a@gemeente.nl"}, None, ("True", "False")),
])
def test_with_sign_in_only_listed_analysts_may_publish(user, analisten, expected):
    secrets = dict(SIGN_IN)
    if analisten is not None:
        secrets["wijkdata"] = {"analisten": analisten}
    configured, view, analyst, label, _ = probe(secrets, user)
    assert configured == "True"
    assert (view, analyst) == expected
    if expected[0] == "True":
        assert label == user["email"]


def test_a_single_string_is_accepted_as_list():
    *_, entries = probe({**SIGN_IN, "wijkdata": {"analisten": " @Gemeente.nl "}},
                        {"is_logged_in": True, "email": "x@gemeente.nl"})
    assert entries == "@gemeente.nl"


# --- melden_zonder_inloggen: one page open without signing in ----------------------------

def _anoniem(store_dir, page: str | None, *, open_melden: bool | None):
    from tests import apptest
    secrets = {**SIGN_IN}
    if open_melden is not None:
        secrets["wijkdata"] = {"melden_zonder_inloggen": open_melden}
    at = apptest.start(None, secrets=secrets, user={"is_logged_in": False})
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def _toont_formulier(at) -> bool:
    return any(w.key == "melden_naam" for w in at.text_input)


def _toont_inloggen(at) -> bool:
    return any(b.key == "auth_login" for b in at.button)


@pytest.mark.parametrize("open_melden", [True, "ja"])
def test_the_report_form_opens_without_sign_in_when_the_setting_says_so(store_dir,
                                                                         open_melden):
    at = _anoniem(store_dir, None, open_melden=open_melden)
    # The start is the sign-in page, with a way to the form.
    assert _toont_inloggen(at) and not _toont_formulier(at)
    assert any(link.label == "Meld een initiatief" for link in at.get("page_link"))
    at.switch_page("pages/melden.py").run()
    assert not at.exception, at.exception
    assert _toont_formulier(at) and not _toont_inloggen(at)


def _pagina_namen(at) -> list[str]:
    # The pages st.navigation registered in the last run (AppTest keeps them to resolve
    # switch_page; there is no public accessor in 1.67).
    return [info.get("page_name") for info in at._registered_pages.values()]


@pytest.mark.parametrize("page", ["pages/kaart.py", "pages/initiatieven.py",
                                  "pages/data.py", "pages/overzicht.py"])
def test_every_other_page_stays_behind_sign_in(store_dir, page):
    at = _anoniem(store_dir, None, open_melden=True)
    assert _pagina_namen(at) == ["Inloggen", "Meld een initiatief"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)
    assert not at.sidebar.selectbox                       # no data, no choices


@pytest.mark.parametrize("open_melden", [None, False])
def test_without_the_setting_the_form_is_behind_sign_in_too(store_dir, open_melden):
    at = _anoniem(store_dir, None, open_melden=open_melden)
    assert _toont_inloggen(at) and not _toont_formulier(at)
    assert not at.get("page_link") and _pagina_namen(at) == ["Inloggen"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/melden.py")


def test_signed_in_users_reach_the_form_from_the_sidebar(store_dir):
    from tests import apptest
    at = apptest.start(None, secrets={**SIGN_IN, "wijkdata": {"analisten": ["@gemeente.nl"]}},
                       user={"is_logged_in": True, "email": "a@gemeente.nl"})
    assert any(link.label == "Meld een initiatief" for link in at.sidebar.get("page_link"))
    at.switch_page("pages/melden.py").run()
    assert not at.exception and _toont_formulier(at)
