"""Rate limits kept in the database, so every gunicorn worker sees the same counts."""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateCounter


def rate_exceeded(key: str, limit_per_minute: int) -> bool:
    """Count one hit for ``key`` in the current minute; True when the limit is passed."""
    window = int(time.time() // 60)
    for _ in range(3):
        updated = RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window=window, count=1)
            except IntegrityError:
                continue
        break
    RateCounter.objects.filter(window__lt=window - 5).delete()
    row = RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
    return row > limit_per_minute


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "?")
