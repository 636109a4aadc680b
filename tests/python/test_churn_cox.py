"""CoxPHModel against lifelines (Efron ties) and statsmodels (Breslow ties) on the Rossi data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import custinsight as ci


def _peer(call, *args, **kwargs):
    """A call into lifelines, with the pandas deprecation warnings that lifelines' own code
    raises under pandas 3 silenced for that call only (ours stay errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(*args, **kwargs)


def _lifelines_fit(penalizer: float = 0.0):
    lifelines = pytest.importorskip("lifelines")
    return _peer(lifelines.CoxPHFitter(penalizer=penalizer).fit, _rossi(), "week", "arrest")


def _rossi() -> pd.DataFrame:
    datasets = pytest.importorskip("lifelines.datasets")
    return datasets.load_rossi()


@pytest.mark.peers
def test_efron_matches_lifelines_on_rossi():
    ref = _lifelines_fit()
    rossi = _rossi()
    model = ci.CoxPHModel(ties="efron").fit(rossi, "week", "arrest")
    features = list(ref.params_.index)
    assert model.feature_names_ == features
    np.testing.assert_allclose(model.coef_[features], ref.params_, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(model.standard_errors_[features], ref.standard_errors_, rtol=1e-4)
    assert model.log_likelihood_ == pytest.approx(ref.log_likelihood_, abs=1e-4)
    X = rossi.drop(columns=["week", "arrest"])
    np.testing.assert_allclose(model.predict_relative_risk(X),
                               _peer(ref.predict_partial_hazard, X).to_numpy(), rtol=1e-4)


@pytest.mark.peers
def test_penalised_efron_matches_lifelines_with_the_ddof_conversion():
    ref = _lifelines_fit(penalizer=0.05)
    rossi = _rossi()
    n = len(rossi)
    # lifelines standardises with the ddof = 1 deviation: its c is our c * n / (n - 1).
    model = ci.CoxPHModel(penalizer=0.05 * n / (n - 1), ties="efron").fit(rossi, "week", "arrest")
    np.testing.assert_allclose(model.coef_[ref.params_.index], ref.params_, atol=1e-4, rtol=1e-4)


@pytest.mark.peers
def test_breslow_matches_statsmodels_on_rossi():
    sm = pytest.importorskip("statsmodels.api")
    rossi = _rossi()
    X = rossi.drop(columns=["week", "arrest"])
    ref = sm.PHReg(rossi["week"], X, status=rossi["arrest"], ties="breslow").fit(
        method="newton", tol=1e-12)
    model = ci.CoxPHModel(ties="breslow").fit(X, rossi["week"], rossi["arrest"])
    np.testing.assert_allclose(model.coef_, ref.params, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(model.standard_errors_, ref.bse, rtol=1e-4)
    assert model.log_likelihood_ == pytest.approx(ref.llf, abs=1e-4)
    # Rossi has tied arrest weeks, so the two tie rules give visibly different estimates.
    efron = ci.CoxPHModel(ties="efron").fit(X, rossi["week"], rossi["arrest"])
    assert np.abs(efron.coef_ - model.coef_).max() > 1e-3


def test_drivers_relative_risk_and_json(tmp_path):
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"calls": rng.poisson(3, 500).astype(float), "tenure_plan": rng.normal(12, 3, 500)})
    hazard = 0.05 * np.exp(0.3 * (X["calls"] - 3))
    time = rng.exponential(1 / hazard)
    censor = rng.uniform(0, 40, 500)
    model = ci.CoxPHModel().fit(X, np.minimum(time, censor), (time <= censor).astype(float))
    d = model.drivers(X, top_k=2)
    assert list(d.columns) == ["relative_risk", "log_relative_risk", "driver_1",
                               "driver_1_contribution", "driver_2", "driver_2_contribution"]
    direct = ((X - X.mean()) * model.coef_).sum(axis=1)
    np.testing.assert_allclose(d["log_relative_risk"], direct, atol=1e-10)
    np.testing.assert_allclose(d["driver_1_contribution"] + d["driver_2_contribution"], direct, atol=1e-10)
    path = tmp_path / "cox.json"
    model.save(path)
    back = ci.CoxPHModel.load(path)
    np.testing.assert_array_equal(back.predict_relative_risk(X), model.predict_relative_risk(X))
    assert back.ties == "breslow"
    with pytest.raises(ValueError, match="not a 'custinsight.ChurnModel'"):
        ci.ChurnModel.from_json(path.read_text())


def test_bad_input():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match="event has no"):
        ci.CoxPHModel().fit(X, [1, 2, 3, 4], [0, 0, 0, 0])
    with pytest.raises(ValueError, match=r"duration\[2\] = -3"):
        ci.CoxPHModel().fit(X, [1, 2, -3, 4], [1, 0, 1, 0])
    with pytest.raises(ValueError, match="ties='exact'"):
        ci.CoxPHModel(ties="exact").fit(X, [1, 2, 3, 4], [1, 0, 1, 0])
    # Churn order follows x exactly: no finite estimate without a penalty.
    with pytest.raises(ValueError, match="monotone"):
        ci.CoxPHModel().fit(X, [4, 3, 2, 1], [1, 1, 1, 1])
    assert np.isfinite(ci.CoxPHModel(penalizer=0.1).fit(X, [4, 3, 2, 1], [1, 1, 1, 1]).coef_).all()
