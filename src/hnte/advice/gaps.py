"""Gaps as amounts: for every failing or unknown criterion, the smallest change that would pass it.

Numeric gaps are found with the engine itself (see :mod:`hnte.advice.levers`), so they use the same
exact arithmetic and parameters as the verdict. Score gaps list the sub-items that could supply the
missing points, ranked by points gained, each with the concrete fact that would earn it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.advice.levers import (
    Lever,
    add_high_tech_income,
    add_other_income,
    add_product_income,
    add_rd_personnel,
    add_staff,
    dump,
    largest_keeping,
    smallest,
)
from hnte.core.numbers import fen_to_yuan, percent, round_half_up, to_fraction
from hnte.core.trace import Figure, to_json
from hnte.engine import Assessment


@dataclass
class Gap:
    criterion: str
    status: str  # fail | unknown
    kind: str
    text_zh: str
    text_en: str
    amount: int | None = None  # whole units (fen, 0.01 persons, days)
    unit: str | None = None  # fen | centi_person | days
    changes: list[tuple[str, Any]] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    lever: Lever | None = None

    def to_dict(self, lang: str = "zh") -> dict:
        value: Any = None
        if self.amount is not None:
            value = {"fen": lambda n: float(fen_to_yuan(n)), "centi_person": lambda n: n / 100, "days": lambda n: n}[self.unit](self.amount)
        return {
            "criterion": self.criterion, "status": self.status, "kind": self.kind,
            "text": self.text_en if lang == "en" else self.text_zh,
            "amount": value, "unit": {"fen": "yuan", "centi_person": "persons", "days": "days", None: None}[self.unit],
            "changes": [{"path": p, "value": to_json(v, None)} for p, v in self.changes],
            "cites": self.cites, "details": {k: to_json(v, None) for k, v in self.details.items()},
        }


def yuan(n: int) -> str:
    return f"{fen_to_yuan(n):,.2f}"


def persons(n: int) -> str:
    return f"{Decimal(n) / 100:.2f}"


def _numeric(result: Assessment, c: Figure, lever: Lever, kind: str, zh: str, en: str, **details) -> Gap:
    data = dump(result.app)
    n = smallest(data, result.programme.id, c.id, lever, app=result.app)
    if n is None:
        return Gap(c.id, c.status, kind, f"{zh}：在合理范围内无法达到", f"{en}: not reachable within a realistic amount", cites=c.cites)
    _, changes = lever.apply(data, n)
    amount = yuan(n) if lever.unit == "fen" else persons(n)
    return Gap(c.id, c.status, kind, zh.format(amount=amount, **details), en.format(amount=amount, **details), n, lever.unit,
               changes, list(c.cites), details, lever)


def _criterion_gap(result: Assessment, c: Figure) -> Gap | None:
    trace = result.ctx.trace
    app = result.app
    deps = set(c.depends)
    if c.status == "unknown" and c.missing and "score.total" not in deps:
        fields = "、".join(c.missing)
        return Gap(c.id, c.status, "missing_data", f"补充资料后才能判断：{fields}", f"fill in to decide: {', '.join(c.missing)}",
                   cites=list(c.cites), details={"missing": list(c.missing)})
    if "rd_expense.ratio" in deps:
        i = len(app.years) - 1
        tier = trace.get("rd_expense.ratio_min")
        return _numeric(
            result, c, add_rd_personnel(i), "rd_spend",
            "在 {year} 年度增加归集境内研究开发费用（如人员人工费用）{amount} 元，使研发费用占比达到 {rate}（按最近一年销售收入适用第 {tier} 档）",
            "recognise {amount} yuan more R&D (e.g. personnel) in {year}, bringing the R&D ratio to the {rate} tier (tier {tier}, by latest sales)",
            year=app.years[i].year, rate=percent(tier.value), tier=tier.details.get("tier", 1),
        )
    if "rd_expense.domestic_share" in deps:
        i = len(app.years) - 1
        return _numeric(result, c, add_rd_personnel(i), "domestic_rd",
                        "在 {year} 年度增加境内研究开发费用 {amount} 元（或将同等金额的境外委托研发转为境内），使境内研发费用占比达到要求",
                        "add {amount} yuan of R&D incurred in China in {year} (or move that much overseas outsourcing onshore)",
                        year=app.years[i].year)
    for measure in ("science_tech_college", "rd_staff", "science_tech"):
        if f"staff.{measure}_ratio" in deps:
            return _numeric(result, c, add_staff(measure), "staff",
                            "增加科技人员 {amount} 人（全年月平均数，同时计入职工总数）", "add {amount} S&T staff (annual monthly average, also counted in the total)")
    if "income.high_tech_ratio" in deps:
        gap = _numeric(result, c, add_high_tech_income(new_income=True), "high_tech_income",
                       "增加高新技术产品（服务）收入 {amount} 元（新增收入，同时计入总收入）",
                       "earn {amount} yuan more high-tech product (service) income (new income, also in total income)")
        re_gap = smallest(dump(app), result.programme.id, c.id, add_high_tech_income(new_income=False), app=app)
        if re_gap is not None and gap.amount is not None:
            gap.details["reclassified_alternative"] = yuan(re_gap)
            gap.text_zh += f"；或将现有收入中 {yuan(re_gap)} 元经专项审计确认为高新技术产品（服务）收入"
            gap.text_en += f"; or have {yuan(re_gap)} yuan of existing income confirmed as high-tech income"
        return gap
    if "products.main_share" in deps or "ip.usable" in deps:
        usable = trace.get("ip.usable")
        if usable.value == 0 or "products.main_share" not in trace:
            return Gap(c.id, c.status, "core_ip", "需取得至少一项自有知识产权（Ⅰ类，或未曾使用过的Ⅱ类），并使其支持的产品收入超过高新技术产品（服务）收入的50%",
                       "obtain at least one owned IP item (Class I, or Class II never used before) backing products that earn more than 50 % of high-tech income",
                       cites=list(c.cites))
        share = trace.get("products.main_share")
        backed = share.details.get("backed_products", [])
        products = app.products or []
        candidates = [i for i, p in enumerate(products) if p.code in backed and p.income is not None]
        if not candidates:
            return Gap(c.id, c.status, "core_ip", "需将自有核心知识产权与主要产品（服务）关联（products[].core_ip）",
                       "link owned core IP to the main products (products[].core_ip)", cites=list(c.cites))
        best = max(candidates, key=lambda i: products[i].income)
        return _numeric(result, c, add_product_income(best), "main_products",
                        "有核心知识产权支持的产品 {code} 需增加收入 {amount} 元，使主要产品收入超过高新技术产品（服务）收入的50%",
                        "product {code}, backed by core IP, needs {amount} yuan more income so that main products exceed 50 % of high-tech income",
                        code=products[best].code)
    if "registration_age_days" in deps:
        thr = c.threshold
        reg = app.enterprise.registration_date
        days = int(thr) if c.threshold_inclusive else int(thr) + 1
        earliest = reg + dt.timedelta(days=days)
        remaining = (earliest - app.application_date).days
        return Gap(c.id, c.status, "wait", f"还需 {remaining} 天：最早可于 {earliest} 申请（注意：申请年度变化时计算年度随之变化）",
                   f"{remaining} more days: apply on {earliest} at the earliest (the counted years move with the application year)",
                   remaining, "days", [("application_date", earliest)], list(c.cites), {"earliest": earliest.isoformat()})
    if "incidents.within_lookback" in deps:
        lookback = int(result.ctx.params.ref("incidents.lookback_days").value)
        last = max(i.date for i in app.enterprise.incidents or [] if i.date <= app.application_date)
        earliest = last + dt.timedelta(days=lookback + 1)
        remaining = (earliest - app.application_date).days
        return Gap(c.id, c.status, "wait", f"事故发生于 {last}，最早可于 {earliest} 申请（还需 {remaining} 天）",
                   f"incident on {last}: apply on {earliest} at the earliest ({remaining} more days)", remaining, "days",
                   [("application_date", earliest)], list(c.cites), {"earliest": earliest.isoformat()})
    if "score.total" in deps:
        return None  # see score_gaps
    return Gap(c.id, c.status, "condition", f"不满足：{c.label_zh}（此条件无法通过补充投入满足）",
               f"not met: {c.label_en} (no amount can change this)", cites=list(c.cites))


def criterion_gaps(result: Assessment) -> list[Gap]:
    return [g for c in result.criteria if c.status != "pass" and (g := _criterion_gap(result, c)) is not None]


def headroom(result: Assessment) -> list[dict]:
    """How much non-high-tech income a passing income ratio can absorb before it fails."""
    out = []
    for c in result.criteria:
        if c.status == "pass" and "income.high_tech_ratio" in c.depends:
            n = largest_keeping(dump(result.app), result.programme.id, c.id, add_other_income(), app=result.app)
            if n is not None:
                out.append({"criterion": c.id, "other_income_headroom": float(fen_to_yuan(n)),
                            "text_zh": f"非高新技术收入再增加超过 {yuan(n)} 元（如补贴、贸易收入）将使高新技术收入占比低于要求",
                            "text_en": f"more than {yuan(n)} yuan of additional non-high-tech income (subsidies, trade) would break the ratio"})
    return out


# --- the score ------------------------------------------------------------------------------------


@dataclass
class ScoreOption:
    """One way to raise the score: ``gain_min`` / ``gain_max`` are the changes to the total's minimum and maximum."""

    item: str
    grade_from: str | None
    grade_to: str | None
    gain_min: Fraction
    gain_max: Fraction
    fact_zh: str
    fact_en: str
    cites: list[str]

    def to_dict(self, lang: str = "zh") -> dict:
        return {"item": self.item, "from": self.grade_from, "to": self.grade_to, "gain_to_min": to_json(self.gain_min, None),
                "gain_to_max": to_json(self.gain_max, None), "fact": self.fact_en if lang == "en" else self.fact_zh, "cites": self.cites}


