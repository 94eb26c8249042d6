"""Bar charts of `query.freq` tables: axis shares overall, by dyad or by year (PNG or SVG).

Axis names in Spanish (`schema.AXIS_SHORT_ES`) and one fixed colour per axis
(`schema.AXIS_COLOURS`), the same as the web pages and reports.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import InputError
from .schema import AXIS_COLOURS, AXIS_SHORT_ES, LABELS

CHART_FORMATS = ("png", "svg")
_FIELD_ES = {"dyad": "díada", "country": "país", "year": "año", "mechanism": "mecanismo", "act": "tipo de acto"}
_NEUTRAL = "#4D4D4D"


def _check(freq_df: pd.DataFrame, path: Path) -> list[str]:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in CHART_FORMATS:
        raise InputError("--chart", f"a chart is written as .png or .svg, not {path.name!r}")
    if not path.parent.is_dir():
        raise InputError("--chart", f"folder does not exist: {path.parent}")
    fields = [c for c in freq_df.columns if c not in ("items", "share")]
    if "items" not in freq_df or "share" not in freq_df:
        raise InputError("--chart", "expects a freq table (group fields, items, share)")
    others = [f for f in fields if f != "axis"]
    if len(others) > 1:
        raise InputError("--chart", "charts take --by axis plus at most one other field")
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
    fields = _check(freq_df, path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    other = next((f for f in fields if f != "axis"), None)
    frame = freq_df.copy()
    if other is not None:
        frame[other] = frame[other].map(lambda v: "sin dato" if v is None or pd.isna(v) else str(v))
    if "axis" in fields and other is None:
        frame = frame.set_index("axis").reindex([a for a in LABELS if a in set(frame["axis"])])
        height = 1.2 + 0.45 * len(frame)
        fig, ax = plt.subplots(figsize=(8, height))
        names = [AXIS_SHORT_ES[a] for a in frame.index][::-1]
        values = (frame["share"] * 100).tolist()[::-1]
        bars = ax.barh(names, values, color=[AXIS_COLOURS[a] for a in frame.index][::-1])
        ax.bar_label(bars, labels=[f"{v:.0f} %" for v in values], padding=3, fontsize=9)
        ax.set_xlabel("% de los acuerdos")
        ax.set_title(title or "Acuerdos por eje temático")
    elif "axis" in fields:
        table = frame.pivot_table(index=other, columns="axis", values="items", aggfunc="sum", fill_value=0)
        table = table[[a for a in LABELS if a in table.columns]]
        shares = table.div(table.sum(axis=1).where(lambda s: s > 0, 1), axis=0) * 100
        height = 1.6 + 0.42 * len(shares)
        fig, ax = plt.subplots(figsize=(9, max(height, 2.6)))
        left = pd.Series(0.0, index=shares.index)
        labels_y = [str(v) for v in shares.index][::-1]
        for axis in shares.columns:
            values = shares[axis][::-1]
            bars = ax.barh(labels_y, values.tolist(), left=left[::-1].tolist(), color=AXIS_COLOURS[axis],
                           label=AXIS_SHORT_ES[axis], edgecolor="white", linewidth=0.5)
            ax.bar_label(bars, labels=[f"{v:.0f}" if v >= 7 else "" for v in values],
                         label_type="center", fontsize=8, color="white")
            left += shares[axis]
        ax.set_xlim(0, 100)
        ax.set_xlabel("% de las etiquetas de eje")
        ax.legend(ncol=min(len(shares.columns), 6), loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1 / height),
                  frameon=False, fontsize=9)
        ax.set_title(title or f"Ejes temáticos por {_FIELD_ES.get(other, other)}")
    else:
        if other is None:
            raise InputError("--chart", "nothing to draw: group by axis or another field")
        height = 1.2 + 0.4 * len(frame)
        fig, ax = plt.subplots(figsize=(8, height))
        values = (frame["share"] * 100).tolist()[::-1]
        bars = ax.barh(frame[other].tolist()[::-1], values, color=_NEUTRAL)
        ax.bar_label(bars, labels=[f"{v:.0f} %" for v in values], padding=3, fontsize=9)
        ax.set_xlabel("% de los acuerdos")
        ax.set_title(title or f"Acuerdos por {_FIELD_ES.get(other, other)}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp_name, dpi=150, format=path.suffix.lower().lstrip("."), bbox_inches="tight")
        os.replace(tmp_name, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path
