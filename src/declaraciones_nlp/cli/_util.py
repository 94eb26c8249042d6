"""The Typer app, shared options and the error boundary of every command."""
from __future__ import annotations

import functools
import sys
from typing import Callable, Optional

import typer
from rich.console import Console

from ..errors import DeclaracionesError

app = typer.Typer(
    help="Text mining of bilateral joint declarations: ingest, segment, classify, query, propose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

DbOption = typer.Option(
    None, "--db", help="Database URL (sqlite:///path, postgresql://...) or SQLite path. "
    "Default: $DECLARACIONES_DB or corpus/processed/declaraciones.db.", show_default=False,
)


def fail(message: str, code: int = 1) -> None:
    """Print one line on stderr and exit."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handle_errors(func: Callable) -> Callable:
    """Turn library exceptions into a one-line message and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DeclaracionesError as exc:
            fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(1)

    return wrapper


def split_codes(value: Optional[str]) -> Optional[list[str]]:
    """`"PE,US"` → `["PE", "US"]`."""
    if value is None:
        return None
    return [part.strip().upper() for part in value.replace(" ", ",").split(",") if part.strip()]
