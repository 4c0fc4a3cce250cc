"""The ``hnte`` command.

Exit codes: 0 assessed (whatever the verdict), 2 bad input (file, field path and expectation named).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from rich.console import Console

from hnte.core.errors import InputError, InputIssue, LawVersionError

EXIT_OK, EXIT_INPUT = 0, 2


def _lang(args: argparse.Namespace) -> str:
    return args.lang or os.environ.get("HNTE_LANG", "zh")


def _console() -> Console:
    return Console(soft_wrap=False, width=int(os.environ.get("COLUMNS", "120")), highlight=False)


def _fail(err: InputError, lang: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps(err.to_dict(lang), ensure_ascii=False, indent=2))
    label = "错误" if lang == "zh" else "error"
    for line in err.render(lang).splitlines():
        print(f"{label}: {line}", file=sys.stderr)
    return EXIT_INPUT


def _load_and_assess(args: argparse.Namespace):
    from hnte.application import load_application
    from hnte.engine import assess

    app = load_application(args.file)
    registry = records = None
    if getattr(args, "intermediaries", None):
        from hnte.registries.intermediaries import read_registry

        registry = read_registry(args.intermediaries)
    if getattr(args, "records", None):
        from hnte.registries.records import read_records

        records = read_records(args.records).records
    return assess(app, args.programme, source=str(args.file), intermediaries=registry, records=records)


def _money_arg(text: str | None, flag: str):
    from decimal import Decimal, InvalidOperation

    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise InputError(flag, [InputIssue(flag, f"应为以元为单位的非负金额（最多两位小数），实际为 \"{text}\"",
                                           f"expected a non-negative amount in yuan (at most 2 decimals), got \"{text}\"")])
    return value


def _advise(args: argparse.Namespace, result, lang: str):
    from hnte.advice.advise import advise

    return advise(result, taxable_income=_money_arg(args.taxable_income, "--taxable-income"),
                  certificate_year=args.certificate_year, lang=lang)


def cmd_assess(args: argparse.Namespace) -> int:
    from hnte.report.text import render_advice, render_assessment

    lang = _lang(args)
    result = _load_and_assess(args)
    advice = _advise(args, result, lang)
    if args.json:
        out = result.to_dict(lang)
        out["advice"] = advice.to_dict(lang)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        console = _console()
        render_assessment(result, console, lang)
        if result.audit is not None:
            from hnte.registries.audit import render_audit

            render_audit(result.audit, console, lang)
        render_advice(advice, console, lang)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from hnte.report.html import render_html
    from hnte.report.view import build

    lang = _lang(args)
    out = Path(args.output)
    kind = out.suffix.lower().lstrip(".")
    if kind not in {"html", "pdf", "xlsx"}:
        raise InputError("-o", [InputIssue("-o", f"输出文件应以 .html、.pdf 或 .xlsx 结尾，实际为 \"{out.name}\"",
                                           f"the output must end in .html, .pdf or .xlsx, got \"{out.name}\"")])
    result = _load_and_assess(args)
    view = build(result, _advise(args, result, lang), lang)
    tmp = out.with_name(out.name + ".part")
    try:
        if kind == "html":
            tmp.write_text(render_html(view), encoding="utf-8")
        elif kind == "pdf":
            from hnte.report.pdf import html_to_pdf

            html_to_pdf(render_html(view), tmp)
        else:
            from hnte.report.xlsx import write_xlsx

            write_xlsx(view, tmp)
        tmp.replace(out)  # never a half-written report
    finally:
        tmp.unlink(missing_ok=True)
    print(("已生成 " if lang == "zh" else "written ") + str(out))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from hnte.report.text import render_explanation

    lang = _lang(args)
    result = _load_and_assess(args)
    target = args.criterion
    trace = result.ctx.trace
    if target not in trace:
        matches = [c.id for c in result.criteria if c.id.startswith(target) or target in c.cites or any(x.endswith("#" + target) for x in c.cites)]
        if len(matches) != 1:
            ids = ", ".join(c.id for c in result.criteria)
            raise InputError("CRITERION", [InputIssue(target, f"未找到该条件，可选：{ids}（也可使用指标或得分项编号）",
                                                       f"no such criterion; choose one of: {ids} (indicator or score ids work too)")])
        target = matches[0]
    if args.json:
        print(json.dumps([f.to_dict(lang) for f in trace.closure(target)], ensure_ascii=False, indent=2))
    else:
        render_explanation(result, target, _console(), lang)
    return EXIT_OK


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("--as-of", [InputIssue("--as-of", f"应为日期 YYYY-MM-DD，实际为 \"{text}\"", f"expected a date YYYY-MM-DD, got \"{text}\"")]) from None


def cmd_params(args: argparse.Namespace) -> int:
    from rich.table import Table

    from hnte.core.citations import heading
    from hnte.core.parameters import ParameterView
    from hnte.core.registry import select

    lang = _lang(args)
    when = _parse_date(args.as_of) if args.as_of else dt.date.today()
    try:
        law, prog = select(args.programme or "national", when)
    except LawVersionError as e:
        raise e.as_input_error("--as-of") from None
    view = ParameterView(when, prog.variant)
    rows = view.in_force()
    from hnte.registries.cli import catalogue_summaries, render_catalogue_summaries

    catalogues = catalogue_summaries(view, lang)
    if args.json:
        print(json.dumps({
            "as_of": when.isoformat(), "law_version": law.id, "programme": prog.id,
            "parameters": [{**ref.to_dict(), "description": p.description_en if lang == "en" else p.description, "file": p.source_file}
                           for p, ref in rows],
            "catalogues": catalogues,
        }, ensure_ascii=False, indent=2))
        return EXIT_OK
    console = _console()
    title = f"{law.label_en if lang == 'en' else law.label_zh} · {prog.label_en if lang == 'en' else prog.label_zh} · {when}"
    table = Table(title=title, show_lines=True)
    for col in (("参数", "Parameter"), ("取值", "Value"), ("生效日期", "From"), ("依据", "Citation")):
        table.add_column(col[1] if lang == "en" else col[0], overflow="fold")
    for p, ref in rows:
        desc = p.description_en if lang == "en" else p.description
        value = json.dumps(ref.to_dict()["value"], ensure_ascii=False)
        cites = "\n".join(f"{c} {heading(c)}" for c in ref.cites)
        table.add_row(f"{ref.path}{' [' + ref.variant + ']' if ref.variant else ''}\n{desc}", value, ref.effective_from.isoformat(), cites)
    console.print(table)
    render_catalogue_summaries(catalogues, console, lang)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from hnte.schemas import application_schema, assessment_schema

    schema = assessment_schema() if args.of == "assessment" else application_schema()
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_articles(args: argparse.Namespace) -> int:
    from hnte.articles import article_index, render_markdown

    index = article_index(Path(args.tests) if args.tests else None)
    if args.citation:
        index = {k: v for k, v in index.items() if k == args.citation or k.startswith(args.citation)}
        if not index:
            raise InputError("CITATION", [InputIssue(args.citation, "未找到该条款的代码、参数或测试", "no code, parameter or test cites this article")])
    print(render_markdown(index), end="")
    return EXIT_OK


def _read_population(path: str):
    """A table (CSV/XLSX/Parquet) → (frame, source rows, read errors); the rules load meanwhile."""
    from hnte.batch.run import warm_up
    from hnte.batch.table import read_table

    loading = warm_up()
    read = read_table(path)
    loading.join()
    return read.frame, read.source_rows, list(read.errors)


def _as_of(args: argparse.Namespace):
    return _parse_date(args.as_of) if getattr(args, "as_of", None) else None


def cmd_batch(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hnte.batch.folder import assess_folder
    from hnte.batch.table import write_errors, write_table

    lang = _lang(args)
    source = Path(args.input)
    out = Path(args.output)
    errors_path = Path(args.errors) if args.errors else out.with_name(out.stem + ".errors.csv")
    as_of = _as_of(args)
    if source.is_dir():
        results, errors = assess_folder(source, as_of=as_of, programme=args.programme)
    else:
        from hnte.batch.run import assess_table

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      disable=not sys.stderr.isatty(), transient=True) as bar:  # read and assessed in one streamed pass
            task = bar.add_task("评估中" if lang == "zh" else "assessing", total=None, visible=False)
            batch = assess_table(source, as_of=as_of, programme=args.programme,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total, visible=total >= 50_000))
        results, errors = batch.results, batch.errors
    from hnte.batch.run import BatchResult, render_summary

    output = results.rename({"_row": "row"}) if "_row" in results.columns else results
    write_table(output, out)
    write_errors(errors, errors_path, lang)
    summary = BatchResult(results, errors).summary()
    summary["output"], summary["errors_file"] = str(out), str(errors_path)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        render_summary(summary, _console(), lang)
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from hnte.batch.table import write_template

    write_template(Path(args.output))
    print(("已生成 " if _lang(args) == "zh" else "written ") + args.output)
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    import polars as pl

    from hnte.batch.simulate import chart_svg, parse_scenarios, render_simulation, simulate
    from hnte.batch.table import write_table

    lang = _lang(args)
    scenarios = parse_scenarios(args.set or [], args.scenario or [])
    frame, rows, errors = _read_population(args.population)
    baseline, results = simulate(frame, scenarios, as_of=_as_of(args), programme=args.programme, rows=rows)
    out = Path(args.output) if args.output else Path(args.population).with_name(Path(args.population).stem + ".changes.csv")
    changes = [r.changes.with_columns(pl.lit(r.name).alias("scenario")) for r in results]
    write_table(pl.concat(changes, how="diagonal_relaxed").rename({"_row": "row"}) if changes else pl.DataFrame(), out)
    chart = Path(args.chart) if args.chart else out.with_suffix(".svg")
    tmp = chart.with_name(chart.name + ".part")
    tmp.write_text(chart_svg(results, lang), encoding="utf-8")
    tmp.replace(chart)
    render_simulation(baseline, results, _console(), lang, errors=len(errors) + len(baseline.errors))
    print(("变化清单：" if lang == "zh" else "changes: ") + str(out) + ("；图表：" if lang == "zh" else "; chart: ") + str(chart))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hnte", description="高新技术企业认定 rules engine — 认定条件、创新能力评分与解释")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, programme: bool = True) -> None:
        if programme:
            p.add_argument("--programme", choices=["national", "beijing-pilot", "suzhou-cultivation"], help="override the file's programme")
        p.add_argument("--lang", choices=["zh", "en"], help="output language (default zh, or $HNTE_LANG)")
        p.add_argument("--json", action="store_true", help="machine-readable JSON")

    p = sub.add_parser("assess", help="assess an application file (YAML or JSON), with gaps, risks and benefits")
    p.add_argument("file")
    p.add_argument("--taxable-income", help="annual taxable income in yuan, for the tax saved")
    p.add_argument("--certificate-year", type=int, help="first year of the status (default: the application year)")
    p.add_argument("--intermediaries", help="the office's registry of intermediaries (hnte/intermediaries@1), for the file's intermediary")
    p.add_argument("--records", help="the office's records of fraud findings (hnte/records@1)")
    common(p)
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("report", help="write a readable report: .html (self-contained), .pdf or .xlsx")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, help="report.html | report.pdf | report.xlsx")
    p.add_argument("--taxable-income", help="annual taxable income in yuan, for the tax saved")
    p.add_argument("--certificate-year", type=int, help="first year of the status (default: the application year)")
    common(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("explain", help="explain one criterion (or indicator / score item) with its full trace")
    p.add_argument("file")
    p.add_argument("criterion", help="criterion id such as art11_5_rd_expense_ratio, or an article such as art11-5")
    common(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("params", help="list legal values in force with their citations")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default today)")
    common(p)
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("schema", help="print the JSON Schema of the application file (or of the assessment output)")
    p.add_argument("--of", choices=["application", "assessment"], default="application")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("batch", help="assess every enterprise of a table (CSV/XLSX/Parquet) or a folder of application files")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True, help="results.csv | results.xlsx | results.parquet")
    p.add_argument("--errors", help="error file (default: OUTPUT stem + .errors.csv)")
    p.add_argument("--as-of", help="assess every row as if applying on this date (YYYY-MM-DD)")
    common(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("template", help="write an empty batch workbook with headers, units and an example row")
    p.add_argument("output", help="batch.xlsx or batch.csv")
    p.add_argument("--lang", choices=["zh", "en"])
    p.set_defaults(func=cmd_template)

    from hnte.batch.synth_cli import add_arguments, cmd_synth

    p = sub.add_parser("synth", help="write a synthetic population (reproducible from its seed)")
    add_arguments(p)
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("simulate", help="what changes if parameters change: verdict changes by region, field and size")
    p.add_argument("population")
    p.add_argument("--set", action="append", help="PARAM=VALUE, e.g. rd_expense.ratio_min_by_sales[0].rate=0.04 (one scenario)")
    p.add_argument("--scenario", action="append", help='"NAME: PARAM=VALUE, PARAM=VALUE" (repeatable)')
    p.add_argument("--as-of", help="assess as if applying on this date")
    p.add_argument("-o", "--output", help="the list of enterprises that change (csv/xlsx/parquet)")
    p.add_argument("--chart", help="chart file (.svg)")
    common(p)
    p.set_defaults(func=cmd_simulate)

    from hnte.registries.cli import add_catalogue_parser, add_field_suggest_parser, add_intermediary_parser

    add_catalogue_parser(sub, common)
    add_field_suggest_parser(sub, common)
    add_intermediary_parser(sub, common)

    from hnte.procedure.cli import add_calendar_parser

    add_calendar_parser(sub, common)

    p = sub.add_parser("articles", help="index: article → code, parameters and tests")
    p.add_argument("citation", nargs="?", help="e.g. measures_2016#art11-5 (prefix allowed)")
    p.add_argument("--tests", help="tests folder to index (default: ./tests when present)")
    p.set_defaults(func=cmd_articles)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None) or os.environ.get("HNTE_LANG", "zh")
    try:
        return args.func(args)
    except InputError as err:
        return _fail(err, lang, getattr(args, "json", False))
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
