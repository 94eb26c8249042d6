"""Write corpus/external/MANIFEST.tsv from a local mirror of the external documents.

    python scripts/build_manifest.py --mirror ../shared/corpus

For each document: its collection and name, the SHA-256 of its content (see
`external.normalised_text`), the address `declaraciones data fetch` downloads
it from (the public archive at a pinned commit), and its provenance in words.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from declaraciones_nlp.external import MANIFEST_COLUMNS, content_sha256, manifest_path, read_text  # noqa: E402

WH_ARCHIVE = "brian14708/wh-briefings"
WH_COMMIT = "737ca03a271adc205c67766074ec8d0070f7ad95"
RAW = "https://raw.githubusercontent.com"


def _front_matter(raw: str) -> dict[str, str]:
    block = raw.split("---", 2)[1] if raw.startswith("---") else ""
    return {m.group(1): m.group(2).strip().strip("'\"") for m in re.finditer(r"^(\w+):\s*(.*)$", block, re.M)}


def us_statement(path: Path) -> tuple[str, str]:
    meta = _front_matter(read_text(path))
    folder = f"{meta['tags']}/{meta['date'][:7]}/{path.name}"
    return f"{RAW}/{WH_ARCHIVE}/{WH_COMMIT}/{folder}", f"{WH_ARCHIVE}@{WH_COMMIT[:12]}:{folder}; {meta['source_url']}"


def treaty(path: Path) -> tuple[str, str]:
    raw = read_text(path)
    source = re.search(r"^# source: (\S+) (\S+) @ commit ([0-9a-f]{40})", raw, re.M)
    official = re.search(r"^# official_url: (\S+)", raw, re.M)
    repo, inner, commit = source.groups()
    return f"{RAW}/{repo}/{commit}/{inner}", f"{repo}@{commit[:12]}:{inner}; {official.group(1) if official else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, required=True, help="folder holding us-statements/ and treaties-es/")
    args = parser.parse_args()
    rows = []
    for path in sorted((args.mirror / "us-statements").glob("20*.md")):
        rows.append(("us-statements", path.name, content_sha256(read_text(path)), *us_statement(path)))
    for path in sorted((args.mirror / "treaties-es").glob("*/*.txt")):
        name = path.relative_to(args.mirror / "treaties-es").as_posix()
        rows.append(("treaties-es", name, content_sha256(read_text(path)), *treaty(path)))
    out = manifest_path()
    with out.open("w", encoding="utf-8") as handle:
        handle.write("# External documents referred to by corpus/labeled/ and the tests; see corpus/external/README.md.\n")
        handle.write("\t".join(MANIFEST_COLUMNS) + "\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")
    print(f"{len(rows)} documents → {out}")


if __name__ == "__main__":
    main()
