"""高新技术产品（服务）收入占比 — latest year: high-tech income ÷ (收入总额 − 不征税收入)."""

from __future__ import annotations

from fractions import Fraction

from hnte.core.context import Context
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import money_fen, ratio


@indicator("income.total", label_zh="近一年总收入（收入总额 − 不征税收入）", label_en="Total income (收入总额 − 不征税收入), latest year",
           unit="fen", cites=("guidelines_2016#sec3-6-2",))
def total_income(ctx: Context, fig: Figure) -> int | None:
    year = ctx.app.latest.year
    gross = money_fen(ctx, fig, year, "total_income")
    non_taxable = money_fen(ctx, fig, year, "non_taxable_income")
    if gross is None or non_taxable is None:
        return None
    return gross - non_taxable


@indicator("income.high_tech", label_zh="近一年高新技术产品（服务）收入", label_en="High-tech product (service) income, latest year",
           unit="fen", cites=("guidelines_2016#sec3-6-1",))
def high_tech_income(ctx: Context, fig: Figure) -> int | None:
    return money_fen(ctx, fig, ctx.app.latest.year, "high_tech_income")


@indicator("income.high_tech_ratio", label_zh="高新技术产品（服务）收入占总收入比例", label_en="High-tech income / total income",
           unit="ratio", cites=("guidelines_2016#sec3-6",))
def high_tech_ratio(ctx: Context, fig: Figure) -> Fraction | None:
    ht = ctx.use(fig, "income.high_tech").value
    total = ctx.use(fig, "income.total").value
    if ht is None or total is None:
        return None
    if total == 0:
        fig.note("总收入为0，比例无法计算（视为不满足）", "total income is 0; the ratio cannot be met")
        return Fraction(0)
    return ratio(ht, total)
