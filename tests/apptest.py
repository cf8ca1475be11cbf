"""Running the app through AppTest the way the server does: from app.py, then a page."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def url_of(folder: Path) -> str:
    """The SQLite store the app uses when WIJKDATA_DATA_DIR is ``folder``."""
    return f"sqlite:///{folder / 'wijkdata.sqlite'}"


def start(page: str | None = None, *, secrets: dict | None = None, user: dict | None = None,
          tegels: dict[str, bool] | None = None, **query: str) -> AppTest:
    """Run app.py (with URL parameters, secrets and a signed-in user), then switch page.

    ``tegels`` stands in for the browser's answer to the base-map tile test
    ({tile URL template: fetched}); AppTest has no browser, so without it no map gets a
    base map."""
    import ui
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if tegels is not None:
        at.session_state[ui.TEGELTEST] = dict(tegels)
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


# --- every text a user can read, for the "no nan/None on screen" walks -------------------

# Text that means a missing value leaked to the screen. Word boundaries: "Nanny" or "nonet"
# are fine; case matters ("none" is CSS and plotly, never shown).
LEAKED = re.compile(r"\b(nan|NaN|None|null|NaT)\b")
# Proto fields people read (labels, bodies, options, help texts, placeholders, captions).
_READ_FIELDS = {"label", "body", "help", "options", "placeholder", "caption", "text",
                "delta"}


def _proto_texts(message) -> list[str]:
    out: list[str] = []
    for field, value in message.ListFields():
        if field.name in ("arrow_data", "spec", "data"):
            continue
        if field.type == field.TYPE_MESSAGE:
            items = value if field.is_repeated else [value]
            for item in items:
                if hasattr(item, "ListFields"):
                    out += _proto_texts(item)
        elif field.name in _READ_FIELDS:
            items = value if field.is_repeated else [value]
            out += [v for v in items if isinstance(v, str)]
    return out


def _html_text(body: str) -> str:
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", body)


def _spec_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("bdata", "dtype")
                for s in _spec_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _spec_strings(v)]
    return []


def _dataframe_texts(proto) -> list[str]:
    """The cells of an st.dataframe as the browser draws them: a missing cell as the
    table's placeholder, or "None" without one (a Styler format never reaches a missing
    cell); any other cell as its Styler display value, or as written."""
    import pyarrow as pa
    arrow = proto.arrow_data
    raw = pa.ipc.open_stream(arrow.data).read_all().to_pandas()
    shown = None
    if arrow.HasField("styler") and arrow.styler.display_values:
        shown = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()
    placeholder = proto.placeholder if proto.HasField("placeholder") else "None"
    out = []
    for i in range(len(raw)):
        for j in range(raw.shape[1]):
            value = raw.iat[i, j]
            missing = value is None or value is pd.NA or (
                isinstance(value, float) and value != value)
            if missing:
                out.append(placeholder)
            else:
                out.append(str(shown.iat[i, j]) if shown is not None else str(value))
    return out


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def readable_texts(at: AppTest) -> list[str]:
    """Every text a user can read on the current page, sidebar included: widget labels and
    options as formatted, metric values and help, HTML slides without their tags, table
    cells as shown, and the text inside charts (hover labels, titles, legends)."""
    import json
    out: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        kind = type(proto).__name__
        if kind == "Html":
            out.append(_html_text(proto.body))
        elif kind == "Dataframe" or kind == "Arrow":
            out += _dataframe_texts(proto)
        elif kind == "PlotlyChart":
            out += _spec_strings(json.loads(proto.spec))
        else:
            out += _proto_texts(proto)
    return out


def leaked(at: AppTest) -> list[str]:
    """The readable texts that show a missing value as 'nan', 'None', 'null', 'NaT'."""
    return [t for t in readable_texts(at) if LEAKED.search(t)]
