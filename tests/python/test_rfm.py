"""RFM summaries: hand-computed cases, lifetimes parity, the published CDNOW summary, bad input."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


def small_log() -> pd.DataFrame:
    # Customer "b": two purchases on 1 March (one period), then 4 and 11 March.
    return pd.DataFrame({
        "cust": ["b", "a", "b", "b", "b"],
        "when": pd.to_datetime(["2024-03-11 09:00", "2024-03-05 00:00", "2024-03-01 08:00",
                                "2024-03-04 00:00", "2024-03-01 17:30"]),
        "spend": [5.0, 9.0, 1.0, 2.0, 4.0],
    })


def test_hand_computed_daily_summary():
    s = ci.rfm_summary(small_log(), "cust", "when", "spend", observation_period_end="2024-03-13")
    assert list(s.index) == ["a", "b"]
    assert s.index.name == "cust"
    assert s.loc["a"].tolist() == [0.0, 0.0, 8.0, 0.0]
    # periods 1 Mar (1 + 4), 4 Mar (2), 11 Mar (5): two repeats with mean (2 + 5) / 2
    assert s.loc["b"].tolist() == [2.0, 10.0, 12.0, 3.5]


def test_freq_multiplier_and_weeks():
    df = small_log()
    s = ci.rfm_summary(df, "cust", "when", observation_period_end="2024-03-13", freq="D",
                       freq_multiplier=7)
    assert s.loc["b", "T"] == pytest.approx(12 / 7)
    w = ci.rfm_summary(df, "cust", "when", observation_period_end="2024-03-13", freq="W")
    # Weeks run Monday..Sunday: 1 Mar (Fri) is in the week of 26 Feb, 4 Mar starts the next week.
    assert w.loc["b"].tolist() == [2.0, 2.0, 2.0]


def test_arrays_api_and_float_times():
    out = ci.rfm_summary_arrays(np.array([2, 2, 1]), np.array([0.5, 3.2, 1.0]),
                                np.array([1.0, 2.0, 3.0]), observation_period_end=5.0)
    assert set(out) == {"customer_id", "frequency", "recency", "T", "monetary_value"}
    np.testing.assert_array_equal(out["customer_id"], [1, 2])
    np.testing.assert_array_equal(out["frequency"], [0, 1])
    np.testing.assert_array_equal(out["recency"], [0, 3])
    np.testing.assert_array_equal(out["T"], [4, 5])
    np.testing.assert_array_equal(out["monetary_value"], [0, 2])


def test_unsorted_input_equals_sorted_input():
    rng = np.random.default_rng(1)
    n = 5000
    df = pd.DataFrame({"id": rng.integers(0, 700, n),
                       "t": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 400, n), "D"),
                       "m": rng.gamma(2.0, 10.0, n).round(2)})
    a = ci.rfm_summary(df, "id", "t", "m")
    b = ci.rfm_summary(df.sort_values(["id", "t"]), "id", "t", "m")
    pd.testing.assert_frame_equal(a, b)


def test_calibration_and_holdout_hand_computed():
    df = pd.DataFrame({"id": [1, 1, 1, 1, 1, 2],
                       "t": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-06",
                                            "2024-01-06", "2024-01-09", "2024-01-07"]),
                       "m": [1.0, 2, 3, 4, 5, 6]})
    out = ci.calibration_and_holdout(df, "id", "t", "2024-01-04", "2024-01-11",
                                     monetary_value_col="m")
    assert list(out.index) == [1]  # customer 2 first bought in the holdout
    row = out.loc[1]
    assert row["frequency_cal"] == 1 and row["recency_cal"] == 2 and row["T_cal"] == 3
    assert row["frequency_holdout"] == 2 and row["monetary_value_holdout"] == 4.0
    assert row["duration_holdout"] == 7


# --- lifetimes parity -------------------------------------------------------------------------

@pytest.mark.peers
@pytest.mark.shared_data
@pytest.mark.parametrize("freq", ["D", "W"])
def test_matches_lifetimes_on_cdnow_master(cdnow_master, freq):
    utils = pytest.importorskip("lifetimes.utils")
    expected = utils.summary_data_from_transaction_data(
        cdnow_master, "customer_id", "date", "dollar_value", freq=freq)
    got = ci.rfm_summary(cdnow_master, "customer_id", "date", "dollar_value", freq=freq)
    assert got.index.equals(expected.index)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.peers
@pytest.mark.shared_data
def test_calibration_matches_lifetimes_on_cdnow_master(cdnow_master):
    utils = pytest.importorskip("lifetimes.utils")
    expected = utils.calibration_and_holdout_data(
        cdnow_master, "customer_id", "date", calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30", freq="D", monetary_value_col="dollar_value")
    got = ci.calibration_and_holdout(
        cdnow_master, "customer_id", "date", calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30", freq="D", monetary_value_col="dollar_value")
    assert list(got.columns) == list(expected.columns)
    assert got.index.equals(expected.index)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.shared_data
def test_reproduces_published_cdnow_summary(cdnow_sample, shared_data):
    published = pd.read_csv(shared_data / "cdnow_customers_summary_with_transactions.csv",
                            index_col="ID")
    cal = cdnow_sample[cdnow_sample["date"] <= "1997-09-30"]
    got = ci.rfm_summary(cal, "sample_id", "date", "dollar_value",
                         observation_period_end="1997-09-30", freq="D", freq_multiplier=7)
    assert len(got) == len(published) == 2357
    assert (got.index == published.index).all()
    np.testing.assert_array_equal(got["frequency"], published["x"])
    for ours, theirs in [("recency", "t_x"), ("T", "T"), ("monetary_value", "zbar")]:
        # the published file has two decimals
        np.testing.assert_allclose(got[ours], published[theirs], atol=0.005 + 1e-9)


# --- bad input --------------------------------------------------------------------------------

def _digest(df: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes()).hexdigest()


@pytest.mark.parametrize(
    ("mutate", "error", "message"),
    [
        (lambda d: d.assign(spend=[5.0, np.nan, 1.0, 2.0, 4.0]), ValueError, r"spend\[1\] is missing"),
        (lambda d: d.assign(spend=[5.0, 9.0, np.inf, 2.0, 4.0]), ValueError, r"spend\[2\] = inf"),
        (lambda d: d.assign(spend=[5.0, 9.0, 1.0, -2.0, 4.0]), ValueError,
         r"spend\[3\] = -2: must be non-negative"),
        (lambda d: d.assign(when=d["when"].where(d.index != 4)), ValueError, r"when\[4\] is missing \(NaT\)"),
        (lambda d: d.assign(cust=[None, "a", "b", "b", "b"]), ValueError, r"cust\[0\] is missing"),
        (lambda d: d.iloc[:0], ValueError, "empty"),
        (lambda d: d.assign(spend=["5", "x", "1", "2", "4"]), TypeError, r"spend\[1\] = 'x'"),
        (lambda d: d.assign(when=["2024-01-01", "not a date", "2024-01-02", "2024-01-03",
                                  "2024-01-04"]), ValueError, r"when\[1\] = 'not a date'"),
    ],
)
def test_bad_input_names_argument_and_row(mutate, error, message):
    df = mutate(small_log())
    before = _digest(df)
    with pytest.raises(error, match=message):
        ci.rfm_summary(df, "cust", "when", "spend", observation_period_end="2024-03-13")
    assert _digest(df) == before


def test_transaction_after_observation_end_is_an_error():
    with pytest.raises(ValueError, match=r"when\[0\] = .*falls after observation_period_end"):
        ci.rfm_summary(small_log(), "cust", "when", observation_period_end="2024-03-10")


def test_length_mismatch_and_missing_column():
    with pytest.raises(ValueError, match="time has length 2 but customer_id has length 3"):
        ci.rfm_summary_arrays([1, 2, 3], np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="datetime_col='nope' is not a column"):
        ci.rfm_summary(small_log(), "cust", "nope")
    with pytest.raises(ValueError, match="freq='M' is not supported"):
        ci.rfm_summary(small_log(), "cust", "when", freq="M")
    with pytest.raises(ValueError, match="freq_multiplier=0"):
        ci.rfm_summary(small_log(), "cust", "when", freq_multiplier=0)
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        ci.rfm_summary({"cust": [1]}, "cust", "when")


def test_readonly_fortran_and_big_endian_arrays_are_accepted_unchanged():
    ids = np.asfortranarray(np.array([3, 1, 3], dtype=">i8"))
    t = np.array([[0.0, 9.0], [2.0, 9.0], [4.0, 9.0]])[:, 0]  # a strided view
    m = np.array([1.0, 2.0, 3.0])
    for a in (ids, m):
        a.setflags(write=False)
    out = ci.rfm_summary_arrays(ids, t, m, observation_period_end=5.0)
    np.testing.assert_array_equal(out["customer_id"], [1, 3])
    np.testing.assert_array_equal(out["frequency"], [0, 1])
    np.testing.assert_array_equal(ids, [3, 1, 3])
