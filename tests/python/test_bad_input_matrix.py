"""The bad-input matrix: every public function x every kind of bad or unusual argument.

A registry entry says how to call a function with valid arguments and which arguments (or
DataFrame columns) to corrupt; the cases (bad_input_cases.py) say what each corruption must give:
the same result as the plain array, or a clear ValueError/TypeError naming the argument, or a
result without NaN. Every call must also leave its inputs unchanged (checked by hashing). New
public functions join the matrix with one ``register(...)`` call.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import custinsight as ci
from bad_input_cases import CASES, Refuse, Same


@dataclass(frozen=True)
class Entry:
    name: str
    build: Callable[[], dict[str, Any]]  # valid keyword arguments (DataFrames allowed)
    call: Callable[[dict[str, Any]], Any]
    # argument name -> kind ("float", "count", "id", "text"); "df.col" corrupts a column
    targets: dict[str, str]
    nan_output_ok: bool = False  # outputs may hold NaN by design (e.g. "no data" cells)
    # Other names a clear error may give instead of the argument's: a fit that the data cannot
    # support names the model ("ParetoNBDModel: the data cannot identify the model ...").
    also_named: tuple[str, ...] = ()


REGISTRY: list[Entry] = []


def register(name: str, build: Callable[[], dict[str, Any]], call: Callable[[dict[str, Any]], Any],
             targets: dict[str, str], **kw: Any) -> None:
    REGISTRY.append(Entry(name, build, call, targets, **kw))


# ---- valid data, built once --------------------------------------------------------------------
_rng = np.random.default_rng(2024)
_N_TX = 60
_TX = pd.DataFrame({
    "customer_id": np.repeat(np.arange(1, 21), 3).astype(np.int64),
    "t": np.round(_rng.uniform(0, 30, _N_TX), 2),
    "amount": np.round(_rng.uniform(1, 90, _N_TX), 2),
})


def _summary() -> pd.DataFrame:
    d = ci.simulate(n_customers=400, seed=9)
    tx = d.transactions
    return ci.rfm_summary(tx, "customer_id", "time", monetary_value_col="amount",
                          observation_period_end=float(tx["time"].max()))


_SUMMARY = _summary()
_REPEAT = _SUMMARY[_SUMMARY["frequency"] > 0].head(120)
_SUM = _SUMMARY.head(120)
_BG = ci.BetaGeoModel().fit(_SUMMARY["frequency"], _SUMMARY["recency"], _SUMMARY["T"])
_PNBD = ci.ParetoNBDModel().fit(_SUMMARY["frequency"], _SUMMARY["recency"], _SUMMARY["T"])
_GG = ci.GammaGammaModel().fit(_REPEAT["frequency"], _REPEAT["monetary_value"])
_ANALYZER = ci.SentimentAnalyzer()
_TEXTS = np.array(["Great service, thank you!", "The wait was awful.", "ok", "NOT happy :(",
                   "Support went above and beyond", "meh"], dtype=object)
_RATINGS = np.array([5, 4, 3, 1, 2, 5, 4, 4, 3, 5], dtype=np.float64)
_NPS = np.array([10, 9, 7, 3, 0, 8, 9, 10, 6, 5], dtype=np.float64)


def _arrays(frame: pd.DataFrame, *cols: str) -> dict[str, np.ndarray]:
    return {c: frame[c].to_numpy(copy=True) for c in cols}


# ---- the registry ------------------------------------------------------------------------------
register("rfm_summary_arrays",
         lambda: {"customer_id": _TX["customer_id"].to_numpy(copy=True),
                  "time": _TX["t"].to_numpy(copy=True),
                  "monetary_value": _TX["amount"].to_numpy(copy=True)},
         lambda a: ci.rfm_summary_arrays(a["customer_id"], a["time"], a["monetary_value"],
                                         observation_period_end=31.0),
         {"customer_id": "id", "time": "float", "monetary_value": "float"})
register("rfm_summary",
         lambda: {"df": _TX.copy()},
         lambda a: ci.rfm_summary(a["df"], "customer_id", "t", monetary_value_col="amount",
                                  observation_period_end=31.0),
         {"df.customer_id": "id", "df.t": "float", "df.amount": "float"})
register("calibration_and_holdout",
         lambda: {"df": _TX.copy()},
         lambda a: ci.calibration_and_holdout(a["df"], "customer_id", "t", 15.0, 31.0,
                                              monetary_value_col="amount"),
         {"df.t": "float", "df.amount": "float"})

_FRT = {"frequency": "count", "recency": "float", "T": "float"}
for _cls in (ci.BetaGeoModel, ci.ModifiedBetaGeoModel, ci.ParetoNBDModel):
    register(f"{_cls.__name__}.fit", lambda: _arrays(_SUMMARY, "frequency", "recency", "T"),
             lambda a, cls=_cls: cls().fit(a["frequency"], a["recency"], a["T"]).params_, _FRT,
             also_named=(_cls.__name__,))
for _model, _label in ((_BG, "BetaGeoModel"), (_PNBD, "ParetoNBDModel")):
    register(f"{_label}.conditional_probability_alive",
             lambda: _arrays(_SUM, "frequency", "recency", "T"),
             lambda a, m=_model: m.conditional_probability_alive(a["frequency"], a["recency"],
                                                                 a["T"]), _FRT)
    register(f"{_label}.conditional_expected_number_of_purchases_up_to_time",
             lambda: _arrays(_SUM, "frequency", "recency", "T"),
             lambda a, m=_model: m.conditional_expected_number_of_purchases_up_to_time(
                 4.0, a["frequency"], a["recency"], a["T"]), _FRT)
register("BetaGeoModel.expected_number_of_purchases_up_to_time",
         lambda: {"t": np.array([0.5, 1.0, 4.0, 12.0, 30.0])},
         lambda a: _BG.expected_number_of_purchases_up_to_time(a["t"]), {"t": "float"})
register("BetaGeoModel.churn_risk",
         lambda: _arrays(_SUM, "frequency", "recency", "T"),
         lambda a: _BG.churn_risk(a["frequency"], a["recency"], a["T"], 10.0), _FRT)
register("GammaGammaModel.fit", lambda: _arrays(_REPEAT, "frequency", "monetary_value"),
         lambda a: ci.GammaGammaModel().fit(a["frequency"], a["monetary_value"]).params_,
         {"frequency": "count", "monetary_value": "float"}, also_named=("GammaGammaModel",))
register("GammaGammaModel.conditional_expected_average_profit",
         lambda: _arrays(_REPEAT, "frequency", "monetary_value"),
         lambda a: _GG.conditional_expected_average_profit(a["frequency"], a["monetary_value"]),
         {"frequency": "count", "monetary_value": "float"})
register("GammaGammaModel.customer_lifetime_value",
         lambda: _arrays(_REPEAT, "frequency", "recency", "T", "monetary_value"),
         lambda a: _GG.customer_lifetime_value(_BG, a["frequency"], a["recency"], a["T"],
                                               a["monetary_value"]),
         {"frequency": "count", "recency": "float", "T": "float", "monetary_value": "float"})
# No rating at all (an empty array, or every rating missing) gives n = 0 with NaN shares: the
# survey functions say "no data" that way by design.
def _bgbb_histories(n_customers: int = 400, n: int = 6, seed: int = 3) -> dict[str, np.ndarray]:
    """Discrete histories simulated from BG/BB (alpha 1.2, beta 0.75, gamma 0.66, delta 2.8)."""
    rng = np.random.default_rng(seed)
    p, theta = rng.beta(1.2, 0.75, n_customers), rng.beta(0.66, 2.8, n_customers)
    alive = np.ones(n_customers, dtype=bool)
    f, r = np.zeros(n_customers), np.zeros(n_customers)
    for t in range(1, n + 1):
        alive &= rng.random(n_customers) >= theta
        buy = alive & (rng.random(n_customers) < p)
        f += buy
        r = np.where(buy, float(t), r)
    return {"frequency": f, "recency": r, "n_periods": np.full(n_customers, float(n))}


register("BetaGeoBetaBinomModel.fit", _bgbb_histories,
         lambda a: ci.BetaGeoBetaBinomModel().fit(a["frequency"], a["recency"],
                                                  a["n_periods"]).params_,
         {"frequency": "count", "recency": "count", "n_periods": "count"},
         also_named=("BetaGeoBetaBinomModel",))
_RESPONSES = ci.simulate(n_customers=300, seed=4).responses.head(150).reset_index(drop=True)
register("satisfaction_scores",
         lambda: {"df": _RESPONSES.copy()},
         lambda a: ci.satisfaction_scores(a["df"], rating_col="csat", text_col="text",
                                          time_col="datetime"),
         {"df.customer_id": "id", "df.csat": "count", "df.text": "text"}, nan_output_ok=True)
_DRIVERS = pd.DataFrame({"nps": _rng.integers(0, 11, 80).astype(np.float64),
                         "speed": _rng.normal(size=80), "tone": _rng.normal(size=80)})
register("driver_analysis",
         lambda: {"df": _DRIVERS.copy()},
         lambda a: ci.driver_analysis(a["df"], "nps", ["speed", "tone"]),
         {"df.nps": "float", "df.speed": "float"})
register("csat", lambda: {"ratings": _RATINGS.copy()}, lambda a: ci.csat(a["ratings"]),
         {"ratings": "count"}, nan_output_ok=True)
register("ces", lambda: {"ratings": np.array([1, 2, 7, 6, 5, 3, 4, 7], dtype=np.float64)},
         lambda a: ci.ces(a["ratings"]), {"ratings": "count"}, nan_output_ok=True)
register("nps", lambda: {"scores": _NPS.copy()}, lambda a: ci.nps(a["scores"]),
         {"scores": "count"}, nan_output_ok=True)
# Many texts are named texts[i] in errors ("texts[3] is missing (nan); pass missing=...").
register("SentimentAnalyzer.polarity_scores", lambda: {"text": _TEXTS.copy()},
         lambda a: _ANALYZER.polarity_scores(a["text"], top_tokens=1), {"text": "text"},
         also_named=("texts",))


# ---- the engine --------------------------------------------------------------------------------
def _digest(value: Any) -> bytes:
    """A hash of everything a caller could observe about an argument (values, dtype, layout)."""
    h = hashlib.sha256()
    if isinstance(value, pd.DataFrame):
        h.update(repr(list(value.dtypes)).encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        for c in value.columns:
            h.update(_digest(value[c]))
    elif isinstance(value, pd.Series):
        h.update(repr(value.dtype).encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, np.ndarray):
        h.update(repr((value.dtype, value.shape, value.strides, value.flags.writeable)).encode())
        h.update(pickle.dumps(value.tolist()) if value.dtype.kind == "O" else value.tobytes())
    else:
        h.update(pickle.dumps(value))
    return h.digest()


def _numbers(result: Any) -> list[np.ndarray]:
    if isinstance(result, pd.DataFrame):
        return [a for c in result.columns for a in _numbers(result[c])]
    if isinstance(result, (pd.Series, pd.Index)):
        return [result.to_numpy()]
    if isinstance(result, dict):
        return [a for k in sorted(result) for a in _numbers(result[k])]
    if isinstance(result, (list, tuple)):
        return [a for item in result for a in _numbers(item)]
    if hasattr(result, "__dataclass_fields__"):
        return _numbers({k: getattr(result, k) for k in result.__dataclass_fields__})
    return [np.asarray(result)]


def _plain(a: np.ndarray) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v for v in a.ravel().tolist()]


def _same(x: Any, y: Any) -> bool:
    xs, ys = _numbers(x), _numbers(y)
    if len(xs) != len(ys):
        return False
    for a, b in zip(xs, ys):
        if a.dtype.kind == "O" or b.dtype.kind == "O":
            # Object in, object out (ids keep their Python type): compare the values.
            if a.shape != b.shape or _plain(a) != _plain(b):
                return False
        elif a.shape != b.shape or a.astype(a.dtype.newbyteorder("=")).tobytes() != b.astype(
                b.dtype.newbyteorder("=")).tobytes():
            return False
    return True


def _has_nan(result: Any) -> bool:
    return any(a.dtype.kind == "f" and bool(np.isnan(a).any()) for a in _numbers(result))


def _valid_of(entry: Entry, args: dict[str, Any], target: str) -> np.ndarray:
    if target.startswith("df."):
        column = args["df"][target[3:]]
        if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and \
                column.dtype.kind in "iuf" and column.hasnans:
            # A nullable numeric column with NA as float64 with NaN, as newer pandas gives it
            # (pandas 2.0 gives an object array of pd.NA).
            return column.to_numpy(dtype=np.float64, na_value=np.nan)
        return column.to_numpy(copy=True)
    return np.asarray(args[target]).copy()


def _with(args: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    out = dict(args)
    if target.startswith("df."):
        col = target[3:]
        df = args["df"].copy()
        if value is None or len(value) != len(df):
            # A column cannot be shorter than its frame; a short or missing column is a
            # frame whose column holds None.
            value = [None] * len(df) if value is None else list(value) + [None] * (
                len(df) - len(value))
        df[col] = value if not isinstance(value, pd.Series) else value.to_numpy()
        out["df"] = df
    else:
        out[target] = value
    return out


# Combinations that fail today, each a known defect to fix in its area (strict: an xfail that
# starts passing fails the run, so the entry must then be removed).
_NAMES_CORE_ARGUMENT = ("the error names the core's argument (rating[i], texts[i], x[i, j], y), "
                        "not the column")
KNOWN_FAILURES: dict[str, str] = {}

_PROBE = {"text": np.array(["a", "b", "c"], dtype=object), "id": np.arange(1, 4)}


def _applies(case: str, kind: str) -> bool:
    return CASES[case](_PROBE.get(kind, np.array([1.0, 2.0, 3.0])), kind) is not None


def _matrix() -> list[Any]:
    params = []
    for entry in REGISTRY:
        for target, kind in entry.targets.items():
            for case in CASES:
                if not _applies(case, kind):
                    continue
                key = f"{entry.name}-{target}-{case}"
                marks = ([pytest.mark.xfail(reason=KNOWN_FAILURES[key], strict=True)]
                         if key in KNOWN_FAILURES else [])
                params.append(pytest.param(entry, target, kind, case, id=key, marks=marks))
    return params


@pytest.mark.parametrize(("entry", "target", "kind", "case"), _matrix())
def test_bad_input(entry: Entry, target: str, kind: str, case: str) -> None:
    args = entry.build()
    made = CASES[case](_valid_of(entry, args, target), kind)
    assert made is not None
    bad, outcome = made
    call_args = _with(args, target, bad)
    before = {k: _digest(v) for k, v in call_args.items()}
    bad_before = _digest(bad)
    name = target[3:] if target.startswith("df.") else target
    try:
        result = entry.call(call_args)
    except (ValueError, TypeError) as err:
        message = str(err)
        if isinstance(outcome, Same) and not outcome.may_refuse:
            raise AssertionError(f"{case} must give the plain result, got {err!r}") from err
        names = (name, *entry.also_named)
        assert any(re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message)
                   for n in names), f"error does not name {name!r}: {message!r}"
    else:
        if isinstance(outcome, Same):
            expected = entry.call(_with(args, target, outcome.reference))
            assert _same(result, expected), f"{case}: result differs from the plain array's"
        else:
            assert entry.nan_output_ok or not _has_nan(result), f"{case}: silent NaN in result"
    after = {k: _digest(v) for k, v in call_args.items()}
    assert before == after, f"{case}: the call modified its input"
    assert _digest(bad) == bad_before, f"{case}: the call modified its input"


def test_matrix_size() -> None:
    """The matrix's size, printed for the test log: functions x cases, and how many
    (function, argument, case) combinations apply and run."""
    n_functions = len(REGISTRY)
    n_args = sum(len(e.targets) for e in REGISTRY)
    n_run = len(_matrix())
    print(f"\nbad-input matrix: {n_functions} functions x {len(CASES)} cases over {n_args} "
          f"arguments: {n_run} combinations, {len(KNOWN_FAILURES)} known failures (xfail)")
    assert n_functions >= 20 and len(CASES) >= 18
