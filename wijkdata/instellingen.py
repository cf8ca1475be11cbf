"""Settings that an administrator may change without touching code.

A setting is read from the environment variable ``WIJKDATA_<NAME>`` (upper case) first, so a
scheduled job or a test can point it elsewhere, then from the ``[wijkdata]`` section of
``.streamlit/secrets.toml`` (the app passes that section in; wijkdata never imports Streamlit),
then the default. An empty value counts as not set.
"""
from __future__ import annotations

import os
from collections.abc import Mapping


def waarde(naam: str, secrets: Mapping | None = None, default: str | None = None) -> str | None:
    """The setting ``naam`` (e.g. ``"pdok_url"``) as text, or ``default`` when not set."""
    env = os.environ.get(f"WIJKDATA_{naam.upper()}", "").strip()
    if env:
        return env
    if secrets is not None and hasattr(secrets, "get"):
        found = secrets.get(naam)
        if found is not None and str(found).strip():
            return str(found).strip()
    return default


def getal(naam: str, secrets: Mapping | None = None, default: float = 0.0) -> float:
    """A numeric setting; a value that is not a number falls back to ``default``."""
    text = waarde(naam, secrets)
    if text is None:
        return default
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return default


def aan(naam: str, secrets: Mapping | None = None, default: bool = False) -> bool:
    """A yes/no setting: true/ja/1/aan count as yes, false/nee/0/uit as no."""
    text = waarde(naam, secrets)
    if text is None:
        return default
    text = str(text).strip().lower()
    if text in ("true", "ja", "1", "aan", "yes"):
        return True
    if text in ("false", "nee", "0", "uit", "no"):
        return False
    return default
