"""Spanish web pages and press releases that republish a declaration: only the declaration's items come out.

The fixtures in tests/fixtures/web/ were written by the team in the shape of an agency news page (HTML
and saved text), a ministry page and a press release with the declaration embedded; the items an
analyst wants are in `name.expected.json`.
"""
from __future__ import annotations

import pytest

from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import segment_accounted
from declaraciones_nlp.segment.furniture import is_furniture

from golden import FIXTURES, expected, golden_cases

WEB = FIXTURES / "web"
CASES = golden_cases(WEB)


def test_web_fixtures_are_there():
    assert {(stem, suffix) for stem, suffix in CASES} >= {
        ("es_agencia", ".html"), ("es_agencia", ".txt"), ("es_ministerio", ".html"), ("es_nota_prensa_embebida", ".txt")}


@pytest.mark.parametrize("stem,suffix", CASES, ids=[f"{s}{x}" for s, x in CASES])
def test_web_page_segments_into_the_declaration_items(stem, suffix):
    found = segment_accounted(read_document(WEB / f"{stem}{suffix}"), use_parser=False)
    assert [(i.text, i.section) for i in found.items] == [(e["text"], e["section"]) for e in expected(WEB, stem)["items"]]
    assert found.lost == []


@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_agency_page_furniture_and_press_lead_are_dropped_with_their_reason(suffix):
    document = read_document(WEB / f"es_agencia{suffix}")
    found = segment_accounted(document, use_parser=False)
    dropped = [(document.text[p.start:p.end], p.reason) for p in found.dropped]

    def reason(start: str) -> str:
        return next(why for text, why in dropped if text.lstrip("*").startswith(start))

    assert reason("14:16 | Lima, oct. 30.") == reason("Vea aquí la galería") == reason("Agencia Peruana") == "furniture"
    assert reason("Los cancilleres del Perú") == "press lead"
    assert reason("DECLARACIÓN CONJUNTA") == "title"
    assert all("Twitter" not in item.text and "FIN" not in item.text for item in found.items)


@pytest.mark.parametrize("text", [
    "14:16 | Lima, oct. 30.", "15 de marzo de 2024 - 6:00 p. m.", "Vea aquí la galería fotográfica",
    "Lee también: Cancillería presenta su balance", "Conoce los puntos de la declaración:", "Compartir:",
    "Agencia Peruana de Noticias ÑANDÚ Twitter: @nandu_noticias", "(FIN) RQS/MCL", "Inicio del texto",
    "El texto de la siguiente declaración fue publicado por ambas cancillerías:", "Share this:",
    "Read more about the partnership here.", "Watch the video",
])
def test_furniture_in_spanish_and_english(text):
    assert is_furniture(text)


@pytest.mark.parametrize("text", [
    "Share data on illegal fishing.", "share intelligence, and plan coordinated enforcement actions.",
    "Acordaron compartir información sobre redes de trata.", "Related infrastructure will be built by 2026.",
    "Los Presidentes se reunieron el 15 de marzo de 2024 a las 10:00 en Lima y acordaron ampliar el comercio bilateral.",
])
def test_sentences_that_are_not_furniture(text):
    assert not is_furniture(text)


EN_SHEET_MARKDOWN = """# FACT SHEET: The United States and Examplia

Today, the United States and Examplia announced new commitments.

**Pandemic Response**

The United States will donate two million vaccine doses to Examplia.

Examplia will host a regional center for disease control.

**Clean Energy**

The two countries will launch a partnership on grid storage.

**Security:** The two countries will expand maritime patrols.

1.

Both governments will train customs officers.
"""


def test_bold_underlined_headings_and_run_in_titles_read_the_same_in_html_and_markdown(tmp_path):
    path = tmp_path / "sheet.md"
    path.write_text(EN_SHEET_MARKDOWN, encoding="utf-8")
    html = segment_accounted(read_document(WEB / "en_fact_sheet_negritas.html"), use_parser=False).items
    markdown = segment_accounted(read_document(path), use_parser=False).items
    assert [(i.text, i.section) for i in html] == [(i.text, i.section) for i in markdown]
    assert [i.section for i in html] == ["Pandemic Response", "Pandemic Response", "Clean Energy", "Security", "Security"]
    assert not any(i.text.startswith(("Today", "1.")) for i in html)  # an empty announcement, a lone number
