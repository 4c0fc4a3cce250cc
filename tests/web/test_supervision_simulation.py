"""Three years on a frozen clock: the daily command ``hnte-admin supervise --today D`` runs for every day from the
certificates' issue (2022-12-20) to 2025-12-31; the enterprises and the office act on their days in between.

Enterprise 1 files two annual reports on time (2022; 2023 by the Beijing office's earlier local date), misses the
third (2024, due on a Saturday that is also the Dragon Boat Festival), changes its name (publicised for 10 working
days across the 2024 Qingming holiday and its Sunday make-up day, then the certificate reissued with the same number
and validity), is reminded of its expiry and warned about the expiry-year prepayment, and is re-identified from a
prefilled application. Enterprise 2 misses two reports, the run proposes revocation the day after the second
deadline, the office revokes it and the tax years to recover are computed.

Every deadline and reminder date is checked against the State Council calendar read **directly from
chinesecalendar** (not through the code under test).
"""

from __future__ import annotations

import datetime as dt
import io

import chinese_calendar
import pytest
from django.core.management import call_command
from django.test import Client

from hnte.application.load import parse_application
from hnte.procedure.periods import add_months
from hnte_web.applications.models import Application
from hnte_web.audit.models import AuditEvent, Notification
from hnte_web.certificates.models import Certificate
from hnte_web.enterprises.models import Enterprise
from hnte_web.publicity import clock
from hnte_web.supervision import services
from hnte_web.supervision.models import AnnualReport, CertificateReissue, ChangeReport, Reminder, Revocation

from .conftest import example_data
from .supervision_support import certified, identified, report_figures, shifted, staff

START, END = dt.date(2022, 12, 20), dt.date(2025, 12, 31)
NEW_NAME = "北京甲一智能科技有限公司"


# --- the calendar, independently --------------------------------------------------------------------------------------


def workday(day: dt.date) -> bool:
    return chinese_calendar.is_workday(day)


def nth_workday_before(day: dt.date, n: int) -> dt.date:
    found = [d for d in (day - dt.timedelta(days=k) for k in range(1, 80)) if workday(d)]
    return found[n - 1]


def workday_on_or_before(day: dt.date) -> dt.date:
    while not workday(day):
        day -= dt.timedelta(days=1)
    return day


def tenth_workday_from(day: dt.date) -> tuple[dt.date, dt.date]:
    days = [d for d in (day + dt.timedelta(days=k) for k in range(60)) if workday(d)]
    return days[0], days[9]


# --- the run ----------------------------------------------------------------------------------------------------------


