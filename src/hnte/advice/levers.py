"""Levers: one concrete change to an application, sized by an integer amount (fen or 0.01 persons).

The smallest amount that makes a criterion pass is found by re-assessing with the engine itself
(exponential then binary search over whole units), so a gap is exact by construction: the amount passes,
the amount minus one unit does not (I14).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.application import Application, parse_application
from hnte.application.model import NUMBER_LIMIT
from hnte.core.errors import InputError
from hnte.engine import assess_criterion

UNIT_SCALE = {"fen": Decimal(100), "centi_person": Decimal(100)}
SEARCH_LIMIT = 10**15  # 10 trillion yuan: beyond this a gap is reported as not reachable


def _copy(value: Any) -> Any:
    """A deep copy of application data (dicts and lists of immutable scalars: str, Decimal, date, enum members),
    several times faster than ``copy.deepcopy``, which the searches below call once per assessment."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, set):
        return copy.deepcopy(value)
    return value


@dataclass(frozen=True)
class Lever:
    """``changes(data, n)`` edits a deep copy of the application data by ``n`` units."""

    id: str
    unit: str
    changes: Callable[[dict, Decimal], list[tuple[str, Any]]]
    # The same change made on the validated Application itself (``model_copy`` of the edited parts), for levers
    # that only add to money fields: the searches then skip a deep copy and a full re-validation per probe.
    # ``None`` from it means "the result would not validate" (a figure past the file format's limit).
    on_app: Callable[[Application, Decimal], Application | None] | None = None

    def apply(self, data: dict, n: int) -> tuple[dict, list[tuple[str, Any]]]:
        out = _copy(data)
        amount = Decimal(n) / UNIT_SCALE[self.unit]
        edits = self.changes(out, amount)
        return out, edits

    def probe(self, data: dict, app: Application | None, programme: str, criterion_id: str) -> Probe:
        """``n ↦ (passes, margin)`` of the criterion with ``n`` units applied: on the Application when the lever
        can edit it (and ``app`` is the file ``data`` was dumped from), else on a re-validated copy of ``data``."""
        if app is not None and self.on_app is not None:
            scale, on_app = UNIT_SCALE[self.unit], self.on_app

            def fast(n: int) -> tuple[bool, Fraction | None]:
                changed = on_app(app, Decimal(n) / scale)
                return (False, None) if changed is None else app_probe(changed, programme, criterion_id)

            return fast
        return lambda n: criterion_probe(self.apply(data, n)[0], programme, criterion_id)


def dump(app: Application) -> dict:
    return app.model_dump(mode="python", exclude_none=True)


def criterion_probe(data: dict, programme: str, criterion_id: str) -> tuple[bool, Fraction | None]:
    """Whether the criterion passes on ``data``, and its margin (value − threshold) when the engine measured one."""
    try:
        app = parse_application(data, "<advice>")
    except InputError:
        return False, None
    return app_probe(app, programme, criterion_id)


def app_probe(app: Application, programme: str, criterion_id: str) -> tuple[bool, Fraction | None]:
    try:
        c = assess_criterion(app, programme, criterion_id)
    except InputError:
        return False, None
    margin = c.margin if c.status != "unknown" and isinstance(c.margin, int | Fraction) else None
    return c.status == "pass", margin


def criterion_passes(data: dict, programme: str, criterion_id: str) -> bool:
    return criterion_probe(data, programme, criterion_id)[0]


Probe = Callable[[int], tuple[bool, Fraction | None]]
# The exponential search of whole units went 1, 2, 4, … and gave up past SEARCH_LIMIT: the last amount it
# tried is the largest power of two within the limit, so "not reachable" means "not reached at CAP".
CAP = 1 << (SEARCH_LIMIT.bit_length() - 1)


