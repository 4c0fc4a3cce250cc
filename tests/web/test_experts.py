"""Expert pool, random panels and anonymised scoring (工作指引 一、（四）, 二、（四）, 三、（七）; I1, I2).

The draw is reproducible from its record, honours every exclusion (one test each), refuses when the pool is
too small (below / at / above 3×), keeps the 60 % technical boundary; the expert's pages and JSON never carry
the enterprise's identity; scores outside their band are refused with the rule; the panel result is
``panel_score`` on the submitted forms and the engine on the confirmed figures.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hnte.core.errors import InputError
from hnte.scoring.panel import ExpertForm, panel_score
from hnte_web.core.workflow import TransitionRefused

from .conftest import make_user

_serial = itertools.count(1)


# --- helpers ---------------------------------------------------------------------------------------------------


def org_code(n: int) -> str:
    from hnte_web.enterprises.credit_code import with_check_character

    return with_check_character(f"12110000{n:05d}EXPT")


def add_expert(office, kind: str, *, fields=("1",), code: str | None = None, org: str | None = None, conflicts=(),
               senior: bool = True):
    from hnte_web.experts.models import Expert

    n = next(_serial)
    user = make_user(f"exp{n:04d}", "expert", expert_kind=kind)
    return Expert.objects.create(user=user, region_prefix=office.region_prefix, kind=kind, name=f"专家{n}", title="正高级工程师",
                                 senior_title=senior, fields=list(fields) if kind == "technical" else [],
                                 organisation=org or f"某研究院{n}", organisation_credit_code=code or org_code(n),
                                 conflicts=list(conflicts), added_by=office)


def add_pool(office, technical: int = 12, financial: int = 3, **kw):
    return ([add_expert(office, "technical", **kw) for _ in range(technical)],
            [add_expert(office, "financial") for _ in range(financial)])


def submit_and_accept(w, app, user, *, edit=None):
    """Submit ``app`` (after ``edit(data)``), open a batch and accept it (形式审查通过)."""
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import _store, application_submit
    from hnte_web.review.models import Batch
    from hnte_web.review.services import application_accept, batch_create

    if edit is not None:
        data = Application.objects.get(pk=app.pk).data
        edit(data)
        _store(Application.objects.get(pk=app.pk), data)
    application_submit(acting_user=user, application=Application.objects.get(pk=app.pk), commitment_by="张三", agreed=True)
    batch = Batch.objects.filter(region_prefix="11").first() or batch_create(
        acting_user=w.office_bj, name="2024年第一批", year=2024, deadline=dt.date(2024, 12, 31))
    application_accept(acting_user=w.office_bj, application=Application.objects.get(pk=app.pk), batch=batch)
    app.refresh_from_db()
    return app


@pytest.fixture
def accepted(world):
    """A's complete application (pass_2016, field 1.1.1), submitted and accepted, awaiting its panel."""
    submit_and_accept(world, world.app_a, world.user_a)
    return world


def draw(w, app=None, **kw):
    from hnte_web.experts.services import panel_draw

    return panel_draw(acting_user=w.office_bj, application=app or w.app_a, **kw)


def tech_raw(**over) -> dict:
    """The technical form for pass_2016 as the demo's experts fill it in (two RD, two PS), with ``over`` changed."""
    from hnte_web.supervision.demo import TECHNICAL_FORM

    return {**TECHNICAL_FORM, "rd_count": "2", "ps_count": "2", **over}


def fin_raw(**over) -> dict:
    from hnte_web.supervision.demo import FINANCIAL_FORM

    return {**FINANCIAL_FORM, **over}


