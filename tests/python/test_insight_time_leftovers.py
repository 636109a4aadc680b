"""Time with one meaning, and no leftovers or degenerate answers: the readers, the Python
API, the command line and custinsight-score (issue 20, parts 3 and 5; ids, joins and text are
in test_insight_ids_time.py)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custinsight as ci
from custinsight.insight.io import write_table

from insight_programs import (_DATA, _both_refuse, _needs_program, _program,  # noqa: E402
                              _score_both, _transactions_csv, _turn)



# ---- 3. time with one meaning -------------------------------------------------------------------

def test_offsets_and_z_are_converted_to_utc_in_every_reader(tmp_path):
    """Issue: an offset or Z among naive times crashed with a traceback (all four readers), and
    the CLI and Python disagreed. Offsets and Z convert to UTC and the zone is dropped."""
    times = ["2024-03-01 10:00:00", "2024-03-01T10:00:00Z", "2024-03-01 12:00:00+02:00",
             "2024-03-01T05:30:00-0430", "2024-03-01T11:00+01"]
    expected = pd.Series(pd.to_datetime(["2024-03-01 10:00:00"] * 4 + ["2024-03-01 10:00:00"]))
    rows = "".join(f"1,{t},5\n" for t in times)
    (tmp_path / "tx.csv").write_text("customer_id,datetime,amount\n" + rows, encoding="utf-8")
    (tmp_path / "fb.csv").write_text("customer_id,datetime\n" + "".join(
        f"1,{t}\n" for t in times), encoding="utf-8")
    (tmp_path / "ct.csv").write_text("customer_id,datetime\n" + "".join(
        f"1,{t}\n" for t in times), encoding="utf-8")
    (tmp_path / "t.jsonl").write_text("".join(
        _turn(1, "c", "agent", t) + "\n" for t in times), encoding="utf-8")
    for got in (ci.read_transactions(tmp_path / "tx.csv")["datetime"],
                ci.read_feedback(tmp_path / "fb.csv")["datetime"],
                ci.read_contacts(tmp_path / "ct.csv")["datetime"],
                ci.read_transcripts(tmp_path / "t.jsonl")["time"]):
        assert got.tolist() == expected.tolist()


def test_python_api_converts_offsets_to_utc_like_the_cli(tmp_path):
    """Issue: the CLI converted offsets to UTC while Python kept local clock time (T differed
    by up to a day). The same instants give the same table."""
    tx = _DATA.transactions[["customer_id", "datetime", "amount"]]
    zoned = tx.assign(datetime=tx["datetime"].dt.tz_localize("UTC").dt.tz_convert("Asia/Tokyo"))
    plain = ci.CustomerInsight().score(tx, as_of="2026-06-30 12:00")
    local = ci.CustomerInsight().score(zoned, as_of="2026-06-30 21:00+09:00")
    pd.testing.assert_frame_equal(plain, local)
    written = zoned.assign(datetime=zoned["datetime"].dt.strftime("%Y-%m-%dT%H:%M:%S%z"))
    written.to_csv(tmp_path / "tx.csv", index=False)
    cli, _, _, _ = _score_both(tmp_path, ["--transactions", str(tmp_path / "tx.csv"),
                                          "--as-of", "2026-06-30T21:00:00+09:00"],
                               program_required=False)
    np.testing.assert_allclose(cli["T"].astype(float).to_numpy(), plain["T"].to_numpy())


@pytest.mark.parametrize("make", [
    lambda t: t.astype("datetime64[s]"), lambda t: t.astype("datetime64[ms]"),
    lambda t: t.astype("datetime64[us]"), lambda t: t,
    lambda t: pd.Series(t).dt.tz_localize("UTC").dt.tz_convert("America/New_York"),
    lambda t: pd.Series(pd.array(t.astype("datetime64[us]"), dtype="timestamp[us][pyarrow]")),
    # The same instants, zoned (not the naive values read as Paris clock time, which is what
    # pandas 3 makes of a naive array given a zoned dtype).
    lambda t: pd.Series(t).dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    .astype("timestamp[ns, tz=Europe/Paris][pyarrow]"),
], ids=["s", "ms", "us", "ns", "tz-aware", "arrow-timestamp", "arrow-timestamp-tz"])
def test_every_datetime_unit_and_dtype_gives_the_same_summary(make):
    """Every unit and dtype converts without wrapping (the reference is datetime64[ns])."""
    tx = _DATA.transactions.head(2000)
    t = tx["datetime"].to_numpy().astype("datetime64[ns]").astype("datetime64[s]") \
        .astype("datetime64[ns]")
    reference = ci.rfm_summary_arrays(tx["customer_id"].to_numpy(), t, tx["amount"].to_numpy())
    got = ci.rfm_summary_arrays(tx["customer_id"].to_numpy(), make(t), tx["amount"].to_numpy())
    for key in reference:
        np.testing.assert_array_equal(got[key], reference[key])


def test_date32_dates_are_days():
    """Issue: date32 dates raised NotImplementedError."""
    days = pd.Series(pd.array([dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 3)],
                              dtype="date32[pyarrow]"))
    out = ci.rfm_summary_arrays(np.array([1, 1, 2]), days, observation_period_end="2024-01-10")
    assert out["frequency"].tolist() == [1.0, 0.0]
    assert out["recency"].tolist() == [7.0, 0.0]
    assert out["T"].tolist() == [9.0, 7.0]


def test_datetime64_seconds_beyond_2262_is_out_of_range_not_wrapped():
    """Issue: a datetime64[s] value of 2500-01-01 wrapped to 1915-06-14 and passed the
    after-the-end check. An error saying out of range."""
    t = np.array(["2024-01-01", "2500-01-01"], dtype="datetime64[s]")
    with pytest.raises(ValueError, match=r"time\[1\] = 2500-01-01 00:00:00 is out of range"):
        ci.rfm_summary_arrays(np.array([1, 2]), t)


def test_year_9999_is_out_of_range_not_not_a_date(tmp_path):
    """Issue: 9999-12-31 was called "not a date" instead of out of range."""
    (tmp_path / "tx.csv").write_text("customer_id,datetime,amount\n1,2024-01-01,3\n"
                                     "2,9999-12-31,4\n", encoding="utf-8")
    message = "tx.csv: line 3: column 'datetime': '9999-12-31' is out of range"
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        ci.read_transactions(tmp_path / "tx.csv")
    _both_refuse(tmp_path, ["--transactions", str(tmp_path / "tx.csv")], message)
    with pytest.raises(ValueError, match=r"when\[1\] = '9999-12-31' is out of range"):
        ci.rfm_summary(pd.DataFrame({"c": [1, 2], "when": ["2024-01-01", "9999-12-31"]}), "c",
                       "when")


def test_a_time_zoned_as_of_works(tmp_path):
    """Issue: a time-zoned --as-of gave "Invalid comparison between dtype=datetime64[ns] and
    Timestamp". It is converted to UTC."""
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--as-of", "2026-07-01T01:30:00+02:00"]
    python, cpp, p_out, _ = _score_both(tmp_path, args, program_required=False)
    assert "as of 2026-06-30" in p_out
    same = ci.CustomerInsight().score(ci.read_transactions(tmp_path / "tx.csv"),
                                      as_of=pd.Timestamp("2026-06-30 23:30"))
    np.testing.assert_allclose(python["T"].astype(float).to_numpy(), same["T"].to_numpy())
    if cpp is not None:
        np.testing.assert_allclose(cpp["T"].astype(float).to_numpy(), same["T"].to_numpy())
    table = ci.CustomerInsight().score(_DATA.transactions,
                                       as_of=pd.Timestamp("2026-07-01 01:30", tz="Europe/Paris"))
    assert table.attrs["as_of"] == "2026-06-30 23:30:00"


