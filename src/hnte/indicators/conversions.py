"""科技成果转化 — annual average over the counted years (I11); one achievement counts once."""

from __future__ import annotations

from fractions import Fraction

from hnte.core.context import Context
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import counted_years


@indicator("conversions.annual_average", label_zh="近3年科技成果转化年平均数", label_en="Conversions per year (counted years)",
           unit="count", cites=("guidelines_2016#sec3-7-2",))
def conversions_average(ctx: Context, fig: Figure) -> Fraction | None:
    rule = ctx.param(fig, "conversion.average_divisor")
    years = counted_years(ctx, fig, int(rule["years"]))
    conversions = ctx.app.conversions
    if conversions is None:
        ctx.missing(fig, "conversions")
        return None
    if years is None:
        return None
    first: dict[str, int] = {}
    outside = 0
    for i, conv in enumerate(conversions):
        if conv.year not in years:
            outside += 1
            continue
        ctx.input(fig, f"conversions[{i}]", f"{conv.year} {conv.achievement}")
        first[conv.achievement] = min(conv.year, first.get(conv.achievement, conv.year))
    if outside:
        fig.note(f"{outside} 项转化不在计算年度 {years[0]}–{years[-1]} 内，不计入", f"{outside} conversion(s) outside the counted years {years[0]}–{years[-1]} not counted")
    duplicates = sum(1 for c in conversions if c.year in years) - len(first)
    if duplicates:
        fig.note(f"同一科技成果只计为一项：合并 {duplicates} 条重复记录", f"one achievement counts once: {duplicates} repeated record(s) merged")
    fig.details["count"] = len(first)
    fig.details["years"] = len(years)
    fig.details["by_year"] = {str(y): sum(1 for v in first.values() if v == y) for y in years}
    return Fraction(len(first), len(years))
