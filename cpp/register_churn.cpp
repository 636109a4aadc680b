// Bindings for include/custinsight/churn/: the logistic and Cox churn models, their drivers,
// JSON persistence and the evaluation metrics.

#include "bindings.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "custinsight/churn/cox.hpp"
#include "custinsight/churn/logistic.hpp"
#include "custinsight/churn/metrics.hpp"
#include "custinsight/churn/model_io.hpp"

namespace custinsight::bindings {
namespace {

using Doubles = Array<double>;
using OptionalDoubles = OptionalArray<double>;

LogisticModel fit_logistic_py(const Doubles& X, const Doubles& y, const OptionalDoubles& w,
                              std::vector<std::string> names, double C, bool standardize,
                              double cw0, double cw1, bool impute_missing, int max_iter,
                              double tol, std::int64_t subsample_threshold) {
  const auto Xm = matrix_of(X);
  const auto ys = span_of(y), ws = span_of(w);
  LogisticOptions o;
  o.C = C;
  o.standardize = standardize;
  o.class_weight_negative = cw0;
  o.class_weight_positive = cw1;
  o.impute_missing = impute_missing;
  o.max_iter = max_iter;
  o.tol = tol;
  o.subsample_threshold = subsample_threshold;
  return released([&] { return fit_logistic(Xm, ys, ws, std::move(names), o); });
}

CoxModel fit_cox_py(const Doubles& X, const Doubles& duration, const Doubles& event,
                    const OptionalDoubles& w, std::vector<std::string> names, double penalizer,
                    const std::string& ties, bool standardize, bool impute_missing, int max_iter,
                    double tol) {
  const auto Xm = matrix_of(X);
  const auto t = span_of(duration), e = span_of(event), ws = span_of(w);
  CoxOptions o;
  o.penalizer = penalizer;
  if (ties == "breslow") o.ties = CoxTies::kBreslow;
  else if (ties == "efron") o.ties = CoxTies::kEfron;
  else throw py::value_error("ties='" + ties + "': must be 'breslow' or 'efron'");
  o.standardize = standardize;
  o.impute_missing = impute_missing;
  o.max_iter = max_iter;
  o.tol = tol;
  return released([&] { return fit_cox(Xm, t, e, ws, std::move(names), o); });
}

/// Scores straight into numpy-owned buffers: no copy of the (possibly 10^7-row) results.
py::tuple drivers_py(const FeatureScaling& scaling, const Eigen::VectorXd& coef_z, double offset,
                     const Doubles& X, int top_k) {
  const auto Xm = matrix_of(X);
  if (top_k < 0) throw py::value_error("top_k must be non-negative");
  const auto n = static_cast<py::ssize_t>(Xm.rows());
  py::array_t<double> linear_predictor(n);
  py::array_t<std::int32_t> driver({n, static_cast<py::ssize_t>(top_k)});
  py::array_t<double> contribution({n, static_cast<py::ssize_t>(top_k)});
  double* lp = linear_predictor.mutable_data();
  std::int32_t* dr = driver.mutable_data();
  double* co = contribution.mutable_data();
  released([&] { return detail::score_rows_into(Xm, scaling, coef_z, offset, top_k, lp, dr, co); });
  return py::make_tuple(linear_predictor, driver, contribution);
}

/// A metric of (y, score[, weight]): `f(y, score, weight)` with the GIL released.
template <class F>
double metric_py(const Doubles& y, const Doubles& s, const OptionalDoubles& w, F&& f) {
  const auto ys = span_of(y), ss = span_of(s), ws = span_of(w);
  return released([&] { return f(ys, ss, ws); });
}

/// The training data's feature scaling, shared by both models (read-only).
void bind_feature_scaling(py::module_& m) {
  py::class_<FeatureScaling> c(m, "FeatureScaling",
                               "How a churn model standardised its features (read-only).");
  readonly(c, "feature_names", &FeatureScaling::names);
  readonly(c, "mean", &FeatureScaling::mean, "Weighted training mean of each feature.");
  readonly(c, "scale", &FeatureScaling::scale, "What each feature was divided by.");
  c.def_property_readonly(
      "constant",
      [](const FeatureScaling& s) { return std::vector<bool>(s.constant.begin(), s.constant.end()); },
      "Per feature, whether it was constant in the training data (coefficient held at 0).");
  readonly(c, "impute_missing", &FeatureScaling::impute_missing,
           "Missing features are replaced by the training mean instead of being an error.");
}

constexpr const char* kFitLogisticDoc = R"doc(
Fit an L2-regularised logistic regression by Newton's method (low level; see ChurnModel).

Minimises sum_i s_i log-loss_i + ||w||^2 / (2 C) on z = (x - mean) / scale, the intercept
unpenalised: scikit-learn's LogisticRegression(C=C) on standardised features. C = inf: no
penalty. Raises ValueError for bad input, a single class, or (without penalty) collinear
features or separated classes.
)doc";

constexpr const char* kFitCoxDoc = R"doc(
Fit a Cox proportional hazards model by Newton's method (low level; see CoxPHModel).

ties: 'breslow' or 'efron'. penalizer: lifelines' L2 convention, n * penalizer / 2 * ||w||^2
on the standardised coefficients.
)doc";

}  // namespace

