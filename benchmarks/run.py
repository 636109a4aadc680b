"""Runs every benchmarks/compare_*.py and assembles benchmarks/RESULTS.md from their tables.

Run: .venv/bin/python benchmarks/run.py [area ...]   (e.g. `rfm loyalty`; default: all)
Each comparison times custinsight and its peer library side by side in the same process.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["rfm", "loyalty", "sentiment", "satisfaction", "churn", "insight"]


def main(argv: list[str]) -> int:
    scripts = {p.stem.removeprefix("compare_"): p for p in HERE.glob("compare_*.py")}
    areas = argv or sorted(scripts, key=lambda a: (ORDER.index(a) if a in ORDER else 99, a))
    for area in areas:
        print(f"== {area}", flush=True)
        subprocess.run([sys.executable, str(scripts[area])], check=True)
    sections = sorted((HERE / "results").glob("*.md"),
                      key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    body = "\n\n".join(p.read_text().rstrip() for p in sections)
    (HERE / "RESULTS.md").write_text(
        "# Benchmark results\n\n"
        f"Produced by `.venv/bin/python benchmarks/run.py` (last run {dt.date.today()}); each table "
        "comes from `benchmarks/compare_<area>.py`, which times custinsight and the peer library "
        "side by side in one run. Ratios are peer time / custinsight time.\n\n" + body + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
