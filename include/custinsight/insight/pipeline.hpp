#pragma once

/// @file insight/pipeline.hpp
/// @brief The whole insight table from a transaction log and optional feedback, step for
/// step as the Python `CustomerInsight.score` does it (same core functions, same order), so
/// that the C++ program custinsight-score and the Python package give the same numbers.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "custinsight/beta_geo.hpp"
#include "custinsight/clv.hpp"
#include "custinsight/gamma_gamma.hpp"
#include "custinsight/insight/config.hpp"
#include "custinsight/insight/contacts.hpp"
#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/scoring.hpp"
#include "custinsight/modified_beta_geo.hpp"
#include "custinsight/pareto_nbd.hpp"
#include "custinsight/rfm.hpp"
#include "custinsight/satisfaction/rollup.hpp"
#include "custinsight/satisfaction/weighted.hpp"
#include "custinsight/sentiment/batch.hpp"
#include "custinsight/sentiment/default_lexicon.hpp"

namespace custinsight::insight {

inline constexpr std::int64_t kNsPerDay = 86'400'000'000'000;

/// A transaction log; customer ids are codes (the labels, if any, live with the caller).
struct Transactions {
  std::vector<std::int64_t> customer;
  std::vector<std::int64_t> time_ns;  ///< nanoseconds since 1970-01-01
  std::vector<double> amount;
};

/// Survey feedback; NaN ratings / NPS answers and missing texts are unanswered.
struct Feedback {
  std::vector<std::int64_t> customer;
  std::vector<std::int64_t> time_ns;
  std::vector<double> rating;            ///< CSAT 1-5; empty: no rating column
  std::vector<double> nps;               ///< 0-10; empty: no NPS column
  std::vector<std::string> text;         ///< empty: no text column
  std::vector<std::uint8_t> text_missing;
};

/// A contact log (see summarise_contacts).
struct Contacts {
  std::vector<std::int64_t> customer;
  std::vector<std::int64_t> time_ns;
  std::vector<std::uint8_t> outbound;   ///< 1 outbound, 0 inbound; empty: no direction column
  std::vector<std::uint8_t> complaint;  ///< 1 a complaint; empty: no complaint column
};

/// Support transcripts, one entry per turn (see summarise_support).
struct SupportTurns {
  std::vector<std::int64_t> customer;
  std::vector<std::int32_t> conversation;  ///< codes 0..n_conversations-1
  std::int32_t n_conversations = 0;
  std::vector<std::uint8_t> role;  ///< 0 agent, 1 customer
  std::vector<std::int64_t> time_ns;
  std::vector<std::string> text;
};

/// How many rows of an optional input (feedback, contacts, transcripts), among those on or
/// before as_of, name no customer of the table.
struct JoinReport {
  std::string input;
  std::int64_t rows = 0;
  std::int64_t unmatched = 0;
  std::vector<std::int64_t> first_unmatched;  ///< the first (up to 3) distinct unmatched ids
};

/// Above this share of unmatched rows an input is refused: its ids do not join the
/// transactions' (another id column, or ids written differently), and a table built from the
/// rest would quietly leave that input out.
inline constexpr double kMaxUnmatchedShare = 0.5;

/// @brief Count the rows of an input whose table row is -1.
/// @param ids the input's ids (codes); @param rows their table rows (-1: no customer)
inline JoinReport join_report(std::string input, std::span<const std::int64_t> ids,
                              std::span<const std::int64_t> rows,
                              std::span<const std::int64_t> time_ns, std::int64_t as_of_ns) {
  JoinReport r;
  r.input = std::move(input);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (time_ns[i] > as_of_ns) continue;
    ++r.rows;
    if (rows[i] >= 0) continue;
    ++r.unmatched;
    if (r.first_unmatched.size() < 3 &&
        std::find(r.first_unmatched.begin(), r.first_unmatched.end(), ids[i]) ==
            r.first_unmatched.end())
      r.first_unmatched.push_back(ids[i]);
  }
  return r;
}

