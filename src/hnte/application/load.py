"""Loading and validating application files, with errors that name file, field path and expectation."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hnte.application.model import Application
from hnte.core.errors import InputError, InputIssue
from hnte.core.parameters import load_yaml

FORMAT = "hnte/application@1"


def path_str(loc: tuple[Any, ...]) -> str:
    """('years', 2, 'rd_expenses', 'other') → 'years[2].rd_expenses.other'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _describe(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


_CUSTOM = {
    "money_type": ("应为以元为单位的数字（整数或最多两位小数）", "expected a number in yuan (integer or at most 2 decimals)"),
    "money_negative": ("金额不能为负数", "expected a non-negative amount in yuan"),
    "money_places": ("金额最多保留两位小数（单位：元）", "expected at most 2 decimal places (yuan)"),
    "headcount_type": ("应为人数（数字）", "expected a number of persons"),
    "headcount_negative": ("人数不能为负数", "expected a non-negative number of persons"),
    "number_too_large": ("数值过大（应小于 10^16）", "value too large (expected less than 10^16)"),
}


def _translate(err: dict) -> tuple[str, str]:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = _describe(err.get("input"))
    if kind == "value_error":
        key = str(ctx.get("error", ""))
        if key in _CUSTOM:
            zh, en = _CUSTOM[key]
            return f"{zh}，实际为 {got}", f"{en}, got {got}"
    if kind == "missing":
        return "缺少必填字段", "required field is missing"
    if kind == "extra_forbidden":
        return "未知字段（格式 hnte/application@1 中没有此键，请检查拼写）", "unknown key (not part of hnte/application@1; check the spelling)"
    if kind in {"literal_error", "enum"}:
        expected = ctx.get("expected", "")
        return f"取值无效 {got}，应为以下之一：{expected}", f"invalid value {got}; expected one of: {expected}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"应为整数，实际为 {got}", f"expected an integer, got {got}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"应为 true 或 false，实际为 {got}", f"expected true or false, got {got}"
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}:
        return f"应为日期 YYYY-MM-DD，实际为 {got}", f"expected a date YYYY-MM-DD, got {got}"
    if kind in {"string_type"}:
        return f"应为文本，实际为 {got}", f"expected text, got {got}"
    if kind == "string_too_short":
        return "不能为空", "must not be empty"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return f"格式不正确 {got}（应匹配 {pattern}）", f"malformed value {got} (expected to match {pattern})"
    if kind in {"list_type"}:
        return f"应为列表，实际为 {got}", f"expected a list, got {got}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"应为键值映射，实际为 {got}", f"expected a mapping, got {got}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"至少需要 {n} 项，实际为 {ctx.get('actual_length')} 项", f"expected at least {n} items, got {ctx.get('actual_length')}"
    if kind == "too_long":
        n = ctx.get("max_length")
        return f"最多 {n} 项，实际为 {ctx.get('actual_length')} 项", f"expected at most {n} items, got {ctx.get('actual_length')}"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"应不小于 {bound}，实际为 {got}", f"expected a value ≥ {bound}, got {got}"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"应不大于 {bound}，实际为 {got}", f"expected a value ≤ {bound}, got {got}"
    return f"取值无效 {got}（{err.get('msg')}）", f"invalid value {got} ({err.get('msg')})"


def _pydantic_issues(exc: ValidationError) -> list[InputIssue]:
    issues = []
    for err in exc.errors(include_url=False):
        zh, en = _translate(err)
        issues.append(InputIssue(path_str(tuple(err["loc"])), zh, en))
    return issues


def _parse_text(text: str, source: str) -> Any:
    stripped = text.lstrip()
    try:
        if source.lower().endswith(".json") or stripped.startswith("{"):
            return json.loads(text, parse_float=Decimal)
        return load_yaml(text)
    except json.JSONDecodeError as e:
        raise InputError(
            source,
            [InputIssue("", f"JSON 语法错误（第 {e.lineno} 行第 {e.colno} 列）：{e.msg}",
                        f"JSON syntax error (line {e.lineno}, column {e.colno}): {e.msg}")],
        ) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where_zh = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""
        where_en = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise InputError(source, [InputIssue("", f"YAML 语法错误{where_zh}：{problem}", f"YAML syntax error{where_en}: {problem}")]) from None


