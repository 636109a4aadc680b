"""The pandas side of the insight table's steps, shared by the single-machine and the Dask
``CustomerInsight``.

Every per-customer formula is the C++ core's (include/custinsight/insight/steps.hpp,
contacts.hpp and scoring.hpp, the same functions custinsight-score runs). This module only
turns frames into arrays (ids into table rows, times into nanoseconds) and results back into
columns, once for both Python paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._validate import match_ids, naive_utc_column, require_columns, show_value
from ..loyalty import BetaGeoModel, GammaGammaModel, ModifiedBetaGeoModel, ParetoNBDModel
from ..satisfaction import satisfaction_scores
from .columns import Columns
from .config import InsightConfig
from .rules import ACTIONS, DRIVERS, SEGMENTS, action_rules, segment_rules

__all__: list[str] = []

MODELS = {"beta_geo": BetaGeoModel, "modified_beta_geo": ModifiedBetaGeoModel,
          "pareto_nbd": ParetoNBDModel}

#: Columns added by a contact log and by support transcripts, in output order (last, as
#: custinsight-score writes them).
OPTIONAL_COLUMNS = ("outbound_30d", "days_since_complaint", "n_conversations",
                    "support_quality", "support_ending")


@dataclass(frozen=True)
class FittedModels:
    """The loyalty and spend models of a table, as chosen by the core."""

    model_name: str
    model: Any  # BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
    bics: dict[str, float]
    note: str  # why the penalty was raised ("" when it was not)
    spend_model: GammaGammaModel | None  # None: the population mean spend
    population_mean: float
    spend_note: str  # why the population mean spend is used ("" when it is not)

    @property
    def spend_params(self) -> np.ndarray | None:
        return None if self.spend_model is None else self.spend_model.params_.to_numpy()


def _f64(values: Any) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


def fit_models(cfg: InsightConfig, frequency: Any, recency: Any, T: Any,
               weights: Any, spend_frequency: Any, spend_value: Any, spend_weights: Any,
               population_mean: float) -> FittedModels:
    """Choose the loyalty model and fit the spend model (one row per customer with weights
    None, or pattern counts with their customers as weights)."""
    w = None if weights is None else _f64(weights)
    choice = _core.insight.choose_loyalty_model(_f64(frequency), _f64(recency), _f64(T), w,
                                                cfg.to_json())
    model = MODELS[choice.model].from_json(choice.model_json)
    model.penalizer_coef = float(choice.penalizer)
    sw = None if spend_weights is None else _f64(spend_weights)
    spend = _core.insight.choose_spend_model(_f64(spend_frequency), _f64(spend_value), sw,
                                             float(population_mean), cfg.to_json())
    spend_model = None
    if spend.fitted:
        spend_model = GammaGammaModel.from_json(spend.model_json)
        spend_model.penalizer_coef = cfg.penalizer
    return FittedModels(choice.model, model, dict(choice.bics), choice.note, spend_model,
                        float(spend.population_mean), spend.note)


def add_model_columns(table: pd.DataFrame, fitted: FittedModels, cfg: InsightConfig) -> None:
    """Add p_alive, expected_purchases, clv, churn_risk and no_purchase_risk to a table with
    the RFM columns."""
    cols = _core.insight.model_columns(
        fitted.model_name, _f64(fitted.model.params_.to_numpy()), fitted.spend_params,
        fitted.population_mean, _f64(table["frequency"]), _f64(table["recency"]),
        _f64(table["T"]), _f64(table["monetary_value"]), cfg.to_json())
    table["p_alive"] = cols.p_alive
    table["expected_purchases"] = cols.expected_purchases
    table["clv"] = cols.clv
    table["churn_risk"] = cols.churn_risk
    table["no_purchase_risk"] = cols.no_purchase_risk


def add_feedback(table: pd.DataFrame, feedback: pd.DataFrame | None, end: pd.Timestamp,
                 cfg: InsightConfig, columns: Columns, analyzer: Any = None
                 ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Add satisfaction, its trend, the response count, the latest NPS answer and the open
    complaint flag to ``table`` (customers as its index); returns the feedback used and the
    per-response scores (None when there are none). ``analyzer`` scores the texts (None: the
    package's own)."""
    n = len(table)
    cid, dt = columns.feedback_customer_id, columns.feedback_datetime
    present = {} if feedback is None else {
        k: v for k, v in dict(touchpoint=columns.touchpoint, rating=columns.rating,
                              nps=columns.nps, text=columns.text).items()
        if v is not None and v in feedback.columns}
    fb = scores = None
    rows = np.zeros(0, np.int64)
    if feedback is not None and len(feedback):
        require_columns(feedback, customer_id_col=cid, datetime_col=dt)
        feedback = naive_utc_column(feedback, dt)
        fb = feedback.loc[(feedback[dt] <= end).to_numpy()]
        # Ids as the table writes them (an integer id matches its canonical text, match_ids).
        found = match_ids(table.index, fb[cid], cid)
        fb = fb.loc[found >= 0]
        rows = found[found >= 0].astype(np.int64)
        fb = fb.assign(**{cid: pd.Series(table.index[rows], index=fb.index)})
        if len(fb) == 0:
            fb = None
    nps = None
    if fb is not None and "nps" in present:
        nps = pd.to_numeric(fb[present["nps"]]).to_numpy(np.float64, na_value=np.nan)
        bad = ~np.isnan(nps) & ~((nps >= 0) & (nps <= 10))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{present['nps']} = {show_value(nps[i])} for customer "
                             f"{show_value(fb[cid].iloc[i])}: NPS answers must lie in 0..10")
    scored = fb is not None and ("rating" in present or "text" in present)
    if scored:
        scores = satisfaction_scores(
            fb, customer_id_col=cid, touchpoint_col=present.get("touchpoint"),
            rating_col=present.get("rating"), scale=cfg.rating_scale,
            text_col=present.get("text"), time_col=dt, as_of=end,
            half_life_days=cfg.half_life_days, rating_weight=cfg.rating_weight,
            text_weight=cfg.text_weight, negative_threshold=cfg.negative_threshold,
            analyzer=analyzer if "text" in present else None)

    def response(col: str, dtype: Any = np.float64) -> np.ndarray | None:
        return None if scores is None else np.ascontiguousarray(scores[col], dtype=dtype)

    time_ns = np.zeros(0, np.int64)
    if fb is not None:
        time_ns = fb[dt].to_numpy().astype("datetime64[ns]").view(np.int64)
    cols = _core.insight.feedback_columns(
        rows, time_ns, response("score"), response("weight"), response("rating_norm"),
        response("sentiment") if "text" in present else None, nps,
        response("negative", np.uint8), response("mismatch", np.uint8), n,
        int(end.as_unit("ns").value), cfg.to_json())
    table["satisfaction"] = cols.satisfaction
    table["satisfaction_trend"] = cols.satisfaction_trend
    table["n_responses"] = cols.n_responses
    latest = cols.nps_latest
    missing = np.isnan(latest)
    table["nps_latest"] = pd.arrays.IntegerArray(np.where(missing, 0, latest).astype(np.int8),
                                                 missing)
    table["complaint"] = cols.complaint.astype(bool)
    return fb, scores


