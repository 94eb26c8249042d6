"""Faults: a batch ingestion killed mid-way, two ingestions at once, the web app during an
ingestion, a tampered model given to a real process.

The ingestions run as real processes (`python -m declaraciones_nlp.cli ingest ...`) on
small generated declarations and a model trained once per session (see test_bad_input),
into SQLite and, when DECLARACIONES_TEST_PG is set (CI's .ci/run), into PostgreSQL.
"""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers import tamper, train_small_model

ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
ENV.pop("DECLARACIONES_DB", None)

TOPICS = [
    "la lucha contra el narcotráfico y el crimen organizado transnacional",
    "el comercio bilateral y la promoción de las inversiones",
    "la protección de la Amazonía y la gestión de los recursos hídricos",
    "el control migratorio integrado en los pasos de frontera",
    "la cooperación en educación, salud y gobernanza democrática",
    "la interconexión eléctrica y la minería responsable",
    "el turismo receptivo y la conectividad aérea",
    "la prevención de desastres y el cambio climático",
]
VERBS = ["Acordaron impulsar", "Se comprometieron a fortalecer", "Destacaron", "Reafirmaron su voluntad de promover",
         "Instruyeron a las autoridades competentes a coordinar"]


def declaration(i: int, folder: str) -> str:
    """A small, unique declaration with 3–9 numbered items."""
    n_items = 3 + i % 7
    lines = [f"DECLARACIÓN CONJUNTA {folder.upper()} N.º {i}", "", f"Lima, {1 + i % 28} de marzo de {2005 + i % 15}", "",
             "Los Presidentes de la República del Perú y de la República del Ecuador DECLARAN:", ""]
    for k in range(n_items):
        topic = TOPICS[(i + k) % len(TOPICS)]
        lines.append(f"{k + 1}. {VERBS[(i * 3 + k) % len(VERBS)]} {topic}, según el acuerdo {folder}-{i}-{k}.")
        lines.append("")
    return "\n".join(lines)


