"""Supervision pages. Each view parses, authorises (an object the user may not see is a 404), calls one service and
renders; "today" is the system clock (``publicity.clock``)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hnte.core.errors import InputError
from hnte.supervision.annual_report import FIELDS
from hnte.supervision.rules import prefill_reidentification, unusable_class_ii_ip
from hnte_web.certificates.models import Certificate
from hnte_web.core.access import role_required
from hnte_web.core.i18n import t
from hnte_web.core.money import yuan_to_wan_text
from hnte_web.core.workflow import TransitionRefused
from hnte_web.publicity import clock

from . import charts, dashboard, services
from .forms import (
    AnnualReportForm,
    ChangeReportForm,
    CheckItemForm,
    ConcludeForm,
    LocalDeadlineForm,
    OfficeActionForm,
    ProposeForm,
    RandomCheckForm,
    ReexaminationForm,
    RelocationForm,
    TargetedCheckForm,
    add_errors,
)
from .models import (
    MAJOR_KINDS,
    AnnualReport,
    ChangeReport,
    Check,
    CheckItem,
    LocalDeadline,
    Reexamination,
    Relocation,
    Revocation,
    RevocationGround,
)
from .status import EXPIRED, REVOKED, VALID, later_certificate, revoked_on, status_label, status_of
from .workflow import ANNUAL_REPORT, CHANGE_REPORT, CHECK_ITEM, REEXAMINATION, REVOCATION


def labels(lang: str) -> dict[str, dict[str, str]]:
    """Display labels of the recorded choices in the request's language (``L.ground|get:r.ground``)."""
    return {
        "ground": {g: services.ground_label(g, lang) for g in RevocationGround.values},
        "change_kind": {"name": t(lang, "更名", "Name change"), "major": t(lang, "重大变化", "Major change")},
        "check_kind": {"random": t(lang, "随机抽查", "Random check"), "targeted": t(lang, "重点检查", "Targeted check")},
        "conclusion": {"compliant": t(lang, "符合认定条件", "Compliant"),
                       "noncompliant": t(lang, "发现不符合认定条件的情况", "Conditions not met")},
        "relocation": {"whole": t(lang, "整体迁移", "Whole move"), "partial": t(lang, "部分搬迁", "Partial move")},
        "dispute": {"rd_ratio": t(lang, "第十一条（五）研究开发费用占比", "Art. 11(5) R&D ratio"),
                    "other": t(lang, "其他认定条件或第十七、十八、十九条", "other conditions, or Art. 17, 18, 19")},
    }


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**context, "L": labels(request.lang)}, status=status)


# --- access ----------------------------------------------------------------------------------------------------------


def _covers(user, enterprise) -> bool:
    return (user.is_office or user.is_lgo) and user.covers_region(enterprise.region_code)


def _own_certificate(user, pk: int) -> Certificate:
    cert = get_object_or_404(Certificate.objects.select_related("application__enterprise"), pk=pk)
    if cert.application.enterprise_id != user.enterprise_id:
        raise Http404
    return cert


def _office_certificate(user, pk: int) -> Certificate:
    cert = get_object_or_404(Certificate.objects.select_related("application__enterprise"), pk=pk)
    if not _covers(user, cert.application.enterprise):
        raise Http404
    return cert


def _office_object(user, model, pk: int):
    obj = get_object_or_404(model.objects.select_related("enterprise"), pk=pk)
    if not _covers(user, obj.enterprise):
        raise Http404
    return obj


def _error(request, e: TransitionRefused):
    return render(request, "error.html", {"message": e.message(request.lang)}, status=409 if e.code == "refused" else 400)


def _certificate_rows(certs, today, lang):
    revoked = {r.certificate_id: r for r in Revocation.objects.filter(state="revoked", certificate__in=certs)}
    rows = []
    for c in certs:
        rev = revoked.get(c.pk)
        status = status_of(c, today, revoked=rev.revoked_on if rev else None)
        rows.append({"cert": c, "status": status, "status_label": status_label(status, lang), "revocation": rev})
    return rows


# --- the enterprise's side -------------------------------------------------------------------------------------------


