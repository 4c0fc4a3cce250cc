"""``hnte calendar``: the working-day calendar (I15) on the command line — show it, load a newly announced year."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from hnte.core.errors import InputError, InputIssue

EXIT_OK = 0


def add_calendar_parser(sub, common) -> None:
    p = sub.add_parser("calendar", help="the State Council working-day calendar; `load FILE` adds a newly announced year",
                       description="hnte calendar [show] [--year Y] | hnte calendar load FILE (hnte/calendar@1) | "
                                   "hnte calendar reset YEAR")
    p.add_argument("action", nargs="?", choices=["show", "load", "reset"], default="show")
    p.add_argument("target", nargs="?", help="load: the calendar file (YAML/JSON, hnte/calendar@1); reset: the year")
    p.add_argument("--year", type=int, help="show: list this year's holidays and make-up working days")
    common(p, programme=False)
    p.set_defaults(func=cmd_calendar)


def _year_days(cal, year: int) -> tuple[list[dt.date], list[dt.date]]:
    """Weekdays off and weekend days worked in ``year`` (what the notice changes)."""
    day, off, worked = dt.date(year, 1, 1), [], []
    while day.year == year:
        working = cal.is_working_day(day)
        if day.weekday() < 5 and not working:
            off.append(day)
        elif day.weekday() >= 5 and working:
            worked.append(day)
        day += dt.timedelta(days=1)
    return off, worked


def cmd_calendar(args: argparse.Namespace) -> int:
    from hnte.cli import _lang

    from . import calendar

    lang = _lang(args)
    if args.action == "load":
        if not args.target:
            raise InputError("FILE", [InputIssue("FILE", "请给出要载入的日历文件：hnte calendar load FILE",
                                                 "give the calendar file: hnte calendar load FILE")])
        years = calendar.install(args.target)
        if args.json:
            print(json.dumps({"installed": [y.to_dict() for y in years], "folder": str(calendar.store_dir())},
                             ensure_ascii=False, indent=2))
        for y in years:
            if args.json:
                break
            if lang == "en":
                print(f"loaded {y.year} ({len(y.holidays)} holidays, {len(y.workdays)} make-up working days; {y.source}) "
                      f"into {calendar.store_dir()} (undo: hnte calendar reset {y.year})")
            else:
                print(f"已载入 {y.year} 年节假日安排（放假 {len(y.holidays)} 天，调休上班 {len(y.workdays)} 天；{y.source}），"
                      f"存放于 {calendar.store_dir()}（撤销：hnte calendar reset {y.year}）")
        return EXIT_OK
    if args.action == "reset":
        if not (args.target or "").isdigit():
            raise InputError("YEAR", [InputIssue("YEAR", f"应为年份，实际为 {args.target!r}", f"expected a year, got {args.target!r}")])
        removed = calendar.remove(int(args.target))
        if lang == "en":
            print(f"{args.target}: " + ("removed the loaded year" if removed else "no loaded data for this year"))
        else:
            print(f"{args.target}：" + ("已删除载入的数据" if removed else "没有载入该年的数据"))
        return EXIT_OK
    cal = calendar.default_calendar()
    if args.year is not None:
        if not cal.covers(args.year):
            raise calendar_input_error(args.year)
        off, worked = _year_days(cal, args.year)
        if args.json:
            print(json.dumps({"year": args.year, "source": cal.source(args.year), "weekdays_off": [d.isoformat() for d in off],
                              "weekend_workdays": [d.isoformat() for d in worked]}, ensure_ascii=False, indent=2))
            return EXIT_OK
        print(("source: " if lang == "en" else "来源：") + str(cal.source(args.year)))
        print(("weekdays off: " if lang == "en" else "放假的工作日：") + ", ".join(d.isoformat() for d in off))
        print(("make-up working days: " if lang == "en" else "调休上班日：") + ", ".join(d.isoformat() for d in worked))
        return EXIT_OK
    rows = [{"year": y, "source": cal.source(y)} for y in cal.years()]
    if args.json:
        print(json.dumps({"years": rows, "folder": str(calendar.store_dir())}, ensure_ascii=False, indent=2))
        return EXIT_OK
    spans = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in _spans(cal.years()))
    print(f"covered years: {spans}" if lang == "en" else f"有数据的年度：{spans}")
    for y in cal.loaded():
        print(f"  {y.year}: {y.source}")
    print(f"built-in: {calendar.BUILTIN_FIRST_YEAR}–{calendar.BUILTIN_LAST_YEAR} ({calendar.BUILTIN_SOURCE})" if lang == "en"
           else f"内置：{calendar.BUILTIN_FIRST_YEAR}–{calendar.BUILTIN_LAST_YEAR}（{calendar.BUILTIN_SOURCE}）")
    return EXIT_OK


def _spans(years: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for y in years:
        if out and out[-1][1] == y - 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def calendar_input_error(year: int) -> InputError:
    from .calendar import CalendarError

    err = CalendarError(dt.date(year, 1, 1))
    return InputError("hnte calendar", [InputIssue("--year", err.message_zh, err.message_en)])