def submit_all(panel, *, tech_scores=None):
    """Every active member submits; technical experts vary their conversion score so the averages are fractional."""
    from hnte_web.experts.services import review_submit

    for i, m in enumerate(panel.active_members().order_by("id")):
        raw = tech_raw(conversion=str(25 + i % 3)) if m.kind == "technical" else fin_raw(growth_sales=str(5 + i % 2))
        if tech_scores and m.kind == "technical":
            raw.update(tech_scores)
        review_submit(acting_user=m.expert.user, panel=panel, raw=raw)


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer says ``text`` (ASCII, Helvetica)."""
    stream = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer << /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def identifying(w) -> list[str]:
    e = w.ent_a
    return [e.name, e.credit_code, e.address, e.legal_representative, e.legal_representative_phone, e.contact_name,
            e.contact_phone, e.contact_email, e.registration_date.isoformat(), "甲科技"]


# --- the draw ----------------------------------------------------------------------------------------------------


def test_draw_composes_a_lawful_panel_and_moves_the_application_to_review(accepted):
    from hnte_web.audit.models import AuditEvent

    w = accepted
    tech, fin = add_pool(w.office_bj)
    before = AuditEvent.objects.count()
    panel = draw(w)
    w.app_a.refresh_from_db()
    assert w.app_a.state == "in_review"
    members = list(panel.active_members())
    assert sorted(m.kind for m in members) == ["financial"] + ["technical"] * 4
    assert panel.leader_id in {m.expert_id for m in members if m.kind == "technical"}
    assert panel.problem() is None
    assert {m.expert_id for m in members} <= {e.pk for e in tech + fin}
    events = list(AuditEvent.objects.filter(pk__gt=AuditEvent.objects.order_by("id")[before - 1].pk if before else 0))
    assert [e.action for e in events] == ["application.draw_panel"]  # one transaction, one audit event
    assert events[0].data["seed"] == panel.draws.get().record["seed"]


def test_the_draw_is_reproducible_from_its_record_alone(accepted):
    import json

    from hnte_web.experts import rules as R
    from hnte_web.experts.services import draw_replay

    w = accepted
    add_pool(w.office_bj, technical=20, financial=5)
    panel = draw(w)
    d = panel.draws.get()
    record = json.loads(json.dumps(d.record))  # what anyone downloads
    assert R.draw(record) == d.result
    assert R.draw(record) == R.draw(record)
    replay = draw_replay(panel)
    assert replay["same"] and replay["leader"] == panel.leader_id
    assert replay["members"] == {m.expert_id: m.kind for m in panel.active_members()}
    # the same seed over the same candidates is the same panel; another seed (almost surely) another
    assert R.draw({**record, "seed": record["seed"]}) == d.result
    assert any(R.draw({**record, "seed": str(s)}) != d.result for s in range(5))
    # the published record (office JSON) replays identically
    client = Client()
    client.force_login(w.office_bj)
    body = client.get(reverse("office_panel_record", args=[w.app_a.pk])).json()
    assert body["replay"]["same"] is True
    assert R.draw(body["draws"][0]["record"]) == body["draws"][0]["result"]
    assert sorted(body["draws"][0]["record"]["candidates"]["technical"]) == body["draws"][0]["record"]["candidates"]["technical"]


def test_a_tampered_record_no_longer_replays(accepted):
    from hnte_web.experts.models import PanelDraw
    from hnte_web.experts.services import draw_replay

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w, seed=12345)
    d = panel.draws.get()
    record = dict(d.record)
    record["seed"] = "12346"
    PanelDraw.objects.filter(pk=d.pk).update(record=record)
    assert draw_replay(panel)["same"] is False


def _excluded(panel, expert) -> list[str]:
    row = next(r for r in panel.draws.get().record["excluded"] if r["expert"] == expert.pk)
    return row["reasons"]


def test_exclusion_same_organisation_as_the_enterprise(accepted):
    w = accepted
    add_pool(w.office_bj, technical=12)
    insider = add_expert(w.office_bj, "technical", code=w.ent_a.credit_code, org="甲科技有限公司")
    panel = draw(w)
    assert insider.pk not in panel.draws.get().record["candidates"]["technical"]
    assert "same_organisation" in _excluded(panel, insider)
    assert not panel.members.filter(expert=insider).exists()


def test_exclusion_same_organisation_counts_against_the_pool(accepted):
    """11 eligible + 1 from the enterprise: 11 < 3 × 4, refused, and the reason names the exclusion."""
    w = accepted
    add_pool(w.office_bj, technical=11)
    add_expert(w.office_bj, "technical", code=w.ent_a.credit_code)
    with pytest.raises(TransitionRefused) as e:
        draw(w)
    assert "11" in e.value.zh and "12" in e.value.zh and "与申请企业同一单位 1 人" in e.value.zh
    assert "guidelines_2016#sec1-4" in e.value.zh


def test_exclusion_the_enterprises_intermediary(world):
    from hnte_web.enterprises.credit_code import with_check_character

    w = world
    firm_code = with_check_character("91110000MA0JNTER1")
    submit_and_accept(w, w.app_a, w.user_a,
                      edit=lambda d: d.update(intermediary={"name": "某某会计师事务所", "credit_code": firm_code}))
    add_pool(w.office_bj, technical=12, financial=3)
    auditor = add_expert(w.office_bj, "financial", code=firm_code, org="某某会计师事务所")
    panel = draw(w)
    assert auditor.pk not in panel.draws.get().record["candidates"]["financial"]
    assert "intermediary" in _excluded(panel, auditor)


def test_no_intermediary_in_the_file_excludes_nobody(accepted):
    w = accepted
    tech, fin = add_pool(w.office_bj)
    panel = draw(w)
    record = panel.draws.get().record
    assert record["excluded"] == []
    assert sorted(record["candidates"]["technical"] + record["candidates"]["financial"]) == sorted(e.pk for e in tech + fin)


def test_exclusion_declared_conflict(accepted):
    w = accepted
    add_pool(w.office_bj)
    conflicted = add_expert(w.office_bj, "technical", conflicts=[w.ent_a.credit_code])
    panel = draw(w)
    assert conflicted.pk not in panel.draws.get().record["candidates"]["technical"]
    assert _excluded(panel, conflicted) == ["declared_conflict"]


def test_exclusion_workload_cap(accepted, settings):
    """EXPERT_WORKLOAD_CAP = 1: the experts already on B's panel under review are excluded from A's draw."""
    w = accepted
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import _store

    from .conftest import example_data

    _store(Application.objects.get(pk=w.app_b.pk), example_data())
    submit_and_accept(w, w.app_b, w.user_b)
    add_pool(w.office_bj, technical=12, financial=3)
    settings.EXPERT_WORKLOAD_CAP = 1
    panel_b = draw(w, app=w.app_b)
    busy = {m.expert_id for m in panel_b.active_members()}
    with pytest.raises(TransitionRefused) as e:  # 12 − 4 busy = 8 < 12
        draw(w)
    assert "超出评审工作量上限 4 人" in e.value.zh
    add_pool(w.office_bj, technical=4, financial=1)
    panel = draw(w)
    record = panel.draws.get().record
    assert record["workload_cap"] == 1
    assert {r["expert"] for r in record["excluded"] if "workload" in r["reasons"]} == busy
    assert not busy & {m.expert_id for m in panel.active_members()}


@pytest.mark.django_db(transaction=True)
def test_two_draws_at_once_never_take_an_expert_past_the_workload_cap(world, settings, monkeypatch):
    """Two offices' users draw panels for A and B at the same moment with the same seed (so, counting the same
    workload, they would draw the same experts): the second draw waits for the first to commit and counts its
    panel, so with EXPERT_WORKLOAD_CAP = 1 the panels share nobody."""
    import threading
    import time

    from django.db import connection

    from hnte_web.applications.models import Application
    from hnte_web.applications.services import _store
    from hnte_web.experts import services as X
    from hnte_web.experts.models import PanelMember

    from .conftest import example_data

    w = world
    submit_and_accept(w, w.app_a, w.user_a)
    _store(Application.objects.get(pk=w.app_b.pk), example_data())
    submit_and_accept(w, w.app_b, w.user_b)
    add_pool(w.office_bj, technical=16, financial=4)  # enough for both: 16 − 4 busy = 12 = 3 × 4
    settings.EXPERT_WORKLOAD_CAP = 1
    real, first_counted = X.candidates_for, threading.Event()

    def counted_then_slow(*args, **kwargs):
        found = real(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_counted.set()
            time.sleep(1.0)  # the first draw keeps its transaction open while the second one counts
        return found

    monkeypatch.setattr(X, "candidates_for", counted_then_slow)
    panels, errors = {}, []

    def run(app):
        try:
            if threading.current_thread().name == "second":
                assert first_counted.wait(30)
            panels[threading.current_thread().name] = X.panel_draw(acting_user=w.office_bj, application=app, seed=7)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,), name=n) for n, a in (("first", w.app_a), ("second", w.app_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and set(panels) == {"first", "second"}, errors
    first, second = ({m.expert_id for m in panels[n].active_members()} for n in ("first", "second"))
    assert len(first) == len(second) == 5 and not first & second
    assert set(second) <= set(panels["second"].draws.get().record["candidates"]["technical"]
                              + panels["second"].draws.get().record["candidates"]["financial"])
    assert {r["expert"] for r in panels["second"].draws.get().record["excluded"] if "workload" in r["reasons"]} == first
    busiest = max(X.open_assignments(PanelMember.objects.values_list("expert_id", flat=True)).values())
    assert busiest == 1


def test_only_experts_of_the_field_are_technical_candidates(accepted):
    w = accepted
    add_pool(w.office_bj, technical=12)
    other_field = [add_expert(w.office_bj, "technical", fields=("2",)) for _ in range(3)]
    second_level = add_expert(w.office_bj, "technical", fields=("1.1",))  # A's field is 1.1.1
    wrong_second = add_expert(w.office_bj, "technical", fields=("1.2",))
    panel = draw(w)
    candidates = set(panel.draws.get().record["candidates"]["technical"])
    assert second_level.pk in candidates
    assert not candidates & {e.pk for e in [*other_field, wrong_second]}


@pytest.mark.parametrize(("technical", "financial", "ok"), [(11, 3, False), (12, 3, True), (13, 3, True),
                                                            (12, 2, False), (12, 4, True)])
def test_the_pool_must_hold_three_times_the_draw(accepted, technical, financial, ok):
    """4 technical + 1 financial needed: 12 and 3 candidates at least (below / at / above)."""
    w = accepted
    add_pool(w.office_bj, technical=technical, financial=financial)
    if ok:
        assert draw(w).problem() is None
        return
    with pytest.raises(TransitionRefused) as e:
        draw(w)
    if technical < 12:
        assert f"只有 {technical} 人，少于本次所需 4 人的 3 倍（12 人）" in e.value.zh
        assert f"holds {technical} available technical experts" in e.value.en
    else:
        assert f"只有 {financial} 人，少于本次所需 1 人的 3 倍（3 人）" in e.value.zh
    w.app_a.refresh_from_db()
    assert w.app_a.state == "accepted"
    from hnte_web.experts.models import Panel

    assert not Panel.objects.exists()  # refused: nothing recorded


@pytest.mark.parametrize(("technical", "financial", "ok"), [(3, 2, True), (2, 3, False), (4, 3, False), (5, 2, True),
                                                            (5, 0, False), (3, 1, False)])
def test_sixty_percent_technical_at_least_one_financial_at_least_five(accepted, technical, financial, ok):
    w = accepted
    add_pool(w.office_bj, technical=15, financial=9)
    if ok:
        panel = draw(w, n_technical=technical, n_financial=financial)
        assert panel.technical_share_ok() and panel.problem() is None
        return
    with pytest.raises(TransitionRefused) as e:
        draw(w, n_technical=technical, n_financial=financial)
    assert "guidelines_2016#sec2-4" in e.value.zh
    if technical + financial < 5:
        assert "评审专家不少于 5 人" in e.value.zh
    elif financial == 0:
        assert "至少有 1 名财务专家" in e.value.zh
    else:
        assert f"技术专家不少于 60%（实际 {technical}/{technical + financial}）" in e.value.zh


def test_only_the_office_of_the_region_draws_and_only_once(accepted):
    w = accepted
    from hnte_web.experts.services import panel_draw

    add_pool(w.office_bj, technical=20, financial=6)
    for user in (w.office_sz, w.lgo, w.user_a):
        with pytest.raises(TransitionRefused):
            panel_draw(acting_user=user, application=w.app_a)
    draw(w)
    with pytest.raises(TransitionRefused) as e:
        draw(w)
    assert "专家评审中" in e.value.zh


def test_a_declining_expert_is_replaced_by_a_recorded_redraw(accepted):
    from hnte_web.experts.services import draw_replay, panel_member_decline, panel_member_replace

    w = accepted
    add_pool(w.office_bj, technical=16, financial=4)
    panel = draw(w)
    member = panel.active_members().filter(kind="technical").exclude(expert_id=panel.leader_id).first()
    panel_member_decline(acting_user=member.expert.user, member=member, reason="曾为该企业提供咨询，申请回避")
    panel.refresh_from_db()
    assert "尚未补抽" in panel.problem()[0]
    with pytest.raises(TransitionRefused):
        panel_member_replace(acting_user=w.office_sz, member=member)
    new = panel_member_replace(acting_user=w.office_bj, member=member, seed=777)
    panel.refresh_from_db()
    d = panel.draws.get(number=2)
    assert d.kind == "replacement" and d.replaces_id == member.pk and d.record["seed"] == "777"
    assert d.record["needed"] == {"technical": 1, "financial": 0}
    assert member.expert_id not in d.record["candidates"]["technical"]  # nobody twice, decliners included
    assert new.kind == "technical" and panel.problem() is None
    assert draw_replay(panel)["same"]


def test_when_the_leader_declines_a_new_technical_leader_is_drawn(accepted):
    from hnte_web.experts.services import draw_replay, panel_member_decline, panel_member_replace

    w = accepted
    add_pool(w.office_bj, technical=16, financial=4)
    panel = draw(w)
    leader = panel.members.get(expert_id=panel.leader_id)
    panel_member_decline(acting_user=w.office_bj, member=leader, reason="出差无法参加")  # recorded by the office
    panel.refresh_from_db()
    assert panel.leader_id is None and panel.problem() is not None
    panel_member_replace(acting_user=w.office_bj, member=leader)
    panel.refresh_from_db()
    technical = {m.expert_id for m in panel.active_members() if m.kind == "technical"}
    assert panel.leader_id in technical and panel.problem() is None
    assert panel.draws.get(number=2).record["leader_from"] == sorted(technical - {panel.draws.get(number=2).result["technical"][0]})
    assert draw_replay(panel)["same"]


def test_a_submitted_form_cannot_be_declined(accepted):
    from hnte_web.experts.services import panel_member_decline, review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    m = panel.active_members().filter(kind="financial").get()
    review_submit(acting_user=m.expert.user, panel=panel, raw=fin_raw())
    with pytest.raises(TransitionRefused):
        panel_member_decline(acting_user=m.expert.user, member=m, reason="x")


# --- the pool ---------------------------------------------------------------------------------------------------


def _expert_values(**over) -> dict:
    values = {"kind": "technical", "name": "王五", "title": "教授", "senior_title": True, "certificates": [], "finance_years": None,
              "fields": ["1", "1.1"], "organisation": "某大学", "organisation_credit_code": org_code(99001), "conflicts": [],
              "active": True}
    values.update(over)
    return values


def test_qualifications_are_checked_with_the_rule_cited(world):
    from hnte_web.experts.services import expert_create

    w = world
    with pytest.raises(InputError) as e:
        expert_create(acting_user=w.office_bj, username="wang", password="long-enough-pw-1", values=_expert_values(senior_title=False))
    assert e.value.issues[0].path == "senior_title" and "guidelines_2016#sec1-4" in e.value.issues[0].message_zh
    with pytest.raises(InputError) as e:
        expert_create(acting_user=w.office_bj, username="wang", password="long-enough-pw-1", values=_expert_values(fields=["9", "1.1.1"]))
    assert [i.path for i in e.value.issues] == ["fields", "fields"]
    fin = {"kind": "financial", "senior_title": False, "fields": [], "certificates": ["cpa"]}
    with pytest.raises(InputError) as e:
        expert_create(acting_user=w.office_bj, username="li", password="long-enough-pw-1", values=_expert_values(**fin, finance_years=9))
    assert e.value.issues[0].path == "finance_years" and "10 年以上（实际 9 年）" in e.value.issues[0].message_zh
    expert = expert_create(acting_user=w.office_bj, username="li", password="long-enough-pw-1", values=_expert_values(**fin, finance_years=10))
    assert expert.user.role == "expert" and expert.region_prefix == "11"
    senior_fin = expert_create(acting_user=w.office_bj, username="zhao", password="long-enough-pw-1",
                               values=_expert_values(kind="financial", fields=[], senior_title=True))
    assert senior_fin.kind == "financial"
    with pytest.raises(TransitionRefused):
        expert_create(acting_user=w.lgo, username="x", password="long-enough-pw-1", values=_expert_values())


def test_office_pool_pages_add_and_edit_experts(world):
    from hnte_web.experts.models import Expert

    w = world
    client = Client()
    client.force_login(w.office_bj)
    assert client.get(reverse("office_experts")).status_code == 200
    post = {"username": "tech1", "password": "long-enough-pw-1", "kind": "technical", "name": "赵六", "title": "研究员",
            "senior_title": "on", "fields": "1 1.1", "organisation": "某研究所", "organisation_credit_code": "bad", "active": "on"}
    resp = client.post(reverse("office_experts"), post)
    assert resp.status_code == 400 and "统一社会信用代码应为 18 位" in resp.content.decode()
    post["organisation_credit_code"] = org_code(99002)
    resp = client.post(reverse("office_experts"), post)
    expert = Expert.objects.get(user__username="tech1")
    assert resp.status_code == 302 and expert.fields == ["1", "1.1"]
    resp = client.post(reverse("office_expert", args=[expert.pk]), {**post, "conflicts": w.ent_a.credit_code})
    assert resp.status_code == 302
    expert.refresh_from_db()
    assert expert.conflicts == [w.ent_a.credit_code]
    sz = Client()
    sz.force_login(w.office_sz)
    assert sz.get(reverse("office_expert", args=[expert.pk])).status_code == 404
    assert "赵六" not in sz.get(reverse("office_experts")).content.decode()


# --- the expert's workspace: anonymity --------------------------------------------------------------------------


def _brand_the_file(data):
    """Put the enterprise's name where a careless applicant would: a product name, an IP title, a conversion."""
    data["products"][0]["name"] = "甲科技智能调度平台"
    data["intellectual_property"][2]["title"] = "甲科技有限公司智能调度平台V1.0"
    data["conversions"][0]["result"] = "新产品 PS01（联系人 李四 13800000000 a@example.com）"


