#pragma once

/// @file insight/contacts.hpp
/// @brief What the insight table takes from an outbound/inbound contact log and from support
/// transcripts: outbound contacts in the last 30 days (over-contacting), days since the last
/// logged complaint, and the quality and ending of each customer's latest support
/// conversation. Shared by the Python pipeline and custinsight-score, so both give the same
/// numbers.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/insight/config.hpp"
#include "custinsight/satisfaction/conversation.hpp"
#include "custinsight/sentiment/batch.hpp"
#include "custinsight/sentiment/default_lexicon.hpp"
#include "custinsight/status.hpp"

namespace custinsight::insight {

/// Per table row, from the contact log.
struct ContactColumns {
  /// Outbound contacts with as_of - 30 days < time <= as_of; NaN without a direction column.
  std::vector<double> outbound_30d;
  /// Days from the latest logged complaint to as_of; NaN when none (or no complaint column).
  std::vector<double> days_since_complaint;
};

/// Per table row, from the support transcripts.
struct SupportColumns {
  std::vector<std::int64_t> n_conversations;
  /// Quality (0-100) of the customer's latest conversation; NaN when none.
  std::vector<double> support_quality;
  /// The customer's sentiment over the last turn of that conversation; NaN when unknown.
  std::vector<double> support_ending;
};

namespace detail {

inline constexpr double kNsPerDayF = 86'400'000'000'000.0;

inline absl::Status check_rows(std::string_view name, std::span<const std::int64_t> row,
                               std::size_t n_rows) {
  for (std::size_t i = 0; i < row.size(); ++i)
    if (row[i] < -1 || row[i] >= static_cast<std::int64_t>(n_rows))
      return custinsight::detail::invalid_element(name, i, row[i],
                                                  "must be -1 (not in the table) or a table row");
  return absl::OkStatus();
}

/// The analyser of the feedback texts (corrected mode, embedded lexicon), built once.
inline const SentimentAnalyzer& insight_analyzer() {
  static const SentimentAnalyzer analyzer(default_sentiment_lexicon(), SentimentOptions{true});
  return analyzer;
}

}  // namespace detail

/// @brief Roll a contact log up to the table's rows.
/// @param row table row of each contact (-1: a customer not in the table, skipped)
/// @param time_ns contact times; contacts after `as_of_ns` are skipped
/// @param outbound 1 outbound, 0 inbound; empty: the log has no direction
/// @param complaint 1 when the contact was a complaint; empty: the log does not say
/// @param n_rows rows of the table
/// @param complaint_open set to 1 for rows with a complaint within cfg.complaint_days
/// @return the per-row columns, or an error naming the first bad entry
inline absl::StatusOr<ContactColumns> summarise_contacts(
    std::span<const std::int64_t> row, std::span<const std::int64_t> time_ns,
    std::span<const std::uint8_t> outbound, std::span<const std::uint8_t> complaint,
    std::size_t n_rows, std::int64_t as_of_ns, const InsightConfig& cfg,
    std::span<std::uint8_t> complaint_open) {
  namespace cd = custinsight::detail;
  const std::size_t n = row.size();
  CUSTINSIGHT_RETURN_IF_ERROR(cd::check_same_length("time", time_ns.size(), "row", n));
  if (!outbound.empty())
    CUSTINSIGHT_RETURN_IF_ERROR(cd::check_same_length("outbound", outbound.size(), "row", n));
  if (!complaint.empty())
    CUSTINSIGHT_RETURN_IF_ERROR(cd::check_same_length("complaint", complaint.size(), "row", n));
  CUSTINSIGHT_RETURN_IF_ERROR(
      cd::check_same_length("complaint_open", complaint_open.size(), "table rows", n_rows));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_rows("row", row, n_rows));
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  ContactColumns out;
  out.outbound_30d.assign(n_rows, outbound.empty() ? nan : 0.0);
  out.days_since_complaint.assign(n_rows, nan);
  std::vector<std::int64_t> latest(n_rows, std::numeric_limits<std::int64_t>::min());
  for (std::size_t i = 0; i < n; ++i) {
    if (row[i] < 0 || time_ns[i] > as_of_ns) continue;
    const auto r = static_cast<std::size_t>(row[i]);
    const double age_days = static_cast<double>(as_of_ns - time_ns[i]) / detail::kNsPerDayF;
    if (!outbound.empty() && outbound[i] && age_days < 30.0) out.outbound_30d[r] += 1.0;
    if (!complaint.empty() && complaint[i]) latest[r] = std::max(latest[r], time_ns[i]);
  }
  for (std::size_t r = 0; r < n_rows; ++r) {
    if (latest[r] == std::numeric_limits<std::int64_t>::min()) continue;
    const double days = static_cast<double>(as_of_ns - latest[r]) / detail::kNsPerDayF;
    out.days_since_complaint[r] = days;
    if (days <= cfg.complaint_days) complaint_open[r] = 1;
  }
  return out;
}

