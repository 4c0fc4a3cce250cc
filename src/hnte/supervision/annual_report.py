"""The annual development report (年度发展情况报表, Measures 2016 Art. 13): what it holds, its consistency rules
(an error names the field) and its plausibility checks against the identification thresholds (a warning, never a
verdict: the figures are one year's, while identification reads three).

"企业获得高新技术企业资格后，应每年5月底前在'高新技术企业认定管理工作网'填报上一年度知识产权、科技人员、研发费用、经营收入
等年度发展情况报表。" The thresholds are the dated parameters of Art. 11 (four) to (six), read for the year reported on:

- S&T staff ÷ employees ≥ ``staff.science_tech_ratio_min``;
- R&D ÷ sales ≥ the tier of ``rd_expense.ratio_min_by_sales`` chosen by that year's sales;
- domestic R&D ÷ R&D ≥ ``rd_expense.domestic_share_min``;
- high-tech income ÷ (total income − non-taxable income) ≥ ``income.high_tech_ratio_min``;
- total income, sales revenue, high-tech income and R&D must not be zero (no ratio above can be met).

Money in yuan as exact decimals (compared as fen), staff as averages with at most two decimals; every ratio is an
exact :class:`Fraction` compared by the engine's own ``meets``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from hnte.core.errors import InputError, InputIssue
from hnte.core.numbers import yuan_to_fen
from hnte.core.parameters import ParameterView
from hnte.indicators.common import meets
from hnte.indicators.rd_expense import tier_for

ART13 = "measures_2016#art13"


@dataclass(frozen=True)
class ReportField:
    key: str
    label_zh: str
    label_en: str
    kind: str  # "money" (yuan), "people" (averages, ≤ 2 decimals), "count" (whole numbers)
    required: bool = True


FIELDS: tuple[ReportField, ...] = (
    ReportField("ip_class_i", "当年新获得Ⅰ类知识产权（件）", "Class I IP obtained in the year", "count"),
    ReportField("ip_class_ii", "当年新获得Ⅱ类知识产权（件）", "Class II IP obtained in the year", "count"),
    ReportField("staff_total", "职工总数（人，全年月平均）", "Employees (monthly average)", "people"),
    ReportField("science_tech_staff", "科技人员数（人，全年月平均）", "S&T staff (monthly average)", "people"),
    ReportField("rd_total", "研究开发费用总额", "Total R&D expenses", "money"),
    ReportField("rd_domestic", "其中：在中国境内发生的研究开发费用", "of which incurred in China", "money"),
    ReportField("total_income", "总收入", "Total income", "money"),
    ReportField("non_taxable_income", "其中：不征税收入", "of which non-taxable income", "money", required=False),
    ReportField("sales_revenue", "销售收入", "Sales revenue", "money"),
    ReportField("high_tech_income", "高新技术产品（服务）收入", "High-tech product (service) income", "money"),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class Check:
    """One plausibility check: ``status`` pass / warning; ``value`` and ``threshold`` exact (None when not a ratio)."""

    code: str
    field: str  # the field the warning points at
    status: str
    value: Fraction | None
    threshold: Fraction | None
    cites: tuple[str, ...]
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "status": self.status,
                "value": None if self.value is None else f"{self.value.numerator}/{self.value.denominator}",
                "value_text": None if self.value is None else _pct(self.value),
                "threshold": None if self.threshold is None else _pct(self.threshold),
                "cites": list(self.cites), "message_zh": self.message_zh, "message_en": self.message_en}


def _pct(value: Fraction) -> str:
    hundredths = value * 10000
    whole = int(hundredths)
    rounded = whole + (1 if hundredths - whole >= Fraction(1, 2) else 0)
    return f"{rounded // 100}.{rounded % 100:02d}%"


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_figures(raw: dict[str, Any], source: str = "annual_report") -> dict[str, Decimal]:
    """The report's figures as exact decimals, or :class:`InputError` naming every bad field (path = its key)."""
    issues: list[InputIssue] = []
    out: dict[str, Decimal] = {}
    for f in FIELDS:
        value = _decimal(raw.get(f.key))
        text = raw.get(f.key)
        if value is None:
            if text not in (None, ""):
                issues.append(InputIssue(f.key, f"{f.label_zh}：应为数字，实际为“{text}”", f"{f.label_en}: expected a number, got {text!r}"))
            elif f.required:
                issues.append(InputIssue(f.key, f"{f.label_zh}：必填", f"{f.label_en}: required"))
            continue
        if value < 0:
            issues.append(InputIssue(f.key, f"{f.label_zh}：不能为负数", f"{f.label_en}: must not be negative"))
            continue
        places = {"money": 2, "people": 2, "count": 0}[f.kind]
        if value != value.quantize(Decimal(1).scaleb(-places)):
            issues.append(InputIssue(f.key, f"{f.label_zh}：最多 {places} 位小数" if places else f"{f.label_zh}：应为整数",
                                     f"{f.label_en}: at most {places} decimals" if places else f"{f.label_en}: a whole number"))
            continue
        if value >= Decimal("1e15"):
            issues.append(InputIssue(f.key, f"{f.label_zh}：数额过大", f"{f.label_en}: too large"))
            continue
        out[f.key] = value
    if not issues:
        issues += _consistency(out)
    if issues:
        raise InputError(source, issues)
    return out


