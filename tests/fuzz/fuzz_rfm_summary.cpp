// Transaction-log ingestion: customer ids, times (integer ticks or float periods), amounts and
// the period specification all decoded from the fuzz input, through rfm_summary and
// calibration_and_holdout. A valid log must give a consistent summary; an invalid one an error.

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "custinsight/rfm.hpp"
#include "fuzz_check.hpp"

namespace ci = custinsight;

namespace {

// Mostly small values, so that customers repeat and periods collide, sometimes anything.
std::int64_t some_integer(FuzzedDataProvider& in) {
  return in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(-8, 40)
                          : in.ConsumeIntegral<std::int64_t>();
}

double some_double(FuzzedDataProvider& in) {
  return in.ConsumeBool() ? static_cast<double>(in.ConsumeIntegralInRange<int>(-8, 40)) * 0.5
                          : in.ConsumeFloatingPoint<double>();
}

void check_summary(const ci::RfmSummary& s, bool with_amount, const ci::RfmOptions& options) {
  const auto n = static_cast<Eigen::Index>(s.size());
  CUSTINSIGHT_FUZZ_CHECK(s.frequency.size() == n && s.recency.size() == n && s.T.size() == n);
  CUSTINSIGHT_FUZZ_CHECK(s.monetary_value.size() == (with_amount ? n : 0));
  for (Eigen::Index c = 0; c < n; ++c) {
    if (c > 0) CUSTINSIGHT_FUZZ_CHECK(s.customer_id[c - 1] < s.customer_id[c]);
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s.frequency[c]) && s.frequency[c] >= 0);
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s.recency[c]) && s.recency[c] >= 0);
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s.T[c]) && s.T[c] >= s.recency[c]);
    if (!options.include_first_transaction)
      CUSTINSIGHT_FUZZ_CHECK(s.frequency[c] > 0 || s.recency[c] == 0);
    if (with_amount)
      CUSTINSIGHT_FUZZ_CHECK(std::isfinite(s.monetary_value[c]) && s.monetary_value[c] >= 0);
  }
}

template <class Tick>
void run(FuzzedDataProvider& in, bool holdout, bool with_amount, const ci::RfmOptions& options,
         Tick (*draw)(FuzzedDataProvider&)) {
  const auto n = in.ConsumeIntegralInRange<std::size_t>(0, 256);
  std::vector<std::int64_t> ids(n);
  std::vector<Tick> time(n);
  std::vector<double> amount(with_amount ? n : 0);
  for (std::size_t i = 0; i < n; ++i) {
    ids[i] = some_integer(in);
    time[i] = draw(in);
    if (with_amount) amount[i] = some_double(in);
  }
  ci::PeriodSpec<Tick> spec;
  if (in.ConsumeBool()) {
    spec.ticks_per_period = draw(in);
    spec.offset = draw(in);
    spec.freq_multiplier = some_double(in);
  }
  const Tick end = draw(in);
  if (holdout) {
    const Tick calibration_end = draw(in);
    auto r = ci::calibration_and_holdout<Tick>(ids, time, amount, calibration_end, end, spec,
                                               options);
    if (!r.ok()) return;
    check_summary(r->calibration, with_amount, options);
    const auto m = static_cast<Eigen::Index>(r->calibration.size());
    CUSTINSIGHT_FUZZ_CHECK(m > 0 && r->frequency_holdout.size() == m);
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(r->duration_holdout) && r->duration_holdout >= 0);
    for (Eigen::Index c = 0; c < m; ++c) {
      CUSTINSIGHT_FUZZ_CHECK(r->frequency_holdout[c] >= 0);
      if (with_amount)
        CUSTINSIGHT_FUZZ_CHECK(std::isfinite(r->monetary_value_holdout[c]) &&
                               r->monetary_value_holdout[c] >= 0);
    }
  } else {
    auto r = ci::rfm_summary<Tick>(ids, time, amount, end, spec, options);
    if (!r.ok()) return;
    CUSTINSIGHT_FUZZ_CHECK(r->size() > 0 && r->size() <= n);
    check_summary(*r, with_amount, options);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool ticks = in.ConsumeBool();
  const bool holdout = in.ConsumeBool();
  const bool with_amount = in.ConsumeBool();
  ci::RfmOptions options;
  options.include_first_transaction = in.ConsumeBool();
  if (ticks) {
    run<std::int64_t>(in, holdout, with_amount, options, some_integer);
  } else {
    run<double>(in, holdout, with_amount, options, some_double);
  }
  return 0;
}
