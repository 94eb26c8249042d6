"""Commands for ministry staff: freq, search, export, documents, remove."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from enum import Enum

import pandas as pd
import typer
from rich.table import Table

from ..errors import InputError
from ..query import EXPORT_FORMATS, Filters, check_by, export, freq, search, to_records
from ..schema import AXIS_SHORT_ES
from ..store import Store
from ._util import DbOption, app, console, err_console, handle_errors

DyadOption = typer.Option(None, "--dyad", help="Only this pair of countries, e.g. PE-CO (order does not matter).")
CountryOption = typer.Option(None, "--country", help="Only documents where this country (ISO code) is a party.")
SinceOption = typer.Option(None, "--since", help="From this year or date (YYYY, YYYY-MM, YYYY-MM-DD), inclusive.")
UntilOption = typer.Option(None, "--until", help="Up to this year or date, inclusive.")
MechanismOption = typer.Option(None, "--mechanism", help="Mechanism name contains this text (accents ignored).")
AxisOption = typer.Option(None, "--axis", help="Only items on this axis: security, governance, trade, "
                                               "environment, borders or other.")
ActOption = typer.Option(None, "--act", help="Only items of this act: commitment, reaffirmation, "
                                             "acknowledgement, concern, other.")
LangOption = typer.Option(None, "--lang", help="Only items in this language (es, en).")
MinScoreOption = typer.Option(None, "--min-score", help="Count an item for an axis when its score is at "
                                                        "least this (0-1) instead of the assigned labels.")
ModelOption = typer.Option(None, "--model-version", help="Labels of this model version (default: the current model).")


class FreqFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class SearchFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


def _filters(**kwargs: Any) -> Filters:
    return Filters(**{key: value for key, value in kwargs.items() if value is not None})


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(value)


@app.command("freq")
@handle_errors
def freq_cmd(
    by: Optional[list[str]] = typer.Option(None, "--by", help="Group by axis, dyad, country, year, mechanism "
                                                              "or act; repeat it (--by axis --by year). Default: axis."),
    dyad: Optional[str] = DyadOption,
    country: Optional[str] = CountryOption,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    mechanism: Optional[str] = MechanismOption,
    axis: Optional[str] = AxisOption,
    act: Optional[str] = ActOption,
    lang: Optional[str] = LangOption,
    min_score: Optional[float] = MinScoreOption,
    model_version: Optional[str] = ModelOption,
    fmt: FreqFormat = typer.Option(FreqFormat.table, "--format",
                                   help="Output: table, csv or json (a list of row objects)."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Also draw a bar chart to FILE.png or FILE.svg."),
    db: Optional[str] = DbOption,
) -> None:
    """How many agreement items fall in each group, and their share of the filtered items.

    Example: declaraciones freq --by axis --by year --country CO --since 2014
    """
    filters = _filters(dyad=dyad, country=country, since=since, until=until, mechanism=mechanism, axis=axis,
                       act=act, lang=lang, min_score=min_score, model_version=model_version)
    fields = check_by(by or ["axis"])
    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise InputError("--chart", f"a chart is written as .png or .svg, not {chart.name!r}")
    with Store(db) as store:
        frame = freq(store, fields, filters)
    if chart is not None:
        from ..charts import bar_chart

        bar_chart(frame, chart)
        err_console.print(f"chart written to {chart}", highlight=False)
    if fmt is FreqFormat.json:
        typer.echo(json.dumps(to_records(frame), ensure_ascii=False, indent=2))
    elif fmt is FreqFormat.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        table = Table(title=f"{frame.attrs.get('total', 0)} agreement items")
        for column in frame.columns:
            table.add_column(column, justify="right" if column in ("items", "share", "year") else "left")
        for row in to_records(frame):
            cells = []
            for column in frame.columns:
                value = row[column]
                if column == "share":
                    cells.append(f"{value * 100:.1f} %")
                elif column == "axis":
                    cells.append(f"{value} ({AXIS_SHORT_ES.get(value, value)})")
                else:
                    cells.append(_cell(value))
            table.add_row(*cells)
        console.print(table)


@app.command("search")
@handle_errors
def search_cmd(
    query: str = typer.Argument(..., help="Words to find (all of them; accents and case ignored)."),
    dyad: Optional[str] = DyadOption,
    country: Optional[str] = CountryOption,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    mechanism: Optional[str] = MechanismOption,
    axis: Optional[str] = AxisOption,
    act: Optional[str] = ActOption,
    lang: Optional[str] = LangOption,
    min_score: Optional[float] = MinScoreOption,
    model_version: Optional[str] = ModelOption,
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many hits (newest documents first)."),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format",
                                     help="Output: table or jsonl (one JSON object per hit)."),
    db: Optional[str] = DbOption,
) -> None:
    """Find agreement items by their words ("mineria" finds "minería"), with their source and labels.

    Example: declaraciones search "minería ilegal" --country CO
    """
    filters = _filters(dyad=dyad, country=country, since=since, until=until, mechanism=mechanism, axis=axis,
                       act=act, lang=lang, min_score=min_score, model_version=model_version)
    with Store(db) as store:
        hits = search(store, query, filters, limit=limit)
    if fmt is SearchFormat.jsonl:
        for row in to_records(hits):
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"{len(hits)} hits for {query!r}", show_lines=True)
    for column in ("document", "date", "parties", "page", "labels"):
        table.add_column(column, overflow="fold", no_wrap=column in ("date", "parties", "page"))
    table.add_column("text", overflow="fold", ratio=3)
    for row in to_records(hits):
        table.add_row(f"{_cell(row['title'])}\n{row['doc_id']} #{row['n']}", _cell(row["date"]),
                      _cell(row["parties"]), _cell(row["page"]), _cell(row["labels"]), row["text"])
    console.print(table)


@app.command("export")
@handle_errors
def export_cmd(
    out: Path = typer.Option(..., "--out", help="File to write (csv, xlsx or parquet)."),
    fmt: Optional[ExportFormat] = typer.Option(None, "--format",
                                               help="csv, xlsx or parquet (default: from the --out suffix)."),
    dyad: Optional[str] = DyadOption,
    country: Optional[str] = CountryOption,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    mechanism: Optional[str] = MechanismOption,
    axis: Optional[str] = AxisOption,
    act: Optional[str] = ActOption,
    lang: Optional[str] = LangOption,
    min_score: Optional[float] = MinScoreOption,
    model_version: Optional[str] = ModelOption,
    db: Optional[str] = DbOption,
) -> None:
    """Write the item × axis table: one row per item, its source, a 0/1 column per axis and the scores.

    Example: declaraciones export --format xlsx --out acuerdos.xlsx --dyad PE-CO
    """
    filters = _filters(dyad=dyad, country=country, since=since, until=until, mechanism=mechanism, axis=axis,
                       act=act, lang=lang, min_score=min_score, model_version=model_version)
    kind = fmt.value if fmt else out.suffix.lstrip(".").lower()
    if kind not in EXPORT_FORMATS:
        raise InputError("--format", f"give --format {'|'.join(EXPORT_FORMATS)} or an --out file with that suffix")
    with Store(db) as store:
        path = export(store, kind, out, filters)
    err_console.print(f"wrote {path}", highlight=False)


@app.command("documents")
@handle_errors
def documents_cmd(
    fmt: FreqFormat = typer.Option(FreqFormat.table, "--format", help="Output: table, csv or json."),
    db: Optional[str] = DbOption,
) -> None:
    """List the stored declarations: id, date, parties, mechanism, title and number of items."""
    with Store(db) as store:
        frame = store.documents()
    if fmt is FreqFormat.json:
        typer.echo(json.dumps(to_records(frame), ensure_ascii=False, indent=2))
    elif fmt is FreqFormat.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        table = Table(title=f"{len(frame)} documents")
        for column in ("id", "date", "dyad", "mechanism", "title", "items"):
            table.add_column(column, justify="right" if column == "items" else "left", overflow="fold",
                             no_wrap=column in ("id", "date", "dyad", "items"))
        for row in to_records(frame):
            table.add_row(*[_cell(row[c]) for c in ("id", "date", "dyad", "mechanism", "title", "items")])
        console.print(table)


@app.command("remove")
@handle_errors
def remove_cmd(
    doc_id: str = typer.Argument(..., metavar="DOC", help="Id of the document to remove (see `documents`)."),
    db: Optional[str] = DbOption,
) -> None:
    """Remove one document with its items and labels."""
    with Store(db) as store:
        count = store.remove(doc_id)
    console.print(f"removed {doc_id} ({count} items)", highlight=False)
