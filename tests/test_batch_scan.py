"""``assess_table`` (read and assess in one streamed pass, what ``hnte batch`` does) gives exactly what
``read_table`` then ``run_batch`` give: the same results, in the same order, and the same errors.

The files are a synthetic population with every kind of trouble planted: cells only the exact per-cell path
reads (thousands separators, spaces, ``2024/6/30``), bad cells, repeated ids (first occurrence good, bad or
suspect), blank rows, the template's unit row, rows without a date, programmes not in force, rows breaking
a cross-field rule, several programmes and law versions in one file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from hnte.batch.run import assess_table, run_batch
from hnte.batch.synth import synth
from hnte.batch.synth_cli import to_external
from hnte.batch.table import read_table, write_table
from hnte.core.errors import InputError


def _reference(path: Path, **options):
    read = read_table(path)
    batch = run_batch(read.frame, rows=read.source_rows, **{k: v for k, v in options.items() if k != "progress"})
    return batch.results, sorted(list(read.errors) + batch.errors, key=lambda e: e.row)


def _same(path: Path, **options) -> None:
    expected, expected_errors = _reference(path, **options)
    got = assess_table(path, **options)
    assert_frame_equal(got.results, expected)
    assert got.errors == expected_errors


def _text_rows(n: int, seed: int) -> tuple[list[str], list[list[str]]]:
    """A synthetic population as CSV text cells (yuan, ISO dates, true/false)."""
    buf = io.StringIO()
    to_external(synth(n, seed)).write_csv(buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    return rows[0], rows[1:]


def _messy(n: int = 400, seed: int = 5) -> tuple[list[str], list[list[str]]]:
    header, rows = _text_rows(n, seed)
    col = {h: i for i, h in enumerate(header)}

    def put(r: int, name: str, value: str) -> None:
        rows[r][col[name]] = value

    put(0, "y3_sales_revenue", "1,234,567.50")  # slow path, good
    put(1, "name", "  带空格的名称  ")  # slow path (stripped), good
    put(2, "application_date", "2024/6/30")  # slow path, good
    put(3, "y2_net_assets", "abc")  # bad cell
    put(4, "y3_operating_months", "13")  # out of range
    put(5, "id", rows[7][col["id"]])  # repeats a later id: row 9 becomes the repeat
    put(10, "id", rows[3][col["id"]])  # repeats the id of a bad row
    put(11, "id", " " + rows[1][col["id"]] + " ")  # repeats a suspect row's id, itself suspect
    put(12, "application_date", "")  # no date
    put(13, "programme", "suzhou-cultivation")  # not in force in 2024
    put(14, "programme", "beijing-pilot")
    put(15, "programme", "beijing-pilot")
    put(15, "y3_rd_other", "7,000")  # a suspect row in a small group
    put(16, "non_taxable_income", "999999999999")  # breaks a cross-field rule
    put(17, "technical_field", "9.9.9")  # not in the catalogue
    put(18, "application_date", "2014-05-20")  # 2008 law version
    put(19, "programme", "nationl")  # not a programme
    put(20, "credit_code", "91110108MA01ABCD1")  # malformed
    put(21, "incident_date", "2030-01-01")  # after the application date
    put(22, "id", "")  # required
    rows[23] = [""] * len(header)  # blank row
    rows[24] = ["", "  "] + [""] * (len(header) - 2)  # a row of spaces only
    return header, rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]], *, unit_row: bool = False, encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    if unit_row:
        w.writerow(["单位"] + [""] * (len(header) - 1))
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_messy_csv(tmp_path):
    header, rows = _messy()
    path = _write_csv(tmp_path / "messy.csv", header, rows, unit_row=True)
    _same(path)
    got = assess_table(path)
    assert {e.row for e in got.errors} >= {6, 7, 10}  # the unit row counts: data row i (from 0) is file row i + 3
    assert got.results.height > 300


@pytest.mark.parametrize("options", [{"as_of": dt.date(2023, 5, 10)}, {"programme": "beijing-pilot"},
                                     {"overrides": {"scoring.pass_mark.min": 65}}])
def test_messy_csv_with_options(tmp_path, options):
    header, rows = _messy(200, 6)
    _same(_write_csv(tmp_path / "messy.csv", header, rows), **options)


def test_gb18030_csv(tmp_path):
    header, rows = _messy(60, 7)
    rows[0][1] = "北京示例有限公司"
    _same(_write_csv(tmp_path / "gb.csv", header, rows, encoding="gb18030"))


def test_parquet_typed_and_text(tmp_path):
    frame = synth(3000, 11).with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("beijing-pilot")).otherwise(pl.col("programme")).alias("programme"),
        pl.when(pl.int_range(pl.len()) == 6).then(None).otherwise(pl.col("application_date")).alias("application_date"),
        pl.when(pl.int_range(pl.len()) == 7).then(pl.lit(-1)).otherwise(pl.col("y3_sales_revenue")).alias("y3_sales_revenue"),
        pl.when(pl.int_range(pl.len()) == 8).then(pl.col("id").first()).otherwise(pl.col("id")).alias("id"))
    path = tmp_path / "pop.parquet"
    write_table(frame, path)
    _same(path)
    header, rows = _messy(300, 8)  # every column as text
    pl.DataFrame({h: [r[i] or None for r in rows] for i, h in enumerate(header)}).write_parquet(tmp_path / "text.parquet")
    _same(tmp_path / "text.parquet")


def test_xlsx(tmp_path):
    header, rows = _messy(80, 9)
    frame = pl.DataFrame({h: [r[i] or None for r in rows] for i, h in enumerate(header)})
    path = tmp_path / "messy.xlsx"
    frame.write_excel(path)
    _same(path)


def test_only_some_columns_and_every_row_in_error(tmp_path):
    _same(_write_csv(tmp_path / "few.csv", ["id", "application_date", "y3_sales_revenue"], [["a", "2024-06-30", "10"], ["b", "", "x"]]))
    _same(_write_csv(tmp_path / "none.csv", ["id", "programme", "application_date"], [["a", "suzhou-cultivation", "2024-06-30"]]))
    _same(_write_csv(tmp_path / "empty.csv", ["id", "name"], []))


def test_progress_follows_the_rows(tmp_path):
    path = tmp_path / "pop.parquet"
    write_table(synth(5000, 3), path)
    seen: list[tuple[int, int]] = []
    assess_table(path, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (5000, 5000) and all(t == 5000 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_file_level_errors_are_the_readers(tmp_path):
    for path in (tmp_path / "missing.csv", _write_csv(tmp_path / "bad.csv", ["idd", "name"], [["a", "b"]])):
        with pytest.raises(InputError) as got:
            assess_table(path)
        with pytest.raises(InputError) as expected:
            read_table(path)
        assert got.value.issues == expected.value.issues

