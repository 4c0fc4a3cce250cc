"""The online application: sections saved exactly (万元 on screen, yuan stored), bad input rejected with the
field named and nothing written, import/export of the application file, attachments checked by content,
submission as immutable versions, return and resubmission."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from hnte.application.load import parse_application
from hnte.engine import assess
from hnte_web.applications.models import Application, ApplicationVersion, Attachment
from hnte_web.applications.services import (
    application_return,
    application_submit,
    attachment_path,
    attachment_upload,
    with_enterprise,
)
from hnte_web.audit.models import AuditEvent
from hnte_web.core.money import MoneyInputError, wan_text_to_yuan, yuan_to_wan_text
from hnte_web.core.workflow import TransitionRefused

from .conftest import EXAMPLES

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


# ------------------------------------------------------------------ money


@pytest.mark.parametrize("text, yuan", [("1", 10000), ("123.4567", 1234567), ("0.000001", Decimal("0.01")),
                                        ("1,234.56", 12345600), ("", None)])
def test_wan_entries_become_exact_yuan(text, yuan):
    assert wan_text_to_yuan(text) == (None if yuan is None else Decimal(yuan))


@pytest.mark.parametrize("text", ["0.0000001", "abc", "-1", "NaN"])
def test_bad_wan_entries_are_refused(text):
    with pytest.raises(MoneyInputError):
        wan_text_to_yuan(text)


@given(st.integers(min_value=0, max_value=10**13))
def test_wan_display_round_trips_every_fen(fen):
    yuan = Decimal(fen) / 100
    text = yuan_to_wan_text(yuan)
    assert len(text.split(".")[1]) >= 2
    assert wan_text_to_yuan(text) == yuan


# ------------------------------------------------------------------ sections


def test_saving_a_section_stores_yuan_exactly(client, world):
    client.force_login(world.user_b)
    url = f"/applications/{world.app_b.pk}/edit/finance/"
    r = client.post(url, {"years[2].sales_revenue": "4500.1234", "years[1].sales_revenue": "3800", "years[2].net_assets": "-12.5"})
    assert r.status_code == 302
    data = Application.objects.get(pk=world.app_b.pk).data
    assert data["years"][2]["sales_revenue"] == Decimal("45001234")
    assert data["years"][1]["sales_revenue"] == 38000000
    assert data["years"][2]["net_assets"] == Decimal("-125000")
    page = client.get(url).content.decode()
    assert 'value="4500.1234"' in page and 'value="3800.00"' in page  # shown in 万元, never rounded away


def test_an_unreadable_input_saves_nothing_and_names_the_field(client, world):
    client.force_login(world.user_a)
    before = Application.objects.get(pk=world.app_a.pk).data_json
    r = client.post(f"/applications/{world.app_a.pk}/edit/rd/", {"years[0].rd_expenses.personnel": "12万",
                                                                 "years[0].rd_expenses.design": "9"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-for="years[0].rd_expenses.personnel"' in html and "应为以万元计的数字" in html
    assert 'value="12万"' in html  # what the user typed is kept on the form
    assert Application.objects.get(pk=world.app_a.pk).data_json == before


def test_autosave_answers_with_the_live_panel(client, world):
    client.force_login(world.user_a)
    url = f"/applications/{world.app_a.pk}/edit/finance/"
    ok = client.post(url, {"years[2].high_tech_income": "3600"}, HTTP_ACCEPT="application/json")
    assert ok.status_code == 200 and ok.json()["ok"] and 'data-verdict="eligible"' in ok.json()["panel"]
    low = client.post(url, {"years[2].high_tech_income": "100"}, HTTP_ACCEPT="application/json")
    assert 'data-verdict="not_eligible"' in low.json()["panel"]
    bad = client.post(url, {"years[2].high_tech_income": "x"}, HTTP_ACCEPT="application/json?lang=en")
    assert bad.status_code == 400 and "years[2].high_tech_income" in bad.json()["errors"]


def test_the_live_panel_matches_the_engine(client, world):
    client.force_login(world.user_a)
    app = Application.objects.get(pk=world.app_a.pk)
    result = assess(parse_application(with_enterprise(app.data, app.enterprise)))
    html = client.get(f"/applications/{app.pk}/assessment/").content.decode()
    assert f'data-verdict="{result.verdict}"' in html
    for c in result.criteria:
        assert f'class="status-{c.status}" data-criterion="{c.id}"' in html


def test_each_trace_is_fetched_when_opened_and_is_the_engines_explanation(client, world):
    """The panel (and so every autosave) carries a link per criterion, not nine rendered traces; the link gives the
    same text the full live assessment renders, on the data the user sees — the owner's draft as last saved."""
    from hnte_web.applications.assessment import live_assessment

    client.force_login(world.user_a)
    app = Application.objects.get(pk=world.app_a.pk)
    full = live_assessment(with_enterprise(app.data, app.enterprise))
    panel = client.get(f"/applications/{app.pk}/assessment/").content.decode()
    assert '<pre class="trace"><a href=' in panel and "输入:" not in panel  # links, no trace text
    for cid, text in full["traces"].items():
        url = f"/applications/{app.pk}/assessment/trace/{cid}/"
        assert f'data-trace-url="{url}"' in panel
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "text/plain; charset=utf-8" and r.content.decode() == text
    client.post(f"/applications/{app.pk}/edit/finance/", {"years[2].high_tech_income": "100"}, HTTP_ACCEPT="application/json")
    low = client.get(f"/applications/{app.pk}/assessment/trace/art11_6_high_tech_income/").content.decode()
    assert "years[2].high_tech_income = 1,000,000.00 元" in low and "✘" in low  # the draft as just saved
    english = client.get(f"/applications/{app.pk}/assessment/trace/art11_6_high_tech_income/?lang=en").content.decode()
    assert "Inputs" in english and "1,000,000.00 yuan" in english


