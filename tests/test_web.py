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


# ---------------------------------------------------------------- documents, proposal form, scores, names
def test_documents_page_lists_filters_and_links(client):
    page = client.get("/documents").text
    assert page.count('class="doc-link"') == 3 and 'href="/documents"' in page  # the nav bar links it
    for document, _ in DOCUMENTS:
        assert f'href="/documents/{document.id}"' in page
    assert "Perú, Colombia" in page and "Colombia, Estados Unidos" in page
    filtered = client.get("/documents", params={"country": "BO"}).text
    assert filtered.count('class="doc-link"') == 1 and "Declaración de Lima" in filtered
    assert client.get("/documents", params={"title": "cartagena"}).text.count('class="doc-link"') == 1
    assert client.get("/documents", params={"since": "2017", "until": "2017"}).text.count('class="doc-link"') == 1
    refused = client.get("/documents", params={"kind": "poema"})
    assert refused.status_code == 400 and "Tipo de documento: tipo de documento desconocido «poema»" in refused.text


def test_propose_page_for_any_pair_with_a_form_and_the_nav_bar(client):
    page = client.get("/propose", params={"between": "PE-CO"})
    assert page.status_code == 200 and "Propuesta de ejes temáticos: Perú – Colombia" in page.text
    nav = page.text[page.text.index('<nav id="propose-nav"'):page.text.index("</nav>")]
    assert 'href="/items"' in nav and 'href="/documents"' in nav and 'id="propose-form"' in nav
    assert '<option value="PE" selected>Perú (PE)</option>' in nav and '<option value="CO" selected>' in nav
    assert 'name="joint_weight"' in nav and 'name="half_life"' in nav and 'name="since"' in nav
    from_form = client.get("/propose", params={"a": "PE", "b": "CO", "joint_weight": "0", "half_life": "0",
                                               "top": "2"}).text
    assert 'name="joint_weight" min="0" max="1" step="0.05" value="0"' in from_form
    assert "<tr><td><code>joint_weight</code></td><td>0.000</td>" in from_form
    assert "<tr><td><code>top</code></td><td>2</td>" in from_form
    bad = client.get("/propose", params={"a": "PE", "b": "XX"})
    assert bad.status_code == 400 and "Pareja:" in bad.text


def test_items_table_and_api_items_show_the_score_of_every_axis(client, web_db):
    page = client.get("/items", params={"q": "mineria"}).text
    assert "<th>Puntuación por eje</th>" in page
    scores = re.findall(r'<span class="score" data-axis="(\w+)">[^&]+&nbsp;([\d.]+)</span>', page)
    assert scores == [("security", "0.90"), ("governance", "0.10"), ("trade", "0.10"), ("environment", "0.10"),
                      ("borders", "0.10")]
    hit = client.get("/api/items", params={"q": "mineria"}).json()[0]
    assert {k: hit[k] for k in hit if k.startswith("score_")} == {
        "score_security": 0.9, "score_governance": 0.1, "score_trade": 0.1, "score_environment": 0.1,
        "score_borders": 0.1}
    assert "score_trade" in client.get("/api/items").json()[0]


def test_document_page_names_the_parties_and_the_acts_in_spanish(client):
    page = client.get(f"/documents/{DOCUMENTS[0][0].id}").text
    assert "<dt>Partes</dt><dd>Perú, Colombia</dd>" in page and "['PE', 'CO']" not in page
    assert "acordar <span class=\"muted\">(compromiso)</span>" in page
    assert "(reconocimiento)" in page and "commitment" not in page


def test_propose_form_left_empty_or_mistyped(client):
    empty = client.get("/propose", params={"a": "PE", "b": "CO", "top": "", "since": "", "joint_weight": "",
                                           "half_life": ""})
    assert empty.status_code == 200 and "Perú – Colombia" in empty.text
    typo = client.get("/propose", params={"a": "PE", "b": "CO", "since": "dos mil"})
    assert typo.status_code == 400 and "Desde: «dos mil» no es un número entero" in typo.text
    out_of_range = client.get("/propose", params={"a": "PE", "b": "CO", "joint_weight": "2"})
    assert out_of_range.status_code == 400 and "Peso del registro conjunto: debe estar entre 0 y 1" in out_of_range.text
