"""Conversation quality: each cue on hand-written transcripts, and the ranking of held-out
simulated good and bad conversations (AUC) with the lexicon test double and with VADER."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from satisfaction_doubles import LexiconAnalyzer, VaderContract, auc

import custinsight as ci


def _turns(rows: list[tuple[str, float, str]], conversation: str = "c1") -> pd.DataFrame:
    return pd.DataFrame({
        "conversation_id": conversation,
        "role": [r for r, _, _ in rows],
        "time": pd.Timestamp("2025-05-01 09:00") + pd.to_timedelta([t for _, t, _ in rows], unit="s"),
        "text": [x for _, _, x in rows],
    })


def test_condescension_and_impatience_cues() -> None:
    turns = _turns([
        ("customer", 0, "My router is blinking red."),
        ("agent", 30, "Obviously it's simple, you should know that."),
        ("agent", 40, "As I already said, I don't have all day."),
    ])
    q = ci.conversation_quality(turns, analyzer=LexiconAnalyzer())
    assert q.loc["c1", "condescension"] == 3
    assert q.loc["c1", "impatience"] == 2


def test_confusion_and_repeated_questions() -> None:
    turns = _turns([
        ("customer", 0, "Why is my bill so high this month?"),
        ("agent", 20, "It's the proration of your plan."),
        ("customer", 40, "What do you mean? I don't understand."),
        ("agent", 60, "Part of last month was added."),
        ("customer", 80, "But why is my bill so high?"),
    ])
    q = ci.conversation_quality(turns, analyzer=LexiconAnalyzer())
    assert q.loc["c1", "confusion"] == 2
    assert q.loc["c1", "repeated_questions"] == 1


def test_jargon_density_with_default_and_custom_lists() -> None:
    turns = _turns([
        ("customer", 0, "The internet is down."),
        ("agent", 10, "Flush the DNS cache and check the MTU."),  # 8 tokens, 3 covered
    ])
    q = ci.conversation_quality(turns, analyzer=LexiconAnalyzer())
    assert q.loc["c1", "agent_tokens"] == 8
    assert q.loc["c1", "jargon_tokens"] == 3  # "dns cache" and "mtu"
    assert q.loc["c1", "jargon_density"] == pytest.approx(3 / 8)
    custom = ci.conversation_quality(turns, analyzer=LexiconAnalyzer(), jargon=["flush"])
    assert custom.loc["c1", "jargon_tokens"] == 1
    assert "dns" in ci.DEFAULT_JARGON


def test_delay_sentiment_trajectory_and_turn_order() -> None:
    turns = _turns([
        ("customer", 0, "This is terrible, the line is broken."),
        ("customer", 30, "Hello?"),
        ("agent", 90, "Sorry, I fixed the line."),
        ("customer", 100, "Great, thanks!"),
    ]).sample(frac=1.0, random_state=3)  # any input order
    double = LexiconAnalyzer()
    q = ci.conversation_quality(turns, analyzer=double)
    assert q.loc["c1", "mean_delay"] == 90.0 and q.loc["c1", "max_delay"] == 90.0
    first = double.polarity_scores(["This is terrible, the line is broken."])["compound"][0]
    last = double.polarity_scores(["Great, thanks!"])["compound"][0]
    # "Hello?" is scored 0 by the double, so the edges are the first and last customer turns.
    assert q.loc["c1", "sentiment_first"] == pytest.approx(first)
    assert q.loc["c1", "sentiment_last"] == pytest.approx(last)
    # Only customer turns are sent to the analyser.
    assert all("fixed the line" not in t for t in double.calls[0])


def test_quality_weights_and_bad_input() -> None:
    turns = _turns([("customer", 0, "hi"), ("agent", 10, "Obviously.")])
    only_courtesy = ci.conversation_quality(
        turns, analyzer=LexiconAnalyzer(),
        weights={"ending": 0, "improvement": 0, "responsiveness": 0, "plain_words": 0,
                 "clarity": 0})
    assert only_courtesy.loc["c1", "quality"] == pytest.approx(50.0)
    with pytest.raises(ValueError, match="unknown quality weights"):
        ci.conversation_quality(turns, analyzer=LexiconAnalyzer(), weights={"speed": 1})
    bad = turns.assign(role=["customer", "bot"])
    with pytest.raises(ValueError, match=r"role\[1\] = 'bot'"):
        ci.conversation_quality(bad, analyzer=LexiconAnalyzer())
    missing = turns.assign(conversation_id=["c1", None])
    with pytest.raises(ValueError, match=r"conversation_id\[1\] is missing"):
        ci.conversation_quality(missing, analyzer=LexiconAnalyzer())
    with pytest.raises(TypeError, match="list of phrases"):
        ci.conversation_quality(turns, analyzer=LexiconAnalyzer(), jargon="dns")


def test_held_out_simulated_conversations_are_ranked(capsys: pytest.CaptureFixture[str]) -> None:
    # The score has no fitted parameters; this seed was never used while choosing the defaults.
    turns, truth = ci.simulate_conversations(2000, seed=2024)
    q = ci.conversation_quality(turns, agent_col="agent", analyzer=LexiconAnalyzer())
    good = truth.loc[q.index, "good"].to_numpy()
    value = auc(q["quality"].to_numpy(), good)
    with capsys.disabled():
        print(f"\nconversation quality AUC (lexicon test double, held-out seed): {value:.4f}")
    assert value >= 0.9
    agents = ci.agent_report(q)
    bad_agents = truth.groupby("agent")["agent_is_bad"].first()
    mean_bad = agents.loc[bad_agents[bad_agents].index, "mean_quality"].mean()
    mean_good = agents.loc[bad_agents[~bad_agents].index, "mean_quality"].mean()
    assert mean_good > mean_bad + 5
    assert agents["n_conversations"].sum() == len(q)
    # Pooled jargon density is total jargon tokens over total agent tokens.
    a0 = agents.index[0]
    mine = q[q["agent"] == a0]
    assert agents.loc[a0, "jargon_density"] == pytest.approx(
        mine["jargon_tokens"].sum() / mine["agent_tokens"].sum())


@pytest.mark.peers
def test_held_out_ranking_with_vader_and_scikit_learn_auc() -> None:
    pytest.importorskip("vaderSentiment")
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    turns, truth = ci.simulate_conversations(800, seed=77)
    q = ci.conversation_quality(turns, analyzer=VaderContract())
    good = truth.loc[q.index, "good"].to_numpy()
    value = sklearn_metrics.roc_auc_score(good, q["quality"])
    assert value == pytest.approx(auc(q["quality"].to_numpy(), good), abs=1e-12)
    assert value >= 0.9


def test_precomputed_sentiment_column() -> None:
    turns, truth = ci.simulate_conversations(300, seed=5)
    q = ci.conversation_quality(turns, sentiment_col="tone")
    assert auc(q["quality"].to_numpy(), truth.loc[q.index, "good"].to_numpy()) >= 0.9
    assert np.isfinite(q["quality"]).all()
