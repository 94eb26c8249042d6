"""The summaries every write keeps: `documents.n_items` and `label_counts` (tables.py).

They hold per-document counts of what `items` and `labels` hold per item, so a
grouped count over a million items reads some twenty thousand rows. Each is
recomputed from the item-level tables for the documents a write touched, inside
the write's transaction: the summary and the rows it sums change together.
"""
from __future__ import annotations

from typing import Collection

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import documents, items, label_counts, labels


def refresh_summaries(conn: Connection, doc_ids: Collection[str] | None = None) -> None:
    """Recount `n_items` and `label_counts` of `doc_ids` (every document when None)."""
    item_count = (sa.select(sa.func.count()).select_from(items)
                  .where(items.c.doc_id == documents.c.id).scalar_subquery())
    update = documents.update().values(n_items=item_count)
    delete = label_counts.delete()
    grouped = (sa.select(labels.c.model_version, labels.c.axis, labels.c.year, labels.c.doc_id, sa.func.count())
               .where(labels.c.assigned == sa.true()))
    if doc_ids is not None:
        ids = sorted(set(doc_ids))
        if not ids:
            return
        # two writers recounting one document take turns (PostgreSQL row locks; SQLite writes one at a time)
        conn.execute(sa.select(documents.c.id).where(documents.c.id.in_(ids)).with_for_update())
        update = update.where(documents.c.id.in_(ids))
        delete = delete.where(label_counts.c.doc_id.in_(ids))
        grouped = grouped.where(labels.c.doc_id.in_(ids))
    conn.execute(update)
    conn.execute(delete)
    grouped = grouped.group_by(labels.c.model_version, labels.c.axis, labels.c.year, labels.c.doc_id)
    conn.execute(label_counts.insert().from_select(["model_version", "axis", "year", "doc_id", "items"], grouped))
