"""第十一条（三）核心技术属于《国家重点支持的高新技术领域》规定的范围。

The code is checked against the catalogue's top-level fields when the file is loaded (an unknown
code is an input error); the full catalogue comes with the registries issue.
"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import boolean_criterion


def technical_field(ctx: Context, c: Figure) -> None:
    fig = ctx.use(c, "enterprise.technical_field")
    boolean_criterion(c, None if fig.value is None else True)
    if fig.value is not None:
        top = fig.details["top_level"]
        c.note(f"技术领域 {fig.value}（一级领域：{top['name']}）", f"technical field {fig.value} (top level {top['code']}: {top['name']})")


criterion("art11_3_technical_field", scope="national_2016", label_zh="核心技术属于国家重点支持的高新技术领域",
          label_en="Core technology within the supported high-tech fields", cites=("measures_2016#art11-3", "measures_2016#annex"))(technical_field)
