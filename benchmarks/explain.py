"""The plans of the main queries, as the library sends them, on a kept synthetic store.

Each question (freq, a first page of items, the capped count, search) is asked
through the library with the store's answer cache emptied; every SELECT it sends
is caught on the engine and explained with its own parameters: `EXPLAIN
(ANALYZE, BUFFERS)` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite. The output is
Markdown, for docs/performance.md.

    python -m benchmarks.explain [--db URL]      # default: the 1M-item SQLite bench store
"""
from __future__ import annotations

import argparse
import os
import re
from typing import Any, Callable

from sqlalchemy import event

from declaraciones_nlp.filters import Filters
from declaraciones_nlp.query import count_matching, freq, items, search
from declaraciones_nlp.store import Store

QUESTIONS: tuple[tuple[str, Callable[[Store], Any]], ...] = (
    ("freq --by axis --by year", lambda s: freq(s, ["axis", "year"])),
    ("freq --by axis --by year --country CO --since 2014",
     lambda s: freq(s, ["axis", "year"], Filters(country="CO", since=2014))),
    ("freq --by country", lambda s: freq(s, ["country"])),
    ("/items?country=PE: first page (200 items)", lambda s: items(s, Filters(country="PE"), limit=200)),
    ("/items?country=PE: capped count", lambda s: count_matching(s, Filters(country="PE"))),
    ("search 'mineria ilegal' --country CO --since 2014",
     lambda s: search(s, "mineria ilegal", Filters(country="CO", since=2014))),
)
_PARAM_RUN = re.compile(r"(?:(?:%\(\w+\)s|\?), ){4,}(?:%\(\w+\)s|\?)")  # a list of bound ids, shown as …
_ID_LIST = re.compile(r"\{\d+(?:,\d+){4,}\}")
_TRIVIAL = re.compile(r"FROM (models|store_state|schema_info)\b|^SELECT DISTINCT documents.mechanism", re.I)


def caught_selects(store: Store, ask: Callable[[Store], Any]) -> list[tuple[str, Any]]:
    """The SELECTs (with parameters) the library sends to answer `ask`, the trivial lookups left out."""
    sent: list[tuple[str, Any]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not _TRIVIAL.search(statement):
            sent.append((statement, parameters))

    engine = store._engine  # noqa: SLF001 - a measurement tool looks inside
    event.listen(engine, "before_cursor_execute", catch)
    try:
        store.clear_cache()
        ask(store)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    return sent


def plan(store: Store, statement: str, parameters: Any) -> list[str]:
    """The plan of one statement, as lines."""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if store.backend == "postgresql" else "EXPLAIN QUERY PLAN "
    with store.read() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    if store.backend == "postgresql":
        return [_ID_LIST.sub("{…}", row[0]) for row in rows]
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def markdown(db: str) -> str:
    out = []
    with Store(db) as store:
        counts = store.counts()
        load = os.getloadavg()[0]
        out.append(f"### {'PostgreSQL' if store.backend == 'postgresql' else 'SQLite'}, "
                   f"{counts['items']:,} items (load average {load:.2f})\n")
        for title, ask in QUESTIONS:
            out.append(f"**{title}**\n")
            for statement, parameters in caught_selects(store, ask):
                sql = _PARAM_RUN.sub("…", " ".join(statement.split()))
                out.append("```sql\n" + (sql if len(sql) <= 600 else sql[:600] + " …") + "\n```")
                out.append("```\n" + "\n".join(plan(store, statement, parameters)) + "\n```\n")
    return "\n".join(out)


def main() -> None:  # pragma: no cover - run by hand
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="store URL (default: the 1M-item SQLite bench store)")
    args = parser.parse_args()
    if args.db is None:
        from benchmarks.bench_store import N_ITEMS, kept_store

        args.db = kept_store(N_ITEMS)[0]
    print(markdown(args.db))


if __name__ == "__main__":  # pragma: no cover
    main()
