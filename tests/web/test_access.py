"""Who may see and do what: a declarative matrix of every URL pattern and API operation against every role.

Each request runs in its own savepoint (rolled back afterwards), so every role meets the same world and a
refused request can be shown to have changed nothing. Outcomes:

- ``"200"``/``"400"``: allowed (that status); ``"302 /path"``: allowed, redirected there (``*`` = prefix);
- ``"login"``: anonymous, sent to the log-in page; ``"404"``: refused without revealing the object exists;
- ``"401"``: token API without a (valid) token; ``"405"``: wrong method.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from . import supervision_access
from .conftest import PASSWORD, enterprise_fields, example_data, make_user

ROLES = ("anon", "ent_a", "ent_b", "ent_c", "office_bj", "office_sz", "lgo", "expert", "expert_panel")
REFUSED = {"login", "404", "401", "405"}
SEES_A = {"ent_a", "office_bj", "lgo"}  # nobody else may ever see a trace of enterprise A (its experts included)


def pdf_bytes() -> bytes:
    """A small but real PDF (one blank page)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def expect(default: str = "404", anon: str = "login", **roles: str) -> dict[str, str]:
    out = dict.fromkeys(ROLES, default)
    out["anon"] = anon
    out.update(roles)
    if "expert_panel" not in roles:  # the expert on A's panel is an expert like any other, unless said otherwise
        out["expert_panel"] = out["expert"]
    return out


def everyone(outcome: str) -> dict[str, str]:
    return expect(outcome, anon=outcome)


ENTERPRISES = {"ent_a": "200", "ent_b": "200", "ent_c": "200"}
SUBMITTED_READERS = {"ent_a": "200", "office_bj": "200", "lgo": "200"}  # A's submitted application
OFFICES = {"office_bj": "200", "office_sz": "200", "lgo": "200"}


@dataclass(frozen=True)
class Entry:
    name: str  # URL pattern name ("api:<name>" for the ninja API)
    method: str
    target: str  # which objects fill the URL (see ``_kwargs``)
    expect: dict[str, str]
    data: Callable[[Any], dict] | None = None  # POST body, built per request
    # True: an allowed request changes the domain state (or only these roles' requests do); a refused one never does
    mutates: bool | tuple[str, ...] = False
    op: str | None = None  # the API operation ("GET /api/v1/...") this entry exercises
    note: str = ""
    query: str = ""  # appended to the URL ("?number={cert_number}")
    public: bool = False  # published by law (publicity lists, certificate verification): A's name may show, nothing else


def _signup(w) -> dict:
    fields = enterprise_fields("丁科技有限公司", "91110101MA01DDDD4", "110101")
    return {**{k: str(v) for k, v in fields.items()}, "registered_capital": "1000", "username": "ent_d",
            "password": PASSWORD, "password2": PASSWORD}


def _import(w) -> dict:
    from hnte_web.applications.services import application_export

    return {"file": SimpleUploadedFile("a.json", application_export(w.draft_a).encode("utf-8"), content_type="application/json")}


def _expert_post(w) -> dict:
    from .test_experts import org_code

    return {"username": "new_expert", "password": "long-enough-pw-1", "kind": "technical", "name": "新专家", "title": "研究员",
            "senior_title": "on", "fields": "1", "organisation": "某研究所", "organisation_credit_code": org_code(88001),
            "active": "on"}


def _technical_form(w) -> dict:
    from .test_experts import tech_raw

    return tech_raw()


def _assess_body(w) -> str:
    from hnte_web.applications.filedata import dumps

    return dumps(example_data())


SUBMIT = {"commitment_by": "张三", "agree": "on"}

