"""Argument checking shared by the pandas layer: clear errors naming the argument and row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_float_array", "as_id_array", "as_time_array", "renamed_errors", "require_columns"]


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def as_float_array(name: str, values: Any, *, allow_nan: bool = False) -> np.ndarray:
    """A 1-D float64 copy-free view where possible; never modifies the input."""
    if values is None:
        raise TypeError(f"{name} must be an array of numbers, not None")
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        raise TypeError(f"{name} is categorical; expected numbers")
    if isinstance(values, (pd.Series, pd.Index)) and values.dtype.kind != "O":
        if values.hasnans and not allow_nan:
            raw = values.isna().to_numpy()
            i = _first_bad(raw)
            raise ValueError(f"{name}[{i}] is missing (NA)")
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values)
    if arr.dtype.kind in "biuf":
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    elif arr.dtype.kind == "O":
        # pd.NA and None are missing values, as NaN is (pandas 2.0 gives object arrays of
        # pd.NA for nullable columns with NA where later releases give NaN).
        missing = pd.isna(arr)
        if missing.any():
            arr = np.where(missing, np.nan, arr)
        try:
            arr = np.array(arr, dtype=np.float64)
        except (TypeError, ValueError):
            for i, v in enumerate(arr.ravel()):
                try:
                    float(v)
                except (TypeError, ValueError):
                    raise TypeError(f"{name}[{i}] = {v!r} is not a number") from None
            raise
    else:
        raise TypeError(f"{name} has dtype {arr.dtype}; expected numbers")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not allow_nan:
        bad = ~np.isfinite(arr)
        if bad.any():
            i = _first_bad(bad)
            raise ValueError(f"{name}[{i}] = {float(arr[i])!r}: must be finite")
    return arr


def as_id_array(name: str, values: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Customer ids as int64 codes. Integer ids pass through (codes are the ids); any other ids
    are factorised in sorted order and the uniques are returned to map codes back."""
    if values is None:
        raise TypeError(f"{name} must be an array of ids, not None")
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object) if np.asarray(values).dtype.kind == "O" else np.asarray(values))
    if series.isna().any():
        i = _first_bad(series.isna().to_numpy())
        raise ValueError(f"{name}[{i}] is missing")
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(dtype.categories.dtype)
        dtype = series.dtype
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        arr = series.to_numpy(dtype=np.int64)
        return np.ascontiguousarray(arr), None
    if pd.api.types.is_float_dtype(dtype):
        arr = series.to_numpy(dtype=np.float64)
        # inf and ids beyond int64 would turn into arbitrary integers in the cast below.
        out_of_range = ~(np.abs(arr) < 2.0**63)
        if out_of_range.any():
            i = _first_bad(out_of_range)
            raise ValueError(f"{name}[{i}] = {arr[i]!r} is not an integer id (out of range)")
        if not np.all(arr == np.floor(arr)):
            i = _first_bad(arr != np.floor(arr))
            raise TypeError(f"{name}[{i}] = {arr[i]!r} is not an integer id")
        return arr.astype(np.int64), None
    kinds = {type(v) for v in series.iloc[: min(len(series), 1000)]}
    if len(series) and not all(issubclass(k, str) for k in kinds) and not pd.api.types.is_string_dtype(dtype):
        mixed = series.map(type).ne(str).to_numpy()
        if mixed.any() and not mixed.all():
            i = _first_bad(mixed)
            raise TypeError(f"{name}[{i}] = {series.iloc[i]!r}: mixes types with string ids")
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


def as_time_array(name: str, values: Any) -> tuple[np.ndarray, bool]:
    """Times as int64 nanoseconds (datetimes) or float64 periods; returns (array, is_datetime)."""
    if values is None:
        raise TypeError(f"{name} must be an array of times, not None")
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.dtype.categories.dtype)
    if series.dtype.kind == "O" and len(series) and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            for v in series):
        # Numbers in an object array are periods, not dates (pandas would read them as
        # nanoseconds since 1970).
        return as_float_array(name, series.to_numpy()), False
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if series.isna().any():
            i = _first_bad(series.isna().to_numpy())
            raise ValueError(f"{name}[{i}] is missing (NaT)")
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        return np.ascontiguousarray(series.to_numpy(dtype="datetime64[ns]").view(np.int64)), True
    if series.dtype.kind == "O" or pd.api.types.is_string_dtype(series.dtype):
        try:
            parsed = pd.to_datetime(series, format="mixed")
        except (ValueError, TypeError) as err:
            for i, v in enumerate(series):
                try:
                    pd.Timestamp(v)
                except (ValueError, TypeError):
                    raise ValueError(f"{name}[{i}] = {v!r} is not a date") from err
            raise ValueError(f"{name}: {err}") from err
        return as_time_array(name, parsed)
    return as_float_array(name, series), False


def require_columns(df: pd.DataFrame, **columns: str | None) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    for argument, column in columns.items():
        if column is not None and column not in df.columns:
            raise ValueError(f"{argument}={column!r} is not a column of the DataFrame "
                             f"(columns: {list(df.columns)})")


class renamed_errors:  # noqa: N801 - used as a context manager, reads like a function
    """Re-raise errors from the core with the caller's column names: the core names its own
    arguments ("monetary_value[3] = -2: ..."), the DataFrame API names the column ("spend[3]")."""

    def __init__(self, **names: str | None) -> None:
        self.names = {k: v for k, v in names.items() if v is not None and v != k}

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: Any) -> bool:
        if isinstance(err, (ValueError, TypeError)) and err.args and isinstance(err.args[0], str):
            msg = err.args[0]
            for core_name, column in self.names.items():
                if msg.startswith(core_name + "[") or msg.startswith(core_name + " "):
                    err.args = (column + msg[len(core_name):],) + err.args[1:]
                    break
        return False
