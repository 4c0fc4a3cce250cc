"""Supervision services. Each is keyword-only, takes ``acting_user`` and ``today`` (the clock of the daily run or
of the request: ``publicity.clock``), runs in one transaction, writes one audit event (state changes go through the
declared machines of :mod:`.workflow`) and sends its notifications after commit.

Bad input raises :class:`hnte.core.errors.InputError` whose issue paths are the form's field names; a rule that
refuses raises :class:`TransitionRefused` (its ``code`` names the field when there is one)."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import secrets
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import ceil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from hnte.application.load import _parse_text, parse_application
from hnte.core.errors import InputError, InputIssue
from hnte.engine import assess
from hnte.procedure.calendar import CalendarError
from hnte.procedure.periods import (
    change_report_deadline,
    change_report_is_late,
    publicity_period,
    reapplication_barred_until,
)
from hnte.supervision.annual_report import annual_report_checks, parse_figures
from hnte.supervision.rules import (
    prefill_reidentification,
    recovery,
    reexamination_window,
    unusable_class_ii_ip,
)
from hnte_web.applications.filedata import dumps, loads
from hnte_web.applications.models import Application
from hnte_web.audit.services import audit_record, notify_on_commit
from hnte_web.certificates.models import Certificate
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.models import Enterprise
from hnte_web.publicity import clock

from .models import (
    MAJOR_KINDS,
    AnnualReport,
    CertificateReissue,
    ChangeKind,
    ChangeReport,
    Check,
    CheckConclusion,
    CheckItem,
    CheckKind,
    DisputeKind,
    LocalDeadline,
    Reexamination,
    Relocation,
    RelocationKind,
    Reminder,
    Revocation,
    RevocationGround,
)
from .status import REVOKED, VALID, report_due, revoked_on, status_of
from .workflow import ANNUAL_REPORT, CHANGE_REPORT, CHECK_ITEM, REEXAMINATION, REVOCATION

CERTIFICATE_NUMBER = re.compile(r"^GR\d{4}\d{2}\d{6}$")
ARTICLE_TEXT = {"art16": ("第十六条", "Art. 16"), "art17": ("第十七条", "Art. 17"), "art19_1": ("第十九条（一）", "Art. 19(1)"),
                "art19_2": ("第十九条（二）", "Art. 19(2)"), "art19_3": ("第十九条（三）", "Art. 19(3)")}


def ground_label(ground: str, lang: str = "zh") -> str:
    """"第十九条（三） 未按期报告…" from the dated parameter ``supervision.revocation_grounds``."""
    from hnte.core.parameters import ParameterView

    rule = ParameterView(clock.today()).ref("supervision.revocation_grounds").value.get(ground, {})
    article = ARTICLE_TEXT.get(ground, (ground, ground))
    return f"{article[1]} {rule.get('label_en', '')}" if lang == "en" else f"{article[0]} {rule.get('label_zh', '')}"


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _issues(*issues: tuple[str, str, str]) -> InputError:
    return InputError("", [InputIssue(path, zh, en) for path, zh, en in issues])


def _enterprise_of(cert: Certificate) -> Enterprise:
    return cert.application.enterprise


def notify_enterprise(enterprise: Enterprise, zh: str, en: str, link: str = "/enterprise/supervision/") -> None:
    for user in enterprise.users.filter(is_active=True):
        notify_on_commit(user, zh, en, link)


def notify_offices(region_code: str, zh: str, en: str, link: str = "/office/supervision/") -> None:
    for user in get_user_model().objects.filter(role="office", is_active=True):
        if user.covers_region(region_code):
            notify_on_commit(user, zh, en, link)


def web_calendar():
    from hnte_web.publicity.services import web_calendar as calendar

    return calendar()


def certificate_data(cert: Certificate) -> dict:
    """The application file the certificate was granted on: its last submitted version."""
    version = cert.application.versions.order_by("-number").first()
    return version.data if version else cert.application.data


# --- annual development reports (Art. 13; Guidelines 五（五）; I17) --------------------------------------------------


def annual_report_open(*, acting_user, certificate: Certificate, year: int, today: dt.date | None = None) -> AnnualReport | None:
    """Open the report on ``year`` (the daily run, from 1 January of the next year). Never twice, and never after
    its deadline has passed (a report the system did not ask for in time is not counted as missed)."""
    today = _today(today)
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().select_related("application__enterprise").get(pk=certificate.pk)
        if AnnualReport.objects.filter(certificate=cert, year=year).exists():
            return None
        ent = _enterprise_of(cert)
        due = report_due(ent.region_code, year)
        if due < today:
            return None
        report = AnnualReport.objects.create(certificate=cert, enterprise=ent, year=year, due_on=due, opened_on=today)
        audit_record(acting_user=acting_user, action="annual_report.open", obj=report, to_state=report.state,
                     data={"certificate": cert.number, "year": year, "due_on": due.isoformat()})
        notify_enterprise(ent, f"{year}年度发展情况报表已开放填报，截止日期 {due:%Y年%m月%d日}（证书 {cert.number}）。",
                          f"Your {year} annual development report is open: due {due.isoformat()} (certificate {cert.number}).",
                          f"/enterprise/supervision/reports/{report.pk}/")
    return report


def annual_report_submit(*, acting_user, report: AnnualReport, figures: dict, today: dt.date | None = None) -> AnnualReport:
    """填报: the figures are checked for consistency (an error names the field) and against the identification
    thresholds (warnings, shown and kept). After the deadline the report is received as late: it still counts as not
    filed on time (Guidelines 五（五）: "累计两年未按规定时限报送")."""
    today = _today(today)
    parsed = parse_figures(figures, source="")
    checks = [c.to_dict() for c in annual_report_checks(parsed, report.year)]
    stored = {k: str(v) for k, v in parsed.items()}
    name = "submit" if today <= report.due_on else "submit_late"
    warnings = [c["code"] for c in checks if c["status"] == "warning"]

    def effect(r: AnnualReport) -> None:
        r.figures, r.checks, r.submitted_on, r.submitted_by = stored, checks, today, acting_user

    def notify(r: AnnualReport) -> None:
        if warnings or name == "submit_late":
            notify_offices(r.enterprise.region_code,
                           f"{r.enterprise.name} 的{r.year}年度发展情况报表{'逾期补报' if name == 'submit_late' else '已填报'}"
                           + (f"，有 {len(warnings)} 项低于认定条件" if warnings else ""),
                           f"{r.enterprise.name} filed its {r.year} annual report{' late' if name == 'submit_late' else ''}"
                           + (f"; {len(warnings)} figures below the conditions" if warnings else ""),
                           f"/office/supervision/certificates/{r.certificate_id}/")

    with clock.acting_on(today):
        ANNUAL_REPORT.perform(report, name, acting_user=acting_user, reason=f"{report.year}年度发展情况报表", effect=effect,
                              data={"year": report.year, "due_on": report.due_on.isoformat(), "warnings": warnings},
                              notify=notify)
    return report


def annual_report_miss(*, acting_user, report: AnnualReport, today: dt.date | None = None) -> None:
    """The daily run records a report not filed by its deadline."""
    today = _today(today)

    def notify(r: AnnualReport) -> None:
        notify_enterprise(r.enterprise, f"{r.year}年度发展情况报表未在 {r.due_on:%Y年%m月%d日} 前填报，已记为未按期填报；请尽快补报。",
                          f"Your {r.year} annual report was not filed by {r.due_on.isoformat()}: recorded as missed; file it now.",
                          f"/enterprise/supervision/reports/{r.pk}/")

    with clock.acting_on(today):
        ANNUAL_REPORT.perform(report, "miss", acting_user=acting_user, reason=f"截止日期 {report.due_on.isoformat()} 已过",
                              data={"year": report.year, "today": today.isoformat()}, notify=notify)


def local_deadline_set(*, acting_user, due_on: dt.date | None, notice: str, today: dt.date | None = None) -> LocalDeadline:
    """An office's earlier local deadline for its region's reports (I17); open reports due that year follow it."""
    from hnte.procedure.periods import annual_report_due

    today = _today(today)
    if not (getattr(acting_user, "is_office", False) and acting_user.region_prefix):
        raise TransitionRefused("只有认定机构可以设定本地截止日期", "only an identification office sets a local deadline")
    notice = (notice or "").strip()
    problems = []
    if due_on is None:
        problems.append(("due_on", "请填写日期", "give a date"))
    else:
        try:
            annual_report_due(due_on.year - 1, due_on)
        except ValueError:
            problems.append(("due_on", f"本地截止日期只能早于全国截止日期（{due_on.year}年5月31日）",
                             f"a local deadline can only be earlier than the national one ({due_on.year}-05-31)"))
        if due_on < today:
            problems.append(("due_on", f"不能早于今天（{today:%Y-%m-%d}）", f"cannot be before today ({today.isoformat()})"))
    if not notice:
        problems.append(("notice", "请填写通知文号或标题", "give the notice's number or title"))
    if problems:
        raise _issues(*problems)
    prefix = acting_user.region_prefix
    with transaction.atomic():
        row, _ = LocalDeadline.objects.update_or_create(region_prefix=prefix, due_year=due_on.year,
                                                        defaults={"due_on": due_on, "notice": notice[:200], "set_by": acting_user})
        moved = []
        for report in AnnualReport.objects.select_for_update().select_related("enterprise").filter(
                state="open", year=due_on.year - 1, enterprise__region_code__startswith=prefix):
            due = report_due(report.enterprise.region_code, report.year)
            if due != report.due_on:
                moved.append({"report": report.pk, "from": report.due_on.isoformat(), "to": due.isoformat()})
                report.due_on = due
                report.save(update_fields=["due_on"])
                notify_enterprise(report.enterprise, f"{report.year}年度发展情况报表的截止日期调整为 {due:%Y年%m月%d日}（{notice}）。",
                                  f"The deadline of your {report.year} annual report is now {due.isoformat()} ({notice}).",
                                  f"/enterprise/supervision/reports/{report.pk}/")
        audit_record(acting_user=acting_user, action="supervision.local_deadline", obj=row, reason=notice[:200],
                     data={"region_prefix": prefix, "due_on": due_on.isoformat(), "moved": moved})
    return row


# --- reminders (the daily run) ---------------------------------------------------------------------------------------


def reminder_send(*, acting_user, key: str, kind: str, certificate: Certificate | None, scheduled_on: dt.date,
                  deadline: dt.date | None, zh: str, en: str, link: str, recipients, today: dt.date | None = None) -> bool:
    """Send one reminder, once: its key is unique, so a second run (even at the same moment) sends nothing."""
    today = _today(today)
    with transaction.atomic():
        if Reminder.objects.filter(key=key).exists():
            return False
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(key=key, kind=kind, certificate=certificate, scheduled_on=scheduled_on,
                                                   sent_on=today, deadline=deadline, message_zh=zh, message_en=en)
        except IntegrityError:
            return False
        audit_record(acting_user=acting_user, action="reminder.send", obj=reminder, reason=zh[:200],
                     data={"key": key, "kind": kind, "scheduled_on": scheduled_on.isoformat()})
        for user in recipients:
            notify_on_commit(user, zh, en, link)
    return True


# --- change reports (Art. 17; Guidelines 五（三）; I16) ------------------------------------------------------------------


def _parse_application_text(text: str, path: str) -> dict:
    """An application file (YAML or JSON) as stored data; errors keep their field paths under ``path``."""
    from hnte_web.applications.services import _jsonable

    try:
        model = parse_application(None, "", text=text)
    except InputError as e:
        raise InputError("", [InputIssue(f"{path}: {i.path}" if i.path else path, i.message_zh, i.message_en) for i in e.issues]) from None
    return _jsonable(model.model_dump(mode="python", exclude_none=True))


def change_report_submit(*, acting_user, certificate: Certificate, kind: str, event_on: dt.date | None, new_name: str,
                         major_kinds: list[str], description: str, data_text: str = "", today: dt.date | None = None) -> ChangeReport:
    """The enterprise reports a name change or a major change; a report after three months (I16) is flagged late."""
    today = _today(today)
    ent = _enterprise_of(certificate)
    new_name = (new_name or "").strip()
    description = (description or "").strip()
    problems = []
    if kind not in ChangeKind.values:
        problems.append(("kind", "请选择变化类型（更名或重大变化）", "choose the kind of change (name or major)"))
    if event_on is None:
        problems.append(("event_on", "请填写变化发生日期", "give the date of the change"))
    elif event_on > today:
        problems.append(("event_on", f"变化发生日期不能晚于今天（{today:%Y-%m-%d}）", f"cannot be after today ({today.isoformat()})"))
    elif event_on < certificate.issued_on:
        problems.append(("event_on", f"变化发生在发证日期（{certificate.issued_on:%Y-%m-%d}）之前", f"before the certificate's issue date ({certificate.issued_on})"))
    if kind == "name" and not new_name:
        problems.append(("new_name", "更名须填写变更后的企业名称", "a name change needs the new name"))
    if new_name and new_name == ent.name:
        problems.append(("new_name", "变更后的名称与现名称相同", "the new name is the current name"))
    if len(new_name) > 200:
        problems.append(("new_name", "名称过长（最多200字）", "name too long (200 characters at most)"))
    bad = [k for k in major_kinds if k not in MAJOR_KINDS]
    if kind == "major" and (not major_kinds or bad):
        problems.append(("major_kinds", "请选择重大变化的类型：分立、合并、重组或经营业务发生变化", "choose the kind of major change"))
    if kind == "name" and major_kinds:
        problems.append(("major_kinds", "仅更名时不选择重大变化类型（有重大变化请选“重大变化”）", "a pure name change has no major-change kind"))
    if not description:
        problems.append(("description", "请说明变化情况", "describe the change"))
    data = None
    if (data_text or "").strip():
        try:
            data = _parse_application_text(data_text, "data")
            _assessment_summary(data)
        except InputError as e:
            problems += [(i.path, i.message_zh, i.message_en) for i in e.issues]
    elif kind == "major":
        problems.append(("data", "重大变化须提交变化后的申请数据（申请书文件），供按第十一条核实",
                         "a major change needs the application file after the change, for the Art. 11 re-check"))
    if problems:
        raise _issues(*problems)
    if status_of(certificate, today) != VALID:
        raise TransitionRefused("该证书的高新技术企业资格已不在有效期内或已被取消", "the certificate's status is no longer valid")
    deadline = change_report_deadline(event_on)
    late = change_report_is_late(event_on, today)
    with transaction.atomic():
        change = ChangeReport.objects.create(
            certificate=certificate, enterprise=ent, kind=kind, major_kinds=sorted(set(major_kinds)), event_on=event_on,
            reported_on=today, deadline=deadline, late=late, old_name=ent.name, new_name=new_name, description=description,
            data_json=dumps(data) if data else "", reported_by=acting_user)
        audit_record(acting_user=acting_user, action="change_report.report", obj=change, to_state=change.state,
                     reason=description[:200], data={"kind": kind, "event_on": event_on.isoformat(), "deadline": deadline.isoformat(),
                                                     "late": late, "new_name": new_name})
        flag_zh = f"（逾期报告：应于 {deadline:%Y年%m月%d日} 前报告）" if late else ""
        flag_en = f" (late: due by {deadline.isoformat()})" if late else ""
        notify_offices(ent.region_code, f"{ent.name} 报告{'更名' if kind == 'name' else '重大变化'}{flag_zh}",
                       f"{ent.name} reported a {'name change' if kind == 'name' else 'major change'}{flag_en}",
                       f"/office/supervision/changes/{change.pk}/")
    return change


def change_report_publish(*, acting_user, change: ChangeReport, today: dt.date | None = None) -> None:
    """更名公示 for 10 working days (I15 calendar) from today."""
    from hnte.core.parameters import ParameterView

    today = _today(today)
    days = int(ParameterView(today).ref("supervision.name_change_publicity_working_days").value)
    try:
        period = publicity_period(today, days, calendar=web_calendar())
    except CalendarError as e:
        raise TransitionRefused(e.message("zh") + "（领导小组办公室：系统 → 工作日历）", e.message("en"), code="calendar") from None

    def effect(c: ChangeReport) -> None:
        c.publicity_first_day, c.publicity_last_day = period.first_day, period.last_day

    with clock.acting_on(today):
        CHANGE_REPORT.perform(change, "publish", acting_user=acting_user, reason="更名公示",
                              data={"first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat(),
                                    "working_days": days}, effect=effect,
                              notify=lambda c: notify_enterprise(
                                  c.enterprise, f"更名公示：{period.first_day:%Y年%m月%d日} 至 {period.last_day:%Y年%m月%d日}（{days}个工作日）。",
                                  f"Name change publicised {period.first_day} to {period.last_day} ({days} working days)."))


def change_report_end_publicity(*, acting_user, change: ChangeReport, today: dt.date | None = None) -> None:
    today = _today(today)
    with clock.acting_on(today):
        CHANGE_REPORT.perform(change, "end_publicity", acting_user=acting_user, reason="公示期满",
                              data={"today": today.isoformat()},
                              notify=lambda c: notify_offices(c.enterprise.region_code, f"{c.old_name} 更名公示期满，可重新核发证书",
                                                              f"The name change of {c.old_name} has ended its publicity: reissue the certificate",
                                                              f"/office/supervision/changes/{c.pk}/"))


def _pdf_path(cert: Certificate) -> Path | None:
    from hnte_web.certificates import services as certificates

    fn = getattr(certificates, "_pdf_path", None)
    return fn(cert) if fn else None


def _reissue(change: ChangeReport, acting_user, today: dt.date) -> CertificateReissue:
    """重新核发认定证书，编号与有效期不变: the certificate and the registration take the new name; the printed PDF is
    printed again on its next download."""
    cert = Certificate.objects.select_for_update().get(pk=change.certificate_id)
    reissue = CertificateReissue.objects.create(certificate=cert, change_report=change, old_name=cert.enterprise_name,
                                                new_name=change.new_name, number=cert.number, valid_until=cert.valid_until,
                                                reissued_on=today, reissued_by=acting_user)
    cert.enterprise_name, cert.pdf_sha256 = change.new_name, ""
    cert.save(update_fields=["enterprise_name", "pdf_sha256"])
    ent = Enterprise.objects.select_for_update().get(pk=change.enterprise_id)
    ent.name = change.new_name
    ent.save(update_fields=["name"])
    path = _pdf_path(cert)
    if path is not None:
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return reissue


def _reissue_notice(c: ChangeReport) -> None:
    cert = c.certificate
    notify_enterprise(c.enterprise, f"证书已按新名称“{c.new_name}”重新核发，编号 {cert.number}、有效期至 {cert.valid_until:%Y年%m月%d日} 不变。",
                      f"Your certificate is reissued in the name {c.new_name}: number {cert.number} and validity "
                      f"(until {cert.valid_until}) unchanged.", "/certificates/")


def change_report_reissue(*, acting_user, change: ChangeReport, today: dt.date | None = None) -> None:
    today = _today(today)
    with clock.acting_on(today):
        CHANGE_REPORT.perform(change, "reissue", acting_user=acting_user, reason="公示期满无异议，重新核发证书",
                              effect=lambda c: setattr(c, "decided_on", today) or _reissue(c, acting_user, today),
                              data={"new_name": change.new_name, "number": change.certificate.number}, notify=_reissue_notice)


def _assessment_summary(data: dict) -> dict:
    """The engine's verdict on the application file (a date outside every law version is an error on ``data``)."""
    from hnte.core.errors import LawVersionError

    try:
        result = assess(parse_application(data))
    except LawVersionError as e:
        raise InputError("", [InputIssue(f"data: {e.path}", e.message_zh, e.message_en)]) from None
    return {"verdict": result.verdict, "application_date": result.app.application_date.isoformat(),
            "law_version": result.law.id,
            "criteria": [{"id": c.id, "label_zh": c.label_zh, "label_en": c.label_en, "status": c.status, "cites": list(c.cites)}
                         for c in result.criteria]}


