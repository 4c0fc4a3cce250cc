"""The application's state machine (part 1: the enterprise's side). Formal review, expert panels and the
identification opinion extend it with further states and transitions."""

from __future__ import annotations

from hnte_web.core.workflow import StateMachine, Transition

from .models import ApplicationState as S


def _owner(user, app) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_enterprise and user.enterprise_id == app.enterprise_id


def _office_of(user, app) -> bool:
    return getattr(user, "is_authenticated", False) and user.covers_region(app.region_code)


def _registration_active(app):
    if not app.enterprise.is_active_registration:
        return ("企业注册尚未被认定机构激活，暂不能提交（可先保存草稿）",
                "the enterprise's registration is not yet activated by the office: drafts only until then")
    return None


APPLICATION = StateMachine(
    name="application",
    states=S,
    state_field="state",
    state_labels={"draft": ("草稿", "Draft"), "submitted": ("已提交，待受理", "Submitted, awaiting review"),
                  "returned": ("已退回，待修改", "Returned for changes")},
    transitions=[
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, "提交", "Submit", _owner, _registration_active),
        Transition("return", (S.SUBMITTED,), S.RETURNED, "退回修改", "Return for changes", _office_of, reason_required=True),
    ],
)
