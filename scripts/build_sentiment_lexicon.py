#!/usr/bin/env python3
"""Build the embedded default sentiment lexicon (include/custinsight/sentiment/default_lexicon.inc).

How the lexicon was made
------------------------
The entries below were written for this project; no published lexicon was copied. Words are
grouped in tiers of intensity on VADER's scale (-4 .. +4), the scale on which the analyser's
rules (boosters of 0.293, ALL-CAPS emphasis of 0.733, the normalisation constant 15) were
calibrated:

* general sentiment words of English reviews and feedback, placed in a tier by their usual
  strength ("excellent" above "good" above "fine"; "terrible" below "bad" below "mediocre");
* adverbs in -ly formed from the adjectives marked ``ADJ:`` (regular spelling rules),
  carrying the adjective's valence; verb forms are listed explicitly;
* emoticons and chat abbreviations;
* customer-service language: agents and processes ("rude", "condescending", "jargon",
  "patient", "resolved", "escalated", "refund") and multi-word phrases ("on hold", "hung up",
  "no one answered", "went above and beyond", "cancel my account"), which the corrected mode
  matches as phrases;
* a small emoji table mapping common emoji to descriptions built from lexicon words.

Run ``python scripts/build_sentiment_lexicon.py`` after editing the tiers; the output is
committed so that the C++ library needs nothing at run time.
"""

from __future__ import annotations

import pathlib

# ---------------------------------------------------------------------------------------------
# Tiers: valence -> whitespace-separated words; the words of a line starting with "ADJ:" also
# get their -ly adverb (verb forms are listed explicitly). A word in a later tier overrides.
TIERS: dict[float, str] = {
    3.2: """
        ADJ: outstanding phenomenal superb flawless impeccable spectacular sensational
        exquisite magnificent
        masterpiece heavenly superb
    """,
    3.0: """
        ADJ: excellent amazing awesome fantastic wonderful brilliant exceptional incredible
        terrific marvelous marvellous stellar fabulous perfect
        best love loved loves loving adore adored adores delighted thrilled ecstatic
        beautiful gorgeous overjoyed
    """,
    2.6: """
        ADJ: great impressive lovely delightful remarkable glorious
        happy happier happiest enjoy enjoyed enjoying enjoys impressed favorite favourite
        recommend recommended recommends highly-recommended grateful thankful
        blessed wow yay kudos bravo superb
    """,
    2.2: """
        ADJ: helpful friendly pleasant enjoyable reliable comfortable useful effective
        efficient smooth sturdy durable pleased satisfied glad cool fun funny
        thank thanks appreciate appreciated appreciates appreciation awesome
        worth worthwhile win wins winner success successful succeed succeeded benefit
        beneficial valuable exciting excited
        knowledgeable courteous attentive seamless effortless empathetic hassle-free
        resolved solved sorted
        easy easier easiest nice nicer nicest sweet cute smile smiling smiled
    """,
    1.8: """
        ADJ: good fast quick clean clear accurate responsive professional patient polite
        better improved improvement improve improves solid handy
        bright fresh safe secure healthy strong stable positive pretty
        like liked likes fixed works worked working
        promptly prompt fair kind kindly welcome welcomed support supported supportive
        hope hopeful luck lucky fine easily
        reasonable affordable gain gained bonus free
    """,
    1.2: """
        ok okay decent interesting adequate acceptable sufficient
        ready capable simple compact convenient convenience
        apologized apologised
        upgrade upgraded value
    """,
    -1.2: """
        no wait waited waiting waits unclear odd strange
        complicated delay delays
        ordinary meh tiny cheap mistake
        transferred average
        limited refund refunds refunded return returned returning
    """,
    -1.6: """
        ADJ: slow difficult confusing noisy loud flimsy weak thin
        problem problems issue issues bug bugs buggy glitch glitches glitchy
        error errors missing lost lose loses losing fault faults
        worse delayed expensive overpriced pricey
        complicated hassle inconvenient inconvenience
        escalated escalate escalation escalating unresolved disconnected outage
        jargon scripted robotic cancel cancelled canceled cancellation
        doubt unfortunately unfortunate sorry concern concerned worried worry
        boring bored tired dull stuck
        leak leaks leaking leaked
        uncomfortable unstable tricky
    """,
    -2.2: """
        ADJ: bad poor wrong cheaply broken defective faulty damaged dirty ugly lousy
        sad unhappy upset annoyed annoying frustrated frustrating frustration
        disappointed disappointing disappointment dissatisfied unsatisfied unreliable
        fail fails failed failing failure crash crashes crashed crashing
        complaint complaints complain complained complaining
        ignored ignore ignoring unhelpful unresponsive unprofessional dismissive clueless
        overcharged runaround rude impolite unacceptable regret regrets regretted
        waste wasted wasting ridiculous stupid silly sucks sucked suck
        mediocre useless worthless painful pain hurt hurts hate
        angry mad irritated irritating
    """,
    -2.8: """
        ADJ: terrible horrible awful dreadful atrocious appalling horrendous abysmal pathetic
        disgusting disgusted hated hates hating worst garbage trash junk crap crappy rubbish
        scam scammed fraud fraudulent ripoff rip-off nightmare disaster disastrous
        furious outraged livid incompetent condescending insulting insulted
        unusable disgrace disgraceful shameful
    """,
}