def _consistency(v: dict[str, Decimal]) -> list[InputIssue]:
    """Parts never exceed their whole."""
    issues = []
    pairs = [("rd_domestic", "rd_total"), ("science_tech_staff", "staff_total"), ("non_taxable_income", "total_income"),
             ("sales_revenue", "total_income")]
    for part, whole in pairs:
        if part in v and whole in v and v[part] > v[whole]:
            p, w = FIELD_BY_KEY[part], FIELD_BY_KEY[whole]
            issues.append(InputIssue(part, f"{p.label_zh}不能大于{w.label_zh}", f"{p.label_en} cannot exceed {w.label_en.lower()}"))
    counted = v.get("total_income", Decimal(0)) - v.get("non_taxable_income", Decimal(0))
    if "high_tech_income" in v and "total_income" in v and v["high_tech_income"] > counted:
        issues.append(InputIssue("high_tech_income", "高新技术产品（服务）收入不能大于总收入减不征税收入",
                                 "high-tech income cannot exceed total income less non-taxable income"))
    return issues


def _ratio_check(code: str, field: str, numerator: Fraction, denominator: Fraction, threshold: dict, cites, zh: str, en: str) -> Check:
    minimum = Fraction(str(threshold["min"])) if not isinstance(threshold["min"], Fraction) else threshold["min"]
    if denominator == 0:
        return Check(code, field, "warning", None, minimum, tuple(cites), f"{zh}：分母为0，无法计算", f"{en}: the denominator is 0")
    value = numerator / denominator
    ok = meets(value, threshold)
    op = "≥" if threshold.get("inclusive", True) else ">"
    status = "pass" if ok else "warning"
    zh_msg = f"{zh} {_pct(value)}，认定条件要求 {op} {_pct(minimum)}" + ("" if ok else "（低于认定条件，请核实）")
    en_msg = f"{en} {_pct(value)}; identification requires {op} {_pct(minimum)}" + ("" if ok else " (below the condition: please check)")
    return Check(code, field, status, value, minimum, tuple(cites), zh_msg, en_msg)


def annual_report_checks(figures: dict[str, Decimal], report_year: int) -> list[Check]:
    """Plausibility of one year's figures against the thresholds in force for that year (warnings only)."""
    view = ParameterView(dt.date(report_year + 1, 1, 1))
    checks: list[Check] = []
    for key in ("total_income", "sales_revenue", "high_tech_income", "rd_total"):
        f = FIELD_BY_KEY[key]
        zero = figures.get(key, Decimal(0)) == 0
        checks.append(Check(f"{key}_nonzero", key, "warning" if zero else "pass", None, None, (ART13,),
                            f"{f.label_zh}为0，不能满足认定条件，请核实" if zero else f"{f.label_zh}不为0",
                            f"{f.label_en} is 0: the conditions cannot be met, please check" if zero else f"{f.label_en} is not 0"))

    def fen(key: str) -> Fraction:
        return Fraction(yuan_to_fen(figures.get(key, Decimal(0))))

    staff = view.ref("staff.science_tech_ratio_min")
    checks.append(_ratio_check("science_tech_staff_ratio", "science_tech_staff", Fraction(figures.get("science_tech_staff", 0)),
                               Fraction(figures.get("staff_total", 0)), staff.value, staff.cites, "科技人员占职工总数的比例",
                               "S&T staff share of employees"))
    brackets = view.ref("rd_expense.ratio_min_by_sales")
    tier, rate = tier_for(brackets.value, int(fen("sales_revenue")))
    checks.append(_ratio_check("rd_ratio", "rd_total", fen("rd_total"), fen("sales_revenue"), {"min": rate, "inclusive": True},
                               brackets.cites, f"研究开发费用占销售收入的比例（当年，第{tier + 1}档）",
                               f"R&D share of sales revenue (this year, tier {tier + 1})"))
    domestic = view.ref("rd_expense.domestic_share_min")
    checks.append(_ratio_check("rd_domestic_share", "rd_domestic", fen("rd_domestic"), fen("rd_total"), domestic.value, domestic.cites,
                               "境内研究开发费用占全部研究开发费用的比例", "domestic share of R&D"))
    income = view.ref("income.high_tech_ratio_min")
    checks.append(_ratio_check("high_tech_income_ratio", "high_tech_income", fen("high_tech_income"),
                               fen("total_income") - fen("non_taxable_income"), income.value, income.cites,
                               "高新技术产品（服务）收入占总收入（扣除不征税收入）的比例", "high-tech income share of total income"))
    return checks
