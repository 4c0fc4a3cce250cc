"""The experts' part of ``hnte-admin remind``: forms due within three days, and overdue ones (each sent once)."""

from __future__ import annotations

import datetime as dt


def remind(*, today: dt.date | None = None) -> tuple[int, str, str]:
    """Send the due reminders; returns (count, zh summary, en summary)."""
    from .services import experts_remind

    n = experts_remind(today=today)
    return n, f"专家评价表提醒 {n} 条", f"expert form reminders: {n}"