void register_churn(py::module_& m) {
  bind_feature_scaling(m);

  py::class_<LogisticModel> logistic(m, "LogisticModel", "A fitted churn logistic regression.");
  readonly(logistic, "scaling", &LogisticModel::scaling);
  readonly(logistic, "coef_z", &LogisticModel::coef_z);
  readonly(logistic, "intercept_z", &LogisticModel::intercept_z);
  logistic.def_property_readonly("coef", &LogisticModel::coef)
      .def_property_readonly("intercept", &LogisticModel::intercept);
  readonly(logistic, "covariance_z", &LogisticModel::covariance_z);
  logistic.def_property_readonly("covariance", &LogisticModel::covariance);
  readonly(logistic, "n_iter", &LogisticModel::n_iter);
  readonly(logistic, "objective", &LogisticModel::objective);
  logistic.def_property_readonly("C", [](const LogisticModel& s) { return s.options.C; })
      .def_property_readonly("standardize",
                             [](const LogisticModel& s) { return s.options.standardize; })
      .def("to_json", [](const LogisticModel& s) { return to_json(s); })
      .def_static(
          "from_json",
          [](const std::string& text) { return value_or_throw(logistic_model_from_json(text)); },
          "text"_a);

  py::class_<CoxModel> cox(m, "CoxModel", "A fitted Cox proportional hazards model.");
  readonly(cox, "scaling", &CoxModel::scaling);
  readonly(cox, "coef_z", &CoxModel::coef_z);
  cox.def_property_readonly("coef", &CoxModel::coef);
  readonly(cox, "covariance_z", &CoxModel::covariance_z);
  cox.def_property_readonly("covariance", &CoxModel::covariance);
  readonly(cox, "log_likelihood", &CoxModel::log_likelihood);
  readonly(cox, "n_iter", &CoxModel::n_iter);
  readonly(cox, "n_events", &CoxModel::n_events);
  cox.def_property_readonly("penalizer", [](const CoxModel& s) { return s.options.penalizer; })
      .def_property_readonly("ties",
                             [](const CoxModel& s) {
                               return std::string(s.options.ties == CoxTies::kEfron ? "efron"
                                                                                    : "breslow");
                             })
      .def("to_json", [](const CoxModel& s) { return to_json(s); })
      .def_static(
          "from_json",
          [](const std::string& text) { return value_or_throw(cox_model_from_json(text)); },
          "text"_a);

  m.def("fit_logistic", &fit_logistic_py, "X"_a, "y"_a, "sample_weight"_a = py::none(),
        "feature_names"_a = std::vector<std::string>{}, "C"_a = 1.0, "standardize"_a = true,
        "class_weight_negative"_a = 1.0, "class_weight_positive"_a = 1.0,
        "impute_missing"_a = false, "max_iter"_a = 100, "tol"_a = 1e-10,
        "subsample_threshold"_a = 200'000, kFitLogisticDoc);
  m.def(
      "logistic_drivers",
      [](const LogisticModel& model, const Doubles& X, int top_k) {
        return drivers_py(model.scaling, model.coef_z, model.intercept_z, X, top_k);
      },
      "model"_a, "X"_a, "top_k"_a = 3,
      "(log_odds, driver_index[n, top_k], contribution[n, top_k]); contributions are relative to "
      "the average training customer and the index is -1 where fewer than top_k features exist.");
  m.def("fit_cox", &fit_cox_py, "X"_a, "duration"_a, "event"_a, "sample_weight"_a = py::none(),
        "feature_names"_a = std::vector<std::string>{}, "penalizer"_a = 0.0,
        "ties"_a = "breslow", "standardize"_a = true, "impute_missing"_a = false,
        "max_iter"_a = 100, "tol"_a = 1e-10, kFitCoxDoc);
  m.def(
      "cox_drivers",
      [](const CoxModel& model, const Doubles& X, int top_k) {
        return drivers_py(model.scaling, model.coef_z, 0.0, X, top_k);
      },
      "model"_a, "X"_a, "top_k"_a = 3,
      "(log_relative_risk, driver_index[n, top_k], contribution[n, top_k]) against the average "
      "training customer.");

  m.def(
      "roc_auc",
      [](const Doubles& y, const Doubles& s, const OptionalDoubles& w) {
        return metric_py(y, s, w, [](auto a, auto b, auto c) { return roc_auc(a, b, c); });
      },
      "y_true"_a, "y_score"_a, "sample_weight"_a = py::none(),
      "ROC AUC; ties count one half (average ranks).");
  m.def(
      "brier_score",
      [](const Doubles& y, const Doubles& s, const OptionalDoubles& w) {
        return metric_py(y, s, w, [](auto a, auto b, auto c) { return brier_score(a, b, c); });
      },
      "y_true"_a, "y_prob"_a, "sample_weight"_a = py::none(), "Weighted mean squared error.");
  m.def(
      "log_loss",
      [](const Doubles& y, const Doubles& s, const OptionalDoubles& w, double eps) {
        return metric_py(y, s, w, [eps](auto a, auto b, auto c) { return log_loss(a, b, c, eps); });
      },
      "y_true"_a, "y_prob"_a, "sample_weight"_a = py::none(), "eps"_a = 1e-15,
      "Weighted mean negative log-likelihood, probabilities clipped to [eps, 1 - eps].");
  m.def(
      "lift_at",
      [](const Doubles& y, const Doubles& s, double fraction, const OptionalDoubles& w) {
        return metric_py(y, s, w,
                         [fraction](auto a, auto b, auto c) { return lift_at(a, b, fraction, c); });
      },
      "y_true"_a, "y_score"_a, "fraction"_a = 0.1, "sample_weight"_a = py::none(),
      "Churn rate in the top `fraction` by score over the overall rate.");
  m.def(
      "calibration_table",
      [](const Doubles& y, const Doubles& s, const OptionalDoubles& w, int n_bins) {
        const auto ys = span_of(y), ss = span_of(s), ws = span_of(w);
        CalibrationTable t = released([&] { return calibration_table(ys, ss, ws, n_bins); });
        py::dict d;
        d["bin"] = to_numpy(t.bin);
        d["count"] = to_numpy(t.count);
        d["weight"] = t.weight;
        d["mean_predicted"] = t.mean_predicted;
        d["observed_rate"] = t.observed_rate;
        d["min_predicted"] = t.min_predicted;
        d["max_predicted"] = t.max_predicted;
        return d;
      },
      "y_true"_a, "y_prob"_a, "sample_weight"_a = py::none(), "n_bins"_a = 10,
      "Calibration by equal-count bins of the sorted predictions.");
}

}  // namespace custinsight::bindings
