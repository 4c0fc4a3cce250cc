"""The office dashboard in a real browser (Playwright driving Debian's Chromium, headless): the Beijing office logs
in, opens the dashboard and sees its charts — applications by stage, pass rates by field and region, annual-report
compliance, revocations, expert workload — drawn as inline SVG with a bar per figure; the English page too, and
the XLSX export downloads. Screenshots go to build/screenshots/."""

from __future__ import annotations

import io
import os
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from hnte_web.experts.models import ExpertReview

from .conftest import PASSWORD, shot
from .supervision_support import dashboard_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs beside Playwright's event loop in this thread
CHARTS = ("chart-stages", "chart-pass-fields", "chart-pass-regions", "chart-reports", "chart-revocations", "chart-workload")



def test_the_dashboard_renders_its_charts_in_a_browser(live_server, browser, transactional_db):
    s = dashboard_world()
    base = live_server.url
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", s.office_bj.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/office/")
    page.goto(f"{base}/office/dashboard/")
    for chart in CHARTS:
        svg = page.locator(f"svg#{chart}")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box["width"] > 300 and box["height"] > 50, chart
    # every non-zero figure is a drawn bar with a width
    widths = page.eval_on_selector_all("svg.chart rect.bar", "els => els.map(e => [e.dataset.label, +e.dataset.value, e.getBBox().width])")
    assert widths and all(w > 0 for _, v, w in widths if v > 0)
    reports = {label: value for label, value, _ in page.eval_on_selector_all(
        "#chart-reports rect.bar", "els => els.map(e => [e.dataset.series, +e.dataset.value, 0])")}
    assert reports == {"按期填报": 1, "逾期补报": 1}
    workload = page.eval_on_selector_all("#chart-workload rect.bar", "els => els.map(e => [e.dataset.series, +e.dataset.value])")
    under_review = sum(v for series, v in workload if series == "评审中")
    submitted = sum(v for series, v in workload if series == "已提交评价表")
    assert under_review == s.panel.active_members().count() == 5  # the panel drawn for enterprise 1's application
    assert submitted == ExpertReview.objects.filter(member__expert__region_prefix="11").count() > 0
    expect(page.locator("#chart-stages")).to_contain_text("专家评审中")
    shot(page, "supervision-01-dashboard", min_bytes=20000)

    with page.expect_download() as dl:
        page.click("#export-xlsx")
    book = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    numbers = [r[0] for r in book["identified"].iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == sorted([s.cert1.number, s.cert2.number])  # Beijing's only

    page.goto(f"{base}/office/dashboard/?lang=en")
    expect(page.locator("#chart-pass-regions")).to_contain_text("Pass rate by region")
    expect(page.locator("#chart-reports")).to_contain_text("on time")
    shot(page, "supervision-02-dashboard-en", min_bytes=20000)
    page.goto(f"{base}/office/supervision/certificates/{s.cert2.pk}/?lang=zh")
    expect(page.locator("#revocations")).to_contain_text("第十九条（一）")
    shot(page, "supervision-03-record", min_bytes=20000)
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", s.u1.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/enterprise/")
    page.goto(f"{base}/enterprise/supervision/")
    card = page.locator(f"#cert-{s.cert1.pk}")
    expect(card).to_have_attribute("data-status", "valid")
    expect(card.locator("tr[data-year='2024']")).to_have_attribute("data-state", "submitted")
    expect(card.locator("ul.class-ii")).to_contain_text("2022SR0200002")
    shot(page, "supervision-04-enterprise", min_bytes=20000)
    assert errors == []
    ctx.close()
