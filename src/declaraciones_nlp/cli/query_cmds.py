"""Commands for ministry staff: freq, search, export, remove (`documents` is in documents_cmds)."""
from __future__ import annotations

import csv
import functools
import inspect
import io
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

import typer
from rich.table import Table

from ..errors import InputError
from ..filters import Filters
from ..schema import AXIS_SHORT_ES
from ._util import DbOption, TableCsvJson, TableJsonl, app, console, err_console, handle_errors, open_corpus, records

if TYPE_CHECKING:  # pragma: no cover - annotations only: pandas is imported by the commands that use it
    import pandas as pd

    from ..query import FreqTable

# The filters every query command takes, declared once; `with_filters` adds them to a command.
FILTER_OPTIONS: dict[str, tuple[type, Any]] = {
    "dyad": (str, typer.Option(None, "--dyad", help="Only this pair of countries, e.g. PE-CO (order does not matter).")),
    "country": (str, typer.Option(None, "--country", help="Only documents where this country (ISO code) is a party.")),
    "since": (str, typer.Option(None, "--since", help="From this year or date (YYYY, YYYY-MM, YYYY-MM-DD), inclusive.")),
    "until": (str, typer.Option(None, "--until", help="Up to this year or date, inclusive.")),
    "mechanism": (str, typer.Option(None, "--mechanism", help="Mechanism name contains this text (accents ignored).")),
    "axis": (str, typer.Option(None, "--axis", help="Only items on this axis: security, governance, trade, "
                                                    "environment, borders or other.")),
    "act": (str, typer.Option(None, "--act", help="Only items of this act: commitment, reaffirmation, "
                                                  "acknowledgement, concern, other.")),
    "lang": (str, typer.Option(None, "--lang", help="Only items in this language (es, en).")),
    "min_score": (float, typer.Option(None, "--min-score", help="Count an item for an axis when its score is at "
                                                                "least this (0-1) instead of the assigned labels.")),
    "model_version": (str, typer.Option(None, "--model-version",
                                        help="Labels of this model version (default: the current model).")),
    "twins": (str, typer.Option(None, "--twins", help="A declaration stored in two languages counts once, "
                                                      "in Spanish: `en` keeps the English text, `both` counts both.")),
}


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


