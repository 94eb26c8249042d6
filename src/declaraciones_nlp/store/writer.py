"""Saving to the store: documents with their items and labels, relabelling, removal, models.

Each call is one transaction: a document is stored whole or not at all. The
questions asked of what is stored live in `query`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..errors import InputError, NotFoundError, StoreError
from ..schema import AXES, OTHER, AgreementItem, Document, validate_labels
from ..text import fold, join_parties
from .corrections import apply_corrections
from .engine import Database
from .summaries import refresh_summaries
from .tables import document_parties, documents, followup_status, items, label_counts, labels, models, reviewed_labels, twins


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _insert_if_absent(conn: Connection, table: sa.Table):
    """An INSERT that does nothing when a row with the same key exists (or is being written);
    the store speaks only these two dialects (`engine.resolve_url`)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


class Store(Database):
    """The corpus database: documents, items and labels in; see `query` for what comes out.

        >>> store = Store("corpus/processed/declaraciones.db")     # or "postgresql://user@host/db"
        >>> store.add_document(document, items)                    # whole or nothing
        True
    """

    # -- models -----------------------------------------------------------
    def register_model(self, version: str, metrics: dict | None = None, make_current: bool = True) -> None:
        """Record a classifier version (and its metrics); by default it becomes the current one."""
        with self.write() as conn:
            self._register_model(conn, version, metrics, make_current)

    def _register_model(self, conn: Connection, version: str, metrics: dict | None, make_current: bool) -> None:
        # two ingestions may register the same model at once: the second insert does nothing
        inserted = conn.execute(_insert_if_absent(conn, models).values(
            version=version, created_at=_now(), metrics=metrics or {}, current=False,
        ).returning(models.c.version)).first()
        if inserted is None and metrics is not None:
            conn.execute(models.update().where(models.c.version == version).values(metrics=metrics))
        if not make_current:
            has_current = conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).first()
            make_current = has_current is None
        if make_current:
            conn.execute(models.update().where(models.c.version != version).values(current=False))
            conn.execute(models.update().where(models.c.version == version).values(current=True))
        if make_current or inserted is not None:
            self.bump_generation(conn)

    def current_model(self) -> str | None:
        """The version the queries read by default (None before the first model is registered)."""
        with self.read() as conn:
            return conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).scalar()

    # -- documents --------------------------------------------------------
    def has_document(self, content_hash: str) -> str | None:
        """The id of the stored document with this content hash, or None."""
        with self.read() as conn:
            return conn.execute(sa.select(documents.c.id)
                                .where(documents.c.content_hash == content_hash)).scalar()

    def counts(self) -> dict[str, int]:
        """Numbers of documents, items and label rows stored."""
        with self.read() as conn:
            return {name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                    for name, table in (("documents", documents), ("items", items), ("labels", labels))}

    def add_document(self, document: Document, batch: Sequence[AgreementItem]) -> bool:
        """Store a document with its items and their labels in one transaction.

        Returns False (and stores nothing) when a document with the same content
        hash is already stored. Labelled items need a `model_version`; an unknown
        version is registered (and made current when no model is current yet).
        """
        label_rows = [_label_values(item, item.model_version) for item in batch]
        for item in batch:
            if item.doc_id != document.id:
                raise InputError(document.source_path or document.id,
                                 f"item {item.n} belongs to document {item.doc_id}, not {document.id}")
        try:
            with self.write() as conn:
                found = conn.execute(sa.select(documents.c.id)
                                     .where(documents.c.content_hash == document.content_hash)).first()
                if found is not None:
                    return False
                conn.execute(documents.insert().values(_document_values(document)))
                parties = dict.fromkeys(document.parties)
                if parties:
                    conn.execute(document_parties.insert(), [
                        {"doc_id": document.id, "party": party, "position": k} for k, party in enumerate(parties)])
                if batch:
                    self._insert_items(conn, document.id, batch)
                    self._insert_labels(conn, document.id, document.year, batch, label_rows)
                    apply_corrections(conn, [document.id])  # reviewers' labels outlive re-ingestion
                    refresh_summaries(conn, [document.id])
                self.bump_generation(conn)
        except StoreError as exc:
            if isinstance(exc.__cause__, sa.exc.IntegrityError) and self.has_document(document.content_hash):
                return False  # another writer stored it first
            raise
        return True

    @staticmethod
    def _insert_items(conn: Connection, doc_id: str, batch: Sequence[AgreementItem]) -> None:
        conn.execute(items.insert(), [
            {"doc_id": doc_id, "n": item.n, "text": item.text, "text_folded": fold(item.text),
             "section": item.section, "page": item.page, "start": item.start, "end": item.end,
             "lang": item.lang, "verb": item.verb, "act": item.act}
            for item in batch
        ])

    def _insert_labels(self, conn: Connection, doc_id: str, year: int | None, batch: Sequence[AgreementItem],
                       label_rows: Sequence[list[dict[str, Any]]]) -> None:
        if not any(label_rows):
            return
        ids = dict(conn.execute(sa.select(items.c.n, items.c.id).where(items.c.doc_id == doc_id)).all())
        for version in sorted({row["model_version"] for rows in label_rows for row in rows}):
            self._register_model(conn, version, None, make_current=False)
        values = [dict(row, item_id=ids[item.n], doc_id=doc_id, year=year)
                  for item, rows in zip(batch, label_rows) for row in rows]
        conn.execute(labels.insert(), values)

    def set_labels(self, batch: Sequence[AgreementItem], model_version: str | None = None) -> int:
        """(Re)label stored items under `model_version` (default: each item's own).

        Labels of other versions are kept. Returns the number of items labelled;
        raises NotFoundError if an item (doc_id, n) is not stored.
        """
        prepared = []
        for item in batch:
            version = model_version or item.model_version
            prepared.append((item, _label_values(item, version) or
                             _label_values(replace(item, labels=(OTHER,)), version)))
        with self.write() as conn:
            for version in sorted({rows[0]["model_version"] for _, rows in prepared if rows}):
                self._register_model(conn, version, None, make_current=False)
            for item, rows in prepared:
                found = conn.execute(
                    sa.select(items.c.id, documents.c.year)
                    .select_from(items.join(documents, documents.c.id == items.c.doc_id))
                    .where(items.c.doc_id == item.doc_id, items.c.n == item.n)).first()
                if found is None:
                    raise NotFoundError(f"item {item.n} of document {item.doc_id} is not stored")
                version = rows[0]["model_version"]
                item_id, year = found
                for table in (labels, reviewed_labels):
                    conn.execute(table.delete().where(table.c.item_id == item_id, table.c.model_version == version))
                conn.execute(labels.insert(), [dict(row, item_id=item_id, doc_id=item.doc_id, year=year)
                                               for row in rows])
            doc_ids = {item.doc_id for item, _ in prepared}
            apply_corrections(conn, doc_ids)  # and relabelling
            refresh_summaries(conn, doc_ids)
            self.bump_generation(conn)
        return len(prepared)

    # -- translation twins ------------------------------------------------
    def link_twins(self, doc_id: str, twin_id: str, method: str, score: float,
                   aligned: Sequence[tuple[int, int]] = ()) -> bool:
        """Record that two stored documents are one declaration in two languages (`twins.py`).

        `aligned` holds pairs of item numbers (n in `doc_id`, n in `twin_id`). Returns False,
        linking nothing, when either document is missing or already in a pair.
        """
        if doc_id == twin_id:
            raise InputError(doc_id, "a document cannot be its own translation")
        first, second = sorted((doc_id, twin_id))
        pairs = [[int(a), int(b)] if first == doc_id else [int(b), int(a)] for a, b in aligned]
        with self.write() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(documents)
                                  .where(documents.c.id.in_([first, second]))).scalar_one()
            taken = conn.execute(sa.select(twins.c.doc_a).where(
                sa.or_(twins.c.doc_a.in_([first, second]), twins.c.doc_b.in_([first, second])))).first()
            if stored != 2 or taken is not None:
                return False
            try:
                with conn.begin_nested():  # a savepoint: the transaction survives a lost race
                    conn.execute(twins.insert().values(doc_a=first, doc_b=second, method=method,
                                                       score=float(score), aligned=sorted(pairs),
                                                       linked_at=_now()))
            except sa.exc.IntegrityError:  # another writer linked one of them first
                return False
            self.bump_generation(conn)  # a pair counts once: cached counts change
        return True

    def unlink_twins(self, doc_id: str) -> bool:
        """Forget the translation link of a document (both are counted again); False if it had none."""
        with self.write() as conn:
            done = conn.execute(twins.delete().where(sa.or_(twins.c.doc_a == doc_id, twins.c.doc_b == doc_id)))
            if done.rowcount:
                self.bump_generation(conn)
        return bool(done.rowcount)

    def remove(self, doc_id: str) -> int:
        """Remove a document with its items, labels and translation link (its twin is counted
        again); returns the number of items removed."""
        with self.write() as conn:
            if conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is None:
                raise NotFoundError(f"document {doc_id!r} is not stored")
            count = conn.execute(sa.select(sa.func.count()).select_from(items)
                                 .where(items.c.doc_id == doc_id)).scalar_one()
            conn.execute(twins.delete().where(sa.or_(twins.c.doc_a == doc_id, twins.c.doc_b == doc_id)))
            conn.execute(labels.delete().where(labels.c.doc_id == doc_id))
            conn.execute(label_counts.delete().where(label_counts.c.doc_id == doc_id))
            conn.execute(items.delete().where(items.c.doc_id == doc_id))
            conn.execute(document_parties.delete().where(document_parties.c.doc_id == doc_id))
            conn.execute(documents.delete().where(documents.c.id == doc_id))
            self.bump_generation(conn)
        return int(count)

    def set_followup_statuses(self, rows: Sequence[dict[str, Any]]) -> int:
        """Record people's follow-up statuses, all in one transaction (each replaces the key's last one).

        Each row: `doc_id, item_sha1, status, set_by, set_on` (YYYY-MM-DD), `note`, `source`, and the
        automatic reading it corrects (`auto_status, auto_evidence, auto_confidence`, optional);
        validated by `followup.human` before it gets here. Returns the number of rows written.
        """
        rows = list({(row["doc_id"], row["item_sha1"]): row for row in rows}.values())  # the last of a key wins
        with self.write() as conn:
            for row in rows:
                conn.execute(followup_status.delete().where(followup_status.c.doc_id == row["doc_id"],
                                                            followup_status.c.item_sha1 == row["item_sha1"]))
            if rows:
                conn.execute(followup_status.insert(), [dict(row) for row in rows])
        return len(rows)

    def clear_followup_status(self, doc_id: str, item_sha1: str) -> bool:
        """Remove a person's status (the automatic one shows again); False when there was none."""
        with self.write() as conn:
            result = conn.execute(followup_status.delete().where(followup_status.c.doc_id == doc_id,
                                                                 followup_status.c.item_sha1 == item_sha1))
        return bool(result.rowcount)


