"""Terminal rendering of an assessment and of an explanation (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hnte.core.citations import heading
from hnte.core.trace import Figure, display
from hnte.engine import Assessment

STATUS = {
    "zh": {"pass": "✔ 符合", "fail": "✘ 不符合", "unknown": "? 待定"},
    "en": {"pass": "✔ pass", "fail": "✘ fail", "unknown": "? unknown"},
}
STATUS_STYLE = {"pass": "green", "fail": "red", "unknown": "yellow"}
VERDICT = {
    "zh": {"eligible": "符合认定条件", "not_eligible": "不符合认定条件", "undetermined": "尚不能确定（资料不全或得分区间跨越及格线）"},
    "en": {"eligible": "Meets the conditions", "not_eligible": "Does not meet the conditions",
           "undetermined": "Undetermined (missing data or a score range straddling the pass mark)"},
}
SCORE_VERDICT = {
    "zh": {"certain": "必然通过", "possible": "可能通过", "impossible": "不可能通过"},
    "en": {"certain": "certain to pass", "possible": "possible", "impossible": "cannot pass"},
}
BASIS = {"zh": {"fact": "事实", "assessment": "自评", "range": "全范围"}, "en": {"fact": "facts", "assessment": "self-assessed", "range": "full range"}}
T = {
    "zh": {"criterion": "条件", "status": "结论", "value": "实际值", "threshold": "要求", "margin": "差距", "cite": "依据",
           "score": "企业创新能力评价", "item": "评价项", "grade": "档次", "points": "分值", "basis": "来源",
           "total": "合计", "missing": "缺少的资料", "law": "适用版本", "programme": "认定项目", "date": "申请日期",
           "notes": "说明", "alternative": "按普通程序（全国认定）", "inputs": "输入", "params": "参数", "depends": "依赖"},
    "en": {"criterion": "Criterion", "status": "Status", "value": "Value", "threshold": "Required", "margin": "Margin", "cite": "Article",
           "score": "Innovation score", "item": "Item", "grade": "Grade", "points": "Points", "basis": "Basis",
           "total": "Total", "missing": "Missing data", "law": "Law version", "programme": "Programme", "date": "Application date",
           "notes": "Notes", "alternative": "Standard track (national)", "inputs": "Inputs", "params": "Parameters", "depends": "Depends on"},
}


def _cmp(fig: Figure, lang: str) -> str:
    if fig.threshold is None:
        return ""
    if fig.unit == "bool":
        return "是" if lang == "zh" else "yes"
    op = "≥" if fig.threshold_inclusive else ">"
    return f"{op} {display(fig.threshold, fig.unit, lang)}"


def _cites(fig: Figure) -> str:
    """The primary citation (the article the criterion implements); the rest are in the trace."""
    return f"{fig.cites[0]} {heading(fig.cites[0])}" if fig.cites else ""


def render_assessment(result: Assessment, console: Console, lang: str = "zh") -> None:
    t = T[lang]
    app = result.app
    law = result.law.label_en if lang == "en" else result.law.label_zh
    prog = result.programme.label_en if lang == "en" else result.programme.label_zh
    head = Text()
    head.append(f"{app.enterprise.name}\n", style="bold")
    head.append(f"{t['date']}: {app.application_date}    {t['programme']}: {prog}\n{t['law']}: {law}")
    style = {"eligible": "bold green", "not_eligible": "bold red", "undetermined": "bold yellow"}[result.verdict]
    console.print(Panel(Group(head, Text(VERDICT[lang][result.verdict], style=style)), expand=False))

    table = Table(show_lines=False)
    for col in ("criterion", "status", "value", "threshold", "margin", "cite"):
        table.add_column(t[col], overflow="fold")
    from hnte.core.trace import display_margin

    for c in result.criteria:
        table.add_row(
            c.label(lang), Text(STATUS[lang][c.status or "unknown"], style=STATUS_STYLE[c.status or "unknown"]),
            c.display(lang), _cmp(c, lang), display_margin(c.margin, c.unit, lang) or "", _cites(c),
        )
    console.print(table)

    s = result.score
    score_table = Table(title=f"{t['score']}: {_pts(s.total_min)}–{_pts(s.total_max)} "
                              f"({'>' if not s.pass_inclusive else '≥'} {_pts(s.pass_mark)}: {SCORE_VERDICT[lang][s.verdict]})")
    for col in ("item", "grade", "points", "basis"):
        score_table.add_column(t[col])
    items_by_group: dict[str, list[Figure]] = {}
    for i in s.items:
        items_by_group.setdefault(i.details["group"], []).append(i)
    for g in s.groups:
        score_table.add_row(Text(g.label(lang), style="bold"), "", Text(_range(g), style="bold"), "")
        for i in items_by_group.get(g.details["group"], []):
            score_table.add_row("  " + i.label(lang), i.details.get("grade") or "–", _range(i), BASIS[lang][i.details["basis"]])
    console.print(score_table)

    notes = [(f.label(lang), n) for f in result.ctx.trace.figures.values() for n in f.notes(lang)]
    if notes:
        console.print(Text(t["notes"], style="bold"))
        for label, n in notes:
            console.print(f"  • {label}：{n}" if lang == "zh" else f"  • {label}: {n}")
    if result.missing:
        console.print(Text(t["missing"], style="bold yellow"))
        for m in result.missing:
            console.print(f"  • {m}")
    if result.alternative is not None:
        console.print(f"{t['alternative']}: {VERDICT[lang][result.alternative.verdict]}")


def _pts(v) -> str:
    return display(v, "points")


def _range(fig: Figure) -> str:
    low, high = fig.details["min"], fig.details["max"]
    return _pts(low) if low == high else f"{_pts(low)}–{_pts(high)}"


def render_explanation(result: Assessment, figure_id: str, console: Console, lang: str = "zh") -> None:
    """Every figure the target depends on, dependencies first, with inputs, parameters and citations."""
    t = T[lang]
    for fig in result.ctx.trace.closure(figure_id):
        lines = Text()
        value = fig.display(lang)
        if fig.kind == "score":
            value = _range(fig) if "min" in fig.details else value
        lines.append(f"= {value}", style="bold")
        if fig.status:
            lines.append(f"   {STATUS[lang][fig.status]} ({_cmp(fig, lang)})", style=STATUS_STYLE[fig.status])
        lines.append("\n")
        if fig.inputs:
            lines.append(f"{t['inputs']}:\n")
            for i in fig.inputs:
                lines.append(f"  {i.path} = {display(i.value, i.unit, lang) if i.unit else i.value}\n")
        if fig.params:
            lines.append(f"{t['params']}:\n")
            for p in fig.params:
                cites = "; ".join(f"{c} {heading(c)}" for c in p.cites)
                variant = f" [{p.variant}]" if p.variant else ""
                lines.append(f"  {p.path}{variant} = {p.to_dict()['value']}  (自 {p.effective_from} 起; {cites})\n" if lang == "zh"
                             else f"  {p.path}{variant} = {p.to_dict()['value']}  (from {p.effective_from}; {cites})\n")
        if fig.depends:
            lines.append(f"{t['depends']}: {', '.join(fig.depends)}\n")
        if fig.missing:
            lines.append(f"{t['missing']}: {', '.join(fig.missing)}\n", style="yellow")
        for n in fig.notes(lang):
            lines.append(f"• {n}\n")
        if fig.cites:
            lines.append(f"{t['cite']}: " + "; ".join(f"{c} {heading(c)}" for c in fig.cites) + "\n")
        console.print(Panel(lines, title=f"{fig.id} — {fig.label(lang)}", title_align="left", expand=True))


SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def render_advice(advice, console: Console, lang: str = "zh") -> None:
    """Gaps, score options and risks after the assessment table."""
    from hnte.report.view import L

    t = L[lang]
    d = advice.to_dict(lang)
    if d["gaps"]:
        console.print(Text(t["gaps"], style="bold"))
        for g in d["gaps"]:
            console.print(Text(f"  • {g['criterion']}: {g['text']}"))
    if d["score"]:
        console.print(Text(d["score"]["text"], style="bold"))
        for o in d["score"]["options"][:6]:
            console.print(Text(f"  • +{o['gain_to_min']}…+{o['gain_to_max']}: {o['fact']}"))
    if d["risks"]:
        console.print(Text(t["risks"], style="bold"))
        for r in d["risks"]:
            console.print(Text(f"  [{t[r['severity']]}] ", style=SEVERITY_STYLE[r["severity"]]) + Text(f"{r['title']}：{r['reason']}"))