def test_the_expert_never_sees_who_the_enterprise_is(world, django_capture_on_commit_callbacks):
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import attachment_upload
    from hnte_web.experts.services import panel_evaluate

    w = world
    app = Application.objects.get(pk=w.app_a.pk)
    clean = attachment_upload(acting_user=w.user_a, application=app, kind="ip_certificate", deidentified=True,
                              upload=SimpleUploadedFile("甲科技有限公司-专利证书.pdf", pdf_with_text("PATENT CERTIFICATE"),
                                                        content_type="application/pdf"))
    submit_and_accept(w, w.app_a, w.user_a, edit=_brand_the_file)
    add_pool(w.office_bj)
    with django_capture_on_commit_callbacks(execute=True):
        panel = draw(w)
    secrets = identifying(w) + ["ZL202110123456.7", "2021SR0100001", "ZL202210234567.8"]
    leader = panel.leader.user
    financial = panel.active_members().get(kind="financial").expert.user
    pages = []
    for user in (leader, financial):
        c = Client()
        c.force_login(user)
        pages += [c.get(reverse("expert_home")), c.get(reverse("expert_review", args=[panel.pk])),
                  c.get(reverse("expert_review", args=[panel.pk]) + "?lang=en"),
                  c.get(reverse("expert_review_json", args=[panel.pk])), c.get(reverse("notifications"))]
    lc = Client()
    lc.force_login(leader)
    pages.append(lc.post(reverse("expert_review", args=[panel.pk]), tech_raw(ip_quantity="9")))  # a refused form re-rendered
    with django_capture_on_commit_callbacks(execute=True):
        submit_all(panel)
    pages += [lc.get(reverse("expert_evaluation", args=[panel.pk])), lc.get(reverse("expert_review", args=[panel.pk]))]
    with django_capture_on_commit_callbacks(execute=True):
        panel_evaluate(acting_user=leader, panel=panel, raw={**tech_raw(), "opinion": "同意"})
    assert leader.notifications.count() >= 2
    pages += [lc.get(reverse("expert_evaluation", args=[panel.pk])), lc.get(reverse("expert_home")),
              lc.get(reverse("expert_evaluation", args=[panel.pk]) + "?lang=en"), lc.get(reverse("notifications"))]
    download = lc.get(reverse("expert_attachment", args=[clean.pk]))
    assert download.status_code == 200 and "甲科技" not in download["Content-Disposition"]
    pages.append(download)
    for resp in pages:
        assert resp.status_code in (200, 400), resp
        text = b"".join(resp.streaming_content).decode("latin-1") if hasattr(resp, "streaming_content") else resp.content.decode()
        leaked = [s for s in secrets if s in text]
        assert leaked == [], (resp.request["PATH_INFO"], leaked)
    body = lc.get(reverse("expert_review_json", args=[panel.pk])).json()
    assert body["format"] == "hnte/expert-projection@1" and body["reference"] == panel.reference
    assert [ip["label"] for ip in body["intellectual_property"]] == ["IP01", "IP02", "IP03", "IP04"]
    assert body["products"][0]["name"] == "＊＊＊智能调度平台" and body["products"][0]["core_ip"] == ["IP01", "IP02"]
    assert body["conversions"][0]["achievement"] == "IP01"
    assert set(body) == {"format", "reference", "programme", "programme_label", "application_year", "technical_field", "years",
                         "intellectual_property", "products", "conversions", "rd_projects", "special_audit_report", "engine",
                         "attachments", "due_date"}
    assert "enterprise" not in body and "intermediary" not in body and "assessment" not in body


