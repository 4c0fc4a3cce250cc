"""The expert's side in a real browser (Playwright driving Debian's Chromium, headless): a technical expert, drawn
to a panel, logs in, opens the assignment, reads the de-identified materials, fills the 技术专家评价表 (a score
outside its grade's band is refused first, naming the rule), submits it. Screenshots of the expert's view go to
build/screenshots/; none of the pages shows who the enterprise is."""

from __future__ import annotations

import os

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from .conftest import PASSWORD, shot
from .test_experts import add_pool, identifying, pdf_with_text, submit_and_accept, tech_raw

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs beside Playwright's event loop in this thread



def _no_identity(page, secrets: list[str]) -> None:
    html = page.content()
    assert [s for s in secrets if s in html] == []


def test_an_expert_opens_the_assignment_and_fills_the_technical_form(live_server, browser, transactional_db, world):
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import attachment_upload
    from hnte_web.experts.models import ExpertReview
    from hnte_web.experts.services import panel_draw

    w = world
    attachment_upload(acting_user=w.user_a, application=Application.objects.get(pk=w.app_a.pk), kind="ip_certificate",
                      deidentified=True, upload=SimpleUploadedFile("cert.pdf", pdf_with_text("PATENT CERTIFICATE"),
                                                                   content_type="application/pdf"))
    submit_and_accept(w, w.app_a, w.user_a)
    add_pool(w.office_bj)
    panel = panel_draw(acting_user=w.office_bj, application=w.app_a, seed=20240630)
    leader = panel.leader.user
    secrets = identifying(w) + ["ZL202110123456.7", "2021SR0100001"]
    base = live_server.url
    errors: list[str] = []

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", leader.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/expert/")
    expect(page.locator(f"#assignment-{panel.pk}")).to_contain_text(panel.reference)
    expect(page.locator(f"#assignment-{panel.pk}")).to_contain_text("专家组组长")
    _no_identity(page, secrets)
    shot(page, "expert-01-workspace")

    page.click(f"#assignment-{panel.pk} a >> text={panel.reference}")
    page.wait_for_url(f"{base}/expert/reviews/{panel.pk}/")
    expect(page.locator("#reference")).to_have_text(panel.reference)
    expect(page.locator("#field")).to_contain_text("1.1.1")
    expect(page.locator("#ip")).to_contain_text("IP01")
    expect(page.locator("#attachments")).to_contain_text("附件 1")
    expect(page.locator("input[name=rd_total]")).to_have_value("783.80")  # the declared figure, to confirm or correct
    _no_identity(page, secrets)
    shot(page, "expert-02-assignment")

    raw = tech_raw(ip_advancement_grade="B", ip_advancement="7")  # 7 is outside grade B's 5–6
    for key in ("materials_ok", "registered_one_year", "has_qualifying_ip", "field_in_scope", "staff_share_ok"):
        page.check(f"input[name={key}][value={raw[key]}]")
    page.fill("input[name=field_code]", raw["field_code"])
    for key, value in raw.items():
        if key.endswith("_grade"):
            page.select_option(f"select[name={key}]", value)
        elif key.startswith(("ip_", "conversion", "rdm_")):
            page.fill(f"input[name={key}]", value)
    page.fill("textarea[name=comments]", "核心技术先进，知识产权与主要产品对应清楚。")
    page.click("#submit-review")
    expect(page.locator("#form-errors")).to_contain_text("B 档应为 5–6 分，实际为 7 分")
    expect(page.locator("#form-errors")).to_contain_text("guidelines_2016#sec3-7-1")
    expect(page.locator('[data-for="ip_advancement"]')).to_be_visible()
    assert not ExpertReview.objects.exists()
    _no_identity(page, secrets)
    shot(page, "expert-03-score-refused")

    page.select_option("select[name=ip_advancement_grade]", "A")
    page.click("#submit-review")
    expect(page.locator("#saved")).to_be_visible()
    review = ExpertReview.objects.get(member__expert__user=leader)
    assert review.scores == {"intellectual_property": 28, "conversion": 26, "rd_management": 16}
    assert review.form["confirmed"]["rd_total"] == "7838000" and review.form["checks"]["field_in_scope"] == "yes"
    expect(page.locator("input[name=ip_advancement]")).to_have_value("7")  # the submitted form is shown back
    shot(page, "expert-04-form-submitted")

    page.goto(f"{base}/expert/reviews/{panel.pk}/?lang=en")
    expect(page.locator("#review-form h2")).to_have_text("Technical expert evaluation form")
    _no_identity(page, secrets)
    shot(page, "expert-05-assignment-en")
    assert errors == []
    ctx.close()
