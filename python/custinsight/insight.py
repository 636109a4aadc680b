"""One call from a transaction log (and optional feedback) to a per-customer insight table.

Per customer: RFM, P(alive), expected purchases and churn risk in a horizon (from the loyalty
model with the lowest BIC, or the configured one), 12-month CLV (Gamma-Gamma spend on repeat
buyers), sentiment-weighted satisfaction and NPS class, loyalty and insight scores (0-100), a
segment from ordered rules, the top three drivers in plain words and a recommended action,
with the rule that fired for both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import require_columns
from .insight_config import InsightConfig
from .loyalty import BetaGeoModel, GammaGammaModel, ModifiedBetaGeoModel, ParetoNBDModel
from .rfm import rfm_summary
from .satisfaction import customer_satisfaction, satisfaction_scores

__all__ = ["CustomerInsight", "insight_table", "SEGMENTS", "ACTIONS", "segment_rules",
           "action_rules"]

_MODELS = {"beta_geo": BetaGeoModel, "modified_beta_geo": ModifiedBetaGeoModel,
           "pareto_nbd": ParetoNBDModel}

#: Segments in the order their rules are tried (first match wins).
SEGMENTS: tuple[str, ...] = ("new", "champions", "loyal", "promising", "needs attention",
                             "can't lose", "at risk", "hibernating", "lost")
#: Actions in the order their rules are tried.
ACTIONS: tuple[str, ...] = ("close the loop on a complaint", "reward loyalty", "win back",
                            "nurture", "do not over-contact")

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
            f"{c.negative_threshold:g}) or an NPS detractor, within {c.complaint_days:g} days, "
            "and not lost",
        "reward loyalty": "segment champions or loyal",
        "win back": "segment can't lose or at risk",
        "nurture": "segment new, promising or needs attention",
        "do not over-contact": "segment hibernating or lost",
    }


def _hyp2f1_pfaff(a: np.ndarray, b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """2F1(a, b; c; -z) for z >= 0 through Pfaff's transformation
    (1 + z)^-b 2F1(b, c - a; c; z / (1 + z)), whose series converges for every z >= 0."""
    w = z / (1.0 + z)
    term = np.ones_like(w)
    total = np.ones_like(w)
    d = c - a
    for k in range(20000):
        term = term * (b + k) * (d + k) / ((c + k) * (k + 1.0)) * w
        total += term
        if not np.any(np.abs(term) > 1e-15 * np.abs(total)):
            break
    else:  # pragma: no cover - w < 1 always converges; this guards against a silent NaN
        raise ValueError("hypergeometric series did not converge")
    return total * (1.0 + z) ** (-b)


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
    x = np.asarray(frequency, np.float64)
    t = np.asarray(T, np.float64)
    if model_name == "pareto_nbd":
        s_, beta = float(params["s"]), float(params["beta"])
        return ((beta + t) / (beta + t + horizon)) ** s_
    r, alpha, a, b = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    extra = 1.0 if model_name == "modified_beta_geo" else 0.0
    # Customers share few (x, T) patterns; evaluate the series once per pattern.
    keys, inverse = np.unique(np.column_stack([x, t]), axis=0, return_inverse=True)
    kx, kt = keys[:, 0], keys[:, 1]
    value = _hyp2f1_pfaff(r + kx, np.full_like(kx, a), a + b + kx + extra,
                          horizon / (alpha + kt))
    return value[inverse.ravel()]


def _percentile(x: np.ndarray) -> np.ndarray:
    """Mid-rank percentile in (0, 1]: the share of customers at or below, ties averaged."""
    return pd.Series(x).rank(method="average", pct=True).to_numpy()


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
    ) -> pd.DataFrame:
        """Build the insight table, one row per customer with a purchase up to ``as_of``.

        Transactions and feedback after ``as_of`` (default: the latest transaction) are left
        out; feedback from customers without purchases is left out of the table.

        Returns
        -------
        DataFrame indexed by customer id with columns frequency, recency, T, monetary_value
        (periods of ``config.period_days`` days, lifetimes' definitions), p_alive,
        expected_purchases, clv, churn_risk, satisfaction (NaN without feedback),
        n_responses, nps_latest, nps_class, loyalty_score, insight_score, segment,
        segment_rule, drivers, main_driver, action, action_rule.
        """
        cfg = self.config
        require_columns(transactions, customer_id_col=customer_id_col,
                        datetime_col=datetime_col, amount_col=amount_col)
        if len(transactions) == 0:
            raise ValueError("transactions has no rows")
        times = pd.to_datetime(transactions[datetime_col])
        end = times.max() if as_of is None else pd.Timestamp(as_of)
        if end is pd.NaT:
            raise ValueError("as_of is missing (NaT)")
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
        clv = self._clv(f, r, t, m)

        table = rfm.copy()
        table["p_alive"] = p_alive
        table["expected_purchases"] = expected
        table["clv"] = clv
        table["churn_risk"] = churn
        table["no_purchase_risk"] = no_purchase
        self._add_feedback(table, feedback, end, feedback_customer_id_col, feedback_datetime_col,
                           touchpoint_col, rating_col, rating_scale, nps_col, text_col)
        _add_scores(table, cfg)
        self.table_ = table
        self.as_of_ = end
        table.attrs["as_of"] = str(end)
        table.attrs["model"] = self.model_name_
        return table

    def _clv(self, f: np.ndarray, r: np.ndarray, t: np.ndarray, m: np.ndarray) -> np.ndarray:
        cfg = self.config
        repeat = (f > 0) & (m > 0)
        self.spend_model_ = None
        if repeat.sum() < 3:
            return np.full(len(f), np.nan)
        gg = GammaGammaModel(penalizer_coef=cfg.penalizer).fit(f[repeat], m[repeat])
        self.spend_model_ = gg
        # Customers without a repeat purchase get the population mean spend (x = 0 in the
        # Gamma-Gamma posterior mean).
        spend = np.asarray(gg.conditional_expected_average_profit(np.where(repeat, f, 0.0),
                                                                  np.where(repeat, m, 0.0)))
        per_month = _DAYS_PER_MONTH / cfg.period_days
        return np.asarray(self.model_._model.customer_lifetime_value(
            f, r, t, spend, int(cfg.clv_months), float(cfg.discount_rate), per_month))

    def _add_feedback(self, table: pd.DataFrame, feedback: pd.DataFrame | None,
                      end: pd.Timestamp, cid: str, dt: str, touchpoint_col: str | None,
                      rating_col: str | None, scale: Any, nps_col: str | None,
                      text_col: str | None) -> None:
        cfg = self.config
        n = len(table)
        table["satisfaction"] = np.nan
        table["satisfaction_trend"] = np.nan
        table["n_responses"] = np.zeros(n, dtype=np.int64)
        table["nps_latest"] = pd.array([pd.NA] * n, dtype="Int8")
        table["complaint"] = np.zeros(n, dtype=bool)
        self.response_scores_ = None
        self.feedback_ = None
        if feedback is None or len(feedback) == 0:
            return
        cols = {k: v for k, v in dict(touchpoint_col=touchpoint_col, rating_col=rating_col,
                                      nps_col=nps_col, text_col=text_col).items()
                if v is not None and v in feedback.columns}
        require_columns(feedback, customer_id_col=cid, datetime_col=dt)
        when = pd.to_datetime(feedback[dt])
        fb = feedback.loc[(when <= end).to_numpy()]
        fb = fb.loc[fb[cid].isin(table.index)]
        if len(fb) == 0:
            return
        self.feedback_ = fb
        has_score = "rating_col" in cols or "text_col" in cols
        if has_score:
            scores = satisfaction_scores(
                fb, customer_id_col=cid, touchpoint_col=cols.get("touchpoint_col"),
                rating_col=cols.get("rating_col"), scale=scale, text_col=cols.get("text_col"),
                time_col=dt, as_of=end, half_life_days=cfg.half_life_days,
                rating_weight=cfg.rating_weight, text_weight=cfg.text_weight,
                negative_threshold=cfg.negative_threshold)
            self.response_scores_ = scores
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
                                 f"{last[cid].iloc[i]!r}: NPS answers must lie in 0..10")
            table.loc[last[cid].to_numpy(), "nps_latest"] = score.astype(np.int8)
            recent = ((end - last["_t"]) <= pd.Timedelta(days=cfg.complaint_days)).to_numpy()
            det = last[cid].to_numpy()[(score <= 6) & recent]
            table.loc[det, "complaint"] = True
            if not has_score:
                table.loc[last[cid].to_numpy(), "n_responses"] = 1


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
    """Loyalty and insight scores, segment, drivers and action (rules in segment_rules /
    action_rules)."""
    f = table["frequency"].to_numpy()
    p = table["p_alive"].to_numpy()
    churn = table["churn_risk"].to_numpy()
    sat = table["satisfaction"].to_numpy(np.float64)
    clv = table["clv"].to_numpy()
    value_pct = _percentile(np.nan_to_num(clv, nan=0.0))
    freq_pct = _percentile(f)
    lw = cfg.loyalty_weights
    loyalty = 100.0 * (lw.alive * p + lw.value * value_pct + lw.frequency * freq_pct) / (
        lw.alive + lw.value + lw.frequency)
    iw = cfg.insight_weights
    has_sat = ~np.isnan(sat)
    w_sat = np.where(has_sat, iw.satisfaction, 0.0)
    insight = (iw.loyalty * loyalty + iw.retention * 100.0 * (1.0 - churn)
               + w_sat * 50.0 * (np.nan_to_num(sat) + 1.0)) / (iw.loyalty + iw.retention + w_sat)
    table["nps_class"] = _nps_class(table["nps_latest"])
    table["loyalty_score"] = loyalty
    table["insight_score"] = insight

    s = cfg.segments
    age_days = table["T"].to_numpy() * cfg.period_days
    conditions = [
        (f == 0) & (age_days <= s.new_days),
        (p >= s.alive_high) & (value_pct >= s.top_percentile) & (freq_pct >= s.top_percentile)
        & (f > 0),
        (p >= s.alive_high) & (freq_pct >= s.mid_percentile) & (f > 0),
        (p >= s.alive_high) & (f > 0),
        (p >= s.alive_mid) & (f > 0),
        (value_pct >= s.top_percentile) & (freq_pct >= s.mid_percentile),
        (p >= s.alive_low) & (f > 0),
        (f == 0) | (p >= s.alive_lost),
    ]
    seg_code = np.select(conditions, list(range(len(conditions))), default=len(conditions))
    seg_names = np.array(SEGMENTS, dtype=object)
    rules = segment_rules(cfg)
    table["segment"] = pd.Categorical(seg_names[seg_code], categories=list(SEGMENTS))
    table["segment_rule"] = pd.Categorical(
        np.array([f"{k}: {v}" for k, v in rules.items()], dtype=object)[seg_code])

    complaint = table["complaint"].to_numpy()
    action_code = np.select(
        [complaint & (seg_code != SEGMENTS.index("lost")),
         np.isin(seg_code, [1, 2]), np.isin(seg_code, [5, 6]), np.isin(seg_code, [0, 3, 4])],
        [0, 1, 2, 3], default=4)
    arules = action_rules(cfg)
    table["action"] = pd.Categorical(np.array(ACTIONS, dtype=object)[action_code],
                                     categories=list(ACTIONS))
    table["action_rule"] = pd.Categorical(
        np.array([f"{k}: {v}" for k, v in arules.items()], dtype=object)[action_code])
    drivers, main = _drivers(table, cfg, value_pct, freq_pct)
    table["drivers"] = drivers
    table["main_driver"] = main
    del table["complaint"]


_UNITS = {1.0: "day", 7.0: "week"}


def _drivers(table: pd.DataFrame, cfg: InsightConfig, value_pct: np.ndarray,
             freq_pct: np.ndarray) -> tuple[np.ndarray, pd.Categorical]:
    """Up to three plain-word reasons per customer, strongest first.

    Each candidate has a strength; only positive strengths count:
    purchase gap (gap / usual interval - 1, once the gap is at least twice the usual
    interval; usual interval = recency / frequency), single purchase long ago (age / new_days - 1),
    negative feedback (-3 x satisfaction), NPS detractor (1.5), falling satisfaction
    (-3 x trend per 30 days), and the strengths top value (value percentile), frequent buyer
    (frequency percentile), NPS promoter (0.8) and positive feedback (satisfaction).
    """
    f = table["frequency"].to_numpy()
    r = table["recency"].to_numpy()
    t = table["T"].to_numpy()
    sat = table["satisfaction"].to_numpy(np.float64)
    trend = table["satisfaction_trend"].to_numpy(np.float64)
    nps = table["nps_latest"].to_numpy(dtype=np.float64, na_value=np.nan)
    unit = _UNITS.get(float(cfg.period_days), f"{cfg.period_days:g}-day period")
    s = cfg.segments
    gap = t - r
    with np.errstate(divide="ignore", invalid="ignore"):
        usual = np.where(f > 0, r / np.maximum(f, 1), np.nan)
        ratio = gap / np.maximum(usual, 1e-9)
        # A gap is only a reason once it is twice the usual interval.
        gap_strength = np.where((f > 0) & (ratio >= 2.0), ratio - 1.0, -np.inf)
    kinds = ["purchase gap", "single purchase", "negative feedback", "NPS detractor",
             "falling satisfaction", "top value", "frequent buyer", "NPS promoter",
             "positive feedback"]
    strength = np.column_stack([
        gap_strength,
        np.where(f == 0, t * cfg.period_days / s.new_days - 1.0, -np.inf),
        np.where(sat < 0, -3.0 * sat, -np.inf),
        np.where(nps <= 6, 1.5, -np.inf),
        np.where(trend < -0.05, -3.0 * trend, -np.inf),
        np.where(value_pct >= s.top_percentile, value_pct, -np.inf),
        np.where((freq_pct >= s.top_percentile) & (f > 0), freq_pct, -np.inf),
        np.where(nps >= 9, 0.8, -np.inf),
        np.where(sat > 0.3, sat, -np.inf),
    ])
    strength = np.nan_to_num(strength, nan=-np.inf, posinf=1e300)
    # Stable order on ties: the earlier kind (risks before strengths) wins.
    order = np.argsort(-strength, axis=1, kind="stable")[:, :3]
    top = np.take_along_axis(strength, order, axis=1)

    def n_units(x: float) -> str:
        k = f"{x:.0f}"
        return f"{k} {unit}" if k == "1" else f"{k} {unit}s"

    def text(kind: int, i: int) -> str:
        if kind == 0:
            return f"no purchase for {n_units(gap[i])}, usually every {usual[i]:.0f}"
        if kind == 1:
            return f"one purchase only, {n_units(t[i])} ago"
        if kind == 2:
            return f"negative feedback (satisfaction {sat[i]:+.2f})"
        if kind == 3:
            return f"NPS detractor (last answer {int(nps[i])})"
        if kind == 4:
            return f"satisfaction falling ({trend[i]:+.2f} per 30 days)"
        if kind == 5:
            return f"top {max(1.0, 100 * (1 - value_pct[i])):.0f}% by {cfg.clv_months}-month value"
        if kind == 6:
            return ("buys about every " + (unit if f"{usual[i]:.0f}" == "1"
                                           else n_units(usual[i])))
        if kind == 7:
            return f"NPS promoter (last answer {int(nps[i])})"
        return f"positive feedback (satisfaction {sat[i]:+.2f})"

    n = len(f)
    out = np.empty(n, dtype=object)
    ok = top > 0
    for i in range(n):
        parts = [text(int(order[i, j]), i) for j in range(3) if ok[i, j]]
        out[i] = "; ".join(parts)
    main_code = np.where(ok[:, 0], order[:, 0], len(kinds))
    main = pd.Categorical(np.array(kinds + [""], dtype=object)[main_code],
                          categories=kinds + [""])
    return out, main


def insight_table(transactions: pd.DataFrame, feedback: pd.DataFrame | None = None, *,
                  config: InsightConfig | None = None, **kwargs: Any) -> pd.DataFrame:
    """``CustomerInsight(config).score(transactions, feedback, **kwargs)``."""
    return CustomerInsight(config).score(transactions, feedback, **kwargs)


_ = _core  # the extension must be importable before the pipeline runs
