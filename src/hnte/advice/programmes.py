"""Programme comparison: national (2016 or 2008 by date), Beijing pilot and Suzhou pool side by side."""

from __future__ import annotations

from typing import Any

from hnte.application import Application
from hnte.core.errors import InputError
from hnte.core.registry import programmes
from hnte.engine import Assessment, assess


def compare(app: Application, lang: str = "zh", current: Assessment | None = None) -> list[dict[str, Any]]:
    rows = []
    for prog_id, prog in programmes().items():
        label = prog.label_en if lang == "en" else prog.label_zh
        if current is not None and current.programme.id == prog_id:
            result = current
        else:
            try:
                result = assess(app, prog_id, with_alternative=False)
            except InputError as e:
                rows.append({"programme": prog_id, "label": label, "applicable": False, "eligible": None, "verdict": "not_applicable",
                             "reasons": [{"status": None, "text": i.message(lang), "cites": list(prog.cites)} for i in e.issues]})
                continue
        reasons = []
        for c in result.criteria:
            if c.status == "fail":
                reasons.append({"criterion": c.id, "status": "fail", "text": c.label(lang), "cites": list(c.cites)})
            elif c.status == "unknown":
                reasons.append({"criterion": c.id, "status": "unknown", "text": c.label(lang), "missing": list(c.missing), "cites": list(c.cites)})
        rows.append({"programme": prog_id, "label": label, "applicable": True, "law_version": result.law.id, "eligible": result.eligible,
                     "verdict": result.verdict, "score": [float(result.score.total_min), float(result.score.total_max)], "reasons": reasons})
    return rows