/// @brief The one-line note on unmatched rows ("" when every row matched).
inline std::string join_note(const JoinReport& r) {
  if (r.unmatched == 0) return "";
  return absl::StrFormat("%s: %d of %d rows up to as_of name no customer with a purchase",
                         r.input, r.unmatched, r.rows);
}

/// @brief An error when more than kMaxUnmatchedShare of the rows match no customer.
/// @param first_labels the ids of r.first_unmatched as written (quoted and cut by the caller)
inline absl::Status check_join(const JoinReport& r, std::span<const std::string> first_labels) {
  if (r.rows == 0 ||
      static_cast<double>(r.unmatched) <= kMaxUnmatchedShare * static_cast<double>(r.rows))
    return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %d of %d rows up to as_of (more than %g%%) name no customer with a purchase; first "
      "unmatched ids: %s (do the id columns hold the same ids?)",
      r.input, r.unmatched, r.rows, 100 * kMaxUnmatchedShare, absl::StrJoin(first_labels, ", ")));
}

/// @brief The spend given to every customer when no Gamma-Gamma model can be fitted (fewer
/// than 3 repeat buyers with spend): the mean transaction amount.
inline double population_mean_spend(std::span<const double> amount) {
  if (amount.empty()) return 0.0;
  double sum = 0.0;
  for (double a : amount) sum += a;
  return sum / static_cast<double>(amount.size());
}

/// The insight table (scores as in ScoringOutput, one row per customer sorted by id).
struct InsightTable {
  std::vector<std::int64_t> customer;
  std::vector<double> frequency, recency, T, monetary_value, p_alive, expected_purchases, clv,
      churn_risk, no_purchase_risk, satisfaction, satisfaction_trend, nps_latest;
  std::vector<std::int64_t> n_responses;
  std::optional<ContactColumns> contacts;  ///< with a contact log
  std::optional<SupportColumns> support;   ///< with support transcripts
  ScoringOutput scores;
  std::string model;
  std::vector<std::pair<std::string, double>> bics;
  std::int64_t as_of_ns = 0;
  /// False when spend is the population mean (no Gamma-Gamma fit: too few repeat buyers).
  bool spend_fitted = true;
  std::vector<JoinReport> joins;  ///< one per optional input given
};

namespace detail {

template <class Model>
absl::StatusOr<double> fit_and_bic(Model& m, const std::vector<double>& f,
                                   const std::vector<double>& r, const std::vector<double>& t,
                                   double penalizer) {
  FitOptions o;
  o.penalizer_coef = penalizer;
  CUSTINSIGHT_RETURN_IF_ERROR(m.fit(f, r, t, {}, o));
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto result, m.result());
  return result.bic;
}

inline std::vector<double> to_vector(const Eigen::ArrayXd& a) {
  return {a.data(), a.data() + a.size()};
}

template <class Model>
absl::Status model_outputs(const Model& m, InsightTable& out, double horizon,
                           const InsightConfig& cfg, ModelKind kind,
                           std::span<const double> amounts) {
  const auto& f = out.frequency;
  const auto& r = out.recency;
  const auto& t = out.T;
  const std::size_t n = f.size();
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto alive, m.conditional_probability_alive(f, r, t));
  out.p_alive = to_vector(alive);
  const double h[] = {horizon};
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto expected,
                               m.conditional_expected_number_of_purchases_up_to_time(h, f, r, t));
  out.expected_purchases = to_vector(expected);
  const std::vector<double> horizons(n, horizon);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto silent, m.churn_risk(f, r, t, horizons));
  out.no_purchase_risk = to_vector(silent);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto result, m.result());
  const std::vector<double> params(result.params.data(), result.params.data() + 4);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto survive, survival_probability(kind, params, f, t, horizon));
  out.churn_risk.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.churn_risk[i] = 1.0 - out.p_alive[i] * survive[i];

  // 12-month value: Gamma-Gamma spend on repeat buyers, the population mean for the others.
  std::vector<double> fr, mr, f0(n), m0(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool repeat = f[i] > 0 && out.monetary_value[i] > 0;
    if (repeat) {
      fr.push_back(f[i]);
      mr.push_back(out.monetary_value[i]);
    }
    f0[i] = repeat ? f[i] : 0.0;
    m0[i] = repeat ? out.monetary_value[i] : 0.0;
  }
  std::vector<double> spend;
  out.spend_fitted = fr.size() >= 3;
  if (out.spend_fitted) {
    GammaGammaModel gg;
    FitOptions o;
    o.penalizer_coef = cfg.penalizer;
    CUSTINSIGHT_RETURN_IF_ERROR(gg.fit(fr, mr, {}, o));
    CUSTINSIGHT_ASSIGN_OR_RETURN(auto spend_a, gg.conditional_expected_average_profit(f0, m0));
    spend = to_vector(spend_a);
  } else {
    spend.assign(n, population_mean_spend(amounts));
  }
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      auto clv, customer_lifetime_value(m, f, r, t, spend, cfg.clv_months, cfg.discount_rate,
                                        30.4375 / cfg.period_days));
  out.clv = to_vector(clv);
  return absl::OkStatus();
}

}  // namespace detail

