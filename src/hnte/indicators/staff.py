"""企业科技人员占比 — annual monthly averages (I12) and staff ratios of the latest year.

月平均数 = (月初数 + 月末数) ÷ 2；全年月平均数 = 全年各月平均数之和 ÷ 12, or ÷ the months actually
operated when the enterprise opened or closed during the year.
"""

from __future__ import annotations

from fractions import Fraction

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import ratio

MEASURES = {
    "total": ("职工总数（全年月平均数）", "Total employees (annual monthly average)"),
    "science_tech": ("科技人员数（全年月平均数）", "S&T staff (annual monthly average)"),
    "science_tech_college": ("大专以上学历科技人员数（全年月平均数）", "S&T staff with a college degree (annual monthly average)"),
    "rd_staff": ("研发人员数（全年月平均数）", "R&D staff (annual monthly average)"),
}


def annual_average(ctx: Context, fig: Figure, measure: str) -> Fraction | None:
    app = ctx.app
    i = len(app.years) - 1
    y = app.years[i]
    base = f"years[{i}].staff"
    staff = y.staff
    monthly = getattr(staff, f"{measure}_monthly", None) if staff else None
    average = getattr(staff, f"{measure}_average", None) if staff else None
    if monthly is not None:
        rule = ctx.param(fig, "staff.monthly_average")
        months = app.operating_months(y.year)
        ctx.input(fig, f"{base}.{measure}_monthly", [[str(a), str(b)] for a, b in monthly])
        total = sum((to_fraction(a) + to_fraction(b)) / 2 for a, b in monthly)
        divisor = months if rule["divisor"] == "months_operated" else 12
        fig.details["months"] = divisor
        return Fraction(total) / divisor
    if average is not None:
        ctx.input(fig, f"{base}.{measure}_average", average, "persons")
        return to_fraction(average)
    ctx.missing(fig, f"{base}.{measure}_monthly|{measure}_average")
    return None


def _make_average(measure: str) -> None:
    zh, en = MEASURES[measure]

    @indicator(f"staff.{measure}_average", label_zh=zh, label_en=en, unit="persons", cites=("guidelines_2016#sec3-4-2",))
    def _avg(ctx: Context, fig: Figure) -> Fraction | None:
        return annual_average(ctx, fig, measure)


for _m in MEASURES:
    _make_average(_m)


def _staff_ratio(ctx: Context, fig: Figure, measure: str) -> Fraction | None:
    part = ctx.use(fig, f"staff.{measure}_average").value
    total = ctx.use(fig, "staff.total_average").value
    if part is None or total is None:
        return None
    if total == 0:
        fig.note("职工总数为0，比例无法计算", "total employees is 0; the ratio cannot be computed")
        return Fraction(0)
    return ratio(part, total)


@indicator("staff.science_tech_ratio", label_zh="科技人员占职工总数比例", label_en="S&T staff / total employees", unit="ratio",
           cites=("guidelines_2016#sec3-4",))
def science_tech_ratio(ctx: Context, fig: Figure) -> Fraction | None:
    return _staff_ratio(ctx, fig, "science_tech")


@indicator("staff.science_tech_college_ratio", label_zh="大专以上学历科技人员占职工总数比例",
           label_en="College-educated S&T staff / total employees", unit="ratio", cites=("guidelines_2008#staff",))
def science_tech_college_ratio(ctx: Context, fig: Figure) -> Fraction | None:
    return _staff_ratio(ctx, fig, "science_tech_college")


@indicator("staff.rd_staff_ratio", label_zh="研发人员占职工总数比例", label_en="R&D staff / total employees", unit="ratio",
           cites=("guidelines_2008#staff",))
def rd_staff_ratio(ctx: Context, fig: Figure) -> Fraction | None:
    return _staff_ratio(ctx, fig, "rd_staff")
