"""Word documents (python-docx): body paragraphs and tables, in document order."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import UnreadableDocument


def read_docx(path: Path, data: bytes) -> tuple[str, dict]:
    """Return (text, core properties) with one block per paragraph and per table row.

    Heading styles become `## ` lines (`Title` → `# `); list styles get a
    bullet or a running number, since Word keeps those outside the text.
    """
    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(str(path), "corrupt Word file: not a valid .docx package") from exc
    blocks: list[str] = []
    counter = 0
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, doc)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            if style == "Title":
                blocks.append(f"# {text}")
            elif style.startswith("Heading"):
                blocks.append(f"## {text}")
            elif style.startswith("List Number"):
                counter += 1
                blocks.append(f"{counter}. {text}")
            elif style.startswith("List"):
                blocks.append(f"- {text}")
            else:
                blocks.append(text)
            if not style.startswith("List Number"):
                counter = 0 if not style.startswith("List") else counter
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    blocks.append(" ".join(cells))
    props = doc.core_properties
    meta = {"title": props.title or None}
    return "\n\n".join(blocks), meta
