"""SentimentAnalyzer and Lexicon: the pandas API, lexicon formats and merging, the corrected mode,
the embedded lexicon, and the closed-form scores of tiny lexicons."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from custinsight import Lexicon, SentimentAnalyzer


def compound_of(total: float) -> float:
    """VADER's normalisation s / sqrt(s^2 + 15), written out independently."""
    return total / math.sqrt(total * total + 15)


TINY = Lexicon.from_dict({"good": 2.0, "bad": -2.0, "meh": 0.0, "can't stand": -3.0})


# ---- closed forms on a tiny lexicon --------------------------------------------------------
def test_single_word_closed_form():
    s = SentimentAnalyzer(TINY).raw_scores("good")
    assert s["compound"] == pytest.approx(compound_of(2.0), abs=1e-15)
    assert s["pos"] == 1.0 and s["neg"] == 0.0 and s["neu"] == 0.0


def test_booster_negation_and_punctuation_closed_forms():
    a = SentimentAnalyzer(TINY)
    # booster right before: +0.293; one word between: 0.95 of it
    assert a.raw_scores("very good")["compound"] == pytest.approx(compound_of(2.293))
    assert a.raw_scores("very much good")["compound"] == pytest.approx(
        compound_of(2.0 + 0.293 * 0.95))
    # negation: times -0.74
    assert a.raw_scores("not good")["compound"] == pytest.approx(compound_of(-1.48))
    # two exclamation marks add 2 * 0.292 in the direction of the sum
    assert a.raw_scores("good!!")["compound"] == pytest.approx(compound_of(2.0 + 0.584))
    # neutral share: one of three tokens, positive tokens counted as valence + 1
    s = a.raw_scores("good it is")
    assert s["neu"] == pytest.approx(2 / (3.0 + 2))


def test_caps_emphasis_only_when_some_words_are_caps():
    a = SentimentAnalyzer(TINY)
    assert a.raw_scores("GOOD day")["compound"] == pytest.approx(compound_of(2.733))
    assert a.raw_scores("GOOD")["compound"] == pytest.approx(compound_of(2.0))
    # zero valence in caps goes down by 0.733 (the reference's behaviour)
    assert a.raw_scores("MEH day")["compound"] == pytest.approx(compound_of(-0.733))


def test_empty_and_whitespace_texts_score_zero():
    a = SentimentAnalyzer(TINY)
    for text in ["", "   ", "\t\n\u3000"]:
        assert a.polarity_scores(text) == {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}


# ---- batch API ---------------------------------------------------------------------------------
def test_batch_frame_columns_index_and_values():
    a = SentimentAnalyzer(TINY)
    texts = pd.Series(["good", "bad bad", "nothing here"], index=["x", "y", "z"])
    frame = a.polarity_scores(texts, top_tokens=2)
    assert list(frame.columns) == ["neg", "neu", "pos", "compound", "token_1",
                                   "token_1_contribution", "token_2", "token_2_contribution"]
    assert list(frame.index) == ["x", "y", "z"]
    for key, text in texts.items():
        single = a.polarity_scores(text)
        for c in ("neg", "neu", "pos", "compound"):
            assert frame.loc[key, c] == single[c]
    assert frame.loc["x", "token_1"] == "good" and frame.loc["x", "token_1_contribution"] == 2.0
    assert frame.loc["x", "token_2"] is None and math.isnan(frame.loc["x", "token_2_contribution"])
    assert frame.loc["z", "token_1"] is None


