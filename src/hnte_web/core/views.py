from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from hnte_web.applications.workflow import APPLICATION
from hnte_web.enterprises.workflow import REGISTRATION


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home.html")
    if user.is_enterprise:
        return redirect("enterprise_home")
    if user.is_office or user.is_lgo:
        return redirect("office_home")
    return redirect("expert_home")


@login_required
def expert_home(request):
    if not request.user.is_expert:
        return redirect("home")
    return render(request, "experts/home.html", {"assignments": []})


def workflow_diagrams(request):
    """The declared state machines, drawn from their declarations."""
    machines = []
    for m in (REGISTRATION, APPLICATION):
        rows = [{"t": t, "sources": [m.state_label(s, request.lang) for s in t.sources],
                 "target": m.state_label(t.target, request.lang)} for t in m.transitions]
        machines.append({"machine": m, "rows": rows, "svg": _svg(m, request.lang)})
    return render(request, "workflow.html", {"machines": machines})


def _svg(machine, lang: str) -> str:
    """A small left-to-right SVG diagram: states as boxes, transitions as labelled arrows."""
    from html import escape

    states = [s.value for s in machine.states]
    w, h, gap = 150, 40, 90
    pos = {s: (20 + i * (w + gap), 60) for i, s in enumerate(states)}
    parts = []
    for k, t in enumerate(machine.transitions):
        for s in t.sources:
            (x1, y1), (x2, y2) = pos[s.value], pos[t.target.value]
            forward = x2 > x1
            lift = 30 + 18 * k
            ya = y1 if forward else y1 + h
            yc = ya - lift if forward else ya + lift
            sx, ex = x1 + w / 2, x2 + w / 2
            label = escape(t.label_en if lang == "en" else t.label_zh)
            parts.append(f'<path d="M{sx},{ya} C{sx},{yc} {ex},{yc} {ex},{ya}" fill="none" stroke="#555" marker-end="url(#arrow)"/>'
                         f'<text x="{(sx + ex) / 2}" y="{yc + (4 if forward else 12)}" text-anchor="middle" font-size="12">{label}</text>')
    for s in states:
        x, y = pos[s]
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#eef3fb" stroke="#1f4e99"/>'
                     f'<text x="{x + w / 2}" y="{y + 25}" text-anchor="middle" font-size="13">{escape(machine.state_label(s, lang))}</text>')
    width = 40 + len(states) * (w + gap)
    height = 60 + h + 40 + 18 * len(machine.transitions) + 30
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 -20 {width} {height}" role="img">'
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
