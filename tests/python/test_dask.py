"""custinsight.dask against the single-machine functions on the same data.

The transaction log is partitioned by time, so that most customers' purchases lie in several
input partitions before the shuffle; every result must equal the single-machine result
(summaries exactly, parameters to 1e-8, scores to 1e-9) whatever the partition count.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import custinsight as ci  # noqa: E402
import custinsight.dask as cd  # noqa: E402
from custinsight import _core, _pickling  # noqa: E402

# Cluster start-up and shut-down leave sockets to the garbage collector; not this code's.
pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def sim():
    return ci.simulate(2000, seed=11)


@pytest.fixture(scope="module")
def log(sim):
    # By time, not by customer: a customer's purchases fall into several partitions.
    return sim.transactions.sort_values("datetime", kind="stable").reset_index(drop=True)


def by_time(frame: pd.DataFrame, n: int):
    return dd.from_pandas(frame, npartitions=n, sort=False)


def test_customers_are_split_across_input_partitions(log):
    parts = by_time(log, 7).to_delayed()
    ids = [set(p.compute()["customer_id"]) for p in parts]
    spread = sum(len(a & b) for i, a in enumerate(ids) for b in ids[i + 1:])
    assert spread > 300


@pytest.mark.parametrize("n", [3, 11])
def test_rfm_summary_equals_one_machine_exactly(client, log, n):
    expected = ci.rfm_summary(log, "customer_id", "datetime", "amount", freq="D",
                              freq_multiplier=7)
    got = cd.rfm_summary(by_time(log, n), "customer_id", "datetime", "amount", freq="D",
                         freq_multiplier=7, npartitions=5).compute().sort_index()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_rfm_summary_string_ids_and_observation_end(client, log):
    tx = log.assign(customer_id="c" + log["customer_id"].astype(str))
    end = "2026-06-30"
    expected = ci.rfm_summary(tx, "customer_id", "datetime", observation_period_end=end)
    got = cd.rfm_summary(by_time(tx, 4), "customer_id", "datetime",
                         observation_period_end=end).compute().sort_index()
    assert got.index.astype(str).tolist() == expected.index.tolist()
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize("cls", [ci.BetaGeoModel, ci.ModifiedBetaGeoModel, ci.ParetoNBDModel])
def test_loyalty_fit_on_pattern_counts_equals_the_full_fit(client, log, cls):
    rfm = ci.rfm_summary(log, "customer_id", "datetime", freq="D", freq_multiplier=7)
    expected = cls().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    fits = [cd.fit_loyalty(cls(), cd.rfm_summary(by_time(log, n), "customer_id", "datetime",
                                                 freq="D", freq_multiplier=7, npartitions=n))
            for n in (2, 9)]
    for fit in fits:
        np.testing.assert_allclose(fit.params_, expected.params_, rtol=1e-8, atol=0)
        assert fit.BIC_ == pytest.approx(expected.BIC_, rel=1e-12)
        assert fit.fit_info_["n_customers"] == len(rfm)
    # the same patterns in the same order whatever the partitioning
    np.testing.assert_array_equal(fits[0].params_, fits[1].params_)


def test_pareto_penalizer_matches_the_row_fit(client, log):
    rfm = ci.rfm_summary(log, "customer_id", "datetime", freq="D", freq_multiplier=7)
    expected = ci.ParetoNBDModel(penalizer_coef=0.1).fit(rfm["frequency"], rfm["recency"],
                                                         rfm["T"])
    summary = cd.rfm_summary(by_time(log, 4), "customer_id", "datetime", freq="D",
                             freq_multiplier=7)
    got = cd.fit_loyalty(ci.ParetoNBDModel(penalizer_coef=0.1), summary)
    np.testing.assert_allclose(got.params_, expected.params_, rtol=1e-8)
    assert got.penalizer_coef == 0.1


def test_pattern_counts_add_up_to_the_customers(client, log):
    rfm = ci.rfm_summary(log, "customer_id", "datetime", freq="D", freq_multiplier=7)
    counts = cd.pattern_counts(cd.rfm_summary(by_time(log, 5), "customer_id", "datetime",
                                              freq="D", freq_multiplier=7), split_every=2)
    brute = rfm.groupby(["frequency", "recency", "T"]).size()
    assert counts["customers"].sum() == len(rfm)
    merged = counts.set_index(["frequency", "recency", "T"])["customers"]
    pd.testing.assert_series_equal(merged.sort_index(), brute.sort_index().astype(float),
                                   check_names=False)
    assert counts["first_customer"].is_monotonic_increasing


def test_spend_fit_and_predictions(client, log):
    rfm = ci.rfm_summary(log, "customer_id", "datetime", "amount", freq="D", freq_multiplier=7)
    repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
    gg = ci.GammaGammaModel().fit(repeat["frequency"], repeat["monetary_value"])
    summary = cd.rfm_summary(by_time(log, 6), "customer_id", "datetime", "amount", freq="D",
                             freq_multiplier=7)
    got = cd.fit_spend(ci.GammaGammaModel(), summary)
    np.testing.assert_allclose(got.params_, gg.params_, rtol=1e-8)
    bg = ci.BetaGeoModel().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    pred = cd.predict_loyalty(bg, summary, horizon=13).compute().sort_index()
    f, r, t = rfm["frequency"], rfm["recency"], rfm["T"]
    np.testing.assert_allclose(pred["p_alive"], bg.conditional_probability_alive(f, r, t),
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        pred["expected_purchases"],
        bg.conditional_expected_number_of_purchases_up_to_time(13, f, r, t), atol=1e-12)
    np.testing.assert_allclose(pred["churn_risk"], bg.churn_risk(f, r, t, 13), atol=1e-12)


def _assert_tables_equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert got.index.tolist() == expected.index.tolist()
    for col in expected.columns:
        a, b = got[col], expected[col]
        if b.dtype.kind == "f":
            assert a.dtype == b.dtype, col
            np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=0, atol=1e-9,
                                       err_msg=col)
        else:
            # Categories and their order too: one machine and Dask give one dtype.
            assert a.dtype == b.dtype, (col, a.dtype, b.dtype)
            # Values as text, element by element (Categorical.astype(str) warns on pandas 2.0.0).
            assert [str(v) for v in a.tolist()] == [str(v) for v in b.tolist()], col


def test_customer_insight_equals_one_machine(client, sim, log):
    feedback = sim.responses
    expected = ci.CustomerInsight().score(log, feedback)
    ins = cd.CustomerInsight()
    got = ins.score(by_time(log, 7), by_time(feedback, 3), npartitions=4).compute().sort_index()
    _assert_tables_equal(got, expected)
    assert ins.model_name_ == expected.attrs["model"]
    assert got["satisfaction"].notna().sum() > 500


def test_customer_insight_auto_model_as_of_and_no_feedback(client, log):
    config = ci.InsightConfig(model="auto")
    as_of = log["datetime"].quantile(0.8)
    expected = ci.CustomerInsight(config).score(log, as_of=as_of)
    ins = cd.CustomerInsight(config)
    got = ins.score(by_time(log, 5), as_of=as_of).compute().sort_index()
    _assert_tables_equal(got, expected)
    single = ci.CustomerInsight(config)
    single.score(log, as_of=as_of)
    assert ins.bics_ == pytest.approx(single.bics_, rel=1e-12)


def test_customer_insight_with_contacts_and_transcripts(client, sim, log):
    contacts = ci.simulate_contact_log(sim, seed=3, campaign_share=0.2)
    turns = ci.simulate_transcripts(sim, seed=4)
    expected = ci.CustomerInsight().score(log, sim.responses, contacts=contacts,
                                          transcripts=turns)
    got = cd.CustomerInsight().score(
        by_time(log, 5), by_time(sim.responses, 3), contacts=by_time(contacts, 4),
        transcripts=by_time(turns, 3), npartitions=4).compute().sort_index()
    _assert_tables_equal(got, expected)
    assert (got["action"] == "do not over-contact").any()
    assert got["support_quality"].notna().sum() > 50


def test_pipeline_refuses_what_it_cannot_do_yet(client, log):
    tx = by_time(log, 2)
    # An input the pipeline does not know is refused as on one machine.
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['calls'\]"):
        cd.CustomerInsight().score(tx, calls=tx)
    with pytest.raises(NotImplementedError, match="label_window_days"):
        cd.CustomerInsight(ci.InsightConfig(label_window_days=90)).score(tx)
    with pytest.raises(TypeError, match="pandas DataFrame"):
        cd.rfm_summary(log, "customer_id", "datetime")


def test_satisfaction_scores_and_rollup(client, sim):
    fb = sim.responses
    options = dict(rating_col="csat", text_col="text", time_col="datetime")
    expected = ci.satisfaction_scores(fb, **options)
    scores = cd.satisfaction_scores(by_time(fb, 4), **options)
    got = scores.compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=0, atol=1e-12)
    per = cd.customer_satisfaction(scores, npartitions=3).compute().sort_index()
    ref = ci.customer_satisfaction(expected)
    pd.testing.assert_frame_equal(per, ref, check_exact=False, rtol=0, atol=1e-9,
                                  check_index_type=False)


def test_analyzer_is_built_once_per_worker(client, sim):
    texts = by_time(sim.responses["text"], 6)
    lexicon = ci.Lexicon.default().merge(ci.Lexicon.from_dict({"refund": -1.2}))
    analyzer = ci.SentimentAnalyzer(lexicon, corrected=True)
    got = cd.sentiment_scores(texts, analyzer).compute()
    expected = analyzer.polarity_scores(sim.responses["text"], missing="nan")
    pd.testing.assert_frame_equal(got, expected)
    digest = _pickling.lexicon_state(lexicon._lex)[0]
    built = client.run(lambda: sorted(k for k in _pickling._lexicons if k == digest))
    assert all(v == [digest] for v in built.values())


def test_models_pickle_through_json(log):
    rfm = ci.rfm_summary(log, "customer_id", "datetime", freq="D", freq_multiplier=7)
    model = ci.ParetoNBDModel().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    back = pickle.loads(pickle.dumps(model))
    assert type(back) is ci.ParetoNBDModel
    np.testing.assert_array_equal(back.params_, model.params_)
    np.testing.assert_array_equal(back.standard_errors_, model.standard_errors_)
    f, r, t = rfm["frequency"], rfm["recency"], rfm["T"]
    np.testing.assert_array_equal(back.conditional_probability_alive(f, r, t),
                                  model.conditional_probability_alive(f, r, t))
    unfitted = pickle.loads(pickle.dumps(ci.BetaGeoModel(penalizer_coef=0.5)))
    assert unfitted.penalizer_coef == 0.5
    with pytest.raises(ValueError, match="not fitted"):
        unfitted.params_


def test_lexicon_and_analyzer_pickle_once_per_process():
    lexicon = ci.Lexicon.from_dict({"late": -1.5, "on hold": -2.0, "great": 3.1},
                                   emoji={"\U0001F600": "grinning face"})
    back = pickle.loads(pickle.dumps(lexicon))
    assert back.to_dict() == lexicon.to_dict() and back.emoji() == lexicon.emoji()
    analyzer = ci.SentimentAnalyzer(lexicon, corrected=True)
    one, two = pickle.loads(pickle.dumps(analyzer)), pickle.loads(pickle.dumps(analyzer))
    assert one is two and one.corrected
    text = "the parcel was late and I was on hold \U0001F600"
    assert one.polarity_scores(text) == analyzer.polarity_scores(text)
    digest, payload = _pickling.lexicon_state(lexicon._lex)
    with pytest.raises(ValueError, match="corrupt"):
        _pickling.restore_lexicon("0" * 64, payload)


def test_scores_with_given_percentiles_need_both():
    x = np.ones(3)
    kwargs = dict(frequency=x, recency=x, T=x * 2, p_alive=x * 0.5, churn_risk=x * 0.5,
                  no_purchase_risk=x * 0.5, clv=x, satisfaction=x * np.nan,
                  satisfaction_trend=x * np.nan, nps_latest=x * np.nan,
                  complaint=np.zeros(3, np.uint8), config_json=ci.InsightConfig().to_json())
    with pytest.raises(ValueError, match="both"):
        _core.insight.score_customers(**kwargs, value_percentile=x)
    with pytest.raises(ValueError, match=r"frequency_percentile\[1\] = nan"):
        _core.insight.score_customers(**kwargs, value_percentile=x,
                                      frequency_percentile=np.array([1.0, np.nan, 1.0]))


def test_unmatched_rows_are_counted_and_refused_as_on_one_machine(client, sim, log, caplog):
    # Feedback rows of customers without purchases: counted (Dask keeps the one-machine
    # table's attrs in attrs_) and, above half the rows, refused with the same error.
    fb = sim.responses.copy()
    stray = fb.sample(40, random_state=1).assign(customer_id=lambda d: d["customer_id"] + 10**6)
    some = pd.concat([fb, stray], ignore_index=True)
    expected = ci.CustomerInsight().score(log, some)
    ins = cd.CustomerInsight()
    ins.score(by_time(log, 4), by_time(some, 3), npartitions=3)
    assert ins.attrs_["unmatched"] == expected.attrs["unmatched"]
    assert 30 < ins.attrs_["unmatched"]["feedback"]["unmatched"] <= 40  # those up to as_of
    assert ins.attrs_["unmatched_notes"] == expected.attrs["unmatched_notes"]
    most = fb.assign(customer_id=fb["customer_id"] + 10**6)
    with pytest.raises(ValueError, match=r"feedback: \d+ of \d+ rows up to as_of \(more than 50%\)"):
        ci.CustomerInsight().score(log, most)
    with pytest.raises(ValueError, match=r"feedback: \d+ of \d+ rows up to as_of \(more than 50%\)"):
        cd.CustomerInsight().score(by_time(log, 4), by_time(most, 3), npartitions=3)
