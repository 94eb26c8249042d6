"""Exceptions the library raises; the CLI and web app turn them into one-line messages."""
from __future__ import annotations


class DeclaracionesError(Exception):
    """Base class: the message is meant for the user, on one line."""


class InputError(DeclaracionesError):
    """A file or value given by the user cannot be used.

    `source` names the file or option at fault.
    """

    def __init__(self, source: str, reason: str, reason_es: str | None = None) -> None:
        self.source = source
        self.reason = reason
        self.reason_es = reason_es
        super().__init__(f"{source}: {reason}")


class FieldError(InputError):
    """A value given for a named field (`axis`, `since`, `parties`...) cannot be used.

    The library names the field as the Python API spells it (`min_score`); the CLI
    shows it as its flag (`--min-score`) and the web page by its Spanish name.
    `reason_es` is the reason in Spanish, when the message reaches the web page.
    """

    @property
    def field(self) -> str:
        return self.source


class UnreadableDocument(InputError):
    """A declaration file could not be read (missing, empty, corrupt, scanned...)."""


class ScannedDocument(UnreadableDocument):
    """A PDF without a text layer: readable only with OCR (`--ocr`)."""


class NoItemsFound(InputError):
    """A document was read but holds no agreement items."""


class ModelError(DeclaracionesError):
    """A classifier model is missing, tampered with or incompatible."""


class NLPModelMissing(DeclaracionesError):
    """The spaCy Spanish model is not installed."""


class StoreError(DeclaracionesError):
    """The database cannot be opened or used."""


class NotFoundError(DeclaracionesError):
    """A document or record asked for is not in the store."""


class Cancelled(DeclaracionesError):
    """The work was abandoned by whoever asked for it (a web client that went away)."""
