"""The simulator: reproducible, thread-independent, and faithful to its hidden truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


def test_same_seed_same_data_and_thread_independent():
    ci.set_num_threads(1)
    try:
        one = ci.simulate(20_000, seed=5)
    finally:
        ci.set_num_threads(0)
    two = ci.simulate(20_000, seed=5)
    pd.testing.assert_frame_equal(one.transactions, two.transactions)
    pd.testing.assert_frame_equal(one.responses, two.responses)
    other = ci.simulate(20_000, seed=6)
    assert not other.transactions["amount"].equals(one.transactions["amount"])


def test_schema_and_ranges():
    d = ci.simulate(3000, seed=1)
    assert list(d.transactions.columns) == ["customer_id", "datetime", "amount", "time"]
    assert d.transactions["datetime"].between(d.start, d.end).all()
    assert (d.transactions["amount"] > 0).all()
    r = d.responses
    assert set(r["touchpoint"].cat.categories) == set(ci.TOUCHPOINTS)
    assert r["csat"].dropna().between(1, 5).all()
    assert r["nps"].dropna().between(0, 10).all()
    assert 0 < r["text"].isna().mean() < 0.4
    assert len(d.customers) == 3000


def test_summary_of_simulated_log_matches_hidden_truth():
    # With float times in periods the summary counts distinct integer periods, so compare the
    # continuous-time truth only where it is unambiguous: customers without repeats.
    d = ci.simulate(5000, seed=2)
    s = ci.rfm_summary_arrays(d.transactions["customer_id"], d.transactions["time"],
                              observation_period_end=78.0)
    truth = d.customers
    no_repeat = truth["frequency"].to_numpy() == 0
    assert (s["frequency"][no_repeat] == 0).all()
    assert (s["frequency"] <= truth["frequency"].to_numpy()).all()


def test_feedback_tone_follows_hidden_satisfaction():
    d = ci.simulate(20_000, seed=3)
    r = d.responses.dropna(subset=["csat"])
    sat = d.customers["satisfaction"].reindex(r["customer_id"]).to_numpy()
    assert np.corrcoef(sat, r["csat"].astype(float))[0, 1] > 0.4
    text = d.responses.dropna(subset=["text"])
    angry = text["text"].str.contains("Terrible|awful|furious|Worst")
    sat_t = d.customers["satisfaction"].reindex(text["customer_id"]).to_numpy()
    angry = angry.to_numpy(dtype=bool)
    assert sat_t[angry].mean() < sat_t[~angry].mean() - 0.5


def test_share_of_churned_customers_matches_bgnbd():
    # P(dead by T) under BG/NBD for a customer observed for T periods can be checked by
    # simulation-free reasoning only loosely; here we check dead customers stopped buying.
    d = ci.simulate(10_000, seed=4)
    dead = d.customers[~d.customers["alive"]]
    last = d.transactions.groupby("customer_id")["time"].max().reindex(dead.index)
    np.testing.assert_allclose(last.to_numpy(), dead["death"].to_numpy(), rtol=1e-12)


def test_bad_settings():
    with pytest.raises(ValueError, match="alpha = -1"):
        ci.simulate(10, alpha=-1.0)
    with pytest.raises(TypeError, match="unknown setting 'nope'"):
        ci.simulate(10, nope=1)
    with pytest.raises(TypeError, match="n_customers"):
        ci.simulate("10")
    with pytest.raises(ValueError, match="n_customers = 0"):
        ci.simulate(0)
