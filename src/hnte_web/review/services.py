"""Office services for intake, opinion, reporting and filing (one transaction and one audit event each)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from hnte_web.applications.models import Application
from hnte_web.applications.workflow import APPLICATION
from hnte_web.audit.services import audit_record, notify_on_commit
from hnte_web.core.workflow import TransitionRefused

from .models import Batch, OnSiteCheck


def _notify_enterprise(app: Application, zh: str, en: str) -> None:
    for user in app.enterprise.users.all():
        notify_on_commit(user, zh, en, f"/applications/{app.pk}/")


def batch_create(*, acting_user, name: str, year: int, deadline: dt.date) -> Batch:
    """设立批次. A name is unique per office and year: a second one (typed twice, or two staff at once) is refused
    with the name, never a database error."""
    if not acting_user.is_office:
        raise TransitionRefused("只有认定机构可以设立批次", "only an identification office creates batches")
    name = (name or "").strip()
    taken = TransitionRefused(f"本机构 {year} 年已有名为“{name}”的批次，请换一个名称", f"this office already has a {year} batch named “{name}”",
                              code="name")
    if Batch.objects.filter(region_prefix=acting_user.region_prefix, year=year, name=name).exists():
        raise taken
    try:
        with transaction.atomic():
            batch = Batch.objects.create(region_prefix=acting_user.region_prefix, name=name, year=year, deadline=deadline,
                                         created_by=acting_user)
            audit_record(acting_user=acting_user, action="batch.create", obj=batch, data={"deadline": deadline.isoformat()})
    except IntegrityError:  # created by someone else between the check and the insert
        raise taken from None
    return batch


def application_accept(*, acting_user, application: Application, batch: Batch | None = None, reason: str = "") -> None:
    """形式审查通过. The standard track joins a batch of the office's region."""
    with transaction.atomic():
        if batch is not None:
            if not acting_user.covers_region(application.region_code) or not application.region_code.startswith(batch.region_prefix):
                raise TransitionRefused("批次不属于该申请所在地区", "the batch belongs to another region")
            Application.objects.filter(pk=application.pk, state="submitted").update(batch=batch)
        APPLICATION.perform(application, "accept", acting_user=acting_user, reason=reason,
                            notify=lambda a: _notify_enterprise(a, "您的申请已通过形式审查，进入专家评审。",
                                                                "Your application passed formal review and goes to the experts."))


def application_reject(*, acting_user, application: Application, reason: str) -> None:
    APPLICATION.perform(application, "reject", acting_user=acting_user, reason=reason,
                        notify=lambda a: _notify_enterprise(a, f"您的申请不予认定：{reason}", f"Your application was not identified: {reason}"))


def application_move_to_standard(*, acting_user, application: Application, reason: str) -> None:
    """I19: failing the pilot conditions → the standard track, with a notice to the enterprise."""

    def effect(app: Application) -> None:
        data = app.data
        data["programme"] = "national"
        app.set_data(data)
        app.programme = "national"

    APPLICATION.perform(application, "move_to_standard", acting_user=acting_user, reason=reason, effect=effect,
                        notify=lambda a: _notify_enterprise(a, f"您的申请不符合北京试点条件，已转入普通认定程序：{reason}",
                                                            f"Your application was moved to the standard track: {reason}"))


def onsite_check_record(*, acting_user, application: Application, checked_on: dt.date, inspectors: str, findings: str) -> OnSiteCheck:
    if not (acting_user.is_office and acting_user.covers_region(application.region_code)):
        raise TransitionRefused("您无权执行此操作", "you are not allowed to do this")
    with transaction.atomic():
        check = OnSiteCheck.objects.create(application=application, checked_on=checked_on, inspectors=inspectors,
                                           findings=findings, recorded_by=acting_user)
        audit_record(acting_user=acting_user, action="application.onsite_check", obj=application, reason=findings[:200],
                     data={"checked_on": checked_on.isoformat()})
    return check


def application_recommend(*, acting_user, application: Application, reason: str = "") -> None:
    """认定机构的认定意见：拟认定."""
    APPLICATION.perform(application, "recommend", acting_user=acting_user, reason=reason)


def application_report(*, acting_user, application: Application) -> None:
    APPLICATION.perform(application, "report", acting_user=acting_user, reason="报领导小组办公室备案")


def batch_report(*, acting_user, batch: Batch) -> int:
    """Report every recommended application of the batch in one transaction (all or none)."""
    with transaction.atomic():
        apps = list(batch.applications.filter(state="recommended").order_by("id"))
        for app in apps:
            APPLICATION.perform(app, "report", acting_user=acting_user, reason=f"批次 {batch} 报备")
    return len(apps)


def application_file(*, acting_user, application: Application) -> None:
    """领导小组办公室备案. On the pilot track filing is the approval (报备即批准)."""
    APPLICATION.perform(application, "file", acting_user=acting_user,
                        reason="报备即批准" if application.pilot else "公示无异议，予以备案",
                        notify=lambda a: _notify_enterprise(a, "您的认定申请已备案。", "Your application has been filed."))


def filing_deadline(year: int) -> dt.date:
    """The end-of-November reporting deadline (parameter procedure.filing_deadline)."""
    from hnte.core.parameters import ParameterView

    when = dt.date(year, 1, 1)
    value = ParameterView(when).ref("procedure.filing_deadline").value
    return dt.date(year, int(value["month"]), int(value["day"]))


def filing_warning(today: dt.date, pending: int, warn_days: int = 30) -> tuple[str, str] | None:
    """A warning when recommended applications are not yet reported and the deadline is near or past."""
    if not pending:
        return None
    deadline = filing_deadline(today.year)
    days = (deadline - today).days
    if days < 0:
        return (f"已超过 {deadline:%Y年%m月%d日} 的报备截止时间，仍有 {pending} 件拟认定申请未报备",
                f"the {deadline.isoformat()} reporting deadline has passed with {pending} recommended applications unreported")
    if days <= warn_days:
        return (f"距 {deadline:%Y年%m月%d日} 报备截止还有 {days} 天，仍有 {pending} 件拟认定申请未报备",
                f"{days} days to the {deadline.isoformat()} reporting deadline: {pending} recommended applications unreported")
    return None
