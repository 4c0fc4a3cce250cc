"""The audit log: one row per state change — who, when, from → to, why — chained by SHA-256 so that an
altered or deleted row is detected (:func:`hnte_web.audit.services.audit_verify`). The application never
updates or deletes a row: ``save`` refuses an update, ``delete`` refuses, and so do the queryset's bulk
``update``/``delete``/``bulk_update`` (only :func:`hnte_web.audit.services.audit_record` writes a row;
``tests/web/test_security.py`` checks that no other code does)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("audit events are append-only")

    def update_or_create(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)  # kept even if the account is renamed
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, db_index=True)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class Notification(models.Model):
    """A message to one user, created after the state change commits."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created = models.DateTimeField(auto_now_add=True)
    message_zh = models.TextField()
    message_en = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
