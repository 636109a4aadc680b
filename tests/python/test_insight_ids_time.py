"""Customer ids, timestamps and text pass end to end without being merged, wrapped, cut or
dropped: the file readers, the Python API, the command line and custinsight-score (issue 20).

Each example of the issue is a test here with its expected outcome: a kept id, a one-line
error, or a counted note. custinsight-score is compared when it has been built (the tests that
need it skip otherwise, as tests/python/test_insight_cpp.py does)."""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custinsight as ci
from custinsight.__main__ import main

from insight_programs import (_BASE, _BASE_IDS, _DATA, _both_refuse, _feedback_csv,  # noqa: E402
                              _score_both, _transactions_csv, _turn)


_SUMMARY = ci.rfm_summary(_DATA.transactions, "customer_id", "datetime", "amount",
                          observation_period_end=_DATA.end, freq="D", freq_multiplier=7)


# ---- 1. ids are identifiers ---------------------------------------------------------------------

def test_thirty_digit_ids_stay_three_customers(tmp_path):
    """Issue: three distinct 30-digit ids became one customer -9223372036854775808. Kept."""
    ids = ["123456789012345678901234567890", "123456789012345678901234567891",
           "123456789012345678901234567892"]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", ids))]
    python, cpp, _, _ = _score_both(tmp_path, args)
    for table in (python, cpp):
        assert set(ids) <= set(table["customer_id"])
        assert len(table) == len(_BASE_IDS) + 3
    assert python["customer_id"].tolist() == cpp["customer_id"].tolist()


def test_ids_above_int64_are_kept_as_written(tmp_path):
    """Issue: ids above 2^63 wrapped negative. Kept as written."""
    ids = ["9223372036854775808", "18446744073709551615"]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", ids))]
    python, cpp, _, _ = _score_both(tmp_path, args)
    for table in (python, cpp):
        assert set(ids) <= set(table["customer_id"])
        assert not table["customer_id"].str.startswith("-").any()


def test_ids_written_differently_are_different_customers(tmp_path):
    """Issue: 007, 7.0, 7e0 and +7 merged into customer 7. Five customers, as written."""
    ids = ["7000", "007000", "7000.0", "7e3", "+7000"]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", ids))]
    python, cpp, _, _ = _score_both(tmp_path, args)
    for table in (python, cpp):
        assert set(ids) <= set(table["customer_id"])
        assert len(table) == len(_BASE_IDS) + 5


def test_ids_beyond_two_to_the_53_do_not_merge(tmp_path):
    """Issue: 9007199254740993 merged with ...992 once an id looked like 1.0. Distinct."""
    ids = ["9007199254740993", "9007199254740992", "1.0"]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", ids))]
    python, cpp, _, _ = _score_both(tmp_path, args)
    for table in (python, cpp):
        assert set(ids) <= set(table["customer_id"])
        assert len(table) == len(_BASE_IDS) + 3


def test_integer_ids_sort_numerically_in_both_programs(tmp_path):
    """All ids canonical integers: the tables are in numeric order (9 before 10)."""
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", []))]
    python, cpp, _, _ = _score_both(tmp_path, args)
    expected = [str(i) for i in sorted(int(v) for v in _BASE_IDS)]
    assert python["customer_id"].tolist() == expected
    assert cpp["customer_id"].tolist() == expected


def test_python_uint64_ids_from_two_to_the_63_are_kept():
    """Issue: uint64 ids >= 2^63 came back negative. Kept, as uint64."""
    tx = _DATA.transactions[["customer_id", "datetime", "amount"]]
    big = tx.assign(customer_id=tx["customer_id"].astype(np.uint64) + np.uint64(2**63))
    table = ci.CustomerInsight().score(big)
    assert table.index.dtype == np.uint64
    assert int(table.index.min()) == 2**63 + int(tx["customer_id"].min())
    assert (table.index.to_numpy() >= np.uint64(2**63)).all()


