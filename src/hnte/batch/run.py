"""Running a batch: group rows by programme and parameter epoch, validate, evaluate, summarise.

A bad row never stops the run: it becomes a :class:`RowError` (row number, column, message) and the
other rows are assessed.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import polars as pl

from hnte.batch.columns import COLUMNS, RANGES, SCALE
from hnte.batch.table import RowError
from hnte.batch.vector import Evaluator, Group
from hnte.core.errors import LawVersionError
from hnte.core.parameters import load_all
from hnte.core.registry import law_versions, programmes, select

INDICATOR_COLUMNS = ("registration_days", "rd_ratio", "rd_ratio_min", "rd_domestic_share", "staff_science_tech_ratio",
                     "staff_college_ratio", "staff_rd_staff_ratio", "high_tech_ratio", "main_products_share", "ip_usable",
                     "conversions_average", "growth_net_assets", "growth_total_assets", "growth_sales")
CHUNK = 1_000_000
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
    """Load the rules, the dated parameters and the epochs in a background thread (while a table is read)."""
    from hnte.core.registry import load_rules

    def work() -> None:
        load_rules()
        _boundaries()

    thread = threading.Thread(target=work, name="hnte-warm-up", daemon=True)
    thread.start()
    return thread


def validate(df: pl.LazyFrame, ev: Evaluator) -> tuple[pl.LazyFrame, list[tuple[str, str, str]]]:
    """The cross-field rules of the application file, vectorised: adds ``_error_check``, the index of the first
    rule a row breaks (null when none), and returns the rules' (column, message zh, message en)."""
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
    checks.append((c("credit_code").is_not_null() & ~c("credit_code").str.contains(r"^[0-9A-HJ-NPQRTUWXY]{18}$"), "credit_code",
                   "统一社会信用代码格式不正确", "malformed unified social credit code"))
    checks.append((c("region_code").is_not_null() & ~c("region_code").str.contains(r"^[0-9]{6}$"), "region_code",
                   "行政区划代码应为6位数字", "region code must be 6 digits"))
    from hnte.registries import catalogue

    cat, _ = catalogue.in_force(p)  # the single engine's Catalogue.check, vectorised
    code = c("technical_field")
    recorded = list(cat.entries)
    deeper = code.str.contains(catalogue.CODE_PATTERN) & (code.str.count_matches(r"\.") + 1 > cat.checked_levels)
    prefix = code.str.extract(rf"^(\d+(?:\.\d+){{0,{cat.checked_levels - 1}}})", 1)
    valid = code.is_in(recorded) | (deeper & prefix.is_in(recorded))
    checks.append((code.is_not_null() & ~valid, "technical_field", "技术领域代码不在《国家重点支持的高新技术领域》中",
                   "technical field not in the catalogue"))
    if p.has("scoring.rd_management.items"):
        for key, top_points in p.ref("scoring.rd_management.items").value.items():
            checks.append((c(f"assess_rd_{key}") > int(top_points), f"assess_rd_{key}", f"应为 0 到 {top_points} 的整数",
                           f"expected an integer from 0 to {top_points}"))
    checks.append((c("assess_rd_2008_met") > 5, "assess_rd_2008_met", "应为 0 到 5", "expected 0 to 5"))
    for column in COLUMNS:  # ranges of the typed table (the readers check them too; frames may come from elsewhere)
        low, high = RANGES.get(column.kind, (None, None))
        if low is not None:
            checks.append((c(column.name) < low * SCALE.get(column.kind, 1), column.name, f"不能小于 {low}", f"must not be below {low}"))
        if high is not None:
            checks.append((c(column.name) > high, column.name, f"不能大于 {high}", f"must not exceed {high}"))
    index = pl.lit(None, dtype=pl.Int32)
    for i in reversed(range(len(checks))):
        index = pl.when(checks[i][0].fill_null(False)).then(pl.lit(i, dtype=pl.Int32)).otherwise(index)
    return df.with_columns(index.alias("_error_check")), [(name, zh, en) for _, name, zh, en in checks]


