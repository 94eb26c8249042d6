"""Command-line interface: `declaraciones --help`.

Each file registers its commands on the shared Typer `app`; the commands only
parse options, call the library and print.
"""
from __future__ import annotations

from ._util import app
from . import data_cmds, ingest_cmds, model_cmds, query_cmds, propose_cmds, serve_cmd, pipeline_cmds  # noqa: F401,E402


def main() -> None:
    app()
