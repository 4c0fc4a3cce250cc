"""Guards of the application machine that belong to formal review."""

from __future__ import annotations


def accept_problem(app):
    """A pilot application is accepted on the pilot track only if the engine finds it eligible (I19); the
    standard track needs a batch."""
    if app.pilot:
        from hnte_web.applications.assessment import engine_check

        check = engine_check(app.versions.order_by("-number").first().data)  # the verdict only: no advice, no traces
        if not check["ok"] or check["verdict"] != "eligible":
            failing = [c.label("zh") for c in (check["result"].criteria if check["ok"] else []) if c.status != "pass"]
            zh = "不符合北京试点条件" + (f"（{'、'.join(failing)}）" if failing else "") + "：可转入普通认定程序或退回"
            return (zh, "does not meet the Beijing pilot conditions: move it to the standard track or return it")
        return None
    if app.batch_id is None:
        return ("普通认定程序须先选择批次", "choose a batch first (standard track)")
    return None
