"""No silent wrong answers: what the tool used to accept and answer wrongly is now a one-line
error or a warning, through the CLI, the notebook API and the web page alike (issue 19)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import declaraciones_nlp as dn
from declaraciones_nlp.cli import app
from declaraciones_nlp.errors import FieldError, StoreError
from declaraciones_nlp.store import Store
from declaraciones_nlp.web.app import create_app

from helpers import build_corpus, train_small_model

DECLARATIONS = Path(__file__).resolve().parent / "fixtures" / "declarations"
BOLIVIA_TEXT = DECLARATIONS / "es_gabinete_numerado.txt"   # names Bolivia and Peru
ECUADOR_TEXT = DECLARATIONS / "es_gabinete_ejes.txt"       # names Ecuador and Peru


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> Path:
    return train_small_model(tmp_path_factory.mktemp("model") / "axes-v1")


@pytest.fixture
def corpus_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    with Store(url) as store:
        build_corpus(store)
    return url


# -- parties --------------------------------------------------------------------------------------

@pytest.mark.parametrize("parties, reason", [("PE,XX", "'XX'"), ("PE", "at least two different parties"),
                                             ("PE,pe", "at least two different parties")])
def test_cli_refuses_unknown_or_single_party(parties, reason, tmp_path, small_model):
    db = tmp_path / "new.db"
    for command in (["segment", ECUADOR_TEXT], ["ingest", ECUADOR_TEXT, "--db", db, "--model", small_model]):
        result = run(*command, "--parties", parties)
        assert result.exit_code != 0
        line = one_line(result)
        assert line.startswith("error: --parties:") and reason in line, line
    assert not db.exists() or dn.open(str(db)).documents().empty


def test_api_and_web_refuse_a_single_party(corpus_db, small_model, tmp_path, monkeypatch):
    corpus = dn.open(corpus_db)
    with pytest.raises(FieldError) as info:
        corpus.ingest([ECUADOR_TEXT], model=None, parties="PE")
    assert info.value.field == "parties" and "\n" not in str(info.value)
    models = tmp_path / "models"
    shutil.copytree(small_model, models / small_model.name)
    (models / "CURRENT").write_text(small_model.name + "\n")
    monkeypatch.setenv("DECLARACIONES_MODELS", str(models))
    client = TestClient(create_app(corpus_db, allow_upload=True))
    page = client.post("/upload", files={"file": ("d.txt", ECUADOR_TEXT.read_bytes())}, data={"parties": "PE,XX"})
    assert page.status_code == 400
    assert "Partes: «XX» no es un código de país ISO 3166" in page.text and "--parties" not in page.text
    assert len(dn.open(corpus_db).documents()) == 4


def test_folder_wide_parties_that_contradict_the_text_are_warned(tmp_path, small_model):
    db = tmp_path / "w.db"
    result = run("ingest", ECUADOR_TEXT, BOLIVIA_TEXT, "--parties", "PE,EC", "--db", db, "--model", small_model,
                 "--quiet")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr  # the Ecuador file agrees with --parties; the Bolivia one does not
    assert BOLIVIA_TEXT.name in warnings[0] and "names BO,PE" in warnings[0] and "set-meta" in warnings[0]


# -- a database that does not exist ---------------------------------------------------------------

READING_COMMANDS = [["freq"], ["search", "agua"], ["export", "--out", "{tmp}/x.csv"], ["documents"],
                    ["remove", "ffffffffffffffff"], ["propose", "--between", "PE", "US"], ["recurrences"],
                    ["documents", "set-meta", "ffffffffffffffff", "--date", "2018"]]


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("kind", ["bare-word", "relative-url", "missing-folder"])
def test_reading_commands_refuse_a_database_that_does_not_exist(command, kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db, tried = {"bare-word": ("not-a-url", tmp_path / "not-a-url"),
                 "relative-url": ("sqlite:///tmp/x.db", tmp_path / "tmp" / "x.db"),
                 "missing-folder": (f"sqlite:///{tmp_path}/nowhere/x.db", tmp_path / "nowhere" / "x.db")}[kind]
    result = run(*[c.replace("{tmp}", str(tmp_path)) for c in command], "--db", db)
    assert result.exit_code == 1
    line = one_line(result)
    assert f"no database at {tried}" in line and "ingest" in line, line
    if kind == "relative-url":
        assert "four slashes" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "something was created"


def test_api_and_web_refuse_a_database_that_does_not_exist(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match=f"no database at {missing}"):
        dn.open(str(missing))
    with pytest.raises(StoreError, match=f"no database at {missing}"):
        create_app(f"sqlite:///{missing}")
    assert not missing.exists()
    with dn.open(str(missing), create=True) as corpus:  # asked for, it is created
        assert corpus.documents().empty


# -- shares within the group ----------------------------------------------------------------------

def test_share_within_the_pair_in_cli_api_and_web(corpus_db):
    rows = json.loads(run("freq", "--by", "dyad", "--by", "axis", "--format", "json", "--db", corpus_db).stdout)
    api = TestClient(create_app(corpus_db)).get("/api/freq", params={"by": ["dyad", "axis"]}).json()
    assert rows == api
    for dyad in {row["dyad"] for row in rows}:
        assert sum(row["share_in_dyad"] for row in rows if row["dyad"] == dyad) == pytest.approx(1.0)
    table = run("freq", "--by", "dyad", "--by", "axis", "--db", corpus_db).stdout
    assert "share_in_dyad" in table and "50.0 %" in table  # Peru–Bolivia: environment and trade, one each


# -- errors name the field; the web page speaks Spanish ---------------------------------------------

def test_errors_name_the_field_in_each_shell(corpus_db):
    assert "error: --axis: unknown axis 'foo'" in run("freq", "--axis", "foo", "--db", corpus_db).stderr
    assert "error: --min-score:" in run("freq", "--min-score", "3", "--db", corpus_db).stderr
    client = TestClient(create_app(corpus_db))
    body = client.get("/api/freq", params={"axis": "foo"}).json()
    assert body["field"] == "axis" and body["error"].startswith("axis: unknown axis 'foo'")
    assert body["mensaje"].startswith("Eje: eje desconocido «foo»")
    for path, params, spanish in [("/", {"axis": "foo"}, "Eje: eje desconocido «foo»"),
                                  ("/items", {"since": "20x4"}, "Desde: «20x4» no es un año"),
                                  ("/propose", {"between": "PE,XX"}, "Pareja: «XX» no es un código de país"),
                                  ("/documents/ffffffffffffffff", {}, "No hay ningún documento «ffffffffffffffff»")]:
        page = client.get(path, params=params)
        assert page.status_code in (400, 404) and spanish in page.text, (path, page.text[-600:])
        assert "--" not in page.text.split('id="error-message">')[1].split("</p>")[0]


def test_unknown_pages_answer_html_404_in_spanish_with_the_nav_bar(corpus_db):
    client = TestClient(create_app(corpus_db))
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Página no encontrada" in page.text and 'href="/items"' in page.text  # the navigation bar
    api = client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")


# -- correcting a stored document -------------------------------------------------------------------

def test_set_meta_is_recorded_counted_and_survives_reingestion(tmp_path, small_model):
    db = str(tmp_path / "c.db")
    assert run("ingest", BOLIVIA_TEXT, "--db", db, "--model", small_model, "--quiet").exit_code == 0
    doc_id = json.loads(run("documents", "--format", "json", "--db", db).stdout)[0]["id"]
    result = run("documents", "set-meta", doc_id, "--parties", "PE,EC", "--date", "2019-05-02", "--db", db)
    assert result.exit_code == 0, result.output
    assert "parties: BO,PE → EC,PE" in result.stdout
    dyads = {row["dyad"] for row in json.loads(run("freq", "--by", "dyad", "--format", "json", "--db", db).stdout)}
    assert dyads == {"EC-PE"}
    countries = json.loads(run("freq", "--by", "country", "--country", "EC", "--format", "json", "--db", db).stdout)
    assert {row["country"]: row["items"] for row in countries} == {"EC": 6, "PE": 6}
    years = json.loads(run("freq", "--by", "axis", "--by", "year", "--format", "json", "--db", db).stdout)
    assert {row["year"] for row in years} == {2019}
    # removed and ingested again, the same text keeps its correction
    assert run("remove", doc_id, "--db", db).exit_code == 0
    again = run("ingest", BOLIVIA_TEXT, "--db", db, "--model", small_model, "--quiet")
    assert again.exit_code == 0 and "stored 1" in again.stdout
    doc = json.loads(run("documents", "--format", "json", "--db", db).stdout)[0]
    assert (doc["dyad"], doc["date"], doc["year"]) == ("EC-PE", "2019-05-02", 2019)
    from declaraciones_nlp.store.document_meta import metadata_corrections

    with Store(db) as store:
        recorded = metadata_corrections(store, doc_id)
    assert [(c["field"], c["old_value"]) for c in recorded][0] == ("parties", "BO,PE")
    assert [c["field"] for c in recorded] == ["parties", "date"]
    bad = run("documents", "set-meta", doc_id, "--parties", "PE", "--db", db)
    assert bad.exit_code == 1 and one_line(bad).startswith("error: --parties:")


def test_a_document_read_as_items_can_be_marked_a_report_in_prose(tmp_path, small_model):
    """The kind decides how the proposal cites a quote (declaration item or account of a meeting)."""
    db = str(tmp_path / "k.db")
    assert run("ingest", BOLIVIA_TEXT, "--db", db, "--model", small_model, "--quiet").exit_code == 0
    doc_id = json.loads(run("documents", "--format", "json", "--db", db).stdout)[0]["id"]
    bad = run("documents", "set-meta", doc_id, "--kind", "news", "--db", db)
    assert bad.exit_code == 1 and one_line(bad).startswith("error: --kind:")
    result = run("documents", "set-meta", doc_id, "--kind", "prose", "--db", db)
    assert result.exit_code == 0, result.output
    assert "kind: — → prose" in result.stdout or "kind: items → prose" in result.stdout
    prose = json.loads(run("documents", "--format", "json", "--db", db).stdout)
    assert [d["kind"] for d in prose] == ["prose"]
    assert run("remove", doc_id, "--db", db).exit_code == 0
    assert run("ingest", BOLIVIA_TEXT, "--db", db, "--model", small_model, "--quiet").exit_code == 0
    assert [d["kind"] for d in json.loads(run("documents", "--format", "json", "--db", db).stdout)] == ["prose"]
    # and `ingest --kind` sets it from the start
    other = str(tmp_path / "k2.db")
    assert run("ingest", BOLIVIA_TEXT, "--kind", "prose", "--db", other, "--model", small_model, "--quiet").exit_code == 0
    assert [d["kind"] for d in json.loads(run("documents", "--format", "json", "--db", other).stdout)] == ["prose"]
    refused = run("ingest", BOLIVIA_TEXT, "--kind", "memo", "--db", str(tmp_path / "k3.db"), "--model", small_model)
    assert refused.exit_code == 1 and "--kind" in one_line(refused)
    assert not (tmp_path / "k3.db").exists()
