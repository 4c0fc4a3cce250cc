"""研究开发组织管理水平（≤20分）: four integer items 6/6/4/4 from the assessment (I3)."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.trace import Figure
from hnte.scoring import group_total, new_item, set_points

CITE = ("guidelines_2016#sec3-7-3",)
LABELS = {
    "system": ("研发组织管理制度、研发投入核算体系、研发费用辅助账", "R&D management system, cost accounting, auxiliary ledger"),
    "institution": ("内部研发机构与产学研合作", "Internal R&D institution and industry-university-research cooperation"),
    "conversion_incentives": ("成果转化组织实施与激励奖励制度、开放式创新创业平台", "Conversion organisation and incentives"),
    "talent": ("科技人员培养进修、人才引进与绩效评价奖励制度", "Talent training, recruitment and rewards"),
}


def rd_management_items(ctx: Context) -> tuple[list[Figure], Figure]:
    items = []
    rm = ctx.app.assessment.rd_management if ctx.app.assessment else None
    for key, (zh, en) in LABELS.items():
        fig = new_item(f"rd_management.{key}", zh, en, group="rd_management", cites=CITE)
        maxima = ctx.param(fig, "scoring.rd_management.items")
        value = getattr(rm, key) if rm else None
        if value is None:
            fig.missing.append(f"assessment.rd_management.{key}")
            set_points(fig, 0, maxima[key], grade=None, basis="range")
        else:
            ctx.input(fig, f"assessment.rd_management.{key}", value)
            set_points(fig, value, value, grade=None, basis="assessment")
        items.append(fig)
    return items, group_total(ctx, "rd_management", "研究开发组织管理水平（≤20分）", "R&D management (≤ 20)", items, None, CITE)
