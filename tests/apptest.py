"""Running the app through AppTest the way the server does: from app.py, then a page."""
from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def url_of(folder: Path) -> str:
    """The SQLite store the app uses when WIJKDATA_DATA_DIR is ``folder``."""
    return f"sqlite:///{folder / 'wijkdata.sqlite'}"


def start(page: str | None = None, *, secrets: dict | None = None, user: dict | None = None,
          **query: str) -> AppTest:
    """Run app.py (with URL parameters, secrets and a signed-in user), then switch page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def unescape(text: str) -> str:
    """Markdown as the reader sees it: uploaded text is escaped with backslashes."""
    return re.sub(r"\\(.)", r"\1", text)


def texts(at: AppTest) -> str:
    """All text a user reads on the page, in one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [s.value for s in at.success]
    parts += [t.value for t in at.title] + [s.value for s in at.subheader]
    return unescape("\n".join(str(p) for p in parts))
