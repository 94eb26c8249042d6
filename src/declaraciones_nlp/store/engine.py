"""The connection to the store: URL, engine and pragmas, transactions, schema on open.

SQLite by default, PostgreSQL given a URL; SQLAlchemy Core only, so every value
reaches the database as a bound parameter. Driver errors become one-line
`StoreError`s. Opening creates the tables of an empty database, refuses a
foreign or newer one, and brings an older store up to `STORE_SCHEMA_VERSION`
(tables that need no new version, `tables.ON_OPEN`, are added when missing).

Connections come from a bounded pool (`config.db_pool_size()`, no overflow), so
the memory of a server is set by configuration, not by its number of threads.
Answers that only change when the store does are cached by `cached`, keyed on
the store's generation. A read made under `cancellable(token)` is interrupted
in the database when the token is cancelled (a web client that went away).
"""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url

from .. import config
from ..errors import Cancelled, DeclaracionesError, StoreError
from ..text import split_parties
from .summaries import refresh_summaries
from .tables import (
    ADDED_IN,
    COLUMNS_ADDED_IN,
    ON_OPEN,
    STORE_SCHEMA_VERSION,
    TABLE_NAMES,
    document_parties,
    documents,
    metadata,
    schema_info,
    store_state,
)

T = TypeVar("T")
_SCHEMA_LOCK_KEY = 0x6465636C  # PostgreSQL advisory lock held while the tables are created or upgraded
_CACHE_ENTRIES = 256


def _sqlite_pragmas() -> tuple[str, ...]:
    cache_kib, mmap_mib = config.sqlite_cache_kib(), config.sqlite_mmap_mib()
    return ("busy_timeout = 30000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL",
            f"cache_size = -{cache_kib}", f"mmap_size = {mmap_mib * 1024 * 1024}")


class CancelToken:
    """Cancels the database work of one request: the reads under it are interrupted in the database.

    It also remembers the generation each store had when the request first asked (`generations`),
    so a request that consults several cached answers reads `store_state` once.
    """

    def __init__(self) -> None:
        self.cancelled = False
        self.generations: dict[int, int] = {}
        self._lock = threading.Lock()
        self._running: set[Any] = set()  # DBAPI connections working for this token

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            running = list(self._running)
        for dbapi_conn in running:
            _interrupt(dbapi_conn)

    def _enter(self, dbapi_conn: Any) -> None:
        with self._lock:
            if self.cancelled:
                raise Cancelled("the request was abandoned")
            self._running.add(dbapi_conn)

    def _leave(self, dbapi_conn: Any) -> None:
        with self._lock:
            self._running.discard(dbapi_conn)


_current_token: ContextVar[CancelToken | None] = ContextVar("declaraciones_cancel_token", default=None)


@contextmanager
def cancellable(token: CancelToken) -> Iterator[CancelToken]:
    """Reads made inside (in this context, threads started from it included) stop when `token` is cancelled."""
    reset = _current_token.set(token)
    try:
        yield token
    finally:
        _current_token.reset(reset)


