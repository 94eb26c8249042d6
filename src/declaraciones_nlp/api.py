"""The notebook API: `declaraciones_nlp.open(db=...)` → Corpus, answering with pandas DataFrames.

    >>> import declaraciones_nlp as dn
    >>> corpus = dn.open()                                   # default SQLite store
    >>> corpus.freq(by=["axis", "year"], country="CO", since=2014)
    >>> corpus.search("minería ilegal", dyad="PE-CO")
    >>> corpus.items(axis="security").to_excel("seguridad.xlsx")

Filters are keyword arguments named as the fields of `filters.Filters` (or one
`filters=Filters(...)`). The CLI and the web app speak to the store through this
same façade, so a notebook, a terminal and a browser get the same answers.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable, Sequence, TypeVar

from . import query
from .errors import InputError, NotFoundError
from .filters import Filters
from .schema import AgreementItem
from .store import Store
from .store.engine import CancelToken, cancellable

T = TypeVar("T")

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .query.counts import FreqTable
    from .records import to_records

# pandas is imported by the methods that answer with a DataFrame, so a caller that only
# counts (`freq_rows`) starts fast. Reads inside `with cancellable(token):` stop when the
# token is cancelled (the web server uses it for clients that went away).
__all__ = ["CancelToken", "Corpus", "cancellable", "to_records"]


def __getattr__(name: str) -> Any:
    if name == "to_records":  # records imports pandas
        from .records import to_records

        return to_records
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Corpus:
    """The stored corpus. `.store` is the underlying `Store` for anything not wrapped here.

    With `create=False` a SQLite file that does not exist is refused (StoreError naming
    the path) instead of being created empty.
    """

    def __init__(self, db: str | None = None, create: bool = True) -> None:
        if not create:
            from .store.location import require_existing

            require_existing(db)
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

    def counts(self) -> dict[str, int]:
        """Numbers of documents, items and label rows stored."""
        return self.store.counts()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, or its answer from an earlier call with `key` while the store has not changed
        (every write bumps the store's generation); the answer must not be changed by the caller."""
        return self.store.cached(key, compute)

    # -- questions ----------------------------------------------------------
    def items(self, filters: Filters | None = None, limit: int | None = None, offset: int = 0,
              **kwargs: Any) -> pd.DataFrame:
        """The item DataFrame (one row per item, 0/1 axis columns and scores) of the filtered items.

        With `limit`, one page of them (after `offset`), read as a page from the store.
        """
        return query.items(self.store, Filters.of(filters, **kwargs), limit=limit, offset=offset)

    def count(self, q: str = "", cap: int = 10_000, filters: Filters | None = None, **kwargs: Any) -> int:
        """How many items pass the filters (and hold every word of `q`), up to `cap` (cap + 1: more)."""
        from .text import fold

        return query.count_matching(self.store, Filters.of(filters, **kwargs), fold(q or "").split(), cap)

    def stored_items(self, filters: Filters | None = None, **kwargs: Any) -> list[AgreementItem]:
        """The filtered items as `AgreementItem`s, with their labels and scores."""
        return query.stored_items(self.store, Filters.of(filters, **kwargs))

    def freq(self, by: str | Sequence[str] = ("axis",), filters: Filters | None = None, share_of: str = "group",
             **kwargs: Any) -> pd.DataFrame:
        """Counts and shares grouped by `by` (axis, dyad, country, year, mechanism, act); see `query.freq`
        (`share_of="group"`: by axis and a field, the share within each value of the field)."""
        return query.freq(self.store, by, Filters.of(filters, **kwargs), share_of=share_of)

    def freq_rows(self, by: str | Sequence[str] = ("axis",), filters: Filters | None = None,
                  share_of: str = "group", **kwargs: Any) -> "FreqTable":
        """`freq` as plain rows (`query.freq_table`), without pandas: for callers that only print them."""
        return query.freq_table(self.store, by, Filters.of(filters, **kwargs), share_of)

    def search(self, q: str, limit: int | None = 50, filters: Filters | None = None, offset: int = 0,
               **kwargs: Any) -> pd.DataFrame:
        """Items containing every word of `q`, accents and case ignored; see `query.search`."""
        return query.search(self.store, q, Filters.of(filters, **kwargs), limit=limit, offset=offset)

    def export(self, out_path: str | Path, fmt: str | None = None, filters: Filters | None = None,
               **kwargs: Any) -> Path:
        """Write the item × axis table as csv, xlsx or parquet (default: from the suffix)."""
        return query.export(self.store, fmt, out_path, Filters.of(filters, **kwargs))

    def chart(self, path: str | Path, by: str | Sequence[str] = ("axis",), **filters: Any) -> Path:
        """Draw `freq(by, **filters)` as a bar chart (.png or .svg)."""
        from . import charts

        return charts.bar_chart(self.freq(by=by, **filters), path)

    def documents(self, filters: Filters | None = None, kind: str | None = None, title: str | None = None,
                  **kwargs: Any) -> pd.DataFrame:
        """One row per stored document with its metadata and number of items (filtered by country,
        dyad, mechanism, years, `kind` and words of the `title`; see `query.documents`)."""
        chosen = Filters.of(filters, **kwargs) if (filters is not None or kwargs) else None
        return query.documents(self.store, chosen, kind=kind, title=title)

    def document(self, doc_id: str) -> dict[str, Any]:
        """A document's metadata with its items and labels."""
        return query.document(self.store, doc_id)

    def twins(self, keep: str | None = None) -> pd.DataFrame:
        """The declarations stored in two languages: one row per pair, with the id counted."""
        return query.twin_pairs(self.store, keep)

    def filter_options(self) -> dict[str, list[Any]]:
        """The countries, dyads and mechanisms a filter can name in this store."""
        return query.filter_options(self.store)

    def propose(self, between: Sequence[str], top: int = 3, since: int | None = None, **settings: Any) -> dict:
        """The axes proposed for a mechanism between two parties; see `propose.propose`."""
        from .propose import ProposalSettings, propose

        options = ProposalSettings(**settings) if settings else None
        return propose(self._proposal_items(), between, top=top, since=since, settings=options)

    def proposal_report(self, between: Sequence[str], top: int = 3, since: int | None = None, **settings: Any):
        """The proposal with its recurring commitments (`report.ProposalReport`): what every report shows."""
        from .propose import ProposalSettings
        from .report import proposal_report

        options = ProposalSettings(**settings) if settings else None
        return proposal_report(self._proposal_items(), between, top=top, since=since, settings=options)

    def _proposal_items(self) -> pd.DataFrame:
        """The item DataFrame with each document's `kind` and `citation` (the provenance of the evidence)."""
        provenance = self.documents()[["id", "kind", "citation"]].rename(columns={"id": "doc_id"})
        return self.items().merge(provenance, on="doc_id", how="left")

    def recurrences(self, dyad: str | None = None, min_similarity: float | None = None) -> list[dict]:
        """Commitments repeated across successive declarations of a pair; see `recurrences.recurrences`
        (`min_similarity` default: `recurrences.DEFAULT_MIN_SIMILARITY`, chosen on labelled pairs)."""
        from .recurrences import DEFAULT_MIN_SIMILARITY, recurrences

        threshold = DEFAULT_MIN_SIMILARITY if min_similarity is None else min_similarity
        return recurrences(self.items(), dyad=dyad, min_similarity=threshold)

    def followup(self, dyad: str | None = None, mechanism: str | None = None, status: str | None = None) -> pd.DataFrame:
        """The follow-up register: one row per commitment with its status and evidence; see `followup.register`."""
        from .followup import canonical_status, register
        from .query.followup import followup_statuses
        from .text import dyad_code

        items = self.items(dyad=dyad_code(dyad, "--dyad")) if dyad else self.items()
        frame = register(items, followup_statuses(self.store), dyad=dyad, mechanism=mechanism)
        if status:
            frame = frame[frame["status"] == canonical_status(status, "--status")].reset_index(drop=True)
        return frame

    def followup_rates(self, by: str = "meeting", dyad: str | None = None, mechanism: str | None = None) -> pd.DataFrame:
        """Compliance rates of the register per meeting, axis or institution; see `followup.rates`."""
        from .followup import rates

        return rates(self.followup(dyad, mechanism), by)

    def acta(self, doc_id: str, fmt: str = "md", out: str | Path | None = None) -> str | bytes:
        """The acta of a meeting (`md` text or `docx` bytes, written to `out` when given)."""
        from .followup import acta_docx, acta_markdown

        if fmt not in ("md", "docx"):
            raise InputError("--format", f"must be md or docx, got {fmt!r}")
        docs = self.documents()
        found = docs[docs["id"].str.startswith(doc_id)] if doc_id and len(doc_id) >= 6 else docs.iloc[0:0]
        if len(found) != 1:
            raise NotFoundError(f"no single stored document with id {doc_id!r}")
        dyad = found.iloc[0]["dyad"]
        frame = self.followup(dyad=dyad if "-" in str(dyad) else None)
        doc_id = found.iloc[0]["id"]
        if fmt == "docx":
            return acta_docx(frame, doc_id, out)
        text = acta_markdown(frame, doc_id)
        if out is not None:
            try:
                Path(out).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise InputError(str(out), f"cannot write: {exc.strerror or exc}") from exc
        return text

    def set_followup_status(self, ref: str, status: str, set_by: str, note: str | None = None,
                            set_on: str | None = None, source: str = "cli") -> dict:
        """Record a person's status for a commitment (`ref` as in the register); it wins over the automatic one."""
        from .followup import status_row

        row = status_row(self._register_of([ref]), ref, status, set_by, note, set_on, source=source)
        self.store.set_followup_statuses([row])
        return row

    def import_followup(self, path: str | Path | None, set_by: str, text: str | None = None) -> int:
        """Record the statuses of a follow-up report in CSV (ref, status, note): all rows or none."""
        from .followup import rows_from_csv
        from .followup.human import refs_in_csv

        rows = rows_from_csv(self._register_of(refs_in_csv(path, text)), path, set_by, text=text)
        return self.store.set_followup_statuses(rows)

    def _register_of(self, refs: Sequence[str]) -> pd.DataFrame:
        """The register rows of the pairs whose documents `refs` name (`doc id#n`), not the whole store's."""
        docs = self.documents()
        wanted = {str(ref).split("#")[0] for ref in refs}
        dyads = sorted(set(docs.loc[docs["id"].isin(wanted), "dyad"]))
        frames = [self.followup(dyad=dyad) for dyad in dyads if "-" in str(dyad)]
        import pandas as pd

        if frames:
            return pd.concat(frames, ignore_index=True)
        from .followup.register import COLUMNS

        return pd.DataFrame(columns=COLUMNS)

    # -- changes --------------------------------------------------------------
    def remove(self, doc_id: str) -> int:
        """Remove a document and its items (its translation, if linked, is counted again);
        returns the number of items removed."""
        return self.store.remove(doc_id)

    def ingest(self, paths: Sequence[str | Path] | str | Path, model: Any = "current", silent: bool = True,
               workers: int | None = None, **overrides: Any):
        """Read, segment, classify and store files or folders.

        `model` is an `AxisClassifier`, `"current"` (the current model) or None
        (store the items unlabelled). Returns the `pipeline.IngestSummary`;
        unreadable files are listed in its `refused`.
        """
        from .classify import load_model
        from .pipeline import ingest_paths

        if isinstance(paths, (str, Path)):
            paths = [paths]
        from .store.document_meta import apply_metadata_corrections

        classifier = load_model() if isinstance(model, str) and model == "current" else model
        summary = ingest_paths(paths, self.store, classifier, overrides or None, silent=silent, workers=workers)
        apply_metadata_corrections(self.store)  # a corrected document removed and ingested again keeps its correction
        return summary

    def correct(self, doc_id: str, note: str | None = None, **changes: Any) -> dict[str, tuple]:
        """Correct a stored document's metadata (`parties`, `date`, `title`, `mechanism`, `edition`,
        `place`, `kind`); recorded, reflected in every count, kept when the document is ingested
        again. A corrected date or parties also make or undo its link to a translation."""
        from .store.document_meta import correct_document
        from .twins import relink_corrected

        changed = correct_document(self.store, doc_id, note=note, **changes)
        if {"date", "parties"} & set(changed):
            relink_corrected(self.store, doc_id)
        return changed

    def find_twins(self) -> pd.DataFrame:
        """Look for translations among the stored documents (a store filled before they were
        detected at ingestion); returns the pairs linked now, as `twins()` does."""
        from .twins import link_stored_twins

        linked = {frozenset((link.doc_id, link.twin_id)) for link in link_stored_twins(self.store)}
        pairs = self.twins()
        return pairs[[frozenset(ids) in linked for ids in zip(pairs["doc_a"], pairs["doc_b"])]].reset_index(drop=True)
