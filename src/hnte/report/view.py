"""The report's view model: one language-specific structure built from the assessment trace and the
advice, rendered by the HTML (and so PDF) and the XLSX writers alike."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from hnte import __version__
from hnte.advice.advise import Advice
from hnte.core.citations import heading
from hnte.core.numbers import to_fraction
from hnte.core.trace import display, display_margin
from hnte.engine import Assessment
from hnte.report import charts

L = {
    "zh": {
        "title": "高新技术企业认定自评报告", "generated": "生成时间", "engine": "引擎版本", "date": "申请日期",
        "programme": "认定项目", "law": "适用版本", "verdict": "结论",
        "eligible": "符合认定条件", "not_eligible": "不符合认定条件", "undetermined": "尚不能确定", "not_applicable": "不适用",
        "comparison": "各认定项目对照", "criteria": "认定条件逐条核对", "criterion": "条件", "status": "结论", "value": "实际值",
        "threshold": "要求", "margin": "差距", "cite": "依据", "pass": "符合", "fail": "不符合", "unknown": "待定",
        "score": "企业创新能力评价", "score_chart": "各项指标得分区间与及格线", "item": "评价项", "grade": "档次", "points": "分值",
        "basis": "来源", "fact": "事实", "assessment": "自评", "range": "全范围", "ratios": "各项比例与要求",
        "gaps": "差距与补足方案（精确金额）", "no_gaps": "所有条件均已满足。", "score_options": "提高得分的途径（按可增加的分数排序）",
        "gain": "最低分增加", "gain_max": "最高分增加", "risks": "评审风险提示", "severity": "风险等级", "high": "高", "medium": "中", "low": "低",
        "no_risks": "未发现常见评审风险。", "evidence": "依据事实", "benefits": "认定后的价值", "tax_saved": "企业所得税节省",
        "per_year": "每年", "total": "合计", "years": "覆盖年度", "loss": "亏损结转年限", "trap": "到期当年预缴提示",
        "rewards": "地方奖励", "no_rewards": "未找到适用的地方奖励条目（认定机构可在 parameters/rewards/local.yaml 中扩展）。",
        "staff": "月度职工人数（月平均数）", "month": "月", "total_staff": "职工总数", "st_staff": "科技人员",
        "missing": "缺少的资料", "headroom": "安全余量", "reasons": "原因",
        "disclaimer": "本报告依据申请人提供的数据和公开的认定规则自动生成，仅供自我评价参考；是否认定为高新技术企业，以认定机构的审查和认定结论为准。",
        "saving_per_yuan": "每1元应纳税所得额节省 {x} 元（25% − 15%）",
        "trap_text": "资格期满当年（{year} 年）在重新认定前暂按 {prepay} 预缴；年底前未取得资格须按 {trueup} 补缴",
        "at_risk": "补缴风险金额", "loss_text": "一般企业 {a} 年；具备高新技术企业资格 {b} 年",
        "pass_line": "及格线", "indicator": "指标", "exact": "精确值",
        "audit": "专项审计报告与中介机构", "intermediary": "中介机构", "report_number": "专项审计报告编号",
        "differences": "申请书与专项审计报告不一致之处", "no_differences": "申请书所填数据与专项审计报告一致。",
        "application_figure": "申请书", "report_figure": "专项审计报告", "difference": "差额（报告−申请书）",
        "findings": "核对意见", "blocking": "阻止提交", "warning": "提示", "rule": "条件",
        "blocked_text": "存在阻止提交的问题：须由符合条件的中介机构出具报告或更正后方可提交。",
        "not_blocked_text": "未发现阻止提交的问题。", "no_intermediary": "申请书未填写中介机构。",
    },
    "en": {
        "title": "HNTE identification self-assessment report", "generated": "Generated", "engine": "Engine version", "date": "Application date",
        "programme": "Programme", "law": "Law version", "verdict": "Verdict",
        "eligible": "Meets the conditions", "not_eligible": "Does not meet the conditions", "undetermined": "Undetermined",
        "not_applicable": "Not applicable",
        "comparison": "Programmes side by side", "criteria": "Conditions, one by one", "criterion": "Criterion", "status": "Status", "value": "Value",
        "threshold": "Required", "margin": "Margin", "cite": "Article", "pass": "pass", "fail": "fail", "unknown": "unknown",
        "score": "Innovation score", "score_chart": "Score ranges by indicator against the pass mark", "item": "Item", "grade": "Grade",
        "points": "Points", "basis": "Basis", "fact": "facts", "assessment": "self-assessed", "range": "full range", "ratios": "Ratios against thresholds",
        "gaps": "Gaps and how to close them (exact amounts)", "no_gaps": "Every condition is met.", "score_options": "Ways to raise the score (by points gained)",
        "gain": "Minimum +", "gain_max": "Maximum +", "risks": "Review risks", "severity": "Severity", "high": "high", "medium": "medium", "low": "low",
        "no_risks": "No common review risk found.", "evidence": "Evidence", "benefits": "What the status is worth", "tax_saved": "Income tax saved",
        "per_year": "per year", "total": "total", "years": "Years covered", "loss": "Loss carry-forward", "trap": "Expiry-year prepayment",
        "rewards": "Local rewards", "no_rewards": "No local reward applies (offices can extend parameters/rewards/local.yaml).",
        "staff": "Monthly staff (monthly averages)", "month": "month", "total_staff": "Total staff", "st_staff": "S&T staff",
        "missing": "Missing data", "headroom": "Headroom", "reasons": "Reasons",
        "disclaimer": "This report is generated from the applicant's data and the published rules for self-assessment only; "
                      "the identification office decides whether the enterprise is identified.",
        "saving_per_yuan": "each yuan of taxable income saves {x} yuan (25 % − 15 %)",
        "trap_text": "in the expiry year ({year}) prepay at {prepay} until re-identified; if not re-identified by year end, pay back at {trueup}",
        "at_risk": "amount at risk", "loss_text": "{a} years in general; {b} years with HNTE status",
        "pass_line": "pass mark", "indicator": "Indicator", "exact": "exact",
        "audit": "Special audit report and intermediary", "intermediary": "Intermediary", "report_number": "Special audit report number",
        "differences": "Where the application and the special audit report differ",
        "no_differences": "The application's figures agree with the special audit report.",
        "application_figure": "Application", "report_figure": "Special audit report", "difference": "Difference (report − application)",
        "findings": "Findings", "blocking": "blocks submission", "warning": "warning", "rule": "Rule",
        "blocked_text": "Submission is blocked: the report must come from a qualified intermediary, or the figures be corrected.",
        "not_blocked_text": "Nothing blocks submission.", "no_intermediary": "The application names no intermediary.",
    },
}


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def build(result: Assessment, advice: Advice, lang: str = "zh", today: dt.date | None = None) -> dict[str, Any]:
    t = L[lang]
    app = result.app
    s = result.score
    criteria = []
    ratio_rows = []
    for c in result.criteria:
        op = "" if c.threshold is None or c.unit == "bool" else ("≥ " if c.threshold_inclusive else "> ")
        criteria.append({
            "id": c.id, "label": c.label(lang), "status": c.status, "status_text": t[c.status],
            "value": c.display(lang), "exact": None,
            "threshold": (op + display(c.threshold, c.unit, lang)) if c.threshold is not None and c.unit != "bool" else "",
            "margin": display_margin(c.margin, c.unit, lang) or "",
            "cites": [{"id": x, "heading": heading(x)} for x in c.cites],
            "missing": list(c.missing),
        })
        if c.unit == "ratio" and c.value is not None and c.threshold is not None:
            ratio_rows.append((c.label(lang), to_fraction(c.value), to_fraction(c.threshold), c.status))
    items_by_group: dict[str, list] = {}
    for i in s.items:
        items_by_group.setdefault(i.details["group"], []).append(i)
    groups = []
    chart_rows = []
    for g in s.groups:
        maximum = _group_maximum(result, g.details["group"])
        chart_rows.append((g.label(lang), g.details["min"], g.details["max"], maximum))
        groups.append({
            "label": g.label(lang), "points": _range(g.details["min"], g.details["max"]),
            "items": [{"label": i.label(lang), "grade": i.details.get("grade") or "–", "points": _range(i.details["min"], i.details["max"]),
                       "basis": t[i.details["basis"]], "cites": i.all_cites()} for i in items_by_group.get(g.details["group"], [])],
        })
    mark_label = f"{t['pass_line']} {'≥' if s.pass_inclusive else '>'} {display(s.pass_mark, 'points')}"
    adv = advice.to_dict(lang)
    staff_series = _staff_series(result, t)
    b = adv["benefits"]
    return {
        "lang": lang, "t": t,
        "title": t["title"], "enterprise": app.enterprise.name, "application_date": app.application_date.isoformat(),
        "generated": (today or dt.date.today()).isoformat(), "engine_version": __version__,
        "programme": result.programme.label_en if lang == "en" else result.programme.label_zh,
        "law": result.law.label_en if lang == "en" else result.law.label_zh,
        "verdict": result.verdict, "verdict_text": t[result.verdict],
        "missing": result.missing,
        "comparison": [{**row, "verdict_text": t[row["verdict"]]} for row in adv["comparison"]],
        "criteria": criteria,
        "score": {"min": display(s.total_min, "points"), "max": display(s.total_max, "points"), "mark": mark_label,
                  "verdict": s.verdict, "groups": groups,
                  "chart": charts.score_ranges(chart_rows, (s.total_min, s.total_max, Fraction(100), s.pass_mark), mark_label)},
        "ratio_chart": charts.ratios(ratio_rows),
        "criteria_ratios": [(label, float(v), float(th)) for label, v, th, _ in ratio_rows],
        "score_rows": [(label, float(low), float(high), float(top)) for label, low, high, top in chart_rows]
        + [(t["total"], float(s.total_min), float(s.total_max), 100.0)],
        "gaps": adv["gaps"], "score_gap": adv["score"], "headroom": adv["headroom"],
        "risks": [{**r, "severity_text": t[r["severity"]]} for r in adv["risks"]],
        "benefits": {
            **b,
            "saving_text": t["saving_per_yuan"].format(x=b["saving_per_yuan"]),
            "loss_text": t["loss_text"].format(a=b["loss_carry_forward"]["standard_years"], b=b["loss_carry_forward"]["hnte_years"])
            if "loss_carry_forward" in b else None,
            "trap_text": t["trap_text"].format(year=b["expiry_year_prepayment"]["expiry_year"],
                                               prepay=_pct(b["expiry_year_prepayment"]["prepay_rate"]),
                                               trueup=_pct(b["expiry_year_prepayment"]["true_up_rate"]))
            if "expiry_year_prepayment" in b else None,
        },
        "audit": _audit(result, t, lang),
        "staff_chart": charts.monthly_staff(staff_series, t["month"]),
        "staff_series": [(name, [float(v) for v in values]) for name, values in staff_series],
        "disclaimer": t["disclaimer"],
    }


def _audit(result: Assessment, t: dict, lang: str) -> dict[str, Any] | None:
    """The special audit report section (工作指引 一、（三）; 二、（三）): the intermediary's qualification rule by
    rule, every figure that differs from the report, and the findings; None when the file has neither."""
    check = result.audit
    if check is None:
        return None
    from hnte.registries.intermediaries import rule_message

    q = check.qualification
    intermediary = None if q is None else {
        "name": q.firm.name, "credit_code": q.firm.credit_code, "status": q.status, "status_text": t[q.status],
        "rules": [{"text": rule_message(r, lang), "status": r.status, "status_text": t[r.status], "cites": r.all_cites()}
                  for r in q.rules]}
    return {
        "blocked": check.submission_blocked, "blocked_text": t["blocked_text" if check.submission_blocked else "not_blocked_text"],
        "report_number": check.report_number, "intermediary": intermediary,
        "differences": [d.to_dict(lang) for d in check.differences],
        "findings": [{**f.to_dict(lang), "severity_text": t[f.severity]} for f in check.findings],
    }


def _range(low, high) -> str:
    return display(low, "points") if low == high else f"{display(low, 'points')}–{display(high, 'points')}"


def _group_maximum(result: Assessment, group: str) -> Fraction:
    view = result.ctx.params
    if view.has("scoring.panel_indicators"):
        key = {"ip": "intellectual_property", "conversion": "conversion", "rd_management": "rd_management", "growth": "growth"}[group]
        return to_fraction(view.ref("scoring.panel_indicators").value[key]["max"])
    weights = view.ref("scoring.weights_2008").value
    key = {"ip_2008": ["intellectual_property"], "conversion_2008": ["conversion"], "rd_management_2008": ["rd_management"],
           "growth_2008": ["total_assets_growth", "sales_growth"]}[group]
    return sum((to_fraction(weights[k]) for k in key), Fraction(0))


def _staff_series(result: Assessment, t: dict) -> list[tuple[str, list[Fraction]]]:
    latest = result.app.latest
    staff = latest.staff
    if staff is None:
        return []
    out = []
    for key, name in (("total_monthly", t["total_staff"]), ("science_tech_monthly", t["st_staff"])):
        pairs = getattr(staff, key)
        if pairs:
            out.append((f"{name} ({latest.year})", [(to_fraction(a) + to_fraction(b)) / 2 for a, b in pairs]))
    return out