def change_report_recheck(*, acting_user, change: ChangeReport, reason: str = "", today: dt.date | None = None) -> dict:
    """按第十一条核实: the engine assesses the figures after the change. From the publicity (an objection) a reason is
    required."""
    today = _today(today)
    if change.state == "in_publicity" and not (reason or "").strip():
        raise TransitionRefused("公示期间转为核实须写明异议情况", "reason: state the objection", code="reason")
    try:
        summary = _assessment_summary(loads(change.data_json)) if change.data_json else {}
    except InputError as e:
        raise TransitionRefused("变化后的申请数据无法评估：" + e.render("zh"), "the file after the change cannot be assessed: " + e.render("en"),
                                code="data") from None
    with clock.acting_on(today):
        CHANGE_REPORT.perform(change, "recheck", acting_user=acting_user, reason=reason or "按第十一条核实",
                              effect=lambda c: setattr(c, "assessment", summary),
                              data={"verdict": summary.get("verdict")})
    return summary


def change_report_keep(*, acting_user, change: ChangeReport, reason: str = "", today: dt.date | None = None) -> None:
    """核实符合认定条件: the status is kept; with a name change the certificate is reissued (same number and validity).
    When the engine could not decide (undetermined) the office's reason is required."""
    today = _today(today)
    if (change.assessment or {}).get("verdict") != "eligible" and not (reason or "").strip():
        raise TransitionRefused("引擎未能确定是否符合认定条件，请写明认定机构的核实意见", "reason: the engine could not decide, give the office's finding",
                                code="reason")

    def effect(c: ChangeReport):
        c.decided_on = today
        return _reissue(c, acting_user, today) if c.name_change else None

    with clock.acting_on(today):
        CHANGE_REPORT.perform(change, "keep", acting_user=acting_user, reason=reason or "核实符合认定条件，资格不变", effect=effect,
                              data={"reissued": change.name_change},
                              notify=lambda c: _reissue_notice(c) if c.name_change else notify_enterprise(
                                  c.enterprise, "重大变化经核实符合认定条件，高新技术企业资格不变。",
                                  "After the major change the conditions are still met: the status is kept."))


