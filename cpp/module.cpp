// custinsight._core: the compiled half of the package. It only binds; all logic lives in the
// header-only core under include/custinsight/, and pandas convenience in python/custinsight/.
//
// One submodule per area (_core.rfm, _core.loyalty, ...), each filled by its
// register_<area>.cpp; the shared foundations (threads, version, touchpoints) stay at the top.

#include "bindings.hpp"

#include <string>
#include <vector>

#include "custinsight/parallel.hpp"
#include "custinsight/touchpoint.hpp"
#include "custinsight/version.hpp"

namespace custinsight::bindings {
void register_rfm(py::module_& m);
void register_loyalty(py::module_& m);
void register_churn(py::module_& m);
void register_sentiment(py::module_& m);
void register_satisfaction(py::module_& m);
void register_simulation(py::module_& m);
void register_insight(py::module_& m);
}  // namespace custinsight::bindings

PYBIND11_MODULE(_core, m) {
  namespace b = custinsight::bindings;
  m.doc() = "custinsight compiled core (bindings only; use the custinsight package)";
  m.attr("__version__") = CUSTINSIGHT_VERSION;
  m.def("set_num_threads", &custinsight::set_num_threads, "n"_a,
        R"doc(Set the number of threads used by parallel loops (0: all cores).)doc");
  m.def("num_threads", &custinsight::num_threads,
        R"doc(The number of threads the next parallel loop will use.)doc");
  m.attr("TOUCHPOINTS") = py::cast(std::vector<std::string>(
      custinsight::kTouchpointNames.begin(), custinsight::kTouchpointNames.end()));

  auto rfm = m.def_submodule("rfm", "RFM summaries and calibration/holdout splits.");
  b::register_rfm(rfm);
  auto loyalty = m.def_submodule(
      "loyalty", "Buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma).");
  b::register_loyalty(loyalty);
  auto churn = m.def_submodule("churn", "Logistic and Cox churn models, drivers and metrics.");
  b::register_churn(churn);
  auto sentiment = m.def_submodule("sentiment", "Lexicons, the analyser and batch scoring.");
  b::register_sentiment(sentiment);
  auto satisfaction = m.def_submodule(
      "satisfaction", "Survey metrics, weighted satisfaction, roll-ups, drivers, alerts.");
  b::register_satisfaction(satisfaction);
  auto simulation = m.def_submodule("simulation", "Seeded customer bases and transcripts.");
  b::register_simulation(simulation);
  auto insight = m.def_submodule("insight", "The insight table's scoring, joins and inputs.");
  b::register_insight(insight);
}
