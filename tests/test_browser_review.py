"""End-to-end review in headless Chromium: ten items reviewed with the keyboard, three corrected;
after a reload the corrections are in `freq`, `export` and `/api/items`. Takes the README's
screenshot of the review page (docs/revisar.png)."""
from __future__ import annotations

import csv
import json
import shutil
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from declaraciones_nlp.cli import app as cli_app
from declaraciones_nlp.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "revisar.png"
CORRECTED_AT = (1, 4, 7)  # which of the ten items the reviewer corrects
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def review_server(tmp_path_factory, trained_model_dir):
    """`serve --allow-review` on the bundled corpus, classified by the model trained from corpus/labeled/."""
    import uvicorn

    from declaraciones_nlp import config
    from declaraciones_nlp.classify import load_model
    from declaraciones_nlp.pipeline import ingest_paths
    from declaraciones_nlp.web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'corpus.db'}"
    ingest_paths([config.raw_dir()], Store(url), load_model(trained_model_dir), workers=1)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url, allow_review=True), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", url
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (`make browser`, or .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _axis_counts(db: str) -> Counter:
    rows = json.loads(_cli("freq", "--by", "axis", "--format", "json", "--db", db))
    return Counter({row["axis"]: row["items"] for row in rows})


def _shown(page) -> tuple[str, int, tuple[str, ...]]:
    card = page.locator("#card")
    marked = tuple(page.locator(".toggle.on").evaluate_all("els => els.map(e => e.dataset.label)"))
    return card.get_attribute("data-doc"), int(card.get_attribute("data-n")), marked


def _wait_for_item(page, doc_id: str, n: int) -> None:
    page.wait_for_function(f"(c => c.dataset.doc === '{doc_id}' && c.dataset.n === '{n}')"
                           f"(document.querySelector('#card'))")


def _start(page, base: str, reviewer: str) -> None:
    page.goto(base + "/revisar")
    page.fill("#reviewer", reviewer)
    page.press("#reviewer", "Enter")  # submits the form: the queue is loaded and the first item shown
    page.wait_for_selector("#card:not([hidden])")
    page.wait_for_function("document.querySelector('#text').textContent.length > 0")


def test_review_ten_items_with_the_keyboard(review_server, browser, tmp_path):
    base, db = review_server
    before = _axis_counts(db)
    page = browser.new_context(viewport={"width": 1200, "height": 820}).new_page()
    _start(page, base, "ana")
    assert "de 281 por revisar" in page.locator("#progress").inner_text()
    decided: dict[tuple[str, int], tuple[str, ...]] = {}
    model_said: dict[tuple[str, int], tuple[str, ...]] = {}
    for k in range(10):
        doc_id, n, marked = _shown(page)
        model_said[(doc_id, n)] = marked
        if k in CORRECTED_AT:
            page.keyboard.press("1" if "other" in marked else "0")  # other ↔ security: never empty
            decided[(doc_id, n)] = ("security",) if "other" in marked else ("other",)
            assert _shown(page)[2] == decided[(doc_id, n)]
        else:
            decided[(doc_id, n)] = marked
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.querySelector('#progress').textContent"
                               f".includes('revisados en esta sesión: {k + 1} ')")
    after_ten = _shown(page)[:2]
    page.keyboard.press("Backspace")  # back to the tenth item, then skip it again
    _wait_for_item(page, *list(decided)[-1])
    page.keyboard.press("s")
    _wait_for_item(page, *after_ten)

    page.reload()
    _start(page, base, "ana")
    progress = page.locator("#progress").inner_text()
    assert "de 271 por revisar" in progress and "ítems revisados: 10 de 281" in progress
    assert _shown(page)[:2] not in decided
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    _shrink(SCREENSHOT)

    corrected = {key: labels for k, (key, labels) in enumerate(decided.items()) if k in CORRECTED_AT}
    assert all(model_said[key] != labels for key, labels in corrected.items())
    expected = Counter(before)
    for key, labels in corrected.items():
        expected.subtract(model_said[key])
        expected.update(labels)
    assert _axis_counts(db) == +expected

    out = tmp_path / "items.csv"
    _cli("export", "--format", "csv", "--out", str(out), "--db", db)
    rows = {(row["doc_id"], int(row["n"])): row for row in csv.DictReader(out.open(encoding="utf-8"))}
    for key, labels in decided.items():
        assert rows[key]["labels"] == ";".join(labels) and rows[key]["reviewed"] == "True"
    assert sum(row["reviewed"] == "True" for row in rows.values()) == 10

    api = {(item["doc_id"], item["n"]): item for item in httpx.get(base + "/api/items?limit=5000").json()}
    for key, labels in corrected.items():
        assert api[key]["labels"] == list(labels) and api[key]["reviewed"] is True
    assert sum(item["reviewed"] for item in api.values()) == 10


def _shrink(path: Path) -> None:
    """Keep the committed screenshot small: a 96-colour palette."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=96).save(path, optimize=True)
