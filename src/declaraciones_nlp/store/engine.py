"""The connection to the store: URL, engine and pragmas, transactions, schema on open.

SQLite by default, PostgreSQL given a URL; SQLAlchemy Core only, so every value
reaches the database as a bound parameter. Driver errors become one-line
`StoreError`s. Opening creates the tables of an empty database, refuses a
foreign or newer one, and brings an older store up to `STORE_SCHEMA_VERSION`.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url

from .. import config
from ..errors import DeclaracionesError, StoreError
from ..text import split_parties
from .tables import (
    ADDED_IN,
    CREATED_IF_MISSING,
    STORE_SCHEMA_VERSION,
    TABLE_NAMES,
    document_parties,
    documents,
    metadata,
    schema_info,
)

_SCHEMA_LOCK_KEY = 0x6465636C  # PostgreSQL advisory lock held while the tables are created or upgraded
_SQLITE_PRAGMAS = ("busy_timeout = 30000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL",
                   "cache_size = -65536", "mmap_size = 268435456")


def first_line(exc: BaseException) -> str:
    """The first line of a driver error (or its type), for a one-line message."""
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


class Database:
    """An open store: its engine and transactions. Use as a context manager to close it."""

    def __init__(self, url: str | None = None) -> None:
        self._url = resolve_url(url)
        self.url = self._url.render_as_string(hide_password=True)
        self.backend = self._url.get_backend_name()
        self._engine = self._sqlite_engine() if self.backend == "sqlite" else self._postgres_engine()
        # Writes on SQLite start with BEGIN IMMEDIATE so two writers wait on the busy timeout.
        self._write_engine = self._engine.execution_options(declaraciones_write=True)
        try:
            self._open_schema()
        except BaseException:
            self._engine.dispose()
            raise

    # -- engines ----------------------------------------------------------
    def _sqlite_engine(self) -> sa.Engine:
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
            raise StoreError(f"cannot open database {self.url}: {first_line(exc)}") from exc

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised indirectly
            dbapi_conn.isolation_level = None  # transactions are begun below
            cursor = dbapi_conn.cursor()
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised indirectly
            write = conn.get_execution_options().get("declaraciones_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def _postgres_engine(self) -> sa.Engine:
        try:
            return sa.create_engine(self._url, connect_args={"connect_timeout": 10}, pool_pre_ping=True)
        except Exception as exc:
            raise StoreError(f"cannot open database {self.url}: {first_line(exc)}") from exc

    # -- transactions -----------------------------------------------------
    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors into a one-line StoreError."""
        try:
            yield
        except DeclaracionesError:
            raise
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"database {self.url}: {first_line(exc)}") from exc

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

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    # -- schema -----------------------------------------------------------
    def _open_schema(self) -> None:
        """Create the tables of an empty database; check (and upgrade) those of a store."""
        try:
            with self._engine.connect() as conn:
                names = set(sa.inspect(conn).get_table_names())
                version = conn.execute(sa.select(schema_info.c.version)).scalar() if "schema_info" in names else None
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot connect to database {self.url}: {first_line(exc)}") from exc
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open database {self.url}: {first_line(exc)}") from exc
        if "schema_info" not in names:
            if names:
                raise StoreError(f"database {self.url} holds other tables and no schema_info: "
                                 "not a declaraciones database")
            self._create_schema()
            return
        self._check_version(version)
        if version < STORE_SCHEMA_VERSION:
            self._upgrade_schema()
            names |= TABLE_NAMES
        if not TABLE_NAMES <= names:
            raise StoreError(f"database {self.url} is incomplete (missing {', '.join(sorted(TABLE_NAMES - names))})")
        if any(table.name not in names for table in CREATED_IF_MISSING):
            self._create_missing()

    def _create_missing(self) -> None:
        """Add the tables later features keep (the follow-up statuses) to a store made without them."""
        with self.write() as conn:
            self._locked(conn)
            for table in CREATED_IF_MISSING:
                table.create(conn, checkfirst=True)

    def _locked(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            # two first ingestions at once: the second waits here, then finds the tables made
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})

    def _create_schema(self) -> None:
        with self.write() as conn:
            self._locked(conn)
            metadata.create_all(conn)
            if conn.execute(sa.select(sa.func.count()).select_from(schema_info)).scalar_one() == 0:
                conn.execute(schema_info.insert().values(version=STORE_SCHEMA_VERSION))

    def _upgrade_schema(self) -> None:
        """Add to an older store the tables of later versions, filled from what it holds."""
        with self.write() as conn:
            self._locked(conn)
            version = conn.execute(sa.select(schema_info.c.version)).scalar_one()  # another process may have done it
            for step in range(version + 1, STORE_SCHEMA_VERSION + 1):
                for table in ADDED_IN.get(step, ()):
                    table.create(conn, checkfirst=True)
                if step == 2:
                    _fill_document_parties(conn)
            conn.execute(schema_info.update().values(version=STORE_SCHEMA_VERSION))

    def _check_version(self, version: Any) -> None:
        if isinstance(version, int) and 1 <= version <= STORE_SCHEMA_VERSION:
            return
        if isinstance(version, int) and version > STORE_SCHEMA_VERSION:
            raise StoreError(f"database {self.url} has schema version {version}, newer than this "
                             f"program's ({STORE_SCHEMA_VERSION}); upgrade declaraciones-nlp")
        raise StoreError(f"database {self.url} has an unknown schema version {version!r} "
                         f"(expected {STORE_SCHEMA_VERSION})")


def _fill_document_parties(conn: Connection) -> None:
    """One `document_parties` row per party of each stored document (schema version 2)."""
    rows = conn.execute(sa.select(documents.c.id, documents.c.parties)).all()
    values = [{"doc_id": doc_id, "party": party, "position": k}
              for doc_id, parties in rows for k, party in enumerate(dict.fromkeys(split_parties(parties)))]
    if values:
        conn.execute(document_parties.insert(), values)
