"""The online application form, section by section (the tables of the official 申请书), declared once.

Every input is named after its path in the application file (``years[2].rd_expenses.personnel``), so an
engine error's field path points at the input. Money is entered and shown in 万元 (at least 2 decimals,
never rounded) and stored in yuan exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hnte.application.model import Acquisition, IndustryGroup, IpKind, PilotField
from hnte_web.core.money import MoneyInputError, wan_text_to_yuan, yuan_to_wan_text

YEARS = 3  # the three accounting years before the application year


@dataclass(frozen=True)
class Col:
    key: str
    zh: str
    en: str
    kind: str = "text"  # text | money | signed_money | number | int | date | choice | bool | list | grade
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, zh, en)
    latest_only: bool = False


def _choices(enum, labels: dict[str, tuple[str, str]]) -> tuple[tuple[str, str, str], ...]:
    return tuple((m.value, *labels.get(m.value, (m.value, m.value))) for m in enum)


IP_KINDS = _choices(IpKind, {
    "invention_patent": ("发明专利", "Invention patent"), "defense_patent": ("国防专利", "Defence patent"),
    "plant_variety": ("植物新品种", "Plant variety"), "national_crop_variety": ("国家级农作物品种", "National crop variety"),
    "national_new_drug": ("国家新药", "National new drug"), "tcm_protected_variety_1": ("国家一级中药保护品种", "TCM protected variety (class 1)"),
    "ic_layout_design": ("集成电路布图设计专有权", "IC layout design"), "utility_model": ("实用新型专利", "Utility model"),
    "design_patent": ("外观设计专利", "Design patent"), "software_copyright": ("软件著作权", "Software copyright"),
})
ACQUISITIONS = _choices(Acquisition, {
    "self_developed": ("自主研发", "Self-developed"), "transfer": ("受让", "Transfer"), "gift": ("受赠", "Gift"),
    "merger": ("并购", "Merger"), "exclusive_licence": ("5年以上独占许可（2008）", "Exclusive licence ≥ 5 years (2008)"),
})
INDUSTRIES = _choices(IndustryGroup, {
    "industrial": ("工业", "Industry"), "construction": ("建筑业", "Construction"), "wholesale": ("批发业", "Wholesale"),
    "retail": ("零售业", "Retail"), "accommodation_catering": ("住宿和餐饮业", "Accommodation and catering"),
    "real_estate": ("房地产开发经营", "Real estate"), "transport_storage_post": ("交通运输、仓储和邮政业", "Transport, storage, post"),
    "information_software": ("信息传输、软件和信息技术服务业", "Information and software"),
    "water_environment_public_facilities": ("水利、环境和公共设施管理业", "Water, environment, public facilities"),
    "health": ("卫生", "Health"), "leasing_business_services": ("租赁和商务服务业", "Leasing and business services"),
    "science_technology_services": ("科学研究和技术服务业", "Science and technology services"), "education": ("教育", "Education"),
    "resident_services_repair": ("居民服务、修理和其他服务业", "Resident services"),
    "culture_sports_entertainment": ("文化、体育和娱乐业", "Culture, sports, entertainment"), "social_work": ("社会工作", "Social work"),
})
PILOT_FIELDS = _choices(PilotField, {
    "integrated_circuits": ("集成电路", "Integrated circuits"), "artificial_intelligence": ("人工智能", "Artificial intelligence"),
    "biomedicine": ("生物医药", "Biomedicine"), "key_materials": ("关键材料", "Key materials"),
})
PROGRAMMES = (("national", "高新技术企业认定（全国）", "National identification"),
              ("beijing-pilot", "北京“报备即批准”试点", "Beijing filing-equals-approval pilot"),
              ("suzhou-cultivation", "苏州高新技术企业培育库", "Suzhou cultivation pool"))
GRADES = tuple((g, g, g) for g in "ABCDE")
INCIDENTS = (("none", "否", "No"), ("major_safety_accident", "是：重大安全事故", "Yes: major safety accident"),
             ("major_quality_accident", "是：重大质量事故", "Yes: major quality accident"),
             ("serious_environmental_violation", "是：严重环境违法行为", "Yes: serious environmental violation"))

FINANCE = (
    Col("sales_revenue", "销售收入（万元）", "Sales revenue (10k yuan)", "money"),
    Col("net_assets", "年末净资产（万元）", "Net assets at year end (10k yuan)", "signed_money"),
    Col("total_assets", "年末资产总额（万元）", "Total assets at year end (10k yuan)", "money"),
    Col("total_income", "收入总额（万元）", "Total income (10k yuan)", "money", latest_only=True),
    Col("non_taxable_income", "不征税收入（万元）", "Non-taxable income (10k yuan)", "money", latest_only=True),
    Col("high_tech_income", "高新技术产品（服务）收入（万元）", "High-tech product (service) income (10k yuan)", "money", latest_only=True),
)
RD = (
    Col("personnel", "人员人工费用", "Personnel", "money"), Col("direct_inputs", "直接投入费用", "Direct inputs", "money"),
    Col("depreciation", "折旧费用与长期待摊费用", "Depreciation and long-term deferred", "money"),
    Col("intangible_amortization", "无形资产摊销费用", "Amortisation of intangibles", "money"),
    Col("design", "设计费用", "Design", "money"), Col("equipment_debugging", "装备调试费用与试验费用", "Equipment debugging and trials", "money"),
    Col("outsourced_domestic", "委托境内机构或个人进行研究开发活动所发生的费用（实际支付额）", "Outsourced in China (paid)", "money"),
    Col("outsourced_overseas", "委托境外机构或个人进行研究开发活动所发生的费用（实际支付额）", "Outsourced abroad (paid)", "money"),
    Col("other", "其他费用", "Other", "money"),
)
STAFF = (
    Col("total_average", "职工总数（月平均数，人）", "Total staff (monthly average)", "number"),
    Col("science_tech_average", "科技人员数（月平均数，人）", "S&T staff (monthly average)", "number"),
)


@dataclass(frozen=True)
class Table:
    """A list section: one row per item (知识产权, 研发活动, 高新技术产品, 科技成果转化)."""

    key: str
    zh: str
    en: str
    cols: tuple[Col, ...]
    blank_rows: int = 3


IP = Table("intellectual_property", "知识产权汇总表", "Intellectual property", (
    Col("number", "知识产权编号", "Number"), Col("kind", "类别", "Kind", "choice", IP_KINDS), Col("title", "名称", "Title"),
    Col("granted_on", "授权日期", "Granted on", "date"), Col("acquisition", "获得方式", "Acquisition", "choice", ACQUISITIONS),
    Col("products", "支持的产品（PS编号，逗号分隔）", "Products supported (PS codes, comma-separated)", "list"),
))
PRODUCTS = Table("products", "上年度高新技术产品（服务）情况表", "Last year's high-tech products (services)", (
    Col("code", "编号", "Code"), Col("name", "名称", "Name"), Col("income", "上年度销售收入（万元）", "Last year's income (10k yuan)", "money"),
    Col("core_ip", "核心支持知识产权（编号，逗号分隔）", "Core IP (numbers, comma-separated)", "list"),
))
CONVERSIONS = Table("conversions", "科技成果转化情况", "Conversions of achievements", (
    Col("year", "年度", "Year", "int"), Col("achievement", "科技成果", "Achievement"), Col("result", "转化结果", "Result"),
))
RD_PROJECTS = Table("rd_projects", "企业研究开发活动情况表", "R&D activities", (
    Col("code", "编号（RD01…）", "Code (RD01…)"), Col("name", "研发活动名称", "Name"),
    Col("start", "起始日期", "Start", "date"), Col("end", "结束日期", "End", "date"),
))
TABLES = {t.key: t for t in (IP, RD_PROJECTS, PRODUCTS, CONVERSIONS)}

SECTIONS = (
    ("basic", "基本信息", "Basic information"),
    ("finance", "财务状况", "Finances"),
    ("rd", "年度研究开发费用结构", "Annual R&D expense structure"),
    ("staff", "人力资源情况", "Human resources"),
    ("intellectual_property", IP.zh, IP.en),
    ("rd_projects", RD_PROJECTS.zh, RD_PROJECTS.en),
    ("products", PRODUCTS.zh, PRODUCTS.en),
    ("conversions", CONVERSIONS.zh, CONVERSIONS.en),
    ("management", "研究开发组织管理水平与自评", "R&D management and self-assessment"),
    ("audit_report", "中介机构与专项审计报告", "Intermediary and special audit report"),
)
SECTION_KEYS = tuple(k for k, _, _ in SECTIONS)


class FormErrors(dict):
    """input name → (zh, en)."""


def application_years(data: dict) -> list[int]:
    date = data.get("application_date")
    try:
        year = dt.date.fromisoformat(str(date)).year
    except ValueError:
        year = dt.date.today().year
    return [year - YEARS + i for i in range(YEARS)]


def _year_entries(data: dict) -> list[dict]:
    """The three year entries, oldest first, keyed to the application date (created when missing)."""
    wanted = application_years(data)
    by_year = {y.get("year"): y for y in data.get("years") or [] if isinstance(y, dict)}
    return [by_year.get(y) or {"year": y} for y in wanted]


# ---------------------------------------------------------------- display values


def show(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind in ("money", "signed_money"):
        return yuan_to_wan_text(Decimal(str(value)))
    if kind == "bool":
        return "true" if value else "false"
    if kind == "list":
        return ", ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def grid_rows(data: dict, section: str) -> dict[str, Any]:
    """Rows × years for the finance / rd / staff grids: [(col, [(input_name, value_text, enabled)])]."""
    years = _year_entries(data)
    cols = {"finance": FINANCE, "rd": RD, "staff": STAFF}[section]
    rows = []
    for col in cols:
        cells = []
        for i, y in enumerate(years):
            latest = i == len(years) - 1
            if section == "finance":
                value, name = y.get(col.key), f"years[{i}].{col.key}"
            elif section == "rd":
                value, name = (y.get("rd_expenses") or {}).get(col.key), f"years[{i}].rd_expenses.{col.key}"
            else:
                value, name = (y.get("staff") or {}).get(col.key), f"years[{i}].staff.{col.key}"
            cells.append({"name": name, "value": show(value, col.kind), "enabled": latest or not col.latest_only})
        rows.append({"col": col, "cells": cells})
    return {"years": [y["year"] for y in years], "rows": rows}


def audit_grid(data: dict) -> dict[str, Any]:
    """The special audit report's R&D by category and year, then its counted totals (万元)."""
    years = application_years(data)
    report = {int(y.get("year")): y for y in (data.get("special_audit_report") or {}).get("years") or []}
    rows = []
    for col in RD + AUDIT_TOTALS:
        cells = []
        for i, y in enumerate(years):
            entry = report.get(y) or {}
            value = (entry.get("rd_expenses") or {}).get(col.key) if col in RD else entry.get(col.key)
            sub = "rd_expenses." if col in RD else ""
            cells.append({"name": f"special_audit_report.years[{i}].{sub}{col.key}", "value": show(value, "money"), "enabled": True})
        rows.append({"col": col, "cells": cells})
    return {"years": years, "rows": rows}


