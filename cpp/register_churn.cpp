// Bindings for include/custinsight/churn/: the logistic and Cox churn models, their drivers,
// JSON persistence and the evaluation metrics.

#include "pybind11.hpp"

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

using Matrix = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Vector = py::array_t<double, py::array::c_style | py::array::forcecast>;

Eigen::Map<const RowMatrixXd> as_matrix(const Matrix& X) {
  if (X.ndim() != 2) throw py::value_error("X must be a two-dimensional array (customers x features)");
  return {X.data(), static_cast<Eigen::Index>(X.shape(0)), static_cast<Eigen::Index>(X.shape(1))};
}

std::span<const double> vector_span(const Vector& v) {
  if (v.ndim() != 1) throw py::value_error("expected a one-dimensional array");
  return {v.data(), static_cast<std::size_t>(v.size())};
}

std::span<const double> optional_span(const std::optional<Vector>& v) {
  return v ? vector_span(*v) : std::span<const double>{};
}

LogisticModel fit_logistic_py(const Matrix& X, const Vector& y, const std::optional<Vector>& w,
                              std::vector<std::string> names, double C, bool standardize,
                              double cw0, double cw1, bool impute_missing, int max_iter,
                              double tol, std::int64_t subsample_threshold) {
  const auto Xm = as_matrix(X);
  const auto ys = vector_span(y);
  const auto ws = optional_span(w);
  LogisticOptions o;
  o.C = C;
  o.standardize = standardize;
  o.class_weight_negative = cw0;
  o.class_weight_positive = cw1;
  o.impute_missing = impute_missing;
  o.max_iter = max_iter;
  o.tol = tol;
  o.subsample_threshold = subsample_threshold;
  absl::StatusOr<LogisticModel> result;
  {
    py::gil_scoped_release release;
    result = fit_logistic(Xm, ys, ws, std::move(names), o);
  }
  return value_or_throw(std::move(result));
}

CoxModel fit_cox_py(const Matrix& X, const Vector& duration, const Vector& event,
                    const std::optional<Vector>& w, std::vector<std::string> names,
                    double penalizer, const std::string& ties, bool standardize,
                    bool impute_missing, int max_iter, double tol) {
  const auto Xm = as_matrix(X);
  const auto t = vector_span(duration);
  const auto e = vector_span(event);
  const auto ws = optional_span(w);
  CoxOptions o;
  o.penalizer = penalizer;
  if (ties == "breslow") o.ties = CoxTies::kBreslow;
  else if (ties == "efron") o.ties = CoxTies::kEfron;
  else throw py::value_error("ties='" + ties + "': must be 'breslow' or 'efron'");
  o.standardize = standardize;
  o.impute_missing = impute_missing;
  o.max_iter = max_iter;
  o.tol = tol;
  absl::StatusOr<CoxModel> result;
  {
    py::gil_scoped_release release;
    result = fit_cox(Xm, t, e, ws, std::move(names), o);
  }
  return value_or_throw(std::move(result));
}

/// Scores straight into numpy-owned buffers: no copy of the (possibly 10^7-row) results.
py::tuple drivers_py(const FeatureScaling& scaling, const Eigen::VectorXd& coef_z, double offset,
                     const Matrix& X, int top_k) {
  const auto Xm = as_matrix(X);
  if (top_k < 0) throw py::value_error("top_k must be non-negative");
  const auto n = static_cast<py::ssize_t>(Xm.rows());
  py::array_t<double> linear_predictor(n);
  py::array_t<std::int32_t> driver({n, static_cast<py::ssize_t>(top_k)});
  py::array_t<double> contribution({n, static_cast<py::ssize_t>(top_k)});
  double* lp = linear_predictor.mutable_data();
  std::int32_t* dr = driver.mutable_data();
  double* co = contribution.mutable_data();
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = detail::score_rows_into(Xm, scaling, coef_z, offset, top_k, lp, dr, co);
  }
  throw_if_error(status);
  return py::make_tuple(linear_predictor, driver, contribution);
}

template <class F>
double metric_py(const Vector& y, const Vector& s, const std::optional<Vector>& w, F&& f) {
  const auto ys = vector_span(y);
  const auto ss = vector_span(s);
  const auto ws = optional_span(w);
  absl::StatusOr<double> result;
  {
    py::gil_scoped_release release;
    result = f(ys, ss, ws);
  }
  return value_or_throw(std::move(result));
}

