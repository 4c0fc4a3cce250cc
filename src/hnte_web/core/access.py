"""Who may see what. Every view goes through one of these; an object the user may not see is a 404 (its
existence is not revealed)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404


def role_required(*roles: str):
    def deco(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.roles = roles
        return wrapper

    return deco


def application_for(user, pk: int, *, write: bool = False):
    """The application if ``user`` may see it: its own enterprise's users; the office of its region and the
    Leading Group Office may read submitted ones (never drafts). Experts never see it here."""
    from hnte_web.applications.models import Application

    app = get_object_or_404(Application.objects.select_related("enterprise"), pk=pk)
    if user.is_enterprise and user.enterprise_id == app.enterprise_id:
        return app
    if not write and (user.is_office or user.is_lgo) and user.covers_region(app.region_code) and app.current_version > 0:
        return app
    raise Http404


def enterprise_for_office(user, pk: int):
    from hnte_web.enterprises.models import Enterprise

    ent = get_object_or_404(Enterprise, pk=pk)
    if not user.covers_region(ent.region_code):
        raise Http404
    return ent
