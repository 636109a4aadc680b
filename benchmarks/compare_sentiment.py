"""custinsight's SentimentAnalyzer side by side with vaderSentiment 3.3.2, in one run.

Times scoring the Amazon review snippets (../shared/data) with 1 and 2 threads, the lexicon
load, and the cost of one text as it grows; checks that every score is identical; reports
Pearson correlations with the human ratings. Prints a markdown report and writes it to
benchmarks/results/sentiment.md.

    .venv/bin/python benchmarks/compare_sentiment.py
"""

from __future__ import annotations

import os
import pathlib
import platform
import time

import numpy as np

import custinsight
from custinsight import Lexicon, SentimentAnalyzer

ROOT = pathlib.Path(__file__).resolve().parents[1]
AMAZON = ROOT.parent / "shared" / "data" / "amazonReviewSnippets_GroundTruth.txt"


def best_of(fn, repeat: int, number: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def load_amazon() -> tuple[list[str], np.ndarray]:
    texts, ratings = [], []
    with open(AMAZON, encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line:
                _, rating, text = line.split("\t", 2)
                texts.append(text)
                ratings.append(float(rating))
    return texts, np.array(ratings)


def main() -> None:
    from vaderSentiment import vaderSentiment as vs

    texts, ratings = load_amazon()
    reference = vs.SentimentIntensityAnalyzer()
    ours = SentimentAnalyzer(Lexicon.vader())
    lines = ["# Sentiment: custinsight vs vaderSentiment 3.3.2", "",
             f"Machine: {platform.processor() or platform.machine()}, "
             f"Python {platform.python_version()}, custinsight {custinsight.__version__}. "
             "Best of several runs, wall-clock. "
             f"Load average at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
             "(other work on a shared machine slows the two-thread run most).", ""]

    # Exactness first: the speed comparison is only meaningful if the answers are the same.
    frame = ours.polarity_scores(texts)
    mismatches = sum(
        any(frame.iloc[i][k] != reference.polarity_scores(t)[k]
            for k in ("neg", "neu", "pos", "compound"))
        for i, t in enumerate(texts))

    t_ref = best_of(lambda: [reference.polarity_scores(t) for t in texts], repeat=5)
    custinsight.set_num_threads(1)
    t_one = best_of(lambda: ours.polarity_scores(texts), repeat=30)
    # The extension call alone (list of str in, arrays out): what the DataFrame costs on top.
    core = ours._analyzer
    t_core = best_of(lambda: core.score_batch(texts, 0, False, False), repeat=30)
    custinsight.set_num_threads(2)
    t_two = best_of(lambda: ours.polarity_scores(texts), repeat=30)
    custinsight.set_num_threads(0)
    n = len(texts)
    lines += ["## Amazon review snippets (3,708 sentences), VADER lexicon", "",
              f"Mismatched scores (rounded, all four): **{mismatches}** of {n}.", "",
              "| scorer | time | sentences / s | speed-up |", "|---|---:|---:|---:|",
              f"| vaderSentiment (loop over polarity_scores) | {t_ref * 1e3:.1f} ms | "
              f"{n / t_ref:,.0f} | 1x |",
              f"| custinsight, 1 thread | {t_one * 1e3:.2f} ms | {n / t_one:,.0f} | "
              f"{t_ref / t_one:.0f}x |",
              f"| custinsight, 2 threads | {t_two * 1e3:.2f} ms | {n / t_two:,.0f} | "
              f"{t_ref / t_two:.0f}x ({t_one / t_two:.2f}x over 1 thread) |", "",
              "The custinsight rows include building the DataFrame; the extension call alone "
              f"(list of str to score arrays, 1 thread) takes {t_core * 1e3:.2f} ms.", ""]

    t_ref_load = best_of(lambda: vs.SentimentIntensityAnalyzer(), repeat=10)
    t_our_load = best_of(lambda: SentimentAnalyzer(Lexicon.vader()), repeat=10)
    t_default = best_of(lambda: SentimentAnalyzer(), repeat=10)
    lines += ["## Lexicon load (per analyser created)", "",
              "| | time |", "|---|---:|",
              f"| vaderSentiment `SentimentIntensityAnalyzer()` | {t_ref_load * 1e3:.2f} ms |",
              f"| custinsight `SentimentAnalyzer(Lexicon.vader())` | {t_our_load * 1e3:.2f} ms |",
              f"| custinsight `SentimentAnalyzer()` (embedded lexicon) | {t_default * 1e3:.2f} ms |",
              ""]

    # One text of growing length, cut from the snippets (so it has "but", negations, caps).
    words = " ".join(texts).split()
    lines += ["## Cost of one text by length", "",
              "The reference rebuilds the lower-cased token list for every lexicon word and "
              "rescales \"but\" with `list.index`, so its cost grows with the square of the "
              "length; custinsight's grows linearly.", "",
              "| words | vaderSentiment | custinsight | ratio |", "|---:|---:|---:|---:|"]
    for size in (10, 30, 100, 300, 1000, 1680, 3000, 10000):
        text = " ".join(words[:size])
        assert ours.polarity_scores(text) == reference.polarity_scores(text)
        rep = 3 if size <= 3000 else 1
        tr = best_of(lambda: reference.polarity_scores(text), repeat=rep)
        to = best_of(lambda: ours.polarity_scores(text), repeat=20, number=10)
        lines.append(f"| {size:,} | {tr * 1e3:.3f} ms | {to * 1e6:.1f} us | {tr / to:,.0f}x |")
    lines.append("")

    lines += ["## Agreement with the human ratings (Pearson r of compound vs mean rating)", "",
              "| lexicon | reference rules | corrected mode |", "|---|---:|---:|"]
    for name, lex in (("VADER (vaderSentiment 3.3.2)", Lexicon.vader()),
                      ("custinsight embedded", Lexicon.default())):
        r = [np.corrcoef(SentimentAnalyzer(lex, corrected=c).polarity_scores(texts).compound,
                         ratings)[0, 1] for c in (False, True)]
        lines.append(f"| {name} | {r[0]:.4f} | {r[1]:.4f} |")
    lines.append("")

    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results" / "sentiment.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