MATRIX: list[Entry] = [
    # public and personal pages
    Entry("home", "GET", "", expect("404", anon="200", ent_a="302 /enterprise/", ent_b="302 /enterprise/", ent_c="302 /enterprise/",
                                    office_bj="302 /office/", office_sz="302 /office/", lgo="302 /office/", expert="302 /expert/")),
    Entry("healthz", "GET", "", everyone("200")),
    Entry("workflow", "GET", "", everyone("200")),
    Entry("notifications", "GET", "", expect("200")),
    Entry("login", "GET", "", everyone("200")),
    Entry("login", "POST", "", everyone("302 /"), data=lambda w: {"username": "ent_a", "password": PASSWORD}),
    Entry("login", "POST", "", everyone("200"), data=lambda w: {"username": "ent_a", "password": "wrong-password-1"},
          note="a wrong password re-renders the form"),
    Entry("logout", "GET", "", everyone("405")),
    Entry("logout", "POST", "", everyone("302 /accounts/login/"), data=lambda w: {}),
    Entry("password_change", "GET", "", expect("200")),
    Entry("tokens", "GET", "", expect("200")),
    Entry("tokens", "POST", "", expect("200"), data=lambda w: {"label": "ci"}, mutates=True),
    Entry("register", "GET", "", expect("302 /", anon="200")),
    Entry("register", "POST", "", expect("302 /", anon="302 /enterprise/"), data=_signup, mutates=("anon",)),
    # the enterprise's side
    Entry("enterprise_home", "GET", "", expect(**ENTERPRISES)),
    Entry("registration_edit", "GET", "", expect(ent_a="302 /enterprise/", ent_b="302 /enterprise/", ent_c="302 /enterprise/"),
          note="only a returned registration can be corrected"),
    Entry("application_new", "GET", "", expect(ent_a="405", ent_b="405", ent_c="405")),
    Entry("application_new", "POST", "", expect(ent_a="302 /applications/*", ent_b="302 /applications/*", ent_c="302 /applications/*"),
          data=lambda w: {"programme": "national"}, mutates=True, note="drafts are allowed before activation (C)"),
    Entry("application_detail", "GET", "sub", expect(**SUBMITTED_READERS)),
    Entry("application_detail", "GET", "draft", expect(ent_a="200"), note="offices never see drafts"),
    Entry("application_detail", "GET", "b", expect(ent_b="200", office_bj="404", lgo="404"), note="B's own (empty) draft"),
    Entry("application_edit", "GET", "draft_basic", expect(ent_a="200")),
    Entry("application_edit", "GET", "sub_basic", expect(ent_a="200")),
    Entry("application_edit", "GET", "draft_nosection", expect(), note="an unknown section is a 404 even for the owner"),
    Entry("application_edit", "POST", "draft_basic", expect(ent_a="302 /applications/{draft}/edit/basic/"),
          data=lambda w: {"enterprise.technical_field": "1.1.2"}, mutates=True),
    Entry("application_edit", "POST", "sub_basic", expect(ent_a="302 /applications/{sub}/"),
          data=lambda w: {"enterprise.technical_field": "1.1.2"}, note="a submitted application cannot be changed"),
    Entry("application_panel", "GET", "sub", expect(**SUBMITTED_READERS)),
    Entry("application_panel", "GET", "draft", expect(ent_a="200")),
    Entry("application_trace", "GET", "sub_trace", expect(**SUBMITTED_READERS)),
    Entry("application_trace", "GET", "draft_trace", expect(ent_a="200"), note="offices never see drafts, nor their traces"),
    Entry("application_export", "GET", "draft", expect(ent_a="200")),
    Entry("application_export", "GET", "sub", expect(ent_a="200"), note="offices read versions, never the live data"),
    Entry("version_detail", "GET", "sub_v1", expect(**SUBMITTED_READERS)),
    Entry("version_detail", "GET", "draft_v1", expect(), note="a draft has no version"),
    Entry("version_export", "GET", "sub_v1", expect(**SUBMITTED_READERS)),
    Entry("version_export", "GET", "draft_v1", expect()),
    Entry("application_import", "GET", "draft", expect(ent_a="200")),
    Entry("application_import", "POST", "draft", expect(ent_a="302 /applications/{draft}/edit/basic/"), data=_import, mutates=True),
    Entry("attachments", "GET", "sub", expect(**SUBMITTED_READERS)),
    Entry("attachments", "GET", "draft", expect(ent_a="200")),
    Entry("attachments", "POST", "draft", expect(ent_a="302 /applications/{draft}/attachments/"),
          data=lambda w: {"file": pdf_upload(), "kind": "other"}, mutates=True),
    Entry("attachments", "POST", "sub", expect(ent_a="400"), data=lambda w: {"file": pdf_upload(), "kind": "other"},
          note="nothing can be added to a submitted application; offices never upload"),
    Entry("application_submit", "GET", "draft", expect(ent_a="200")),
    Entry("application_submit", "POST", "draft", expect(ent_a="302 /applications/{draft}/"), data=lambda w: SUBMIT, mutates=True),
    Entry("pilot_form", "GET", "sub", expect(**SUBMITTED_READERS)),
    Entry("pilot_form", "GET", "draft", expect(ent_a="200")),
    Entry("attachment_download", "GET", "att_sub", expect(**SUBMITTED_READERS)),
    Entry("attachment_download", "GET", "att_draft", expect(ent_a="200")),
    Entry("attachment_remove", "GET", "att_draft", expect(ent_a="405", ent_b="405", ent_c="405")),
    Entry("attachment_remove", "POST", "att_draft", expect(ent_a="302 /applications/{draft}/attachments/"), data=lambda w: {},
          mutates=True),
    Entry("attachment_remove", "POST", "att_sub", expect(ent_a="302 /applications/{sub}/attachments/"), data=lambda w: {},
          note="a submitted version's attachment stays"),
    # the office's side
    Entry("office_home", "GET", "", expect(**OFFICES)),
    Entry("batches", "GET", "", expect(**OFFICES)),
    Entry("batches", "POST", "", expect(office_bj="302 /office/batches/", office_sz="302 /office/batches/", lgo="400"),
          data=lambda w: {"name": "第二批", "year": "2024", "deadline": "2024-09-30"}, mutates=True,
          note="batches belong to an office's region: the LGO creates none"),
    Entry("batch_report", "GET", "batch_bj", expect(office_bj="405", office_sz="405")),
    Entry("batch_report", "POST", "batch_bj", expect(office_bj="302 /office/batches/"), data=lambda w: {},
          note="another region's batch is not there; nothing recommended yet, so nothing changes"),
    Entry("application_action", "GET", "sub", expect(office_bj="405", office_sz="405", lgo="405")),
    Entry("application_action", "POST", "sub", expect(office_bj="302 /applications/{sub}/", lgo="409"),
          data=lambda w: {"action": "return", "reason": "请补充专利证书"}, mutates=True,
          note="formal review is the region's office's; the LGO sees but does not decide it"),
    Entry("application_action", "POST", "sub", expect(office_bj="400", lgo="400"), data=lambda w: {"action": "fly"}),
    Entry("application_action", "POST", "draft", expect(), data=lambda w: {"action": "return", "reason": "请补充专利证书"}),
    Entry("onsite_check", "GET", "sub", expect(office_bj="200")),
    Entry("onsite_check", "GET", "draft", expect()),
    Entry("onsite_check", "POST", "sub", expect(office_bj="302 /applications/{sub}/"), mutates=True,
          data=lambda w: {"checked_on": "2024-07-01", "inspectors": "王五、赵六", "findings": "研发场所与申报一致"}),
    Entry("office_registration", "GET", "reg_c", expect(office_sz="200", lgo="200")),
    Entry("office_registration", "GET", "reg_a", expect(office_bj="200", lgo="200")),
    Entry("office_registration", "POST", "reg_c", expect(office_sz="302 /office/registrations/{reg_c}/",
                                                         lgo="302 /office/registrations/{reg_c}/"),
          data=lambda w: {"action": "activate"}, mutates=True),
    Entry("office_registration", "POST", "reg_c", expect(office_sz="302 /office/registrations/{reg_c}/",
                                                         lgo="302 /office/registrations/{reg_c}/"),
          data=lambda w: {"action": "return", "reason": "营业执照不清晰"}, mutates=True),
    Entry("expert_home", "GET", "", expect("302 /", expert="200")),
    # the experts (expert_panel sits on the panel of A's application under review; expert sits on none)
    Entry("expert_review", "GET", "panel", expect(expert_panel="200"), note="only the anonymised projection"),
    Entry("expert_review", "POST", "panel", expect(expert_panel="302 /expert/reviews/{panel}/?saved=1"), data=_technical_form,
          mutates=True),
    Entry("expert_review_json", "GET", "panel", expect(expert_panel="200")),
    Entry("expert_decline", "GET", "panel", expect(expert="405", expert_panel="405")),
    Entry("expert_decline", "POST", "panel", expect(expert_panel="302 /expert/"), data=lambda w: {"reason": "回避"}, mutates=True),
    Entry("expert_evaluation", "GET", "panel", expect(expert_panel="200"), note="the panel leader's page"),
    Entry("expert_evaluation", "POST", "panel", expect(expert_panel="400"), data=lambda w: {**_technical_form(w), "opinion": "同意"},
          note="refused until every member's form is in"),
    Entry("expert_attachment", "GET", "att_rev", expect(expert_panel="200"), note="a screened de-identified copy, to members only"),
    Entry("expert_attachment", "GET", "att_sub", expect(), note="never an original"),
    Entry("office_experts", "GET", "", expect(**OFFICES)),
    Entry("office_experts", "POST", "", expect(office_bj="302 /office/experts/*", office_sz="302 /office/experts/*", lgo="400"),
          data=_expert_post, mutates=True, note="each office adds to its own pool; the LGO only reads"),
    Entry("office_expert", "GET", "expert_bj", expect(office_bj="200", lgo="200")),
    Entry("office_expert", "POST", "expert_bj", expect(office_bj="302 /office/experts/{expert_bj}/", lgo="400"),
          data=lambda w: {**_expert_post(w), "conflicts": w.ent_b.credit_code}, mutates=True),
    Entry("office_panel", "GET", "rev", expect(office_bj="200", lgo="200")),
    Entry("office_panel", "GET", "sub", expect(office_bj="200", lgo="200"), note="no panel before acceptance"),
    Entry("office_panel", "POST", "rev", expect(office_bj="302 /office/applications/{rev}/panel/", lgo="400"),
          data=lambda w: {"action": "decline", "member": str(w.member_rev.pk), "reason": "专家电话告知回避"}, mutates=True),
    Entry("office_panel", "POST", "sub", expect(office_bj="400", lgo="400"), data=lambda w: {"action": "draw"},
          note="a submitted application is not yet accepted"),
    Entry("office_panel_record", "GET", "rev", expect(office_bj="200", lgo="200")),
    Entry("office_panel_record", "GET", "sub", expect()),
    # publicity (public lists and objections; the LGO publishes; the offices handle objections) and certificates
    Entry("publicity_list", "GET", "", everyone("200"), public=True),
    Entry("publicity_detail", "GET", "pub", everyone("200"), public=True, note="number, name, region and period: public"),
    Entry("objection_new", "GET", "pub", everyone("200"), public=True),
    Entry("objection_new", "POST", "pub", everyone("302 /publicity/{pub}/?objection=received"), public=True, mutates=True,
          data=lambda w: {"entry_number": "1", "name": "钱七", "phone": "13912345678", "pledge": "on",
                          "content": "该企业申报的研发人员数量与社保缴纳人数明显不符，请核实。"}, note="anyone may object in writing, under real name"),
    Entry("publicity_entry_end", "GET", "entry", expect(office_bj="405", office_sz="405", lgo="405")),
    Entry("publicity_entry_end", "POST", "entry", expect(office_bj="409", lgo="409"), data=lambda w: {},
          note="the period is still running"),
    Entry("objection_list", "GET", "", expect(**OFFICES)),
    Entry("objection_detail", "GET", "objection", expect(office_bj="200", lgo="200")),
    Entry("objection_detail", "POST", "objection", expect(office_bj="302 /office/objections/{objection}/",
                                                          lgo="302 /office/objections/{objection}/"),
          data=lambda w: {"action": "verify", "reason": "调取花名册核实"}, mutates=True),
    Entry("publicity_new", "GET", "", expect(lgo="200")),
    Entry("publicity_new", "POST", "", expect(lgo="400"), data=lambda w: {"title": "名单", "published_on": "2024-10-09"},
          note="no application chosen"),
    Entry("calendar_years", "GET", "", expect(lgo="200")),
    Entry("calendar_years", "POST", "", expect(lgo="400"), data=lambda w: {"text": ""}),
    Entry("certificate_list", "GET", "", expect(**ENTERPRISES, **OFFICES)),
    Entry("certificate_verify", "GET", "", everyone("200")),
    Entry("certificate_verify", "GET", "", everyone("200"), query="?number={cert_number}", public=True,
          note="name, number, dates: never the credit code"),
    Entry("certificate_pdf", "GET", "cert", expect(ent_a="200", office_bj="200", lgo="200")),
    Entry("certificate_issue", "GET", "filed", expect(office_bj="405", office_sz="405", lgo="405")),
    Entry("certificate_issue", "POST", "filed", expect(office_bj="302 /certificates/", lgo="302 /certificates/"), data=lambda w: {},
          mutates=True),
    # registries: intermediaries and fraud records are kept by the offices and the LGO; active public records are public
    Entry("intermediaries", "GET", "", expect(**OFFICES)),
    Entry("intermediaries", "POST", "", expect(office_bj="400", office_sz="400", lgo="400"), data=lambda w: {"name": ""}),
    Entry("intermediary_detail", "GET", "firm", expect(**OFFICES)),
    Entry("intermediary_detail", "GET", "firm", expect(**OFFICES), query="?year=99999", note="a year no date has"),
    Entry("intermediary_detail", "POST", "firm", expect(office_bj="302 /office/intermediaries/{firm}/",
                                                        office_sz="302 /office/intermediaries/{firm}/",
                                                        lgo="302 /office/intermediaries/{firm}/"), mutates=True,
          data=lambda w: {"year": "2023", "average_headcount": "30", "certified_public_accountants": "8", "tax_agents": "2"}),
    Entry("records", "GET", "", expect(**OFFICES)),
    Entry("records", "POST", "", expect(office_bj="400", office_sz="400", lgo="400"), data=lambda w: {"name": "", "kind": "fraud"},
          note="an incomplete record is refused with its fields"),
    Entry("public_records", "GET", "", everyone("200")),
    # the API (a role means: that user's API token)
    Entry("api:openapi-json", "GET", "", everyone("200")),
    Entry("api:openapi-view", "GET", "", everyone("200")),
    Entry("api:api-root", "GET", "", everyone("404"), note="ninja's root only names the docs"),
    Entry("api:assess_file", "POST", "", everyone("200"), data=_assess_body, op="POST /api/v1/assess"),
    Entry("api:assess_file", "GET", "", everyone("405")),
    Entry("api:list_applications", "GET", "", expect("200", anon="401"), op="GET /api/v1/applications"),
    Entry("api:list_applications", "POST", "", everyone("405"), data=lambda w: "{}"),
    Entry("api:get_application", "GET", "sub", expect(ent_a="200", anon="401"), op="GET /api/v1/applications/{pk}"),
    Entry("api:get_application", "GET", "draft", expect(ent_a="200", anon="401"), note="the owner's drafts are its own"),
    Entry("api:get_application", "GET", "b", expect(ent_b="200", anon="401")),
    Entry("api:parameters", "GET", "", everyone("200"), op="GET /api/v1/parameters"),
    Entry("api:criteria", "GET", "", everyone("200"), op="GET /api/v1/criteria"),
    Entry("api:field_suggest", "GET", "", everyone("200"), query="?text=" + "基于深度学习的图像识别软件", op="GET /api/v1/field-suggest"),
]
MATRIX += supervision_access.entries(Entry, expect, everyone, ENTERPRISES, OFFICES)  # tests/web/supervision_access.py


