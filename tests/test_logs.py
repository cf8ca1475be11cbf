"""wijkdata.logs: logging configured once, the level from KLEINE_WIJS_LOG, one line format."""
import logging
import re

import pytest

from wijkdata import logs


@pytest.fixture
def clean_logging():
    """Leave the root logger and the project's loggers as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name in logs.OWN_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)


def ours(root):
    return [h for h in root.handlers if getattr(h, logs._MARK, False)]


def test_configured_once_however_often_it_is_called(clean_logging, monkeypatch):
    monkeypatch.delenv(logs.ENV, raising=False)
    for handler in ours(clean_logging):         # a test before may have configured it
        clean_logging.removeHandler(handler)
    first = logs.configure()
    for _ in range(3):                          # app.py runs again on every interaction
        assert logs.configure() is first
    assert ours(clean_logging) == [first]


@pytest.mark.parametrize("setting, level", [
    (None, logging.INFO), ("", logging.INFO), ("warning", logging.WARNING),
    ("DEBUG", logging.DEBUG), (" error ", logging.ERROR), ("25", 25),
    ("luid", logging.INFO),                     # names no level: the default
])
def test_the_level_comes_from_the_environment(clean_logging, monkeypatch, setting, level):
    if setting is None:
        monkeypatch.delenv(logs.ENV, raising=False)
    else:
        monkeypatch.setenv(logs.ENV, setting)
    assert logs.level_from_env() == level
    logs.configure()
    assert logging.getLogger("wijkdata.upload").getEffectiveLevel() == level
    assert logging.getLogger("ui").getEffectiveLevel() == level


def test_other_libraries_log_only_warnings(clean_logging, monkeypatch):
    monkeypatch.setenv(logs.ENV, "DEBUG")
    logs.configure()
    assert logging.getLogger("kaleido").getEffectiveLevel() == logging.WARNING


def test_a_line_has_time_level_and_logger(clean_logging, monkeypatch):
    handler = logs.configure()
    record = logging.LogRecord("wijkdata.export.images", logging.ERROR, __file__, 1,
                               "PNG: %s", ("mislukt",), None)
    line = handler.format(record)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR "
                        r"wijkdata\.export\.images: PNG: mislukt", line), line
