"""Running a batch: group rows by programme and parameter epoch, validate, evaluate, summarise.

A bad row never stops the run: it becomes a :class:`RowError` (row number, column, message) and the
other rows are assessed.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from hnte.batch.columns import COLUMNS, RANGES, SCALE
from hnte.batch.table import RowError, TableScan, _NotUtf8, scan_table
from hnte.batch.vector import Evaluator, Group, pick
from hnte.core.errors import LawVersionError
from hnte.core.parameters import load_all
from hnte.core.registry import LawVersion, Programme, law_versions, programmes, select

INDICATOR_COLUMNS = ("registration_days", "rd_ratio", "rd_ratio_min", "rd_domestic_share", "staff_science_tech_ratio",
                     "staff_college_ratio", "staff_rd_staff_ratio", "high_tech_ratio", "main_products_share", "ip_usable",
                     "conversions_average", "growth_net_assets", "growth_total_assets", "growth_sales")
CODE_LEVELS = 3  # catalogue codes have at most three levels (1, 1.2, 1.2.3: catalogue.CODE_PATTERN)
ENGINE = "streaming"  # morsel-driven: measured faster than the in-memory engine on 1M rows
STATUS = pl.Enum(["pass", "fail", "unknown"])  # categorical columns: cheap to build and to write
VERDICT = pl.Enum(["eligible", "not_eligible", "undetermined"])


@dataclass
class BatchResult:
    results: pl.DataFrame
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict:
        res = self.results
        by_verdict = {v: int(n) for v, n in res.group_by("verdict").len().iter_rows()} if res.height else {}
        fails: dict[str, int] = {}
        for col in res.columns:
            if col.startswith("c_"):
                fails[col[2:]] = int((res[col] == "fail").sum())
        most = max(fails.items(), key=lambda kv: kv[1]) if fails else None
        return {"assessed": res.height, "errors": len({e.row for e in self.errors}), "by_verdict": by_verdict,
                "fails_by_criterion": dict(sorted(fails.items(), key=lambda kv: -kv[1])),
                "most_failed": {"criterion": most[0], "count": most[1]} if most and most[1] else None}


@cache
def _boundaries() -> tuple[dt.date, ...]:
    """Every date on which a law version, programme or parameter value starts or ends."""
    dates: set[dt.date] = set()
    for v in law_versions().values():
        dates.add(v.start)
        if v.end:
            dates.add(v.end + dt.timedelta(days=1))
    for p in programmes().values():
        if p.start:
            dates.add(p.start)
        if p.end:
            dates.add(p.end + dt.timedelta(days=1))
    base, variants = load_all()
    for params in [base, *variants.values()]:
        for param in params.values():
            dates.update(v.start for v in param.values)
    return tuple(sorted(dates))


def warm_up() -> threading.Thread:
    """Load the rules, the dated parameters, the epochs and today's catalogue edition in a background thread
    (while a table is read)."""
    from hnte.core.parameters import ParameterView
    from hnte.core.registry import load_rules
    from hnte.registries import catalogue

    def work() -> None:
        load_rules()
        _boundaries()
        with contextlib.suppress(Exception):  # best effort: validate loads the edition it needs anyway
            catalogue.in_force(ParameterView(dt.date.today()))

    thread = threading.Thread(target=work, name="hnte-warm-up", daemon=True)
    thread.start()
    return thread


def validate(df: pl.LazyFrame, ev: Evaluator, *, first: list[tuple[pl.Expr, int]] | None = None, offset: int = 0,
             trusted: bool = False) -> tuple[pl.LazyFrame, list[tuple[str, str, str]]]:
    """The cross-field rules of the application file, vectorised: adds ``_error_check``, ``offset`` + the index of
    the first rule a row breaks (null when none), and returns the rules' (column, message zh, message en).

    ``first``: (condition, code) checked before the rules. ``trusted``: the rows come from the table reader's
    fast path, which has checked the patterns and ranges already (those rules are left out)."""
    p = ev.p
    checks: list[tuple[pl.Expr, str, str, str]] = []
    c = pl.col
    checks.append((c("registration_date") > c("application_date"), "registration_date", "注册日期晚于申请日期", "registration date after the application date"))
    checks.append((c("_present1") & ~c("_present2"), "y2_sales_revenue", "会计年度应连续：有第一年数据时第二年不能为空",
                   "accounting years must be consecutive: year 2 is empty while year 1 is given"))
    for k in (1, 2, 3):
        checks.append((c(f"_present{k}") & c("_reg_year").is_not_null() & (c(f"_year{k}") < c("_reg_year")), f"y{k}_sales_revenue",
                       "该会计年度早于注册年度", "this accounting year is before the registration year"))
        checks.append((~c(f"_present{k}") & c(f"y{k}_operating_months").is_not_null(), f"y{k}_operating_months",
                       "经营月数所属年度没有数据", "operating months given for a year without figures"))
    checks.append((c("non_taxable_income") > c("total_income"), "non_taxable_income", "不征税收入大于收入总额", "non-taxable income exceeds total income"))
    checks.append((c("incident_date") > c("application_date"), "incident_date", "事故日期晚于申请日期", "incident date after the application date"))
    if not trusted:
        checks.append((c("credit_code").is_not_null() & ~c("credit_code").str.contains(r"^[0-9A-HJ-NPQRTUWXY]{18}$"), "credit_code",
                       "统一社会信用代码格式不正确", "malformed unified social credit code"))
        checks.append((c("region_code").is_not_null() & ~c("region_code").str.contains(r"^[0-9]{6}$"), "region_code",
                       "行政区划代码应为6位数字", "region code must be 6 digits"))
    from hnte.registries import catalogue

    cat, _ = catalogue.in_force(p)  # the single engine's Catalogue.check, vectorised
    code = c("technical_field")
    recorded = list(cat.entries)
    valid = code.is_in(recorded)
    # a code deeper than the checked levels is valid under a recorded entry of exactly those levels (its prefix);
    # codes have at most three levels (catalogue.CODE_PATTERN), so a catalogue checked to three has none
    under = sorted(k for k in recorded if k.count(".") + 1 == cat.checked_levels)
    if cat.checked_levels < CODE_LEVELS and under:
        valid = valid | (code.str.contains(catalogue.CODE_PATTERN) & code.str.contains("^(?:" + "|".join(re.escape(k) for k in under) + r")\."))
    checks.append((code.is_not_null() & ~valid, "technical_field", "技术领域代码不在《国家重点支持的高新技术领域》中",
                   "technical field not in the catalogue"))
    if p.has("scoring.rd_management.items"):
        for key, top_points in p.ref("scoring.rd_management.items").value.items():
            checks.append((c(f"assess_rd_{key}") > int(top_points), f"assess_rd_{key}", f"应为 0 到 {top_points} 的整数",
                           f"expected an integer from 0 to {top_points}"))
    checks.append((c("assess_rd_2008_met") > 5, "assess_rd_2008_met", "应为 0 到 5", "expected 0 to 5"))
    for column in () if trusted else COLUMNS:  # ranges of the typed table (the readers check them too; frames may come from elsewhere)
        low, high = RANGES.get(column.kind, (None, None))
        if low is not None:
            checks.append((c(column.name) < low * SCALE.get(column.kind, 1), column.name, f"不能小于 {low}", f"must not be below {low}"))
        if high is not None:
            checks.append((c(column.name) > high, column.name, f"不能大于 {high}", f"must not exceed {high}"))
    index = pl.lit(None, dtype=pl.Int32)
    for i in reversed(range(len(checks))):
        index = pl.when(checks[i][0].fill_null(False)).then(pl.lit(offset + i, dtype=pl.Int32)).otherwise(index)
    for cond, code in reversed(first or []):
        index = pl.when(cond.fill_null(False)).then(pl.lit(code, dtype=pl.Int32)).otherwise(index)
    return df.with_columns(index.alias("_error_check")), [(name, zh, en) for _, name, zh, en in checks]


def _finish(df: pl.DataFrame, ev: Evaluator, criteria) -> pl.DataFrame:
    ids = [f"c_{d.id}" for d in criteria]
    any_fail = pl.any_horizontal([pl.col(i) == False for i in ids]).fill_null(False)  # noqa: E712
    all_pass = pl.all_horizontal([pl.col(i).fill_null(False) for i in ids])
    verdict = (pl.when(any_fail).then(pl.lit("not_eligible", dtype=VERDICT)).when(all_pass).then(pl.lit("eligible", dtype=VERDICT))
               .otherwise(pl.lit("undetermined", dtype=VERDICT)))
    # the main gap: the first criterion failed, else the first unknown
    gap = pl.lit(None, dtype=pl.UInt32)
    for k in reversed(range(len(ids))):
        gap = pl.when(pl.col(ids[k]).is_null()).then(pl.lit(len(ids) + k, dtype=pl.UInt32)).otherwise(gap)
    for k in reversed(range(len(ids))):
        gap = pl.when(pl.col(ids[k]) == False).then(pl.lit(k, dtype=pl.UInt32)).otherwise(gap)  # noqa: E712
    gap = pick(gap, [i[2:] for i in ids] + [i[2:] + " (unknown)" for i in ids])
    out = df.with_columns(verdict.alias("verdict"), gap.alias("main_gap"),
                          pl.lit(ev.g.law.id).alias("law_version"), pl.lit(ev.g.programme.id).alias("programme"),
                          *[pl.when(pl.col(i)).then(pl.lit("pass", dtype=STATUS)).when(~pl.col(i)).then(pl.lit("fail", dtype=STATUS))
                            .otherwise(pl.lit("unknown", dtype=STATUS)).alias(i) for i in ids])
    sales = pl.col("y3_sales_revenue")
    size = pick(pl.when(sales <= 50_000_000_00).then(pl.lit(0, dtype=pl.UInt32)).when(sales <= 200_000_000_00).then(pl.lit(1, dtype=pl.UInt32))
                .when(sales.is_not_null()).then(pl.lit(2, dtype=pl.UInt32)), ["≤5000万", "5000万–2亿", ">2亿"])
    # the top-level field: the code's digits before the first dot (rows in error are left out, and the others'
    # codes are in the catalogue: 1, 1.2, 1.2.3)
    code = pl.col("technical_field")
    out = out.with_columns(size.alias("size_band"), pl.col("region_code").str.slice(0, 2).alias("province"),
                           code.str.head(code.str.find(".", literal=True).fill_null(code.str.len_bytes())).alias("field"))
    names = set(out.collect_schema().names())
    keep = ["_row", "_error_check", "id", "name", "programme", "law_version", "verdict", *ids, "score_min", "score_max", "score_verdict", "main_gap",
            *[x for x in INDICATOR_COLUMNS if x in names], "province", "field", "size_band"]
    return out.select(keep)


SUSPECT = -1  # ``_error_check``: the table's fast path cannot vouch for the row; it is read again the exact way
NO_DATE = -2  # no application date (and no --as-of)
LAW_ERROR = -10  # −10 − i: the programme of group i is unknown or not in force on the row's date


@dataclass
class _Group:
    """Rows sharing a programme and a parameter epoch (one law version, one set of parameters in force)."""

    programme: str
    epoch: int  # how many boundary dates are on or before the application date
    when: dt.date  # the application date of the group's first row
    first: int  # the group's first row
    rows: int = 0
    law: LawVersion | None = None
    prog: Programme | None = None
    error: LawVersionError | None = None

    def key(self) -> pl.Expr:
        """The group's rows: its programme, an application date within its epoch."""
        bounds, date = _boundaries(), pl.col("application_date")
        cond = (pl.col("programme") == self.programme) & date.is_not_null()
        if self.epoch > 0:
            cond = cond & (date >= bounds[self.epoch - 1])
        if self.epoch < len(bounds):
            cond = cond & (date < bounds[self.epoch])
        return cond.fill_null(False)


