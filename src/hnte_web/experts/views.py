"""Expert pages (the anonymised workspace) and the office's pool and panel pages: a view parses, authorises,
calls one service, renders. An expert reaches an application only as a member of its panel, and only through
the allow-listed projection (:mod:`.projection`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hnte.core.errors import InputError
from hnte_web.applications.models import Application, Attachment, AttachmentKind
from hnte_web.applications.services import attachment_path
from hnte_web.applications.workflow import APPLICATION
from hnte_web.core.access import application_for, role_required
from hnte_web.core.i18n import t
from hnte_web.core.money import yuan_to_wan_text
from hnte_web.core.workflow import TransitionRefused

from . import rules as R
from .models import Expert, ExpertReview, Panel, PanelMember
from .projection import Scrubber, expert_projection, identifying_values
from .services import (
    catalogue_in_force,
    draw_preview,
    draw_replay,
    evaluation_preview,
    expert_create,
    expert_update,
    member_of,
    panel_draw,
    panel_evaluate,
    panel_forms,
    panel_member_decline,
    panel_member_replace,
    parse_expert_post,
    review_submit,
)

KIND_NAMES = dict(AttachmentKind.choices)


def _errors(e: InputError, lang: str) -> tuple[dict, list[str]]:
    by_field: dict[str, str] = {}
    for i in e.issues:
        by_field.setdefault(i.path, i.message(lang))
    return by_field, [i.message(lang) for i in e.issues]


# --- the expert's workspace -------------------------------------------------------------------------------------


@login_required
def expert_home(request):
    """评审工作台: the panels the expert sits on, by reference only."""
    if not request.user.is_expert:
        return redirect("home")
    rows = []
    members = (PanelMember.objects.filter(expert__user=request.user).select_related("panel__application", "panel__leader")
               .order_by("-panel_id"))
    for m in members:
        panel = m.panel
        review = ExpertReview.objects.filter(member=m).first()
        rows.append({"member": m, "panel": panel, "field": panel.application.technical_field,
                     "state": APPLICATION.state_label(panel.application.state, request.lang), "review": review,
                     "leader": panel.leader_id == m.expert_id, "open": m.status == PanelMember.ACTIVE})
    return render(request, "experts/home.html", {"assignments": rows,
                                                 "profile": getattr(request.user, "expert_profile", None)})


def _panel_of_member(user, pk: int) -> tuple[Panel, PanelMember]:
    panel = get_object_or_404(Panel.objects.select_related("application__enterprise", "leader"), pk=pk)
    member = member_of(user, panel)
    if member is None:
        raise Http404
    return panel, member


def _visible_attachments(panel: Panel) -> list[dict]:
    """The de-identified attachments cleared by the screening at the draw (names scrubbed as well)."""
    app = panel.application
    scrub = Scrubber(identifying_values(app.enterprise, panel.version_data()))
    out = []
    for n, row in enumerate((r for r in panel.screening if r.get("shown")), start=1):
        out.append({"id": row["attachment"], "n": n, "kind": row["kind"], "kind_label": KIND_NAMES.get(row["kind"], row["kind"]),
                    "name": scrub.text(row["name"]), "checked": row["checked"]})
    return out


def _projection(panel: Panel) -> dict:
    data = panel.version_data()
    when = dt.date.fromisoformat(str(data["application_date"]))
    return expert_projection(reference=panel.reference, data=data, enterprise=panel.application.enterprise,
                             catalogue=catalogue_in_force(when))


def _wan(yuan) -> str:
    return yuan_to_wan_text(Decimal(str(yuan))) if yuan not in (None, "") else ""


def _raw_from_form(form: dict) -> dict:
    """A stored form back into the inputs it came from (to show and correct it)."""
    raw: dict = dict(form.get("checks") or {})
    if form.get("field_code"):
        raw["field_code"] = form["field_code"]
    c = form.get("confirmed") or {}
    if c:
        raw.update(rd_count=c.get("rd_count"), rd_struck=" ".join(c.get("rd_struck") or []), rd_total=_wan(c.get("rd_total")),
                   rd_domestic=_wan(c.get("rd_domestic")), ps_count=c.get("ps_count"), ps_struck=" ".join(c.get("ps_struck") or []),
                   high_tech_income=_wan(c.get("high_tech_income")))
    for key, entry in (form.get("items") or {}).items():
        raw[key] = entry["points"]
        raw[f"{key}_grade"] = entry["grade"]
    raw["comments"] = form.get("comments", "")
    if "opinion" in form:
        raw["opinion"] = form["opinion"]
    return raw


def _declared_defaults(projection: dict) -> dict:
    """The confirmed figures start as the declared ones (when exact to the yuan); the expert corrects them."""
    ind = {i["id"]: i["value"] for i in projection["engine"]["indicators"]}
    raw = {"rd_count": len(projection["rd_projects"]), "ps_count": len(projection["products"])}
    for key, fid in (("rd_total", "rd_expense.total"), ("rd_domestic", "rd_expense.domestic_total")):
        v = ind.get(fid)
        if v is not None and Decimal(v) == Decimal(v).to_integral_value():
            raw[key] = _wan(Decimal(v))
    latest = projection["years"][-1] if projection["years"] else {}
    if latest.get("high_tech_income") is not None:
        raw["high_tech_income"] = _wan(latest["high_tech_income"])
    return raw


def _item_rows(items: list[R.ScoreItem], when: dt.date, raw: dict, errors: dict) -> list[dict]:
    params = R.params_on(when)
    rows = []
    for item in items:
        table, cites = R.item_bands(item, params)
        rows.append({"item": item, "graded": item.graded, "max": max(hi for _, hi in table.values()),
                     "grades": [(g, f"{lo}–{hi}" if lo != hi else f"{lo}") for g, (lo, hi) in table.items()],
                     "grade": str(raw.get(f"{item.key}_grade", "") or ""), "points": raw.get(item.key, ""),
                     "cites": [R.cite_label(c) for c in cites], "error": errors.get(item.key) or errors.get(f"{item.key}_grade")})
    return rows


def _checks(checks, raw: dict, errors: dict) -> list[dict]:
    return [{"key": k, "zh": zh, "en": en, "value": raw.get(k, ""), "error": errors.get(k)} for k, zh, en in checks]


@role_required("expert")
def expert_review(request, pk: int):
    """One assignment: the projection, the cleared attachments, and the expert's own form (GET shows, POST submits)."""
    panel, member = _panel_of_member(request.user, pk)
    projection = _projection(panel)
    review = ExpertReview.objects.filter(member=member).first()
    errors: dict = {}
    messages: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            review_submit(acting_user=request.user, panel=panel, raw=request.POST)
            return redirect(f"{request.path}?saved=1")
        except InputError as e:
            errors, messages = _errors(e, request.lang)
        except TransitionRefused as e:
            messages = [e.message(request.lang)]
        raw = request.POST.dict()
        status = 400
    elif review is not None:
        raw = _raw_from_form(review.form)
    else:
        raw = _declared_defaults(projection) if member.kind == R.TECHNICAL else {}
    when = panel.application_date()
    items = R.TECHNICAL_ITEMS if member.kind == R.TECHNICAL else R.FINANCIAL_ITEMS
    editable = panel.application.state == "in_review" and not hasattr(panel, "evaluation")
    return render(request, "experts/review.html", {
        "panel": panel, "member": member, "p": projection, "attachments": _visible_attachments(panel), "review": review,
        "raw": raw, "errors": errors, "messages": messages, "saved": request.GET.get("saved") == "1",
        "technical": member.kind == R.TECHNICAL, "rows": _item_rows(items, when, raw, errors),
        "checks": _checks(R.TECHNICAL_CHECKS if member.kind == R.TECHNICAL else R.FINANCIAL_CHECKS, raw, errors),
        "leader": panel.leader_id == member.expert_id, "editable": editable,
        "rules": list(dict.fromkeys(c for r in _item_rows(items, when, raw, errors) for c in r["cites"])),
        "state": APPLICATION.state_label(panel.application.state, request.lang),
    }, status=status)


