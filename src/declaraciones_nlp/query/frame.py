"""Stored items as the item DataFrame (docs/ARCHITECTURE.md), built by one function.

`item_frame` is that function: the items passing the filters (and containing
search terms), their document's metadata and their labels under one model
version. `items`, `search_terms` and `stored_items` are views of it.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..filters import Filters
from ..records import to_records
from ..schema import AXES, LABELS, OTHER, AgreementItem
from ..store import Store
from ..store.tables import documents, items as items_table, labels
from ..text import fold
from .conditions import doc_conditions, item_conditions, like_pattern, resolve_model

# Fields of the item DataFrame contract, in order (a 0/1 column per label and a score per axis follow).
ITEM_COLUMNS: tuple[str, ...] = (
    "doc_id", "n", "text", "section", "page", "start", "end", "lang", "verb", "act",
    "title", "date", "year", "place", "parties", "dyad", "mechanism", "edition",
    "model_version", "labels",
)
SCORE_COLUMNS: tuple[str, ...] = tuple(f"score_{axis}" for axis in AXES)
FRAME_COLUMNS: tuple[str, ...] = ITEM_COLUMNS + LABELS + SCORE_COLUMNS
# What a search hit shows (`declaraciones search --format jsonl`, `/api/items?q=`).
SEARCH_COLUMNS: tuple[str, ...] = ("doc_id", "n", "title", "date", "parties", "dyad", "mechanism", "page",
                                   "section", "text", "labels", "model_version", *SCORE_COLUMNS)
_SELECTED = [items_table.c.id, *(items_table.c[name] for name in ITEM_COLUMNS[:10]),
             *(documents.c[name] for name in ITEM_COLUMNS[10:18])]


def item_frame(store: Store, filters: Filters | None = None, terms: Sequence[str] = (),
               newest_first: bool = False, limit: int | None = None) -> pd.DataFrame:
    """The item DataFrame of the items passing `filters` whose folded text holds every term.

    Label columns come from `filters.model_version` (default: the current model).
    With `filters.min_score`, an axis column is 1 when its score is ≥ min_score
    and `other` is 1 when no axis reaches it. Documents by date (oldest or newest
    first), items in their order.
    """
    filters = filters or Filters()
    with store.read() as conn:
        version = resolve_model(conn, filters.model_version)
        conds = doc_conditions(conn, filters) + item_conditions(filters, version)
        conds += [items_table.c.text_folded.like(like_pattern(fold(term)), escape="\\") for term in terms]
        by_date = documents.c.date.desc() if newest_first else documents.c.date.asc()
        stmt = (sa.select(*_SELECTED)
                .select_from(items_table.join(documents, documents.c.id == items_table.c.doc_id))
                .where(*conds).order_by(by_date.nulls_last(), items_table.c.doc_id, items_table.c.n))
        if limit is not None:
            stmt = stmt.limit(limit)
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=[c.name for c in _SELECTED])
        label_frame = _labels_of(conn, frame["id"].tolist(), version, conds)
    return _assemble(frame, label_frame, version, filters.min_score)


def _labels_of(conn: Connection, ids: list[int], version: str | None, conds: list) -> pd.DataFrame:
    columns = ["item_id", "axis", "score", "assigned"]
    if version is None or not ids:
        return pd.DataFrame(columns=columns)
    base = sa.select(labels.c.item_id, labels.c.axis, labels.c.score, labels.c.assigned)
    if len(ids) <= 500:
        stmt = base.where(labels.c.model_version == version, labels.c.item_id.in_(ids))
    else:  # the same filters again rather than thousands of bound ids
        stmt = (base.select_from(labels.join(items_table, items_table.c.id == labels.c.item_id)
                                 .join(documents, documents.c.id == items_table.c.doc_id))
                .where(labels.c.model_version == version, *conds))
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


def _label_columns(ids: pd.Series, label_frame: pd.DataFrame, version: str | None,
                   min_score: float | None) -> dict[str, Any]:
    """Per item (in `ids` order): `model_version`, `labels`, 0/1 flags and scores."""
    n_rows = len(ids)
    if len(label_frame):
        scores = label_frame.pivot(index="item_id", columns="axis", values="score")
        assigned = label_frame.pivot(index="item_id", columns="axis", values="assigned")
        labelled = ids.isin(label_frame["item_id"]).to_numpy()
    else:
        scores = assigned = pd.DataFrame()
        labelled = np.zeros(n_rows, dtype=bool)
    out: dict[str, Any] = {}
    for axis in AXES:
        column = scores[axis].reindex(ids) if axis in scores else pd.Series(np.nan, index=ids)
        out[f"score_{axis}"] = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    for label in LABELS:
        if min_score is not None and label == OTHER:
            reached = np.zeros(n_rows, dtype=bool)
            for axis in AXES:
                reached |= out[f"score_{axis}"] >= min_score
            out[label] = (~reached & labelled).astype(int)
        elif min_score is not None:
            out[label] = (out[f"score_{label}"] >= min_score).astype(int)
        else:
            column = assigned[label].reindex(ids) if label in assigned else pd.Series(0, index=ids)
            out[label] = column.fillna(0).astype(int).to_numpy()
    out["model_version"] = [version if flag else None for flag in labelled]
    out["labels"] = [[label for label in LABELS if out[label][k]] for k in range(n_rows)]
    return out


def _assemble(frame: pd.DataFrame, label_frame: pd.DataFrame, version: str | None,
              min_score: float | None) -> pd.DataFrame:
    columns = _label_columns(frame["id"], label_frame, version, min_score)
    out = frame.drop(columns=["id"])
    out["year"] = out["year"].astype("Int64")
    for name in ("model_version", "labels", *LABELS, *SCORE_COLUMNS):
        out[name] = columns[name]
    return out[list(FRAME_COLUMNS)].reset_index(drop=True)


# ---------------------------------------------------------------- views of the frame
def items(store: Store, filters: Filters | None = None) -> pd.DataFrame:
    """The item DataFrame of the items passing `filters`, oldest documents first."""
    return item_frame(store, filters)


def search_terms(store: Store, terms: Sequence[str], filters: Filters | None = None,
                 limit: int | None = 50) -> pd.DataFrame:
    """Search hits (SEARCH_COLUMNS) holding every folded term, newest documents first."""
    frame = item_frame(store, filters, terms=terms, newest_first=True, limit=limit)
    return frame[list(SEARCH_COLUMNS)]


def stored_items(store: Store, filters: Filters | None = None) -> list[AgreementItem]:
    """The stored items as `AgreementItem`s, with every stored field and their labels and scores."""
    frame = item_frame(store, filters)
    out = []
    for row in to_records(frame):
        scores = {axis: row[f"score_{axis}"] for axis in AXES if row[f"score_{axis}"] is not None}
        out.append(AgreementItem(
            doc_id=row["doc_id"], n=row["n"], text=row["text"], section=row["section"], page=row["page"],
            start=row["start"], end=row["end"], lang=row["lang"], verb=row["verb"], act=row["act"],
            labels=tuple(row["labels"]), scores=scores, model_version=row["model_version"]))
    return out
