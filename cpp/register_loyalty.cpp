// Bindings for the loyalty models: include/custinsight/{beta_geo, modified_beta_geo,
// pareto_nbd, beta_geo_beta_binom, gamma_gamma, clv, model_io}.hpp.

#include "bindings.hpp"

#include <optional>
#include <string>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/beta_geo_beta_binom.hpp"
#include "custinsight/loyalty/clv.hpp"
#include "custinsight/loyalty/gamma_gamma.hpp"
#include "custinsight/loyalty/model_io.hpp"
#include "custinsight/loyalty/modified_beta_geo.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"

namespace custinsight::bindings {
namespace {

using Doubles = Array<double>;
using OptionalDoubles = OptionalArray<double>;

FitOptions make_options(double penalizer_coef, const OptionalDoubles& initial_params,
                        int max_iterations, double gradient_tolerance) {
  FitOptions o;
  o.penalizer_coef = penalizer_coef;
  if (initial_params) o.initial_params = vector_of(*initial_params, "initial_params");
  o.max_iterations = max_iterations;
  o.gradient_tolerance = gradient_tolerance;
  return o;
}

/// What a fit found, as a read-only class: one attribute per FitResult member.
void bind_fit_result(py::module_& m) {
  py::class_<FitResult> c(m, "FitResult",
                          "What a loyalty model fit found: estimates and their uncertainty, the "
                          "fit's convergence and a summary of the data (read-only).");
  readonly(c, "params", &FitResult::params, "Estimates, in the model's parameter order.");
  readonly(c, "standard_errors", &FitResult::standard_errors,
           "From the inverse Hessian at the optimum.");
  readonly(c, "covariance", &FitResult::covariance);
  readonly(c, "log_likelihood", &FitResult::log_likelihood,
           "Total over customers, unpenalised, in the data's time unit.");
  readonly(c, "aic", &FitResult::aic);
  readonly(c, "bic", &FitResult::bic);
  readonly(c, "n_customers", &FitResult::n_customers, "The sum of the weights.");
  readonly(c, "n_rows", &FitResult::n_rows);
  readonly(c, "n_patterns", &FitResult::n_patterns);
  readonly(c, "penalizer_coef", &FitResult::penalizer_coef);
  readonly(c, "iterations", &FitResult::iterations);
  readonly(c, "evaluations", &FitResult::evaluations);
  readonly(c, "gradient_norm", &FitResult::gradient_norm,
           "Largest gradient component at the optimum (log-parameters).");
  readonly(c, "converged", &FitResult::converged);
  readonly(c, "message", &FitResult::message);
  readonly(c, "mean_frequency", &FitResult::mean_frequency);
  readonly(c, "mean_recency", &FitResult::mean_recency);
  readonly(c, "mean_T", &FitResult::mean_T);
  readonly(c, "max_T", &FitResult::max_T);
  readonly(c, "repeat_share", &FitResult::repeat_share);
}

/// What every model class shares: construction, state, parameters and JSON.
template <class M, class Lik>
py::class_<M> bind_model(py::module_& m, const char* name, const char* doc) {
  py::class_<M> c(m, name, doc);
  c.def(py::init<>());
  c.def_property_readonly("is_fitted", &M::is_fitted);
  c.def_property_readonly_static("param_names", [](const py::object&) {
    return std::vector<std::string>(Lik::kNames.begin(), Lik::kNames.end());
  });
  c.def("result", [](const M& self) { return value_or_throw(self.result()); },
        "Everything the fit found (a FitResult).");
  c.def(
      "set_params",
      [](M& self, const Doubles& params) {
        throw_if_error(self.set_params(vector_of(params, "params")));
      },
      "params"_a, "Use these parameters without fitting.");
  c.def(
      "to_json",
      [](const M& self) {
        return model_to_json(Lik::kModelName, Lik::kNames, value_or_throw(self.result()));
      },
      "The fitted model as JSON text (parameters, standard errors, fit and data summary).");
  c.def_static(
      "from_json",
      [](const std::string& text) {
        M model;
        throw_if_error(
            model.set_result(value_or_throw(model_from_json(text, Lik::kModelName, Lik::kNames))));
        return model;
      },
      "text"_a, "A model from JSON written by to_json; refuses other model types and newer formats.");
  return c;
}

/// Fit and predictions of the continuous-time transaction models.
template <class M>
void bind_transaction_model(py::class_<M>& c) {
  c.def(
      "fit",
      [](M& self, const Doubles& frequency, const Doubles& recency, const Doubles& T,
         const OptionalDoubles& weights, double penalizer_coef,
         const OptionalDoubles& initial_params, int max_iterations, double gradient_tolerance) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   t = span_of(T, "T"), w = span_of(weights, "weights");
        const FitOptions o =
            make_options(penalizer_coef, initial_params, max_iterations, gradient_tolerance);
        released([&] { return self.fit(f, r, t, w, o); });
      },
      "frequency"_a, "recency"_a, "T"_a, "weights"_a = py::none(), "penalizer_coef"_a = 0.0,
      "initial_params"_a = py::none(), "max_iterations"_a = 2000, "gradient_tolerance"_a = 1e-7,
      "Fit by maximum likelihood on (frequency, recency, T[, weights]).");
  c.def(
      "conditional_probability_alive",
      [](const M& self, const Doubles& frequency, const Doubles& recency, const Doubles& T) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   t = span_of(T, "T");
        return released([&] { return self.conditional_probability_alive(f, r, t); });
      },
      "frequency"_a, "recency"_a, "T"_a, "P(alive at T | history) per customer.");
  c.def(
      "conditional_expected_number_of_purchases_up_to_time",
      [](const M& self, const Doubles& t, const Doubles& frequency, const Doubles& recency,
         const Doubles& T) {
        const auto h = span_of(t, "t"), f = span_of(frequency, "frequency"),
                   r = span_of(recency, "recency"), tt = span_of(T, "T");
        return released(
            [&] { return self.conditional_expected_number_of_purchases_up_to_time(h, f, r, tt); });
      },
      "t"_a, "frequency"_a, "recency"_a, "T"_a,
      "Expected repeat purchases in (T, T + t] per customer; t has length 1 or n.");
  c.def(
      "conditional_expected_at_horizons",
      [](const M& self, const Doubles& horizons, const Doubles& frequency, const Doubles& recency,
         const Doubles& T) {
        const auto h = span_of(horizons, "horizons"), f = span_of(frequency, "frequency"),
                   r = span_of(recency, "recency"), tt = span_of(T, "T");
        return released([&] { return self.conditional_expected_at_horizons(h, f, r, tt); });
      },
      "horizons"_a, "frequency"_a, "recency"_a, "T"_a,
      "Cumulative expected purchases at several horizons: customers x horizons.");
  c.def(
      "expected_number_of_purchases_up_to_time",
      [](const M& self, const Doubles& t) {
        return value_or_throw(self.expected_number_of_purchases_up_to_time(span_of(t, "t")));
      },
      "t"_a, "Expected repeat purchases in (0, t] of a new customer.");
  c.def(
      "churn_risk",
      [](const M& self, const Doubles& frequency, const Doubles& recency, const Doubles& T,
         const Doubles& horizon) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   t = span_of(T, "T"), h = span_of(horizon, "horizon");
        return released([&] { return self.churn_risk(f, r, t, h); });
      },
      "frequency"_a, "recency"_a, "T"_a, "horizon"_a,
      "P(no purchase in (T, T + horizon] | history); horizon has length 1 or n.");
  c.def(
      "conditional_probability_alive_matrix",
      [](const M& self, int max_frequency, int max_recency) {
        return value_or_throw(self.conditional_probability_alive_matrix(max_frequency, max_recency));
      },
      "max_frequency"_a, "max_recency"_a,
      "P(alive) on a grid: rows recency 0..max_recency, columns frequency 0..max_frequency, "
      "at T = max_recency.");
  c.def(
      "customer_lifetime_value",
      [](const M& self, const Doubles& frequency, const Doubles& recency, const Doubles& T,
         const Doubles& monetary_value, int time, double discount_rate, double months_to_periods) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   t = span_of(T, "T"), mv = span_of(monetary_value, "monetary_value");
        return released([&] {
          return custinsight::customer_lifetime_value(self, f, r, t, mv, time, discount_rate,
                                                      months_to_periods);
        });
      },
      "frequency"_a, "recency"_a, "T"_a, "monetary_value"_a, "time"_a = 12,
      "discount_rate"_a = 0.01, "months_to_periods"_a = 30.0,
      "Discounted CLV over `time` months with this model's purchase predictions.");
}

