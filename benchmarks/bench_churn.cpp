// Google Benchmark: the churn logistic fit on 1e6 x 30, scoring with drivers on 1e6 and 1e7
// rows, and the Cox fit, each for 1 and 2 threads.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "custinsight/churn/cox.hpp"
#include "custinsight/churn/logistic.hpp"
#include "custinsight/parallel.hpp"

namespace ci = custinsight;

namespace {

struct Problem {
  ci::RowMatrixXd X;
  std::vector<double> y;
};

// Features on different scales and offsets, logistic labels from known coefficients.
const Problem& problem(std::int64_t n, std::int64_t p) {
  static std::map<std::pair<std::int64_t, std::int64_t>, Problem> cache;
  auto key = std::make_pair(n, p);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Problem pr;
  pr.X.resize(n, p);
  pr.y.resize(static_cast<std::size_t>(n));
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unif;
  std::vector<double> beta(static_cast<std::size_t>(p));
  for (auto& b : beta) b = 0.3 * normal(rng);
  for (std::int64_t i = 0; i < n; ++i) {
    double eta = -0.5;
    for (std::int64_t j = 0; j < p; ++j) {
      const double z = normal(rng);
      pr.X(i, j) = 3.0 + (1.0 + static_cast<double>(j)) * z;
      eta += beta[static_cast<std::size_t>(j)] * z;
    }
    pr.y[static_cast<std::size_t>(i)] = unif(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1.0 : 0.0;
  }
  return cache.emplace(key, std::move(pr)).first->second;
}

void BM_LogisticFit(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(2)));
  const Problem& pr = problem(state.range(0), state.range(1));
  int iterations = 0;
  for (auto _ : state) {
    auto m = ci::fit_logistic(pr.X, pr.y, {}, {}, {});
    if (!m.ok()) state.SkipWithError(std::string(m.status().message()).c_str());
    iterations = m->n_iter;
    benchmark::DoNotOptimize(m);
  }
  state.counters["newton_iterations"] = iterations;
  ci::set_num_threads(0);
}

void BM_LogisticDrivers(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(2)));
  const Problem& train = problem(100'000, state.range(1));
  static auto model = ci::fit_logistic(train.X, train.y, {}, {}, {});
  const Problem& pr = problem(state.range(0), state.range(1));
  for (auto _ : state) {
    auto d = ci::logistic_drivers(*model, pr.X, 3);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  ci::set_num_threads(0);
}

void BM_CoxFit(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(1)));
  const Problem& pr = problem(state.range(0), 10);
  // Durations from the labels' latent scale, rounded to whole periods (many ties).
  std::vector<double> time(pr.y.size()), event(pr.y.size());
  for (std::size_t i = 0; i < time.size(); ++i) {
    time[i] = std::ceil(10.0 * std::abs(pr.X(static_cast<Eigen::Index>(i), 0) - 3.0) + 1.0);
    event[i] = pr.y[i];
  }
  for (auto _ : state) {
    auto m = ci::fit_cox(pr.X, time, event, {}, {}, {});
    benchmark::DoNotOptimize(m);
  }
  ci::set_num_threads(0);
}

}  // namespace

BENCHMARK(BM_LogisticFit)->Args({1'000'000, 30, 1})->Args({1'000'000, 30, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LogisticDrivers)->Args({1'000'000, 30, 1})->Args({1'000'000, 30, 2})->Args({10'000'000, 30, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CoxFit)->Args({200'000, 1})->Args({200'000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
