"""The application's state machine: the standard track and the Beijing pilot track, declared once.

Standard (国科发火〔2016〕32号 第十二条; 工作指引 二): submitted → formal review (accept / return / reject) →
random expert panel (in_review) → the panel leader's comprehensive evaluation (evaluated) → the office's
identification opinion (recommended / rejected) → reported to the Leading Group Office → publicity of 10 working
days (I15) → filed → certificate.
Beijing pilot (京科发〔2021〕… 附件; I19): the same review run separately per application, reported separately,
**no publicity**, approval on filing ("报备即批准"); an application failing the pilot conditions but meeting the
national ones is moved to the standard track with a notice.

Guards that depend on other apps (panel complete, publicity over, …) are looked up lazily in those apps'
``guards`` modules, so the whole machine stays declared here in one place.
"""

from __future__ import annotations

import importlib

from hnte_web.core.workflow import StateMachine, Transition

from .models import ApplicationState as S


def _owner(user, app) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_enterprise and user.enterprise_id == app.enterprise_id


def _office_of(user, app) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_office and user.covers_region(app.region_code)


def _lgo(user, app) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_lgo


def _office_or_lgo(user, app) -> bool:
    return _office_of(user, app) or _lgo(user, app)


def _panel_leader(user, app) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_expert):
        return False
    return _hook("experts", "is_panel_leader")(user, app)


def _hook(app_label: str, name: str):
    return getattr(importlib.import_module(f"hnte_web.{app_label}.guards"), name)


def _registration_active(app):
    if not app.enterprise.is_active_registration:
        return ("企业注册尚未被认定机构激活，暂不能提交（可先保存草稿）",
                "the enterprise's registration is not yet activated by the office: drafts only until then")
    return None


def _pilot_only(app):
    if not app.pilot:
        return ("只有北京试点申请可以转入普通认定程序", "only a Beijing pilot application can be moved to the standard track")
    return None


def _accept_guard(app):
    return _hook("review", "accept_problem")(app)


def _standard_only(app):
    if app.pilot:
        return ("北京试点申请不经公示，报备即批准", "a Beijing pilot application has no publicity: filing equals approval")
    return None


def _file_guard(app):
    if app.pilot and app.state != S.REPORTED.value:
        return ("试点申请在报备后直接备案", "a pilot application is filed straight after it is reported")
    if not app.pilot and app.state != S.PUBLICIZED.value:
        return ("普通程序须公示期满无异议后方可备案", "the standard track is filed only after an unopposed publicity")
    return None


APPLICATION = StateMachine(
    name="application",
    states=S,
    state_field="state",
    state_labels={
        "draft": ("草稿", "Draft"), "submitted": ("已提交，待受理", "Submitted, awaiting review"),
        "returned": ("已退回，待修改", "Returned for changes"), "accepted": ("已受理（形式审查通过）", "Accepted (formal review passed)"),
        "in_review": ("专家评审中", "Under expert review"), "evaluated": ("专家组评价完成", "Panel evaluation done"),
        "recommended": ("拟认定", "Recommended"), "reported": ("已报备", "Reported to the Leading Group Office"),
        "in_publicity": ("公示中", "In publicity"), "publicized": ("公示期满", "Publicity over"),
        "filed": ("已备案", "Filed"), "certified": ("已认定，证书已颁发", "Identified, certificate issued"),
        "rejected": ("不予认定", "Not identified"),
    },
    transitions=[
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, "提交", "Submit", _owner, _registration_active),
        Transition("return", (S.SUBMITTED,), S.RETURNED, "退回修改", "Return for changes", _office_of, reason_required=True),
        Transition("move_to_standard", (S.SUBMITTED,), S.SUBMITTED, "转入普通认定程序", "Move to the standard track",
                   _office_of, _pilot_only, reason_required=True),
        Transition("accept", (S.SUBMITTED,), S.ACCEPTED, "形式审查通过", "Accept (formal review)", _office_of, _accept_guard),
        Transition("reject", (S.SUBMITTED, S.EVALUATED, S.IN_PUBLICITY), S.REJECTED, "不予认定", "Reject", _office_or_lgo,
                   reason_required=True),
        Transition("draw_panel", (S.ACCEPTED,), S.IN_REVIEW, "抽取评审专家", "Draw the expert panel", _office_of,
                   lambda app: _hook("experts", "panel_problem")(app)),
        Transition("evaluate", (S.IN_REVIEW,), S.EVALUATED, "专家组综合评价", "Panel evaluation", _panel_leader,
                   lambda app: _hook("experts", "evaluation_problem")(app)),
        Transition("recommend", (S.EVALUATED,), S.RECOMMENDED, "拟认定", "Recommend", _office_of),
        Transition("report", (S.RECOMMENDED,), S.REPORTED, "报领导小组办公室备案", "Report to the Leading Group Office", _office_of),
        Transition("publish", (S.REPORTED,), S.IN_PUBLICITY, "公示", "Publish", _lgo, _standard_only),
        Transition("end_publicity", (S.IN_PUBLICITY,), S.PUBLICIZED, "公示期满", "End the publicity", _office_or_lgo,
                   lambda app: _hook("publicity", "end_problem")(app)),
        Transition("file", (S.PUBLICIZED, S.REPORTED), S.FILED, "备案", "File", _lgo, _file_guard),
        Transition("issue_certificate", (S.FILED,), S.CERTIFIED, "颁发证书", "Issue the certificate", _office_or_lgo,
                   lambda app: _hook("certificates", "issue_problem")(app)),
    ],
)
