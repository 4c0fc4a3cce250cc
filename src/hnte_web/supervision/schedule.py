"""When the daily run reminds: always on a working day of the State Council calendar (I15's calendar, as the web
system holds it: the built-in years plus those the Leading Group Office loaded). A day without calendar data is
never guessed: :class:`CalendarError` is raised and the run reports the missing year.

These are operating choices of this system, not legal values: the Guidelines (五（五）) only say the office
"应提醒企业按时报送".

- annual report: on the 15th, 5th and 1st working day before the deadline (the deadline day itself is not
  counted, so "1" is the last working day before it);
- expiry: 6, 3 and 1 months before the last day of validity, each moved back to a working day;
- expiry-year prepayment warning (SAT 2017 No. 24): the first working day of the expiry year.
"""

from __future__ import annotations

import datetime as dt

from hnte.procedure.calendar import WorkingDayCalendar
from hnte.procedure.periods import add_months

ANNUAL_REPORT_WORKING_DAYS_BEFORE = (15, 5, 1)
EXPIRY_MONTHS_BEFORE = (6, 3, 1)


def working_days_before(day: dt.date, n: int, calendar: WorkingDayCalendar) -> dt.date:
    """The n-th working day strictly before ``day``."""
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def working_day_on_or_before(day: dt.date, calendar: WorkingDayCalendar) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def first_working_day_of(year: int, calendar: WorkingDayCalendar) -> dt.date:
    day = dt.date(year, 1, 1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def annual_report_stages(due_on: dt.date, calendar: WorkingDayCalendar) -> list[tuple[str, dt.date]]:
    """(stage, day) from the earliest to the latest."""
    return [(f"wd{n}", working_days_before(due_on, n, calendar)) for n in ANNUAL_REPORT_WORKING_DAYS_BEFORE]


def expiry_stages(valid_until: dt.date, calendar: WorkingDayCalendar) -> list[tuple[str, dt.date]]:
    return [(f"m{m}", working_day_on_or_before(add_months(valid_until, -m), calendar)) for m in EXPIRY_MONTHS_BEFORE]


def window_start(kind: str, deadline: dt.date) -> dt.date:
    """A day before which no reminder stage of ``kind`` can fall, without reading the calendar: N working days are
    at most N + 40 calendar days (the longest holiday runs and weekends); a month-based stage moves back at most
    15 days to a working day."""
    if kind == "expiry":
        return add_months(deadline, -max(EXPIRY_MONTHS_BEFORE)) - dt.timedelta(days=15)
    return deadline - dt.timedelta(days=max(ANNUAL_REPORT_WORKING_DAYS_BEFORE) + 40)


def stage_due(stages: list[tuple[str, dt.date]], today: dt.date) -> tuple[str, dt.date] | None:
    """The latest stage whose day has come (a missed run catches up with one notice, not several)."""
    due = [s for s in stages if s[1] <= today]
    return due[-1] if due else None
