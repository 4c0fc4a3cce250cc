"""Policy simulation: overrides, change tables by region, field and size band, and the chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from hnte.batch.columns import COLUMNS
from hnte.batch.simulate import chart_svg, parse_assignment, parse_scenarios, simulate
from hnte.core.errors import InputError
from test_batch_equivalence import frame_of


def _row(i: int, domestic_share_pct: int, region: str, sales_fen: int) -> dict:
    """An enterprise meeting every condition except, perhaps, the domestic R&D share."""
    row = {c.name: None for c in COLUMNS}
    row.update(id=f"E{i}", name=f"企业{i}", programme="national", application_date=dt.date(2024, 6, 30), registration_date=dt.date(2015, 1, 1),
               technical_field="1.1.1" if i % 2 else "8.1", region_code=region, incident_date=None,
               total_income=sales_fen, non_taxable_income=0, high_tech_income=sales_fen * 8 // 10, main_products_income=sales_fen * 8 // 10,
               staff_total=10000, staff_science_tech=2000, ip_class1_self=1, ip_class2_self=5,
               conversions_y1=5, conversions_y2=5, conversions_y3=5, assess_technology_advancement="A", assess_core_support="A",
               assess_standards=True, assess_rd_system=6, assess_rd_institution=6, assess_rd_conversion_incentives=4, assess_rd_talent=4)
    for k, growth in ((1, 100), (2, 140), (3, 196)):
        row[f"y{k}_sales_revenue"] = sales_fen * growth // 196
        row[f"y{k}_net_assets"] = sales_fen * growth // 392
        rd = row[f"y{k}_sales_revenue"] * 6 // 100  # 6 % R&D
        domestic = rd * domestic_share_pct // 100
        row.update({f"y{k}_rd_{c}": 0 for c in ("direct_inputs", "depreciation", "intangible_amortization", "design",
                                                "equipment_debugging", "outsourced_domestic", "other")})
        row[f"y{k}_rd_personnel"] = domestic
        row[f"y{k}_rd_outsourced_overseas"] = (rd - domestic) * 5 // 4  # counted at 80 %
    return row


@pytest.fixture
def population() -> pl.DataFrame:
    rows = [_row(i, share, region, sales) for i, (share, region, sales) in enumerate([
        (55, "110108", 30_000_000_00), (55, "310115", 30_000_000_00), (58, "440305", 300_000_000_00), (70, "110108", 30_000_000_00),
        (45, "320505", 100_000_000_00), (65, "330106", 30_000_000_00),
    ])]
    return frame_of(rows)


def test_domestic_share_to_50_percent_changes_exactly_the_rows_between_50_and_60(population):
    baseline, [result] = simulate(population, {"domestic 50 %": {"rd_expense.domestic_share_min.min": Decimal("0.5")}})
    assert baseline.results["verdict"].to_list().count("eligible") == 2
    changed = set(result.changes["id"].to_list())
    assert changed == {"E0", "E1", "E2"}  # 55 %, 55 %, 58 % pass at 50 %; 45 % still fails; 65 % and 70 % already passed
    assert result.transitions.rows() == [("not_eligible", "eligible", 3)]
    by_province = dict(result.breakdowns["province"].select("province", "not_eligible → eligible").iter_rows())
    assert by_province == {"11": 1, "31": 1, "44": 1}
    by_size = dict(result.breakdowns["size_band"].select("size_band", "not_eligible → eligible").iter_rows())
    assert by_size == {"≤5000万": 2, ">2亿": 1}


def test_several_scenarios_in_one_run_and_the_chart(population):
    scenarios = parse_scenarios([], ["dom50: rd_expense.domestic_share_min.min=0.5", "pm100: scoring.pass_mark.min=100"])
    baseline, results = simulate(population, scenarios)
    assert [r.name for r in results] == ["dom50", "pm100"]
    assert results[1].transitions.rows() == [("eligible", "not_eligible", 2)]  # the maximum score is 100, not above 100
    svg = chart_svg(results)
    assert svg.startswith("<svg") and "dom50" in svg and "新增符合" in svg and "不再符合" in svg


def test_assignments_are_exact_and_errors_are_clear():
    assert parse_assignment("scoring.pass_mark.min=65") == ("scoring.pass_mark.min", Decimal("65"))
    assert parse_assignment("income.high_tech_ratio_min.inclusive=false") == ("income.high_tech_ratio_min.inclusive", False)
    with pytest.raises(InputError):
        parse_scenarios(["no.such.parameter=1"], [])
    with pytest.raises(InputError):
        parse_scenarios(["rd_expense.ratio_min_by_sales[9].rate=0.04"], [])
    with pytest.raises(InputError):
        parse_scenarios(["pass mark 65"], [])
    with pytest.raises(InputError):
        parse_scenarios([], [])
