"""AgreementItems ↔ database: SQLite by default, PostgreSQL given a URL.

    >>> store = Store("corpus/processed/declaraciones.db")     # or "postgresql://user@host/db"
    >>> store.add_document(document, items)                    # whole or nothing
    True
    >>> store.items(filters)                                   # the item DataFrame

SQLAlchemy Core only: every value reaches the database as a bound parameter.
The schema is versioned (`schema_info`) and created on first use. Tables follow
docs/ARCHITECTURE.md; `labels` also carries a copy of its item's `doc_id` so
that grouped counts pre-aggregate per document from one covering index
(`ix_labels_count`) instead of joining a million items.

Filters are duck-typed: any object with the attributes of `query.Filters`
(already validated) or None for everything.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url

from . import config
from .errors import DeclaracionesError, InputError, NotFoundError, StoreError
from .schema import AXES, LABELS, OTHER, AgreementItem, Document, validate_labels

STORE_SCHEMA_VERSION = 1
_SCHEMA_LOCK_KEY = 0x6465636C  # PostgreSQL advisory lock held while the tables are created

# Fields of the item DataFrame contract, in order (the label columns follow).
ITEM_COLUMNS: tuple[str, ...] = (
    "doc_id", "n", "text", "section", "page", "start", "end", "lang", "verb", "act",
    "title", "date", "year", "place", "parties", "dyad", "mechanism", "edition",
    "model_version", "labels",
)
SCORE_COLUMNS: tuple[str, ...] = tuple(f"score_{axis}" for axis in AXES)
# Group fields `count_items` understands; `country` is grouped by `parties`.
GROUP_FIELDS: tuple[str, ...] = ("axis", "dyad", "country", "year", "mechanism", "act")

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
    sa.Column("parties", sa.String(64), nullable=False, default=""),
    sa.Column("dyad", sa.String(64), nullable=False, default=""),
    sa.Column("mechanism", sa.Text),
    sa.Column("edition", sa.Text),
    sa.Column("lang", sa.String(8)),
    sa.Column("citation", sa.Text),
    sa.Column("excerpt_only", sa.Boolean, nullable=False, default=False),
    sa.Column("page_starts", sa.JSON),
    sa.Column("ingested_at", sa.String(32)),
    sa.Index("ix_documents_year", "year"),
    sa.Index("ix_documents_dyad", "dyad"),
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
    # copies of the item's doc_id and the document's year, so grouped counts read one index
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("year", sa.Integer),
    sa.PrimaryKeyConstraint("item_id", "model_version", "axis", name="pk_labels"),
    # axis × year counts (and per-document counts in axis, year order) read this index alone
    sa.Index("ix_labels_count", "model_version", "assigned", "axis", "year", "doc_id"),
    # counts over a few documents (country, dyad, mechanism filters), min-score counts, removal
    sa.Index("ix_labels_doc", "doc_id", "model_version", "axis", "assigned", "score"),
    sqlite_with_rowid=False,
)

schema_info = sa.Table("schema_info", metadata, sa.Column("version", sa.Integer, nullable=False))

_TABLE_NAMES = {table.name for table in metadata.sorted_tables}
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_text(text: str) -> str:
    """Lower-case, accents stripped, whitespace collapsed: `"Minería  Ilegal"` → `"mineria ilegal"`."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return " ".join(folded.split())


def like_pattern(term: str) -> str:
    """`term` escaped for `LIKE ... ESCAPE '\\'` and wrapped in `%`."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


def resolve_url(url: str | None) -> URL:
    """A SQLAlchemy URL from a URL, a bare SQLite path or None (the configured default)."""
    raw = config.default_db_url() if url is None else str(url).strip()
    if not raw:
        raise StoreError("empty database URL")
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser()))
    try:
        parsed = make_url(raw)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"not a database URL: {raw!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {parsed.drivername!r} (use sqlite:///path or postgresql://...)")
    return parsed


def _get(filters: Any, name: str) -> Any:
    return getattr(filters, name, None) if filters is not None else None


def _insert_if_absent(conn: Connection, table: sa.Table):
    """An INSERT that does nothing when a row with the same key exists (or is being written);
    the store speaks only these two dialects (`resolve_url`)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


