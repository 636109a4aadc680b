#pragma once

// Prelude for every binding translation unit: pybind11 with numpy and Eigen support, and the
// translation of absl::Status into Python exceptions, so that no C++ error escapes unconverted.

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <span>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace custinsight::bindings {

/// Raise the Python exception that matches a non-OK status; bad values are ValueError.
inline void throw_if_error(const absl::Status& status) {
  if (status.ok()) return;
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
      throw py::value_error(message);
    case absl::StatusCode::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, message.c_str());
      throw py::error_already_set();
    case absl::StatusCode::kUnimplemented:
      PyErr_SetString(PyExc_NotImplementedError, message.c_str());
      throw py::error_already_set();
    default:
      throw std::runtime_error(message);
  }
}

template <class T>
T value_or_throw(absl::StatusOr<T>&& result) {
  throw_if_error(result.status());
  return std::move(result).value();
}

/// A read-only view of a 1-D C-contiguous numpy array (the binding signature guarantees both).
template <class T>
std::span<const T> as_span(const py::array_t<T, py::array::c_style>& a) {
  if (a.ndim() != 1) throw py::value_error("expected a one-dimensional array");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// Copy a std::vector into a new numpy array.
template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace custinsight::bindings
