"""Supervision rules: the tax years recovered per revocation ground (Measures 2016 Art. 16, 17, 19), the
re-examination window of a disputed R&D ratio, Class II IP at re-identification."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from hnte.application.load import load_application, parse_application
from hnte.engine import assess
from hnte.supervision.rules import (
    benefit_years,
    prefill_reidentification,
    recovery,
    reexamination_window,
    unusable_class_ii_ip,
)

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "src" / "hnte" / "examples"


def test_benefit_years_are_three_tax_years_from_the_issue_year():
    assert benefit_years(dt.date(2024, 11, 20)) == (2024, 2025, 2026)


@pytest.mark.parametrize("ground, start, expected", [
    ("art16", 2025, (2025, 2026)),           # from the first non-conforming year
    ("art17", 2026, (2026,)),                # from the year of the change
    ("art19_1", 2024, (2024, 2025, 2026)),   # fraud in the application: from the year of the act
    ("art19_2", 2023, (2024, 2025, 2026)),   # an act before the certificate: only the certificate's years
    ("art19_3", 2027, ()),                   # an act after the last benefit year recovers nothing
])
def test_recovery_years_per_ground(ground, start, expected):
    r = recovery(ground, issued_on=dt.date(2024, 11, 20), revoked_on=dt.date(2027, 3, 1), start_year=start)
    assert r.years == expected and r.cites and r.label_zh


def test_nothing_after_the_revocation_year_is_recovered():
    r = recovery("art16", issued_on=dt.date(2024, 11, 20), revoked_on=dt.date(2025, 8, 1), start_year=2024)
    assert r.years == (2024, 2025)


def test_an_unknown_ground_is_refused():
    with pytest.raises(ValueError, match="art16"):
        recovery("art99", issued_on=dt.date(2024, 1, 1), revoked_on=dt.date(2025, 1, 1), start_year=2024)


def _data(name="pass_2016"):
    return load_application(EXAMPLES_DIR / f"{name}.yaml").model_dump(mode="python", exclude_none=True)


def _ratio_status(data):
    result = assess(parse_application(data))
    return result.criterion("art11_5_rd_expense_ratio")


def test_reexamination_uses_the_disputed_year_and_the_two_before_it():
    data = _data()
    extra = copy.deepcopy(data["years"][-1])
    extra["year"] = 2024
    data["years"].append(extra)
    window = reexamination_window(data, 2023)
    assert [y["year"] for y in window["years"]] == [2021, 2022, 2023]
    assert window["application_date"] == "2024-06-30"
    assert _ratio_status(window).status == "pass"


def test_the_tier_comes_from_the_disputed_year():
    data = _data()
    # the disputed year's sales above 2亿 moves the tier to 3 %, the earlier years' sales do not matter
    data["years"][-1]["sales_revenue"] = 200000001
    fig = _ratio_status(reexamination_window(data, 2023))
    assert str(fig.threshold) in {"3/100", "0.03"}


def test_the_disputed_year_must_have_figures():
    with pytest.raises(ValueError, match="2030"):
        reexamination_window(_data(), 2030)


def test_class_ii_ip_used_before_cannot_be_used_again():
    ip = [{"number": "A", "kind": "invention_patent", "used_in_previous_application": True},
          {"number": "B", "kind": "software_copyright", "used_in_previous_application": True},
          {"number": "C", "kind": "utility_model", "used_in_previous_application": False}]
    assert [i["number"] for i in unusable_class_ii_ip(ip)] == ["B"]


def test_a_reidentification_is_prefilled_from_the_last_application():
    data = _data()
    new = prefill_reidentification(data, dt.date(2027, 6, 30))
    assert [y["year"] for y in new["years"]] == [2024, 2025, 2026]
    assert new["enterprise"]["name"] == data["enterprise"]["name"] and all("income" not in p for p in new["products"])
    assert all(ip["used_in_previous_application"] for ip in new["intellectual_property"] if ip["kind"] == "software_copyright")
    parse_application(new)  # a valid (incomplete) draft
