"""The tables of the store and its schema version (docs/ARCHITECTURE.md, "store").

`labels` carries copies of its item's `doc_id` and the document's `year` so that
grouped counts pre-aggregate per document from one covering index
(`ix_labels_count`) instead of joining a million items. `document_parties` holds
each document's parties one per row, so that a country filter reads an index.
`store_state.generation` grows with every change of what the store holds; cached
answers are keyed on it. `label_counts` (assigned labels per model, axis and
document) and `documents.n_items` are summaries kept by every write, so grouped
counts and totals read one row per document instead of one per item. The two `ix_documents_order_*` indexes give the order
of item lists (by date, undated last), so one page is read without sorting them all.
"""
from __future__ import annotations

import sqlalchemy as sa

# 1: documents, items, labels, models. 2: document_parties (added at open to a version-1 store).
# 3: corrections and reviewed_labels (the reviewers' labels, added at open to an older store).
# 4: store_state and the list-order indexes on documents.
# 5: documents.kind (declaration items or a report in prose; added, empty, to an older store).
# 6: label_counts and documents.n_items (per-document summaries, filled from the labels on upgrade).
# 7: documents.ocr_confidence (mean word confidence of a text read by OCR; empty in an older store).
STORE_SCHEMA_VERSION = 7

# Sort keys of item lists: the date with undated documents last, oldest or newest first.
UNDATED_LAST_ASC = "~"
UNDATED_LAST_DESC = ""

metadata = sa.MetaData()

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("content_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("source_path", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("date", sa.String(10)),
    sa.Column("year", sa.Integer),
    sa.Column("place", sa.Text),
    sa.Column("parties", sa.String(64), nullable=False, default=""),  # as written: "PE,US"
    sa.Column("dyad", sa.String(64), nullable=False, default=""),
    sa.Column("mechanism", sa.Text),
    sa.Column("edition", sa.Text),
    sa.Column("lang", sa.String(8)),
    sa.Column("citation", sa.Text),
    sa.Column("excerpt_only", sa.Boolean, nullable=False, default=False),
    sa.Column("page_starts", sa.JSON),
    sa.Column("ingested_at", sa.String(32)),
    sa.Column("kind", sa.String(16)),
    sa.Column("n_items", sa.Integer),  # how many items the document holds (a summary: totals read it)
    sa.Column("ocr_confidence", sa.Float),  # 0–100 when the text was read by OCR, else NULL
    sa.Index("ix_documents_year", "year"),
    sa.Index("ix_documents_dyad", "dyad"),
)


def document_order_key(newest_first: bool = False) -> sa.ColumnElement:
    """The date of `documents` with undated documents sorting last in either direction (an index key)."""
    fill = UNDATED_LAST_DESC if newest_first else UNDATED_LAST_ASC
    return sa.func.coalesce(documents.c.date, sa.literal_column(f"'{fill}'"))


ORDER_INDEXES = (sa.Index("ix_documents_order_asc", document_order_key(False), documents.c.id),
                 sa.Index("ix_documents_order_desc", document_order_key(True), documents.c.id))

# One row per document and party, in the document's order (`position`).
document_parties = sa.Table(
    "document_parties", metadata,
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("party", sa.String(8), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("doc_id", "party", name="pk_document_parties"),
    sa.Index("ix_document_parties_party", "party", "doc_id"),
)

items = sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_folded", sa.Text, nullable=False),
    sa.Column("section", sa.Text),
    sa.Column("page", sa.Integer),
    sa.Column("start", sa.Integer),
    sa.Column("end", sa.Integer),
    sa.Column("lang", sa.String(8)),
    sa.Column("verb", sa.Text),
    sa.Column("act", sa.String(32)),
    sa.UniqueConstraint("doc_id", "n", name="uq_items_doc_n"),
)

models = sa.Table(
    "models", metadata,
    sa.Column("version", sa.String(128), primary_key=True),
    sa.Column("created_at", sa.String(32)),
    sa.Column("metrics", sa.JSON),
    sa.Column("current", sa.Boolean, nullable=False, default=False),
)