@dataclass
class _Run:
    out: pl.DataFrame  # every row, in row order, with ``_error_check``
    rules: list[tuple[str, str, str]]  # ``_error_check`` ≥ 0 indexes these (column, message zh, message en)
    groups: list[_Group]
    criteria: dict[tuple[str, str], list[str]]  # (programme, law version) → its criteria columns


def _groups(df: pl.LazyFrame, ready: Callable[[], None] | None = None) -> tuple[list[_Group], int]:
    """The groups in order of their first row, and the number of rows (with or without a date). ``ready`` is
    called once the file has been read for them (the rules are needed from then on)."""
    keys = (df.group_by("programme", "application_date").agg(pl.col("_row").min().alias("_first"), pl.len().alias("_rows"))
            .sort("_first").collect())
    if ready:
        ready()
    bounds = _boundaries()
    by_key: dict[tuple[str, int], _Group] = {}
    for prog_id, when, first, n in keys.iter_rows():
        if when is None:
            continue
        epoch = bisect.bisect_right(bounds, when)
        group = by_key.setdefault((prog_id, epoch), _Group(prog_id, epoch, when, first))
        group.rows += n
    groups = list(by_key.values())  # in order of their first row (the keys are)
    for group in groups:
        try:
            group.law, group.prog = select(group.programme, group.when)
        except LawVersionError as e:
            group.error = e
    return groups, int(keys.get_column("_rows").sum())


