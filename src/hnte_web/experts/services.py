"""Expert services: the pool, the random draw and its replay, declines and recorded re-draws, the experts' forms,
the leader's comprehensive evaluation (the ``evaluate`` transition) and deadline reminders.

Each service is keyword-only, takes ``acting_user``, runs in one transaction and writes one audit event; the
application's state changes only through ``APPLICATION.perform`` (``draw_panel``, ``evaluate``).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hnte.core.errors import InputError, InputIssue
from hnte.core.parameters import ParameterView
from hnte.registries import catalogue as catalogue_registry
from hnte.scoring.panel import ExpertForm
from hnte_web.applications.models import Application
from hnte_web.applications.services import attachment_path
from hnte_web.applications.workflow import APPLICATION
from hnte_web.audit.services import audit_record, notify_on_commit
from hnte_web.core.faults import pause_before_commit
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.credit_code import credit_code_problem

from . import rules as R
from .models import Expert, ExpertReview, Panel, PanelDraw, PanelEvaluation, PanelMember, ReviewReminder
from .projection import identifying_values, pdf_findings

DEFAULT_WORKLOAD_CAP = 10
DEFAULT_REVIEW_DAYS = 15
REMIND_DAYS_BEFORE = 3


def workload_cap() -> int:
    """The most panels under review an expert may sit on at once (a setting, not law: ``EXPERT_WORKLOAD_CAP``
    in the Django settings, else the environment variable ``HNTE_EXPERT_WORKLOAD_CAP``, default 10)."""
    return int(getattr(settings, "EXPERT_WORKLOAD_CAP", os.environ.get("HNTE_EXPERT_WORKLOAD_CAP", DEFAULT_WORKLOAD_CAP)))


def review_days() -> int:
    """Default days from the draw to the experts' due date (``EXPERT_REVIEW_DAYS`` / ``HNTE_EXPERT_REVIEW_DAYS``)."""
    return int(getattr(settings, "EXPERT_REVIEW_DAYS", os.environ.get("HNTE_EXPERT_REVIEW_DAYS", DEFAULT_REVIEW_DAYS)))


def catalogue_in_force(when: dt.date | None = None):
    when = when or timezone.localdate()
    return catalogue_registry.load(str(ParameterView(when).ref(catalogue_registry.EDITION_PARAM).value))


def _issues(source: str, problems: list[R.Problem]) -> InputError:
    return InputError(source, [InputIssue(p.field, p.message("zh"), p.message("en")) for p in problems])


def _refuse(problems: list[R.Problem], code: str = "refused") -> TransitionRefused:
    return TransitionRefused("；".join(p.message("zh") for p in problems), "; ".join(p.message("en") for p in problems), code=code)


def _office_of(user, app: Application) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_office and user.covers_region(app.region_code))


# --- the pool ------------------------------------------------------------------------------------------------

EXPERT_FIELDS = ("kind", "name", "title", "senior_title", "certificates", "finance_years", "fields", "organisation",
                 "organisation_credit_code", "conflicts", "active")


def parse_expert_post(post) -> tuple[dict, list[R.Problem]]:
    """The office's form for one expert, parsed (lists one code a line or separated by commas)."""
    problems: list[R.Problem] = []
    get = post.get
    values: dict = {
        "kind": (get("kind") or "").strip(),
        "name": (get("name") or "").strip(),
        "title": (get("title") or "").strip(),
        "senior_title": get("senior_title") in ("on", "true", "1", True),
        "certificates": [c for c in (post.getlist("certificates") if hasattr(post, "getlist") else get("certificates") or [])
                         if c in R.CERTIFICATES],
        "fields": R._codes(get("fields")),
        "organisation": (get("organisation") or "").strip(),
        "organisation_credit_code": (get("organisation_credit_code") or "").strip().upper(),
        "conflicts": R._codes(get("conflicts")),
        "active": get("active", "on") in ("on", "true", "1", True),
    }
    years = (str(get("finance_years") or "")).strip()
    values["finance_years"] = None
    if years:
        if years.isdigit():
            values["finance_years"] = int(years)
        else:
            problems.append(R.Problem("finance_years", "从事财税工作年限应为整数", "years in finance and tax: a whole number"))
    if not values["name"]:
        problems.append(R.Problem("name", "请填写姓名", "enter the name"))
    if not values["organisation"]:
        problems.append(R.Problem("organisation", "请填写工作单位", "enter the organisation"))
    bad = credit_code_problem(values["organisation_credit_code"])
    if bad:
        problems.append(R.Problem("organisation_credit_code", f"工作单位{bad[0]}", f"organisation: {bad[1]}"))
    for code in values["conflicts"]:
        bad = credit_code_problem(code)
        if bad:
            problems.append(R.Problem("conflicts", f"回避声明 {code}：{bad[0]}", f"conflict {code}: {bad[1]}"))
    return values, problems


