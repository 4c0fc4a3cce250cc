"""Expert panels, the pure part (no Django, no database): who qualifies for the pool (工作指引 一、（四）,
guidelines_2016#sec1-4), how a panel is composed (二、（四）, guidelines_2016#sec2-4), the seeded draw and
its replay, the technical and financial expert forms with their grade bands (三、（七）, guidelines_2016#sec3-7),
and the panel result: averages per I2 through :func:`hnte.scoring.panel.panel_score`, the engine re-run on the
experts' confirmed figures.

Every legal value is read from the dated parameters (``experts.*``, ``scoring.*``) in force on the
application date; a refusal names the field and the article.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.core.citations import heading, instruments
from hnte.core.numbers import round_half_up, to_fraction
from hnte.core.parameters import ParameterView
from hnte.indicators.common import meets
from hnte_web.core.money import MoneyInputError, wan_text_to_yuan

TECHNICAL, FINANCIAL = "technical", "financial"
KINDS = (TECHNICAL, FINANCIAL)
KIND_LABELS = {TECHNICAL: ("技术专家", "technical expert"), FINANCIAL: ("财务专家", "financial expert")}
CERTIFICATES = {"cpa": ("注册会计师", "CPA"), "tax_agent": ("税务师", "certified tax agent")}


@dataclass(frozen=True)
class Problem:
    """A refusal: the field it concerns, why (zh, en) and the article."""

    field: str
    zh: str
    en: str
    cites: tuple[str, ...] = ()

    def message(self, lang: str = "zh") -> str:
        text = self.en if lang == "en" else self.zh
        if not self.cites:
            return text
        rules = [cite_label(c, lang) for c in self.cites]
        return f"{text} ({'; '.join(rules)})" if lang == "en" else f"{text}（{'；'.join(rules)}）"


def cite_label(citation: str, lang: str = "zh") -> str:
    """《工作指引》三、（七）1 知识产权（≤30分） [guidelines_2016#sec3-7-1]."""
    inst = instruments().get(citation.partition("#")[0])
    title = inst.title.split("（")[0] if inst else ""
    return f"{title}{heading(citation)} [{citation}]"


def params_on(when: dt.date) -> ParameterView:
    return ParameterView(when)


# --- the pool: qualifications -------------------------------------------------------------------------------


@dataclass
class ExpertFacts:
    kind: str
    senior_title: bool
    certificates: list[str] = field(default_factory=list)
    finance_years: int | None = None
    fields: list[str] = field(default_factory=list)


def qualification_problems(facts: ExpertFacts, params: ParameterView, catalogue=None) -> list[Problem]:
    """专家条件 (guidelines_2016#sec1-4): technical experts hold a senior technical title and declare their
    catalogue fields (first or second level); financial experts hold a relevant senior title, or a CPA /
    tax-agent qualification with at least ``financial_years_min`` years in finance and tax work."""
    ref = params.ref("experts.qualification")
    q, cites = ref.value, ref.cites
    out: list[Problem] = []
    if facts.kind not in KINDS:
        return [Problem("kind", "专家类别应为技术专家或财务专家", "the kind must be technical or financial")]
    if facts.kind == TECHNICAL:
        if q["technical_senior_title"] and not facts.senior_title:
            out.append(Problem("senior_title", "技术专家应具有高级技术职称", "a technical expert needs a senior technical title", cites))
        if not facts.fields:
            out.append(Problem("fields", "技术专家应填写所属技术领域（《国家重点支持的高新技术领域》一级或二级代码，如 1 或 1.1）",
                               "a technical expert declares catalogue fields (first- or second-level codes, e.g. 1 or 1.1)", cites))
        for code in facts.fields:
            problem = field_code_problem(code, catalogue, max_level=2)
            if problem:
                out.append(Problem("fields", f"技术领域 “{code}”：{problem[0]}", f"field \"{code}\": {problem[1]}", cites))
        return out
    certified = [c for c in facts.certificates if c in (q.get("financial_certificates") or [])]
    years_min = q.get("financial_years_min")
    by_certificate = bool(certified) and years_min is not None and (facts.finance_years or 0) >= int(years_min)
    if not (facts.senior_title and q["financial_senior_title"]) and not by_certificate:
        if certified and years_min is not None:
            out.append(Problem("finance_years",
                               f"财务专家无高级技术职称时，须具有注册会计师或税务师资格且从事财税工作 {years_min} 年以上（实际 {facts.finance_years or 0} 年）",
                               f"without a senior title a financial expert needs CPA or tax-agent status and at least {years_min} years in "
                               f"finance and tax work (has {facts.finance_years or 0})", cites))
        else:
            out.append(Problem("senior_title",
                               "财务专家应具有相关高级技术职称，或具有注册会计师或税务师资格且从事财税工作10年以上",
                               "a financial expert needs a relevant senior title, or CPA / tax-agent status with 10+ years in finance and tax",
                               cites))
    return out


def field_code_problem(code: str, catalogue, *, max_level: int = 3, exact_level: int | None = None) -> tuple[str, str] | None:
    """Whether ``code`` is a catalogue code of the allowed level (the edition in force)."""
    if not re.fullmatch(r"[1-9][0-9]*(\.[1-9][0-9]*){0,2}", code or ""):
        return ("应为技术领域代码，如 1、1.1 或 1.1.1", "expected a field code such as 1, 1.1 or 1.1.1")
    level = code.count(".") + 1
    if exact_level is not None and level != exact_level:
        return (f"应为第 {exact_level} 级代码", f"expected a level-{exact_level} code")
    if level > max_level:
        return (f"最多填到第 {max_level} 级", f"at most level {max_level}")
    if catalogue is not None:
        check = catalogue.check(code)
        if not check.ok:
            return (check.message_zh, check.message_en)
    return None


def field_matches(expert_fields: list[str], application_field: str) -> bool:
    """A technical expert matches the core technology's field by its first-level code, or by its second-level
    code where the expert declares one: "1" matches 1.x.y, "1.1" matches 1.1.y."""
    if not application_field:
        return False
    return any(application_field == f or application_field.startswith(f + ".") for f in expert_fields)


# --- the panel: composition and pool size -----------------------------------------------------------------


def default_composition(params: ParameterView) -> dict[str, int]:
    """The smallest lawful panel, financial experts at the minimum: 5 = 4 technical + 1 financial."""
    size = int(params.ref("experts.panel_size_min").value)
    fin = int(params.ref("experts.financial_min").value) if params.has("experts.financial_min") else 0
    return {TECHNICAL: size - fin, FINANCIAL: fin}


def composition_problems(n_technical: int, n_financial: int, params: ParameterView) -> list[Problem]:
    """二、（四）: at least 5 experts, at least 60 % of them technical, at least 1 financial (exact, inclusive)."""
    out: list[Problem] = []
    size = params.ref("experts.panel_size_min")
    n = n_technical + n_financial
    if n < int(size.value):
        out.append(Problem("size", f"评审专家不少于 {size.value} 人（实际 {n} 人）", f"at least {size.value} experts (got {n})", size.cites))
    if params.has("experts.technical_share_min") and n:
        share = params.ref("experts.technical_share_min")
        if not meets(Fraction(n_technical, n), share.value):
            pct = f"{round_half_up(to_fraction(share.value['min']) * 100, 2).normalize():f}"
            out.append(Problem("n_technical", f"技术专家不少于 {pct}%（实际 {n_technical}/{n}）",
                               f"technical experts at least {pct}% (got {n_technical} of {n})", share.cites))
    if params.has("experts.financial_min"):
        fin = params.ref("experts.financial_min")
        if n_financial < int(fin.value):
            out.append(Problem("n_financial", f"至少有 {fin.value} 名财务专家（实际 {n_financial} 名）",
                               f"at least {fin.value} financial expert(s) (got {n_financial})", fin.cites))
    return out


def pool_problems(available: dict[str, int], needed: dict[str, int], params: ParameterView, *, field_code: str = "",
                  excluded: dict[str, dict[str, int]] | None = None) -> list[Problem]:
    """一、（四）2: the candidates (after every exclusion) must number at least ``pool_multiple_min`` times the
    experts the draw needs, per kind (technical experts of the field; financial experts)."""
    ref = params.ref("experts.pool_multiple_min")
    m = int(ref.value)
    out = []
    for kind in KINDS:
        need = needed.get(kind, 0)
        if not need:
            continue
        have = available.get(kind, 0)
        if have < m * need:
            zh_kind, en_kind = KIND_LABELS[kind]
            where_zh = f"（技术领域 {field_code}）" if kind == TECHNICAL and field_code else ""
            where_en = f" in field {field_code}" if kind == TECHNICAL and field_code else ""
            ex = (excluded or {}).get(kind) or {}
            ex_zh = "；已排除：" + "、".join(f"{EXCLUSION_LABELS[r][0]} {c} 人" for r, c in ex.items() if c) if any(ex.values()) else ""
            ex_en = "; excluded: " + ", ".join(f"{EXCLUSION_LABELS[r][1]} {c}" for r, c in ex.items() if c) if any(ex.values()) else ""
            out.append(Problem(f"pool_{kind}",
                               f"专家库中可抽取的{zh_kind}{where_zh}只有 {have} 人，少于本次所需 {need} 人的 {m} 倍（{m * need} 人）{ex_zh}",
                               f"the pool holds {have} available {en_kind}s{where_en}, fewer than {m} × the {need} needed ({m * need}){ex_en}",
                               ref.cites))
    return out


EXCLUSION_LABELS = {
    "same_organisation": ("与申请企业同一单位", "same organisation as the enterprise"),
    "intermediary": ("来自申请企业的中介机构", "from the enterprise's intermediary"),
    "declared_conflict": ("声明回避", "declared conflict of interest"),
    "workload": ("超出评审工作量上限", "over the workload cap"),
    "already_on_panel": ("已在本专家组（含已谢绝者）", "already on this panel (or declined it)"),
}


# --- the draw ------------------------------------------------------------------------------------------------

ALGORITHM = ("hnte-draw-1: rng = random.Random(seed) (Python's Mersenne Twister); for kind in (technical, financial): "
             "picks[kind] = rng.sample(sorted(candidates[kind]), needed[kind]); if leader_from is not null: "
             "leader = rng.choice(sorted(leader_from + picks[technical]))")


def draw(record: dict) -> dict:
    """Run a draw from its record alone (seed, candidate ids, numbers needed, who may lead). The same record
    always gives the same result: this is how anyone re-runs a recorded draw."""
    rng = random.Random(int(record["seed"]))
    picks: dict[str, list[int]] = {}
    for kind in KINDS:
        pool = sorted(int(i) for i in record["candidates"].get(kind, []))
        n = int(record["needed"].get(kind, 0))
        picks[kind] = rng.sample(pool, n) if n else []
    leader = None
    if record.get("leader_from") is not None:
        leader = rng.choice(sorted({*map(int, record["leader_from"]), *picks[TECHNICAL]}))
    return {TECHNICAL: picks[TECHNICAL], FINANCIAL: picks[FINANCIAL], "leader": leader}


# --- the expert forms ----------------------------------------------------------------------------------------

TECHNICAL_CHECKS = [
    ("materials_ok", "企业提交的资料是否符合要求", "Do the materials meet the requirements?"),
    ("registered_one_year", "企业是否注册成立一年以上", "Registered for at least one year?"),
    ("has_qualifying_ip", "企业是否获得符合条件的知识产权", "Does it own qualifying IP?"),
    ("field_in_scope", "核心技术是否属于《技术领域》规定的范围", "Is the core technology within the catalogue?"),
    ("staff_share_ok", "科技人员占比是否符合要求", "Does the S&T staff share meet the requirement?"),
]
FINANCIAL_CHECKS = [
    ("figures_ok", "财务数据与专项审计报告、财务会计报告是否一致", "Do the figures agree with the audit and financial reports?"),
]


@dataclass(frozen=True)
class ScoreItem:
    key: str
    param: str  # grade bands, or a maxima table for ungraded items
    indicator: str  # which panel indicator it adds to
    label_zh: str
    label_en: str
    graded: bool = True
    sub: str | None = None  # the entry of a maxima table (R&D management items, I3)


TECHNICAL_ITEMS = [
    ScoreItem("ip_advancement", "scoring.intellectual_property.technology_advancement", "intellectual_property",
              "知识产权 1. 技术的先进程度", "IP 1. technology advancement"),
    ScoreItem("ip_core_support", "scoring.intellectual_property.core_support", "intellectual_property",
              "知识产权 2. 对主要产品（服务）在技术上发挥核心支持作用", "IP 2. core support for the main products"),
    ScoreItem("ip_quantity", "scoring.intellectual_property.quantity", "intellectual_property",
              "知识产权 3. 知识产权数量", "IP 3. quantity"),
    ScoreItem("ip_acquisition", "scoring.intellectual_property.acquisition", "intellectual_property",
              "知识产权 4. 知识产权获得方式", "IP 4. how obtained"),
    ScoreItem("ip_standards", "scoring.intellectual_property.standards_bonus", "intellectual_property",
              "知识产权 5. 参与编制标准（加分项）", "IP 5. standards participation (bonus)"),
    ScoreItem("conversion", "scoring.conversion.grades", "conversion", "科技成果转化能力", "Conversion of S&T results"),
    ScoreItem("rdm_system", "scoring.rd_management.items", "rd_management", "研发组织管理 1. 管理制度、研发投入核算体系、研发费用辅助账",
              "R&D management 1. rules, R&D accounting, auxiliary ledger", graded=False, sub="system"),
    ScoreItem("rdm_institution", "scoring.rd_management.items", "rd_management", "研发组织管理 2. 研发机构与产学研合作",
              "R&D management 2. R&D institution and cooperation", graded=False, sub="institution"),
    ScoreItem("rdm_conversion_incentives", "scoring.rd_management.items", "rd_management",
              "研发组织管理 3. 成果转化组织实施与激励奖励制度、开放式创新创业平台", "R&D management 3. conversion incentives, open platform",
              graded=False, sub="conversion_incentives"),
    ScoreItem("rdm_talent", "scoring.rd_management.items", "rd_management", "研发组织管理 4. 人才培养、引进与绩效评价奖励制度",
              "R&D management 4. training, recruitment, performance rewards", graded=False, sub="talent"),
]
FINANCIAL_ITEMS = [
    ScoreItem("growth_net_assets", "scoring.growth.grades", "growth", "企业成长性：净资产增长率", "Growth: net assets"),
    ScoreItem("growth_sales", "scoring.growth.grades", "growth", "企业成长性：销售收入增长率", "Growth: sales revenue"),
]


def bands(value: Any) -> dict[str, tuple[int, int]]:
    """Grade → (lowest, highest) points, from either parameter shape (a mapping or a list of grades)."""
    if isinstance(value, dict):
        return {str(k): (int(v[0]), int(v[1])) for k, v in value.items()}
    return {str(e["grade"]): (int(e["points"][0]), int(e["points"][1])) for e in value}


def item_bands(item: ScoreItem, params: ParameterView) -> tuple[dict[str, tuple[int, int]], tuple[str, ...]]:
    ref = params.ref(item.param)
    if item.graded:
        return bands(ref.value), ref.cites
    return {"": (0, int(ref.value[item.sub]))}, ref.cites


def item_max(item: ScoreItem, params: ParameterView) -> int:
    return max(hi for _, hi in item_bands(item, params)[0].values())


def _integer(raw: Any) -> int | None:
    text = str(raw if raw is not None else "").strip()
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else None


def validate_scores(items: list[ScoreItem], raw: dict, params: ParameterView) -> tuple[dict, list[Problem]]:
    """Each item: a grade of its table and an integer score inside that grade's band, never above the item's
    maximum (三、（七）: "各级指标均按整数打分"). Returns ``{key: {"grade", "points"}}`` and the refusals."""
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    integer_rule = params.ref("scoring.panel_indicators").cites
    for item in items:
        table, cites = item_bands(item, params)
        top = max(hi for _, hi in table.values())
        grade = ""
        if item.graded:
            grade = str(raw.get(f"{item.key}_grade", "") or "").strip()
            if grade not in table:
                problems.append(Problem(f"{item.key}_grade", f"{item.label_zh}：请选择档次（{'、'.join(table)}）",
                                        f"{item.label_en}: choose a grade ({', '.join(table)})"))
                continue
        text = str(raw.get(item.key, "") or "").strip()
        points = _integer(text)
        if text == "":
            problems.append(Problem(item.key, f"{item.label_zh}：请填写分数", f"{item.label_en}: enter a score"))
            continue
        if points is None:
            problems.append(Problem(item.key, f"{item.label_zh}：各级指标均按整数打分，实际为 “{text}”",
                                    f"{item.label_en}: every score is a whole number, got \"{text}\"", integer_rule))
            continue
        if points > top:
            problems.append(Problem(item.key, f"{item.label_zh}：{points} 分超过该项最高分 {top} 分",
                                    f"{item.label_en}: {points} is above the item's maximum of {top}", cites))
            continue
        lo, hi = table[grade]
        if not lo <= points <= hi:
            band = f"{lo}–{hi}" if lo != hi else f"{lo}"
            if item.graded:
                problems.append(Problem(item.key, f"{item.label_zh}：{grade} 档应为 {band} 分，实际为 {points} 分",
                                        f"{item.label_en}: grade {grade} allows {band} points, got {points}", cites))
            else:
                problems.append(Problem(item.key, f"{item.label_zh}：应为 0 到 {hi} 的整数，实际为 {points}",
                                        f"{item.label_en}: expected a whole number from 0 to {hi}, got {points}", cites))
            continue
        out[item.key] = {"grade": grade, "points": points}
    return out, problems


def indicator_scores(items: list[ScoreItem], entries: dict, params: ParameterView) -> dict[str, int]:
    """Sum the items into the panel indicators; the IP indicator with its bonus is capped (三、（七）1)."""
    totals: dict[str, int] = {}
    for item in items:
        totals[item.indicator] = totals.get(item.indicator, 0) + int(entries[item.key]["points"])
    if "intellectual_property" in totals:
        totals["intellectual_property"] = min(totals["intellectual_property"],
                                              int(params.ref("scoring.intellectual_property.cap").value))
    return totals


def _yes_no(raw: dict, checks: list[tuple[str, str, str]], problems: list[Problem]) -> dict[str, str]:
    out = {}
    for key, zh, en in checks:
        v = str(raw.get(key, "") or "").strip()
        if v not in ("yes", "no"):
            problems.append(Problem(key, f"{zh}：请选择“是”或“否”", f"{en} choose yes or no"))
        else:
            out[key] = v
    return out


def _codes(raw: Any) -> list[str]:
    if isinstance(raw, list | tuple):
        parts = [str(p) for p in raw]
    else:
        parts = re.split(r"[\s,，、;；]+", str(raw or ""))
    return [p.strip().upper() for p in parts if p.strip()]


def confirmed_money(raw: dict, key: str, label_zh: str, label_en: str, problems: list[Problem]) -> Decimal | None:
    """A confirmed figure (核定数) in 万元, exact to the yuan (the engine re-runs on it, I14)."""
    text = str(raw.get(key, "") or "").strip()
    if text == "":
        problems.append(Problem(key, f"{label_zh}：请填写（万元）", f"{label_en}: required (10k yuan)"))
        return None
    try:
        yuan = wan_text_to_yuan(text)
    except MoneyInputError as e:
        problems.append(Problem(key, f"{label_zh}：{e.zh}", f"{label_en}: {e.en}"))
        return None
    if yuan != yuan.to_integral_value():
        problems.append(Problem(key, f"{label_zh}：核定数精确到元（以万元计最多 4 位小数），实际为 “{text}”",
                                f"{label_en}: confirmed figures are exact to the yuan (at most 4 decimals in 10k yuan), got \"{text}\""))
        return None
    return yuan.quantize(Decimal(1))


def _confirmed_codes(raw: dict, prefix: str, declared: list[str], label_zh: str, label_en: str,
                     problems: list[Problem]) -> tuple[int | None, list[str]]:
    """核定数 and 核除编号: the struck codes must be declared ones, and confirmed = declared − struck."""
    struck = _codes(raw.get(f"{prefix}_struck"))
    unknown = [c for c in struck if c not in declared]
    if unknown:
        problems.append(Problem(f"{prefix}_struck", f"{label_zh}核除编号 {'、'.join(unknown)} 不在申报清单中（{'、'.join(declared) or '无'}）",
                                f"{label_en}: struck codes {', '.join(unknown)} are not declared ({', '.join(declared) or 'none'})"))
    struck = [c for c in dict.fromkeys(struck) if c in declared]
    count = _integer(raw.get(f"{prefix}_count"))
    if count is None or count < 0:
        problems.append(Problem(f"{prefix}_count", f"{label_zh}核定数：请填写非负整数", f"{label_en} confirmed: a whole number ≥ 0"))
    elif count != len(declared) - len(struck):
        problems.append(Problem(f"{prefix}_count",
                                f"{label_zh}核定数应等于申报数 {len(declared)} 减核除数 {len(struck)}（{len(declared) - len(struck)}），实际为 {count}",
                                f"{label_en} confirmed must equal {len(declared)} declared minus {len(struck)} struck "
                                f"({len(declared) - len(struck)}), got {count}"))
    return count, struck


def validate_confirmed(raw: dict, *, rd_codes: list[str], ps_codes: list[str], problems: list[Problem]) -> dict:
    """The confirmed R&D activities, 3-year R&D total and domestic part, high-tech products and income."""
    out: dict[str, Any] = {}
    out["rd_count"], out["rd_struck"] = _confirmed_codes(raw, "rd", rd_codes, "研发活动", "R&D activities", problems)
    rd_total = confirmed_money(raw, "rd_total", "近三年研发费用核定总额", "Confirmed 3-year R&D total", problems)
    rd_domestic = confirmed_money(raw, "rd_domestic", "其中：境内研发费用核定总额", "of which in China", problems)
    if rd_total is not None and rd_domestic is not None and rd_domestic > rd_total:
        problems.append(Problem("rd_domestic", "境内研发费用核定总额不能大于研发费用核定总额",
                                "the domestic part cannot exceed the confirmed R&D total"))
    out["ps_count"], out["ps_struck"] = _confirmed_codes(raw, "ps", ps_codes, "高新技术产品（服务）", "High-tech products", problems)
    ht = confirmed_money(raw, "high_tech_income", "近一年高新技术产品（服务）收入核定总额", "Confirmed high-tech income", problems)
    out.update(rd_total=str(rd_total) if rd_total is not None else None,
               rd_domestic=str(rd_domestic) if rd_domestic is not None else None,
               high_tech_income=str(ht) if ht is not None else None)
    return out


def validate_technical(raw: dict, *, rd_codes: list[str], ps_codes: list[str], params: ParameterView,
                       catalogue=None) -> tuple[dict, dict[str, int], list[Problem]]:
    """高新技术企业认定技术专家评价表 (附件3): the yes/no checks, the confirmed figures, then the scores of
    IP (≤30), conversion (≤30) and R&D management (≤20)."""
    problems: list[Problem] = []
    form: dict[str, Any] = {"checks": _yes_no(raw, TECHNICAL_CHECKS, problems)}
    if form["checks"].get("field_in_scope") == "yes":
        code = str(raw.get("field_code", "") or "").strip()
        problem = field_code_problem(code, catalogue, exact_level=3)
        if problem:
            problems.append(Problem("field_code", f"核心技术所属技术领域（三级目录编号）：{problem[0]}",
                                    f"core technology's field (third-level code): {problem[1]}", ("measures_2016#annex",)))
        form["field_code"] = code
    form["confirmed"] = validate_confirmed(raw, rd_codes=rd_codes, ps_codes=ps_codes, problems=problems)
    entries, score_problems = validate_scores(TECHNICAL_ITEMS, raw, params)
    problems += score_problems
    form["items"] = entries
    form["comments"] = str(raw.get("comments", "") or "").strip()[:4000]
    scores = indicator_scores(TECHNICAL_ITEMS, entries, params) if not problems else {}
    return form, scores, problems


def validate_financial(raw: dict, *, params: ParameterView) -> tuple[dict, dict[str, int], list[Problem]]:
    """高新技术企业认定财务专家评价表: net-asset growth and sales growth, each graded A–F (≤10, 三、（七）4)."""
    problems: list[Problem] = []
    form: dict[str, Any] = {"checks": _yes_no(raw, FINANCIAL_CHECKS, problems)}
    entries, score_problems = validate_scores(FINANCIAL_ITEMS, raw, params)
    problems += score_problems
    form["items"] = entries
    form["comments"] = str(raw.get("comments", "") or "").strip()[:4000]
    scores = indicator_scores(FINANCIAL_ITEMS, entries, params) if not problems else {}
    return form, scores, problems


def validate_evaluation(raw: dict, *, rd_codes: list[str], ps_codes: list[str]) -> tuple[dict, list[Problem]]:
    """专家组综合评价表: the panel's confirmed figures (the engine re-runs on them) and the leader's opinion."""
    problems: list[Problem] = []
    form = {"confirmed": validate_confirmed(raw, rd_codes=rd_codes, ps_codes=ps_codes, problems=problems)}
    opinion = str(raw.get("opinion", "") or "").strip()
    if not opinion:
        problems.append(Problem("opinion", "请填写专家组综合评价意见", "enter the panel's opinion"))
    form["opinion"] = opinion[:8000]
    return form, problems


# --- the panel result ----------------------------------------------------------------------------------------

CHECK_CRITERIA = {"registered_one_year": "art11_1_", "has_qualifying_ip": "art11_2_", "field_in_scope": "art11_3_",
                  "staff_share_ok": "art11_4_"}


def substitute_confirmed(data: dict, confirmed: dict) -> dict:
    """The application data with the panel's confirmed figures in place of the declared ones.

    The engine sums R&D over the counted years, so the confirmed three-year total T and domestic part D are
    written as one ledger in the latest year (personnel = D, overseas outsourcing paid = (T − D) ÷ 80 %, which the
    engine counts at 80 %), the other years' ledgers at zero: the counted total is exactly T, the domestic part
    exactly D. The latest year's high-tech income becomes the confirmed one; struck-out R&D activities and
    products leave the file (the main-products test then reads only the confirmed products)."""
    out = copy.deepcopy(data)
    years = out.get("years") or []
    zero = {c: Decimal(0) for c in ("personnel", "direct_inputs", "depreciation", "intangible_amortization", "design",
                                    "equipment_debugging", "outsourced_domestic", "outsourced_overseas", "other")}
    if years and confirmed.get("rd_total") is not None and confirmed.get("rd_domestic") is not None:
        total, domestic = Decimal(confirmed["rd_total"]), Decimal(confirmed["rd_domestic"])
        for y in years:
            y["rd_expenses"] = dict(zero)
        latest = years[-1]["rd_expenses"]
        latest["personnel"] = domestic
        latest["outsourced_overseas"] = ((total - domestic) * Decimal(5) / Decimal(4)).quantize(Decimal("0.01"))
    if years and confirmed.get("high_tech_income") is not None:
        years[-1]["high_tech_income"] = Decimal(confirmed["high_tech_income"])
    rd_struck, ps_struck = set(confirmed.get("rd_struck") or []), set(confirmed.get("ps_struck") or [])
    if out.get("rd_projects"):
        out["rd_projects"] = [p for p in out["rd_projects"] if str(p.get("code", "")).upper() not in rd_struck]
    if out.get("products") is not None:
        out["products"] = [p for p in out["products"] if str(p.get("code", "")).upper() not in ps_struck]
    for ip in out.get("intellectual_property") or []:
        if ip.get("products"):
            ip["products"] = [c for c in ip["products"] if str(c).upper() not in ps_struck]
    return out


def fraction_text(value: Fraction) -> str:
    return f"{round_half_up(Fraction(value), 2)}"


def panel_result(*, data: dict, forms: list, checks: list[dict], confirmed: dict, lang_traces: bool = True) -> dict:
    """The panel's result: the four indicator averages and the total (I2, I1) from ``panel_score`` on the
    submitted forms; every other criterion from the engine re-run on the confirmed figures, with its trace;
    a criterion most technical experts answered "no" to is failed by the panel; the verdict."""
    from hnte.application.load import parse_application
    from hnte.engine import assess
    from hnte.scoring.panel import panel_score
    from hnte_web.applications.assessment import trace_text

    app = parse_application(substitute_confirmed(data, confirmed), "专家组核定数")
    on = app.application_date
    score = panel_score(forms, on)
    params = params_on(on)
    pass_mark = params.ref("scoring.pass_mark")
    result = assess(app, source="专家组核定数", with_alternative=False)
    n_tech = len(checks)
    criteria = []
    for c in result.criteria:
        row: dict[str, Any] = {"id": c.id, "label_zh": c.label_zh, "label_en": c.label_en, "cites": c.all_cites(),
                               "status": c.status, "source": "engine", "note_zh": "", "note_en": ""}
        if "score.total" in c.depends:
            row.update(status="pass" if score.passes else "fail", source="panel",
                       value=fraction_text(score.total), threshold=str(pass_mark.value["min"]),
                       cites=sorted({*c.all_cites(), *pass_mark.cites, *params.ref("scoring.panel_indicators").cites}),
                       note_zh=f"专家组平均分之和 {fraction_text(score.total)} 分，须高于 {pass_mark.value['min']} 分（不含）",
                       note_en=f"sum of the panel averages {fraction_text(score.total)}, must be above {pass_mark.value['min']}")
        else:
            if c.value is not None:
                row["value"] = _display(c.value, c.unit)
            if c.threshold is not None:
                row["threshold"] = _display(c.threshold, c.unit)
            if lang_traces:
                row["trace_zh"] = trace_text(result, c.id, "zh")
                row["trace_en"] = trace_text(result, c.id, "en")
        for key, prefix in CHECK_CRITERIA.items():
            if c.id.startswith(prefix):
                noes = sum(1 for ch in checks if ch.get(key) == "no")
                if n_tech and noes * 2 > n_tech:
                    row.update(status="fail", source="experts",
                               note_zh=f"{noes}/{n_tech} 名技术专家认为不符合（{dict((k, z) for k, z, _ in TECHNICAL_CHECKS)[key]}：否）",
                               note_en=f"{noes} of {n_tech} technical experts answered no")
        criteria.append(row)
    statuses = [r["status"] for r in criteria]
    verdict = "not_eligible" if "fail" in statuses else "eligible" if all(s == "pass" for s in statuses) else "undetermined"
    return {
        "application_date": on.isoformat(),
        "averages": {k: str(v) for k, v in score.averages.items()},
        "averages_display": {k: fraction_text(v) for k, v in score.averages.items()},
        "total": str(score.total), "total_display": fraction_text(score.total), "score_passes": score.passes,
        "pass_mark": {"min": str(pass_mark.value["min"]), "inclusive": bool(pass_mark.value["inclusive"]), "cites": list(pass_mark.cites)},
        "forms": [{"expert": f.expert, "role": f.role, "scores": dict(f.scores)} for f in forms],
        "checks": {key: {"yes": sum(1 for ch in checks if ch.get(key) == "yes"), "no": sum(1 for ch in checks if ch.get(key) == "no")}
                   for key, _, _ in TECHNICAL_CHECKS},
        "confirmed": confirmed, "criteria": criteria, "verdict": verdict, "law_version": result.law.id,
    }


def _display(value: Any, unit: str | None) -> str:
    v = to_fraction(value) if not isinstance(value, str) else value
    if isinstance(v, str):
        return v
    if unit == "ratio":
        return f"{round_half_up(v * 100, 2)}%"
    if unit == "fen":
        return f"{round_half_up(v / 100, 2)} 元"
    return fraction_text(v)
