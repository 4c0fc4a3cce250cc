"""The supervision state machines, declared once: annual reports, change reports, check items, re-examinations and
revocations. Guards read "today" from the clock the daily run and the services set (``publicity.clock``)."""

from __future__ import annotations

from hnte_web.core.workflow import StateMachine, Transition
from hnte_web.publicity import clock

from .models import AnnualReportState as A
from .models import ChangeState as C
from .models import CheckItemState as K
from .models import ReexaminationState as X
from .models import RevocationState as R


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _owner(user, obj) -> bool:
    return _authenticated(user) and user.is_enterprise and user.enterprise_id == obj.enterprise_id


def _office_of(user, obj) -> bool:
    """The office of the enterprise's region (after a whole move: the new office) or the Leading Group Office."""
    return _authenticated(user) and (user.is_office or user.is_lgo) and user.covers_region(obj.enterprise.region_code)


def _revoked(obj):
    from .status import revoked_on

    day = revoked_on(obj.certificate)
    if day is not None and day <= clock.today():
        return (f"高新技术企业资格已于 {day:%Y-%m-%d} 被取消", f"the HNTE status was revoked on {day.isoformat()}")
    return None


def _on_time(report):
    if clock.today() > report.due_on:
        return (f"填报截止日期 {report.due_on:%Y-%m-%d} 已过，请补报（将计为未按期填报）",
                f"the deadline {report.due_on.isoformat()} has passed: file a late report (it counts as not filed on time)")
    return _revoked(report)


def _overdue(report):
    if clock.today() <= report.due_on:
        return (f"填报截止日期 {report.due_on:%Y-%m-%d} 尚未届满", f"the deadline {report.due_on.isoformat()} has not passed")
    return None


def _late_filing(report):
    return _overdue(report) or _revoked(report)


ANNUAL_REPORT = StateMachine(
    name="annual_report",
    states=A,
    state_field="state",
    state_labels={"open": ("待填报", "Open"), "submitted": ("已按期填报", "Filed on time"),
                  "missed": ("逾期未填报", "Missed"), "late": ("逾期补报", "Filed late")},
    transitions=[
        Transition("submit", (A.OPEN,), A.SUBMITTED, "填报", "File", _owner, _on_time),
        Transition("miss", (A.OPEN,), A.MISSED, "记为逾期未填报", "Record as missed", _office_of, _overdue),
        Transition("submit_late", (A.OPEN, A.MISSED), A.LATE, "逾期补报", "File late", _owner, _late_filing),
    ],
)


def _name_only(change):
    if change.kind != "name":
        return ("重大变化须按第十一条核实，不经更名公示", "a major change is re-checked under Art. 11, not publicised")
    return None


def _publicity_over(change):
    if change.publicity_last_day is None or clock.today() <= change.publicity_last_day:
        return (f"公示期至 {change.publicity_last_day:%Y-%m-%d} 结束" if change.publicity_last_day else "尚未公示",
                f"the publicity runs until the end of {change.publicity_last_day}" if change.publicity_last_day else "not publicised")
    return None


def _has_data(change):
    if not change.data_json:
        return ("企业尚未提交变化后的申请数据，无法按第十一条核实", "the enterprise has not given its figures after the change")
    return None


def _verdict_is_not(verdict: str, zh: str, en: str):
    def guard(change):
        if (change.assessment or {}).get("verdict") == verdict:
            return (zh, en)
        return _revoked(change)
    return guard


