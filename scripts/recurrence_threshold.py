"""Precision, recall and F1 of the recurring-commitment threshold on the labelled pairs.

    .venv/bin/python scripts/recurrence_threshold.py [pairs.jsonl]
"""
from __future__ import annotations

import sys
from pathlib import Path

from declaraciones_nlp.recurrences import DEFAULT_MIN_SIMILARITY, best_threshold, load_pairs, threshold_table


def main(argv: list[str]) -> int:
    pairs = load_pairs(Path(argv[0]) if argv else None)
    table = threshold_table(pairs)
    print(f"{len(pairs)} pairs, {sum(p['recurring'] for p in pairs)} recurring")
    print(table.to_string(index=False))
    print(f"best threshold: {best_threshold(table):.2f} (default in use: {DEFAULT_MIN_SIMILARITY:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
