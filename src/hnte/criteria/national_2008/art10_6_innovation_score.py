"""第十条（六）研究开发组织管理水平、科技成果转化能力、自主知识产权数量、销售与总资产成长性等指标
符合《工作指引》的要求（综合得分70分以上，不含70分）。"""

from hnte.core.registry import criterion
from hnte.criteria.national_2016.art11_7_innovation_score import innovation_score

criterion("art10_6_innovation_score", scope="national_2008", label_zh="企业创新能力评价（2008年版指标）",
          label_en="Innovation ability score (2008 rubric)", cites=("measures_2008#art10-6", "guidelines_2008#scoring"))(innovation_score)
