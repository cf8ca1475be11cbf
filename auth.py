"""Who may do what.

Without sign-in configured — no ``[auth]`` section in ``.streamlit/secrets.toml``, the local
default, with the app listening on 127.0.0.1 only — the person at the machine may do
everything, the Data page included.

With sign-in configured (``[auth]``, OpenID Connect through ``st.login``) a visitor signs in
before seeing anything; everyone signed in may view; only analysts see the Data page and may
publish, roll back or delete. Analysts are listed in the secrets::

    [wijkdata]
    analisten = ["a.jansen@gemeente.nl", "@onderzoek.gemeente.nl"]

An entry is a whole e-mail address, or ``@`` plus a domain: every address of exactly that
domain (not its subdomains). Case is ignored. A missing or empty list means nobody may
publish — sign-in switched on without naming analysts locks the Data page, never opens it.
``[wijkdata] provider = "..."`` names the ``[auth.<provider>]`` section to sign in with when
there are several.

``[wijkdata] melden_zonder_inloggen = true`` opens one page to visitors who are not signed
in: *Meld een initiatief* (residents report from their phone without an account). Every
other page stays behind sign-in; app.py passes that page to :func:`require_sign_in`.
"""
from __future__ import annotations

import contextlib
import getpass
import importlib.util
from collections.abc import Callable, Sequence

import streamlit as st

from wijkdata import instellingen as settings
from wijkdata.escaping import escape_markdown


def _secrets_section(name: str):
    try:
        return st.secrets.get(name) if name in st.secrets else None
    except FileNotFoundError:      # no secrets.toml at all (StreamlitSecretNotFoundError)
        return None


def instellingen() -> dict:
    """The ``[wijkdata]`` section of the secrets as a plain dict (empty when there is none);
    pass it to :func:`wijkdata.instellingen.waarde`."""
    section = _secrets_section("wijkdata")
    return dict(section) if hasattr(section, "keys") else {}


def sign_in_configured() -> bool:
    return _secrets_section("auth") is not None


def melden_zonder_inloggen() -> bool:
    """Whether visitors who are not signed in may open the page *Meld een initiatief*
    (``melden_zonder_inloggen``: environment first, then ``[wijkdata]``; default no)."""
    return settings.aan("melden_zonder_inloggen", instellingen())


def analisten() -> list[str]:
    """The analyst entries from the secrets (addresses and @domains), lower case."""
    section = _secrets_section("wijkdata") or {}
    entries = section.get("analisten", []) if hasattr(section, "get") else []
    if isinstance(entries, str):
        entries = [entries]
    return [str(e).strip().lower() for e in entries if str(e).strip()]


def matches(email: str | None, entries: list[str]) -> bool:
    """True when ``email`` is one of ``entries`` or has a domain listed as ``@domain``.

    >>> matches("A.Jansen@Gemeente.nl", ["@gemeente.nl"])
    True
    >>> matches("x@nepgemeente.nl", ["@gemeente.nl"])
    False
    """
    email = (email or "").strip().lower()
    if email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
        return False
    domain = "@" + email.split("@", 1)[1]
    return any(entry == email or (entry.startswith("@") and entry == domain)
               for entry in entries)


def is_logged_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def email() -> str | None:
    value = st.user.get("email") if is_logged_in() else None
    return str(value) if value else None


def may_view() -> bool:
    """Without sign-in configured everyone may view; with it, everyone signed in."""
    return not sign_in_configured() or is_logged_in()


def is_analyst() -> bool:
    """May upload, publish, roll back and delete datasets."""
    if not sign_in_configured():
        return True
    return is_logged_in() and matches(email(), analisten())


def user_label() -> str:
    """Who published a version: the e-mail address when signed in, else the computer's
    user name (the local default)."""
    if sign_in_configured():
        return email() or ""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _login() -> None:
    section = _secrets_section("wijkdata") or {}
    provider = section.get("provider") if hasattr(section, "get") else None
    if provider:
        st.login(provider)
    else:
        st.login()


def require_sign_in(open_pages: Sequence = (),
                    guard: Callable[[], contextlib.AbstractContextManager] | None = None,
                    ) -> None:
    """In app.py, before anything is shown: with sign-in configured, a visitor who is not
    signed in sees only an explanation and a sign-in button; a signed-in user gets a
    sign-out button in the sidebar.

    ``open_pages`` (st.Page objects) are opened to visitors who are not signed in as well,
    when :func:`melden_zonder_inloggen` allows it; ``guard`` (a context manager factory, e.g.
    ui.fouten_opvangen) is put around their run, so a failure there reads as anywhere else.
    """
    if not sign_in_configured():
        return
    if is_logged_in():
        with st.sidebar:
            st.caption("Ingelogd als " + escape_markdown(email() or "onbekend"))
            st.button("Uitloggen", on_click=st.logout, key="auth_logout",
                      icon=":material/logout:")
        return
    open_pages = list(open_pages) if melden_zonder_inloggen() else []
    # Through st.navigation, with the sign-in page (and only the open pages) as the pages:
    # a typed URL of another page then lands on the sign-in page, and Streamlit never falls
    # back to listing the pages/ folder.
    sign_in = st.Page(_sign_in_page(open_pages), title="Inloggen", icon=":material/login:",
                      url_path="inloggen", default=True)
    navigation = st.navigation([sign_in, *open_pages], position="hidden")
    if open_pages:
        with st.sidebar:
            st.markdown("### Kleine wij's")
            for open_page in open_pages:
                st.page_link(open_page)
            st.page_link(sign_in, label="Inloggen voor het dashboard")
    with guard() if guard and open_pages else contextlib.nullcontext():
        navigation.run()
    st.stop()


def _sign_in_page(open_pages: Sequence = ()) -> Callable[[], None]:
    def sign_in_page() -> None:
        st.title("Kleine wij's")
        st.write("Log in om het dashboard te bekijken. Gebruik het account van uw "
                 "organisatie.")
        if importlib.util.find_spec("authlib") is None:
            st.error("Inloggen is ingesteld, maar het programma mist het onderdeel Authlib. "
                     "Vraag de beheerder om `pip install Authlib` uit te voeren.")
        else:
            st.button("Inloggen", on_click=_login, type="primary", icon=":material/login:",
                      key="auth_login")
        if open_pages:
            st.write("Zonder in te loggen kunt u wel dit doen:")
        for open_page in open_pages:
            st.page_link(open_page)
    return sign_in_page


def refuse_unless_analyst() -> None:
    """At the top of the Data page (a URL can be typed) and before every change."""
    if not is_analyst():
        st.error("Deze pagina is alleen voor analisten. Vraag de beheerder om uw "
                 "e-mailadres toe te voegen als u gegevens moet kunnen inlezen.",
                 icon=":material/lock:")
        st.stop()
