"""The whole insight table on Dask: the single-machine CustomerInsight, partition by partition.

Transactions and every per-customer input (feedback, contacts, transcripts) are shuffled into the same
customer buckets, so that partition p of each holds the same customers and one function per
partition sees everything about its customers. The loyalty and spend models are fitted once
from pattern counts. The value and frequency percentiles of the scores rank each customer
among all customers: frequency ranks come from the pattern counts, value ranks from a shuffle
of the table into ranges of CLV, each range ranked where it lands.
"""

from __future__ import annotations

from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd

from custinsight import _core
from custinsight._validate import require_columns
from custinsight.insight import (ACTIONS, SEGMENTS, _nps_class, action_rules, add_feedback,
                                 segment_rules, survival_probability)
from custinsight.insight import _MODELS, _OPTIONAL_COLUMNS
from custinsight.insight_config import InsightConfig
from custinsight.insight_inputs import add_contacts, add_support, no_contacts, no_support
from custinsight.loyalty import GammaGammaModel

from ._common import (BUCKET, ORDER, bucket_by_customer, check_frame, customer_ids,
                      restore_order, with_row_order)
from ._loyalty import _delayed, fit_loyalty, lean, fit_spend, pattern_counts, spend_patterns
from ._rfm import rfm_summary
from ._satisfaction import default_analyzer

__all__ = ["CustomerInsight", "insight_table"]

_DAYS_PER_MONTH = 30.4375
_VALUE_BUCKET = "_custinsight_value_bucket"


