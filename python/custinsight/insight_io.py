"""Reading the insight table's input files (CSV; support transcripts as JSON Lines) with
one-line errors naming file, column and line, and writing the table atomically."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
import numpy as np
import pandas as pd

__all__ = ["read_transactions", "read_feedback", "read_contacts", "read_transcripts",
           "write_table"]


def _header(path: Path) -> tuple[list[str], int]:
    """Header names and the number of data lines; errors on empty files and duplicates."""
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ValueError(f"{path}: line {line}: not UTF-8 text") from None
    if not text.strip():
        raise ValueError(f"{path}: the file is empty (no header line)")
    first = text.splitlines()[0]
    names = next(csv.reader(io.StringIO(first)))
    names = [n.strip() for n in names]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise ValueError(f"{path}: line 1: column {name!r} appears twice (columns "
                             f"{seen[name] + 1} and {i + 1})")
        seen[name] = i
    return names, text.count("\n")


def _read(path: str | os.PathLike[str], required: dict[str, str], optional: dict[str, str | None]
          ) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise ValueError(f"{p}: no such file")
    names, _ = _header(p)
    for role, col in required.items():
        if col not in names:
            raise ValueError(f"{p}: line 1: missing column {col!r} ({role}); columns: {names}")
    for role, col in optional.items():
        if col is not None and col not in names:
            raise ValueError(f"{p}: line 1: missing column {col!r} ({role}); columns: {names}")
    wanted = list(required.values()) + [c for c in optional.values() if c is not None]
    try:
        df = pd.read_csv(p, usecols=wanted, dtype=str, keep_default_na=False,
                         encoding="utf-8-sig", skipinitialspace=True)
    except pd.errors.ParserError as err:
        raise ValueError(f"{p}: {str(err).strip()}") from None
    df.columns = [c.strip() for c in df.columns]
    if len(df) == 0:
        raise ValueError(f"{p}: no data lines after the header")
    return df


def _line(i: int, lines: np.ndarray | None = None) -> int:
    # CSV line numbers count the header as line 1 (files with quoted line breaks are rare
    # here); JSON Lines readers pass each record's own line.
    return i + 2 if lines is None else int(lines[i])


def _parse_ids(p: str, df: pd.DataFrame, col: str) -> pd.Series:
    s = df[col].str.strip()
    bad = (s == "").to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{p}: line {_line(i)}: column {col!r} is empty")
    as_int = pd.to_numeric(s, errors="coerce")
    if as_int.notna().all() and (as_int == np.floor(as_int)).all():
        return as_int.astype(np.int64)
    if as_int.notna().any():
        # Mixed ids: some numeric, some not. Strings keep every id distinct and exact.
        return s
    return s


def _parse_dates(p: str, df: pd.DataFrame, col: str, *, allow_empty: bool = False,
                 fmt: str | None = None, lines: np.ndarray | None = None) -> pd.Series:
    s = df[col].str.strip()
    empty = (s == "").to_numpy()
    if empty.any() and not allow_empty:
        i = int(np.flatnonzero(empty)[0])
        raise ValueError(f"{p}: line {_line(i, lines)}: column {col!r} is empty: expected a "
                         "date")
    out = pd.to_datetime(s.where(~empty), errors="coerce", format=fmt if fmt else "ISO8601")
    bad = (out.isna().to_numpy() & ~empty)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{p}: line {_line(i, lines)}: column {col!r}: {df[col].iloc[i]!r} is "
                         "not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(None)
    return out


def _parse_numbers(p: str, df: pd.DataFrame, col: str, *, allow_empty: bool) -> np.ndarray:
    s = df[col].str.strip()
    empty = (s == "").to_numpy()
    if empty.any() and not allow_empty:
        i = int(np.flatnonzero(empty)[0])
        raise ValueError(f"{p}: line {_line(i)}: column {col!r} is empty: expected a number")
    out = pd.to_numeric(s.where(~empty), errors="coerce").to_numpy(np.float64)
    bad = np.isnan(out) & ~empty
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{p}: line {_line(i)}: column {col!r}: {df[col].iloc[i]!r} is not a "
                         "number")
    inf = np.isinf(out)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise ValueError(f"{p}: line {_line(i)}: column {col!r}: {df[col].iloc[i]!r} is not "
                         "finite")
    return out


def read_transactions(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                      datetime_col: str = "datetime", amount_col: str = "amount",
                      datetime_format: str | None = None) -> pd.DataFrame:
    """Read a transaction CSV (UTF-8, optional BOM, LF or CRLF) into customer_id, datetime,
    amount. Raises ValueError "<file>: line <n>: column <c>: ..." on the first problem."""
    p = str(path)
    df = _read(path, {"customer id": customer_id_col, "date": datetime_col,
                      "amount": amount_col}, {})
    out = pd.DataFrame({
        "customer_id": _parse_ids(p, df, customer_id_col),
        "datetime": _parse_dates(p, df, datetime_col, fmt=datetime_format),
        "amount": _parse_numbers(p, df, amount_col, allow_empty=False),
    })
    neg = out["amount"].to_numpy() < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise ValueError(f"{p}: line {_line(i)}: column {amount_col!r}: "
                         f"{df[amount_col].iloc[i]!r} is negative")
    return out


def read_feedback(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                  datetime_col: str = "datetime", touchpoint_col: str | None = None,
                  rating_col: str | None = None, nps_col: str | None = None,
                  text_col: str | None = None, datetime_format: str | None = None
                  ) -> pd.DataFrame:
    """Read a feedback CSV into customer_id, datetime and the present optional columns
    touchpoint, csat, nps and text (empty cells are missing answers). Optional columns named
    explicitly must exist; with None, the standard names are used when present."""
    p = str(path)
    names, _ = _header(Path(path)) if Path(path).exists() else ([], 0)
    defaults = {"touchpoint": touchpoint_col, "csat": rating_col, "nps": nps_col,
                "text": text_col}
    chosen = {k: (v if v is not None else (k if k in names else None))
              for k, v in defaults.items()}
    df = _read(path, {"customer id": customer_id_col, "date": datetime_col}, chosen)
    out = pd.DataFrame({"customer_id": _parse_ids(p, df, customer_id_col),
                        "datetime": _parse_dates(p, df, datetime_col, fmt=datetime_format)})
    if chosen["touchpoint"]:
        out["touchpoint"] = df[chosen["touchpoint"]].str.strip().replace("", None)
    for key, lo, hi in (("csat", 1, 5), ("nps", 0, 10)):
        col = chosen[key]
        if col:
            v = _parse_numbers(p, df, col, allow_empty=True)
            bad = ~np.isnan(v) & ((v < lo) | (v > hi) | (v != np.round(v)))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(f"{p}: line {_line(i)}: column {col!r}: {df[col].iloc[i]!r} "
                                 f"is not a whole number in {lo}..{hi}")
            out[key] = pd.array(np.where(np.isnan(v), 0, v).astype(np.int8), dtype="Int8")
            out.loc[np.isnan(v), key] = pd.NA
    if chosen["text"]:
        out["text"] = df[chosen["text"]].replace("", None).astype("string")
    return out


def _labels(p: str, df: pd.DataFrame, col: str, labels: tuple[str, ...],
            lines: np.ndarray | None = None) -> pd.Series:
    s = df[col].str.strip().str.lower()
    bad = (~s.isin(labels)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{p}: line {_line(i, lines)}: column {col!r}: {df[col].iloc[i]!r} must "
                         f"be one of {', '.join(labels)}")
    return s


def read_contacts(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                  datetime_col: str = "datetime", direction_col: str | None = None,
                  complaint_col: str | None = None, datetime_format: str | None = None
                  ) -> pd.DataFrame:
    """Read a contact-log CSV into customer_id, datetime and the present optional columns
    direction ('outbound' / 'inbound', any case) and complaint (true/false, yes/no, y/n, t/f,
    1/0; empty is no). Optional columns named explicitly must exist; with None, the standard
    names are used when present."""
    p = str(path)
    names, _ = _header(Path(path)) if Path(path).exists() else ([], 0)
    chosen = {k: (v if v is not None else (k if k in names else None))
              for k, v in {"direction": direction_col, "complaint": complaint_col}.items()}
    df = _read(path, {"customer id": customer_id_col, "date": datetime_col}, chosen)
    out = pd.DataFrame({"customer_id": _parse_ids(p, df, customer_id_col),
                        "datetime": _parse_dates(p, df, datetime_col, fmt=datetime_format)})
    if chosen["direction"]:
        out["direction"] = _labels(p, df, chosen["direction"], ("inbound", "outbound"))
    if chosen["complaint"]:
        col = chosen["complaint"]
        s = df[col].str.strip().str.lower()
        yes = s.isin(("true", "1", "yes", "y", "t")).to_numpy()
        bad = ~(yes | s.isin(("", "false", "0", "no", "n", "f")).to_numpy())
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{p}: line {_line(i)}: column {col!r}: {df[col].iloc[i]!r} must be "
                             "true/false, yes/no or 1/0")
        out["complaint"] = yes
    return out


def _json_cell(value: object) -> str | None:
    """A JSON value as the C++ reader sees it: text as it is, numbers as JSON writes them."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return None


