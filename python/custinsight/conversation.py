"""Quality of support conversations from their transcripts, and per-agent roll-ups.

A transcript is a DataFrame with one row per turn: a conversation id, a speaker role
(``agent`` or ``customer``), a timestamp and the text. See :func:`conversation_quality` for
the cues and the quality score (computed in ``include/custinsight/satisfaction/conversation.hpp``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._validate import as_float_array, as_time_array, require_columns
from .satisfaction import _call, polarity

__all__ = [
    "DEFAULT_CONDESCENSION",
    "DEFAULT_CONFUSION",
    "DEFAULT_IMPATIENCE",
    "DEFAULT_JARGON",
    "agent_report",
    "conversation_quality",
    "simulate_conversations",
]

#: Technical terms of IT and telecom support counted in agent turns.
DEFAULT_JARGON: tuple[str, ...] = tuple(_core.satisfaction.DEFAULT_JARGON)
#: Condescension cues in agent turns ("obviously", "it's simple", "you should know" ...).
DEFAULT_CONDESCENSION: tuple[str, ...] = tuple(_core.satisfaction.DEFAULT_CONDESCENSION)
#: Impatience cues in agent turns ("as I already said", "I don't have all day" ...).
DEFAULT_IMPATIENCE: tuple[str, ...] = tuple(_core.satisfaction.DEFAULT_IMPATIENCE)
#: Signs of confusion in customer turns ("what do you mean", "I don't understand" ...).
DEFAULT_CONFUSION: tuple[str, ...] = tuple(_core.satisfaction.DEFAULT_CONFUSION)

_WEIGHT_NAMES = ("ending", "improvement", "responsiveness", "plain_words", "courtesy", "clarity")
_DEFAULT_WEIGHTS = dict(zip(_WEIGHT_NAMES, (0.2, 0.2, 0.15, 0.15, 0.15, 0.15)))


def _roles(values: pd.Series, name: str) -> np.ndarray:
    """'agent' -> 0 and 'customer' -> 1 (any case), or 0/1 as given; anything else is an error."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isin(arr, (0.0, 1.0))
    else:
        lowered = values.astype("string").str.strip().str.lower()
        arr = np.where(lowered == "agent", 0.0, np.where(lowered == "customer", 1.0, np.nan))
        arr = np.asarray(arr, dtype=np.float64)
        bad = np.isnan(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}[{i}] = {values.iloc[i]!r}: must be 'agent' or 'customer'")
    return arr.astype(np.uint8)


