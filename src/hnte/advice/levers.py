"""Levers: one concrete change to an application, sized by an integer amount (fen or 0.01 persons).

The smallest amount that makes a criterion pass is found by re-assessing with the engine itself
(exponential then binary search over whole units), so a gap is exact by construction: the amount passes,
the amount minus one unit does not (I14).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hnte.application import Application, parse_application
from hnte.core.errors import InputError
from hnte.engine import assess

UNIT_SCALE = {"fen": Decimal(100), "centi_person": Decimal(100)}
SEARCH_LIMIT = 10**15  # 10 trillion yuan: beyond this a gap is reported as not reachable


@dataclass(frozen=True)
class Lever:
    """``changes(data, n)`` edits a deep copy of the application data by ``n`` units."""

    id: str
    unit: str
    changes: Callable[[dict, Decimal], list[tuple[str, Any]]]

    def apply(self, data: dict, n: int) -> tuple[dict, list[tuple[str, Any]]]:
        out = copy.deepcopy(data)
        amount = Decimal(n) / UNIT_SCALE[self.unit]
        edits = self.changes(out, amount)
        return out, edits


def dump(app: Application) -> dict:
    return app.model_dump(mode="python", exclude_none=True)


def criterion_passes(data: dict, programme: str, criterion_id: str) -> bool:
    try:
        result = assess(parse_application(data, "<advice>"), programme, with_alternative=False)
    except InputError:
        return False
    return result.criterion(criterion_id).status == "pass"


def _first(pred: Callable[[int], bool]) -> int | None:
    """The smallest n ≥ 1 with ``pred(n)`` for a monotone predicate (exponential, then binary search)."""
    hi = 1
    while not pred(hi):
        hi *= 2
        if hi > SEARCH_LIMIT:
            return None
    lo = hi // 2  # pred(lo) is false (or lo is 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


def smallest(data: dict, programme: str, criterion_id: str, lever: Lever) -> int | None:
    """The smallest whole number of units that makes the criterion pass, or None if out of reach."""
    return _first(lambda n: criterion_passes(lever.apply(data, n)[0], programme, criterion_id))


def largest_keeping(data: dict, programme: str, criterion_id: str, lever: Lever) -> int | None:
    """The largest amount the criterion can absorb and still pass (headroom), or None if unbounded."""
    first_failing = _first(lambda n: not criterion_passes(lever.apply(data, n)[0], programme, criterion_id))
    return None if first_failing is None else first_failing - 1


# --- the concrete levers -------------------------------------------------------------------------


def _latest(data: dict) -> dict:
    return data["years"][-1]


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

    return Lever("high_tech_income" + ("_new" if new_income else "_reclassified"), "fen", changes)


def add_other_income() -> Lever:
    """Non-high-tech income added to total income (e.g. a subsidy or trade income)."""

    def changes(data: dict, amount: Decimal) -> list[tuple[str, Any]]:
        i = len(data["years"]) - 1
        y = data["years"][i]
        y["total_income"] = y["total_income"] + amount
        return [(f"years[{i}].total_income", y["total_income"])]

    return Lever("other_income", "fen", changes)


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
