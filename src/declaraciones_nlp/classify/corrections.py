"""Reviewers' corrections for the model: what to review first, how far two reviewers agree,
and the corrections as labelled data (a file, or items folded into training).

    >>> review_order(corpus.items(), model)          # least confident and lexicon disagreements first
    >>> agreement(list_corrections(store))           # per-label agreement of two reviewers
    >>> export_corrections(store, Path("revisadas.jsonl"))
"""
from __future__ import annotations

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
from ..store.corrections import list_corrections, reviewed_items, text_sha1
from ..store.engine import Database
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
def _reference(source_path: str | None) -> str | None:
    """The name of `source_path` inside the referenced collection, when it is one of its documents."""
    if not source_path:
        return None
    path = Path(source_path).resolve()
    for root in external.search_roots():
        base = (root / _REF_COLLECTION).resolve()
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return None


def _external(source_path: str | None) -> bool:
    if not source_path:
        return False
    path = Path(source_path).resolve()
    return any(path.is_relative_to((root / name).resolve())
               for root in external.search_roots() for name in external.COLLECTIONS)


def correction_lines(store: Database) -> tuple[list[dict[str, Any]], int]:
    """The reviewed items as labelled lines (docs/ARCHITECTURE.md): the text copied, or a reference
    (`ref`, `sha1`) for an item of a real US statement. Returns (lines, items left out: items of
    other external documents, which a reference cannot name)."""
    lines, left_out = [], 0
    for item in reviewed_items(store):
        doc = Path(item["source_path"]).stem if item["source_path"] else item["doc_id"]
        extra = {"labels": item["labels"], "lang": item["lang"] or "es", "doc": doc, "section": item["section"],
                 "reviewed": True, "reviewers": item["reviewers"]}
        name = _reference(item["source_path"])
        if name is not None:
            lines.append({"ref": {"file": name, "n": item["n"]}, "sha1": text_sha1(item["text"]), **extra})
        elif _external(item["source_path"]):
            left_out += 1
        else:
            lines.append({"text": item["text"], "n": item["n"], **extra})
    return lines, left_out


def export_corrections(store: Database, out_path: Path) -> tuple[int, int]:
    """Write the reviewed items as a labelled JSONL file (whole or not at all); returns (written, left out)."""
    out_path = Path(out_path).expanduser()
    if not out_path.parent.is_dir():
        raise InputError("--out", f"folder does not exist: {out_path.parent}")
    if out_path.is_dir():
        raise InputError("--out", f"is a folder: {out_path}")
    lines, left_out = correction_lines(store)
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
    return len(lines), left_out


def corrected_items(store: Database) -> list[LabelledItem]:
    """The reviewed items as labelled items, their text read from the store."""
    out = []
    for item in reviewed_items(store):
        doc = Path(item["source_path"]).stem if item["source_path"] else item["doc_id"]
        obj = {"text": item["text"], "labels": item["labels"], "lang": item["lang"], "doc": doc,
               "section": item["section"]}
        out.append(LabelledItem(text=item["text"], labels=tuple(item["labels"]), lang=item["lang"] or "es", doc=doc,
                                section=item["section"], n=item["n"], source=f"corrections:{item['doc_id']}#{item['n']}",
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


def corrections_seen(store: Database) -> dict[str, Any]:
    """What a model trained now sees of the corrections: `{"n", "latest"}` (for its meta.json)."""
    frame = list_corrections(store)
    return {"n": int(len(frame)), "latest": None if frame.empty else str(frame["created_at"].max())}


def unseen_corrections(store: Database, meta: dict[str, Any] | None) -> int:
    """How many stored corrections are newer than those the model of `meta` was trained with."""
    frame = list_corrections(store)
    latest = ((meta or {}).get("data") or {}).get("corrections", {}).get("latest")
    return int(len(frame) if not latest else (frame["created_at"] > latest).sum())
