"""Feature-based churn models: L2 logistic regression and Cox proportional hazards, with the
per-customer drivers behind each score.

Penalty convention of :class:`ChurnModel` (documented so results can be reproduced elsewhere):
it minimises ``0.5 * ||w||^2 + C * sum_i s_i * logloss_i`` over the coefficients ``w`` of the
*standardised* features ``z = (x - mean) / std`` (weighted mean, ddof = 0 standard deviation)
and an unpenalised intercept, ``s_i`` being the sample weight times the class weight. That is
scikit-learn's ``LogisticRegression(C=C)`` (its default L2 penalty) fitted on
``StandardScaler().fit_transform(X)``; with ``standardize=False`` it is ``LogisticRegression(C=C)``
on ``X`` itself. ``C=np.inf`` fits the unpenalised maximum-likelihood model.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import NotFittedError
from ._validate import as_float_array

__all__ = ["ChurnModel", "CoxPHModel", "cross_val_predict"]


def _feature_matrix(X: Any, names: list[str] | None = None) -> tuple[np.ndarray, list[str], Any]:
    """(C-contiguous float64 matrix, feature names, index or None). Never modifies X."""
    if isinstance(X, pd.DataFrame):
        if names is not None:
            missing = [c for c in names if c not in X.columns]
            if missing:
                raise ValueError(f"X lacks the feature columns the model was fitted on: {missing}")
            X = X[names]
        bad = [c for c in X.columns
               if not (pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c]))]
        if bad:
            raise TypeError(f"feature columns must be numeric; not numeric: {bad}")
        matrix = X.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.ascontiguousarray(matrix), [str(c) for c in X.columns], X.index
    arr = np.asarray(X)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"X has dtype {arr.dtype}; expected numbers")
    if arr.ndim != 2:
        raise ValueError(f"X must be two-dimensional (customers x features), got shape {arr.shape}")
    if names is not None and arr.shape[1] != len(names):
        raise ValueError(f"X has {arr.shape[1]} columns but the model was fitted on {len(names)}")
    return (np.ascontiguousarray(arr, dtype=np.float64),
            list(names) if names is not None else [f"x{j}" for j in range(arr.shape[1])], None)


def _labels(name: str, y: Any) -> np.ndarray:
    if isinstance(y, pd.Series) and pd.api.types.is_bool_dtype(y.dtype):
        y = y.astype(np.float64)
    arr = np.asarray(y)
    if arr.dtype == bool:
        arr = arr.astype(np.float64)
    return as_float_array(name, arr)


def _optional_weights(sample_weight: Any, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    w = as_float_array("sample_weight", sample_weight)
    if len(w) != n:
        raise ValueError(f"sample_weight has length {len(w)} but X has {n} rows")
    return w


def _normal_two_sided_p(z: np.ndarray) -> np.ndarray:
    return np.array([math.erfc(abs(v) / math.sqrt(2.0)) if np.isfinite(v) else np.nan for v in z])


def _driver_frame(names: list[str], index: Any, score_name: str, score: np.ndarray,
                  driver: np.ndarray, contribution: np.ndarray, extra: dict[str, np.ndarray]) -> pd.DataFrame:
    columns: dict[str, Any] = dict(extra)
    columns[score_name] = score
    categories = pd.Index(names)
    for k in range(driver.shape[1]):
        codes = driver[:, k]
        columns[f"driver_{k + 1}"] = pd.Categorical.from_codes(codes, categories=categories)
        columns[f"driver_{k + 1}_contribution"] = contribution[:, k]
    return pd.DataFrame(columns, index=index, copy=False)


def _write(path: str | os.PathLike[str], text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _read(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


class _FittedModel:
    """What ChurnModel and CoxPHModel share: the fitted core object, feature names and
    persistence. Subclasses set ``_FIT_CALL`` (for the not-fitted message)."""

    _FIT_CALL = "fit(...)"
    _model: Any

    def _fitted(self) -> Any:
        if self._model is None:
            raise NotFittedError.of(self, f"{self._FIT_CALL} or load()")
        return self._model

    @property
    def feature_names_(self) -> list[str]:
        return list(self._fitted().scaling.feature_names)

    @property
    def constant_features_(self) -> list[str]:
        s = self._fitted().scaling
        return [n for n, c in zip(s.feature_names, s.constant) if c]

    def to_json(self) -> str:
        """The fitted model as JSON (model type, format and library versions included)."""
        return str(self._fitted().to_json())

    @classmethod
    def from_json(cls, text: str) -> Any:
        raise NotImplementedError

    def save(self, path: str | os.PathLike[str]) -> None:
        _write(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Any:
        return cls.from_json(_read(path))


class ChurnModel(_FittedModel):
    """L2-regularised logistic regression of churn (1) against retention (0).

    Fitted by Newton's method (IRLS) with an Eigen LDLT solve in C++, the GIL released and both
    cores used; the result does not depend on the thread count.

    Parameters
    ----------
    C : float, default 1.0
        Inverse penalty strength, exactly scikit-learn's ``C`` (see the module docstring).
        ``np.inf``: no penalty; separated classes or collinear features are then an error.
    standardize : bool, default True
        Penalise the coefficients of standardised features (every feature alike).
    class_weight : None, 'balanced' or {0: w0, 1: w1}
        Multiplies the sample weights per class; 'balanced' uses
        ``sum(w) / (2 * sum(w over the class))`` as scikit-learn does.
    impute_missing : bool, default False
        NaN features are an error naming the row and column unless this is True; then each
        NaN is replaced by the training mean of its feature (z = 0, contribution 0).
    max_iter, tol : Newton iterations and the step-size stopping rule.

    Notes
    -----
    A feature that is constant in the training data carries no information: its coefficient is
    held at exactly 0, its odds ratio is 1, its standard error is NaN and it is listed in
    ``constant_features_``.
    """

    _FIT_CALL = "fit(X, y)"

    def __init__(self, C: float = 1.0, *, standardize: bool = True,
                 class_weight: None | str | dict[int, float] = None, impute_missing: bool = False,
                 max_iter: int = 100, tol: float = 1e-10) -> None:
        self.C = C
        self.standardize = standardize
        self.class_weight = class_weight
        self.impute_missing = impute_missing
        self.max_iter = max_iter
        self.tol = tol
        self._model: Any = None

    # -- fitting ---------------------------------------------------------------------------
    def _class_weights(self, y: np.ndarray, w: np.ndarray | None) -> tuple[float, float]:
        cw = self.class_weight
        if cw is None:
            return 1.0, 1.0
        if isinstance(cw, str):
            if cw != "balanced":
                raise ValueError(f"class_weight={cw!r}: use None, 'balanced' or {{0: w0, 1: w1}}")
            weights = np.ones_like(y) if w is None else w
            total = float(weights.sum())
            pos = float(weights[y == 1].sum())
            neg = total - pos
            if pos <= 0 or neg <= 0:
                raise ValueError("y contains a single class: a churn model needs both 0 and 1")
            return total / (2.0 * neg), total / (2.0 * pos)
        if isinstance(cw, dict):
            unknown = set(cw) - {0, 1}
            if unknown:
                raise ValueError(f"class_weight has keys {sorted(unknown)}; only 0 and 1 exist")
            return float(cw.get(0, 1.0)), float(cw.get(1, 1.0))
        raise TypeError(f"class_weight={cw!r}: use None, 'balanced' or a dict")

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ChurnModel:
        """Fit on features ``X`` (DataFrame or 2-D array; column names become feature names)
        and labels ``y`` (1 = churned, 0 = retained)."""
        matrix, names, _ = _feature_matrix(X)
        labels = _labels("y", y)
        if len(labels) != matrix.shape[0]:
            raise ValueError(f"y has length {len(labels)} but X has {matrix.shape[0]} rows")
        weights = _optional_weights(sample_weight, matrix.shape[0])
        cw0, cw1 = self._class_weights(labels, weights)
        C = float(self.C)
        self._model = _core.churn.fit_logistic(
            matrix, labels, weights, names, C=C, standardize=bool(self.standardize),
            class_weight_negative=cw0, class_weight_positive=cw1,
            impute_missing=bool(self.impute_missing), max_iter=int(self.max_iter), tol=float(self.tol))
        return self

    # -- fitted attributes -----------------------------------------------------------------
    @property
    def coef_(self) -> pd.Series:
        """Log-odds change per unit of each raw feature."""
        return pd.Series(self._fitted().coef, index=self.feature_names_, name="coef")

    @property
    def intercept_(self) -> float:
        """Log-odds at x = 0."""
        return float(self._fitted().intercept)

    @property
    def coef_standardized_(self) -> pd.Series:
        """Coefficients on the scale the penalty sees (per standard deviation when standardised)."""
        return pd.Series(self._fitted().coef_z, index=self.feature_names_, name="coef_standardized")

    @property
    def intercept_standardized_(self) -> float:
        """Log-odds of the average training customer."""
        return float(self._fitted().intercept_z)

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard errors of (intercept, coef_) from the inverse penalised Hessian."""
        se = np.sqrt(np.diag(self._fitted().covariance))
        return pd.Series(se, index=["intercept", *self.feature_names_], name="std_err")

    @property
    def odds_ratios_(self) -> pd.Series:
        """exp(coef_): odds multiplier per unit of each feature."""
        return np.exp(self.coef_).rename("odds_ratio")

    @property
    def n_iter_(self) -> int:
        return int(self._fitted().n_iter)

    def coef_table(self) -> pd.DataFrame:
        """Coefficients with standard errors, Wald z and p-values and odds ratios (per unit
        and per standard deviation). With a penalty the standard errors are those of the
        penalised (posterior-mode) estimate."""
        m = self._fitted()
        coef = np.concatenate([[m.intercept], m.coef])
        se = np.sqrt(np.diag(m.covariance))
        z = coef / se
        coef_z = np.concatenate([[m.intercept_z], m.coef_z])
        table = pd.DataFrame({
            "coef": coef,
            "std_err": se,
            "z": z,
            "p_value": _normal_two_sided_p(z),
            "odds_ratio": np.exp(coef),
            "coef_standardized": coef_z,
        }, index=["intercept", *self.feature_names_])
        if m.standardize:
            table["odds_ratio_per_sd"] = np.exp(coef_z)
            table.loc["intercept", "odds_ratio_per_sd"] = np.nan
        table.loc["intercept", "odds_ratio"] = np.nan
        table["constant"] = [False, *(bool(c) for c in m.scaling.constant)]
        return table

    # -- scoring ---------------------------------------------------------------------------
    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of churn for every row."""
        matrix, _, _ = _feature_matrix(X, self.feature_names_)
        log_odds, _, _ = _core.churn.logistic_drivers(self._fitted(), matrix, 0)
        return log_odds

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(churn) for every row (a 1-D array; scikit-learn's column 1)."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def drivers(self, X: Any, top_k: int = 3) -> pd.DataFrame:
        """Each customer's churn probability and the ``top_k`` features that move his log-odds
        most away from the average customer's.

        Returns a DataFrame (indexed like ``X`` when it is a DataFrame) with ``churn_probability``,
        ``log_odds`` and, for k = 1..top_k, ``driver_k`` (categorical feature name, NaN when the
        model has fewer features) and ``driver_k_contribution`` (signed change in log-odds,
        coef_j * (x_j - mean_j)); the contributions of all features and the average customer's
        log-odds ``intercept_standardized_`` add up to ``log_odds``.
        """
        if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
            raise ValueError(f"top_k={top_k!r}: must be a non-negative integer")
        names = self.feature_names_
        matrix, _, index = _feature_matrix(X, names)
        k = min(int(top_k), len(names))
        log_odds, driver, contribution = _core.churn.logistic_drivers(self._fitted(), matrix, k)
        probability = 1.0 / (1.0 + np.exp(-log_odds))
        return _driver_frame(names, index, "log_odds", log_odds, driver, contribution,
                             {"churn_probability": probability})

    # -- persistence -----------------------------------------------------------------------
    @classmethod
    def from_json(cls, text: str) -> ChurnModel:
        core = _core.churn.LogisticModel.from_json(text)
        options = json.loads(text).get("options", {})
        weights = options.get("class_weight", [1.0, 1.0])
        model = cls(C=float(core.C), standardize=bool(core.standardize),
                    class_weight=None if weights == [1.0, 1.0] else {0: weights[0], 1: weights[1]},
                    impute_missing=bool(core.scaling.impute_missing),
                    max_iter=int(options.get("max_iter", 100)), tol=float(options.get("tol", 1e-10)))
        model._model = core
        return model

    def __repr__(self) -> str:
        state = "fitted" if self._model is not None else "not fitted"
        return f"ChurnModel(C={self.C}, standardize={self.standardize}, {state})"


class CoxPHModel(_FittedModel):
    """Cox proportional hazards model for contractual churn: tenure and a cancellation event.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty ``n * penalizer / 2 * ||w||^2`` on the standardised coefficients, lifelines'
        convention (its penalizer c equals ours c * n / (n - 1), as lifelines standardises with
        ddof = 1).
    ties : {'breslow', 'efron'}, default 'breslow'
        Handling of tied churn times (lifelines uses Efron's).
    standardize, impute_missing, max_iter, tol : as for :class:`ChurnModel`.
    """

    _FIT_CALL = "fit(X, duration, event)"

    def __init__(self, penalizer: float = 0.0, *, ties: str = "breslow", standardize: bool = True,
                 impute_missing: bool = False, max_iter: int = 100, tol: float = 1e-10) -> None:
        self.penalizer = penalizer
        self.ties = ties
        self.standardize = standardize
        self.impute_missing = impute_missing
        self.max_iter = max_iter
        self.tol = tol
        self._model: Any = None

    def fit(self, X: Any, duration: Any, event: Any, sample_weight: Any = None) -> CoxPHModel:
        """Fit on features ``X`` with ``duration`` (tenure) and ``event`` (1 churned, 0 still a
        customer). When ``X`` is a DataFrame, ``duration``, ``event`` and ``sample_weight`` may
        name its columns; those columns are then not features."""
        if isinstance(X, pd.DataFrame):
            used = [c for c in (duration, event, sample_weight) if isinstance(c, str)]
            for c in used:
                if c not in X.columns:
                    raise ValueError(f"{c!r} is not a column of X (columns: {list(X.columns)})")
            duration = X[duration] if isinstance(duration, str) else duration
            event = X[event] if isinstance(event, str) else event
            sample_weight = X[sample_weight] if isinstance(sample_weight, str) else sample_weight
            X = X.drop(columns=used)
        matrix, names, _ = _feature_matrix(X)
        t = as_float_array("duration", duration)
        e = _labels("event", event)
        for name, v in (("duration", t), ("event", e)):
            if len(v) != matrix.shape[0]:
                raise ValueError(f"{name} has length {len(v)} but X has {matrix.shape[0]} rows")
        weights = _optional_weights(sample_weight, matrix.shape[0])
        self._model = _core.churn.fit_cox(matrix, t, e, weights, names, penalizer=float(self.penalizer),
                                    ties=str(self.ties), standardize=bool(self.standardize),
                                    impute_missing=bool(self.impute_missing),
                                    max_iter=int(self.max_iter), tol=float(self.tol))
        return self

    @property
    def coef_(self) -> pd.Series:
        """Log hazard ratio per unit of each raw feature."""
        return pd.Series(self._fitted().coef, index=self.feature_names_, name="coef")

    @property
    def hazard_ratios_(self) -> pd.Series:
        return np.exp(self.coef_).rename("hazard_ratio")

    @property
    def standard_errors_(self) -> pd.Series:
        se = np.sqrt(np.diag(self._fitted().covariance))
        return pd.Series(se, index=self.feature_names_, name="std_err")

    @property
    def log_likelihood_(self) -> float:
        """Log partial likelihood at the estimate (without the penalty)."""
        return float(self._fitted().log_likelihood)

    def coef_table(self) -> pd.DataFrame:
        """Coefficients, standard errors, Wald z, p-values and hazard ratios."""
        coef = self.coef_.to_numpy()
        se = self.standard_errors_.to_numpy()
        z = coef / se
        return pd.DataFrame({"coef": coef, "std_err": se, "z": z, "p_value": _normal_two_sided_p(z),
                             "hazard_ratio": np.exp(coef),
                             "coef_standardized": self._fitted().coef_z},
                            index=self.feature_names_)

    def predict_log_relative_risk(self, X: Any) -> np.ndarray:
        """log(hazard / hazard of the average training customer) for every row."""
        matrix, _, _ = _feature_matrix(X, self.feature_names_)
        return _core.churn.cox_drivers(self._fitted(), matrix, 0)[0]

    def predict_relative_risk(self, X: Any) -> np.ndarray:
        """Hazard relative to the average training customer (lifelines' partial hazard)."""
        return np.exp(self.predict_log_relative_risk(X))

    def drivers(self, X: Any, top_k: int = 3) -> pd.DataFrame:
        """``relative_risk``, ``log_relative_risk`` and the ``top_k`` signed contributions to
        the log relative risk (``driver_k``, ``driver_k_contribution``), as for ChurnModel."""
        if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
            raise ValueError(f"top_k={top_k!r}: must be a non-negative integer")
        names = self.feature_names_
        matrix, _, index = _feature_matrix(X, names)
        k = min(int(top_k), len(names))
        log_rr, driver, contribution = _core.churn.cox_drivers(self._fitted(), matrix, k)
        return _driver_frame(names, index, "log_relative_risk", log_rr, driver, contribution,
                             {"relative_risk": np.exp(log_rr)})

    @classmethod
    def from_json(cls, text: str) -> CoxPHModel:
        core = _core.churn.CoxModel.from_json(text)
        options = json.loads(text).get("options", {})
        model = cls(penalizer=float(core.penalizer), ties=str(core.ties),
                    standardize=bool(options.get("standardize", True)),
                    impute_missing=bool(core.scaling.impute_missing),
                    max_iter=int(options.get("max_iter", 100)), tol=float(options.get("tol", 1e-10)))
        model._model = core
        return model

    def __repr__(self) -> str:
        state = "fitted" if self._model is not None else "not fitted"
        return f"CoxPHModel(penalizer={self.penalizer}, ties={self.ties!r}, {state})"


def cross_val_predict(model: ChurnModel, X: Any, y: Any, *, n_splits: int = 5, seed: int = 0,
                      sample_weight: Any = None) -> np.ndarray:
    """Out-of-fold churn probabilities from stratified k-fold cross-validation.

    Rows are shuffled with ``seed`` within each class and dealt round-robin into ``n_splits``
    folds, so every fold has nearly the same churn rate; each row's probability comes from the
    model fitted on the other folds (a fresh copy with ``model``'s settings).
    """
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits={n_splits!r}: must be an integer of at least 2")
    matrix, names, _ = _feature_matrix(X)
    labels = _labels("y", y)
    n = matrix.shape[0]
    if len(labels) != n:
        raise ValueError(f"y has length {len(labels)} but X has {n} rows")
    weights = _optional_weights(sample_weight, n)
    rng = np.random.default_rng(seed)
    fold = np.empty(n, dtype=np.int64)
    for cls in (0.0, 1.0):
        rows = np.flatnonzero(labels == cls)
        if len(rows) < n_splits:
            raise ValueError(f"class {int(cls)} has {len(rows)} rows, fewer than n_splits={n_splits}")
        rows = rows[rng.permutation(len(rows))]
        fold[rows] = np.arange(len(rows)) % n_splits
    out = np.empty(n)
    frame = pd.DataFrame(matrix, columns=names)
    for k in range(n_splits):
        train, test = fold != k, fold == k
        m = ChurnModel(model.C, standardize=model.standardize, class_weight=model.class_weight,
                       impute_missing=model.impute_missing, max_iter=model.max_iter, tol=model.tol)
        m.fit(frame[train], labels[train], None if weights is None else weights[train])
        out[test] = m.predict_proba(frame[test])
    return out