def _check_expert(values: dict) -> list[R.Problem]:
    today = timezone.localdate()
    facts = R.ExpertFacts(values["kind"], values["senior_title"], values["certificates"], values["finance_years"],
                          values["fields"] if values["kind"] == R.TECHNICAL else [])
    return R.qualification_problems(facts, R.params_on(today), catalogue_in_force(today))


def expert_create(*, acting_user, username: str, password: str, values: dict, problems: list[R.Problem] | None = None) -> Expert:
    """Add an expert to the acting office's pool: a new expert account (or an existing expert account without a
    pool entry), qualification checked against 工作指引 一、（四）."""
    if not acting_user.is_office:
        raise TransitionRefused("只有认定机构可以管理专家库", "only an identification office manages its expert pool")
    problems = list(problems or []) + _check_expert(values)
    User = get_user_model()
    username = (username or "").strip()
    existing = User.objects.filter(username=username).first()
    if not username:
        problems.append(R.Problem("username", "请填写登录名", "enter a user name"))
    elif existing is not None and (existing.role != "expert" or hasattr(existing, "expert_profile")):
        problems.append(R.Problem("username", "该登录名已被使用", "this user name is taken"))
    elif existing is None and len(password or "") < 10:
        problems.append(R.Problem("password", "初始密码至少 10 位", "the initial password needs at least 10 characters"))
    if problems:
        raise _issues("专家", problems)
    with transaction.atomic():
        if existing is None:
            user = User(username=username, role="expert", expert_kind=values["kind"])
            user.set_password(password)
            user.save()
        else:
            user = existing
            User.objects.filter(pk=user.pk).update(expert_kind=values["kind"])
        expert = Expert.objects.create(user=user, region_prefix=acting_user.region_prefix, added_by=acting_user,
                                       **{k: values[k] for k in EXPERT_FIELDS})
        audit_record(acting_user=acting_user, action="experts.expert_create", obj=expert,
                     data={"kind": expert.kind, "fields": expert.fields, "organisation_credit_code": expert.organisation_credit_code})
    return expert


def expert_update(*, acting_user, expert: Expert, values: dict, problems: list[R.Problem] | None = None) -> Expert:
    if not (acting_user.is_office and acting_user.region_prefix == expert.region_prefix):
        raise TransitionRefused("您无权执行此操作", "you are not allowed to do this")
    problems = list(problems or []) + _check_expert(values)
    if problems:
        raise _issues("专家", problems)
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        for k in EXPERT_FIELDS:
            setattr(locked, k, values[k])
        locked.save()
        get_user_model().objects.filter(pk=locked.user_id).update(expert_kind=locked.kind)
        audit_record(acting_user=acting_user, action="experts.expert_update", obj=locked,
                     data={"kind": locked.kind, "fields": locked.fields, "conflicts": locked.conflicts, "active": locked.active})
    expert.refresh_from_db()
    return expert


# --- candidates ------------------------------------------------------------------------------------------------


