"""The input column names of the insight table, in one place.

``Columns`` names the columns the insight table reads from its four inputs. The Python and
Dask ``CustomerInsight.score`` take it as ``columns=`` (an object or a mapping of its fields),
the command line generates its ``--*-col`` options from its fields, and ``custinsight-score``
accepts the same option names (a test checks both).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["Columns"]


@dataclass(frozen=True)
class Columns:
    """Column names of the transactions, feedback, contact log and support transcripts.

    Optional columns (``None`` or absent from the frame) are left out: a feedback without
    ``nps`` has no NPS answers, a contact log without ``direction`` no outbound counts.
    """

    # transactions
    customer_id: str = "customer_id"
    datetime: str = "datetime"
    amount: str = "amount"
    # feedback
    feedback_customer_id: str = "customer_id"
    feedback_datetime: str = "datetime"
    touchpoint: str | None = "touchpoint"
    rating: str | None = "csat"
    nps: str | None = "nps"
    text: str | None = "text"
    # contact log
    contact_customer_id: str = "customer_id"
    contact_datetime: str = "datetime"
    direction: str | None = "direction"
    complaint: str | None = "complaint"
    # support transcripts, one row per turn
    transcript_customer_id: str = "customer_id"
    conversation_id: str = "conversation_id"
    role: str = "role"
    turn_time: str = "time"
    turn_text: str = "text"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            optional = "None" in str(f.type)
            if value is None and optional:
                continue
            if not isinstance(value, str) or value == "":
                raise TypeError(f"Columns.{f.name}={value!r}: must be a column name"
                                + (" or None" if optional else ""))

    @classmethod
    def of(cls, columns: Columns | Mapping[str, Any] | None) -> Columns:
        """``columns`` as a Columns: itself, a mapping of field names, or the defaults."""
        if columns is None:
            return cls()
        if isinstance(columns, Columns):
            return columns
        if isinstance(columns, Mapping):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(columns) - known)
            if unknown:
                raise TypeError(f"columns has unknown fields {unknown}; known: {sorted(known)}")
            return cls(**dict(columns))
        raise TypeError(f"columns must be a Columns or a mapping, got {type(columns).__name__}")

    @staticmethod
    def option(name: str) -> str:
        """The command-line option of a field: ``rating`` -> ``--rating-col``."""
        return "--" + name.replace("_", "-") + "-col"


#: The keyword arguments ``score`` took before ``columns=`` (deprecated; one release).
_KEYWORDS = {f.name + "_col": f.name for f in fields(Columns)}


def columns_from_keywords(columns: Columns | Mapping[str, Any] | None,
                          keywords: dict[str, Any], where: str) -> Columns:
    """Merge the deprecated ``*_col`` keywords into ``columns`` (with a DeprecationWarning);
    any other keyword is a TypeError."""
    unknown = sorted(set(keywords) - set(_KEYWORDS))
    if unknown:
        raise TypeError(f"{where} got unexpected keyword arguments {unknown}")
    base = Columns.of(columns)
    if not keywords:
        return base
    warnings.warn(f"{where}: the *_col keywords {sorted(keywords)} are deprecated; pass "
                  "columns=Columns(...) or a mapping instead", DeprecationWarning, stacklevel=3)
    return dataclasses.replace(base, **{_KEYWORDS[k]: v for k, v in keywords.items()})
