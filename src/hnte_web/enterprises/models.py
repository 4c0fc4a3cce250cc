"""Enterprise registration (企业注册登记表) and its activation by the identification office."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class EnterpriseState(StrEnum):
    REGISTERED = "registered"  # 待审核
    ACTIVE = "active"  # 已激活
    RETURNED = "returned"  # 已退回


class Enterprise(models.Model):
    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    registration_date = models.DateField("注册时间")
    registration_type = models.CharField("注册类型", max_length=64)
    registered_capital = models.DecimalField("注册资本（元）", max_digits=18, decimal_places=2)
    industry = models.CharField("所属行业", max_length=64, blank=True)
    region_code = models.CharField("注册地区划代码", max_length=6, db_index=True)
    address = models.CharField("注册地址", max_length=300)
    legal_representative = models.CharField("法定代表人", max_length=64)
    legal_representative_phone = models.CharField("法定代表人电话", max_length=32)
    contact_name = models.CharField("联系人", max_length=64)
    contact_phone = models.CharField("联系人手机", max_length=32)
    contact_email = models.EmailField("联系人邮箱")
    state = models.CharField(max_length=16, default=EnterpriseState.REGISTERED.value, db_index=True)
    return_reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_active_registration(self) -> bool:
        return self.state == EnterpriseState.ACTIVE.value
