"""Real US statements (a third of the 81, read from ../shared, never copied) and the bundled corpus."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from declaraciones_nlp import config
from declaraciones_nlp.ingest import iter_input_files, read_document
from declaraciones_nlp.segment import clean_text, segment

# Pinned after reading each file's segmentation: item count, and for the first, middle and last item the
# SHA-1 prefix of its text, its first words and its section (no text of the statements is copied here).
PINS = json.loads((Path(__file__).parent / "fixtures" / "us_statement_pins.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def us_segmented(us_statements_dir):
    out = {}
    for path in sorted(us_statements_dir.glob("*.md")):
        if path.name in PINS:
            document = read_document(path)
            out[path.name] = (document, segment(document, use_parser=False))
    return out


def test_pinned_statements_present(us_segmented):
    assert len(PINS) >= 27 and sorted(us_segmented) == sorted(PINS)


@pytest.mark.parametrize("name", sorted(PINS))
def test_us_statement_items(us_segmented, name):
    document, items = us_segmented[name]
    pins = PINS[name]
    assert len(items) == pins["count"]
    assert [i.n for i in items] == list(range(1, len(items) + 1))
    for n, pin in pins["items"].items():
        item = items[int(n) - 1]
        assert hashlib.sha1(item.text.encode("utf-8")).hexdigest()[:12] == pin["sha1"], (n, item.text[:80])
        assert item.text.startswith(pin["starts"]) and item.section == pin["section"], n
    assert list(document.parties) == pins["parties"] and document.date == pins["date"]
    assert document.title and "source_url" not in document.text[:200]
    assert all(i.lang == "en" for i in items)
    for item in items:
        assert clean_text(document.text[item.start:item.end]) == item.text
        assert "**" not in item.text and "](" not in item.text and "<" not in item.text


def test_us_statement_sections_recorded(us_segmented):
    _, items = us_segmented["2023-06-22-joint-statement-from-the-united-states-and-india.md"]
    sections = [i.section for i in items]
    assert sections.count("Charting a Technology Partnership for the Future") == 9
    assert sections[-1] == "Empowering Future Generations and Protecting the Health of our People"


def test_us_statement_verbs_found_by_rules(us_segmented):
    _, items = us_segmented["2023-06-22-joint-statement-from-the-united-states-and-india.md"]
    found = sum(1 for i in items if i.verb)
    assert found / len(items) > 0.9
    assert {i.act for i in items} >= {"commitment", "reaffirmation", "acknowledgement", "concern"}


def _bundled():
    labeled = config.labeled_dir() / "bundled.jsonl"
    raw = sorted(config.raw_dir().glob("*.md"))
    if not raw or not labeled.exists():
        return []
    return raw


@pytest.mark.skipif(not _bundled(), reason="corpus/raw or corpus/labeled/bundled.jsonl not written yet")
def test_bundled_corpus_segments_into_the_labelled_items():
    expected: dict[str, list[tuple[int | None, str]]] = {}
    with open(config.labeled_dir() / "bundled.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                expected.setdefault(row["doc"], []).append((row.get("n"), row["text"]))
    for path in iter_input_files([config.raw_dir()]):
        if path.suffix != ".md":
            continue
        rows = sorted(expected.get(path.stem, []), key=lambda r: (r[0] is None, r[0] or 0))
        items = segment(read_document(path), use_parser=False)
        assert [i.text for i in items] == [text for _, text in rows], path.name
