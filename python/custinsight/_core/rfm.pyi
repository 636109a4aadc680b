# Type stubs for custinsight._core.rfm (cpp/register_rfm.cpp).
from typing import Any

import numpy as np
import numpy.typing as npt

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
