"""The pipeline: batch ingestion and relabelling when the model changes."""
from __future__ import annotations

from dataclasses import replace

import pytest

from declaraciones_nlp import config
from declaraciones_nlp.api import Corpus
from declaraciones_nlp.classify import load_model
from declaraciones_nlp.pipeline import ingest_paths, relabel_stored

from helpers import train_small_model

BOLIVIA = "2017-09-01_pe-bo_declaracion-de-lima.md"
CHILE = "2017-07-07_pe-cl_declaracion-de-lima.md"


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    return load_model(train_small_model(root / "axes-v1", every=6)), load_model(train_small_model(root / "axes-v2", every=5))


def test_a_new_model_relabels_what_is_stored_and_keeps_the_old_labels(two_models, tmp_path):
    old, new = two_models
    corpus = Corpus(f"sqlite:///{tmp_path / 'c.db'}")
    first = ingest_paths([config.raw_dir() / BOLIVIA], corpus.store, old)
    assert first.items_stored == 3
    ingest_paths([config.raw_dir() / CHILE], corpus.store, new)

    current = corpus.items()
    assert len(current) == 3 + 9
    assert set(current["model_version"]) == {"axes-v2"}
    assert all(len(labels) >= 1 for labels in current["labels"])
    kept = corpus.items(model_version="axes-v1", dyad="BO-PE")
    assert len(kept) == 3 and all(len(labels) >= 1 for labels in kept["labels"])


def test_batches_keep_file_order_and_refuse_bad_files(two_models, tmp_path):
    model = two_models[0]
    folder = tmp_path / "lote"
    folder.mkdir()
    for i in range(40):
        (folder / f"d{i:02d}.txt").write_text(f"1. Acordaron impulsar el comercio bilateral número {i}.\n",
                                              encoding="utf-8")
    (folder / "d20.txt").write_bytes(b"")
    corpus = Corpus(f"sqlite:///{tmp_path / 'b.db'}")
    summary = ingest_paths([folder], corpus.store, model, workers=2)
    assert summary.documents_stored == 39 and summary.items_stored == 39
    assert [path for path, _ in summary.refused] == [str(folder / "d20.txt")]
    assert sorted(corpus.documents()["source_path"]) == sorted(str(p) for p in folder.iterdir() if p.name != "d20.txt")


def test_review_exports_the_least_confident_stored_items(two_models, tmp_path):
    import json

    from typer.testing import CliRunner

    from declaraciones_nlp.cli import app

    model = two_models[0]
    db = f"sqlite:///{tmp_path / 'r.db'}"
    ingest_paths([config.raw_dir() / CHILE, config.raw_dir() / BOLIVIA], Corpus(db).store, model)
    out = tmp_path / "revisar.jsonl"
    result = CliRunner().invoke(app, ["review", "--n", "4", "--out", str(out), "--db", db, "--model", str(model.path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and all(row["labels"] == [] and row["text"] for row in rows)
    margins = [row["margin"] for row in rows]
    assert margins == sorted(margins)


def test_relabelling_keeps_every_stored_field_of_an_item(two_models, tmp_path):
    old, new = two_models
    corpus = Corpus(f"sqlite:///{tmp_path / 'k.db'}")
    ingest_paths([config.raw_dir() / CHILE], corpus.store, old)
    before = {(item.doc_id, item.n): item for item in corpus.stored_items()}
    assert any(item.start > 0 and item.verb and item.act != "other" for item in before.values())
    corpus.store.register_model(new.version, new.metrics)  # as ingest_paths does before relabelling
    relabelled = relabel_stored(corpus.store, new)
    assert len(relabelled) == len(before) == 9
    unlabelled = {"labels": (), "scores": {}, "explanation": {}, "model_version": None}
    for item in relabelled:
        assert item.model_version == new.version and item.labels
        assert replace(item, **unlabelled) == replace(before[(item.doc_id, item.n)], **unlabelled)
    stored = corpus.stored_items(model_version=new.version)
    assert [(i.n, i.labels, i.page, i.start, i.end, i.verb, i.act) for i in stored] == \
        [(i.n, i.labels, i.page, i.start, i.end, i.verb, i.act) for i in relabelled]
    assert relabel_stored(corpus.store, new) == []  # nothing left without its labels


def test_a_bulk_ingestion_leaves_the_planner_its_statistics(two_models, tmp_path, monkeypatch):
    """An ingestion that stores many items ends by analysing the store (here: "many" is 3)."""
    import sqlite3

    import declaraciones_nlp.pipeline as pipeline

    old, _ = two_models
    path = tmp_path / "bulk.db"
    monkeypatch.setattr(pipeline, "BULK_ITEMS", 3)
    with Corpus(f"sqlite:///{path}") as corpus:
        ingest_paths([config.raw_dir() / BOLIVIA], corpus.store, old)
    conn = sqlite3.connect(path)
    analysed = {row[0] for row in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    conn.close()
    assert {"items", "labels", "label_counts"} <= analysed
