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

# loyalty (cpp/register_loyalty.cpp)
MODEL_FORMAT_VERSION: int
_F = npt.NDArray[np.float64]

class _LoyaltyModel:
    param_names: list[str]
    def __init__(self) -> None: ...
    @property
    def is_fitted(self) -> bool: ...
    def result(self) -> dict[str, Any]: ...
    def set_params(self, params: _F) -> None: ...
    def to_json(self) -> str: ...

class _TransactionModel(_LoyaltyModel):
    def fit(self, frequency: _F, recency: _F, T: _F, weights: _F | None = None,
            penalizer_coef: float = 0.0, initial_params: _F | None = None,
            max_iterations: int = 2000, gradient_tolerance: float = 1e-7) -> None: ...
    def conditional_probability_alive(self, frequency: _F, recency: _F, T: _F) -> _F: ...
    def conditional_expected_number_of_purchases_up_to_time(
        self, t: _F, frequency: _F, recency: _F, T: _F) -> _F: ...
    def conditional_expected_at_horizons(self, horizons: _F, frequency: _F, recency: _F,
                                         T: _F) -> _F: ...
    def expected_number_of_purchases_up_to_time(self, t: _F) -> _F: ...
    def churn_risk(self, frequency: _F, recency: _F, T: _F, horizon: _F) -> _F: ...
    def conditional_probability_alive_matrix(self, max_frequency: int, max_recency: int) -> _F: ...
    def customer_lifetime_value(self, frequency: _F, recency: _F, T: _F, monetary_value: _F,
                                time: int = 12, discount_rate: float = 0.01,
                                months_to_periods: float = 30.0) -> _F: ...

class BetaGeoModel(_TransactionModel):
    def probability_of_n_purchases_up_to_time(self, t: float, n: float) -> float: ...
    @staticmethod
    def from_json(text: str) -> BetaGeoModel: ...

class ModifiedBetaGeoModel(_TransactionModel):
    def probability_of_n_purchases_up_to_time(self, t: float, n: float) -> float: ...
    @staticmethod
    def from_json(text: str) -> ModifiedBetaGeoModel: ...

class ParetoNBDModel(_TransactionModel):
    @staticmethod
    def from_json(text: str) -> ParetoNBDModel: ...

class BetaGeoBetaBinomModel(_LoyaltyModel):
    def fit(self, frequency: _F, recency: _F, n_periods: _F, weights: _F | None = None,
            penalizer_coef: float = 0.0, initial_params: _F | None = None,
            max_iterations: int = 2000, gradient_tolerance: float = 1e-7) -> None: ...
    def conditional_probability_alive(self, m_periods_in_future: float, frequency: _F,
                                      recency: _F, n_periods: _F) -> _F: ...
    def conditional_expected_number_of_purchases_up_to_time(
        self, m_periods_in_future: float, frequency: _F, recency: _F, n_periods: _F) -> _F: ...
    @staticmethod
    def from_json(text: str) -> BetaGeoBetaBinomModel: ...

class GammaGammaModel(_LoyaltyModel):
    def fit(self, frequency: _F, monetary_value: _F, weights: _F | None = None,
            penalizer_coef: float = 0.0, initial_params: _F | None = None,
            max_iterations: int = 2000, gradient_tolerance: float = 1e-7) -> None: ...
    def conditional_expected_average_profit(self, frequency: _F, monetary_value: _F) -> _F: ...
    @staticmethod
    def from_json(text: str) -> GammaGammaModel: ...

def periods_per_month(freq: str) -> float: ...