def _vocabulary(value: Sequence[str] | None, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of phrases, not a string")
    return [str(v) for v in value]


def conversation_quality(
    turns: pd.DataFrame,
    *,
    conversation_id_col: str = "conversation_id",
    role_col: str = "role",
    time_col: str = "time",
    text_col: str = "text",
    agent_col: str | None = None,
    sentiment_col: str | None = None,
    analyzer: Any = None,
    jargon: Sequence[str] | None = None,
    condescension: Sequence[str] | None = None,
    impatience: Sequence[str] | None = None,
    confusion: Sequence[str] | None = None,
    edge_turns: int = 1,
    delay_scale_seconds: float = 120.0,
    jargon_cap: float = 0.15,
    repeat_similarity: float = 0.5,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Cues and a quality score for every conversation.

    Per conversation: the customer's sentiment on their first and last ``edge_turns`` scored
    turns and its change; the agent's response delay (from the first unanswered customer turn
    to the agent's reply; mean and max, in seconds); jargon density (agent tokens covered by
    ``jargon`` terms / all agent tokens); condescension and impatience cues in agent turns;
    confusion phrases and repeated questions (a question whose token set has Jaccard similarity
    >= ``repeat_similarity`` with an earlier customer question) in customer turns.

    The quality score in [0, 100] is ``100 * sum(w_i * c_i) / sum(w_i)`` over the components::

        ending         = (last + 1) / 2
        improvement    = clip((last - first + 1) / 2, 0, 1)
        responsiveness = 1 / (1 + mean_delay / delay_scale_seconds)
        plain_words    = max(0, 1 - jargon_density / jargon_cap)
        courtesy       = 1 / (1 + condescension + impatience)
        clarity        = 1 / (1 + confusion + repeated_questions)

    with default weights 0.2, 0.2, 0.15, 0.15, 0.15, 0.15 (override by name through
    ``weights``); components that cannot be computed are left out.

    Parameters
    ----------
    turns : one row per turn, in any order (turns are ordered by time within a conversation)
    role_col : 'agent' / 'customer' (or 0 / 1)
    time_col : datetimes, or numbers in seconds
    agent_col : the agent serving each conversation (its first value per conversation is used)
    sentiment_col, analyzer : precomputed compound per turn, or the analyser that scores the
        customer turns (None: the package's SentimentAnalyzer)
    jargon, condescension, impatience, confusion : phrase lists replacing the defaults
        (``DEFAULT_JARGON`` ...); matched on whole lower-cased words

    Returns
    -------
    DataFrame indexed by conversation id.
    """
    require_columns(turns, conversation_id_col=conversation_id_col, role_col=role_col,
                    time_col=time_col, text_col=text_col, agent_col=agent_col,
                    sentiment_col=sentiment_col)
    if len(turns) == 0:
        raise ValueError("turns has no rows")
    conv = turns[conversation_id_col]
    if conv.isna().any():
        i = int(np.flatnonzero(conv.isna().to_numpy())[0])
        raise ValueError(f"{conversation_id_col}[{i}] is missing")
    codes, ids = pd.factorize(conv, sort=True)
    role = _roles(turns[role_col], role_col)
    raw_time, is_datetime = as_time_array(time_col, turns[time_col])
    if is_datetime:
        # Seconds from the earliest turn keep sub-second precision at any epoch.
        time = (raw_time - raw_time.min()).astype(np.float64) / 1e9
    else:
        time = raw_time
    text_series = turns[text_col]
    text = [t if isinstance(t, str) else "" for t in text_series.to_numpy(dtype=object)]
    if sentiment_col is not None:
        compound = as_float_array(sentiment_col, turns[sentiment_col], allow_nan=True)
        compound = np.where(role == 1, compound, np.nan)
    else:
        customer_text = text_series.where(role == 1)
        compound = polarity(customer_text.reset_index(drop=True), analyzer)["compound"].to_numpy(
            np.float64)
    w = dict(_DEFAULT_WEIGHTS)
    if weights is not None:
        unknown = set(weights) - set(_WEIGHT_NAMES)
        if unknown:
            raise ValueError(f"unknown quality weights {sorted(unknown)}; known: {list(_WEIGHT_NAMES)}")
        w.update({k: float(v) for k, v in weights.items()})
    raw = _call(_core.satisfaction.conversation_quality, "conversation_quality", codes.astype(np.int32),
                len(ids), role, np.ascontiguousarray(time, dtype=np.float64), text,
                np.ascontiguousarray(compound, dtype=np.float64),
                jargon=_vocabulary(jargon, "jargon"),
                condescension=_vocabulary(condescension, "condescension"),
                impatience=_vocabulary(impatience, "impatience"),
                confusion=_vocabulary(confusion, "confusion"), edge_turns=int(edge_turns),
                delay_scale=float(delay_scale_seconds), jargon_cap=float(jargon_cap),
                repeat_similarity=float(repeat_similarity), weights=[w[k] for k in _WEIGHT_NAMES])
    out = pd.DataFrame(raw, index=pd.Index(ids, name=conversation_id_col))
    if agent_col is not None:
        first = pd.Series(turns[agent_col].to_numpy(), index=codes).groupby(level=0).first()
        out.insert(0, "agent", first.reindex(np.arange(len(ids))).to_numpy())
    return out


def agent_report(quality: pd.DataFrame, *, agent_col: str = "agent") -> pd.DataFrame:
    """Per-agent roll-up of :func:`conversation_quality` (run with ``agent_col``).

    Columns: n_conversations, mean_quality, mean_delay (mean of conversation means),
    jargon_density (pooled over all the agent's tokens), cues_per_conversation (condescension
    + impatience), confusion_per_conversation (confusion + repeated questions),
    mean_sentiment_change and negative_end_share; sorted by mean_quality, worst first.
    """
    require_columns(quality, agent_col=agent_col)
    codes, agents = pd.factorize(quality[agent_col], sort=True)

    def col(name: str, dtype: Any) -> np.ndarray:
        return np.ascontiguousarray(quality[name].to_numpy(), dtype=dtype)

    raw = _call(_core.satisfaction.rollup_agents, "agent_report", codes.astype(np.int32), len(agents),
                col("quality", np.float64), col("mean_delay", np.float64),
                col("agent_tokens", np.int64), col("jargon_tokens", np.int64),
                col("condescension", np.int32), col("impatience", np.int32),
                col("confusion", np.int32), col("repeated_questions", np.int32),
                col("sentiment_last", np.float64), col("sentiment_change", np.float64))
    out = pd.DataFrame(raw, index=pd.Index(agents, name=agent_col))
    return out.sort_values("mean_quality", kind="stable")


def simulate_conversations(
    n_conversations: int = 2000,
    seed: int = 11,
    *,
    n_agents: int = 20,
    bad_agent_share: float = 0.3,
    bad_rate_good_agent: float = 0.15,
    bad_rate_bad_agent: float = 0.7,
    start: Any = "2025-01-01",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded support transcripts with known good/bad labels.

    Bad conversations tend to have slow replies, jargon, condescending or impatient agents,
    confused customers who repeat their question, and a sour ending; good ones have these
    rarely. Bad agents have more bad conversations.

    Returns
    -------
    (turns, truth): turns with conversation_id, agent, role, time (datetimes), text and tone
    (the true tone of customer turns in [-1, 1]); truth indexed by conversation_id with agent,
    good and agent_is_bad.
    """
    for name, value in (("n_conversations", n_conversations), ("seed", seed),
                        ("n_agents", n_agents)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name}={value!r} must be an integer")
    raw = _call(_core.simulation.simulate_conversations, "simulate_conversations", int(n_conversations),
                int(seed), int(n_agents), float(bad_agent_share), float(bad_rate_good_agent),
                float(bad_rate_bad_agent))
    names = np.array([f"agent_{a:02d}" for a in range(n_agents)], dtype=object)
    conv = raw["conversation_id"]
    start_ns = pd.Timestamp(start).as_unit("ns").value
    turns = pd.DataFrame({
        "conversation_id": conv,
        "agent": names[raw["agent"][conv]],
        "role": np.where(raw["role"] == 0, "agent", "customer"),
        "time": pd.Series(start_ns + (raw["time"] * 1e9).astype(np.int64)).astype("datetime64[ns]"),
        "text": raw["text"],
        "tone": raw["tone"],
    })
    truth = pd.DataFrame({
        "agent": names[raw["agent"]],
        "good": raw["good"].astype(bool),
        "agent_is_bad": raw["agent_is_bad"][raw["agent"]].astype(bool),
    }, index=pd.Index(np.arange(int(n_conversations)), name="conversation_id"))
    return turns, truth
