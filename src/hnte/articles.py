"""Article index: from an article number to its code, its parameters and its tests in one step.

Every citation ``instrument#anchor`` written in the engine's code, its parameter files and the test
cases is collected by scanning the files; ``hnte articles measures_2016#art11-5`` prints the lot.
"""

from __future__ import annotations

import re
from pathlib import Path

from hnte.core.citations import instruments

PACKAGE_DIR = Path(__file__).resolve().parent
CITATION = re.compile(r"\b([a-z][a-z0-9_]*#[a-z0-9][a-z0-9-]*)\b")


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def _scan(files: list[Path], root: Path, known: set[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in files:
        for cite in set(CITATION.findall(f.read_text(encoding="utf-8"))):
            if cite in known:
                found.setdefault(cite, set()).add(f.relative_to(root).as_posix())
    return found


def article_index(tests_dir: Path | None = None) -> dict[str, dict]:
    known = {a.citation for inst in instruments().values() for a in inst.anchors.values()}
    root = PACKAGE_DIR.parent.parent if (PACKAGE_DIR.parent.name == "src") else PACKAGE_DIR.parent
    code_files = [p for p in PACKAGE_DIR.rglob("*.py") if p.name != "articles.py"]
    param_files = list((PACKAGE_DIR / "parameters").rglob("*.yaml"))
    if tests_dir is None and (root / "tests").is_dir():
        tests_dir = root / "tests"
    test_files = [p for p in tests_dir.rglob("*") if p.suffix in {".py", ".yaml"}] if tests_dir else []
    code = _scan(code_files, root, known)
    params = _scan(param_files, root, known)
    tests = _scan(test_files, tests_dir.parent if tests_dir else root, known)
    index: dict[str, dict] = {}
    for inst in sorted(instruments().values(), key=lambda i: i.id):
        for anchor in sorted(inst.anchors.values(), key=lambda a: _natural(a.anchor)):
            c = anchor.citation
            index[c] = {
                "heading": anchor.heading,
                "code": sorted(code.get(c, ())),
                "parameters": sorted(params.get(c, ())),
                "tests": sorted(tests.get(c, ())),
            }
    return index


def render_markdown(index: dict[str, dict]) -> str:
    lines = ["| article | heading | code | parameters | tests |", "|---|---|---|---|---|"]
    for cite, row in index.items():
        cells = [", ".join(f"`{p}`" for p in row[k]) or "—" for k in ("code", "parameters", "tests")]
        lines.append(f"| `{cite}` | {row['heading']} | {cells[0]} | {cells[1]} | {cells[2]} |")
    return "\n".join(lines) + "\n"