def test_python_mixed_id_types_in_one_column_are_a_type_error():
    """Issue: 1 and "1" in one column became two customers both shown as 1. TypeError."""
    tx = pd.DataFrame({"customer_id": pd.Series([1, "1", 2], dtype=object),
                       "datetime": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"]),
                       "amount": [1.0, 2.0, 3.0]})
    with pytest.raises(TypeError, match=r"customer_id\[1\] = '1' \(text\) mixes types"):
        ci.rfm_summary(tx, "customer_id", "datetime", "amount")
    fb = pd.DataFrame({"customer_id": pd.Series([1, "1"], dtype=object),
                       "datetime": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                       "csat": [4, 5]})
    with pytest.raises(TypeError, match=r"customer_id\[1\].*mixes types"):
        ci.CustomerInsight().score(_DATA.transactions, fb)


def test_python_object_ids_are_never_truncated():
    """Object columns of Python ints (any size) and whole floats are integer ids; 2.5 is not
    truncated to 2, and ints beyond int64 are kept."""
    with pytest.raises(TypeError, match=r"customer_id\[1\] = 2\.5 is not an exact integer id"):
        ci.rfm_summary_arrays(np.array([1, 2.5, 3], dtype=object), np.array([0.0, 1.0, 2.0]))
    out = ci.rfm_summary_arrays(np.array([2**70, 5, 2**70], dtype=object),
                                np.array([0.0, 1.0, 3.0]))
    assert out["customer_id"].tolist() == [5, 2**70]
    assert out["frequency"].tolist() == [0.0, 1.0]


def test_python_text_feedback_ids_join_integer_transaction_ids():
    """Issue: string feedback ids against integer transaction ids matched nothing. A text id
    matches the integer it writes canonically; "007" does not match 7."""
    tx = _DATA.transactions
    fb = _DATA.responses.head(400)
    as_text = fb.assign(customer_id=fb["customer_id"].astype(str))
    plain = ci.CustomerInsight().score(tx, fb)
    text = ci.CustomerInsight().score(tx, as_text)
    assert text.index.equals(plain.index)
    assert text["n_responses"].sum() == plain["n_responses"].sum() > 0
    np.testing.assert_array_equal(text["satisfaction"].to_numpy(), plain["satisfaction"].to_numpy())
    padded = as_text.assign(customer_id="00" + as_text["customer_id"])
    with pytest.raises(ValueError, match=r"feedback: (\d+) of \1 rows .* first unmatched ids: "
                                         r"'00"):
        ci.CustomerInsight().score(tx, padded)


# ---- 2. joins that cannot quietly fail ----------------------------------------------------------


def test_one_text_feedback_id_is_counted_not_dropping_the_file(tmp_path):
    """Issue: one non-numeric feedback id left satisfaction empty for everyone. The other rows
    join, the odd one is counted in the summary line and table.attrs."""
    ids = [str(i) for i in _BASE_IDS[:40]] + ["C-5"]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--feedback", str(_feedback_csv(tmp_path / "fb.csv", ids)), "--as-of", "2026-06-30"]
    python, cpp, p_out, c_out = _score_both(tmp_path, args)
    note = "feedback: 1 of 41 rows up to as_of name no customer with a purchase"
    assert note in p_out and note in c_out
    for table in (python, cpp):
        assert (table["n_responses"].astype(int) > 0).sum() == 40
    fb = ci.read_feedback(tmp_path / "fb.csv")
    table = ci.CustomerInsight().score(ci.read_transactions(tmp_path / "tx.csv"), fb,
                                       as_of="2026-06-30")
    assert table.attrs["unmatched"]["feedback"] == {"rows": 41, "unmatched": 1}


