"""The review queue: the items the model is least sure of, exported for labelling.

Each exported line carries the text, the model's scores and labels and an empty
`labels` list; once an annotator fills `labels` in (AXES.md), the file is a
labelled file for `declaraciones train --data reviewed.jsonl`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from .model import AxisClassifier


def _candidates_from_store(db: str | None) -> list[dict[str, Any]]:
    from ..store import Store

    frame = Store(db).items()
    if frame.empty:
        return []
    return [
        {"text": row["text"], "lang": row.get("lang") or "es", "section": row.get("section"),
         "doc": row.get("doc_id"), "n": int(row["n"]) if row.get("n") is not None else None}
        for row in frame.to_dict("records")
    ]


def _candidates_from_labelled(paths: Sequence[Path]) -> list[dict[str, Any]]:
    from .data import load_labelled

    return [
        {"text": i.text, "lang": i.lang, "section": i.section, "doc": i.doc, "n": i.n,
         "current_labels": list(i.labels), "written": i.written}
        for i in load_labelled(paths)
    ]


def review_queue(
    model: AxisClassifier, n: int = 50, source: str = "corpus", db: str | None = None,
    paths: Sequence[Path] | None = None,
) -> list[dict[str, Any]]:
    """The `n` least confident items (smallest margin of any score to its threshold).

    `source` is `corpus` (the items in the store) or `labelled` (the labelled data,
    to find likely labelling errors: there `current_labels` shows the stored label).
    """
    if source == "corpus":
        candidates = _candidates_from_store(db)
    else:
        from .data import default_data_paths

        candidates = _candidates_from_labelled(paths or default_data_paths())
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
