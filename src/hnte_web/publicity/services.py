"""Publicity services: publish a list, receive and resolve objections, end the period (the scheduled tick),
load a newly announced year of the working-day calendar. Each runs in one transaction and audits what it does;
state changes go through the declared machines (``APPLICATION``, ``OBJECTION``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from hnte.core.errors import InputError
from hnte.procedure.calendar import (
    CalendarError,
    WorkingDayCalendar,
    dump_calendar,
    parse_calendar,
    parse_calendar_text,
)
from hnte.procedure.periods import Period, publicity_period
from hnte_web.applications.models import Application
from hnte_web.applications.workflow import APPLICATION
from hnte_web.audit.services import audit_record, notify_on_commit
from hnte_web.core.workflow import TransitionRefused

from . import clock
from .models import CalendarYear, Objection, Publicity, PublicityEntry
from .regions import region_name
from .workflow import OBJECTION

SYSTEM_USERNAME = "system"


def system_user():
    """The account the scheduled commands act as, so the audit log says who: role Leading Group Office, no
    usable password, inactive (it can never log in)."""
    User = get_user_model()
    for _ in range(2):
        user = User.objects.filter(username=SYSTEM_USERNAME).first()
        if user is not None:
            if user.role != "admin" or user.is_active or user.has_usable_password():
                raise RuntimeError(f"the account {SYSTEM_USERNAME!r} exists but is not the system account")
            return user
        try:
            with transaction.atomic():
                user = User(username=SYSTEM_USERNAME, role="admin", is_active=False, first_name="系统（定时任务）")
                user.set_unusable_password()
                user.save()
                return user
        except IntegrityError:  # created at the same moment by another run
            continue
    raise RuntimeError("cannot create the system account")


# --- the working-day calendar --------------------------------------------------------------------------------


def web_calendar() -> WorkingDayCalendar:
    """The built-in years with the years the Leading Group Office loaded (stored here, passed to the engine)."""
    years = []
    for row in CalendarYear.objects.order_by("year"):
        years += parse_calendar({"format": "hnte/calendar@1", "years": [json.loads(row.data_json)]}, f"calendar {row.year}")
    return WorkingDayCalendar(years)


def period_for(published_on: dt.date, working_days: int | None = None, calendar: WorkingDayCalendar | None = None) -> Period:
    """The engine's publicity period (I15) on this system's calendar; a day without data refuses, naming the year."""
    try:
        return publicity_period(published_on, working_days, calendar=calendar or web_calendar())
    except CalendarError as e:
        raise TransitionRefused(e.message_zh + "（领导小组办公室：系统 → 工作日历）",
                                e.message_en + " (Leading Group Office: calendar page)", code="calendar") from None


def _sources(calendar: WorkingDayCalendar, published_on: dt.date, period: Period) -> dict[str, str]:
    """Which notice each year of the period was counted on (kept with the publicity)."""
    return {str(y): calendar.source(y) or "" for y in range(published_on.year, period.last_day.year + 1)}


def calendar_load(*, acting_user, text: str, source: str) -> list:
    """Load one or more years of the State Council notice (``hnte/calendar@1``). A loaded year replaces the built-in
    data for that year; the periods of publicities still running are recomputed (and the changes audited)."""
    if not getattr(acting_user, "is_lgo", False):
        raise TransitionRefused("只有领导小组办公室可以载入工作日历", "only the Leading Group Office loads the calendar")
    years = parse_calendar_text(text, source)  # InputError names the field
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        rows = []
        for y in years:
            data = json.loads(dump_calendar([y]))["years"][0]
            row, _ = CalendarYear.objects.update_or_create(
                year=y.year, defaults={"source": y.source[:300], "data_json": json.dumps(data, ensure_ascii=False),
                                       "sha256": digest, "loaded_by": acting_user})
            rows.append(row)
        calendar = web_calendar()
        changed = []
        for pub in Publicity.objects.select_for_update().filter(ended_at__isnull=True).order_by("id"):
            try:
                period = publicity_period(pub.published_on, pub.working_days, calendar=calendar)
            except CalendarError:  # pragma: no cover - loading only adds or replaces years, never removes one
                continue
            if (period.first_day, period.last_day) != (pub.first_day, pub.last_day):
                changed.append({"publicity": pub.pk, "from": pub.last_day.isoformat(), "to": period.last_day.isoformat()})
                pub.first_day, pub.last_day = period.first_day, period.last_day
                pub.calendar_sources = _sources(calendar, pub.published_on, period)
                pub.save(update_fields=["first_day", "last_day", "calendar_sources"])
        audit_record(acting_user=acting_user, action="calendar.load", obj=rows[0],
                     reason="；".join(f"{y.year}: {y.source}" for y in years)[:1000],
                     data={"years": [y.year for y in years], "sha256": digest, "file": source, "recomputed": changed})
    return years


# --- publishing ----------------------------------------------------------------------------------------------


def publicity_publish(*, acting_user, title: str, applications: list[Application], published_on: dt.date | None = None,
                      batch=None) -> Publicity:
    """领导小组办公室公示: the list (number, enterprise name, region) for N working days from ``published_on``."""
    if not getattr(acting_user, "is_lgo", False):
        raise TransitionRefused("只有领导小组办公室可以发布公示", "only the Leading Group Office publishes a list")
    title = (title or "").strip()
    if not title:
        raise TransitionRefused("请填写公示标题", "title: give the list a title", code="title")
    if not applications:
        raise TransitionRefused("请至少选择一件已报备的申请", "applications: choose at least one reported application", code="applications")
    published_on = published_on or clock.today()
    if published_on < clock.today():
        raise TransitionRefused(f"公示发布日期不能早于今天（{clock.today():%Y-%m-%d}）",
                                f"published_on: cannot be before today ({clock.today().isoformat()})", code="published_on")
    calendar = web_calendar()
    period = period_for(published_on, calendar=calendar)
    ordered = sorted(applications, key=lambda a: (a.region_code, a.pk))
    with transaction.atomic():
        pub = Publicity.objects.create(title=title[:200], batch=batch, published_on=published_on, first_day=period.first_day,
                                       last_day=period.last_day, working_days=period.working_days,
                                       calendar_sources=_sources(calendar, published_on, period), published_by=acting_user)
        for number, app in enumerate(ordered, 1):
            def effect(locked: Application, number=number) -> None:
                PublicityEntry.objects.create(publicity=pub, application=locked, number=number,
                                              enterprise_name=locked.enterprise.name, region_code=locked.region_code,
                                              region_name=region_name(locked.region_code))

            APPLICATION.perform(app, "publish", acting_user=acting_user, reason=f"公示：{title}", effect=effect,
                                data={"publicity": pub.pk, "number": number},
                                notify=lambda a: _notify_enterprise(
                                    a, f"您的企业已列入公示名单“{title}”，公示期 {period.first_day:%Y-%m-%d} 至 {period.last_day:%Y-%m-%d}。",
                                    f"Your enterprise is on the publicity list \"{title}\" from {period.first_day} to {period.last_day}."))
        audit_record(acting_user=acting_user, action="publicity.publish", obj=pub, reason=title,
                     data={"published_on": published_on.isoformat(), "first_day": period.first_day.isoformat(),
                           "last_day": period.last_day.isoformat(), "working_days": period.working_days,
                           "applications": [a.pk for a in ordered]})
    return pub


def _notify_enterprise(app: Application, zh: str, en: str, link: str = "") -> None:
    for user in app.enterprise.users.all():
        notify_on_commit(user, zh, en, link or f"/applications/{app.pk}/")


def _notify_offices(app: Application, zh: str, en: str, link: str) -> None:
    User = get_user_model()
    for user in User.objects.filter(role__in=["office", "admin"], is_active=True).exclude(username=SYSTEM_USERNAME):
        if user.covers_region(app.region_code):
            notify_on_commit(user, zh, en, link)


# --- objections ----------------------------------------------------------------------------------------------

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
NAME = re.compile(r"^[\u3400-\u9fff·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,49}$")
CONTENT_MIN_CHARS = 10


@dataclass
class ObjectionForm:
    """What the objector writes: real name and contact (required), the enterprise objected to and the reasons."""

    entry_number: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    organisation: str = ""
    address: str = ""
    content: str = ""
    pledge: bool = False
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)


def objection_validate(publicity: Publicity, form: ObjectionForm) -> PublicityEntry | None:
    """Fill ``form.errors`` (field → (zh, en)); return the entry objected to when all is well."""
    e = form.errors
    entry = None
    number = form.entry_number.strip()
    if not number.isdigit():
        e["entry_number"] = ("请选择异议针对的企业（名单序号）", "choose the enterprise (its number on the list)")
    else:
        entry = publicity.entries.filter(number=int(number)).first()
        if entry is None:
            e["entry_number"] = (f"名单中没有序号 {number}", f"the list has no number {number}")
    name = form.name.strip()
    if not NAME.match(name):
        e["name"] = ("请填写真实姓名（2–20个汉字，或英文姓名）", "give your real name (2–20 Chinese characters, or a name in Latin letters)")
    phone = form.phone.strip().replace(" ", "")
    if not PHONE.match(phone):
        e["phone"] = ("请填写有效的联系电话（手机号码11位，或区号-座机号码）", "give a valid phone number (11-digit mobile, or area code-number)")
    if form.email.strip() and not EMAIL.match(form.email.strip()):
        e["email"] = ("电子邮箱格式不正确", "the e-mail address is not valid")
    if len(form.content.strip()) < CONTENT_MIN_CHARS:
        e["content"] = (f"请写明异议的具体事实和理由（不少于{CONTENT_MIN_CHARS}字）",
                        f"state the facts and reasons of the objection (at least {CONTENT_MIN_CHARS} characters)")
    elif len(form.content) > 5000:
        e["content"] = ("异议内容不超过5000字，可分多次提交", "at most 5,000 characters")
    if len(form.organisation) > 100:
        e["organisation"] = ("工作单位不超过100字", "at most 100 characters")
    if len(form.address) > 200:
        e["address"] = ("通讯地址不超过200字", "at most 200 characters")
    if not form.pledge:
        e["pledge"] = ("请确认以真实身份提出异议并对内容的真实性负责", "confirm that you object under your real name and stand by the facts")
    if not publicity.is_open:
        e["period"] = (f"公示期为 {publicity.first_day:%Y-%m-%d} 至 {publicity.last_day:%Y-%m-%d}，现不在公示期内，不再受理异议",
                        f"the publicity ran from {publicity.first_day} to {publicity.last_day}: objections are no longer received")
    form.name, form.phone = name, phone
    return None if e else entry


def objection_submit(*, acting_user, publicity: Publicity, form: ObjectionForm, client: str = "") -> Objection | None:
    """Receive a written, real-name objection during the period; None (with ``form.errors``) if it is not valid.
    The offices of the enterprise's region and the Leading Group Office are notified."""
    with transaction.atomic():
        locked = Publicity.objects.select_for_update().get(pk=publicity.pk)
        entry = objection_validate(locked, form)
        if entry is None:
            return None
        obj = Objection.objects.create(entry=entry, objector_name=form.name, objector_phone=form.phone,
                                       objector_email=form.email.strip(), objector_organisation=form.organisation.strip(),
                                       objector_address=form.address.strip(), content=form.content.strip(), received_from=client[:64])
        user = acting_user if getattr(acting_user, "is_authenticated", False) else AnonymousUser()
        audit_record(acting_user=user, action="objection.submit", obj=obj, to_state=obj.state,
                     data={"publicity": locked.pk, "entry": entry.number, "application": entry.application_id})
        _notify_offices(entry.application, f"收到对公示企业“{entry.enterprise_name}”的实名异议，请核实处理。",
                        f"A real-name objection to \"{entry.enterprise_name}\" awaits verification.", f"/office/objections/{obj.pk}/")
    return obj


