"""第十条（三）具有大学专科以上学历的科技人员占企业当年职工总数的30%以上，其中研发人员占企业
当年职工总数的10%以上。"""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import threshold_criterion


def college_science_tech_staff(ctx: Context, c: Figure) -> None:
    threshold_criterion(ctx, c, "staff.science_tech_college_ratio", "staff.science_tech_college_ratio_min")


def rd_staff(ctx: Context, c: Figure) -> None:
    threshold_criterion(ctx, c, "staff.rd_staff_ratio", "staff.rd_staff_ratio_min")


criterion("art10_3_college_science_tech_staff", scope="national_2008", label_zh="大专以上学历科技人员占比",
          label_en="Share of college-educated S&T staff", cites=("measures_2008#art10-3", "guidelines_2008#staff"))(college_science_tech_staff)
criterion("art10_3_rd_staff", scope="national_2008", label_zh="研发人员占比", label_en="Share of R&D staff",
          cites=("measures_2008#art10-3", "guidelines_2008#staff"))(rd_staff)