def parse_application(data: Any, source: str = "<input>", *, text: str | None = None) -> Application:
    """Validate parsed data (or raw ``text``) into an :class:`Application`, or raise :class:`InputError`."""
    if text is not None:
        data = _parse_text(text, source)
    if not isinstance(data, dict):
        raise InputError(source, [InputIssue("", "文件内容应为一个键值映射（申请书对象）", "expected the file to hold one mapping (the application object)")])
    if data.get("format") != FORMAT:
        got = _describe(data.get("format"))
        raise InputError(source, [InputIssue("format", f"应为 \"{FORMAT}\"，实际为 {got}", f"expected \"{FORMAT}\", got {got}")])
    try:
        app = Application.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, _pydantic_issues(exc)) from None
    issues = consistency_issues(app)
    if issues:
        raise InputError(source, issues)
    return app


def load_application(path: str | Path) -> Application:
    p = Path(path)
    source = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(source, [InputIssue("", "文件不存在", "file not found")]) from None
    except UnicodeDecodeError:
        raise InputError(source, [InputIssue("", "文件不是 UTF-8 编码", "file is not UTF-8 encoded")]) from None
    except OSError as e:
        raise InputError(source, [InputIssue("", f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}")]) from None
    return parse_application(None, source, text=text)


_STAFF_MEASURES = ("total", "science_tech", "science_tech_college", "rd_staff")


def consistency_issues(app: Application) -> list[InputIssue]:
    """Cross-field rules pydantic cannot express; each issue has an exact path."""
    issues: list[InputIssue] = []
    add = issues.append
    ent = app.enterprise
    app_year = app.application_date.year

    if ent.registration_date and ent.registration_date > app.application_date:
        add(InputIssue(
            "enterprise.registration_date",
            f"注册日期 {ent.registration_date} 晚于申请日期 {app.application_date}，应不晚于申请日期",
            f"registration date {ent.registration_date} is after the application date {app.application_date}; expected on or before it",
        ))

    seen: dict[int, int] = {}
    for i, y in enumerate(app.years):
        if y.year in seen:
            add(InputIssue(f"years[{i}].year", f"会计年度 {y.year} 重复（已见于 years[{seen[y.year]}]），每个年度只能出现一次",
                           f"accounting year {y.year} appears twice (also years[{seen[y.year]}]); expected each year once"))
        seen.setdefault(y.year, i)
    if len(seen) == len(app.years):
        for i in range(1, len(app.years)):
            if app.years[i].year != app.years[i - 1].year + 1:
                add(InputIssue(f"years[{i}].year", f"会计年度应连续且按从早到晚排列，{app.years[i - 1].year} 之后应为 {app.years[i - 1].year + 1}，实际为 {app.years[i].year}",
                               f"accounting years must be consecutive, oldest first: expected {app.years[i - 1].year + 1} after {app.years[i - 1].year}, got {app.years[i].year}"))
                break
        last = len(app.years) - 1
        if app.years[last].year != app_year - 1:
            add(InputIssue(f"years[{last}].year", f"最近一个会计年度应为申请年度的前一年 {app_year - 1}（近三个会计年度不含申报年），实际为 {app.years[last].year}",
                           f"the latest accounting year must be {app_year - 1}, the year before the application year, got {app.years[last].year}"))
        if ent.registration_date:
            for i, y in enumerate(app.years):
                if y.year < ent.registration_date.year:
                    add(InputIssue(f"years[{i}].year", f"会计年度 {y.year} 早于注册年度 {ent.registration_date.year}",
                                   f"accounting year {y.year} is before the registration year {ent.registration_date.year}"))

    listed = {y.year for y in app.years}
    for year in (ent.operating_months or {}):
        if year not in listed:
            add(InputIssue(f"enterprise.operating_months[{year}]", f"年度 {year} 不在 years 中", f"year {year} is not one of the accounting years in 'years'"))

    for i, y in enumerate(app.years):
        months = app.operating_months(y.year)
        if y.staff is not None:
            for measure in _STAFF_MEASURES:
                monthly = getattr(y.staff, f"{measure}_monthly")
                average = getattr(y.staff, f"{measure}_average")
                base = f"years[{i}].staff.{measure}_monthly"
                if monthly is not None and average is not None:
                    add(InputIssue(base, f"{measure}_monthly 与 {measure}_average 只能填写其一", f"give either {measure}_monthly or {measure}_average, not both"))
                if monthly is not None and len(monthly) != months:
                    add(InputIssue(base, f"应为 {months} 个月的 [月初数, 月末数]（{y.year} 年经营 {months} 个月），实际为 {len(monthly)} 个",
                                   f"expected {months} monthly [start, end] pairs ({months} months operated in {y.year}), got {len(monthly)}"))
        if y.total_income is not None and y.non_taxable_income is not None and y.non_taxable_income > y.total_income:
            add(InputIssue(f"years[{i}].non_taxable_income", f"不征税收入 {y.non_taxable_income} 大于收入总额 {y.total_income}",
                           f"non-taxable income {y.non_taxable_income} exceeds total income {y.total_income}; expected at most the total"))

    ip_numbers: dict[str, int] = {}
    for i, ip in enumerate(app.intellectual_property or []):
        if ip.number in ip_numbers:
            add(InputIssue(f"intellectual_property[{i}].number", f"知识产权编号 {ip.number} 重复", f"IP number {ip.number} appears twice"))
        ip_numbers.setdefault(ip.number, i)
        if ip.granted_on and ip.granted_on > app.application_date:
            add(InputIssue(f"intellectual_property[{i}].granted_on", f"授权日期 {ip.granted_on} 晚于申请日期，申请时尚未获得授权的不能作为知识产权",
                           f"grant date {ip.granted_on} is after the application date; IP not granted at application cannot be listed"))
    codes: dict[str, int] = {}
    for i, prod in enumerate(app.products or []):
        if prod.code in codes:
            add(InputIssue(f"products[{i}].code", f"产品编号 {prod.code} 重复", f"product code {prod.code} appears twice"))
        codes.setdefault(prod.code, i)
        for j, ref in enumerate(prod.core_ip or []):
            if ref not in ip_numbers:
                add(InputIssue(f"products[{i}].core_ip[{j}]", f"引用的知识产权 {ref} 不在 intellectual_property 中",
                               f"IP {ref} is not listed in intellectual_property"))
    for i, ip in enumerate(app.intellectual_property or []):
        for j, ref in enumerate(ip.products or []):
            if ref not in codes:
                add(InputIssue(f"intellectual_property[{i}].products[{j}]", f"引用的产品 {ref} 不在 products 中",
                               f"product {ref} is not listed in products"))
    for i, inc in enumerate(ent.incidents or []):
        if inc.date > app.application_date:
            add(InputIssue(f"enterprise.incidents[{i}].date", f"事故日期 {inc.date} 晚于申请日期", f"incident date {inc.date} is after the application date"))
    for i, conv in enumerate(app.conversions or []):
        if conv.year >= app_year + 1:
            add(InputIssue(f"conversions[{i}].year", f"转化年度 {conv.year} 晚于申请年度 {app_year}", f"conversion year {conv.year} is after the application year {app_year}"))
    issues.extend(audit_issues(app))
    return issues


def audit_issues(app: Application) -> list[InputIssue]:
    """Cross-field rules of ``intermediary`` and ``special_audit_report`` (issue 9)."""
    from hnte.registries.intermediaries import firm_issues
    from hnte.registries.records import record_issues

    issues: list[InputIssue] = []
    firm = app.intermediary
    if firm is not None:
        issues += firm_issues(firm, "intermediary", latest=app.application_date)
        issues += record_issues(firm.records or [], "intermediary.records")
    report = app.special_audit_report
    if report is not None:
        if report.issued_on is not None and report.issued_on > app.application_date:
            issues.append(InputIssue("special_audit_report.issued_on", f"报告日期 {report.issued_on} 晚于申请日期 {app.application_date}",
                                     f"report date {report.issued_on} is after the application date {app.application_date}"))
        seen: dict[int, int] = {}
        for i, y in enumerate(report.years):
            if y.year in seen:
                issues.append(InputIssue(f"special_audit_report.years[{i}].year", f"年度 {y.year} 重复（已见于 special_audit_report.years[{seen[y.year]}]）",
                                         f"year {y.year} appears twice (also special_audit_report.years[{seen[y.year]}])"))
            seen.setdefault(y.year, i)
    return issues

