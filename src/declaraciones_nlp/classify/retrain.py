"""What a maintainer does to the model, as library functions the CLI calls one to one.

- `train_and_compare`: train (the default data into the next `models/axes-v<N>/`, or
  given files into a folder), then set the new model against the one that was current;
- `evaluate_and_record`: score a model on labelled data, optionally compare it with an
  earlier version and run the nested comparison, whose figures go into its `meta.json`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from ..errors import InputError, ModelError
from .artefacts import active_dir, read_meta, write_meta
from .data import LabelledItem


@dataclass(frozen=True)
class Trained:
    """A training run: the new model's meta.json (None when the current one was up to date) and,
    when there was another current model, the comparison with it or why it could not be made."""

    meta: dict | None
    previous: dict | None = None
    versions: pd.DataFrame | None = None
    warning: str | None = None


def current_meta() -> dict | None:
    """The meta.json (with its directory) of the model in use (the current one, else the shipped one),
    or None when there is none or it is unreadable."""
    path = active_dir()
    try:
        return read_meta(path) | {"dir": str(path)} if path is not None else None
    except ModelError:
        return None


def train_and_compare(data: Sequence[Path] | None = None, out: Path | None = None, default: bool = False,
                      quiet_if_current: bool = False, make_current: bool = False, seed: int = 0,
                      semantic: bool = False, compare: bool = True, ship: bool = False,
                      corrections: Sequence[LabelledItem] = (), corrections_seen: dict | None = None) -> Trained:
    """Train the axis classifier, then (with `compare`) set it against the model that was current.

    With `default`: all of corpus/labeled/ into the next models/axes-v<N>/, made
    current (nothing is done with `quiet_if_current` when the current model was
    made from the same data, lexicon and settings); with `ship` as well, into the model
    the package ships instead. Otherwise `data` into `out`. `corrections` (reviewed
    items, `review_loop.training_corrections`) replace the labels of the same texts and
    are added where new; alone, they go with corpus/labeled/ into the next models/axes-v<N>/.
    A comparison that cannot be made is a warning: the new model is written.
    """
    from .train import default_config, train, train_default
    from .versions import compare_versions

    config = default_config(seed, semantic=True if semantic else None)
    previous = current_meta()
    if ship and not default:
        raise InputError("--ship", "goes with --default (the shipped model is trained on corpus/labeled/)")
    if ship and corrections:
        raise InputError("--corrections", "the shipped model is trained on corpus/labeled/ alone")
    if default and (data or out):
        raise InputError("--default", "cannot be combined with --data or --out")
    if corrections:
        from .data import default_data_paths

        meta = _train_corrected(data or default_data_paths(), out, config, make_current or default, corrections,
                                corrections_seen)
    elif default:
        meta = train_default(quiet_if_current=quiet_if_current, config=config, ship=ship)
        if meta is None:
            return Trained(None)
    else:
        if not data:
            raise InputError("--data", "give at least one labelled JSONL file (or use --default)")
        if out is None:
            raise InputError("--out", "give the model directory to write (or use --default)")
        meta = train(data, out, config=config, make_current=make_current)
    if not compare or previous is None or Path(previous["dir"]).resolve() == Path(meta["dir"]).resolve():
        return Trained(meta)
    try:
        return Trained(meta, previous, compare_versions(previous, meta))
    except ModelError as exc:
        return Trained(meta, previous, warning=f"not compared with the current model: {exc}")


def _train_corrected(paths: Sequence[Path], out: Path | None, config: Any, make_current: bool,
                     corrections: Sequence[LabelledItem], seen: dict | None) -> dict:
    """Train on `paths` with the reviewers' labels; meta.json records which corrections it saw."""
    from .corrections import with_corrections
    from .data import RefResolver, load_labelled
    from .train import train

    resolver = RefResolver()
    items = with_corrections(load_labelled(paths, resolver), corrections)
    meta = train(paths, out, config=config, make_current=make_current, items=items, missing=resolver.missing)
    meta["data"]["corrections"] = dict(seen or {}, items=len(corrections))
    write_meta(Path(meta["dir"]), {key: value for key, value in meta.items() if key != "dir"})
    return meta


def evaluate_and_record(data: Sequence[Path] | None = None, model_dir: Path | None = None,
                        against: Path | None = None, compare: bool = False, folds: int = 5, seed: int = 0,
                        repeats: int = 1, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Evaluate a model (default: the current one) and record the nested comparison in its meta.json.

    Returns any of `versions` (with `against`: the model against that earlier
    one, a DataFrame, no data needed), `model` (scores on the labelled data) and
    `comparison` (with `compare`: every comparison model on the same folds).
    """
    from . import load_model
    from .data import default_data_paths, load_labelled
    from .evaluate import compare as run_compare, evaluate_model
    from .versions import compare_versions

    if repeats < 1:
        raise InputError("--repeats", f"must be at least 1, not {repeats}")
    target = model_dir or active_dir()
    result: dict[str, Any] = {}
    if against is not None and str(against) == "current":
        against = active_dir()
        if against is None:
            raise InputError("--against", "no model in use to compare with")
    if against is not None:
        if target is None:
            raise InputError("--model", "no current model to compare; give --model DIR")
        result["versions"] = compare_versions(against, target)
        if not (data or compare):
            return result
    items = load_labelled(data or default_data_paths())
    if target is not None and (Path(target) / "meta.json").is_file() or model_dir is not None:
        result["model"] = evaluate_model(load_model(model_dir), items)
    if compare:
        result["comparison"] = run_compare(items, folds=folds, seed=seed, repeats=repeats, progress=progress)
        if "model" in result:
            meta = read_meta(Path(target))
            meta["comparison"] = result["comparison"]
            write_meta(Path(target), meta)
    if "model" not in result and "comparison" not in result:
        raise InputError("--model", "no current model to evaluate; train one or use --compare")
    return result
