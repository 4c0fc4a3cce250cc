"""第十一条（五）近三个会计年度研究开发费用总额占同期销售收入总额的比例（按最近一年销售收入分档），
其中境内研究开发费用占比不低于60%。

The ratio is Σ counted R&D ÷ Σ sales over the counted years (I6); the tier is chosen by the latest
year's sales only, upper bounds inclusive (I5).
"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import FAIL, PASS, UNKNOWN, threshold_criterion


def rd_expense_ratio(ctx: Context, c: Figure) -> None:
    measured = ctx.use(c, "rd_expense.ratio")
    required = ctx.use(c, "rd_expense.ratio_min")
    c.unit = "ratio"
    c.value = measured.value
    c.threshold = required.value
    c.threshold_inclusive = True  # "不低于"
    if measured.value is None or required.value is None:
        c.status = UNKNOWN
        return
    c.margin = measured.value - required.value
    c.status = PASS if measured.value >= required.value else FAIL


def domestic_rd_share(ctx: Context, c: Figure) -> None:
    threshold_criterion(ctx, c, "rd_expense.domestic_share", "rd_expense.domestic_share_min")


criterion("art11_5_rd_expense_ratio", scope="national_2016", label_zh="研究开发费用占销售收入比例",
          label_en="R&D expenses / sales revenue", cites=("measures_2016#art11-5", "guidelines_2016#sec3-5"))(rd_expense_ratio)
criterion("art11_5_domestic_rd_share", scope="national_2016", label_zh="境内研究开发费用占比",
          label_en="Share of R&D incurred in China", cites=("measures_2016#art11-5", "guidelines_2016#sec3-5-3"))(domestic_rd_share)
