"""Moved to :mod:`custinsight.insight.inputs`; this path forwards for one release."""

from __future__ import annotations

import warnings

from .insight.inputs import *  # noqa: F401,F403
from .insight import inputs as _moved

warnings.warn("custinsight.insight_inputs is deprecated: use custinsight.insight.inputs",
              DeprecationWarning, stacklevel=2)


def __getattr__(name: str) -> object:
    return getattr(_moved, name)
