"""Runs every benchmarks/compare_*.py and bench_*.py and assembles benchmarks/RESULTS.md from their tables.

Run: .venv/bin/python benchmarks/run.py [area ...]   (e.g. `rfm loyalty`; default: all but
     `dask`, whose 100-million-transaction run takes about 20 minutes: name it to run it;
     `--assemble-only` rebuilds RESULTS.md from benchmarks/results/ without running anything)
Each comparison times custinsight and its peer library side by side in the same process.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["rfm", "loyalty", "sentiment", "satisfaction", "churn", "insight", "dask"]
LONG = {"dask"}


def main(argv: list[str]) -> int:
    # compare_<area>.py time custinsight against a peer; bench_<area>.py time custinsight alone.
    scripts = {p.stem.split("_", 1)[1]: p
               for p in [*HERE.glob("compare_*.py"), *HERE.glob("bench_*.py")]}
    assemble_only = "--assemble-only" in argv
    argv = [a for a in argv if a != "--assemble-only"]
    areas = [] if assemble_only else (
        argv or sorted((a for a in scripts if a not in LONG),
                       key=lambda a: (ORDER.index(a) if a in ORDER else 99, a)))
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
