"""Per-axis precision/recall/F1, macro/micro F1 and confusion between axes."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..schema import AXES, LABELS, OTHER


def label_indicator(label_sets: Sequence[Sequence[str]]) -> np.ndarray:
    """Items × `LABELS` matrix of 0.0/1.0: which labels each item has."""
    rows = [[label in labels for label in LABELS] for labels in label_sets]
    return np.array(rows, dtype=np.float64).reshape(len(label_sets), len(LABELS))


def scores(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Per-label P/R/F1/support over `LABELS`, and the figures the project reports:
    `macro_f1` over the five axes with support (`other` left out: it is the absence of
    an axis, and is reported on its own as `other_f1`), micro F1 and exact match."""
    per: dict[str, dict[str, float]] = {}
    tp_all = fp_all = fn_all = 0
    for label in LABELS:
        tp = sum(label in g and label in p for g, p in zip(gold, pred))
        fp = sum(label not in g and label in p for g, p in zip(gold, pred))
        fn = sum(label in g and label not in p for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn, "predicted": tp + fp}
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    axes = [per[a]["f1"] for a in AXES if per[a]["support"]]
    micro = 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all else 0.0
    return {
        "n": len(gold),
        "per_label": per,
        "macro_f1": sum(axes) / len(axes) if axes else 0.0,
        "other_f1": per[OTHER]["f1"],
        "micro_f1": micro,
        "exact_match": sum(set(g) == set(p) for g, p in zip(gold, pred)) / len(gold) if gold else 0.0,
    }


def confusion(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, dict[str, int]]:
    """gold label → predicted label → count, counting a missed gold label against each wrong prediction.

    The diagonal counts hits; `(none)` collects gold labels with no wrong prediction to blame.
    """
    table = {g: {p: 0 for p in LABELS + ("(none)",)} for g in LABELS}
    for g_set, p_set in zip(gold, pred):
        wrong = [p for p in p_set if p not in g_set]
        for g in g_set:
            if g in p_set:
                table[g][g] += 1
            elif wrong:
                for p in wrong:
                    table[g][p] += 1
            else:
                table[g]["(none)"] += 1
    return table


def spread_rows(result: dict[str, Any]) -> tuple[int, list[tuple[str, list[str]]]]:
    """(number of fold assignments, per model the "mean (min–max)" of macro-F1 over them,
    per subset) for a comparison run with `repeats`; (1, []) for a single run."""
    rows = []
    n = 1
    for name, per_subset in result.get("repeats", {}).items():
        cells = []
        for subset in result["subsets"]:
            values = per_subset.get(subset)
            n = max(n, len(values or ()))
            cells.append(
                f"{sum(values) / len(values):.3f} ({min(values):.3f}–{max(values):.3f})" if values else "-"
            )
        rows.append((name, cells))
    return n, rows


def calibration(gold: Sequence[Sequence[str]], probs: Sequence[Sequence[float]], bins: int = 10) -> dict[str, Any]:
    """How far the scores behave like probabilities, over every (item, label) pair:
    the Brier score, the expected calibration error (`ece`: the gap between mean score
    and observed frequency, averaged over equal-width score bins weighted by their
    size) and the bins themselves (`low`, `high`, `n`, `mean_score`, `observed`).

    `probs` has one row per item, one column per label in `LABELS` order."""
    p = np.asarray(probs, dtype=np.float64).reshape(len(gold), len(LABELS))
    p, y = p.ravel(), label_indicator(gold).ravel()
    which = np.minimum((p * bins).astype(int), bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = which == b
        if not inside.any():
            continue
        mean_score, observed = float(p[inside].mean()), float(y[inside].mean())
        ece += inside.sum() / len(p) * abs(mean_score - observed)
        table.append({"low": b / bins, "high": (b + 1) / bins, "n": int(inside.sum()),
                      "mean_score": mean_score, "observed": observed})
    return {"n": len(gold), "brier": float(((p - y) ** 2).mean()) if len(p) else 0.0, "ece": ece, "bins": table}
