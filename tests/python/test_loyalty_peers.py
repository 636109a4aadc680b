"""The loyalty models against lifetimes 0.11.3 on all 2,357 CDNOW customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import custinsight as ci

lifetimes = pytest.importorskip("lifetimes")

pytestmark = [pytest.mark.peers, pytest.mark.shared_data]

RTOL = 1e-4


@pytest.fixture
def cdnow(shared_data):
    return pd.read_csv(shared_data / "cdnow_customers_summary.csv")


def _same_params(ours, theirs):
    theirs.params_ = ours.params_.copy()
    if hasattr(theirs, "conditional_expected_number_of_purchases_up_to_time"):
        theirs.predict = theirs.conditional_expected_number_of_purchases_up_to_time  # set by fit
    return theirs


@pytest.mark.parametrize("ours_cls, theirs_cls", [
    (ci.BetaGeoModel, "BetaGeoFitter"),
    (ci.ModifiedBetaGeoModel, "ModifiedBetaGeoFitter"),
])
def test_beta_geo_family_matches_lifetimes(cdnow, ours_cls, theirs_cls):
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = ours_cls().fit(f, r, T)
    theirs = getattr(lifetimes, theirs_cls)().fit(f, r, T)
    np.testing.assert_allclose(ours.params_[theirs.params_.index], theirs.params_, rtol=RTOL)
    # Predictions with each library's own fit: both must agree to 1e-4.
    np.testing.assert_allclose(ours.conditional_probability_alive(f, r, T),
                               theirs.conditional_probability_alive(f, r, T), rtol=RTOL)
    for t in (1.0, 10.0, 39.0, 52.0):
        np.testing.assert_allclose(
            ours.conditional_expected_number_of_purchases_up_to_time(t, f, r, T),
            theirs.conditional_expected_number_of_purchases_up_to_time(t, f, r, T), rtol=RTOL)
    ts = np.array([1.0, 5.0, 39.0, 78.0])
    np.testing.assert_allclose(ours.expected_number_of_purchases_up_to_time(ts),
                               theirs.expected_number_of_purchases_up_to_time(ts), rtol=RTOL)
    for n in range(0, 8):
        assert ours.probability_of_n_purchases_up_to_time(39, n) == pytest.approx(
            theirs.probability_of_n_purchases_up_to_time(39, n), rel=RTOL)
    np.testing.assert_allclose(ours.conditional_probability_alive_matrix(),
                               theirs.conditional_probability_alive_matrix(), rtol=RTOL)
    # Standard errors: lifetimes takes the Hessian by automatic differentiation.
    np.testing.assert_allclose(ours.standard_errors_[theirs.params_.index],
                               theirs.standard_errors_, rtol=1e-3)


def test_pareto_matches_lifetimes(cdnow):
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = ci.ParetoNBDModel().fit(f, r, T)
    np.random.seed(0)  # lifetimes starts Nelder-Mead from a random point
    theirs = lifetimes.ParetoNBDFitter().fit(f, r, T)
    # lifetimes stops Nelder-Mead at tol 1e-4 on a likelihood that is flat in beta, so only
    # its own precision can be asked for; our log-likelihood must be at least as high.
    np.testing.assert_allclose(ours.params_[["r", "alpha", "s"]],
                               theirs.params_[["r", "alpha", "s"]], rtol=2e-3)
    assert ours.params_["beta"] == pytest.approx(theirs.params_["beta"], rel=0.02)
    theirs_ll = lifetimes.ParetoNBDFitter._conditional_log_likelihood(
        theirs.params_.to_numpy(), f.to_numpy(), r.to_numpy(), T.to_numpy()).sum()
    assert ours.log_likelihood_ >= theirs_ll - 1e-6
    # With the same parameters, every prediction agrees.
    same = _same_params(ours, lifetimes.ParetoNBDFitter())
    np.testing.assert_allclose(ours.conditional_probability_alive(f, r, T),
                               same.conditional_probability_alive(f, r, T), rtol=RTOL)
    for t in (1.0, 39.0, 52.0):
        np.testing.assert_allclose(
            ours.conditional_expected_number_of_purchases_up_to_time(t, f, r, T),
            same.conditional_expected_number_of_purchases_up_to_time(t, f, r, T), rtol=RTOL)
    ts = np.array([1.0, 39.0, 78.0])
    np.testing.assert_allclose(ours.expected_number_of_purchases_up_to_time(ts),
                               same.expected_number_of_purchases_up_to_time(ts), rtol=RTOL)
    # lifetimes' per-customer likelihood against ours (the fit's total).
    ll = lifetimes.ParetoNBDFitter._conditional_log_likelihood(
        ours.params_.to_numpy(), f.to_numpy(), r.to_numpy(), T.to_numpy()).sum()
    assert ours.log_likelihood_ == pytest.approx(ll, rel=1e-10)


def test_gamma_gamma_and_clv_match_lifetimes(shared_data, cdnow):
    d = pd.read_csv(shared_data / "cdnow_customers_summary_with_transactions.csv")
    repeat = d[d["x"] > 0]
    ours = ci.GammaGammaModel().fit(repeat["x"], repeat["zbar"])
    theirs = lifetimes.GammaGammaFitter().fit(repeat["x"], repeat["zbar"])
    np.testing.assert_allclose(ours.params_, theirs.params_, rtol=RTOL)
    np.testing.assert_allclose(ours.conditional_expected_average_profit(d["x"], d["zbar"]),
                               theirs.conditional_expected_average_profit(d["x"], d["zbar"]),
                               rtol=RTOL)
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    for ours_cls, theirs_cls in [(ci.BetaGeoModel, lifetimes.BetaGeoFitter),
                                 (ci.ParetoNBDModel, lifetimes.ParetoNBDFitter)]:
        bg = ours_cls().fit(f, r, T)
        their_bg = _same_params(bg, theirs_cls())
        their_gg = _same_params(ours, lifetimes.GammaGammaFitter())
        for freq, time, rate in [("W", 12, 0.01), ("W", 3, 0.0), ("D", 24, 0.02)]:
            mine = ours.customer_lifetime_value(bg, f, r, T, d["zbar"], time=time,
                                                discount_rate=rate, freq=freq)
            with np.errstate(divide="ignore"):  # lifetimes' Pareto/NBD takes log(0) at t = 0
                ref = their_gg.customer_lifetime_value(their_bg, f, r, T, d["zbar"], time=time,
                                                       discount_rate=rate, freq=freq)
            np.testing.assert_allclose(mine, ref, rtol=RTOL, atol=1e-9)


def test_bg_bb_matches_lifetimes(shared_data):
    d = pd.read_csv(shared_data / "donations.csv")
    args = (d["frequency"], d["recency"], d["periods"])
    ours = ci.BetaGeoBetaBinomModel().fit(*args, d["weights"])
    theirs = lifetimes.BetaGeoBetaBinomFitter().fit(*args, d["weights"])
    np.testing.assert_allclose(ours.params_, theirs.params_, rtol=RTOL)
    for m in (0, 1, 5):
        np.testing.assert_allclose(ours.conditional_probability_alive(m, *args),
                                   theirs.conditional_probability_alive(m, *args), rtol=RTOL)
        np.testing.assert_allclose(
            ours.conditional_expected_number_of_purchases_up_to_time(m + 1, *args),
            theirs.conditional_expected_number_of_purchases_up_to_time(m + 1, *args), rtol=RTOL)