@role_required("enterprise")
def supervision_enterprise(request):
    """The enterprise's certificates with their status, annual reports, changes, reminders, the expiry-year
    prepayment warning and the start of a re-identification."""
    today = clock.today()
    certs = list(Certificate.objects.select_related("application__enterprise")
                 .filter(application__enterprise_id=request.user.enterprise_id).order_by("-issued_on"))
    items = []
    for row in _certificate_rows(certs, today, request.lang):
        cert = row["cert"]
        data = services.certificate_data(cert)
        warning = None
        if row["status"] == VALID:
            w = services.prepayment_warning(cert)
            warning = w if w["expiry_year"] == today.year else None
        items.append({**row, "reports": list(cert.annual_reports.order_by("year")),
                      "changes": list(cert.change_reports.order_by("-id")),
                      "reissues": list(cert.reissues.all()), "relocations": list(cert.relocations.all()),
                      "revocations": list(cert.revocations.exclude(state="dismissed")),
                      "reminders": list(cert.reminders.order_by("-sent_on", "-id")[:5]),
                      "prepayment": warning, "later": later_certificate(cert),
                      "class_ii": unusable_class_ii_ip(prefill_reidentification(data, today).get("intellectual_property", [])),
                      "can_change": row["status"] == VALID,
                      "can_reidentify": row["status"] in (VALID, EXPIRED, REVOKED) and later_certificate(cert) is None})
    return _render(request, "supervision/enterprise.html", {
        "items": items, "today": today, "report_states": {s: ANNUAL_REPORT.state_label(s, request.lang) for s in ("open", "submitted", "missed", "late")},
        "change_states": {s.value: CHANGE_REPORT.state_label(s.value, request.lang) for s in CHANGE_REPORT.states}})


def _report_initial(report: AnnualReport) -> dict:
    out = {}
    for f in FIELDS:
        value = report.figures.get(f.key)
        if value is not None:
            out[f.key] = yuan_to_wan_text(value) if f.kind == "money" else value
    return out


@role_required("enterprise")
def annual_report_edit(request, pk: int):
    report = get_object_or_404(AnnualReport.objects.select_related("certificate", "enterprise"), pk=pk)
    if report.enterprise_id != request.user.enterprise_id:
        raise Http404
    form = AnnualReportForm(request.POST or None, initial=_report_initial(report), lang=request.lang)
    status = 200
    if request.method == "POST":
        figures = form.figures()
        if not form.errors:
            try:
                services.annual_report_submit(acting_user=request.user, report=report, figures=figures, today=clock.today())
                return redirect("annual_report_edit", pk=report.pk)
            except (InputError, TransitionRefused) as e:
                add_errors(form, e, request.lang)
        status = 400
    open_ = report.state == "open" or report.state == "missed"
    return _render(request, "supervision/annual_report.html", {
        "report": report, "form": form, "can_file": open_ and revoked_on(report.certificate) is None,
        "state_label": ANNUAL_REPORT.state_label(report.state, request.lang), "today": clock.today(),
        "late": clock.today() > report.due_on}, status=status)


def _uploaded_text(request, field: str = "data_file") -> str:
    upload = request.FILES.get(field)
    if upload is None:
        return ""
    raw = upload.read(2 * 1024 * 1024 + 1)
    if len(raw) > 2 * 1024 * 1024:
        raise TransitionRefused("文件过大（最多 2 MB）", "file too large (2 MB at most)", code=field)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TransitionRefused("文件应为 UTF-8 编码的 YAML 或 JSON", "the file must be UTF-8 YAML or JSON", code=field) from None


@role_required("enterprise")
def change_report_new(request, pk: int):
    cert = _own_certificate(request.user, pk)
    form = ChangeReportForm(request.POST or None, request.FILES or None, lang=request.lang)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                text = _uploaded_text(request) or c["data"]
                services.change_report_submit(acting_user=request.user, certificate=cert, kind=c["kind"], event_on=c["event_on"],
                                              new_name=c["new_name"], major_kinds=c["major_kinds"], description=c["description"],
                                              data_text=text, today=clock.today())
                return redirect("supervision_enterprise")
            except (InputError, TransitionRefused) as e:
                add_errors(form, e, request.lang)
        status = 400
    return _render(request, "supervision/change_new.html", {"cert": cert, "form": form}, status=status)


@role_required("enterprise")
@require_POST
def reidentify(request, pk: int):
    cert = _own_certificate(request.user, pk)
    try:
        app = services.reidentification_prefill(acting_user=request.user, certificate=cert, today=clock.today())
    except TransitionRefused as e:
        return _error(request, e)
    return redirect("application_edit", pk=app.pk, section="basic")


