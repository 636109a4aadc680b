// Bindings for include/custinsight/satisfaction/: survey metrics, weighted satisfaction,
// roll-ups, drivers, conversation quality and alerts.

#include "bindings.hpp"

#include <optional>
#include <string>
#include <vector>

#include "custinsight/satisfaction/all.hpp"
#include "custinsight/simulation/conversations.hpp"

namespace custinsight::bindings {
namespace {

IntervalMethod interval_method(const std::string& method) {
  if (method == "normal") return IntervalMethod::normal;
  if (method == "bootstrap") return IntervalMethod::bootstrap;
  throw py::value_error("method='" + method + "': use 'normal' or 'bootstrap'");
}

py::dict csat_impl(const Array<double>& ratings, const Array<std::int32_t>& group,
                   std::int32_t n_groups, double scale_min, double scale_max,
                   double satisfied_min) {
  const auto r = span_of(ratings);
  const auto g = span_of(group);
  const CsatOptions options{{scale_min, scale_max, true}, satisfied_min};
  const auto rows = released([&] { return csat_grouped(r, g, n_groups, options); });
  py::dict d;
  d["n"] = field_column<std::int64_t>(rows, [](const CsatResult& x) { return x.n; });
  d["satisfied_share"] =
      field_column<double>(rows, [](const CsatResult& x) { return x.satisfied_share; });
  d["mean"] = field_column<double>(rows, [](const CsatResult& x) { return x.mean; });
  return d;
}

py::dict nps_impl(const Array<double>& scores, const Array<std::int32_t>& group,
                  std::int32_t n_groups, double confidence, const std::string& method,
                  std::int32_t n_bootstrap, std::uint64_t seed) {
  const auto s = span_of(scores);
  const auto g = span_of(group);
  const NpsOptions options{confidence, interval_method(method), n_bootstrap, seed};
  const auto rows = released([&] { return nps_grouped(s, g, n_groups, options); });
  py::dict d;
  d["n"] = field_column<std::int64_t>(rows, [](const NpsResult& x) { return x.n; });
  d["promoters"] = field_column<std::int64_t>(rows, [](const NpsResult& x) { return x.promoters; });
  d["passives"] = field_column<std::int64_t>(rows, [](const NpsResult& x) { return x.passives; });
  d["detractors"] =
      field_column<std::int64_t>(rows, [](const NpsResult& x) { return x.detractors; });
  d["nps"] = field_column<double>(rows, [](const NpsResult& x) { return x.nps; });
  d["std_error"] = field_column<double>(rows, [](const NpsResult& x) { return x.std_error; });
  d["lower"] = field_column<double>(rows, [](const NpsResult& x) { return x.lower; });
  d["upper"] = field_column<double>(rows, [](const NpsResult& x) { return x.upper; });
  return d;
}

py::dict ces_impl(const Array<double>& ratings, const Array<std::int32_t>& group,
                  std::int32_t n_groups, double scale_min, double scale_max,
                  bool higher_is_easier) {
  const auto r = span_of(ratings);
  const auto g = span_of(group);
  const CesOptions options{{scale_min, scale_max, higher_is_easier}};
  const auto rows = released([&] { return ces_grouped(r, g, n_groups, options); });
  py::dict d;
  d["n"] = field_column<std::int64_t>(rows, [](const CesResult& x) { return x.n; });
  d["mean"] = field_column<double>(rows, [](const CesResult& x) { return x.mean; });
  d["ease"] = field_column<double>(rows, [](const CesResult& x) { return x.ease; });
  d["easy_share"] = field_column<double>(rows, [](const CesResult& x) { return x.easy_share; });
  return d;
}

py::dict weighted_impl(const OptionalArray<double>& rating,
                       const OptionalArray<std::int32_t>& scale_index,
                       const std::vector<std::tuple<double, double, bool>>& scales,
                       const OptionalArray<double>& compound, const OptionalArray<double>& time,
                       double rating_weight, double text_weight, double mismatch_threshold,
                       double negative_threshold, double half_life, double as_of) {
  std::vector<RatingScale> s;
  for (const auto& [lo, hi, higher] : scales) s.push_back(RatingScale{lo, hi, higher});
  const WeightedOptions o{rating_weight, text_weight, mismatch_threshold, negative_threshold,
                          half_life, as_of};
  const auto r = span_of(rating);
  const auto c = span_of(compound);
  const auto t = span_of(time);
  const auto k = span_of(scale_index);
  ResponseScores out = released([&] { return weighted_satisfaction(r, k, s, c, t, o); });
  py::dict d;
  d["rating_norm"] = py::cast(std::move(out.rating_norm));
  d["score"] = py::cast(std::move(out.score));
  d["weight"] = py::cast(std::move(out.weight));
  d["mismatch"] = to_numpy(out.mismatch);
  d["negative"] = to_numpy(out.negative);
  return d;
}

py::dict rollup_customers_impl(const Array<std::int32_t>& customer, std::int32_t n_customers,
                               const Array<double>& score, const Array<double>& weight,
                               const Array<double>& time, const Array<std::int32_t>& touchpoint,
                               const OptionalArray<std::uint8_t>& negative,
                               const OptionalArray<std::uint8_t>& mismatch) {
  const auto cu = span_of(customer);
  const auto tp = span_of(touchpoint);
  const auto s = span_of(score);
  const auto w = span_of(weight);
  const auto t = span_of(time);
  const auto ng = span_of(negative);
  const auto mm = span_of(mismatch);
  CustomerRollup r =
      released([&] { return rollup_customers(cu, n_customers, s, w, t, tp, ng, mm); });
  py::dict d;
  d["satisfaction"] = py::cast(std::move(r.satisfaction));
  d["total_weight"] = py::cast(std::move(r.total_weight));
  d["n_responses"] = to_numpy(r.n_responses);
  d["n_scored"] = to_numpy(r.n_scored);
  d["latest_time"] = py::cast(std::move(r.latest_time));
  d["latest_touchpoint"] = to_numpy(r.latest_touchpoint);
  d["trend"] = py::cast(std::move(r.trend));
  d["negative_share"] = py::cast(std::move(r.negative_share));
  d["mismatch_share"] = py::cast(std::move(r.mismatch_share));
  return d;
}

py::dict rollup_groups_impl(const Array<std::int32_t>& group, std::int32_t n_groups,
                            const Array<double>& score, const Array<double>& weight,
                            const OptionalArray<double>& compound,
                            const OptionalArray<std::uint8_t>& negative,
                            const OptionalArray<std::uint8_t>& mismatch) {
  const auto g = span_of(group);
  const auto s = span_of(score);
  const auto w = span_of(weight);
  const auto c = span_of(compound);
  const auto ng = span_of(negative);
  const auto mm = span_of(mismatch);
  GroupRollup r = released([&] { return rollup_groups(g, n_groups, s, w, c, ng, mm); });
  py::dict d;
  d["volume"] = to_numpy(r.volume);
  d["n_scored"] = to_numpy(r.n_scored);
  d["n_text"] = to_numpy(r.n_text);
  d["mean_sentiment"] = py::cast(std::move(r.mean_sentiment));
  d["satisfaction"] = py::cast(std::move(r.satisfaction));
  d["satisfaction_sd"] = py::cast(std::move(r.satisfaction_sd));
  d["effective_n"] = py::cast(std::move(r.effective_n));
  d["negative_share"] = py::cast(std::move(r.negative_share));
  d["mismatch_share"] = py::cast(std::move(r.mismatch_share));
  return d;
}

py::dict consistency_impl(const Array<std::int32_t>& group, std::int32_t n_groups,
                          const Array<double>& score, const Array<double>& weight, double alpha,
                          double min_effective_n) {
  const auto g = span_of(group);
  const auto s = span_of(score);
  const auto w = span_of(weight);
  Consistency r =
      released([&] { return touchpoint_consistency(g, n_groups, s, w, alpha, min_effective_n); });
  py::dict d;
  d["spread_sd"] = r.spread_sd;
  d["range"] = r.range;
  d["difference"] = py::cast(std::move(r.difference));
  d["z"] = py::cast(std::move(r.z));
  d["p_value"] = py::cast(std::move(r.p_value));
  d["below"] = to_numpy(r.below);
  return d;
}

DriverResult drivers_impl(const py::EigenDRef<const RowMatrixXd>& x, const Array<double>& y,
                          double lambda, const std::string& missing) {
  MissingDrivers policy;
  if (missing == "drop") {
    policy = MissingDrivers::drop;
  } else if (missing == "mean") {
    policy = MissingDrivers::mean;
  } else {
    throw py::value_error("missing='" + missing + "': use 'drop' or 'mean'");
  }
  const RowMatrixXd xm = x;  // a strided view (e.g. a column slice) becomes contiguous here
  const auto yv = span_of(y);
  const RidgeOptions options{lambda, policy};
  return released([&] { return driver_analysis(xm, yv, options); });
}

/// A driver analysis' ridge fit as a read-only class.
void bind_driver_result(py::module_& m) {
  py::class_<DriverResult> c(m, "DriverResult",
                             "A ridge regression of an outcome on its drivers (read-only).");
  readonly(c, "coefficient", &DriverResult::coefficient, "Per driver, in the original units.");
  readonly(c, "standardized", &DriverResult::standardized, "Standardised coefficients.");
  readonly(c, "importance", &DriverResult::importance, "Relative importance; sums to 1.");
  readonly(c, "intercept", &DriverResult::intercept);
  readonly(c, "r_squared", &DriverResult::r_squared);
  readonly(c, "n_used", &DriverResult::n_used, "Customers in the fit.");
}

py::list negative_terms_impl(const Array<std::int32_t>& group, std::int32_t n_groups,
                             const Array<std::uint8_t>& negative,
                             const Array<std::int64_t>& token_offsets,
                             const Array<std::int32_t>& token, const Array<double>& contribution,
                             std::size_t top_n) {
  const auto g = span_of(group);
  const auto ng = span_of(negative);
  const auto off = span_of(token_offsets);
  const auto tk = span_of(token);
  const auto c = span_of(contribution);
  const auto groups =
      released([&] { return negative_terms(g, n_groups, ng, off, tk, c, top_n); });
  py::list out;
  for (const auto& rows : groups) {
    py::dict d;
    d["token"] = field_column<std::int32_t>(rows, [](const TermCount& x) { return x.token; });
    d["n_responses"] =
        field_column<std::int64_t>(rows, [](const TermCount& x) { return x.n_responses; });
    d["share"] = field_column<double>(rows, [](const TermCount& x) { return x.share; });
    d["mean_contribution"] =
        field_column<double>(rows, [](const TermCount& x) { return x.mean_contribution; });
    out.append(d);
  }
  return out;
}

py::dict conversation_impl(const Array<std::int32_t>& conversation, std::int32_t n_conversations,
                           const Array<std::uint8_t>& role, const Array<double>& time,
                           const std::vector<std::string>& text, const Array<double>& compound,
                           const std::optional<std::vector<std::string>>& jargon,
                           const std::optional<std::vector<std::string>>& condescension,
                           const std::optional<std::vector<std::string>>& impatience,
                           const std::optional<std::vector<std::string>>& confusion,
                           std::int32_t edge_turns, double delay_scale, double jargon_cap,
                           double repeat_similarity, const std::vector<double>& weights) {
  ConversationOptions o;
  if (jargon) o.jargon = *jargon;
  if (condescension) o.condescension = *condescension;
  if (impatience) o.impatience = *impatience;
  if (confusion) o.confusion = *confusion;
  o.edge_turns = edge_turns;
  o.delay_scale = delay_scale;
  o.jargon_cap = jargon_cap;
  o.repeat_similarity = repeat_similarity;
  if (weights.size() != 6) throw py::value_error("weights must have six entries");
  o.weights =
      QualityWeights{weights[0], weights[1], weights[2], weights[3], weights[4], weights[5]};
  const auto cv = span_of(conversation);
  const auto rl = span_of(role);
  const auto tm = span_of(time);
  const auto cp = span_of(compound);
  ConversationQuality q =
      released([&] { return conversation_quality(cv, n_conversations, rl, tm, text, cp, o); });
  py::dict d;
  d["n_turns"] = to_numpy(q.n_turns);
  d["n_agent_turns"] = to_numpy(q.n_agent_turns);
  d["n_customer_turns"] = to_numpy(q.n_customer_turns);
  d["sentiment_first"] = py::cast(q.sentiment_first);
  d["sentiment_last"] = py::cast(q.sentiment_last);
  d["sentiment_change"] = py::cast(q.sentiment_change);
  d["mean_delay"] = py::cast(q.mean_delay);
  d["max_delay"] = py::cast(q.max_delay);
  d["agent_tokens"] = to_numpy(q.agent_tokens);
  d["jargon_tokens"] = to_numpy(q.jargon_tokens);
  d["jargon_density"] = py::cast(q.jargon_density);
  d["condescension"] = to_numpy(q.condescension);
  d["impatience"] = to_numpy(q.impatience);
  d["confusion"] = to_numpy(q.confusion);
  d["repeated_questions"] = to_numpy(q.repeated_questions);
  d["quality"] = py::cast(q.quality);
  return d;
}

py::dict rollup_agents_impl(const Array<std::int32_t>& agent, std::int32_t n_agents,
                            const Array<double>& quality, const Array<double>& mean_delay,
                            const Array<std::int64_t>& agent_tokens,
                            const Array<std::int64_t>& jargon_tokens,
                            const Array<std::int32_t>& condescension,
                            const Array<std::int32_t>& impatience,
                            const Array<std::int32_t>& confusion,
                            const Array<std::int32_t>& repeated_questions,
                            const Array<double>& sentiment_last,
                            const Array<double>& sentiment_change) {
  ConversationQuality q;
  q.quality = vector_of(quality, "quality");
  q.mean_delay = vector_of(mean_delay, "mean_delay");
  q.sentiment_last = vector_of(sentiment_last, "sentiment_last");
  q.sentiment_change = vector_of(sentiment_change, "sentiment_change");
  q.agent_tokens = to_vector(agent_tokens);
  q.jargon_tokens = to_vector(jargon_tokens);
  q.condescension = to_vector(condescension);
  q.impatience = to_vector(impatience);
  q.confusion = to_vector(confusion);
  q.repeated_questions = to_vector(repeated_questions);
  q.n_turns.assign(q.agent_tokens.size(), 0);
  const std::size_t n = q.n_turns.size();
  for (auto size : {static_cast<std::size_t>(q.quality.size()),
                    static_cast<std::size_t>(q.mean_delay.size()),
                    static_cast<std::size_t>(q.sentiment_last.size()),
                    static_cast<std::size_t>(q.sentiment_change.size()), q.jargon_tokens.size(),
                    q.condescension.size(), q.impatience.size(), q.confusion.size(),
                    q.repeated_questions.size()})
    if (size != n) throw py::value_error("every per-conversation array must have the same length");
  const auto ag = span_of(agent);
  AgentRollup a = released([&] { return rollup_agents(ag, n_agents, q); });
  py::dict d;
  d["n_conversations"] = to_numpy(a.n_conversations);
  d["mean_quality"] = py::cast(std::move(a.mean_quality));
  d["mean_delay"] = py::cast(std::move(a.mean_delay));
  d["jargon_density"] = py::cast(std::move(a.jargon_density));
  d["cues_per_conversation"] = py::cast(std::move(a.cues_per_conversation));
  d["confusion_per_conversation"] = py::cast(std::move(a.confusion_per_conversation));
  d["mean_sentiment_change"] = py::cast(std::move(a.mean_sentiment_change));
  d["negative_end_share"] = py::cast(std::move(a.negative_end_share));
  return d;
}

py::dict alerts_impl(const Array<std::int32_t>& customer, const Array<std::int32_t>& group,
                     const OptionalArray<double>& nps, const OptionalArray<double>& compound,
                     const OptionalArray<double>& rating_norm,
                     const OptionalArray<std::uint8_t>& mismatch,
                     const Array<double>& score, const Array<double>& time,
                     const OptionalArray<std::uint8_t>& watch, bool detractor, double detractor_max,
                     bool negative_text, double negative_text_threshold, bool use_mismatch,
                     bool satisfaction_drop, double drop_threshold, double period, double as_of) {
  AlertOptions o;
  o.detractor = detractor;
  o.detractor_max = detractor_max;
  if (watch) o.watch = to_vector(*watch);
  o.negative_text = negative_text;
  o.negative_text_threshold = negative_text_threshold;
  o.mismatch = use_mismatch;
  o.satisfaction_drop = satisfaction_drop;
  o.drop_threshold = drop_threshold;
  o.period = period;
  o.as_of = as_of;
  const auto cu = span_of(customer);
  const auto g = span_of(group);
  const auto n = span_of(nps);
  const auto c = span_of(compound);
  const auto rn = span_of(rating_norm);
  const auto s = span_of(score);
  const auto t = span_of(time);
  const auto mm = span_of(mismatch);
  AlertCases a = released([&] { return satisfaction_alerts(cu, g, n, c, rn, mm, s, t, o); });
  py::dict d;
  d["row"] = to_numpy(a.row);
  d["customer"] = to_numpy(a.customer);
  d["rule"] =
      field_column<std::int8_t>(a.rule, [](AlertRule r) { return static_cast<std::int8_t>(r); });
  d["value"] = to_numpy(a.value);
  return d;
}

py::dict trend_impl(const Array<std::int32_t>& group, std::int32_t n_groups,
                    const Array<double>& score, const Array<double>& time, double as_of,
                    double period) {
  const auto g = span_of(group);
  const auto s = span_of(score);
  const auto t = span_of(time);
  PeriodTrend r = released([&] { return period_trend(g, n_groups, s, t, as_of, period); });
  py::dict d;
  d["n_current"] = to_numpy(r.n_current);
  d["n_previous"] = to_numpy(r.n_previous);
  d["current"] = py::cast(std::move(r.current));
  d["previous"] = py::cast(std::move(r.previous));
  d["change"] = py::cast(std::move(r.change));
  d["z"] = py::cast(std::move(r.z));
  d["p_value"] = py::cast(std::move(r.p_value));
  return d;
}

}  // namespace

void register_satisfaction(py::module_& m) {
  py::dict scales;  // the named rating scales, written once (satisfaction/common.hpp)
  for (const auto& s : kRatingScales)
    scales[py::str(s.name)] = py::make_tuple(s.scale.min, s.scale.max, s.scale.higher_is_better);
  m.attr("RATING_SCALES") = scales;
  bind_driver_result(m);
  m.def("csat_grouped", &csat_impl, "ratings"_a, "group"_a, "n_groups"_a, "scale_min"_a = 1.0,
        "scale_max"_a = 5.0, "satisfied_min"_a = 4.0,
        R"doc(CSAT per group: n, satisfied_share, mean (low level; see custinsight.csat).)doc");
  m.def("nps_grouped", &nps_impl, "scores"_a, "group"_a, "n_groups"_a, "confidence"_a = 0.95,
        "method"_a = "normal", "n_bootstrap"_a = 2000, "seed"_a = 0,
        R"doc(NPS per group with counts, standard error and interval (see custinsight.nps).)doc");
  m.def("ces_grouped", &ces_impl, "ratings"_a, "group"_a, "n_groups"_a, "scale_min"_a = 1.0,
        "scale_max"_a = 7.0, "higher_is_easier"_a = true,
        R"doc(CES per group: n, mean, ease, easy_share (see custinsight.ces).)doc");
  m.def("weighted_satisfaction", &weighted_impl, "rating"_a = py::none(),
        "scale_index"_a = py::none(), "scales"_a, "compound"_a = py::none(),
        "time"_a = py::none(), "rating_weight"_a = 0.5, "text_weight"_a = 0.5,
        "mismatch_threshold"_a = 1.0, "negative_threshold"_a = -0.05, "half_life"_a = 90.0,
        "as_of"_a = 0.0,
        R"doc(Per-response rating_norm, score, weight, mismatch, negative (see weighted.hpp).)doc");
  m.def("rollup_customers", &rollup_customers_impl, "customer"_a, "n_customers"_a, "score"_a,
        "weight"_a, "time"_a, "touchpoint"_a, "negative"_a = py::none(),
        "mismatch"_a = py::none(), R"doc(Per-customer roll-up of scored responses.)doc");
  m.def("rollup_groups", &rollup_groups_impl, "group"_a, "n_groups"_a, "score"_a, "weight"_a,
        "compound"_a = py::none(), "negative"_a = py::none(), "mismatch"_a = py::none(),
        R"doc(Per-group roll-up of scored responses.)doc");
  m.def("touchpoint_consistency", &consistency_impl, "group"_a, "n_groups"_a, "score"_a,
        "weight"_a, "alpha"_a = 0.05, "min_effective_n"_a = 5.0,
        R"doc(Spread of group means and groups significantly below the rest.)doc");
  m.def("driver_analysis", &drivers_impl, "x"_a, "y"_a, "ridge"_a = 1e-3, "missing"_a = "drop",
        R"doc(Ridge regression of y on standardised drivers (see drivers.hpp).)doc");
  m.def("negative_terms", &negative_terms_impl, "group"_a, "n_groups"_a, "negative"_a,
        "token_offsets"_a, "token"_a, "contribution"_a, "top_n"_a = 10,
        R"doc(Per group, the terms most often contributing to negative responses.)doc");
  m.def("conversation_quality", &conversation_impl, "conversation"_a, "n_conversations"_a,
        "role"_a, "time"_a, "text"_a, "compound"_a, "jargon"_a = py::none(),
        "condescension"_a = py::none(), "impatience"_a = py::none(), "confusion"_a = py::none(),
        "edge_turns"_a = 1, "delay_scale"_a = 120.0, "jargon_cap"_a = 0.15,
        "repeat_similarity"_a = 0.5,
        "weights"_a = std::vector<double>{0.2, 0.2, 0.15, 0.15, 0.15, 0.15},
        R"doc(Per-conversation cues and quality score (see conversation.hpp).)doc");
  m.def("rollup_agents", &rollup_agents_impl, "agent"_a, "n_agents"_a, "quality"_a,
        "mean_delay"_a, "agent_tokens"_a, "jargon_tokens"_a, "condescension"_a, "impatience"_a,
        "confusion"_a, "repeated_questions"_a, "sentiment_last"_a, "sentiment_change"_a,
        R"doc(Per-agent roll-up of per-conversation results.)doc");
  m.def("satisfaction_alerts", &alerts_impl, "customer"_a, "group"_a, "nps"_a = py::none(),
        "compound"_a = py::none(), "rating_norm"_a = py::none(), "mismatch"_a = py::none(),
        "score"_a, "time"_a, "watch"_a = py::none(), "detractor"_a = true,
        "detractor_max"_a = 6.0, "negative_text"_a = true, "negative_text_threshold"_a = -0.5,
        "use_mismatch"_a = true, "satisfaction_drop"_a = true, "drop_threshold"_a = 0.5,
        "period"_a = 30.0, "as_of"_a = 0.0,
        R"doc(Cases to follow up: row, customer, rule code (see ALERT_RULES), value.)doc");
  m.def("period_trend", &trend_impl, "group"_a, "n_groups"_a, "score"_a, "time"_a, "as_of"_a,
        "period"_a, R"doc(Mean score per group, current period against the previous one.)doc");
  m.attr("ALERT_RULES") = py::cast(std::vector<std::string>{
      alert_rule_name(AlertRule::detractor), alert_rule_name(AlertRule::negative_text),
      alert_rule_name(AlertRule::mismatch), alert_rule_name(AlertRule::satisfaction_drop)});
  m.attr("DEFAULT_JARGON") = py::cast(default_jargon());
  m.attr("DEFAULT_CONDESCENSION") = py::cast(default_condescension());
  m.attr("DEFAULT_IMPATIENCE") = py::cast(default_impatience());
  m.attr("DEFAULT_CONFUSION") = py::cast(default_confusion());
}

}  // namespace custinsight::bindings
