"""Chooses the Python tests that scripts/pytest-asan runs against the sanitized extension, by
what they cover, and writes them to tests/python/asan_subset.txt.

    .venv/bin/python scripts/asan_subset.py        (about twice a plain pytest run)

It runs every Python test once with the plugin tests/python/core_calls.py, which records the
functions of custinsight._core each test calls, named by their submodule
(``rfm.rfm_summary_ticks``, ``loyalty.BetaGeoModel.fit``; ``set_num_threads`` at the top), and
its time, then picks tests greedily, each time the one that adds the most not-yet-covered _core
functions per second, until every _core function that any test calls is covered. The tests of the bad-input matrix, the robustness
tests and the thread tests are taken whole besides: their point is the odd inputs and the
threads that the sanitizers check, not the functions they reach. Rerun after adding bindings
or moving tests; scripts/pytest-asan fails on a listed test that no longer exists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBSET = ROOT / "tests/python/asan_subset.txt"
# Taken whole: odd inputs, errors and threads, the things the sanitizers are for.
WHOLE_FILES = ("tests/python/test_bad_input_matrix.py", "tests/python/test_sentiment_robustness.py",
               "tests/python/test_determinism.py")


def record() -> dict[str, dict[str, object]]:
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, CUSTINSIGHT_CORE_CALLS_OUT=out,
                   PYTHONPATH=str(ROOT / "tests/python"))
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "core_calls", "-p",
                               "no:cacheprovider", "-q", "-n", "2", "--dist", "loadfile",
                               "-m", "not slow"], cwd=ROOT, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"asan_subset: the recording run failed (exit {done.returncode})")
        merged: dict[str, dict[str, object]] = {}
        for part in Path(out).glob("*.json"):
            merged.update(json.loads(part.read_text()))
        return merged


def choose(tests: dict[str, dict[str, object]]) -> tuple[list[str], set[str]]:
    chosen = [t for t in tests if t.split("::")[0] in WHOLE_FILES]
    covered = set().union(*(set(tests[t]["calls"]) for t in chosen))
    wanted = set().union(*(set(v["calls"]) for v in tests.values()))
    while covered != wanted:
        def gain(t: str) -> float:
            new = len(set(tests[t]["calls"]) - covered)
            return new / (0.05 + float(tests[t]["seconds"]))
        best = max((t for t in tests if t not in chosen), key=gain)
        chosen.append(best)
        covered |= set(tests[best]["calls"])
    return chosen, wanted


def main() -> int:
    tests = record()
    chosen, wanted = choose(tests)
    seconds = sum(float(tests[t]["seconds"]) for t in chosen)
    total = sum(float(v["seconds"]) for v in tests.values())
    # The files taken whole are listed as files, so that cases added to them later run too.
    picked = [t for t in chosen if t.split("::")[0] not in WHOLE_FILES]
    lines = [f"# Written by scripts/asan_subset.py: {len(chosen)} of {len(tests)} tests "
             f"({seconds:.0f} s of {total:.0f} s in the recording run), covering all "
             f"{len(wanted)} custinsight._core functions that the tests not marked slow call: "
             f"{', '.join(WHOLE_FILES)} whole and {len(picked)} tests picked by coverage.",
             *WHOLE_FILES, *sorted(picked)]
    SUBSET.write_text("\n".join(lines) + "\n")
    print(lines[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
