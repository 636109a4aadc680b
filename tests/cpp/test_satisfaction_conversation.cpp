#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/conversation.hpp"
#include "custinsight/simulation/conversations.hpp"

namespace ci = custinsight;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint8_t A = 0, C = 1;

struct Transcript {
  std::vector<std::int32_t> conv;
  std::vector<std::uint8_t> role;
  std::vector<double> time;
  std::vector<std::string> text;
  std::vector<double> compound;
  void add(std::int32_t c, std::uint8_t r, double t, std::string s, double v = kNaN) {
    conv.push_back(c);
    role.push_back(r);
    time.push_back(t);
    text.push_back(std::move(s));
    compound.push_back(v);
  }
  [[nodiscard]] ci::ConversationQuality score(std::int32_t n,
                                              const ci::ConversationOptions& o = {}) const {
    auto q = ci::conversation_quality(conv, n, role, time, text, compound, o);
    EXPECT_TRUE(q.ok()) << q.status();
    return *q;
  }
};

// Area under the ROC curve by its rank definition: the chance that a random good conversation
// scores above a random bad one (ties count a half).
double auc(const Eigen::VectorXd& score, const std::vector<std::uint8_t>& good) {
  double pairs = 0.0, wins = 0.0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    if (!good[i]) continue;
    for (std::size_t j = 0; j < good.size(); ++j) {
      if (good[j]) continue;
      pairs += 1.0;
      const double a = score[static_cast<Eigen::Index>(i)], b = score[static_cast<Eigen::Index>(j)];
      wins += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
    }
  }
  return wins / pairs;
}

}  // namespace

TEST(ConversationTokens, LowercaseApostrophesAndJoiners) {
  ci::detail::Tokens t("It\xE2\x80\x99s SIMPLE: use Wi-Fi on 2.4GHz, ok?");
  std::vector<std::string_view> expected{"it's", "simple", "use", "wi-fi", "on", "2.4ghz", "ok"};
  EXPECT_EQ(t.views(), expected);
}

TEST(ConversationCues, CondescensionAndImpatienceInAgentTurnsOnly) {
  Transcript t;
  t.add(0, C, 0, "Obviously it's simple, as I already said.");  // a customer: not counted
  t.add(0, A, 10, "Obviously, it's simple. You should know this, as I already said twice.");
  t.add(0, A, 20, "Like I said, I don't have all day.");
  const auto q = t.score(1);
  EXPECT_EQ(q.condescension[0], 3);  // obviously, it's simple, you should know
  EXPECT_EQ(q.impatience[0], 3);     // as i already said, like i said, i don't have all day
}

TEST(ConversationCues, ConfusionPhrasesAndRepeatedQuestions) {
  Transcript t;
  t.add(0, C, 0, "Why is my internet so slow in the evening?");
  t.add(0, A, 5, "Check the DNS.");
  t.add(0, C, 10, "What do you mean? I don't understand.");
  t.add(0, A, 15, "The name server.");
  t.add(0, C, 20, "But why is my internet so slow every evening?");
  t.add(0, C, 25, "Is it the router?");  // a new question, not a repeat
  const auto q = t.score(1);
  EXPECT_EQ(q.confusion[0], 2);
  EXPECT_EQ(q.repeated_questions[0], 1);
  EXPECT_EQ(q.condescension[0] + q.impatience[0], 0);
}

TEST(ConversationCues, JargonDensityCountsCoveredAgentTokens) {
  Transcript t;
  t.add(0, A, 0, "Renew the DHCP lease and check the default gateway.");  // 9 tokens
  t.add(0, C, 5, "DNS DNS DNS");  // customer jargon is not the agent's
  const auto q = t.score(1);
  EXPECT_EQ(q.agent_tokens[0], 9);
  // "dhcp lease" (2) and "default gateway" (2), longest match first.
  EXPECT_EQ(q.jargon_tokens[0], 4);
  EXPECT_DOUBLE_EQ(q.jargon_density[0], 4.0 / 9.0);
  ci::ConversationOptions custom;
  custom.jargon = {"renew"};
  EXPECT_EQ(t.score(1, custom).jargon_tokens[0], 1);
}

TEST(ConversationCues, ResponseDelayFromFirstUnansweredCustomerTurn) {
  Transcript t;
  t.add(0, C, 100, "Hello?");
  t.add(0, C, 130, "Anyone there?");
  t.add(0, A, 190, "Hi, sorry for the wait.");  // 90 s after the first unanswered turn
  t.add(0, A, 200, "How can I help?");          // no pending customer turn: not a reply
  t.add(0, C, 210, "My bill.");
  t.add(0, A, 240, "Let me look.");  // 30 s
  const auto q = t.score(1);
  EXPECT_DOUBLE_EQ(q.mean_delay[0], 60.0);
  EXPECT_DOUBLE_EQ(q.max_delay[0], 90.0);
}