def _plan(df: pl.LazyFrame, groups: list[_Group], *, suspect: bool, trusted: bool, overrides: dict | None) -> tuple[pl.LazyFrame, _Run]:
    """One lazy plan for every row: each group's validation, indicators, statuses and score. The largest group's
    branch comes first and has every row, in order; then a branch per other group, with its rows."""
    run = _Run(pl.DataFrame(), [], groups, {})
    good = [g for g in groups if g.error is None]
    first = [(pl.col("_suspect"), SUSPECT)] if suspect else []
    outside = [(pl.col("application_date").is_null(), NO_DATE)] + [(g.key(), LAW_ERROR - i) for i, g in enumerate(groups) if g.error]
    if not good:
        code = pl.lit(None, dtype=pl.Int32)
        for cond, value in reversed(first + outside):
            code = pl.when(cond).then(pl.lit(value, dtype=pl.Int32)).otherwise(code)
        return df.select("_row", "id", code.alias("_error_check")), run
    main = max(good, key=lambda g: g.rows)
    branches = []
    for g in [main, *(g for g in good if g is not main)]:
        # the largest group's branch takes every row (the other groups' rows are then overwritten: no filter, no
        # sort); each other group's branch takes its own rows
        part = df if g is main else df.filter(g.key())
        ev = Evaluator(Group(g.law, g.prog, g.when, overrides))
        planned, rules = validate(ev.base(part), ev, first=first + (outside if g is main else []), offset=len(run.rules), trusted=trusted)
        run.rules += rules
        result, criteria = ev.evaluate(planned, has_base=True)
        run.criteria[(g.prog.id, g.law.id)] = [f"c_{d.id}" for d in criteria]
        branches.append(_finish(result, ev, criteria))
    return (branches[0] if len(branches) == 1 else pl.concat(branches, how="diagonal_relaxed")), run


