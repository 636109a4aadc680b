"""The insight table's optional per-customer inputs beyond feedback: a contact log and
support transcripts.

Contact log, one row per contact: the customer id, a date, and optionally a direction
('outbound' / 'inbound', any case) and a complaint flag (true/false, 1/0, yes/no; missing
means no). Per customer as of the scoring date: ``outbound_30d``, the outbound contacts in the
last 30 days (the "do not over-contact" rule and driver), and ``days_since_complaint``.

Support transcripts, one row per turn: the customer id, a conversation id, the role ('agent'
/ 'customer'), the time and the text. Per customer: ``n_conversations``, and of the latest
conversation its quality (0-100, :func:`custinsight.conversation_quality` with default
settings) as ``support_quality`` and the customer's closing sentiment as ``support_ending``.

The arithmetic is the C++ core's (include/custinsight/insight/contacts.hpp), shared with
custinsight-score.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._validate import as_time_array, match_ids, require_columns, show_value
from ..conversation import _roles
from .columns import Columns
from .config import InsightConfig

__all__: list[str] = []

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


def _show(value: object) -> str:
    """repr of a cell without numpy's type wrapper (np.int64(2) -> 2), cut to 80 characters."""
    return show_value(value)


def _rows(table: pd.DataFrame, df: pd.DataFrame, col: str) -> np.ndarray:
    return match_ids(table.index, df[col].reset_index(drop=True), col)


def count_unmatched(table: pd.DataFrame, end: pd.Timestamp,
                    inputs: list[tuple[str, pd.DataFrame | None, str, str]]
                    ) -> dict[str, dict[str, Any]]:
    """Per input given: its rows up to ``end``, those whose id names no customer of the table,
    and the first (up to 3) such ids as written."""
    out: dict[str, dict[str, Any]] = {}
    end_ns = int(end.as_unit("ns").value)
    for name, df, cid, dt in inputs:
        if df is None or not isinstance(df, pd.DataFrame):
            continue
        if len(df) == 0:
            continue
        require_columns(df, customer_id_col=cid, datetime_col=dt)
        ids = df[cid].reset_index(drop=True)
        rows = match_ids(table.index, ids, cid)
        times = _dates(df, dt)
        codes, uniques = pd.factorize(ids)
        report = _core.insight.join_report(name, codes.astype(np.int64), rows, times, end_ns)
        out[name] = {"rows": int(report["rows"]), "unmatched": int(report["unmatched"]),
                     "first": [str(uniques[int(c)]) for c in report["first_unmatched"]]}
    return out


