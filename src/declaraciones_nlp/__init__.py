"""declaraciones-nlp: text mining of bilateral joint declarations.

    >>> import declaraciones_nlp as dn
    >>> corpus = dn.open()                       # the default SQLite store
    >>> corpus.freq(by=["axis", "year"], country="CO", since=2014)
"""
from __future__ import annotations

from .schema import AXES, LABELS, SCHEMA_VERSION, AgreementItem, Document

__version__ = "0.1.0"
__all__ = ["AXES", "LABELS", "SCHEMA_VERSION", "AgreementItem", "Document", "open", "__version__"]


def open(db: str | None = None, create: bool = False):  # noqa: A001 - the notebook entry point is `dn.open()`
    """Open the corpus store at `db` (a SQLAlchemy URL or path; default: the project's SQLite file).

    A SQLite file that does not exist is refused (a mistyped path would otherwise answer
    "0 documents"); `create=True` creates it.
    """
    from .api import Corpus

    return Corpus(db, create=create)
