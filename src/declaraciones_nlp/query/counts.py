"""How many items fall in each group: `freq`, counted in SQL.

Axis × year counts read the covering index `ix_labels_count` alone. Other
groupings first count per (axis, year, document) in index order, then join
`documents` (and `document_parties` for countries) and re-group, so no query
joins a million items unless an item-level filter (act, lang, axis) or an `act`
grouping asks for it.
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import FieldError
from ..filters import Filters
from ..schema import LABELS, OTHER
from ..store import Store
from ..store.tables import document_parties, documents, items, labels
from .conditions import doc_conditions, item_conditions, reached, resolve_model, year_conditions

# Group fields `freq` understands.
GROUP_FIELDS: tuple[str, ...] = ("axis", "dyad", "country", "year", "mechanism", "act")
_ITEM_FIELDS = ("axis", "act")  # grouped from the per-document counts, the rest from documents


def check_by(by: str | Sequence[str] | None) -> list[str]:
    """The group fields as a list, or InputError for an unknown or repeated one."""
    fields = [by] if isinstance(by, str) else list(by or [])
    for field in fields:
        if field not in GROUP_FIELDS:
            raise FieldError("by", f"unknown field {field!r} (known: {', '.join(GROUP_FIELDS)})",
                             f"campo desconocido «{field}» (válidos: {', '.join(GROUP_FIELDS)})")
    if len(set(fields)) != len(fields):
        raise FieldError("by", "a field is given twice")
    return fields


SHARE_OF: tuple[str, ...] = ("group", "all")


def share_column(by: Sequence[str], share_of: str = "group") -> str:
    """The name of `freq`'s share column: `share_in_dyad` for `by=[dyad, axis]`, else `share`."""
    others = [field for field in by if field != "axis"]
    if share_of == "group" and "axis" in by and others:
        return "share_in_" + "_".join(others)
    return "share"


def freq(store: Store, by: str | Sequence[str] = ("axis",), filters: Filters | None = None,
         share_of: str = "group") -> pd.DataFrame:
    """Item counts grouped by `by` (any of axis, dyad, country, year, mechanism, act).

    Columns: the group fields, `items` and a share. Grouped by axis and other
    fields (`by=["dyad", "axis"]`), the share is within the group by default:
    `share_in_dyad` = the pair's items on the axis / the pair's axis labels, so
    a pair's shares add up to 1, as its bar in the web chart. `share_of="all"`
    gives `share` of the whole filtered set instead, as below.

    `share` = items in the group / number of distinct items in the filtered set
    (all items passing `filters`, labelled or not). Grouping by `axis`, an item
    counts once for each of its axes (the assigned labels, or with
    `filters.min_score` every axis whose score is ≥ it, `other` when none is),
    so shares across axes add up to more than 1 when items carry several axes.
    Grouping by `country`, an item counts once for each party of its document.
    `frame.attrs["total"]` holds the size of the filtered set. Answers are cached
    until the store changes (its generation).
    """
    fields = check_by(by)
    if share_of not in SHARE_OF:
        raise FieldError("share_of", f"must be 'group' or 'all', got {share_of!r}",
                         f"debe ser «group» o «all»; se recibió «{share_of}»")
    filters = filters or Filters()
    key = ("freq", tuple(fields), filters, share_of)
    return store.cached(key, lambda: _freq(store, fields, filters, share_of)).copy()


def _freq(store: Store, fields: list[str], filters: Filters, share_of: str) -> pd.DataFrame:
    frame, total = count_items(store, fields, filters)
    frame["items"] = frame["items"].astype(int)
    column = share_column(fields, share_of)
    if column == "share":
        frame["share"] = frame["items"] / total if total else 0.0
    else:
        others = [field for field in fields if field != "axis"]
        in_group = frame.groupby(others, dropna=False)["items"].transform("sum")
        frame[column] = (frame["items"] / in_group.where(in_group > 0)).fillna(0.0)
    if "year" in frame:
        frame["year"] = frame["year"].astype("Int64")
    frame = _sort(frame, fields)
    frame.attrs["total"] = total
    return frame


