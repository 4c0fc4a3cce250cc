"""The engine never imports Django (architecture: two packages, one direction of dependency)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "src" / "hnte"


def test_no_engine_module_imports_the_web_layer():
    offenders = [str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py")
                 if re.search(r"^\s*(from|import)\s+(django|ninja|hnte_web)\b", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_using_the_engine_loads_no_django():
    code = ("import sys, hnte.engine, hnte.cli, hnte.batch.run, hnte.advice.advise, hnte.report.view;"
            "from hnte.core.registry import load_rules; load_rules();"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja', 'hnte_web')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
