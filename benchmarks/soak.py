"""Memory soak: score random batches in a loop for a while and check that memory stays flat.

    .venv/bin/python benchmarks/soak.py                 # 5 minutes (about an hour of traffic
                                                        # at 20 batches a minute)
    .venv/bin/python benchmarks/soak.py --minutes 60

Each round simulates fresh transactions and survey responses, summarises them, fits and scores
the loyalty models, scores the texts and rolls up satisfaction, then drops everything. The
resident set size is sampled after every round; after a warm-up of 10% of the rounds, its growth
per hour (least-squares slope) must stay below --max-growth-mb-per-hour. Not run by scripts/test.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

import numpy as np

import custinsight as ci


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def one_round(seed: int) -> float:
    data = ci.simulate(n_customers=3000, seed=seed)
    tx = data.transactions
    summary = ci.rfm_summary(tx, "customer_id", "time", monetary_value_col="amount",
                             observation_period_end=float(tx["time"].max()))
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    model = ci.BetaGeoModel(penalizer_coef=0.001).fit(f, r, T)
    alive = model.conditional_probability_alive(f, r, T)
    expected = model.conditional_expected_number_of_purchases_up_to_time(10.0, f, r, T)
    texts = data.responses["text"]
    scores = ci.SentimentAnalyzer(corrected=bool(seed % 2)).polarity_scores(
        texts, missing="nan", top_tokens=2)
    sat = ci.satisfaction_scores(data.responses, rating_col="csat", text_col="text",
                                 time_col="datetime")
    return float(np.nansum(alive) + np.nansum(expected) + np.nansum(scores["compound"])
                 + len(sat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--max-growth-mb-per-hour", type=float, default=20.0)
    args = parser.parse_args()
    deadline = time.monotonic() + 60 * args.minutes
    samples: list[tuple[float, float]] = []
    start = time.monotonic()
    seed = 0
    while time.monotonic() < deadline:
        one_round(seed)
        seed += 1
        gc.collect()
        samples.append((time.monotonic() - start, rss_mb()))
        if seed % 20 == 0:
            print(f"round {seed}: rss {samples[-1][1]:.1f} MB", flush=True)
    kept = samples[max(1, len(samples) // 10):]
    if len(kept) < 5:
        print("soak: too few rounds to judge; run longer")
        return 1
    t = np.array([s[0] for s in kept]) / 3600
    m = np.array([s[1] for s in kept])
    slope = float(np.polyfit(t, m, 1)[0])
    print(f"soak: {seed} rounds in {samples[-1][0] / 60:.1f} min; rss {m[0]:.1f} -> {m[-1]:.1f} MB "
          f"(min {m.min():.1f}, max {m.max():.1f}); growth {slope:+.1f} MB/hour "
          f"(limit {args.max_growth_mb_per_hour})")
    return 0 if slope < args.max_growth_mb_per_hour else 1


if __name__ == "__main__":
    sys.exit(main())
