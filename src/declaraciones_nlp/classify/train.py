"""Training: labelled JSONL in, a versioned model directory out, with its figures."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from .. import config as settings
from ..schema import LABELS
from .artefacts import current_dir, next_model_dir, read_meta, save_model, set_current
from .data import LabelledItem, data_hash, default_data_paths, load_labelled
from .lexicon import Lexicon
from .metrics import scores
from .model import AxisClassifier, ModelConfig

SUBSETS: tuple[str, ...] = ("real-es", "real-en", "written")


def data_summary(items: Sequence[LabelledItem], paths: Sequence[Path]) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = {label: {} for label in LABELS}
    for item in items:
        for label in item.labels:
            counts[label][item.lang] = counts[label].get(item.lang, 0) + 1
    real = Counter(item.lang for item in items if not item.written)
    return {
        "hash": data_hash(items),
        "n": len(items),
        "files": [Path(p).name for p in paths],
        "counts": counts,
        "real": dict(sorted(real.items())),
        "written": sum(item.written for item in items),
        "langs": dict(sorted(Counter(item.lang for item in items).items())),
    }


def subset_names(items: Sequence[LabelledItem]) -> list[str]:
    """The subsets present: `SUBSETS`, then each real subset split by kind when it mixes
    items quoted from declarations with the prose of reports (`real-es:items`, `real-es:prose`)."""
    names = [s for s in SUBSETS if any(item.subset == s for item in items)]
    for subset in SUBSETS[:2]:
        kinds = sorted({item.kind for item in items if item.subset == subset and item.kind})
        if len(kinds) > 1:
            names += [f"{subset}:{kind}" for kind in kinds]
    return names


def in_subset(item: LabelledItem, name: str) -> bool:
    subset, _, kind = name.partition(":")
    return item.subset == subset and (not kind or item.kind == kind)


def oof_records(items: Sequence[LabelledItem], predicted: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """What `meta.json` keeps of the real items' out-of-fold labels, for comparing versions
    (`versions.compare_versions`): no text, only its SHA-1."""
    return [
        {"sha1": item.sha1, "subset": item.subset, "kind": item.kind, "gold": list(item.labels), "pred": list(pred)}
        for item, pred in zip(items, predicted)
        if not item.written
    ]


def subset_scores(items: Sequence[LabelledItem], predicted: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Scores separately on real Spanish, real English and written items (those present),
    and on the kinds of real items (see `subset_names`)."""
    out = {}
    for name in subset_names(items):
        idx = [i for i, item in enumerate(items) if in_subset(item, name)]
        out[name] = scores([items[i].labels for i in idx], [predicted[i] for i in idx])
    return out


def default_config(seed: int = 0, semantic: bool | None = None) -> ModelConfig:
    """The shipped configuration; with `semantic` (default: `DECLARACIONES_SEMANTIC`)
    it adds sentence embeddings, better on unseen wording and far slower."""
    base = ModelConfig(seed=seed)
    if semantic if semantic is not None else settings.semantic_features():
        return replace(base, features=base.features + ("semantic",))
    return base


def train(
    paths: Sequence[Path], out_dir: Path | None = None, config: ModelConfig | None = None,
    name: str = "axes", make_current: bool = False, items: Sequence[LabelledItem] | None = None,
) -> dict[str, Any]:
    """Fit a model on the labelled files and write it; returns its `meta.json` content.

    The figures under `metrics` are the out-of-fold predictions of the fit itself
    (folds grouped by declaration), per subset: written items never count as real.
    """
    items = items if items is not None else load_labelled(paths)  # `items`: already loaded from `paths`
    out_dir = Path(out_dir) if out_dir else next_model_dir(name)
    model = AxisClassifier(config or ModelConfig(), version=out_dir.name)
    model.fit(items)
    meta = save_model(model, out_dir, {
        "data": data_summary(items, paths),
        "lexicon": {"hash": model.lexicon_.digest(), "entries": len(model.lexicon_.entries)},
        "metrics": subset_scores(items, model.oof_labels_),
        "oof": oof_records(items, model.oof_labels_),
    })
    if make_current:
        set_current(out_dir)
    return meta | {"dir": str(out_dir)}


def _recipe(data: str | None, lexicon: str | None, config: dict[str, Any] | None) -> dict[str, Any]:
    return {"data": data, "lexicon": lexicon, "config": config}


def current_recipe() -> dict[str, Any] | None:
    """What the current model was made from (data hash, lexicon hash, config), if there is one."""
    path = current_dir()
    if path is None or not (path / "meta.json").is_file():
        return None
    try:
        meta = read_meta(path)
    except Exception:  # an unreadable meta means "retrain"
        return None
    return _recipe(meta.get("data", {}).get("hash"), meta.get("lexicon", {}).get("hash"), meta.get("config"))


def train_default(quiet_if_current: bool = False, config: ModelConfig | None = None) -> dict[str, Any] | None:
    """Train on all of `corpus/labeled/*.jsonl` into the next `models/axes-v<N>/`, made current.

    With `quiet_if_current`, returns None without training when the current
    model was made from the same data, lexicon and configuration.
    """
    config = config or default_config()
    paths = default_data_paths()
    items = load_labelled(paths)
    if quiet_if_current:
        wanted = _recipe(data_hash(items), Lexicon.default().digest(), config.to_dict())
        if current_recipe() == json.loads(json.dumps(wanted)):  # as meta.json stores it (tuples → lists)
            return None
    return train(paths, config=config, make_current=True, items=items)
