"""Labelled and unlabelled JSONL: reading, validation, reference resolution, hashing.

Labelled lines follow docs/ARCHITECTURE.md: `{"text", "labels", "lang", "doc"}`
plus optional `n`, `section`, `written` and `kind` (`items`: quoted from a
declaration; `prose`: sentences of a report about the meeting; `articles`:
articles of a bilateral agreement). Items of external public documents come by
reference, `{"ref": {"file", "n"[, "collection"]}, "sha1", "labels", "lang", "doc"}`:
an item of a real US statement (collection `us-statements`, the default) is found
by segmenting the file, an article of a Spanish agreement (`treaties-es`) by
`external.treaties.articles`. Where the documents are not available (see
`external`), their items are left out and counted in `RefResolver.missing`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from .. import config, external
from ..errors import InputError
from ..schema import LANGS, validate_labels
from ..text import guess_lang

KINDS = (None, "items", "prose", "articles")
DEFAULT_COLLECTION = "us-statements"


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
    kind: str | None = None  # real items only: "items" (quoted), "prose" (a report's sentence), "articles" (a treaty's)
    record: str = ""  # what the data hash sees of the labelled line (its text only by SHA-1)

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()

    @property
    def group(self) -> str:
        """Fold key: real items stay with their declaration, written ones stand alone."""
        return f"w:{self.sha1}" if self.written else f"d:{self.doc or self.sha1}"

    @property
    def subset(self) -> str:
        """`real-es`, `real-en`, `treaties-es` or `written`: the sets the figures are reported on."""
        if self.written:
            return "written"
        return f"treaties-{self.lang}" if self.kind == "articles" else f"real-{self.lang}"


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


class MissingDocument(InputError):
    """A referenced external document is not available on this machine."""


class RefResolver:
    """Finds the text of `{"file", "n"}` references in the external documents.

    `base` pins one folder for every collection (tests); by default each
    collection is looked up where `external.collection_dir` finds it. References
    to documents that are nowhere are counted per collection in `missing`.
    """

    def __init__(self, base: Path | None = None) -> None:
        self.base = Path(base) if base else None
        self._units: dict[tuple[str, str], list[Any]] = {}
        self.missing: dict[str, int] = {}

    def _path(self, collection: str, name: str) -> Path:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise InputError(name, "a reference names a file inside its collection")
        path = self.base / name if self.base else external.locate(collection, name)
        if path is None or not path.is_file():
            where = self.base or external.collection_dir(collection) or " or ".join(map(str, external.search_roots()))
            raise MissingDocument(name, f"referenced file not found in {where}")
        return path

    def units(self, collection: str, name: str) -> list[Any]:
        """The numbered units of a document: segmented items, or a treaty's articles."""
        key = (collection, name)
        if key not in self._units:
            path = self._path(collection, name)
            if collection == "treaties-es":
                from ..external.treaties import articles

                self._units[key] = articles(external.read_text(path))
            else:
                from ..ingest import read_document
                from ..segment import segment

                self._units[key] = segment(read_document(path))
        return self._units[key]

    def resolve(self, ref: Any, sha1: str, where: str) -> Any:
        if not isinstance(ref, dict) or not isinstance(ref.get("file"), str) or not isinstance(ref.get("n"), int):
            raise InputError(where, 'ref must be {"file": "<name>", "n": <item number>}')
        collection = ref.get("collection", DEFAULT_COLLECTION)
        if collection not in external.COLLECTIONS:
            raise InputError(where, f"unknown collection {collection!r} (known: {', '.join(external.COLLECTIONS)})")
        name, n = ref["file"], ref["n"]
        units = self.units(collection, name)
        found = next((unit for unit in units if unit.n == n), None)
        actual = hashlib.sha1(found.text.encode("utf-8")).hexdigest() if found is not None else None
        if actual != sha1:  # renumbered by a change of the segmenter: the same text elsewhere in the file
            same = [unit for unit in units if hashlib.sha1(unit.text.encode("utf-8")).hexdigest() == sha1]
            if len(same) == 1:
                return same[0]
        if found is None:
            raise InputError(where, f"ref {name}#{n}: the file has {len(units)} items")
        if actual != sha1:
            raise InputError(where, f"ref {name}#{n}: sha1 mismatch (the item text changed: {actual[:12]} ≠ {str(sha1)[:12]})")
        return found


def _labels_of(obj: dict[str, Any], where: str) -> tuple[str, ...]:
    labels = obj.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise InputError(where, '"labels" must be a list of axis ids')
    try:
        return validate_labels(labels)
    except ValueError as exc:
        raise InputError(where, str(exc)) from None


