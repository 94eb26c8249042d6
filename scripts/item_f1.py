"""Item F1 of the segmenter against the hand-written gold of the fixtures.

Every `name.expected.json` under tests/fixtures/{declarations,shapes,web} lists the
items an analyst wants; each source file `name.{txt,md,pdf,docx,html}` beside it is
segmented and its items compared with the gold as multisets of whitespace-normalised
texts (an item counts as right only when its text is exactly the gold's).

    python scripts/item_f1.py                 # the current segmenter
    python scripts/item_f1.py --base b8d2c6d  # also the segmenter of an earlier commit, side by side
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("declarations", "shapes", "web")
SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html")

_WORKER = r"""
import json, sys
src = sys.argv[1]
sys.path.insert(0, src)
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import segment
out = {}
for path in json.load(sys.stdin):
    try:
        out[path] = [item.text for item in segment(read_document(path), use_parser=False)]
    except Exception as exc:
        out[path] = None
json.dump(out, sys.stdout)
"""


def cases() -> list[tuple[str, Path, list[str]]]:
    """(folder, source file, gold item texts) for every fixture with a gold."""
    out = []
    for folder in FOLDERS:
        for gold_path in sorted((REPO / "tests" / "fixtures" / folder).glob("*.expected.json")):
            stem = gold_path.name[: -len(".expected.json")]
            gold = [item["text"] for item in json.loads(gold_path.read_text(encoding="utf-8"))["items"]]
            for source in sorted(gold_path.parent.glob(f"{stem}.*")):
                if source.suffix in SUFFIXES:
                    out.append((folder, source, gold))
    return out


def segment_all(src: Path, paths: list[Path]) -> dict[str, list[str] | None]:
    result = subprocess.run([sys.executable, "-c", _WORKER, str(src)], input=json.dumps([str(p) for p in paths]),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def scores(found: list[str] | None, gold: list[str]) -> tuple[int, int, int]:
    """(right, found, gold) counts of one document."""
    found = found or []
    norm = lambda texts: Counter(" ".join(t.split()) for t in texts)  # noqa: E731
    return sum((norm(found) & norm(gold)).values()), len(found), len(gold)


def table(results: dict[str, list[str] | None], all_cases) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and number of files per folder and format, and overall."""
    totals: dict[str, list[int]] = {}
    for folder, source, gold in all_cases:
        right, found, wanted = scores(results.get(str(source)), gold)
        for key in (f"{folder} {source.suffix}", "all"):
            acc = totals.setdefault(key, [0, 0, 0, 0])
            acc[0] += right
            acc[1] += found
            acc[2] += wanted
            acc[3] += 1
    out = {}
    for key, (right, found, wanted, files) in sorted(totals.items()):
        precision = right / found if found else 0.0
        recall = right / wanted if wanted else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[key] = (precision, recall, f1, files)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="also score the segmenter of this commit")
    args = parser.parse_args(argv)
    all_cases = cases()
    paths = [source for _, source, _ in all_cases]
    runs = {"current": table(segment_all(REPO / "src", paths), all_cases)}
    if args.base:
        sys.path.insert(0, str(REPO / "scripts"))
        from remap_labels import export_src

        with tempfile.TemporaryDirectory() as tmp:
            runs[args.base[:8]] = table(segment_all(export_src(args.base, Path(tmp)), paths), all_cases)
    header = f"{'fixtures':<20}{'files':>6}" + "".join(f"{name + ' P/R/F1':>24}" for name in runs)
    print(header)
    for key in runs["current"]:
        row = f"{key:<20}{runs['current'][key][3]:>6}"
        for run in runs.values():
            p, r, f, _ = run.get(key, (0, 0, 0, 0))
            row += f"{p:>10.3f}{r:>7.3f}{f:>7.3f}"
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