# Phrases (matched as phrases by the corrected mode) and emoticons / chat words.
PHRASES: dict[str, float] = {
    "on hold": -1.8,
    "put on hold": -2.0,
    "kept on hold": -2.2,
    "hung up": -2.2,
    "hung up on me": -2.6,
    "hang up": -1.6,
    "no one answered": -2.3,
    "nobody answered": -2.3,
    "no one called back": -2.3,
    "never called back": -2.3,
    "never heard back": -2.2,
    "no response": -1.9,
    "went above and beyond": 3.1,
    "above and beyond": 2.9,
    "cancel my account": -2.0,
    "cancel my subscription": -1.9,
    "close my account": -1.8,
    "waste of time": -2.6,
    "waste of money": -2.8,
    "stopped working": -2.3,
    "fell apart": -2.3,
    "broke down": -2.1,
    "not worth": -2.0,
    "well done": 2.3,
    "highly recommend": 2.9,
    "thank you": 2.2,
    "thanks a lot": 2.2,
    "no problem": 1.4,
    "no issues": 1.6,
    "no complaints": 1.8,
    "works great": 2.8,
    "works perfectly": 3.0,
    "works well": 2.4,
    "fixed the problem": 2.2,
    "solved the problem": 2.3,
    "first call resolution": 2.0,
    "long wait": -2.0,
    "wait time": -1.2,
    "customer service": 0.0,
    "passed around": -1.9,
    "bounced around": -1.9,
    "talked down to": -2.5,
    "read from a script": -1.4,
    "can't stand": -2.6,
    "fed up": -2.2,
    "screwed up": -2.2,
    "messed up": -2.0,
    "let down": -2.0,
    "let me down": -2.2,
    "rip off": -2.8,
}

EMOTICONS: dict[str, float] = {
    ":)": 2.0, ":-)": 2.0, "(:": 2.0, ":]": 1.8, "=)": 1.9, ":d": 2.3, ":-d": 2.3, "xd": 1.6,
    ";)": 1.5, ";-)": 1.5, ":p": 1.0, ":-p": 1.0, "<3": 2.6, "^_^": 2.0, "^^": 1.8,
    ":(": -2.0, ":-(": -2.0, "):": -2.0, ":[": -1.9, "=(": -1.9, ":'(": -2.4, ":/": -1.1,
    ":-/": -1.1, ":|": -0.6, ">:(": -2.6, "</3": -2.6, "-_-": -1.1, "d:": -1.5,
    "lol": 1.6, "lmao": 1.8, "haha": 1.7, "hahaha": 1.9, "hehe": 1.5, "yay!": 2.2, "thx": 1.7,
    "ty": 1.3, "omg": 0.4, "wtf": -2.1, "ugh": -1.9, "argh": -1.9, "smh": -1.6, "fml": -2.4,
}

