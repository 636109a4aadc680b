"""Buy-till-you-die loyalty models with lifetimes' names, keywords and definitions.

Switching from lifetimes is a change of import::

    from custinsight import BetaGeoModel as BetaGeoFitter

Each class wraps the C++ model of the same name in ``custinsight._core``; fitting and every
prediction release the GIL and run on all cores.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from . import _core
from ._errors import NotFittedError
from ._validate import as_float_array

__all__ = [
    "BetaGeoBetaBinomModel",
    "BetaGeoModel",
    "GammaGammaModel",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "calibration_holdout_table",
]


def _as_array(name: str, value: Any) -> np.ndarray:
    # Contiguous float64 vectors go to the core as they are: it checks finiteness in its one
    # validation pass, with the same messages, so scanning them here would only add a pass.
    if (type(value) is np.ndarray and value.dtype == np.float64 and value.ndim == 1
            and value.flags.c_contiguous):
        return value
    return as_float_array(name, value)


def _arrays(**named: Any) -> tuple[list[np.ndarray], pd.Index | None, bool]:
    """Float arrays of the named arguments, the index of the first pandas argument, and whether
    every argument was a scalar (then callers return a float)."""
    index = None
    scalar = True
    out = []
    for name, value in named.items():
        if isinstance(value, (pd.Series, pd.Index)) and index is None:
            index = value.index if isinstance(value, pd.Series) else None
        is_scalar = np.ndim(value) == 0
        scalar &= is_scalar
        out.append(_as_array(name, np.atleast_1d(value) if is_scalar else value))
    n = max(len(a) for a in out)
    # Scalars broadcast against customer arrays, as with numpy.
    out = [np.full(n, a[0]) if len(a) == 1 and n > 1 else a for a in out]
    return out, index, scalar


def _result(values: np.ndarray, index: pd.Index | None, scalar: bool, name: str | None = None
            ) -> Any:
    if scalar:
        return float(values[0])
    if index is not None and len(index) == len(values):
        return pd.Series(values, index=index, name=name)
    return values


# The attributes of a fit result that are per parameter; fit_info_ holds the others.
_PER_PARAMETER = ("params", "standard_errors", "covariance")


class _Model:
    """Fit state, parameters, summary and JSON files shared by every model.

    ``_model`` is the C++ model (``_core.loyalty.<Name>``) and ``_info`` the
    ``_core.loyalty.FitResult`` of its fit, None before fit; ``custinsight._pickling`` reads
    and restores the two as this class' pickling protocol (``__reduce__``).
    """

    _core_class: ClassVar[type]

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        if isinstance(penalizer_coef, bool) or not isinstance(penalizer_coef, (int, float)):
            raise TypeError(f"penalizer_coef={penalizer_coef!r} must be a number")
        if not np.isfinite(penalizer_coef) or penalizer_coef < 0:
            raise ValueError(f"penalizer_coef={penalizer_coef!r}: must be finite and >= 0")
        self.penalizer_coef = float(penalizer_coef)
        self._model = self._core_class()
        self._info: Any = None

    # -- state -------------------------------------------------------------------------
    @property
    def param_names(self) -> list[str]:
        return list(self._core_class.param_names)

    def _require_fitted(self) -> Any:
        """The fit result; NotFittedError before fit() or load()."""
        if self._info is None:
            raise NotFittedError.of(self)
        return self._info

    def _adopt(self) -> None:
        self._info = self._model.result()

    def _fit_options(self, initial_params: Any, tol: float | None, max_iterations: int
                     ) -> dict[str, Any]:
        init = None
        if initial_params is not None:
            if isinstance(initial_params, dict):
                initial_params = [initial_params[k] for k in self.param_names]
            init = as_float_array("initial_params", np.asarray(initial_params, dtype=float))
        return {"penalizer_coef": self.penalizer_coef, "initial_params": init,
                "max_iterations": int(max_iterations),
                "gradient_tolerance": 1e-7 if tol is None else float(tol)}

    @property
    def params_(self) -> pd.Series:
        """Fitted parameters, named as in lifetimes."""
        return pd.Series(self._require_fitted().params, index=self.param_names, dtype=float)

    @property
    def standard_errors_(self) -> pd.Series:
        return pd.Series(self._require_fitted().standard_errors, index=self.param_names)

    @property
    def variance_matrix_(self) -> pd.DataFrame:
        cov = self._require_fitted().covariance
        return pd.DataFrame(cov, index=self.param_names, columns=self.param_names)

    @property
    def confidence_intervals_(self) -> pd.DataFrame:
        p, se = self.params_, self.standard_errors_
        return pd.DataFrame({"lower 95% bound": p - 1.96 * se, "upper 95% bound": p + 1.96 * se})

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates, standard errors and 95% intervals, one row per parameter."""
        df = pd.DataFrame({"coef": self.params_, "se(coef)": self.standard_errors_})
        return df.join(self.confidence_intervals_)

    @property
    def log_likelihood_(self) -> float:
        """Total log-likelihood over customers, unpenalised, in the data's own time unit."""
        return float(self._require_fitted().log_likelihood)

    @property
    def AIC_(self) -> float:
        return float(self._require_fitted().aic)

    @property
    def BIC_(self) -> float:
        return float(self._require_fitted().bic)

    @property
    def fit_info_(self) -> dict[str, Any]:
        """Convergence and data summary of the fit (iterations, gradient norm, patterns, ...)."""
        info = self._require_fitted()
        # Every read-only attribute of the bound FitResult, in the order the binding defines
        # them: a field added in C++ appears here without a second list to update.
        return {name: getattr(info, name) for name, attr in vars(type(info)).items()
                if isinstance(attr, property) and name not in _PER_PARAMETER}

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # The core model crosses processes as its JSON text (see _pickling).
        from ._pickling import reduce_model

        return reduce_model(self)

    def __repr__(self) -> str:
        if self._info is None:
            return f"<custinsight.{type(self).__name__}>"
        params = ", ".join(f"{k}: {v:.2f}" for k, v in self.params_.items())
        return (f"<custinsight.{type(self).__name__}: fitted with "
                f"{self._info.n_customers:.0f} subjects, {params}>")

    # -- files -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the fitted model as JSON (parameters, standard errors, fit statistics, data
        summary, library version)."""
        self._require_fitted()
        text = json.loads(self._model.to_json())
        text["penalizer_coef_setting"] = self.penalizer_coef
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(text, fh, indent=2)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Any:
        """Read a model written by :meth:`save`; a file of another model type or a newer
        format version is a ValueError."""
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        return cls.from_json(text)

    @classmethod
    def from_json(cls, text: str) -> Any:
        """A model from the JSON text :meth:`save` writes (or the C++ core's model_to_json);
        a text of another model type or a newer format version is a ValueError."""
        model = cls()
        model._model = cls._core_class.from_json(text)
        model._adopt()
        model.penalizer_coef = float(json.loads(text).get("penalizer_coef_setting", 0.0))
        return model

    save_model = save

    def load_model(self, path: str | os.PathLike[str]) -> None:
        """lifetimes-style loading into this instance."""
        other = type(self).load(path)
        self.__dict__.update(other.__dict__)

    def set_params(self, **params: float) -> Any:
        """Use given parameters without fitting (no standard errors)."""
        missing = set(self.param_names) - set(params)
        if missing:
            raise TypeError(f"set_params() is missing {sorted(missing)}")
        self._model.set_params(np.array([float(params[k]) for k in self.param_names]))
        self._adopt()
        return self


class _TransactionModel(_Model):
    """Continuous-time models on (frequency, recency, T)."""

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None,
            initial_params: Any = None, verbose: bool = False, tol: float | None = None,
            index: Any = None, max_iterations: int = 2000, **kwargs: Any) -> Any:
        """Fit by maximum likelihood (L-BFGS then Newton steps, on compressed patterns).

        Parameters
        ----------
        frequency, recency, T : array_like
            repeat purchases x (whole numbers), time of the last purchase t_x and age T, all
            measured from each customer's first purchase in the same time unit
        weights : array_like, optional
            customers per row (rows are patterns)
        initial_params : array_like or dict, optional
            starting parameters; default a moment-based start
        tol : float, optional
            largest allowed gradient component of the mean objective (default 1e-7)

        Raises
        ------
        ValueError
            bad input (naming the first bad row), or a fit that does not converge or cannot
            identify the model
        """
        if kwargs:
            raise TypeError(f"fit() got unexpected keyword arguments {sorted(kwargs)}")
        (f, r, t), _, _ = _arrays(frequency=frequency, recency=recency, T=T)
        w = None if weights is None else as_float_array("weights", weights)
        self._model.fit(f, r, t, w, **self._fit_options(initial_params, tol, max_iterations))
        self._adopt()
        data = {"frequency": f, "recency": r, "T": t}
        if w is not None:
            data["weights"] = w
        self.data = pd.DataFrame(data, index=index)
        if verbose:
            print(self, self.fit_info_["message"])
        return self

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """P(alive at T | frequency, recency, T) per customer."""
        self._require_fitted()
        (f, r, t), index, scalar = _arrays(frequency=frequency, recency=recency, T=T)
        return _result(self._model.conditional_probability_alive(f, r, t), index, scalar)

    def conditional_expected_number_of_purchases_up_to_time(self, t: Any, frequency: Any,
                                                            recency: Any, T: Any) -> Any:
        """Expected repeat purchases in (T, T + t] given each customer's history."""
        self._require_fitted()
        (f, r, tt), index, scalar = _arrays(frequency=frequency, recency=recency, T=T)
        h = as_float_array("t", np.atleast_1d(t))
        if np.ndim(t) > 0 and scalar:
            # one customer, several horizons
            out = self._model.conditional_expected_at_horizons(h, f, r, tt)[0]
            return out
        return _result(self._model.conditional_expected_number_of_purchases_up_to_time(
            h, f, r, tt), index, scalar)

    predict = conditional_expected_number_of_purchases_up_to_time

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Any:
        """Expected repeat purchases in (0, t] of a newly acquired customer."""
        self._require_fitted()
        (h,), index, scalar = _arrays(t=t)
        return _result(self._model.expected_number_of_purchases_up_to_time(h), index, scalar)

    def churn_risk(self, frequency: Any, recency: Any, T: Any, horizon: Any) -> Any:
        """P(no purchase in (T, T + horizon] | history): alive but silent, or gone.

        Closed form: the likelihood of the history extended to T + horizon divided by that of
        the history. As horizon grows it tends to 1 - P(alive) for BG/NBD and MBG/NBD; for
        Pareto/NBD to more than that, since an alive customer may die before buying again.
        """
        self._require_fitted()
        (f, r, t, h), index, scalar = _arrays(frequency=frequency, recency=recency, T=T,
                                               horizon=horizon)
        return _result(self._model.churn_risk(f, r, t, h), index, scalar)

    def conditional_probability_alive_matrix(self, max_frequency: int | None = None,
                                             max_recency: int | None = None) -> np.ndarray:
        """P(alive) over a grid: rows recency 0..max_recency, columns frequency
        0..max_frequency, at T = max_recency (lifetimes' layout)."""
        self._require_fitted()
        data = getattr(self, "data", None)
        if max_frequency is None:
            max_frequency = int(data["frequency"].max()) if data is not None else 30
        if max_recency is None:
            max_recency = int(data["T"].max()) if data is not None else 52
        return self._model.conditional_probability_alive_matrix(int(max_frequency),
                                                                int(max_recency))

    def customer_lifetime_value(self, frequency: Any, recency: Any, T: Any, expected_spend: Any,
                                time: int = 12, discount_rate: float = 0.01,
                                freq: str | float = "D") -> Any:
        """Discounted CLV over ``time`` months from this model's purchase predictions.

        Each month's expected purchases times ``expected_spend`` (each customer's expected
        spend per purchase, e.g. from :meth:`GammaGammaModel.conditional_expected_average_profit`),
        discounted by ``(1 + discount_rate) ** month``, as lifetimes defines CLV.

        Parameters
        ----------
        frequency, recency, T : array_like
            each customer's history, in the model's time unit
        expected_spend : array_like
            expected spend per purchase, per customer (or one value for all)
        time : int
            months to sum over
        discount_rate : float
            monthly discount rate
        freq : str or float
            the time unit of recency and T: 'W' (4.345 per month), 'M', 'D' (30) or 'H' (720),
            or the number of those units in a month
        """
        self._require_fitted()
        if isinstance(time, bool) or not isinstance(time, (int, np.integer)):
            raise TypeError(f"time={time!r} must be a whole number of months")
        if isinstance(freq, str):
            per_month = _core.loyalty.periods_per_month(freq)
        elif isinstance(freq, (int, float, np.integer, np.floating)) and not isinstance(freq, bool):
            per_month = float(freq)
        else:
            raise TypeError(f"freq={freq!r} must be 'W', 'M', 'D', 'H' or a number of time "
                            "units per month")
        (f, r, t, spend), index, scalar = _arrays(frequency=frequency, recency=recency, T=T,
                                                   expected_spend=expected_spend)
        clv = self._model.customer_lifetime_value(f, r, t, spend, int(time), float(discount_rate),
                                                  per_month)
        return _result(clv, index, scalar, name="clv")


class BetaGeoModel(_TransactionModel):
    """BG/NBD (Fader, Hardie & Lee 2005): Poisson purchases at a Gamma(r, alpha) rate, and a
    Beta(a, b) chance of dropping out after each repeat purchase. lifetimes' BetaGeoFitter."""

    _core_class = _core.loyalty.BetaGeoModel

    def probability_of_n_purchases_up_to_time(self, t: float, n: int) -> float:
        """P(N(t) = n) for a newly acquired customer (FHL 2005, eq. 8)."""
        self._require_fitted()
        return float(self._model.probability_of_n_purchases_up_to_time(float(t), float(n)))


class ModifiedBetaGeoModel(BetaGeoModel):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where customers may also drop out
    right after their first purchase. lifetimes' ModifiedBetaGeoFitter."""

    _core_class = _core.loyalty.ModifiedBetaGeoModel


class ParetoNBDModel(_TransactionModel):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): Poisson purchases at a Gamma(r, alpha)
    rate and exponential lifetimes at a Gamma(s, beta) rate. lifetimes' ParetoNBDFitter."""

    _core_class = _core.loyalty.ParetoNBDModel



