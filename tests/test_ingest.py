"""Readers: formats, encodings, PDF noise, metadata, overrides and refused files."""
from __future__ import annotations

from pathlib import Path

import pytest

from declaraciones_nlp import config
from declaraciones_nlp.errors import InputError, UnreadableDocument
from declaraciones_nlp.ingest import SUPPORTED_EXTENSIONS, iter_input_files, read_document
from declaraciones_nlp.ingest.clean import clean_pages, dehyphenate, is_page_number
from declaraciones_nlp.ingest.metadata import find_edition, find_parties, parse_date
from declaraciones_nlp.text import guess_lang

DECLARATIONS = Path(__file__).resolve().parent / "fixtures" / "declarations"
SPANISH = "1. Los Presidentes acordaron la interconexión eléctrica en Tumbes y Piura.\n"


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=10)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize(
    "data",
    [
        SPANISH.encode("utf-8"),
        b"\xef\xbb\xbf" + SPANISH.encode("utf-8"),
        SPANISH.encode("cp1252"),
        SPANISH.encode("latin-1"),
        SPANISH.replace("\n", "\r\n").encode("cp1252"),
        SPANISH.encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "latin1", "cp1252-crlf", "utf16"],
)
def test_text_encodings_keep_accents(tmp_path, data):
    path = tmp_path / "d.txt"
    path.write_bytes(data)
    document = read_document(path)
    assert document.text == SPANISH.rstrip("\n")
    assert "interconexión eléctrica" in document.text


def test_cp1252_smart_quotes_and_accents(tmp_path):
    text = "1. Destacaron el “Plan Binacional” de la región de Piura, año 2018 – señaló el Canciller.\n" * 3
    path = tmp_path / "d.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read_document(path).text == text.rstrip("\n")


def test_document_id_is_a_hash_of_the_cleaned_text(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_text(SPANISH, encoding="utf-8")
    b.write_bytes(b"\xef\xbb\xbf" + SPANISH.replace("\n", "\r\n").encode())
    da, db = read_document(a), read_document(b)
    assert da.id == db.id == da.content_hash[:16] and len(da.content_hash) == 64


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("missing.txt", None, "file not found"),
        ("d.rtf", b"{\\rtf1 hola}", "unsupported file type"),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n ", "empty file"),
        ("bin.txt", bytes(range(256)) * 8, "binary content"),
        ("bad.pdf", b"%PDF-1.4\n garbage garbage", "corrupt PDF"),
        ("notpdf.pdf", b"hello, not a pdf", "corrupt PDF"),
        ("bad.docx", b"PK\x03\x04 not really a zip", "corrupt Word file"),
    ],
)
def test_unreadable_files_get_a_specific_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert reason in info.value.reason
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text(SPANISH * 10, encoding="utf-8")
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 100)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("file was read"))
    with pytest.raises(UnreadableDocument, match="too large"):
        read_document(path)


