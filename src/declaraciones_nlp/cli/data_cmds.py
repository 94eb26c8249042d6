"""`data`: the external public documents the labelled data and tests refer to."""
from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import InputError
from ._util import app, console, err_console, handle_errors

data_app = typer.Typer(help="External public documents (real US statements, Spanish agreements): status and fetch.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data")

CollectionOption = typer.Option(
    None, "--collection", help="Only this collection (repeatable): us-statements, treaties-es.", show_default=False
)


def _check(collections: Optional[List[str]]) -> None:
    from ..external import COLLECTIONS

    for name in collections or []:
        if name not in COLLECTIONS:
            raise InputError("--collection", f"unknown collection {name!r} (known: {', '.join(COLLECTIONS)})")


@data_app.command("status")
@handle_errors
def status_cmd() -> None:
    """Per collection: documents listed in corpus/external/MANIFEST.tsv, present, missing."""
    from ..external import search_roots
    from ..external.fetch import status

    console.print("looked up in: " + ", ".join(str(p) for p in search_roots()), highlight=False)
    for collection, row in status().items():
        console.print(f"{collection:<14} {row['listed']:>4} listed  {row['present']:>4} present  "
                      f"{row['missing']:>4} missing  {row['mismatched']:>4} with other content", highlight=False)


@data_app.command("fetch")
@handle_errors
def fetch_cmd(
    collection: Optional[List[str]] = CollectionOption,
    mirror: Optional[str] = typer.Option(
        None, "--from", help="An HTTP mirror holding <collection>/<name> instead of the public sources.",
        show_default=False,
    ),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for each download."),
) -> None:
    """Download the external documents that are missing into corpus/external/ (checksums checked)."""
    from ..external.fetch import fetch

    _check(collection)
    summary = fetch(collection, mirror=mirror, timeout=timeout,
                    progress=lambda key: err_console.print(f"  fetching {key}", highlight=False))
    console.print(f"{len(summary.fetched)} fetched, {len(summary.present)} already here, "
                  f"{len(summary.failed)} failed", highlight=False)
    for key, reason in summary.failed:
        err_console.print(f"error: {key}: {reason}", highlight=False)
    if summary.failed:
        raise typer.Exit(1)