class _n_periods_errors:  # noqa: N801 - used as a context manager, reads like a function
    """The core names BG/BB's opportunities ``T``; the Python API calls them ``n_periods``, so
    errors are re-worded to name the argument the caller passed."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, err: BaseException | None, tb: Any) -> bool:
        if isinstance(err, (ValueError, TypeError)) and err.args and isinstance(err.args[0], str):
            err.args = (re.sub(r"\bT(?=[\[ ])", "n_periods", err.args[0]),) + err.args[1:]
        return False

class BetaGeoBetaBinomModel(_Model):
    """BG/BB (Fader, Hardie & Shang 2010) for discrete opportunities: buy with p ~ Beta(alpha,
    beta), drop out with theta ~ Beta(gamma, delta). lifetimes' BetaGeoBetaBinomFitter."""

    _core_class = _core.loyalty.BetaGeoBetaBinomModel

    def fit(self, frequency: Any, recency: Any, n_periods: Any, weights: Any = None,
            initial_params: Any = None, verbose: bool = False, tol: float | None = None,
            index: Any = None, max_iterations: int = 2000) -> BetaGeoBetaBinomModel:
        """Fit on discrete histories: transactions x, period of the last one t_x, and
        opportunities n (whole numbers), usually as patterns with ``weights``."""
        (f, r, n), _, _ = _arrays(frequency=frequency, recency=recency, n_periods=n_periods)
        w = None if weights is None else as_float_array("weights", weights)
        with _n_periods_errors():
            self._model.fit(f, r, n, w, **self._fit_options(initial_params, tol, max_iterations))
        self._adopt()
        data = {"frequency": f, "recency": r, "n_periods": n}
        if w is not None:
            data["weights"] = w
        self.data = pd.DataFrame(data, index=index)
        return self

    def conditional_probability_alive(self, m_periods_in_future: float, frequency: Any,
                                      recency: Any, n_periods: Any) -> Any:
        """P(alive at opportunity n + m_periods_in_future | history)."""
        self._require_fitted()
        (f, r, n), index, scalar = _arrays(frequency=frequency, recency=recency,
                                           n_periods=n_periods)
        with _n_periods_errors():
            return _result(self._model.conditional_probability_alive(
                float(m_periods_in_future), f, r, n), index, scalar)

    def conditional_expected_number_of_purchases_up_to_time(
            self, m_periods_in_future: float, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """Expected transactions in the next m_periods_in_future opportunities."""
        self._require_fitted()
        (f, r, n), index, scalar = _arrays(frequency=frequency, recency=recency,
                                           n_periods=n_periods)
        with _n_periods_errors():
            return _result(self._model.conditional_expected_number_of_purchases_up_to_time(
                float(m_periods_in_future), f, r, n), index, scalar)


class GammaGammaModel(_Model):
    """Gamma-Gamma spend model (Fader & Hardie; Colombo & Jiang 1999), parameters p, q, v.
    lifetimes' GammaGammaFitter."""

    _core_class = _core.loyalty.GammaGammaModel

    def fit(self, frequency: Any, monetary_value: Any, weights: Any = None,
            initial_params: Any = None, verbose: bool = False, tol: float | None = None,
            index: Any = None, max_iterations: int = 2000) -> GammaGammaModel:
        """Fit on repeat buyers: frequency > 0 and the mean value of their repeat purchases
        monetary_value > 0 (filter the others out first, as with lifetimes)."""
        (f, m), _, _ = _arrays(frequency=frequency, monetary_value=monetary_value)
        w = None if weights is None else as_float_array("weights", weights)
        self._model.fit(f, m, w, **self._fit_options(initial_params, tol, max_iterations))
        self._adopt()
        self.data = pd.DataFrame({"monetary_value": m, "frequency": f}, index=index)
        return self

    def conditional_expected_average_profit(self, frequency: Any = None,
                                            monetary_value: Any = None) -> Any:
        """E[spend per transaction | x, m], shrinking each customer's mean towards the
        population mean p v / (q - 1)."""
        self._require_fitted()
        if frequency is None:
            frequency = self.data["frequency"]
        if monetary_value is None:
            monetary_value = self.data["monetary_value"]
        (f, m), index, scalar = _arrays(frequency=frequency, monetary_value=monetary_value)
        return _result(self._model.conditional_expected_average_profit(f, m), index, scalar)

    def customer_lifetime_value(self, transaction_prediction_model: Any, frequency: Any,
                                recency: Any, T: Any, monetary_value: Any, time: int = 12,
                                discount_rate: float = 0.01, freq: str = "D") -> Any:
        """Discounted CLV over ``time`` months, as lifetimes defines it.

        Each month's expected purchases (from ``transaction_prediction_model``) times the
        expected spend per purchase, discounted by ``(1 + discount_rate) ** month``;
        ``freq`` is the time unit of recency and T ('W' 4.345, 'M' 1, 'D' 30 or 'H' 720 units
        per month).
        """
        self._require_fitted()
        if not isinstance(transaction_prediction_model, _TransactionModel):
            raise TypeError("transaction_prediction_model must be a fitted BetaGeoModel, "
                            "ModifiedBetaGeoModel or ParetoNBDModel")
        (f, r, t, m), index, scalar = _arrays(frequency=frequency, recency=recency, T=T,
                                               monetary_value=monetary_value)
        spend = self._model.conditional_expected_average_profit(f, m)
        clv = transaction_prediction_model.customer_lifetime_value(
            f, r, t, spend, time=time, discount_rate=discount_rate, freq=freq)
        return _result(clv, index, scalar, name="clv")


def calibration_holdout_table(model: _TransactionModel, calibration_holdout: pd.DataFrame,
                              n: int = 7, kind: str = "frequency_cal") -> pd.DataFrame:
    """Mean actual versus predicted holdout purchases, grouped by calibration frequency.

    ``calibration_holdout`` is the output of :func:`custinsight.calibration_and_holdout`
    (columns frequency_cal, recency_cal, T_cal, frequency_holdout, duration_holdout). Returns
    the first ``n`` groups with columns ``frequency_holdout`` (actual), ``model_predictions``
    and ``customers``, as lifetimes' calibration plot shows them.
    """
    needed = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    missing = [c for c in needed if c not in calibration_holdout.columns]
    if missing:
        raise ValueError(f"calibration_holdout lacks columns {missing}")
    df = calibration_holdout
    duration = float(df["duration_holdout"].iloc[0])
    predicted = model.conditional_expected_number_of_purchases_up_to_time(
        duration, df["frequency_cal"].to_numpy(float), df["recency_cal"].to_numpy(float),
        df["T_cal"].to_numpy(float))
    table = pd.DataFrame({kind: df[kind].to_numpy(), "frequency_holdout":
                          df["frequency_holdout"].to_numpy(float), "model_predictions": predicted})
    grouped = table.groupby(kind)
    out = grouped[["frequency_holdout", "model_predictions"]].mean()
    out["customers"] = grouped.size()
    return out.iloc[:n]
