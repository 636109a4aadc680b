"""Per-response scores and roll-ups against the documented formulas written out in numpy and
pandas, on hand-made and simulated responses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from satisfaction_doubles import LexiconAnalyzer, VaderContract

import custinsight as ci


@pytest.fixture(scope="module")
def sim() -> ci.SimulatedData:
    return ci.simulate(6000, seed=5)


@pytest.fixture(scope="module")
def responses(sim: ci.SimulatedData) -> pd.DataFrame:
    """Simulated responses with a precomputed compound from the lexicon test double."""
    r = sim.responses.copy()
    r["compound"] = ci.satisfaction.polarity(r["text"], LexiconAnalyzer())["compound"].to_numpy()
    return r


def _reference_scores(r: pd.DataFrame, as_of: pd.Timestamp, half_life: float,
                      wr: float = 0.5, wt: float = 0.5) -> pd.DataFrame:
    rating = r["csat"].astype(float).to_numpy()
    c = r["compound"].to_numpy()
    rn = 2 * (rating - 1) / 4 - 1
    has_r, has_c = ~np.isnan(rn), ~np.isnan(c)
    both = has_r & has_c
    score = np.where(both, (wr * np.nan_to_num(rn) + wt * np.nan_to_num(c)) / (wr + wt),
                     np.where(has_r, rn, np.where(has_c, c, np.nan)))
    evidence = (wr * has_r + wt * has_c) / (wr + wt)
    age = (as_of - r["datetime"]).dt.total_seconds().to_numpy() / 86400
    weight = evidence * 0.5 ** (age / half_life)
    mismatch = both & (rn * c < 0) & (np.abs(rn - c) >= 1.0)
    return pd.DataFrame({"rating_norm": rn, "score": score, "weight": weight,
                         "mismatch": mismatch, "negative": score < -0.05}, index=r.index)


def test_scores_match_documented_formula(responses: pd.DataFrame, sim: ci.SimulatedData) -> None:
    s = ci.satisfaction_scores(responses, rating_col="csat", sentiment_col="compound",
                               time_col="datetime", half_life_days=45)
    ref = _reference_scores(responses, sim.end, 45.0)
    assert s.attrs["as_of"] == responses["datetime"].max()
    # as_of defaults to the latest response, which here is the end of observation.
    assert responses["datetime"].max() == sim.end
    for col in ("rating_norm", "score", "weight"):
        np.testing.assert_allclose(s[col].to_numpy(), ref[col].to_numpy(), rtol=1e-12, atol=1e-15,
                                   err_msg=col)
    assert (s["mismatch"].to_numpy() == ref["mismatch"].to_numpy()).all()
    assert (s["negative"].to_numpy() == ref["negative"].to_numpy()).all()
    assert s.index.equals(responses.index)
    assert list(s["touchpoint"].cat.categories) == list(ci.TOUCHPOINTS)


def test_fallbacks_mismatch_and_decay_hand_case() -> None:
    df = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "d"],
        "touchpoint": ["phone", "web", "chat", "kiosk", "phone"],
        "stars": [5, None, 2, None, 4],
        "compound": [-0.8, 0.3, None, None, 0.5],
        "when": pd.to_datetime(["2025-03-31", "2025-03-01", "2025-03-31", "2025-03-31",
                                "2025-01-30"]),
    })
    s = ci.satisfaction_scores(df, rating_col="stars", scale="stars_5", sentiment_col="compound",
                               time_col="when", as_of="2025-03-31", half_life_days=30,
                               rating_weight=0.7, text_weight=0.3)
    assert s.loc[0, "score"] == pytest.approx(0.7 * 1 + 0.3 * -0.8)
    assert bool(s.loc[0, "mismatch"])  # five stars with an angry comment: flagged, not hidden
    assert s.loc[1, "score"] == pytest.approx(0.3) and s.loc[1, "weight"] == pytest.approx(0.3 * 0.5)
    assert s.loc[2, "score"] == pytest.approx(-0.5) and s.loc[2, "weight"] == pytest.approx(0.7)
    assert np.isnan(s.loc[3, "score"]) and s.loc[3, "weight"] == 0
    assert s.loc[4, "weight"] == pytest.approx(0.25)  # 60 days: two half-lives
    no_decay = ci.satisfaction_scores(df, rating_col="stars", sentiment_col="compound",
                                      time_col="when", half_life_days=None)
    assert no_decay.loc[4, "weight"] == 1.0


def test_per_survey_scales_and_unknown_touchpoints_are_new_categories() -> None:
    df = pd.DataFrame({
        "customer_id": [1, 2, 3],
        "touchpoint": ["phone", "drive_through", "web"],
        "survey": ["csat", "effort", "effort"],
        "rating": [3, 1, 5],
    })
    s = ci.satisfaction_scores(df, rating_col="rating", scale_col="survey",
                               scale={"csat": "csat_5", "effort": "ces_5_effort"})
    np.testing.assert_allclose(s["rating_norm"], [0.0, 1.0, -1.0])
    assert s.loc[1, "touchpoint"] == "drive_through"
    assert list(s["touchpoint"].cat.categories) == ["phone", "web", "drive_through"]
    report = ci.touchpoint_report(df, scores=s)
    assert "drive_through" in report.index


def test_bad_input_names_the_problem() -> None:
    df = pd.DataFrame({"customer_id": [1, None, 3], "touchpoint": ["web"] * 3, "r": [5, 4, 3]},
                      index=["x", "y", "z"])
    with pytest.raises(ValueError, match=r"customer_id\[1\] is missing \(row 'y'\)"):
        ci.satisfaction_scores(df, rating_col="r")
    ok = df.assign(customer_id=[1, 2, 3])
    with pytest.raises(ValueError, match="not a known scale"):
        ci.satisfaction_scores(ok, rating_col="r", scale="csat_11")
    with pytest.raises(ValueError, match=r"r\[0\] = 5: outside its rating scale \[0, 1\]"):
        ci.satisfaction_scores(ok, rating_col="r", scale="thumbs")
    with pytest.raises(ValueError, match="nothing to score"):
        ci.satisfaction_scores(ok)
    with pytest.raises(ValueError, match="is not a column"):
        ci.satisfaction_scores(ok, rating_col="stars")
    with pytest.raises(ValueError, match="no scale"):
        ci.satisfaction_scores(ok.assign(s=["a", "b", "c"]), rating_col="r", scale_col="s",
                               scale={"a": "csat_5"})


def test_customer_rollup_matches_pandas(responses: pd.DataFrame) -> None:
    s = ci.satisfaction_scores(responses, rating_col="csat", sentiment_col="compound",
                               time_col="datetime")
    c = ci.customer_satisfaction(s, trend_days=30)
    scored = s[s["score"].notna()]
    wmean = (scored["score"] * scored["weight"]).groupby(scored["customer_id"]).sum() / \
        scored["weight"].groupby(scored["customer_id"]).sum()
    np.testing.assert_allclose(c.loc[wmean.index, "satisfaction"], wmean, rtol=1e-10)
    counts = s.groupby("customer_id").size()
    assert (c.loc[counts.index, "n_responses"] == counts).all()
    neg = scored.groupby("customer_id")["negative"].mean()
    np.testing.assert_allclose(c.loc[neg.index, "negative_share"], neg, rtol=1e-12)
    # Trend: least-squares slope per 30 days, checked with numpy's polyfit.
    days = (scored["time"] - scored["time"].min()).dt.total_seconds() / 86400
    many = scored.assign(days=days).groupby("customer_id").filter(lambda g: g["days"].nunique() > 2)
    for cid, g in list(many.groupby("customer_id"))[:50]:
        slope = np.polyfit(g["days"], g["score"], 1)[0] * 30
        assert c.loc[cid, "trend"] == pytest.approx(slope, rel=1e-8, abs=1e-12)
    latest = s.sort_values("time", kind="stable").groupby("customer_id").tail(1).set_index("customer_id")
    assert (c.loc[latest.index, "latest_touchpoint"].astype(str) == latest["touchpoint"].astype(str)).all()


def test_touchpoint_report_matches_pandas_and_flags_worst_touchpoint(
        responses: pd.DataFrame) -> None:
    s = ci.satisfaction_scores(responses, rating_col="csat", sentiment_col="compound",
                               time_col="datetime", half_life_days=None)
    rep = ci.touchpoint_report(responses, scores=s, csat_col="csat", nps_col="nps")
    g = s.groupby("touchpoint", observed=True)
    np.testing.assert_allclose(rep["mean_sentiment"], g["sentiment"].mean().reindex(rep.index))
    ws = (s["score"] * s["weight"]).groupby(s["touchpoint"], observed=True).sum()
    w = s["weight"].where(s["score"].notna(), 0).groupby(s["touchpoint"], observed=True).sum()
    np.testing.assert_allclose(rep["satisfaction"], (ws / w).reindex(rep.index), rtol=1e-12)
    # The simulator makes phone the least satisfying touchpoint (effect -0.4).
    assert bool(rep.loc["phone", "below_rest"])
    assert not bool(rep.loc["in_person", "below_rest"])
    assert rep.attrs["range"] == pytest.approx(rep["satisfaction"].max() - rep["satisfaction"].min())
    assert rep.attrs["spread_sd"] == pytest.approx(rep["satisfaction"].std(ddof=1))


def test_segment_report_on_any_column(responses: pd.DataFrame) -> None:
    df = responses.assign(region=np.where(responses["customer_id"] % 3 == 0, "north", "south"))
    df.loc[df.index[:5], "region"] = None
    s = ci.satisfaction_scores(df, rating_col="csat", sentiment_col="compound")
    rep = ci.segment_report(df, "region", scores=s, nps_col="nps")
    assert list(rep.index) == ["north", "south"]
    assert rep["volume"].sum() == len(df) - 5
    expected = df.dropna(subset=["region"]).groupby("region")["nps"].apply(
        lambda x: 100 * ((x.dropna() >= 9).mean() - (x.dropna() <= 6).mean()))
    np.testing.assert_allclose(rep["nps"], expected.reindex(rep.index), atol=1e-12)


def test_text_is_scored_through_the_analyser_contract(sim: ci.SimulatedData) -> None:
    r = sim.responses.head(500)
    double = LexiconAnalyzer()
    s = ci.satisfaction_scores(r, rating_col="csat", text_col="text", analyzer=double)
    assert len(double.calls) == 1
    sent = double.calls[0]
    assert len(sent) == r["text"].notna().sum() and all(isinstance(t, str) for t in sent)
    assert s["sentiment"].isna().sum() == r["text"].isna().sum()
    direct = double.polarity_scores(r["text"].dropna().tolist())["compound"].to_numpy()
    np.testing.assert_allclose(s.loc[r["text"].notna(), "sentiment"], direct)
    with pytest.raises(TypeError, match="polarity_scores"):
        ci.satisfaction_scores(r, text_col="text", analyzer=object())


def test_default_analyser_reads_service_language(sim: ci.SimulatedData) -> None:
    # The default is the package's SentimentAnalyzer in corrected mode with the embedded lexicon,
    # so multi-word service phrases count.
    r = pd.DataFrame({"customer_id": [1, 2, 3], "touchpoint": ["phone", "field_service", "web"],
                      "text": ["I was on hold for an hour and then they hung up.",
                               "The technician went above and beyond.", None]})
    s = ci.satisfaction_scores(r, text_col="text")
    assert s["sentiment"].iloc[0] < -0.3
    assert s["sentiment"].iloc[1] > 0.3
    assert np.isnan(s["sentiment"].iloc[2])


def test_default_analyser_tracks_hidden_satisfaction_and_finds_mismatches() -> None:
    flagged = {}
    for rate in (0.0, 0.2):
        data = ci.simulate(4000, seed=9, mismatch_rate=rate)
        s = ci.satisfaction_scores(data.responses, rating_col="csat", text_col="text")
        both = s["rating_norm"].notna() & s["sentiment"].notna()
        flagged[rate] = s.loc[both, "mismatch"].mean()
        if rate == 0.0:
            hidden = data.customers["satisfaction"].reindex(data.responses["customer_id"])
            has_text = s["sentiment"].notna().to_numpy()
            corr = np.corrcoef(hidden.to_numpy()[has_text], s.loc[has_text, "sentiment"])[0, 1]
            assert corr > 0.5
    assert flagged[0.0] < 0.05
    assert flagged[0.2] > flagged[0.0] + 0.1


@pytest.mark.peers
def test_vader_behind_the_contract_finds_mismatches() -> None:
    pytest.importorskip("vaderSentiment")
    vader = VaderContract()
    flagged = {}
    for rate in (0.0, 0.2):
        r = ci.simulate(1500, seed=9, mismatch_rate=rate).responses
        s = ci.satisfaction_scores(r, rating_col="csat", text_col="text", analyzer=vader)
        both = s["rating_norm"].notna() & s["sentiment"].notna()
        flagged[rate] = s.loc[both, "mismatch"].mean()
        if rate == 0.0:
            corr = np.corrcoef(s.loc[both, "rating_norm"], s.loc[both, "sentiment"])[0, 1]
            assert corr > 0.5
    # Contradicting comments are flagged far more often when the simulator plants them.
    assert flagged[0.2] > flagged[0.0] + 0.05
