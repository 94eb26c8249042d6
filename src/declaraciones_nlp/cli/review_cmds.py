"""`corrections`: what reviewers corrected on the review page (`serve --allow-review`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ._util import DbOption, TableJson, app, console, err_console, handle_errors

corrections_app = typer.Typer(help="Reviewers' corrections stored in the database: list, agreement of two "
                              "reviewers, export as labelled data for training.", no_args_is_help=True)
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("list")
@handle_errors
def list_cmd(db: Optional[str] = DbOption,
             fmt: TableJson = typer.Option(TableJson.table, "--format", help="table or json.")) -> None:
    """Every stored correction, oldest first: item, reviewer, labels, the model's labels it replaced."""
    from ..api import Corpus, to_records
    from ..review_loop import corrections

    with Corpus(db, create=False) as corpus:
        frame = corrections(corpus)
    if fmt == TableJson.json:
        console.print_json(json.dumps(to_records(frame), ensure_ascii=False))
        return
    for row in frame.itertuples():
        mark = " (adjudication)" if row.adjudicated else ""
        console.print(f"{row.created_at[:19]}  {row.doc_id} #{row.n:<4} {row.reviewer}{mark}: "
                      f"{', '.join(row.labels)}  (model {row.model_version}: {', '.join(row.model_labels or [])})",
                      highlight=False, soft_wrap=True)
    console.print(f"{len(frame)} correction(s)", highlight=False)


@corrections_app.command("agreement")
@handle_errors
def agreement_cmd(db: Optional[str] = DbOption,
                  fmt: TableJson = typer.Option(TableJson.table, "--format", help="table or json.")) -> None:
    """Agreement of reviewers per label on the items two of them labelled, and the disagreements
    (adjudicate them on the review page)."""
    from ..api import Corpus, to_records
    from ..review_loop import agreement

    with Corpus(db, create=False) as corpus:
        table, disagreements = agreement(corpus)
    if fmt == TableJson.json:
        console.print_json(json.dumps({"agreement": to_records(table), "disagreements": disagreements},
                                      ensure_ascii=False))
        return
    if not table["pairs"].any():
        console.print("no item has been reviewed by two reviewers yet", highlight=False)
        return
    console.print(f"{'label':<12} {'pairs':>5} {'both':>5} {'neither':>7} {'only one':>8} {'agreement':>9} "
                  f"{'kappa':>6}", highlight=False)
    for row in table.itertuples():
        agree = "" if row.agreement is None else f"{row.agreement:.3f}"
        kappa = "" if row.kappa is None else f"{row.kappa:.3f}"
        console.print(f"{row.label:<12} {row.pairs:>5} {row.both:>5} {row.neither:>7} {row.only_one:>8} "
                      f"{agree:>9} {kappa:>6}", highlight=False)
    console.print(f"\n{len(disagreements)} disagreement(s)", highlight=False)
    for entry in disagreements:
        who = "; ".join(f"{name}: {', '.join(labels)}" for name, labels in entry["reviewers"].items())
        settled = f" → adjudicated: {', '.join(entry['adjudicated'])}" if entry["adjudicated"] else ""
        console.print(f"  {entry['doc_id']} #{entry['n']}  {who}{settled}", highlight=False, soft_wrap=True)


@corrections_app.command("export")
@handle_errors
def export_cmd(out: Path = typer.Option(..., "--out", help="Labelled JSONL to write."),
               db: Optional[str] = DbOption,
               quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line.")) -> None:
    """Write the reviewed items in the labelled-data format (items of the real US statements by
    reference, without their text), for `declaraciones train --data F`."""
    from ..api import Corpus
    from ..review_loop import export_corrections

    with Corpus(db, create=False) as corpus:
        written, left_out = export_corrections(corpus, out)
    if left_out:
        err_console.print(f"note: {left_out} reviewed item(s) of external agreements left out "
                          "(a reference cannot name them)", highlight=False)
    if not quiet:
        console.print(f"{written} reviewed item(s) written to {out}", highlight=False)
