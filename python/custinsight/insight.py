"""One call from a transaction log (and optional feedback, contact log and support
transcripts) to a per-customer insight table.

Per customer: RFM, P(alive), expected purchases and churn risk in a horizon (from the loyalty
model with the lowest BIC, or the configured one), 12-month CLV (Gamma-Gamma spend on repeat
buyers), sentiment-weighted satisfaction and NPS class, loyalty and insight scores (0-100), a
segment from ordered rules, the top three drivers in plain words and a recommended action,
with the rule that fired for both.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import match_ids, naive_utc_column, require_columns, show_value, timestamp_ns
from .insight_config import InsightConfig
from .insight_inputs import add_contacts, add_support, check_joins
from .loyalty import BetaGeoModel, GammaGammaModel, ModifiedBetaGeoModel, ParetoNBDModel
from .rfm import rfm_summary
from .satisfaction import customer_satisfaction, satisfaction_scores

__all__ = ["CustomerInsight", "insight_table", "SEGMENTS", "ACTIONS", "segment_rules",
           "action_rules", "survival_probability"]

_log = logging.getLogger("custinsight")

_MODELS = {"beta_geo": BetaGeoModel, "modified_beta_geo": ModifiedBetaGeoModel,
           "pareto_nbd": ParetoNBDModel}

#: Segments in the order their rules are tried (first match wins).
SEGMENTS: tuple[str, ...] = tuple(_core.insight.SEGMENTS)
#: Actions in the order their rules are tried.
ACTIONS: tuple[str, ...] = tuple(_core.insight.ACTIONS)

#: Columns added by a contact log and by support transcripts, in output order.
_OPTIONAL_COLUMNS = ("outbound_30d", "days_since_complaint", "n_conversations",
                     "support_quality", "support_ending")

# Days in a month for the CLV's monthly steps: 365.25 / 12.
_DAYS_PER_MONTH = 30.4375


def segment_rules(config: InsightConfig | None = None) -> dict[str, str]:
    """The ordered segment rules in words, with the configured thresholds.

    ``p`` is P(alive), ``V`` the customer's CLV percentile, ``F`` the frequency percentile
    (both in [0, 1], ties averaged), ``age`` days since the first purchase. The rules are
    tried in this order and the first that holds names the segment, so each rule also implies
    that the earlier ones failed (e.g. "at risk" customers have p below the needs-attention
    threshold). One-time buyers past ``new_days`` are hibernating, never lost: a purchase
    model that ties drop-out to repeat purchases (BG/NBD) cannot tell them apart.
    """
    s = (config or InsightConfig()).segments
    return {
        "new": f"no repeat purchase and age <= {s.new_days:g} days",
        "champions": f"p >= {s.alive_high:g}, V >= {s.top_percentile:g}, F >= "
                     f"{s.top_percentile:g} and a repeat purchase",
        "loyal": f"p >= {s.alive_high:g}, F >= {s.mid_percentile:g} and a repeat purchase",
        "promising": f"p >= {s.alive_high:g} and a repeat purchase",
        "needs attention": f"p >= {s.alive_mid:g} and a repeat purchase",
        "can't lose": f"V >= {s.top_percentile:g} and F >= {s.mid_percentile:g}",
        "at risk": f"p >= {s.alive_low:g} and a repeat purchase",
        "hibernating": f"no repeat purchase, or p >= {s.alive_lost:g}",
        "lost": f"p < {s.alive_lost:g}",
    }


def action_rules(config: InsightConfig | None = None) -> dict[str, str]:
    """The ordered action rules in words."""
    c = config or InsightConfig()
    return {
        "close the loop on a complaint": "latest feedback negative (score < "
            f"{c.negative_threshold:g}), an NPS detractor, a complaint in the contact log or a "
            f"support conversation that ended negative, within {c.complaint_days:g} days, and "
            "not lost",
        "do not over-contact": f"{c.max_outbound_30d:g} or more outbound contacts in 30 days, "
                               "or segment hibernating or lost",
        "reward loyalty": "segment champions or loyal",
        "win back": "segment can't lose or at risk",
        "nurture": "segment new, promising or needs attention",
    }


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


def _fit_loyalty(config: InsightConfig, f: np.ndarray, r: np.ndarray, t: np.ndarray
                 ) -> tuple[str, Any, dict[str, float]]:
    names = list(_MODELS) if config.model == "auto" else [config.model]
    bics: dict[str, float] = {}
    fitted: dict[str, Any] = {}
    errors: list[str] = []
    for name in names:
        model = _MODELS[name](penalizer_coef=config.penalizer)
        try:
            model.fit(f, r, t)
        except ValueError as err:
            if config.model != "auto":
                raise
            errors.append(f"{name}: {err}")
            continue
        fitted[name] = model
        bics[name] = float(model.BIC_)
    if not fitted:
        raise ValueError("no loyalty model could be fitted: " + "; ".join(errors))
    best = min(bics, key=lambda k: bics[k])
    return best, fitted[best], bics


class CustomerInsight:
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
        if config is not None and not isinstance(config, InsightConfig):
            raise TypeError("config must be an InsightConfig")
        self.config = config if config is not None else InsightConfig()
        self.config.validate()
        self.model_name_: str | None = None
        self.model_: Any = None
        self.bics_: dict[str, float] = {}
        self.spend_model_: GammaGammaModel | None = None
        self.response_scores_: pd.DataFrame | None = None
        self.feedback_: pd.DataFrame | None = None
        self.table_: pd.DataFrame | None = None
        self.as_of_: pd.Timestamp | None = None
        self.churn_model_: Any = None

    def score(
        self,
        transactions: pd.DataFrame,
        feedback: pd.DataFrame | None = None,
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
        contacts: pd.DataFrame | None = None,
        transcripts: pd.DataFrame | None = None,
        contact_customer_id_col: str = "customer_id",
        contact_datetime_col: str = "datetime",
        direction_col: str | None = "direction",
        complaint_col: str | None = "complaint",
        transcript_customer_id_col: str = "customer_id",
        conversation_id_col: str = "conversation_id",
        role_col: str = "role",
        turn_time_col: str = "time",
        turn_text_col: str = "text",
    ) -> pd.DataFrame:
        """Build the insight table, one row per customer with a purchase up to ``as_of``.

        Transactions, feedback, contacts and transcript turns after ``as_of`` (default: the
        latest transaction) are left out; rows of customers without purchases are left out of
        the table. ``contacts`` is a contact log (customer id, date, optional direction and
        complaint flag) and ``transcripts`` support conversations, one row per turn; see
        :mod:`custinsight.insight_inputs` for their formats and the columns they add.

        Returns
        -------
        DataFrame indexed by customer id with columns frequency, recency, T, monetary_value
        (periods of ``config.period_days`` days, lifetimes' definitions), p_alive,
        expected_purchases, clv, churn_risk, satisfaction (NaN without feedback),
        n_responses, nps_latest, nps_class, loyalty_score, insight_score, segment,
        segment_rule, drivers, main_driver, action, action_rule; with ``contacts`` also
        outbound_30d and days_since_complaint, with ``transcripts`` n_conversations,
        support_quality and support_ending.
        """
        cfg = self.config
        require_columns(transactions, customer_id_col=customer_id_col,
                        datetime_col=datetime_col, amount_col=amount_col)
        if len(transactions) == 0:
            raise ValueError("transactions has no rows")
        # One time rule for every input: offsets and zones converted to UTC and dropped.
        transactions = naive_utc_column(transactions, datetime_col)
        times = transactions[datetime_col]
        end = times.max() if as_of is None else pd.Timestamp(timestamp_ns("as_of", as_of),
                                                                unit="ns")
        keep = (times <= end).to_numpy()
        if not keep.any():
            raise ValueError(f"no transaction on or before as_of={end}")
        tx = transactions if keep.all() else transactions.loc[keep]
        rfm = rfm_summary(tx, customer_id_col, datetime_col, amount_col,
                          observation_period_end=end, freq="D", freq_multiplier=cfg.period_days)
        f = rfm["frequency"].to_numpy()
        r = rfm["recency"].to_numpy()
        t = rfm["T"].to_numpy()
        m = rfm["monetary_value"].to_numpy()

        self.model_name_, self.model_, self.bics_ = _fit_loyalty(cfg, f, r, t)
        model = self.model_
        horizon = cfg.horizon_days / cfg.period_days
        p_alive = np.asarray(model.conditional_probability_alive(f, r, t))
        expected = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(
            horizon, f, r, t))
        no_purchase = np.asarray(model.churn_risk(f, r, t, np.full(len(f), horizon)))
        churn = 1.0 - p_alive * survival_probability(self.model_name_, model.params_, f, t,
                                                     horizon)
        self.churn_model_ = None
        if cfg.label_window_days > 0:
            # The label-window model predicts "no purchase in the window": it replaces both.
            churn = self._label_window_churn(tx, end, customer_id_col, datetime_col, amount_col,
                                             rfm.index)
            no_purchase = churn
        clv = self._clv(f, r, t, m, tx[amount_col])

        table = rfm.copy()
        table["p_alive"] = p_alive
        table["expected_purchases"] = expected
        table["clv"] = clv
        table["churn_risk"] = churn
        table["no_purchase_risk"] = no_purchase
        # Inputs whose ids do not join are refused; a few unmatched rows are counted.
        joins = check_joins(table, end, [
            ("feedback", feedback, feedback_customer_id_col, feedback_datetime_col),
            ("contacts", contacts, contact_customer_id_col, contact_datetime_col),
            ("transcripts", transcripts, transcript_customer_id_col, turn_time_col)])
        self._add_feedback(table, feedback, end, feedback_customer_id_col, feedback_datetime_col,
                           touchpoint_col, rating_col, rating_scale, nps_col, text_col)
        if contacts is not None:
            add_contacts(table, contacts, end, cfg, customer_id_col=contact_customer_id_col,
                         datetime_col=contact_datetime_col, direction_col=direction_col,
                         complaint_col=complaint_col)
        if transcripts is not None:
            add_support(table, transcripts, end, cfg, customer_id_col=transcript_customer_id_col,
                        conversation_id_col=conversation_id_col, role_col=role_col,
                        time_col=turn_time_col, text_col=turn_text_col)
        _add_scores(table, cfg)
        # The contact and support columns go last, as custinsight-score writes them.
        extra = [c for c in _OPTIONAL_COLUMNS if c in table.columns]
        table = table[[c for c in table.columns if c not in extra] + extra]
        self.table_ = table
        self.as_of_ = end
        table.attrs["as_of"] = str(end)
        table.attrs["model"] = self.model_name_
        table.attrs["spend"] = "gamma_gamma" if self.spend_model_ is not None else \
            "population_mean"
        table.attrs["unmatched"] = {name: {"rows": j["rows"], "unmatched": j["unmatched"]}
                                    for name, j in joins.items()}
        table.attrs["unmatched_notes"] = [j["note"] for j in joins.values() if j["note"]]
        for note in table.attrs["unmatched_notes"]:
            _log.warning("%s", note)
        if self.spend_model_ is None:
            _log.warning("fewer than 3 repeat buyers with spend: clv uses the population mean "
                         "spend")
        return table

    def _label_window_churn(self, tx: pd.DataFrame, end: pd.Timestamp, cid: str, dt: str,
                            amount: str, index: pd.Index) -> np.ndarray:
        """Churn risk from a ChurnModel trained one label window back.

        Features (churn_features: RFM, purchase gaps, spend trend) as of ``end - window`` are
        labelled 1 for customers without a purchase in (end - window, end], a logistic model is
        fitted on them, and its probability for the features as of ``end`` is the risk of no
        purchase in the next window.
        """
        from .churn import ChurnModel
        from .churn_features import churn_backtest, churn_features

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

    def _clv(self, f: np.ndarray, r: np.ndarray, t: np.ndarray, m: np.ndarray,
             amounts: pd.Series) -> np.ndarray:
        cfg = self.config
        repeat = (f > 0) & (m > 0)
        self.spend_model_ = None
        if repeat.sum() < 3:
            # No spend model can be fitted: every customer gets the population mean spend
            # (table.attrs["spend"] says so), never a NaN value.
            mean = _core.insight.population_mean_spend(amounts.to_numpy(np.float64))
            spend = np.full(len(f), mean)
        else:
            gg = GammaGammaModel(penalizer_coef=cfg.penalizer).fit(f[repeat], m[repeat])
            self.spend_model_ = gg
            # Customers without a repeat purchase get the population mean spend (x = 0 in the
            # Gamma-Gamma posterior mean).
            spend = np.asarray(gg.conditional_expected_average_profit(
                np.where(repeat, f, 0.0), np.where(repeat, m, 0.0)))
        per_month = _DAYS_PER_MONTH / cfg.period_days
        return np.asarray(self.model_._model.customer_lifetime_value(
            f, r, t, spend, int(cfg.clv_months), float(cfg.discount_rate), per_month))

    def _add_feedback(self, table: pd.DataFrame, feedback: pd.DataFrame | None,
                      end: pd.Timestamp, cid: str, dt: str, touchpoint_col: str | None,
                      rating_col: str | None, scale: Any, nps_col: str | None,
                      text_col: str | None) -> None:
        self.feedback_, self.response_scores_ = add_feedback(
            table, feedback, end, self.config, cid, dt, touchpoint_col, rating_col, scale,
            nps_col, text_col)


def add_feedback(table: pd.DataFrame, feedback: pd.DataFrame | None, end: pd.Timestamp,
                 cfg: InsightConfig, cid: str, dt: str, touchpoint_col: str | None,
                 rating_col: str | None, scale: Any, nps_col: str | None, text_col: str | None,
                 analyzer: Any = None) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Add satisfaction, its trend, the response count, the latest NPS answer and the open
    complaint flag to ``table`` (customers as its index); returns the feedback used and the
    per-response scores (None when there are none). ``analyzer`` scores the texts (None: the
    package's own)."""
    n = len(table)
    table["satisfaction"] = np.nan
    table["satisfaction_trend"] = np.nan
    table["n_responses"] = np.zeros(n, dtype=np.int64)
    table["nps_latest"] = pd.array([pd.NA] * n, dtype="Int8")
    table["complaint"] = np.zeros(n, dtype=bool)
    if feedback is None or len(feedback) == 0:
        return None, None
    cols = {k: v for k, v in dict(touchpoint_col=touchpoint_col, rating_col=rating_col,
                                  nps_col=nps_col, text_col=text_col).items()
            if v is not None and v in feedback.columns}
    require_columns(feedback, customer_id_col=cid, datetime_col=dt)
    feedback = naive_utc_column(feedback, dt)
    fb = feedback.loc[(feedback[dt] <= end).to_numpy()]
    # Ids as the table writes them (an integer id matches its canonical text, see match_ids).
    rows = match_ids(table.index, fb[cid], cid)
    fb = fb.loc[rows >= 0]
    fb = fb.assign(**{cid: pd.Series(table.index[rows[rows >= 0]], index=fb.index)})
    if len(fb) == 0:
        return None, None
    scores = None
    has_score = "rating_col" in cols or "text_col" in cols
    if has_score:
        scores = satisfaction_scores(
            fb, customer_id_col=cid, touchpoint_col=cols.get("touchpoint_col"),
            rating_col=cols.get("rating_col"), scale=scale, text_col=cols.get("text_col"),
            time_col=dt, as_of=end, half_life_days=cfg.half_life_days,
            rating_weight=cfg.rating_weight, text_weight=cfg.text_weight,
            negative_threshold=cfg.negative_threshold,
            analyzer=analyzer if "text_col" in cols else None)
        per = customer_satisfaction(scores)
        nps_values = None
        if "nps_col" in cols:
            nps_values = pd.to_numeric(fb[cols["nps_col"]]).to_numpy(np.float64,
                                                                     na_value=np.nan)
        combined = _combined_satisfaction(scores, nps_values, end, cfg)
        table.loc[combined.index, "satisfaction"] = combined.to_numpy()
        table.loc[per.index, "satisfaction_trend"] = per["trend"].to_numpy()
        table.loc[per.index, "n_responses"] = per["n_responses"].to_numpy(np.int64)
        # The latest scored response decides whether a complaint is open.
        scored = scores.loc[scores["score"].notna(), ["customer_id", "time", "negative"]]
        last = scored.sort_values("time", kind="stable").groupby("customer_id").tail(1)
        recent = (end - pd.to_datetime(last["time"])) <= pd.Timedelta(days=cfg.complaint_days)
        bad = last.loc[(last["negative"] & recent).to_numpy(), "customer_id"]
        table.loc[bad.to_numpy(), "complaint"] = True
    if "nps_col" in cols:
        answers = fb.loc[fb[cols["nps_col"]].notna(), [cid, dt, cols["nps_col"]]]
        answers = answers.assign(_t=pd.to_datetime(answers[dt]))
        last = answers.sort_values("_t", kind="stable").groupby(cid).tail(1)
        score = pd.to_numeric(last[cols["nps_col"]]).to_numpy()
        if ((score < 0) | (score > 10)).any():
            i = int(np.flatnonzero((score < 0) | (score > 10))[0])
            raise ValueError(f"{cols['nps_col']} = {score[i]!r} for customer "
                             f"{show_value(last[cid].iloc[i])}: NPS answers must lie in 0..10")
        table.loc[last[cid].to_numpy(), "nps_latest"] = score.astype(np.int8)
        recent = ((end - last["_t"]) <= pd.Timedelta(days=cfg.complaint_days)).to_numpy()
        det = last[cid].to_numpy()[(score <= 6) & recent]
        table.loc[det, "complaint"] = True
        if not has_score:
            table.loc[last[cid].to_numpy(), "n_responses"] = 1
    return fb, scores


def _combined_satisfaction(scores: pd.DataFrame, nps_values: np.ndarray | None,
                           end: pd.Timestamp, cfg: InsightConfig) -> pd.Series:
    """Per-customer satisfaction from CSAT, text sentiment and the NPS answer.

    Per response, with r~ the rating and n~ = (nps - 5) / 5 the NPS answer both mapped to
    [-1, 1] and c the text's compound sentiment::

        score  = (rating_weight r~ + text_weight c + nps_weight n~) / (sum of present weights)
        weight = (sum of present weights) / (sum of all three) * 0.5 ** (age / half_life)

    and per customer the weighted mean of the scores. The NPS answer is part of it because it
    is a second, independent reading of the same satisfaction: one noisy answer per response
    is all most customers give.
    """
    parts = [(cfg.rating_weight, scores["rating_norm"].to_numpy(np.float64)),
             (cfg.text_weight, scores["sentiment"].to_numpy(np.float64))]
    if nps_values is not None:
        parts.append((cfg.nps_weight, (nps_values - 5.0) / 5.0))
    total = cfg.rating_weight + cfg.text_weight + (cfg.nps_weight if nps_values is not None
                                                    else 0.0)
    num = np.zeros(len(scores))
    den = np.zeros(len(scores))
    for w, v in parts:
        present = ~np.isnan(v)
        num += np.where(present, w * np.nan_to_num(v), 0.0)
        den += np.where(present, w, 0.0)
    age = (end - pd.to_datetime(scores["time"])).dt.total_seconds().to_numpy() / 86400.0
    decay = 0.5 ** (np.maximum(age, 0.0) / cfg.half_life_days)
    weight = np.where(den > 0, den / total * decay, 0.0)
    score = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    codes, labels = pd.factorize(scores["customer_id"], sort=True)
    sw = np.bincount(codes, weights=weight, minlength=len(labels))
    sws = np.bincount(codes, weights=weight * score, minlength=len(labels))
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(sw > 0, sws / np.where(sw > 0, sw, 1.0), np.nan)
    return pd.Series(value, index=labels)


def _nps_class(nps: pd.Series) -> pd.Categorical:
    x = nps.to_numpy(dtype=np.float64, na_value=np.nan)
    labels = np.where(np.isnan(x), "", np.where(x >= 9, "promoter",
                                                np.where(x >= 7, "passive", "detractor")))
    return pd.Categorical(np.where(labels == "", None, labels),
                          categories=["promoter", "passive", "detractor"])


def _add_scores(table: pd.DataFrame, cfg: InsightConfig) -> None:
    """Loyalty and insight scores, segment, drivers and action, computed by the C++ core
    (include/custinsight/insight/scoring.hpp) so that custinsight-score gives the same numbers.

    loyalty = 100 (0.5 P(alive) + 0.3 V + 0.2 F) with V and F the mid-rank percentiles of CLV
    and frequency; insight = (0.4 loyalty + 0.4 * 100 (1 - churn risk) + 0.2 * 50 (satisfaction
    + 1)) / (sum of the weights used), the satisfaction term left out without feedback (default
    weights; see InsightConfig). Segments and actions follow segment_rules() and
    action_rules() in order; drivers are described in _DRIVER_RULES.
    """
    nps = table["nps_latest"].to_numpy(dtype=np.float64, na_value=np.nan)

    def optional(col: str) -> np.ndarray | None:
        return table[col].to_numpy(np.float64) if col in table.columns else None

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
        config_json=cfg.to_json(), outbound_30d=optional("outbound_30d"),
        days_since_complaint=optional("days_since_complaint"),
        support_quality=optional("support_quality"))
    table["nps_class"] = _nps_class(table["nps_latest"])
    table["loyalty_score"] = raw["loyalty"]
    table["insight_score"] = raw["insight"]
    seg = raw["segment"].astype(np.intp)
    act = raw["action"].astype(np.intp)
    table["segment"] = pd.Categorical.from_codes(seg, categories=list(SEGMENTS))
    table["segment_rule"] = pd.Categorical(
        np.array([f"{k}: {v}" for k, v in segment_rules(cfg).items()], dtype=object)[seg])
    table["action"] = pd.Categorical.from_codes(act, categories=list(ACTIONS))
    table["action_rule"] = pd.Categorical(
        np.array([f"{k}: {v}" for k, v in action_rules(cfg).items()], dtype=object)[act])
    table["drivers"] = np.array(raw["drivers"], dtype=object)
    kinds = list(_core.insight.DRIVERS) + [""]
    table["main_driver"] = pd.Categorical.from_codes(raw["main_driver"].astype(np.intp),
                                                     categories=kinds)
    del table["complaint"]