def _propose(*, certificate: Certificate, ground: str, start_year: int, source: str, source_id: int | None, basis: str,
             acting_user, today: dt.date) -> Revocation:
    """A revocation proposal (inside the caller's transaction and audit event)."""
    rev = Revocation.objects.create(certificate=certificate, enterprise=_enterprise_of(certificate), ground=ground,
                                    start_year=start_year, source=source, source_id=source_id, basis=basis[:2000],
                                    proposed_on=today, proposed_by=acting_user)
    ent = rev.enterprise
    label = ground_label(ground)
    notify_offices(ent.region_code, f"拟取消 {ent.name} 的高新技术企业资格（{label}），请决定",
                   f"Revocation proposed for {ent.name} ({ARTICLE_TEXT[ground][1]}): decide", f"/office/supervision/revocations/{rev.pk}/")
    notify_enterprise(ent, f"认定机构收到取消贵企业高新技术企业资格的提请（{label}）：{basis[:200]}",
                      f"A revocation of your status has been proposed ({ARTICLE_TEXT[ground][1]}): {basis[:200]}")
    return rev


def change_report_lose(*, acting_user, change: ChangeReport, reason: str, today: dt.date | None = None) -> Revocation:
    """核实不符合认定条件: a revocation is proposed on Art. 17, from the year of the change."""
    today = _today(today)
    out: dict = {}

    def effect(c: ChangeReport) -> None:
        c.decided_on = today
        out["rev"] = _propose(certificate=c.certificate, ground="art17", start_year=c.event_on.year, source="change_report",
                              source_id=c.pk, basis=f"{c.event_on:%Y-%m-%d} 发生{'更名及' if c.name_change else ''}重大变化，核实不符合认定条件：{reason}",
                              acting_user=acting_user, today=today)

    with clock.acting_on(today):
        CHANGE_REPORT.perform(change, "lose", acting_user=acting_user, reason=reason, effect=effect,
                              data={"ground": "art17", "start_year": change.event_on.year})
    return out["rev"]


