"""The insight table's contact-log and support-transcript inputs: columns checked against
independent pandas arithmetic and the public conversation_quality, the rules they drive, the
simulated demo inputs against their hidden truth, and bad input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import custinsight as ci

AS_OF = pd.Timestamp("2025-06-30")
# One model keeps these tests about the inputs, not about model choice.
CONFIG = ci.InsightConfig(model="beta_geo")


def _base() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six repeat buyers with recent purchases, and feedback for none of them."""
    rows = []
    for c in range(1, 7):
        for k in range(6):
            rows.append((c, AS_OF - pd.Timedelta(days=170 - 30 * k - c), 20.0 + c))
    tx = pd.DataFrame(rows, columns=["customer_id", "datetime", "amount"])
    # a population the models can be fitted on
    data = ci.simulate(n_customers=1500, seed=5, start="2023-06-30")
    pop = data.transactions[["customer_id", "datetime", "amount"]].copy()
    pop["customer_id"] += 100
    pop = pop.loc[pop["datetime"] <= AS_OF]
    return pd.concat([tx, pop], ignore_index=True), tx


@pytest.fixture(scope="module")
def base():
    return _base()


def test_outbound_counts_and_complaints_match_pandas(base):
    tx, _ = base
    rng = np.random.default_rng(2)
    n = 400
    contacts = pd.DataFrame({
        "customer_id": rng.integers(1, 8, size=n),  # 7 is not a customer: left out
        "datetime": AS_OF - pd.to_timedelta(rng.uniform(-5, 120, size=n), unit="D").round("s"),
        "direction": rng.choice(["Outbound", "inbound"], size=n),
        "complaint": rng.random(n) < 0.05,
    })
    before = contacts.copy(deep=True)
    table = ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, contacts=contacts)
    pd.testing.assert_frame_equal(contacts, before)
    known = contacts.loc[contacts["datetime"] <= AS_OF]
    age = (AS_OF - known["datetime"]).dt.total_seconds() / 86400
    outbound = known.loc[(known["direction"] == "Outbound") & (age < 30)]
    expected = outbound.groupby("customer_id").size().reindex(range(1, 7), fill_value=0)
    np.testing.assert_array_equal(table.loc[1:6, "outbound_30d"], expected.to_numpy(float))
    assert (table.loc[table.index >= 100, "outbound_30d"] == 0).all()
    last = age[known["complaint"]].groupby(known.loc[known["complaint"], "customer_id"]).min()
    for c in range(1, 7):
        got = table.loc[c, "days_since_complaint"]
        if c in last.index:
            assert got == pytest.approx(last[c], abs=1e-9)
        else:
            assert np.isnan(got)
    # the rules: over-contacted customers are left alone unless a complaint is open
    over = table["outbound_30d"] >= 3
    open_ = table["days_since_complaint"] <= 90
    assert (table.loc[over & ~open_ & (table["segment"] != "lost"), "action"]
            == "do not over-contact").all()
    assert (table.loc[open_ & (table["segment"] != "lost"), "action"]
            == "close the loop on a complaint").all()


def test_support_quality_is_the_latest_conversations(base):
    tx, _ = base
    turns, truth = ci.simulate_conversations(60, seed=8, start="2025-06-01")
    # conversation k belongs to customer 1 + k % 6; time order decides the latest one
    turns["customer_id"] = 1 + turns["conversation_id"] % 6
    before = turns.copy(deep=True)
    table = ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, transcripts=turns)
    pd.testing.assert_frame_equal(turns, before)
    kept = turns.loc[turns["time"] <= AS_OF]
    quality = ci.conversation_quality(kept, analyzer=ci.SentimentAnalyzer(corrected=True))
    ends = kept.groupby("conversation_id")["time"].max()
    owner = kept.groupby("conversation_id")["customer_id"].first()
    for c in range(1, 7):
        mine = ends[owner == c]
        latest = mine.index[mine.to_numpy() == mine.max()].max()
        assert table.loc[c, "n_conversations"] == len(mine)
        assert table.loc[c, "support_quality"] == pytest.approx(quality.loc[latest, "quality"],
                                                                abs=1e-12)
        assert table.loc[c, "support_ending"] == pytest.approx(
            quality.loc[latest, "sentiment_last"], abs=1e-12)
    assert table.loc[table.index >= 100, "support_quality"].isna().all()
    assert (table.loc[table.index >= 100, "n_conversations"] == 0).all()


def test_demo_inputs_tell_the_truth():
    data = ci.simulate(n_customers=6000, seed=12)
    turns = ci.simulate_transcripts(data, seed=13)
    contacts = ci.simulate_contact_log(data, seed=14)
    pd.testing.assert_frame_equal(turns, ci.simulate_transcripts(data, seed=13))
    table = ci.CustomerInsight().score(data.transactions, data.responses, as_of=data.end,
                                       contacts=contacts, transcripts=turns)
    # The support quality of each customer's latest chat separates the simulator's hidden
    # good and bad conversations.
    _, truth = ci.simulate_conversations(
        int((data.responses["touchpoint"] == "chat").sum()), 13)
    ends = turns.groupby("conversation_id").agg(customer_id=("customer_id", "first"),
                                                end=("time", "max"))
    latest = ends.sort_values(["end"], kind="stable").groupby("customer_id").tail(1)
    latest = latest.loc[latest["end"] <= data.end]
    q = table.loc[latest["customer_id"], "support_quality"].to_numpy()
    good = truth.loc[latest.index, "good"].to_numpy()
    assert len(q) > 300 and good.mean() > 0.2
    assert ci.roc_auc(good, q) > 0.9
    # Every campaign-contacted customer with 3+ recent contacts is flagged, nobody else.
    assert ((table["outbound_30d"] >= 3) == table["drivers"].str.contains("outbound contacts")
            ).mean() > 0.99


