"""Reviewers' corrections for the model: what to review first, how far two reviewers agree,
and the corrections as labelled data (a file, or items folded into training).

Plain data in and out (the item DataFrame, the corrections DataFrame, reviewed items);
`review_loop` reads them from the store.

    >>> review_order(corpus.items(), model)          # least confident and lexicon disagreements first
    >>> agreement(corrections)                       # per-label agreement of two reviewers
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import external
from ..errors import InputError
from ..schema import AXES, LABELS, OTHER
from .data import LabelledItem, record_key
from .lexicon import Lexicon

# An item on which the lexicon and the model disagree is reviewed as if its margin were this much smaller.
DISAGREEMENT_WEIGHT = 0.5
_REF_COLLECTION = "us-statements"  # the collection whose references name a segmented item (data.RefResolver)


# ---------------------------------------------------------------- what to review first
def lexicon_axes(lexicon: Lexicon, text: str) -> tuple[str, ...]:
    """The axes the lexicon finds in `text`, in codebook order."""
    counts = lexicon.counts(text)
    return tuple(axis for axis in AXES if counts.get(axis, 0) > 0)


def review_order(frame: pd.DataFrame, model: Any = None, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Stored items (the item DataFrame) in review order: `doc_id, n, margin, lexicon, disagrees, priority`.

    `margin` is the smallest distance of an axis score (calibrated) to the model's
    threshold for it (0.5 without the model that scored them); `disagrees` says the
    lexicon finds axes and they are not the model's. Lowest `priority` first:
    the margin, scaled by DISAGREEMENT_WEIGHT for a disagreement.
    """
    columns = ["doc_id", "n", "margin", "lexicon", "disagrees", "priority"]
    frame = frame[frame["model_version"].notna()] if len(frame) else frame
    if frame.empty:
        return pd.DataFrame(columns=columns)
    thresholds = np.full(len(AXES), 0.5)
    if model is not None and getattr(model, "version", None) in set(frame["model_version"]):
        thresholds = np.asarray(model.thresholds_[:len(AXES)], dtype=float)
    scores = frame[[f"score_{axis}" for axis in AXES]].to_numpy(dtype=float)
    margin = np.nanmin(np.abs(np.nan_to_num(scores, nan=1.0) - thresholds), axis=1)
    lexicon = lexicon or getattr(model, "lexicon_", None) or Lexicon.default()
    found = [lexicon_axes(lexicon, text) for text in frame["text"]]
    disagrees = np.array([bool(lex) and set(lex) != set(labels) - {OTHER}
                          for lex, labels in zip(found, frame["labels"])])
    out = pd.DataFrame({"doc_id": frame["doc_id"].to_numpy(), "n": frame["n"].to_numpy(), "margin": margin.round(4),
                        "lexicon": [list(lex) for lex in found], "disagrees": disagrees,
                        "priority": np.where(disagrees, margin * DISAGREEMENT_WEIGHT, margin)})
    return out.sort_values(["priority", "doc_id", "n"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- two reviewers
def _latest_per_reviewer(corrections: pd.DataFrame) -> pd.DataFrame:
    own = corrections[~corrections["adjudicated"]]
    return own.sort_values("id").groupby(["doc_id", "n", "reviewer"], as_index=False).last()


def agreement(corrections: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """How far reviewers agree on the items two (or more) of them labelled.

    Returns (per label: `label, pairs, both, neither, only_one, agreement, kappa`;
    the disagreements: `doc_id, n, reviewers {name: labels}, adjudicated` (the
    labels of a later adjudication, or None)). Each pair of reviewers of an item
    counts once; a reviewer's latest decision counts.
    """
    latest = _latest_per_reviewer(corrections)
    rows: dict[str, list[tuple[int, int]]] = {label: [] for label in LABELS}
    disagreements = []
    adjudications = corrections[corrections["adjudicated"]].sort_values("id").groupby(["doc_id", "n"]).last()
    for (doc_id, n), group in latest.groupby(["doc_id", "n"], sort=True):
        if len(group) < 2:
            continue
        decided = {row.reviewer: tuple(row.labels) for row in group.itertuples()}
        for first, second in combinations(sorted(decided), 2):
            for label in LABELS:
                rows[label].append((int(label in decided[first]), int(label in decided[second])))
        if len(set(decided.values())) > 1:
            adjudicated = adjudications.loc[(doc_id, n), "labels"] if (doc_id, n) in adjudications.index else None
            disagreements.append({"doc_id": doc_id, "n": int(n), "reviewers": {k: list(v) for k, v in decided.items()},
                                  "adjudicated": list(adjudicated) if adjudicated is not None else None})
    table = [_label_agreement(label, pairs) for label, pairs in rows.items()]
    return pd.DataFrame(table, columns=["label", "pairs", "both", "neither", "only_one", "agreement", "kappa"]), \
        disagreements


def _label_agreement(label: str, pairs: list[tuple[int, int]]) -> dict[str, Any]:
    both = sum(a and b for a, b in pairs)
    neither = sum(not a and not b for a, b in pairs)
    total = len(pairs)
    observed = (both + neither) / total if total else None
    kappa = None
    if total:
        p_first = sum(a for a, _ in pairs) / total
        p_second = sum(b for _, b in pairs) / total
        expected = p_first * p_second + (1 - p_first) * (1 - p_second)
        kappa = 1.0 if expected == 1 else round((observed - expected) / (1 - expected), 3)
    return {"label": label, "pairs": total, "both": both, "neither": neither, "only_one": total - both - neither,
            "agreement": None if observed is None else round(observed, 3), "kappa": kappa}


# ---------------------------------------------------------------- back into training
def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _inside(source_path: str | None, collections: Sequence[str]) -> str | None:
    """The name of `source_path` inside one of `collections` (where `external` looks), or None."""
    if not source_path:
        return None
    path = Path(source_path).resolve()
    for root in external.search_roots():
        for collection in collections:
            base = (root / collection).resolve()
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix()
    return None


def _doc_name(item: dict[str, Any]) -> str:
    return Path(item["source_path"]).stem if item.get("source_path") else item["doc_id"]


def labelled_lines(reviewed: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Reviewed items (`store.corrections.reviewed_items`) as labelled lines (docs/ARCHITECTURE.md):
    the text copied, or a reference (`ref`, `sha1`, no text) for an item of a real US statement.
    Returns (lines, items left out: those of other external documents, which a reference cannot name)."""
    lines, left_out = [], 0
    for item in reviewed:
        extra = {"labels": item["labels"], "lang": item["lang"] or "es", "doc": _doc_name(item),
                 "section": item["section"], "reviewed": True, "reviewers": item["reviewers"]}
        name = _inside(item["source_path"], [_REF_COLLECTION])
        if name is not None:
            lines.append({"ref": {"file": name, "n": item["n"]}, "sha1": text_sha1(item["text"]), **extra})
        elif _inside(item["source_path"], list(external.COLLECTIONS)) is not None:
            left_out += 1
        else:
            lines.append({"text": item["text"], "n": item["n"], **extra})
    return lines, left_out


def write_lines(lines: Sequence[dict[str, Any]], out_path: Path) -> Path:
    """Write JSON lines to `out_path` whole or not at all (a temporary file renamed)."""
    out_path = Path(out_path).expanduser()
    if not out_path.parent.is_dir():
        raise InputError("--out", f"folder does not exist: {out_path.parent}")
    if out_path.is_dir():
        raise InputError("--out", f"is a folder: {out_path}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        os.replace(tmp_name, out_path)
    except OSError as exc:
        raise InputError("--out", f"cannot write {out_path}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return out_path


def corrected_items(reviewed: Sequence[dict[str, Any]]) -> list[LabelledItem]:
    """Reviewed items (with their stored text) as labelled items."""
    out = []
    for item in reviewed:
        obj = {"text": item["text"], "labels": item["labels"], "lang": item["lang"], "doc": _doc_name(item),
               "section": item["section"]}
        out.append(LabelledItem(text=item["text"], labels=tuple(item["labels"]), lang=item["lang"] or "es",
                                doc=_doc_name(item), section=item["section"], n=item["n"],
                                source=f"corrections:{item['doc_id']}#{item['n']}",
                                record=record_key(obj, tuple(item["labels"]))))
    return out


def with_corrections(items: Sequence[LabelledItem], corrected: Sequence[LabelledItem]) -> list[LabelledItem]:
    """`items` with the reviewers' labels: an item of the same text takes them (and keeps its other
    fields), the other corrected items are added as real items."""
    by_text = {item.sha1: item for item in corrected}
    out = []
    for item in items:
        fix = by_text.pop(item.sha1, None)
        out.append(item if fix is None else replace(item, labels=fix.labels, record=_relabelled(item.record,
                                                                                                 fix.labels)))
    return out + list(by_text.values())


def _relabelled(record: str, labels: Sequence[str]) -> str:
    """A labelled line's record (`data.record_key`) with other labels."""
    fields = json.loads(record) if record else []
    if len(fields) < 2:
        return record
    fields[1] = list(labels)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def corrections_seen(corrections: pd.DataFrame) -> dict[str, Any]:
    """What a model trained on `corrections` (`list_corrections`) has seen: `{"n", "latest"}` (meta.json)."""
    return {"n": int(len(corrections)),
            "latest": None if corrections.empty else str(corrections["created_at"].max())}


def unseen_corrections(corrections: pd.DataFrame, meta: dict[str, Any] | None) -> int:
    """How many of `corrections` are newer than those the model of `meta` was trained with."""
    latest = (((meta or {}).get("data") or {}).get("corrections") or {}).get("latest")
    return int(len(corrections) if not latest else (corrections["created_at"] > latest).sum())
