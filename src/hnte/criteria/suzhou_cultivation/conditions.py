"""苏州培育库入库条件（一）–（八）, each registered with its own citation."""

from hnte.core.context import Context
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.beijing_pilot.sec2_2_registered_in_beijing import registered_in_region
from hnte.criteria.common import boolean_criterion
from hnte.criteria.national_2016.art11_1_registration_age import registration_age
from hnte.criteria.national_2016.art11_2_core_ip import core_ip
from hnte.criteria.national_2016.art11_3_technical_field import technical_field
from hnte.criteria.national_2016.art11_4_science_tech_staff import science_tech_staff
from hnte.criteria.national_2016.art11_5_rd_expense import domestic_rd_share, rd_expense_ratio
from hnte.criteria.national_2016.art11_6_high_tech_income import high_tech_income
from hnte.criteria.national_2016.art11_7_innovation_score import innovation_score
from hnte.criteria.national_2016.art11_8_no_major_incident import no_major_incident

SCOPE = "suzhou-cultivation"


def never_identified(ctx: Context, c: Figure) -> None:
    flag = ctx.app.enterprise.previously_identified
    if flag is None:
        ctx.missing(c, "enterprise.previously_identified")
    else:
        ctx.input(c, "enterprise.previously_identified", flag)
    boolean_criterion(c, None if flag is None else not flag)


criterion("cond1_registered_in_suzhou", scope=SCOPE, label_zh="在苏州市注册", label_en="Registered in Suzhou",
          cites=("suzhou_cultivation_2021#cond1",))(registered_in_region)
criterion("cond1_registration_age", scope=SCOPE, label_zh="注册成立一年以上", label_en="Registered for at least one year",
          cites=("suzhou_cultivation_2021#cond1",))(registration_age)
criterion("cond1_never_identified", scope=SCOPE, label_zh="2008年至今未被认定为高新技术企业", label_en="Never identified as an HNTE since 2008",
          cites=("suzhou_cultivation_2021#cond1",))(never_identified)
criterion("cond2_core_ip", scope=SCOPE, label_zh="拥有核心支持作用的知识产权", label_en="Owns core IP",
          cites=("suzhou_cultivation_2021#cond2",))(core_ip)
criterion("cond3_technical_field", scope=SCOPE, label_zh="核心技术属于国家重点支持的高新技术领域", label_en="Within the supported fields",
          cites=("suzhou_cultivation_2021#cond3",))(technical_field)
criterion("cond4_science_tech_staff", scope=SCOPE, label_zh="科技人员占比不低于5%", label_en="S&T staff at least 5 %",
          cites=("suzhou_cultivation_2021#cond4",))(science_tech_staff)
criterion("cond5_rd_expense_ratio", scope=SCOPE, label_zh="近两年研究开发费用占销售收入比例不低于3%", label_en="R&D / sales over two years at least 3 %",
          cites=("suzhou_cultivation_2021#cond5",))(rd_expense_ratio)
criterion("cond5_domestic_rd_share", scope=SCOPE, label_zh="境内研究开发费用占比不低于60%", label_en="Domestic R&D at least 60 %",
          cites=("suzhou_cultivation_2021#cond5",))(domestic_rd_share)
criterion("cond6_high_tech_income", scope=SCOPE, label_zh="高新技术产品（服务）收入占比不低于50%", label_en="High-tech income at least 50 %",
          cites=("suzhou_cultivation_2021#cond6",))(high_tech_income)
criterion("cond7_innovation_score", scope=SCOPE, label_zh="创新能力综合得分不低于60分", label_en="Innovation score at least 60",
          cites=("suzhou_cultivation_2021#cond7",))(innovation_score)
criterion("cond8_no_major_incident", scope=SCOPE, label_zh="入库前一年内未发生重大事故或严重环境违法行为",
          label_en="No major incident in the year before entry", cites=("suzhou_cultivation_2021#cond8",))(no_major_incident)
