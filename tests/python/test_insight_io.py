"""Input files and the command line: one-line errors naming file, column and line; exit code 2
and nothing written on bad input; the report is one self-contained page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custinsight as ci
from custinsight.__main__ import main

GOOD = "customer_id,datetime,amount\n1,2024-01-03,10.5\n1,2024-02-01,20\n2,2024-01-10,5\n"


def _write(tmp_path: Path, text: str | bytes, name: str = "tx.csv") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8", newline="")
    return p


def test_reads_a_good_file_with_bom_and_crlf(tmp_path):
    plain = ci.read_transactions(_write(tmp_path, GOOD))
    crlf = ci.read_transactions(_write(tmp_path, b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n")
                                       .encode(), "bom.csv"))
    pd.testing.assert_frame_equal(plain, crlf)
    assert list(plain.columns) == ["customer_id", "datetime", "amount"]
    assert plain["amount"].tolist() == [10.5, 20.0, 5.0]
    assert plain["datetime"].iloc[1] == pd.Timestamp("2024-02-01")


@pytest.mark.parametrize("text,pattern", [
    ("", r"tx\.csv: the file is empty"),
    ("customer_id,datetime,amount\n", r"tx\.csv: no data lines"),
    ("customer_id,date,amount\n1,2024-01-01,3\n", r"tx\.csv: line 1: missing column 'datetime'"),
    ("customer_id,datetime,amount,amount\n1,2024-01-01,3,4\n",
     r"tx\.csv: line 1: column 'amount' appears twice"),
    ("customer_id,datetime,amount\n1,2024-01-01,3\n2,2024-13-45,3\n",
     r"tx\.csv: line 3: column 'datetime': '2024-13-45' is not a date"),
    ("customer_id,datetime,amount\n1,2024-01-01,3\n2,2024-01-02,abc\n",
     r"tx\.csv: line 3: column 'amount': 'abc' is not a number"),
    ("customer_id,datetime,amount\n1,2024-01-01,3\n,2024-01-02,4\n",
     r"tx\.csv: line 3: column 'customer_id' is empty"),
    ("customer_id,datetime,amount\n1,2024-01-01,-3\n", r"tx\.csv: line 2: column 'amount'.*negative"),
])
def test_bad_transaction_files(tmp_path, text, pattern):
    p = _write(tmp_path, text)
    with pytest.raises(ValueError, match=pattern) as err:
        ci.read_transactions(p)
    assert "\n" not in str(err.value)


def test_mixed_id_types_stay_distinct(tmp_path):
    p = _write(tmp_path, "customer_id,datetime,amount\n1,2024-01-01,3\nA7,2024-01-02,4\n"
                         "01,2024-01-03,5\n")
    ids = ci.read_transactions(p)["customer_id"].tolist()
    assert ids == ["1", "A7", "01"]


def test_bad_feedback_files(tmp_path):
    p = _write(tmp_path, "customer_id,datetime,nps\n1,2024-01-01,9\n1,2024-01-02,11\n", "fb.csv")
    with pytest.raises(ValueError, match=r"fb\.csv: line 3: column 'nps': '11' is not a whole "
                                         r"number in 0\.\.10"):
        ci.read_feedback(p)
    p = _write(tmp_path, "customer_id,datetime\n1,2024-01-01\n", "fb2.csv")
    with pytest.raises(ValueError, match=r"fb2\.csv: line 1: missing column 'rating'"):
        ci.read_feedback(p, rating_col="rating")
    ok = _write(tmp_path, "customer_id,datetime,touchpoint,csat,nps,text\n"
                          "1,2024-01-01,delivery,4,,great service\n2,2024-01-02,,,3,\n", "fb3.csv")
    fb = ci.read_feedback(ok)
    assert fb["csat"].isna().tolist() == [False, True]
    assert fb["nps"].isna().tolist() == [True, False]
    assert fb["text"].isna().tolist() == [False, True]


def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = _write(tmp_path, "customer_id,datetime,amount\n1,2024-01-01,3\n2,yesterday,4\n")
    out = tmp_path / "out" / "scores.csv"
    code = main(["score", "--transactions", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert re.fullmatch(r"custinsight score: error: .*tx\.csv: line 3: column 'datetime': "
                        r"'yesterday' is not a date.*\n", err)
    assert not out.exists() and not any(out.parent.glob("*")) if out.parent.exists() else True
    code = main(["score", "--transactions", str(tmp_path / "missing.csv"), "--out", str(out)])
    assert code == 2 and "missing.csv: no such file" in capsys.readouterr().err


def test_cli_failed_write_leaves_nothing(tmp_path, monkeypatch, capsys):
    good = tmp_path / "tx.csv"
    ci.simulate(n_customers=500, seed=2).transactions[["customer_id", "datetime", "amount"]] \
        .to_csv(good, index=False)
    out = tmp_path / "scores.csv"

    def broken(self, path, *a, **k):
        Path(path).write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    code = main(["score", "--transactions", str(good), "--out", str(out), "--rows", "0"])
    assert code == 2 and "disk full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [good]


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    data = ci.simulate(n_customers=3000, seed=5)
    data.transactions[["customer_id", "datetime", "amount"]].to_csv(d / "tx.csv", index=False)
    fb = data.responses.copy()
    fb.to_csv(d / "fb.csv", index=False)
    done = subprocess.run([sys.executable, "-m", "custinsight", "score", "--transactions",
                           str(d / "tx.csv"), "--feedback", str(d / "fb.csv"), "--as-of",
                           str(data.end.date()), "--out", str(d / "scores.csv"), "--rows", "3"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # no progress bar when stderr is not a terminal
    assert done.stderr == ""
    rep = subprocess.run([sys.executable, "-m", "custinsight", "report", "--transactions",
                          str(d / "tx.csv"), "--feedback", str(d / "fb.csv"), "--as-of",
                          str(data.end.date()), "--out", str(d / "report.html")],
                         capture_output=True, text=True, check=False)
    assert rep.returncode == 0, rep.stderr
    return data, d


def test_cli_score_from_files_matches_the_python_call(demo_outputs):
    data, d = demo_outputs
    table = pd.read_csv(d / "scores.csv", index_col=0)
    direct = ci.insight_table(data.transactions, data.responses, as_of=data.end)
    assert len(table) == len(direct)
    for col in ("p_alive", "churn_risk", "clv", "satisfaction", "insight_score"):
        pd.testing.assert_series_equal(table[col], direct[col].astype(float), check_names=False,
                                       rtol=1e-9, check_index_type=False)
    assert (table["segment"].to_numpy() == direct["segment"].astype(str).to_numpy()).all()


def test_parquet_output_round_trips(demo_outputs, tmp_path):
    pytest.importorskip("pyarrow", reason="parquet output needs pyarrow (pip install pyarrow)")
    data, d = demo_outputs
    out = tmp_path / "scores.parquet"
    code = main(["score", "--transactions", str(d / "tx.csv"), "--feedback", str(d / "fb.csv"),
                 "--as-of", str(data.end.date()), "--out", str(out), "--rows", "0"])
    assert code == 0
    back = pd.read_parquet(out)
    csv = pd.read_csv(d / "scores.csv", index_col=0)
    assert back.index.tolist() == csv.index.tolist()
    for col in ("p_alive", "clv", "insight_score"):
        np.testing.assert_allclose(back[col].to_numpy(float), csv[col].to_numpy(float),
                                   rtol=1e-12)
    assert back["segment"].astype(str).tolist() == csv["segment"].astype(str).tolist()
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_is_self_contained(demo_outputs):
    _, d = demo_outputs
    html = (d / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    for heading in ("Segments", "P(alive) by frequency and recency", "NPS per touchpoint",
                    "Churn drivers", "Customers to contact first"):
        assert heading in html
    assert html.count("<svg") == 2


def test_report_opens_in_headless_chromium(demo_outputs, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed: the headless console check is skipped")
    _, d = demo_outputs
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path}", "--enable-logging=stderr", "--v=0",
                           "--dump-dom", (d / "report.html").as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0
    assert "Customers to contact first" in done.stdout
    assert "CONSOLE" not in done.stderr and "Uncaught" not in done.stderr


def test_demo_writes_scores_and_report(tmp_path, capsys):
    assert main(["demo", "--customers", "2000", "--rows", "2", "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "scores.csv").exists() and (tmp_path / "report.html").exists()
    assert "Scored 2,000 customers" in capsys.readouterr().out
