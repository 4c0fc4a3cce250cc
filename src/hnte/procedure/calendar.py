"""The State Council working-day calendar (国务院办公厅关于部分节假日安排的通知), as data (I15).

Working days follow the yearly notice: weekdays work, weekends rest, except the notice's holidays (放假) and
make-up working days (调休上班). The built-in years come from ``chinesecalendar``; a newly announced year (or a
corrected one) is **loaded as data** — a file in the format ``hnte/calendar@1`` — and replaces the built-in data
for that year. No code changes, and never a guess: a day in a year with no data raises :class:`CalendarError`.

Where loaded years live is the caller's business: the command line keeps them in the data directory
(``hnte calendar load FILE`` → ``$HNTE_DATA_DIR/calendar/<year>.json``, :func:`default_calendar`); the web
system keeps them in its database and passes them in (``WorkingDayCalendar(years)``). This module stays pure.

The file::

    format: hnte/calendar@1
    years:
      - year: 2027
        source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
        url: https://www.gov.cn/...            # optional
        holidays:                              # 放假: single days or inclusive ranges
          - 2027-01-01
          - {from: 2027-02-06, to: 2027-02-13, name: 春节}
        workdays:                              # 调休上班 (always a Saturday or Sunday)
          - 2027-02-20
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar.constants import holidays as _BUILTIN_HOLIDAYS

from hnte.core.errors import InputError, InputIssue

FORMAT = "hnte/calendar@1"
BUILTIN_FIRST_YEAR = min(_BUILTIN_HOLIDAYS).year
BUILTIN_LAST_YEAR = max(_BUILTIN_HOLIDAYS).year


def _builtin_label() -> str:
    try:
        return f"chinesecalendar {metadata.version('chinesecalendar')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - installed as a dependency
        return "chinesecalendar"


BUILTIN_SOURCE = _builtin_label()


class CalendarError(ValueError):
    """The working-day calendar has no data for the date (never guessed, I15)."""

    def __init__(self, day: dt.date):
        self.day = day
        self.message_zh = (f"工作日历缺少 {day.year} 年的节假日安排数据（{day.isoformat()}）：请先载入国务院办公厅公布的"
                           f"{day.year}年节假日安排")
        self.message_en = (f"no State Council holiday data for {day.year} ({day.isoformat()}): load the {day.year} "
                           "holiday notice first")
        super().__init__(f"{self.message_en}; {self.message_zh}")

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class CalendarYear:
    """One year of a holiday notice: the days off and the make-up working days."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str  # the notice (title and number) the data comes from
    url: str = ""
    names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # ISO day -> holiday name

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def to_dict(self) -> dict[str, Any]:
        """The year in the file format (one entry of ``years``), single days in ISO form."""
        out: dict[str, Any] = {"year": self.year, "source": self.source}
        if self.url:
            out["url"] = self.url
        out["holidays"] = [_day_entry(d, self.names) for d in sorted(self.holidays)]
        out["workdays"] = [_day_entry(d, self.names) for d in sorted(self.workdays)]
        return out


def _day_entry(day: dt.date, names: dict[str, str]) -> Any:
    name = names.get(day.isoformat())
    return {"from": day.isoformat(), "to": day.isoformat(), "name": name} if name else day.isoformat()


class WorkingDayCalendar:
    """The built-in years (unless ``builtin=False``) with the given years laid over them (a given year replaces
    the built-in data for that year entirely)."""

    def __init__(self, years: Iterable[CalendarYear] = (), *, builtin: bool = True):
        self._years = {y.year: y for y in years}
        self._builtin = builtin

    def loaded(self) -> list[CalendarYear]:
        return [self._years[y] for y in sorted(self._years)]

    def covers(self, year: int) -> bool:
        return year in self._years or (self._builtin and BUILTIN_FIRST_YEAR <= year <= BUILTIN_LAST_YEAR)

    def source(self, year: int) -> str | None:
        """Where the year's data comes from (the notice, or the built-in package), None if it has none."""
        if year in self._years:
            return self._years[year].source
        return BUILTIN_SOURCE if self.covers(year) else None

    def years(self) -> list[int]:
        covered = set(self._years)
        if self._builtin:
            covered |= set(range(BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR + 1))
        return sorted(covered)

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        loaded = self._years.get(day.year)
        if loaded is not None:
            return loaded.is_working_day(day)
        if self._builtin and BUILTIN_FIRST_YEAR <= day.year <= BUILTIN_LAST_YEAR:
            return chinese_calendar.is_workday(day)
        raise CalendarError(day)


# --- reading the file ---------------------------------------------------------------------------------------