def read_transcripts(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                     conversation_id_col: str = "conversation_id", role_col: str = "role",
                     time_col: str = "time", text_col: str = "text",
                     datetime_format: str | None = None) -> pd.DataFrame:
    """Read support transcripts from a JSON Lines file, one turn per line, for example::

        {"customer_id": 17, "conversation_id": "c-9", "role": "customer",
         "time": "2025-03-01 10:02:11", "text": "My router keeps dropping."}

    into customer_id, conversation_id, role ('agent' / 'customer'), time and text (null or
    absent: no text). Blank lines are skipped; errors name the file, line and field."""
    p = Path(path)
    if not p.exists():
        raise ValueError(f"{p}: no such file")
    fields = [customer_id_col, conversation_id_col, role_col, time_col]
    rows: list[list[str | None]] = []
    lines: list[int] = []
    with open(p, encoding="utf-8-sig", newline="") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f"{p}: line {number}: not valid JSON") from None
            if not isinstance(obj, dict):
                raise ValueError(f"{p}: line {number}: expected a JSON object")
            row: list[str | None] = []
            for k, name in enumerate([*fields, text_col]):
                if name not in obj:
                    if k < len(fields):
                        raise ValueError(f"{p}: line {number}: missing field {name!r}")
                    row.append(None)
                    continue
                value = obj[name]
                if isinstance(value, (dict, list)):
                    raise ValueError(f"{p}: line {number}: field {name!r}: expected text or a "
                                     f"number, got {type(value).__name__}")
                row.append(_json_cell(value))
            rows.append(row)
            lines.append(number)
    if not rows:
        raise ValueError(f"{p}: the file has no records")
    df = pd.DataFrame(rows, columns=[*fields, text_col], dtype=object)
    at = np.asarray(lines)
    text_cells = df[text_col]
    df = df[fields].fillna("").astype(str)
    for col in fields:
        empty = (df[col].str.strip() == "").to_numpy()
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise ValueError(f"{p}: line {at[i]}: field {col!r} is empty")
    ids = _parse_ids(str(p), df, customer_id_col)
    times = _parse_dates(str(p), df, time_col, fmt=datetime_format, lines=at)
    return pd.DataFrame({
        "customer_id": ids,
        "conversation_id": df[conversation_id_col].to_numpy(),
        "role": _labels(str(p), df, role_col, ("agent", "customer"), at).to_numpy(),
        "time": times,
        "text": pd.array(text_cells.to_numpy(), dtype="string"),
    })


def write_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write CSV or Parquet (by suffix) to a temporary file, then rename: a failure leaves
    nothing behind and never a half-written file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        if p.suffix.lower() == ".parquet":
            table.to_parquet(tmp)
        else:
            table.to_csv(tmp)
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