# ---- 5. leftovers and degenerate answers --------------------------------------------------------

def test_sigterm_during_the_write_removes_the_temporary_file(tmp_path, monkeypatch):
    """Issue: SIGTERM during the write left a partial .scores.csv.<pid>.tmp behind."""
    table = pd.DataFrame({"a": [1, 2]})
    out = tmp_path / "scores.csv"

    def write_then_terminated(self, path, *args, **kwargs):
        Path(path).write_text("partial")
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_then_terminated)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit):
        write_table(table, out)
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is before


def test_temporary_files_of_killed_runs_are_swept(tmp_path):
    """A run killed with SIGKILL cannot clean up: the next run removes its temporary file
    (that of a live process is left alone)."""
    dead = tmp_path / ".scores.csv.999999999.tmp"   # above the largest pid Linux hands out
    alive = tmp_path / f".scores.csv.{os.getppid()}.tmp"
    dead.write_text("partial")
    alive.write_text("being written")
    write_table(pd.DataFrame({"a": [1]}), tmp_path / "scores.csv")
    assert not dead.exists() and alive.exists()
    program = _program()
    if program is not None:
        dead.write_text("partial")
        _transactions_csv(tmp_path / "tx.csv", [])
        done = subprocess.run([program, "--transactions", str(tmp_path / "tx.csv"), "--out",
                               str(tmp_path / "scores.csv")], capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert not dead.exists() and alive.exists()


def test_too_few_repeat_buyers_give_population_mean_spend_not_nan(tmp_path):
    """Issue: with fewer than 3 repeat buyers with spend, clv was NaN for everyone. The
    population mean spend is used, flagged in table.attrs and the summary."""
    tx = _DATA.transactions[["customer_id", "datetime", "amount"]].sort_values(
        ["customer_id", "datetime"], kind="stable")
    # Repeat purchases are free for all but two customers: two repeat buyers with spend.
    first = ~tx["customer_id"].duplicated()
    kept = tx["customer_id"].isin(tx["customer_id"].unique()[:2])
    few = tx.assign(amount=np.where(first | kept, tx["amount"], 0.0))
    table = ci.CustomerInsight().score(few)
    assert table.attrs["spend"] == "population_mean"
    assert np.isfinite(table["clv"]).all() and (table["clv"] > 0).all()
    engine = ci.CustomerInsight()
    engine.score(few)
    assert engine.spend_model_ is None
    few.to_csv(tmp_path / "tx.csv", index=False)
    python, cpp, p_out, c_out = _score_both(tmp_path, ["--transactions", str(tmp_path / "tx.csv")],
                                            program_required=False)
    note = "clv uses the population mean spend"
    assert note in p_out
    np.testing.assert_allclose(python["clv"].astype(float).to_numpy(), table["clv"].to_numpy(),
                               rtol=1e-12)
    if cpp is not None:
        assert note in c_out
        np.testing.assert_allclose(cpp["clv"].astype(float).to_numpy(),
                                   table["clv"].to_numpy(), rtol=1e-9)


def test_settings_out_of_range_are_refused():
    """Issue: half_life_days 1e-300 made every satisfaction NaN. Settings are range-checked."""
    with pytest.raises(ValueError, match=r"half_life_days=1e-300: must lie between"):
        ci.InsightConfig(half_life_days=1e-300)
    with pytest.raises(ValueError, match=r"period_days=1e\+300: must lie between"):
        ci.InsightConfig(period_days=1e300)
    with pytest.raises(ValueError, match=r"clv_months=100000: must be a whole number"):
        ci.InsightConfig(clv_months=100_000)


def test_top_tokens_of_a_billion_is_a_value_error():
    """Issue: top_tokens=10**9 raised MemoryError. A ValueError naming the argument."""
    analyzer = ci.SentimentAnalyzer()
    with pytest.raises(ValueError, match=r"top_tokens=1000000000: must be at most 1000"):
        analyzer.polarity_scores(["fine", "bad"], top_tokens=10**9)
    frame = analyzer.polarity_scores(["fine", "bad"], top_tokens=1000)
    assert frame.shape == (2, 4 + 2 * 1000)


def test_custinsight_score_removes_its_temporary_file_on_sigterm(tmp_path):
    """The temporary output file is a FIFO here, so that the program is caught mid-write
    (its first bytes have been read) when SIGTERM arrives: the file is removed, the output
    never appears, and the process ends by the signal."""
    program = _needs_program()
    tx = _transactions_csv(tmp_path / "tx.csv", [])
    out = tmp_path / "scores.csv"
    proc = subprocess.Popen([program, "--transactions", str(tx), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fifo = tmp_path / f".scores.csv.{proc.pid}.tmp"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        received = b""
        deadline = time.monotonic() + 60
        while not received and time.monotonic() < deadline and proc.poll() is None:
            try:
                received = os.read(reader, 4096)
            except BlockingIOError:
                pass
            time.sleep(0.01)
        assert received.startswith(b"customer_id,"), "the program never wrote its output"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == -signal.SIGTERM
    finally:
        os.close(reader)
        if proc.poll() is None:
            proc.kill()
    assert not fifo.exists() and not out.exists()
