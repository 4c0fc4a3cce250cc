"""Publicity periods in working days (I15), "within three months" (I16), annual-report deadlines and
revocation triggers (I17), re-application bans (I18)."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass

from hnte.core.parameters import ParameterView

from .calendar import CalendarError, WorkingDayCalendar, default_calendar

__all__ = ["CalendarError", "Period", "Validity", "WorkingDayCalendar", "add_months", "annual_report_due", "certificate_validity",
           "change_report_deadline", "change_report_is_late", "is_working_day", "publicity_period",
           "reapplication_barred_until", "revocation_proposed"]


def is_working_day(day: dt.date, calendar: WorkingDayCalendar | None = None) -> bool:
    """Working day per the State Council holiday and make-up-day (调休) calendar: ``calendar``, else the
    built-in years with those installed by ``hnte calendar load``. A year without data raises CalendarError."""
    return (calendar or default_calendar()).is_working_day(day)


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date  # the period ends at the end of this day
    working_days: int


def publicity_period(published_on: dt.date, working_days: int | None = None,
                     calendar: WorkingDayCalendar | None = None) -> Period:
    """I15: day 1 is the publication day if it is a working day, else the next working day; the period
    ends at the end of the N-th working day (N = 10 under 2016 rules, 15 under 2008, by date).

    Every day up to the last one must be in the calendar's data, else :class:`CalendarError` (never a guess)."""
    if working_days is None:
        working_days = int(ParameterView(published_on).ref("procedure.publicity_working_days").value)
    calendar = calendar or default_calendar()
    day = published_on
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    first = day
    counted = 1
    while counted < working_days:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return Period(first, day, working_days)


@dataclass(frozen=True)
class Validity:
    first_day: dt.date
    last_day: dt.date  # valid until the end of this day
    years: int


def certificate_validity(issued_on: dt.date) -> Validity:
    """Measures 2016 Art. 9 (2008 Art. 12): "自颁发证书之日起有效期为三年" — the issue day counts, so the status runs
    until the day before the same date three years later (from 29 February: to 28 February, the day before the
    anniversary that falls on 1 March)."""
    years = int(ParameterView(issued_on).ref("procedure.certificate_validity_years").value)
    year = issued_on.year + years
    anniversary = (dt.date(year, issued_on.month, issued_on.day) if issued_on.day <= monthrange(year, issued_on.month)[1]
                   else dt.date(year, issued_on.month + 1, 1))
    return Validity(issued_on, anniversary - dt.timedelta(days=1), years)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the month's end (I16)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def change_report_deadline(event_on: dt.date) -> dt.date:
    """Last day (inclusive) to report a name or major change that happened on ``event_on``."""
    rule = ParameterView(event_on).ref("supervision.change_report_period").value
    if "months" in rule:
        return add_months(event_on, int(rule["months"]))
    return event_on + dt.timedelta(days=int(rule["days"]))


def change_report_is_late(event_on: dt.date, reported_on: dt.date) -> bool:
    return reported_on > change_report_deadline(event_on)


def annual_report_due(report_year: int, local_due: dt.date | None = None) -> dt.date:
    """I17: the report on ``report_year`` is due 31 May of the next year, or an earlier local date."""
    rule = ParameterView(dt.date(report_year + 1, 1, 1)).ref("supervision.annual_report").value
    due = dt.date(report_year + 1, int(rule["due_month"]), int(rule["due_day"]))
    if local_due is not None:
        if local_due > due or local_due.year != due.year:
            raise ValueError(f"a local deadline may only be earlier than {due} in {due.year}, got {local_due}")
        return local_due
    return due


def revocation_proposed(missed_report_years: list[int], validity_years: list[int]) -> bool:
    """I17: two missed annual reports, cumulative (not necessarily consecutive) within one validity period."""
    rule = ParameterView(dt.date(max(validity_years) + 1, 1, 1)).ref("supervision.annual_report").value
    missed = {y for y in missed_report_years if y in validity_years}
    return len(missed) >= int(rule["missed_years_for_revocation"])


def reapplication_barred_until(revoked_on: dt.date, *, local_same_year_bar: bool | None = None) -> dt.date | None:
    """I18: the last day on which a new application is refused after a revocation, or None (no ban).

    2008 rules: five years, enforced only until 2015-12-31 (transitional clause). 2016 rules: no ban,
    unless the office switches on a local bar for the rest of the revocation year."""
    rule = ParameterView(revoked_on).ref("supervision.reapplication_ban").value
    years = int(rule["years"])
    if years:
        return min(add_months(revoked_on, 12 * years) - dt.timedelta(days=1), dt.date(2015, 12, 31))
    bar = rule["local_same_year_bar"] if local_same_year_bar is None else local_same_year_bar
    return dt.date(revoked_on.year, 12, 31) if bar else None
