"""Lines → blocks: headings, list items (with their continuation lines) and paragraphs; item text cleaning."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import dehyphenate

_UPPER = "A-ZÁÉÍÓÚÑÜ"
# "1.", "1)", "12.-", a decimal "1.1"/"2.3." (group 3) or a bare number before a tab or a wide gap
# ("1<TAB>…", "1     …": a table copied as text or extracted from a PDF).
# The archive's Markdown escapes the period: "1\\." is "1.".
_NUMBER = re.compile(
    r"^([ \t]*)(\d{1,3})((?:\.\d{1,2})+\.?|\\?\.-|\.–|\\?\.|\\?\)|-|–|(?=\t|[ \u00a0]{3,}))[ \t\u00a0]+(?=\S)"
)
_LONE_NUMBER = re.compile(r"^[ \t]*(\d{1,3})\\?[.)][ \t]*$")  # "1." alone on its line, the text on the next
# A bullet at the start of a continuation line: a sub-list kept inside its parent item loses its markers.
_INNER_BULLET = re.compile(r"\n[ \t]*(?:[-•▪*·◦●■‣➢►]|o(?=[ \t]{2,}|\t))[ \t]+(?=\S)")
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
_BOLD_ONLY = re.compile(r"^\s*(\*{2,3}|__)(?=\S)(.+?)(?<=\S)[ \t\u00a0]*\1\s*$", re.S)
_BOLD_LEAD = re.compile(r"^\s*(\*{2,3})(?=\S)(.+?)(?<=\S)[ \t\u00a0]*\*{2,3}", re.S)
_AXIS_HEADING = re.compile(r"^(?:EJE|EJES|PILAR|PILLAR|ÁMBITO|AMBITO|[IVXL]{1,5}\.|[IVXL]{1,5}\s*[-–])\b", re.I)
_CLOSING = re.compile(
    r"^\s*(?:suscrit[ao]s?|firmad[ao]s?|hech[ao]|dad[ao]|adoptad[ao]|done|signed|issued)\s+(?:en|at|in|el|on)\b"
    r"|ejemplares\s+originales|two\s+original\s+copies|dos\s+originales",
    re.I,
)
_TERMINAL = re.compile(r"[.;:,!?…]\W*$")


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
    kind: str  # "item", "para", "heading", or "end" (an end mark: "###", "-30-")
    lines: list[_Line] = field(default_factory=list)
    content_start: int = 0
    indent: int = 0
    number: int | None = None
    decimal: str | None = None  # "1.2" for decimal numbering
    letter: str | None = None  # "a" / "A" for lettered items
    bullet: str | None = None
    level: int = 0  # markdown heading level

    @property
    def start(self) -> int:
        return self.lines[0].start

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
    if (_CLOSING.match(s) and bool(re.search(r"[.;:]\W*$", previous))) or re.fullmatch(r"[A-ZÁÉÍÓÚÑ ]{4,}:", s):
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
    lone: tuple[_Line, int] | None = None
    for line in _lines(text):
        s = line.stripped
        if _is_blank(s) or _SEPARATOR.match(s):
            prev_blank = True
            continue
        if lone is not None:
            number_line, value = lone
            lone = None
            if not (_NUMBER.match(line.text) or _BULLET.match(line.text) or _MD_HEADING.match(line.text)):
                cur = _Block("item", [number_line, line], line.start + line.indent, number=value)
                last_number = value
                blocks.append(cur)
                prev_blank, previous = False, s
                continue
        alone = _LONE_NUMBER.match(line.text)
        if alone and (prev_blank or int(alone.group(1)) == 1 or int(alone.group(1)) == (last_number or 0) + 1):
            lone = (line, int(alone.group(1)))
            continue
        if _STOP.match(s):
            blocks.append(_Block("end", [line], line.start))
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
            sentence = re.match(r"[\"“«¿¡(]*[" + _UPPER + r"]", line.text[marker.end():]) and letter is None
            if nested and not _BOLD_ONLY.match(cur.raw(text)) and not (sentence and marker is bullet):
                cur.lines.append(line)  # a sub-list of clauses stays inside its parent item
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
            first = _Line(cut, split_line.end, text[cut:split_line.end])
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
    s = dehyphenate(_INNER_BULLET.sub("\n", s))
    s = re.sub(r"(?<!\\)\*+", "", s)
    s = re.sub(r"(?<![\w\\])__(?=\S)|(?<=\S)__(?!\w)", "", s)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!$>])", r"\1", s)
    return " ".join(s.split())


