"""ChurnModel against scikit-learn and statsmodels, closed forms, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from churn_helpers import cdnow_backtest, simulated_logistic

import custinsight as ci
from custinsight import _core


def _sklearn_fit(X, y, C, standardize=True, sample_weight=None, class_weight=None):
    linear_model = pytest.importorskip("sklearn.linear_model")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    if standardize:
        X = preprocessing.StandardScaler().fit_transform(X, sample_weight=sample_weight)
    model = linear_model.LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12,
                                            max_iter=1000, class_weight=class_weight)
    model.fit(X, y, sample_weight=sample_weight)
    return model.coef_[0], model.intercept_[0]


def _assert_rel(ours, theirs, rtol=1e-6):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-12 * np.abs(theirs).max())


@pytest.mark.peers
@pytest.mark.parametrize("C", [0.01, 1.0, np.inf])
def test_matches_sklearn_newton_cholesky_100k_by_30(C):
    X, y, _ = simulated_logistic(100_000, 30, seed=1)
    coef, intercept = _sklearn_fit(X, y, C)
    model = ci.ChurnModel(C=C).fit(X, y)
    _assert_rel(model.coef_standardized_, coef)
    _assert_rel(model.intercept_standardized_, intercept)
    # Raw-scale coefficients are the standardised ones over the (ddof = 0) feature spread.
    _assert_rel(model.coef_, coef / X.std(axis=0))


@pytest.mark.peers
def test_subsampled_newton_path_matches_sklearn():
    X, y, _ = simulated_logistic(100_000, 30, seed=2)
    coef, intercept = _sklearn_fit(X, y, 0.3)
    core = _core.churn.fit_logistic(X, y, None, [], C=0.3, subsample_threshold=20_000)
    _assert_rel(core.coef_z, coef)
    _assert_rel(core.intercept_z, intercept)


@pytest.mark.peers
def test_unstandardised_weighted_and_class_weighted_match_sklearn():
    X, y, _ = simulated_logistic(5_000, 6, seed=3)
    w = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    coef, intercept = _sklearn_fit(X, y, 0.5, standardize=False, sample_weight=w,
                                   class_weight="balanced")
    model = ci.ChurnModel(C=0.5, standardize=False, class_weight="balanced").fit(X, y, w)
    _assert_rel(model.coef_, coef)
    _assert_rel(model.intercept_, intercept)


@pytest.mark.peers
@pytest.mark.shared_data
def test_cdnow_backtest_matches_sklearn():
    data = cdnow_backtest()
    X, y = data.drop(columns="churned"), data["churned"]
    coef, intercept = _sklearn_fit(X.to_numpy(), y.to_numpy(), 1.0)
    model = ci.ChurnModel(C=1.0).fit(X, y)
    assert model.feature_names_ == list(X.columns)
    _assert_rel(model.coef_standardized_, coef)
    _assert_rel(model.intercept_standardized_, intercept)


@pytest.mark.peers
def test_unpenalised_standard_errors_match_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, y, _ = simulated_logistic(4_000, 4, seed=4)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    model = ci.ChurnModel(C=np.inf).fit(X, y)
    _assert_rel(model.intercept_, ref.params[0], 1e-8)
    _assert_rel(model.coef_, ref.params[1:], 1e-8)
    _assert_rel(model.standard_errors_, ref.bse, 1e-6)
    table = model.coef_table()
    _assert_rel(table["p_value"], ref.pvalues, 1e-5)


def test_two_by_two_table_closed_form():
    # One binary feature: log odds ratio and Woolf's standard error.
    counts = {(0, 0): 30, (0, 1): 10, (1, 0): 15, (1, 1): 25}
    x = np.concatenate([np.full(c, k[0], float) for k, c in counts.items()])
    y = np.concatenate([np.full(c, k[1], float) for k, c in counts.items()])
    model = ci.ChurnModel(C=np.inf).fit(pd.DataFrame({"treated": x}), y)
    assert model.coef_["treated"] == pytest.approx(np.log(25 * 30 / (15 * 10)), rel=1e-12)
    assert model.odds_ratios_["treated"] == pytest.approx(25 * 30 / (15 * 10), rel=1e-12)
    assert model.standard_errors_["treated"] == pytest.approx(
        np.sqrt(1 / 30 + 1 / 10 + 1 / 15 + 1 / 25), rel=1e-9)


def test_drivers_are_tidy_and_add_up():
    X, y, _ = simulated_logistic(2_000, 5, seed=5)
    frame = pd.DataFrame(X, columns=list("abcde"), index=pd.Index(np.arange(2_000) + 100, name="id"))
    model = ci.ChurnModel().fit(frame, y)
    d = model.drivers(frame, top_k=2)
    assert list(d.columns) == ["churn_probability", "log_odds", "driver_1",
                               "driver_1_contribution", "driver_2", "driver_2_contribution"]
    assert d.index.equals(frame.index)
    # Brute force: contributions coef_j * (x_j - mean_j), strongest first.
    contrib = (frame - frame.mean()) * model.coef_
    top = contrib.abs().to_numpy().argsort(axis=1)[:, ::-1]
    assert (d["driver_1"].astype(str).to_numpy() == np.array(list("abcde"))[top[:, 0]]).all()
    np.testing.assert_allclose(d["driver_1_contribution"],
                               contrib.to_numpy()[np.arange(2_000), top[:, 0]], atol=1e-10)
    full = model.drivers(frame, top_k=5)
    total = full[[f"driver_{k}_contribution" for k in range(1, 6)]].sum(axis=1)
    np.testing.assert_allclose(total + model.intercept_standardized_, full["log_odds"], atol=1e-10)
    np.testing.assert_allclose(full["churn_probability"], model.predict_proba(frame), rtol=1e-12)
    # Columns are matched by name at scoring time.
    np.testing.assert_allclose(model.predict_proba(frame[list("edcba")]), model.predict_proba(frame))


def test_top_k_beyond_the_feature_count_is_capped():
    X, y, _ = simulated_logistic(300, 2, seed=6)
    d = ci.ChurnModel().fit(X, y).drivers(X, top_k=5)
    assert "driver_2" in d.columns and "driver_3" not in d.columns


def test_constant_column_is_documented_and_harmless():
    X, y, _ = simulated_logistic(1_000, 3, seed=7)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["flat"] = 2.5
    model = ci.ChurnModel(C=np.inf).fit(frame, y)
    assert model.constant_features_ == ["flat"]
    assert model.coef_["flat"] == 0.0
    assert np.isnan(model.standard_errors_["flat"])
    reference = ci.ChurnModel(C=np.inf).fit(frame[["a", "b", "c"]], y)
    np.testing.assert_allclose(model.coef_[["a", "b", "c"]], reference.coef_, rtol=1e-9)


def test_separable_data_finite_with_penalty_error_without():
    x = np.r_[np.linspace(-3, -1, 50), np.linspace(1, 3, 50)]
    y = (x > 0).astype(float)
    X = np.c_[x, np.sin(np.arange(100))]
    model = ci.ChurnModel(C=1.0).fit(X, y)
    assert np.isfinite(model.coef_).all()
    with pytest.raises(ValueError, match="separated"):
        ci.ChurnModel(C=np.inf).fit(X, y)


def test_nan_features_name_row_and_column_or_are_imputed():
    X, y, _ = simulated_logistic(200, 3, seed=8)
    frame = pd.DataFrame(X, columns=["recency", "frequency", "tenure"])
    frame.iloc[17, 2] = np.nan
    with pytest.raises(ValueError, match=r"X\[17, 'tenure'\] = nan"):
        ci.ChurnModel().fit(frame, y)
    model = ci.ChurnModel(impute_missing=True).fit(frame, y)
    d = model.drivers(frame.iloc[[17]], top_k=3)
    assert np.isfinite(d["log_odds"]).all()
    # The imputed feature sits at the training mean: it contributes nothing.
    row = d.iloc[0]
    contribution = {row[f"driver_{k}"]: row[f"driver_{k}_contribution"] for k in (1, 2, 3)}
    assert contribution["tenure"] == 0.0
    with pytest.raises(ValueError, match=r"X\[0, 'tenure'\] = nan"):
        ci.ChurnModel().fit(frame.dropna(), y[frame.notna().all(axis=1)]).predict_proba(
            frame.iloc[[17]])


def test_single_class_and_bad_labels():
    X, _, _ = simulated_logistic(100, 2, seed=9)
    with pytest.raises(ValueError, match="single class"):
        ci.ChurnModel().fit(X, np.zeros(100))
    y = np.zeros(100)
    y[:10] = 1
    y[3] = 2
    with pytest.raises(ValueError, match=r"y\[3\] = 2"):
        ci.ChurnModel().fit(X, y)
    with pytest.raises(TypeError):
        ci.ChurnModel().fit(pd.DataFrame({"a": ["x"] * 100}), np.r_[np.ones(50), np.zeros(50)])
    with pytest.raises(ci.NotFittedError, match="ChurnModel is not fitted"):
        ci.ChurnModel().predict_proba(X)


def test_json_round_trip_and_guards(tmp_path):
    X, y, _ = simulated_logistic(500, 3, seed=10)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = ci.ChurnModel(C=0.2, class_weight={0: 1.0, 1: 3.0}).fit(frame, y)
    path = tmp_path / "churn.json"
    model.save(path)
    back = ci.ChurnModel.load(path)
    assert back.feature_names_ == ["a", "b", "c"]
    np.testing.assert_array_equal(back.predict_proba(frame), model.predict_proba(frame))
    doc = json.loads(path.read_text())
    assert doc["model_type"] == "custinsight.ChurnModel"
    assert doc["library_version"] == ci.__version__
    doc["format_version"] = 99
    with pytest.raises(ValueError, match="format version 99"):
        ci.ChurnModel.from_json(json.dumps(doc))
    with pytest.raises(ValueError, match="not a 'custinsight.CoxPHModel'"):
        ci.CoxPHModel.from_json(path.read_text())


def test_same_result_for_one_and_two_threads():
    X, y, _ = simulated_logistic(30_000, 8, seed=11)
    try:
        ci.set_num_threads(1)
        one = ci.ChurnModel().fit(X, y).coef_.to_numpy()
        ci.set_num_threads(2)
        two = ci.ChurnModel().fit(X, y).coef_.to_numpy()
    finally:
        ci.set_num_threads(0)
    np.testing.assert_array_equal(one, two)


def test_inputs_are_not_modified():
    X, y, _ = simulated_logistic(500, 3, seed=12)
    X_copy, y_copy = X.copy(), y.copy()
    model = ci.ChurnModel().fit(X, y)
    model.drivers(X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_cross_val_predict_is_out_of_fold():
    X, y, _ = simulated_logistic(3_000, 4, seed=13)
    oof = ci.cross_val_predict(ci.ChurnModel(), X, y, n_splits=5, seed=1)
    assert oof.shape == (3_000,) and ((oof > 0) & (oof < 1)).all()
    in_sample = ci.ChurnModel().fit(X, y).predict_proba(X)
    # Out-of-fold predictions differ from in-sample ones but barely in quality on this much data.
    assert not np.allclose(oof, in_sample)
    assert ci.roc_auc(y, oof) == pytest.approx(ci.roc_auc(y, in_sample), abs=0.01)
