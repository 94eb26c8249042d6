"""The text every throughput benchmark measures, so figures compare like with like.

Builds N declaration files from the bundled corpus (`corpus/raw/`) and the real
US statements (when the external documents are here, see `external`), each made unique by its title so
that ingestion does not skip it as a duplicate.
"""
from __future__ import annotations

from pathlib import Path

from declaraciones_nlp import config, external


def source_texts() -> list[str]:
    files = sorted(config.raw_dir().glob("*.md"))
    statements = external.collection_dir("us-statements")
    if statements is not None:
        files += sorted(p for p in statements.glob("*.md") if p.name != "README.md")
    return [path.read_text(encoding="utf-8") for path in files]


def write_documents(folder: Path, count: int) -> list[Path]:
    """Write `count` unique declaration files into `folder`; return their paths."""
    texts = source_texts()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = texts[i % len(texts)]
        path = folder / f"doc-{i:05d}.md"
        path.write_text(_uniquify(text, i), encoding="utf-8")
        paths.append(path)
    return paths


def _uniquify(text: str, i: int) -> str:
    """Make the cleaned text unique (the content hash ignores the front matter): one closing line."""
    return f"{text.rstrip()}\n\nCopia de referencia número {i}.\n"


def body_words(paths: list[Path]) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
