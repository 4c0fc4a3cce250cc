"""Batch tables in and out: CSV, XLSX and Parquet, the template workbook, the error file.

A table file holds the columns of :mod:`hnte.batch.columns` (canonical English names or the Chinese
aliases as headers), in the units people write: money in yuan, staff in persons. In memory a table is
a Polars frame typed as ``columns.DTYPE_NAME`` says — exact integers, never binary floats: money in
fen (yuan × 100), persons in hundredths of a person.

Row numbers are the numbers a user sees in a spreadsheet: the header is row 1, the first data row is
row 2 (row 3 if the template's unit row is present, because that row is counted and skipped). In a CSV
file a row is a CSV record (a quoted cell spanning several lines is one row, as in Excel); blank rows
are counted and skipped. Parquet files follow the same rule (their first record is row 2).

Parsing is vectorised with Polars expressions; the rare cell that the fast path does not take (thousands
separators, surrounding spaces, full-width digits, ``2024/6/30``, bad values...) is parsed one by one in
Python, so every error names the exact cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from hnte.application.model import Application, Enterprise, IndustryGroup, PilotField
from hnte.batch.columns import BY_NAME, COLUMNS, DTYPE_NAME, RANGES, SCALE, Column, canonical
from hnte.core.errors import InputError, InputIssue

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
APPLICATION_SUFFIXES = (".yaml", ".yml", ".json")
UNIT_ROW_MARKERS = ("单位", "unit")
DOC_START, DOC_END = "<!-- columns:start -->", "<!-- columns:end -->"

#: The typed frame's schema: every column of :data:`columns.COLUMNS`, in that order.
SCHEMA: dict[str, pl.DataType] = {c.name: getattr(pl, DTYPE_NAME[c.kind])() for c in COLUMNS}

# Bounds. Money and persons: |value| < 10^16 yuan (10^18 fen, within Int64). The fast path takes
# plain decimals of up to 13 integer digits; longer ones go through the exact Python path.
_MAX_UNITS = 10**16
_MAX_SCALED = _MAX_UNITS * 100
_DATE_MIN, _DATE_MAX = dt.date(1900, 1, 1), dt.date(2199, 12, 31)

#: Allowed values of the choice columns (the application model's enums where it has one).
CHOICES: dict[str, tuple[str, ...]] = {
    **{c.name: c.choices for c in COLUMNS if c.choices and c.kind != "grade"},
    "industry": tuple(v.value for v in IndustryGroup),
    "pilot_field": tuple(v.value for v in PilotField),
}
GRADES = ("A", "B", "C", "D", "E")


def _model_pattern(field: str) -> str:
    for meta in Enterprise.model_fields[field].metadata:
        pattern = getattr(meta, "pattern", None)
        if pattern:
            return pattern
    raise AssertionError(f"no pattern on Enterprise.{field}")  # pragma: no cover


#: Text columns checked against the application model's patterns (so a row the table accepts, the model accepts).
PATTERNS: dict[str, str] = {f: _model_pattern(f) for f in ("credit_code", "region_code", "technical_field")}
_PATTERN_HINT = {
    "credit_code": ("应为18位统一社会信用代码（数字及大写字母，不含 I、O、Z、S、V）",
                    "expected an 18-character unified social credit code (digits and capitals, no I, O, Z, S, V)"),
    "region_code": ("应为6位行政区划代码，如 110108", "expected a 6-digit region code such as 110108"),
    "technical_field": ("应为技术领域目录编号，如 1.1.1", "expected a catalogue code such as 1.1.1"),
}

_BOOL_WORDS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False,
               "yes": True, "no": False, "y": True, "n": False}
_BOOL_FAST = {v: b for k, b in _BOOL_WORDS.items() for v in {k, k.upper(), k.capitalize()}}

_NUMBER_RE = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?$|^[+-]?\.\d+$")
_EXPONENT_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$")


# ---------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RowError:
    """One bad cell: ``row`` is the spreadsheet row number, ``column`` the header as written in the file."""

    row: int
    column: str
    value: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def render(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"row {self.row}, column {self.column}: {self.message_en}"
        return f"第 {self.row} 行，列 {self.column}：{self.message_zh}"

    def to_dict(self, lang: str = "zh") -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message(lang),
                "message_zh": self.message_zh, "message_en": self.message_en}


@dataclass
class TableRead:
    """A table read and typed.

    ``frame`` holds the good rows only, every schema column present (absent ones all null) and typed as
    ``columns.DTYPE_NAME`` says; ``source_rows`` (Int64, aligned with ``frame``) gives each row's number
    in the file; ``errors`` lists every bad cell (a row with any bad cell is left out of ``frame``);
    ``columns`` are the canonical names of the columns the file has, in file order, and ``headers``
    maps each to its header as written. ``rows_read`` counts the data rows (unit row and blank rows
    excluded), good and bad.
    """

    source: str
    frame: pl.DataFrame
    source_rows: pl.Series
    errors: list[RowError]
    columns: list[str]
    headers: dict[str, str]
    rows_read: int

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.frame.height


# ---------------------------------------------------------------------------------------------------
# Small helpers


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (the spreadsheet column letter)."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _describe(value: str) -> str:
    text = f'"{value}"'
    return text if len(text) <= 40 else text[:37] + '..."'


def _norm_header(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


_HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.name, _c.alias_zh):
        _HEADER_LOOKUP.setdefault(_norm_header(_h), _c.name)
_ALL_HEADERS = [h for c in COLUMNS for h in (c.name, c.alias_zh)]


def resolve_header(header: str) -> str | None:
    """The canonical name of a header: exact name or alias, else after NFKC, case and space folding."""
    return canonical(header) or _HEADER_LOOKUP.get(_norm_header(header))


def _fail(source: str, zh: str, en: str, path: str = "") -> InputError:
    return InputError(source, [InputIssue(path, zh, en)])


# ---------------------------------------------------------------------------------------------------
# Reading files into raw columns


@dataclass
class _Raw:
    headers: list[str | None]
    frame: pl.DataFrame  # columns c0..cN (positional) and "__row" (file row number)


def _raw_frame(columns: list[pl.Series], rows: pl.Series) -> pl.DataFrame:
    return pl.DataFrame([s.alias(f"c{i}") for i, s in enumerate(columns)] + [rows.alias("__row").cast(pl.Int64)])


def _read_csv(path: Path, source: str) -> _Raw:
    options = {"has_header": False, "infer_schema": False, "quote_char": '"'}
    try:
        df = pl.read_csv(path, **options)
    except pl.exceptions.NoDataError:
        raise _fail(source, "文件为空，第 1 行应为列名", "the file is empty; row 1 must hold the headers") from None
    except pl.exceptions.ComputeError as e:
        if "utf-8" not in str(e).lower():
            raise _csv_error(path, source, e) from None
        try:
            text = path.read_bytes().decode("gb18030")
        except UnicodeDecodeError:
            raise _fail(source, "文件既不是 UTF-8 也不是 GB18030 编码", "the file is neither UTF-8 nor GB18030 encoded") from None
        try:
            df = pl.read_csv(io.BytesIO(text.encode("utf-8")), **options)
        except pl.exceptions.ComputeError as e2:
            raise _csv_error(path, source, e2, text) from None
    except OSError as e:
        raise _fail(source, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
    headers = list(df.row(0)) if df.height else []
    data = df.slice(1)
    rows = pl.int_range(2, data.height + 2, dtype=pl.Int64, eager=True)
    return _Raw(headers, _raw_frame(list(data.get_columns()), rows))


def _csv_error(path: Path, source: str, exc: Exception, text: str | None = None) -> InputError:
    """A CSV the parser rejects: find the first row with more cells than the header, or pass the reason on."""
    if "more fields" in str(exc):
        if text is None:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        width = None
        for number, record in enumerate(reader, start=1):
            if width is None:
                width = len(record)
            elif len(record) > width and any(cell.strip() for cell in record[width:]):
                return _fail(source, f"第 {number} 行有 {len(record)} 个单元格，多于列名行的 {width} 个",
                             f"row {number} has {len(record)} cells, more than the {width} headers", f"row {number}")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _fail(source, f"无法解析 CSV 文件：{first}", f"cannot parse the CSV file: {first}")


def _cell_text(value: Any) -> str | None:
    """An XLSX cell as text, exactly: floats by their shortest round-trip decimal, dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, source: str) -> _Raw:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise _fail(source, "不是有效的 .xlsx 工作簿", "not a valid .xlsx workbook") from None
    except OSError as e:
        raise _fail(source, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # never trust the stored dimension: read every row
        rows_iter = ws.iter_rows(min_row=1, values_only=True)
        first = next(rows_iter, None) or ()
        headers: list[str | None] = [None if v is None else str(v) for v in first]
        width = len(headers)
        cols: list[list[str | None]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for number, values in enumerate(rows_iter, start=2):
            if not values:
                continue
            texts = [_cell_text(v) for v in values]
            if all(t is None or not t.strip() for t in texts):
                continue
            if len(texts) > width:
                for _ in range(len(texts) - width):
                    cols.append([None] * len(numbers))
                    headers.append(None)
                width = len(texts)
            numbers.append(number)
            for i in range(width):
                cols[i].append(texts[i] if i < len(texts) else None)
    finally:
        wb.close()
    series = [pl.Series(c, dtype=pl.String) for c in cols]
    return _Raw(headers, _raw_frame(series, pl.Series(numbers, dtype=pl.Int64)))


def _read_parquet(path: Path, source: str) -> _Raw:
    try:
        df = pl.read_parquet(path)
    except OSError as e:
        raise _fail(source, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
    except Exception as e:  # noqa: BLE001 - polars raises several kinds for a corrupt file
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise _fail(source, f"不是有效的 Parquet 文件：{first}", f"not a valid Parquet file: {first}") from None
    rows = pl.int_range(2, df.height + 2, dtype=pl.Int64, eager=True)
    return _Raw(list(df.columns), _raw_frame(list(df.get_columns()), rows))


# ---------------------------------------------------------------------------------------------------
# Headers


def _resolve_headers(raw: _Raw, source: str) -> list[tuple[int, str, str]]:
    """[(position, canonical name, header as written)], or a file-level InputError naming every bad header."""
    issues: list[InputIssue] = []
    found: list[tuple[int, str, str]] = []
    seen: dict[str, tuple[int, str]] = {}
    for i, header in enumerate(raw.headers):
        text = (header or "").strip().lstrip("\ufeff")
        cell = f"{_letter(i)}1"
        if not text:
            col = raw.frame.get_column(f"c{i}")
            has_data = col.cast(pl.String).str.strip_chars().str.len_bytes().fill_null(0).gt(0).any() if col.len() else False
            if has_data:
                issues.append(InputIssue(cell, f"第 {_letter(i)} 列有数据但没有列名", f"column {_letter(i)} has values but no header"))
            continue
        name = resolve_header(text)
        if name is None:
            close = difflib.get_close_matches(text, _ALL_HEADERS, n=3, cutoff=0.5)
            if close:
                hint_zh = "；可能是：" + "、".join(close)
                hint_en = "; did you mean: " + ", ".join(close)
            else:
                hint_zh, hint_en = "；列名见 docs/batch-table.md 或 hnte template 生成的模板", "; see docs/batch-table.md or the template from hnte template"
            issues.append(InputIssue(cell, f"未知列名 {_describe(text)}（第 {_letter(i)} 列）{hint_zh}",
                                     f"unknown column header {_describe(text)} (column {_letter(i)}){hint_en}"))
        elif name in seen:
            j, other = seen[name]
            issues.append(InputIssue(cell, f"列 {_describe(text)}（第 {_letter(i)} 列）与第 {_letter(j)} 列 {_describe(other)} 重复（同为 {name}），每列只能出现一次",
                                     f"column {_describe(text)} (column {_letter(i)}) repeats column {_letter(j)} {_describe(other)} (both are {name}); expected each column once"))
        else:
            seen[name] = (i, text)
            found.append((i, name, text))
    if "id" not in seen:
        issues.append(InputIssue("id", "缺少必填列 id（企业编号）", "the required column id (企业编号) is missing"))
    if issues:
        raise InputError(source, issues)
    return found


# ---------------------------------------------------------------------------------------------------
# Cell parsing: vectorised fast path, exact Python slow path, vectorised checks


_NUMERIC = ("money", "signed_money", "persons")
_INTEGER = ("count", "int", "months")


def _fast(kind: str, c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, taken) for a String column; a non-empty cell not taken goes to the slow path."""
    if kind in _NUMERIC:
        sign = "-?" if kind == "signed_money" else ""
        taken = c.str.contains(rf"^{sign}\d{{1,13}}(?:\.\d{{1,2}})?$")
        value = (c.cast(pl.Decimal(16, 2), strict=False) * 100).cast(pl.Int64)
        return value, taken
    if kind in _INTEGER:
        value = c.cast(pl.Int64, strict=False)
        return value, value.is_not_null()
    if kind == "date":
        value = c.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        return value, c.str.contains(r"^\d{4}-\d{2}-\d{2}$") & value.is_not_null()
    if kind == "bool":
        value = c.replace_strict(_BOOL_FAST, default=None, return_dtype=pl.Boolean)
        return value, value.is_not_null()
    if kind == "grade":
        taken = c.is_in(GRADES)
        return pl.when(taken).then(c), taken
    stripped = c.str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped), pl.lit(True)


def _decimal(text: str) -> tuple[Decimal | None, str | None]:
    t = unicodedata.normalize("NFKC", text).strip()
    if _NUMBER_RE.match(t):
        return Decimal(t.replace(",", "").rstrip(".") or "0"), None
    if _EXPONENT_RE.match(t):
        return None, "exponent"
    return None, "number"


def _slow(kind: str, text: str) -> tuple[Any, str | None]:
    """Parse one cell exactly: (value, None) or (None, error code). Blank → (None, None)."""
    t = text.strip()
    if not t:
        return None, None
    if kind in _NUMERIC or kind in _INTEGER:
        number, code = _decimal(t)
        if number is None:
            return None, code
        if kind in _INTEGER:
            if number != number.to_integral_value():
                return None, "int"
            return (int(number), None) if abs(number) < 2**63 else (None, "too_large")
        if number != number.quantize(Decimal("0.01")):
            return None, "places"
        if abs(number) >= _MAX_UNITS:
            return None, "too_large"
        return int(number * 100), None
    if kind == "date":
        m = _DATE_RE.match(unicodedata.normalize("NFKC", t))
        if not m:
            return None, "date"
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
        except ValueError:
            return None, "date_invalid"
    if kind == "bool":
        word = _BOOL_WORDS.get(unicodedata.normalize("NFKC", t).casefold())
        return (word, None) if word is not None else (None, "bool")
    if kind == "grade":
        g = unicodedata.normalize("NFKC", t).upper()
        return (g, None) if g in GRADES else (None, "choice")
    return t, None


def _message(code: str, col: Column, value: str, extra: Any = None) -> tuple[str, str]:
    got = _describe(value)
    kind = col.kind
    persons = kind == "persons"
    if code == "number":
        if persons:
            return f"应为人数（数字，最多两位小数），实际为 {got}", f"expected a number of persons (at most 2 decimals), got {got}"
        return f"应为以元为单位的数字（整数或最多两位小数），实际为 {got}", f"expected a number in yuan (integer or at most 2 decimals), got {got}"
    if code == "exponent":
        return (f"不接受科学计数法 {got}，请写出完整数字（在 Excel 中把单元格设为数值格式）",
                f"scientific notation {got} is not accepted; write the number in full (format the cell as a number in Excel)")
    if code == "places":
        if persons:
            return f"人数最多保留两位小数，实际为 {got}", f"expected at most 2 decimal places (persons), got {got}"
        return f"金额最多保留两位小数（单位：元），实际为 {got}", f"expected at most 2 decimal places (yuan), got {got}"
    if code == "negative":
        if persons:
            return f"人数不能为负数，实际为 {got}", f"expected a non-negative number of persons, got {got}"
        return f"金额不能为负数，实际为 {got}", f"expected a non-negative amount in yuan, got {got}"
    if code == "too_large":
        return f"数值过大 {got}（应小于 10^16）", f"value {got} is too large (expected less than 10^16)"
    if code == "int":
        return f"应为整数，实际为 {got}", f"expected an integer, got {got}"
    if code == "min":
        return f"应不小于 {extra}，实际为 {got}", f"expected a value ≥ {extra}, got {got}"
    if code == "max":
        return f"应不大于 {extra}，实际为 {got}", f"expected a value ≤ {extra}, got {got}"
    if code == "date":
        return f"应为日期 YYYY-MM-DD，实际为 {got}", f"expected a date YYYY-MM-DD, got {got}"
    if code == "date_invalid":
        return f"日期不存在 {got}", f"no such date {got}"
    if code == "date_range":
        return (f"日期超出合理范围 {got}（应在 {_DATE_MIN} 至 {_DATE_MAX} 之间）",
                f"date {got} is out of range (expected between {_DATE_MIN} and {_DATE_MAX})")
    if code == "bool":
        return (f"应为 是 或 否（也可填 true/false、1/0、yes/no、Y/N），实际为 {got}",
                f"expected 是 or 否 (or true/false, 1/0, yes/no, Y/N), got {got}")
    if code == "choice":
        options = ", ".join(GRADES if kind == "grade" else CHOICES[col.name])
        return f"取值无效 {got}，应为以下之一：{options}", f"invalid value {got}; expected one of: {options}"
    if code == "pattern":
        zh, en = _PATTERN_HINT[col.name]
        return f"格式不正确 {got}，{zh}", f"malformed value {got}; {en}"
    if code == "required":
        return "缺少必填字段：企业编号不能为空", "required field is missing: id must not be empty"
    if code == "duplicate":
        return (f"企业编号 {got} 重复（已见于第 {extra} 行），每个编号只能出现一次",
                f"id {got} appears twice (first in row {extra}); expected each id once")
    return f"取值无效 {got}", f"invalid value {got}"  # pragma: no cover


@dataclass
class _Cell:
    pos: int  # position in the raw frame
    name: str  # canonical column
    code: str
    extra: Any = None


def _as_text(s: pl.Series) -> pl.Series:
    """A non-String column as text (integral floats without '.0')."""
    if s.dtype.is_float():
        integral = s.is_finite() & (s == s.round(0)) & (s.abs() < 1e15)
        return pl.select(pl.when(integral).then(s.cast(pl.Int64, strict=False).cast(pl.String))
                         .otherwise(s.cast(pl.String))).to_series().alias(s.name)
    return s.cast(pl.String, strict=False)


def _native(kind: str, s: pl.Series) -> tuple[pl.Series, list[tuple[int, str]], pl.Series | None] | None:
    """Typed (Parquet) cells: (value, [(pos, code)], positions for the slow path) or None to go by text."""
    dtype = s.dtype
    if kind in _NUMERIC:
        if dtype.is_integer():
            v = s.cast(pl.Int64, strict=False)
            big = (v.is_null() & s.is_not_null()) | (v.abs() >= _MAX_UNITS).fill_null(False)
            value = pl.select(pl.when(~big).then(v * 100)).to_series()
            return value, [(int(i), "too_large") for i in big.arg_true()], None
        if dtype.is_float():
            x = s.cast(pl.Float64)
            finite = x.is_finite().fill_null(True)
            big = (x.abs() >= 1e13).fill_null(False) & finite
            fen = (x * 100).round(0)
            exact = (fen / 100 == x).fill_null(True)
            value = pl.select(pl.when(finite & ~big & exact).then(fen.cast(pl.Int64, strict=False))).to_series()
            errors = [(int(i), "number") for i in (~finite).arg_true()]
            errors += [(int(i), "places") for i in (finite & ~big & ~exact).arg_true()]
            return value, errors, big.arg_true() if big.any() else None
        if isinstance(dtype, pl.Decimal):
            rounded = s.round(2)
            exact = (rounded == s).fill_null(True)
            big = (s.abs() >= _MAX_UNITS).fill_null(False)
            value = pl.select(pl.when(exact & ~big).then((rounded * 100).cast(pl.Int64, strict=False))).to_series()
            errors = [(int(i), "places") for i in (~exact).arg_true()] + [(int(i), "too_large") for i in (big & exact).arg_true()]
            return value, errors, None
        return None
    if kind in _INTEGER:
        if dtype.is_integer():
            v = s.cast(pl.Int64, strict=False)
            return v, [(int(i), "too_large") for i in (v.is_null() & s.is_not_null()).arg_true()], None
        if dtype.is_float():
            ok = (s.is_finite() & (s == s.round(0)) & (s.abs() < 2**53)).fill_null(True)
            value = pl.select(pl.when(ok).then(s.cast(pl.Int64, strict=False))).to_series()
            return value, [(int(i), "int") for i in (~ok).arg_true()], None
        return None
    if kind == "date":
        if dtype == pl.Date:
            return s, [], None
        if isinstance(dtype, pl.Datetime):
            midnight = (s.dt.time() == dt.time(0)).fill_null(True)
            value = pl.select(pl.when(midnight).then(s.dt.date())).to_series()
            return value, [(int(i), "date") for i in (~midnight).arg_true()], None
        return None
    if kind == "bool" and dtype == pl.Boolean:
        return s, [], None
    return None


def _parse_columns(raw: pl.DataFrame, present: list[tuple[int, str, str]]) -> tuple[dict[str, pl.Series], list[_Cell]]:
    values: dict[str, pl.Series] = {}
    cells: list[_Cell] = []
    text_cols: list[tuple[str, str]] = []
    for pos, name, _header in present:
        key = f"c{pos}"
        col = raw.get_column(key)
        kind = BY_NAME[name].kind
        if col.dtype != pl.String:
            native = _native(kind, col)
            if native is not None:
                value, errors, slow_pos = native
                if slow_pos is not None and slow_pos.len():
                    texts = [_cell_text(v) for v in col.gather(slow_pos).to_list()]
                    value = _apply_slow(kind, name, value, slow_pos, texts, cells)
                values[name] = value.cast(SCHEMA[name]).alias(name)
                cells += [_Cell(i, name, code) for i, code in errors]
                continue
            raw = raw.with_columns(_as_text(col).alias(key))
        text_cols.append((name, key))

    exprs: list[pl.Expr] = []
    for name, key in text_cols:
        c = pl.col(key)
        value, taken = _fast(BY_NAME[name].kind, c)
        slow = (c.str.len_bytes() > 0) & ~taken.fill_null(False)
        exprs += [value.cast(SCHEMA[name]).alias(name), slow.fill_null(False).alias(f"__slow_{name}")]
    stage = raw.select(exprs) if exprs else pl.DataFrame()
    for name, key in text_cols:
        value = stage.get_column(name)
        slow = stage.get_column(f"__slow_{name}")
        if slow.any():
            idx = slow.arg_true()
            texts = raw.get_column(key).gather(idx).to_list()
            value = _apply_slow(BY_NAME[name].kind, name, value, idx, texts, cells)
        values[name] = value
    return values, cells


def _apply_slow(kind: str, name: str, value: pl.Series, idx: pl.Series, texts: list[str | None],
                cells: list[_Cell]) -> pl.Series:
    parsed = [_slow(kind, t or "") for t in texts]
    for i, (_, code) in zip(idx.to_list(), parsed, strict=True):
        if code is not None:
            cells.append(_Cell(i, name, code))
    new = pl.Series([v for v, _ in parsed], dtype=SCHEMA[name])
    return value.clone().scatter(idx, new)


def _checks(values: dict[str, pl.Series]) -> list[_Cell]:
    """Vectorised checks on typed values: ranges, choices, patterns, the id."""
    cells: list[_Cell] = []

    def flag(name: str, mask: pl.Series, code: str, extra: Any = None) -> None:
        mask = mask.fill_null(False)
        if mask.any():
            cells.extend(_Cell(int(i), name, code, extra) for i in mask.arg_true())

    for name, s in values.items():
        col = BY_NAME[name]
        lo, hi = RANGES.get(col.kind, (None, None))
        if col.kind in SCALE:
            if lo is not None:
                flag(name, s < lo, "negative")
        else:
            if lo is not None:
                flag(name, s < lo, "min", lo)
            if hi is not None:
                flag(name, s > hi, "max", hi)
        if col.kind == "date":
            flag(name, (s < _DATE_MIN) | (s > _DATE_MAX), "date_range")
        if name in CHOICES:
            flag(name, ~s.is_in(CHOICES[name]), "choice")
        if name in PATTERNS:
            flag(name, ~s.str.contains(PATTERNS[name]), "pattern")
    ids = values["id"]
    flag("id", ids.is_null(), "required")
    dup = (ids.is_not_null() & ~ids.is_first_distinct()).fill_null(False)
    if dup.any():
        cells.append(_Cell(-1, "id", "duplicate"))  # placeholder: resolved in _assemble (needs row numbers)
    return cells


def _parse(source: str, raw: _Raw) -> TableRead:
    present = _resolve_headers(raw, source)
    frame = raw.frame
    headers = {name: header for _, name, header in present}
    id_key = next(f"c{pos}" for pos, name, _ in present if name == "id")

    # the template's unit row (the first data row, file row 2, whose id reads 单位 / unit)
    if frame.height and frame.get_column("__row")[0] == 2:
        first_id = frame.get_column(id_key).cast(pl.String, strict=False)[0]
        if first_id is not None and first_id.strip().casefold() in UNIT_ROW_MARKERS:
            frame = frame.slice(1)
    # blank rows
    data_cols = [c for c in frame.columns if c != "__row"]
    if data_cols and frame.height:
        blank = frame.select(pl.all_horizontal([
            (pl.col(c).is_null() | (pl.col(c).str.len_bytes() == 0)) if frame.schema[c] == pl.String else pl.col(c).is_null()
            for c in data_cols])).to_series()
        if blank.any():
            frame = frame.filter(~blank)

    values, cells = _parse_columns(frame, present)
    cells += _checks(values)
    rows = frame.get_column("__row")
    n = frame.height

    errors: list[RowError] = []
    bad = np.zeros(n, dtype=bool)
    order = {name: pos for pos, name, _ in present}
    row_list: list[int] | None = None
    for cell in cells:
        if cell.code == "duplicate":
            ids = values["id"]
            dup = (ids.is_not_null() & ~ids.is_first_distinct()).fill_null(False)
            first_rows = dict(pl.DataFrame({"id": ids, "row": rows}).filter(ids.is_first_distinct() & ids.is_not_null()
                                                                           & ids.is_in(ids.filter(dup).unique())).iter_rows())
            for i in dup.arg_true().to_list():
                bad[i] = True
                text = ids[i]
                zh, en = _message("duplicate", BY_NAME["id"], text, first_rows[text])
                errors.append(RowError(int(rows[i]), headers["id"], text, zh, en))
            continue
        if row_list is None:
            row_list = rows.to_list()
        bad[cell.pos] = True
        raw_value = frame.get_column(f"c{order[cell.name]}")[cell.pos]
        text = "" if raw_value is None else (raw_value if isinstance(raw_value, str) else _cell_text(raw_value) or "")
        zh, en = _message(cell.code, BY_NAME[cell.name], text, cell.extra)
        errors.append(RowError(row_list[cell.pos], headers[cell.name], text, zh, en))
    errors.sort(key=lambda e: (e.row, order[resolve_header(e.column) or "id"]))

    typed = pl.DataFrame([values[c.name] if c.name in values else pl.Series(c.name, [None] * n, dtype=SCHEMA[c.name])
                          for c in COLUMNS], schema=SCHEMA)
    keep = pl.Series(~bad)
    return TableRead(source=source, frame=typed.filter(keep), source_rows=rows.filter(keep).alias("row"), errors=errors,
                     columns=[name for _, name, _ in present], headers=headers, rows_read=n)


def read_table(path: str | Path) -> TableRead:
    """Read a batch table (.csv UTF-8 or GB18030, .xlsx first sheet, .parquet) into a typed frame.

    Row numbers (``source_rows``, ``RowError.row``) are spreadsheet rows: the header is row 1, the first
    data row row 2 (a CSV row is one CSV record). Unknown, duplicated or missing required headers raise
    :class:`InputError` (exit code 2); a bad cell makes a :class:`RowError` and leaves its row out.
    """
    p = Path(path)
    source = str(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        raise _fail(source, "这是一个文件夹；请给出 .csv、.xlsx 或 .parquet 表格文件（申请书文件夹另行读取）",
                    "this is a folder; expected a .csv, .xlsx or .parquet table (folders of application files are read separately)")
    if suffix not in TABLE_SUFFIXES:
        hint_zh = "（旧版 .xls 请在 Excel 中另存为 .xlsx）" if suffix == ".xls" else ""
        hint_en = " (save an old .xls workbook as .xlsx in Excel)" if suffix == ".xls" else ""
        raise _fail(source, f"不支持的表格格式 \"{p.suffix}\"，应为 .csv、.xlsx 或 .parquet{hint_zh}",
                    f"unsupported table format \"{p.suffix}\"; expected .csv, .xlsx or .parquet{hint_en}")
    if not p.exists():
        raise _fail(source, "文件不存在", "file not found")
    reader = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}[suffix]
    return _parse(source, reader(p, source))


def read_application_folder(path: str | Path) -> list[tuple[str, Application | InputError]]:
    """Every ``*.yaml``, ``*.yml`` and ``*.json`` directly inside a folder (sorted by name, hidden files
    skipped), each loaded with :func:`hnte.application.load_application`: its Application or its InputError."""
    from hnte.application import load_application

    folder = Path(path)
    if not folder.is_dir():
        raise _fail(str(path), "不是文件夹", "not a folder")
    files = sorted(f for f in folder.iterdir()
                   if f.is_file() and f.suffix.lower() in APPLICATION_SUFFIXES and not f.name.startswith("."))
    if not files:
        raise _fail(str(path), "文件夹中没有 .yaml、.yml 或 .json 申请书文件", "the folder holds no .yaml, .yml or .json application file")
    out: list[tuple[str, Application | InputError]] = []
    for f in files:
        try:
            out.append((str(f), load_application(f)))
        except InputError as e:
            out.append((str(f), e))
    return out


def row_values(row: dict[str, Any]) -> dict[str, Any]:
    """A typed row (money in fen, persons in hundredths) in the application file's units: yuan and persons
    as exact Decimals, ready for :func:`hnte.batch.convert.row_to_application`."""
    out = dict(row)
    for name, value in row.items():
        col = BY_NAME.get(name)
        if col is not None and col.kind in SCALE and value is not None:
            out[name] = Decimal(int(value)).scaleb(-2)
    return out


# ---------------------------------------------------------------------------------------------------
# Writing


def _scaled_names(frame: pl.DataFrame) -> list[str]:
    """Schema money/persons columns holding the typed representation (integers in fen / hundredths)."""
    return [c for c in frame.columns if c in BY_NAME and BY_NAME[c].kind in SCALE and frame.schema[c].is_integer()]


def _fen_text(c: pl.Expr) -> pl.Expr:
    """Exact text of fen in yuan: 123450 → "1234.50", 123400 → "1234", -5 → "-0.05"."""
    a = c.cast(pl.Int64).abs()
    whole = (a // 100).cast(pl.String)
    cents = a % 100
    text = pl.when(cents == 0).then(whole).otherwise(whole + "." + cents.cast(pl.String).str.pad_start(2, "0"))
    return pl.when(c < 0).then("-" + text).otherwise(text)

