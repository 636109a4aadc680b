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
