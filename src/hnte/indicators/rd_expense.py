"""企业研究开发费用占比 — counted R&D by category (I7, I8), ratio and tier (I5, I6), domestic share.

Per accounting year: outsourced R&D (domestic and overseas) counts at 80 % of the amount paid;
"other expenses" count up to cap ÷ (1 − cap) of the seven other categories as counted, the excess
is excluded and reported; domestic R&D = everything except overseas outsourcing.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hnte.core.context import Context
from hnte.core.numbers import round_half_up, to_fraction, yuan_to_fen
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import counted_years, money_fen, ratio, year_path

INTERNAL = ("personnel", "direct_inputs", "depreciation", "intangible_amortization", "design", "equipment_debugging")
CATEGORIES = (*INTERNAL, "outsourced_domestic", "outsourced_overseas", "other")


@dataclass(frozen=True)
class CountedYear:
    """One year's R&D as counted for HNTE identification, in fen (exact)."""

    internal: Fraction
    outsourced_domestic_counted: Fraction
    outsourced_overseas_counted: Fraction
    other_reported: Fraction
    other_cap: Fraction
    other_counted: Fraction
    other_excluded: Fraction
    total: Fraction
    domestic: Fraction


def count_year(amounts: dict[str, int | Fraction], outsourcing_share: Fraction, other_cap_share: Fraction) -> CountedYear:
    """Count one year's ledger (all nine categories, fen) under I7/I8."""
    internal = sum((Fraction(amounts[c]) for c in INTERNAL), Fraction(0))
    dom = Fraction(amounts["outsourced_domestic"]) * outsourcing_share
    overseas = Fraction(amounts["outsourced_overseas"]) * outsourcing_share
    rest = internal + dom + overseas
    cap = rest * other_cap_share / (1 - other_cap_share)
    other = Fraction(amounts["other"])
    other_counted = min(other, cap)
    total = rest + other_counted
    return CountedYear(
        internal=internal,
        outsourced_domestic_counted=dom,
        outsourced_overseas_counted=overseas,
        other_reported=other,
        other_cap=cap,
        other_counted=other_counted,
        other_excluded=other - other_counted,
        total=total,
        domestic=internal + other_counted + dom,
    )


def _ledger(ctx: Context, fig: Figure) -> dict[int, CountedYear] | None:
    n = ctx.param(fig, "rd_expense.years_counted")
    years = counted_years(ctx, fig, int(n))
    share = to_fraction(ctx.param(fig, "rd_expense.outsourcing_counted_share"))
    cap = to_fraction(ctx.param(fig, "rd_expense.other_share_cap"))
    if years is None:
        return None
    result: dict[int, CountedYear] = {}
    complete = True
    for year in years:
        y = ctx.app.year(year)
        if y is None:
            ctx.missing(fig, f"years[year={year}]")
            complete = False
            continue
        if y.rd_expenses is None:
            ctx.missing(fig, f"{year_path(ctx, year)}.rd_expenses")
            complete = False
            continue
        amounts: dict[str, int] = {}
        for c in CATEGORIES:
            v = money_fen(ctx, fig, year, f"rd_expenses.{c}")
            if v is None:
                complete = False
            else:
                amounts[c] = v
        if len(amounts) == len(CATEGORIES):
            result[year] = count_year(amounts, share, cap)
    return result if complete else None


def _year_details(cy: CountedYear) -> dict:
    return {
        "internal": cy.internal, "outsourced_domestic_counted": cy.outsourced_domestic_counted,
        "outsourced_overseas_counted": cy.outsourced_overseas_counted, "other_reported": cy.other_reported,
        "other_cap": cy.other_cap, "other_counted": cy.other_counted, "other_excluded": cy.other_excluded,
        "total": cy.total, "domestic": cy.domestic,
    }


@indicator("rd_expense.total", label_zh="研究开发费用总额（计入口径，计算年度合计）", label_en="Counted R&D expenses (counted years)",
           unit="fen", cites=("guidelines_2016#sec3-5-2",))
def rd_total(ctx: Context, fig: Figure) -> Fraction | None:
    ledger = _ledger(ctx, fig)
    if ledger is None:
        return None
    fig.details["years"] = {str(y): _year_details(cy) for y, cy in ledger.items()}
    excluded = sum((cy.other_excluded for cy in ledger.values()), Fraction(0))
    fig.details["other_excluded_total"] = excluded
    if excluded:
        amount = round_half_up(excluded / 100, 2)
        fig.note(f"其他费用超过上限，已剔除 {amount:,} 元", f"other expenses above the cap: {amount:,} yuan excluded")
    return sum((cy.total for cy in ledger.values()), Fraction(0))


