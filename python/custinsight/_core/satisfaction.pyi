# Type stubs for custinsight._core.satisfaction (cpp/register_satisfaction.cpp).
from typing import Any

import numpy as np
import numpy.typing as npt

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
class DriverResult:
    # Returned by driver_analysis only; pybind11 gives it no usable constructor.
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    @property
    def coefficient(self) -> npt.NDArray[np.float64]: ...
    @property
    def standardized(self) -> npt.NDArray[np.float64]: ...
    @property
    def importance(self) -> npt.NDArray[np.float64]: ...
    @property
    def intercept(self) -> float: ...
    @property
    def r_squared(self) -> float: ...
    @property
    def n_used(self) -> int: ...

def driver_analysis(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    ridge: float = 1e-3,
    missing: str = "drop",
) -> DriverResult: ...
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

# The named rating scales (satisfaction/common.hpp): (min, max, higher_is_better).
RATING_SCALES: dict[str, tuple[float, float, bool]]