def _document_values(document: Document) -> dict[str, Any]:
    return {
        "id": document.id, "content_hash": document.content_hash,
        "source_path": document.source_path, "title": document.title, "date": document.date,
        "year": document.year, "place": document.place, "parties": join_parties(document.parties),
        "dyad": document.dyad, "mechanism": document.mechanism, "edition": document.edition,
        "lang": document.lang, "citation": document.citation,
        "excerpt_only": bool(document.excerpt_only), "page_starts": list(document.page_starts),
        "ingested_at": _now(), "kind": document.kind, "n_items": 0,
        "ocr_confidence": document.ocr_confidence,
    }


def _label_values(item: AgreementItem, model_version: str | None) -> list[dict[str, Any]]:
    """The label rows of one item (without item_id/doc_id), validated; none for an unlabelled item."""
    if not item.labels and not item.scores:
        return []
    if not model_version:
        raise InputError(f"item {item.n}", "labelled item has no model_version")
    try:
        assigned = set(validate_labels(item.labels)) if item.labels else set()
    except ValueError as exc:
        raise InputError(f"item {item.n}", str(exc)) from exc
    unknown = [axis for axis in item.scores if axis not in AXES]
    if unknown:
        raise InputError(f"item {item.n}", f"score for unknown axis {unknown[0]!r}")
    rows = [{"axis": axis, "score": None if item.scores.get(axis) is None else float(item.scores[axis]),
             "assigned": axis in assigned, "model_version": model_version} for axis in AXES]
    rows.append({"axis": OTHER, "score": None, "assigned": OTHER in assigned, "model_version": model_version})
    return rows
