"""The README and the CLI agree: every command is documented and has help text."""
from __future__ import annotations

from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from declaraciones_nlp.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_command_has_help_and_is_in_the_readme():
    commands = get_command(app).commands
    assert {"segment", "ingest", "train", "classify", "evaluate", "review", "freq", "search", "export",
            "documents", "remove", "propose", "recurrences", "serve", "run"} <= set(commands)
    for name, command in commands.items():
        assert (command.help or "").strip(), f"{name} has no help text"
        assert f"declaraciones {name}" in README, f"{name} is not in the README"


# Commands that read or write the store, and so take --db.
STORE_COMMANDS = ("ingest", "review", "freq", "search", "export", "documents", "remove", "propose", "recurrences",
                  "seguimiento", "followup",
                  "serve", "run")


def test_every_command_prints_its_help_and_store_commands_take_db():
    runner = CliRunner()
    for name in get_command(app).commands:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert len(result.stdout) > 200, name
        assert ("--db" in result.stdout) == (name in STORE_COMMANDS), name