@role_required("expert")
def expert_review_json(request, pk: int):
    """The same projection as JSON (format ``hnte/expert-projection@1``) with the cleared attachments."""
    panel, _ = _panel_of_member(request.user, pk)
    body = _projection(panel)
    body["attachments"] = [{"id": a["id"], "kind": a["kind"], "name": a["name"], "url": f"/expert/attachments/{a['id']}/"}
                           for a in _visible_attachments(panel)]
    body["due_date"] = panel.due_date.isoformat()
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@role_required("expert")
@require_POST
def expert_decline(request, pk: int):
    panel, member = _panel_of_member(request.user, pk)
    try:
        panel_member_decline(acting_user=request.user, member=member, reason=request.POST.get("reason", ""))
    except TransitionRefused as e:
        return render(request, "error.html", {"message": e.message(request.lang)}, status=400)
    return redirect("expert_home")


@role_required("expert")
def expert_attachment(request, pk: int):
    """A de-identified attachment, to a member of the panel, only if the screening cleared it."""
    att = get_object_or_404(Attachment, pk=pk)
    panel = Panel.objects.filter(application_id=att.application_id).order_by("-id").first()
    if panel is None or member_of(request.user, panel) is None:
        raise Http404
    row = next((r for r in panel.screening if r["attachment"] == att.pk and r.get("shown")), None)
    path = attachment_path(att)
    if row is None or not att.deidentified or not path.exists():
        raise Http404
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(att.content_type, "bin")
    resp = FileResponse(path.open("rb"), content_type=att.content_type, as_attachment=True,
                        filename=f"{panel.reference}-{att.pk}.{ext}")
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@role_required("expert")
def expert_evaluation(request, pk: int):
    """专家组综合评价表 (the leader only): the members' scores and confirmed figures side by side, the panel's
    confirmed figures and opinion, the result before and after submitting."""
    panel, member = _panel_of_member(request.user, pk)
    if panel.leader_id != member.expert_id:
        raise Http404
    projection = _projection(panel)
    evaluation = getattr(panel, "evaluation", None) if hasattr(panel, "evaluation") else None
    errors: dict = {}
    messages: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            panel_evaluate(acting_user=request.user, panel=panel, raw=request.POST)
            return redirect("expert_evaluation", pk=panel.pk)
        except InputError as e:
            errors, messages = _errors(e, request.lang)
        except TransitionRefused as e:
            messages = [e.message(request.lang)]
        raw = request.POST.dict()
        status = 400
    elif evaluation is not None:
        raw = _raw_from_form(evaluation.form)
    else:
        own = ExpertReview.objects.filter(member=member).first()
        raw = _raw_from_form({"confirmed": own.form.get("confirmed")}) if own else _declared_defaults(projection)
    members = []
    for n, m in enumerate(panel.active_members().order_by("id"), start=1):
        review = ExpertReview.objects.filter(member=m).first()
        members.append({"label": f"E{n}", "kind": m, "review": review, "leader": m.expert_id == panel.leader_id})
    forms, _ = panel_forms(panel)
    result = evaluation.result if evaluation else None
    preview = None
    if result is None and len(forms) == len(members) and not panel.problem():
        rd, ps = ([p["code"] for p in projection["rd_projects"]], [p["code"] for p in projection["products"]])
        form, problems = R.validate_evaluation({**raw, "opinion": raw.get("opinion") or "-"}, rd_codes=rd, ps_codes=ps)
        if not problems:
            preview = evaluation_preview(panel, form)
    shown = result or preview
    if shown is not None:
        shown = _for_experts(shown, panel)
    return render(request, "experts/evaluation.html", {
        "panel": panel, "p": projection, "members": members, "raw": raw, "errors": errors, "messages": messages,
        "result": shown, "final": result is not None, "indicators": _indicator_labels(),
        "editable": result is None and panel.application.state == "in_review",
    }, status=status)


