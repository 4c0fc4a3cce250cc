"""第十条（二）产品（服务）属于《国家重点支持的高新技术领域》规定的范围。"""

from hnte.core.registry import criterion
from hnte.criteria.national_2016.art11_3_technical_field import technical_field

criterion("art10_2_technical_field", scope="national_2008", label_zh="产品（服务）属于国家重点支持的高新技术领域",
          label_en="Products within the supported high-tech fields", cites=("measures_2008#art10-2",))(technical_field)
