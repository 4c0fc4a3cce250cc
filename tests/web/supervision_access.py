"""The supervision pages in the access matrix (``test_access.py`` adds these entries, targets and objects).

The objects belong to enterprise A's certificate of the matrix world (issued 2024-12-10): an annual report (2024,
opened 2025-01-02), a major-change report, a revocation proposal (Art. 19(二)), a targeted check with its item and
a re-examination (all created through the services, on their own dates). The matrix's own day stays
``w.today``.
"""

from __future__ import annotations

import datetime as dt


def world(w) -> None:
    from hnte_web.publicity.services import system_user
    from hnte_web.supervision import services

    from .conftest import example_data

    cert = w.cert
    w.sup_report = services.annual_report_open(acting_user=system_user(), certificate=cert, year=2024, today=dt.date(2025, 1, 2))
    from hnte_web.applications.filedata import dumps

    text = dumps(example_data())
    w.sup_change = services.change_report_submit(acting_user=w.user_a, certificate=cert, kind="major", event_on=dt.date(2025, 1, 6),
                                                 new_name="", major_kinds=["restructuring"], description="重组", data_text=text,
                                                 today=dt.date(2025, 1, 10))
    w.sup_rev = services.revocation_propose(acting_user=w.office_bj, certificate=cert, ground="art19_2", start_year=2025,
                                            basis="发生重大安全事故（测试）", today=dt.date(2025, 3, 1))
    w.sup_check = services.check_targeted(acting_user=w.office_bj, title="重点检查", reason="举报核查", certificate_numbers=[cert.number],
                                          today=dt.date(2025, 2, 1))
    w.sup_item = w.sup_check.items.get()
    w.sup_rx = services.reexamination_record(
        acting_user=w.office_bj, certificate_number=cert.number, credit_code=cert.credit_code, department="北京市税务局",
        document_number="京税函〔2025〕1号", letter_date=dt.date(2025, 2, 1), dispute="other", disputed_year=2024,
        grounds="高新技术产品收入核算存疑", today=dt.date(2025, 2, 3))
    w.ids.update({"sup_report": w.sup_report.pk, "sup_change": w.sup_change.pk, "sup_rev": w.sup_rev.pk,
                  "sup_check": w.sup_check.pk, "sup_rx": w.sup_rx.pk})


def kwargs(w) -> dict:
    if not hasattr(w, "sup_report"):
        return {}
    return {"sup_report": {"pk": w.sup_report.pk}, "sup_change": {"pk": w.sup_change.pk}, "sup_rev": {"pk": w.sup_rev.pk},
            "sup_check": {"pk": w.sup_check.pk}, "sup_item": {"pk": w.sup_item.pk}, "sup_rx": {"pk": w.sup_rx.pk}}


REPORT = {"ip_class_i": "1", "ip_class_ii": "0", "staff_total": "60", "science_tech_staff": "10", "rd_total": "300",
          "rd_domestic": "280", "total_income": "4700", "non_taxable_income": "50", "sales_revenue": "4500", "high_tech_income": "3600"}