def _apply_audit(data: dict, post, errors: FormErrors) -> None:
    for col in AUDIT_FIELDS:
        if col.key in post:
            _set_path(data, col.key, _parse(post.get(col.key), col, col.key, errors))
    years = application_years(data)
    report = data.get("special_audit_report") or {}
    entries = []
    for i, y in enumerate(years):
        entry: dict[str, Any] = {"year": y}
        rd: dict[str, Any] = {}
        for col in RD + AUDIT_TOTALS:
            sub = "rd_expenses." if col in RD else ""
            name = f"special_audit_report.years[{i}].{sub}{col.key}"
            value = _parse(post.get(name), col, name, errors)
            if value is not None:
                (rd if col in RD else entry)[col.key] = value
        if rd:
            entry["rd_expenses"] = rd
        if len(entry) > 1:
            entries.append(entry)
    if entries:
        report = dict(data.get("special_audit_report") or {})
        report["years"] = entries
        data["special_audit_report"] = report
    elif "special_audit_report" in data:
        rest = {k: v for k, v in data["special_audit_report"].items() if k != "years"}
        if rest:
            errors.setdefault("special_audit_report.years[2].rd_expenses.personnel",
                              ("专项审计报告须至少填写一个年度的研究开发费用", "the report needs at least one year of R&D figures"))
        data.pop("special_audit_report", None)
    if data.get("intermediary") == {}:
        data.pop("intermediary")
    if data.get("intermediary") and not data["intermediary"].get("name"):
        errors.setdefault("intermediary.name", ("请填写中介机构名称", "give the intermediary's name"))


