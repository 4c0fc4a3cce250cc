"""``hnte-admin demo``: the accounts and data a newcomer starts with, created through the services and idempotent.

The identified demo enterprise (``supervision/demo.py``) went through the whole standard track — its audit trail
holds every transition in order — and has a certificate and two annual reports, so the supervision pages, the
certificate list and the public verification show real data on a fresh machine.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from hnte_web.applications.models import Application
from hnte_web.audit.models import AuditEvent
from hnte_web.audit.services import audit_verify
from hnte_web.certificates.models import Certificate
from hnte_web.core.management.commands.demo import DEMO_PASSWORD
from hnte_web.supervision.models import AnnualReport

pytestmark = pytest.mark.django_db

TRACK = ["application.submit", "application.accept", "application.draw_panel", "application.evaluate", "application.recommend",
         "application.report", "application.publish", "application.end_publicity", "application.file",
         "application.issue_certificate"]


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Application, Certificate, AnnualReport, AuditEvent)}


def test_demo_identifies_one_enterprise_through_the_real_track_and_runs_twice_without_change():
    printed = _demo()
    assert "demo_certified" in printed and DEMO_PASSWORD in printed
    cert = Certificate.objects.get()
    app = cert.application
    assert (cert.number, str(cert.issued_on), str(cert.valid_until), app.state) == (
        "GR202411000001", "2024-11-15", "2027-11-14", "certified")
    trail = list(AuditEvent.objects.filter(object_type="applications.application", object_id=str(app.pk)).order_by("id")
                 .values_list("action", flat=True))
    assert [a for a in trail if a in TRACK] == TRACK
    reports = {r.year: (r.state, str(r.submitted_on)) for r in AnnualReport.objects.filter(certificate=cert)}
    assert reports == {2024: ("submitted", "2025-04-15"), 2025: ("late", "2026-06-10")}
    assert audit_verify() == []
    before = _counts()
    _demo()
    assert _counts() == before


def test_demo_data_shows_on_the_pages_each_role_opens_first():
    _demo()
    cert = Certificate.objects.get()
    office = Client()
    assert office.post("/accounts/login/", {"username": "office_bj", "password": DEMO_PASSWORD}).status_code == 302
    assert cert.number in office.get("/certificates/").content.decode()
    record = office.get(f"/office/supervision/certificates/{cert.pk}/").content.decode()
    assert "2025" in record and cert.enterprise_name in record
    enterprise = Client()
    assert enterprise.post("/accounts/login/", {"username": "demo_certified", "password": DEMO_PASSWORD}).status_code == 302
    assert cert.number in enterprise.get("/certificates/").content.decode()
    public = Client().get("/certificates/verify", {"number": cert.number}).content.decode()
    assert cert.enterprise_name in public and "2027-11-14" in public
