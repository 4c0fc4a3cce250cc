"""The readable reports, checked by reading them back: HTML in headless Chromium, XLSX through openpyxl
(the PDF in test_report_pdf.py, outside this module's browser session)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import sync_playwright

from conftest import audited_example
from hnte.cli import main
from hnte.report.pdf import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "src" / "hnte" / "examples"


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    assert exe, "Debian chromium is required (scripts/system-deps installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _report(tmp_path: Path, example: str, suffix: str, *extra: str) -> Path:
    out = tmp_path / f"{example}.{suffix}"
    assert main(["report", str(EXAMPLES / f"{example}.yaml"), "-o", str(out), "--taxable-income", "5000000", *extra]) == 0
    assert out.exists() and not out.with_name(out.name + ".part").exists()
    return out


@pytest.mark.parametrize("example", ["pass_2016", "fail_2016", "missing_2016", "case_2008", "beijing_pilot", "suzhou_cultivation"])
def test_html_renders_in_chromium_without_console_errors(tmp_path, browser, example):
    out = _report(tmp_path, example, "html")
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.split("</style>")[0]  # self-contained
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    assert errors == []
    assert page.locator("#verdict").inner_text().strip() in {"符合认定条件", "不符合认定条件", "尚不能确定"}
    assert page.locator("svg").count() >= 2
    assert "认定机构" in page.locator("#disclaimer").inner_text()
    box = page.locator("#criteria table").bounding_box()
    assert box and box["width"] > 300
    page.close()


def test_html_in_english(tmp_path, browser):
    out = _report(tmp_path, "fail_2016", "html", "--lang", "en")
    page = browser.new_page()
    page.goto(out.as_uri())
    assert page.locator("#verdict").inner_text().strip() == "Does not meet the conditions"
    assert "identification office decides" in page.locator("#disclaimer").inner_text()
    page.close()


def test_xlsx_reads_back_with_sheets_values_and_charts(tmp_path):
    out = _report(tmp_path, "fail_2016", "xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["概览", "认定条件", "创新能力评价", "差距", "风险", "价值", "月度人数"]
    crit = wb["认定条件"]
    rows = {}
    for r in range(2, crit.max_row + 1):  # the criteria table ends at the first empty row; the ratio table follows
        if not crit.cell(r, 1).value:
            break
        rows[crit.cell(r, 1).value] = crit.cell(r, 2).value
    assert rows["研究开发费用占销售收入比例"] == "不符合" and rows["注册成立一年以上"] == "符合"
    gaps = wb["差距"]
    amounts = {gaps.cell(r, 1).value: gaps.cell(r, 3).value for r in range(2, gaps.max_row + 1)}
    assert amounts["art11_5_rd_expense_ratio"] == 962000
    value = wb["价值"]
    assert any(value.cell(r, 2).value == 500000 for r in range(1, value.max_row + 1))
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3


# --- the special audit report section ------------------------------------------------------------------------------


def _report_of(path: Path, suffix: str, *extra: str) -> Path:
    out = path.with_suffix("." + suffix)
    assert main(["report", str(path), "-o", str(out), *extra]) == 0
    return out


def test_html_shows_the_special_audit_section_with_each_difference_and_the_blocking_rule(tmp_path, browser):
    page = browser.new_page()
    page.goto(_report_of(audited_example(tmp_path, share_ok=False), "html").as_uri())
    section = page.locator("#audit")
    assert "存在阻止提交的问题" in page.locator("#audit-verdict").inner_text()
    assert "京审专字〔2024〕第001号" in section.inner_text()
    rules = page.locator("#audit-rules").inner_text()
    assert "25.00%" in rules and "≥ 30.00%" in rules
    diffs = page.locator("#audit-differences tr")
    assert diffs.count() == 3  # header + personnel + high-tech income
    text = page.locator("#audit-differences").inner_text()
    assert "-20,000.00" in text and "+100,000.00" in text and "guidelines_2016#sec2-3" in text
    assert "不能作为认定申请材料" in page.locator("#audit-findings").inner_text()
    page.goto(_report_of(audited_example(tmp_path, share_ok=True), "html", "--lang", "en").as_uri())
    assert page.locator("#audit-verdict").inner_text().strip() == "Nothing blocks submission."
    page.goto(_report(tmp_path, "pass_2016", "html").as_uri())
    assert page.locator("#audit").count() == 0  # no intermediary, no report: no section
    page.close()


def test_xlsx_special_audit_sheet_reads_back_with_the_figures(tmp_path):
    wb = openpyxl.load_workbook(_report_of(audited_example(tmp_path, share_ok=False), "xlsx"))
    assert wb.sheetnames[-1] == "专项审计"
    ws = wb["专项审计"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[1][0].startswith("存在阻止提交的问题")
    diffs = [row for row in cells if row[0] and "(years[" in str(row[0])]
    assert {(row[1] - row[2], row[3]) for row in diffs} == {(20000, -20000), (-100000, 100000)}
    assert any(row[0] and "25.00%" in str(row[0]) and row[1] == "不符合" for row in cells)
    assert "专项审计" not in openpyxl.load_workbook(_report(tmp_path, "pass_2016", "xlsx")).sheetnames


def test_unknown_report_extension_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(EXAMPLES / "pass_2016.yaml"), "-o", str(tmp_path / "r.docx")]) == 2
    assert ".html、.pdf 或 .xlsx" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_bad_taxable_income_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(EXAMPLES / "pass_2016.yaml"), "-o", str(tmp_path / "r.html"), "--taxable-income", "-5"]) == 2
    assert "--taxable-income" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