def _run(df: pl.LazyFrame, *, suspect: bool, trusted: bool, as_of: dt.date | None, programme: str | None, overrides: dict | None,
         batches: Callable[..., Iterator[pl.DataFrame]] | None = None, progress: Callable[[int, int], None] | None = None,
         ready: Callable[[], None] | None = None) -> _Run:
    """Plan and run a batch over a lazy typed frame with ``_row`` (and ``_suspect`` when ``suspect``)."""
    if as_of is not None:
        df = df.with_columns(pl.lit(as_of).alias("application_date"))
    if programme is not None:
        df = df.with_columns(pl.lit(programme).alias("programme"))
    df = df.with_columns(pl.col("programme").fill_null("national"))
    groups, total = _groups(df, ready)
    query, run = _plan(df, groups, suspect=suspect, trusted=trusted, overrides=overrides)
    parts: list[pl.DataFrame] = []
    done = 0
    if total:
        # streamed in morsels (independent columns in parallel, shared subexpressions once); the batches move the
        # progress bar (the first branch has every row: the other groups' branches follow, short)
        for batch in (batches or _collect_batches)(query, engine=ENGINE):
            parts.append(batch)
            done += batch.height
            if progress:
                progress(min(done, total), total)
    if not parts:
        run.out = pl.DataFrame(schema=query.collect_schema())
        return run
    if done > total:
        parts = _overwrite(parts, total)
    run.out = pl.concat(parts, rechunk=False)
    return run


