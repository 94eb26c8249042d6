"""The articles of a Spanish bilateral agreement, as stable units for labels by reference.

Agreements are a different register from joint declarations: their units are
articles ("Artículo 3.-", "ARTICULO IV", "Artículo Único", "Primero.-"), often
preceded by the domestic act that approves them. Labels refer to an article by
(file, number, SHA-1 of its text), so this splitter is deliberately independent
of the declaration segmenter: its output must not move when `segment` changes.

It reads both forms in which the texts circulate: the legal-gazette archives'
Markdown (front matter, `#` headings, `**bold**` article titles) and the plain
text with a `# source:` provenance header. Both give the same articles.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from . import plain_lines

_ORDINALS = (
    "primero|segundo|tercero|cuarto|quinto|sexto|s[eé]ptimo|octavo|noveno|d[eé]cimo"
    "|und[eé]cimo|duod[eé]cimo|d[eé]cimo\\s+\\w+"
)
_NUMBER = rf"(?:\d{{1,3}}(?:\s*[º°o](?![a-z]))?(?:\s*\(\d+\))?|[IVXLC]{{1,7}}\b|[uú]nico\b|(?:{_ORDINALS})\b)"
# "Artículo 3.-", "ARTICULO 1º —", "Art. 5", "ARTÍCULO IV", "Artículo Único.-", "ARTICULO PRIMERO"
_ARTICLE = re.compile(rf"^(?:art[ií]culo|art\.)\s+({_NUMBER})\s*(?:[.:]\s*[-–—]?|[-–—]+|\.)?\s*", re.I)
# "Primero.-", "SEGUNDO:" — ordinal paragraphs of memoranda and joint declarations
_ORDINAL = re.compile(rf"^((?:{_ORDINALS}))\s*(?:\.\s*[-–—]|[.:]|[-–—])\s*", re.I)
# What ends an article: the signing formula, the signatures, an annex of another kind.
_CLOSING = re.compile(
    r"^(?:hech[oa]|dad[oa]|suscrit[oa]|firmad[oa]|en\s+fe\s+de\s+lo\s+cual|en\s+testimonio\s+de\s+lo\s+cual|"
    r"por\s+el\s+gobierno|por\s+la\s+rep[uú]blica|comun[ií]quese|reg[ií]strese)\b",
    re.I,
)


@dataclass(frozen=True)
class Article:
    """One article: its number in the document (1..N), its heading as written, its text."""

    n: int
    heading: str
    text: str

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()


def _start(line: str) -> tuple[str, str] | None:
    """(heading, rest of the line) when `line` opens an article."""
    for pattern in (_ARTICLE, _ORDINAL):
        match = pattern.match(line)
        if match:
            return " ".join(line[:match.end()].split()).rstrip(" .-–—:"), line[match.end():]
    return None


def articles(raw: str) -> list[Article]:
    """The articles of an agreement in document order, each with its whole text.

    An article runs from its heading to the next heading or to the signing
    formula ("Hecho en …", "Dado en …", "Por el Gobierno de …"); the text before
    the first heading (titles, preamble) belongs to no article.
    """
    found: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in plain_lines(raw):
        opened = _start(line)
        if opened is not None:
            heading, rest = opened
            current = [rest] if rest else []
            found.append((heading, current))
        elif current is not None and line:
            if _CLOSING.match(line):
                current = None
            else:
                current.append(line)
    out = []
    for heading, lines in found:
        text = " ".join(" ".join(lines).split())
        if text:
            out.append(Article(len(out) + 1, heading, text))
    return out
