"""Qualified intermediaries (中介机构): a registry of firms with their qualification facts per year, checked
against the dated qualification rules (guidelines_2016#sec1-3; 2008: guidelines_2008#intermediary).

The rules are parameters (``parameters/intermediary/*.yaml``):

1. ``independent_practice`` — 具备独立执业资格;
2. ``years_established`` — 成立三年以上: founded on or before the same calendar day three years before the
   check date (the report date, else the application date); "以上" includes the number (I4);
3. ``no_bad_record`` — 2016: 近三年内无不良记录 (decided in the three years up to the check date, same
   calendar day, and not rescinded); 2008: since establishment;
4. ``headcount`` — 全年月平均在职职工人数: 2016 ≥ 20 (20人以上); 2008 > 20 ("more than 20");
5. ``qualified_staff_share`` — 注册会计师或税务师 ÷ 全年月平均职工人数 ≥ 30 % (2016; a person holding both
   counts once); 2008: 注册会计师 ≥ 20 %. Exact fractions.

Each rule is a :class:`~hnte.core.trace.Figure` (status pass / fail / unknown, value, threshold, margin,
parameters with their citations, missing fields), so the CLI, the JSON and the web render one structure.
Missing facts make a rule unknown, never failed.

Registry files use the format ``hnte/intermediaries@1``::

    format: hnte/intermediaries@1
    firms:
      - id: ZJ001
        name: 北京示例会计师事务所（普通合伙）
        credit_code: 91110108MA00000001
        founded_on: 2012-04-01
        independent_practice: true
        years:
          - {year: 2024, average_headcount: 48, certified_public_accountants: 12, tax_agents: 4, dual_qualified: 1}
    records: []          # findings against firms (hnte/records@1 entries); [] declares none
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pydantic import Field

from hnte.application.model import Intermediary, QualificationYear, Record, RecordSubject, _Strict
from hnte.core.errors import InputIssue
from hnte.core.numbers import to_fraction
from hnte.core.parameters import ParameterView
from hnte.core.trace import Figure, Input, display
from hnte.indicators.common import meets, years_before
from hnte.registries import records as rec

REGISTRY_FORMAT = "hnte/intermediaries@1"
PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
QUALIFICATION_LABELS = {"certified_public_accountants": ("注册会计师", "CPAs"), "tax_agents": ("税务师", "certified tax agents")}


class IntermediaryRegistry(_Strict):
    """The office's registry of intermediaries (format ``hnte/intermediaries@1``)."""

    format: Literal["hnte/intermediaries@1"]
    firms: list[Intermediary] = Field(default_factory=list)
    records: list[Record] | None = None


def firm_issues(firm: Intermediary, path: str, *, latest: dt.date | None = None) -> list[InputIssue]:
    """Cross-field rules of one firm's facts (each issue names its field path)."""
    issues = []
    if latest is not None and firm.founded_on is not None and firm.founded_on > latest:
        issues.append(InputIssue(f"{path}.founded_on", f"成立日期 {firm.founded_on} 晚于 {latest}", f"founded on {firm.founded_on}, after {latest}"))
    seen: dict[int, int] = {}
    for i, y in enumerate(firm.years or []):
        p = f"{path}.years[{i}]"
        if y.year in seen:
            issues.append(InputIssue(f"{p}.year", f"年度 {y.year} 重复（已见于 {path}.years[{seen[y.year]}]）",
                                     f"year {y.year} appears twice (also {path}.years[{seen[y.year]}])"))
        seen.setdefault(y.year, i)
        dual = y.dual_qualified or 0
        if y.certified_public_accountants is not None and y.tax_agents is not None and dual > min(y.certified_public_accountants, y.tax_agents):
            issues.append(InputIssue(f"{p}.dual_qualified", f"同时具有两种资格的人数 {dual} 超过注册会计师或税务师人数",
                                     f"{dual} dual-qualified persons exceed the number of CPAs or of tax agents"))
        qualified = (y.certified_public_accountants or 0) + (y.tax_agents or 0) - dual
        if y.average_headcount is not None and qualified > y.average_headcount:
            issues.append(InputIssue(f"{p}.average_headcount", f"注册会计师和税务师（{qualified} 人）多于全年月平均职工人数 {y.average_headcount}",
                                     f"CPAs and tax agents ({qualified}) exceed the average headcount {y.average_headcount}"))
    return issues


def _registry_issues(reg: IntermediaryRegistry) -> list[InputIssue]:
    issues: list[InputIssue] = []
    ids: dict[str, int] = {}
    codes: dict[str, int] = {}
    for i, f in enumerate(reg.firms):
        for key, value, seen in (("id", f.id, ids), ("credit_code", f.credit_code, codes)):
            if value is None:
                continue
            if value in seen:
                issues.append(InputIssue(f"firms[{i}].{key}", f"{value} 重复（已见于 firms[{seen[value]}]）", f"{value} appears twice (also firms[{seen[value]}])"))
            seen.setdefault(value, i)
        issues += firm_issues(f, f"firms[{i}]")
        issues += rec.record_issues(f.records or [], f"firms[{i}].records")
    issues += rec.record_issues(reg.records or [], "records")
    return issues


