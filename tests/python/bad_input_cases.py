"""The corruptions of the bad-input matrix (tests/python/test_bad_input_matrix.py).

Each case turns one valid argument into a bad (or merely unusual) one and says what the library
must do with it: ``Same(reference)`` means the call must succeed and give bit-for-bit the result
of calling it with ``reference`` (layouts and dtypes that only change how the same numbers are
stored); ``Same(reference, may_refuse=True)`` also accepts a clear error; ``Refuse()`` means
either a clear ValueError/TypeError naming the argument, or a result without NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Same:
    reference: Any
    may_refuse: bool = False


@dataclass(frozen=True)
class Refuse:
    pass


Outcome = Same | Refuse
# A case maps (valid argument as a 1-D array, kind) to (bad argument, outcome), or None when it
# does not apply to that kind of argument.
Case = Callable[[np.ndarray, str], "tuple[Any, Outcome] | None"]


def _numeric(kind: str) -> bool:
    return kind in ("float", "count", "id")


def _replace(a: np.ndarray, value: Any, dtype: Any = None) -> np.ndarray:
    out = a.astype(dtype or a.dtype, copy=True)
    out[len(out) // 2] = value
    return out


def wrong_dtype(a: np.ndarray, kind: str):
    if kind == "text":
        return np.arange(len(a)), Refuse()
    return np.array([f"x{v}" for v in range(len(a))]), Refuse()


def narrow_dtype(a: np.ndarray, kind: str):
    """float32 / int32 holding the same values: the same result as float64 / int64."""
    if kind == "text":
        return None
    if kind == "id" or np.all(a == np.round(a)):
        narrow = a.astype(np.int32)
    else:
        narrow = a.astype(np.float32)
    return narrow, Same(narrow.astype(a.dtype))


def object_array(a: np.ndarray, kind: str):
    return np.array(list(a), dtype=object), Same(a)


def nan(a: np.ndarray, kind: str):
    if kind == "text":
        return _replace(a, np.nan, object), Refuse()
    return _replace(a, np.nan, np.float64), Refuse()


def posinf(a: np.ndarray, kind: str):
    if kind == "text":
        return None
    return _replace(a, np.inf, np.float64), Refuse()


def neginf(a: np.ndarray, kind: str):
    if kind == "text":
        return None
    return _replace(a, -np.inf, np.float64), Refuse()


def negative(a: np.ndarray, kind: str):
    if kind in ("text", "id"):
        return None
    return _replace(a, -3.0, np.float64), Refuse()


def empty(a: np.ndarray, kind: str):
    return a[:0].copy(), Refuse()


def length_mismatch(a: np.ndarray, kind: str):
    return a[:-1].copy(), Refuse()


def none(a: np.ndarray, kind: str):
    return None, Refuse()


def huge(a: np.ndarray, kind: str):
    if kind in ("text", "id"):
        return None
    return _replace(a, 1e308, np.float64), Refuse()


def non_contiguous(a: np.ndarray, kind: str):
    doubled = np.repeat(a, 2)
    view = doubled[::2]
    assert not view.flags.c_contiguous or len(a) < 2
    return view, Same(a)


def fortran_ordered(a: np.ndarray, kind: str):
    """A row of a Fortran-ordered 2-D array: the same numbers, strided."""
    f = np.asfortranarray(np.vstack([a, a]))
    return f[0], Same(a)


def read_only(a: np.ndarray, kind: str):
    ro = a.copy()
    ro.flags.writeable = False
    return ro, Same(a)


def big_endian(a: np.ndarray, kind: str):
    if kind == "text":
        return None
    return a.astype(a.dtype.newbyteorder(">")), Same(a)


def pandas_nullable(a: np.ndarray, kind: str):
    if kind == "text":
        return pd.array(list(a), dtype="string"), Same(a, may_refuse=True)
    dtype = "Int64" if a.dtype.kind in "iu" else "Float64"
    return pd.Series(pd.array(a, dtype=dtype)), Same(a, may_refuse=True)


def pandas_nullable_na(a: np.ndarray, kind: str):
    if kind == "text":
        values = pd.array(list(a), dtype="string")
    else:
        values = pd.array(a, dtype="Int64" if a.dtype.kind in "iu" else "Float64")
    values[len(values) // 2] = pd.NA
    return pd.Series(values), Refuse()


def categorical(a: np.ndarray, kind: str):
    return pd.Series(pd.Categorical(a)), Same(a, may_refuse=True)


def mixed_id_types(a: np.ndarray, kind: str):
    """Integer ids with one written as text ("7" among 7s): one column, two types."""
    if kind != "id":
        return None
    out = np.array(list(a), dtype=object)
    out[len(out) // 2] = str(out[len(out) // 2])
    return out, Refuse()


def boolean_ids(a: np.ndarray, kind: str):
    if kind != "id":
        return None
    return (a % 2 == 0), Refuse()


CASES: dict[str, Case] = {
    "wrong_dtype": wrong_dtype,
    "narrow_dtype": narrow_dtype,
    "object_array": object_array,
    "nan": nan,
    "+inf": posinf,
    "-inf": neginf,
    "negative": negative,
    "empty": empty,
    "length_mismatch": length_mismatch,
    "none": none,
    "huge_1e308": huge,
    "non_contiguous": non_contiguous,
    "fortran_ordered": fortran_ordered,
    "read_only": read_only,
    "big_endian": big_endian,
    "pandas_nullable": pandas_nullable,
    "pandas_nullable_na": pandas_nullable_na,
    "categorical": categorical,
    "mixed_id_types": mixed_id_types,
    "boolean_ids": boolean_ids,
}