def test_the_projection_is_an_allow_list(world):
    """Keys the file may gain tomorrow never reach the expert unless added to the allow-list."""
    from hnte_web.experts.projection import expert_projection

    from .conftest import example_data

    data = example_data()
    data["enterprise"]["future_secret"] = "不应出现"
    data["years"][0]["future_secret"] = "不应出现"
    data["intellectual_property"][0]["future_secret"] = "不应出现"
    data["new_block"] = {"anything": "不应出现"}
    import json

    text = json.dumps(expert_projection(reference="P000001", data=data), ensure_ascii=False)
    assert "不应出现" not in text and "北京示例智能科技" not in text and "91110108MA01ABCD1X" not in text
    assert "海淀区" not in text and "2019-03-15" not in text


def test_a_deidentified_pdf_that_still_names_the_enterprise_is_withheld_and_the_office_warned(world, django_capture_on_commit_callbacks):
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import attachment_upload

    w = world
    app = Application.objects.get(pk=w.app_a.pk)
    leaky = attachment_upload(acting_user=w.user_a, application=app, kind="audit_report", deidentified=True,
                              upload=SimpleUploadedFile("report.pdf", pdf_with_text(f"Credit code {w.ent_a.credit_code}"),
                                                        content_type="application/pdf"))
    clean = attachment_upload(acting_user=w.user_a, application=app, kind="ip_certificate", deidentified=True,
                              upload=SimpleUploadedFile("cert.pdf", pdf_with_text("PATENT"), content_type="application/pdf"))
    original = attachment_upload(acting_user=w.user_a, application=app, kind="other", deidentified=False,
                                 upload=SimpleUploadedFile("orig.pdf", pdf_with_text("PATENT"), content_type="application/pdf"))
    submit_and_accept(w, w.app_a, w.user_a)
    add_pool(w.office_bj)
    with django_capture_on_commit_callbacks(execute=True):
        panel = draw(w)
    rows = {r["attachment"]: r for r in panel.screening}
    assert rows[leaky.pk]["found"] == [w.ent_a.credit_code] and not rows[leaky.pk]["shown"]
    assert rows[clean.pk] == {**rows[clean.pk], "checked": True, "found": [], "shown": True}
    assert original.pk not in rows  # only de-identified copies are ever considered
    expert = panel.leader.user
    c = Client()
    c.force_login(expert)
    assert c.get(reverse("expert_attachment", args=[leaky.pk])).status_code == 404
    assert c.get(reverse("expert_attachment", args=[original.pk])).status_code == 404
    assert c.get(reverse("expert_attachment", args=[clean.pk])).status_code == 200
    ids = [a["id"] for a in c.get(reverse("expert_review_json", args=[panel.pk])).json()["attachments"]]
    assert ids == [clean.pk]
    office = Client()
    office.force_login(w.office_bj)
    page = office.get(reverse("office_panel", args=[w.app_a.pk])).content.decode()
    assert "screening-warnings" in page and "report.pdf" in page
    assert w.office_bj.notifications.filter(message_zh__contains="report.pdf").exists()


