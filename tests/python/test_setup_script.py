"""scripts/setup stops with pip's own error when an install step fails: a misspelled package
planted in the peers extra of a copy of pyproject.toml must fail the set-up, not be skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_setup_fails_loudly_on_a_planted_bad_requirement(tmp_path):
    if shutil.which("dpkg-query") is None:
        pytest.skip("scripts/setup is for Debian machines (no dpkg-query here)")
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "scripts", copy / "scripts")
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"vaderSentiment==3.3.2"' in pyproject
    (copy / "pyproject.toml").write_text(
        pyproject.replace('"vaderSentiment==3.3.2"', '"custinsight-no-such-peer==3.3.2"'))
    env = dict(os.environ, CUSTINSIGHT_VENV=str(tmp_path / "venv"))
    done = subprocess.run(["bash", "scripts/setup"], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "custinsight-no-such-peer" in out and "No matching distribution" in out, out
    assert "setup: FAILED: installing the Python dependencies" in out, out
    assert "building custinsight" not in out, out
