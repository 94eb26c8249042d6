"""Comparing a retrained model with the last one: same real items, paired bootstrap."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from declaraciones_nlp.classify.artefacts import shipped_dir
from declaraciones_nlp.classify.data import LabelledItem, load_labelled
from declaraciones_nlp.classify.metrics import scores
from declaraciones_nlp.classify.versions import compare_versions, paired_change
from declaraciones_nlp.cli import app

LABELED = Path(__file__).resolve().parents[1] / "corpus" / "labeled"


def _write(path: Path, items: list[LabelledItem]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in items:
            handle.write(json.dumps({"text": i.text, "labels": list(i.labels), "lang": i.lang, "doc": i.doc,
                                     "written": i.written, "kind": i.kind}, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def real_and_some_written() -> list[LabelledItem]:
    """The real items of the bundled corpus and a tenth of the written ones."""
    real = load_labelled([LABELED / "bundled.jsonl"])
    written = load_labelled(sorted(LABELED.glob("written_*.jsonl")))[::10]
    return real + written


def test_paired_change_agrees_with_the_reported_macro_f1():
    gold = [("security",), ("trade",), ("trade", "environment"), ("other",), ("borders",), ("governance",)]
    before = [("security",), ("governance",), ("trade",), ("other",), ("other",), ("governance",)]
    after = [("security",), ("trade",), ("trade", "environment"), ("other",), ("borders",), ("trade",)]
    prev, new, low, high = paired_change(gold, before, after, rounds=500)
    assert prev == pytest.approx(scores(gold, before)["macro_f1"])
    assert new == pytest.approx(scores(gold, after)["macro_f1"])
    assert low <= new - prev <= high


def test_the_same_predictions_are_no_change():
    gold = [("security",), ("trade",), ("other",)] * 10
    pred = [("security",), ("governance",), ("other",)] * 10
    prev, new, low, high = paired_change(gold, pred, pred)
    assert prev == new and low == high == 0.0


def test_cli_train_tells_a_maintainer_whether_the_new_model_is_better(tmp_path, monkeypatch, real_and_some_written):
    """A labelling slip (every security item filed under governance) is corrected and the
    model retrained: `train` shows the new version against the current one, on the same
    real items, and calls real Spanish better; retraining on the same data shows no change."""
    labeled = tmp_path / "corpus" / "labeled"
    labeled.mkdir(parents=True)
    monkeypatch.setenv("DECLARACIONES_HOME", str(tmp_path))
    monkeypatch.setenv("DECLARACIONES_MODELS", str(tmp_path / "models"))
    slipped = [replace(i, labels=tuple(sorted({"governance" if a == "security" else a for a in i.labels})))
               for i in real_and_some_written]
    _write(labeled / "items.jsonl", slipped)
    runner = CliRunner()
    first = runner.invoke(app, ["train", "--default"])
    assert first.exit_code == 0, first.output
    shipped = json.loads((shipped_dir() / "meta.json").read_text())["name"]
    assert f"axes-v1 against {shipped} (current)" in first.output  # the model the package ships

    _write(labeled / "items.jsonl", real_and_some_written)
    second = runner.invoke(app, ["train", "--default"])
    assert second.exit_code == 0, second.output
    assert "axes-v2 against axes-v1 (current)" in second.output
    table = compare_versions(tmp_path / "models" / "axes-v1", tmp_path / "models" / "axes-v2")
    es = table.set_index("subset").loc["real-es"]
    n_real_es = sum(i.subset == "real-es" for i in real_and_some_written)
    assert es["n"] == n_real_es and es["verdict"] == "better" and es["low"] > 0, table
    assert f"real-es{'':<8}{n_real_es:>4}" in second.output and "better" in second.output

    third = runner.invoke(app, ["train", "--default"])
    assert third.exit_code == 0, third.output
    same = compare_versions(tmp_path / "models" / "axes-v2", tmp_path / "models" / "axes-v3")
    assert (same["change"] == 0).all() and (same["verdict"] == "no clear change").all(), same


def test_a_model_without_out_of_fold_labels_is_compared_by_its_figures():
    old = {"metrics": {"real-es": {"n": 10, "macro_f1": 0.70}, "written": {"n": 5, "macro_f1": 0.9}}}
    new = {"metrics": {"real-es": {"n": 12, "macro_f1": 0.75}, "written": {"n": 5, "macro_f1": 0.95}},
           "oof": []}
    table = compare_versions(old, new)
    assert list(table["subset"]) == ["real-es"]
    row = table.iloc[0]
    assert row["change"] == pytest.approx(0.05) and np.isnan(row["low"]) and row["verdict"] == "recorded figures only"


@pytest.mark.parametrize("content, reason", [
    (None, "meta.json missing"),
    ("", "unreadable meta.json"),
    ('{"oof": [', "unreadable meta.json"),
    ("[1, 2]", "must hold a JSON object"),
    ('{"name": "x", "oof": [{"sha1": "ab"}], "metrics": {}}', "malformed out-of-fold labels"),
])
def test_evaluate_against_a_bad_model_directory_is_one_line_and_exit_1(tmp_path, content, reason):
    bad = tmp_path / "axes-v0"
    bad.mkdir()
    if content is not None:
        (bad / "meta.json").write_text(content, encoding="utf-8")
    good = {"name": "y", "oof": [], "metrics": {}}
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "meta.json").write_text(json.dumps(good), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--model", str(tmp_path / "new"), "--against", str(bad)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(bad) in lines[0] and reason in lines[0]


def test_train_beside_a_current_model_with_broken_out_of_fold_labels_still_writes_its_model(
        tmp_path, monkeypatch, real_and_some_written):
    models = tmp_path / "models"
    monkeypatch.setenv("DECLARACIONES_MODELS", str(models))
    old = models / "axes-v1"
    old.mkdir(parents=True)
    (old / "meta.json").write_text(json.dumps({"name": "axes-v1", "oof": "lost", "metrics": {}}), encoding="utf-8")
    (models / "CURRENT").write_text("axes-v1\n", encoding="utf-8")
    data = tmp_path / "items.jsonl"
    _write(data, real_and_some_written[::3])
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    printed = " ".join(result.output.split())  # the console wraps long lines
    assert "warning: not compared with the current model: axes-v1: malformed out-of-fold labels" in printed
    assert (tmp_path / "new" / "meta.json").is_file() and (models / "CURRENT").read_text().strip() == "axes-v1"
