"""`declaraciones segment`: print the agreement items of declaration files without storing them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ..errors import NoItemsFound
from ._util import TableJsonl, app, console, err_console, handle_errors, split_codes


@app.command()
@handle_errors
def segment(
    paths: list[Path] = typer.Argument(..., help="Declaration files or folders (.txt .md .pdf .docx .html .htm)."),
    format: TableJsonl = typer.Option(TableJsonl.table, "--format", "-f", help="table (default) or jsonl."),
    parties: Optional[str] = typer.Option(None, "--parties", help="Override the parties, e.g. PE,US."),
    date: Optional[str] = typer.Option(None, "--date", help="Override the date (YYYY-MM-DD)."),
    mechanism: Optional[str] = typer.Option(None, "--mechanism", help="Override the mechanism."),
    title: Optional[str] = typer.Option(None, "--title", help="Override the title."),
    ocr: bool = typer.Option(False, "--ocr", help="Read scanned PDFs with OCR (tesseract, Spanish and English)."),
) -> None:
    """Split declarations into agreement items and print them (nothing is stored)."""
    from ..ingest import iter_input_files, read_document
    from ..segment import segment_accounted

    overrides = {"parties": split_codes(parties), "date": date, "mechanism": mechanism, "title": title}
    for path in iter_input_files(paths):
        document = read_document(path, overrides, ocr=ocr)
        if document.ocr_confidence is not None:
            from .pipeline_cmds import ocr_note

            err_console.print(ocr_note(str(path), document.ocr_confidence), highlight=False, soft_wrap=True)
        found = segment_accounted(document)
        items = found.items
        for warning in found.warnings(str(path)):
            err_console.print(f"warning: {warning}", highlight=False, soft_wrap=True)
        if not items:
            raise NoItemsFound(str(path), "no agreement items found")
        if format is TableJsonl.jsonl:
            for item in items:
                row = {"doc": document.id, "file": str(path), "n": item.n, "text": item.text, "section": item.section,
                       "page": item.page, "start": item.start, "end": item.end, "lang": item.lang, "verb": item.verb,
                       "act": item.act, "ocr_confidence": document.ocr_confidence}
                typer.echo(json.dumps(row, ensure_ascii=False))
            continue
        meta = f"{document.date or '?'} · {','.join(document.parties) or '?'} · {document.mechanism or '?'}"
        table = Table(title=f"{path.name} — {document.title or ''}\n{meta} · {len(items)} items", show_lines=False)
        for column in ("n", "page", "section", "verb", "act", "text"):
            table.add_column(column, overflow="fold", no_wrap=column in ("n", "page"))
        for item in items:
            table.add_row(str(item.n), str(item.page), item.section or "", item.verb or "", item.act, item.text)
        console.print(table)