def open_assignments(expert_ids) -> dict[int, int]:
    """Panels under review each expert sits on (active members of applications in review)."""
    counts: dict[int, int] = {}
    rows = PanelMember.objects.filter(expert_id__in=list(expert_ids), status=PanelMember.ACTIVE,
                                      panel__application__state="in_review").values_list("expert_id", flat=True)
    for eid in rows:
        counts[eid] = counts.get(eid, 0) + 1
    return counts


def candidates_for(app: Application, data: dict, *, on: dt.date, exclude_ids=(), cap: int | None = None,
                   lock: bool = False) -> dict:
    """Who may be drawn for ``app``: the qualified, active experts of the office's pool (technical ones by the
    field of the core technology), minus those excluded — from the enterprise's own organisation (same credit
    code), from its intermediary (if the file names one), with a declared conflict, over the workload cap, or
    already on this panel. Returns candidate ids per kind and every non-candidate with its reasons.

    ``lock`` (a draw, inside its transaction): the active experts' rows are locked (in id order) before their
    workload is counted, so two draws at once for different applications take turns and the second counts the
    first one's panel: nobody is drawn past the workload cap. (SQLite's write lock already serialises them.)"""
    cap = workload_cap() if cap is None else cap
    params = R.params_on(on)
    cat = catalogue_in_force(on)
    field_code = str((data.get("enterprise") or {}).get("technical_field") or app.technical_field or "")
    enterprise = app.enterprise
    codes = {enterprise.credit_code.upper(), str((data.get("enterprise") or {}).get("credit_code") or "").upper()} - {""}
    names = {enterprise.name.strip(), str((data.get("enterprise") or {}).get("name") or "").strip()} - {""}
    intermediary = data.get("intermediary") or {}
    int_code = str(intermediary.get("credit_code") or "").upper()
    int_name = str(intermediary.get("name") or "").strip()
    experts = Expert.objects.filter(active=True).order_by("id")
    if lock:
        experts = experts.select_for_update()
    pool = [e for e in experts if app.region_code.startswith(e.region_prefix)]
    workload = open_assignments(e.pk for e in pool)
    out = {"candidates": {R.TECHNICAL: [], R.FINANCIAL: []}, "excluded": [], "field": field_code,
           "counts": {k: {"pool": 0, "field": 0} for k in R.KINDS}, "workload_cap": cap}
    for e in pool:
        if R.qualification_problems(e.facts(), params, cat):
            out["excluded"].append({"expert": e.pk, "kind": e.kind, "reasons": ["unqualified"]})
            continue
        out["counts"][e.kind]["pool"] += 1
        if e.kind == R.TECHNICAL and not R.field_matches(list(e.fields), field_code):
            continue  # not of this field: not a candidate, not an exclusion
        out["counts"][e.kind]["field"] += 1
        reasons = []
        if e.organisation_credit_code.upper() in codes or e.organisation.strip() in names:
            reasons.append("same_organisation")
        if (int_code and e.organisation_credit_code.upper() == int_code) or (int_name and e.organisation.strip() == int_name):
            reasons.append("intermediary")
        declared = {str(c).upper() for c in e.conflicts or []}
        if declared & (codes | ({int_code} if int_code else set())):
            reasons.append("declared_conflict")
        if workload.get(e.pk, 0) >= cap:
            reasons.append("workload")
        if e.pk in set(exclude_ids):
            reasons.append("already_on_panel")
        if reasons:
            out["excluded"].append({"expert": e.pk, "kind": e.kind, "reasons": reasons, "workload": workload.get(e.pk, 0)})
        else:
            out["candidates"][e.kind].append(e.pk)
    return out


def _excluded_counts(found: dict) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {k: {} for k in R.KINDS}
    for row in found["excluded"]:
        for r in row["reasons"]:
            if r in R.EXCLUSION_LABELS:
                counts[row["kind"]][r] = counts[row["kind"]].get(r, 0) + 1
    return counts


