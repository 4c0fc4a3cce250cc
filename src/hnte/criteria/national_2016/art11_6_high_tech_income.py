"""第十一条（六）近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import threshold_criterion


def high_tech_income(ctx: Context, c: Figure) -> None:
    threshold_criterion(ctx, c, "income.high_tech_ratio", "income.high_tech_ratio_min")


criterion("art11_6_high_tech_income", scope="national_2016", label_zh="高新技术产品（服务）收入占比",
          label_en="Share of high-tech product (service) income", cites=("measures_2016#art11-6", "guidelines_2016#sec3-6"))(high_tech_income)