def test_a_trace_of_no_such_criterion_or_of_data_that_cannot_be_assessed_is_not_found(client, world):
    client.force_login(world.user_a)
    assert client.get(f"/applications/{world.app_a.pk}/assessment/trace/art99_nothing/").status_code == 404
    client.force_login(world.user_b)  # B's draft is empty: nothing to assess, no trace
    assert client.get(f"/applications/{world.app_b.pk}/assessment/trace/art11_6_high_tech_income/").status_code == 404


def test_list_sections_add_and_delete_rows(client, world):
    client.force_login(world.user_b)
    url = f"/applications/{world.app_b.pk}/edit/intellectual_property/"
    client.post(url, {"intellectual_property[0].number": "ZL1", "intellectual_property[0].kind": "invention_patent",
                      "intellectual_property[0].products": "PS01，PS02", "intellectual_property[1].number": "",
                      "intellectual_property[1].kind": ""})
    ip = Application.objects.get(pk=world.app_b.pk).data["intellectual_property"]
    assert ip == [{"number": "ZL1", "kind": "invention_patent", "products": ["PS01", "PS02"]}]
    client.post(url, {"intellectual_property[0].number": "", "intellectual_property[0].kind": ""})
    assert "intellectual_property" not in Application.objects.get(pk=world.app_b.pk).data


def test_an_unknown_choice_is_refused(client, world):
    client.force_login(world.user_b)
    r = client.post(f"/applications/{world.app_b.pk}/edit/intellectual_property/",
                    {"intellectual_property[0].number": "ZL1", "intellectual_property[0].kind": "trademark"})
    assert r.status_code == 400 and 'data-for="intellectual_property[0].kind"' in r.content.decode()


def test_changing_the_application_date_keeps_the_latest_year_latest(client, world):
    client.force_login(world.user_a)
    before = Application.objects.get(pk=world.app_a.pk).data["years"]
    client.post(f"/applications/{world.app_a.pk}/edit/basic/", {"application_date": "2025-05-10", "programme": "national"})
    after = Application.objects.get(pk=world.app_a.pk).data["years"]
    assert [y["year"] for y in after] == [2022, 2023, 2024]
    assert after[2]["sales_revenue"] == before[2]["sales_revenue"]


# ------------------------------------------------------------------ import / export


def test_export_then_import_round_trips_exactly(client, world):
    client.force_login(world.user_a)
    exported = client.get(f"/applications/{world.app_a.pk}/export.json").content
    client.force_login(world.user_b)
    text = exported.decode().replace(world.ent_a.credit_code, world.ent_b.credit_code)
    r = client.post(f"/applications/{world.app_b.pk}/import/", {"file": SimpleUploadedFile("a.json", text.encode())})
    assert r.status_code == 302
    a, b = Application.objects.get(pk=world.app_a.pk).data, Application.objects.get(pk=world.app_b.pk).data
    assert a["years"] == b["years"] and a["intellectual_property"] == b["intellectual_property"]
    assert b["enterprise"]["name"] == world.ent_b.name  # the registration stays authoritative


