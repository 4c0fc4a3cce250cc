"""Helpers shared by indicators: counted years, thresholds, exact ratios."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from hnte.core.context import Context
from hnte.core.numbers import to_fraction, yuan_to_fen
from hnte.core.trace import Figure


def counted_years(ctx: Context, fig: Figure, n: int) -> list[int] | None:
    """The ``n`` accounting years before the application year, from the registration year on.

    "近三个会计年度（实际经营期不满三年的按实际经营时间计算）": the consecutive years before the
    application year, not before the registration year. Returns None (and records the missing
    registration date) when fewer than ``n`` years are given and the registration date is unknown.
    """
    app = ctx.app
    last = app.application_date.year - 1
    first = last - n + 1
    reg = app.enterprise.registration_date
    if reg is None:
        if len(app.years) >= n:
            return list(range(first, last + 1))
        ctx.missing(fig, "enterprise.registration_date")
        return None
    ctx.input(fig, "enterprise.registration_date", reg)
    return list(range(max(first, reg.year), last + 1))


def year_path(ctx: Context, year: int) -> str:
    try:
        return f"years[{ctx.app.year_index(year)}]"
    except KeyError:
        return f"years[year={year}]"


def money_fen(ctx: Context, fig: Figure, year: int, field: str) -> int | None:
    """A year's money field in fen, recorded as an input; None (and missing) if absent."""
    path = f"{year_path(ctx, year)}.{field}"
    y = ctx.app.year(year)
    obj: Any = y
    for part in field.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    if obj is None:
        ctx.missing(fig, path if y is not None else f"years[year={year}]")
        return None
    fen = yuan_to_fen(obj)
    ctx.input(fig, path, fen, "fen")
    return fen


def meets(value: Fraction | int, threshold: dict) -> bool:
    """Compare exactly against ``{min: X, inclusive: bool}``."""
    minimum = to_fraction(threshold["min"])
    v = to_fraction(value)
    return v > minimum or (bool(threshold.get("inclusive", True)) and v == minimum)


def ratio(numerator: int | Fraction, denominator: int | Fraction) -> Fraction | None:
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def years_before(when: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` years earlier (29 Feb → 28 Feb)."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)
