"""The server under load: pages read one page, answers are cached until the store changes,
an abandoned request gives its connection back."""
from __future__ import annotations

import hashlib
import sqlite3
import sqlite3.dbapi2
import threading

import anyio
import pytest
from fastapi.testclient import TestClient

from declaraciones_nlp.api import Corpus
from declaraciones_nlp.schema import AXES, AgreementItem, Document
from declaraciones_nlp.store import Store
from declaraciones_nlp.web.app import PAGE_SIZE, create_app

N_DOCS, ITEMS_PER_DOC = 12, 25  # 300 items: several pages of /items, many of /api/items


def _document(k: int) -> tuple[Document, list[AgreementItem]]:
    texts = [f"Acordaron cooperar en el tema {n} de la reunión {k}." for n in range(1, ITEMS_PER_DOC + 1)]
    body = "\n".join(texts)
    digest = hashlib.sha256(body.encode()).hexdigest()
    document = Document(id=digest[:16], text=body, content_hash=digest, title=f"Declaración {k}",
                        date=f"{2000 + k}-05-01", parties=("PE", "CO" if k % 2 else "BO"), lang="es")
    items = [AgreementItem(doc_id=document.id, n=n, text=text, lang="es",
                           labels=(AXES[n % len(AXES)],), scores={axis: 0.5 for axis in AXES},
                           model_version="load-v1") for n, text in enumerate(texts, 1)]
    return document, items


@pytest.fixture(scope="module")
def load_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'load.db'}"
    with Store(url) as store:
        store.register_model("load-v1", {}, make_current=True)
        for k in range(N_DOCS):
            store.add_document(*_document(k))
    return url


class _RowCounter:
    """Counts the rows every SQLite cursor hands to Python, and those of item-text statements apart."""

    def __init__(self) -> None:
        self.rows = 0
        self.item_rows = 0
        counter = self

        class Cursor(sqlite3.Cursor):
            def execute(self, sql, *args):
                self._item_text = "items.text" in sql
                return super().execute(sql, *args)

            def _count(self, rows):
                counter.rows += len(rows)
                if getattr(self, "_item_text", False):
                    counter.item_rows += len(rows)
                return rows

            def fetchall(self):
                return self._count(super().fetchall())

            def fetchmany(self, size=None):
                return self._count(super().fetchmany(self.arraysize if size is None else size))

            def fetchone(self):
                row = super().fetchone()
                self._count([] if row is None else [row])
                return row

        class Connection(sqlite3.Connection):
            def cursor(self, factory=Cursor):
                return super().cursor(factory)

        self.connection_class = Connection


@pytest.fixture()
def counted_client(load_db, monkeypatch):
    counter = _RowCounter()
    connect = sqlite3.connect
    for module in (sqlite3, sqlite3.dbapi2):  # SQLAlchemy's driver module is sqlite3.dbapi2
        monkeypatch.setattr(module, "connect",
                            lambda *args, **kwargs: connect(*args, **{**kwargs, "factory": counter.connection_class}))
    with TestClient(create_app(load_db)) as client:
        yield client, counter


@pytest.mark.parametrize("params", [{"limit": 10}, {"limit": 10, "offset": 280}, {"limit": 7, "country": "CO"},
                                    {"limit": 5, "axis": "trade"}, {"limit": 5, "q": "cooperar"}])
def test_api_items_reads_only_the_page_it_returns(counted_client, params):
    client, counter = counted_client
    hits = client.get("/api/items", params=params).json()
    assert 0 < len(hits) <= params["limit"]
    assert counter.item_rows == len(hits)
    # each item's label rows, and a handful for the model and the cache generation
    assert counter.rows <= len(hits) * (1 + len(AXES) + 1) + 20


