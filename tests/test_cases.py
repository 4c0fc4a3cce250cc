"""YAML cases named by article and situation (``tests/cases/<instrument>/<article>_<subject>.yaml``).

Each file lists its citations, a base example and cases that change fields (``set``) and state what
the law says must come out (``expect``): criterion statuses, exact indicator values, score ranges,
or an input error. Values are compared exactly (fractions such as "1/20" or decimals such as "0.05").
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from conftest import derive
from hnte.application import parse_application
from hnte.core.citations import resolve
from hnte.core.errors import InputError
from hnte.core.parameters import load_yaml
from hnte.engine import assess

CASES_DIR = Path(__file__).resolve().parent / "cases"


def _load() -> list[tuple[str, dict, dict]]:
    out = []
    for f in sorted(CASES_DIR.rglob("*.yaml")):
        doc = load_yaml(f.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append((f"{f.relative_to(CASES_DIR).with_suffix('')}::{case['name']}", doc, case))
    return out


CASES = _load()


def exact(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str) and "/" in value:
        return Fraction(value)
    return Fraction(Decimal(str(value)))


def test_case_files_cite_resolvable_articles():
    files = sorted(CASES_DIR.rglob("*.yaml"))
    assert len(files) >= 10
    for f in files:
        doc = load_yaml(f.read_text(encoding="utf-8"))
        assert doc.get("cites"), f"{f.name} has no cites"
        for c in doc["cites"]:
            resolve(c)


@pytest.mark.parametrize(("case_id", "doc", "case"), CASES, ids=[c[0] for c in CASES])
def test_case(case_id: str, doc: dict, case: dict) -> None:
    data = derive(case.get("base", doc.get("base", "pass_2016")), case.get("set"))
    expect = case["expect"]
    programme = case.get("programme", doc.get("programme"))
    if "error" in expect:
        with pytest.raises(InputError) as info:
            app = parse_application(data, "case.yaml")
            assess(app, programme, source="case.yaml")
        paths = [i.path for i in info.value.issues]
        assert expect["error"]["path"] in paths, f"expected an error at {expect['error']['path']}, got {paths}"
        if "contains" in expect["error"]:
            text = " ".join(i.message_zh + " " + i.message_en for i in info.value.issues)
            assert expect["error"]["contains"] in text
        return
    result = assess(parse_application(data, "case.yaml"), programme, source="case.yaml")
    if "law_version" in expect:
        assert result.law.id == expect["law_version"]
    if "eligible" in expect:
        assert result.eligible is expect["eligible"], [(c.id, c.status) for c in result.criteria]
    if "verdict" in expect:
        assert result.verdict == expect["verdict"]
    for cid, want in (expect.get("criteria") or {}).items():
        c = result.criterion(cid)
        want = {"status": want} if isinstance(want, str) else want
        assert c.status == want["status"], f"{cid}: {c.status} (value {c.value}, threshold {c.threshold}, missing {c.missing})"
        for key in ("value", "threshold", "margin"):
            if key in want:
                got = getattr(c, key)
                assert (got is None) if want[key] is None else exact(got) == exact(want[key]), f"{cid}.{key}: {got}"
    trace = result.ctx.trace
    for iid, want in (expect.get("indicators") or {}).items():
        fig = trace.get(iid)
        if want is None:
            assert fig.value is None, f"{iid}: expected unknown, got {fig.value}"
        else:
            assert fig.value is not None and exact(fig.value) == exact(want), f"{iid}: {fig.value} != {want}"
    score = expect.get("score") or {}
    if "min" in score:
        assert result.score.total_min == exact(score["min"]), result.score.total_min
    if "max" in score:
        assert result.score.total_max == exact(score["max"]), result.score.total_max
    if "verdict" in score:
        assert result.score.verdict == score["verdict"]
    for sid, want in (expect.get("score_items") or {}).items():
        fig = trace.get(sid)
        for key, v in want.items():
            got = fig.details[key]
            assert (got == v) if key in {"grade", "basis"} else exact(got) == exact(v), f"{sid}.{key}: {got} != {v}"
    for path in expect.get("missing_includes", []):
        assert path in result.missing, result.missing
    for text in expect.get("notes_include", []):
        notes = [n for f in trace.figures.values() for n in f.notes_zh + f.notes_en]
        assert any(text in n for n in notes), notes
