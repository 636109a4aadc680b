"""Command line: ``custinsight score`` writes the per-customer insight table, ``custinsight
report`` a self-contained HTML report; ``--demo`` uses the embedded simulated customer base.

Exit codes: 0 success, 2 bad input or arguments (one line on stderr, nothing written).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any


class _Progress:
    """Stage messages on stderr, only when stderr is a terminal."""

    def __init__(self, stages: int) -> None:
        self.enabled = sys.stderr.isatty()
        self.stages = stages
        self.done = 0
        self.start = time.perf_counter()

    def step(self, label: str) -> None:
        if not self.enabled:
            return
        self.done += 1
        width = 24
        filled = int(width * self.done / self.stages)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {label:<32} {time.perf_counter() - self.start:6.1f}s")
        if self.done >= self.stages:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--transactions", help="transaction CSV: customer id, date, amount")
    p.add_argument("--feedback", help="feedback CSV: customer id, date and any of touchpoint, "
                                      "csat (1-5), nps (0-10), text")
    p.add_argument("--contacts", help="contact log CSV: customer id, date and optionally "
                                      "direction (outbound/inbound), complaint (true/false)")
    p.add_argument("--transcripts", help="support transcripts, JSON Lines with one turn per "
                                         "line: customer_id, conversation_id, role, time, text")
    p.add_argument("--as-of", help="scoring date (default: the latest transaction)")
    p.add_argument("--config", help="settings file (.toml or .json, see InsightConfig)")
    p.add_argument("--demo", action="store_true", help="use the embedded simulated data")
    p.add_argument("--customers", type=int, default=10_000, help="demo size")
    p.add_argument("--seed", type=int, default=42, help="demo seed")
    p.add_argument("--datetime-format", default=None,
                   help="strftime format of the dates (default ISO 8601)")
    # One option per input column, generated from the column schema (custinsight-score takes
    # the same names; a test checks both). Optional columns default to their standard names
    # when the file has them.
    from dataclasses import fields

    from .insight.columns import Columns

    for f in fields(Columns):
        optional = "None" in str(f.type)
        p.add_argument(Columns.option(f.name), dest=f.name + "_col",
                       default=None if optional else f.default, metavar="NAME",
                       help=f"column of {f.name.replace('_', ' ')} (default: {f.default})")


def _as_of(text: str) -> Any:
    """--as-of by the input files' date rule (custinsight-score's parser: an offset or Z is
    converted to UTC and dropped)."""
    import pandas as pd

    from . import _core
    from ._validate import show_value

    parsed = _core.insight.parse_datetimes([text.strip()])
    if int(parsed["bad"]) >= 0:
        if parsed["out_of_range"]:
            raise ValueError(f"--as-of {show_value(text)} is out of range "
                             f"({_core.insight.DATE_RANGE})")
        raise ValueError(f"--as-of {show_value(text)} is not a date (expected YYYY-MM-DD or "
                         "YYYY-MM-DD HH:MM:SS, optionally with Z or an offset such as +02:00)")
    return pd.Timestamp(int(parsed["ns"][0]), unit="ns")


def _load(args: argparse.Namespace, progress: _Progress) -> tuple[Any, Any, Any, Any, Any, Any]:
    import pandas as pd

    from .insight.config import InsightConfig
    from .insight.io import (read_contacts, read_feedback, read_transactions, read_transcripts,
                             unify_ids)

    config = InsightConfig.load(args.config) if args.config else InsightConfig()
    if args.demo:
        if args.transactions or args.feedback or args.contacts or args.transcripts:
            raise ValueError("--demo cannot be combined with --transactions/--feedback/"
                             "--contacts/--transcripts")
        from .simulate import simulate
        from .simulate_support import simulate_contact_log, simulate_transcripts

        data = simulate(n_customers=args.customers, seed=args.seed)
        tx = data.transactions[["customer_id", "datetime", "amount"]]
        fb = data.responses
        contacts = simulate_contact_log(data, seed=args.seed + 1)
        turns = simulate_transcripts(data, seed=args.seed + 2)
        as_of = _as_of(args.as_of) if args.as_of else data.end
        progress.step("simulated the demo data")
        return tx, fb, contacts, turns, as_of, config
    if not args.transactions:
        raise ValueError("give --transactions FILE (or --demo)")
    tx = read_transactions(args.transactions, customer_id_col=args.customer_id_col,
                           datetime_col=args.datetime_col, amount_col=args.amount_col,
                           datetime_format=args.datetime_format)
    fb = None
    if args.feedback:
        fb = read_feedback(args.feedback, customer_id_col=args.feedback_customer_id_col,
                           datetime_col=args.feedback_datetime_col,
                           touchpoint_col=args.touchpoint_col, rating_col=args.rating_col,
                           nps_col=args.nps_col, text_col=args.text_col,
                           datetime_format=args.datetime_format,
                           rating_scale=config.rating_scale)
    contacts = None
    if args.contacts:
        contacts = read_contacts(args.contacts, customer_id_col=args.contact_customer_id_col,
                                 datetime_col=args.contact_datetime_col,
                                 direction_col=args.direction_col,
                                 complaint_col=args.complaint_col,
                                 datetime_format=args.datetime_format)
    turns = None
    if args.transcripts:
        turns = read_transcripts(args.transcripts,
                                 customer_id_col=args.transcript_customer_id_col,
                                 conversation_id_col=args.conversation_id_col,
                                 role_col=args.role_col, time_col=args.turn_time_col,
                                 text_col=args.turn_text_col,
                                 datetime_format=args.datetime_format)
    # Ids are typed once for all the files together, as custinsight-score does.
    tx, fb, contacts, turns = unify_ids(tx, fb, contacts, turns)
    as_of = None
    if args.as_of:
        as_of = _as_of(args.as_of)
    progress.step("read the input files")
    return tx, fb, contacts, turns, as_of, config


def _score(args: argparse.Namespace, *, report: bool = False) -> Any:
    import pandas as pd

    from .insight import CustomerInsight

    progress = _Progress(3)
    tx, fb, contacts, turns, as_of, config = _load(args, progress)
    engine = CustomerInsight(config)
    table = engine.score(tx, fb, as_of=as_of, contacts=contacts, transcripts=turns)
    progress.step(f"scored {len(table):,} customers")
    return engine, table, progress, pd


def _cmd_score(args: argparse.Namespace) -> int:
    from .insight.io import write_table

    engine, table, progress, pd = _score(args)
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise ValueError(f"--out {out}: use a .csv or .parquet file name")
    write_table(table, out)
    progress.step(f"wrote {out.name}")
    if args.rows > 0:
        cols = ["frequency", "recency", "T", "p_alive", "churn_risk", "clv", "satisfaction",
                "insight_score", "segment", "action"]
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            print(table[cols].head(args.rows).round(3).to_string())
    print(f"Scored {len(table):,} customers as of {engine.as_of_.date()} with the "
          f"{engine.model_name_} model; wrote {out}")
    _print_notes(table)
    return 0


def _print_notes(table: Any) -> None:
    """What the table could not use: unmatched rows of the optional inputs, unfitted spend."""
    for key in ("model_note", "spend_note"):
        if table.attrs.get(key):
            print(f"Note: {table.attrs[key]}")
    for note in table.attrs.get("unmatched_notes", []):
        print(f"Note: {note}")


def _cmd_report(args: argparse.Namespace) -> int:
    from .insight.report import write_report

    engine, table, progress, _ = _score(args)
    out = Path(args.out)
    write_report(engine, out)
    progress.step(f"wrote {out.name}")
    print(f"Wrote the report on {len(table):,} customers to {out}")
    _print_notes(table)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    out_dir = Path(args.out_dir)
    common = ["--demo", "--customers", str(args.customers), "--seed", str(args.seed)]
    code = main(["score", *common, "--rows", str(args.rows), "--out",
                 str(out_dir / "scores.csv")])
    if code:
        return code
    return main(["report", *common, "--out", str(out_dir / "report.html")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="custinsight", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="write the per-customer insight table")
    _add_inputs(score)
    score.add_argument("--out", required=True, help="scores file (.csv or .parquet)")
    score.add_argument("--rows", type=int, default=10, help="rows to print")
    score.set_defaults(func=_cmd_score)
    report = sub.add_parser("report", help="write a self-contained HTML report")
    _add_inputs(report)
    report.add_argument("--out", required=True, help="report file (.html)")
    report.set_defaults(func=_cmd_report)
    demo = sub.add_parser("demo", help="score --demo and report --demo into one directory")
    demo.add_argument("--customers", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--rows", type=int, default=10)
    demo.add_argument("--out-dir", default="out")
    demo.set_defaults(func=_cmd_demo)
    args = parser.parse_args(argv)
    # The notes the library logs are printed with the summary (see _print_notes).
    logging.getLogger("custinsight").addHandler(logging.NullHandler())
    try:
        return int(args.func(args))
    except (ValueError, TypeError, OSError) as err:
        message = " ".join(str(err).split())
        sys.stderr.write(f"custinsight {args.command}: error: {message}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
