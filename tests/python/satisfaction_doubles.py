"""Test doubles for the sentiment-analyser contract used by the satisfaction tests.

``LexiconAnalyzer`` is NOT a sentiment model: it is a stand-in with a fixed word list that
honours the contract of ``custinsight.SentimentAnalyzer.polarity_scores`` (columns neg, neu,
pos, compound and, on request, the top contributing tokens), so that the text-to-score path can
be tested before the real analyser is merged. ``VaderContract`` wraps vaderSentiment behind the
same contract for the peer tests.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

_WORD = re.compile(r"[a-z']+")

LEXICON: dict[str, float] = {
    # negative
    "terrible": -0.9, "awful": -0.9, "furious": -0.9, "worst": -0.9, "useless": -0.7,
    "angry": -0.7, "rude": -0.6, "condescending": -0.6, "disappointing": -0.5,
    "frustrating": -0.5, "broken": -0.5, "crashing": -0.5, "failed": -0.5, "mess": -0.5,
    "ignored": -0.5, "wasted": -0.5, "confusing": -0.4, "hung": -0.4, "cancel": -0.4,
    "froze": -0.4, "slow": -0.3, "late": -0.3, "never": -0.3, "refund": -0.2, "still": -0.1,
    # positive
    "excellent": 0.8, "amazing": 0.8, "loved": 0.8, "outstanding": 0.8, "perfect": 0.7,
    "brilliant": 0.7, "great": 0.6, "happy": 0.6, "best": 0.6, "good": 0.5, "friendly": 0.5,
    "helpful": 0.5, "recommend": 0.5, "nice": 0.4, "patient": 0.4, "kind": 0.4, "easy": 0.4,
    "thanks": 0.4, "thank": 0.4, "fixed": 0.4, "solved": 0.4, "polite": 0.4, "fast": 0.3,
    "quick": 0.3, "works": 0.3,
}


class LexiconAnalyzer:
    """Test double: sums fixed word valences and squashes the sum into (-1, 1)."""

    def __init__(self) -> None:
        self.calls: list[list[Any]] = []

    def polarity_scores(self, texts: Any, *, top_tokens: int = 0,
                        missing: str = "nan") -> pd.DataFrame:
        texts = list(texts)
        self.calls.append(texts)
        rows = []
        for text in texts:
            row: dict[str, Any] = {}
            if text is None or (isinstance(text, float) and math.isnan(text)):
                row.update(neg=np.nan, neu=np.nan, pos=np.nan, compound=np.nan)
                contributions: list[tuple[str, float]] = []
            else:
                words = _WORD.findall(str(text).lower())
                contributions = [(w, LEXICON[w]) for w in words if w in LEXICON]
                total = sum(v for _, v in contributions)
                pos = sum(v for _, v in contributions if v > 0)
                neg = -sum(v for _, v in contributions if v < 0)
                mass = pos + neg + max(len(words) - len(contributions), 0) * 0.1
                row.update(neg=neg / mass if mass else 0.0, pos=pos / mass if mass else 0.0,
                           compound=total / math.sqrt(total * total + 1.0))
                row["neu"] = 1.0 - row["neg"] - row["pos"]
            ranked = sorted(contributions, key=lambda kv: -abs(kv[1]))
            for k in range(1, top_tokens + 1):
                tok = ranked[k - 1] if k <= len(ranked) else None
                row[f"token_{k}"] = tok[0] if tok else None
                row[f"token_{k}_contribution"] = tok[1] if tok else np.nan
            rows.append(row)
        columns = ["neg", "neu", "pos", "compound"] + [
            c for k in range(1, top_tokens + 1) for c in (f"token_{k}", f"token_{k}_contribution")]
        return pd.DataFrame(rows, columns=columns)


class VaderContract:
    """vaderSentiment's SentimentIntensityAnalyzer behind the SentimentAnalyzer contract
    (compound only; the peer tests never ask it for tokens)."""

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()

    def polarity_scores(self, texts: Any, *, top_tokens: int = 0,
                        missing: str = "nan") -> pd.DataFrame:
        if top_tokens:
            raise NotImplementedError("the vader wrapper does not report tokens")
        rows = []
        for text in texts:
            if text is None:
                rows.append({"neg": np.nan, "neu": np.nan, "pos": np.nan, "compound": np.nan})
            else:
                rows.append(self._vader.polarity_scores(str(text)))
        return pd.DataFrame(rows, columns=["neg", "neu", "pos", "compound"])


def auc(score: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC by the Mann-Whitney rank formula (ties share their mean rank)."""
    ranks = pd.Series(score).rank(method="average").to_numpy()
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
