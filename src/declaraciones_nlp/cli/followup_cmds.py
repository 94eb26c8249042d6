"""`declaraciones seguimiento` (alias `followup`): the follow-up register of a mechanism's commitments."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from ..errors import InputError
from ._util import DbOption, app, console, err_console, handle_errors, open_corpus, print_error, records

if TYPE_CHECKING:
    import pandas as pd


def plain(value):
    """`records.plain` (NaN and NA as None), imported on use: pandas loads only for the commands that read."""
    from ..records import plain as to_plain

    return to_plain(value)


class RegisterFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


class ActaFormat(str, Enum):
    md = "md"
    docx = "docx"


followup_app = typer.Typer(
    help="The follow-up register: each commitment of a mechanism, its status at later meetings "
         "(done, repeated, no news, pending), with evidence; statuses set by people win.",
    invoke_without_command=True, no_args_is_help=False, add_completion=False,
)


@followup_app.callback()
@handle_errors
def followup(
    ctx: typer.Context,
    dyad: Optional[str] = typer.Option(None, "--dyad", help="The pair, e.g. PE-EC (default: every pair)."),
    mechanism: Optional[str] = typer.Option(None, "--mechanism", help="Only the mechanism whose name contains this."),
    status: Optional[str] = typer.Option(None, "--status", help="Only this status (done, repeated, no_news, pending)."),
    fmt: RegisterFormat = typer.Option(RegisterFormat.table, "--format", help="Output format."),
    db: Optional[str] = DbOption,
) -> None:
    """List the register: every commitment with responsible institutions, deadline, status and evidence.

    Examples: `declaraciones seguimiento --dyad PE-EC`, `declaraciones followup --dyad PE-BO --format csv`.
    Subcommands: `rates`, `acta`, `set`, `import`.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_corpus(db) as corpus:
        frame = corpus.followup(dyad=dyad, mechanism=mechanism, status=status)
    _print_register(frame, fmt)


def _print_register(frame: pd.DataFrame, fmt: RegisterFormat) -> None:
    if fmt is RegisterFormat.json:
        typer.echo(json.dumps(records(frame), ensure_ascii=False, indent=2))
        return
    flat = frame.copy()
    for col in ("axes", "institutions"):
        flat[col] = flat[col].map(lambda values: "; ".join(values))
    if fmt is RegisterFormat.csv:
        typer.echo(flat.to_csv(index=False), nl=False)
        return
    if fmt is RegisterFormat.md:
        typer.echo(_markdown(flat))
        return
    if frame.empty:
        err_console.print("no commitments found", highlight=False)
        return
    table = Table(show_lines=False)
    for column in ("ref", "meeting", "status", "confidence", "responsible", "deadline", "evidence", "commitment"):
        table.add_column(column, overflow="fold")
    for _, row in flat.iterrows():
        status = f"{row['status']} (human: {row['set_by']})" if row["human"] else row["status"]
        confidence = "" if plain(row["confidence"]) is None else f"{row['confidence']:.2f}"
        evidence = "" if plain(row["evidence_n"]) is None else f"{row['evidence_meeting']} #{int(row['evidence_n'])}"
        text = row["text"] if len(row["text"]) <= 140 else row["text"][:137] + "..."
        table.add_row(row["ref"], row["meeting"], status, confidence, row["institutions"] or "",
                      plain(row["deadline"]) or "", evidence, text)
    console.print(table, highlight=False)


def _markdown(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    columns = columns or ["ref", "meeting", "status", "human", "confidence", "institutions", "deadline",
                          "evidence_meeting", "evidence_n", "text"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        cells = ["" if plain(row[c]) is None else str(row[c]).replace("|", "\\|").replace("\n", " ") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@followup_app.command("rates")
@handle_errors
def rates_cmd(
    by: str = typer.Option("meeting", "--by", help="meeting, axis or institution."),
    dyad: Optional[str] = typer.Option(None, "--dyad", help="The pair, e.g. PE-EC."),
    mechanism: Optional[str] = typer.Option(None, "--mechanism", help="Only the mechanism whose name contains this."),
    fmt: RegisterFormat = typer.Option(RegisterFormat.table, "--format", help="Output format."),
    db: Optional[str] = DbOption,
) -> None:
    """Compliance rates: commitments, done, repeated, no news, pending and the share done, per meeting, axis or institution."""
    with open_corpus(db) as corpus:
        frame = corpus.followup_rates(by=by, dyad=dyad, mechanism=mechanism)
    if fmt is RegisterFormat.json:
        typer.echo(json.dumps(records(frame), ensure_ascii=False, indent=2))
    elif fmt is RegisterFormat.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    elif fmt is RegisterFormat.md:
        typer.echo(_markdown(frame, list(frame.columns)))
    elif frame.empty:
        err_console.print("no commitments found", highlight=False)
    else:
        typer.echo(frame.to_string(index=False))


@followup_app.command("acta")
@handle_errors
def acta_cmd(
    doc: str = typer.Option(..., "--doc", help="The meeting's document id (see `declaraciones documents`)."),
    fmt: ActaFormat = typer.Option(ActaFormat.md, "--format", help="md or docx."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write to this file (needed for docx)."),
    db: Optional[str] = DbOption,
) -> None:
    """The acta of a meeting: its commitments, responsible institutions, deadlines and status at the next meeting."""
    if fmt is ActaFormat.docx and out is None:
        raise InputError("--out", "a .docx acta needs --out FILE")
    with open_corpus(db) as corpus:
        result = corpus.acta(doc, fmt.value, out)
    if out is None:
        typer.echo(result)
    else:
        err_console.print(f"wrote {out}", highlight=False)


@followup_app.command("set")
@handle_errors
def set_cmd(
    ref: str = typer.Argument(..., help="The commitment's reference, as in the register's `ref` column (doc id#item)."),
    status: str = typer.Option(..., "--status", help="done, repeated, no_news or pending (or cumplido, reiterado…)."),
    by: str = typer.Option(..., "--by", help="Who sets it (a name)."),
    note: Optional[str] = typer.Option(None, "--note", help="Why, or where it is reported."),
    date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    db: Optional[str] = DbOption,
) -> None:
    """Set or correct a commitment's status; it wins over the automatic one and survives re-ingestion."""
    with open_corpus(db) as corpus:
        row = corpus.set_followup_status(ref, status, by, note=note, set_on=date, source="cli")
    console.print(f"{ref}: {row['status']} (set by {row['set_by']}, {row['set_on']})", highlight=False)


@followup_app.command("import")
@handle_errors
def import_cmd(
    path: Path = typer.Argument(..., help="CSV with columns ref, status, note (comma or semicolon)."),
    by: str = typer.Option(..., "--by", help="Who reports these statuses (a name)."),
    db: Optional[str] = DbOption,
) -> None:
    """Import a follow-up report as CSV: every row is checked; one line per bad row, and then nothing is changed."""
    from ..followup import BadRows

    with open_corpus(db) as corpus:
        try:
            count = corpus.import_followup(path, by)
        except BadRows as exc:
            for line in exc.lines:
                print_error(line)
            err_console.print(f"{path}: {len(exc.lines)} bad row(s); nothing changed", highlight=False)
            raise typer.Exit(1)
    console.print(f"{count} status(es) recorded from {path}", highlight=False)


app.add_typer(followup_app, name="seguimiento")
app.add_typer(followup_app, name="followup", help="Alias of `seguimiento`: the follow-up register.")