# --- relocation (Art. 18; Guidelines 五（四）) -------------------------------------------------------------------------


def certificate_by_number(number: str, credit_code: str, path: str = "certificate_number") -> Certificate:
    """The certificate with this number and credit code (both, so that a number alone reveals nothing)."""
    number = re.sub(r"\s+", "", number or "").upper()
    credit_code = (credit_code or "").strip().upper()
    if not CERTIFICATE_NUMBER.match(number):
        raise _issues((path, "证书编号格式应为 GR + 4位年份 + 2位省级代码 + 6位序号", "expected GR + year + province + 6-digit serial"))
    cert = Certificate.objects.select_related("application__enterprise").filter(number=number, credit_code=credit_code).first()
    if cert is None:
        raise _issues((path, "未找到与该统一社会信用代码相符的证书", "no certificate with this number and credit code"))
    return cert


def relocation_record(*, acting_user, certificate_number: str, credit_code: str, kind: str, to_region: str, new_address: str,
                      moved_on: dt.date | None, evidence: str, today: dt.date | None = None) -> Relocation:
    """The office of the new region records a move on the enterprise's valid certificate and the registration
    authority's evidence: a whole move within the validity keeps the status and transfers the enterprise to this
    office; a partial move needs a new identification here (Art. 18)."""
    today = _today(today)
    if not (getattr(acting_user, "is_office", False) and acting_user.region_prefix):
        raise TransitionRefused("异地搬迁由迁入地认定机构办理", "the office of the new region records a move")
    to_region = (to_region or "").strip()
    new_address, evidence = (new_address or "").strip(), (evidence or "").strip()
    problems = []
    cert = None
    try:
        cert = certificate_by_number(certificate_number, credit_code)
    except InputError as e:
        problems += [(i.path, i.message_zh, i.message_en) for i in e.issues]
    if kind not in RelocationKind.values:
        problems.append(("kind", "请选择整体迁移或部分搬迁", "choose a whole or a partial move"))
    if not re.fullmatch(r"\d{6}", to_region):
        problems.append(("to_region", "迁入地区划代码应为6位数字", "the new region code has 6 digits"))
    elif not acting_user.covers_region(to_region):
        problems.append(("to_region", "迁入地不属于本认定机构的管理区域", "the new region is not this office's"))
    elif cert is not None and acting_user.covers_region(_enterprise_of(cert).region_code):
        problems.append(("to_region", "迁出地与迁入地属于同一认定机构的管理区域，无需办理异地搬迁",
                         "the old and new regions belong to the same office: this is not a move across regions"))
    if not new_address:
        problems.append(("new_address", "请填写迁入后的注册地址", "give the new registered address"))
    if moved_on is None:
        problems.append(("moved_on", "请填写完成迁移日期", "give the date the move was completed"))
    elif moved_on > today:
        problems.append(("moved_on", f"不能晚于今天（{today:%Y-%m-%d}）", f"cannot be after today ({today.isoformat()})"))
    if not evidence:
        problems.append(("evidence", "请填写迁入地登记机关出具的完成迁入证明", "describe the registration authority's evidence of the move"))
    if problems:
        raise _issues(*problems)
    if status_of(cert, moved_on) != VALID or status_of(cert, today) == REVOKED:
        raise TransitionRefused(f"迁移须在高新技术企业资格有效期内完成（证书有效期 {cert.issued_on:%Y-%m-%d} 至 {cert.valid_until:%Y-%m-%d}）",
                                f"the move must be completed within the validity ({cert.issued_on} to {cert.valid_until})", code="moved_on")
    whole = kind == "whole"
    with transaction.atomic():
        ent = Enterprise.objects.select_for_update().get(pk=_enterprise_of(cert).pk)
        from_region = ent.region_code
        if whole:
            ent.region_code, ent.address = to_region, new_address[:300]
            ent.save(update_fields=["region_code", "address"])
        reloc = Relocation.objects.create(certificate=cert, enterprise=ent, kind=kind, from_region=from_region, to_region=to_region,
                                          new_address=new_address[:300], moved_on=moved_on, evidence=evidence, transferred=whole,
                                          recorded_on=today, recorded_by=acting_user)
        audit_record(acting_user=acting_user, action="relocation.record", obj=reloc, reason=evidence[:200],
                     data={"certificate": cert.number, "kind": kind, "from": from_region, "to": to_region, "transferred": whole})
        if whole:
            notify_enterprise(ent, f"整体迁移已办理：高新技术企业资格继续有效（证书 {cert.number}），今后由迁入地认定机构管理。",
                              f"Whole move recorded: your status continues (certificate {cert.number}) under the new office.")
            notify_offices(from_region, f"{ent.name} 已整体迁出至 {to_region}，转由迁入地认定机构管理",
                           f"{ent.name} moved as a whole to {to_region}: now supervised by the new office", "/office/supervision/")
            for lgo in get_user_model().objects.filter(role="admin", is_active=True):
                notify_on_commit(lgo, f"{ent.name}（证书 {cert.number}）跨区域整体迁移至 {to_region}，报领导小组办公室",
                                 f"{ent.name} (certificate {cert.number}) moved as a whole to {to_region}", "/office/supervision/")
        else:
            notify_enterprise(ent, "部分搬迁：迁入部分须由迁入地认定机构按《认定办法》重新认定。",
                              "Partial move: the part that moved must be identified anew by the office of the new region.")
    return reloc


