"""No correction is lost when the review server is killed mid-write: every acknowledged correction
is stored, and every stored one is laid over its item whole (SQLite transaction)."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from declaraciones_nlp import query
from declaraciones_nlp.store import Store
from declaraciones_nlp.store.corrections import list_corrections

from webcorpus import DOCUMENTS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_killed_server_loses_no_acknowledged_correction(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    with Store(url) as store:
        store.register_model("test-v1", {}, make_current=True)
        for document, items in DOCUMENTS:
            store.add_document(document, items)
        keys = [(row.doc_id, int(row.n)) for row in query.items(store).itertuples()]
    port = _free_port()
    command = [str(Path(sys.executable).with_name("declaraciones")), "serve", "--allow-review", "--db", url,
               "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        token = None
        for _ in range(200):
            try:
                token = re.search(r'name="csrf-token" content="([^"]+)"', httpx.get(f"{base}/revisar").text).group(1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert token, "the server did not start"
        acknowledged: list[tuple[int, str, int, list[str]]] = []
        lock, stop = threading.Lock(), threading.Event()
        choices = (["security"], ["trade", "borders"], ["other"], ["governance", "environment"])

        def write(worker: int) -> None:
            with httpx.Client(base_url=base, timeout=10) as client:
                k = worker
                while not stop.is_set():
                    doc_id, n = keys[k % len(keys)]
                    labels = choices[k % len(choices)]
                    try:
                        answer = client.post("/revisar/api/corrections", json={
                            "doc_id": doc_id, "n": n, "labels": labels, "reviewer": f"r{worker}"},
                            headers={"X-CSRF-Token": token})
                    except httpx.TransportError:
                        return
                    if answer.status_code == 200:
                        with lock:
                            acknowledged.append((answer.json()["id"], doc_id, n, labels))
                    k += 4

        threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120  # a bound on waiting, not a timing assertion
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(acknowledged) >= 40, "the server acknowledged too few corrections"
        os.kill(server.pid, signal.SIGKILL)  # while the writers are still posting
        server.wait(10)
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)

    with Store(url) as store:
        with store.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        stored = list_corrections(store).set_index("id")
        for correction_id, doc_id, n, labels in acknowledged:
            assert correction_id in stored.index, f"acknowledged correction {correction_id} lost"
            assert (stored.loc[correction_id, "doc_id"], stored.loc[correction_id, "n"]) == (doc_id, n)
            assert stored.loc[correction_id, "labels"] == labels
        # every stored correction is shown whole: each corrected item carries its latest one
        latest = stored.reset_index().sort_values("id").groupby(["doc_id", "n"]).last()["labels"]
        frame = query.items(store).set_index(["doc_id", "n"])
        for key, labels in latest.items():
            assert frame.loc[key, "labels"] == labels and frame.loc[key, "reviewed"]
        assert len(stored) >= len(acknowledged) >= 40
