"""Guards of the application machine that belong to publicity (filled in by the publicity app)."""

from __future__ import annotations


def end_problem(app):
    from .models import PublicityEntry

    entry = PublicityEntry.objects.filter(application=app).select_related("publicity").order_by("-id").first()
    if entry is None:
        return ("该申请不在公示名单中", "the application is not on a publicity list")
    return entry.end_problem()
