"""Translation twins as the queries see them: which member of each pair is left out of the
counts, the twin of a document, the pairs stored, the candidates of a new document."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..store import Store
from ..store.tables import documents, items, twins

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# `Filters.twins`: the language whose text a pair keeps (None: Spanish), or both counted.
DEFAULT_KEEP = "es"
BOTH = "both"


def kept_of(a: dict[str, Any], b: dict[str, Any], keep: str | None) -> str:
    """The id of the member of a pair that is counted: the one in `keep` (default Spanish) when
    exactly one is; otherwise the earlier dated, then the smaller id (so that the ingestion
    order never matters)."""
    keep = keep or DEFAULT_KEEP
    if (a["lang"] == keep) != (b["lang"] == keep):
        return a["id"] if a["lang"] == keep else b["id"]
    return min((a["date"] or "9999", a["id"]), (b["date"] or "9999", b["id"]))[1]


def _pairs(conn: Connection, where: Any = None) -> list[tuple[dict[str, Any], dict[str, Any], Any]]:
    a, b = documents.alias("twin_a"), documents.alias("twin_b")
    stmt = (sa.select(twins, a.c.lang.label("lang_a"), a.c.date.label("date_a"), a.c.title.label("title_a"),
                      b.c.lang.label("lang_b"), b.c.date.label("date_b"), b.c.title.label("title_b"))
            .select_from(twins.join(a, a.c.id == twins.c.doc_a).join(b, b.c.id == twins.c.doc_b)))
    if where is not None:
        stmt = stmt.where(where)
    out = []
    for row in conn.execute(stmt.order_by(twins.c.doc_a)).mappings():
        side = {key: {"id": row[f"doc_{key}"], "lang": row[f"lang_{key}"], "date": row[f"date_{key}"],
                      "title": row[f"title_{key}"]} for key in ("a", "b")}
        out.append((side["a"], side["b"], row))
    return out


def hidden_twins(conn: Connection, keep: str | None) -> list[str]:
    """Ids of the documents left out of the counts: the member of each pair that is not kept."""
    if keep == BOTH:
        return []
    hidden = []
    for a, b, _ in _pairs(conn):
        hidden.append(b["id"] if kept_of(a, b, keep) == a["id"] else a["id"])
    return hidden


def twin_of(conn: Connection, doc_id: str, keep: str | None = None) -> dict[str, Any] | None:
    """The translation of `doc_id` (id, title, lang, date), how it was found (method, score, the
    aligned item numbers as [n here, n there]) and which of the two is counted, or None."""
    found = _pairs(conn, sa.or_(twins.c.doc_a == doc_id, twins.c.doc_b == doc_id))
    if not found:
        return None
    a, b, row = found[0]
    mine, other = (a, b) if a["id"] == doc_id else (b, a)
    aligned = [list(pair) if mine is a else [pair[1], pair[0]] for pair in row["aligned"] or []]
    return {**other, "method": row["method"], "score": float(row["score"]), "aligned": aligned,
            "counted": kept_of(a, b, keep), "linked_at": row["linked_at"]}


def twin_pairs(store: Store, keep: str | None = None) -> pd.DataFrame:
    """One row per stored pair: both ids, titles and languages, the method, score and the id counted."""
    import pandas as pd  # on use: the counts import this module without pandas

    columns = ["doc_a", "lang_a", "title_a", "doc_b", "lang_b", "title_b", "method", "score", "counted"]
    with store.read() as conn:
        rows = [[a["id"], a["lang"], a["title"], b["id"], b["lang"], b["title"], row["method"],
                 float(row["score"]), kept_of(a, b, keep)] for a, b, row in _pairs(conn)]
    return pd.DataFrame(rows, columns=columns)


def twin_candidates(store: Store, doc_id: str, dyad: str, lang: str | None, day: str | None) -> list[dict[str, Any]]:
    """Stored documents that could be document `doc_id` in another language: same parties (same
    dyad code), another language, a date (days compared by the caller); each with its item
    texts in order and `linked_score`, the score of the pair it is already in (None if none)."""
    if not dyad or not day:
        return []
    d = documents.c
    stmt = (sa.select(d.id, d.lang, d.date, d.parties, d.title)
            .where(d.dyad == dyad, d.id != doc_id, d.date.is_not(None),
                   sa.or_(d.lang != lang, d.lang.is_(None)))
            .order_by(d.date, d.id))
    with store.read() as conn:
        found = [dict(row) for row in conn.execute(stmt).mappings()]
        for doc in found:
            doc["texts"] = conn.execute(sa.select(items.c.text).where(items.c.doc_id == doc["id"])
                                        .order_by(items.c.n)).scalars().all()
            doc["linked_score"] = conn.execute(sa.select(twins.c.score).where(
                sa.or_(twins.c.doc_a == doc["id"], twins.c.doc_b == doc["id"]))).scalar()
    return found


def stored_document(store: Store, doc_id: str) -> dict[str, Any] | None:
    """What twin detection needs of a stored document: id, dyad, parties, lang, date, item texts."""
    d = documents.c
    with store.read() as conn:
        row = conn.execute(sa.select(d.id, d.dyad, d.parties, d.lang, d.date).where(d.id == doc_id)).mappings().first()
        if row is None:
            return None
        texts = conn.execute(sa.select(items.c.text).where(items.c.doc_id == doc_id).order_by(items.c.n)).scalars()
        return {**row, "texts": list(texts)}


def unpaired_document_ids(store: Store) -> list[str]:
    """Ids of the dated documents in no pair, in the order they were ingested."""
    d = documents.c
    paired = sa.union(sa.select(twins.c.doc_a), sa.select(twins.c.doc_b))
    stmt = (sa.select(d.id).where(d.date.is_not(None), d.id.not_in(paired))
            .order_by(d.ingested_at, d.id))
    with store.read() as conn:
        return list(conn.execute(stmt).scalars())
