"""试点条件（一）集成电路、人工智能、生物医药、关键材料等领域生产研发类规模以上企业。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import boolean_criterion


def pilot_field(ctx: Context, c: Figure) -> None:
    """The declared pilot field must be one of the scope's fields (附件1, ``catalogue.pilot_scope``)."""
    from hnte.registries import catalogue

    fig = ctx.use(c, "enterprise.pilot_field")
    scope = catalogue.load(str(ctx.param(c, catalogue.PILOT_SCOPE_PARAM)))
    boolean_criterion(c, None if fig.value is None else fig.value in scope.pilot_keys())
    entry = scope.by_key(fig.value) if fig.value is not None else None
    if entry is not None:
        subs = scope.children(entry.code)
        c.details["scope_entry"] = {"code": entry.code, "name": entry.name, "sub_items": [[e.code, e.name] for e in subs]}
        c.note(f"试点领域：{entry.code} {entry.name}（附件1，含 {len(subs)} 项子领域）",
               f"pilot field: {entry.code} {entry.name_en or entry.name} (annex 1, {len(subs)} sub-fields)")
    code = ctx.app.enterprise.technical_field
    if fig.value is not None and code is not None:
        matches = catalogue.pilot_fields_for(code, scope)
        if matches and fig.value not in matches:
            names = "、".join(scope.by_key(k).name for k in matches)  # type: ignore[union-attr]
            c.note(f"技术领域 {code} 对应试点领域“{names}”，与申报的试点领域不一致，请核对",
                   f"technical field {code} corresponds to the pilot field(s) {', '.join(matches)}, not the one declared; check")
    override = catalogue.catalogue_note(scope)
    if override:
        c.note(*override)


def above_designated_size(ctx: Context, c: Figure) -> None:
    fig = ctx.use(c, "enterprise.above_designated_size")
    boolean_criterion(c, fig.value)


criterion("sec2_1_pilot_field", scope="beijing-pilot", label_zh="属于试点领域（集成电路、人工智能、生物医药、关键材料）",
          label_en="In a pilot field (IC, AI, biomedicine, key materials)", cites=("beijing_pilot_2021#sec2-1", "beijing_pilot_2021#annex1"))(pilot_field)
criterion("sec2_1_above_designated_size", scope="beijing-pilot", label_zh="规模以上企业", label_en="Above designated size",
          cites=("beijing_pilot_2021#sec2-1", "interpretations#i19"))(above_designated_size)
