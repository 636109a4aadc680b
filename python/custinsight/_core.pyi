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

# satisfaction (cpp/register_satisfaction.cpp)
ALERT_RULES: list[str]
DEFAULT_JARGON: list[str]
DEFAULT_CONDESCENSION: list[str]
DEFAULT_IMPATIENCE: list[str]
DEFAULT_CONFUSION: list[str]

def csat_grouped(
    ratings: npt.NDArray[np.float64],
    group: npt.NDArray[np.int32],
    n_groups: int,
    scale_min: float = 1.0,
    scale_max: float = 5.0,
    satisfied_min: float = 4.0,
) -> dict[str, npt.NDArray[Any]]: ...
def nps_grouped(
    scores: npt.NDArray[np.float64],
    group: npt.NDArray[np.int32],
    n_groups: int,
    confidence: float = 0.95,
    method: str = "normal",
    n_bootstrap: int = 2000,
    seed: int = 0,
) -> dict[str, npt.NDArray[Any]]: ...
def ces_grouped(
    ratings: npt.NDArray[np.float64],
    group: npt.NDArray[np.int32],
    n_groups: int,
    scale_min: float = 1.0,
    scale_max: float = 7.0,
    higher_is_easier: bool = True,
) -> dict[str, npt.NDArray[Any]]: ...
def weighted_satisfaction(
    rating: npt.NDArray[np.float64] | None = None,
    scale_index: npt.NDArray[np.int32] | None = None,
    *,
    scales: list[tuple[float, float, bool]],
    compound: npt.NDArray[np.float64] | None = None,
    time: npt.NDArray[np.float64] | None = None,
    rating_weight: float = 0.5,
    text_weight: float = 0.5,
    mismatch_threshold: float = 1.0,
    negative_threshold: float = -0.05,
    half_life: float = 90.0,
    as_of: float = 0.0,
) -> dict[str, npt.NDArray[Any]]: ...
def rollup_customers(
    customer: npt.NDArray[np.int32],
    n_customers: int,
    score: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    time: npt.NDArray[np.float64],
    touchpoint: npt.NDArray[np.int32],
    negative: npt.NDArray[np.uint8] | None = None,
    mismatch: npt.NDArray[np.uint8] | None = None,
) -> dict[str, npt.NDArray[Any]]: ...
def rollup_groups(
    group: npt.NDArray[np.int32],
    n_groups: int,
    score: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    compound: npt.NDArray[np.float64] | None = None,
    negative: npt.NDArray[np.uint8] | None = None,
    mismatch: npt.NDArray[np.uint8] | None = None,
) -> dict[str, npt.NDArray[Any]]: ...
def touchpoint_consistency(
    group: npt.NDArray[np.int32],
    n_groups: int,
    score: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    alpha: float = 0.05,
    min_effective_n: float = 5.0,
) -> dict[str, Any]: ...
def driver_analysis(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    ridge: float = 1e-3,
    missing: str = "drop",
) -> dict[str, Any]: ...
def negative_terms(
    group: npt.NDArray[np.int32],
    n_groups: int,
    negative: npt.NDArray[np.uint8],
    token_offsets: npt.NDArray[np.int64],
    token: npt.NDArray[np.int32],
    contribution: npt.NDArray[np.float64],
    top_n: int = 10,
) -> list[dict[str, npt.NDArray[Any]]]: ...
def conversation_quality(
    conversation: npt.NDArray[np.int32],
    n_conversations: int,
    role: npt.NDArray[np.uint8],
    time: npt.NDArray[np.float64],
    text: list[str],
    compound: npt.NDArray[np.float64],
    jargon: list[str] | None = None,
    condescension: list[str] | None = None,
    impatience: list[str] | None = None,
    confusion: list[str] | None = None,
    edge_turns: int = 1,
    delay_scale: float = 120.0,
    jargon_cap: float = 0.15,
    repeat_similarity: float = 0.5,
    weights: list[float] = ...,
) -> dict[str, npt.NDArray[Any]]: ...
def rollup_agents(
    agent: npt.NDArray[np.int32],
    n_agents: int,
    quality: npt.NDArray[np.float64],
    mean_delay: npt.NDArray[np.float64],
    agent_tokens: npt.NDArray[np.int64],
    jargon_tokens: npt.NDArray[np.int64],
    condescension: npt.NDArray[np.int32],
    impatience: npt.NDArray[np.int32],
    confusion: npt.NDArray[np.int32],
    repeated_questions: npt.NDArray[np.int32],
    sentiment_last: npt.NDArray[np.float64],
    sentiment_change: npt.NDArray[np.float64],
) -> dict[str, npt.NDArray[Any]]: ...
def satisfaction_alerts(
    customer: npt.NDArray[np.int32],
    group: npt.NDArray[np.int32],
    nps: npt.NDArray[np.float64] | None = None,
    compound: npt.NDArray[np.float64] | None = None,
    rating_norm: npt.NDArray[np.float64] | None = None,
    mismatch: npt.NDArray[np.uint8] | None = None,
    *,
    score: npt.NDArray[np.float64],
    time: npt.NDArray[np.float64],
    watch: npt.NDArray[np.uint8] | None = None,
    detractor: bool = True,
    detractor_max: float = 6.0,
    negative_text: bool = True,
    negative_text_threshold: float = -0.5,
    use_mismatch: bool = True,
    satisfaction_drop: bool = True,
    drop_threshold: float = 0.5,
    period: float = 30.0,
    as_of: float = 0.0,
) -> dict[str, npt.NDArray[Any]]: ...
def period_trend(
    group: npt.NDArray[np.int32],
    n_groups: int,
    score: npt.NDArray[np.float64],
    time: npt.NDArray[np.float64],
    as_of: float,
    period: float,
) -> dict[str, npt.NDArray[Any]]: ...
def simulate_conversations(
    n_conversations: int = 2000,
    seed: int = 11,
    n_agents: int = 20,
    bad_agent_share: float = 0.3,
    bad_rate_good_agent: float = 0.15,
    bad_rate_bad_agent: float = 0.7,
) -> dict[str, Any]: ...
# sentiment (cpp/register_sentiment.cpp)
class SentimentLexicon:
    def __init__(self) -> None: ...
    @staticmethod
    def from_vader_text(content: str, source: str = "lexicon") -> SentimentLexicon: ...
    @staticmethod
    def from_afinn_text(content: str, source: str = "lexicon", scale: float = 1.0) -> SentimentLexicon: ...
    @staticmethod
    def from_file(path: str, format: str = "vader", scale: float = 1.0) -> SentimentLexicon: ...
    @staticmethod
    def embedded() -> SentimentLexicon: ...
    def add_emoji_text(self, content: str, source: str = "emoji") -> None: ...
    def add_emoji_file(self, path: str) -> None: ...
    def set(self, token: str, valence: float) -> None: ...
    def set_emoji(self, emoji: str, description: str) -> None: ...
    def merged(self, other: SentimentLexicon) -> SentimentLexicon: ...
    def get(self, token: str) -> float | None: ...
    def __len__(self) -> int: ...
    def __contains__(self, token: str) -> bool: ...
    @property
    def emoji_count(self) -> int: ...
    def items(self) -> list[tuple[str, float]]: ...
    def emoji_items(self) -> list[tuple[str, str]]: ...

