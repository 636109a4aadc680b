"""Reading the insight table's input files (CSV; support transcripts as JSON Lines) with
one-line errors naming file, column and line, and writing the table atomically."""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._validate import show_value

__all__ = ["read_transactions", "read_feedback", "read_contacts", "read_transcripts",
           "unify_ids", "write_table"]


# ASCII whitespace: what the C++ reader trims from cells (str.strip() would also trim
# Unicode spaces such as U+00A0, which are part of an id or a text as written).
_WS = " \t\n\v\f\r"


class _Csv:
    """The requested columns of a CSV file as text cells, with the physical line each record
    starts on (quoted fields may span lines)."""

    def __init__(self, names: list[str], cells: dict[str, list[str]], lines: np.ndarray) -> None:
        self.names = names
        self.cells = cells
        self.lines = lines


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ValueError(f"{path}: line {line}: not UTF-8 text") from None


def _check_lone_cr(path: Path, text: str) -> None:
    """A carriage return without a line feed outside quotes is an error naming its line, as in
    custinsight-score (the csv module would take it as a line break; inside quotes it is
    data). Quotes come in pairs ("" included), so an even count before it means outside."""
    quotes, seen = 0, 0
    for match in re.finditer(r"\r(?!\n)", text):
        pos = match.start()
        quotes, seen = quotes + text.count('"', seen, pos), pos
        if quotes % 2 == 0:
            raise ValueError(f"{path}: line {text.count(chr(10), 0, pos) + 1}: a carriage return "
                             "without a line feed; save the file with LF or CRLF line ends")


def _records(path: Path, text: str) -> tuple[list[list[str]], list[int]]:
    """Records and their first physical lines, as custinsight-score splits them (RFC 4180
    quoting; blank lines skipped; fields of any length)."""
    old_limit = csv.field_size_limit(sys.maxsize)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
        records: list[list[str]] = []
        lines: list[int] = []
        previous = 0
        try:
            for row in reader:
                start, previous = previous + 1, reader.line_num
                if not row or (len(row) == 1 and row[0] == ""):
                    continue
                records.append(row)
                lines.append(start)
        except csv.Error:
            raise ValueError(f"{path}: line {previous + 1}: a quoted field is not closed"
                             ) from None
        if text.count('"') % 2 and records and _ends_in_open_quote(text):
            raise ValueError(f"{path}: line {lines[-1]}: a quoted field is not closed")
    finally:
        csv.field_size_limit(old_limit)
    return records, lines


