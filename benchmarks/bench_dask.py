"""custinsight.dask at scale on a two-worker LocalCluster: transactions generated partition by
partition (never all in memory at once), and the cost of the loyalty fit against customers.

    .venv/bin/python benchmarks/bench_dask.py                  # 10M, 30M, 100M transactions
    .venv/bin/python benchmarks/bench_dask.py --sizes 1e6 3e6  # a quick run

Writes benchmarks/results/dask.md. Each size runs on a fresh cluster so that the peak resident
memory of each worker process (ru_maxrss) belongs to that size alone.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine, write_result  # noqa: E402

import custinsight as ci  # noqa: E402

# Simulated customers per partition: ~2.8 transactions each, so ~2 million transactions and
# ~64 MB per partition.
CUSTOMERS_PER_PARTITION = 720_000
TX_PER_CUSTOMER = 2.78  # measured from the simulator's defaults; only used to size the runs


def _transactions(i: int, customers: int) -> pd.DataFrame:
    """Partition i of the log: its own seed and its own block of customer ids."""
    sim = ci.simulate(customers, seed=1000 + i, response_rate=0.0)
    tx = sim.transactions[["customer_id", "datetime", "amount"]]
    return tx.assign(customer_id=tx["customer_id"] + np.int64(i) * CUSTOMERS_PER_PARTITION)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_size(n_tx: float, pipeline: bool) -> dict[str, Any]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import custinsight.dask as cd

    partitions = max(2, int(round(n_tx / (CUSTOMERS_PER_PARTITION * TX_PER_CUSTOMER))))
    sizes = [CUSTOMERS_PER_PARTITION] * partitions
    end = ci.simulate(10, seed=0, response_rate=0.0).end
    meta = _transactions(0, 10).iloc[:0]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="10GiB",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        tx = dd.from_map(_transactions, range(partitions), sizes, meta=meta,
                         enforce_metadata=False)
        out: dict[str, Any] = {"partitions": partitions}
        start = time.perf_counter()
        n_rows = int(tx.map_partitions(len).sum().compute())
        out["generate"] = time.perf_counter() - start
        out["transactions"] = n_rows

        start = time.perf_counter()
        summary = cd.rfm_summary(tx, "customer_id", "datetime", "amount",
                                 observation_period_end=end, freq="D",
                                 freq_multiplier=7).persist()
        patterns = cd.pattern_counts(summary)
        out["summary"] = time.perf_counter() - start
        out["customers"] = int(patterns["customers"].sum())
        out["patterns"] = len(patterns)
        start = time.perf_counter()
        model = cd.fit_loyalty(ci.BetaGeoModel(), patterns)
        out["fit"] = time.perf_counter() - start
        start = time.perf_counter()
        pred = cd.predict_loyalty(model, summary, horizon=13.0)
        out["p_alive_mean"] = float(pred["p_alive"].mean().compute())
        out["predict"] = time.perf_counter() - start
        out["summary_total"] = out["summary"] + out["fit"] + out["predict"]
        del summary, pred
        client.run(lambda: __import__("gc").collect())
        if pipeline:
            start = time.perf_counter()
            table = cd.CustomerInsight().score(tx, as_of=end)
            out["table_rows"] = int(table.map_partitions(len).sum().compute())
            out["pipeline"] = time.perf_counter() - start
        out["peak_mb"] = max(client.run(_peak_rss_mb).values())
    return out


def _bgnbd_patterns(i: int, customers: int) -> pd.DataFrame:
    """Pattern counts of one partition of BG/NBD customers in whole weeks (r, alpha, a, b of
    CDNOW), sampled directly: 52 weeks of acquisition, 78 weeks of observation."""
    rng = np.random.default_rng(7 + i)
    lam = rng.gamma(0.24, 1 / 4.41, customers)
    p = rng.beta(0.79, 2.43, customers)
    T = rng.integers(26, 79, customers).astype(np.float64)
    t = np.zeros(customers)
    x = np.zeros(customers)
    last = np.zeros(customers)
    alive = np.ones(customers, bool)
    while alive.any():
        t = t + rng.exponential(1.0, customers) / np.maximum(lam, 1e-12)
        buy = alive & (t <= T)
        x += buy
        last = np.where(buy, t, last)
        alive = buy & (rng.random(customers) >= p)
    summary = pd.DataFrame({"frequency": x, "recency": np.floor(last), "T": T})
    return summary.value_counts().rename("customers").reset_index()


def pattern_table(customer_sizes: list[float]) -> list[dict[str, Any]]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    rows = []
    per = 1_000_000
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster):
        for n in customer_sizes:
            parts = max(1, int(n) // per)
            counts = dd.from_map(_bgnbd_patterns, range(parts), [min(per, int(n))] * parts,
                                 meta=_bgnbd_patterns(0, 10).iloc[:0])
            start = time.perf_counter()
            pats = counts.groupby(["frequency", "recency", "T"]).customers.sum(
                split_every=8).compute().reset_index()
            count_time = time.perf_counter() - start
            pats = pats.sort_values(["frequency", "recency", "T"], ignore_index=True)
            start = time.perf_counter()
            model = ci.BetaGeoModel().fit(pats["frequency"], pats["recency"], pats["T"],
                                          weights=pats["customers"].astype(float))
            fit = time.perf_counter() - start
            rows.append({"customers": int(pats["customers"].sum()), "patterns": len(pats),
                         "count": count_time, "fit": fit,
                         "params": ", ".join(f"{v:.3f}" for v in model.params_)})
            print(rows[-1], flush=True)
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="*", type=float, default=[1e7, 3e7, 1e8])
    parser.add_argument("--pipeline-sizes", nargs="*", type=float, default=[1e7])
    parser.add_argument("--pattern-sizes", nargs="*", type=float, default=[1e5, 1e6, 1e7, 1e8])
    args = parser.parse_args(argv)
    results = []
    for n in args.sizes:
        r = run_size(n, pipeline=n in args.pipeline_sizes)
        print(n, r, flush=True)
        results.append(r)
    patterns = pattern_table(args.pattern_sizes)

    lines = ["# Dask: custinsight.dask on a two-worker LocalCluster", "",
             f"Machine: {machine()}; 2 worker processes, 1 thread each. Transactions come from "
             "custinsight.simulate (seeded per partition, ~2 million transactions each), "
             "generated inside the workers partition by partition, never all in memory. "
             "'summary' is rfm_summary (shuffle by customer, C++ per partition), persisted, "
             "plus the pattern counts (tree reduction); 'fit' is BG/NBD on the patterns on "
             "the client; 'predict' is P(alive), expected purchases and churn risk per "
             "partition, reduced to a mean. Peak memory is the largest ru_maxrss of the two "
             "worker processes.", "",
             "| transactions | customers | partitions | generate alone | summary + counts | "
             "patterns | fit | predict | total (summary..predict) | per 1M transactions | "
             "full CustomerInsight.score | peak memory per worker |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        full = f"{r['pipeline']:.1f} s" if "pipeline" in r else "-"
        lines.append(
            f"| {r['transactions']:,} | {r['customers']:,} | {r['partitions']} | "
            f"{r['generate']:.1f} s | {r['summary']:.1f} s | {r['patterns']:,} | "
            f"{r['fit'] * 1e3:.0f} ms | {r['predict']:.1f} s | {r['summary_total']:.1f} s | "
            f"{r['summary_total'] / r['transactions'] * 1e6:.2f} s | {full} | "
            f"{r['peak_mb']:,.0f} MB |")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        growth = b["summary_total"] / a["summary_total"]
        lines += ["", f"From {a['transactions']:,} to {b['transactions']:,} transactions "
                  f"({b['transactions'] / a['transactions']:.1f}x) the time grows "
                  f"{growth:.2f}x (linear would be {b['transactions'] / a['transactions']:.2f}x)."]
    lines += ["", "## Pattern compression: the loyalty fit against customers", "",
              "BG/NBD customers sampled directly in whole weeks (CDNOW's parameters, ages 26-78 "
              "weeks), one million per partition; the distinct (frequency, recency, T) are "
              "counted with a tree reduction and BG/NBD is fitted once on them.", "",
              "| customers | distinct patterns | counting (Dask) | fit on patterns | "
              "r, alpha, a, b |", "|---:|---:|---:|---:|---|"]
    for p in patterns:
        lines.append(f"| {p['customers']:,} | {p['patterns']:,} | {p['count']:.1f} s | "
                     f"{p['fit'] * 1e3:.0f} ms | {p['params']} |")
    write_result("dask", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
