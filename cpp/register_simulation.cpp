// Bindings for include/custinsight/simulation/ (customer bases and support transcripts).

#include "bindings.hpp"

#include "custinsight/simulation/conversations.hpp"
#include "custinsight/simulation/customers.hpp"

namespace custinsight::bindings {
namespace {

py::dict simulate_impl(const SimulationConfig& config) {
  SimulatedData data = released([&] { return simulate(config); });
  SimulatedCustomers& c = data.customers;
  py::dict customers;
  customers["customer_id"] = to_numpy(c.customer_id);
  customers["birth"] = py::cast(std::move(c.birth));
  customers["lambda"] = py::cast(std::move(c.lambda));
  customers["dropout"] = py::cast(std::move(c.dropout));
  customers["spend_rate"] = py::cast(std::move(c.spend_rate));
  customers["satisfaction"] = py::cast(std::move(c.satisfaction));
  customers["touchpoint_satisfaction"] = py::cast(std::move(c.touchpoint_satisfaction));
  customers["likelihood_to_recommend"] = py::cast(std::move(c.likelihood_to_recommend));
  customers["death"] = py::cast(std::move(c.death));
  customers["alive"] = to_numpy(c.alive);
  customers["frequency"] = py::cast(std::move(c.frequency));
  customers["recency"] = py::cast(std::move(c.recency));
  customers["T"] = py::cast(std::move(c.T));

  py::dict transactions;
  transactions["customer_id"] = to_numpy(data.transactions.customer_id);
  transactions["time"] = to_numpy(data.transactions.time);
  transactions["amount"] = to_numpy(data.transactions.amount);

  SimulatedResponses& r = data.responses;
  py::dict responses;
  responses["customer_id"] = to_numpy(r.customer_id);
  responses["time"] = to_numpy(r.time);
  responses["touchpoint"] = to_numpy(r.touchpoint);
  responses["csat"] = to_numpy(r.csat);
  responses["nps"] = to_numpy(r.nps);
  responses["text"] = py::cast(std::move(r.text));

  py::dict out;
  out["customers"] = customers;
  out["transactions"] = transactions;
  out["responses"] = responses;
  return out;
}

py::dict simulate_conversations_impl(std::int64_t n_conversations, std::uint64_t seed,
                                     std::int32_t n_agents, double bad_agent_share,
                                     double bad_rate_good_agent, double bad_rate_bad_agent) {
  const ConversationSimConfig c{n_conversations, seed, n_agents, bad_agent_share,
                                bad_rate_good_agent, bad_rate_bad_agent};
  SimulatedConversations s = released([&] { return simulate_conversations(c); });
  py::dict d;
  d["conversation_id"] = to_numpy(s.conversation_id);
  d["role"] = to_numpy(s.role);
  d["time"] = to_numpy(s.time);
  d["text"] = py::cast(std::move(s.text));
  d["tone"] = to_numpy(s.tone);
  d["agent"] = to_numpy(s.agent);
  d["good"] = to_numpy(s.good);
  d["agent_is_bad"] = to_numpy(s.agent_is_bad);
  return d;
}

}  // namespace

void register_simulation(py::module_& m) {
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

  m.def("simulate", &simulate_impl, "config"_a,
        R"doc(Simulate a customer base; returns dicts of arrays: customers, transactions, responses.)doc");
  m.def("simulate_conversations", &simulate_conversations_impl, "n_conversations"_a = 2000,
        "seed"_a = 11, "n_agents"_a = 20, "bad_agent_share"_a = 0.3,
        "bad_rate_good_agent"_a = 0.15, "bad_rate_bad_agent"_a = 0.7,
        R"doc(Seeded support transcripts with good/bad labels (see simulate_conversations.hpp).)doc");
}

}  // namespace custinsight::bindings
