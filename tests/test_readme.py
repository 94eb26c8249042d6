"""The README's tour of the CLI, run command by command as a user would type it, on a scratch database.

Each line of the tour's fenced `bash` block runs in bash (globs, redirections and
comments as in a terminal) from a scratch folder laid out like a checkout. Three
commands take a short variant: `remove` gets the id of a document actually stored,
`serve` is started on a free port, asked for its dashboard and stopped, and `train`
learns from two of the labelled files instead of all of them.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def tour_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A tour of the CLI"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A scratch folder with the repository's corpus and fixtures, its own database and models."""
    home = tmp_path_factory.mktemp("tour")
    (home / "corpus" / "processed").mkdir(parents=True)
    for name in ("raw", "labeled", "external"):
        (home / "corpus" / name).symlink_to(REPO / "corpus" / name)
    (home / "tests").symlink_to(REPO / "tests")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", DECLARACIONES_HOME=str(home),
               DECLARACIONES_DB=f"sqlite:///{home / 'tour.db'}", DECLARACIONES_MODELS=str(home / "models"),
               COLUMNS="120")
    return home, env


def _run(line: str, home: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=home, env=env, capture_output=True, text=True, timeout=600)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(line: str, home: Path, env: dict[str, str]) -> str:
    port = _free_port()
    server = subprocess.Popen(["bash", "-c", f"exec {line.split('#')[0].strip()} --port {port}"], cwd=home, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    return response.read().decode("utf-8")
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"`{line}` never answered on port {port}")
    finally:
        server.terminate()
        server.wait(10)


def test_every_command_of_the_readme_tour_works(checkout):
    home, env = checkout
    commands = tour_commands()
    assert commands[0].startswith("source .venv/bin/activate")
    ran = []
    for line in commands[1:]:
        assert line.startswith("declaraciones"), line
        if line.split()[:2] == ["declaraciones", "serve"]:
            assert 'id="freq-table"' in _serve(line, home, env)
            ran.append("serve")
            continue
        if line.split()[:2] == ["declaraciones", "remove"]:
            stored = json.loads(_run("declaraciones documents --format json", home, env).stdout)
            line = re.sub(r"\b[0-9a-f]{16}\b", stored[0]["id"], line)
        if line.split()[:2] == ["declaraciones", "train"]:
            line = line.replace("corpus/labeled/*.jsonl", "corpus/labeled/b*.jsonl corpus/labeled/written_es_t*.jsonl")
        result = _run(line, home, env)
        assert result.returncode == 0, f"`{line}` exited {result.returncode}: {result.stderr or result.stdout}"
        ran.append(line.split()[1])
    assert (home / "ejes.csv").read_text(encoding="utf-8").startswith("dyad,axis,")
    assert (home / "ejes-pe-bo.png").read_bytes()[:4] == b"\x89PNG"
    assert (home / "items.xlsx").stat().st_size > 0 and (home / "propuesta.html").stat().st_size > 0
    assert len((home / "revisar.jsonl").read_text(encoding="utf-8").splitlines()) == 50
    assert (home / "models" / "axes-v2" / "meta.json").is_file()
    assert (home / "corpus" / "processed" / "propuesta-PE-US.md").is_file()
    assert {"segment", "ingest", "remove", "freq", "train", "evaluate", "serve", "run"} <= set(ran)