class Store:
    """The corpus database. Open with a URL or path; use as a context manager to close it."""

    def __init__(self, url: str | None = None) -> None:
        self._url = resolve_url(url)
        self.url = self._url.render_as_string(hide_password=True)
        self.backend = self._url.get_backend_name()
        self._engine = self._create_engine()
        # Writes on SQLite start with BEGIN IMMEDIATE so two writers wait on the busy timeout.
        self._write_engine = self._engine.execution_options(declaraciones_write=True)
        try:
            self._init_schema()
        except BaseException:
            self._engine.dispose()
            raise

    # -- connection -------------------------------------------------------
    def _create_engine(self) -> sa.Engine:
        if self.backend == "sqlite":
            database = self._url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                path = Path(database)
                if path.is_dir():
                    raise StoreError(f"cannot open database {self.url}: it is a folder")
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create the folder of {path}: {exc.strerror}") from exc
            try:
                engine = sa.create_engine(self._url, connect_args={"timeout": 30})
            except Exception as exc:  # bad driver options in the URL
                raise StoreError(f"cannot open database {self.url}: {_first_line(exc)}") from exc

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised indirectly
                dbapi_conn.isolation_level = None  # transactions are begun below
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA busy_timeout = 30000")
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA cache_size = -65536")
                cursor.execute("PRAGMA mmap_size = 268435456")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn):  # pragma: no cover - exercised indirectly
                write = conn.get_execution_options().get("declaraciones_write")
                conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

            return engine
        try:
            return sa.create_engine(self._url, connect_args={"connect_timeout": 10}, pool_pre_ping=True)
        except Exception as exc:
            raise StoreError(f"cannot open database {self.url}: {_first_line(exc)}") from exc

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors into a one-line StoreError."""
        try:
            yield
        except DeclaracionesError:
            raise
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"database {self.url}: {_first_line(exc)}") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        with self._guard(), self._engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction: committed whole or rolled back."""
        with self._guard(), self._write_engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def _init_schema(self) -> None:
        try:
            with self._engine.connect() as conn:
                names = set(sa.inspect(conn).get_table_names())
                version = self._stored_version(conn) if "schema_info" in names else None
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot connect to database {self.url}: {_first_line(exc)}") from exc
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open database {self.url}: {_first_line(exc)}") from exc
        if "schema_info" in names:
            self._check_version(version)
            if not _TABLE_NAMES <= names:
                raise StoreError(f"database {self.url} is incomplete (missing {', '.join(sorted(_TABLE_NAMES - names))})")
            return
        if names:
            raise StoreError(f"database {self.url} holds other tables and no schema_info: not a declaraciones database")
        with self.write() as conn:
            if conn.dialect.name == "postgresql":
                # two first ingestions at once: the second waits here, then finds the tables made
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            metadata.create_all(conn)
            if conn.execute(sa.select(sa.func.count()).select_from(schema_info)).scalar_one() == 0:
                conn.execute(schema_info.insert().values(version=STORE_SCHEMA_VERSION))

    @staticmethod
    def _stored_version(conn: Connection) -> Any:
        return conn.execute(sa.select(schema_info.c.version)).scalar()

    def _check_version(self, version: Any) -> None:
        if version == STORE_SCHEMA_VERSION:
            return
        if isinstance(version, int) and version > STORE_SCHEMA_VERSION:
            raise StoreError(f"database {self.url} has schema version {version}, newer than this "
                             f"program's ({STORE_SCHEMA_VERSION}); upgrade declaraciones-nlp")
        raise StoreError(f"database {self.url} has an unknown schema version {version!r} "
                         f"(expected {STORE_SCHEMA_VERSION})")

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

    def models(self) -> pd.DataFrame:
        """Registered model versions: version, created_at, metrics, current."""
        with self.read() as conn:
            rows = conn.execute(sa.select(models).order_by(models.c.created_at, models.c.version)).mappings().all()
        return pd.DataFrame([dict(row) for row in rows], columns=["version", "created_at", "metrics", "current"])

    def current_model(self) -> str | None:
        with self.read() as conn:
            return conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).scalar()

    def resolve_model(self, conn: Connection, requested: str | None) -> str | None:
        """`requested` if it is stored (else InputError), or the current model (None when there is none)."""
        if requested is None:
            return conn.execute(sa.select(models.c.version).where(models.c.current.is_(True))).scalar()
        found = conn.execute(sa.select(models.c.version).where(models.c.version == requested)).scalar()
        if found is None:
            stored = conn.execute(sa.select(models.c.version).order_by(models.c.version)).scalars().all()
            raise InputError("--model-version", f"unknown model version {requested!r} "
                                                f"(stored: {', '.join(stored) or 'none'})")
        return found

    # -- writing ----------------------------------------------------------
    def has_document(self, content_hash: str) -> str | None:
        """The id of the stored document with this content hash, or None."""
        with self.read() as conn:
            return conn.execute(sa.select(documents.c.id)
                                .where(documents.c.content_hash == content_hash)).scalar()

    def add_document(self, document: Document, items: Sequence[AgreementItem]) -> bool:
        """Store a document with its items and their labels in one transaction.

        Returns False (and stores nothing) when a document with the same content
        hash is already stored. Labelled items need a `model_version`; an unknown
        version is registered (and made current when no model is current yet).
        """
        label_rows = [self._label_values(item, item.model_version) for item in items]
        for item in items:
            if item.doc_id != document.id:
                raise InputError(document.source_path or document.id,
                                 f"item {item.n} belongs to document {item.doc_id}, not {document.id}")
        try:
            with self.write() as conn:
                found = conn.execute(sa.select(documents.c.id)
                                     .where(documents.c.content_hash == document.content_hash)).first()
                if found is not None:
                    return False
                conn.execute(documents.insert().values(self._document_values(document)))
                if items:
                    self._insert_items(conn, document.id, items)
                    self._insert_labels(conn, document.id, document.year, items, label_rows)
        except StoreError as exc:
            if isinstance(exc.__cause__, sa.exc.IntegrityError) and self.has_document(document.content_hash):
                return False  # another writer stored it first
            raise
        return True

    @staticmethod
    def _document_values(document: Document) -> dict[str, Any]:
        return {
            "id": document.id, "content_hash": document.content_hash,
            "source_path": document.source_path, "title": document.title, "date": document.date,
            "year": document.year, "place": document.place, "parties": ",".join(document.parties),
            "dyad": document.dyad, "mechanism": document.mechanism, "edition": document.edition,
            "lang": document.lang, "citation": document.citation,
            "excerpt_only": bool(document.excerpt_only), "page_starts": list(document.page_starts),
            "ingested_at": _now(),
        }

    @staticmethod
    def _insert_items(conn: Connection, doc_id: str, batch: Sequence[AgreementItem]) -> None:
        conn.execute(items.insert(), [
            {"doc_id": doc_id, "n": item.n, "text": item.text, "text_folded": fold_text(item.text),
             "section": item.section, "page": item.page, "start": item.start, "end": item.end,
             "lang": item.lang, "verb": item.verb, "act": item.act}
            for item in batch
        ])

    @staticmethod
    def _label_values(item: AgreementItem, model_version: str | None) -> list[dict[str, Any]]:
        """The label rows of one item (without item_id/doc_id), validated."""
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
            prepared.append((item, self._label_values(item, version) or
                             self._label_values(_with_other(item), version)))
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
                conn.execute(labels.delete().where(labels.c.item_id == item_id,
                                                   labels.c.model_version == version))
                conn.execute(labels.insert(), [dict(row, item_id=item_id, doc_id=item.doc_id, year=year)
                                               for row in rows])
        return len(prepared)

    def remove(self, doc_id: str) -> int:
        """Remove a document with its items and labels; returns the number of items removed."""
        with self.write() as conn:
            if conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is None:
                raise NotFoundError(f"document {doc_id!r} is not stored")
            count = conn.execute(sa.select(sa.func.count()).select_from(items)
                                 .where(items.c.doc_id == doc_id)).scalar_one()
            conn.execute(labels.delete().where(labels.c.doc_id == doc_id))
            conn.execute(items.delete().where(items.c.doc_id == doc_id))
            conn.execute(documents.delete().where(documents.c.id == doc_id))
        return int(count)

    # -- reading ----------------------------------------------------------
    def documents(self) -> pd.DataFrame:
        """One row per stored document with its metadata and item count, by date."""
        counts = (sa.select(items.c.doc_id, sa.func.count().label("items"))
                  .group_by(items.c.doc_id).subquery())
        cols = [documents.c.id, documents.c.title, documents.c.date, documents.c.year, documents.c.place,
                documents.c.parties, documents.c.dyad, documents.c.mechanism, documents.c.edition,
                documents.c.lang, documents.c.source_path, documents.c.content_hash, documents.c.ingested_at]
        stmt = (sa.select(*cols, sa.func.coalesce(counts.c["items"], 0).label("items"))
                .select_from(documents.outerjoin(counts, counts.c.doc_id == documents.c.id))
                .order_by(documents.c.date.asc().nulls_last(), documents.c.id))
        with self.read() as conn:
            rows = conn.execute(stmt).mappings().all()
        frame = pd.DataFrame([dict(row) for row in rows], columns=[c.name for c in cols] + ["items"])
        frame["year"] = frame["year"].astype("Int64")
        frame["items"] = frame["items"].astype(int)
        return frame

    def document(self, doc_id: str, model_version: str | None = None) -> dict[str, Any]:
        """A document's metadata with `items`: a list of item dicts with their labels."""
        with self.read() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"document {doc_id!r} is not stored")
        data = dict(row)
        data["parties"] = [p for p in (data["parties"] or "").split(",") if p]
        data["excerpt_only"] = bool(data["excerpt_only"])
        frame = self.items(_DocFilter(doc_id, model_version))
        data["items"] = [_plain(record) for record in frame.to_dict(orient="records")]
        return data

    def counts(self) -> dict[str, int]:
        """Numbers of documents, items and label rows stored."""
        with self.read() as conn:
            return {name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                    for name, table in (("documents", documents), ("items", items), ("labels", labels))}

    # -- filters as SQL ---------------------------------------------------
    def mechanisms_matching(self, conn: Connection, text: str) -> list[str]:
        """Stored mechanism names containing `text` (case- and accent-insensitive)."""
        wanted = fold_text(text)
        names = conn.execute(sa.select(documents.c.mechanism).distinct()
                             .where(documents.c.mechanism.is_not(None))).scalars().all()
        return [name for name in names if wanted in fold_text(name)]

    def doc_conditions(self, conn: Connection, filters: Any) -> list:
        """WHERE clauses on `documents` for the document-level filters."""
        d = documents
        conds: list = []
        country = _get(filters, "country")
        if country:
            padded = sa.literal(",") + d.c.parties + sa.literal(",")
            conds.append(padded.like(like_pattern(f",{country},"), escape="\\"))
        if _get(filters, "dyad"):
            conds.append(d.c.dyad == filters.dyad)
        if _get(filters, "doc_id"):
            conds.append(d.c.id == filters.doc_id)
        for name, compare in (("since", lambda a, b: a >= b), ("until", lambda a, b: a <= b)):
            bound = _get(filters, name)
            if bound is None:
                continue
            bound = str(bound)
            if len(bound) == 4:
                conds.append(compare(d.c.year, int(bound)))
            else:
                conds.append(compare(sa.func.substr(d.c.date, 1, len(bound)), bound))
        if _get(filters, "mechanism"):
            names = self.mechanisms_matching(conn, filters.mechanism)
            conds.append(d.c.mechanism.in_(names) if names else sa.false())
        return conds

    @staticmethod
    def item_conditions(filters: Any, model_version: str | None, item_id: Any = None) -> list:
        """WHERE clauses for the item-level filters (act, lang, axis).

        On `items` columns by default; given another table's item id column
        (e.g. `labels.c.item_id`), as `IN (SELECT items.id ...)` so no join is needed.
        """
        conds: list = []
        own = [items.c.act == filters.act] if _get(filters, "act") else []
        if _get(filters, "lang"):
            own.append(items.c.lang == filters.lang)
        if own and item_id is not None:
            conds.append(item_id.in_(sa.select(items.c.id).where(*own)))
        else:
            conds.extend(own)
        if _get(filters, "axis"):
            conds.append(axis_condition(items.c.id if item_id is None else item_id, filters.axis,
                                        model_version, _get(filters, "min_score")))
        return conds

    def _filtered_items(self, conn: Connection, filters: Any, model_version: str | None) -> sa.Select:
        """SELECT items.id of the items that pass the filters."""
        conds = self.doc_conditions(conn, filters) + self.item_conditions(filters, model_version)
        return (sa.select(items.c.id).select_from(items.join(documents, documents.c.id == items.c.doc_id))
                .where(*conds))

    # -- the item DataFrame ----------------------------------------------
    def items(self, filters: Any = None) -> pd.DataFrame:
        """The item DataFrame (docs/ARCHITECTURE.md) of the items passing `filters`.

        Label columns come from `filters.model_version` (default: the current
        model). With `filters.min_score`, an axis column is 1 when its score is
        ≥ min_score and `other` is 1 when no axis reaches it.
        """
        with self.read() as conn:
            version = self.resolve_model(conn, _get(filters, "model_version"))
            conds = self.doc_conditions(conn, filters) + self.item_conditions(filters, version)
            cols = [items.c.id, items.c.doc_id, items.c.n, items.c.text, items.c.section, items.c.page,
                    items.c.start, items.c.end, items.c.lang, items.c.verb, items.c.act,
                    documents.c.title, documents.c.date, documents.c.year, documents.c.place,
                    documents.c.parties, documents.c.dyad, documents.c.mechanism, documents.c.edition]
            stmt = (sa.select(*cols).select_from(items.join(documents, documents.c.id == items.c.doc_id))
                    .where(*conds).order_by(documents.c.date.asc().nulls_last(), items.c.doc_id, items.c.n))
            frame = pd.DataFrame(conn.execute(stmt).all(), columns=[c.name for c in cols])
            label_frame = self._labels_of(conn, frame["id"].tolist(), version, conds)
        return self._assemble(frame, label_frame, version, _get(filters, "min_score"))

    def _labels_of(self, conn: Connection, ids: list[int], version: str | None, conds: list) -> pd.DataFrame:
        columns = ["item_id", "axis", "score", "assigned"]
        if version is None or not ids:
            return pd.DataFrame(columns=columns)
        base = sa.select(labels.c.item_id, labels.c.axis, labels.c.score, labels.c.assigned)
        if len(ids) <= 500:
            stmt = base.where(labels.c.model_version == version, labels.c.item_id.in_(ids))
        else:
            stmt = (base.select_from(labels.join(items, items.c.id == labels.c.item_id)
                                     .join(documents, documents.c.id == items.c.doc_id))
                    .where(labels.c.model_version == version, *conds))
        return pd.DataFrame(conn.execute(stmt).all(), columns=columns)

    @staticmethod
    def _label_columns(ids: pd.Series, label_frame: pd.DataFrame, version: str | None,
                       min_score: float | None) -> dict[str, Any]:
        """Per item (in `ids` order): `labelled`, `model_version`, `labels`, 0/1 flags and scores."""
        n_rows = len(ids)
        if len(label_frame):
            scores = label_frame.pivot(index="item_id", columns="axis", values="score")
            assigned = label_frame.pivot(index="item_id", columns="axis", values="assigned")
            labelled = ids.isin(label_frame["item_id"]).to_numpy()
        else:
            scores = assigned = pd.DataFrame()
            labelled = np.zeros(n_rows, dtype=bool)
        out: dict[str, Any] = {}
        for axis in AXES:
            column = scores[axis].reindex(ids) if axis in scores else pd.Series(np.nan, index=ids)
            out[f"score_{axis}"] = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        for label in LABELS:
            if min_score is not None and label == OTHER:
                reached = np.zeros(n_rows, dtype=bool)
                for axis in AXES:
                    reached |= out[f"score_{axis}"] >= min_score
                out[label] = (~reached & labelled).astype(int)
            elif min_score is not None:
                out[label] = (out[f"score_{label}"] >= min_score).astype(int)
            else:
                column = assigned[label].reindex(ids) if label in assigned else pd.Series(0, index=ids)
                out[label] = column.fillna(0).astype(int).to_numpy()
        out["model_version"] = [version if flag else None for flag in labelled]
        out["labels"] = [[label for label in LABELS if out[label][k]] for k in range(n_rows)]
        return out

    def _assemble(self, frame: pd.DataFrame, label_frame: pd.DataFrame, version: str | None,
                  min_score: float | None) -> pd.DataFrame:
        columns = self._label_columns(frame["id"], label_frame, version, min_score)
        out = frame.drop(columns=["id"])
        out["year"] = out["year"].astype("Int64")
        for name in ("model_version", "labels", *LABELS, *SCORE_COLUMNS):
            out[name] = columns[name]
        return out[list(ITEM_COLUMNS) + list(LABELS) + list(SCORE_COLUMNS)].reset_index(drop=True)

    # -- grouped counts and search ----------------------------------------
    def count_items(self, by: Sequence[str], filters: Any = None) -> tuple[pd.DataFrame, int]:
        """Item counts grouped in SQL by `by` (fields of GROUP_FIELDS) and the size of the filtered set.

        Returns `(frame, total)`: `frame` has the group fields (`parties` in place
        of `country`, which `query.freq` expands) and `items`. With `axis` in
        `by`, an item counts once per assigned axis (or per axis whose score is ≥
        `filters.min_score`; `other` then means no axis reaches it).

        Axis × year counts read the covering index `ix_labels_count` alone.
        Other groupings first count per (axis, year, document) in index order,
        then join `documents` and re-group, so no query joins a million items
        unless an item-level filter (act, lang, axis) or `act` grouping asks for it.
        """
        by = list(by)
        min_score = _get(filters, "min_score")
        with self.read() as conn:
            version = self.resolve_model(conn, _get(filters, "model_version"))
            doc_conds = self.doc_conditions(conn, filters)
            item_conds = self.item_conditions(filters, version)
            total = self._count_total(conn, doc_conds, item_conds)
            if not by:
                return pd.DataFrame({"items": [total]}), total
            if "axis" in by and version is None:
                rows, names = [], [_group_column(f) for f in by]
            elif self._label_index_suffices(by, filters, item_conds, min_score):
                group_cols = [labels.c[f] for f in ("axis", "year") if f in by]
                stmt = (sa.select(*group_cols, sa.func.count().label("items"))
                        .where(labels.c.model_version == version, labels.c.assigned == True,  # noqa: E712
                               *self._year_conditions(filters, labels.c.year))
                        .group_by(*group_cols))
                rows, names = conn.execute(stmt).all(), [c.name for c in group_cols]
            else:
                inner = self._per_document(by, version, filters, item_conds, doc_conds)
                doc_cols = [documents.c[_group_column(f)] for f in by if f not in ("axis", "act")]
                inner_cols = [inner.c[f] for f in by if f in ("axis", "act")]
                group_cols = doc_cols + inner_cols
                stmt = (sa.select(*group_cols, sa.func.sum(inner.c.cnt).label("items"))
                        .select_from(inner.join(documents, documents.c.id == inner.c.doc_id))
                        .where(*doc_conds).group_by(*group_cols))
                rows, names = conn.execute(stmt).all(), [c.name for c in group_cols]
        frame = pd.DataFrame(rows, columns=names + ["items"])
        frame = frame[[_group_column(f) for f in by] + ["items"]]
        frame["items"] = frame["items"].astype(int)
        return frame, total

    @staticmethod
    def _label_index_suffices(by: list[str], filters: Any, item_conds: list, min_score: float | None) -> bool:
        """True when the count needs nothing but `labels` (axis and year; year-only date filters)."""
        if "axis" not in by or not set(by) <= {"axis", "year"} or item_conds or min_score is not None:
            return False
        if any(_get(filters, name) for name in ("country", "dyad", "doc_id", "mechanism")):
            return False
        return all(_get(filters, name) is None or len(str(_get(filters, name))) == 4
                   for name in ("since", "until"))

    @staticmethod
    def _year_conditions(filters: Any, column: Any) -> list:
        conds = []
        if _get(filters, "since") is not None:
            conds.append(column >= int(str(filters.since)[:4]))
        if _get(filters, "until") is not None:
            conds.append(column <= int(str(filters.until)[:4]))
        return conds

    def _count_total(self, conn: Connection, doc_conds: list, item_conds: list) -> int:
        stmt = sa.select(sa.func.count()).select_from(items)
        if doc_conds:
            docs = sa.select(documents.c.id).where(*doc_conds)
            stmt = stmt.where(items.c.doc_id.in_(docs))
        return int(conn.execute(stmt.where(*item_conds)).scalar_one())

    @staticmethod
    def _per_document(by: list[str], version: str | None, filters: Any,
                      item_conds: list, doc_conds: list) -> Any:
        """A subquery of counts per document (and axis, act when grouped by them), item filters applied."""
        with_act = "act" in by
        if "axis" not in by:
            cols = [items.c.doc_id] + ([items.c.act] if with_act else [])
            stmt = sa.select(*cols, sa.func.count().label("cnt")).where(*item_conds)
            if doc_conds:
                stmt = stmt.where(items.c.doc_id.in_(sa.select(documents.c.id).where(*doc_conds)))
            return stmt.group_by(*cols).subquery("per_doc")
        min_score = _get(filters, "min_score")
        source = labels.join(items, items.c.id == labels.c.item_id) if with_act else labels
        if not with_act:  # filter by item id instead of joining a million items
            item_conds = Store.item_conditions(filters, version, item_id=labels.c.item_id)
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
                    .where(*where, labels.c.assigned == True)  # noqa: E712
                    .group_by(*cols).subquery("per_doc"))
        # min-score mode: axes reaching the threshold, plus `other` for labelled items reaching none
        axis_rows = (sa.select(*cols, sa.func.count().label("cnt")).select_from(source)
                     .where(*where, labels.c.axis != OTHER, labels.c.score >= min_score)
                     .group_by(*cols))
        reached = _reached(version, min_score)
        other_cols = [sa.literal(OTHER, sa.String(16)).label("axis") if c is labels.c.axis else c for c in cols]
        other_rows = (sa.select(*other_cols, sa.func.count().label("cnt")).select_from(source)
                      .where(*where, labels.c.axis == OTHER, labels.c.item_id.not_in(reached))
                      .group_by(*[c for c in cols if c is not labels.c.axis]))
        return sa.union_all(axis_rows, other_rows).subquery("per_doc")

    def search_items(self, terms: Sequence[str], filters: Any = None, limit: int | None = 50) -> pd.DataFrame:
        """Items whose folded text contains every folded term, newest documents first."""
        with self.read() as conn:
            version = self.resolve_model(conn, _get(filters, "model_version"))
            conds = self.doc_conditions(conn, filters) + self.item_conditions(filters, version)
            conds += [items.c.text_folded.like(like_pattern(fold_text(term)), escape="\\") for term in terms]
            cols = [items.c.id, items.c.doc_id, items.c.n, documents.c.title, documents.c.date,
                    documents.c.parties, documents.c.dyad, documents.c.mechanism, items.c.page,
                    items.c.section, items.c.text]
            stmt = (sa.select(*cols).select_from(items.join(documents, documents.c.id == items.c.doc_id))
                    .where(*conds).order_by(documents.c.date.desc().nulls_last(), items.c.doc_id, items.c.n))
            if limit is not None:
                stmt = stmt.limit(limit)
            frame = pd.DataFrame(conn.execute(stmt).all(), columns=[c.name for c in cols])
            label_frame = self._labels_of(conn, frame["id"].tolist(), version, conds)
        columns = self._label_columns(frame["id"], label_frame, version, _get(filters, "min_score"))
        frame = frame.drop(columns=["id"])
        frame["labels"] = columns["labels"]
        frame["model_version"] = columns["model_version"]
        return frame


