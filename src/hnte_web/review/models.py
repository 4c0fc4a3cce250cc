"""The office's side of intake: local batches with deadlines, on-site check records."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Batch(models.Model):
    """A local batch (批次) of an identification office, with its submission deadline."""

    region_prefix = models.CharField(max_length=6, db_index=True)
    year = models.IntegerField()
    name = models.CharField(max_length=100)
    deadline = models.DateField("申报截止日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        unique_together = [("region_prefix", "year", "name")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class OnSiteCheck(models.Model):
    """实地核查 record made during formal review (optional)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="onsite_checks")
    checked_on = models.DateField()
    inspectors = models.CharField(max_length=200)
    findings = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
