"""知识产权（≤30分）: five sub-items, the bonus item 5 included, total capped at 30."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.trace import Figure
from hnte.scoring import grade_range, group_total, new_item, set_points

CITE = ("guidelines_2016#sec3-7-1",)
GRADES = ["A", "B", "C", "D", "E"]


def _subjective(ctx: Context, key: str, zh: str, en: str, no_ip: bool) -> Figure:
    fig = new_item(f"ip.{key}", zh, en, group="ip", cites=CITE)
    table = ctx.param(fig, f"scoring.intellectual_property.{key}")
    ctx.use(fig, "ip.usable")
    grade = getattr(ctx.app.assessment, key) if ctx.app.assessment else None
    if no_ip:
        set_points(fig, *table["E"], grade="E", basis="fact")
        fig.note("没有可用知识产权，按E档0分", "no usable IP: grade E, 0 points")
    elif grade is None:
        set_points(fig, *grade_range(table, GRADES), grade=None, basis="range")
        fig.missing.append(f"assessment.{key}")
    else:
        ctx.input(fig, f"assessment.{key}", grade)
        set_points(fig, *table[grade], grade=grade, basis="assessment")
    return fig


def _quantity(ctx: Context, usable: Figure) -> Figure:
    fig = new_item("ip.quantity", "知识产权数量", "IP quantity", group="ip", cites=CITE)
    table = ctx.param(fig, "scoring.intellectual_property.quantity")
    ctx.use(fig, "ip.usable")
    if usable.value is None:
        set_points(fig, min(r["points"][0] for r in table), max(r["points"][1] for r in table), grade=None, basis="range")
        return fig
    by_class = usable.details["by_class"]
    row = next(r for r in table if "class" not in r or by_class.get(r["class"], 0) >= r["min_count"])
    fig.note(f"Ⅰ类 {by_class.get('I', 0)} 项，Ⅱ类 {by_class.get('II', 0)} 项", f"Class I: {by_class.get('I', 0)}, Class II: {by_class.get('II', 0)}")
    return set_points(fig, *row["points"], grade=row["grade"], basis="fact")


def _acquisition(ctx: Context, usable: Figure) -> Figure:
    fig = new_item("ip.acquisition", "知识产权获得方式", "How IP was obtained", group="ip", cites=CITE)
    table = ctx.param(fig, "scoring.intellectual_property.acquisition")
    ctx.use(fig, "ip.usable")
    if usable.value is None:
        return set_points(fig, table["none"][0], table["A"][1], grade=None, basis="range")
    if usable.value == 0:
        return set_points(fig, *table["none"], grade=None, basis="fact")
    if usable.details["self_developed"] > 0:
        return set_points(fig, *table["A"], grade="A", basis="fact")
    if usable.details["acquisition_unknown"] > 0:
        fig.missing.append("intellectual_property[].acquisition")
        return set_points(fig, table["B"][0], table["A"][1], grade=None, basis="range")
    return set_points(fig, *table["B"], grade="B", basis="fact")


def _standards(ctx: Context) -> Figure:
    fig = new_item("ip.standards", "参与编制国家标准、行业标准等（加分项）", "Standards participation (bonus)", group="ip", cites=CITE)
    table = ctx.param(fig, "scoring.intellectual_property.standards_bonus")
    flag = ctx.app.assessment.standards_participation if ctx.app.assessment else None
    if flag is None:
        fig.missing.append("assessment.standards_participation")
        return set_points(fig, table["B"][0], table["A"][1], grade=None, basis="range")
    ctx.input(fig, "assessment.standards_participation", flag)
    grade = "A" if flag else "B"
    return set_points(fig, *table[grade], grade=grade, basis="assessment")


def intellectual_property_items(ctx: Context) -> tuple[list[Figure], Figure]:
    usable = ctx.get("ip.usable")
    no_ip = usable.value == 0
    items = [
        _subjective(ctx, "technology_advancement", "技术的先进程度", "Technology advancement", no_ip),
        _subjective(ctx, "core_support", "对主要产品（服务）在技术上发挥核心支持作用", "Core support for main products", no_ip),
        _quantity(ctx, usable),
        _acquisition(ctx, usable),
        _standards(ctx),
    ]
    probe = new_item("ip", "知识产权", "Intellectual property", group="ip", cites=CITE)
    cap = to_fraction(ctx.param(probe, "scoring.intellectual_property.cap"))
    group = group_total(ctx, "ip", "知识产权（≤30分）", "Intellectual property (≤ 30)", items, cap, CITE)
    group.params = probe.params
    return items, group
