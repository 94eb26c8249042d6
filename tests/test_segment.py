"""Segmentation: golden fixtures in every format, markers, abbreviations, sub-items, non-items, verbs."""
from __future__ import annotations

import pytest

from declaraciones_nlp.acts import act_of, verb_by_rules
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.ingest.text import split_front_matter
from declaraciones_nlp.segment import clean_text, segment, split_sentences

from golden import FIXTURES, expected, golden_cases, golden_stems, text_document as _doc

DECLARATIONS = FIXTURES / "declarations"
GOLDEN = golden_stems(DECLARATIONS)
CASES = golden_cases(DECLARATIONS)


def _texts(text: str) -> list[str]:
    return [item.text for item in segment(_doc(text), use_parser=False)]


def test_golden_fixtures_cover_the_shapes():
    assert len(GOLDEN) >= 12
    suffixes = {suffix for _, suffix in CASES}
    assert {".pdf", ".docx", ".html"} <= suffixes
    assert all((DECLARATIONS / f"{stem}.pdf").exists() for stem in GOLDEN)


@pytest.mark.parametrize("stem,suffix", CASES, ids=[f"{s}{x}" for s, x in CASES])
def test_segment_golden_fixture(stem, suffix, nlp_es):
    want = expected(DECLARATIONS, stem)
    document = read_document(DECLARATIONS / f"{stem}{suffix}")
    items = segment(document, nlp=nlp_es)
    assert [(i.text, i.section) for i in items] == [(e["text"], e["section"]) for e in want["items"]]
    assert [i.n for i in items] == list(range(1, len(items) + 1))
    assert [(i.verb, i.act) for i in items] == [(e["verb"], e["act"]) for e in want["items"]]
    if suffix == ".pdf":
        assert [i.page for i in items] == [e["pdf_page"] for e in want["items"]]
    elif suffix in (".txt", ".md"):
        assert [i.page for i in items] == [e["page"] for e in want["items"]]
        meta = document.metadata()
        for key, value in want["metadata"].items():
            assert meta[key] == value, key


@pytest.mark.parametrize("stem", GOLDEN)
def test_spans_point_at_the_item_text(stem):
    src = next(p for p in sorted(DECLARATIONS.glob(f"{stem}.*")) if p.suffix in (".txt", ".md"))
    document = read_document(src)
    items = segment(document, use_parser=False)
    assert len(items) == len(expected(DECLARATIONS, stem)["items"])
    for item in items:
        assert clean_text(document.text[item.start:item.end]) == item.text
        assert document.page_at(item.start) == item.page


def test_numbered_markers():
    text = "1. Acordaron A.\n\n2) Acordaron B.\n\n3.- Acordaron C.\n\n12.- Acordaron D.\n"
    assert _texts(text) == ["Acordaron A.", "Acordaron B.", "Acordaron C.", "Acordaron D."]


def test_bullet_markers():
    text = "- Uno.\n• Dos.\n▪ Tres.\n* Cuatro.\n\no Cinco.\no Seis."
    assert _texts(text) == ["Uno.", "Dos.", "Tres.", "Cuatro.", "Cinco.", "Seis."]


def test_wrapped_line_starting_with_a_number_is_not_an_item():
    text = "1. Acordaron ampliar la cooperación hasta el año\n2. Saludaron.\n"
    assert _texts(text) == ["Acordaron ampliar la cooperación hasta el año", "Saludaron."]
    text = "1. Acordaron revisar los acuerdos del punto\n5. y siguientes.\n\n2. Saludaron."
    assert _texts(text) == ["Acordaron revisar los acuerdos del punto 5. y siguientes.", "Saludaron."]


def test_sub_items_stay_inside_their_parent():
    text = "1. Acordaron:\n   a) uno;\n   b) dos.\n\n   i. tres.\n2. Saludaron."
    assert _texts(text) == ["Acordaron: a) uno; b) dos. i. tres.", "Saludaron."]


def test_nested_bullets_under_a_text_bullet_stay_inside():
    text = "-   Cooperate on:\n    -   energy;\n    -   water.\n-   Share data."
    assert _texts(text) == ["Cooperate on: energy; water.", "Share data."]  # no list markers left in the text


def test_bold_only_bullet_is_a_heading_for_its_children():
    text = "-   **Supply Chains**\n    -   Coordinate on industries.\n    -   Explore options.\n"
    items = segment(_doc(text, lang="en"), use_parser=False)
    assert [(i.text, i.section) for i in items] == [
        ("Coordinate on industries.", "Supply Chains"), ("Explore options.", "Supply Chains")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Los EE. UU. y el Perú acordaron cooperar.",
        "La ayuda de EE.UU. Crece cada año.",
        "Se firmó el Convenio Nro. 5 sobre pesca.",
        "El Sr. Pérez y el Dr. Gómez asistieron.",
        "S.E. El Embajador asistió.",
        "The U.S. Government will provide aid.",
        "Conforme al art. 5 del Tratado.",
        "Superó los 1.500 millones.",
        "President Joseph R. Biden met Lisa O. Monaco.",
    ],
)
def test_abbreviations_do_not_split_sentences(sentence):
    assert _texts(f"{sentence} Ambos celebraron.") == [sentence, "Ambos celebraron."]


def test_split_sentences_spans_are_trimmed():
    text = "  Uno dos.  Tres cuatro?\n¿Cinco seis?  "
    assert [text[a:b] for a, b in split_sentences(text)] == ["Uno dos.", "Tres cuatro?", "¿Cinco seis?"]


