"""Checks of metadata given on the command line against what the text itself says.

`ingest FOLDER --parties PE,EC` stamps every file of the folder with the same
parties; a file of the folder that names Bolivia and Peru in its title would be
counted under the wrong pair without a word. `parties_conflict` says so.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..schema import Document
from ..text import party_set
from .metadata import extract_metadata


def parties_conflict(document: Document, overrides: Mapping[str, Any] | None) -> str | None:
    """A one-line warning when `overrides` gives parties and the document's text names two others.

    The text's parties are read as for a file without overrides (title first, then
    the opening of the text); a text naming fewer than two parties says nothing.
    """
    given = (overrides or {}).get("parties")
    if not given:
        return None
    named = tuple(extract_metadata(document.text)["parties"])
    given_codes = party_set(given)
    if len(named) < 2 or set(named) == set(given_codes):
        return None
    return (f"--parties {','.join(given_codes)} given, but the text names {','.join(named)}; "
            f"stored as {','.join(given_codes)} (correct it with `declaraciones documents set-meta "
            f"{document.id} --parties ...`)")
