# Type stubs for custinsight._core.insight (cpp/register_insight.cpp).
from typing import Any

import numpy as np
import numpy.typing as npt

_F = npt.NDArray[np.float64]

SEGMENTS: tuple[str, ...]
ACTIONS: tuple[str, ...]
DRIVERS: tuple[str, ...]
MAX_UNMATCHED_SHARE: float
DATE_RANGE: str

def integer_ids(ids: list[str]) -> npt.NDArray[np.int64] | None: ...
def parse_datetimes(cells: list[str]) -> dict[str, Any]: ...
def join_report(input: str, ids: npt.ArrayLike, rows: npt.ArrayLike,
                time_ns: npt.ArrayLike, as_of_ns: int) -> dict[str, Any]: ...
def check_join(input: str, rows: int, unmatched: int, first_labels: list[str]) -> str: ...
def population_mean_spend(amount: _F) -> float: ...

def survival_probability(model: str, params: _F, frequency: _F, T: _F,
                         horizon: float) -> npt.NDArray[np.float64]: ...
def score_customers(frequency: _F, recency: _F, T: _F, p_alive: _F, churn_risk: _F,
                    no_purchase_risk: _F,
                    clv: _F, satisfaction: _F, satisfaction_trend: _F, nps_latest: _F,
                    complaint: _F, config_json: str, outbound_30d: _F | None = None,
                    days_since_complaint: _F | None = None,
                    support_quality: _F | None = None,
                    value_percentile: _F | None = None,
                    frequency_percentile: _F | None = None) -> dict[str, Any]: ...
def summarise_contacts(row: npt.ArrayLike, time_ns: npt.ArrayLike,
                       outbound: npt.ArrayLike | None, complaint: npt.ArrayLike | None,
                       n_rows: int, as_of_ns: int, config_json: str
                       ) -> dict[str, npt.NDArray[Any]]: ...
def summarise_support(row: npt.ArrayLike, conversation: npt.ArrayLike,
                      n_conversations: int, role: npt.ArrayLike,
                      time_ns: npt.ArrayLike, text: list[str], n_rows: int, as_of_ns: int,
                      config_json: str) -> dict[str, npt.NDArray[Any]]: ...
