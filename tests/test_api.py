"""The notebook API (`declaraciones_nlp.open`) and the query commands of the CLI."""
from __future__ import annotations

import hashlib
import json
import os
import stat

import pandas as pd
import pytest
from typer.testing import CliRunner

import declaraciones_nlp as dn
from declaraciones_nlp.cli import app
from declaraciones_nlp.errors import InputError, NotFoundError
from declaraciones_nlp.store import Store

from helpers import N_ITEMS, build_corpus

runner = CliRunner()


@pytest.fixture
def corpus_url(db_url):
    with Store(db_url) as store:
        ids = build_corpus(store)
    return db_url, ids


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_api_open_and_query(corpus_url, tmp_path):
    url, ids = corpus_url
    with dn.open(db=url) as corpus:
        assert "4 documents, 12 items" in repr(corpus)
        frame = corpus.freq(by=["axis", "year"], country="CO", since=2014)
        assert frame.attrs["total"] == 7
        assert frame.set_index(["axis", "year"])["items"].to_dict()[("security", 2016)] == 2
        assert corpus.freq(by="dyad")["items"].tolist() == [2, 7, 3]
        assert len(corpus.items()) == N_ITEMS
        assert corpus.items(axis="borders")["n"].tolist() == [3, 2]
        assert len(corpus.search("minería", dyad="PE-CO")) == 1
        assert len(corpus.documents()) == 4
        assert corpus.document(ids["d1"])["title"] == "Declaración d1"
        out = corpus.export(tmp_path / "items.parquet", axis="trade")
        assert len(pd.read_parquet(out)) == 3
        chart = corpus.chart(tmp_path / "axes.svg", by=["axis", "dyad"])
        assert chart.exists()
        assert corpus.remove(ids["d4"]) == 3
        with pytest.raises(NotFoundError):
            corpus.document(ids["d4"])
        with pytest.raises(InputError, match="unknown filter"):
            corpus.items(colour="red")
    with dn.open(db=url) as again:  # what one Corpus changed, the database keeps
        assert sorted(again.documents()["id"]) == sorted(ids[k] for k in ("d1", "d2", "d3"))
        assert again.freq(by="dyad")["items"].tolist() == [2, 7]


def test_cli_freq_json(corpus_url):
    url, _ = corpus_url
    result = invoke("freq", "--by", "axis", "--country", "CO", "--format", "json", "--db", url)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0] == {"axis": "security", "items": 3, "share": pytest.approx(3 / 7)}
    assert {row["axis"]: row["items"] for row in rows} == {"security": 3, "governance": 1, "trade": 1,
                                                          "environment": 1, "borders": 2, "other": 1}


def test_cli_freq_csv_table_and_chart(corpus_url, tmp_path):
    url, _ = corpus_url
    result = invoke("freq", "--by", "axis", "--by", "year", "--format", "csv", "--db", url)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "axis,year,items,share_in_year"
    assert len(lines) == 1 + 14
    result = invoke("freq", "--by", "axis", "--by", "year", "--share-of", "all", "--format", "csv", "--db", url)
    assert result.stdout.splitlines()[0] == "axis,year,items,share"
    chart = tmp_path / "years.png"
    old_mask = os.umask(0o022)
    try:
        result = invoke("freq", "--by", "axis", "--by", "year", "--since", "2015", "--chart", chart, "--db", url)
        exported = invoke("export", "--out", tmp_path / "items.csv", "--db", url)
    finally:
        os.umask(old_mask)
    assert result.exit_code == 0 and exported.exit_code == 0, result.output + exported.output
    assert "8 agreement items" in result.stdout
    assert chart.stat().st_size > 1000
    # charts and exports are readable by others, as any file written under umask 022
    assert stat.S_IMODE(chart.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "items.csv").stat().st_mode) == 0o644
    result = invoke("freq", "--by", "dyad", "--db", url)
    assert "CO-PE" in result.stdout and "58.3 %" in result.stdout


def test_cli_search(corpus_url):
    url, ids = corpus_url
    result = invoke("search", "mineria", "--format", "jsonl", "--db", url)
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(hit["doc_id"], hit["n"]) for hit in hits] == [(ids["d3"], 1), (ids["d1"], 1)]
    assert hits[1]["labels"] == ["security", "environment"] and hits[1]["page"] == 1
    assert {"title", "date", "parties", "page", "labels", "text"} <= set(hits[0])
    result = invoke("search", "minería ilegal", "--country", "CO", "--db", url)
    assert result.exit_code == 0 and "1 hits" in result.stdout


def test_cli_export_documents_remove(corpus_url, tmp_path):
    url, ids = corpus_url
    out = tmp_path / "acuerdos.xlsx"
    result = invoke("export", "--format", "xlsx", "--out", out, "--dyad", "PE-CO", "--db", url)
    assert result.exit_code == 0, result.output
    assert len(pd.read_excel(out)) == 7
    result = invoke("export", "--out", tmp_path / "all.csv", "--db", url)
    assert result.exit_code == 0 and len(pd.read_csv(tmp_path / "all.csv")) == N_ITEMS
    result = invoke("documents", "--format", "json", "--db", url)
    assert [doc["items"] for doc in json.loads(result.stdout)] == [4, 3, 2, 3]
    assert ids["d2"] in invoke("documents", "--db", url).stdout
    result = invoke("remove", ids["d2"], "--db", url)
    assert result.exit_code == 0 and "3 items" in result.stdout
    result = invoke("remove", ids["d2"], "--db", url)
    assert result.exit_code == 1 and "is not stored" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["freq", "--axis", "economy"], "--axis: unknown axis 'economy'"),
    (["freq", "--since", "20x4"], "--since: not a year or date"),
    (["freq", "--since", "2018", "--until", "2014"], "--since: 2018 is after until 2014"),
    (["freq", "--dyad", "PEX"], "--dyad"),
    (["freq", "--country", "Colombia"], "--country: not a two-letter country code"),
    (["freq", "--by", "colour"], "--by: unknown field 'colour'"),
    (["freq", "--chart", "out.jpg"], "--chart"),
    (["freq", "--model-version", "v9"], "unknown model version 'v9'"),
    (["search", "--until", "2014-02-30", "x"], "--until: not a valid date"),
    (["export", "--out", "x.txt"], "--format"),
])
def test_cli_bad_input_touches_nothing(corpus_url, tmp_path, args, message):
    url, _ = corpus_url
    fresh = tmp_path / "never-created.db"
    for db in (url, str(fresh)):
        with Store(url) as store:
            before = store.counts()
        result = invoke(*args, "--db", db)
        assert result.exit_code == 1, result.output
        # a bad option is refused before the store is opened; a store that does not exist, by its path
        assert message in result.stderr or (db == str(fresh) and f"no database at {fresh}" in result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        with Store(url) as store:
            assert store.counts() == before
        assert not fresh.exists()


def test_cli_unreachable_and_non_sqlite_db(tmp_path):
    result = invoke("freq", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot connect" in result.stderr
    bogus = tmp_path / "notes.txt"
    bogus.write_text("minutes of the meeting\n" * 200)
    before = digest(bogus)
    for command in (["freq"], ["documents"], ["search", "x"], ["remove", "abc"],
                    ["export", "--out", tmp_path / "x.csv"]):
        result = invoke(*command, "--db", bogus)
        assert result.exit_code == 1
        assert "not a database" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert digest(bogus) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    result = invoke("documents", "--db", "mysql://x@localhost/db")
    assert result.exit_code == 1 and "unsupported database" in result.stderr


