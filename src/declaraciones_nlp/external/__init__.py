"""Public documents the project refers to but does not ship: where they are, and how to get them.

The labelled data and some tests refer to real documents by reference (file,
item number, SHA-1 of the item's text) instead of copying their text into the
repository: White House joint statements (CC0) and Spanish bilateral agreements
(public legal texts). `corpus/external/MANIFEST.tsv` lists each one with its
public source and a checksum of its content.

They are looked up, in order, in:
- `DECLARACIONES_DATA` when it is set (a local mirror; nothing else is looked at,
  even when that folder does not exist);
- otherwise `corpus/external/` (where `declaraciones data fetch` puts them), then
  the team's mirror beside the checkout (`../shared/corpus`), when there is one.

    >>> from declaraciones_nlp import external
    >>> external.locate("us-statements", "2021-03-01-u-s-mexico-joint-declaration.md")  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import InputError

COLLECTIONS: dict[str, str] = {
    "us-statements": "real White House joint statements and fact sheets (English)",
    "treaties-es": "real Spanish bilateral agreements (articles)",
}
HOW_TO_GET = "get them with `declaraciones data fetch` (public sources) or DECLARACIONES_DATA=DIR (a local copy)"
MANIFEST_COLUMNS = ("collection", "name", "sha256", "url", "source")
_HEADER = re.compile(r"^#\s*(?:source|official_url|date|title|summary)\s*:")


@dataclass(frozen=True)
class ExternalDocument:
    """One entry of the manifest: a public document and the checksum of its content."""

    collection: str
    name: str  # path inside the collection, e.g. "pe/DS-005-2005-RE.txt"
    sha256: str  # of `normalised_text(...)`: the same for the archive's Markdown and a plain copy
    url: str  # where `data fetch` downloads it
    source: str  # provenance in words: archive and commit, official address

    @property
    def key(self) -> str:
        return f"{self.collection}/{self.name}"


def manifest_path() -> Path:
    return config.repo_root() / "corpus" / "external" / "MANIFEST.tsv"


def read_manifest(path: Path | None = None) -> list[ExternalDocument]:
    """The manifest's entries; a malformed line raises `InputError(file:line)`."""
    path = Path(path) if path else manifest_path()
    if not path.is_file():
        raise InputError(str(path), "no manifest of external documents")
    entries = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        header = next(rows, None)
        if tuple(header or ()) != MANIFEST_COLUMNS:
            raise InputError(str(path), f"header must be {' '.join(MANIFEST_COLUMNS)}")
        for number, row in enumerate(rows, 2):
            if len(row) != len(MANIFEST_COLUMNS) or not re.fullmatch(r"[0-9a-f]{64}", row[2]):
                raise InputError(f"{path}:{number}", "expected 5 tab-separated fields with a SHA-256")
            if row[0] not in COLLECTIONS or ".." in Path(row[1]).parts or row[1].startswith("/"):
                raise InputError(f"{path}:{number}", f"bad collection or name: {row[0]}/{row[1]}")
            entries.append(ExternalDocument(*row))
    return entries


def search_roots() -> list[Path]:
    """Folders that may hold the collections, in the order they are looked at."""
    if os.environ.get("DECLARACIONES_DATA") is not None:
        return [fetched_root()]
    return [fetched_root(), config.repo_root().parent / "shared" / "corpus"]


def fetched_root() -> Path:
    """Where `declaraciones data fetch` writes: `DECLARACIONES_DATA` when set, else `corpus/external/` (git-ignored)."""
    env = os.environ.get("DECLARACIONES_DATA")
    return Path(env).expanduser().resolve() if env is not None else config.repo_root() / "corpus" / "external"


def collection_dir(collection: str) -> Path | None:
    """The first folder holding `collection`, or None when it is nowhere."""
    for root in search_roots():
        if (root / collection).is_dir():
            return root / collection
    return None


def locate(collection: str, name: str) -> Path | None:
    """The local copy of one document, or None."""
    for root in search_roots():
        path = root / collection / name
        if path.is_file():
            return path
    return None


def plain_lines(raw: str) -> list[str]:
    """A document's lines without front matter, provenance header or Markdown marks."""
    lines = raw.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    out = []
    for line in lines:
        if _HEADER.match(line):
            continue
        line = re.sub(r"^\s*#{1,6}\s+", "", line)
        line = line.replace("**", "").replace("__", "")
        line = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", line)  # *italic* titles
        out.append(line.strip())
    return out


def normalised_text(raw: str) -> str:
    """The document's words, one space apart: what its content checksum is computed on."""
    return " ".join(" ".join(plain_lines(raw)).split())


def content_sha256(raw: str) -> str:
    return hashlib.sha256(normalised_text(raw).encode("utf-8")).hexdigest()


def read_text(path: Path) -> str:
    return Path(path).read_bytes().decode("utf-8", errors="replace")
