"""Store: schema, transactions, duplicates, relabelling, bad databases (SQLite and PostgreSQL)."""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from declaraciones_nlp import config, query
from declaraciones_nlp.errors import InputError, NotFoundError, StoreError
from declaraciones_nlp.filters import Filters
from declaraciones_nlp.schema import AXES, LABELS, AgreementItem
from declaraciones_nlp.store import STORE_SCHEMA_VERSION, Store, resolve_url
from declaraciones_nlp.text import fold

from helpers import CORPUS, MODEL, N_ITEMS, build_corpus, make_document, make_items


@pytest.fixture
def store(db_url):
    with Store(db_url) as opened:
        yield opened


@pytest.fixture
def corpus(store):
    return store, build_corpus(store)


def test_store_creates_schema_and_folder(tmp_path):
    path = tmp_path / "nested" / "folder" / "corpus.db"
    with Store(str(path)) as store:
        assert store.counts() == {"documents": 0, "items": 0, "labels": 0}
    assert path.exists()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_info").fetchall() == [(STORE_SCHEMA_VERSION,)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_store_default_url_comes_from_config(monkeypatch, tmp_path):
    monkeypatch.setenv("DECLARACIONES_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert str(resolve_url(None)) == config.default_db_url()
    assert resolve_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert resolve_url(str(tmp_path / "x.db")).drivername == "sqlite"


def test_store_add_and_read_back(corpus):
    store, ids = corpus
    assert store.counts()["documents"] == 4
    assert store.counts()["items"] == N_ITEMS
    assert store.counts()["labels"] == N_ITEMS * (len(AXES) + 1)
    docs = query.documents(store)
    assert list(docs["items"]) == [4, 3, 2, 3]
    assert list(docs["dyad"]) == ["CO-PE", "CO-PE", "BO-PE", "PE-US"]
    doc = query.document(store, ids["d2"])
    assert doc["parties"] == ["CO", "PE"]
    assert [item["n"] for item in doc["items"]] == [1, 2, 3]
    assert doc["items"][1]["labels"] == ["security", "borders"]
    assert doc["items"][1]["model_version"] == MODEL
    assert doc["items"][1]["score_security"] == pytest.approx(0.9)


def test_store_items_frame_follows_contract(corpus):
    store, ids = corpus
    frame = query.items(store)
    expected = ["doc_id", "n", "text", "section", "page", "start", "end", "lang", "verb", "act", "title",
                "date", "year", "place", "parties", "dyad", "mechanism", "edition", "model_version",
                "labels", "reviewed", *LABELS, *[f"score_{axis}" for axis in AXES]]
    assert list(frame.columns) == expected
    assert len(frame) == N_ITEMS
    first = frame.iloc[0]
    assert first["doc_id"] == ids["d1"] and first["n"] == 1
    assert first["parties"] == "PE,CO" and first["dyad"] == "CO-PE"
    assert first["labels"] == ["security", "environment"]
    assert (first["security"], first["environment"], first["trade"], first["other"]) == (1, 0 + 1, 0, 0)
    assert frame[list(LABELS)].sum().to_dict() == {"security": 4, "governance": 2, "trade": 3,
                                                   "environment": 3, "borders": 2, "other": 1}


def test_store_duplicate_content_hash_is_not_stored_twice(corpus):
    store, ids = corpus
    key, parties, date, mechanism, lang, texts = CORPUS[0]
    document = make_document(key, parties, date, mechanism, lang, texts)
    assert store.has_document(document.content_hash) == ids["d1"]
    assert store.add_document(document, make_items(document, texts)) is False
    assert store.counts()["items"] == N_ITEMS
    assert store.has_document("0" * 64) is None


def test_store_failure_mid_document_leaves_nothing(store, monkeypatch):
    key, parties, date, mechanism, lang, texts = CORPUS[1]
    document = make_document(key, parties, date, mechanism, lang, texts)

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT INTO labels", {}, RuntimeError("disk I/O error"))

    monkeypatch.setattr(Store, "_insert_labels", broken)
    with pytest.raises(StoreError, match="disk I/O error"):
        store.add_document(document, make_items(document, texts))
    assert store.counts() == {"documents": 0, "items": 0, "labels": 0}
    assert store.has_document(document.content_hash) is None
    monkeypatch.undo()
    assert store.add_document(document, make_items(document, texts)) is True
    assert store.counts()["items"] == 3


def test_store_refuses_bad_labels_before_writing(store):
    key, parties, date, mechanism, lang, texts = CORPUS[0]
    document = make_document(key, parties, date, mechanism, lang, texts)
    items = make_items(document, texts)
    items[2] = AgreementItem(doc_id=document.id, n=3, text="x", labels=("nonsense",), model_version=MODEL)
    with pytest.raises(InputError, match="unknown axis 'nonsense'"):
        store.add_document(document, items)
    assert store.counts()["documents"] == 0


def test_store_relabelling_keeps_old_versions(corpus):
    store, ids = corpus
    d1 = query.document(store, ids["d1"])
    relabelled = [AgreementItem(doc_id=ids["d1"], n=item["n"], text=item["text"], labels=("governance",),
                                scores={axis: 0.7 if axis == "governance" else 0.0 for axis in AXES},
                                model_version="axes-v2") for item in d1["items"]]
    store.register_model("axes-v2", {"macro_f1": 0.85})
    assert store.set_labels(relabelled, "axes-v2") == 4
    assert store.current_model() == "axes-v2"
    current = query.items(store)
    assert current[current["model_version"] == "axes-v2"]["governance"].sum() == 4
    assert current["model_version"].notna().sum() == 4  # only d1 was relabelled with v2
    old = query.items(store, Filters(model_version=MODEL))
    assert old[list(LABELS)].sum()["security"] == 4
    assert store.counts()["labels"] == (N_ITEMS + 4) * (len(AXES) + 1)
    models = query.models(store)
    assert list(models["version"]) == [MODEL, "axes-v2"]
    assert list(models["current"]) == [False, True]
    store.register_model(MODEL, make_current=True)
    assert store.current_model() == MODEL


def test_store_set_labels_unknown_item(corpus):
    store, ids = corpus
    item = AgreementItem(doc_id=ids["d1"], n=99, text="x", labels=("trade",), model_version=MODEL)
    with pytest.raises(NotFoundError):
        store.set_labels([item])


def test_store_remove_cascades(corpus):
    store, ids = corpus
    assert store.remove(ids["d2"]) == 3
    assert store.counts() == {"documents": 3, "items": 9, "labels": 9 * (len(AXES) + 1)}
    with pytest.raises(NotFoundError, match="is not stored"):
        store.remove(ids["d2"])
    with pytest.raises(NotFoundError):
        query.document(store, ids["d2"])


def test_store_text_folded_for_search():
    assert fold("  Minería   ILEGAL, Año ") == "mineria ilegal, ano"


def test_store_refuses_non_sqlite_file(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store(str(path))
    assert "not a database" in str(info.value) and "\n" not in str(info.value)
    assert path.read_bytes() == before


def test_store_refuses_foreign_and_newer_databases(tmp_path):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a declaraciones database"):
        Store(str(foreign))
    newer = tmp_path / "newer.db"
    Store(str(newer)).close()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE schema_info SET version = ?", (STORE_SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(str(newer))


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none", "mysql://x@localhost/db",
                                 "sqlite:////proc/definitely/not/here.db"])