@indicator("rd_expense.domestic_total", label_zh="境内研究开发费用总额", label_en="R&D incurred in China",
           unit="fen", cites=("guidelines_2016#sec3-5-3",))
def rd_domestic_total(ctx: Context, fig: Figure) -> Fraction | None:
    total = ctx.use(fig, "rd_expense.total")
    if total.value is None:
        return None
    return sum((to_fraction(y["domestic"]) for y in total.details["years"].values()), Fraction(0))


@indicator("rd_expense.domestic_share", label_zh="境内研究开发费用占比", label_en="Domestic share of R&D", unit="ratio",
           cites=("guidelines_2016#sec3-5-3",))
def rd_domestic_share(ctx: Context, fig: Figure) -> Fraction | None:
    total = ctx.use(fig, "rd_expense.total").value
    domestic = ctx.use(fig, "rd_expense.domestic_total").value
    if total is None or domestic is None:
        return None
    if total == 0:
        fig.note("研究开发费用总额为0", "total R&D is 0")
        return Fraction(0)
    return ratio(domestic, total)


@indicator("sales_revenue.total", label_zh="销售收入总额（计算年度合计）", label_en="Sales revenue (counted years)", unit="fen",
           cites=("guidelines_2016#sec3-5-5",))
def sales_total(ctx: Context, fig: Figure) -> int | None:
    n = ctx.param(fig, "rd_expense.years_counted")
    years = counted_years(ctx, fig, int(n))
    if years is None:
        return None
    values = [money_fen(ctx, fig, y, "sales_revenue") for y in years]
    if any(v is None for v in values):
        return None
    fig.details["years"] = [str(y) for y in years]
    return sum(values)  # type: ignore[arg-type]


@indicator("sales_revenue.latest", label_zh="最近一年销售收入", label_en="Latest year's sales revenue", unit="fen",
           cites=("guidelines_2016#sec3-1", "guidelines_2016#sec3-5-5"))
def sales_latest(ctx: Context, fig: Figure) -> int | None:
    return money_fen(ctx, fig, ctx.app.latest.year, "sales_revenue")


@indicator("rd_expense.ratio", label_zh="研究开发费用总额占同期销售收入总额比例", label_en="R&D / sales revenue (counted years)",
           unit="ratio", cites=("guidelines_2016#sec3-5",))
def rd_ratio(ctx: Context, fig: Figure) -> Fraction | None:
    rd = ctx.use(fig, "rd_expense.total").value
    sales = ctx.use(fig, "sales_revenue.total").value
    if rd is None or sales is None:
        return None
    if sales == 0:
        fig.note("计算年度销售收入总额为0，比例无法计算（视为不满足）", "sales revenue is 0 over the counted years; the ratio cannot be met")
        return Fraction(0)
    return ratio(rd, sales)


def tier_for(brackets: list[dict], sales_fen: int) -> tuple[int, Fraction]:
    """The bracket index and rate for the latest year's sales (upper bounds per bracket, I5)."""
    for i, b in enumerate(brackets):
        upper = b.get("upper")
        if upper is None:
            return i, to_fraction(b["rate"])
        upper_fen = yuan_to_fen(upper) if not isinstance(upper, int) else upper * 100
        if sales_fen < upper_fen or (b.get("upper_inclusive", False) and sales_fen == upper_fen):
            return i, to_fraction(b["rate"])
    raise ValueError("ratio brackets must end with an unbounded bracket")


@indicator("rd_expense.ratio_min", label_zh="研究开发费用比例要求（按最近一年销售收入分档）", label_en="Required R&D ratio (tier by latest sales)",
           unit="ratio", cites=("guidelines_2016#sec3-5",))
def rd_ratio_min(ctx: Context, fig: Figure) -> Fraction | None:
    brackets = ctx.param(fig, "rd_expense.ratio_min_by_sales")
    if len(brackets) == 1 and "upper" not in brackets[0]:
        return to_fraction(brackets[0]["rate"])
    latest = ctx.use(fig, "sales_revenue.latest").value
    if latest is None:
        return None
    index, rate = tier_for(brackets, latest)
    fig.details["tier"] = index + 1
    return rate
