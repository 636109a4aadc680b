"""Moved to :mod:`custinsight.insight.config`; this path forwards for one release."""

from __future__ import annotations

import warnings

from .insight.config import *  # noqa: F401,F403
from .insight import config as _moved

warnings.warn("custinsight.insight_config is deprecated: use custinsight.insight.config",
              DeprecationWarning, stacklevel=2)


def __getattr__(name: str) -> object:
    return getattr(_moved, name)