def test_batch_accepts_list_numpy_and_tuple():
    a = SentimentAnalyzer(TINY)
    texts = ["good", "bad", "meh"]
    want = a.polarity_scores(texts)
    assert isinstance(want.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(a.polarity_scores(np.array(texts)), want)
    pd.testing.assert_frame_equal(a.polarity_scores(np.array(texts, dtype=object)), want)
    pd.testing.assert_frame_equal(a.polarity_scores(tuple(texts)), want)
    assert a.polarity_scores([]).shape == (0, 4)


def test_top_tokens_order_and_sign():
    a = SentimentAnalyzer(TINY)
    top = a.top_tokens("good but very bad", k=3)
    assert [t for t, _ in top] == ["bad", "good"]
    assert top[0][1] == pytest.approx(-2.293 * 1.5) and top[1][1] == pytest.approx(1.0)


def test_missing_values_raise_or_become_nan():
    a = SentimentAnalyzer(TINY)
    texts = ["good", None, float("nan"), pd.NA]
    with pytest.raises(ValueError, match=r"texts\[1\] is missing"):
        a.polarity_scores(texts)
    frame = a.polarity_scores(texts, missing="nan")
    assert frame.compound.iloc[0] > 0 and frame.compound.iloc[1:].isna().all()
    assert math.isnan(a.polarity_scores(None, missing="nan")["compound"])
    with pytest.raises(ValueError, match="missing"):
        a.polarity_scores(None)


def test_bad_types_raise_type_error():
    a = SentimentAnalyzer(TINY)
    with pytest.raises(TypeError, match=r"texts\[1\] has type int"):
        a.polarity_scores(["good", 3])
    with pytest.raises(TypeError):
        a.polarity_scores(42)
    with pytest.raises(TypeError):
        SentimentAnalyzer("vader")
    with pytest.raises(ValueError):
        a.polarity_scores(["good"], missing="drop")


def test_invalid_utf8_bytes_name_the_text_and_offset():
    a = SentimentAnalyzer(TINY)
    with pytest.raises(ValueError, match=r"texts\[1\]: invalid UTF-8 at byte offset 3"):
        a.polarity_scores([b"good", b"bad\xff"])
    with pytest.raises(ValueError, match="offset 0"):
        a.polarity_scores(b"\xc0\x80")  # overlong encoding of NUL
    assert a.polarity_scores("good".encode()) == a.polarity_scores("good")


def test_lone_surrogate_is_a_clear_error():
    a = SentimentAnalyzer(TINY)
    with pytest.raises(ValueError, match=r"texts\[0\] contains a lone surrogate"):
        a.polarity_scores(["bad \ud800 good"])


# ---- lexicons ---------------------------------------------------------------------------------
def test_vader_format_last_line_wins_and_errors(tmp_path):
    path = tmp_path / "lex.txt"
    path.write_text("good\t1.0\t0.5\t[1, 1]\nbad\t-2\nGood\t3\ngood\t2.5\n\n", encoding="utf-8")
    lex = Lexicon.from_file(path)
    assert lex.get("good") == 2.5 and lex.get("Good") == 3.0 and len(lex) == 3
    # keys are stored as written; tokens are looked up lower-cased, so "Good" never matches
    assert SentimentAnalyzer(lex).raw_scores("GOOD")["compound"] == pytest.approx(compound_of(2.5))
    path.write_text("good\t1.0\nbad\tworse\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: mean \"worse\""):
        Lexicon.from_file(path)
    with pytest.raises(FileNotFoundError):
        Lexicon.from_file(tmp_path / "absent.txt")


def test_afinn_format_and_scale(tmp_path):
    path = tmp_path / "afinn.txt"
    path.write_text("abandon\t-2\ncan't stand\t-3\ngood\t+3\n", encoding="utf-8")
    lex = Lexicon.from_file(path, format="afinn", scale=0.8)
    assert lex.get("abandon") == pytest.approx(-1.6) and lex.get("can't stand") == pytest.approx(-2.4)
    assert lex.get("good") == pytest.approx(2.4)
    path.write_text("good\t1.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: expected token<TAB>integer"):
        Lexicon.from_file(path, format="afinn")


def test_merge_later_entries_override():
    base = Lexicon.from_dict({"good": 1.0, "slow": -1.0})
    team = Lexicon.from_dict({"slow": 0.5, "escalated": -2.0})
    merged = base.merge(team)
    assert merged.to_dict() == {"escalated": -2.0, "good": 1.0, "slow": 0.5}
    assert (team | base).get("slow") == -1.0
    assert base.get("escalated") is None  # the inputs are unchanged


@pytest.mark.peers
def test_vader_lexicon_is_read_from_the_installed_package():
    vs = pytest.importorskip("vaderSentiment")
    del vs
    lex = Lexicon.vader()
    assert len(lex) == 7506  # 7,520 lines with 14 repeated tokens (last line wins)
    assert lex.get("lol") is not None and len(lex.emoji()) == 3570


# ---- the embedded lexicon ------------------------------------------------------------------
def test_embedded_lexicon_has_customer_service_language():
    lex = Lexicon.default()
    for word in ["rude", "jargon", "condescending", "escalated", "refund"]:
        assert lex.get(word) < 0, word
    for word in ["patient", "resolved", "helpful"]:
        assert lex.get(word) > 0, word
    for phrase in ["on hold", "hung up", "no one answered", "cancel my account"]:
        assert lex.get(phrase) < 0, phrase
    assert lex.get("went above and beyond") > 2
    assert len(lex.emoji()) > 20


def test_default_analyzer_scores_feedback_sensibly():
    a = SentimentAnalyzer()
    assert a.polarity_scores("The agent was rude and condescending")["compound"] < -0.5
    assert a.polarity_scores("She was patient and the issue got resolved")["compound"] > 0
    c = SentimentAnalyzer(corrected=True)
    assert c.polarity_scores("I was on hold for an hour and then they hung up")["compound"] < -0.5
    assert c.polarity_scores("The rep went above and beyond")["compound"] > 0.5
    assert c.top_tokens("They went above and beyond", 1)[0][0] == "went above and beyond"


# ---- the corrected mode --------------------------------------------------------------------
@pytest.fixture(scope="module")
def vader_pair():
    pytest.importorskip("vaderSentiment")
    lex = Lexicon.vader()
    return SentimentAnalyzer(lex), SentimentAnalyzer(lex, corrected=True)


@pytest.mark.peers
def test_corrected_curly_apostrophe_negates(vader_pair):
    ref, fix = vader_pair
    assert ref.polarity_scores("I don’t like it")["compound"] > 0
    assert fix.polarity_scores("I don’t like it") == ref.polarity_scores("I don't like it")


@pytest.mark.peers
def test_corrected_multiword_entries_and_idioms(vader_pair):
    ref, fix = vader_pair
    # "can't stand" is in VADER's lexicon but never matches token by token.
    assert fix.top_tokens("I can't stand this", 1)[0][0] == "can't stand"
    assert fix.polarity_scores("I can't stand this")["compound"] < ref.polarity_scores(
        "I can't stand this")["compound"]
    # "the bomb" is a special case the reference reaches only three words in.
    assert ref.polarity_scores("the bomb")["compound"] < 0
    assert fix.polarity_scores("the bomb")["compound"] > 0
    # an idiom without lexicon words, which the reference never applies
    assert ref.polarity_scores("that will cut the mustard")["compound"] <= 0
    assert fix.polarity_scores("that will cut the mustard")["compound"] > 0


@pytest.mark.peers
def test_corrected_but_rule_is_positional(vader_pair):
    _, fix = vader_pair
    raw = fix.raw_scores("The staff was friendly but they accepted it")
    # friendly 2.2 halved, accepted 1.1 times 1.5: s = 1.1 + 1.65
    assert raw["compound"] == pytest.approx(compound_of(2.2 * 0.5 + 1.1 * 1.5))


@pytest.mark.peers
def test_corrected_never_so_precedence(vader_pair):
    ref, fix = vader_pair
    text = "I think the food was so good"
    assert ref.raw_scores(text)["compound"] == pytest.approx(compound_of((1.9 + 0.293) * 1.25))
    assert fix.raw_scores(text)["compound"] == pytest.approx(compound_of(1.9 + 0.293))


@pytest.mark.peers
def test_corrected_dampener_phrase_weakens_negative_words(vader_pair):
    ref, fix = vader_pair
    text = "the movie was kind of bad"
    bad = -2.5
    assert ref.raw_scores(text)["compound"] < compound_of(bad)  # strengthened by the reference
    assert fix.raw_scores(text)["compound"] == pytest.approx(compound_of(bad + 0.293))


@pytest.mark.peers
def test_corrected_punctuation_and_emoji_sequences(vader_pair):
    ref, fix = vader_pair
    assert ref.polarity_scores("It was ok.")["compound"] == 0
    assert fix.polarity_scores("It was ok.")["compound"] > 0
    assert fix.polarity_scores("“great”")["compound"] > 0
    assert fix.polarity_scores("❤️") == fix.polarity_scores("❤")
