"""A deterministic corpus of adversarial sentences for the VADER parity tests.

Every sentence stresses one or more of the reference's rules: negations (ASCII and curly
apostrophes), ALL CAPS, boosters and dampeners at distances 1-3, "but", "least", "kind of",
"never so/this", "without doubt", "no ... or/nor", special-case idioms, emoji (single code
points, sequences with selectors, skin tones and flags), emoticons, punctuation runs, Unicode
whitespace and case (ß, İ, final sigma, Kelvin sign, mathematical letters), empty and
whitespace-only strings, and very long texts.
"""

from __future__ import annotations

import random

POSITIVE = ["good", "great", "love", "excellent", "happy", "nice", "best", "amazing", "like",
            "friendly", "helpful", "fun", "ok", "okay", "yeah", "kind", "beautiful", "wow",
            "lol", "perfect", "glad", "thanks", "awesome", "cool", "sweet", "heart", "win"]
NEGATIVE = ["bad", "terrible", "hate", "awful", "worst", "sad", "angry", "poor", "problem",
            "rude", "shit", "bomb", "die", "death", "stop", "doubt", "no", "sux", "ass", "broken",
            "disappointed", "fail", "cancel", "hold", "waste", "ugly", "refund", "hung"]
BOOSTERS = ["very", "really", "so", "extremely", "totally", "absolutely", "most", "more",
            "quite", "kinda", "sorta", "barely", "hardly", "slightly", "somewhat", "little",
            "less", "almost", "friggin", "uber", "VERY", "SO", "Really", "kind-of"]
NEGATIONS = ["not", "never", "don't", "doesn't", "isn't", "wasn't", "can't", "won't", "dont",
             "cannot", "without", "nor", "none", "nothing", "rarely", "despite", "ain't",
             "don’t", "isn’t", "can’t", "NOT", "Never", "didnt", "wouldn't", "uh-uh", "nope"]
NEUTRAL = ["the", "a", "it", "was", "is", "i", "we", "they", "food", "service", "staff",
           "agent", "call", "phone", "this", "that", "of", "at", "least", "very", "but", "kind",
           "or", "to", "for", "on", "up", "account", "my", "and", "so", "this", "bus", "yeah",
           "right", "the", "kiss", "beating", "stand", "fed", "screwed", "answered", "one",
           "BUT", "But", "LEAST", "Kind", "OF", "an", "no", "x", "A", "I", "OK", "ok."]
PHRASES = ["the shit", "the bomb", "bad ass", "badass", "bus stop", "yeah right",
           "kiss of death", "to die for", "beating heart", "cut the mustard", "kind of",
           "sort of", "just enough", "at least", "very least", "never so", "never this",
           "without doubt", "without a doubt", "no good or bad", "no fun nor joy", "can't stand",
           "fed up", "screwed up", "on hold", "hung up", "no one answered", "not bad at all",
           "not such a badass", "at least it isn't horrible", "kind of good", "sort of bad",
           "never so good", "never this bad", "not so bad", "so good", "this bad", "no no good",
           "no problem", "NO problem", "no, good", "but but good", "least good", "i least like"]
EMOJI = ["😀", "😁", "😂", "😍", "😡", "😢", "💘", "💋", "👍", "👎", "❤", "❤️", "👍🏽", "🇺🇸",
         "🔛", "🆙", "🙂", "😭", "🤬", "🥰", "💩", "✨", "☹", "☺️", "👨‍👩‍👧", "#️⃣", "🏴󠁧󠁢󠁥󠁮󠁧󠁿"]
EMOTICONS = [":)", ":(", ":D", ":-)", ":-(", ";)", ":P", ":/", "<3", "</3", "XD", "xd", ":-D",
             "(:", "):", ":'(", "^_^", "-_-", "D:", ":-Þ"]
PUNCT = ["!", "!!", "!!!", "!!!!", "!!!!!!", "?", "??", "???", "????", "?!", "?!?!", ".", "...",
         ",", ";", ":", "'", '"', "(", ")", "-", "--", "*", "~", "¡", "¿", "…", "“", "”", "’"]
UNICODE_WORDS = ["café", "naïve", "ÉNORME", "GROß", "straße", "İYİ", "İNCREDIBLE", "ΟΔΟΣ",
                 "ὈΔΥΣΣΕΎΣ", "ΣΑΣ", "Σ", "OK", "ＧＯＯＤ", "𝐆𝐑𝐄𝐀𝐓", "𝐠𝐨𝐨𝐝", "ǅemal",
                 "ǄEMAL", "ÅNGSTRÖM", "ﬁne", "ŉ", "ª", "Ⅻ", "ⓐⓑ", "Ⓐ", "日本語", "مرحبا", "שלום",
                 "GOOD\u0301", "goo\u0308d", "😀good", "good😀", "e\u0301tonnant"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\x1f",
          "\x85", "\u2028", "\u200b", "\u180e", "\ufeff", "\x0b", "\x0c"]


def _word(rng: random.Random) -> str:
    pool = rng.choices(
        [POSITIVE, NEGATIVE, BOOSTERS, NEGATIONS, NEUTRAL, PHRASES, EMOJI, EMOTICONS,
         UNICODE_WORDS],
        weights=[14, 14, 8, 8, 20, 6, 5, 4, 3],
    )[0]
    w = rng.choice(pool)
    r = rng.random()
    if r < 0.12:
        w = w.upper()
    elif r < 0.18:
        w = w.capitalize()
    if rng.random() < 0.15:
        w = w + rng.choice(PUNCT)
    if rng.random() < 0.05:
        w = rng.choice(PUNCT) + w
    if rng.random() < 0.03:
        w = w + rng.choice(EMOJI)
    return w


def sentence(rng: random.Random, n_words: int) -> str:
    parts = []
    for k in range(n_words):
        parts.append(_word(rng))
        if k < n_words - 1:
            parts.append(" " if rng.random() < 0.85 else rng.choice(SPACES))
    text = "".join(parts)
    if rng.random() < 0.3:
        text += rng.choice(PUNCT)
    if rng.random() < 0.05:
        text = rng.choice(SPACES) + text + rng.choice(SPACES)
    return text


def adversarial_corpus(n: int = 2400, n_long: int = 12, seed: int = 20140601) -> list[str]:
    """``n`` short sentences, fixed edge cases, and ``n_long`` texts of 500..2,500 words."""
    rng = random.Random(seed)
    fixed = ["", " ", "   ", "\t\n", "\u00a0", "\u3000 \u2003", "!", "?", "!!!!", "??", "???",
             ":)", "😀", "❤️", "but", "BUT", "no", "NO", "least", "kind of", "so good",
             "I think the food was so good", "NO problem", "It was ok.",
             "The staff was friendly but they accepted it", "I don’t like it",
             "The agent was rude but the refund was quick", "not bad at all", "Not bad at all",
             "At least it isn't a horrible book.", "The book was only kind of good.",
             "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
             "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Without a doubt, excellent idea.",
             "Roger Dodger is one of the least compelling variations on this theme.",
             "Sentiment analysis has never been this good!", "With VADER, sentiment analysis is the shit!",
             "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
             "good good good but bad bad bad", "bad but good but bad", "no no no",
             "great great but great great", "hello\x00world good", "GOOD bad", "good\u200bbad",
             "ΟΔΟΣ ΚΑΛΟΣ good", "İYİ good", "GROß good", "OK OK good"]
    out = list(fixed)
    while len(out) < n:
        out.append(sentence(rng, rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 30])))
    for _ in range(n_long):
        out.append(sentence(rng, rng.randint(500, 2500)))
    return out