# --- checks (Art. 15; Guidelines 五（一）) ---------------------------------------------------------------------------


def stratum_of(cert: Certificate, level: int) -> str:
    app = cert.application
    field = (app.technical_field or "").split(".")[0] or "-"
    return f"{app.enterprise.region_code[:level]}/{field}"


def stratified_draw(population: dict[str, list[str]], rate: Fraction, seed: int) -> dict[str, list[str]]:
    """Draw ⌈rate × size⌉ members of every stratum (so each stratum with members is represented), strata in sorted
    order and members sorted by certificate number, from one generator seeded with ``seed``: the same population,
    rate and seed always draw the same sample."""
    rng = random.Random(seed)
    out = {}
    for stratum in sorted(population):
        pool = sorted(population[stratum])
        n = min(len(pool), ceil(rate * len(pool)))
        out[stratum] = sorted(rng.sample(pool, n))
    return out


def _valid_certificates(region_prefix: str, today: dt.date) -> list[Certificate]:
    revoked = dict(Revocation.objects.filter(state="revoked").values_list("certificate_id", "revoked_on"))
    qs = Certificate.objects.select_related("application__enterprise").filter(
        application__enterprise__region_code__startswith=region_prefix).order_by("number")
    return [c for c in qs if status_of(c, today, revoked=revoked.get(c.pk)) == VALID]


def check_draw(*, acting_user, title: str, rate: str, seed: int | None = None, today: dt.date | None = None) -> Check:
    """随机抽查: a seeded draw of the valid certificates of the office's region, stratified by region (one level
    below the office's) and technical field (first level). The seed, rate, population and sample are recorded."""
    today = _today(today)
    if not (getattr(acting_user, "is_office", False) or getattr(acting_user, "is_lgo", False)):
        raise TransitionRefused("只有认定机构或领导小组办公室可以抽查", "only an office or the Leading Group Office draws a check")
    title = (title or "").strip()
    problems = []
    try:
        share = Decimal(str(rate).strip().rstrip("%")) / (100 if str(rate).strip().endswith("%") else 1)
        if not (0 < share <= 1):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        share = None
        problems.append(("rate", "抽查比例应为大于0、不超过1的数（如 0.1 或 10%）", "the share must be above 0 and at most 1 (e.g. 0.1 or 10%)"))
    if seed is not None and not (0 <= seed < 2 ** 63):
        problems.append(("seed", "随机种子应为非负整数", "the seed is a non-negative integer"))
    if not title:
        problems.append(("title", "请填写抽查名称", "give the check a title"))
    if problems:
        raise _issues(*problems)
    seed = secrets.randbits(48) if seed is None else seed
    prefix = "" if acting_user.is_lgo else acting_user.region_prefix
    level = min(6, len(prefix) + 2)
    population: dict[str, list[str]] = {}
    by_number = {}
    for cert in _valid_certificates(prefix, today):
        population.setdefault(stratum_of(cert, level), []).append(cert.number)
        by_number[cert.number] = cert
    drawn = stratified_draw(population, Fraction(share), seed)
    with transaction.atomic():
        check = Check.objects.create(kind=CheckKind.RANDOM, region_prefix=prefix, title=title[:200], seed=seed, rate=str(share),
                                     stratum_prefix_length=level, drawn_on=today, population=len(by_number),
                                     strata={s: {"population": population[s], "drawn": drawn[s]} for s in sorted(population)},
                                     created_by=acting_user)
        for stratum, numbers in drawn.items():
            for number in numbers:
                cert = by_number[number]
                CheckItem.objects.create(check_run=check, certificate=cert, enterprise=_enterprise_of(cert), stratum=stratum)
        audit_record(acting_user=acting_user, action="check.draw", obj=check, reason=title[:200],
                     data={"seed": seed, "rate": str(share), "population": len(by_number),
                           "drawn": sum(len(v) for v in drawn.values()), "strata": len(drawn)})
    return check


