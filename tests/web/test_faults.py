"""Faults: the production server killed (SIGKILL, master and workers) in the middle of submissions and office
decisions; the database going away while requests run; the scheduled command run twice at once, twice in a
row, and killed half-way. Nothing is lost and nothing is half-written: after a restart every application is
fully in its old state or fully in its new one — version, attachments linked, audit event, notification — the
audit chain verifies, and the interrupted operations then succeed without any manual step.

The server is gunicorn started by the test (``liveserver.Server``) against the pytest-django test database, so the
rows are committed (``transactional_db``). To kill it reliably *inside* a transaction, the test-only hook
``HNTE_FAULT_SLEEP_IN_TRANSITION`` (``hnte_web/core/faults.py``) holds ``StateMachine.perform`` just before its
transaction commits and logs a line; the test waits for that line, then kills. These tests run on SQLite and, in the
test command, again on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from hnte_web.applications.models import Application, Attachment
from hnte_web.applications.services import (
    _store,
    application_create,
    application_submit,
    attachment_path,
    attachment_upload,
)
from hnte_web.audit.models import AuditEvent, Notification
from hnte_web.audit.services import audit_verify
from hnte_web.review import services as review

from .conftest import EXAMPLES, example_data
from .liveserver import BIN, Server, database_url, session_for

pytestmark = pytest.mark.django_db(transaction=True)

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
FAULT_LINE = r"fault injection: {} sleeps"

# Each audited action and the notification it sends, with its recipient (a prefix of the Chinese message).
NOTICES = {
    "application.submit": ("office_bj", "新的认定申请"),
    "application.accept": ("user_a", "您的申请已通过形式审查"),
    "application.return": ("user_a", "您的申请被退回修改"),
    "application.reject": ("user_a", "您的申请不予认定"),
}


# --------------------------------------------------------------------------------------------- helpers


def draft_with_attachment(world, n: int) -> Application:
    app = application_create(acting_user=world.user_a)
    _store(Application.objects.get(pk=app.pk), example_data())
    app = Application.objects.get(pk=app.pk)
    attachment_upload(acting_user=world.user_a, application=app, kind="audit_report", deidentified=False,
                      upload=SimpleUploadedFile(f"审计报告{n}.pdf", PDF + f"% {n}\n%%EOF\n".encode(), content_type="application/pdf"))
    return app


def submitted_in_process(world, n: int) -> Application:
    app = draft_with_attachment(world, n)
    application_submit(acting_user=world.user_a, application=app, commitment_by="张三", agreed=True)
    return Application.objects.get(pk=app.pk)


def in_threads(calls: list) -> tuple[list[threading.Thread], list]:
    """Start each call in a thread; the list of results fills in as they return (a killed server: the exception)."""
    results: list = []

    def run(fn):
        try:
            results.append(fn())
        except Exception as e:  # noqa: BLE001 - the connection dies with the server
            results.append(e)

    threads = [threading.Thread(target=run, args=(fn,), daemon=True) for fn in calls]
    for t in threads:
        t.start()
    return threads, results


def assert_consistent(world, pk: int) -> Application:
    """The application, its versions, attachments, audit events and notifications tell one story."""
    app = Application.objects.get(pk=pk)
    events = list(AuditEvent.objects.filter(object_type="applications.application", object_id=str(pk)).order_by("id"))
    moves = [e for e in events if e.to_state]
    assert moves and moves[0].action == "application.create" and moves[0].to_state == "draft", moves
    for before, after in zip(moves, moves[1:], strict=False):
        assert after.from_state == before.to_state, (pk, [(e.action, e.from_state, e.to_state) for e in moves])
    assert moves[-1].to_state == app.state, (pk, app.state, [(e.action, e.to_state) for e in moves])
    versions = list(app.versions.order_by("number"))
    assert [v.number for v in versions] == list(range(1, app.current_version + 1))
    assert sum(e.action == "application.submit" for e in events) == app.current_version
    live = set(app.attachments.filter(removed=False).values_list("pk", flat=True))
    for v in versions:
        assert set(v.attachments.values_list("pk", flat=True)) == live, (pk, v.number)
    for action, (who, prefix) in NOTICES.items():
        sent = Notification.objects.filter(user=getattr(world, who), link=f"/applications/{pk}/", message_zh__startswith=prefix)
        assert sent.count() == sum(e.action == action for e in events), (pk, action)
    assert (app.batch_id is not None) == (app.state == "accepted"), (pk, app.state, app.batch_id)
    return app


def assert_files_intact() -> None:
    for att in Attachment.objects.all():
        path = attachment_path(att)
        assert path.exists(), att.storage_name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == att.sha256


def decide(server, cookies, app, action: str, **extra):
    return lambda: server.request("POST", f"/office/applications/{app.pk}/action/", cookies=cookies,
                                  data={"action": action, "reason": extra.pop("reason", "材料不齐"), **extra})


def submit(server, cookies, app):
    return lambda: server.request("POST", f"/applications/{app.pk}/submit/", cookies=cookies,
                                  data={"commitment_by": "张三", "agree": "on"})


# --------------------------------------------------------------------------------------------- SIGKILL


def test_a_killed_server_leaves_every_application_fully_old_or_fully_new(world, tmp_path):
    drafts = [draft_with_attachment(world, n) for n in range(5)]
    office = [submitted_in_process(world, 10 + n) for n in range(5)]
    batch = review.batch_create(acting_user=world.office_bj, name="第一批", year=2025, deadline=dt.date(2025, 7, 31))
    ent, off = session_for(world.user_a), session_for(world.office_bj)

    # 1. Decisions complete; then submissions are caught before their commit, and the server is killed.
    server = Server(tmp_path, env={"HNTE_FAULT_SLEEP_IN_TRANSITION": "60", "HNTE_FAULT_TRANSITIONS": "application.submit"}).start()
    assert decide(server, off, office[0], "accept", batch=str(batch.pk))().status == 302
    assert decide(server, off, office[1], "return", reason="请补充专项审计报告")().status == 302
    threads, results = in_threads([submit(server, ent, a) for a in drafts[:3]])
    server.wait_for_log(FAULT_LINE.format("application.submit"))
    time.sleep(0.5)  # the other two are inside their requests too: waiting for the lock the first one holds
    server.kill()
    for t in threads:
        t.join(30)
    assert len(results) == 3 and not any(getattr(r, "status", None) == 302 for r in results), results

    # 2. Restarted: submissions complete; then decisions are caught before their commit, and killed again.
    server = Server(tmp_path, env={"HNTE_FAULT_SLEEP_IN_TRANSITION": "60",
                                   "HNTE_FAULT_TRANSITIONS": "application.accept,application.return,application.reject"}).start()
    for a in drafts[3:]:
        r = submit(server, ent, a)()
        assert r.status == 302 and r.header("Location") == f"/applications/{a.pk}/", r
    threads, results = in_threads([decide(server, off, office[2], "reject", reason="研发费用归集不实"),
                                   decide(server, off, office[3], "accept", batch=str(batch.pk)),
                                   decide(server, off, office[4], "return", reason="请补充材料")])
    server.wait_for_log(FAULT_LINE.format(r"application\.(accept|return|reject)"))
    time.sleep(0.5)
    server.kill()
    for t in threads:
        t.join(30)
    assert not any(getattr(r, "status", None) == 302 for r in results), results

    # 3. Restarted without faults: each application is in exactly the state its committed work says.
    expected = {drafts[0].pk: "draft", drafts[1].pk: "draft", drafts[2].pk: "draft", drafts[3].pk: "submitted",
                drafts[4].pk: "submitted", office[0].pk: "accepted", office[1].pk: "returned", office[2].pk: "submitted",
                office[3].pk: "submitted", office[4].pk: "submitted"}
    for pk, state in expected.items():
        assert assert_consistent(world, pk).state == state
    assert Application.objects.get(pk=office[1].pk).return_reason == "请补充专项审计报告"
    assert audit_verify() == []
    assert_files_intact()

    # ... and what was interrupted now simply succeeds: no stale lock, no half-written row in the way.
    with Server(tmp_path) as server:
        for a in drafts[:3]:
            assert submit(server, ent, a)().status == 302
        assert decide(server, off, office[2], "reject", reason="研发费用归集不实")().status == 302
        assert decide(server, off, office[3], "accept", batch=str(batch.pk))().status == 302
        assert decide(server, off, office[4], "return", reason="请补充材料")().status == 302
        assert server.request("GET", f"/applications/{drafts[0].pk}/", cookies=ent).status == 200
    final = {**expected, drafts[0].pk: "submitted", drafts[1].pk: "submitted", drafts[2].pk: "submitted",
             office[2].pk: "rejected", office[3].pk: "accepted", office[4].pk: "returned"}
    for pk, state in final.items():
        app = assert_consistent(world, pk)
        assert app.state == state
    assert all(Application.objects.get(pk=a.pk).current_version == 1 for a in drafts)  # one version each: nothing twice
    assert audit_verify() == []
    assert_files_intact()


def test_the_fault_hook_does_nothing_when_unset(world, monkeypatch):
    """Unset, the hook never sleeps; set, it sleeps once, only in the transitions it names (the sleep recorded, not
    slept)."""
    from types import SimpleNamespace

    from hnte_web.core import faults

    slept: list[float] = []
    monkeypatch.setattr(faults, "time", SimpleNamespace(sleep=slept.append))

    def submit_one(n):
        app = draft_with_attachment(world, n)
        application_submit(acting_user=world.user_a, application=app, commitment_by="张三", agreed=True)
        assert Application.objects.get(pk=app.pk).state == "submitted"

    monkeypatch.delenv("HNTE_FAULT_SLEEP_IN_TRANSITION", raising=False)
    monkeypatch.delenv("HNTE_FAULT_TRANSITIONS", raising=False)
    submit_one(1)
    assert slept == []
    monkeypatch.setenv("HNTE_FAULT_SLEEP_IN_TRANSITION", "5")
    monkeypatch.setenv("HNTE_FAULT_TRANSITIONS", "application.accept")  # another transition: not this one
    submit_one(2)
    assert slept == []
    monkeypatch.delenv("HNTE_FAULT_TRANSITIONS")
    submit_one(3)
    assert slept == [5.0]


# --------------------------------------------------------------------------------------------- database outage


@contextmanager
def database_outage():
    """The database goes away and comes back. PostgreSQL: it refuses new connections and every server connection is
    terminated (``pg_terminate_backend``), as in a restart. SQLite: another process holds the write lock (a writer
    waits ``HNTE_SQLITE_TIMEOUT`` seconds, then fails)."""
    if connection.vendor == "postgresql":
        import psycopg

        name = connection.settings_dict["NAME"]
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            mine = cur.fetchone()[0]
        admin = psycopg.connect(database_url().rsplit("/", 1)[0] + "/postgres", autocommit=True)
        try:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s", [name, mine])
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            admin.close()
    else:
        locker = sqlite3.connect(connection.settings_dict["NAME"], timeout=30, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            yield
        finally:
            locker.execute("ROLLBACK")
            locker.close()


def test_a_database_outage_gives_clear_503s_then_recovers_by_itself(world, tmp_path):
    app = submitted_in_process(world, 1)
    batch = review.batch_create(acting_user=world.office_bj, name="第一批", year=2025, deadline=dt.date(2025, 7, 31))
    off = session_for(world.office_bj)
    assess_body = json.dumps(yaml.safe_load((EXAMPLES / "pass_2016.yaml").read_text(encoding="utf-8")), default=str).encode()
    pg = connection.vendor == "postgresql"
    env = {"HNTE_SQLITE_TIMEOUT": "0.5"}
    if pg:  # hold the decision inside its transaction, so that the outage cuts it
        env |= {"HNTE_FAULT_SLEEP_IN_TRANSITION": "3", "HNTE_FAULT_TRANSITIONS": "application.accept"}
    with Server(tmp_path, env=env) as server:
        assert server.request("GET", "/office/", cookies=off).status == 200
        threads, decision = ([], [])
        if pg:
            threads, decision = in_threads([decide(server, off, app, "accept", batch=str(batch.pk))])
            server.wait_for_log(FAULT_LINE.format("application.accept"))
        during = []
        with database_outage():
            if not pg:
                during.append(("decision", decide(server, off, app, "accept", batch=str(batch.pk))()))
            for t in threads:
                t.join(30)
            during += [("decision", r) for r in decision]
            for _ in range(3):
                during.append(("api", server.request("POST", "/api/v1/assess", body=assess_body,
                                                     headers={"Content-Type": "application/json"})))
                during.append(("page", server.request("GET", "/office/", cookies=off)))
                during.append(("page", server.request("GET", "/office/?lang=en", cookies=off)))
        statuses = [(kind, r.status) for kind, r in during]
        assert all(r.status in (200, 503) for _, r in during), statuses  # never a 500
        unavailable = [(kind, r) for kind, r in during if r.status == 503]
        assert {"decision", "api"} <= {kind for kind, _ in unavailable}, statuses
        for kind, r in unavailable:
            assert r.header("Retry-After") and "Traceback" not in r.text and "OperationalError" not in r.text
            if kind == "api":
                assert r.json()["error"] == "database_unavailable" and "数据库暂时不可用" in r.json()["message"]
            else:
                assert "数据库暂时不可用" in r.text and "temporarily unavailable" in r.text
        assert Application.objects.get(pk=app.pk).state == "submitted"  # the cut decision left nothing behind

        # back: the very next requests succeed, with no restart and no manual step
        after = [server.request("GET", "/office/", cookies=off) for _ in range(4)]
        after += [server.request("POST", "/api/v1/assess", body=assess_body, headers={"Content-Type": "application/json"})
                  for _ in range(4)]
        after += [server.request("GET", "/healthz") for _ in range(4)]
        assert [r.status for r in after] == [200] * 12, [(r.status, r.text[:200]) for r in after]
    with Server(tmp_path) as server:  # (without the held decision) the decision itself now goes through
        assert decide(server, off, app, "accept", batch=str(batch.pk))().status == 302
    assert assert_consistent(world, app.pk).state == "accepted"
    assert audit_verify() == []


def test_the_503_is_structured_for_the_api_and_a_page_otherwise(monkeypatch):
    """In-process: a database error in a view, or in a middleware after it, is the same 503 — JSON under /api/ or when
    JSON is asked for, a page otherwise, English on request — with no traceback."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper
    from django.test import Client

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    client = Client(raise_request_exception=False)
    with monkeypatch.context() as m:
        m.setattr(CursorWrapper, "execute", broken)
        page = client.get("/healthz")
        api = client.post("/api/v1/assess", b"{}", content_type="application/json")
        en = client.post("/api/v1/assess?lang=en", b"{}", content_type="application/json")
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html") and page["Retry-After"]
    assert "数据库暂时不可用" in page.content.decode() and "Traceback" not in page.content.decode()
    assert api.status_code == 503 and api.json() == {"error": "database_unavailable", "message": api.json()["message"], "issues": []}
    assert "数据库暂时不可用" in api.json()["message"] and "temporarily unavailable" in en.json()["message"]
    with monkeypatch.context() as m:  # raised outside the view: Django's 500 handling, turned into the same 503
        m.setattr(SessionMiddleware, "process_response", broken)
        late = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert late.status_code == 503 and late.json()["error"] == "database_unavailable"
    other = Client(raise_request_exception=False)
    with monkeypatch.context() as m:  # any other error stays a plain 500, never a traceback (DEBUG is off)
        m.setattr(SessionMiddleware, "process_response", lambda *a: 1 / 0)
        r = other.get("/healthz")
    assert r.status_code == 500 and "ZeroDivisionError" not in r.content.decode()
    assert client.get("/healthz").status_code == 200  # and the next request is served normally