class CustomerInsight:
    """:class:`custinsight.CustomerInsight` on Dask DataFrames.

    ``score`` takes the single-machine keywords and returns a Dask DataFrame whose rows, once
    computed and sorted by customer id, equal the single-machine table. The fitted models and
    the date used stay on the object (``model_name_``, ``model_``, ``bics_``, ``spend_model_``,
    ``as_of_``, ``summary_``: the persisted RFM summary).

    Not yet on Dask: the label-window churn model (``config.label_window_days > 0``), which
    raises NotImplementedError.
    """

    def __init__(self, config: InsightConfig | None = None) -> None:
        if config is not None and not isinstance(config, InsightConfig):
            raise TypeError("config must be an InsightConfig")
        self.config = config if config is not None else InsightConfig()
        self.config.validate()
        self.model_name_: str | None = None
        self.model_: Any = None
        self.bics_: dict[str, float] = {}
        self.spend_model_: GammaGammaModel | None = None
        self.as_of_: pd.Timestamp | None = None
        self.summary_: dd.DataFrame | None = None
        self.table_: dd.DataFrame | None = None

    def score(
        self,
        transactions: dd.DataFrame,
        feedback: dd.DataFrame | None = None,
        *,
        as_of: Any = None,
        customer_id_col: str = "customer_id",
        datetime_col: str = "datetime",
        amount_col: str = "amount",
        feedback_customer_id_col: str = "customer_id",
        feedback_datetime_col: str = "datetime",
        touchpoint_col: str | None = "touchpoint",
        rating_col: str | None = "csat",
        rating_scale: Any = "csat_5",
        nps_col: str | None = "nps",
        text_col: str | None = "text",
        contacts: dd.DataFrame | None = None,
        transcripts: dd.DataFrame | None = None,
        contact_customer_id_col: str = "customer_id",
        contact_datetime_col: str = "datetime",
        direction_col: str | None = "direction",
        complaint_col: str | None = "complaint",
        transcript_customer_id_col: str = "customer_id",
        conversation_id_col: str = "conversation_id",
        role_col: str = "role",
        turn_time_col: str = "time",
        turn_text_col: str = "text",
        npartitions: int | None = None,
        split_every: int | None = None,
        **inputs: Any,
    ) -> dd.DataFrame:
        """The insight table of :meth:`custinsight.CustomerInsight.score`, as a Dask DataFrame.

        Extra parameters: ``npartitions`` of the customer buckets (default: those of
        ``transactions``) and ``split_every`` of the tree reductions. Computes the latest
        transaction (unless ``as_of`` is given), persists the RFM summary and the table before
        scores, and fits the models on the client; the returned table is lazy.
        """
        if inputs:
            raise NotImplementedError(
                f"custinsight.dask.CustomerInsight.score got unknown inputs {sorted(inputs)}")
        cfg = self.config
        if cfg.label_window_days > 0:
            raise NotImplementedError("label_window_days > 0 (a churn model trained one window "
                                      "back) is not available on Dask yet; set it to 0")
        check_frame("transactions", transactions)
        require_columns(transactions._meta, customer_id_col=customer_id_col,
                        datetime_col=datetime_col, amount_col=amount_col)
        if feedback is not None:
            check_frame("feedback", feedback)
        tx = transactions[[customer_id_col, datetime_col, amount_col]]
        if not pd.api.types.is_datetime64_any_dtype(tx._meta[datetime_col].dtype):
            tx = tx.assign(**{datetime_col: dd.to_datetime(tx[datetime_col])})
        if as_of is None:
            end = pd.Timestamp(tx[datetime_col].max().compute())
        else:
            end = pd.Timestamp(as_of)
        if end is pd.NaT:
            raise ValueError("as_of is missing (NaT)")
        tx = tx[tx[datetime_col] <= end]
        n = int(npartitions or transactions.npartitions)
        summary = rfm_summary(tx, customer_id_col, datetime_col, amount_col,
                              observation_period_end=end, freq="D",
                              freq_multiplier=cfg.period_days, npartitions=n).persist()
        patterns = pattern_counts(summary, split_every=split_every)
        if len(patterns) == 0:
            raise ValueError(f"no transaction on or before as_of={end}")
        self.model_name_, self.model_, self.bics_ = _fit_loyalty(cfg, patterns)
        self.spend_model_ = _fit_spend(cfg, summary, split_every)

        fb = None
        analyzer = None
        if feedback is not None:
            require_columns(feedback._meta, customer_id_col=feedback_customer_id_col,
                            datetime_col=feedback_datetime_col)
            fb = feedback
            if not pd.api.types.is_datetime64_any_dtype(fb._meta[feedback_datetime_col].dtype):
                fb = fb.assign(**{feedback_datetime_col: dd.to_datetime(
                    fb[feedback_datetime_col])})
            fb = bucket_by_customer(with_row_order(fb[fb[feedback_datetime_col] <= end]),
                                    feedback_customer_id_col, n)
            if text_col is not None and text_col in feedback.columns:
                analyzer = _delayed(default_analyzer())
        settings = _Settings(cfg, self.model_name_, end, feedback_customer_id_col,
                             feedback_datetime_col, touchpoint_col, rating_col, rating_scale,
                             nps_col, text_col)
        # Contacts and transcripts join the customer buckets the same way (their own time
        # filtering happens per partition, as on one machine).
        ct = tr = None
        if contacts is not None:
            check_frame("contacts", contacts)
            require_columns(contacts._meta, customer_id_col=contact_customer_id_col,
                            datetime_col=contact_datetime_col)
            ct = bucket_by_customer(with_row_order(contacts), contact_customer_id_col, n)
            settings.contacts = dict(customer_id_col=contact_customer_id_col,
                                     datetime_col=contact_datetime_col,
                                     direction_col=direction_col, complaint_col=complaint_col)
            settings.contact_direction = (direction_col is not None
                                          and direction_col in contacts.columns)
        if transcripts is not None:
            check_frame("transcripts", transcripts)
            require_columns(transcripts._meta, customer_id_col=transcript_customer_id_col,
                            conversation_id_col=conversation_id_col, role_col=role_col,
                            time_col=turn_time_col, text_col=turn_text_col)
            tr = bucket_by_customer(with_row_order(transcripts), transcript_customer_id_col, n)
            settings.support = dict(customer_id_col=transcript_customer_id_col,
                                    conversation_id_col=conversation_id_col, role_col=role_col,
                                    time_col=turn_time_col, text_col=turn_text_col)
        models = _delayed((lean(self.model_), lean(self.spend_model_)))
        base_meta = _table_partition(_one_customer(summary._meta), None, settings,
                                     (self.model_, self.spend_model_), None)
        base = summary.map_partitions(_table_partition, fb, settings, models, analyzer, ct, tr,
                                      meta=base_meta, align_dataframes=False).persist()
        table = _score(base, patterns, cfg, n)
        self.summary_ = summary
        self.as_of_ = end
        self.table_ = table
        return table


