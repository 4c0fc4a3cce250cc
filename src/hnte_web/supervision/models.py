"""Supervision after identification (认定后管理), Measures 2016 Art. 13–19 and Guidelines part 5.

Everything hangs on the certificate (``certificates.Certificate``): the status it gives is valid from its issue
day to its last day unless a revocation decided by the office ends it (:func:`.status.status_of` derives it, so
no second "status" field can disagree with the records below).

- :class:`AnnualReport` — 年度发展情况报表, one per benefit year, due 31 May (or the office's earlier local date).
- :class:`ChangeReport` — 更名 / 重大变化 reported within three months (I16).
- :class:`Relocation` — 异地搬迁 recorded by the office of the new region.
- :class:`Check` and :class:`CheckItem` — random (seeded, stratified) and targeted checks, on-site records.
- :class:`Reexamination` — 复核 requested in writing by another department.
- :class:`Revocation` — a proposal, then the office's decision with the ground, the recovery years and the notice.
- :class:`Reminder` — what the daily run sent, once each (its key makes the run idempotent).
- :class:`CertificateReissue` — a certificate reissued with the same number and validity after a name change.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models


class AnnualReportState(StrEnum):
    OPEN = "open"  # 待填报
    SUBMITTED = "submitted"  # 已按期填报
    MISSED = "missed"  # 逾期未填报
    LATE = "late"  # 逾期后补报（仍计为未按期填报）


class LocalDeadline(models.Model):
    """An office's earlier local deadline for the reports due in ``due_year`` (e.g. 20 May, Xiamen 2022)."""

    region_prefix = models.CharField(max_length=6)
    due_year = models.IntegerField()
    due_on = models.DateField()
    notice = models.CharField("通知文号或标题", max_length=200)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("region_prefix", "due_year")]
        ordering = ["-due_year", "region_prefix"]


class AnnualReport(models.Model):
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="annual_reports")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.IntegerField()  # the year reported on
    due_on = models.DateField()
    state = models.CharField(max_length=16, default=AnnualReportState.OPEN.value, db_index=True)
    figures = models.JSONField(default=dict)  # exact decimals as strings (yuan, persons, counts)
    checks = models.JSONField(default=list)  # the engine's plausibility checks (warnings never block)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()

    class Meta:
        unique_together = [("certificate", "year")]
        ordering = ["certificate_id", "year"]

    @property
    def counted_missed(self) -> bool:
        """Not filed by the deadline (I17 counts it toward revocation even if filed later)."""
        return self.state in (AnnualReportState.MISSED.value, AnnualReportState.LATE.value)

    @property
    def warnings(self) -> list[dict]:
        return [c for c in self.checks if c.get("status") == "warning"]


class ChangeKind(models.TextChoices):
    NAME = "name", "更名"
    MAJOR = "major", "与认定条件有关的重大变化"


MAJOR_KINDS = {"split": ("分立", "split"), "merger": ("合并", "merger"), "restructuring": ("重组", "restructuring"),
               "business": ("经营业务发生变化", "change of business")}


class ChangeState(StrEnum):
    REPORTED = "reported"  # 已报告
    IN_PUBLICITY = "in_publicity"  # 更名公示中（10个工作日）
    PUBLICIZED = "publicized"  # 公示期满无异议
    CHECKED = "checked"  # 已按第十一条核实（引擎）
    REISSUED = "reissued"  # 已重新核发证书（编号、有效期不变）
    KEPT = "kept"  # 核实后资格不变
    LOST = "lost"  # 核实后不符合认定条件：提请取消资格


class ChangeReport(models.Model):
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="change_reports")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="change_reports")
    kind = models.CharField(max_length=8, choices=ChangeKind.choices)
    major_kinds = models.JSONField(default=list, blank=True)  # keys of MAJOR_KINDS
    event_on = models.DateField("变化发生日期")
    reported_on = models.DateField()
    deadline = models.DateField()  # I16: same day three months later, inclusive
    late = models.BooleanField(default=False)
    old_name = models.CharField(max_length=200)
    new_name = models.CharField(max_length=200, blank=True)  # blank: the name does not change
    description = models.TextField()
    data_json = models.TextField(blank=True)  # the application file after the change (for the Art. 11 re-check)
    state = models.CharField(max_length=16, default=ChangeState.REPORTED.value, db_index=True)
    publicity_first_day = models.DateField(null=True, blank=True)
    publicity_last_day = models.DateField(null=True, blank=True)
    assessment = models.JSONField(default=dict, blank=True)  # the engine's verdict after the change
    decided_on = models.DateField(null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_on", "-id"]

    @property
    def name_change(self) -> bool:
        return bool(self.new_name) and self.new_name != self.old_name


class CertificateReissue(models.Model):
    """重新核发认定证书，编号与有效期不变 (Art. 17)."""

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="reissues")
    change_report = models.OneToOneField(ChangeReport, on_delete=models.PROTECT, related_name="reissue")
    old_name = models.CharField(max_length=200)
    new_name = models.CharField(max_length=200)
    number = models.CharField(max_length=16)  # unchanged
    valid_until = models.DateField()  # unchanged
    reissued_on = models.DateField()
    reissued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reissued_on", "-id"]


class RelocationKind(models.TextChoices):
    WHOLE = "whole", "整体迁移"
    PARTIAL = "partial", "部分搬迁"


class Relocation(models.Model):
    """异地搬迁, recorded by the office of the new region on the enterprise's certificate and move evidence."""

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="relocations")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="relocations")
    kind = models.CharField(max_length=8, choices=RelocationKind.choices)
    from_region = models.CharField(max_length=6)
    to_region = models.CharField(max_length=6)
    new_address = models.CharField(max_length=300)
    moved_on = models.DateField()
    evidence = models.TextField("迁入地登记机关出具的迁移证明")
    transferred = models.BooleanField()  # True: the status continues under the new office
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_on", "-id"]


