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

import contextlib
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
from decimal import Decimal
from pathlib import Path
from typing import Any

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
# Reading files: a lazy frame of positional columns c0..cN and "__row", the file row number


class _NotUtf8(Exception):
    """The CSV file is not UTF-8: read it again as GB18030."""


@dataclass
class _Raw:
    source: str
    headers: list[str | None]
    lf: pl.LazyFrame  # c0..cN (positional) and "__row"
    schema: dict[str, pl.DataType]
    csv: Path | bytes | None = None  # a CSV source, to locate a ragged row

    def collect(self, query: pl.LazyFrame) -> pl.DataFrame:
        """Run a query on the file; a file the reader rejects becomes an InputError."""
        with self.reading():
            return query.collect()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Errors of the reader as InputError (``_NotUtf8`` for a CSV file that is not UTF-8)."""
        try:
            yield
        except pl.exceptions.NoDataError:
            raise _fail(self.source, "文件为空，第 1 行应为列名", "the file is empty; row 1 must hold the headers") from None
        except pl.exceptions.ComputeError as e:
            if self.csv is not None:
                if "utf-8" in str(e).lower():
                    raise _NotUtf8 from None
                raise _csv_error(self.csv, self.source, e) from None
            raise _unreadable(self.source, e) from None
        except OSError as e:
            raise _fail(self.source, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
        except pl.exceptions.PolarsError as e:
            raise _unreadable(self.source, e) from None


def _unreadable(source: str, exc: Exception) -> InputError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return _fail(source, f"无法读取文件：{first}", f"cannot read the file: {first}")


def _positional(lf: pl.LazyFrame, names: list[str]) -> pl.LazyFrame:
    return (lf.select([pl.col(n).alias(f"c{i}") for i, n in enumerate(names)])
            .with_row_index("__row", offset=2).with_columns(pl.col("__row").cast(pl.Int64)))


def _read_csv(src: Path | bytes, source: str) -> _Raw:
    scan = pl.scan_csv(src, has_header=False, infer_schema=False, quote_char='"')
    first = _Raw(source, [], scan, {}, csv=src).collect(scan.head(1))
    names = first.columns
    headers = list(first.row(0)) if first.height else []
    return _Raw(source, headers, _positional(scan.slice(1), names), {f"c{i}": pl.String for i in range(len(names))}, csv=src)


def _csv_error(src: Path | bytes, source: str, exc: Exception) -> InputError:
    """A CSV the parser rejects: find the first row with more cells than the header, or pass the reason on."""
    if "more fields" in str(exc):
        data = src.read_bytes() if isinstance(src, Path) else src
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        width = None
        for number, record in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
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
                continue  # blank rows are skipped (and keep their number)
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
    frame = pl.DataFrame([pl.Series(f"c{i}", c, dtype=pl.String) for i, c in enumerate(cols)]
                         + [pl.Series("__row", numbers, dtype=pl.Int64)])
    return _Raw(source, headers, frame.lazy(), dict(frame.schema))


def _read_parquet(path: Path, source: str) -> _Raw:
    try:
        scan = pl.scan_parquet(path)
        schema = scan.collect_schema()
    except OSError as e:
        raise _fail(source, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
    except Exception as e:  # noqa: BLE001 - polars raises several kinds for a corrupt file
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise _fail(source, f"不是有效的 Parquet 文件：{first}", f"not a valid Parquet file: {first}") from None
    names = schema.names()
    return _Raw(source, list(names), _positional(scan, names), {f"c{i}": schema[n] for i, n in enumerate(names)})


# ---------------------------------------------------------------------------------------------------
# Headers


def _resolve_headers(raw: _Raw) -> list[tuple[int, str, str]]:
    """[(position, canonical name, header as written)], or a file-level InputError naming every bad header."""
    issues: list[InputIssue] = []
    found: list[tuple[int, str, str]] = []
    seen: dict[str, tuple[int, str]] = {}
    unnamed = [i for i, h in enumerate(raw.headers) if not (h or "").strip().lstrip("\ufeff")]
    if unnamed:  # a column without a header is ignored when it is empty
        filled = raw.collect(raw.lf.select([
            pl.col(f"c{i}").cast(pl.String).str.strip_chars().str.len_bytes().gt(0).any().alias(f"c{i}") for i in unnamed]))
        for i in unnamed:
            if filled.get_column(f"c{i}")[0]:
                issues.append(InputIssue(f"{_letter(i)}1", f"第 {_letter(i)} 列有数据但没有列名", f"column {_letter(i)} has values but no header"))
    for i, header in enumerate(raw.headers):
        text = (header or "").strip().lstrip("\ufeff")
        cell = f"{_letter(i)}1"
        if not text:
            continue
        name = resolve_header(text)
        if name is None:
            close = difflib.get_close_matches(text, _ALL_HEADERS, n=3, cutoff=0.5)
            if close:
                hint_zh = "；可能是：" + "、".join(close)
                hint_en = "; did you mean: " + ", ".join(close)
            else:
                hint_zh, hint_en = "；列名见 docs/batch-table.md 或 hnte template 生成的模板", "; see docs/batch-table.md or the template from hnte template"
            if ";" in text or "\t" in text:
                hint_zh += "（CSV 的分隔符应为逗号）"
                hint_en += " (CSV cells must be separated by commas)"
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
        raise InputError(raw.source, issues)
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
    if kind == "grade":  # a cell not taken is overwritten by the slow path
        return c, c.is_in(GRADES)
    # text: taken as is unless it is empty or has surrounding spaces (then the slow path strips it)
    size = c.str.len_bytes()
    return c, (size > 0) & (size == c.str.strip_chars().str.len_bytes())


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
        if abs(number) >= _MAX_UNITS:
            return None, "too_large"
        if number != number.quantize(Decimal("0.01")):
            return None, "places"
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


def _text_expr(c: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A non-String column as text (integral floats without '.0')."""
    if dtype.is_float():
        integral = c.is_finite() & (c == c.round(0)) & (c.abs() < 1e15)
        return pl.when(integral).then(c.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(c.cast(pl.String))
    return c.cast(pl.String, strict=False)


_Plan = tuple[pl.Expr, list[tuple[str, pl.Expr]], pl.Expr | None]  # value, [(error code, mask)], slow-path mask


def _native(kind: str, c: pl.Expr, dtype: pl.DataType) -> _Plan | None:
    """Typed (Parquet) cells, or None to go by their text."""
    if kind in _NUMERIC:
        if dtype.is_integer():
            v = c.cast(pl.Int64, strict=False)
            big = (v.is_null() & c.is_not_null()) | (v.abs() >= _MAX_UNITS).fill_null(False)
            return pl.when(~big).then(v * 100), [("too_large", big)], None
        if dtype.is_float():
            finite = c.is_finite().fill_null(True)
            big = (c.abs() >= 1e13).fill_null(False) & finite  # beyond the float check's exactness: slow path
            fen = (c * 100).round(0)
            exact = (fen / 100 == c).fill_null(True)
            value = pl.when(finite & ~big & exact).then(fen.cast(pl.Int64, strict=False))
            return value, [("number", ~finite), ("places", finite & ~big & ~exact)], big
        if isinstance(dtype, pl.Decimal):
            scale = dtype.scale or 0
            if scale <= 2:  # the stored integer is value × 10^scale: fen without any arithmetic on decimals
                if (dtype.precision or 38) <= 18:  # |stored integer| < 10^18 < 2^63: the plain cast is exact
                    fen = c.to_physical().cast(pl.Int64, wrap_numerical=True)
                    if scale == 2:  # and |fen| < 10^18: never too large
                        return fen, [], None
                else:
                    fen = c.to_physical().cast(pl.Int64, strict=False)
                if scale < 2:
                    fen = pl.when(fen.abs() < _MAX_SCALED).then(fen * 10 ** (2 - scale))
                big = (fen.is_null() & c.is_not_null()) | (fen.abs() >= _MAX_SCALED).fill_null(False)
                return fen, [("too_large", big)], None
            rounded = c.round(2)
            exact = (rounded == c).fill_null(True)
            big = (c.abs() >= _MAX_UNITS).fill_null(False)
            value = pl.when(exact & ~big).then((rounded * 100).cast(pl.Int64, strict=False))
            return value, [("places", ~exact), ("too_large", exact & big)], None
        return None
    if kind in _INTEGER:
        if dtype.is_integer():
            v = c.cast(pl.Int64, strict=False)
            return v, [("too_large", v.is_null() & c.is_not_null())], None
        if dtype.is_float():
            ok = (c.is_finite() & (c == c.round(0)) & (c.abs() < 2**53)).fill_null(True)
            return pl.when(ok).then(c.cast(pl.Int64, strict=False)), [("int", ~ok)], None
        return None
    if kind == "date":
        if dtype == pl.Date:
            return c, [], None
        if isinstance(dtype, pl.Datetime):
            midnight = (c.dt.time() == dt.time(0)).fill_null(True)
            return pl.when(midnight).then(c.dt.date()), [("date", ~midnight)], None
        return None
    if kind == "bool" and dtype == pl.Boolean:
        return c, [], None
    return None


def _plan(kind: str, c: pl.Expr, dtype: pl.DataType) -> _Plan:
    native = None if dtype == pl.String else _native(kind, c, dtype)
    if native is not None:
        return native
    text = c if dtype == pl.String else _text_expr(c, dtype)
    value, taken = _fast(kind, text)
    return value, [], text.is_not_null() & ~taken.fill_null(False)


def _checks(name: str, v: pl.Expr, blank: pl.Expr) -> list[tuple[str, Any, pl.Expr]]:
    """Vectorised checks on a typed column: [(error code, extra, mask)] (see :func:`_check_value`)."""
    col = BY_NAME[name]
    out: list[tuple[str, Any, pl.Expr]] = []
    lo, hi = RANGES.get(col.kind, (None, None))
    if col.kind in SCALE:
        if lo is not None:
            out.append(("negative", None, v < lo))
    else:
        if lo is not None:
            out.append(("min", lo, v < lo))
        if hi is not None:
            out.append(("max", hi, v > hi))
    if col.kind == "date":
        out.append(("date_range", None, (v < _DATE_MIN) | (v > _DATE_MAX)))
    if name in CHOICES:
        out.append(("choice", None, ~v.is_in(CHOICES[name])))
    if name in PATTERNS:
        out.append(("pattern", None, ~v.str.contains(PATTERNS[name])))
    if name == "id":
        out.append(("required", None, v.is_null() & ~blank))
    return out


def _check_value(name: str, v: Any) -> tuple[str, Any] | None:
    """The checks of :func:`_checks` on one value parsed by the slow path (None: blank, or fine)."""
    col = BY_NAME[name]
    if v is None:
        return ("required", None) if name == "id" else None
    lo, hi = RANGES.get(col.kind, (None, None))
    if col.kind in SCALE:
        if lo is not None and v < lo:
            return "negative", None
    else:
        if lo is not None and v < lo:
            return "min", lo
        if hi is not None and v > hi:
            return "max", hi
    if col.kind == "date" and not _DATE_MIN <= v <= _DATE_MAX:
        return "date_range", None
    if name in CHOICES and v not in CHOICES[name]:
        return "choice", None
    if name in PATTERNS and not re.search(PATTERNS[name], v):
        return "pattern", None
    return None


def _apply_slow(name: str, value: pl.Series, idx: list[int], raw: list[Any], blank: pl.Series, cells: list[_Cell]) -> pl.Series:
    """Parse the cells the fast path did not take, one by one, and check them."""
    kind = BY_NAME[name].kind
    parsed = [_slow(kind, t if isinstance(t, str) else _cell_text(t) or "") for t in raw]
    for i, (v, code) in zip(idx, parsed, strict=True):
        if code is not None:
            cells.append(_Cell(i, name, code))
        elif (bad := _check_value(name, v)) is not None and not blank[i]:
            cells.append(_Cell(i, name, bad[0], bad[1]))
    return value.clone().scatter(idx, pl.Series([v for v, _ in parsed], dtype=SCHEMA[name]))


def _mask_cells(frame: pl.DataFrame, masks: list[tuple[str, str, str, Any]]) -> list[_Cell]:
    """Cells for every true entry of the mask columns [(mask column, name, code, extra)] of ``frame``."""
    cells: list[_Cell] = []
    for key, name, code, extra in masks:
        mask = frame.get_column(key)
        if mask.any():
            cells.extend(_Cell(i, name, code, extra) for i in mask.arg_true().to_list())
    return cells


def _start(raw: _Raw) -> tuple[list[tuple[int, str, str]], pl.LazyFrame]:
    """The file's columns [(position, canonical name, header)] and its data rows (the template's unit row skipped)."""
    present = _resolve_headers(raw)
    id_col = next(f"c{pos}" for pos, name, _ in present if name == "id")
    lf = raw.lf
    # the template's unit row: the first data row (file row 2) whose id reads 单位 / unit
    first = raw.collect(lf.select(pl.col(id_col), "__row").head(1))
    if first.height and first.item(0, "__row") == 2:
        first_id = first.item(0, id_col)
        if first_id is not None and str(first_id).strip().casefold() in UNIT_ROW_MARKERS:
            lf = lf.slice(1)
    return present, lf


def _blank(raw: _Raw) -> pl.Expr:
    """A row whose every cell is empty (skipped, keeping its number)."""
    return pl.all_horizontal([
        (pl.col(c).is_null() | (pl.col(c).str.len_bytes() == 0)) if t == pl.String else pl.col(c).is_null()
        for c, t in raw.schema.items()])


@dataclass
class _ColumnPlan:
    name: str  # canonical column
    value: pl.Expr  # the typed value by the fast path
    checks: list[tuple[str, Any, pl.Expr]]  # (error code, extra, mask) on the values the fast path took
    slow: pl.Expr | None  # the cells left to the slow path


def _column_plans(raw: _Raw, present: list[tuple[int, str, str]], blank: pl.Expr) -> list[_ColumnPlan]:
    plans = []
    for pos, name, _ in present:
        k = f"c{pos}"
        value, native_errors, slow = _plan(BY_NAME[name].kind, pl.col(k), raw.schema[k])
        value = value.cast(SCHEMA[name])
        found = [(code, None, mask) for code, mask in native_errors] + _checks(name, value, blank)
        plans.append(_ColumnPlan(name, value, found, slow))
    return plans


@dataclass
class _Parsed:
    """Rows parsed and checked, before the check across rows (repeated ids)."""

    rows: pl.Series  # file row numbers
    blank: pl.Series  # blank rows (skipped)
    values: dict[str, pl.Series]  # typed values of every row, good and bad
    cells: list[_Cell]  # bad cells
    raw_at: dict[str, dict[int, Any]]  # the raw cells fetched for the slow path and the errors


def _parse_rows(raw: _Raw, present: list[tuple[int, str, str]], lf: pl.LazyFrame) -> _Parsed:
    """One vectorised pass over the rows of ``lf``: typed values by the fast path, the cells it leaves to the
    slow path, and every check on the values it took; then the slow path, cell by cell."""
    key = {name: f"c{pos}" for pos, name, _ in present}
    blank_expr = _blank(raw)
    exprs: list[pl.Expr] = [pl.col("__row"), blank_expr.alias("__blank")]
    masks: list[tuple[str, str, str, Any]] = []
    slow_cols: list[str] = []
    for plan in _column_plans(raw, present, blank_expr):
        name = plan.name
        exprs.append(plan.value.alias(name))
        taken = ~plan.slow.fill_null(False) if plan.slow is not None else pl.lit(True)
        for j, (code, extra, mask) in enumerate(plan.checks):
            exprs.append((mask.fill_null(False) & taken).alias(f"__e{j}_{name}"))
            masks.append((f"__e{j}_{name}", name, code, extra))
        if plan.slow is not None:
            exprs.append(plan.slow.fill_null(False).alias(f"__slow_{name}"))
            slow_cols.append(name)
    stage = raw.collect(lf.select(exprs))
    rows, blank = stage.get_column("__row"), stage.get_column("__blank")
    cells = _mask_cells(stage, masks)
    slow_at = {name: stage.get_column(f"__slow_{name}").arg_true().to_list()
               for name in slow_cols if stage.get_column(f"__slow_{name}").any()}
    values = {name: stage.get_column(name) for name in key}
    del stage

    # the raw cells of the slow path and of the errors, fetched again (there are few)
    raw_at: dict[str, dict[int, Any]] = {}
    positions = {c.pos for c in cells}.union(*slow_at.values())
    if positions:
        needed = sorted({c.name for c in cells} | set(slow_at))
        fetched = raw.collect(lf.with_row_index("__i").filter(pl.col("__i").is_in(sorted(positions)))
                              .select("__i", *[pl.col(key[name]).alias(name) for name in needed]))
        index = fetched.get_column("__i").to_list()
        raw_at = {name: dict(zip(index, fetched.get_column(name).to_list(), strict=True)) for name in needed}
    for name, idx in slow_at.items():
        values[name] = _apply_slow(name, values[name], idx, [raw_at[name][i] for i in idx], blank, cells)
    return _Parsed(rows, blank, values, cells, raw_at)


def _repeated(ids: pl.Series, rows: pl.Series) -> list[tuple[int, int]]:
    """Every occurrence of an id after its first: [(position, row of the first occurrence)]."""
    given = ids.drop_nulls()
    if given.hash().n_unique() == given.len():  # distinct hashes: distinct ids (a quick check; equal hashes are checked below)
        return []
    dup = (ids.is_not_null() & ~ids.is_first_distinct()).fill_null(False)
    if not dup.any():
        return []
    first = ids.is_first_distinct() & ids.is_not_null()
    first_row = dict(zip(ids.filter(first).to_list(), rows.filter(first).to_list(), strict=True))
    at = dup.arg_true()
    return list(zip(at.to_list(), [first_row[i] for i in ids.gather(at).to_list()], strict=True))


def _repeat_message(value: str, first_row: int) -> tuple[str, str]:
    return _message("duplicate", BY_NAME["id"], value, first_row)


def _assemble(source: str, present: list[tuple[int, str, str]], parsed: _Parsed, repeated: list[tuple[int, int]]) -> TableRead:
    """The TableRead of parsed rows: errors in file order; a row with any error is left out, as are blank rows."""
    headers = {name: header for _, name, header in present}
    values, raw_at, rows, blank = parsed.values, parsed.raw_at, parsed.rows, parsed.blank
    ids = values["id"]
    order = {name: pos for pos, name, _ in present}
    cells = parsed.cells + [_Cell(i, "id", "duplicate", first) for i, first in repeated]
    cells.sort(key=lambda cell: (cell.pos, order[cell.name]))
    errors: list[RowError] = []
    row_at = rows.gather([cell.pos for cell in cells]).to_list() if cells else []
    for cell, row in zip(cells, row_at, strict=True):
        written = raw_at.get(cell.name, {}).get(cell.pos, values[cell.name][cell.pos])
        text = "" if written is None else written if isinstance(written, str) else _cell_text(written) or ""
        zh, en = _message(cell.code, BY_NAME[cell.name], ids[cell.pos] if cell.code == "duplicate" else text, cell.extra)
        errors.append(RowError(row, headers[cell.name], text, zh, en))

    n = rows.len()
    typed = pl.DataFrame([values[c.name] if c.name in values else pl.repeat(None, n, dtype=SCHEMA[c.name], eager=True).alias(c.name)
                          for c in COLUMNS], schema=SCHEMA)
    drop = blank
    if cells:
        drop = blank.clone().scatter(sorted({cell.pos for cell in cells}), True)
    if drop.any():
        typed, rows = typed.filter(~drop), rows.filter(~drop)
    return TableRead(source=source, frame=typed, source_rows=rows.alias("row"), errors=errors,
                     columns=[name for _, name, _ in present], headers=headers, rows_read=n - int(blank.sum()))


def _parse(raw: _Raw) -> TableRead:
    present, lf = _start(raw)
    parsed = _parse_rows(raw, present, lf)
    return _assemble(raw.source, present, parsed, _repeated(parsed.values["id"], parsed.rows))


def _open(path: str | Path, *, gb18030: bool = False) -> _Raw:
    """A table file opened (headers read, nothing else): the checks of :func:`read_table`, then the reader."""
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
    if suffix == ".xlsx":
        return _read_xlsx(p, source)
    if suffix == ".parquet":
        return _read_parquet(p, source)
    if not gb18030:
        return _read_csv(p, source)
    try:
        text = p.read_bytes().decode("gb18030")
    except UnicodeDecodeError:
        raise _fail(source, "文件既不是 UTF-8 也不是 GB18030 编码", "the file is neither UTF-8 nor GB18030 encoded") from None
    return _read_csv(text.encode("utf-8"), source)


def read_table(path: str | Path) -> TableRead:
    """Read a batch table (.csv UTF-8 or GB18030, .xlsx first sheet, .parquet) into a typed frame.

    Row numbers (``source_rows``, ``RowError.row``) are spreadsheet rows: the header is row 1, the first
    data row row 2 (a CSV row is one CSV record; Parquet records count the same way). Unknown, duplicated
    or missing required headers raise :class:`InputError` (exit code 2); a bad cell makes a
    :class:`RowError` and leaves its row out of the frame.
    """
    try:
        return _parse(_open(path))
    except _NotUtf8:
        return _parse(_open(path, gb18030=True))


# ---------------------------------------------------------------------------------------------------
# Scanning: the fast path of read_table as one lazy frame, for a plan that reads, checks and assesses
# in one pass (hnte batch); the few rows the fast path cannot vouch for are read the exact way after


@dataclass
class TableScan:
    """A table file planned, not read.

    ``typed`` is a lazy frame of ``_row`` (the file row number), every schema column typed as
    :func:`read_table` types it, and ``_suspect``: true for a row the fast path cannot vouch for (a blank
    row, a cell left to the slow path, a cell failing a check). A row that is not suspect is exactly the
    row :func:`read_table` gives, unless its id repeats an earlier one (a check across rows: see
    :meth:`finish`).
    """

    source: str
    columns: list[str]  # canonical names of the file's columns, in file order
    headers: dict[str, str]  # canonical name → header as written
    typed: pl.LazyFrame
    _raw: _Raw
    _present: list[tuple[int, str, str]]
    _lf: pl.LazyFrame

    def reading(self) -> contextlib.AbstractContextManager[None]:
        """Queries on ``typed`` run within: a file the reader rejects becomes an InputError (``_NotUtf8`` for a
        CSV file that is not UTF-8: scan it again as GB18030)."""
        return self._raw.reading()

    def batches(self, query: pl.LazyFrame, **options: Any) -> Iterator[pl.DataFrame]:
        """Run a query on ``typed`` batch by batch (see :meth:`polars.LazyFrame.collect_batches`)."""
        with self.reading():
            yield from query.collect_batches(**options)

    def finish(self, rows: pl.Series, ids: pl.Series, suspects: pl.Series) -> tuple[TableRead, list[tuple[int, RowError]]]:
        """Read the ``suspects`` (file row numbers) the exact way, and check ids across the whole file.

        ``rows`` and ``ids`` (in file order) are those of the rows that are not suspect. Returns the suspect rows
        as :func:`read_table` reads them (their errors, repeated ids included) and, for the rows that are not
        suspect, the errors of those whose id repeats an earlier one: [(position in ``rows``, error)].
        """
        if suspects.len():
            parsed = _parse_rows(self._raw, self._present, self._lf.filter(pl.col("__row").is_in(suspects.implode())))
        else:
            parsed = _Parsed(pl.Series("__row", [], dtype=pl.Int64), pl.Series("__blank", [], dtype=pl.Boolean),
                             {"id": pl.Series("id", [], dtype=pl.String)}, [], {})
        main = rows.len()
        if parsed.rows.len():  # every id in file order: (row, id, position in ``rows`` or −1 − position in ``parsed``)
            both = pl.DataFrame({"row": pl.concat([rows, parsed.rows]), "id": pl.concat([ids, parsed.values["id"]]),
                                 "at": pl.concat([pl.int_range(0, main, dtype=pl.Int64, eager=True),
                                                  -1 - pl.int_range(0, parsed.rows.len(), dtype=pl.Int64, eager=True)])}).sort("row")
            all_rows, all_ids, at = both.get_column("row"), both.get_column("id"), both.get_column("at")
        else:
            all_rows, all_ids, at = rows, ids, None
        repeated = _repeated(all_ids, all_rows)
        in_main: list[tuple[int, RowError]] = []
        in_parsed: list[tuple[int, int]] = []
        if repeated:
            where = at.gather([i for i, _ in repeated]).to_list() if at is not None else [i for i, _ in repeated]
            header = self.headers["id"]
            for (i, first), w in zip(repeated, where, strict=True):
                if w >= 0:
                    value = all_ids[i]
                    zh, en = _repeat_message(value, first)
                    in_main.append((w, RowError(all_rows[i], header, value, zh, en)))
                else:
                    in_parsed.append((-1 - w, first))
        return _assemble(self.source, self._present, parsed, in_parsed), in_main


def scan_table(path: str | Path, *, gb18030: bool = False) -> TableScan:
    """Plan the reading of a table file (see :class:`TableScan`); headers are checked now, as by :func:`read_table`."""
    raw = _open(path, gb18030=gb18030)
    present, lf = _start(raw)
    # no blank-row test: a blank row's id is null or left to the slow path, so "id missing" (the required check
    # without its blank-row exception) makes it suspect, and the exact path skips it
    flags: list[pl.Expr] = []
    exprs = [pl.col("__row").alias("_row")]
    plans = {plan.name: plan for plan in _column_plans(raw, present, pl.lit(False))}
    for col in COLUMNS:
        plan = plans.get(col.name)
        if plan is None:
            exprs.append(pl.lit(None, dtype=SCHEMA[col.name]).alias(col.name))
            continue
        exprs.append(plan.value.alias(col.name))
        flags += [mask for _, _, mask in plan.checks]  # on every cell, taken or not: a superset is safe
        if plan.slow is not None:
            flags.append(plan.slow)
    typed = lf.select(*exprs, pl.any_horizontal(flags).fill_null(False).alias("_suspect"))
    return TableScan(raw.source, [name for _, name, _ in present], {name: header for _, name, header in present}, typed, raw, present, lf)


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


def _fen_decimal(s: pl.Series) -> pl.Series:
    """Fen (Int64) as an exact Decimal of yuan with two places (Decimal(18, 2) when it fits)."""
    d = s.cast(pl.Int64).cast(pl.Decimal(38, 2)) / 100
    biggest = s.abs().max()
    if biggest is None or int(biggest) < 10**18:  # type: ignore[arg-type]
        d = d.cast(pl.Decimal(18, 2))
    return d.alias(s.name)


def _suffix(path: Path, allowed: tuple[str, ...], what_zh: str, what_en: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        listed = "、".join(allowed)
        raise _fail(str(path), f"{what_zh}应以 {listed} 结尾，实际为 \"{path.name}\"",
                    f"{what_en} must end in {', '.join(allowed)}, got \"{path.name}\"")
    return suffix


def _atomic(path: Path, write: Any) -> None:
    """Write to ``<name>.part`` then rename: never a half-written file."""
    tmp = path.with_name(path.name + ".part")
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as e:
        reason = e.strerror or str(e)
        raise _fail(str(path), f"无法写入文件：{reason}", f"cannot write file: {reason}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as text, for CSV."""
    nested = [c for c, t in frame.schema.items() if t.is_nested() or t == pl.Object]
    if not nested:
        return frame
    return frame.with_columns([pl.col(c).map_elements(lambda v: None if v is None else str(v), return_dtype=pl.String)
                               for c in nested])


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write a frame as .csv (UTF-8 with BOM), .xlsx (bold frozen header) or .parquet, atomically.

    Any columns may be written. A schema money or persons column holding integers is taken to be in the
    typed representation (fen, hundredths) and written in yuan / persons — exact text in CSV, numbers
    in XLSX, Decimal(18, 2) in Parquet — so that :func:`read_table` gives the same typed frame back.
    """
    p = Path(path)
    suffix = _suffix(p, TABLE_SUFFIXES, "输出表格", "the output table")
    scaled = _scaled_names(frame)
    if suffix == ".csv":
        out = _flat(frame.with_columns([_fen_text(pl.col(c)).alias(c) for c in scaled]))
        _atomic(p, lambda tmp: out.write_csv(tmp, include_bom=True))
    elif suffix == ".parquet":
        out = frame.with_columns([_fen_decimal(frame.get_column(c)) for c in scaled])
        _atomic(p, lambda tmp: out.write_parquet(tmp))
    else:
        if frame.height + 1 > 1_048_576:
            raise _fail(str(p), f"XLSX 最多容纳 1,048,575 行数据，此表有 {frame.height} 行；请改用 .csv 或 .parquet",
                        f"an XLSX sheet holds at most 1,048,575 data rows, this table has {frame.height}; use .csv or .parquet")
        _atomic(p, lambda tmp: _write_xlsx(frame, tmp, set(scaled)))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(header: list[str], rows: Iterable[Iterable[Any]]) -> list[int]:
    widths = [_display_width(h) for h in header]
    for row in rows:
        for i, v in enumerate(row):
            if v is not None and i < len(widths):
                widths[i] = max(widths[i], _display_width(v if isinstance(v, str) else _cell_text(v) or ""))
    return [min(max(w + 2, 8), 50) for w in widths]


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"})
        self.unit = wb.add_format({"italic": True, "font_color": "#666666"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.money = wb.add_format({"num_format": "#,##0.00"})
        self.persons = wb.add_format({"num_format": "0.##"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})


def _cell_writer(name: str, dtype: pl.DataType, scaled: bool, fmt: _Formats) -> Any:
    """A function (ws, row, col, value) writing one non-null value of a column."""
    if scaled:
        number_format = fmt.persons if BY_NAME[name].kind == "persons" else fmt.money

        def scaled_cell(ws: Any, r: int, c: int, v: int) -> None:
            if abs(v) < 10**15:  # within 15 significant digits: the float's shortest decimal is exact
                ws.write_number(r, c, v / 100, number_format)
            else:
                ws.write_string(r, c, _fen_str(v))
        return scaled_cell
    if dtype == pl.String:
        return lambda ws, r, c, v: ws.write_string(r, c, v)
    if dtype == pl.Boolean:
        return lambda ws, r, c, v: ws.write_boolean(r, c, v)
    if dtype == pl.Date:
        return lambda ws, r, c, v: ws.write_datetime(r, c, v, fmt.date)
    if isinstance(dtype, pl.Datetime):
        return lambda ws, r, c, v: ws.write_datetime(r, c, v.replace(tzinfo=None), fmt.datetime)
    if dtype.is_integer():
        return lambda ws, r, c, v: ws.write_number(r, c, v) if abs(v) < 2**53 else ws.write_string(r, c, str(v))
    if dtype.is_float():
        return lambda ws, r, c, v: ws.write_number(r, c, v)
    if isinstance(dtype, pl.Decimal):
        def decimal_cell(ws: Any, r: int, c: int, v: Decimal) -> None:
            f = float(v)
            if Decimal(repr(f)) == v:
                ws.write_number(r, c, f)
            else:
                ws.write_string(r, c, str(v))
        return decimal_cell
    return lambda ws, r, c, v: ws.write_string(r, c, str(v))


def _fen_str(v: int) -> str:
    sign = "-" if v < 0 else ""
    whole, cents = divmod(abs(v), 100)
    return f"{sign}{whole}" + (f".{cents:02d}" if cents else "")


def _write_xlsx(frame: pl.DataFrame, path: Path, scaled: set[str]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors": True})
    try:
        fmt = _Formats(wb)
        ws = wb.add_worksheet("batch")
        header = list(frame.columns)
        for i, w in enumerate(_widths(header, frame.head(200).iter_rows())):
            ws.set_column(i, i, w)
        ws.freeze_panes(1, 0)
        ws.set_row(0, None, fmt.header)
        for j, h in enumerate(header):
            ws.write_string(0, j, h, fmt.header)
        writers = [_cell_writer(c, t, c in scaled, fmt) for c, t in frame.schema.items()]
        for r, row in enumerate(frame.iter_rows(), start=1):
            for j, v in enumerate(row):
                if v is not None:
                    writers[j](ws, r, j, v)
    finally:
        wb.close()


# ---------------------------------------------------------------------------------------------------
# The template


#: The template's example row, in the file's units: a 2016-rules enterprise meeting every condition
#: (application 2024-06-30, so y1..y3 are 2021..2023; the figures of ``examples/pass_2016.yaml``).
EXAMPLE: dict[str, Any] = {
    "id": "示例-001", "name": "北京示例智能科技有限公司", "credit_code": "91110108MA01ABCD1X", "programme": "national",
    "application_date": dt.date(2024, 6, 30), "registration_date": dt.date(2019, 3, 15), "region_code": "110108",
    "technical_field": "1.1.1", "industry": "information_software", "above_designated_size": True, "pilot_field": None,
    "previously_identified": False, "incident_date": None,
    "y1_sales_revenue": 30000000, "y1_net_assets": 12000000, "y1_total_assets": 20000000, "y1_operating_months": 12,
    "y1_rd_personnel": 1500000, "y1_rd_direct_inputs": 300000, "y1_rd_depreciation": 80000, "y1_rd_intangible_amortization": 20000,
    "y1_rd_design": 50000, "y1_rd_equipment_debugging": 30000, "y1_rd_outsourced_domestic": 200000, "y1_rd_outsourced_overseas": 0,
    "y1_rd_other": 100000,
    "y2_sales_revenue": 38000000, "y2_net_assets": 15000000, "y2_total_assets": 24000000, "y2_operating_months": 12,
    "y2_rd_personnel": 1700000, "y2_rd_direct_inputs": 350000, "y2_rd_depreciation": 90000, "y2_rd_intangible_amortization": 20000,
    "y2_rd_design": 60000, "y2_rd_equipment_debugging": 40000, "y2_rd_outsourced_domestic": 250000, "y2_rd_outsourced_overseas": 50000,
    "y2_rd_other": 120000,
    "y3_sales_revenue": Decimal("45000000.50"), "y3_net_assets": 19000000, "y3_total_assets": 29500000, "y3_operating_months": 12,
    "y3_rd_personnel": 1900000, "y3_rd_direct_inputs": 400000, "y3_rd_depreciation": 100000, "y3_rd_intangible_amortization": 25000,
    "y3_rd_design": 70000, "y3_rd_equipment_debugging": 45000, "y3_rd_outsourced_domestic": 300000, "y3_rd_outsourced_overseas": 60000,
    "y3_rd_other": 150000,
    "total_income": 47000000, "non_taxable_income": 500000, "high_tech_income": 36000000, "main_products_income": 30000000,
    "staff_total": Decimal("64.25"), "staff_science_tech": Decimal("10.5"), "staff_science_tech_college": 10, "staff_rd": 8,
    "ip_class1_self": 2, "ip_class1_acquired": 0, "ip_class2_self": 2, "ip_class2_acquired": 0, "ip_class2_used": 0,
    "conversions_y1": 5, "conversions_y2": 5, "conversions_y3": 5,
    "assess_technology_advancement": "A", "assess_core_support": "A", "assess_standards": True,
    "assess_rd_system": 5, "assess_rd_institution": 5, "assess_rd_conversion_incentives": 3, "assess_rd_talent": 3,
    "assess_rd_2008_met": 4,
}


def example_frame() -> pl.DataFrame:
    """The template's example row as a typed frame (what :func:`read_table` gives for the template)."""
    row = {}
    for c in COLUMNS:
        v = EXAMPLE.get(c.name)
        row[c.name] = int(Decimal(v) * SCALE[c.kind]) if c.kind in SCALE and v is not None else v
    return pl.DataFrame([row], schema=SCHEMA)


def _example_text(col: Column, value: Any) -> str:
    if value is None:
        return ""
    if col.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _template_units() -> list[str]:
    return ["单位"] + [c.unit_zh for c in COLUMNS[1:]]


def write_template(path: str | Path) -> None:
    """Write the batch template: .xlsx (headers, unit row, example row, a 说明 sheet) or .csv (the same three rows)."""
    p = Path(path)
    suffix = _suffix(p, (".xlsx", ".csv"), "模板文件", "the template")
    headers = [c.alias_zh for c in COLUMNS]
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(headers)
        w.writerow(_template_units())
        w.writerow([_example_text(c, EXAMPLE.get(c.name)) for c in COLUMNS])
        _atomic(p, lambda tmp: tmp.write_bytes(buf.getvalue().encode("utf-8-sig")))
    else:
        _atomic(p, _write_template_xlsx)


def _write_template_xlsx(path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    try:
        fmt = _Formats(wb)
        ws = wb.add_worksheet("企业")
        units = _template_units()
        example = [EXAMPLE.get(c.name) for c in COLUMNS]
        for j, w in enumerate(_widths([c.alias_zh for c in COLUMNS], [units, [_example_text(c, v) for c, v in zip(COLUMNS, example, strict=True)]])):
            ws.set_column(j, j, max(w, 12))
        ws.set_row(0, 36)
        for j, col in enumerate(COLUMNS):
            ws.write_string(0, j, col.alias_zh, fmt.header)
            ws.write_comment(0, j, f"{col.name}\n{col.description}" + (f"\n{col.unit_zh}" if col.unit_zh else ""),
                             {"x_scale": 2, "y_scale": 1.5})
            ws.write_string(1, j, units[j], fmt.unit)
            value = example[j]
            if value is None:
                continue
            if col.kind in SCALE:
                ws.write_number(2, j, float(value), fmt.persons if col.kind == "persons" else fmt.money)
            elif col.kind == "date":
                ws.write_datetime(2, j, value, fmt.date)
            elif col.kind == "bool":
                ws.write_string(2, j, "是" if value else "否")
            elif isinstance(value, int):
                ws.write_number(2, j, value)
            else:
                ws.write_string(2, j, str(value))
            options = ("是", "否") if col.kind == "bool" else GRADES if col.kind == "grade" else CHOICES.get(col.name)
            if options and len(",".join(options)) <= 255:
                ws.data_validation(2, j, 10000, j, {"validate": "list", "source": list(options), "error_type": "warning",
                                                    "error_message": "请从列表中选择 / choose a value from the list"})
        for j, col in enumerate(COLUMNS):  # validation for columns left empty in the example, too
            options = CHOICES.get(col.name) if example[j] is None else None
            if options and len(",".join(options)) <= 255:
                ws.data_validation(2, j, 10000, j, {"validate": "list", "source": list(options), "error_type": "warning"})
        ws.freeze_panes(2, 1)

        doc = wb.add_worksheet("说明")
        head = ["列名 name", "中文列名（表头）", "单位 unit", "类型 kind", "必填 required", "说明 description", "可选值 values"]
        rows = [[c.name, c.alias_zh, c.unit_zh, c.kind, "是" if c.required else "", c.description,
                 ", ".join(GRADES if c.kind == "grade" else CHOICES.get(c.name, ()))] for c in COLUMNS]
        for j, w in enumerate(_widths(head, rows)):
            doc.set_column(j, j, min(w, 60), fmt.wrap if j == 5 else None)
        for j, h in enumerate(head):
            doc.write_string(0, j, h, fmt.header)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                doc.write_string(i, j, v)
        for k, line in enumerate(TEMPLATE_NOTES, start=len(rows) + 2):
            doc.write_string(k, 0, line)
        doc.freeze_panes(1, 0)
    finally:
        wb.close()


TEMPLATE_NOTES = (
    "填写说明 Notes",
    "第 1 行为列名（中文或英文列名均可），第 2 行为单位（可保留，读取时跳过），从第 3 行起每行一家企业；示例行请删除或替换。",
    "Row 1 holds the headers (Chinese or English), row 2 the units (kept or deleted; skipped on reading); one enterprise per row from row 3. Replace the example row.",
    "金额单位为元（最多两位小数），人数为全年月平均人数（最多两位小数），日期为 YYYY-MM-DD，是/否列填 是 或 否。",
    "Money in yuan (at most 2 decimals), staff as annual monthly averages (at most 2 decimals), dates YYYY-MM-DD, yes/no columns 是 or 否.",
    "y3（最近一年）为申请年度的前一年，y2、y1 依次向前；成立不足三年的企业，成立前的年度留空。",
    "y3 is the year before the application year, y2 and y1 the years before; a young enterprise leaves the years before its registration empty.",
    "空单元格表示未知（相关条件为“未知”，不是“不符合”）；数值为零请填 0。",
    "An empty cell means unknown (the criteria needing it are 'unknown', not failed); write 0 for zero.",
)


# ---------------------------------------------------------------------------------------------------
# Error file


def write_errors(errors: list[RowError], path: str | Path, lang: str = "zh") -> None:
    """Write row errors (row, column, value, message) as CSV with a UTF-8 BOM (or .xlsx / .parquet by suffix)."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".parquet"):
        frame = pl.DataFrame({"row": [e.row for e in errors], "column": [e.column for e in errors],
                              "value": [e.value for e in errors], "message": [e.message(lang) for e in errors]},
                             schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String})
        write_table(frame, p)
        return
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["row", "column", "value", "message"])
    for e in errors:
        w.writerow([e.row, e.column, e.value, e.message(lang)])
    _atomic(p, lambda tmp: tmp.write_bytes(buf.getvalue().encode("utf-8-sig")))


# ---------------------------------------------------------------------------------------------------
# Documentation


KIND_DOC: dict[str, tuple[str, str]] = {
    "text": ("文本；前后空格忽略", "text; surrounding spaces ignored"),
    "date": ("`YYYY-MM-DD`；也接受 `2024/6/30`、`2024.6.30`、`2024年6月30日` 及 Excel 日期单元格（不含时间）",
             "`YYYY-MM-DD`; also `2024/6/30`, `2024.6.30`, `2024年6月30日` and Excel date cells (no time of day)"),
    "money": ("元，非负，整数或最多两位小数；可用千位分隔符 `1,234.56`；不接受科学计数法 `1e3`",
              "yuan, non-negative, integer or at most 2 decimals; thousands separators `1,234.56` allowed; no scientific notation `1e3`"),
    "signed_money": ("元，可为负数，其余同 money", "yuan, may be negative; otherwise as money"),
    "persons": ("人（全年月平均数），非负，最多两位小数", "persons (annual monthly average), non-negative, at most 2 decimals"),
    "count": ("非负整数", "non-negative integer"),
    "int": ("非负整数", "non-negative integer"),
    "months": ("整数 1–12", "integer 1–12"),
    "bool": ("`是`/`否`；也接受 `true`/`false`、`1`/`0`、`yes`/`no`、`Y`/`N`（不区分大小写）",
             "`是`/`否`; also `true`/`false`, `1`/`0`, `yes`/`no`, `Y`/`N` (any case)"),
    "grade": ("`A`–`E`（小写亦可）", "`A`–`E` (lower case accepted)"),
}
_MEMORY_DOC = {"money": "Int64 分 (fen)", "signed_money": "Int64 分 (fen)", "persons": "Int64 0.01 人 (hundredths)"}


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def columns_markdown() -> str:
    """The generated part of ``docs/batch-table.md``: the kinds and every column of :data:`columns.COLUMNS`."""
    lines = ["### 类型 Kinds", "", "| 类型 kind | 可填写 accepted | 内存表示 in memory |", "|---|---|---|"]
    for kind, (zh, en) in KIND_DOC.items():
        lines.append(f"| `{kind}` | {_md(zh)}<br>{_md(en)} | {_MEMORY_DOC.get(kind, DTYPE_NAME[kind])} |")
    lines += ["", f"### 列 Columns ({len(COLUMNS)})", "",
              "| # | 列名 name | 中文列名 alias | 类型 kind | 单位 unit | 说明 description |", "|---|---|---|---|---|---|"]
    for i, c in enumerate(COLUMNS, start=1):
        desc = _md(c.description)
        if c.required:
            desc += " **必填 required**"
        values = GRADES if c.kind == "grade" else CHOICES.get(c.name)
        if values:
            desc += "<br>可选值 values: " + ", ".join(f"`{v}`" for v in values)
        lines.append(f"| {i} | `{c.name}` | {_md(c.alias_zh)} | `{c.kind}` | {_md(c.unit_zh)} | {desc} |")
    return "\n".join(lines) + "\n"

