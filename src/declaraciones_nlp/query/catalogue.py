"""What is stored: the documents, one document with its items, the models, the filter values."""
from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from ..errors import FieldError, NotFoundError
from ..filters import Filters
from ..records import to_records
from ..schema import DOCUMENT_KINDS
from ..store import Store
from ..store.tables import document_parties, documents as documents_table, models as models_table, twins
from ..text import fold, split_parties
from .conditions import doc_conditions
from .frame import item_frame
from .twins import twin_of


def documents(store: Store, filters: Filters | None = None, kind: str | None = None,
              title: str | None = None) -> pd.DataFrame:
    """One row per stored document with its metadata, item count and `twin` (the id of its
    translation when it is one of a pair, `twins.py`, else None), by date.

    `filters` keeps the documents passing its document-level fields (country, dyad,
    mechanism, years); `kind` those of one kind (`items`, `prose`, `articles`);
    `title` those whose title holds the text (accents and case ignored).
    """
    if kind is not None and kind not in DOCUMENT_KINDS:
        raise FieldError("kind", f"unknown kind {kind!r} (known: {', '.join(DOCUMENT_KINDS)})",
                         f"tipo de documento desconocido «{kind}» (válidos: {', '.join(DOCUMENT_KINDS)})")
    d = documents_table.c
    cols = [d.id, d.title, d.date, d.year, d.place, d.parties, d.dyad, d.mechanism, d.edition,
            d.lang, d.kind, d.citation, d.source_path, d.content_hash, d.ingested_at, d.ocr_confidence]
    # the item count each document keeps (documents.n_items), not a count over every item
    stmt = (sa.select(*cols, sa.func.coalesce(d.n_items, 0).label("items"))
            .order_by(d.date.asc().nulls_last(), d.id))
    with store.read() as conn:
        conds = doc_conditions(conn, filters) if filters is not None else []
        if kind is not None:
            conds.append(d.kind == kind)
        rows = conn.execute(stmt.where(*conds)).all()
        pairs = conn.execute(sa.select(twins.c.doc_a, twins.c.doc_b)).all()
    frame = pd.DataFrame(rows, columns=[c.name for c in cols] + ["items"])
    partner = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    frame["twin"] = pd.Series([partner.get(doc_id) for doc_id in frame["id"]], index=frame.index, dtype=object)
    frame["year"] = frame["year"].astype("Int64")
    frame["items"] = frame["items"].astype(int)
    if title and title.strip():
        wanted = fold(title)
        frame = frame[frame["title"].map(lambda t: wanted in fold(t or ""))].reset_index(drop=True)
    return frame


def document(store: Store, doc_id: str, model_version: str | None = None) -> dict[str, Any]:
    """A document's metadata (parties as a list) with `items`: its item records with their labels,
    and `twin`: its translation (`query.twins.twin_of`) or None."""
    with store.read() as conn:
        row = conn.execute(sa.select(documents_table).where(documents_table.c.id == doc_id)).mappings().first()
        twin = twin_of(conn, doc_id) if row is not None else None
    if row is None:
        raise NotFoundError(f"document {doc_id!r} is not stored")
    data = dict(row)
    data["parties"] = list(split_parties(data["parties"]))
    data["excerpt_only"] = bool(data["excerpt_only"])
    data["items"] = to_records(item_frame(store, Filters(doc_id=doc_id, model_version=model_version)))
    data["twin"] = twin
    return data


def models(store: Store) -> pd.DataFrame:
    """Registered model versions: version, created_at, metrics, current."""
    with store.read() as conn:
        rows = conn.execute(sa.select(models_table)
                            .order_by(models_table.c.created_at, models_table.c.version)).mappings().all()
    return pd.DataFrame([dict(row) for row in rows], columns=["version", "created_at", "metrics", "current"])


def filter_options(store: Store) -> dict[str, list[Any]]:
    """The values a filter can take in this store: countries, dyads and mechanisms, sorted."""
    def distinct(conn: sa.Connection, column: Any) -> list[Any]:
        stmt = sa.select(column).distinct().where(column.is_not(None), column != "")
        return sorted(conn.execute(stmt).scalars().all())

    def compute() -> dict[str, list[Any]]:
        with store.read() as conn:
            return {"countries": distinct(conn, document_parties.c.party),
                    "dyads": distinct(conn, documents_table.c.dyad),
                    "mechanisms": distinct(conn, documents_table.c.mechanism)}

    return {name: list(values) for name, values in store.cached(("filter_options",), compute).items()}
