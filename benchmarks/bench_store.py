"""Storage and query benchmarks: insert rate, grouped count and search over 1,000,000 items.

`run()` returns rows `{"name", "value", "unit"}` and prints nothing. The
million-item SQLite database is synthetic, built in a temporary folder with
bulk inserts of the rows SQLAlchemy compiles for the store's own tables (the
label indexes are built after the rows, as a bulk load would).
"""
from __future__ import annotations

import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path

from declaraciones_nlp.filters import Filters
from declaraciones_nlp.query import freq, search
from declaraciones_nlp.schema import AXES, LABELS, OTHER, AgreementItem, Document
from declaraciones_nlp.store import Store, tables as store_mod
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


def build_synthetic(path: Path, n_items: int = N_ITEMS, seed: int = 7) -> None:
    """A SQLite store of `n_items` synthetic labelled items (50 per document)."""
    rng = random.Random(seed)
    with Store(str(path)) as store:
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
                             "citation": None, "excerpt_only": False, "page_starts": [0], "ingested_at": "2024"})
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
            conn.exec_driver_sql("ANALYZE")


def _bulk_insert(conn, table, rows: list[dict]) -> None:
    """executemany on the driver cursor with the INSERT SQLAlchemy compiles (bound parameters)."""
    names = list(rows[0])
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=names)
    order = compiled.positiontup
    cursor = conn.connection.driver_connection.cursor()
    cursor.executemany(str(compiled), [tuple(row[name] for name in order) for row in rows])
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


def _median_ms(func, repeat: int = 5) -> float:
    func()  # warm the page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(tmp)
        rows.append({"name": "store_insert_items_per_s", "value": round(_insert_rate(folder), 1),
                     "unit": "items/s", "note": "SQLite, add_document, 50-item documents with labels"})
        path = folder / "million.db"
        started = time.perf_counter()
        build_synthetic(path)
        build_s = time.perf_counter() - started
        rows.append({"name": "store_bulk_build_1m_items_s", "value": round(build_s, 1),
                     "unit": "s", "note": "synthetic 1M items, 6M label rows, bulk insert + index"})
        with Store(str(path)) as store:
            result = freq(store, ["axis", "year"])
            assert int(result.attrs["total"]) == N_ITEMS
            rows.append({"name": "freq_1m_items_ms",
                         "value": round(_median_ms(lambda: freq(store, ["axis", "year"])), 1),
                         "unit": "ms", "note": "freq --by axis --by year, 1M items, SQLite, median of 5"})
            filters = Filters(country="CO", since=2014)
            rows.append({"name": "freq_1m_items_filtered_ms",
                         "value": round(_median_ms(lambda: freq(store, ["axis", "year"], filters)), 1),
                         "unit": "ms", "note": "same, --country CO --since 2014"})
            rows.append({"name": "search_1m_items_ms",
                         "value": round(_median_ms(lambda: search(store, "mineria ilegal", filters)), 1),
                         "unit": "ms", "note": "search 'mineria ilegal' --country CO --since 2014, first 50 hits"})
    return rows


if __name__ == "__main__":  # pragma: no cover - `make bench` calls run()
    for row in run():
        print(row)