def _root(points: list[tuple[int, Fraction]]) -> Fraction | None:
    """Where the distance reaches zero, fitted through the latest points: exactly, when the distance is a
    ratio of linear functions of n (the usual shape: a ratio whose numerator and/or denominator the lever
    moves), d(n) = (p·n + q) / (r·n + 1) through three points; else the secant through two."""
    if len(points) >= 3:
        (n1, d1), (n2, d2), (n3, d3) = points[-3:]
        # p·n + q − r·n·d = d at each point (Cramer's rule, exact)
        rows = [(Fraction(n), Fraction(1), -Fraction(n) * d, d) for n, d in ((n1, d1), (n2, d2), (n3, d3))]

        def det(m):
            return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                    + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

        base = det([r[:3] for r in rows])
        if base:
            p = det([(r[3], r[1], r[2]) for r in rows]) / base
            q = det([(r[0], r[3], r[2]) for r in rows]) / base
            if p:
                return -q / p
    if len(points) >= 2:
        (n1, d1), (n2, d2) = points[-2:]
        if d1 != d2:
            return n2 - d2 * (n2 - n1) / (d2 - d1)
    return None


def _first(probe: Probe) -> int | None:
    """The smallest n ≥ 1 whose probe passes, for a monotone predicate; None if it does not pass at CAP.

    ``probe(n)`` returns (passes, distance): the distance (the criterion's margin, signed so that it grows
    towards passing) only *guides* where to look next (:func:`_root`), with bisection whenever a guided step
    does not halve the bracket. The answer is still decided by the engine's verdicts at n and n − 1, so it is
    the same exact amount a plain exponential and binary search finds, in a few assessments instead of ~60
    (the anonymous self-assessment API runs these searches on every request).
    """
    points: list[tuple[int, Fraction]] = []

    def at(n: int) -> bool:
        ok, d = probe(n)
        if d is not None:
            points.append((n, Fraction(d)))
        return ok

    at(0)
    lo, n = 0, 1  # probe(lo) fails
    while not at(n):  # widen: at least double, further when the fitted root says so
        if n >= CAP:
            return None
        lo = n
        root = _root(points)
        n = min(max(2 * n, math.ceil(root) if root is not None and root < CAP else 0), CAP)
    hi = n
    guided = True
    while hi - lo > 1:  # narrow: lo fails, hi passes
        width = hi - lo
        root = _root(points) if guided else None
        if root is None or not lo < root < hi + 1:
            guided, root = False, None
        m = min(max(math.floor(root), lo + 1), hi - 1) if root is not None else (lo + hi) // 2
        if at(m):
            hi = m
            if guided and hi - lo > 1 and at(m - 1):  # an accurate root lands next to the boundary
                hi = m - 1
            elif guided and hi - lo > 1:
                lo = m - 1
        else:
            lo = m
            if guided and hi - lo > 1:
                if at(m + 1):
                    hi = m + 1
                else:
                    lo = m + 1
        guided = (hi - lo) * 2 <= width
    return hi


def _negated(probe: Probe) -> Probe:
    def failing(n: int) -> tuple[bool, Fraction | None]:
        ok, d = probe(n)
        return not ok, None if d is None else -d

    return failing


def smallest(data: dict, programme: str, criterion_id: str, lever: Lever, app: Application | None = None) -> int | None:
    """The smallest whole number of units that makes the criterion pass, or None if out of reach.
    ``app``: the Application ``data`` was dumped from, when the caller has it (faster probes, same answer)."""
    return _first(lever.probe(data, app, programme, criterion_id))


def largest_keeping(data: dict, programme: str, criterion_id: str, lever: Lever, app: Application | None = None) -> int | None:
    """The largest amount the criterion can absorb and still pass (headroom), or None if unbounded."""
    first_failing = _first(_negated(lever.probe(data, app, programme, criterion_id)))
    return None if first_failing is None else first_failing - 1


# --- the concrete levers -------------------------------------------------------------------------


def _latest(data: dict) -> dict:
    return data["years"][-1]