def monthly_rows(data: dict) -> list[dict]:
    """The latest year's monthly staff table (月初/月末 for total and S&T staff)."""
    years = _year_entries(data)
    i = len(years) - 1
    staff = years[-1].get("staff") or {}
    rows = []
    for m in range(12):
        row = {"month": m + 1, "cells": []}
        for measure in ("total_monthly", "science_tech_monthly"):
            pairs = staff.get(measure) or []
            for j in range(2):
                v = pairs[m][j] if m < len(pairs) else None
                row["cells"].append({"name": f"years[{i}].staff.{measure}[{m}][{j}]", "value": show(v, "number")})
        rows.append(row)
    return rows


def table_rows(data: dict, table: Table) -> list[dict]:
    items = list(data.get(table.key) or [])
    years = application_years(data)
    rows = []
    for r in range(len(items) + table.blank_rows):
        item = items[r] if r < len(items) else {}
        cells = [{"col": c, "name": f"{table.key}[{r}].{c.key}", "value": show(item.get(c.key), c.kind)} for c in table.cols]
        if table.key == "rd_projects":
            spend = item.get("spend") or {}
            for y in years:
                v = spend.get(y, spend.get(str(y)))
                cells.append({"col": Col(f"spend.{y}", f"{y} 年支出（万元）", f"{y} spend (10k yuan)", "money"),
                              "name": f"{table.key}[{r}].spend.{y}", "value": show(v, "money")})
        rows.append({"index": r, "cells": cells})
    return rows