def check_unmatched(counts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """More than INSIGHT_MAX_UNMATCHED_SHARE unmatched rows in an input is a ValueError naming
    the first unmatched ids (the rule and the message are the C++ core's, shared with
    custinsight-score). Returns per input the counts and a note ("" when all matched)."""
    out: dict[str, Any] = {}
    for name, c in counts.items():
        note = _core.insight.check_join(name, c["rows"], c["unmatched"], c["first"])
        out[name] = {"rows": c["rows"], "unmatched": c["unmatched"], "note": note}
    return out


def check_joins(table: pd.DataFrame, end: pd.Timestamp,
                inputs: list[tuple[str, pd.DataFrame | None, str, str]]) -> dict[str, Any]:
    """count_unmatched, then check_unmatched."""
    return check_unmatched(count_unmatched(table, end, inputs))


def _dates(df: pd.DataFrame, col: str) -> np.ndarray:
    times, is_datetime = as_time_array(col, df[col].reset_index(drop=True))
    if not is_datetime:
        raise ValueError(f"{col}: must be dates, got numbers")
    return times


def _direction(values: pd.Series, col: str) -> np.ndarray:
    text = values.astype("string").str.strip().str.lower()
    out = np.where(text == "outbound", 1, np.where(text == "inbound", 0, -1))
    bad = out < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{col}[{i}] = {_show(values.iloc[i])}: must be 'outbound' or 'inbound'")
    return out.astype(np.uint8)


def _flags(values: pd.Series, col: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).to_numpy(dtype=np.uint8)
    if pd.api.types.is_numeric_dtype(values.dtype):
        x = values.to_numpy(dtype=np.float64, na_value=0.0)
        bad = ~np.isin(x, (0.0, 1.0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{col}[{i}] = {_show(values.iloc[i])}: must be 0 or 1")
        return x.astype(np.uint8)
    text = values.astype("string").fillna("").str.strip().str.lower()
    yes = text.isin(_TRUE).to_numpy()
    no = text.isin(_FALSE).to_numpy()
    bad = ~(yes | no)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{col}[{i}] = {_show(values.iloc[i])}: must be true/false, yes/no or "
                         "1/0")
    return yes.astype(np.uint8)


def no_contacts(table: pd.DataFrame, has_direction: bool) -> None:
    """The contact columns for customers without contacts: no outbound contacts when the log
    records directions (unknown otherwise), no complaint."""
    table["outbound_30d"] = np.zeros(len(table)) if has_direction else np.nan
    table["days_since_complaint"] = np.nan


def no_support(table: pd.DataFrame) -> None:
    """The support columns for customers without conversations."""
    table["n_conversations"] = np.zeros(len(table), dtype=np.int64)
    table["support_quality"] = np.nan
    table["support_ending"] = np.nan


def add_contacts(table: pd.DataFrame, contacts: pd.DataFrame, end: pd.Timestamp,
                 cfg: InsightConfig, columns: Columns) -> None:
    """Add ``outbound_30d`` and ``days_since_complaint`` and open complaints to ``table``."""
    customer_id_col, datetime_col = columns.contact_customer_id, columns.contact_datetime
    direction_col, complaint_col = columns.direction, columns.complaint
    if not isinstance(contacts, pd.DataFrame):
        raise TypeError(f"contacts must be a DataFrame, got {type(contacts).__name__}")
    require_columns(contacts, customer_id_col=customer_id_col, datetime_col=datetime_col)
    if len(contacts) == 0:
        no_contacts(table, direction_col is not None and direction_col in contacts.columns)
        return
    direction = (_direction(contacts[direction_col], direction_col)
                 if direction_col is not None and direction_col in contacts.columns else None)
    complaint = (_flags(contacts[complaint_col], complaint_col)
                 if complaint_col is not None and complaint_col in contacts.columns else None)
    rows = _rows(table, contacts, customer_id_col)
    raw = _core.insight.summarise_contacts(
        rows, _dates(contacts, datetime_col), direction, complaint, len(table),
        int(end.as_unit("ns").value), cfg.to_json())
    table["outbound_30d"] = raw["outbound_30d"]
    table["days_since_complaint"] = raw["days_since_complaint"]
    table["complaint"] |= raw["complaint_open"].astype(bool)


def add_support(table: pd.DataFrame, transcripts: pd.DataFrame, end: pd.Timestamp,
                cfg: InsightConfig, columns: Columns) -> None:
    """Add ``n_conversations``, ``support_quality``, ``support_ending`` and open complaints."""
    customer_id_col, conversation_id_col = (columns.transcript_customer_id,
                                            columns.conversation_id)
    role_col, time_col, text_col = columns.role, columns.turn_time, columns.turn_text
    if not isinstance(transcripts, pd.DataFrame):
        raise TypeError(f"transcripts must be a DataFrame, got {type(transcripts).__name__}")
    require_columns(transcripts, customer_id_col=customer_id_col,
                    conversation_id_col=conversation_id_col, role_col=role_col,
                    time_col=time_col, text_col=text_col)
    if len(transcripts) == 0:
        no_support(table)
        return
    conv = transcripts[conversation_id_col]
    if conv.isna().any():
        i = int(np.flatnonzero(conv.isna().to_numpy())[0])
        raise ValueError(f"{conversation_id_col}[{i}] is missing")
    # Codes in order of first appearance, as custinsight-score numbers them.
    codes, uniques = pd.factorize(conv, sort=False)
    texts = transcripts[text_col].to_numpy(dtype=object)
    for i, t in enumerate(texts):
        if not (isinstance(t, str) or t is None or t is pd.NA or
                (isinstance(t, float) and np.isnan(t))):
            raise TypeError(f"{text_col}[{i}] = {show_value(t)}: must be text")
        if isinstance(t, str) and not t.isascii():
            try:
                t.encode("utf-8")
            except UnicodeEncodeError as err:
                # Said without the text: customer texts never go into messages whole.
                raise ValueError(f"{text_col}[{i}]: not valid UTF-8 text (a lone surrogate at "
                                 f"character {err.start})") from None
    raw = _core.insight.summarise_support(
        _rows(table, transcripts, customer_id_col), codes.astype(np.int32), len(uniques),
        _roles(transcripts[role_col].reset_index(drop=True), role_col),
        _dates(transcripts, time_col), [t if isinstance(t, str) else "" for t in texts],
        len(table), int(end.as_unit("ns").value), cfg.to_json())
    table["n_conversations"] = raw["n_conversations"]
    table["support_quality"] = raw["support_quality"]
    table["support_ending"] = raw["support_ending"]
    table["complaint"] |= raw["complaint_open"].astype(bool)