# --- the world the matrix runs in -------------------------------------------------------------------------


@pytest.fixture
def mw(world):
    """``world`` plus: A's complete application submitted (version 1, carrying a PDF), A's second application
    still a draft (with its own PDF)."""
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import (
        _store,
        application_create,
        application_submit,
        attachment_upload,
    )
    from hnte_web.review.services import batch_create

    w = world
    w.att_sub = attachment_upload(acting_user=w.user_a, application=w.app_a, upload=pdf_upload("a-patent.pdf"),
                                  kind="ip_certificate", deidentified=False)
    application_submit(acting_user=w.user_a, application=w.app_a, commitment_by="张三", agreed=True)
    w.draft_a = application_create(acting_user=w.user_a)
    _store(Application.objects.get(pk=w.draft_a.pk), example_data())
    w.draft_a.refresh_from_db()
    w.att_draft = attachment_upload(acting_user=w.user_a, application=w.draft_a, upload=pdf_upload("a-draft.pdf"),
                                    kind="other", deidentified=True)
    w.batch_bj = batch_create(acting_user=w.office_bj, name="第一批", year=2024, deadline=dt.date(2024, 9, 30))
    w.users = {"anon": None, "ent_a": w.user_a, "ent_b": w.user_b, "ent_c": w.user_c, "office_bj": w.office_bj,
               "office_sz": w.office_sz, "lgo": w.lgo, "expert": w.expert}
    w.ids = {"sub": w.app_a.pk, "draft": w.draft_a.pk, "b": w.app_b.pk, "reg_c": w.ent_c.pk, "reg_a": w.ent_a.pk}
    w.secrets_a = (w.ent_a.name, w.ent_a.credit_code)
    return w


