"""Inter-annotator agreement between two label files of the same items.

Each file is JSONL with one object per item, in the same order, carrying
`labels` and either `doc` and `n` or a reference (`ref`: file, number, SHA-1);
no document is read. Annotator A is the reference for F1. Macro-F1 is over the
five axes, as the project reports it; `other` has its own row.

    python scripts/annotator_agreement.py corpus/labeled/agreement/bundled_annotator1.jsonl \
        corpus/labeled/agreement/bundled_annotator2.jsonl
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from declaraciones_nlp.schema import AXES, LABELS  # noqa: E402


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _key(row: dict) -> tuple:
    if "ref" in row:
        return row["ref"].get("collection"), row["ref"]["file"], row["ref"]["n"], row.get("sha1")
    return row["doc"], row["n"]


def binarize(rows: list[dict]) -> np.ndarray:
    return np.array([[label in row["labels"] for label in LABELS] for row in rows], dtype=int)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path, help="annotator A (reference) JSONL")
    parser.add_argument("other", type=Path, help="annotator B JSONL")
    args = parser.parse_args()

    a, b = load(args.reference), load(args.other)
    if [_key(r) for r in a] != [_key(r) for r in b]:
        parser.error("the two files do not list the same items in the same order")
    ya, yb = binarize(a), binarize(b)

    print(f"{'label':<12} {'n_A':>4} {'n_B':>4} {'kappa':>6} {'F1':>6}")
    for j, label in enumerate(LABELS):
        kappa = cohen_kappa_score(ya[:, j], yb[:, j])
        f1 = f1_score(ya[:, j], yb[:, j], zero_division=0)
        print(f"{label:<12} {ya[:, j].sum():>4} {yb[:, j].sum():>4} {kappa:>6.3f} {f1:>6.3f}")
    macro = f1_score(ya[:, : len(AXES)], yb[:, : len(AXES)], average="macro", zero_division=0)
    exact = float((ya == yb).all(axis=1).mean())
    print(f"\nitems: {len(a)}   macro-F1 (five axes): {macro:.3f}   exact match: {exact:.3f} "
          f"({int((ya == yb).all(axis=1).sum())}/{len(a)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
