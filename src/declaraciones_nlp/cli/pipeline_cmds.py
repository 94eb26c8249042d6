"""`ingest` (analysts) and `run` (the main job of `make run`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from ._util import KIND_HELP, DbOption, app, console, err_console, handle_errors, open_corpus, split_codes

if TYPE_CHECKING:
    from ..pipeline import IngestSummary


def overrides_from_options(
    parties: Optional[str], date: Optional[str], mechanism: Optional[str], title: Optional[str],
    kind: Optional[str] = None,
) -> dict:
    """Metadata given on the command line, which wins over what the file says."""
    values = {"parties": split_codes(parties), "date": date, "mechanism": mechanism, "title": title, "kind": kind}
    return {key: value for key, value in values.items() if value}


def print_summary(summary: IngestSummary) -> None:
    console.print(
        f"Read {summary.documents_read} documents, stored {summary.documents_stored} "
        f"({summary.items_stored} items), {len(summary.duplicates)} already stored, "
        f"{len(summary.refused)} refused, in {summary.seconds:.1f} s."
    )
    for path, message in summary.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(path)}: {escape(message)}", markup=True, highlight=False,
                          soft_wrap=True)
    for path, reason in summary.refused:
        message = reason if path in reason else f"{path}: {reason}"
        err_console.print(f"[red]refused[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)
    for path, confidence in summary.ocr:
        console.print(ocr_note(path, confidence), highlight=False, soft_wrap=True)
    for path, twin_id, method in summary.twins:
        console.print(f"{path}: translation of document {twin_id} (items aligned by {method}); "
                      "the pair counts once", highlight=False, soft_wrap=True)


def ocr_note(path: str, confidence: float) -> str:
    """One line saying that a file was read by OCR, and how sure the OCR was."""
    from ..schema import OCR_CHECK_BELOW

    advice = "check the items against the scan" if confidence < OCR_CHECK_BELOW else "items may still hold OCR errors"
    return f"{path}: read by OCR, mean word confidence {confidence:.0f}/100 ({advice})"


@app.command()
@handle_errors
def ingest(
    paths: List[Path] = typer.Argument(..., help="Declaration files or folders (searched recursively)."),
    db: Optional[str] = DbOption,
    model: Optional[Path] = typer.Option(None, "--model", help="Model directory (default: the current model)."),
    parties: Optional[str] = typer.Option(None, "--parties", help="Override the parties, e.g. PE,US."),
    date: Optional[str] = typer.Option(None, "--date", help="Override the date (YYYY-MM-DD or YYYY)."),
    mechanism: Optional[str] = typer.Option(None, "--mechanism", help="Override the mechanism."),
    title: Optional[str] = typer.Option(None, "--title", help="Override the title."),
    kind: Optional[str] = typer.Option(None, "--kind", help=KIND_HELP),
    ocr: bool = typer.Option(False, "--ocr", help="Read scanned PDFs with OCR (tesseract, Spanish and English)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes (default: up to the cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Read, segment, classify and store declarations; print a summary.

    Exits non-zero when any file was refused (the others are stored).
    """
    from ..classify import load_model
    from ..ingest import check_overrides

    overrides = overrides_from_options(parties, date, mechanism, title, kind)
    check_overrides(overrides)  # a mistyped value is refused before any database is created
    if ocr:
        overrides["ocr"] = True

    classifier = load_model(model)
    with open_corpus(db, create=True) as corpus:
        summary = corpus.ingest(paths, model=classifier, silent=quiet, workers=workers, **overrides)
    print_summary(summary)
    if summary.refused:
        raise typer.Exit(1)


@app.command()
@handle_errors
def run(
    db: Optional[str] = DbOption,
    between: str = typer.Option("PE,US", "--between", help="The pair whose axes the report proposes."),
) -> None:
    """The main job: train if needed, ingest corpus/raw/, print the axis table, write the report."""
    from ..jobs import run as run_job

    result = run_job(db, between, log=console.print)
    print_summary(result.summary)
    console.print(_pivot_table(result.table))
    a, b = result.report.proposal["between"]
    top = ", ".join(axis["axis"] for axis in result.report.proposal["axes"][:3])
    console.print(f"Proposed axes for {a}–{b}: {top}")
    console.print(f"Report: {result.paths[0]}")


def _pivot_table(rows) -> Table:
    """Items per pair of parties (rows) and axis (columns)."""
    from ..schema import LABELS

    pivot = rows.pivot_table(index="dyad", columns="axis", values="items", aggfunc="sum", fill_value=0)
    table = Table(title="Agreement items per pair and axis")
    table.add_column("pair")
    for axis in LABELS:
        table.add_column(axis, justify="right")
    for dyad, counts in pivot.iterrows():
        table.add_row(str(dyad), *[str(int(counts.get(axis, 0))) for axis in LABELS])
    return table
