"""Corrections: stored, shown everywhere as reviewed, the model's labels kept; they outlive
re-ingestion and relabelling; an older store gains their tables; agreement; export into training."""
from __future__ import annotations

import json
import sqlite3

import pytest
import sqlalchemy as sa

from declaraciones_nlp import query
from declaraciones_nlp.errors import InputError, NotFoundError
from declaraciones_nlp.filters import Filters
from declaraciones_nlp.store import STORE_SCHEMA_VERSION, Store
from declaraciones_nlp.store.corrections import add_correction, list_corrections, model_labels, reviewed_items
from declaraciones_nlp.store.document_meta import correct_document

from helpers import CORPUS, MODEL, build_corpus, make_document, make_items


@pytest.fixture
def corpus(db_url):
    with Store(db_url) as store:
        yield store, build_corpus(store)


def _freq(store, **filters) -> dict[str, int]:
    return query.freq(store, ["axis"], Filters(**filters)).set_index("axis")["items"].to_dict()


def test_correction_shows_everywhere_and_keeps_the_model_labels(corpus, tmp_path):
    store, ids = corpus
    before = _freq(store)
    # d1 item 4 is "other" for the model; the reviewer says governance
    add_correction(store, ids["d1"], 4, ["governance"], reviewer="ana")
    after = _freq(store)
    assert after["governance"] == before["governance"] + 1 and after.get("other", 0) == before["other"] - 1
    assert _freq(store, dyad="CO-PE")["governance"] == 2  # the per-document count path too
    assert _freq(store, min_score=0.5)["governance"] >= before["governance"] + 1
    frame = query.items(store, Filters(doc_id=ids["d1"]))
    row = frame[frame["n"] == 4].iloc[0]
    assert row["labels"] == ["governance"] and bool(row["reviewed"]) and row["score_governance"] == 1.0
    assert not frame[frame["n"] == 1].iloc[0]["reviewed"]
    out = query.export(store, "csv", tmp_path / "items.csv")
    assert "governance" in out.read_text(encoding="utf-8").splitlines()[4]
    kept = model_labels(store, ids["d1"], 4)
    assert kept == {"model_version": MODEL, "reviewed": True, "labels": ["other"],
                    "scores": {axis: 0.2 for axis in kept["scores"]}}
    stored = list_corrections(store).iloc[0]
    assert (stored["reviewer"], stored["labels"], stored["model_labels"], stored["model_version"]) == (
        "ana", ["governance"], ["other"], MODEL)


def _recount(store, by: tuple[str, ...]) -> dict[tuple, int]:
    """Assigned labels of the current model counted from `labels` itself (not its summaries)."""
    cols = ", ".join(by)
    with store.read() as conn:
        rows = conn.execute(sa.text(f"SELECT {cols}, count(*) FROM labels WHERE assigned AND model_version = "
                                    f"(SELECT version FROM models WHERE current) GROUP BY {cols}")).all()
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def _counted(store, by: tuple[str, ...]) -> dict[tuple, int]:
    frame = query.freq(store, list(by))
    return {tuple(None if v != v else v for v in row[:-1]): int(row[-1])
            for row in frame[[*by, "items"]].itertuples(index=False)}


def test_counts_after_a_correction_equal_a_recount_of_the_labels(corpus):
    """A reviewer's correction and a corrected date change the per-document summaries in the same
    write: `freq` by axis (and by axis and year) equals a recount of the labels afterwards."""
    store, ids = corpus
    add_correction(store, ids["d1"], 4, ["governance", "security"], reviewer="ana")
    add_correction(store, ids["d2"], 1, ["trade"], reviewer="luis")
    for by in (("axis",), ("axis", "year")):
        assert _counted(store, by) == _recount(store, by)
    correct_document(store, ids["d1"], date="2001-05-04")
    counted = _counted(store, ("axis", "year"))
    assert counted == _recount(store, ("axis", "year")) and any(key[1] == 2001 for key in counted)


