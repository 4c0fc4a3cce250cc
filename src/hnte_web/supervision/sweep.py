"""The daily run (``hnte-admin supervise [--today DATE]``): for every certificate, on the day given,

1. open the annual report on each benefit year from 1 January of the next year (due 31 May or the local date);
2. remind on the working days before the deadline (:mod:`.schedule`); record as missed the day after it;
3. two missed years in one validity period (I17) → a revocation proposal (Art. 19(三)), recovering from the year
   the second deadline was missed;
4. expiry reminders, the expiry-year prepayment warning (from the engine's advisor) and the expiry notice;

and end the name-change publicities whose 10 working days are over, and propose revocation for major changes
reported late (Art. 19(三): "未按期报告与认定条件有关重大变化情况").

Idempotent: every step re-reads what it changes under a lock (the certificate row), reminders have unique keys and
the state machines refuse a second transition, so a second run on the same day — after or at the same time — does
nothing twice. A calendar year without data is reported (and the Leading Group Office told once), never guessed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction

from hnte.procedure.calendar import CalendarError
from hnte.procedure.periods import revocation_proposed
from hnte_web.certificates.models import Certificate
from hnte_web.core.workflow import TransitionRefused
from hnte_web.publicity import clock

from . import schedule, services
from .models import AnnualReport, ChangeReport, Reminder, Revocation
from .status import EXPIRED, REVOKED, VALID, later_certificate, report_years, status_of

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    opened: list[int] = field(default_factory=list)  # annual reports opened
    reminded: list[str] = field(default_factory=list)  # reminder keys sent
    missed: list[int] = field(default_factory=list)  # annual reports recorded as missed
    proposed: list[int] = field(default_factory=list)  # revocations proposed
    publicity_ended: list[int] = field(default_factory=list)  # change reports whose publicity ended
    calendar_missing: set[int] = field(default_factory=set)  # years without working-day data
    errors: list[str] = field(default_factory=list)  # a record the run could not handle (the others are handled)

    def summary(self) -> str:
        missing = "、".join(str(y) for y in sorted(self.calendar_missing)) or "无"
        return (f"开放年报 {len(self.opened)} 份；发送提醒 {len(self.reminded)} 条；记为逾期未填报 {len(self.missed)} 份；"
                f"提请取消资格 {len(self.proposed)} 件；更名公示期满 {len(self.publicity_ended)} 件；缺少工作日历的年度：{missing}\n"
                f"(annual reports opened: {len(self.opened)}; reminders sent: {len(self.reminded)}; missed: {len(self.missed)}; "
                f"revocations proposed: {len(self.proposed)}; name-change publicities ended: {len(self.publicity_ended)}; "
                f"years without calendar data: {', '.join(str(y) for y in sorted(self.calendar_missing)) or 'none'})")


def _retrying(fn, attempts: int = 20):
    """SQLite answers a write meeting another writer with "database is locked": wait and run again (every step
    re-checks, so a retry never does anything twice)."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as e:
            if "locked" not in str(e) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None  # pragma: no cover


def _guarded(result: SweepResult, what: str, fn) -> None:
    """One record's failure never stops the run for the others: it is rolled back, logged and reported."""
    try:
        _retrying(fn)
    except Exception as e:  # noqa: BLE001 - reported by the command (non-zero exit), the run goes on
        logger.exception("supervise: %s failed", what)
        result.errors.append(f"{what}: {type(e).__name__}: {e}")


def supervise(*, acting_user, today: dt.date | None = None) -> SweepResult:
    today = today or clock.today()
    result = SweepResult()
    with clock.acting_on(today):
        calendar = services.web_calendar()
        revoked = dict(Revocation.objects.filter(state="revoked").values_list("certificate_id", "revoked_on"))
        for pk in Certificate.objects.order_by("id").values_list("pk", flat=True):
            _guarded(result, f"certificate {pk}", lambda pk=pk: _sweep_certificate(pk, acting_user, today, calendar, revoked.get(pk), result))
        for pk in ChangeReport.objects.filter(state="in_publicity", publicity_last_day__lt=today).values_list("pk", flat=True):
            _guarded(result, f"change report {pk}", lambda pk=pk: _end_publicity(pk, acting_user, today, result))
        for pk in ChangeReport.objects.filter(kind="major", late=True).values_list("pk", flat=True):
            _guarded(result, f"change report {pk}", lambda pk=pk: _late_major_change(pk, acting_user, today, result))
        for year in sorted(result.calendar_missing):
            _retrying(lambda year=year: _calendar_missing(year, acting_user, today, result))
    return result


