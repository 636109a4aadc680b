// Bindings for include/custinsight/rfm.hpp.

#include "bindings.hpp"

#include "custinsight/rfm.hpp"

namespace custinsight::bindings {
namespace {

py::dict summary_to_dict(RfmSummary&& s) {
  py::dict d;
  d["customer_id"] = to_numpy(s.customer_id);
  d["frequency"] = py::cast(std::move(s.frequency));
  d["recency"] = py::cast(std::move(s.recency));
  d["T"] = py::cast(std::move(s.T));
  if (s.monetary_value.size() > 0 || s.customer_id.empty())
    d["monetary_value"] = py::cast(std::move(s.monetary_value));
  return d;
}

template <class Tick>
using Ticks = py::array_t<Tick, py::array::c_style>;

template <class Tick>
py::dict rfm_summary_impl(const Ticks<std::int64_t>& customer_id, const Ticks<Tick>& time,
                          const std::optional<Ticks<double>>& amount, Tick observation_end,
                          Tick ticks_per_period, Tick offset, double freq_multiplier,
                          bool include_first_transaction) {
  const auto ids = span_of(customer_id);
  const auto t = span_of(time);
  const auto a = span_of(amount);
  py::dict d = summary_to_dict(released([&] {
    return rfm_summary<Tick>(ids, t, a, observation_end,
                             PeriodSpec<Tick>{ticks_per_period, offset, freq_multiplier},
                             RfmOptions{include_first_transaction});
  }));
  if (!amount) d.attr("pop")("monetary_value", py::none());
  return d;
}

template <class Tick>
py::dict calibration_holdout_impl(const Ticks<std::int64_t>& customer_id,
                                  const Ticks<Tick>& time,
                                  const std::optional<Ticks<double>>& amount, Tick calibration_end,
                                  Tick observation_end, Tick ticks_per_period, Tick offset,
                                  double freq_multiplier, bool include_first_transaction) {
  const auto ids = span_of(customer_id);
  const auto t = span_of(time);
  const auto a = span_of(amount);
  CalibrationHoldout ch = released([&] {
    return calibration_and_holdout<Tick>(
        ids, t, a, calibration_end, observation_end,
        PeriodSpec<Tick>{ticks_per_period, offset, freq_multiplier},
        RfmOptions{include_first_transaction});
  });
  py::dict d = summary_to_dict(std::move(ch.calibration));
  if (!amount) d.attr("pop")("monetary_value", py::none());
  d["frequency_holdout"] = py::cast(std::move(ch.frequency_holdout));
  if (amount) d["monetary_value_holdout"] = py::cast(std::move(ch.monetary_value_holdout));
  d["duration_holdout"] = ch.duration_holdout;
  return d;
}

constexpr const char* kRfmDoc = R"doc(
Summarise a transaction log per customer (low level; see custinsight.rfm_summary).

Parameters
----------
customer_id : int64 array
time : int64 (ticks, e.g. nanoseconds) or float64 (periods) array
amount : float64 array or None
observation_end : the end of observation, in the same ticks as ``time``
ticks_per_period, offset : ``period = floor((time + offset) / ticks_per_period)``
freq_multiplier : recency and T are divided by this
include_first_transaction : count the first purchase too

Returns
-------
dict of numpy arrays: customer_id, frequency, recency, T[, monetary_value]
)doc";

}  // namespace

void register_rfm(py::module_& m) {
  m.def("rfm_summary_ticks", &rfm_summary_impl<std::int64_t>, "customer_id"_a, "time"_a,
        "amount"_a = py::none(), "observation_end"_a, "ticks_per_period"_a = 1, "offset"_a = 0,
        "freq_multiplier"_a = 1.0, "include_first_transaction"_a = false, kRfmDoc);
  m.def("rfm_summary_float", &rfm_summary_impl<double>, "customer_id"_a, "time"_a,
        "amount"_a = py::none(), "observation_end"_a, "ticks_per_period"_a = 1.0,
        "offset"_a = 0.0, "freq_multiplier"_a = 1.0, "include_first_transaction"_a = false,
        kRfmDoc);
  m.def("calibration_and_holdout_ticks", &calibration_holdout_impl<std::int64_t>,
        "customer_id"_a, "time"_a, "amount"_a = py::none(), "calibration_end"_a,
        "observation_end"_a, "ticks_per_period"_a = 1, "offset"_a = 0, "freq_multiplier"_a = 1.0,
        "include_first_transaction"_a = false,
        "Calibration summary plus holdout frequency, monetary value and duration.");
  m.def("calibration_and_holdout_float", &calibration_holdout_impl<double>, "customer_id"_a,
        "time"_a, "amount"_a = py::none(), "calibration_end"_a, "observation_end"_a,
        "ticks_per_period"_a = 1.0, "offset"_a = 0.0, "freq_multiplier"_a = 1.0,
        "include_first_transaction"_a = false,
        "Calibration summary plus holdout frequency, monetary value and duration.");
}

}  // namespace custinsight::bindings