def test_store_unreachable_or_wrong_url(url):
    with pytest.raises(StoreError) as info:
        Store(url)
    assert "\n" not in str(info.value)


def test_store_two_writers_wait(tmp_path):
    path = tmp_path / "shared.db"
    Store(str(path)).close()
    errors: list[BaseException] = []

    def write(key: str) -> None:
        try:
            with Store(str(path)) as store:
                for k in range(5):
                    texts = [(f"Acuerdo {key} {k} {j}", ("trade",), "commitment", {}) for j in range(20)]
                    document = make_document(f"{key}{k}", ("PE", "CO"), "2020-01-01", "GB", "es", texts)
                    store.add_document(document, make_items(document, texts))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(key,)) for key in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(str(path)) as store:
        assert store.counts()["items"] == 200


def test_store_one_model_registered_by_two_writers_at_once(db_url):
    """Two first ingestions with the same model: the second writer waits for the first's
    transaction, then finds the model there instead of failing on its key."""
    first, second = Store(db_url), Store(db_url)
    errors: list[BaseException] = []

    def register() -> None:
        try:
            second.register_model(MODEL, {"macro_f1": 0.9})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with first.write() as conn:
        first._register_model(conn, MODEL, {"macro_f1": 0.8}, make_current=True)
        thread = threading.Thread(target=register)
        thread.start()
        thread.join(timeout=1)  # the second writer is held by the first's uncommitted row
    thread.join(timeout=60)
    assert errors == [] and not thread.is_alive()
    registered = query.models(second)
    assert list(registered["version"]) == [MODEL] and registered["current"].tolist() == [True]
    assert registered["metrics"].iloc[0] == {"macro_f1": 0.9}
    first.close(), second.close()


