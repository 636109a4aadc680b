"""The C++ program custinsight-score gives the numbers of `custinsight score` (to 1e-9) and the
same one-line errors. Skipped when the program has not been built (cmake -S . -B build/cpp)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custinsight as ci
from custinsight.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def _program() -> str:
    candidates = [os.environ.get("CUSTINSIGHT_SCORE", ""), str(ROOT / "build/cpp/custinsight-score"),
                  shutil.which("custinsight-score") or ""]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    pytest.skip("custinsight-score is not built (cmake -S . -B build/cpp && cmake --build "
                "build/cpp --target custinsight-score): the C++ comparison is skipped")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, index_col=0, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cpp")
    data = ci.simulate(n_customers=4000, seed=21)
    data.transactions[["customer_id", "datetime", "amount"]].to_csv(d / "tx.csv", index=False)
    data.responses.to_csv(d / "fb.csv", index=False)
    ci.simulate_contact_log(data, seed=3).to_csv(d / "contacts.csv", index=False)
    turns = ci.simulate_transcripts(data, seed=4)
    turns = turns.assign(time=turns["time"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    turns.to_json(d / "turns.jsonl", orient="records", lines=True, force_ascii=False)
    return data, d


@pytest.mark.parametrize("with_feedback,config,extra", [
    (True, None, False), (False, None, False),
    (True, {"model": "pareto_nbd", "horizon_days": 180.0}, False),
    (True, None, True), (False, {"max_outbound_30d": 2.0, "support_quality_low": 70.0}, True)])
def test_same_numbers_as_python(files, tmp_path, with_feedback, config, extra):
    program = _program()
    data, d = files
    args = ["--transactions", str(d / "tx.csv"), "--as-of", str(data.end.date())]
    if with_feedback:
        args += ["--feedback", str(d / "fb.csv")]
    if extra:
        args += ["--contacts", str(d / "contacts.csv"), "--transcripts", str(d / "turns.jsonl")]
    if config is not None:
        cfg = ci.InsightConfig.from_dict(config)
        cfg.save(tmp_path / "c.json")
        args += ["--config", str(tmp_path / "c.json")]
    done = subprocess.run([program, *args, "--out", str(tmp_path / "c.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert main(["score", *args, "--out", str(tmp_path / "p.csv"), "--rows", "0"]) == 0
    c, p = _read(tmp_path / "c.csv"), _read(tmp_path / "p.csv")
    assert list(c.columns) == list(p.columns)
    assert c.index.equals(p.index)
    for col in p.columns:
        a, b = p[col], c[col]
        if a.dtype.kind in "fi" and b.dtype.kind in "fi":
            np.testing.assert_allclose(b.to_numpy(float), a.to_numpy(float), rtol=1e-9,
                                       atol=1e-9, err_msg=col)
        else:
            same = (a.astype(str) == b.astype(str)) | (a.isna() & b.isna())
            assert same.all(), (col, a[~same].head(), b[~same].head())
    if config is not None and "model" in config:
        assert "pareto_nbd" in done.stdout
    if extra:
        # the inputs reached the table: some customers are over-contacted, some chats scored
        assert (p["outbound_30d"] >= p["outbound_30d"].max()).any()
        assert (p["action"] == "do not over-contact").any()
        assert p["support_quality"].notna().sum() > 50
        assert p["main_driver"].isin(["over-contacted", "poor support", "complaint logged"]).any()


@pytest.mark.parametrize("name,text,message", [
    ("turns.jsonl", '{"customer_id": 1, "conversation_id": 1, "role": "agent", '
                    '"time": "2025-01-01"}\n{"customer_id": 1,',
     "turns.jsonl: line 2: not valid JSON"),
    ("turns.jsonl", '\n[1, 2]\n', "turns.jsonl: line 2: expected a JSON object"),
    ("turns.jsonl", '{"customer_id": 1, "conversation_id": 1, "time": "2025-01-01"}\n',
     "turns.jsonl: line 1: missing field 'role'"),
    ("turns.jsonl", '{"customer_id": 1, "conversation_id": 1, "role": "bot", '
                    '"time": "2025-01-01"}\n', "turns.jsonl: line 1: column 'role': 'bot' must be one of agent, customer"),
    ("turns.jsonl", '{"customer_id": 1, "conversation_id": 1, "role": "agent", '
                    '"time": "soon"}\n', "turns.jsonl: line 1: "),
    ("contacts.csv", "customer_id,datetime,direction\n1,2024-01-01,outbound\n1,2024-01-02,sideways\n",
     "contacts.csv: line 3: column 'direction': 'sideways' must be one of inbound, outbound"),
    ("contacts.csv", "customer_id,datetime,complaint\n1,2024-01-01,maybe\n",
     "contacts.csv: line 2: column 'complaint': 'maybe' must be true/false, yes/no or 1/0"),
    ("contacts.csv", "customer_id,date\n1,2024-01-01\n",
     "contacts.csv: line 1: missing column 'datetime'"),
])
def test_bad_contact_and_transcript_files(files, tmp_path, name, text, message):
    program = _program()
    _, d = files
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    flag = "--transcripts" if name.endswith(".jsonl") else "--contacts"
    args = ["--transactions", str(d / "tx.csv"), flag, str(p)]
    out = tmp_path / "out.csv"
    done = subprocess.run([program, *args, "--out", str(out)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert not out.exists()
    # the Python command line says the same, in one line, and writes nothing
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["score", *args, "--out", str(out), "--rows", "0"]) == 2
    assert message in err.getvalue(), err.getvalue()
    assert err.getvalue().count("\n") == 1 and not out.exists()


@pytest.mark.parametrize("text,message", [
    ("", "tx.csv: the file is empty"),
    ("customer_id,date,amount\n1,2024-01-01,3\n", "tx.csv: line 1: missing column 'datetime'"),
    ("customer_id,datetime,amount,amount\n1,2024-01-01,3,4\n",
     "tx.csv: line 1: column 'amount' appears twice"),
    ("\ufeffcustomer_id,datetime,amount\r\n1,2024-01-01,3\r\n2,2024-13-45,3\r\n",
     "tx.csv: line 3: column 'datetime': '2024-13-45' is not a date"),
    ("customer_id,datetime,amount\n1,2024-01-01,3\n2,2024-01-02,abc\n",
     "tx.csv: line 3: column 'amount': 'abc' is not a number"),
    # A lone CR: a line break to Python's csv module, data to a byte reader; both refuse it
    # (inside quotes it is data to both, see test_a_carriage_return_inside_quotes_is_data).
    ("customer_id,datetime,amount\n1,2024-01-01,3\r2,2024-01-02,4\n",
     "tx.csv: line 2: a carriage return without a line feed"),
])
def test_bad_input_exits_2(tmp_path, text, message):
    program = _program()
    p = tmp_path / "tx.csv"
    p.write_bytes(text.encode("utf-8"))
    out = tmp_path / "out.csv"
    done = subprocess.run([program, "--transactions", str(p), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert not out.exists() and not (tmp_path / "out.csv.tmp").exists()
    # the Python reader says the same
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        ci.read_transactions(p)


def test_label_window_is_python_only(files, tmp_path):
    program = _program()
    _, d = files
    ci.InsightConfig(label_window_days=90).save(tmp_path / "c.json")
    done = subprocess.run([program, "--transactions", str(d / "tx.csv"), "--config",
                           str(tmp_path / "c.json"), "--out", str(tmp_path / "c.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "only available in the Python package" in done.stderr


def test_both_programs_take_the_column_options_of_the_schema(files, tmp_path):
    # Every field of custinsight.Columns is an option of `custinsight score` and of
    # custinsight-score, spelled alike; a missing one fails as an unknown argument.
    from dataclasses import fields

    program = _program()
    data, d = files
    options: list[str] = []
    for f in fields(ci.Columns):
        default = f.default
        if default is None:
            continue
        options += [ci.Columns.option(f.name), str(default)]
    for f in fields(ci.Columns):
        if f.default is None:  # optional columns: their standard names as they are written
            options += [ci.Columns.option(f.name),
                        {"touchpoint": "touchpoint", "rating": "csat", "nps": "nps",
                         "text": "text", "direction": "direction",
                         "complaint": "complaint"}[f.name]]
    args = ["--transactions", str(d / "tx.csv"), "--feedback", str(d / "fb.csv"),
            "--contacts", str(d / "contacts.csv"), "--transcripts", str(d / "turns.jsonl"),
            *options]
    done = subprocess.run([program, *args, "--out", str(tmp_path / "c.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert main(["score", *args, "--out", str(tmp_path / "p.csv"), "--rows", "0"]) == 0
    assert len(_read(tmp_path / "c.csv")) == len(_read(tmp_path / "p.csv")) > 100
    done = subprocess.run([program, "--transactions", str(d / "tx.csv"), "--out",
                           str(tmp_path / "x.csv"), "--amount-column", "amount"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "unknown argument --amount-column" in done.stderr


def test_a_carriage_return_inside_quotes_is_data(files, tmp_path):
    program = _program()
    data, d = files
    first = data.transactions["customer_id"].iloc[:2].tolist()
    fb = tmp_path / "fb.csv"
    fb.write_bytes(b'customer_id,datetime,csat,text\n%d,2026-01-02,4,"good\rservice"\n'
                   b'%d,2026-01-02,2,"slow\r\nand rude"\n' % tuple(first))
    done = subprocess.run([program, "--transactions", str(d / "tx.csv"), "--feedback", str(fb),
                           "--out", str(tmp_path / "c.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert ci.read_feedback(fb)["text"].tolist() == ["good\rservice", "slow\r\nand rude"]
