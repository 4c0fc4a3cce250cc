"""Rate limits kept in the database, so every gunicorn worker sees the same counts.

One hit is one statement: an upsert that returns the new count (PostgreSQL and SQLite ≥ 3.35 both speak
``INSERT … ON CONFLICT … DO UPDATE … RETURNING``), so the anonymous API pays a single round trip per request.
Old windows are pruned once per minute per worker process (an index range on ``window``), by the first hit the
process counts in a new window; not on every hit, and not on every new key either (the anonymous API sees a new
address on most requests, and a prune is three round trips).
"""

from __future__ import annotations

import time

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from .models import RateCounter

KEEP_WINDOWS = 5  # minutes of counters kept (a window is one minute)
_pruned_window: int | None = None  # the last window this process pruned in


def _hit(key: str, window: int) -> int:
    """Count one hit for (key, window); the count after it."""
    if connection.vendor in ("postgresql", "sqlite"):
        q = connection.ops.quote_name
        table, k, w, c = q(RateCounter._meta.db_table), q("key"), q("window"), q("count")
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {table} ({k}, {w}, {c}) VALUES (%s, %s, 1) "
                        f"ON CONFLICT ({k}, {w}) DO UPDATE SET {c} = {table}.{c} + 1 RETURNING {c}", [key, window])
            return cur.fetchone()[0]
    for _ in range(3):  # any other database: update, else insert
        if RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1):
            break
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window=window, count=1)
            break
        except IntegrityError:
            continue
    return RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0


def rate_exceeded(key: str, limit_per_minute: int) -> bool:
    """Count one hit for ``key`` in the current minute; True when the limit is passed."""
    global _pruned_window
    window = int(time.time() // 60)
    count = _hit(key, window)
    if _pruned_window != window:
        _pruned_window = window
        prune(window)
    return count > limit_per_minute


def prune(window: int) -> int:
    """Delete the counters older than ``KEEP_WINDOWS`` minutes before ``window``; how many went."""
    return RateCounter.objects.filter(window__lt=window - KEEP_WINDOWS).delete()[0]


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "?")
