"""The one-machine insight pipeline: ingest (time rule, as_of), summarise (RFM), fit and
score through the shared steps (_steps.py), and describe what the table rests on."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._validate import naive_utc_column, require_columns, timestamp_ns
from ..rfm import rfm_summary
from ._steps import add_feedback, add_model_columns, add_scores, fit_models
from .columns import Columns, columns_from_keywords
from .config import InsightConfig
from .inputs import add_contacts, add_support, check_joins

__all__ = ["CustomerInsight", "insight_table", "survival_probability"]

_log = logging.getLogger("custinsight")


def survival_probability(model_name: str, params: pd.Series, frequency: np.ndarray,
                         T: np.ndarray, horizon: float) -> np.ndarray:
    """P(alive at T + horizon | alive at T, history): the chance of not dropping out within
    the horizon, averaged over the posterior of the customer's rates.

    BG/NBD: drop-outs happen at purchases with probability p, so while alive they arrive at
    rate lambda p and P(survive h | lambda, p) = exp(-lambda p h). Given alive at T with x
    repeat purchases, lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x) independently;
    integrating lambda gives E[(1 + p h / (alpha + T))^-(r + x)] over p, Euler's integral of
    2F1(r + x, a; a + b + x; -h / (alpha + T)). MBG/NBD: also a drop-out chance at the
    first purchase, so p ~ Beta(a, b + x + 1). Pareto/NBD: mu ~ Gamma(s, beta + T) given
    alive, so E[exp(-mu h)] = ((beta + T) / (beta + T + h))^s.
    """
    keys = ("r", "alpha", "s", "beta") if model_name == "pareto_nbd" else ("r", "alpha", "a", "b")
    theta = np.array([float(params[k]) for k in keys])
    return _core.insight.survival_probability(model_name, theta,
                                              np.asarray(frequency, np.float64),
                                              np.asarray(T, np.float64), float(horizon))


def resolve_columns(config: InsightConfig, columns: Columns | Mapping[str, Any] | None,
                    keywords: dict[str, Any], where: str) -> tuple[InsightConfig, Columns]:
    """The columns of a ``score`` call, from ``columns=`` and the deprecated ``*_col`` and
    ``rating_scale`` keywords (the scale now lives in the config)."""
    keywords = dict(keywords)
    config_out = config
    if "rating_scale" in keywords:
        import warnings

        scale = keywords.pop("rating_scale")
        warnings.warn(f"{where}: rating_scale= is deprecated; set InsightConfig(rating_scale=...)",
                      DeprecationWarning, stacklevel=3)
        if isinstance(scale, (list, tuple)) and len(scale) == 2:
            scale = (*scale, True)
        config_out = dataclasses.replace(config, rating_scale=scale)
    return config_out, columns_from_keywords(columns, keywords, where)


class InsightEngine:
    """The settings and fitted attributes both CustomerInsight classes (one machine, Dask)
    share; ``score`` sets the attributes."""

    def __init__(self, config: InsightConfig | None = None) -> None:
        if config is not None and not isinstance(config, InsightConfig):
            raise TypeError("config must be an InsightConfig")
        self.config = config if config is not None else InsightConfig()
        self.config.validate()
        self.model_name_: str | None = None
        self.model_: Any = None
        self.bics_: dict[str, float] = {}
        self.spend_model_: Any = None  # GammaGammaModel, or None: the population mean spend
        self.as_of_: pd.Timestamp | None = None
        self.table_: Any = None


class CustomerInsight(InsightEngine):
    """Score customers: the fitted models stay on the object for reports.

    Parameters
    ----------
    config : InsightConfig, optional

    Attributes (after :meth:`score`)
    ----------
    model_name_ : str, model_ : the chosen loyalty model, bics_ : BIC per candidate
    churn_model_ : the ChurnModel when ``config.label_window_days > 0``, else None
    spend_model_ : GammaGammaModel or None (no repeat buyers with spend)
    response_scores_ : per-response satisfaction scores or None
    table_ : the insight table
    """

    def __init__(self, config: InsightConfig | None = None) -> None:
        super().__init__(config)
        self.response_scores_: pd.DataFrame | None = None
        self.feedback_: pd.DataFrame | None = None
        self.churn_model_: Any = None

    def score(
        self,
        transactions: pd.DataFrame,
        feedback: pd.DataFrame | None = None,
        *,
        as_of: Any = None,
        contacts: pd.DataFrame | None = None,
        transcripts: pd.DataFrame | None = None,
        columns: Columns | Mapping[str, Any] | None = None,
        **deprecated: Any,
    ) -> pd.DataFrame:
        """Build the insight table, one row per customer with a purchase up to ``as_of``.

        Transactions, feedback, contacts and transcript turns after ``as_of`` (default: the
        latest transaction) are left out; rows of customers without purchases are left out of
        the table. ``contacts`` is a contact log (customer id, date, optional direction and
        complaint flag) and ``transcripts`` support conversations, one row per turn; see
        :mod:`custinsight.insight.inputs` for their formats and the columns they add.
        ``columns`` names the input columns (:class:`custinsight.Columns` or a mapping of its
        fields; the ``*_col`` keywords of earlier releases still work, with a
        DeprecationWarning).

        Returns
        -------
        DataFrame indexed by customer id with columns frequency, recency, T, monetary_value
        (periods of ``config.period_days`` days, lifetimes' definitions), p_alive,
        expected_purchases, clv, churn_risk, no_purchase_risk, satisfaction (NaN without
        feedback), satisfaction_trend, n_responses, nps_latest, nps_class, loyalty_score,
        insight_score, segment, segment_rule, drivers, main_driver, action, action_rule; with
        ``contacts`` also outbound_30d and days_since_complaint, with ``transcripts``
        n_conversations, support_quality and support_ending. ``table.attrs`` holds as_of,
        the model, the spend source, unmatched-row counts and notes (each also logged).
        """
        cfg, cols = resolve_columns(self.config, columns, deprecated,
                                    "CustomerInsight.score")
        cid, dt, amount = cols.customer_id, cols.datetime, cols.amount
        require_columns(transactions, customer_id_col=cid, datetime_col=dt, amount_col=amount)
        if len(transactions) == 0:
            raise ValueError("transactions has no rows")
        # One time rule for every input: offsets and zones converted to UTC and dropped.
        transactions = naive_utc_column(transactions, dt)
        times = transactions[dt]
        end = times.max() if as_of is None else pd.Timestamp(timestamp_ns("as_of", as_of),
                                                                unit="ns")
        keep = (times <= end).to_numpy()
        if not keep.any():
            raise ValueError(f"no transaction on or before as_of={end}")
        tx = transactions if keep.all() else transactions.loc[keep]
        table = rfm_summary(tx, cid, dt, amount, observation_period_end=end, freq="D",
                            freq_multiplier=cfg.period_days).copy()
        f = table["frequency"].to_numpy()
        fitted = fit_models(cfg, f, table["recency"], table["T"], None, f,
                            table["monetary_value"], None,
                            _core.insight.population_mean_spend(
                                tx[amount].to_numpy(np.float64)))
        self.model_name_, self.model_, self.bics_ = fitted.model_name, fitted.model, fitted.bics
        self.spend_model_ = fitted.spend_model
        add_model_columns(table, fitted, cfg)
        self.churn_model_ = None
        if cfg.label_window_days > 0:
            # The label-window model predicts "no purchase in the window": it replaces both.
            churn = self._label_window_churn(tx, end, cid, dt, amount, table.index)
            table["churn_risk"] = churn
            table["no_purchase_risk"] = churn
        # Inputs whose ids do not join are refused; a few unmatched rows are counted.
        joins = check_joins(table, end, [
            ("feedback", feedback, cols.feedback_customer_id, cols.feedback_datetime),
            ("contacts", contacts, cols.contact_customer_id, cols.contact_datetime),
            ("transcripts", transcripts, cols.transcript_customer_id, cols.turn_time)])
        self.feedback_, self.response_scores_ = add_feedback(table, feedback, end, cfg, cols)
        if contacts is not None:
            add_contacts(table, contacts, end, cfg, cols)
        if transcripts is not None:
            add_support(table, transcripts, end, cfg, cols)
        table = add_scores(table, cfg)
        self.table_ = table
        self.as_of_ = end
        table.attrs.update(describe(end, fitted, joins))
        return table

    def _label_window_churn(self, tx: pd.DataFrame, end: pd.Timestamp, cid: str, dt: str,
                            amount: str, index: pd.Index) -> np.ndarray:
        """Churn risk from a ChurnModel trained one label window back.

        Features (churn_features: RFM, purchase gaps, spend trend) as of ``end - window`` are
        labelled 1 for customers without a purchase in (end - window, end], a logistic model is
        fitted on them, and its probability for the features as of ``end`` is the risk of no
        purchase in the next window.
        """
        from ..churn import ChurnModel
        from ..churn_features import churn_backtest, churn_features

        cfg = self.config
        window = pd.Timedelta(days=cfg.label_window_days)
        cutoff = end - window
        options = dict(customer_id_col=cid, datetime_col=dt, monetary_value_col=amount,
                       freq="D", freq_multiplier=cfg.period_days)
        train = churn_backtest(tx, cutoff, window, label_col="_churned", **options)
        labels = train.pop("_churned")
        if labels.nunique() < 2:
            raise ValueError(f"label_window_days={cfg.label_window_days:g}: every customer in "
                             "the label window has the same outcome; use another window")
        model = ChurnModel(C=cfg.churn_C, impute_missing=True).fit(train, labels)
        self.churn_model_ = model
        now = churn_features(tx, end, **options)
        return np.asarray(model.predict_proba(now[train.columns].reindex(index)))


def describe(end: pd.Timestamp, fitted: Any, joins: dict[str, Any]) -> dict[str, Any]:
    """What a table rests on (its ``attrs``), with the notes logged: as_of, the model and its
    fallback note, the spend source and the unmatched rows of each input."""
    attrs: dict[str, Any] = {
        "as_of": str(end), "model": fitted.model_name, "model_note": fitted.note,
        "spend": "gamma_gamma" if fitted.spend_model is not None else "population_mean",
        "spend_note": fitted.spend_note,
        "unmatched": {name: {"rows": j["rows"], "unmatched": j["unmatched"]}
                      for name, j in joins.items()},
        "unmatched_notes": [j["note"] for j in joins.values() if j["note"]]}
    for note in attrs["unmatched_notes"]:
        _log.warning("%s", note)
    for note in (fitted.note, fitted.spend_note):
        if note:
            _log.warning("%s", note)
    return attrs


def insight_table(transactions: pd.DataFrame, feedback: pd.DataFrame | None = None, *,
                  config: InsightConfig | None = None, **kwargs: Any) -> pd.DataFrame:
    """``CustomerInsight(config).score(transactions, feedback, **kwargs)``."""
    return CustomerInsight(config).score(transactions, feedback, **kwargs)