def supervise(day: dt.date) -> str:
    out = io.StringIO()
    call_command("supervise", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.fixture
def sim(db):
    s = staff()
    s.e1, s.u1, s.app1, s.cert1 = identified(s.office_bj, "e1", "北京甲一科技有限公司", "91110108MA01EEEE1", "110108", START)
    s.e2, s.u2, s.app2, s.cert2 = identified(s.office_bj, "e2", "北京乙二科技有限公司", "91110105MA01FFFF2", "110105", START)
    s.log = {}
    return s


def run_three_years(s) -> None:
    def on(day):
        def deco(fn):
            s.events.setdefault(day, []).append(fn)
            return fn
        return deco

    s.events = {}

    @on(dt.date(2023, 4, 10))
    def e1_files_2022(day):
        report = AnnualReport.objects.get(certificate=s.cert1, year=2022)
        services.annual_report_submit(acting_user=s.u1, report=report, figures=report_figures(), today=day)

    @on(dt.date(2024, 1, 15))
    def office_sets_an_earlier_local_date(day):
        services.local_deadline_set(acting_user=s.office_bj, due_on=dt.date(2024, 5, 20), notice="京科发〔2024〕1号（测试）", today=day)

    @on(dt.date(2024, 4, 1))
    def e1_reports_its_new_name(day):
        s.change = services.change_report_submit(acting_user=s.u1, certificate=s.cert1, kind="name", event_on=dt.date(2024, 3, 8),
                                                 new_name=NEW_NAME, major_kinds=[], description="名称变更，经营范围与股权未变",
                                                 today=day)

    @on(dt.date(2024, 4, 2))
    def office_publishes_the_name_change(day):
        services.change_report_publish(acting_user=s.office_bj, change=s.change, today=day)

    @on(dt.date(2024, 4, 17))
    def office_reissues(day):
        s.log["state_before_reissue"] = ChangeReport.objects.get(pk=s.change.pk).state
        services.change_report_reissue(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=s.change.pk), today=day)

    @on(dt.date(2024, 5, 10))
    def e1_files_2023_in_the_browser_form(day):
        report = AnnualReport.objects.get(certificate=s.cert1, year=2023)
        client = Client()
        client.force_login(s.u1)
        wan = {"rd_total": "320", "rd_domestic": "300", "total_income": "5000", "non_taxable_income": "50",
               "sales_revenue": "4800", "high_tech_income": "3900"}
        post = {**report_figures(), **wan, "staff_total": "66.5", "science_tech_staff": "10.25"}
        with clock.acting_on(day):
            resp = client.post(f"/enterprise/supervision/reports/{report.pk}/", post)
        assert resp.status_code == 302, resp.content.decode()[:2000]

    @on(dt.date(2024, 5, 27))
    def office_revokes_e2(day):
        rev = Revocation.objects.get(certificate=s.cert2)
        s.log["proposal"] = (rev.state, rev.proposed_on, rev.ground, rev.start_year)
        services.revocation_decide(acting_user=s.office_bj, revocation=rev, reason="累计两年未填报年度发展情况报表，决定取消", today=day)

    @on(dt.date(2025, 6, 30))
    def e1_starts_reidentification(day):
        s.reapp = services.reidentification_prefill(acting_user=s.u1, certificate=Certificate.objects.get(pk=s.cert1.pk), today=day)

    @on(dt.date(2025, 7, 1))
    def e1_fills_and_submits_and_the_office_accepts(day):
        from hnte_web.applications.services import _store
        from hnte_web.review import services as review
        from hnte_web.review.models import Batch

        data = Application.objects.get(pk=s.reapp.pk).data
        new = shifted(example_data(), 1)  # the enterprise's figures of 2022–2024
        data.update(years=new["years"], products=new["products"], conversions=new["conversions"])
        _store(Application.objects.get(pk=s.reapp.pk), data)
        from hnte_web.applications.services import application_submit

        application_submit(acting_user=s.u1, application=Application.objects.get(pk=s.reapp.pk), commitment_by="张三", agreed=True)
        batch = review.batch_create(acting_user=s.office_bj, name="2025年第一批", year=2025, deadline=dt.date(2025, 7, 31))
        review.application_accept(acting_user=s.office_bj, application=Application.objects.get(pk=s.reapp.pk), batch=batch)
        assert Batch.objects.filter(year=2025).count() == 1

    @on(dt.date(2025, 11, 28))
    def certificate_for_the_reidentification(day):
        s.cert1b = certified(Application.objects.get(pk=s.reapp.pk), day, s.office_bj)

    twice = {dt.date(2023, 5, 30), dt.date(2024, 5, 21), dt.date(2025, 1, 2), dt.date(2025, 6, 19)}
    day = START
    while day <= END:
        s.log[day] = supervise(day)  # the scheduled run, early in the morning
        if day in twice:  # a second run the same day does nothing
            before = (AuditEvent.objects.count(), Notification.objects.count(), Reminder.objects.count())
            supervise(day)
            assert (AuditEvent.objects.count(), Notification.objects.count(), Reminder.objects.count()) == before, day
        for fn in s.events.get(day, []):
            fn(day)
        day += dt.timedelta(days=1)


