"""Applications: a draft that saves as the user goes (the application file, format ``hnte/application@1``,
held as exact JSON text), immutable versioned snapshots taken at submission, and attachments."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from django.conf import settings
from django.db import models

from .filedata import dumps, loads


class ApplicationState(StrEnum):
    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交（待受理）
    RETURNED = "returned"  # 已退回（待修改）
    ACCEPTED = "accepted"  # 形式审查通过（已受理）
    IN_REVIEW = "in_review"  # 专家评审中
    EVALUATED = "evaluated"  # 专家组综合评价完成
    RECOMMENDED = "recommended"  # 认定机构：拟认定
    REPORTED = "reported"  # 已报领导小组办公室备案
    IN_PUBLICITY = "in_publicity"  # 公示中
    PUBLICIZED = "publicized"  # 公示期满无异议
    FILED = "filed"  # 已备案（试点：报备即批准）
    CERTIFIED = "certified"  # 已颁发证书
    REJECTED = "rejected"  # 不予认定


class Application(models.Model):
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="applications")
    programme = models.CharField(max_length=32, default="national")
    state = models.CharField(max_length=16, default=ApplicationState.DRAFT.value, db_index=True)
    data_json = models.TextField(default="{}")
    # Denormalised for the office queue's filters (kept in step by the services).
    region_code = models.CharField(max_length=6, db_index=True)
    technical_field = models.CharField(max_length=16, blank=True, db_index=True)
    year = models.IntegerField(db_index=True)
    current_version = models.IntegerField(default=0)
    return_reason = models.TextField(blank=True)
    batch = models.ForeignKey("review.Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "region_code", "id"]), models.Index(fields=["programme", "state"]),
                   # The office queue counts its matches (state, region prefix, submitted versions only) on every page:
                   # on PostgreSQL this is an index-only scan (prefix LIKE needs varchar_pattern_ops); other
                   # databases ignore the operator class and the INCLUDE and get a plain (state, region_code) index.
                   models.Index(fields=["state", "region_code"], opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                                include=["current_version"], name="app_queue_count_idx")]

    @property
    def pilot(self) -> bool:
        """The Beijing "报备即批准" pilot track (separate review, no publicity, approval on filing)."""
        return self.programme == "beijing-pilot"

    @property
    def data(self) -> dict:
        return loads(self.data_json)

    def set_data(self, data: dict) -> None:
        self.data_json = dumps(data)
        self.technical_field = str((data.get("enterprise") or {}).get("technical_field") or "")[:16]
        self.programme = data.get("programme") or self.programme

    @property
    def editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT.value, ApplicationState.RETURNED.value)


class ApplicationVersion(models.Model):
    """An immutable snapshot of what was submitted (版本), with the legal representative's commitment."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.IntegerField()
    data_json = models.TextField()
    sha256 = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    commitment_by = models.CharField("法定代表人", max_length=64)
    commitment_text = models.TextField()
    verdict = models.CharField(max_length=16, blank=True)
    attachments = models.ManyToManyField("Attachment", related_name="versions", blank=True)

    class Meta:
        unique_together = [("application", "number")]
        ordering = ["number"]

    @property
    def data(self) -> dict:
        return loads(self.data_json)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("submitted versions are immutable")
        self.sha256 = hashlib.sha256(self.data_json.encode("utf-8")).hexdigest()
        super().save(*args, **kwargs)


class AttachmentKind(models.TextChoices):
    IP_CERTIFICATE = "ip_certificate", "知识产权证书"
    AUDIT_REPORT = "audit_report", "专项审计报告"
    FINANCIAL_STATEMENT = "financial_statement", "财务会计报告"
    STAFF_PROOF = "staff_proof", "人员证明材料"
    PRODUCT_PROOF = "product_proof", "产品（服务）证明材料"
    OTHER = "other", "其他"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=32, choices=AttachmentKind.choices)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.IntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)  # random name under UPLOAD_ROOT
    deidentified = models.BooleanField("供专家评审的脱敏版本", default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed = models.BooleanField(default=False)  # removed from the draft; kept if a version refers to it

    class Meta:
        ordering = ["id"]
