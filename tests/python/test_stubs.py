"""The shipped type stubs (custinsight/_core/__init__.pyi and one <area>.pyi per submodule)
match the compiled bindings, checked by mypy's stubtest: every name of every submodule, both
ways (pybind11 functions carry no inspectable signature, so stubtest compares names and kinds,
not parameters)."""

from __future__ import annotations

import re
import subprocess
import sys
import types

import pytest


def test_core_stubs_match_the_bindings(tmp_path) -> None:
    pytest.importorskip("mypy.stubtest")
    run = subprocess.run([sys.executable, "-m", "mypy.stubtest", "custinsight._core"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=600)
    errors = [line for line in run.stdout.splitlines() if line.startswith("error:")]
    # pybind11 classes have pybind11's own metaclass, which a stub cannot name: not a mismatch.
    real = [e for e in errors if not e.endswith("is inconsistent, metaclass differs")]
    assert not real, "\n".join(real)
    assert errors or run.returncode == 0, run.stdout[-2000:]
    # Each submodule has its own stub, and stubtest checked all of them.
    from custinsight import _core

    submodules = [k for k, v in vars(_core).items() if isinstance(v, types.ModuleType)]
    assert sorted(submodules) == ["churn", "insight", "loyalty", "rfm", "satisfaction",
                                  "sentiment", "simulation"]
    checked = re.search(r"(?:checked|in) (\d+) modules?", run.stdout)
    assert checked and int(checked.group(1)) == 1 + len(submodules), run.stdout[-2000:]
