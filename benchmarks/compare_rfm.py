"""rfm_summary against lifetimes' summary_data_from_transaction_data, side by side in one run.

Run: .venv/bin/python benchmarks/compare_rfm.py   (writes benchmarks/results/rfm.md)
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from _common import best_of, fmt_seconds, machine, write_result  # noqa: E402

import custinsight as ci  # noqa: E402


def log_with(n_transactions: int) -> pd.DataFrame:
    # About 2.77 transactions per customer with the default (CDNOW-like) settings.
    data = ci.simulate(n_customers=int(n_transactions / 2.77), seed=11)
    return data.transactions


def main() -> None:
    warnings.simplefilter("ignore")
    rows = []
    tx = log_with(1_000_000)
    n = len(tx)
    try:
        from lifetimes.utils import summary_data_from_transaction_data
    except ImportError:
        summary_data_from_transaction_data = None
    t_ci, ours = best_of(lambda: ci.rfm_summary(tx, "customer_id", "datetime", "amount"), 5)
    if summary_data_from_transaction_data is not None:
        t_lt, theirs = best_of(lambda: summary_data_from_transaction_data(
            tx, "customer_id", "datetime", "amount"), 2)
        agree = np.allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-9, atol=1e-9)
        rows.append(("rfm_summary, DataFrame with datetimes, freq='D'", n, fmt_seconds(t_lt),
                     fmt_seconds(t_ci), f"{t_lt / t_ci:.0f}x", "yes" if agree else "NO"))
    else:
        rows.append(("rfm_summary, DataFrame with datetimes, freq='D'", n, "lifetimes absent",
                     fmt_seconds(t_ci), "-", "-"))

    big = log_with(10_000_000)
    ids = big["customer_id"].to_numpy()
    ns = big["datetime"].to_numpy().view(np.int64)
    amount = big["amount"].to_numpy()
    end = int(ns.max())
    day = 86400 * 10**9
    for threads in (1, 2):
        ci.set_num_threads(threads)
        t, _ = best_of(lambda: ci._core.rfm.rfm_summary_ticks(ids, ns, amount, end, day, 0, 1.0, False), 3)
        rows.append((f"rfm core on arrays, {threads} thread(s)", len(big), "-", fmt_seconds(t), "-", "-"))
    ci.set_num_threads(0)
    t, _ = best_of(lambda: ci.rfm_summary(big, "customer_id", "datetime", "amount"), 3)
    rows.append(("rfm_summary, DataFrame with datetimes, 2 threads", len(big), "-", fmt_seconds(t), "-", "-"))

    lines = [
        "## RFM summaries",
        "",
        f"Machine: {machine()}. Simulated CDNOW-like logs; best of several runs.",
        "",
        "| task | transactions | lifetimes | custinsight | speed-up | same result (1e-9) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lines += [f"| {a} | {b:,} | {c} | {d} | {e} | {f} |" for a, b, c, d, e, f in rows]
    write_result("rfm", "\n".join(lines))


if __name__ == "__main__":
    main()