def test_scanned_pdf_needs_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(UnreadableDocument, match="no text layer: scanned PDF, needs OCR"):
        read_document(tmp_path / "scan.pdf")


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = _pdf(tmp_path / "plain.pdf", [["1. Acordaron cooperar."]])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secreto", owner_password="otro")
    with open(tmp_path / "locked.pdf", "wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableDocument, match="encrypted PDF"):
        read_document(tmp_path / "locked.pdf")


def test_pdf_noise_removed_and_pages_kept(tmp_path):
    head = ["Cancillería del Perú — Declaración Conjunta"]
    pages = [
        head + ["", "1. Acordaron la interco-", "nexión eléctrica Puyango-Tumbes.", "", "Página 1 de 3"],
        head + ["", "2. Saludaron el acuerdo.", "", "- 2 -"],
        head + ["", "3. Reiteraron su voluntad.", "", "Page 3"],
    ]
    document = read_document(_pdf(tmp_path / "d.pdf", pages))
    assert "Cancillería" not in document.text and "Página" not in document.text
    assert "- 2 -" not in document.text and "Page 3" not in document.text
    assert "interconexión eléctrica Puyango-Tumbes." in document.text
    assert len(document.page_starts) == 3
    from declaraciones_nlp.segment import segment

    items = segment(document, use_parser=False)
    assert [(i.text, i.page) for i in items] == [
        ("Acordaron la interconexión eléctrica Puyango-Tumbes.", 1),
        ("Saludaron el acuerdo.", 2),
        ("Reiteraron su voluntad.", 3),
    ]


@pytest.mark.parametrize("line", ["7", "- 7 -", "Página 7 de 12", "Page 7", "pág. 7", "7/12", "— 12 —"])
def test_page_number_lines(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["7. Acordaron.", "Artículo 7", "Page seven", "12.- Saludaron"])
def test_not_page_number_lines(line):
    assert not is_page_number(line)


def test_clean_pages_form_feeds_and_word_split_across_pages():
    text, starts = clean_pages(["Encabezado\n1. Acordaron la coope-\n7", "Encabezado\nración técnica.\n8"])
    assert text == "1. Acordaron la cooperación\ntécnica." and starts == (0, len("1. Acordaron la cooperación\n"))


def test_dehyphenate():
    assert dehyphenate("interco-\nnexión y Puyango-\nTumbes") == "interconexión y Puyango-Tumbes"


def test_text_form_feeds_are_pages(tmp_path):
    document = read_document(DECLARATIONS / "es_ruido_pdf.txt")
    assert len(document.page_starts) == 3
    assert "MINISTERIO DE RELACIONES" not in document.text and "Página 2 de 3" not in document.text
    assert "\f" not in document.text


def test_docx_reads_paragraphs_and_tables():
    document = read_document(DECLARATIONS / "es_numeracion_guion.docx")
    assert "ACTA FINAL DE LA COMISIÓN MIXTA PERÚ-BRASIL" in document.text
    assert "12.- Condenaron la tala ilegal en la región amazónica." in document.text


def test_html_main_text_without_navigation_header_footer_script():
    document = read_document(DECLARATIONS / "es_vinetas.html")
    for noise in ("Inicio", "Contacto", "derechos reservados", "tracker", "font-family"):
        assert noise not in document.text
    assert document.title == "ACTA DE LA REUNIÓN DE VICEMINISTROS PERÚ-COLOMBIA"


def test_metadata_from_text():
    document = read_document(DECLARATIONS / "es_gabinete_ejes.txt")
    assert document.date == "2018-10-26"
    assert document.place == "Trujillo"
    assert document.parties == ("EC", "PE")
    assert document.mechanism == "Gabinete Binacional" and document.edition == "XII Gabinete Binacional"
    assert document.lang == "es"


def test_metadata_from_front_matter():
    document = read_document(DECLARATIONS / "es_corpus_markdown.md")
    meta = document.metadata()
    assert (meta["title"], meta["date"], meta["place"], meta["parties"]) == (
        "Declaración de Isla Esteves", "2015-06-23", "Puno", ["BO", "PE"])
    assert meta["citation"] == "(Diario Correo, 2015)" and meta["excerpt_only"] is True
    assert not document.text.startswith("---")


def test_overrides_win(tmp_path):
    document = read_document(
        DECLARATIONS / "es_gabinete_ejes.txt",
        overrides={"parties": "pe,us", "date": "26 de octubre de 2019", "mechanism": "Diálogo de Alto Nivel",
                   "title": "Otro", "place": None},
    )
    assert document.parties == ("PE", "US") and document.date == "2019-10-26"
    assert document.mechanism == "Diálogo de Alto Nivel" and document.title == "Otro" and document.place == "Trujillo"


@pytest.mark.parametrize("overrides", [{"date": "ayer"}, {"parties": "PERU"}, {"colour": "red"}, {"lang": "fr"}])
def test_bad_overrides_are_input_errors(overrides):
    with pytest.raises(InputError):
        read_document(DECLARATIONS / "es_vinetas.txt", overrides=overrides)


@pytest.mark.parametrize(
    "text,iso",
    [("Lima, 26 de octubre de 2018", "2018-10-26"), ("October 26, 2018", "2018-10-26"),
     ("on 2018-10-26 in Lima", "2018-10-26"), ("el 1° de setiembre de 2017", "2017-09-01"),
     ("26 October 2018", "2018-10-26")],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text,codes",
    [
        ("FACT SHEET: U.S. – Mexico High-Level Economic Dialogue", {"MX", "US"}),
        ("Joint Statement from the United States and India", {"IN", "US"}),
        ("Declaración conjunta entre el Perú y los EE. UU.", {"PE", "US"}),
        ("las delegaciones peruana y ecuatoriana", {"PE", "EC"}),
        ("la cooperación peruano-boliviana en el Lago Titicaca", {"PE", "BO"}),
        ("United States–Argentina Agreement", {"AR", "US"}),
    ],
)
def test_find_parties(text, codes):
    assert set(find_parties(text)) == codes


@pytest.mark.parametrize(
    "text,edition",
    [("XII Gabinete Binacional Perú-Ecuador", "XII"), ("Tercera Reunión del Gabinete Ministerial Binacional", "III"),
     ("Encuentro Presidencial y IV Gabinete Binacional", "IV"), ("Joint Statement", None)],
)
def test_find_edition(text, edition):
    assert find_edition(text) == edition


def test_guess_lang():
    assert guess_lang("Los Presidentes acordaron fortalecer la cooperación.") == "es"
    assert guess_lang("The leaders agreed to strengthen the partnership.") == "en"


def test_iter_input_files_recursive_sorted_and_filtered(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/z.md", "a.txt", "b/c.pdf", "b/skip.rtf", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    found = iter_input_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.txt", "b/c.pdf", "b/z.md"]
    assert iter_input_files([tmp_path / "b" / "skip.rtf"]) == [tmp_path / "b" / "skip.rtf"]
    assert set(SUPPORTED_EXTENSIONS) == {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}
