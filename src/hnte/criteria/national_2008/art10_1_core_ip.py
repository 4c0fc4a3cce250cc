"""第十条（一）近三年内通过自主研发、受让、受赠、并购等方式，或通过5年以上的独占许可方式，
对其主要产品（服务）的核心技术拥有自主知识产权。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import FAIL, PASS, UNKNOWN


def core_ip_2008(ctx: Context, c: Figure) -> None:
    usable = ctx.use(c, "ip.usable")
    c.unit = "count"
    c.value = usable.value
    c.threshold = 1
    c.threshold_inclusive = True
    if usable.value is None:
        c.status = UNKNOWN
        return
    c.margin = usable.value - 1
    c.status = PASS if usable.value >= 1 else FAIL


criterion("art10_1_core_ip", scope="national_2008", label_zh="近三年内获得（或5年以上独占许可）的核心自主知识产权",
          label_en="Core IP obtained in the last three years (or exclusive licence ≥ 5 years)",
          cites=("measures_2008#art10-1", "guidelines_2008#ip"))(core_ip_2008)
