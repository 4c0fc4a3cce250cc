"""Assess one application: select the law in force, evaluate every criterion, score, explain.

    >>> from hnte.engine import assess
    >>> result = assess(app)            # an Application from hnte.application
    >>> result.eligible                 # True / False / None (undetermined, I21)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hnte import __version__
from hnte.application.model import Application
from hnte.core.context import Context
from hnte.core.errors import InputError, InputIssue, LawVersionError
from hnte.core.registry import LawVersion, Programme, criteria_for, select
from hnte.core.trace import Figure, to_json
from hnte.scoring import Score, score_for

OUTPUT_FORMAT = "hnte/assessment@1"


@dataclass
class Assessment:
    app: Application
    law: LawVersion
    programme: Programme
    criteria: list[Figure]
    score: Score
    ctx: Context
    alternative: Assessment | None = None
    audit: Any = None  # hnte.registries.audit.AuditCheck when the file names an intermediary or a special audit report

    @property
    def eligible(self) -> bool | None:
        statuses = [c.status for c in self.criteria]
        if "fail" in statuses:
            return False
        if all(s == "pass" for s in statuses):
            return True
        return None

    @property
    def verdict(self) -> str:
        return {True: "eligible", False: "not_eligible", None: "undetermined"}[self.eligible]

    @property
    def missing(self) -> list[str]:
        out: list[str] = []
        for c in self.criteria:
            if c.status == "unknown":
                out.extend(m for m in c.missing if m not in out)
        return out

    @property
    def indicators(self) -> list[Figure]:
        return [f for f in self.ctx.trace.figures.values() if f.kind == "indicator"]

    def criterion(self, criterion_id: str) -> Figure:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        s = self.score
        out: dict[str, Any] = {
            "format": OUTPUT_FORMAT,
            "engine_version": __version__,
            "application_date": self.app.application_date.isoformat(),
            "enterprise": self.app.enterprise.name,
            "law_version": {"id": self.law.id, "label": self.law.label_en if lang == "en" else self.law.label_zh,
                            "from": self.law.start.isoformat(), "to": self.law.end.isoformat() if self.law.end else None,
                            "cites": list(self.law.cites)},
            "programme": {"id": self.programme.id, "label": self.programme.label_en if lang == "en" else self.programme.label_zh,
                          "cites": list(self.programme.cites)},
            "eligible": self.eligible,
            "verdict": self.verdict,
            "missing": self.missing,
            "criteria": [c.to_dict(lang) for c in self.criteria],
            "indicators": [f.to_dict(lang) for f in self.indicators],
            "score": {
                "min": to_json(s.total_min, "points"),
                "max": to_json(s.total_max, "points"),
                "pass_mark": to_json(s.pass_mark, "points"),
                "pass_inclusive": s.pass_inclusive,
                "verdict": s.verdict,
                "groups": [_score_dict(g, lang) for g in s.groups],
                "items": [_score_dict(i, lang) for i in s.items],
            },
            "trace": self.ctx.trace.to_list(lang),
        }
        if self.alternative is not None:
            out["alternative"] = {"programme": self.alternative.programme.id, "eligible": self.alternative.eligible,
                                  "verdict": self.alternative.verdict}
        if self.audit is not None:
            out["audit"] = self.audit.to_dict(lang)
        return out


def _score_dict(fig: Figure, lang: str) -> dict:
    d = fig.details
    return {"id": fig.id, "label": fig.label(lang), "group": d.get("group"), "grade": d.get("grade"),
            "min": to_json(d["min"], "points"), "max": to_json(d["max"], "points"), "basis": d.get("basis"),
            "cites": fig.all_cites(), "missing": list(fig.missing)}


def _engine_input_issues(ctx: Context) -> list[InputIssue]:
    """Checks that depend on the law in force (catalogue codes, rubric maxima)."""
    issues = []
    app = ctx.app
    probe = Figure("probe", "indicator", "", "")
    code = app.enterprise.technical_field
    if code is not None:
        from hnte.registries import catalogue

        check = catalogue.load(str(ctx.param(probe, catalogue.EDITION_PARAM))).check(code)
        if not check.ok:
            issues.append(InputIssue("enterprise.technical_field", check.message_zh, check.message_en))
    rm = app.assessment.rd_management if app.assessment else None
    if rm is not None and ctx.params.has("scoring.rd_management.items"):
        maxima = ctx.param(probe, "scoring.rd_management.items")
        for key, top in maxima.items():
            v = getattr(rm, key)
            if v is not None and v > top:
                issues.append(InputIssue(f"assessment.rd_management.{key}", f"应为 0 到 {top} 的整数，实际为 {v}",
                                         f"expected an integer from 0 to {top}, got {v}"))
    return issues


def _context(app: Application, programme: str | None, source: str, overrides: dict | None) -> Context:
    """The law in force for the application's date under ``programme``, and the input checks that depend on it."""
    prog_id = programme or app.programme.value
    try:
        law, prog = select(prog_id, app.application_date)
    except LawVersionError as e:
        if programme is not None and e.path == "programme":
            e.path = "--programme"
        raise e.as_input_error(source) from None
    ctx = Context(app, law, prog, overrides)
    issues = _engine_input_issues(ctx)
    if issues:
        raise InputError(source, issues)
    return ctx


def assess_criterion(app: Application, programme: str | None, criterion_id: str, *, source: str = "<input>",
                     overrides: dict | None = None) -> Figure:
    """One criterion of :func:`assess`, alone: the same law, parameters and function, and the indicators (and the
    score) it reads computed on demand, but not the other criteria. A criterion reads only indicators and the score,
    never another criterion, so the figure is the one ``assess(...).criterion(criterion_id)`` gives. The advisor's
    exact searches ask this many times per file."""
    ctx = _context(app, programme, source, overrides)
    for d in criteria_for(ctx.law, ctx.programme):
        if d.id == criterion_id:
            c = Figure(d.id, "criterion", d.label_zh, d.label_en, cites=list(d.cites))
            d.fn(ctx, c)
            return ctx.trace.add(c)
    raise KeyError(f"no criterion {criterion_id} under {ctx.programme.id} on {app.application_date}")


def assess(app: Application, programme: str | None = None, *, source: str = "<input>", with_alternative: bool = True,
           overrides: dict | None = None, intermediaries: Any = None, records: Any = None) -> Assessment:
    """Assess ``app`` under ``programme`` (default: the file's). Raises :class:`InputError` on bad input.

    ``intermediaries`` (an ``IntermediaryRegistry``) and ``records`` (findings of fraud, ``Record`` objects)
    are the office's registers, used when the file has ``intermediary`` / ``special_audit_report``
    (``result.audit``; hnte.registries.audit)."""
    ctx = _context(app, programme, source, overrides)
    law, prog = ctx.law, ctx.programme
    criteria = []
    for d in criteria_for(law, prog):
        c = Figure(d.id, "criterion", d.label_zh, d.label_en, cites=list(d.cites))
        d.fn(ctx, c)
        criteria.append(ctx.trace.add(c))
    score = score_for(ctx)
    result = Assessment(app, law, prog, criteria, score, ctx)
    if app.intermediary is not None or app.special_audit_report is not None:
        from hnte.registries.audit import check_audit

        result.audit = check_audit(app, ctx.params, registry=intermediaries, records=records)
    if with_alternative and prog.id == "beijing-pilot" and result.eligible is not True:
        # I19: failing the pilot conditions but meeting the national ones → the standard track
        result.alternative = assess(app, "national", source=source, with_alternative=False)
    return result
