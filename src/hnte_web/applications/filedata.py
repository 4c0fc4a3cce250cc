"""Exact JSON for application data: Decimals written as JSON numbers digit for digit, read back as Decimal."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if i:
                out.append(",")
            out.append(json.dumps(str(k), ensure_ascii=False))
            out.append(":")
            _write(v, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            _write(v, out)
        out.append("]")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("non-finite number")
        out.append(format(value, "f"))
    elif isinstance(value, dt.date):
        out.append(json.dumps(value.isoformat()))
    elif hasattr(value, "value") and isinstance(getattr(value, "value", None), str):  # enums
        out.append(json.dumps(value.value, ensure_ascii=False))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def dumps(data: Any) -> str:
    out: list[str] = []
    _write(data, out)
    return "".join(out)


def loads(text: str) -> Any:
    return json.loads(text or "{}", parse_float=Decimal)
