"""试点条件（一）集成电路、人工智能、生物医药、关键材料等领域生产研发类规模以上企业。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import boolean_criterion


def pilot_field(ctx: Context, c: Figure) -> None:
    fig = ctx.use(c, "enterprise.pilot_field")
    allowed = ctx.param(c, "enterprise.pilot_fields")
    boolean_criterion(c, None if fig.value is None else fig.value in allowed)


def above_designated_size(ctx: Context, c: Figure) -> None:
    fig = ctx.use(c, "enterprise.above_designated_size")
    boolean_criterion(c, fig.value)


criterion("sec2_1_pilot_field", scope="beijing-pilot", label_zh="属于试点领域（集成电路、人工智能、生物医药、关键材料）",
          label_en="In a pilot field (IC, AI, biomedicine, key materials)", cites=("beijing_pilot_2021#sec2-1", "beijing_pilot_2021#annex1"))(pilot_field)
criterion("sec2_1_above_designated_size", scope="beijing-pilot", label_zh="规模以上企业", label_en="Above designated size",
          cites=("beijing_pilot_2021#sec2-1", "interpretations#i19"))(above_designated_size)
