"""Writes notebooks/05_churn.ipynb (kept as code so that the notebook's source is reviewable)."""

from pathlib import Path

import nbformat as nbf

code = nbf.v4.new_code_cell
md = nbf.v4.new_markdown_cell
cells = [
    md("# Churn on CDNOW: loyalty models against a feature-based churn model\n\n"
       "Features as of the end of the 39-week calibration period (1997-09-30); the label is "
       "*no purchase in weeks 40-78*. Three scores compete: 1 - P(alive), the closed-form "
       "probability of no purchase in the next 39 weeks from each loyalty model, and `ChurnModel` "
       "(L2 logistic regression, 5-fold cross-validated) on transaction and loyalty features."),
    code("from pathlib import Path\n\n"
         "import matplotlib.pyplot as plt\n"
         "import pandas as pd\n\n"
         "import custinsight as ci\n\n"
         "DATA = Path.cwd().parent.parent / 'shared' / 'data'\n"
         "HAVE_DATA = (DATA / 'CDNOW_sample.txt').exists()\n"
         "if not HAVE_DATA:\n"
         "    print(f'{DATA} is absent: this notebook needs the CDNOW sample; skipping.')"),
    code("if HAVE_DATA:\n"
         "    raw = pd.read_csv(DATA / 'CDNOW_sample.txt', sep=r'\\s+', header=None,\n"
         "                      names=['customer_id', 'sample_id', 'date', 'cds', 'amount'])\n"
         "    raw['date'] = pd.to_datetime(raw['date'].astype(str), format='%Y%m%d')\n"
         "    bt = ci.churn_backtest(raw, '1997-09-30', '1998-06-30', customer_id_col='sample_id',\n"
         "                           datetime_col='date', monetary_value_col='amount',\n"
         "                           freq='D', freq_multiplier=7)\n"
         "    y = bt['churned'].to_numpy()\n"
         "    f, r, T = bt['frequency'], bt['recency'], bt['T']\n"
         "    print(f'{len(bt):,} customers, churn rate {y.mean():.3f}')"),
    code("if HAVE_DATA:\n"
         "    rows, scores = [], {}\n"
         "    for model in (ci.BetaGeoModel(), ci.ModifiedBetaGeoModel(), ci.ParetoNBDModel()):\n"
         "        model.fit(f, r, T)\n"
         "        name = type(model).__name__\n"
         "        scores[f'{name}: 1 - P(alive)'] = 1 - model.conditional_probability_alive(f, r, T).to_numpy()\n"
         "        scores[f'{name}: no purchase in 39 weeks'] = model.churn_risk(f, r, T, 39.0).to_numpy()\n"
         "    bg = ci.BetaGeoModel().fit(f, r, T)\n"
         "    X = bt.drop(columns=['churned'])\n"
         "    X['p_alive'] = bg.conditional_probability_alive(f, r, T).to_numpy()\n"
         "    X['expected_purchases_39w'] = bg.conditional_expected_number_of_purchases_up_to_time(\n"
         "        39.0, f, r, T).to_numpy()\n"
         "    scores['ChurnModel (5-fold CV)'] = ci.cross_val_predict(ci.ChurnModel(C=1.0), X, y,\n"
         "                                                          n_splits=5, seed=0)\n"
         "    table = pd.DataFrame({k: ci.churn_metrics(y, v) for k, v in scores.items()}).T\n"
         "    display(table.round(4))"),
    md("BG/NBD puts P(alive) = 1 for every customer without a repeat purchase, although most of "
       "them never buy again, so 1 - P(alive) ranks worse than chance on this data. The horizon "
       "probability accounts for the purchase rate too and ranks well; the feature model is best."),
    code("if HAVE_DATA:\n"
         "    cal = ci.calibration_table(y, scores['ChurnModel (5-fold CV)'], n_bins=10)\n"
         "    fig, ax = plt.subplots(figsize=(4.5, 4.5))\n"
         "    ax.plot([0, 1], [0, 1], color='grey', lw=1, ls='--')\n"
         "    ax.plot(cal['mean_predicted'], cal['observed_rate'], marker='o')\n"
         "    ax.set(xlabel='predicted churn probability (decile mean)',\n"
         "           ylabel='observed churn rate', title='ChurnModel calibration (cross-validated)')\n"
         "    fig.tight_layout()"),
    md("The ten riskiest customers and the three features that push each one's log-odds up the "
       "most, relative to the average customer:"),
    code("if HAVE_DATA:\n"
         "    model = ci.ChurnModel(C=1.0).fit(X, y)\n"
         "    display(model.coef_table().round(3))\n"
         "    drivers = model.drivers(X, top_k=3)\n"
         "    display(drivers.nlargest(10, 'churn_probability').round(3))"),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
Path(__file__).resolve().parents[1].joinpath("notebooks", "05_churn.ipynb").write_text(nbf.writes(nb))