def _ends_in_open_quote(text: str) -> bool:
    """Whether a quoted field runs to the end of the text (the lenient csv reader would take
    the rest of the file as its value; custinsight-score refuses it)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True):
            pass
    except csv.Error as err:
        return "unexpected end of data" in str(err)
    return False


def _check_nul(path: Path, text: str, records: list[list[str]], lines: list[int]) -> None:
    """A NUL byte is an error naming its line and column (readers that stop at NUL would cut
    the value short)."""
    if "\x00" not in text:
        return
    header = [n.strip(_WS) for n in records[0]] if records else []
    for row, start in zip(records, lines):
        for k, field in enumerate(row):
            at = field.find("\x00")
            if at < 0:
                continue
            line = start + sum(f.count("\n") for f in row[:k]) + field[:at].count("\n")
            named = row is not records[0] and k < len(header)
            column = f"column {show_value(header[k])}" if named else f"field {k + 1}"
            raise ValueError(f"{path}: line {line}: {column}: a NUL byte in the value (the file "
                             "is not text)")


def _columns(names: list[str]) -> str:
    shown = ", ".join(show_value(n, 40) for n in names[:20])
    return f"[{shown}{', ...' if len(names) > 20 else ''}]"


def _read(path: str | os.PathLike[str], required: dict[str, str], optional: dict[str, str | None]
          ) -> _Csv:
    p = Path(path)
    if not p.exists():
        raise ValueError(f"{p}: no such file")
    text = _decode(p)
    _check_lone_cr(p, text)
    records, lines = _records(p, text)
    _check_nul(p, text, records, lines)
    if not records:
        raise ValueError(f"{p}: the file is empty (no header line)")
    names = [n.strip(_WS) for n in records[0]]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise ValueError(f"{p}: line 1: column {show_value(name)} appears twice (columns "
                             f"{seen[name] + 1} and {i + 1})")
        seen[name] = i
    for role, col in [*required.items(), *optional.items()]:
        if col is not None and col not in seen:
            raise ValueError(f"{p}: line 1: missing column {col!r} ({role}); columns: "
                             f"{_columns(names)}")
    if len(records) == 1:
        raise ValueError(f"{p}: no data lines after the header")
    for row, line in zip(records[1:], lines[1:]):
        if len(row) != len(names):
            raise ValueError(f"{p}: line {line}: {len(row)} fields, but the header has "
                             f"{len(names)}")
    wanted = list(required.values()) + [c for c in optional.values() if c is not None]
    cells = {c: [row[seen[c]].strip(_WS) for row in records[1:]] for c in wanted}
    return _Csv(names, cells, np.asarray(lines[1:], dtype=np.int64))


def _line(lines: np.ndarray, i: int) -> int:
    return int(lines[i])


def _text_ids(p: str, csv_: _Csv, col: str) -> list[str]:
    ids = csv_.cells[col]
    for i, v in enumerate(ids):
        if v == "":
            raise ValueError(f"{p}: line {_line(csv_.lines, i)}: column {col!r} is empty")
    return ids


def _typed_ids(ids: list[str]) -> pd.Series:
    """Ids of one file: int64 when every one is a canonical integer (custinsight-score's rule,
    include/custinsight/insight/ids.hpp), else the text as written."""
    ints = _core.insight.integer_ids(ids)
    return pd.Series(ints if ints is not None else np.asarray(ids, dtype=object),
                     dtype=np.int64 if ints is not None else "string")


def unify_ids(*frames: pd.DataFrame | None, column: str = "customer_id") -> list[Any]:
    """Type the ids of several inputs read from files together: integers only when every id of
    every input is a canonical integer; otherwise every id is text as written (an integer id
    read from a file was written canonically, so its text is ``str`` of it). Returns new frames
    (None stays None); the inputs are not modified."""
    present = [f for f in frames if f is not None]
    if all(pd.api.types.is_integer_dtype(f[column].dtype) for f in present):
        return list(frames)
    out: list[Any] = []
    for f in frames:
        if f is None or not pd.api.types.is_integer_dtype(f[column].dtype):
            out.append(f)
        else:
            out.append(f.assign(**{column: f[column].astype(str).astype("string")}))
    return out


def _parse_dates(p: str, csv_: _Csv, col: str, *, allow_empty: bool = False,
                 fmt: str | None = None) -> pd.Series:
    """Dates by custinsight-score's parser (ISO 8601; "Z" and offsets converted to UTC and the
    zone dropped), or by ``fmt`` (a strftime format, the same UTC rule for %z)."""
    cells = csv_.cells[col]
    empty = np.fromiter((c == "" for c in cells), dtype=bool, count=len(cells))
    if empty.any() and not allow_empty:
        i = int(np.flatnonzero(empty)[0])
        raise ValueError(f"{p}: line {_line(csv_.lines, i)}: column {col!r} is empty: expected a "
                         "date")
    filled = [c if c else "1970-01-01" for c in cells]
    if fmt is None:
        parsed = _core.insight.parse_datetimes(filled)
        bad = int(parsed["bad"])
        if bad >= 0:
            why = (f"is out of range ({_core.insight.DATE_RANGE})" if parsed["out_of_range"]
                   else "is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, optionally "
                        "with Z or an offset such as +02:00)")
            raise ValueError(f"{p}: line {_line(csv_.lines, bad)}: column {col!r}: "
                             f"{show_value(cells[bad])} {why}")
        ns = np.asarray(parsed["ns"], dtype=np.int64)
    else:
        out = pd.to_datetime(pd.Series(filled, dtype=object), errors="coerce", format=fmt,
                             utc=True)
        bad_mask = out.isna().to_numpy()
        if bad_mask.any():
            i = int(np.flatnonzero(bad_mask)[0])
            raise ValueError(f"{p}: line {_line(csv_.lines, i)}: column {col!r}: "
                             f"{show_value(cells[i])} is not a date in the format {fmt!r} (or is "
                             f"out of range: {_core.insight.DATE_RANGE})")
        ns = np.asarray(out.dt.tz_convert(None).dt.as_unit("ns").to_numpy().view(np.int64))
    values = ns.view("datetime64[ns]").copy()
    values[empty] = np.datetime64("NaT")
    return pd.Series(values)


def _parse_numbers(p: str, csv_: _Csv, col: str, *, allow_empty: bool) -> np.ndarray:
    cells = csv_.cells[col]
    s = pd.Series(cells, dtype=object)
    empty = (s == "").to_numpy()
    if empty.any() and not allow_empty:
        i = int(np.flatnonzero(empty)[0])
        raise ValueError(f"{p}: line {_line(csv_.lines, i)}: column {col!r} is empty: expected a "
                         "number")
    out = pd.to_numeric(s.where(~empty), errors="coerce").to_numpy(np.float64)
    bad = np.isnan(out) & ~empty
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{p}: line {_line(csv_.lines, i)}: column {col!r}: "
                         f"{show_value(cells[i])} is not a number")
    inf = np.isinf(out)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise ValueError(f"{p}: line {_line(csv_.lines, i)}: column {col!r}: "
                         f"{show_value(cells[i])} is not finite")
    return out


def read_transactions(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                      datetime_col: str = "datetime", amount_col: str = "amount",
                      datetime_format: str | None = None) -> pd.DataFrame:
    """Read a transaction CSV (UTF-8, optional BOM, LF or CRLF) into customer_id, datetime,
    amount. Ids are int64 when every id in the file is a canonical integer, else text exactly as
    written; dates with "Z" or an offset are converted to UTC. Raises ValueError "<file>: line
    <n>: column <c>: ..." on the first problem (line numbers are physical lines)."""
    p = str(path)
    df = _read(path, {"customer id": customer_id_col, "date": datetime_col,
                      "amount": amount_col}, {})
    out = pd.DataFrame({
        "customer_id": _typed_ids(_text_ids(p, df, customer_id_col)),
        "datetime": _parse_dates(p, df, datetime_col, fmt=datetime_format),
        "amount": _parse_numbers(p, df, amount_col, allow_empty=False),
    })
    neg = out["amount"].to_numpy() < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise ValueError(f"{p}: line {_line(df.lines, i)}: column {amount_col!r}: "
                         f"{show_value(df.cells[amount_col][i])} is negative")
    return out


