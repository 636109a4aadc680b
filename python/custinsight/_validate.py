"""Argument checking shared by the pandas layer: clear errors naming the argument and row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_float_array", "as_id_array", "as_time_array", "id_kind", "match_ids",
           "naive_utc_column", "renamed_errors", "require_columns", "show_value",
           "timestamp_ns"]

# The dates the core can hold (int64 nanoseconds since 1970, pandas' datetime64[ns]).
_DATE_RANGE = "dates must lie between 1677-09-22 and 2262-04-11"


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def show_value(value: Any, limit: int = 80) -> str:
    """A value for an error message: its repr, cut to ``limit`` characters with the full
    length said, so that messages never carry a caller's text (or a 50 MB cell) whole."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else f"{text[:limit]}... ({len(text)} characters)"


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


def id_kind(name: str, values: pd.Series) -> str:
    """How a column of customer ids compares: "int" (integer dtypes, and floats that are whole
    numbers), "text" (strings) or "other" (e.g. dates, compared as they are). Ids of mixed types
    in one column (1 and "1") are a TypeError naming the first row of the other type, never two
    customers shown with one label; so are booleans."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise TypeError(f"{name} holds booleans: customer ids must be integers or text")
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return "int"
    if isinstance(dtype, pd.StringDtype) or (pd.api.types.is_string_dtype(dtype)
                                             and dtype.kind != "O"):
        return "text"
    if dtype.kind != "O":
        return "other"
    kinds = values.map(lambda v: "text" if isinstance(v, str) else
                       "bool" if isinstance(v, (bool, np.bool_)) else
                       "int" if isinstance(v, (int, np.integer)) else
                       "float" if isinstance(v, (float, np.floating)) else "other")
    found = set(kinds.unique())
    if "bool" in found:
        i = _first_bad((kinds == "bool").to_numpy())
        raise TypeError(f"{name}[{i}] = {show_value(values.iloc[i])}: a boolean is not a "
                        "customer id")
    if "float" in found and "int" in found:
        found.discard("float")
        kinds = kinds.replace("float", "int")
    if len(found) > 1:
        first = kinds.iloc[0]
        i = _first_bad((kinds != first).to_numpy())
        raise TypeError(f"{name}[{i}] = {show_value(values.iloc[i])} ({kinds.iloc[i]}) mixes "
                        f"types with {name}[0] = {show_value(values.iloc[0])} ({first}): one "
                        "column of customer ids must hold one type")
    kind = found.pop() if found else "text"
    return "int" if kind == "float" else kind


def as_id_array(name: str, values: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Customer ids as int64 codes. int64-range integer ids pass through (codes are the ids);
    any other ids (text, uint64 ids from 2**63 on) are factorised in sorted order and the
    uniques are returned to map codes back, so no id is wrapped or merged."""
    if values is None:
        raise TypeError(f"{name} must be an array of ids, not None")
    if isinstance(values, pd.Series):
        series = values
    else:
        arr = np.asarray(values)
        series = pd.Series(np.asarray(values, dtype=object) if arr.dtype.kind == "O" else arr)
    if series.isna().any():
        i = _first_bad(series.isna().to_numpy())
        raise ValueError(f"{name}[{i}] is missing")
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.dtype.categories.dtype)
    kind = id_kind(name, series)
    dtype = series.dtype
    if kind == "int" and pd.api.types.is_float_dtype(dtype):
        arr = series.to_numpy(dtype=np.float64)
        # inf and ids beyond 2**53 would turn into other integers in the cast below.
        out_of_range = ~(np.abs(arr) <= 2.0**53)
        if out_of_range.any():
            i = _first_bad(out_of_range)
            raise ValueError(f"{name}[{i}] = {arr[i]!r} is not an exact integer id (floats "
                             "hold integers exactly only up to 2**53; use an integer dtype)")
        if not np.all(arr == np.floor(arr)):
            i = _first_bad(arr != np.floor(arr))
            raise TypeError(f"{name}[{i}] = {arr[i]!r} is not an integer id")
        return arr.astype(np.int64), None
    if kind == "int" and dtype.kind != "O":
        if dtype.kind == "u" and dtype.itemsize == 8 and len(series) and \
                int(series.max()) >= 2**63:
            codes, uniques = pd.factorize(series.to_numpy(np.uint64), sort=True)
            return codes.astype(np.int64), np.asarray(uniques)
        return np.ascontiguousarray(series.to_numpy(dtype=np.int64)), None
    if kind == "int":
        for i, v in enumerate(series):
            if isinstance(v, (float, np.floating)) and not (abs(v) <= 2.0**53 and v == int(v)):
                raise TypeError(f"{name}[{i}] = {show_value(v)} is not an exact integer id")
        ints = [int(v) for v in series]
        if all(-(2**63) <= v < 2**63 for v in ints):
            return np.array(ints, dtype=np.int64), None
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


def _as_labels(index: pd.Index, kind: str) -> pd.Index:
    """Integer ids as the text they are written as (canonical decimal), for matching text ids."""
    return pd.Index([str(int(v)) for v in index]) if kind == "int" else index