def test_importing_a_bad_file_names_file_and_field_and_changes_nothing(client, world):
    client.force_login(world.user_a)
    before = Application.objects.get(pk=world.app_a.pk).data_json
    text = (EXAMPLES / "pass_2016.yaml").read_text(encoding="utf-8").replace("sales_revenue: 30000000", "sales_revenue: 三千万")
    text = text.replace("91110108MA01ABCD1X", world.ent_a.credit_code)
    r = client.post(f"/applications/{world.app_a.pk}/import/", {"file": SimpleUploadedFile("mine.yaml", text.encode())})
    html = r.content.decode()
    assert r.status_code == 400 and "mine.yaml" in html and "years[0].sales_revenue" in html
    assert Application.objects.get(pk=world.app_a.pk).data_json == before


def test_importing_another_enterprises_file_is_refused(client, world):
    client.force_login(world.user_b)
    text = (EXAMPLES / "pass_2016.yaml").read_bytes()
    r = client.post(f"/applications/{world.app_b.pk}/import/", {"file": SimpleUploadedFile("other.yaml", text)})
    assert r.status_code == 400 and "enterprise.credit_code" in r.content.decode()


# ------------------------------------------------------------------ attachments


def _upload(world, name, content, **kw):
    return attachment_upload(acting_user=world.user_a, application=world.app_a,
                             upload=SimpleUploadedFile(name, content), kind="other", deidentified=kw.get("deidentified", False))


def test_pdf_and_png_are_accepted_and_stored_outside_the_web_root(world):
    att = _upload(world, "证书.pdf", MINIMAL_PDF, deidentified=True)
    img = _upload(world, "photo.png", PNG)
    assert (att.content_type, img.content_type) == ("application/pdf", "image/png")
    path = attachment_path(att)
    assert path.read_bytes() == MINIMAL_PDF
    assert not str(path).startswith(str(settings.STATIC_ROOT)) and att.storage_name != "证书.pdf"
    assert att.deidentified and AuditEvent.objects.filter(action="attachment.upload").count() == 2


@pytest.mark.parametrize("name, content", [
    ("fake.pdf", b"just text pretending to be a PDF"),
    ("script.png", b"<script>alert(1)</script>"),
    ("truncated.pdf", MINIMAL_PDF[:60]),
    ("../../etc/passwd.pdf", b"root:x:0:0"),
])
def test_files_are_judged_by_content_not_name(world, name, content):
    from hnte.core.errors import InputError

    with pytest.raises(InputError) as e:
        _upload(world, name, content)
    assert e.value.issues[0].path == "file"
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize("extra, ok", [(-1, True), (0, True), (1, False)])
def test_the_size_limit(world, settings, extra, ok):
    from hnte.core.errors import InputError

    settings.UPLOAD_MAX_BYTES = len(MINIMAL_PDF) + (-extra)
    if ok:
        assert _upload(world, "a.pdf", MINIMAL_PDF).size == len(MINIMAL_PDF)
    else:
        with pytest.raises(InputError):
            _upload(world, "a.pdf", MINIMAL_PDF)


def test_path_tricks_in_names_stay_names(world):
    att = _upload(world, "../../../x.pdf", MINIMAL_PDF)
    assert att.original_name == "x.pdf" and attachment_path(att).parent == Path(settings.UPLOAD_ROOT)


# ------------------------------------------------------------------ submission and versions


def _submit(world, **kw):
    return application_submit(acting_user=world.user_a, application=world.app_a, commitment_by=kw.get("by", "张三"),
                              agreed=kw.get("agreed", True))


def test_submission_needs_the_legal_representatives_commitment(world):
    for kw in ({"agreed": False}, {"by": ""}, {"by": "李四"}):
        with pytest.raises(TransitionRefused) as e:
            _submit(world, **kw)
        assert e.value.code == "commitment"
    assert ApplicationVersion.objects.count() == 0


def test_an_incomplete_application_cannot_be_submitted(world):
    with pytest.raises(TransitionRefused) as e:
        application_submit(acting_user=world.user_b, application=world.app_b, commitment_by="张三", agreed=True)
    assert e.value.code == "incomplete"
    world.app_b.refresh_from_db()
    assert world.app_b.state == "draft"


def test_a_pending_registration_can_draft_but_not_submit(world):
    from hnte_web.applications.services import _store, application_create

    from .conftest import example_data

    app = application_create(acting_user=world.user_c)
    _store(app, example_data())
    with pytest.raises(TransitionRefused) as e:
        application_submit(acting_user=world.user_c, application=app, commitment_by="张三", agreed=True)
    assert "尚未被认定机构激活" in e.value.zh


