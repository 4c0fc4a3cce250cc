"""The objection's state machine: received → verifying (the office checks it) → upheld (the application is not
identified) or dismissed (it goes on). 工作指引 二（六）: "有异议的，须以书面形式实名向领导小组办公室提出，由认定机构核实处理。"
"""

from __future__ import annotations

from hnte_web.core.workflow import StateMachine, Transition

from .models import ObjectionState as S


def _office_of_entry(user, objection) -> bool:
    """The identification office of the enterprise's region verifies and resolves; the LGO may too."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (user.is_office or user.is_lgo) and user.covers_region(objection.entry.application.region_code)


def _application_in_publicity(objection):
    if objection.entry.application.state != "in_publicity":
        return ("该申请已不在公示中，异议只能作不成立或已处理结案", "the application is no longer in publicity: dismiss the objection instead")
    return None


OBJECTION = StateMachine(
    name="objection",
    states=S,
    state_field="state",
    state_labels={"received": ("已收到", "Received"), "verifying": ("核实中", "Being verified"),
                  "upheld": ("异议成立", "Upheld"), "dismissed": ("异议不成立", "Dismissed")},
    transitions=[
        Transition("verify", (S.RECEIVED,), S.VERIFYING, "受理核实", "Start verifying", _office_of_entry, reason_required=True),
        Transition("uphold", (S.VERIFYING,), S.UPHELD, "异议成立", "Uphold", _office_of_entry, _application_in_publicity,
                   reason_required=True),
        Transition("dismiss", (S.RECEIVED, S.VERIFYING), S.DISMISSED, "异议不成立", "Dismiss", _office_of_entry,
                   reason_required=True),
    ],
)
