"""Shared by the id, time and leftover tests of the insight readers and programs: the C++
program when built, a small simulated base, and helpers that run both programs on the same
files."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import custinsight as ci
from custinsight.__main__ import main
ROOT = Path(__file__).resolve().parents[2]


def _program() -> str | None:
    for c in (os.environ.get("CUSTINSIGHT_SCORE", ""), str(ROOT / "build/cpp/custinsight-score"),
              shutil.which("custinsight-score") or ""):
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return None


def _needs_program() -> str:
    program = _program()
    if program is None:
        pytest.skip("custinsight-score is not built (cmake -S . -B build/cpp && cmake --build "
                    "build/cpp --target custinsight-score)")
    return program


# A customer base the models can be fitted on; the ids under test are extra customers that
# copy a base customer's purchases.
_DATA = ci.simulate(n_customers=300, seed=5)
_BASE = _DATA.transactions[["customer_id", "datetime", "amount"]].assign(
    datetime=lambda d: d["datetime"].dt.strftime("%Y-%m-%d %H:%M:%S"))
_BASE_IDS = _BASE["customer_id"].unique()


def _transactions_csv(path: Path, extra_ids: list[str]) -> Path:
    parts = [_BASE.assign(customer_id=_BASE["customer_id"].astype(str))]
    for k, cid in enumerate(extra_ids):
        one = _BASE[_BASE["customer_id"] == _BASE_IDS[k]]
        parts.append(one.assign(customer_id=cid))
    pd.concat(parts).to_csv(path, index=False)
    return path


def _score_both(tmp_path: Path, args: list[str], *, program_required: bool = True
                ) -> tuple[pd.DataFrame, pd.DataFrame | None, str, str]:
    """Python command line and (when built) custinsight-score on the same files: the tables
    (ids as text) and the two summaries."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", *args, "--out", str(tmp_path / "p.csv"), "--rows", "0"]) == 0
    python = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    program = _program() if not program_required else _needs_program()
    if program is None:
        return python, None, out.getvalue(), ""
    done = subprocess.run([program, *args, "--out", str(tmp_path / "c.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    cpp = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False)
    return python, cpp, out.getvalue(), done.stdout


def _both_refuse(tmp_path: Path, args: list[str], message: str) -> None:
    """Exit code 2, one line naming the problem, nothing written: Python and C++."""
    err = io.StringIO()
    out = tmp_path / "refused.csv"
    with contextlib.redirect_stderr(err):
        assert main(["score", *args, "--out", str(out), "--rows", "0"]) == 2
    assert message in err.getvalue(), err.getvalue()
    assert err.getvalue().count("\n") == 1 and len(err.getvalue()) < 600
    assert not out.exists()
    program = _program()
    if program is not None:
        done = subprocess.run([program, *args, "--out", str(out)], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 2, done.stdout
        assert message in done.stderr and done.stderr.count("\n") == 1, done.stderr
        assert len(done.stderr) < 600 and not out.exists()

def _feedback_csv(path: Path, ids: list[str]) -> Path:
    rows = [{"customer_id": i, "datetime": "2025-06-01", "csat": 4, "text": "fine, thanks"}
            for i in ids]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path

def _turn(cid: object, conversation: str, role: str, time: str, text: str = "ok") -> str:
    body = json.dumps({"conversation_id": conversation, "role": role, "time": time,
                       "text": text})
    return '{"customer_id": ' + str(cid) + ", " + body[1:]
