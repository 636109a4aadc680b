"""Loyalty and spend models on Dask: fitted once from pattern counts, applied per partition.

Identical (frequency, recency, T) rows are counted across partitions with a tree reduction;
the fit then runs once, in C++, on the distinct patterns with their counts as weights, so its
cost depends on the number of distinct histories, not on the number of customers. Patterns are
passed in the order the single-machine fit meets them (by their first customer id, as in the
id-sorted summary), so that both fits add the same numbers in the same order.
"""

from __future__ import annotations

import copy
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

from custinsight.loyalty import GammaGammaModel, _TransactionModel

from ._common import check_frame

__all__ = ["fit_loyalty", "fit_spend", "pattern_counts", "predict_loyalty", "spend_patterns"]

_HISTORY = ["frequency", "recency", "T"]
_FIRST = "first_customer"


def _count(summary: dd.DataFrame, keys: list[str], split_every: int | None) -> pd.DataFrame:
    id_col = summary.index.name or "index"
    frame = summary[keys].reset_index()
    if id_col not in frame.columns:  # an unnamed index comes back as "index"
        id_col = frame.columns[0]
    grouped = frame.groupby(keys, sort=False).agg({id_col: ["count", "min"]},
                                                  split_every=split_every)
    out = grouped.compute()
    out.columns = ["customers", _FIRST]
    out = out.reset_index().sort_values(_FIRST, kind="stable", ignore_index=True)
    out["customers"] = out["customers"].astype(np.float64)
    return out


