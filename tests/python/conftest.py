from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


# The independent references (peer libraries, ../shared/data, custinsight-score, chromium) never
# vanish where they were asked for: in CI (CI=true), or when the test command was asked to run
# them (CUSTINSIGHT_REQUIRE_REFERENCES=1), a test that would skip fails instead, with the skip's
# own message. Elsewhere the skip stays, with that message.
REQUIRE_REFERENCES = _flag("CI") or _flag("CUSTINSIGHT_REQUIRE_REFERENCES")
# Tests that compare with an independent reference: a peer library or the real data sets.
PARITY_MARKERS = ("peers", "shared_data")


def _skip_message(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        return str(longrepr[2])
    return str(longrepr)


def _refuse_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    report.outcome = "failed"
    report.longrepr = (f"a reference is missing and references are required here "
                       f"(CI or CUSTINSIGHT_REQUIRE_REFERENCES is set): {_skip_message(report)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_REFERENCES and report.skipped and not hasattr(report, "wasxfail"):
        _refuse_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    # A module-level importorskip skips the whole module at collection time.
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_REFERENCES and report.skipped:
        _refuse_skip(report)


_parity_outcomes: dict[str, str] = {}
_skipped_modules: list[str] = []
_RANK = {"passed": 0, "skipped": 1, "failed": 2}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not any(m in report.keywords for m in PARITY_MARKERS):
        return
    # One outcome per test, the worst of its phases; a pass counts only from the test's call.
    if report.when == "call" or report.outcome != "passed":
        previous = _parity_outcomes.get(report.nodeid)
        if previous is None or _RANK[report.outcome] > _RANK[previous]:
            _parity_outcomes[report.nodeid] = report.outcome


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:
        _skipped_modules.append(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    counts = dict.fromkeys(_RANK, 0)
    for outcome in _parity_outcomes.values():
        counts[outcome] += 1
    mode = "required" if REQUIRE_REFERENCES else "optional (CI=true requires them)"
    modules = f", {len(_skipped_modules)} modules skipped whole" if _skipped_modules else ""
    terminalreporter.write_line(
        f"parity tests (marked {' or '.join(PARITY_MARKERS)}): {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['skipped']} skipped{modules}; references {mode}")


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
