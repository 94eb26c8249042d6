"""End-to-end: the dashboard driven in headless Chromium (Debian's package) with Playwright."""
from __future__ import annotations

import csv
import io
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from declaraciones_nlp.store import Store

from webcorpus import DOCUMENTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "dashboard.png"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(url: str):
    """Start the app on `url` in a thread; yield its address; stop it."""
    import uvicorn

    from declaraciones_nlp.web.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(url, allow_upload=True), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a small corpus whose counts are known by construction."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'b.db'}"
    store = Store(url)
    store.register_model("test-v1", {}, make_current=True)
    for document, items in DOCUMENTS:
        store.add_document(document, items)
    yield from _serve(url)


@pytest.fixture(scope="module")
def bundled_server(tmp_path_factory, trained_model_dir):
    """The app on the bundled corpus, classified by the model trained from corpus/labeled/."""
    from declaraciones_nlp import config
    from declaraciones_nlp.classify import load_model
    from declaraciones_nlp.pipeline import ingest_paths

    url = f"sqlite:///{tmp_path_factory.mktemp('bundled') / 'corpus.db'}"
    ingest_paths([config.raw_dir()], Store(url), load_model(trained_model_dir), workers=1)
    yield from _serve(url)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (`make browser`, or .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def test_dashboard_filter_search_document_download(server, page, tmp_path):
    page.goto(server + "/")
    table = page.locator("#freq-table")
    assert "CO-PE" in table.inner_text() and "BO-PE" in table.inner_text()
    bars_before = page.locator("svg.chart rect.bar").count()

    page.select_option("select[name=country]", "BO")
    page.click("#apply")
    page.wait_for_url("**country=BO**")
    assert "CO-PE" not in table.inner_text() and "BO-PE" in table.inner_text()
    assert page.locator("svg.chart rect.bar").count() < bars_before

    with page.expect_download() as download_info:
        page.click("#download-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert rows == [{"dyad": "BO-PE", "security": "0", "governance": "0", "trade": "1", "environment": "1",
                     "borders": "0", "other": "0", "total": "2"}]

    page.goto(server + "/items")
    page.fill("input[name=q]", "mineria")
    page.click("#apply")
    assert page.locator("#items-table tbody tr").count() == 1
    page.click("a.doc-link")
    assert "Declaración de Cartagena" in page.locator("h1").inner_text()
    assert page.locator("#document-items tbody tr").count() == 3


def test_upload_then_find_items(server, page, fixtures_dir, tmp_path):
    declaration = tmp_path / "declaracion-quito.txt"
    declaration.write_text(
        "1. Acordaron impulsar la interconexión eléctrica entre ambos países.\n"
        "2. Destacaron la cooperación en materia de salud intercultural.\n", encoding="utf-8")
    page.goto(server + "/upload")
    page.set_input_files("input[type=file]", str(declaration))
    page.fill("input[name=parties]", "PE,EC")
    page.click("#upload-button")
    assert "2 ítems" in page.locator("#upload-result").inner_text()
    page.goto(server + "/items?q=interconexion")
    assert "interconexión eléctrica" in page.locator("#items-table").inner_text()


def test_dashboard_of_the_bundled_corpus(bundled_server, page):
    """The README's screenshot: the dashboard on the bundled corpus, filtered to Peru."""
    page.goto(bundled_server + "/?country=PE")
    table = page.locator("#freq-table").inner_text()
    assert "PE-US" in table and "BO-PE" in table and "MX-US" not in table
    assert page.locator("svg.chart rect.bar").count() >= 20
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_api_docs_render_offline(server, browser):
    """/docs draws the API's operations with every request outside 127.0.0.1 blocked."""
    context = browser.new_context()
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    shown = page.locator(".opblock-summary-path").all_inner_texts()
    context.close()
    assert outside == []
    assert {"/api/freq", "/api/items", "/api/documents", "/api/propose"} <= {p.strip().replace("\u200b", "") for p in shown}


def test_documents_page_filters_and_opens_a_document(server, page):
    page.goto(server + "/")
    page.click("header a[href='/documents']")
    page.wait_for_url("**/documents")
    assert page.locator("#documents-table tbody tr").count() >= 3  # and the upload test's, when it ran first
    page.select_option("form.filters select[name=country]", "BO")
    page.click("#apply")
    page.wait_for_url("**country=BO**")
    assert page.locator("#documents-table tbody tr").count() == 1
    assert "Perú, Bolivia" in page.locator("#documents-table").inner_text()
    page.click("a.doc-link")
    assert "Declaración de Lima" in page.locator("h1").inner_text()
    assert "Perú, Bolivia" in page.locator("dl.meta").inner_text()


def test_proposal_form_picks_the_pair_and_the_parameters(server, page):
    page.goto(server + "/propose?between=PE-CO")
    assert "Perú – Colombia" in page.locator("h1").text_content()
    page.select_option("#propose-form select[name=b]", "BO")
    page.fill("#propose-form input[name=joint_weight]", "0")
    page.click("#propose-apply")
    page.wait_for_url("**b=BO**")
    assert "Perú – Bolivia" in page.locator("h1").text_content()
    assert page.locator("#propose-form input[name=joint_weight]").input_value() == "0"
    assert page.locator("text=Resumen ejecutivo").count() == 1
    page.click("#propose-nav a[href='/items']")
    page.wait_for_url("**/items")


def test_items_table_shows_the_score_of_every_axis(server, page):
    page.goto(server + "/items?q=mineria+narcotrafico")
    row = page.locator("#items-table tbody tr", has_text="minería ilegal y el narcotráfico")
    cells = row.locator("td.scores").inner_text()
    # every axis with its score (the upload test, when it ran first, relabelled the items with the real model)
    assert re.fullmatch(r"Seguridad\u00a0(0\.9\d|1\.00)\nGobernanza\u00a00\.\d\d\nComercio\u00a00\.\d\d\n"
                        r"Ambiente\u00a00\.\d\d\nFronteras\u00a00\.\d\d", cells), cells


def test_unknown_page_is_a_spanish_404_with_the_nav_bar(server, page):
    response = page.goto(server + "/no-existe")
    assert response.status == 404
    assert "Página no encontrada" in page.locator("h1").inner_text()
    page.click("header a[href='/documents']")
    page.wait_for_url("**/documents")
