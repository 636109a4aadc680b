"""The independent references cannot vanish: with CI=true (or CUSTINSIGHT_REQUIRE_REFERENCES=1)
a test that would skip for a missing peer or data set fails; elsewhere it skips with its message.
Run on a throwaway test directory that uses this suite's own conftest.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

PLANTED = '''
import pytest

@pytest.mark.peers
def test_needs_a_missing_peer():
    pytest.importorskip("custinsight_no_such_peer_library")

@pytest.mark.shared_data
def test_needs_missing_data(tmp_path):
    if not (tmp_path / "absent.csv").exists():
        pytest.skip("absent.csv is absent: real-data test skipped")

@pytest.mark.peers
def test_a_peer_that_is_there():
    assert True
'''

MODULE_SKIP = '''
import pytest
missing = pytest.importorskip("custinsight_no_such_peer_library")

def test_never_collected():
    pass
'''


def _run(tmp_path: Path, env_update: dict[str, str], *tests: str
         ) -> subprocess.CompletedProcess[str]:
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    for i, text in enumerate(tests):
        (tmp_path / f"test_planted_{i}.py").write_text(text)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n  peers: peers\n  shared_data: data\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CI", "CUSTINSIGHT_REQUIRE_REFERENCES")}
    env.update(env_update)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CUSTINSIGHT_REQUIRE_REFERENCES": "1"}])
def test_missing_references_fail_when_required(tmp_path, env):
    done = _run(tmp_path, env, PLANTED)
    out = done.stdout
    assert done.returncode == 1, out
    assert "2 failed, 1 passed" in out, out
    assert "custinsight_no_such_peer_library" in out and "absent.csv is absent" in out
    assert "references are required here" in out
    assert "parity tests (marked peers or shared_data): 1 passed, 2 failed, 0 skipped" in out


def test_a_module_skipped_whole_stops_the_run_when_references_are_required(tmp_path):
    # pytest stops at a collection error: the run fails loudly before any test runs.
    done = _run(tmp_path, {"CI": "true"}, PLANTED, MODULE_SKIP)
    out = done.stdout
    assert done.returncode == 2, out
    assert "1 error" in out and "custinsight_no_such_peer_library" in out, out
    assert "references are required here" in out


@pytest.mark.parametrize("env", [{}, {"CI": "false"}])
def test_missing_references_skip_with_their_message_elsewhere(tmp_path, env):
    done = _run(tmp_path, env, PLANTED, MODULE_SKIP)
    out = done.stdout
    assert done.returncode == 0, out
    assert "1 passed, 3 skipped" in out, out
    assert "custinsight_no_such_peer_library" in out and "absent.csv is absent" in out
    assert ("parity tests (marked peers or shared_data): 1 passed, 0 failed, 2 skipped, "
            "1 modules skipped whole; references optional") in out
