"""Noise left by PDF text extraction: running headers and footers, page numbers,
words hyphenated across line breaks, form feeds, layout indentation."""
from __future__ import annotations

import re
from collections import Counter

from ..text import dehyphenate

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:p[áa]gina|page|p[áa]g\.|p\.)\s*)?\d{1,4}"
    r"(?:\s*(?:de|of|/)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    re.I,
)
_EDGE = 3  # lines at the top and bottom of a page where running heads live


def is_page_number(line: str) -> bool:
    """`7`, `- 7 -`, `Página 7 de 12`, `Page 7`, `7/12`."""
    return bool(_PAGE_NUMBER.match(line))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(l) - len(l.lstrip(" ")) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return [l[cut:].rstrip() for l in lines]


def clean_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """Join page texts into one cleaned text and the offset where each page starts.

    Lines repeated at the top or bottom of at least half of the pages (digits
    ignored) are running heads; lone page numbers there are dropped too.
    """
    split = [[l.rstrip() for l in p.replace("\f", "\n").split("\n")] for p in pages]
    edges: Counter[str] = Counter()
    for lines in split:
        content = [l for l in lines if l.strip()]
        seen = {_shape(l) for l in content[:_EDGE] + content[-_EDGE:]}
        edges.update(seen)
    threshold = max(2, (len(pages) + 1) // 2)
    running = {s for s, c in edges.items() if c >= threshold and len(pages) > 1}
    cleaned: list[str] = []
    for lines in split:
        idx = [i for i, l in enumerate(lines) if l.strip()]
        drop = set()
        for pos in idx[:_EDGE] + idx[-_EDGE:]:
            line = lines[pos]
            if is_page_number(line) or _shape(line) in running:
                drop.add(pos)
        notes = _footnote_lines(lines, [i for i in idx if i not in drop])
        drop |= notes
        kept = _dedent([l for i, l in enumerate(lines) if i not in drop])
        if notes:
            kept = _drop_footnote_markers(kept, {_SUPERSCRIPT_LEAD.match(lines[i].strip()).group(0) for i in notes})
        page = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
        cleaned.append(page)
    return join_pages(_drop_furniture_inside_sentences(cleaned))


_JOINING_WORDS = frozenset(
    "and or of the in to for with on at by a an as its their our y o de la el en los las del con para por a al su sus "
    "que e u".split()
)
_SENTENCE_END = re.compile(r"[.;:!?…)\]\"”’»]\s*$")


def _furniture_like(line: str) -> bool:
    """A short line that is not a sentence: "Joint Presidential Declaration – United States and Peru"."""
    words = line.split()
    if not 0 < len(words) <= 16 or _SENTENCE_END.search(line) or not line.lstrip()[:1].isupper():
        return False
    if words[-1].lower() in _JOINING_WORDS:
        return False  # "… private investment in solar and": a sentence going on
    content = [w for w in words if w.lower() not in _JOINING_WORDS]
    capitalised = sum(w[:1].isupper() or not w[:1].isalpha() for w in content)
    return len(words) <= 4 or capitalised >= 0.75 * len(content)


def _drop_furniture_inside_sentences(pages: list[str]) -> list[str]:
    """A header or footer found on one page only, caught where it cuts a sentence in two: the page ends
    mid-sentence, then short unpunctuated lines, then the sentence goes on in lower case on the next page."""
    out = [page.split("\n") for page in pages]
    for k in range(len(out) - 1):
        head, tail = out[k], out[k + 1]
        body_start = next((i for i, l in enumerate(tail) if l.strip() and not _furniture_like(l)), None)
        if body_start is None or not re.match(r"\s*[a-záéíóúñü]", tail[body_start]):
            continue
        furniture_tail = [i for i in range(body_start) if tail[i].strip()]
        end = len(head)
        while end > 0 and (not head[end - 1].strip() or _furniture_like(head[end - 1])):
            end -= 1
        trailing = [i for i in range(end, len(head)) if head[i].strip()]
        # keep at least one line before the break: the sentence that is cut
        if end == 0 or _SENTENCE_END.search(head[end - 1]) or len(trailing) > 3 or len(furniture_tail) > 3:
            continue
        out[k] = head[:end]
        out[k + 1] = tail[body_start:]
    return ["\n".join(lines).strip("\n") for lines in out]


_SUPERSCRIPT = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_SUPERSCRIPT_LEAD = re.compile(f"^[{_SUPERSCRIPT}]+")


def _footnote_lines(lines: list[str], content: list[int]) -> set[int]:
    """Footnotes at the foot of a page ("¹ Acuerdo suscrito en …"): the last content lines that
    start with a superscript number (with the lines continuing them)."""
    notes: set[int] = set()
    run: list[int] = []
    for pos in reversed(content[-6:]):
        run.append(pos)
        if re.match(f"^\\s*[{_SUPERSCRIPT}]+\\s*\\S", lines[pos]):
            notes.update(run)
            run = []
        elif len(run) > 2:
            break  # body text: footnotes sit right at the foot
    return notes


def _drop_footnote_markers(lines: list[str], markers: set[str]) -> list[str]:
    """Remove the superscript markers of the page's footnotes from the text ("Chacalluta¹," → "Chacalluta,")."""
    pattern = re.compile(r"(?<=[\w)\]”»\"'.,;])(?:" + "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True)) + r")(?![\w" + _SUPERSCRIPT + "])")
    return [pattern.sub("", line) for line in lines]


def _ends_paragraph(page: str) -> bool:
    """True when the page's last line stops well before the right margin."""
    lines = [l for l in page.split("\n") if l.strip()]
    if not lines:
        return True
    width = max(len(l) for l in lines)
    last = lines[-1]
    return len(last) < 0.8 * width


def join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """Concatenate pages, rejoining a word hyphenated across the break.

    Pages are joined with a blank line when the page ended a paragraph, else
    with one newline so that an item running onto the next page stays whole.
    """
    text = ""
    starts: list[int] = []
    previous = ""
    for page in pages:
        page = dehyphenate(page)
        if text and re.search(r"[a-záéíóúñü]-$", text) and re.match(r"[a-záéíóúñü]", page):
            word = re.match(r"\S+\s?", page).group(0)
            text = text[:-1] + word.rstrip() + ("\n" if len(word) < len(page) else "")
            page = page[len(word):]
        elif text:
            text += "\n\n" if _ends_paragraph(previous) and not re.match(r"[a-záéíóúñü]", page) else "\n"
        previous = page
        starts.append(len(text))
        text += page
    return text, tuple(starts) or (0,)
