"""AgreementItems ↔ database: SQLite by default, PostgreSQL given a URL.

    tables.py   the tables and STORE_SCHEMA_VERSION
    engine.py   Database: URL, engine, transactions, schema created or upgraded on open
    writer.py   Store(Database): documents, items, labels and models saved, removed

The store only saves and loads; every question asked of it is in `query`.
"""
from __future__ import annotations

from .engine import Database, resolve_url
from .tables import STORE_SCHEMA_VERSION
from .writer import Store

__all__ = ["Database", "STORE_SCHEMA_VERSION", "Store", "resolve_url"]
