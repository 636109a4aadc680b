#pragma once

/// @file conversation.hpp
/// @brief Quality of support conversations from their transcripts, and per-agent roll-ups.
///
/// A transcript is a list of turns, each with a conversation code, a speaker role (agent or
/// customer), a timestamp, its text and, for customer turns, a precomputed compound sentiment
/// in [-1, 1] (NaN when unknown). Per conversation:
///
/// - sentiment trajectory: the mean compound of the first `edge_turns` scored customer turns,
///   of the last `edge_turns`, and their difference (last - first);
/// - agent response delay: for every run of customer turns answered by an agent, the time from
///   the first unanswered customer turn to the agent's reply; mean and maximum;
/// - jargon density: agent tokens covered by technical terms / all agent tokens;
/// - condescension and impatience cues in agent turns, and confusion in customer turns
///   (phrases, plus questions repeating an earlier customer question: Jaccard similarity of
///   their token sets at least `repeat_similarity`).
///
/// The quality score, in [0, 100], is a weighted mean of six components in [0, 1]:
///
///     ending        = (last + 1) / 2
///     improvement   = clamp((last - first + 1) / 2, 0, 1)
///     responsiveness= 1 / (1 + mean_delay / delay_scale)
///     plain_words   = max(0, 1 - jargon_density / jargon_cap)
///     courtesy      = 1 / (1 + condescension + impatience)
///     clarity       = 1 / (1 + confusion + repeated_questions)
///
/// Components that cannot be computed (no scored customer turn, no answered turn, no agent
/// token) are left out and the remaining weights renormalised.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/common.hpp"
#include "custinsight/satisfaction/conversation_text.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

enum class SpeakerRole : std::uint8_t { agent = 0, customer = 1 };

/// @brief Weights of the quality components (any non-negative values, not all zero).
struct QualityWeights {
  double ending = 0.2;
  double improvement = 0.2;
  double responsiveness = 0.15;
  double plain_words = 0.15;
  double courtesy = 0.15;
  double clarity = 0.15;
};

struct ConversationOptions {
  std::vector<std::string> jargon = default_jargon();
  std::vector<std::string> condescension = default_condescension();
  std::vector<std::string> impatience = default_impatience();
  std::vector<std::string> confusion = default_confusion();
  std::int32_t edge_turns = 1;
  double delay_scale = 120.0;  ///< in the units of `time`; a reply this late halves responsiveness
  double jargon_cap = 0.15;    ///< density at which plain_words reaches 0
  double repeat_similarity = 0.5;
  QualityWeights weights;
};

/// @brief One entry per conversation code.
struct ConversationQuality {
  std::vector<std::int32_t> n_turns, n_agent_turns, n_customer_turns;
  Eigen::VectorXd sentiment_first, sentiment_last, sentiment_change;
  Eigen::VectorXd mean_delay, max_delay;
  std::vector<std::int64_t> agent_tokens, jargon_tokens;
  Eigen::VectorXd jargon_density;
  std::vector<std::int32_t> condescension, impatience, confusion, repeated_questions;
  Eigen::VectorXd quality;
};

/// @brief One entry per agent code.
struct AgentRollup {
  std::vector<std::int32_t> n_conversations;
  Eigen::VectorXd mean_quality;
  Eigen::VectorXd mean_delay;              ///< mean of the conversations' mean delays
  Eigen::VectorXd jargon_density;          ///< pooled over all the agent's tokens
  Eigen::VectorXd cues_per_conversation;   ///< condescension + impatience
  Eigen::VectorXd confusion_per_conversation;  ///< confusion phrases + repeated questions
  Eigen::VectorXd mean_sentiment_change;
  Eigen::VectorXd negative_end_share;      ///< conversations whose last customer compound < 0
};

