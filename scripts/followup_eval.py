"""Precision and recall of the follow-up register's automatic statuses on the labelled pairs.

    .venv/bin/python scripts/followup_eval.py            # the table of docs/followup.md

Thresholds are chosen out of sample: five folds grouped by commitment, the thresholds of each
held-out fold chosen on the other four (best macro-F1 with the precision of `done` at least
0.93 there). The last line gives the thresholds chosen on every pair, the package's defaults.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from declaraciones_nlp.followup import DONE_THRESHOLD, REPEAT_THRESHOLD  # noqa: E402
from declaraciones_nlp.followup.evaluate import choose_thresholds, cross_validate, load_pairs, pair_features, per_class  # noqa: E402


def _row(name: str, frame) -> str:
    table = per_class(frame["label"], frame["predicted"]).set_index("label")
    cells = []
    for label in ("done", "repeated", "unrelated"):
        p, r, n = table.loc[label, "precision"], table.loc[label, "recall"], table.loc[label, "support"]
        cells.append("—" if n == 0 else f"{p:.2f} / {r:.2f} ({n})" if p == p else f"— / {r:.2f} ({n})")
    return f"| {name} | {len(frame)} | " + " | ".join(cells) + " |"


def main() -> int:
    pairs = load_pairs()
    if pairs.attrs.get("missing"):
        print(f"note: {pairs.attrs['missing']} real pairs left out: their external documents are not here "
              "(declaraciones data fetch)", file=sys.stderr)
    features = pair_features(pairs)
    cv = cross_validate(features)
    print("| pairs | n | reported done: P / R (n) | repeated: P / R (n) | unrelated: P / R (n) |")
    print("|---|---:|---|---|---|")
    print(_row("all", cv))
    for name, mask in (("written, Spanish", (cv["source"] == "written_es")),
                       ("written, English", (cv["source"] == "written_en")),
                       ("real, bundled cabinets (Spanish)", (cv["source"] == "bundled")),
                       ("real, US–Mexico HLED 2021 → 2022 (English)", (cv["source"] == "us_statements")),
                       ("real, all", ~cv["written"])):
        print(_row(name, cv[mask]))
    folds = sorted({(float(a), float(b)) for a, b in zip(cv["repeat_threshold"], cv["done_threshold"])})
    print(f"\nthresholds chosen per fold (repeat, done): {folds}")
    chosen = choose_thresholds(features)
    print(f"chosen on every pair: repeat {chosen[0]:.2f}, done {chosen[1]:.2f}; "
          f"package defaults: repeat {REPEAT_THRESHOLD:.2f}, done {DONE_THRESHOLD:.2f}")
    return 0 if chosen == (REPEAT_THRESHOLD, DONE_THRESHOLD) else 1


if __name__ == "__main__":
    sys.exit(main())
