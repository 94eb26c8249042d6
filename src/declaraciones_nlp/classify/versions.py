"""Is a retrained model better than the last one? Two model versions side by side.

Every model stores, in its `meta.json`, the out-of-fold labels of the real items
it was trained on (`oof`: text SHA-1, subset, gold and predicted labels). Folds
are a hash of the declaration, so two versions trained on mostly the same data
have scored each shared real item from the same side of the split: comparing
them item by item isolates what changed in the training data or settings.
A few hundred real items make macro-F1 move by a point or two by chance, so the
change comes with a paired bootstrap interval, and only a change whose
interval excludes zero is called better or worse.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ModelError
from ..schema import AXES
from .artefacts import read_meta
from .metrics import label_indicator
from .train import in_subset, subset_names

OLD_MODEL = "recorded figures only"
RECORD_FIELDS = ("sha1", "subset", "gold", "pred")
COLUMNS = ["subset", "n", "previous", "new", "change", "low", "high", "verdict"]


def _macro_f1(weights: np.ndarray, gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Macro-F1 over the five axes with support (as `metrics.scores`), one per row of item weights."""
    gold, pred = gold[:, : len(AXES)], pred[:, : len(AXES)]
    tp = weights @ (gold * pred)
    fp = weights @ ((1 - gold) * pred)
    fn = weights @ (gold * (1 - pred))
    denom = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    supported = (tp + fn) > 0
    return (f1 * supported).sum(axis=1) / np.maximum(supported.sum(axis=1), 1)


def paired_change(
    gold: Sequence[Sequence[str]], previous: Sequence[Sequence[str]], new: Sequence[Sequence[str]],
    rounds: int = 2000, seed: int = 0,
) -> tuple[float, float, float, float]:
    """(previous macro-F1, new macro-F1, 2.5th and 97.5th percentile of the change) on the
    same items, resampled together."""
    G, P, N = label_indicator(gold), label_indicator(previous), label_indicator(new)
    ones = np.ones((1, len(G)))
    before, after = _macro_f1(ones, G, P)[0], _macro_f1(ones, G, N)[0]
    weights = np.random.default_rng(seed).multinomial(len(G), np.full(len(G), 1 / len(G)), size=rounds).astype(np.float64)
    change = _macro_f1(weights, G, N) - _macro_f1(weights, G, P)
    low, high = np.percentile(change, [2.5, 97.5])
    return float(before), float(after), float(low), float(high)


def _verdict(low: float, high: float) -> str:
    if low > 0:
        return "better"
    if high < 0:
        return "worse"
    return "no clear change"


def _meta(model: Path | str | Mapping[str, Any]) -> Mapping[str, Any]:
    return model if isinstance(model, Mapping) else read_meta(Path(model))


def compare_versions(
    previous: Path | str | Mapping[str, Any], new: Path | str | Mapping[str, Any],
    rounds: int = 2000, seed: int = 0,
) -> pd.DataFrame:
    """One row per real subset (`real-es`, `real-en`, and their kinds): macro-F1 of both
    versions on the real items both were trained on, out of fold, scored against the
    new version's labels; the change and its 95% paired bootstrap interval.

    `previous` and `new` are model directories or their `meta.json` content. A model
    saved before `oof` was kept is compared by its recorded figures only (no interval).
    """
    before, after = _meta(previous), _meta(new)
    if after.get("oof") is None or before.get("oof") is None:
        return _by_recorded_figures(before, after)
    old_pred = {(r.sha1, r.subset): r.pred for r in _records(before, previous)}
    shared = [r for r in _records(after, new) if (r.sha1, r.subset) in old_pred]
    rows = []
    for subset in subset_names(shared):
        subset_items = [r for r in shared if in_subset(r, subset)]
        prev, now, low, high = paired_change(
            [r.gold for r in subset_items], [old_pred[(r.sha1, r.subset)] for r in subset_items],
            [r.pred for r in subset_items], rounds=rounds, seed=seed,
        )
        rows.append([subset, len(subset_items), prev, now, now - prev, low, high, _verdict(low, high)])
    return pd.DataFrame(rows, columns=COLUMNS)


def _records(meta: Mapping[str, Any], source: Any) -> list[SimpleNamespace]:
    """The `oof` records of a meta.json, checked: a hand-edited or truncated list is one clear error."""
    records = meta["oof"]
    if not isinstance(records, list) or not all(
        isinstance(r, Mapping) and all(field in r for field in RECORD_FIELDS) for r in records
    ):
        where = meta.get("name", "model") if isinstance(source, Mapping) else source
        raise ModelError(f"{where}: malformed out-of-fold labels in meta.json (each needs {', '.join(RECORD_FIELDS)})")
    return [SimpleNamespace(**r) for r in records]


def _by_recorded_figures(before: Mapping[str, Any], after: Mapping[str, Any]) -> pd.DataFrame:
    rows = []
    for subset, block in after.get("metrics", {}).items():
        old = before.get("metrics", {}).get(subset)
        if subset.startswith("written") or old is None:
            continue
        prev, now = old["macro_f1"], block["macro_f1"]
        rows.append([subset, block["n"], prev, now, now - prev, float("nan"), float("nan"),
                     OLD_MODEL])
    return pd.DataFrame(rows, columns=COLUMNS)


def format_versions(table: pd.DataFrame, previous: str, new: str) -> str:
    """The comparison as the CLI prints it (fits 80 columns)."""
    if table.empty:
        return f"{new} and {previous} were not scored on any real item in common"
    lines = [f"{new} against {previous}", "  macro-F1 on the same real items, out of fold",
             f"  {'subset':<15}{'n':>4}{'before':>8}{'after':>7}{'change':>8}  {'95% interval':<17}verdict"]
    for row in table.itertuples(index=False):
        interval = "" if np.isnan(row.low) else f"{row.low:+.3f} … {row.high:+.3f}"
        lines.append(f"  {row.subset:<15}{row.n:>4}{row.previous:8.3f}{row.new:7.3f}{round(row.change, 3) + 0.0:+8.3f}  {interval:<17}{row.verdict}")
    if (table["verdict"] == OLD_MODEL).any():
        lines.append(f"  ({previous} predates item-by-item comparison: its own figures, on its own data)")
    else:
        lines.append("  (better or worse only when the paired bootstrap interval excludes 0)")
    return "\n".join(lines)
