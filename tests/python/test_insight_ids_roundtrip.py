"""Generated ids and timestamps survive every reader and the insight table unchanged (issue
20): ids with long digits, leading zeros, signs, exponents, unicode, inner whitespace, commas,
quotes and line breaks; timestamps with offsets, Z, fractions, every datetime unit and the
extremes of the supported range. Expected values are built here from the generated ones."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custinsight as ci
from custinsight.__main__ import main
from custinsight._validate import as_time_array
from insight_programs import _BASE, _BASE_IDS, _program

_ASCII_WS = " \t\n\v\f\r"
_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                           HealthCheck.too_slow])


def _no_edge_space(s: str) -> bool:
    return s != "" and s.strip(_ASCII_WS) == s


_text_id = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   min_size=1, max_size=24).filter(_no_edge_space)
_id = st.one_of(
    st.from_regex(r"0*[0-9]{1,40}", fullmatch=True),        # long digits, leading zeros
    st.from_regex(r"[+-]?[0-9]{1,22}", fullmatch=True),      # signs, beyond int64
    st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3})?[eE][+-]?[0-9]{1,3}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]{1,5}[ ,\"\n][A-Za-z0-9]{1,5}", fullmatch=True),
    _text_id,
)
_ids = st.lists(_id, min_size=1, max_size=6, unique=True)


def _as_written(values: pd.Series) -> list[str]:
    # An id read as an integer was written canonically, so str() gives its text back.
    return [str(v) for v in values]


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@_SETTINGS
@given(ids=_ids, as_numbers=st.booleans())
def test_generated_ids_round_trip_through_every_reader(tmp_path, ids, as_numbers):
    _write_csv(tmp_path / "tx.csv", ["customer_id", "datetime", "amount"],
               [[i, "2024-01-01", 1] for i in ids])
    _write_csv(tmp_path / "fb.csv", ["customer_id", "datetime", "text"],
               [[i, "2024-01-02", "ok"] for i in ids])
    _write_csv(tmp_path / "ct.csv", ["customer_id", "datetime"], [[i, "2024-01-03"] for i in ids])
    lines = []
    for i in ids:
        canonical = ci._core.insight.integer_ids([i]) is not None
        cid = i if (as_numbers and canonical) else json.dumps(i)
        lines.append('{"customer_id": ' + cid + ', "conversation_id": "c", "role": "agent", '
                     '"time": "2024-01-04"}')
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _as_written(ci.read_transactions(tmp_path / "tx.csv")["customer_id"]) == ids
    assert _as_written(ci.read_feedback(tmp_path / "fb.csv")["customer_id"]) == ids
    assert _as_written(ci.read_contacts(tmp_path / "ct.csv")["customer_id"]) == ids
    assert _as_written(ci.read_transcripts(tmp_path / "t.jsonl")["customer_id"]) == ids


@settings(_SETTINGS, max_examples=12)
@given(ids=_ids)
def test_generated_ids_round_trip_through_the_table(tmp_path, ids):
    """The extra customers come out of both programs with their ids as written, one row each,
    and their feedback reaches them."""
    ids = [i for i in ids if i not in {str(b) for b in _BASE_IDS}] or ["x"]
    parts = [_BASE.assign(customer_id=_BASE["customer_id"].astype(str))]
    for k, cid in enumerate(ids):
        parts.append(_BASE[_BASE["customer_id"] == _BASE_IDS[k]].assign(customer_id=cid))
    # "\r\n" line ends make the writer quote an id holding a lone "\r" (RFC 4180), as
    # csv.writer does; with "\n" pandas would leave it bare.
    pd.concat(parts).to_csv(tmp_path / "tx.csv", index=False, lineterminator="\r\n")
    _write_csv(tmp_path / "fb.csv", ["customer_id", "datetime", "csat"],
               [[i, "2025-06-01", 4] for i in ids])
    args = ["--transactions", str(tmp_path / "tx.csv"), "--feedback", str(tmp_path / "fb.csv"),
            "--as-of", "2026-06-30"]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["score", *args, "--out", str(tmp_path / "p.csv"), "--rows", "0"]) == 0
    tables = [pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)]
    program = _program()
    if program is not None:
        done = subprocess.run([program, *args, "--out", str(tmp_path / "c.csv")],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        tables.append(pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False))
    expected = sorted([str(b) for b in _BASE_IDS] + ids)
    for table in tables:
        assert sorted(table["customer_id"]) == expected
        got = table.set_index("customer_id").loc[ids, "n_responses"].astype(int)
        assert (got == 1).all()
    if len(tables) == 2:
        assert tables[0]["customer_id"].tolist() == tables[1]["customer_id"].tolist()


# ---- timestamps -----------------------------------------------------------------------------

_naive = st.datetimes(min_value=dt.datetime(1700, 1, 1), max_value=dt.datetime(2200, 12, 31))
_offset_minutes = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)


def _offset_text(minutes: int, style: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return [f"{sign}{h:02d}:{m:02d}", f"{sign}{h:02d}{m:02d}", "Z"][style]


def _ns(t: dt.datetime) -> int:
    # Exact integer arithmetic from the calendar fields (no pandas, no floats).
    days = (t.date() - dt.date(1970, 1, 1)).days
    return ((days * 86400 + t.hour * 3600 + t.minute * 60 + t.second) * 10**6
            + t.microsecond) * 1000


@_SETTINGS
@given(times=st.lists(st.tuples(_naive, _offset_minutes, st.integers(0, 3), st.booleans()),
                      min_size=1, max_size=8))
def test_generated_timestamps_are_read_as_utc(tmp_path, times):
    """Each written time, with "Z", an offset or none, is read as its UTC instant by the CSV
    and JSON Lines readers (the parser custinsight-score uses)."""
    cells, expected = [], []
    for t, minutes, style, use_t in times:
        text = t.strftime("%Y-%m-%d") + ("T" if use_t else " ") + t.strftime("%H:%M:%S")
        if t.microsecond:
            text += f".{t.microsecond:06d}"
        if style == 3:
            expected.append(_ns(t))
        else:
            shown = _offset_text(minutes, style)
            text += shown
            expected.append(_ns(t) - (0 if style == 2 else minutes * 60 * 10**9))
        cells.append(text)
    _write_csv(tmp_path / "tx.csv", ["customer_id", "datetime", "amount"],
               [[1, c, 1] for c in cells])
    got = ci.read_transactions(tmp_path / "tx.csv")["datetime"]
    assert got.to_numpy().astype("datetime64[ns]").view(np.int64).tolist() == expected
    (tmp_path / "t.jsonl").write_text("".join(
        json.dumps({"customer_id": 1, "conversation_id": "c", "role": "agent", "time": c}) + "\n"
        for c in cells), encoding="utf-8")
    got = ci.read_transcripts(tmp_path / "t.jsonl")["time"]
    assert got.to_numpy().astype("datetime64[ns]").view(np.int64).tolist() == expected


@_SETTINGS
@given(times=st.lists(_naive, min_size=1, max_size=8), minutes=_offset_minutes,
       unit=st.sampled_from(["s", "ms", "us", "ns"]))
def test_generated_datetimes_of_every_unit_and_zone_convert_exactly(times, minutes, unit):
    """datetime64 of every unit, naive or time-zoned, gives the instants' UTC nanoseconds."""
    zone = dt.timezone(dt.timedelta(minutes=minutes))
    naive = pd.Series(pd.to_datetime(times)).astype(f"datetime64[{unit}]")
    truncated = [pd.Timestamp(t).floor({"s": "s", "ms": "ms", "us": "us", "ns": "ns"}[unit])
                 for t in times]
    expected = [_ns(t.to_pydatetime()) for t in truncated]
    ns, is_datetime = as_time_array("time", naive)
    assert is_datetime and ns.tolist() == expected
    zoned = naive.dt.tz_localize(zone)
    ns, _ = as_time_array("time", zoned)
    assert ns.tolist() == [e - minutes * 60 * 10**9 for e in expected]


