"""第十一条（八）申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import boolean_criterion


def no_major_incident(ctx: Context, c: Figure) -> None:
    fig = ctx.use(c, "incidents.within_lookback")
    boolean_criterion(c, None if fig.value is None else fig.value == 0)
    if fig.value:
        c.note(f"申请前一年内发生 {fig.value} 起", f"{fig.value} incident(s) within the year before application")


criterion("art11_8_no_major_incident", scope="national_2016", label_zh="申请前一年内未发生重大事故或严重环境违法行为",
          label_en="No major incident in the year before application", cites=("measures_2016#art11-8", "guidelines_2016#sec3-8"))(no_major_incident)
