"""The batch table: reading and writing CSV / XLSX / Parquet, the template, errors, the docs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from conftest import EXAMPLES
from hnte.application import parse_application
from hnte.application.model import Application
from hnte.batch import table as T
from hnte.batch.columns import COLUMNS
from hnte.batch.convert import row_to_application
from hnte.batch.synth import frame_rows_as_python
from hnte.batch.table import (
    SCHEMA,
    TableRead,
    columns_markdown,
    example_frame,
    read_application_folder,
    read_table,
    write_errors,
    write_table,
    write_template,
)
from hnte.core.errors import InputError
from hnte.engine import assess

ROOT = Path(__file__).resolve().parent.parent


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _errors(read: TableRead) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.value) for e in read.errors]


def _frame(rows: list[dict]) -> pl.DataFrame:
    """A typed frame: the given columns, every other schema column null."""
    full = [{c.name: r.get(c.name) for c in COLUMNS} for r in rows]
    return pl.DataFrame(full, schema=SCHEMA)


# ---------------------------------------------------------------------------------------------------
# documentation and headers


def test_docs_column_tables_are_generated_from_the_schema():
    doc = (ROOT / "docs" / "batch-table.md").read_text(encoding="utf-8")
    start, end = doc.index(T.DOC_START) + len(T.DOC_START), doc.index(T.DOC_END)
    assert doc[start:end].strip() == columns_markdown().strip(), (
        "docs/batch-table.md is stale: paste columns_markdown() between the columns markers")
    for c in COLUMNS:
        assert f"`{c.name}` | {c.alias_zh} |" in doc


def test_every_header_and_alias_resolves_uniquely():
    assert len(T._HEADER_LOOKUP) == 2 * len(COLUMNS)  # no two names fold to the same key
    for c in COLUMNS:
        assert T.resolve_header(c.name) == c.name
        assert T.resolve_header(c.alias_zh) == c.name
        assert T.resolve_header(f"  {c.alias_zh} ") == c.name
    assert T.resolve_header("Ⅰ类知识产权(自主研发)") == "ip_class1_self"  # half-width brackets
    assert T.resolve_header("Y3_SALES_REVENUE") == "y3_sales_revenue"
    assert T.resolve_header("销售收入") is None


# ---------------------------------------------------------------------------------------------------
# round trips


ROUND_TRIP_ROWS = [
    {"id": "E-1", "name": "杭州甲科技有限公司", "programme": "national", "application_date": dt.date(2024, 6, 30),
     "registration_date": dt.date(2015, 1, 2), "region_code": "330106", "industry": "industrial",
     "above_designated_size": True, "previously_identified": False,
     "y1_sales_revenue": 1, "y1_net_assets": -123456, "y2_net_assets": -5, "y3_net_assets": 0,
     "y3_sales_revenue": 99_999_999_999_999_999, "y2_sales_revenue": 123_456_789_012_34,
     "y3_rd_other": 150, "staff_total": 6425, "staff_science_tech": 1, "ip_class1_self": 3,
     "y3_operating_months": 12, "assess_technology_advancement": "C", "assess_standards": False, "assess_rd_system": 6},
    {"id": "E-2"},
    {"id": "0042", "name": "a, \"quoted\" name\non two lines", "credit_code": "91110108MA01ABCD1X", "technical_field": "1.10",
     "incident_date": dt.date(2023, 2, 28), "y1_operating_months": 1, "total_income": 0, "non_taxable_income": 0,
     "staff_rd": 0, "pilot_field": "biomedicine"},
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_write_then_read_gives_the_same_typed_frame(tmp_path, suffix):
    frame = _frame(ROUND_TRIP_ROWS)
    path = tmp_path / f"batch{suffix}"
    write_table(frame, path)
    assert not (tmp_path / f"batch{suffix}.part").exists()
    read = read_table(path)
    assert read.errors == []
    assert read.frame.schema == pl.Schema(SCHEMA)
    assert read.frame.equals(frame)
    assert read.source_rows.to_list() == [2, 3, 4]
    assert read.rows_read == 3 and read.rows_rejected == 0
    assert read.columns == [c.name for c in COLUMNS]


def test_csv_is_written_in_yuan_with_a_bom(tmp_path):
    path = tmp_path / "out.csv"
    write_table(_frame(ROUND_TRIP_ROWS[:1]), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    row = dict(zip(*[line.split(",") for line in raw.decode("utf-8-sig").splitlines()[:2]], strict=True))
    assert row["y1_sales_revenue"] == "0.01"
    assert row["y1_net_assets"] == "-1234.56"
    assert row["y2_net_assets"] == "-0.05"
    assert row["y3_sales_revenue"] == "999999999999999.99"
    assert row["y3_rd_other"] == "1.50"
    assert row["staff_total"] == "64.25"
    assert row["above_designated_size"] == "true"


def test_parquet_holds_exact_decimals_and_xlsx_numbers(tmp_path):
    frame = _frame(ROUND_TRIP_ROWS[:1])
    write_table(frame, tmp_path / "out.parquet")
    raw = pl.read_parquet(tmp_path / "out.parquet")
    assert raw.schema["y1_net_assets"] == pl.Decimal(18, 2)
    assert raw["y1_net_assets"][0] == Decimal("-1234.56")
    assert raw["staff_total"][0] == Decimal("64.25")
    write_table(frame, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert ws[1][0].font.bold and ws.freeze_panes == "A2"
    assert values["y1_net_assets"] == -1234.56
    assert values["y3_sales_revenue"] == "999999999999999.99"  # beyond 15 digits: exact text, not a float


def test_write_table_takes_any_columns_and_rejects_unknown_formats(tmp_path):
    results = pl.DataFrame({"id": ["a", "b"], "verdict": ["eligible", "not_eligible"], "score_min": [71, None],
                            "ratio": [0.5, 1.25], "when": [dt.date(2024, 1, 1), None], "tags": [["x", "y"], []]})
    for suffix in (".csv", ".xlsx", ".parquet"):
        write_table(results, tmp_path / f"results{suffix}")
    assert pl.read_csv(tmp_path / "results.csv")["verdict"].to_list() == ["eligible", "not_eligible"]
    assert pl.read_parquet(tmp_path / "results.parquet").equals(results)
    ws = openpyxl.load_workbook(tmp_path / "results.xlsx").worksheets[0]
    assert [c.value for c in ws[1]] == ["id", "verdict", "score_min", "ratio", "when", "tags"]
    assert [c.value for c in ws[2]][:4] == ["a", "eligible", 71, 0.5]
    with pytest.raises(InputError) as exc:
        write_table(results, tmp_path / "results.txt")
    assert exc.value.issues[0].message_en == 'the output table must end in .csv, .xlsx, .parquet, got "results.txt"'
    assert not (tmp_path / "results.txt").exists()


def test_write_replaces_an_existing_file_atomically(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("old", encoding="utf-8")
    write_table(_frame([{"id": "x"}]), path)
    assert read_table(path).frame["id"].to_list() == ["x"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


# ---------------------------------------------------------------------------------------------------
# the template


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_template_reads_back_as_exactly_its_example_row(tmp_path, suffix):
    path = tmp_path / f"batch{suffix}"
    write_template(path)
    read = read_table(path)
    assert read.errors == []
    assert read.rows_read == 1
    assert read.source_rows.to_list() == [3]  # row 2 (units) skipped, still counted
    assert read.frame.equals(example_frame())
    assert read.frame["id"].to_list() == ["示例-001"]
    assert read.headers["y3_sales_revenue"] == "最近一年销售收入"


def test_template_workbook_layout(tmp_path):
    path = tmp_path / "batch.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["企业", "说明"]
    ws = wb["企业"]
    assert [c.value for c in ws[1]] == [c.alias_zh for c in COLUMNS]
    assert ws["A2"].value == "单位" and ws.cell(2, 14).value == "元"
    assert ws["A3"].value == "示例-001"
    assert ws.cell(3, 5).value == dt.datetime(2024, 6, 30)  # a date cell
    assert ws.freeze_panes == "B3"
    assert ws[1][0].font.bold
    assert ws.column_dimensions["A"].width >= 12
    doc = wb["说明"]
    names = [doc.cell(i, 1).value for i in range(2, len(COLUMNS) + 2)]
    assert names == [c.name for c in COLUMNS]
    by_name = {doc.cell(i, 1).value: [doc.cell(i, j).value for j in range(1, 8)] for i in range(2, len(COLUMNS) + 2)}
    assert by_name["y3_sales_revenue"][1:4] == ["最近一年销售收入", "元", "money"]
    assert "information_software" in by_name["industry"][6]


def test_template_example_is_a_valid_eligible_2016_enterprise(tmp_path):
    [row] = frame_rows_as_python(example_frame())
    assert (row["application_date"], row["registration_date"]) == (dt.date(2024, 6, 30), dt.date(2019, 3, 15))
    data = row_to_application(row)
    assert [y["year"] for y in data["years"]] == [2021, 2022, 2023]
    app = parse_application(data)
    assert app.years[2].sales_revenue == Decimal("45000000.50")
    assert app.years[2].staff.total_average == Decimal("64.25")
    assert assess(app).verdict == "eligible"


# ---------------------------------------------------------------------------------------------------
# a workbook filled by hand


def _hand_filled(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业编号", "企业名称", "申请日期", "最近一年销售收入", "最近一年净资产", "规模以上", "职工总数", "Ⅰ类知识产权（自主研发）", "认定项目"])
    ws.append(["单位", "", "YYYY-MM-DD", "元", "元", "是/否", "人", "项", ""])
    ws.append(["C-001", "甲公司", dt.datetime(2024, 6, 30), 1234.56, -20000, "是", 10.5, 2, "national"])
    ws.append(["C-002", "乙公司", "2024-06-30", -5, "1,000.5", "maybe", 12, 1, None])  # the broken row
    ws.append([None] * 9)  # a blank row, skipped
    ws.append(["C-003", "丙公司", "2024/6/30", "12.345", 0, "否", 8, 0, "beijing-pilot"])
    ws.append(["C-004", "丁公司", "2024-02-30", 100, 0, "Y", 3, 0, "national"])
    ws.append(["C-005", "戊公司", "2024-06-30", "1,000,000.00", 0, "true", 9.25, 1, "national"])
    wb.save(path)
    return path


def test_hand_filled_workbook_reports_each_broken_cell_and_keeps_the_good_rows(tmp_path):
    read = read_table(_hand_filled(tmp_path / "hand.xlsx"))
    assert _errors(read) == [
        (4, "最近一年销售收入", "-5"),
        (4, "规模以上", "maybe"),
        (6, "最近一年销售收入", "12.345"),
        (7, "申请日期", "2024-02-30"),
    ]
    by_cell = {(e.row, e.column): e for e in read.errors}
    assert by_cell[4, "最近一年销售收入"].message_zh == '金额不能为负数，实际为 "-5"'
    assert by_cell[4, "最近一年销售收入"].message_en == 'expected a non-negative amount in yuan, got "-5"'
    assert "是 或 否" in by_cell[4, "规模以上"].message_zh and "expected 是 or 否" in by_cell[4, "规模以上"].message_en
    assert "最多保留两位小数" in by_cell[6, "最近一年销售收入"].message_zh
    assert "no such date" in by_cell[7, "申请日期"].message_en
    assert read.rows_read == 5 and read.rows_rejected == 3
    assert read.source_rows.to_list() == [3, 8]
    good = read.frame
    assert good["id"].to_list() == ["C-001", "C-005"]
    assert good["y3_sales_revenue"].to_list() == [123456, 100_000_000]
    assert good["y3_net_assets"].to_list() == [-2_000_000, 0]
    assert good["application_date"].to_list() == [dt.date(2024, 6, 30)] * 2
    assert good["above_designated_size"].to_list() == [True, True]
    assert good["staff_total"].to_list() == [1050, 925]
    assert good["ip_class1_self"].to_list() == [2, 1]
    assert good["y1_sales_revenue"].null_count() == 2  # absent columns are all null


def test_error_file_lists_row_column_value_message(tmp_path):
    read = read_table(_hand_filled(tmp_path / "hand.xlsx"))
    out = tmp_path / "errors.csv"
    write_errors(read.errors, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pl.read_csv(out, infer_schema=False)
    assert back.columns == ["row", "column", "value", "message"]
    assert back.row(0) == ("4", "最近一年销售收入", "-5", '金额不能为负数，实际为 "-5"')
    write_errors(read.errors, tmp_path / "errors_en.csv", lang="en")
    assert pl.read_csv(tmp_path / "errors_en.csv")["message"][0] == 'expected a non-negative amount in yuan, got "-5"'
    assert read.errors[0].render("en") == 'row 4, column 最近一年销售收入: expected a non-negative amount in yuan, got "-5"'


# ---------------------------------------------------------------------------------------------------
# file-level errors


def test_unknown_header_is_a_file_level_error_naming_it_with_suggestions(tmp_path):
    path = _csv(tmp_path / "t.csv", "企业编号,第一年销售收,foo\nA,1,2\n")
    with pytest.raises(InputError) as exc:
        read_table(path)
    err = exc.value
    assert err.source == str(path)
    assert [i.path for i in err.issues] == ["B1", "C1"]
    assert err.issues[0].message_zh.startswith('未知列名 "第一年销售收"（第 B 列）；可能是：第一年销售收入')
    assert 'unknown column header "第一年销售收" (column B); did you mean: 第一年销售收入' in err.issues[0].message_en
    assert '"foo"' in err.issues[1].message_en
    assert f"{path}: B1: unknown column header" in err.render("en")


def test_semicolon_separated_csv_gets_a_hint(tmp_path):
    with pytest.raises(InputError) as exc:
        read_table(_csv(tmp_path / "t.csv", "id;name\nA;B\n"))
    assert "separated by commas" in exc.value.issues[0].message_en


def test_duplicated_and_missing_columns_are_file_level_errors(tmp_path):
    with pytest.raises(InputError) as exc:
        read_table(_csv(tmp_path / "dup.csv", "id,企业编号,name\nA,B,C\n"))
    issue = exc.value.issues[0]
    assert issue.path == "B1" and "repeats column A" in issue.message_en and "both are id" in issue.message_en
    with pytest.raises(InputError) as exc:
        read_table(_csv(tmp_path / "noid.csv", "name,y1_sales_revenue\nA,1\n"))
    assert exc.value.issues[0].path == "id"
    assert "required column id" in exc.value.issues[0].message_en


def test_other_file_level_errors(tmp_path):
    cases = {
        "ragged.csv": ("id,name\nA,B\nC,D,E\n", "row 3 has 3 cells, more than the 2 headers"),
        "empty.csv": ("", "the file is empty"),
        "values.csv": ("id,,name\nA,x,B\n", "column B has values but no header"),
    }
    for name, (text, expected) in cases.items():
        with pytest.raises(InputError) as exc:
            read_table(_csv(tmp_path / name, text))
        assert expected in exc.value.render("en"), name
    (tmp_path / "old.xls").write_bytes(b"x")
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "old.xls")
    assert "save an old .xls workbook as .xlsx" in exc.value.issues[0].message_en
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "missing.csv")
    assert exc.value.issues[0].message_en == "file not found"
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "bad.xlsx")
    assert exc.value.issues[0].message_en == "not a valid .xlsx workbook"


def test_empty_header_over_empty_column_is_ignored(tmp_path):
    read = read_table(_csv(tmp_path / "t.csv", "id,,name,\nA,,甲,\n"))
    assert read.errors == [] and read.columns == ["id", "name"]
    assert read.frame["name"].to_list() == ["甲"]


# ---------------------------------------------------------------------------------------------------
# cells


MONEY_CASES = [
    ("0.01", 1), ("0", 0), ("1234.5", 123450), ("1,234.56", 123456), ("1,000,000.00", 100_000_000),
    (" 12 ", 1200), ("１２３．４", 12340), ("12.340", 1234), ("+7", 700), (".5", 50), ("5.", 500),
    ("9999999999999.99", 999_999_999_999_999), ("99999999999999.99", 9_999_999_999_999_999),
    ("1e3", "scientific notation"), ("1.5E+2", "scientific notation"), ("12.345", "at most 2 decimal places"),
    ("0.001", "at most 2 decimal places"), ("-5", "non-negative"), ("1,23", "expected a number in yuan"),
    ("12,345.6.7", "expected a number in yuan"), ("abc", "expected a number in yuan"), ("¥100", "expected a number in yuan"),
    ("10000000000000000", "too large"),
]


@pytest.mark.parametrize(("text", "expected"), MONEY_CASES, ids=[c[0] for c in MONEY_CASES])
def test_money_text_is_parsed_exactly(tmp_path, text, expected):
    read = read_table(_csv(tmp_path / "m.csv", f'id,y1_sales_revenue\nA,"{text}"\n'))
    if isinstance(expected, int):
        assert read.errors == []
        assert read.frame["y1_sales_revenue"].to_list() == [expected]
    else:
        assert read.frame.height == 0
        assert [(e.row, e.column, e.value) for e in read.errors] == [(2, "y1_sales_revenue", text)]
        assert expected in read.errors[0].message_en


def test_signed_money_and_persons(tmp_path):
    text = "id,y3_net_assets,staff_total\nA,-1234.56,0.01\nB,-0.5,1.234\nC,--1,-1\n"
    read = read_table(_csv(tmp_path / "s.csv", text))
    assert read.frame["y3_net_assets"].to_list() == [-123456]
    assert read.frame["staff_total"].to_list() == [1]
    assert _errors(read) == [(3, "staff_total", "1.234"), (4, "y3_net_assets", "--1"), (4, "staff_total", "-1")]
    assert "persons" in read.errors[0].message_en and "non-negative number of persons" in read.errors[2].message_en


def test_other_kinds(tmp_path):
    text = ("id,registration_date,above_designated_size,assess_core_support,y1_operating_months,ip_class2_self,"
            "programme,industry,region_code,credit_code\n"
            "A,2019-03-15,是,a,12,3,national,health,110108,91110108MA01ABCD1X\n"
            "B,2019年3月5日,NO,E,1,3.0,suzhou-cultivation,,,\n"
            "C,2019.3.5,Y,,6,0,,,,\n"
            "D,2019-03-15 10:30,maybe,F,13,-1,global,mining,1101,91110108MA01ABCD1Z\n"
            "E,0024-01-01,1,B,0,2.5,,,,\n")
    read = read_table(_csv(tmp_path / "k.csv", text))
    f = read.frame
    assert f["id"].to_list() == ["A", "B", "C"]
    assert f["registration_date"].to_list() == [dt.date(2019, 3, 15), dt.date(2019, 3, 5), dt.date(2019, 3, 5)]
    assert f["above_designated_size"].to_list() == [True, False, True]
    assert f["assess_core_support"].to_list() == ["A", "E", None]
    assert f["ip_class2_self"].to_list() == [3, 3, 0]
    assert f["programme"].to_list() == ["national", "suzhou-cultivation", None]
    assert [(e.row, e.column) for e in read.errors] == [
        (5, "registration_date"), (5, "above_designated_size"), (5, "assess_core_support"), (5, "y1_operating_months"),
        (5, "ip_class2_self"), (5, "programme"), (5, "industry"), (5, "region_code"), (5, "credit_code"),
        (6, "registration_date"), (6, "y1_operating_months"), (6, "ip_class2_self"),
    ]
    messages = {(e.row, e.column): e.message_en for e in read.errors}
    assert messages[5, "y1_operating_months"] == 'expected a value ≤ 12, got "13"'
    assert messages[6, "y1_operating_months"] == 'expected a value ≥ 1, got "0"'
    assert messages[5, "ip_class2_self"] == 'expected a value ≥ 0, got "-1"'
    assert messages[6, "ip_class2_self"] == 'expected an integer, got "2.5"'
    assert messages[5, "programme"].startswith('invalid value "global"; expected one of: national, beijing-pilot')
    assert "6-digit region code" in messages[5, "region_code"]
    assert "unified social credit code" in messages[5, "credit_code"]
    assert messages[5, "registration_date"] == 'expected a date YYYY-MM-DD, got "2019-03-15 10:30"'
    assert "out of range" in messages[6, "registration_date"]


def test_required_and_duplicate_ids(tmp_path):
    read = read_table(_csv(tmp_path / "d.csv", "企业编号,企业名称\nA,甲\n,乙\nB,丙\n A ,丁\nA,戊\n"))
    assert read.frame["name"].to_list() == ["甲", "丙"]
    assert _errors(read) == [(3, "企业编号", ""), (5, "企业编号", " A "), (6, "企业编号", "A")]
    assert read.errors[0].message_en == "required field is missing: id must not be empty"
    assert read.errors[1].message_en == 'id "A" appears twice (first in row 2); expected each id once'
    assert read.errors[2].message_zh == '企业编号 "A" 重复（已见于第 2 行），每个编号只能出现一次'


def test_csv_row_numbers_count_the_unit_row_blank_lines_and_multiline_cells(tmp_path):
    text = 'id,name,y1_sales_revenue\nunit,,元\nA,"two\nlines",1\n\nB,,x\n,,\nC,,3\n'
    read = read_table(_csv(tmp_path / "r.csv", text))
    assert read.source_rows.to_list() == [3, 7]
    assert _errors(read) == [(5, "y1_sales_revenue", "x")]
    assert read.rows_read == 3


def test_gb18030_csv(tmp_path):
    text = "企业编号,企业名称,第一年销售收入,规模以上\r\n京-1,北京示例智能科技有限公司,\"1,234.50\",否\r\n"
    path = _csv(tmp_path / "gbk.csv", text, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    read = read_table(path)
    assert read.errors == []
    assert read.frame.select("id", "name", "y1_sales_revenue", "above_designated_size").row(0) == (
        "京-1", "北京示例智能科技有限公司", 123450, False)
    assert read.headers["name"] == "企业名称"


def test_utf8_csv_with_and_without_bom_and_crlf(tmp_path):
    for name, text in (("bom.csv", "\ufeff企业编号,职工总数\r\nA,5\r\n"), ("plain.csv", "企业编号,职工总数\nA,5\n")):
        read = read_table(_csv(tmp_path / name, text))
        assert read.columns == ["id", "staff_total"]
        assert read.frame["staff_total"].to_list() == [500]


def test_xlsx_number_and_date_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "y1_sales_revenue", "y2_sales_revenue", "y3_sales_revenue", "application_date", "ip_class1_self", "region_code", "above_designated_size"])
    ws.append(["A", 1234.56, 0.125, 1e3, dt.date(2024, 6, 30), 2.0, 110108, True])
    ws.append(["B", 1234.567, 10, 5, dt.datetime(2024, 6, 30, 9, 0), 2.5, 1101, 0])
    ws.append([42, 0.01, 0, 0, None, 0, None, False])
    wb.save(tmp_path / "n.xlsx")
    read = read_table(tmp_path / "n.xlsx")
    assert read.frame["id"].to_list() == ["42"]
    assert read.frame["y1_sales_revenue"].to_list() == [1]
    assert [(e.row, e.column, e.value) for e in read.errors] == [
        (2, "y2_sales_revenue", "0.125"),
        (3, "y1_sales_revenue", "1234.567"),
        (3, "application_date", "2024-06-30 09:00:00"),
        (3, "ip_class1_self", "2.5"),
        (3, "region_code", "1101"),
    ]


def test_xlsx_good_numbers_are_exact(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "y1_sales_revenue", "y3_sales_revenue", "application_date", "ip_class1_self", "region_code", "above_designated_size"])
    ws.append(["A", 1234.56, 1e3, dt.date(2024, 6, 30), 2.0, 110108, True])
    wb.save(tmp_path / "n.xlsx")
    read = read_table(tmp_path / "n.xlsx")
    assert read.errors == []
    assert read.frame.select("y1_sales_revenue", "y3_sales_revenue", "application_date", "ip_class1_self", "region_code",
                             "above_designated_size").row(0) == (123456, 100000, dt.date(2024, 6, 30), 2, "110108", True)


def test_typed_parquet_cells(tmp_path):
    frame = pl.DataFrame({
        "id": [1, 2, 3, 4],
        "y1_sales_revenue": [1234.56, 1234.567, float("nan"), 0.0],
        "y2_sales_revenue": [10, -1, 0, 10**17],
        "y3_sales_revenue": pl.Series([Decimal("1.230"), Decimal("1.235"), None, Decimal("0")], dtype=pl.Decimal(10, 3)),
        "staff_total": [Decimal("5.5"), Decimal("1"), None, Decimal("2.25")],
        "application_date": [dt.datetime(2024, 6, 30), dt.datetime(2024, 6, 30, 1), None, None],
        "above_designated_size": [True, False, None, None],
        "ip_class1_self": [1.0, 1.5, None, 2.0],
    })
    frame.write_parquet(tmp_path / "typed.parquet")
    read = read_table(tmp_path / "typed.parquet")
    assert read.frame.select("id", "y1_sales_revenue", "y2_sales_revenue", "y3_sales_revenue", "staff_total",
                             "application_date", "ip_class1_self").rows() == [
        ("1", 123456, 1000, 123, 550, dt.date(2024, 6, 30), 1),
    ]
    assert [(e.row, e.column) for e in read.errors] == [
        (3, "y1_sales_revenue"), (3, "y2_sales_revenue"), (3, "y3_sales_revenue"), (3, "application_date"), (3, "ip_class1_self"),
        (4, "y1_sales_revenue"),
        (5, "y2_sales_revenue"),
    ]
    assert read.errors[0].value == "1234.567" and "at most 2 decimal places" in read.errors[0].message_en
    assert "too large" in read.errors[-1].message_en


# ---------------------------------------------------------------------------------------------------
# folders


def test_folder_of_application_files(tmp_path):
    shutil.copy(EXAMPLES / "pass_2016.yaml", tmp_path / "b_pass.yaml")
    shutil.copy(EXAMPLES / "fail_2016.yaml", tmp_path / "a_fail.YML")
    (tmp_path / "c_broken.json").write_text(json.dumps({"format": "hnte/application@1", "application_date": "2024-06-30"}),
                                            encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / ".hidden.yaml").write_text("ignored", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    shutil.copy(EXAMPLES / "pass_2016.yaml", tmp_path / "sub" / "x.yaml")
    out = read_application_folder(tmp_path)
    assert [Path(p).name for p, _ in out] == ["a_fail.YML", "b_pass.yaml", "c_broken.json"]
    assert isinstance(out[0][1], Application) and isinstance(out[1][1], Application)
    assert out[1][1].enterprise.name == "北京示例智能科技有限公司"
    err = out[2][1]
    assert isinstance(err, InputError)
    assert err.source == str(tmp_path / "c_broken.json")
    assert {i.path for i in err.issues} >= {"enterprise", "years"}


def test_folder_errors(tmp_path):
    with pytest.raises(InputError) as exc:
        read_application_folder(tmp_path)
    assert "no .yaml, .yml or .json" in exc.value.issues[0].message_en
    with pytest.raises(InputError) as exc:
        read_table(tmp_path)
    assert "this is a folder" in exc.value.issues[0].message_en


# ---------------------------------------------------------------------------------------------------
# the fast path (a sanity check of the vectorised reading; nothing is timed)


def test_a_clean_table_never_takes_the_per_cell_path(tmp_path, monkeypatch):
    example = example_frame()
    n = 20_000
    frame = pl.concat([example] * n).with_columns(
        pl.format("E{}", pl.int_range(n)).alias("id"),
        (pl.col("y3_sales_revenue") + pl.int_range(n)).alias("y3_sales_revenue"),
        (pl.col("y1_net_assets") - pl.int_range(n) * 1001).alias("y1_net_assets"),
    )
    calls = []
    original = T._slow
    monkeypatch.setattr(T, "_slow", lambda kind, text: calls.append(text) or original(kind, text))
    for suffix in (".csv", ".parquet"):
        write_table(frame, tmp_path / f"big{suffix}")
        read = read_table(tmp_path / f"big{suffix}")
        assert read.errors == [] and read.frame.equals(frame), suffix
        assert read.source_rows[-1] == n + 1
    assert calls == []  # every cell went through the vectorised path
    spaced = (tmp_path / "big.csv").read_text(encoding="utf-8-sig").replace("\nE17,", "\n E17 ,", 1)
    (tmp_path / "spaced.csv").write_text(spaced, encoding="utf-8")
    read = read_table(tmp_path / "spaced.csv")
    assert read.errors == [] and read.frame["id"][17] == "E17"
