"""Sentences of a prose paragraph: abbreviations, initials and quotations do not end them."""
from __future__ import annotations

import re

from .blocks import _UPPER

_ABBREVIATIONS = frozenset(
    """sr sra sres sras srta dr dra drs dras nro nros nº núm num no nos art arts inc ltd co corp jr mr mrs ms st
    av avda gral cnel tte emb excmo excma ing lic prof pág pag pp cap vol ee uu eeuu vs aprox dept gob sec res
    cía cia ud uds vda mons fr etc""".split()
)
_DOTTED = re.compile(r"^(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}$")
# Abbreviated place names end a sentence when a function word follows ("… en EE.UU. De este modo …").
_PLACE_ABBREVIATIONS = frozenset({"ee.uu", "uu", "u.s", "d.c", "u.k", "u.s.a"})
_SENTENCE_STARTERS = frozenset(
    """el la los las lo un una en de del este esta estos estas ese esa asimismo además por para con según ambos
    ambas durante desde tras finalmente también igualmente así dicho dicha se su sus al como cabe the this these
    that those in on at for with by as during after both it its they we our also further furthermore finally
    moreover however""".split()
)
_SENT_END = re.compile(
    r"[.!?…](?:[\"”’»)\]]|\*{1,3})*(?=[ \t\n\u00a0]+(?:[*_\"“«(¿¡\[]|\\\*)*[" + _UPPER + r"])"
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of `text[start:end]`, trimmed of whitespace.

    A period after an abbreviation of the genre ("EE. UU.", "EE.UU.", "Nro.",
    "Sr.", "S.E.", "U.S.", "Dr.", "art.") or an initial ("Joseph R. Biden") does
    not end a sentence; neither does one inside a number ("1.500").
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _SENT_END.finditer(text, start, end):
        if text[m.start()] == "." and _is_abbreviation(text, m.start(), cursor):
            continue
        if _inside_quote(text, cursor, m.end(), end):
            continue
        spans.append((cursor, m.end()))
        cursor = m.end()
    spans.append((cursor, end))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        a += len(chunk) - len(chunk.lstrip())
        b -= len(chunk) - len(chunk.rstrip())
        if b > a and re.search(r"\w", text[a:b]):
            out.append((a, b))
    return out


def _inside_quote(text: str, start: int, pos: int, end: int) -> bool:
    """True inside a “quotation” (or "quotation") that closes later in the paragraph: quoted passages stay whole."""
    before = text[start:pos]
    opened = before.count("“") - before.count("”") + before.count("«") - before.count("»")
    if opened > 0 and ("”" in text[pos:end] or "»" in text[pos:end]):
        return True
    # straight quotes: an odd count so far and a closing one later in the paragraph
    return before.count('"') % 2 == 1 and '"' in text[pos:end]


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    m = re.search(r"(\S+)$", text[floor:dot])
    if not m:
        return False
    token = m.group(1).lstrip("([\"“*_").rstrip(")")
    low = token.lower()
    if low in _PLACE_ABBREVIATIONS:
        after = re.match(r"[\s\"“«(*_]*([^\W\d_]+)", text[dot + 1:dot + 40])
        return not (after and after.group(1).lower() in _SENTENCE_STARTERS)
    if low in _ABBREVIATIONS or _DOTTED.match(token):
        return True
    return len(token) == 1 and token.isupper()


