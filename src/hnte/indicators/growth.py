"""企业成长性 — net-asset (2016) / total-asset (2008) and sales growth with every special case (I9, I10).

3 years: g = ½ (Y2/Y1 + Y3/Y2) − 1; Y1 ≤ 0 → g = Y3/Y2 − 1; Y2 ≤ 0 → 0 points.
2 years: g = Y2/Y1 − 1; any year ≤ 0 → 0 points. 1 year → 0 points. g ≤ 0 → grade F.
"""

from __future__ import annotations

from fractions import Fraction

from hnte.core.context import Context
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import counted_years, money_fen


def growth_rate(values: list[int], rules: dict) -> tuple[Fraction | None, str]:
    """Exact growth rate, or (None, reason) when a special case scores 0 points."""
    if len(values) == 1:
        return None, "one_year"
    if len(values) == 2:
        y1, y2 = values
        if y1 <= 0 or y2 <= 0:
            return None, "two_years_any_non_positive"
        return Fraction(y2, y1) - 1, "two_years"
    y1, y2, y3 = values
    if y2 <= 0:
        return None, "second_year_non_positive"
    if y1 <= 0:
        if rules["first_year_non_positive"] == "last_two_years":
            return Fraction(y3, y2) - 1, "first_year_non_positive"
        return None, "first_year_non_positive"
    return Fraction(1, 2) * (Fraction(y2, y1) + Fraction(y3, y2)) - 1, "three_years"


_REASONS = {
    "one_year": ("仅有一个会计年度，无法计算增长率，按0分计算", "only one accounting year: growth scores 0"),
    "two_years_any_non_positive": ("两个会计年度中有一年数值≤0，按0分计算", "two years with a non-positive value: growth scores 0"),
    "second_year_non_positive": ("第二年数值≤0，按0分计算", "second-year value is not positive: growth scores 0"),
    "first_year_non_positive": ("第一年数值≤0，按后两年计算", "first-year value is not positive: computed over the last two years"),
}


def _growth(ctx: Context, fig: Figure, field: str) -> Fraction | None:
    rules = ctx.param(fig, "growth.non_positive_rules")
    years = counted_years(ctx, fig, int(ctx.param(fig, "growth.years_counted")))
    if years is None:
        return None
    values = [money_fen(ctx, fig, y, field) for y in years]
    if any(v is None for v in values):
        return None
    rate, reason = growth_rate(values, rules)  # type: ignore[arg-type]
    fig.details["case"] = reason
    if reason in _REASONS:
        fig.note(*_REASONS[reason])
    if rate is None:
        fig.details["forced_zero"] = True
    return rate


@indicator("growth.net_assets", label_zh="净资产增长率", label_en="Net-asset growth rate", unit="ratio", cites=("guidelines_2016#sec3-7-4",))
def net_asset_growth(ctx: Context, fig: Figure) -> Fraction | None:
    return _growth(ctx, fig, "net_assets")


@indicator("growth.total_assets", label_zh="总资产增长率", label_en="Total-asset growth rate", unit="ratio", cites=("guidelines_2008#scoring-growth",))
def total_asset_growth(ctx: Context, fig: Figure) -> Fraction | None:
    return _growth(ctx, fig, "total_assets")


@indicator("growth.sales", label_zh="销售收入增长率", label_en="Sales growth rate", unit="ratio", cites=("guidelines_2016#sec3-7-4",))
def sales_growth(ctx: Context, fig: Figure) -> Fraction | None:
    return _growth(ctx, fig, "sales_revenue")
