""""Today" for the publicity rules: the local date, unless a scheduled run says which day it is acting for
(``hnte-admin tick --today DATE``). A context variable, so one thread's override never leaks into another."""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.utils import timezone

_TODAY: ContextVar[dt.date | None] = ContextVar("hnte_publicity_today", default=None)


def today() -> dt.date:
    return _TODAY.get() or timezone.localdate()


@contextlib.contextmanager
def acting_on(day: dt.date | None):
    token = _TODAY.set(day)
    try:
        yield
    finally:
        _TODAY.reset(token)
