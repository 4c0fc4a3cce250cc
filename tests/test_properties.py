"""Properties of the law as encoded: monotonicity, scale invariance, exactness at the edges."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import derive
from generators import CATEGORIES, enterprises, yuan
from hnte.application import parse_application
from hnte.engine import assess
from hnte.schemas import assessment_schema

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

def _statuses(data: dict) -> dict[str, str]:
    return {c.id: c.status for c in assess(parse_application(data, "p.yaml")).criteria}


@SETTINGS
@given(enterprises(), st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=50_000_000_00))
def test_more_rd_never_turns_a_pass_into_a_fail(data, year, extra):
    before = _statuses(data)
    more = copy.deepcopy(data)
    more["years"][year]["rd_expenses"]["personnel"] += yuan(extra)
    after = _statuses(more)
    for cid, status in before.items():
        if status == "pass":
            assert after[cid] == "pass", cid


@SETTINGS
@given(enterprises(), st.integers(min_value=1, max_value=50))
def test_more_science_tech_staff_never_fails_the_staff_criterion(data, extra):
    before = _statuses(data)["art11_4_science_tech_staff"]
    more = copy.deepcopy(data)
    staff = more["years"][-1]["staff"]
    staff["science_tech_average"] = min(staff["total_average"], staff["science_tech_average"] + extra)
    after = _statuses(more)["art11_4_science_tech_staff"]
    assert not (before == "pass" and after == "fail")


def _scale(data: dict, k: int) -> dict:
    out = copy.deepcopy(data)
    for y in out["years"]:
        for key in ("sales_revenue", "net_assets", "total_assets", "total_income", "non_taxable_income", "high_tech_income"):
            if key in y:
                y[key] *= k
        y["rd_expenses"] = {c: v * k for c, v in y["rd_expenses"].items()}
    for p in out["products"]:
        p["income"] *= k
    return out


@SETTINGS
@given(enterprises(), st.integers(min_value=2, max_value=1000))
def test_scaling_all_money_changes_no_ratio_no_score_and_no_verdict_within_a_tier(data, k):
    a = assess(parse_application(data, "a.yaml"))
    b = assess(parse_application(_scale(data, k), "b.yaml"))
    for fig_id, fig in a.ctx.trace.figures.items():
        if fig.unit == "ratio" and fig_id != "rd_expense.ratio_min":  # the tier depends on absolute sales
            assert fig.value == b.ctx.trace.get(fig_id).value, fig_id
    assert (a.score.total_min, a.score.total_max) == (b.score.total_min, b.score.total_max)
    same_tier = a.ctx.trace.get("rd_expense.ratio_min").value == b.ctx.trace.get("rd_expense.ratio_min").value
    for ca, cb in zip(a.criteria, b.criteria, strict=True):
        if ca.id != "art11_5_rd_expense_ratio" or same_tier:
            assert ca.status == cb.status, ca.id


@SETTINGS
@given(st.integers(min_value=1, max_value=10**11), st.sampled_from([Fraction(5, 100), Fraction(4, 100), Fraction(3, 100)]))
def test_a_ratio_exactly_on_the_threshold_passes_and_one_fen_less_fails(sales_fen, rate):
    """I14: exact arithmetic — no binary float decides a band."""
    sales_fen = sales_fen * 100  # whole yuan keeps rd = rate × sales a whole number of fen
    rd_fen = sales_fen * rate
    if rd_fen.denominator != 1:
        return
    data = derive("simple_2016")
    latest = {Fraction(5, 100): 40_000_000_00, Fraction(4, 100): 100_000_000_00, Fraction(3, 100): 300_000_000_00}[rate]
    data["years"][0]["sales_revenue"] = yuan(sales_fen)
    data["years"][1]["sales_revenue"] = yuan(sales_fen)
    data["years"][2]["sales_revenue"] = yuan(latest)
    total_rd = (2 * sales_fen + latest) * rate
    for y in data["years"]:
        y["rd_expenses"] = {c: Decimal(0) for c in CATEGORIES}
    data["years"][2]["rd_expenses"]["personnel"] = yuan(int(total_rd))
    assert _statuses(data)["art11_5_rd_expense_ratio"] == "pass"
    data["years"][2]["rd_expenses"]["personnel"] = yuan(int(total_rd) - 1)
    assert _statuses(data)["art11_5_rd_expense_ratio"] == "fail"


@SETTINGS
@given(enterprises())
def test_json_output_always_validates_and_round_trips(data):
    out = assess(parse_application(data, "p.yaml")).to_dict()
    jsonschema.Draft202012Validator(assessment_schema()).validate(json.loads(json.dumps(out, ensure_ascii=False)))


@SETTINGS
@given(enterprises())
def test_missing_data_is_never_a_fail(data):
    """I21: removing a figure can turn pass or fail into unknown, never into fail."""
    full = _statuses(data)
    partial = copy.deepcopy(data)
    del partial["years"][1]["rd_expenses"]["design"]
    del partial["years"][-1]["staff"]
    got = _statuses(partial)
    for cid in ("art11_4_science_tech_staff", "art11_5_rd_expense_ratio", "art11_5_domestic_rd_share"):
        assert got[cid] == "unknown", (cid, full[cid])
