"""Realistic shapes of declarations the golden fixtures do not cover, with items written by hand.

Each `tests/fixtures/shapes/name.expected.json` lists the items an analyst
wants (text, section, page; `pdf_page` for the generated PDF, filled from the
typesetting by `scripts/make_fixtures.py --shapes`); every source file
`name.{txt,md,pdf,docx,html}` must segment into exactly those items.
"""
from __future__ import annotations

import pytest

from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import clean_text, segment

from golden import FIXTURES, expected, golden_cases, golden_stems, text_document as _doc

SHAPES = FIXTURES / "shapes"
STEMS = golden_stems(SHAPES)
CASES = golden_cases(SHAPES)


def _pairs(text: str, **meta) -> list[tuple[str, str | None]]:
    return [(i.text, i.section) for i in segment(_doc(text, **meta), use_parser=False)]


def test_shapes_are_there():
    assert len(STEMS) >= 10
    assert {".txt", ".md", ".pdf", ".docx", ".html"} <= {suffix for _, suffix in CASES}


@pytest.mark.parametrize("stem,suffix", CASES, ids=[f"{s}{x}" for s, x in CASES])
def test_shape_segments_into_the_expected_items(stem, suffix):
    want = expected(SHAPES, stem)["items"]
    document = read_document(SHAPES / f"{stem}{suffix}")
    items = segment(document, use_parser=False)
    assert [(i.text, i.section) for i in items] == [(e["text"], e["section"]) for e in want]
    key = "pdf_page" if suffix == ".pdf" else "page"
    assert [i.page for i in items] == [e.get(key, 1) for e in want]
    for item in items:
        assert clean_text(document.text[item.start:item.end]) == item.text


def test_numbered_heading_over_decimal_items():
    text = "1. Eje Social\n\n1.1 Acordaron A.\n1.2 Saludaron B.\n\n2. Eje Comercial\n\n2.1 Destacaron C.\n"
    assert _pairs(text) == [("Acordaron A.", "Eje Social"), ("Saludaron B.", "Eje Social"),
                            ("Destacaron C.", "Eje Comercial")]


def test_a_run_of_short_numbered_items_stays_items():
    text = "Pillars:\n\n1.  Trade\n2.  Investing in Our People\n\nThe leaders will meet again in Lima next year to review it."
    assert [t for t, _ in _pairs(text, lang="en")][:2] == ["Trade", "Investing in Our People"]  # "Pillars:" a lead-in


def test_lettered_items_at_the_top_level_and_as_sub_items():
    assert [t for t, _ in _pairs("a. Acordaron A.\nb. Saludaron B.\n\nA) Destacaron C.\nB) Reiteraron D.")] == [
        "Acordaron A.", "Saludaron B.", "Destacaron C.", "Reiteraron D."]
    assert [t for t, _ in _pairs("1. Acordaron:\n   a) uno;\n   b) dos.\n2. Saludaron.")] == [
        "Acordaron: a) uno; b) dos.", "Saludaron."]


def test_dateline_and_straight_quotes_in_a_press_release():
    text = 'Lima, 3 de mayo de 2019.- El Canciller llegó. "Es un día. Un gran día", dijo.'
    assert [t for t, _ in _pairs(text)] == ["El Canciller llegó.", '"Es un día. Un gran día", dijo.']


def test_pdf_footnotes_and_their_markers_are_removed():
    from declaraciones_nlp.ingest.clean import clean_pages

    pages = ["1. Acordaron el Convenio¹ de pesca y\n¹ Suscrito en 2017.\n- 1 -", "la veda.\n\n- 2 -"]
    text, _ = clean_pages(pages)
    assert text == "1. Acordaron el Convenio de pesca y\nla veda."
