"""Storage and query benchmarks: insert rate, grouped count and search over 1,000,000 items.

`run()` returns rows `{"name", "value", "unit"}` and prints nothing. The
million-item SQLite database is synthetic, built in a temporary folder with
bulk inserts of the rows SQLAlchemy compiles for the store's own tables (the
label indexes are built after the rows, as a bulk load would; on PostgreSQL the
rows go in with COPY, then VACUUM ANALYZE).

With `DECLARACIONES_BENCH_PG` (a PostgreSQL URL whose user may create
databases), the same figures are measured on PostgreSQL at 1M and 5M items, in
databases `<name>_1m` and `<name>_5m` built on first use and kept. Sizes:
`DECLARACIONES_BENCH_SIZES` (default `1000000,5000000`; SQLite 5M is built in
/tmp too). By hand:

    python -m benchmarks.bench_store [--db URL] [--items 5000000] [--keep]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from declaraciones_nlp.filters import Filters
from declaraciones_nlp.query import freq, search
from declaraciones_nlp.schema import AXES, LABELS, OTHER, AgreementItem, Document
from declaraciones_nlp.store import Store, tables as store_mod
from declaraciones_nlp.store.summaries import refresh_summaries
from declaraciones_nlp.text import fold as fold_text

N_ITEMS = 1_000_000
ITEMS_PER_DOC = 50
MODEL = "bench-v1"
PARTIES = ["PE", "CO", "BO", "EC", "CL", "BR", "US", "AR", "MX", "EU"]
WORDS = ("fortalecer cooperación seguridad frontera comercio inversión turismo minería ilegal "
         "narcotráfico migración ambiente cambio climático agua cuenca gobernanza inclusión social "
         "educación salud energía interconexión puerto carretera aduana integración desarrollo "
         "pueblos indígenas amazonía pesca contrabando trata personas armas lavado activos").split()


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 28))).capitalize() + "."


def _labels(rng: random.Random) -> tuple[tuple[str, ...], dict[str, float]]:
    chosen = tuple(axis for axis in AXES if rng.random() < 0.25)
    scores = {axis: (0.5 + rng.random() / 2 if axis in chosen else rng.random() / 2) for axis in AXES}
    return (chosen or (OTHER,)), scores


def build_synthetic(db: str | Path, n_items: int = N_ITEMS, seed: int = 7) -> None:
    """A store (SQLite path or URL, PostgreSQL URL) of `n_items` synthetic labelled items (50 per document)."""
    rng = random.Random(seed)
    with Store(str(db)) as store:
        store.register_model(MODEL, {"synthetic": True})
        indexes = sorted(store_mod.labels.indexes, key=lambda ix: ix.name)
        with store.write() as conn:
            for index in indexes:
                index.drop(conn)
        item_id = 0
        n_docs = n_items // ITEMS_PER_DOC
        for first in range(0, n_docs, 1000):
            docs, item_rows, label_rows = [], [], []
            for k in range(first, min(first + 1000, n_docs)):
                doc_id = hashlib.sha256(f"doc{k}".encode()).hexdigest()
                a, b = rng.sample(PARTIES, 2)
                year = rng.randint(2000, 2023)
                docs.append({"id": doc_id[:16], "content_hash": doc_id, "source_path": f"synthetic/{k}.md",
                             "title": f"Declaración conjunta {k}", "date": f"{year}-{rng.randint(1, 12):02d}-15",
                             "year": year, "place": "Lima", "parties": f"{a},{b}", "dyad": "-".join(sorted((a, b))),
                             "mechanism": f"Gabinete Binacional {a}-{b}", "edition": "I", "lang": "es",
                             "citation": None, "excerpt_only": False, "page_starts": [0], "ingested_at": "2024",
                             "n_items": ITEMS_PER_DOC})
                for n in range(1, ITEMS_PER_DOC + 1):
                    item_id += 1
                    text = _text(rng)
                    item_rows.append({"id": item_id, "doc_id": doc_id[:16], "n": n, "text": text,
                                      "text_folded": fold_text(text), "section": None, "page": 1, "start": 0,
                                      "end": len(text), "lang": "es", "verb": "fortalecer", "act": "commitment"})
                    chosen, scores = _labels(rng)
                    for axis in LABELS:
                        label_rows.append({"item_id": item_id, "axis": axis, "score": scores.get(axis),
                                           "assigned": axis in chosen, "model_version": MODEL,
                                           "doc_id": doc_id[:16], "year": year})
            parties = [{"doc_id": d["id"], "party": party, "position": k}
                       for d in docs for k, party in enumerate(d["parties"].split(","))]
            with store.write() as conn:
                conn.execute(store_mod.documents.insert(), docs)
                conn.execute(store_mod.document_parties.insert(), parties)
                for table, batch in ((store_mod.items, item_rows), (store_mod.labels, label_rows)):
                    _bulk_insert(conn, table, batch)
        with store.write() as conn:
            for index in indexes:
                index.create(conn)
            refresh_summaries(conn)
            if conn.dialect.name == "postgresql":  # the ids were given: the next insert follows them
                conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('items', 'id'), "
                                     "(SELECT coalesce(max(id), 1) FROM items))")
        store.optimize()  # ANALYZE; VACUUM (ANALYZE) on PostgreSQL


def _bulk_insert(conn, table, rows: list[dict]) -> None:
    """COPY on PostgreSQL; elsewhere executemany with the INSERT SQLAlchemy compiles (bound parameters)."""
    names = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()
    if conn.dialect.name == "postgresql":
        columns = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in names)
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row[name] for name in names))
    else:
        compiled = table.insert().compile(dialect=conn.dialect, column_keys=names)
        cursor.executemany(str(compiled), [tuple(row[name] for name in compiled.positiontup) for row in rows])
    cursor.close()


def _insert_rate(folder: Path, n_docs: int = 200) -> float:
    """Items per second through `Store.add_document` (one transaction per 50-item document)."""
    rng = random.Random(3)
    batches = []
    for k in range(n_docs):
        texts = [_text(rng) for _ in range(ITEMS_PER_DOC)]
        body = "\n".join(texts)
        digest = hashlib.sha256(f"{k}{body}".encode()).hexdigest()
        document = Document(id=digest[:16], text=body, content_hash=digest, title=f"D{k}",
                            date="2015-05-05", parties=("PE", "CO"), mechanism="GB")
        items = []
        for n, text in enumerate(texts, start=1):
            chosen, scores = _labels(rng)
            items.append(AgreementItem(doc_id=document.id, n=n, text=text, labels=chosen, scores=scores,
                                       model_version=MODEL))
        batches.append((document, items))
    with Store(str(folder / "insert.db")) as store:
        started = time.perf_counter()
        for document, items in batches:
            store.add_document(document, items)
        elapsed = time.perf_counter() - started
    return n_docs * ITEMS_PER_DOC / elapsed


def _median_ms(func, store: Store, repeat: int = 5) -> float:
    """Median time of `func()` with the store's answer cache emptied before each call."""
    store.clear_cache()
    func()  # warm the page cache
    times = []
    for _ in range(repeat):
        store.clear_cache()
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _size_tag(n_items: int) -> str:
    return f"{n_items // 1_000_000}m" if n_items % 1_000_000 == 0 else f"{n_items // 1000}k"


