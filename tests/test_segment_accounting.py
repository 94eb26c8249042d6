"""No text is lost silently: every word of a document is in an item, a heading or a part dropped on purpose."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from declaraciones_nlp.cli import app
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import segment_accounted

# A fact sheet whose Markdown link wraps across lines, the second line starting like a closing ("signed in").
WRAPPED_LINK = """# FACT SHEET: A Partnership

The United States and the Republic of Example announced today:

- The two governments renewed the [Agreement on Science and Technology Cooperation that was
signed in 2010](https://example.org/agreement), and will hold a joint commission next year.
- The two governments launched a clean energy dialogue on grid modernization.
- The two governments agreed to expand student exchanges by 20 percent.

\\###
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_segment_keeps_a_markdown_link_wrapped_across_lines(tmp_path):
    found = segment_accounted(read_document(_write(tmp_path, "sheet.md", WRAPPED_LINK)), use_parser=False)
    texts = [item.text for item in found.items]
    assert texts[0] == ("The two governments renewed the Agreement on Science and Technology Cooperation that was "
                        "signed in 2010, and will hold a joint commission next year.")
    assert len(texts) == 3 and texts[2].startswith("The two governments agreed to expand")
    assert found.lost == [] and not found.unfinished


def test_segment_accounts_for_title_preamble_and_end_mark(tmp_path):
    found = segment_accounted(read_document(_write(tmp_path, "sheet.md", WRAPPED_LINK)), use_parser=False)
    text = found.items[0].text
    reasons = {p.reason for p in found.dropped}
    assert {"title", "lead-in", "list marker", "end mark"} <= reasons, reasons
    assert "Science" in text


def test_segment_warns_when_the_text_ends_inside_an_item(tmp_path):
    cut = WRAPPED_LINK.split("- The two governments agreed")[0] + "- The two governments agreed to expand student exchanges in\n"
    path = _write(tmp_path, "cut.md", cut)
    assert segment_accounted(read_document(path), use_parser=False).unfinished
    result = CliRunner().invoke(app, ["segment", str(path), "--format", "jsonl"])
    assert result.exit_code == 0
    assert "ends inside an unfinished item (#3)" in result.stderr and "cut.md" in result.stderr


def test_segment_does_not_warn_on_a_whole_document(tmp_path):
    result = CliRunner().invoke(app, ["segment", str(_write(tmp_path, "ok.md", WRAPPED_LINK)), "--format", "jsonl"])
    assert result.exit_code == 0 and "warning" not in result.stderr


@pytest.fixture(scope="module")
def real_statements(us_statements_dir):
    return [p for p in sorted(us_statements_dir.glob("*.md")) if p.name[:2] == "20"]


def test_real_statements_lose_no_text(real_statements):
    assert len(real_statements) >= 81
    losses = {}
    for path in real_statements:
        document = read_document(path)
        found = segment_accounted(document, use_parser=False)
        if found.lost:
            a, b = found.lost[0]
            losses[path.name] = (len(found.lost), document.text[a:b][:80])
    assert losses == {}


def test_real_statements_drop_only_what_is_not_an_agreement(real_statements):
    """Closing and end marks drop the rest of the text: never more than a few short lines of it."""
    for path in real_statements:
        document = read_document(path)
        found = segment_accounted(document, use_parser=False)
        for part in found.dropped:
            if part.reason in ("closing", "end mark", "sign-off", "signature"):
                assert len(document.text[part.start:part.end].split()) <= 60, (path.name, part.reason)
