"""Moved to :mod:`custinsight.insight.report`; this path forwards for one release."""

from __future__ import annotations

import warnings

from .insight.report import *  # noqa: F401,F403
from .insight import report as _moved

warnings.warn("custinsight.insight_report is deprecated: use custinsight.insight.report",
              DeprecationWarning, stacklevel=2)


def __getattr__(name: str) -> object:
    return getattr(_moved, name)
