"""`make bench`: every benchmark of the project in one run.

Prints one JSON object per line (`{"name", "value", "unit"}`) as figures come
in, then a human-readable table. Each `benchmarks/bench_*.py` module exposes
`run() -> list[dict]`. The machine may be shared: each module's figures are
printed with the load average (`uptime`) before and after it ran.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORDER = ["bench_segment", "bench_ingest", "bench_ocr", "bench_twins", "bench_classify", "bench_store", "bench_web",
         "bench_load"]


def main(argv: list[str] | None = None) -> int:
    """Every benchmark, or those named (`python scripts/bench.py bench_store bench_load`)."""
    wanted = list(sys.argv[1:] if argv is None else argv)
    unknown = [name for name in wanted if name not in ORDER]
    if unknown:
        print(f"error: unknown benchmark {unknown[0]!r} (known: {', '.join(ORDER)})", file=sys.stderr)
        return 2
    rows: list[dict] = []
    names = [n for n in ORDER if (ROOT / "benchmarks" / f"{n}.py").exists() and (not wanted or n in wanted)]
    for name in names:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{name}")
        for row in module.run():
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        print(f"# {name}: {time.perf_counter() - started:.1f} s, load average {load_before:.2f} → "
              f"{os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
    print_table(rows)
    return 0


def print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    values = {row["name"]: row["value"] for row in rows}
    table = Table(title=f"declaraciones-nlp benchmarks — {platform.processor() or platform.machine()}, "
                        f"{os.cpu_count()} cores, Python {platform.python_version()}")
    table.add_column("benchmark")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("note")
    for row in rows:
        table.add_row(row["name"], f"{row['value']:,.2f}" if isinstance(row["value"], float) else str(row["value"]),
                      row["unit"], row.get("note", ""))
    console = Console()
    console.print(table)
    full = values.get("spacy_full_words_per_s")
    if full and "ingest_words_per_s" in values:
        console.print(f"ingest / spaCy full pipeline: {values['ingest_words_per_s'] / full:.1f}× (target ≥ 10×)")
    if full and "segment_words_per_s" in values:
        console.print(f"segment / spaCy full pipeline: {values['segment_words_per_s'] / full:.1f}×")


if __name__ == "__main__":
    raise SystemExit(main())
