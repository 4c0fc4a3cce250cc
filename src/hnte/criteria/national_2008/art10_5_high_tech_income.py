"""第十条（五）高新技术产品（服务）收入占企业当年总收入的60%以上。"""

from hnte.core.registry import criterion
from hnte.criteria.national_2016.art11_6_high_tech_income import high_tech_income

criterion("art10_5_high_tech_income", scope="national_2008", label_zh="高新技术产品（服务）收入占比",
          label_en="Share of high-tech product (service) income", cites=("measures_2008#art10-5", "guidelines_2008#high-tech-income"))(high_tech_income)
