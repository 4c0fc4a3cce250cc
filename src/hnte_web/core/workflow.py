"""Declared state machines: states as an enum, each transition declared once with its guard (returning the
reason it is refused, or None), its permission and its label. :meth:`StateMachine.perform` is the only way a
state changes: atomically, with one audit event (who, when, from → to, why) and its notifications, all in one
transaction (a crash leaves all of it or none of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction

from hnte_web.audit.services import audit_record

from .faults import pause_before_commit


class TransitionRefused(Exception):
    """A transition is not allowed now; ``zh``/``en`` say why (the guard's or the permission's reason)."""

    def __init__(self, zh: str, en: str, *, code: str = "refused"):
        super().__init__(en)
        self.zh, self.en, self.code = zh, en, code

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


Reason = tuple[str, str] | None  # (zh, en) or None when allowed
MACHINES: dict[str, StateMachine] = {}  # every declared machine by name (drawn on /workflow/)


def all_machines() -> list[StateMachine]:
    """Every machine declared in an installed app's ``workflow`` module."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.workflow") is not None:
            importlib.import_module(f"{config.name}.workflow")
    return list(MACHINES.values())


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[StrEnum, ...]
    target: StrEnum
    label_zh: str
    label_en: str
    permission: Callable[[Any, Any], bool]  # (user, obj) -> allowed
    guard: Callable[[Any], Reason] | None = None  # (obj) -> reason refused
    reason_required: bool = False


@dataclass
class StateMachine:
    name: str
    states: type[StrEnum]
    state_field: str
    transitions: list[Transition]
    state_labels: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        assert len(names) == len(set(names)), f"duplicate transition in {self.name}"
        self._by_name = {t.name: t for t in self.transitions}
        MACHINES[self.name] = self

    def transition(self, name: str) -> Transition:
        return self._by_name[name]

    def state_label(self, state: str, lang: str = "zh") -> str:
        zh, en = self.state_labels.get(str(state), (str(state), str(state)))
        return en if lang == "en" else zh

    def check(self, obj, name: str, user) -> Reason:
        t = self._by_name[name]
        current = getattr(obj, self.state_field)
        if current not in {s.value for s in t.sources}:
            return (f"当前状态为“{self.state_label(current)}”，不能执行“{t.label_zh}”",
                    f"cannot {t.label_en.lower()} from state \"{self.state_label(current, 'en')}\"")
        if not t.permission(user, obj):
            return ("您无权执行此操作", "you are not allowed to do this")
        if t.guard is not None:
            return t.guard(obj)
        return None

    def available(self, obj, user) -> list[Transition]:
        return [t for t in self.transitions if self.check(obj, t.name, user) is None]

    def perform(self, obj, name: str, *, acting_user, reason: str = "", effect: Callable[[], Any] | None = None,
                data: dict | None = None, notify: Callable[[], None] | None = None):
        """Run transition ``name`` on ``obj``: lock the row, re-check, apply ``effect``, set the state, audit."""
        t = self._by_name[name]
        if t.reason_required and not reason.strip():
            raise TransitionRefused("请填写理由", "a reason is required", code="reason_required")
        with transaction.atomic():
            locked = type(obj).objects.select_for_update().get(pk=obj.pk)
            refused = self.check(locked, name, acting_user)
            if refused:
                raise TransitionRefused(*refused)
            before = getattr(locked, self.state_field)
            result = effect(locked) if effect else None
            object.__setattr__(locked, self.state_field, t.target.value)  # the one place a state is written
            locked.save()
            audit_record(acting_user=acting_user, action=f"{self.name}.{name}", obj=locked, from_state=before,
                         to_state=t.target.value, reason=reason, data=data)
            if notify:
                notify(locked)
            pause_before_commit(f"{self.name}.{name}")  # test-only fault injection (core/faults.py); no-op unless set
        for f in locked._meta.concrete_fields:  # refresh the caller's instance
            setattr(obj, f.attname, getattr(locked, f.attname))
        return result

    def mermaid(self, lang: str = "zh") -> str:
        """The diagram of this machine (Mermaid state diagram source)."""
        lines = ["stateDiagram-v2"]
        for t in self.transitions:
            label = t.label_en if lang == "en" else t.label_zh
            for s in t.sources:
                lines.append(f"    {s.value} --> {t.target.value}: {label}")
        return "\n".join(lines)
