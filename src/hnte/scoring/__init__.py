"""The innovation score (企业创新能力评价) as a range [min, max] with a verdict (I1).

Objective sub-items are computed from the facts; subjective ones come from the applicant's
``assessment``, else span their whole possible range. The rubric is chosen by the law version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.registry import RUBRICS, load_rules
from hnte.core.trace import Figure
from hnte.indicators.common import meets

CERTAIN, POSSIBLE, IMPOSSIBLE = "certain", "possible", "impossible"


@dataclass
class Score:
    items: list[Figure]
    groups: list[Figure]
    total_min: Fraction
    total_max: Fraction
    pass_mark: Fraction
    pass_inclusive: bool
    verdict: str
    missing: list[str] = field(default_factory=list)


def new_item(id: str, label_zh: str, label_en: str, *, group: str, cites: tuple[str, ...]) -> Figure:
    """A score sub-item; its parameters are read into it, then :func:`set_points` gives its range."""
    fig = Figure(f"score.{id}", "score", label_zh, label_en, "points", cites=list(cites))
    fig.details["group"] = group
    return fig


def set_points(fig: Figure, low, high, *, grade: str | None, basis: str) -> Figure:
    """``basis``: fact (computed), assessment (the applicant's estimate) or range (unknown: full range)."""
    fig.details.update({"grade": grade, "min": to_fraction(low), "max": to_fraction(high), "basis": basis})
    fig.value = to_fraction(low) if low == high else None
    return fig


def group_total(ctx: Context, id: str, label_zh: str, label_en: str, items: list[Figure], cap: Fraction | None,
                cites: tuple[str, ...]) -> Figure:
    low = sum((f.details["min"] for f in items), Fraction(0))
    high = sum((f.details["max"] for f in items), Fraction(0))
    if cap is not None:
        low, high = min(low, cap), min(high, cap)
    fig = Figure(f"score.{id}", "score", label_zh, label_en, "points", cites=list(cites))
    fig.depends = [f.id for f in items]
    fig.details.update({"group": id, "min": low, "max": high, "cap": cap})
    fig.value = low if low == high else None
    return fig


def grade_range(table: dict, grades: list[str]) -> tuple[int, int]:
    return min(table[g][0] for g in grades), max(table[g][1] for g in grades)


def score_for(ctx: Context) -> Score:
    """Compute (once per context) the score for the context's law version."""
    cached = getattr(ctx, "_score", None)
    if cached is not None:
        return cached
    load_rules()
    items, groups = RUBRICS[ctx.law.id](ctx)
    total = Figure("score.total", "score", "企业创新能力评价综合得分", "Innovation score total", "points")
    thr = ctx.param(total, "scoring.pass_mark")
    low = sum((g.details["min"] for g in groups), Fraction(0))
    high = sum((g.details["max"] for g in groups), Fraction(0))
    if meets(low, thr):
        verdict = CERTAIN
    elif not meets(high, thr):
        verdict = IMPOSSIBLE
    else:
        verdict = POSSIBLE
    total.depends = [g.id for g in groups]
    total.details.update({"min": low, "max": high, "verdict": verdict})
    total.value = low if low == high else None
    missing: list[str] = []
    for f in items:
        for dep in f.depends:
            for m in ctx.trace.get(dep).missing if dep in ctx.trace else []:
                if m not in missing:
                    missing.append(m)
        for m in f.missing:
            if m not in missing:
                missing.append(m)
    for f in [*items, *groups, total]:
        ctx.trace.add(f)
    score = Score(items, groups, low, high, to_fraction(thr["min"]), bool(thr["inclusive"]), verdict, missing)
    ctx._score = score  # type: ignore[attr-defined]
    return score
