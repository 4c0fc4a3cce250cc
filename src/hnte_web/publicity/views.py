"""Publicity pages: the public lists with their periods, the written real-name objection form, the Leading Group
Office's publishing and calendar pages, and the offices' handling of objections."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hnte.core.errors import InputError
from hnte_web.applications.models import Application
from hnte_web.applications.workflow import APPLICATION
from hnte_web.core.access import role_required
from hnte_web.core.i18n import t
from hnte_web.core.ratelimit import client_ip, rate_exceeded
from hnte_web.core.workflow import TransitionRefused
from hnte_web.review.models import Batch

from . import clock, services
from .models import OPEN_OBJECTION_STATES, CalendarYear, Objection, Publicity, PublicityEntry
from .workflow import OBJECTION


def _pick(request, pair: tuple[str, str]) -> str:
    return t(request, *pair)


def _staff(user) -> bool:
    return user.is_authenticated and (user.is_office or user.is_lgo)


def _visible(user):
    """Lists are public from their publication day; the offices see scheduled ones too."""
    qs = Publicity.objects.all()
    return qs if _staff(user) else qs.filter(published_on__lte=clock.today())


def publicity_list(request):
    """Every published list with its period (public)."""
    pubs = _visible(request.user).annotate(count=Count("entries")).order_by("-published_on", "-id")[:200]
    return render(request, "publicity/list.html", {"pubs": pubs, "today": clock.today()})


def publicity_detail(request, pk: int):
    """One list as published: number, enterprise name, region, and the period the engine computed (public). The
    offices also see where each application stands and the objections to it (their region's)."""
    pub = get_object_or_404(_visible(request.user), pk=pk)
    entries = list(pub.entries.select_related("application").order_by("number"))
    staff = _staff(request.user)
    rows = []
    for e in entries:
        row = {"entry": e}
        if staff and request.user.covers_region(e.region_code):
            row["state"] = APPLICATION.state_label(e.application.state, request.lang)
            row["objections"] = list(e.objections.order_by("id"))
            row["can_end"] = APPLICATION.check(e.application, "end_publicity", request.user) is None
        rows.append(row)
    return render(request, "publicity/detail.html", {
        "pub": pub, "rows": rows, "staff": staff, "today": clock.today(),
        "received": request.GET.get("objection") == "received",
        "sources": sorted(pub.calendar_sources.items()),
    })


def objection_new(request, pk: int):
    """The written objection under real name (anyone may object, signed in or not), during the period only."""
    pub = get_object_or_404(_visible(request.user), pk=pk)
    form = services.ObjectionForm(entry_number=request.GET.get("entry", ""))
    status = 200
    if request.method == "POST":
        limit = getattr(settings, "HNTE_OBJECTION_RATE_PER_MINUTE", 5)
        if rate_exceeded(f"objection:{client_ip(request)}", limit):
            return render(request, "error.html", {"message": t(request, "提交过于频繁，请稍后再试", "too many submissions: try again in a minute")},
                          status=429)
        p = request.POST
        form = services.ObjectionForm(entry_number=p.get("entry_number", ""), name=p.get("name", ""), phone=p.get("phone", ""),
                                      email=p.get("email", ""), organisation=p.get("organisation", ""), address=p.get("address", ""),
                                      content=p.get("content", ""), pledge=p.get("pledge") == "on")
        if services.objection_submit(acting_user=request.user, publicity=pub, form=form, client=client_ip(request)):
            return redirect(f"/publicity/{pub.pk}/?objection=received")
        status = 400
    if not pub.is_open and "period" not in form.errors:
        form.errors["period"] = (f"公示期为 {pub.first_day:%Y-%m-%d} 至 {pub.last_day:%Y-%m-%d}，现不在公示期内，不受理异议",
                                 f"the publicity runs from {pub.first_day} to {pub.last_day}: objections are not received now")
    errors = {k: _pick(request, v) for k, v in form.errors.items()}
    return render(request, "publicity/objection_form.html", {"pub": pub, "form": form, "errors": errors,
                                                             "entries": pub.entries.order_by("number"),
                                                             "open": pub.is_open}, status=status)


@role_required("admin")
def publicity_new(request):
    """The Leading Group Office publishes a list from the reported applications of the standard track."""
    reported = (Application.objects.select_related("enterprise", "batch")
                .filter(state="reported").exclude(programme="beijing-pilot").order_by("region_code", "id"))
    batches = Batch.objects.filter(applications__in=reported).distinct().order_by("-year", "region_prefix", "id")
    batch = None
    if (request.GET.get("batch") or request.POST.get("batch") or "").isdigit():
        batch = Batch.objects.filter(pk=int(request.GET.get("batch") or request.POST.get("batch"))).first()
        if batch is not None:
            reported = reported.filter(batch=batch)
    error, field, status = None, None, 200
    values = {"title": f"{batch} 拟认定高新技术企业名单" if batch else "", "published_on": clock.today().isoformat()}
    if request.method == "POST":
        values = {"title": request.POST.get("title", ""), "published_on": request.POST.get("published_on", "")}
        ids = [int(x) for x in request.POST.getlist("applications") if x.isdigit()]
        chosen = list(reported.filter(pk__in=ids))
        try:
            try:
                published_on = dt.date.fromisoformat(values["published_on"])
            except ValueError:
                raise TransitionRefused("公示发布日期应为 YYYY-MM-DD", "published_on: expected a date YYYY-MM-DD",
                                        code="published_on") from None
            pub = services.publicity_publish(acting_user=request.user, title=values["title"], applications=chosen,
                                             published_on=published_on, batch=batch)
            return redirect("publicity_detail", pk=pub.pk)
        except TransitionRefused as e:
            error, field, status = e.message(request.lang), e.code, (409 if e.code == "refused" else 400)
    return render(request, "publicity/new.html", {"reported": reported, "batches": batches, "batch": batch, "error": error,
                                                  "field": field, "values": values}, status=status)


def _objections_for(user):
    qs = Objection.objects.select_related("entry", "entry__publicity", "entry__application")
    if user.is_lgo:
        return qs
    return qs.filter(entry__application__region_code__startswith=user.region_prefix)


@role_required("office", "admin")
def objection_list(request):
    qs = _objections_for(request.user)
    if request.GET.get("all") != "1":
        qs = qs.filter(state__in=OPEN_OBJECTION_STATES)
    rows = [{"o": o, "state": OBJECTION.state_label(o.state, request.lang)} for o in qs.order_by("-id")[:200]]
    return render(request, "publicity/objections.html", {"rows": rows, "all": request.GET.get("all") == "1"})


ACTIONS = {
    "verify": lambda req, o: services.objection_verify(acting_user=req.user, objection=o, note=req.POST.get("reason", "")),
    "uphold": lambda req, o: services.objection_uphold(acting_user=req.user, objection=o, reason=req.POST.get("reason", "")),
    "dismiss": lambda req, o: services.objection_dismiss(acting_user=req.user, objection=o, reason=req.POST.get("reason", "")),
}


@role_required("office", "admin")
def objection_detail(request, pk: int):
    """One objection (with the objector's identity: offices only) and the office's verification and decision."""
    objection = get_object_or_404(_objections_for(request.user), pk=pk)
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            error, status = t(request, "未知操作", "unknown action"), 400
        else:
            try:
                ACTIONS[action](request, objection)
                return redirect("objection_detail", pk=objection.pk)
            except TransitionRefused as e:
                error, status = e.message(request.lang), (409 if e.code == "refused" else 400)
    available = [tr for tr in OBJECTION.transitions if OBJECTION.check(objection, tr.name, request.user) is None]
    from hnte_web.audit.models import AuditEvent

    history = AuditEvent.objects.filter(object_type="publicity.objection", object_id=str(objection.pk)).order_by("id")
    return render(request, "publicity/objection.html", {
        "o": objection, "state": OBJECTION.state_label(objection.state, request.lang), "available": available,
        "error": error, "history": history,
        "app_state": APPLICATION.state_label(objection.entry.application.state, request.lang)}, status=status)


@role_required("office", "admin")
@require_POST
def publicity_entry_end(request, pk: int):
    entry = get_object_or_404(PublicityEntry.objects.select_related("publicity", "application"), pk=pk)
    if not request.user.covers_region(entry.region_code):
        raise Http404
    try:
        services.publicity_entry_end(acting_user=request.user, entry=entry)
    except TransitionRefused as e:
        return render(request, "error.html", {"message": e.message(request.lang)}, status=409)
    return redirect("publicity_detail", pk=entry.publicity_id)


@role_required("admin")
def calendar_years(request):
    """The working-day calendar: the years it holds and where each comes from; load a newly announced year."""
    issues, status, text = [], 200, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = upload.name if upload else "calendar.yaml"
        try:
            text = upload.read().decode("utf-8") if upload else request.POST.get("text", "")
        except UnicodeDecodeError:
            text, issues = "", [t(request, "文件不是 UTF-8 编码", "the file is not UTF-8 encoded")]
        if not issues:
            if not text.strip():
                issues = [t(request, "请上传日历文件或粘贴其内容（hnte/calendar@1）", "upload the calendar file or paste it (hnte/calendar@1)")]
            else:
                try:
                    services.calendar_load(acting_user=request.user, text=text, source=source)
                    return redirect("calendar_years")
                except InputError as e:
                    issues = services.calendar_input_issues(e, request.lang)
        status = 400
    calendar = services.web_calendar()
    rows = [{"year": y, "source": calendar.source(y), "loaded": CalendarYear.objects.filter(year=y).select_related("loaded_by").first()}
            for y in reversed(calendar.years())]
    return render(request, "publicity/calendar.html", {"rows": rows, "issues": issues, "text": text}, status=status)