# --- the office's side ------------------------------------------------------------------------------------------------


@role_required("office", "admin")
def supervision_office(request):
    """The certificates of the region with their status, and what waits for the office."""
    user, today = request.user, clock.today()
    prefix = dashboard.scope_prefix(user)
    certs = list(Certificate.objects.select_related("application__enterprise")
                 .filter(application__enterprise__region_code__startswith=prefix).order_by("-issued_on", "number")[:500])
    scoped = {"enterprise__region_code__startswith": prefix}
    return _render(request, "supervision/office.html", {
        "rows": _certificate_rows(certs, today, request.lang), "today": today,
        "proposals": Revocation.objects.select_related("certificate").filter(state="proposed", **scoped),
        "changes": ChangeReport.objects.select_related("certificate").filter(state__in=["reported", "publicized", "checked"], **scoped),
        "publicities": ChangeReport.objects.filter(state="in_publicity", **scoped),
        "reexaminations": Reexamination.objects.filter(state="received", **scoped),
        "missed": AnnualReport.objects.select_related("certificate").filter(state="missed", **scoped).order_by("-year")[:100],
        "deadlines": LocalDeadline.objects.filter(region_prefix=user.region_prefix) if user.is_office else [],
        "deadline_form": LocalDeadlineForm(lang=request.lang) if user.is_office else None,
        "change_states": {s.value: CHANGE_REPORT.state_label(s.value, request.lang) for s in CHANGE_REPORT.states}})


@role_required("office")
@require_POST
def local_deadline(request):
    form = LocalDeadlineForm(request.POST, lang=request.lang)
    if form.is_valid():
        try:
            services.local_deadline_set(acting_user=request.user, due_on=form.cleaned_data["due_on"],
                                        notice=form.cleaned_data["notice"], today=clock.today())
            return redirect("supervision_office")
        except (InputError, TransitionRefused) as e:
            add_errors(form, e, request.lang)
    return _render(request, "supervision/form_page.html", {"form": form, "title": t(request, "本地截止日期", "Local deadline"),
                                                          "action": request.path}, status=400)


@role_required("office", "admin")
def supervision_record(request, pk: int):
    """The enterprise's record under this certificate: reports, changes, moves, checks, re-examinations, revocations
    and the reminders sent."""
    cert = _office_certificate(request.user, pk)
    today = clock.today()
    row = _certificate_rows([cert], today, request.lang)[0]
    return _render(request, "supervision/record.html", {
        **row, "today": today, "enterprise": cert.application.enterprise,
        "reports": cert.annual_reports.order_by("year"), "changes": cert.change_reports.order_by("-id"),
        "reissues": cert.reissues.all(), "relocations": cert.relocations.all(),
        "checks": cert.check_items.select_related("check_run"), "reexaminations": cert.reexaminations.all(),
        "revocations": cert.revocations.all(), "reminders": cert.reminders.order_by("-sent_on", "-id")[:50],
        "propose_form": ProposeForm(lang=request.lang), "labels": FIELDS,
        "report_states": {s: ANNUAL_REPORT.state_label(s, request.lang) for s in ("open", "submitted", "missed", "late")},
        "change_states": {s.value: CHANGE_REPORT.state_label(s.value, request.lang) for s in CHANGE_REPORT.states},
        "revocation_states": {s.value: REVOCATION.state_label(s.value, request.lang) for s in REVOCATION.states}})


@role_required("office", "admin")
@require_POST
def revocation_propose(request, pk: int):
    cert = _office_certificate(request.user, pk)
    form = ProposeForm(request.POST, lang=request.lang)
    if form.is_valid():
        c = form.cleaned_data
        try:
            rev = services.revocation_propose(acting_user=request.user, certificate=cert, ground=c["ground"], start_year=c["start_year"],
                                              basis=c["basis"], today=clock.today())
            return redirect("revocation_detail", pk=rev.pk)
        except (InputError, TransitionRefused) as e:
            add_errors(form, e, request.lang)
    return _render(request, "supervision/form_page.html", {"form": form, "title": t(request, "提请取消资格", "Propose revocation"),
                                                          "action": request.path}, status=400)