#: How the drivers are chosen: each candidate has a strength, the three strongest positive
#: ones are listed (ties: the earlier kind), the first is ``main_driver``.
_DRIVER_RULES: dict[str, str] = {
    "purchase gap": "gap / usual interval - 1, once the gap since the last purchase is at "
                    "least twice the usual interval (recency / frequency)",
    "single purchase": "age / new_days - 1 for customers without a repeat purchase",
    "negative feedback": "-3 x satisfaction, when satisfaction < 0",
    "NPS detractor": "1.5, when the latest NPS answer is 0-6",
    "falling satisfaction": "-3 x trend (per 30 days), when the trend < -0.05",
    "complaint logged": "2, when the contact log has a complaint within complaint_days",
    "poor support": "3 x (1 - quality / support_quality_low), when the latest support "
                    "conversation's quality is below support_quality_low",
    "over-contacted": "outbound contacts in 30 days / max_outbound_30d, when at least "
                      "max_outbound_30d",
    "top value": "the value percentile, when in the top (>= top_percentile)",
    "frequent buyer": "the frequency percentile, when >= top_percentile (repeat buyers)",
    "NPS promoter": "0.8, when the latest NPS answer is 9-10",
    "positive feedback": "satisfaction, when > 0.3",
}


def insight_table(transactions: pd.DataFrame, feedback: pd.DataFrame | None = None, *,
                  config: InsightConfig | None = None, **kwargs: Any) -> pd.DataFrame:
    """``CustomerInsight(config).score(transactions, feedback, **kwargs)``."""
    return CustomerInsight(config).score(transactions, feedback, **kwargs)

