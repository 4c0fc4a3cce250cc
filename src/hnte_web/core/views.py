from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from hnte_web.core.workflow import all_machines


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home.html")
    if user.is_enterprise:
        return redirect("enterprise_home")
    if user.is_office or user.is_lgo:
        return redirect("office_home")
    return redirect("expert_home")


def workflow_diagrams(request):
    """The declared state machines, drawn from their declarations."""
    machines = []
    for m in all_machines():
        rows = [{"t": t, "sources": [m.state_label(s, request.lang) for s in t.sources],
                 "target": m.state_label(t.target, request.lang)} for t in m.transitions]
        machines.append({"machine": m, "rows": rows, "svg": _svg(m, request.lang)})
    return render(request, "workflow.html", {"machines": machines})


def _svg(machine, lang: str) -> str:
    """A vertical SVG diagram: states as boxes top to bottom in declaration order; forward transitions curve
    on the right, backward ones on the left, each labelled."""
    from html import escape

    states = [s.value for s in machine.states]
    w, h, step, left = 190, 34, 58, 260
    top = {s: 20 + i * step for i, s in enumerate(states)}
    parts = []
    edges = [(s.value, t.target.value, t) for t in machine.transitions for s in t.sources]
    for k, (src, dst, t) in enumerate(edges):
        label = escape(t.label_en if lang == "en" else t.label_zh)
        y1, y2 = top[src] + h / 2, top[dst] + h / 2
        if src == dst:
            x = left + w
            parts.append(f'<path d="M{x},{y1 - 8} C{x + 40},{y1 - 30} {x + 40},{y1 + 30} {x},{y1 + 8}" fill="none" stroke="#555" '
                         f'marker-end="url(#arrow)"/><text x="{x + 44}" y="{y1 + 4}" font-size="11">{label}</text>')
            continue
        forward = y2 > y1
        bulge = 30 + 16 * (k % 12)
        x = left + w if forward else left
        cx = x + bulge if forward else x - bulge
        parts.append(f'<path d="M{x},{y1} C{cx},{y1} {cx},{y2} {x},{y2}" fill="none" stroke="{"#1f4e99" if forward else "#a15c00"}" '
                     f'marker-end="url(#arrow)"/>'
                     f'<text x="{cx + (4 if forward else -4)}" y="{(y1 + y2) / 2}" font-size="11" '
                     f'text-anchor="{"start" if forward else "end"}">{label}</text>')
    for s in states:
        y = top[s]
        parts.append(f'<rect x="{left}" y="{y}" width="{w}" height="{h}" rx="8" fill="#eef3fb" stroke="#1f4e99"/>'
                     f'<text x="{left + w / 2}" y="{y + 22}" text-anchor="middle" font-size="13">{escape(machine.state_label(s, lang))}</text>')
    width = left * 2 + w + 120
    height = 40 + len(states) * step
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>' + "".join(parts) + "</svg>")


def healthz(request):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True})


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    request.user.notifications.filter(read=False).update(read=True)
    return render(request, "notifications.html", {"items": items})
