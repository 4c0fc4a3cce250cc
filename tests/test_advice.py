"""The advisor: exact gaps (property-tested), every risk check triggered and not, benefits, comparison."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import build, derive
from generators import enterprises
from hnte.advice.advise import advise
from hnte.advice.benefits import benefits
from hnte.advice.gaps import criterion_gaps, score_gap
from hnte.advice.levers import (
    add_high_tech_income,
    add_other_income,
    criterion_passes,
    dump,
    largest_keeping,
    smallest,
)
from hnte.advice.programmes import compare
from hnte.advice.risks import risks
from hnte.application import parse_application
from hnte.application.model import NUMBER_LIMIT
from hnte.engine import assess


def _assess(base: str, changes: dict | None = None, programme: str | None = None):
    return assess(build(base, changes), programme)


# --- gaps ---------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(enterprises())
def test_every_numeric_gap_is_exact_the_amount_passes_and_one_unit_less_does_not(data):
    result = assess(parse_application(data, "g.yaml"))
    gaps = [g for g in criterion_gaps(result) if g.lever is not None]
    for g in gaps:
        passed, _ = g.lever.apply(data, g.amount)
        assert criterion_passes(passed, "national", g.criterion), (g.criterion, g.amount)
        short, _ = g.lever.apply(data, g.amount - 1)
        assert not criterion_passes(short, "national", g.criterion), (g.criterion, g.amount)


def test_rd_gap_names_the_year_the_tier_and_the_amount():
    result = _assess("fail_2016")
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_5_rd_expense_ratio")
    assert gap.kind == "rd_spend" and gap.unit == "fen"
    assert gap.details == {"year": 2023, "rate": "5.00%", "tier": 1}
    assert "2023" in gap.text_zh and "5.00%" in gap.text_zh
    assert gap.changes[0][0] == "years[2].rd_expenses.personnel"


def test_rd_gap_accounts_for_the_other_expense_cap_exactly():
    # other expenses above the cap: every fen of personnel also lifts the cap by 0.25 fen
    changes = {"years[2].rd_expenses.personnel": 300000, "years[2].rd_expenses.other": 300000}
    result = _assess("simple_2016", changes)
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_5_rd_expense_ratio")
    # 2023 must count 500,000: p + min(300,000, p/4) ≥ 500,000 → p = 400,000, i.e. 100,000 more (not 125,000)
    assert gap.amount == 100_000_00
    data = derive("simple_2016", changes)
    assert criterion_passes(gap.lever.apply(data, gap.amount)[0], "national", gap.criterion)
    assert not criterion_passes(gap.lever.apply(data, gap.amount - 1)[0], "national", gap.criterion)


def test_staff_gap_in_monthly_average_terms():
    result = _assess("simple_2016", {"years[2].staff.science_tech_average": 8})
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_4_science_tech_staff")
    # (8 + x) / (100 + x) ≥ 10 % → x ≥ 2/0.9 = 2.222… → 2.23 persons (0.01 units)
    assert (gap.kind, gap.unit, gap.amount) == ("staff", "centi_person", 223)


def test_high_tech_income_gap_new_income_and_reclassified():
    result = _assess("simple_2016", {"years[2].high_tech_income": 5000000})
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_6_high_tech_income")
    # new income: (5,000,000 + x) / (10,000,000 + x) ≥ 60 % → x = 2,500,000; reclassified: 1,000,000
    assert gap.amount == 2_500_000_00
    assert gap.details["reclassified_alternative"] == "1,000,000.00"


def test_main_products_gap():
    result = _assess("simple_2016", {"products[0].income": 3000000})
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_2_core_ip")
    # (3,000,000 + x) / (6,000,000 + x) > 50 % → x > 0 → 0.01 yuan
    assert gap.kind == "main_products" and gap.amount == 1


def test_registration_age_gap_gives_the_earliest_date():
    result = _assess("simple_2016", {"enterprise.registration_date": dt_date("2023-07-31"), "years": derive("simple_2016")["years"][-1:]})
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_1_registration_age")
    assert gap.kind == "wait" and gap.amount == 30 and gap.details["earliest"] == "2024-07-30"


def test_incident_gap_waits_until_it_leaves_the_lookback():
    result = _assess("simple_2016", {"enterprise.incidents": [{"date": dt_date("2024-01-10"), "kind": "major_quality_accident"}]})
    gap = next(g for g in criterion_gaps(result) if g.criterion == "art11_8_no_major_incident")
    assert gap.details["earliest"] == "2025-01-10"


def test_unknown_criteria_list_the_missing_fields():
    result = _assess("missing_2016")
    kinds = {g.criterion: g for g in criterion_gaps(result)}
    assert kinds["art11_8_no_major_incident"].kind == "missing_data"
    assert kinds["art11_8_no_major_incident"].details["missing"] == ["enterprise.incidents"]


def test_score_options_are_ranked_and_their_gains_are_real():
    changes = {"intellectual_property": [{"number": "RJ1", "kind": "software_copyright", "acquisition": "self_developed", "products": ["PS01"]}],
               "products[0].core_ip": ["RJ1"], "assessment.standards_participation": False, "conversions": []}
    result = _assess("simple_2016", changes)
    gap = score_gap(result)
    assert gap is not None and gap["options"]
    gains = [o.gain_min for o in gap["options"]]
    assert gains == sorted(gains, reverse=True)
    best = gap["options"][0]
    assert best.item == "score.conversion.ability" and best.grade_to == "A"
    quantity = next(o for o in gap["options"] if o.item == "score.ip.quantity" and o.grade_to == "A")
    assert "Ⅰ类" in quantity.fact_zh and (quantity.gain_min, quantity.gain_max) == (6, 6)
    # doing it: one Class I IP raises the minimum by exactly the stated gain
    data = derive("simple_2016", changes)
    data["intellectual_property"].append({"number": "ZL9", "kind": "invention_patent", "acquisition": "self_developed"})
    after = assess(parse_application(data, "x.yaml"))
    assert after.score.total_min - result.score.total_min == quantity.gain_min


def test_no_score_gap_when_the_score_is_certain():
    assert score_gap(_assess("pass_2016")) is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(enterprises())
def test_money_levers_answer_the_same_on_the_application_as_on_a_revalidated_copy(data):
    """The searches' fast path (the lever applied to the Application with ``model_copy``) gives exactly the amounts
    the plain path (edit a copy of the data, re-validate, re-assess) gives, both ways round."""
    result = assess(parse_application(data, "g.yaml"))
    for c in result.criteria:
        if "income.high_tech_ratio" not in c.depends:
            continue
        for lever in (add_high_tech_income(True), add_high_tech_income(False), add_other_income()):
            assert lever.on_app is not None
            for search in (smallest, largest_keeping):
                assert search(data, "national", c.id, lever, app=result.app) == search(data, "national", c.id, lever), (lever.id, search)


def test_headroom_is_exact_one_more_fen_breaks_the_ratio():
    app = build("simple_2016", {"years[2].high_tech_income": 7000000})
    n = advise(assess(app)).headroom[0]
    data, lever = dump(app), add_other_income()
    fen = round(Decimal(str(n["other_income_headroom"])) * 100)
    assert criterion_passes(lever.apply(data, fen)[0], "national", n["criterion"])
    assert not criterion_passes(lever.apply(data, fen + 1)[0], "national", n["criterion"])


def test_fast_lever_refuses_a_figure_past_the_format_limit_as_revalidation_does():
    app = build("simple_2016", {"years[2].total_income": NUMBER_LIMIT - Decimal("0.01")})
    lever = add_other_income()
    assert lever.on_app(app, Decimal("0.00")) is not None  # below the limit: a valid file
    assert lever.on_app(app, Decimal("0.01")) is None  # at the limit: would not validate
    assert lever.probe(dump(app), app, "national", "art11_6_high_tech_income")(1) == (False, None)
    assert lever.probe(dump(app), None, "national", "art11_6_high_tech_income")(1) == (False, None)


def test_headroom_for_non_high_tech_income():
    advice = advise(_assess("simple_2016", {"years[2].high_tech_income": 7000000}))
    # 7,000,000 / (10,000,000 + y) ≥ 60 % ⇔ y ≤ 1,666,666.66…
    assert advice.headroom[0]["other_income_headroom"] == 1666666.66


# --- risks --------------------------------------------------------------------------------------


def dt_date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


RISKS = [
    ("ip_granted_in_application_year", {"intellectual_property[0].granted_on": dt_date("2024-01-05")}, {}),
    ("ip_granted_in_short_window", {"intellectual_property[1].granted_on": dt_date("2021-09-01"), "intellectual_property[2].granted_on": dt_date("2021-10-01"),
                                    "intellectual_property[3].granted_on": dt_date("2021-12-01")}, {}),
    ("class2_already_used", {"intellectual_property[2].used_in_previous_application": True}, {"intellectual_property[0].used_in_previous_application": True}),
    ("only_acquired_ip", {f"intellectual_property[{i}].acquisition": "transfer" for i in range(4)}, {"intellectual_property[0].acquisition": "transfer"}),
    ("ip_not_linked", {"intellectual_property[2].products": "__delete__"}, {}),
    ("product_without_core_ip", {"products[1].core_ip": [], "intellectual_property[3].products": "__delete__"}, {}),
    ("co_owned_ip", {"intellectual_property[0].co_owned": True}, {"intellectual_property[0].co_owned": False}),
    ("conversion_before_ip", {"conversions[5].year": 2021}, {}),
    ("conversions_concentrated", {f"conversions[{i}].year": 2023 for i in range(13)}, {}),
    ("other_expenses_excluded", {"years[0].rd_expenses.other": 600000}, {}),
    ("other_expenses_near_cap", {"years[0].rd_expenses.other": 500000}, {"years[0].rd_expenses.other": 400000}),
    ("heavy_overseas_outsourcing", {f"years[{i}].rd_expenses.outsourced_overseas": 1500000 for i in range(3)}, {}),
    ("domestic_share_margin", {f"years[{i}].rd_expenses.outsourced_overseas": 2000000 for i in range(3)},
     {f"years[{i}].rd_expenses.outsourced_overseas": 1500000 for i in range(3)}),
    ("high_tech_above_total", {"years[2].high_tech_income": 46600000}, {"years[2].high_tech_income": 46500000}),
    ("products_do_not_add_up", {"products[1].income": 7000000}, {"products[1].income": 6100000}),
    ("trade_like_income", {"years[2].rd_expenses": {"personnel": 300000, "direct_inputs": 0, "depreciation": 0, "intangible_amortization": 0,
                                                    "design": 0, "equipment_debugging": 0, "outsourced_domestic": 0, "outsourced_overseas": 0,
                                                    "other": 0}}, {}),
    ("negative_net_assets_growth", {"years[2].net_assets": 9000000, "years[1].net_assets": 12000000}, {}),
    ("negative_sales_growth", {"years[1].sales_revenue": 20000000, "years[2].sales_revenue": 15000000}, {}),
    ("science_tech_above_total", {"years[1].staff.science_tech_average": 59}, {"years[1].staff.science_tech_average": 58}),
    ("projects_do_not_add_up", {"rd_projects[0].spend": {2021: 1500000, 2022: 1300000}}, {"rd_projects[0].spend": {2021: 1180000, 2022: 1300000}}),
]


def test_the_clean_example_has_no_risk():
    assert [r.id for r in risks(_assess("pass_2016"))] == []


@pytest.mark.parametrize(("risk_id", "trigger", "calm"), RISKS, ids=[r[0] for r in RISKS])
def test_each_risk_is_triggered_and_not(risk_id, trigger, calm):
    fired = risks(_assess("pass_2016", trigger))
    hit = [r for r in fired if r.id == risk_id]
    assert hit, [r.id for r in fired]
    assert hit[0].severity in {"high", "medium", "low"} and hit[0].reason_zh and hit[0].evidence and hit[0].cites
    assert risk_id not in {r.id for r in risks(_assess("pass_2016", calm))}


def test_monthly_staff_contradiction_is_caught_month_by_month():
    data = derive("pass_2016")
    data["years"][0]["staff"]["science_tech_monthly"][3] = [50, 50]
    found = [r for r in risks(assess(parse_application(data, "x.yaml"))) if r.id == "science_tech_above_total"]
    assert found and "month 4" in found[0].evidence[0]


def test_a_risk_never_changes_the_verdict():
    result = _assess("pass_2016", {"intellectual_property[0].co_owned": True, "conversions[5].year": 2021})
    assert risks(result) and result.eligible is True


# --- benefits and comparison --------------------------------------------------------------------


def test_tax_saved_over_the_three_certificate_years():
    b = benefits(_assess("pass_2016"), taxable_income=Decimal("5000000"))
    assert b["years"] == [2024, 2025, 2026]
    assert (b["saving_per_year"], b["saving_total"]) == (500000.0, 1500000.0)
    assert b["expiry_year_prepayment"]["expiry_year"] == 2027 and b["expiry_year_prepayment"]["at_risk"] == 500000.0
    assert (b["loss_carry_forward"]["standard_years"], b["loss_carry_forward"]["hnte_years"]) == (5, 10)
    assert "eit_law#art28" in b["rates"]["cites"]


def test_certificate_year_moves_the_covered_years():
    b = benefits(_assess("pass_2016"), taxable_income=Decimal("1"), certificate_year=2025)
    assert b["years"] == [2025, 2026, 2027] and b["saving_per_year"] == 0.1


@pytest.mark.parametrize(("sales", "expected"), [(50000000, 300000), (50000000.01, 400000), (200000000, 400000), (200000000.01, 500000)])
def test_local_rewards_follow_region_kind_and_sales_band(sales, expected):
    result = _assess("pass_2016", {"enterprise.region_code": "120116", "years[2].sales_revenue": sales})
    located = [r for r in benefits(result)["local_rewards"] if r["located"]]
    assert [r["amount"] for r in located] == [expected]


def test_re_identification_rewards_for_previously_identified():
    result = _assess("pass_2016", {"enterprise.region_code": "120116", "enterprise.previously_identified": True})
    assert {r["id"] for r in benefits(result)["local_rewards"]} == {"seed003-city-review", "tianjin-teda-re"}


def test_no_local_rewards_before_the_table_starts():
    assert benefits(_assess("case_2008"))["local_rewards"] == []


def test_programme_comparison_side_by_side():
    rows = {r["programme"]: r for r in compare(build("fail_2016"))}
    assert rows["national"]["verdict"] == "not_eligible"
    assert {x["criterion"] for x in rows["national"]["reasons"]} == {"art11_5_rd_expense_ratio", "art11_6_high_tech_income"}
    assert rows["suzhou-cultivation"]["verdict"] == "not_applicable" and "2023-12-31" in rows["suzhou-cultivation"]["reasons"][0]["text"]
    pilot_unknown = [x for x in rows["beijing-pilot"]["reasons"] if x["status"] == "unknown"]
    assert pilot_unknown[0]["missing"] == ["enterprise.pilot_field"]


def test_advice_json_shape_is_stable():
    d = advise(_assess("fail_2016"), taxable_income=Decimal(1000000)).to_dict("en")
    assert set(d) == {"format", "comparison", "gaps", "score", "headroom", "risks", "benefits"}
    assert d["format"] == "hnte/advice@1"
    for g in d["gaps"]:
        assert set(g) == {"criterion", "status", "kind", "text", "amount", "unit", "changes", "cites", "details"}


def test_gap_changes_applied_to_the_file_pass_the_criterion():
    result = _assess("fail_2016")
    for gap in criterion_gaps(result):
        data = copy.deepcopy(derive("fail_2016"))
        applied, _ = gap.lever.apply(data, gap.amount)
        assert assess(parse_application(applied, "a.yaml")).criterion(gap.criterion).status == "pass"
