"""Bar charts as inline SVG, drawn on the server (no script, no outside library)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 44, 40, 12
PALETTE = ("#1b5e8a", "#b8400f", "#2e6b30", "#6a3d9a", "#8a6200", "#a4134d", "#00676b",
           "#4d4d4d", "#7a2e00")
"""Dark colours: each has at least 4.5:1 contrast against the white background."""


def bar_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    """A stacked bar chart: one bar per label, one stacked segment per series."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max([*totals, 1.0])
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    bar = max(step * 0.7, 1.0)
    key = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 20 * _rows(series)}" '
             f'role="img" aria-labelledby="{key}-t"><title id="{key}-t">{escape(title)}'
             f'</title>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" '
             f'stroke="#333"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" class="tick">'
             f'{_num(top)}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" class="tick">0</text>']
    for i, label in enumerate(labels):
        x, base = LEFT + i * step + (step - bar) / 2, float(TOP + plot_h)
        for n, (name, values) in enumerate(series.items()):
            height = values[i] / top * plot_h
            if height > 0:
                base -= height
                parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" '
                             f'height="{height:.1f}" fill="{PALETTE[n % len(PALETTE)]}">'
                             f'<title>{escape(label)} {escape(name)}: {_num(values[i])}'
                             f'</title></rect>')
        if len(labels) <= 16 or i % 2 == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 14}" '
                         f'text-anchor="middle" class="tick">{escape(label)}</text>')
    for n, name in enumerate(series):
        x, y = LEFT + (n % 4) * 150, HEIGHT + 20 * (n // 4) - 10
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" '
                     f'fill="{PALETTE[n % len(PALETTE)]}"/><text x="{x + 16}" y="{y}" '
                     f'class="legend">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _rows(series: dict[str, list[float]]) -> int:
    return (len(series) + 3) // 4


def _num(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