TEST(ConversationCues, TurnsAreOrderedByTimeAndSentimentTrajectory) {
  Transcript t;
  t.add(0, C, 30, "Thanks!", 0.8);
  t.add(1, C, 0, "Hi", 0.1);
  t.add(0, C, 0, "It is broken.", -0.6);
  t.add(0, A, 10, "Fixed it.");
  t.add(0, C, 20, "Ok.", kNaN);  // unscored customer turn is skipped
  const auto q = t.score(2);
  EXPECT_DOUBLE_EQ(q.sentiment_first[0], -0.6);
  EXPECT_DOUBLE_EQ(q.sentiment_last[0], 0.8);
  EXPECT_DOUBLE_EQ(q.sentiment_change[0], 1.4);
  EXPECT_EQ(q.n_turns[1], 1);
  EXPECT_TRUE(std::isnan(q.mean_delay[1]));
}

TEST(ConversationQuality, DocumentedFormulaOnAHandCase) {
  Transcript t;
  t.add(0, C, 0, "My phone is dead.", -0.5);
  t.add(0, A, 60, "Obviously, reset the APN.");  // 4 tokens, 1 jargon, 1 cue; delay 60
  t.add(0, C, 70, "What do you mean?", -0.1);
  t.add(0, A, 130, "Open settings.");  // delay 60
  t.add(0, C, 140, "Works, thanks.", 0.7);
  ci::ConversationOptions o;
  const auto q = t.score(1, o);
  const double ending = (0.7 + 1.0) / 2.0;
  const double improvement = std::clamp((1.2 + 1.0) / 2.0, 0.0, 1.0);
  const double responsiveness = 1.0 / (1.0 + 60.0 / 120.0);
  const double plain = std::max(0.0, 1.0 - (1.0 / 6.0) / 0.15);
  const double courtesy = 1.0 / 2.0, clarity = 1.0 / 2.0;
  const double expected = 100.0 * (0.2 * ending + 0.2 * improvement + 0.15 * responsiveness +
                                   0.15 * plain + 0.15 * courtesy + 0.15 * clarity);
  EXPECT_NEAR(q.quality[0], expected, 1e-12);
}

TEST(ConversationQuality, BadInputNamesRow) {
  Transcript t;
  t.add(0, C, 0, "hi");
  t.add(0, 2, 1, "?");
  auto q = ci::conversation_quality(t.conv, 1, t.role, t.time, t.text, t.compound);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("role[1] = 2"), std::string::npos) << q.status();
  t.role[1] = A;
  t.compound[0] = 2.0;
  EXPECT_FALSE(ci::conversation_quality(t.conv, 1, t.role, t.time, t.text, t.compound).ok());
  t.compound[0] = kNaN;
  t.conv[1] = -1;
  EXPECT_FALSE(ci::conversation_quality(t.conv, 1, t.role, t.time, t.text, t.compound).ok());
}

TEST(ConversationQuality, RanksSimulatedGoodAboveBadAndAgentsFollow) {
  ci::ConversationSimConfig cfg;
  cfg.n_conversations = 1500;
  auto sim = ci::simulate_conversations(cfg);
  ASSERT_TRUE(sim.ok());
  std::vector<std::int32_t> conv(sim->conversation_id.begin(), sim->conversation_id.end());
  const auto n = static_cast<std::int32_t>(cfg.n_conversations);
  ci::set_num_threads(1);
  auto one = ci::conversation_quality(conv, n, sim->role, sim->time, sim->text, sim->tone);
  ci::set_num_threads(2);
  auto q = ci::conversation_quality(conv, n, sim->role, sim->time, sim->text, sim->tone);
  ci::set_num_threads(0);
  ASSERT_TRUE(q.ok()) << q.status();
  for (Eigen::Index k = 0; k < q->quality.size(); ++k) ASSERT_EQ(one->quality[k], q->quality[k]);
  const double a = auc(q->quality, sim->good);
  std::printf("AUC of quality, simulated good vs bad (tone as sentiment): %.4f\n", a);
  EXPECT_GE(a, 0.9);

  auto agents = ci::rollup_agents(sim->agent, cfg.n_agents, *q);
  ASSERT_TRUE(agents.ok());
  double good_sum = 0, bad_sum = 0, good_n = 0, bad_n = 0;
  for (std::int32_t g = 0; g < cfg.n_agents; ++g) {
    const double m = agents->mean_quality[g];
    if (sim->agent_is_bad[static_cast<std::size_t>(g)]) bad_sum += m, bad_n += 1;
    else good_sum += m, good_n += 1;
  }
  ASSERT_GT(bad_n, 0);
  ASSERT_GT(good_n, 0);
  EXPECT_GT(good_sum / good_n, bad_sum / bad_n + 5.0);
}
