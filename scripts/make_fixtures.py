"""Generate the .pdf, .docx and .html versions of the declaration fixtures.

    python scripts/make_fixtures.py            # write tests/fixtures/declarations/*.{pdf,docx,html}
    python scripts/make_fixtures.py --expected # also (re)write name.expected.json from the .txt/.md
    python scripts/make_fixtures.py --shapes   # only tests/fixtures/shapes/: PDFs, Word files, PDF pages
    python scripts/make_fixtures.py --scanned  # only tests/fixtures/scanned/: image-only PDFs of fixture PDFs

Shapes (tests/fixtures/shapes/) have hand-written `name.expected.json`; this
script never writes their items, it only fills each item's `pdf_page` from the
typesetting (found by the item's first characters in the typeset lines).

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


SHAPES = REPO / "tests" / "fixtures" / "shapes"
_FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s")
_SPLIT_LINE = re.compile(r"^(\S.*?\S)\s{3,}(\S.*)$")


def write_pdf_noisy(src: Path, out: Path) -> list[list[tuple[str, bool]]]:
    """A PDF from a source with its own page breaks (form feeds): the first line of each page is a
    header in two columns (left text, right "Página n de m"), lines starting with a superscript
    digit are footnotes set small at the foot, the last line is a footer."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1, tzinfo=__import__("datetime").timezone.utc))
    pages: list[list[tuple[str, bool]]] = []
    for raw in src.read_text(encoding="utf-8").rstrip("\n").split("\f"):
        lines = raw.split("\n")
        header, body, footer = lines[0], lines[1:-1], lines[-1]
        notes = [l for l in body if _FOOTNOTE.match(l)]
        body = [l for l in body if not _FOOTNOTE.match(l)]
        pages.append([(l, False) for l in body])
        pdf.add_page()
        pdf.set_font("DejaVu", size=8)
        m = _SPLIT_LINE.match(header)
        pdf.set_xy(20, 10)
        pdf.cell(85, 5, m.group(1) if m else header)
        if m:
            pdf.set_xy(105, 10)
            pdf.cell(85, 5, m.group(2), align="R")
        pdf.set_xy(20, 25)
        pdf.set_font("DejaVu", size=10)
        for line in body:
            pdf.set_x(20)
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=7)
        pdf.set_xy(20, 265)
        for note in notes:
            pdf.set_x(20)
            pdf.cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(20, 280)
        pdf.cell(0, 5, footer, align="C")
    pdf.output(str(out))
    return pages


def _number_format(fmt: str, value: int) -> str:
    if fmt == "lowerLetter":
        return "abcdefghijklmnopqrstuvwxyz"[value - 1]
    return str(value)


