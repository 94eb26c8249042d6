"""Generate the .pdf, .docx and .html versions of the declaration fixtures.

    python scripts/make_fixtures.py            # write tests/fixtures/declarations/*.{pdf,docx,html}
    python scripts/make_fixtures.py --expected # also (re)write name.expected.json from the .txt/.md

The PDFs are typeset like exported declarations: a running header and a page
number on every page, a fixed number of lines per page so that items run across
page breaks; a form feed in the source starts a new page (and then the source
carries its own headers and page numbers). The expected page of each item is
computed here from the typesetting, independently of the segmenter. Review any
`--expected` output by reading it before committing it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "declarations"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LINES_PER_PAGE = 16
DOCX = ("es_gabinete_numerado", "es_gabinete_ejes", "es_subitems", "en_joint_statement_done_at", "es_numeracion_guion")
HTML = ("es_gabinete_ejes", "es_vinetas", "en_press_release", "en_fact_sheet", "es_subitems")
_NUMBER = re.compile(r"^(\d{1,3}(?:\.-|\.|\)))\s+")
_BULLET = re.compile(r"^\s*([-•▪*]|o(?= [A-ZÁÉÍÓÚ]))\s+")
_SUB = re.compile(r"^\s+(?:[a-z]\)|[ivx]+\.)\s+")


def source_lines(path: Path) -> tuple[list[tuple[str, bool]], dict]:
    """(line, bold) pairs as a reader would see the declaration on paper: Markdown markup removed."""
    text = path.read_text(encoding="utf-8")
    front: dict = {}
    if text.startswith("---\n"):
        import yaml

        _, head, text = text.split("---\n", 2)
        front = yaml.safe_load(head)
    if path.suffix == ".txt":
        return [(line, False) for line in text.split("\n")], front
    lines: list[tuple[str, bool]] = [(str(front["title"]), True), ("", False)] if front.get("title") else []
    for line in text.strip("\n").split("\n"):
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        if re.fullmatch(r"\s*<!--.*-->\s*", line):
            lines.append(("", False))
            continue
        lead = re.match(r"^\*\*(.+?)\*{2,3}(?:[.*\s]*)(.*)$", line)
        if line.startswith("## "):
            lines.append((line[3:], True))
        elif lead and lead.group(2):
            lines += [(lead.group(1), True), ("", False), (lead.group(2), False)]
        elif lead:
            lines.append((lead.group(1), True))
        else:
            line = line.replace("**", "").replace("\\###", "###")
            lines.append((re.sub(r"^-   ", "• ", line), False))
    return lines, front


def layout_pages(lines: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Split lines into pages: at form feeds when the source has them, else every LINES_PER_PAGE lines."""
    if any("\f" in line for line, _ in lines):
        pages: list[list[tuple[str, bool]]] = [[]]
        for line, bold in lines:
            parts = line.split("\f")
            for k, part in enumerate(parts):
                if k:
                    pages.append([])
                if part or k == 0:
                    pages[-1].append((part, bold))
        return pages
    while lines and not lines[-1][0].strip():
        lines = lines[:-1]
    return [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]


def write_pdf(pages: list[list[tuple[str, bool]]], out: Path, running: bool) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1, tzinfo=__import__("datetime").timezone.utc))
    for number, page in enumerate(pages, start=1):
        pdf.add_page()
        if running:
            pdf.set_font("DejaVu", size=8)
            pdf.set_xy(20, 10)
            pdf.cell(0, 5, "Ministerio de Relaciones Exteriores del Perú — Documento oficial", align="C")
        pdf.set_xy(20, 25)
        for line, bold in page:
            pdf.set_font("DejaVu", "B" if bold else "", 10)
            pdf.set_x(20)
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        if running:
            pdf.set_font("DejaVu", size=8)
            pdf.set_xy(20, 280)
            pdf.cell(0, 5, f"- {number} -", align="C")
    pdf.output(str(out))


