"""What drives satisfaction, and what to follow up: driver analysis, negative feedback terms,
alert rules and period-over-period trends per touchpoint."""

from __future__ import annotations

import re

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import as_float_array, require_columns
from .satisfaction import (
    _as_of_days,
    _call,
    _check_scores,
    _customer_codes,
    _group_codes,
    _time_days,
    polarity,
)

__all__ = [
    "ALERT_RULES",
    "driver_analysis",
    "negative_terms",
    "satisfaction_alerts",
    "touchpoint_matrix",
    "touchpoint_trend",
]

#: Names of the alert rules, in the order of their codes.
ALERT_RULES: tuple[str, ...] = tuple(_core.satisfaction.ALERT_RULES)


def driver_analysis(
    df: pd.DataFrame,
    target_col: str,
    driver_cols: Sequence[str] | None = None,
    *,
    ridge: float = 1e-3,
    missing: str = "drop",
) -> pd.DataFrame:
    """Which drivers move an outcome: ridge regression on standardised drivers.

    Regresses ``target_col`` (e.g. each customer's likelihood to recommend) on ``driver_cols``
    (e.g. per-touchpoint satisfaction). Outcome and drivers are standardised, so the penalty
    ``ridge`` treats every driver alike and the coefficients are standardised coefficients.

    Parameters
    ----------
    df : one row per customer
    target_col : the outcome
    driver_cols : the drivers; default every other numeric column
    ridge : penalty on the standardised scale (small values stabilise correlated drivers)
    missing : 'drop' leaves out rows with a missing driver; 'mean' fills it with the driver's mean

    Returns
    -------
    DataFrame indexed by driver: ``coefficient`` (original units), ``standardized`` and
    ``importance`` (share of the absolute standardised coefficients; sums to 1), sorted by
    importance. ``attrs`` holds ``intercept``, ``r_squared`` and ``n_used``.
    """
    require_columns(df, target_col=target_col)
    if driver_cols is None:
        driver_cols = [c for c in df.columns
                       if c != target_col and pd.api.types.is_numeric_dtype(df[c])]
    driver_cols = list(driver_cols)
    if not driver_cols:
        raise ValueError("no driver columns")
    for c in driver_cols:
        require_columns(df, driver_cols=c)
    x = np.column_stack([as_float_array(c, df[c], allow_nan=True) for c in driver_cols])
    y = as_float_array(target_col, df[target_col])
    for j, c in enumerate(driver_cols):
        if len(x) and np.isnan(x[:, j]).all():
            raise ValueError(f"driver_analysis: {c} has no values (every row is missing)")

    def rename(message: str) -> str:
        # The core names cells of its matrix "x[i, j]" and the outcome "y".
        m = re.match(r"x\[(\d+), (\d+)\](.*)", message, re.S)
        if m:
            return f"{driver_cols[int(m.group(2))]}[{m.group(1)}]{m.group(3)}"
        m = re.match(r"x column (\d+)(.*)", message, re.S)
        if m:
            return f"{driver_cols[int(m.group(1))]}{m.group(2)}"
        return re.sub(r"^y\b", target_col, message)

    raw = _call(_core.satisfaction.driver_analysis, "driver_analysis", np.ascontiguousarray(x), y,
                ridge=float(ridge), missing=missing, rename=rename)
    out = pd.DataFrame({"coefficient": raw.coefficient, "standardized": raw.standardized,
                        "importance": raw.importance},
                       index=pd.Index(driver_cols, name="driver"))
    out = out.sort_values("importance", ascending=False)
    out.attrs.update(intercept=float(raw.intercept), r_squared=float(raw.r_squared),
                     n_used=int(raw.n_used))
    return out


def touchpoint_matrix(scores: pd.DataFrame, *, prefix: str = "satisfaction_") -> pd.DataFrame:
    """Each customer's weighted satisfaction at each touchpoint (NaN where they gave no scored
    response there): the driver matrix for :func:`driver_analysis` on observed data."""
    _check_scores(scores)
    if "touchpoint" not in scores.columns:
        raise ValueError("scores has no 'touchpoint' column")
    ok = scores["score"].notna() & (scores["weight"] > 0)
    s = scores.loc[ok]
    ws = (s["score"] * s["weight"]).groupby([s["customer_id"], s["touchpoint"]], observed=True).sum()
    w = s["weight"].groupby([s["customer_id"], s["touchpoint"]], observed=True).sum()
    table = (ws / w).unstack("touchpoint")
    table.columns = [f"{prefix}{c}" for c in table.columns]
    return table