def _overwrite(parts: list[pl.DataFrame], total: int) -> list[pl.DataFrame]:
    """The first ``total`` rows (the largest group's branch, every row in order) with the rows of the other
    groups' branches (after them) written over."""
    main: list[pl.DataFrame] = []
    rest: list[pl.DataFrame] = []
    seen = 0
    for batch in parts:
        take = max(min(batch.height, total - seen), 0)
        if take:
            main.append(batch.slice(0, take) if take < batch.height else batch)
        if take < batch.height:
            rest.append(batch.slice(take))
        seen += batch.height
    parts.clear()
    others = pl.concat(rest).sort("_row")
    rows = others.get_column("_row")
    for i, batch in enumerate(main):
        first, last = batch.get_column("_row")[0], batch.get_column("_row")[-1]
        lo, hi = rows.search_sorted(first, side="left"), rows.search_sorted(last, side="right")
        if hi <= lo:
            continue
        sub = others.slice(lo, hi - lo)
        at = batch.get_column("_row").search_sorted(sub.get_column("_row"))
        columns = batch.get_columns()
        main[i] = batch = None  # the columns alone hold their data now: a scatter may write in place
        for j, col in enumerate(columns):  # only the columns whose values differ (a scatter may copy the column)
            new = sub.get_column(col.name).cast(col.dtype)
            if not col.gather(at).equals(new, check_names=False, null_equal=True):
                columns[j] = col.scatter(at, new)
        main[i] = pl.DataFrame(columns)
    return main


def _collect_batches(query: pl.LazyFrame, **options) -> Iterator[pl.DataFrame]:
    yield from query.collect_batches(**options)


def _batch_errors(run: _Run, frame: pl.DataFrame) -> list[RowError]:
    """The errors of the rows of ``frame`` (a part of ``run.out``) whose ``_error_check`` is set (suspects excluded)."""
    errors: list[RowError] = []
    for r, code in frame.select("_row", "_error_check").iter_rows():
        if code >= 0:
            column, zh, en = run.rules[code]
            errors.append(RowError(r, column, "", zh, en))
        elif code == NO_DATE:
            errors.append(RowError(r, "application_date", "", "缺少申请日期（或使用 --as-of 指定）", "application date missing (or give --as-of)"))
        elif code <= LAW_ERROR:
            g = run.groups[LAW_ERROR - code]
            errors.append(RowError(r, "programme", str(g.programme), g.error.message_zh, g.error.message_en))
    return errors


def _ordered(results: pl.DataFrame, criteria: dict[tuple[str, str], list[str]]) -> pl.DataFrame:
    """Results columns in a fixed order: identity, verdict, the criteria (the national programme's first, then
    each programme's own; older law versions after), score, gap, indicators, breakdown keys."""
    if not results.width:
        return results
    order = {p: i for i, p in enumerate(programmes())}
    starts = {k: v.start for k, v in law_versions().items()}
    crit: list[str] = []
    for (prog, law) in sorted(criteria, key=lambda k: (order.get(k[0], len(order)), -starts[k[1]].toordinal())):
        crit += [c for c in criteria[(prog, law)] if c not in crit]
    names = set(results.columns)
    keep = ["_row", "id", "name", "programme", "law_version", "verdict", *crit, "score_min", "score_max", "score_verdict", "main_gap",
            *INDICATOR_COLUMNS, "province", "field", "size_band"]
    keep = [c for c in keep if c in names]
    return results if keep == results.columns else results.select(keep)


def run_batch(frame: pl.DataFrame, *, as_of: dt.date | None = None, programme: str | None = None, rows: list[int] | pl.Series | None = None,
              progress: Callable[[int], None] | None = None, overrides: dict | None = None) -> BatchResult:
    """Assess every row of a typed frame (see :mod:`hnte.batch.columns`); ``rows`` are the file's row numbers.
    ``progress(n)`` is called as each batch of ``n`` rows is done."""
    row_numbers = rows if isinstance(rows, pl.Series) else pl.Series("_row", rows if rows is not None else range(1, frame.height + 1), dtype=pl.Int64)
    df = frame.with_columns(row_numbers.cast(pl.Int64).alias("_row")).lazy()
    done = [0]

    def advance(n: int, _total: int) -> None:
        progress(n - done[0])
        done[0] = n

    run = _run(df, suspect=False, trusted=False, as_of=as_of, programme=programme, overrides=overrides, progress=advance if progress else None)
    results, errors = _settle(run)
    return BatchResult(_ordered(results, run.criteria), errors)


def _settle(run: _Run, out: pl.DataFrame | None = None) -> tuple[pl.DataFrame, list[RowError]]:
    """Results without the rows in error, and the errors, by row (of ``out``, by default ``run.out``)."""
    out = run.out if out is None else out
    if not run.criteria:  # no group could be assessed
        return pl.DataFrame(), sorted(_batch_errors(run, out.filter(pl.col("_error_check").is_not_null())), key=lambda e: e.row)
    bad = out.get_column("_error_check").is_not_null()
    errors: list[RowError] = []
    if bad.any():
        errors = _batch_errors(run, out.filter(bad))
        out = out.filter(~bad)
    return out.drop("_error_check"), sorted(errors, key=lambda e: e.row)


