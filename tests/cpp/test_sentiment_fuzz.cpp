// Lexicons found by tests/fuzz/fuzz_lexicon_afinn.cpp (and their neighbours).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/sentiment.hpp"

namespace ci = custinsight;

namespace {

bool mentions(const absl::Status& status, std::string_view what) {
  return std::string(status.message()).find(what) != std::string::npos;
}

}  // namespace

// sums overflow: NaN scores, or a compound of 0 for an overwhelmingly positive text.
TEST(SentimentFuzz, LexiconValencesAreBounded) {
  auto afinn = ci::SentimentLexicon::from_afinn_text("good\t3\nbad\t-9000000000000000000\n",
                                                     "afinn", 1e300);
  ASSERT_FALSE(afinn.ok());
  EXPECT_TRUE(mentions(afinn.status(), "line 1")) << afinn.status();
  auto afinn2 = ci::SentimentLexicon::from_afinn_text("good\t3\nbad\t-9000000000000000000\n");
  ASSERT_FALSE(afinn2.ok());
  EXPECT_TRUE(mentions(afinn2.status(), "line 2")) << afinn2.status();

  auto vader = ci::SentimentLexicon::from_vader_text("good\t1e308\t0.5\n");
  ASSERT_FALSE(vader.ok());
  EXPECT_TRUE(mentions(vader.status(), "\"good\"")) << vader.status();

  ci::SentimentLexicon lex;
  EXPECT_FALSE(lex.set("good", 1e200).ok());
  EXPECT_FALSE(lex.set("good", NAN).ok());
  EXPECT_EQ(lex.size(), 0u);
  ASSERT_TRUE(lex.set("good", ci::kMaxValence).ok());
  const ci::SentimentAnalyzer analyzer(lex);
  auto s = analyzer.polarity_scores("good good");
  ASSERT_TRUE(s.ok());
  const double sum = 2 * ci::kMaxValence;
  EXPECT_DOUBLE_EQ(s->raw_compound, sum / std::sqrt(sum * sum + 15.0));
  EXPECT_EQ(s->pos, 1.0);
}
