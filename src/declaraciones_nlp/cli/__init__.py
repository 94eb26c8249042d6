"""Command-line interface: `declaraciones --help`.

Each file registers its commands on the shared Typer `app`; the commands only
parse options, call the library and print.
"""
from __future__ import annotations

from . import (  # noqa: F401,E402
    data_cmds,
    documents_cmds,
    followup_cmds,
    ingest_cmds,
    model_cmds,
    pipeline_cmds,
    propose_cmds,
    query_cmds,
    review_cmds,
    serve_cmd,
)
from ._util import app


def main() -> None:
    app()
