"""Enterprise facts: incidents in the year before application, size (规模以上), pilot field."""

from __future__ import annotations

import datetime as dt

from hnte.core.context import Context
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import money_fen


@indicator("incidents.within_lookback", label_zh="申请前一年内的重大安全、重大质量事故或严重环境违法行为（件）",
           label_en="Major incidents within the year before application", unit="count", cites=("guidelines_2016#sec3-8",))
def incidents_within(ctx: Context, fig: Figure) -> int | None:
    days = int(ctx.param(fig, "incidents.lookback_days"))
    incidents = ctx.app.enterprise.incidents
    if incidents is None:
        ctx.missing(fig, "enterprise.incidents")
        fig.note("未声明事故情况；如无事故请填写 incidents: []", "incidents not declared; write incidents: [] if there were none")
        return None
    since = ctx.app.application_date - dt.timedelta(days=days)
    fig.details["since"] = since.isoformat()
    hits = 0
    for i, inc in enumerate(incidents):
        ctx.input(fig, f"enterprise.incidents[{i}]", f"{inc.date} {inc.kind.value}")
        if since <= inc.date <= ctx.app.application_date:
            hits += 1
    return hits


@indicator("enterprise.above_designated_size", label_zh="规模以上企业", label_en="Above designated size (规模以上)", unit="bool",
           cites=("beijing_pilot_2021#sec2-1",))
def above_designated_size(ctx: Context, fig: Figure) -> bool | None:
    ent = ctx.app.enterprise
    thresholds = ctx.param(fig, "enterprise.above_size_min_revenue")
    declared = ent.above_designated_size
    if ent.industry is not None:
        ctx.input(fig, "enterprise.industry", ent.industry.value)
        minimum = thresholds.get(ent.industry.value)
        if minimum is not None:
            revenue = money_fen(ctx, fig, ctx.app.latest.year, "sales_revenue")
            if revenue is not None:
                fig.details["min_revenue"] = int(minimum)
                fig.note("按最近一年销售收入对照国家统计局规模以上标准判断", "judged on the latest year's sales revenue against the NBS threshold")
                return revenue >= int(minimum) * 100
            if declared is not None:
                fig.missing.clear()
    if declared is not None:
        ctx.input(fig, "enterprise.above_designated_size", declared)
        fig.note("采用企业申报的规模以上情况", "the enterprise's declared status is used")
        return declared
    decidable_by_revenue = ent.industry is not None and thresholds.get(ent.industry.value) is not None
    ctx.missing(fig, "enterprise.above_designated_size|sales_revenue" if decidable_by_revenue else "enterprise.above_designated_size")
    return None


@indicator("enterprise.pilot_field", label_zh="试点领域", label_en="Pilot field", unit="text", cites=("beijing_pilot_2021#annex1",))
def pilot_field(ctx: Context, fig: Figure) -> str | None:
    field = ctx.app.enterprise.pilot_field
    if field is None:
        ctx.missing(fig, "enterprise.pilot_field")
        return None
    return ctx.input(fig, "enterprise.pilot_field", field.value)


@indicator("enterprise.technical_field", label_zh="核心技术所属技术领域", label_en="Technical field of the core technology", unit="text",
           cites=("measures_2016#annex",))
def technical_field(ctx: Context, fig: Figure) -> str | None:
    """The code is looked up in the catalogue edition in force (``catalogue.edition``); an unknown code
    never reaches here (an input error, see ``engine._engine_input_issues``)."""
    from hnte.registries import catalogue

    code = ctx.app.enterprise.technical_field
    fields = ctx.param(fig, "catalogue.top_level_fields")
    if code is None:
        ctx.missing(fig, "enterprise.technical_field")
        return None
    ctx.input(fig, "enterprise.technical_field", code)
    top = int(code.split(".")[0])
    fig.details["top_level"] = {"code": top, "name": fields.get(top)}
    cat = catalogue.load(str(ctx.param(fig, catalogue.EDITION_PARAM)))
    check = cat.check(code)
    fig.details["catalogue"] = {"id": cat.id, "title": cat.title, "origin": cat.origin}
    if check.entry is not None:
        fig.details["entry"] = {"code": check.entry.code, "name": check.entry.name, "exact": check.exact,
                                "path": [[e.code, e.name] for e in cat.path(code)], "cites": list(check.entry.cites)}
        fig.note(f"技术领域：{cat.describe(code)}", f"technical field: {cat.describe(code, 'en')}")
        if check.exact and cat.children(code):
            fig.note(f"{code} 下还有下级目录；申报时应细化到三级目录（只能选一个）",
                     f"{code} has sub-entries; the application should name one third-level entry")
        if not check.exact:
            fig.note(f"{cat.title}只收录并核对到 {check.entry.code}；{code} 的下级编码未核对",
                     f"{cat.title_en} is recorded and checked down to {check.entry.code}; the rest of {code} is not checked")
    override = catalogue.catalogue_note(cat)
    if override:
        fig.note(*override)
    return code
