"""The working-day calendar of the publicity period (interpretations#i15) and the certificate's validity
(measures_2016#art9): publicity end dates across the National Day and Spring Festival make-up working days match
the State Council notices; a day beyond the calendar's data is an error; a newly announced year is loaded as data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hnte.cli import main
from hnte.core.errors import InputError
from hnte.procedure import calendar as cal
from hnte.procedure.calendar import (
    BUILTIN_LAST_YEAR,
    CalendarError,
    CalendarYear,
    WorkingDayCalendar,
    parse_calendar,
    parse_calendar_text,
)
from hnte.procedure.periods import certificate_validity, is_working_day, publicity_period

D = dt.date


def _span(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=k) for k in range((last - first).days + 1)}


# The notices themselves, written out here independently of the calendar package the engine uses:
# 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）: 国庆节 10月1日至7日放假调休，共7天；
# 9月29日（星期日）、10月12日（星期六）上班.
NATIONAL_DAY_2024 = {"off": _span(D(2024, 10, 1), D(2024, 10, 7)), "work": {D(2024, 9, 29), D(2024, 10, 12)}}
# 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）: 春节 1月28日（农历除夕）至2月4日放假调休，
# 共8天；1月26日（星期日）、2月8日（星期六）上班.
SPRING_FESTIVAL_2025 = {"off": _span(D(2025, 1, 28), D(2025, 2, 4)), "work": {D(2025, 1, 26), D(2025, 2, 8)}}


def _working_days_by_the_notice(notice: dict, start: dt.date, n: int) -> list[dt.date]:
    """The first n working days from ``start`` by the notice alone (weekdays work unless off; listed weekends work)."""
    days, day = [], start
    while len(days) < n:
        works = day in notice["work"] or (day.weekday() < 5 and day not in notice["off"])
        if works:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@pytest.mark.parametrize(("published", "first", "last"), [
    (D(2024, 9, 27), D(2024, 9, 27), D(2024, 10, 15)),   # Friday: day 2 is Sunday 29 Sept (make-up day)
    (D(2024, 9, 29), D(2024, 9, 29), D(2024, 10, 16)),   # published on the make-up Sunday: it is day 1
    (D(2024, 9, 30), D(2024, 9, 30), D(2024, 10, 17)),   # Monday before the holiday; Saturday 12 Oct counts
    (D(2024, 10, 1), D(2024, 10, 8), D(2024, 10, 18)),   # published in the holiday: day 1 is 8 Oct
    (D(2024, 10, 5), D(2024, 10, 8), D(2024, 10, 18)),   # a weekend inside the holiday: the same
])
def test_i15_national_day_2024_with_its_make_up_working_days(published, first, last):
    period = publicity_period(published)
    assert (period.first_day, period.last_day, period.working_days) == (first, last, 10)
    by_notice = _working_days_by_the_notice(NATIONAL_DAY_2024, published, 10)
    assert (by_notice[0], by_notice[-1]) == (first, last)


@pytest.mark.parametrize(("published", "first", "last"), [
    (D(2025, 1, 24), D(2025, 1, 24), D(2025, 2, 12)),   # Friday: Sunday 26 Jan and Saturday 8 Feb are days 2 and 7
    (D(2025, 1, 25), D(2025, 1, 26), D(2025, 2, 13)),   # Saturday: day 1 is the make-up Sunday
    (D(2025, 1, 27), D(2025, 1, 27), D(2025, 2, 14)),   # the last day before the holiday
    (D(2025, 1, 28), D(2025, 2, 5), D(2025, 2, 17)),    # New Year's Eve (holiday): day 1 is 5 Feb
])
def test_i15_spring_festival_2025_with_its_make_up_working_days(published, first, last):
    period = publicity_period(published)
    assert (period.first_day, period.last_day) == (first, last)
    by_notice = _working_days_by_the_notice(SPRING_FESTIVAL_2025, published, 10)
    assert (by_notice[0], by_notice[-1]) == (first, last)


def test_make_up_days_are_working_days_and_holiday_weekdays_are_not():
    for day in NATIONAL_DAY_2024["work"] | SPRING_FESTIVAL_2025["work"]:
        assert day.weekday() >= 5 and is_working_day(day)
    for day in NATIONAL_DAY_2024["off"] | SPRING_FESTIVAL_2025["off"]:
        assert not is_working_day(day)


# --- the edge of the calendar's data --------------------------------------------------------------------------


def test_below_at_and_above_the_calendars_last_year():
    assert BUILTIN_LAST_YEAR == 2026
    # below: a period inside 2025
    assert publicity_period(D(2025, 11, 3)).last_day == D(2025, 11, 14)
    # at: the last period that ends inside the data — Friday 18 Dec 2026, day 10 is Thursday 31 Dec
    assert publicity_period(D(2026, 12, 18)).last_day == D(2026, 12, 31)
    assert is_working_day(D(2026, 12, 31))
    # above: one working day later the period needs 2027, which has no data yet: an error naming the year
    with pytest.raises(CalendarError) as e:
        publicity_period(D(2026, 12, 21))
    assert e.value.day == D(2027, 1, 1) and "2027" in e.value.message("zh") and "2027" in e.value.message("en")
    with pytest.raises(CalendarError):
        is_working_day(D(2027, 1, 1))
    with pytest.raises(CalendarError):
        publicity_period(D(2027, 3, 1))


def test_before_the_first_year_is_an_error_too():
    with pytest.raises(CalendarError):
        is_working_day(D(2003, 12, 31))
    assert is_working_day(D(2004, 1, 2))


# --- loading a newly announced year ----------------------------------------------------------------------------

# TEST DATA, not an official notice: a made-up 2027 holiday arrangement in the file format.
TEST_2027 = """\
format: hnte/calendar@1
years:
  - year: 2027
    source: 测试数据（非官方）：2027年部分节假日安排
    holidays:
      - {from: 2027-01-01, to: 2027-01-03, name: 元旦}
      - {from: 2027-02-05, to: 2027-02-13, name: 春节}
      - {from: 2027-10-01, to: 2027-10-07, name: 国庆节}
    workdays:
      - 2027-02-20
      - 2027-09-26
      - 2027-10-09