def sizes() -> list[int]:
    """The store sizes measured (`DECLARACIONES_BENCH_SIZES`, default 1M and 5M items)."""
    raw = os.environ.get("DECLARACIONES_BENCH_SIZES", f"{N_ITEMS},{5 * N_ITEMS}")
    return [int(n) for n in raw.split(",") if n.strip()]


def _stored_items(db: str) -> int | None:
    """Items in the store at `db`, or None when it cannot be opened as one."""
    try:
        with Store(db) as store:
            return store.counts()["items"]
    except Exception:  # noqa: BLE001 - a missing or foreign database is rebuilt
        return None


def _pg_database(url: str, n_items: int, fresh: bool = False) -> str:
    """The URL of database `<name>_<size>` on the server of `url`, created (empty) when missing or `fresh`."""
    import sqlalchemy as sa

    from declaraciones_nlp.store import resolve_url

    base = resolve_url(url)
    name = f"{base.database}_{_size_tag(n_items)}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists and fresh:
                conn.exec_driver_sql(f'DROP DATABASE "{name}"')
            if fresh or not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def sqlite_store_path(n_items: int) -> Path:
    """Where the kept SQLite store of `n_items` lives: /tmp, named with the schema version (a store of
    another version is left to the program that wrote it); `DECLARACIONES_BENCH_STORE` for 1M items."""
    default = Path(f"/tmp/declaraciones-bench-{_size_tag(n_items)}-v{store_mod.STORE_SCHEMA_VERSION}.db")
    if n_items == N_ITEMS:
        return Path(os.environ.get("DECLARACIONES_BENCH_STORE", default))
    return default


