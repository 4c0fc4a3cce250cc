"""The engine, as the web pages and the API see it: application data in, the report's view model out
(the same trace the CLI prints, the same gaps the advisor gives)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from hnte.advice.advise import advise
from hnte.application.load import parse_application
from hnte.core.errors import InputError
from hnte.engine import assess
from hnte.report.text import render_explanation
from hnte.report.view import build


def trace_text(result, figure_id: str, lang: str) -> str:
    console = Console(file=io.StringIO(), width=110, color_system=None, highlight=False, soft_wrap=False)
    render_explanation(result, figure_id, console, lang)
    return console.file.getvalue()


def engine_check(data: dict, *, lang: str = "zh", source: str = "申请书") -> dict[str, Any]:
    """The engine's verdict on ``data`` without what only the live panel shows (the advice's searches, the view, the
    traces): ``{"ok": True, "result", "verdict", "missing", "audit"}`` or ``{"ok": False, "issues": [...]}``. Submission
    needs only this (bench/bench_web.py: a fifth of the CPU of a full live assessment)."""
    try:
        app = parse_application(data, source)
        registries = {}
        if app.intermediary is not None or app.special_audit_report is not None:
            from hnte_web.registries.services import engine_records, engine_registry

            registries = {"intermediaries": engine_registry(), "records": engine_records()}
        result = assess(app, source=source, **registries)
    except InputError as e:
        return {"ok": False, "issues": e.to_dict(lang)["issues"]}
    audit = result.audit.to_dict(lang) if getattr(result, "audit", None) is not None else None
    return {"ok": True, "result": result, "verdict": result.verdict, "missing": list(result.missing), "audit": audit,
            "submission_blocked": bool(audit and audit.get("submission_blocked"))}


def live_assessment(data: dict, *, lang: str = "zh", source: str = "申请书", traces: bool = True) -> dict[str, Any]:
    """``{"ok": True, "view": ..., "traces": {criterion_id: text}}`` or ``{"ok": False, "issues": [...]}``.

    ``traces=False``: no trace text (``{}``): rendering the nine criteria's traces is most of the cost (≈ 25 of
    ≈ 30 ms), so the autosaved panel leaves them to :func:`criterion_trace`, fetched when one is opened."""
    check = engine_check(data, lang=lang, source=source)
    if not check["ok"]:
        return check
    result = check["result"]
    view = build(result, advise(result, lang=lang), lang)
    traces = {c.id: trace_text(result, c.id, lang) for c in result.criteria} if traces else {}
    return {"ok": True, "view": view, "traces": traces, "verdict": result.verdict, "audit": check["audit"],
            "submission_blocked": check["submission_blocked"]}


def criterion_trace(data: dict, criterion_id: str, *, lang: str = "zh", source: str = "申请书") -> str | None:
    """The trace of one criterion on ``data`` — the text :func:`live_assessment` gives for it — or None when the data
    cannot be assessed or the programme has no such criterion."""
    check = engine_check(data, lang=lang, source=source)
    if not check["ok"] or not any(c.id == criterion_id for c in check["result"].criteria):
        return None
    return trace_text(check["result"], criterion_id, lang)