"""


def test_a_loaded_year_extends_the_calendar():
    years = parse_calendar_text(TEST_2027, "2027.yaml")
    assert [y.year for y in years] == [2027]
    calendar = WorkingDayCalendar(years)
    assert calendar.covers(2027) and not calendar.covers(2028) and calendar.source(2027).startswith("测试数据")
    # Monday 21 Dec 2026: 21–25, 28–31 Dec are days 1–9; 1–3 Jan 2027 off; day 10 is Monday 4 Jan 2027
    assert publicity_period(D(2026, 12, 21), calendar=calendar).last_day == D(2027, 1, 4)
    # across the loaded Spring Festival: Thursday 4 Feb 2027 is day 1, Saturday 20 Feb works
    period = publicity_period(D(2027, 2, 4), calendar=calendar)
    # 4 Feb (1), 15–19 Feb (2–6), 20 Feb Saturday (7), 22–24 Feb (8–10)
    assert period.last_day == D(2027, 2, 24)
    assert calendar.is_working_day(D(2027, 2, 20)) and not calendar.is_working_day(D(2027, 2, 8))
    with pytest.raises(CalendarError):
        calendar.is_working_day(D(2028, 1, 3))


def test_a_loaded_year_replaces_the_built_in_year_and_the_same_data_changes_nothing():
    builtin = WorkingDayCalendar()
    days = _span(D(2026, 1, 1), D(2026, 12, 31))
    same = CalendarYear(2026, frozenset(d for d in days if d.weekday() < 5 and not builtin.is_working_day(d)) | {D(2026, 1, 1)},
                        frozenset(d for d in days if d.weekday() >= 5 and builtin.is_working_day(d)), "rebuilt from the built-in data")
    reloaded = WorkingDayCalendar(parse_calendar(json.loads(cal.dump_calendar([same]))))
    assert all(reloaded.is_working_day(d) == builtin.is_working_day(d) for d in days)
    # a corrected notice (say Saturday 10 Oct 2026 is no longer a make-up day) wins over the built-in data
    corrected = CalendarYear(2026, same.holidays, same.workdays - {D(2026, 10, 10)}, "corrected notice")
    assert builtin.is_working_day(D(2026, 10, 10))
    assert not WorkingDayCalendar([corrected]).is_working_day(D(2026, 10, 10))


@pytest.mark.parametrize(("text", "path", "words"), [
    ("format: hnte/calendar@2\nyears: []\n", "format", "hnte/calendar@1"),
    ("format: hnte/calendar@1\nyears: []\n", "years", "at least one"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, holidays: [2027-01-01]}\n", "years[0].source", "source"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-01-01], workdays: [2027-02-22]}\n",
     "years[0].workdays", "Saturday or Sunday"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-01-01, 2027-02-20], workdays: [2027-02-20]}\n",
     "years[0].workdays", "both"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-01-01, 2028-01-03]}\n",
     "years[0].holidays[1]", "not in 2027"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-01-01, '2027-13-01']}\n",
     "years[0].holidays[1]", "YYYY-MM-DD"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-02-01]}\n", "years[0].holidays", "New Year"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [{from: 2027-01-03, to: 2027-01-01}]}\n",
     "years[0].holidays[0].to", "before"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-01-01]}\n  - {year: 2027, source: y, holidays: [2027-01-01]}\n",
     "years[1].year", "twice"),
    ("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holiday: [2027-01-01]}\n", "years[0].holiday", "unknown key"),
])
def test_a_bad_calendar_file_names_the_field_and_what_was_expected(text, path, words):
    with pytest.raises(InputError) as e:
        parse_calendar_text(text, "bad.yaml")
    issue = next(i for i in e.value.issues if i.path == path)
    assert e.value.source == "bad.yaml" and words in issue.message_en and issue.message_zh


def test_hnte_calendar_load_show_and_reset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HNTE_DATA_DIR", str(tmp_path))
    source = tmp_path / "2027.yaml"
    source.write_text(TEST_2027, encoding="utf-8")
    assert main(["calendar", "--year", "2027"]) == 2
    assert "2027" in capsys.readouterr().err
    with pytest.raises(CalendarError):
        publicity_period(D(2026, 12, 21))
    assert main(["calendar", "load", str(source)]) == 0
    assert "已载入 2027 年" in capsys.readouterr().out
    assert (tmp_path / "calendar" / "2027.json").exists()
    assert publicity_period(D(2026, 12, 21)).last_day == D(2027, 1, 4)  # the default calendar now has 2027
    assert main(["calendar", "--lang", "en"]) == 0
    assert "covered years: 2004–2027" in capsys.readouterr().out
    assert main(["calendar", "--year", "2027", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["weekend_workdays"] == ["2027-02-20", "2027-09-26", "2027-10-09"] and "2027-02-08" in shown["weekdays_off"]
    assert main(["calendar", "reset", "2027"]) == 0
    capsys.readouterr()
    with pytest.raises(CalendarError):
        publicity_period(D(2026, 12, 21))
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: hnte/calendar@1\nyears:\n  - {year: 2027, source: x, holidays: [2027-01-01], workdays: [2027-02-22]}\n",
                   encoding="utf-8")
    assert main(["calendar", "load", str(bad)]) == 2
    assert "years[0].workdays" in capsys.readouterr().err
    assert not (tmp_path / "calendar" / "2027.json").exists()


# --- the certificate's validity -------------------------------------------------------------------------------


@pytest.mark.parametrize(("issued", "last"), [
    (D(2024, 12, 10), D(2027, 12, 9)),
    (D(2024, 1, 1), D(2026, 12, 31)),
    (D(2024, 2, 29), D(2027, 2, 28)),   # no 29 February in 2027: the anniversary is 1 March
    (D(2015, 6, 30), D(2018, 6, 29)),   # 2008 rules (measures_2008#art12): also three years
])
def test_a_certificate_is_valid_three_years_from_its_date(issued, last):
    validity = certificate_validity(issued)
    assert (validity.first_day, validity.last_day, validity.years) == (issued, last, 3)