def record_key(obj: dict[str, Any], labels: tuple[str, ...]) -> str:
    """What the data hash sees of a labelled line, computable without the referenced documents:
    the text by its SHA-1 (a reference's recorded one), labels, language, document, section,
    written flag, kind."""
    if "ref" in obj:
        text_id, lang = str(obj.get("sha1", "")), obj.get("lang")
    else:
        text = obj.get("text") if isinstance(obj.get("text"), str) else ""
        text_id, lang = hashlib.sha1(text.encode("utf-8")).hexdigest(), obj.get("lang") or guess_lang(text)
    record = [text_id, list(labels), lang, str(obj.get("doc") or ""), obj.get("section"),
              bool(obj.get("written", False)), obj.get("kind")]
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def parse_labelled(obj: dict[str, Any], where: str, resolver: RefResolver | None) -> LabelledItem:
    labels_t = _labels_of(obj, where)
    section = obj.get("section")
    if "ref" in obj:
        if resolver is None:
            resolver = RefResolver()
        item = resolver.resolve(obj["ref"], obj.get("sha1", ""), where)
        text, n = item.text, obj["ref"]["n"]
        section = section or getattr(item, "section", None)
        lang = obj.get("lang") or getattr(item, "lang", "es")
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
        raise InputError(where, f"unknown kind {kind!r} (known: items, prose, articles)")
    return LabelledItem(
        text=text, labels=labels_t, lang=lang, doc=str(obj.get("doc") or ""),
        section=section if isinstance(section, str) else None,
        written=bool(obj.get("written", False)), n=n, source=where, kind=kind,
        record=record_key(obj, labels_t),
    )


def _collection_of(obj: dict[str, Any]) -> str:
    ref = obj.get("ref")
    return ref.get("collection", DEFAULT_COLLECTION) if isinstance(ref, dict) else DEFAULT_COLLECTION


def load_labelled(paths: Sequence[Path], resolver: RefResolver | None = None) -> list[LabelledItem]:
    """All labelled items of `paths`, in order; any bad line raises `InputError(file:line, reason)`.

    Items that refer to an external document missing on this machine are left
    out and counted in `resolver.missing` (per collection); see `missing_note`.
    """
    resolver = resolver or RefResolver()
    items: list[LabelledItem] = []
    for path in paths:
        for number, obj in read_jsonl(Path(path)):
            try:
                items.append(parse_labelled(obj, f"{path}:{number}", resolver))
            except MissingDocument:
                _labels_of(obj, f"{path}:{number}")
                collection = _collection_of(obj)
                resolver.missing[collection] = resolver.missing.get(collection, 0) + 1
    if not items:
        raise InputError(", ".join(str(p) for p in paths) or "--data", "no labelled items")
    return items


def missing_note(missing: dict[str, int]) -> str | None:
    """One line saying which labelled subsets were left out and how to get them, or None."""
    if not missing:
        return None
    parts = ", ".join(f"{n} of {collection}" for collection, n in sorted(missing.items()))
    return f"{sum(missing.values())} labelled items left out ({parts}): their documents are not here; {external.HOW_TO_GET}"


def missing_collections(paths: Sequence[Path]) -> list[str]:
    """Collections with at least one referenced document that is not on this machine
    (looked up by name only: nothing is read or segmented)."""
    missing: set[str] = set()
    for path in paths:
        for _, obj in read_jsonl(Path(path)):
            ref = obj.get("ref")
            if isinstance(ref, dict) and isinstance(ref.get("file"), str):
                collection = _collection_of(obj)
                if collection not in missing and external.locate(collection, ref["file"]) is None:
                    missing.add(collection)
    return sorted(missing)


def records_hash(paths: Sequence[Path]) -> str:
    """The data hash of every labelled line of `paths`, whether or not its documents are here:
    what a model trained on all of them records (see `data_hash`)."""
    digest = hashlib.sha256()
    for path in paths:
        for number, obj in read_jsonl(Path(path)):
            digest.update(record_key(obj, _labels_of(obj, f"{path}:{number}")).encode("utf-8") + b"\n")
    return digest.hexdigest()


def default_data_paths() -> list[Path]:
    """`corpus/labeled/*.jsonl`, sorted."""
    paths = sorted(config.labeled_dir().glob("*.jsonl"))
    if not paths:
        raise InputError(str(config.labeled_dir()), "no *.jsonl labelled data")
    return paths


def data_hash(items: Sequence[LabelledItem]) -> str:
    """SHA-256 over the items' records (text by SHA-1, labels, lang, doc, section, written, kind), in order."""
    digest = hashlib.sha256()
    for item in items:
        record = item.record or record_key(
            {"text": item.text, "labels": list(item.labels), "lang": item.lang, "doc": item.doc,
             "section": item.section, "written": item.written, "kind": item.kind}, item.labels)
        digest.update(record.encode("utf-8") + b"\n")
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
