"""Driver analysis against the simulator's known touchpoint weights and scikit-learn, feedback
terms through the analyser contract, and the alert rules and trends on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from satisfaction_doubles import LexiconAnalyzer

import custinsight as ci

DRIVERS = [f"satisfaction_{t}" for t in ci.TOUCHPOINTS]


@pytest.fixture(scope="module")
def sim() -> ci.SimulatedData:
    return ci.simulate(30_000, seed=21)


def test_driver_analysis_recovers_simulated_weights(sim: ci.SimulatedData) -> None:
    customers = sim.customers.copy()
    rng = np.random.default_rng(1)
    # Measurement noise on the outcome, so that recovery is an estimate and not an identity.
    customers["ltr"] = customers["likelihood_to_recommend"] + rng.normal(0, 0.1, len(customers))
    out = ci.driver_analysis(customers, "ltr", DRIVERS)
    weights = np.asarray(sim.touchpoint_weight) / np.sum(sim.touchpoint_weight)
    truth = pd.Series(weights, index=DRIVERS)
    relative = (out["importance"] - truth.reindex(out.index)).abs() / truth.reindex(out.index)
    print("relative error of recovered importances:\n" + relative.round(4).to_string())
    assert (relative < 0.10).all()
    assert out["importance"].sum() == pytest.approx(1.0)
    assert out.index[0] == "satisfaction_phone"  # the heaviest true weight, 0.3
    assert out.attrs["n_used"] == len(customers) and out.attrs["r_squared"] > 0.9


@pytest.mark.peers
def test_driver_coefficients_match_scikit_learn_ridge(sim: ci.SimulatedData) -> None:
    pytest.importorskip("sklearn")
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    df = sim.customers.head(5000)
    x = df[DRIVERS].to_numpy()
    y = df["likelihood_to_recommend"].to_numpy() + np.random.default_rng(2).normal(0, 0.3, len(df))
    ridge = 0.05
    z = StandardScaler().fit_transform(x)
    zy = (y - y.mean()) / y.std()
    # Ours minimises |zy - Z b|^2 / n + ridge |b|^2, scikit-learn |zy - Z b|^2 + alpha |b|^2.
    reference = Ridge(alpha=ridge * len(df), fit_intercept=False).fit(z, zy).coef_
    out = ci.driver_analysis(df.assign(y=y), "y", DRIVERS, ridge=ridge)
    np.testing.assert_allclose(out.loc[DRIVERS, "standardized"], reference, rtol=1e-8, atol=1e-10)


def test_driver_analysis_on_observed_touchpoint_scores(sim: ci.SimulatedData) -> None:
    r = sim.responses
    s = ci.satisfaction_scores(r, rating_col="csat", time_col="datetime", half_life_days=None)
    assert set(ci.touchpoint_matrix(s).columns) <= set(DRIVERS)
    matrix = ci.touchpoint_matrix(s, prefix="observed_")
    customers = sim.customers.join(matrix, how="inner")
    observed = list(matrix.columns)
    out = ci.driver_analysis(customers, "likelihood_to_recommend", observed, missing="mean")
    assert out.attrs["n_used"] == len(customers)
    dropped = ci.driver_analysis(customers, "likelihood_to_recommend", observed, missing="drop")
    assert dropped.attrs["n_used"] < len(customers)
    with pytest.raises(ValueError, match="missing="):
        ci.driver_analysis(customers, "likelihood_to_recommend", observed, missing="zero")


def test_driver_analysis_bad_input() -> None:
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "a": [1.0, 2, 1, 3, 2], "flat": [7.0] * 5})
    with pytest.raises(ValueError, match="flat is constant"):
        ci.driver_analysis(df, "y", ["a", "flat"])
    with pytest.raises(ValueError, match="is not a column"):
        ci.driver_analysis(df, "y", ["nope"])


def test_negative_terms_per_touchpoint() -> None:
    df = pd.DataFrame({
        "touchpoint": ["phone", "phone", "phone", "web", "web", "phone"],
        "text": ["Rude agent, I was hung up on.", "Rude and slow.", "Great and quick help.",
                 "The site is slow and confusing.", None, "Useless, rude staff."],
    })
    out = ci.negative_terms(df, analyzer=LexiconAnalyzer(), top_tokens=3)
    phone = out[out["touchpoint"] == "phone"].set_index("term")
    assert phone.index[0] == "rude" and phone.loc["rude", "n_responses"] == 3
    assert phone.loc["rude", "share"] == 1.0
    assert phone.loc["rude", "mean_contribution"] == pytest.approx(-0.6)
    assert "great" not in phone.index  # positive terms never drive negatives
    web = out[out["touchpoint"] == "web"]
    assert list(web["term"]) == ["confusing", "slow"]


def _alert_frame() -> pd.DataFrame:
    t = pd.Timestamp("2025-06-30")
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "b"],
        "touchpoint": ["web", "web", "web", "phone", "web", "phone"],
        "csat": [5, 4, 3, 2, None, 5],
        "nps": pd.array([10, 9, None, 3, None, 9], dtype="Int64"),
        "compound": [0.6, 0.2, -0.6, None, -0.7, -0.9],
        "datetime": [t - pd.Timedelta(days=d) for d in (55, 50, 5, 10, 3, 0)],
    })


def test_alert_rules_each_name_themselves() -> None:
    df = _alert_frame()
    s = ci.satisfaction_scores(df, rating_col="csat", sentiment_col="compound", time_col="datetime")
    alerts = ci.satisfaction_alerts(df, s, nps_col="nps", watch=["phone"], period_days=30)
    fired = set(zip(alerts["row"], alerts["rule"].astype(str)))
    # a: previous-period scores 0.8 and 0.35, current -0.3 (drop 0.875) -> satisfaction_drop;
    # its last comment (-0.6) is also strongly negative.
    assert (2, "satisfaction_drop") in fired and (2, "negative_text") in fired
    assert (3, "detractor") in fired  # NPS 3 at the watched phone touchpoint
    assert (4, "negative_text") in fired
    assert (5, "mismatch") in fired and (5, "negative_text") in fired
    assert len(fired) == 6
    drop = alerts[alerts["rule"] == "satisfaction_drop"]["value"].iloc[0]
    assert drop == pytest.approx((0.8 + 0.35) / 2 + 0.3)
    web_only = ci.satisfaction_alerts(df, s, nps_col="nps", watch=["web"])
    assert "detractor" not in set(web_only["rule"].astype(str))
    only = ci.satisfaction_alerts(df, s, rules=["mismatch"])
    assert set(only["rule"].astype(str)) == {"mismatch"}
    with pytest.raises(ValueError, match="unknown rules"):
        ci.satisfaction_alerts(df, s, rules=["angry"])


def test_touchpoint_trend_against_previous_period() -> None:
    df = _alert_frame()
    s = ci.satisfaction_scores(df, rating_col="csat", sentiment_col="compound", time_col="datetime")
    trend = ci.touchpoint_trend(s, period_days=30, df=df, nps_col="nps")
    web = s[s["touchpoint"] == "web"]
    age = (s.attrs["as_of"] - web["time"]).dt.days
    assert trend.loc["web", "current"] == pytest.approx(web.loc[age < 30, "score"].mean())
    assert trend.loc["web", "previous"] == pytest.approx(web.loc[age >= 30, "score"].mean())
    assert trend.loc["web", "nps_previous"] == 100.0
    assert trend.loc["phone", "nps_current"] == 0.0  # one promoter, one detractor
    assert np.isnan(trend.loc["phone", "previous"])
