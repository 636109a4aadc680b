// Contact-log and support-transcript inputs of the insight table (insight/contacts.hpp) and
// how they reach the drivers and actions (insight/scoring.hpp).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/insight/contacts.hpp"
#include "custinsight/insight/scoring.hpp"

namespace ins = custinsight::insight;

namespace {

constexpr std::int64_t kDay = 86'400'000'000'000;
constexpr std::int64_t kAsOf = 20'000 * kDay;

}  // namespace

TEST(InsightContacts, CountsOutboundInThirtyDaysAndDaysSinceComplaint) {
  // rows: 0 gets outbound at 0, 10, 29.5 and 30 days before as_of (30 is out), one after
  // as_of (ignored); 1 complained 12 and 100 days ago; -1 is not in the table.
  const std::vector<std::int64_t> row{0, 0, 0, 0, 0, 1, 1, -1};
  const std::vector<std::int64_t> t{kAsOf, kAsOf - 10 * kDay, kAsOf - 59 * kDay / 2,
                                    kAsOf - 30 * kDay, kAsOf + kDay, kAsOf - 12 * kDay,
                                    kAsOf - 100 * kDay, kAsOf};
  const std::vector<std::uint8_t> outbound{1, 1, 1, 1, 1, 0, 0, 1};
  const std::vector<std::uint8_t> complaint{0, 0, 0, 0, 1, 1, 1, 1};
  std::vector<std::uint8_t> open(3, 0);
  auto out = ins::summarise_contacts(row, t, outbound, complaint, 3, kAsOf, ins::InsightConfig{},
                                     open);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->outbound_30d, (std::vector<double>{3.0, 0.0, 0.0}));
  EXPECT_TRUE(std::isnan(out->days_since_complaint[0]));  // its complaint is after as_of
  EXPECT_DOUBLE_EQ(out->days_since_complaint[1], 12.0);
  EXPECT_TRUE(std::isnan(out->days_since_complaint[2]));
  EXPECT_EQ(open, (std::vector<std::uint8_t>{0, 1, 0}));

  // Without direction and complaint columns: unknown, not zero.
  std::vector<std::uint8_t> none(3, 0);
  auto bare = ins::summarise_contacts(row, t, {}, {}, 3, kAsOf, ins::InsightConfig{}, none);
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(std::isnan(bare->outbound_30d[0]));
  EXPECT_EQ(none, (std::vector<std::uint8_t>{0, 0, 0}));

  const std::vector<std::int64_t> bad_row{0, 7};
  const std::vector<std::int64_t> t2{kAsOf, kAsOf};
  auto err = ins::summarise_contacts(bad_row, t2, {}, {}, 3, kAsOf, ins::InsightConfig{}, none);
  EXPECT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("row[1] = 7"), std::string_view::npos) << err.status();
}

TEST(InsightSupport, LatestConversationQualityAndOpenComplaint) {
  // Customer row 0: an old pleasant chat (conversation 0) and a recent sour one (1).
  // Row 1: one chat whose turns partly fall after as_of.
  const std::vector<std::int64_t> row{0, 0, 0, 0, 0, 0, 1, 1, 1};
  const std::vector<std::int32_t> conv{0, 0, 0, 1, 1, 1, 2, 2, 2};
  const std::vector<std::uint8_t> role{1, 0, 1, 1, 0, 1, 1, 0, 1};
  const std::int64_t s = 1'000'000'000;
  const std::int64_t old = kAsOf - 200 * kDay, recent = kAsOf - 5 * kDay;
  const std::vector<std::int64_t> t{old, old + 30 * s, old + 60 * s,
                                    recent, recent + 600 * s, recent + 700 * s,
                                    kAsOf - 60 * s, kAsOf - 30 * s, kAsOf + 60 * s};
  const std::vector<std::string_view> text{
      "Hi, I need help with my bill.", "Sure, I fixed it for you.", "Great, thank you so much!",
      "My order never arrived.", "As I already said, obviously you should check the tracking.",
      "This is terrible and useless. I am very angry.",
      "Can you help me?", "Of course, happy to help.", "This part comes after as_of."};
  std::vector<std::uint8_t> open(2, 0);
  auto out = ins::summarise_support(row, conv, 3, role, t, text, 2, kAsOf, ins::InsightConfig{},
                                    open);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->n_conversations, (std::vector<std::int64_t>{2, 1}));
  // The same conversations scored on their own give the per-conversation qualities.
  std::vector<std::string> texts(text.begin(), text.end());
  std::vector<double> compound(texts.size(), std::nan(""));
  for (std::size_t i = 0; i < texts.size(); ++i)
    if (role[i] == 1) compound[i] = ins::detail::insight_analyzer().polarity_scores(texts[i])->compound;
  std::vector<double> seconds{0, 30, 60, 0, 600, 700};
  std::vector<std::int32_t> c6(conv.begin(), conv.begin() + 6);
  std::vector<std::uint8_t> r6(role.begin(), role.begin() + 6);
  std::vector<std::string> t6(texts.begin(), texts.begin() + 6);
  std::vector<double> k6(compound.begin(), compound.begin() + 6);
  auto q = custinsight::conversation_quality(c6, 2, r6, seconds, t6, k6);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_DOUBLE_EQ(out->support_quality[0], q->quality[1]);
  EXPECT_LT(q->quality[1], q->quality[0]);  // the sour chat is the worse one
  EXPECT_DOUBLE_EQ(out->support_ending[0], compound[5]);
  EXPECT_LT(out->support_ending[0], -0.05);
  // Row 1's conversation is cut at as_of: its last kept turn is the agent's.
  EXPECT_FALSE(std::isnan(out->support_quality[1]));
  EXPECT_DOUBLE_EQ(out->support_ending[1], compound[6]);
  EXPECT_EQ(open, (std::vector<std::uint8_t>{1, 0}));
}