def _add_multilevel_numbering(doc) -> int:
    """A Word multilevel list ("1." then "a)") as Word writes it; returns its numId."""
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = doc.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (k + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for k, (fmt, text) in enumerate([("decimal", "%1."), ("lowerLetter", "%2)")])
    )
    abstract = parse_xml(f'<w:abstractNum {ns} w:abstractNumId="90"><w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>')
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    first_num.addprevious(abstract)
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def _numbered(paragraph, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {ns}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _bold_paragraph(doc, text: str, center: bool = False) -> None:
    para = doc.add_paragraph()
    para.add_run(text).bold = True
    if center:
        para.alignment = 1


def write_docx_table(src: Path, out: Path) -> None:
    """Items in a two-column table (number | text) under a header row; axis names as merged rows;
    sub-items as further paragraphs of the text cell."""
    import docx

    doc = docx.Document()
    doc.core_properties.title = "Acta"
    blocks = blocks_of([(l, False) for l in src.read_text(encoding="utf-8").split("\n")])
    grid = None
    for block in blocks:
        first = block[0]
        if "\t" in first and grid is None:
            grid = doc.add_table(rows=1, cols=2)
            grid.style = "Table Grid"
            grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = first.split("\t")
            continue
        if grid is not None and (m := re.match(r"^(\d+)\t(.*)$", first)):
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = m.group(1), m.group(2)
            for line in block[1:]:
                cells[1].add_paragraph(line.strip())
            continue
        if grid is not None and first.isupper():
            cells = grid.add_row().cells
            merged = cells[0].merge(cells[1])
            merged.text = first
            merged.paragraphs[0].runs[0].bold = True
            continue
        if grid is not None:
            grid = None
        text = " ".join(l.strip() for l in block)
        if block is blocks[0]:
            _bold_paragraph(doc, text, center=True)
        else:
            doc.add_paragraph(text)
    doc.save(str(out))


def write_docx_autonumbered(src: Path, out: Path) -> None:
    """Items numbered by Word (no number characters in the text): the first axis as a multilevel
    list on "List Paragraph" with sub-items at level 2 ("a)"), the second with style "List Number";
    axis headings as bold Normal paragraphs."""
    import docx

    doc = docx.Document()
    num_id = _add_multilevel_numbering(doc)
    blocks = blocks_of([(l, False) for l in src.read_text(encoding="utf-8").split("\n")])
    axis = 0
    for k, block in enumerate(blocks):
        text = " ".join(l.strip() for l in block)
        if k == 0:
            _bold_paragraph(doc, text, center=True)
        elif block[0].isupper() and len(block) == 1:
            axis += 1
            _bold_paragraph(doc, text)
        elif (m := _NUMBER.match(block[0])):
            main = [block[0][m.end():]] + [l.strip() for l in block[1:] if not _SUB.match(l)]
            subs = [re.sub(r"^\s*[a-z]\)\s+", "", l) for l in block[1:] if _SUB.match(l)]
            if axis == 1:
                _numbered(doc.add_paragraph(" ".join(main), style="List Paragraph"), num_id, 0)
                for sub in subs:
                    _numbered(doc.add_paragraph(sub, style="List Paragraph"), num_id, 1)
            else:
                doc.add_paragraph(" ".join(main), style="List Number")
        else:
            doc.add_paragraph(text)
    doc.save(str(out))


def make_shapes() -> int:
    """tests/fixtures/shapes: a PDF of every .txt (the noisy one typeset with its own page furniture),
    the Word files, and each expected item's `pdf_page`."""
    for src in sorted(SHAPES.glob("*.txt")):
        expected_path = SHAPES / f"{src.stem}.expected.json"
        if "\f" in src.read_text(encoding="utf-8"):
            pages = write_pdf_noisy(src, src.with_suffix(".pdf"))
        else:
            lines, _ = source_lines(src)
            pages = layout_pages([(l.replace("\t", "    "), b) for l, b in lines])
            write_pdf(pages, src.with_suffix(".pdf"), running=True)
        if src.stem == "es_tabla":
            write_docx_table(src, src.with_suffix(".docx"))
        if src.stem == "es_lista_automatica":
            write_docx_autonumbered(src, src.with_suffix(".docx"))
        if expected_path.exists():
            data = json.loads(expected_path.read_text(encoding="utf-8"))
            numbers = pdf_pages_of_items(pages, [i["text"] for i in data["items"]])
            for item, number in zip(data["items"], numbers):
                item["pdf_page"] = number
            expected_path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{src.name}: {len(pages)} page(s)")
    return 0


SCANNED = (("declarations", "es_gabinete_ejes"), ("shapes", "en_declaracion_saltos"))


def make_scanned() -> int:
    """tests/fixtures/scanned/NAME.pdf: a fixture PDF rendered to bilevel images (poppler's pdftoppm,
    150 dpi) and rebuilt as an image-only PDF, as a scanner would give it: no text layer."""
    import subprocess
    import tempfile

    from PIL import Image

    out_dir = REPO / "tests" / "fixtures" / "scanned"
    out_dir.mkdir(exist_ok=True)
    for folder, stem in SCANNED:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(REPO / "tests" / "fixtures" / folder / f"{stem}.pdf"),
                            f"{tmp}/page"], check=True)
            pages = [Image.open(p).convert("1") for p in sorted(Path(tmp).glob("page*.png"))]
            pages[0].save(out_dir / f"{stem}.pdf", "PDF", resolution=150.0, save_all=True, append_images=pages[1:])
        print(f"scanned/{stem}.pdf: {len(pages)} page(s)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expected", action="store_true", help="rewrite name.expected.json from the segmenter")
    parser.add_argument("--shapes", action="store_true", help="only generate the files of tests/fixtures/shapes")
    parser.add_argument("--scanned", action="store_true", help="only generate the image-only PDFs of tests/fixtures/scanned")
    args = parser.parse_args()
    if args.scanned:
        return make_scanned()
    if args.shapes:
        return make_shapes()
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
