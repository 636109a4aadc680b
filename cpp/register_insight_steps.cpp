// Bindings for include/custinsight/insight/steps.hpp: the per-customer steps the Python and
// Dask pipelines share with custinsight-score. Results cross as bound read-only structs.

#include "pybind11.hpp"

#include <optional>
#include <string>
#include <vector>

#include "custinsight/insight/config.hpp"
#include "custinsight/insight/steps.hpp"

namespace custinsight::bindings {
namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Flags = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;
using Int64s = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

template <class T, int F>
std::span<const T> view(const std::optional<py::array_t<T, F>>& a, const char* name) {
  if (!a) return {};
  if (a->ndim() != 1) throw py::value_error(std::string(name) + " must be one-dimensional");
  return {a->data(), static_cast<std::size_t>(a->size())};
}

template <class T, int F>
std::span<const T> view(const py::array_t<T, F>& a, const char* name) {
  return view(std::optional<py::array_t<T, F>>(a), name);
}

insight::InsightConfig config(const std::string& json) {
  return value_or_throw(insight::config_from_json(json));
}

template <class F>
auto released(F&& f) {
  decltype(f()) r;
  {
    py::gil_scoped_release release;
    r = f();
  }
  return value_or_throw(std::move(r));
}

}  // namespace

void register_insight_steps(py::module_& m) {
  using insight::FeedbackColumns;
  using insight::LoyaltyChoice;
  using insight::ModelColumns;
  using insight::SpendChoice;
  py::class_<LoyaltyChoice>(m, "InsightLoyaltyChoice",
                            "The loyalty model chosen for a table (insight/steps.hpp).")
      .def_readonly("model", &LoyaltyChoice::model)
      .def_property_readonly("params", [](const LoyaltyChoice& c) { return to_numpy(c.params); })
      .def_readonly("model_json", &LoyaltyChoice::model_json)
      .def_property_readonly("bics",
                             [](const LoyaltyChoice& c) {
                               py::dict d;
                               for (const auto& [name, bic] : c.bics) d[py::str(name)] = bic;
                               return d;
                             })
      .def_readonly("penalizer", &LoyaltyChoice::penalizer)
      .def_readonly("note", &LoyaltyChoice::note);
  py::class_<SpendChoice>(m, "InsightSpendChoice",
                          "Gamma-Gamma spend or the population mean (insight/steps.hpp).")
      .def_readonly("fitted", &SpendChoice::fitted)
      .def_property_readonly("params", [](const SpendChoice& c) { return to_numpy(c.params); })
      .def_readonly("model_json", &SpendChoice::model_json)
      .def_readonly("population_mean", &SpendChoice::population_mean)
      .def_readonly("note", &SpendChoice::note);
  py::class_<ModelColumns>(m, "InsightModelColumns", "The model columns of a table.")
      .def_property_readonly("p_alive", [](const ModelColumns& c) { return to_numpy(c.p_alive); })
      .def_property_readonly("expected_purchases",
                             [](const ModelColumns& c) { return to_numpy(c.expected_purchases); })
      .def_property_readonly("no_purchase_risk",
                             [](const ModelColumns& c) { return to_numpy(c.no_purchase_risk); })
      .def_property_readonly("churn_risk",
                             [](const ModelColumns& c) { return to_numpy(c.churn_risk); })
      .def_property_readonly("clv", [](const ModelColumns& c) { return to_numpy(c.clv); });
  py::class_<FeedbackColumns>(m, "InsightFeedbackColumns", "The feedback columns of a table.")
      .def_property_readonly("satisfaction",
                             [](const FeedbackColumns& c) { return to_numpy(c.satisfaction); })
      .def_property_readonly("satisfaction_trend",
                             [](const FeedbackColumns& c) { return to_numpy(c.satisfaction_trend); })
      .def_property_readonly("nps_latest",
                             [](const FeedbackColumns& c) { return to_numpy(c.nps_latest); })
      .def_property_readonly("n_responses",
                             [](const FeedbackColumns& c) { return to_numpy(c.n_responses); })
      .def_property_readonly("complaint",
                             [](const FeedbackColumns& c) { return to_numpy(c.complaint); });

  m.def(
      "insight_choose_loyalty_model",
      [](const Array& f, const Array& r, const Array& t, const std::optional<Array>& w,
         const std::string& config_json) {
        const auto cfg = config(config_json);
        return released([&] {
          return insight::choose_loyalty_model(view(f, "frequency"), view(r, "recency"),
                                               view(t, "T"), view(w, "weights"), cfg);
        });
      },
      "frequency"_a, "recency"_a, "T"_a, "weights"_a, "config_json"_a,
      "Fit the candidate loyalty models and keep the lowest BIC (with a penalty fallback).");
  m.def(
      "insight_choose_spend_model",
      [](const Array& f, const Array& mv, const std::optional<Array>& w, double population_mean,
         const std::string& config_json) {
        const auto cfg = config(config_json);
        return released([&] {
          return insight::choose_spend_model(view(f, "frequency"), view(mv, "monetary_value"),
                                             view(w, "weights"), population_mean, cfg);
        });
      },
      "frequency"_a, "monetary_value"_a, "weights"_a, "population_mean"_a, "config_json"_a,
      "Gamma-Gamma on repeat buyers with spend, or the population mean below 3 of them.");
  m.def(
      "insight_model_columns",
      [](const std::string& model, const Array& params, const std::optional<Array>& spend_params,
         double population_mean, const Array& f, const Array& r, const Array& t, const Array& mv,
         const std::string& config_json) {
        const auto cfg = config(config_json);
        insight::SpendChoice spend;
        spend.population_mean = population_mean;
        if (spend_params) {
          const auto s = view(spend_params, "spend_params");
          spend.fitted = true;
          spend.params.assign(s.begin(), s.end());
        }
        const auto p = view(params, "params");
        return released([&] {
          return insight::model_columns(model, p, spend, view(f, "frequency"),
                                        view(r, "recency"), view(t, "T"),
                                        view(mv, "monetary_value"), cfg);
        });
      },
      "model"_a, "params"_a, "spend_params"_a, "population_mean"_a, "frequency"_a, "recency"_a,
      "T"_a, "monetary_value"_a, "config_json"_a,
      "P(alive), expected purchases, no-purchase and churn risk, and CLV per customer.");
  m.def(
      "insight_feedback_columns",
      [](const Int64s& row, const Int64s& time_ns, const std::optional<Array>& score,
         const std::optional<Array>& weight, const std::optional<Array>& rating_norm,
         const std::optional<Array>& compound, const std::optional<Array>& nps,
         const std::optional<Flags>& negative, const std::optional<Flags>& mismatch,
         std::size_t n_rows, std::int64_t as_of_ns, const std::string& config_json) {
        const auto cfg = config(config_json);
        insight::Responses in{view(row, "row"),           view(time_ns, "time_ns"),
                              view(score, "score"),       view(weight, "weight"),
                              view(rating_norm, "rating_norm"), view(compound, "compound"),
                              view(nps, "nps"),           view(negative, "negative"),
                              view(mismatch, "mismatch"), score.has_value()};
        return released(
            [&] { return insight::feedback_columns(in, n_rows, as_of_ns, cfg); });
      },
      "row"_a, "time_ns"_a, "score"_a, "weight"_a, "rating_norm"_a, "compound"_a, "nps"_a,
      "negative"_a, "mismatch"_a, "n_rows"_a, "as_of_ns"_a, "config_json"_a,
      "Satisfaction, trend, responses, latest NPS answer and open complaints per table row.");
  py::dict scales;
  for (const auto& s : kRatingScales)
    scales[py::str(s.name)] = py::make_tuple(s.scale.min, s.scale.max, s.scale.higher_is_better);
  m.attr("RATING_SCALES") = scales;
  m.attr("INSIGHT_LOYALTY_MODELS") = py::make_tuple("beta_geo", "modified_beta_geo", "pareto_nbd");
  m.attr("INSIGHT_DAYS_PER_MONTH") = insight::kDaysPerMonth;
}

}  // namespace custinsight::bindings
