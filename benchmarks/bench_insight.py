"""Time `custinsight score --demo` end to end and measure the insight table against the hidden
truth of the simulation.

    .venv/bin/python benchmarks/bench_insight.py [--customers 1000000] [--accuracy 100000]

Runs the CLI in a child process (so its peak RSS is the job's own, read with
resource.getrusage(RUSAGE_CHILDREN)), then scores a separate simulated base in this process
for the accuracy figures: AUC of churn_risk against the hidden churners (~alive) and the
correlation of satisfaction with the hidden satisfaction (customers with feedback only).
Writes benchmarks/results/insight.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC with mid-ranks for ties (no scikit-learn needed)."""
    import pandas as pd

    ranks = pd.Series(score).rank(method="average").to_numpy()
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def run_cli(customers: int, threads: int) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.csv"
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        cmd = [sys.executable, "-m", "custinsight", "score", "--demo", "--customers",
               str(customers), "--rows", "0", "--out", str(out)]
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"custinsight score failed: {done.stderr.strip()}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        return seconds, peak_mb, done.stdout.strip().splitlines()[-1]


def accuracy(customers: int, seed: int) -> dict[str, float]:
    import custinsight as ci

    data = ci.simulate(n_customers=customers, seed=seed)
    table = ci.insight_table(data.transactions, data.responses, as_of=data.end)
    truth = data.customers.loc[table.index]
    churned = ~truth["alive"].to_numpy()
    has_feedback = table["satisfaction"].notna().to_numpy()
    corr = np.corrcoef(table["satisfaction"].to_numpy()[has_feedback],
                       truth["satisfaction"].to_numpy()[has_feedback])[0, 1]
    return {"customers": float(len(table)), "churners": float(churned.mean()),
            "auc_churn_risk": _auc(churned, table["churn_risk"].to_numpy()),
            "auc_no_purchase_risk": _auc(churned, table["no_purchase_risk"].to_numpy()),
            "with_feedback": float(has_feedback.mean()), "corr_satisfaction": float(corr),
            "model": table.attrs["model"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--accuracy", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    seconds, peak_mb, last_line = run_cli(args.customers, args.threads)
    acc = accuracy(args.accuracy, args.seed)
    load = os.getloadavg()
    lines = [
        "# Insight table: end-to-end time and accuracy",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} logical CPUs, {args.threads} threads; "
        f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end of the run.",
        "",
        "| job | customers | wall time (s) | peak RSS (MB) | limit |",
        "|---|---:|---:|---:|---|",
        f"| `custinsight score --demo` (simulate transactions, feedback, contacts and chats; score; write CSV) | {args.customers:,} | "
        f"{seconds:.1f} | {peak_mb:,.0f} | < 60 s, < 4096 MB |",
        "",
        f"CLI: {last_line}",
        "",
        f"Accuracy on {int(acc['customers']):,} simulated customers (seed {args.seed}, model "
        f"chosen by BIC: {acc['model']}), hidden truth from the simulator:",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| AUC of churn_risk against hidden churners (~alive; {acc['churners']:.1%} "
        f"churned) | {acc['auc_churn_risk']:.4f} | >= 0.8 |",
        f"| AUC of no_purchase_risk (P(no purchase in the horizon)) | "
        f"{acc['auc_no_purchase_risk']:.4f} | (for comparison) |",
        f"| correlation of satisfaction with hidden satisfaction (the "
        f"{acc['with_feedback']:.1%} of customers with feedback) | "
        f"{acc['corr_satisfaction']:.4f} | >= 0.8 |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = HERE / "results" / "insight.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
