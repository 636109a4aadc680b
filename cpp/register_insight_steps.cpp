// Bindings for include/custinsight/insight/steps.hpp: the per-customer steps the Python and
// Dask pipelines share with custinsight-score. Results cross as bound read-only structs.

#include "bindings.hpp"

#include <optional>
#include <string>
#include <vector>

#include "custinsight/insight/config.hpp"
#include "custinsight/insight/steps.hpp"

namespace custinsight::bindings {
namespace {

insight::InsightConfig config(const std::string& json) {
  return value_or_throw(insight::config_from_json(json));
}

/// A vector member as a read-only attribute that returns a new numpy array.
template <class Class, class S, class T>
void column(Class& c, const char* name, std::vector<T> S::*member) {
  c.def_property_readonly(name, [member](const S& s) { return to_numpy(s.*member); });
}

}  // namespace

void register_insight_steps(py::module_& m) {
  using insight::FeedbackColumns;
  using insight::LoyaltyChoice;
  using insight::ModelColumns;
  using insight::SpendChoice;
  py::class_<LoyaltyChoice> choice(m, "LoyaltyChoice",
                                   "The loyalty model chosen for a table (insight/steps.hpp).");
  readonly(choice, "model", &LoyaltyChoice::model);
  column(choice, "params", &LoyaltyChoice::params);
  readonly(choice, "model_json", &LoyaltyChoice::model_json);
  choice.def_property_readonly("bics", [](const LoyaltyChoice& c) {
    py::dict d;
    for (const auto& [name, bic] : c.bics) d[py::str(name)] = bic;
    return d;
  });
  readonly(choice, "penalizer", &LoyaltyChoice::penalizer);
  readonly(choice, "note", &LoyaltyChoice::note);
  py::class_<SpendChoice> spend(m, "SpendChoice",
                                "Gamma-Gamma spend or the population mean (insight/steps.hpp).");
  readonly(spend, "fitted", &SpendChoice::fitted);
  column(spend, "params", &SpendChoice::params);
  readonly(spend, "model_json", &SpendChoice::model_json);
  readonly(spend, "population_mean", &SpendChoice::population_mean);
  readonly(spend, "note", &SpendChoice::note);
  py::class_<ModelColumns> model(m, "ModelColumns", "The model columns of a table.");
  column(model, "p_alive", &ModelColumns::p_alive);
  column(model, "expected_purchases", &ModelColumns::expected_purchases);
  column(model, "no_purchase_risk", &ModelColumns::no_purchase_risk);
  column(model, "churn_risk", &ModelColumns::churn_risk);
  column(model, "clv", &ModelColumns::clv);
  py::class_<FeedbackColumns> feedback(m, "FeedbackColumns", "The feedback columns of a table.");
  column(feedback, "satisfaction", &FeedbackColumns::satisfaction);
  column(feedback, "satisfaction_trend", &FeedbackColumns::satisfaction_trend);
  column(feedback, "nps_latest", &FeedbackColumns::nps_latest);
  column(feedback, "n_responses", &FeedbackColumns::n_responses);
  column(feedback, "complaint", &FeedbackColumns::complaint);

  m.def(
      "choose_loyalty_model",
      [](const Array<double>& f, const Array<double>& r, const Array<double>& t,
         const OptionalArray<double>& w, const std::string& config_json) {
        const auto cfg = config(config_json);
        const auto fs = span_of(f, "frequency"), rs = span_of(r, "recency"), ts = span_of(t, "T");
        const auto ws = span_of(w, "weights");
        return released([&] { return insight::choose_loyalty_model(fs, rs, ts, ws, cfg); });
      },
      "frequency"_a, "recency"_a, "T"_a, "weights"_a, "config_json"_a,
      "Fit the candidate loyalty models and keep the lowest BIC (with a penalty fallback).");
  m.def(
      "choose_spend_model",
      [](const Array<double>& f, const Array<double>& mv, const OptionalArray<double>& w,
         double population_mean, const std::string& config_json) {
        const auto cfg = config(config_json);
        const auto fs = span_of(f, "frequency"), ms = span_of(mv, "monetary_value");
        const auto ws = span_of(w, "weights");
        return released(
            [&] { return insight::choose_spend_model(fs, ms, ws, population_mean, cfg); });
      },
      "frequency"_a, "monetary_value"_a, "weights"_a, "population_mean"_a, "config_json"_a,
      "Gamma-Gamma on repeat buyers with spend, or the population mean (with a note).");
  m.def(
      "model_columns",
      [](const std::string& name, const Array<double>& params,
         const OptionalArray<double>& spend_params, double population_mean,
         const Array<double>& f, const Array<double>& r, const Array<double>& t,
         const Array<double>& mv, const std::string& config_json) {
        const auto cfg = config(config_json);
        insight::SpendChoice spend;
        spend.population_mean = population_mean;
        if (spend_params) {
          const auto s = span_of(spend_params, "spend_params");
          spend.fitted = true;
          spend.params.assign(s.begin(), s.end());
        }
        const auto p = span_of(params, "params"), fs = span_of(f, "frequency"),
                   rs = span_of(r, "recency"), ts = span_of(t, "T"),
                   ms = span_of(mv, "monetary_value");
        return released(
            [&] { return insight::model_columns(name, p, spend, fs, rs, ts, ms, cfg); });
      },
      "model"_a, "params"_a, "spend_params"_a, "population_mean"_a, "frequency"_a, "recency"_a,
      "T"_a, "monetary_value"_a, "config_json"_a,
      "P(alive), expected purchases, no-purchase and churn risk, and CLV per customer.");
  m.def(
      "feedback_columns",
      [](const Array<std::int64_t>& row, const Array<std::int64_t>& time_ns,
         const OptionalArray<double>& score, const OptionalArray<double>& weight,
         const OptionalArray<double>& rating_norm, const OptionalArray<double>& compound,
         const OptionalArray<double>& nps, const OptionalArray<std::uint8_t>& negative,
         const OptionalArray<std::uint8_t>& mismatch, std::size_t n_rows, std::int64_t as_of_ns,
         const std::string& config_json) {
        const auto cfg = config(config_json);
        const insight::Responses in{span_of(row, "row"),           span_of(time_ns, "time_ns"),
                                    span_of(score, "score"),       span_of(weight, "weight"),
                                    span_of(rating_norm, "rating_norm"),
                                    span_of(compound, "compound"), span_of(nps, "nps"),
                                    span_of(negative, "negative"), span_of(mismatch, "mismatch"),
                                    score.has_value()};
        return released([&] { return insight::feedback_columns(in, n_rows, as_of_ns, cfg); });
      },
      "row"_a, "time_ns"_a, "score"_a, "weight"_a, "rating_norm"_a, "compound"_a, "nps"_a,
      "negative"_a, "mismatch"_a, "n_rows"_a, "as_of_ns"_a, "config_json"_a,
      "Satisfaction, trend, responses, latest NPS answer and open complaints per table row.");
  m.attr("LOYALTY_MODELS") = py::make_tuple("beta_geo", "modified_beta_geo", "pareto_nbd");
  m.attr("DAYS_PER_MONTH") = insight::kDaysPerMonth;
}

}  // namespace custinsight::bindings
