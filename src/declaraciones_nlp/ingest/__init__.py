"""Files → `Document`: one reader per format, PDF noise cleaning, metadata from the text.

>>> doc = read_document(Path("declaracion.pdf"), overrides={"parties": "PE,EC"})
>>> doc.parties, doc.page_starts
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import config
from ..errors import FieldError, InputError, ScannedDocument, UnreadableDocument
from ..schema import DOCUMENT_KINDS, Document
from ..text import party_set
from .clean import clean_pages, dehyphenate
from .metadata import extract_metadata, parse_date

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
OVERRIDE_KEYS = ("title", "date", "parties", "mechanism", "place", "edition", "lang", "kind")
READ_OPTIONS = ("ocr",)  # how to read, carried with the overrides to worker processes
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def iter_input_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files named directly (any type, so that the reader can refuse them with a reason)
    and supported files found recursively under folders, in sorted order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS
                       and not p.name.startswith("."))
            )
        else:
            found.append(path)
    seen: set[Path] = set()
    return [p for p in found if not (p in seen or seen.add(p))]


def read_document(path: Path | str, overrides: Mapping[str, Any] | None = None, ocr: bool = False) -> Document:
    """Read a declaration file into a `Document` (cleaned text, pages, metadata).

    Raises `UnreadableDocument(path, reason)` for a missing, unsupported, empty,
    oversized, binary, corrupt or encrypted file, and for a scanned PDF unless
    `ocr` (or `overrides["ocr"]`) asks for OCR with tesseract (`ingest/ocr.py`):
    the document then carries the mean word confidence in `ocr_confidence`.
    """
    overrides = dict(overrides or {})
    ocr = bool(overrides.pop("ocr", False)) or ocr
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UnreadableDocument(name, "file not found")
    if not path.is_file():
        raise UnreadableDocument(name, "not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnreadableDocument(
            name, f"unsupported file type {suffix or '(none)'!r} (supported: {', '.join(SUPPORTED_EXTENSIONS)})"
        )
    size = path.stat().st_size
    if size > config.MAX_INPUT_BYTES:
        raise UnreadableDocument(name, f"file too large ({size} bytes, limit {config.MAX_INPUT_BYTES})")
    if size == 0:
        raise UnreadableDocument(name, "empty file")
    data = path.read_bytes()
    front: dict[str, Any] = {}
    confidence = None
    if suffix == ".pdf":
        from .pdf import read_pdf_pages

        try:
            pages = read_pdf_pages(path, data)
        except ScannedDocument:
            if not ocr:
                raise
            from .ocr import ocr_pdf_pages

            pages, confidence = ocr_pdf_pages(path, data)
        text, page_starts = clean_pages(pages)
    elif suffix == ".docx":
        from .docx import read_docx

        body, props = read_docx(path, data)
        text, page_starts = body.strip("\n"), (0,)
        front = {k: v for k, v in props.items() if v}
        front.pop("title", None)  # Word's title property is usually stale; the text's title wins
    elif suffix in (".html", ".htm"):
        from .html import read_html

        body, props = read_html(path, data)
        text, page_starts = body, (0,)
        if not re.match(r"\s*# ", body):
            front = {k: v for k, v in props.items() if v}
    else:
        from .text import read_text

        body, front = read_text(path, data)
        if "\f" in body:
            text, page_starts = clean_pages(body.split("\f"))
        else:
            text, page_starts = dehyphenate(body.rstrip()), (0,)
    if not text.strip():
        raise UnreadableDocument(name, "no text in the file" if front else "empty file")
    meta = extract_metadata(text, front)
    meta.update(check_overrides(overrides))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        id=digest[:16],
        text=text,
        content_hash=digest,
        source_path=name,
        page_starts=tuple(page_starts),
        ocr_confidence=None if confidence is None else round(confidence, 1),
        **meta,
    )


def _check_date(value: str) -> str:
    """An ISO date (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) or a written one, checked for real months and days."""
    if not _ISO_DATE.match(value):
        parsed = parse_date(value)
        if not parsed:
            raise FieldError("date", f"{value!r} is not a date (use YYYY-MM-DD)",
                             f"«{value}» no es una fecha (use AAAA-MM-DD)")
        value = parsed
    try:
        year, month, day = (value.split("-") + ["01", "01"])[:3]
        date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError("date", f"{value!r} is not a valid calendar date",
                         f"«{value}» no es una fecha válida del calendario") from None
    return value


def check_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Validate metadata given by the user; values left as None are ignored."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None or value == "" or value == [] or key in READ_OPTIONS:
            continue
        if key not in OVERRIDE_KEYS:
            raise InputError(key, f"unknown metadata field (known: {', '.join(OVERRIDE_KEYS)})")
        if key == "parties":
            out[key] = party_set(value, "parties")
        elif key == "date":
            out[key] = _check_date(str(value).strip())
        elif key == "lang":
            if value not in ("es", "en"):
                raise FieldError("lang", f"{value!r} is not a supported language (es, en)")
            out[key] = value
        elif key == "kind":
            if value not in DOCUMENT_KINDS:
                raise FieldError("kind", f"{value!r} is not a kind of document ({', '.join(DOCUMENT_KINDS)})",
                                 f"«{value}» no es un tipo de documento ({', '.join(DOCUMENT_KINDS)})")
            out[key] = value
        else:
            out[key] = " ".join(str(value).split())
    return out


__all__ = ["check_overrides", "SUPPORTED_EXTENSIONS", "read_document", "iter_input_files"]