class _Settings:
    """What each partition needs besides its data (a plain object, pickled once per task)."""

    def __init__(self, cfg: InsightConfig, model_name: str, end: pd.Timestamp, cid: str, dt: str,
                 touchpoint_col: str | None, rating_col: str | None, scale: Any,
                 nps_col: str | None, text_col: str | None) -> None:
        self.cfg, self.model_name, self.end = cfg, model_name, end
        self.cid, self.dt = cid, dt
        self.contacts: dict[str, Any] | None = None
        self.contact_direction = False
        self.support: dict[str, Any] | None = None
        self.touchpoint_col, self.rating_col, self.scale = touchpoint_col, rating_col, scale
        self.nps_col, self.text_col = nps_col, text_col


def _fit_loyalty(cfg: InsightConfig, patterns: pd.DataFrame) -> tuple[str, Any, dict[str, float]]:
    names = list(_MODELS) if cfg.model == "auto" else [cfg.model]
    bics: dict[str, float] = {}
    fitted: dict[str, Any] = {}
    errors: list[str] = []
    for name in names:
        try:
            model = fit_loyalty(_MODELS[name](penalizer_coef=cfg.penalizer), patterns)
        except ValueError as err:
            if cfg.model != "auto":
                raise
            errors.append(f"{name}: {err}")
            continue
        fitted[name] = model
        bics[name] = float(model.BIC_)
    if not fitted:
        raise ValueError("no loyalty model could be fitted: " + "; ".join(errors))
    best = min(bics, key=lambda k: bics[k])
    return best, fitted[best], bics


def _fit_spend(cfg: InsightConfig, summary: dd.DataFrame, split_every: int | None
               ) -> GammaGammaModel | None:
    spend = spend_patterns(summary, split_every=split_every)
    if spend["customers"].sum() < 3:
        return None
    return fit_spend(GammaGammaModel(penalizer_coef=cfg.penalizer), spend)


def _one_customer(meta: pd.DataFrame) -> pd.DataFrame:
    index = pd.Index(pd.Series([1 if meta.index.dtype.kind in "iu" else "x"]).astype(
        meta.index.dtype), name=meta.index.name)
    return pd.DataFrame({"frequency": [1.0], "recency": [1.0], "T": [2.0],
                         "monetary_value": [10.0]}, index=index)


def _table_partition(part: pd.DataFrame, fb: pd.DataFrame | None, s: _Settings,
                     models: tuple[Any, GammaGammaModel | None], analyzer: Any,
                     ct: pd.DataFrame | None = None, tr: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """RFM, model outputs and feedback roll-ups of one partition's customers (as the
    single-machine score does before the scores)."""
    cfg = s.cfg
    model, spend_model = models
    if len(part) == 0:
        return _table_partition(_one_customer(part), None, s, models, None).iloc[:0]
    f = part["frequency"].to_numpy(np.float64)
    r = part["recency"].to_numpy(np.float64)
    t = part["T"].to_numpy(np.float64)
    m = part["monetary_value"].to_numpy(np.float64)
    horizon = cfg.horizon_days / cfg.period_days
    p_alive = np.asarray(model.conditional_probability_alive(f, r, t))
    expected = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(
        horizon, f, r, t))
    no_purchase = np.asarray(model.churn_risk(f, r, t, np.full(len(f), horizon)))
    churn = 1.0 - p_alive * survival_probability(s.model_name, model.params_, f, t, horizon)
    if spend_model is None:
        clv = np.full(len(f), np.nan)
    else:
        repeat = (f > 0) & (m > 0)
        spend = np.asarray(spend_model.conditional_expected_average_profit(
            np.where(repeat, f, 0.0), np.where(repeat, m, 0.0)))
        clv = np.asarray(model._model.customer_lifetime_value(
            f, r, t, spend, int(cfg.clv_months), float(cfg.discount_rate),
            _DAYS_PER_MONTH / cfg.period_days))
    table = part.copy()
    table["p_alive"] = p_alive
    table["expected_purchases"] = expected
    table["clv"] = clv
    table["churn_risk"] = churn
    table["no_purchase_risk"] = no_purchase
    _add_feedback(table, None if fb is None else restore_order(fb), s, analyzer)
    if s.contacts is not None:
        if ct is not None and len(ct):
            add_contacts(table, restore_order(ct), s.end, cfg, **s.contacts)
        else:
            no_contacts(table, s.contact_direction)
    if s.support is not None:
        if tr is not None and len(tr):
            add_support(table, restore_order(tr), s.end, cfg, **s.support)
        else:
            no_support(table)
    return table


