"""Shared shapes of a criterion: a measured indicator against a ``{min, inclusive}`` parameter."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.trace import Figure
from hnte.indicators.common import meets

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


def threshold_criterion(ctx: Context, c: Figure, indicator_id: str, param_path: str) -> None:
    fig = ctx.use(c, indicator_id)
    thr = ctx.param(c, param_path)
    c.unit = fig.unit
    c.value = fig.value
    c.threshold = to_fraction(thr["min"])
    c.threshold_inclusive = bool(thr.get("inclusive", True))
    if fig.value is None:
        c.status = UNKNOWN
        return
    c.margin = to_fraction(fig.value) - c.threshold
    c.status = PASS if meets(fig.value, thr) else FAIL


def boolean_criterion(c: Figure, value: bool | None) -> None:
    c.unit = "bool"
    c.value = value
    c.threshold = True
    c.status = UNKNOWN if value is None else (PASS if value else FAIL)
