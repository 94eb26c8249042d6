"""OCR throughput: scanned pages read per second (render with pdftoppm + tesseract spa+eng), and the
words per second that makes on the scanned fixtures of tests/fixtures/scanned/.

`run()` returns rows `{"name", "value", "unit"}`; nothing when OCR cannot run here (one note on stderr).
"""
from __future__ import annotations

import sys
import time


def run() -> list[dict]:
    from declaraciones_nlp import config
    from declaraciones_nlp.ingest import read_document
    from declaraciones_nlp.ingest.ocr import ocr_available

    reason = ocr_available()
    if reason:
        print(f"# bench_ocr skipped: {reason}", file=sys.stderr)
        return []
    paths = sorted((config.repo_root() / "tests" / "fixtures" / "scanned").glob("*.pdf"))
    started = time.perf_counter()
    documents = [read_document(path, ocr=True) for path in paths]
    seconds = time.perf_counter() - started
    pages = sum(len(d.page_starts) for d in documents)
    words = sum(len(d.text.split()) for d in documents)
    confidence = sum(d.ocr_confidence or 0 for d in documents) / max(len(documents), 1)
    return [
        {"name": "ocr_pages_per_s", "value": round(pages / seconds, 3), "unit": "pages/s"},
        {"name": "ocr_words_per_s", "value": round(words / seconds, 1), "unit": "words/s"},
        {"name": "ocr_mean_confidence", "value": round(confidence, 1), "unit": "/100"},
    ]


if __name__ == "__main__":
    import json

    for row in run():
        print(json.dumps(row))
