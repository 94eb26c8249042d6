"""The dashboard for ministry staff: server-rendered pages and a JSON API.

Every page and endpoint calls the same library functions as the CLI (through
`api.Corpus`). The app is read-only unless created with `allow_upload=True`
(uploads) or `allow_review=True` (the review page of `web/review.py`).
"""
from __future__ import annotations

import io
import re
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import config
from ..api import Corpus, to_records
from ..charts import svg_stacked_bars
from ..errors import Cancelled, DeclaracionesError, FieldError, InputError, NotFoundError
from ..followup import STATUS_ES, STATUSES
from ..ingest import SUPPORTED_EXTENSIONS
from ..schema import ACT_NAMES_ES, AXES, AXIS_COLOURS, AXIS_NAMES_ES, AXIS_SHORT_ES, KIND_NAMES_ES, LABELS, OCR_CHECK_BELOW
from ..text import country_codes, country_name, split_parties
from .cancel import CancelOnDisconnect
from .followup import RATE_NAMES, followup_router
from .messages import api_error, spanish_message

HERE = Path(__file__).resolve().parent
DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")
FILTER_KEYS = ("axis", "country", "dyad", "mechanism", "since", "until", "min_score", "twins")
GROUPS = {"dyad": "Par de países", "year": "Año"}
DOCUMENT_FILTERS = ("country", "dyad", "mechanism", "since", "until")
PAGE_SIZE = 50  # items per page of /items
COUNT_CAP = 10_000  # /items counts its matches up to here ("más de 10 000")


class BodyLimit:
    """Refuse request bodies above `limit` bytes on `path_prefix` before they are read whole."""

    def __init__(self, app: ASGIApp, limit: int, path_prefix: str) -> None:
        self.app, self.limit, self.path_prefix = app, limit, path_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.path_prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f"El archivo supera el límite de {limit // (1024 * 1024)} MB.".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


def filters_from(request: Request) -> dict[str, Any]:
    """The filter query parameters that are set, as keyword arguments for `Corpus`."""
    params = request.query_params
    values: dict[str, Any] = {}
    for key in FILTER_KEYS:
        raw = params.get(key, "").strip()
        if not raw:
            continue
        if key in ("since", "until"):
            if not raw.isdigit():
                raise FieldError(key, f"not a year: {raw!r}", f"«{raw}» no es un año")
            values[key] = int(raw)
        elif key == "min_score":
            try:
                values[key] = float(raw)
            except ValueError:
                raise FieldError(key, f"not a number: {raw!r}", f"«{raw}» no es un número") from None
        else:
            values[key] = raw
    return values


def dashboard_table(corpus: Corpus, group: str, filters: dict[str, Any],
                    by_axis: pd.DataFrame | None = None, totals: pd.Series | None = None) -> pd.DataFrame:
    """Items per `group` value and axis — the table the dashboard shows and downloads."""
    freq = corpus.freq(by=[group, "axis"], **filters) if by_axis is None else by_axis
    if freq.empty:
        return pd.DataFrame(columns=[group, *LABELS, "total"])
    totals = item_totals(corpus, group, filters) if totals is None else totals
    pivot = freq.pivot_table(index=group, columns="axis", values="items", aggfunc="sum", fill_value=0)
    pivot = pivot.reindex(columns=list(LABELS), fill_value=0).astype(int)
    pivot["total"] = totals.reindex(pivot.index, fill_value=0).astype(int)
    return pivot.reset_index()


def item_totals(corpus: Corpus, group: str, filters: dict[str, Any]) -> pd.Series:
    """Distinct items per `group` value (an item with two axes counts once)."""
    totals = corpus.freq(by=[group], **filters)
    return totals.set_index(group)["items"] if not totals.empty else pd.Series(dtype=int)


