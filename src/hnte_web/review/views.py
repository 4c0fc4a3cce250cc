"""The office's intake pages: the queue with filters, formal review, batches, on-site checks, the
identification opinion, reporting to the Leading Group Office and its filing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hnte_web.applications.models import Application, ApplicationState
from hnte_web.applications.sections import PROGRAMMES
from hnte_web.applications.workflow import APPLICATION
from hnte_web.core.access import application_for, role_required
from hnte_web.core.i18n import t
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.models import Enterprise
from hnte_web.enterprises.workflow import REGISTRATION

from . import services
from .models import Batch

PAGE_SIZE = 50


def _region_scope(user, qs):
    if user.is_lgo:
        return qs
    return qs.filter(region_code__startswith=user.region_prefix) if user.region_prefix else qs.none()  # no region: nothing


def _batches_for(user):
    qs = Batch.objects.all()
    return qs if user.is_lgo else qs.filter(region_prefix=user.region_prefix)


@role_required("office", "admin")
def office_home(request):
    """The queue: submitted applications of the office's region (every region for the LGO), filtered."""
    user = request.user
    regs = [e for e in Enterprise.objects.filter(state="registered").order_by("created")[:200] if user.covers_region(e.region_code)]
    apps = _region_scope(user, Application.objects.select_related("enterprise", "batch").filter(current_version__gt=0))
    f = {k: request.GET.get(k, "") for k in ("state", "field", "region", "batch", "programme")}
    if "state" not in request.GET:
        f["state"] = "submitted"
    if f["state"]:
        apps = apps.filter(state=f["state"])
    if f["field"]:
        apps = apps.filter(technical_field__startswith=f["field"])
    if f["region"]:
        apps = apps.filter(region_code__startswith=f["region"])
    if f["batch"].isdigit():
        apps = apps.filter(batch_id=int(f["batch"]))
    if f["programme"]:
        apps = apps.filter(programme=f["programme"])
    page = Paginator(apps.order_by("id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"app": a, "state": APPLICATION.state_label(a.state, request.lang)} for a in page.object_list]
    pending = _region_scope(user, Application.objects.filter(state="recommended")).count()
    warning = services.filing_warning(timezone.localdate(), pending)
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return render(request, "office/home.html", {
        "registrations": regs, "rows": rows, "page": page, "f": f, "query": query,
        "states": [(s.value, APPLICATION.state_label(s.value, request.lang)) for s in ApplicationState if s.value != "draft"],
        "programmes": PROGRAMMES, "batches": _batches_for(user)[:100],
        "warning": (warning[1] if request.lang == "en" else warning[0]) if warning else None,
        "registration_state": REGISTRATION.state_label("registered", request.lang),
        "notifications": user.notifications.all()[:10],
    })


class BatchForm(forms.Form):
    name = forms.CharField(max_length=100)
    year = forms.IntegerField(min_value=2008, max_value=2100)
    deadline = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


@role_required("office", "admin")
def batches(request):
    form = BatchForm(request.POST or None, initial={"year": timezone.localdate().year})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_create(acting_user=request.user, **form.cleaned_data)
            return redirect("batches")
        except TransitionRefused as e:
            error = e.message(request.lang)
    counted = _batches_for(request.user).annotate(n=Count("applications"),  # one query, not two per batch
                                                  n_recommended=Count("applications", filter=Q(applications__state="recommended")))
    items = [{"batch": b, "count": b.n, "recommended": b.n_recommended} for b in counted[:100]]
    return render(request, "office/batches.html", {"form": form, "items": items, "error": error},
                  status=400 if request.method == "POST" else 200)


@role_required("office")
@require_POST
def batch_report(request, pk: int):
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    try:
        services.batch_report(acting_user=request.user, batch=batch)
    except TransitionRefused as e:
        return render(request, "error.html", {"message": e.message(request.lang)}, status=400)
    return redirect("batches")


ACTIONS = {
    "accept": lambda req, app: services.application_accept(
        acting_user=req.user, application=app, reason=req.POST.get("reason", ""),
        batch=_batches_for(req.user).filter(pk=req.POST.get("batch") or 0).first()),
    "return": lambda req, app: __import__("hnte_web.applications.services", fromlist=["x"]).application_return(
        acting_user=req.user, application=app, reason=req.POST.get("reason", "")),
    "reject": lambda req, app: services.application_reject(acting_user=req.user, application=app, reason=req.POST.get("reason", "")),
    "move_to_standard": lambda req, app: services.application_move_to_standard(
        acting_user=req.user, application=app, reason=req.POST.get("reason", "")),
    "recommend": lambda req, app: services.application_recommend(acting_user=req.user, application=app, reason=req.POST.get("reason", "")),
    "report": lambda req, app: services.application_report(acting_user=req.user, application=app),
    "file": lambda req, app: services.application_file(acting_user=req.user, application=app),
}


@role_required("office", "admin")
@require_POST
def application_action(request, pk: int):
    """One form posts every office decision; the state machine says whether it may happen now."""
    app = application_for(request.user, pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return render(request, "error.html", {"message": t(request, "未知操作", "unknown action")}, status=400)
    try:
        ACTIONS[action](request, app)
    except TransitionRefused as e:
        return render(request, "error.html", {"message": e.message(request.lang)}, status=409 if e.code == "refused" else 400)
    return redirect("application_detail", pk=app.pk)


class OnSiteForm(forms.Form):
    checked_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(max_length=200)
    findings = forms.CharField(widget=forms.Textarea)


@role_required("office")
def onsite_check(request, pk: int):
    app = application_for(request.user, pk)
    form = OnSiteForm(request.POST or None, initial={"checked_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.onsite_check_record(acting_user=request.user, application=app, **form.cleaned_data)
            return redirect("application_detail", pk=app.pk)
        except TransitionRefused as e:
            form.add_error(None, e.message(request.lang))
    return render(request, "office/onsite.html", {"app": app, "form": form, "checks": app.onsite_checks.all()},
                  status=400 if request.method == "POST" else 200)
