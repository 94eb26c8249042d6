"""Word documents (python-docx): body paragraphs and tables, in document order."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import UnreadableDocument

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CELL_MARKER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*(?:\.-|[.)])?|[a-zA-Z][.)]|[IVXL]{1,5}\.?)$")


def read_docx(path: Path, data: bytes) -> tuple[str, dict]:
    """Return (text, core properties) with one block per paragraph and per table row.

    Heading styles become `## ` lines (`Title` → `# `). Word keeps list numbers
    outside the text: they are rebuilt from the numbering definitions ("1.",
    "a)", bullets), levels below the first indented under their parent item.
    """
    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(str(path), "corrupt Word file: not a valid .docx package") from exc
    numbering = _Numbering(doc)
    blocks: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, doc)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            marker, level = numbering.marker(para)
            if style == "Title":
                blocks.append(f"# {text}")
            elif style.startswith("Heading") and marker is None:
                blocks.append(f"## {text}")
            elif marker is not None and level > 0 and blocks:
                blocks[-1] += "\n" + "   " * level + f"{marker} {text}"  # a sub-item stays in its parent
            elif marker is not None:
                blocks.append(f"{marker} {text}")
            elif style.startswith("List"):
                blocks.append(f"- {text}")
            else:
                blocks.append(text)
        elif tag == "tbl":
            blocks.extend(_table_rows(Table(child, doc)))
    props = doc.core_properties
    meta = {"title": props.title or None}
    return "\n\n".join(blocks), meta


def _table_rows(table) -> list[str]:
    """One block per row. In a table of items (first column "1", "2." or "a)", text in the second),
    the number becomes the item's marker and the header row ("N.°", "Acuerdo") is dropped; the
    paragraphs of a cell stay lines of its block."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is s for s in seen):  # merged cells repeat
                continue
            seen.append(cell._tc)
            lines = [" ".join(p.text.split()) for p in cell.paragraphs]
            value = "\n".join(l for l in lines if l)
            if value:
                cells.append(value)
        if cells:
            rows.append(cells)
    numbered = [r for r in rows if len(r) >= 2 and _CELL_MARKER.match(r[0])]
    item_table = len(numbered) >= max(1, len(rows) // 3)
    out: list[str] = []
    for k, cells in enumerate(rows):
        if item_table and len(cells) >= 2 and _CELL_MARKER.match(cells[0]):
            number = cells[0] if not cells[0][-1].isdigit() or "." in cells[0] else cells[0] + "."
            body = " ".join(cells[1:]).split("\n")
            out.append("\n".join([f"{number} {body[0]}"] + ["   " + line for line in body[1:]]))
        elif item_table and k == 0 and not any(r is cells for r in numbered) and len(cells) >= 2:
            continue  # header row of an item table
        else:
            out.append(" ".join(c.replace("\n", " ") for c in cells))
    return out


class _Numbering:
    """List markers Word draws from numbering.xml: numPr on the paragraph or its style, counters per list."""

    def __init__(self, doc) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in node.iter(f"{_W}lvl"):
                fmt, text, start = _val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", ""), _val(lvl, "start", "1")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (fmt, text, int(start) if start.isdigit() else 1)
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for node in root.iter(f"{_W}num"):
            ref = node.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[node.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def marker(self, para) -> tuple[str | None, int]:
        num_id, level = _num_pr(para)
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return None, 0
        fmt, text, _ = self.levels[num_id].get(level, ("decimal", f"%{level + 1}.", 1))
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, self.levels[num_id].get(level, ("", "", 1))[2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt == "bullet":
            return "-", level
        if fmt == "none":
            return None, level

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            lvl_fmt = self.levels[num_id].get(k, ("decimal", "", 1))[0]
            return _format(lvl_fmt, counters.get(k, 1))

        marker = re.sub(r"%(\d)", number, text).strip() or f"{counters[level]}."
        if re.fullmatch(r"\d+(?:\.\d+)*", marker):
            marker += "."
        return marker, level


def _val(node, name: str, default: str) -> str:
    child = node.find(f"{_W}{name}")
    return child.get(f"{_W}val", default) if child is not None else default


def _num_pr(para) -> tuple[str | None, int]:
    """(numId, ilvl) from the paragraph's properties, else from its style and the styles it is based on."""
    candidates = [para._p.pPr]
    style = para.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    num_id, level = None, None
    for ppr in candidates:
        if ppr is None or ppr.numPr is None:
            continue
        if num_id is None and ppr.numPr.numId is not None:
            num_id = str(ppr.numPr.numId.val)
        if level is None and ppr.numPr.ilvl is not None:
            level = int(ppr.numPr.ilvl.val)
    return num_id, level or 0


def _format(fmt: str, value: int) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        out = letters[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return out.upper() if fmt == "upperLetter" else out
    if fmt in ("lowerRoman", "upperRoman"):
        out = _roman(value)
        return out if fmt == "upperRoman" else out.lower()
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                            (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out
