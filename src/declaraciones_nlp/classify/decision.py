"""From calibrated probabilities to label sets: the per-label threshold and the decision rule."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..schema import AXES, LABELS, OTHER
from .metrics import label_indicator

OTHER_INDEX = LABELS.index(OTHER)
_THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def label_matrix(label_sets: Sequence[Sequence[str]]) -> np.ndarray:
    return label_indicator(label_sets).astype(int)


def decide(probs: np.ndarray, thresholds: np.ndarray, rule: str = "other-wins") -> list[tuple[str, ...]]:
    """Label sets from calibrated probabilities (columns in `LABELS` order).

    Axes at or above their threshold are kept. With rule `other-wins`, `other`
    wins alone when it passes its own threshold and beats every kept axis; with
    `axes-first`, a passing axis always wins over `other`. When no axis passes,
    `other` is taken if it passes its threshold or scores above the best axis;
    otherwise the axis nearest its threshold is taken. Models are trained with
    `other-wins`; `axes-first` is kept for models saved when it could be chosen.
    """
    out = []
    n_axes = len(AXES)
    for row in probs:
        axis_p, other_p = row[:n_axes], row[OTHER_INDEX]
        passing = [j for j in range(n_axes) if axis_p[j] >= thresholds[j]]
        if passing:
            if (rule == "other-wins" and other_p >= thresholds[OTHER_INDEX]
                    and other_p > max(axis_p[j] for j in passing)):
                out.append((OTHER,))
            else:
                out.append(tuple(AXES[j] for j in passing))
        elif other_p >= thresholds[OTHER_INDEX] or other_p >= axis_p.max():
            out.append((OTHER,))
        else:
            out.append((AXES[int(np.argmax(axis_p / thresholds[:n_axes]))],))
    return out


def best_threshold(y: np.ndarray, p: np.ndarray, w: np.ndarray) -> float:
    """The threshold with the best (sample-weighted) F1 on out-of-fold probabilities."""
    if y.sum() == 0:
        return 0.5
    best, best_f1 = 0.5, -1.0
    positives = float((w * y).sum())
    for t in _THRESHOLD_GRID:
        pred = p >= t
        tp = float((w * (pred & (y == 1))).sum())
        f1 = 2 * tp / (float((w * pred).sum()) + positives) if tp else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(t), f1
    return best