def _interrupt(dbapi_conn: Any) -> None:
    """Stop the statement running on a DBAPI connection (SQLite interrupt, PostgreSQL cancel)."""
    try:
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.interrupt()
        else:
            dbapi_conn.cancel()
    except Exception:  # noqa: BLE001 - the connection may have finished or closed meanwhile
        pass


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
        self._cache: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
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
        pool: dict[str, Any] = {}
        if database and database != ":memory:" and "mode=memory" not in database:
            pool = {"poolclass": sa.pool.QueuePool, "pool_size": config.db_pool_size(), "max_overflow": 0,
                    "pool_timeout": 60}
        try:
            engine = sa.create_engine(self._url, connect_args={"timeout": 30, "check_same_thread": False}, **pool)
        except Exception as exc:  # bad driver options in the URL
            raise StoreError(f"cannot open database {self.url}: {first_line(exc)}") from exc

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised indirectly
            dbapi_conn.isolation_level = None  # transactions are begun below
            cursor = dbapi_conn.cursor()
            for pragma in _sqlite_pragmas():
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised indirectly
            write = conn.get_execution_options().get("declaraciones_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def _postgres_engine(self) -> sa.Engine:
        try:
            return sa.create_engine(self._url, connect_args={"connect_timeout": 10}, pool_pre_ping=True,
                                    pool_size=config.db_pool_size(), max_overflow=0, pool_timeout=60)
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
        """A connection in a read transaction (interrupted if the current `CancelToken` is cancelled)."""
        token = _current_token.get()
        if token is not None and token.cancelled:
            raise Cancelled("the request was abandoned")
        with self._guard(), self._engine.begin() as conn:
            if token is None:
                yield conn
                return
            dbapi_conn = conn.connection.driver_connection
            token._enter(dbapi_conn)
            try:
                yield conn
            except StoreError as exc:
                if token.cancelled:
                    raise Cancelled("the request was abandoned") from exc
                raise
            finally:
                token._leave(dbapi_conn)

    @property
    def pool_checked_out(self) -> int:
        """Connections of the pool in use now (0 when every request has given its back)."""
        return int(getattr(self._engine.pool, "checkedout", lambda: 0)())

    # -- cache --------------------------------------------------------------
    def generation(self) -> int:
        """A number that grows with every change of what the store holds (read once per request
        made under a `CancelToken`)."""
        token = _current_token.get()
        if token is not None and id(self) in token.generations:
            return token.generations[id(self)]
        with self.read() as conn:
            value = int(conn.execute(sa.select(store_state.c.generation)).scalar() or 0)
        if token is not None:
            token.generations[id(self)] = value
        return value

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, or its answer from an earlier call with `key` if the store has not changed since.

        Callers must not change what they get back (DataFrames are handed out as copies by `query`).
        """
        generation = self.generation()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == generation:
                self._cache.move_to_end(key)
                return hit[1]
        value = compute()
        with self._cache_lock:
            self._cache[key] = (generation, value)
            self._cache.move_to_end(key)
            while len(self._cache) > _CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def clear_cache(self) -> None:
        """Forget every cached answer (the next calls ask the database; benchmarks time them so)."""
        with self._cache_lock:
            self._cache.clear()

    @staticmethod
    def bump_generation(conn: Connection) -> None:
        """Mark the store changed (inside the write transaction that changes it)."""
        conn.execute(store_state.update().values(generation=store_state.c.generation + 1))

    def optimize(self) -> None:
        """Refresh the planner's statistics after a bulk load (ANALYZE; VACUUM ANALYZE on PostgreSQL)."""
        with self._guard():
            if self.backend == "postgresql":
                with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM (ANALYZE)")
            else:  # in a transaction that commits (a bare connection would roll the statistics back)
                with self.write() as conn:
                    conn.exec_driver_sql("ANALYZE")

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
            self.optimize()  # the planner learns the sizes of the tables just filled
            names |= TABLE_NAMES
        if any(table.name not in names for table in ON_OPEN):
            self._create_on_open()
            names |= {table.name for table in ON_OPEN}
        if not TABLE_NAMES <= names:
            raise StoreError(f"database {self.url} is incomplete (missing {', '.join(sorted(TABLE_NAMES - names))})")

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
                conn.execute(store_state.insert().values(generation=0))

    def _create_on_open(self) -> None:
        """Add the tables that need no new schema version (`tables.ON_OPEN`); idempotent."""
        with self.write() as conn:
            self._locked(conn)
            for table in ON_OPEN:
                table.create(conn, checkfirst=True)

    def _upgrade_schema(self) -> None:
        """Add to an older store the tables of later versions, filled from what it holds."""
        with self.write() as conn:
            self._locked(conn)
            version = conn.execute(sa.select(schema_info.c.version)).scalar_one()  # another process may have done it
            for step in range(version + 1, STORE_SCHEMA_VERSION + 1):
                for table in ADDED_IN.get(step, ()):
                    if isinstance(table, sa.Index):
                        conn.execute(sa.schema.CreateIndex(table, if_not_exists=True))
                    else:
                        table.create(conn, checkfirst=True)
                if step == 2:
                    _fill_document_parties(conn)
                if step == 4:
                    conn.execute(store_state.insert().values(generation=0))
                for table, name in COLUMNS_ADDED_IN.get(step, ()):
                    present = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
                    if name not in present:
                        column = table.c[name]
                        kind = column.type.compile(dialect=conn.dialect)
                        conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN "{name}" {kind}'))
                if step == 6:  # after every column exists
                    refresh_summaries(conn)
            for table in ON_OPEN:
                table.create(conn, checkfirst=True)
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