namespace detail {

inline absl::Status validate_conversation_options(const ConversationOptions& o) {
  if (o.edge_turns < 1)
    return absl::InvalidArgumentError(absl::StrFormat("edge_turns = %d: must be >= 1", o.edge_turns));
  CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar("delay_scale", o.delay_scale));
  CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar("jargon_cap", o.jargon_cap));
  if (!(o.repeat_similarity > 0.0 && o.repeat_similarity <= 1.0))
    return absl::InvalidArgumentError("repeat_similarity must be in (0, 1]");
  const QualityWeights& w = o.weights;
  double total = 0.0;
  for (double v : {w.ending, w.improvement, w.responsiveness, w.plain_words, w.courtesy, w.clarity}) {
    if (!(std::isfinite(v) && v >= 0.0))
      return absl::InvalidArgumentError("quality weights must be finite and non-negative");
    total += v;
  }
  if (!(total > 0.0)) return absl::InvalidArgumentError("quality weights are all zero");
  return absl::OkStatus();
}

struct CompiledCues {
  PhraseSet jargon, condescension, impatience, confusion;
  explicit CompiledCues(const ConversationOptions& o)
      : jargon(o.jargon), condescension(o.condescension), impatience(o.impatience),
        confusion(o.confusion) {}
};

inline double mean_of(const std::vector<double>& v, std::size_t begin, std::size_t end) {
  double s = 0.0;
  for (std::size_t i = begin; i < end; ++i) s += v[i];
  return s / static_cast<double>(end - begin);
}

}  // namespace detail