def pattern_counts(summary: dd.DataFrame, *, split_every: int | None = None) -> pd.DataFrame:
    """Distinct (frequency, recency, T) histories of a summary with their customer counts.

    Parameters
    ----------
    summary : Dask DataFrame from :func:`rfm_summary`, indexed by customer id
    split_every : fan-in of the tree reduction (default Dask's, 8)

    Returns
    -------
    pandas DataFrame with frequency, recency, T, customers and first_customer (the smallest id
    with that history), ordered by first_customer. ``customers`` are the weights of a fit.
    """
    check_frame("summary", summary)
    missing = [c for c in _HISTORY if c not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks columns {missing}: pass the result of rfm_summary")
    return _count(summary, _HISTORY, split_every)


def spend_patterns(summary: dd.DataFrame, *, split_every: int | None = None) -> pd.DataFrame:
    """Distinct (frequency, monetary_value) of repeat buyers (both > 0) with their counts,
    ordered by first customer id: the data of a Gamma-Gamma fit."""
    check_frame("summary", summary)
    if "monetary_value" not in summary.columns:
        raise ValueError("summary has no monetary_value: summarise with monetary_value_col")
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    return _count(repeat, ["frequency", "monetary_value"], split_every)


def _patterns(data: Any, name: str, split_every: int | None, spend: bool) -> pd.DataFrame:
    if isinstance(data, dd.DataFrame):
        return spend_patterns(data, split_every=split_every) if spend else pattern_counts(
            data, split_every=split_every)
    if isinstance(data, pd.DataFrame) and "customers" in data.columns:
        return data
    raise TypeError(f"{name} must be a Dask summary (rfm_summary) or its pattern counts, "
                    f"got {type(data).__name__}")


def fit_loyalty(model: _TransactionModel, summary: Any, *, split_every: int | None = None,
                **fit_options: Any) -> _TransactionModel:
    """Fit a BG/NBD, MBG/NBD or Pareto/NBD model on a Dask summary.

    Parameters
    ----------
    model : an unfitted ``custinsight.BetaGeoModel``, ``ModifiedBetaGeoModel`` or
        ``ParetoNBDModel`` (its penalizer is used)
    summary : Dask DataFrame from :func:`rfm_summary`, or :func:`pattern_counts` of one
    fit_options : ``initial_params``, ``tol``, ``max_iterations`` of the model's ``fit``

    Returns
    -------
    the model, fitted with the parameters the single-machine fit on the whole summary finds;
    its ``data`` are the weighted patterns.
    """
    if not isinstance(model, _TransactionModel):
        raise TypeError("model must be a BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel, "
                        f"got {type(model).__name__}")
    patterns = _patterns(summary, "summary", split_every, spend=False)
    if len(patterns) == 0:
        raise ValueError("summary has no customers: nothing to fit")
    penalizer = model.penalizer_coef
    from custinsight.loyalty import ParetoNBDModel

    if isinstance(model, ParetoNBDModel) and penalizer > 0:
        # Pareto/NBD divides its penalty by the number of rows it is given; on patterns that is
        # fewer than the customers the single-machine fit sees, so scale it to match.
        model.penalizer_coef = penalizer * len(patterns) / float(patterns["customers"].sum())
    try:
        model.fit(patterns["frequency"].to_numpy(np.float64),
                  patterns["recency"].to_numpy(np.float64), patterns["T"].to_numpy(np.float64),
                  weights=patterns["customers"].to_numpy(np.float64), **fit_options)
    finally:
        model.penalizer_coef = penalizer
    return model


def fit_spend(model: GammaGammaModel, summary: Any, *, split_every: int | None = None,
              **fit_options: Any) -> GammaGammaModel:
    """Fit a Gamma-Gamma spend model on the repeat buyers of a Dask summary (frequency > 0 and
    monetary_value > 0), as ``model.fit(f[repeat], m[repeat])`` would on one machine."""
    if not isinstance(model, GammaGammaModel):
        raise TypeError(f"model must be a GammaGammaModel, got {type(model).__name__}")
    patterns = _patterns(summary, "summary", split_every, spend=True)
    if len(patterns) == 0:
        raise ValueError("summary has no repeat buyers with spend: nothing to fit")
    return model.fit(patterns["frequency"].to_numpy(np.float64),
                     patterns["monetary_value"].to_numpy(np.float64),
                     weights=patterns["customers"].to_numpy(np.float64), **fit_options)


def _predict(part: pd.DataFrame, model: _TransactionModel, horizon: float | None) -> pd.DataFrame:
    f = part["frequency"].to_numpy(np.float64)
    r = part["recency"].to_numpy(np.float64)
    t = part["T"].to_numpy(np.float64)
    out = pd.DataFrame(index=part.index)
    if len(part) == 0:
        out["p_alive"] = np.array([], dtype=np.float64)
        if horizon is not None:
            out["expected_purchases"] = np.array([], dtype=np.float64)
            out["churn_risk"] = np.array([], dtype=np.float64)
        return out
    out["p_alive"] = np.asarray(model.conditional_probability_alive(f, r, t), dtype=np.float64)
    if horizon is not None:
        out["expected_purchases"] = np.asarray(
            model.conditional_expected_number_of_purchases_up_to_time(horizon, f, r, t),
            dtype=np.float64)
        out["churn_risk"] = np.asarray(model.churn_risk(f, r, t, np.full(len(f), horizon)),
                                       dtype=np.float64)
    return out


def predict_loyalty(model: _TransactionModel, summary: dd.DataFrame,
                    horizon: float | None = None) -> dd.DataFrame:
    """Per-customer predictions of a fitted model, partition by partition.

    Returns a Dask DataFrame on the summary's index with ``p_alive`` and, given a ``horizon``
    (in the summary's time unit), ``expected_purchases`` and ``churn_risk`` (no purchase within
    the horizon), as the model's methods of those names give them.
    """
    check_frame("summary", summary)
    model.params_  # noqa: B018 - NotFittedError here, before any task is built
    meta = _predict(summary._meta, model, None if horizon is None else float(horizon))
    delayed_model = _delayed(lean(model))
    return summary.map_partitions(_predict, delayed_model,
                                  None if horizon is None else float(horizon), meta=meta)


def lean(model: Any) -> Any:
    """A copy of a fitted model without its fit data (the weighted patterns), which the
    partitions never read: what travels to the workers is parameters and fit statistics."""
    if model is None:
        return None
    out = copy.copy(model)
    out.__dict__.pop("data", None)
    return out


def _delayed(obj: Any) -> Any:
    """One graph key for an object used by every partition: it is sent to each worker once
    instead of being embedded in every task."""
    import dask

    return dask.delayed(obj, pure=True)
