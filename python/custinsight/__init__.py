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
from ._errors import NotFittedError
from .churn import ChurnModel, CoxPHModel, cross_val_predict
from .churn_features import churn_backtest, churn_features
from .churn_metrics import (brier_score, calibration_table, churn_metrics, lift_at, log_loss,
                            roc_auc)
from .conversation import (
    DEFAULT_CONDESCENSION,
    DEFAULT_CONFUSION,
    DEFAULT_IMPATIENCE,
    DEFAULT_JARGON,
    agent_report,
    conversation_quality,
    simulate_conversations,
)
from .insight import ACTIONS, SEGMENTS, Columns, CustomerInsight, insight_table
from .insight.config import InsightConfig, InsightWeights, LoyaltyWeights, SegmentThresholds
from .insight.io import read_contacts, read_feedback, read_transactions, read_transcripts
from .loyalty import (
    BetaGeoBetaBinomModel,
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    calibration_holdout_table,
)
from .rfm import calibration_and_holdout, rfm_summary, rfm_summary_arrays
from .satisfaction import (
    SCALES,
    CesResult,
    CsatResult,
    NpsResult,
    ces,
    ces_by,
    csat,
    csat_by,
    customer_satisfaction,
    nps,
    nps_by,
    satisfaction_scores,
    segment_report,
    touchpoint_report,
)
from .satisfaction_drivers import (
    ALERT_RULES,
    driver_analysis,
    negative_terms,
    satisfaction_alerts,
    touchpoint_matrix,
    touchpoint_trend,
)
from .sentiment import Lexicon, SentimentAnalyzer
from .simulate import TOUCHPOINTS, SimulatedData, simulate
from .simulate_support import simulate_contact_log, simulate_transcripts

__version__: str = _core.__version__

__all__ = [
    "ACTIONS",
    "Columns",
    "CustomerInsight",
    "InsightConfig",
    "InsightWeights",
    "LoyaltyWeights",
    "SegmentThresholds",
    "insight_table",
    "read_contacts",
    "read_feedback",
    "read_transcripts",
    "read_transactions",
    "SEGMENTS",
    "ALERT_RULES",
    "DEFAULT_CONDESCENSION",
    "DEFAULT_CONFUSION",
    "DEFAULT_IMPATIENCE",
    "DEFAULT_JARGON",
    "SCALES",
    "TOUCHPOINTS",
    "agent_report",
    "BetaGeoBetaBinomModel",
    "BetaGeoModel",
    "brier_score",
    "calibration_and_holdout",
    "calibration_holdout_table",
    "calibration_table",
    "ces",
    "ces_by",
    "CesResult",
    "churn_backtest",
    "churn_features",
    "churn_metrics",
    "ChurnModel",
    "conversation_quality",
    "CoxPHModel",
    "cross_val_predict",
    "csat",
    "csat_by",
    "CsatResult",
    "customer_satisfaction",
    "driver_analysis",
    "GammaGammaModel",
    "Lexicon",
    "lift_at",
    "log_loss",
    "ModifiedBetaGeoModel",
    "negative_terms",
    "NotFittedError",
    "nps",
    "nps_by",
    "NpsResult",
    "num_threads",
    "ParetoNBDModel",
    "rfm_summary",
    "rfm_summary_arrays",
    "roc_auc",
    "satisfaction_alerts",
    "satisfaction_scores",
    "segment_report",
    "SentimentAnalyzer",
    "set_num_threads",
    "simulate",
    "simulate_contact_log",
    "simulate_transcripts",
    "simulate_conversations",
    "SimulatedData",
    "touchpoint_matrix",
    "touchpoint_report",
    "touchpoint_trend",
    "__version__",
]
