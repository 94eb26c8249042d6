"""The web server under concurrent clients, on a synthetic store of 1,000,000 items.

`declaraciones serve` runs on 127.0.0.1; for each path and each number of
clients (1, 8, 32), every client sends its next request when the last one
returns, for `DURATION_S` seconds (wrk when installed, else an asyncio httpx
client that shares the cores with the server). Figures: requests/s, median and p95 latency,
errors, and the server's resident memory (largest during the run, and after).

The store is built once into `DECLARACIONES_BENCH_STORE` (default
`/tmp/declaraciones-bench-1m-v<schema version>.db`) and reused by later runs; give `--db URL`
(or `DECLARACIONES_BENCH_DB`) to load a PostgreSQL store instead.

    python -m benchmarks.bench_load [--db URL] [--duration 10] [--clients 1,8,32]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

PATHS = ("/", "/api/freq?by=axis&by=year", "/items?country=PE")
CLIENTS = (1, 8, 32)
DURATION_S = 10.0
N_ITEMS = 1_000_000


def bench_store_url() -> str:
    """The 1M-item store to load: built into /tmp on first use (SQLite) unless a URL is given."""
    url = os.environ.get("DECLARACIONES_BENCH_DB")
    if url:
        return url
    from benchmarks.bench_store import kept_store

    return kept_store(N_ITEMS)[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pids: list[int]) -> float:
    """Resident memory of the server processes (MB)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _load_average() -> float:
    """The machine's 1-minute load average (it is shared: figures move with it)."""
    return round(os.getloadavg()[0], 2)


def _server_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [pid] + [k for kid in kids for k in _server_pids(kid)]