def draw_preview(app: Application, *, n_technical: int | None = None, n_financial: int | None = None, lock: bool = False) -> dict:
    """What a draw would face now: the composition check, the candidates and the pool check (numbers shown)."""
    data = app.versions.get(number=app.current_version).data
    on = dt.date.fromisoformat(str(data["application_date"]))
    params = R.params_on(on)
    default = R.default_composition(params)
    needed = {R.TECHNICAL: default[R.TECHNICAL] if n_technical is None else n_technical,
              R.FINANCIAL: default[R.FINANCIAL] if n_financial is None else n_financial}
    found = candidates_for(app, data, on=on, lock=lock)
    problems = R.composition_problems(needed[R.TECHNICAL], needed[R.FINANCIAL], params)
    if not found["field"]:
        problems.append(R.Problem("technical_field", "申请未填写核心技术所属技术领域，无法按领域抽取技术专家",
                                  "the application gives no technical field: technical experts cannot be drawn by field",
                                  ("guidelines_2016#sec2-4",)))
    if not problems:
        problems += R.pool_problems({k: len(v) for k, v in found["candidates"].items()}, needed, params,
                                    field_code=found["field"], excluded=_excluded_counts(found))
    return {"data": data, "on": on, "needed": needed, "found": found, "problems": problems,
            "multiple": int(params.ref("experts.pool_multiple_min").value)}


# --- the draw ------------------------------------------------------------------------------------------------


def _record(*, seed: int, candidates: dict, needed: dict, leader_from, found: dict, on: dt.date) -> dict:
    return {"algorithm": R.ALGORITHM, "python": platform.python_version(), "seed": str(seed),
            "candidates": {k: sorted(v) for k, v in candidates.items()}, "needed": needed, "leader_from": leader_from,
            "excluded": found["excluded"], "field": found["field"], "workload_cap": found["workload_cap"],
            "law_date": on.isoformat()}


def _screen(app: Application, data: dict) -> list[dict]:
    """Every attachment of the submitted version marked de-identified: PDFs searched for identifying text."""
    version = app.versions.get(number=app.current_version)
    identifying = identifying_values(app.enterprise, data)
    out = []
    for att in version.attachments.filter(deidentified=True).order_by("id"):
        row = {"attachment": att.pk, "name": att.original_name, "kind": att.kind, "content_type": att.content_type}
        if att.content_type == "application/pdf":
            row.update(pdf_findings(attachment_path(att), identifying))
        else:
            row.update({"checked": False, "found": [], "error": "image"})
        row["shown"] = bool(row["checked"] and not row["found"]) or row.get("error") == "image"
        out.append(row)
    return out


def _notify_member(member: PanelMember, panel: Panel) -> None:
    notify_on_commit(member.expert.user, f"您被抽取参加评审 {panel.reference}，请于 {panel.due_date:%Y年%m月%d日} 前提交评价表。",
                     f"You were drawn to review {panel.reference}; please submit your form by {panel.due_date.isoformat()}.",
                     f"/expert/reviews/{panel.pk}/")


def _notify_offices(app: Application, zh: str, en: str, link: str) -> None:
    for staff in get_user_model().objects.filter(role="office", is_active=True):
        if staff.covers_region(app.region_code):
            notify_on_commit(staff, zh, en, link)


