"""Inline SVG bar charts of axis shares, drawn server-side: no script, no external asset."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from ..schema import AXIS_COLOURS, AXIS_SHORT_ES, LABELS

ROW_HEIGHT = 26
LABEL_WIDTH = 110
BAR_WIDTH = 560


@dataclass(frozen=True)
class Segment:
    axis: str
    x: float
    width: float
    share: float
    items: int


def stacked_shares(freq: pd.DataFrame, group: str) -> list[tuple[str, int, list[Segment]]]:
    """Rows of (group value, items, segments) from a `freq` table grouped by `group` and `axis`."""
    rows = []
    if freq.empty:
        return rows
    for value, part in freq.groupby(group, sort=True):
        counts = {axis: int(part.loc[part["axis"] == axis, "items"].sum()) for axis in LABELS}
        total = sum(counts.values())
        x = 0.0
        segments = []
        for axis in LABELS:
            if counts[axis]:
                width = BAR_WIDTH * counts[axis] / total
                segments.append(Segment(axis, x, width, counts[axis] / total, counts[axis]))
                x += width
        rows.append((str(value), total, segments))
    return rows


def svg_stacked_bars(freq: pd.DataFrame, group: str, title: str, totals: dict | None = None) -> str:
    """An SVG of one horizontal bar per group value, split into the axes' shares of its labels.

    `totals` (distinct items per group value) is printed after each bar when given.
    """
    rows = stacked_shares(freq, group)
    totals = {str(key): value for key, value in (totals or {}).items()}
    height = 40 + ROW_HEIGHT * max(len(rows), 1) + 34
    width = LABEL_WIDTH + BAR_WIDTH + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-size="13" aria-label="{escape(title)}" data-group="{escape(group)}">',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    if not rows:
        parts.append('<text x="0" y="50">Sin datos para estos filtros.</text>')
    for i, (value, total, segments) in enumerate(rows):
        y = 30 + i * ROW_HEIGHT
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(value)}</text>')
        for seg in segments:
            tip = f"{value} · {AXIS_SHORT_ES[seg.axis]}: {seg.share:.0%} ({seg.items} ítems)"
            parts.append(
                f'<rect class="bar" data-axis="{seg.axis}" x="{LABEL_WIDTH + seg.x:.1f}" y="{y + 3}" '
                f'width="{seg.width:.1f}" height="{ROW_HEIGHT - 6}" fill="{AXIS_COLOURS[seg.axis]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        shown = totals.get(value, total)
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 16}" class="muted">{shown}</text>')
    legend_y = height - 12
    x = 0
    for axis in LABELS:
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{AXIS_COLOURS[axis]}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}">{escape(AXIS_SHORT_ES[axis])}</text>')
        x += 16 + 8 * len(AXIS_SHORT_ES[axis]) + 18
    parts.append("</svg>")
    return "".join(parts)
