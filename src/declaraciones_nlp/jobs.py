"""The main job (`make run`, `declaraciones run`) as a library function.

`run()` trains the classifier when it is missing or out of date, ingests
`corpus/raw/`, counts the items per pair and axis, and writes the proposal
report for a pair in Markdown and HTML; it returns what the CLI prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from . import config
from .api import Corpus
from .pipeline import IngestSummary
from .report import ProposalReport
from .text import country_codes


@dataclass(frozen=True)
class RunResult:
    """What the main job did: the ingestion, the items per pair and axis, the report and its files."""

    summary: IngestSummary
    table: pd.DataFrame
    report: ProposalReport
    paths: tuple[Path, ...]


def write_report(report: ProposalReport, out_dir: Path, formats: Sequence[str] = ("md", "html")) -> tuple[Path, ...]:
    """`propuesta-A-B.<fmt>` under `out_dir`, one file per format."""
    a, b = report.proposal["between"]
    paths = []
    for fmt in formats:
        path = out_dir / f"propuesta-{a}-{b}.{fmt}"
        path.write_text(report.render(fmt), encoding="utf-8")
        paths.append(path)
    return tuple(paths)


def run(db: str | None = None, between: str | Sequence[str] = ("PE", "US"),
        log: Callable[[str], None] | None = None, silent: bool = False) -> RunResult:
    """Train if needed, ingest `corpus/raw/`, count items per pair and axis, write the report for `between`."""
    from .classify import ensure_default_model

    pair = country_codes(between, "between")
    classifier = ensure_default_model(log=log)
    with Corpus(db) as corpus:
        summary = corpus.ingest([config.raw_dir()], model=classifier, silent=silent)
        table = corpus.freq(["dyad", "axis"])
        report = corpus.proposal_report(pair)
    out_dir = config.processed_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return RunResult(summary, table, report, write_report(report, out_dir))
