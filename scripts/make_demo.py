"""Regenerate the embedded demo municipality in wijkdata/demo_data/.

Usage: ``python scripts/make_demo.py [folder]`` (default: wijkdata/demo_data). The output is
deterministic; commit the regenerated files together with any change to wijkdata/generators/demo.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wijkdata.generators.demo import DEMO_DIR, write_demo


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEMO_DIR
    for path in write_demo(folder):
        print(f"{path}  ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