def check_targeted(*, acting_user, title: str, reason: str, certificate_numbers: list[str], today: dt.date | None = None) -> Check:
    """重点检查 of named enterprises (by certificate number), with the reason."""
    today = _today(today)
    if not (getattr(acting_user, "is_office", False) or getattr(acting_user, "is_lgo", False)):
        raise TransitionRefused("只有认定机构或领导小组办公室可以安排检查", "only an office or the Leading Group Office plans a check")
    title, reason = (title or "").strip(), (reason or "").strip()
    numbers = [re.sub(r"\s+", "", n).upper() for n in certificate_numbers if n.strip()]
    problems = []
    if not title:
        problems.append(("title", "请填写检查名称", "give the check a title"))
    if not reason:
        problems.append(("reason", "请写明重点检查的原因", "give the reason for the check"))
    certs = []
    if not numbers:
        problems.append(("certificate_numbers", "请至少填写一个证书编号", "give at least one certificate number"))
    for n in dict.fromkeys(numbers):
        cert = Certificate.objects.select_related("application__enterprise").filter(number=n).first()
        if cert is None or not acting_user.covers_region(_enterprise_of(cert).region_code):
            problems.append(("certificate_numbers", f"本地区没有编号为 {n} 的证书", f"no certificate {n} in your region"))
        else:
            certs.append(cert)
    if problems:
        raise _issues(*problems)
    prefix = "" if acting_user.is_lgo else acting_user.region_prefix
    with transaction.atomic():
        check = Check.objects.create(kind=CheckKind.TARGETED, region_prefix=prefix, title=title[:200], reason=reason, drawn_on=today,
                                     population=len(certs), created_by=acting_user)
        for cert in certs:
            CheckItem.objects.create(check_run=check, certificate=cert, enterprise=_enterprise_of(cert))
        audit_record(acting_user=acting_user, action="check.targeted", obj=check, reason=reason[:200],
                     data={"certificates": [c.number for c in certs]})
    return check


def check_item_record(*, acting_user, item: CheckItem, checked_on: dt.date | None, inspectors: str, findings: str,
                      conclusion: str, today: dt.date | None = None) -> None:
    """实地核查记录: date, inspectors, findings and the conclusion."""
    today = _today(today)
    inspectors, findings = (inspectors or "").strip(), (findings or "").strip()
    problems = []
    if checked_on is None:
        problems.append(("checked_on", "请填写检查日期", "give the date of the check"))
    elif checked_on > today:
        problems.append(("checked_on", f"不能晚于今天（{today:%Y-%m-%d}）", f"cannot be after today ({today.isoformat()})"))
    if not inspectors:
        problems.append(("inspectors", "请填写检查人员", "name the inspectors"))
    if not findings:
        problems.append(("findings", "请填写检查发现", "record the findings"))
    if conclusion not in CheckConclusion.values:
        problems.append(("conclusion", "请选择检查结论", "choose a conclusion"))
    if problems:
        raise _issues(*problems)

    def effect(i: CheckItem) -> None:
        i.checked_on, i.inspectors, i.findings, i.conclusion = checked_on, inspectors[:200], findings, conclusion

    with clock.acting_on(today):
        CHECK_ITEM.perform(item, "record", acting_user=acting_user, reason=findings[:200],
                           data={"checked_on": checked_on.isoformat(), "conclusion": conclusion}, effect=effect)


# --- re-examination (Art. 16; Guidelines 五（二）) --------------------------------------------------------------------


def reexamination_result(data: dict, disputed_year: int) -> dict:
    """Guidelines 五（二）: the R&D ratio of Art. 11(5) recomputed over the disputed year and the two before it (fewer
    when the enterprise operated less), the tier from the disputed year's sales."""
    from hnte.core.errors import LawVersionError

    window = reexamination_window(data, disputed_year)
    try:
        result = assess(parse_application(window))
    except LawVersionError as e:
        raise InputError("", [InputIssue(e.path, e.message_zh, e.message_en)]) from None
    figs = [result.criterion("art11_5_rd_expense_ratio"), result.criterion("art11_5_domestic_rd_share")]
    statuses = [f.status for f in figs]
    status = "fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass"
    ratio = figs[0]
    return {"status": status, "years": [int(y["year"]) for y in window["years"]],
            "criteria": [{"id": f.id, "label_zh": f.label_zh, "label_en": f.label_en, "status": f.status,
                          "value": None if f.value is None else _pct(f.value),
                          "threshold": None if f.threshold is None else _pct(f.threshold), "cites": list(f.cites)} for f in figs],
            "tier": (result.ctx.trace.figures.get("rd_expense.ratio_min").details.get("tier")
                     if result.ctx.trace.figures.get("rd_expense.ratio_min") else None),
            "ratio": None if ratio.value is None else _pct(ratio.value),
            "threshold": None if ratio.threshold is None else _pct(ratio.threshold),
            "cites": ["guidelines_2016#sec5-2", "measures_2016#art11-5"]}


def _pct(value) -> str:
    v = Fraction(value) * 100
    return f"{float(v):.2f}%"