def _header_names(path: str | os.PathLike[str]) -> list[str]:
    p = Path(path)
    if not p.exists():
        return []
    records, _ = _records(p, _decode(p))
    return [n.strip(_WS) for n in records[0]] if records else []


def read_feedback(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                  datetime_col: str = "datetime", touchpoint_col: str | None = None,
                  rating_col: str | None = None, nps_col: str | None = None,
                  text_col: str | None = None, datetime_format: str | None = None,
                  rating_scale: Any = "csat_5") -> pd.DataFrame:
    """Read a feedback CSV into customer_id, datetime and the present optional columns
    touchpoint, csat, nps and text (empty cells are missing answers). Optional columns named
    explicitly must exist; with None, the standard names are used when present. Ratings must
    be whole numbers on ``rating_scale`` (a name of ``custinsight.SCALES`` or (min, max,
    higher_is_better)), NPS answers whole numbers in 0..10."""
    from ..satisfaction import _scale

    rating_lo, rating_hi, _ = _scale(rating_scale, "rating_scale")
    p = str(path)
    names = _header_names(path)
    defaults = {"touchpoint": touchpoint_col, "csat": rating_col, "nps": nps_col,
                "text": text_col}
    chosen = {k: (v if v is not None else (k if k in names else None))
              for k, v in defaults.items()}
    df = _read(path, {"customer id": customer_id_col, "date": datetime_col}, chosen)
    out = pd.DataFrame({"customer_id": _typed_ids(_text_ids(p, df, customer_id_col)),
                        "datetime": _parse_dates(p, df, datetime_col, fmt=datetime_format)})
    if chosen["touchpoint"]:
        out["touchpoint"] = pd.Series(df.cells[chosen["touchpoint"]], dtype=object).replace(
            "", None)
    for key, lo, hi in (("csat", rating_lo, rating_hi), ("nps", 0, 10)):
        col = chosen[key]
        if col:
            v = _parse_numbers(p, df, col, allow_empty=True)
            bad = ~np.isnan(v) & ((v < lo) | (v > hi) | (v != np.round(v)))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(f"{p}: line {_line(df.lines, i)}: column {col!r}: "
                                 f"{show_value(df.cells[col][i])} is not a whole number in "
                                 f"{lo:g}..{hi:g}")
            small = -128 <= lo and hi <= 127
            out[key] = pd.array(np.where(np.isnan(v), 0, v).astype(np.int8 if small else np.int64),
                                dtype="Int8" if small else "Int64")
            out.loc[np.isnan(v), key] = pd.NA
    if chosen["text"]:
        # Texts as written (the C++ reader trims cells too, so both score the same text).
        out["text"] = pd.Series(df.cells[chosen["text"]], dtype=object).replace(
            "", None).astype("string")
    return out