def test_items_page_reads_one_page_and_links_the_next(counted_client):
    client, counter = counted_client
    page = client.get("/items", params={"country": "PE"}).text
    assert f"del 1 al {PAGE_SIZE}" in page and f"{N_DOCS * ITEMS_PER_DOC} ítem(s)" in page
    assert counter.item_rows == PAGE_SIZE
    assert 'rel="next"' in page
    total = N_DOCS * ITEMS_PER_DOC
    pages = -(-total // PAGE_SIZE)
    last = client.get("/items", params={"country": "PE", "page": pages}).text
    assert f"del {(pages - 1) * PAGE_SIZE + 1} al {total}" in last and 'rel="next"' not in last


def test_api_items_pages_follow_one_another_without_gaps(load_db):
    client = TestClient(create_app(load_db))
    whole = client.get("/api/items", params={"limit": 5000}).json()
    pages = [client.get("/api/items", params={"limit": 40, "offset": offset}).json() for offset in range(0, 300, 40)]
    assert [(h["doc_id"], h["n"]) for page in pages for h in page] == [(h["doc_id"], h["n"]) for h in whole]
    assert [h["date"] for h in whole] == sorted(h["date"] for h in whole)


def test_cached_counts_change_with_ingestion_relabelling_and_removal(tmp_path):
    with Corpus(str(tmp_path / "c.db")) as corpus:
        corpus.store.register_model("load-v1", {}, make_current=True)
        first, second = _document(1), _document(2)
        corpus.store.add_document(*first)
        assert corpus.freq(by=["axis"])["items"].sum() == ITEMS_PER_DOC
        assert corpus.filter_options()["countries"] == ["CO", "PE"]
        corpus.store.add_document(*second)
        assert corpus.freq(by=["axis"])["items"].sum() == 2 * ITEMS_PER_DOC
        assert corpus.filter_options()["countries"] == ["BO", "CO", "PE"]
        relabelled = [AgreementItem(doc_id=item.doc_id, n=item.n, text=item.text, labels=("security",),
                                    scores={axis: 0.5 for axis in AXES}) for item in first[1]]
        corpus.store.set_labels(relabelled, "load-v1")
        counts = corpus.freq(by=["axis"]).set_index("axis")["items"]
        assert counts["security"] >= ITEMS_PER_DOC
        corpus.remove(second[0].id)
        assert corpus.freq(by=["axis"])["items"].sum() == ITEMS_PER_DOC
        assert corpus.filter_options()["countries"] == ["CO", "PE"]


def test_abandoned_request_is_interrupted_and_releases_its_connection(load_db, monkeypatch):
    """A client that goes away while its query runs: the query stops and the pool gets its connection back."""
    import declaraciones_nlp.query.counts as counts

    started, finished = threading.Event(), threading.Event()
    outcome: dict[str, BaseException] = {}

    def endless_count(store, by, filters):
        try:
            with store.read() as conn:
                started.set()
                conn.exec_driver_sql("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                     "SELECT max(x) FROM c").all()
        except BaseException as exc:
            outcome["error"] = exc
            raise
        finally:
            finished.set()

    monkeypatch.setattr(counts, "count_items", endless_count)
    app = create_app(load_db)
    store = app.state.corpus.store
    sent: list[dict] = []

    async def scenario() -> None:
        gone = anyio.Event()
        calls = 0

        async def receive() -> dict:
            nonlocal calls
            calls += 1
            if calls == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": "/api/freq", "raw_path": b"/api/freq", "query_string": b"by=axis",
                 "root_path": "", "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80)}
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(app, scope, receive, send)
            with anyio.fail_after(60):  # a guard against a hang, not a timing assertion
                while not started.is_set():
                    await anyio.sleep(0.01)
                assert store.pool_checked_out == 1
                gone.set()
                while not finished.is_set():
                    await anyio.sleep(0.01)

    anyio.run(scenario)
    assert "interrupted" in str(outcome["error"].__cause__ or outcome["error"]).lower()
    assert store.pool_checked_out == 0
    assert not any(m.get("status") == 200 for m in sent)


def test_cli_help_imports_no_heavy_library():
    """`declaraciones --help` (and every command's help) loads none of pandas, scikit-learn, spaCy,
    matplotlib, FastAPI or SQLAlchemy: they are imported by the commands that use them."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from typer.testing import CliRunner\n"
            "from declaraciones_nlp.cli import app\n"
            "for args in (['--help'], ['freq', '--help'], ['ingest', '--help'], ['serve', '--help']):\n"
            "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
            "heavy = ('pandas', 'sklearn', 'spacy', 'matplotlib', 'fastapi', 'sqlalchemy', 'numpy')\n"
            "print(' '.join(sorted(name for name in heavy if name in sys.modules)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_cli_freq_counts_without_pandas_and_answers_as_the_library(load_db):
    """`declaraciones freq` prints the counts from plain rows (pandas and numpy stay unloaded) and they
    are the library's DataFrame, row for row, in JSON and in CSV."""
    import json
    import subprocess
    import sys

    code = ("import sys\n"
            "from typer.testing import CliRunner\n"
            "from declaraciones_nlp.cli import app\n"
            f"db = {load_db!r}\n"
            "outs = [CliRunner().invoke(app, ['freq', '--by', 'axis', '--by', 'year', '--country', 'CO',\n"
            "                                 '--format', fmt, '--db', db]) for fmt in ('json', 'csv', 'table')]\n"
            "assert all(out.exit_code == 0 for out in outs), [out.output for out in outs]\n"
            "heavy = sorted(name for name in ('pandas', 'numpy', 'sklearn', 'fastapi') if name in sys.modules)\n"
            "sys.stdout.write('\\x00'.join([' '.join(heavy)] + [out.stdout for out in outs]))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, as_json, as_csv, as_table = result.stdout.split("\x00")
    assert heavy == ""
    with Corpus(load_db) as corpus:
        frame = corpus.freq(["axis", "year"], country="CO")
    from declaraciones_nlp.records import to_records

    assert json.loads(as_json) == to_records(frame)
    assert as_csv == frame.to_csv(index=False)
    assert f"{frame.attrs['total']} agreement items" in as_table and "security (Seguridad)" in as_table


def test_a_request_reads_the_store_generation_once(load_db):
    """A page that consults several cached answers (count, page, filter values) asks the store whether
    it changed once per request, not once per answer; the next request asks again."""
    from sqlalchemy import event

    app = create_app(load_db)
    engine = app.state.corpus.store._engine
    asked: list[str] = []

    def catch(conn, cursor, statement, *args):
        if "store_state" in statement:
            asked.append(statement)

    event.listen(engine, "before_cursor_execute", catch)
    with TestClient(app) as client:
        for _ in range(2):
            asked.clear()
            response = client.get("/items", params={"country": "CO"})
            assert response.status_code == 200
            assert len(asked) == 1