class SentimentAnalyzer:
    def __init__(self, lexicon: SentimentLexicon, corrected: bool = False) -> None: ...
    @property
    def corrected(self) -> bool: ...
    @property
    def lexicon(self) -> SentimentLexicon: ...
    def polarity_scores(self, text: str | bytes) -> dict[str, float]: ...
    def raw_scores(self, text: str | bytes) -> dict[str, float]: ...
    def contributions(self, text: str | bytes, top_tokens: int = 5) -> list[tuple[str, float]]: ...
    def score_batch(
        self,
        texts: Any,
        top_tokens: int = 0,
        allow_missing: bool = False,
        raw: bool = False,
    ) -> dict[str, Any]: ...
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
# churn (cpp/register_churn.cpp)
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

# insight (include/custinsight/insight/)
INSIGHT_SEGMENTS: tuple[str, ...]
INSIGHT_ACTIONS: tuple[str, ...]
INSIGHT_DRIVERS: tuple[str, ...]
INSIGHT_MAX_UNMATCHED_SHARE: float
INSIGHT_DATE_RANGE: str

def insight_integer_ids(ids: list[str]) -> npt.NDArray[np.int64] | None: ...
def insight_parse_datetimes(cells: list[str]) -> dict[str, Any]: ...
def insight_join_report(input: str, ids: npt.ArrayLike, rows: npt.ArrayLike,
                        time_ns: npt.ArrayLike, as_of_ns: int) -> dict[str, Any]: ...
def insight_check_join(input: str, rows: int, unmatched: int, first_labels: list[str]) -> str: ...
def insight_population_mean_spend(amount: _F) -> float: ...