# --------------------------------------------------------------------------------------------- the scheduled command


def tick(today: str, env: dict | None = None, log=None, command: str = "tick") -> subprocess.Popen:
    """``hnte-admin tick`` (or another scheduled ``command``) as cron would start it: its own process, against the
    test database."""
    return subprocess.Popen([str(BIN / "hnte-admin"), command, "--today", today],
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "hnte_web.config.test_settings",
                                 "DATABASE_URL": database_url(), "HNTE_DATA_DIR": str(settings.DATA_DIR),
                                 "HNTE_SECRET_KEY": settings.SECRET_KEY, **(env or {})},
                            stdout=log or subprocess.PIPE, stderr=subprocess.STDOUT if log is None else log, start_new_session=True)


@pytest.fixture
def in_publicity(world):
    """A and B reported (through the experts' services) and published on 27 September 2024: their period is over by
    20 October."""
    from .publicity_support import published, reported

    a = reported(world.office_bj, world.user_a, world.app_a)
    b = reported(world.office_bj, world.user_b, world.app_b)
    pub = published(world.lgo, [a, b], dt.date(2024, 9, 27))
    return pub, [a, b]


def _once(action: str, pk) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(pk)).count()


def test_the_tick_run_twice_at_once_then_again_does_nothing_twice(in_publicity):
    pub, apps = in_publicity
    slow = {"HNTE_FAULT_SLEEP_IN_TRANSITION": "1", "HNTE_FAULT_TRANSITIONS": "application.end_publicity"}
    runs = [tick("2024-10-20", slow), tick("2024-10-20", slow)]  # two separate processes at the same moment
    outputs = [p.communicate(timeout=120)[0].decode() for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    for p in (tick("2024-10-20"), tick("2024-10-21")):  # and twice in a row
        out = p.communicate(timeout=120)[0].decode()
        assert p.returncode == 0 and "转入公示期满 0 件" in out, out
    for a in apps:
        assert Application.objects.get(pk=a.pk).state == "publicized"
        assert _once("application.end_publicity", a.pk) == 1
    assert _once("publicity.end", pub.pk) == 1
    moved = sum(int(o.split("转入公示期满 ")[1].split(" 件")[0]) for o in outputs)
    assert moved == len(apps), outputs
    assert audit_verify() == []


def test_a_tick_killed_half_way_is_finished_by_the_next_run(in_publicity, tmp_path):
    pub, apps = in_publicity
    log_path = tmp_path / "tick.log"
    with log_path.open("wb") as log:
        p = tick("2024-10-20", {"HNTE_FAULT_SLEEP_IN_TRANSITION": "60", "HNTE_FAULT_TRANSITIONS": "application.end_publicity",
                                "HNTE_LOG_LEVEL": "WARNING"}, log=log)
        deadline = time.monotonic() + 60
        while "fault injection: application.end_publicity" not in log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline and p.poll() is None, log_path.read_text(errors="replace")
            time.sleep(0.1)
        os.killpg(p.pid, 9)
        p.wait(10)
    for a in apps:  # nothing half-done: still in publicity, no event, the period not ended
        assert Application.objects.get(pk=a.pk).state == "in_publicity" and _once("application.end_publicity", a.pk) == 0
    assert _once("publicity.end", pub.pk) == 0
    out = tick("2024-10-20").communicate(timeout=120)[0].decode()
    assert f"转入公示期满 {len(apps)} 件" in out, out
    for a in apps:
        assert Application.objects.get(pk=a.pk).state == "publicized" and _once("application.end_publicity", a.pk) == 1
    assert _once("publicity.end", pub.pk) == 1
    assert audit_verify() == []


@pytest.fixture
def identified_pair(world):
    """Two Beijing enterprises identified on 15 November 2023 (valid to 2026-11-14), no report opened yet."""
    from .supervision_support import identified

    certs = [identified(world.office_bj, f"sv{i}", f"北京监管{i}科技有限公司", f"91110108MA01KW0{i}0", "110108", dt.date(2023, 11, 15),
                        shift=-1)[3] for i in (1, 2)]
    return certs


def _supervise_at_once(day: str, env: dict | None = None) -> list[str]:
    runs = [tick(day, env, command="supervise"), tick(day, env, command="supervise")]  # two processes at the same moment
    outputs = [p.communicate(timeout=180)[0].decode() for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    return outputs


def test_supervise_run_twice_at_once_then_again_does_nothing_twice(identified_pair):
    """The daily supervision run (part 3) as cron might start it twice: the 2023 reports are opened once, the last
    reminder before the deadline is sent once; on 3 June 2024 (the 31 May deadline passed) each is recorded as missed once, with the
    two processes inside the same transition at the same time; a third and fourth run change nothing."""
    from hnte_web.supervision.models import AnnualReport, Reminder

    certs = identified_pair
    opened = _supervise_at_once("2024-01-02")
    assert AnnualReport.objects.filter(year=2023).count() == 2, opened
    assert sum(int(o.split("开放年报 ")[1].split(" 份")[0]) for o in opened) == 2, opened
    reminded = _supervise_at_once("2024-05-30")  # a reminder stage before the 31 May deadline: one notice each
    assert sum(int(o.split("发送提醒 ")[1].split(" 条")[0]) for o in reminded) == 2, reminded
    slow = {"HNTE_FAULT_SLEEP_IN_TRANSITION": "1", "HNTE_FAULT_TRANSITIONS": "annual_report.miss"}
    missed = _supervise_at_once("2024-06-03", slow)
    assert sum(int(o.split("记为逾期未填报 ")[1].split(" 份")[0]) for o in missed) == 2, missed
    for day in ("2024-06-03", "2024-06-04"):  # and twice in a row
        p = tick(day, command="supervise")
        out = p.communicate(timeout=180)[0].decode()
        assert p.returncode == 0 and "开放年报 0 份" in out and "记为逾期未填报 0 份" in out, out
    for cert in certs:
        report = AnnualReport.objects.get(certificate=cert, year=2023)
        assert report.state == "missed"
        assert AuditEvent.objects.filter(action="annual_report.miss", object_id=str(report.pk)).count() == 1
        keys = list(Reminder.objects.filter(certificate=cert).values_list("key", flat=True))
        assert len(keys) == len(set(keys)) and keys, keys
        owner = cert.application.enterprise.users.get()
        messages = list(Notification.objects.filter(user=owner).values_list("message_zh", flat=True))
        assert len(messages) == len(set(messages)), messages  # no notice twice
    assert audit_verify() == []


def test_remind_run_twice_at_once_sends_each_reminder_once_and_both_runs_succeed(world, tmp_path):
    """``hnte-admin remind`` while another run of it is inside its transaction (held there): the second waits for
    the first and then finds every reminder sent — no unique-key collision, no notice twice."""
    from hnte_web.experts.models import ReviewReminder
    from hnte_web.experts.services import panel_draw

    from .test_experts import add_pool, submit_and_accept

    submit_and_accept(world, world.app_a, world.user_a)
    add_pool(world.office_bj)
    panel = panel_draw(acting_user=world.office_bj, application=Application.objects.get(pk=world.app_a.pk), seed=5,
                       due_date=dt.date(2024, 8, 20))
    members = list(panel.active_members())
    log_path = tmp_path / "remind.log"
    with log_path.open("wb") as log:
        first = tick("2024-08-18", {"HNTE_FAULT_SLEEP_IN_TRANSITION": "3", "HNTE_FAULT_TRANSITIONS": "experts.remind"}, log=log,
                     command="remind")
        deadline = time.monotonic() + 60
        while "fault injection: experts.remind" not in log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline and first.poll() is None, log_path.read_text(errors="replace")
            time.sleep(0.05)
        second = tick("2024-08-18", command="remind")  # starts while the first holds its transaction open
        out = second.communicate(timeout=120)[0].decode()
        assert first.wait(120) == 0, log_path.read_text(errors="replace")
    assert second.returncode == 0 and "专家评价表提醒 0 条" in out, out
    assert "专家评价表提醒 5 条" in log_path.read_text(errors="replace")
    assert ReviewReminder.objects.filter(member__in=members, kind="due_soon").count() == len(members) == 5
    for m in members:
        assert Notification.objects.filter(user=m.expert.user, message_zh__contains="的评价表请于").count() == 1
    assert AuditEvent.objects.filter(action="experts.remind").count() == 1
    assert audit_verify() == []
