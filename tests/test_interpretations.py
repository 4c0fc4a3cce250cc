"""Interpretations I1–I21 (shared/spec/interpretations.md) pinned at their boundaries.

Most engine interpretations are pinned by the YAML cases under tests/cases/ (each cites interpretations#iN);
this file pins the panel score (I1, I2), the procedural periods (I15–I18), and checks that every one of
I1–I21 is cited by at least one test.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

import pytest

from hnte.procedure.periods import (
    CalendarError,
    add_months,
    annual_report_due,
    change_report_deadline,
    change_report_is_late,
    publicity_period,
    reapplication_barred_until,
    revocation_proposed,
)
from hnte.scoring.panel import ExpertForm, panel_score

D = dt.date


def _panel(ip: list[int], conversion: list[int], rd: list[int], growth: list[int]):
    forms = [ExpertForm(f"T{i}", "technical", {"intellectual_property": a, "conversion": b, "rd_management": c})
             for i, (a, b, c) in enumerate(zip(ip, conversion, rd, strict=True))]
    forms += [ExpertForm(f"F{i}", "financial", {"growth": g}) for i, g in enumerate(growth)]
    return panel_score(forms, D(2024, 6, 30))


def test_i1_i2_panel_average_of_70_fails_and_70_point_4_passes():
    exactly_70 = _panel([20, 20, 20, 20], [20, 20, 20, 20], [15, 15, 15, 15], [15])
    assert exactly_70.total == 70 and not exactly_70.passes
    # technical experts: IP 20,21,20,20 → 20.25; conversion 20 → 20; R&D 15,15,16,15 → 15.25; growth 15 → total 70.5
    above = _panel([20, 21, 20, 20], [20, 20, 20, 20], [15, 15, 16, 15], [15])
    assert above.total == Fraction(141, 2) and above.passes
    # 70.4 with five technical experts: IP sum 102 → 20.4
    seventy_point_four = _panel([20, 20, 20, 21, 21], [20] * 5, [15] * 5, [15])
    assert seventy_point_four.total == Fraction(352, 5) and seventy_point_four.passes


def test_i2_each_indicator_is_averaged_over_its_own_experts():
    result = _panel([30, 20, 25], [10, 20, 30], [20, 10, 15], [20, 10])
    assert result.averages == {"intellectual_property": 25, "conversion": 20, "rd_management": 15, "growth": 15}
    assert result.total == 75


def test_i2_scores_are_integers_within_each_maximum():
    with pytest.raises(ValueError, match="from 0 to 30"):
        _panel([31], [10], [10], [10])
    with pytest.raises(ValueError, match="integer"):
        panel_score([ExpertForm("T", "technical", {"intellectual_property": 20.5, "conversion": 1, "rd_management": 1}),
                     ExpertForm("F", "financial", {"growth": 1})], D(2024, 1, 1))
    with pytest.raises(ValueError, match="no financial expert"):
        panel_score([ExpertForm("T", "technical", {"intellectual_property": 20, "conversion": 1, "rd_management": 1})], D(2024, 1, 1))


def test_i15_publicity_spans_the_national_day_holiday_and_make_up_days():
    # Friday 2024-09-27; Sunday 09-29 and Saturday 10-12 are make-up working days; 10-01..10-07 holidays.
    period = publicity_period(D(2024, 9, 27))
    assert (period.first_day, period.last_day, period.working_days) == (D(2024, 9, 27), D(2024, 10, 15), 10)


def test_i15_publication_on_a_non_working_day_starts_on_the_next_working_day():
    # Saturday 2024-06-08; Monday 06-10 is the Dragon Boat Festival holiday.
    period = publicity_period(D(2024, 6, 8))
    assert period.first_day == D(2024, 6, 11)
    assert period.last_day == D(2024, 6, 24)


def test_i15_2008_rules_publicise_for_15_working_days():
    period = publicity_period(D(2014, 3, 3))  # a Monday, no holiday in the window
    assert period.working_days == 15 and period.last_day == D(2014, 3, 21)


def test_i15_a_date_beyond_the_calendar_is_an_error_never_a_guess():
    with pytest.raises(CalendarError):
        publicity_period(D(2031, 3, 3))


@pytest.mark.parametrize(("event", "deadline"), [
    (D(2024, 5, 15), D(2024, 8, 15)),   # same day three months later
    (D(2024, 11, 30), D(2025, 2, 28)),  # clamped to the end of February
    (D(2023, 11, 30), D(2024, 2, 29)),  # leap year
    (D(2024, 1, 31), D(2024, 4, 30)),
])
def test_i16_within_three_months_until_the_same_day_clamped(event, deadline):
    assert change_report_deadline(event) == deadline
    assert not change_report_is_late(event, deadline)                         # at: on time
    assert change_report_is_late(event, deadline + dt.timedelta(days=1))      # above: late
    assert not change_report_is_late(event, deadline - dt.timedelta(days=1))  # below: on time


def test_i16_2008_rules_gave_fifteen_days():
    assert change_report_deadline(D(2012, 3, 1)) == D(2012, 3, 16)


def test_add_months_rolls_over_the_year():
    assert add_months(D(2024, 12, 31), 2) == D(2025, 2, 28)


def test_i17_annual_report_due_31_may_or_an_earlier_local_date():
    assert annual_report_due(2024) == D(2025, 5, 31)
    assert annual_report_due(2024, D(2025, 5, 20)) == D(2025, 5, 20)
    with pytest.raises(ValueError):
        annual_report_due(2024, D(2025, 6, 1))


def test_i17_two_missed_years_cumulative_within_one_validity_period():
    validity = [2022, 2023, 2024]
    assert revocation_proposed([2022, 2024], validity)      # not consecutive, still two
    assert not revocation_proposed([2023], validity)        # below
    assert revocation_proposed([2022, 2023, 2024], validity)  # above
    assert not revocation_proposed([2021, 2024], validity)  # 2021 belongs to another period


def test_i18_no_ban_under_2016_rules_unless_the_office_sets_a_same_year_bar():
    assert reapplication_barred_until(D(2020, 5, 1)) is None
    assert reapplication_barred_until(D(2020, 5, 1), local_same_year_bar=True) == D(2020, 12, 31)


def test_i18_the_2008_five_year_ban_ran_only_until_2015_12_31():
    assert reapplication_barred_until(D(2010, 1, 15)) == D(2015, 1, 14)
    assert reapplication_barred_until(D(2012, 3, 1)) == D(2015, 12, 31)


PINNED_HERE = ("interpretations#i1", "interpretations#i2", "interpretations#i14", "interpretations#i15",
               "interpretations#i16", "interpretations#i17", "interpretations#i18")


def test_every_interpretation_is_pinned_by_some_test():
    """Each of I1–I21 is cited by a YAML case (its ``cites``) or pinned by the Python tests (PINNED_HERE: this
    file, and test_properties.py for the exact arithmetic of I14)."""
    tests = Path(__file__).resolve().parent
    cited: set[int] = set()
    for p in tests.rglob("*.yaml"):
        cited |= {int(m) for m in re.findall(r"interpretations#i(\d+)", p.read_text(encoding="utf-8"))}
    cited |= {int(c.rsplit("i", 1)[1]) for c in PINNED_HERE}
    assert sorted(set(range(1, 22)) - cited) == [], "interpretations without a test"
