"""Inline SVG charts for the dashboard: no script, no external file, readable without colour (every bar is
labelled with its value), each chart titled for screen readers."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f4e99", "#3b8d3b", "#c77c02", "#a33", "#6b4fa0", "#2a8c8c")


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float]], *, unit: str = "", max_value: float | None = None,
              width: int = 560) -> str:
    """Horizontal bars, one per (label, value)."""
    bar_h, gap, left, right = 22, 8, 170, 70
    height = 30 + len(rows) * (bar_h + gap) + 10
    top = max([v for _, v in rows] + [max_value or 0, 1e-9])
    span = width - left - right
    parts = [f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 30 + i * (bar_h + gap)
        w = 0 if top <= 0 else max(0.0, value) / top * span
        shown = f"{value:g}{unit}" if isinstance(value, int | float) else str(value)
        parts.append(f'<text x="{left - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>'
                     f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}" '
                     f'data-label="{escape(label)}" data-value="{value:g}"><title>{escape(label)}: {escape(shown)}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 15}" font-size="12">{escape(shown)}</text>')
    if not rows:
        parts.append('<text x="0" y="44" font-size="12" fill="#666">—</text>')
        height = 60
    return (f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(parts) + "</svg>")


def stacked_chart(chart_id: str, title: str, rows: list[tuple[str, list[int]]], series: list[str], width: int = 560) -> str:
    """Horizontal stacked bars: each row a label and one count per series, with a legend."""
    bar_h, gap, left, right = 22, 8, 120, 40
    legend_h = 22
    height = 30 + legend_h + len(rows) * (bar_h + gap) + 10
    top = max([sum(v) for _, v in rows] + [1])
    span = width - left - right
    parts = [f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    x = 0
    for k, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="37" font-size="12">{escape(name)}</text>')
        x += 24 + 13 * len(name) + 8
    for i, (label, values) in enumerate(rows):
        y = 30 + legend_h + i * (bar_h + gap)
        parts.append(f'<text x="{left - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        x = float(left)
        for k, value in enumerate(values):
            w = value / top * span
            if value:
                parts.append(f'<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[k % len(PALETTE)]}" '
                             f'data-label="{escape(label)}" data-series="{escape(series[k])}" data-value="{value}">'
                             f'<title>{escape(label)} · {escape(series[k])}: {value}</title></rect>'
                             + (f'<text x="{x + w / 2:.1f}" y="{y + 15}" font-size="11" fill="#fff" text-anchor="middle">{value}</text>'
                                if w >= 18 else ""))
            x += w
    if not rows:
        parts.append(f'<text x="0" y="{44 + legend_h}" font-size="12" fill="#666">—</text>')
    return (f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(parts) + "</svg>")