/// @brief Add the feedback columns (satisfaction, trend, responses, latest NPS) and the
/// complaint flags to a table with RFM and model outputs.
inline absl::Status add_feedback(const Feedback& fb, const InsightConfig& cfg,
                                 InsightTable& out, std::vector<std::uint8_t>& complaint) {
  const std::size_t n = out.customer.size();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  out.satisfaction.assign(n, nan);
  out.satisfaction_trend.assign(n, nan);
  out.n_responses.assign(n, 0);
  out.nps_latest.assign(n, nan);
  complaint.assign(n, 0);
  // Rows up to as_of from customers in the table, in file order.
  std::vector<std::size_t> rows;
  std::vector<std::int64_t> row_customer;  // table row of each kept response
  for (std::size_t i = 0; i < fb.customer.size(); ++i) {
    if (fb.time_ns[i] > out.as_of_ns) continue;
    auto it = std::lower_bound(out.customer.begin(), out.customer.end(), fb.customer[i]);
    if (it == out.customer.end() || *it != fb.customer[i]) continue;
    rows.push_back(i);
    row_customer.push_back(it - out.customer.begin());
  }
  const std::size_t m = rows.size();
  if (m == 0) return absl::OkStatus();
  const std::int64_t complaint_ns = std::llround(cfg.complaint_days * static_cast<double>(kNsPerDay));
  const bool has_rating = !fb.rating.empty(), has_text = !fb.text.empty();
  const bool has_nps = !fb.nps.empty();
  if (has_rating || has_text) {
    std::vector<double> rating, compound, days(m);
    for (std::size_t k = 0; k < m; ++k)
      days[k] = static_cast<double>(fb.time_ns[rows[k]]) / static_cast<double>(kNsPerDay);
    if (has_rating) {
      rating.resize(m);
      for (std::size_t k = 0; k < m; ++k) rating[k] = fb.rating[rows[k]];
    }
    if (has_text) {
      std::vector<std::string_view> texts(m);
      std::vector<std::uint8_t> missing(m);
      for (std::size_t k = 0; k < m; ++k) {
        texts[k] = fb.text[rows[k]];
        missing[k] = fb.text_missing[rows[k]];
      }
      CUSTINSIGHT_ASSIGN_OR_RETURN(auto batch,
                                   score_texts(detail::insight_analyzer(), texts, missing));
      compound = std::move(batch.compound);
    }
    WeightedOptions o;
    o.rating_weight = cfg.rating_weight;
    o.text_weight = cfg.text_weight;
    o.negative_threshold = cfg.negative_threshold;
    o.half_life = cfg.half_life_days;
    o.as_of = static_cast<double>(out.as_of_ns) / static_cast<double>(kNsPerDay);
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        auto scored, weighted_satisfaction(rating, RatingScale{1.0, 5.0, true}, compound, days, o));
    // Customer codes in sorted id order (the table is sorted, so codes follow table rows).
    std::vector<std::int64_t> present(n, -1);
    std::int32_t n_codes = 0;
    {
      std::vector<std::int64_t> sorted_rows(row_customer);
      std::sort(sorted_rows.begin(), sorted_rows.end());
      sorted_rows.erase(std::unique(sorted_rows.begin(), sorted_rows.end()), sorted_rows.end());
      for (auto r : sorted_rows) present[static_cast<std::size_t>(r)] = n_codes++;
    }
    std::vector<std::int32_t> codes(m), touch(m, 0);
    for (std::size_t k = 0; k < m; ++k)
      codes[k] = static_cast<std::int32_t>(present[static_cast<std::size_t>(row_customer[k])]);
    std::vector<double> score(scored.score.data(), scored.score.data() + m);
    std::vector<double> weight(scored.weight.data(), scored.weight.data() + m);
    CUSTINSIGHT_ASSIGN_OR_RETURN(auto roll, rollup_customers(codes, n_codes, score, weight, days,
                                                              touch, scored.negative,
                                                              scored.mismatch));
    // Satisfaction: rating, text and NPS answer per response, weighted as documented in
    // custinsight.insight._combined_satisfaction.
    const double total =
        cfg.rating_weight + cfg.text_weight + (has_nps ? cfg.nps_weight : 0.0);
    std::vector<double> sw(static_cast<std::size_t>(n_codes), 0.0), sws(sw);
    for (std::size_t k = 0; k < m; ++k) {
      double num = 0.0, den = 0.0;
      const double parts[3][2] = {
          {cfg.rating_weight, scored.rating_norm[static_cast<Eigen::Index>(k)]},
          {cfg.text_weight, has_text ? compound[k] : nan},
          {cfg.nps_weight, has_nps ? (fb.nps[rows[k]] - 5.0) / 5.0 : nan}};
      for (const auto& [w, v] : parts) {
        if (std::isnan(v)) continue;
        num += w * v;
        den += w;
      }
      const double age =
          static_cast<double>(out.as_of_ns - fb.time_ns[rows[k]]) / 1e9 / 86400.0;
      const double decay = std::pow(0.5, std::max(age, 0.0) / cfg.half_life_days);
      const double wk = den > 0 ? den / total * decay : 0.0;
      const double sk = den > 0 ? num / den : 0.0;
      const auto c = static_cast<std::size_t>(codes[k]);
      sw[c] += wk;
      sws[c] += wk * sk;
    }
    // The latest scored response (later rows win ties) decides whether a complaint is open.
    std::vector<std::int64_t> latest(static_cast<std::size_t>(n_codes), -1);
    for (std::size_t k = 0; k < m; ++k) {
      if (std::isnan(score[k])) continue;
      auto& l = latest[static_cast<std::size_t>(codes[k])];
      if (l < 0 || fb.time_ns[rows[k]] >= fb.time_ns[rows[static_cast<std::size_t>(l)]])
        l = static_cast<std::int64_t>(k);
    }
    for (std::size_t row = 0; row < n; ++row) {
      const auto c = present[row];
      if (c < 0) continue;
      const auto cc = static_cast<std::size_t>(c);
      out.satisfaction[row] = sw[cc] > 0 ? sws[cc] / sw[cc] : nan;
      out.satisfaction_trend[row] = roll.trend[static_cast<Eigen::Index>(cc)] * 30.0;
      out.n_responses[row] = roll.n_responses[cc];
      const auto l = latest[cc];
      if (l >= 0) {
        const auto lk = static_cast<std::size_t>(l);
        if (scored.negative[lk] && out.as_of_ns - fb.time_ns[rows[lk]] <= complaint_ns)
          complaint[row] = 1;
      }
    }
  }
  if (has_nps) {
    std::vector<std::int64_t> latest(n, -1);
    for (std::size_t k = 0; k < m; ++k) {
      if (std::isnan(fb.nps[rows[k]])) continue;
      auto& l = latest[static_cast<std::size_t>(row_customer[k])];
      if (l < 0 || fb.time_ns[rows[k]] >= fb.time_ns[rows[static_cast<std::size_t>(l)]])
        l = static_cast<std::int64_t>(k);
    }
    for (std::size_t row = 0; row < n; ++row) {
      if (latest[row] < 0) continue;
      const std::size_t i = rows[static_cast<std::size_t>(latest[row])];
      out.nps_latest[row] = fb.nps[i];
      if (fb.nps[i] <= 6 && out.as_of_ns - fb.time_ns[i] <= complaint_ns) complaint[row] = 1;
      if (!(has_rating || has_text)) out.n_responses[row] = 1;
    }
  }
  return absl::OkStatus();
}

