# Type stubs for custinsight._core.simulation (cpp/register_simulation.cpp).
from typing import Any

import numpy as np
import numpy.typing as npt

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


def simulate_conversations(
    n_conversations: int = 2000,
    seed: int = 11,
    n_agents: int = 20,
    bad_agent_share: float = 0.3,
    bad_rate_good_agent: float = 0.15,
    bad_rate_bad_agent: float = 0.7,
) -> dict[str, Any]: ...
