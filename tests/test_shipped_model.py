"""The model the package ships: current against the labelled data, used by a fresh clone, never retrained by it."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from declaraciones_nlp.classify import load_model
from declaraciones_nlp.classify.artefacts import read_meta, shipped_dir
from declaraciones_nlp.classify.train import shipped_staleness, train_default
from declaraciones_nlp.cli import app


def test_the_shipped_model_is_current_against_labels_lexicon_and_settings():
    """Needs nothing beside the repository: the recipe hashes labelled lines, not the documents they cite."""
    assert shipped_staleness() is None


def test_the_shipped_model_loads_verified_and_is_named_after_its_weights():
    meta = read_meta(shipped_dir())
    assert meta["version"] == f"axes-{meta['model_sha256'][:10]}"
    assert meta["data"]["missing"] == {}  # trained on every labelled item
    model = load_model(shipped_dir())
    assert model.predict(["Acordaron fortalecer la lucha contra el narcotráfico."])[0].labels == ("security",)


def test_a_fresh_clone_uses_the_shipped_model_and_trains_nothing(monkeypatch, tmp_path):
    """No models of its own, no external documents: `make run`'s model step does nothing."""
    monkeypatch.setenv("DECLARACIONES_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "no-external-documents"))
    assert train_default(quiet_if_current=True) is None
    assert not (tmp_path / "models").exists()
    assert load_model().version == read_meta(shipped_dir())["version"]


def test_training_without_the_external_documents_says_what_it_left_out(monkeypatch, tmp_path):
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "no-external-documents"))
    labeled = shipped_dir().parents[3] / "corpus" / "labeled"
    result = CliRunner().invoke(app, ["train", "--data", str(labeled / "bundled.jsonl"),
                                      str(labeled / "us_statements.jsonl"), "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    note = next(line for line in result.output.splitlines() if line.startswith("note:"))
    assert "labelled items left out" in note and "us-statements" in note and "declaraciones data fetch" in note
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["data"]["missing"]["us-statements"] > 0 and meta["data"]["real"] == {"es": 281}


def test_train_takes_the_files_a_shell_glob_expands_to(monkeypatch, tmp_path):
    labeled = shipped_dir().parents[3] / "corpus" / "labeled"
    files = [str(labeled / "bundled.jsonl"), str(labeled / "written_es_trade.jsonl")]
    result = CliRunner().invoke(app, ["train", "--data", *files, "--out", str(tmp_path / "m"), "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "m" / "meta.json").read_text())["data"]["files"] == [
        "bundled.jsonl", "written_es_trade.jsonl"]
    quoted = CliRunner().invoke(app, ["train", "--data", str(labeled / "written_es_t*.jsonl"),
                                      "--out", str(tmp_path / "q"), "-q"])
    assert quoted.exit_code == 0, quoted.output
    none = CliRunner().invoke(app, ["train", "--data", str(labeled / "nothing_*.jsonl"), "--out", str(tmp_path / "n")])
    assert none.exit_code == 1 and "no file matches this pattern" in none.output


@pytest.mark.slow
def test_the_shipped_model_is_what_training_on_all_labels_builds(tmp_path):
    """With every external document here (CI), training on corpus/labeled/ gives the shipped weights."""
    from declaraciones_nlp.classify.data import default_data_paths, missing_collections
    from declaraciones_nlp.classify.train import default_config, train

    missing = missing_collections(default_data_paths())
    if missing:
        pytest.skip(f"external documents missing ({', '.join(missing)}): declaraciones data fetch")
    built = train(default_data_paths(), tmp_path / "m", config=default_config(semantic=False))
    shipped = read_meta(shipped_dir())
    assert built["data"]["records_hash"] == shipped["data"]["records_hash"]
    assert built["model_sha256"] == shipped["model_sha256"]
    assert built["metrics"] == shipped["metrics"]
