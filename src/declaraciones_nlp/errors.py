"""Exceptions the library raises; the CLI and web app turn them into one-line messages."""
from __future__ import annotations


class DeclaracionesError(Exception):
    """Base class: the message is meant for the user, on one line."""


class InputError(DeclaracionesError):
    """A file or value given by the user cannot be used.

    `source` names the file or option at fault.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


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
