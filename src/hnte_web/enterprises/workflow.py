"""The registration's state machine: an enterprise registers, the office of its region activates it or
returns it with a reason, and a returned registration can be corrected and sent again."""

from __future__ import annotations

from hnte_web.core.workflow import StateMachine, Transition

from .models import EnterpriseState as S


def _office_of(user, enterprise) -> bool:
    return getattr(user, "is_authenticated", False) and user.covers_region(enterprise.region_code)


def _owner(user, enterprise) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_enterprise and user.enterprise_id == enterprise.pk


REGISTRATION = StateMachine(
    name="registration",
    states=S,
    state_field="state",
    state_labels={"registered": ("待审核", "Awaiting activation"), "active": ("已激活", "Active"),
                  "returned": ("已退回", "Returned")},
    transitions=[
        Transition("activate", (S.REGISTERED,), S.ACTIVE, "激活", "Activate", _office_of),
        Transition("return", (S.REGISTERED,), S.RETURNED, "退回", "Return", _office_of, reason_required=True),
        Transition("resubmit", (S.RETURNED,), S.REGISTERED, "重新提交", "Resubmit", _owner),
    ],
)
