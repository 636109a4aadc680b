"""Sentiment and satisfaction on Dask: responses scored per partition, rolled up per customer.

The analyser (with its lexicon) enters the graph once, as one key: each worker receives and
builds it once, and unpickling reuses an analyser already built in that process (see
custinsight._pickling), so no partition pays for loading a lexicon.
"""

from __future__ import annotations

import functools
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

from custinsight import _core
from custinsight._validate import require_columns
from custinsight.satisfaction import customer_satisfaction as _customer_satisfaction
from custinsight.satisfaction import satisfaction_scores as _satisfaction_scores

from ._common import bucket_by_customer, check_frame, customer_ids, restore_order, with_row_order
from ._loyalty import _delayed

__all__ = ["customer_satisfaction", "default_analyzer", "satisfaction_scores",
           "sentiment_scores"]


def default_analyzer() -> Any:
    """The analyser the single-machine satisfaction functions use by default."""
    from custinsight.satisfaction import _default_analyzer

    return _default_analyzer()


def _polarity(texts: pd.Series, analyzer: Any, top_tokens: int, raw: bool) -> pd.DataFrame:
    return analyzer.polarity_scores(texts, top_tokens=top_tokens, missing="nan", raw=raw)


def sentiment_scores(texts: dd.Series, analyzer: Any = None, *, top_tokens: int = 0,
                     raw: bool = False) -> dd.DataFrame:
    """``analyzer.polarity_scores`` of a Dask Series of texts (missing texts score NaN).

    Returns a Dask DataFrame on the texts' index: neg, neu, pos, compound [and the token
    columns]. ``analyzer`` defaults to ``SentimentAnalyzer()``.
    """
    if not isinstance(texts, dd.Series):
        raise TypeError(f"texts must be a Dask Series, got {type(texts).__name__}")
    if analyzer is None:
        from custinsight.sentiment import SentimentAnalyzer

        analyzer = SentimentAnalyzer()
    sample = pd.Series(["ok"], dtype=object)
    meta = _polarity(sample, analyzer, int(top_tokens), bool(raw)).iloc[:0]
    meta.index = texts._meta.index[:0]
    return texts.map_partitions(_polarity, _delayed(analyzer), int(top_tokens), bool(raw),
                                meta=meta)


def _touchpoint_order(values: pd.Series) -> list[Any]:
    known = list(_core.TOUCHPOINTS)
    present = set(values)
    return [t for t in known if t in present] + sorted(v for v in present if v not in set(known))


def _score_partition(df: pd.DataFrame, analyzer: Any, options: dict[str, Any]) -> pd.DataFrame:
    if len(df) == 0:
        return _satisfaction_scores(_one_row_like(df, options), analyzer=analyzer,
                                    **options).iloc[:0]
    return _satisfaction_scores(df, analyzer=analyzer, **options)


def _one_row_like(df: pd.DataFrame, options: dict[str, Any]) -> pd.DataFrame:
    """A valid one-row response with ``df``'s columns and dtypes, to learn the output's
    columns and dtypes without computing anything."""
    row: dict[str, Any] = {}
    for col in df.columns:
        dtype = df[col].dtype
        if col in (options.get("rating_col"), options.get("sentiment_col")):
            value: Any = 1
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            value = pd.Timestamp("2000-01-01")
        elif isinstance(dtype, pd.CategoricalDtype):
            value = dtype.categories[0] if len(dtype.categories) else None
        elif pd.api.types.is_numeric_dtype(dtype):
            value = 1
        else:
            value = "ok"
        row[col] = pd.Series([value]).astype(dtype)
    return pd.DataFrame(row)


def satisfaction_scores(feedback: dd.DataFrame, *, analyzer: Any = None, as_of: Any = None,
                        time_col: str | None = None, touchpoint_col: str | None = "touchpoint",
                        **options: Any) -> dd.DataFrame:
    """:func:`custinsight.satisfaction_scores` of a Dask DataFrame of responses.

    Takes the single-machine keywords. Rows are scored independently, so partitions are scored
    where they lie; ``as_of`` defaults to the latest response (one extra pass), and string
    touchpoints get one category order across partitions (one extra pass), as one machine
    would give them.
    """
    check_frame("feedback", feedback)
    require_columns(feedback._meta, time_col=time_col, touchpoint_col=touchpoint_col)
    if analyzer is None and (options.get("text_col") is not None):
        analyzer = default_analyzer()
    if time_col is not None and as_of is None:
        as_of = feedback[time_col].max().compute()
    if touchpoint_col is not None and not isinstance(feedback._meta[touchpoint_col].dtype,
                                                     pd.CategoricalDtype):
        values = feedback[touchpoint_col].dropna().unique().compute()
        dtype = pd.CategoricalDtype(_touchpoint_order(pd.Series(values)))
        feedback = feedback.assign(**{touchpoint_col: feedback[touchpoint_col].astype(dtype)})
    options = dict(options, as_of=as_of, time_col=time_col, touchpoint_col=touchpoint_col)
    meta = _satisfaction_scores(_one_row_like(feedback._meta, options), analyzer=analyzer,
                                **options).iloc[:0]
    meta.index = feedback._meta.index[:0]
    return feedback.map_partitions(_score_partition, _delayed(analyzer), options, meta=meta)


def _rollup_partition(df: pd.DataFrame, trend_days: float, meta: pd.DataFrame
                      ) -> pd.DataFrame:
    df = restore_order(df)
    if len(df) == 0:
        return meta
    out = _customer_satisfaction(df, trend_days=trend_days)
    out.index = out.index.astype(meta.index.dtype)
    return out


def customer_satisfaction(scores: dd.DataFrame, *, trend_days: float = 30.0,
                          npartitions: int | None = None) -> dd.DataFrame:
    """:func:`custinsight.customer_satisfaction` of Dask per-response scores: shuffled by
    customer, each customer's responses put back in input order, rolled up per partition."""
    check_frame("scores", scores)
    for col in ("customer_id", "score", "weight", "time"):
        if col not in scores.columns:
            raise ValueError(f"scores has no {col!r} column: pass the result of "
                             "satisfaction_scores with time_col=")
    n = int(npartitions or scores.npartitions)
    meta = _meta_rollup(scores._meta)
    shuffled = bucket_by_customer(with_row_order(scores), "customer_id", n)
    # The empty frame rides in a partial: as an argument, Dask would take it for data.
    rollup = functools.partial(_rollup_partition, trend_days=float(trend_days), meta=meta)
    return shuffled.map_partitions(rollup, meta=meta, align_dataframes=False)


def _meta_rollup(sample: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({
        "customer_id": pd.Series([1 if sample["customer_id"].dtype.kind in "iu" else "x"]).astype(
            sample["customer_id"].dtype),
        "time": pd.Series([pd.Timestamp("2000-01-01")]).astype(sample["time"].dtype)
        if pd.api.types.is_datetime64_any_dtype(sample["time"].dtype)
        else pd.Series([0.0]),
        "score": [0.0], "weight": [1.0],
        "negative": [False], "mismatch": [False],
    })
    if "touchpoint" in sample.columns:
        frame["touchpoint"] = pd.Categorical([None], dtype=sample["touchpoint"].dtype)
    out = _customer_satisfaction(frame).iloc[:0]
    out.index = out.index.astype(customer_ids(sample["customer_id"]).dtype)
    return out


