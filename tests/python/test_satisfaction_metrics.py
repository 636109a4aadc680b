"""Survey metrics against hand-computed cases and pandas computations of the textbook
definitions: CSAT = share of 4-5 on 1-5, NPS = % 9-10 minus % 0-6, CES on either direction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return ci.simulate(8000, seed=3).responses


def test_csat_hand_computed() -> None:
    out = ci.csat([5, 4, 3, None, 1, 4])
    assert out.n == 5
    assert out.satisfied_share == pytest.approx(0.6, abs=1e-15)
    assert out.mean == pytest.approx(3.4, abs=1e-15)


def test_nps_hand_computed_with_threshold_ties() -> None:
    # Boundary answers: 9 is a promoter, 7 and 8 passives, 6 a detractor.
    out = ci.nps([10, 9, 8, 7, 6, 0, np.nan, 10])
    assert (out.n, out.promoters, out.passives, out.detractors) == (7, 3, 2, 2)
    assert out.nps == pytest.approx(100 / 7, abs=1e-12)
    assert out.std_error == pytest.approx(100 * math.sqrt(34 / 343), abs=1e-12)
    assert out.lower == pytest.approx(out.nps - 1.959963984540054 * out.std_error, abs=1e-9)


def test_ces_directions() -> None:
    easy = ci.ces([7, 6, 4, 2, None], scale="ces_7")
    assert (easy.n, easy.mean, easy.easy_share) == (4, 4.75, 0.5)
    assert easy.ease == pytest.approx(3.75 / 6)
    effort = ci.ces([1, 2, 3, 5], scale="ces_5_effort")
    assert effort.ease == pytest.approx(1 - 1.75 / 4)
    assert effort.easy_share == 0.5


def _textbook(df: pd.DataFrame) -> pd.DataFrame:
    """The definitions written out in pandas, independently of the library."""
    def per_group(g: pd.DataFrame) -> pd.Series:
        c = g["csat"].dropna().astype(float)
        s = g["nps"].dropna().astype(float)
        pp, pd_ = (s >= 9).mean(), (s <= 6).mean()
        return pd.Series({
            "csat": (c >= 4).mean() if len(c) else np.nan,
            "csat_mean": c.mean() if len(c) else np.nan,
            "nps": 100 * (pp - pd_) if len(s) else np.nan,
            "nps_std_error": 100 * math.sqrt((pp + pd_ - (pp - pd_) ** 2) / len(s)) if len(s) else np.nan,
            "volume": float(len(g)),
        })
    return df.groupby("touchpoint", observed=True)[["csat", "nps"]].apply(per_group)


def test_grouped_metrics_match_pandas_on_simulated_data(responses: pd.DataFrame) -> None:
    report = ci.touchpoint_report(responses, csat_col="csat", nps_col="nps")
    expected = _textbook(responses).reindex(report.index)
    for col in ("csat", "csat_mean", "nps", "nps_std_error", "volume"):
        np.testing.assert_allclose(report[col].to_numpy(float), expected[col].to_numpy(float),
                                   rtol=1e-12, atol=1e-12, err_msg=col)
    by = ci.nps_by(responses, "touchpoint", "nps")
    np.testing.assert_allclose(by["nps"].to_numpy(), expected["nps"].to_numpy(), atol=1e-12)
    csat = ci.csat_by(responses, "touchpoint", "csat")
    np.testing.assert_allclose(csat["satisfied_share"].to_numpy(), expected["csat"].to_numpy(),
                               atol=1e-12)


def test_edge_groups_all_promoters_all_detractors_size_one_and_missing() -> None:
    df = pd.DataFrame({
        "segment": ["fans", "fans", "fans", "angry", "angry", "solo", "empty", "empty", None],
        "nps": pd.array([10, 9, 9, 0, 6, 8, None, None, 10], dtype="Int64"),
    })
    out = ci.nps_by(df, "segment", "nps")
    assert out.loc["fans", "nps"] == 100 and out.loc["fans", "std_error"] == 0
    assert out.loc["angry", "nps"] == -100 and out.loc["angry", "upper"] == -100
    assert out.loc["solo", "nps"] == 0 and out.loc["solo", "n"] == 1
    assert out.loc["empty", "n"] == 0 and np.isnan(out.loc["empty", "nps"])
    assert list(out.index) == ["angry", "empty", "fans", "solo"]  # the missing segment is dropped


def test_nps_interval_covers_truth_on_ten_thousand_groups() -> None:
    rng = np.random.default_rng(7)
    n_groups = 10_000
    p_promoter = rng.uniform(0.2, 0.6, n_groups)
    p_detractor = rng.uniform(0.1, 0.4, n_groups)
    sizes = rng.integers(100, 600, n_groups)
    group = np.repeat(np.arange(n_groups), sizes)
    u = rng.uniform(size=group.size)
    answer = np.where(u < p_promoter[group], 10, np.where(u < (p_promoter + p_detractor)[group], 2, 8))
    out = ci.nps_by(pd.DataFrame({"g": group, "nps": answer}), "g", "nps")
    truth = 100 * (p_promoter - p_detractor)
    coverage = float(np.mean((out["lower"].to_numpy() <= truth) & (truth <= out["upper"].to_numpy())))
    print(f"NPS 95% interval coverage on {n_groups} groups: {coverage:.4f}")
    assert 0.94 <= coverage <= 0.96


def test_bootstrap_interval_is_seeded_and_near_normal(responses: pd.DataFrame) -> None:
    a = ci.nps(responses["nps"], method="bootstrap", n_bootstrap=500, seed=4)
    b = ci.nps(responses["nps"], method="bootstrap", n_bootstrap=500, seed=4)
    normal = ci.nps(responses["nps"])
    assert (a.lower, a.upper) == (b.lower, b.upper)
    assert a.lower == pytest.approx(normal.lower, abs=0.6)
    assert a.upper == pytest.approx(normal.upper, abs=0.6)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match=r"ratings\[2\] = 6"):
        ci.csat([5, 4, 6])
    with pytest.raises(ValueError, match="not a known scale"):
        ci.csat([5], scale="csat_10")
    with pytest.raises(ValueError, match=r"scores\[1\] = 11"):
        ci.nps([9, 11])
    with pytest.raises(ValueError, match="whole number"):
        ci.nps([7.5])
    with pytest.raises(ValueError, match="method"):
        ci.nps([9], method="exact")
    with pytest.raises(TypeError):
        ci.csat(["five"])
    with pytest.raises(TypeError):
        ci.ces([3], scale=42)
