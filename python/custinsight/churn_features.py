"""One row of churn features per customer as of a date, and the time-based backtest.

Sources, each optional except the transaction log; a missing source simply leaves its columns
out:

- transactions (always): ``frequency``, ``recency``, ``T`` (tenure), ``monetary_value`` (with
  amounts) exactly as :func:`custinsight.rfm_summary` defines them at ``as_of``; ``one_time_buyer``
  (1 when there is no repeat purchase period); ``ipt_mean`` and ``ipt_std``, the mean and
  (ddof = 0) standard deviation of the gaps between consecutive purchase periods (0 when
  undefined: no gap, or a single gap for the standard deviation); ``gap_ratio``, the time since
  the last purchase over the mean gap (0 for one-time buyers, whom ``one_time_buyer`` flags);
  ``spend_trend`` (with amounts), the least-squares slope of each purchase period's spend
  against time (currency per time unit, 0 with fewer than two purchase periods). Time is in
  ``freq`` periods divided by ``freq_multiplier``, like ``recency`` and ``T``.
- ``loyalty`` / ``satisfaction`` / ``extra``: per-customer DataFrames indexed by customer id
  (for example P(alive) and expected purchases from a loyalty model, or weighted satisfaction,
  the negative-response share, the latest NPS class and the touchpoints used). Numeric and
  boolean columns are joined as they are; text or categorical columns are one-hot encoded
  (``column=level``, all levels but the first in sorted order). Customers absent from such a
  frame get NaN: fill them, or fit with ``impute_missing=True``.
- ``contacts``: a contact log with the customer id column, a date column and optionally a
  direction column ('outbound' / 'inbound') and a complaint flag. Gives
  ``outbound_contacts_30d`` and ``outbound_contacts_90d`` (outbound contacts in the 30 and 90
  calendar days up to ``as_of``, to capture over-contacting) when the direction column exists,
  and ``ever_complained`` and ``days_since_complaint`` when the complaint column exists; for a
  customer who never complained, ``days_since_complaint`` is the length of the contact log's
  history up to ``as_of`` (a lower bound on the true value).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._validate import as_time_array, require_columns
from .rfm import _period_spec, _to_ns, rfm_summary

__all__ = ["churn_backtest", "churn_features"]

_DAY_NS = 86_400 * 10**9


def _datetimes(name: str, values: pd.Series) -> pd.Series:
    # The package's one time rule (offsets converted to UTC, every unit, out of range refused).
    ns, is_datetime = as_time_array(name, values.reset_index(drop=True))
    if not is_datetime:
        raise ValueError(f"{name} must hold dates, got numbers")
    return pd.Series(ns.view("datetime64[ns]"), index=values.index)


def _as_ns(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _purchase_features(tx: pd.DataFrame, id_col: str, dt_col: str, amount_col: str | None,
                       as_of_ns: int, freq: str, multiplier: float, index: pd.Index) -> pd.DataFrame:
    tick, offset = _period_spec(freq)
    period = (_as_ns(tx[dt_col]) + offset) // tick
    end_period = (as_of_ns + offset) // tick
    per = pd.DataFrame({"id": tx[id_col].to_numpy(), "period": period})
    per["amount"] = tx[amount_col].to_numpy(dtype=np.float64) if amount_col else 0.0
    per = per.groupby(["id", "period"], sort=True)["amount"].sum().reset_index()
    per["t"] = per["period"].astype(np.float64) / multiplier
    gaps = per.groupby("id")["t"].diff()
    per["gap"] = gaps
    grouped = per.groupby("id", sort=True)
    out = pd.DataFrame(index=index)
    ipt_mean = grouped["gap"].mean().reindex(index)
    ipt_std = grouped["gap"].std(ddof=0).reindex(index)
    count = grouped["gap"].count().reindex(index).fillna(0)
    last = grouped["t"].max().reindex(index)
    since_last = end_period / multiplier - last
    out["ipt_mean"] = ipt_mean.where(count >= 1, 0.0).to_numpy()
    out["ipt_std"] = ipt_std.where(count >= 2, 0.0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(count.to_numpy() >= 1, since_last.to_numpy() / ipt_mean.to_numpy(), 0.0)
    out["gap_ratio"] = np.where(np.isfinite(ratio), ratio, 0.0)
    if amount_col:
        # Least-squares slope of spend on time per customer, from grouped sums; time counts
        # from each customer's first period so the sums of squares do not cancel.
        per["u"] = per["t"] - grouped["t"].transform("min")
        per["uu"] = per["u"] * per["u"]
        per["ua"] = per["u"] * per["amount"]
        sums = per.groupby("id", sort=True)[["u", "amount", "uu", "ua"]].sum().reindex(index)
        n = grouped["t"].count().reindex(index).to_numpy(dtype=np.float64)
        den = n * sums["uu"].to_numpy() - sums["u"].to_numpy() ** 2
        num = n * sums["ua"].to_numpy() - sums["u"].to_numpy() * sums["amount"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where((n >= 2) & (den > 0), num / den, 0.0)
        out["spend_trend"] = slope
    return out


def _frame_columns(name: str, frame: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame indexed by customer id, "
                        f"got {type(frame).__name__}")
    if not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()][0]
        raise ValueError(f"{name} has more than one row for customer {dup!r}")
    parts = []
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
            parts.append(values.astype(np.float64).rename(str(col)))
        else:
            levels = sorted(values.dropna().astype(str).unique())
            for level in levels[1:]:
                indicator = (values.astype(str) == level).astype(np.float64)
                indicator[values.isna()] = np.nan
                parts.append(indicator.rename(f"{col}={level}"))
    if not parts:
        return pd.DataFrame(index=index)
    return pd.concat(parts, axis=1).reindex(index)


def _contact_features(contacts: pd.DataFrame, id_col: str, dt_col: str, direction_col: str,
                      complaint_col: str, as_of_ns: int, index: pd.Index) -> pd.DataFrame:
    require_columns(contacts, customer_id_col=id_col, contact_datetime_col=dt_col)
    times = _as_ns(_datetimes(dt_col, contacts[dt_col]))
    keep = times <= as_of_ns
    ids = contacts[id_col].to_numpy()[keep]
    times = times[keep]
    out = pd.DataFrame(index=index)
    age_days = (as_of_ns - times) / _DAY_NS
    if direction_col in contacts.columns:
        direction = contacts[direction_col].astype(str).str.lower().to_numpy()[keep]
        outbound = direction == "outbound"
        for days in (30, 90):
            hit = outbound & (age_days < days)
            counts = pd.Series(hit.astype(np.float64)).groupby(ids).sum()
            out[f"outbound_contacts_{days}d"] = counts.reindex(index).fillna(0.0).to_numpy()
    if complaint_col in contacts.columns:
        flag = contacts[complaint_col].fillna(False).astype(bool).to_numpy()[keep]
        history = age_days.max() if len(age_days) else 0.0
        last = pd.Series(age_days[flag]).groupby(ids[flag]).min()
        days = last.reindex(index)
        out["ever_complained"] = days.notna().astype(np.float64).to_numpy()
        out["days_since_complaint"] = days.fillna(history).to_numpy()
    return out


def churn_features(
    transactions: pd.DataFrame,
    as_of: Any,
    *,
    customer_id_col: str = "customer_id",
    datetime_col: str = "datetime",
    monetary_value_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    loyalty: pd.DataFrame | None = None,
    satisfaction: pd.DataFrame | None = None,
    extra: list[pd.DataFrame] | None = None,
    contacts: pd.DataFrame | None = None,
    contact_datetime_col: str | None = None,
    direction_col: str = "direction",
    complaint_col: str = "complaint",
) -> pd.DataFrame:
    """Churn features of every customer with a purchase on or before ``as_of``.

    Transactions after ``as_of`` are ignored, so the same call on a historical date gives the
    features a model would have seen then (see :func:`churn_backtest`). The columns and their
    definitions are listed in this module's docstring. Returns a DataFrame indexed by customer
    id (sorted), float columns only.
    """
    require_columns(transactions, customer_id_col=customer_id_col, datetime_col=datetime_col,
                    monetary_value_col=monetary_value_col)
    as_of_ns = _to_ns("as_of", as_of)
    times = _datetimes(datetime_col, transactions[datetime_col])
    mask = (_as_ns(times) <= as_of_ns)
    if not mask.any():
        raise ValueError(f"no transaction falls on or before as_of={as_of!r}")
    cols = [customer_id_col] + ([monetary_value_col] if monetary_value_col else [])
    tx = transactions.loc[mask, cols].copy()
    tx[datetime_col] = times[mask].to_numpy()
    rfm = rfm_summary(tx, customer_id_col, datetime_col, monetary_value_col,
                      observation_period_end=pd.Timestamp(as_of_ns), freq=freq,
                      freq_multiplier=freq_multiplier)
    out = rfm.copy()
    out["one_time_buyer"] = (out["frequency"] == 0).astype(np.float64)
    purchase = _purchase_features(tx, customer_id_col, datetime_col, monetary_value_col, as_of_ns,
                                  freq, float(freq_multiplier), out.index)
    out = out.join(purchase)
    frames = [("loyalty", loyalty), ("satisfaction", satisfaction)]
    frames += [(f"extra[{k}]", f) for k, f in enumerate(extra or [])]
    for name, frame in frames:
        if frame is None:
            continue
        part = _frame_columns(name, frame, out.index)
        clash = [c for c in part.columns if c in out.columns]
        if clash:
            raise ValueError(f"{name} repeats feature columns {clash}; rename them first")
        out = out.join(part)
    if contacts is not None:
        if not isinstance(contacts, pd.DataFrame):
            raise TypeError(f"contacts must be a DataFrame, got {type(contacts).__name__}")
        part = _contact_features(contacts, customer_id_col, contact_datetime_col or datetime_col,
                                 direction_col, complaint_col, as_of_ns, out.index)
        out = out.join(part)
    return out


def churn_backtest(
    transactions: pd.DataFrame,
    cutoff: Any,
    horizon: Any,
    *,
    customer_id_col: str = "customer_id",
    datetime_col: str = "datetime",
    label_col: str = "churned",
    **feature_options: Any,
) -> pd.DataFrame:
    """Features as of ``cutoff`` and the outcome that followed: the time-based backtest.

    ``horizon`` is either the end of the label window (a date after ``cutoff``) or its length
    (anything ``pd.Timedelta`` accepts, e.g. ``"273D"``). Every customer with a purchase on or
    before ``cutoff`` gets ``label_col`` = 1 when he made no purchase in (cutoff, end], else 0.
    ``feature_options`` go to :func:`churn_features`.
    """
    cutoff_ns = _to_ns("cutoff", cutoff)
    if isinstance(horizon, (pd.Timedelta, np.timedelta64)) or (
            isinstance(horizon, str) and not _looks_like_date(horizon)):
        end_ns = cutoff_ns + int(pd.Timedelta(horizon).value)
    else:
        end_ns = _to_ns("horizon", horizon)
    if end_ns <= cutoff_ns:
        raise ValueError("the label window is empty: horizon must end after cutoff")
    features = churn_features(transactions, pd.Timestamp(cutoff_ns), customer_id_col=customer_id_col,
                              datetime_col=datetime_col, **feature_options)
    times = _as_ns(_datetimes(datetime_col, transactions[datetime_col]))
    active = (times > cutoff_ns) & (times <= end_ns)
    buyers = pd.Index(pd.unique(transactions[customer_id_col].to_numpy()[active]))
    out = features.copy()
    out[label_col] = (~out.index.isin(buyers)).astype(np.float64)
    return out


def _looks_like_date(text: str) -> bool:
    try:
        pd.Timedelta(text)
        return False
    except ValueError:
        return True