def _sweep_certificate(pk: int, acting_user, today: dt.date, calendar, revoked_day, result: SweepResult) -> None:
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().select_related("application__enterprise").get(pk=pk)
        status = status_of(cert, today, revoked=revoked_day)
        if status == REVOKED or today < cert.issued_on:
            return
        ent = cert.application.enterprise
        years = report_years(cert)
        have = {r.year: r for r in AnnualReport.objects.filter(certificate=cert)}
        for year in years:
            if year not in have and today >= dt.date(year + 1, 1, 1):
                report = services.annual_report_open(acting_user=acting_user, certificate=cert, year=year, today=today)
                if report is not None:
                    have[year] = report
                    result.opened.append(report.pk)
        for report in sorted(have.values(), key=lambda r: r.year):
            if report.state != "open":
                continue
            if today > report.due_on:
                try:
                    services.annual_report_miss(acting_user=acting_user, report=report, today=today)
                    result.missed.append(report.pk)
                except TransitionRefused:
                    pass
                continue
            _remind(result, acting_user, today, cert, f"annual_report:{report.pk}", "annual_report", report.due_on,
                    lambda report=report: schedule.annual_report_stages(report.due_on, calendar),
                    f"请于 {report.due_on:%Y年%m月%d日} 前填报{report.year}年度发展情况报表（证书 {cert.number}）。",
                    f"Please file your {report.year} annual development report by {report.due_on.isoformat()} (certificate {cert.number}).",
                    f"/enterprise/supervision/reports/{report.pk}/", ent.users.filter(is_active=True))
        missed = [r.year for r in have.values() if r.counted_missed]
        if revocation_proposed(missed, list(years)) and not Revocation.objects.filter(certificate=cert, source="annual_reports").exists():
            reports = sorted((r for r in have.values() if r.counted_missed), key=lambda r: r.due_on)
            act_day = reports[1].due_on + dt.timedelta(days=1)  # the ground is complete the day after the second deadline
            rev = services.revocation_propose(
                acting_user=acting_user, certificate=cert, ground="art19_3", start_year=act_day.year, source="annual_reports",
                basis=f"同一有效期内累计两年未按期填报年度发展情况报表（{'、'.join(f'{r.year}年度（截止 {r.due_on:%Y-%m-%d}）' for r in reports)}）",
                today=today)
            result.proposed.append(rev.pk)
        if status == VALID and later_certificate(cert) is None:
            _remind(result, acting_user, today, cert, f"expiry:{cert.pk}", "expiry", cert.valid_until,
                    lambda: schedule.expiry_stages(cert.valid_until, calendar),
                    f"高新技术企业证书 {cert.number} 将于 {cert.valid_until:%Y年%m月%d日} 到期，请及时申请重新认定。",
                    f"Certificate {cert.number} expires on {cert.valid_until.isoformat()}: apply for re-identification in time.",
                    "/enterprise/supervision/", ent.users.filter(is_active=True))
            _prepayment(result, acting_user, today, cert, calendar, ent)
        if status == EXPIRED and (today - cert.valid_until).days <= 31 and later_certificate(cert) is None:
            key = f"expired:{cert.pk}"
            if services.reminder_send(
                    acting_user=acting_user, key=key, kind="expired", certificate=cert,
                    scheduled_on=cert.valid_until + dt.timedelta(days=1), deadline=cert.valid_until,
                    zh=f"高新技术企业证书 {cert.number} 已于 {cert.valid_until:%Y年%m月%d日} 到期；重新认定通过前不再具有高新技术企业资格。",
                    en=f"Certificate {cert.number} expired on {cert.valid_until.isoformat()}; the status ends until re-identified.",
                    link="/enterprise/supervision/", recipients=list(ent.users.filter(is_active=True)), today=today):
                result.reminded.append(key)


