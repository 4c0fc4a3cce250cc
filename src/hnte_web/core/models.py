"""Shared infrastructure tables."""

from django.db import models


class RateCounter(models.Model):
    """Fixed-window request counter (shared by every server process through the database)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField(db_index=True)  # epoch minute; the index serves the pruning of old windows
    count = models.IntegerField(default=0)

    class Meta:
        unique_together = [("key", "window")]