def test_the_report_names_unmatched_rows(tmp_path):
    ids = [str(i) for i in _BASE_IDS[:40]] + ["C-5", "C-6"]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--feedback", str(_feedback_csv(tmp_path / "fb.csv", ids)), "--as-of", "2026-06-30"]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["report", *args, "--out", str(tmp_path / "r.html")]) == 0
    note = "feedback: 2 of 42 rows up to as_of name no customer with a purchase"
    assert note in out.getvalue()
    assert note in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_mostly_unmatched_feedback_is_an_error_naming_the_ids(tmp_path):
    """More than half of the rows unmatched: an error naming the first unmatched ids."""
    ids = [f"X{i}" for i in _BASE_IDS[:30]] + [str(i) for i in _BASE_IDS[:5]]
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--feedback", str(_feedback_csv(tmp_path / "fb.csv", ids)), "--as-of", "2026-06-30"]
    first = ", ".join(f"'X{i}'" for i in _BASE_IDS[:3])
    _both_refuse(tmp_path, args, "feedback: 30 of 35 rows up to as_of (more than 50%) name no "
                                 f"customer with a purchase; first unmatched ids: {first}")



@pytest.mark.parametrize("odd", ["5.5", "true", '"C-5"'])
def test_one_odd_transcript_id_does_not_drop_every_conversation(tmp_path, odd):
    """Issue: one transcript line with customer_id 5.5, true or "C-5" dropped every
    conversation. The others are scored; the odd line is counted."""
    lines = []
    for k, cid in enumerate(_BASE_IDS[:20]):
        lines.append(_turn(cid, f"c{k}", "customer", "2025-06-01 10:00:00", "my order is late"))
        lines.append(_turn(cid, f"c{k}", "agent", "2025-06-01 10:01:00", "sorry, fixed now"))
    lines.append(_turn(odd, "odd", "customer", "2025-06-01 10:00:00"))
    (tmp_path / "turns.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--transcripts", str(tmp_path / "turns.jsonl"), "--as-of", "2026-06-30"]
    python, cpp, p_out, c_out = _score_both(tmp_path, args)
    note = "transcripts: 1 of 41 rows up to as_of name no customer with a purchase"
    assert note in p_out and note in c_out
    for table in (python, cpp):
        assert (table["n_conversations"].astype(int) > 0).sum() == 20


def test_nan_transcript_id_is_invalid_json(tmp_path):
    """Issue: customer_id NaN dropped every conversation. NaN is not JSON: a one-line error."""
    lines = [_turn(1, "c1", "agent", "2025-06-01 10:00:00"),
             _turn("NaN", "c2", "agent", "2025-06-01 10:00:00")]
    (tmp_path / "turns.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--transcripts", str(tmp_path / "turns.jsonl")]
    _both_refuse(tmp_path, args, "turns.jsonl: line 2: not valid JSON")


def test_join_of_two_inputs_keeps_every_matchable_row(tmp_path):
    """Every feedback row whose id is a customer's reaches the table, whatever the ids look
    like (the expected counts are counted here, not by the library)."""
    rng = np.random.default_rng(11)
    extra = ["007", "A-1", "ä ü", "1e3", "x,y", 'q"uote']
    tx_path = _transactions_csv(tmp_path / "tx.csv", extra)
    customers = [str(i) for i in _BASE_IDS] + extra
    chosen = list(rng.choice(customers, size=120)) + ["not-a-customer"] * 5
    _feedback_csv(tmp_path / "fb.csv", chosen)
    expected = pd.Series([c for c in chosen if c in set(customers)]).value_counts()
    args = ["--transactions", str(tx_path), "--feedback", str(tmp_path / "fb.csv"),
            "--as-of", "2026-06-30"]
    python, cpp, _, _ = _score_both(tmp_path, args)
    for table in (python, cpp):
        got = table.set_index("customer_id")["n_responses"].astype(int)
        got = got[got > 0]
        assert got.sort_index().to_dict() == expected.sort_index().to_dict()


# ---- 4. text and errors -------------------------------------------------------------------------

