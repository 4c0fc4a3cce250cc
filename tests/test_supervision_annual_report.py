"""The annual development report (measures_2016#art13; guidelines_2016#sec5-5): consistency errors name the field,
plausibility warnings sit exactly on the Art. 11 thresholds (measures_2016#art11-4, #art11-5, #art11-6) — below, at
and above each — and the R&D tier follows the year's own sales (interpretations#i5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hnte.core.errors import InputError
from hnte.supervision.annual_report import annual_report_checks, parse_figures

BASE = {"ip_class_i": "1", "ip_class_ii": "2", "staff_total": "100", "science_tech_staff": "10", "rd_total": "2500000",
        "rd_domestic": "1500000", "total_income": "50000000", "sales_revenue": "50000000", "high_tech_income": "30000000"}


def status(figures: dict, code: str, year: int = 2023) -> str:
    checks = {c.code: c for c in annual_report_checks(parse_figures(figures), year)}
    return checks[code].status


def test_every_threshold_met_exactly_passes_every_check():
    checks = annual_report_checks(parse_figures(BASE), 2023)
    assert {c.code: c.status for c in checks} == {
        "total_income_nonzero": "pass", "sales_revenue_nonzero": "pass", "high_tech_income_nonzero": "pass",
        "rd_total_nonzero": "pass", "science_tech_staff_ratio": "pass", "rd_ratio": "pass", "rd_domestic_share": "pass",
        "high_tech_income_ratio": "pass"}
    assert all(c.cites for c in checks)


@pytest.mark.parametrize("science_tech, expected", [("9.99", "warning"), ("10", "pass"), ("10.01", "pass")])
def test_science_tech_staff_share_at_ten_percent(science_tech, expected):
    assert status({**BASE, "science_tech_staff": science_tech}, "science_tech_staff_ratio") == expected


@pytest.mark.parametrize("rd_total, expected", [("2499999.99", "warning"), ("2500000", "pass"), ("2500000.01", "pass")])
def test_rd_ratio_five_percent_up_to_fifty_million_sales(rd_total, expected):
    figures = {**BASE, "rd_total": rd_total, "rd_domestic": rd_total}
    assert status(figures, "rd_ratio") == expected


@pytest.mark.parametrize("sales, rd, expected", [
    ("50000000", "2500000", "pass"),          # 5,000万 itself is the 5 % tier (含): 5 % met
    ("50000000.01", "2000000.01", "pass"),    # just above: the 4 % tier, 4 % of it met by a fen
    ("50000000.01", "2000000", "warning"),    # ... and missed by a fen
    ("200000000", "8000000", "pass"),         # 2亿 itself: 4 %
    ("200000000.01", "6000000.01", "pass"),   # above 2亿: 3 %
    ("200000000.01", "6000000", "warning"),
])
def test_the_tier_follows_the_years_own_sales(sales, rd, expected):
    figures = {**BASE, "sales_revenue": sales, "total_income": sales, "high_tech_income": sales, "rd_total": rd, "rd_domestic": rd}
    assert status(figures, "rd_ratio") == expected


@pytest.mark.parametrize("domestic, expected", [("1499999.99", "warning"), ("1500000", "pass"), ("1500000.01", "pass")])
def test_domestic_share_at_sixty_percent(domestic, expected):
    assert status({**BASE, "rd_domestic": domestic}, "rd_domestic_share") == expected


@pytest.mark.parametrize("high_tech, non_taxable, expected", [
    ("29999999.99", "0", "warning"), ("30000000", "0", "pass"), ("30000000.01", "0", "pass"),
    ("29700000", "500000", "pass"),      # 60 % of (50,000,000 − 500,000) = 29,700,000: met exactly
    ("29699999.99", "500000", "warning"),
])
def test_high_tech_income_share_of_total_income_less_non_taxable(high_tech, non_taxable, expected):
    assert status({**BASE, "high_tech_income": high_tech, "non_taxable_income": non_taxable}, "high_tech_income_ratio") == expected


@pytest.mark.parametrize("key", ["total_income", "sales_revenue", "high_tech_income", "rd_total"])
def test_a_zero_figure_is_implausible(key):
    figures = {**BASE, key: "0"}
    if key == "rd_total":
        figures["rd_domestic"] = "0"
    if key == "total_income":
        figures.update(sales_revenue="0", high_tech_income="0")
    checks = {c.code: c for c in annual_report_checks(parse_figures(figures), 2023)}
    assert checks[f"{key}_nonzero"].status == "warning"
    assert "0" in checks[f"{key}_nonzero"].message_zh


@pytest.mark.parametrize("change, path", [
    ({"rd_domestic": "2500000.01"}, "rd_domestic"),          # a part above its whole
    ({"science_tech_staff": "100.5"}, "science_tech_staff"),
    ({"sales_revenue": "50000000.01"}, "sales_revenue"),
    ({"non_taxable_income": "20000000.01"}, "high_tech_income"),   # 30,000,000 > 50,000,000 − 20,000,000.01
    ({"staff_total": "12万"}, "staff_total"),
    ({"rd_total": "-1"}, "rd_total"),
    ({"rd_total": "1.001"}, "rd_total"),                     # money to the fen
    ({"ip_class_i": "1.5"}, "ip_class_i"),                   # a count is whole
    ({"total_income": ""}, "total_income"),                  # required
])
def test_errors_name_the_field(change, path):
    with pytest.raises(InputError) as e:
        parse_figures({**BASE, **change})
    assert [i.path for i in e.value.issues] == [path]
    assert e.value.issues[0].message("zh") and e.value.issues[0].message("en")


def test_a_part_equal_to_its_whole_is_consistent_and_figures_are_exact():
    figures = parse_figures({**BASE, "rd_domestic": "2500000", "science_tech_staff": "100", "high_tech_income": "50000000"})
    assert figures["rd_domestic"] == Decimal("2500000") and isinstance(figures["staff_total"], Decimal)
    assert parse_figures({**BASE, "non_taxable_income": ""}).get("non_taxable_income") is None  # optional
