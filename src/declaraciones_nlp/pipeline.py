"""The one place that chains the stages: read → segment → classify → store (→ link translations).

Reading, segmenting and classifying run in worker processes when there are
many files; storing stays in this process, one transaction per document, so
a batch killed mid-way leaves only whole documents behind and a re-run
completes it without duplicates.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .classify import AxisClassifier, classify_items, load_model
from .errors import DeclaracionesError, NoItemsFound
from .filters import Filters
from .ingest import check_overrides, iter_input_files, read_document
from .ingest.checks import parties_conflict
from .progress import progressbar
from .query import stored_items
from .schema import AgreementItem, Document
from .segment import add_parsed_verbs, segment
from .store import Store
from .twins import link_twin

# Below this many files, worker start-up costs more than it saves.
PARALLEL_MIN_FILES = 24
# Files read and segmented before their items are classified in one call. Storing
# stays one transaction per document, so a killed run leaves whole documents only.
BATCH_FILES = 16


@dataclass
class IngestSummary:
    """What a batch ingestion did, for the CLI summary and the API."""

    documents_read: int = 0
    documents_stored: int = 0
    duplicates: list[str] = field(default_factory=list)
    items_stored: int = 0
    words: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, message): stored, but check it
    seconds: float = 0.0
    ocr: list[tuple[str, float]] = field(default_factory=list)  # files read by OCR, with their mean word confidence
    twins: list[tuple[str, str, str]] = field(default_factory=list)  # (file, id of its translation, alignment method)
    twin_seconds: float = 0.0  # spent looking for translations of the documents stored

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass(frozen=True)
class Processed:
    path: str
    document: Document | None = None
    items: tuple[AgreementItem, ...] = ()
    error: str | None = None
    warning: str | None = None


def process_files(paths: Sequence[Path], overrides: Mapping[str, Any] | None,
                  model: AxisClassifier | None) -> list[Processed]:
    """Read, segment and classify files; errors come back as data, not exceptions.

    The items of all the files go through spaCy's parser fallback and the
    classifier in one batch each, which is several times faster than per file.
    """
    results: list[Processed] = []
    readable: list[tuple[int, Document, list[AgreementItem]]] = []
    for path in paths:
        try:
            document = read_document(Path(path), overrides)
            items = segment(document, use_parser=False)
            if not items:
                raise NoItemsFound(str(path), "no agreement items found")
        except DeclaracionesError as exc:
            results.append(Processed(str(path), error=str(exc)))
            continue
        readable.append((len(results), document, items))
        results.append(Processed(str(path), document, warning=parties_conflict(document, overrides)))
    flat = add_parsed_verbs([item for _, _, items in readable for item in items])
    if model is not None and flat:
        flat = classify_items(flat, model)
    offset = 0
    for index, document, items in readable:
        results[index] = Processed(results[index].path, document, tuple(flat[offset:offset + len(items)]),
                                   warning=results[index].warning)
        offset += len(items)
    return results


_worker_model: AxisClassifier | None = None


def _init_worker(model_path: str | None) -> None:
    global _worker_model
    _exit_with_parent()
    _worker_model = load_model(Path(model_path)) if model_path else None


def _exit_with_parent() -> None:
    """Ask Linux to end this worker when the ingesting process dies (e.g. killed mid-batch)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _process_in_worker(args: tuple[list[str], Mapping[str, Any] | None]) -> list[Processed]:
    paths, overrides = args
    return process_files([Path(p) for p in paths], overrides, _worker_model)


def _processed(
    files: Sequence[Path], overrides: Mapping[str, Any] | None, model: AxisClassifier | None, workers: int
) -> Iterator[Processed]:
    """Results in file order, in batches of BATCH_FILES files (each batch is classified at once)."""
    batches = [list(files[i:i + BATCH_FILES]) for i in range(0, len(files), BATCH_FILES)]
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        for batch in batches:
            yield from process_files(batch, overrides, model)
        return
    model_path = str(model.path) if model is not None else None
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(model_path,)) as pool:
        for results in pool.map(_process_in_worker, [([str(p) for p in batch], overrides) for batch in batches]):
            yield from results


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


# An ingestion storing at least this many items refreshes the planner's statistics (ANALYZE;
# VACUUM ANALYZE on PostgreSQL) when it ends, as a bulk load does.
BULK_ITEMS = 10_000


def ingest_paths(
    paths: Iterable[Path | str],
    store: Store,
    model: AxisClassifier | None = None,
    overrides: Mapping[str, Any] | None = None,
    silent: bool = True,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest files and folders (recursively) into `store`; return what happened.

    Files that cannot be read are listed in `refused` with the reason; the
    others are stored. A document already stored (same content) is skipped.
    """
    started = time.perf_counter()
    check_overrides(overrides or {})  # a bad option is refused once, before any file is read
    summary = IngestSummary()
    files: list[Path] = []
    for raw in paths:
        try:
            files.extend(iter_input_files([Path(raw)]))
        except DeclaracionesError as exc:
            summary.refused.append((str(raw), str(exc)))
    if model is not None:
        previous = store.current_model()
        store.register_model(model.version, model.metrics, make_current=True)
        if previous != model.version:  # only a change of model leaves stored items without its labels
            relabel_stored(store, model)
    with progressbar(len(files), "Ingesting", silent=silent) as advance:
        for result in _processed(files, overrides, model, workers or default_workers()):
            advance(1, Path(result.path).name)
            _store_result(result, store, summary)
    if summary.items_stored >= BULK_ITEMS:  # the planner's statistics of a store that grew a lot
        store.optimize()
    summary.seconds = time.perf_counter() - started
    return summary


def _store_result(result: Processed, store: Store, summary: IngestSummary) -> None:
    if result.error is not None:
        summary.refused.append((result.path, result.error))
        return
    assert result.document is not None
    summary.documents_read += 1
    if result.warning:
        summary.warnings.append((result.path, result.warning))
    summary.words += len(result.document.text.split())
    if result.document.ocr_confidence is not None:
        summary.ocr.append((result.path, result.document.ocr_confidence))
    if store.add_document(result.document, list(result.items)):
        summary.documents_stored += 1
        summary.items_stored += len(result.items)
        started = time.perf_counter()
        link = link_twin(store, result.document, [item.text for item in result.items])
        summary.twin_seconds += time.perf_counter() - started
        if link is not None:
            summary.twins.append((result.path, link.twin_id, link.alignment.method))
    else:
        summary.duplicates.append(result.path)


def relabel_stored(store: Store, model: AxisClassifier) -> list[AgreementItem]:
    """Label with `model` the stored items that have no labels of its version yet.

    Labels of earlier versions stay queryable with `model_version=`; queries
    default to the current model, so without this the documents stored before
    a retraining would drop out of every count. Returns the items relabelled,
    each with every stored field (page, span, verb, act) and its new labels.
    """
    stored = stored_items(store, Filters(model_version=model.version, twins="both"))  # both texts of a pair
    missing = [item for item in stored if not item.labels]
    labelled = classify_items(missing, model) if missing else []
    for doc_id in dict.fromkeys(item.doc_id for item in labelled):
        store.set_labels([item for item in labelled if item.doc_id == doc_id], model.version)
    return labelled