def with_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the filter options above, passed to it as one `filters: Filters` argument."""
    signature = inspect.signature(command)
    keyword = inspect.Parameter.KEYWORD_ONLY  # Typer passes every value by name
    own = [p.replace(kind=keyword) for p in signature.parameters.values() if p.name != "filters"]
    shared = [
        inspect.Parameter(name, keyword, default=option, annotation=Optional[kind])
        for name, (kind, option) in FILTER_OPTIONS.items()
    ]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        values = {name: kwargs.pop(name) for name in FILTER_OPTIONS}
        return command(filters=Filters(**{k: v for k, v in values.items() if v is not None}), **kwargs)

    # Typer reads the options from the signature: the command's own, the filters, then --db
    ordered = [p for p in own if p.name != "db"] + shared + [p for p in own if p.name == "db"]
    wrapper.__signature__ = signature.replace(parameters=ordered)
    return wrapper


def _print_frame(frame: pd.DataFrame, fmt: TableCsvJson, as_table: Callable[[pd.DataFrame], Table]) -> None:
    """`frame` on stdout as JSON (a list of row objects), CSV, or the rich table `as_table` makes."""
    if fmt is TableCsvJson.json:
        typer.echo(json.dumps(records(frame), ensure_ascii=False, indent=2))
    elif fmt is TableCsvJson.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        console.print(as_table(frame))


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if value is None or (not isinstance(value, str) and value != value):  # None, NaN
        return "—"
    return str(value)


@app.command("freq")
@handle_errors
@with_filters
def freq_cmd(
    filters: Filters,
    by: Optional[list[str]] = typer.Option(None, "--by", help="Group by axis, dyad, country, year, mechanism "
                                                              "or act; repeat it (--by axis --by year). Default: axis."),
    fmt: TableCsvJson = typer.Option(TableCsvJson.table, "--format",
                                     help="Output: table, csv or json (a list of row objects)."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Also draw a bar chart to FILE.png or FILE.svg."),
    share_of: str = typer.Option("group", "--share-of", help="By axis and another field: the share within each "
                                 "group (share_in_dyad, default) or of all the filtered items (all)."),
    db: Optional[str] = DbOption,
) -> None:
    """How many agreement items fall in each group, and their share of the filtered items
    (by axis and another field: of the group's axis labels, column share_in_FIELD).

    Example: declaraciones freq --by axis --by year --country CO --since 2014
    """
    from ..query import check_by

    fields = check_by(by or ["axis"])
    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise InputError("--chart", f"a chart is written as .png or .svg, not {chart.name!r}")
    # plain rows, no DataFrame: pandas is imported only to draw a chart
    with open_corpus(db) as corpus:  # a mistyped --db is refused in one line, as by every reading command
        table = corpus.freq_rows(fields, filters, share_of)
        if chart is not None:
            from ..charts import bar_chart

            bar_chart(corpus.freq(fields, filters, share_of), chart)
            err_console.print(f"chart written to {chart}", highlight=False)
    if fmt is TableCsvJson.json:
        typer.echo(json.dumps(table.records(), ensure_ascii=False, indent=2))
    elif fmt is TableCsvJson.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(["" if value is None else value for value in row] for row in table.rows)
        typer.echo(out.getvalue(), nl=False)
    else:
        console.print(_freq_table(table))


def _freq_table(freq: FreqTable) -> Table:
    table = Table(title=f"{freq.total} agreement items")
    for column in freq.columns:
        table.add_column(column, justify="right" if column in ("items", "year") or column.startswith("share")
                         else "left")
    for row in freq.rows:
        cells = []
        for column, value in zip(freq.columns, row):
            if column.startswith("share"):
                cells.append(f"{value * 100:.1f} %")
            elif column == "axis":
                cells.append(f"{value} ({AXIS_SHORT_ES.get(value, value)})")
            else:
                cells.append(_cell(value))
        table.add_row(*cells)
    return table


@app.command("search")
@handle_errors
@with_filters
def search_cmd(
    filters: Filters,
    query: str = typer.Argument(..., help="Words to find (all of them; accents and case ignored)."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many hits (newest documents first)."),
    fmt: TableJsonl = typer.Option(TableJsonl.table, "--format",
                                   help="Output: table or jsonl (one JSON object per hit)."),
    db: Optional[str] = DbOption,
) -> None:
    """Find agreement items by their words ("mineria" finds "minería"), with their source and labels.

    Example: declaraciones search "minería ilegal" --country CO
    """
    with open_corpus(db) as corpus:
        hits = corpus.search(query, limit=limit, filters=filters)
    if fmt is TableJsonl.jsonl:
        for row in records(hits):
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"{len(hits)} hits for {query!r}", show_lines=True)
    for column in ("document", "date", "parties", "page", "labels"):
        table.add_column(column, overflow="fold", no_wrap=column in ("date", "parties", "page"))
    table.add_column("text", overflow="fold", ratio=3)
    for row in records(hits):
        table.add_row(f"{_cell(row['title'])}\n{row['doc_id']} #{row['n']}", _cell(row["date"]),
                      _cell(row["parties"]), _cell(row["page"]), _cell(row["labels"]), row["text"])
    console.print(table)


@app.command("export")
@handle_errors
@with_filters
def export_cmd(
    filters: Filters,
    out: Path = typer.Option(..., "--out", help="File to write (csv, xlsx or parquet)."),
    fmt: Optional[ExportFormat] = typer.Option(None, "--format",
                                               help="csv, xlsx or parquet (default: from the --out suffix)."),
    db: Optional[str] = DbOption,
) -> None:
    """Write the item × axis table: one row per item, its source, a 0/1 column per axis and the scores.

    Example: declaraciones export --format xlsx --out acuerdos.xlsx --dyad PE-CO
    """
    kind = fmt.value if fmt else out.suffix.lstrip(".").lower()
    from ..query import EXPORT_FORMATS

    if kind not in EXPORT_FORMATS:
        raise InputError("--format", f"give --format {'|'.join(EXPORT_FORMATS)} or an --out file with that suffix")
    with open_corpus(db) as corpus:
        path = corpus.export(out, kind, filters)
    err_console.print(f"wrote {path}", highlight=False)


@app.command("remove")
@handle_errors
def remove_cmd(
    doc_id: str = typer.Argument(..., metavar="DOC", help="Id of the document to remove (see `documents`)."),
    db: Optional[str] = DbOption,
) -> None:
    """Remove one document with its items and labels."""
    with open_corpus(db) as corpus:
        count = corpus.remove(doc_id)
    console.print(f"removed {doc_id} ({count} items)", highlight=False)
