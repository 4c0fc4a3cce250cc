"""试点条件（二）企业在本市行政区域内注册且从业一年以上（从业年限见第十一条（一））。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import boolean_criterion


def registered_in_region(ctx: Context, c: Figure) -> None:
    fig = ctx.use(c, "registered_region")
    prefix = ctx.param(c, "enterprise.region_code_prefix")
    boolean_criterion(c, None if fig.value is None else fig.value.startswith(prefix))


criterion("sec2_2_registered_in_beijing", scope="beijing-pilot", label_zh="在北京市注册", label_en="Registered in Beijing",
          cites=("beijing_pilot_2021#sec2-2",))(registered_in_region)