def read_registry(path: str | Path) -> IntermediaryRegistry:
    """Read and validate a registry file (YAML or JSON); errors name the file and the field path."""
    from hnte.registries.files import read_model

    return read_model(path, IntermediaryRegistry, REGISTRY_FORMAT, _registry_issues)


def parse_registry(data: object, source: str = "<registry>") -> IntermediaryRegistry:
    from hnte.registries.files import parse_model

    return parse_model(data, IntermediaryRegistry, REGISTRY_FORMAT, source, _registry_issues)


def find(registry: IntermediaryRegistry, ref: Intermediary) -> Intermediary | None:
    """The registry's firm for ``ref``: by id, else credit code, else exact name."""
    for key in ("id", "credit_code"):
        value = getattr(ref, key)
        if value:
            for f in registry.firms:
                if getattr(f, key) == value:
                    return f
    for f in registry.firms:
        if rec.same_name(f.name, ref.name):
            return f
    return None


def has_facts(firm: Intermediary) -> bool:
    return any(v is not None for v in (firm.founded_on, firm.independent_practice, firm.years, firm.records))


# --- the qualification check ----------------------------------------------------------------------------

@dataclass
class Qualification:
    """The qualification of one firm on one date, rule by rule."""

    firm: Intermediary
    on: dt.date
    year: int
    rules: list[Figure]
    source: str  # registry | application
    records: list[Record] = field(default_factory=list)  # the bad records found

    @property
    def status(self) -> str:
        statuses = [r.status for r in self.rules]
        if FAIL in statuses:
            return FAIL
        return PASS if all(s == PASS for s in statuses) else UNKNOWN

    @property
    def qualified(self) -> bool | None:
        return {PASS: True, FAIL: False, UNKNOWN: None}[self.status]

    @property
    def failed(self) -> list[Figure]:
        return [r for r in self.rules if r.status == FAIL]

    @property
    def missing(self) -> list[str]:
        out: list[str] = []
        for r in self.rules:
            out += [m for m in r.missing if m not in out]
        return out

    def to_dict(self, lang: str = "zh") -> dict:
        return {"name": self.firm.name, "credit_code": self.firm.credit_code, "id": self.firm.id, "source": self.source,
                "on": self.on.isoformat(), "year": self.year, "qualified": self.qualified, "status": self.status,
                "missing": self.missing, "rules": [r.to_dict(lang) for r in self.rules],
                "bad_records": [{**r.model_dump(mode="json"), "description": rec.describe(r, lang)} for r in self.records]}


def _rule(rule_id: str, zh: str, en: str, unit: str | None = None) -> Figure:
    return Figure(f"intermediary.{rule_id}", "criterion", zh, en, unit)


def _param(params: ParameterView, fig: Figure, path: str):
    ref = params.ref(path)
    fig.params.append(ref)
    return ref.value


def check_qualification(firm: Intermediary, *, on: dt.date, year: int | None = None, records: Iterable[Record] | None = None,
                        params: ParameterView | None = None, path: str = "intermediary", source: str = "registry") -> Qualification:
    """Check ``firm`` against the qualification rules in force on ``on`` for the work done in ``year``
    (default ``on.year``). ``records`` is the office's register of findings (None: not consulted); the
    firm's own ``records`` are used too. Pure: no I/O."""
    params = params or ParameterView(on)
    year = year or on.year
    facts = next((y for y in firm.years or [] if y.year == year), None)
    years_index = next((i for i, y in enumerate(firm.years or []) if y.year == year), None)
    ypath = f"{path}.years[{years_index}]" if years_index is not None else f"{path}.years[year={year}]"
    rules = [_independent_practice(firm, params, path), _years_established(firm, on, params, path)]
    bad_rule, bad = _no_bad_record(firm, on, records, params, path)
    rules += [bad_rule, _headcount(facts, params, ypath, year), _qualified_share(facts, params, ypath, year)]
    return Qualification(firm, on, year, rules, source, bad)


def _independent_practice(firm: Intermediary, params: ParameterView, path: str) -> Figure:
    c = _rule("independent_practice", "具备独立执业资格", "Independent practising qualification", "bool")
    required = bool(_param(params, c, "intermediary.independent_practice_required"))
    c.threshold = required
    c.value = firm.independent_practice
    c.inputs.append(Input(f"{path}.independent_practice", firm.independent_practice))
    if firm.independent_practice is None:
        c.missing.append(f"{path}.independent_practice")
        c.status = UNKNOWN
    else:
        c.status = PASS if (firm.independent_practice or not required) else FAIL
    return c


