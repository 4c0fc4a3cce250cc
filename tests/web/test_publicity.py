"""Publicity (工作指引 二（六）): the Leading Group Office publishes the list (number, enterprise name, region) for 10
working days on the State Council calendar (I15); written real-name objections, verified and resolved by the
office; the period ends by itself (``hnte-admin tick``), once, even when two runs meet; the calendar takes a newly
announced year as data."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from hnte_web.applications.models import Application
from hnte_web.audit.models import AuditEvent
from hnte_web.audit.services import audit_verify
from hnte_web.core.workflow import TransitionRefused
from hnte_web.publicity import clock, services
from hnte_web.publicity.models import CalendarYear, Objection, Publicity, PublicityEntry

from .publicity_support import TEST_2027, enterprise, published, reported

D = dt.date
FRIDAY_BEFORE_NATIONAL_DAY = D(2024, 9, 27)  # 2024: 9-29 (Sun) and 10-12 (Sat) are make-up working days


@pytest.fixture
def pw(world):
    """World plus: A and B (Beijing) and D (Suzhou) reported on the standard track, not yet published."""
    w = world
    from hnte_web.enterprises.services import registration_activate

    registration_activate(acting_user=w.office_sz, enterprise=w.ent_c)
    w.app_a = reported(w.office_bj, w.user_a, w.app_a)
    w.app_b = reported(w.office_bj, w.user_b, w.app_b)
    w.app_c = reported(w.office_sz, w.user_c)
    return w


def _events(action: str, obj_id=None) -> int:
    qs = AuditEvent.objects.filter(action=action)
    return (qs.filter(object_id=str(obj_id)) if obj_id is not None else qs).count()


def _state(app) -> str:
    return Application.objects.get(pk=app.pk).state


VALID = {"entry_number": "1", "name": "王五", "phone": "13912345678", "email": "wang@example.com", "organisation": "某研究所",
         "content": "该企业申报的核心知识产权已于申报前转让给关联公司，实际不归该企业所有，请核实。", "pledge": "on"}


# --- publishing ----------------------------------------------------------------------------------------------


def test_the_lgo_publishes_a_list_with_the_period_the_engine_computes(pw, client):
    w = pw
    pub = published(w.lgo, [w.app_c, w.app_b, w.app_a], FRIDAY_BEFORE_NATIONAL_DAY)
    assert (pub.first_day, pub.last_day, pub.working_days) == (D(2024, 9, 27), D(2024, 10, 15), 10)
    assert pub.calendar_sources == {"2024": "chinesecalendar 1.11.0"}
    entries = list(pub.entries.order_by("number"))
    # numbered like the provincial lists: by region code, then by application
    assert [(e.number, e.enterprise_name, e.region_name) for e in entries] == [
        (1, "乙科技有限公司", "北京市"), (2, "甲科技有限公司", "北京市"), (3, "丙科技有限公司", "江苏省")]
    assert {_state(a) for a in (w.app_a, w.app_b, w.app_c)} == {"in_publicity"}
    assert _events("application.publish") == 3 and _events("publicity.publish", pub.pk) == 1
    # the public page: anyone reads the list and the period, nobody's contact data
    with clock.acting_on(D(2024, 10, 8)):
        html = client.get(f"/publicity/{pub.pk}/").content.decode()
        listing = client.get("/publicity/").content.decode()
    assert "2024年9月27日</strong>至<strong>2024年10月15日" in html and "10个工作日" in html
    assert all(e.enterprise_name in html for e in entries) and "江苏省" in html and 'id="object-link"' in html
    assert w.ent_a.credit_code not in html and w.ent_a.contact_phone not in html
    assert pub.title in listing
    with clock.acting_on(D(2024, 10, 8)):
        en = client.get(f"/publicity/{pub.pk}/?lang=en").content.decode()
    assert "Publicity period: <strong>2024-09-27</strong> to the end of <strong>2024-10-15</strong> (10 working days" in en


def test_only_the_lgo_publishes_only_reported_standard_track_applications_all_or_nothing(pw):
    w = pw
    for user in (w.office_bj, w.user_a, w.expert):
        with pytest.raises(TransitionRefused):
            published(user, [w.app_a], FRIDAY_BEFORE_NATIONAL_DAY)
    from hnte_web.applications.services import application_create

    draft = application_create(acting_user=w.user_a)
    with pytest.raises(TransitionRefused) as e:
        published(w.lgo, [w.app_a, draft], FRIDAY_BEFORE_NATIONAL_DAY)  # the draft cannot be published: nothing is
    assert "不能执行" in e.value.zh
    assert not Publicity.objects.exists() and _state(w.app_a) == "reported"
    with pytest.raises(TransitionRefused) as e:
        published(w.lgo, [], FRIDAY_BEFORE_NATIONAL_DAY)
    assert e.value.code == "applications"
    with clock.acting_on(D(2024, 9, 30)), pytest.raises(TransitionRefused) as e:
        services.publicity_publish(acting_user=w.lgo, title="x", applications=[w.app_a], published_on=D(2024, 9, 27))
    assert e.value.code == "published_on"  # never backdated


def test_a_pilot_application_is_never_published(world):
    app = reported(world.office_bj, world.user_a, world.app_a, programme="beijing-pilot")
    with pytest.raises(TransitionRefused) as e:
        published(world.lgo, [app], FRIDAY_BEFORE_NATIONAL_DAY)
    assert "报备即批准" in e.value.zh


def test_publish_page_for_the_lgo(pw, client):
    w = pw
    client.force_login(w.lgo)
    with clock.acting_on(FRIDAY_BEFORE_NATIONAL_DAY):
        page = client.get("/publicity/new/").content.decode()
        assert "甲科技有限公司" in page and "丙科技有限公司" in page
        bad = client.post("/publicity/new/", {"title": "", "published_on": "2024-09-27", "applications": [w.app_a.pk]})
        assert bad.status_code == 400 and 'data-for="title"' in bad.content.decode()
        bad = client.post("/publicity/new/", {"title": "名单", "published_on": "27/09/2024", "applications": [w.app_a.pk]})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
        ok = client.post("/publicity/new/", {"title": "北京市2024年第一批", "published_on": "2024-09-27",
                                             "applications": [w.app_a.pk, w.app_b.pk]})
    pub = Publicity.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/publicity/{pub.pk}/" and pub.entries.count() == 2
    client.force_login(w.office_bj)
    assert client.get("/publicity/new/").status_code == 404


def test_a_scheduled_list_is_not_public_before_its_day(pw, client):
    pub = published(pw.lgo, [pw.app_a], D(2024, 9, 30))
    with clock.acting_on(D(2024, 9, 29)):
        assert client.get(f"/publicity/{pub.pk}/").status_code == 404
        assert pub.title not in client.get("/publicity/").content.decode()
        client.force_login(pw.office_bj)
        assert client.get(f"/publicity/{pub.pk}/").status_code == 200


# --- the calendar --------------------------------------------------------------------------------------------


def test_a_period_beyond_the_calendar_is_refused_until_the_lgo_loads_the_year(pw, client):
    w = pw
    with pytest.raises(TransitionRefused) as e:
        published(w.lgo, [w.app_a], D(2026, 12, 21))  # day 10 would fall in 2027: no data
    assert e.value.code == "calendar" and "2027" in e.value.zh and "2027" in e.value.en
    assert _state(w.app_a) == "reported"
    client.force_login(w.lgo)
    bad = client.post("/office/calendar/", {"text": TEST_2027.replace("2027-02-20", "2027-02-22")})
    assert bad.status_code == 400 and "years[0].workdays" in bad.content.decode() and "周六或周日" in bad.content.decode()
    assert not CalendarYear.objects.exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post("/office/calendar/", {"file": SimpleUploadedFile("2027.yaml", TEST_2027.encode("utf-8"))})
    assert ok.status_code == 302 and CalendarYear.objects.get().year == 2027
    page = client.get("/office/calendar/").content.decode()
    assert "测试数据（非官方）" in page and "chinesecalendar" in page
    pub = published(w.lgo, [w.app_a], D(2026, 12, 21))
    assert pub.last_day == D(2027, 1, 4)  # 21–31 Dec are days 1–9; 1–3 Jan off; day 10 is Monday 4 Jan
    assert pub.calendar_sources["2027"].startswith("测试数据")
    event = AuditEvent.objects.get(action="calendar.load")
    assert event.actor_label == "lgo" and event.data["years"] == [2027]
    client.force_login(w.office_bj)
    assert client.get("/office/calendar/").status_code == 404


def test_loading_a_corrected_year_recomputes_the_running_publicities(pw):
    from hnte.procedure.calendar import CalendarYear as Year
    from hnte.procedure.calendar import WorkingDayCalendar, dump_calendar

    w = pw
    running = published(w.lgo, [w.app_a], D(2026, 12, 14))
    assert running.last_day == D(2026, 12, 25)
    builtin = WorkingDayCalendar()
    days = [D(2026, 1, 1) + dt.timedelta(days=k) for k in range(365)]
    corrected = Year(2026, frozenset(d for d in days if d.weekday() < 5 and not builtin.is_working_day(d)) | {D(2026, 1, 1), D(2026, 12, 24)},
                     frozenset(d for d in days if d.weekday() >= 5 and builtin.is_working_day(d)), "测试数据：更正后的2026年安排")
    with clock.acting_on(D(2026, 12, 15)):
        services.calendar_load(acting_user=w.lgo, text=dump_calendar([corrected]), source="2026.json")
    running.refresh_from_db()
    assert running.last_day == D(2026, 12, 28)  # 24 Dec is now off: day 10 moves to Monday 28 Dec
    event = AuditEvent.objects.get(action="calendar.load")
    assert event.data["recomputed"] == [{"publicity": running.pk, "from": "2026-12-25", "to": "2026-12-28"}]
    with pytest.raises(TransitionRefused):
        services.calendar_load(acting_user=w.office_bj, text=TEST_2027, source="2027.yaml")


def test_hnte_admin_calendar_loads_and_shows(pw, tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(TEST_2027, encoding="utf-8")
    out = io.StringIO()
    call_command("calendar", "load", str(path), stdout=out)
    assert "2027: 测试数据" in out.getvalue()
    out = io.StringIO()
    call_command("calendar", stdout=out)
    assert "2004–2027" in out.getvalue()
    assert AuditEvent.objects.get(action="calendar.load").actor_label == "system"


# --- objections ----------------------------------------------------------------------------------------------


@pytest.fixture
def open_pub(pw):
    return published(pw.lgo, [pw.app_a, pw.app_b, pw.app_c], FRIDAY_BEFORE_NATIONAL_DAY)


def test_anyone_objects_in_writing_under_real_name_during_the_period(pw, open_pub, client, django_capture_on_commit_callbacks):
    w, pub = pw, open_pub
    a_entry = pub.entries.get(application=w.app_a)
    with clock.acting_on(D(2024, 10, 9)):
        form = client.get(f"/publicity/{pub.pk}/objection/?entry={a_entry.number}")
        assert form.status_code == 200 and "甲科技有限公司" in form.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/publicity/{pub.pk}/objection/", {**VALID, "entry_number": str(a_entry.number)})
    assert r.status_code == 302 and r["Location"] == f"/publicity/{pub.pk}/?objection=received"
    o = Objection.objects.get()
    assert (o.entry, o.state, o.objector_name, o.objector_phone) == (a_entry, "received", "王五", "13912345678")
    event = AuditEvent.objects.get(action="objection.submit")
    assert event.actor_label == "anonymous" and event.data["application"] == w.app_a.pk
    assert w.office_bj.notifications.filter(link=f"/office/objections/{o.pk}/").exists()
    assert not w.office_sz.notifications.filter(link=f"/office/objections/{o.pk}/").exists()
    # the objector's identity is for the offices only: not on the public page, not to the enterprise
    with clock.acting_on(D(2024, 10, 9)):
        public = client.get(f"/publicity/{pub.pk}/?objection=received").content.decode()
    assert "王五" not in public and "13912345678" not in public and 'id="objection-received"' in public
    client.force_login(w.user_a)
    for url in (f"/applications/{w.app_a.pk}/", "/certificates/", "/notifications/"):
        assert "王五" not in client.get(url).content.decode(), url


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"name": "x"}, "name", "真实姓名"),
    ({"name": ""}, "name", "真实姓名"),
    ({"phone": "12345"}, "phone", "联系电话"),
    ({"email": "not-an-address"}, "email", "电子邮箱"),
    ({"content": "不同意"}, "content", "不少于10字"),
    ({"pledge": ""}, "pledge", "真实身份"),
    ({"entry_number": "99"}, "entry_number", "没有序号 99"),
    ({"entry_number": ""}, "entry_number", "请选择"),
])
def test_an_objection_names_the_field_that_is_wrong(pw, open_pub, client, change, field, words):
    with clock.acting_on(D(2024, 10, 9)):
        r = client.post(f"/publicity/{open_pub.pk}/objection/", {**VALID, **change})
        en = client.post(f"/publicity/{open_pub.pk}/objection/?lang=en", {**VALID, **change})
    html = r.content.decode()
    assert r.status_code == 400 and f'data-for="{field}"' in html and words in html
    assert en.status_code == 400 and f'data-for="{field}"' in en.content.decode()
    assert not Objection.objects.exists() and not AuditEvent.objects.filter(action="objection.submit").exists()


def test_objections_are_received_only_during_the_period(pw, open_pub, client):
    with clock.acting_on(D(2024, 10, 15)):  # the last day: still received
        assert client.post(f"/publicity/{open_pub.pk}/objection/", VALID).status_code == 302
    with clock.acting_on(D(2024, 10, 16)):
        late = client.post(f"/publicity/{open_pub.pk}/objection/", VALID)
        page = client.get(f"/publicity/{open_pub.pk}/").content.decode()
    assert late.status_code == 400 and "不再受理异议" in late.content.decode()
    assert 'id="object-link"' not in page
    with clock.acting_on(D(2024, 10, 16)):
        form = client.get(f"/publicity/{open_pub.pk}/objection/").content.decode()
    assert 'id="objection-closed"' in form and 'id="objection-form"' not in form
    assert Objection.objects.count() == 1


@override_settings(HNTE_OBJECTION_RATE_PER_MINUTE=2)
def test_objections_are_rate_limited_per_address(pw, open_pub, client):
    with clock.acting_on(D(2024, 10, 9)):
        codes = [client.post(f"/publicity/{open_pub.pk}/objection/", VALID).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Objection.objects.count() == 2


DURING = D(2024, 10, 9)


def _objection(pub, app, on=DURING) -> Objection:
    entry = pub.entries.get(application=app)
    form = services.ObjectionForm(entry_number=str(entry.number), name="王五", phone="13912345678",
                                  content=VALID["content"], pledge=True)
    with clock.acting_on(on):
        return services.objection_submit(acting_user=None, publicity=pub, form=form)


def test_the_office_verifies_and_an_upheld_objection_rejects_the_application(pw, open_pub, client, django_capture_on_commit_callbacks):
    w = pw
    o = _objection(open_pub, w.app_a)
    client.force_login(w.office_sz)  # another region: the objection does not exist for it
    assert client.get(f"/office/objections/{o.pk}/").status_code == 404
    assert client.post(f"/office/objections/{o.pk}/", {"action": "verify", "reason": "x"}).status_code == 404
    client.force_login(w.office_bj)
    page = client.get("/office/objections/").content.decode()
    assert f"/office/objections/{o.pk}/" in page
    detail = client.get(f"/office/objections/{o.pk}/").content.decode()
    assert "王五" in detail and "13912345678" in detail and 'id="objection-verify"' in detail
    assert client.post(f"/office/objections/{o.pk}/", {"action": "uphold", "reason": "成立"}).status_code == 409  # verify first
    assert client.post(f"/office/objections/{o.pk}/", {"action": "verify", "reason": ""}).status_code == 400
    assert client.post(f"/office/objections/{o.pk}/", {"action": "verify", "reason": "已电话联系异议人，调取知识产权转让合同"}).status_code == 302
    o.refresh_from_db()
    assert o.state == "verifying"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/office/objections/{o.pk}/", {"action": "uphold", "reason": "核心专利已于2023年转让，企业不再拥有"})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.state == "upheld" and _state(w.app_a) == "rejected"
    rejection = AuditEvent.objects.get(action="application.reject", object_id=str(w.app_a.pk))
    assert "核心专利已于2023年转让" in rejection.reason and rejection.data == {"objection": o.pk}
    assert _events("objection.uphold", o.pk) == 1
    assert w.user_a.notifications.filter(message_zh__contains="核心专利已于2023年转让").exists()
    # the enterprise sees the rejection and its reason (never who objected)
    client.force_login(w.user_a)
    results = client.get("/certificates/").content.decode()
    assert "不予认定" in results and "核心专利已于2023年转让" in results and "王五" not in results
    assert audit_verify() == []


def test_a_dismissed_objection_changes_nothing_and_the_tick_then_lets_it_go_on(pw, open_pub, client):
    w = pw
    o = _objection(open_pub, w.app_b)
    system = services.system_user()
    result = services.publicity_tick(acting_user=system, today=D(2024, 10, 16))
    assert result.held == [w.app_b.pk] and set(result.moved) == {w.app_a.pk, w.app_c.pk}
    assert _state(w.app_b) == "in_publicity"
    client.force_login(w.office_bj)
    assert client.post(f"/publicity/entries/{open_pub.entries.get(application=w.app_b).pk}/end/").status_code == 409  # held
    services.objection_dismiss(acting_user=w.lgo, objection=o, reason="经核实，专利转让发生在申报之后，不影响认定")
    o.refresh_from_db()
    assert o.state == "dismissed" and _state(w.app_b) == "in_publicity"  # dismissing moves nothing by itself
    with pytest.raises(TransitionRefused):
        services.objection_uphold(acting_user=w.office_bj, objection=o, reason="x")
    result = services.publicity_tick(acting_user=system, today=D(2024, 10, 17))
    assert result.moved == [w.app_b.pk] and result.ended == [] and _state(w.app_b) == "publicized"
    assert _events("publicity.end", open_pub.pk) == 1


def test_the_office_ends_an_entry_by_hand_only_once_the_period_is_over(pw, open_pub, client):
    w = pw
    entry = open_pub.entries.get(application=w.app_a)
    client.force_login(w.office_bj)
    with clock.acting_on(D(2024, 10, 15)):
        r = client.post(f"/publicity/entries/{entry.pk}/end/")
    assert r.status_code == 409 and "2024年10月15日" in r.content.decode()
    with clock.acting_on(D(2024, 10, 16)):
        page = client.get(f"/publicity/{open_pub.pk}/").content.decode()
        assert f'id="end-{entry.pk}"' in page
        assert client.post(f"/publicity/entries/{entry.pk}/end/").status_code == 302
    assert _state(w.app_a) == "publicized"
    client.force_login(w.office_sz)
    with clock.acting_on(D(2024, 10, 16)):
        assert client.post(f"/publicity/entries/{entry.pk}/end/").status_code == 404


# --- the period ends by itself -------------------------------------------------------------------------------


def test_tick_ends_the_period_once_and_moves_the_unopposed(pw, open_pub):
    w = pw
    _objection(open_pub, w.app_c)
    out = io.StringIO()
    call_command("tick", "--today", "2024-10-15", stdout=out)  # the last day: not over yet
    assert "公示期结束 0 个名单" in out.getvalue()
    assert {_state(a) for a in (w.app_a, w.app_b, w.app_c)} == {"in_publicity"}
    before = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("tick", "--today", "2024-10-16", stdout=out)
    assert "公示期结束 1 个名单；转入公示期满 2 件；因异议暂缓 1 件" in out.getvalue()
    assert (_state(w.app_a), _state(w.app_b), _state(w.app_c)) == ("publicized", "publicized", "in_publicity")
    assert AuditEvent.objects.count() == before + 3  # two moves, one end of the list
    ends = AuditEvent.objects.filter(action="application.end_publicity")
    assert {e.actor_label for e in ends} == {"system"} and ends.count() == 2
    after = AuditEvent.objects.count()
    call_command("tick", "--today", "2024-10-16", stdout=io.StringIO())  # twice in a row: nothing twice
    call_command("tick", "--today", "2024-10-20", stdout=io.StringIO())
    assert AuditEvent.objects.count() == after
    open_pub.refresh_from_db()
    assert open_pub.ended_at is not None
    assert audit_verify() == []


def test_tick_refuses_a_bad_date_and_the_system_account_cannot_log_in(pw, client):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("tick", "--today", "16/10/2024", stdout=io.StringIO())
    system = services.system_user()
    assert system.is_lgo and not system.is_active and not system.has_usable_password()
    assert services.system_user().pk == system.pk
    assert not client.login(username="system", password="")


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_the_same_moment_end_the_period_once(django_db_blocker):
    """Two scheduled runs start together (two threads, two connections): each publicity is ended once and each
    application moved once; the loser of each race finds nothing left to do."""
    from .conftest import make_user

    lgo = make_user("lgo", "admin")
    office = make_user("office_bj", "office", region_prefix="11")
    apps = []
    for k in range(3):
        _, user = enterprise(office, f"并发{k}科技有限公司", f"91110108MA01TK{k:02d}X", "110108")
        apps.append(reported(office, user))
    pubs = [published(lgo, apps[:2], FRIDAY_BEFORE_NATIONAL_DAY, "名单一"), published(lgo, apps[2:], D(2024, 9, 30), "名单二")]
    system = services.system_user()

    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.publicity_tick(acting_user=system, today=D(2024, 10, 20)))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p for r in results for p in r.ended) == sorted(p.pk for p in pubs)
    assert sorted(a for r in results for a in r.moved) == sorted(a.pk for a in apps)
    assert {_state(a) for a in apps} == {"publicized"}
    for a in apps:
        assert _events("application.end_publicity", a.pk) == 1
    for p in pubs:
        assert _events("publicity.end", p.pk) == 1
    assert audit_verify() == []


def test_the_guard_names_why_a_publicity_cannot_end_yet(pw, open_pub):
    entry = PublicityEntry.objects.get(publicity=open_pub, application=pw.app_a)
    with clock.acting_on(D(2024, 10, 15)):
        zh, en = entry.end_problem()
    assert "2024年10月15日" in zh and "2024-10-15" in en
    _objection(open_pub, pw.app_a)
    with clock.acting_on(D(2024, 10, 16)):
        zh, en = entry.end_problem()
    assert "异议" in zh and "objection" in en
    from hnte_web.publicity.guards import end_problem

    with clock.acting_on(D(2024, 10, 16)):
        assert end_problem(Application.objects.get(pk=pw.app_b.pk)) is None
        assert end_problem(Application.objects.get(pk=pw.app_a.pk)) is not None


def test_every_notification_links_to_a_page_its_recipient_may_open(pw, client):
    """Publication, objection, the objection upheld, the period's end and the certificate: each message's link
    opens for the user it was sent to."""
    from hnte_web.audit.models import Notification
    from hnte_web.certificates.services import certificate_issue
    from hnte_web.review.services import application_file

    w = pw
    Notification.objects.all().delete()
    pub = published(w.lgo, [w.app_a, w.app_b], D(2024, 9, 30))  # published on a future day for the enterprises
    o = _objection(pub, w.app_b, on=D(2024, 10, 9))
    services.objection_verify(acting_user=w.office_bj, objection=o, note="核实")
    services.objection_uphold(acting_user=w.office_bj, objection=o, reason="异议成立")
    services.publicity_tick(acting_user=services.system_user(), today=D(2024, 10, 18))
    application_file(acting_user=w.lgo, application=Application.objects.get(pk=w.app_a.pk))
    with clock.acting_on(D(2024, 12, 10)):
        certificate_issue(acting_user=w.office_bj, application=Application.objects.get(pk=w.app_a.pk))
    notes = list(Notification.objects.exclude(link="").select_related("user"))
    assert {n.user.username for n in notes} >= {"ent_a", "ent_b", "office_bj", "lgo"}
    assert {n.link for n in notes} >= {"/certificates/", f"/office/objections/{o.pk}/", f"/applications/{w.app_b.pk}/"}
    for n in notes:
        client.force_login(n.user)
        with clock.acting_on(D(2024, 9, 29)):  # even before the list is public
            assert client.get(n.link).status_code == 200, (n.user.username, n.link)
