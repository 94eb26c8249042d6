"""Does the database a URL names exist? Asked before a read-only command opens it.

Opening a SQLite URL creates the file, so a mistyped `--db` (`not-a-url`,
`sqlite:///tmp/x.db` meant as absolute, a folder that does not exist) would
answer "0 documents" without a word. Only `ingest` and `run` create a store;
every other entry point calls `require_existing` first.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from .engine import resolve_url


def sqlite_path(url: str | None) -> Path | None:
    """The absolute file a SQLite URL points at; None for PostgreSQL, memory and `file:` URIs."""
    parsed = resolve_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def require_existing(url: str | None) -> None:
    """StoreError naming the path tried when `url` names a SQLite file that does not exist.

    A PostgreSQL database that does not exist is refused by the server when it is opened.
    """
    path = sqlite_path(url)
    if path is None or path.is_file():
        return
    shown = url if url is not None else "the default store"
    hint = ""
    if url and str(url).startswith("sqlite:///") and not str(url).startswith("sqlite:////"):
        hint = f"; an absolute path takes four slashes: sqlite:///{path}"
    raise StoreError(f"no database at {path} (from {shown!r}): `declaraciones ingest` creates one{hint}")
