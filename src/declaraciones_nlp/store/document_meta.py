"""Corrections of a stored document's metadata: recorded, applied, and applied again on re-ingestion.

`ingest` skips a file already stored ("1 already stored"), so a document stored
with the wrong parties or date cannot be mended by ingesting it again.
`correct_document` changes the stored metadata (the document row, its parties,
the year copied into its labels) and records each change in
`document_corrections`, keyed by the document's content hash, so that the same
text removed and ingested again gets the correction back (`apply_metadata_corrections`,
called after every ingestion). The table lives beside the schema's own: it is
created the first time a correction is made, and a store without it has none.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import FieldError, NotFoundError
from ..text import join_parties
from .summaries import refresh_summaries
from .tables import document_parties, documents, labels
from .writer import Store

CORRECTABLE: tuple[str, ...] = ("title", "date", "parties", "mechanism", "edition", "place", "kind")

_metadata = sa.MetaData()
document_corrections = sa.Table(
    "document_corrections", _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("content_hash", sa.String(128), nullable=False, index=True),
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("field", sa.String(32), nullable=False),
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),  # JSON
    sa.Column("corrected_at", sa.String(32), nullable=False),
    sa.Column("note", sa.Text),
)


def _checked(changes: Mapping[str, Any]) -> dict[str, Any]:
    from ..ingest import check_overrides  # the same checks as `ingest --parties/--date`

    unknown = [key for key in changes if key not in CORRECTABLE]
    if unknown:
        raise FieldError(unknown[0], f"not a correctable field (correctable: {', '.join(CORRECTABLE)})")
    checked = check_overrides({k: v for k, v in changes.items() if v is not None})
    if not checked:
        raise FieldError("parties", "nothing to correct: give at least one of " + ", ".join(CORRECTABLE),
                         "nada que corregir")
    return checked


def _apply(conn: Connection, doc_id: str, checked: Mapping[str, Any]) -> None:
    values: dict[str, Any] = {}
    for key, value in checked.items():
        if key == "parties":
            values["parties"] = join_parties(value)
            values["dyad"] = "-".join(sorted(value))
        elif key == "date":
            values["date"] = value
            values["year"] = int(value[:4])
        else:
            values[key] = value
    conn.execute(documents.update().where(documents.c.id == doc_id).values(**values))
    if "parties" in checked:
        conn.execute(document_parties.delete().where(document_parties.c.doc_id == doc_id))
        conn.execute(document_parties.insert(), [{"doc_id": doc_id, "party": party, "position": k}
                                                 for k, party in enumerate(checked["parties"])])
    if "year" in values:  # the labels carry a copy of the year for the grouped counts
        conn.execute(labels.update().where(labels.c.doc_id == doc_id).values(year=values["year"]))
        refresh_summaries(conn, [doc_id])  # and so does label_counts


def correct_document(store: Store, doc_id: str, note: str | None = None, **changes: Any) -> dict[str, Any]:
    """Correct the metadata of a stored document; returns `{field: (old, new)}` of what changed.

    `changes` are any of `CORRECTABLE` (`parties="PE,EC"`, `date="2018-10-26"`...),
    checked as `ingest`'s overrides are. Raises NotFoundError for an unknown document.

        >>> correct_document(store, "3f2a9c1d0b7e4a55", parties="PE,EC")   # doctest: +SKIP
        {'parties': ('BO,PE', 'EC,PE')}
    """
    checked = _checked(changes)
    with store.write() as conn:
        row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"document {doc_id!r} is not stored")
        document_corrections.create(conn, checkfirst=True)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        changed = {}
        for key, value in checked.items():
            old = row[key]
            new = join_parties(value) if key == "parties" else value
            changed[key] = (old, new)
            conn.execute(document_corrections.insert().values(
                content_hash=row["content_hash"], doc_id=doc_id, field=key, old_value=old,
                new_value=json.dumps(list(value) if key == "parties" else value, ensure_ascii=False),
                corrected_at=now, note=note))
        _apply(conn, doc_id, checked)
        store.bump_generation(conn)  # cached counts show the correction at once
    return changed


def metadata_corrections(store: Store, doc_id: str | None = None) -> list[dict[str, Any]]:
    """The recorded corrections (of one document, or all), oldest first."""
    with store.read() as conn:
        if not sa.inspect(conn).has_table(document_corrections.name):
            return []
        stmt = sa.select(document_corrections).order_by(document_corrections.c.id)
        if doc_id is not None:
            stmt = stmt.where(document_corrections.c.doc_id == doc_id)
        return [dict(row) for row in conn.execute(stmt).mappings()]


def apply_metadata_corrections(store: Store) -> int:
    """Apply the latest recorded correction of each field to the stored documents with that content
    (a document removed and ingested again); returns the number of documents touched."""
    with store.write() as conn:
        if not sa.inspect(conn).has_table(document_corrections.name):
            return 0
        rows = conn.execute(sa.select(document_corrections.c.content_hash, document_corrections.c.field,
                                      document_corrections.c.new_value)
                            .order_by(document_corrections.c.id)).all()
        latest: dict[str, dict[str, Any]] = {}
        for content_hash, field, new_value in rows:
            value = json.loads(new_value)
            latest.setdefault(content_hash, {})[field] = tuple(value) if field == "parties" else value
        stored = dict(conn.execute(sa.select(documents.c.content_hash, documents.c.id)
                                   .where(documents.c.content_hash.in_(list(latest)))).all())
        touched = 0
        for content_hash, doc_id in stored.items():
            current = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().one()
            wanted = latest[content_hash]
            differs = {k: v for k, v in wanted.items()
                       if (join_parties(v) if k == "parties" else v) != current[k]}
            if differs:
                _apply(conn, doc_id, differs)
                touched += 1
        if touched:
            store.bump_generation(conn)
        return touched
