"""Property-based tests of the readers and the segmenter on generated documents."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings, strategies as st

from declaraciones_nlp.errors import UnreadableDocument
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import segment

WORDS = ["acordaron", "fortalecer", "la", "cooperación", "en", "materia", "de", "seguridad", "comercio", "frontera",
         "ambiente", "los", "presidentes", "destacaron", "el", "plan", "binacional", "desarrollo", "agreed", "to",
         "strengthen", "trade", "and", "security", "ministerios", "Perú", "Ecuador", "minería", "ilegal"]

sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")
marker = st.sampled_from(["{n}. ", "{n}) ", "{n}.- ", "- ", "• ", "* "])
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _write(tmp_path: Path, text: str, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _bare(text: str) -> str:
    """Text without what item cleaning removes by design (emphasis asterisks, escapes), spaces single."""
    return " ".join(text.replace("\\", "").replace("*", "").split())


def _check_invariants(document, items) -> None:
    assert [item.n for item in items] == list(range(1, len(items) + 1))
    previous_end = 0
    for item in items:
        assert 0 <= item.start < item.end <= len(document.text)
        assert item.start >= previous_end
        previous_end = item.end
        assert item.text
        assert _bare(item.text) in _bare(document.text[item.start:item.end])


@SETTINGS
@given(texts=st.lists(sentence, min_size=1, max_size=12), style=marker)
def test_listed_items_come_out_whole_and_in_order(tmp_path, texts, style):
    lines = [style.format(n=i) + text for i, text in enumerate(texts, 1)]
    document = read_document(_write(tmp_path, "\n".join(lines) + "\n"))
    items = segment(document)
    _check_invariants(document, items)
    assert [item.text for item in items] == texts


@SETTINGS
@given(texts=st.lists(sentence, min_size=1, max_size=10))
def test_prose_sentences_come_out_in_order(tmp_path, texts):
    document = read_document(_write(tmp_path, " ".join(texts) + "\n"))
    items = segment(document)
    _check_invariants(document, items)
    assert " ".join(item.text for item in items) == " ".join(texts)


@SETTINGS
@given(text=st.text(min_size=0, max_size=400))
def test_arbitrary_text_never_crashes(tmp_path, text):
    try:
        document = read_document(_write(tmp_path, text))
    except UnreadableDocument:
        return
    _check_invariants(document, segment(document))


@SETTINGS
@given(tail=st.text(min_size=0, max_size=400))
@example(tail="0*.")  # a lone asterisk: cleaning drops it from the item's text
def test_a_numbered_item_survives_any_text_after_it(tmp_path, tail):
    """The invariants checked on documents that do hold an item, whatever follows it."""
    first = "1. Los Presidentes acordaron fortalecer la cooperación en materia de seguridad.\n\n"
    try:
        document = read_document(_write(tmp_path, first + tail))
    except UnreadableDocument:
        return
    items = segment(document)
    assert items and items[0].text.startswith("Los Presidentes acordaron fortalecer")
    _check_invariants(document, items)


@SETTINGS
@given(data=st.binary(min_size=1, max_size=300))
def test_arbitrary_bytes_either_read_or_refused(tmp_path, data):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    try:
        document = read_document(path)
    except UnreadableDocument as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        return
    _check_invariants(document, segment(document))