def _years_established(firm: Intermediary, on: dt.date, params: ParameterView, path: str) -> Figure:
    n = int(_param(params, c := _rule("years_established", "成立三年以上", "Established for at least three years", "days"),
                   "intermediary.min_years_established"))
    c.label_zh, c.label_en = f"成立{n}年以上", f"Established for at least {n} years"
    latest = years_before(on, n)
    c.details["latest_founding_date"] = latest.isoformat()
    c.details["on"] = on.isoformat()
    c.threshold_inclusive = True
    if firm.founded_on is None:
        c.missing.append(f"{path}.founded_on")
        c.status = UNKNOWN
        return c
    c.inputs.append(Input(f"{path}.founded_on", firm.founded_on))
    c.value = (on - firm.founded_on).days
    c.threshold = (on - latest).days
    c.margin = c.value - c.threshold
    c.details["founded_on"] = firm.founded_on.isoformat()
    c.status = PASS if firm.founded_on <= latest else FAIL
    c.note(f"成立于 {firm.founded_on}；至 {on} 须成立于 {latest} 或之前（满{n}年）",
           f"founded {firm.founded_on}; on {on} it must have been founded on or before {latest} ({n} years)")
    return c


def _no_bad_record(firm: Intermediary, on: dt.date, records: Iterable[Record] | None, params: ParameterView,
                   path: str) -> tuple[Figure, list[Record]]:
    c = _rule("no_bad_record", "无不良记录", "No bad record", "count")
    lookback = _param(params, c, "intermediary.bad_record_lookback_years")
    if lookback is None:
        since = firm.founded_on
        c.label_zh, c.label_en = "成立以来无不良记录", "No bad record since establishment"
    else:
        since = years_before(on, int(lookback))
        c.label_zh, c.label_en = f"近{int(lookback)}年内无不良记录", f"No bad record in the last {int(lookback)} years"
    c.threshold = 0
    c.threshold_inclusive = True
    if records is None and firm.records is None:
        c.missing.append("records")
        c.note("未提供不良记录登记（可用 --records 或在登记册 records 中填写；无记录请写 records: []）",
               "no register of bad records given (use --records or the registry's records; write records: [] for none)")
        c.status = UNKNOWN
        return c, []
    pool = [r for r in (*(records or ()), *(firm.records or ())) if r.subject == RecordSubject.intermediary
            and rec.matches(r, credit_code=firm.credit_code, name=firm.name)]
    unique = list({(r.id, r.decided_on, r.decision, r.authority): r for r in pool}.values())
    found = sorted(rec.within(unique, since=since, until=on), key=lambda r: r.decided_on)
    for r in found:
        c.inputs.append(Input("records", f"{r.decided_on} {r.authority} {r.decision}"))
    c.value = len(found)
    c.margin = -len(found)
    if since is not None:
        c.details["since"] = since.isoformat()
    c.details["on"] = on.isoformat()
    for r in found:
        c.note(rec.describe(r, "zh"), rec.describe(r, "en"))
    c.status = PASS if not found else FAIL
    return c, found


def _headcount(facts: QualificationYear | None, params: ParameterView, ypath: str, year: int) -> Figure:
    c = _rule("headcount", "全年月平均在职职工人数", "Annual monthly-average headcount", "persons")
    thr = _param(params, c, "intermediary.headcount_min")
    c.threshold = to_fraction(thr["min"])
    c.threshold_inclusive = bool(thr.get("inclusive", True))
    c.details["year"] = year
    value = facts.average_headcount if facts else None
    if value is None:
        c.missing.append(f"{ypath}.average_headcount")
        c.status = UNKNOWN
        return c
    c.inputs.append(Input(f"{ypath}.average_headcount", value, "persons"))
    c.value = to_fraction(value)
    c.margin = c.value - c.threshold
    c.status = PASS if meets(c.value, thr) else FAIL
    return c