def negative_terms(
    df: pd.DataFrame,
    *,
    touchpoint_col: str = "touchpoint",
    text_col: str = "text",
    analyzer: Any = None,
    scores: pd.DataFrame | None = None,
    negative_threshold: float = -0.05,
    top_tokens: int = 5,
    top_n: int = 10,
) -> pd.DataFrame:
    """Feedback terms that most often drive negative responses, per touchpoint.

    Each text is scored with its ``top_tokens`` most contributing tokens (the analyser's
    ``token_k`` / ``token_k_contribution``). A response is negative when ``scores['negative']``
    says so or, without ``scores``, when its compound is below ``negative_threshold``. Terms
    are ranked per touchpoint by the number of negative responses in which they contributed
    negatively.

    Returns
    -------
    DataFrame with touchpoint, rank (1 = most frequent), term, n_responses, share (of the
    touchpoint's negative responses) and mean_contribution.
    """
    require_columns(df, touchpoint_col=touchpoint_col, text_col=text_col)
    if top_tokens < 1 or top_n < 1:
        raise ValueError("top_tokens and top_n must be at least 1")
    pol = polarity(df[text_col], analyzer, top_tokens=top_tokens)
    if scores is not None:
        _check_scores(scores)
        negative = scores["negative"].to_numpy(bool)
    else:
        negative = (pol["compound"] < negative_threshold).to_numpy()
    codes, labels = _group_codes(df[touchpoint_col], touchpoint_col,
                                 known=tuple(_core.TOUCHPOINTS))
    # Flatten the token columns into one list per response, coded against one vocabulary.
    tok = pol[[f"token_{k}" for k in range(1, top_tokens + 1)]].to_numpy(dtype=object)
    con = pol[[f"token_{k}_contribution" for k in range(1, top_tokens + 1)]].to_numpy(np.float64)
    present = pd.notna(tok) & np.isfinite(con)
    counts = present.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    flat_tokens = tok[present]
    token_codes, vocabulary = pd.factorize(pd.Series(flat_tokens, dtype=object).astype(str))
    raw = _call(_core.satisfaction.negative_terms, "negative_terms", codes, len(labels),
                negative.astype(np.uint8), offsets, token_codes.astype(np.int32),
                con[present].astype(np.float64), top_n=int(top_n))
    frames = []
    for label, terms in zip(labels, raw):
        if len(terms["token"]) == 0:
            continue
        frames.append(pd.DataFrame({
            touchpoint_col: label,
            "rank": np.arange(1, len(terms["token"]) + 1),
            "term": np.asarray(vocabulary)[terms["token"]],
            "n_responses": terms["n_responses"],
            "share": terms["share"],
            "mean_contribution": terms["mean_contribution"],
        }))
    if not frames:
        return pd.DataFrame(columns=[touchpoint_col, "rank", "term", "n_responses", "share",
                                     "mean_contribution"])
    return pd.concat(frames, ignore_index=True)