def test_only_members_reach_an_assignment(accepted):
    from hnte_web.experts.services import panel_member_decline

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    outsider = add_expert(w.office_bj, "technical")
    urls = [reverse("expert_review", args=[panel.pk]), reverse("expert_review_json", args=[panel.pk]),
            reverse("expert_evaluation", args=[panel.pk])]
    for user in (outsider.user, w.expert):
        c = Client()
        c.force_login(user)
        assert [c.get(u).status_code for u in urls] == [404, 404, 404]
        assert c.post(reverse("expert_decline", args=[panel.pk]), {"reason": "x"}).status_code == 404
    member = panel.active_members().exclude(expert_id=panel.leader_id).first()
    c = Client()
    c.force_login(member.expert.user)
    assert c.get(urls[0]).status_code == 200
    assert c.get(urls[2]).status_code == 404  # the leader's page
    panel_member_decline(acting_user=member.expert.user, member=member, reason="回避")
    assert c.get(urls[0]).status_code == 404  # a decliner leaves the panel


# --- the forms: bands and maxima -----------------------------------------------------------------------------


@pytest.mark.parametrize(("over", "field", "expected"), [
    ({"ip_advancement_grade": "B", "ip_advancement": "7"}, "ip_advancement", "B 档应为 5–6 分，实际为 7 分"),
    ({"ip_quantity": "9"}, "ip_quantity", "9 分超过该项最高分 8 分"),
    ({"conversion_grade": "F", "conversion": "1"}, "conversion", "F 档应为 0 分，实际为 1 分"),
    ({"conversion": "31"}, "conversion", "31 分超过该项最高分 30 分"),
    ({"ip_acquisition_grade": "B", "ip_acquisition": "4"}, "ip_acquisition", "B 档应为 1–3 分，实际为 4 分"),
    ({"ip_standards_grade": "B", "ip_standards": "1"}, "ip_standards", "B 档应为 0 分，实际为 1 分"),
    ({"rdm_system": "7"}, "rdm_system", "7 分超过该项最高分 6 分"),
    ({"rdm_talent": "-1"}, "rdm_talent", "应为 0 到 4 的整数，实际为 -1"),
    ({"ip_core_support": "6.5"}, "ip_core_support", "各级指标均按整数打分"),
])
def test_a_technical_score_outside_its_band_is_refused_with_the_rule(accepted, over, field, expected):
    from hnte_web.experts.models import ExpertReview
    from hnte_web.experts.services import review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    leader = panel.leader.user
    with pytest.raises(InputError) as e:
        review_submit(acting_user=leader, panel=panel, raw=tech_raw(**over))
    issue = next(i for i in e.value.issues if i.path == field)
    assert expected in issue.message_zh
    assert "guidelines_2016#sec3-7" in issue.message_zh
    assert not ExpertReview.objects.exists()
    c = Client()
    c.force_login(leader)
    resp = c.post(reverse("expert_review", args=[panel.pk]) + "?lang=en", tech_raw(**over))
    assert resp.status_code == 400
    assert f'data-for="{field}"' in resp.content.decode()


