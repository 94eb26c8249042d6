"""The review queue: the items the model is least sure of, exported for labelling.

Each exported line carries the text, the model's scores and labels and an empty
`labels` list; once an annotator fills `labels` in (AXES.md), the file is a
labelled file for `declaraciones train --data reviewed.jsonl`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from ..schema import AgreementItem
from .model import AxisClassifier


def candidates_from_items(items: Sequence[AgreementItem]) -> list[dict[str, Any]]:
    """Review candidates from stored items (`Corpus.stored_items()`)."""
    return [{"text": item.text, "lang": item.lang or "es", "section": item.section, "doc": item.doc_id, "n": item.n}
            for item in items]


def candidates_from_labelled(paths: Sequence[Path] | None = None) -> list[dict[str, Any]]:
    """Review candidates from labelled files (default: corpus/labeled/), to find likely labelling errors."""
    from .data import default_data_paths, load_labelled

    return [
        {"text": i.text, "lang": i.lang, "section": i.section, "doc": i.doc, "n": i.n,
         "current_labels": list(i.labels), "written": i.written}
        for i in load_labelled(paths or default_data_paths())
    ]


def review_queue(model: AxisClassifier, candidates: Sequence[dict[str, Any]], n: int = 50) -> list[dict[str, Any]]:
    """The `n` least confident of `candidates` (smallest margin of any score to its threshold).

    Candidates come from `candidates_from_items` (stored items) or
    `candidates_from_labelled` (there `current_labels` shows the stored label).
    """
    if not candidates:
        return []
    preds = model.predict(
        [c["text"] for c in candidates], [c["lang"] for c in candidates],
        [c["section"] for c in candidates], explain=False,
    )
    order = sorted(range(len(candidates)), key=lambda i: (preds[i].margin, i))[:n]
    rows = []
    for i in order:
        pred = preds[i]
        row = {k: v for k, v in candidates[i].items() if v is not None}
        row.update({
            "predicted": list(pred.labels),
            "scores": pred.scores | {"other": pred.other_score},
            "margin": round(pred.margin, 4),
            "model_version": model.version,
            "labels": [],
        })
        rows.append(row)
    return rows


def write_jsonl(rows: Sequence[dict[str, Any]], path: Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