@pytest.fixture
def matrix_world(mw):
    """``mw`` plus A's applications further along: under expert review, in publicity (with an objection), filed,
    certified; an intermediary firm."""
    from hnte_web.enterprises.credit_code import with_check_character
    from hnte_web.registries.services import firm_save

    w = mw
    _panel_for_a(w)
    _publicity_for_a(w)
    supervision_access.world(w)
    w.users["expert_panel"] = w.panel_rev.leader.user
    w.firm = firm_save(acting_user=w.office_bj, fields={"name": "某某会计师事务所", "credit_code": with_check_character("91110108MA01FRMX0"),
                                                        "founded_on": dt.date(2010, 1, 1), "independent_practice": True})
    w.ids["firm"] = w.firm.pk
    w.ids.update({"panel": w.panel_rev.pk, "rev": w.rev_a.pk, "expert_bj": w.expert_bj.pk, "pub": w.pub.pk,
                  "objection": w.objection.pk, "cert_number": w.cert.number})
    return w


def _panel_for_a(w) -> None:
    """A third application of A, submitted with a de-identified PDF, accepted and under review by a panel drawn
    from a Beijing pool of 12 technical and 3 financial experts; ``expert_panel`` is its leader."""
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import (
        _store,
        application_create,
        application_submit,
        attachment_upload,
    )
    from hnte_web.experts.services import panel_draw
    from hnte_web.review.services import application_accept

    from .test_experts import add_pool

    rev = application_create(acting_user=w.user_a)
    _store(Application.objects.get(pk=rev.pk), example_data())
    w.att_rev = attachment_upload(acting_user=w.user_a, application=Application.objects.get(pk=rev.pk),
                                  upload=pdf_upload("a-deidentified.pdf"), kind="ip_certificate", deidentified=True)
    application_submit(acting_user=w.user_a, application=Application.objects.get(pk=rev.pk), commitment_by="张三", agreed=True)
    application_accept(acting_user=w.office_bj, application=Application.objects.get(pk=rev.pk), batch=w.batch_bj)
    technical, _ = add_pool(w.office_bj)
    w.panel_rev = panel_draw(acting_user=w.office_bj, application=Application.objects.get(pk=rev.pk), seed=1)
    w.rev_a = Application.objects.get(pk=rev.pk)
    w.member_rev = w.panel_rev.active_members().exclude(expert_id=w.panel_rev.leader_id).first()
    w.expert_bj = technical[0]


