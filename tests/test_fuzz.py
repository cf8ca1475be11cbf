"""Corrupt files end in a Dutch WijkdataError or are read: never another exception, never a
hang, never a memory blow-up. A seeded sample of ``scripts/fuzz_readers.py`` (the full run
is ``python scripts/fuzz_readers.py --seed 1 --count 5000``)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

import wijkdata.readers
from wijkdata.errors import WijkdataError

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "fuzz_readers.py"
SAMPLE_SEED = 7
SAMPLE_COUNT = 510          # 85 files per format


def _load_fuzzer():
    if "fuzz_readers" in sys.modules:
        return sys.modules["fuzz_readers"]
    spec = importlib.util.spec_from_file_location("fuzz_readers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_readers"] = module        # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzzer()


def test_a_seeded_sample_of_corrupt_files_gives_only_dutch_errors():
    # Failing files are kept where a developer finds them after the run (the folder is
    # ignored by git); each has a .txt with the traceback and the repro command.
    out = ROOT / "artifacts" / "fuzz-test"
    shutil.rmtree(out, ignore_errors=True)
    summary = fuzz.run(seed=SAMPLE_SEED, count=SAMPLE_COUNT, jobs=2, out=out, small=True)
    report = summary.report()
    print(report)
    assert summary.files == SAMPLE_COUNT
    assert all(summary.per_format[fmt] == SAMPLE_COUNT // len(fuzz.FORMATS)
               for fmt in fuzz.FORMATS), report
    # Each format is really exercised: some files still read, some are refused.
    for fmt in fuzz.FORMATS:
        counts = summary.outcome_by_format[fmt]
        assert counts["ok"] > 0 and counts["wijkdata"] > 0, f"{fmt}: {dict(counts)}"
    failed = {key: info["file"] for key, info in summary.distinct.items()}
    assert summary.outcomes["other"] == 0, f"other exceptions: {failed}\n{report}"
    assert summary.outcomes["timeout"] == 0, f"over {fuzz.TIMEOUT_SECONDS:g} s: {failed}"
    assert summary.outcomes["memory"] == 0, f"memory: {failed}\n{report}"
    assert summary.outcomes["crash"] == 0, f"crashed workers: {failed}\n{report}"


def test_the_same_seed_gives_the_same_files_and_the_files_differ():
    seeds = fuzz.build_seeds(small=True)
    first = [fuzz.make_file(3, i, seeds) for i in range(60)]
    again = [fuzz.make_file(3, i, seeds) for i in range(60)]
    assert [f.data for f in first] == [f.data for f in again]
    assert len({f.data for f in first}) == 60
    assert all(f.data != f.seed.data for f in first[:30] if f.seed.data)


# The harness itself must be able to fail: a reader that hangs, raises, eats memory or kills
# its process is classified as such. The reader is replaced in the parent before the path's
# process forks; that process runs the replacement as it runs the real reader.

def _hangs(data, filename, **_):
    time.sleep(60)


def _raises(data, filename, **_):
    return {}["geen sleutel"]


def _refuses(data, filename, **_):
    raise WijkdataError(f"Het bestand '{filename}' is beschadigd.")


def _eats_memory(data, filename, **_):
    blocks = []
    while True:
        blocks.append(bytearray(16 * 1024**2))


def _dies(data, filename, **_):
    os.abort()


@pytest.mark.parametrize("reader, outcome, kind", [
    (_refuses, "wijkdata", "WijkdataError"),
    (_raises, "other", "KeyError"),
    (_hangs, "timeout", "TIMEOUT"),
    (_eats_memory, "memory", ("MemoryError", "MEMORY")),
    (_dies, "crash", "CRASH"),
])
def test_the_harness_tells_each_outcome_apart(monkeypatch, reader, outcome, kind):
    # Short enough for the hang to be cut quickly, long enough on a busy machine for the
    # other readers to end by themselves (touching 200 MB can take seconds there).
    monkeypatch.setattr(fuzz, "TIMEOUT_SECONDS", 2.0 if reader is _hangs else 30.0)
    monkeypatch.setattr(wijkdata.readers, "read_file", reader)
    seed = fuzz.Seed("lijst.csv", "csv", b"naam;buurtcode\nKoffie;BU00340101\n")
    files = [fuzz.FuzzFile(0, seed, seed.data, ("none",))]
    [(_, results)] = list(fuzz.run_files(files, jobs=2, memory_limit=200 * 1024**2))
    by_path = {r["path"]: r for r in results}
    first = by_path["read_file"]
    assert first["outcome"] == outcome, first
    assert first["type"] in (kind if isinstance(kind, tuple) else (kind,)), first
    assert fuzz.worst(results) == outcome
    if outcome == "other":
        assert "_raises" in first["deepest"] and "KeyError" in first["traceback"], first
    if outcome == "timeout":
        assert "_hangs" in first["traceback"], first      # the stack of the hanging process
    # The other path runs in its own process, with the real check, on this valid file.
    assert by_path["data_page"]["outcome"] == "ok", by_path["data_page"]