def _gain(cur: Figure, low, high) -> tuple[Fraction, Fraction]:
    return to_fraction(low) - cur.details["min"], to_fraction(high) - cur.details["max"]


def score_options(result: Assessment) -> list[ScoreOption]:
    """Ways to raise the 2016 score, each with the fact that earns it, ranked by points gained."""
    trace = result.ctx.trace
    params = result.ctx.params
    if not params.has("scoring.intellectual_property.quantity"):
        return []
    opts: list[ScoreOption] = []
    usable = trace.get("ip.usable")
    q = trace.get("score.ip.quantity")
    if usable.value is not None and q.details["grade"] != "A":
        table = params.ref("scoring.intellectual_property.quantity").value
        by_class = usable.details["by_class"]
        for row in table:
            if row["grade"] >= (q.details["grade"] or "Z"):
                break
            if row.get("class") == "I":
                fact_zh, fact_en = "取得1项Ⅰ类知识产权（如发明专利）", "obtain one Class I IP item (e.g. an invention patent)"
            else:
                need = row["min_count"] - by_class.get("II", 0)
                fact_zh, fact_en = f"再取得 {need} 项Ⅱ类知识产权（未曾使用过）", f"obtain {need} more Class II IP items (never used before)"
            lo, hi = _gain(q, *row["points"])
            opts.append(ScoreOption("score.ip.quantity", q.details["grade"], row["grade"], lo, hi,
                                    f"{fact_zh}：知识产权数量从 {q.details['grade']} 档升至 {row['grade']} 档",
                                    f"{fact_en}: IP quantity from {q.details['grade']} to {row['grade']}", list(q.cites)))
    acq = trace.get("score.ip.acquisition")
    if acq.details["grade"] == "B":
        table = params.ref("scoring.intellectual_property.acquisition").value
        lo, hi = _gain(acq, *table["A"])
        opts.append(ScoreOption("score.ip.acquisition", "B", "A", lo, hi, "取得1项自主研发的知识产权：获得方式从 B 档升至 A 档",
                                "obtain one self-developed IP item: acquisition from B to A", list(acq.cites)))
    std = trace.get("score.ip.standards")
    if std.details["grade"] != "A":
        table = params.ref("scoring.intellectual_property.standards_bonus").value
        lo, hi = _gain(std, *table["A"])
        opts.append(ScoreOption("score.ip.standards", std.details["grade"], "A", max(lo, Fraction(0)), hi,
                                "参与编制国家标准、行业标准、检测方法或技术规范（加分项）",
                                "take part in drafting a national or industry standard, test method or specification (bonus)", list(std.cites)))
    conv = trace.get("score.conversion.ability")
    avg = trace.get("conversions.annual_average")
    if avg.value is not None and conv.details["grade"] != "A":
        table = params.ref("scoring.conversion.grades").value
        years, count = avg.details["years"], avg.details["count"]
        for row in table:
            if row["grade"] >= conv.details["grade"] or "min_average" not in row:
                break
            target = to_fraction(row["min_average"]) * years
            need = int(target) - count + (0 if row.get("inclusive", True) and target.denominator == 1 else 1)
            need = max(need, 1)
            lo, hi = _gain(conv, *row["points"])
            opts.append(ScoreOption("score.conversion.ability", conv.details["grade"], row["grade"], lo, hi,
                                    f"在计算年度内再完成 {need} 项不同科技成果的转化：转化能力从 {conv.details['grade']} 档升至 {row['grade']} 档",
                                    f"convert {need} more distinct achievements in the counted years: conversion from {conv.details['grade']} to {row['grade']}",
                                    list(conv.cites)))
    maxima = params.ref("scoring.rd_management.items").value
    for key, top in maxima.items():
        item = trace.get(f"score.rd_management.{key}")
        if item.details["basis"] == "assessment" and item.details["max"] < top:
            gain = top - item.details["max"]
            opts.append(ScoreOption(item.id, None, None, gain, gain, f"完善“{item.label_zh}”至满分（{top} 分）",
                                    f"bring “{item.label_en}” to its maximum ({top} points)", list(item.cites)))
    for key in ("technology_advancement", "core_support"):
        item = trace.get(f"score.ip.{key}")
        if item.details["grade"] not in (None, "A") and item.details["basis"] == "assessment":
            table = params.ref(f"scoring.intellectual_property.{key}").value
            lo, hi = _gain(item, *table["A"])
            opts.append(ScoreOption(item.id, item.details["grade"], "A", lo, hi, f"{item.label_zh}由专家判断：充分说明技术指标与核心作用可争取 A 档",
                                    f"{item.label_en} is the experts' judgement: documenting it fully may earn grade A", list(item.cites)))
    opts.sort(key=lambda o: (-o.gain_min, -o.gain_max))
    return opts


def score_gap(result: Assessment) -> dict | None:
    s = result.score
    if s.verdict == "certain":
        return None
    # the minimum must exceed (or reach, when inclusive) the pass mark; 2016 scores are integers
    integer = result.ctx.params.has("scoring.intellectual_property.quantity")
    target = s.pass_mark if s.pass_inclusive else (s.pass_mark + 1 if integer else s.pass_mark)
    need_min = max(target - s.total_min, Fraction(0))
    options = score_options(result)
    return {
        "verdict": s.verdict, "min": to_json(s.total_min, None), "max": to_json(s.total_max, None),
        "points_to_certain": to_json(need_min, None), "strictly_above": not s.pass_inclusive and not integer,
        "text_zh": f"得分区间 {to_json(s.total_min, None)}–{to_json(s.total_max, None)}：最低分需再提高 {round_half_up(need_min, 2)} 分方可确定通过",
        "text_en": f"score range {to_json(s.total_min, None)}–{to_json(s.total_max, None)}: the minimum needs {round_half_up(need_min, 2)} more points to be certain",
        "options": options,
    }