def _publicity_for_a(w) -> None:
    """Three more applications of A through the whole procedure (reported by the Beijing office): one filed,
    awaiting its certificate; one certified; one in publicity with an objection against it. "Today" for the
    matrix is within the publicity period (``w.today``)."""
    from hnte_web.certificates.services import certificate_issue
    from hnte_web.publicity import clock
    from hnte_web.publicity.services import ObjectionForm, objection_submit

    from .publicity_support import filed, published, reported

    w.today = dt.date(2024, 10, 9)
    w.filed = filed(w, reported(w.office_bj, w.user_a))
    with clock.acting_on(dt.date(2024, 12, 10)):
        w.cert = certificate_issue(acting_user=w.office_bj, application=filed(w, reported(w.office_bj, w.user_a)))
    w.pub = published(w.lgo, [reported(w.office_bj, w.user_a)], dt.date(2024, 9, 27))
    w.entry = w.pub.entries.get()
    form = ObjectionForm(entry_number="1", name="赵六", phone="010-88886666", pledge=True,
                         content="该企业近一年高新技术产品收入占比不足百分之六十，请核实。")
    with clock.acting_on(w.today):
        w.objection = objection_submit(acting_user=None, publicity=w.pub, form=form)


def _kwargs(w, target: str) -> dict:
    return {
        "": {},
        "sub": {"pk": w.app_a.pk}, "draft": {"pk": w.draft_a.pk}, "b": {"pk": w.app_b.pk},
        "sub_basic": {"pk": w.app_a.pk, "section": "basic"}, "draft_basic": {"pk": w.draft_a.pk, "section": "basic"},
        "draft_nosection": {"pk": w.draft_a.pk, "section": "nonexistent"},
        "sub_v1": {"pk": w.app_a.pk, "number": 1}, "draft_v1": {"pk": w.draft_a.pk, "number": 1},
        "sub_trace": {"pk": w.app_a.pk, "criterion": "art11_6_high_tech_income"},
        "draft_trace": {"pk": w.draft_a.pk, "criterion": "art11_6_high_tech_income"},
        "att_sub": {"pk": w.att_sub.pk}, "att_draft": {"pk": w.att_draft.pk},
        "reg_c": {"pk": w.ent_c.pk}, "reg_a": {"pk": w.ent_a.pk}, "batch_bj": {"pk": w.batch_bj.pk},
        "panel": {"pk": w.panel_rev.pk}, "rev": {"pk": w.rev_a.pk}, "att_rev": {"pk": w.att_rev.pk},
        "expert_bj": {"pk": w.expert_bj.pk}, "pub": {"pk": w.pub.pk}, "entry": {"pk": w.entry.pk},
        "objection": {"pk": w.objection.pk}, "cert": {"pk": w.cert.pk}, "filed": {"pk": w.filed.pk},
        "firm": {"pk": w.firm.pk},
        **supervision_access.kwargs(w),
    }[target]


