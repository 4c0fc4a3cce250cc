"""Hypothesis strategies for generated applications (shared by the property tests)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from conftest import derive

CATEGORIES = ("personnel", "direct_inputs", "depreciation", "intangible_amortization", "design", "equipment_debugging",
              "outsourced_domestic", "outsourced_overseas", "other")

fen = st.integers(min_value=0, max_value=5_000_000_00)
positive_fen = st.integers(min_value=1, max_value=500_000_000_00)


def yuan(f: int) -> Decimal:
    return Decimal(f) / 100


@st.composite
def enterprises(draw):
    """A random enterprise built on the round-number base, every money figure drawn in fen."""
    data = derive("simple_2016")
    for y in data["years"]:
        y["sales_revenue"] = yuan(draw(positive_fen))
        y["net_assets"] = yuan(draw(st.integers(min_value=-10_000_000_00, max_value=500_000_000_00)))
        y["rd_expenses"] = {c: yuan(draw(fen)) for c in CATEGORIES}
    last = data["years"][-1]
    total = draw(positive_fen)
    last["total_income"] = yuan(total)
    last["non_taxable_income"] = yuan(draw(st.integers(min_value=0, max_value=total - 1)))
    last["high_tech_income"] = yuan(draw(st.integers(min_value=0, max_value=total)))
    data["products"][0]["income"] = yuan(draw(st.integers(min_value=0, max_value=500_000_000_00)))
    staff_total = draw(st.integers(min_value=1, max_value=2000))
    last["staff"]["total_average"] = staff_total
    last["staff"]["science_tech_average"] = draw(st.integers(min_value=0, max_value=staff_total))
    return data
