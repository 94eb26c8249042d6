"""`/revisar`: maintainers correct labels in the browser, one item at a time (serve --allow-review).

The app includes this router only when created with `allow_review=True`; without
it, the page and its endpoints do not exist (404). Every write carries the
page's CSRF token in `X-CSRF-Token`, a JSON body of at most MAX_BODY_BYTES and
the reviewer's name; a correction is one transaction (`store.corrections`).
"""
from __future__ import annotations

import hmac
import json
import os
import secrets
from collections import OrderedDict
from typing import Any, Callable

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from .. import review_loop
from ..api import Corpus, to_records
from ..classify.corrections import lexicon_axes
from ..classify.lexicon import Lexicon
from ..errors import DeclaracionesError, NotFoundError
from ..filters import Filters

MAX_BODY_BYTES = 4096
QUEUE_LENGTH = 500
FILTER_PARAMS = ("axis", "country", "dyad", "lang", "doc_id")
CSRF_HEADER = "x-csrf-token"


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def review_router(corpus: Corpus, templates: Jinja2Templates, model: Callable[[], Any],
                  model_meta: Callable[[], dict | None]) -> APIRouter:
    """The review page and its JSON endpoints on `corpus`; `model()` is the model in use (or None)."""
    router = APIRouter(include_in_schema=False)
    # one token per server; the processes of `serve --workers N` share it through the environment
    token = os.environ.get("DECLARACIONES_REVIEW_TOKEN") or secrets.token_urlsafe(32)
    orders: OrderedDict[tuple, pd.DataFrame] = OrderedDict()  # review order per filter set, newest last

    def review_filters(request: Request) -> Filters:
        values = {key: request.query_params.get(key, "").strip() for key in FILTER_PARAMS}
        return Filters.of(None, **{key: value for key, value in values.items() if value})

    def ordered(filters: Filters) -> pd.DataFrame:
        current = model()
        key = (filters, getattr(current, "version", None), corpus.counts()["items"])
        if key not in orders:
            orders[key] = review_loop.review_order(corpus, filters, current)
            while len(orders) > 8:
                orders.popitem(last=False)
        return orders[key]

    @router.get("/revisar", response_class=HTMLResponse)
    def review_page(request: Request):
        return templates.TemplateResponse(request, "revisar.html", {
            "csrf_token": token, "options": corpus.filter_options(), "max_body": MAX_BODY_BYTES,
            "filters": {key: request.query_params.get(key, "") for key in FILTER_PARAMS}})

    @router.get("/revisar/api/queue")
    def queue(request: Request, reviewer: str = "", second: bool = False) -> JSONResponse:
        """The items to review, most useful first: unreviewed ones, or (`second`) those another
        reviewer corrected and `reviewer` did not."""
        try:
            order = ordered(review_filters(request))
            corrections = review_loop.corrections(corpus)
        except DeclaracionesError as exc:
            return _error(400, str(exc))
        by_reviewer = set(zip(corrections["doc_id"], corrections["n"], corrections["reviewer"]))
        keys = set(zip(corrections["doc_id"], corrections["n"]))
        mine = {(doc, n) for doc, n, who in by_reviewer if who == reviewer.strip()}
        pairs = list(zip(order["doc_id"], order["n"]))
        if second:
            wanted = [k for k, pair in enumerate(pairs) if pair in keys and pair not in mine]
        else:
            wanted = [k for k, pair in enumerate(pairs) if pair not in keys and not order["reviewed"].iat[k]]
        chosen = order.iloc[wanted]
        return JSONResponse({
            "items": to_records(chosen[["doc_id", "n", "margin", "disagrees"]].head(QUEUE_LENGTH)),
            "remaining": len(chosen), "in_filter": len(order),
            "reviewed": int(sum(pair in keys for pair in pairs)), "corrections": int(len(corrections)),
            "unseen": review_loop.unseen_corrections(corpus, model_meta())})

    @router.get("/revisar/api/item")
    def item_card(doc_id: str, n: int = Query(..., ge=0)) -> JSONResponse:
        """One item with what a reviewer needs: document, neighbours, section, labels and scores
        (current and the model's), explanation terms, the lexicon's axes and earlier corrections."""
        try:
            document = corpus.document(doc_id)
        except DeclaracionesError as exc:
            return _error(404 if isinstance(exc, NotFoundError) else 400, str(exc))
        by_n = {row["n"]: row for row in document["items"]}
        if n not in by_n:
            return _error(404, f"item {n} of document {doc_id} is not stored")
        row, current = by_n[n], model()
        explanation: dict[str, list[str]] = {}
        if current is not None:
            prediction = current.predict([row["text"]], langs=[row["lang"] or "es"], sections=[row["section"]])[0]
            explanation = {axis: list(terms) for axis, terms in prediction.explanation.items() if terms}
        lexicon = getattr(current, "lexicon_", None) or Lexicon.default()
        corrections = review_loop.corrections(corpus)
        earlier = corrections[(corrections["doc_id"] == doc_id) & (corrections["n"] == n)]
        return JSONResponse({
            "doc_id": doc_id, "n": n, "text": row["text"], "section": row["section"], "page": row["page"],
            "lang": row["lang"], "title": document["title"], "date": document["date"],
            "parties": document["parties"],
            "before": [by_n[k]["text"] for k in (n - 1,) if k in by_n],
            "after": [by_n[k]["text"] for k in (n + 1,) if k in by_n],
            "labels": row["labels"], "reviewed": bool(row["reviewed"]),
            "scores": {key[6:]: row[key] for key in row if key.startswith("score_")},
            "model": review_loop.model_labels(corpus, doc_id, n),
            "explanation": explanation, "lexicon": list(lexicon_axes(lexicon, row["text"])),
            "corrections": to_records(earlier[["reviewer", "labels", "adjudicated", "created_at"]])})

    @router.post("/revisar/api/corrections")
    async def correct(request: Request) -> JSONResponse:
        """Store one correction: `{"doc_id", "n", "labels", "reviewer"[, "adjudicate"]}`."""
        try:
            body = await _checked_body(request, token)
            stored = review_loop.correct(corpus, body["doc_id"], body["n"], body["labels"], body["reviewer"],
                                         adjudicate=body["adjudicate"])
        except _Refused as exc:
            return _error(exc.status, exc.message)
        except DeclaracionesError as exc:
            return _error(404 if isinstance(exc, NotFoundError) else 400, str(exc))
        return JSONResponse({"id": stored["id"], "doc_id": stored["doc_id"], "n": stored["n"],
                             "labels": stored["labels"], "reviewer": stored["reviewer"]})

    @router.get("/revisar/api/disagreements")
    def disagreements() -> JSONResponse:
        """Per-label agreement of the reviewers and the items they disagree on (with their text)."""
        table, listed = review_loop.agreement(corpus)
        for entry in listed:
            try:
                found = corpus.document(entry["doc_id"])
            except NotFoundError:
                entry.update(text=None, title=None)
                continue
            texts = {row["n"]: row["text"] for row in found["items"]}
            entry.update(text=texts.get(entry["n"]), title=found["title"])
        return JSONResponse({"agreement": to_records(table), "disagreements": listed})

    return router


