"""Application pages: a view parses, authorises, calls one service, renders."""

from __future__ import annotations

import contextlib

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from hnte.core.errors import InputError
from hnte_web.audit.models import AuditEvent
from hnte_web.core.access import application_for, role_required
from hnte_web.core.i18n import t
from hnte_web.core.workflow import TransitionRefused

from . import sections as S
from .assessment import criterion_trace, live_assessment
from .models import ApplicationVersion, Attachment, AttachmentKind
from .services import (
    COMMITMENT_EN,
    COMMITMENT_ZH,
    application_create,
    application_export,
    application_import,
    application_save_section,
    application_submit,
    attachment_path,
    attachment_remove,
    attachment_upload,
    submission_problems,
    with_enterprise,
)
from .workflow import APPLICATION


def _visible_data(request, app) -> dict:
    """The owner sees its live draft; offices only what was submitted (the latest version), never a draft."""
    if request.user.is_enterprise:
        return with_enterprise(app.data, app.enterprise)
    return app.versions.get(number=app.current_version).data


OFFICE_ACTIONS = ("accept", "return", "reject", "move_to_standard", "recommend", "report", "file")


def _actor_shown(event, request) -> str:
    """Experts stay anonymous to the enterprise (and to anyone but offices): their actions show as the panel's."""
    actor = event.actor
    if actor is not None and actor.is_expert and not (request.user.is_office or request.user.is_lgo):
        return t(request, "专家组", "the expert panel")
    return event.actor_label


def _records(user, app):
    """Intake shows the office any active record of fraud against the enterprise."""
    if not (user.is_office or user.is_lgo):
        return []
    from django.utils import timezone

    from hnte.registries.records import describe
    from hnte_web.registries.services import records_for_enterprise

    return [describe(r, getattr(user, "_lang", "zh")) for r in records_for_enterprise(app.enterprise, on=timezone.localdate())]


def _batches(user, app):
    if not (user.is_office and app.state == "submitted" and not app.pilot):
        return []
    from hnte_web.review.models import Batch

    return list(Batch.objects.filter(region_prefix=user.region_prefix)[:50])


def _panel(request, app) -> str:
    """The live self-assessment panel (page, autosave, ``application_panel``); each criterion's trace is fetched
    from ``application_trace`` when it is opened (static/hnte/trace.js), not rendered on every save."""
    live = live_assessment(_visible_data(request, app), lang=request.lang, traces=False)
    return render_to_string("applications/_live.html", {"live": live, "app": app}, request=request)


def _app_date(data: dict):
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(data.get("application_date")))
    except ValueError:
        return dt.date.today()


def _section_context(app, section: str, suggest_text: str = "") -> dict:
    data = app.data
    ctx: dict = {"section": section, "sections": S.SECTIONS}
    if section == "basic":
        ctx["fields"] = S.field_rows(data, S.BASIC)
        ctx["suggest_text"] = suggest_text
        if suggest_text:
            from hnte.registries.field_suggest import suggest

            ctx["suggestions"] = [x.to_dict() for x in suggest(suggest_text, when=_app_date(data), top=5)]
    elif section == "management":
        ctx["fields"] = S.field_rows(data, S.MANAGEMENT)
    elif section == "audit_report":
        ctx["fields"] = S.field_rows(data, S.AUDIT_FIELDS)
        ctx["grid"] = S.audit_grid(data)
    elif section in ("finance", "rd", "staff"):
        ctx["grid"] = S.grid_rows(data, section)
        if section == "staff":
            ctx["monthly"] = S.monthly_rows(data)
            ctx["latest_year"] = S.application_years(data)[-1]
    elif section in S.TABLES:
        table = S.TABLES[section]
        ctx["table"] = table
        ctx["headers"] = S.table_headers(data, table)
        ctx["rows"] = S.table_rows(data, table)
    else:
        raise Http404
    return ctx


@role_required("enterprise")
@require_POST
def application_new(request):
    programme = request.POST.get("programme", "national")
    if programme not in {p for p, _, _ in S.PROGRAMMES}:
        programme = "national"
    app = application_create(acting_user=request.user, programme=programme)
    return redirect("application_edit", pk=app.pk, section="basic")


