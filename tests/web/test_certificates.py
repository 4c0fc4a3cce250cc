"""Certificates (measures_2016#art9, Art. 7): the number GR + year + province code + serial is unique and has no
gaps, also when offices issue at the same moment; valid three years; a real PDF the enterprise downloads; anyone
verifies a certificate by its number and sees its name, number, issue date and validity — nothing else."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings
from pypdf import PdfReader

from hnte_web.applications.models import Application
from hnte_web.audit.models import AuditEvent
from hnte_web.audit.services import audit_verify
from hnte_web.certificates import services
from hnte_web.certificates.models import Certificate, CertificateSerial, certificate_number
from hnte_web.core.workflow import TransitionRefused
from hnte_web.publicity import clock

from .publicity_support import enterprise, filed, reported

D = dt.date
ISSUED = D(2024, 12, 10)


def _issue(user, app, on=ISSUED) -> Certificate:
    with clock.acting_on(on):
        return services.certificate_issue(acting_user=user, application=Application.objects.get(pk=app.pk))


@pytest.fixture
def cw(world):
    """World plus: A filed (Beijing), C filed (Suzhou), B reported only."""
    from hnte_web.enterprises.services import registration_activate

    w = world
    registration_activate(acting_user=w.office_sz, enterprise=w.ent_c)
    w.app_a = filed(w, reported(w.office_bj, w.user_a, w.app_a))
    w.app_c = filed(w, reported(w.office_sz, w.user_c))
    w.app_b = reported(w.office_bj, w.user_b, w.app_b)
    return w


def test_the_number_is_gr_year_province_serial_and_the_certificate_is_valid_three_years(cw):
    w = cw
    cert = _issue(w.office_bj, w.app_a)
    assert cert.number == "GR202411000001" == certificate_number(2024, "11", 1)
    assert (cert.year, cert.province, cert.serial) == (2024, "11", 1)
    assert (cert.issued_on, cert.valid_until) == (ISSUED, D(2027, 12, 9))
    assert (cert.enterprise_name, cert.credit_code) == ("甲科技有限公司", w.ent_a.credit_code)
    assert cert.issuer == "北京市高新技术企业认定管理机构"
    assert Application.objects.get(pk=w.app_a.pk).state == "certified"
    event = AuditEvent.objects.get(action="application.issue_certificate", object_id=str(w.app_a.pk))
    assert event.data == {"number": "GR202411000001", "issued_on": "2024-12-10", "valid_until": "2027-12-09"}
    assert event.actor_label == "office_bj" and (event.from_state, event.to_state) == ("filed", "certified")
    # another province starts its own serials; another year too
    assert _issue(w.lgo, w.app_c).number == "GR202432000001"
    assert audit_verify() == []


def test_serials_follow_each_other_per_year_and_province(world):
    w = world
    apps = []
    for k in range(3):
        _, user = enterprise(w.office_bj, f"序号{k}科技有限公司", f"91110108MA01QN{k:02d}X", "110108")
        apps.append(filed(w, reported(w.office_bj, user)))
    numbers = [_issue(w.office_bj, apps[0]).number, _issue(w.office_bj, apps[1]).number,
               _issue(w.office_bj, apps[2], on=D(2025, 1, 6)).number]
    assert numbers == ["GR202411000001", "GR202411000002", "GR202511000001"]


def test_only_a_filed_application_gets_one_certificate_from_its_own_office(cw):
    w = cw
    with pytest.raises(TransitionRefused) as e:
        _issue(w.office_bj, w.app_b)  # reported, not filed
    assert "不能执行" in e.value.zh
    for user in (w.office_sz, w.user_a, w.expert):
        with pytest.raises(TransitionRefused):
            _issue(user, w.app_a)
    _issue(w.office_bj, w.app_a)
    with pytest.raises(TransitionRefused):
        _issue(w.lgo, w.app_a)  # certified already
    assert Certificate.objects.count() == 1 and CertificateSerial.objects.get(province="11").last == 1


def test_a_rolled_back_issue_gives_its_serial_back(cw):
    w = cw
    with pytest.raises(RuntimeError), transaction.atomic():
        _issue(w.office_bj, w.app_a)
        raise RuntimeError("the printer caught fire")
    assert not Certificate.objects.exists()
    assert _issue(w.office_bj, w.app_a).number == "GR202411000001"


@pytest.mark.django_db(transaction=True)
def test_offices_issuing_at_the_same_moment_get_unique_numbers_without_gaps(django_db_blocker):
    """Four offices press "issue" together for four filed applications of one province (threads, each with its
    own connection): the serials are exactly 1…4, each once."""
    from .conftest import make_user

    lgo = make_user("lgo", "admin")
    office = make_user("office_bj", "office", region_prefix="11")
    staff = [make_user(f"office_bj{k}", "office", region_prefix="11") for k in range(4)]
    world = type("W", (), {"lgo": lgo})()
    apps = []
    for k in range(4):
        _, user = enterprise(office, f"并发证书{k}科技有限公司", f"91110108MA01CC{k:02d}X", "110108")
        apps.append(filed(world, reported(office, user)))

    barrier = threading.Barrier(len(apps))
    numbers, errors = [], []

    def issue(user, app):
        try:
            barrier.wait()
            numbers.append(_issue(user, app).number)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(u, a)) for u, a in zip(staff, apps, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"GR202411{n:06d}" for n in range(1, 5)]
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [1, 2, 3, 4]
    assert CertificateSerial.objects.get(year=2024, province="11").last == 4
    assert AuditEvent.objects.filter(action="application.issue_certificate").count() == 4
    assert audit_verify() == []


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_office_issues_from_its_page_and_the_enterprise_downloads_a_real_pdf(cw, client):
    w = cw
    client.force_login(w.office_sz)
    assert f'id="issue-{w.app_a.pk}"' not in client.get("/certificates/").content.decode()
    assert client.post(f"/certificates/issue/{w.app_a.pk}/").status_code == 404  # another region
    client.force_login(w.office_bj)
    page = client.get("/certificates/").content.decode()
    assert f'id="issue-{w.app_a.pk}"' in page
    with clock.acting_on(ISSUED):
        assert client.post(f"/certificates/issue/{w.app_a.pk}/").status_code == 302
        again = client.post(f"/certificates/issue/{w.app_a.pk}/")
    assert again.status_code == 409 and "当前状态为" in again.content.decode()
    cert = Certificate.objects.get()
    assert w.user_a.notifications.filter(message_zh__contains=cert.number).exists()
    client.force_login(w.user_a)
    results = client.get("/certificates/").content.decode()
    assert cert.number in results and "2027-12-09" in results and f'id="download-{cert.pk}"' in results
    resp = client.get(f"/certificates/{cert.pk}/certificate.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"] == f'attachment; filename="{cert.number}.pdf"'
    body = resp.content
    assert body.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    for expected in ("高新技术企业证书", "甲科技有限公司", "GR202411000001", "2024年12月10日", "2027年12月9日",
                     w.ent_a.credit_code, "北京市高新技术企业认定管理机构", "/certificates/verify?number=GR202411000001"):
        assert expected in text, expected
    cert.refresh_from_db()
    assert len(cert.pdf_sha256) == 64
    assert client.get(f"/certificates/{cert.pk}/certificate.pdf").content == body  # printed once, kept
    kept = services._pdf_path(cert)
    kept.write_bytes(b"%PDF-1.4 another certificate's file")  # e.g. left by another database: never served
    again = client.get(f"/certificates/{cert.pk}/certificate.pdf").content
    assert again.startswith(b"%PDF") and "甲科技有限公司" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(again)).pages)
    # nobody else's
    client.force_login(w.user_b)
    assert client.get(f"/certificates/{cert.pk}/certificate.pdf").status_code == 404
    client.force_login(w.office_sz)
    assert client.get(f"/certificates/{cert.pk}/certificate.pdf").status_code == 404
    client.force_login(w.expert)
    assert client.get(f"/certificates/{cert.pk}/certificate.pdf").status_code == 404
    client.logout()
    assert client.get(f"/certificates/{cert.pk}/certificate.pdf").status_code == 302


def test_the_enterprise_sees_its_rejections_and_their_reasons(cw, client):
    """Whether the office rejects it (formal review) or an objection is upheld during the publicity."""
    from hnte_web.publicity import services as pub_services
    from hnte_web.review.services import application_reject

    from .publicity_support import published, submitted

    w = cw
    client.force_login(w.user_b)
    assert "不予认定" not in client.get("/certificates/").content.decode()
    early = submitted(w.user_b)
    application_reject(acting_user=w.office_bj, application=early, reason="知识产权证书与申报名称不一致")
    pub = published(w.lgo, [w.app_b], D(2024, 9, 27))
    form = pub_services.ObjectionForm(entry_number="1", name="赵六", phone="010-88886666",
                                      content="该企业近一年高新技术产品收入占比不足百分之六十，请核实。", pledge=True)
    with clock.acting_on(D(2024, 10, 9)):
        objection = pub_services.objection_submit(acting_user=None, publicity=pub, form=form)
    pub_services.objection_verify(acting_user=w.office_bj, objection=objection, note="调取销售合同与发票")
    pub_services.objection_uphold(acting_user=w.office_bj, objection=objection, reason="高新技术产品收入占比为52%，不符合第十一条（六）")
    page = client.get("/certificates/").content.decode()
    assert f'id="rejection-{early.pk}"' in page and "知识产权证书与申报名称不一致" in page
    assert f'id="rejection-{w.app_b.pk}"' in page and "高新技术产品收入占比为52%" in page and "赵六" not in page
    en = client.get("/certificates/?lang=en").content.decode()
    assert "Not identified" in en and "Reason: " in en


# --- public verification -------------------------------------------------------------------------------------


def test_anyone_verifies_a_certificate_by_number_and_sees_only_name_number_date_validity(cw, client):
    w = cw
    cert = _issue(w.office_bj, w.app_a)
    with clock.acting_on(D(2026, 5, 1)):
        resp = client.get("/certificates/verify", {"number": " gr2024 11000001 "})
    html = resp.content.decode()
    assert resp.status_code == 200 and 'id="verify-result"' in html
    for shown in ("甲科技有限公司", "GR202411000001", "2024-12-10", "2027-12-09", "有效期内"):
        assert shown in html, shown
    ent = w.ent_a
    for hidden in (ent.credit_code, ent.address, ent.contact_phone, ent.contact_name, ent.legal_representative, ent.region_code,
                   cert.issuer, f"/applications/{w.app_a.pk}/"):
        assert hidden not in html, hidden
    with clock.acting_on(D(2027, 12, 10)):
        assert "已过有效期" in client.get("/certificates/verify", {"number": cert.number}).content.decode()
    with clock.acting_on(D(2027, 12, 9)):
        assert "有效期内" in client.get("/certificates/verify", {"number": cert.number}).content.decode()


@pytest.mark.parametrize(("number", "status", "words"), [
    ("GR202411000002", 404, "未找到编号为 GR202411000002"),
    ("GR2024110001", 400, "GR + 4位年份 + 2位省级代码 + 6位序号"),
    ("XX202411000001", 400, "格式"),
    ("", 200, ""),
])
def test_a_number_that_is_not_a_certificate_says_why(cw, client, number, status, words):
    _issue(cw.office_bj, cw.app_a)
    resp = client.get("/certificates/verify", {"number": number} if number else {})
    assert resp.status_code == status and words in resp.content.decode()
    assert 'id="verify-result"' not in resp.content.decode()
    if number:
        en = client.get("/certificates/verify", {"number": number, "lang": "en"})
        assert en.status_code == status and ("no HNTE certificate" in en.content.decode() or "4-digit year" in en.content.decode())


@override_settings(HNTE_VERIFY_RATE_PER_MINUTE=3)
def test_verification_is_rate_limited_per_address(cw, client):
    codes = [client.get("/certificates/verify", {"number": "GR202411000009"}).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_without_chromium_the_pdf_page_says_so_never_a_traceback(cw, client, monkeypatch):
    import hnte.report.pdf

    cert = _issue(cw.office_bj, cw.app_a)
    monkeypatch.setattr(hnte.report.pdf, "chromium_path", lambda: None)
    client.force_login(cw.user_a)
    resp = client.get(f"/certificates/{cert.pk}/certificate.pdf")
    assert resp.status_code == 503 and "Chromium" in resp.content.decode()
