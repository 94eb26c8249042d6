"""Web dashboard response time on a synthetic store of 100,000 items.

Each timed request computes its answer: the store's answer cache is emptied
before it (what the first analyst after an ingestion waits; the cached answers
are measured under load by bench_load).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_store import build_synthetic

N_ITEMS = 100_000


def _median_ms(client, path: str, repeat: int = 7) -> float:
    store = client.app.state.corpus.store
    client.get(path)  # warm the page cache and the templates
    times = []
    for _ in range(repeat):
        store.clear_cache()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
    return statistics.median(times)


def run() -> list[dict]:
    from fastapi.testclient import TestClient

    from declaraciones_nlp.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web.db"
        build_synthetic(db, N_ITEMS)
        client = TestClient(create_app(f"sqlite:///{db}"))
        rows = [
            {"name": "dashboard_ms", "value": round(_median_ms(client, "/"), 1), "unit": "ms"},
            {"name": "dashboard_filtered_ms", "value": round(_median_ms(client, "/?country=PE&since=2014"), 1), "unit": "ms"},
            {"name": "api_freq_ms", "value": round(_median_ms(client, "/api/freq?by=axis&by=year"), 1), "unit": "ms"},
        ]
        load = f"load {os.getloadavg()[0]:.2f}"
        return [dict(row, note=f"100k items, SQLite, answer cache emptied, {load}") for row in rows]
