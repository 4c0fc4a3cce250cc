"""``hnte catalogue``, ``hnte field-suggest`` and ``hnte intermediary``: the registries on the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from hnte.core.errors import InputError, InputIssue, LawVersionError

EXIT_OK = 0

_PROGRAMMES = ["national", "beijing-pilot", "suzhou-cultivation"]


def _lang(args: argparse.Namespace) -> str:
    from hnte.cli import _lang as lang

    return lang(args)


def _console():
    from hnte.cli import _console as console

    return console()


def _date(text: str | None, flag: str = "--as-of") -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(flag, [InputIssue(flag, f"应为日期 YYYY-MM-DD，实际为 \"{text}\"", f"expected a date YYYY-MM-DD, got \"{text}\"")]) from None


def _view(when: dt.date, programme: str | None):
    from hnte.core.parameters import ParameterView
    from hnte.core.registry import select

    try:
        law, prog = select(programme or "national", when)
    except LawVersionError as e:
        raise e.as_input_error("--as-of") from None
    return law, prog, ParameterView(when, prog.variant)


# --- hnte catalogue -------------------------------------------------------------------------------------

def add_catalogue_parser(sub, common) -> None:
    p = sub.add_parser("catalogue", help="the technical-field catalogue in force, with citations; `load FILE` installs an update",
                       description="hnte catalogue [--as-of D] [--programme P] [--code C] [--level N] | hnte catalogue load FILE | "
                                   "hnte catalogue reset ID")
    p.add_argument("action", nargs="?", choices=["show", "load", "reset"], default="show")
    p.add_argument("target", nargs="?", help="load: the catalogue file (YAML/JSON, hnte/catalogue@1); reset: the edition id")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default today)")
    p.add_argument("--code", help="show only this entry and its sub-entries, e.g. 1.2")
    p.add_argument("--level", type=int, choices=[1, 2, 3], help="show entries down to this level")
    common(p)
    p.set_defaults(func=cmd_catalogue)


def cmd_catalogue(args: argparse.Namespace) -> int:
    from hnte.registries import catalogue

    lang = _lang(args)
    if args.action == "load":
        if not args.target:
            raise InputError("FILE", [InputIssue("FILE", "请给出要载入的目录文件：hnte catalogue load FILE", "give the catalogue file: hnte catalogue load FILE")])
        cat = catalogue.install(args.target)
        counts = "、".join(f"{n} 个{_LEVEL_ZH[k]}" for k, n in cat.counts().items())
        if args.json:
            print(json.dumps({"installed": cat.summary(lang), "path": str(catalogue.override_path(cat.id))}, ensure_ascii=False, indent=2))
        elif lang == "en":
            print(f"loaded {cat.id} ({cat.title_en}; {cat.counts()}) from {args.target}; it replaces the built-in edition: "
                  f"{catalogue.override_path(cat.id)} (undo: hnte catalogue reset {cat.id})")
        else:
            print(f"已载入目录 {cat.id}（{cat.title}，{counts}），替代内置版本；存放于 {catalogue.override_path(cat.id)}"
                  f"（恢复内置版本：hnte catalogue reset {cat.id}）")
        return EXIT_OK
    if args.action == "reset":
        if args.target not in catalogue.BUILTIN_IDS:
            ids = "、".join(catalogue.BUILTIN_IDS)
            raise InputError("ID", [InputIssue("ID", f"应为目录编号之一：{ids}，实际为 {args.target!r}", f"expected one of: {', '.join(catalogue.BUILTIN_IDS)}, got {args.target!r}")])
        removed = catalogue.remove(args.target)
        if lang == "en":
            print(f"{args.target}: " + ("back to the built-in edition" if removed else "no local update installed; the built-in edition is in use"))
        else:
            print(f"{args.target}：" + ("已恢复为内置版本" if removed else "未载入本地更新，正在使用内置版本"))
        return EXIT_OK
    return _show_catalogue(args, lang)


_LEVEL_ZH = {1: "一级领域", 2: "二级领域", 3: "三级领域"}
_LEVEL_EN = {1: "first-level", 2: "second-level", 3: "third-level"}


def _show_catalogue(args: argparse.Namespace, lang: str) -> int:
    from rich.table import Table

    from hnte.core.citations import heading
    from hnte.registries import catalogue

    when = _date(args.as_of)
    law, prog, view = _view(when, args.programme)
    param = catalogue.PILOT_SCOPE_PARAM if view.has(catalogue.PILOT_SCOPE_PARAM) else catalogue.EDITION_PARAM
    cat, ref = catalogue.in_force(view, param)
    entries = list(cat.entries.values())
    if args.code:
        if args.code not in cat.entries:
            check = cat.check(args.code)
            raise InputError("--code", [InputIssue("--code", check.message_zh or f"{args.code} 不是已收录的条目",
                                                   check.message_en or f"{args.code} is not a recorded entry")])
        entries = [e for e in entries if e.code == args.code or e.code.startswith(args.code + ".")]
    if args.level:
        entries = [e for e in entries if e.level <= args.level]
    if args.json:
        out = {"as_of": when.isoformat(), "law_version": law.id, "programme": prog.id, "parameter": ref.to_dict(),
               "catalogue": {**cat.to_dict(lang), "entries": [e.to_dict() for e in entries]}}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    console = _console()
    counts = cat.counts()
    if lang == "en":
        title = f"{cat.title_en} — {cat.instrument} · in force on {when} ({param} from {ref.effective_from})"
        count_text = ", ".join(f"{n} {_LEVEL_EN[k]}" for k, n in counts.items())
        origin = "built-in" if not cat.overridden else f"local update {cat.origin} (sha256 {cat.digest[:12]})"
    else:
        title = f"《{cat.title}》 — {cat.instrument} · {when} 适用（参数 {param}，{ref.effective_from} 起）"
        count_text = "、".join(f"{n} 个{_LEVEL_ZH[k]}" for k, n in counts.items())
        origin = "内置版本" if not cat.overridden else f"本地更新 {cat.origin}（sha256 {cat.digest[:12]}）"
    table = Table(title=title, show_lines=False)
    for zh, en in (("编码", "Code"), ("名称", "Name"), ("依据", "Citation")):
        table.add_column(en if lang == "en" else zh, overflow="fold")
    for e in entries:
        indent = "  " * (e.level - 1)
        name = (e.name_en or e.name) if lang == "en" else e.name
        parent = cat.entries.get(e.parent_code) if e.parent_code else None
        shown_cites = "" if parent is not None and parent.cites == e.cites else "\n".join(f"{c} {heading(c)}" for c in e.cites)
        table.add_row(e.code, f"{indent}{name}", shown_cites)
    console.print(table)
    cites = "; ".join(f"{c} {heading(c)}" for c in ref.cites)
    if lang == "en":
        console.print(f"{count_text}; {origin}; checked down to level {cat.checked_levels}. Citations: {cites}")
        console.print(f"Source: {cat.source}")
    else:
        console.print(f"{count_text}；{origin}；代码核对至第 {cat.checked_levels} 级。依据：{cites}")
        console.print(f"来源：{cat.source}")
    return EXIT_OK


def catalogue_summaries(view, lang: str) -> list[dict]:
    """The catalogue editions in force on the view's date (for ``hnte params``)."""
    from hnte.registries import catalogue

    out = []
    for param in (catalogue.EDITION_PARAM, catalogue.PILOT_SCOPE_PARAM):
        if view.has(param):
            cat, ref = catalogue.in_force(view, param)
            out.append({"parameter": param, "effective_from": ref.effective_from.isoformat(), "cites": list(ref.cites),
                        **cat.summary(lang)})
    return out


