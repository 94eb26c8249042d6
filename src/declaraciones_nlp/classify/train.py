"""Training: labelled JSONL in, a versioned model directory out, with its figures."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from .. import config as settings
from ..schema import LABELS
from .artefacts import active_dir, next_model_dir, read_meta, save_model, set_current, shipped_dir
from .data import (
    LabelledItem,
    RefResolver,
    data_hash,
    default_data_paths,
    load_labelled,
    missing_collections,
    missing_note,
    records_hash,
)
from .lexicon import Lexicon
from .metrics import scores
from .model import AxisClassifier, ModelConfig

SUBSETS: tuple[str, ...] = ("real-es", "real-en", "treaties-es", "written")


def data_summary(
    items: Sequence[LabelledItem], paths: Sequence[Path], missing: dict[str, int] | None = None,
) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = {label: {} for label in LABELS}
    for item in items:
        for label in item.labels:
            counts[label][item.lang] = counts[label].get(item.lang, 0) + 1
    real = Counter(item.lang for item in items if not item.written)
    return {
        "hash": data_hash(items),
        "records_hash": records_hash(paths),
        "missing": dict(sorted((missing or {}).items())),
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
    it adds the sentence-embedding head, better on real text and far slower. (The
    embeddings as a linear block, `semantic`, gained less in the nested comparison.)"""
    base = ModelConfig(seed=seed)
    if semantic if semantic is not None else settings.semantic_features():
        return replace(base, features=base.features + ("semantic-head",))
    return base


def train(
    paths: Sequence[Path], out_dir: Path | None = None, config: ModelConfig | None = None,
    name: str = "axes", make_current: bool = False, items: Sequence[LabelledItem] | None = None,
    missing: dict[str, int] | None = None, version: str | None = None,
) -> dict[str, Any]:
    """Fit a model on the labelled files and write it; returns its `meta.json` content.

    The figures under `metrics` are the out-of-fold predictions of the fit itself
    (folds grouped by declaration), per subset: written items never count as real.
    Items whose external documents are not here are left out; `meta["data"]["missing"]`
    counts them per collection (`missing`: what the caller's own loading left out).
    """
    if items is None:
        resolver = RefResolver()
        items, missing = load_labelled(paths, resolver), resolver.missing
    out_dir = Path(out_dir) if out_dir else next_model_dir(name)
    model = AxisClassifier(config or ModelConfig(), version=version or out_dir.name)
    model.fit(items)
    meta = save_model(model, out_dir, {
        "data": data_summary(items, paths, missing),
        "lexicon": {"hash": model.lexicon_.digest(), "entries": len(model.lexicon_.entries)},
        "metrics": subset_scores(items, model.oof_labels_),
        "oof": oof_records(items, model.oof_labels_),
    })
    if make_current:
        set_current(out_dir)
    return meta | {"dir": str(out_dir)}


def recipe_of(meta: dict[str, Any]) -> dict[str, Any]:
    """What a model was made from: every labelled line (by hash), which collections were
    missing, the lexicon and the configuration."""
    data = meta.get("data", {})
    return {"data": data.get("records_hash"), "missing": sorted(data.get("missing", {})),
            "lexicon": meta.get("lexicon", {}).get("hash"), "config": meta.get("config")}


def wanted_recipe(config: ModelConfig, paths: Sequence[Path] | None = None, missing: Sequence[str] = ()) -> dict[str, Any]:
    """The recipe a model trained now on `paths` (default: corpus/labeled/) would have."""
    recipe = {"data": records_hash(paths or default_data_paths()), "missing": sorted(missing),
              "lexicon": Lexicon.default().digest(), "config": config.to_dict()}
    return json.loads(json.dumps(recipe))  # as meta.json stores it (tuples → lists)


def active_recipe() -> dict[str, Any] | None:
    """The recipe of the model in use (models/CURRENT, else the shipped one), if readable."""
    path = active_dir()
    if path is None:
        return None
    try:
        return recipe_of(read_meta(path))
    except Exception:  # an unreadable meta means "retrain"
        return None


def covers(have: dict[str, Any] | None, want: dict[str, Any]) -> bool:
    """True when a model made from `have` is what training now would make, or better: same
    labelled lines, lexicon and settings, and no external documents missing that are here now."""
    if have is None:
        return False
    same = all(have.get(key) == want.get(key) for key in ("data", "lexicon", "config"))
    return same and set(have.get("missing") or ()) <= set(want.get("missing") or ())


def shipped_staleness(config: ModelConfig | None = None) -> str | None:
    """None when the shipped model was made from today's labelled data, lexicon and settings,
    with nothing missing; otherwise what differs, in words."""
    path = shipped_dir()
    try:
        have = recipe_of(read_meta(path))
    except Exception as exc:
        return f"no readable shipped model at {path} ({exc})"
    want = wanted_recipe(config or default_config(semantic=False))
    differ = [key for key in ("data", "missing", "lexicon", "config") if have.get(key) != want.get(key)]
    return ("the shipped model differs from today's " + ", ".join(differ) + "; run `make ship-model`") if differ else None


def train_default(
    quiet_if_current: bool = False, config: ModelConfig | None = None, ship: bool = False,
) -> dict[str, Any] | None:
    """Train on all of `corpus/labeled/*.jsonl` into the next `models/axes-v<N>/`, made current.

    With `quiet_if_current`, returns None without training when the model in use
    (the current one, or the shipped one) was made from the same labelled data,
    lexicon and configuration, with the same external documents available.
    With `ship`, the model replaces the one the package ships (every external
    document must be here); its version is named after its weights.
    """
    config = config or default_config()
    paths = default_data_paths()
    if quiet_if_current and covers(active_recipe(), wanted_recipe(config, paths, missing_collections(paths))):
        return None
    resolver = RefResolver()
    items = load_labelled(paths, resolver)
    if ship:
        if resolver.missing:
            from ..errors import InputError

            raise InputError("--ship", missing_note(resolver.missing) or "documents missing")
        return ship_model(paths, items, config)
    return train(paths, config=config, make_current=True, items=items, missing=resolver.missing)


def ship_model(paths: Sequence[Path], items: Sequence[LabelledItem], config: ModelConfig) -> dict[str, Any]:
    """Train into a scratch folder, then replace the shipped model with it, named `axes-<weights>`
    (the first hex digits of the model file's SHA-256: the version names the exact weights)."""
    import shutil
    import tempfile

    from .artefacts import write_meta

    target = shipped_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        folder = Path(scratch) / "model"
        meta = train(paths, folder, config=config, items=items, missing={})
        meta.pop("dir")
        meta["version"] = meta["name"] = f"axes-{meta['model_sha256'][:10]}"
        write_meta(folder, meta)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(folder), target)
    return meta | {"dir": str(target)}