def _sort(frame: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    if not fields or frame.empty:
        return frame.reset_index(drop=True)
    keys = {field: frame[field].map({label: k for k, label in enumerate(LABELS)}) if field == "axis"
            else frame[field] for field in fields}
    order = pd.DataFrame(keys).sort_values(fields, na_position="last", kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def count_items(store: Store, by: list[str], filters: Filters) -> tuple[pd.DataFrame, int]:
    """`(frame, total)`: counts per group of `by` (columns `by` + `items`) and the size of the filtered set."""
    with store.read() as conn:
        version = resolve_model(conn, filters.model_version)
        doc_conds = doc_conditions(conn, filters)
        item_conds = item_conditions(filters, version)
        total = _count_total(conn, doc_conds, item_conds)
        if not by:
            return pd.DataFrame({"items": [total]}), total
        if "axis" in by and version is None:
            rows: list[Any] = []
        elif not doc_conds and _label_index_suffices(by, filters, item_conds):
            group_cols = [labels.c[f] for f in by]
            stmt = (sa.select(*group_cols, sa.func.count().label("items"))
                    .where(labels.c.model_version == version, labels.c.assigned == sa.true(),
                           *year_conditions(filters, labels.c.year))
                    .group_by(*group_cols))
            rows = conn.execute(stmt).all()
        else:
            rows = _grouped_by_document(conn, by, version, filters, item_conds, doc_conds)
    return pd.DataFrame(rows, columns=[*by, "items"]), total


def _label_index_suffices(by: list[str], filters: Filters, item_conds: list) -> bool:
    """True when the count needs nothing but `labels` (axis and year; year-only date filters)."""
    if "axis" not in by or not set(by) <= {"axis", "year"} or item_conds or filters.min_score is not None:
        return False
    if filters.country or filters.dyad or filters.doc_id or filters.mechanism:
        return False
    return all(bound is None or len(str(bound)) == 4 for bound in (filters.since, filters.until))


def _count_total(conn: Connection, doc_conds: list, item_conds: list) -> int:
    stmt = sa.select(sa.func.count()).select_from(items)
    if doc_conds:
        stmt = stmt.where(items.c.doc_id.in_(sa.select(documents.c.id).where(*doc_conds)))
    return int(conn.execute(stmt.where(*item_conds)).scalar_one())


def _grouped_by_document(conn: Connection, by: list[str], version: str | None, filters: Filters,
                         item_conds: list, doc_conds: list) -> list[Any]:
    """Per-document counts joined to their documents (and parties) and grouped by `by`."""
    inner = _per_document(by, version, filters, item_conds, doc_conds)
    source = inner.join(documents, documents.c.id == inner.c.doc_id)
    if "country" in by:  # a document without parties still counts, under no country
        source = source.outerjoin(document_parties, document_parties.c.doc_id == documents.c.id)
    group_cols = [inner.c[f] if f in _ITEM_FIELDS
                  else document_parties.c.party if f == "country" else documents.c[f] for f in by]
    stmt = (sa.select(*group_cols, sa.func.sum(inner.c.cnt).label("items"))
            .select_from(source).where(*doc_conds).group_by(*group_cols))
    return conn.execute(stmt).all()


def _per_document(by: list[str], version: str | None, filters: Filters, item_conds: list,
                  doc_conds: list) -> Any:
    """A subquery of counts per document (and axis, act when grouped by them), item filters applied."""
    with_act = "act" in by
    if "axis" not in by:
        cols = [items.c.doc_id] + ([items.c.act] if with_act else [])
        stmt = sa.select(*cols, sa.func.count().label("cnt")).where(*item_conds)
        if doc_conds:
            stmt = stmt.where(items.c.doc_id.in_(sa.select(documents.c.id).where(*doc_conds)))
        return stmt.group_by(*cols).subquery("per_doc")
    min_score = filters.min_score
    source = labels.join(items, items.c.id == labels.c.item_id) if with_act else labels
    if not with_act:  # filter by item id instead of joining a million items
        item_conds = item_conditions(filters, version, item_id=labels.c.item_id)
    # Grouping in index order lets SQLite aggregate while it scans: (doc_id, axis) follows
    # ix_labels_doc (a few documents, or scores), (axis, year, doc_id) follows ix_labels_count.
    by_doc = bool(doc_conds) or min_score is not None
    keys = [labels.c.doc_id, labels.c.axis] if by_doc else [labels.c.axis, labels.c.year, labels.c.doc_id]
    cols = keys + ([items.c.act] if with_act else [])
    where = [labels.c.model_version == version, *item_conds]
    if doc_conds:
        where.append(labels.c.doc_id.in_(sa.select(documents.c.id).where(*doc_conds)))
    if min_score is None:
        return (sa.select(*cols, sa.func.count().label("cnt")).select_from(source)
                .where(*where, labels.c.assigned == sa.true())
                .group_by(*cols).subquery("per_doc"))
    # min-score mode: axes reaching the threshold, plus `other` for labelled items reaching none
    axis_rows = (sa.select(*cols, sa.func.count().label("cnt")).select_from(source)
                 .where(*where, labels.c.axis != OTHER, labels.c.score >= min_score)
                 .group_by(*cols))
    other_cols = [sa.literal(OTHER, sa.String(16)).label("axis") if c is labels.c.axis else c for c in cols]
    other_rows = (sa.select(*other_cols, sa.func.count().label("cnt")).select_from(source)
                  .where(*where, labels.c.axis == OTHER, labels.c.item_id.not_in(reached(version, min_score)))
                  .group_by(*[c for c in cols if c is not labels.c.axis]))
    return sa.union_all(axis_rows, other_rows).subquery("per_doc")
