"""`Filters` turned into SQL, once, for every read: WHERE clauses on documents and items.

Document-level filters (country, dyad, years, mechanism, document, and the member of
each translation pair left out of the counts) are clauses on
`documents`; item-level ones (act, language, axis) on `items`, or on another
table's item id when a count must not join a million items.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import FieldError
from ..filters import Filters
from ..schema import OTHER
from ..store.tables import document_parties, documents, items, labels, models
from ..text import fold
from .twins import hidden_twins


def like_pattern(term: str) -> str:
    """`term` escaped for `LIKE ... ESCAPE '\\'` and wrapped in `%`."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def resolve_model(conn: Connection, requested: str | None) -> str | None:
    """`requested` if it is stored (else InputError), or the current model (None when there is none)."""
    if requested is None:
        return conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).scalar()
    found = conn.execute(sa.select(models.c.version).where(models.c.version == requested)).scalar()
    if found is None:
        stored = conn.execute(sa.select(models.c.version).order_by(models.c.version)).scalars().all()
        raise FieldError("model_version", f"unknown model version {requested!r} "
                                            f"(stored: {', '.join(stored) or 'none'})")
    return found


def mechanisms_matching(conn: Connection, text: str) -> list[str]:
    """Stored mechanism names containing `text` (case- and accent-insensitive)."""
    wanted = fold(text)
    names = conn.execute(sa.select(documents.c.mechanism).distinct()
                         .where(documents.c.mechanism.is_not(None))).scalars().all()
    return [name for name in names if wanted in fold(name)]


def doc_conditions(conn: Connection, filters: Filters, per_item: bool = False) -> list:
    """WHERE clauses on `documents` for the document-level filters (the country as a lookup per
    document with `per_item`, for a page read in document order)."""
    d = documents
    conds: list = []
    if filters.country and per_item:
        conds.append(sa.exists().where(document_parties.c.doc_id == d.c.id,
                                       document_parties.c.party == filters.country))
    elif filters.country:
        conds.append(d.c.id.in_(sa.select(document_parties.c.doc_id)
                                .where(document_parties.c.party == filters.country)))
    if filters.dyad:
        conds.append(d.c.dyad == filters.dyad)
    if filters.doc_id:
        conds.append(d.c.id == filters.doc_id)
    else:  # a declaration stored in two languages counts once
        hidden = hidden_twins(conn, filters.twins)
        if hidden:
            conds.append(d.c.id.not_in(hidden))
    for bound, compare in ((filters.since, lambda a, b: a >= b), (filters.until, lambda a, b: a <= b)):
        if bound is None:
            continue
        bound = str(bound)
        if len(bound) == 4:
            conds.append(compare(d.c.year, int(bound)))
        else:
            conds.append(compare(sa.func.substr(d.c.date, 1, len(bound)), bound))
    if filters.mechanism:
        names = mechanisms_matching(conn, filters.mechanism)
        conds.append(d.c.mechanism.in_(names) if names else sa.false())
    return conds


def item_conditions(filters: Filters, model_version: str | None, item_id: Any = None,
                    per_item: bool = False) -> list:
    """WHERE clauses for the item-level filters (act, lang, axis).

    On `items` columns by default; given another table's item id column
    (e.g. `labels.c.item_id`), as `IN (SELECT items.id ...)` so no join is needed.
    `per_item` asks for the axis as a lookup per item (EXISTS) rather than a list
    of every matching item: the right shape when a page stops after a few items.
    """
    conds: list = []
    own = [items.c.act == filters.act] if filters.act else []
    if filters.lang:
        own.append(items.c.lang == filters.lang)
    if own and item_id is not None:
        conds.append(item_id.in_(sa.select(items.c.id).where(*own)))
    else:
        conds.extend(own)
    if filters.axis:
        conds.append(axis_condition(items.c.id if item_id is None else item_id, filters.axis,
                                    model_version, filters.min_score, per_item))
    return conds


def year_conditions(filters: Filters, column: Any) -> list:
    """The years of `since`/`until` as clauses on a year column."""
    conds = []
    if filters.since is not None:
        conds.append(column >= int(str(filters.since)[:4]))
    if filters.until is not None:
        conds.append(column <= int(str(filters.until)[:4]))
    return conds


def axis_condition(item_id: Any, axis: str, model_version: str | None, min_score: float | None,
                   per_item: bool = False) -> Any:
    """SQL condition: the item carries `axis` under `model_version` (assigned, or score ≥ min_score)."""
    if model_version is None:
        return sa.false()
    lab = labels.alias("axis_labels")  # never correlated with an outer `labels`

    def having(*conds: Any) -> Any:
        if per_item:
            return sa.exists().where(lab.c.item_id == item_id, lab.c.model_version == model_version, *conds)
        return item_id.in_(sa.select(lab.c.item_id).where(lab.c.model_version == model_version, *conds))

    if min_score is None:
        return having(lab.c.axis == axis, lab.c.assigned == sa.true())
    if axis != OTHER:
        return having(lab.c.axis == axis, lab.c.score >= min_score)
    if per_item:
        other = labels.alias("reached_labels")
        none_reached = ~sa.exists().where(other.c.item_id == item_id, other.c.model_version == model_version,
                                          other.c.axis != OTHER, other.c.score >= min_score)
        return sa.and_(having(lab.c.axis == OTHER), none_reached)
    return sa.and_(having(lab.c.axis == OTHER), item_id.not_in(reached(model_version, min_score)))


def reached(model_version: str, min_score: float) -> sa.Select:
    """Item ids with at least one axis score ≥ min_score."""
    lab = labels.alias("reached_labels")
    return sa.select(lab.c.item_id).where(lab.c.model_version == model_version, lab.c.axis != OTHER,
                                          lab.c.score >= min_score)
