"""Web pages (BeautifulSoup + lxml): the main text, without navigation, headers, footers, scripts."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from .text import decode_bytes

_DROP = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "iframe", "svg"]
_BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "tr", "dd", "dt", "figcaption", "pre"}
# Page furniture kept in ordinary <div>s by many ministry sites: matched on class/id words.
_NOISE = re.compile(
    r"(?:^|[-_\s])(?:breadcrumbs?|migas|cookies?|cookie-?consent|gdpr|sidebar|share|sharing|compartir|social|"
    r"redes|related|relacionad[oa]s|menu|navbar|topbar|banner|header|footer|pie|tags|etiquetas)(?:$|[-_\s])",
    re.I,
)
_BR = "\x00"
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_EMPHASIS = {"strong", "b", "u"}


def read_html(path: Path, data: bytes) -> tuple[str, dict]:
    """Return (text, metadata) of the page's main content as Markdown-like lines."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_bytes(data, path), "lxml")
    title_tag = soup.find("title")
    meta = {"title": " ".join(title_tag.get_text().split()) or None} if title_tag else {}
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": re.compile("navigation|banner|contentinfo")}):
        tag.decompose()
    articles = soup.find_all("article")
    if articles:
        root = max(articles, key=lambda a: len(a.get_text(" ", strip=True)))
    else:
        root = soup.find("main") or soup.body or soup
    _drop_noise(root)
    blocks: list[str] = []
    _walk(root, blocks, depth=0)
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise UnreadableDocument(str(path), "no text in the page body")
    return text, meta


def _drop_noise(root) -> None:
    """Remove breadcrumbs, cookie banners, sidebars, share bars inside the content root."""
    for tag in list(root.find_all(True)):
        if getattr(tag, "decomposed", False):
            continue
        attrs = getattr(tag, "attrs", None)
        if not attrs:
            continue
        words = " ".join(attrs.get("class", []) or []) + " " + str(attrs.get("id", ""))
        if _NOISE.search(words) and tag.name not in ("main", "article", "body"):
            tag.decompose()


def _inline(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _walk(node, blocks: list[str], depth: int) -> None:
    from bs4 import NavigableString, Tag

    buffer: list[str] = []

    def flush() -> None:
        # <br> breaks a line inside the block; two in a row end the block
        for part in re.split(f"{_BR}[ \t\n]*{_BR}", " ".join(buffer)):
            line = "\n".join(l for l in (" ".join(x.split()) for x in part.split(_BR)) if l)
            if line:
                blocks.append(line)
        buffer.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ == "NavigableString":
                buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            buffer.append(_BR)
        elif name in _HEADINGS:
            flush()
            level = "#" if name == "h1" else "##"
            blocks.append(f"{level} {_inline(child)}")
        elif name in ("ol", "ul"):
            flush()
            _list(child, blocks, depth)
        elif name == "table":
            flush()
            for row in child.find_all("tr"):
                cells = [_inline(c) for c in row.find_all(["td", "th"])]
                if any(cells):
                    blocks.append(" ".join(c for c in cells if c))
        elif name in _BLOCKS:
            flush()
            _walk(child, blocks, depth)
        elif name in _EMPHASIS and child.get_text().strip():
            # bold and underlined runs keep a Markdown mark: a bold-only paragraph is a heading, a bold
            # run-in title ("Security: …") is read as in the archive's Markdown
            inner = " ".join(child.get_text(" ").split())
            buffer.append(f" **{inner}** " if "**" not in inner else f" {inner} ")
        else:
            buffer.append(child.get_text(" "))
    flush()


def _list(node, blocks: list[str], depth: int) -> None:
    ordered = node.name == "ol"
    start = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
    kind = str(node.get("type", "1"))
    indent = "   " * depth
    for i, li in enumerate(node.find_all("li", recursive=False)):
        nested = li.find_all(["ol", "ul"], recursive=False)
        for sub in nested:
            sub.extract()
        text = _inline(li)
        marker = _ol_marker(kind, start + i) if ordered else "-"
        if ordered and re.match(r"^\d{1,3}[.)]", text):
            marker = ""
        blocks.append(f"{indent}{marker} {text}".rstrip() if marker else f"{indent}{text}")
        for sub in nested:
            sub_blocks: list[str] = []
            _list(sub, sub_blocks, depth + 1)
            blocks[-1] += "\n" + "\n".join(sub_blocks)


def _ol_marker(kind: str, value: int) -> str:
    """The marker a browser draws for `<ol type=…>`: "3.", "c)", "C)", "iii.", "III."."""
    if kind in ("a", "A"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
        return f"{letter.upper() if kind == 'A' else letter})"
    if kind in ("i", "I"):
        from .docx import _roman

        numeral = _roman(value)
        return f"{numeral if kind == 'I' else numeral.lower()}."
    return f"{value}."
