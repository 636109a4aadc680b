from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data sets beside the project; tests using them skip when they are absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: real-data test skipped")
    return SHARED_DATA


@pytest.fixture(scope="session")
def cdnow_master(shared_data: Path):
    import pandas as pd

    path = shared_data / "CDNOW_master.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    df = pd.read_csv(path, sep=r"\s+")
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d")
    return df


@pytest.fixture(scope="session")
def cdnow_sample(shared_data: Path):
    import pandas as pd

    path = shared_data / "CDNOW_sample.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    df = pd.read_csv(path, sep=r"\s+", header=None,
                     names=["customer_id", "sample_id", "date", "number_of_cds", "dollar_value"])
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d")
    return df