def match_ids(index: pd.Index, ids: pd.Series, name: str) -> np.ndarray:
    """The row of ``index`` (the table's customers) of each id, -1 where none.

    Ids compare as they are written: integer ids with integer ids, text with text, and an
    integer id matches a text id when the text is that integer written canonically ("7" is 7,
    "007" and "7.0" are not), the rule the command line applies to ids read from files."""
    if ids.isna().any():
        i = _first_bad(ids.isna().to_numpy())
        raise ValueError(f"{name}[{i}] is missing")
    mine = id_kind(name, ids)
    theirs = id_kind(str(index.name or "customer_id"), index.to_series(index=None)) \
        if len(index) else mine
    values = ids.to_numpy(dtype=object) if isinstance(ids.dtype, pd.CategoricalDtype) else ids
    if mine == theirs or "other" in (mine, theirs):
        rows = index.get_indexer(pd.Index(values))
    else:
        rows = _as_labels(index, theirs).get_indexer(_as_labels(pd.Index(values), mine))
    return np.ascontiguousarray(rows, dtype=np.int64)


def _datetime_ns(name: str, series: pd.Series, written: pd.Series | None = None) -> np.ndarray:
    """int64 nanoseconds of a datetime Series of any unit; time-zoned values are converted to
    UTC and the zone dropped (the package's one rule for offsets). Values outside the int64
    nanosecond range are an error saying so, never wrapped; the message quotes the value as
    ``written`` has it when the times were parsed from text."""
    if series.isna().any():
        i = _first_bad(series.isna().to_numpy())
        raise ValueError(f"{name}[{i}] is missing (NaT)")
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_convert(None)
    arr = series.to_numpy()
    ns = arr.astype("datetime64[ns]")
    wrapped = ns.astype(arr.dtype) != arr
    if wrapped.any():
        i = _first_bad(wrapped)
        shown = series.iloc[i] if written is None else show_value(written.iloc[i])
        raise ValueError(f"{name}[{i}] = {shown} is out of range ({_DATE_RANGE})")
    return np.ascontiguousarray(ns.view(np.int64))


def _arrow_datetime(name: str, series: pd.Series) -> pd.Series | None:
    """pyarrow timestamps and dates (date32, date64) as a datetime Series, or None."""
    import pyarrow as pa

    pa_type = series.dtype.pyarrow_dtype
    if not (pa.types.is_timestamp(pa_type) or pa.types.is_date(pa_type)):
        return None
    array = pa.array(series.array)
    if pa.types.is_date(pa_type):
        array = array.cast(pa.timestamp("s"))
    elif pa_type.tz is not None:
        array = array.cast(pa.timestamp(pa_type.unit, tz="UTC")).cast(pa.timestamp(pa_type.unit))
    return pd.Series(array.to_numpy(zero_copy_only=False), index=series.index)


def timestamp_ns(name: str, value: Any) -> int:
    """A single date (as_of, observation_period_end, ...) as int64 nanoseconds, by the same rule:
    a time zone or offset is converted to UTC and dropped."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as err:
        if "out of bounds" in str(err).lower():
            raise ValueError(f"{name}={show_value(value)} is out of range ({_DATE_RANGE})"
                             ) from None
        raise ValueError(f"{name}={show_value(value)} is not a date") from None
    if ts is pd.NaT:
        raise ValueError(f"{name} is missing (NaT)")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    try:
        return int(ts.as_unit("ns").value)
    except (OverflowError, ValueError):
        raise ValueError(f"{name}={show_value(value)} is out of range ({_DATE_RANGE})") from None


def naive_utc_column(df: pd.DataFrame, col: str) -> pd.DataFrame:
    """``df`` with ``col`` as naive UTC datetime64[ns] (a new frame; ``df`` is not modified)."""
    ns, is_datetime = as_time_array(col, df[col].reset_index(drop=True))
    if not is_datetime:
        raise ValueError(f"{col}: must be dates, got numbers")
    return df.assign(**{col: pd.Series(ns.view("datetime64[ns]"), index=df.index)})


def as_time_array(name: str, values: Any) -> tuple[np.ndarray, bool]:
    """Times as int64 nanoseconds (datetimes) or float64 periods; returns (array, is_datetime).

    Datetimes of every unit, time-zoned ones (converted to UTC, zone dropped), pyarrow
    timestamps and dates are accepted; a date outside 1677-09-22..2262-04-11 is an error
    saying "out of range", never a wrapped value."""
    if values is None:
        raise TypeError(f"{name} must be an array of times, not None")
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.dtype.categories.dtype)
    if isinstance(series.dtype, pd.ArrowDtype):
        if series.isna().any():
            i = _first_bad(series.isna().to_numpy())
            raise ValueError(f"{name}[{i}] is missing (NaT)")
        converted = _arrow_datetime(name, series)
        if converted is not None:
            return _datetime_ns(name, converted), True
    if series.dtype.kind == "O" and len(series) and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            for v in series):
        # Numbers in an object array are periods, not dates (pandas would read them as
        # nanoseconds since 1970).
        return as_float_array(name, series.to_numpy()), False
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _datetime_ns(name, series), True
    if series.dtype.kind == "O" or pd.api.types.is_string_dtype(series.dtype):
        if series.isna().any():
            i = _first_bad(series.isna().to_numpy())
            raise ValueError(f"{name}[{i}] is missing (NaT)")
        try:
            parsed = pd.to_datetime(series, format="mixed", utc=True)
        except (ValueError, TypeError, OverflowError) as err:
            for i, v in enumerate(series):
                try:
                    timestamp_ns(name, v)
                except ValueError as bad:
                    why = ("is out of range" + str(bad).split("is out of range", 1)[1]
                           if "is out of range" in str(bad) else "is not a date")
                    raise ValueError(f"{name}[{i}] = {show_value(v)} {why}") from None
            raise ValueError(f"{name}: {str(err).splitlines()[0][:200]}") from None
        # pandas 3 parses dates beyond the nanosecond range at a coarser unit instead of
        # failing; the range check below then names the value as written.
        return _datetime_ns(name, parsed, written=series), True
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
