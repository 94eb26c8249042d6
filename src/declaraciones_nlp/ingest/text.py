"""Plain text and Markdown: decoding (UTF-8, BOM, cp1252/Latin-1) and YAML front matter."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import UnreadableDocument

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
# Encodings a declaration in Spanish or English plausibly comes in when it is not UTF-8.
_LEGACY = ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"]


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode file bytes to text, refusing binary content.

    UTF-8 (with or without BOM) and UTF-16 with BOM are taken as such; anything
    else goes through charset-normalizer, restricted to Western encodings.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableDocument(str(path), f"invalid UTF-16 text (byte {exc.start})") from exc
    head = data[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise UnreadableDocument(str(path), "binary content, not text (wrong extension?)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin_1")


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    bad = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(data)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter as a dict, body). Text without front matter gives ({}, text)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        data = {}
    return {k: _plain(v) for k, v in data.items()}, text[match.end():]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, data: bytes) -> tuple[str, dict[str, Any]]:
    """Return (body text, front matter) of a `.txt`/`.md` file."""
    text = normalise_newlines(decode_bytes(data, path)).lstrip("\ufeff")
    front, body = split_front_matter(text)
    return body, front
