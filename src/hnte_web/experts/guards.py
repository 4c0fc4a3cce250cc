"""Guards of the application machine that belong to the expert panel (filled in by the experts app)."""

from __future__ import annotations


def panel_problem(app):
    from .models import Panel

    panel = Panel.objects.filter(application=app).order_by("-id").first()
    if panel is None:
        return ("尚未抽取评审专家", "no expert panel has been drawn")
    return panel.problem()


def evaluation_problem(app):
    from .models import Panel

    panel = Panel.objects.filter(application=app).order_by("-id").first()
    if panel is None:
        return ("尚未抽取评审专家", "no expert panel has been drawn")
    return panel.evaluation_problem()


def is_panel_leader(user, app) -> bool:
    from .models import Panel

    panel = Panel.objects.filter(application=app).order_by("-id").first()
    return panel is not None and panel.leader_id is not None and panel.leader.user_id == user.pk