def render_catalogue_summaries(summaries: list[dict], console, lang: str) -> None:
    for s in summaries:
        counts = {int(k): v for k, v in s["counts"].items()}
        origin_zh = "内置版本" if s["origin"] == "built-in" else f"本地更新 {s['origin']}"
        origin_en = "built-in" if s["origin"] == "built-in" else f"local update {s['origin']}"
        if lang == "en":
            text = ", ".join(f"{n} {_LEVEL_EN[k]}" for k, n in counts.items())
            console.print(f"Catalogue {s['parameter']} = {s['id']}: {s['title']} ({text}; {origin_en}) — entries and citations: "
                          f"hnte catalogue" + (" --programme beijing-pilot" if s["id"] == "beijing_pilot_2021" else ""))
        else:
            text = "、".join(f"{n} 个{_LEVEL_ZH[k]}" for k, n in counts.items())
            console.print(f"技术领域目录 {s['parameter']} = {s['id']}：《{s['title']}》（{text}；{origin_zh}）— 条目及依据见 "
                          f"hnte catalogue" + (" --programme beijing-pilot" if s["id"] == "beijing_pilot_2021" else ""))


# --- hnte field-suggest ---------------------------------------------------------------------------------

def add_field_suggest_parser(sub, common) -> None:
    p = sub.add_parser("field-suggest", help="suggest catalogue entries for a product or core-technology description (Chinese)")
    p.add_argument("text", nargs="+", help="the description (several words are joined)")
    p.add_argument("--top", type=int, default=5, help="number of suggestions (default 5)")
    p.add_argument("--level", type=int, choices=[2, 3], help="rank second-level entries (2) or the most specific entries (3, default)")
    p.add_argument("--as-of", help="use the catalogue in force on this date (default today)")
    common(p)
    p.set_defaults(func=cmd_field_suggest)


