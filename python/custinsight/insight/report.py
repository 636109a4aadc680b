"""One self-contained HTML page summarising an insight table: inline SVG charts, inline CSS,
no scripts and no external resources."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["report_html", "write_report"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;
color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd}
.cards{display:flex;flex-wrap:wrap;gap:1em}.card{background:#f5f7fa;border-radius:6px;
padding:.7em 1em;min-width:150px}.card b{display:block;font-size:1.4em}
table{border-collapse:collapse;font-size:.9em}td,th{padding:.25em .6em;border-bottom:1px solid #eee;
text-align:right}th{background:#f5f7fa}td.l,th.l{text-align:left}.note{color:#666;font-size:.85em}
"""


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _fmt(x: Any, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)) or x is pd.NA:
        return ""
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        return f"{float(x):,.{digits}f}"
    return str(x)


def _table(df: pd.DataFrame, digits: dict[str, int] | None = None, index: bool = True) -> str:
    digits = digits or {}
    head = "".join(f'<th class="l">{_esc(df.index.name or "")}</th>' if index else "" for _ in [0])
    head += "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    rows = []
    columns = [df[c].to_numpy(dtype=object) for c in df.columns]
    for i, key in enumerate(df.index):
        cells = f'<td class="l">{_esc(key)}</td>' if index else ""
        for c, values in zip(df.columns, columns):
            v = values[i]
            cls = ' class="l"' if isinstance(v, str) else ""
            cells += f"<td{cls}>{_esc(_fmt(v, digits.get(c, 2)))}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _colour(v: float) -> str:
    # White (0) to dark blue (1), readable without a legend colour map library.
    v = float(np.clip(v, 0.0, 1.0))
    r = int(247 - v * (247 - 8))
    g = int(251 - v * (251 - 69))
    b = int(255 - v * (255 - 148))
    return f"rgb({r},{g},{b})"


