"""企业成长性（≤20分）: net-asset and sales growth, each graded A–F (≤ 10), special cases I9/I10."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.trace import Figure
from hnte.scoring import group_total, new_item, set_points
from hnte.scoring.rubric_2016.conversion import pick_grade

CITE = ("guidelines_2016#sec3-7-4",)


def growth_item(ctx: Context, key: str, indicator_id: str, zh: str, en: str, param: str, cites: tuple[str, ...], group: str) -> Figure:
    fig = new_item(f"growth.{key}", zh, en, group=group, cites=cites)
    table = ctx.param(fig, param)
    rate = ctx.use(fig, indicator_id)
    if rate.value is None and not rate.details.get("forced_zero"):
        return set_points(fig, min(r["points"][0] for r in table), max(r["points"][1] for r in table), grade=None, basis="range")
    row = table[-1] if rate.value is None else pick_grade(table, rate.value, "min_rate")
    return set_points(fig, *row["points"], grade=row["grade"], basis="fact")


def growth_items(ctx: Context) -> tuple[list[Figure], Figure]:
    items = [
        growth_item(ctx, "net_assets", "growth.net_assets", "净资产增长率", "Net-asset growth", "scoring.growth.grades", CITE, "growth"),
        growth_item(ctx, "sales", "growth.sales", "销售收入增长率", "Sales growth", "scoring.growth.grades", CITE, "growth"),
    ]
    return items, group_total(ctx, "growth", "企业成长性（≤20分）", "Growth (≤ 20)", items, None, CITE)