# Emoji -> description whose words are in the lexicon (the analyser replaces the emoji by it).
EMOJI: dict[str, str] = {
    "\U0001F600": "smiling face", "\U0001F603": "smiling face", "\U0001F604": "smiling face",
    "\U0001F601": "smiling face", "\U0001F60A": "happy face", "\U0001F642": "smiling face",
    "\U0001F60D": "love eyes", "\U0001F618": "love kiss", "\U0001F970": "love face",
    "\U0001F602": "laughing tears", "\U0001F923": "laughing face", "\U0001F44D": "approval",
    "\U0001F44F": "applause bravo", "\U0001F64F": "thanks", "\U0001F389": "celebration yay",
    "\U0001F525": "awesome", "\U0001F4AF": "perfect", "\u2764": "love heart",
    "\U0001F496": "love heart", "\U0001F60E": "cool", "\U0001F929": "excited face",
    "\u2B50": "star", "\U0001F31F": "star excellent",
    "\U0001F44E": "disapproval", "\U0001F620": "angry face", "\U0001F621": "furious face",
    "\U0001F92C": "furious cursing", "\U0001F622": "sad tears", "\U0001F62D": "sad crying",
    "\U0001F61E": "disappointed face", "\U0001F61F": "worried face", "\U0001F612": "annoyed face",
    "\U0001F644": "annoyed eye roll", "\U0001F624": "frustrated face",
    "\U0001F629": "tired face", "\U0001F62B": "tired face", "\U0001F494": "broken heart",
    "\U0001F92E": "disgusted face", "\U0001F922": "disgusted face", "\U0001F615": "confused face",
    "\U0001F610": "neutral face", "\U0001F611": "neutral face", "\U0001F937": "shrug",
    "\U0001F4A9": "crap", "\U0001F52B": "angry", "\U0001F480": "dead",
}

EXTRA: dict[str, float] = {
    "approval": 1.9, "applause": 2.3, "celebration": 2.4, "tears": -0.8, "laughing": 2.0,
    "kiss": 1.8, "heart": 1.6, "star": 1.2, "eyes": 0.0, "cursing": -2.2, "crying": -2.2,
    "disapproval": -1.9, "dead": -1.8, "shrug": -0.3, "neutral": 0.0,
}

ADVERB_EXCEPTIONS = {"good": "well", "fast": "fast", "hassle-free": "hassle-free"}


def _adverb(word: str) -> str | None:
    if word in ADVERB_EXCEPTIONS:
        return None
    if word.endswith("ly"):
        return None
    if word.endswith("le") and not word.endswith("ile"):
        return word[:-1] + "y"  # terrible -> terribly
    if word.endswith("y") and len(word) > 2:
        return word[:-1] + "ily"  # happy -> happily
    if word.endswith("ic"):
        return word + "ally"  # fantastic -> fantastically
    if word.endswith("ful"):
        return word + "ly"
    return word + "ly"


def entries() -> dict[str, float]:
    """Every token and its valence; later tiers and the phrase list override earlier words."""
    out: dict[str, float] = {}
    for valence, block in TIERS.items():
        for line in block.strip().splitlines():
            words = line.split()
            adjectives = bool(words) and words[0] == "ADJ:"  # marks that line only
            for raw in words[1:] if adjectives else words:
                word = raw.lower()
                out[word] = valence
                adverb = _adverb(word) if adjectives else None
                if adverb and adverb not in out:
                    out[adverb] = valence
    for source in (EMOTICONS, EXTRA, PHRASES):
        out.update(source)
    return out


def _c_string(s: str) -> str:
    out = []
    for byte in s.encode("utf-8"):
        ch = chr(byte)
        if byte < 0x80 and ch not in '"\\?' and ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")  # octal: never swallows a following character
    return '"' + "".join(out) + '"'


def render() -> str:
    lines = [
        "// Produced by scripts/build_sentiment_lexicon.py from the project's own valence tiers;",
        "// edit the tiers there and rerun it rather than editing this file.",
        "inline constexpr EmbeddedValence kEmbeddedValences[] = {",
    ]
    for token, valence in sorted(entries().items()):
        lines.append(f"    {{{_c_string(token)}, {valence!r}}},")
    lines.append("};")
    lines.append("inline constexpr EmbeddedEmoji kEmbeddedEmoji[] = {")
    for emoji, description in sorted(EMOJI.items()):
        lines.append(f"    {{{_c_string(emoji)}, {_c_string(description)}}},")
    lines.append("};")
    return "\n".join(lines) + "\n"


def main() -> None:
    root = pathlib.Path(__file__).resolve().parent.parent
    target = root / "include" / "custinsight" / "sentiment" / "default_lexicon.inc"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target.relative_to(root)}: {len(entries())} tokens, {len(EMOJI)} emoji")


if __name__ == "__main__":
    main()
