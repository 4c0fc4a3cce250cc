"""第十一条（二）拥有对主要产品（服务）在技术上发挥核心支持作用的知识产权的所有权。

Passes when at least one usable owned IP item exists and the products it backs earn more than 50 %
of high-tech income (主要产品, I13). Class II IP already used once does not count.
"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import FAIL, threshold_criterion


def core_ip(ctx: Context, c: Figure) -> None:
    usable = ctx.use(c, "ip.usable")
    if usable.value == 0:
        c.unit = "ratio"
        c.status = FAIL
        c.note("没有可用于本次申请的自有知识产权", "no owned IP usable in this application")
        thr = ctx.param(c, "products.main_products_share_min")
        c.threshold, c.threshold_inclusive = thr["min"], thr["inclusive"]
        return
    threshold_criterion(ctx, c, "products.main_share", "products.main_products_share_min")


criterion("art11_2_core_ip", scope="national_2016", label_zh="拥有对主要产品（服务）发挥核心支持作用的知识产权",
          label_en="Owns IP giving core support to the main products", cites=("measures_2016#art11-2", "guidelines_2016#sec3-2", "guidelines_2016#sec3-3"))(core_ip)
