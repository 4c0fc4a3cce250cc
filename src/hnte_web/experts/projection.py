"""What an expert sees of an application: an **allow-listed projection** of the submitted version, built key by
key into a plain dict — never a model instance, never the application file itself.

Left out on purpose (they identify the enterprise): its name, credit code, address, registration date, region,
industry, legal representative and contacts (they are not in the file, and the registration is not read here),
the intermediary and the audit report's number and date, the enterprise's own self-assessment grades (experts
score independently), the IP **numbers** (a patent or copyright number names its owner in the public registers:
each item is shown as IP01, IP02 … and conversions that cite a number cite the label) and the IP grant **dates**
(year only: title + exact date is a registry search away).

Kept (the experts need them to judge): the field of the core technology, the programme, the application year,
the financial and staff figures by year, R&D by category, the special audit report's figures, IP kind, class,
title, acquisition and grant year, products, conversions and R&D activities, and the engine's indicators on the
declared figures as a reference. Every text that is kept is **scrubbed**: the enterprise's name (and the name
without its legal form or province), credit code, address, legal representative and contacts, any IP number,
and anything shaped like a credit code, mobile number or e-mail address become "＊＊＊" (or the IP label).
:func:`identifying_values` lists what must never appear; the tests search every expert page for each of them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.core.numbers import round_half_up
from hnte_web.applications.sections import ACQUISITIONS, IP_KINDS, PROGRAMMES

MASK = "＊＊＊"
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
             "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
             "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
CREDIT_CODE_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
MOBILE_SHAPE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
EMAIL_SHAPE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

YEAR_KEYS = ("sales_revenue", "net_assets", "total_assets", "total_income", "non_taxable_income", "high_tech_income")
RD_KEYS = ("personnel", "direct_inputs", "depreciation", "intangible_amortization", "design", "equipment_debugging",
           "outsourced_domestic", "outsourced_overseas", "other")
STAFF_KEYS = ("total_monthly", "science_tech_monthly", "total_average", "science_tech_average")
IP_KEYS_SHOWN = ("kind", "title", "acquisition", "used_in_previous_application", "co_owned")


def name_variants(name: str) -> list[str]:
    """The name, without its legal form, and without its province too (北京示例智能科技有限公司 → 北京示例智能科技,
    示例智能科技): each variant of at least three characters."""
    name = (name or "").strip()
    out = [name]
    base = name
    for form in LEGAL_FORMS:
        if base.endswith(form):
            base = base[: -len(form)]
            break
    out.append(base)
    for prov in PROVINCES:
        if base.startswith(prov):
            rest = base[len(prov):]
            rest = rest[1:] if rest[:1] in ("市", "省") else rest
            out.append(rest)
            break
    return [v for v in dict.fromkeys(out) if len(v) >= 3]


def identifying_values(enterprise=None, data: dict | None = None) -> list[str]:
    """Everything that names or reaches the enterprise: from the registration and from the submitted file."""
    values: list[str] = []
    if enterprise is not None:
        values += name_variants(enterprise.name)
        values += [enterprise.credit_code, enterprise.address, enterprise.legal_representative,
                   enterprise.legal_representative_phone, enterprise.contact_name, enterprise.contact_phone,
                   enterprise.contact_email]
    block = (data or {}).get("enterprise") or {}
    values += name_variants(str(block.get("name") or ""))
    values += [str(block.get("credit_code") or ""), str(block.get("address") or "")]
    return [v for v in dict.fromkeys(v.strip() for v in values if v) if len(v) >= 2]


class Scrubber:
    """Masks identifying values (longest first) and replaces IP numbers by their labels in a text."""

    def __init__(self, identifying: list[str], ip_labels: dict[str, str] | None = None):
        self.ip_labels = dict(ip_labels or {})
        self.terms = sorted({*identifying}, key=len, reverse=True)

    def text(self, value: Any) -> str:
        s = "" if value is None else str(value)
        for number in sorted(self.ip_labels, key=len, reverse=True):
            if number:
                s = s.replace(number, self.ip_labels[number])
        for term in self.terms:
            s = s.replace(term, MASK)
        s = CREDIT_CODE_SHAPE.sub(MASK, s)
        s = MOBILE_SHAPE.sub(MASK, s)
        return EMAIL_SHAPE.sub(MASK, s)


def _label(choices, value) -> dict:
    for v, zh, en in choices:
        if v == value:
            return {"zh": zh, "en": en}
    return {"zh": str(value or ""), "en": str(value or "")}


def _plain(value: Any) -> Any:
    """Numbers as exact decimal text, so the projection is plain JSON."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _money(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(Decimal(str(value)))


