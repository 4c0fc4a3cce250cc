"""Inline SVG charts for the reports (no JavaScript, no external assets)."""

from __future__ import annotations

from fractions import Fraction
from html import escape

GREEN, RED, AMBER, GREY, BLUE, INK = "#2e7d32", "#c62828", "#ef8f00", "#e0e0e0", "#1565c0", "#222"
FONT = "font-family='WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif' font-size='12'"


def _num(v: Fraction | float) -> str:
    f = float(v)
    return f"{f:.0f}" if f == int(f) else f"{f:.2f}"


def score_ranges(rows: list[tuple[str, Fraction, Fraction, Fraction]], total: tuple[Fraction, Fraction, Fraction, Fraction],
                 pass_label: str) -> str:
    """Each indicator as a [min, max] range within its maximum, then the total against the pass mark.

    ``rows``: (label, min, max, maximum); ``total``: (min, max, maximum, pass mark).
    """
    width, label_w, bar_w, row_h = 680, 220, 380, 30
    height = row_h * (len(rows) + 1) + 40
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width}' height='{height}' viewBox='0 0 {width} {height}' {FONT}>"]
    y = 10
    for label, low, high, top in rows:
        parts += _range_row(label, low, high, top, y, label_w, bar_w, BLUE)
        y += row_h
    low, high, top, mark = total
    colour = GREEN if low > mark else (RED if high <= mark else AMBER)
    parts += _range_row("合计 / Total", low, high, top, y + 6, label_w, bar_w, colour, bold=True)
    x = label_w + bar_w * float(mark) / float(top)
    parts.append(f"<line x1='{x:.1f}' y1='4' x2='{x:.1f}' y2='{y + 30}' stroke='{RED}' stroke-dasharray='4 3'/>")
    parts.append(f"<text x='{x + 4:.1f}' y='{y + 44}' fill='{RED}'>{escape(pass_label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _range_row(label, low, high, top, y, label_w, bar_w, colour, bold=False) -> list[str]:
    weight = " font-weight='bold'" if bold else ""
    x0 = label_w + bar_w * float(low) / float(top)
    x1 = label_w + bar_w * float(high) / float(top)
    text = _num(low) if low == high else f"{_num(low)}–{_num(high)}"
    return [
        f"<text x='0' y='{y + 15}'{weight}>{escape(label)}</text>",
        f"<rect x='{label_w}' y='{y + 3}' width='{bar_w}' height='16' fill='{GREY}' rx='3'/>",
        f"<rect x='{x0:.1f}' y='{y + 3}' width='{max(x1 - x0, 3):.1f}' height='16' fill='{colour}' rx='3'/>",
        f"<text x='{label_w + bar_w + 8}' y='{y + 15}'{weight}>{text} / {_num(top)}</text>",
    ]


def _short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def ratios(rows: list[tuple[str, Fraction, Fraction, str]]) -> str:
    """Each ratio against its threshold: (label, value, threshold, status)."""
    if not rows:
        return ""
    width, label_w, bar_w, row_h = 720, 210, 360, 30
    scale = max(min(max(float(max(v, t)) for _, v, t, _ in rows) * 1.15, 1.0), 0.1)
    height = row_h * len(rows) + 16
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width}' height='{height}' viewBox='0 0 {width} {height}' {FONT}>"]
    for i, (label, value, threshold, status) in enumerate(rows):
        y = 6 + i * row_h
        colour = {"pass": GREEN, "fail": RED}.get(status, AMBER)
        xv = label_w + bar_w * min(float(value) / scale, 1.0)
        xt = label_w + bar_w * min(float(threshold) / scale, 1.0)
        parts += [
            f"<text x='0' y='{y + 15}'><title>{escape(label)}</title>{escape(_short(label))}</text>",
            f"<rect x='{label_w}' y='{y + 3}' width='{bar_w}' height='16' fill='{GREY}' rx='3'/>",
            f"<rect x='{label_w}' y='{y + 3}' width='{max(xv - label_w, 2):.1f}' height='16' fill='{colour}' rx='3'/>",
            f"<line x1='{xt:.1f}' y1='{y}' x2='{xt:.1f}' y2='{y + 22}' stroke='{INK}' stroke-width='2'/>",
            f"<text x='{label_w + bar_w + 8}' y='{y + 15}'>{float(value) * 100:.2f}% / {float(threshold) * 100:.2f}%</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def monthly_staff(series: list[tuple[str, list[Fraction]]], month_label: str) -> str:
    """Monthly averages ((start + end) / 2) as lines, one per series."""
    series = [(name, values) for name, values in series if values]
    if not series:
        return ""
    width, height, left, bottom, top_pad = 680, 220, 44, 30, 12
    n = max(len(v) for _, v in series)
    peak = max(float(x) for _, v in series for x in v) or 1.0
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    colours = [BLUE, GREEN, AMBER, RED]
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width}' height='{height}' viewBox='0 0 {width} {height}' {FONT}>"]
    parts.append(f"<line x1='{left}' y1='{top_pad + plot_h}' x2='{left + plot_w}' y2='{top_pad + plot_h}' stroke='{INK}'/>")
    parts.append(f"<line x1='{left}' y1='{top_pad}' x2='{left}' y2='{top_pad + plot_h}' stroke='{INK}'/>")
    for m in range(n):
        x = left + plot_w * (m + 0.5) / n
        parts.append(f"<text x='{x:.1f}' y='{height - 10}' text-anchor='middle'>{m + 1}</text>")
    parts.append(f"<text x='{left + plot_w}' y='{height - 10}' text-anchor='end'>{escape(month_label)}</text>")
    parts.append(f"<text x='4' y='{top_pad + 10}'>{peak:.0f}</text>")
    for i, (name, values) in enumerate(series):
        colour = colours[i % len(colours)]
        points = " ".join(f"{left + plot_w * (m + 0.5) / n:.1f},{top_pad + plot_h * (1 - float(v) / peak):.1f}" for m, v in enumerate(values))
        parts.append(f"<polyline points='{points}' fill='none' stroke='{colour}' stroke-width='2'/>")
        parts.append(f"<text x='{left + 8 + i * 160}' y='{top_pad + 12}' fill='{colour}'>■ {escape(name)}</text>")
    parts.append("</svg>")
    return "".join(parts)
