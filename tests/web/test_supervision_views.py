"""Supervision pages: the enterprise's status page and forms (errors on their field, zh and en, nothing written), the
office's pages, the dashboard with its charts, the CSV and XLSX exports read back, and the public lists
(measures_2016#art13, #art17, #art19; guidelines_2016#sec5-5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from hnte_web.applications.filedata import dumps
from hnte_web.audit.models import AuditEvent
from hnte_web.publicity import clock
from hnte_web.supervision import services
from hnte_web.supervision.models import AnnualReport, ChangeReport, Check, Reexamination

from .conftest import example_data
from .supervision_support import dashboard_world, identified, staff

ISSUED = dt.date(2023, 11, 15)


@pytest.fixture
def one(db):
    s = staff()
    s.ent, s.user, s.app, s.cert = identified(s.office_bj, "e1", "北京甲一科技有限公司", "91110108MA01EEEE1", "110108", ISSUED, shift=-1)
    s.report = services.annual_report_open(acting_user=s.lgo, certificate=s.cert, year=2024, today=dt.date(2025, 1, 2))
    return s


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(resp) -> str:
    return resp.content.decode("utf-8")


def field_error(html: str, field: str) -> str:
    m = re.search(rf'<span class="field-error" data-for="{field}">([^<]*)</span>', html)
    return m.group(1) if m else ""


# --- the enterprise's pages ---------------------------------------------------------------------------------------------


def test_the_status_page_shows_reports_the_expiry_year_warning_and_the_class_ii_ip(one):
    client = login(one.user)
    with clock.acting_on(dt.date(2026, 3, 2)):  # 2026: the expiry year of a certificate issued in 2023
        zh = text(client.get("/enterprise/supervision/"))
        en = text(client.get("/enterprise/supervision/?lang=en"))
    assert f'id="cert-{one.cert.pk}" data-status="valid"' in zh and one.cert.number in zh
    assert 'data-year="2024" data-state="open"' in zh
    assert "资格期满当年：" in zh and "2026" in zh and "15%" in zh
    assert "2021SR0100001" in zh and "2022SR0200002" in zh and "ZL202110123456.7" not in zh.split("class-ii")[1].split("</ul>")[0]
    assert "Expiry year: " in en and "Annual development reports" in en
    with clock.acting_on(dt.date(2025, 3, 2)):
        assert "资格期满当年" not in text(client.get("/enterprise/supervision/"))


def test_the_annual_report_form_takes_wan_yuan_and_names_a_bad_field(one):
    client = login(one.user)
    url = f"/enterprise/supervision/reports/{one.report.pk}/"
    post = {"ip_class_i": "1", "ip_class_ii": "0", "staff_total": "60", "science_tech_staff": "5", "rd_total": "12万",
            "rd_domestic": "280", "total_income": "4700", "non_taxable_income": "", "sales_revenue": "4500",
            "high_tech_income": "3600"}
    events = AuditEvent.objects.count()
    with clock.acting_on(dt.date(2025, 4, 1)):
        resp = client.post(url, post)
        assert resp.status_code == 400 and "万元" in field_error(text(resp), "rd_total")
        resp_en = client.post(url + "?lang=en", post)
        assert "10k yuan" in field_error(text(resp_en), "rd_total")
        resp = client.post(url + "?lang=zh", post | {"rd_domestic": "400", "rd_total": "300"})
        assert resp.status_code == 400 and "不能大于" in field_error(text(resp), "rd_domestic")
    assert AuditEvent.objects.count() == events and AnnualReport.objects.get(pk=one.report.pk).state == "open"
    with clock.acting_on(dt.date(2025, 4, 1)):
        resp = client.post(url, post | {"rd_total": "300"})
        assert resp.status_code == 302
        page = text(client.get(url))
    r = AnnualReport.objects.get(pk=one.report.pk)
    assert r.state == "submitted" and r.figures["rd_total"] == "3000000" and r.figures["total_income"] == "47000000"
    assert 'data-code="science_tech_staff_ratio" data-status="warning"' in page  # 5 of 60 staff: below 10 %
    assert 'id="report-form"' not in page  # filed: nothing more to fill


def test_after_the_deadline_the_form_says_the_filing_counts_as_late(one):
    with clock.acting_on(dt.date(2025, 6, 1)):
        page = text(login(one.user).get(f"/enterprise/supervision/reports/{one.report.pk}/"))
    assert "逾期补报" in page


def test_the_change_form_names_missing_fields_and_accepts_an_uploaded_application_file(one):
    client = login(one.user)
    url = f"/enterprise/supervision/certificates/{one.cert.pk}/change/"
    with clock.acting_on(dt.date(2025, 2, 1)):
        resp = client.post(url, {"kind": "major", "event_on": "2025-01-10", "description": "合并"})
        html = text(resp)
        assert resp.status_code == 400 and field_error(html, "major_kinds") and field_error(html, "data")
        upload = SimpleUploadedFile("after.json", dumps(example_data()).encode("utf-8"), content_type="application/json")
        resp = client.post(url, {"kind": "major", "event_on": "2025-01-10", "description": "合并", "major_kinds": ["merger"],
                                 "data_file": upload})
    assert resp.status_code == 302
    c = ChangeReport.objects.get()
    assert c.kind == "major" and c.data_json and c.deadline == dt.date(2025, 4, 10)


def test_a_bad_application_file_is_reported_with_its_path(one):
    client = login(one.user)
    data = example_data()
    data["years"][0]["sales_revenue"] = "很多"
    with clock.acting_on(dt.date(2025, 2, 1)):
        resp = client.post(f"/enterprise/supervision/certificates/{one.cert.pk}/change/",
                           {"kind": "major", "event_on": "2025-01-10", "description": "合并", "major_kinds": ["merger"],
                            "data": dumps(data)})
    assert resp.status_code == 400 and "years[0].sales_revenue" in field_error(text(resp), "data")


def test_reidentification_starts_a_prefilled_draft(one):
    with clock.acting_on(dt.date(2026, 3, 2)):
        resp = login(one.user).post(f"/enterprise/supervision/certificates/{one.cert.pk}/reidentify/")
    assert resp.status_code == 302 and re.match(r"^/applications/\d+/edit/basic/$", resp.headers["Location"])


# --- the office's pages --------------------------------------------------------------------------------------------------


def test_the_office_publishes_a_name_change_from_its_page_and_the_public_sees_it(one):
    c = services.change_report_submit(acting_user=one.user, certificate=one.cert, kind="name", event_on=dt.date(2025, 1, 6),
                                      new_name="北京甲一新名称有限公司", major_kinds=[], description="更名", today=dt.date(2025, 1, 8))
    office = login(one.office_bj)
    with clock.acting_on(dt.date(2025, 1, 9)):
        page = text(office.get(f"/office/supervision/changes/{c.pk}/"))
        assert 'id="action-publish"' in page and 'id="action-reissue"' not in page
        assert office.post(f"/office/supervision/changes/{c.pk}/", {"action": "publish"}).status_code == 302
        assert office.post(f"/office/supervision/changes/{c.pk}/", {"action": "nonsense"}).status_code == 400
        assert office.post(f"/office/supervision/changes/{c.pk}/", {"action": "publish"}).status_code == 409  # already
        public = text(Client().get("/supervision/name-changes/"))
    c.refresh_from_db()
    assert c.state == "in_publicity" and "北京甲一新名称有限公司" in public and "公示中" in public
    assert login(one.office_sz).get(f"/office/supervision/changes/{c.pk}/").status_code == 404


def test_forms_of_the_office_name_their_fields(one):
    office = login(one.office_bj)
    with clock.acting_on(dt.date(2025, 3, 1)):
        resp = office.post("/office/supervision/checks/", {"kind": "random", "title": "抽查", "rate": "2"})
        assert resp.status_code == 400 and field_error(text(resp), "rate")
        resp = office.post("/office/supervision/reexaminations/",
                           {"certificate_number": one.cert.number, "credit_code": one.cert.credit_code, "department": "税务局",
                            "document_number": "京税函1号", "letter_date": "2025-02-27", "dispute": "rd_ratio", "disputed_year": "2023",
                            "grounds": "研发费用", "data": "years: [unclosed"})
        assert resp.status_code == 400 and "YAML" in field_error(text(resp), "data")
        resp = office.post("/office/supervision/deadline/", {"due_on": "2025-06-01", "notice": "通知"})
        assert resp.status_code == 400 and "5月31日" in field_error(text(resp), "due_on")
        resp = office.post(f"/office/supervision/certificates/{one.cert.pk}/propose/", {"ground": "art99", "basis": ""})
        assert resp.status_code == 400 and field_error(text(resp), "basis")
    assert not Check.objects.exists() and not Reexamination.objects.exists()


def test_the_record_shows_the_enterprises_history(one):
    services.annual_report_submit(acting_user=one.user, report=one.report, today=dt.date(2025, 4, 1),
                                  figures={"ip_class_i": "0", "ip_class_ii": "0", "staff_total": "50", "science_tech_staff": "4",
                                           "rd_total": "1", "rd_domestic": "1", "total_income": "100", "sales_revenue": "100",
                                           "high_tech_income": "10"})
    with clock.acting_on(dt.date(2025, 4, 2)):
        page = text(login(one.office_bj).get(f"/office/supervision/certificates/{one.cert.pk}/"))
    assert 'data-year="2024" data-state="submitted"' in page and "科技人员占职工总数的比例 8.00%" in page
    assert 'id="status" data-status="valid"' in page


# --- dashboard and exports ---------------------------------------------------------------------------------------------


@pytest.fixture
def dash(db):
    return dashboard_world()


def test_the_dashboard_draws_its_charts_for_the_offices_region(dash):
    with clock.acting_on(dt.date(2025, 9, 1)):
        bj = text(login(dash.office_bj).get("/office/dashboard/"))
        lgo = text(login(dash.lgo).get("/office/dashboard/?lang=en"))
    for chart in ("chart-stages", "chart-pass-fields", "chart-pass-regions", "chart-reports", "chart-revocations", "chart-workload"):
        assert f'<svg id="{chart}"' in bj
    bars = re.findall(r'<rect class="bar"[^>]*data-label="([^"]*)"(?: data-series="([^"]*)")? data-value="([^"]*)"', bj)
    reports = {(label, series): value for label, series, value in bars if label == "2024"}
    assert reports == {("2024", "按期填报"): "1", ("2024", "逾期补报"): "1"}  # Beijing only: Suzhou's missed report is not here
    assert "第十九条（一）" in bj and "第十九条（二）" not in bj and "Art. 19(2)" in lgo  # Suzhou's revocation: the LGO's only
    assert "Pass rate by technical field" in lgo and "Expert workload" in lgo


def _csv(client, table: str, lang: str = "zh") -> list[list[str]]:
    resp = client.get(f"/office/dashboard/export.csv?table={table}&lang={lang}")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    body = resp.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_exports_are_scoped_and_bilingual(dash):
    with clock.acting_on(dt.date(2025, 9, 1)):
        bj = _csv(login(dash.office_bj), "identified")
        en = _csv(login(dash.lgo), "identified", "en")
        revs = _csv(login(dash.lgo), "revocations")
        bad = login(dash.lgo).get("/office/dashboard/export.csv?table=nope")
    assert bj[0][:3] == ["证书编号", "企业名称", "统一社会信用代码"]
    assert sorted(r[0] for r in bj[1:]) == sorted([dash.cert1.number, dash.cert2.number])
    assert en[0][:2] == ["Certificate", "Enterprise"] and len(en) == 4
    status = {r[0]: r[7] for r in en[1:]}
    assert status[dash.cert3.number] == "Revoked" and status[dash.cert1.number] == "Valid"
    assert [r[2] for r in revs[1:]] == ["art19_1", "art19_2"] and revs[2][7] == "2025"
    assert bad.status_code == 400 and "table" in text(bad)


def test_the_xlsx_export_reads_back_with_openpyxl(dash):
    with clock.acting_on(dt.date(2025, 9, 1)):
        resp = login(dash.lgo).get("/office/dashboard/export.xlsx")
    assert resp.status_code == 200 and resp["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(resp.content))
    assert book.sheetnames == ["identified", "annual_reports", "revocations", "applications_by_stage", "pass_rates"]
    ident = list(book["identified"].iter_rows(values_only=True))
    assert ident[0][0] == "证书编号" and len(ident) == 4
    row = next(r for r in ident if r[0] == dash.cert3.number)
    assert row[5].date() == dt.date(2024, 12, 12) and row[7] == "已取消" and row[11].date() == dt.date(2025, 8, 1)
    reports = list(book["annual_reports"].iter_rows(values_only=True))
    assert sorted(r[4] for r in reports[1:]) == ["已按期填报", "逾期未填报", "逾期补报"]
    rates = {r[1]: (r[2], r[3]) for r in book["pass_rates"].iter_rows(values_only=True) if r[0] == "地区"}
    assert rates["北京市"] == (1, 2)  # one reported, one rejected


def test_exported_text_cannot_become_a_formula(db):
    s = staff()
    identified(s.office_bj, "e1", "=HYPERLINK(\"http://evil.example\")", "91110108MA01EEEE1", "110108", ISSUED, shift=-1)
    with clock.acting_on(dt.date(2025, 1, 2)):
        rows = _csv(login(s.office_bj), "identified")
        book = load_workbook(io.BytesIO(login(s.office_bj).get("/office/dashboard/export.xlsx").content))
    assert rows[1][1].startswith("'=")
    cell = book["identified"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


# --- public lists -------------------------------------------------------------------------------------------------------


def test_the_public_lists_show_valid_and_revoked_enterprises(dash):
    with clock.acting_on(dt.date(2025, 9, 1)):
        identified_page = text(Client().get("/supervision/identified/"))
        revoked_page = text(Client().get("/supervision/revoked/?lang=en"))
    assert dash.cert1.number in identified_page and dash.cert2.number in identified_page
    assert dash.cert3.number not in identified_page  # revoked
    assert "苏州丙三科技有限公司" in revoked_page and "追缴其2025年度" in revoked_page
    assert dash.e1.credit_code not in identified_page
    with clock.acting_on(dt.date(2025, 7, 31)):  # the day before the revocation
        assert dash.cert3.number in text(Client().get("/supervision/identified/"))