def test_second_correction_and_adjudication_decide(corpus):
    store, ids = corpus
    add_correction(store, ids["d2"], 1, ["security", "governance"], reviewer="ana")
    add_correction(store, ids["d2"], 1, ["security"], reviewer="luis")
    labels = query.items(store, Filters(doc_id=ids["d2"])).set_index("n")["labels"]
    assert labels[1] == ["security"]  # the latest
    add_correction(store, ids["d2"], 1, ["security", "governance"], reviewer="eva", adjudicate=True)
    add_correction(store, ids["d2"], 1, ["trade"], reviewer="luis")  # after an adjudication: it stands
    labels = query.items(store, Filters(doc_id=ids["d2"])).set_index("n")["labels"]
    assert labels[1] == ["security", "governance"]
    assert model_labels(store, ids["d2"], 1)["labels"] == ["security"]


def test_corrections_outlive_removal_reingestion_and_relabelling(corpus):
    store, ids = corpus
    add_correction(store, ids["d3"], 2, ["trade", "borders"], reviewer="ana")
    key, parties, date, mechanism, lang, texts = CORPUS[2]
    document = make_document(key, parties, date, mechanism, lang, texts)
    store.remove(ids["d3"])
    assert store.add_document(document, make_items(document, texts))
    frame = query.items(store, Filters(doc_id=ids["d3"])).set_index("n")
    assert frame.loc[2, "labels"] == ["trade", "borders"] and frame.loc[2, "reviewed"]
    relabelled = make_items(document, texts, model_version="axes-v2")
    store.set_labels(relabelled)
    store.register_model("axes-v2")
    frame = query.items(store, Filters(doc_id=ids["d3"])).set_index("n")
    assert frame.loc[2, "labels"] == ["trade", "borders"] and frame.loc[2, "reviewed"]
    assert model_labels(store, ids["d3"], 2)["labels"] == ["trade"]
    assert model_labels(store, ids["d3"], 2, version="axes-v2")["model_version"] == "axes-v2"


def test_changed_text_is_left_to_the_model(corpus):
    store, ids = corpus
    add_correction(store, ids["d4"], 2, ["governance"], reviewer="ana")
    key, parties, date, mechanism, lang, texts = CORPUS[3]
    store.remove(ids["d4"])
    changed = [("Expand trade, investment and tourism.", *texts[1][1:])] + texts[2:]
    document = make_document(key, parties, date, mechanism, lang, [texts[0], *changed])
    document = document.__class__(**{**document.__dict__, "id": ids["d4"]})
    store.add_document(document, make_items(document, [texts[0], *changed]))
    frame = query.items(store, Filters(doc_id=ids["d4"])).set_index("n")
    assert frame.loc[2, "labels"] == ["trade"] and not frame.loc[2, "reviewed"]
    assert reviewed_items(store) == []


@pytest.mark.parametrize("labels, reviewer, message", [
    ([], "ana", "empty label list"),
    (["security", "other"], "ana", "'other' cannot be combined"),
    (["pesca"], "ana", "unknown axis 'pesca'"),
    (["security"], "  ", "reviewer's name is required"),
    (["security"], "x" * 65, "at most 64"),
])
def test_bad_corrections_are_refused_and_nothing_is_stored(corpus, labels, reviewer, message):
    store, ids = corpus
    with pytest.raises(InputError, match=message):
        add_correction(store, ids["d1"], 1, labels, reviewer=reviewer)
    with pytest.raises(NotFoundError, match="item 99"):
        add_correction(store, ids["d1"], 99, ["security"], reviewer="ana")
    assert list_corrections(store).empty


def test_version_2_store_gains_the_correction_tables(tmp_path):
    path = tmp_path / "old.db"
    with Store(str(path)) as store:
        ids = build_corpus(store)
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE corrections; DROP TABLE reviewed_labels; UPDATE schema_info SET version = 2;")
    conn.close()
    with Store(str(path)) as store:
        add_correction(store, ids["d1"], 1, ["security"], reviewer="ana")
        assert len(list_corrections(store)) == 1
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_info").fetchall() == [(STORE_SCHEMA_VERSION,)]
    conn.close()


def test_reviewed_items_carry_text_and_reviewers(corpus):
    store, ids = corpus
    add_correction(store, ids["d1"], 2, ["trade", "governance"], reviewer="ana")
    add_correction(store, ids["d1"], 2, ["trade"], reviewer="luis")
    (item,) = reviewed_items(store)
    assert item["text"].startswith("Impulsar el comercio") and item["labels"] == ["trade"]
    assert item["reviewers"] == ["ana", "luis"]
    json.dumps(item)  # JSON-ready
