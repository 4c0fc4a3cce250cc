"""第二条 在中国境内注册一年以上的居民企业（365个日历天数以上，I4）。"""

from hnte.core.registry import criterion
from hnte.criteria.national_2016.art11_1_registration_age import registration_age

criterion("art2_registration_age", scope="national_2008", label_zh="注册一年以上", label_en="Registered for at least one year",
          cites=("measures_2008#art2",))(registration_age)
