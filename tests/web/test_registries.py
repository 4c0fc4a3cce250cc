"""Issue 9 in the web system: the intermediary registry and its qualification rules, the special audit report
against the application (differences flagged, an unqualified intermediary blocks submission, each with its
citation), records of fraud in intake and on the public list, and field suggestion in the form and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hnte_web.applications.models import Application
from hnte_web.applications.services import _store, application_submit
from hnte_web.audit.models import AuditEvent
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.credit_code import with_check_character
from hnte_web.registries import services
from hnte_web.registries.models import IntermediaryFirm

from .conftest import example_data

FIRM_CODE = with_check_character("91110000MA0AUDXT1")


def _firm(world, *, cpas=4, tax=2, headcount=20):
    firm = services.firm_save(acting_user=world.office_bj, fields={"name": "北京示例会计师事务所", "credit_code": FIRM_CODE,
                                                                    "founded_on": dt.date(2010, 1, 1), "independent_practice": True})
    services.firm_year_save(acting_user=world.office_bj, firm=firm, year=2024,
                            facts={"average_headcount": Decimal(headcount), "certified_public_accountants": Decimal(cpas),
                                   "tax_agents": Decimal(tax), "dual_qualified": Decimal(0)})
    return firm


def _with_report(world, *, change=None):
    """app_a with its intermediary and a special audit report equal to the application's figures."""
    data = example_data()
    data["intermediary"] = {"name": "北京示例会计师事务所", "credit_code": FIRM_CODE}
    data["special_audit_report"] = {
        "number": "京审专字〔2024〕001号", "issued_on": "2024-06-01",
        "years": [{"year": y["year"], "rd_expenses": dict(y["rd_expenses"])} for y in data["years"]],
        "high_tech_income": data["years"][-1]["high_tech_income"],
    }
    if change:
        change(data)
    _store(Application.objects.get(pk=world.app_a.pk), data)
    world.app_a.refresh_from_db()


@pytest.mark.parametrize("cpas, tax, qualified", [(5, 0, False), (6, 0, True), (4, 3, True)])
def test_the_30_percent_rule_at_its_boundary(world, cpas, tax, qualified):
    firm = _firm(world, cpas=cpas, tax=tax)
    q = services.firm_qualification(firm, on=dt.date(2024, 6, 30), year=2024)
    assert q.qualified is qualified  # 5/20 = 25 % < 30 %; 6/20 = 30 % (≥); 7/20 = 35 %


def test_an_unqualified_intermediary_blocks_submission_with_the_rule(world):
    _firm(world, cpas=5, tax=0)  # 25 %
    _with_report(world)
    with pytest.raises(TransitionRefused) as e:
        application_submit(acting_user=world.user_a, application=world.app_a, commitment_by="张三", agreed=True)
    assert "30.00%" in e.value.zh and "guidelines_2016#sec1-3" in e.value.zh
    world.app_a.refresh_from_db()
    assert world.app_a.state == "draft"


def test_figures_differing_from_the_audit_report_are_flagged_with_their_citation(world, client):
    _firm(world, cpas=6, tax=0)

    def lower_report(data):
        data["special_audit_report"]["years"][2]["rd_expenses"]["personnel"] = 1800000  # the application says 1,900,000

    _with_report(world, change=lower_report)
    client.force_login(world.user_a)
    html = client.get(f"/applications/{world.app_a.pk}/assessment/").content.decode()
    assert 'data-difference="years[2].rd_expenses.personnel"' in html
    assert "guidelines_2016#sec2-3" in html
    assert 'data-severity="blocking"' not in html
    version = application_submit(acting_user=world.user_a, application=world.app_a, commitment_by="张三", agreed=True)
    assert version.number == 1  # differences are for the experts to weigh; only an unqualified issuer blocks


def test_an_audit_report_matching_the_application_shows_no_difference(world, client):
    _firm(world, cpas=6, tax=0)
    _with_report(world)
    client.force_login(world.user_a)
    html = client.get(f"/applications/{world.app_a.pk}/assessment/").content.decode()
    assert "data-difference=" not in html and 'data-severity="blocking"' not in html


