"""Churn on the CDNOW backtest: loyalty-model scores against the feature-based ChurnModel.

Features as of 1997-09-30 (39-week calibration); label: no purchase in weeks 40-78. The README and
notebooks/05_churn.ipynb report the same figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


@pytest.fixture(scope="module")
def backtest(cdnow_sample: pd.DataFrame) -> pd.DataFrame:
    return ci.churn_backtest(cdnow_sample, "1997-09-30", "1998-06-30", customer_id_col="sample_id",
                             datetime_col="date", monetary_value_col="dollar_value", freq="D",
                             freq_multiplier=7)


@pytest.mark.shared_data
def test_feature_model_beats_loyalty_scores_on_cdnow(backtest: pd.DataFrame) -> None:
    y = backtest["churned"].to_numpy()
    f, r, T = backtest["frequency"], backtest["recency"], backtest["T"]
    auc = {}
    for model in (ci.BetaGeoModel(), ci.ModifiedBetaGeoModel(), ci.ParetoNBDModel()):
        model.fit(f, r, T)
        name = type(model).__name__
        auc[f"{name} 1-P(alive)"] = ci.roc_auc(y, 1 - model.conditional_probability_alive(f, r, T))
        auc[f"{name} horizon"] = ci.roc_auc(y, model.churn_risk(f, r, T, 39.0))
    bg = ci.BetaGeoModel().fit(f, r, T)
    X = backtest.drop(columns=["churned"])
    X["p_alive"] = bg.conditional_probability_alive(f, r, T).to_numpy()
    X["expected_purchases_39w"] = bg.conditional_expected_number_of_purchases_up_to_time(
        39.0, f, r, T).to_numpy()
    cv = ci.cross_val_predict(ci.ChurnModel(C=1.0), X, y, n_splits=5, seed=0)
    auc["ChurnModel"] = ci.roc_auc(y, cv)
    # BG/NBD gives P(alive) = 1 to every customer without repeats, most of whom never return.
    assert auc["BetaGeoModel 1-P(alive)"] < 0.5
    for name in ("BetaGeoModel", "ModifiedBetaGeoModel", "ParetoNBDModel"):
        assert auc[f"{name} horizon"] > auc[f"{name} 1-P(alive)"] + 0.03
        assert auc["ChurnModel"] > auc[f"{name} horizon"]
    assert 0.75 < auc["ChurnModel"] < 0.85
    # Cross-validated probabilities are calibrated: Brier well below the base rate's.
    base = np.mean(y) * (1 - np.mean(y))
    assert ci.brier_score(y, cv) < 0.8 * base
