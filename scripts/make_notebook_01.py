"""Writes notebooks/01_quickstart.ipynb (kept as code so that the notebook's source is reviewable)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# custinsight quick start\n\n"
        "Simulate a customer base with known ground truth, summarise its transaction log into "
        "recency / frequency / monetary value (RFM), and look at the distribution."),
    nbf.v4.new_code_cell(
        "import custinsight as ci\n"
        "import matplotlib.pyplot as plt\n\n"
        "data = ci.simulate(n_customers=20_000, seed=42)\n"
        "print(f\"{len(data.transactions):,} transactions, {len(data.responses):,} survey responses\")\n"
        "data.transactions.head()"),
    nbf.v4.new_markdown_cell(
        "`rfm_summary` takes lifetimes' keywords. With `freq='D', freq_multiplier=7` purchases on "
        "the same day count once and times are reported in weeks."),
    nbf.v4.new_code_cell(
        "summary = ci.rfm_summary(data.transactions, 'customer_id', 'datetime', 'amount',\n"
        "                         observation_period_end=data.end, freq='D', freq_multiplier=7)\n"
        "summary.describe().round(2)"),
    nbf.v4.new_code_cell(
        "fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))\n"
        "summary['frequency'].clip(upper=20).plot.hist(bins=21, ax=axes[0])\n"
        "axes[0].set(title='Repeat purchases (clipped at 20)', xlabel='frequency', ylabel='customers')\n"
        "repeaters = summary[summary['frequency'] > 0]\n"
        "repeaters['recency'].plot.hist(bins=40, ax=axes[1])\n"
        "axes[1].set(title='Recency of repeat buyers', xlabel='weeks from first to last purchase')\n"
        "fig.tight_layout()"),
    nbf.v4.new_markdown_cell(
        "The simulator knows which customers are still alive; recent buyers are much likelier to be:"),
    nbf.v4.new_code_cell(
        "truth = data.customers['alive'].reindex(summary.index)\n"
        "bins = (summary['T'] - summary['recency']).pipe(lambda gap: gap.clip(upper=60) // 10 * 10)\n"
        "truth.groupby(bins).mean().rename('share alive by weeks since last purchase').to_frame()"),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
Path(__file__).resolve().parents[1].joinpath("notebooks", "01_quickstart.ipynb").write_text(
    nbf.writes(nb))