def _indicator_labels() -> list[tuple[str, str, str]]:
    return [("intellectual_property", "知识产权", "IP"), ("conversion", "科技成果转化能力", "Conversion"),
            ("rd_management", "研究开发组织管理水平", "R&D management"), ("growth", "企业成长性", "Growth")]


def _for_experts(result: dict, panel: Panel) -> dict:
    """The result as an expert may see it: no traces (they quote dates and numbers from the file), no day counts,
    texts scrubbed."""
    data = panel.version_data()
    ips = list(data.get("intellectual_property") or [])
    scrub = Scrubber(identifying_values(panel.application.enterprise, data),
                     {str(ip.get("number")): f"IP{i + 1:02d}" for i, ip in enumerate(ips) if ip.get("number")})
    out = dict(result)
    rows = []
    for c in result["criteria"]:
        row = {k: v for k, v in c.items() if not k.startswith("trace")}
        if row["id"].startswith("art11_1_") or "registration" in row["id"]:
            row.pop("value", None)
            row.pop("threshold", None)
        for k in ("note_zh", "note_en", "value", "threshold"):
            if row.get(k):
                row[k] = scrub.text(row[k])
        rows.append(row)
    out["criteria"] = rows
    return out


# --- the office: the pool -------------------------------------------------------------------------------------