/// @brief Score every conversation of a transcript log.
/// @param conversation conversation code per turn, 0..n_conversations-1 (turns in any order)
/// @param n_conversations number of conversations
/// @param role speaker per turn: 0 agent, 1 customer
/// @param time turn timestamps (finite); turns of a conversation are taken in time order,
///        ties in input order
/// @param text turn texts
/// @param compound compound sentiment per turn in [-1, 1], NaN when unknown; only customer
///        turns are used
/// @param options vocabularies, scales and weights
inline absl::StatusOr<ConversationQuality> conversation_quality(
    std::span<const std::int32_t> conversation, std::int32_t n_conversations,
    std::span<const std::uint8_t> role, std::span<const double> time,
    std::span<const std::string> text, std::span<const double> compound,
    const ConversationOptions& options = {}) {
  const std::size_t n = conversation.size();
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate_conversation_options(options));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(conversation, n_conversations, "conversation", n));
  for (std::size_t i = 0; i < n; ++i)
    if (conversation[i] < 0)
      return detail::invalid_element("conversation", i, conversation[i], "is missing");
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("role", role.size(), "conversation", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("time", time.size(), "conversation", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("text", text.size(), "conversation", n));
  CUSTINSIGHT_RETURN_IF_ERROR(
      detail::check_same_length("compound", compound.size(), "conversation", n));
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_finite("time", time));
  for (std::size_t i = 0; i < n; ++i) {
    if (role[i] > 1) return detail::invalid_element("role", i, role[i], "must be 0 (agent) or 1 (customer)");
    if (!std::isnan(compound[i]) && !(compound[i] >= -1.0 && compound[i] <= 1.0))
      return detail::invalid_element("compound", i, compound[i], "must be in [-1, 1] or NaN");
  }

  // Group turns by conversation (a stable counting sort), then order each by time.
  const auto c = static_cast<std::size_t>(n_conversations);
  std::vector<std::int64_t> offsets(c + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++offsets[static_cast<std::size_t>(conversation[i]) + 1];
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  std::vector<std::int64_t> order(n);
  {
    std::vector<std::int64_t> cursor(offsets.begin(), offsets.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
      order[static_cast<std::size_t>(cursor[static_cast<std::size_t>(conversation[i])]++)] =
          static_cast<std::int64_t>(i);
  }

  const detail::CompiledCues cues(options);
  const auto ci = static_cast<Eigen::Index>(c);
  ConversationQuality q;
  for (auto v : {&q.n_turns, &q.n_agent_turns, &q.n_customer_turns, &q.condescension,
                 &q.impatience, &q.confusion, &q.repeated_questions})
    v->assign(c, 0);
  q.agent_tokens.assign(c, 0);
  q.jargon_tokens.assign(c, 0);
  for (auto v : {&q.sentiment_first, &q.sentiment_last, &q.sentiment_change, &q.mean_delay,
                 &q.max_delay, &q.jargon_density, &q.quality})
    *v = Eigen::VectorXd::Constant(ci, detail::kNaN);
  const QualityWeights& w = options.weights;
  const auto edge = static_cast<std::size_t>(options.edge_turns);

  detail::parallel_for(ci, [&](std::ptrdiff_t conv) {
    const auto k = static_cast<std::size_t>(conv);
    auto first = order.begin() + offsets[k], last = order.begin() + offsets[k + 1];
    std::stable_sort(first, last, [&](std::int64_t a, std::int64_t b) {
      return time[static_cast<std::size_t>(a)] < time[static_cast<std::size_t>(b)];
    });
    std::vector<double> scored;
    std::vector<std::vector<std::string_view>> questions;
    std::vector<std::unique_ptr<detail::Tokens>> keep_alive;  // questions hold views into these
    double delay_sum = 0.0, delay_max = 0.0, pending_since = detail::kNaN;
    std::int32_t delays = 0;
    for (auto it = first; it != last; ++it) {
      const auto i = static_cast<std::size_t>(*it);
      ++q.n_turns[k];
      auto tokens = std::make_unique<detail::Tokens>(text[i]);
      if (role[i] == static_cast<std::uint8_t>(SpeakerRole::agent)) {
        ++q.n_agent_turns[k];
        if (!std::isnan(pending_since)) {
          const double d = time[i] - pending_since;
          delay_sum += d;
          delay_max = std::max(delay_max, d);
          ++delays;
          pending_since = detail::kNaN;
        }
        q.agent_tokens[k] += static_cast<std::int64_t>(tokens->size());
        q.jargon_tokens[k] += cues.jargon.match(tokens->views()).tokens;
        q.condescension[k] += static_cast<std::int32_t>(cues.condescension.match(tokens->views()).phrases);
        q.impatience[k] += static_cast<std::int32_t>(cues.impatience.match(tokens->views()).phrases);
        continue;
      }
      ++q.n_customer_turns[k];
      if (std::isnan(pending_since)) pending_since = time[i];
      if (!std::isnan(compound[i])) scored.push_back(compound[i]);
      q.confusion[k] += static_cast<std::int32_t>(cues.confusion.match(tokens->views()).phrases);
      if (text[i].find('?') != std::string::npos) {
        std::vector<std::string_view> set = tokens->views();
        std::sort(set.begin(), set.end());
        set.erase(std::unique(set.begin(), set.end()), set.end());
        for (const auto& earlier : questions) {
          if (detail::jaccard(set, earlier) >= options.repeat_similarity) {
            ++q.repeated_questions[k];
            break;
          }
        }
        questions.push_back(std::move(set));
        keep_alive.push_back(std::move(tokens));
      }
    }
    const auto j = static_cast<Eigen::Index>(conv);
    if (!scored.empty()) {
      const std::size_t m = std::min(edge, scored.size());
      q.sentiment_first[j] = detail::mean_of(scored, 0, m);
      q.sentiment_last[j] = detail::mean_of(scored, scored.size() - m, scored.size());
      q.sentiment_change[j] = q.sentiment_last[j] - q.sentiment_first[j];
    }
    if (delays > 0) {
      q.mean_delay[j] = delay_sum / delays;
      q.max_delay[j] = delay_max;
    }
    if (q.agent_tokens[k] > 0)
      q.jargon_density[j] = static_cast<double>(q.jargon_tokens[k]) / static_cast<double>(q.agent_tokens[k]);

    double num = 0.0, den = 0.0;
    auto add = [&](double weight, double component) {
      if (std::isnan(component)) return;
      num += weight * component;
      den += weight;
    };
    add(w.ending, (q.sentiment_last[j] + 1.0) / 2.0);
    add(w.improvement, std::isnan(q.sentiment_change[j])
                           ? detail::kNaN
                           : std::clamp((q.sentiment_change[j] + 1.0) / 2.0, 0.0, 1.0));
    add(w.responsiveness, 1.0 / (1.0 + q.mean_delay[j] / options.delay_scale));
    add(w.plain_words, std::max(0.0, 1.0 - q.jargon_density[j] / options.jargon_cap));
    add(w.courtesy, 1.0 / (1.0 + q.condescension[k] + q.impatience[k]));
    add(w.clarity, 1.0 / (1.0 + q.confusion[k] + q.repeated_questions[k]));
    q.quality[j] = den > 0.0 ? 100.0 * num / den : detail::kNaN;
  });
  return q;
}

/// @brief Roll conversation quality up per agent.
/// @param agent agent code per conversation (negative: no agent)
/// @param n_agents number of agents
/// @param q the result of conversation_quality
inline absl::StatusOr<AgentRollup> rollup_agents(std::span<const std::int32_t> agent,
                                                 std::int32_t n_agents,
                                                 const ConversationQuality& q) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::check_groups(agent, n_agents, "conversations", q.n_turns.size()));
  const auto a = static_cast<std::size_t>(n_agents);
  const auto agents_size = static_cast<Eigen::Index>(a);
  AgentRollup out;
  out.n_conversations.assign(a, 0);
  std::vector<double> quality(a, 0.0), n_quality(a, 0.0), delay(a, 0.0), n_delay(a, 0.0),
      tokens(a, 0.0), jargon(a, 0.0), cues(a, 0.0), confusion(a, 0.0), change(a, 0.0),
      n_change(a, 0.0), negative_end(a, 0.0), n_end(a, 0.0);
  for (std::size_t k = 0; k < agent.size(); ++k) {
    if (agent[k] < 0) continue;
    const auto g = static_cast<std::size_t>(agent[k]);
    const auto j = static_cast<Eigen::Index>(k);
    ++out.n_conversations[g];
    if (!std::isnan(q.quality[j])) quality[g] += q.quality[j], n_quality[g] += 1.0;
    if (!std::isnan(q.mean_delay[j])) delay[g] += q.mean_delay[j], n_delay[g] += 1.0;
    tokens[g] += static_cast<double>(q.agent_tokens[k]);
    jargon[g] += static_cast<double>(q.jargon_tokens[k]);
    cues[g] += q.condescension[k] + q.impatience[k];
    confusion[g] += q.confusion[k] + q.repeated_questions[k];
    if (!std::isnan(q.sentiment_change[j])) change[g] += q.sentiment_change[j], n_change[g] += 1.0;
    if (!std::isnan(q.sentiment_last[j])) negative_end[g] += q.sentiment_last[j] < 0.0, n_end[g] += 1.0;
  }
  auto ratio = [](double x, double y) { return y > 0.0 ? x / y : detail::kNaN; };
  for (auto v : {&out.mean_quality, &out.mean_delay, &out.jargon_density, &out.cues_per_conversation,
                 &out.confusion_per_conversation, &out.mean_sentiment_change, &out.negative_end_share})
    v->resize(agents_size);
  for (std::size_t g = 0; g < a; ++g) {
    const auto j = static_cast<Eigen::Index>(g);
    const double m = static_cast<double>(out.n_conversations[g]);
    out.mean_quality[j] = ratio(quality[g], n_quality[g]);
    out.mean_delay[j] = ratio(delay[g], n_delay[g]);
    out.jargon_density[j] = ratio(jargon[g], tokens[g]);
    out.cues_per_conversation[j] = ratio(cues[g], m);
    out.confusion_per_conversation[j] = ratio(confusion[g], m);
    out.mean_sentiment_change[j] = ratio(change[g], n_change[g]);
    out.negative_end_share[j] = ratio(negative_end[g], n_end[g]);
  }
  return out;
}

}  // namespace custinsight
