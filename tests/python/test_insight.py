"""The insight table: formulas recomputed by hand, segment/action rules on constructed rows,
the drop-out survival closed forms against numerical integration, and accuracy against the
simulator's hidden truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import custinsight as ci
from custinsight.insight import survival_probability
from custinsight.insight._steps import add_scores


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    ranks = pd.Series(score).rank(method="average").to_numpy()
    n_pos = int(y.sum())
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * (len(y) - n_pos)))


@pytest.fixture(scope="module")
def demo() -> tuple[ci.SimulatedData, ci.CustomerInsight, pd.DataFrame]:
    data = ci.simulate(n_customers=20_000, seed=11)
    engine = ci.CustomerInsight()
    table = engine.score(data.transactions, data.responses, as_of=data.end)
    return data, engine, table


def test_table_columns_and_ranges(demo):
    data, engine, table = demo
    assert table.index.is_unique and len(table) == 20_000
    for col in ("p_alive", "churn_risk", "no_purchase_risk"):
        assert table[col].between(0, 1).all(), col
    # Gone by the horizon's end includes gone now.
    assert (table["churn_risk"] >= 1 - table["p_alive"] - 1e-12).all()
    assert table["loyalty_score"].between(0, 100).all()
    assert table["insight_score"].between(0, 100).all()
    assert set(table["segment"].unique()) <= set(ci.SEGMENTS)
    assert set(table["action"].unique()) <= set(ci.ACTIONS)
    assert all(rule.startswith(seg + ":") for rule, seg in
               zip(table["segment_rule"].astype(str), table["segment"].astype(str)))
    assert engine.model_name_ == min(engine.bics_, key=engine.bics_.get)
    assert set(engine.bics_) == {"beta_geo", "modified_beta_geo", "pareto_nbd"}


def test_accuracy_against_hidden_truth(demo):
    data, _, table = demo
    truth = data.customers.loc[table.index]
    churned = ~truth["alive"].to_numpy()
    assert _auc(churned, table["churn_risk"].to_numpy()) >= 0.8
    has = table["satisfaction"].notna().to_numpy()
    assert 0.3 < has.mean() < 0.9
    corr = np.corrcoef(table["satisfaction"].to_numpy()[has],
                       truth["satisfaction"].to_numpy()[has])[0, 1]
    assert corr >= 0.8


def test_scores_follow_the_documented_formulas(demo):
    _, engine, t = demo
    w = engine.config
    value_pct = t["clv"].rank(pct=True).to_numpy()
    freq_pct = t["frequency"].rank(pct=True).to_numpy()
    loyalty = 100 * (0.5 * t["p_alive"] + 0.3 * value_pct + 0.2 * freq_pct)
    np.testing.assert_allclose(t["loyalty_score"], loyalty, rtol=1e-12)
    sat = t["satisfaction"].to_numpy()
    # retention is the chance of buying again within the horizon
    with_sat = (0.4 * loyalty + 0.4 * 100 * (1 - t["no_purchase_risk"]) + 0.2 * 50 * (sat + 1))
    without = (0.4 * loyalty + 0.4 * 100 * (1 - t["no_purchase_risk"])) / 0.8
    expected = np.where(np.isnan(sat), without, with_sat)
    np.testing.assert_allclose(t["insight_score"], expected, rtol=1e-12)
    assert w.insight_weights.loyalty == 0.4


def test_expected_purchases_and_clv_match_the_models(demo):
    _, engine, t = demo
    h = engine.config.horizon_days / engine.config.period_days
    f, r, T = t["frequency"], t["recency"], t["T"]
    np.testing.assert_allclose(
        t["expected_purchases"],
        engine.model_.conditional_expected_number_of_purchases_up_to_time(h, f, r, T),
        rtol=1e-12)
    np.testing.assert_allclose(t["p_alive"], engine.model_.conditional_probability_alive(f, r, T),
                               rtol=1e-12)


def _beta_reference(r, alpha, a, b, x, T, h):
    """E[exp(-lambda p h)] over lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b), by midpoint
    quadrature after p = u^(1/a) (removes the p^(a-1) singularity)."""
    n = 400_000
    u = (np.arange(n) + 0.5) / n
    p = u ** (1 / a)
    g = (1 + p * h / (alpha + T)) ** (-(r + x))
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return float(np.mean(g * (1 - p) ** (b - 1) / a) / math.exp(log_beta))


@pytest.mark.parametrize("x,T,h", [(0, 10.0, 13.0), (3, 50.0, 13.0), (10, 70.0, 52.0),
                                   (0, 0.5, 13.0), (40, 60.0, 100.0)])
def test_survival_probability_against_quadrature(x, T, h):
    r, alpha, a, b = 0.24, 4.0, 0.9, 2.7
    params = pd.Series({"r": r, "alpha": alpha, "a": a, "b": b})
    got = survival_probability("beta_geo", params, np.array([x]), np.array([T]), h)[0]
    assert got == pytest.approx(_beta_reference(r, alpha, a, b + x, x, T, h), rel=1e-8)
    got = survival_probability("modified_beta_geo", params, np.array([x]), np.array([T]), h)[0]
    assert got == pytest.approx(_beta_reference(r, alpha, a, b + x + 1, x, T, h), rel=1e-8)


def test_pareto_survival_against_quadrature():
    s, beta, T, h = 0.9, 30.0, 40.0, 13.0
    params = pd.Series({"r": 0.5, "alpha": 10.0, "s": s, "beta": beta})
    got = survival_probability("pareto_nbd", params, np.array([2.0]), np.array([T]), h)[0]
    # E[exp(-mu h)], mu ~ Gamma(s, rate beta + T), on a fine grid in mu
    mu = np.linspace(1e-12, 2.0, 2_000_001)
    rate = beta + T
    dens = np.exp(s * math.log(rate) + (s - 1) * np.log(mu) - rate * mu - math.lgamma(s))
    trapezoid = getattr(np, "trapezoid", None) or np.trapz
    ref = trapezoid(dens * np.exp(-mu * h), mu) / trapezoid(dens, mu)
    assert got == pytest.approx(ref, rel=1e-4)


def _rows(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"frequency": np.ones(n), "recency": np.full(n, 10.0), "T": np.full(n, 20.0),
            "p_alive": np.full(n, 0.6), "churn_risk": np.full(n, 0.4),
            "no_purchase_risk": np.full(n, 0.7),
            "clv": np.arange(n, dtype=float), "satisfaction": np.full(n, np.nan),
            "satisfaction_trend": np.full(n, np.nan),
            "nps_latest": pd.array([pd.NA] * n, dtype="Int8"), "complaint": np.zeros(n, bool)}
    base.update(cols)
    return pd.DataFrame(base)


def test_segment_rules_on_constructed_customers():
    cfg = ci.InsightConfig()
    # ten customers: value and frequency percentiles rise with the row number
    n = 10
    t = _rows(frequency=np.arange(1, n + 1, dtype=float),
              p_alive=np.array([0.05, 0.2, 0.6, 0.85, 0.9, 0.9, 0.9, 0.1, 0.4, 0.95]),
              T=np.full(n, 30.0))
    t = add_scores(t, cfg)
    # value/frequency percentile of row i is (i + 1) / 10
    assert list(t["segment"]) == ["lost", "hibernating", "needs attention", "promising",
                                  "loyal", "loyal", "loyal", "can't lose", "can't lose",
                                  "champions"]
    new = _rows(frequency=np.array([0.0, 0.0]), T=np.array([5.0, 30.0]),
                p_alive=np.array([1.0, 1.0]), clv=np.zeros(2))
    new = add_scores(new, cfg)
    # 5 weeks old: new; 30 weeks with one purchase: hibernating
    assert list(new["segment"]) == ["new", "hibernating"]
    assert list(new["action"]) == ["nurture", "do not over-contact"]


def test_actions_and_drivers_in_plain_words():
    cfg = ci.InsightConfig()
    t = _rows(frequency=np.array([5.0, 5.0, 1.0]), recency=np.array([15.0, 15.0, 2.0]),
              T=np.array([35.0, 16.0, 40.0]), p_alive=np.array([0.4, 0.95, 0.2]),
              satisfaction=np.array([-0.6, 0.5, np.nan]),
              nps_latest=pd.array([3, 10, pd.NA], dtype="Int8"),
              complaint=np.array([True, False, True]))
    t = add_scores(t, cfg)
    # strongest first: gap / usual - 1 = 5.7, then 3 x 0.6 = 1.8, then the detractor's 1.5
    assert t.loc[0, "drivers"] == ("no purchase for 20 weeks, usually every 3; negative "
                                   "feedback (satisfaction -0.60); NPS detractor (last answer 3)")
    assert t.loc[0, "segment"] == "at risk"
    assert t.loc[0, "action"] == "close the loop on a complaint"
    assert t.loc[0, "action_rule"].startswith("close the loop on a complaint:")
    assert t.loc[0, "nps_class"] == "detractor" and t.loc[1, "nps_class"] == "promoter"
    assert pd.isna(t.loc[2, "nps_class"])
    assert t.loc[1, "action"] == "reward loyalty"
    # no purchase for 38 weeks, usually every 2: at 0.2 it is hibernating, even with a complaint
    assert t.loc[2, "segment"] == "hibernating"
    assert t.loc[2, "action"] == "close the loop on a complaint"
    assert t.loc[2, "main_driver"] == "purchase gap"


def test_configured_model_and_weights(demo):
    data, _, _ = demo
    cfg = ci.InsightConfig(model="pareto_nbd", insight_weights=ci.InsightWeights(
        loyalty=1.0, retention=0.0, satisfaction=0.0))
    engine = ci.CustomerInsight(cfg)
    tx = data.transactions[data.transactions["customer_id"] <= 3000]
    t = engine.score(tx, None, as_of=data.end)
    assert engine.model_name_ == "pareto_nbd" and list(engine.bics_) == ["pareto_nbd"]
    np.testing.assert_allclose(t["insight_score"], t["loyalty_score"], rtol=1e-12)
    assert t["satisfaction"].isna().all() and t["nps_class"].isna().all()


def test_data_after_as_of_is_left_out(demo):
    data, _, _ = demo
    tx = data.transactions[data.transactions["customer_id"] <= 2000]
    cut = data.end - pd.Timedelta(days=100)
    a = ci.insight_table(tx, as_of=cut)
    b = ci.insight_table(tx[tx["datetime"] <= cut], as_of=cut)
    pd.testing.assert_frame_equal(a, b)


def test_bad_arguments():
    with pytest.raises(ValueError, match="amount_col='spend' is not a column"):
        ci.insight_table(pd.DataFrame({"customer_id": [1], "datetime": ["2024-01-01"],
                                       "amount": [1.0]}), columns={"amount": "spend"})
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['amount_column'\]"):
        ci.insight_table(pd.DataFrame({"customer_id": [1], "datetime": ["2024-01-01"],
                                       "amount": [1.0]}), amount_column="spend")
    with pytest.raises(TypeError, match=r"columns has unknown fields \['spend'\]"):
        ci.insight_table(pd.DataFrame({"customer_id": [1]}), columns={"spend": "x"})
    with pytest.raises(TypeError, match="Columns.rating=3: must be a column name or None"):
        ci.Columns(rating=3)
    with pytest.raises(ValueError, match="transactions has no rows"):
        ci.insight_table(pd.DataFrame({"customer_id": [], "datetime": [], "amount": []}))
    with pytest.raises(TypeError):
        ci.CustomerInsight(config={"model": "auto"})


def test_label_window_churn_model_predicts_the_next_window(demo):
    data, _, _ = demo
    tx = data.transactions
    cut = data.end - pd.Timedelta(days=180)
    later = set(tx.loc[(tx["datetime"] > cut) & (tx["datetime"] <= data.end), "customer_id"])
    engine = ci.CustomerInsight(ci.InsightConfig(label_window_days=180, horizon_days=180))
    table = engine.score(tx, data.responses, as_of=cut)
    assert engine.churn_model_ is not None
    # what happened after as_of was never seen by the model
    no_purchase = ~table.index.isin(later)
    assert _auc(no_purchase, table["churn_risk"].to_numpy()) >= 0.7


def test_columns_schema_and_the_deprecated_keywords_give_the_same_table(demo):
    data, _, _ = demo
    tx = data.transactions.rename(columns={"customer_id": "cid", "amount": "spend"})
    fb = data.responses.rename(columns={"csat": "rating", "customer_id": "who"})
    expected = ci.insight_table(data.transactions, data.responses)
    by_object = ci.insight_table(tx, fb, columns=ci.Columns(
        customer_id="cid", amount="spend", feedback_customer_id="who", rating="rating"))
    by_mapping = ci.insight_table(tx, fb, columns={"customer_id": "cid", "amount": "spend",
                                                   "feedback_customer_id": "who",
                                                   "rating": "rating"})
    with pytest.warns(DeprecationWarning, match="amount_col"):
        by_keywords = ci.insight_table(tx, fb, customer_id_col="cid", amount_col="spend",
                                       feedback_customer_id_col="who", rating_col="rating")
    for table in (by_object, by_mapping, by_keywords):
        pd.testing.assert_frame_equal(table.rename_axis("customer_id"), expected)


def test_rating_scale_lives_in_the_config_and_the_old_keyword_still_works(demo):
    data, _, _ = demo
    # CSAT answers 1-5 read on a 1-7 scale: every rating maps lower, so satisfaction falls.
    five = ci.insight_table(data.transactions, data.responses)
    seven = ci.insight_table(data.transactions, data.responses,
                             config=ci.InsightConfig(rating_scale="csat_7"))
    with pytest.warns(DeprecationWarning, match="rating_scale"):
        old = ci.insight_table(data.transactions, data.responses, rating_scale="csat_7")
    pd.testing.assert_frame_equal(old, seven)
    rated = five["satisfaction"].notna()
    lower, higher = seven.loc[rated, "satisfaction"], five.loc[rated, "satisfaction"]
    # Never higher; unchanged only where no response has a rating above 1.
    assert (lower <= higher + 1e-12).all() and (lower < higher).mean() > 0.7
    assert ci.InsightConfig.from_toml(ci.InsightConfig(rating_scale=(0.0, 10.0, False))
                                      .to_toml()).rating_scale == (0.0, 10.0, False)
    with pytest.raises(ValueError, match="rating_scale='csat_9': not a known scale"):
        ci.InsightConfig(rating_scale="csat_9")


def _three_customers() -> pd.DataFrame:
    # BG/NBD's likelihood on these runs off to a, b -> infinity (see test_loyalty), and two
    # repeat buyers with near-equal spend cannot identify a Gamma-Gamma model either.
    end = pd.Timestamp("2024-12-31")
    rows = []
    for cid, (x, t_x, T) in enumerate([(1, 22.6, 28.7), (4, 3.0, 12.5), (1, 30.7, 35.0)]):
        first = end - pd.Timedelta(weeks=T)
        rows.append((cid, first, 10.0))
        rows += [(cid, first + pd.Timedelta(weeks=t_x * k / x), 12.0) for k in range(1, x + 1)]
    return pd.DataFrame(rows, columns=["customer_id", "datetime", "amount"])


def test_unidentifiable_models_fall_back_and_say_so(caplog, tmp_path, capsys):
    tx = _three_customers()
    with caplog.at_level("WARNING", logger="custinsight"):
        engine = ci.CustomerInsight()
        table = engine.score(tx)
    note = table.attrs["model_note"]
    assert note.startswith("no loyalty model could be identified with penalizer 0 (")
    assert "fitted with penalizer 0.001 instead" in note or "penalizer 0.01 instead" in note
    assert engine.model_.penalizer_coef in (0.001, 0.01, 0.1, 1.0)
    assert engine.model_.params_.max() < 1e4
    assert table.attrs["spend_note"].endswith("clv uses the population mean spend")
    assert table[["p_alive", "clv", "churn_risk", "insight_score"]].notna().all().all()
    assert note in caplog.text and table.attrs["spend_note"] in caplog.text
    # With a penalty configured that identifies the model, there is nothing to say.
    calm = ci.CustomerInsight(ci.InsightConfig(penalizer=0.1)).score(tx)
    assert calm.attrs["model_note"] == ""
    # A configured model that cannot be identified falls back too (the main job answers).
    bg = ci.CustomerInsight(ci.InsightConfig(model="beta_geo")).score(tx)
    assert "beta_geo: BetaGeoModel: the data cannot identify the model" in bg.attrs["model_note"]
    # The command line prints both notes.
    from custinsight.__main__ import main

    tx.to_csv(tmp_path / "tx.csv", index=False)
    assert main(["score", "--transactions", str(tmp_path / "tx.csv"), "--out",
                 str(tmp_path / "s.csv"), "--rows", "0"]) == 0
    out = capsys.readouterr().out
    assert f"Note: {note}" in out and "Note: the spend model cannot be identified" in out


def test_feedback_thousands_of_half_lives_old_still_weighs():
    # Two responses 2,000 and 2,001 days old with a one-day half-life: 0.5 ** 2000 underflows
    # to 0, so absolute weights would leave satisfaction NaN. Relative to the latest response
    # the weights are 1 and 0.5: satisfaction = (1 * s_new + 0.5 * s_old) / 1.5.
    data = ci.simulate(n_customers=500, seed=4)
    tx = data.transactions[["customer_id", "datetime", "amount"]]
    end = data.end
    fb = pd.DataFrame({"customer_id": [1, 1],
                       "datetime": [end - pd.Timedelta(days=2001), end - pd.Timedelta(days=2000)],
                       "csat": [1.0, 5.0]})
    table = ci.CustomerInsight(ci.InsightConfig(half_life_days=1.0)).score(
        tx, fb, as_of=end, columns={"nps": None, "text": None, "touchpoint": None})
    assert table.loc[1, "satisfaction"] == pytest.approx((1 * 1.0 + 0.5 * -1.0) / 1.5)
    assert table["satisfaction"].notna().sum() == 1


@pytest.mark.parametrize("old,new,name", [
    ("insight_config", "insight.config", "InsightConfig"),
    ("insight_inputs", "insight.inputs", "add_contacts"),
    ("insight_io", "insight.io", "read_transactions"),
    ("insight_report", "insight.report", "write_report")])
def test_old_module_paths_forward_for_one_release(old, new, name):
    import importlib
    import sys

    sys.modules.pop(f"custinsight.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"custinsight.{old} is deprecated"):
        module = importlib.import_module(f"custinsight.{old}")
    assert getattr(module, name) is getattr(importlib.import_module(f"custinsight.{new}"), name)