def _latest_year_plus(app: Application, amount: Decimal, fields: tuple[str, ...]) -> Application | None:
    """``app`` with ``amount`` added to the latest year's money ``fields`` (as the dict levers do), or None when a
    sum reaches the file format's limit (the dict path's re-validation would refuse it)."""
    years = list(app.years)
    y = years[-1]
    update = {}
    for f in fields:
        value = getattr(y, f)
        if value is None:  # the dict path has no such key either
            raise KeyError(f)
        value = value + amount
        if value >= NUMBER_LIMIT:
            return None
        update[f] = value
    years[-1] = y.model_copy(update=update)
    return app.model_copy(update={"years": years})


def add_rd_personnel(year_index: int) -> Lever:
    def changes(data: dict, amount: Decimal) -> list[tuple[str, Any]]:
        rd = data["years"][year_index]["rd_expenses"]
        rd["personnel"] = rd["personnel"] + amount
        return [(f"years[{year_index}].rd_expenses.personnel", rd["personnel"])]

    return Lever(f"rd_personnel[{year_index}]", "fen", changes)


def add_staff(measure: str) -> Lever:
    """Hire ``amount`` persons (annual monthly average) into ``measure``; they join the total too."""

    def changes(data: dict, amount: Decimal) -> list[tuple[str, Any]]:
        i = len(data["years"]) - 1
        staff = data["years"][i]["staff"]
        edits = []
        for m in dict.fromkeys((measure, "total")):
            if f"{m}_monthly" in staff:
                staff[f"{m}_monthly"] = [[a + amount, b + amount] for a, b in staff[f"{m}_monthly"]]
                edits.append((f"years[{i}].staff.{m}_monthly", "+" + str(amount) + " each month"))
            else:
                staff[f"{m}_average"] = staff[f"{m}_average"] + amount
                edits.append((f"years[{i}].staff.{m}_average", staff[f"{m}_average"]))
        return edits

    return Lever(f"staff.{measure}", "centi_person", changes)


def add_high_tech_income(new_income: bool) -> Lever:
    """More high-tech income: as new revenue (also raising total income) or reclassified within it."""

    def changes(data: dict, amount: Decimal) -> list[tuple[str, Any]]:
        i = len(data["years"]) - 1
        y = data["years"][i]
        y["high_tech_income"] = y["high_tech_income"] + amount
        edits = [(f"years[{i}].high_tech_income", y["high_tech_income"])]
        if new_income:
            y["total_income"] = y["total_income"] + amount
            edits.append((f"years[{i}].total_income", y["total_income"]))
        return edits

    fields = ("high_tech_income", "total_income") if new_income else ("high_tech_income",)
    return Lever("high_tech_income" + ("_new" if new_income else "_reclassified"), "fen", changes,
                 lambda app, amount: _latest_year_plus(app, amount, fields))


def add_other_income() -> Lever:
    """Non-high-tech income added to total income (e.g. a subsidy or trade income)."""

    def changes(data: dict, amount: Decimal) -> list[tuple[str, Any]]:
        i = len(data["years"]) - 1
        y = data["years"][i]
        y["total_income"] = y["total_income"] + amount
        return [(f"years[{i}].total_income", y["total_income"])]

    return Lever("other_income", "fen", changes, lambda app, amount: _latest_year_plus(app, amount, ("total_income",)))


def add_product_income(product_index: int) -> Lever:
    """More income of an IP-backed product (it is high-tech income and total income too)."""

    def changes(data: dict, amount: Decimal) -> list[tuple[str, Any]]:
        i = len(data["years"]) - 1
        y = data["years"][i]
        prod = data["products"][product_index]
        prod["income"] = prod["income"] + amount
        y["high_tech_income"] = y["high_tech_income"] + amount
        y["total_income"] = y["total_income"] + amount
        return [(f"products[{product_index}].income", prod["income"]), (f"years[{i}].high_tech_income", y["high_tech_income"]),
                (f"years[{i}].total_income", y["total_income"])]

    return Lever(f"product_income[{product_index}]", "fen", changes)
