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
