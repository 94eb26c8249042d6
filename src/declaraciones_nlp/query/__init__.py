"""Every question asked of the store: items, counts, search, documents, exports.

    >>> from declaraciones_nlp.query import Filters, freq, items
    >>> freq(store, ["axis", "year"], Filters(country="CO", since=2014))
    >>> items(store, Filters(axis="security"))             # the item DataFrame

    conditions.py   Filters → SQL
    frame.py        the item DataFrame (one builder) and its views: items, search hits, AgreementItems
    catalogue.py    what is stored: documents, one document, models, filter values
    counts.py       freq: grouped counts in SQL
    export.py       the item × axis table as csv, xlsx or parquet
    twins.py        translation pairs: which member is counted, a document's twin, candidates

Answers are pandas DataFrames (or `AgreementItem`s); `to_records` makes them JSON-ready.
`freq_table` is `freq` without pandas (plain rows), for callers that only print the counts.
The names are imported on first use, so `from declaraciones_nlp.query import freq_table`
loads neither pandas nor the item-frame builders.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..errors import FieldError, InputError
from ..filters import Filters
from ..store import Store
from ..text import fold

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# public name -> the module (relative to this package) that defines it
_LAZY: dict[str, str] = {
    "to_records": "..records",
    "document": ".catalogue", "documents": ".catalogue", "filter_options": ".catalogue", "models": ".catalogue",
    "GROUP_FIELDS": ".counts", "FreqTable": ".counts", "check_by": ".counts", "freq": ".counts",
    "freq_table": ".counts",
    "EXPORT_FORMATS": ".export", "export": ".export",
    "FRAME_COLUMNS": ".frame", "count_matching": ".frame", "items": ".frame", "search_terms": ".frame",
    "stored_items": ".frame",
    "twin_pairs": ".twins",
}

__all__ = [
    "EXPORT_FORMATS", "FRAME_COLUMNS", "Filters", "FreqTable", "GROUP_FIELDS", "check_by", "count_matching",
    "document", "documents", "export", "filter_options", "freq", "freq_table", "items", "models", "search",
    "stored_items", "to_records", "twin_pairs",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = import_module(module, __name__)
    # bind every name of that module at once: loading `.export` set `export` to the module itself
    globals().update({other: getattr(loaded, other) for other, where in _LAZY.items() if where == module})
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def search(store: Store, q: str, filters: Filters | None = None, limit: int | None = 50,
           offset: int = 0) -> pd.DataFrame:
    """Items containing every word of `q` (case- and accent-insensitive: "mineria" finds "minería").

    One row per hit, newest documents first: doc_id, n, title, date, parties,
    dyad, mechanism, page, section, text, labels, model_version.
    """
    terms = fold(q or "").split()
    if not terms:
        raise InputError("query", "empty search query")
    if limit is not None and limit < 1:
        raise FieldError("limit", f"must be at least 1, got {limit}")
    from .frame import search_terms

    return search_terms(store, terms, filters, limit, offset)