def _pool(user):
    qs = Expert.objects.select_related("user").order_by("kind", "id")
    return qs if user.is_lgo else qs.filter(region_prefix=user.region_prefix)


def _office_panels(user):
    apps = Application.objects.filter(state__in=("accepted", "in_review", "evaluated")).select_related("enterprise").order_by("-id")
    return [a for a in apps[:500] if user.covers_region(a.region_code)][:100]


@role_required("office", "admin")
def office_experts(request):
    """专家库: the office's experts (the Leading Group Office sees every pool) and the form to add one."""
    errors: dict = {}
    messages: list[str] = []
    status = 200
    raw: dict = {"kind": "technical", "active": "on"}
    if request.method == "POST":
        raw = request.POST.dict()
        raw["certificates"] = request.POST.getlist("certificates")
        values, problems = parse_expert_post(request.POST)
        try:
            expert = expert_create(acting_user=request.user, username=request.POST.get("username", ""),
                                   password=request.POST.get("password", ""), values=values, problems=problems)
            return redirect("office_expert", pk=expert.pk)
        except InputError as e:
            errors, messages = _errors(e, request.lang)
        except TransitionRefused as e:
            messages = [e.message(request.lang)]
        status = 400
    return render(request, "experts/office_pool.html", {
        "experts": _pool(request.user), "raw": raw, "errors": errors, "messages": messages,
        "kinds": [(k, *R.KIND_LABELS[k]) for k in R.KINDS], "certificates": [(k, *v) for k, v in R.CERTIFICATES.items()],
        "applications": _office_panels(request.user), "can_add": request.user.is_office,
        "rule": R.cite_label("guidelines_2016#sec1-4", request.lang),
    }, status=status)


def _expert_raw(e: Expert) -> dict:
    return {"kind": e.kind, "name": e.name, "title": e.title, "senior_title": "on" if e.senior_title else "",
            "certificates": list(e.certificates), "finance_years": e.finance_years if e.finance_years is not None else "",
            "fields": " ".join(e.fields), "organisation": e.organisation, "organisation_credit_code": e.organisation_credit_code,
            "conflicts": " ".join(e.conflicts), "active": "on" if e.active else ""}


@role_required("office", "admin")
def office_expert(request, pk: int):
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    if not (request.user.is_lgo or expert.region_prefix == request.user.region_prefix):
        raise Http404
    errors: dict = {}
    messages: list[str] = []
    status = 200
    raw = _expert_raw(expert)
    if request.method == "POST":
        raw = request.POST.dict()
        raw["certificates"] = request.POST.getlist("certificates")
        values, problems = parse_expert_post(request.POST)
        try:
            expert_update(acting_user=request.user, expert=expert, values=values, problems=problems)
            return redirect("office_expert", pk=expert.pk)
        except InputError as e:
            errors, messages = _errors(e, request.lang)
        except TransitionRefused as e:
            messages = [e.message(request.lang)]
        status = 400
    memberships = expert.memberships.select_related("panel__application").order_by("-id")[:50]
    return render(request, "experts/office_expert.html", {
        "expert": expert, "raw": raw, "errors": errors, "messages": messages, "memberships": memberships,
        "kinds": [(k, *R.KIND_LABELS[k]) for k in R.KINDS], "certificates": [(k, *v) for k, v in R.CERTIFICATES.items()],
        "can_edit": request.user.is_office, "rule": R.cite_label("guidelines_2016#sec1-4", request.lang),
    }, status=status)


