"""The review loop over a `Corpus`: corrections in (the review page), agreement of two reviewers,
and the corrections out as labelled data or training items. The CLI and the web app call these;
the stored corrections are `store.corrections`, the plain-data steps `classify.corrections`.

    >>> correct(corpus, "3f2a9c1d0b7e4a55", 4, ["security"], reviewer="ana")
    >>> export_corrections(corpus, "revisadas.jsonl")      # (written, left out)
    >>> items, seen = training_corrections("corpus/processed/declaraciones.db")
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .api import Corpus
from .classify import corrections as plain
from .classify.data import LabelledItem
from .errors import InputError
from .filters import Filters
from .store import corrections as stored


def correct(corpus: Corpus, doc_id: str, n: int, labels: Sequence[str], reviewer: str,
            adjudicate: bool = False) -> dict[str, Any]:
    """Store one reviewer's labels for an item (one transaction); returns the stored correction."""
    return stored.add_correction(corpus.store, doc_id, n, labels, reviewer, adjudicate=adjudicate)


def corrections(corpus: Corpus) -> pd.DataFrame:
    """Every stored correction, oldest first."""
    return stored.list_corrections(corpus.store)


def model_labels(corpus: Corpus, doc_id: str, n: int, version: str | None = None) -> dict[str, Any]:
    """The model's own labels and scores of an item, reviewed or not."""
    return stored.model_labels(corpus.store, doc_id, n, version)


def agreement(corpus: Corpus) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Per-label agreement of the reviewers and their disagreements (`classify.corrections.agreement`)."""
    return plain.agreement(corrections(corpus))


def review_order(corpus: Corpus, filters: Filters, model: Any = None) -> pd.DataFrame:
    """The filtered items in review order, with their `reviewed` flag (`classify.corrections.review_order`)."""
    frame = corpus.items(filters)
    lexicon = getattr(model, "lexicon_", None)
    return plain.review_order(frame, model, lexicon).merge(frame[["doc_id", "n", "reviewed"]], on=["doc_id", "n"],
                                                           how="left")


def unseen_corrections(corpus: Corpus, meta: dict[str, Any] | None) -> int:
    """Corrections newer than those the model of `meta` (its meta.json) was trained with."""
    return plain.unseen_corrections(corrections(corpus), meta)


def export_corrections(corpus: Corpus, out_path: str | Path) -> tuple[int, int]:
    """Write the reviewed items as labelled JSONL (whole or not at all); returns (written, left out)."""
    lines, left_out = plain.labelled_lines(stored.reviewed_items(corpus.store))
    plain.write_lines(lines, Path(out_path))
    return len(lines), left_out


def training_corrections(db: str | None) -> tuple[list[LabelledItem], dict[str, Any]]:
    """The reviewed items of the store at `db` as labelled items, and what they are for meta.json."""
    with Corpus(db) as corpus:
        items = plain.corrected_items(stored.reviewed_items(corpus.store))
        seen = plain.corrections_seen(corrections(corpus)) | {"items": len(items), "db": corpus.store.url}
    if not items:
        raise InputError("--corrections", f"no reviewed items in {seen['db']}")
    return items, seen
