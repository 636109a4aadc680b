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
from .loyalty import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    calibration_holdout_table,
)
from .rfm import calibration_and_holdout, rfm_summary, rfm_summary_arrays
from .simulate import TOUCHPOINTS, SimulatedData, simulate

__version__: str = _core.__version__

__all__ = [
    "BetaGeoBetaBinomModel",
    "BetaGeoModel",
    "GammaGammaModel",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "calibration_holdout_table",
    "TOUCHPOINTS",
    "SimulatedData",
    "__version__",
    "calibration_and_holdout",
    "num_threads",
    "rfm_summary",
    "rfm_summary_arrays",
    "set_num_threads",
    "simulate",
]