def _labels(p: str, df: _Csv, col: str, labels: tuple[str, ...]) -> pd.Series:
    cells = df.cells[col]
    s = pd.Series([c.strip(_WS).lower() for c in cells], dtype=object)
    bad = (~s.isin(labels)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{p}: line {_line(df.lines, i)}: column {col!r}: "
                         f"{show_value(cells[i])} must be one of {', '.join(labels)}")
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
    names = _header_names(path)
    chosen = {k: (v if v is not None else (k if k in names else None))
              for k, v in {"direction": direction_col, "complaint": complaint_col}.items()}
    df = _read(path, {"customer id": customer_id_col, "date": datetime_col}, chosen)
    out = pd.DataFrame({"customer_id": _typed_ids(_text_ids(p, df, customer_id_col)),
                        "datetime": _parse_dates(p, df, datetime_col, fmt=datetime_format)})
    if chosen["direction"]:
        out["direction"] = _labels(p, df, chosen["direction"], ("inbound", "outbound"))
    if chosen["complaint"]:
        col = chosen["complaint"]
        s = pd.Series([c.lower() for c in df.cells[col]], dtype=object)
        yes = s.isin(("true", "1", "yes", "y", "t")).to_numpy()
        bad = ~(yes | s.isin(("", "false", "0", "no", "n", "f")).to_numpy())
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{p}: line {_line(df.lines, i)}: column {col!r}: "
                             f"{show_value(df.cells[col][i])} must be true/false, yes/no or 1/0")
        out["complaint"] = yes
    return out


