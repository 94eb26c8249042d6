"""Reviewers' corrections: stored, laid over the model's labels, and read back.

A correction is one reviewer's decision on one item (`corrections` table), kept
whole: who, when, which labels, which model version was corrected and what it
had said. The item's *reviewed labels* are those of its latest adjudication, or
else of its latest correction. They overwrite the item's rows in `labels` for
every model version (assigned as decided, score 1 or 0), so counts, exports,
the web page and the API show them without a query of their own; the model's
rows are first copied to `reviewed_labels`, where they stay queryable
(`model_labels`). A correction names its item by document, number and text
SHA-1, so it outlives removal and re-ingestion of the document and relabelling
by a new model: `Store.add_document` and `Store.set_labels` lay it over again.

    >>> add_correction(store, "3f2a9c1d0b7e4a55", 4, ["security"], reviewer="ana")
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import InputError, NotFoundError
from ..schema import AXES, LABELS, validate_labels
from .engine import Database
from .summaries import refresh_summaries
from .tables import corrections, documents, items, labels, models, reviewed_labels

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

MAX_REVIEWER_CHARS = 64
CORRECTION_COLUMNS = ("id", "doc_id", "n", "reviewer", "labels", "model_labels", "model_version",
                      "adjudicated", "created_at")


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def check_reviewer(reviewer: Any) -> str:
    """The reviewer's name, stripped; InputError when it is missing or too long."""
    name = reviewer.strip() if isinstance(reviewer, str) else ""
    if not name:
        raise InputError("reviewer", "the reviewer's name is required")
    if len(name) > MAX_REVIEWER_CHARS or any(ord(c) < 32 for c in name):
        raise InputError("reviewer", f"a name of at most {MAX_REVIEWER_CHARS} printable characters")
    return name


def check_labels(values: Any) -> tuple[str, ...]:
    """Labels of a correction in codebook order; InputError for anything else (an empty list included)."""
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise InputError("labels", "a list of axis ids")
    try:
        return validate_labels(list(values))
    except ValueError as exc:
        raise InputError("labels", str(exc)) from None


def add_correction(store: Database, doc_id: str, n: int, labels_: Sequence[str], reviewer: str,
                   adjudicate: bool = False) -> dict[str, Any]:
    """Record one reviewer's labels for stored item (doc_id, n) and lay them over the model's.

    One transaction: the correction is stored and shown everywhere, or neither.
    `adjudicate` marks a decision that settles a disagreement between reviewers.
    Returns the stored correction.
    """
    chosen, name = check_labels(labels_), check_reviewer(reviewer)
    doc_id, n = str(doc_id), int(n)  # numpy integers from a DataFrame are not SQL integers
    with store.write() as conn:
        found = conn.execute(sa.select(items.c.id, items.c.text)
                             .where(items.c.doc_id == doc_id, items.c.n == n)).first()
        if found is None:
            raise NotFoundError(f"item {n} of document {doc_id} is not stored")
        version = conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).scalar()
        before = _model_rows(conn, found.id, version) if version else {}
        row = {"doc_id": doc_id, "n": n, "text_sha1": text_sha1(found.text), "labels": list(chosen),
               "reviewer": name, "created_at": _now(), "model_version": version if before else None,
               "model_labels": [axis for axis in LABELS if before.get(axis, (None, False))[1]] if before else None,
               "adjudicated": bool(adjudicate)}
        row["id"] = conn.execute(corrections.insert().values(row)).inserted_primary_key[0]
        apply_corrections(conn, [doc_id])
        refresh_summaries(conn, [doc_id])  # the per-document counts follow the reviewed labels
        store.bump_generation(conn)  # cached counts and pages show the correction at once
    return row


def _model_rows(conn: Connection, item_id: int, version: str) -> dict[str, tuple[float | None, bool]]:
    """axis → (score, assigned) of the model `version` for one item (its kept rows if it was corrected)."""
    for table in (reviewed_labels, labels):
        rows = conn.execute(sa.select(table.c.axis, table.c.score, table.c.assigned)
                            .where(table.c.item_id == item_id, table.c.model_version == version)).all()
        if rows:
            return {axis: (score, bool(assigned)) for axis, score, assigned in rows}
    return {}


def _winners(rows: Iterable[Any]) -> dict[tuple[str, int], Any]:
    """(doc_id, n) → the correction that decides: the latest adjudication, else the latest correction."""
    out: dict[tuple[str, int], Any] = {}
    for row in sorted(rows, key=lambda r: r.id):
        key = (row.doc_id, row.n)
        if row.adjudicated or key not in out or not out[key].adjudicated:
            out[key] = row
    return out


def apply_corrections(conn: Connection, doc_ids: Iterable[str] | None = None) -> int:
    """Lay the reviewed labels over the label rows of the stored items they name (of `doc_ids`, or all).

    An item whose text no longer has the corrected SHA-1 is left to the model.
    Returns the number of items laid over. Called inside the caller's transaction.
    """
    stmt = sa.select(corrections)
    wanted = None if doc_ids is None else sorted(set(doc_ids))
    if wanted is not None:
        if not wanted:
            return 0
        stmt = stmt.where(corrections.c.doc_id.in_(wanted))
    winners = _winners(conn.execute(stmt).all())
    if not winners:
        return 0
    stored = conn.execute(sa.select(items.c.id, items.c.doc_id, items.c.n, items.c.text)
                          .where(items.c.doc_id.in_(sorted({doc for doc, _ in winners})))).all()
    applied = 0
    for item_id, doc_id, n, text in stored:
        winner = winners.get((doc_id, n))
        if winner is None or winner.text_sha1 != text_sha1(text):
            continue
        _overlay(conn, item_id, set(winner.labels))
        applied += 1
    return applied


