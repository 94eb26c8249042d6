"""Every chart, in one place: axis shares from `query.freq` tables and a proposal's profiles.

- `bar_chart(freq, path)`: a freq table as a PNG or SVG file (`freq --chart`, `Corpus.chart`);
- `svg_stacked_bars(freq, group, title)`: inline SVG for the dashboard (no script, no asset);
- `profile_chart_png(proposal)`, `score_chart_png(proposal)`: base64 PNGs of the report.

Axis names in Spanish (`schema.AXIS_SHORT_ES`) and one fixed colour per axis
(`schema.AXIS_COLOURS`) everywhere; stacked bars split by `stacked_shares`.
Matplotlib figures are drawn without pyplot, so no global state is shared.
"""
from __future__ import annotations

import base64
import io
import os
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from .errors import FieldError
from .files import publish
from .schema import AXES, AXIS_COLOURS, AXIS_SHORT_ES, LABELS
from .text import country_name

CHART_FORMATS = ("png", "svg")
_FIELD_ES = {"dyad": "díada", "country": "país", "year": "año", "mechanism": "mecanismo", "act": "tipo de acto"}
_NEUTRAL = "#4D4D4D"
# The dashboard's inline SVG.
ROW_HEIGHT = 26
LABEL_WIDTH = 110
BAR_WIDTH = 560


@dataclass(frozen=True)
class Segment:
    axis: str
    share: float
    items: int


def stacked_shares(freq: pd.DataFrame, group: str, missing: str | None = None) -> list[tuple[str, int, list[Segment]]]:
    """Rows of (group value, items, segments) from a `freq` table grouped by `group` and `axis`:
    each value's axis labels split into shares that add up to 1. Values missing from the data are
    named `missing`, or left out when it is None."""
    frame = freq if missing is None else freq.assign(**{group: freq[group].map(
        lambda v: missing if v is None or pd.isna(v) else str(v))})
    by_value: dict = {}
    for value, axis, items in zip(frame[group].tolist(), frame["axis"].tolist(), frame["items"].tolist()):
        if value is None or pd.isna(value):
            continue
        counts = by_value.setdefault(value, dict.fromkeys(LABELS, 0))
        if axis in counts:
            counts[axis] += int(items)
    rows = []
    for value in sorted(by_value):
        counts = by_value[value]
        total = sum(counts.values())
        segments = [Segment(axis, counts[axis] / total, counts[axis]) for axis in LABELS if counts[axis]]
        rows.append((str(value), total, segments))
    return rows


