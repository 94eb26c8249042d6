"""The review page of `serve --allow-review`, through FastAPI's test client: absent without the
flag, the queue and the item card, every write checked (CSRF, reviewer, size, shape)."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from declaraciones_nlp.store import Store
from declaraciones_nlp.web.app import create_app

from webcorpus import DOCUMENTS


@pytest.fixture
def web_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    with Store(url) as store:
        store.register_model("test-v1", {}, make_current=True)
        for document, items in DOCUMENTS:
            store.add_document(document, items)
    return url


@pytest.fixture
def client(web_db) -> TestClient:
    return TestClient(create_app(web_db, allow_review=True))


def token_of(client: TestClient) -> str:
    page = client.get("/revisar")
    assert page.status_code == 200
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def post(client: TestClient, body, token: str | None, **headers):
    headers = {"Content-Type": "application/json", **({"X-CSRF-Token": token} if token else {}), **headers}
    return client.post("/revisar/api/corrections", content=body if isinstance(body, (bytes, str)) else None,
                       json=None if isinstance(body, (bytes, str)) else body, headers=headers)


@pytest.mark.parametrize("method, path", [
    ("get", "/revisar"), ("get", "/revisar/api/queue"), ("get", "/revisar/api/item?doc_id=x&n=1"),
    ("post", "/revisar/api/corrections"), ("get", "/revisar/api/disagreements"),
])
def test_review_is_absent_without_the_flag(web_db, method, path):
    plain = TestClient(create_app(web_db))
    assert getattr(plain, method)(path).status_code == 404
    assert "/revisar" not in plain.get("/").text


def test_queue_card_and_correction_shown_in_the_api(client):
    queue = client.get("/revisar/api/queue", params={"reviewer": "ana"}).json()
    assert queue["remaining"] == queue["in_filter"] > 0 and queue["reviewed"] == 0
    margins = [entry["margin"] for entry in queue["items"] if not entry["disagrees"]]
    assert margins == sorted(margins)  # least confident first
    first = queue["items"][0]
    card = client.get("/revisar/api/item", params={"doc_id": first["doc_id"], "n": first["n"]}).json()
    assert card["title"] and card["text"] and set(card["model"]["scores"]) <= {"security", "governance", "trade",
                                                                                 "environment", "borders"}
    assert "before" in card and "after" in card and isinstance(card["lexicon"], list)
    token = token_of(client)
    answer = post(client, {"doc_id": first["doc_id"], "n": first["n"], "labels": ["environment"],
                           "reviewer": "ana"}, token)
    assert answer.status_code == 200, answer.text
    hit = next(item for item in client.get("/api/items", params={"limit": 5000}).json()
               if item["doc_id"] == first["doc_id"] and item["n"] == first["n"])
    assert hit["labels"] == ["environment"] and hit["reviewed"] is True
    after = client.get("/revisar/api/queue", params={"reviewer": "ana"}).json()
    assert after["remaining"] == queue["remaining"] - 1 and after["reviewed"] == 1
    assert (first["doc_id"], first["n"]) not in {(e["doc_id"], e["n"]) for e in after["items"]}
    second = client.get("/revisar/api/queue", params={"reviewer": "luis", "second": "true"}).json()
    assert [(e["doc_id"], e["n"]) for e in second["items"]] == [(first["doc_id"], first["n"])]


@pytest.mark.parametrize("body, token, headers, status, message", [
    ({"doc_id": "x", "n": 1, "labels": ["trade"], "reviewer": "ana"}, None, {}, 403, "token CSRF"),
    ({"doc_id": "x", "n": 1, "labels": ["trade"], "reviewer": "ana"}, "wrong", {}, 403, "token CSRF"),
    ("doc_id=x", "ok", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "debe ser JSON"),
    ("{not json", "ok", {}, 400, "mal formado"),
    ("[1, 2]", "ok", {}, 400, "mal formado"),
    ({"doc_id": "x", "n": "1", "labels": ["trade"], "reviewer": "ana"}, "ok", {}, 400, "mal formado"),
    ({"doc_id": "x", "n": 1, "labels": ["trade"], "reviewer": "ana", "pad": "x" * 5000}, "ok", {}, 413,
     "demasiado grande"),
    ({"doc_id": "x", "n": 1, "labels": ["trade"], "reviewer": "  "}, "ok", {}, 400, "reviewer's name"),
    ({"doc_id": "x", "n": 1, "labels": ["pesca"], "reviewer": "ana"}, "ok", {}, 400, "unknown axis"),
    ({"doc_id": "x", "n": 1, "labels": ["trade"], "reviewer": "ana"}, "ok", {}, 404, "not stored"),
])
def test_bad_writes_are_refused_with_one_message(client, body, token, headers, status, message):
    real = token_of(client)
    answer = post(client, body, real if token == "ok" else token, **headers)
    assert answer.status_code == status
    assert set(answer.json()) == {"error"} and message in answer.json()["error"]
    assert client.get("/revisar/api/queue").json()["corrections"] == 0


def test_oversized_body_without_length_is_refused(client):
    token = token_of(client)

    def chunks():
        for _ in range(10):
            yield b"x" * 1000

    answer = client.post("/revisar/api/corrections", content=chunks(),
                         headers={"Content-Type": "application/json", "X-CSRF-Token": token})
    assert answer.status_code == 413 and "demasiado grande" in answer.json()["error"]


def test_disagreements_listed_for_adjudication(client):
    token = token_of(client)
    item = client.get("/revisar/api/queue").json()["items"][0]
    key = {"doc_id": item["doc_id"], "n": item["n"]}
    assert post(client, {**key, "labels": ["trade"], "reviewer": "ana"}, token).status_code == 200
    assert post(client, {**key, "labels": ["trade", "borders"], "reviewer": "luis"}, token).status_code == 200
    data = client.get("/revisar/api/disagreements").json()
    (listed,) = data["disagreements"]
    assert listed["reviewers"] == {"ana": ["trade"], "luis": ["trade", "borders"]} and listed["adjudicated"] is None
    borders = next(row for row in data["agreement"] if row["label"] == "borders")
    assert (borders["pairs"], borders["only_one"]) == (1, 1)
    assert post(client, {**key, "labels": ["trade"], "reviewer": "eva", "adjudicate": True}, token).status_code == 200
    assert client.get("/revisar/api/disagreements").json()["disagreements"][0]["adjudicated"] == ["trade"]
