"""Transaction log -> RFM summary on Dask: shuffle by customer, summarise each partition in C++."""

from __future__ import annotations

from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

from custinsight._validate import require_columns
from custinsight.rfm import rfm_summary as _rfm_summary

from ._common import BUCKET, bucket_by_customer, check_frame, customer_ids

__all__ = ["observation_end", "rfm_summary", "summary_meta"]


def observation_end(transactions: dd.DataFrame, datetime_col: str) -> Any:
    """The latest transaction time (one pass over the log)."""
    end = transactions[datetime_col].max().compute()
    if end is pd.NaT or (isinstance(end, float) and np.isnan(end)):
        raise ValueError(f"{datetime_col} has no times: no transactions to summarise")
    return end


def summary_meta(id_meta: pd.Series, customer_id_col: str, with_amount: bool) -> pd.DataFrame:
    columns = ["frequency", "recency", "T"] + (["monetary_value"] if with_amount else [])
    index = pd.Index(customer_ids(id_meta.iloc[:0]), name=customer_id_col)
    return pd.DataFrame({c: np.array([], dtype=np.float64) for c in columns}, index=index)


def _empty(index_dtype: Any, customer_id_col: str, columns: list[str]) -> pd.DataFrame:
    index = pd.Index([], dtype=index_dtype, name=customer_id_col)
    return pd.DataFrame({c: np.array([], dtype=np.float64) for c in columns}, index=index)


def _summarise(df: pd.DataFrame, index_dtype: Any, customer_id_col: str, datetime_col: str,
               monetary_value_col: str | None, options: dict[str, Any]) -> pd.DataFrame:
    if len(df) == 0:
        columns = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col
                                                   else [])
        return _empty(index_dtype, customer_id_col, columns)
    # Ids in the canonical dtype, so every partition's index has the dtype of the meta.
    df = df.drop(columns=[BUCKET]).assign(**{customer_id_col: customer_ids(df[customer_id_col])})
    out = _rfm_summary(df.reset_index(drop=True), customer_id_col, datetime_col,
                       monetary_value_col, **options)
    out.index = out.index.astype(index_dtype)
    return out


def rfm_summary(
    transactions: dd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
    *,
    npartitions: int | None = None,
) -> dd.DataFrame:
    """:func:`custinsight.rfm_summary` of a Dask DataFrame of transactions.

    The log may be partitioned any way (by time, by file, ...): it is shuffled so that each
    customer's transactions share a partition, and each partition is summarised by the C++ core.
    The result equals the single-machine summary exactly.

    Parameters
    ----------
    transactions : dask.dataframe.DataFrame
    customer_id_col, datetime_col, monetary_value_col, observation_period_end, freq,
    freq_multiplier, include_first_transaction : as in :func:`custinsight.rfm_summary`;
        ``observation_period_end`` defaults to the latest transaction (one extra pass)
    npartitions : int, optional
        partitions of the result (default: those of ``transactions``)

    Returns
    -------
    dask.dataframe.DataFrame indexed by customer id (sorted within each partition; partitions
    are buckets of customers, not ranges): frequency, recency, T [, monetary_value].
    """
    check_frame("transactions", transactions)
    require_columns(transactions._meta, customer_id_col=customer_id_col,
                    datetime_col=datetime_col, monetary_value_col=monetary_value_col)
    columns = [customer_id_col, datetime_col] + (
        [monetary_value_col] if monetary_value_col is not None else [])
    tx = transactions[columns]
    if pd.api.types.is_string_dtype(tx._meta[datetime_col].dtype) or \
            tx._meta[datetime_col].dtype == object:
        tx = tx.assign(**{datetime_col: dd.to_datetime(tx[datetime_col], format="mixed")})
    if observation_period_end is None:
        observation_period_end = observation_end(tx, datetime_col)
    n = int(npartitions or transactions.npartitions)
    meta = summary_meta(tx._meta[customer_id_col], customer_id_col, monetary_value_col is not None)
    options = dict(observation_period_end=observation_period_end, freq=freq,
                   freq_multiplier=freq_multiplier,
                   include_first_transaction=include_first_transaction)
    return bucket_by_customer(tx, customer_id_col, n).map_partitions(
        _summarise, meta.index.dtype, customer_id_col, datetime_col, monetary_value_col, options, meta=meta,
        align_dataframes=False)
