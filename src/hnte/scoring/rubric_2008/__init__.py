"""The 2008 rubric (国科发火〔2008〕362号): score = weight × ratio, the ratio within the grade's band.

Weights: core IP 30, conversion 30, R&D management 20, total-asset growth 10, sales growth 10.
Because the ratio is continuous within a band, 2008 scores need not be integers.
"""

from __future__ import annotations

from fractions import Fraction

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.registry import rubric
from hnte.core.trace import Figure
from hnte.scoring import group_total, new_item, set_points
from hnte.scoring.rubric_2016.conversion import pick_grade

GRADES = ["A", "B", "C", "D", "E", "F"]


def weighted(ctx: Context, fig: Figure, weight_key: str, grades: list[str]) -> tuple[Fraction, Fraction]:
    """Point range for a set of possible grades: weight × the union of their ratio bands."""
    weights = ctx.param(fig, "scoring.weights_2008")
    bands = ctx.param(fig, "scoring.ratio_bands_2008")
    w = to_fraction(weights[weight_key])
    low = min(to_fraction(bands[g][0]) for g in grades)
    high = max(to_fraction(bands[g][1]) for g in grades)
    return w * low, w * high


def _ip(ctx: Context) -> Figure:
    fig = new_item("ip_2008.core_ip", "核心自主知识产权", "Core IP", group="ip_2008", cites=("guidelines_2008#scoring-ip",))
    table = ctx.param(fig, "scoring.intellectual_property.grades_2008")
    usable = ctx.use(fig, "ip.usable")
    if usable.value is None:
        return set_points(fig, *weighted(ctx, fig, "intellectual_property", GRADES), grade=None, basis="range")
    count = usable.value
    inventions = usable.details["by_class"].get("invention", 0)
    row = next(r for r in table if count >= r["min_count"] or inventions >= r.get("min_inventions", 10**9))
    if count == 0:
        fig.note("不拥有核心自主知识产权的赋值为零", "no core IP: the weight is zero")
    fig.note(f"核心自主知识产权 {count} 项，其中发明专利 {inventions} 项", f"{count} core IP items, {inventions} invention patents")
    return set_points(fig, *weighted(ctx, fig, "intellectual_property", [row["grade"]]), grade=row["grade"], basis="fact")


def _conversion(ctx: Context) -> Figure:
    fig = new_item("conversion_2008.ability", "科技成果转化能力", "Conversion ability", group="conversion_2008",
                   cites=("guidelines_2008#scoring-conversion",))
    table = ctx.param(fig, "scoring.conversion.grades_2008")
    avg = ctx.use(fig, "conversions.annual_average")
    if avg.value is None:
        return set_points(fig, *weighted(ctx, fig, "conversion", GRADES), grade=None, basis="range")
    grade = pick_grade(table, avg.value, "min_average")["grade"]
    return set_points(fig, *weighted(ctx, fig, "conversion", [grade]), grade=grade, basis="fact")


ITEMS_2008 = ("project_reports", "accounting_system", "industry_university_research", "rd_institution", "performance_rewards")


def _management(ctx: Context) -> Figure:
    fig = new_item("rd_management_2008.items", "研究开发的组织管理水平（五项）", "R&D management (five items)", group="rd_management_2008",
                   cites=("guidelines_2008#scoring-management",))
    by_count = ctx.param(fig, "scoring.rd_management.grades_2008")
    rm = ctx.app.assessment.rd_management_2008 if ctx.app.assessment else None
    values = [getattr(rm, k) if rm else None for k in ITEMS_2008]
    met = sum(1 for v in values if v is True)
    unknown = sum(1 for v in values if v is None)
    for k, v in zip(ITEMS_2008, values, strict=True):
        if v is None:
            fig.missing.append(f"assessment.rd_management_2008.{k}")
        else:
            ctx.input(fig, f"assessment.rd_management_2008.{k}", v)
    grades = [by_count[n] for n in range(met, met + unknown + 1)]
    basis = "assessment" if unknown == 0 else "range"
    return set_points(fig, *weighted(ctx, fig, "rd_management", grades), grade=grades[0] if len(grades) == 1 else None, basis=basis)


def _growth(ctx: Context, key: str, indicator_id: str, weight_key: str, zh: str, en: str) -> Figure:
    fig = new_item(f"growth_2008.{key}", zh, en, group="growth_2008", cites=("guidelines_2008#scoring-growth",))
    table = ctx.param(fig, "scoring.growth.grades_2008")
    rate = ctx.use(fig, indicator_id)
    if rate.value is None and not rate.details.get("forced_zero"):
        return set_points(fig, *weighted(ctx, fig, weight_key, GRADES), grade=None, basis="range")
    grade = "F" if rate.value is None else pick_grade(table, rate.value, "min_rate")["grade"]
    return set_points(fig, *weighted(ctx, fig, weight_key, [grade]), grade=grade, basis="fact")


@rubric("national_2008")
def rubric_2008(ctx: Context) -> tuple[list[Figure], list[Figure]]:
    ip, conv, mgmt = _ip(ctx), _conversion(ctx), _management(ctx)
    g1 = _growth(ctx, "total_assets", "growth.total_assets", "total_assets_growth", "总资产增长率", "Total-asset growth")
    g2 = _growth(ctx, "sales", "growth.sales", "sales_growth", "销售增长率", "Sales growth")
    groups = [
        group_total(ctx, "ip_2008", "核心自主知识产权（30）", "Core IP (30)", [ip], None, ("guidelines_2008#scoring-ip",)),
        group_total(ctx, "conversion_2008", "科技成果转化能力（30）", "Conversion (30)", [conv], None, ("guidelines_2008#scoring-conversion",)),
        group_total(ctx, "rd_management_2008", "研究开发的组织管理水平（20）", "R&D management (20)", [mgmt], None,
                    ("guidelines_2008#scoring-management",)),
        group_total(ctx, "growth_2008", "成长性指标（20）", "Growth (20)", [g1, g2], None, ("guidelines_2008#scoring-growth",)),
    ]
    return [ip, conv, mgmt, g1, g2], groups