def table_headers(data: dict, table: Table) -> list[tuple[str, str]]:
    heads = [(c.zh, c.en) for c in table.cols]
    if table.key == "rd_projects":
        heads += [(f"{y} 年支出（万元）", f"{y} spend (10k yuan)") for y in application_years(data)]
    return heads


# ---------------------------------------------------------------- parsing


def _parse(raw: str, col: Col, name: str, errors: FormErrors) -> Any:
    raw = (raw or "").strip()
    if raw == "":
        return None
    try:
        if col.kind in ("money", "signed_money"):
            return wan_text_to_yuan(raw, allow_negative=col.kind == "signed_money")
        if col.kind == "number":
            n = Decimal(raw)
            if not n.is_finite() or n < 0:
                raise InvalidOperation
            return n
        if col.kind == "int":
            if not re.fullmatch(r"-?\d+", raw):
                raise InvalidOperation
            return int(raw)
        if col.kind == "date":
            return dt.date.fromisoformat(raw).isoformat()
        if col.kind == "bool":
            return {"true": True, "false": False}.get(raw)
        if col.kind in ("choice", "grade", "incident"):
            allowed = {v for v, _, _ in col.choices}
            if raw not in allowed:
                errors[name] = (f"请选择有效选项，实际为 “{raw}”", f"choose a valid option, got \"{raw}\"")
                return None
            return raw
        if col.kind == "list":
            return [p.strip() for p in re.split(r"[,，、;；\s]+", raw) if p.strip()]
        return raw
    except MoneyInputError as e:
        errors[name] = (e.zh, e.en)
    except (InvalidOperation, ValueError):
        expected = {"number": ("应为非负数字", "expected a non-negative number"), "int": ("应为整数", "expected a whole number"),
                    "date": ("应为日期 YYYY-MM-DD", "expected a date YYYY-MM-DD")}.get(col.kind, ("格式不正确", "invalid value"))
        errors[name] = (f"{expected[0]}，实际为 “{raw}”", f"{expected[1]}, got \"{raw}\"")
    return None


def _set(d: dict, key: str, value: Any) -> None:
    if value is None:
        d.pop(key, None)
    else:
        d[key] = value


