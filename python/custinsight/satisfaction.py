"""Sentiment-weighted satisfaction across touchpoints, on pandas DataFrames.

Survey metrics (CSAT, NPS with an interval, CES), a per-response score that combines the rating
with the text's sentiment, and roll-ups per customer, per touchpoint and per segment. The
arithmetic runs in the C++ core (``include/custinsight/satisfaction/``); this module maps
columns to arrays and back.

Sentiment comes from an analyser with the contract of ``custinsight.SentimentAnalyzer``:
``polarity_scores(texts, *, top_tokens=0, missing="nan")`` returning a DataFrame with a
``compound`` column in [-1, 1] (and ``token_k`` / ``token_k_contribution`` columns when
``top_tokens`` > 0). Every function that reads text takes ``analyzer=None`` (the package's own
analyser, imported when first needed) or such an object, or a precomputed ``sentiment_col``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import (as_float_array, as_time_array, renamed_errors, require_columns,
                        timestamp_ns)

__all__ = [
    "SCALES",
    "CesResult",
    "CsatResult",
    "NpsResult",
    "ces",
    "ces_by",
    "csat",
    "csat_by",
    "customer_satisfaction",
    "nps",
    "nps_by",
    "satisfaction_scores",
    "segment_report",
    "touchpoint_report",
]

#: Named rating scales: (lowest, highest, higher_is_better), from the C++ core's table
#: (include/custinsight/satisfaction/common.hpp), shared with the insight settings and
#: custinsight-score. csat: 1-5 or 1-7; ces_7: "the company made it easy" (7 is easiest);
#: ces_5_effort: "how much effort" (1 is least effort).
SCALES: dict[str, tuple[float, float, bool]] = dict(_core.satisfaction.RATING_SCALES)

_NS_PER_DAY = 86_400 * 10**9


def _scale(scale: Any, argument: str = "scale") -> tuple[float, float, bool]:
    """A named scale or a (min, max[, higher_is_better]) tuple; anything else is an error."""
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(f"{argument}={scale!r} is not a known scale; use one of "
                             f"{sorted(SCALES)} or a (min, max, higher_is_better) tuple")
        return SCALES[scale]
    if isinstance(scale, Sequence) and len(scale) in (2, 3):
        lo, hi = (float(v) for v in scale[:2])
        higher = bool(scale[2]) if len(scale) == 3 else True
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"{argument}={tuple(scale)!r}: needs finite min < max")
        return lo, hi, higher
    raise TypeError(f"{argument}={scale!r}: expected a scale name or a "
                    "(min, max, higher_is_better) tuple")


def _call(fn: Any, prefix: str, *args: Any, rename: Callable[[str], str] | None = None,
          **kwargs: Any) -> Any:
    """Call into the core; its messages name the core's arguments, so ``rename`` turns them into
    the caller's column names (see ``_columns_named``)."""
    try:
        return fn(*args, **kwargs)
    except ValueError as err:
        message = rename(str(err)) if rename is not None else str(err)
        raise ValueError(f"{prefix}: {message}") from None


def _columns_named(**columns: str | None) -> Callable[[str], str]:
    """A message rewriter: "rating[3] = ..." becomes "csat[3] = ..." for rating="csat"."""
    def rename(message: str) -> str:
        for core_name, column in columns.items():
            if column is not None and message.startswith(core_name + "["):
                return column + message[len(core_name):]
        return message
    return rename


