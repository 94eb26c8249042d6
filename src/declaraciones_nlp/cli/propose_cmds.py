"""`declaraciones propose` and `declaraciones recurrences`: axis proposal for a pair, recurring commitments."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..config import RECURRENCE_MIN_SIMILARITY as DEFAULT_MIN_SIMILARITY
from ..errors import InputError
from ._util import DbOption, TableJson, app, console, err_console, handle_errors, open_corpus, split_codes


class ReportFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"


def _parse_between(value: str, extra: list[str]) -> tuple[str, str]:
    codes = (split_codes(value) or []) + [code for part in extra for code in (split_codes(part) or [])]
    if len(codes) != 2:
        raise typer.BadParameter("give two party codes: --between PE US (or --between PE,US)",
                                 param_hint="--between")
    return codes[0], codes[1]


def _write(text: str, out: Optional[Path]) -> None:
    if out is None:
        typer.echo(text)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(str(out), f"cannot write: {exc.strerror or exc}") from exc
    err_console.print(f"wrote {out}", highlight=False)


@app.command(context_settings={"allow_extra_args": True})
@handle_errors
def propose(
    ctx: typer.Context,
    between: str = typer.Option(..., "--between", help="The two parties, as ISO codes: `--between PE US` or `--between PE,US`."),
    top: int = typer.Option(3, "--top", min=1, max=5, help="Number of axes to propose."),
    since: Optional[int] = typer.Option(None, "--since", help="Use only declarations from this year on."),
    fmt: Optional[ReportFormat] = typer.Option(None, "--format", help="Output format (default: from --out's suffix, else md)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the report to this file instead of stdout."),
    joint_weight: float = typer.Option(1 / 3, "--joint-weight", min=0.0, max=1.0,
                                       help="Weight of the pair's own joint record (0–1).", show_default="0.333"),
    half_life: float = typer.Option(10.0, "--half-life", min=0.0,
                                    help="Years after which a declaration counts half (0: no recency weighting)."),
    min_docs: int = typer.Option(3, "--min-docs", min=0, help="Fewer documents than this for a party triggers a warning."),
    resamples: int = typer.Option(500, "--resamples", min=0,
                                  help="Document resamples measuring how stable the order is (0: skip; seed 0)."),
    db: Optional[str] = DbOption,
) -> None:
    """Propose the thematic axes of a mechanism between two parties, from the stored declarations.

    Scores each axis by how much it is a shared interest: each party's profile in its
    mechanisms with others (per-document shares, recency-weighted), combined by geometric
    mean, plus the pair's own joint record. Example: `declaraciones propose --between PE US --format html --out pe-us.html`.
    """
    pair = _parse_between(between, list(ctx.args))
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".") if out else ""
        fmt = ReportFormat(suffix) if suffix in ("md", "html", "json") else (
            ReportFormat.html if suffix == "htm" else ReportFormat.md)
    with open_corpus(db) as corpus:
        report = corpus.proposal_report(pair, top=top, since=since, joint_weight=joint_weight,
                                        half_life=half_life or None, min_docs=min_docs, resamples=resamples)
    _write(report.render(fmt.value), out)
    if out is not None or fmt is ReportFormat.json:
        for warning in report.proposal["warnings"]:
            err_console.print(f"[yellow]warning:[/] {escape(warning)}", markup=True, highlight=False, soft_wrap=True)


@app.command()
@handle_errors
def recurrences(
    dyad: Optional[str] = typer.Option(None, "--dyad", help="Only this pair, e.g. PE-BO (default: every pair)."),
    min_similarity: float = typer.Option(DEFAULT_MIN_SIMILARITY, "--min-similarity", min=0.0, max=1.0,
                                         help="Cosine similarity (character n-grams) above which two items are the same "
                                              "commitment (default chosen on labelled pairs: see the README)."),
    fmt: TableJson = typer.Option(TableJson.table, "--format", help="Output format."),
    db: Optional[str] = DbOption,
) -> None:
    """List commitments repeated, nearly word for word, across successive declarations of a pair."""
    with open_corpus(db) as corpus:
        chains = corpus.recurrences(dyad=dyad, min_similarity=min_similarity)
    if fmt is TableJson.json:
        typer.echo(json.dumps(chains, ensure_ascii=False, indent=2))
        return
    if not chains:
        err_console.print("no recurring commitments found", highlight=False)
        return
    table = Table(show_lines=False)
    for column in ("pair", "editions", "dates", "similarity", "axes", "commitment (first wording)"):
        table.add_column(column, overflow="fold")
    for chain in chains:
        text = chain["text"] if len(chain["text"]) <= 160 else chain["text"][:157] + "..."
        table.add_row(chain["dyad"], str(chain["editions"]),
                      ", ".join(str(it["date"] or "n.d.") for it in chain["items"]),
                      f"{chain['similarity']:.2f}", ", ".join(chain["labels"]), text)
    console.print(table, highlight=False)
