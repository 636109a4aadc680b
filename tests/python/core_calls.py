"""A pytest plugin that records which functions of custinsight._core each test calls.

Loaded only by scripts/asan_subset.py (``-p core_calls``), which uses the record to choose the
tests that scripts/pytest-asan runs against the sanitized extension. A profile hook sees every
call of a C function (pybind11 functions and methods are C functions to Python), in every
thread; a function is named by its submodule (``loyalty.BetaGeoModel.fit``), and the record is
written to $CUSTINSIGHT_CORE_CALLS_OUT/<worker>.json.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

_calls: set[str] = set()
_record: dict[str, dict[str, object]] = {}


_CORE = "custinsight._core"


def _name(function: object) -> str | None:
    """The function's name under _core: ``set_num_threads`` at the top, ``rfm.rfm_summary_ticks``
    in a submodule, ``loyalty.BetaGeoModel.fit`` for a method (None outside _core)."""
    module = getattr(function, "__module__", None) or ""
    if module != _CORE and not module.startswith(_CORE + "."):
        return None
    area = module[len(_CORE) + 1:]
    prefix = f"{area}." if area else ""
    name = getattr(function, "__name__", "?")
    # A method's __self__ is the instance; a free function's (and a static method's) is a
    # module or pybind11's own function record, which says nothing about where it belongs.
    owner = type(getattr(function, "__self__", None))
    if getattr(owner, "__module__", "").startswith(_CORE):
        return f"{prefix}{owner.__name__}.{name}"
    return prefix + name


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
