"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent, Notification

GENESIS = "0" * 64


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        [prev_hash, event.at.isoformat(), event.actor_id, event.actor_label, event.action, event.object_type,
         str(event.object_id), event.from_state, event.to_state, event.reason, event.data],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(7461001)")


def audit_record(*, acting_user, action: str, obj, from_state: str = "", to_state: str = "", reason: str = "",
                 data: dict | None = None) -> AuditEvent:
    """Append one audit event (inside the caller's transaction)."""
    assert transaction.get_connection().in_atomic_block, "audit_record must run inside the service's transaction"
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").only("hash").first()
    prev = last.hash if last else GENESIS
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(), actor=user, actor_label=user.username if user else "anonymous", action=action,
        object_type=type(obj)._meta.label_lower if obj is not None else "", object_id=str(getattr(obj, "pk", "") or ""),
        from_state=from_state, to_state=to_state, reason=reason, data=data or {}, prev_hash=prev,
    )
    event.hash = _digest(prev, event)
    event.save()
    return event


def audit_verify() -> list[int]:
    """Ids of events whose row no longer matches the chain (altered, or a predecessor deleted)."""
    bad: list[int] = []
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev or _digest(event.prev_hash, event) != event.hash:
            bad.append(event.id)
        prev = event.hash
    return bad


def notify_on_commit(user, message_zh: str, message_en: str, link: str = "") -> None:
    """Write a notification inside the caller's transaction: it becomes visible exactly when the change it
    announces commits, and vanishes with it on a rollback. (Written by an on-commit callback instead, a crash
    between the commit and the callback would lose it; tests/web/test_faults.py checks every notification against
    the audit events after killing the server mid-transition.)"""
    Notification.objects.create(user=user, message_zh=message_zh, message_en=message_en, link=link)
