"""Carry labels by reference over a change of the segmenter.

Labels of real documents are stored by reference: `{"ref": {"file", "n"}, "sha1"}` names
an item of the segmenter that was current when they were written. After the segmenter
changes, items may be renumbered, merged, split or dropped. This script segments every
referenced document twice — with the segmenter of a base commit (its `src/` exported by
`git archive` into a temporary folder, run in a subprocess) and with the current one —,
maps each old item to the new item(s) covering the same text, and writes the labels onto
the new references:

- kept: the old item is one new item (perhaps renumbered or with its text cleaned);
- merged: several old items are now one new item, which gets the union of their labels
  (without `other` when one of them has an axis);
- split: the old item is now several new items, each of which gets its labels;
- lost: no new item covers the old one (dropped on purpose: a lead-in, a dateline…).

    python scripts/remap_labels.py corpus/labeled/us_statements.jsonl --base b8d2c6d

writes the file in place (or `--out`) and prints the counts. Records that are not
references to the collection (written items, treaty articles) are copied unchanged.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_WORKER = r"""
import json, sys
src = sys.argv[1]
sys.path.insert(0, src)
import declaraciones_nlp
assert declaraciones_nlp.__file__.startswith(src), declaraciones_nlp.__file__
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import segment
out = {}
for name, path in json.load(sys.stdin):
    document = read_document(path)
    items = segment(document, use_parser=False)
    out[name] = {"text_sha": document.content_hash,
                 "items": [[i.n, i.text, i.start, i.end, i.section] for i in items]}
json.dump(out, sys.stdout)
"""


def segment_with(src: Path, files: dict[str, Path]) -> dict[str, dict]:
    """Segment `files` with the package found in `src` (a subprocess, so that two versions never mix)."""
    result = subprocess.run(
        [sys.executable, "-c", _WORKER, str(src)], input=json.dumps([[n, str(p)] for n, p in files.items()]),
        capture_output=True, text=True, check=False,
    )
    if result.returncode:
        raise SystemExit(f"error: segmenting with {src} failed: {result.stderr.strip().splitlines()[-1:]}")
    return json.loads(result.stdout)


def export_src(commit: str, into: Path) -> Path:
    """The `src/` of `commit`, written under `into` by `git archive`."""
    archive = into / "src.tar"
    with archive.open("wb") as handle:
        done = subprocess.run(["git", "-C", str(REPO), "archive", commit, "src"], stdout=handle, stderr=subprocess.PIPE)
    if done.returncode:
        raise SystemExit(f"error: git archive {commit}: {done.stderr.decode().strip()}")
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _norm(text: str) -> str:
    return " ".join(text.split())


def map_items(old: dict, new: dict) -> dict[int, list[int]]:
    """Old item number → the new item numbers covering its text.

    When the document's text is unchanged the item spans are compared: a new item
    belongs to an old one when most of the shorter of the two lies in their overlap.
    Otherwise texts are compared: the old text inside a new item, or new items inside it.
    """
    out: dict[int, list[int]] = {}
    same_text = old["text_sha"] == new["text_sha"]
    for n, text, start, end, _ in old["items"]:
        hits = []
        for m, new_text, new_start, new_end, _ in new["items"]:
            if same_text:
                overlap = min(end, new_end) - max(start, new_start)
                if overlap > 0 and overlap >= 0.5 * min(end - start, new_end - new_start):
                    hits.append(m)
            elif _norm(text) in _norm(new_text) or _norm(new_text) in _norm(text):
                hits.append(m)
        out[n] = hits
    return out


def remap(records: list[dict], old: dict[str, dict], new: dict[str, dict], collection: str) -> tuple[list[dict], Counter]:
    """The records rewritten onto the new items, and the counts of kept/merged/split/lost old items."""
    counts: Counter = Counter()
    passthrough, by_file = [], defaultdict(list)
    for record in records:
        ref = record.get("ref")
        if isinstance(ref, dict) and ref.get("collection", "us-statements") == collection and ref.get("file") in old:
            by_file[ref["file"]].append(record)
        else:
            passthrough.append(record)
    out: list[dict] = []
    for name, labelled in by_file.items():
        mapping = map_items(old[name], new[name])
        owners: dict[int, list[int]] = defaultdict(list)  # new item → old items mapped onto it
        for n, hits in mapping.items():
            for m in hits:
                owners[m].append(n)
        new_items = {row[0]: row for row in new[name]["items"]}
        merged: dict[int, dict] = {}
        for record in labelled:
            n = record["ref"]["n"]
            hits = mapping.get(n, [])
            if not hits:
                counts["lost"] += 1
                continue
            kind = "split" if len(hits) > 1 else "merged" if len(owners[hits[0]]) > 1 else "kept"
            counts[kind] += 1
            for m in hits:
                _, text, _, _, section = new_items[m]
                target = merged.setdefault(m, {**record, "ref": {**record["ref"], "n": m}, "labels": []})
                target["sha1"] = hashlib.sha1(text.encode("utf-8")).hexdigest()
                if "section" in record or section is not None:
                    target["section"] = section
                target["labels"] += [label for label in record.get("labels", []) if label not in target["labels"]]
        for target in merged.values():  # an axis of one part wins over `other` (no axis) of another
            if len(target["labels"]) > 1 and "other" in target["labels"]:
                target["labels"].remove("other")
        out.extend(merged[m] for m in sorted(merged))
    return passthrough + out, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path, help="a labelled JSONL by reference")
    parser.add_argument("--base", required=True, help="the commit whose segmenter the references were written with")
    parser.add_argument("--out", type=Path, help="where to write (default: the input, in place)")
    parser.add_argument("--collection", default="us-statements")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from declaraciones_nlp import external

    records = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    names = sorted({r["ref"]["file"] for r in records if isinstance(r.get("ref"), dict)
                    and r["ref"].get("collection", "us-statements") == args.collection})
    files = {name: external.locate(args.collection, name) for name in names}
    missing = [name for name, path in files.items() if path is None]
    if missing:
        raise SystemExit(f"error: {len(missing)} referenced file(s) not found ({missing[0]}): {external.HOW_TO_GET}")
    with tempfile.TemporaryDirectory() as tmp:
        old = segment_with(export_src(args.base, Path(tmp)), files)
    new = segment_with(REPO / "src", files)
    stale = [r for r in records if isinstance(r.get("ref"), dict) and r["ref"].get("file") in old and not any(
        row[0] == r["ref"]["n"] and hashlib.sha1(row[1].encode()).hexdigest() == r.get("sha1")
        for row in old[r["ref"]["file"]]["items"])]
    if stale:
        raise SystemExit(f"error: {len(stale)} reference(s) do not match the base commit's items "
                         f"(first: {stale[0]['ref']}): is --base right?")
    rewritten, counts = remap(records, old, new, args.collection)
    out = args.out or args.labels
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rewritten), encoding="utf-8")
    print(f"{out}: {len(rewritten)} records; old items kept {counts['kept']}, merged {counts['merged']}, "
          f"split {counts['split']}, lost {counts['lost']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
