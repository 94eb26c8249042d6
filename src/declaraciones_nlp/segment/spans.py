"""Blocks → item spans: what is an item, a heading (the section of the items under it), or dropped on purpose."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest.metadata import _MONTH as _MONTHS, _PLACE_DATE_LINE, parse_date
from ..schema import Document
from .blocks import (
    _AXIS_HEADING,
    _BOLD_LEAD,
    _BOLD_ONLY,
    _CLOSING,
    _TERMINAL,
    _UPPER,
    _Block,
    _blocks,
    _is_caps_heading,
    clean_text,
)
from .furniture import is_declaration_title, is_furniture, is_publication_note
from .sentences import split_sentences

_PREAMBLE = re.compile(
    r"\b(?:reunid[oa]s|se\s+reunieron)\b|^(?:considerando|teniendo\s+en\s+cuenta|conscientes|recordando|whereas)\b", re.I
)
_DECLARE_END = re.compile(
    r"\b(?:declaran|acuerdan|deciden|convienen|resuelven|declaramos|acordamos|declare|agree|decide|declararon|"
    r"acordaron|decidieron|convinieron|resolvieron|adoptaron|adoptan|suscriben)\b[^.]*:\s*$"
    r"|\b(?:lo\s+siguiente|los\s+siguientes\s+(?:acuerdos|compromisos|puntos))\s*:\s*$",
    re.I,
)
# A sentence that only reports the meeting ("President A hosted President B at the White House.", "Los Cancilleres
# se reunieron en Lima …") opens many statements; it is not an item unless it also states what was agreed.
_MEETING = re.compile(
    r"\b(?:met|meets|hosted|hosts|visited|convened|held\s+(?:a|the|their)|on\s+the\s+occasion\s+of|"
    r"at\s+the\s+invitation\s+of|welcome[sd]?\s+(?:[A-Z][\w.'’-]*\s+){1,8}to\s+(?:the\s+)?[A-Z]|"
    r"se\s+reunieron|reunid[oa]s|con\s+(?:ocasi[oó]n|motivo)\s+de|sostuvieron|visita\s+(?:oficial|de\s+estado))\b"
)
_AGREES = re.compile(
    r"\b(?:agree[ds]?|affirm(?:ed|s)?|reaffirm\w*|commit\w*|pledge[ds]?|announc\w*|launch\w*|signed|decided?|"
    r"resolved?|underscor\w*|emphasiz\w*|condemn\w*|intend\w*|will|shall|welcomed\s+(?:the|progress)|"
    r"acord\w*|reafirm\w*|comprometi\w*|anunci\w*|suscribi\w*|firmaron|decidi\w*|destaca\w*|saluda\w*|"
    r"condena\w*|respald\w*|expres\w*|declara\w*)\b",
    re.I,
)
# A sentence that only announces what follows: "Today, the two governments announced new commitments."
_EMPTY_LEAD = re.compile(
    r"\b(?:announced|are\s+announcing|is\s+announcing|unveiled|anunciaron|presentaron)\s+(?:the\s+following\s+|"
    r"(?:several\s+|a\s+series\s+of\s+)?new\s+|additional\s+|los\s+siguientes\s+|nuevos\s+)"
    r"(?:\w+\s+)?(?:commitments|initiatives|deliverables|actions|steps|measures|compromisos|iniciativas|medidas)"
    r"(?:\s+(?:today|hoy))?\s*[.:]$"
    r"|\b(?:the\s+following|lo\s+siguiente)\s*[.:]$",
    re.I,
)
# "Lima, 26 de octubre de 2018.- El Canciller …": the dateline opening a press release is not part of the sentence.
_DATELINE = re.compile(
    rf"^[{_UPPER}][\w .'’-]{{1,40}}?,\s*(?:\w+\s+)?(?:\d{{1,2}}(?:º|°)?\s+de\s+(?:{_MONTHS})(?:\s+del?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\s+\d{{1,2}},?(?:\s+\d{{4}})?)\s*(?:\.\s*[-–—]+|[-–—]{{1,2}}|:)[ \t\u00a0]*(?=\S)",
    re.I,
)
_SIGNATURE_ROLE = re.compile(
    r"\b(?:president[ea]?|presidente|primer\s+ministro|prime\s+minister|canciller|ministr[oa]|secretar(?:y|io|ia)|"
    r"embajador[a]?|ambassador|por\s+el\s+gobierno|for\s+the\s+government)\b",
    re.I,
)


def _heading_text(raw: str) -> str:
    return clean_text(raw).strip(" :.").strip()

def _is_title_like(block: _Block, text: str) -> bool:
    raw = clean_text(block.raw(text))
    if not raw or len(block.lines) > 3 or len(raw.split()) > 30 or re.search(r"[.;:]$", raw):
        return False
    return not _AXIS_HEADING.match(raw)


def _is_heading_like(block: _Block, text: str) -> bool:
    raw = clean_text(block.raw(text))
    if not raw or _TERMINAL.search(raw):
        return False
    if all(_is_caps_heading(l.stripped) or len(l.stripped) < 4 for l in block.lines) and len(raw.split()) <= 25:
        return True
    return len(block.lines) == 1 and len(raw.split()) <= 15 and len(raw) <= 120 and (
        raw[0].isupper() or raw[0].isdigit()
    )


def _is_place_date(block: _Block, text: str) -> bool:
    raw = clean_text(block.raw(text))
    if len(block.lines) > 2 or len(raw) > 90:
        return False
    dateline = _DATELINE.match(raw)
    if dateline and re.search(r"\w", raw[dateline.end():]):
        return False  # "Lima, 3 de mayo de 2019.- El Canciller …": a dateline opening the text
    if _PLACE_DATE_LINE.match(raw):
        return True
    return len(raw.split()) <= 6 and parse_date(raw) is not None


def _is_signature(block: _Block, text: str) -> bool:
    lines = [clean_text(l.text) for l in block.lines]
    if any(len(l.split()) > 10 or l.endswith(".") for l in lines):
        return False
    return any(_SIGNATURE_ROLE.search(l) for l in lines)


def _numbered_headings(blocks: list[_Block], text: str) -> set[int]:
    """Numbered lines that head a group rather than state an item: "1. Eje de Seguridad y Defensa"
    followed by decimal items "1.1 …", or "2. Trade and Economic Growth" followed by prose paragraphs."""
    out: set[int] = set()
    for index, block in enumerate(blocks[:-1]):
        if block.kind != "item" or block.number is None or block.decimal is not None or len(block.lines) > 1:
            continue
        raw = clean_text(block.raw(text))
        if not raw or _TERMINAL.search(raw) or len(raw.split()) > 12 or not (raw[0].isupper() or raw[0].isdigit()):
            continue
        prev = blocks[index - 1] if index else None
        if prev is not None and prev.kind == "item" and prev.number is not None and prev.decimal is None:
            continue  # the last of a run of numbered items ("3. …", "4. Investing in Our People")
        nxt = blocks[index + 1]
        if (nxt.kind == "item" and (nxt.decimal or "").startswith(f"{block.number}.")) or (
            nxt.kind == "para" and len(clean_text(nxt.raw(text)).split()) > 12
        ):
            out.add(index)
    return out


def _sign_off_start(blocks: list[_Block], text: str) -> int:
    """Index of the run of short unpunctuated paragraphs closing the document ("Oficina General de
    Comunicación / Ministerio de Relaciones Exteriores"): a sign-off, not items."""
    start = len(blocks)
    while start > 0 and blocks[start - 1].kind == "end":
        start -= 1
    while start > 0:
        block = blocks[start - 1]
        lines = [clean_text(l.text) for l in block.lines]
        if block.kind != "para" or len(lines) > 4 or any(
            not l or len(l.split()) > 8 or _TERMINAL.search(l) for l in lines
        ):
            break
        start -= 1
    return start


@dataclass
class _Span:
    start: int
    end: int
    section: str | None


@dataclass(frozen=True)
class Part:
    """A stretch of the cleaned text that is not an item: a heading, or a part dropped on purpose."""

    start: int
    end: int
    reason: str  # "heading", or why it was dropped: "title", "preamble", "closing", "furniture", …


@dataclass
class Layout:
    """Where every part of a document went: item spans, headings and dropped parts."""

    spans: list[_Span] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    def drop(self, start: int, end: int, reason: str) -> None:
        if end > start:
            self.parts.append(Part(start, end, reason))


def layout(document: Document) -> Layout:
    """Account for the whole text of `document`: items, headings and dropped parts, in order."""
    text = document.text
    blocks = _split_furniture_lines(_blocks(text), text)
    press = _press_lead_end(blocks, text)
    headings = _numbered_headings(blocks, text)
    items = [i for i, b in enumerate(blocks)
             if b.kind == "item" and i not in headings and not _BOLD_ONLY.match(b.raw(text))]
    first_item = items[0] if items else len(blocks)
    tail = _sign_off_start(blocks, text)
    out = Layout()
    section: str | None = None
    started = False
    for index, block in enumerate(blocks):
        if block.kind == "end":
            out.drop(block.start, len(text), "end mark")
            break
        raw = block.raw(text)
        out.drop(block.start, block.content_start, "list marker")
        if is_furniture(raw) or is_publication_note(raw):
            out.drop(block.content_start, block.end, "furniture")
            continue
        if index < press or (index == press and is_declaration_title(raw)):
            reason = "title" if index == press or not started else "press lead"
            out.drop(block.content_start, block.end, "place and date" if _is_place_date(block, text) else reason)
            started = started or index != press
            continue
        if block.kind == "heading":
            if not (block.level == 1 and not started):
                section = _heading_text(raw)
                started = True
                out.drop(block.content_start, block.end, "heading")
            else:
                out.drop(block.content_start, block.end, "title")
            continue
        if block.kind == "item":
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            leads_sublist = nxt is not None and nxt.kind == "item" and nxt.indent > block.indent and (
                clean_text(raw).endswith(":") and len(clean_text(raw).split()) <= 12)
            if index in headings or _BOLD_ONLY.match(raw) or leads_sublist:
                section = _heading_text(raw)
                out.drop(block.content_start, block.end, "heading")
            elif clean_text(raw):
                out.spans.append(_Span(block.content_start, block.end, section))
            started = True
            continue
        if _CLOSING.search(raw) and (_CLOSING.match(raw) or len(raw) < 400):
            out.drop(block.content_start, len(text), "closing")
            break
        if _is_place_date(block, text) or _is_signature(block, text) or index >= tail:
            reason = "place and date" if _is_place_date(block, text) else "signature" if index < tail else "sign-off"
            out.drop(block.content_start, block.end, reason)
            continue
        next_is_item = index + 1 < len(blocks) and blocks[index + 1].kind == "item"
        if not started and not next_is_item and _is_title_like(block, text) and (
            not _BOLD_LEAD.match(raw)
            or (index == 0 and _BOLD_ONLY.match(raw) and len(blocks) > 1 and _is_place_date(blocks[1], text))
        ):  # a bold first line is a title when the place and date follow it, else a heading
            out.drop(block.content_start, block.end, "title")
            continue
        if index < first_item and items and (
            _PREAMBLE.search(raw) or _DECLARE_END.search(raw) or re.fullmatch(r"[A-ZÁÉÍÓÚÑ ]{4,}:", raw.strip())
        ):
            started = True
            out.drop(block.content_start, block.end, "preamble")
            continue
        start = block.content_start
        dateline = _DATELINE.match(raw)
        if dateline and dateline.end() < len(raw):
            out.drop(start, start + dateline.end(), "dateline")
            start += dateline.end()
            raw = raw[dateline.end():]
        lead = _BOLD_LEAD.match(raw)
        bold_text = clean_text(lead.group(2)) if lead else ""
        if lead and re.search(r"[.!?]$", bold_text) and len(bold_text.split()) >= 8:
            pass  # a whole sentence in bold ("**The two countries also committed to …**") is an item, not a heading
        elif lead:
            rest = re.match(r"[\s*_.:]*", raw[lead.end():])
            after = raw[lead.end() + rest.end():]
            if not after or after[0].isupper():
                section = _heading_text(lead.group(2))
                started = True
                out.drop(start, start + lead.end() + rest.end(), "heading")
                if not after.strip():
                    continue
                start = start + lead.end() + rest.end()
        elif _is_heading_like(block, text):
            section = _heading_text(raw)
            started = True
            out.drop(start, block.end, "heading")
            continue
        started = True
        sentences = []
        for a, b in split_sentences(text, start, block.end):
            if is_furniture(text[a:b]):
                out.drop(a, b, "furniture")  # "Agencia … de Noticias Twitter: @…" glued to the last sentence
            elif clean_text(text[a:b]):
                sentences.append((a, b))
        last = clean_text(text[slice(*sentences[-1])]) if sentences else ""
        if (last.endswith(":") and (next_is_item or len(last.split()) <= 20)) or (
                _EMPTY_LEAD.search(last) and index + 1 < len(blocks)
                and (len(last.split()) <= 20 or re.search(r"(?:following|siguiente)\s*[.:]$", last))):
            out.drop(*sentences.pop(), "lead-in")  # "Key elements of the deal will include:" introduces what follows
        while items and index < first_item and not out.spans and sentences and _reports_meeting(clean_text(text[slice(*sentences[0])])):
            out.drop(*sentences.pop(0), "preamble")
        out.spans.extend(_Span(a, b, section) for a, b in sentences)
    return out


def _reports_meeting(sentence: str) -> bool:
    """True for an opening sentence that only says who met where ("… met in Rome on the margins of the G20")."""
    return bool(_MEETING.search(sentence)) and not _AGREES.search(sentence)


def lost_spans(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches of `text` holding letters or digits that no item, heading or dropped part covers."""
    mask = bytearray(len(text))
    for a, b in covered:
        mask[a:b] = b"\x01" * (b - a)
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"\S+", text):
        if any(ch.isalnum() and not mask[m.start() + k] for k, ch in enumerate(m.group(0))):
            if out and not text[out[-1][1]:m.start()].strip():
                out[-1] = (out[-1][0], m.end())
            else:
                out.append((m.start(), m.end()))
    return out


def _split_furniture_lines(blocks: list[_Block], text: str) -> list[_Block]:
    """Trailing lines of page furniture glued to a block without a blank line become blocks of their own."""
    out: list[_Block] = []
    for block in blocks:
        tail: list[_Block] = []
        while block.kind in ("item", "para") and len(block.lines) > 1 and is_furniture(block.lines[-1].text):
            line = block.lines.pop()
            tail.insert(0, _Block("para", [line], line.start + line.indent))
        out.append(block)
        out.extend(tail)
    return out


def _press_lead_end(blocks: list[_Block], text: str) -> int:
    """Index where a page republishing a declaration starts the declaration itself (its title, or the
    block after a publication note), when press prose comes before it; -1 when there is none."""
    prose = False
    for index, block in enumerate(blocks):
        raw = block.raw(text)
        if block.kind == "item":
            return -1
        if is_publication_note(raw):
            after = blocks[index + 1] if index + 1 < len(blocks) else None
            return index + 1 if after is not None and is_declaration_title(after.raw(text)) else index
        if prose and block.kind in ("para", "heading") and is_declaration_title(raw):
            return index
        if block.kind == "para" and len(clean_text(raw).split()) >= 15 and not is_furniture(raw):
            prose = True
    return -1