# ---------------------------------------------------------------- matplotlib
def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _plain_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _png_base64(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _chart_fields(freq_df: pd.DataFrame, path: Path) -> list[str]:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in CHART_FORMATS:
        raise FieldError("chart", f"a chart is written as .png or .svg, not {path.name!r}")
    if not path.parent.is_dir():
        raise FieldError("chart", f"folder does not exist: {path.parent}")
    fields = [c for c in freq_df.columns if c != "items" and not c.startswith("share")]
    if "items" not in freq_df or not any(c.startswith("share") for c in freq_df.columns):
        raise FieldError("chart", "expects a freq table (group fields, items, share)")
    if len([f for f in fields if f != "axis"]) > 1:
        raise FieldError("chart", "charts take --by axis plus at most one other field")
    return fields


def bar_chart(freq_df: pd.DataFrame, path: str | Path, title: str | None = None) -> Path:
    """Draw `freq_df` (from `query.freq`) to `path` (.png or .svg) and return the path.

    - by axis: one horizontal bar per axis, its share of the items (%);
    - by axis and one other field (dyad, year, ...): one stacked bar per value
      of that field, split into the axes' shares of that value's axis labels
      (each bar adds up to 100 %);
    - by one field without axis: one bar per value, its share of the items.
    """
    path = Path(path).expanduser()
    fields = _chart_fields(freq_df, path)
    other = next((f for f in fields if f != "axis"), None)
    if "axis" in fields and other is None:
        fig = _axis_bars(freq_df, title)
    elif "axis" in fields:
        fig = _stacked_bars(freq_df, other, title)
    elif other is not None:
        fig = _share_bars(freq_df, other, title)
    else:
        raise FieldError("chart", "nothing to draw: group by axis or another field")
    fig.tight_layout()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp_name, dpi=150, format=path.suffix.lower().lstrip("."), bbox_inches="tight")
        publish(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def _axis_bars(freq_df: pd.DataFrame, title: str | None):
    frame = freq_df.set_index("axis").reindex([a for a in LABELS if a in set(freq_df["axis"])])
    fig = _figure(8, 1.2 + 0.45 * len(frame))
    ax = fig.add_subplot(1, 1, 1)
    values = (frame["share"] * 100).tolist()[::-1]
    bars = ax.barh([AXIS_SHORT_ES[a] for a in frame.index][::-1], values,
                   color=[AXIS_COLOURS[a] for a in frame.index][::-1])
    ax.bar_label(bars, labels=[f"{v:.0f} %" for v in values], padding=3, fontsize=9)
    ax.set_xlabel("% de los acuerdos")
    ax.set_title(title or "Acuerdos por eje temático")
    _plain_axes(ax)
    return fig


def _stacked_bars(freq_df: pd.DataFrame, other: str, title: str | None):
    rows = stacked_shares(freq_df, other, missing="sin dato")[::-1]
    height = 1.6 + 0.42 * len(rows)
    fig = _figure(9, max(height, 2.6))
    ax = fig.add_subplot(1, 1, 1)
    names = [value for value, _, _ in rows]
    left = [0.0] * len(rows)
    present = [axis for axis in LABELS if any(seg.axis == axis for _, _, segs in rows for seg in segs)]
    for axis in present:
        values = [100 * next((seg.share for seg in segs if seg.axis == axis), 0.0) for _, _, segs in rows]
        bars = ax.barh(names, values, left=left, color=AXIS_COLOURS[axis], label=AXIS_SHORT_ES[axis],
                       edgecolor="white", linewidth=0.5)
        ax.bar_label(bars, labels=[f"{v:.0f}" if v >= 7 else "" for v in values],
                     label_type="center", fontsize=8, color="white")
        left = [a + b for a, b in zip(left, values)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("% de las etiquetas de eje")
    ax.legend(ncol=min(len(present), 6), loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1 / height),
              frameon=False, fontsize=9)
    ax.set_title(title or f"Ejes temáticos por {_FIELD_ES.get(other, other)}")
    _plain_axes(ax)
    return fig


def _share_bars(freq_df: pd.DataFrame, other: str, title: str | None):
    names = freq_df[other].map(lambda v: "sin dato" if v is None or pd.isna(v) else str(v))
    fig = _figure(8, 1.2 + 0.4 * len(freq_df))
    ax = fig.add_subplot(1, 1, 1)
    values = (freq_df["share"] * 100).tolist()[::-1]
    bars = ax.barh(names.tolist()[::-1], values, color=_NEUTRAL)
    ax.bar_label(bars, labels=[f"{v:.0f} %" for v in values], padding=3, fontsize=9)
    ax.set_xlabel("% de los acuerdos")
    ax.set_title(title or f"Acuerdos por {_FIELD_ES.get(other, other)}")
    _plain_axes(ax)
    return fig


def profile_chart_png(proposal: dict) -> str:
    """Base64 PNG: one panel per source (each party with others, joint record), axis shares in %."""
    a, b = proposal["between"]
    by_axis = {entry["axis"]: entry["by_source"] for entry in proposal["axes"]}
    panels = [(a, f"{country_name(a)} con otros"), (b, f"{country_name(b)} con otros")]
    if any(src.get("joint") is not None for src in by_axis.values()):
        panels.append(("joint", f"Registro conjunto {a}–{b}"))
    fig = _figure(3.2 * len(panels), 2.8)
    labels = [AXIS_SHORT_ES[axis] for axis in AXES]
    colours = [AXIS_COLOURS[axis] for axis in AXES]
    top = max([100 * (by_axis[axis].get(key) or 0) for key, _ in panels for axis in AXES] + [1])
    for i, (key, title) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        ax.barh(labels, [100 * (by_axis[axis].get(key) or 0) for axis in AXES], color=colours)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("% de la agenda", fontsize=8)
        ax.tick_params(labelsize=8)
        if i:
            ax.set_yticklabels([])
        _plain_axes(ax)
    fig.tight_layout()
    return _png_base64(fig)


def score_chart_png(proposal: dict) -> str:
    """Base64 PNG: the ranked scores, split into the shared-interest and joint-record parts."""
    from matplotlib.patches import Patch

    w = float(proposal.get("settings", {}).get("effective_joint_weight", 0) or 0)
    entries = proposal["axes"]
    labels = [AXIS_SHORT_ES.get(e["axis"], e["axis"]) for e in entries]
    shared = [(1 - w) * e["by_source"]["shared"] for e in entries]
    joint = [w * (e["by_source"].get("joint") or 0) for e in entries]
    colours = [AXIS_COLOURS.get(e["axis"], "#999999") for e in entries]
    fig = _figure(6, 2.6)
    ax = fig.add_subplot(1, 1, 1)
    ax.barh(labels, shared, color=colours)
    ax.barh(labels, joint, left=shared, color=colours, alpha=0.45, hatch="//")
    ax.invert_yaxis()
    ax.set_xlabel("puntuación", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(handles=[Patch(facecolor="#777777", label="interés compartido"),
                       Patch(facecolor="#777777", alpha=0.45, hatch="//", label="registro conjunto")],
              fontsize=7, frameon=False, loc="lower right")
    _plain_axes(ax)
    fig.tight_layout()
    return _png_base64(fig)


# ---------------------------------------------------------------- inline SVG
def svg_stacked_bars(freq: pd.DataFrame, group: str, title: str, totals: dict | None = None) -> str:
    """An SVG of one horizontal bar per group value, split into the axes' shares of its labels.

    `totals` (distinct items per group value) is printed after each bar when given.
    """
    rows = stacked_shares(freq, group) if not freq.empty else []
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
        x = 0.0
        for seg in segments:
            bar = BAR_WIDTH * seg.share
            tip = f"{value} · {AXIS_SHORT_ES[seg.axis]}: {seg.share:.0%} ({seg.items} ítems)"
            parts.append(
                f'<rect class="bar" data-axis="{seg.axis}" x="{LABEL_WIDTH + x:.1f}" y="{y + 3}" '
                f'width="{bar:.1f}" height="{ROW_HEIGHT - 6}" fill="{AXIS_COLOURS[seg.axis]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            x += bar
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 16}" class="muted">'
                     f'{totals.get(value, total)}</text>')
    legend_y = height - 12
    x = 0
    for axis in LABELS:
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{AXIS_COLOURS[axis]}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}">{escape(AXIS_SHORT_ES[axis])}</text>')
        x += 16 + 8 * len(AXIS_SHORT_ES[axis]) + 18
    parts.append("</svg>")
    return "".join(parts)