def _add_feedback(table: pd.DataFrame, feedback: pd.DataFrame | None, s: _Settings,
                  analyzer: Any) -> None:
    """custinsight.insight.add_feedback for one partition's customers, with the analyser
    handed in (built once per worker) instead of built per call."""
    if feedback is not None:
        feedback = feedback.assign(**{s.cid: customer_ids(feedback[s.cid])})
    add_feedback(table, feedback, s.end, s.cfg, s.cid, s.dt, s.touchpoint_col, s.rating_col,
                 s.scale, s.nps_col, s.text_col, analyzer)


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
    meta = _score_partition(_value_bucket(_table_partition_meta(base._meta), edges), ranks, cfg)
    return shuffled.map_partitions(_score_partition, ranks, cfg, meta=meta)


def _table_partition_meta(meta: pd.DataFrame) -> pd.DataFrame:
    return meta


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
        return _scores(table, np.array([]), np.array([]), cfg)
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
    return _scores(table, value_pct, freq_pct, cfg)


def _scores(table: pd.DataFrame, value_pct: np.ndarray, freq_pct: np.ndarray,
            cfg: InsightConfig) -> pd.DataFrame:
    """custinsight.insight._add_scores with the percentiles among all customers."""
    table = table.copy()
    nps = table["nps_latest"].to_numpy(dtype=np.float64, na_value=np.nan)
    raw = _core.insight.score_customers(
        frequency=table["frequency"].to_numpy(np.float64),
        recency=table["recency"].to_numpy(np.float64), T=table["T"].to_numpy(np.float64),
        p_alive=table["p_alive"].to_numpy(np.float64),
        churn_risk=table["churn_risk"].to_numpy(np.float64),
        no_purchase_risk=table["no_purchase_risk"].to_numpy(np.float64),
        clv=table["clv"].to_numpy(np.float64),
        satisfaction=table["satisfaction"].to_numpy(np.float64),
        satisfaction_trend=table["satisfaction_trend"].to_numpy(np.float64),
        nps_latest=nps, complaint=table["complaint"].to_numpy(np.uint8),
        config_json=cfg.to_json(), value_percentile=np.asarray(value_pct, np.float64),
        frequency_percentile=np.asarray(freq_pct, np.float64),
        **{c: table[c].to_numpy(np.float64)
           for c in ("outbound_30d", "days_since_complaint", "support_quality")
           if c in table.columns})
    table["nps_class"] = _nps_class(table["nps_latest"])
    table["loyalty_score"] = raw["loyalty"]
    table["insight_score"] = raw["insight"]
    seg = raw["segment"].astype(np.intp)
    act = raw["action"].astype(np.intp)
    segment_text = [f"{k}: {v}" for k, v in segment_rules(cfg).items()]
    action_text = [f"{k}: {v}" for k, v in action_rules(cfg).items()]
    table["segment"] = pd.Categorical.from_codes(seg, categories=list(SEGMENTS))
    table["segment_rule"] = pd.Categorical.from_codes(seg, categories=segment_text)
    table["action"] = pd.Categorical.from_codes(act, categories=list(ACTIONS))
    table["action_rule"] = pd.Categorical.from_codes(act, categories=action_text)
    table["drivers"] = np.array(raw["drivers"], dtype=object)
    kinds = list(_core.insight.DRIVERS) + [""]
    table["main_driver"] = pd.Categorical.from_codes(raw["main_driver"].astype(np.intp),
                                                     categories=kinds)
    del table["complaint"]
    extra = [c for c in _OPTIONAL_COLUMNS if c in table.columns]
    return table[[c for c in table.columns if c not in extra] + extra]


def insight_table(transactions: dd.DataFrame, feedback: dd.DataFrame | None = None, *,
                  config: InsightConfig | None = None, **kwargs: Any) -> dd.DataFrame:
    """``CustomerInsight(config).score(transactions, feedback, **kwargs)`` on Dask."""
    return CustomerInsight(config).score(transactions, feedback, **kwargs)


_ = (BUCKET, ORDER)
