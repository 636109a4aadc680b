"""A contact log and support transcripts to go with :func:`custinsight.simulate`, for the demo.

Both are drawn from the simulated customer base so that they tell the same story as its
feedback: unhappy phone callers log complaints, chat users who rated their chat badly had the
worse conversations, and a small campaign audience is contacted far more often than the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .conversation import simulate_conversations
from .simulate import SimulatedData

__all__ = ["simulate_contact_log", "simulate_transcripts"]

_DAY_NS = 86_400 * 10**9


def _check(data: SimulatedData, seed: int) -> None:
    if not isinstance(data, SimulatedData):
        raise TypeError(f"data must be the result of custinsight.simulate(), got "
                        f"{type(data).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed={seed!r} must be a non-negative integer")


def simulate_contact_log(data: SimulatedData, seed: int = 7, *,
                         outbound_per_customer: float = 0.5, campaign_share: float = 0.05,
                         campaign_contacts: float = 5.0, window_days: float = 120.0
                         ) -> pd.DataFrame:
    """Outbound marketing contacts and inbound calls for a simulated customer base.

    Every customer gets Poisson(``outbound_per_customer``) outbound contacts spread over the
    last ``window_days`` before ``data.end``; a random ``campaign_share`` of customers also
    gets Poisson(``campaign_contacts``) in the last 30 days. Every phone response in the
    feedback comes with an inbound contact at the same time, flagged as a complaint when its
    CSAT rating is 1 or 2.

    Returns
    -------
    DataFrame with customer_id, datetime, direction ('outbound' / 'inbound'), complaint (bool)
    and channel, sorted by time.
    """
    _check(data, seed)
    rng = np.random.default_rng(seed)
    ids = data.customers.index.to_numpy()
    end_ns = data.end.as_unit("ns").value

    def stamps(count: np.ndarray, days: float) -> tuple[np.ndarray, np.ndarray]:
        who = np.repeat(ids, count)
        # Whole seconds before the end, as in the simulated transactions.
        ago = np.floor(rng.uniform(0.0, days * 86_400.0, size=len(who))).astype(np.int64)
        return who, end_ns - ago * 10**9

    base_who, base_t = stamps(rng.poisson(outbound_per_customer, size=len(ids)), window_days)
    in_campaign = rng.random(len(ids)) < campaign_share
    heavy = np.where(in_campaign, rng.poisson(campaign_contacts, size=len(ids)), 0)
    camp_who, camp_t = stamps(heavy, 29.0)
    fb = data.responses
    phone = (fb["touchpoint"] == "phone").to_numpy()
    csat = fb["csat"].to_numpy(dtype=np.float64, na_value=np.nan)[phone]
    outbound_n = len(base_who) + len(camp_who)
    log = pd.DataFrame({
        "customer_id": np.concatenate([base_who, camp_who, fb["customer_id"].to_numpy()[phone]]),
        "datetime": pd.to_datetime(np.concatenate([
            base_t, camp_t, fb["datetime"].to_numpy()[phone].astype("datetime64[ns]").view(
                np.int64)])),
        "direction": np.array(["outbound"] * outbound_n + ["inbound"] * int(phone.sum())),
        "complaint": np.concatenate([np.zeros(outbound_n, dtype=bool), csat <= 2]),
        "channel": np.array(["email"] * outbound_n + ["phone"] * int(phone.sum())),
    })
    return log.sort_values(["datetime", "customer_id"], kind="stable", ignore_index=True)


def simulate_transcripts(data: SimulatedData, seed: int = 11) -> pd.DataFrame:
    """One support chat per chat response of the simulated feedback.

    Conversations come from :func:`custinsight.simulate_conversations` (good and bad ones,
    with known cues); the worse-rated chat responses get the bad conversations, so that the
    transcripts agree with the ratings. Each conversation ends one minute before its
    customer's response.

    Returns
    -------
    DataFrame with customer_id, conversation_id, agent, role, time and text, one row per turn.
    """
    _check(data, seed)
    fb = data.responses
    chat = fb.loc[(fb["touchpoint"] == "chat").to_numpy()]
    n = len(chat)
    if n == 0:
        return pd.DataFrame({"customer_id": pd.Series(dtype=np.int64),
                             "conversation_id": pd.Series(dtype=np.int64),
                             "agent": pd.Series(dtype=object), "role": pd.Series(dtype=object),
                             "time": pd.Series(dtype="datetime64[ns]"),
                             "text": pd.Series(dtype=object)})
    turns, truth = simulate_conversations(n, seed)
    # Rank responses by rating (hidden satisfaction breaks ties and fills unrated ones) and
    # hand the bad conversations to the lowest ranks.
    sat = data.customers["satisfaction"].reindex(chat["customer_id"]).to_numpy()
    rating = chat["csat"].to_numpy(dtype=np.float64, na_value=np.nan)
    key = np.where(np.isnan(rating), 3.0 + np.tanh(sat), rating) + 1e-3 * np.tanh(sat)
    response_order = np.argsort(key, kind="stable")
    conversation_order = np.argsort(truth["good"].to_numpy(), kind="stable")
    owner = np.empty(n, dtype=np.int64)
    owner[conversation_order] = response_order
    conv = turns["conversation_id"].to_numpy()
    # Whole seconds, as in the simulated transactions and feedback.
    t = turns["time"].to_numpy().astype("datetime64[s]").astype("datetime64[ns]").view(np.int64)
    last = pd.Series(t).groupby(conv).max().to_numpy()
    response_t = chat["datetime"].to_numpy().astype("datetime64[ns]").view(np.int64)
    shift = response_t[owner] - 60 * 10**9 - last
    return pd.DataFrame({
        "customer_id": chat["customer_id"].to_numpy()[owner[conv]],
        "conversation_id": conv,
        "agent": turns["agent"].to_numpy(),
        "role": turns["role"].to_numpy(),
        "time": pd.to_datetime(t + shift[conv]),
        "text": turns["text"].to_numpy(),
    })
