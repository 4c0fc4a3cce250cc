"""Policy simulation: what changes if a threshold changes, across a whole population.

A scenario is a set of parameter overrides (``rd_expense.ratio_min_by_sales[0].rate=0.04``,
``rd_expense.domestic_share_min.min=0.5``, ``scoring.pass_mark.min=65``). The population is read and the
baseline assessed once; every scenario re-evaluates the same typed frame with its overrides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

import polars as pl

from hnte.batch.run import BatchResult, run_batch
from hnte.core.errors import InputError, InputIssue
from hnte.core.parameters import ParameterError, ParameterView

BREAKDOWNS = ("province", "field", "size_band")


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE``; numbers become exact decimals, true/false booleans."""
    if "=" not in text:
        raise InputError("--set", [InputIssue("--set", f"应为 参数路径=取值，实际为 \"{text}\"", f"expected PARAM=VALUE, got \"{text}\"")])
    path, raw = (x.strip() for x in text.split("=", 1))
    value: Any = raw
    if raw.lower() in {"true", "false"}:
        value = raw.lower() == "true"
    else:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = raw
    return path, value


def parse_scenarios(sets: list[str], scenarios: list[str]) -> dict[str, dict[str, Any]]:
    """``--set A=1 --set B=2`` is one scenario; ``--scenario "name: A=1, B=2"`` adds named ones."""
    out: dict[str, dict[str, Any]] = {}
    if sets:
        out["scenario"] = dict(parse_assignment(s) for s in sets)
    for spec in scenarios:
        name, _, body = spec.partition(":")
        if not body:
            raise InputError("--scenario", [InputIssue("--scenario", f"应为 名称: 参数=取值, ...，实际为 \"{spec}\"",
                                                       f"expected NAME: PARAM=VALUE, ..., got \"{spec}\"")])
        out[name.strip()] = dict(parse_assignment(part) for part in body.split(",") if part.strip())
    if not out:
        raise InputError("--set", [InputIssue("--set", "至少需要一个参数调整（--set 或 --scenario）", "give at least one override (--set or --scenario)")])
    for name, overrides in out.items():
        try:
            ParameterView(dt.date.today(), None, overrides).check_overrides()
        except ParameterError as e:
            raise InputError("--set", [InputIssue(name, f"参数调整无效：{e}", f"invalid override: {e}")]) from None
    return out


@dataclass
class ScenarioResult:
    name: str
    overrides: dict[str, Any]
    changes: pl.DataFrame  # one row per enterprise whose verdict changes
    transitions: pl.DataFrame  # from → to counts
    breakdowns: dict[str, pl.DataFrame]


def compare(baseline: BatchResult, scenario: BatchResult, name: str, overrides: dict[str, Any]) -> ScenarioResult:
    base = baseline.results.select("_row", "id", "name", "province", "field", "size_band", pl.col("verdict").alias("before"))
    after = scenario.results.select("_row", pl.col("verdict").alias("after"), pl.col("main_gap").alias("main_gap_after"))
    joined = base.join(after, on="_row", how="inner")
    changes = joined.filter(pl.col("before") != pl.col("after")).with_columns(
        (pl.col("before") + " → " + pl.col("after")).alias("direction"))
    transitions = changes.group_by("before", "after").len().sort("len", descending=True)
    breakdowns = {}
    for key in BREAKDOWNS:
        breakdowns[key] = (changes.group_by(key, "direction").len().sort([key, "direction"])
                           .pivot(on="direction", index=key, values="len").fill_null(0))
    return ScenarioResult(name, overrides, changes, transitions, breakdowns)


def simulate(frame: pl.DataFrame, scenarios: dict[str, dict[str, Any]], *, as_of: dt.date | None = None,
             programme: str | None = None, rows: list[int] | None = None) -> tuple[BatchResult, list[ScenarioResult]]:
    baseline = run_batch(frame, as_of=as_of, programme=programme, rows=rows)
    results = []
    for name, overrides in scenarios.items():
        scenario = run_batch(frame, as_of=as_of, programme=programme, rows=rows, overrides=overrides)
        results.append(compare(baseline, scenario, name, overrides))
    return baseline, results


def chart_svg(results: list[ScenarioResult], lang: str = "zh") -> str:
    """Grouped bars: per scenario, the enterprises that become eligible and that stop being eligible."""
    width, left, bar_h, gap = 720, 180, 18, 14
    rows = []
    for r in results:
        gained = int(r.changes.filter(pl.col("after") == "eligible").height)
        lost = int(r.changes.filter(pl.col("before") == "eligible").height)
        other = r.changes.height - gained - lost
        rows.append((r.name, gained, lost, other))
    peak = max([max(g, lo, o) for _, g, lo, o in rows] + [1])
    height = len(rows) * (3 * bar_h + gap) + 50
    labels = {"zh": ("新增符合", "不再符合", "其他变化"), "en": ("become eligible", "no longer eligible", "other changes")}[lang]
    colours = ("#2e7d32", "#c62828", "#ef8f00")
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
             "font-family='WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif' font-size='12'>"]
    y = 10
    for name, *counts in rows:
        parts.append(f"<text x='0' y='{y + bar_h + 4}' font-weight='bold'>{escape(name)}</text>")
        for i, n in enumerate(counts):
            w = (width - left - 90) * n / peak
            parts.append(f"<rect x='{left}' y='{y + i * bar_h}' width='{max(w, 1):.1f}' height='{bar_h - 3}' fill='{colours[i]}'/>")
            parts.append(f"<text x='{left + w + 6:.1f}' y='{y + i * bar_h + 12}'>{n:,}</text>")
        y += 3 * bar_h + gap
    for i, label in enumerate(labels):
        parts.append(f"<rect x='{left + i * 170}' y='{y + 6}' width='12' height='12' fill='{colours[i]}'/>")
        parts.append(f"<text x='{left + i * 170 + 16}' y='{y + 16}'>{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def render_simulation(baseline: BatchResult, results: list[ScenarioResult], console, lang: str = "zh", errors: int = 0) -> None:
    from rich.table import Table

    zh = lang == "zh"
    summary = baseline.summary()
    console.print(("基准：" if zh else "baseline: ") + ", ".join(f"{k} {v:,}" for k, v in sorted(summary["by_verdict"].items()))
                  + (f"；{errors:,} 行有错误未评估" if zh else f"; {errors:,} rows with errors not assessed"))
    for r in results:
        table = Table(title=f"{r.name}: " + ", ".join(f"{k}={v}" for k, v in r.overrides.items()))
        table.add_column("变化" if zh else "Change")
        table.add_column("企业数" if zh else "Enterprises", justify="right")
        for before, after, n in r.transitions.iter_rows():
            table.add_row(f"{before} → {after}", f"{n:,}")
        table.add_row("合计" if zh else "total", f"{r.changes.height:,}")
        console.print(table)
        for key, title in (("province", "按省份（行政区划代码前两位）" if zh else "by province (code)"),
                           ("field", "按技术领域" if zh else "by field"), ("size_band", "按规模（最近一年销售收入）" if zh else "by size band")):
            frame = r.breakdowns[key]
            if frame.height == 0:
                continue
            t = Table(title=title)
            for col in frame.columns:
                t.add_column(str(col))
            for row in frame.iter_rows():
                t.add_row(*[str(x) if x is not None else "—" for x in row])
            console.print(t)