class _JsonNumber(str):
    """A JSON number kept as the digits it was written with (as custinsight-score keeps it)."""


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def _json_cell(value: object) -> str | None:
    """A JSON value as the C++ reader sees it: text as it is, numbers as written in the file,
    booleans as true/false."""
    if value is None or isinstance(value, str):
        return None if value is None else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_transcripts(path: str | os.PathLike[str], *, customer_id_col: str = "customer_id",
                     conversation_id_col: str = "conversation_id", role_col: str = "role",
                     time_col: str = "time", text_col: str = "text",
                     datetime_format: str | None = None) -> pd.DataFrame:
    """Read support transcripts from a JSON Lines file, one turn per line, for example::

        {"customer_id": 17, "conversation_id": "c-9", "role": "customer",
         "time": "2025-03-01 10:02:11", "text": "My router keeps dropping."}

    into customer_id, conversation_id, role ('agent' / 'customer'), time and text (null or
    absent: no text). Numbers keep the digits they are written with (a 30-digit id stays
    exact); blank lines are skipped; errors name the file, line and field, and never quote the
    texts."""
    p = Path(path)
    if not p.exists():
        raise ValueError(f"{p}: no such file")
    fields = [customer_id_col, conversation_id_col, role_col, time_col]
    names = [*fields, text_col]
    rows: list[list[str | None]] = []
    lines: list[int] = []
    raw = p.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for number, line_bytes in enumerate(raw.split(b"\n"), start=1):
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{p}: line {number}: not UTF-8 text") from None
        if not line.strip(_WS):
            continue
        try:
            obj = json.loads(line, parse_int=lambda s: _JsonNumber(int(s)),
                             parse_float=_JsonNumber, parse_constant=_reject_constant)
        except ValueError:
            raise ValueError(f"{p}: line {number}: not valid JSON") from None
        if not isinstance(obj, dict):
            raise ValueError(f"{p}: line {number}: expected a JSON object")
        row: list[str | None] = []
        for k, name in enumerate(names):
            if name not in obj:
                if k < len(fields):
                    raise ValueError(f"{p}: line {number}: missing field {name!r}")
                row.append(None)
                continue
            value = obj[name]
            if isinstance(value, (dict, list)):
                kind = "object" if isinstance(value, dict) else "array"
                raise ValueError(f"{p}: line {number}: field {name!r}: expected text or a "
                                 f"number, got {kind}")
            cell = _json_cell(value)
            if cell is not None and _has_surrogate(cell):
                # JSON allows the escape, UTF-8 cannot hold it; custinsight-score's parser
                # refuses the line the same way.
                raise ValueError(f"{p}: line {number}: not valid JSON (field {name!r} holds a "
                                 "lone surrogate escape)")
            if cell is not None and "\x00" in cell:
                raise ValueError(f"{p}: line {number}: field {name!r}: a NUL character in the "
                                 "value")
            row.append(cell)
        rows.append(row)
        lines.append(number)
    if not rows:
        raise ValueError(f"{p}: the file has no records")
    at = np.asarray(lines, dtype=np.int64)
    cells = {name: ["" if r[k] is None else r[k] for r in rows]
             for k, name in enumerate(fields)}
    for col in fields:
        cells[col] = [str(c).strip(_WS) for c in cells[col]]
        for i, c in enumerate(cells[col]):
            if c == "":
                raise ValueError(f"{p}: line {at[i]}: field {col!r} is empty")
    table = _Csv(names, cells, at)
    return pd.DataFrame({
        "customer_id": _typed_ids(cells[customer_id_col]),
        "conversation_id": np.asarray(cells[conversation_id_col], dtype=object),
        "role": _labels(str(p), table, role_col, ("agent", "customer")).to_numpy(),
        "time": _parse_dates(str(p), table, time_col, fmt=datetime_format),
        "text": pd.array([r[-1] for r in rows], dtype="string"),
    })


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_stale_temp_files(p: Path) -> None:
    """Remove ``.<name>.<pid>.tmp`` files beside ``p`` left by runs that were killed (their
    process is gone); custinsight-score names and sweeps its temporary files the same way."""
    prefix = f".{p.name}."
    for stale in p.parent.glob(f".{glob.escape(p.name)}.*.tmp"):
        pid = stale.name[len(prefix):-len(".tmp")]
        if pid.isdigit() and len(pid) <= 9 and not _pid_alive(int(pid)):
            stale.unlink(missing_ok=True)


class _RemovedOnSignal:
    """While the temporary file exists, SIGTERM (and SIGHUP) raise SystemExit in the main
    thread so that the ``except BaseException`` below removes it, as SIGINT's
    KeyboardInterrupt does; the previous handlers come back afterwards."""

    _SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                     if s is not None)

    def __enter__(self) -> None:
        import threading

        self.saved: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in self._SIGNALS:
            self.saved[sig] = signal.signal(sig, self._raise)

    @staticmethod
    def _raise(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    def __exit__(self, *exc: Any) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)


def write_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write CSV or Parquet (by suffix) to a temporary file, then rename: a failure (an error,
    SIGINT or SIGTERM) leaves nothing behind and never a half-written file; temporary files of
    killed runs are removed by the next write to the same path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale_temp_files(p)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    with _RemovedOnSignal():
        try:
            if p.suffix.lower() == ".parquet":
                table.to_parquet(tmp)
            else:
                table.to_csv(tmp)
            os.replace(tmp, p)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