template <class M>
void bind_probability_of_n(py::class_<M>& c) {
  c.def(
      "probability_of_n_purchases_up_to_time",
      [](const M& self, double t, double n) {
        return value_or_throw(self.probability_of_n_purchases_up_to_time(t, n));
      },
      "t"_a, "n"_a, "P(N(t) = n) for a new customer.");
}

}  // namespace

void register_loyalty(py::module_& m) {
  bind_fit_result(m);

  auto bg = bind_model<BetaGeoModel, detail::BetaGeoFamilyLikelihood<0>>(
      m, "BetaGeoModel", "BG/NBD (Fader, Hardie & Lee 2005); parameters r, alpha, a, b.");
  bind_transaction_model(bg);
  bind_probability_of_n(bg);

  auto mbg = bind_model<ModifiedBetaGeoModel, detail::BetaGeoFamilyLikelihood<1>>(
      m, "ModifiedBetaGeoModel", "MBG/NBD (Batislam et al. 2007); parameters r, alpha, a, b.");
  bind_transaction_model(mbg);
  bind_probability_of_n(mbg);

  auto pareto = bind_model<ParetoNBDModel, detail::ParetoNBDLikelihood>(
      m, "ParetoNBDModel", "Pareto/NBD (Schmittlein et al. 1987); parameters r, alpha, s, beta.");
  bind_transaction_model(pareto);

  auto bgbb = bind_model<BetaGeoBetaBinomModel, detail::BetaGeoBetaBinomLikelihood>(
      m, "BetaGeoBetaBinomModel",
      "BG/BB (Fader, Hardie & Shang 2010); parameters alpha, beta, gamma, delta.");
  bgbb.def(
      "fit",
      [](BetaGeoBetaBinomModel& self, const Doubles& frequency, const Doubles& recency,
         const Doubles& n_periods, const OptionalDoubles& weights, double penalizer_coef,
         const OptionalDoubles& initial_params, int max_iterations, double gradient_tolerance) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   n = span_of(n_periods, "n_periods"), w = span_of(weights, "weights");
        const FitOptions o =
            make_options(penalizer_coef, initial_params, max_iterations, gradient_tolerance);
        released([&] { return self.fit(f, r, n, w, o); });
      },
      "frequency"_a, "recency"_a, "n_periods"_a, "weights"_a = py::none(),
      "penalizer_coef"_a = 0.0, "initial_params"_a = py::none(), "max_iterations"_a = 2000,
      "gradient_tolerance"_a = 1e-7, "Fit on discrete histories (weighted patterns).");
  bgbb.def(
      "conditional_probability_alive",
      [](const BetaGeoBetaBinomModel& self, double m_periods, const Doubles& frequency,
         const Doubles& recency, const Doubles& n_periods) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   n = span_of(n_periods, "n_periods");
        return released([&] { return self.conditional_probability_alive(m_periods, f, r, n); });
      },
      "m_periods_in_future"_a, "frequency"_a, "recency"_a, "n_periods"_a);
  bgbb.def(
      "conditional_expected_number_of_purchases_up_to_time",
      [](const BetaGeoBetaBinomModel& self, double m_periods, const Doubles& frequency,
         const Doubles& recency, const Doubles& n_periods) {
        const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency"),
                   n = span_of(n_periods, "n_periods");
        return released([&] {
          return self.conditional_expected_number_of_purchases_up_to_time(m_periods, f, r, n);
        });
      },
      "m_periods_in_future"_a, "frequency"_a, "recency"_a, "n_periods"_a);

  auto gg = bind_model<GammaGammaModel, detail::GammaGammaLikelihood>(
      m, "GammaGammaModel", "Gamma-Gamma spend model (Fader & Hardie); parameters p, q, v.");
  gg.def(
      "fit",
      [](GammaGammaModel& self, const Doubles& frequency, const Doubles& monetary_value,
         const OptionalDoubles& weights, double penalizer_coef,
         const OptionalDoubles& initial_params, int max_iterations, double gradient_tolerance) {
        const auto f = span_of(frequency, "frequency"),
                   mv = span_of(monetary_value, "monetary_value"), w = span_of(weights, "weights");
        const FitOptions o =
            make_options(penalizer_coef, initial_params, max_iterations, gradient_tolerance);
        released([&] { return self.fit(f, mv, w, o); });
      },
      "frequency"_a, "monetary_value"_a, "weights"_a = py::none(), "penalizer_coef"_a = 0.0,
      "initial_params"_a = py::none(), "max_iterations"_a = 2000, "gradient_tolerance"_a = 1e-7,
      "Fit on repeat buyers (frequency > 0, monetary_value > 0).");
  gg.def(
      "conditional_expected_average_profit",
      [](const GammaGammaModel& self, const Doubles& frequency, const Doubles& monetary_value) {
        const auto f = span_of(frequency, "frequency"),
                   mv = span_of(monetary_value, "monetary_value");
        return released([&] { return self.conditional_expected_average_profit(f, mv); });
      },
      "frequency"_a, "monetary_value"_a, "E[mean spend per transaction | x, m].");

  m.def(
      "periods_per_month",
      [](const std::string& freq) { return value_or_throw(custinsight::periods_per_month(freq)); },
      "freq"_a, "Model time units per month in lifetimes' convention (W, M, D, H).");
  m.attr("MODEL_FORMAT_VERSION") = kModelFormatVersion;
}

}  // namespace custinsight::bindings