def make_batch(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"decl_{i:04d}.txt"
        path.write_text(declaration(i, folder.name), encoding="utf-8")
        paths.append(path)
    return paths


def ingest_cmd(paths, db: str, model: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "declaraciones_nlp.cli", "ingest", *map(str, paths), "--db", db,
            "--model", str(model), "--quiet", *extra]


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


class DocumentCounter:
    """Polls how many documents a database holds while another process writes it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = None if url.startswith("sqlite") else sa.create_engine(url, poolclass=sa.pool.NullPool)

    def __call__(self) -> int:
        try:
            if self.engine is None:  # read-only, so that polling never creates or locks the file
                with sqlite3.connect(f"file:{sqlite_path(self.url)}?mode=ro", uri=True, timeout=1) as conn:
                    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            with self.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
        except (sqlite3.Error, sa.exc.DBAPIError):  # not created yet, or locked for a moment
            return 0


def db_state(url: str) -> dict:
    """Documents with their items (in order) and the number of label rows of each item."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            sql = lambda query: conn.exec_driver_sql(query).fetchall()  # noqa: E731
            if url.startswith("sqlite"):
                assert sql("PRAGMA integrity_check")[0][0] == "ok"
                assert sql("PRAGMA foreign_key_check") == []
            assert sql("SELECT count(*) FROM items WHERE doc_id NOT IN (SELECT id FROM documents)")[0][0] == 0
            assert sql("SELECT count(*) FROM labels WHERE item_id NOT IN (SELECT id FROM items)")[0][0] == 0
            docs = dict(sql("SELECT id, source_path FROM documents"))
            items: dict[str, list[tuple[int, str]]] = {doc_id: [] for doc_id in docs}
            for doc_id, n, text in sql("SELECT doc_id, n, text FROM items ORDER BY doc_id, n"):
                items.setdefault(doc_id, []).append((n, text))
            labels = dict(sql("SELECT item_id, count(*) FROM labels GROUP BY item_id"))
            item_ids = [row[0] for row in sql("SELECT id FROM items")]
            hashes = [row[0] for row in sql("SELECT content_hash FROM documents")]
    finally:
        engine.dispose()
    return {"docs": docs, "items": items, "labels": labels, "item_ids": item_ids, "hashes": hashes}


def assert_consistent(url: str) -> dict:
    """Every stored document has exactly the items of its source file, each with all its labels."""
    from declaraciones_nlp.ingest import read_document
    from declaraciones_nlp.schema import LABELS
    from declaraciones_nlp.segment import segment

    state = db_state(url)
    assert set(state["items"]) == set(state["docs"]), "items without their document"
    for doc_id, source in state["docs"].items():
        expected = [(item.n, item.text) for item in segment(read_document(source))]
        assert state["items"][doc_id] == expected, f"document {doc_id} ({source}) stored incomplete"
    for item_id in state["item_ids"]:
        assert state["labels"].get(item_id) == len(LABELS), f"item {item_id} has {state['labels'].get(item_id)} label rows"
    assert len(state["hashes"]) == len(set(state["hashes"])), "duplicate documents"
    return state


def totals(url: str) -> tuple[int, int, int]:
    state = db_state(url)
    return len(state["docs"]), sum(len(v) for v in state["items"].values()), sum(state["labels"].values())


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return train_small_model(tmp_path_factory.mktemp("fault-model") / "axes-v1")


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "lote"
    make_batch(folder, 200)
    return folder


@pytest.fixture(scope="module")
def clean_totals(batch, model_dir, tmp_path_factory) -> tuple[int, int, int]:
    """Counts of an uninterrupted ingestion of the batch."""
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    done = subprocess.run(ingest_cmd([batch], url, model_dir), env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return totals(url)


# -- (a) atomicity -----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_killed_batch_leaves_whole_documents_and_rerun_completes_it(workers, batch, model_dir, clean_totals,
                                                                     db_url, tmp_path):
    url = db_url
    count_documents = DocumentCounter(url)
    log = (tmp_path / "killed.log").open("wb")
    # Its own session, so that worker processes orphaned by the kill can be cleaned up afterwards.
    process = subprocess.Popen(ingest_cmd([batch], url, model_dir, "--workers", workers), env=ENV,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    stored = 0
    try:
        while time.monotonic() < deadline and process.poll() is None:
            stored = count_documents()
            if stored >= 10:
                break
            time.sleep(0.005)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        orphans = _kill_group(process.pid)
        log.close()
    assert alive, f"the batch finished before it could be killed ({stored} documents seen)"
    if orphans:
        print(f"{orphans} worker process(es) outlived the killed ingestion")
    killed_at = assert_consistent(url)
    assert 0 < len(killed_at["docs"]) < 200, f"killed with {len(killed_at['docs'])} documents stored"

    rerun = subprocess.run(ingest_cmd([batch], url, model_dir), env=ENV, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(killed_at['docs'])} already stored" in rerun.stdout, rerun.stdout
    assert_consistent(url)
    assert totals(url) == clean_totals
    assert clean_totals[0] == 200


def _kill_group(pgid: int) -> int:
    """Kill what is left of the process group this test started; return how many were left."""
    import psutil

    time.sleep(0.5)
    left = [p for p in psutil.process_iter() if _pgid(p.pid) == pgid]
    if left:
        os.killpg(pgid, signal.SIGKILL)
        psutil.wait_procs(left, timeout=10)
    return len(left)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


# -- (b) concurrency ---------------------------------------------------------------------------

@pytest.mark.slow
def test_two_ingestions_into_one_database(model_dir, db_url, tmp_path):
    """Two processes write different folders (plus a few identical files) into a new database at once."""
    first = make_batch(tmp_path / "norte", 60)
    second = make_batch(tmp_path / "sur", 60)
    shared = [p.read_text(encoding="utf-8") for p in make_batch(tmp_path / "comun", 5)]
    for folder in ("norte", "sur"):
        for i, text in enumerate(shared):
            (tmp_path / folder / f"comun_{i}.txt").write_text(text, encoding="utf-8")
    url = db_url
    processes = [subprocess.Popen(ingest_cmd([tmp_path / folder], url, model_dir, "--workers", "1"), env=ENV,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for folder in ("norte", "sur")]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, f"exit {process.returncode}: {err}"
    state = assert_consistent(url)
    assert len(state["docs"]) == len(first) + len(second) + len(shared)
    stored_sources = {Path(p).name for p in state["docs"].values()}
    assert {p.name for p in first + second} <= stored_sources
    # Whether the writes interleave or one process waits for the other's lock
    # depends on timing; either way both succeed and nothing is lost or doubled.
    shared_names = [name for name in stored_sources if name.startswith("comun_")]
    assert len(shared_names) == len(shared)


# -- (c) the web app answers during an ingestion -------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_web_answers_while_an_ingestion_writes(model_dir, db_url, tmp_path):
    import httpx
    import uvicorn

    from declaraciones_nlp.web.app import create_app

    make_batch(tmp_path / "previo", 5)
    make_batch(tmp_path / "nuevo", 150, start=5)
    url = db_url
    first = subprocess.run(ingest_cmd([tmp_path / "previo"], url, model_dir), env=ENV, capture_output=True,
                           text=True, timeout=120)
    assert first.returncode == 0, first.stderr

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(200):
                if server.started:
                    break
                time.sleep(0.05)
            assert server.started, "uvicorn did not start"
            assert client.get("/api/freq").status_code == 200
            writer = subprocess.Popen(ingest_cmd([tmp_path / "nuevo"], url, model_dir, "--workers", "1"), env=ENV,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            answered, totals_seen, slowest = 0, [], 0.0
            while writer.poll() is None:
                started = time.perf_counter()
                response = client.get("/api/freq", params={"by": "axis"})
                slowest = max(slowest, time.perf_counter() - started)
                assert response.status_code == 200, response.text
                totals_seen.append(sum(row["items"] for row in response.json()))
                answered += 1
                time.sleep(0.02)
            out, err = writer.communicate(timeout=60)
            assert writer.returncode == 0, err
            final = sum(row["items"] for row in client.get("/api/freq", params={"by": "axis"}).json())
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert answered >= 5, f"only {answered} answers during the ingestion"
    assert totals_seen == sorted(totals_seen), "counts went backwards during the ingestion"
    assert len(set(totals_seen)) > 1, "no answer saw the ingestion progress"
    assert final >= totals_seen[-1] and slowest < 5, (final, slowest)


# -- (d) model safety in a real process ------------------------------------------------------------

def test_classify_refuses_tampered_model_in_a_real_process(model_dir, tmp_path):
    tampered = tamper(model_dir, tmp_path / "axes-v1")
    done = subprocess.run([sys.executable, "-m", "declaraciones_nlp.cli", "classify", "--model", str(tampered),
                           "--text", "Acordaron combatir el narcotráfico."],
                          env={**ENV, "COLUMNS": "80"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(tampered / "model.npz") in lines[0] and "SHA-256" in lines[0]
    assert done.stdout == ""


def test_huge_file_refused_in_a_real_process(model_dir, tmp_path):
    """DECLARACIONES_MAX_BYTES lowers the input limit of a real ingestion; nothing is stored."""
    url = f"sqlite:///{tmp_path / 'huge.db'}"
    (path,) = make_batch(tmp_path / "grande", 1)
    done = subprocess.run(ingest_cmd([path], url, model_dir), env={**ENV, "COLUMNS": "80", "DECLARACIONES_MAX_BYTES": "200"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(path) in lines[0] and "too large" in lines[0]
    assert totals(url) == (0, 0, 0)