def test_store_of_schema_version_1_opens_and_gains_its_party_index(tmp_path, fixtures_dir):
    """fixtures/store/schema-v1.db holds the four documents of helpers.CORPUS as the program wrote them
    before schema version 2 (no `document_parties`): opening it adds the table, filled from `documents`."""
    path = tmp_path / "old.db"
    shutil.copy(fixtures_dir / "store" / "schema-v1.db", path)
    with Store(str(path)) as store:
        assert store.counts() == {"documents": 4, "items": N_ITEMS, "labels": N_ITEMS * (len(AXES) + 1)}
        by_country = query.freq(store, ["country"])
        assert dict(zip(by_country["country"], by_country["items"])) == {"BO": 2, "CO": 7, "PE": 12, "US": 3}
        assert query.freq(store, [], Filters(country="CO")).attrs["total"] == 7
        assert query.filter_options(store)["countries"] == ["BO", "CO", "PE", "US"]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_info").fetchall() == [(STORE_SCHEMA_VERSION,)]
    assert conn.execute("SELECT doc_id, party FROM document_parties ORDER BY doc_id, position").fetchall() == sorted(
        conn.execute("SELECT d.id, p.value FROM documents d, json_each('[\"' || replace(d.parties, ',', '\",\"') || '\"]') p"
                     " ORDER BY d.id, p.key").fetchall(), key=lambda row: row[0])
    conn.close()
    with Store(str(path)) as store:  # opened again: nothing added twice
        assert query.freq(store, [], Filters(country="PE")).attrs["total"] == N_ITEMS


def test_party_filter_reads_the_party_index(tmp_path):
    with Store(str(tmp_path / "parties.db")) as store:
        build_corpus(store)
        with store.read() as conn:
            plan = " ".join(str(row) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT doc_id FROM document_parties WHERE party = 'CO'").all())
        assert "ix_document_parties_party" in plan
        assert query.freq(store, [], Filters(country="US")).attrs["total"] == 3


def _summaries_and_recount(store: Store) -> tuple:
    """The kept summaries and the same counts taken from the item-level tables."""
    with store.read() as conn:
        kept = conn.execute(sa.text("SELECT model_version, axis, year, doc_id, items FROM label_counts "
                                    "ORDER BY 1, 2, 4")).all()
        recount = conn.execute(sa.text("SELECT model_version, axis, year, doc_id, count(*) FROM labels "
                                       "WHERE assigned GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4")).all()
        n_items = conn.execute(sa.text("SELECT id, n_items FROM documents ORDER BY id")).all()
        per_doc = conn.execute(sa.text("SELECT d.id, (SELECT count(*) FROM items i WHERE i.doc_id = d.id) "
                                       "FROM documents d ORDER BY d.id")).all()
    return (kept, n_items), (recount, per_doc)


def test_store_summaries_follow_ingestion_relabelling_and_removal(corpus):
    """`label_counts` and `documents.n_items` always equal what `labels` and `items` hold."""
    store, ids = corpus
    kept, recount = _summaries_and_recount(store)
    assert kept == recount and len(kept[0]) > 0
    assert sum(n for _, n in kept[1]) == N_ITEMS
    d1 = query.document(store, ids["d1"])
    store.set_labels([AgreementItem(doc_id=ids["d1"], n=item["n"], text=item["text"], labels=("borders",),
                                    scores={axis: 0.9 if axis == "borders" else 0.1 for axis in AXES},
                                    model_version=MODEL) for item in d1["items"]])
    kept, recount = _summaries_and_recount(store)
    assert kept == recount
    assert query.freq(store, ["axis"], Filters(doc_id=ids["d1"]))["axis"].tolist() == ["borders"]
    store.remove(ids["d2"])
    kept, recount = _summaries_and_recount(store)
    assert kept == recount and ids["d2"] not in {row[3] for row in kept[0]}
    assert query.freq(store, []).attrs["total"] == N_ITEMS - 3


def test_store_optimize_keeps_the_planner_statistics(db_url):
    """After `optimize` (run by bulk loads and upgrades) the database holds statistics on its tables."""
    with Store(db_url) as store:
        build_corpus(store)
        store.optimize()
        with store.read() as conn:
            if store.backend == "sqlite":
                analysed = conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1").scalars().all()
            else:
                analysed = conn.exec_driver_sql("SELECT relname FROM pg_stat_user_tables "
                                                "WHERE last_analyze IS NOT NULL").scalars().all()
    assert {"items", "labels", "label_counts", "documents"} <= set(analysed)