BASIC = (
    Col("programme", "认定项目", "Programme", "choice", PROGRAMMES),
    Col("application_date", "申请日期", "Application date", "date"),
    Col("enterprise.technical_field", "技术领域（《国家重点支持的高新技术领域》代码，如 1.1.1）",
        "Technical field (catalogue code, e.g. 1.1.1)"),
    Col("enterprise.industry", "所属行业（规模以上判定）", "Industry group (above designated size)", "choice", INDUSTRIES),
    Col("enterprise.above_designated_size", "是否规模以上企业", "Above designated size", "bool"),
    Col("enterprise.previously_identified", "是否曾被认定为高新技术企业", "Previously identified", "bool"),
    Col("enterprise.pilot_field", "试点技术领域（北京试点）", "Pilot field (Beijing pilot)", "choice", PILOT_FIELDS),
    Col("enterprise.incidents", "申请认定前一年内是否发生重大安全、重大质量事故或严重环境违法行为",
        "A major safety or quality accident or serious environmental violation in the year before applying", "incident", INCIDENTS),
    Col("enterprise.incident_date", "事故或违法行为发生日期（如有）", "Date of the accident or violation (if any)", "date"),
)
BASIC_BY_KEY = {c.key: c for c in BASIC}
AUDIT_FIELDS = (
    Col("intermediary.name", "出具专项审计报告的中介机构名称", "Intermediary issuing the special audit report"),
    Col("intermediary.credit_code", "中介机构统一社会信用代码", "Intermediary's credit code"),
    Col("special_audit_report.number", "专项审计报告文号", "Report number"),
    Col("special_audit_report.issued_on", "报告日期", "Report date", "date"),
    Col("special_audit_report.high_tech_income", "报告确认的近一年高新技术产品（服务）收入（万元）",
        "High-tech income confirmed by the report (10k yuan)", "money"),
)
AUDIT_TOTALS = (
    Col("rd_total", "研究开发费用总额（认定口径，万元）", "R&D total as counted (10k yuan)", "money"),
    Col("rd_domestic", "其中：境内研究开发费用（万元）", "of which in China (10k yuan)", "money"),
)
MANAGEMENT = (
    Col("assessment.technology_advancement", "技术的先进程度（自评档次）", "Technology advancement (self-assessed grade)", "grade", GRADES),
    Col("assessment.core_support", "对主要产品（服务）的核心支持作用（自评档次）", "Core support of products (grade)", "grade", GRADES),
    Col("assessment.standards_participation", "参与标准制定", "Participated in standard setting", "bool"),
    Col("assessment.rd_management.system", "研发组织管理制度等（0–6）", "R&D management system (0–6)", "int"),
    Col("assessment.rd_management.institution", "研发机构与产学研合作（0–6）", "R&D institution and cooperation (0–6)", "int"),
    Col("assessment.rd_management.conversion_incentives", "成果转化激励（0–4）", "Conversion incentives (0–4)", "int"),
    Col("assessment.rd_management.talent", "人才培养与激励（0–4）", "Talent training and incentives (0–4)", "int"),
)