def axis_condition(item_id: Any, axis: str, model_version: str | None, min_score: float | None) -> Any:
    """SQL condition: the item carries `axis` under `model_version` (assigned, or score ≥ min_score)."""
    if model_version is None:
        return sa.false()
    lab = labels.alias("axis_labels")  # never correlated with an outer `labels`
    if min_score is None:
        return item_id.in_(sa.select(lab.c.item_id).where(
            lab.c.model_version == model_version, lab.c.axis == axis, lab.c.assigned == True))  # noqa: E712
    if axis != OTHER:
        return item_id.in_(sa.select(lab.c.item_id).where(
            lab.c.model_version == model_version, lab.c.axis == axis, lab.c.score >= min_score))
    return sa.and_(item_id.in_(sa.select(lab.c.item_id).where(lab.c.model_version == model_version,
                                                              lab.c.axis == OTHER)),
                   item_id.not_in(_reached(model_version, min_score)))


def _reached(model_version: str, min_score: float) -> sa.Select:
    """Item ids with at least one axis score ≥ min_score."""
    lab = labels.alias("reached_labels")
    return sa.select(lab.c.item_id).where(lab.c.model_version == model_version, lab.c.axis != OTHER,
                                          lab.c.score >= min_score)


def _group_column(field: str) -> str:
    return "parties" if field == "country" else field


def _with_other(item: AgreementItem) -> AgreementItem:
    """An unlabelled item relabelled as `other` (set_labels never stores an empty label set)."""
    from dataclasses import replace

    return replace(item, labels=(OTHER,))


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A DataFrame record with NaN/NA turned into None and numpy scalars into Python ones."""
    out = {}
    for key, value in record.items():
        if isinstance(value, list):
            out[key] = value
        elif value is None or (not isinstance(value, str) and pd.isna(value)):
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out


class _DocFilter:
    """The filters of one document (for `Store.document`)."""

    def __init__(self, doc_id: str, model_version: str | None) -> None:
        self.doc_id = doc_id
        self.model_version = model_version