@pytest.mark.parametrize("change,error,match", [
    (lambda c: c.assign(direction=["sideways"] + ["outbound"] * (len(c) - 1)), ValueError,
     r"direction\[0\] = 'sideways': must be 'outbound' or 'inbound'"),
    (lambda c: c.assign(complaint=[2] + [0] * (len(c) - 1)), ValueError,
     r"complaint\[0\] = 2: must be 0 or 1"),
    (lambda c: c.assign(datetime=[pd.NaT] + list(c["datetime"][1:])), ValueError,
     r"datetime\[0\] is missing"),
    (lambda c: c.assign(customer_id=[None] + list(c["customer_id"][1:])), ValueError,
     r"customer_id\[0\] is missing"),
    (lambda c: c.drop(columns="datetime"), ValueError, "datetime_col='datetime' is not a column"),
    (lambda c: c.to_dict(), TypeError, "contacts must be a DataFrame"),
])
def test_bad_contacts(base, change, error, match):
    tx, _ = base
    contacts = pd.DataFrame({"customer_id": [1, 2, 3], "direction": "outbound",
                             "datetime": pd.to_datetime(["2025-06-01", "2025-06-02", "2025-06-03"]),
                             "complaint": [0, 1, 0]})
    with pytest.raises(error, match=match):
        ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, contacts=change(contacts))


def test_bad_transcripts(base):
    tx, _ = base
    turns = pd.DataFrame({"customer_id": [1, 2], "conversation_id": ["a", "a"],
                          "role": ["customer", "agent"], "text": ["hi", "hello"],
                          "time": pd.to_datetime(["2025-06-01 10:00", "2025-06-01 10:01"])})
    with pytest.raises(ValueError, match="turns of two different customers"):
        ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, transcripts=turns)
    with pytest.raises(ValueError, match=r"role\[1\] = 'bot'"):
        ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, transcripts=turns.assign(
            customer_id=1, role=["customer", "bot"]))
    with pytest.raises(TypeError, match=r"text\[0\] = 5: must be text"):
        ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, transcripts=turns.assign(
            customer_id=1, text=pd.Series([5, "x"], dtype=object)))
    with pytest.raises(ValueError, match="conversation_id_col='conversation_id' is not a column"):
        ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, transcripts=turns.drop(
            columns="conversation_id"))


def test_config_round_trip_and_validation():
    cfg = ci.InsightConfig(max_outbound_30d=5, support_quality_low=40)
    assert ci.InsightConfig.from_json(cfg.to_json()) == cfg
    with pytest.raises(ValueError, match="support_quality_low=120"):
        ci.InsightConfig(support_quality_low=120)
    with pytest.raises(ValueError, match="max_outbound_30d=0"):
        ci.InsightConfig(max_outbound_30d=0)


def test_report_leaves_out_over_contacted_customers():
    from custinsight.insight.report import report_html

    data = ci.simulate(n_customers=3000, seed=31)
    contacts = ci.simulate_contact_log(data, seed=32, campaign_share=0.5)
    engine = ci.CustomerInsight(CONFIG)
    table = engine.score(data.transactions, data.responses, as_of=data.end, contacts=contacts)
    html = report_html(engine)
    section = html.split("Customers to contact first")[1]
    listed = [int(x) for x in re.findall(r"<tr><td class=\"l\">(\d+)</td>", section)]
    assert listed, "the contact list is empty"
    assert (table.loc[listed, "outbound_30d"] < 3).all()
    assert "3+ outbound contacts in 30 days left out" in section


def test_empty_contact_log_and_transcripts(base):
    tx, _ = base
    contacts = pd.DataFrame({"customer_id": [], "datetime": [], "direction": []})
    turns = pd.DataFrame({"customer_id": [], "conversation_id": [], "role": [], "time": [],
                          "text": []})
    table = ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, contacts=contacts,
                                             transcripts=turns)
    assert (table["outbound_30d"] == 0).all()  # the log records directions: none outbound
    assert table["days_since_complaint"].isna().all()
    assert (table["n_conversations"] == 0).all() and table["support_quality"].isna().all()
    plain = ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF)
    np.testing.assert_array_equal(table["insight_score"], plain["insight_score"])
    with pytest.raises(ValueError, match=r"time\[0\] is missing \(NaT\)"):
        ci.CustomerInsight(CONFIG).score(tx, as_of=AS_OF, transcripts=pd.DataFrame({
            "customer_id": [1], "conversation_id": [1], "role": ["customer"],
            "time": [pd.NaT], "text": ["hi"]}))
