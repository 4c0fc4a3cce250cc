"""Formal review and the office's decisions: batches, accept / return / reject, the Beijing pilot's
eligibility and its move to the standard track, on-site checks, the filing deadline warning, and two office
users deciding the same application at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from hnte_web.applications.models import Application
from hnte_web.applications.services import _store, application_create, application_submit
from hnte_web.audit.models import AuditEvent
from hnte_web.core.workflow import TransitionRefused
from hnte_web.review import services

from .conftest import example_data, make_user


def _submitted(world, programme="national", data=None):
    app = world.app_a
    if programme != "national" or data is not None:
        d = data or example_data("beijing_pilot" if programme == "beijing-pilot" else "pass_2016")
        d["programme"] = programme
        _store(Application.objects.get(pk=app.pk), d)
        app.refresh_from_db()
    application_submit(acting_user=world.user_a, application=app, commitment_by="张三", agreed=True)
    app.refresh_from_db()
    return app


def _batch(world, office=None):
    return services.batch_create(acting_user=office or world.office_bj, name="第一批", year=2024, deadline=dt.date(2024, 7, 31))


def test_accepting_on_the_standard_track_needs_a_batch_of_the_region(world):
    app = _submitted(world)
    with pytest.raises(TransitionRefused) as e:
        services.application_accept(acting_user=world.office_bj, application=app)
    assert "批次" in e.value.zh
    other = _batch(world, world.office_sz)
    with pytest.raises(TransitionRefused):
        services.application_accept(acting_user=world.office_bj, application=app, batch=other)
    app.refresh_from_db()
    assert (app.state, app.batch_id) == ("submitted", None)
    batch = _batch(world)
    services.application_accept(acting_user=world.office_bj, application=app, batch=batch)
    app.refresh_from_db()
    assert (app.state, app.batch_id) == ("accepted", batch.pk)


def test_only_the_office_of_the_region_decides(world, django_capture_on_commit_callbacks):
    app = _submitted(world)
    for user in (world.office_sz, world.user_a, world.expert):
        with pytest.raises(TransitionRefused):
            services.application_reject(acting_user=user, application=app, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(acting_user=world.office_bj, application=app, reason="知识产权不属于企业")
    app.refresh_from_db()
    assert app.state == "rejected"
    assert world.user_a.notifications.filter(message_zh__contains="知识产权不属于企业").exists()


def test_a_rejection_needs_reasons(world):
    app = _submitted(world)
    with pytest.raises(TransitionRefused) as e:
        services.application_reject(acting_user=world.office_bj, application=app, reason="")
    assert e.value.code == "reason_required"


def test_an_eligible_pilot_application_is_accepted_without_a_batch(world):
    app = _submitted(world, "beijing-pilot")
    services.application_accept(acting_user=world.office_bj, application=app)
    app.refresh_from_db()
    assert app.state == "accepted" and app.pilot


def test_a_pilot_application_failing_the_pilot_conditions_moves_to_the_standard_track(world, django_capture_on_commit_callbacks):
    data = example_data("beijing_pilot")
    data["enterprise"].pop("pilot_field", None)
    data["enterprise"]["pilot_field"] = "artificial_intelligence"
    for y in data["years"]:  # overseas outsourcing pushes the domestic share under 50 % (I19)
        y["rd_expenses"]["outsourced_overseas"] = y["rd_expenses"]["personnel"] * 3
    app = _submitted(world, "beijing-pilot", data)
    with pytest.raises(TransitionRefused) as e:
        services.application_accept(acting_user=world.office_bj, application=app)
    assert "不符合北京试点条件" in e.value.zh
    with django_capture_on_commit_callbacks(execute=True):
        services.application_move_to_standard(acting_user=world.office_bj, application=app, reason="境内研发费用占比不足50%")
    app.refresh_from_db()
    assert (app.state, app.programme, app.pilot) == ("submitted", "national", False)
    assert world.user_a.notifications.filter(message_zh__contains="转入普通认定程序").exists()
    with pytest.raises(TransitionRefused):  # only pilot applications move
        services.application_move_to_standard(acting_user=world.office_bj, application=app, reason="again")


def test_onsite_check_records_are_audited(world):
    app = _submitted(world)
    services.onsite_check_record(acting_user=world.office_bj, application=app, checked_on=dt.date(2024, 7, 2),
                                 inspectors="王、赵", findings="研发场地与申报一致")
    assert app.onsite_checks.count() == 1
    assert AuditEvent.objects.filter(action="application.onsite_check", object_id=str(app.pk)).count() == 1
    with pytest.raises(TransitionRefused):
        services.onsite_check_record(acting_user=world.office_sz, application=app, checked_on=dt.date(2024, 7, 2),
                                     inspectors="x", findings="y")


@pytest.mark.parametrize("today, warned", [(dt.date(2024, 10, 30), False), (dt.date(2024, 10, 31), True),
                                           (dt.date(2024, 11, 30), True), (dt.date(2024, 12, 1), True)])
def test_the_end_of_november_reporting_deadline_is_warned_ahead(today, warned):
    w = services.filing_warning(today, pending=3)
    assert (w is not None) is warned
    if today > dt.date(2024, 11, 30):
        assert "已超过" in w[0]
    assert services.filing_warning(today, pending=0) is None


def test_the_office_queue_filters(client, world):
    app = _submitted(world)
    batch = _batch(world)
    services.application_accept(acting_user=world.office_bj, application=app, batch=batch)
    client.force_login(world.office_bj)
    assert world.ent_a.name in client.get("/office/?state=accepted").content.decode()
    assert world.ent_a.name not in client.get("/office/?state=submitted").content.decode()
    assert world.ent_a.name in client.get(f"/office/?state=&batch={batch.pk}&field=1.1&region=1101&programme=national").content.decode()
    assert world.ent_a.name not in client.get("/office/?state=&field=2").content.decode()
    client.force_login(world.office_sz)
    assert world.ent_a.name not in client.get("/office/?state=").content.decode()


def test_a_batch_name_is_unique_per_office_and_year_and_a_repeat_is_refused_by_name(client, world, monkeypatch):
    from hnte_web.review.models import Batch

    client.force_login(world.office_bj)
    body = {"name": "第一批", "year": 2025, "deadline": "2025-07-31"}
    assert client.post("/office/batches/", body).status_code == 302
    again = client.post("/office/batches/", body)
    assert again.status_code == 400 and "本机构 2025 年已有名为“第一批”的批次" in again.content.decode()
    assert client.post("/office/batches/", {**body, "year": 2026}).status_code == 302  # another year
    client.force_login(world.office_sz)
    assert client.post("/office/batches/", body).status_code == 302  # another office
    assert Batch.objects.filter(name="第一批").count() == 3
    # two staff at once: the other's batch lands between this one's check and its insert
    monkeypatch.setattr(type(Batch.objects.none()), "exists", lambda self: False)
    with pytest.raises(TransitionRefused) as e:
        services.batch_create(acting_user=world.office_bj, name="第一批", year=2025, deadline=dt.date(2025, 7, 31))
    assert e.value.code == "name" and Batch.objects.filter(name="第一批").count() == 3


def test_office_decisions_through_the_page(client, world):
    app = _submitted(world)
    batch = _batch(world)
    client.force_login(world.office_bj)
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'id="action-accept"' in page and 'id="action-reject"' in page
    r = client.post(f"/office/applications/{app.pk}/action/", {"action": "recommend"})
    assert r.status_code == 409 and "不能执行" in r.content.decode()
    r = client.post(f"/office/applications/{app.pk}/action/", {"action": "accept", "batch": batch.pk})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "accepted"


@pytest.mark.django_db(transaction=True)
def test_two_office_users_deciding_at_the_same_moment_one_wins(django_db_blocker):
    """Both offices of the region press a button at once: exactly one transition happens, the other is told
    why it cannot, and the audit log shows one event."""
    from hnte_web.enterprises.services import enterprise_register, registration_activate

    from .conftest import enterprise_fields

    office1 = make_user("office_bj1", "office", region_prefix="11")
    office2 = make_user("office_bj2", "office", region_prefix="11")
    ent = enterprise_register(username="ent_x", password="p-123456789", fields=enterprise_fields("戊科技有限公司", "91110108MA01XXXX1", "110108"))
    registration_activate(acting_user=office1, enterprise=ent)
    owner = ent.users.get()
    app = application_create(acting_user=owner)
    _store(Application.objects.get(pk=app.pk), example_data())
    app.refresh_from_db()
    application_submit(acting_user=owner, application=app, commitment_by="张三", agreed=True)
    batch = services.batch_create(acting_user=office1, name="并发批", year=2024, deadline=dt.date(2024, 7, 31))

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name, fn):
        try:
            barrier.wait()
            fn()
            outcomes[name] = "won"
        except TransitionRefused as e:
            outcomes[name] = "refused: " + e.zh
        finally:
            connection.close()

    a = Application.objects.get(pk=app.pk)
    b = Application.objects.get(pk=app.pk)
    t1 = threading.Thread(target=decide, args=("accept", lambda: services.application_accept(acting_user=office1, application=a, batch=batch)))
    t2 = threading.Thread(target=decide, args=("reject", lambda: services.application_reject(acting_user=office2, application=b, reason="材料不全")))
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    assert sorted(v.split(":")[0] for v in outcomes.values()) == ["refused", "won"], outcomes
    loser = next(v for v in outcomes.values() if v.startswith("refused"))
    assert "当前状态为" in loser
    app.refresh_from_db()
    assert app.state in ("accepted", "rejected")
    decisions = AuditEvent.objects.filter(object_type="applications.application", object_id=str(app.pk),
                                          action__in=["application.accept", "application.reject"])
    assert decisions.count() == 1 and decisions.get().to_state == app.state
