"""The web app and its JSON API, through FastAPI's test client (no browser)."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from declaraciones_nlp.cli import app as cli_app
from declaraciones_nlp.store import Store
from declaraciones_nlp.web.app import create_app

from webcorpus import DOCUMENTS


@pytest.fixture(scope="module")
def web_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    store = Store(url)
    store.register_model("test-v1", {}, make_current=True)
    for document, items in DOCUMENTS:
        store.add_document(document, items)
    return url


@pytest.fixture(scope="module")
def client(web_db) -> TestClient:
    return TestClient(create_app(web_db))


def cli_json(*args: str):
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_dashboard_shows_table_and_charts(client):
    page = client.get("/").text
    assert 'id="freq-table"' in page and page.count("<svg") >= 2
    assert "CO-PE" in page and "BO-PE" in page
    assert "Seguridad" in page and "#D55E00" in page  # Spanish axis names, fixed colours


def test_dashboard_filter_changes_table(client):
    page = client.get("/", params={"country": "BO"}).text
    table = page.split('id="freq-table"')[1]
    assert "BO-PE" in table and "CO-PE" not in table


def test_csv_download_is_the_table_shown(client):
    csv = client.get("/download.csv", params={"country": "PE", "group": "dyad"}).text.splitlines()
    assert csv[0] == "dyad,security,governance,trade,environment,borders,other,total"
    assert csv[1:] == ["BO-PE,0,0,1,1,0,0,2", "CO-PE,1,0,1,0,1,0,3"]


def test_xlsx_download(client):
    response = client.get("/download.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_api_freq_equals_cli_json(client, web_db):
    api = client.get("/api/freq", params=[("by", "axis"), ("by", "year"), ("country", "CO")]).json()
    cli = json.loads(cli_json("freq", "--by", "axis", "--by", "year", "--country", "CO", "--format", "json", "--db", web_db))
    assert api == cli
    assert {"axis": "security", "year": 2018, "items": 1} .items() <= next(r for r in api if r["year"] == 2018 and r["axis"] == "security").items()


def test_api_items_equals_cli_search(client, web_db):
    api = client.get("/api/items", params={"q": "mineria"}).json()
    lines = cli_json("search", "mineria", "--format", "jsonl", "--db", web_db).splitlines()
    assert api == [json.loads(line) for line in lines]
    assert len(api) == 1 and "minería ilegal" in api[0]["text"]


def test_api_documents_and_openapi(client):
    docs = client.get("/api/documents").json()
    assert sorted(d["title"] for d in docs) == ["Declaración de Cartagena", "Declaración de Lima", "Diálogo de Alto Nivel EE. UU.–Colombia"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/freq", "/api/items", "/api/documents", "/api/propose"} <= set(paths)


def test_api_docs_refer_to_no_address_outside_the_machine(client):
    page = client.get("/docs").text
    assert "swagger-ui-bundle.js" in page
    assert re.findall(r"(?:src|href)=[\"'](?:https?:)?//", page) == []  # every asset from this server
    assert client.get("/redoc").status_code == 404  # ReDoc would need a CDN


def test_item_text_is_escaped(client):
    page = client.get("/items", params={"q": "democracia"}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_document_page_lists_items_in_order(client):
    doc_id = DOCUMENTS[0][0].id
    page = client.get(f"/documents/{doc_id}").text
    first, second = page.index("minería ilegal"), page.index("Plan Binacional")
    assert first < second


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "1' OR '1'='1", "ffffffffffffffff"])
def test_bad_document_ids_are_404(client, doc_id):
    assert client.get(f"/documents/{doc_id}").status_code == 404


@pytest.mark.parametrize("params", [{"country": "CO' OR 1=1 --"}, {"axis": "security; DROP TABLE items"},
                                    {"since": "2014 OR 1=1"}, {"dyad": "PE-CO'--"}])
def test_injection_in_parameters_is_refused(client, params):
    response = client.get("/api/freq", params=params)
    assert response.status_code == 400 and "error" in response.json()
    assert client.get("/api/documents").json()  # nothing dropped


def test_read_only_without_upload_flag(client):
    assert client.post("/upload", files={"file": ("a.txt", b"1. Acordaron algo.")}).status_code == 403


@pytest.fixture
def upload_client(tmp_path) -> TestClient:
    return TestClient(create_app(f"sqlite:///{tmp_path / 'up.db'}", allow_upload=True))


def test_upload_ingests_a_declaration(upload_client):
    text = "1. Acordaron impulsar el comercio bilateral.\n2. Destacaron la cooperación en salud.\n".encode()
    response = upload_client.post("/upload", files={"file": ("decl.txt", text)}, data={"parties": "PE,EC"})
    assert response.status_code == 200 and "2 ítems" in response.text
    hits = upload_client.get("/api/items", params={"q": "comercio bilateral"}).json()
    assert len(hits) == 1 and hits[0]["parties"] in ("EC,PE", "PE,EC")


def test_upload_name_cannot_reach_outside_its_folder(upload_client, tmp_path, monkeypatch):
    """An upload is written in a fresh folder under the temporary directory: a name with `../`
    is reduced to its base name, so nothing lands beside that folder or above it."""
    import tempfile

    uploads = tmp_path / "tmp" / "uploads"
    uploads.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    response = upload_client.post("/upload", files={"file": ("../../evil.txt", b"1. Acordaron algo importante.\n")})
    assert response.status_code == 200 and "1 ítems" in response.text
    assert list(tmp_path.rglob("evil.txt")) == []
    [document] = upload_client.get("/api/documents").json()
    assert document["source_path"].startswith(str(uploads)) and document["source_path"].endswith("/evil.txt")
    assert ".." not in document["source_path"]


@pytest.mark.parametrize("name, content, message", [
    ("virus.exe", b"MZ\x00\x00", "unsupported file type"),
    ("empty.txt", b"", "empty"),
])
def test_upload_refusals(upload_client, name, content, message):
    response = upload_client.post("/upload", files={"file": (name, content)})
    assert response.status_code == 400 and message in response.text


def test_oversize_upload_refused_before_reading(upload_client, monkeypatch):
    from declaraciones_nlp import config

    big = b"1. " + b"a" * (config.MAX_UPLOAD_BYTES + 200_000)
    response = upload_client.post("/upload", files={"file": ("big.txt", big)})
    assert response.status_code == 413