def start_server(db: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """`declaraciones serve` on a free port; returns the process and its base URL once it answers."""
    import httpx

    port = _free_port()
    command = [sys.executable, "-m", "declaraciones_nlp.cli", "serve", "--db", db, "--port", str(port),
               "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {server.stderr.read().decode()[-500:]}")
        try:
            if httpx.get(base + "/openapi.json", timeout=60).status_code < 500:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("server did not answer within 120 s")


async def _load(base: str, path: str, clients: int, duration: float, pids: list[int]) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    peak = _rss_mb(pids)
    stop_at = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                response = await http.get(base + path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    async def sample() -> None:
        nonlocal peak
        while time.monotonic() < stop_at:
            peak = max(peak, _rss_mb(pids))
            await asyncio.sleep(0.2)

    started = time.monotonic()
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        await asyncio.gather(sample(), *(client(http) for _ in range(clients)))
    elapsed = time.monotonic() - started
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else float("nan")
    return {"path": path, "clients": clients, "requests": len(latencies), "errors": errors, "load": _load_average(),
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p95_ms": round(p95 * 1000, 1) if latencies else None,
            "rss_peak_mb": round(peak), "rss_after_mb": round(_rss_mb(pids))}


_WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("WRK %d %d %.1f %.1f %.1f\\n", summary.requests, errors,
           summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3))
end
"""


def _load_wrk(base: str, path: str, clients: int, duration: float, pids: list[int]) -> dict:
    """The same run with wrk (a C load generator: it leaves the two cores to the server)."""
    import tempfile
    import threading

    peak = _rss_mb(pids)
    running = True

    def sample() -> None:
        nonlocal peak
        while running:
            peak = max(peak, _rss_mb(pids))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_WRK_REPORT)
        script.flush()
        out = subprocess.run(["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{duration:.0f}s",
                              "--timeout", "60s", "-s", script.name, base + path],
                             capture_output=True, text=True, check=True).stdout
    running = False
    sampler.join()
    requests, errors, seconds, median, p95 = next(line for line in out.splitlines()
                                                  if line.startswith("WRK ")).split()[1:]
    done = int(requests) - int(errors)
    return {"path": path, "clients": clients, "requests": done, "errors": int(errors), "load": _load_average(),
            "requests_per_s": round(done / float(seconds), 1), "median_ms": float(median), "p95_ms": float(p95),
            "rss_peak_mb": round(peak), "rss_after_mb": round(_rss_mb(pids))}


def measure(db: str, paths=PATHS, clients=CLIENTS, duration: float = DURATION_S, workers: int = 1) -> list[dict]:
    """One row per (path, clients), plus the server's memory at start, on a fresh server."""
    server, base = start_server(db, workers)
    try:
        pids = _server_pids(server.pid)
        rows = [{"path": "(start)", "rss_after_mb": round(_rss_mb(pids))}]
        for path in paths:
            import httpx

            started = time.perf_counter()  # the first request fills the caches: timed apart
            httpx.get(base + path, timeout=120).raise_for_status()
            rows.append({"path": path, "first_request_ms": round((time.perf_counter() - started) * 1000, 1)})
            for n in clients:
                if shutil.which("wrk"):
                    rows.append(_load_wrk(base, path, n, duration, pids))
                else:
                    rows.append(asyncio.run(_load(base, path, n, duration, pids)))
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def run() -> list[dict]:
    """`make bench`: the concurrency figures as benchmark rows, on SQLite and (with
    `DECLARACIONES_BENCH_PG`, see bench_store) on PostgreSQL."""
    rows = run_on(bench_store_url())
    pg_url = os.environ.get("DECLARACIONES_BENCH_PG")
    if pg_url and not os.environ.get("DECLARACIONES_BENCH_DB"):
        from benchmarks.bench_store import kept_store

        rows += run_on(kept_store(N_ITEMS, pg_url)[0])
    return rows


def run_on(db: str) -> list[dict]:
    """The concurrency figures of one store as benchmark rows."""
    backend = "PostgreSQL" if db.startswith("postgres") else "SQLite"
    suffix = "_pg" if backend == "PostgreSQL" else ""
    rows = []
    for row in measure(db):
        if row["path"] == "(start)":
            rows.append({"name": f"load_server_rss_start{suffix}_mb", "value": row["rss_after_mb"], "unit": "MB",
                         "note": f"{backend}, 1M items"})
            continue
        name = f"load_{row['path'].strip('/').split('?')[0].replace('/', '_') or 'dashboard'}"
        if "first_request_ms" in row:
            rows.append({"name": f"{name}_first_request{suffix}_ms", "value": row["first_request_ms"], "unit": "ms",
                         "note": f"{row['path']}, cold caches, {backend}, 1M items"})
            continue
        name = f"{name}_c{row['clients']}"
        for key, unit in (("requests_per_s", "req/s"), ("median_ms", "ms"), ("p95_ms", "ms"),
                          ("errors", "errors"), ("rss_peak_mb", "MB"), ("rss_after_mb", "MB")):
            rows.append({"name": f"{name}_{key}{suffix}", "value": row[key], "unit": unit,
                         "note": f"{row['path']}, {row['clients']} clients, {backend}, 1M items, "
                                 f"load {row['load']}"})
    return rows


def main() -> None:  # pragma: no cover - a measurement, run by hand or by `make bench`
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="store URL (default: the 1M-item SQLite store in /tmp)")
    parser.add_argument("--duration", type=float, default=DURATION_S)
    parser.add_argument("--clients", default=",".join(map(str, CLIENTS)))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--path", action="append", default=None)
    args = parser.parse_args()
    db = args.db or bench_store_url()
    clients = [int(n) for n in args.clients.split(",")]
    print("| path | clients | requests/s | median | p95 | errors | RSS peak / after | load avg |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for row in measure(db, args.path or PATHS, clients, args.duration, args.workers):
        if row["path"] == "(start)":
            print(f"| (server at start) | | | | | | {row['rss_after_mb']} MB |")
        elif "first_request_ms" in row:
            print(f"| `{row['path']}` first request (cold caches) | 1 | | {row['first_request_ms']} ms | | | |")
        else:
            print(f"| `{row['path']}` | {row['clients']} | {row['requests_per_s']} | {row['median_ms']} ms | "
                  f"{row['p95_ms']} ms | {row['errors']} | {row['rss_peak_mb']} / {row['rss_after_mb']} MB | "
                  f"{row['load']} |",
                  flush=True)


if __name__ == "__main__":  # pragma: no cover
    main()
