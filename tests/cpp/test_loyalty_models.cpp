#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/beta_geo_beta_binom.hpp"
#include "custinsight/loyalty/clv.hpp"
#include "custinsight/loyalty/gamma_gamma.hpp"
#include "custinsight/loyalty/model_io.hpp"
#include "custinsight/loyalty/modified_beta_geo.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"
#include "custinsight/simulation/customers.hpp"
#include "loyalty_data.hpp"

namespace ci = custinsight;
using custinsight::testing::read_numeric_csv;

// Pareto/NBD as compared in Fader, Hardie & Lee (2005): r = 0.553, alpha = 10.578, s = 0.606,
// beta = 11.669, LL = -9595.0; beta is poorly determined (standard error about 6).
TEST(ParetoNBDModel, CdnowPublishedEstimates) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary.csv");
  auto c = read_numeric_csv("cdnow_customers_summary.csv");
  ci::ParetoNBDModel m;
  auto st = m.fit(c[1], c[2], c[3]);
  ASSERT_TRUE(st.ok()) << st;
  const auto res = m.result().value();
  EXPECT_NEAR(res.params[0], 0.553, 0.0005);
  EXPECT_NEAR(res.params[1], 10.578, 0.0005);
  EXPECT_NEAR(res.params[2], 0.606, 0.0005);
  EXPECT_NEAR(res.params[3], 11.669, 0.02);
  EXPECT_NEAR(res.log_likelihood, -9595.0, 0.05);
  EXPECT_NEAR(res.standard_errors[3], 6.2, 0.5);
}

// MBG/NBD on CDNOW as fitted by BTYDplus: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614.
TEST(ModifiedBetaGeoModel, CdnowBtydplusEstimates) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary.csv");
  auto c = read_numeric_csv("cdnow_customers_summary.csv");
  ci::ModifiedBetaGeoModel m;
  auto st = m.fit(c[1], c[2], c[3]);
  ASSERT_TRUE(st.ok()) << st;
  const auto res = m.result().value();
  EXPECT_NEAR(res.params[0], 0.525, 0.0005);
  EXPECT_NEAR(res.params[1], 6.183, 0.0005);
  EXPECT_NEAR(res.params[2], 0.891, 0.0005);
  EXPECT_NEAR(res.params[3], 1.614, 0.0005);
}

// Fader & Hardie's Gamma-Gamma note: p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat
// buyers, LL about -4055.92 (the ridge p -> inf, gamma -> 0 sits at -4076.8).
TEST(GammaGammaModel, CdnowPublishedEstimates) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("cdnow_customers_summary_with_transactions.csv");
  auto c = read_numeric_csv("cdnow_customers_summary_with_transactions.csv");
  std::vector<double> x, m;
  for (std::size_t i = 0; i < c[1].size(); ++i)
    if (c[1][i] > 0) {
      x.push_back(c[1][i]);
      m.push_back(c[4][i]);
    }
  ASSERT_EQ(x.size(), 946u);
  ci::GammaGammaModel gg;
  auto st = gg.fit(x, m);
  ASSERT_TRUE(st.ok()) << st;
  const auto res = gg.result().value();
  EXPECT_NEAR(res.params[0], 6.25, 0.005);
  EXPECT_NEAR(res.params[1], 3.74, 0.005);
  EXPECT_NEAR(res.params[2], 15.44, 0.01);  // 15.4477: the note truncates
  EXPECT_NEAR(res.log_likelihood, -4055.92, 0.01);
}

// Fader, Hardie & Shang (2010) on the donations patterns: alpha = 1.204, beta = 0.750,
// gamma = 0.657, delta = 2.783, LL = -33225.58.
TEST(BetaGeoBetaBinomModel, DonationsPublishedEstimates) {
  CUSTINSIGHT_REQUIRE_SHARED_DATA("donations.csv");
  auto c = read_numeric_csv("donations.csv");
  ci::BetaGeoBetaBinomModel m;
  auto st = m.fit(c[0], c[1], c[2], c[3]);
  ASSERT_TRUE(st.ok()) << st;
  const auto res = m.result().value();
  EXPECT_NEAR(res.params[0], 1.204, 0.0005);
  EXPECT_NEAR(res.params[1], 0.750, 0.0005);
  EXPECT_NEAR(res.params[2], 0.657, 0.0005);
  EXPECT_NEAR(res.params[3], 2.783, 0.0005);
  EXPECT_NEAR(res.log_likelihood, -33225.58, 0.005);
  EXPECT_EQ(res.n_customers, 11104.0);
}

