"""Shared helpers for the side-by-side comparison scripts in benchmarks/."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Minimum wall time over `repeat` runs (the least disturbed run) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def fmt_seconds(s: float) -> str:
    return f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"


def write_result(area: str, markdown: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{area}.md"
    path.write_text(markdown.rstrip() + "\n")
    print(markdown)
    return path
