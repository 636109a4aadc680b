"""The whole insight table on Dask: the single-machine CustomerInsight, partition by partition.

Transactions and every per-customer input (feedback, contacts, transcripts) are shuffled into the same
customer buckets, so that partition p of each holds the same customers and one function per
partition sees everything about its customers. The loyalty and spend models are fitted once
from pattern counts. The value and frequency percentiles of the scores rank each customer
among all customers: frequency ranks come from the pattern counts, value ranks from a shuffle
of the table into ranges of CLV, each range ranked where it lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

from custinsight._validate import require_columns
from custinsight.insight._pipeline import InsightEngine, describe, resolve_columns
from custinsight.insight._steps import (FittedModels, add_feedback, add_model_columns,
                                        add_scores, fit_models)
from custinsight.insight.columns import Columns
from custinsight.insight.config import InsightConfig
from custinsight.insight.inputs import (add_contacts, add_support, check_unmatched,
                                        count_unmatched, no_contacts, no_support)

from ._common import bucket_by_customer, check_frame, customer_ids, restore_order, with_row_order
from ._loyalty import _delayed, pattern_counts, spend_patterns
from ._rfm import rfm_summary
from ._satisfaction import default_analyzer

__all__ = ["CustomerInsight", "insight_table"]

_VALUE_BUCKET = "_custinsight_value_bucket"


class CustomerInsight(InsightEngine):
    """:class:`custinsight.CustomerInsight` on Dask DataFrames.

    ``score`` takes the single-machine keywords and returns a Dask DataFrame whose rows, once
    computed and sorted by customer id, equal the single-machine table. The fitted models and
    the date used stay on the object (``model_name_``, ``model_``, ``bics_``, ``spend_model_``,
    ``as_of_``, ``summary_``: the persisted RFM summary, ``attrs_``: what the one-machine
    table keeps in ``attrs``: as_of, model and spend notes, unmatched rows per input).

    Not yet on Dask: the label-window churn model (``config.label_window_days > 0``), which
    raises NotImplementedError.
    """

    def __init__(self, config: InsightConfig | None = None) -> None:
        super().__init__(config)
        self.summary_: dd.DataFrame | None = None
        self.attrs_: dict[str, Any] = {}

    def score(
        self,
        transactions: dd.DataFrame,
        feedback: dd.DataFrame | None = None,
        *,
        as_of: Any = None,
        contacts: dd.DataFrame | None = None,
        transcripts: dd.DataFrame | None = None,
        columns: Columns | Mapping[str, Any] | None = None,
        npartitions: int | None = None,
        split_every: int | None = None,
        **deprecated: Any,
    ) -> dd.DataFrame:
        """The insight table of :meth:`custinsight.CustomerInsight.score`, as a Dask DataFrame.

        Extra parameters: ``npartitions`` of the customer buckets (default: those of
        ``transactions``) and ``split_every`` of the tree reductions. Computes the latest
        transaction (unless ``as_of`` is given), persists the RFM summary and the table before
        scores, and fits the models on the client; the returned table is lazy.
        """
        cfg, cols = resolve_columns(self.config, columns, deprecated,
                                    "custinsight.dask.CustomerInsight.score")
        if cfg.label_window_days > 0:
            raise NotImplementedError("label_window_days > 0 (a churn model trained one window "
                                      "back) is not available on Dask yet; set it to 0")
        cid, dt, amount = cols.customer_id, cols.datetime, cols.amount
        check_frame("transactions", transactions)
        require_columns(transactions._meta, customer_id_col=cid, datetime_col=dt,
                        amount_col=amount)
        if feedback is not None:
            check_frame("feedback", feedback)
        tx = transactions[[cid, dt, amount]]
        if not pd.api.types.is_datetime64_any_dtype(tx._meta[dt].dtype):
            tx = tx.assign(**{dt: dd.to_datetime(tx[dt])})
        end = pd.Timestamp(tx[dt].max().compute()) if as_of is None else pd.Timestamp(as_of)
        if end is pd.NaT:
            raise ValueError("as_of is missing (NaT)")
        tx = tx[tx[dt] <= end]
        n = int(npartitions or transactions.npartitions)
        summary = rfm_summary(tx, cid, dt, amount, observation_period_end=end, freq="D",
                              freq_multiplier=cfg.period_days, npartitions=n).persist()
        patterns = pattern_counts(summary, split_every=split_every)
        if len(patterns) == 0:
            raise ValueError(f"no transaction on or before as_of={end}")
        spend = spend_patterns(summary, split_every=split_every)
        # The population mean spend, used when no spend model can be fitted.
        mean = float(tx[amount].mean().compute())
        fitted = fit_models(cfg, patterns["frequency"], patterns["recency"], patterns["T"],
                            patterns["customers"], spend["frequency"],
                            spend["monetary_value"], spend["customers"], mean)
        self.model_name_, self.model_, self.bics_ = fitted.model_name, fitted.model, fitted.bics
        self.spend_model_ = fitted.spend_model

        fb = analyzer = ct = tr = None
        if feedback is not None:
            fcid, fdt = cols.feedback_customer_id, cols.feedback_datetime
            require_columns(feedback._meta, customer_id_col=fcid, datetime_col=fdt)
            fb = feedback
            if not pd.api.types.is_datetime64_any_dtype(fb._meta[fdt].dtype):
                fb = fb.assign(**{fdt: dd.to_datetime(fb[fdt])})
            fb = bucket_by_customer(with_row_order(fb[fb[fdt] <= end]), fcid, n)
            if cols.text is not None and cols.text in feedback.columns:
                analyzer = _delayed(default_analyzer())
        settings = _Settings(cfg, cols, end)
        # Contacts and transcripts join the customer buckets the same way (their own time
        # filtering happens per partition, as on one machine).
        if contacts is not None:
            check_frame("contacts", contacts)
            require_columns(contacts._meta, customer_id_col=cols.contact_customer_id,
                            datetime_col=cols.contact_datetime)
            ct = bucket_by_customer(with_row_order(contacts), cols.contact_customer_id, n)
            settings.contacts = True
            settings.contact_direction = (cols.direction is not None
                                          and cols.direction in contacts.columns)
        if transcripts is not None:
            check_frame("transcripts", transcripts)
            require_columns(transcripts._meta, customer_id_col=cols.transcript_customer_id,
                            conversation_id_col=cols.conversation_id, role_col=cols.role,
                            time_col=cols.turn_time, text_col=cols.turn_text)
            tr = bucket_by_customer(with_row_order(transcripts), cols.transcript_customer_id, n)
            settings.support = True
        models = _delayed(_lean(fitted))
        base_meta = _table_partition(_one_customer(summary._meta), None, settings, fitted, None)
        base = summary.map_partitions(_table_partition, fb, settings, models, analyzer, ct, tr,
                                      meta=base_meta, align_dataframes=False).persist()
        # Rows of the optional inputs that name no customer: counted in each bucket, summed,
        # and judged by the single-machine rule (an error above the documented share).
        inputs = [k for k, v in (("feedback", fb), ("contacts", ct), ("transcripts", tr))
                  if v is not None]
        counts = summary.map_partitions(_unmatched_partition, fb, ct, tr, settings,
                                        meta=_UNMATCHED_META, align_dataframes=False).compute()
        joins = check_unmatched(_sum_unmatched(counts, inputs))
        table = _score(base, patterns, cfg, n)
        self.summary_ = summary
        self.as_of_ = end
        self.table_ = table
        #: What the table rests on (Dask DataFrames have no attrs): as the single-machine
        #: table's attrs.
        self.attrs_ = describe(end, fitted, joins)
        return table


class _Settings:
    """What each partition needs besides its data (a plain object, pickled once per task)."""

    def __init__(self, cfg: InsightConfig, columns: Columns, end: pd.Timestamp) -> None:
        self.cfg, self.columns, self.end = cfg, columns, end
        self.contacts = False
        self.contact_direction = False
        self.support = False


def _lean(fitted: FittedModels) -> FittedModels:
    """The fitted models without their training data (shipped to every partition)."""
    import dataclasses

    from ._loyalty import lean

    return dataclasses.replace(fitted, model=lean(fitted.model),
                               spend_model=lean(fitted.spend_model))


def _one_customer(meta: pd.DataFrame) -> pd.DataFrame:
    index = pd.Index(pd.Series([1 if meta.index.dtype.kind in "iu" else "x"]).astype(
        meta.index.dtype), name=meta.index.name)
    return pd.DataFrame({"frequency": [1.0], "recency": [1.0], "T": [2.0],
                         "monetary_value": [10.0]}, index=index)


_UNMATCHED_META = pd.DataFrame({"input": pd.Series([], dtype=object),
                                "rows": pd.Series([], dtype=np.int64),
                                "unmatched": pd.Series([], dtype=np.int64),
                                "first": pd.Series([], dtype=object)})


def _unmatched_partition(part: pd.DataFrame, fb: pd.DataFrame | None,
                         ct: pd.DataFrame | None, tr: pd.DataFrame | None,
                         s: _Settings) -> pd.DataFrame:
    """count_unmatched of one bucket's inputs against its customers (one row per input)."""
    c = s.columns
    if fb is not None and len(fb):
        fb = fb.assign(**{c.feedback_customer_id: customer_ids(fb[c.feedback_customer_id])})
    counts = count_unmatched(part, s.end, [
        ("feedback", fb, c.feedback_customer_id, c.feedback_datetime),
        ("contacts", ct, c.contact_customer_id, c.contact_datetime),
        ("transcripts", tr, c.transcript_customer_id, c.turn_time)])
    if not counts:
        return _UNMATCHED_META.copy()
    return pd.DataFrame({"input": list(counts),
                         "rows": [v["rows"] for v in counts.values()],
                         "unmatched": [v["unmatched"] for v in counts.values()],
                         "first": [v["first"] for v in counts.values()]})


