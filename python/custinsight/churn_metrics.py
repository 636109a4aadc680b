"""How good a churn score is: AUC, Brier score, log loss, calibration table and lift.

Every function takes the outcome ``y_true`` (1 = churned, 0 = retained), a score or probability
and optional ``sample_weight``; computations run in C++ with the GIL released.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import as_float_array

__all__ = ["brier_score", "calibration_table", "churn_metrics", "lift_at", "log_loss", "roc_auc"]


def _inputs(y_true: Any, score: Any, sample_weight: Any, score_name: str):
    y = np.asarray(y_true)
    if y.dtype == bool:
        y = y.astype(np.float64)
    y = as_float_array("y_true", y)
    s = as_float_array(score_name, score)
    w = None if sample_weight is None else as_float_array("sample_weight", sample_weight)
    return y, s, w


def roc_auc(y_true: Any, y_score: Any, sample_weight: Any = None) -> float:
    """Area under the ROC curve: the probability that a random churner scores above a random
    non-churner, ties counting one half (Mann-Whitney with average ranks; equals scikit-learn's
    ``roc_auc_score``)."""
    y, s, w = _inputs(y_true, y_score, sample_weight, "y_score")
    return float(_core.churn.roc_auc(y, s, w))


def brier_score(y_true: Any, y_prob: Any, sample_weight: Any = None) -> float:
    """Weighted mean of (probability - outcome)^2; lower is better."""
    y, s, w = _inputs(y_true, y_prob, sample_weight, "y_prob")
    return float(_core.churn.brier_score(y, s, w))


def log_loss(y_true: Any, y_prob: Any, sample_weight: Any = None, eps: float = 1e-15) -> float:
    """Weighted mean negative log-likelihood; probabilities are clipped to [eps, 1 - eps]."""
    y, s, w = _inputs(y_true, y_prob, sample_weight, "y_prob")
    return float(_core.churn.log_loss(y, s, w, eps))


def lift_at(y_true: Any, y_score: Any, fraction: float = 0.1, sample_weight: Any = None) -> float:
    """Churn rate among the top ``fraction`` of customers by score over the overall churn
    rate. A tie group straddling the cut enters pro rata, so row order never matters."""
    y, s, w = _inputs(y_true, y_score, sample_weight, "y_score")
    return float(_core.churn.lift_at(y, s, float(fraction), w))


def calibration_table(y_true: Any, y_prob: Any, n_bins: int = 10,
                      sample_weight: Any = None) -> pd.DataFrame:
    """Predicted against observed churn by equal-count bins of the sorted probabilities
    (deciles by default): columns ``count``, ``weight``, ``mean_predicted``, ``observed_rate``,
    ``min_predicted``, ``max_predicted``, indexed by ``bin`` (1 = lowest predictions)."""
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError(f"n_bins={n_bins!r} must be an integer")
    y, s, w = _inputs(y_true, y_prob, sample_weight, "y_prob")
    out = _core.churn.calibration_table(y, s, w, int(n_bins))
    index = pd.Index(out.pop("bin"), name="bin")
    return pd.DataFrame(out, index=index)


def churn_metrics(y_true: Any, y_prob: Any, sample_weight: Any = None,
                  fraction: float = 0.1) -> dict[str, float]:
    """AUC, Brier score, log loss and lift at the top ``fraction`` in one dict."""
    return {
        "auc": roc_auc(y_true, y_prob, sample_weight),
        "brier": brier_score(y_true, y_prob, sample_weight),
        "log_loss": log_loss(y_true, y_prob, sample_weight),
        f"lift_at_{fraction:g}": lift_at(y_true, y_prob, fraction, sample_weight),
    }