TEST(InsightSupport, ConversationOfTwoCustomersIsAnError) {
  const std::vector<std::int64_t> row{0, 1};
  const std::vector<std::int32_t> conv{0, 0};
  const std::vector<std::uint8_t> role{1, 0};
  const std::vector<std::int64_t> t{kAsOf, kAsOf};
  const std::vector<std::string_view> text{"a", "b"};
  std::vector<std::uint8_t> open(2, 0);
  auto out = ins::summarise_support(row, conv, 1, role, t, text, 2, kAsOf, ins::InsightConfig{},
                                    open);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("rows 0 and 1"), std::string_view::npos) << out.status();
  const std::vector<std::uint8_t> bad_role{1, 2};
  const std::vector<std::int64_t> same{0, 0};
  EXPECT_FALSE(ins::summarise_support(same, conv, 1, bad_role, t, text, 2, kAsOf,
                                      ins::InsightConfig{}, open)
                   .ok());
}

TEST(InsightScores, OverContactAndSupportDriversAndActions) {
  // Three loyal-looking repeat buyers: over-contacted, a logged complaint, a poor chat.
  const std::vector<double> f(3, 8.0), r(3, 38.0), T(3, 40.0), p(3, 0.95), churn(3, 0.1),
      no_purchase(3, 0.2), clv{100.0, 200.0, 300.0}, nan3(3, std::nan(""));
  const std::vector<std::uint8_t> complaint{0, 1, 0};
  const std::vector<double> outbound{6.0, 0.0, 1.0}, days{std::nan(""), 12.0, std::nan("")},
      quality{std::nan(""), 80.0, 20.0};
  ins::ScoringInput in{f,    r,    T,    p,         churn,    no_purchase, clv,
                       nan3, nan3, nan3, complaint, outbound, days,        quality};
  auto out = ins::score_customers(in, ins::InsightConfig{});
  ASSERT_TRUE(out.ok()) << out.status();
  auto action = [&](std::size_t i) { return std::string(ins::kActions[static_cast<std::size_t>(out->action[i])]); };
  auto driver = [&](std::size_t i) { return std::string(ins::kDrivers[static_cast<std::size_t>(out->main_driver[i])]); };
  EXPECT_EQ(action(0), "do not over-contact");
  EXPECT_EQ(action(1), "close the loop on a complaint");
  EXPECT_EQ(action(2), "reward loyalty");
  EXPECT_EQ(driver(0), "over-contacted");  // 6 / 3 = 2 beats the value percentile
  EXPECT_EQ(driver(1), "complaint logged");
  EXPECT_EQ(driver(2), "poor support");    // 3 (1 - 20 / 50) = 1.8
  EXPECT_NE(out->drivers[0].find("6 outbound contacts in 30 days"), std::string::npos)
      << out->drivers[0];
  EXPECT_NE(out->drivers[1].find("complaint logged 12 days ago"), std::string::npos);
  EXPECT_NE(out->drivers[2].find("poor support conversation (quality 20/100)"), std::string::npos);

  // The same customers without the contact and support inputs: no such drivers.
  ins::ScoringInput plain{f, r, T, p, churn, no_purchase, clv, nan3, nan3, nan3, complaint,
                          {}, {}, {}};
  auto base = ins::score_customers(plain, ins::InsightConfig{});
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(std::string(ins::kActions[static_cast<std::size_t>(base->action[0])]), "reward loyalty");
  EXPECT_EQ(base->drivers[0].find("outbound"), std::string::npos);
  EXPECT_EQ(base->insight, out->insight);  // the scores themselves do not change

  const std::vector<double> short_outbound{1.0};
  in.outbound_30d = short_outbound;
  EXPECT_FALSE(ins::score_customers(in, ins::InsightConfig{}).ok());
}
