"""PDF with a text layer (pypdf), page by page."""
from __future__ import annotations

import io
import logging
from pathlib import Path

from ..errors import ScannedDocument, UnreadableDocument


def read_pdf_pages(path: Path, data: bytes) -> list[str]:
    """Return the raw text of each page; refuse corrupt, encrypted and scanned PDFs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise UnreadableDocument(str(path), "corrupt PDF: no PDF header")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise UnreadableDocument(str(path), "encrypted PDF: password required")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise UnreadableDocument(str(path), f"corrupt PDF: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc
    if not pages:
        raise UnreadableDocument(str(path), "corrupt PDF: no pages")
    if not any(any(ch.isalnum() for ch in p) for p in pages):
        raise ScannedDocument(str(path), "no text layer: scanned PDF, needs OCR (add --ocr)")
    return pages