def panel_draw(*, acting_user, application: Application, n_technical: int | None = None, n_financial: int | None = None,
               due_date: dt.date | None = None, seed: int | None = None) -> Panel:
    """随机抽取专家组 for an accepted application: check the composition (≥ 5, ≥ 60 % technical, ≥ 1 financial),
    compute the candidates, refuse when the pool holds fewer than 3× the experts needed per kind (numbers
    shown), draw with a recorded seed, appoint the leader among the technical experts, screen the de-identified
    attachments, then perform ``draw_panel``. ``seed`` is for tests; a real draw takes a fresh random one."""
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=application.pk)
        t = APPLICATION.transition("draw_panel")
        if app.state not in {s.value for s in t.sources} or not t.permission(acting_user, app):
            refused = APPLICATION.check(app, "draw_panel", acting_user)
            raise TransitionRefused(*refused)
        preview = draw_preview(app, n_technical=n_technical, n_financial=n_financial, lock=True)
        if preview["problems"]:
            raise _refuse(preview["problems"], code="pool")
        needed, found, on = preview["needed"], preview["found"], preview["on"]
        seed = secrets.randbits(63) if seed is None else int(seed)
        record = _record(seed=seed, candidates=found["candidates"], needed=needed, leader_from=[], found=found, on=on)
        result = R.draw(record)
        due = due_date or (timezone.localdate() + dt.timedelta(days=review_days()))
        panel = Panel.objects.create(application=app, needed=needed, due_date=due, drawn_by=acting_user,
                                     screening=_screen(app, preview["data"]))
        d = PanelDraw.objects.create(panel=panel, number=1, kind=PanelDraw.INITIAL, record=record, result=result,
                                     created_by=acting_user)
        experts = Expert.objects.in_bulk(result[R.TECHNICAL] + result[R.FINANCIAL])
        members = [PanelMember.objects.create(panel=panel, expert=experts[eid], kind=kind, draw=d)
                   for kind in R.KINDS for eid in result[kind]]
        panel.leader = experts[result["leader"]]
        panel.save(update_fields=["leader"])
        leaks = [s for s in panel.screening if s["found"] or (not s["checked"] and s.get("error") != "image")]

        def notify(a: Application) -> None:
            for m in members:
                _notify_member(m, panel)
            if leaks:
                names = "、".join(s["name"] for s in leaks)
                _notify_offices(a, f"{panel.reference}：脱敏附件 {names} 的文字中仍含企业名称或信用代码（或无法读取），已不向专家提供，请处理。",
                                f"{panel.reference}: de-identified attachment(s) {names} still contain the enterprise's name or credit code "
                                "(or cannot be read); withheld from the experts.", f"/office/applications/{a.pk}/panel/")

        APPLICATION.perform(app, "draw_panel", acting_user=acting_user, reason=f"随机抽取专家组 {panel.reference}",
                            data={"panel": panel.pk, "seed": str(seed), "technical": result[R.TECHNICAL],
                                  "financial": result[R.FINANCIAL], "leader": result["leader"], "due_date": due.isoformat()},
                            notify=notify)
    application.refresh_from_db()
    return panel


def draw_replay(panel: Panel) -> dict:
    """Re-run every recorded draw of ``panel`` from its record alone and rebuild the panel: ``same`` is True when
    each draw gives exactly what was recorded and the rebuilt panel (members and leader) is the one in force."""
    draws = []
    members: dict[int, str] = {}
    leader = None
    same = True
    for d in panel.draws.order_by("number"):
        replayed = R.draw(d.record)
        ok = replayed == d.result
        same &= ok
        if d.replaces_id:
            members.pop(d.replaces.expert_id, None)
        for kind in R.KINDS:
            for eid in replayed[kind]:
                members[eid] = kind
        if replayed["leader"] is not None:
            leader = replayed["leader"]
        draws.append({"number": d.number, "kind": d.kind, "seed": d.record["seed"], "recorded": d.result, "replayed": replayed,
                      "same": ok})
    actual = {m.expert_id: m.kind for m in panel.active_members()}
    same &= actual == members and leader == panel.leader_id
    return {"same": same, "draws": draws, "members": members, "leader": leader}


