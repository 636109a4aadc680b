#pragma once

/// @file simulation/customers.hpp
/// @brief A seeded customer base with known ground truth: BG/NBD purchasing, Gamma-Gamma spend,
/// and survey responses with free text whose tone follows each customer's hidden satisfaction.
/// The same seed gives the same data for any thread count.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "custinsight/math/random.hpp"
#include "custinsight/simulation/text.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"
#include "custinsight/touchpoint.hpp"

namespace custinsight {

/// @brief Parameters of a simulated customer base. Times are in periods of `period_days` days.
struct SimulationConfig {
  std::int64_t n_customers = 10'000;
  std::uint64_t seed = 42;
  // BG/NBD purchasing (defaults: the CDNOW fit of Fader, Hardie & Lee 2005, in weeks).
  double r = 0.243, alpha = 4.414, a = 0.793, b = 2.426;
  // Gamma-Gamma spend (defaults: Fader & Hardie's CDNOW fit).
  double p = 6.25, q = 3.74, gamma = 15.44;
  double period_days = 7.0;
  /// First purchases are spread uniformly over [0, acquisition_periods).
  double acquisition_periods = 12.0;
  /// Observation ends this many periods after the window starts.
  double observation_periods = 78.0;
  /// Chance that a purchase is followed by a survey response.
  double response_rate = 0.35;
  /// Chance that a response has no rating, and that it has no text.
  double missing_rating_rate = 0.1, missing_text_rate = 0.15;
  /// Chance that the text contradicts the rating (a five-star rating with an angry comment).
  double mismatch_rate = 0.02;
  /// Correlation between hidden satisfaction and loyalty (minus the standardised dropout
  /// probability), so that unhappy customers leave sooner.
  double satisfaction_loyalty_link = 0.6;
  /// Where responses come from, the mean shift of satisfaction at each touchpoint, and the weight
  /// of each touchpoint in the customer's likelihood to recommend (the drivers to recover).
  std::array<double, kTouchpointCount> touchpoint_share = {0.18, 0.22, 0.2, 0.15, 0.1, 0.05, 0.1};
  std::array<double, kTouchpointCount> touchpoint_effect = {0.3, -0.4, 0.1, 0.0, -0.2, 0.0, 0.2};
  std::array<double, kTouchpointCount> touchpoint_weight = {0.1, 0.3, 0.15, 0.2, 0.05, 0.05, 0.15};
};

/// @brief The hidden truth of every customer (index i is customer id i + 1).
struct SimulatedCustomers {
  std::vector<std::int64_t> customer_id;
  Eigen::VectorXd birth;           ///< first purchase time
  Eigen::VectorXd lambda;          ///< purchase rate while alive
  Eigen::VectorXd dropout;         ///< BG/NBD dropout probability p after each repeat purchase
  Eigen::VectorXd spend_rate;      ///< Gamma-Gamma nu (mean spend is p / nu)
  Eigen::VectorXd satisfaction;    ///< hidden overall satisfaction, standard normal
  Eigen::MatrixXd touchpoint_satisfaction;  ///< n x kTouchpointCount
  Eigen::VectorXd likelihood_to_recommend;  ///< weighted touchpoint satisfaction (the NPS driver)
  Eigen::VectorXd death;           ///< time of dropout, +inf if alive at the end
  std::vector<std::uint8_t> alive;  ///< alive at the end of observation
  Eigen::VectorXd frequency, recency, T;  ///< exact summaries in continuous time
};

struct SimulatedTransactions {
  std::vector<std::int64_t> customer_id;
  std::vector<double> time;  ///< periods since the window start
  std::vector<double> amount;
};

struct SimulatedResponses {
  std::vector<std::int64_t> customer_id;
  std::vector<double> time;
  std::vector<std::int8_t> touchpoint;
  std::vector<std::int8_t> csat;  ///< 1..5, 0 when missing
  std::vector<std::int8_t> nps;   ///< 0..10, -1 when missing
  std::vector<std::string> text;  ///< empty when missing
};

struct SimulatedData {
  SimulationConfig config;
  SimulatedCustomers customers;
  SimulatedTransactions transactions;
  SimulatedResponses responses;
};

namespace detail {

inline absl::Status validate(const SimulationConfig& c) {
  if (c.n_customers <= 0 || c.n_customers > std::numeric_limits<std::int32_t>::max())
    return absl::InvalidArgumentError(
        absl::StrFormat("n_customers = %d: must be in [1, 2^31 - 1]", c.n_customers));
  for (auto [name, v] : {std::pair{"r", c.r}, {"alpha", c.alpha}, {"a", c.a}, {"b", c.b},
                         {"p", c.p}, {"q", c.q}, {"gamma", c.gamma}, {"period_days", c.period_days},
                         {"acquisition_periods", c.acquisition_periods},
                         {"observation_periods", c.observation_periods}})
    CUSTINSIGHT_RETURN_IF_ERROR(check_positive_scalar(name, v));
  if (!(c.acquisition_periods < c.observation_periods))
    return absl::InvalidArgumentError("acquisition_periods must be less than observation_periods");
  for (auto [name, v] : {std::pair{"response_rate", c.response_rate},
                         {"missing_rating_rate", c.missing_rating_rate},
                         {"missing_text_rate", c.missing_text_rate},
                         {"mismatch_rate", c.mismatch_rate}})
    if (!(v >= 0.0 && v <= 1.0))
      return absl::InvalidArgumentError(absl::StrFormat("%s = %g: must be in [0, 1]", name, v));
  if (!(std::abs(c.satisfaction_loyalty_link) <= 1.0))
    return absl::InvalidArgumentError("satisfaction_loyalty_link must be in [-1, 1]");
  double share = 0.0;
  for (int k = 0; k < kTouchpointCount; ++k) {
    if (!(c.touchpoint_share[k] >= 0.0) || !std::isfinite(c.touchpoint_effect[k]) ||
        !std::isfinite(c.touchpoint_weight[k]))
      return absl::InvalidArgumentError(absl::StrFormat(
          "touchpoint_share/effect/weight[%d]: must be finite (share non-negative)", k));
    share += c.touchpoint_share[k];
  }
  if (!(share > 0.0)) return absl::InvalidArgumentError("touchpoint_share must not be all zero");
  return absl::OkStatus();
}

struct SimulationChunk {
  SimulatedTransactions transactions;
  SimulatedResponses responses;
};

inline std::int8_t clamp_round(double x, int lo, int hi) {
  return static_cast<std::int8_t>(std::clamp(static_cast<int>(std::lround(x)), lo, hi));
}

}  // namespace detail

/// @brief Simulate a customer base.
/// @return the data and its hidden truth, or InvalidArgument naming the bad setting
inline absl::StatusOr<SimulatedData> simulate(const SimulationConfig& config) {
  CUSTINSIGHT_RETURN_IF_ERROR(detail::validate(config));
  const SimulationConfig& c = config;
  const auto n = static_cast<Eigen::Index>(c.n_customers);
  SimulatedData data;
  data.config = c;
  SimulatedCustomers& cust = data.customers;
  cust.customer_id.resize(static_cast<std::size_t>(n));
  for (auto v : {&cust.birth, &cust.lambda, &cust.dropout, &cust.spend_rate, &cust.satisfaction,
                 &cust.likelihood_to_recommend, &cust.death, &cust.frequency, &cust.recency, &cust.T})
    v->resize(n);
  cust.touchpoint_satisfaction.resize(n, kTouchpointCount);
  cust.alive.resize(static_cast<std::size_t>(n));

  const double mean_p = c.a / (c.a + c.b);
  const double sd_p = std::sqrt(c.a * c.b / ((c.a + c.b) * (c.a + c.b) * (c.a + c.b + 1.0)));
  const double link = c.satisfaction_loyalty_link;
  double weight_total = 0.0;
  for (double w : c.touchpoint_weight) weight_total += std::abs(w);
  if (weight_total == 0.0) weight_total = 1.0;

  constexpr std::ptrdiff_t kChunk = 8192;
  const std::ptrdiff_t n_chunks = (n + kChunk - 1) / kChunk;
  std::vector<detail::SimulationChunk> chunks(static_cast<std::size_t>(n_chunks));

  detail::parallel_chunks(n, kChunk, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    detail::SimulationChunk& out = chunks[static_cast<std::size_t>(begin / kChunk)];
    std::vector<double> purchase_times;
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      detail::Rng rng(c.seed, static_cast<std::uint64_t>(i));
      const std::int64_t id = i + 1;
      cust.customer_id[static_cast<std::size_t>(i)] = id;
      const double birth = rng.uniform() * c.acquisition_periods;
      const double lambda = rng.gamma(c.r, c.alpha);
      const double p = rng.beta(c.a, c.b);
      const double nu = rng.gamma(c.q, c.gamma);
      const double sat = -link * (p - mean_p) / sd_p + std::sqrt(1.0 - link * link) * rng.normal();
      double ltr = 0.0;
      for (int k = 0; k < kTouchpointCount; ++k) {
        const double s = sat + c.touchpoint_effect[k] + 0.5 * rng.normal();
        cust.touchpoint_satisfaction(i, k) = s;
        ltr += c.touchpoint_weight[k] * s;
      }
      ltr /= weight_total;

      // BG/NBD: exponential inter-purchase times; after each repeat purchase the customer
      // drops out with probability p.
      const double horizon = c.observation_periods - birth;
      purchase_times.assign(1, 0.0);
      double t = 0.0, death = std::numeric_limits<double>::infinity();
      for (;;) {
        t += rng.exponential(lambda);
        if (t > horizon) break;
        purchase_times.push_back(t);
        if (rng.bernoulli(p)) {
          death = t;
          break;
        }
      }
      cust.birth[i] = birth;
      cust.lambda[i] = lambda;
      cust.dropout[i] = p;
      cust.spend_rate[i] = nu;
      cust.satisfaction[i] = sat;
      cust.likelihood_to_recommend[i] = ltr;
      cust.death[i] = std::isinf(death) ? death : birth + death;
      cust.alive[static_cast<std::size_t>(i)] = std::isinf(death);
      cust.frequency[i] = static_cast<double>(purchase_times.size() - 1);
      cust.recency[i] = purchase_times.back();
      cust.T[i] = horizon;

      for (double pt : purchase_times) {
        out.transactions.customer_id.push_back(id);
        out.transactions.time.push_back(birth + pt);
        // Spend per transaction ~ Gamma(p, nu), in cents.
        out.transactions.amount.push_back(std::round(rng.gamma(c.p, nu) * 100.0) / 100.0);

        if (!rng.bernoulli(c.response_rate)) continue;
        const double when = std::min(birth + pt + rng.uniform() * 3.0 / c.period_days,
                                      c.observation_periods);
        const int k = rng.categorical(c.touchpoint_share);
        const double felt = cust.touchpoint_satisfaction(i, k) + 0.6 * rng.normal();
        const bool rated = !rng.bernoulli(c.missing_rating_rate);
        const bool wrote = !rng.bernoulli(c.missing_text_rate);
        const bool contradicts = rng.bernoulli(c.mismatch_rate);
        out.responses.customer_id.push_back(id);
        out.responses.time.push_back(when);
        out.responses.touchpoint.push_back(static_cast<std::int8_t>(k));
        out.responses.csat.push_back(rated ? detail::clamp_round(3.0 + 1.3 * felt, 1, 5) : 0);
        out.responses.nps.push_back(
            rated ? detail::clamp_round(6.5 + 2.2 * ltr + 0.3 * felt + 0.8 * rng.normal(), 0, 10)
                  : -1);
        const double tone = (contradicts ? -1.0 : 1.0) * felt + 0.3 * rng.normal();
        out.responses.text.push_back(
            wrote ? detail::feedback_text(static_cast<Touchpoint>(k), tone, rng) : std::string());
      }
    }
  });

  std::size_t n_tx = 0, n_resp = 0;
  for (const auto& ch : chunks) {
    n_tx += ch.transactions.time.size();
    n_resp += ch.responses.time.size();
  }
  auto append = [](auto& dst, auto& src) {
    dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  };
  SimulatedTransactions& tx = data.transactions;
  SimulatedResponses& rs = data.responses;
  tx.customer_id.reserve(n_tx);
  tx.time.reserve(n_tx);
  tx.amount.reserve(n_tx);
  for (auto v : {&rs.touchpoint, &rs.csat, &rs.nps}) v->reserve(n_resp);
  rs.customer_id.reserve(n_resp);
  rs.time.reserve(n_resp);
  rs.text.reserve(n_resp);
  for (auto& ch : chunks) {
    append(tx.customer_id, ch.transactions.customer_id);
    append(tx.time, ch.transactions.time);
    append(tx.amount, ch.transactions.amount);
    append(rs.customer_id, ch.responses.customer_id);
    append(rs.time, ch.responses.time);
    append(rs.touchpoint, ch.responses.touchpoint);
    append(rs.csat, ch.responses.csat);
    append(rs.nps, ch.responses.nps);
    append(rs.text, ch.responses.text);
  }
  return data;
}

}  // namespace custinsight