class CheckKind(models.TextChoices):
    RANDOM = "random", "随机抽查"
    TARGETED = "targeted", "重点检查"


class Check(models.Model):
    kind = models.CharField(max_length=8, choices=CheckKind.choices)
    region_prefix = models.CharField(max_length=6, blank=True)  # the office's region ("" = every region, LGO)
    title = models.CharField(max_length=200)
    reason = models.TextField(blank=True)  # targeted: why these enterprises
    seed = models.BigIntegerField(null=True, blank=True)  # random: the recorded seed (replayable)
    rate = models.CharField(max_length=16, blank=True)  # random: share drawn per stratum, exact decimal text
    stratum_prefix_length = models.IntegerField(default=0)  # region level of the strata
    drawn_on = models.DateField()
    population = models.IntegerField(default=0)
    strata = models.JSONField(default=dict)  # stratum -> {"population": n, "drawn": [certificate numbers]}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-drawn_on", "-id"]


class CheckItemState(StrEnum):
    PLANNED = "planned"  # 待检查
    DONE = "done"  # 已检查


class CheckConclusion(models.TextChoices):
    COMPLIANT = "compliant", "符合认定条件"
    NONCOMPLIANT = "noncompliant", "发现不符合认定条件的情况"


class CheckItem(models.Model):
    check_run = models.ForeignKey(Check, on_delete=models.PROTECT, related_name="items")
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="check_items")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="check_items")
    stratum = models.CharField(max_length=32, blank=True)
    state = models.CharField(max_length=16, default=CheckItemState.PLANNED.value)
    checked_on = models.DateField(null=True, blank=True)
    inspectors = models.CharField(max_length=200, blank=True)
    findings = models.TextField(blank=True)
    conclusion = models.CharField(max_length=16, choices=CheckConclusion.choices, blank=True)

    class Meta:
        ordering = ["check_run_id", "stratum", "id"]
        unique_together = [("check_run", "certificate")]


class DisputeKind(models.TextChoices):
    RD_RATIO = "rd_ratio", "第十一条（五）研究开发费用占比"
    OTHER = "other", "第十一条（五）以外的条件，或第十七、十八、十九条"


class ReexaminationState(StrEnum):
    RECEIVED = "received"  # 已收到书面提请
    CONFORMING = "conforming"  # 复核：符合认定条件
    NONCONFORMING = "nonconforming"  # 复核：不符合认定条件（提请取消资格）


class Reexamination(models.Model):
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="reexaminations")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="reexaminations")
    department = models.CharField("提请部门", max_length=100)
    document_number = models.CharField("书面提请文号", max_length=100)
    letter_date = models.DateField("提请日期")
    received_on = models.DateField()
    dispute = models.CharField(max_length=8, choices=DisputeKind.choices)
    disputed_year = models.IntegerField()  # rd_ratio: the year in question; other: the first year alleged non-conforming
    grounds = models.TextField("提请事由")
    data_json = models.TextField(blank=True)  # rd_ratio: the figures (application file) of the disputed year and before
    state = models.CharField(max_length=16, default=ReexaminationState.RECEIVED.value)
    result = models.JSONField(default=dict, blank=True)  # the recomputed ratio, threshold, tier, years, status, cites
    concluded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]


class RevocationGround(models.TextChoices):
    ART16 = "art16", "第十六条 复核确认不符合认定条件"
    ART17 = "art17", "第十七条 更名或重大变化后不符合认定条件"
    ART19_1 = "art19_1", "第十九条（一） 申请认定过程中存在严重弄虚作假行为"
    ART19_2 = "art19_2", "第十九条（二） 发生重大安全、重大质量事故或有严重环境违法行为"
    ART19_3 = "art19_3", "第十九条（三） 未按期报告重大变化或累计两年未填报年度发展情况报表"


class RevocationState(StrEnum):
    PROPOSED = "proposed"  # 拟取消（待认定机构决定）
    REVOKED = "revoked"  # 已取消资格并公告
    DISMISSED = "dismissed"  # 不予取消


class Revocation(models.Model):
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="revocations")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="revocations")
    ground = models.CharField(max_length=8, choices=RevocationGround.choices)
    start_year = models.IntegerField()  # the year the ground sets (first non-conforming, change, or act year)
    source = models.CharField(max_length=32)  # annual_reports, change_report, late_change_report, reexamination, check, office
    source_id = models.IntegerField(null=True, blank=True)
    basis = models.TextField()  # the facts
    state = models.CharField(max_length=16, default=RevocationState.PROPOSED.value, db_index=True)
    proposed_on = models.DateField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_on = models.DateField(null=True, blank=True)
    recovery_years = models.JSONField(default=list, blank=True)
    cites = models.JSONField(default=list, blank=True)
    announcement = models.TextField(blank=True)
    reapplication_barred_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]


class Reminder(models.Model):
    """One notice the daily run sent; ``key`` is unique so a second run (or a concurrent one) sends nothing twice."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=32)  # annual_report_open, annual_report, expiry, prepayment, expired, calendar
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reminders")
    scheduled_on = models.DateField()  # the day it was due to be sent (a working day)
    sent_on = models.DateField()  # the day the run sent it
    deadline = models.DateField(null=True, blank=True)  # what it reminds of
    message_zh = models.TextField()
    message_en = models.TextField()

    class Meta:
        ordering = ["sent_on", "id"]
