"""Reading registry files (YAML or JSON) into pydantic models, with errors that name file and field path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hnte.core.errors import InputError, InputIssue

M = TypeVar("M", bound=BaseModel)


def read_text(path: str | Path) -> str:
    source = str(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(source, [InputIssue("", "文件不存在", "file not found")]) from None
    except UnicodeDecodeError:
        raise InputError(source, [InputIssue("", "文件不是 UTF-8 编码", "file is not UTF-8 encoded")]) from None
    except OSError as e:
        raise InputError(source, [InputIssue("", f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}")]) from None


def parse_model(data: Any, model: type[M], fmt: str, source: str,
                checks: Callable[[M], list[InputIssue]] | None = None) -> M:
    """Validate parsed data into ``model`` (whose ``format`` must be ``fmt``), or raise :class:`InputError`."""
    from hnte.application.load import _pydantic_issues

    if not isinstance(data, dict):
        raise InputError(source, [InputIssue("", "文件内容应为一个键值映射", "expected the file to hold one mapping")])
    if data.get("format") != fmt:
        got = repr(data.get("format"))
        raise InputError(source, [InputIssue("format", f"应为 \"{fmt}\"，实际为 {got}", f"expected \"{fmt}\", got {got}")])
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, _pydantic_issues(exc)) from None
    issues = checks(obj) if checks else []
    if issues:
        raise InputError(source, issues)
    return obj


def read_model(path: str | Path, model: type[M], fmt: str, checks: Callable[[M], list[InputIssue]] | None = None) -> M:
    from hnte.application.load import _parse_text

    source = str(path)
    return parse_model(_parse_text(read_text(path), source), model, fmt, source, checks)
