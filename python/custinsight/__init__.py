"""custinsight: customer-insight scoring on a fast C++ core.

Loyalty (RFM and buy-till-you-die models), churn risk and sentiment-weighted satisfaction,
joined per customer. Arrays and DataFrames in, arrays and DataFrames out.
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as err:  # pragma: no cover - only when the package was not built
    raise ImportError(
        "custinsight's compiled extension (custinsight._core) was not built or cannot be loaded: "
        "install the package with `pip install .` (or run `scripts/test`) from the source tree. "
        f"Original error: {err}"
    ) from err

from ._core import num_threads, set_num_threads
from .churn import ChurnModel, CoxPHModel, cross_val_predict
from .churn_features import churn_backtest, churn_features
from .churn_metrics import (brier_score, calibration_table, churn_metrics, lift_at, log_loss,
                            roc_auc)
from .rfm import calibration_and_holdout, rfm_summary, rfm_summary_arrays
from .simulate import TOUCHPOINTS, SimulatedData, simulate

__version__: str = _core.__version__

__all__ = [
    "TOUCHPOINTS",
    "ChurnModel",
    "CoxPHModel",
    "SimulatedData",
    "__version__",
    "brier_score",
    "calibration_and_holdout",
    "calibration_table",
    "churn_backtest",
    "churn_features",
    "churn_metrics",
    "cross_val_predict",
    "lift_at",
    "log_loss",
    "num_threads",
    "rfm_summary",
    "rfm_summary_arrays",
    "roc_auc",
    "set_num_threads",
    "simulate",
]
