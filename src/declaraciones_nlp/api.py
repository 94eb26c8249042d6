"""The notebook API: `declaraciones_nlp.open(db=...)` → Corpus, answering with pandas DataFrames.

    >>> import declaraciones_nlp as dn
    >>> corpus = dn.open()                                   # default SQLite store
    >>> corpus.freq(by=["axis", "year"], country="CO", since=2014)
    >>> corpus.search("minería ilegal", dyad="PE-CO")
    >>> corpus.items(axis="security").to_excel("seguridad.xlsx")

Filters are keyword arguments named as the fields of `query.Filters`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from . import charts, query
from .query import Filters, to_records
from .store import Store

__all__ = ["Corpus", "to_records"]


class Corpus:
    """The stored corpus. `.store` is the underlying `Store` for anything not wrapped here."""

    def __init__(self, db: str | None = None) -> None:
        self.store = Store(db)

    def __repr__(self) -> str:
        counts = self.store.counts()
        return f"<Corpus {self.store.url}: {counts['documents']} documents, {counts['items']} items>"

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def items(self, **filters: Any) -> pd.DataFrame:
        """The item DataFrame (one row per item, 0/1 axis columns and scores) of the filtered items."""
        return self.store.items(Filters.of(**filters))

    def freq(self, by: str | Sequence[str] = ("axis",), **filters: Any) -> pd.DataFrame:
        """Counts and shares grouped by `by` (axis, dyad, country, year, mechanism, act); see `query.freq`."""
        return query.freq(self.store, by, Filters.of(**filters))

    def search(self, q: str, limit: int | None = 50, **filters: Any) -> pd.DataFrame:
        """Items containing every word of `q`, accents and case ignored; see `query.search`."""
        return query.search(self.store, q, Filters.of(**filters), limit=limit)

    def export(self, out_path: str | Path, fmt: str | None = None, **filters: Any) -> Path:
        """Write the item × axis table as csv, xlsx or parquet (default: from the suffix)."""
        return query.export(self.store, fmt, out_path, Filters.of(**filters))

    def chart(self, path: str | Path, by: str | Sequence[str] = ("axis",), **filters: Any) -> Path:
        """Draw `freq(by, **filters)` as a bar chart (.png or .svg)."""
        return charts.bar_chart(self.freq(by=by, **filters), path)

    def documents(self) -> pd.DataFrame:
        """One row per stored document with its metadata and number of items."""
        return self.store.documents()

    def document(self, doc_id: str) -> dict[str, Any]:
        """A document's metadata with its items and labels."""
        return self.store.document(doc_id)

    def remove(self, doc_id: str) -> int:
        """Remove a document and its items; returns the number of items removed."""
        return self.store.remove(doc_id)

    def ingest(self, paths: Sequence[str | Path] | str | Path, model: Any = None, silent: bool = True,
               **overrides: Any):
        """Read, segment, classify (with `model`, default: the current one) and store files or folders.

        Returns the `pipeline.IngestSummary`; unreadable files are listed in its `refused`.
        """
        from .classify import load_model
        from .pipeline import ingest_paths

        if isinstance(paths, (str, Path)):
            paths = [paths]
        classifier = model if model is not None else load_model()
        return ingest_paths(paths, self.store, classifier, overrides or None, silent=silent)

    def propose(self, between: Sequence[str], top: int = 3, since: int | None = None, **settings: Any) -> dict:
        """The axes proposed for a mechanism between two parties; see `propose.propose`."""
        from .propose import ProposalSettings, propose

        options = ProposalSettings(**settings) if settings else None
        return propose(self.items(), (between[0], between[1]), top=top, since=since, settings=options)