def satisfaction_alerts(
    df: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    nps_col: str | None = None,
    watch_col: str | None = None,
    watch: Sequence[Any] | None = None,
    detractor_max: float = 6,
    negative_text_threshold: float = -0.5,
    mismatch: bool = True,
    drop_threshold: float = 0.5,
    period_days: float = 30.0,
    as_of: Any = None,
    rules: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Turn scored responses into cases to follow up, each naming the rule that fired.

    Rules: ``detractor`` (an NPS answer <= ``detractor_max`` at a watched value of
    ``watch_col``, default the touchpoint; all values when ``watch`` is None),
    ``negative_text`` (compound <= ``negative_text_threshold``), ``mismatch`` (rating and text
    disagree), ``satisfaction_drop`` (a customer's mean score over the last ``period_days``
    is lower than over the ``period_days`` before by more than ``drop_threshold``; the case
    points at their latest response).

    Returns
    -------
    DataFrame with one row per case: row (the label in ``df``), customer_id, touchpoint,
    time, rule and value (the NPS answer, the compound, r~ - c, or the drop).
    """
    _check_scores(scores)
    if len(scores) != len(df) or not scores.index.equals(df.index):
        raise ValueError("scores must be satisfaction_scores of the same rows as df")
    require_columns(df, nps_col=nps_col, watch_col=watch_col)
    if "time" not in scores.columns:
        raise ValueError("scores has no 'time' column: score with time_col=")
    chosen = set(ALERT_RULES if rules is None else rules)
    unknown = chosen - set(ALERT_RULES)
    if unknown:
        raise ValueError(f"unknown rules {sorted(unknown)}; known: {list(ALERT_RULES)}")
    codes, _ = _customer_codes(scores, "customer_id")
    if watch_col is not None:
        gcodes, glabels = _group_codes(df[watch_col], watch_col)
    elif "touchpoint" in scores.columns:
        gcodes, glabels = _group_codes(scores["touchpoint"], "touchpoint")
    else:
        gcodes, glabels = np.full(len(df), -1, np.int32), pd.Index([])
    watch_mask = None
    if watch is not None:
        wanted = set(watch)
        watch_mask = np.array([v in wanted for v in glabels], dtype=np.uint8)
    times, is_datetime = _time_days(scores["time"], "time")
    as_of_days = _as_of_days(as_of, is_datetime, float(times.max()))
    nps = None if nps_col is None else as_float_array(nps_col, df[nps_col], allow_nan=True)
    raw = _call(
        _core.satisfaction.satisfaction_alerts, "satisfaction_alerts", customer=codes, group=gcodes, nps=nps,
        compound=scores["sentiment"].to_numpy(np.float64),
        rating_norm=scores["rating_norm"].to_numpy(np.float64),
        mismatch=scores["mismatch"].to_numpy(np.uint8),
        score=scores["score"].to_numpy(np.float64), time=times, watch=watch_mask,
        detractor="detractor" in chosen and nps is not None, detractor_max=float(detractor_max),
        negative_text="negative_text" in chosen,
        negative_text_threshold=float(negative_text_threshold),
        use_mismatch="mismatch" in chosen and mismatch,
        satisfaction_drop="satisfaction_drop" in chosen, drop_threshold=float(drop_threshold),
        period=float(period_days), as_of=as_of_days)
    rows = raw["row"]
    out = pd.DataFrame({
        "row": df.index.to_numpy()[rows],
        "customer_id": scores["customer_id"].to_numpy()[rows],
        "touchpoint": (scores["touchpoint"].to_numpy()[rows] if "touchpoint" in scores.columns
                       else None),
        "time": scores["time"].to_numpy()[rows],
        "rule": pd.Categorical.from_codes(raw["rule"].astype(np.int64), categories=list(ALERT_RULES)),
        "value": raw["value"],
    })
    return out


def touchpoint_trend(
    scores: pd.DataFrame,
    *,
    period_days: float = 30.0,
    as_of: Any = None,
    df: pd.DataFrame | None = None,
    nps_col: str | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each touchpoint's mean score over the last ``period_days`` against the period before.

    Returns a DataFrame indexed by touchpoint: ``current``, ``previous``, ``change``, ``z`` and
    two-sided ``p_value`` (Welch), ``n_current``, ``n_previous``; with ``df`` and ``nps_col``
    also ``nps_current`` and ``nps_previous``.
    """
    _check_scores(scores)
    if "time" not in scores.columns or "touchpoint" not in scores.columns:
        raise ValueError("scores needs 'time' and 'touchpoint' columns")
    codes, labels = _group_codes(scores["touchpoint"], "touchpoint")
    times, is_datetime = _time_days(scores["time"], "time")
    as_of_days = _as_of_days(as_of, is_datetime, float(times.max()))
    raw = _call(_core.satisfaction.period_trend, "touchpoint_trend", codes, len(labels),
                scores["score"].to_numpy(np.float64), times, as_of_days, float(period_days))
    out = pd.DataFrame({k: raw[k] for k in ("current", "previous", "change", "z", "p_value",
                                             "n_current", "n_previous")}, index=labels)
    if nps_col is not None:
        if df is None:
            raise ValueError("nps_col needs df (the responses scores was computed from)")
        require_columns(df, nps_col=nps_col)
        values = as_float_array(nps_col, df[nps_col], allow_nan=True)
        for name, lo, hi in (("nps_current", as_of_days - period_days, as_of_days),
                             ("nps_previous", as_of_days - 2 * period_days,
                              as_of_days - period_days)):
            in_period = (times > lo) & (times <= hi)
            masked = np.where(in_period, codes, -1).astype(np.int32)
            out[name] = _call(_core.satisfaction.nps_grouped, nps_col, values, masked, len(labels),
                              float(confidence), "normal", 2000, 0)["nps"]
    return out
