"""Logging, configured once for the app and the command line.

:func:`configure` sends the log to standard error (the server's log, or a scheduled job's
output), one line per message with time, level and logger. ``KLEINE_WIJS_LOG`` sets the level
of the project's own loggers (``wijkdata.*`` and the app's modules ``app``, ``ui``, ``auth``,
``pages``); default ``INFO``. Other libraries log warnings and worse only, so a busy server's
log stays about this app.

Streamlit reruns ``app.py`` on every interaction, so :func:`configure` may be called any
number of times: it adds its handler once.
"""
from __future__ import annotations

import logging
import os
import sys

ENV = "KLEINE_WIJS_LOG"
DEFAULT_LEVEL = "INFO"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The loggers of this project: logging.getLogger(__name__) in its modules.
OWN_LOGGERS = ("wijkdata", "app", "ui", "auth", "pages", "__main__")

_MARK = "_kleine_wijs_handler"


def level_from_env() -> int:
    """The level named by ``KLEINE_WIJS_LOG`` (DEBUG, INFO, WARNING, ERROR or a number);
    INFO when it is not set or names no level."""
    name = os.environ.get(ENV, "").strip().upper() or DEFAULT_LEVEL
    if name.isdigit():
        return int(name)
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


def configure() -> logging.Handler:
    """Set up logging once (later calls only re-read the level); returns the handler."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _MARK, False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        setattr(handler, _MARK, True)
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.WARNING:
            root.setLevel(logging.WARNING)
    level = level_from_env()
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    return handler
