// Scores a small simulated customer base through the installed C++ API only: the RFM summary,
// then the whole insight table (loyalty model chosen by BIC, churn risk, CLV, satisfaction,
// segment, drivers and action per customer).
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "custinsight/custinsight.hpp"

int main() {
  custinsight::SimulationConfig config;
  config.n_customers = 2000;
  config.seed = 7;
  auto data = custinsight::simulate(config);
  if (!data.ok()) {
    std::fprintf(stderr, "simulate failed: %s\n", data.status().ToString().c_str());
    return EXIT_FAILURE;
  }
  const auto& tx = data->transactions;
  auto summary = custinsight::rfm_summary<double>(tx.customer_id, tx.time, tx.amount,
                                                  config.observation_periods);
  if (!summary.ok()) {
    std::fprintf(stderr, "rfm_summary failed: %s\n", summary.status().ToString().c_str());
    return EXIT_FAILURE;
  }
  if (summary->size() != static_cast<std::size_t>(config.n_customers)) {
    std::fprintf(stderr, "expected %lld customers, got %zu\n",
                 static_cast<long long>(config.n_customers), summary->size());
    return EXIT_FAILURE;
  }
  std::printf("custinsight %s: %zu customers, %zu transactions, mean frequency %.3f\n",
              custinsight::version, summary->size(), tx.time.size(), summary->frequency.mean());

  // The insight table: times as nanoseconds since 1970 (the simulation counts weeks from 0).
  namespace ins = custinsight::insight;
  const double ns_per_period = config.period_days * 86400e9;
  ins::Transactions log;
  for (std::size_t i = 0; i < tx.time.size(); ++i) {
    log.customer.push_back(tx.customer_id[i]);
    log.time_ns.push_back(static_cast<std::int64_t>(std::llround(tx.time[i] * ns_per_period)));
    log.amount.push_back(tx.amount[i]);
  }
  const auto& rs = data->responses;
  ins::Feedback feedback;
  for (std::size_t i = 0; i < rs.time.size(); ++i) {
    feedback.customer.push_back(rs.customer_id[i]);
    feedback.time_ns.push_back(static_cast<std::int64_t>(std::llround(rs.time[i] * ns_per_period)));
    feedback.rating.push_back(rs.csat[i] > 0 ? rs.csat[i] : std::nan(""));
    feedback.nps.push_back(rs.nps[i] >= 0 ? rs.nps[i] : std::nan(""));
    feedback.text.push_back(rs.text[i]);
    feedback.text_missing.push_back(rs.text[i].empty());
  }
  const auto end_ns = static_cast<std::int64_t>(std::llround(config.observation_periods * ns_per_period));
  auto table = ins::score_table(log, &feedback, end_ns, ins::InsightConfig{});
  if (!table.ok()) {
    std::fprintf(stderr, "score_table failed: %s\n", table.status().ToString().c_str());
    return EXIT_FAILURE;
  }
  std::array<int, ins::kSegments.size()> per_segment{};
  for (auto s : table->scores.segment) ++per_segment[static_cast<std::size_t>(s)];
  std::printf("insight table: %zu customers, model %s\n", table->customer.size(),
              table->model.c_str());
  for (std::size_t k = 0; k < per_segment.size(); ++k)
    if (per_segment[k] > 0) std::printf("  %-16s %5d\n", ins::kSegments[k], per_segment[k]);
  std::printf("customer %lld: %s; %s\n", static_cast<long long>(table->customer[1]),
              ins::kActions[static_cast<std::size_t>(table->scores.action[1])],
              table->scores.drivers[1].c_str());
  return table->customer.size() == summary->size() ? EXIT_SUCCESS : EXIT_FAILURE;
}