def _group_codes(values: Any, name: str, *, known: Sequence[str] = ()) -> tuple[np.ndarray, pd.Index]:
    """int32 codes and their labels; missing values get -1 (in no group). Labels keep a
    categorical's order; otherwise ``known`` names come first, then the others sorted."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        return codes.astype(np.int32), pd.Index(series.cat.categories, name=name)
    codes, uniques = pd.factorize(series, sort=True)
    if known and len(uniques):
        labels = list(uniques)
        present, known_set = set(labels), set(known)
        order = [v for v in known if v in present] + [v for v in labels if v not in known_set]
        position = {v: i for i, v in enumerate(order)}
        remap = np.array([position[v] for v in labels], dtype=np.int64)
        codes = np.where(codes >= 0, remap[codes], -1)
        uniques = pd.Index(order)
    return np.ascontiguousarray(codes, dtype=np.int32), pd.Index(uniques, name=name)


def _row_label(index: pd.Index, i: int) -> str:
    return f"row {index[i]!r}" if not isinstance(index, pd.RangeIndex) else f"row {i}"


def _time_days(values: Any, name: str) -> tuple[np.ndarray, bool]:
    """Times as float days (since 1970 for datetimes)."""
    arr, is_datetime = as_time_array(name, values)
    if is_datetime:
        return arr.astype(np.float64) / _NS_PER_DAY, True
    return arr, False


def _as_of_days(as_of: Any, is_datetime: bool, default: float) -> float:
    if as_of is None:
        return default
    if is_datetime:
        return timestamp_ns("as_of", as_of) / _NS_PER_DAY
    return float(as_of)


def _days_to_time(days: np.ndarray, is_datetime: bool) -> Any:
    if not is_datetime:
        return days
    ns = np.where(np.isfinite(days), np.round(days * _NS_PER_DAY), 0).astype(np.int64)
    out = pd.Series(ns).astype("datetime64[ns]")
    out[~np.isfinite(days)] = pd.NaT
    return out.to_numpy()


# ---------------------------------------------------------------------------------------------
# Sentiment through the analyser contract.

def _default_analyzer() -> Any:
    # Feedback about service is full of phrases ("on hold", "hung up", "went above and beyond"),
    # which only the corrected mode matches; the embedded lexicon carries them.
    from .sentiment import SentimentAnalyzer

    return SentimentAnalyzer(corrected=True)


def polarity(texts: Any, analyzer: Any = None, *, top_tokens: int = 0) -> pd.DataFrame:
    """Score texts through the analyser contract; missing texts get NaN and are never sent.

    Returns a DataFrame aligned with ``texts`` with at least ``compound`` and, when
    ``top_tokens`` > 0, ``token_k`` and ``token_k_contribution`` for k = 1..top_tokens.
    """
    if analyzer is None:
        analyzer = _default_analyzer()
    if not callable(getattr(analyzer, "polarity_scores", None)):
        raise TypeError(f"analyzer={analyzer!r} has no polarity_scores method")
    series = texts if isinstance(texts, pd.Series) else pd.Series(texts, dtype=object)
    present = series.notna().to_numpy()
    idx = np.flatnonzero(present)
    values = series.to_numpy(dtype=object)
    for i in idx[: min(len(idx), 1000)]:
        if not isinstance(values[i], str):
            raise TypeError(f"texts[{i}] = {values[i]!r} is not a string")
    out = pd.DataFrame({"compound": np.full(len(series), np.nan)})
    for k in range(1, top_tokens + 1):
        out[f"token_{k}"] = pd.Series([None] * len(series), dtype=object)
        out[f"token_{k}_contribution"] = np.nan
    if len(idx) == 0:
        return out
    scored = analyzer.polarity_scores([str(values[i]) for i in idx], top_tokens=top_tokens,
                                      missing="nan")
    if not isinstance(scored, pd.DataFrame) or "compound" not in scored.columns:
        raise TypeError("analyzer.polarity_scores must return a DataFrame with a 'compound' column")
    if len(scored) != len(idx):
        raise ValueError(f"analyzer returned {len(scored)} rows for {len(idx)} texts")
    compound = scored["compound"].to_numpy(dtype=np.float64)
    out.loc[idx, "compound"] = compound
    for k in range(1, top_tokens + 1):
        if f"token_{k}" in scored.columns:
            out.loc[idx, f"token_{k}"] = scored[f"token_{k}"].to_numpy(dtype=object)
            out.loc[idx, f"token_{k}_contribution"] = scored[f"token_{k}_contribution"].to_numpy(
                dtype=np.float64)
    return out


def _sentiment(df: pd.DataFrame, text_col: str | None, sentiment_col: str | None,
               analyzer: Any) -> np.ndarray | None:
    if sentiment_col is not None:
        return as_float_array(sentiment_col, df[sentiment_col], allow_nan=True)
    if text_col is None:
        return None
    with renamed_errors(texts=text_col):
        return polarity(df[text_col], analyzer)["compound"].to_numpy(dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# Survey metrics.

@dataclass(frozen=True)
class CsatResult:
    """CSAT: ``satisfied_share`` of rated responses (in [0, 1]) and their ``mean``."""

    n: int
    satisfied_share: float
    mean: float


@dataclass(frozen=True)
class NpsResult:
    """NPS in percentage points with its counts, standard error and interval."""

    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float
    std_error: float
    lower: float
    upper: float


@dataclass(frozen=True)
class CesResult:
    """CES: ``mean`` on the scale, ``ease`` in [0, 1] (1 easiest) and ``easy_share``."""

    n: int
    mean: float
    ease: float
    easy_share: float


def _csat_raw(ratings: Any, codes: np.ndarray, n_groups: int, scale: Any,
              satisfied_min: float | None, name: str) -> dict[str, np.ndarray]:
    lo, hi, higher = _scale(scale)
    if not higher:
        raise ValueError(f"scale={scale!r}: CSAT needs a scale where higher is better")
    threshold = hi - 1.0 if satisfied_min is None else float(satisfied_min)
    values = as_float_array(name, ratings, allow_nan=True)
    return _call(_core.satisfaction.csat_grouped, name, values, codes, n_groups, lo, hi, threshold)


def _nps_raw(scores: Any, codes: np.ndarray, n_groups: int, confidence: float, method: str,
             n_bootstrap: int, seed: int, name: str) -> dict[str, np.ndarray]:
    values = as_float_array(name, scores, allow_nan=True)
    return _call(_core.satisfaction.nps_grouped, name, values, codes, n_groups, float(confidence), method,
                 int(n_bootstrap), int(seed))


def _ces_raw(ratings: Any, codes: np.ndarray, n_groups: int, scale: Any,
             name: str) -> dict[str, np.ndarray]:
    lo, hi, higher = _scale(scale)
    values = as_float_array(name, ratings, allow_nan=True)
    return _call(_core.satisfaction.ces_grouped, name, values, codes, n_groups, lo, hi, higher)


def _one(raw: dict[str, np.ndarray]) -> dict[str, Any]:
    return {k: (int(v[0]) if v.dtype.kind in "iu" else float(v[0])) for k, v in raw.items()}


def csat(ratings: Any, *, scale: Any = "csat_5", satisfied_min: float | None = None) -> CsatResult:
    """CSAT of an array of ratings (NaN or NA: not rated).

    Parameters
    ----------
    ratings : array-like of numbers on ``scale``
    scale : scale name or (min, max) tuple; a rating outside it is an error
    satisfied_min : lowest satisfied rating; default the top two boxes (max - 1)
    """
    arr = as_float_array("ratings", ratings, allow_nan=True)
    return CsatResult(**_one(_csat_raw(arr, np.zeros(len(arr), np.int32), 1, scale,
                                       satisfied_min, "ratings")))


def nps(scores: Any, *, confidence: float = 0.95, method: str = "normal",
        n_bootstrap: int = 2000, seed: int = 0) -> NpsResult:
    """Net Promoter Score of 0-10 answers: % promoters (9-10) minus % detractors (0-6).

    The ``normal`` interval uses the multinomial variance
    ``(p_promoters + p_detractors - (p_promoters - p_detractors)**2) / n``; ``bootstrap`` gives
    percentile intervals over ``n_bootstrap`` resamples (seeded, reproducible).
    """
    arr = as_float_array("scores", scores, allow_nan=True)
    return NpsResult(**_one(_nps_raw(arr, np.zeros(len(arr), np.int32), 1, confidence, method,
                                     n_bootstrap, seed, "scores")))


def ces(ratings: Any, *, scale: Any = "ces_7") -> CesResult:
    """Customer Effort Score on a scale of either direction (``ces_7``: 7 is easiest;
    ``ces_5_effort``: 1 is least effort)."""
    arr = as_float_array("ratings", ratings, allow_nan=True)
    return CesResult(**_one(_ces_raw(arr, np.zeros(len(arr), np.int32), 1, scale, "ratings")))


def _grouped_frame(raw: dict[str, np.ndarray], labels: pd.Index) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(v) for k, v in raw.items()}, index=labels)


def csat_by(df: pd.DataFrame, by: str, rating_col: str, *, scale: Any = "csat_5",
            satisfied_min: float | None = None) -> pd.DataFrame:
    """CSAT per value of ``by`` (rows with a missing ``by`` are left out, as in pandas)."""
    require_columns(df, by=by, rating_col=rating_col)
    codes, labels = _group_codes(df[by], by)
    return _grouped_frame(_csat_raw(df[rating_col], codes, len(labels), scale, satisfied_min,
                                    rating_col), labels)


def nps_by(df: pd.DataFrame, by: str, score_col: str, *, confidence: float = 0.95,
           method: str = "normal", n_bootstrap: int = 2000, seed: int = 0) -> pd.DataFrame:
    """NPS with counts and interval per value of ``by``."""
    require_columns(df, by=by, score_col=score_col)
    codes, labels = _group_codes(df[by], by)
    return _grouped_frame(_nps_raw(df[score_col], codes, len(labels), confidence, method,
                                   n_bootstrap, seed, score_col), labels)


def ces_by(df: pd.DataFrame, by: str, rating_col: str, *, scale: Any = "ces_7") -> pd.DataFrame:
    """CES per value of ``by``."""
    require_columns(df, by=by, rating_col=rating_col)
    codes, labels = _group_codes(df[by], by)
    return _grouped_frame(_ces_raw(df[rating_col], codes, len(labels), scale, rating_col), labels)


# ---------------------------------------------------------------------------------------------
# Per-response scores.

def _customer_codes(df: pd.DataFrame, col: str) -> tuple[np.ndarray, pd.Index]:
    series = df[col]
    if isinstance(series.dtype, np.dtype) and not series.dtype.isnative:
        series = series.astype(series.dtype.newbyteorder("="))  # pandas hashes native order only
    missing = series.isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{col}[{i}] is missing ({_row_label(df.index, i)}): every response "
                         "needs a customer id")
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int32), pd.Index(uniques, name=col)


def satisfaction_scores(
    df: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    touchpoint_col: str | None = "touchpoint",
    rating_col: str | None = None,
    scale: Any = "csat_5",
    scale_col: str | None = None,
    text_col: str | None = None,
    sentiment_col: str | None = None,
    analyzer: Any = None,
    time_col: str | None = None,
    as_of: Any = None,
    half_life_days: float | None = 90.0,
    rating_weight: float = 0.5,
    text_weight: float = 0.5,
    mismatch_threshold: float = 1.0,
    negative_threshold: float = -0.05,
) -> pd.DataFrame:
    """Score every response: rating and text sentiment combined, with age-decayed weights.

    With ``r~`` the rating mapped to [-1, 1] (reversed on scales where lower is better) and
    ``c`` the compound sentiment of the text::

        score    = (rating_weight * r~ + text_weight * c) / (rating_weight + text_weight)
                   (r~ alone without text, c alone without rating, NaN with neither)
        weight   = share of the two weights present * 0.5 ** (age_days / half_life_days)
        mismatch = r~ and c of opposite signs with |r~ - c| >= mismatch_threshold
        negative = score < negative_threshold

    A mismatch keeps its combined score and is flagged, so that it can be followed up.

    Parameters
    ----------
    df : one row per response
    customer_id_col : customer ids; a missing id is an error naming the row
    touchpoint_col : touchpoint names (or None); names outside ``custinsight.TOUCHPOINTS``
        are new categories, not errors
    rating_col, scale : ratings and their scale: a name from ``SCALES``, a
        (min, max, higher_is_better) tuple, or with ``scale_col`` a mapping from that column's
        survey types to scales; a rating outside its scale is an error
    text_col, sentiment_col, analyzer : feedback text scored by ``analyzer`` (None: the
        package's SentimentAnalyzer), or a precomputed compound column
    time_col, as_of, half_life_days : response times (datetimes, or numbers in days), the date
        of the weights (default the latest response) and the half-life (None: no decay)

    Returns
    -------
    DataFrame on ``df``'s index: customer_id, touchpoint, time, rating, rating_norm,
    sentiment, score, weight, mismatch, negative. ``attrs['as_of']`` holds the date used.
    """
    require_columns(df, customer_id_col=customer_id_col, touchpoint_col=touchpoint_col,
                    rating_col=rating_col, scale_col=scale_col, text_col=text_col,
                    sentiment_col=sentiment_col, time_col=time_col)
    if rating_col is None and text_col is None and sentiment_col is None:
        raise ValueError("give rating_col, text_col or sentiment_col: there is nothing to score")
    n = len(df)
    if n == 0:
        raise ValueError("df has no rows")
    codes, _ = _customer_codes(df, customer_id_col)
    rating = None
    scale_index = None
    scales: list[tuple[float, float, bool]] = [(1.0, 5.0, True)]
    if rating_col is not None:
        rating = as_float_array(rating_col, df[rating_col], allow_nan=True)
        if scale_col is not None:
            if not isinstance(scale, Mapping):
                raise TypeError("with scale_col, scale must map each survey type to a scale")
            types = list(scale)
            scales = [_scale(scale[t], f"scale[{t!r}]") for t in types]
            position = {t: i for i, t in enumerate(types)}
            survey = df[scale_col].to_numpy(dtype=object)
            scale_index = np.empty(n, dtype=np.int32)
            for i, t in enumerate(survey):
                if t not in position:
                    raise ValueError(f"{scale_col}[{i}] = {t!r} ({_row_label(df.index, i)}) has "
                                     f"no scale; known: {types}")
                scale_index[i] = position[t]
        else:
            scales = [_scale(scale)]
    compound = _sentiment(df, text_col, sentiment_col, analyzer)
    times = None
    is_datetime = False
    as_of_days = 0.0
    if time_col is not None:
        times, is_datetime = _time_days(df[time_col], time_col)
        as_of_days = _as_of_days(as_of, is_datetime, float(times.max()))
    half_life = np.inf if half_life_days is None else float(half_life_days)
    raw = _call(_core.satisfaction.weighted_satisfaction, "satisfaction_scores", rating=rating,
                rename=_columns_named(rating=rating_col, compound=sentiment_col, time=time_col),
                scale_index=scale_index, scales=scales, compound=compound, time=times,
                rating_weight=float(rating_weight), text_weight=float(text_weight),
                mismatch_threshold=float(mismatch_threshold),
                negative_threshold=float(negative_threshold), half_life=half_life,
                as_of=as_of_days)
    out = pd.DataFrame(index=df.index)
    ids = df[customer_id_col]
    # Integer ids of any width or byte order come back as native int64, so that results do not
    # depend on how the caller stored them.
    out["customer_id"] = (ids.to_numpy(dtype=np.int64) if pd.api.types.is_integer_dtype(ids.dtype)
                          and not pd.api.types.is_bool_dtype(ids.dtype) else ids.to_numpy())
    if touchpoint_col is not None:
        tcodes, tlabels = _group_codes(df[touchpoint_col], touchpoint_col,
                                       known=tuple(_core.TOUCHPOINTS))
        out["touchpoint"] = pd.Categorical.from_codes(tcodes, categories=list(tlabels))
    if time_col is not None:
        out["time"] = df[time_col].to_numpy()
    out["rating"] = rating if rating is not None else np.nan
    out["rating_norm"] = raw["rating_norm"]
    out["sentiment"] = compound if compound is not None else np.nan
    out["score"] = raw["score"]
    out["weight"] = raw["weight"]
    out["mismatch"] = raw["mismatch"].astype(bool)
    out["negative"] = raw["negative"].astype(bool)
    if time_col is not None:
        out.attrs["as_of"] = _days_to_time(np.array([as_of_days]), is_datetime)[0]
    return out


def _check_scores(scores: pd.DataFrame) -> None:
    require_columns(scores, scores="score")
    for col in ("customer_id", "score", "weight"):
        if col not in scores.columns:
            raise ValueError(f"scores has no {col!r} column: pass the result of satisfaction_scores")


def customer_satisfaction(scores: pd.DataFrame, *, trend_days: float = 30.0) -> pd.DataFrame:
    """Roll per-response scores up per customer.

    Returns a DataFrame indexed by customer id: ``satisfaction`` (weighted mean score),
    ``total_weight``, ``n_responses``, ``n_scored``, ``latest_time``, ``latest_touchpoint``,
    ``trend`` (least-squares slope of score over time, per ``trend_days`` days; NaN with fewer
    than two distinct times), ``negative_share`` and ``mismatch_share``.
    """
    _check_scores(scores)
    if "time" not in scores.columns:
        raise ValueError("scores has no 'time' column: score with time_col= to roll up per customer")
    codes, labels = _customer_codes(scores, "customer_id")
    times, is_datetime = _time_days(scores["time"], "time")
    if "touchpoint" in scores.columns:
        tcodes, tlabels = _group_codes(scores["touchpoint"], "touchpoint")
    else:
        tcodes, tlabels = np.full(len(scores), -1, np.int32), pd.Index([])
    raw = _call(_core.satisfaction.rollup_customers, "customer_satisfaction", codes, len(labels),
                scores["score"].to_numpy(np.float64), scores["weight"].to_numpy(np.float64),
                times, tcodes, scores["negative"].to_numpy(np.uint8),
                scores["mismatch"].to_numpy(np.uint8))
    latest = raw["latest_touchpoint"]
    out = pd.DataFrame({
        "satisfaction": raw["satisfaction"],
        "total_weight": raw["total_weight"],
        "n_responses": raw["n_responses"],
        "n_scored": raw["n_scored"],
        "latest_time": _days_to_time(raw["latest_time"], is_datetime),
        "latest_touchpoint": pd.Categorical.from_codes(np.where(latest >= 0, latest, -1),
                                                       categories=list(tlabels)),
        "trend": raw["trend"] * float(trend_days),
        "negative_share": raw["negative_share"],
        "mismatch_share": raw["mismatch_share"],
    }, index=labels)
    return out


def segment_report(
    df: pd.DataFrame,
    by: str,
    *,
    scores: pd.DataFrame | None = None,
    csat_col: str | None = None,
    csat_scale: Any = "csat_5",
    nps_col: str | None = None,
    confidence: float = 0.95,
    nps_method: str = "normal",
    n_bootstrap: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Satisfaction per value of any segment column.

    Columns: ``volume``; with ``csat_col``: ``csat`` (satisfied share), ``csat_mean``,
    ``csat_n``; with ``nps_col``: ``nps``, ``nps_lower``, ``nps_upper``, ``nps_std_error``,
    ``nps_n``; with ``scores`` (``satisfaction_scores`` of the same rows): ``mean_sentiment``,
    ``satisfaction`` (weighted), ``satisfaction_sd``, ``effective_n``, ``negative_share``,
    ``mismatch_share``. Segments without responses are left out.
    """
    require_columns(df, by=by, csat_col=csat_col, nps_col=nps_col)
    codes, labels = _group_codes(df[by], by, known=tuple(_core.TOUCHPOINTS))
    g = len(labels)
    out = pd.DataFrame(index=labels)
    out["volume"] = np.bincount(codes[codes >= 0], minlength=g)
    if csat_col is not None:
        c = _csat_raw(df[csat_col], codes, g, csat_scale, None, csat_col)
        out["csat"], out["csat_mean"], out["csat_n"] = c["satisfied_share"], c["mean"], c["n"]
    if nps_col is not None:
        p = _nps_raw(df[nps_col], codes, g, confidence, nps_method, n_bootstrap, seed, nps_col)
        out["nps"], out["nps_lower"], out["nps_upper"] = p["nps"], p["lower"], p["upper"]
        out["nps_std_error"], out["nps_n"] = p["std_error"], p["n"]
    if scores is not None:
        _check_scores(scores)
        if len(scores) != len(df) or not scores.index.equals(df.index):
            raise ValueError("scores must be satisfaction_scores of the same rows as df")
        r = _call(_core.satisfaction.rollup_groups, "segment_report", codes, g,
                  scores["score"].to_numpy(np.float64), scores["weight"].to_numpy(np.float64),
                  scores["sentiment"].to_numpy(np.float64), scores["negative"].to_numpy(np.uint8),
                  scores["mismatch"].to_numpy(np.uint8))
        for col in ("mean_sentiment", "satisfaction", "satisfaction_sd", "effective_n",
                    "negative_share", "mismatch_share"):
            out[col] = r[col]
    return out[out["volume"] > 0]


def touchpoint_report(
    df: pd.DataFrame,
    touchpoint_col: str = "touchpoint",
    *,
    scores: pd.DataFrame | None = None,
    alpha: float = 0.05,
    min_effective_n: float = 5.0,
    **report: Any,
) -> pd.DataFrame:
    """Per touchpoint: volume, CSAT, NPS with interval, mean sentiment, weighted satisfaction,
    and consistency across touchpoints.

    Takes the keywords of :func:`segment_report`. With ``scores``, adds ``difference`` (the
    touchpoint's weighted satisfaction minus that of all other touchpoints' responses), ``z``,
    ``p_value`` (one-sided) and ``below_rest`` (significant at ``alpha``, Bonferroni-corrected
    over the touchpoints tested); ``attrs`` carries ``spread_sd`` (standard deviation of the
    touchpoint scores) and ``range``.
    """
    out = segment_report(df, touchpoint_col, scores=scores, **report)
    if scores is None:
        return out
    codes, labels = _group_codes(df[touchpoint_col], touchpoint_col,
                                 known=tuple(_core.TOUCHPOINTS))
    cons = _call(_core.satisfaction.touchpoint_consistency, "touchpoint_report", codes, len(labels),
                 scores["score"].to_numpy(np.float64), scores["weight"].to_numpy(np.float64),
                 float(alpha), float(min_effective_n))
    frame = pd.DataFrame({"difference": cons["difference"], "z": cons["z"],
                          "p_value": cons["p_value"], "below_rest": cons["below"].astype(bool)},
                         index=labels)
    out = out.join(frame)
    out.attrs["spread_sd"] = float(cons["spread_sd"])
    out.attrs["range"] = float(cons["range"])
    return out