# --- the office: the panel of an application ------------------------------------------------------------------


@role_required("office", "admin")
def office_panel(request, pk: int):
    """The panel of one application: draw it (with the pool check shown), see members and forms, record a
    decline, re-draw a replacement, replay every draw, see the screening warnings and the result with traces."""
    app = application_for(request.user, pk)
    messages: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "draw":
                due = request.POST.get("due_date") or ""
                panel_draw(acting_user=request.user, application=app,
                           n_technical=_int(request.POST.get("n_technical")), n_financial=_int(request.POST.get("n_financial")),
                           due_date=dt.date.fromisoformat(due) if due else None)
            elif action in ("replace", "decline"):
                member = get_object_or_404(PanelMember, pk=_int(request.POST.get("member")) or 0, panel__application=app)
                if action == "replace":
                    panel_member_replace(acting_user=request.user, member=member)
                else:
                    panel_member_decline(acting_user=request.user, member=member, reason=request.POST.get("reason", ""))
            else:
                raise TransitionRefused("未知操作", "unknown action")
            return redirect("office_panel", pk=app.pk)
        except TransitionRefused as e:
            messages = [e.message(request.lang)]
        except ValueError:
            messages = [t(request, "截止日期格式应为 YYYY-MM-DD", "the due date must be YYYY-MM-DD")]
        status = 400
    panel = Panel.objects.filter(application=app).order_by("-id").first()
    ctx: dict = {"app": app, "panel": panel, "messages": messages, "indicators": _indicator_labels(),
                 "state": APPLICATION.state_label(app.state, request.lang), "can_draw": False}
    if panel is None:
        if app.state == "accepted":
            preview = draw_preview(app, n_technical=_int(request.POST.get("n_technical")),
                                   n_financial=_int(request.POST.get("n_financial")))
            ctx.update(preview=preview, can_draw=request.user.is_office,
                       problems=[p.message(request.lang) for p in preview["problems"]])
    else:
        members = []
        for m in panel.members.select_related("expert").order_by("id"):
            members.append({"m": m, "review": ExpertReview.objects.filter(member=m).first(), "leader": m.expert_id == panel.leader_id,
                            "replaced": m.replaced})
        ctx.update(members=members, draws=panel.draws.order_by("number"), replay=draw_replay(panel),
                   evaluation=getattr(panel, "evaluation", None) if hasattr(panel, "evaluation") else None,
                   warnings=[s for s in panel.screening if not s.get("shown") or (not s["checked"])],
                   problem=panel.problem(), can_act=request.user.is_office and app.state == "in_review")
    return render(request, "experts/office_panel.html", ctx, status=status)


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@role_required("office", "admin")
def office_panel_record(request, pk: int):
    """The draw record of the application's panel, for anyone to re-run: seeds, candidate ids, numbers needed,
    exclusions, results, and this server's replay of each."""
    app = application_for(request.user, pk)
    panel = Panel.objects.filter(application=app).order_by("-id").first()
    if panel is None:
        raise Http404
    replay = draw_replay(panel)
    body = {"format": "hnte/panel-draw@1", "panel": panel.reference, "algorithm": R.ALGORITHM,
            "draws": [{"number": d.number, "kind": d.kind, "record": d.record, "result": d.result,
                       "replaces_expert": d.replaces.expert_id if d.replaces_id else None} for d in panel.draws.order_by("number")],
            "replay": {"same": replay["same"], "members": {str(k): v for k, v in replay["members"].items()}, "leader": replay["leader"]}}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
