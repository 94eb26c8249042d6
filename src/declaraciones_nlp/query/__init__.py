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
"""
from __future__ import annotations

import pandas as pd

from ..errors import FieldError, InputError
from ..filters import Filters
from ..records import to_records
from ..store import Store
from ..text import fold
from .catalogue import document, documents, filter_options, models
from .counts import GROUP_FIELDS, check_by, freq
from .export import EXPORT_FORMATS, export
from .frame import FRAME_COLUMNS, count_matching, items, search_terms, stored_items
from .twins import twin_pairs

__all__ = [
    "EXPORT_FORMATS", "FRAME_COLUMNS", "Filters", "GROUP_FIELDS", "check_by", "count_matching", "document", "documents",
    "export", "filter_options", "freq", "items", "models", "search", "stored_items", "to_records", "twin_pairs",
]


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
    return search_terms(store, terms, filters, limit, offset)