def _as_date(value: Any, path: str, issues: list[InputIssue]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    issues.append(InputIssue(path, f"应为日期 YYYY-MM-DD，实际为 {value!r}", f"expected a date YYYY-MM-DD, got {value!r}"))
    return None


def _days(entries: Any, path: str, year: int, issues: list[InputIssue], names: dict[str, str]) -> set[dt.date]:
    out: set[dt.date] = set()
    if entries is None:
        return out
    if not isinstance(entries, list):
        issues.append(InputIssue(path, "应为日期列表", "expected a list of dates"))
        return out
    for i, entry in enumerate(entries):
        where = f"{path}[{i}]"
        if isinstance(entry, dict):
            unknown = set(entry) - {"from", "to", "name"}
            if unknown or "from" not in entry:
                issues.append(InputIssue(where, "日期区间应写作 {from: 起始日, to: 截止日, name: 名称（可选）}",
                                         "a range is {from: first day, to: last day, name: optional}"))
                continue
            first = _as_date(entry["from"], f"{where}.from", issues)
            last = _as_date(entry.get("to", entry["from"]), f"{where}.to", issues)
            if first is None or last is None:
                continue
            if last < first:
                issues.append(InputIssue(f"{where}.to", f"截止日 {last} 早于起始日 {first}", f"last day {last} is before the first day {first}"))
                continue
            days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
            name = str(entry.get("name") or "").strip()
        else:
            day = _as_date(entry, where, issues)
            if day is None:
                continue
            days, name = [day], ""
        for day in days:
            if day.year != year:
                issues.append(InputIssue(where, f"{day.isoformat()} 不在 {year} 年内", f"{day.isoformat()} is not in {year}"))
                break
            out.add(day)
            if name:
                names[day.isoformat()] = name
    return out


def parse_calendar(data: Any, source: str = "<input>") -> list[CalendarYear]:
    """Validate parsed data in the format ``hnte/calendar@1``; every problem names its field path."""
    if not isinstance(data, dict):
        raise InputError(source, [InputIssue("", "文件内容应为一个键值映射", "expected the file to hold one mapping")])
    if data.get("format") != FORMAT:
        got = repr(data.get("format"))
        raise InputError(source, [InputIssue("format", f"应为 \"{FORMAT}\"，实际为 {got}", f"expected \"{FORMAT}\", got {got}")])
    years_data = data.get("years")
    if not isinstance(years_data, list) or not years_data:
        raise InputError(source, [InputIssue("years", "应为至少包含一个年度的列表", "expected a list of at least one year")])
    issues: list[InputIssue] = []
    out: list[CalendarYear] = []
    seen: set[int] = set()
    for i, entry in enumerate(years_data):
        where = f"years[{i}]"
        if not isinstance(entry, dict):
            issues.append(InputIssue(where, "应为一个年度的键值映射", "expected a mapping for one year"))
            continue
        unknown = sorted(set(entry) - {"year", "source", "url", "holidays", "workdays"})
        if unknown:
            issues.append(InputIssue(f"{where}.{unknown[0]}", "未知的键（可用：year、source、url、holidays、workdays）",
                                     "unknown key (allowed: year, source, url, holidays, workdays)"))
        year = entry.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
            issues.append(InputIssue(f"{where}.year", f"应为年份（整数），实际为 {year!r}", f"expected a year (integer), got {year!r}"))
            continue
        if year in seen:
            issues.append(InputIssue(f"{where}.year", f"{year} 年重复出现", f"{year} appears twice"))
            continue
        seen.add(year)
        notice = str(entry.get("source") or "").strip()
        if not notice:
            issues.append(InputIssue(f"{where}.source", "请写明数据来源（国务院办公厅通知的名称和文号）",
                                     "name the source (the State Council notice's title and number)"))
        names: dict[str, str] = {}
        count = len(issues)
        holidays = _days(entry.get("holidays"), f"{where}.holidays", year, issues, names)
        workdays = _days(entry.get("workdays"), f"{where}.workdays", year, issues, names)
        if len(issues) > count:
            continue
        for day in sorted(holidays & workdays):
            issues.append(InputIssue(f"{where}.workdays", f"{day.isoformat()} 同时列为放假日和调休上班日",
                                     f"{day.isoformat()} is listed both as a holiday and as a make-up working day"))
        for day in sorted(workdays):
            if day.weekday() < 5:
                issues.append(InputIssue(f"{where}.workdays", f"调休上班日应为周六或周日，{day.isoformat()} 是工作日",
                                         f"a make-up working day is a Saturday or Sunday; {day.isoformat()} is a weekday"))
        if dt.date(year, 1, 1) not in holidays:
            issues.append(InputIssue(f"{where}.holidays", f"元旦（{year}-01-01）应为放假日：请确认载入的是该年全年的节假日安排",
                                     f"New Year's Day ({year}-01-01) must be a holiday: load the whole year's notice"))
        out.append(CalendarYear(year, frozenset(holidays), frozenset(workdays), notice, str(entry.get("url") or "").strip(), names))
    if issues:
        raise InputError(source, issues)
    return out


def parse_calendar_text(text: str, source: str = "<input>") -> list[CalendarYear]:
    from hnte.application.load import _parse_text

    return parse_calendar(_parse_text(text, source), source)


def read_calendar(path: str | Path) -> list[CalendarYear]:
    from hnte.registries.files import read_text

    return parse_calendar_text(read_text(path), str(path))


def dump_calendar(years: Iterable[CalendarYear]) -> str:
    """The years as a ``hnte/calendar@1`` JSON document (what the stores keep)."""
    return json.dumps({"format": FORMAT, "years": [y.to_dict() for y in years]}, ensure_ascii=False, indent=2) + "\n"


# --- the command line's store -------------------------------------------------------------------------------


def store_dir() -> Path:
    from hnte.registries.store import data_dir

    return data_dir() / "calendar"


def installed_years() -> list[CalendarYear]:
    folder = store_dir()
    if not folder.is_dir():
        return []
    years: list[CalendarYear] = []
    for path in sorted(folder.glob("*.json")):
        years += parse_calendar_text(path.read_text(encoding="utf-8"), str(path))
    return years


def install(path: str | Path) -> list[CalendarYear]:
    """Validate the file and keep each of its years in the data directory (one file per year)."""
    from hnte.registries.store import write_atomically

    years = read_calendar(path)
    for y in years:
        write_atomically(store_dir() / f"{y.year}.json", dump_calendar([y]))
    return years


def remove(year: int) -> bool:
    path = store_dir() / f"{year}.json"
    if path.exists():
        path.unlink()
        return True
    return False


def default_calendar() -> WorkingDayCalendar:
    """The built-in years with the years installed by ``hnte calendar load``."""
    return WorkingDayCalendar(installed_years())