def objection_verify(*, acting_user, objection: Objection, note: str) -> None:
    """认定机构受理核实: record how the objection is being verified."""

    def effect(o: Objection) -> None:
        o.verification_note = note.strip()

    OBJECTION.perform(objection, "verify", acting_user=acting_user, reason=note, effect=effect)


def objection_uphold(*, acting_user, objection: Objection, reason: str) -> None:
    """The objection is upheld: the application is not identified (``reject``, with the reason shown to the
    enterprise). Two state changes in one transaction, each audited by its own machine."""

    def effect(o: Objection) -> None:
        o.resolution_reason = reason.strip()
        app = o.entry.application
        APPLICATION.perform(app, "reject", acting_user=acting_user, reason=f"公示期间异议经核实成立：{reason.strip()}",
                            data={"objection": o.pk},
                            notify=lambda a: _notify_enterprise(a, f"公示期间的异议经认定机构核实成立，不予认定：{reason.strip()}",
                                                                f"An objection during the publicity was upheld; not identified: {reason.strip()}"))

    OBJECTION.perform(objection, "uphold", acting_user=acting_user, reason=reason, effect=effect)


def objection_dismiss(*, acting_user, objection: Objection, reason: str) -> None:
    """The objection is not upheld: nothing happens to the application (once no objection is open and the period is
    over, the tick lets it go on)."""

    def effect(o: Objection) -> None:
        o.resolution_reason = reason.strip()

    OBJECTION.perform(objection, "dismiss", acting_user=acting_user, reason=reason, effect=effect)


