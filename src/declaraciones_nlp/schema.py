"""The data every stage speaks: documents, agreement items, axes.

Standard library only. Stages pass these plain, frozen values to each other;
nothing here knows about files, spaCy or databases.
"""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

SCHEMA_VERSION = 1

AXES: tuple[str, ...] = ("security", "governance", "trade", "environment", "borders")
OTHER = "other"
LABELS: tuple[str, ...] = AXES + (OTHER,)

AXIS_NAMES_ES: dict[str, str] = {
    "security": "Seguridad y Defensa",
    "governance": "Gobernanza y Asuntos Sociales",
    "trade": "Comercio, Desarrollo Económico y Turismo",
    "environment": "Asuntos Ambientales y Minero-Energéticos",
    "borders": "Asuntos Fronterizos y Migratorios",
    "other": "Otros",
}
AXIS_SHORT_ES: dict[str, str] = {
    "security": "Seguridad",
    "governance": "Gobernanza",
    "trade": "Comercio",
    "environment": "Ambiente",
    "borders": "Fronteras",
    "other": "Otros",
}
# One colour per axis everywhere (charts, web); colour-blind safe (Okabe–Ito).
AXIS_COLOURS: dict[str, str] = {
    "security": "#D55E00",
    "governance": "#0072B2",
    "trade": "#009E73",
    "environment": "#56B4E9",
    "borders": "#E69F00",
    "other": "#999999",
}

ACTS: tuple[str, ...] = ("commitment", "reaffirmation", "acknowledgement", "concern", "other")
ACT_NAMES_ES: dict[str, str] = {
    "commitment": "compromiso", "reaffirmation": "reafirmación", "acknowledgement": "reconocimiento",
    "concern": "preocupación", "other": "otro",
}
KIND_NAMES_ES: dict[str, str] = {"items": "declaración (ítems)", "prose": "relato de reunión (prosa)",
                                 "articles": "tratado (artículos)"}
LANGS: tuple[str, ...] = ("es", "en")
# Below this mean word confidence (0–100) a text read by OCR should be checked against the scan.
OCR_CHECK_BELOW = 85.0
# What a document's text is (front matter `kind`): the declaration's own items, a report of the
# meeting in prose (news, a ministry's note, a thesis' account), a treaty's articles.
DOCUMENT_KINDS: tuple[str, ...] = ("items", "prose", "articles")


def validate_labels(labels: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Return labels in canonical order, or raise ValueError naming the bad one.

    `other` never combines with an axis; an empty list is not a label set.
    """
    unknown = [label for label in labels if label not in LABELS]
    if unknown:
        raise ValueError(f"unknown axis {unknown[0]!r} (known: {', '.join(LABELS)})")
    if not labels:
        raise ValueError("empty label list")
    if OTHER in labels and len(set(labels)) > 1:
        raise ValueError("'other' cannot be combined with another axis")
    return tuple(label for label in LABELS if label in labels)


@dataclass(frozen=True)
class Document:
    """A declaration read from a file: its cleaned text and its metadata.

    `page_starts` holds the character offset in `text` where each page begins
    (page 1 starts at 0). `date` is ISO `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    `parties` are ISO-3166 alpha-2 codes (`EU` for the European Union).
    """

    id: str
    text: str
    content_hash: str
    source_path: str = ""
    title: str | None = None
    date: str | None = None
    place: str | None = None
    parties: tuple[str, ...] = ()
    mechanism: str | None = None
    edition: str | None = None
    lang: str = "es"
    citation: str | None = None
    excerpt_only: bool = False
    kind: str | None = None  # "items": the declaration's own items; "prose": a report of the meeting
    page_starts: tuple[int, ...] = (0,)
    ocr_confidence: float | None = None  # mean word confidence (0–100) when the text was read by OCR

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    @property
    def dyad(self) -> str:
        """The pair of parties as a sorted code, e.g. `PE-US`."""
        return "-".join(sorted(self.parties))

    def page_at(self, offset: int) -> int:
        """1-based page number of a character offset in `text`."""
        return bisect.bisect_right(self.page_starts, offset)

    def metadata(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        data["parties"] = list(self.parties)
        data["page_starts"] = list(self.page_starts)
        return data


@dataclass(frozen=True)
class AgreementItem:
    """One thing the parties agreed, declared or noted, with its source.

    `start`/`end` are the character span in the document's cleaned text.
    `labels`, `scores`, `explanation` and `model_version` stay empty until the
    classifier has seen the item.
    """

    doc_id: str
    n: int
    text: str
    section: str | None = None
    page: int = 1
    start: int = 0
    end: int = 0
    lang: str = "es"
    verb: str | None = None
    act: str = "other"
    labels: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    explanation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    model_version: str | None = None
