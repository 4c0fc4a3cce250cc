"""The special audit report against the application, and the qualification of its issuer (issue 9).

:func:`check_audit` is pure: it reads the application's ``intermediary`` and ``special_audit_report``,
the parameters in force (``intermediary.*``), and optionally the office's registry of intermediaries and
its register of findings. It returns:

- every **difference** between the application's figures and the report's — R&D by category for each
  year, the counted total and its domestic part when the report states them (computed from the
  application with the same I7/I8 counting as the engine), last year's high-tech income — each with both
  field paths, both amounts, the difference and the citations of the report's scope
  (guidelines_2016#sec2-3: 近三个会计年度研究开发费用、近一个会计年度高新技术产品（服务）收入);
- **findings**: *blocking* for each qualification rule the intermediary fails (its article cited: an
  unqualified intermediary's report cannot support the application); *warnings* for years the report
  does not cover, an intermediary missing from the registry, facts missing, or a record against the
  enterprise (measures_2016#art19).

Nothing here changes the eligibility verdict: the assessment's ``audit`` section reports
``submission_blocked`` beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hnte.application.model import Application, Intermediary, Record, RecordSubject
from hnte.core.numbers import to_fraction, yuan_to_fen
from hnte.core.parameters import ParameterView
from hnte.core.trace import display, to_json
from hnte.indicators.rd_expense import CATEGORIES, count_year
from hnte.registries import records as rec
from hnte.registries.intermediaries import (
    FAIL,
    IntermediaryRegistry,
    Qualification,
    check_qualification,
    find,
    has_facts,
    rule_message,
)

CATEGORY_LABELS = {
    "personnel": ("人员人工费用", "personnel"), "direct_inputs": ("直接投入费用", "direct inputs"),
    "depreciation": ("折旧费用与长期待摊费用", "depreciation"), "intangible_amortization": ("无形资产摊销费用", "intangible amortisation"),
    "design": ("设计费用", "design"), "equipment_debugging": ("装备调试费用与试验费用", "equipment debugging and trials"),
    "outsourced_domestic": ("委托境内机构或个人研发费用", "outsourced in China"),
    "outsourced_overseas": ("委托境外机构或个人研发费用", "outsourced abroad"), "other": ("其他费用", "other expenses"),
}


@dataclass
class Difference:
    """One figure that differs between the application and the special audit report (amounts in fen)."""

    path: str
    report_path: str
    label_zh: str
    label_en: str
    application: Fraction
    report: Fraction
    cites: list[str]

    @property
    def difference(self) -> Fraction:
        return self.report - self.application

    def message(self, lang: str = "zh") -> str:
        a, r = display(self.application, "fen", lang), display(self.report, "fen", lang)
        d = display(abs(self.difference), "fen", lang)
        sign = "+" if self.difference > 0 else "−"
        if lang == "en":
            return f"{self.path} {self.label_en}: application {a}, special audit report {r} (report {sign}{d})"
        return f"{self.path} {self.label_zh}：申请书 {a}，专项审计报告 {r}（报告{sign}{d}）"

    def to_dict(self, lang: str = "zh") -> dict:
        return {"path": self.path, "report_path": self.report_path, "label": self.label_en if lang == "en" else self.label_zh,
                "application": to_json(self.application, "fen"), "report": to_json(self.report, "fen"),
                "difference": to_json(self.difference, "fen"), "message": self.message(lang), "cites": list(self.cites)}


@dataclass
class Finding:
    id: str
    severity: str  # blocking | warning
    path: str
    message_zh: str
    message_en: str
    cites: list[str]

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self, lang: str = "zh") -> dict:
        return {"id": self.id, "severity": self.severity, "path": self.path, "message": self.message(lang),
                "message_zh": self.message_zh, "message_en": self.message_en, "cites": list(self.cites)}


@dataclass
class AuditCheck:
    qualification: Qualification | None
    differences: list[Difference] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    report_number: str | None = None

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocking"]

    @property
    def submission_blocked(self) -> bool:
        return bool(self.blocking)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "submission_blocked": self.submission_blocked,
            "intermediary": self.qualification.to_dict(lang) if self.qualification else None,
            "report": {"number": self.report_number},
            "differences": [d.to_dict(lang) for d in self.differences],
            "findings": [f.to_dict(lang) for f in self.findings],
        }


def _fen(value) -> Fraction:
    return Fraction(yuan_to_fen(value))


def check_audit(app: Application, params: ParameterView, *, registry: IntermediaryRegistry | None = None,
                records: Iterable[Record] | None = None) -> AuditCheck | None:
    """Compare the report with the application and check its issuer; None when the file has neither section."""
    firm, report = app.intermediary, app.special_audit_report
    if firm is None and report is None:
        return None
    scope = params.ref("intermediary.special_audit_scope")
    cites = list(scope.cites)
    pool = list(records) if records is not None else None
    if registry is not None and registry.records is not None:
        pool = (pool or []) + list(registry.records)
    check = AuditCheck(None, report_number=report.number if report else None)
    check.differences = _differences(app, params, cites) if report is not None else []
    check.findings += _coverage(app, cites)
    on = report.issued_on if report is not None and report.issued_on is not None else app.application_date
    if firm is None:
        check.findings.append(Finding("intermediary.missing", "warning", "intermediary",
                                      "未填写出具专项审计报告的中介机构，无法核对其资格", "the intermediary issuing the report is not named; its qualification cannot be checked",
                                      cites))
    else:
        check.qualification = _qualification(app, firm, on, params, registry, pool, check.findings)
        check.findings += _qualification_findings(check.qualification)
    if pool is not None:
        check.findings += _enterprise_records(app, pool)
    return check


def _qualification(app: Application, firm: Intermediary, on, params: ParameterView, registry: IntermediaryRegistry | None,
                   pool: list[Record] | None, findings: list[Finding]) -> Qualification:
    subject, source, path = firm, "application", "intermediary"
    if registry is not None:
        found = find(registry, firm)
        if found is not None:
            subject, source = found, "registry"
            path = f"registry.firms[{registry.firms.index(found)}]"
            if firm.records:
                subject = found.model_copy(update={"records": [*(found.records or []), *firm.records]})
        else:
            findings.append(Finding("intermediary.not_registered", "warning", "intermediary",
                                    f"中介机构“{firm.name}”不在认定机构的中介机构登记册中" + ("，按申请书所填资格情况核对" if has_facts(firm) else ""),
                                    f"intermediary {firm.name} is not in the office's registry" + ("; checked with the facts in the application" if has_facts(firm) else ""),
                                    list(params.ref("intermediary.min_years_established").cites)))
    return check_qualification(subject, on=on, year=on.year, records=pool, params=params, path=path, source=source)


def _qualification_findings(q: Qualification) -> list[Finding]:
    out = []
    for r in q.failed:
        out.append(Finding(r.id, "blocking", "intermediary",
                           f"中介机构“{q.firm.name}”不符合中介机构条件——{rule_message(r, 'zh')}；其出具的专项审计报告不能作为认定申请材料",
                           f"intermediary {q.firm.name} is not qualified — {rule_message(r, 'en')}; its special audit report cannot support the application",
                           r.all_cites()))
    if q.qualified is None:
        unknown = [r for r in q.rules if r.status != "pass" and r.status != FAIL]
        out.append(Finding("intermediary.undetermined", "warning", "intermediary",
                           f"中介机构“{q.firm.name}”的资格尚不能确定：" + "；".join(rule_message(r, "zh") for r in unknown),
                           f"the qualification of {q.firm.name} is undetermined: " + "; ".join(rule_message(r, "en") for r in unknown),
                           [c for r in unknown for c in r.all_cites()]))
    return out


def _differences(app: Application, params: ParameterView, cites: list[str]) -> list[Difference]:
    report = app.special_audit_report
    assert report is not None
    share = to_fraction(params.ref("rd_expense.outsourcing_counted_share").value)
    cap = to_fraction(params.ref("rd_expense.other_share_cap").value)
    rd_cites = cites + list(params.ref("rd_expense.outsourcing_counted_share").cites) + list(params.ref("rd_expense.other_share_cap").cites)
    out: list[Difference] = []
    for j, ry in enumerate(report.years):
        if app.year(ry.year) is None:
            continue
        i = app.year_index(ry.year)
        ay = app.years[i]
        mine = ay.rd_expenses
        if ry.rd_expenses is not None and mine is not None:
            for c in CATEGORIES:
                a, r = getattr(mine, c), getattr(ry.rd_expenses, c)
                if a is not None and r is not None and a != r:
                    zh, en = CATEGORY_LABELS[c]
                    out.append(Difference(f"years[{i}].rd_expenses.{c}", f"special_audit_report.years[{j}].rd_expenses.{c}",
                                          f"{ry.year} 年{zh}", f"{ry.year} {en}", _fen(a), _fen(r), cites))
        if mine is not None and all(getattr(mine, c) is not None for c in CATEGORIES):
            counted = count_year({c: yuan_to_fen(getattr(mine, c)) for c in CATEGORIES}, share, cap)
            for key, value, zh, en in (("rd_total", counted.total, "研究开发费用总额（认定口径）", "counted R&D total"),
                                       ("rd_domestic", counted.domestic, "境内研究开发费用", "R&D incurred in China")):
                stated = getattr(ry, key)
                if stated is not None and _fen(stated) != value:
                    out.append(Difference(f"years[{i}].rd_expenses", f"special_audit_report.years[{j}].{key}",
                                          f"{ry.year} 年{zh}", f"{ry.year} {en}", value, _fen(stated), rd_cites))
    latest = app.latest
    if report.high_tech_income is not None and latest.high_tech_income is not None and report.high_tech_income != latest.high_tech_income:
        out.append(Difference(f"years[{len(app.years) - 1}].high_tech_income", "special_audit_report.high_tech_income",
                              f"{latest.year} 年高新技术产品（服务）收入", f"{latest.year} high-tech product (service) income",
                              _fen(latest.high_tech_income), _fen(report.high_tech_income), cites))
    return out


def _coverage(app: Application, cites: list[str]) -> list[Finding]:
    report = app.special_audit_report
    if report is None:
        return [Finding("report.missing", "warning", "special_audit_report", "未填写专项审计报告的数据，无法与申请书核对",
                        "the special audit report's figures are not given; nothing to compare", cites)]
    out = []
    covered = {y.year for y in report.years}
    for j, y in enumerate(report.years):
        if app.year(y.year) is None:
            out.append(Finding("report.extra_year", "warning", f"special_audit_report.years[{j}].year",
                               f"专项审计报告的 {y.year} 年度不是申请书所列的会计年度", f"the report's year {y.year} is not one of the application's accounting years",
                               cites))
    for i, y in enumerate(app.years):
        if y.year not in covered and y.rd_expenses is not None:
            out.append(Finding("report.missing_year", "warning", f"years[{i}]",
                               f"专项审计报告未包含 {y.year} 年度的研究开发费用（应覆盖近三个会计年度，不足三年按实际经营年限）",
                               f"the special audit report does not cover {y.year} (it must cover the last three accounting years, or the years operated)",
                               cites))
    if report.high_tech_income is None and app.latest.high_tech_income is not None:
        out.append(Finding("report.missing_high_tech_income", "warning", "special_audit_report.high_tech_income",
                           f"专项审计报告未列明 {app.latest.year} 年高新技术产品（服务）收入", f"the report does not state the {app.latest.year} high-tech income",
                           cites))
    return out


def _enterprise_records(app: Application, pool: list[Record]) -> list[Finding]:
    ent = app.enterprise
    found = rec.records_for(pool, subject=RecordSubject.enterprise, credit_code=ent.credit_code, name=ent.name, on=app.application_date)
    return [Finding("enterprise.record", "warning", "enterprise", f"企业有处理记录：{rec.describe(r, 'zh')}",
                    f"a finding is recorded against the enterprise: {rec.describe(r, 'en')}", list(rec.CITES[RecordSubject.enterprise]))
            for r in found]


def render_audit(check: AuditCheck, console, lang: str = "zh") -> None:
    """Terminal rendering: the intermediary's rules, then every difference and finding."""
    from rich.text import Text

    from hnte.registries.intermediaries import render_qualification

    title = "专项审计报告与中介机构" if lang == "zh" else "Special audit report and intermediary"
    console.print(Text(title, style="bold"))
    if check.submission_blocked:
        console.print(Text("✘ 不能提交：" if lang == "zh" else "✘ submission blocked:", style="bold red"))
    for f in check.blocking:
        console.print(Text(f"  ✘ {f.message(lang)}  [{', '.join(f.cites)}]", style="red"))
    if check.qualification is not None:
        render_qualification(check.qualification, console, lang)
    if check.differences:
        console.print(Text(("与专项审计报告不一致之处：" if lang == "zh" else "Differences from the special audit report:"), style="bold yellow"))
        for d in check.differences:
            console.print(f"  • {d.message(lang)}  [{', '.join(dict.fromkeys(d.cites))}]")
    elif check.qualification is not None or check.report_number is not None:
        console.print("申请书数据与专项审计报告一致" if lang == "zh" else "the application's figures agree with the special audit report")
    for f in check.findings:
        if f.severity != "blocking":
            console.print(Text(f"  ! {f.message(lang)}  [{', '.join(dict.fromkeys(f.cites))}]", style="yellow"))
