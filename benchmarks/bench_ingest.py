"""End-to-end ingestion: text files → stored, classified items; speed-up on 2 cores; peak memory."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks._corpus import write_documents

DOCS = 1500
MEMORY_DOCS = 10_000


def _ingest(folder: Path, db: Path, workers: int) -> dict:
    from declaraciones_nlp.classify import load_model
    from declaraciones_nlp.pipeline import ingest_paths
    from declaraciones_nlp.store import Store

    model = load_model()
    store = Store(f"sqlite:///{db}")
    started = time.perf_counter()
    summary = ingest_paths([folder], store, model, workers=workers)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": summary.words, "items": summary.items_stored, "docs": summary.documents_stored}


def _peak_rss_of(command: list[str]) -> tuple[float, int]:
    """Run a command; return the peak RSS (MB) summed over it and its children, and its exit code."""
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            procs = [process] + process.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    return peak / 1e6, process.returncode


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "docs"
        write_documents(folder, DOCS)
        serial = _ingest(folder, tmp_path / "serial.db", workers=1)
        parallel = _ingest(folder, tmp_path / "parallel.db", workers=2)
        rows += [
            {"name": "ingest_words_per_s", "value": round(parallel["words"] / parallel["seconds"]), "unit": "words/s"},
            {"name": "ingest_items_per_s", "value": round(parallel["items"] / parallel["seconds"]), "unit": "items/s"},
            {"name": "ingest_serial_words_per_s", "value": round(serial["words"] / serial["seconds"]), "unit": "words/s"},
            {"name": "ingest_parallel_speedup", "value": round(serial["seconds"] / parallel["seconds"], 2), "unit": "x"},
        ]
        big = tmp_path / "big"
        write_documents(big, MEMORY_DOCS)
        command = [sys.executable, "-m", "declaraciones_nlp.cli", "ingest", str(big), "--db", str(tmp_path / "big.db"), "-q"]
        peak_mb, code = _peak_rss_of(command)
        rows.append({"name": "ingest_10k_docs_peak_mb", "value": round(peak_mb, 1), "unit": "MB"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