@role_required("enterprise", "office", "admin")
def application_detail(request, pk: int):
    app = application_for(request.user, pk)
    versions = app.versions.select_related("submitted_by")
    history = AuditEvent.objects.filter(object_type="applications.application", object_id=str(app.pk)).select_related("actor")
    if not request.user.is_enterprise:
        history = history.exclude(action="application.create")
    history = [{"at": h.at, "actor": _actor_shown(h, request), "action": h.action, "from_state": h.from_state,
                "to_state": h.to_state, "reason": h.reason} for h in history]
    problems = submission_problems(app, request.lang) if request.user.is_enterprise and app.editable else []
    return render(request, "applications/detail.html", {
        "app": app, "state": APPLICATION.state_label(app.state, request.lang), "versions": versions, "history": history,
        "machine": APPLICATION, "problems": problems,
        "office_actions": [tr for tr in APPLICATION.transitions
                           if tr.name in OFFICE_ACTIONS and APPLICATION.check(app, tr.name, request.user) is None
                           or tr.name == "accept" and app.state == "submitted" and request.user.is_office
                           and request.user.covers_region(app.region_code)],
        "batches": _batches(request.user, app),
        "records": _records(request.user, app),
    })


@role_required("enterprise")
def application_edit(request, pk: int, section: str):
    app = application_for(request.user, pk, write=True)
    if section not in S.SECTION_KEYS:
        raise Http404
    errors: dict = {}
    status = 200
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "POST":
        if not app.editable:
            msg = t(request, "已提交的申请不能修改", "a submitted application cannot be changed")
            if wants_json:
                return JsonResponse({"ok": False, "errors": {"": msg}}, status=409)
            return redirect("application_detail", pk=app.pk)
        errors = application_save_section(acting_user=request.user, application=app, section=section, post=request.POST)
        if wants_json:
            body = {"ok": not errors, "errors": {k: (v[1] if request.lang == "en" else v[0]) for k, v in errors.items()},
                    "panel": _panel(request, app)}
            return JsonResponse(body, status=400 if errors else 200)
        if not errors:
            nxt = request.POST.get("next")
            if nxt in S.SECTION_KEYS:
                return redirect("application_edit", pk=app.pk, section=nxt)
            return redirect("application_edit", pk=app.pk, section=section)
        status = 400
    ctx = _section_context(app, section, request.GET.get("suggest", "")[:2000])
    if errors:  # show what the user typed, not the stored values
        _overlay(ctx, request.POST)
    keys = list(S.SECTION_KEYS)
    i = keys.index(section)
    ctx.update({
        "app": app, "errors": {k: (v[1] if request.lang == "en" else v[0]) for k, v in errors.items()},
        "panel": _panel(request, app), "next_section": keys[i + 1] if i + 1 < len(keys) else None,
        "state": APPLICATION.state_label(app.state, request.lang),
    })
    return render(request, "applications/edit.html", ctx, status=status)


def _overlay(ctx: dict, post) -> None:
    def fix(cell):
        if cell.get("name") in post:
            cell["value"] = post.get(cell["name"])

    for f in ctx.get("fields", []):
        fix(f)
    for row in ctx.get("grid", {}).get("rows", []):
        for c in row["cells"]:
            fix(c)
    for row in ctx.get("monthly", []) + ctx.get("rows", []):
        for c in row["cells"]:
            fix(c)


@role_required("enterprise", "office", "admin")
def application_panel(request, pk: int):
    app = application_for(request.user, pk)
    return HttpResponse(_panel(request, app))


