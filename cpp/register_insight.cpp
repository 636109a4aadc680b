// Bindings for include/custinsight/insight/{config, contacts, csv, ids, pipeline, scoring}.hpp.

#include "bindings.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/insight/config.hpp"
#include "custinsight/insight/contacts.hpp"
#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/ids.hpp"
#include "custinsight/insight/pipeline.hpp"
#include "custinsight/insight/scoring.hpp"

namespace custinsight::bindings {
namespace {

using Doubles = Array<double>;
using Flags = Array<std::uint8_t>;
using Int64s = Array<std::int64_t>;
using Int32s = Array<std::int32_t>;

insight::ModelKind model_kind(const std::string& name) {
  if (name == "beta_geo") return insight::ModelKind::kBetaGeo;
  if (name == "modified_beta_geo") return insight::ModelKind::kModifiedBetaGeo;
  if (name == "pareto_nbd") return insight::ModelKind::kParetoNbd;
  throw py::value_error("model = '" + name + "': must be beta_geo, modified_beta_geo or pareto_nbd");
}

py::array_t<double> survival(const std::string& model, const Doubles& params, const Doubles& frequency,
                             const Doubles& T, double horizon) {
  const auto kind = model_kind(model);
  const auto p = span_of(params, "params"), f = span_of(frequency, "frequency"),
             t = span_of(T, "T");
  return to_numpy(
      released([&] { return insight::survival_probability(kind, p, f, t, horizon); }));
}

py::dict score(const Doubles& frequency, const Doubles& recency, const Doubles& T, const Doubles& p_alive,
               const Doubles& churn_risk, const Doubles& no_purchase_risk, const Doubles& clv, const Doubles& satisfaction,
               const Doubles& satisfaction_trend, const Doubles& nps_latest, const Flags& complaint,
               const std::string& config_json, const OptionalArray<double>& outbound_30d,
               const OptionalArray<double>& days_since_complaint,
               const OptionalArray<double>& support_quality,
               const OptionalArray<double>& value_percentile,
               const OptionalArray<double>& frequency_percentile) {
  if (value_percentile.has_value() != frequency_percentile.has_value())
    throw py::value_error("give both value_percentile and frequency_percentile, or neither");
  const auto config = value_or_throw(insight::config_from_json(config_json));
  insight::ScoringInput in{span_of(frequency, "frequency"), span_of(recency, "recency"),   span_of(T, "T"),
                           span_of(p_alive, "p_alive"),   span_of(churn_risk, "churn_risk"),
                           span_of(no_purchase_risk, "no_purchase_risk"), span_of(clv, "clv"),
                           span_of(satisfaction, "satisfaction"), span_of(satisfaction_trend, "satisfaction_trend"),
                           span_of(nps_latest, "nps_latest"), span_of(complaint, "complaint"),
                           {}, {}, {}};
  if (outbound_30d) in.outbound_30d = span_of(*outbound_30d, "outbound_30d");
  if (days_since_complaint) in.days_since_complaint = span_of(*days_since_complaint, "days_since_complaint");
  if (support_quality) in.support_quality = span_of(*support_quality, "support_quality");
  std::vector<double> value, frequency_rank;
  if (value_percentile) {
    value = to_vector(*value_percentile, "value_percentile");
    frequency_rank = to_vector(*frequency_percentile, "frequency_percentile");
  }
  auto out = released([&] {
    return value_percentile ? insight::score_customers(in, config, value, frequency_rank)
                            : insight::score_customers(in, config);
  });
  py::dict d;
  d["value_percentile"] = to_numpy(out.value_percentile);
  d["frequency_percentile"] = to_numpy(out.frequency_percentile);
  d["loyalty"] = to_numpy(out.loyalty);
  d["insight"] = to_numpy(out.insight);
  d["segment"] = to_numpy(out.segment);
  d["action"] = to_numpy(out.action);
  d["main_driver"] = to_numpy(out.main_driver);
  py::list drivers(out.drivers.size());
  for (std::size_t i = 0; i < out.drivers.size(); ++i)
    drivers[i] = py::str(out.drivers[i]);
  d["drivers"] = std::move(drivers);
  return d;
}

py::dict contacts(const Int64s& row, const Int64s& time_ns, const OptionalArray<std::uint8_t>& outbound,
                  const OptionalArray<std::uint8_t>& complaint, std::size_t n_rows, std::int64_t as_of_ns,
                  const std::string& config_json) {
  const auto config = value_or_throw(insight::config_from_json(config_json));
  std::vector<std::uint8_t> open(n_rows, 0);
  std::span<const std::uint8_t> out_flags, complaint_flags;
  if (outbound) out_flags = span_of(*outbound, "outbound");
  if (complaint) complaint_flags = span_of(*complaint, "complaint");
  const auto rows = span_of(row, "row"), times = span_of(time_ns, "time");
  auto out = released([&] {
    return insight::summarise_contacts(rows, times, out_flags, complaint_flags, n_rows, as_of_ns,
                                       config, open);
  });
  py::dict d;
  d["outbound_30d"] = to_numpy(out.outbound_30d);
  d["days_since_complaint"] = to_numpy(out.days_since_complaint);
  d["complaint_open"] = to_numpy(open);
  return d;
}

py::dict support(const Int64s& row, const Int32s& conversation, std::int32_t n_conversations,
                 const Flags& role, const Int64s& time_ns, const std::vector<std::string>& text,
                 std::size_t n_rows, std::int64_t as_of_ns, const std::string& config_json) {
  const auto config = value_or_throw(insight::config_from_json(config_json));
  std::vector<std::uint8_t> open(n_rows, 0);
  const std::vector<std::string_view> views(text.begin(), text.end());
  const auto rows = span_of(row, "row"), times = span_of(time_ns, "time");
  const auto conversations = span_of(conversation, "conversation");
  const auto roles = span_of(role, "role");
  auto out = released([&] {
    return insight::summarise_support(rows, conversations, n_conversations, roles, times, views,
                                      n_rows, as_of_ns, config, open);
  });
  py::dict d;
  d["n_conversations"] = to_numpy(out.n_conversations);
  d["support_quality"] = to_numpy(out.support_quality);
  d["support_ending"] = to_numpy(out.support_ending);
  d["complaint_open"] = to_numpy(open);
  return d;
}

// None unless every id is a canonical int64 (insight/ids.hpp); then the integers.
py::object integer_ids(const std::vector<std::string>& ids) {
  std::vector<std::int64_t> out(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (!insight::canonical_int64(ids[i], out[i])) return py::none();
  return to_numpy(out);
}

py::dict parse_datetimes(const std::vector<std::string>& cells) {
  std::vector<std::int64_t> ns(cells.size(), 0);
  std::ptrdiff_t bad = -1;
  bool out_of_range = false;
  for (std::size_t i = 0; i < cells.size() && bad < 0; ++i) {
    const auto e = insight::parse_datetime_ns(cells[i], ns[i]);
    if (e != insight::DateError::kNone) {
      bad = static_cast<std::ptrdiff_t>(i);
      out_of_range = e == insight::DateError::kOutOfRange;
    }
  }
  py::dict d;
  d["ns"] = to_numpy(ns);
  d["bad"] = bad;
  d["out_of_range"] = out_of_range;
  return d;
}

py::dict join_report(const std::string& input, const Int64s& ids, const Int64s& rows,
                     const Int64s& time_ns, std::int64_t as_of_ns) {
  const auto i = span_of(ids, "ids"), r = span_of(rows, "rows"), t = span_of(time_ns, "time_ns");
  if (i.size() != r.size() || t.size() != r.size())
    throw py::value_error("ids, rows and time_ns must have the same length");
  const auto rep = insight::join_report(input, i, r, t, as_of_ns);
  py::dict d;
  d["rows"] = rep.rows;
  d["unmatched"] = rep.unmatched;
  d["first_unmatched"] = to_numpy(rep.first_unmatched);
  return d;
}

// The note on unmatched rows ("" when none), or ValueError above the share.
std::string check_join(const std::string& input, std::int64_t rows, std::int64_t unmatched,
                       const std::vector<std::string>& first_labels) {
  insight::JoinReport rep;
  rep.input = input;
  rep.rows = rows;
  rep.unmatched = unmatched;
  std::vector<std::string> quoted;
  for (const auto& l : first_labels) quoted.push_back(insight::quote_value(l));
  throw_if_error(insight::check_join(rep, quoted));
  return insight::join_note(rep);
}

double population_spend(const Doubles& amount) {
  return insight::population_mean_spend(span_of(amount, "amount"));
}

}  // namespace

void register_insight_steps(py::module_& m);

void register_insight(py::module_& m) {
  register_insight_steps(m);
  m.def("integer_ids", &integer_ids, "ids"_a,
        R"(The ids as int64 when every one is a canonical decimal integer that fits, else None.)");
  m.def("parse_datetimes", &parse_datetimes, "cells"_a,
        R"(ISO dates as custinsight-score reads them: dict ns, bad (first bad cell or -1),
out_of_range (the bad cell is a date outside the int64 nanosecond range).)");
  m.def("join_report", &join_report, "input"_a, "ids"_a, "rows"_a, "time_ns"_a,
        "as_of_ns"_a, R"(Rows up to as_of, unmatched rows and the first unmatched ids.)");
  m.def("check_join", &check_join, "input"_a, "rows"_a, "unmatched"_a,
        "first_labels"_a, R"(The note on unmatched rows, or ValueError above the share.)");
  m.def("population_mean_spend", &population_spend, "amount"_a,
        R"(The spend used for every customer when no Gamma-Gamma model can be fitted.)");
  m.attr("MAX_UNMATCHED_SHARE") = insight::kMaxUnmatchedShare;
  m.attr("DATE_RANGE") = insight::kDateRange;
  m.def("survival_probability", &survival, "model"_a, "params"_a, "frequency"_a, "T"_a,
        "horizon"_a,
        R"doc(P(alive at T + horizon | alive at T, history) per customer (closed forms).)doc");
  m.def("score_customers", &score, "frequency"_a, "recency"_a, "T"_a, "p_alive"_a,
        "churn_risk"_a, "no_purchase_risk"_a, "clv"_a, "satisfaction"_a, "satisfaction_trend"_a, "nps_latest"_a,
        "complaint"_a, "config_json"_a, "outbound_30d"_a = py::none(),
        "days_since_complaint"_a = py::none(), "support_quality"_a = py::none(),
        "value_percentile"_a = py::none(), "frequency_percentile"_a = py::none(),
        R"doc(Loyalty and insight scores, segment, action and drivers per customer.

The value and frequency percentiles are ranked among the customers given unless both are
passed (mid-rank percentiles in (0, 1] among a larger base, e.g. one split across machines).)doc");
  m.def("summarise_contacts", &contacts, "row"_a, "time_ns"_a, "outbound"_a,
        "complaint"_a, "n_rows"_a, "as_of_ns"_a, "config_json"_a,
        R"doc(Outbound contacts in 30 days, days since the last complaint and open complaints per table row.)doc");
  m.def("summarise_support", &support, "row"_a, "conversation"_a, "n_conversations"_a,
        "role"_a, "time_ns"_a, "text"_a, "n_rows"_a, "as_of_ns"_a, "config_json"_a,
        R"doc(Conversations, latest conversation quality and ending sentiment, and open complaints per table row.)doc");
  py::list segments, actions, drivers;
  for (const char* s : insight::kSegments) segments.append(s);
  for (const char* s : insight::kActions) actions.append(s);
  for (const char* s : insight::kDrivers) drivers.append(s);
  m.attr("SEGMENTS") = py::tuple(segments);
  m.attr("ACTIONS") = py::tuple(actions);
  m.attr("DRIVERS") = py::tuple(drivers);
}

}  // namespace custinsight::bindings
