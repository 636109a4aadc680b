"""Moved to :mod:`custinsight.insight.io`; this path forwards for one release."""

from __future__ import annotations

import warnings

from .insight.io import *  # noqa: F401,F403
from .insight import io as _moved

warnings.warn("custinsight.insight_io is deprecated: use custinsight.insight.io",
              DeprecationWarning, stacklevel=2)


def __getattr__(name: str) -> object:
    return getattr(_moved, name)
