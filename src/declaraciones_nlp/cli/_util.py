"""The Typer app, shared options and the error boundary of every command."""
from __future__ import annotations

import functools
import sys
from enum import Enum
from typing import Callable, Optional

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

from ..errors import DeclaracionesError, FieldError

# no markup by default: file names, titles and messages may hold "[...]"; the few styled lines say markup=True
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)

# Typer >= 0.16 vendors click: take its exception classes from Typer's own BadParameter.
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (bad option values, missing arguments) as one line on stderr, exit code 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _UsageError as exc:
            if exc.format_message():  # empty when the help was shown for a bare command
                hint = f" (in `{exc.ctx.command_path}`)" if exc.ctx is not None else ""
                print_error(f"{exc.format_message()}{hint}")
            sys.exit(exc.exit_code)
        except _ClickException as exc:
            print_error(exc.format_message())
            sys.exit(exc.exit_code)
        except typer.Abort:
            print_error("aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    help="Text mining of bilateral joint declarations: ingest, segment, classify, query, propose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = typer.Option(
    None, "--db", help="Database URL (sqlite:///path, postgresql://...) or SQLite path. "
    "Default: $DECLARACIONES_DB or corpus/processed/declaraciones.db.", show_default=False,
)
KIND_HELP = ("What the text is: items (the declaration's own), prose (a report of the meeting: news, a note) "
             "or articles (a treaty's).")


class TableCsvJson(str, Enum):
    """`--format` of commands that print rows: a table, CSV or JSON."""

    table = "table"
    csv = "csv"
    json = "json"


class TableJson(str, Enum):
    table = "table"
    json = "json"


class TableJsonl(str, Enum):
    """`--format` of commands that print records: a table or one JSON object per line."""

    table = "table"
    jsonl = "jsonl"


def print_error(message: str) -> None:
    """`error: message` on stderr, the message as written (no markup)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> None:
    """Print one line on stderr and exit."""
    print_error(message)
    raise typer.Exit(code)


def handle_errors(func: Callable) -> Callable:
    """Turn library exceptions into a one-line message and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FieldError as exc:  # the library names the field (min_score), the user typed the flag
            fail(f"{flag_of(exc.field)}: {exc.reason}".splitlines()[0])
        except DeclaracionesError as exc:
            fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(1)

    return wrapper


def open_corpus(db: Optional[str], create: bool = False):
    """The store as a `Corpus` (pandas and SQLAlchemy are imported here, by the commands that read it).

    Only the commands that store documents (`ingest`, `run`) pass `create`: every other one
    refuses a database that does not exist, naming the path it tried."""
    from ..api import Corpus

    return Corpus(db, create=create)


def records(frame) -> list[dict]:
    """A DataFrame's rows as JSON-ready dicts (`records.to_records`, imported on use)."""
    from ..records import to_records

    return to_records(frame)


def flag_of(field: str) -> str:
    """The command-line flag of a library field: `min_score` → `--min-score`."""
    return field if field.startswith("-") else "--" + field.replace("_", "-")


def split_codes(value: Optional[str]) -> Optional[list[str]]:
    """`"PE,US"` → `["PE", "US"]`."""
    if value is None:
        return None
    return [part.strip().upper() for part in value.replace(" ", ",").split(",") if part.strip()]
