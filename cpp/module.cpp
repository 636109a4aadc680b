// custinsight._core: the compiled half of the package. It only binds; all logic lives in the
// header-only core under include/custinsight/, and pandas convenience in python/custinsight/.

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

  b::register_rfm(m);
  b::register_loyalty(m);
  b::register_churn(m);
  b::register_sentiment(m);
  b::register_satisfaction(m);
  b::register_simulation(m);
  b::register_insight(m);
}