def blocks_of(lines: list[tuple[str, bool]]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line, _ in lines:
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    return [b for b in blocks if b]


def split_items(block: list[str]) -> list[str]:
    """Lines of a block grouped into list items (continuations and sub-items joined)."""
    items: list[str] = []
    for line in block:
        if (_NUMBER.match(line) or _BULLET.match(line)) and not _SUB.match(line):
            items.append(line.strip())
        elif items:
            items[-1] += " " + line.strip()
        else:
            items.append(line.strip())
    return items


def _is_heading(block: list[str], bold: set[str]) -> bool:
    text = " ".join(block)
    return block[0] in bold or (len(block) == 1 and text.upper() == text and not text.endswith((".", ":")))


def write_docx(lines: list[tuple[str, bool]], out: Path, table: bool) -> None:
    import docx

    doc = docx.Document()
    doc.core_properties.title = "Documento"
    bold = {line for line, b in lines if b}
    blocks = blocks_of(lines)
    rows: list[tuple[str, str]] = []
    for k, block in enumerate(blocks):
        if k == 0:
            for line in block:
                doc.add_paragraph(line.strip(), style="Title")
            continue
        marked = [i for i in split_items(block) if _NUMBER.match(i)]
        if table and marked:
            rows += [(m.group(1), i[m.end():]) for i in marked for m in [_NUMBER.match(i)]]
            continue
        if rows:
            _table(doc, rows)
            rows = []
        if _is_heading(block, bold):
            doc.add_paragraph(" ".join(l.strip() for l in block), style="Heading 2")
        elif _NUMBER.match(block[0]) or _BULLET.match(block[0]):
            for item in split_items(block):
                doc.add_paragraph(item)
        else:
            doc.add_paragraph(" ".join(l.strip() for l in block))
    if rows:
        _table(doc, rows)
    doc.save(str(out))


def _table(doc, rows: list[tuple[str, str]]) -> None:
    grid = doc.add_table(rows=0, cols=2)
    for number, text in rows:
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = number, text


def write_html(lines: list[tuple[str, bool]], out: Path) -> None:
    from html import escape

    bold = {line for line, b in lines if b}
    body: list[str] = []
    for k, block in enumerate(blocks_of(lines)):
        text = escape(" ".join(l.strip() for l in block))
        if k == 0:
            body.append(f"<h1>{text}</h1>")
        elif _is_heading(block, bold):
            body.append(f"<h2>{text}</h2>")
        elif _NUMBER.match(block[0]) or _BULLET.match(block[0]):
            items = split_items(block)
            tag = "ol" if _NUMBER.match(block[0]) else "ul"
            lis = "".join(f"<li>{escape(_NUMBER.sub('', _BULLET.sub('', i)) if tag == 'ul' else i)}</li>" for i in items)
            body.append(f"<{tag}>{lis}</{tag}>")
        else:
            body.append(f"<p>{text}</p>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"es\"><head><meta charset=\"utf-8\"><title>Cancillería</title>"
        "<script>var tracker = 'no';</script><style>body{font-family:sans-serif}</style></head>\n<body>\n"
        "<header><a href=\"/\">Inicio</a> | Sala de prensa</header>\n"
        "<nav><ul><li>Inicio</li><li>Comunicados</li><li>Contacto</li></ul></nav>\n"
        "<main>\n" + "\n".join(body) + "\n</main>\n"
        "<footer>© Ministerio de Relaciones Exteriores. Todos los derechos reservados.</footer>\n</body></html>\n"
    )
    out.write_text(page, encoding="utf-8")


def pdf_pages_of_items(pages: list[list[tuple[str, bool]]], texts: list[str]) -> list[int]:
    """Page on which each item's text begins, found by its first characters in the typeset lines."""
    stream, owner = "", []
    for number, page in enumerate(pages, start=1):
        for line, _ in page:
            piece = re.sub(r"\s+", " ", line.replace("**", "")).strip() + " "
            stream += piece
            owner += [number] * len(piece)
    out, cursor = [], 0
    for text in texts:
        probe = text[:25]
        at = stream.find(probe, cursor)
        if at < 0:
            raise SystemExit(f"cannot find {probe!r} in the typeset text")
        out.append(owner[at])
        cursor = at + 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expected", action="store_true", help="rewrite name.expected.json from the segmenter")
    args = parser.parse_args()
    sources = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md") and not p.stem.startswith("_"))
    for src in sources:
        lines, _ = source_lines(src)
        pages = layout_pages(lines)
        has_own_noise = any("\f" in line for line, _ in lines)
        write_pdf(pages, src.with_suffix(".pdf"), running=not has_own_noise)
        if src.stem in DOCX:
            write_docx(lines, src.with_suffix(".docx"), table=src.stem == "es_numeracion_guion")
        if src.stem in HTML:
            write_html(lines, src.with_suffix(".html"))
        expected_path = FIXTURES / f"{src.stem}.expected.json"
        if args.expected:
            sys.path.insert(0, str(REPO / "src"))
            from declaraciones_nlp.ingest import read_document
            from declaraciones_nlp.segment import segment

            doc = read_document(src)
            items = segment(doc)
            pdf_pages = pdf_pages_of_items(pages, [i.text for i in items])
            data = {
                "metadata": {k: doc.metadata()[k] for k in ("title", "date", "place", "parties", "mechanism", "edition", "lang")},
                "items": [
                    {"text": i.text, "section": i.section, "page": i.page, "pdf_page": p, "verb": i.verb, "act": i.act}
                    for i, p in zip(items, pdf_pages)
                ],
            }
            expected_path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{src.name}: {len(pages)} page(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
