#pragma once

// The one prelude of every binding translation unit (cpp/register_<area>.cpp): pybind11 with
// numpy and Eigen support, and the few helpers every binding body is made of, so that a body
// reads as two steps, with nothing written twice:
//
//   const auto f = span_of(frequency, "frequency"), r = span_of(recency, "recency");
//   return released([&] { return model.conditional_probability_alive(f, r); });
//
// 1. arrays in: span_of (1-D, optional or not) and matrix_of (2-D) view numpy buffers without
//    a copy, while the GIL is still held;
// 2. released(f) runs the pure C++ work with the GIL released and turns its absl::Status into
//    a Python exception (absl::StatusOr<T> into its T), once the GIL is back;
// 3. results out: to_numpy and field_column copy std::vectors into new numpy arrays; a fit's
//    result is a bound class with `readonly` attributes (in its register_<area>.cpp), never a
//    dict whose keys the Python side would have to spell again.

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace custinsight::bindings {

// -- errors ------------------------------------------------------------------------------

/// Raise the Python exception that matches a non-OK status; bad values are ValueError.
/// Needs the GIL.
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

/// The value of an OK result; the Python exception of throw_if_error otherwise.
template <class T>
T value_or_throw(absl::StatusOr<T>&& result) {
  throw_if_error(result.status());
  return std::move(result).value();
}

// -- arrays in ---------------------------------------------------------------------------

/// A numpy argument of element type T: C-contiguous, converted from other dtypes and layouts
/// (pybind11 copies only when the caller's array is not already so).
template <class T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;
/// An array argument that may be None.
template <class T>
using OptionalArray = std::optional<Array<T>>;

/// A read-only view of a one-dimensional array; `name` names the argument in the error.
template <class T, int Flags>
std::span<const T> span_of(const py::array_t<T, Flags>& a, std::string_view name = {}) {
  static_assert((Flags & py::array::c_style) != 0, "span_of needs a C-contiguous array type");
  if (a.ndim() != 1) {
    throw py::value_error(name.empty() ? std::string("expected a one-dimensional array")
                                       : std::string(name) + " must be one-dimensional");
  }
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// An optional array's view: empty when the argument is None (the core's "not given").
template <class T, int Flags>
std::span<const T> span_of(const std::optional<py::array_t<T, Flags>>& a,
                           std::string_view name = {}) {
  return a ? span_of(*a, name) : std::span<const T>{};
}

/// A read-only row-major view of a two-dimensional float64 array (rows x columns).
template <int Flags>
Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
matrix_of(const py::array_t<double, Flags>& a, std::string_view name = "X") {
  static_assert((Flags & py::array::c_style) != 0, "matrix_of needs a C-contiguous array type");
  if (a.ndim() != 2) {
    throw py::value_error(std::string(name) +
                          " must be a two-dimensional array (customers x features)");
  }
  return {a.data(), static_cast<Eigen::Index>(a.shape(0)), static_cast<Eigen::Index>(a.shape(1))};
}

/// A column vector viewing a one-dimensional array.
template <int Flags>
Eigen::Map<const Eigen::VectorXd> vector_of(const py::array_t<double, Flags>& a,
                                            std::string_view name = {}) {
  const auto s = span_of(a, name);
  return {s.data(), static_cast<Eigen::Index>(s.size())};
}

/// A copy of a one-dimensional array, for the core's options and results that own their data.
template <class T, int Flags>
std::vector<T> to_vector(const py::array_t<T, Flags>& a, std::string_view name = {}) {
  const auto s = span_of(a, name);
  return {s.begin(), s.end()};
}

// -- the GIL -----------------------------------------------------------------------------

template <class T>
inline constexpr bool kIsStatusOr = false;
template <class T>
inline constexpr bool kIsStatusOr<absl::StatusOr<T>> = true;

/// Run `f()` with the GIL released, so that other Python threads run meanwhile and the core's
/// own threads never wait for it. `f` must not touch Python objects: take spans first. Once
/// the GIL is back, an absl::Status result becomes an exception (or nothing), an
/// absl::StatusOr<T> becomes its T or an exception, and any other result is returned as is.
template <class F>
auto released(F&& f) {
  using Result = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<Result>) {
    py::gil_scoped_release release;
    f();
  } else {
    Result result = [&]() -> Result {
      py::gil_scoped_release release;
      return f();
    }();
    if constexpr (std::is_same_v<Result, absl::Status>) {
      throw_if_error(result);
    } else if constexpr (kIsStatusOr<Result>) {
      return value_or_throw(std::move(result));
    } else {
      return result;
    }
  }
}

// -- results out -------------------------------------------------------------------------

/// Copy a std::vector into a new numpy array.
template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

/// One field of every row as a new numpy array of R: `field_column<double>(rows, get)` with
/// `get(row)` reading the field (a result given as rows becomes columns).
template <class R, class Row, class Get>
py::array_t<R> field_column(const std::vector<Row>& rows, Get get) {
  py::array_t<R> out(static_cast<py::ssize_t>(rows.size()));
  auto* p = out.mutable_data();
  for (std::size_t i = 0; i < rows.size(); ++i) p[i] = static_cast<R>(get(rows[i]));
  return out;
}

/// Bind `member` of a result struct as a read-only attribute that returns a copy: Eigen
/// members become new, writeable numpy arrays, never views into the C++ object.
template <class Class, class S, class M>
void readonly(Class& c, const char* name, M S::*member, const char* doc = "") {
  c.def_property_readonly(name, [member](const S& s) -> M { return s.*member; }, doc);
}

}  // namespace custinsight::bindings
