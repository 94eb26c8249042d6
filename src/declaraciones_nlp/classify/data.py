"""Labelled and unlabelled JSONL: reading, validation, reference resolution, hashing.

Labelled lines follow docs/ARCHITECTURE.md: `{"text", "labels", "lang", "doc"}`
plus optional `n`, `section`, `written` and `kind` (`items`: quoted from a
declaration; `prose`: sentences of a report about the meeting); items of the real US statements come
as `{"ref": {"file", "n"}, "sha1", "labels", "lang", "doc"}` and are resolved by
segmenting the file under `config.us_statements_dir()`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from .. import config
from ..errors import InputError
from ..schema import LANGS, validate_labels
from ..text import guess_lang

KINDS = (None, "items", "prose")


@dataclass(frozen=True)
class LabelledItem:
    text: str
    labels: tuple[str, ...]
    lang: str = "es"
    doc: str = ""
    section: str | None = None
    written: bool = False
    n: int | None = None
    source: str = ""  # file:line it came from
    kind: str | None = None  # real items only: "items" (quoted from a declaration) or "prose" (a report's sentence)

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()

    @property
    def group(self) -> str:
        """Fold key: real items stay with their declaration, written ones stand alone."""
        return f"w:{self.sha1}" if self.written else f"d:{self.doc or self.sha1}"

    @property
    def subset(self) -> str:
        """`real-es`, `real-en` or `written`: the sets the figures are reported on."""
        return "written" if self.written else f"real-{self.lang}"


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line raises `InputError(file:line)`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{path}:{number}", "not UTF-8 text") from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}", f"malformed JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{number}", "a line must hold a JSON object")
            yield number, obj


class RefResolver:
    """Finds the text of `{"file", "n"}` references by segmenting the US statements."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base or config.us_statements_dir()
        self._items: dict[str, list[Any]] = {}

    def items(self, name: str) -> list[Any]:
        if name not in self._items:
            from ..ingest import read_document
            from ..segment import segment

            path = self.base / name
            if not path.is_file() or Path(name).name != name:
                raise InputError(name, f"referenced file not found in {self.base}")
            self._items[name] = segment(read_document(path))
        return self._items[name]

    def resolve(self, ref: Any, sha1: str, where: str) -> Any:
        if not isinstance(ref, dict) or not isinstance(ref.get("file"), str) or not isinstance(ref.get("n"), int):
            raise InputError(where, 'ref must be {"file": "<name>.md", "n": <item number>}')
        name, n = ref["file"], ref["n"]
        items = self.items(name)
        found = next((item for item in items if item.n == n), None)
        if found is None:
            raise InputError(where, f"ref {name}#{n}: the file has {len(items)} items")
        actual = hashlib.sha1(found.text.encode("utf-8")).hexdigest()
        if actual != sha1:
            raise InputError(where, f"ref {name}#{n}: sha1 mismatch (the item text changed: {actual[:12]} ≠ {str(sha1)[:12]})")
        return found


def parse_labelled(obj: dict[str, Any], where: str, resolver: RefResolver | None) -> LabelledItem:
    labels = obj.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise InputError(where, '"labels" must be a list of axis ids')
    try:
        labels_t = validate_labels(labels)
    except ValueError as exc:
        raise InputError(where, str(exc)) from None
    section = obj.get("section")
    if "ref" in obj:
        if resolver is None:
            resolver = RefResolver()
        item = resolver.resolve(obj["ref"], obj.get("sha1", ""), where)
        text, n = item.text, obj["ref"]["n"]
        section = section or item.section
        lang = obj.get("lang") or item.lang
    else:
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(where, 'missing "text" (or "ref")')
        n = obj.get("n") if isinstance(obj.get("n"), int) else None
        lang = obj.get("lang") or guess_lang(text)
    if lang not in LANGS:
        raise InputError(where, f"unknown lang {lang!r} (known: {', '.join(LANGS)})")
    kind = obj.get("kind")
    if kind not in KINDS:
        raise InputError(where, f"unknown kind {kind!r} (known: items, prose)")
    return LabelledItem(
        text=text, labels=labels_t, lang=lang, doc=str(obj.get("doc") or ""),
        section=section if isinstance(section, str) else None,
        written=bool(obj.get("written", False)), n=n, source=where, kind=kind,
    )


def load_labelled(paths: Sequence[Path], resolver: RefResolver | None = None) -> list[LabelledItem]:
    """All labelled items of `paths`, in order; any bad line raises `InputError(file:line, reason)`."""
    resolver = resolver or RefResolver()
    items: list[LabelledItem] = []
    for path in paths:
        for number, obj in read_jsonl(Path(path)):
            items.append(parse_labelled(obj, f"{path}:{number}", resolver))
    if not items:
        raise InputError(", ".join(str(p) for p in paths) or "--data", "no labelled items")
    return items


def default_data_paths() -> list[Path]:
    """`corpus/labeled/*.jsonl`, sorted."""
    paths = sorted(config.labeled_dir().glob("*.jsonl"))
    if not paths:
        raise InputError(str(config.labeled_dir()), "no *.jsonl labelled data")
    return paths


def data_hash(items: Sequence[LabelledItem]) -> str:
    """SHA-256 over the items' text, labels, lang, section and written flag, in order."""
    digest = hashlib.sha256()
    for item in items:
        record = [item.text, list(item.labels), item.lang, item.section, item.written, item.doc]
        digest.update(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class InputItem:
    """A line of `classify --input`: the text and what the caller wants echoed back."""

    text: str
    lang: str
    section: str | None
    record: dict[str, Any]


def load_inputs(path: Path) -> list[InputItem]:
    inputs = []
    for number, obj in read_jsonl(Path(path)):
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{path}:{number}", 'missing "text"')
        lang = obj.get("lang") or guess_lang(text)
        if lang not in LANGS:
            raise InputError(f"{path}:{number}", f"unknown lang {lang!r} (known: {', '.join(LANGS)})")
        section = obj.get("section") if isinstance(obj.get("section"), str) else None
        inputs.append(InputItem(text, lang, section, obj))
    return inputs
