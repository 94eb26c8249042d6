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
from ..store.corrections import reviewed_item_ids
from ..store.tables import document_order_key, documents, items as items_table, labels
from ..text import fold
from .conditions import doc_conditions, item_conditions, like_pattern, resolve_model

# Fields of the item DataFrame contract, in order (a 0/1 column per label and a score per axis follow).
ITEM_COLUMNS: tuple[str, ...] = (
    "doc_id", "n", "text", "section", "page", "start", "end", "lang", "verb", "act",
    "title", "date", "year", "place", "parties", "dyad", "mechanism", "edition",
    "model_version", "labels", "reviewed",
)
SCORE_COLUMNS: tuple[str, ...] = tuple(f"score_{axis}" for axis in AXES)
FRAME_COLUMNS: tuple[str, ...] = ITEM_COLUMNS + LABELS + SCORE_COLUMNS
# What a search hit shows (`declaraciones search --format jsonl`, `/api/items?q=`).
SEARCH_COLUMNS: tuple[str, ...] = ("doc_id", "n", "title", "date", "parties", "dyad", "mechanism", "page",
                                   "section", "text", "labels", "reviewed", "model_version", *SCORE_COLUMNS)
_CACHED_PAGE_ROWS = 200  # pages up to this size are kept until the store changes
_SELECTED = [items_table.c.id, *(items_table.c[name] for name in ITEM_COLUMNS[:10]),
             *(documents.c[name] for name in ITEM_COLUMNS[10:18])]


def item_frame(store: Store, filters: Filters | None = None, terms: Sequence[str] = (),
               newest_first: bool = False, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """The item DataFrame of the items passing `filters` whose folded text holds every term.

    Label columns come from `filters.model_version` (default: the current model).
    With `filters.min_score`, an axis column is 1 when its score is ≥ min_score
    and `other` is 1 when no axis reaches it. Documents by date (oldest or newest
    first, undated last), items in their order. With `limit` (and `offset`) only
    that page is read: documents are walked in the order of an index and the
    walk stops when the page is full.
    """
    filters = filters or Filters()
    if limit is not None and limit <= _CACHED_PAGE_ROWS:  # the first pages are asked for again and again
        key = ("page", filters, tuple(terms), newest_first, limit, offset)
        return store.cached(key, lambda: _item_frame(store, filters, terms, newest_first, limit, offset)).copy()
    return _item_frame(store, filters, terms, newest_first, limit, offset)


def _item_frame(store: Store, filters: Filters, terms: Sequence[str], newest_first: bool, limit: int | None,
                offset: int) -> pd.DataFrame:
    with store.read() as conn:
        version = resolve_model(conn, filters.model_version)
        conds = _conditions(conn, filters, version, terms, per_item=limit is not None)
        by_date = document_order_key(newest_first)
        by_doc = documents.c.id.desc() if newest_first else documents.c.id.asc()
        stmt = (sa.select(*_SELECTED)
                .select_from(documents.join(items_table, items_table.c.doc_id == documents.c.id))
                .where(*conds).order_by(by_date.desc() if newest_first else by_date, by_doc, items_table.c.n))
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset or None)
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=[c.name for c in _SELECTED])
        label_frame = _labels_of(conn, frame["id"].tolist(), version, conds, by_ids=limit is not None)
        reviewed = frame["id"].isin(reviewed_item_ids(conn, version)).to_numpy()
    return _assemble(frame, label_frame, version, filters.min_score, reviewed)


def count_matching(store: Store, filters: Filters | None = None, terms: Sequence[str] = (),
                   cap: int = 10_000) -> int:
    """How many items pass `filters` and hold every term, counted up to `cap` (cap + 1 means "more").

    Cached until the store changes.
    """
    filters = filters or Filters()

    def count() -> int:
        with store.read() as conn:
            version = resolve_model(conn, filters.model_version)
            inner = (sa.select(items_table.c.id).select_from(
                documents.join(items_table, items_table.c.doc_id == documents.c.id))
                .where(*_conditions(conn, filters, version, terms, per_item=True)).limit(cap + 1).subquery())
            return int(conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())

    return store.cached(("count_matching", filters, tuple(terms), cap), count)


def _conditions(conn: Connection, filters: Filters, version: str | None, terms: Sequence[str],
                per_item: bool = False) -> list:
    conds = doc_conditions(conn, filters, per_item) + item_conditions(filters, version, per_item=per_item)
    return conds + [items_table.c.text_folded.like(like_pattern(fold(term)), escape="\\") for term in terms]


def _labels_of(conn: Connection, ids: list[int], version: str | None, conds: list,
               by_ids: bool = False) -> pd.DataFrame:
    """The label rows of the items `ids`: by id for a page (`by_ids`) or a few items, else by the filters."""
    columns = ["item_id", "axis", "score", "assigned"]
    if version is None or not ids:
        return pd.DataFrame(columns=columns)
    base = sa.select(labels.c.item_id, labels.c.axis, labels.c.score, labels.c.assigned)
    if by_ids or len(ids) <= 500:
        rows: list[Any] = []
        for first in range(0, len(ids), 500):
            stmt = base.where(labels.c.model_version == version, labels.c.item_id.in_(ids[first:first + 500]))
            rows.extend(conn.execute(stmt).all())
        return pd.DataFrame(rows, columns=columns)
    # the whole filtered set: the same filters again rather than thousands of bound ids
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
              min_score: float | None, reviewed: np.ndarray) -> pd.DataFrame:
    columns = _label_columns(frame["id"], label_frame, version, min_score)
    out = frame.drop(columns=["id"])
    out["reviewed"] = reviewed.astype(bool)  # labels laid over by a reviewer (store/corrections.py)
    out["year"] = out["year"].astype("Int64")
    for name in ("model_version", "labels", *LABELS, *SCORE_COLUMNS):
        out[name] = columns[name]
    return out[list(FRAME_COLUMNS)].reset_index(drop=True)


# ---------------------------------------------------------------- views of the frame
def items(store: Store, filters: Filters | None = None, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """The item DataFrame of the items passing `filters`, oldest documents first (one page given `limit`)."""
    return item_frame(store, filters, limit=limit, offset=offset)


def search_terms(store: Store, terms: Sequence[str], filters: Filters | None = None,
                 limit: int | None = 50, offset: int = 0) -> pd.DataFrame:
    """Search hits (SEARCH_COLUMNS) holding every folded term, newest documents first."""
    frame = item_frame(store, filters, terms=terms, newest_first=True, limit=limit, offset=offset)
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
