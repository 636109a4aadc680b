"""One insight table, three ways: the Python CustomerInsight, the Dask one and the C++ program
custinsight-score give the same table in every column, dtypes and categories included, on the
simulated demo (with feedback, contacts and transcripts) and on the CDNOW purchase log.

Floats agree to 1e-9 (the Dask ranks and sums run in another order); the C++ program's CSV is
read back into the Python table's dtypes, which must hold every value it wrote (a category
the Python table does not know fails the test)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custinsight as ci

from test_insight_cpp import _program  # noqa: E402

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import custinsight.dask as cd  # noqa: E402

# Cluster start-up and shut-down leave sockets to the garbage collector; not this code's.
pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(scope="module")
def client():
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2) as c:
        yield c


def _assert_same(got: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    assert list(got.columns) == list(expected.columns), what
    assert got.index.equals(expected.index), what
    for col in expected.columns:
        a, b = got[col], expected[col]
        assert a.dtype == b.dtype, (what, col, a.dtype, b.dtype)
        if b.dtype.kind == "f":
            np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-9,
                                       err_msg=f"{what}: {col}")
        else:
            same = (a == b).fillna(False).to_numpy(bool) | (a.isna() & b.isna()).to_numpy()
            assert same.all(), (what, col, a[~same].head(3), b[~same].head(3))


def _as_python_dtypes(csv: Path, like: pd.DataFrame) -> pd.DataFrame:
    """custinsight-score's CSV in the Python table's dtypes; a value that does not fit them
    (an unknown category, a fraction in an integer column) is an error."""
    raw = pd.read_csv(csv, keep_default_na=False, na_values=[""], dtype=str)
    raw = raw.set_index("customer_id")
    raw.index = raw.index.astype(like.index.dtype)
    raw.index.name = like.index.name
    out = pd.DataFrame(index=raw.index)
    for col in like.columns:
        dtype = like[col].dtype
        text = raw[col]
        if isinstance(dtype, pd.CategoricalDtype):
            values = pd.Categorical(text.fillna("") if "" in dtype.categories else text,
                                    dtype=dtype)
            unknown = text.notna() & pd.isna(values) & (text != "")
            assert not unknown.any(), (col, text[unknown].head(3))
            out[col] = values
        elif dtype == object or pd.api.types.is_string_dtype(dtype):
            out[col] = text.fillna("").astype(dtype)
        else:
            numbers = pd.to_numeric(text)
            if dtype.kind in "iu" or isinstance(dtype, pd.api.extensions.ExtensionDtype):
                present = numbers.dropna()
                assert (present == np.round(present)).all(), col
            out[col] = numbers.astype(dtype)
    return out


def _three_tables(tmp_path: Path, tx: pd.DataFrame, fb: pd.DataFrame | None,
                  contacts: pd.DataFrame | None, turns: pd.DataFrame | None,
                  config: ci.InsightConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    python = ci.CustomerInsight(config).score(tx, fb, contacts=contacts, transcripts=turns)

    def parts(df: pd.DataFrame | None, n: int):
        # By time, not by customer: a customer's rows fall into several partitions.
        return None if df is None else dd.from_pandas(
            df.sort_values(df.columns[1], kind="stable"), npartitions=n, sort=False)

    dask = cd.CustomerInsight(config).score(parts(tx, 4), parts(fb, 3),
                                            contacts=parts(contacts, 2),
                                            transcripts=parts(turns, 3),
                                            npartitions=3).compute().sort_index()
    args = ["--transactions", str(tmp_path / "tx.csv"), "--out", str(tmp_path / "c.csv")]
    tx.to_csv(tmp_path / "tx.csv", index=False)
    if fb is not None:
        fb.to_csv(tmp_path / "fb.csv", index=False)
        args += ["--feedback", str(tmp_path / "fb.csv")]
    if contacts is not None:
        contacts.to_csv(tmp_path / "contacts.csv", index=False)
        args += ["--contacts", str(tmp_path / "contacts.csv")]
    if turns is not None:
        turns.assign(time=turns["time"].dt.strftime("%Y-%m-%d %H:%M:%S.%f")).to_json(
            tmp_path / "turns.jsonl", orient="records", lines=True, force_ascii=False)
        args += ["--transcripts", str(tmp_path / "turns.jsonl")]
    config.save(tmp_path / "config.json")
    args += ["--config", str(tmp_path / "config.json")]
    done = subprocess.run([_program(), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return python, dask, _as_python_dtypes(tmp_path / "c.csv", python)


@pytest.mark.parametrize("config", [ci.InsightConfig(),
                                    ci.InsightConfig(model="pareto_nbd", rating_scale="csat_7",
                                                     max_outbound_30d=2.0)])
def test_demo_tables_are_equal_three_ways(client, tmp_path, config):
    data = ci.simulate(n_customers=3000, seed=8)
    tx = data.transactions[["customer_id", "datetime", "amount"]]
    contacts = ci.simulate_contact_log(data, seed=3)
    turns = ci.simulate_transcripts(data, seed=4)
    python, dask, cpp = _three_tables(tmp_path, tx, data.responses, contacts, turns, config)
    _assert_same(dask, python, "dask")
    _assert_same(cpp, python, "custinsight-score")
    assert python["satisfaction"].notna().sum() > 500
    assert python["segment"].nunique() >= 5


@pytest.mark.shared_data
def test_cdnow_tables_are_equal_three_ways(client, tmp_path, cdnow_master):
    tx = pd.DataFrame({"customer_id": cdnow_master["customer_id"],
                       "datetime": cdnow_master["date"],
                       "amount": cdnow_master["dollar_value"]})
    python, dask, cpp = _three_tables(tmp_path, tx, None, None, None, ci.InsightConfig())
    _assert_same(dask, python, "dask")
    _assert_same(cpp, python, "custinsight-score")
    assert len(python) == tx["customer_id"].nunique()


def test_few_repeat_buyers_give_the_population_mean_spend_on_every_path(client, tmp_path):
    # Two repeat buyers only: no Gamma-Gamma fit; every path uses the mean transaction amount
    # (the Dask path used to give NaN here).
    rng = np.random.default_rng(5)
    n = 300
    first = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    tx = pd.DataFrame({"customer_id": np.arange(n), "datetime": first,
                       "amount": rng.gamma(2.0, 20.0, n).round(2)})
    again = tx.iloc[:2].assign(datetime=tx["datetime"].iloc[:2] + pd.Timedelta(days=30))
    tx = pd.concat([tx, again], ignore_index=True)
    config = ci.InsightConfig(penalizer=0.01)
    python, dask, cpp = _three_tables(tmp_path, tx, None, None, None, config)
    assert python.attrs["spend"] == "population_mean"
    assert python["clv"].notna().all()
    _assert_same(dask, python, "dask")
    _assert_same(cpp, python, "custinsight-score")