def snapshot() -> tuple:
    """The domain state a request could change."""
    from hnte_web.accounts.tokens import ApiToken
    from hnte_web.applications.models import Application, ApplicationVersion, Attachment
    from hnte_web.audit.models import AuditEvent
    from hnte_web.enterprises.models import Enterprise

    return (
        list(Application.objects.order_by("pk").values_list("pk", "state", "data_json", "current_version", "return_reason")),
        ApplicationVersion.objects.count(),
        list(Attachment.objects.order_by("pk").values_list("pk", "removed")),
        list(Enterprise.objects.order_by("pk").values_list("pk", "state", "return_reason")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked")),
        AuditEvent.objects.count(),
    )


def client_as(w, role: str, *, api: bool = False) -> tuple[Client, dict]:
    """A client for ``role``: a session for pages, that user's API token for the API."""
    from hnte_web.accounts.tokens import token_create

    client, headers = Client(), {}
    user = w.users[role]
    if user is not None:
        if api:
            headers["Authorization"] = "Bearer " + token_create(acting_user=user, label="matrix")
        else:
            client.force_login(user)
    return client, headers


def send(client: Client, headers: dict, method: str, url: str, data=None):
    if method == "GET":
        return client.get(url, headers=headers)
    if isinstance(data, str):
        return client.generic(method, url, data.encode("utf-8"), content_type="application/json", headers=headers)
    return client.post(url, data or {}, headers=headers)


def check(resp, outcome: str, w) -> str | None:
    """None when ``resp`` is ``outcome``, else what it was."""
    status, location = resp.status_code, resp.headers.get("Location", "")
    got = f"{status} {location}".strip()
    if outcome == "login":
        return None if status == 302 and location.startswith("/accounts/login/?next=") else got
    code, _, where = outcome.partition(" ")
    if status != int(code):
        return got
    if where:
        where = where.format(**w.ids)
        ok = location.startswith(where[:-1]) if where.endswith("*") else location == where
        if not ok:
            return got
    return None


def body_text(resp) -> str:
    if hasattr(resp, "streaming_content"):
        return b"".join(resp.streaming_content).decode("utf-8", "replace")
    return resp.content.decode("utf-8", "replace")


def run_entry(w, entry: Entry, role: str) -> str | None:
    """Perform ``entry`` as ``role`` in a savepoint that is rolled back; return a failure description or None."""
    from hnte_web.publicity import clock

    url = reverse(entry.name, kwargs=_kwargs(w, entry.target)) + entry.query.format(**w.ids)
    outcome = entry.expect[role]
    with transaction.atomic(), clock.acting_on(w.today):
        client, headers = client_as(w, role, api=entry.name.startswith("api:"))
        data = entry.data(w) if entry.data else None
        before = snapshot()
        try:
            resp = send(client, headers, entry.method, url, data)
        except Exception as e:  # a server error is a failure like any other
            transaction.set_rollback(True)
            return f"{entry.method} {url} as {role}: raised {type(e).__name__}: {e}"
        changed = snapshot() != before
        transaction.set_rollback(True)
    problems = []
    wrong = check(resp, outcome, w)
    if wrong:
        problems.append(f"expected {outcome}, got {wrong}")
    succeeded = outcome[0] in "23"  # a 4xx, allowed to ask or not, never changes anything
    mutates = succeeded and (entry.mutates is True or role in (entry.mutates or ()))
    if changed and not mutates:
        problems.append("changed the data" + ("" if succeeded else f" although answered {outcome}"))
    if mutates and not changed:
        problems.append("was allowed but changed nothing")
    if role not in SEES_A or outcome in REFUSED:
        text = body_text(resp)
        secrets = w.secrets_a[1:] if entry.public else w.secrets_a  # a public list names A, never more
        problems += [f"shows A's {s!r}" for s in secrets if s in text]
    if entry.name.startswith("api:") and outcome in {"401", "404"} and entry.name != "api:api-root":
        body = resp.json()
        if not (isinstance(body, dict) and body.get("error") and body.get("message")):
            problems.append(f"unstructured error body {str(body)[:200]}")
    return f"{entry.method} {url} as {role}: " + "; ".join(problems) if problems else None


# --- the tests ------------------------------------------------------------------------------------------


def _url_names(patterns, namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _url_names(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
        else:
            assert p.name, f"URL pattern {p.pattern} has no name: the access matrix cannot refer to it"
            yield namespace + p.name


def test_every_url_pattern_and_api_operation_is_in_the_matrix():
    from hnte_web.api.api import api

    patterns = set(_url_names(get_resolver().url_patterns))
    covered = {e.name for e in MATRIX}
    assert patterns - covered == set(), "URL patterns without an access-matrix entry"
    assert covered - patterns == set(), "matrix entries for URL patterns that no longer exist"
    schema = api.get_openapi_schema()
    operations = {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}
    assert operations == {e.op for e in MATRIX if e.op}, "API operations and the matrix differ"
    for e in MATRIX:
        assert set(e.expect) == set(ROLES), f"{e.name}: every role needs an expected outcome"
        if e.op:  # the operation key names the entry's own method and URL
            assert e.op.split()[0] == e.method and resolve(e.op.split()[1].replace("{pk}", "1")).url_name == e.name.split(":")[1]


def test_the_matrix_covers_every_role_allowed_and_refused():
    """Not a vacuous table: every role is allowed something and refused something."""
    for role in ROLES:
        outcomes = [e.expect[role] for e in MATRIX]
        assert any(o not in REFUSED for o in outcomes) and any(o in REFUSED for o in outcomes), role


def test_access_matrix(matrix_world):
    """Every entry as every role (one test: the world is built once; each request is rolled back)."""
    failures = [f for role in ROLES for e in MATRIX if (f := run_entry(matrix_world, e, role))]
    assert failures == [], f"{len(failures)} of {len(MATRIX) * len(ROLES)} outcomes differ:\n" + "\n".join(failures)


# --- enterprise A and enterprise B ----------------------------------------------------------------------

NOWHERE = 987654321  # an id no object has


def _a_kwargs(w, name: str, pk_kind: str) -> dict | None:
    """URL kwargs pointing at A's objects (``pk_kind``: the submitted application or the draft), or at nothing."""
    pattern_kwargs = {"attachment_download": "att", "attachment_remove": "att", "office_registration": "ent",
                      "batch_report": "batch"}
    objects = {
        "sub": {"app": w.app_a.pk, "att": w.att_sub.pk, "ent": w.ent_a.pk, "batch": w.batch_bj.pk},
        "draft": {"app": w.draft_a.pk, "att": w.att_draft.pk, "ent": w.ent_a.pk, "batch": w.batch_bj.pk},
        "none": {"app": NOWHERE, "att": NOWHERE, "ent": NOWHERE, "batch": NOWHERE},
    }[pk_kind]
    return {"pk": objects[pattern_kwargs.get(name, "app")], "section": "basic", "number": 1, "criterion": "art11_6_high_tech_income"}


def _patterns_with_args(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns_with_args(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
        else:
            yield namespace + p.name, sorted(p.pattern.converters)


def test_enterprise_b_cannot_tell_that_a_exists(mw):
    """Every URL that takes an id, pointed at A's objects (submitted and draft), answers B exactly as it answers
    for an id that does not exist: 404 (or 405 for a POST-only action), with the same body."""
    w = mw
    client_b, _ = client_as(w, "ent_b")
    _, api_b = client_as(w, "ent_b", api=True)
    checked = set()
    for name, args in _patterns_with_args(get_resolver().url_patterns):
        if not args:
            continue
        headers = api_b if name.startswith("api:") else {}
        nowhere = client_b.get(reverse(name, kwargs={k: v for k, v in _a_kwargs(w, name, "none").items() if k in args}),
                               headers=headers)
        for kind in ("sub", "draft"):
            url = reverse(name, kwargs={k: v for k, v in _a_kwargs(w, name, kind).items() if k in args})
            resp = client_b.get(url, headers=headers)
            assert resp.status_code in (404, 405), (url, resp.status_code)
            assert (resp.status_code, resp.content) == (nowhere.status_code, nowhere.content), url
            assert not any(s in body_text(resp) for s in w.secrets_a), url
            checked.add(name)
    assert {"attachment_download", "version_export", "application_edit", "application_trace", "office_registration",
            "api:get_application"} <= checked


def test_nothing_of_a_appears_on_any_page_b_can_load(mw):
    """B loads every page it may (its own application's sections, versions after submitting, its attachment,
    the API with its token): A's name and credit code appear on none of them."""
    from hnte_web.applications.models import Application
    from hnte_web.applications.sections import SECTION_KEYS
    from hnte_web.applications.services import _store, application_submit, attachment_upload

    w = mw
    _store(Application.objects.get(pk=w.app_b.pk), example_data())
    att_b = attachment_upload(acting_user=w.user_b, application=w.app_b, upload=pdf_upload("b.pdf"), kind="other",
                              deidentified=False)
    application_submit(acting_user=w.user_b, application=Application.objects.get(pk=w.app_b.pk), commitment_by="张三", agreed=True)
    b_draft = Application.objects.create(enterprise=w.ent_b, region_code=w.ent_b.region_code, year=2024)
    client_b, _ = client_as(w, "ent_b")
    _, api_b = client_as(w, "ent_b", api=True)
    urls = [reverse(n) for n in ("home", "healthz", "workflow", "notifications", "login", "password_change", "tokens", "register",
                                 "enterprise_home", "registration_edit", "expert_home", "office_home", "api:openapi-json",
                                 "api:openapi-view", "api:list_applications", "api:parameters", "api:criteria")]
    for pk in (w.app_b.pk, b_draft.pk):
        urls += [reverse(n, args=[pk]) for n in ("application_detail", "application_panel", "application_export",
                                                  "application_import", "attachments", "application_submit", "pilot_form",
                                                  "api:get_application")]
        urls += [reverse("application_edit", args=[pk, s]) for s in SECTION_KEYS]
        urls.append(reverse("application_trace", args=[pk, "art11_6_high_tech_income"]))
    urls += [reverse("version_detail", args=[w.app_b.pk, 1]), reverse("version_export", args=[w.app_b.pk, 1]),
             reverse("attachment_download", args=[att_b.pk])]
    loaded = 0
    for url in urls:
        resp = client_b.get(url, headers=api_b if url.startswith("/api/") else {}, follow=True)
        text = body_text(resp)
        assert not any(s in text for s in w.secrets_a), url
        loaded += resp.status_code == 200
    assert loaded >= len(urls) - 4  # expert_home and office_home (404), registration_edit and register redirect
    listed = client_b.get(reverse("api:list_applications"), headers=api_b).json()
    assert {a["id"] for a in listed} == {w.app_b.pk, b_draft.pk}


def test_b_cannot_act_on_a_and_another_region_cannot_decide(mw):
    """POST actions on A's objects by B, and on Beijing's by the Suzhou office, are 404 and change nothing."""
    from hnte_web.accounts.tokens import ApiToken, token_create, token_user
    from hnte_web.applications.sections import SECTION_KEYS
    from hnte_web.enterprises.services import enterprise_register

    w = mw
    token_a = token_create(acting_user=w.user_a, label="A's")
    ent_d = enterprise_register(username="ent_d", password=PASSWORD, fields=enterprise_fields("丁科技有限公司", "91110101MA01DDDD4", "110101"))
    client_b, _ = client_as(w, "ent_b")
    client_sz, _ = client_as(w, "office_sz")
    client_expert, _ = client_as(w, "expert")
    before = snapshot()
    posts = [(client_b, reverse("application_edit", args=[w.draft_a.pk, s]), {"enterprise.technical_field": "1.1.2",
                                                                              "next": "finance"}) for s in SECTION_KEYS]
    posts += [
        (client_b, reverse("application_submit", args=[w.draft_a.pk]), SUBMIT),
        (client_b, reverse("application_import", args=[w.draft_a.pk]), _import(w)),
        (client_b, reverse("attachments", args=[w.draft_a.pk]), {"file": pdf_upload(), "kind": "other"}),
        (client_b, reverse("attachment_remove", args=[w.att_draft.pk]), {}),
        (client_b, reverse("application_action", args=[w.app_a.pk]), {"action": "return", "reason": "x"}),
        (client_sz, reverse("application_action", args=[w.app_a.pk]), {"action": "return", "reason": "不属于本地区"}),
        (client_sz, reverse("application_action", args=[w.app_a.pk]), {"action": "accept"}),
        (client_sz, reverse("onsite_check", args=[w.app_a.pk]), {"checked_on": "2024-07-01", "inspectors": "x", "findings": "x"}),
        (client_sz, reverse("batch_report", args=[w.batch_bj.pk]), {}),
        (client_sz, reverse("office_registration", args=[ent_d.pk]), {"action": "activate"}),
        (client_sz, reverse("office_registration", args=[ent_d.pk]), {"action": "return", "reason": "不属于本地区"}),
        (client_expert, reverse("application_action", args=[w.app_a.pk]), {"action": "return", "reason": "x"}),
        (client_expert, reverse("office_registration", args=[ent_d.pk]), {"action": "activate"}),
    ]
    for client, url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before
    # revoking someone else's token is silently nothing
    tok = ApiToken.objects.get(user=w.user_a)
    assert client_b.post(reverse("tokens"), {"revoke": str(tok.pk)}).status_code == 200
    assert token_user(token_a) == w.user_a


# --- bugs the matrix led to -----------------------------------------------------------------------------


def test_an_office_sees_what_was_submitted_not_the_draft_being_corrected(mw):
    """After a return the enterprise edits its draft again; the office's pages keep showing the submitted
    version (offices never see drafts), while the owner sees its edits."""
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import _store, application_return
    from hnte_web.core.money import yuan_to_wan_text

    w = mw
    application_return(acting_user=w.office_bj, application=w.app_a, reason="请核对收入")
    data = Application.objects.get(pk=w.app_a.pk).data
    data["years"][-1]["total_income"] = 47123456
    data["years"][-1]["high_tech_income"] = 1000000
    _store(Application.objects.get(pk=w.app_a.pk), data)
    edited = yuan_to_wan_text(47123456)
    version = w.app_a.versions.get(number=1)
    owner, _ = client_as(w, "ent_a")
    assert edited in body_text(owner.get(reverse("pilot_form", args=[w.app_a.pk])))
    for role in ("office_bj", "lgo"):
        client, _ = client_as(w, role)
        for name in ("pilot_form", "application_panel", "application_detail"):
            text = body_text(client.get(reverse(name, args=[w.app_a.pk])))
            assert edited not in text, (role, name)
        panel = body_text(client.get(reverse("application_panel", args=[w.app_a.pk])))
        assert f'data-verdict="{version.verdict}"' in panel, role
        assert client.get(reverse("application_export", args=[w.app_a.pk])).status_code == 404
    assert f'data-verdict="{version.verdict}"' not in body_text(owner.get(reverse("application_panel", args=[w.app_a.pk])))


def test_office_staff_always_have_a_region(mw):
    """Region filters are prefix filters: an office account without a region would see every region's
    applications and objections. Such an account cannot exist, neither created nor by an update."""
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("office_none", "office", region_prefix="")
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.filter(pk=mw.office_sz.pk).update(region_prefix="")
    make_user("expert_none", "expert", region_prefix="")  # other roles have no region
    office_sz, _ = client_as(mw, "office_sz")
    assert mw.ent_a.name not in body_text(office_sz.get(reverse("office_home"), {"state": ""}))


def test_notification_links_open_for_their_recipient(world, django_capture_on_commit_callbacks):
    """Every notification links to a page its recipient may open."""
    from hnte_web.applications.services import application_return, application_submit
    from hnte_web.audit.models import Notification
    from hnte_web.enterprises.services import enterprise_register

    w = world
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(acting_user=w.user_a, application=w.app_a, commitment_by="张三", agreed=True)
        application_return(acting_user=w.office_bj, application=w.app_a, reason="请核对收入")
        enterprise_register(username="ent_d", password=PASSWORD, fields=enterprise_fields("丁科技有限公司", "91110101MA01DDDD4", "110101"))
    notes = list(Notification.objects.exclude(link="").select_related("user"))
    assert {n.user.role for n in notes} >= {"enterprise", "office"}
    for n in notes:
        client = Client()
        client.force_login(n.user)
        assert client.get(n.link).status_code == 200, (n.user.username, n.link)


@pytest.mark.parametrize("target", ["/\\\\evil.example/", "//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(world, target):
    """Wherever ``next`` points, the browser stays on this host (a backslash is sent percent-encoded)."""
    from urllib.parse import quote, urljoin, urlsplit

    resp = Client().post(reverse("login") + "?next=" + quote(target, safe=""), {"username": "ent_a", "password": PASSWORD})
    assert resp.status_code == 302
    landed = urlsplit(urljoin("https://hnte.example/accounts/login/", resp.headers["Location"]))
    assert landed.netloc == "hnte.example", (target, resp.headers["Location"])


def test_login_returns_to_a_page_of_this_site(world):
    resp = Client().post(reverse("login") + f"?next=/applications/{world.app_a.pk}/", {"username": "ent_a", "password": PASSWORD})
    assert resp.headers["Location"] == f"/applications/{world.app_a.pk}/"


@pytest.mark.parametrize("value", ["abc", "1; DROP", "", "99999999999999999999999"])
def test_revoking_with_a_malformed_id_is_a_no_op(world, value):
    from hnte_web.accounts.tokens import token_create, token_user

    key = token_create(acting_user=world.user_a)
    client, _ = client_as(type("W", (), {"users": {"ent_a": world.user_a}})(), "ent_a")
    resp = client.post(reverse("tokens"), {"revoke": value})
    assert resp.status_code in (200, 400)
    assert token_user(key) == world.user_a