def test_submit_return_resubmit_keeps_every_version(world, client):
    _upload(world, "v1.pdf", MINIMAL_PDF)
    v1 = _submit(world)
    world.app_a.refresh_from_db()
    assert (world.app_a.state, world.app_a.current_version, v1.number) == ("submitted", 1, 1)
    assert v1.attachments.count() == 1 and v1.verdict == "eligible"
    with pytest.raises(PermissionError):
        v1.save()  # immutable
    client.force_login(world.user_a)
    assert client.post(f"/applications/{world.app_a.pk}/edit/finance/", {"years[2].sales_revenue": "1"}).status_code == 302
    assert Application.objects.get(pk=world.app_a.pk).data == v1.data  # not editable once submitted
    application_return(acting_user=world.office_bj, application=world.app_a, reason="研发费用归集需补充说明")
    world.app_a.refresh_from_db()
    assert world.app_a.state == "returned"
    client.post(f"/applications/{world.app_a.pk}/edit/finance/", {"years[2].sales_revenue": "4600"})
    v2 = _submit(world)
    assert v2.number == 2 and v2.data["years"][2]["sales_revenue"] == 46000000
    assert ApplicationVersion.objects.get(pk=v1.pk).data["years"][2]["sales_revenue"] == 45000000  # v1 unchanged
    page = client.get(f"/applications/{world.app_a.pk}/").content.decode()
    assert "v1" in page and "v2" in page and "已提交，待受理" in page
    old = client.get(f"/applications/{world.app_a.pk}/versions/1/export.json")
    assert json.loads(old.content)["years"][2]["sales_revenue"] == 45000000
    actions = list(AuditEvent.objects.filter(object_type="applications.application", object_id=str(world.app_a.pk))
                   .values_list("action", "from_state", "to_state"))
    assert ("application.submit", "draft", "submitted") in actions
    assert ("application.return", "submitted", "returned") in actions
    assert ("application.submit", "returned", "submitted") in actions


def test_the_office_sees_the_submitted_version_not_the_draft(world, client):
    client.force_login(world.office_bj)
    assert client.get(f"/applications/{world.app_a.pk}/").status_code == 404
    _submit(world)
    assert client.get(f"/applications/{world.app_a.pk}/").status_code == 200
    assert client.get(f"/applications/{world.app_a.pk}/versions/1/").status_code == 200
    assert client.get(f"/applications/{world.app_a.pk}/export.json").status_code == 404


def test_the_beijing_pilot_form_shows_the_pilot_fields(world, client):
    client.force_login(world.user_a)
    html = client.get(f"/applications/{world.app_a.pk}/pilot-form/").content.decode()
    # 3-year R&D of the example: 2,500,000 + 2,980,000 + 3,460,000 = 8,940,000 元 = 894.00 万元... computed, not typed
    app = Application.objects.get(pk=world.app_a.pk)
    total = sum(sum(Decimal(v) for v in y["rd_expenses"].values()) for y in app.data["years"])
    assert yuan_to_wan_text(total) in html
    assert "近三年研究开发费用总额" in html and io is not None


@pytest.mark.parametrize("post, expected", [
    ({"enterprise.incidents": "none"}, []),
    ({"enterprise.incidents": "major_quality_accident", "enterprise.incident_date": "2023-09-01"},
     [{"date": "2023-09-01", "kind": "major_quality_accident"}]),
    ({"enterprise.incidents": ""}, None),
])
def test_incidents_are_declared_on_the_basic_page(client, world, post, expected):
    client.force_login(world.user_b)
    assert client.post(f"/applications/{world.app_b.pk}/edit/basic/", post).status_code == 302
    assert Application.objects.get(pk=world.app_b.pk).data["enterprise"].get("incidents") == expected


def test_an_incident_needs_its_date(client, world):
    client.force_login(world.user_b)
    r = client.post(f"/applications/{world.app_b.pk}/edit/basic/", {"enterprise.incidents": "major_safety_accident"})
    assert r.status_code == 400 and 'data-for="enterprise.incident_date"' in r.content.decode()


def test_experts_stay_anonymous_in_the_history_the_enterprise_reads(world, client):
    """After the panel's evaluation the enterprise sees "the expert panel", never the leader's account name;
    the office still sees who acted."""
    from hnte_web.review import services as review

    from .publicity_support import through_panel

    application_submit(acting_user=world.user_a, application=world.app_a, commitment_by="张三", agreed=True)
    batch = review.batch_create(acting_user=world.office_bj, name="第一批", year=2024, deadline=dt.date(2024, 7, 31))
    review.application_accept(acting_user=world.office_bj, application=world.app_a, batch=batch)
    app = through_panel(world.office_bj, Application.objects.get(pk=world.app_a.pk))
    leader = app.panels.order_by("-id").first().leader.user.username
    client.force_login(world.user_a)
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert "专家组" in page and leader not in page
    client.force_login(world.office_bj)
    assert leader in client.get(f"/applications/{app.pk}/").content.decode()
