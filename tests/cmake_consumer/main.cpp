// Scores a small simulated customer base through the installed C++ API only.
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
  return EXIT_SUCCESS;
}
