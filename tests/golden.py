"""Golden segmentation fixtures: `name.expected.json` beside `name.{txt,md,pdf,docx,html}`."""
from __future__ import annotations

import json
from pathlib import Path

from declaraciones_nlp.schema import Document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html")


def golden_stems(folder: Path) -> list[str]:
    return sorted(p.name[: -len(".expected.json")] for p in folder.glob("*.expected.json"))


def golden_cases(folder: Path) -> list[tuple[str, str]]:
    """(stem, suffix) for every source file that has an expected-items file."""
    return [
        (stem, src.suffix)
        for stem in golden_stems(folder)
        for src in sorted(folder.glob(f"{stem}.*"))
        if src.suffix in SOURCE_SUFFIXES
    ]


def expected(folder: Path, stem: str) -> dict:
    return json.loads((folder / f"{stem}.expected.json").read_text(encoding="utf-8"))


def text_document(text: str, **meta) -> Document:
    """A Document made from a string, for segmenting it directly."""
    return Document(id="t", text=text, content_hash="t", **meta)
