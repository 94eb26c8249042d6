"""Web pages (BeautifulSoup + lxml): the main text, without navigation, headers, footers, scripts."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableDocument
from .text import decode_bytes

_DROP = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "iframe", "svg"]
_BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "tr", "br", "dd", "dt", "figcaption", "pre"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


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
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[str] = []
    _walk(root, blocks, depth=0)
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise UnreadableDocument(str(path), "no text in the page body")
    return text, meta


def _inline(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _walk(node, blocks: list[str], depth: int) -> None:
    from bs4 import NavigableString, Tag

    buffer: list[str] = []

    def flush() -> None:
        line = " ".join(" ".join(buffer).split())
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
        if name in _HEADINGS:
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
        else:
            buffer.append(child.get_text(" "))
    flush()


def _list(node, blocks: list[str], depth: int) -> None:
    ordered = node.name == "ol"
    start = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
    indent = "   " * depth
    for i, li in enumerate(node.find_all("li", recursive=False)):
        nested = li.find_all(["ol", "ul"], recursive=False)
        for sub in nested:
            sub.extract()
        text = _inline(li)
        marker = f"{start + i}." if ordered else "-"
        if ordered and re.match(r"^\d{1,3}[.)]", text):
            marker = ""
        blocks.append(f"{indent}{marker} {text}".rstrip() if marker else f"{indent}{text}")
        for sub in nested:
            sub_blocks: list[str] = []
            _list(sub, sub_blocks, depth + 1)
            blocks[-1] += "\n" + "\n".join(sub_blocks)