def test_three_years_of_supervision(sim):
    s = sim
    run_three_years(s)
    cert1, cert2 = Certificate.objects.get(pk=s.cert1.pk), Certificate.objects.get(pk=s.cert2.pk)
    assert (cert1.issued_on, cert1.valid_until) == (START, dt.date(2025, 12, 19))  # Art. 9: three years, the issue day counts

    # --- enterprise 1: annual reports -------------------------------------------------------------------------------
    r1 = {r.year: r for r in AnnualReport.objects.filter(certificate=cert1)}
    assert sorted(r1) == [2022, 2023, 2024]  # the certificate's benefit years, each reported the next spring
    assert (r1[2022].state, r1[2022].due_on, r1[2022].submitted_on) == ("submitted", dt.date(2023, 5, 31), dt.date(2023, 4, 10))
    assert (r1[2023].state, r1[2023].due_on, r1[2023].submitted_on) == ("submitted", dt.date(2024, 5, 20), dt.date(2024, 5, 10))
    assert r1[2023].figures["rd_total"] == "3200000" and r1[2023].figures["staff_total"] == "66.5"  # 万元 in, yuan stored
    assert (r1[2024].state, r1[2024].due_on) == ("missed", dt.date(2025, 5, 31))
    assert r1[2024].opened_on == dt.date(2025, 1, 1)
    # the deadlines against the calendar: 31 May 2023 a Wednesday; the local 20 May 2024 a Monday; 31 May 2025 is a
    # Saturday and the Dragon Boat Festival — the online system takes reports that day, so the deadline is not moved
    assert workday(dt.date(2023, 5, 31)) and workday(dt.date(2024, 5, 20))
    assert not workday(dt.date(2025, 5, 31)) and chinese_calendar.get_holiday_detail(dt.date(2025, 5, 31))[0]
    missed_on = {e.data["year"]: e.data["today"] for e in AuditEvent.objects.filter(action="annual_report.miss",
                                                                                      object_id=str(r1[2024].pk))}
    assert missed_on == {2024: "2025-06-01"}  # the day after the deadline, not before
    assert not Revocation.objects.filter(certificate=cert1).exists()  # one missed year: below the two of I17

    # --- reminders: every one on a working day, N working days before the deadline, sent that very day ----------------
    reminders = list(Reminder.objects.all())
    for m in reminders:
        assert m.sent_on == m.scheduled_on, m.key
        assert workday(m.scheduled_on), (m.key, m.scheduled_on)
    annual = {m.key: m.scheduled_on for m in reminders if m.kind == "annual_report"}
    expected = {}
    for report, stages in ((r1[2023], (15,)), (r1[2024], (15, 5, 1))):
        for n in stages:
            expected[f"annual_report:{report.pk}:wd{n}"] = nth_workday_before(report.due_on, n)
    r2 = {r.year: r for r in AnnualReport.objects.filter(certificate=cert2)}
    for report in (r2[2022], r2[2023]):
        for n in (15, 5, 1):
            expected[f"annual_report:{report.pk}:wd{n}"] = nth_workday_before(report.due_on, n)
    assert annual == expected  # E1 filed 2022 before any reminder, and 2023 after the first one only
    # spot values the calendar makes interesting: 15 working days before 20 May 2024 counts the make-up Saturday
    # 11 May and Sunday 28 April; the last reminder before Saturday 31 May 2025 goes on Friday 30 May
    assert expected[f"annual_report:{r1[2023].pk}:wd15"] == dt.date(2024, 4, 26)
    assert expected[f"annual_report:{r1[2024].pk}:wd1"] == dt.date(2025, 5, 30)
    assert Notification.objects.filter(user=s.u1, message_zh__contains="请于 2025年05月31日 前填报2024年度").count() == 3

    # --- enterprise 1: name change -------------------------------------------------------------------------------------
    change = ChangeReport.objects.get(pk=s.change.pk)
    assert change.deadline == dt.date(2024, 6, 8) and not change.late  # I16: same day three months later (a Saturday)
    first, last = tenth_workday_from(dt.date(2024, 4, 2))
    assert (change.publicity_first_day, change.publicity_last_day) == (first, last) == (dt.date(2024, 4, 2), dt.date(2024, 4, 16))
    assert s.log["state_before_reissue"] == "publicized"  # ended by the run of 17 April, the day after the last day
    assert "更名公示期满 1 件" in s.log[dt.date(2024, 4, 17)] and "更名公示期满 0 件" in s.log[dt.date(2024, 4, 16)]
    assert change.state == "reissued"
    reissue = CertificateReissue.objects.get(change_report=change)
    assert (reissue.number, reissue.valid_until, reissue.new_name) == (cert1.number, cert1.valid_until, NEW_NAME)
    assert cert1.enterprise_name == NEW_NAME and Enterprise.objects.get(pk=s.e1.pk).name == NEW_NAME

    # --- enterprise 1: expiry, prepayment warning, re-identification --------------------------------------------------
    expiry = {m.key.rsplit(":", 1)[1]: m.scheduled_on for m in reminders if m.kind == "expiry" and m.certificate_id == cert1.pk}
    assert expiry == {f"m{k}": workday_on_or_before(add_months(cert1.valid_until, -k)) for k in (6, 3, 1)}
    assert expiry == {"m6": dt.date(2025, 6, 19), "m3": dt.date(2025, 9, 19), "m1": dt.date(2025, 11, 19)}
    prepay = Reminder.objects.get(kind="prepayment")
    assert prepay.certificate_id == cert1.pk and prepay.sent_on == dt.date(2025, 1, 2)  # 1 January is a holiday
    assert not workday(dt.date(2025, 1, 1)) and "暂按15%预缴" in prepay.message_zh and "25%补缴" in prepay.message_zh
    assert not Reminder.objects.filter(kind="expired").exists()  # re-identified before the expiry: no expiry notice
    reapp = Application.objects.get(pk=s.reapp.pk)
    v1 = reapp.versions.get(number=1).data
    assert [y["year"] for y in v1["years"]] == [2022, 2023, 2024] and v1["application_date"] == "2025-06-30"
    assert v1["enterprise"]["name"] == NEW_NAME and v1["enterprise"]["previously_identified"] is True
    used = {ip["number"] for ip in v1["intellectual_property"] if ip.get("used_in_previous_application")}
    assert used == {"2021SR0100001", "2022SR0200002"}  # the Class II IP of the last identification
    assert AuditEvent.objects.get(action="application.create", object_id=str(reapp.pk)).data["unusable_class_ii_ip"] == sorted(used)
    parse_application(v1)
    cert1b = Certificate.objects.get(application=reapp)
    assert cert1b.issued_on == dt.date(2025, 11, 28) and cert1b.valid_until == dt.date(2028, 11, 27)

    # --- enterprise 2: two missed years → proposal → revocation with the recovery years --------------------------------
    assert (r2[2022].state, r2[2023].state) == ("missed", "missed") and 2024 not in r2  # revoked before the 2024 report opened
    assert r2[2023].due_on == dt.date(2024, 5, 20)
    assert s.log["proposal"] == ("proposed", dt.date(2024, 5, 21), "art19_3", 2024)
    assert "提请取消资格 1 件" in s.log[dt.date(2024, 5, 21)] and "提请取消资格 0 件" in s.log[dt.date(2023, 6, 1)]
    rev = Revocation.objects.get(certificate=cert2)
    assert (rev.state, rev.revoked_on, rev.recovery_years) == ("revoked", dt.date(2024, 5, 27), [2024])
    assert rev.cites == ["measures_2016#art19"] and rev.reapplication_barred_until is None  # I18: no bar
    assert "追缴其2024年度已享受" in rev.announcement and cert2.number in rev.announcement
    assert not Reminder.objects.filter(certificate=cert2, kind__in=["expiry", "prepayment", "expired"]).exists()

    # --- the public lists at the end --------------------------------------------------------------------------------
    client = Client()
    with clock.acting_on(END):
        identified_page = client.get("/supervision/identified/").content.decode()
        revoked_page = client.get("/supervision/revoked/").content.decode()
    assert cert1b.number in identified_page and cert1.number not in identified_page and cert2.number not in identified_page
    assert "北京乙二科技有限公司" in revoked_page and "2024" in revoked_page