TEST(LoyaltyFit, NoRepeatBuyersIsAClearError) {
  std::vector<double> x{0, 0, 0}, tx{0, 0, 0}, T{5, 6, 7};
  ci::BetaGeoModel m;
  auto st = m.fit(x, tx, T);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("repeat purchase"), std::string::npos) << st;
  EXPECT_FALSE(m.conditional_probability_alive(x, tx, T).ok());
}

TEST(LoyaltyFit, BadRowsAreNamed) {
  std::vector<double> x{1, 2.5}, tx{1, 2}, T{5, 6};
  ci::BetaGeoModel m;
  auto st = m.fit(x, tx, T);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("frequency[1] = 2.5"), std::string::npos) << st;
  std::vector<double> x2{1, 2}, tx2{1, 7};
  st = m.fit(x2, tx2, T);
  EXPECT_NE(st.message().find("recency[1] = 7"), std::string::npos) << st;
}

TEST(ModelIo, RoundTripAndRefusals) {
  ci::BetaGeoModel m;
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  ASSERT_TRUE(m.set_params(theta).ok());
  const auto names = ci::detail::BetaGeoFamilyLikelihood<0>::kNames;
  const std::string text = ci::model_to_json("BetaGeoModel", names, m.result().value());
  auto back = ci::model_from_json(text, "BetaGeoModel", names);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->params, theta);
  auto wrong = ci::model_from_json(text, "ParetoNBDModel", names);
  EXPECT_NE(wrong.status().message().find("holds a BetaGeoModel"), std::string::npos);
  std::string newer = text;
  newer.replace(newer.find("\"format_version\": 1"), 19, "\"format_version\": 99");
  auto refused = ci::model_from_json(newer, "BetaGeoModel", names);
  EXPECT_NE(refused.status().message().find("format_version 99"), std::string::npos)
      << refused.status();
  EXPECT_FALSE(ci::model_from_json("{not json", "BetaGeoModel", names).ok());
}

// Distinct continuous-time rows skip the merging (a sample shows it would not pay); rows in
// whole weeks repeat and are merged. Either way the fit equals the fit on the rows as they
// are, each with weight 1.
TEST(LoyaltyFit, MergingRowsChangesNothingButSpeed) {
  custinsight::SimulationConfig config;
  config.n_customers = 40000;
  config.response_rate = 0.0;
  const auto d = custinsight::simulate(config).value();
  std::vector<double> x(d.customers.frequency.begin(), d.customers.frequency.end()),
      tx(d.customers.recency.begin(), d.customers.recency.end()),
      T(d.customers.T.begin(), d.customers.T.end());
  for (bool weeks : {false, true}) {
    if (weeks) {
      for (double& v : tx) v = std::floor(v);
      for (double& v : T) v = std::floor(v);
    }
    custinsight::BetaGeoModel merged, rows;
    ASSERT_TRUE(merged.fit(x, tx, T).ok());
    custinsight::Patterns p;
    const auto n = static_cast<Eigen::Index>(x.size());
    p.frequency = Eigen::Map<const Eigen::ArrayXd>(x.data(), n);
    p.recency = Eigen::Map<const Eigen::ArrayXd>(tx.data(), n);
    p.T = Eigen::Map<const Eigen::ArrayXd>(T.data(), n);
    p.weight = Eigen::ArrayXd::Ones(n);
    p.total_weight = static_cast<double>(n);
    p.n_rows = n;
    p.max_frequency = static_cast<std::int64_t>(p.frequency.maxCoeff());
    ASSERT_TRUE(rows.fit_patterns(p).ok());
    const auto a = merged.result().value(), b = rows.result().value();
    if (weeks) {
      EXPECT_LT(a.n_patterns, n / 4);
    } else {
      EXPECT_EQ(a.n_patterns, n);
    }
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(a.params[j], b.params[j], 1e-9 * b.params[j]);
    EXPECT_NEAR(a.log_likelihood, b.log_likelihood, 1e-9 * std::abs(b.log_likelihood));
  }
}

// A huge observation length is refused at once instead of driving the tail series for minutes.
TEST(ParetoNBDFit, HugeObservationLengthIsAClearError) {
  const std::vector<double> f{0, 1, 2, 3}, r{0, 2, 5, 7}, T{10, 12, 1e308, 20};
  custinsight::ParetoNBDModel m;
  const absl::Status st = m.fit(f, r, T);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("T[2] = 1e+308: too large"), std::string::npos)
      << st.message();
}