def entries(Entry, expect, everyone, ENTERPRISES, OFFICES) -> list:
    ent_a_only = {"ent_a": "200"}
    readers = {"office_bj": "200", "lgo": "200"}
    return [
        # the enterprise's side (A owns the certificate)
        Entry("supervision_enterprise", "GET", "", expect(**ENTERPRISES)),
        Entry("annual_report_edit", "GET", "sup_report", expect(**ent_a_only)),
        Entry("annual_report_edit", "POST", "sup_report", expect(ent_a="302 /enterprise/supervision/reports/{sup_report}/"),
              data=lambda w: dict(REPORT), mutates=True),
        Entry("change_report_new", "GET", "cert", expect(**ent_a_only)),
        Entry("change_report_new", "POST", "cert", expect(ent_a="400"),
              data=lambda w: {"kind": "name", "event_on": "2024-10-01", "new_name": "甲新名称有限公司", "description": "更名"},
              note="on the matrix day the certificate is not yet valid: refused, nothing written"),
        Entry("reidentify", "GET", "cert", expect(ent_a="405", ent_b="405", ent_c="405")),
        Entry("reidentify", "POST", "cert", expect(ent_a="302 /applications/*"), data=lambda w: {}, mutates=True),
        # the office's side
        Entry("supervision_office", "GET", "", expect(**OFFICES)),
        Entry("local_deadline", "GET", "", expect(office_bj="405", office_sz="405")),
        Entry("local_deadline", "POST", "", expect(office_bj="302 /office/supervision/", office_sz="302 /office/supervision/"),
              data=lambda w: {"due_on": "2025-05-20", "notice": "本地通知（测试）"}, mutates=True, note="offices only, each its region"),
        Entry("supervision_record", "GET", "cert", expect(**readers)),
        Entry("revocation_propose", "GET", "cert", expect(office_bj="405", office_sz="405", lgo="405")),
        Entry("revocation_propose", "POST", "cert", expect(office_bj="302 /office/supervision/revocations/*",
                                                           lgo="302 /office/supervision/revocations/*"),
              data=lambda w: {"ground": "art19_1", "start_year": "2024", "basis": "申请材料弄虚作假（测试）"}, mutates=True),
        Entry("change_report_detail", "GET", "sup_change", expect(**readers)),
        Entry("change_report_detail", "POST", "sup_change", expect(office_bj="302 /office/supervision/changes/{sup_change}/",
                                                                   lgo="302 /office/supervision/changes/{sup_change}/"),
              data=lambda w: {"action": "recheck"}, mutates=True, note="the engine re-checks the figures after the change"),
        Entry("revocation_detail", "GET", "sup_rev", expect(**readers)),
        Entry("revocation_detail", "POST", "sup_rev", expect(office_bj="302 /office/supervision/revocations/{sup_rev}/",
                                                             lgo="302 /office/supervision/revocations/{sup_rev}/"),
              data=lambda w: {"action": "revoke", "reason": "经核实，决定取消"}, mutates=True),
        Entry("checks", "GET", "", expect(**OFFICES)),
        Entry("checks", "POST", "", expect(office_bj="302 /office/supervision/checks/*", office_sz="302 /office/supervision/checks/*",
                                           lgo="302 /office/supervision/checks/*"),
              data=lambda w: {"kind": "random", "title": "随机抽查", "rate": "0.5", "seed": "7"}, mutates=True),
        Entry("check_detail", "GET", "sup_check", expect(**readers)),
        Entry("check_item", "GET", "sup_item", expect(**readers)),
        Entry("check_item", "POST", "sup_item", expect(office_bj="302 /office/supervision/checks/{sup_check}/",
                                                       lgo="302 /office/supervision/checks/{sup_check}/"),
              data=lambda w: {"checked_on": "2024-10-08", "inspectors": "王五、赵六", "findings": "研发台账完整",
                              "conclusion": "compliant"}, mutates=True),
        Entry("reexaminations", "GET", "", expect(**OFFICES)),
        Entry("reexaminations", "POST", "", expect(office_bj="400", office_sz="400", lgo="400"),
              data=lambda w: {"certificate_number": w.cert.number, "department": "税务局", "dispute": "other"},
              note="no credit code given: the certificate is not found (a number alone reveals nothing)"),
        Entry("reexamination_detail", "GET", "sup_rx", expect(**readers)),
        Entry("reexamination_detail", "POST", "sup_rx", expect(office_bj="302 /office/supervision/reexaminations/{sup_rx}/",
                                                               lgo="302 /office/supervision/reexaminations/{sup_rx}/"),
              data=lambda w: {"conclusion": "conform", "reason": "核实符合"}, mutates=True),
        Entry("relocations", "GET", "", expect(**OFFICES)),
        Entry("relocations", "POST", "", expect(office_bj="400", office_sz="400"),
              data=lambda w: {"certificate_number": w.cert.number, "kind": "whole"},
              note="the office of the new region records a move; the LGO only reads"),
        Entry("supervision_dashboard", "GET", "", expect(**OFFICES)),
        Entry("dashboard_export_csv", "GET", "", expect(**OFFICES)),
        Entry("dashboard_export_xlsx", "GET", "", expect(**OFFICES)),
        # public lists
        Entry("public_identified", "GET", "", everyone("200"), public=True),
        Entry("public_revoked", "GET", "", everyone("200"), public=True),
        Entry("public_name_changes", "GET", "", everyone("200"), public=True),
    ]
