"""Demo data for supervision (for ``hnte-admin demo``): one Beijing enterprise identified in the 2024 round, taken
through the **real** standard track by the services — submission, acceptance into a batch, a seeded expert draw on
the demo pool, every expert's form, the leader's evaluation, the office's opinion and report, the LGO's publicity
(ended by the scheduled step), filing and the certificate — acting on the dates of that round, then its annual
reports for 2024 (on time) and 2025 (late). So the supervision pages, the dashboard, the certificate list and the
public verification have something real to show on a fresh machine. Idempotent (keyed on the user name).

Dates: applied 2024-06-30 (``pass_2016``), accepted and reviewed in July, published on 2024-09-27, certificate
issued 2024-11-15 (valid to 2027-11-14); reports opened each 2 January, 2024 filed 2025-04-15, 2025 filed
2026-06-10 (after the 31 May deadline: received, counted as late).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from hnte_web.applications.models import Application
from hnte_web.applications.services import _store, application_create, application_submit, with_enterprise
from hnte_web.certificates.models import Certificate
from hnte_web.certificates.services import certificate_issue
from hnte_web.enterprises.services import enterprise_register, registration_activate
from hnte_web.experts.services import _declared_codes, panel_draw, panel_evaluate, review_submit
from hnte_web.publicity import clock
from hnte_web.publicity.services import publicity_publish, publicity_tick, system_user
from hnte_web.review import services as review
from hnte_web.review.models import Batch

from . import services

USERNAME = "demo_certified"
ACCEPTED_ON, PUBLISHED_ON, ISSUED_ON = dt.date(2024, 7, 10), dt.date(2024, 9, 27), dt.date(2024, 11, 15)

# The panel's forms, as the experts would fill them in for pass_2016 (万元; grades and points within their bands).
TECHNICAL_FORM = {
    "materials_ok": "yes", "registered_one_year": "yes", "has_qualifying_ip": "yes", "field_in_scope": "yes", "staff_share_ok": "yes",
    "field_code": "1.1.1", "rd_struck": "", "rd_total": "783.8", "rd_domestic": "775", "ps_struck": "", "high_tech_income": "3600",
    "ip_advancement_grade": "A", "ip_advancement": "7", "ip_core_support_grade": "A", "ip_core_support": "8",
    "ip_quantity_grade": "A", "ip_quantity": "7", "ip_acquisition_grade": "A", "ip_acquisition": "5",
    "ip_standards_grade": "A", "ip_standards": "1", "conversion_grade": "A", "conversion": "26",
    "rdm_system": "5", "rdm_institution": "5", "rdm_conversion_incentives": "3", "rdm_talent": "3",
}
FINANCIAL_FORM = {"figures_ok": "yes", "growth_net_assets_grade": "B", "growth_net_assets": "7", "growth_sales_grade": "C",
                  "growth_sales": "5"}
# 年度发展情况报表 figures (元), every threshold met.
REPORT_FIGURES = {"ip_class_i": "1", "ip_class_ii": "2", "staff_total": "60", "science_tech_staff": "10", "rd_total": "3000000",
                  "rd_domestic": "2800000", "total_income": "47000000", "non_taxable_income": "500000", "sales_revenue": "45000000",
                  "high_tech_income": "36000000"}


def demo_certified(*, office, lgo, password: str, fields: dict, data: dict) -> Certificate | None:
    """Create the identified demo enterprise unless it exists; returns its certificate (None if it already existed)."""
    User = get_user_model()
    if User.objects.filter(username=USERNAME).exists():
        return None
    ent = enterprise_register(username=USERNAME, password=password, fields=fields)
    registration_activate(acting_user=office, enterprise=ent, reason="演示数据")
    user = User.objects.get(username=USERNAME)
    app = application_create(acting_user=user)
    _store(Application.objects.get(pk=app.pk), with_enterprise(data, ent))
    system = system_user()
    with clock.acting_on(ACCEPTED_ON):
        application_submit(acting_user=user, application=Application.objects.get(pk=app.pk), commitment_by=fields["legal_representative"],
                           agreed=True)
        batch = Batch.objects.filter(region_prefix=office.region_prefix, year=2024).first() or review.batch_create(
            acting_user=office, name="2024年第一批（演示）", year=2024, deadline=dt.date(2024, 7, 31))
        review.application_accept(acting_user=office, application=Application.objects.get(pk=app.pk), batch=batch)
        panel = panel_draw(acting_user=office, application=Application.objects.get(pk=app.pk), seed=2024,
                           due_date=dt.date(2024, 8, 31))
        rd, ps = _declared_codes(panel.version_data())
        technical = {**TECHNICAL_FORM, "rd_count": str(len(rd)), "ps_count": str(len(ps))}
        for member in panel.active_members().order_by("id"):
            review_submit(acting_user=member.expert.user, panel=panel, raw=technical if member.kind == "technical" else FINANCIAL_FORM)
        panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**technical, "opinion": "符合高新技术企业认定条件"})
        review.application_recommend(acting_user=office, application=Application.objects.get(pk=app.pk))
        review.application_report(acting_user=office, application=Application.objects.get(pk=app.pk))
    with clock.acting_on(PUBLISHED_ON):
        pub = publicity_publish(acting_user=lgo, title="2024年第一批拟认定高新技术企业名单（演示）",
                                applications=[Application.objects.get(pk=app.pk)], published_on=PUBLISHED_ON)
    after = pub.last_day + dt.timedelta(days=1)
    publicity_tick(acting_user=system, today=after)
    with clock.acting_on(after):
        review.application_file(acting_user=lgo, application=Application.objects.get(pk=app.pk))
    with clock.acting_on(ISSUED_ON):
        cert = certificate_issue(acting_user=office, application=Application.objects.get(pk=app.pk), issued_on=ISSUED_ON)
    for year, filed_on in ((2024, dt.date(2025, 4, 15)), (2025, dt.date(2026, 6, 10))):
        report = services.annual_report_open(acting_user=system, certificate=cert, year=year, today=dt.date(year + 1, 1, 2))
        services.annual_report_submit(acting_user=user, report=report, figures=dict(REPORT_FIGURES), today=filed_on)
    return cert


def demo_fields(name: str, credit_code: str, region: str, address: str) -> dict:
    return {"name": name, "credit_code": credit_code, "registration_date": dt.date(2016, 5, 10), "registration_type": "有限责任公司",
            "registered_capital": Decimal("20000000"), "industry": "计算机、通信和其他电子设备制造业", "region_code": region,
            "address": address, "legal_representative": "王五", "legal_representative_phone": "010-88887777", "contact_name": "赵六",
            "contact_phone": "13900000000", "contact_email": "contact@example.com"}
