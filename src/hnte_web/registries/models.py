"""The office's registries: qualified intermediaries (中介机构) with their yearly facts, and records of fraud
against enterprises or intermediaries. The engine's pure checks (hnte.registries) read them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IntermediaryFirm(models.Model):
    name = models.CharField("机构名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    independent_practice = models.BooleanField("具备独立执业资格", null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntermediaryYear(models.Model):
    """中介机构承担认定工作当年的人员情况: annual monthly averages (persons)."""

    firm = models.ForeignKey(IntermediaryFirm, on_delete=models.CASCADE, related_name="years")
    year = models.IntegerField()
    average_headcount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    certified_public_accountants = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    tax_agents = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    dual_qualified = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        unique_together = [("firm", "year")]
        ordering = ["year"]


class FraudRecord(models.Model):
    """A recorded finding against an enterprise or an intermediary (Measures 2016 Art. 19, 20)."""

    subject = models.CharField(max_length=16, choices=[("enterprise", "企业"), ("intermediary", "中介机构")])
    name = models.CharField(max_length=200)
    credit_code = models.CharField(max_length=18, blank=True, db_index=True)
    kind = models.CharField(max_length=32, choices=[("fraud", "弄虚作假"), ("tax_fraud", "偷骗税"), ("other_violation", "其他违法违规")])
    decision = models.CharField(max_length=300)
    decided_on = models.DateField()
    authority = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    rescinded_on = models.DateField(null=True, blank=True)
    public = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
