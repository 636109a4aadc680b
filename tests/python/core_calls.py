"""A pytest plugin that records which functions of custinsight._core each test calls.

Loaded only by scripts/asan_subset.py (``-p core_calls``), which uses the record to choose the
tests that scripts/pytest-asan runs against the sanitized extension. A profile hook sees every
call of a C function (pybind11 functions and methods are C functions to Python), in every
thread; the record is written to $CUSTINSIGHT_CORE_CALLS_OUT/<worker>.json.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import types
from pathlib import Path

import pytest

_calls: set[str] = set()
_record: dict[str, dict[str, object]] = {}


def _name(function: object) -> str | None:
    module = getattr(function, "__module__", None) or ""
    if not module.startswith("custinsight._core"):
        return None
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "?")
    if owner is None or isinstance(owner, types.ModuleType):
        return name
    return f"{type(owner).__name__}.{name}"


def _profile(frame, event, arg):  # noqa: ANN001 - the signature sys.setprofile calls
    if event == "c_call":
        name = _name(arg)
        if name is not None:
            _calls.add(name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _calls.clear()
    start = time.perf_counter()
    sys.setprofile(_profile)
    threading.setprofile(_profile)
    try:
        yield
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
        _record[item.nodeid] = {"seconds": time.perf_counter() - start, "calls": sorted(_calls)}


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = Path(os.environ["CUSTINSIGHT_CORE_CALLS_OUT"])
    out.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (out / f"{worker}.json").write_text(json.dumps(_record))
