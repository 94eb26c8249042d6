"""Document → agreement items, in order, whole, with their source.

Items are numbered paragraphs ("1.", "1)", "12.-"), bullets ("-", "•", "▪", "*",
"o") and, in prose without list markers, sentences. Sub-items ("a)", "ii.")
stay inside their parent. The title, place/date line, preamble, headings,
closing ("Suscrita en …", "Done at …") and signatures are not items; headings
become the `section` of the items under them.

>>> items = segment(read_document(Path("declaracion.txt")))
>>> items[0].n, items[0].section, items[0].verb, items[0].act
(1, 'EJE DE SEGURIDAD Y DEFENSA', 'acordar', 'commitment')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .acts import act_of, verb_by_rules, verbs_by_parser
from .errors import NLPModelMissing
from .ingest.metadata import _MONTH as _MONTHS, _PLACE_DATE_LINE, parse_date
from .schema import AgreementItem, Document
from .text import dehyphenate, guess_lang

_UPPER = "A-ZÁÉÍÓÚÑÜ"
# "1.", "1)", "12.-", a decimal "1.1"/"2.3." (group 3) or a bare number before a tab or a wide gap
# ("1<TAB>…", "1     …": a table copied as text or extracted from a PDF).
_NUMBER = re.compile(r"^([ \t]*)(\d{1,3})((?:\.\d{1,2})+\.?|\.-|\.–|\.|\)|-|–|(?=\t|[ \u00a0]{3,}))[ \t\u00a0]+(?=\S)")
# Lettered items ("a.", "a)", "(a)", "A)", "A."): top-level items when no numbered or bulleted item is open.
_LETTER = re.compile(r"^([ \t]*)(?:\(([a-zñ])\)|([a-zñ])[.)]|([A-Z])[.)])[ \t\u00a0]+(?=\S)")
_BULLET = re.compile(r"^([ \t]*)([-•▪*·◦●■‣➢►]|o(?=[ \t]+[" + _UPPER + r"¿“\"]))[ \t\u00a0]+(?=\S)")
_WEAK_BULLETS = frozenset("o")
_SUBITEM = re.compile(
    r"^[ \t]*(?:\(?[a-zñ]\)|[a-z]\.|\(?(?:i{1,3}|iv|vi{0,3}|ix|x)\)|(?:i{1,3}|iv|vi{0,3}|ix|x)\.)[ \t]+(?=\S)"
)
_MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_STOP = re.compile(r"^\\?#{3}$|^-\s?30\s?-$")
_SEPARATOR = re.compile(r"^(?:<!--.*?-->|(?:\\?\*[ \t]*){3,}|-{3,}|_{3,}|(?:\*[ \t]){2,}\*)$")
_BOLD_ONLY = re.compile(r"^\s*(\*{2,3}|__)(?=\S)(.+?)(?<=\S)\1\s*$", re.S)
_BOLD_LEAD = re.compile(r"^\s*(\*{2,3})(?=\S)(.+?)(?<=\S)\*{2,3}", re.S)
_AXIS_HEADING = re.compile(r"^(?:EJE|EJES|PILAR|PILLAR|ÁMBITO|AMBITO|[IVXL]{1,5}\.|[IVXL]{1,5}\s*[-–])\b", re.I)
_PREAMBLE = re.compile(
    r"\b(?:reunid[oa]s|se\s+reunieron)\b|^(?:considerando|teniendo\s+en\s+cuenta|conscientes|recordando|whereas)\b", re.I
)
_DECLARE_END = re.compile(
    r"\b(?:declaran|acuerdan|deciden|convienen|resuelven|declaramos|acordamos|declare|agree|decide|declararon|"
    r"acordaron|decidieron|convinieron|resolvieron|adoptaron|adoptan|suscriben)\b[^.]*:\s*$"
    r"|\b(?:lo\s+siguiente|los\s+siguientes\s+(?:acuerdos|compromisos|puntos))\s*:\s*$",
    re.I,
)
# "Lima, 26 de octubre de 2018.- El Canciller …": the dateline opening a press release is not part of the sentence.
_DATELINE = re.compile(
    rf"^[{_UPPER}][\w .'’-]{{1,40}}?,\s*(?:\w+\s+)?(?:\d{{1,2}}(?:º|°)?\s+de\s+(?:{_MONTHS})(?:\s+del?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\s+\d{{1,2}},?(?:\s+\d{{4}})?)\s*(?:\.\s*[-–—]+|[-–—]{{1,2}}|:)[ \t\u00a0]*(?=\S)",
    re.I,
)
_CLOSING = re.compile(
    r"^\s*(?:suscrit[ao]s?|firmad[ao]s?|hech[ao]|dad[ao]|adoptad[ao]|done|signed|issued)\s+(?:en|at|in|el|on)\b"
    r"|ejemplares\s+originales|two\s+original\s+copies|dos\s+originales",
    re.I,
)
_SIGNATURE_ROLE = re.compile(
    r"\b(?:president[ea]?|presidente|primer\s+ministro|prime\s+minister|canciller|ministr[oa]|secretar(?:y|io|ia)|"
    r"embajador[a]?|ambassador|por\s+el\s+gobierno|for\s+the\s+government)\b",
    re.I,
)
_TERMINAL = re.compile(r"[.;:,!?…]\W*$")
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


@dataclass
class _Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))


@dataclass
class _Block:
    kind: str  # "item", "para" or "heading"
    lines: list[_Line] = field(default_factory=list)
    content_start: int = 0
    indent: int = 0
    number: int | None = None
    decimal: str | None = None  # "1.2" for decimal numbering
    letter: str | None = None  # "a" / "A" for lettered items
    bullet: str | None = None
    level: int = 0  # markdown heading level

    @property
    def end(self) -> int:
        return self.lines[-1].start + len(self.lines[-1].text.rstrip())

    def raw(self, text: str) -> str:
        return text[self.content_start:self.end]


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for line in text.split("\n"):
        out.append(_Line(pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _is_blank(s: str) -> bool:
    return not s or s.replace("\u00a0", "").strip() == "" or bool(re.fullmatch(r"<!--.*?-->", s))


def _is_caps_heading(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    if len(letters) < 6 or len(s.split()) < 2 or _TERMINAL.search(s):
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= 0.8


def _hard_break(s: str, previous: str) -> bool:
    """Lines that start a new block even without a blank line before them."""
    if _CLOSING.match(s) or re.fullmatch(r"[A-ZÁÉÍÓÚÑ ]{4,}:", s):
        return True
    return _is_caps_heading(s) and bool(re.search(r"[.;:]\W*$", previous))


def _next_letter(char: str) -> str:
    return chr(ord(char) + 1)


def _blocks(text: str) -> list[_Block]:
    """Group lines into headings, list items (with their continuation) and paragraphs."""
    blocks: list[_Block] = []
    cur: _Block | None = None
    prev_blank = True
    last_number: int | None = None
    previous = ""
    for line in _lines(text):
        s = line.stripped
        if _is_blank(s) or _SEPARATOR.match(s):
            prev_blank = True
            continue
        if _STOP.match(s):
            break
        md = _MD_HEADING.match(line.text)
        if md and not s.startswith("#" * 7):
            cur = _Block("heading", [line], line.start + md.start(2), level=len(md.group(1)))
            blocks.append(cur)
            cur, prev_blank, previous = None, False, s
            continue
        number, bullet = _NUMBER.match(line.text), _BULLET.match(line.text)
        marker = number or bullet
        decimal = letter = None
        in_item = cur is not None and cur.kind == "item"
        if number:
            value = int(number.group(2))
            if number.group(3)[:1] == "." and number.group(3)[1:2].isdigit():
                decimal = number.group(2) + number.group(3).rstrip(".")
                if not (prev_blank or (in_item and (cur.decimal is not None or cur.number == value))):
                    marker = None
            elif not (prev_blank or value == 1 or (last_number is not None and value == last_number + 1)):
                marker = None
        elif bullet and bullet.group(2) in _WEAK_BULLETS:
            in_list = cur is not None and (cur.bullet == bullet.group(2) or (cur.kind == "item" and previous.endswith((".", ";"))))
            if not (prev_blank or in_list):
                marker = None
        elif not bullet:
            lettered = _LETTER.match(line.text)
            if lettered:
                char = lettered.group(2) or lettered.group(3) or lettered.group(4)
                if in_item and cur.letter is not None:
                    if char == _next_letter(cur.letter) or (prev_blank and char in "aA" and cur.letter != "a"):
                        marker, letter = lettered, char
                elif not in_item and char in "aA" and (prev_blank or cur is None or _is_caps_heading(previous)):
                    marker, letter = lettered, char
        if marker is not None:
            indent = len(marker.group(1).expandtabs(4))
            nested = cur is not None and cur.kind == "item" and indent > cur.indent + 1 and letter is None
            if nested and not _BOLD_ONLY.match(cur.raw(text)):
                cur.lines.append(line)  # a sub-list stays inside its parent item
            else:
                cur = _Block("item", [line], line.start + marker.end(), indent=indent)
                if letter is not None:
                    cur.letter = letter
                elif number and marker is number:
                    cur.number = last_number = int(number.group(2))
                    cur.decimal = decimal
                else:
                    cur.bullet = bullet.group(2)
                blocks.append(cur)
        elif cur is not None and cur.kind == "item" and _SUBITEM.match(line.text):
            cur.lines.append(line)
        elif prev_blank:
            if cur is not None and cur.kind == "item" and line.indent > cur.indent and line.indent >= 2:
                cur.lines.append(line)
            else:
                cur = _Block("para", [line], line.start + line.indent)
                blocks.append(cur)
        elif cur is None or _hard_break(s, previous):
            cur = _Block("para", [line], line.start + line.indent)
            blocks.append(cur)
        else:
            cur.lines.append(line)
        prev_blank, previous = False, s
    return _split_embedded_numbers(blocks, text)


def _split_embedded_numbers(blocks: list[_Block], text: str) -> list[_Block]:
    """Split "… Pacific.  28.      The leaders …": a paragraph number run into the previous one."""
    out: list[_Block] = []
    for block in blocks:
        while block.kind == "item" and block.number is not None:
            nxt = block.number + 1
            m = re.search(rf"(?<=[.;:])[ \t\u00a0]{{2,}}{nxt}\.[ \t\u00a0]{{2,}}(?=[{_UPPER}])", block.raw(text))
            if not m:
                break
            cut = block.content_start + m.start()
            head_lines = [l for l in block.lines if l.start <= cut]
            tail_lines = [l for l in block.lines if l.start > cut]
            split_line = head_lines[-1]
            new_start = block.content_start + m.end()
            first = _Line(new_start, split_line.end, text[new_start:split_line.end])
            out.append(_Block("item", head_lines[:-1] + [_Line(split_line.start, cut, text[split_line.start:cut])],
                              block.content_start, block.indent, block.number))
            block = _Block("item", [first] + tail_lines, new_start, block.indent, nxt)
        out.append(block)
    return out


def clean_text(raw: str) -> str:
    """Item text from its raw span: lines joined with single spaces, hyphenation
    undone, Markdown links reduced to their text, emphasis and HTML tags removed."""
    s = re.sub(r"<!--.*?-->", " ", raw, flags=re.S)
    s = re.sub(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*\)", r"\1", s)
    s = re.sub(r"</?[A-Za-z][^>]*>", "", s)
    s = dehyphenate(s)
    s = re.sub(r"(?<!\\)\*+", "", s)
    s = re.sub(r"(?<![\w\\])__(?=\S)|(?<=\S)__(?!\w)", "", s)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!$>])", r"\1", s)
    return " ".join(s.split())


def _heading_text(raw: str) -> str:
    return clean_text(raw).strip(" :.").strip()


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


def _item_spans(document: Document) -> list[_Span]:
    text = document.text
    blocks = _blocks(text)
    headings = _numbered_headings(blocks, text)
    items = [i for i, b in enumerate(blocks)
             if b.kind == "item" and i not in headings and not _BOLD_ONLY.match(b.raw(text))]
    first_item = items[0] if items else len(blocks)
    tail = _sign_off_start(blocks, text)
    spans: list[_Span] = []
    section: str | None = None
    started = False
    for index, block in enumerate(blocks):
        raw = block.raw(text)
        if block.kind == "heading":
            if not (block.level == 1 and not started):
                section = _heading_text(raw)
                started = True
            continue
        if block.kind == "item":
            if index in headings:
                section = _heading_text(raw)
                started = True
                continue
            if _BOLD_ONLY.match(raw):
                section = _heading_text(raw)
            elif clean_text(raw):
                spans.append(_Span(block.content_start, block.end, section))
            started = True
            continue
        if _CLOSING.search(raw) and (_CLOSING.match(raw) or len(raw) < 400):
            break
        if _is_place_date(block, text) or _is_signature(block, text) or index >= tail:
            continue
        next_is_item = index + 1 < len(blocks) and blocks[index + 1].kind == "item"
        if not started and not next_is_item and _is_title_like(block, text) and (
            not _BOLD_LEAD.match(raw)
            or (index == 0 and _BOLD_ONLY.match(raw) and len(blocks) > 1 and _is_place_date(blocks[1], text))
        ):  # a bold first line is a title when the place and date follow it, else a heading
            continue
        if index < first_item and items and (
            _PREAMBLE.search(raw) or _DECLARE_END.search(raw) or re.fullmatch(r"[A-ZÁÉÍÓÚÑ ]{4,}:", raw.strip())
        ):
            started = True
            continue
        start = block.content_start
        dateline = _DATELINE.match(raw)
        if dateline and dateline.end() < len(raw):
            start += dateline.end()
            raw = raw[dateline.end():]
        lead = _BOLD_LEAD.match(raw)
        if lead:
            rest = re.match(r"[\s*_.:]*", raw[lead.end():])
            after = raw[lead.end() + rest.end():]
            if not after or after[0].isupper():
                section = _heading_text(lead.group(2))
                started = True
                if not after.strip():
                    continue
                start = start + lead.end() + rest.end()
        elif _is_heading_like(block, text):
            section = _heading_text(raw)
            started = True
            continue
        started = True
        for a, b in split_sentences(text, start, block.end):
            if clean_text(text[a:b]):
                spans.append(_Span(a, b, section))
    return spans


def segment(document: Document, nlp=None, use_parser: bool = True) -> list[AgreementItem]:
    """Split a document into its agreement items, numbered 1..N in document order.

    The verb is found by rules; Spanish items the rules miss go through spaCy's
    parser (`add_parsed_verbs`) unless `use_parser` is False, so that a caller
    holding many documents can parse all their items in one batch. An empty
    list means the document holds no items.
    """
    spans = _item_spans(document)
    texts = [clean_text(document.text[s.start:s.end]) for s in spans]
    langs = [guess_lang(t, default=document.lang) for t in texts]
    verbs = [verb_by_rules(t, lang) for t, lang in zip(texts, langs)]
    items = [
        AgreementItem(
            doc_id=document.id,
            n=n,
            text=texts[n - 1],
            section=span.section,
            page=document.page_at(span.start),
            start=span.start,
            end=span.end,
            lang=langs[n - 1],
            verb=verbs[n - 1],
            act=act_of(verbs[n - 1]),
        )
        for n, span in enumerate(spans, start=1)
    ]
    return add_parsed_verbs(items, nlp) if use_parser else items


def add_parsed_verbs(items: list[AgreementItem], nlp=None) -> list[AgreementItem]:
    """Give the Spanish items whose verb the rules missed the parser's governing verb, in one batch."""
    missing = [i for i, item in enumerate(items) if item.verb is None and item.lang == "es"]
    if not missing:
        return items
    try:
        if nlp is None:
            from .nlp import load_spanish

            nlp = load_spanish()
    except NLPModelMissing:
        return items
    out = list(items)
    for i, lemma in zip(missing, verbs_by_parser([items[i].text for i in missing], nlp)):
        out[i] = replace(items[i], verb=lemma, act=act_of(lemma))
    return out