py::dict scaling_dict(const FeatureScaling& s) {
  py::dict d;
  d["feature_names"] = s.names;
  d["mean"] = s.mean;
  d["scale"] = s.scale;
  std::vector<bool> constant(s.constant.begin(), s.constant.end());
  d["constant"] = constant;
  d["impute_missing"] = s.impute_missing;
  return d;
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
  py::class_<LogisticModel>(m, "LogisticModel", "A fitted churn logistic regression.")
      .def_property_readonly("coef_z", [](const LogisticModel& s) { return s.coef_z; })
      .def_property_readonly("intercept_z", [](const LogisticModel& s) { return s.intercept_z; })
      .def_property_readonly("coef", &LogisticModel::coef)
      .def_property_readonly("intercept", &LogisticModel::intercept)
      .def_property_readonly("covariance_z", [](const LogisticModel& s) { return s.covariance_z; })
      .def_property_readonly("covariance", &LogisticModel::covariance)
      .def_property_readonly("scaling", [](const LogisticModel& s) { return scaling_dict(s.scaling); })
      .def_property_readonly("n_iter", [](const LogisticModel& s) { return s.n_iter; })
      .def_property_readonly("objective", [](const LogisticModel& s) { return s.objective; })
      .def_property_readonly("C", [](const LogisticModel& s) { return s.options.C; })
      .def_property_readonly("standardize", [](const LogisticModel& s) { return s.options.standardize; })
      .def("to_json", [](const LogisticModel& s) { return to_json(s); })
      .def_static(
          "from_json",
          [](const std::string& text) { return value_or_throw(logistic_model_from_json(text)); },
          "text"_a);

  py::class_<CoxModel>(m, "CoxModel", "A fitted Cox proportional hazards model.")
      .def_property_readonly("coef_z", [](const CoxModel& s) { return s.coef_z; })
      .def_property_readonly("coef", &CoxModel::coef)
      .def_property_readonly("covariance_z", [](const CoxModel& s) { return s.covariance_z; })
      .def_property_readonly("covariance", &CoxModel::covariance)
      .def_property_readonly("scaling", [](const CoxModel& s) { return scaling_dict(s.scaling); })
      .def_property_readonly("log_likelihood", [](const CoxModel& s) { return s.log_likelihood; })
      .def_property_readonly("n_iter", [](const CoxModel& s) { return s.n_iter; })
      .def_property_readonly("n_events", [](const CoxModel& s) { return s.n_events; })
      .def_property_readonly("penalizer", [](const CoxModel& s) { return s.options.penalizer; })
      .def_property_readonly("ties", [](const CoxModel& s) {
        return std::string(s.options.ties == CoxTies::kEfron ? "efron" : "breslow");
      })
      .def("to_json", [](const CoxModel& s) { return to_json(s); })
      .def_static(
          "from_json", [](const std::string& text) { return value_or_throw(cox_model_from_json(text)); },
          "text"_a);

  m.def("fit_logistic", &fit_logistic_py, "X"_a, "y"_a, "sample_weight"_a = py::none(),
        "feature_names"_a = std::vector<std::string>{}, "C"_a = 1.0, "standardize"_a = true,
        "class_weight_negative"_a = 1.0, "class_weight_positive"_a = 1.0,
        "impute_missing"_a = false, "max_iter"_a = 100, "tol"_a = 1e-10,
        "subsample_threshold"_a = 200'000, kFitLogisticDoc);
  m.def(
      "logistic_drivers",
      [](const LogisticModel& model, const Matrix& X, int top_k) {
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
      [](const CoxModel& model, const Matrix& X, int top_k) {
        return drivers_py(model.scaling, model.coef_z, 0.0, X, top_k);
      },
      "model"_a, "X"_a, "top_k"_a = 3,
      "(log_relative_risk, driver_index[n, top_k], contribution[n, top_k]) against the average "
      "training customer.");

  m.def(
      "roc_auc",
      [](const Vector& y, const Vector& s, const std::optional<Vector>& w) {
        return metric_py(y, s, w, [](auto a, auto b, auto c) { return roc_auc(a, b, c); });
      },
      "y_true"_a, "y_score"_a, "sample_weight"_a = py::none(),
      "ROC AUC; ties count one half (average ranks).");
  m.def(
      "brier_score",
      [](const Vector& y, const Vector& s, const std::optional<Vector>& w) {
        return metric_py(y, s, w, [](auto a, auto b, auto c) { return brier_score(a, b, c); });
      },
      "y_true"_a, "y_prob"_a, "sample_weight"_a = py::none(), "Weighted mean squared error.");
  m.def(
      "log_loss",
      [](const Vector& y, const Vector& s, const std::optional<Vector>& w, double eps) {
        return metric_py(y, s, w, [eps](auto a, auto b, auto c) { return log_loss(a, b, c, eps); });
      },
      "y_true"_a, "y_prob"_a, "sample_weight"_a = py::none(), "eps"_a = 1e-15,
      "Weighted mean negative log-likelihood, probabilities clipped to [eps, 1 - eps].");
  m.def(
      "lift_at",
      [](const Vector& y, const Vector& s, double fraction, const std::optional<Vector>& w) {
        return metric_py(y, s, w, [fraction](auto a, auto b, auto c) { return lift_at(a, b, fraction, c); });
      },
      "y_true"_a, "y_score"_a, "fraction"_a = 0.1, "sample_weight"_a = py::none(),
      "Churn rate in the top `fraction` by score over the overall rate.");
  m.def(
      "calibration_table",
      [](const Vector& y, const Vector& s, const std::optional<Vector>& w, int n_bins) {
        const auto ys = vector_span(y);
        const auto ss = vector_span(s);
        const auto ws = optional_span(w);
        absl::StatusOr<CalibrationTable> result;
        {
          py::gil_scoped_release release;
          result = calibration_table(ys, ss, ws, n_bins);
        }
        CalibrationTable t = value_or_throw(std::move(result));
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
