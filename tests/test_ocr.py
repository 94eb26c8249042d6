"""The same declaration as text, PDF, Word, web page and scanned PDF (OCR, opt-in) gives the same items.

The scanned PDFs of tests/fixtures/scanned/ are fixture PDFs rendered to images and rebuilt without a
text layer (`scripts/make_fixtures.py --scanned`).
"""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from declaraciones_nlp.cli import app
from declaraciones_nlp.errors import UnreadableDocument
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.ingest.ocr import ocr_available, tsv_to_text

from golden import FIXTURES

SOURCE = FIXTURES / "declarations" / "es_gabinete_ejes"
SCANNED = FIXTURES / "scanned"
needs_ocr = pytest.mark.skipif(ocr_available() is not None, reason=str(ocr_available()))


def _jsonl(*args: str) -> tuple[list[dict], str]:
    result = CliRunner().invoke(app, ["segment", *args, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def _items(rows: list[dict]) -> list[tuple[str, str | None]]:
    return [(row["text"], row["section"]) for row in rows]


@pytest.fixture(scope="module")
def scanned_rows():
    if ocr_available() is not None:
        pytest.skip(str(ocr_available()))
    return _jsonl(str(SCANNED / "es_gabinete_ejes.pdf"), "--ocr")


def test_segment_gives_the_same_items_for_every_format():
    text_items = _items(_jsonl(str(SOURCE.with_suffix(".txt")))[0])
    assert len(text_items) >= 6
    for suffix in (".pdf", ".docx", ".html"):
        assert _items(_jsonl(str(SOURCE.with_suffix(suffix)))[0]) == text_items, suffix


@needs_ocr
def test_segment_with_ocr_gives_the_items_and_pages_of_the_pdf(scanned_rows):
    rows, stderr = scanned_rows
    pdf_rows, _ = _jsonl(str(SOURCE.with_suffix(".pdf")))
    assert _items(rows) == _items(pdf_rows)
    assert [row["page"] for row in rows] == [row["page"] for row in pdf_rows] and rows[-1]["page"] > 1
    assert "read by OCR, mean word confidence" in stderr
    assert all(row["ocr_confidence"] > 80 for row in rows) and pdf_rows[0]["ocr_confidence"] is None


def test_a_scanned_pdf_without_ocr_is_refused_in_one_line():
    result = CliRunner().invoke(app, ["segment", str(SCANNED / "es_gabinete_ejes.pdf")])
    assert result.exit_code != 0
    assert "no text layer: scanned PDF, needs OCR (add --ocr)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_tesseract_is_explained_in_one_line(monkeypatch):
    monkeypatch.setattr("declaraciones_nlp.ingest.ocr.shutil.which", lambda tool: None)
    with pytest.raises(UnreadableDocument, match=r"es_gabinete_ejes.pdf: OCR needs `tesseract`.*apt-get install"):
        read_document(SCANNED / "es_gabinete_ejes.pdf", ocr=True)
    result = CliRunner().invoke(app, ["segment", str(SCANNED / "es_gabinete_ejes.pdf"), "--ocr"])
    assert result.exit_code != 0 and "OCR needs `tesseract`" in result.stderr


def test_tesseract_tsv_becomes_lines_and_paragraphs():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [(1, 1, 1, 1, "1.", 96), (1, 1, 1, 2, "Acordaron", 90), (1, 1, 2, 1, "ampliar.", 80),
            (1, 2, 1, 1, "Saludaron.", 94)]
    tsv = "\n".join([header] + [f"5\t1\t{b}\t{p}\t{l}\t{w}\t0\t0\t0\t0\t{c}\t{t}" for b, p, l, w, t, c in rows])
    text, confidences = tsv_to_text(tsv)
    assert text == "1. Acordaron\nampliar.\n\nSaludaron."
    assert confidences == [96, 90, 80, 94]


@needs_ocr
@pytest.mark.slow
def test_ingest_with_ocr_stores_the_items_and_notes_the_confidence(tmp_path):
    db = f"sqlite:///{tmp_path / 'ocr.db'}"
    result = CliRunner().invoke(app, ["ingest", str(SCANNED / "en_declaracion_saltos.pdf"), "--ocr", "--db", db,
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    assert "stored 1 (5 items)" in result.stdout
    assert "en_declaracion_saltos.pdf: read by OCR, mean word confidence" in result.stdout
    # the confidence is stored with the document: listed, and on its page
    (doc,) = json.loads(CliRunner().invoke(app, ["documents", "--format", "json", "--db", db]).stdout)
    assert 80 < doc["ocr_confidence"] <= 100
    from fastapi.testclient import TestClient

    from declaraciones_nlp.web.app import create_app

    page = TestClient(create_app(db)).get(f"/documents/{doc['id']}")
    assert page.status_code == 200
    assert f"Por OCR, confianza media de las palabras {doc['ocr_confidence']:.0f}/100" in page.text
