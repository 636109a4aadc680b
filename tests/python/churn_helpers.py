"""Shared data for the churn tests: the CDNOW sample backtest and simulated logistic data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def cdnow_sample() -> pd.DataFrame:
    """CDNOW_sample.txt as a transaction log, or a skip when ../shared/data is absent."""
    path = SHARED_DATA / "CDNOW_sample.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent: real-data test skipped")
    raw = pd.read_csv(path, sep=r"\s+", header=None,
                      names=["customer_id", "sample_id", "date", "cds", "amount"])
    return pd.DataFrame({"customer_id": raw["sample_id"].astype(np.int64),
                         "datetime": pd.to_datetime(raw["date"].astype(str), format="%Y%m%d"),
                         "amount": raw["amount"].astype(np.float64)})


def cdnow_backtest() -> pd.DataFrame:
    """Features from the 39-week calibration (to 1997-09-30), in weeks measured to the day,
    and churned = no purchase in weeks 40-78 (to 1998-06-30)."""
    import custinsight as ci

    return ci.churn_backtest(cdnow_sample(), "1997-09-30", "1998-06-30",
                             monetary_value_col="amount", freq="D", freq_multiplier=7)


def simulated_logistic(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features on different scales and offsets with logistic labels from known coefficients."""
    rng = np.random.default_rng(seed)
    scale = 1.0 + np.arange(p)
    Z = rng.standard_normal((n, p))
    X = 3.0 + Z * scale
    beta = rng.normal(0.0, 0.3, p)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(Z @ beta - 0.5)))).astype(np.float64)
    return X, y, beta
