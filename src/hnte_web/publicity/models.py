"""Publicity (公示): the list the Leading Group Office publishes for 10 working days (I15), the written, real-name
objections to it and the working-day calendar years the office loads.

工作指引 二（六）: "经认定报备的企业名单，由领导小组办公室在'高新技术企业认定管理工作网'公示10个工作日。无异议的，予以备案
……有异议的，须以书面形式实名向领导小组办公室提出，由认定机构核实处理。"
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models

from . import clock


class Publicity(models.Model):
    """One published list, with its period computed by the engine from the working-day calendar."""

    title = models.CharField(max_length=200)
    batch = models.ForeignKey("review.Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="publicities")
    published_on = models.DateField()
    first_day = models.DateField()
    last_day = models.DateField()  # the period ends at the end of this day
    working_days = models.IntegerField()
    calendar_sources = models.JSONField(default=dict)  # year -> the notice (or built-in package) the period relied on
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # when the tick ended the period (once)

    class Meta:
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Objections are received from the publication day to the end of the last day."""
        return self.published_on <= clock.today() <= self.last_day


class PublicityEntry(models.Model):
    """One line of the list: number (序号), enterprise name and region, as published."""

    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="entries")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="publicity_entries")
    number = models.IntegerField()
    enterprise_name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=6)
    region_name = models.CharField(max_length=32)

    class Meta:
        ordering = ["publicity_id", "number"]
        unique_together = [("publicity", "number"), ("publicity", "application")]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise_name}"

    def end_problem(self):
        """Why the application cannot leave the publicity now (guard of ``end_publicity``), or None."""
        pub = self.publicity
        if clock.today() <= pub.last_day:
            return (f"公示期至 {pub.last_day:%Y年%m月%d日} 结束，期满后方可结束公示",
                    f"the publicity runs until the end of {pub.last_day.isoformat()}")
        if self.objections.filter(state__in=OPEN_OBJECTION_STATES).exists():
            return ("该企业有尚未处理完毕的异议，须由认定机构核实处理后方可继续",
                    "an objection to this enterprise is still being verified by the office")
        return None


class ObjectionState(StrEnum):
    RECEIVED = "received"  # 已收到
    VERIFYING = "verifying"  # 核实中
    UPHELD = "upheld"  # 异议成立（不予认定）
    DISMISSED = "dismissed"  # 异议不成立


OPEN_OBJECTION_STATES = (ObjectionState.RECEIVED.value, ObjectionState.VERIFYING.value)


class Objection(models.Model):
    """A written objection under the objector's real name (书面形式实名). The objector's identity and contact are
    seen by the offices only, never published and never shown to the enterprise."""

    entry = models.ForeignKey(PublicityEntry, on_delete=models.PROTECT, related_name="objections")
    state = models.CharField(max_length=16, default=ObjectionState.RECEIVED.value, db_index=True)
    objector_name = models.CharField("真实姓名", max_length=50)
    objector_organisation = models.CharField("工作单位", max_length=100, blank=True)
    objector_phone = models.CharField("联系电话", max_length=20)
    objector_email = models.EmailField("电子邮箱", blank=True)
    objector_address = models.CharField("通讯地址", max_length=200, blank=True)
    content = models.TextField("异议内容及理由")
    received_at = models.DateTimeField(auto_now_add=True)
    received_from = models.CharField(max_length=64, blank=True)  # client address, for the record
    verification_note = models.TextField(blank=True)
    resolution_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_OBJECTION_STATES


class CalendarYear(models.Model):
    """A year of the State Council holiday notice loaded by the Leading Group Office (it replaces the built-in data
    for that year). Stored in the format ``hnte/calendar@1`` and passed to the engine (which never reads the DB)."""

    year = models.IntegerField(unique=True)
    source = models.CharField(max_length=300)
    data_json = models.TextField()  # one year in the file format
    sha256 = models.CharField(max_length=64)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.source}"
