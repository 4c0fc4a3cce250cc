"""第十条（四）近三个会计年度研究开发费用总额占销售收入总额的比例（小于5,000万元 6%；5,000万元至
20,000万元 4%；20,000万元以上 3%），其中境内研究开发费用占比不低于60%。"""

from hnte.core.registry import criterion
from hnte.criteria.national_2016.art11_5_rd_expense import domestic_rd_share, rd_expense_ratio

criterion("art10_4_rd_expense_ratio", scope="national_2008", label_zh="研究开发费用占销售收入比例",
          label_en="R&D expenses / sales revenue", cites=("measures_2008#art10-4", "guidelines_2008#rd-expenses"))(rd_expense_ratio)
criterion("art10_4_domestic_rd_share", scope="national_2008", label_zh="境内研究开发费用占比",
          label_en="Share of R&D incurred in China", cites=("measures_2008#art10-4", "guidelines_2008#rd-domestic"))(domestic_rd_share)