async def _checked_body(request: Request, token: str) -> dict[str, Any]:
    """The JSON body of a write, checked: token, type, size and shape. Raises _Refused with one message."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent.encode(), token.encode()):
        raise _Refused(403, "token CSRF ausente o inválido: recargue la página /revisar")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise _Refused(415, "el cuerpo debe ser JSON (Content-Type: application/json)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _Refused(413, f"cuerpo demasiado grande (máximo {MAX_BODY_BYTES} bytes)")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise _Refused(413, f"cuerpo demasiado grande (máximo {MAX_BODY_BYTES} bytes)")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Refused(400, "cuerpo mal formado: se espera un objeto JSON") from None
    shape = {"doc_id": str, "n": int, "labels": list, "reviewer": str}
    if not isinstance(body, dict) or any(not isinstance(body.get(k), t) or isinstance(body.get(k), bool)
                                         for k, t in shape.items()):
        raise _Refused(400, 'cuerpo mal formado: se espera {"doc_id": texto, "n": entero, '
                            '"labels": [ejes], "reviewer": texto}')
    adjudicate = body.get("adjudicate", False)
    if not isinstance(adjudicate, bool):
        raise _Refused(400, 'cuerpo mal formado: "adjudicate" es true o false')
    return {key: body[key] for key in shape} | {"adjudicate": adjudicate}