@role_required("enterprise", "office", "admin")
def application_trace(request, pk: int, criterion: str):
    """计算过程: one criterion's explanation trace, as plain text, on the data this user sees (the owner its draft,
    offices the submitted version): what the live panel fetches when a criterion's trace is opened."""
    app = application_for(request.user, pk)
    text = criterion_trace(_visible_data(request, app), criterion, lang=request.lang)
    if text is None:
        raise Http404
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@role_required("enterprise", "office", "admin")
def application_export_view(request, pk: int, number: int | None = None):
    app = application_for(request.user, pk)
    version = None
    if number is not None:
        version = get_object_or_404(ApplicationVersion, application=app, number=number)
    elif not request.user.is_enterprise:
        raise Http404  # offices read submitted versions, never the live draft
    text = application_export(app, version)
    name = f"application-{app.pk}" + (f"-v{number}" if number else "-draft") + ".json"
    resp = HttpResponse(text, content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@role_required("enterprise")
def application_import_view(request, pk: int):
    app = application_for(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = [{"path": "file", "message": t(request, "请选择申请书文件（YAML 或 JSON）", "choose an application file (YAML or JSON)")}]
        elif upload.size > 2 * 1024 * 1024:
            error = [{"path": "file", "message": t(request, "文件过大（上限 2 MB）", "file too large (2 MB limit)")}]
        else:
            try:
                text = upload.read().decode("utf-8")
                application_import(acting_user=request.user, application=app, text=text, source=upload.name)
                return redirect("application_edit", pk=app.pk, section="basic")
            except UnicodeDecodeError:
                error = [{"path": "", "message": t(request, f"{upload.name}：文件不是 UTF-8 编码", f"{upload.name}: not UTF-8 encoded")}]
            except InputError as e:
                error = e.to_dict(request.lang)["issues"]
                for i in error:
                    i["file"] = e.source
            except TransitionRefused as e:
                error = [{"path": "", "message": e.message(request.lang)}]
    return render(request, "applications/import.html", {"app": app, "error": error}, status=400 if error else 200)


@role_required("enterprise", "office", "admin")
def attachments(request, pk: int):
    app = application_for(request.user, pk, write=request.method == "POST")
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind", "other")
        if kind not in AttachmentKind.values:
            kind = "other"
        if upload is None:
            error = t(request, "请选择文件", "choose a file")
        else:
            try:
                attachment_upload(acting_user=request.user, application=app, upload=upload, kind=kind,
                                  deidentified=request.POST.get("deidentified") == "on")
                return redirect("attachments", pk=app.pk)
            except InputError as e:
                error = e.render(request.lang)
            except TransitionRefused as e:
                error = e.message(request.lang)
    items = app.attachments.filter(removed=False)
    if not request.user.is_enterprise:
        items = Attachment.objects.filter(versions__application=app).distinct()
    return render(request, "applications/attachments.html", {
        "app": app, "items": items, "kinds": AttachmentKind.choices, "error": error,
    }, status=400 if error else 200)


@role_required("enterprise", "office", "admin")
def attachment_download(request, pk: int):
    att = get_object_or_404(Attachment, pk=pk)
    app = application_for(request.user, att.application_id)
    if not request.user.is_enterprise and not att.versions.exists():
        raise Http404
    if request.user.is_enterprise and att.removed and not att.versions.exists():
        raise Http404
    path = attachment_path(att)
    if not path.exists():
        raise Http404
    resp = FileResponse(path.open("rb"), content_type=att.content_type, as_attachment=True, filename=att.original_name)
    resp["X-Content-Type-Options"] = "nosniff"
    del app
    return resp


@role_required("enterprise")
@require_POST
def attachment_remove_view(request, pk: int):
    att = get_object_or_404(Attachment, pk=pk)
    app = application_for(request.user, att.application_id, write=True)
    with contextlib.suppress(TransitionRefused):
        attachment_remove(acting_user=request.user, attachment=att)
    return redirect("attachments", pk=app.pk)


@role_required("enterprise")
def application_submit_view(request, pk: int):
    app = application_for(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            application_submit(acting_user=request.user, application=app, commitment_by=request.POST.get("commitment_by", ""),
                               agreed=request.POST.get("agree") == "on")
            return redirect("application_detail", pk=app.pk)
        except TransitionRefused as e:
            error = e.message(request.lang)
    refused = APPLICATION.check(app, "submit", request.user)
    return render(request, "applications/submit.html", {
        "app": app, "error": error, "refused": (refused[1] if request.lang == "en" else refused[0]) if refused else None,
        "problems": submission_problems(app, request.lang), "commitment": COMMITMENT_EN if request.lang == "en" else COMMITMENT_ZH,
    }, status=400 if error else 200)


@role_required("enterprise", "office", "admin")
def version_detail(request, pk: int, number: int):
    app = application_for(request.user, pk)
    version = get_object_or_404(ApplicationVersion, application=app, number=number)
    live = live_assessment(version.data, lang=request.lang)
    return render(request, "applications/version.html", {"app": app, "version": version, "live": live, "data": version.data})


@role_required("enterprise", "office", "admin")
def pilot_form(request, pk: int):
    """北京“报备即批准”试点申请表: the pilot form's fields, drawn from the application."""
    app = application_for(request.user, pk)
    data = _visible_data(request, app)
    live = live_assessment(data, lang=request.lang)
    years = data.get("years") or []
    rd_total = rd_domestic = None
    if years and all(y.get("rd_expenses") for y in years):
        from decimal import Decimal

        rd_total = sum((sum((Decimal(v) for v in y["rd_expenses"].values()), Decimal(0)) for y in years), Decimal(0))
        rd_domestic = rd_total - sum((Decimal(y["rd_expenses"].get("outsourced_overseas", 0)) for y in years), Decimal(0))
    latest = years[-1] if years else {}
    return render(request, "applications/pilot_form.html", {
        "app": app, "data": data, "live": live, "rd_total": rd_total, "rd_domestic": rd_domestic,
        "latest": latest, "pilot_fields": S.PILOT_FIELDS,
    })