def nps_class(nps: pd.Series) -> pd.Categorical:
    x = nps.to_numpy(dtype=np.float64, na_value=np.nan)
    labels = np.where(np.isnan(x), "", np.where(x >= 9, "promoter",
                                                np.where(x >= 7, "passive", "detractor")))
    return pd.Categorical(np.where(labels == "", None, labels),
                          categories=["promoter", "passive", "detractor"])


def add_scores(table: pd.DataFrame, cfg: InsightConfig, value_percentile: Any = None,
               frequency_percentile: Any = None) -> pd.DataFrame:
    """Loyalty and insight scores, segment, drivers and action by the C++ core
    (insight/scoring.hpp); the percentiles are ranked within the table unless given (Dask
    ranks among all customers). Returns the finished table: the complaint flag dropped, the
    contact and support columns last."""
    nps = table["nps_latest"].to_numpy(dtype=np.float64, na_value=np.nan)
    optional = {c: _f64(table[c]) for c in ("outbound_30d", "days_since_complaint",
                                            "support_quality") if c in table.columns}
    given = value_percentile is not None
    raw = _core.insight.score_customers(
        frequency=_f64(table["frequency"]), recency=_f64(table["recency"]), T=_f64(table["T"]),
        p_alive=_f64(table["p_alive"]), churn_risk=_f64(table["churn_risk"]),
        no_purchase_risk=_f64(table["no_purchase_risk"]), clv=_f64(table["clv"]),
        satisfaction=_f64(table["satisfaction"]),
        satisfaction_trend=_f64(table["satisfaction_trend"]), nps_latest=nps,
        complaint=table["complaint"].to_numpy(np.uint8), config_json=cfg.to_json(),
        value_percentile=_f64(value_percentile) if given else None,
        frequency_percentile=_f64(frequency_percentile) if given else None, **optional)
    table["nps_class"] = nps_class(table["nps_latest"])
    table["loyalty_score"] = raw["loyalty"]
    table["insight_score"] = raw["insight"]
    seg = raw["segment"].astype(np.intp)
    act = raw["action"].astype(np.intp)
    # Every category listed, in rule order, whatever the customers in this table: tables of
    # one machine and of each Dask partition then have equal dtypes.
    table["segment"] = pd.Categorical.from_codes(seg, categories=list(SEGMENTS))
    table["segment_rule"] = pd.Categorical.from_codes(
        seg, categories=[f"{k}: {v}" for k, v in segment_rules(cfg).items()])
    table["action"] = pd.Categorical.from_codes(act, categories=list(ACTIONS))
    table["action_rule"] = pd.Categorical.from_codes(
        act, categories=[f"{k}: {v}" for k, v in action_rules(cfg).items()])
    table["drivers"] = np.array(raw["drivers"], dtype=object)
    table["main_driver"] = pd.Categorical.from_codes(raw["main_driver"].astype(np.intp),
                                                     categories=list(DRIVERS) + [""])
    del table["complaint"]
    extra = [c for c in OPTIONAL_COLUMNS if c in table.columns]
    return table[[c for c in table.columns if c not in extra] + extra]
