"""Identified enterprises for the supervision tests.

An enterprise is registered and activated, and its application created, submitted and accepted **through the
services**. The expert panel, publicity, filing and certificate steps belong to other apps; here the certificate is
**created directly as a row** for the accepted application (``certified``), with the number shape, issue date and
validity the certificates app gives (Art. 9 via the engine's ``certificate_validity``). The application's state
stays ``accepted``: supervision reads only the certificate.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from hnte.procedure.periods import certificate_validity
from hnte_web.applications.models import Application
from hnte_web.applications.services import _store, application_create, application_submit

from .conftest import PASSWORD, example_data, make_user


def shifted(data: dict, years: int) -> dict:
    """The example application moved ``years`` years (dates, accounting years, IP, projects, conversions)."""
    out = copy.deepcopy(data)

    def day(text: str) -> str:
        d = dt.date.fromisoformat(str(text))
        return d.replace(year=d.year + years).isoformat()

    out["application_date"] = day(out["application_date"])
    for y in out["years"]:
        y["year"] += years
    for ip in out.get("intellectual_property", []):
        for key in ("granted_on", "acquired_on"):
            if key in ip:
                ip[key] = day(ip[key])
    for c in out.get("conversions", []):
        c["year"] += years
    for p in out.get("rd_projects", []):
        p["start"], p["end"] = day(p["start"]), day(p["end"])
        p["spend"] = {str(int(k) + years): v for k, v in p.get("spend", {}).items()}
    return out


def fields(name: str, code17: str, region: str) -> dict:
    from hnte_web.enterprises.credit_code import with_check_character

    return {"name": name, "credit_code": with_check_character(code17), "registration_date": dt.date(2016, 5, 10),
            "registration_type": "有限责任公司", "registered_capital": Decimal("10000000"), "industry": "软件",
            "region_code": region, "address": f"{name}地址", "legal_representative": "张三",
            "legal_representative_phone": "010-1", "contact_name": "李四", "contact_phone": "13800000000",
            "contact_email": "a@example.com"}


def staff():
    """Offices of Beijing (11) and Suzhou (3205), the Leading Group Office."""
    s = type("Staff", (), {})()
    s.office_bj = make_user("office_bj", "office", region_prefix="11")
    s.office_sz = make_user("office_sz", "office", region_prefix="3205")
    s.lgo = make_user("lgo", "admin")
    return s


def enterprise(office, username: str, name: str, code17: str, region: str):
    from hnte_web.enterprises.services import enterprise_register, registration_activate

    ent = enterprise_register(username=username, password=PASSWORD, fields=fields(name, code17, region))
    registration_activate(acting_user=office, enterprise=ent)
    ent.refresh_from_db()
    return ent, ent.users.get()


def accepted(office, user, data: dict) -> Application:
    """submit → accept (into a batch of the office), through the services."""
    from hnte_web.review import services as review
    from hnte_web.review.models import Batch

    app = application_create(acting_user=user)
    _store(Application.objects.get(pk=app.pk), data)
    app = Application.objects.get(pk=app.pk)
    application_submit(acting_user=user, application=app, commitment_by="张三", agreed=True)
    year = dt.date.fromisoformat(data["application_date"]).year
    batch = Batch.objects.filter(region_prefix=office.region_prefix, year=year).first() or review.batch_create(
        acting_user=office, name=f"{year}年第一批", year=year, deadline=dt.date(year, 7, 31))
    review.application_accept(acting_user=office, application=Application.objects.get(pk=app.pk), batch=batch)
    return Application.objects.get(pk=app.pk)


def certified(app: Application, issued_on: dt.date, issued_by):
    """TEST FIXTURE: the certificate row for an accepted application (the panel → publicity → filing → issue steps
    are the experts', publicity and certificates apps'). Number GR + year + province + serial, validity per Art. 9."""
    from hnte_web.certificates.models import Certificate, certificate_number

    province = app.region_code[:2]
    serial = Certificate.objects.filter(year=issued_on.year, province=province).count() + 1
    return Certificate.objects.create(
        application=app, number=certificate_number(issued_on.year, province, serial), year=issued_on.year, province=province,
        serial=serial, enterprise_name=app.enterprise.name, credit_code=app.enterprise.credit_code, issued_on=issued_on,
        valid_until=certificate_validity(issued_on).last_day, issuer="北京市高新技术企业认定管理机构", issued_by=issued_by)


def identified(office, username: str, name: str, code17: str, region: str, issued_on: dt.date, shift: int = -2):
    """An enterprise with an accepted application (the example moved ``shift`` years) and its certificate."""
    ent, user = enterprise(office, username, name, code17, region)
    app = accepted(office, user, shifted(example_data(), shift))
    cert = certified(app, issued_on, office)
    return ent, user, app, cert


def report_figures(**overrides) -> dict:
    """A plausible year (yuan): every threshold met (the demo's report figures)."""
    from hnte_web.supervision.demo import REPORT_FIGURES

    return {**REPORT_FIGURES, **overrides}


def dashboard_world():
    """For the dashboard: three identified enterprises (two in Beijing, one in Suzhou) with their 2024 annual reports
    (on time, late, missed), a proposal in Beijing and a revocation in Suzhou; an application reported and one
    rejected (pass rates); a Beijing expert pool with a panel under review (workload)."""
    from hnte_web.experts.services import panel_draw
    from hnte_web.publicity.services import system_user
    from hnte_web.review.services import application_reject
    from hnte_web.supervision import services

    from .publicity_support import reported, submitted
    from .test_experts import add_pool

    s = staff()
    s.e1, s.u1, s.app1, s.cert1 = identified(s.office_bj, "e1", "北京甲一科技有限公司", "91110108MA01EEEE1", "110108",
                                             dt.date(2024, 12, 10), shift=0)
    s.e2, s.u2, s.app2, s.cert2 = identified(s.office_bj, "e2", "北京乙二科技有限公司", "91110105MA01FFFF2", "110105",
                                             dt.date(2024, 12, 10), shift=0)
    s.e3, s.u3, s.app3, s.cert3 = identified(s.office_sz, "e3", "苏州丙三科技有限公司", "91320505MA01HHHH4", "320505",
                                             dt.date(2024, 12, 12), shift=0)
    system = system_user()
    for cert in (s.cert1, s.cert2, s.cert3):
        services.annual_report_open(acting_user=system, certificate=cert, year=2024, today=dt.date(2025, 1, 2))
    services.annual_report_submit(acting_user=s.u1, report=s.cert1.annual_reports.get(), figures=report_figures(),
                                  today=dt.date(2025, 4, 1))
    for cert in (s.cert2, s.cert3):
        services.annual_report_miss(acting_user=system, report=cert.annual_reports.get(), today=dt.date(2025, 6, 1))
    services.annual_report_submit(acting_user=s.u2, report=s.cert2.annual_reports.get(), figures=report_figures(),
                                  today=dt.date(2025, 6, 5))
    services.revocation_propose(acting_user=s.office_bj, certificate=s.cert2, ground="art19_1", start_year=2024,
                                basis="申请材料弄虚作假（测试）", today=dt.date(2025, 7, 1))
    rev = services.revocation_propose(acting_user=s.office_sz, certificate=s.cert3, ground="art19_2", start_year=2025,
                                      basis="重大安全事故（测试）", today=dt.date(2025, 7, 1))
    services.revocation_decide(acting_user=s.office_sz, revocation=rev, reason="决定取消", today=dt.date(2025, 8, 1))
    reported(s.office_bj, s.u1)
    rejected = submitted(s.u2)
    application_reject(acting_user=s.office_bj, application=rejected, reason="研发费用归集不实")
    add_pool(s.office_bj)
    s.panel = panel_draw(acting_user=s.office_bj, application=s.app1, seed=7)
    return s
