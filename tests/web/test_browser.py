"""The enterprise's journey in a real browser (Playwright driving Debian's Chromium, headless): register,
the office activates, fill the application page by page, watch the live verdict change as figures change,
submit, see the status. Screenshots of the key pages go to build/screenshots/."""

from __future__ import annotations

import os
from decimal import Decimal

from playwright.sync_api import expect

from hnte_web.core.money import yuan_to_wan_text
from hnte_web.enterprises.credit_code import with_check_character

from .conftest import example_data, make_user, shot

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs beside Playwright's event loop in this thread
PASSWORD = "journey-password-2026"



def _wan(v) -> str:
    return yuan_to_wan_text(Decimal(str(v)))


def _avg(pairs) -> str:
    return str(sum((Decimal(a) + Decimal(b)) / 2 for a, b in pairs) / 12)


def _login(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")


def _save(page):
    page.click("#save")
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_have_count(0)


def test_register_activate_fill_watch_submit(live_server, browser, transactional_db):
    base = live_server.url
    make_user("office_bj", "office", region_prefix="11")
    example = example_data("pass_2016")
    errors: list[str] = []

    # 1. the enterprise registers (企业注册登记表)
    ent = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ent.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/register/")
    form = {"username": "journey", "password": PASSWORD, "password2": PASSWORD, "name": "北京旅程科技有限公司",
            "credit_code": with_check_character("91110108MA0JRNEY1"), "registration_date": "2019-03-15",
            "registered_capital": "1000", "industry": "软件和信息技术服务业", "region_code": "110108", "address": "北京市海淀区旅程路1号",
            "legal_representative": "张三", "legal_representative_phone": "010-88886666", "contact_name": "李四",
            "contact_phone": "13800000000", "contact_email": "li@example.com"}
    for name, value in form.items():
        page.fill(f"[name={name}]", value)
    page.fill("[name=credit_code]", "91110108MA0JRNEY10")  # a wrong check character first: a form error, nothing saved
    page.click("#register-submit")
    expect(page.locator('.field-error')).to_contain_text("校验位错误")
    page.fill("[name=credit_code]", form["credit_code"])
    page.fill("[name=password]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.click("#register-submit")
    expect(page.locator("#registration-state")).to_have_text("待审核")
    page.click("#new-application")  # drafts are allowed before activation
    expect(page.locator("#step-basic")).to_have_class("current")
    shot(page, "01-enterprise-registered")

    # 2. the office activates the registration
    office = browser.new_context(viewport={"width": 1400, "height": 900})
    opage = office.new_page()
    _login(opage, base, "office_bj", "correct-horse-battery-9")
    opage.click("text=北京旅程科技有限公司")
    shot(opage, "02-office-registration")
    opage.click("#action-activate")
    expect(opage.locator("#registration-state")).to_have_text("已激活")

    # 3. the enterprise fills the application, page by page
    page.goto(f"{base}/enterprise/")
    expect(page.locator("#registration-state")).to_have_text("已激活")
    page.click("#applications a")
    page.click("#edit-link")
    page.fill("[name=application_date]", "2024-06-30")
    page.fill('[name="enterprise.technical_field"]', "1.1.1")
    page.select_option('[name="enterprise.industry"]', "information_software")
    page.select_option('[name="enterprise.above_designated_size"]', "true")
    page.select_option('[name="enterprise.previously_identified"]', "false")
    page.select_option('[name="enterprise.incidents"]', "none")
    _save(page)
    years = example["years"]

    page.click("#step-finance")
    for i, y in enumerate(years):
        for key in ("sales_revenue", "net_assets"):
            page.fill(f'[name="years[{i}].{key}"]', _wan(y[key]))
    latest = years[2]
    page.fill('[name="years[2].total_income"]', _wan(latest["total_income"]))
    page.fill('[name="years[2].non_taxable_income"]', _wan(latest["non_taxable_income"]))
    page.fill('[name="years[2].high_tech_income"]', "1000")  # too low at first: 1000 万元 of 4700
    _save(page)

    page.click("#step-rd")
    for i, y in enumerate(years):
        for key, value in y["rd_expenses"].items():
            page.fill(f'[name="years[{i}].rd_expenses.{key}"]', _wan(value))
    _save(page)

    page.click("#step-staff")
    for i, y in enumerate(years[:2]):
        staff = y["staff"]
        total = staff.get("total_average") or _avg(staff["total_monthly"])
        st = staff.get("science_tech_average") or _avg(staff["science_tech_monthly"])
        page.fill(f'[name="years[{i}].staff.total_average"]', str(total))
        page.fill(f'[name="years[{i}].staff.science_tech_average"]', str(st))
    for measure in ("total_monthly", "science_tech_monthly"):
        for m, (start, end) in enumerate(latest["staff"][measure]):
            page.fill(f'[name="years[2].staff.{measure}[{m}][0]"]', str(start))
            page.fill(f'[name="years[2].staff.{measure}[{m}][1]"]', str(end))
    _save(page)

    def rows(section, items, fields, extra_rows=lambda r, item: None):
        page.click(f"#step-{section}")
        for r, item in enumerate(items):
            if r >= 3 and not page.locator(f'[name="{section}[{r}].{fields[0]}"]').count():
                _save(page)  # saving adds blank rows
            for f in fields:
                if f not in item:
                    continue
                value = item[f]
                selector = f'[name="{section}[{r}].{f}"]'
                if f in ("kind", "acquisition"):
                    page.select_option(selector, value)
                elif f == "income":
                    page.fill(selector, _wan(value))
                else:
                    page.fill(selector, ", ".join(value) if isinstance(value, list) else str(value))
            extra_rows(r, item)
        _save(page)

    rows("intellectual_property", example["intellectual_property"], ["number", "kind", "title", "granted_on", "acquisition", "products"])
    rows("products", example["products"], ["code", "name", "income", "core_ip"])
    rows("conversions", example["conversions"], ["year", "achievement", "result"])

    def spend(r, item):
        for year, value in item["spend"].items():
            page.fill(f'[name="rd_projects[{r}].spend.{year}"]', _wan(value))

    rows("rd_projects", example["rd_projects"], ["code", "name", "start", "end"], spend)

    page.click("#step-management")
    page.select_option('[name="assessment.technology_advancement"]', "A")
    page.select_option('[name="assessment.core_support"]', "A")
    page.select_option('[name="assessment.standards_participation"]', "true")
    for key, value in example["assessment"]["rd_management"].items():
        page.fill(f'[name="assessment.rd_management.{key}"]', str(value))
    _save(page)

    # 4. the live verdict follows the figures as they are typed (autosave, no click)
    page.click("#step-finance")
    verdict = page.locator("#live-verdict")
    expect(verdict).to_have_attribute("data-verdict", "not_eligible")
    expect(page.locator('[data-criterion="art11_6_high_tech_income"]')).to_have_class("status-fail")
    page.fill('[name="years[2].high_tech_income"]', _wan(latest["high_tech_income"]))
    expect(verdict).to_have_attribute("data-verdict", "eligible", timeout=15000)
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    expect(page.locator("#score-range")).to_contain_text("–")
    shot(page, "03-application-live-assessment")
    # the trace is fetched when opened (in the panel autosave replaced), on the figures just typed
    trace = page.locator('[data-criterion="art11_6_high_tech_income"] details')
    trace.locator("summary").click()
    expect(trace).to_have_attribute("data-loaded", "yes")
    expect(trace.locator("pre.trace")).to_contain_text("art11_6_high_tech_income")
    expect(trace.locator("pre.trace")).to_contain_text(f"years[2].high_tech_income = {int(latest['high_tech_income']):,}.00 元")
    page.fill('[name="years[2].sales_revenue"]', "abc")  # a bad figure: marked, not saved, nothing lost
    expect(page.locator('.live-error[data-for="years[2].sales_revenue"]')).to_contain_text("应为以万元计的数字")
    expect(verdict).to_have_attribute("data-verdict", "eligible")
    page.fill('[name="years[2].sales_revenue"]', _wan(latest["sales_revenue"]))
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=15000)

    # 5. the legal representative commits; the application is submitted and its status shown
    page.click("#step-submit")
    expect(page.locator("#submit-problems")).to_have_count(0)
    page.check("#agree")
    page.fill("#commitment-by", "张三")
    page.click("#submit-application")
    expect(page.locator("#application-state")).to_have_text("已提交，待受理")
    expect(page.locator("#versions")).to_contain_text("v1")
    shot(page, "04-application-submitted")

    # the office now sees it in its queue
    opage.goto(f"{base}/office/")
    expect(opage.locator("#office-applications")).to_contain_text("北京旅程科技有限公司")
    shot(opage, "05-office-queue")
    assert errors == []
    ent.close()
    office.close()


def test_pages_switch_to_english(live_server, browser, transactional_db):
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/?lang=en")
    expect(page.locator("h1")).to_have_text("Log in")
    page.goto(f"{live_server.url}/register/")  # the choice is remembered
    expect(page.locator("h1")).to_have_text("Enterprise registration")
    page.close()