# --- the end of the period -----------------------------------------------------------------------------------


def publicity_entry_end(*, acting_user, entry: PublicityEntry) -> None:
    """公示期满无异议: the office (or the LGO) moves one application on once its period is over and no objection is open."""
    APPLICATION.perform(entry.application, "end_publicity", acting_user=acting_user, reason="公示期满，无异议或异议不成立",
                        data={"publicity": entry.publicity_id})


@dataclass
class TickResult:
    ended: list[int] = field(default_factory=list)  # publicities whose period was ended by this run
    moved: list[int] = field(default_factory=list)  # applications moved to "publicized"
    held: list[int] = field(default_factory=list)  # applications held by an open objection


def _retrying(fn, attempts: int = 20):
    """SQLite answers a write that meets another writer with "database is locked": wait and run again (the work
    re-checks everything, so a retry never does anything twice). PostgreSQL waits on the row lock instead."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as e:
            if "locked" not in str(e) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None  # pragma: no cover


def publicity_tick(*, acting_user, today: dt.date | None = None) -> TickResult:
    """The scheduled step (``hnte-admin tick``): end every publicity whose last day has passed and move its unopposed
    applications to ``publicized``; an open objection holds its application until the office resolves it (a later
    run moves it once the objection is dismissed). Idempotent: each publicity is locked and re-read, each move
    re-checked by the state machine, so a second run — after or at the same time — does nothing twice."""
    today = today or timezone.localdate()
    result = TickResult()
    with clock.acting_on(today):
        due = set(Publicity.objects.filter(ended_at__isnull=True, last_day__lt=today).values_list("pk", flat=True))
        due |= set(PublicityEntry.objects.filter(publicity__ended_at__isnull=False, application__state="in_publicity")
                   .values_list("publicity_id", flat=True))
        for pk in sorted(due):
            _retrying(lambda pk=pk: _tick_one(pk, acting_user, today, result))
    return result


def _tick_one(pk: int, acting_user, today: dt.date, result: TickResult) -> None:
    moved: list[int] = []
    held: list[int] = []
    ended = False
    with transaction.atomic():
        pub = Publicity.objects.select_for_update().get(pk=pk)
        if pub.last_day >= today:
            return
        for entry in pub.entries.select_related("publicity", "application").order_by("number"):
            if entry.application.state != "in_publicity":
                continue
            if entry.end_problem() is not None:
                held.append(entry.application_id)
                continue
            try:
                APPLICATION.perform(entry.application, "end_publicity", acting_user=acting_user,
                                    reason=f"公示期满（{pub.first_day:%Y-%m-%d} 至 {pub.last_day:%Y-%m-%d}），无异议或异议不成立",
                                    data={"publicity": pub.pk, "today": today.isoformat()})
            except TransitionRefused:  # moved meanwhile (by the office, or another run): nothing to do
                continue
            moved.append(entry.application_id)
        if pub.ended_at is None:
            pub.ended_at = timezone.now()
            pub.save(update_fields=["ended_at"])
            audit_record(acting_user=acting_user, action="publicity.end", obj=pub,
                         reason=f"公示期 {pub.first_day:%Y-%m-%d} 至 {pub.last_day:%Y-%m-%d} 已满",
                         data={"today": today.isoformat(), "moved": moved, "held": held})
            ended = True
    if ended:
        result.ended.append(pk)
    result.moved += moved
    result.held += held


def calendar_input_issues(err: InputError, lang: str) -> list[str]:
    return [(f"{i.path}: " if i.path else "") + i.message(lang) for i in err.issues]

