"""科技成果转化能力（≤30分）: grade by the annual average of conversions (I11)."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.trace import Figure
from hnte.scoring import group_total, new_item, set_points

CITE = ("guidelines_2016#sec3-7-2",)


def pick_grade(table: list[dict], value, key: str) -> dict:
    """The first row whose ``{key}`` bound the value meets (rows without a bound match everything)."""
    for row in table:
        if key not in row:
            return row
        bound = to_fraction(row[key])
        v = to_fraction(value)
        if v > bound or (row.get("inclusive", True) and v == bound):
            return row
    raise ValueError("grade table must end with an unbounded row")


def conversion_items(ctx: Context) -> tuple[list[Figure], Figure]:
    fig = new_item("conversion.ability", "科技成果转化能力", "Conversion ability", group="conversion", cites=CITE)
    table = ctx.param(fig, "scoring.conversion.grades")
    avg = ctx.use(fig, "conversions.annual_average")
    if avg.value is None:
        set_points(fig, min(r["points"][0] for r in table), max(r["points"][1] for r in table), grade=None, basis="range")
    else:
        row = pick_grade(table, avg.value, "min_average")
        set_points(fig, *row["points"], grade=row["grade"], basis="fact")
    return [fig], group_total(ctx, "conversion", "科技成果转化能力（≤30分）", "Conversion ability (≤ 30)", [fig], None, CITE)