def create_app(db: str | None = None, allow_upload: bool = False, allow_review: bool = False,
               allow_edit: bool = False) -> FastAPI:
    """Build the app on the store at `db` (default: the project's database). `allow_review` adds the
    review page /revisar; `allow_edit` lets staff record follow-up statuses on /seguimiento."""
    # Swagger UI's script and stylesheet come from the installed fastapi-offline, not a CDN: /docs works offline.
    app = FastAPIOffline(
        title="declaraciones-nlp",
        description="Ejes temáticos de las declaraciones conjuntas: frecuencias, ítems, documentos y propuestas.",
        version="1",
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        AXES=AXES, LABELS=LABELS, AXIS_NAMES_ES=AXIS_NAMES_ES, AXIS_SHORT_ES=AXIS_SHORT_ES,
        AXIS_COLOURS=AXIS_COLOURS, GROUPS=GROUPS, allow_upload=allow_upload, allow_review=allow_review,
        ACT_NAMES_ES=ACT_NAMES_ES, KIND_NAMES_ES=KIND_NAMES_ES, OCR_CHECK_BELOW=OCR_CHECK_BELOW,
        country_name=country_name, parties_es=parties_es,
        allow_edit=allow_edit, STATUSES=STATUSES, STATUS_ES=STATUS_ES, RATE_NAMES=RATE_NAMES,
    )
    corpus = Corpus(db, create=allow_upload)  # only an app that ingests may create the store
    app.state.corpus = corpus

    @lru_cache(maxsize=1)
    def model():
        from ..classify import load_model

        try:
            return load_model()
        except DeclaracionesError:
            return None

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, template, context, status_code=status)

    @app.exception_handler(DeclaracionesError)
    async def library_error(request: Request, exc: DeclaracionesError):
        status = 404 if isinstance(exc, NotFoundError) else 499 if isinstance(exc, Cancelled) else 400
        if request.url.path.startswith("/api/"):
            return JSONResponse(api_error(exc), status_code=status)
        return page(request, "error.html", status=status, message=spanish_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/") or request.url.path.startswith("/docs"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        message = ("No existe la página " + request.url.path + "." if exc.status_code == 404
                   else str(exc.detail))
        return page(request, "error.html", status=exc.status_code, message=message,
                    heading="Página no encontrada" if exc.status_code == 404 else None)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request, group: str = "dyad"):
        group = group if group in GROUPS else "dyad"
        filters = filters_from(request)

        def table_and_charts() -> tuple[pd.DataFrame, list[str]]:
            by_axis = {field: corpus.freq(by=[field, "axis"], **filters) for field in GROUPS}
            totals = {field: item_totals(corpus, field, filters) for field in GROUPS}
            table = dashboard_table(corpus, group, filters, by_axis[group], totals[group])
            charts = [svg_stacked_bars(by_axis[field], field, title, totals[field].to_dict())
                      for field, title in (("dyad", "Ejes por par de países"), ("year", "Ejes por año"))]
            return table, charts

        # grouped counts only, kept with the rendered charts until the store changes
        table, charts = corpus.cached(("dashboard", group, tuple(sorted(filters.items()))), table_and_charts)
        kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "group" and v])
        return page(request, "dashboard.html", table=table, group=group, charts=charts, filters=filters,
                    query=urlencode([*parse_qsl(kept), ("group", group)]),
                    query_without_group=f"{kept}&" if kept else "", options=corpus.filter_options())

    @app.get("/download.{fmt}", include_in_schema=False)
    def download(request: Request, fmt: str, group: str = "dyad"):
        group = group if group in GROUPS else "dyad"
        table = dashboard_table(corpus, group, filters_from(request))
        if fmt == "csv":
            return Response(table.to_csv(index=False), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="ejes-por-{group}.csv"'})
        if fmt == "xlsx":
            buffer = io.BytesIO()
            table.to_excel(buffer, index=False)
            return Response(buffer.getvalue(),
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": f'attachment; filename="ejes-por-{group}.xlsx"'})
        raise HTTPException(404)

    @app.get("/items", response_class=HTMLResponse, include_in_schema=False)
    def items_page(request: Request, q: str = "", page_number: int = Query(1, alias="page", ge=1, le=10_000)):
        filters = filters_from(request)
        offset = (page_number - 1) * PAGE_SIZE
        hits = (corpus.search(q, limit=PAGE_SIZE, offset=offset, **filters) if q.strip()
                else corpus.items(limit=PAGE_SIZE, offset=offset, **filters))
        total = corpus.count(q, cap=COUNT_CAP, **filters)
        explanations = _explain(model(), hits)
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and v]
        link = lambda number: "/items?" + urlencode([*kept, ("page", number)])  # noqa: E731
        pages = {"number": page_number, "first": offset + 1, "last": offset + len(hits), "total": total,
                 "capped": total > COUNT_CAP, "previous": link(page_number - 1) if page_number > 1 else None,
                 "next": link(page_number + 1) if offset + len(hits) < total else None}
        return page(request, "items.html", hits=to_records(hits), explanations=explanations, q=q,
                    filters=filters, options=corpus.filter_options(), pages=pages)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request, kind: str = "", title: str = ""):
        filters = {k: v for k, v in filters_from(request).items() if k in DOCUMENT_FILTERS}
        frame = corpus.documents(kind=kind or None, title=title or None, **filters)
        return page(request, "documents.html", documents=to_records(frame), filters=filters, kind=kind,
                    title=title, options=corpus.filter_options())

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str):
        if not DOC_ID.match(doc_id):
            raise NotFoundError(f"no hay ningún documento «{doc_id[:40]}»")
        document = corpus.document(doc_id)
        return page(request, "document.html", document=document)

    @app.get("/propose", response_class=HTMLResponse, include_in_schema=False)
    def propose_page(request: Request, between: str = "", a: str = "", b: str = "", top: str = "",
                     since: str = "", joint_weight: str = "", half_life: str = ""):
        pair = _pair(f"{a},{b}" if (a or b) and not between else (between or "PE,US"))
        params = {"top": _number(top, "top", int, 3), "since": _number(since, "since", int, None),
                  "joint_weight": _number(joint_weight, "joint_weight", float, 1 / 3),
                  "half_life": _number(half_life, "half_life", float, 10.0)}
        html = corpus.proposal_report(pair, top=params["top"], since=params["since"],
                                      joint_weight=params["joint_weight"],
                                      half_life=params["half_life"] or None).render("html")
        countries = sorted(set(corpus.filter_options()["countries"]) | set(pair))
        nav = templates.env.get_template("_propose_nav.html").render(
            pair=pair, params=params, countries=countries, allow_upload=allow_upload)
        return HTMLResponse(html.replace("<body>", "<body>" + nav, 1))

    @app.get("/api/freq")
    def api_freq(request: Request, by: list[str] = Query(["axis"]), share_of: str = "group") -> list[dict]:
        """Items per group: the rows of `declaraciones freq --format json` (by axis and a field, the
        share within the group, `share_in_<field>`; `share_of=all`: of all the filtered items)."""
        return to_records(corpus.freq(by=by, share_of=share_of, **filters_from(request)))

    @app.get("/api/items")
    def api_items(request: Request, q: str = "", limit: int = Query(500, ge=1, le=5000),
                  offset: int = Query(0, ge=0, le=1_000_000)) -> list[dict]:
        """Items matching `q` (accent-insensitive) and the filters: the lines of `declaraciones search --format jsonl`.

        One page of `limit` items after `offset` (newest documents first with `q`, oldest first without).
        """
        filters = filters_from(request)
        hits = (corpus.search(q, limit=limit, offset=offset, **filters) if q.strip()
                else corpus.items(limit=limit, offset=offset, **filters))
        return to_records(hits)

    @app.get("/api/documents")
    def api_documents() -> list[dict]:
        """Stored documents: the rows of `declaraciones documents --format json`."""
        return to_records(corpus.documents())

    @app.get("/api/propose")
    def api_propose(between: str = "PE,US", top: int = 3, since: Optional[int] = None) -> dict:
        """The axes proposed for a pair: the output of `declaraciones propose --format json`."""
        return corpus.propose(_pair(between), top=top, since=since)

    app.include_router(followup_router(corpus, page, allow_edit))

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form(request: Request):
        if not allow_upload:
            raise HTTPException(403, "Carga deshabilitada: inicie el servidor con --allow-upload.")
        return page(request, "upload.html", extensions=sorted(SUPPORTED_EXTENSIONS),
                    limit_mb=config.MAX_UPLOAD_BYTES // (1024 * 1024))

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload(request: Request, file: UploadFile = File(...), parties: str = Form(""),
                     date: str = Form(""), title: str = Form("")):
        if not allow_upload:
            raise HTTPException(403, "Carga deshabilitada: inicie el servidor con --allow-upload.")
        summary, name = await _ingest_upload(corpus, model(), file, parties, date, title)
        return page(request, "upload.html", extensions=sorted(SUPPORTED_EXTENSIONS), summary=summary,
                    filename=name, limit_mb=config.MAX_UPLOAD_BYTES // (1024 * 1024))

    if allow_review:
        from ..classify.retrain import current_meta
        from .review import review_router

        app.include_router(review_router(corpus, templates, model, current_meta))
    app.add_middleware(CancelOnDisconnect)
    if allow_upload:
        app.add_middleware(BodyLimit, limit=config.MAX_UPLOAD_BYTES + 64 * 1024, path_prefix="/upload")
    return app


def app_from_environment() -> FastAPI:
    """The app for a server of several processes (`serve --workers N`): store from `DECLARACIONES_DB`."""
    import os

    return create_app(None, allow_upload=bool(os.environ.get("DECLARACIONES_ALLOW_UPLOAD")),
                      allow_review=bool(os.environ.get("DECLARACIONES_ALLOW_REVIEW")),
                      allow_edit=bool(os.environ.get("DECLARACIONES_ALLOW_EDIT")))


def _number(raw: str, field: str, kind: type, default: Any) -> Any:
    """A form value as `kind` (int or float); `default` when left empty; FieldError when not a number."""
    raw = raw.strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        wanted = "un número entero" if kind is int else "un número"
        raise FieldError(field, f"not a number: {raw!r}", f"«{raw}» no es {wanted}") from None


def parties_es(parties: Any) -> str:
    """Party codes ("PE,EC" or a list) as Spanish names: «Perú, Ecuador»."""
    codes = split_parties(parties) if isinstance(parties, str) else list(parties or [])
    return ", ".join(country_name(code) for code in codes) or "—"


def _pair(between: str) -> tuple[str, ...]:
    codes = country_codes(between, "between")
    if len(codes) != 2:
        raise FieldError("between", f"expected two country codes such as PE,US, got {between!r}",
                         f"se esperaban dos códigos de país como PE,US; se recibió «{between}»")
    return codes


_EXPLAINED: "OrderedDict[tuple[str, str, str | None], dict[str, list[str]]]" = OrderedDict()
_EXPLAINED_LOCK = threading.Lock()
_EXPLAINED_ENTRIES = 4096  # a few dozen pages of items: the first pages analysts open again and again


def _explain(model, hits: pd.DataFrame) -> list[dict[str, list[str]]]:
    """The terms that weighed most for each hit's labels (empty without a model), remembered per text."""
    if model is None or hits.empty:
        return [{} for _ in range(len(hits))]
    texts = hits["text"].tolist()
    langs = hits["lang"].tolist() if "lang" in hits else [None] * len(texts)
    keys = [(getattr(model, "version", ""), text, lang) for text, lang in zip(texts, langs)]
    with _EXPLAINED_LOCK:
        known = {key: _EXPLAINED[key] for key in keys if key in _EXPLAINED}
    missing = [k for k, key in enumerate(keys) if key not in known]
    if missing:
        predictions = model.predict([texts[k] for k in missing],
                                    langs=[langs[k] for k in missing] if "lang" in hits else None)
        with _EXPLAINED_LOCK:
            for k, prediction in zip(missing, predictions):
                known[keys[k]] = _EXPLAINED[keys[k]] = {axis: list(terms)
                                                        for axis, terms in prediction.explanation.items()}
            while len(_EXPLAINED) > _EXPLAINED_ENTRIES:
                _EXPLAINED.popitem(last=False)
    return [known[key] for key in keys]


async def _ingest_upload(corpus: Corpus, model, file: UploadFile, parties: str, date: str, title: str):
    name = Path(file.filename or "").name
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUPPORTED_EXTENSIONS:
        raise InputError(name or "upload", f"unsupported file type {suffix or '(none)'}; "
                         f"accepted: {', '.join(sorted(SUPPORTED_EXTENSIONS))}")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-120:] or f"upload{suffix}"
    overrides = {k: v for k, v in {"parties": [c.strip().upper() for c in parties.split(",") if c.strip()],
                                   "date": date.strip(), "title": title.strip()}.items() if v}
    with tempfile.TemporaryDirectory(prefix="declaraciones-upload-") as folder:
        target = Path(folder) / safe_name
        size = 0
        with target.open("wb") as out:
            while chunk := await file.read(1024 * 1024):
                size += len(chunk)
                if size > config.MAX_UPLOAD_BYTES:
                    raise InputError(name, f"file larger than {config.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
                out.write(chunk)
        summary = corpus.ingest([target], model=model, silent=True, workers=1, **overrides)
    if summary.refused:
        reason = summary.refused[0][1].replace(str(target), name)
        raise InputError(name, reason.split(": ", 1)[-1] if reason.startswith(name) else reason)
    return summary, name
