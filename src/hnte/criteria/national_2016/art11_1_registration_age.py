"""第十一条（一）企业申请认定时须注册成立一年以上（365个日历天数以上，I4）。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import threshold_criterion


def registration_age(ctx: Context, c: Figure) -> None:
    threshold_criterion(ctx, c, "registration_age_days", "registration_age.min_days")


criterion("art11_1_registration_age", scope="national_2016", label_zh="注册成立一年以上", label_en="Registered for at least one year",
          cites=("measures_2016#art11-1", "guidelines_2016#sec3-1"))(registration_age)
