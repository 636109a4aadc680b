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
#include "custinsight/insight/config.hpp"
#include "custinsight/insight/contacts.hpp"
#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/scoring.hpp"
#include "custinsight/insight/steps.hpp"
#include "custinsight/rfm.hpp"
#include "custinsight/satisfaction/weighted.hpp"
#include "custinsight/sentiment/batch.hpp"
#include "custinsight/sentiment/default_lexicon.hpp"

namespace custinsight::insight {

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
  std::string model_note;  ///< why the loyalty fit needed a larger penalty ("" if it did not)
  std::int64_t as_of_ns = 0;
  /// False when spend is the population mean (no Gamma-Gamma fit: too few repeat buyers).
  bool spend_fitted = true;
  std::string spend_note;  ///< why spend is the population mean ("" when fitted)
  std::vector<JoinReport> joins;  ///< one per optional input given
};

/// @brief Add the feedback columns (satisfaction, trend, responses, latest NPS) and the
/// complaint flags to a table with RFM and model outputs: each response is scored by
/// weighted_satisfaction (texts by the package's analyser) and rolled up by feedback_columns.
inline absl::Status add_feedback(const Feedback& fb, const InsightConfig& cfg,
                                 InsightTable& out, std::vector<std::uint8_t>& complaint) {
  const std::size_t n = out.customer.size();
  // Rows up to as_of from customers in the table, in file order.
  std::vector<std::size_t> rows;
  std::vector<std::int64_t> row_customer, time_ns;
  for (std::size_t i = 0; i < fb.customer.size(); ++i) {
    if (fb.time_ns[i] > out.as_of_ns) continue;
    auto it = std::lower_bound(out.customer.begin(), out.customer.end(), fb.customer[i]);
    if (it == out.customer.end() || *it != fb.customer[i]) continue;
    rows.push_back(i);
    row_customer.push_back(it - out.customer.begin());
    time_ns.push_back(fb.time_ns[i]);
  }
  const std::size_t m = rows.size();
  const bool has_rating = !fb.rating.empty(), has_text = !fb.text.empty();
  std::vector<double> rating, compound, nps, days(m);
  std::vector<std::string_view> texts;
  std::vector<std::uint8_t> missing;
  for (std::size_t k = 0; k < m; ++k) {
    days[k] = static_cast<double>(fb.time_ns[rows[k]]) / static_cast<double>(kNsPerDay);
    if (has_rating) rating.push_back(fb.rating[rows[k]]);
    if (!fb.nps.empty()) nps.push_back(fb.nps[rows[k]]);
    if (has_text) {
      texts.push_back(fb.text[rows[k]]);
      missing.push_back(fb.text_missing[rows[k]]);
    }
  }
  Responses in{row_customer, time_ns, {}, {}, {}, {}, nps, {}, {}, has_rating || has_text};
  ResponseScores scored;
  if (m > 0 && in.scored) {
    if (has_text) {
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
    CUSTINSIGHT_ASSIGN_OR_RETURN(scored,
                                 weighted_satisfaction(rating, cfg.rating_scale, compound, days, o));
    in.score = {scored.score.data(), m};
    in.weight = {scored.weight.data(), m};
    in.rating_norm = {scored.rating_norm.data(), m};
    in.compound = compound;
    in.negative = scored.negative;
    in.mismatch = scored.mismatch;
  }
  CUSTINSIGHT_ASSIGN_OR_RETURN(FeedbackColumns cols, feedback_columns(in, n, out.as_of_ns, cfg));
  out.satisfaction = std::move(cols.satisfaction);
  out.satisfaction_trend = std::move(cols.satisfaction_trend);
  out.nps_latest = std::move(cols.nps_latest);
  out.n_responses = std::move(cols.n_responses);
  complaint = std::move(cols.complaint);
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

  CUSTINSIGHT_ASSIGN_OR_RETURN(
      LoyaltyChoice choice,
      choose_loyalty_model(out.frequency, out.recency, out.T, {}, cfg));
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      SpendChoice spend, choose_spend_model(out.frequency, out.monetary_value, {},
                                            population_mean_spend(kept.amount), cfg));
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      ModelColumns columns, model_columns(choice.model, choice.params, spend, out.frequency,
                                          out.recency, out.T, out.monetary_value, cfg));
  out.p_alive = std::move(columns.p_alive);
  out.expected_purchases = std::move(columns.expected_purchases);
  out.no_purchase_risk = std::move(columns.no_purchase_risk);
  out.churn_risk = std::move(columns.churn_risk);
  out.clv = std::move(columns.clv);
  out.spend_fitted = spend.fitted;
  out.spend_note = spend.note;
  out.model = choice.model;
  out.bics = choice.bics;
  out.model_note = choice.note;
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
