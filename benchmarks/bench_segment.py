"""Segmentation throughput beside spaCy's own, on the same text in the same run.

`run()` returns rows `{"name", "value", "unit"}`:
spaCy's tokenizer alone and its full Spanish pipeline (words/s), and our
read + segment (verb rules with the parser fallback) from a text file and from
PDFs of the same documents. The documents are the bundled corpus plus the real
US statements (one file each), repeated to about `target_words` words; the PDF
figure is measured on one copy of each.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

FULL = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner")


def _bodies() -> list[str]:
    from declaraciones_nlp import config, external
    from declaraciones_nlp.ingest.text import split_front_matter

    statements = external.collection_dir("us-statements")
    paths = sorted(config.raw_dir().glob("*.md")) + (sorted(statements.glob("20*.md")) if statements else [])
    bodies = [split_front_matter(p.read_text(encoding="utf-8"))[1].strip() for p in paths]
    if not bodies:
        fixtures = config.repo_root() / "tests" / "fixtures" / "declarations"
        bodies = [p.read_text(encoding="utf-8") for p in sorted(fixtures.glob("*.txt"))]
    return bodies


def _documents(target_words: int) -> list[str]:
    """Declaration bodies, repeated until they hold about `target_words` words."""
    bodies = _bodies()
    out: list[str] = []
    words = 0
    while words < target_words:
        for body in bodies:
            out.append(body)
            words += len(body.split())
    return out


def _pdf(text: str, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=10)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for line in text.split("\n"):
        pdf.multi_cell(0, 5, line.replace("\u00a0", " ") or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _rate(words: int, func) -> float:
    start = time.perf_counter()
    func()
    return words / (time.perf_counter() - start)


def run(target_words: int = 20000) -> list[dict]:
    from declaraciones_nlp.ingest import read_document
    from declaraciones_nlp.nlp import load_spanish, spanish_tokenizer
    from declaraciones_nlp.segment import segment

    documents = _documents(target_words)
    words = sum(len(d.split()) for d in documents)
    paragraphs = [p for d in documents for p in d.split("\n\n") if p.strip()]
    tokenizer, full, parser = spanish_tokenizer(), load_spanish(FULL), load_spanish()
    tokenizer("calentamiento"), full("calentamiento"), parser("calentamiento")
    with tempfile.TemporaryDirectory() as tmp:
        txt_paths, pdf_paths = [], []
        for k, body in enumerate(documents):
            txt_paths.append(Path(tmp) / f"d{k:03d}.md")
            txt_paths[-1].write_text(body, encoding="utf-8")
        for k, body in enumerate(documents[: len(_bodies())]):
            pdf_paths.append(Path(tmp) / f"d{k:03d}.pdf")
            _pdf(body, pdf_paths[-1])
        pdf_words = sum(len(read_document(p).text.split()) for p in pdf_paths)

        def segment_all(paths):
            return [segment(read_document(p), nlp=parser) for p in paths]

        rows = {
            "spacy_tokenizer_words_per_s": _rate(words, lambda: list(tokenizer.pipe(paragraphs))),
            "spacy_full_words_per_s": _rate(words, lambda: list(full.pipe(paragraphs, batch_size=64))),
            "segment_words_per_s": _rate(words, lambda: segment_all(txt_paths)),
            "segment_pdf_words_per_s": _rate(pdf_words, lambda: segment_all(pdf_paths)),
        }
    out = [{"name": name, "value": round(value, 1), "unit": "words/s"} for name, value in rows.items()]
    out.append({"name": "segment_bench_words", "value": words, "unit": "words"})
    return out


if __name__ == "__main__":
    import json

    for row in run():
        print(json.dumps(row))