def panel_member_decline(*, acting_user, member: PanelMember, reason: str) -> None:
    """An expert declines (谢绝/回避) before submitting a form — by themself, or recorded by the office. The
    office then re-draws a replacement (:func:`panel_member_replace`)."""
    if not reason.strip():
        raise TransitionRefused("请填写谢绝或回避的理由", "a reason is required", code="reason_required")
    with transaction.atomic():
        locked = PanelMember.objects.select_for_update(of=("self",)).select_related("panel__application", "expert").get(pk=member.pk)
        panel, app = locked.panel, locked.panel.application
        if not (locked.expert.user_id == acting_user.pk or _office_of(acting_user, app)):
            raise TransitionRefused("您无权执行此操作", "you are not allowed to do this")
        if app.state != "in_review" or locked.status != PanelMember.ACTIVE:
            raise TransitionRefused("只能在专家评审期间谢绝尚在组内的评审任务", "only an active member can decline, during the review")
        if hasattr(locked, "review"):
            raise TransitionRefused("已提交评价表，不能再谢绝", "the form is already submitted: it can no longer be declined")
        locked.status, locked.decline_reason, locked.declined_at = PanelMember.DECLINED, reason.strip(), timezone.now()
        locked.save()
        was_leader = panel.leader_id == locked.expert_id
        if was_leader:
            Panel.objects.filter(pk=panel.pk).update(leader=None)
        audit_record(acting_user=acting_user, action="experts.member_decline", obj=panel, reason=reason.strip(),
                     data={"member": locked.pk, "expert": locked.expert_id, "was_leader": was_leader})
        _notify_offices(app, f"{panel.reference}：一名{locked.kind_label()}谢绝评审，请补抽。",
                        f"{panel.reference}: a {locked.kind_label('en')} declined; draw a replacement.",
                        f"/office/applications/{app.pk}/panel/")


def panel_member_replace(*, acting_user, member: PanelMember, seed: int | None = None) -> PanelMember:
    """补抽: replace a declined expert by a recorded re-draw (a fresh recorded seed) among the current candidates
    of the same kind, excluding everyone ever on this panel; the pool must hold 3× the one expert needed. If the
    leader declined, a new leader is drawn among the technical members (the replacement included)."""
    with transaction.atomic():
        locked = PanelMember.objects.select_for_update(of=("self",)).select_related("panel__application__enterprise").get(pk=member.pk)
        panel = Panel.objects.select_for_update().get(pk=locked.panel_id)
        app = panel.application
        if not _office_of(acting_user, app):
            raise TransitionRefused("只有申请所在地区的认定机构可以补抽专家", "only the application's identification office draws experts")
        if app.state != "in_review" or locked.status != PanelMember.DECLINED or locked.replaced:
            raise TransitionRefused("只能为已谢绝且尚未补抽的专家补抽", "only a declined, not yet replaced expert can be replaced")
        data = panel.version_data()
        on = dt.date.fromisoformat(str(data["application_date"]))
        params = R.params_on(on)
        everyone = list(panel.members.values_list("expert_id", flat=True))
        found = candidates_for(app, data, on=on, exclude_ids=everyone, lock=True)
        needed = {R.TECHNICAL: 0, R.FINANCIAL: 0, locked.kind: 1}
        problems = R.pool_problems({k: len(v) for k, v in found["candidates"].items()}, needed, params,
                                   field_code=found["field"], excluded=_excluded_counts(found))
        if problems:
            raise _refuse(problems, code="pool")
        leader_from = None
        if panel.leader_id is None:
            leader_from = sorted(m.expert_id for m in panel.active_members() if m.kind == R.TECHNICAL)
        seed = secrets.randbits(63) if seed is None else int(seed)
        record = _record(seed=seed, candidates=found["candidates"], needed=needed, leader_from=leader_from, found=found, on=on)
        result = R.draw(record)
        number = panel.draws.count() + 1
        d = PanelDraw.objects.create(panel=panel, number=number, kind=PanelDraw.REPLACEMENT, record=record, result=result,
                                     replaces=locked, created_by=acting_user)
        eid = result[locked.kind][0]
        new = PanelMember.objects.create(panel=panel, expert=Expert.objects.get(pk=eid), kind=locked.kind, draw=d)
        if result["leader"] is not None:
            panel.leader_id = result["leader"]
            panel.save(update_fields=["leader"])
        audit_record(acting_user=acting_user, action="experts.member_replace", obj=panel,
                     data={"draw": number, "seed": str(seed), "replaces": locked.expert_id, "expert": eid, "leader": result["leader"]})
        _notify_member(new, panel)
    return new


