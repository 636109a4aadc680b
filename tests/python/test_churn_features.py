"""churn_features and churn_backtest on a hand-computed log and on the CDNOW sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from churn_helpers import SHARED_DATA, cdnow_backtest, cdnow_sample

import custinsight as ci

AS_OF = "2025-02-10"


def _log() -> pd.DataFrame:
    rows = [("A", "2025-01-01", 10.0), ("A", "2025-01-11", 20.0), ("A", "2025-01-31", 30.0),
            ("A", "2025-01-31", 5.0), ("B", "2025-02-01", 50.0), ("A", "2025-03-01", 99.0)]
    return pd.DataFrame({"customer_id": [r[0] for r in rows],
                         "datetime": pd.to_datetime([r[1] for r in rows]),
                         "amount": [r[2] for r in rows]})


def test_transaction_features_by_hand():
    f = ci.churn_features(_log(), AS_OF, monetary_value_col="amount")
    assert list(f.index) == ["A", "B"]
    a, b = f.loc["A"], f.loc["B"]
    # A bought on days 0, 10 and 30 (two purchases that day, 35 in all); as_of is day 40.
    assert (a["frequency"], a["recency"], a["T"], a["monetary_value"]) == (2, 30, 40, 27.5)
    assert (a["one_time_buyer"], a["ipt_mean"], a["ipt_std"]) == (0, 15, 5)
    assert a["gap_ratio"] == pytest.approx(10 / 15)
    assert a["spend_trend"] == pytest.approx(np.polyfit([0, 10, 30], [10, 20, 35], 1)[0])
    assert (b["frequency"], b["T"], b["one_time_buyer"], b["ipt_mean"], b["gap_ratio"],
            b["spend_trend"]) == (0, 9, 1, 0, 0, 0)
    # Without amounts the spend columns are simply absent.
    g = ci.churn_features(_log(), AS_OF)
    assert "monetary_value" not in g.columns and "spend_trend" not in g.columns


def test_weekly_units_follow_freq_multiplier():
    f = ci.churn_features(_log(), AS_OF, freq="D", freq_multiplier=7)
    assert f.loc["A", "T"] == pytest.approx(40 / 7)
    assert f.loc["A", "ipt_mean"] == pytest.approx(15 / 7)


def test_extra_sources_and_contact_log():
    loyalty = pd.DataFrame({"p_alive": [0.9, 0.4]}, index=["A", "B"])
    satisfaction = pd.DataFrame({"weighted_satisfaction": [4.5, np.nan],
                                 "nps_class": ["promoter", "detractor"]}, index=["B", "A"])
    contacts = pd.DataFrame({
        "customer_id": ["A", "A", "A", "B", "A"],
        "datetime": pd.to_datetime(["2025-02-05", "2025-01-01", "2025-01-20", "2025-03-01",
                                    "2025-02-20"]),
        "direction": ["outbound", "Outbound", "inbound", "outbound", "outbound"],
        "complaint": [False, False, True, True, True],
    })
    f = ci.churn_features(_log(), AS_OF, loyalty=loyalty, satisfaction=satisfaction,
                          contacts=contacts)
    assert f.loc["A", "p_alive"] == 0.9
    assert f.loc["B", "weighted_satisfaction"] == 4.5 and np.isnan(f.loc["A", "weighted_satisfaction"])
    assert f.loc["A", "nps_class=promoter"] == 0.0 and f.loc["B", "nps_class=promoter"] == 1.0
    assert "nps_class=detractor" not in f.columns
    # Contacts after as_of (B's, and A's on 20 February) do not count.
    assert (f.loc["A", "outbound_contacts_30d"], f.loc["A", "outbound_contacts_90d"]) == (1, 2)
    assert (f.loc["B", "outbound_contacts_30d"], f.loc["B", "outbound_contacts_90d"]) == (0, 0)
    assert (f.loc["A", "ever_complained"], f.loc["A", "days_since_complaint"]) == (1, 21)
    # Never complained: the contact log's history up to as_of (from 1 January: 40 days).
    assert (f.loc["B", "ever_complained"], f.loc["B", "days_since_complaint"]) == (0, 40)
    # Missing sources leave their columns out.
    bare = ci.churn_features(_log(), AS_OF, contacts=contacts.drop(columns=["direction", "complaint"]))
    assert not any(c.startswith(("outbound", "ever", "days_since")) for c in bare.columns)


def test_backtest_label():
    bt = ci.churn_backtest(_log(), AS_OF, "30D")
    # A buys again on 1 March (within 30 days), B does not.
    assert bt.loc["A", "churned"] == 0.0 and bt.loc["B", "churned"] == 1.0
    assert ci.churn_backtest(_log(), AS_OF, "2025-02-20").loc["A", "churned"] == 1.0
    with pytest.raises(ValueError, match="after cutoff"):
        ci.churn_backtest(_log(), AS_OF, "2025-01-01")
    with pytest.raises(ValueError, match="no transaction"):
        ci.churn_features(_log(), "2024-01-01")


@pytest.mark.shared_data
def test_cdnow_backtest_against_the_published_summary():
    bt = cdnow_backtest()
    summary_path = Path(SHARED_DATA) / "cdnow_customers_summary.csv"
    summary = pd.read_csv(summary_path).set_index("ID")
    assert len(bt) == len(summary) == 2357
    joined = bt.join(summary.add_suffix("_ref"))
    np.testing.assert_allclose(joined["frequency"], joined["frequency_ref"])
    # The published file rounds weeks to two decimals.
    np.testing.assert_allclose(joined["recency"], joined["recency_ref"], atol=0.005 + 1e-12)
    np.testing.assert_allclose(joined["T"], joined["T_ref"], atol=0.005 + 1e-12)
    # The label, counted directly: customers without a purchase after 1997-09-30.
    tx = cdnow_sample()
    later = set(tx.loc[tx["datetime"] > "1997-09-30", "customer_id"])
    assert bt["churned"].sum() == sum(1 for c in bt.index if c not in later)


@pytest.mark.shared_data
def test_cdnow_feature_model_beats_recency_alone():
    bt = cdnow_backtest()
    X, y = bt.drop(columns="churned"), bt["churned"]
    oof = ci.cross_val_predict(ci.ChurnModel(C=1.0), X, y, n_splits=5, seed=0)
    baseline = ci.cross_val_predict(ci.ChurnModel(C=1.0), (X["T"] - X["recency"]).to_frame("since_last"),
                                    y, n_splits=5, seed=0)
    assert ci.roc_auc(y, oof) > ci.roc_auc(y, baseline)
    assert ci.brier_score(y, oof) < ci.brier_score(y, baseline)