@pytest.mark.parametrize(("over", "field", "expected"), [
    ({"growth_net_assets_grade": "A", "growth_net_assets": "8"}, "growth_net_assets", "A 档应为 9–10 分，实际为 8 分"),
    ({"growth_sales": "11"}, "growth_sales", "11 分超过该项最高分 10 分"),
    ({"growth_sales_grade": ""}, "growth_sales_grade", "请选择档次"),
])
def test_a_growth_score_outside_its_band_is_refused(accepted, over, field, expected):
    from hnte_web.experts.services import review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    m = panel.active_members().get(kind="financial")
    with pytest.raises(InputError) as e:
        review_submit(acting_user=m.expert.user, panel=panel, raw=fin_raw(**over))
    assert expected in next(i for i in e.value.issues if i.path == field).message_zh


def test_confirmed_figures_are_checked(accepted):
    from hnte_web.experts.services import review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    with pytest.raises(InputError) as e:
        review_submit(acting_user=panel.leader.user, panel=panel,
                      raw=tech_raw(rd_struck="RD09", rd_count="1", rd_domestic="800", high_tech_income="1.23456",
                                   field_code="1.1", materials_ok=""))
    by = {i.path: i.message_zh for i in e.value.issues}
    assert "RD09 不在申报清单中" in by["rd_struck"]
    assert "核定数应等于申报数 2 减核除数 0（2），实际为 1" in by["rd_count"]
    assert "不能大于" in by["rd_domestic"]
    assert "精确到元" in by["high_tech_income"]
    assert "第 3 级代码" in by["field_code"]
    assert "请选择" in by["materials_ok"]