def _qualified_share(facts: QualificationYear | None, params: ParameterView, ypath: str, year: int) -> Figure:
    thr = _param(params, c := _rule("qualified_staff_share", "注册会计师或税务师占比", "Share of CPAs or tax agents", "ratio"),
                 "intermediary.qualified_staff_share_min")
    kinds = list(thr.get("qualifications", ["certified_public_accountants"]))
    names_zh = "或".join(QUALIFICATION_LABELS[k][0] for k in kinds)
    names_en = " or ".join(QUALIFICATION_LABELS[k][1] for k in kinds)
    c.label_zh, c.label_en = f"{names_zh}占全年月平均职工人数的比例", f"{names_en} / annual monthly-average headcount"
    c.threshold = to_fraction(thr["min"])
    c.threshold_inclusive = bool(thr.get("inclusive", True))
    c.details["year"] = year
    c.details["qualifications"] = kinds
    headcount = facts.average_headcount if facts else None
    counts = {k: (getattr(facts, k) if facts else None) for k in kinds}
    dual = (facts.dual_qualified if facts else None) or 0
    if headcount is None:
        c.missing.append(f"{ypath}.average_headcount")
    known = [to_fraction(v) for v in counts.values() if v is not None]
    for k, v in counts.items():
        if v is None:
            c.missing.append(f"{ypath}.{k}")
    if headcount is None or not known:
        c.status = UNKNOWN
        return c
    for k, v in counts.items():
        if v is not None:
            c.inputs.append(Input(f"{ypath}.{k}", v, "persons"))
    if len(kinds) > 1 and dual:
        c.inputs.append(Input(f"{ypath}.dual_qualified", dual, "persons"))
    c.inputs.append(Input(f"{ypath}.average_headcount", headcount, "persons"))
    qualified = sum(known, Fraction(0)) - (to_fraction(dual) if len(kinds) > 1 and len(known) == len(kinds) else 0)
    c.details["qualified_staff"] = qualified
    c.details["headcount"] = to_fraction(headcount)
    if headcount == 0:
        c.value = Fraction(0)
        c.note("全年月平均职工人数为0", "the average headcount is 0")
    else:
        c.value = qualified / to_fraction(headcount)
    c.margin = c.value - c.threshold
    ok = meets(c.value, thr)
    if len(known) < len(kinds) and not ok:
        c.status = UNKNOWN  # the missing qualification could still lift the share
        return c
    c.missing.clear()
    c.status = PASS if ok else FAIL
    return c


def rule_message(rule: Figure, lang: str = "zh") -> str:
    """"注册会计师或税务师占全年月平均职工人数的比例 25.00%，要求 ≥ 30.00%"-style sentence."""
    label = rule.label(lang)
    if rule.status == UNKNOWN:
        missing = "、".join(rule.missing) if lang == "zh" else ", ".join(rule.missing)
        return f"{label}：无法核对，缺少 {missing}" if lang == "zh" else f"{label}: cannot be checked, missing {missing}"
    if rule.id == "intermediary.years_established":
        d = rule.details
        if lang == "en":
            return f"{label}: founded {d['founded_on']}, must be on or before {d['latest_founding_date']} (checked on {d['on']})"
        return f"{label}：成立于 {d['founded_on']}，应不晚于 {d['latest_founding_date']}（核对日 {d['on']}）"
    if rule.id == "intermediary.no_bad_record":
        notes = "；".join(rule.notes(lang)) if rule.notes(lang) else ""
        if lang == "en":
            return f"{label}: {rule.value} record(s)" + (f" — {notes}" if notes else "")
        return f"{label}：{rule.value} 项不良记录" + (f"——{notes}" if notes else "")
    if rule.unit == "bool":
        value = display(rule.value, "bool", lang)
        return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"
    op = "≥" if rule.threshold_inclusive else ">"
    value, threshold = display(rule.value, rule.unit, lang), display(rule.threshold, rule.unit, lang)
    return f"{label} {value}，要求 {op} {threshold}" if lang == "zh" else f"{label} {value}, required {op} {threshold}"


def render_qualification(q: Qualification, console, lang: str = "zh") -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from hnte.core.citations import heading

    verdict = {True: ("✔ 符合中介机构条件", "✔ qualified", "green"), False: ("✘ 不符合中介机构条件", "✘ not qualified", "red"),
               None: ("? 无法确定（资料不全）", "? undetermined (missing facts)", "yellow")}[q.qualified]
    head = Text(f"{q.firm.name}  {q.firm.credit_code or ''}\n", style="bold")
    head.append(f"{'核对日' if lang == 'zh' else 'checked on'} {q.on} · {'工作年度' if lang == 'zh' else 'year of work'} {q.year}\n")
    head.append(verdict[1] if lang == "en" else verdict[0], style=f"bold {verdict[2]}")
    console.print(Panel(head, expand=False))
    table = Table()
    for zh, en in (("条件", "Rule"), ("结论", "Status"), ("说明", "Detail"), ("依据", "Citation")):
        table.add_column(en if lang == "en" else zh, overflow="fold")
    style = {PASS: "green", FAIL: "red", UNKNOWN: "yellow"}
    word = {"zh": {PASS: "✔ 符合", FAIL: "✘ 不符合", UNKNOWN: "? 待定"}, "en": {PASS: "✔ pass", FAIL: "✘ fail", UNKNOWN: "? unknown"}}
    for r in q.rules:
        cites = "\n".join(f"{c} {heading(c)}" for c in r.all_cites())
        table.add_row(r.label(lang), Text(word[lang][r.status or UNKNOWN], style=style[r.status or UNKNOWN]), rule_message(r, lang), cites)
    console.print(table)
