"""`declaraciones documents`: list the stored declarations; `documents set-meta` corrects one;
`documents find-twins` links the translations among them."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from ._util import KIND_HELP, DbOption, TableCsvJson, app, console, handle_errors, open_corpus, records

if TYPE_CHECKING:
    import pandas as pd
from .query_cmds import _cell, _print_frame

documents_app = typer.Typer(
    help="List the stored declarations: id, date, parties, mechanism, title and number of items. "
         "`documents set-meta ID --parties PE,EC` corrects one document's metadata; "
         "`documents find-twins` links the declarations stored in two languages.",
    invoke_without_command=True,
)
app.add_typer(documents_app, name="documents")


@documents_app.callback()
@handle_errors
def documents_cmd(
    ctx: typer.Context,
    fmt: TableCsvJson = typer.Option(TableCsvJson.table, "--format", help="Output: table, csv or json."),
    db: Optional[str] = DbOption,
) -> None:
    """List the stored declarations: id, date, parties, mechanism, title and number of items."""
    if ctx.invoked_subcommand is not None:
        return
    with open_corpus(db) as corpus:
        frame = corpus.documents()
    _print_frame(frame, fmt, _documents_table)


def _documents_table(frame: pd.DataFrame) -> Table:
    columns = ("id", "date", "dyad", "mechanism", "title", "items", "twin")
    table = Table(title=f"{len(frame)} documents")
    for column in columns:
        table.add_column(column, justify="right" if column == "items" else "left", overflow="fold",
                         no_wrap=column in ("id", "date", "dyad", "items"))
    for row in records(frame):
        table.add_row(*[_cell(row[c]) for c in columns])
    return table


@documents_app.command("set-meta")
@handle_errors
def set_meta_cmd(
    doc_id: str = typer.Argument(..., metavar="DOC", help="Id of the document to correct (see `documents`)."),
    parties: Optional[str] = typer.Option(None, "--parties", help="The parties, e.g. PE,EC (ISO codes, two or more)."),
    date: Optional[str] = typer.Option(None, "--date", help="The date (YYYY-MM-DD, YYYY-MM or YYYY)."),
    title: Optional[str] = typer.Option(None, "--title", help="The title."),
    mechanism: Optional[str] = typer.Option(None, "--mechanism", help="The mechanism."),
    edition: Optional[str] = typer.Option(None, "--edition", help="The edition, e.g. 'IV Gabinete Binacional'."),
    place: Optional[str] = typer.Option(None, "--place", help="Where it was signed."),
    kind: Optional[str] = typer.Option(None, "--kind", help=KIND_HELP),
    note: Optional[str] = typer.Option(None, "--note", help="Why (kept with the correction)."),
    db: Optional[str] = DbOption,
) -> None:
    """Correct a stored document's metadata. The correction is recorded, counts and reports reflect
    it at once, and it is applied again if the same text is removed and ingested anew.

    Example: declaraciones documents set-meta 3f2a9c1d0b7e4a55 --parties PE,EC --date 2018-10-26
    """
    changes = {"parties": parties, "date": date, "title": title, "mechanism": mechanism, "edition": edition,
               "place": place, "kind": kind}
    with open_corpus(db) as corpus:
        changed = corpus.correct(doc_id, note=note, **{k: v for k, v in changes.items() if v is not None})
    for field, (old, new) in changed.items():
        console.print(f"{doc_id} {field}: {old or '—'} → {new}", highlight=False)


@documents_app.command("find-twins")
@handle_errors
def find_twins_cmd(db: Optional[str] = DbOption) -> None:
    """Look for translations among the stored documents (a store filled before they were detected
    at ingestion): each pair found counts once from now on, as it would had it been found then.

    Example: declaraciones documents find-twins
    """
    with open_corpus(db) as corpus:
        linked = corpus.find_twins()
        total = len(corpus.twins())
    for row in records(linked):
        console.print(f"{row['doc_a']} ({row['lang_a']}) and {row['doc_b']} ({row['lang_b']}): translations "
                      f"(items aligned by {row['method']}, score {row['score']:.2f}); {row['counted']} is counted",
                      highlight=False, soft_wrap=True)
    console.print(f"{len(linked)} new pairs of translations; {total} in all.", highlight=False)
