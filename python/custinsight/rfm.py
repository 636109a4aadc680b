"""Transaction log -> RFM summary, with lifetimes' keyword names and definitions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import (as_float_array, as_id_array, as_time_array, renamed_errors,
                        require_columns, timestamp_ns)

__all__ = ["calibration_and_holdout", "rfm_summary", "rfm_summary_arrays"]

_NS_PER = {"s": 10**9, "min": 60 * 10**9, "h": 3600 * 10**9, "D": 86400 * 10**9}
_ALIASES = {"H": "h", "T": "min", "S": "s", "W-SUN": "W", "d": "D", "w": "W"}
# 1970-01-01 was a Thursday: shifting by three days makes weeks run Monday..Sunday as pandas'
# "W" (W-SUN) periods do.
_WEEK_OFFSET_NS = 3 * 86400 * 10**9


def _period_spec(freq: str) -> tuple[int, int]:
    f = _ALIASES.get(freq, freq)
    if f == "W":
        return 7 * _NS_PER["D"], _WEEK_OFFSET_NS
    if f in _NS_PER:
        return _NS_PER[f], 0
    raise ValueError(f"freq={freq!r} is not supported; use one of 's', 'min', 'h', 'D', 'W'")


def _to_ns(name: str, value: Any) -> int:
    return timestamp_ns(name, value)


def _check_multiplier(freq_multiplier: Any) -> float:
    try:
        m = float(freq_multiplier)
    except (TypeError, ValueError) as err:
        raise TypeError(f"freq_multiplier={freq_multiplier!r} is not a number") from err
    if not np.isfinite(m) or m <= 0:
        raise ValueError(f"freq_multiplier={freq_multiplier!r}: must be finite and positive")
    return m


def rfm_summary_arrays(
    customer_id: Any,
    time: Any,
    monetary_value: Any = None,
    *,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
) -> dict[str, np.ndarray]:
    """Summarise a transaction log given as arrays.

    Parameters
    ----------
    customer_id : array of int64 or str
    time : array of datetime64 (grouped into ``freq`` periods) or of float times already
        measured in periods (purchases with the same integer part share a period)
    monetary_value : array of float, optional
    observation_period_end : date or float, default the latest time
    freq : {'s', 'min', 'h', 'D', 'W'}; for datetimes only
    freq_multiplier : recency and T are divided by this (e.g. ``freq='D', freq_multiplier=7``
        gives weeks measured to the day)

    Returns
    -------
    dict with ``customer_id``, ``frequency``, ``recency``, ``T`` and, when amounts are given,
    ``monetary_value``: one entry per customer, sorted by id.
    """
    ids, uniques = as_id_array("customer_id", customer_id)
    times, is_datetime = as_time_array("time", time)
    amount = None if monetary_value is None else as_float_array("monetary_value", monetary_value)
    multiplier = _check_multiplier(freq_multiplier)
    if len(ids) != len(times):
        raise ValueError(f"time has length {len(times)} but customer_id has length {len(ids)}")
    if len(ids) == 0:
        raise ValueError("customer_id is empty: no transactions to summarise")
    if is_datetime:
        tick, offset = _period_spec(freq)
        end = int(times.max()) if observation_period_end is None else _to_ns(
            "observation_period_end", observation_period_end)
        out = _core.rfm.rfm_summary_ticks(ids, times, amount, end, tick, offset, multiplier,
                                      include_first_transaction)
    else:
        end = float(times.max()) if observation_period_end is None else float(observation_period_end)
        out = _core.rfm.rfm_summary_float(ids, times, amount, end, 1.0, 0.0, multiplier,
                                      include_first_transaction)
    if uniques is not None:
        out["customer_id"] = uniques[out["customer_id"]]
    return out


def _frame(out: dict[str, np.ndarray], index_name: str, columns: list[str]) -> pd.DataFrame:
    index = pd.Index(out["customer_id"], name=index_name)
    return pd.DataFrame({c: np.asarray(out[c], dtype=np.float64) for c in columns}, index=index)


def rfm_summary(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    datetime_format: str | None = None,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """Per-customer frequency, recency, T and monetary value from a transaction log.

    The keywords and results are those of lifetimes' ``summary_data_from_transaction_data``:
    purchases in the same ``freq`` period count once (their amounts are summed), ``frequency`` is
    the number of repeat periods, ``recency`` and ``T`` are measured from the first purchase period
    to the last one and to the end of observation, and ``monetary_value`` is the mean of the repeat
    periods' amounts (0 for customers without repeats). Returns a DataFrame indexed by customer id.
    Unlike lifetimes, a transaction after ``observation_period_end`` is an error, not dropped.
    """
    require_columns(transactions, customer_id_col=customer_id_col, datetime_col=datetime_col,
                    monetary_value_col=monetary_value_col)
    times = transactions[datetime_col]
    if datetime_format is not None:
        times = pd.to_datetime(times, format=datetime_format)
    with renamed_errors(customer_id=customer_id_col, time=datetime_col,
                        monetary_value=monetary_value_col):
        out = rfm_summary_arrays(
            transactions[customer_id_col],
            times,
            None if monetary_value_col is None else transactions[monetary_value_col],
            observation_period_end=observation_period_end,
            freq=freq,
            freq_multiplier=freq_multiplier,
            include_first_transaction=include_first_transaction,
        )
    columns = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col else [])
    return _frame(out, customer_id_col, columns)


def calibration_and_holdout(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    calibration_period_end: Any,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
    monetary_value_col: str | None = None,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """Calibration summary plus what each calibration customer did in the holdout period.

    Matches lifetimes' ``calibration_and_holdout_data``: columns ``frequency_cal``,
    ``recency_cal``, ``T_cal`` [``monetary_value_cal``], ``frequency_holdout`` (distinct holdout
    periods) [``monetary_value_holdout``, the mean holdout transaction] and ``duration_holdout``.
    Customers whose first purchase falls in the holdout are not included.
    """
    require_columns(transactions, customer_id_col=customer_id_col, datetime_col=datetime_col,
                    monetary_value_col=monetary_value_col)
    raw_times = transactions[datetime_col]
    if datetime_format is not None:
        raw_times = pd.to_datetime(raw_times, format=datetime_format)
    ids, uniques = as_id_array(customer_id_col, transactions[customer_id_col])
    times, is_datetime = as_time_array(datetime_col, raw_times)
    amount = (None if monetary_value_col is None
              else as_float_array(monetary_value_col, transactions[monetary_value_col]))
    multiplier = _check_multiplier(freq_multiplier)
    if len(ids) == 0:
        raise ValueError(f"{customer_id_col} is empty: no transactions to summarise")
    with renamed_errors(customer_id=customer_id_col, time=datetime_col,
                        monetary_value=monetary_value_col):
        out = _calibration_and_holdout_core(ids, times, is_datetime, amount, calibration_period_end,
                                            observation_period_end, freq, multiplier,
                                            include_first_transaction)
    if uniques is not None:
        out["customer_id"] = uniques[out["customer_id"]]
    n = len(out["customer_id"])
    out = {**out, "duration_holdout": np.full(n, out["duration_holdout"])}
    columns = ["frequency", "recency", "T"] + (["monetary_value"] if amount is not None else [])
    frame = _frame(out, customer_id_col, columns)
    frame.columns = [c + "_cal" for c in columns]
    frame["frequency_holdout"] = out["frequency_holdout"]
    if amount is not None:
        frame["monetary_value_holdout"] = out["monetary_value_holdout"]
    frame["duration_holdout"] = out["duration_holdout"]
    return frame


def _calibration_and_holdout_core(ids: np.ndarray, times: np.ndarray, is_datetime: bool,
                                  amount: np.ndarray | None, calibration_period_end: Any,
                                  observation_period_end: Any, freq: str, multiplier: float,
                                  include_first_transaction: bool) -> dict[str, Any]:
    if is_datetime:
        tick, offset = _period_spec(freq)
        cal = _to_ns("calibration_period_end", calibration_period_end)
        end = int(times.max()) if observation_period_end is None else _to_ns(
            "observation_period_end", observation_period_end)
        return _core.rfm.calibration_and_holdout_ticks(ids, times, amount, cal, end, tick, offset,
                                                   multiplier, include_first_transaction)
    cal = float(calibration_period_end)
    end = float(times.max()) if observation_period_end is None else float(observation_period_end)
    return _core.rfm.calibration_and_holdout_float(ids, times, amount, cal, end, 1.0, 0.0, multiplier,
                                               include_first_transaction)
