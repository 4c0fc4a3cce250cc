"""``hnte synth N --seed S -o FILE``: write a synthetic population as Parquet, CSV or XLSX.

Files carry the table as documented in :mod:`hnte.batch.columns` — canonical English headers, money in
yuan and staff in persons as exact two-decimal numbers (Parquet ``decimal(18, 2)``), dates ISO, booleans
``true``/``false`` — not the in-memory fen/hundredths integers. CSV is UTF-8 with a BOM (so Excel shows the
Chinese names). XLSX is limited to :data:`XLSX_MAX_ROWS` rows (a workbook that size is already slow to
write and open; use Parquet or CSV beyond it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

import polars as pl

from hnte.batch.columns import COLUMNS, SCALE
from hnte.batch.synth import DEFAULT_APPLICATION_DATE, synth
from hnte.core.errors import InputError, InputIssue

XLSX_MAX_ROWS = 200_000
FORMATS = (".parquet", ".csv", ".xlsx")
EXTERNAL_DECIMAL = pl.Decimal(18, 2)
ROW_GROUP = 65_536  # Parquet row groups: a reader streaming the file (hnte batch) starts sooner and holds less


def to_external(frame: pl.DataFrame) -> pl.DataFrame:
    """The typed frame in file units: fen → yuan and hundredths → persons as exact ``decimal(18, 2)``."""
    exprs = []
    for col in COLUMNS:
        if col.name not in frame.columns:
            continue
        if col.kind in SCALE:
            exprs.append((pl.col(col.name).cast(EXTERNAL_DECIMAL) / SCALE[col.kind]).cast(EXTERNAL_DECIMAL).alias(col.name))
        else:
            exprs.append(pl.col(col.name))
    return frame.select(exprs)


def write_population(frame: pl.DataFrame, path: str | Path) -> None:
    """Write a typed frame to ``path`` in the format its extension names (.parquet, .csv, .xlsx)."""
    p = Path(path)
    ext = p.suffix.lower()
    out = to_external(frame)
    if ext == ".parquet":
        out.write_parquet(p, row_group_size=ROW_GROUP)
    elif ext == ".csv":
        out.write_csv(p, include_bom=True)
    elif ext == ".xlsx":
        out.write_excel(p, worksheet="enterprises", autofit=False, autofilter=False,
                        dtype_formats={EXTERNAL_DECIMAL: "0.00", pl.Date: "yyyy-mm-dd"})
    else:  # pragma: no cover - checked by cmd_synth
        raise ValueError(f"unsupported extension {ext!r}")


def _issue(path: str, zh: str, en: str) -> InputError:
    return InputError("hnte synth", [InputIssue(path, zh, en)])


def _date(text: str | dt.date | None) -> dt.date:
    if text is None:
        return DEFAULT_APPLICATION_DATE
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _issue("--application-date", f"应为日期 YYYY-MM-DD，实际为 \"{text}\"", f"expected a date YYYY-MM-DD, got \"{text}\"") from None


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``hnte synth`` (for wiring into :mod:`hnte.cli`)."""
    p.add_argument("n", type=int, help="number of enterprises")
    p.add_argument("--seed", type=int, default=0, help="random seed (same N and seed → same table; default 0)")
    p.add_argument("-o", "--output", required=True, help="population.parquet | population.csv | population.xlsx (≤ 200,000 rows)")
    p.add_argument("--application-date", help=f"application date of every row, YYYY-MM-DD (default {DEFAULT_APPLICATION_DATE})")
    p.add_argument("--lang", choices=["zh", "en"], help="output language (default zh, or $HNTE_LANG)")


def cmd_synth(args: argparse.Namespace) -> int:
    """Generate ``args.n`` enterprises from ``args.seed`` and write them to ``args.output``; 0 on success.

    Bad arguments raise :class:`InputError` (the CLI prints it and exits 2).
    """
    lang = getattr(args, "lang", None) or os.environ.get("HNTE_LANG", "zh")
    n = int(args.n)
    seed = int(getattr(args, "seed", 0) or 0)
    output = Path(args.output)
    when = _date(getattr(args, "application_date", None))
    if n < 1:
        raise _issue("N", f"企业数应为正整数，实际为 {n}", f"expected a positive number of enterprises, got {n}")
    ext = output.suffix.lower()
    if ext not in FORMATS:
        raise _issue("--output", f"不支持的文件类型 \"{output.suffix or output.name}\"，应为 .parquet、.csv 或 .xlsx",
                     f"unsupported file type \"{output.suffix or output.name}\"; expected .parquet, .csv or .xlsx")
    if ext == ".xlsx" and n > XLSX_MAX_ROWS:
        raise _issue("--output", f"XLSX 最多写入 {XLSX_MAX_ROWS:,} 家企业（请求 {n:,} 家），更大的群体请用 .parquet 或 .csv",
                     f"XLSX is limited to {XLSX_MAX_ROWS:,} enterprises ({n:,} requested); use .parquet or .csv for larger populations")
    if output.parent and not output.parent.exists():
        raise _issue("--output", f"目录不存在：{output.parent}", f"directory does not exist: {output.parent}")
    frame = synth(n, seed, when)
    write_population(frame, output)
    if lang == "en":
        print(f"wrote {frame.height:,} synthetic enterprises (seed {seed}, application date {when}) to {output}")
    else:
        print(f"已生成 {frame.height:,} 家模拟企业（种子 {seed}，申请日期 {when}），写入 {output}")
    return 0