@pytest.mark.parametrize("text,message", [
    (b"customer_id,datetime,amount\n1,2024-01-01,12\x005\n",
     "tx.csv: line 2: column 'amount': a NUL byte in the value"),
    (b"customer_id,datetime,amount\n1,2024-01-01,3\nabc\x00def,2024-01-01,3\n",
     "tx.csv: line 3: column 'customer_id': a NUL byte in the value"),
])
def test_nul_bytes_are_an_error_naming_line_and_column(tmp_path, text, message):
    """Issue: 12\\x005 was read as 12 and abc\\x00def as abc, exit 0. One-line error."""
    (tmp_path / "tx.csv").write_bytes(text)
    _both_refuse(tmp_path, ["--transactions", str(tmp_path / "tx.csv")], message)
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        ci.read_transactions(tmp_path / "tx.csv")


def test_line_numbers_are_physical_after_quoted_line_breaks(tmp_path):
    """Issue: line numbers were wrong after quoted multi-line fields."""
    (tmp_path / "fb.csv").write_text(
        'customer_id,datetime,text\n1,2024-01-01,"two\nline\ntext"\n2,2024-13-01,x\n',
        encoding="utf-8")
    message = "fb.csv: line 5: column 'datetime': '2024-13-01' is not a date"
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        ci.read_feedback(tmp_path / "fb.csv")
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--feedback", str(tmp_path / "fb.csv")]
    _both_refuse(tmp_path, args, message)


def test_an_unclosed_quote_is_an_error_at_its_line(tmp_path):
    """The lenient CSV reading would take the rest of the file as one value."""
    (tmp_path / "tx.csv").write_text('customer_id,datetime,amount\n1,2024-01-01,3\n'
                                     '2,"2024-01-02,3\n3,2024-01-03,4\n', encoding="utf-8")
    message = "tx.csv: line 3: a quoted field is not closed"
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        ci.read_transactions(tmp_path / "tx.csv")
    _both_refuse(tmp_path, ["--transactions", str(tmp_path / "tx.csv")], message)


def test_a_line_of_spaces_is_blank_in_both_readers(tmp_path):
    _transactions_csv(tmp_path / "base.csv", [])
    lines = (tmp_path / "base.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "tx.csv").write_text("\n".join(lines[:3] + ["   "] + lines[3:]) + "\n",
                                     encoding="utf-8")
    assert len(ci.read_transactions(tmp_path / "tx.csv")) == len(_BASE)
    python, cpp, _, _ = _score_both(tmp_path, ["--transactions", str(tmp_path / "tx.csv")])
    assert len(python) == len(cpp) == len(_BASE_IDS)


def test_a_huge_bad_value_is_quoted_cut(tmp_path):
    """Issue: a bad 50 MB value was echoed whole. The message quotes 80 characters."""
    value = "x" * 5_000_000
    (tmp_path / "tx.csv").write_text(f"customer_id,datetime,amount\n1,2024-01-01,{value}\n",
                                     encoding="utf-8")
    with pytest.raises(ValueError) as err:
        ci.read_transactions(tmp_path / "tx.csv")
    assert "is not a number" in str(err.value) and "(5000000 characters)" in str(err.value)
    assert len(str(err.value)) < 300
    _both_refuse(tmp_path, ["--transactions", str(tmp_path / "tx.csv")], "is not a number")