def test_non_items_are_skipped():
    text = (
        "DECLARACIÓN CONJUNTA\n\nLima, 26 de octubre de 2018\n\n"
        "Los Presidentes del Perú y del Ecuador, reunidos en Lima,\n\nDECLARAN:\n\n"
        "EJE DE SEGURIDAD Y DEFENSA\n\n1. Acordaron combatir la minería ilegal.\n\n"
        "Suscrita en Lima, en dos ejemplares originales.\n\nMartín Vizcarra\nPresidente de la República del Perú\n"
    )
    items = segment(_doc(text), use_parser=False)
    assert [(i.text, i.section) for i in items] == [
        ("Acordaron combatir la minería ilegal.", "EJE DE SEGURIDAD Y DEFENSA")]


def test_done_at_closing_ends_the_items():
    text = "1. The leaders agreed.\n\nDone at Washington, D.C., on May 3, 2019.\n\n2. Not an item."
    assert _texts(text) == ["The leaders agreed."]


def test_markdown_headings_links_and_emphasis():
    text = (
        "## Comercio\n\n1. Destacaron el [Acuerdo](https://example.org/a_(b)) de **Promoción**\n"
        "   Comercial y el 21<sup>st</sup> Century *Fund*.\n"
    )
    items = segment(_doc(text), use_parser=False)
    assert items[0].text == "Destacaron el Acuerdo de Promoción Comercial y el 21st Century Fund."
    assert items[0].section == "Comercio"


def test_inline_bold_heading_before_prose():
    text = "**Bolstering Security***. * The United States and Peru maintain ties. They will cooperate.\n"
    items = segment(_doc(text, lang="en"), use_parser=False)
    assert [(i.text, i.section) for i in items] == [
        ("The United States and Peru maintain ties.", "Bolstering Security"),
        ("They will cooperate.", "Bolstering Security"),
    ]


def test_paragraph_number_run_into_the_previous_one_is_split():
    text = "27. The leaders met.  28.      The leaders also welcomed the talks.\n\n29. They agreed."
    assert _texts(text) == ["The leaders met.", "The leaders also welcomed the talks.", "They agreed."]


def test_hyphenation_rejoined_but_real_hyphens_kept():
    text = "1. Acordaron la interco-\nnexión del Proyecto Puyango-\nTumbes y Catamayo-Chira."
    assert _texts(text) == ["Acordaron la interconexión del Proyecto Puyango-Tumbes y Catamayo-Chira."]


def test_no_items_gives_an_empty_list():
    assert _texts("DECLARACIÓN CONJUNTA\n\nLima, 3 de mayo de 2019\n") == []


def test_item_language_is_detected_per_item():
    text = "1. Los Presidentes acordaron la cooperación en la frontera.\n2. The leaders agreed to the plan of action."
    assert [i.lang for i in segment(_doc(text), use_parser=False)] == ["es", "en"]


@pytest.mark.parametrize(
    "text,lang,verb,act",
    [
        ("Acordaron impulsar el corredor vial.", "es", "acordar", "commitment"),
        ("Se comprometieron a fortalecer la cooperación.", "es", "comprometerse", "commitment"),
        ("Acordamos crear un grupo de trabajo.", "es", "acordar", "commitment"),
        ("Instruyeron a los sectores competentes.", "es", "instruir", "commitment"),
        ("Dispusieron la creación de un comité.", "es", "disponer", "commitment"),
        ("Reafirmaron su compromiso con la paz.", "es", "reafirmar", "reaffirmation"),
        ("Reiteraron su voluntad.", "es", "reiterar", "reaffirmation"),
        ("Saludaron la suscripción del convenio.", "es", "saludar", "acknowledgement"),
        ("Destacaron los avances.", "es", "destacar", "acknowledgement"),
        ("Expresaron su profunda preocupación por la tala ilegal.", "es", "expresar preocupación", "concern"),
        ("Condenaron el terrorismo.", "es", "condenar", "concern"),
        ("The leaders agreed to meet annually.", "en", "agree", "commitment"),
        ("The United States will provide assistance.", "en", "will", "commitment"),
        ("They reaffirmed their commitment to democracy.", "en", "reaffirm", "reaffirmation"),
        ("The leaders welcomed the launch of INDUS-X.", "en", "welcome", "acknowledgement"),
        ("The leaders expressed deep concern about Myanmar.", "en", "express concern", "concern"),
        ("They condemned the missile launches.", "en", "condemn", "concern"),
    ],
)
def test_verb_rules(text, lang, verb, act):
    assert verb_by_rules(text, lang) == verb
    assert act_of(verb) == act


def test_parser_fallback_finds_the_verb_of_unmatched_spanish_items(nlp_es):
    items = segment(_doc("1. Fortalecer la cooperación en materia de salud.\n2. Acordaron X."), nlp=nlp_es)
    assert (items[0].verb, items[0].act) == ("fortalecer", "other")
    assert (items[1].verb, items[1].act) == ("acordar", "commitment")


def test_front_matter_is_not_part_of_the_text():
    front, body = split_front_matter("---\ntitle: T\ndate: 2020-01-02\n---\n1. Acordaron.\n")
    assert front == {"title": "T", "date": "2020-01-02"} and body == "1. Acordaron.\n"
