"""How far to trust the automatic statuses: labelled (commitment, later item) pairs, thresholds
chosen out of sample, precision and recall per class.

Pairs live in `corpus/labeled/followup/*.jsonl`, one per line: `{"group", "commitment",
"later", "label" (repeated | done | unrelated), "lang"}` with `"written": true` for pairs
the team wrote, or, for real pairs, `commitment` and `later` given by reference
(`{"file", "n", "sha1"}`: a file of corpus/raw/, or with `"collection": "us-statements"`
an external document (README, "External documents"), the item number and the SHA-1 of
the item's text), resolved here by segmenting the file. Pairs whose external document
is not on this machine are left out and counted in `frame.attrs["missing"]`.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError
from .match import DONE, PAIR_LABELS, REPEATED, UNRELATED, reports_done, similarities

GRID = np.round(np.arange(0.10, 0.71, 0.02), 2)
MIN_DONE_PRECISION = 0.93  # asked of the training folds, so that the held-out precision stays >= 0.9


def pairs_dir() -> Path:
    """Where the labelled pairs are: corpus/labeled/followup/."""
    return config.labeled_dir() / "followup"


def load_pairs(paths: Iterable[Path] | None = None, raw_dir: Path | None = None) -> pd.DataFrame:
    """The labelled pairs as a DataFrame: group, commitment, later, label, lang, source (file stem), written."""
    paths = sorted(pairs_dir().glob("*.jsonl")) if paths is None else list(paths)
    raw_dir = raw_dir or config.raw_dir()
    rows, missing = [], 0
    for path in paths:
        for k, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{k}", f"not JSON ({exc.msg})") from None
            if record.get("label") not in PAIR_LABELS:
                raise InputError(f"{path}:{k}", f"label must be one of {', '.join(PAIR_LABELS)}")
            commitment = _text(record["commitment"], raw_dir, f"{path}:{k}")
            later = _text(record["later"], raw_dir, f"{path}:{k}")
            if commitment is None or later is None:
                missing += 1
                continue
            rows.append({
                "group": record["group"], "commitment": commitment, "later": later, "label": record["label"],
                "lang": record.get("lang", "es"), "source": Path(path).stem, "written": bool(record.get("written")),
            })
    frame = pd.DataFrame(rows, columns=["group", "commitment", "later", "label", "lang", "source", "written"])
    frame.attrs["missing"] = missing  # pairs of external documents not on this machine (left out)
    return frame


def _text(value: str | dict, raw_dir: Path, where: str) -> str | None:
    """The text of a pair's item: as written, or by reference (None when its external document is not here)."""
    if isinstance(value, str):
        return value
    if value.get("collection"):
        from ..external import locate

        path = locate(value["collection"], value["file"])
        if path is None:
            return None
        items = _segmented(str(path))
    else:
        items = _segmented(str(raw_dir / value["file"]))
    text = items.get(int(value["n"]))
    if text is not None and hashlib.sha1(text.encode()).hexdigest() == value["sha1"]:
        return text
    # the segmenter may have renumbered the document since the pair was written: the same text elsewhere
    same = [t for t in items.values() if hashlib.sha1(t.encode()).hexdigest() == value["sha1"]]
    if not same:
        raise InputError(where, f"item {value['n']} of {value['file']} is missing or changed (SHA-1 differs)")
    return same[0]


@lru_cache(maxsize=None)
def _segmented(path: str) -> dict[int, str]:
    from ..ingest import read_document
    from ..segment import segment

    return {item.n: item.text for item in segment(read_document(Path(path)))}


def pair_features(pairs: pd.DataFrame) -> pd.DataFrame:
    """`similarity` (subject similarity, the representation fitted per source file and language)
    and `done_cue` (the later item reports completion) of each pair."""
    out = pairs.copy()
    out["similarity"] = 0.0
    for _, block in out.groupby(["source", "lang"], sort=False):
        texts = list(dict.fromkeys([*block["commitment"], *block["later"]]))
        index = {t: k for k, t in enumerate(texts)}
        sim = similarities(texts, texts)
        out.loc[block.index, "similarity"] = [sim[index[c], index[l]] for c, l in zip(block["commitment"], block["later"])]
    out["done_cue"] = [reports_done(text, lang) for text, lang in zip(out["later"], out["lang"])]
    return out


def predict(features: pd.DataFrame, repeat_threshold: float, done_threshold: float) -> np.ndarray:
    """The label of each pair at the given thresholds (as `match.verdict` decides)."""
    sim, cue = features["similarity"].to_numpy(), features["done_cue"].to_numpy(bool)
    return np.where(cue & (sim >= done_threshold), DONE, np.where(sim >= repeat_threshold, REPEATED, UNRELATED))


def per_class(gold: Sequence[str], predicted: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support of each class."""
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    rows = []
    for label in PAIR_LABELS:
        tp = int(((gold == label) & (predicted == label)).sum())
        p_all, g_all = int((predicted == label).sum()), int((gold == label).sum())
        precision = tp / p_all if p_all else float("nan")
        recall = tp / g_all if g_all else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if p_all and g_all and tp else 0.0
        rows.append({"label": label, "precision": precision, "recall": recall, "f1": f1, "support": g_all,
                     "predicted": p_all})
    return pd.DataFrame(rows)


def choose_thresholds(features: pd.DataFrame, min_done_precision: float = MIN_DONE_PRECISION) -> tuple[float, float]:
    """The (repeat, done) thresholds with the best macro-F1 among those whose precision of
    `done` is at least `min_done_precision` on `features` (ties: the stricter done threshold)."""
    gold = features["label"].to_numpy()
    best, best_key = (float(GRID[-1]), float(GRID[-1])), (-1.0, 0.0)
    for t_done in GRID:
        for t_rep in GRID:
            table = per_class(gold, predict(features, t_rep, t_done)).set_index("label")
            precision = table.loc[DONE, "precision"]
            if not (precision >= min_done_precision):
                continue
            key = (round(float(table["f1"].mean()), 6), float(t_done))
            if key > best_key:
                best, best_key = (float(t_rep), float(t_done)), key
    return best


def cross_validate(features: pd.DataFrame, folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """Out-of-fold predictions, folds grouped by commitment (`group`): thresholds are chosen on the
    other folds. Adds `predicted`, `fold`, `repeat_threshold`, `done_threshold` columns."""
    groups = sorted(features["group"].unique())
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(groups))
    fold_of = {groups[g]: k % folds for k, g in enumerate(order)}
    out = features.copy()
    out["fold"] = out["group"].map(fold_of)
    out["predicted"] = ""
    for k in range(folds):
        test = out["fold"] == k
        t_rep, t_done = choose_thresholds(out[~test])
        out.loc[test, "predicted"] = predict(out[test], t_rep, t_done)
        out.loc[test, "repeat_threshold"], out.loc[test, "done_threshold"] = t_rep, t_done
    return out