def reexamination_record(*, acting_user, certificate_number: str, credit_code: str, department: str, document_number: str,
                         letter_date: dt.date | None, dispute: str, disputed_year: int | None, grounds: str, data_text: str = "",
                         today: dt.date | None = None) -> Reexamination:
    """复核 requested in writing by another department: recorded by the office of the enterprise's region; for an
    Art. 11(5) dispute the ratio is recomputed at once (the figures must cover the disputed year)."""
    today = _today(today)
    department, document_number, grounds = (department or "").strip(), (document_number or "").strip(), (grounds or "").strip()
    problems = []
    cert = None
    try:
        cert = certificate_by_number(certificate_number, credit_code)
        if not acting_user.covers_region(_enterprise_of(cert).region_code):
            cert = None
            problems.append(("certificate_number", "未找到与该统一社会信用代码相符的证书", "no certificate with this number and credit code"))
    except InputError as e:
        problems += [(i.path, i.message_zh, i.message_en) for i in e.issues]
    if not department:
        problems.append(("department", "请填写提请复核的部门", "name the department requesting the re-examination"))
    if not document_number:
        problems.append(("document_number", "复核须以书面形式提请：请填写来文文号", "a re-examination is requested in writing: give the letter's number"))
    if letter_date is None:
        problems.append(("letter_date", "请填写来文日期", "give the letter's date"))
    elif letter_date > today:
        problems.append(("letter_date", f"不能晚于今天（{today:%Y-%m-%d}）", f"cannot be after today ({today.isoformat()})"))
    if dispute not in DisputeKind.values:
        problems.append(("dispute", "请选择异议类型", "choose what is disputed"))
    if disputed_year is None:
        problems.append(("disputed_year", "请填写问题所属年度", "give the year in question"))
    elif cert is not None and not (cert.issued_on.year - 3 <= disputed_year <= cert.valid_until.year):
        problems.append(("disputed_year", f"问题所属年度应在 {cert.issued_on.year - 3} 至 {cert.valid_until.year} 年之间（申报年度至有效期）",
                         f"the year must be between {cert.issued_on.year - 3} and {cert.valid_until.year}"))
    if not grounds:
        problems.append(("grounds", "请填写提请复核的事由", "give the grounds"))
    result: dict = {}
    data = None
    if dispute == "rd_ratio":
        if not (data_text or "").strip():
            problems.append(("data", "研究开发费用占比异议须提供问题所属年度及前两个会计年度的数据（申请书文件）",
                             "an R&D-ratio dispute needs the figures of the year in question and the two before it"))
        else:
            try:
                data = _parse_text(data_text, "")
                if not isinstance(data, dict):
                    raise InputError("", [InputIssue("", "应为一个申请书对象（hnte/application@1）", "expected one application object")])
                if disputed_year is not None:
                    result = reexamination_result(data, disputed_year)
            except InputError as e:
                problems += [(f"data: {i.path}" if i.path else "data", i.message_zh, i.message_en) for i in e.issues]
            except ValueError as e:
                problems.append(("data", f"数据中缺少问题所属年度 {disputed_year} 的数字", str(e)))
    if problems:
        raise _issues(*problems)
    with transaction.atomic():
        rx = Reexamination.objects.create(certificate=cert, enterprise=_enterprise_of(cert), department=department[:100],
                                          document_number=document_number[:100], letter_date=letter_date, received_on=today,
                                          dispute=dispute, disputed_year=disputed_year, grounds=grounds,
                                          data_json=dumps(data) if data else "", result=result, recorded_by=acting_user)
        audit_record(acting_user=acting_user, action="reexamination.record", obj=rx, to_state=rx.state, reason=grounds[:200],
                     data={"department": department, "document_number": document_number, "dispute": dispute,
                           "disputed_year": disputed_year, "recomputed": result.get("status")})
        notify_enterprise(rx.enterprise, f"{department} 书面提请认定机构对贵企业进行复核（{document_number}）。",
                          f"{department} has asked the office in writing to re-examine your status ({document_number}).")
    return rx


def reexamination_conclude(*, acting_user, reexamination: Reexamination, conforming: bool, reason: str,
                           today: dt.date | None = None) -> Revocation | None:
    """复核结论. Not conforming → a revocation is proposed on Art. 16, recovering from the first non-conforming year
    (the disputed year)."""
    today = _today(today)
    out: dict = {}

    def effect(rx: Reexamination) -> None:
        rx.concluded_on = today
        if not conforming:
            out["rev"] = _propose(certificate=rx.certificate, ground="art16", start_year=rx.disputed_year, source="reexamination",
                                  source_id=rx.pk, basis=f"{rx.department}（{rx.document_number}）提请复核，复核确认 {rx.disputed_year} 年度起不符合认定条件：{reason}",
                                  acting_user=acting_user, today=today)

    with clock.acting_on(today):
        REEXAMINATION.perform(reexamination, "conform" if conforming else "nonconform", acting_user=acting_user, reason=reason,
                              effect=effect, data={"conforming": conforming, "disputed_year": reexamination.disputed_year},
                              notify=lambda rx: notify_enterprise(rx.enterprise, f"复核结论：{'符合' if conforming else '不符合'}认定条件。",
                                                                  f"Re-examination: the conditions are {'met' if conforming else 'not met'}."))
    return out.get("rev")


# --- revocation (Art. 16, 17, 19) ------------------------------------------------------------------------------------


def revocation_propose(*, acting_user, certificate: Certificate, ground: str, start_year: int | None, basis: str,
                       source: str = "office", source_id: int | None = None, today: dt.date | None = None) -> Revocation:
    """The office proposes a revocation on a legal ground with the year it sets (e.g. after a check's findings)."""
    today = _today(today)
    basis = (basis or "").strip()
    problems = []
    if ground not in RevocationGround.values:
        problems.append(("ground", "请选择取消资格的法定事由（第十六、十七或十九条）", "choose the legal ground (Art. 16, 17 or 19)"))
    if start_year is None:
        problems.append(("start_year", "请填写事由发生或不符合认定条件的年度", "give the year the ground arose"))
    elif not (certificate.issued_on.year - 3 <= start_year <= today.year):
        problems.append(("start_year", f"年度应在 {certificate.issued_on.year - 3} 至 {today.year} 之间",
                         f"the year must be between {certificate.issued_on.year - 3} and {today.year}"))
    if not basis:
        problems.append(("basis", "请写明事实依据", "state the facts"))
    if problems:
        raise _issues(*problems)
    if status_of(certificate, today) == REVOKED:
        raise TransitionRefused("该证书的资格已被取消", "the status is already revoked")
    if not (getattr(acting_user, "is_office", False) or getattr(acting_user, "is_lgo", False)) \
            or not acting_user.covers_region(_enterprise_of(certificate).region_code):
        raise TransitionRefused("您无权执行此操作", "you are not allowed to do this")
    with transaction.atomic():
        Certificate.objects.select_for_update().get(pk=certificate.pk)
        rev = _propose(certificate=certificate, ground=ground, start_year=start_year, source=source, source_id=source_id,
                       basis=basis, acting_user=acting_user, today=today)
        audit_record(acting_user=acting_user, action="revocation.propose", obj=rev, to_state=rev.state, reason=basis[:200],
                     data={"ground": ground, "start_year": start_year, "source": source})
    return rev


