// Bindings for include/custinsight/simulate.hpp.

#include "pybind11.hpp"

#include "custinsight/simulation/customers.hpp"

namespace custinsight::bindings {
namespace {

template <class T>
py::array_t<T> take(std::vector<T>&& v) {
  return to_numpy(v);
}

py::dict simulate_impl(const SimulationConfig& config) {
  absl::StatusOr<SimulatedData> result;
  {
    py::gil_scoped_release release;
    result = simulate(config);
  }
  SimulatedData data = value_or_throw(std::move(result));
  SimulatedCustomers& c = data.customers;
  py::dict customers;
  customers["customer_id"] = take(std::move(c.customer_id));
  customers["birth"] = py::cast(std::move(c.birth));
  customers["lambda"] = py::cast(std::move(c.lambda));
  customers["dropout"] = py::cast(std::move(c.dropout));
  customers["spend_rate"] = py::cast(std::move(c.spend_rate));
  customers["satisfaction"] = py::cast(std::move(c.satisfaction));
  customers["touchpoint_satisfaction"] = py::cast(std::move(c.touchpoint_satisfaction));
  customers["likelihood_to_recommend"] = py::cast(std::move(c.likelihood_to_recommend));
  customers["death"] = py::cast(std::move(c.death));
  customers["alive"] = take(std::move(c.alive));
  customers["frequency"] = py::cast(std::move(c.frequency));
  customers["recency"] = py::cast(std::move(c.recency));
  customers["T"] = py::cast(std::move(c.T));

  py::dict transactions;
  transactions["customer_id"] = take(std::move(data.transactions.customer_id));
  transactions["time"] = take(std::move(data.transactions.time));
  transactions["amount"] = take(std::move(data.transactions.amount));

  SimulatedResponses& r = data.responses;
  py::dict responses;
  responses["customer_id"] = take(std::move(r.customer_id));
  responses["time"] = take(std::move(r.time));
  responses["touchpoint"] = take(std::move(r.touchpoint));
  responses["csat"] = take(std::move(r.csat));
  responses["nps"] = take(std::move(r.nps));
  responses["text"] = py::cast(std::move(r.text));

  py::dict out;
  out["customers"] = customers;
  out["transactions"] = transactions;
  out["responses"] = responses;
  return out;
}

}  // namespace

void register_simulate(py::module_& m) {
  py::class_<SimulationConfig>(m, "SimulationConfig",
                               "Settings of a simulated customer base (times in periods).")
      .def(py::init<>())
      .def_readwrite("n_customers", &SimulationConfig::n_customers)
      .def_readwrite("seed", &SimulationConfig::seed)
      .def_readwrite("r", &SimulationConfig::r)
      .def_readwrite("alpha", &SimulationConfig::alpha)
      .def_readwrite("a", &SimulationConfig::a)
      .def_readwrite("b", &SimulationConfig::b)
      .def_readwrite("p", &SimulationConfig::p)
      .def_readwrite("q", &SimulationConfig::q)
      .def_readwrite("gamma", &SimulationConfig::gamma)
      .def_readwrite("period_days", &SimulationConfig::period_days)
      .def_readwrite("acquisition_periods", &SimulationConfig::acquisition_periods)
      .def_readwrite("observation_periods", &SimulationConfig::observation_periods)
      .def_readwrite("response_rate", &SimulationConfig::response_rate)
      .def_readwrite("missing_rating_rate", &SimulationConfig::missing_rating_rate)
      .def_readwrite("missing_text_rate", &SimulationConfig::missing_text_rate)
      .def_readwrite("mismatch_rate", &SimulationConfig::mismatch_rate)
      .def_readwrite("satisfaction_loyalty_link", &SimulationConfig::satisfaction_loyalty_link)
      .def_readwrite("touchpoint_share", &SimulationConfig::touchpoint_share)
      .def_readwrite("touchpoint_effect", &SimulationConfig::touchpoint_effect)
      .def_readwrite("touchpoint_weight", &SimulationConfig::touchpoint_weight);

  m.attr("TOUCHPOINTS") = py::cast(std::vector<std::string>(kTouchpointNames.begin(),
                                                            kTouchpointNames.end()));
  m.def("simulate", &simulate_impl, "config"_a,
        R"doc(Simulate a customer base; returns dicts of arrays: customers, transactions, responses.)doc");
}

}  // namespace custinsight::bindings