def _remind(result, acting_user, today, cert, key_prefix, kind, deadline, stages_fn, zh, en, link, recipients) -> None:
    """Send the stage of ``stages_fn()`` that is due today (if any). The stages are computed on the calendar only
    inside their window (:func:`schedule.window_start`), so a deadline years ahead never needs a year the State
    Council has not announced yet."""
    if today > deadline or today < schedule.window_start(kind, deadline):
        return
    try:
        stage = schedule.stage_due(stages_fn(), today)
    except CalendarError as e:
        result.calendar_missing.add(e.day.year)
        return
    if stage is None:
        return
    key = f"{key_prefix}:{stage[0]}"
    if services.reminder_send(acting_user=acting_user, key=key, kind=kind, certificate=cert, scheduled_on=stage[1], deadline=deadline,
                              zh=zh, en=en, link=link, recipients=list(recipients), today=today):
        result.reminded.append(key)


def _prepayment(result, acting_user, today, cert, calendar, ent) -> None:
    key = f"prepayment:{cert.pk}"
    if today.year != report_years(cert)[-1] + 1 or Reminder.objects.filter(key=key).exists():
        return  # the advisor's expiry year is the year after the last benefit year: ask it only then
    warning = services.prepayment_warning(cert)
    year = int(warning["expiry_year"])
    if today.year != year:
        return
    try:
        day = schedule.first_working_day_of(year, calendar)
    except CalendarError as e:
        result.calendar_missing.add(e.day.year)
        return
    if today < day:
        return
    prepay, true_up = f"{warning['prepay_rate']:.0%}", f"{warning['true_up_rate']:.0%}"
    if services.reminder_send(
            acting_user=acting_user, key=key, kind="prepayment", certificate=cert, scheduled_on=day, deadline=dt.date(year, 12, 31),
            zh=f"{year}年是证书 {cert.number} 资格期满当年：通过重新认定前，企业所得税暂按{prepay}预缴；年底前仍未取得高新技术企业资格的，"
               f"应按{true_up}补缴相应期间的税款（国家税务总局公告2017年第24号）。",
            en=f"{year} is the expiry year of certificate {cert.number}: prepay income tax at {prepay} until re-identified; if not "
               f"re-identified by year end, pay back the difference at {true_up} (SAT Announcement 2017 No. 24).",
            link="/enterprise/supervision/", recipients=list(ent.users.filter(is_active=True)), today=today):
        result.reminded.append(key)


def _end_publicity(pk: int, acting_user, today: dt.date, result: SweepResult) -> None:
    with transaction.atomic():
        change = ChangeReport.objects.select_for_update().get(pk=pk)
        if change.state != "in_publicity" or change.publicity_last_day >= today:
            return
        try:
            services.change_report_end_publicity(acting_user=acting_user, change=change, today=today)
        except TransitionRefused:
            return
        result.publicity_ended.append(pk)


def _late_major_change(pk: int, acting_user, today: dt.date, result: SweepResult) -> None:
    with transaction.atomic():
        change = ChangeReport.objects.select_related("certificate").get(pk=pk)
        cert = Certificate.objects.select_for_update().get(pk=change.certificate_id)
        if Revocation.objects.filter(source="late_change_report", source_id=pk).exists() or status_of(cert, today) == REVOKED:
            return
        act_day = change.deadline + dt.timedelta(days=1)
        rev = services.revocation_propose(
            acting_user=acting_user, certificate=cert, ground="art19_3", start_year=act_day.year, source="late_change_report",
            source_id=pk, today=today,
            basis=f"{change.event_on:%Y-%m-%d} 发生的重大变化应于 {change.deadline:%Y-%m-%d} 前报告，实际于 {change.reported_on:%Y-%m-%d} 报告（逾期）")
        result.proposed.append(rev.pk)


def _calendar_missing(year: int, acting_user, today: dt.date, result: SweepResult) -> None:
    lgo = list(get_user_model().objects.filter(role="admin", is_active=True))
    services.reminder_send(acting_user=acting_user, key=f"calendar:{year}", kind="calendar", certificate=None, scheduled_on=today,
                           deadline=None, zh=f"工作日历缺少 {year} 年的数据，监管提醒无法计算：请载入国务院办公厅 {year} 年节假日安排通知。",
                           en=f"The working-day calendar has no data for {year}: supervision reminders cannot be computed; load the "
                              f"State Council's {year} holiday notice.", link="/office/calendar/", recipients=lgo, today=today)