def announcement_text(rev: Revocation, cert: Certificate, years: tuple[int, ...], revoked: dt.date) -> str:
    article = ARTICLE_TEXT[rev.ground][0]
    recovered = (f"并通知税务机关追缴其{'、'.join(str(y) for y in years)}年度已享受的高新技术企业税收优惠" if years
                 else "证书有效期内无应追缴的高新技术企业税收优惠年度")
    return (f"关于取消{cert.enterprise_name}高新技术企业资格的公告\n"
            f"{cert.enterprise_name}（统一社会信用代码 {cert.credit_code}，证书编号 {cert.number}，发证日期 {cert.issued_on:%Y年%m月%d日}）"
            f"{ground_label(rev.ground).split(' ', 1)[1]}。依据《高新技术企业认定管理办法》{article}，"
            f"自 {revoked:%Y年%m月%d日} 起取消其高新技术企业资格，{recovered}。")


def revocation_decide(*, acting_user, revocation: Revocation, reason: str, today: dt.date | None = None) -> Revocation:
    """取消资格: the years of tax benefit to recover computed per ground (``recovery``), the public announcement, the
    tax authority named in it, and the re-application bar (I18) recorded."""
    today = _today(today)
    cert = revocation.certificate
    rec = recovery(revocation.ground, issued_on=cert.issued_on, revoked_on=today, start_year=revocation.start_year)
    barred = reapplication_barred_until(today)
    text = announcement_text(revocation, cert, rec.years, today)

    def effect(rev: Revocation) -> None:
        rev.revoked_on, rev.recovery_years, rev.cites = today, list(rec.years), list(rec.cites)
        rev.announcement, rev.reapplication_barred_until = text, barred

    def notify(rev: Revocation) -> None:
        ent = rev.enterprise
        years = "、".join(str(y) for y in rec.years) or "无"
        notify_enterprise(ent, f"贵企业的高新技术企业资格已被取消（{ARTICLE_TEXT[rev.ground][0]}），追缴年度：{years}。",
                          f"Your HNTE status is revoked ({ARTICLE_TEXT[rev.ground][1]}); tax years recovered: "
                          f"{', '.join(str(y) for y in rec.years) or 'none'}.", "/supervision/revoked/")
        notify_offices(ent.region_code, f"已取消 {ent.name} 的高新技术企业资格并公告", f"{ent.name}: status revoked and announced",
                       f"/office/supervision/revocations/{rev.pk}/")

    with clock.acting_on(today):
        REVOCATION.perform(revocation, "revoke", acting_user=acting_user, reason=reason, effect=effect, notify=notify,
                           data={"ground": revocation.ground, "start_year": revocation.start_year, "recovery_years": list(rec.years),
                                 "certificate": cert.number})
    return revocation


def revocation_dismiss(*, acting_user, revocation: Revocation, reason: str, today: dt.date | None = None) -> None:
    today = _today(today)
    with clock.acting_on(today):
        REVOCATION.perform(revocation, "dismiss", acting_user=acting_user, reason=reason, data={"ground": revocation.ground},
                           notify=lambda rev: notify_enterprise(rev.enterprise, "认定机构决定不取消贵企业的高新技术企业资格。",
                                                                "The office decided not to revoke your status."))


# --- expiry and re-identification -------------------------------------------------------------------------------------


def prepayment_warning(cert: Certificate) -> dict:
    """The expiry-year prepayment trap (SAT 2017 No. 24) as the engine's advisor states it for this certificate
    (``expiry_year``, ``prepay_rate``, ``true_up_rate``, ``cites``). Should the certificate's application no longer
    assess (data of another era), the same dated parameter is read directly."""
    from hnte.advice.benefits import benefits
    from hnte.core.errors import LawVersionError
    from hnte.core.parameters import ParameterView
    from hnte.supervision.rules import benefit_years

    try:
        result = assess(parse_application(certificate_data(cert)))
        return benefits(result, certificate_year=cert.issued_on.year)["expiry_year_prepayment"]
    except (InputError, LawVersionError, KeyError):
        ref = ParameterView(cert.issued_on).ref("tax.expiry_year_prepayment")
        return {"expiry_year": benefit_years(cert.issued_on)[-1] + 1, "prepay_rate": float(ref.value["prepay_rate"]),
                "true_up_rate": float(ref.value["true_up_rate"]), "cites": list(ref.cites)}


def reidentification_prefill(*, acting_user, certificate: Certificate, today: dt.date | None = None) -> Application:
    """A new application (draft) prefilled from the one the certificate was granted on (``prefill_reidentification``):
    the same enterprise, IP, projects and products, the three years before today; Class II IP used before is marked
    and cannot count again."""
    from hnte_web.applications.services import with_enterprise

    today = _today(today)
    ent = _enterprise_of(certificate)
    if not (getattr(acting_user, "is_enterprise", False) and acting_user.enterprise_id == ent.pk):
        raise TransitionRefused("您无权执行此操作", "you are not allowed to do this")
    day = revoked_on(certificate)
    if day is not None:
        barred = reapplication_barred_until(day)
        if barred is not None and today <= barred:
            raise TransitionRefused(f"资格被取消后 {barred:%Y年%m月%d日} 前不得再次申请", f"no new application before {barred.isoformat()}")
    data = prefill_reidentification(certificate_data(certificate), today)
    data.setdefault("enterprise", {})["previously_identified"] = True
    data = with_enterprise(data, ent)
    unusable = [ip.get("number") for ip in unusable_class_ii_ip(data.get("intellectual_property", []))]
    with transaction.atomic():
        app = Application(enterprise=ent, region_code=ent.region_code, year=today.year)
        app.set_data(data)
        app.save()
        audit_record(acting_user=acting_user, action="application.create", obj=app, to_state=app.state,
                     reason=f"重新认定：据证书 {certificate.number} 的申请预填",
                     data={"prefilled_from": certificate.number, "application": certificate.application_id,
                           "unusable_class_ii_ip": unusable})
    return app


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