def test_the_ip_indicator_with_its_bonus_is_capped_at_30(accepted):
    from hnte_web.experts.services import review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    review = review_submit(acting_user=panel.leader.user, panel=panel,
                           raw=tech_raw(ip_advancement="8", ip_core_support="8", ip_quantity="8", ip_acquisition="6", ip_standards="2"))
    assert review.scores["intellectual_property"] == 30  # 8 + 8 + 8 + 6 + 2 = 32 → 30


# --- the panel result ------------------------------------------------------------------------------------------


def test_the_panel_result_is_panel_score_on_the_submitted_forms(accepted):
    from hnte_web.experts.models import ExpertReview
    from hnte_web.experts.services import panel_evaluate

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    submit_all(panel)
    forms = [ExpertForm(expert=str(r.member_id), role=r.kind, scores=r.scores)
             for r in ExpertReview.objects.filter(member__panel=panel)]
    expected = panel_score(forms, dt.date(2024, 6, 30))
    evaluation = panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**tech_raw(), "opinion": "符合认定条件"})
    result = evaluation.result
    assert {k: Fraction(v) for k, v in result["averages"].items()} == expected.averages
    assert Fraction(result["total"]) == expected.total and result["score_passes"] == expected.passes
    assert expected.averages["conversion"] == Fraction(25 + 26 + 27 + 25, 4)  # fractional, never rounded (I2)
    w.app_a.refresh_from_db()
    assert w.app_a.state == "evaluated"
    assert result["verdict"] == "eligible"
    score_row = next(c for c in result["criteria"] if c["source"] == "panel")
    assert score_row["status"] == "pass" and "interpretations#i2" in score_row["cites"] and "interpretations#i1" in score_row["cites"]
    assert all(c.get("trace_zh") for c in result["criteria"] if c["source"] == "engine")


def test_a_panel_score_of_exactly_70_fails(accepted):
    """I1: 70 itself fails. 4 technical experts give 22 + 18 + 14 = 54; growth 16 → 70."""
    from hnte_web.experts.services import panel_evaluate

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    scores = {"ip_advancement_grade": "B", "ip_advancement": "5", "ip_core_support_grade": "B", "ip_core_support": "5",
              "ip_quantity_grade": "A", "ip_quantity": "7", "ip_acquisition_grade": "A", "ip_acquisition": "5",
              "ip_standards_grade": "B", "ip_standards": "0", "conversion_grade": "C", "conversion": "18",
              "rdm_system": "4", "rdm_institution": "4", "rdm_conversion_incentives": "3", "rdm_talent": "3"}
    from hnte_web.experts.services import review_submit

    for m in panel.active_members():
        raw = tech_raw(**scores) if m.kind == "technical" else fin_raw(growth_net_assets_grade="A", growth_net_assets="10",
                                                                       growth_sales_grade="C", growth_sales="6")
        review_submit(acting_user=m.expert.user, panel=panel, raw=raw)
    result = panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**tech_raw(), "opinion": "得分不足"}).result
    assert result["total"] == "70" and result["score_passes"] is False and result["verdict"] == "not_eligible"


def test_the_engine_reruns_on_the_confirmed_figures(accepted):
    """The panel confirms less R&D (RD02 struck) and less domestic R&D: the ratio and domestic share are recomputed
    by the engine on exactly the confirmed figures, and the verdict follows."""
    from hnte.application.load import parse_application
    from hnte.engine import assess
    from hnte_web.experts.rules import substitute_confirmed
    from hnte_web.experts.services import panel_evaluate

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    submit_all(panel)
    confirmed = {"rd_count": "1", "rd_struck": "RD02", "rd_total": "240.1234", "rd_domestic": "100", "ps_count": "1",
                 "ps_struck": "PS02", "high_tech_income": "3000"}
    result = panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**tech_raw(**confirmed), "opinion": "研发费用核减"}).result
    by = {c["id"]: c for c in result["criteria"]}
    assert by["art11_5_rd_expense_ratio"]["status"] == "fail"  # 2,401,234 / 113,000,000 < 5 %
    assert by["art11_5_domestic_rd_share"]["status"] == "fail"  # 100 / 240.1234 < 60 %
    assert result["verdict"] == "not_eligible"
    data = substitute_confirmed(panel.version_data(), result["confirmed"])
    figures = assess(parse_application(data, "x")).ctx.trace.figures
    assert figures["rd_expense.total"].value == 240123400 and figures["rd_expense.domestic_total"].value == 100000000
    assert figures["income.high_tech"].value == 3000000000
    assert [p["code"] for p in data["rd_projects"]] == ["RD01"] and [p["code"] for p in data["products"]] == ["PS01"]


def test_most_technical_experts_answering_no_fail_that_condition(accepted):
    from hnte_web.experts.services import panel_evaluate

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    submit_all(panel, tech_scores={"field_in_scope": "no"})
    result = panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**tech_raw(), "opinion": "核心技术不属于领域范围"}).result
    row = next(c for c in result["criteria"] if c["id"].startswith("art11_3_"))
    assert row["status"] == "fail" and row["source"] == "experts" and "4/4" in row["note_zh"]
    assert result["checks"]["field_in_scope"] == {"yes": 0, "no": 4} and result["verdict"] == "not_eligible"


