"""OCR of scanned PDFs (opt-in): pages rendered by poppler's `pdftoppm`, read by `tesseract` (spa+eng).

Both are Debian packages (`poppler-utils`, `tesseract-ocr`, `tesseract-ocr-spa`,
`tesseract-ocr-eng`); when one is missing the file is refused with one line
saying what to install. Each page's text is rebuilt from tesseract's TSV output
(words → lines → paragraphs) so that the mean word confidence comes with it.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UnreadableDocument

LANGUAGES = "spa+eng"
DPI = 300
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng poppler-utils"


def ocr_available() -> str | None:
    """None when OCR can run here, else the reason in one line."""
    for tool in ("tesseract", "pdftoppm"):
        if shutil.which(tool) is None:
            return f"OCR needs `{tool}`, which is not installed ({INSTALL})"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    have = set(listed.stdout.split())
    missing = [lang for lang in LANGUAGES.split("+") if lang not in have]
    if missing:
        return f"OCR needs tesseract's {'+'.join(missing)} language data ({INSTALL})"
    return None


def ocr_pdf_pages(path: Path, data: bytes) -> tuple[list[str], float]:
    """The text of each page of a scanned PDF and the mean word confidence (0–100)."""
    reason = ocr_available()
    if reason:
        raise UnreadableDocument(str(path), reason)
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        rendered = subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(Path(tmp) / "page")],
                                  capture_output=True, text=True, check=False)
        images = sorted(Path(tmp).glob("page*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[-1]))
        if rendered.returncode or not images:
            raise UnreadableDocument(str(path), f"corrupt PDF: pages could not be rendered for OCR ({rendered.stderr.strip()[:80]})")
        pages, confidences = [], []
        for image in images:
            text, words = _read_image(path, image)
            pages.append(text)
            confidences.extend(words)
    if not any(page.strip() for page in pages):
        raise UnreadableDocument(str(path), "OCR found no text in the scanned pages")
    return pages, (sum(confidences) / len(confidences) if confidences else 0.0)


def _read_image(path: Path, image: Path) -> tuple[str, list[float]]:
    # one thread per page: on a shared machine tesseract's OpenMP threads are slower than one
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    done = subprocess.run(["tesseract", str(image), "stdout", "-l", LANGUAGES, "--psm", "4", "tsv"],
                          capture_output=True, text=True, check=False, env=env)
    if done.returncode:
        raise UnreadableDocument(str(path), f"OCR failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}")
    return tsv_to_text(done.stdout)


def tsv_to_text(tsv: str) -> tuple[str, list[float]]:
    """Tesseract's TSV as text (a line per line, a blank line between paragraphs) and the word confidences."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(word)
        confidences.append(float(row["conf"]))
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for (block, par, _), words in lines.items():
        if previous is not None and (block, par) != previous:
            out.append("")
        out.append(" ".join(words))
        previous = (block, par)
    return "\n".join(out), confidences