def _ratio_text(value: Any) -> str | None:
    if value is None:
        return None
    return f"{round_half_up(Fraction(value) * 100, 2)}%"


def _count_text(value: Any) -> str | None:
    if value is None:
        return None
    return f"{round_half_up(Fraction(value), 2)}"


def _fen_text(value: Any) -> str | None:
    if value is None:
        return None
    return str(round_half_up(Fraction(value) / 100, 2))


REFERENCE_INDICATORS = (  # (indicator id, zh, en, formatter)
    ("rd_expense.total", "研究开发费用总额（计入口径，元）", "Counted R&D (yuan)", _fen_text),
    ("rd_expense.domestic_total", "境内研究开发费用（元）", "R&D in China (yuan)", _fen_text),
    ("rd_expense.ratio", "研发费用占销售收入比例", "R&D / sales", _ratio_text),
    ("rd_expense.ratio_min", "比例要求", "Required ratio", _ratio_text),
    ("rd_expense.domestic_share", "境内研发费用占比", "Domestic share of R&D", _ratio_text),
    ("income.high_tech_ratio", "高新技术产品（服务）收入占总收入比例", "High-tech income / total income", _ratio_text),
    ("products.main_share", "有核心知识产权支持的产品收入占比", "Income of IP-backed products / high-tech income", _ratio_text),
    ("staff.science_tech_ratio", "科技人员占比", "S&T staff share", _ratio_text),
    ("conversions.annual_average", "科技成果转化年平均数", "Conversions per year", _count_text),
    ("growth.net_assets", "净资产增长率", "Net-asset growth", _ratio_text),
    ("growth.sales", "销售收入增长率", "Sales growth", _ratio_text),
)
REFERENCE_GRADES = (  # objective rubric grades (the subjective ones come from the enterprise: not shown)
    ("score.ip.quantity", "知识产权数量", "IP quantity"),
    ("score.conversion.ability", "科技成果转化能力", "Conversion"),
    ("score.growth.net_assets", "净资产增长率", "Net-asset growth"),
    ("score.growth.sales", "销售收入增长率", "Sales growth"),
)


def _engine_reference(data: dict) -> dict:
    """The engine on the declared figures: a few indicators and the objective grades, values only."""
    from hnte.application.load import parse_application
    from hnte.core.errors import InputError
    from hnte.engine import assess

    try:
        result = assess(parse_application(data, "申请书"), with_alternative=False)
    except InputError:
        return {"indicators": [], "grades": [], "registered_one_year": None, "law_version": ""}
    figures = result.ctx.trace.figures
    indicators = []
    for fid, zh, en, fmt in REFERENCE_INDICATORS:
        f = figures.get(fid)
        indicators.append({"id": fid, "zh": zh, "en": en, "value": fmt(f.value) if f is not None else None})
    items = {i.id: i for i in result.score.items}
    grades = []
    for fid, zh, en in REFERENCE_GRADES:
        i = items.get(fid)
        if i is not None:
            grades.append({"id": fid, "zh": zh, "en": en, "grade": i.details.get("grade"),
                           "points": f"{i.details['min']}–{i.details['max']}" if i.details["min"] != i.details["max"] else str(i.details["min"])})
    age = next((c for c in result.criteria if "registration_age_days" in c.depends), None)
    return {"indicators": indicators, "grades": grades, "law_version": result.law.id,
            "registered_one_year": None if age is None or age.status == "unknown" else age.status == "pass"}