def insight_survival_probability(model: str, params: _F, frequency: _F, T: _F,
                                 horizon: float) -> npt.NDArray[np.float64]: ...
def insight_score_customers(frequency: _F, recency: _F, T: _F, p_alive: _F, churn_risk: _F,
                            no_purchase_risk: _F,
                            clv: _F, satisfaction: _F, satisfaction_trend: _F, nps_latest: _F,
                            complaint: _F, config_json: str, outbound_30d: _F | None = None,
                            days_since_complaint: _F | None = None,
                            support_quality: _F | None = None,
                            value_percentile: _F | None = None,
                            frequency_percentile: _F | None = None) -> dict[str, Any]: ...
def insight_summarise_contacts(row: npt.ArrayLike, time_ns: npt.ArrayLike,
                               outbound: npt.ArrayLike | None, complaint: npt.ArrayLike | None,
                               n_rows: int, as_of_ns: int, config_json: str
                               ) -> dict[str, npt.NDArray[Any]]: ...
def insight_summarise_support(row: npt.ArrayLike, conversation: npt.ArrayLike,
                              n_conversations: int, role: npt.ArrayLike,
                              time_ns: npt.ArrayLike, text: list[str], n_rows: int, as_of_ns: int,
                              config_json: str) -> dict[str, npt.NDArray[Any]]: ...

# insight/steps.hpp: the per-customer steps shared by the Python, Dask and C++ pipelines.
RATING_SCALES: dict[str, tuple[float, float, bool]]
INSIGHT_LOYALTY_MODELS: tuple[str, ...]
INSIGHT_DAYS_PER_MONTH: float

class InsightLoyaltyChoice:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @property
    def model(self) -> str: ...
    @property
    def params(self) -> npt.NDArray[np.float64]: ...
    @property
    def model_json(self) -> str: ...
    @property
    def bics(self) -> dict[str, float]: ...
    @property
    def penalizer(self) -> float: ...
    @property
    def note(self) -> str: ...

class InsightSpendChoice:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def params(self) -> npt.NDArray[np.float64]: ...
    @property
    def model_json(self) -> str: ...
    @property
    def population_mean(self) -> float: ...
    @property
    def note(self) -> str: ...

class InsightModelColumns:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @property
    def p_alive(self) -> npt.NDArray[np.float64]: ...
    @property
    def expected_purchases(self) -> npt.NDArray[np.float64]: ...
    @property
    def no_purchase_risk(self) -> npt.NDArray[np.float64]: ...
    @property
    def churn_risk(self) -> npt.NDArray[np.float64]: ...
    @property
    def clv(self) -> npt.NDArray[np.float64]: ...

class InsightFeedbackColumns:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @property
    def satisfaction(self) -> npt.NDArray[np.float64]: ...
    @property
    def satisfaction_trend(self) -> npt.NDArray[np.float64]: ...
    @property
    def nps_latest(self) -> npt.NDArray[np.float64]: ...
    @property
    def n_responses(self) -> npt.NDArray[np.int64]: ...
    @property
    def complaint(self) -> npt.NDArray[np.uint8]: ...

def insight_choose_loyalty_model(frequency: npt.ArrayLike, recency: npt.ArrayLike,
                                 T: npt.ArrayLike, weights: npt.ArrayLike | None,
                                 config_json: str) -> InsightLoyaltyChoice: ...
def insight_choose_spend_model(frequency: npt.ArrayLike, monetary_value: npt.ArrayLike,
                               weights: npt.ArrayLike | None, population_mean: float,
                               config_json: str) -> InsightSpendChoice: ...
def insight_model_columns(model: str, params: npt.ArrayLike, spend_params: npt.ArrayLike | None,
                          population_mean: float, frequency: npt.ArrayLike,
                          recency: npt.ArrayLike, T: npt.ArrayLike,
                          monetary_value: npt.ArrayLike,
                          config_json: str) -> InsightModelColumns: ...
def insight_feedback_columns(row: npt.ArrayLike, time_ns: npt.ArrayLike,
                             score: npt.ArrayLike | None, weight: npt.ArrayLike | None,
                             rating_norm: npt.ArrayLike | None, compound: npt.ArrayLike | None,
                             nps: npt.ArrayLike | None, negative: npt.ArrayLike | None,
                             mismatch: npt.ArrayLike | None, n_rows: int, as_of_ns: int,
                             config_json: str) -> InsightFeedbackColumns: ...
