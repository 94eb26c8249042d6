"""How many items fall in each group: `freq`, counted in SQL.

Without item-level filters (act, lang, axis, min-score), counts read the
per-document summaries the store keeps (`label_counts`, `documents.n_items`):
axis × year counts read the covering index `ix_label_counts` alone (unless a
document-level condition applies, such as leaving out a translation twin), other
groupings join those per-document counts to `documents` (and `document_parties`
for countries) and re-group, and the total is a sum over documents. With
item-level filters, counts go per (axis, year, document) through the label
indexes first, so no query joins a million items unless an item-level filter or
an `act` grouping asks for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import FieldError
from ..filters import Filters
from ..schema import LABELS, OTHER
from ..store import Store
from ..store.tables import document_parties, documents, items, label_counts, labels
from .conditions import doc_conditions, item_conditions, reached, resolve_model, year_conditions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Group fields `freq` understands.
GROUP_FIELDS: tuple[str, ...] = ("axis", "dyad", "country", "year", "mechanism", "act")
_ITEM_FIELDS = ("axis", "act")  # grouped from the per-document counts, the rest from documents
_AXIS_ORDER = {label: k for k, label in enumerate(LABELS)}


@dataclass(frozen=True)
class FreqTable:
    """`freq`'s answer without pandas: `rows` of (*group values, items, share) in `columns` order
    (the share column named by `share_column`)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts (what `to_records(freq(...))` gives)."""
        return [dict(zip(self.columns, row)) for row in self.rows]


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
    import pandas as pd

    table = freq_table(store, by, filters, share_of)
    frame = pd.DataFrame(list(table.rows), columns=list(table.columns))
    frame["items"] = frame["items"].astype(int)
    column = table.columns[-1]
    frame[column] = frame[column].astype(float)
    if "year" in frame:
        frame["year"] = frame["year"].astype("Int64")
    frame.attrs["total"] = table.total
    return frame


def freq_table(store: Store, by: str | Sequence[str] = ("axis",), filters: Filters | None = None,
               share_of: str = "group") -> FreqTable:
    """`freq` as plain rows, sorted the same way (axes in `LABELS` order, missing values last), with
    the same share column (`share_column`).

    What the CLI prints: it needs neither pandas nor a DataFrame to do it.
    """
    fields = check_by(by)
    if share_of not in SHARE_OF:
        raise FieldError("share_of", f"must be 'group' or 'all', got {share_of!r}",
                         f"debe ser «group» o «all»; se recibió «{share_of}»")
    filters = filters or Filters()
    key = ("freq", tuple(fields), filters, share_of)
    return store.cached(key, lambda: _freq_table(store, fields, filters, share_of))


def _freq_table(store: Store, fields: list[str], filters: Filters, share_of: str) -> FreqTable:
    rows, total = count_items(store, fields, filters)
    rows = sorted(rows, key=lambda row: _sort_key(row, fields))
    column = share_column(fields, share_of)
    if column == "share":
        shares = [int(row[-1]) / total if total else 0.0 for row in rows]
    else:  # within the group: the row's items / the items of the rows with the same other fields
        others = [k for k, field in enumerate(fields) if field != "axis"]
        in_group: dict[tuple, int] = {}
        for row in rows:
            group = tuple(row[k] for k in others)
            in_group[group] = in_group.get(group, 0) + int(row[-1])
        shares = [int(row[-1]) / sums if (sums := in_group[tuple(row[k] for k in others)]) > 0 else 0.0
                  for row in rows]
    shaped = tuple((*row[:-1], int(row[-1]), share) for row, share in zip(rows, shares))
    return FreqTable(columns=(*fields, "items", column), rows=shaped, total=total)


def _sort_key(row: Sequence[Any], fields: list[str]) -> tuple:
    """Each group value in order, missing ones (and unknown axes) after the others."""
    key: list[Any] = []
    for field, value in zip(fields, row):
        if field == "axis":
            value = _AXIS_ORDER.get(value)
        key.extend((value is None, value if value is not None else 0))
    return tuple(key)


def count_items(store: Store, by: list[str], filters: Filters) -> tuple[list[tuple], int]:
    """`(rows, total)`: counts per group of `by` (tuples of the `by` values + items) and the size of
    the filtered set."""
    with store.read() as conn:
        version = resolve_model(conn, filters.model_version)
        doc_conds = doc_conditions(conn, filters)
        item_conds = item_conditions(filters, version)
        total = _count_total(conn, doc_conds, item_conds)
        if not by:
            return [(total,)], total
        if "axis" in by and version is None:
            rows: list[Any] = []
        elif not doc_conds and _label_index_suffices(by, filters, item_conds):
            group_cols = [label_counts.c[f] for f in by]
            stmt = (sa.select(*group_cols, sa.func.sum(label_counts.c["items"]).label("items"))
                    .where(label_counts.c.model_version == version, *year_conditions(filters, label_counts.c.year))
                    .group_by(*group_cols))
            rows = conn.execute(stmt).all()
        else:
            rows = _grouped_by_document(conn, by, version, filters, item_conds, doc_conds)
    return [tuple(row) for row in rows], total


def _label_index_suffices(by: list[str], filters: Filters, item_conds: list) -> bool:
    """True when the count needs nothing but `label_counts` (axis and year; year-only date filters)."""
    if "axis" not in by or not set(by) <= {"axis", "year"} or item_conds or filters.min_score is not None:
        return False
    if filters.country or filters.dyad or filters.doc_id or filters.mechanism:
        return False
    return all(bound is None or len(str(bound)) == 4 for bound in (filters.since, filters.until))


def _count_total(conn: Connection, doc_conds: list, item_conds: list) -> int:
    if not item_conds:  # the documents' item counts: one row per document, not per item
        stmt = sa.select(sa.func.coalesce(sa.func.sum(documents.c.n_items), 0)).where(*doc_conds)
        return int(conn.execute(stmt).scalar_one())
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


def _summary_per_document(by: list[str], version: str | None, doc_conds: list) -> Any:
    """The per-document counts as the summaries hold them (`label_counts`, `documents.n_items`)."""
    if "axis" not in by:
        return sa.select(documents.c.id.label("doc_id"), documents.c.n_items.label("cnt")).subquery("per_doc")
    stmt = sa.select(label_counts.c.doc_id, label_counts.c.axis, label_counts.c["items"].label("cnt")).where(
        label_counts.c.model_version == version)
    if doc_conds:
        stmt = stmt.where(label_counts.c.doc_id.in_(sa.select(documents.c.id).where(*doc_conds)))
    return stmt.subquery("per_doc")


def _per_document(by: list[str], version: str | None, filters: Filters, item_conds: list,
                  doc_conds: list) -> Any:
    """A subquery of counts per document (and axis, act when grouped by them), item filters applied."""
    with_act = "act" in by
    if not item_conds and filters.min_score is None and not with_act:
        return _summary_per_document(by, version, doc_conds)
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
