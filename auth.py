"""Who may do what. Without sign-in configured (the local default, the app listening on
127.0.0.1 only) the person at the machine may do everything."""
from __future__ import annotations

import streamlit as st


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def is_analyst() -> bool:
    """May upload, publish, roll back and delete datasets."""
    return not sign_in_configured()