def _heatmap_svg(matrix: np.ndarray, title: str) -> str:
    """Rows recency (bottom 0), columns frequency, cells P(alive)."""
    n_r, n_f = matrix.shape
    cell = max(4, min(18, 560 // max(n_f, n_r)))
    left, top = 60, 30
    w, h = left + n_f * cell + 90, top + n_r * cell + 45
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'role="img" aria-label="{_esc(title)}">',
             f'<text x="{left}" y="18" font-size="13">{_esc(title)}</text>']
    for i in range(n_r):
        y = top + (n_r - 1 - i) * cell
        for j in range(n_f):
            v = matrix[i, j]
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell}" height="{cell}" '
                         f'fill="{_colour(v)}"><title>recency {i}, frequency {j}: '
                         f'{v:.2f}</title></rect>')
    parts.append(f'<text x="{left + n_f * cell / 2}" y="{h - 8}" font-size="12" '
                 'text-anchor="middle">frequency (repeat purchases)</text>')
    parts.append(f'<text x="14" y="{top + n_r * cell / 2}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + n_r * cell / 2})">recency</text>')
    for j in range(0, n_f, max(1, n_f // 6)):
        parts.append(f'<text x="{left + j * cell + cell / 2}" y="{top + n_r * cell + 14}" '
                     f'font-size="10" text-anchor="middle">{j}</text>')
    for i in range(0, n_r, max(1, n_r // 6)):
        parts.append(f'<text x="{left - 4}" y="{top + (n_r - 1 - i) * cell + cell * 0.8}" '
                     f'font-size="10" text-anchor="end">{i}</text>')
    lx = left + n_f * cell + 20
    for k in range(11):
        parts.append(f'<rect x="{lx}" y="{top + (10 - k) * 12}" width="14" height="12" '
                     f'fill="{_colour(k / 10)}"/>')
        if k % 5 == 0:
            parts.append(f'<text x="{lx + 18}" y="{top + (10 - k) * 12 + 10}" '
                         f'font-size="10">{k / 10:.1f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _nps_svg(rep: pd.DataFrame) -> str:
    """Horizontal NPS bars with their confidence intervals, on -100..100."""
    rep = rep.dropna(subset=["nps"])
    n = len(rep)
    if n == 0:
        return '<p class="note">No NPS answers.</p>'
    left, width, row = 140, 460, 26
    h = 40 + n * row
    x0 = left + width / 2

    def sx(v: float) -> float:
        return left + (float(np.clip(v, -100, 100)) + 100) / 200 * width

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" '
             f'height="{h}" role="img" aria-label="NPS per touchpoint">',
             f'<line x1="{x0}" y1="10" x2="{x0}" y2="{h - 20}" stroke="#999"/>']
    for k, (name, r) in enumerate(rep.iterrows()):
        y = 15 + k * row
        v = float(r["nps"])
        colour = "#2e7d32" if v >= 0 else "#c62828"
        x = min(sx(v), x0)
        parts.append(f'<text x="{left - 6}" y="{y + 14}" font-size="12" '
                     f'text-anchor="end">{_esc(name)}</text>')
        parts.append(f'<rect x="{x}" y="{y + 3}" width="{abs(sx(v) - x0)}" height="14" '
                     f'fill="{colour}" opacity="0.75"><title>{_esc(name)}: NPS {v:.1f} '
                     f'[{float(r["nps_lower"]):.1f}, {float(r["nps_upper"]):.1f}]</title></rect>')
        lo, hi = sx(float(r["nps_lower"])), sx(float(r["nps_upper"]))
        parts.append(f'<line x1="{lo}" y1="{y + 10}" x2="{hi}" y2="{y + 10}" stroke="#222"/>')
        parts.append(f'<line x1="{lo}" y1="{y + 5}" x2="{lo}" y2="{y + 15}" stroke="#222"/>')
        parts.append(f'<line x1="{hi}" y1="{y + 5}" x2="{hi}" y2="{y + 15}" stroke="#222"/>')
        parts.append(f'<text x="{left + width + 6}" y="{y + 14}" font-size="11">{v:.0f}</text>')
    for tick in (-100, -50, 0, 50, 100):
        parts.append(f'<text x="{sx(tick)}" y="{h - 5}" font-size="10" '
                     f'text-anchor="middle">{tick}</text>')
    parts.append("</svg>")
    return "".join(parts)


def report_html(engine: Any, *, contact_rows: int = 20) -> str:
    """The report of a scored :class:`custinsight.CustomerInsight` as one HTML string."""
    from ..satisfaction import nps as nps_fn
    from ..satisfaction import touchpoint_report

    t = engine.table_
    if t is None:
        raise ValueError("score the customers first (CustomerInsight.score)")
    n = len(t)
    fb = engine.feedback_
    cards = [("customers", f"{n:,}"), ("as of", str(engine.as_of_.date())),
             ("loyalty model", engine.model_name_),
             ("mean P(alive)", f"{t['p_alive'].mean():.2f}"),
             ("expected churners", f"{t['churn_risk'].sum():,.0f}"),
             (f"{engine.config.clv_months}-month value", f"{t['clv'].sum():,.0f}"),
             ("mean insight score", f"{t['insight_score'].mean():.1f}")]
    if t["satisfaction"].notna().any():
        cards.append(("mean satisfaction", f"{t['satisfaction'].mean():+.2f}"))
    if fb is not None and "nps" in fb.columns and fb["nps"].notna().any():
        overall = nps_fn(fb["nps"].dropna().to_numpy(np.float64))
        cards.append(("NPS", f"{overall.nps:.1f} [{overall.lower:.1f}, {overall.upper:.1f}]"))
    body = ["<h1>Customer insight report</h1>",
            f'<p class="note">Loyalty model chosen by '
            f'{"BIC" if engine.config.model == "auto" else "configuration"}: '
            + ", ".join(f"{_esc(k)} BIC {v:,.1f}" for k, v in engine.bics_.items()) + "</p>",
            '<div class="cards">' + "".join(f'<div class="card">{_esc(k)}<b>{_esc(v)}</b></div>'
                                            for k, v in cards) + "</div>"]
    # What the table could not use: rows of other inputs naming no customer, a model that
    # needed a penalty, unfitted spend.
    notes = list(t.attrs.get("unmatched_notes", []))
    notes += [t.attrs[k] for k in ("model_note", "spend_note") if t.attrs.get(k)]
    body += [f'<p class="note">Note: {_esc(note)}</p>' for note in notes]

    seg = t.groupby("segment", observed=False).agg(
        customers=("p_alive", "size"), mean_p_alive=("p_alive", "mean"),
        mean_churn_risk=("churn_risk", "mean"), total_clv=("clv", "sum"),
        mean_satisfaction=("satisfaction", "mean"), mean_insight=("insight_score", "mean"))
    seg.insert(1, "share %", 100.0 * seg["customers"] / max(n, 1))
    seg = seg[seg["customers"] > 0]
    from .rules import segment_rules

    rules = segment_rules(engine.config)
    seg["rule"] = [rules[str(s)] for s in seg.index]
    seg.index.name = "segment"
    body += ["<h2>Segments</h2>", '<p class="note">Rules are tried in this order; the first '
             "that holds names the segment (p = P(alive), V and F = value and frequency "
             "percentiles).</p>", _table(seg, {"share %": 1, "total_clv": 0, "mean_insight": 1})]

    model = engine.model_
    f_max = int(min(30, max(1, np.quantile(t["frequency"], 0.99))))
    r_max = int(min(60, max(1, np.ceil(t["T"].max()))))
    matrix = np.asarray(model.conditional_probability_alive_matrix(f_max, r_max))
    body += ["<h2>P(alive) by frequency and recency</h2>",
             f'<p class="note">For a customer observed for {r_max} periods of '
             f"{engine.config.period_days:g} days.</p>",
             _heatmap_svg(matrix, "P(alive)")]

    if fb is not None and "touchpoint" in fb.columns and "nps" in fb.columns \
            and engine.response_scores_ is not None:
        rep = touchpoint_report(fb, "touchpoint", scores=engine.response_scores_, nps_col="nps")
        rep.index.name = "touchpoint"
        cols = [c for c in ("volume", "nps", "nps_lower", "nps_upper", "satisfaction",
                            "below_rest") if c in rep.columns]
        body += ["<h2>NPS per touchpoint (95% intervals)</h2>", _nps_svg(rep),
                 _table(rep[cols].assign(below_rest=rep["below_rest"].map(
                     {True: "yes", False: ""})) if "below_rest" in cols else rep[cols],
                     {"volume": 0, "nps": 1, "nps_lower": 1, "nps_upper": 1})]

    risky = t[t["churn_risk"] >= 0.5]
    drivers = risky["main_driver"].astype(str).replace("", "none").value_counts()
    dtab = pd.DataFrame({"customers": drivers, "share %": 100 * drivers / max(len(risky), 1)})
    dtab.index.name = "main driver"
    body += ["<h2>Churn drivers</h2>", f'<p class="note">Main driver of the {len(risky):,} '
             "customers with churn risk of 50% or more.</p>", _table(dtab, {"share %": 1})]

    live = t[t["segment"] != "lost"]
    note = "lost customers left out"
    if "outbound_30d" in t.columns:
        # Customers already contacted often enough recently are not put back on the list.
        limit = engine.config.max_outbound_30d
        live = live[~(live["outbound_30d"] >= limit)]
        note = f"lost customers and those with {limit:g}+ outbound contacts in 30 days left out"
    priority = (live["clv"].fillna(0) * live["churn_risk"]).sort_values(ascending=False,
                                                                         kind="stable")
    top = live.loc[priority.index[:contact_rows]]
    contact = pd.DataFrame({"value at risk": priority.iloc[:contact_rows].to_numpy(),
                            "churn risk": top["churn_risk"].to_numpy(),
                            "segment": top["segment"].astype(str).to_numpy(),
                            "action": top["action"].astype(str).to_numpy(),
                            "drivers": top["drivers"].to_numpy()},
                           index=pd.Index(top.index, name="customer"))
    body += ["<h2>Customers to contact first</h2>", '<p class="note">Ranked by CLV times '
             f"churn risk (value at risk), {note}.</p>",
             _table(contact, {"value at risk": 2})]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Customer insight report</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")


def write_report(engine: Any, path: str | os.PathLike[str]) -> None:
    """Write :func:`report_html` to ``path`` through a temporary file."""
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"report file {p}: use an .html file name")
    text = report_html(engine)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
