// Google Benchmark programs for the loyalty models: fitting on simulated customers with
// distinct histories, and the per-customer prediction kernels.

#include <benchmark/benchmark.h>

#include <map>
#include <vector>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/clv.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"
#include "custinsight/simulation/customers.hpp"

namespace ci = custinsight;

namespace {

struct Histories {
  std::vector<double> x, tx, T;
};

const Histories& simulated(std::int64_t n) {
  static std::map<std::int64_t, Histories> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  ci::SimulationConfig config;
  config.n_customers = n;
  config.response_rate = 0.0;
  const ci::SimulatedData d = ci::simulate(config).value();
  Histories h;
  h.x.assign(d.customers.frequency.begin(), d.customers.frequency.end());
  h.tx.assign(d.customers.recency.begin(), d.customers.recency.end());
  h.T.assign(d.customers.T.begin(), d.customers.T.end());
  return cache.emplace(n, std::move(h)).first->second;
}

void BM_BetaGeoFit(benchmark::State& state) {
  const Histories& h = simulated(state.range(0));
  for (auto _ : state) {
    ci::BetaGeoModel m;
    benchmark::DoNotOptimize(m.fit(h.x, h.tx, h.T));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BetaGeoFit)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_ParetoFit(benchmark::State& state) {
  const Histories& h = simulated(state.range(0));
  for (auto _ : state) {
    ci::ParetoNBDModel m;
    benchmark::DoNotOptimize(m.fit(h.x, h.tx, h.T));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParetoFit)->Arg(2'357)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_BetaGeoProbabilityAlive(benchmark::State& state) {
  const Histories& h = simulated(state.range(0));
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  for (auto _ : state)
    benchmark::DoNotOptimize(ci::BetaGeoKernels::conditional_probability_alive(theta, h.x, h.tx, h.T));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BetaGeoProbabilityAlive)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_BetaGeoExpectedAt12Horizons(benchmark::State& state) {
  const Histories& h = simulated(state.range(0));
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  std::vector<double> horizons;
  for (int i = 1; i <= 12; ++i) horizons.push_back(4.345 * i);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        ci::BetaGeoKernels::conditional_expected_at_horizons(theta, horizons, h.x, h.tx, h.T));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BetaGeoExpectedAt12Horizons)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_BetaGeoClv12Months(benchmark::State& state) {
  const Histories& h = simulated(state.range(0));
  Eigen::VectorXd theta(4);
  theta << 0.243, 4.414, 0.793, 2.426;
  ci::BetaGeoModel m;
  if (!m.set_params(theta).ok()) state.SkipWithError("set_params failed");
  const std::vector<double> spend(h.x.size(), 35.0);
  for (auto _ : state)
    benchmark::DoNotOptimize(ci::customer_lifetime_value(m, h.x, h.tx, h.T, spend, 12, 0.01, 4.345));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BetaGeoClv12Months)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