namespace detail {

/// Table row of each id (-1: not in the table); `customers` is sorted.
inline std::vector<std::int64_t> table_rows(const std::vector<std::int64_t>& customers,
                                            const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> rows(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto it = std::lower_bound(customers.begin(), customers.end(), ids[i]);
    rows[i] = it != customers.end() && *it == ids[i] ? it - customers.begin() : -1;
  }
  return rows;
}

}  // namespace detail

/// @brief Score every customer with a purchase up to `as_of_ns` (default: the latest).
/// @param tx transactions; later ones are left out
/// @param feedback optional feedback; later rows and unknown customers are left out
/// @param contacts optional contact log; @param support optional support transcripts (later
///        entries and unknown customers are left out of both)
/// @return the table, or the first error (bad input or a model that cannot be fitted)
inline absl::StatusOr<InsightTable> score_table(
    const Transactions& tx, const Feedback* feedback, std::optional<std::int64_t> as_of_ns,
    const InsightConfig& cfg, const Contacts* contacts = nullptr,
    const SupportTurns* support = nullptr,
    const std::function<std::string(std::int64_t)>& label = {}) {
  CUSTINSIGHT_RETURN_IF_ERROR(validate(cfg));
  if (cfg.label_window_days > 0)
    return absl::UnimplementedError(
        "config label_window_days > 0 (churn risk from a trained ChurnModel) is only available "
        "in the Python package; use 0 for the loyalty model's closed form");
  if (tx.customer.empty()) return absl::InvalidArgumentError("transactions has no rows");
  InsightTable out;
  out.as_of_ns = as_of_ns ? *as_of_ns : *std::max_element(tx.time_ns.begin(), tx.time_ns.end());
  Transactions kept;
  for (std::size_t i = 0; i < tx.customer.size(); ++i) {
    if (tx.time_ns[i] > out.as_of_ns) continue;
    kept.customer.push_back(tx.customer[i]);
    kept.time_ns.push_back(tx.time_ns[i]);
    kept.amount.push_back(tx.amount[i]);
  }
  if (kept.customer.empty())
    return absl::InvalidArgumentError("no transaction on or before as_of");
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      RfmSummary rfm,
      rfm_summary<std::int64_t>(kept.customer, kept.time_ns, kept.amount, out.as_of_ns,
                                PeriodSpec<std::int64_t>{kNsPerDay, 0, cfg.period_days}));
  out.customer = rfm.customer_id;
  auto vec = [](const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  out.frequency = vec(rfm.frequency);
  out.recency = vec(rfm.recency);
  out.T = vec(rfm.T);
  out.monetary_value = vec(rfm.monetary_value);

  BetaGeoModel bg;
  ModifiedBetaGeoModel mbg;
  ParetoNBDModel pnbd;
  const bool all = cfg.model == "auto";
  std::string errors;
  auto attempt = [&](const char* name, auto& model) -> absl::Status {
    if (!all && cfg.model != name) return absl::OkStatus();
    auto bic = detail::fit_and_bic(model, out.frequency, out.recency, out.T, cfg.penalizer);
    if (!bic.ok()) {
      if (!all) return bic.status();
      errors += std::string(errors.empty() ? "" : "; ") + name + ": " +
                std::string(bic.status().message());
      return absl::OkStatus();
    }
    out.bics.emplace_back(name, *bic);
    return absl::OkStatus();
  };
  CUSTINSIGHT_RETURN_IF_ERROR(attempt("beta_geo", bg));
  CUSTINSIGHT_RETURN_IF_ERROR(attempt("modified_beta_geo", mbg));
  CUSTINSIGHT_RETURN_IF_ERROR(attempt("pareto_nbd", pnbd));
  if (out.bics.empty())
    return absl::InvalidArgumentError("no loyalty model could be fitted: " + errors);
  std::size_t best = 0;
  for (std::size_t k = 1; k < out.bics.size(); ++k)
    if (out.bics[k].second < out.bics[best].second) best = k;
  out.model = out.bics[best].first;
  const double horizon = cfg.horizon_days / cfg.period_days;
  if (out.model == "beta_geo") {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::model_outputs(bg, out, horizon, cfg, ModelKind::kBetaGeo, kept.amount));
  } else if (out.model == "modified_beta_geo") {
    CUSTINSIGHT_RETURN_IF_ERROR(
        detail::model_outputs(mbg, out, horizon, cfg, ModelKind::kModifiedBetaGeo, kept.amount));
  } else {
    CUSTINSIGHT_RETURN_IF_ERROR(
        detail::model_outputs(pnbd, out, horizon, cfg, ModelKind::kParetoNbd, kept.amount));
  }
  // Optional inputs whose ids do not join are refused before anything is computed from them.
  auto join = [&](const char* name, const std::vector<std::int64_t>& ids,
                  const std::vector<std::int64_t>& times) -> absl::Status {
    const auto rows = detail::table_rows(out.customer, ids);
    out.joins.push_back(join_report(name, ids, rows, times, out.as_of_ns));
    std::vector<std::string> labels;
    for (auto id : out.joins.back().first_unmatched)
      labels.push_back(quote_value(label ? label(id) : std::to_string(id)));
    return check_join(out.joins.back(), labels);
  };
  if (feedback != nullptr)
    CUSTINSIGHT_RETURN_IF_ERROR(join("feedback", feedback->customer, feedback->time_ns));
  if (contacts != nullptr)
    CUSTINSIGHT_RETURN_IF_ERROR(join("contacts", contacts->customer, contacts->time_ns));
  if (support != nullptr)
    CUSTINSIGHT_RETURN_IF_ERROR(join("transcripts", support->customer, support->time_ns));
  std::vector<std::uint8_t> complaint;
  CUSTINSIGHT_RETURN_IF_ERROR(add_feedback(feedback ? *feedback : Feedback{}, cfg, out, complaint));
  const std::size_t n = out.customer.size();
  if (contacts != nullptr) {
    const auto rows = detail::table_rows(out.customer, contacts->customer);
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        out.contacts, summarise_contacts(rows, contacts->time_ns, contacts->outbound,
                                         contacts->complaint, n, out.as_of_ns, cfg, complaint));
  }
  if (support != nullptr) {
    const auto rows = detail::table_rows(out.customer, support->customer);
    std::vector<std::string_view> views(support->text.begin(), support->text.end());
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        out.support, summarise_support(rows, support->conversation, support->n_conversations,
                                       support->role, support->time_ns, views, n, out.as_of_ns,
                                       cfg, complaint));
  }
  ScoringInput in{out.frequency,    out.recency,      out.T,
                  out.p_alive,      out.churn_risk,   out.no_purchase_risk, out.clv,
                  out.satisfaction, out.satisfaction_trend, out.nps_latest,
                  complaint, {}, {}, {}};
  if (out.contacts) {
    in.outbound_30d = out.contacts->outbound_30d;
    in.days_since_complaint = out.contacts->days_since_complaint;
  }
  if (out.support) in.support_quality = out.support->support_quality;
  CUSTINSIGHT_ASSIGN_OR_RETURN(out.scores, score_customers(in, cfg));
  return out;
}

}  // namespace custinsight::insight
