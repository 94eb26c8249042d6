"""`declaraciones corrections` (list, agreement, export) and `train --corrections`: the corrections
leave the database as labelled data (by reference for a real US statement) and go back into training."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from declaraciones_nlp.api import Corpus
from declaraciones_nlp.classify.data import load_labelled
from declaraciones_nlp.cli import app
from declaraciones_nlp.review_loop import correct

from webcorpus import DOCUMENTS

LABELED = Path(__file__).resolve().parents[1] / "corpus" / "labeled"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    """The web corpus, its first document as if ingested from a real US statement, the second from
    a Spanish agreement (external collections under DECLARACIONES_DATA)."""
    data = tmp_path / "external"
    monkeypatch.setenv("DECLARACIONES_DATA", str(data))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Corpus(url) as corpus:
        corpus.store.register_model("test-v1", {}, make_current=True)
        for k, (document, items) in enumerate(DOCUMENTS):
            folder = {0: data / "us-statements", 1: data / "treaties-es"}.get(k)
            if folder is not None:
                document = replace(document, source_path=str(folder / f"doc{k}.md"))
            corpus.store.add_document(document, items)
    return url


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_corrections_list_agreement_and_export(db, tmp_path):
    cartagena, lima, dialogue = (document.id for document, _ in DOCUMENTS)
    with Corpus(db) as corpus:
        correct(corpus, cartagena, 3, ["trade", "governance"], "ana")
        correct(corpus, lima, 1, ["environment"], "ana")
        correct(corpus, dialogue, 2, ["governance"], "ana")
        correct(corpus, dialogue, 2, ["governance", "security"], "luis")
    listed = run("corrections", "list", "--db", db)
    assert "4 correction(s)" in listed and "luis: security, governance" in listed
    agreement = run("corrections", "agreement", "--db", db, "--format", "json")
    data = json.loads(agreement)
    security = next(row for row in data["agreement"] if row["label"] == "security")
    assert (security["pairs"], security["only_one"], security["agreement"]) == (1, 1, 0.0)
    assert data["disagreements"][0]["reviewers"] == {"ana": ["governance"], "luis": ["security", "governance"]}
    out = tmp_path / "revisadas.jsonl"
    result = CliRunner().invoke(app, ["corrections", "export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0 and "2 reviewed item(s) written" in result.stdout
    assert "1 reviewed item(s) of external agreements left out" in result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_ref = next(line for line in lines if "ref" in line)
    text = DOCUMENTS[0][1][2].text
    assert by_ref["ref"] == {"file": "doc0.md", "n": 3} and "text" not in by_ref
    assert by_ref["sha1"] == hashlib.sha1(text.encode()).hexdigest() and by_ref["labels"] == ["governance", "trade"]
    copied = next(line for line in lines if "text" in line)
    assert copied["text"] == DOCUMENTS[2][1][1].text and copied["labels"] == ["security", "governance"]
    copied_only = out.with_name("copied.jsonl")
    copied_only.write_text(json.dumps(copied, ensure_ascii=False) + "\n", encoding="utf-8")
    (item,) = load_labelled([copied_only])  # the labelled-data format train reads
    assert item.labels == ("security", "governance") and item.doc == "Diálogo de Alto Nivel EE. UU.–Colombia"


def test_corrections_commands_refuse_bad_input(db, tmp_path):
    result = CliRunner().invoke(app, ["corrections", "export", "--db", db, "--out", str(tmp_path / "no" / "f.jsonl")])
    assert result.exit_code == 1 and "folder does not exist" in result.stderr
    result = CliRunner().invoke(app, ["train", "--corrections", db, "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and "--corrections: no reviewed items in" in result.stderr


@pytest.mark.slow
def test_train_with_corrections_is_compared_with_the_current_model(tmp_path, monkeypatch):
    """Corrections made on the bundled corpus go into `train --corrections`, and the exported file
    into `train --data`; each time the new model is set against the current one."""
    labeled = tmp_path / "corpus" / "labeled"
    labeled.mkdir(parents=True)
    monkeypatch.setenv("DECLARACIONES_HOME", str(tmp_path))
    monkeypatch.setenv("DECLARACIONES_MODELS", str(tmp_path / "models"))
    real = load_labelled([LABELED / "bundled.jsonl"])
    written = load_labelled(sorted(LABELED.glob("written_*.jsonl")))[::10]
    with (labeled / "items.jsonl").open("w", encoding="utf-8") as handle:
        for i in real + written:
            handle.write(json.dumps({"text": i.text, "labels": list(i.labels), "lang": i.lang, "doc": i.doc,
                                     "written": i.written, "kind": i.kind}, ensure_ascii=False) + "\n")
    run("train", "--default")  # axes-v1, current
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    run("ingest", str(Path(__file__).resolve().parents[1] / "corpus" / "raw"), "--db", db)
    with Corpus(db) as corpus:
        frame = corpus.items()
        for row in frame.head(6).itertuples():
            correct(corpus, row.doc_id, row.n, ["trade"], "ana")
    output = run("train", "--corrections", db)
    assert "axes-v2 against axes-v1 (current)" in output and "real-es" in output
    meta = json.loads((tmp_path / "models" / "axes-v2" / "meta.json").read_text())
    assert meta["data"]["corrections"]["items"] == 6 and meta["data"]["corrections"]["n"] == 6
    exported = tmp_path / "revisadas.jsonl"
    run("corrections", "export", "--db", db, "--out", str(exported))
    output = run("train", "--data", str(labeled / "items.jsonl"), "--data", str(exported), "--out",
                 str(tmp_path / "models" / "axes-v3"))
    assert "axes-v3 against axes-v1 (current)" in output
