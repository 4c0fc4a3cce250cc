"""Shared fixtures: the bundled examples and a helper to derive variants of them."""

from __future__ import annotations

import copy
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from hnte.application import parse_application
from hnte.core.parameters import load_yaml

# Installed catalogue updates live in the user's data dir (hnte.registries.store): tests never see a
# developer's own, and write only to a directory of their own.
os.environ["HNTE_DATA_DIR"] = tempfile.mkdtemp(prefix="hnte-test-data-")

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "hnte" / "examples"
BASES = Path(__file__).resolve().parent / "bases"


def example_data(name: str) -> dict:
    """A test base (``tests/bases``) or a bundled example (``src/hnte/examples``) as raw data."""
    path = BASES / f"{name}.yaml"
    if not path.exists():
        path = EXAMPLES / f"{name}.yaml"
    return load_yaml(path.read_text(encoding="utf-8"))


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``years[2].rd_expenses.other`` in nested data; ``value`` None with ``delete`` marker removes it."""
    tokens = [(m.group(1), m.group(2)) for m in _TOKEN.finditer(path)]
    keys: list[Any] = [int(i) if i is not None else (int(k) if k.isdigit() else k) for k, i in tokens]
    obj: Any = data
    for key in keys[:-1]:
        if isinstance(obj, dict) and key not in obj:
            obj[key] = {}
        obj = obj[key]
    last = keys[-1]
    if isinstance(value, str) and value == "__delete__":
        del obj[last]
    else:
        obj[last] = value


def derive(base: str, changes: dict[str, Any] | None = None) -> dict:
    data = copy.deepcopy(example_data(base))
    for path, value in (changes or {}).items():
        set_path(data, path, value)
    return data


def build(base: str, changes: dict[str, Any] | None = None):
    return parse_application(derive(base, changes), f"{base}.yaml")


@pytest.fixture
def make_app():
    return build


def audited_example(tmp_path: Path, *, share_ok: bool) -> Path:
    """fail_2016 with an intermediary (qualified, or 15 of 60 staff CPAs: 25 % < 30 %) and a special audit report
    that differs from the application on one R&D figure and on high-tech income."""
    import json

    data = example_data("fail_2016")
    years = [y["year"] for y in data["years"]]
    data["intermediary"] = {"name": "北京示例会计师事务所（普通合伙）", "credit_code": "91110108MA00000001", "founded_on": "2012-04-01",
                            "independent_practice": True, "records": [],
                            "years": [{"year": 2024, "average_headcount": 60, "certified_public_accountants": 30 if share_ok else 15,
                                       "tax_agents": 0}]}
    report_years = []
    for y in data["years"]:
        rd = dict(y["rd_expenses"])
        if y["year"] == years[1]:
            rd["personnel"] = rd["personnel"] - 20000
        report_years.append({"year": y["year"], "rd_expenses": rd})
    data["special_audit_report"] = {"number": "京审专字〔2024〕第001号", "issued_on": "2024-05-20",
                                    "high_tech_income": data["years"][-1]["high_tech_income"] + 100000, "years": report_years}
    out = tmp_path / ("audited.json" if share_ok else "audited_blocked.json")
    out.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    return out
