# Type stubs for the compiled module custinsight._core (bindings in cpp/).
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str
TOUCHPOINTS: list[str]

def set_num_threads(n: int) -> None: ...
def num_threads() -> int: ...

# rfm (cpp/register_rfm.cpp)
def rfm_summary_ticks(
    customer_id: npt.NDArray[np.int64],
    time: npt.NDArray[np.int64],
    amount: npt.NDArray[np.float64] | None = None,
    observation_end: int = ...,
    ticks_per_period: int = 1,
    offset: int = 0,
    freq_multiplier: float = 1.0,
    include_first_transaction: bool = False,
) -> dict[str, npt.NDArray[Any]]: ...
def rfm_summary_float(
    customer_id: npt.NDArray[np.int64],
    time: npt.NDArray[np.float64],
    amount: npt.NDArray[np.float64] | None = None,
    observation_end: float = ...,
    ticks_per_period: float = 1.0,
    offset: float = 0.0,
    freq_multiplier: float = 1.0,
    include_first_transaction: bool = False,
) -> dict[str, npt.NDArray[Any]]: ...
def calibration_and_holdout_ticks(
    customer_id: npt.NDArray[np.int64],
    time: npt.NDArray[np.int64],
    amount: npt.NDArray[np.float64] | None = None,
    calibration_end: int = ...,
    observation_end: int = ...,
    ticks_per_period: int = 1,
    offset: int = 0,
    freq_multiplier: float = 1.0,
    include_first_transaction: bool = False,
) -> dict[str, Any]: ...
def calibration_and_holdout_float(
    customer_id: npt.NDArray[np.int64],
    time: npt.NDArray[np.float64],
    amount: npt.NDArray[np.float64] | None = None,
    calibration_end: float = ...,
    observation_end: float = ...,
    ticks_per_period: float = 1.0,
    offset: float = 0.0,
    freq_multiplier: float = 1.0,
    include_first_transaction: bool = False,
) -> dict[str, Any]: ...

# simulate (cpp/register_simulate.cpp)
class SimulationConfig:
    n_customers: int
    seed: int
    r: float
    alpha: float
    a: float
    b: float
    p: float
    q: float
    gamma: float
    period_days: float
    acquisition_periods: float
    observation_periods: float
    response_rate: float
    missing_rating_rate: float
    missing_text_rate: float
    mismatch_rate: float
    satisfaction_loyalty_link: float
    touchpoint_share: list[float]
    touchpoint_effect: list[float]
    touchpoint_weight: list[float]
    def __init__(self) -> None: ...

def simulate(config: SimulationConfig) -> dict[str, dict[str, Any]]: ...

# churn (cpp/register_churn.cpp)
class LogisticModel:
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