def _finish(df: pl.DataFrame, ev: Evaluator, criteria) -> pl.DataFrame:
    ids = [f"c_{d.id}" for d in criteria]
    any_fail = pl.any_horizontal([pl.col(i) == False for i in ids]).fill_null(False)  # noqa: E712
    all_pass = pl.all_horizontal([pl.col(i).fill_null(False) for i in ids])
    verdict = (pl.when(any_fail).then(pl.lit("not_eligible", dtype=VERDICT)).when(all_pass).then(pl.lit("eligible", dtype=VERDICT))
               .otherwise(pl.lit("undetermined", dtype=VERDICT)))
    gap = pl.lit(None, dtype=pl.String)
    for i in reversed(ids):
        gap = pl.when(pl.col(i).is_null()).then(pl.lit(i[2:] + " (unknown)")).otherwise(gap)
    for i in reversed(ids):
        gap = pl.when(pl.col(i) == False).then(pl.lit(i[2:])).otherwise(gap)  # noqa: E712
    out = df.with_columns(verdict.alias("verdict"), gap.alias("main_gap"),
                          pl.lit(ev.g.law.id).alias("law_version"), pl.lit(ev.g.programme.id).alias("programme"),
                          *[pl.when(pl.col(i)).then(pl.lit("pass", dtype=STATUS)).when(~pl.col(i)).then(pl.lit("fail", dtype=STATUS))
                            .otherwise(pl.lit("unknown", dtype=STATUS)).alias(i) for i in ids])
    size = (pl.when(pl.col("y3_sales_revenue").is_null()).then(pl.lit(None, dtype=pl.String))
            .when(pl.col("y3_sales_revenue") <= 50_000_000_00).then(pl.lit("≤5000万"))
            .when(pl.col("y3_sales_revenue") <= 200_000_000_00).then(pl.lit("5000万–2亿")).otherwise(pl.lit(">2亿")))
    out = out.with_columns(size.alias("size_band"), pl.col("region_code").str.slice(0, 2).alias("province"),
                           pl.col("technical_field").str.extract(r"^(\d+)", 1).alias("field"))
    names = set(out.collect_schema().names())
    keep = ["_row", "_error_check", "id", "name", "programme", "law_version", "verdict", *ids, "score_min", "score_max", "score_verdict", "main_gap",
            *[x for x in INDICATOR_COLUMNS if x in names], "province", "field", "size_band"]
    return out.select(keep)


def run_batch(frame: pl.DataFrame, *, as_of: dt.date | None = None, programme: str | None = None, rows: list[int] | pl.Series | None = None,
              progress: Callable[[int], None] | None = None, overrides: dict | None = None) -> BatchResult:
    """Assess every row of a typed frame (see :mod:`hnte.batch.columns`); ``rows`` are the file's row numbers."""
    row_numbers = rows if isinstance(rows, pl.Series) else pl.Series("_row", rows if rows is not None else range(1, frame.height + 1), dtype=pl.Int64)
    df = frame.with_columns(row_numbers.cast(pl.Int64).alias("_row"))
    if as_of is not None:
        df = df.with_columns(pl.lit(as_of).alias("application_date"))
    if programme is not None:
        df = df.with_columns(pl.lit(programme).alias("programme"))
    df = df.with_columns(pl.col("programme").fill_null("national"))
    errors: list[RowError] = []
    missing_date = df.filter(pl.col("application_date").is_null())
    errors += [RowError(r, "application_date", "", "缺少申请日期（或使用 --as-of 指定）", "application date missing (or give --as-of)")
               for r in missing_date["_row"]]
    df = df.filter(pl.col("application_date").is_not_null())
    bounds = list(_boundaries())
    df = _with_epoch(df, bounds)
    parts: list[pl.DataFrame] = []
    keys = df.select("programme", "_epoch").unique(maintain_order=True)
    groups = [((keys["programme"][0], keys["_epoch"][0]), df)] if keys.height == 1 else \
        df.partition_by(["programme", "_epoch"], maintain_order=True, as_dict=True).items()  # a single group is not copied
    for (prog_id, _epoch), part in groups:
        when = part["application_date"][0]
        try:
            law, prog = select(prog_id, when)
        except LawVersionError as e:
            errors += [RowError(r, "programme", str(prog_id), e.message_zh, e.message_en) for r in part["_row"]]
            continue
        ev = Evaluator(Group(law, prog, when, overrides))
        for offset in range(0, part.height, CHUNK):  # chunks bound memory and move the progress bar
            # one lazy plan per chunk: validation, indicators, statuses and score together (shared subexpressions,
            # independent columns in parallel); rows breaking a rule are evaluated too, then set aside
            planned, rules = validate(ev.base(part.slice(offset, CHUNK).lazy()), ev)
            result, criteria = ev.evaluate(planned, has_base=True)
            done = _finish(result, ev, criteria).collect(engine=ENGINE)
            bad = done.filter(pl.col("_error_check").is_not_null())
            for r, i in bad.select("_row", "_error_check").iter_rows():
                column, zh, en = rules[i]
                errors.append(RowError(r, column, "", zh, en))
            if bad.height:
                done = done.filter(pl.col("_error_check").is_null())
            parts.append(done.drop("_error_check"))
            if progress:
                progress(min(CHUNK, part.height - offset))
    results = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    if len(parts) > 1:
        results = results.sort("_row")
    return BatchResult(results, sorted(errors, key=lambda e: e.row))


def _with_epoch(df: pl.DataFrame, bounds: list[dt.date]) -> pl.DataFrame:
    """The parameter epoch of each row: how many boundary dates are on or before its application date."""
    epoch = pl.lit(0, dtype=pl.Int64)
    for b in bounds:
        epoch = epoch + (pl.col("application_date") >= b).cast(pl.Int64)
    return df.with_columns(epoch.alias("_epoch"))


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
