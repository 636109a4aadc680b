"""Shared plumbing: argument checks, customer buckets, and the order of rows across partitions."""

from __future__ import annotations

from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

__all__ = ["BUCKET", "ORDER", "bucket_by_customer", "check_frame", "customer_ids",
           "with_row_order"]

#: Column holding each row's customer bucket (which partition its customer lives in).
BUCKET = "_custinsight_bucket"
#: Column holding each row's position in the input (partition number, then row), so that rows
#: of one customer can be put back in their input order after a shuffle.
ORDER = "_custinsight_order"

# Rows per input partition are far below 2**40 and partitions below 2**23, so
# partition * 2**40 + row is a unique, ordered int64.
_ROW_BITS = 40


def check_frame(name: str, frame: Any) -> dd.DataFrame:
    """Dask DataFrames only: a pandas frame belongs to the single-machine function."""
    if isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} is a pandas DataFrame: use the function of the same name in "
                        "custinsight, or dask.dataframe.from_pandas(...) to run it on Dask")
    if not isinstance(frame, dd.DataFrame):
        raise TypeError(f"{name} must be a Dask DataFrame, got {type(frame).__name__}")
    return frame


def customer_ids(values: pd.Series) -> pd.Series:
    """Customer ids in one canonical dtype per kind (int64, else str), so that the same customer
    hashes to the same bucket whichever frame and storage type it comes from."""
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype(np.int64)
    if pd.api.types.is_float_dtype(values.dtype):
        # Whole-number float ids (a column with missing values read as float) are integers;
        # anything else is rejected with the single-machine function's message later.
        whole = values.notna() & np.isfinite(values) & (values == np.floor(values))
        if bool(whole.all()):
            return values.astype(np.int64)
        return values
    return values.astype(object).where(values.isna(), values.astype(str))


def _bucket_partition(df: pd.DataFrame, id_col: str, n: int) -> pd.DataFrame:
    ids = customer_ids(df[id_col])
    hashed = pd.util.hash_pandas_object(ids, index=False).to_numpy()
    return df.assign(**{BUCKET: (hashed % np.uint64(n)).astype(np.int64)})


def bucket_by_customer(frame: dd.DataFrame, id_col: str, npartitions: int) -> dd.DataFrame:
    """Shuffle ``frame`` so that all rows of a customer share a partition; frames bucketed with
    the same ``npartitions`` hold the same customers in partitions of the same number."""
    meta = frame._meta.assign(**{BUCKET: np.int64(0)})
    bucketed = frame.map_partitions(_bucket_partition, id_col, int(npartitions), meta=meta)
    return bucketed.shuffle(on=BUCKET, npartitions=int(npartitions))


def _order_partition(df: pd.DataFrame, partition_info: dict[str, Any] | None = None
                     ) -> pd.DataFrame:
    number = 0 if partition_info is None else int(partition_info["number"])
    order = (np.int64(number) << np.int64(_ROW_BITS)) + np.arange(len(df), dtype=np.int64)
    return df.assign(**{ORDER: order})


def with_row_order(frame: dd.DataFrame) -> dd.DataFrame:
    """Add the ORDER column: rows sorted by it are in the frame's original order."""
    meta = frame._meta.assign(**{ORDER: np.int64(0)})
    return frame.map_partitions(_order_partition, meta=meta)


def restore_order(df: pd.DataFrame) -> pd.DataFrame:
    """A shuffled partition back in input order, without the helper columns."""
    out = df.sort_values(ORDER, kind="stable") if ORDER in df.columns else df
    return out.drop(columns=[c for c in (BUCKET, ORDER) if c in out.columns]).reset_index(
        drop=True)
