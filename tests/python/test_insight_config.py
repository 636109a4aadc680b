"""InsightConfig: exact round trips through TOML and JSON, and one-line errors."""

from __future__ import annotations

import json
import tomllib

import pytest

import custinsight as ci


def _odd() -> ci.InsightConfig:
    # Values whose shortest decimal text matters: 0.1 + 0.2, a subnormal-ish tiny number,
    # a large integer-valued float and an exponent.
    return ci.InsightConfig(
        model="modified_beta_geo", period_days=1.0, horizon_days=0.1 + 0.2, clv_months=24,
        discount_rate=1e-300, penalizer=123456789012345.0, half_life_days=1 / 3,
        rating_weight=2.5e-7, text_weight=0.0, nps_weight=7.0, negative_threshold=-0.0625,
        complaint_days=30.5, label_window_days=91.25, churn_C=0.1,
        loyalty_weights=ci.LoyaltyWeights(alive=1 / 7, value=2.0, frequency=0.0),
        insight_weights=ci.InsightWeights(loyalty=3.0, retention=1e-5, satisfaction=0.7),
        segments=ci.SegmentThresholds(alive_high=0.99, alive_mid=0.7, alive_low=0.3,
                                      alive_lost=0.0, top_percentile=0.9, mid_percentile=0.55,
                                      new_days=14.0))


@pytest.mark.parametrize("config", [ci.InsightConfig(), _odd()])
def test_round_trips_are_exact(config, tmp_path):
    assert ci.InsightConfig.from_toml(config.to_toml()) == config
    assert ci.InsightConfig.from_json(config.to_json()) == config
    for name in ("c.toml", "c.json"):
        config.save(tmp_path / name)
        assert ci.InsightConfig.load(tmp_path / name) == config
    # the files are what they claim to be, read by independent parsers
    assert tomllib.loads(config.to_toml())["segments"]["new_days"] == config.segments.new_days
    assert json.loads(config.to_json())["horizon_days"] == config.horizon_days


def test_partial_files_keep_the_defaults(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('model = "pareto_nbd"\n[insight_weights]\nsatisfaction = 0\n')
    c = ci.InsightConfig.load(p)
    assert c.model == "pareto_nbd" and c.insight_weights.satisfaction == 0.0
    assert c.insight_weights.loyalty == ci.InsightWeights().loyalty
    assert c.horizon_days == ci.InsightConfig().horizon_days


@pytest.mark.parametrize("text,message", [
    ('modle = "auto"\n', "unknown setting 'modle'"),
    ('model = "bgnbd"\n', "model='bgnbd'"),
    ("horizon_days = -1\n", "horizon_days=-1.0: must be finite and positive"),
    ('horizon_days = "90"\n', "horizon_days='90': must be a number"),
    ("clv_months = 1.5\n", "clv_months=1.5"),
    ("[segments]\nalive_high = 0.2\n", "alive_mid <= alive_high"),
    ("[loyalty_weights]\nalive = 0\nvalue = 0\nfrequency = 0\n", "at least one weight"),
    ("[segments]\nfoo = 1\n", "unknown setting segments.foo"),
])
def test_bad_settings_name_the_file_and_setting(tmp_path, text, message):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(ValueError, match="bad.toml") as err:
        ci.InsightConfig.load(p)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
