"""The shipped type stubs (_core.pyi) match the compiled bindings, checked by mypy's stubtest."""

from __future__ import annotations

import subprocess
import sys

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
