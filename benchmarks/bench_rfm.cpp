// Google Benchmark: transaction summaries and the simulator on 1e6 and 1e7 transactions.
#include <benchmark/benchmark.h>

#include <map>

#include "custinsight/parallel.hpp"
#include "custinsight/rfm.hpp"
#include "custinsight/simulation/customers.hpp"

namespace ci = custinsight;

namespace {

const ci::SimulatedData& data_with(std::int64_t customers) {
  static std::map<std::int64_t, ci::SimulatedData> cache;
  auto it = cache.find(customers);
  if (it == cache.end()) {
    ci::SimulationConfig c;
    c.n_customers = customers;
    it = cache.emplace(customers, *ci::simulate(c)).first;
  }
  return it->second;
}

void BM_RfmSummary(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(1)));
  const auto& tx = data_with(state.range(0)).transactions;
  for (auto _ : state) {
    auto s = ci::rfm_summary<double>(tx.customer_id, tx.time, tx.amount, 78.0);
    benchmark::DoNotOptimize(s);
  }
  state.counters["transactions"] = static_cast<double>(tx.time.size());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tx.time.size()));
  ci::set_num_threads(0);
}

void BM_Simulate(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(1)));
  ci::SimulationConfig c;
  c.n_customers = state.range(0);
  std::size_t n_tx = 0;
  for (auto _ : state) {
    auto d = ci::simulate(c);
    n_tx = d->transactions.time.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["transactions"] = static_cast<double>(n_tx);
  ci::set_num_threads(0);
}

}  // namespace

// ~2.7 transactions per simulated customer with the default (CDNOW-like) settings.
BENCHMARK(BM_RfmSummary)->Args({370'000, 1})->Args({3'700'000, 1})->Args({3'700'000, 2})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Simulate)->Args({3'700'000, 1})->Args({3'700'000, 2})->Unit(benchmark::kMillisecond);