def _overlay(conn: Connection, item_id: int, chosen: set[str]) -> None:
    versions = conn.execute(sa.select(labels.c.model_version).distinct()
                            .where(labels.c.item_id == item_id)).scalars().all()
    for version in versions:
        kept = conn.execute(sa.select(sa.func.count()).select_from(reviewed_labels).where(
            reviewed_labels.c.item_id == item_id, reviewed_labels.c.model_version == version)).scalar_one()
        if not kept:
            rows = conn.execute(sa.select(labels.c.axis, labels.c.score, labels.c.assigned).where(
                labels.c.item_id == item_id, labels.c.model_version == version)).all()
            conn.execute(reviewed_labels.insert(), [
                {"item_id": item_id, "model_version": version, "axis": axis, "score": score, "assigned": assigned}
                for axis, score, assigned in rows])
        for axis in LABELS:
            values: dict[str, Any] = {"assigned": axis in chosen}
            if axis in AXES:
                values["score"] = 1.0 if axis in chosen else 0.0
            conn.execute(labels.update().where(labels.c.item_id == item_id, labels.c.model_version == version,
                                               labels.c.axis == axis).values(**values))


def reviewed_item_ids(conn: Connection, version: str | None) -> set[int]:
    """Ids of the items whose labels under `version` are reviewed labels."""
    if version is None:
        return set()
    return set(conn.execute(sa.select(reviewed_labels.c.item_id).distinct()
                            .where(reviewed_labels.c.model_version == version)).scalars().all())


def model_labels(store: Database, doc_id: str, n: int, version: str | None = None) -> dict[str, Any]:
    """What the model (`version`, default the current one) said of an item, reviewed or not:
    `{"model_version", "labels", "scores", "reviewed"}`."""
    with store.read() as conn:
        version = version or conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).scalar()
        item_id = conn.execute(sa.select(items.c.id).where(items.c.doc_id == str(doc_id),
                                                           items.c.n == int(n))).scalar()
        if item_id is None:
            raise NotFoundError(f"item {n} of document {doc_id} is not stored")
        rows = _model_rows(conn, item_id, version) if version else {}
        reviewed = item_id in reviewed_item_ids(conn, version)
    return {"model_version": version if rows else None, "reviewed": reviewed,
            "labels": [axis for axis in LABELS if rows.get(axis, (None, False))[1]],
            "scores": {axis: rows[axis][0] for axis in AXES if axis in rows and rows[axis][0] is not None}}


def list_corrections(store: Database) -> pd.DataFrame:
    """Every stored correction, oldest first (CORRECTION_COLUMNS)."""
    import pandas as pd  # on use: every write imports this module, the CLI's counts without pandas

    with store.read() as conn:
        rows = conn.execute(sa.select(*(corrections.c[name] for name in CORRECTION_COLUMNS))
                            .order_by(corrections.c.id)).all()
    frame = pd.DataFrame(rows, columns=list(CORRECTION_COLUMNS))
    frame["adjudicated"] = frame["adjudicated"].astype(bool)
    return frame


def reviewed_items(store: Database) -> list[dict[str, Any]]:
    """The corrected items that are stored with the corrected text, with their reviewed labels:
    `{doc_id, n, text, lang, section, labels, reviewers, created_at, source_path, excerpt_only}`."""
    with store.read() as conn:
        rows = conn.execute(sa.select(corrections).order_by(corrections.c.id)).all()
        winners = _winners(rows)
        reviewers: dict[tuple[str, int], list[str]] = {}
        for row in rows:
            reviewers.setdefault((row.doc_id, row.n), [])
            if row.reviewer not in reviewers[(row.doc_id, row.n)]:
                reviewers[(row.doc_id, row.n)].append(row.reviewer)
        if not winners:
            return []
        stored = conn.execute(
            sa.select(items.c.doc_id, items.c.n, items.c.text, items.c.lang, items.c.section,
                      documents.c.source_path, documents.c.excerpt_only)
            .select_from(items.join(documents, documents.c.id == items.c.doc_id))
            .where(items.c.doc_id.in_(sorted({doc for doc, _ in winners})))
            .order_by(items.c.doc_id, items.c.n)).all()
    out = []
    for row in stored:
        winner = winners.get((row.doc_id, row.n))
        if winner is None or winner.text_sha1 != text_sha1(row.text):
            continue
        out.append({"doc_id": row.doc_id, "n": row.n, "text": row.text, "lang": row.lang, "section": row.section,
                    "labels": list(winner.labels), "reviewers": reviewers[(row.doc_id, row.n)],
                    "created_at": winner.created_at, "source_path": row.source_path,
                    "excerpt_only": bool(row.excerpt_only)})
    return out