def expert_projection(*, reference: str, data: dict, enterprise=None, catalogue=None) -> dict:
    """The allow-listed projection of one submitted version (``data``) for the experts of panel ``reference``."""
    ips = list(data.get("intellectual_property") or [])
    ip_labels = {str(ip.get("number")): f"IP{i + 1:02d}" for i, ip in enumerate(ips) if ip.get("number")}
    scrub = Scrubber(identifying_values(enterprise, data), ip_labels)
    block = data.get("enterprise") or {}
    code = str(block.get("technical_field") or "")
    field_path = []
    if code and catalogue is not None:
        field_path = [{"code": e.code, "name": e.name} for e in catalogue.path(code)]
    years = []
    for y in data.get("years") or []:
        row: dict[str, Any] = {"year": int(y["year"])}
        for k in YEAR_KEYS:
            row[k] = _money(y.get(k))
        rd = y.get("rd_expenses") or {}
        row["rd_expenses"] = {k: _money(rd.get(k)) for k in RD_KEYS} if rd else None
        staff = y.get("staff") or {}
        row["staff"] = {k: _plain(staff[k]) for k in STAFF_KEYS if k in staff}
        years.append(row)
    ip_rows = []
    for i, ip in enumerate(ips):
        granted = str(ip.get("granted_on") or "")
        row = {"label": f"IP{i + 1:02d}", "granted_year": granted[:4] if granted else None}
        row.update({k: ip.get(k) for k in IP_KEYS_SHOWN})
        row["title"] = scrub.text(ip.get("title")) if ip.get("title") else None
        row["kind_label"] = _label(IP_KINDS, row.get("kind"))
        row["acquisition_label"] = _label(ACQUISITIONS, row.get("acquisition"))
        row["products"] = [str(c) for c in ip.get("products") or []]
        ip_rows.append(row)
    products = [{"code": str(p.get("code")), "name": scrub.text(p.get("name")) if p.get("name") else None, "income": _money(p.get("income")),
                 "core_ip": [ip_labels.get(str(n), MASK) for n in p.get("core_ip") or []]} for p in data.get("products") or []]
    conversions = [{"year": c.get("year"), "achievement": scrub.text(c.get("achievement")),
                    "result": scrub.text(c.get("result")) if c.get("result") else None}
                   for c in data.get("conversions") or []]
    projects = [{"code": str(p.get("code")), "name": scrub.text(p.get("name")) if p.get("name") else None, "start": str(p.get("start") or "") or None,
                 "end": str(p.get("end") or "") or None,
                 "spend": {str(k): _money(v) for k, v in (p.get("spend") or {}).items()}} for p in data.get("rd_projects") or []]
    report = data.get("special_audit_report") or {}
    audit = None
    if report:
        audit = {"years": [{"year": r.get("year"), "rd_total": _money(r.get("rd_total")), "rd_domestic": _money(r.get("rd_domestic"))}
                           for r in report.get("years") or []],
                 "high_tech_income": _money(report.get("high_tech_income"))}
    out = {
        "format": "hnte/expert-projection@1",
        "reference": reference,
        "programme": str(data.get("programme") or "national"),
        "programme_label": _label(PROGRAMMES, str(data.get("programme") or "national")),
        "application_year": str(data.get("application_date") or "")[:4],
        "technical_field": {"code": code, "path": field_path},
        "years": years,
        "intellectual_property": ip_rows,
        "products": products,
        "conversions": conversions,
        "rd_projects": projects,
        "special_audit_report": audit,
        "engine": _engine_reference(data),
    }
    leaked = leaks(out, identifying_values(enterprise, data) + list(ip_labels))
    if leaked:  # defence in depth: the allow-list and the scrubber above should make this impossible
        raise AssertionError(f"the expert projection would reveal {len(leaked)} identifying value(s)")
    return out


def leaks(value: Any, identifying: list[str]) -> list[str]:
    """Which identifying values occur anywhere in ``value`` (as JSON text)."""
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return [v for v in identifying if v and v in text]


# --- de-identified attachments ------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def pdf_findings(path, identifying: list[str]) -> dict:
    """The text of a PDF (pypdf), searched for the enterprise's name and credit code (whitespace ignored: text
    extraction splits lines). ``{"checked": True, "found": [...]}``, or ``checked: False`` with the reason."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        text = "".join(page.extract_text() or "" for page in reader.pages)
    except Exception as e:  # an unreadable PDF cannot be shown as clean
        return {"checked": False, "found": [], "error": type(e).__name__}
    squashed = _squash(text)
    found = [v for v in identifying if _squash(v) and _squash(v) in squashed]
    return {"checked": True, "found": found}
