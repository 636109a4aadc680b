#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "custinsight/churn/metrics.hpp"

namespace ci = custinsight;

TEST(ChurnMetrics, AucMatchesPairCountingWithTies) {
  std::mt19937_64 rng(4);
  std::uniform_int_distribution<int> level(0, 7);  // few distinct scores: many ties
  std::bernoulli_distribution coin(0.4);
  std::vector<double> y(600), s(600), w(600);
  for (std::size_t i = 0; i < 600; ++i) {
    s[i] = level(rng) / 7.0;
    y[i] = coin(rng) || s[i] > 0.8 ? 1.0 : 0.0;
    w[i] = 0.5 + static_cast<double>(i % 4);
  }
  double num = 0, den = 0, wnum = 0, wden = 0;
  for (std::size_t i = 0; i < 600; ++i)
    for (std::size_t j = 0; j < 600; ++j) {
      if (y[i] != 1.0 || y[j] != 0.0) continue;
      const double v = s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      num += v;
      den += 1;
      wnum += w[i] * w[j] * v;
      wden += w[i] * w[j];
    }
  EXPECT_NEAR(*ci::roc_auc(y, s), num / den, 1e-12);
  EXPECT_NEAR(*ci::roc_auc(y, s, w), wnum / wden, 1e-12);
  std::vector<double> one(600, 1.0);
  EXPECT_FALSE(ci::roc_auc(one, s).ok());
}

TEST(ChurnMetrics, BrierAndLogLossByHand) {
  const std::vector<double> y{1, 0, 1, 0}, p{0.9, 0.2, 0.4, 0.0};
  EXPECT_NEAR(*ci::brier_score(y, p), (0.01 + 0.04 + 0.36 + 0.0) / 4, 1e-15);
  EXPECT_NEAR(*ci::log_loss(y, p), -(std::log(0.9) + std::log(0.8) + std::log(0.4) + std::log1p(-1e-15)) / 4,
              1e-14);
  const std::vector<double> bad{0.5, 1.5, 0.1, 0.1};
  EXPECT_NE(ci::brier_score(y, bad).status().message().find("y_prob[1] = 1.5"), std::string::npos);
}

TEST(ChurnMetrics, CalibrationTableEqualCountBins) {
  std::vector<double> y, p;
  for (int i = 0; i < 100; ++i) {
    p.push_back((99 - i) / 100.0);  // descending input: binning sorts
    y.push_back(i % 3 == 0 ? 1.0 : 0.0);
  }
  auto t = ci::calibration_table(y, p, {}, 10);
  ASSERT_TRUE(t.ok());
  for (int b = 0; b < 10; ++b) {
    EXPECT_EQ(t->count[static_cast<std::size_t>(b)], 10);
    // Bin b holds predictions (10b .. 10b + 9) / 100, i.e. input rows 99 - 10b - 9 .. 99 - 10b.
    double mean = 0, rate = 0;
    for (int k = 0; k < 10; ++k) {
      const int row = 99 - (10 * b + k);
      mean += p[static_cast<std::size_t>(row)] / 10;
      rate += y[static_cast<std::size_t>(row)] / 10;
    }
    EXPECT_NEAR(t->mean_predicted[b], mean, 1e-12);
    EXPECT_NEAR(t->observed_rate[b], rate, 1e-12);
    EXPECT_DOUBLE_EQ(t->min_predicted[b], (10 * b) / 100.0);
  }
}

TEST(ChurnMetrics, LiftAtTopFraction) {
  // 20 rows, 5 churners overall; the top 10% (2 rows) are both churners: lift 4.
  std::vector<double> y(20, 0.0), s(20);
  for (int i = 0; i < 20; ++i) s[static_cast<std::size_t>(i)] = i;
  y[19] = y[18] = y[3] = y[2] = y[1] = 1.0;
  EXPECT_NEAR(*ci::lift_at(y, s, 0.1), 4.0, 1e-12);
  // A tie straddling the edge enters pro rata: rows 19 and 18 tie with 17 (not a churner).
  s[18] = s[17] = s[19];
  EXPECT_NEAR(*ci::lift_at(y, s, 0.1), (2.0 / 3.0) / 0.25, 1e-12);
  EXPECT_FALSE(ci::lift_at(y, s, 0.0).ok());
}
