"""Time custinsight's loyalty models against lifetimes 0.11.3, side by side in one run.

Usage: .venv/bin/python benchmarks/compare_loyalty.py [--quick]
Prints a markdown table and writes it to benchmarks/results/loyalty.md. Needs the peers extra
(lifetimes) and ../shared/data for the CDNOW rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import custinsight as ci

warnings.simplefilter("ignore")  # lifetimes' deprecation noise on new pandas/numpy
HERE = Path(__file__).resolve().parent
DATA = HERE.parent / ".." / "shared" / "data"


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def simulated(n, seed):
    c = ci.simulate(n, seed=seed, response_rate=0.0).customers
    return (c["frequency"].to_numpy(), c["recency"].to_numpy(), c["T"].to_numpy())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100k instead of 1M customers")
    args = parser.parse_args()
    import lifetimes

    load_before = os.getloadavg()
    rows = []

    def add(task, ours, theirs, target):
        ratio = theirs / ours if theirs else float("nan")
        rows.append((task, ours, theirs, ratio, target))
        print(f"{task}: custinsight {ours:.4f}s, lifetimes {theirs:.4f}s, {ratio:.1f}x",
              flush=True)

    if DATA.is_dir():
        d = pd.read_csv(DATA / "cdnow_customers_summary.csv")
        f, r, T = (d[c].to_numpy(float) for c in ("frequency", "recency", "T"))
        ours = best_of(lambda: ci.BetaGeoModel().fit(f, r, T), 10)
        theirs = best_of(lambda: lifetimes.BetaGeoFitter().fit(f, r, T), 3)
        add("BG/NBD fit, CDNOW (2,357 customers)", ours, theirs, ">= 50x")
        ours = best_of(lambda: ci.ParetoNBDModel().fit(f, r, T), 20)
        np.random.seed(0)
        theirs = best_of(lambda: lifetimes.ParetoNBDFitter().fit(f, r, T), 1)
        add("Pareto/NBD fit, CDNOW (2,357 customers)", ours, theirs, ">= 100x")
    else:
        print(f"{DATA} is absent: CDNOW rows skipped")

    n = 100_000 if args.quick else 1_000_000
    f, r, T = simulated(n, seed=1)
    label = f"{n:,}"
    ours = best_of(lambda: ci.BetaGeoModel().fit(f, r, T), 2)
    theirs_model = lifetimes.BetaGeoFitter()
    theirs = best_of(lambda: theirs_model.fit(f, r, T), 1)
    add(f"BG/NBD fit, {label} simulated customers (all histories distinct)", ours, theirs,
        ">= 20x")
    model = ci.BetaGeoModel().fit(f, r, T)
    theirs_model.params_ = model.params_.copy()
    ours = best_of(lambda: model.conditional_probability_alive(f, r, T), 10)
    theirs = best_of(lambda: theirs_model.conditional_probability_alive(f, r, T), 3)
    add(f"P(alive), {label} customers", ours, theirs, ">= 5x")
    ours = best_of(lambda: model.conditional_expected_number_of_purchases_up_to_time(
        10.0, f, r, T), 5)
    theirs = best_of(lambda: theirs_model.conditional_expected_number_of_purchases_up_to_time(
        10.0, f, r, T), 2)
    add(f"conditional expected purchases (t = 10), {label} customers", ours, theirs, ">= 5x")
    gg = ci.GammaGammaModel().set_params(p=6.25, q=3.74, v=15.44)
    their_gg = lifetimes.GammaGammaFitter()
    their_gg.params_ = gg.params_.copy()
    theirs_model.predict = theirs_model.conditional_expected_number_of_purchases_up_to_time
    money = np.full(n, 35.0)
    fs, rs, Ts, ms = (pd.Series(a) for a in (f, r, T, money))
    ours = best_of(lambda: gg.customer_lifetime_value(model, f, r, T, money, time=12,
                                                      discount_rate=0.01, freq="W"), 3)
    theirs = best_of(lambda: their_gg.customer_lifetime_value(
        theirs_model, fs, rs, Ts, ms, time=12, discount_rate=0.01, freq="W"), 1)
    add(f"CLV (12 months, BG/NBD + Gamma-Gamma), {label} customers", ours, theirs, ">= 50x")

    # Ten million customers summarised in whole weeks: histories repeat, so the fit runs on
    # compressed patterns. Only custinsight: lifetimes does not compress.
    big = 10 * n
    parts = [simulated(n, seed=100 + k) for k in range(10)]
    fb = np.concatenate([p[0] for p in parts])
    rb = np.floor(np.concatenate([p[1] for p in parts]))
    Tb = np.floor(np.concatenate([p[2] for p in parts]))
    del parts
    fitted = []
    ours = best_of(lambda: fitted.append(ci.BetaGeoModel().fit(fb, rb, Tb)), 2)
    patterns = fitted[-1].fit_info_["n_patterns"]
    rows.append((f"BG/NBD fit, {big:,} simulated customers in whole weeks "
                 f"({patterns:,} patterns)", ours, None, None, "< 5 s"))
    print(f"10x fit: {ours:.3f}s on {patterns} patterns", flush=True)

    lines = [
        "# Loyalty models: custinsight vs lifetimes 0.11.3",
        "",
        f"Measured in one run on {platform.machine()} with {os.cpu_count()} cores "
        f"(custinsight threads: {ci.num_threads()}), Python {platform.python_version()}; "
        "best of several runs for the fast side, one run for slow lifetimes calls. The "
        "machine may be shared, so absolute times vary; both sides ran under the same load. "
        f"Load average (1, 5, 15 min) {', '.join(f'{v:.2f}' for v in load_before)} before the "
        f"run and {', '.join(f'{v:.2f}' for v in os.getloadavg())} after; with other work on "
        "the second core, custinsight's two-thread loops wait for it at every parallel region.",
        "",
        "| task | custinsight (s) | lifetimes (s) | speed-up | target |",
        "|---|---:|---:|---:|---|",
    ]
    for task, ours, theirs, ratio, target in rows:
        t = "-" if theirs is None else f"{theirs:.4f}"
        x = "-" if ratio is None else f"{ratio:.1f}x"
        lines.append(f"| {task} | {ours:.4f} | {t} | {x} | {target} |")
    text = "\n".join(lines) + "\n"
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "loyalty.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