def _get_path(data: dict, path: str) -> Any:
    cur: Any = data
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _set_path(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    cur = data
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    _set(cur, parts[-1], value)
    # prune empty containers on the way (e.g. an assessment with nothing in it)
    for depth in range(len(parts) - 1, 0, -1):
        parent = _get_path(data, ".".join(parts[: depth - 1])) if depth > 1 else data
        key = parts[depth - 1]
        if isinstance(parent, dict) and parent.get(key) == {}:
            parent.pop(key)


def _field_value(data: dict, col: Col) -> str:
    incidents = (data.get("enterprise") or {}).get("incidents")
    if col.kind == "incident":
        return "" if incidents is None else (incidents[0]["kind"] if incidents else "none")
    if col.key == "enterprise.incident_date":
        return str(incidents[0]["date"]) if incidents else ""
    return show(_get_path(data, col.key), col.kind)


def field_rows(data: dict, cols: tuple[Col, ...]) -> list[dict]:
    return [{"col": c, "name": c.key, "value": _field_value(data, c)} for c in cols]


def _apply_incident(data: dict, post, errors: FormErrors) -> None:
    """One incident through the form (more through an imported file); "none" declares there was none."""
    flag = _parse(post.get("enterprise.incidents"), BASIC_BY_KEY["enterprise.incidents"], "enterprise.incidents", errors)
    date = _parse(post.get("enterprise.incident_date"), BASIC_BY_KEY["enterprise.incident_date"], "enterprise.incident_date", errors)
    ent = data.setdefault("enterprise", {})
    if flag is None:
        ent.pop("incidents", None)
    elif flag == "none":
        ent["incidents"] = []
    elif date is None:
        errors.setdefault("enterprise.incident_date", ("请填写事故或违法行为的发生日期", "give the date of the accident or violation"))
    else:
        ent["incidents"] = [{"date": date, "kind": flag}]


def apply_post(data: dict, section: str, post) -> tuple[dict, FormErrors]:
    """Return a new data dict with ``section``'s inputs applied, and the inputs that could not be read."""
    import copy

    data = copy.deepcopy(data)
    errors = FormErrors()
    if section in ("basic", "management"):
        old_years, old_entries = application_years(data), _year_entries(data)
        for col in BASIC if section == "basic" else MANAGEMENT:
            if col.key in ("enterprise.incidents", "enterprise.incident_date"):
                continue
            if col.key in post:
                _set_path(data, col.key, _parse(post.get(col.key), col, col.key, errors))
        if application_years(data) != old_years and data.get("years"):
            # a new application date keeps "the latest year's" figures as the latest year's
            for entry, year in zip(old_entries, application_years(data), strict=True):
                entry["year"] = year
            data["years"] = old_entries
        if section == "basic" and "enterprise.incidents" in post:
            _apply_incident(data, post, errors)
    elif section in ("finance", "rd", "staff"):
        years = _year_entries(data)
        cols = {"finance": FINANCE, "rd": RD, "staff": STAFF}[section]
        for i, y in enumerate(years):
            latest = i == len(years) - 1
            for col in cols:
                if col.latest_only and not latest:
                    continue
                if section == "finance":
                    name, target = f"years[{i}].{col.key}", y
                elif section == "rd":
                    name, target = f"years[{i}].rd_expenses.{col.key}", y.setdefault("rd_expenses", {})
                else:
                    name, target = f"years[{i}].staff.{col.key}", y.setdefault("staff", {})
                if name in post:
                    _set(target, col.key, _parse(post.get(name), col, name, errors))
            if section == "staff" and latest:
                _apply_monthly(y.setdefault("staff", {}), i, post, errors)
            for sub in ("rd_expenses", "staff"):
                if y.get(sub) == {}:
                    y.pop(sub)
        data["years"] = years
    elif section == "audit_report":
        _apply_audit(data, post, errors)
    elif section in TABLES:
        table = TABLES[section]
        items = []
        r = 0
        years = application_years(data)
        while any(f"{section}[{r}].{c.key}" in post for c in table.cols):
            item: dict[str, Any] = {}
            for c in table.cols:
                name = f"{section}[{r}].{c.key}"
                _set(item, c.key, _parse(post.get(name), c, name, errors))
            if section == "rd_projects":
                spend = {}
                for y in years:
                    name = f"{section}[{r}].spend.{y}"
                    v = _parse(post.get(name), Col("spend", "", "", "money"), name, errors)
                    if v is not None:
                        spend[y] = v
                if spend:
                    item["spend"] = spend
            if item:
                items.append(item)
            r += 1
        if items:
            data[section] = items
        else:
            data.pop(section, None)
    else:
        raise KeyError(section)
    return data, errors


def _apply_monthly(staff: dict, i: int, post, errors: FormErrors) -> None:
    for measure in ("total_monthly", "science_tech_monthly"):
        names = [f"years[{i}].staff.{measure}[{m}][{j}]" for m in range(12) for j in range(2)]
        if not any(n in post for n in names):
            continue
        values = [_parse(post.get(n), Col(n, "", "", "number"), n, errors) for n in names]
        if all(v is None for v in values):
            staff.pop(measure, None)
        elif any(v is None for v in values):
            first = names[values.index(None)]
            errors.setdefault(first, ("月度人数须 12 个月的月初、月末数全部填写（或全部留空而填写月平均数）",
                                      "fill the start and end counts for all 12 months (or leave them all blank and give the average)"))
        else:
            staff[measure] = [[values[2 * m], values[2 * m + 1]] for m in range(12)]
