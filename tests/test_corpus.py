"""The bundled corpus: raw files, their manifest, their provenance and the hand labels."""
from __future__ import annotations

import datetime
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from declaraciones_nlp import config
from declaraciones_nlp.schema import validate_labels

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "corpus" / "raw"
LABELED = REPO / "corpus" / "labeled" / "bundled.jsonl"
SCRIPT = REPO / "scripts" / "build_corpus.py"
THESIS = config.shared_dir() / "seed" / "000_afab1f356d31f7a2.txt"

REQUIRED = ("title", "parties", "date", "place", "mechanism", "edition", "lang",
            "citation", "excerpt_only", "kind")
PARTY_CODES = {"AR", "BO", "CL", "CN", "CO", "EC", "EU", "IN", "MX", "PE", "RU", "US"}
STEM_RE = re.compile(r"^(\d{4}(?:-\d{2}-\d{2})?)_([a-z]{2})-([a-z]{2})_[a-z0-9-]+$")
ITEM_RE = re.compile(r"^(\d+)\. (\S.*)$")


def read_raw(path: Path) -> tuple[dict, list[tuple[int, str | None, str]]]:
    """Front matter and items (n, section, text) of a raw file, as the format defines them."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path.name
    _, head, body = text.split("---\n", 2)
    meta = yaml.safe_load(head)
    items: list[tuple[int, str | None, str]] = []
    section = None
    for line in body.splitlines():
        if not line.strip():
            continue
        if meta["kind"] == "items":
            if line.startswith("## "):
                section = line[3:]
                continue
            match = ITEM_RE.match(line)
            assert match, f"{path.name}: not an item line: {line[:60]!r}"
            items.append((int(match.group(1)), section, match.group(2)))
        else:
            items.append((len(items) + 1, None, line))
    return meta, items


def raw_files() -> list[Path]:
    return sorted(RAW.glob("*.md"))


def labelled() -> list[dict]:
    return [json.loads(line) for line in LABELED.read_text(encoding="utf-8").splitlines() if line]


def manifest_rows() -> list[dict]:
    lines = (RAW / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    assert header == ["file", "sha256", "bytes", "items"]
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def test_manifest_matches_files():
    rows = manifest_rows()
    assert [row["file"] for row in rows] == [path.name for path in raw_files()]
    for row in rows:
        data = (RAW / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
        assert len(data) == int(row["bytes"]), row["file"]
        assert len(read_raw(RAW / row["file"])[1]) == int(row["items"]), row["file"]


def test_build_corpus_reproduces_raw_files(tmp_path):
    if not THESIS.is_file():
        pytest.skip(f"thesis not found at {THESIS} (../shared beside the checkout)")
    out = tmp_path / "raw"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True,
                   capture_output=True, text=True)
    built = sorted(path.name for path in out.iterdir())
    shipped = sorted(path.name for path in RAW.iterdir() if path.name != ".gitkeep")
    assert built == shipped
    for name in built:
        assert (out / name).read_bytes() == (RAW / name).read_bytes(), name


@pytest.mark.parametrize("path", raw_files(), ids=lambda p: p.stem)
def test_raw_file_metadata(path):
    meta, items = read_raw(path)
    assert all(key in meta for key in REQUIRED), set(REQUIRED) - set(meta)
    assert meta["lang"] == "es" and meta["excerpt_only"] is True
    assert meta["kind"] in ("items", "prose")
    assert isinstance(meta["title"], str) and meta["title"]
    assert isinstance(meta["citation"], str) and meta["citation"]
    parties = meta["parties"]
    assert len(parties) == 2 and set(parties) <= PARTY_CODES, parties
    date = meta["date"]
    assert isinstance(date, str) and re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", date), date
    if len(date) == 10:
        datetime.date.fromisoformat(date)
    stem = STEM_RE.match(path.stem)
    assert stem, path.stem
    assert stem.group(1) == date
    assert [stem.group(2), stem.group(3)] == [code.lower() for code in parties]
    assert items, "a document without items"


@pytest.mark.parametrize("path", raw_files(), ids=lambda p: p.stem)
def test_raw_file_body_format(path):
    meta, items = read_raw(path)
    if meta["kind"] == "items":
        assert [n for n, _, _ in items] == list(range(1, len(items) + 1))
    else:
        for _, _, sentence in items:
            assert not re.match(r"^(\d+\.|[-*]) ", sentence), sentence[:60]
            assert sentence.endswith("."), sentence[-60:]
    for _, _, text in items:
        assert text == text.strip() and "  " not in text
        assert not re.search(r"\((?:MRE|EEAS|NDTV|DW), \d{4}\)", text), text[:60]


def test_every_item_has_exactly_one_label_line():
    expected = {}
    for path in raw_files():
        for n, section, text in read_raw(path)[1]:
            expected[(path.stem, n)] = (section, text)
    rows = labelled()
    keys = [(row["doc"], row["n"]) for row in rows]
    assert len(keys) == len(set(keys)), "duplicate labelled items"
    assert set(keys) == set(expected)
    assert keys == sorted(keys, key=lambda k: (k[0], k[1])), "labels not in document order"
    kinds = {path.stem: read_raw(path)[0]["kind"] for path in raw_files()}
    for row in rows:
        section, text = expected[(row["doc"], row["n"])]
        assert row["text"] == text and row["section"] == section, (row["doc"], row["n"])
        assert row["kind"] == kinds[row["doc"]], (row["doc"], row["n"])  # quoted items or thesis prose


def test_labels_are_valid_and_texts_occur_in_raw_files():
    raw_text = {path.stem: path.read_text(encoding="utf-8") for path in raw_files()}
    for row in labelled():
        assert set(row) == {"text", "labels", "doc", "kind", "n", "lang", "section"}
        assert validate_labels(row["labels"]) == tuple(row["labels"]), row["labels"]
        assert row["lang"] == "es"
        assert row["text"] in raw_text[row["doc"]], (row["doc"], row["n"])


def _item(doc: str, n: int) -> dict:
    return next(row for row in labelled() if row["doc"] == doc and row["n"] == n)


def test_pinned_items():
    lima = _item("2017-09-01_pe-bo_declaracion-de-lima", 1)
    assert lima["text"] == (
        "Fortalecer el Mecanismo de Consultas Consulares y Migraciones, con el objetivo de "
        "asegurar la atención de sus connacionales y comunidades migrantes bajo el enfoque de derecho"
    )
    assert lima["labels"] == ["borders"]
    nuclear = _item("2018-09-03_pe-bo_declaracion-de-cobija", 6)
    assert "uso pacífico de tecnología nuclear" in nuclear["text"]
    assert nuclear["labels"] == ["environment"]
    two_plus_two = _item("2015-10-30_pe-co_declaracion-de-medellin", 1)
    assert two_plus_two["section"] == "Seguridad y Defensa"
    assert two_plus_two["labels"] == ["security", "governance"]
    gold = _item("2018-03-01_us-co_vii-dialogo-de-alto-nivel", 10)
    assert gold["section"] == "Eje de Medio Ambiente"
    assert gold["text"].startswith("Suscribimos un Memorando de Entendimiento")
    hyphen = _item("2018-10-26_pe-ec_declaracion-de-quito", 10)
    assert "Plan Quinquenal de Salud en Frontera 2018-2022," in hyphen["text"]
    ocds = _item("2016-02-25_us-mx_dialogo-economico-de-alto-nivel", 9)
    assert ocds["text"].startswith("Ambos gobiernos promoverán el “Open Contracting Data Standard”")
    conacyt = _item("2016-02-25_us-mx_dialogo-economico-de-alto-nivel", 18)
    assert "Consejo Nacional para la Ciencia y la Tecnología (CONACYT)" in conacyt["text"]


def test_corpus_size():
    rows = manifest_rows()
    kinds = {row["file"]: read_raw(RAW / row["file"])[0]["kind"] for row in rows}
    quoted = sum(int(row["items"]) for row in rows if kinds[row["file"]] == "items")
    assert len(rows) == 34
    assert quoted == 122
    assert sum(int(row["items"]) for row in rows) == len(labelled()) == 281