/// @brief Score the support conversations (custinsight::conversation_quality, customer turns
/// scored by the feedback analyser) and keep each customer's latest one.
///
/// The latest conversation is the one whose last turn (up to as_of) is latest; ties go to the
/// higher conversation code. Its customer's ending sentiment below cfg.negative_threshold,
/// within cfg.complaint_days, counts as an open complaint.
/// @param row table row of each turn's customer (-1: not in the table, skipped)
/// @param conversation conversation code of each turn, 0..n_conversations-1
/// @param role 0 agent, 1 customer; @param time_ns turn times (turns after as_of are skipped)
/// @param text turn texts (UTF-8)
/// @param complaint_open set to 1 for rows with an open complaint
inline absl::StatusOr<SupportColumns> summarise_support(
    std::span<const std::int64_t> row, std::span<const std::int32_t> conversation,
    std::int32_t n_conversations, std::span<const std::uint8_t> role,
    std::span<const std::int64_t> time_ns, std::span<const std::string_view> text,
    std::size_t n_rows, std::int64_t as_of_ns, const InsightConfig& cfg,
    std::span<std::uint8_t> complaint_open) {
  namespace cd = custinsight::detail;
  const std::size_t n = row.size();
  for (auto [name, size] : {std::pair{"conversation", conversation.size()},
                            {"role", role.size()}, {"time", time_ns.size()},
                            {"text", text.size()}})
    CUSTINSIGHT_RETURN_IF_ERROR(cd::check_same_length(name, size, "row", n));
  CUSTINSIGHT_RETURN_IF_ERROR(
      cd::check_same_length("complaint_open", complaint_open.size(), "table rows", n_rows));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_rows("row", row, n_rows));
  if (n_conversations < 0)
    return absl::InvalidArgumentError("n_conversations: must be non-negative");
  const auto c = static_cast<std::size_t>(n_conversations);
  // Each conversation belongs to one customer.
  std::vector<std::int64_t> owner(c, -2), first_turn(c, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (conversation[i] < 0 || conversation[i] >= n_conversations)
      return cd::invalid_element("conversation", i, conversation[i],
                                 "must be a conversation code");
    if (role[i] > 1) return cd::invalid_element("role", i, role[i], "must be 0 (agent) or 1 (customer)");
    const auto k = static_cast<std::size_t>(conversation[i]);
    if (owner[k] == -2) {
      owner[k] = row[i];
      first_turn[k] = static_cast<std::int64_t>(i);
    } else if (owner[k] != row[i]) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "transcripts: conversation of rows %d and %d has turns of two different customers",
          first_turn[k], i));
    }
  }
  // Turns up to as_of of customers in the table, re-coded densely in code order.
  std::vector<std::int32_t> dense(c, -1);
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < n; ++i)
    if (row[i] >= 0 && time_ns[i] <= as_of_ns) kept.push_back(i);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  SupportColumns out;
  out.n_conversations.assign(n_rows, 0);
  out.support_quality.assign(n_rows, nan);
  out.support_ending.assign(n_rows, nan);
  if (kept.empty()) return out;
  for (std::size_t i : kept) dense[static_cast<std::size_t>(conversation[i])] = 0;
  std::int32_t n_dense = 0;
  std::vector<std::size_t> code_of_dense;
  for (std::size_t k = 0; k < c; ++k)
    if (dense[k] == 0) {
      dense[k] = n_dense++;
      code_of_dense.push_back(k);
    }
  const std::size_t m = kept.size();
  std::int64_t t0 = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i : kept) t0 = std::min(t0, time_ns[i]);
  std::vector<std::int32_t> codes(m);
  std::vector<std::uint8_t> roles(m), missing(m);
  std::vector<double> seconds(m);
  std::vector<std::string> texts(m);
  std::vector<std::string_view> views(m);
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t i = kept[j];
    codes[j] = dense[static_cast<std::size_t>(conversation[i])];
    roles[j] = role[i];
    // Seconds from the earliest turn keep sub-second precision at any epoch.
    seconds[j] = static_cast<double>(time_ns[i] - t0) / 1e9;
    texts[j] = std::string(text[i]);
    views[j] = text[i];
    missing[j] = role[i] == 1 ? 0 : 1;  // only customer turns are scored
  }
  auto batch = score_texts(detail::insight_analyzer(), views, missing);
  if (!batch.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("transcripts: %s (among the turns kept)", batch.status().message()));
  }
  std::vector<double> compound(batch->compound.begin(), batch->compound.end());
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      auto quality, conversation_quality(codes, n_dense, roles, seconds, texts, compound));
  // Latest conversation per row: by its last kept turn, ties to the higher code.
  std::vector<std::int64_t> last_time(static_cast<std::size_t>(n_dense),
                                      std::numeric_limits<std::int64_t>::min());
  for (std::size_t j = 0; j < m; ++j) {
    auto& t = last_time[static_cast<std::size_t>(codes[j])];
    t = std::max(t, time_ns[kept[j]]);
  }
  std::vector<std::int64_t> best(n_rows, -1);
  for (std::size_t d = 0; d < static_cast<std::size_t>(n_dense); ++d) {
    const auto r = static_cast<std::size_t>(owner[code_of_dense[d]]);
    out.n_conversations[r] += 1;
    auto& b = best[r];
    if (b < 0 || last_time[d] >= last_time[static_cast<std::size_t>(b)])
      b = static_cast<std::int64_t>(d);
  }
  const std::int64_t complaint_ns =
      std::llround(cfg.complaint_days * detail::kNsPerDayF);
  for (std::size_t r = 0; r < n_rows; ++r) {
    if (best[r] < 0) continue;
    const auto d = static_cast<Eigen::Index>(best[r]);
    out.support_quality[r] = quality.quality[d];
    const double ending = quality.sentiment_last[d];
    out.support_ending[r] = ending;
    if (ending < cfg.negative_threshold &&
        as_of_ns - last_time[static_cast<std::size_t>(d)] <= complaint_ns)
      complaint_open[r] = 1;
  }
  return out;
}

}  // namespace custinsight::insight