def cmd_field_suggest(args: argparse.Namespace) -> int:
    from rich.table import Table

    from hnte.registries import catalogue
    from hnte.registries.field_suggest import suggest

    lang = _lang(args)
    text = " ".join(args.text).strip()
    if not text:
        raise InputError("TEXT", [InputIssue("TEXT", "请给出产品或核心技术的描述", "give a product or core-technology description")])
    if args.top < 1:
        raise InputError("--top", [InputIssue("--top", f"应为正整数，实际为 {args.top}", f"expected a positive integer, got {args.top}")])
    when = _date(args.as_of)
    _, prog, view = _view(when, args.programme)
    cat, _ = catalogue.in_force(view)
    results = suggest(text, catalogue=cat, top=args.top, level=args.level)
    if args.json:
        print(json.dumps({"text": text, "catalogue": cat.id, "as_of": when.isoformat(),
                          "suggestions": [s.to_dict() for s in results]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    console = _console()
    if not results:
        console.print("没有找到匹配的技术领域；请用更具体的产品或技术词语描述" if lang == "zh"
                      else "no matching field; describe the product or technology with more specific words")
        return EXIT_OK
    table = Table(title=(f"技术领域建议（{cat.title}）" if lang == "zh" else f"Suggested fields ({cat.title_en})"))
    for zh, en in (("#", "#"), ("编码", "Code"), ("领域", "Field"), ("得分", "Score"), ("匹配词", "Matching terms")):
        table.add_column(en if lang == "en" else zh, overflow="fold")
    for i, s in enumerate(results, 1):
        table.add_row(str(i), s.code, cat.describe(s.code, lang).split(" ", 1)[1], f"{s.score:.2f}", "、".join(s.terms))
    console.print(table)
    console.print("建议仅供参考：申报时选择对主要产品（服务）发挥核心支持作用的技术所属的一个三级领域（measures_2016#art11-3）"
                  if lang == "zh" else "Suggestions only: name the one third-level entry of the technology that supports the main products (measures_2016#art11-3)")
    return EXIT_OK


# --- hnte intermediary ----------------------------------------------------------------------------------

def add_intermediary_parser(sub, common) -> None:
    p = sub.add_parser("intermediary", help="check intermediaries (special audit firms) against the qualification rules in force")
    p.add_argument("action", choices=["check"])
    p.add_argument("registry", help="registry file (hnte/intermediaries@1, YAML or JSON)")
    p.add_argument("--firm", help="only this firm (credit code or id)")
    p.add_argument("--year", type=int, help="the year of the identification work (default: the year of --on)")
    p.add_argument("--on", help="the date of the check, e.g. the report date (default today)")
    p.add_argument("--records", help="records of fraud findings (hnte/records@1); the registry's own records are used too")
    common(p, programme=False)
    p.set_defaults(func=cmd_intermediary)


def cmd_intermediary(args: argparse.Namespace) -> int:
    from hnte.registries.intermediaries import check_qualification, read_registry, render_qualification
    from hnte.registries.records import read_records

    lang = _lang(args)
    registry = read_registry(args.registry)
    records = list(registry.records)
    if args.records:
        records += list(read_records(args.records).records)
    on = _date(args.on, "--on")
    firms = registry.firms
    if args.firm:
        firms = tuple(f for f in firms if args.firm in (f.id, f.credit_code))
        if not firms:
            raise InputError(args.registry, [InputIssue("--firm", f"登记册中没有 {args.firm}", f"no firm {args.firm} in the registry")])
    results = [check_qualification(f, on=on, year=args.year or on.year, records=records) for f in firms]
    if args.json:
        print(json.dumps({"on": on.isoformat(), "results": [r.to_dict(lang) for r in results]}, ensure_ascii=False, indent=2))
    else:
        console = _console()
        for r in results:
            render_qualification(r, console, lang)
    return EXIT_OK
