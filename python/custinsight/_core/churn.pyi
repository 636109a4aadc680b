# Type stubs for custinsight._core.churn (cpp/register_churn.cpp).
from typing import Any

import numpy as np
import numpy.typing as npt

class LogisticModel:
    # Returned by the fit functions only; pybind11 gives it no usable constructor.
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    @property
    def coef_z(self) -> npt.NDArray[np.float64]: ...
    @property
    def intercept_z(self) -> float: ...
    @property
    def coef(self) -> npt.NDArray[np.float64]: ...
    @property
    def intercept(self) -> float: ...
    @property
    def covariance_z(self) -> npt.NDArray[np.float64]: ...
    @property
    def covariance(self) -> npt.NDArray[np.float64]: ...
    @property
    def scaling(self) -> dict[str, Any]: ...
    @property
    def n_iter(self) -> int: ...
    @property
    def objective(self) -> float: ...
    @property
    def C(self) -> float: ...
    @property
    def standardize(self) -> bool: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> LogisticModel: ...

class CoxModel:
    # Returned by the fit functions only; pybind11 gives it no usable constructor.
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    @property
    def coef_z(self) -> npt.NDArray[np.float64]: ...
    @property
    def coef(self) -> npt.NDArray[np.float64]: ...
    @property
    def covariance_z(self) -> npt.NDArray[np.float64]: ...
    @property
    def covariance(self) -> npt.NDArray[np.float64]: ...
    @property
    def scaling(self) -> dict[str, Any]: ...
    @property
    def log_likelihood(self) -> float: ...
    @property
    def n_iter(self) -> int: ...
    @property
    def n_events(self) -> int: ...
    @property
    def penalizer(self) -> float: ...
    @property
    def ties(self) -> str: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> CoxModel: ...

def fit_logistic(
    X: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
    feature_names: list[str] = ...,
    C: float = 1.0,
    standardize: bool = True,
    class_weight_negative: float = 1.0,
    class_weight_positive: float = 1.0,
    impute_missing: bool = False,
    max_iter: int = 100,
    tol: float = 1e-10,
    subsample_threshold: int = 200000,
) -> LogisticModel: ...
def logistic_drivers(
    model: LogisticModel, X: npt.NDArray[np.float64], top_k: int = 3
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32], npt.NDArray[np.float64]]: ...
def fit_cox(
    X: npt.NDArray[np.float64],
    duration: npt.NDArray[np.float64],
    event: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
    feature_names: list[str] = ...,
    penalizer: float = 0.0,
    ties: str = "breslow",
    standardize: bool = True,
    impute_missing: bool = False,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> CoxModel: ...
def cox_drivers(
    model: CoxModel, X: npt.NDArray[np.float64], top_k: int = 3
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32], npt.NDArray[np.float64]]: ...
def roc_auc(
    y_true: npt.NDArray[np.float64],
    y_score: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> float: ...
def brier_score(
    y_true: npt.NDArray[np.float64],
    y_prob: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> float: ...
def log_loss(
    y_true: npt.NDArray[np.float64],
    y_prob: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
    eps: float = 1e-15,
) -> float: ...
def lift_at(
    y_true: npt.NDArray[np.float64],
    y_score: npt.NDArray[np.float64],
    fraction: float = 0.1,
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> float: ...
def calibration_table(
    y_true: npt.NDArray[np.float64],
    y_prob: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
    n_bins: int = 10,
) -> dict[str, npt.NDArray[Any]]: ...