# --- the experts' forms --------------------------------------------------------------------------------------


def _declared_codes(data: dict) -> tuple[list[str], list[str]]:
    rd = [str(p.get("code")).upper() for p in data.get("rd_projects") or [] if p.get("code")]
    ps = [str(p.get("code")).upper() for p in data.get("products") or [] if p.get("code")]
    return rd, ps


def member_of(user, panel: Panel) -> PanelMember | None:
    return PanelMember.objects.filter(panel=panel, expert__user=user, status=PanelMember.ACTIVE).select_related("expert").first()


def review_submit(*, acting_user, panel: Panel, raw: dict) -> ExpertReview:
    """Submit (or correct, until the panel's evaluation) one's own form; a refused form names each field and
    the rule (score bands and maxima: 工作指引 三、（七）)."""
    with transaction.atomic():
        locked = Panel.objects.select_for_update(of=("self",)).select_related("application").get(pk=panel.pk)
        member = member_of(acting_user, locked)
        if member is None:
            raise TransitionRefused("您不是本专家组的成员", "you are not a member of this panel")
        if locked.application.state != "in_review" or PanelEvaluation.objects.filter(panel=locked).exists():
            raise TransitionRefused("评审已结束，不能再修改评价表", "the review is over: the form can no longer change")
        data = locked.version_data()
        on = dt.date.fromisoformat(str(data["application_date"]))
        params = R.params_on(on)
        if member.kind == R.TECHNICAL:
            rd, ps = _declared_codes(data)
            form, scores, problems = R.validate_technical(raw, rd_codes=rd, ps_codes=ps, params=params, catalogue=catalogue_in_force(on))
        else:
            form, scores, problems = R.validate_financial(raw, params=params)
        if problems:
            raise _issues("技术专家评价表" if member.kind == R.TECHNICAL else "财务专家评价表", problems)
        review, created = ExpertReview.objects.update_or_create(
            member=member, defaults={"kind": member.kind, "form": form, "scores": scores, "submitted_at": timezone.now()})
        audit_record(acting_user=acting_user, action="experts.review_submit", obj=locked,
                     data={"member": member.pk, "kind": member.kind, "scores": scores, "first": created})
        active = list(locked.active_members())
        if all(ExpertReview.objects.filter(member=m).exists() for m in active) and locked.leader_id:
            notify_on_commit(locked.leader.user, f"{locked.reference}：全部专家评价表已提交，请填写专家组综合评价表。",
                             f"{locked.reference}: every form is in; please fill in the comprehensive evaluation.",
                             f"/expert/reviews/{locked.pk}/evaluation/")
    return review


def panel_forms(panel: Panel) -> tuple[list[ExpertForm], list[dict]]:
    """The submitted forms as ``panel_score`` reads them (I2), and the technical experts' yes/no checks."""
    forms, checks = [], []
    for n, m in enumerate(panel.active_members().order_by("id"), start=1):
        review = ExpertReview.objects.filter(member=m).first()
        if review is None:
            continue
        forms.append(ExpertForm(expert=f"E{n}", role=m.kind, scores={k: int(v) for k, v in review.scores.items()}))
        if m.kind == R.TECHNICAL:
            checks.append(dict(review.form.get("checks") or {}))
    return forms, checks


def evaluation_preview(panel: Panel, form: dict) -> dict:
    forms, checks = panel_forms(panel)
    return R.panel_result(data=panel.version_data(), forms=forms, checks=checks, confirmed=form["confirmed"])


