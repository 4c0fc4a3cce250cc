"""第十一条（四）科技人员占企业当年职工总数的比例不低于10%（全年月平均数，I12）。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import threshold_criterion


def science_tech_staff(ctx: Context, c: Figure) -> None:
    threshold_criterion(ctx, c, "staff.science_tech_ratio", "staff.science_tech_ratio_min")


criterion("art11_4_science_tech_staff", scope="national_2016", label_zh="科技人员占比", label_en="Share of S&T staff",
          cites=("measures_2016#art11-4", "guidelines_2016#sec3-4"))(science_tech_staff)
