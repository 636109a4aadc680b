"""A seeded customer base with known ground truth, as pandas DataFrames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core

__all__ = ["SimulatedData", "simulate", "TOUCHPOINTS"]

TOUCHPOINTS: tuple[str, ...] = tuple(_core.TOUCHPOINTS)


@dataclass(frozen=True)
class SimulatedData:
    """Simulated data and its hidden truth.

    ``transactions``: customer_id, datetime, amount, and ``time`` in periods since ``start``.
    ``responses``: customer_id, datetime, touchpoint, csat (1-5, NA when not rated), nps (0-10,
    NA when not rated), text (NA when none).
    ``customers``: one row per customer with the truth: lambda, dropout, spend_rate,
    satisfaction, per-touchpoint satisfaction, likelihood_to_recommend, alive, death, and the
    exact continuous-time frequency, recency and T.
    """

    transactions: pd.DataFrame
    responses: pd.DataFrame
    customers: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    period_days: float
    touchpoint_weight: tuple[float, ...]


def simulate(n_customers: int = 10_000, seed: int = 42, *, start: Any = "2025-01-01",
             **settings: Any) -> SimulatedData:
    """Simulate a customer base with BG/NBD purchases, Gamma-Gamma spend and survey feedback.

    Parameters
    ----------
    n_customers, seed : size and seed; the same seed gives the same data on every machine
        and for any thread count
    start : date of period 0
    settings : any field of ``SimulationConfig``: r, alpha, a, b (BG/NBD, per period), p, q,
        gamma (Gamma-Gamma), period_days (default 7), acquisition_periods, observation_periods,
        response_rate, missing_rating_rate, missing_text_rate, mismatch_rate,
        satisfaction_loyalty_link, touchpoint_share, touchpoint_effect, touchpoint_weight
    """
    config = _core.simulation.SimulationConfig()
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)):
        raise TypeError(f"n_customers={n_customers!r} must be an integer")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed={seed!r} must be a non-negative integer")
    config.n_customers = int(n_customers)
    config.seed = int(seed)
    for name, value in settings.items():
        if not hasattr(config, name):
            raise TypeError(f"simulate() got an unknown setting {name!r}")
        try:
            setattr(config, name, value)
        except TypeError as err:
            raise TypeError(f"{name}={value!r}: {err}") from None
    raw = _core.simulation.simulate(config)
    start_ts = pd.Timestamp(start)
    day_ns = 86400 * 10**9
    period_ns = config.period_days * day_ns

    def to_datetime(t: np.ndarray) -> pd.Series:
        # Whole seconds: real logs rarely carry finer stamps, and this keeps the data exact.
        ns = np.round(t * period_ns / 1e9).astype(np.int64) * 10**9
        return pd.Series(start_ts.as_unit("ns").value + ns).astype("datetime64[ns]")

    tx = raw["transactions"]
    transactions = pd.DataFrame({
        "customer_id": tx["customer_id"],
        "datetime": to_datetime(tx["time"]).to_numpy(),
        "amount": tx["amount"],
        "time": tx["time"],
    })
    rs = raw["responses"]
    touchpoint = pd.Categorical.from_codes(rs["touchpoint"], categories=list(TOUCHPOINTS))
    text = pd.array([t if t else None for t in rs["text"]], dtype="string")
    responses = pd.DataFrame({
        "customer_id": rs["customer_id"],
        "datetime": to_datetime(rs["time"]).to_numpy(),
        "touchpoint": touchpoint,
        "csat": pd.array(np.where(rs["csat"] > 0, rs["csat"], 0), dtype="Int8").astype("Int8"),
        "nps": pd.array(rs["nps"], dtype="Int8"),
        "text": text,
    })
    responses.loc[rs["csat"] == 0, "csat"] = pd.NA
    responses.loc[rs["nps"] < 0, "nps"] = pd.NA
    responses = responses.sort_values(["datetime", "customer_id"], kind="stable",
                                      ignore_index=True)
    c = raw["customers"]
    customers = pd.DataFrame({k: c[k] for k in ("customer_id", "birth", "lambda", "dropout",
                                                "spend_rate", "satisfaction",
                                                "likelihood_to_recommend", "death", "frequency",
                                                "recency", "T")})
    customers["alive"] = c["alive"].astype(bool)
    for k, name in enumerate(TOUCHPOINTS):
        customers[f"satisfaction_{name}"] = c["touchpoint_satisfaction"][:, k]
    customers = customers.set_index("customer_id")
    end = start_ts + pd.Timedelta(days=config.observation_periods * config.period_days)
    return SimulatedData(transactions=transactions, responses=responses, customers=customers,
                         start=start_ts, end=end, period_days=config.period_days,
                         touchpoint_weight=tuple(config.touchpoint_weight))
