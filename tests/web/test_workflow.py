"""The declared state machines: guards, permissions, reasons, and the audit chain behind every change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection

from hnte_web.audit.models import AuditEvent
from hnte_web.audit.services import audit_verify
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.services import registration_activate, registration_return, registration_update

from .conftest import enterprise_fields

SRC = Path(__file__).resolve().parents[2] / "src" / "hnte_web"


def test_activation_is_audited_with_who_when_from_to(world):
    event = AuditEvent.objects.filter(action="registration.activate", object_id=str(world.ent_a.pk)).get()
    assert (event.actor_id, event.from_state, event.to_state) == (world.office_bj.pk, "registered", "active")
    assert event.at is not None and event.actor_label == "office_bj"


def test_office_of_another_region_cannot_activate(world):
    with pytest.raises(TransitionRefused) as e:
        registration_activate(acting_user=world.office_bj, enterprise=world.ent_c)  # C is in Suzhou
    assert "无权" in e.value.zh
    world.ent_c.refresh_from_db()
    assert world.ent_c.state == "registered"
    registration_activate(acting_user=world.office_sz, enterprise=world.ent_c)
    world.ent_c.refresh_from_db()
    assert world.ent_c.state == "active"


def test_leading_group_office_covers_every_region(world):
    registration_activate(acting_user=world.lgo, enterprise=world.ent_c)
    world.ent_c.refresh_from_db()
    assert world.ent_c.state == "active"


def test_return_needs_a_reason_and_resubmission_goes_back_to_review(world):
    with pytest.raises(TransitionRefused) as e:
        registration_return(acting_user=world.office_sz, enterprise=world.ent_c, reason="  ")
    assert e.value.code == "reason_required"
    registration_return(acting_user=world.office_sz, enterprise=world.ent_c, reason="地址与营业执照不一致")
    world.ent_c.refresh_from_db()
    assert (world.ent_c.state, world.ent_c.return_reason) == ("returned", "地址与营业执照不一致")
    fields = enterprise_fields("丙科技有限公司", "91320505MA01CCCC3", "320505") | {"address": "苏州市工业园区星湖街1号"}
    registration_update(acting_user=world.user_c, enterprise=world.ent_c, fields=fields)
    world.ent_c.refresh_from_db()
    assert (world.ent_c.state, world.ent_c.address) == ("registered", "苏州市工业园区星湖街1号")


def test_a_transition_from_the_wrong_state_is_refused_with_the_state_named(world):
    with pytest.raises(TransitionRefused) as e:
        registration_activate(acting_user=world.office_bj, enterprise=world.ent_a)  # already active
    assert "已激活" in e.value.zh and "Active" in e.value.en


def test_the_audit_chain_verifies_and_detects_a_tampered_row(world):
    assert AuditEvent.objects.count() >= 5
    assert audit_verify() == []
    victim = AuditEvent.objects.order_by("id")[2]
    with connection.cursor() as cur:  # bypassing the application, as an attacker with SQL would
        cur.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["篡改", victim.pk])
    assert audit_verify() == [victim.pk]


def test_the_audit_chain_detects_a_deleted_row(world):
    rows = list(AuditEvent.objects.order_by("id"))
    AuditEvent.objects.filter(pk=rows[1].pk)._raw_delete(AuditEvent.objects.db)
    assert audit_verify() == [rows[2].pk]


def test_audit_rows_cannot_be_changed_through_the_application(world):
    event = AuditEvent.objects.first()
    event.reason = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_state_field_is_written_only_by_the_state_machine():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "workflow.py" and path.parent.name == "core" or "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.state\s*=[^=]|update\(.*\bstate=|setattr\([^)]*['\"]state['\"]", line):
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert offenders == []


def test_the_workflow_page_draws_every_declared_transition(client, world):
    from hnte_web.core.workflow import all_machines

    machines = all_machines()
    assert {"registration", "application", "annual_report", "revocation"} <= {m.name for m in machines}
    html = client.get("/workflow/").content.decode()
    assert html.count("<svg") == len(machines)
    for machine in machines:
        for t in machine.transitions:
            assert t.label_zh in html


@pytest.mark.parametrize("command", ["tick", "supervise", "remind"])
def test_scheduled_commands_refuse_a_malformed_date_with_exit_code_2(command, db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as e:
        call_command(command, today="2024-13-01")
    assert e.value.returncode == 2 and "YYYY-MM-DD" in str(e.value)
