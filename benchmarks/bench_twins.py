"""Cost of translation-twin detection per ingested document (`twins.py`).

Three figures per alignment method (`encoder`, the multilingual sentence encoder, when it is
installed; `ngrams`, the fallback), on a store that already holds the bundled corpus:

- `twins_<method>_ms_per_doc`: what looking for a translation adds to the ingestion of a
  document, over the bundled corpus (most documents have no candidate: one query each) and
  then the translation pairs of tests/fixtures/twins/ (a candidate each: items aligned);
- `twins_<method>_ms_per_candidate_doc`: the same over the documents that had a candidate;
- and the number of pairs linked, which must be the fixtures' pairs.

The encoder's embedding cache is a fresh folder, so every text is embedded once, as on a
first ingestion; loading the encoder (once per process) is `twins_encoder_load_s`. `run()` returns rows `{"name", "value", "unit"}`.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def _measure(method: str, tmp: Path) -> list[dict]:
    from declaraciones_nlp import config, external
    from declaraciones_nlp.classify.features import sentence_embeddings
    from declaraciones_nlp.pipeline import ingest_paths
    from declaraciones_nlp.store import Store

    os.environ["DECLARACIONES_TWINS_ALIGN"] = method
    os.environ["DECLARACIONES_EMBEDDINGS"] = str(tmp / f"embeddings-{method}")
    sentence_embeddings._cache.clear()
    rows = []
    if method == "encoder":  # loaded once per process: counted apart
        started = time.perf_counter()
        sentence_embeddings._load().passage(["Texto de arranque."])  # weights read on first use
        rows.append({"name": "twins_encoder_load_s", "value": round(time.perf_counter() - started, 2), "unit": "s"})
    store = Store(f"sqlite:///{tmp / f'{method}.db'}")
    bundled = ingest_paths([config.raw_dir()], store, None, workers=1)
    fixtures = config.repo_root() / "tests" / "fixtures" / "twins"
    # (summary, whether the document had a stored candidate when it came in)
    pairs = [(ingest_paths([fixtures / name], store, None, workers=1), candidate)
             for name, candidate in (("pe_us_mineria_en.txt", False), ("pe_us_comercio_en.txt", False),
                                     ("pe_us_mineria_es.txt", True))]
    norway = external.locate("us-statements", "2024-04-17-joint-statement-from-the-united-states-and-norway-on-"
                                              "cooperation-on-high-standard-market-oriented-trade-of-critical-minerals.md")
    if norway is not None:
        for path, candidate in ((fixtures / "us_no_minerales_es.txt", False), (norway, True)):
            pairs.append((ingest_paths([path], store, None, overrides={"parties": ["US", "NO"]}, workers=1),
                          candidate))
    store.close()
    docs = bundled.documents_stored + sum(s.documents_stored for s, _ in pairs)
    seconds = bundled.twin_seconds + sum(s.twin_seconds for s, _ in pairs)
    with_candidate = [s for s, candidate in pairs if candidate]
    candidate_seconds = sum(s.twin_seconds for s in with_candidate)
    return rows + [
        {"name": f"twins_{method}_ms_per_doc", "value": round(1000 * seconds / docs, 2), "unit": "ms/doc"},
        {"name": f"twins_{method}_ms_per_candidate_doc",
         "value": round(1000 * candidate_seconds / max(len(with_candidate), 1), 2), "unit": "ms/doc"},
        {"name": f"twins_{method}_pairs_linked", "value": sum(len(s.twins) for s, _ in pairs), "unit": "pairs"},
    ]


def run() -> list[dict]:
    from declaraciones_nlp.twins import _encoder_installed

    saved = {key: os.environ.get(key) for key in ("DECLARACIONES_TWINS_ALIGN", "DECLARACIONES_EMBEDDINGS")}
    rows: list[dict] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for method in ("encoder", "ngrams") if _encoder_installed() else ("ngrams",):
                rows += _measure(method, Path(tmp))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return rows


if __name__ == "__main__":
    import json

    for row in run():
        print(json.dumps(row))