def test_a_long_header_field_is_read(tmp_path):
    """Issue: a header field over 131,072 characters crashed with _csv.Error. It is read."""
    long_name = "n" * 200_000
    _transactions_csv(tmp_path / "base.csv", [])
    text = (tmp_path / "base.csv").read_text(encoding="utf-8").splitlines()
    body = [text[0] + "," + long_name] + [line + ",z" for line in text[1:]]
    (tmp_path / "tx.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    tx = ci.read_transactions(tmp_path / "tx.csv")
    assert len(tx) == len(_BASE)
    python, cpp, _, _ = _score_both(tmp_path, ["--transactions", str(tmp_path / "tx.csv")],
                                    program_required=False)
    assert len(python) == len(_BASE_IDS)


def test_a_lone_surrogate_in_a_transcript_is_a_short_error(tmp_path):
    """Issue: a lone surrogate produced a 31 KB message holding every transcript text."""
    lines = [_turn(i, f"c{i}", "customer", "2025-06-01 10:00:00", "private text " * 50)
             for i in _BASE_IDS[:30]]
    lines.append('{"customer_id": 1, "conversation_id": "z", "role": "customer", '
                 '"time": "2025-06-01 10:00:00", "text": "bad \\ud800 text"}')
    (tmp_path / "turns.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = "turns.jsonl: line 31: not valid JSON"
    with pytest.raises(ValueError, match=message.replace(".", r"\.")) as err:
        ci.read_transcripts(tmp_path / "turns.jsonl")
    assert "private" not in str(err.value)
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--transcripts", str(tmp_path / "turns.jsonl")]
    _both_refuse(tmp_path, args, message)
    # the same text in a DataFrame: a short error naming the row, not the texts
    turns = pd.DataFrame({"customer_id": [int(_BASE_IDS[0])] * 2, "conversation_id": ["a", "a"],
                          "role": ["customer", "agent"],
                          "time": pd.to_datetime(["2025-06-01 10:00", "2025-06-01 10:01"]),
                          # object dtype: pandas 3's default string dtype cannot hold a
                          # lone surrogate at all
                          "text": pd.Series(["private " * 100, "bad \ud800 text"], dtype=object)})
    with pytest.raises(ValueError, match=r"text\[1\]: not valid UTF-8 text") as err:
        ci.CustomerInsight().score(_DATA.transactions, transcripts=turns)
    assert "private" not in str(err.value) and len(str(err.value)) < 200


def test_invalid_utf8_in_transcripts_names_file_and_line(tmp_path):
    """Issue: invalid UTF-8 in transcripts gave a codec message without file or line."""
    good = _turn(1, "c1", "agent", "2025-06-01 10:00:00").encode()
    (tmp_path / "turns.jsonl").write_bytes(good + b"\n" + good.replace(b"ok", b"\xff\xfe") + b"\n")
    message = "turns.jsonl: line 2: not UTF-8 text"
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        ci.read_transcripts(tmp_path / "turns.jsonl")
    args = ["--transactions", str(_transactions_csv(tmp_path / "tx.csv", [])),
            "--transcripts", str(tmp_path / "turns.jsonl")]
    _both_refuse(tmp_path, args, message)


def test_model_json_errors_name_the_key_and_its_type(tmp_path):
    """Issue: a parameter stored as a string said "lacks parameter r", a missing model key
    said "holds a , not a BetaGeoModel", and r = 1e308 loaded."""
    bg = ci.BetaGeoModel().fit(*[_SUMMARY[c] for c in ("frequency", "recency", "T")])
    bg.save(tmp_path / "bg.json")
    saved = json.loads((tmp_path / "bg.json").read_text())

    def load(edit):
        doc = json.loads(json.dumps(saved))
        edit(doc)
        (tmp_path / "edited.json").write_text(json.dumps(doc))
        return ci.BetaGeoModel.load(tmp_path / "edited.json")

    with pytest.raises(ValueError, match=r'params\.r = "0\.5" is a string, expected a number'):
        load(lambda d: d["params"].__setitem__("r", "0.5"))
    with pytest.raises(ValueError, match=r'the "model" key is missing'):
        load(lambda d: d.pop("model"))
    with pytest.raises(ValueError, match=r"params\.r = 1e\+308: must be positive and at most"):
        load(lambda d: d["params"].__setitem__("r", 1e308))
    with pytest.raises(ValueError, match=r"params\.a = -0\.5: must be positive"):
        load(lambda d: d["params"].__setitem__("a", -0.5))
    with pytest.raises(ValueError, match=r'fit\.iterations = "x" is a string, expected a whole'):
        load(lambda d: d["fit"].__setitem__("iterations", "x"))
