"""Thread safety and determinism: one fitted model and one analyser shared by 8 Python threads
give the single-threaded answers, every score is bit-for-bit the same with 1 and 2 library
threads, and model fits are reproducible run to run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


def _flatten(result: Any) -> list[bytes]:
    """Every number of a result as raw bytes, so that equality means bit-for-bit equality."""
    if isinstance(result, pd.DataFrame):
        return [result.index.to_numpy().tobytes() if result.index.dtype.kind != "O"
                else repr(list(result.index)).encode()] + [
            b for c in result.columns for b in _flatten(result[c])]
    if isinstance(result, pd.Series):
        arr = result.to_numpy()
        return [arr.tobytes() if arr.dtype.kind != "O" else repr(list(arr)).encode()]
    if isinstance(result, dict):
        return [b for k in sorted(result) for b in [str(k).encode(), *_flatten(result[k])]]
    if isinstance(result, (list, tuple)):
        return [b for item in result for b in _flatten(item)]
    if isinstance(result, np.ndarray):
        return [result.tobytes() if result.dtype.kind != "O" else repr(list(result)).encode()]
    if hasattr(result, "__dataclass_fields__"):
        return _flatten({k: getattr(result, k) for k in result.__dataclass_fields__})
    if isinstance(result, (float, np.floating)):
        return [np.float64(result).tobytes()]
    return [repr(result).encode()]


@pytest.fixture(scope="module")
def data() -> ci.SimulatedData:
    # Large enough that every parallel loop splits its work (the threshold is 2048 items).
    return ci.simulate(n_customers=6000, seed=5)


@pytest.fixture(scope="module")
def summary(data: ci.SimulatedData) -> pd.DataFrame:
    tx = data.transactions
    return ci.rfm_summary(tx, "customer_id", "time", monetary_value_col="amount",
                          observation_period_end=float(tx["time"].max()))


@pytest.fixture(scope="module")
def texts(data: ci.SimulatedData) -> list[str]:
    t = data.responses["text"].dropna().tolist()
    return (t * (1 + 6000 // max(len(t), 1)))[:6000]


@pytest.fixture(autouse=True)
def _restore_threads():
    yield
    ci.set_num_threads(0)


def _scorers(data: ci.SimulatedData, summary: pd.DataFrame, texts: list[str]
             ) -> dict[str, Callable[[], Any]]:
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    repeat = summary[summary["frequency"] > 0]
    bg = ci.BetaGeoModel().fit(f, r, T)
    pnbd = ci.ParetoNBDModel().fit(f, r, T)
    gg = ci.GammaGammaModel().fit(repeat["frequency"], repeat["monetary_value"])
    reference = ci.SentimentAnalyzer()
    corrected = ci.SentimentAnalyzer(corrected=True)
    tx, responses = data.transactions, data.responses
    turns, _ = ci.simulate_conversations(400, seed=3)
    return {
        "rfm_summary": lambda: ci.rfm_summary(tx, "customer_id", "time",
                                              monetary_value_col="amount"),
        "BetaGeoModel.fit": lambda: ci.BetaGeoModel().fit(f, r, T).params_,
        "ParetoNBDModel.fit": lambda: ci.ParetoNBDModel().fit(f, r, T).params_,
        "GammaGammaModel.fit": lambda: ci.GammaGammaModel().fit(
            repeat["frequency"], repeat["monetary_value"]).params_,
        "BetaGeoModel.conditional_probability_alive": lambda: bg.conditional_probability_alive(
            f, r, T),
        "BetaGeoModel.predict": lambda: bg.predict(10.0, f, r, T),
        "ParetoNBDModel.conditional_probability_alive":
            lambda: pnbd.conditional_probability_alive(f, r, T),
        "ParetoNBDModel.predict": lambda: pnbd.predict(10.0, f, r, T),
        "GammaGammaModel.customer_lifetime_value": lambda: gg.customer_lifetime_value(
            bg, repeat["frequency"], repeat["recency"], repeat["T"], repeat["monetary_value"]),
        "SentimentAnalyzer.polarity_scores": lambda: reference.polarity_scores(
            texts, top_tokens=2, raw=True),
        "SentimentAnalyzer(corrected).polarity_scores": lambda: corrected.polarity_scores(texts),
        "satisfaction_scores": lambda: ci.satisfaction_scores(
            responses, rating_col="csat", text_col="text", time_col="datetime"),
        "nps(bootstrap)": lambda: ci.nps(responses["nps"].dropna(), method="bootstrap"),
        "conversation_quality": lambda: ci.conversation_quality(turns),
    }


def test_every_score_is_bit_identical_with_one_and_two_threads(data, summary, texts) -> None:
    scorers = _scorers(data, summary, texts)
    for name, score in scorers.items():
        ci.set_num_threads(1)
        one = _flatten(score())
        ci.set_num_threads(2)
        two = _flatten(score())
        assert one == two, f"{name}: 1 and 2 threads differ"
        assert _flatten(score()) == two, f"{name}: two runs with 2 threads differ"
    print(f"\ndeterminism: {len(scorers)} scorers bit-identical with 1 and 2 threads")


def test_model_fits_are_reproducible_run_to_run(summary) -> None:
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    for cls in (ci.BetaGeoModel, ci.ModifiedBetaGeoModel, ci.ParetoNBDModel):
        first = cls().fit(f, r, T)
        again = cls().fit(f, r, T)
        assert _flatten(first.params_) == _flatten(again.params_), cls.__name__
        assert first.log_likelihood_ == again.log_likelihood_, cls.__name__


def test_eight_threads_share_one_model_and_one_analyser(summary, texts) -> None:
    f, r, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    model = ci.BetaGeoModel().fit(f, r, T)
    analyzer = ci.SentimentAnalyzer(corrected=True)
    work = {
        "alive": lambda: model.conditional_probability_alive(f, r, T),
        "expected": lambda: model.conditional_expected_number_of_purchases_up_to_time(
            5.0, f, r, T),
        "sentiment": lambda: analyzer.polarity_scores(texts[:3000], top_tokens=1),
        "one_text": lambda: [analyzer.polarity_scores(t) for t in texts[:200]],
    }
    expected = {k: _flatten(w()) for k, w in work.items()}
    results: list[tuple[str, list[bytes]]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(seed: int) -> None:
        try:
            barrier.wait()
            order = list(work)
            for k in range(3):
                name = order[(seed + k) % len(order)]
                results.append((name, _flatten(work[name]())))
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 24
    for name, got in results:
        assert got == expected[name], f"{name} differs when called from 8 threads at once"
