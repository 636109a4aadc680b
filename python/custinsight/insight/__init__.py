"""One call from a transaction log (and optional feedback, contact log and support
transcripts) to a per-customer insight table.

Per customer: RFM, P(alive), expected purchases and churn risk in a horizon (from the loyalty
model with the lowest BIC, or the configured one), 12-month CLV (Gamma-Gamma spend on repeat
buyers), sentiment-weighted satisfaction and NPS class, loyalty and insight scores (0-100), a
segment from ordered rules, the top three drivers in plain words and a recommended action,
with the rule that fired for both.

The steps are the C++ core's (include/custinsight/insight/), shared with the Dask pipeline
and custinsight-score. Modules: ``columns`` (input column names), ``config`` (settings),
``rules`` (the rules in words), ``inputs`` (contact log and transcripts), ``io`` (file
readers), ``report`` (the HTML report).
"""

from __future__ import annotations

from ._pipeline import CustomerInsight, insight_table, survival_probability
from .columns import Columns
from .config import InsightConfig, InsightWeights, LoyaltyWeights, SegmentThresholds
from .rules import ACTIONS, DRIVERS, SEGMENTS, action_rules, segment_rules

__all__ = ["CustomerInsight", "insight_table", "Columns", "InsightConfig", "InsightWeights",
           "LoyaltyWeights", "SegmentThresholds", "SEGMENTS", "ACTIONS", "DRIVERS",
           "segment_rules", "action_rules", "survival_probability"]