def test_evaluation_waits_for_every_form_and_only_the_leader_evaluates(accepted):
    from hnte_web.audit.models import AuditEvent
    from hnte_web.experts.models import PanelEvaluation
    from hnte_web.experts.services import panel_evaluate, review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    review_submit(acting_user=panel.leader.user, panel=panel, raw=tech_raw())
    with pytest.raises(TransitionRefused) as e:
        panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**tech_raw(), "opinion": "x"})
    assert "尚有 4 名专家未提交评价表" in e.value.zh
    assert not PanelEvaluation.objects.exists()
    submit_all(panel)
    other = panel.active_members().exclude(expert_id=panel.leader_id).first().expert.user
    with pytest.raises(TransitionRefused):
        panel_evaluate(acting_user=other, panel=panel, raw={**tech_raw(), "opinion": "x"})
    with pytest.raises(InputError) as e:
        panel_evaluate(acting_user=panel.leader.user, panel=panel, raw=tech_raw())
    assert e.value.issues[0].path == "opinion"
    before = AuditEvent.objects.count()
    panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**tech_raw(), "opinion": "同意"})
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").first().action == "application.evaluate"
    with pytest.raises(TransitionRefused):  # forms are closed once the panel has evaluated
        review_submit(acting_user=panel.leader.user, panel=panel, raw=tech_raw())


def test_the_leader_evaluates_through_the_page(accepted):
    w = accepted
    add_pool(w.office_bj)
    panel = draw(w)
    submit_all(panel)
    c = Client()
    c.force_login(panel.leader.user)
    page = c.get(reverse("expert_evaluation", args=[panel.pk])).content.decode()
    assert "panel-result" in page and "evaluation-form" in page
    resp = c.post(reverse("expert_evaluation", args=[panel.pk]), {**tech_raw(), "opinion": "专家组同意"})
    assert resp.status_code == 302
    page = c.get(reverse("expert_evaluation", args=[panel.pk])).content.decode()
    assert 'id="panel-verdict"' in page and "evaluation-form" not in page
    office = Client()
    office.force_login(w.office_bj)
    page = office.get(reverse("office_panel", args=[w.app_a.pk])).content.decode()
    assert "专家组同意" in page and "计算过程" in page  # the office sees the verdict with its trace


# --- deadlines ---------------------------------------------------------------------------------------------------


def test_reminders_before_and_after_the_due_date_are_sent_once(accepted, django_capture_on_commit_callbacks):
    from hnte_web.experts.services import experts_remind, review_submit

    w = accepted
    add_pool(w.office_bj)
    panel = draw(w, due_date=dt.date(2030, 3, 10))
    review_submit(acting_user=panel.leader.user, panel=panel, raw=tech_raw())
    with django_capture_on_commit_callbacks(execute=True):
        assert experts_remind(today=dt.date(2030, 3, 1)) == 0
        assert experts_remind(today=dt.date(2030, 3, 7)) == 4  # 3 days ahead: the four without a form
        assert experts_remind(today=dt.date(2030, 3, 8)) == 0  # once
        assert experts_remind(today=dt.date(2030, 3, 11)) == 4  # overdue
        assert experts_remind(today=dt.date(2030, 3, 12)) == 0
    assert not panel.leader.user.notifications.filter(message_zh__contains="逾期").exists()
    assert w.office_bj.notifications.filter(message_zh__contains="逾期").count() == 4


# --- the office's panel page -------------------------------------------------------------------------------------


def test_the_office_draws_from_the_panel_page_with_the_numbers_shown(accepted):
    w = accepted
    add_pool(w.office_bj, technical=11)
    c = Client()
    c.force_login(w.office_bj)
    page = c.get(reverse("office_panel", args=[w.app_a.pk])).content.decode()
    assert 'id="available-technical">11<' in page and "少于本次所需 4 人的 3 倍（12 人）" in page
    resp = c.post(reverse("office_panel", args=[w.app_a.pk]), {"action": "draw"})
    assert resp.status_code == 400
    add_expert(w.office_bj, "technical")
    resp = c.post(reverse("office_panel", args=[w.app_a.pk]), {"action": "draw", "due_date": "2030-01-31"})
    assert resp.status_code == 302
    page = c.get(reverse("office_panel", args=[w.app_a.pk])).content.decode()
    assert "与记录一致" in page and "2030-01-31" in page
    lgo = Client()
    lgo.force_login(w.lgo)
    assert lgo.get(reverse("office_panel", args=[w.app_a.pk])).status_code == 200
    sz = Client()
    sz.force_login(w.office_sz)
    assert sz.get(reverse("office_panel", args=[w.app_a.pk])).status_code == 404
    assert sz.get(reverse("office_panel_record", args=[w.app_a.pk])).status_code == 404


def test_the_remind_command_runs_the_experts_reminders(accepted):
    from django.core.management import call_command

    w = accepted
    add_pool(w.office_bj)
    draw(w, due_date=dt.date(2030, 3, 10))
    out = io.StringIO()
    call_command("remind", "--today", "2030-03-11", stdout=out)
    assert "专家评价表提醒 5 条" in out.getvalue()
    out = io.StringIO()
    call_command("remind", "--today", "2030-03-11", stdout=out)
    assert "专家评价表提醒 0 条" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--today", "11/03/2030")


def test_the_demo_pool_is_enough_for_a_draw_and_idempotent(accepted):
    from hnte_web.experts.demo import demo_pool

    w = accepted
    make_user("expert_tech", "expert", expert_kind="technical")  # the demo log-in exists before its pool entry
    assert demo_pool(office=w.office_bj, password="hnte-demo-2026") == 15
    assert demo_pool(office=w.office_bj, password="hnte-demo-2026") == 0
    panel = draw(w)
    assert panel.problem() is None and panel.active_members().count() == 5