def assess_table(path: str | Path, *, as_of: dt.date | None = None, programme: str | None = None, overrides: dict | None = None,
                 progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Read and assess a table file in one streamed pass (what ``hnte batch`` does).

    The same answers and errors as :func:`~hnte.batch.table.read_table` then :func:`run_batch` (read errors
    included, by row), without holding the typed table in memory: rows the reader's fast path cannot vouch for
    are read again the exact way and assessed after. ``progress(done, total)`` follows the rows.
    """
    loading = warm_up()  # the rules load while the file's headers and groups are read
    try:
        return _assess_scan(scan_table(path), as_of=as_of, programme=programme, overrides=overrides, progress=progress, ready=loading.join)
    except _NotUtf8:
        return _assess_scan(scan_table(path, gb18030=True), as_of=as_of, programme=programme, overrides=overrides, progress=progress,
                            ready=loading.join)


def _assess_scan(scan: TableScan, *, as_of: dt.date | None, programme: str | None, overrides: dict | None,
                 progress: Callable[[int, int], None] | None, ready: Callable[[], None]) -> BatchResult:
    with scan.reading():  # the reader's errors as InputError
        run = _run(scan.typed, suspect=True, trusted=True, as_of=as_of, programme=programme, overrides=overrides,
                   batches=scan.batches, progress=progress, ready=ready)
    out = run.out
    codes = out.get_column("_error_check")
    suspect = (codes == SUSPECT).fill_null(False)
    if suspect.any():
        suspects = out.filter(suspect).get_column("_row")
        out = out.filter(~suspect)
    else:
        suspects = pl.Series("_row", [], dtype=pl.Int64)
    read, repeated = scan.finish(out.get_column("_row"), out.get_column("id"), suspects)
    errors = list(read.errors) + [e for _, e in repeated]
    if repeated:  # a repeated id is a read error: the row is left out, and its other checks are not reported
        out = out.filter(~pl.repeat(False, out.height, eager=True).scatter([i for i, _ in repeated], True))
    results, batch_errors = _settle(run, out)
    errors += batch_errors
    criteria = dict(run.criteria)
    if read.frame.height:  # the suspect rows that read well
        sub = _run(read.frame.with_columns(read.source_rows.cast(pl.Int64).alias("_row")).lazy(), suspect=False, trusted=False,
                   as_of=as_of, programme=programme, overrides=overrides)
        sub_results, sub_errors = _settle(sub)
        errors += sub_errors
        criteria.update(sub.criteria)
        if sub_results.height:
            results = pl.concat([results, sub_results], how="diagonal_relaxed").sort("_row") if results.width else sub_results
    return BatchResult(_ordered(results, criteria), sorted(errors, key=lambda e: e.row))


def render_summary(summary: dict, console, lang: str = "zh") -> None:
    """The batch summary: counts by verdict and the criteria that fail most."""
    from rich.table import Table

    zh = lang == "zh"
    names = {"eligible": "符合" if zh else "eligible", "not_eligible": "不符合" if zh else "not eligible",
             "undetermined": "待定" if zh else "undetermined"}
    table = Table(title=("批量评估：" if zh else "Batch: ") + f"{summary['assessed']:,}" + (" 家已评估" if zh else " assessed"))
    table.add_column("结论" if zh else "Verdict")
    table.add_column("企业数" if zh else "Enterprises", justify="right")
    for key, label in names.items():
        table.add_row(label, f"{summary['by_verdict'].get(key, 0):,}")
    table.add_row("有错误的行" if zh else "rows with errors", f"{summary['errors']:,}")
    console.print(table)
    fails = [(k, v) for k, v in summary["fails_by_criterion"].items() if v][:8]
    if fails:
        t2 = Table(title="最常不满足的条件" if zh else "Criteria failed most")
        t2.add_column("条件" if zh else "Criterion")
        t2.add_column("不满足" if zh else "Failed", justify="right")
        for k, v in fails:
            t2.add_row(k, f"{v:,}")
        console.print(t2)
    console.print(("结果：" if zh else "results: ") + summary["output"] + ("；错误：" if zh else "; errors: ") + summary["errors_file"])