CHANGE_REPORT = StateMachine(
    name="change_report",
    states=C,
    state_field="state",
    state_labels={"reported": ("已报告", "Reported"), "in_publicity": ("更名公示中", "Name change in publicity"),
                  "publicized": ("公示期满无异议", "Publicity over"), "checked": ("已按第十一条核实", "Re-checked (Art. 11)"),
                  "reissued": ("已重新核发证书", "Certificate reissued"), "kept": ("资格不变", "Status kept"),
                  "lost": ("不符合认定条件，提请取消", "Conditions not met: revocation proposed")},
    transitions=[
        Transition("publish", (C.REPORTED,), C.IN_PUBLICITY, "更名公示", "Publish the name change", _office_of,
                   lambda c: _name_only(c) or _revoked(c)),
        Transition("end_publicity", (C.IN_PUBLICITY,), C.PUBLICIZED, "公示期满", "End the publicity", _office_of, _publicity_over),
        Transition("reissue", (C.PUBLICIZED,), C.REISSUED, "重新核发证书", "Reissue the certificate", _office_of, _revoked),
        Transition("recheck", (C.REPORTED, C.IN_PUBLICITY), C.CHECKED, "按第十一条核实", "Re-check under Art. 11", _office_of,
                   lambda c: _has_data(c) or _revoked(c)),
        Transition("keep", (C.CHECKED,), C.KEPT, "资格不变", "Keep the status", _office_of,
                   _verdict_is_not("not_eligible", "引擎核实不符合认定条件，不能认定资格不变", "the engine finds the conditions not met")),
        Transition("lose", (C.CHECKED,), C.LOST, "提请取消资格", "Propose revocation", _office_of,
                   _verdict_is_not("eligible", "引擎核实符合认定条件，不能提请取消", "the engine finds the conditions met"),
                   reason_required=True),
    ],
)

CHECK_ITEM = StateMachine(
    name="check_item",
    states=K,
    state_field="state",
    state_labels={"planned": ("待检查", "Planned"), "done": ("已检查", "Done")},
    transitions=[Transition("record", (K.PLANNED,), K.DONE, "记录检查结果", "Record the check", _office_of)],
)


def _result_status_is_not(status: str, zh: str, en: str):
    def guard(rx):
        if rx.dispute != "rd_ratio":
            return None
        got = (rx.result or {}).get("status")
        if got in (None, "unknown"):
            return ("复核数据不完整，无法计算研究开发费用占比", "the figures are incomplete: the R&D ratio cannot be recomputed")
        if got == status:
            return (zh, en)
        return None
    return guard


REEXAMINATION = StateMachine(
    name="reexamination",
    states=X,
    state_field="state",
    state_labels={"received": ("已收到书面提请", "Request received"), "conforming": ("复核：符合认定条件", "Conditions met"),
                  "nonconforming": ("复核：不符合认定条件", "Conditions not met")},
    transitions=[
        Transition("conform", (X.RECEIVED,), X.CONFORMING, "复核符合", "Conclude: conditions met", _office_of,
                   _result_status_is_not("fail", "复核计算不符合第十一条（五）", "the recomputed ratio fails Art. 11(5)"),
                   reason_required=True),
        Transition("nonconform", (X.RECEIVED,), X.NONCONFORMING, "复核不符合", "Conclude: conditions not met", _office_of,
                   _result_status_is_not("pass", "复核计算符合第十一条（五）", "the recomputed ratio meets Art. 11(5)"),
                   reason_required=True),
    ],
)


def _not_already_revoked(rev):
    from .models import Revocation

    other = Revocation.objects.filter(certificate_id=rev.certificate_id, state=R.REVOKED.value).exclude(pk=rev.pk).first()
    if other is not None:
        return (f"该证书的资格已于 {other.revoked_on:%Y-%m-%d} 取消", f"the status was already revoked on {other.revoked_on}")
    return None


REVOCATION = StateMachine(
    name="revocation",
    states=R,
    state_field="state",
    state_labels={"proposed": ("拟取消", "Proposed"), "revoked": ("已取消资格", "Revoked"), "dismissed": ("不予取消", "Dismissed")},
    transitions=[
        Transition("revoke", (R.PROPOSED,), R.REVOKED, "取消资格并公告", "Revoke and announce", _office_of, _not_already_revoked,
                   reason_required=True),
        Transition("dismiss", (R.PROPOSED,), R.DISMISSED, "不予取消", "Dismiss", _office_of, reason_required=True),
    ],
)

MACHINES = (ANNUAL_REPORT, CHANGE_REPORT, CHECK_ITEM, REEXAMINATION, REVOCATION)