def _sum_unmatched(counts: pd.DataFrame, inputs: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in inputs:
        rows = counts.loc[counts["input"] == name]
        first: list[str] = []
        for ids in rows["first"]:
            first.extend(i for i in ids if i not in first)
        out[name] = {"rows": int(rows["rows"].sum()), "unmatched": int(rows["unmatched"].sum()),
                     "first": first[:3]}
    return out


def _table_partition(part: pd.DataFrame, fb: pd.DataFrame | None, s: _Settings,
                     fitted: FittedModels, analyzer: Any, ct: pd.DataFrame | None = None,
                     tr: pd.DataFrame | None = None) -> pd.DataFrame:
    """RFM, model outputs and feedback roll-ups of one partition's customers: the
    single-machine steps (custinsight.insight._steps) before the scores."""
    cfg = s.cfg
    if len(part) == 0:
        return _table_partition(_one_customer(part), None, s, fitted, None).iloc[:0]
    table = part.copy()
    add_model_columns(table, fitted, cfg)
    if fb is not None:
        fb = restore_order(fb)
        fb = fb.assign(**{s.columns.feedback_customer_id:
                          customer_ids(fb[s.columns.feedback_customer_id])})
    add_feedback(table, fb, s.end, cfg, s.columns, analyzer)
    if s.contacts:
        if ct is not None and len(ct):
            add_contacts(table, restore_order(ct), s.end, cfg, s.columns)
        else:
            no_contacts(table, s.contact_direction)
    if s.support:
        if tr is not None and len(tr):
            add_support(table, restore_order(tr), s.end, cfg, s.columns)
        else:
            no_support(table)
    return table


# ---------------------------------------------------------------------------------------------
# Percentiles among all customers, then the scores.

def _mid_rank_percentile(below: np.ndarray, equal: np.ndarray, n: int) -> np.ndarray:
    # The core's formula, operation for operation: ranks below+1 .. below+equal share their
    # mean 0.5 (i + 1 + j), divided by n.
    return 0.5 * (2 * below + 1 + equal).astype(np.float64) / float(n)


def _frequency_ranks(patterns: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = patterns.groupby("frequency")["customers"].sum().sort_index()
    values = counts.index.to_numpy(np.float64)
    equal = counts.to_numpy().astype(np.int64)
    below = np.concatenate([[0], np.cumsum(equal)[:-1]]).astype(np.int64)
    return values, below, equal


def _value_bucket(part: pd.DataFrame, edges: np.ndarray) -> pd.DataFrame:
    clv0 = np.nan_to_num(part["clv"].to_numpy(np.float64), nan=0.0)
    return part.assign(**{_VALUE_BUCKET: np.searchsorted(edges, clv0, side="right").astype(
        np.int64)})


def _score(base: dd.DataFrame, patterns: pd.DataFrame, cfg: InsightConfig, n: int
           ) -> dd.DataFrame:
    total = int(patterns["customers"].sum())
    clv0 = base["clv"].fillna(0.0)
    edges = np.unique(clv0.quantile(np.linspace(0, 1, n + 1)[1:-1]).compute().to_numpy())
    bucketed = base.map_partitions(_value_bucket, edges,
                                   meta=_value_bucket(base._meta, edges))
    counts = bucketed[_VALUE_BUCKET].value_counts().compute().sort_index()
    offsets = dict(zip(counts.index.to_numpy().tolist(),
                       (np.cumsum(counts.to_numpy()) - counts.to_numpy()).tolist()))
    ranks = _Ranks(total, offsets, *_frequency_ranks(patterns))
    shuffled = bucketed.shuffle(on=_VALUE_BUCKET, npartitions=n)
    meta = _score_partition(_value_bucket(base._meta, edges), ranks, cfg)
    return shuffled.map_partitions(_score_partition, ranks, cfg, meta=meta)


class _Ranks:
    """Global rank tables: customers in all, customers below each value bucket, and the
    frequency values with the customers below and at each."""

    def __init__(self, total: int, offsets: dict[int, int], freq_values: np.ndarray,
                 freq_below: np.ndarray, freq_equal: np.ndarray) -> None:
        self.total, self.offsets = total, offsets
        self.freq_values, self.freq_below, self.freq_equal = freq_values, freq_below, freq_equal


def _score_partition(part: pd.DataFrame, ranks: _Ranks, cfg: InsightConfig) -> pd.DataFrame:
    table = part.drop(columns=[_VALUE_BUCKET]).sort_index(kind="stable")
    if len(table) == 0:
        return add_scores(table.copy(), cfg, np.array([]), np.array([]))
    bucket = part.loc[table.index, _VALUE_BUCKET].to_numpy() if table.index.is_unique else \
        part[_VALUE_BUCKET].to_numpy()
    clv0 = np.nan_to_num(table["clv"].to_numpy(np.float64), nan=0.0)
    below = np.empty(len(table), dtype=np.int64)
    equal = np.empty(len(table), dtype=np.int64)
    for b in np.unique(bucket):
        rows = np.flatnonzero(bucket == b)
        values = np.sort(clv0[rows])
        left = np.searchsorted(values, clv0[rows], side="left")
        right = np.searchsorted(values, clv0[rows], side="right")
        below[rows] = ranks.offsets[int(b)] + left
        equal[rows] = right - left
    value_pct = _mid_rank_percentile(below, equal, ranks.total)
    f = table["frequency"].to_numpy(np.float64)
    k = np.searchsorted(ranks.freq_values, f)
    freq_pct = _mid_rank_percentile(ranks.freq_below[k], ranks.freq_equal[k], ranks.total)
    return add_scores(table.copy(), cfg, value_pct, freq_pct)


def insight_table(transactions: dd.DataFrame, feedback: dd.DataFrame | None = None, *,
                  config: InsightConfig | None = None, **kwargs: Any) -> dd.DataFrame:
    """``CustomerInsight(config).score(transactions, feedback, **kwargs)`` on Dask."""
    return CustomerInsight(config).score(transactions, feedback, **kwargs)