CHANGE_ACTIONS = {
    "publish": lambda req, c, reason: services.change_report_publish(acting_user=req.user, change=c, today=clock.today()),
    "recheck": lambda req, c, reason: services.change_report_recheck(acting_user=req.user, change=c, reason=reason, today=clock.today()),
    "keep": lambda req, c, reason: services.change_report_keep(acting_user=req.user, change=c, reason=reason, today=clock.today()),
    "lose": lambda req, c, reason: services.change_report_lose(acting_user=req.user, change=c, reason=reason, today=clock.today()),
    "reissue": lambda req, c, reason: services.change_report_reissue(acting_user=req.user, change=c, today=clock.today()),
}


@role_required("office", "admin")
def change_report_detail(request, pk: int):
    change = _office_object(request.user, ChangeReport, pk)
    form = OfficeActionForm(request.POST or None, lang=request.lang)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CHANGE_ACTIONS:
            return render(request, "error.html", {"message": t(request, "未知操作", "unknown action")}, status=400)
        try:
            CHANGE_ACTIONS[action](request, change, (request.POST.get("reason") or "").strip())
            return redirect("change_report_detail", pk=change.pk)
        except InputError as e:
            return render(request, "error.html", {"message": e.render(request.lang)}, status=400)
        except TransitionRefused as e:
            return _error(request, e)
    actions = [tr for tr in CHANGE_REPORT.available(change, request.user)]
    return _render(request, "supervision/change_detail.html", {
        "change": change, "form": form, "actions": actions, "today": clock.today(),
        "state_label": CHANGE_REPORT.state_label(change.state, request.lang),
        "major_kinds": [t(request, *MAJOR_KINDS[k]) for k in change.major_kinds if k in MAJOR_KINDS]})


@role_required("office", "admin")
def revocation_detail(request, pk: int):
    rev = _office_object(request.user, Revocation, pk)
    form = OfficeActionForm(request.POST or None, lang=request.lang)
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = (request.POST.get("reason") or "").strip()
        try:
            if action == "revoke":
                services.revocation_decide(acting_user=request.user, revocation=rev, reason=reason, today=clock.today())
            elif action == "dismiss":
                services.revocation_dismiss(acting_user=request.user, revocation=rev, reason=reason, today=clock.today())
            else:
                return render(request, "error.html", {"message": t(request, "未知操作", "unknown action")}, status=400)
            return redirect("revocation_detail", pk=rev.pk)
        except TransitionRefused as e:
            return _error(request, e)
    return _render(request, "supervision/revocation.html", {
        "rev": rev, "form": form, "actions": REVOCATION.available(rev, request.user),
        "state_label": REVOCATION.state_label(rev.state, request.lang), "ground_label": services.ground_label(rev.ground, request.lang)})


@role_required("office", "admin")
def checks(request):
    user = request.user
    prefix = dashboard.scope_prefix(user)
    random_form = RandomCheckForm(request.POST if request.POST.get("kind") == "random" else None, lang=request.lang)
    targeted_form = TargetedCheckForm(request.POST if request.POST.get("kind") == "targeted" else None, lang=request.lang)
    status = 200
    if request.method == "POST":
        form = random_form if request.POST.get("kind") == "random" else targeted_form
        if request.POST.get("kind") not in ("random", "targeted"):
            return render(request, "error.html", {"message": t(request, "未知检查类型", "unknown kind of check")}, status=400)
        if form.is_valid():
            c = form.cleaned_data
            try:
                if form is random_form:
                    check = services.check_draw(acting_user=user, title=c["title"], rate=c["rate"], seed=c["seed"], today=clock.today())
                else:
                    check = services.check_targeted(acting_user=user, title=c["title"], reason=c["reason"],
                                                    certificate_numbers=c["certificate_numbers"].split(), today=clock.today())
                return redirect("check_detail", pk=check.pk)
            except (InputError, TransitionRefused) as e:
                add_errors(form, e, request.lang)
        status = 400
    runs = Check.objects.filter(region_prefix__startswith=prefix)[:100]
    return _render(request, "supervision/checks.html", {"runs": runs, "random_form": random_form, "targeted_form": targeted_form},
                  status=status)


