"""The vectorised batch path gives the same answers as the single-application engine (I14).

Generated enterprises draw their figures from small domains and from the legal edges so that ratios land
exactly on thresholds and band edges (5 %, 60 %, 10 %, the 5,000万 and 2亿 tiers, growth bands) far
more often than random values would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hnte.application import parse_application
from hnte.batch.columns import COLUMNS, DTYPE_NAME, RD_CATEGORIES, SCALE
from hnte.batch.convert import row_to_application
from hnte.batch.run import run_batch
from hnte.core.errors import InputError
from hnte.engine import assess

EDGE_SALES = [0, 100_00, 2000_00, 5_000_000_000, 4_999_999_999, 5_000_000_001, 20_000_000_000, 20_000_000_001, 2_000_000_000]
small_money = st.sampled_from([0, 100, 500, 1000, 2000, 3000, 4000, 5000, 6000, 10000, 20000, 100000])  # fen


@st.composite
def rows(draw, programme: str = "national", app_date: dt.date = dt.date(2024, 6, 30)):
    row: dict = {c.name: None for c in COLUMNS}
    row["id"] = "r"
    row["programme"] = programme
    row["application_date"] = app_date
    age_days = draw(st.sampled_from([364, 365, 366, 400, 800, 1200, 3000]))
    row["registration_date"] = draw(st.one_of(st.just(app_date - dt.timedelta(days=age_days)), st.none()))
    row["technical_field"] = draw(st.sampled_from(["1.1.1", "8.2", None]))
    row["region_code"] = draw(st.sampled_from(["110108", "320505", "310115", None]))
    row["industry"] = draw(st.sampled_from([None, "information_software", "construction", "science_technology_services"]))
    row["above_designated_size"] = draw(st.sampled_from([None, True, False]))
    row["pilot_field"] = draw(st.sampled_from([None, "artificial_intelligence"]))
    row["previously_identified"] = draw(st.sampled_from([None, False, True]))
    row["incident_date"] = draw(st.sampled_from([None, app_date - dt.timedelta(days=365), app_date - dt.timedelta(days=366)]))
    reg_year = row["registration_date"].year if row["registration_date"] else 2000
    first_year = draw(st.sampled_from([1, 2, 3]))
    for k in (1, 2, 3):
        year = app_date.year - (4 - k)
        if k < first_year or year < reg_year:
            continue
        row[f"y{k}_sales_revenue"] = draw(st.one_of(small_money.map(lambda v: v * 20), st.sampled_from(EDGE_SALES)))
        row[f"y{k}_net_assets"] = draw(st.sampled_from([-1000, 0, 1000, 1100, 1320, 1350, 1500, 2000, 100, 110, 132]))
        row[f"y{k}_total_assets"] = draw(st.sampled_from([0, 1000, 1100, 1320, 2000]))
        for cat, _ in RD_CATEGORIES:
            row[f"y{k}_rd_{cat}"] = draw(small_money) if draw(st.integers(0, 30)) else None
    total = draw(st.sampled_from([0, 10000, 100000, 1000000]))
    row["total_income"] = total
    row["non_taxable_income"] = draw(st.sampled_from([0, 0, total // 10]))
    row["high_tech_income"] = draw(st.sampled_from([0, total * 6 // 10, total // 2, total, max(total * 7 // 10 - 1, 0)]))
    row["main_products_income"] = draw(st.one_of(st.none(), st.sampled_from([0, row["high_tech_income"] // 2, row["high_tech_income"] // 2 + 1,
                                                                               row["high_tech_income"]])))
    row["staff_total"] = draw(st.sampled_from([None, 0, 1000, 10000]))
    row["staff_science_tech"] = draw(st.sampled_from([None, 0, 100, 1000, 999, 1001]))
    row["staff_science_tech_college"] = draw(st.sampled_from([None, 300, 3000]))
    row["staff_rd"] = draw(st.sampled_from([None, 100, 1000]))
    for col in ("ip_class1_self", "ip_class1_acquired", "ip_class2_self", "ip_class2_acquired", "ip_class2_used"):
        row[col] = draw(st.sampled_from([None, 0, 0, 1, 2, 3, 5, 6]))
    for k in (1, 2, 3):
        row[f"conversions_y{k}"] = draw(st.sampled_from([None, 0, 1, 2, 5]))
    row["assess_technology_advancement"] = draw(st.sampled_from([None, "A", "C", "E"]))
    row["assess_core_support"] = draw(st.sampled_from([None, "B", "D"]))
    row["assess_standards"] = draw(st.sampled_from([None, True, False]))
    for key, top in (("system", 6), ("institution", 6), ("conversion_incentives", 4), ("talent", 4)):
        row[f"assess_rd_{key}"] = draw(st.one_of(st.none(), st.integers(0, top)))
    row["assess_rd_2008_met"] = draw(st.one_of(st.none(), st.integers(0, 5)))
    return row


def frame_of(rows_: list[dict]) -> pl.DataFrame:
    schema = {c.name: getattr(pl, DTYPE_NAME[c.kind]) for c in COLUMNS}
    return pl.DataFrame(rows_, schema=schema)


def as_python(row: dict) -> dict:
    out = dict(row)
    for c in COLUMNS:
        if c.kind in SCALE and out.get(c.name) is not None:
            out[c.name] = Decimal(out[c.name]) / SCALE[c.kind]
    return out


def single(row: dict):
    try:
        return assess(parse_application(row_to_application(as_python(row)), "row.yaml"), with_alternative=False)
    except InputError as e:
        return e


def _compare(batch_rows: list[dict]) -> None:
    result = run_batch(frame_of(batch_rows))
    by_row = {r["_row"]: r for r in result.results.iter_rows(named=True)}
    errors = {e.row for e in result.errors}
    for i, row in enumerate(batch_rows, start=1):
        ref = single(row)
        if isinstance(ref, InputError):
            assert i in errors, (row, [x.path for x in ref.issues])
            continue
        assert i not in errors, ([e for e in result.errors if e.row == i], row)
        got = by_row[i]
        for crit in ref.criteria:
            assert got[f"c_{crit.id}"] == crit.status, (crit.id, crit.status, got[f"c_{crit.id}"], crit.value, crit.threshold, row)
        assert Decimal(str(got["score_min"])) == Decimal(str(float(ref.score.total_min))), (got["score_min"], ref.score.total_min, row)
        assert Decimal(str(got["score_max"])) == Decimal(str(float(ref.score.total_max))), (got["score_max"], ref.score.total_max, row)
        assert got["score_verdict"] == ref.score.verdict
        assert got["verdict"] == ref.verdict


SETTINGS = settings(max_examples=int(__import__("os").environ.get("HNTE_EQ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(st.lists(rows(), min_size=1, max_size=8))
def test_batch_equals_single_national_2016(batch_rows):
    _compare(batch_rows)


@SETTINGS
@given(st.lists(rows(app_date=dt.date(2014, 5, 20)), min_size=1, max_size=8))
def test_batch_equals_single_national_2008(batch_rows):
    _compare(batch_rows)


@SETTINGS
@given(st.lists(rows(programme="beijing-pilot", app_date=dt.date(2023, 5, 10)), min_size=1, max_size=8))
def test_batch_equals_single_beijing_pilot(batch_rows):
    _compare(batch_rows)


@SETTINGS
@given(st.lists(rows(programme="suzhou-cultivation", app_date=dt.date(2022, 9, 1)), min_size=1, max_size=8))
def test_batch_equals_single_suzhou(batch_rows):
    _compare(batch_rows)


OVERRIDES = [
    {"rd_expense.ratio_min_by_sales[0].rate": Decimal("0.04")},
    {"rd_expense.domestic_share_min.min": Decimal("0.5")},
    {"scoring.pass_mark.min": Decimal("65")},
    {"staff.science_tech_ratio_min.min": Decimal("0.08"), "income.high_tech_ratio_min.inclusive": False},
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(rows(), min_size=1, max_size=6), st.sampled_from(OVERRIDES))
def test_simulated_parameters_give_the_same_answers_as_the_single_engine(batch_rows, overrides):
    result = run_batch(frame_of(batch_rows), overrides=overrides)
    by_row = {r["_row"]: r for r in result.results.iter_rows(named=True)}
    for i, row in enumerate(batch_rows, start=1):
        try:
            ref = assess(parse_application(row_to_application(as_python(row)), "row.yaml"), with_alternative=False, overrides=overrides)
        except InputError:
            continue
        for crit in ref.criteria:
            assert by_row[i][f"c_{crit.id}"] == crit.status, (crit.id, overrides)
        assert by_row[i]["verdict"] == ref.verdict