def panel_evaluate(*, acting_user, panel: Panel, raw: dict) -> PanelEvaluation:
    """专家组综合评价表 by the leader, then the ``evaluate`` transition: the averages (I2, ``panel_score`` on the
    submitted forms), the engine re-run on the panel's confirmed figures, the verdict with its trace."""
    with transaction.atomic():
        locked = Panel.objects.select_for_update(of=("self",)).select_related("application", "leader").get(pk=panel.pk)
        app = locked.application
        if not (locked.leader_id and locked.leader.user_id == acting_user.pk):
            raise TransitionRefused("只有专家组组长可以填写专家组综合评价表", "only the panel leader fills in the comprehensive evaluation")
        data = locked.version_data()
        rd, ps = _declared_codes(data)
        form, problems = R.validate_evaluation(raw, rd_codes=rd, ps_codes=ps)
        if problems:
            raise _issues("专家组综合评价表", problems)
        missing = [m for m in locked.active_members() if not ExpertReview.objects.filter(member=m).exists()]
        if missing or locked.problem():
            raise TransitionRefused(*(locked.problem() or (f"尚有 {len(missing)} 名专家未提交评价表",
                                                           f"{len(missing)} expert form(s) not yet submitted")))
        result = evaluation_preview(locked, form)
        evaluation = PanelEvaluation.objects.create(panel=locked, leader=locked.leader, form=form, result=result)
        APPLICATION.perform(app, "evaluate", acting_user=acting_user, reason=f"专家组综合评价 {locked.reference}",
                            data={"panel": locked.pk, "total": result["total"], "verdict": result["verdict"]},
                            notify=lambda a: _notify_offices(
                                a, f"{locked.reference}：专家组综合评价已完成（{result['total_display']} 分）。",
                                f"{locked.reference}: the panel evaluation is done ({result['total_display']} points).",
                                f"/office/applications/{a.pk}/panel/"))
    return evaluation


# --- deadlines -------------------------------------------------------------------------------------------------


def experts_remind(*, today: dt.date | None = None, acting_user=None) -> int:
    """Remind every expert whose form is not in: once ``REMIND_DAYS_BEFORE`` days (or fewer) before the panel's
    due date, and once when it has passed (the office is told too). Idempotent: each reminder is recorded and
    sent once. Returns the number sent. For a shared ``hnte-admin remind`` command.

    Two runs at the same moment take turns: the members' rows are locked (in id order) before their reminders are
    looked up, so the second run finds the first one's reminders instead of colliding with them."""
    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        members = (PanelMember.objects.filter(status=PanelMember.ACTIVE, panel__application__state="in_review",
                                              review__isnull=True)
                   .filter(Q(panel__due_date__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE)))
                   .select_related("panel__application", "expert__user").select_for_update(of=("self",)).order_by("id"))
        rows = []
        for m in members:
            panel = m.panel
            kind = "overdue" if panel.due_date < today else "due_soon"
            if ReviewReminder.objects.filter(member=m, kind=kind).exists():
                continue
            ReviewReminder.objects.create(member=m, kind=kind, sent_on=today)
            if kind == "due_soon":
                notify_on_commit(m.expert.user, f"{panel.reference} 的评价表请于 {panel.due_date:%Y年%m月%d日} 前提交。",
                                 f"Your form for {panel.reference} is due on {panel.due_date.isoformat()}.", f"/expert/reviews/{panel.pk}/")
            else:
                notify_on_commit(m.expert.user, f"{panel.reference} 的评价表已超过截止日期 {panel.due_date:%Y年%m月%d日}，请尽快提交。",
                                 f"Your form for {panel.reference} is overdue (due {panel.due_date.isoformat()}).", f"/expert/reviews/{panel.pk}/")
                _notify_offices(panel.application, f"{panel.reference}：一名专家的评价表已逾期。",
                                f"{panel.reference}: an expert's form is overdue.", f"/office/applications/{panel.application_id}/panel/")
            rows.append({"member": m.pk, "kind": kind})
            sent += 1
        if rows:
            audit_record(acting_user=acting_user, action="experts.remind", obj=None, data={"on": today.isoformat(), "sent": rows})
            pause_before_commit("experts.remind")  # test-only fault injection (core/faults.py); no-op unless set
    return sent
