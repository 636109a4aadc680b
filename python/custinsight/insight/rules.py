"""The segment and action rules of the insight table, in words.

The rules themselves (their order, thresholds and the drivers) are the C++ core's
(include/custinsight/insight/scoring.hpp); these texts name them with the configured
thresholds for the table's ``segment_rule`` and ``action_rule`` columns and the report.
"""

from __future__ import annotations

from .. import _core
from .config import InsightConfig

__all__ = ["SEGMENTS", "ACTIONS", "DRIVERS", "segment_rules", "action_rules"]

#: Segments in the order their rules are tried (first match wins).
SEGMENTS: tuple[str, ...] = tuple(_core.insight.SEGMENTS)
#: Actions in the order their rules are tried.
ACTIONS: tuple[str, ...] = tuple(_core.insight.ACTIONS)
#: Driver kinds, in the order ties are broken.
DRIVERS: tuple[str, ...] = tuple(_core.insight.DRIVERS)


def segment_rules(config: InsightConfig | None = None) -> dict[str, str]:
    """The ordered segment rules in words, with the configured thresholds.

    ``p`` is P(alive), ``V`` the customer's CLV percentile, ``F`` the frequency percentile
    (both in [0, 1], ties averaged), ``age`` days since the first purchase. The rules are
    tried in this order and the first that holds names the segment, so each rule also implies
    that the earlier ones failed (e.g. "at risk" customers have p below the needs-attention
    threshold). One-time buyers past ``new_days`` are hibernating, never lost: a purchase
    model that ties drop-out to repeat purchases (BG/NBD) cannot tell them apart.
    """
    s = (config or InsightConfig()).segments
    return {
        "new": f"no repeat purchase and age <= {s.new_days:g} days",
        "champions": f"p >= {s.alive_high:g}, V >= {s.top_percentile:g}, F >= "
                     f"{s.top_percentile:g} and a repeat purchase",
        "loyal": f"p >= {s.alive_high:g}, F >= {s.mid_percentile:g} and a repeat purchase",
        "promising": f"p >= {s.alive_high:g} and a repeat purchase",
        "needs attention": f"p >= {s.alive_mid:g} and a repeat purchase",
        "can't lose": f"V >= {s.top_percentile:g} and F >= {s.mid_percentile:g}",
        "at risk": f"p >= {s.alive_low:g} and a repeat purchase",
        "hibernating": f"no repeat purchase, or p >= {s.alive_lost:g}",
        "lost": f"p < {s.alive_lost:g}",
    }


def action_rules(config: InsightConfig | None = None) -> dict[str, str]:
    """The ordered action rules in words."""
    c = config or InsightConfig()
    return {
        "close the loop on a complaint": "latest feedback negative (score < "
            f"{c.negative_threshold:g}), an NPS detractor, a complaint in the contact log or a "
            f"support conversation that ended negative, within {c.complaint_days:g} days, and "
            "not lost",
        "do not over-contact": f"{c.max_outbound_30d:g} or more outbound contacts in 30 days, "
                               "or segment hibernating or lost",
        "reward loyalty": "segment champions or loyal",
        "win back": "segment can't lose or at risk",
        "nurture": "segment new, promising or needs attention",
    }
