#pragma once

/// @file simulation/conversations.hpp
/// @brief Seeded support transcripts with a known label: each conversation is good or bad, and
/// bad ones tend to carry the cues conversation quality looks for (slow replies, jargon,
/// condescension and impatience, customer confusion and repeated questions, a sour ending).
/// Every cue also occurs, more rarely, in good conversations, so no single cue separates the
/// two classes. Agents are good or bad too, and bad agents have more bad conversations.

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custinsight/math/random.hpp"
#include "custinsight/status.hpp"

namespace custinsight {

struct ConversationSimConfig {
  std::int64_t n_conversations = 2000;
  std::uint64_t seed = 11;
  std::int32_t n_agents = 20;
  double bad_agent_share = 0.3;
  double bad_rate_good_agent = 0.15;  ///< chance that a good agent's conversation goes badly
  double bad_rate_bad_agent = 0.7;
};

/// @brief Turns (one entry per turn, conversations in order) and the truth per conversation.
struct SimulatedConversations {
  std::vector<std::int64_t> conversation_id;
  std::vector<std::uint8_t> role;  ///< 0 agent, 1 customer
  std::vector<double> time;        ///< seconds since the first conversation started
  std::vector<std::string> text;
  std::vector<double> tone;        ///< true tone of customer turns in [-1, 1]; NaN for agents
  std::vector<std::int32_t> agent;  ///< per conversation
  std::vector<std::uint8_t> good;   ///< per conversation
  std::vector<std::uint8_t> agent_is_bad;  ///< per agent
};

namespace detail {

struct ConversationBanks {
  static constexpr std::array<std::string_view, 6> openers = {
      "Why does my internet keep dropping every evening?",
      "Why was I charged twice on my bill this month?",
      "Why is there no signal on my phone at home?",
      "Why does the TV box keep freezing during films?",
      "Why can I not log in to my account anymore?",
      "Why will my new router not connect to the internet?"};
  static constexpr std::array<std::string_view, 6> helpful = {
      "Sorry to hear that, let me check your account.",
      "Thanks for waiting, I can see the problem on our side.",
      "Could you restart the box for me, please?",
      "I have reset your line, it should come back in a minute.",
      "I understand, I will sort this out for you now.",
      "I have refunded the extra charge to your card."};
  static constexpr std::array<std::string_view, 6> jargon = {
      "Your DHCP lease expired so the gateway dropped your IP address.",
      "The SNR on your VDSL line profile is low, so DLM lowered the sync rate.",
      "Check the MTU on the WAN interface and clear the DNS cache.",
      "Your APN settings are wrong and VoLTE provisioning failed.",
      "The ONT lost sync with the OLT, so check the splitter and the ethernet backhaul.",
      "Do a factory reset and a power cycle, then renew the DHCP lease."};
  static constexpr std::array<std::string_view, 6> cues = {
      "As I already said, ", "Obviously, ", "It's simple: ", "You should know that ",
      "Like I said, ", "I already told you, "};
  static constexpr std::array<std::string_view, 5> neutral = {
      "Ok, I did that.", "Alright, it is restarting now.", "Done, the lights are blinking.",
      "Fine, I am looking at it.", "Ok, one moment."};
  static constexpr std::array<std::string_view, 4> confused = {
      "What do you mean?", "I don't understand.", "Sorry, what does that mean?",
      "I'm confused, which button?"};
  static constexpr std::array<std::string_view, 4> happy_end = {
      "Thanks, that fixed it!", "Great, it works now, thank you so much.",
      "Perfect, all good now, thanks for the help.", "Brilliant, problem solved, thank you!"};
  static constexpr std::array<std::string_view, 4> sour_end = {
      "This is useless, nothing is fixed.", "Terrible support, it still does not work.",
      "I am angry, I wasted an hour and nothing changed.", "Awful, I want to cancel."};
};

inline double clamp_tone(double x) { return std::max(-1.0, std::min(1.0, x)); }

}  // namespace detail

/// @brief Simulate support conversations (sequential and seeded: same output everywhere).
inline absl::StatusOr<SimulatedConversations> simulate_conversations(
    const ConversationSimConfig& c = {}) {
  if (c.n_conversations <= 0 || c.n_conversations > std::numeric_limits<std::int32_t>::max())
    return absl::InvalidArgumentError("n_conversations must be in [1, 2^31 - 1]");
  if (c.n_agents <= 0) return absl::InvalidArgumentError("n_agents must be positive");
  for (auto [name, v] : {std::pair{"bad_agent_share", c.bad_agent_share},
                         {"bad_rate_good_agent", c.bad_rate_good_agent},
                         {"bad_rate_bad_agent", c.bad_rate_bad_agent}})
    if (!(v >= 0.0 && v <= 1.0))
      return absl::InvalidArgumentError(absl::StrFormat("%s = %g: must be in [0, 1]", name, v));
  using B = detail::ConversationBanks;
  SimulatedConversations s;
  s.agent_is_bad.resize(static_cast<std::size_t>(c.n_agents));
  for (std::int32_t a = 0; a < c.n_agents; ++a) {
    detail::Rng rng(c.seed, 0xA6E000000000ULL + static_cast<std::uint64_t>(a));
    s.agent_is_bad[static_cast<std::size_t>(a)] = rng.bernoulli(c.bad_agent_share);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::int64_t k = 0; k < c.n_conversations; ++k) {
    detail::Rng rng(c.seed, static_cast<std::uint64_t>(k));
    const auto agent = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(c.n_agents)));
    const bool bad_agent = s.agent_is_bad[static_cast<std::size_t>(agent)];
    const bool good = !rng.bernoulli(bad_agent ? c.bad_rate_bad_agent : c.bad_rate_good_agent);
    s.agent.push_back(agent);
    s.good.push_back(good);
    // Chances of each cue per turn: bad conversations show them often, good ones rarely.
    const double p_jargon = good ? 0.08 : 0.5, p_cue = good ? 0.03 : 0.35;
    const double p_confused = good ? 0.08 : 0.45, p_repeat = good ? 0.05 : 0.3;
    const double mean_delay = good ? 40.0 : 150.0;
    double t = static_cast<double>(k) * 3600.0;
    auto turn = [&](std::uint8_t role, std::string text, double tone) {
      s.conversation_id.push_back(k);
      s.role.push_back(role);
      s.time.push_back(std::round(t));
      s.text.push_back(std::move(text));
      s.tone.push_back(tone);
    };
    const std::string_view opener = B::openers[rng.below(B::openers.size())];
    turn(1, std::string(opener), detail::clamp_tone(-0.4 + 0.25 * rng.normal()));
    const int rounds = 2 + static_cast<int>(rng.below(4));
    for (int r = 0; r < rounds; ++r) {
      t += rng.exponential(1.0 / mean_delay);
      std::string reply;
      const bool cue = rng.bernoulli(p_cue);
      if (cue) reply += B::cues[rng.below(B::cues.size())];
      std::string sentence(rng.bernoulli(p_jargon) ? B::jargon[rng.below(B::jargon.size())]
                                                   : B::helpful[rng.below(B::helpful.size())]);
      // After a cue the sentence goes on mid-line, unless it opens with an acronym or "I".
      if (cue && sentence.size() > 1 && std::islower(static_cast<unsigned char>(sentence[1])))
        sentence[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(sentence[0])));
      reply += sentence;
      turn(0, std::move(reply), nan);
      t += 20.0 + rng.exponential(1.0 / 30.0);
      if (r + 1 == rounds) break;
      if (rng.bernoulli(p_repeat)) {
        turn(1, std::string(opener), detail::clamp_tone(-0.5 + 0.25 * rng.normal()));
      } else if (rng.bernoulli(p_confused)) {
        turn(1, std::string(B::confused[rng.below(B::confused.size())]),
             detail::clamp_tone(-0.3 + 0.25 * rng.normal()));
      } else {
        turn(1, std::string(B::neutral[rng.below(B::neutral.size())]),
             detail::clamp_tone(0.25 * rng.normal()));
      }
    }
    // The ending follows the label, with one conversation in ten going the other way.
    const bool happy = rng.bernoulli(0.1) ? !good : good;
    const std::string_view end = happy ? B::happy_end[rng.below(B::happy_end.size())]
                                       : B::sour_end[rng.below(B::sour_end.size())];
    turn(1, std::string(end), detail::clamp_tone((happy ? 0.6 : -0.6) + 0.25 * rng.normal()));
  }
  return s;
}

}  // namespace custinsight