@role_required("office", "admin")
def check_detail(request, pk: int):
    check = get_object_or_404(Check, pk=pk)
    if not (request.user.is_lgo or check.region_prefix.startswith(request.user.region_prefix) and request.user.region_prefix):
        raise Http404
    items = [i for i in check.items.select_related("certificate", "enterprise") if request.user.covers_region(i.enterprise.region_code)]
    return _render(request, "supervision/check_detail.html", {"check": check, "items": items,
                                                            "item_states": {"planned": CHECK_ITEM.state_label("planned", request.lang),
                                                                            "done": CHECK_ITEM.state_label("done", request.lang)}})


@role_required("office", "admin")
def check_item(request, pk: int):
    item = _office_object(request.user, CheckItem, pk)
    form = CheckItemForm(request.POST or None, lang=request.lang, initial={"checked_on": clock.today()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.check_item_record(acting_user=request.user, item=item, checked_on=c["checked_on"], inspectors=c["inspectors"],
                                           findings=c["findings"], conclusion=c["conclusion"], today=clock.today())
                return redirect("check_detail", pk=item.check_run_id)
            except (InputError, TransitionRefused) as e:
                add_errors(form, e, request.lang)
        status = 400
    return _render(request, "supervision/check_item.html", {"item": item, "form": form,
                                                          "state_label": CHECK_ITEM.state_label(item.state, request.lang)},
                  status=status)


@role_required("office", "admin")
def reexaminations(request):
    user = request.user
    form = ReexaminationForm(request.POST or None, request.FILES or None, lang=request.lang)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            c = form.cleaned_data
            try:
                text = _uploaded_text(request) or c["data"]
                rx = services.reexamination_record(
                    acting_user=user, certificate_number=c["certificate_number"], credit_code=c["credit_code"], department=c["department"],
                    document_number=c["document_number"], letter_date=c["letter_date"], dispute=c["dispute"],
                    disputed_year=c["disputed_year"], grounds=c["grounds"], data_text=text, today=clock.today())
                return redirect("reexamination_detail", pk=rx.pk)
            except (InputError, TransitionRefused) as e:
                add_errors(form, e, request.lang)
        status = 400
    items = Reexamination.objects.select_related("certificate").filter(
        enterprise__region_code__startswith=dashboard.scope_prefix(user))[:200]
    return _render(request, "supervision/reexaminations.html", {"items": items, "form": form,
                                                              "states": {s.value: REEXAMINATION.state_label(s.value, request.lang)
                                                                         for s in REEXAMINATION.states}}, status=status)


@role_required("office", "admin")
def reexamination_detail(request, pk: int):
    rx = _office_object(request.user, Reexamination, pk)
    form = ConcludeForm(request.POST or None, lang=request.lang)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reexamination_conclude(acting_user=request.user, reexamination=rx,
                                                conforming=form.cleaned_data["conclusion"] == "conform",
                                                reason=form.cleaned_data["reason"], today=clock.today())
                return redirect("reexamination_detail", pk=rx.pk)
            except TransitionRefused as e:
                return _error(request, e)
        status = 400
    return _render(request, "supervision/reexamination.html", {
        "rx": rx, "form": form, "state_label": REEXAMINATION.state_label(rx.state, request.lang),
        "can_conclude": bool(REEXAMINATION.available(rx, request.user)),
        "proposal": Revocation.objects.filter(source="reexamination", source_id=rx.pk).first()}, status=status)


@role_required("office", "admin")
def relocations(request):
    """The office of the new region records a move; the list shows the moves into and out of the region."""
    user = request.user
    form = RelocationForm(request.POST or None, lang=request.lang) if user.is_office else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.relocation_record(acting_user=user, certificate_number=c["certificate_number"], credit_code=c["credit_code"],
                                           kind=c["kind"], to_region=c["to_region"], new_address=c["new_address"],
                                           moved_on=c["moved_on"], evidence=c["evidence"], today=clock.today())
                return redirect("relocations")
            except (InputError, TransitionRefused) as e:
                add_errors(form, e, request.lang)
        status = 400
    prefix = dashboard.scope_prefix(user)
    items = [r for r in Relocation.objects.select_related("certificate", "enterprise")[:500]
             if r.from_region.startswith(prefix) or r.to_region.startswith(prefix)]
    return _render(request, "supervision/relocations.html", {"items": items, "form": form}, status=status)


# --- dashboard and exports ------------------------------------------------------------------------------------------------


@role_required("office", "admin")
def supervision_dashboard(request):
    user, today, lang = request.user, clock.today(), request.lang
    prefix = dashboard.scope_prefix(user)
    stages = dashboard.applications_by_stage(prefix, lang)
    fields, regions = dashboard.pass_rates(prefix, lang, today)
    workload = dashboard.expert_workload(prefix)
    compliance = dashboard.report_compliance(prefix)
    revs = dashboard.revocations(prefix)
    series = [t(lang, *dashboard.REPORT_SERIES_LABELS[s]) for s in dashboard.REPORT_SERIES]
    svg = {
        "stages": charts.bar_chart("chart-stages", t(lang, "申请（按阶段）", "Applications by stage"), stages),
        "fields": charts.bar_chart("chart-pass-fields", t(lang, "通过率（按技术领域）", "Pass rate by technical field"),
                                   [(r.label, r.percent) for r in fields], unit="%", max_value=100),
        "regions": charts.bar_chart("chart-pass-regions", t(lang, "通过率（按地区）", "Pass rate by region"),
                                    [(r.label, r.percent) for r in regions], unit="%", max_value=100),
        "compliance": charts.stacked_chart("chart-reports", t(lang, "年度发展情况报表填报情况", "Annual-report compliance"),
                                           [(str(y), v) for y, v in compliance], series),
        "revocations": charts.stacked_chart("chart-revocations", t(lang, "取消资格（按法定事由）", "Revocations by ground"),
                                            [(t(lang, *services.ARTICLE_TEXT[g]), v) for g, v in revs],
                                            [REVOCATION.state_label(s, lang) for s in ("proposed", "revoked", "dismissed")]),
    }
    if workload is not None:
        svg["workload"] = charts.stacked_chart("chart-workload", t(lang, "专家工作量", "Expert workload"),
                                               [(name, [now, done]) for name, now, done in workload if now or done][:25],
                                               [t(lang, "评审中", "under review"), t(lang, "已提交评价表", "forms submitted")])
    return _render(request, "supervision/dashboard.html", {
        "svg": svg, "fields": fields, "regions": regions, "stages": stages, "compliance": compliance, "series": series,
        "revocations": revs, "workload": workload, "tables": dashboard.TABLES, "today": today})


@role_required("office", "admin")
def dashboard_export(request, fmt: str):
    today, lang = clock.today(), request.lang
    tables = dashboard.export_tables(request.user, today, lang)
    stamp = today.strftime("%Y%m%d")
    if fmt == "xlsx":
        resp = HttpResponse(dashboard.to_xlsx(tables, lang),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="supervision-{stamp}.xlsx"'
        return resp
    if fmt != "csv":
        raise Http404
    name = request.GET.get("table", "identified")
    table = next((tb for tb in tables if tb.name == name), None)
    if table is None:
        return render(request, "error.html", {"message": t(request, f"table：应为 {', '.join(dashboard.TABLES)} 之一",
                                                           f"table: expected one of {', '.join(dashboard.TABLES)}")}, status=400)
    resp = HttpResponse(dashboard.to_csv(table, lang), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{table.name}-{stamp}.csv"'
    return resp


# --- public lists -----------------------------------------------------------------------------------------------------


def public_identified(request):
    """认定的高新技术企业: every certificate valid today and not revoked (number, name, region, dates)."""
    today = clock.today()
    certs = Certificate.objects.select_related("application__enterprise").filter(issued_on__lte=today, valid_until__gte=today)
    revoked = set(Revocation.objects.filter(state="revoked", revoked_on__lte=today).values_list("certificate_id", flat=True))
    from hnte_web.publicity.regions import region_name

    rows = [{"cert": c, "region": region_name(c.application.enterprise.region_code)} for c in certs.order_by("number")
            if c.pk not in revoked]
    return _render(request, "supervision/public_identified.html", {"rows": rows, "today": today})


def public_revoked(request):
    """被取消资格的企业 with the announcement (the tax years to recover included)."""
    revs = Revocation.objects.select_related("certificate").filter(state="revoked", revoked_on__lte=clock.today()).order_by("-revoked_on", "-id")
    return _render(request, "supervision/public_revoked.html", {"revs": revs[:500]})


def public_name_changes(request):
    """更名公示: name changes in (or through) their 10 working days."""
    today = clock.today()
    items = (ChangeReport.objects.select_related("certificate").filter(publicity_first_day__lte=today)
             .order_by("-publicity_first_day", "-id"))
    return _render(request, "supervision/public_name_changes.html", {"items": items[:200], "today": today})