def test_the_audit_section_of_the_form_saves_the_report(world, client):
    client.force_login(world.user_b)
    r = client.post(f"/applications/{world.app_b.pk}/edit/audit_report/", {
        "intermediary.name": "某事务所", "intermediary.credit_code": FIRM_CODE, "special_audit_report.number": "A-1",
        "special_audit_report.years[2].rd_expenses.personnel": "190", "special_audit_report.years[2].rd_total": "250.5",
        "special_audit_report.high_tech_income": "3600"})
    assert r.status_code == 302
    data = Application.objects.get(pk=world.app_b.pk).data
    report = data["special_audit_report"]
    assert report["high_tech_income"] == 36000000 and report["number"] == "A-1"
    assert report["years"] == [{"year": report["years"][0]["year"], "rd_total": Decimal("2505000"), "rd_expenses": {"personnel": 1900000}}]
    assert data["intermediary"]["credit_code"] == FIRM_CODE


def test_records_show_in_intake_and_on_the_public_list(world, client):
    services.record_create(acting_user=world.office_bj, fields={
        "subject": "enterprise", "name": world.ent_a.name, "credit_code": world.ent_a.credit_code, "kind": "fraud",
        "decision": "取消高新技术企业资格", "decided_on": dt.date(2023, 5, 1), "authority": "北京市认定机构", "reference": "京科〔2023〕1号",
        "public": True, "note": ""})
    application_submit(acting_user=world.user_a, application=world.app_a, commitment_by="张三", agreed=True)
    client.force_login(world.office_bj)
    page = client.get(f"/applications/{world.app_a.pk}/").content.decode()
    assert 'id="enterprise-records"' in page and "取消高新技术企业资格" in page
    client.logout()
    public = client.get("/records/").content.decode()
    assert world.ent_a.name in public and "京科〔2023〕1号" in public
    assert AuditEvent.objects.filter(action="record.create").count() == 1


def test_a_rescinded_record_leaves_the_public_list(world, client):
    rec = services.record_create(acting_user=world.office_bj, fields={
        "subject": "intermediary", "name": "某事务所", "credit_code": FIRM_CODE, "kind": "fraud", "decision": "不得承担认定工作",
        "decided_on": dt.date(2023, 5, 1), "authority": "北京市认定机构", "reference": "", "public": True, "note": ""})
    with pytest.raises(TransitionRefused):
        services.record_rescind(acting_user=world.office_bj, record=rec, on=dt.date(2024, 1, 1), reason=" ")
    services.record_rescind(acting_user=world.office_bj, record=rec, on=dt.date(2024, 1, 1), reason="行政复议撤销")
    assert "某事务所" not in client.get("/records/").content.decode()


def test_only_offices_keep_the_registries(world):
    with pytest.raises(TransitionRefused):
        services.firm_save(acting_user=world.user_a, fields={"name": "x", "credit_code": FIRM_CODE})
    assert not IntermediaryFirm.objects.exists()


def test_registry_pages(world, client):
    client.force_login(world.office_bj)
    r = client.post("/office/intermediaries/", {"name": "新所", "credit_code": FIRM_CODE[:-1] + "0", "founded_on": "2015-01-01"})
    assert r.status_code == 400 and "校验位" in r.content.decode()
    r = client.post("/office/intermediaries/", {"name": "新所", "credit_code": FIRM_CODE, "founded_on": "2015-01-01",
                                                 "independent_practice": "true"})
    firm = IntermediaryFirm.objects.get()
    assert r.status_code == 302
    r = client.post(f"/office/intermediaries/{firm.pk}/", {"year": 2025, "average_headcount": "20", "certified_public_accountants": "3",
                                                           "tax_agents": "3", "dual_qualified": "0"})
    assert r.status_code == 302
    page = client.get(f"/office/intermediaries/{firm.pk}/?year=2025").content.decode()
    assert 'data-qualified="True"' in page and "guidelines_2016#sec1-3" in page


def test_field_suggestion_on_the_form(world, client):
    client.force_login(world.user_a)
    page = client.get(f"/applications/{world.app_a.pk}/edit/basic/?suggest=集成电路设计与芯片封装测试").content.decode()
    assert 'id="suggestions"' in page and 'data-fill="1.2.' in page


@pytest.mark.parametrize("query, status", [("text=工业机器人控制系统", 200), ("text=", 422), ("text=芯片&as_of=2005-01-01", 400)])
def test_field_suggestion_api(client, db, query, status):
    r = client.get(f"/api/v1/field-suggest?{query}")
    assert r.status_code == status
    if status == 200:
        codes = [s["code"] for s in r.json()["suggestions"]]
        assert codes and codes[0].startswith("8.")  # 先进制造与自动化
        assert r.json()["suggestions"][0]["terms"]
    else:
        assert r.json()["issues"]
