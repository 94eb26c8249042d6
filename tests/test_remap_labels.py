"""Labels by reference survive a change of the segmenter: remapped by text, or found again by SHA-1."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from declaraciones_nlp.classify.data import RefResolver, load_labelled

REPO = Path(__file__).resolve().parents[1]

# The commit whose segmenter made every item of a lead-in "… announced:" an item of its own.
BASE = "b8d2c6ded87b8ec1c8da52ca00f07404111a5410"
SHEET = """# FACT SHEET: Example Partnership

The two governments announced the following commitments:

- The United States will fund a regional program to protect coral reefs.
- Both countries will open a joint trade office in the capital.
"""


def _remap_module():
    spec = importlib.util.spec_from_file_location("remap_labels", REPO / "scripts" / "remap_labels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _items(*rows):
    return {"text_sha": "same", "items": [[n, text, start, end, None] for n, text, start, end in rows]}


def test_remap_keeps_merges_splits_and_loses_old_items():
    old = _items((1, "Lead:", 0, 5), (2, "A one.", 6, 12), (3, "B two", 13, 18), (4, "c three.", 19, 27),
                 (5, "D four. E five.", 28, 43))
    new = _items((1, "A one.", 6, 12), (2, "B two c three.", 13, 27), (3, "D four.", 28, 35), (4, "E five.", 36, 43))
    records = [{"ref": {"file": "f.md", "n": n}, "sha1": "x", "labels": labels}
               for n, labels in [(1, ["other"]), (2, ["trade"]), (3, ["security"]), (4, ["trade"]), (5, ["borders"])]]
    rewritten, counts = _remap_module().remap(records, {"f.md": old}, {"f.md": new}, "us-statements")
    assert counts == {"lost": 1, "kept": 1, "merged": 2, "split": 1}
    assert [(r["ref"]["n"], r["labels"], r["sha1"]) for r in rewritten] == [
        (1, ["trade"], _sha1("A one.")), (2, ["security", "trade"], _sha1("B two c three.")),
        (3, ["borders"], _sha1("D four.")), (4, ["borders"], _sha1("E five."))]


def test_a_merged_item_with_an_axis_drops_other():
    old = _items((1, "Thanks to the hosts.", 0, 20), (2, "Both will expand trade.", 21, 44))
    new = _items((1, "Thanks to the hosts. Both will expand trade.", 0, 44))
    records = [{"ref": {"file": "f.md", "n": n}, "sha1": "x", "labels": labels}
               for n, labels in [(1, ["other"]), (2, ["trade"])]]
    rewritten, counts = _remap_module().remap(records, {"f.md": old}, {"f.md": new}, "us-statements")
    assert counts == {"merged": 2} and [r["labels"] for r in rewritten] == [["trade"]]


def test_remap_by_text_when_the_document_text_changed():
    old = {"text_sha": "a", "items": [[1, "Lead:", 0, 5, None], [2, "A one.", 6, 12, None]]}
    new = {"text_sha": "b", "items": [[1, "A one.", 0, 6, "S"]]}
    rewritten, counts = _remap_module().remap(
        [{"ref": {"file": "f.md", "n": 2}, "sha1": "x", "labels": ["trade"], "section": None}],
        {"f.md": old}, {"f.md": new}, "us-statements")
    assert counts == {"kept": 1} and rewritten[0]["ref"]["n"] == 1 and rewritten[0]["section"] == "S"


def test_resolver_finds_a_renumbered_item_by_its_sha1(tmp_path):
    (tmp_path / "sheet.md").write_text(SHEET, encoding="utf-8")
    item = RefResolver(tmp_path).units("us-statements", "sheet.md")[1]
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"ref": {"file": "sheet.md", "n": item.n + 1}, "sha1": _sha1(item.text),
                                "labels": ["trade"], "lang": "en", "doc": "sheet"}) + "\n", encoding="utf-8")
    assert [x.text for x in load_labelled([path], RefResolver(tmp_path))] == [item.text]


@pytest.mark.skipif(subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", BASE + "^{commit}"],
                                   capture_output=True).returncode != 0, reason="the base commit is not in this clone")
def test_remap_script_against_the_base_commit(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "us-statements").mkdir(parents=True)
    (data / "us-statements" / "sheet.md").write_text(SHEET, encoding="utf-8")
    monkeypatch.setenv("DECLARACIONES_DATA", str(data))
    old_texts = ["The two governments announced the following commitments:",
                 "The United States will fund a regional program to protect coral reefs.",
                 "Both countries will open a joint trade office in the capital."]
    labels = tmp_path / "refs.jsonl"
    labels.write_text("".join(json.dumps({"ref": {"file": "sheet.md", "n": n}, "sha1": _sha1(text),
                                          "labels": [axis]}) + "\n"
                              for n, (text, axis) in enumerate(zip(old_texts, ["other", "environment", "trade"]), 1)))
    done = subprocess.run([str(REPO / ".venv" / "bin" / "python"), str(REPO / "scripts" / "remap_labels.py"),
                           str(labels), "--base", BASE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "kept 2, merged 0, split 0, lost 1" in done.stdout
    rows = [json.loads(line) for line in labels.read_text().splitlines()]
    assert [(r["ref"]["n"], r["labels"], r["sha1"]) for r in rows] == [
        (1, ["environment"], _sha1(old_texts[1])), (2, ["trade"], _sha1(old_texts[2]))]
