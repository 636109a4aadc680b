"""Churn metrics against scikit-learn and hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


def _scores(n=5_000, seed=0, levels=None):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.01, 0.99, n)
    if levels:
        p = np.round(p * levels) / levels  # heavy ties
        p = np.clip(p, 0.01, 0.99)
    y = (rng.random(n) < p).astype(float)
    w = rng.uniform(0.1, 2.0, n)
    return y, p, w


@pytest.mark.peers
@pytest.mark.parametrize("levels", [None, 7])
def test_match_sklearn(levels):
    metrics = pytest.importorskip("sklearn.metrics")
    y, p, w = _scores(levels=levels)
    assert ci.roc_auc(y, p) == pytest.approx(metrics.roc_auc_score(y, p), abs=1e-12)
    assert ci.roc_auc(y, p, w) == pytest.approx(metrics.roc_auc_score(y, p, sample_weight=w), abs=1e-12)
    assert ci.brier_score(y, p, w) == pytest.approx(metrics.brier_score_loss(y, p, sample_weight=w), rel=1e-12)
    assert ci.log_loss(y, p, w) == pytest.approx(metrics.log_loss(y, p, sample_weight=w), rel=1e-12)


def test_lift_and_calibration_by_hand():
    y = np.array([0, 0, 0, 1, 0, 0, 1, 0, 1, 1], float)
    s = np.arange(10) / 10.0
    # Top 20%: scores 0.9 and 0.8, both churners; overall rate 0.4: lift 2.5.
    assert ci.lift_at(y, s, fraction=0.2) == pytest.approx(2.5)
    table = ci.calibration_table(y, s, n_bins=5)
    assert list(table.index) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(table["observed_rate"], [0.0, 0.5, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(table["mean_predicted"], [0.05, 0.25, 0.45, 0.65, 0.85])
    assert (table["count"] == 2).all()
    m = ci.churn_metrics(y, s)
    assert set(m) == {"auc", "brier", "log_loss", "lift_at_0.1"}


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="single class"):
        ci.roc_auc(np.zeros(5), np.arange(5.0))
    with pytest.raises(ValueError, match=r"y_prob\[1\] = 1.5"):
        ci.brier_score([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match=r"y_true\[0\] = 3"):
        ci.log_loss([3, 1], [0.5, 0.5])
    with pytest.raises(ValueError, match="fraction"):
        ci.lift_at([0, 1], [0.1, 0.2], fraction=0)
    with pytest.raises(ValueError, match="length"):
        ci.roc_auc([0, 1, 1], [0.1, 0.2])
    assert ci.roc_auc(pd.Series([True, False, True]), pd.Series([0.9, 0.1, 0.5])) == 1.0