@pytest.mark.parametrize("text,ns", [
    ("1677-09-22", -9223286400 * 10**9),
    ("2262-04-11", 9223286400 * 10**9),
    ("2262-04-11 23:47:16.854775807", 2**63 - 1),
    # INT64_MIN itself is NaT in numpy: the earliest instant is one nanosecond later.
    ("1677-09-21 00:12:43.145224193", -(2**63) + 1),
])
def test_the_extremes_of_the_range_are_read(tmp_path, text, ns):
    (tmp_path / "tx.csv").write_text(f"customer_id,datetime,amount\n1,{text},1\n",
                                     encoding="utf-8")
    got = ci.read_transactions(tmp_path / "tx.csv")["datetime"]
    assert int(got.to_numpy().astype("datetime64[ns]").view(np.int64)[0]) == ns


@pytest.mark.parametrize("text", ["2262-04-11 23:47:16.854775808", "1677-09-21 00:12:43.145224192",
                                  "2262-04-12", "1677-09-20", "2262-04-11 23:00:00-01:00"])
def test_just_beyond_the_range_is_out_of_range(tmp_path, text):
    (tmp_path / "tx.csv").write_text(f"customer_id,datetime,amount\n1,{text},1\n",
                                     encoding="utf-8")
    with pytest.raises(ValueError, match=r"tx\.csv: line 2: column 'datetime': .* is out of "
                                         r"range \(dates must lie between"):
        ci.read_transactions(tmp_path / "tx.csv")
