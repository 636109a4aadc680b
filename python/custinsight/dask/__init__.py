"""custinsight on Dask: the single-machine answers for logs that outgrow one machine.

Install with ``pip install custinsight[dask]``. Every function takes Dask DataFrames and gives
the results of the function of the same name in ``custinsight`` (summaries exactly, fitted
parameters and scores to rounding), whatever the number of partitions and workers::

    import dask.dataframe as dd
    from distributed import Client
    import custinsight.dask as cd

    client = Client()                      # or Client("scheduler-address:8786")
    tx = dd.read_parquet("transactions/")  # customer_id, datetime, amount
    summary = cd.rfm_summary(tx, "customer_id", "datetime", "amount").persist()
    model = cd.fit_loyalty(custinsight.BetaGeoModel(), summary)
    table = cd.CustomerInsight().score(tx, feedback)   # a Dask DataFrame

How: transactions are shuffled by customer and summarised per partition by the C++ core;
loyalty models are fitted once, on the client, from the distinct (frequency, recency, T)
patterns counted across partitions with a tree reduction, so their cost does not grow with
the number of customers; predictions, sentiment and satisfaction roll-ups run per partition.
See docs/dask.md.
"""

from __future__ import annotations

try:
    import dask  # noqa: F401 - the real Dask: this package's modules import it absolutely
    import dask.dataframe  # noqa: F401
except ImportError as err:  # pragma: no cover - only without the extra
    raise ImportError("custinsight.dask needs Dask: pip install 'custinsight[dask]' "
                      f"(dask[dataframe] and distributed). Original error: {err}") from err

from ._loyalty import fit_loyalty, fit_spend, pattern_counts, predict_loyalty, spend_patterns
from ._pipeline import CustomerInsight, insight_table
from ._rfm import rfm_summary
from ._satisfaction import customer_satisfaction, satisfaction_scores, sentiment_scores

__all__ = [
    "CustomerInsight",
    "customer_satisfaction",
    "fit_loyalty",
    "fit_spend",
    "insight_table",
    "pattern_counts",
    "predict_loyalty",
    "rfm_summary",
    "satisfaction_scores",
    "sentiment_scores",
    "spend_patterns",
]