STATUS_COLOURS = {"done": "#009E73", "repeated": "#E69F00", "no_news": "#999999", "pending": "#56B4E9"}
STATUS_NAMES_ES = {"done": "cumplido", "repeated": "reiterado", "no_news": "sin noticias", "pending": "pendiente"}


def svg_status_bars(rates: pd.DataFrame, label: str, title: str) -> str:
    """An SVG of the follow-up rates (`followup.rates`): one bar per `label` value, split into
    its commitments' statuses, with the share done printed after it."""
    rows = rates.to_dict("records")
    height = 40 + ROW_HEIGHT * max(len(rows), 1) + 34
    width = LABEL_WIDTH + BAR_WIDTH + 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-size="13" aria-label="{escape(title)}" data-group="{escape(label)}">',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    if not rows:
        parts.append('<text x="0" y="50">Sin compromisos para estos filtros.</text>')
    for i, row in enumerate(rows):
        y = 30 + i * ROW_HEIGHT
        name = str(row[label])
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(name[:40])}</text>')
        total = max(int(row["commitments"]), 1)
        x = 0.0
        for status, colour in STATUS_COLOURS.items():
            bar = BAR_WIDTH * int(row[status]) / total
            if bar <= 0:
                continue
            tip = f"{name} · {STATUS_NAMES_ES[status]}: {int(row[status])} de {int(row['commitments'])}"
            parts.append(f'<rect class="bar" data-status="{status}" x="{LABEL_WIDTH + x:.1f}" y="{y + 3}" '
                         f'width="{bar:.1f}" height="{ROW_HEIGHT - 6}" fill="{colour}"><title>{escape(tip)}</title></rect>')
            x += bar
        rate = row.get("done_rate")
        shown = "—" if rate is None or rate != rate else f"{rate:.0%}"
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 16}" class="muted">{shown} cumplido</text>')
    legend_y = height - 12
    x = 0
    for status, colour in STATUS_COLOURS.items():
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}">{escape(STATUS_NAMES_ES[status])}</text>')
        x += 16 + 8 * len(STATUS_NAMES_ES[status]) + 18
    parts.append("</svg>")
    return "".join(parts)
