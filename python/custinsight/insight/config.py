"""Settings of the one-call insight table, round-tripping exactly through TOML and JSON."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["InsightConfig", "LoyaltyWeights", "InsightWeights", "SegmentThresholds"]

#: The range of the duration settings, in days (the C++ core checks the same range).
DAYS_RANGE = (1.0 / 24.0, 36500.0)

MODELS = ("auto", "beta_geo", "modified_beta_geo", "pareto_nbd")


@dataclass
class LoyaltyWeights:
    """loyalty = 100 * (alive * P(alive) + value * value percentile + frequency * frequency
    percentile) / (alive + value + frequency)."""

    alive: float = 0.5
    value: float = 0.3
    frequency: float = 0.2


@dataclass
class InsightWeights:
    """insight = weighted mean of loyalty, retention = 100 * (1 - no_purchase_risk) (the chance of
    buying again within the horizon) and 50 * (satisfaction + 1); the satisfaction weight is
    dropped (and the others renormalised) without feedback."""

    loyalty: float = 0.4
    retention: float = 0.4
    satisfaction: float = 0.2


@dataclass
class SegmentThresholds:
    """Thresholds of the ordered segment rules (see ``custinsight.insight.SEGMENT_RULES``)."""

    alive_high: float = 0.8
    alive_mid: float = 0.5
    alive_low: float = 0.3
    alive_lost: float = 0.1
    top_percentile: float = 0.8
    mid_percentile: float = 0.5
    new_days: float = 90.0


@dataclass
class InsightConfig:
    """Everything that shapes the insight table.

    Attributes
    ----------
    model : 'auto' (lowest BIC among BG/NBD, MBG/NBD and Pareto/NBD), 'beta_geo',
        'modified_beta_geo' or 'pareto_nbd'
    period_days : the time unit of frequency/recency/T in days (7: weeks)
    horizon_days : window of the expected purchases and of the churn risk
    clv_months, discount_rate : CLV horizon in months and monthly discount rate
    penalizer : L2 penalty of the loyalty model fit
    half_life_days, rating_weight, text_weight, nps_weight : satisfaction weighting of each
        response: its CSAT rating, text sentiment and NPS answer (each mapped to [-1, 1])
    negative_threshold : a response scoring below this is negative
    complaint_days : a negative latest response (or an NPS detractor answer) newer than this
        counts as an open complaint, as does a complaint in the contact log or a support
        conversation whose customer ended it negative (below ``negative_threshold``)
    max_outbound_30d : outbound contacts in the last 30 days (contact log) at or above this
        mark a customer as over-contacted: a driver, and the action "do not over-contact"
    support_quality_low : a latest support conversation whose quality (0-100, see
        :func:`custinsight.conversation_quality`) is below this is a driver of risk
    label_window_days : 0 (default): churn risk from the loyalty model's closed form. Above 0:
        a ChurnModel (L2 logistic regression) trained on features as of ``as_of`` minus this
        window, labelled by whether each customer bought in the window, then applied to the
        features as of ``as_of``; its probability of no purchase in the next window is the
        churn risk (Python only; custinsight-score refuses it)
    churn_C : inverse L2 penalty of that ChurnModel
    rating_scale : the scale of the feedback ratings: a name of
        :data:`custinsight.SCALES` (default ``'csat_5'``) or ``(min, max, higher_is_better)``
    """

    model: str = "auto"
    period_days: float = 7.0
    horizon_days: float = 90.0
    clv_months: int = 12
    discount_rate: float = 0.01
    penalizer: float = 0.0
    half_life_days: float = 90.0
    rating_weight: float = 0.5
    text_weight: float = 0.5
    nps_weight: float = 0.5
    negative_threshold: float = -0.05
    complaint_days: float = 90.0
    max_outbound_30d: float = 3.0
    support_quality_low: float = 50.0
    label_window_days: float = 0.0
    churn_C: float = 1.0
    rating_scale: str | tuple[float, float, bool] = "csat_5"
    loyalty_weights: LoyaltyWeights = field(default_factory=LoyaltyWeights)
    insight_weights: InsightWeights = field(default_factory=InsightWeights)
    segments: SegmentThresholds = field(default_factory=SegmentThresholds)

    def __post_init__(self) -> None:
        # Whole numbers given for float settings become floats, so that equality and the
        # TOML/JSON text do not depend on how a value was typed.
        for obj in (self, self.loyalty_weights, self.insight_weights, self.segments):
            for f in fields(obj):
                v = getattr(obj, f.name)
                if f.type == "float" and isinstance(v, int) and not isinstance(v, bool):
                    setattr(obj, f.name, float(v))
        if isinstance(self.rating_scale, list):
            self.rating_scale = tuple(self.rating_scale)  # as TOML and JSON read it back
        self.validate()

    def validate(self) -> None:
        """Raise ValueError naming the first bad setting."""
        if self.model not in MODELS:
            raise ValueError(f"model={self.model!r}: must be one of {list(MODELS)}")
        for name in ("period_days", "horizon_days", "half_life_days", "complaint_days",
                     "max_outbound_30d"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ValueError(f"{name}={v!r}: must be finite and positive")
        for name in ("period_days", "horizon_days", "half_life_days", "complaint_days"):
            # Durations from an hour to a century: beyond them the decay weights and periods
            # underflow or overflow and every score would be NaN.
            v = getattr(self, name)
            if not (DAYS_RANGE[0] <= v <= DAYS_RANGE[1]):
                raise ValueError(f"{name}={v!r}: must lie between {DAYS_RANGE[0]:.6g} (an hour) "
                                 f"and {DAYS_RANGE[1]:g} days")
        if isinstance(self.clv_months, bool) or not isinstance(self.clv_months, int) \
                or not 1 <= self.clv_months <= 1200:
            raise ValueError(f"clv_months={self.clv_months!r}: must be a whole number in "
                             "1..1200")
        for name in ("discount_rate", "penalizer", "rating_weight", "text_weight",
                     "nps_weight", "label_window_days", "churn_C"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ValueError(f"{name}={v!r}: must be finite and non-negative")
        from .. import _core

        RATING_SCALES = _core.satisfaction.RATING_SCALES

        scale = self.rating_scale
        if isinstance(scale, str):
            if scale not in RATING_SCALES:
                raise ValueError(f"rating_scale={scale!r}: not a known scale; use one of "
                                 f"{sorted(RATING_SCALES)} or (min, max, higher_is_better)")
        elif not (isinstance(scale, tuple) and len(scale) == 3
                  and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                          and math.isfinite(v) for v in scale[:2])
                  and isinstance(scale[2], bool) and scale[0] < scale[1]):
            raise ValueError(f"rating_scale={scale!r}: must be a scale name or (min, max, "
                             "higher_is_better) with finite min < max")
        q = self.support_quality_low
        if not (isinstance(q, (int, float)) and 0 <= q <= 100):
            raise ValueError(f"support_quality_low={q!r}: must lie in [0, 100]")
        for group in ("loyalty_weights", "insight_weights"):
            ws = dataclasses.asdict(getattr(self, group))
            for k, v in ws.items():
                if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                    raise ValueError(f"{group}.{k}={v!r}: must be finite and non-negative")
            if sum(ws.values()) <= 0:
                raise ValueError(f"{group}: at least one weight must be positive")
        s = self.segments
        for f in fields(s):
            v = getattr(s, f.name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ValueError(f"segments.{f.name}={v!r}: must be finite and non-negative")
        if not 0 <= s.alive_lost <= s.alive_low <= s.alive_mid <= s.alive_high <= 1:
            raise ValueError("segments: need 0 <= alive_lost <= alive_low <= alive_mid <= "
                             "alive_high <= 1")

    # -- conversions ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Nested plain dict (the JSON and TOML layout)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InsightConfig:
        """Build from a (possibly partial) nested dict; unknown keys are errors."""
        if not isinstance(data, dict):
            raise TypeError(f"config must be a mapping, got {type(data).__name__}")
        nested = {"loyalty_weights": LoyaltyWeights, "insight_weights": InsightWeights,
                  "segments": SegmentThresholds}
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ValueError(f"config has an unknown setting {key!r}; known: {sorted(known)}")
            if key in nested:
                sub = nested[key]
                sub_known = {f.name for f in fields(sub)}
                if not isinstance(value, dict):
                    raise ValueError(f"config {key!r} must be a table of settings")
                for k in value:
                    if k not in sub_known:
                        raise ValueError(f"config has an unknown setting {key}.{k}; known: "
                                         f"{sorted(sub_known)}")
                value = sub(**{k: _number(f"{key}.{k}", v) for k, v in value.items()})
            elif key == "clv_months":
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
            elif key == "rating_scale":
                if isinstance(value, list):
                    value = tuple(value)
            elif key != "model":
                value = _number(key, value)
            kwargs[key] = value
        return cls(**kwargs)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> InsightConfig:
        return cls.from_dict(json.loads(text))

    def to_toml(self) -> str:
        """TOML text: top-level settings, then one table per group."""
        lines: list[str] = []
        tables: list[tuple[str, dict[str, Any]]] = []
        for key, value in self.to_dict().items():
            if isinstance(value, dict):
                tables.append((key, value))
            else:
                lines.append(f"{key} = {_toml_value(value)}")
        for name, table in tables:
            lines.append("")
            lines.append(f"[{name}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
        return "\n".join(lines) + "\n"

    @classmethod
    def from_toml(cls, text: str) -> InsightConfig:
        import tomllib

        return cls.from_dict(tomllib.loads(text))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``.toml`` or ``.json`` by the file's suffix."""
        p = Path(path)
        text = self.to_toml() if p.suffix.lower() == ".toml" else self.to_json()
        p.write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> InsightConfig:
        """Read a ``.toml`` or ``.json`` file."""
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        try:
            return cls.from_toml(text) if p.suffix.lower() == ".toml" else cls.from_json(text)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{p}: {err}") from None


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"config {name}={value!r}: must be a number")
    return float(value)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        # repr is the shortest text that reads back to the same double; TOML needs a dot or
        # an exponent to keep it a float.
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")