# One row per item × label: the score (NULL for `other`) and whether it was assigned.
labels = sa.Table(
    "labels", metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("axis", sa.String(16), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("assigned", sa.Boolean, nullable=False),
    sa.Column("model_version", sa.String(128), sa.ForeignKey("models.version"), nullable=False),
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("year", sa.Integer),
    sa.PrimaryKeyConstraint("item_id", "model_version", "axis", name="pk_labels"),
    # axis × year counts (and per-document counts in axis, year order) read this index alone
    sa.Index("ix_labels_count", "model_version", "assigned", "axis", "year", "doc_id"),
    # counts over a few documents (country, dyad, mechanism filters), min-score counts, removal
    sa.Index("ix_labels_doc", "doc_id", "model_version", "axis", "assigned", "score"),
    sqlite_with_rowid=False,
)

# Summary of `labels`: the number of items of a document assigned each axis under a model.
# Axis × year counts read `ix_label_counts` alone (one entry per document, not per item).
label_counts = sa.Table(
    "label_counts", metadata,
    sa.Column("model_version", sa.String(128), nullable=False),
    sa.Column("axis", sa.String(16), nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("items", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("doc_id", "model_version", "axis", name="pk_label_counts"),
    sa.Index("ix_label_counts", "model_version", "axis", "year", "doc_id", "items"),
    sqlite_with_rowid=False,
)

# One row per reviewer's decision on an item, kept whole (store/corrections.py). Keyed by the item's
# document, number and text SHA-1, not its row id, so that a correction outlives removal and re-ingestion.
corrections = sa.Table(
    "corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("text_sha1", sa.String(40), nullable=False),
    sa.Column("labels", sa.JSON, nullable=False),
    sa.Column("reviewer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("model_version", sa.String(128)),  # the version whose labels were corrected
    sa.Column("model_labels", sa.JSON),  # what that version had assigned
    sa.Column("adjudicated", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_corrections_item", "doc_id", "n"),
)

# The model's own label rows of a corrected item, kept when `labels` is overwritten with the human ones.
reviewed_labels = sa.Table(
    "reviewed_labels", metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("model_version", sa.String(128), nullable=False),
    sa.Column("axis", sa.String(16), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("assigned", sa.Boolean, nullable=False),
    sa.PrimaryKeyConstraint("item_id", "model_version", "axis", name="pk_reviewed_labels"),
)

# Translation twins (`twins.py`): one row per pair, `doc_a` < `doc_b`; a document is in one pair at
# most. Created when a store is opened if missing, without a new schema version (an older program
# reading the store ignores it and counts both documents).
twins = sa.Table(
    "twins", metadata,
    sa.Column("doc_a", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("doc_b", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),  # encoder or ngrams
    sa.Column("score", sa.Float, nullable=False),  # share of the shorter document's items aligned
    sa.Column("aligned", sa.JSON),  # [[n in doc_a, n in doc_b], ...]
    sa.Column("linked_at", sa.String(32)),
    sa.PrimaryKeyConstraint("doc_a", "doc_b", name="pk_twins"),
    sa.UniqueConstraint("doc_a", name="uq_twins_a"),
    sa.UniqueConstraint("doc_b", name="uq_twins_b"),
)

schema_info = sa.Table("schema_info", metadata, sa.Column("version", sa.Integer, nullable=False))

# One row: bumped by every write that changes an answer (ingestion, relabelling, removal, models).
store_state = sa.Table("store_state", metadata, sa.Column("generation", sa.Integer, nullable=False))

# The follow-up register's statuses set by people (docs/followup.md). Keyed by the commitment's
# document id (the SHA-256 prefix of its text) and the SHA-1 of the item's folded text, not by
# item rows, so that a status survives removal, re-ingestion and relabelling of its document.
followup_status = sa.Table(
    "followup_status", metadata,
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("item_sha1", sa.String(40), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("set_by", sa.Text, nullable=False),
    sa.Column("set_on", sa.String(10), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("source", sa.String(16), nullable=False, default="web"),  # web, cli, csv
    # what the automatic reading said when the person set the status: status, evidence (doc#n), confidence
    sa.Column("auto_status", sa.String(16)),
    sa.Column("auto_evidence", sa.String(80)),
    sa.Column("auto_confidence", sa.Float),
    sa.PrimaryKeyConstraint("doc_id", "item_sha1", name="pk_followup_status"),
)

TABLE_NAMES: frozenset[str] = frozenset(table.name for table in metadata.sorted_tables)
# What each schema version added, to bring an older store up to date when it is opened.
ADDED_IN: dict[int, tuple[sa.Table | sa.Index, ...]] = {
    2: (document_parties,),
    3: (corrections, reviewed_labels),
    4: (store_state, *ORDER_INDEXES),
    6: (label_counts,),
}
# Columns each schema version added to an existing table: (table, column).
COLUMNS_ADDED_IN: dict[int, tuple[tuple[sa.Table, str], ...]] = {
    5: ((documents, "kind"),), 6: ((documents, "n_items"),), 7: ((documents, "ocr_confidence"),)}
# Tables created on open when missing, whatever the version (no data to fill them from).
ON_OPEN: tuple[sa.Table, ...] = (twins, followup_status)
