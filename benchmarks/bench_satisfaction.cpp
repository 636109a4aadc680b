// Google Benchmark: the satisfaction area on one million responses with precomputed compound
// sentiment (scoring, roll-ups, NPS, drivers), and conversation quality on simulated transcripts.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "custinsight/math/random.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/satisfaction/all.hpp"
#include "custinsight/simulation/conversations.hpp"
#include "custinsight/touchpoint.hpp"

namespace ci = custinsight;

namespace {

struct Responses {
  std::vector<std::int32_t> customer, touchpoint;
  std::vector<double> rating, nps, compound, time;
  std::int32_t n_customers = 0;
};

// One million responses from 350,000 customers over two years, with the simulator's missing
// rates (10% unrated, 15% without text).
const Responses& responses() {
  static const Responses r = [] {
    Responses out;
    constexpr std::size_t n = 1'000'000;
    out.n_customers = 350'000;
    ci::detail::Rng rng(1, 0);
    for (auto* v : {&out.rating, &out.nps, &out.compound, &out.time}) v->resize(n);
    out.customer.resize(n);
    out.touchpoint.resize(n);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < n; ++i) {
      out.customer[i] = static_cast<std::int32_t>(rng.below(350'000));
      out.touchpoint[i] = static_cast<std::int32_t>(rng.below(ci::kTouchpointCount));
      const double felt = rng.normal();
      out.rating[i] = rng.bernoulli(0.1) ? nan : std::clamp(std::round(3 + 1.3 * felt), 1.0, 5.0);
      out.nps[i] = rng.bernoulli(0.1) ? nan : std::clamp(std::round(6.5 + 2 * felt), 0.0, 10.0);
      out.compound[i] = rng.bernoulli(0.15) ? nan : std::tanh(felt + 0.3 * rng.normal());
      out.time[i] = 20'000.0 + 730.0 * rng.uniform();
    }
    return out;
  }();
  return r;
}

struct Scored {
  std::vector<double> score, weight;
  std::vector<std::uint8_t> negative, mismatch;
};

const Scored& scored() {
  static const Scored s = [] {
    const Responses& r = responses();
    ci::WeightedOptions o;
    o.as_of = 20'730.0;
    auto out = ci::weighted_satisfaction(r.rating, ci::RatingScale{}, r.compound, r.time, o);
    Scored x;
    x.score.assign(out->score.data(), out->score.data() + out->score.size());
    x.weight.assign(out->weight.data(), out->weight.data() + out->weight.size());
    x.negative = out->negative;
    x.mismatch = out->mismatch;
    return x;
  }();
  return s;
}

void BM_WeightedSatisfaction(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(0)));
  const Responses& r = responses();
  ci::WeightedOptions o;
  o.as_of = 20'730.0;
  for (auto _ : state) {
    auto s = ci::weighted_satisfaction(r.rating, ci::RatingScale{}, r.compound, r.time, o);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.time.size()));
  ci::set_num_threads(0);
}

void BM_RollupCustomers(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(0)));
  const Responses& r = responses();
  const Scored& s = scored();
  for (auto _ : state) {
    auto c = ci::rollup_customers(r.customer, r.n_customers, s.score, s.weight, r.time,
                                  r.touchpoint, s.negative, s.mismatch);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.time.size()));
  ci::set_num_threads(0);
}

void BM_TouchpointReport(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(0)));
  const Responses& r = responses();
  const Scored& s = scored();
  for (auto _ : state) {
    auto g = ci::rollup_groups(r.touchpoint, ci::kTouchpointCount, s.score, s.weight, r.compound,
                               s.negative, s.mismatch);
    auto csat = ci::csat_grouped(r.rating, r.touchpoint, ci::kTouchpointCount);
    auto nps = ci::nps_grouped(r.nps, r.touchpoint, ci::kTouchpointCount);
    auto cons = ci::touchpoint_consistency(r.touchpoint, ci::kTouchpointCount, s.score, s.weight);
    benchmark::DoNotOptimize(g);
    benchmark::DoNotOptimize(csat);
    benchmark::DoNotOptimize(nps);
    benchmark::DoNotOptimize(cons);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.time.size()));
  ci::set_num_threads(0);
}

void BM_NpsBootstrap(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(0)));
  const Responses& r = responses();
  ci::NpsOptions o;
  o.method = ci::IntervalMethod::bootstrap;
  o.n_bootstrap = 200;
  // 1,000 segments of about 1,000 answers each.
  std::vector<std::int32_t> segment(r.customer.size());
  for (std::size_t i = 0; i < segment.size(); ++i) segment[i] = r.customer[i] % 1000;
  for (auto _ : state) {
    auto nps = ci::nps_grouped(r.nps, segment, 1000, o);
    benchmark::DoNotOptimize(nps);
  }
  ci::set_num_threads(0);
}

void BM_DriverAnalysis(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(0)));
  ci::detail::Rng rng(3, 0);
  const Eigen::Index n = 1'000'000, k = ci::kTouchpointCount;
  ci::RowMatrixXd x(n, k);
  std::vector<double> y(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double common = rng.normal();
    double t = 0.0;
    for (Eigen::Index j = 0; j < k; ++j) {
      x(i, j) = common + 0.5 * rng.normal();
      t += static_cast<double>(j + 1) * x(i, j);
    }
    y[static_cast<std::size_t>(i)] = t + rng.normal();
  }
  for (auto _ : state) {
    auto fit = ci::driver_analysis(x, y);
    benchmark::DoNotOptimize(fit);
  }
  state.SetItemsProcessed(state.iterations() * n);
  ci::set_num_threads(0);
}

void BM_ConversationQuality(benchmark::State& state) {
  ci::set_num_threads(static_cast<int>(state.range(0)));
  static const ci::SimulatedConversations sim = [] {
    ci::ConversationSimConfig c;
    c.n_conversations = 20'000;
    return *ci::simulate_conversations(c);
  }();
  std::vector<std::int32_t> conv(sim.conversation_id.begin(), sim.conversation_id.end());
  for (auto _ : state) {
    auto q = ci::conversation_quality(conv, 20'000, sim.role, sim.time, sim.text, sim.tone);
    benchmark::DoNotOptimize(q);
  }
  state.counters["turns"] = static_cast<double>(conv.size());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(conv.size()));
  ci::set_num_threads(0);
}

}  // namespace

BENCHMARK(BM_WeightedSatisfaction)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RollupCustomers)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TouchpointReport)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NpsBootstrap)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DriverAnalysis)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConversationQuality)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
