"""Supervision services and the daily run, on their boundaries (below, at, above): annual reports
(measures_2016#art13, guidelines_2016#sec5-5, interpretations#i17), change reports (measures_2016#art17,
guidelines_2016#sec5-3, interpretations#i16), relocation (measures_2016#art18, guidelines_2016#sec5-4), checks
(measures_2016#art15, guidelines_2016#sec5-1), re-examination (measures_2016#art16, guidelines_2016#sec5-2) and
revocation (measures_2016#art19, interpretations#i18)."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command

from hnte.core.errors import InputError
from hnte_web.applications.filedata import dumps
from hnte_web.audit.models import AuditEvent, Notification
from hnte_web.certificates.models import Certificate
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.models import Enterprise
from hnte_web.publicity.services import system_user
from hnte_web.supervision import services
from hnte_web.supervision.models import AnnualReport, ChangeReport, CheckItem, Reminder, Revocation
from hnte_web.supervision.status import status_of
from hnte_web.supervision.sweep import supervise

from .conftest import example_data
from .supervision_support import accepted, certified, enterprise, identified, report_figures, shifted, staff

ISSUED = dt.date(2023, 11, 15)  # valid until 2026-11-14; benefit years 2023–2025


@pytest.fixture
def one(db):
    s = staff()
    s.ent, s.user, s.app, s.cert = identified(s.office_bj, "e1", "北京甲一科技有限公司", "91110108MA01EEEE1", "110108", ISSUED, shift=-1)
    s.system = system_user()
    return s


def run(s, *days: dt.date):
    return [supervise(acting_user=s.system, today=d) for d in days]


def report(s, year: int) -> AnnualReport:
    return AnnualReport.objects.get(certificate=s.cert, year=year)


# --- annual reports -------------------------------------------------------------------------------------------------


def test_a_report_opens_on_1_january_of_the_next_year(one):
    run(one, dt.date(2023, 12, 31))
    assert not AnnualReport.objects.exists()
    run(one, dt.date(2024, 1, 1))
    r = report(one, 2023)
    assert (r.state, r.due_on, r.opened_on) == ("open", dt.date(2024, 5, 31), dt.date(2024, 1, 1))
    assert Notification.objects.filter(user=one.user, link=f"/enterprise/supervision/reports/{r.pk}/").exists()


def test_a_report_whose_deadline_passed_before_the_system_saw_it_is_never_opened_nor_missed(one):
    run(one, dt.date(2024, 6, 1))  # the first run ever, after the 2023 report's deadline
    assert not AnnualReport.objects.exists() and not Revocation.objects.exists()


@pytest.mark.parametrize("day, state", [(dt.date(2024, 5, 30), "submitted"), (dt.date(2024, 5, 31), "submitted"),
                                        (dt.date(2024, 6, 1), "late")])
def test_filing_by_the_deadline_is_on_time_and_the_day_after_is_late(one, day, state):
    run(one, dt.date(2024, 1, 1))
    services.annual_report_submit(acting_user=one.user, report=report(one, 2023), figures=report_figures(), today=day)
    r = report(one, 2023)
    assert (r.state, r.submitted_on, r.counted_missed) == (state, day, state == "late")


def test_the_run_records_a_miss_the_day_after_the_deadline_and_a_late_filing_still_counts(one):
    run(one, dt.date(2024, 1, 1), dt.date(2024, 5, 31))
    assert report(one, 2023).state == "open"
    run(one, dt.date(2024, 6, 1))
    assert report(one, 2023).state == "missed"
    services.annual_report_submit(acting_user=one.user, report=report(one, 2023), figures=report_figures(), today=dt.date(2024, 6, 3))
    r = report(one, 2023)
    assert r.state == "late" and r.counted_missed and r.figures["rd_total"] == "3000000"


def test_a_report_below_the_thresholds_is_received_with_its_warnings_and_the_office_told(one):
    run(one, dt.date(2024, 1, 1))
    services.annual_report_submit(acting_user=one.user, report=report(one, 2023), today=dt.date(2024, 4, 1),
                                  figures=report_figures(science_tech_staff="5", rd_domestic="1000000"))
    r = report(one, 2023)
    assert r.state == "submitted" and {c["code"] for c in r.warnings} == {"science_tech_staff_ratio", "rd_domestic_share"}
    assert Notification.objects.filter(user=one.office_bj, message_zh__contains="2 项低于认定条件").exists()


def test_an_inconsistent_report_is_refused_naming_the_field_and_nothing_changes(one):
    run(one, dt.date(2024, 1, 1))
    events = AuditEvent.objects.count()
    with pytest.raises(InputError) as e:
        services.annual_report_submit(acting_user=one.user, report=report(one, 2023), today=dt.date(2024, 4, 1),
                                      figures=report_figures(rd_domestic="3000000.01"))
    assert [i.path for i in e.value.issues] == ["rd_domestic"]
    assert report(one, 2023).state == "open" and AuditEvent.objects.count() == events


def test_another_enterprise_cannot_file(one):
    _, other_user = enterprise(one.office_bj, "e9", "北京丙九科技有限公司", "91110105MA01GGGG3", "110105")
    run(one, dt.date(2024, 1, 1))
    with pytest.raises(TransitionRefused):
        services.annual_report_submit(acting_user=other_user, report=report(one, 2023), figures=report_figures(), today=dt.date(2024, 4, 1))


def _miss(s, year: int, late_on: dt.date | None = None):
    due = report(s, year).due_on
    run(s, due + dt.timedelta(days=1))
    if late_on:
        services.annual_report_submit(acting_user=s.user, report=report(s, year), figures=report_figures(), today=late_on)


def test_one_missed_year_is_no_proposal_two_are_and_a_late_filing_counts(one):
    run(one, dt.date(2024, 1, 1))
    _miss(one, 2023, late_on=dt.date(2024, 7, 1))
    assert not Revocation.objects.exists()  # one year: below I17's two
    run(one, dt.date(2025, 1, 1))
    _miss(one, 2024)
    rev = Revocation.objects.get()
    assert (rev.ground, rev.source, rev.start_year, rev.proposed_on) == ("art19_3", "annual_reports", 2025, dt.date(2025, 6, 1))
    assert "2023年度" in rev.basis and "2024年度" in rev.basis
    run(one, dt.date(2025, 6, 2))
    assert Revocation.objects.count() == 1  # proposed once


def test_missed_years_are_counted_per_validity_period(one):
    """The last report of one certificate and the first of the next are in different validity periods: no proposal."""
    s = one
    run(s, dt.date(2024, 1, 1), dt.date(2024, 4, 1))
    services.annual_report_submit(acting_user=s.user, report=report(s, 2023), figures=report_figures(), today=dt.date(2024, 4, 1))
    run(s, dt.date(2025, 1, 1))
    services.annual_report_submit(acting_user=s.user, report=report(s, 2024), figures=report_figures(), today=dt.date(2025, 4, 1))
    second = certified(accepted(s.office_bj, s.user, shifted(example_data(), 1)), dt.date(2025, 11, 3), s.office_bj)
    run(s, dt.date(2026, 1, 1))  # opens 2025 on both certificates (the old one's last benefit year, the new one's first)
    assert sorted(AnnualReport.objects.values_list("certificate_id", "year")) == [(s.cert.pk, 2023), (s.cert.pk, 2024),
                                                                                  (s.cert.pk, 2025), (second.pk, 2025)]
    run(s, dt.date(2026, 6, 1))
    assert AnnualReport.objects.filter(state="missed").count() == 2  # one on each certificate
    assert not Revocation.objects.exists()


def test_a_revoked_certificate_has_no_more_reports_or_reminders(one):
    s = one
    rev = services.revocation_propose(acting_user=s.office_bj, certificate=s.cert, ground="art19_2", start_year=2024,
                                      basis="重大安全事故", today=dt.date(2024, 3, 1))
    services.revocation_decide(acting_user=s.office_bj, revocation=rev, reason="决定取消", today=dt.date(2024, 3, 5))
    run(s, dt.date(2025, 1, 1), dt.date(2025, 5, 30), dt.date(2025, 12, 14))
    assert not AnnualReport.objects.filter(year=2024).exists() and not Reminder.objects.exists()


# --- local deadlines --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("due_on, ok", [(dt.date(2025, 5, 30), True), (dt.date(2025, 5, 31), True), (dt.date(2025, 6, 1), False)])
def test_a_local_deadline_can_only_be_earlier(one, due_on, ok):
    if ok:
        services.local_deadline_set(acting_user=one.office_bj, due_on=due_on, notice="通知", today=dt.date(2025, 1, 10))
        run(one, dt.date(2025, 1, 11))
        assert report(one, 2024).due_on == due_on
    else:
        with pytest.raises(InputError) as e:
            services.local_deadline_set(acting_user=one.office_bj, due_on=due_on, notice="通知", today=dt.date(2025, 1, 10))
        assert e.value.issues[0].path == "due_on" and "5月31日" in e.value.issues[0].message_zh


def test_a_local_deadline_moves_the_open_reports_of_its_region_only(one):
    s = one
    other = identified(s.office_sz, "e2", "苏州乙二科技有限公司", "91320505MA01HHHH4", "320505", ISSUED, shift=-1)[3]
    run(s, dt.date(2025, 1, 1))
    with pytest.raises(InputError) as e:
        services.local_deadline_set(acting_user=s.office_bj, due_on=dt.date(2024, 12, 31), notice="x", today=dt.date(2025, 1, 2))
    assert e.value.issues[0].path == "due_on"  # never in the past
    services.local_deadline_set(acting_user=s.office_sz, due_on=dt.date(2025, 5, 20), notice="苏园科〔2025〕1号", today=dt.date(2025, 1, 2))
    assert AnnualReport.objects.get(certificate=other, year=2024).due_on == dt.date(2025, 5, 20)
    assert report(s, 2024).due_on == dt.date(2025, 5, 31)
    with pytest.raises(TransitionRefused):
        services.local_deadline_set(acting_user=s.lgo, due_on=dt.date(2025, 5, 20), notice="x", today=dt.date(2025, 1, 2))


# --- reminders ----------------------------------------------------------------------------------------------------------


def test_a_skipped_day_is_caught_up_with_one_reminder_not_several(one):
    run(one, dt.date(2024, 1, 1))
    run(one, dt.date(2024, 5, 30))  # the 15th, 5th and 1st working days before were all reached; only the latest is sent
    assert list(Reminder.objects.values_list("key", flat=True)) == [f"annual_report:{report(one, 2023).pk}:wd1"]
    run(one, dt.date(2024, 5, 30), dt.date(2024, 5, 31))
    assert Reminder.objects.count() == 1


def test_a_year_without_calendar_data_is_reported_never_guessed_and_loading_it_resumes(db):
    from hnte_web.publicity.services import calendar_load

    from .publicity_support import TEST_2027

    s = staff()
    s.ent, s.user, s.app, s.cert = identified(s.office_bj, "e1", "北京甲一科技有限公司", "91110108MA01EEEE1", "110108",
                                              dt.date(2026, 3, 2), shift=1)
    s.system = system_user()
    run(s, dt.date(2027, 1, 1))
    results = run(s, dt.date(2027, 5, 10))
    assert results[0].calendar_missing == {2027} and not Reminder.objects.filter(kind="annual_report").exists()
    note = Reminder.objects.get(kind="calendar")
    assert note.key == "calendar:2027" and Notification.objects.filter(user=s.lgo, message_zh__contains="2027").count() == 1
    run(s, dt.date(2027, 5, 11))
    assert Notification.objects.filter(user=s.lgo, message_zh__contains="2027").count() == 1  # told once
    calendar_load(acting_user=s.lgo, text=TEST_2027, source="test-2027.yaml")
    results = run(s, dt.date(2027, 5, 12))
    assert results[0].calendar_missing == set() and Reminder.objects.filter(kind="annual_report").count() == 1


def test_the_command_names_a_bad_date():
    with pytest.raises(CommandError, match="--today"):
        call_command("supervise", "--today", "2024-13-01", stdout=io.StringIO())


# --- change reports -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_on, reported_on, late", [
    (dt.date(2024, 3, 8), dt.date(2024, 6, 7), False),
    (dt.date(2024, 3, 8), dt.date(2024, 6, 8), False),   # the same day three months later, inclusive (I16)
    (dt.date(2024, 3, 8), dt.date(2024, 6, 9), True),
    (dt.date(2023, 11, 30), dt.date(2024, 2, 29), False),  # no 30 February: the month's end
    (dt.date(2023, 11, 30), dt.date(2024, 3, 1), True),
])
def test_a_change_reported_after_three_months_is_flagged_late(one, event_on, reported_on, late):
    c = services.change_report_submit(acting_user=one.user, certificate=one.cert, kind="name", event_on=event_on,
                                      new_name="北京甲一新名称有限公司", major_kinds=[], description="更名", today=reported_on)
    assert c.late is late
    assert Notification.objects.filter(user=one.office_bj, message_zh__contains="逾期报告").exists() is late


@pytest.mark.parametrize("kwargs, fields", [
    ({"kind": "name", "new_name": ""}, {"new_name"}),
    ({"kind": "name", "new_name": "北京甲一科技有限公司"}, {"new_name"}),  # the current name
    ({"kind": "major", "new_name": "", "major_kinds": []}, {"major_kinds", "data"}),
    ({"kind": "major", "new_name": "", "major_kinds": ["takeover"], "data_text": "format: nope"}, {"major_kinds", "data"}),
    ({"kind": "name", "new_name": "新名称", "event_on": dt.date(2024, 4, 2)}, {"event_on"}),  # after today
    ({"kind": "name", "new_name": "新名称", "event_on": dt.date(2023, 11, 14)}, {"event_on"}),  # before the certificate
    ({"kind": "other", "new_name": "新名称"}, {"kind"}),
    ({"kind": "major", "new_name": "", "major_kinds": ["merger"], "data_text": dumps(example_data() | {"application_date": "2007-06-30",
                                                                                                     "years": []})}, {"data"}),
    ({"kind": "name", "new_name": "新名称", "description": ""}, {"description"}),
])
def test_a_change_report_names_every_wrong_field(one, kwargs, fields):
    args = {"kind": "name", "event_on": dt.date(2024, 3, 8), "new_name": "新名称", "major_kinds": [], "description": "说明"} | kwargs
    with pytest.raises(InputError) as e:
        services.change_report_submit(acting_user=one.user, certificate=one.cert, today=dt.date(2024, 4, 1), **args)
    assert {i.path.split(":")[0] for i in e.value.issues} == fields
    assert not ChangeReport.objects.exists()


def test_a_name_change_is_publicised_ten_working_days_then_reissued_with_the_same_number_and_validity(
        one, django_capture_on_commit_callbacks):
    s = one
    c = services.change_report_submit(acting_user=s.user, certificate=s.cert, kind="name", event_on=dt.date(2024, 9, 20),
                                      new_name="北京甲一新名称有限公司", major_kinds=[], description="更名", today=dt.date(2024, 9, 26))
    services.change_report_publish(acting_user=s.office_bj, change=c, today=dt.date(2024, 9, 27))
    c.refresh_from_db()
    # 27, 29 (Sunday, a make-up day) and 30 September; the National Day holiday 1–7 October; 8–11, 12 (Saturday, a
    # make-up day), 14 and 15 October: the 10th working day
    assert (c.publicity_first_day, c.publicity_last_day) == (dt.date(2024, 9, 27), dt.date(2024, 10, 15))
    with pytest.raises(TransitionRefused):
        services.change_report_reissue(acting_user=s.office_bj, change=c, today=dt.date(2024, 10, 15))
    run(s, dt.date(2024, 10, 15))
    assert ChangeReport.objects.get(pk=c.pk).state == "in_publicity"  # the last day is still in the period
    run(s, dt.date(2024, 10, 16))
    c.refresh_from_db()
    assert c.state == "publicized"
    cached = services._pdf_path(s.cert)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(b"%PDF old name")
    number, valid_until = s.cert.number, s.cert.valid_until
    with django_capture_on_commit_callbacks(execute=True):
        services.change_report_reissue(acting_user=s.office_bj, change=c, today=dt.date(2024, 10, 16))
    cert = Certificate.objects.get(pk=s.cert.pk)
    assert (cert.number, cert.valid_until, cert.enterprise_name) == (number, valid_until, "北京甲一新名称有限公司")
    assert Enterprise.objects.get(pk=s.ent.pk).name == "北京甲一新名称有限公司"
    assert not cached.exists() and cert.pdf_sha256 == ""  # the printed certificate is printed again with the new name
    from pypdf import PdfReader

    from hnte_web.certificates.services import certificate_pdf

    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate_pdf(cert))).pages)
    assert "北京甲一新名称有限公司" in printed and number in printed and "北京甲一科技有限公司" not in printed
    assert ChangeReport.objects.get(pk=c.pk).reissue.old_name == "北京甲一科技有限公司"


def _major(s, data: dict, name: str = "", today=dt.date(2024, 9, 2), event_on=dt.date(2024, 8, 1)):
    return services.change_report_submit(acting_user=s.user, certificate=s.cert, kind="major", event_on=event_on, new_name=name,
                                         major_kinds=["merger"], description="吸收合并", data_text=dumps(data), today=today)


def test_a_major_change_still_meeting_art_11_keeps_the_status_and_a_new_name_is_reissued(one):
    s = one
    c = _major(s, example_data(), name="北京甲一合并后有限公司")
    with pytest.raises(TransitionRefused):
        services.change_report_publish(acting_user=s.office_bj, change=c, today=dt.date(2024, 9, 3))  # not publicised
    summary = services.change_report_recheck(acting_user=s.office_bj, change=c, today=dt.date(2024, 9, 3))
    assert summary["verdict"] == "eligible"
    with pytest.raises(TransitionRefused):
        services.change_report_lose(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk), reason="x", today=dt.date(2024, 9, 4))
    services.change_report_keep(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk), today=dt.date(2024, 9, 4))
    assert ChangeReport.objects.get(pk=c.pk).state == "kept"
    assert Certificate.objects.get(pk=s.cert.pk).enterprise_name == "北京甲一合并后有限公司"


def test_a_major_change_failing_art_11_is_revoked_from_the_year_of_the_change(one):
    s = one
    data = example_data()
    data["years"][-1]["high_tech_income"] = 1000000  # Art. 11(6) fails after the change
    c = _major(s, data)
    assert services.change_report_recheck(acting_user=s.office_bj, change=c, today=dt.date(2024, 9, 3))["verdict"] == "not_eligible"
    with pytest.raises(TransitionRefused):
        services.change_report_keep(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk), reason="x", today=dt.date(2024, 9, 4))
    with pytest.raises(TransitionRefused):  # a reason is required
        services.change_report_lose(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk), reason="", today=dt.date(2024, 9, 4))
    rev = services.change_report_lose(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk),
                                      reason="高新技术产品收入占比不足60%", today=dt.date(2024, 9, 4))
    assert (rev.ground, rev.start_year, rev.source) == ("art17", 2024, "change_report")
    services.revocation_decide(acting_user=s.office_bj, revocation=rev, reason="决定取消", today=dt.date(2025, 2, 10))
    rev.refresh_from_db()
    assert rev.recovery_years == [2024, 2025] and rev.cites == ["measures_2016#art17"]  # from the change year to the revocation


def test_an_undetermined_recheck_needs_the_offices_reason_to_keep(one):
    s = one
    data = example_data()
    del data["years"][-1]["high_tech_income"]
    c = _major(s, data)
    assert services.change_report_recheck(acting_user=s.office_bj, change=c, today=dt.date(2024, 9, 3))["verdict"] == "undetermined"
    with pytest.raises(TransitionRefused) as e:
        services.change_report_keep(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk), today=dt.date(2024, 9, 4))
    assert e.value.code == "reason"
    services.change_report_keep(acting_user=s.office_bj, change=ChangeReport.objects.get(pk=c.pk), reason="经实地核查收入结构未变",
                                today=dt.date(2024, 9, 4))
    assert ChangeReport.objects.get(pk=c.pk).state == "kept"


@pytest.mark.parametrize("reported_on, proposed", [(dt.date(2024, 11, 1), False), (dt.date(2024, 11, 2), True)])
def test_a_major_change_reported_late_is_proposed_for_revocation_from_the_year_the_deadline_passed(one, reported_on, proposed):
    s = one
    _major(s, example_data(), today=reported_on, event_on=dt.date(2024, 8, 1))  # deadline 2024-11-01
    run(s, reported_on)
    revs = list(Revocation.objects.all())
    assert len(revs) == proposed
    if proposed:
        assert (revs[0].ground, revs[0].source, revs[0].start_year) == ("art19_3", "late_change_report", 2024)
        run(s, reported_on + dt.timedelta(days=1))
        assert Revocation.objects.count() == 1


# --- relocation -----------------------------------------------------------------------------------------------------------


def _move(s, kind="whole", office=None, moved_on=dt.date(2024, 9, 1), today=dt.date(2024, 9, 10), **kw):
    args = {"certificate_number": s.cert.number, "credit_code": s.cert.credit_code, "kind": kind, "to_region": "320505",
            "new_address": "苏州工业园区星湖街1号", "moved_on": moved_on, "evidence": "苏州市市场监管局迁入登记通知书"} | kw
    return services.relocation_record(acting_user=office or s.office_sz, today=today, **args)


def test_a_whole_move_keeps_the_status_and_transfers_the_enterprise_to_the_new_office(one):
    s = one
    reloc = _move(s)
    ent = Enterprise.objects.get(pk=s.ent.pk)
    assert reloc.transferred and (reloc.from_region, ent.region_code) == ("110108", "320505")
    assert status_of(s.cert, dt.date(2024, 9, 10)) == "valid"
    assert s.office_sz.covers_region(ent.region_code) and not s.office_bj.covers_region(ent.region_code)
    assert Notification.objects.filter(user=s.office_bj, message_zh__contains="整体迁出").exists()


def test_after_a_whole_move_the_new_office_lists_and_prints_the_certificate_and_the_old_one_sees_where_it_went(one, client):
    s = one
    client.force_login(s.office_sz)
    assert s.cert.number not in client.get("/certificates/").content.decode()  # before the move: not Suzhou's
    assert client.get(f"/certificates/{s.cert.pk}/certificate.pdf").status_code == 404
    _move(s)
    page = client.get("/certificates/").content.decode()
    row = page[page.index(f'id="cert-{s.cert.pk}"'):].split("</tr>")[0]
    assert s.cert.number in row and "整体迁入" in row
    pdf = client.get(f"/certificates/{s.cert.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(s.office_bj)
    page = client.get("/certificates/").content.decode()
    row = page[page.index(f'id="cert-{s.cert.pk}"'):].split("</tr>")[0]
    assert s.cert.number in row and "已整体迁出至 320505" in row


def test_a_partial_move_leaves_the_certificate_with_the_old_office_only(one, client):
    s = one
    _move(s, kind="partial")
    client.force_login(s.office_sz)
    assert s.cert.number not in client.get("/certificates/").content.decode()
    assert client.get(f"/certificates/{s.cert.pk}/certificate.pdf").status_code == 404
    client.force_login(s.office_bj)
    row = client.get("/certificates/").content.decode().split(f'id="cert-{s.cert.pk}"')[1].split("</tr>")[0]
    assert "迁出" not in row and "迁入" not in row


def test_a_partial_move_needs_a_new_identification(one):
    s = one
    reloc = _move(s, kind="partial")
    assert not reloc.transferred and Enterprise.objects.get(pk=s.ent.pk).region_code == "110108"
    assert Notification.objects.filter(user=s.user, message_zh__contains="重新认定").exists()


@pytest.mark.parametrize("moved_on, ok", [(dt.date(2026, 11, 14), True), (dt.date(2026, 11, 15), False)])
def test_a_move_must_be_completed_within_the_validity(one, moved_on, ok):
    if ok:
        assert _move(one, moved_on=moved_on, today=dt.date(2026, 11, 20)).transferred
    else:
        with pytest.raises(TransitionRefused) as e:
            _move(one, moved_on=moved_on, today=dt.date(2026, 11, 20))
        assert e.value.code == "moved_on"


@pytest.mark.parametrize("kw, field", [
    ({"credit_code": "91110105MA01GGGG3"}, "certificate_number"),  # number and credit code must match
    ({"to_region": "110105"}, "to_region"),  # not this office's region
    ({"to_region": "32050"}, "to_region"),
    ({"evidence": ""}, "evidence"),
])
def test_a_move_names_what_is_wrong(one, kw, field):
    with pytest.raises(InputError) as e:
        _move(one, **kw)
    assert field in {i.path for i in e.value.issues}


def test_the_old_office_cannot_record_a_move_within_its_own_region(one):
    with pytest.raises(InputError) as e:
        _move(one, office=one.office_bj, to_region="110105")
    assert [i.path for i in e.value.issues] == ["to_region"] and "同一认定机构" in e.value.issues[0].message_zh


# --- checks ---------------------------------------------------------------------------------------------------------------


def test_a_stratified_draw_is_reproducible_and_represents_every_stratum():
    population = {"1101/1": [f"GR{i:03d}" for i in range(10)], "1101/8": ["GR900"], "1105/1": [f"GR5{i:02d}" for i in range(7)]}
    a = services.stratified_draw(population, Fraction(3, 10), seed=42)
    assert a == services.stratified_draw(population, Fraction(3, 10), seed=42)
    assert {k: len(v) for k, v in a.items()} == {"1101/1": 3, "1101/8": 1, "1105/1": 3}  # ⌈0.3 × 10⌉, ⌈0.3 × 1⌉, ⌈2.1⌉
    assert all(set(a[k]) <= set(population[k]) for k in a)
    draws = {tuple(services.stratified_draw(population, Fraction(3, 10), seed=n)["1101/1"]) for n in range(20)}
    assert len(draws) > 10  # the seed matters


def test_a_random_check_records_its_seed_rate_and_strata_and_replays(one):
    s = one
    for i, region in enumerate(["110105", "110228", "110228"]):
        identified(s.office_bj, f"x{i}", f"北京测试{i}科技有限公司", f"91{region}MA01JJJJ{i}", region, ISSUED, shift=-1)
    check = services.check_draw(acting_user=s.office_bj, title="2025年随机抽查", rate="50%", seed=20250301, today=dt.date(2025, 3, 1))
    assert (check.seed, check.rate, check.population, check.stratum_prefix_length) == (20250301, "0.5", 4, 4)
    # strata one level below the office's region (1101 urban districts, 1102 counties) × first-level field
    assert {k: (len(v["population"]), len(v["drawn"])) for k, v in check.strata.items()} == {"1101/1": (2, 1), "1102/1": (2, 1)}
    replay = services.stratified_draw({k: v["population"] for k, v in check.strata.items()}, Fraction(1, 2), 20250301)
    assert replay == {k: v["drawn"] for k, v in check.strata.items()}
    drawn = sorted(CheckItem.objects.filter(check_run=check).values_list("certificate__number", flat=True))
    assert drawn == sorted(replay["1101/1"] + replay["1102/1"])
    event = AuditEvent.objects.get(action="check.draw")
    assert event.data["seed"] == 20250301 and event.data["drawn"] == 2


@pytest.mark.parametrize("rate", ["0", "1.01", "abc", "-0.1"])
def test_a_draw_rate_must_be_above_zero_and_at_most_one(one, rate):
    with pytest.raises(InputError) as e:
        services.check_draw(acting_user=one.office_bj, title="抽查", rate=rate, today=dt.date(2025, 3, 1))
    assert [i.path for i in e.value.issues] == ["rate"]


def test_a_targeted_check_only_names_certificates_of_the_region_and_records_findings_once(one):
    s = one
    with pytest.raises(InputError) as e:
        services.check_targeted(acting_user=s.office_sz, title="重点检查", reason="举报", certificate_numbers=[s.cert.number],
                                today=dt.date(2025, 3, 1))
    assert e.value.issues[0].path == "certificate_numbers"
    check = services.check_targeted(acting_user=s.office_bj, title="重点检查", reason="举报", certificate_numbers=[s.cert.number],
                                    today=dt.date(2025, 3, 1))
    item = check.items.get()
    with pytest.raises(InputError) as e:
        services.check_item_record(acting_user=s.office_bj, item=item, checked_on=dt.date(2025, 3, 5), inspectors="王五",
                                   findings="", conclusion="", today=dt.date(2025, 3, 5))
    assert {i.path for i in e.value.issues} == {"findings", "conclusion"}
    services.check_item_record(acting_user=s.office_bj, item=item, checked_on=dt.date(2025, 3, 5), inspectors="王五、赵六",
                               findings="研发人员花名册与社保记录不符", conclusion="noncompliant", today=dt.date(2025, 3, 5))
    item.refresh_from_db()
    assert (item.state, item.conclusion) == ("done", "noncompliant")
    with pytest.raises(TransitionRefused):
        services.check_item_record(acting_user=s.office_bj, item=item, checked_on=dt.date(2025, 3, 6), inspectors="王五",
                                   findings="再查", conclusion="compliant", today=dt.date(2025, 3, 6))


# --- re-examination ---------------------------------------------------------------------------------------------------------


def _rx(s, data, year=2023, **kw):
    args = {"certificate_number": s.cert.number, "credit_code": s.cert.credit_code, "department": "北京市税务局",
            "document_number": "京税函〔2025〕7号", "letter_date": dt.date(2025, 3, 1), "dispute": "rd_ratio", "disputed_year": year,
            "grounds": "研发费用归集存疑", "data_text": dumps(data)} | kw
    return services.reexamination_record(acting_user=s.office_bj, today=dt.date(2025, 3, 3), **args)


def _four_years():
    data = example_data()  # 2021–2023, application 2024-06-30
    extra = dict(data["years"][-1], year=2024)
    data["years"].append(extra)
    data["application_date"] = "2025-06-30"
    return data


def test_an_rd_ratio_dispute_is_recomputed_over_the_disputed_year_and_the_two_before(one):
    rx = _rx(one, _four_years())
    assert rx.result["years"] == [2021, 2022, 2023] and rx.result["status"] == "pass"
    with pytest.raises(TransitionRefused):
        services.reexamination_conclude(acting_user=one.office_bj, reexamination=rx, conforming=False, reason="x", today=dt.date(2025, 3, 4))
    services.reexamination_conclude(acting_user=one.office_bj, reexamination=rx, conforming=True, reason="复核符合", today=dt.date(2025, 3, 4))
    assert not Revocation.objects.exists()


def test_a_failing_ratio_leads_to_revocation_from_the_disputed_year(one):
    data = _four_years()
    data["years"][2]["sales_revenue"] = 200000001  # the 2023 sales raise nothing but the tier: 3 %
    for y in data["years"][:3]:
        y["rd_expenses"] = {k: 0 for k in y["rd_expenses"]} | {"personnel": 100000}
    rx = _rx(one, data)
    assert rx.result["status"] == "fail" and rx.result["tier"] == 3
    rev = services.reexamination_conclude(acting_user=one.office_bj, reexamination=rx, conforming=False, reason="复核不符合",
                                          today=dt.date(2025, 3, 4))
    assert (rev.ground, rev.start_year, rev.source) == ("art16", 2023, "reexamination")
    services.revocation_decide(acting_user=one.office_bj, revocation=rev, reason="决定取消", today=dt.date(2025, 3, 10))
    rev.refresh_from_db()
    assert rev.recovery_years == [2023, 2024, 2025] and rev.cites == ["measures_2016#art16"]


@pytest.mark.parametrize("kw, field", [({"document_number": ""}, "document_number"), ({"disputed_year": 2030}, "disputed_year"),
                                       ({"data_text": ""}, "data"), ({"credit_code": "91110105MA01GGGG3"}, "certificate_number")])
def test_a_reexamination_request_names_what_is_missing(one, kw, field):
    with pytest.raises(InputError) as e:
        _rx(one, _four_years(), **kw)
    assert field in {i.path.split(":")[0] for i in e.value.issues}


def test_the_disputed_year_must_be_in_the_figures(one):
    with pytest.raises(InputError) as e:
        _rx(one, example_data(), year=2025)
    assert {i.path for i in e.value.issues} == {"data"}


# --- revocation -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ground, start, revoked_on, years", [
    ("art19_1", 2022, dt.date(2025, 3, 1), [2023, 2024, 2025]),   # fraud in the application (before the certificate)
    ("art19_2", 2024, dt.date(2025, 3, 1), [2024, 2025]),
    ("art16", 2025, dt.date(2025, 3, 1), [2025]),
    ("art19_3", 2026, dt.date(2026, 6, 2), []),                    # after the last benefit year: nothing to recover
])
def test_the_recovery_years_follow_the_ground(one, ground, start, revoked_on, years):
    rev = services.revocation_propose(acting_user=one.office_bj, certificate=one.cert, ground=ground, start_year=start,
                                      basis="事实", today=revoked_on)
    services.revocation_decide(acting_user=one.office_bj, revocation=rev, reason="决定", today=revoked_on)
    rev.refresh_from_db()
    assert rev.recovery_years == years and rev.revoked_on == revoked_on
    assert (f"追缴其{'、'.join(map(str, years))}年度" in rev.announcement) if years else "无应追缴" in rev.announcement


def test_a_revocation_is_decided_once_dismissed_with_a_reason_and_other_regions_cannot(one):
    s = one
    a = services.revocation_propose(acting_user=s.office_bj, certificate=s.cert, ground="art19_2", start_year=2024, basis="事故",
                                    today=dt.date(2025, 1, 2))
    b = services.revocation_propose(acting_user=s.lgo, certificate=s.cert, ground="art19_1", start_year=2023, basis="弄虚作假",
                                    today=dt.date(2025, 1, 2))
    with pytest.raises(TransitionRefused):
        services.revocation_decide(acting_user=s.office_sz, revocation=a, reason="x", today=dt.date(2025, 1, 3))
    with pytest.raises(TransitionRefused):
        services.revocation_dismiss(acting_user=s.office_bj, revocation=a, reason="", today=dt.date(2025, 1, 3))
    services.revocation_decide(acting_user=s.office_bj, revocation=a, reason="决定", today=dt.date(2025, 1, 3))
    with pytest.raises(TransitionRefused):  # already revoked
        services.revocation_decide(acting_user=s.office_bj, revocation=Revocation.objects.get(pk=b.pk), reason="决定", today=dt.date(2025, 1, 4))
    services.revocation_dismiss(acting_user=s.office_bj, revocation=Revocation.objects.get(pk=b.pk), reason="已取消，无需再议",
                                today=dt.date(2025, 1, 4))
    with pytest.raises(TransitionRefused):
        services.revocation_propose(acting_user=s.office_bj, certificate=s.cert, ground="art16", start_year=2024, basis="x",
                                    today=dt.date(2025, 1, 5))
    with pytest.raises(TransitionRefused):  # a revoked enterprise reports no change
        services.change_report_submit(acting_user=s.user, certificate=s.cert, kind="name", event_on=dt.date(2025, 1, 1),
                                      new_name="新名", major_kinds=[], description="更名", today=dt.date(2025, 1, 5))
    assert status_of(s.cert, dt.date(2025, 1, 2)) == "valid" and status_of(s.cert, dt.date(2025, 1, 3)) == "revoked"


# --- expiry and re-identification ---------------------------------------------------------------------------------------------


def test_expiry_notice_the_day_after_the_last_day_once_when_not_reidentified(one):
    run(one, dt.date(2026, 11, 14))
    assert not Reminder.objects.filter(kind="expired").exists()
    run(one, dt.date(2026, 11, 15), dt.date(2026, 11, 16))
    m = Reminder.objects.get(kind="expired")
    assert (m.scheduled_on, m.sent_on) == (dt.date(2026, 11, 15), dt.date(2026, 11, 15))


def test_a_reidentification_is_prefilled_and_marks_the_class_ii_ip(one):
    app = services.reidentification_prefill(acting_user=one.user, certificate=one.cert, today=dt.date(2026, 3, 2))
    data = app.data
    assert [y["year"] for y in data["years"]] == [2023, 2024, 2025] and data["application_date"] == "2026-03-02"
    assert {ip["number"] for ip in data["intellectual_property"] if ip.get("used_in_previous_application")} == {
        "2021SR0100001", "2022SR0200002"}
    assert all("income" not in p for p in data["products"]) and app.state == "draft"
    with pytest.raises(TransitionRefused):
        services.reidentification_prefill(acting_user=one.office_bj, certificate=one.cert, today=dt.date(2026, 3, 2))


def test_one_record_failing_never_stops_the_run_for_the_others(one, monkeypatch):
    s = one
    other = identified(s.office_bj, "e2", "北京乙二科技有限公司", "91110105MA01FFFF2", "110105", ISSUED, shift=-1)[3]
    original = services.annual_report_open

    def broken(**kw):
        if kw["certificate"].pk == s.cert.pk:
            raise RuntimeError("disk full")
        return original(**kw)

    monkeypatch.setattr(services, "annual_report_open", broken)
    with pytest.raises(CommandError, match=f"certificate {s.cert.pk}: RuntimeError: disk full"):
        call_command("supervise", "--today", "2024-01-01", stdout=io.StringIO())
    assert list(AnnualReport.objects.values_list("certificate_id", flat=True)) == [other.pk]


def test_the_prepayment_warning_falls_back_to_the_parameter_when_the_old_file_no_longer_assesses(one):
    from hnte_web.applications.models import ApplicationVersion

    assert services.prepayment_warning(one.cert)["expiry_year"] == 2026  # the advisor: 2023 + 3
    data = one.app.versions.get().data
    data["application_date"] = "2005-06-30"  # before any law version in force: the engine refuses it
    ApplicationVersion.objects.filter(application=one.app).update(data_json=dumps(data))
    warning = services.prepayment_warning(one.cert)
    assert (warning["expiry_year"], warning["prepay_rate"], warning["true_up_rate"]) == (2026, 0.15, 0.25)
    assert warning["cites"]
