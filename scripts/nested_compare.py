"""Nested cross-validation of the shipped settings against a faster variant and the lexicon.

Five outer folds grouped by declaration over every labelled item (`corpus/labeled/*.jsonl`,
external documents needed: `make data`); each model is fitted on four folds (its own
calibration and thresholds chosen inside them) and scored on the fifth, written items never
counted as real. About an hour on two cores.

    python scripts/nested_compare.py results.json
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from declaraciones_nlp.classify.data import default_data_paths, load_labelled
from declaraciones_nlp.classify.evaluate import _lexicon_predictor, _sklearn_predictor, compare, format_comparison
from declaraciones_nlp.classify.model import ModelConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the results (JSON)")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    items = load_labelled(default_data_paths())
    models = {
        "lexicon only": _lexicon_predictor,
        "real weight 2, first 200 words (4.6x faster to fit)": _sklearn_predictor(ModelConfig(real_weight=2.0,
                                                                                              max_words=200)),
        "shipped default (real weight 6, whole texts)": _sklearn_predictor(ModelConfig()),
    }
    start = time.perf_counter()
    result = compare(items, folds=args.folds, seed=0, models=models,
                     progress=lambda name: print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True))
    args.out.write_text(json.dumps(result, default=str, indent=1), encoding="utf-8")
    print(format_comparison(result))


if __name__ == "__main__":
    main()
