"""Every estimator raises custinsight.NotFittedError before fit (or load), caught as a
ValueError and as an AttributeError alike, with a message naming the class and fit()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import custinsight as ci

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
F, R, T = [1.0, 2.0], [1.0, 3.0], [4.0, 5.0]

# (estimator, a call that needs the fit) for every class with a fit method.
USES: list[tuple[Any, Callable[[Any], Any]]] = [
    (ci.BetaGeoModel(), lambda m: m.conditional_probability_alive(F, R, T)),
    (ci.BetaGeoModel(), lambda m: m.params_),
    (ci.BetaGeoModel(), lambda m: m.customer_lifetime_value(F, R, T, [10.0, 20.0])),
    (ci.ModifiedBetaGeoModel(), lambda m: m.churn_risk(F, R, T, 4.0)),
    (ci.ParetoNBDModel(), lambda m: m.summary),
    (ci.ParetoNBDModel(), lambda m: m.save("never-written.json")),
    (ci.BetaGeoBetaBinomModel(), lambda m: m.conditional_probability_alive(1, F, R, T)),
    (ci.GammaGammaModel(), lambda m: m.conditional_expected_average_profit([1.0], [10.0])),
    (ci.GammaGammaModel(), lambda m: m.fit_info_),
    (ci.ChurnModel(), lambda m: m.predict_proba(X)),
    (ci.ChurnModel(), lambda m: m.coef_),
    (ci.ChurnModel(), lambda m: m.to_json()),
    (ci.CoxPHModel(), lambda m: m.predict_relative_risk(X)),
    (ci.CoxPHModel(), lambda m: m.log_likelihood_),
]
IDS = [f"{type(m).__name__}-{i}" for i, (m, _) in enumerate(USES)]


@pytest.mark.parametrize(("model", "use"), USES, ids=IDS)
@pytest.mark.parametrize("caught_as", [ci.NotFittedError, ValueError, AttributeError])
def test_every_estimator_raises_not_fitted_before_fit(model: Any, use: Callable[[Any], Any],
                                                      caught_as: type[Exception]) -> None:
    with pytest.raises(caught_as) as err:
        use(model)
    assert type(err.value) is ci.NotFittedError
    message = str(err.value)
    assert type(model).__name__ in message and "fit(" in message and "not fitted" in message


def test_fitted_attributes_are_absent_before_fit() -> None:
    assert not hasattr(ci.BetaGeoModel(), "params_")
    assert not hasattr(ci.ChurnModel(), "coef_")
    assert ci.NotFittedError.__mro__[1:3] == (ValueError, AttributeError)


def test_a_transaction_model_given_to_gamma_gamma_must_be_fitted() -> None:
    gg = ci.GammaGammaModel().set_params(p=6.25, q=3.74, v=15.44)
    with pytest.raises(ci.NotFittedError, match="BetaGeoModel"):
        gg.customer_lifetime_value(ci.BetaGeoModel(), F, R, T, [10.0, 20.0])
