"""SentimentAnalyzer(Lexicon.vader()) against vaderSentiment 3.3.2 itself: every rounded score
equal, every unrounded score within 1e-12, on the Amazon snippets and an adversarial corpus."""

from __future__ import annotations

import math
import pathlib

import pytest

from custinsight import Lexicon, SentimentAnalyzer, set_num_threads
from sentiment_corpus import adversarial_corpus

vs = pytest.importorskip("vaderSentiment.vaderSentiment")

pytestmark = pytest.mark.peers

SHARED = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data"
AMAZON = SHARED / "amazonReviewSnippets_GroundTruth.txt"
KEYS = ("neg", "neu", "pos", "compound")


def amazon_texts() -> list[str]:
    if not AMAZON.exists():
        pytest.skip(f"{AMAZON} is absent: the Amazon parity test needs ../shared/data")
    texts = []
    with open(AMAZON, encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line:
                texts.append(line.split("\t", 2)[2])
    return texts


@pytest.fixture(scope="module")
def reference():
    return vs.SentimentIntensityAnalyzer()


class UnroundedReference:
    """vaderSentiment with its final rounding switched off.

    score_valence calls the builtin round through the module's globals: shadowing it there
    during a call makes the reference return its unrounded values, re-implementing nothing."""

    def __init__(self) -> None:
        self.analyzer = vs.SentimentIntensityAnalyzer()

    def polarity_scores(self, text: str) -> dict[str, float]:
        vs.round = lambda x, ndigits=None: x
        try:
            return self.analyzer.polarity_scores(text)
        finally:
            del vs.round


@pytest.fixture(scope="module")
def unrounded_reference():
    return UnroundedReference()


@pytest.fixture(scope="module")
def ours():
    return SentimentAnalyzer(Lexicon.vader())


def count_mismatches(texts, reference, ours, raw=False):
    frame = ours.polarity_scores(texts, raw=raw)
    bad = []
    for i, text in enumerate(texts):
        want = reference.polarity_scores(text)
        got = frame.iloc[i]
        for k in KEYS:
            ok = (abs(got[k] - want[k]) <= 1e-12) if raw else (got[k] == want[k])
            if not ok:
                bad.append((i, text[:80], k, want[k], got[k]))
                break
    return bad


@pytest.mark.shared_data
def test_amazon_snippets_rounded_scores_equal(reference, ours):
    texts = amazon_texts()
    assert len(texts) == 3708
    assert count_mismatches(texts, reference, ours) == []


@pytest.mark.shared_data
def test_amazon_snippets_unrounded_scores_within_1e_12(unrounded_reference, ours):
    texts = amazon_texts()
    assert count_mismatches(texts, unrounded_reference, ours, raw=True) == []


def test_adversarial_corpus_rounded_scores_equal(reference, ours):
    texts = adversarial_corpus()
    assert len(texts) >= 2000
    assert count_mismatches(texts, reference, ours) == []


def test_adversarial_corpus_unrounded_within_1e_12(unrounded_reference, ours):
    texts = adversarial_corpus()
    assert count_mismatches(texts, unrounded_reference, ours, raw=True) == []


def test_single_text_api_matches_reference_dict(reference, ours):
    for text in adversarial_corpus(n=300, n_long=0, seed=7):
        assert ours.polarity_scores(text) == reference.polarity_scores(text)


def test_results_do_not_depend_on_thread_count(ours):
    texts = adversarial_corpus(n=6000, n_long=2, seed=3)
    try:
        set_num_threads(1)
        one = ours.polarity_scores(texts, top_tokens=3, raw=True)
        set_num_threads(2)
        two = ours.polarity_scores(texts, top_tokens=3, raw=True)
    finally:
        set_num_threads(0)
    assert one.equals(two)


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        # "so" right before a word boosts it by 1.25 through VADER's operator precedence.
        ("I think the food was so good", 0.5777),
        # ALL-CAPS "NO" (a lexicon word) before another lexicon word: zero, then -0.733 of caps.
        ("NO problem", 0.1343),
        # "ok." keeps its full stop (two letters or fewer after stripping): not in the lexicon.
        ("It was ok.", 0.0),
        # "but" rescales the first position holding an equal value (list.index), not its own.
        ("The staff was friendly but they accepted it", 0.3919),
        # Only the ASCII apostrophe negates: the curly "don’t" leaves "like" positive.
        ("I don’t like it", 0.3612),
    ],
)
def test_pinned_reference_quirks(ours, reference, text, compound):
    assert ours.polarity_scores(text)["compound"] == compound
    assert reference.polarity_scores(text)["compound"] == compound


def test_rounding_is_pythons_round(ours, unrounded_reference):
    # Python's round is correctly rounded; check every rounded score against round() of the
    # reference's unrounded value on texts whose scores have many digits.
    for text in adversarial_corpus(n=500, n_long=0, seed=11):
        raw = unrounded_reference.polarity_scores(text)
        got = ours.polarity_scores(text)
        for k, digits in zip(KEYS, (3, 3, 3, 4)):
            assert got[k] == round(raw[k], digits)
            assert not math.isnan(got[k])