def kept_store(n_items: int, pg_url: str | None = None) -> tuple[str, float | None]:
    """`(url, build seconds or None)`: a synthetic store of `n_items`, built on first use and kept
    (SQLite in /tmp, or a database of its own on the PostgreSQL server of `pg_url`)."""
    if pg_url:
        db = _pg_database(pg_url, n_items)
    else:
        path = sqlite_store_path(n_items)
        db = f"sqlite:///{path}"
    if _stored_items(db) == n_items:
        return db, None
    if pg_url:
        db = _pg_database(pg_url, n_items, fresh=True)
    else:
        path.unlink(missing_ok=True)
    started = time.perf_counter()
    build_synthetic(db, n_items)
    return db, time.perf_counter() - started


def query_figures(db: str, n_items: int, backend: str) -> list[dict]:
    """freq (plain, filtered) and search timings on a store of `n_items`, caches emptied."""
    tag = _size_tag(n_items)
    filters = Filters(country="CO", since=2014)
    rows = []
    with Store(db) as store:
        assert int(freq(store, ["axis", "year"]).attrs["total"]) == n_items
        for name, func, note in (
                (f"freq_{tag}_items_ms", lambda: freq(store, ["axis", "year"]), "freq --by axis --by year"),
                (f"freq_{tag}_items_filtered_ms", lambda: freq(store, ["axis", "year"], filters),
                 "same, --country CO --since 2014"),
                (f"freq_{tag}_items_by_country_ms", lambda: freq(store, ["country"]), "freq --by country"),
                (f"search_{tag}_items_ms", lambda: search(store, "mineria ilegal", filters),
                 "search 'mineria ilegal' --country CO --since 2014, first 50 hits")):
            rows.append({"name": name if backend == "SQLite" else name.replace("_ms", "_pg_ms"),
                         "value": round(_median_ms(func, store), 1), "unit": "ms",
                         "note": f"{note}, {n_items:,} items, {backend}, median of 5, load {_load()}"})
    return rows


def _load() -> str:
    """The machine's 1-minute load average (it is shared: figures move with it)."""
    return f"{os.getloadavg()[0]:.2f}"


def run(pg_url: str | None = None) -> list[dict]:
    pg_url = pg_url or os.environ.get("DECLARACIONES_BENCH_PG")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        rows.append({"name": "store_insert_items_per_s", "value": round(_insert_rate(Path(tmp)), 1),
                     "unit": "items/s", "note": "SQLite, add_document, 50-item documents with labels"})
    for backend, url in (("SQLite", None), ("PostgreSQL", pg_url)):
        if backend == "PostgreSQL" and not url:
            continue
        for n_items in sizes():
            db, build_s = kept_store(n_items, url)
            if build_s is not None:
                suffix = "_pg" if url else ""
                rows.append({"name": f"store_bulk_build_{_size_tag(n_items)}_items{suffix}_s",
                             "value": round(build_s, 1), "unit": "s",
                             "note": f"synthetic {n_items:,} items, {6 * n_items:,} label rows, {backend}, "
                                     f"bulk insert + index + analyze"})
            rows.extend(query_figures(db, n_items, backend))
    return rows


def main() -> None:  # pragma: no cover - `make bench` calls run()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL URL: measure there too (databases <name>_1m, <name>_5m)")
    parser.add_argument("--items", default=None, help="store sizes, comma-separated (default 1000000,5000000)")
    args = parser.parse_args()
    if args.items:
        os.environ["DECLARACIONES_BENCH_SIZES"] = args.items
    for row in run(args.db):
        print(row, flush=True)


if __name__ == "__main__":  # pragma: no cover
    main()
